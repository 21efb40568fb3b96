"""The demo data set loads through the real workflow, once."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from projects.models import Project

pytestmark = pytest.mark.django_db


def test_loaddemo_publishes_the_seed_and_twenty_more_and_is_idempotent():
    out = io.StringIO()
    call_command("loaddemo", password="demo-pass-123", stdout=out)
    assert "25 created, 0 already present" in out.getvalue()
    assert "editor" in out.getvalue() and "reviewer" in out.getvalue()

    published = Project.objects.published()
    assert published.count() >= 21
    seed = published.get(nih_application_id=11012296)
    assert seed.sponsor.name == "Massachusetts General Hospital"
    assert seed.get_funding_mechanism_display() == "Career development award (K)"
    assert [s.place for s in seed.sites.all()] == ["Boston, Massachusetts, United States"]
    assert "TROP2" in seed.lay_summary
    assert [c.name for c in seed.conditions.all()] == ["Breast cancer"]
    assert str(seed.last_reviewed) == "2026-05-15"
    assert list(seed.review_events.order_by("pk").values_list("action", flat=True)) == ["submitted", "approved"]
    assert Project.objects.filter(status="in_review").exists()
    assert Project.objects.filter(status="draft").exists()
    assert authenticate(username="reviewer", password="demo-pass-123")
    # A study for older adults says so in its ages.
    assert Project.objects.get(nct_id="NCT09000119").minimum_age_months == 65 * 12

    edited = Project.objects.get(nct_id="NCT09000125")
    edited.lay_summary = "An editor's own words"
    edited.save()
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    assert "0 created, 25 already present" in out.getvalue()
    edited.refresh_from_db()
    assert edited.lay_summary == "An editor's own words"


def test_every_published_demo_page_renders(client):
    call_command("loaddemo", password="demo-pass-123", stdout=io.StringIO())
    for project in Project.objects.published():
        response = client.get(project.get_absolute_url())
        assert response.status_code == 200, project
        html = response.content.decode()
        assert "['" not in html and "FUNDING_" not in html
        assert ("<dt>Sex</dt>" in html) == project.is_clinical_trial
