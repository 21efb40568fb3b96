"""Public pages: the listing of published projects and one page per project.

Both are cached whole for anonymous visitors (``projects.cache``): the
cache drops every page when anything public changes, so a publish or a
withdrawal shows at once, and editors always see the database.
"""

from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from . import listing
from .cache import cache_public_page
from .filters import ProjectFilter
from .models import SITES_ON_PAGE, Project, load_site_records, page_conditions, public_page


class ProjectListView(TemplateView):
    """Listed projects, filtered, searched and sorted from the query string.

    A query string the filters cannot read (an unknown condition, a choice
    that does not exist, an over-long search, a page that is not a number)
    gets the page back with the errors shown and HTTP 400, not an
    unexplained empty list. A page past the end shows the last page.
    """

    template_name = "projects/project_list.html"
    paginate_by = 10

    def get_queryset(self):
        return Project.objects.listed()

    def get(self, request, *args, **kwargs):
        filterset = ProjectFilter(request.GET, queryset=self.get_queryset(), request=request)
        number, page_error = _page_number(request.GET.get("page"))
        valid = filterset.is_valid() and not page_error
        context = self.get_context_data(
            filter=filterset,
            page_error=page_error,
            menu=filterset.menu,
            page=None,
            object_list=[],
            removals=[],
            hints=[],
            conflict="",
        )
        if valid:
            result = listing.page(filterset, number, self.paginate_by)
            active = filterset.active()
            context.update(
                page=result,
                page_obj=result,
                object_list=result.items,
                active_filters=[
                    (name, filterset.filters[name].label, shown, _without(request.GET, name))
                    for name, shown in active
                    if name != "q"  # the heading names the search
                ],
                search_text=filterset.search_text,
                without_correction=_with(request.GET, as_typed="1"),
            )
            if not result.count:
                context["hints"] = [
                    (filterset.filters[name].label, shown, _without(request.GET, name))
                    for name, shown in filterset.removals_with_results()
                ]
                context["conflict"] = _site_conflict(filterset)
        return self.render_to_response(context, status=200 if valid else 400)


def _page_number(raw: str | None) -> tuple[int, str]:
    if raw in (None, ""):
        return 1, ""
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        return 1, _("Page: enter a whole number, 1 or more.")
    return number, ""


def _without(query: QueryDict, name: str) -> str:
    """The query string without filter ``name`` (and back to page 1)."""
    kept = query.copy()
    for key in (name, "page", *(("as_typed",) if name == "q" else ())):
        kept.pop(key, None)
    return "?" + kept.urlencode() if kept else "?"


def _with(query: QueryDict, **values) -> str:
    changed = query.copy()
    changed.pop("page", None)
    for key, value in values.items():
        changed[key] = value
    return "?" + changed.urlencode()


def _site_conflict(filterset: ProjectFilter) -> str:
    """ "No project has a site in both Canada and Texas": said only when those
    two are the only filters, so an empty result means exactly that."""
    if {name for name, _shown in filterset.active()} != {"country", "state"}:
        return ""
    data = filterset.form.cleaned_data
    country, state = data["country"], data["state"]
    return _("No published project has a site in both %(country)s and %(state)s.") % {
        "country": country,
        "state": getattr(state, "label", state),
    }


class ProjectDetailView(DetailView):
    """One published project. Anything not live is a 404 to the public;
    staff see drafts through the admin's preview instead."""

    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        project = public_page(self.kwargs["slug"])
        if project is None:
            raise Http404(_("No published page has this address."))
        return project

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = page_conditions(self.object)
        # Relative: the page's own address ends in its slug and a slash.
        context["every_site"] = "sites/"
        return context


class ProjectSitesView(DetailView):
    """Every site of one published project, by country and state, with each
    site's status and contacts: where a large study's page, which shows only
    how many sites each place has, sends its readers. A project whose page
    lists its sites (``SITES_ON_PAGE`` or fewer) has no such page: its
    address leads to that list."""

    template_name = "projects/project_sites.html"
    context_object_name = "project"
    queryset = (
        Project.objects.published()
        .only("slug", "lay_title", "study_type", "research_status", "archived_at")
        .with_site_count()
    )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.site_count <= SITES_ON_PAGE:
            return redirect(self.object.get_absolute_url() + "#where-heading")
        load_site_records(self.object)
        return self.render_to_response(self.get_context_data(object=self.object))


project_list = cache_public_page(ProjectListView.as_view())
project_detail = cache_public_page(ProjectDetailView.as_view())
project_sites = cache_public_page(ProjectSitesView.as_view())
