"""Records shared between projects (sites, people, organizations,
conditions) appear on live pages: a change to one changes every page that
shows it. So while a record is in use on a live page, only a reviewer may
change it, nobody may delete it, and each change is written to the trail
of every live page it touches (issue: no unreviewed change reaches the
public). Records no live page uses are edited freely.
"""

from django.db.models import Q, QuerySet

from . import workflow
from .choices import ReviewAction
from .models import Condition, Contact, Investigator, Organization, Project, Site


def live_projects_using(record) -> QuerySet:
    """The live projects whose public page shows ``record``."""
    live = Project.objects.published()
    if isinstance(record, Site):
        return live.filter(project_sites__site=record).distinct()
    if isinstance(record, Organization):
        return live.filter(
            Q(sponsor=record)
            | Q(collaborators=record)
            | Q(project_investigators__investigator__organization=record)
        ).distinct()
    if isinstance(record, Investigator):
        return live.filter(project_investigators__investigator=record).distinct()
    if isinstance(record, Condition):
        return live.filter(conditions=record).distinct()
    if isinstance(record, Contact):
        return live.filter(pk=record.project_id)
    raise TypeError(f"{type(record).__name__} is not a shared record")


def is_in_use_on_live_pages(record) -> bool:
    return record.pk is not None and live_projects_using(record).exists()


def can_change(user, record) -> bool:
    """Anyone with the model permission may change a record no live page
    shows; one that a live page shows needs a reviewer."""
    return not is_in_use_on_live_pages(record) or user.has_perm(workflow.REVIEW_PERMISSION)


def record_correction(record, user, changes: dict[str, tuple[str, str]]) -> int:
    """Write the correction of ``record`` to the trail of every live page
    that shows it; return how many pages that is."""
    if not changes:
        return 0
    summary = "; ".join(f"{field}: “{old}” → “{new}”" for field, (old, new) in changes.items())
    comment = f"{type(record)._meta.verbose_name.capitalize()} “{record}” corrected. {summary}"
    details = {
        "record": f"{record._meta.label_lower}:{record.pk}",
        "changes": {field: [old, new] for field, (old, new) in changes.items()},
    }
    projects = list(live_projects_using(record))
    for project in projects:
        workflow.record(project, user, ReviewAction.CORRECTED, comment, details=details)
    return len(projects)
