"""Snapshots, diffs and restores of a project's plain-language content.

A snapshot is the editor-owned fields (``fields.EDITORIAL_FIELDS``) as a
plain dict: text as text, conditions as a sorted list of primary keys. The
diff is Python's ``difflib`` over words, so a reviewer sees the words that
changed, not just the names of the fields. Nothing here checks permission
or state: ``projects.editing`` and ``projects.workflow`` do, then call it.
"""

import difflib
import re
from dataclasses import dataclass

from django.db.models import Max
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .fields import EDITORIAL_RELATED_FIELDS, EDITORIAL_TEXT_FIELDS
from .models import Condition, Project, ProjectRevision

Snapshot = dict


def snapshot(project: Project, conditions=None) -> Snapshot:
    """The editorial content of ``project`` as it is in memory (and, for
    conditions, in the database unless ``conditions`` is given)."""
    content = {name: getattr(project, name) or "" for name in EDITORIAL_TEXT_FIELDS}
    if conditions is None:
        conditions = project.conditions.all() if project.pk else []
    content["conditions"] = sorted(_pk(c) for c in conditions)
    return content


def latest(project: Project) -> ProjectRevision | None:
    return project.revisions.order_by("-number").first()


def draft_content(project: Project) -> Snapshot:
    """What an editor continues from: the newest revision, or the row."""
    revision = latest(project)
    return revision.content if revision else snapshot(project)


def has_pending_draft(project: Project) -> bool:
    """A live page with saved changes that are not live yet."""
    if not project.is_live:
        return False
    newest = project.revisions.aggregate(n=Max("number"))["n"] or 0
    live_number = project.live_revision.number if project.live_revision_id else 0
    return newest > live_number


def create(project: Project, user, content: Snapshot, *, changed_fields, kind, based_on=None):
    """Add the next revision of ``project``; the caller holds the row lock."""
    number = (project.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ProjectRevision.objects.create(
        project=project, number=number, version=project.version, kind=kind, content=content,
        changed_fields=list(changed_fields), based_on=based_on, created_by=user,
    )


def apply(project: Project, content: Snapshot) -> list[str]:
    """Copy ``content`` onto the project row (the live version); return the
    names of the row fields written. The caller saves nothing else and holds
    the row lock; conditions are replaced here."""
    for name in EDITORIAL_TEXT_FIELDS:
        setattr(project, name, content.get(name, ""))
    wanted = set(content.get("conditions", []))
    existing = list(Condition.objects.filter(pk__in=wanted).order_by("name"))
    project.conditions.set(existing)
    project.search_conditions = " ".join(c.name for c in existing)
    return [*EDITORIAL_TEXT_FIELDS, "search_conditions"]


# Diffs --------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    html: SafeString  # the words removed and added, marked with <del> and <ins>


def diff(before: Snapshot | None, after: Snapshot) -> list[FieldChange]:
    """Field-by-field changes from ``before`` to ``after``, in form order.
    ``before`` None means everything in ``after`` is new."""
    before = before or {}
    names = _condition_names(before, after)
    changes = []
    for name in (*EDITORIAL_TEXT_FIELDS, *EDITORIAL_RELATED_FIELDS):
        old, new = before.get(name, [] if name == "conditions" else ""), after.get(name, "")
        if name == "conditions":
            old = ", ".join(names.get(pk, f"(deleted condition {pk})") for pk in old)
            new = ", ".join(names.get(pk, f"(deleted condition {pk})") for pk in new or [])
        if (old or "") == (new or ""):
            continue
        label = str(Project._meta.get_field(name).verbose_name)
        changes.append(FieldChange(name, label[:1].upper() + label[1:], old, new, word_diff(old, new)))
    return changes


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of ``new`` with removed words in <del> and added ones in <ins>."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


def _condition_names(*snapshots: Snapshot) -> dict[int, str]:
    pks = {pk for content in snapshots for pk in content.get("conditions", [])}
    return dict(Condition.objects.filter(pk__in=pks).values_list("pk", "name")) if pks else {}


def _pk(value) -> int:
    return value if isinstance(value, int) else int(value.pk)
