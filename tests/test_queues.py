"""Work queues: each editor and reviewer lands on what to do next."""

import datetime

import pytest
from django.urls import reverse

from projects import editing, queues, revisions, workflow

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("admin:index")
CHANGELIST_URL = reverse("admin:projects_project_changelist")


def test_awaiting_my_review_leaves_out_what_i_helped_write_oldest_first(make_project, editor, superuser, reviewer):
    first = make_project(lay_title="First submitted")
    second = make_project(lay_title="Second submitted")
    mine = make_project(lay_title="The boss wrote this")
    editing.save_content(mine, superuser, content={**revisions.snapshot(mine), "lay_summary": "Boss text"})
    for project in (first, second, mine):
        workflow.submit(project, editor)
    assert list(queues.awaiting_review(superuser)) == [first, second]
    assert list(queues.awaiting_review()) == [first, second, mine]
    assert list(queues.awaiting_review(reviewer)) == [first, second, mine]


def test_start_pages_show_each_role_its_queues(client, make_project, publish, editor, reviewer):
    sent_back = make_project(lay_title="Please simplify me", last_edited_by=editor)
    workflow.submit(sent_back, editor)
    workflow.send_back(sent_back, reviewer, "Simpler words")
    waiting = make_project(lay_title="Waiting for a reviewer")
    workflow.submit(waiting, editor)
    publish(make_project(lay_title="Old live page"), reviewed_on=datetime.date(2020, 1, 1))

    client.force_login(editor)
    page = client.get(INDEX_URL).content.decode()
    assert "Sent back to you" in page and "Please simplify me" in page
    assert "Due for re-review" in page and "Old live page" in page
    assert "Awaiting your review" not in page

    client.force_login(reviewer)
    page = client.get(INDEX_URL).content.decode()
    assert "Awaiting your review" in page and "Waiting for a reviewer" in page
    assert "Sent back to you" not in page


def test_queue_filter_lists_the_same_projects(client, make_project, editor, reviewer):
    project = make_project(lay_title="In the queue")
    workflow.submit(project, editor)
    client.force_login(reviewer)
    response = client.get(CHANGELIST_URL, {"queue": "mine"})
    assert [p.pk for p in response.context["cl"].result_list] == [project.pk]
    client.force_login(editor)
    response = client.get(CHANGELIST_URL, {"queue": "mine"})
    assert list(response.context["cl"].result_list) == []


def test_overdue_and_due_soon(make_project, publish, settings):
    settings.REVIEW_INTERVAL_MONTHS = 12
    old = publish(make_project(), reviewed_on=datetime.date(2000, 1, 1))
    fresh = publish(make_project())
    assert list(queues.overdue()) == [old]
    assert fresh not in queues.due_within(30)
