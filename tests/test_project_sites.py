"""A study's sites on its public page: listed one by one up to
``SITES_ON_PAGE``; beyond that, counted by country and state, each place a
link into the page of every site (``views.ProjectSitesView``), which lists
them all with their status and contacts."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from projects import facets, presenters, workflow
from projects.importers import pipeline
from projects import cache as page_cache
from projects.models import (
    SITES_ON_PAGE,
    Contact,
    Project,
    ProjectFacets,
    SiteArea,
    load_page_records,
)

from .factories import publish_written
from .data import DETAIL_BUDGET
from .importers.recorded import study

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
    assert f'<a href="{every_site}#japan--tokyo">Tokyo</a> 2' in page
    assert f'<a href="{every_site}#poland"><strong>Poland</strong></a>: 6 sites</li>' in page
    # Sites the record places in South Korea without a region, beside Seoul's.
    assert (
        f'<a href="{every_site}#south-korea">region not given'
        '<span class="visually-hidden"> (South Korea)</span></a> 5'
    ) in page
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
    assert headings[:4] == ["belgium", "canada", "canada--ontario", "canada--quebec"]
    assert headings[-1] == "united-states--maine"
    assert len(set(headings)) == len(headings)
    assert f'href="{project.get_absolute_url()}"' in page


def test_a_study_at_the_limit_lists_every_site_on_its_page(client, import_study):
    project = import_study("NCT06131398")  # 25 sites
    assert project.project_sites.count() == SITES_ON_PAGE
    text = _text(client.get(project.get_absolute_url()))
    assert "City of Hope National Medical Center" in text
    assert "See all" not in text


def _clinics(count, **place):
    place = {"city": "Columbus", "state": "Ohio", "country": "United States", **place}
    return [{"institution": f"Clinic {n:02d}", **place} for n in range(count)]


def test_recruiting_sites_and_their_contacts_move_to_the_page_of_every_site(
    client, make_project, publish, django_assert_max_num_queries
):
    project = make_project(study_type="clinical_trial", sites=_clinics(SITES_ON_PAGE + 5))
    links = list(project.project_sites.select_related("site").order_by("order"))
    for link in links[:3]:
        link.recruitment_status = "recruiting"
        link.save()
    Contact.objects.create(project=project, name="Study desk", phone="614-555-0100")
    Contact.objects.create(
        project=project, site=links[1].site, name="Ann Coordinator", phone="614-555-0101"
    )
    # Named alone, without a phone or an email: no way to reach her.
    Contact.objects.create(project=project, site=links[2].site, name="Bo Investigator")
    project = publish(project)
    assert connection.features.supports_json_field
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(project.get_absolute_url())
    text = _text(response)
    assert "Recruiting at 3 of its 30 sites. See where" in text
    assert "Study desk" in text and "Ann Coordinator" not in text
    assert "1 of its sites have a contact of their own: see every site and its contacts" in text
    assert "30 sites in 1 country, 3 of them recruiting:" in text

    with django_assert_max_num_queries(3):  # the project, its sites, its contacts
        every_site = _text(client.get(reverse("projects:sites", args=[project.slug])))
    assert every_site.count("Columbus, Ohio") == 30
    # The contact sits under her own site, and only there.
    assert re.search(
        r"Clinic 01 Columbus, Ohio, United States · Recruiting now Ann Coordinator", every_site
    )
    assert every_site.count("Ann Coordinator") == 1 and "Bo Investigator" not in every_site

    # Once the study is closed, no page says which of its sites recruit.
    Project.objects.filter(pk=project.pk).update(research_status="active_not_recruiting")
    page_cache.invalidate()  # an update() sends no signal
    text = _text(client.get(project.get_absolute_url()))
    every_site = _text(client.get(reverse("projects:sites", args=[project.slug])))
    assert "30 sites in 1 country:" in text and "recruiting" not in text.lower().replace(
        "no longer recruiting", ""
    )
    assert "30 sites in 1 country." in every_site and "Recruiting now" not in every_site


def test_only_a_studys_own_contacts_count_for_its_sites(client, make_project, publish):
    """Sites are shared between studies: another study's contact at a
    shared site is not a way to reach this one."""
    clinics = _clinics(SITES_ON_PAGE + 2)
    project = make_project(study_type="clinical_trial", sites=clinics)
    other = make_project(study_type="clinical_trial", sites=clinics[:2])
    shared, own = (link.site for link in project.project_sites.order_by("order")[:2])
    Contact.objects.create(project=other, site=shared, name="Other desk", phone="614-555-0199")
    Contact.objects.create(project=project, site=own, name="Own desk", email="desk@example.org")
    Contact.objects.create(project=project, site=own, name="Own nurse", phone="614-555-0100")
    project = publish(project)
    text = _text(client.get(project.get_absolute_url()))
    assert "1 of its sites have a contact of their own" in text


def test_a_large_study_reached_only_through_its_sites_says_so(client, make_project, publish):
    project = make_project(study_type="clinical_trial", sites=_clinics(SITES_ON_PAGE + 1))
    Contact.objects.create(project=project, site=project.sites.first(), email="site@example.org")
    text = _text(client.get(publish(project).get_absolute_url()))
    assert "How to take part" in text and "see every site and its contacts" in text
    assert "use the contacts on the official ClinicalTrials.gov record" not in text


def test_spellings_of_one_place_are_counted_once_and_every_heading_has_its_own_id(
    client, make_project, publish
):
    sites = [
        *_clinics(10, city="Toronto", state="Ontario", country="Canada"),
        *[{**site, "institution": f"Hospital {n}", "state": "ONTARIO "}
          for n, site in enumerate(_clinics(10, city="Ottawa", country="Canada"))],
        *_clinics(3, city="Bissau", state="", country="Guinea-Bissau"),
        *_clinics(3, city="Kamsar", state="Bissau", country="Guinea"),
        *_clinics(2, city="Somewhere", state="", country=""),
    ]
    project = publish(make_project(sites=sites))
    page = client.get(project.get_absolute_url()).content.decode()
    assert '<a href="sites/#canada--ontario">Ontario</a> 20' in page
    assert "ONTARIO" not in page
    assert '<a href="sites/#country-not-given"><strong>Country not given</strong></a>: 2' in page
    assert presenters.describe_sites(2, 1, "Somewhere", "") == "2 sites"
    every_site = client.get(reverse("projects:sites", args=[project.slug])).content.decode()
    ids = re.findall(r' id="([^"]+)"', every_site)
    assert len(ids) == len(set(ids))
    assert {"guinea-bissau", "guinea", "guinea--bissau", "canada--ontario"} <= set(ids)
    assert '<h2 id="country-not-given">Country not given' in every_site
    anchors = set(re.findall(r'sites/#([^"]+)"', page))
    assert anchors <= set(ids)


def test_every_name_on_the_page_of_every_site_is_escaped(client, make_project, publish):
    hostile = '<img src=x onerror="alert(1)"> & Co'
    sites = _clinics(SITES_ON_PAGE, city=hostile, state=hostile)
    project = make_project(study_type="clinical_trial", sites=[
        *sites, {"institution": hostile, "city": "Columbus", "country": hostile},
    ])
    Contact.objects.create(project=project, site=project.sites.get(institution=hostile),
                           name=hostile, phone="614-555-0100")
    project = publish(project)
    for url in (project.get_absolute_url(), reverse("projects:sites", args=[project.slug])):
        page = client.get(url).content.decode()
        assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co" in page


def test_a_project_whose_page_lists_its_sites_has_no_page_of_them(
    client, make_project, publish
):
    project = publish(make_project(sites=_clinics(2)))
    response = client.get(reverse("projects:sites", args=[project.slug]))
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url() + "#where-heading"


def test_the_page_of_every_site_shows_only_published_projects(
    client, make_project, publish, reviewer
):
    draft = make_project(sites=_clinics(SITES_ON_PAGE + 1))
    assert client.get(reverse("projects:sites", args=[draft.slug])).status_code == 404
    lab = publish(make_project(lay_title="A lab study", sites=_clinics(SITES_ON_PAGE + 1)))
    text = _text(client.get(reverse("projects:sites", args=[lab.slug])))
    assert "Every site of “A lab study”" in text and "26 sites in 1 country." in text
    assert "Recruiting" not in text  # lab research enrols no one
    workflow.withdraw(lab, reviewer, "Wrong record")
    assert client.get(reverse("projects:sites", args=[lab.slug])).status_code == 404


def test_the_preview_shows_the_reviewer_what_the_public_will_see(client, editor, import_study):
    project = import_study("NCT00791778")
    client.force_login(editor)
    response = client.get(reverse("admin:projects_project_preview", args=[project.pk]))
    assert response.status_code == 200
    text, page = _text(response), response.content.decode()
    assert "51 sites in 14 countries:" in text and "La Jolla" not in text
    # From the admin's address, the links name the public page of every site.
    every_site = reverse("projects:sites", args=[project.slug])
    assert f'<a href="{every_site}#japan--tokyo">Tokyo</a> 2' in page
    assert "The page of every site is public while this page is live." in text


def _areas_counted(project):
    """A big study's places as its page counts them from its links."""
    counted = Project.objects.for_public_pages().get(pk=project.pk)
    load_page_records(counted)
    return counted.site_areas


