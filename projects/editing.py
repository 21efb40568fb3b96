"""The one save path for a project's content, whatever the interface.

Every save (the admin form, a restore, the demo loader) goes through here:

1. lock the project row and re-read it, so the checks below see the truth;
2. refuse if the content is locked now (submitted or scheduled meanwhile),
   or if someone saved since the editor loaded the form (``version``):
   nothing is overwritten silently, and the caller keeps the editor's text;
3. write only content fields, never workflow fields (a stale form can't
   undo a transition), and only to the row while the page is not live;
   a live page's changes wait in a revision until a reviewer approves them;
4. record the revision: who saved what, which is also who may not approve it.
"""

import functools
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone

from . import revisions, workflow
from .choices import RevisionKind, Status
from .fields import EDITORIAL_FIELDS, SOURCE_FIELDS
from .models import Project, ProjectRevision, unique_slugs
from .models.bulk import insert_rows


class EditRefused(workflow.WorkflowConflict):
    """The save was refused; nothing was written. ``message`` says why."""


class NotEditable(EditRefused):
    pass


@dataclass(frozen=True)
class SavedMeanwhile:
    """A save by someone else since the editor's form was loaded."""

    number: int
    author: str
    at: object
    changed_fields: list[str]


class EditConflict(EditRefused):
    """Someone saved the project after the editor loaded it."""

    def __init__(self, message: str, current_version: int, saves: list[SavedMeanwhile],
                 changes: list[revisions.FieldChange]):
        super().__init__(message)
        self.current_version = current_version
        self.saves = saves
        self.changes = changes


def lock_for_editing(project_pk: int, base_version: int | None) -> Project:
    """Lock and return the project row if its content may be saved now by a
    form that started from ``base_version`` (None: no check, e.g. imports)."""
    locked = Project.objects.select_for_update().get(pk=project_pk)
    if not workflow.can_edit_content(locked):
        last = locked.review_events.select_related("actor").first()
        when = f" by {_name(last.actor)} at {timezone.localtime(last.created_at):%-I:%M %p}" if last else ""
        raise NotEditable(
            f"This page was {Status(locked.status).label.lower()}{when} while you were "
            "editing, so its content is locked. Your changes were not saved; they are "
            "still in the form below."
        )
    if base_version is not None and locked.version != base_version:
        raise _conflict(locked, base_version)
    return locked


def create_project(project: Project, user, *, conditions=(), kind=RevisionKind.SAVED) -> ProjectRevision:
    """Insert a new project (a draft) with its first revision."""
    with transaction.atomic():
        project.version = 1
        project.last_edited_by = user or project.last_edited_by
        project.save()
        project.conditions.set(conditions)
        project.search_conditions = " ".join(sorted(c.name for c in conditions))
        project.save(update_fields=["search_conditions"])
        return revisions.create(
            project, user, revisions.snapshot(project, conditions),
            changed_fields=_filled_fields(project, conditions), kind=kind,
        )


def create_projects(
    rows: list[dict], user, *, conditions: list | None = None,
    kind: RevisionKind = RevisionKind.SAVED,
) -> list[int]:
    """``create_project`` for many new projects at once (an import's
    batch), given as dicts of field values, each with its ``slug``
    (``models.unique_slugs`` makes them): the same rows as one at a time
    (a draft at version 1, its conditions, its first revision), inserted
    with ``insert_rows`` in a few statements instead of several queries
    per project. ``conditions`` holds each project's ``Condition`` rows.
    Returns the new projects' primary keys, in order."""
    conditions = conditions if conditions is not None else [[] for _ in rows]
    with transaction.atomic():
        for row, chosen in zip(rows, conditions, strict=True):
            row.update(
                version=1, last_edited_by_id=user.pk if user else None,
                nct_id=row.get("nct_id") or None,
                nih_core_project_number=row.get("nih_core_project_number") or None,
                search_conditions=" ".join(sorted(c.name for c in chosen)),
            )
        insert_rows(Project, rows)
        found = dict(
            Project.objects.filter(slug__any=[row["slug"] for row in rows]).values_list("slug", "pk")
        )
        pks = [found[row["slug"]] for row in rows]
        insert_rows(Project.conditions.through, [
            {"project_id": pk, "condition_id": condition.pk}
            for pk, chosen in zip(pks, conditions, strict=True) for condition in chosen
        ])
        revision_rows = []
        for pk, row, chosen in zip(pks, rows, conditions, strict=True):
            values = SimpleNamespace(**(_defaults() | row))  # as Project(**row) would read
            revision_rows.append({
                "project_id": pk, "number": 1, "version": 1, "kind": kind,
                "created_by_id": user.pk if user else None,
                "content": revisions.snapshot(values, chosen),
                "changed_fields": _filled_fields(values, chosen),
            })
        insert_rows(ProjectRevision, revision_rows)
        return pks


