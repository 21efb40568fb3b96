"""Changelist filters: the work queues, review cadence and source changes.
What each queue means is defined once, in ``projects.queues``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import queues


class QueueFilter(admin.SimpleListFilter):
    """Awaiting review (mine: those I may approve, oldest first; all), sent
    back to me, my drafts."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Awaiting my review")),
            ("all", _("Awaiting review (all)")),
            ("sent_back", _("Sent back to me")),
            ("drafts", _("My drafts")),
        ]

    def queryset(self, request, queryset):
        user = request.user
        selected = {
            "mine": lambda: queues.awaiting_review(user),
            "all": lambda: queues.awaiting_review(),
            "sent_back": lambda: queues.sent_back_to(user),
            "drafts": lambda: queues.drafts_of(user),
        }.get(self.value())
        return queryset & selected() if selected else queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review due")
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("30days", _("Due in the next 30 days")),
            ("never", _("Live, never checked since publishing")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queues.overdue(queryset)
        if self.value() == "30days":
            return queues.due_within(30, queryset)
        if self.value() == "never":
            return queues.never_checked(queryset)
        return queryset


class SourceChangedFilter(admin.SimpleListFilter):
    title = _("source record changed")
    parameter_name = "source_changed"

    def lookups(self, request, model_admin):
        return [("yes", _("Changed since the last review")), ("no", _("No change"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(source_changed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(source_changed_at__isnull=True)
        return queryset
