"""The project admin: where editors write and reviewers review.

Permission hooks ask the workflow (``can_edit_content``); saves go through
``projects.editing``; transitions through ``projects.workflow``. A live
page is edited as a draft: its approved text stays public until a reviewer
approves the change, and its source facts and linked records are locked.
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import editing, revisions, workflow
from ..fields import EDITORIAL_TEXT_FIELDS, SOURCE_FIELDS, WORKFLOW_FIELDS
from ..models import (
    Contact,
    GrantLink,
    Project,
    ProjectInvestigator,
    ProjectRevision,
    ProjectSite,
    load_page_records,
)
from . import review
from .filters import QueueFilter, ReviewDueFilter, SourceChangedFilter
from .forms import ProjectAdminForm
from .hardening import HardenedAdminMixin, HardenedFormfieldsMixin


class SourceRowsInline(HardenedFormfieldsMixin, admin.TabularInline):
    """Source relations of a project: typed by editors only where its
    source facts are (``Project.source_facts_are_typed``), else read-only."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is None or (obj.source_facts_are_typed and workflow.can_edit_content(obj))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class ProjectInvestigatorInline(SourceRowsInline):
    model = ProjectInvestigator
    autocomplete_fields = ["investigator"]


class ProjectSiteInline(SourceRowsInline):
    model = ProjectSite
    autocomplete_fields = ["site"]
    fields = ["site", "recruitment_status", "order"]


class ContactInline(SourceRowsInline):
    model = Contact
    autocomplete_fields = ["site"]
    fields = ["name", "role", "phone", "email", "site", "order"]
    verbose_name_plural = _("Contacts (how to take part)")


class GrantLinkInline(SourceRowsInline):
    model = GrantLink
    fields = ["core_project_number", "as_registered"]
    verbose_name_plural = _("NIH grants named in the registry record")


