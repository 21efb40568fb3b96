"""Review reminders: each editor gets one email listing their live pages
that are overdue for a check against the source.

Safe to run daily (or hourly): an editor gets at most one reminder a day,
recorded as a ``ReviewReminder`` in the same transaction as the decision.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import queues, workflow
from .models import ReviewReminder


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    already_sent_today: int
    pages: int


def send_review_reminders(today=None) -> ReminderResult:
    today = today or timezone.localdate()
    sent = already = pages = 0
    editors = get_user_model().objects.filter(is_active=True).exclude(email="")
    for user in editors:
        if not user.has_perm(workflow.SUBMIT_PERMISSION):
            continue
        overdue = list(queues.overdue().filter(queues.owned_by(user)).order_by("last_reviewed"))
        if not overdue:
            continue
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(user=user, sent_on=today, project_count=len(overdue))
                send_mail(
                    f"{len(overdue)} page(s) due for a check against the source",
                    _body(user, overdue), settings.DEFAULT_FROM_EMAIL, [user.email],
                )
        except IntegrityError:
            already += 1
            continue
        sent += 1
        pages += len(overdue)
    return ReminderResult(sent, already, pages)


def _body(user, projects) -> str:
    lines = [
        f"Hello {user.get_full_name() or user.get_username()},",
        "",
        "These live pages are due for a check against their source record. Open each one,",
        "compare it with the registry, and record the check (with a note) on the page:",
        "",
    ]
    for project in projects:
        url = settings.SITE_URL + reverse("admin:projects_project_change", args=[project.pk])
        lines.append(f"- {project.lay_title} (last reviewed {project.last_reviewed:%B %-d, %Y})")
        lines.append(f"  {url}")
    lines += ["", "— Find a Trial editorial"]
    return "\n".join(lines)
