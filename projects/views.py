"""Public pages: the listing of published projects and one page per project."""

from django.views.generic import DetailView
from django_filters.views import FilterView

from . import presenters
from .filters import ProjectFilter
from .models import Project


class ProjectListView(FilterView):
    """Published projects, filtered and searched from the query string.

    A query string the filters cannot read (an unknown condition, a choice
    that does not exist, an over-long search) gets the page back with the
    errors shown and HTTP 400, not an unexplained empty list.
    """

    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 10

    def get_queryset(self):
        return Project.objects.listed().for_public_pages()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response


class ProjectDetailView(DetailView):
    """One published project. Anything not live is a 404 to the public;
    staff see drafts through the admin's preview instead."""

    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.published().for_public_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = list(self.object.conditions.all())
        return context
