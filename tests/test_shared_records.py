"""A record shown on a live page changes only through a reviewer, and the
pages' trails show it (issue: renaming a Site, Investigator, Organization
or Condition changed a published page at once, with no review)."""

import pytest
from django.urls import reverse

from projects import shared_records
from projects.models import Condition, Investigator, Organization, ProjectInvestigator, Site

from .conftest import BOSTON

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(make_project, publish):
    project = publish(make_project(lay_title="Live page", conditions=["Asthma"], sites=[BOSTON],
                                   sponsor="Live Sponsor"))
    person = Investigator.objects.create(name="Dana Whitfield", profile_url="https://example.org/dana")
    ProjectInvestigator.objects.create(project=project, investigator=person)
    return project


def _records(live):
    return {
        "site": (Site.objects.get(institution=BOSTON["institution"]), "institution", "Renamed Hospital"),
        "organization": (Organization.objects.get(name="Live Sponsor"), "name", "Renamed Sponsor"),
        "condition": (Condition.objects.get(name="Asthma"), "name", "Renamed condition"),
        "investigator": (Investigator.objects.get(name="Dana Whitfield"), "profile_url", "https://evil.example/"),
    }


def _post_change(client, record, field, value):
    url = reverse(f"admin:projects_{record._meta.model_name}_change", args=[record.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if v is None else v) for name, v in form.initial.items() if name in form.fields}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data[field] = value
    return client.post(url, data)


@pytest.mark.parametrize("kind", ["site", "organization", "condition", "investigator"])
def test_editors_cannot_change_a_record_a_live_page_shows(client, editor, live, kind):
    record, field, value = _records(live)[kind]
    before = getattr(record, field)
    client.force_login(editor)
    url = reverse(f"admin:projects_{record._meta.model_name}_change", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Shown on live pages" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {field: value})
    assert response.status_code == 403
    record.refresh_from_db()
    assert getattr(record, field) == before
    assert value not in client.get(live.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind", ["site", "organization", "condition", "investigator"])
def test_a_reviewers_correction_is_on_every_live_pages_trail(client, reviewer, live, kind):
    record, field, value = _records(live)[kind]
    client.force_login(reviewer)
    response = _post_change(client, record, field, value)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    record.refresh_from_db()
    assert getattr(record, field) == value
    event = live.review_events.first()
    assert event.action == "corrected" and event.actor == reviewer and value in event.comment


def test_records_no_live_page_shows_are_edited_freely(client, editor, make_project):
    make_project(sites=[BOSTON])  # a draft only
    site = Site.objects.get()
    client.force_login(editor)
    response = _post_change(client, site, "institution", "Fixed typo Hospital")
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.institution == "Fixed typo Hospital"


def test_nobody_deletes_a_record_a_live_page_shows(client, superuser, live):
    site = Site.objects.get()
    assert shared_records.is_in_use_on_live_pages(site)
    client.force_login(superuser)
    url = reverse("admin:projects_site_delete", args=[site.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Site.objects.filter(pk=site.pk).exists()
