"""Keep what is derived from projects in step with them, whichever code
changed them (the admin, the workflow, an import, the shell):

- the condition names kept on each project row, used by search;
- the facet counts of the public listing, and what the cards and a big
  study's page say about its sites (``projects.facets``);
- the cached public pages (``projects.cache``): any save or delete of a
  live project or of a record its page shows drops them;
- coordinates of sites saved without any (``projects.geocoding``).

Writers that bypass signals (``bulk_create``, ``QuerySet.update``) call
``projects_changed`` (or ``facets.refresh`` and ``cache.invalidate``)
themselves; bulk writers that do send them (``QuerySet.delete``) wrap
their writes in ``refresh_once``.
"""

import contextlib
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import cache, facets
from .geocoding import GEOCODED_FIELDS, fill_coordinates
from .models import (
    Condition,
    Contact,
    FacetKind,
    GrantLink,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectSite,
    Site,
)
from .search import projects_with_condition, refresh_search_conditions


@receiver(m2m_changed, sender=Project.conditions.through)
def conditions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_search_conditions([instance.pk])
            projects_changed([instance.pk], live=instance.is_live)
        return
    # condition.projects.add(...): ``instance`` is the condition.
    if action == "pre_clear":
        instance._projects_before_clear = projects_with_condition(instance)
    elif action == "post_clear":
        _conditions_rewritten(getattr(instance, "_projects_before_clear", []))
    elif action in {"post_add", "post_remove"}:
        _conditions_rewritten(pk_set)


@receiver(post_save, sender=Condition)
def condition_saved(sender, instance, created, **kwargs):
    if not created:
        _conditions_rewritten(projects_with_condition(instance))
        facets.relabel(FacetKind.CONDITION, instance.slug, instance.name)


@receiver(post_save, sender=Project)
def project_saved(sender, instance, update_fields=None, **kwargs):
    touched = set(update_fields) if update_fields is not None else None
    if touched is None or touched & facets.FACET_FIELDS:
        facets.refresh([instance.pk])
    # A draft's save changes no public page, unless it takes the page offline.
    if instance.is_live or touched is None or "is_live" in touched:
        cache.invalidate()


@receiver(pre_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    facets.forget([instance.pk])
    if instance.is_live:
        cache.invalidate()


@receiver(post_save, sender=ProjectSite)
@receiver(post_delete, sender=ProjectSite)
def project_site_changed(sender, instance, origin=None, **kwargs):
    if _deleting_projects(origin):
        return  # the project's own deletion: pre_delete took it out already
    projects_changed([instance.project_id])


@receiver(post_save, sender=Site)
def site_saved(sender, instance, created, update_fields=None, **kwargs):
    if fill_coordinates(instance):
        instance.save(update_fields=GEOCODED_FIELDS)  # this save has coordinates: no loop
        return
    if not created:
        projects_changed(instance.project_sites.values_list("project_id", flat=True))


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, created, **kwargs):
    if not created:
        facets.relabel(FacetKind.SPONSOR, instance.slug, instance.name)
        cache.invalidate()


@receiver(post_save, sender=Contact)
@receiver(post_delete, sender=Contact)
def contact_changed(sender, instance, origin=None, **kwargs):
    """A contact at a site counts on a big study's page (its places "with
    contacts", kept on its facet row)."""
    if _deleting_projects(origin):
        return
    projects_changed([instance.project_id])


@receiver(post_save, sender=Investigator)
@receiver(post_save, sender=ProjectInvestigator)
@receiver(post_delete, sender=ProjectInvestigator)
@receiver(post_save, sender=GrantLink)
@receiver(post_delete, sender=GrantLink)
def shown_record_changed(sender, **kwargs):
    """Records only the project pages show: no counts change."""
    cache.invalidate()


def _deleting_projects(origin) -> bool:
    model = getattr(origin, "model", type(origin))
    return model is Project


def _conditions_rewritten(project_ids) -> None:
    project_ids = list(project_ids)
    refresh_search_conditions(project_ids)
    projects_changed(project_ids)


#: Projects changed inside ``refresh_once()``, and whether a live page changed.
_pending: ContextVar[dict | None] = ContextVar("projects_changed_pending", default=None)


@contextlib.contextmanager
def refresh_once():
    """Within the block, changed projects are gathered and refreshed
    (``facets.refresh``, the page cache) once, when it ends. A bulk
    delete sends a signal for every row: an import replacing a trial's 400
    site links, or its contacts, refreshed the project once per row, about
    nine queries each. Nothing is refreshed if the block raises: its
    transaction is rolled back."""
    if _pending.get() is not None:  # already inside one
        yield
        return
    token = _pending.set({"ids": set(), "live": False})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    projects_changed(pending["ids"], live=pending["live"])


def projects_changed(project_ids, live: bool = True) -> None:
    """Refresh what is derived from these projects (their facet rows and
    counts) and, if a live page changed, drop the cached pages; inside
    ``refresh_once()``, when it ends."""
    pending = _pending.get()
    if pending is not None:
        pending["ids"].update(project_ids)
        pending["live"] = pending["live"] or live
        return
    facets.refresh(project_ids)
    if live:
        cache.invalidate()
