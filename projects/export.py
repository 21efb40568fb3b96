"""CSV export of a search: ``/projects/export.csv?<the listing's query string>``.

The same filters as the listing (``ProjectFilter``) over listed projects;
a query string they cannot read is a 400 that names the problem. The file
is streamed row by row, in plain-word columns, and stops at
``EXPORT_LIMIT`` projects with a last row that says so.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return) as a formula; such cells get a leading apostrophe
(OWASP's advice against CSV injection), since every text here comes from
editors or source records.
"""

import csv
from collections.abc import Iterator

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import presenters
from .filters import ProjectFilter
from .models import Project, ProjectSite

#: At most this many projects in one file.
EXPORT_LIMIT = 10_000
#: Projects read from the database at a time while streaming.
CHUNK_SIZE = 1_000

COLUMNS = [
    gettext_lazy("Title"),
    gettext_lazy("Summary"),
    gettext_lazy("Study type"),
    gettext_lazy("Status"),
    gettext_lazy("Recruiting now"),
    gettext_lazy("Funding type or phase"),
    gettext_lazy("Sponsor or institution"),
    gettext_lazy("Conditions"),
    gettext_lazy("Locations"),
    gettext_lazy("Ages"),
    gettext_lazy("Sex"),
    gettext_lazy("ClinicalTrials.gov ID"),
    gettext_lazy("NIH project number"),
    gettext_lazy("Official record"),
    gettext_lazy("Page on Find a Trial"),
    gettext_lazy("Last reviewed"),
    gettext_lazy("Last updated"),
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def project_row(project: Project, page_url: str) -> list[str]:
    study = project.is_registry_study
    records = presenters.official_records(project)
    sites = presenters.project_sites(project)
    published = project.last_published_at
    return [
        project.lay_title,
        project.lay_summary,
        project.get_study_type_display(),
        project.get_research_status_display(),
        _("Yes") if project.is_recruiting else _("No"),
        presenters.funding_text(project),
        project.sponsor.name,
        "; ".join(condition.name for condition in project.conditions.all()),
        "; ".join(f"{ps.site.institution}, {ps.site.place}" for ps in sites),
        (presenters.age_range(project.minimum_age_months, project.maximum_age_months)
         if study else ""),
        presenters.sex_text(project) if study else "",
        project.nct_id or "",
        project.nih_project_number,
        records[0].url if records else "",
        page_url,
        project.last_reviewed.isoformat() if project.last_reviewed else "",
        timezone.localdate(published).isoformat() if published else "",
    ]


def rows(projects, build_url) -> Iterator[list[str]]:
    """The header, one row per project, and a note when the limit cut the list."""
    yield [str(column) for column in COLUMNS]
    for count, project in enumerate(projects[: EXPORT_LIMIT + 1].iterator(chunk_size=CHUNK_SIZE)):
        if count == EXPORT_LIMIT:
            yield [
                _(
                    "This file stops at %(limit)s projects; more match this search. "
                    "Narrow the search (for example by condition or place) to export the rest."
                ) % {"limit": f"{EXPORT_LIMIT:,}"}
            ]
            return
        yield project_row(project, build_url(project.get_absolute_url()))


class _Echo:
    """A file-like object whose ``write`` returns what it is given, for streaming."""

    def write(self, value):
        return value


def export_csv(request):
    """The listing's search as a CSV file; a query string the filters cannot read is a 400."""
    filterset = ProjectFilter(request.GET, queryset=Project.objects.listed(), request=request)
    if not filterset.is_valid():
        fields = filterset.form.fields
        problems = [
            f"{fields[name].label if name in fields else name}: {error}"
            for name, errors in filterset.errors.items()
            for error in errors
        ]
        message = _("The search options could not be used:") + "\n" + "\n".join(problems) + "\n"
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    projects = (
        filterset.qs.order_by(*(filterset.qs.query.order_by or ("lay_title",)), "pk")
        .select_related("sponsor")
        .prefetch_related(
            "conditions",
            Prefetch("project_sites", queryset=ProjectSite.objects.select_related("site")),
        )
    )
    writer = csv.writer(_Echo())
    # A byte-order mark first, so spreadsheet programs read the file as UTF-8.
    lines = (
        ("\ufeff" if index == 0 else "") + writer.writerow([safe_cell(cell) for cell in row])
        for index, row in enumerate(rows(projects, request.build_absolute_uri))
    )
    filename = f"find-a-trial-projects-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
