"""The editorial management commands."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from projects import workflow
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_reminders_go_once_a_day_to_each_editor_with_overdue_pages(make_project, publish, editor, settings):
    settings.REVIEW_INTERVAL_MONTHS = 12
    publish(make_project(lay_title="Old page", last_edited_by=editor), reviewed_on=datetime.date(2020, 1, 1))
    publish(make_project(lay_title="Fresh page", last_edited_by=editor))
    out = io.StringIO()
    call_command("send_review_reminders", stdout=out)
    assert "Reminders sent: 1 (1 overdue pages)" in out.getvalue()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [editor.email]
    assert "Old page" in mail.outbox[0].body and "Fresh page" not in mail.outbox[0].body
    assert "/admin/projects/project/" in mail.outbox[0].body
    call_command("send_review_reminders", stdout=(out := io.StringIO()))
    assert "already reminded today: 1" in out.getvalue()
    assert len(mail.outbox) == 1


def test_publish_scheduled_puts_due_pages_live(make_project, editor, reviewer):
    project = make_project()
    workflow.submit(project, editor)
    workflow.approve(project, reviewer, go_live_at=timezone.now() + datetime.timedelta(seconds=1))
    Project.objects.filter(pk=project.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=(out := io.StringIO()))
    assert "Published 1 scheduled page(s)." in out.getvalue()
    project.refresh_from_db()
    assert project.is_live and project.status == "published"
