"""A study's sites on its public page: listed one by one up to
``SITES_ON_PAGE``; beyond that, counted by country and state, each place a
link into the page of every site (``views.ProjectSitesView``), which lists
them all with their status and contacts."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from projects.importers import pipeline
from projects.models import SITES_ON_PAGE, Contact, Project

from .conftest import publish_written
from .importers.recorded import study
from .test_listing import DETAIL_BUDGET

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    main = html[html.index("<main"): html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def import_study(tmp_path, editor, publish):
    """Import a recorded ClinicalTrials.gov study, write its plain-language
    page and publish it, as an editor and a reviewer would."""

    def do(nct_id):
        path = tmp_path / f"{nct_id}.json"
        path.write_text(json.dumps(study(nct_id)))
        pipeline.import_files(pipeline.CTGOV, [path])
        return publish_written(Project.objects.get(nct_id=nct_id), editor, publish, {
            "lay_title": "Keeping ovarian cancer from coming back",
            "lay_summary": "Doctors test whether a daily pill keeps ovarian cancer away longer.",
            "research_focus": "Whether sorafenib after chemotherapy delays a relapse.",
        })

    return do


def test_a_study_with_more_sites_than_a_page_lists_counts_them_by_place(
    client, import_study, django_assert_max_num_queries
):
    project = import_study("NCT00791778")  # 51 sites in 14 countries
    assert project.project_sites.count() == 51 > SITES_ON_PAGE
    assert connection.features.supports_json_field  # SQLite probes it once per connection
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    text, page = _text(response), response.content.decode()
    # Links relative to the page's address: /projects/<slug>/sites/.
    assert reverse("projects:sites", args=[project.slug]) == project.get_absolute_url() + "sites/"
    every_site = "sites/"
    assert "51 sites in 14 countries:" in text
    assert "Locations 51 sites in 14 countries" in text  # the quick facts
    # Each country with its count, its states linked to their headings there.
    assert f'<a href="{every_site}#japan"><strong>Japan</strong></a>: 6 sites' in page
    assert f'<a href="{every_site}#japan-tokyo">Tokyo</a> 2' in page
    assert f'<a href="{every_site}#poland"><strong>Poland</strong></a>: 6 sites</li>' in page
    # Sites the record places in South Korea without a region, beside Seoul's.
    assert f'<a href="{every_site}#south-korea">region not given</a> 5' in page
    assert f'<a class="button-link" href="{every_site}">See all 51 sites' in page
    # The sites themselves are on that page, not this one.
    assert "La Jolla" not in text
    # Structured data names the places the page counts.
    assert (
        '"studyLocation":[{"@type":"AdministrativeArea","name":"Belgium","address":'
        '{"@type":"PostalAddress","addressCountry":"Belgium"}},{"@type":"AdministrativeArea",'
        '"name":"Ontario, Canada","address":{"@type":"PostalAddress","addressRegion":"Ontario",'
        '"addressCountry":"Canada"}}'
    ) in page


def test_the_page_of_every_site_lists_them_under_the_headings_linked_to(
    client, import_study
):
    project = import_study("NCT00791778")
    detail = client.get(project.get_absolute_url()).content.decode()
    response = client.get(reverse("projects:sites", args=[project.slug]))
    assert response.status_code == 200
    page, text = response.content.decode(), _text(response)
    anchors = set(re.findall(r'sites/#([^"]+)"', detail))
    assert anchors and anchors <= set(re.findall(r'id="([^"]+)"', page))
    assert "51 sites in 14 countries" in text
    listed = re.findall(r'<ul class="sites">(.*?)</ul>', page, re.S)
    assert sum(block.count("<li>") for block in listed) == 51
    assert "La Jolla, California, United States" in text
    # Countries in name order, then states: Canada's Ontario before Quebec.
    headings = re.findall(r"<h[23] id=\"([^\"]+)\"", page)
    assert headings[:4] == ["belgium", "canada", "canada-ontario", "canada-quebec"]
    assert headings[-1] == "united-states-maine"
    assert f'href="{project.get_absolute_url()}"' in page


def test_a_study_at_the_limit_lists_every_site_on_its_page(client, import_study):
    project = import_study("NCT06131398")  # 25 sites
    assert project.project_sites.count() == SITES_ON_PAGE
    text = _text(client.get(project.get_absolute_url()))
    assert "City of Hope National Medical Center" in text
    assert "See all" not in text


def test_recruiting_sites_and_their_contacts_move_to_the_page_of_every_site(
    client, make_project, publish, django_assert_max_num_queries
):
    sites = [
        {"institution": f"Clinic {n:02d}", "city": "Columbus", "state": "Ohio",
         "country": "United States"}
        for n in range(SITES_ON_PAGE + 5)
    ]
    project = make_project(study_type="clinical_trial", sites=sites)
    links = list(project.project_sites.select_related("site").order_by("order"))
    for link in links[:3]:
        link.recruitment_status = "recruiting"
        link.save()
    Contact.objects.create(project=project, name="Study desk", phone="614-555-0100")
    Contact.objects.create(
        project=project, site=links[1].site, name="Ann Coordinator", phone="614-555-0101"
    )
    project = publish(project)
    assert connection.features.supports_json_field
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(project.get_absolute_url())
    text = _text(response)
    assert "Recruiting at 3 of its 30 sites." in text
    assert '<a href="sites/">See where, with each site' in response.content.decode()
    assert "Study desk" in text and "Ann Coordinator" not in text
    assert "30 sites in 1 country, 3 of them recruiting:" in text

    every_site = _text(client.get(reverse("projects:sites", args=[project.slug])))
    assert every_site.count("Columbus, Ohio") == 30
    # The contact sits under her own site, and only there.
    assert re.search(r"Clinic 01 Columbus, Ohio, United States · Recruiting now Ann Coordinator", every_site)
    assert every_site.count("Ann Coordinator") == 1


def test_the_page_of_every_site_shows_only_published_projects(
    client, make_project, publish
):
    draft = make_project()
    assert client.get(reverse("projects:sites", args=[draft.slug])).status_code == 404
    live = publish(make_project(lay_title="A lab study", sites=[
        {"institution": "Toronto Western Hospital", "city": "Toronto", "state": "Ontario",
         "country": "Canada"},
    ]))
    text = _text(client.get(reverse("projects:sites", args=[live.slug])))
    assert "1 site in 1 country" in text and "Toronto Western Hospital" in text
    assert "Recruiting" not in text  # lab research enrols no one


def test_the_preview_shows_the_editor_every_site(client, editor, import_study):
    project = import_study("NCT00791778")
    client.force_login(editor)
    response = client.get(
        reverse("admin:projects_project_preview", args=[project.pk])
    )
    assert response.status_code == 200
    text = _text(response)
    assert "La Jolla, California" in text and "See all" not in text
    assert "The public page counts these 51 sites by country and state" in text