@admin.register(Project)
class ProjectAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = ProjectAdminForm
    change_form_template = "admin/projects/project/change_form.html"
    list_display = [
        "lay_title", "source_identifier", "status", "is_live", "study_type",
        "last_reviewed", "review_due_display", "source_changed_display",
    ]
    list_filter = [
        QueueFilter, "status", "is_live", ReviewDueFilter, SourceChangedFilter, "study_type",
        "funding_mechanism", "research_status",
    ]
    list_select_related = ["sponsor"]
    search_fields = [
        "lay_title", "official_title", "nct_id", "nih_project_number",
        "=nih_application_id", "sponsor__name",
    ]
    autocomplete_fields = ["sponsor", "conditions"]
    readonly_fields = [
        "status", "is_live", "last_reviewed", "last_reviewed_by", "submitted_by",
        "last_edited_by", "first_published_at", "go_live_at", "archived_at",
        "collaborator_names", "source_changes_display", "source_keywords", "spending_categories",
    ]
    inlines = [
        ProjectInvestigatorInline, ProjectSiteInline, ContactInline, GrantLinkInline,
        review.ReviewEventInline,
    ]
    actions = None
    fieldsets = [
        (_("Plain-language page"), {
            "fields": [*EDITORIAL_TEXT_FIELDS, "conditions"],
        }),
        (_("Source record"), {
            "fields": [
                "study_type", "official_title", "brief_title", "nih_application_id",
                "nih_project_number", "nih_core_project_number", "nih_subproject_id", "nct_id",
            ],
        }),
        (_("Facts"), {
            "fields": [
                "funding_mechanism", "activity_code", "research_status", "sponsor",
                "collaborator_names", "funding_institute", "award_amount", "fiscal_year",
                "start_date", "end_date", "slug",
            ],
        }),
        (_("Who can take part (studies only)"), {
            "classes": ["collapse"],
            "fields": [
                "sex_eligibility", "minimum_age_months", "maximum_age_months",
                "healthy_volunteers", "enrollment", "enrollment_type", "eligibility_criteria",
            ],
        }),
        (_("Source text (not shown to the public)"), {
            "classes": ["collapse"],
            "fields": [
                "source_summary", "source_public_health_relevance", "source_keywords",
                "spending_categories", "source_last_updated",
            ],
        }),
        (_("Editorial"), {
            "fields": [
                "status", "is_live", "last_reviewed", "last_reviewed_by", "submitted_by",
                "last_edited_by", "first_published_at", "go_live_at", "archived_at",
                "source_changes_display",
            ],
        }),
        (None, {"fields": ["base_version", "review_note", "readability_override"]}),
    ]

    # Columns -----------------------------------------------------------------

    @admin.display(description=_("review due"))
    def review_due_display(self, obj):
        return obj.review_due() if obj.is_live else None

    @admin.display(description=_("source changed"), ordering="-source_changed_at")
    def source_changed_display(self, obj):
        """Which source fields changed since the last review, for reviewers
        working down the "source record changed" filter."""
        return ", ".join(obj.source_changes) if obj.has_source_changes else "—"

    @admin.display(description=_("collaborators"))
    def collaborator_names(self, obj):
        return ", ".join(str(o) for o in obj.collaborators.all()) or "—"

    @admin.display(description=_("source changed since the last review"))
    def source_changes_display(self, obj):
        return ", ".join(obj.source_changes) or "—"

    def get_ordering(self, request):
        # Review queues are worked oldest first; everything else by title.
        if request.GET.get("queue") in {"mine", "all", "sent_back"}:
            return ["updated_at", "pk"]
        return super().get_ordering(request)

    def view_on_site(self, obj):
        """Link to the live page only when there is one; drafts use Preview."""
        return obj.get_absolute_url() if obj.is_live else None

    # Permissions ---------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # A POST for a project locked meanwhile still reaches the form, whose
        # clean() refuses it with the row locked and keeps the editor's text.
        if obj is not None and not workflow.can_edit_content(obj) and request.method != "POST":
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_live or obj.first_published_at):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and not obj.source_facts_are_typed:
            fields += SOURCE_FIELDS
        if obj is not None and obj.is_live:
            fields.append("slug")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return [fs for fs in fieldsets if fs[0] is not None]
        return fieldsets

    # Saving ----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            editing.create_project(obj, request.user, conditions=form.cleaned_data.get("conditions") or [])
            return
        source_values = {
            name: form.cleaned_data[name] for name in SOURCE_FIELDS if name in form.cleaned_data
        }
        if "slug" in form.cleaned_data and form.cleaned_data["slug"]:
            source_values["slug"] = form.cleaned_data["slug"]
        editing.save_content(
            obj, request.user, content=form.editorial_content(), source_values=source_values,
            base_version=form.cleaned_data.get("base_version"),
        )

    def save_related(self, request, form, formsets, change):
        # Conditions were saved by projects.editing (onto the row, or into the
        # draft of a live page); live and imported pages' source rows are locked.
        if change and not form.instance.source_facts_are_typed:
            for formset in formsets:
                formset.save(commit=False)  # writes nothing; the change message reads the lists
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST:
            self._submit(request, obj, request.POST)
            return HttpResponseRedirect(reverse("admin:projects_project_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST:
            self._submit(request, obj, request.POST)
            return HttpResponseRedirect(reverse("admin:projects_project_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def _submit(self, request, project, data):
        """Save-and-submit: the save already happened; now submit what was saved."""
        try:
            workflow.submit(
                project, request.user, data.get("review_note", ""),
                readability_override=data.get("readability_override", ""),
            )
        except workflow.WorkflowError as error:
            self.message_user(request, _("Saved, but not submitted: %s") % error, messages.ERROR)
        else:
            self.message_user(request, _("Saved and submitted for review."), messages.SUCCESS)

    # Pages -----------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/transition/", view(require_POST(self.transition_view)),
                 name="%s_%s_transition" % info),
            path("<path:object_id>/preview/", view(self.preview_view),
                 name="%s_%s_preview" % info),
            path("<path:object_id>/versions/", view(self.versions_view),
                 name="%s_%s_versions" % info),
            path("<path:object_id>/versions/compare/", view(self.compare_view),
                 name="%s_%s_compare" % info),
            path("<path:object_id>/versions/<int:number>/restore/",
                 view(require_POST(self.restore_view)), name="%s_%s_restore" % info),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(review.panel_context(request, obj, context.get("adminform")))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_viewable_project(self, request, object_id) -> Project:
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
        name = request.POST.get("action", "")
        if name not in workflow.TRANSITIONS:
            return HttpResponseBadRequest("Unknown workflow action.")
        comment = request.POST.get("comment", "")
        try:
            event = self._run_transition(name, project, request.user, comment, request.POST)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, f"“{project.lay_title}”: {event.get_action_display().lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:projects_project_change", args=[project.pk]))

    @staticmethod
    def _run_transition(name, project, user, comment, data):
        """The transition with the options its form sends."""
        options = {
            "approve": lambda: {
                "expected_revision": _optional_int(data.get("expected_revision")),
                "go_live_at": _optional_datetime(data.get("go_live_at")),
            },
            "record_check": lambda: {"checked_on": _optional_date(data.get("checked_on"))},
            "submit": lambda: {"readability_override": data.get("readability_override", "")},
        }.get(name, dict)()
        return workflow.run(name, project, user, comment, **options)

    def preview_view(self, request, object_id):
        """The public page as it would look with the newest draft; staff only."""
        project = self._get_viewable_project(request, object_id)
        project = Project.objects.for_public_pages().get(pk=project.pk)
        load_page_records(project)
        draft = revisions.draft_content(project)
        conditions = review.conditions_of(draft)
        for name in EDITORIAL_TEXT_FIELDS:
            setattr(project, name, draft.get(name, ""))
        return TemplateResponse(request, "projects/project_detail.html", {
            "project": project, "conditions": conditions, "preview": True,
            "has_pending_draft": revisions.has_pending_draft(project),
            "every_site": reverse("projects:sites", args=[project.slug]),
        })

    def versions_view(self, request, object_id):
        project = self._get_viewable_project(request, object_id)
        versions = project.revisions.select_related("created_by", "approved_by")
        return TemplateResponse(request, "admin/projects/project/versions.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": project, "title": _("Versions of “%s”") % project.lay_title,
            "versions": versions, "can_restore": self._can_restore(request, project),
        })

    def compare_view(self, request, object_id):
        project = self._get_viewable_project(request, object_id)
        numbers = [_optional_int(request.GET.get(key)) for key in ("from", "to")]
        if None in numbers:
            return HttpResponseBadRequest("Choose two versions to compare.")
        older, newer = (
            get_object_or_404(ProjectRevision, project=project, number=number) for number in numbers
        )
        return TemplateResponse(request, "admin/projects/project/compare.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": project,
            "title": _("Version %(a)s compared with version %(b)s") % {"a": older.number, "b": newer.number},
            "older": older, "newer": newer, "changes": revisions.diff(older.content, newer.content),
            "can_restore": self._can_restore(request, project),
        })

    def restore_view(self, request, object_id, number):
        project = self._get_viewable_project(request, object_id)
        if not self._can_restore(request, project):
            raise PermissionDenied
        revision = get_object_or_404(ProjectRevision, project=project, number=number)
        try:
            new = editing.restore(project, request.user, revision, _optional_int(request.POST.get("base_version")))
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, _("Version %(old)s restored as the new draft (version %(new)s); it "
                           "needs a reviewer's approval before it is public.")
                % {"old": revision.number, "new": new.number}, messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:projects_project_change", args=[project.pk]))

    def _can_restore(self, request, project) -> bool:
        return workflow.can_edit_content(project) and super().has_change_permission(request, project)


def _optional_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _optional_date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"“{value}” is not a date (use YYYY-MM-DD).")
    return parsed


def _optional_datetime(value) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"“{value}” is not a date and time.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