@functools.cache
def _defaults() -> dict:
    """A new project's field values before anything is set (only read)."""
    return {f.attname: f.get_default() for f in Project._meta.concrete_fields if not f.primary_key}


def save_content(
    project: Project, user, *, content: revisions.Snapshot, source_values: dict | None = None,
    base_version: int | None = None, kind: RevisionKind = RevisionKind.SAVED,
) -> ProjectRevision | None:
    """Save ``content`` (the editorial fields) and, while the page is not
    live, ``source_values`` (corrections of source facts). Returns the new
    revision, or None when nothing changed. Must run inside the caller's
    transaction if the caller also saves related rows (the admin's inlines).
    """
    source_values = source_values or {}
    with transaction.atomic():
        locked = lock_for_editing(project.pk, base_version)
        newest = revisions.latest(locked)
        previous = newest.content if newest else revisions.snapshot(locked)
        changed = [name for name in EDITORIAL_FIELDS if previous.get(name) != content.get(name)]
        changed += [name for name, value in source_values.items() if getattr(locked, name) != value]
        if not locked.source_facts_are_typed and any(name in SOURCE_FIELDS for name in changed):
            raise NotEditable(
                "Facts from the source record cannot be changed on a live page; they "
                "change with the next import, or a reviewer withdraws the page first."
                if locked.is_live
                else "Facts from the source record of an imported page change only with "
                "the next import of that record; correct them at the registry."
            )
        if not changed and kind == RevisionKind.SAVED:
            return None
        row_fields = ["version", "last_edited_by", "updated_at"]
        if locked.is_live:
            workflow.begin_draft(locked)
        else:
            for name, value in source_values.items():
                setattr(locked, name, value)
            row_fields += revisions.apply(locked, content) + list(source_values)
        locked.version += 1
        locked.last_edited_by = user
        locked.save(update_fields=row_fields)
        revision = revisions.create(
            locked, user, content, changed_fields=changed, kind=kind,
            based_on=newest.number if newest else None,
        )
        for name in ("version", "last_edited_by", "status", "updated_at"):
            setattr(project, name, getattr(locked, name))
        return revision


def restore(project: Project, user, revision: ProjectRevision, base_version: int | None = None) -> ProjectRevision:
    """Make an earlier version the newest draft (it still needs approval)."""
    if revision.project_id != project.pk:
        raise EditRefused("That version belongs to another project.")
    with transaction.atomic():
        new = save_content(
            project, user, content=revision.content, base_version=base_version,
            kind=RevisionKind.RESTORED,
        )
        workflow.record(
            project, user, workflow.ReviewAction.RESTORED,
            f"Version {revision.number} restored as version {new.number}.", revision=new,
        )
        return new


def _conflict(locked: Project, base_version: int) -> EditConflict:
    newer = list(
        locked.revisions.filter(version__gt=base_version)
        .select_related("created_by").order_by("number")
    )
    saves = [
        SavedMeanwhile(r.number, _name(r.created_by), r.created_at, r.changed_fields)
        for r in newer
    ]
    base = locked.revisions.filter(version__lte=base_version).order_by("-number").first()
    changes = revisions.diff(base.content if base else None, newer[-1].content) if newer else []
    who = ", ".join(sorted({s.author for s in saves})) or "An import of the source record"
    fields = sorted({
        _label(name) for s in saves for name in s.changed_fields
    })
    what = f" (changed: {', '.join(fields)})" if fields else ""
    return EditConflict(
        f"{who} saved this page after you opened it{what}. Your changes were not saved; "
        "they are still in the form below. Compare them with the changes shown, then "
        "save again to keep yours.",
        current_version=locked.version, saves=saves, changes=changes,
    )


def _label(name: str) -> str:
    try:
        return str(Project._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field renamed since the revision was saved
        return name


def _filled_fields(project: Project, conditions) -> list[str]:
    """What a new project's first revision wrote: every field with a value."""
    return [
        name for name in _CONTENT_AND_SOURCE
        if (bool(conditions) if name == "conditions" else _filled(project, name))
    ]


_CONTENT_AND_SOURCE = (*EDITORIAL_FIELDS, *SOURCE_FIELDS)


def _filled(project: Project, name: str) -> bool:
    value = getattr(project, name if name != "sponsor" else "sponsor_id", None)
    return value is not None and value != "" and value != []


def _name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()
