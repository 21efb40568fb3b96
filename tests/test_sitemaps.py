"""The sitemap index, its sections and robots.txt: every public page a
search engine should find, nothing a draft uses, and the way to it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from projects import sitemaps, workflow
from projects.models import Investigator, Project, ProjectInvestigator

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _urls(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


@pytest.fixture
def catalogue(make_project, publish, reviewer):
    listed = publish(make_project(lay_title="Listed", conditions=["Asthma"], sponsor="Open University"))
    moment = timezone.make_aware(datetime.datetime(2026, 4, 2, 9, 30))
    Project.objects.filter(pk=listed.pk).update(last_published_at=moment)
    person = Investigator.objects.create(name="Ana Listed")
    ProjectInvestigator.objects.create(project=listed, investigator=person, role="pi")
    draft = make_project(lay_title="Draft", conditions=["Draft only"], sponsor="Hidden Sponsor")
    ProjectInvestigator.objects.create(
        project=draft, investigator=Investigator.objects.create(name="Hidden Person"), role="pi"
    )
    withdrawn = publish(make_project(lay_title="Withdrawn", conditions=["Asthma"]))
    workflow.withdraw(withdrawn, reviewer, "Wrong record")
    listed.refresh_from_db()
    return {"listed": listed, "draft": draft, "withdrawn": withdrawn, "person": person}


def test_the_index_lists_each_section(client, catalogue):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = {s.findtext(f"{SITEMAP}loc"): s.findtext(f"{SITEMAP}lastmod")
                 for s in root.findall(f"{SITEMAP}sitemap")}
    assert set(locations) == {
        f"http://testserver/sitemap-{name}.xml"
        for name in ("browse", "projects", "conditions", "institutions", "researchers")
    }
    assert locations["http://testserver/sitemap-projects.xml"] == "2026-04-02T09:30:00-04:00"


def test_project_section_has_listed_pages_with_their_last_change(client, catalogue):
    urls = _urls(client.get("/sitemap-projects.xml"))
    listed = catalogue["listed"]
    assert urls == {f"http://testserver{listed.get_absolute_url()}": "2026-04-02"}


def test_a_page_without_a_publication_moment_falls_back_to_its_review_date(make_project, publish):
    project = publish(make_project(), reviewed_on=datetime.date(2026, 1, 5))
    project.last_published_at = None
    assert sitemaps.ProjectSitemap().lastmod(project) == datetime.date(2026, 1, 5)


@pytest.mark.parametrize("section, expected", [
    ("conditions", ["/conditions/asthma/"]),
    ("institutions", ["/institutions/open-university/"]),
    ("browse", ["/projects/", "/conditions/", "/institutions/", "/researchers/"]),
])
def test_directory_sections_have_listed_entries_only(client, catalogue, section, expected):
    assert sorted(_urls(client.get(f"/sitemap-{section}.xml"))) == sorted(
        f"http://testserver{path}" for path in expected
    )


def test_researcher_section(client, catalogue):
    person = catalogue["person"]
    assert list(_urls(client.get("/sitemap-researchers.xml"))) == [
        f"http://testserver/researchers/{person.pk}-ana-listed/"
    ]


def test_sections_are_split_at_the_protocols_limit(client, make_project, publish, monkeypatch):
    for n in range(3):
        publish(make_project(lay_title=f"Study {n}"))
    monkeypatch.setattr(sitemaps.ProjectSitemap, "limit", 2)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [s.findtext(f"{SITEMAP}loc") for s in index.findall(f"{SITEMAP}sitemap")]
    assert "http://testserver/sitemap-projects.xml?p=2" in locations
    assert len(_urls(client.get("/sitemap-projects.xml", {"p": 2}))) == 1
    assert client.get("/sitemap-projects.xml", {"p": 3}).status_code == 404
    assert sitemaps.ADDRESSES_PER_PAGE <= sitemaps.PROTOCOL_LIMIT == 50_000


def test_the_index_reads_one_row_for_the_newest_change(client, catalogue, django_assert_max_num_queries):
    # one count per section, plus the newest project change
    with django_assert_max_num_queries(5 + 1):
        client.get("/sitemap.xml")


def test_sitemaps_are_served_from_the_cache_for_an_hour(client, catalogue, make_project, publish,
                                                        django_assert_num_queries):
    first = client.get("/sitemap-projects.xml").content
    publish(make_project(lay_title="Published since"))
    with django_assert_num_queries(0):
        assert client.get("/sitemap-projects.xml").content == first


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /projects/export.csv" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public pages stay open


def test_robots_txt_only_answers_reads(client):
    assert client.post("/robots.txt").status_code == 405
