"""An XSS corpus through every field an editor (or an import) can fill:
escaped on the public page and in the admin, never executable."""

import pytest
from django.urls import reverse

from projects import editing, revisions, workflow
from projects.models import Contact, Investigator, ProjectInvestigator, Site

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }}{% debug %}",
]
TEXT_FIELDS = ["lay_title", "lay_summary", "research_focus", "good_fit", "not_a_fit",
               "potential_benefit", "similar_studies", "official_title", "funding_institute"]


def _assert_inert(html: str, payload: str):
    if "<" in payload:
        assert payload not in html, payload  # shown escaped, never as markup
    else:
        assert payload in html  # template syntax is shown as typed, never evaluated
    assert "<script>alert(1)" not in html and "onerror=alert(1)>" not in html
    assert "onload=alert(1)>" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_field_is_escaped_on_the_public_page_and_in_the_admin(client, make_project, publish, reviewer, payload):
    study = make_project(
        study_type="clinical_trial", **{name: f"{name} {payload}"[:190] for name in TEXT_FIELDS},
        conditions=[f"Condition {payload}"], sponsor=f"Sponsor {payload}",
        sites=[{"institution": f"Site {payload}", "city": f"City {payload}", "state": "", "country": "United States"}],
    )
    person = Investigator.objects.create(name=f"Dr {payload}", title=f"Title {payload}")
    ProjectInvestigator.objects.create(project=study, investigator=person)
    Contact.objects.create(project=study, name=f"Contact {payload}", email="a@example.org")
    publish(study)
    html = client.get(study.get_absolute_url()).content.decode()
    _assert_inert(html, payload)
    listing = client.get(reverse("projects:list")).content.decode()
    _assert_inert(listing, payload)
    client.force_login(reviewer)
    for url in (reverse("admin:projects_project_change", args=[study.pk]),
                reverse("admin:projects_project_changelist"),
                reverse("admin:projects_project_versions", args=[study.pk])):
        _assert_inert(client.get(url).content.decode(), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_diffs_and_the_review_panel_escape_text(client, make_project, publish, editor, reviewer, payload):
    project = publish(make_project(lay_summary="Plain words."))
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": f"Now {payload}"})
    workflow.submit(project, editor, f"Note {payload}")
    client.force_login(reviewer)
    html = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    _assert_inert(html, payload)
    assert "<ins>" in html  # the diff markup itself is there
    compare = client.get(reverse("admin:projects_project_compare", args=[project.pk]), {"from": 1, "to": 2})
    _assert_inert(compare.content.decode(), payload)
