"""Shared fixtures: real users in the real editorial groups, and a small
factory for valid projects. Nothing here bypasses the models' rules."""

import datetime
import itertools
import os
import socket

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from projects import editing, workflow
from .browser_support import start_browser
from projects.models import Condition, Organization, Project, ProjectSite, Site

_ids = itertools.count(20_000_001)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (see tests/browser_support.py)."""
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: numbers, pages and rate limits
    cached by an earlier test (local memory lives as long as the process)
    must not leak into it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def redis_url():
    """A Redis for the tests that need a real one (``TEST_REDIS_URL``, else
    database 15 on this machine); skipped when none answers, a failure with
    ``REQUIRE_REDIS=1`` (CI). Other test runs may share it: tests use keys of
    their own and never clear it."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    host, port = url.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {url}")
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.fixture(params=["walk the sites", "links near first", "matches first"])
def near_strategy(request, monkeypatch):
    """Each way a listing near a place with other filters finds its
    projects (``projects.listing._page_near``), forced whatever the data:
    the same results are expected of each."""
    from projects import listing
    from projects.filters import ProjectFilter

    walk = request.param == "walk the sites"
    monkeypatch.setattr(
        ProjectFilter, "share_kept_near", lambda self, without=None: 1.0 if walk else 0.0
    )
    if request.param == "matches first":
        monkeypatch.setattr(listing, "PROJECTS_FIRST_SITES", 0)
    return request.param


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing makes every login seconds slow; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username, group=None, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-for-tests-1", is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def editor(db):
    return _user("ed", "Editors")


@pytest.fixture
def reviewer(db):
    return _user("rev", "Reviewers")


@pytest.fixture
def other_reviewer(db):
    return _user("rev2", "Reviewers")


@pytest.fixture
def superuser(db):
    return _user("boss", is_superuser=True)


@pytest.fixture
def make_project(db):
    """Build a valid, complete NIH research draft; keyword arguments override
    fields; ``conditions`` and ``sites`` take lists of names / dicts."""

    def make(conditions=(), sites=(), sponsor="Example University", **fields):
        trial = fields.get("study_type") == "clinical_trial"
        number = next(_ids)
        values = {
            "study_type": "nih_research",
            "official_title": "Mechanisms of Something Important",
            "lay_title": "A plain title",
            "lay_summary": "A plain summary of the research.",
            "research_focus": "What the research studies, in plain words.",
            "funding_mechanism": "phase_2" if trial else "research_grant",
            "research_status": "recruiting" if trial else "active",
            **({"nct_id": f"NCT{number:08d}"} if trial else {"nih_application_id": number}),
            **fields,
        }
        if isinstance(sponsor, str):
            sponsor, _ = Organization.objects.get_or_create(name=sponsor)
        project = Project(sponsor=sponsor, **values)
        editing.create_project(
            project, values.get("last_edited_by"),
            conditions=[Condition.objects.get_or_create(name=n)[0] for n in conditions],
        )
        for order, place in enumerate(sites):
            key = Site.key_for(place["institution"], place["city"], place.get("state", ""),
                               place.get("country", ""))
            site = Site.objects.filter(match_key=key).first() or Site.objects.create(**place)
            ProjectSite.objects.create(project=project, site=site, order=order)
        return project

    return make


@pytest.fixture
def publish(editor, other_reviewer):
    """Take a project through the real workflow to published."""

    def do(project, reviewed_on=None):
        workflow.submit(project, editor, readability_override="Fixture text, as the test wrote it.")
        workflow.approve(project, other_reviewer)
        if reviewed_on:
            Project.objects.filter(pk=project.pk).update(last_reviewed=reviewed_on)
        project.refresh_from_db()
        return project

    return do


BOSTON = {"institution": "Massachusetts General Hospital", "city": "Boston", "state": "Massachusetts", "country": "United States"}
TORONTO = {"institution": "Toronto Western Hospital", "city": "Toronto", "state": "Ontario", "country": "Canada"}
SEED_REVIEW_DATE = datetime.date(2026, 5, 15)
