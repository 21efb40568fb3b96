"""The editorial admin in a real browser, as an editor and a reviewer use
it. Screenshots go to /tmp/findatrial-screenshots/ for a person to look at."""

import pytest
from django.contrib.auth.models import Group, User

from projects import editing, revisions, workflow
from projects.models import Project

from .browser_support import click_and_wait, find, find_all, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-test-password"


def _person(username, group):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db):
    return {"editor": _person("b-editor", "Editors"), "reviewer": _person("b-reviewer", "Reviewers"),
            "editor2": _person("b-editor2", "Editors")}


def _change_url(live_server, project):
    return f"{live_server.url}/admin/projects/project/{project.pk}/change/"


def test_save_and_submit_keeps_the_edits_a_reviewer_asked_for(browser, live_server, make_project, people):
    """Issue: edits were silently dropped when the editor clicked "Submit for review"."""
    project = make_project(lay_title="Sleep and memory", last_edited_by=people["editor"])
    workflow.submit(project, people["editor"])
    workflow.send_back(project, people["reviewer"], "Say what amyloid is, and shorten the title.")
    login(browser, live_server, "b-editor", PASSWORD, f"/admin/projects/project/{project.pk}/change/")
    assert "Say what amyloid is" in find(browser, ".workflow-panel").text
    title = find(browser, "#id_lay_title")
    title.clear()
    title.send_keys("How sleep clears the brain")
    summary = find(browser, "#id_lay_summary")
    summary.clear()
    summary.send_keys("Amyloid is a protein that builds up in the brain.")
    find(browser, "#id_review_note").send_keys("Defined amyloid; shorter title.")
    screenshot(browser, "admin-editor-save-and-submit.png")
    click_and_wait(browser, find(browser, "input[name=_submit_for_review]"))
    assert "Saved and submitted for review" in find(browser, ".messagelist").text
    project.refresh_from_db()
    assert project.status == "in_review"
    assert project.lay_title == "How sleep clears the brain"
    submitted = project.review_events.first()
    assert submitted.comment == "Defined amyloid; shorter title."
    assert submitted.revision.content["lay_summary"].startswith("Amyloid is a protein")


def test_leaving_a_form_with_unsaved_changes_warns(browser, live_server, make_project, people):
    """The page asks the browser to confirm leaving (the browser draws the
    dialog; ChromeDriver accepts it on its own, so ask the page directly)."""
    project = make_project(last_edited_by=people["editor"])
    login(browser, live_server, "b-editor", PASSWORD, f"/admin/projects/project/{project.pk}/change/")
    would_warn = """
        const event = new Event('beforeunload', {cancelable: true});
        window.dispatchEvent(event);
        return event.defaultPrevented;
    """
    assert browser.execute_script(would_warn) is False  # nothing typed yet
    find(browser, "#id_lay_summary").send_keys(" An unsaved change.")
    assert browser.execute_script(would_warn) is True


def test_reviewer_sees_the_note_the_scores_and_exactly_what_changed(browser, live_server, make_project, publish, people):
    project = publish(make_project(lay_title="Helping tired hearts", lay_summary="The heart pumps blood."))
    editing.save_content(project, people["editor"], content={
        **revisions.snapshot(project), "lay_summary": "The heart pumps blood to the whole body.",
    })
    workflow.submit(project, people["editor"], "Added where the blood goes.")
    login(browser, live_server, "b-reviewer", PASSWORD, f"/admin/projects/project/{project.pk}/change/")
    panel = find(browser, ".workflow-panel")
    assert "Added where the blood goes." in panel.text
    assert "Changes since the live version" in panel.text
    assert [e.text.strip() for e in find_all(browser, ".workflow-panel table.changes ins")] == ["to the whole body"]
    screenshot(browser, "admin-reviewer-diff.png")
    click_and_wait(browser, find(browser, "button[value=approve]"))
    project.refresh_from_db()
    assert project.lay_summary == "The heart pumps blood to the whole body."


def test_second_editor_sees_a_conflict_and_keeps_their_text(browser, live_server, make_project, people):
    project = make_project(lay_summary="First words.", last_edited_by=people["editor"])
    login(browser, live_server, "b-editor", PASSWORD, f"/admin/projects/project/{project.pk}/change/")
    summary = find(browser, "#id_lay_summary")
    summary.clear()
    summary.send_keys("My careful rewrite.")
    fresh = Project.objects.get(pk=project.pk)
    editing.save_content(fresh, people["editor2"], content={**revisions.snapshot(fresh), "lay_summary": "Their words."},
                         base_version=fresh.version)
    click_and_wait(browser, find(browser, "input[name=_save]"))
    errors = find(browser, ".errornote, .errorlist.nonfield").text + find(browser, "ul.errorlist").text
    assert "b-editor2 saved this page after you opened it" in errors
    assert find(browser, "#id_lay_summary").get_attribute("value") == "My careful rewrite."
    assert "Their words." in find(browser, ".edit-conflict").text
    screenshot(browser, "admin-edit-conflict.png")
    click_and_wait(browser, find(browser, "input[name=_save]"))  # having read it, keep mine
    project.refresh_from_db()
    assert project.lay_summary == "My careful rewrite."


def test_start_pages_and_the_lab_research_form(browser, live_server, make_project, people):
    waiting = make_project(lay_title="Waiting for review")
    workflow.submit(waiting, people["editor"])
    lab = make_project(lay_title="A lab grant", last_edited_by=people["editor"])
    login(browser, live_server, "b-reviewer", PASSWORD)
    assert "Waiting for review" in find(browser, ".work-queues").text
    screenshot(browser, "admin-reviewer-start-page.png")
    login(browser, live_server, "b-editor", PASSWORD, f"/admin/projects/project/{lab.pk}/change/")
    labels = find(browser, "fieldset").text
    assert "Who this research may help one day" in labels and "Good fit" not in labels
    width = browser.execute_script("return document.querySelector('#id_lay_title').offsetWidth")
    assert width >= 500  # the title being written is not cut off
    screenshot(browser, "admin-editor-lab-form.png")
