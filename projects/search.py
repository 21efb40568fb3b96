"""Text search over published projects.

Every word must match one of: the plain-language title, the official
title, the summary, or a condition name (kept on the row as
``search_conditions``, so no join or subquery per word is needed).
"""

from django.db.models import Q, QuerySet

from .models import Condition, Project

SEARCHED_FIELDS = ("lay_title", "official_title", "lay_summary", "search_conditions")


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Projects in ``queryset`` matching every word of ``text``."""
    for word in text.split():
        match = Q()
        for name in SEARCHED_FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def refresh_search_conditions(project_ids) -> None:
    """Rewrite the condition names kept on each project row, after its
    conditions changed or a condition was renamed."""
    names: dict[int, list[str]] = {pk: [] for pk in project_ids}
    through = Project.conditions.through.objects.filter(project_id__in=names)
    for project_id, name in through.values_list("project_id", "condition__name"):
        names[project_id].append(name)
    for project_id, found in names.items():
        Project.objects.filter(pk=project_id).update(search_conditions=" ".join(sorted(found)))


def projects_with_condition(condition: Condition) -> list[int]:
    return list(condition.projects.values_list("pk", flat=True))
