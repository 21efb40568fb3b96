"""Admins for the records pages share: organizations, conditions, sites,
people, the glossary, and the trail.

A shared record that a live page shows is read-only for editors and
changed only by reviewers, each change written to the trail of every live
page it appears on (``projects.shared_records``).
"""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import shared_records
from ..models import Condition, GlossaryTerm, Investigator, Organization, ReviewEvent, Site
from .hardening import HardenedAdminMixin
from .review import ReadOnlyAdminMixin


class SharedRecordAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Locks a record in use on live pages for everyone but reviewers, and
    records each reviewer's correction on those pages' trails."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not shared_records.can_change(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and shared_records.is_in_use_on_live_pages(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        changes = {}
        if change:
            before = type(obj)._default_manager.get(pk=obj.pk)
            for name in form.changed_data:
                label = str(form.fields[name].label or name)
                changes[label] = (_display(getattr(before, name)), _display(getattr(obj, name)))
        super().save_model(request, obj, form, change)
        pages = shared_records.record_correction(obj, request.user, changes)
        if pages:
            self.message_user(
                request,
                _("This record appears on %(n)s live page(s); the correction is in their review history.")
                % {"n": pages}, messages.INFO,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["live_pages_using"] = shared_records.live_projects_using(obj)[:20]
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Organization)
class OrganizationAdmin(SharedRecordAdmin):
    list_display = ["name", "city", "state", "country"]
    search_fields = ["name", "city"]
    fields = ["name", "slug", "city", "state", "zip_code", "country"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/projects/shared_record_change_form.html"


@admin.register(Condition)
class ConditionAdmin(SharedRecordAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/projects/shared_record_change_form.html"


@admin.register(Site)
class SiteAdmin(SharedRecordAdmin):
    list_display = ["institution", "city", "state", "zip_code", "country"]
    list_filter = ["country"]
    search_fields = ["institution", "city", "state", "zip_code"]
    fields = [
        "institution", "city", "state", "zip_code", "country", "latitude", "longitude",
        "coordinates_source",
    ]
    change_form_template = "admin/projects/shared_record_change_form.html"


@admin.register(Investigator)
class InvestigatorAdmin(SharedRecordAdmin):
    list_display = ["name", "title", "organization", "nih_profile_id"]
    # A link typed without a scheme means https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    change_form_template = "admin/projects/shared_record_change_form.html"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["term", "plain", "updated_at"]
    search_fields = ["term", "plain"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, HardenedAdminMixin, admin.ModelAdmin):
    """The whole review trail across projects; read-only by design."""

    list_display = ["created_at", "project", "action", "actor", "checked_on", "comment"]
    list_filter = ["action", "created_at"]
    list_select_related = ["project", "actor"]
    search_fields = ["project__lay_title", "actor__username", "comment"]
    date_hierarchy = "created_at"


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "all"):
        return ", ".join(str(v) for v in value.all())
    return str(value)