def _areas_kept(project):
    """The places its facet row keeps (``ProjectFacets.site_areas``)."""
    return [SiteArea(*row) for row in ProjectFacets.objects.get(project=project).site_areas]


def test_a_big_studys_places_are_kept_on_its_facet_row_as_its_links_count_them(
    make_project, publish
):
    sites = [
        *_clinics(12, city="Toronto", state="Ontario", country="Canada"),
        *[{**site, "institution": f"Hospital {n}", "state": "ONTARIO "}
          for n, site in enumerate(_clinics(8, city="Ottawa", country="Canada"))],
        *_clinics(6),
        *_clinics(3, city="Bissau", state="", country="Guinea-Bissau"),
    ]
    project = make_project(study_type="clinical_trial", sites=sites)
    links = list(project.project_sites.select_related("site").order_by("order"))
    for link in (links[0], links[13], links[21]):
        link.recruitment_status = "recruiting"
        link.save()
    Contact.objects.create(project=project, site=links[13].site, name="Desk", phone="1")
    Contact.objects.create(project=project, site=links[21].site, name="Nobody to call")
    project = publish(project)
    assert _areas_kept(project) == _areas_counted(project) == [
        SiteArea("Canada", "Ontario", 20, 2, 1),
        SiteArea("Guinea-Bissau", "", 3, 0, 0),
        SiteArea("United States", "Ohio", 6, 1, 0),
    ]


