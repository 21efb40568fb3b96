"""What each public page says about itself: an absolute canonical address
without the query string (but the page of a listing, and a browse page's
letter), Open Graph tags for link previews, and the CSV export's address."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import set_script_prefix

pytestmark = pytest.mark.django_db


def _head(response):
    html = response.content.decode()
    return html[: html.index("</head>")]


def _canonical(response):
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', _head(response))
    assert len(found) == 1, found
    return found[0].replace("&amp;", "&")


def _og(response):
    return dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)">', _head(response)))


@pytest.fixture
def project(make_project, publish):
    return publish(make_project(lay_title="Sleep & memory", lay_summary="How deep sleep clears the brain.",
                                conditions=["Asthma"]))


@pytest.mark.parametrize("path, query, expected", [
    ("/", {}, "http://testserver/"),
    ("/projects/", {"condition": "asthma", "sort": "title"}, "http://testserver/projects/"),
    ("/projects/", {"page": "1"}, "http://testserver/projects/"),
    ("/conditions/", {"letter": "a", "utm_source": "mail"}, "http://testserver/conditions/?letter=a"),
    ("/conditions/", {}, "http://testserver/conditions/?letter=a"),
    ("/conditions/asthma/", {"page": "1", "ref": "x"}, "http://testserver/conditions/asthma/"),
])
def test_canonical_address_drops_the_query_string(client, project, path, query, expected):
    assert _canonical(client.get(path, query)) == expected


def test_a_listing_keeps_its_page_number(client, make_project, publish):
    for n in range(11):
        publish(make_project(lay_title=f"Study {n:02d}"))
    response = client.get("/projects/", {"page": "2", "q": "study"})
    assert _canonical(response) == "http://testserver/projects/?page=2"


def test_project_page_canonical_and_open_graph(client, project):
    response = client.get(project.get_absolute_url(), {"utm_campaign": "x"})
    url = f"http://testserver{project.get_absolute_url()}"
    assert _canonical(response) == url
    assert _og(response) == {
        "url": url, "site_name": "Find a Trial", "type": "article",
        "title": "Sleep &amp; memory", "description": "How deep sleep clears the brain.",
    }


def test_the_canonical_address_follows_the_request_host_and_scheme(client, project, settings):
    settings.ALLOWED_HOSTS = ["findatrial.org"]
    response = client.get(project.get_absolute_url(), HTTP_HOST="findatrial.org", secure=True)
    assert _canonical(response) == f"https://findatrial.org{project.get_absolute_url()}"


def test_other_pages_have_site_wide_open_graph_tags(client, project):
    og = _og(client.get("/"))
    assert og["type"] == "website" and og["title"] == "Find a Trial"
    assert og["description"].startswith("Plain-language summaries of NIH-funded research")
    assert _og(client.get("/conditions/asthma/"))["title"] == "Asthma: research and studies"


def test_a_page_without_a_request_has_no_canonical_address():
    assert Template("{% load page_meta %}[{% canonical_url %}]").render(Context({})) == "[]"


@pytest.mark.parametrize("query, expected", [
    ("", "/projects/export.csv"),
    ("?condition=asthma&page=3", "/projects/export.csv?condition=asthma"),
    ("?q=a%26b&sort=title", "/projects/export.csv?q=a%26b&sort=title"),
])
def test_export_link_keeps_the_search_but_not_the_page(query, expected):
    request = RequestFactory().get("/projects/" + query)
    html = Template("{% load page_meta %}{% export_csv_url %}").render(Context({"request": request}))
    assert html.replace("&amp;", "&") == expected


def test_the_export_links_include_for_the_listing(rf):
    request = rf.get("/projects/", {"condition": "asthma", "page": "2"})
    html = Template('{% include "projects/includes/export_links.html" %}').render(
        Context({"request": request})
    )
    assert 'href="/projects/export.csv?condition=asthma"' in html
    assert "Download these results (CSV spreadsheet)" in html and "up to 10,000 projects" in html


def test_fixed_url_is_the_url_reversed_once_per_prefix(monkeypatch):
    from projects.templatetags import page_meta

    page_meta._reverse_once.cache_clear()
    reversed_names = []
    real_reverse = page_meta.reverse
    monkeypatch.setattr(
        page_meta, "reverse", lambda name: reversed_names.append(name) or real_reverse(name)
    )
    template = Template(
        "{% load page_meta %}{% fixed_url 'feeds:projects_rss' %} "
        "{% fixed_url 'feeds:projects_rss' as rss %}{{ rss }}"
    )
    assert template.render(Context()) == "/feeds/projects.rss /feeds/projects.rss"
    assert reversed_names == ["feeds:projects_rss"]
    # Served under a path prefix (SCRIPT_NAME), the links carry it.
    set_script_prefix("/trials/")
    try:
        rendered = template.render(Context())
        assert rendered == "/trials/feeds/projects.rss /trials/feeds/projects.rss"
    finally:
        set_script_prefix("/")
    page_meta._reverse_once.cache_clear()
