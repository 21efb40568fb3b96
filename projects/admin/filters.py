"""Changelist filters for the editorial queues: review cadence and
source changes."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import add_months


def review_due_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Pages last reviewed before this date are overdue today."""
    today = today or timezone.localdate()
    return add_months(today, -settings.REVIEW_INTERVAL_MONTHS)


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
        today = timezone.localdate()
        live = queryset.filter(is_live=True)
        if self.value() == "overdue":
            return live.filter(last_reviewed__lt=review_due_cutoff(today))
        if self.value() == "30days":
            return live.filter(
                last_reviewed__gte=review_due_cutoff(today),
                last_reviewed__lt=review_due_cutoff(today + datetime.timedelta(days=30)),
            )
        if self.value() == "never":
            return live.exclude(review_events__action="reviewed")
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