def test_a_big_studys_kept_places_follow_its_sites_and_contacts(make_project, publish):
    project = publish(make_project(study_type="clinical_trial", sites=_clinics(SITES_ON_PAGE + 2)))
    assert _areas_kept(project) == [SiteArea("United States", "Ohio", 27, 0, 0)]
    first, second, *others = project.project_sites.select_related("site").order_by("order")
    first.recruitment_status = "recruiting"
    first.save()
    desk = Contact.objects.create(project=project, site=first.site, name="Desk", email="d@e.org")
    second.site.state = "Indiana"
    second.site.save()
    assert _areas_kept(project) == _areas_counted(project) == [
        SiteArea("United States", "Indiana", 1, 0, 0),
        SiteArea("United States", "Ohio", 26, 1, 1),
    ]
    desk.delete()
    assert _areas_kept(project)[1] == SiteArea("United States", "Ohio", 26, 1, 0)
    for link in others[:2]:
        link.delete()
    assert project.project_sites.count() == SITES_ON_PAGE
    assert _areas_kept(project) == []  # its page lists its sites


def test_a_big_studys_page_reads_its_places_from_its_facet_row(
    client, make_project, publish, django_assert_num_queries
):
    project = publish(make_project(study_type="clinical_trial", sites=_clinics(SITES_ON_PAGE + 3)))
    with django_assert_num_queries(DETAIL_BUDGET - 1):  # the row, central contacts, people
        kept = _text(client.get(project.get_absolute_url()))
    # A row not filled yet (null until facets.refresh reads the project):
    # the page counts the links, and says the same.
    ProjectFacets.objects.filter(project=project).update(site_areas=None)
    page_cache.invalidate()
    with django_assert_num_queries(DETAIL_BUDGET):
        counted = _text(client.get(project.get_absolute_url()))
    assert kept == counted and "28 sites in 1 country:" in kept


