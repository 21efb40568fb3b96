"""Django admin for editors and reviewers.

Editors write and submit; reviewers act through the workflow panel on a
project's page. Content is read-only while a project is in review or
published (see ``workflow.can_edit_content``), so what a reviewer approves
is what the public reads.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import workflow
from .choices import FUNDING_MECHANISM_GROUPS
from .models import (
    Condition,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ReviewEvent,
    Site,
)

#: Button text for each workflow transition, in workflow.TRANSITIONS' terms.
WORKFLOW_BUTTONS = {
    "submit": "Submit for review",
    "approve": "Approve and publish",
    "send_back": "Send back to editor",
    "mark_reviewed": "Mark reviewed today",
    "withdraw": "Withdraw from public site",
}

admin.site.site_header = "Find a Trial editorial"
admin.site.site_title = "Find a Trial editorial"
admin.site.index_title = "Projects, people and places"


@admin.register(Organization, Condition)
class NamedSlugAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["institution", "city", "state", "country"]
    list_filter = ["country", "state"]
    search_fields = ["institution", "city", "state", "country"]


@admin.register(Investigator)
class InvestigatorAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]


class ProjectInvestigatorInline(admin.TabularInline):
    model = ProjectInvestigator
    autocomplete_fields = ["investigator"]
    extra = 0


class SiteInline(admin.TabularInline):
    model = Project.sites.through
    autocomplete_fields = ["site"]
    extra = 0
    verbose_name = "site"
    verbose_name_plural = "Sites (where this research happens)"


class ReviewEventInline(admin.TabularInline):
    """The project's review trail, newest first; it can only be read."""

    model = ReviewEvent
    fields = ["created_at", "action", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "review step"
    verbose_name_plural = "Review history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("good_fit", "not_a_fit", "potential_benefit", "similar_studies")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "funding_mechanism" in self.fields:
            self.fields["funding_mechanism"].choices = [("", "---------"), *FUNDING_MECHANISM_GROUPS]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    change_form_template = "admin/projects/project/change_form.html"
    list_display = [
        "lay_title", "source_identifier", "status", "study_type", "funding_mechanism",
        "sponsor", "last_reviewed",
    ]
    list_filter = ["status", "study_type", "funding_mechanism", "research_status", "conditions"]
    list_select_related = ["sponsor"]
    search_fields = [
        "lay_title", "official_title", "lay_summary", "nct_id", "nih_project_number",
        "=nih_application_id", "sponsor__name",
    ]
    autocomplete_fields = ["sponsor", "conditions"]
    readonly_fields = [
        "status", "last_reviewed", "last_reviewed_by", "submitted_by", "last_edited_by",
        "first_published_at",
    ]
    inlines = [ProjectInvestigatorInline, SiteInline, ReviewEventInline]
    actions = ["mark_reviewed_today"]
    fieldsets = [
        ("Plain-language page", {
            "fields": [
                "lay_title", "lay_summary", "research_focus", "good_fit", "not_a_fit",
                "potential_benefit", "similar_studies", "conditions",
            ],
        }),
        ("Source record", {
            "fields": [
                "study_type", "official_title", "nih_application_id", "nih_project_number",
                "nct_id",
            ],
        }),
        ("Facts", {
            "fields": [
                "funding_mechanism", "research_status", "sex_eligibility", "sponsor",
                "funding_institute", "fiscal_year", "start_date", "end_date", "slug",
            ],
        }),
        ("Editorial", {"fields": readonly_fields}),
    ]

    def view_on_site(self, obj):
        """Link to the live page only when there is one; drafts use Preview."""
        return obj.get_absolute_url() if obj.is_published else None

    # Permissions -----------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is not None and not workflow.can_edit_content(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.REVIEW_PERMISSION)

    def save_model(self, request, obj, form, change):
        # Whoever last wrote the content may not approve it (see workflow.approve).
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    # Workflow --------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name="%s_%s_transition" % info,
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="%s_%s_preview" % info,
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The change view already loaded ``obj``; add the workflow panel's state.
        if obj is not None:
            context["workflow_actions"] = [
                (name, WORKFLOW_BUTTONS[name])
                for name in workflow.available_actions(obj, request.user)
            ]
            context["content_locked"] = not workflow.can_edit_content(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_viewable_project(self, request, object_id):
        """The project, or 404 (get_object() turns a malformed ID into None
        as well, so "/abc/" is a 404), or 403 without view permission."""
        project = self.get_object(request, object_id)
        if project is None:
            raise Http404("No such project.")
        if not self.has_view_permission(request, project):
            raise PermissionDenied
        return project

    def transition_view(self, request, object_id):
        project = self._get_viewable_project(request, object_id)
        action = request.POST.get("action", "")
        transition = workflow.TRANSITIONS.get(action)
        if transition is None:
            return HttpResponseBadRequest("Unknown workflow action.")
        try:
            event = transition(project, request.user, request.POST.get("comment", ""))
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, f"“{project.lay_title}”: {event.get_action_display().lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:projects_project_change", args=[project.pk])
        )

    def preview_view(self, request, object_id):
        """The public page as it would look, for any status; staff only."""
        project = self._get_viewable_project(request, object_id)
        project = Project.objects.for_public_pages().get(pk=project.pk)
        return TemplateResponse(
            request, "projects/project_detail.html", {"project": project, "preview": True}
        )

    @admin.action(description="Mark selected published projects reviewed today",
                  permissions=["review"])
    def mark_reviewed_today(self, request, queryset):
        done, refused = 0, []
        for project in queryset:
            try:
                workflow.mark_reviewed(project, request.user)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"{project.lay_title}: {error}")
        if done:
            self.message_user(request, f"Marked {done} project(s) reviewed today.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The whole review trail across projects; read-only by design."""

    list_display = ["created_at", "project", "action", "actor", "comment"]
    list_filter = ["action", "created_at"]
    list_select_related = ["project", "actor"]
    search_fields = ["project__lay_title", "actor__username", "comment"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

