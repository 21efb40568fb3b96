"""RSS and Atom feeds of newly published and updated projects, overall and
per condition: listed projects only, newest change first, 50 at most."""

import datetime
import gc
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import workflow
from projects.feeds import ProjectFeed
from projects.models import Project

from .collector import collector_off

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def _atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def _published_at(project, first, last):
    """Set the publication moments a test needs (the workflow stamps "now")."""
    Project.objects.filter(pk=project.pk).update(first_published_at=first, last_published_at=last)
    project.refresh_from_db()
    return project


@pytest.fixture
def catalogue(make_project, publish, reviewer):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 1, 12, 0))
    day = datetime.timedelta(days=1)
    old = _published_at(publish(make_project(
        lay_title="Old but updated", lay_summary="Summary of the old one.",
        conditions=["Asthma", "Allergy"],
    )), moment - 30 * day, moment + 2 * day)
    new = _published_at(publish(make_project(
        lay_title="Brand new", lay_summary="Summary of the new one.", conditions=["Asthma"],
    )), moment + day, moment + day)
    other = _published_at(publish(make_project(lay_title="Other condition", conditions=["Migraine"])),
                          moment, moment)
    make_project(lay_title="Draft", conditions=["Asthma", "Draft only"])
    withdrawn = publish(make_project(lay_title="Withdrawn", conditions=["Asthma"]))
    workflow.withdraw(withdrawn, reviewer, "Wrong record")
    return {"old": old, "new": new, "other": other, "moment": moment}


def test_rss_lists_listed_projects_newest_change_first(client, catalogue):
    channel, items = _rss_items(client.get("/feeds/projects.rss"))
    assert channel.findtext("title") == "Find a Trial: newly published and updated research"
    assert [item.findtext("title") for item in items] == ["Old but updated", "Brand new", "Other condition"]
    first = items[0]
    old = catalogue["old"]
    assert first.findtext("description") == "Summary of the old one."
    assert first.findtext("link") == f"http://testserver{old.get_absolute_url()}"
    assert first.findtext("guid") == f"http://testserver{old.get_absolute_url()}"
    assert sorted(c.text for c in first.findall("category")) == ["Allergy", "Asthma"]
    # pubDate is when the page first went live (RSS has no "updated").
    assert first.findtext("pubDate") == "Fri, 30 Jan 2026 17:00:00 +0000"


def test_atom_has_published_and_updated_moments(client, catalogue):
    feed, entries = _atom_entries(client.get("/feeds/projects.atom"))
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feeds/projects.atom"
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Old but updated"
    assert first.findtext(f"{ATOM}published") == "2026-01-30T17:00:00+00:00"
    assert first.findtext(f"{ATOM}updated") == "2026-03-03T17:00:00+00:00"
    assert first.findtext(f"{ATOM}summary") == "Summary of the old one."
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["Allergy", "Asthma"]


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_condition_feed_has_only_that_conditions_listed_projects(client, catalogue, suffix):
    response = client.get(f"/feeds/conditions/asthma.{suffix}")
    if suffix == "rss":
        channel, items = _rss_items(response)
        titles = [item.findtext("title") for item in items]
        assert channel.findtext("title") == "Find a Trial: research about Asthma"
        assert channel.findtext("link") == "http://testserver/conditions/asthma/"
    else:
        _feed, entries = _atom_entries(response)
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Old but updated", "Brand new"]


@pytest.mark.parametrize("slug", ["no-such-condition", "draft-only"])
@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_a_condition_without_listed_projects_has_no_feed(client, catalogue, slug, suffix):
    assert client.get(f"/feeds/conditions/{slug}.{suffix}").status_code == 404


def test_a_feed_holds_fifty_items_at_most(client, make_project, publish):
    for n in range(51):
        publish(make_project(lay_title=f"Study {n:02d}", conditions=["Asthma"]))
    _channel, items = _rss_items(client.get("/feeds/projects.rss"))
    assert len(items) == 50


def test_a_feed_takes_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the items with their sponsors, their conditions
        client.get("/feeds/projects.rss")
    with django_assert_max_num_queries(4):  # the condition, "has it any?", items, conditions
        client.get("/feeds/conditions/asthma.atom")


def test_an_xss_title_stays_text_in_the_feed(client, make_project, publish):
    publish(make_project(lay_title="</title><script>alert(1)</script>", conditions=["Asthma"]))
    _channel, items = _rss_items(client.get("/feeds/projects.rss"))
    assert items[0].findtext("title") == "</title><script>alert(1)</script>"


def test_pages_announce_their_feeds(client, catalogue):
    html = client.get(reverse("browse:condition", args=["asthma"])).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feeds/projects.atom"' in html and 'href="/feeds/conditions/asthma.rss"' in html


def test_a_feeds_items_are_freed_by_reference_counting(make_project, publish):
    """Prefetched, each item and its conditions' queryset referred to each
    other: 50 cycles a feed, left for the garbage collector."""
    for number in range(3):
        publish(make_project(lay_title=f"Study {number}", conditions=["Migraine", "Asthma"]))
    ProjectFeed().items()  # once first: statements are compiled on their first run
    with collector_off():
        items = ProjectFeed().items()
        assert [condition["name"] for condition in items[0].condition_rows] == [
            "Asthma", "Migraine"
        ]
        del items
        # Only the compiler's: Django's SQLCompiler.get_select makes a
        # function that refers to itself (a function, its cell, a tuple).
        assert gc.collect() <= 3