def _recorded(function, calls: list):
    def record(project_ids):
        project_ids = list(project_ids)
        calls.extend(project_ids)
        return function(project_ids)
    return record


def test_a_reimported_big_study_keeps_its_places_right_refreshed_once(
    tmp_path, editor, publish, monkeypatch
):
    """An import replaces a study's sites and contacts by deleting the old
    rows, a signal each: the project is refreshed once for the batch
    (``signals.refresh_once``), not once per row."""
    record = study("NCT00791778")  # 59 locations, none with contacts or statuses
    locations = record["protocolSection"]["contactsLocationsModule"]["locations"]
    # Edited copy: contacts at the first two locations, the first recruiting.
    locations[0] |= {"status": "RECRUITING", "contacts": [
        {"name": "Ann Desk", "role": "CONTACT", "phone": "555-0100"}]}
    locations[1]["contacts"] = [{"name": "Bo Desk", "role": "CONTACT", "email": "bo@example.org"}]
    path = tmp_path / "NCT00791778.json"
    path.write_text(json.dumps(record))
    pipeline.import_files(pipeline.CTGOV, [path])
    project = publish_written(Project.objects.get(nct_id="NCT00791778"), editor, publish, {
        "lay_title": "Keeping ovarian cancer from coming back",
        "lay_summary": "Doctors test whether a daily pill keeps ovarian cancer away longer.",
        "research_focus": "Whether sorafenib after chemotherapy delays a relapse.",
    })
    assert _areas_kept(project) == _areas_counted(project)
    assert sum(area.with_contacts for area in _areas_kept(project)) == 2

    # The registry's next version: one contact gone, the other's phone new,
    # the first location no longer recruiting, the second now recruiting.
    del locations[1]["contacts"]
    locations[0] |= {"status": "COMPLETED", "contacts": [
        {"name": "Ann Desk", "role": "CONTACT", "phone": "555-0199"}]}
    locations[1]["status"] = "RECRUITING"
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2030-01-01"}
    path.write_text(json.dumps(record))
    refreshed = []
    monkeypatch.setattr(facets, "refresh", _recorded(facets.refresh, refreshed))
    pipeline.import_files(pipeline.CTGOV, [path])
    # One refresh of the project for its 59 site links and 2 contacts
    # deleted and written again (it was one for each deleted row).
    assert refreshed.count(project.pk) == 1, refreshed
    kept = _areas_kept(project)
    assert kept == _areas_counted(project)
    assert sum(area.with_contacts for area in kept) == 1
    assert sum(area.recruiting for area in kept) == 1


def test_an_archived_big_studys_page_counts_its_places_itself(
    client, make_project, publish, reviewer, django_assert_num_queries
):
    """Archived, a study leaves the listing and its facet row with it; its
    page stays and counts its sites from its links."""
    project = publish(make_project(
        study_type="clinical_trial", sites=_clinics(SITES_ON_PAGE + 3),
        end_date=datetime.date(2020, 6, 30),
    ))
    listed_text = _text(client.get(project.get_absolute_url()))
    workflow.archive(project, reviewer, "Ended in 2020.")
    assert not ProjectFacets.objects.filter(project=project).exists()
    with django_assert_num_queries(DETAIL_BUDGET):
        archived_text = _text(client.get(project.get_absolute_url()))
    assert "28 sites in 1 country:" in listed_text and "28 sites in 1 country:" in archived_text
