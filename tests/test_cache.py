"""The public page cache: pages are served from it before the rest of the
middleware runs, with the same headers; every workflow step and every
import-style change drops them at once; editors never get a cached page;
HTTP caching headers let a CDN revalidate cheaply. Every test runs with
the local-memory cache and with Redis (skipped when none answers)."""

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import get_token
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import cache, editing, revisions, workflow
from projects.models import Condition, Contact, Organization, Project, ProjectSite, Site
from projects.views import ProjectDetailView

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:list")
LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-cache",
    }
}
SECURITY_HEADERS = {
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
}


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def page_cache(request):
    if request.param == "locmem":
        with override_settings(CACHES=LOCMEM):
            caches["default"].clear()
            yield
            caches["default"].clear()
        return
    # Keys of this test's own: other test runs may share the Redis.
    prefix = f"test-pages-{uuid.uuid4().hex}"
    redis = {
        "default": {
            "BACKEND": "findatrial.cache_backends.RedisCache",
            "LOCATION": request.getfixturevalue("redis_url"),
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis):
        yield
        client = caches["default"]._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture
def live(make_project, publish):
    return publish(
        make_project(
            study_type="clinical_trial",
            lay_title="Migraine pill",
            conditions=["Migraine"],
            sites=[BOSTON],
            sponsor="Northwind Therapeutics",
            end_date=datetime.date(2020, 6, 1),
            start_date=datetime.date(2019, 1, 1),
        )
    )


def _visit(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    return response


def _made_by_the_stack(response) -> bool:
    """Whether the middleware inside the page cache ran for this response:
    the session middleware gives every request it sees a session."""
    return hasattr(response.wsgi_request, "session")


def test_a_second_visit_is_served_from_the_cache(client, live, django_assert_num_queries):
    first = _visit(client, LIST_URL)
    with django_assert_num_queries(0):
        second = _visit(client, LIST_URL)
        _visit(client, LIST_URL)
    assert first.content == second.content
    _visit(client, live.get_absolute_url())
    with django_assert_num_queries(0):
        assert "Migraine pill" in _visit(client, live.get_absolute_url()).content.decode()


def test_a_change_without_signals_is_cached_until_invalidated(client, live):
    """Proves the cache is really used: a bulk update shows only after
    ``cache.invalidate()``, which bulk writers call."""
    _visit(client, live.get_absolute_url())
    Project.objects.filter(pk=live.pk).update(lay_title="Renamed in bulk")
    assert "Migraine pill" in _visit(client, live.get_absolute_url()).content.decode()
    cache.invalidate()
    assert "Renamed in bulk" in _visit(client, live.get_absolute_url()).content.decode()


@pytest.mark.parametrize("step", ["withdraw", "archive"])
def test_steps_that_take_a_page_down_show_at_once(client, live, reviewer, step):
    _visit(client, LIST_URL), _visit(client, live.get_absolute_url())
    workflow.run(step, live, reviewer, "Taken down")
    assert "Migraine pill" not in client.get(LIST_URL).content.decode()
    detail = client.get(live.get_absolute_url())
    if step == "withdraw":
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200  # archived pages stay, marked as ended


def test_publishing_shows_at_once(client, live, make_project, publish):
    _visit(client, LIST_URL)
    publish(make_project(lay_title="Second study"))
    assert "Second study" in client.get(LIST_URL).content.decode()


def test_an_approved_new_version_shows_at_once(client, live, editor, other_reviewer):
    _visit(client, live.get_absolute_url()), _visit(client, LIST_URL)
    content = {**revisions.snapshot(live), "lay_title": "Migraine pill, new wording"}
    editing.save_content(live, editor, content=content)
    # A draft of a live page changes nothing public yet.
    assert "new wording" not in client.get(live.get_absolute_url()).content.decode()
    workflow.submit(live, editor, readability_override="Test text.")
    workflow.approve(live, other_reviewer)
    assert "Migraine pill, new wording" in client.get(live.get_absolute_url()).content.decode()
    assert "Migraine pill, new wording" in client.get(LIST_URL).content.decode()


def test_a_scheduled_version_going_live_shows_at_once(
    client, make_project, editor, other_reviewer
):
    project = make_project(lay_title="Scheduled study")
    workflow.submit(project, editor, readability_override="Test text.")
    workflow.approve(
        project, other_reviewer, go_live_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert "Scheduled study" not in client.get(LIST_URL).content.decode()
    workflow.publish_due(now=timezone.now() + datetime.timedelta(hours=2))
    assert "Scheduled study" in client.get(LIST_URL).content.decode()


def test_a_recorded_check_updates_the_review_date(client, live, reviewer):
    Project.objects.filter(pk=live.pk).update(
        last_reviewed=datetime.date(2025, 1, 2),
        first_published_at=timezone.now() - datetime.timedelta(days=900),
    )
    live.refresh_from_db()
    cache.invalidate()
    assert "January 2, 2025" in client.get(live.get_absolute_url()).content.decode()
    workflow.record_check(live, reviewer, "Checked against ClinicalTrials.gov")
    assert "January 2, 2025" not in client.get(live.get_absolute_url()).content.decode()


def test_import_style_changes_show_at_once(client, live):
    """Importers save live rows' source facts and their sites, contacts and
    sponsors through ordinary saves: each one drops the cached pages."""
    url = live.get_absolute_url()
    _visit(client, url)
    live.research_status = "completed"
    live.save(update_fields=["research_status", "updated_at"])
    assert "Completed" in client.get(url).content.decode()

    ProjectSite.objects.create(project=live, site=Site.objects.create(**TORONTO))
    assert "Toronto" in client.get(url).content.decode()

    site = Site.objects.get(city="Boston")
    site.institution = "Mass General Brigham"
    site.save()
    assert "Mass General Brigham" in client.get(url).content.decode()

    Contact.objects.create(project=live, name="Study Desk", phone="617-555-0100")
    assert "Study Desk" in client.get(url).content.decode()

    sponsor = Organization.objects.get(name="Northwind Therapeutics")
    sponsor.name = "Northwind Bio"
    sponsor.save()
    assert "Northwind Bio" in client.get(url).content.decode()

    condition = Condition.objects.get(name="Migraine")
    condition.name = "Migraine headache"
    condition.save()
    assert "Migraine headache" in client.get(LIST_URL).content.decode()


def test_signed_in_editors_never_get_a_cached_page(client, live, editor):
    _visit(client, live.get_absolute_url())
    Project.objects.filter(pk=live.pk).update(lay_title="Changed without signals")
    client.force_login(editor)
    response = client.get(live.get_absolute_url())
    assert "Changed without signals" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert response.wsgi_request.user == editor
    # ...and what an editor is shown is never stored for the public.
    client.logout()
    assert "Migraine pill" in client.get(live.get_absolute_url()).content.decode()


def test_public_pages_carry_validators_and_answer_304(client, live):
    response = client.get(live.get_absolute_url())
    assert response["ETag"] and response["Last-Modified"]
    assert set(response["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "s-maxage=0",
        "must-revalidate",
    }
    assert "Cookie" not in response.get("Vary", "")
    again = client.get(live.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_errors_are_not_cached(client, live):
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, {"condition": "no-such-thing"})
        assert response.status_code == 400 and "ETag" not in response
        assert len(queries) > 0  # rendered again, not served from the cache


def test_the_generation_moves_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    start = cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        cache.invalidate()
        assert cache.generation() == start + 1
    assert cache.generation() == start + 2


def test_a_lost_generation_never_comes_back(live):
    before = cache.generation()
    caches["default"].delete(cache.GENERATION_KEY)
    assert cache.generation() > before


# Served before the rest of the middleware -----------------------------------


def test_a_hit_carries_the_same_headers_as_the_miss_that_made_it(client, live, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    for url in (live.get_absolute_url(), LIST_URL + "?condition=migraine"):
        miss = client.get(url, secure=True)
        hit = client.get(url, secure=True)
        assert _made_by_the_stack(miss) and not _made_by_the_stack(hit)
        assert SECURITY_HEADERS <= set(hit.headers)
        assert dict(hit.headers) == dict(miss.headers)
        assert hit.content == miss.content


def test_a_hit_runs_no_query_no_session_no_view(client, live, django_assert_num_queries):
    url = live.get_absolute_url()
    _visit(client, url)
    with django_assert_num_queries(0):
        hit = client.get(url)
    request = hit.wsgi_request
    # Sessions, authentication, CSP and the URL resolver never saw the request.
    assert not any(hasattr(request, name) for name in ("session", "user", "csp_nonce"))
    assert request.resolver_match is None
    assert "Migraine pill" in hit.content.decode()


def test_a_visitor_with_a_session_cookie_is_never_served_a_cached_page(client, live):
    """Even signed out: whoever has a session gets the database, as the read
    replica's rule says, and what they get is never stored."""
    url = live.get_absolute_url()
    _visit(client, url)
    client.cookies["sessionid"] = "expired-or-signed-out"
    response = client.get(url)
    assert _made_by_the_stack(response)
    assert "private" in response["Cache-Control"] and "ETag" not in response
    del client.cookies["sessionid"]
    assert not _made_by_the_stack(client.get(url))


def test_a_hit_answers_a_current_copy_with_304(client, live):
    url = live.get_absolute_url()
    first = client.get(url)
    for validator in (
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
    ):
        again = client.get(url, **validator)
        assert again.status_code == 304 and again.content == b""
        assert not _made_by_the_stack(again)
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]
        assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert "Content-Type" not in again
    assert client.get(url, HTTP_IF_NONE_MATCH='"an-older-copy"').status_code == 200


def test_a_withdrawn_page_is_not_answered_304_from_an_old_copy(client, live, reviewer):
    url = live.get_absolute_url()
    first = client.get(url)
    workflow.run("withdraw", live, reviewer, "Taken down")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404


def test_head_is_answered_like_get_and_never_stored(client, live):
    url = live.get_absolute_url()
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"]
    get = client.get(url)
    assert _made_by_the_stack(get)  # the HEAD stored nothing
    head_again = client.head(url)
    assert not _made_by_the_stack(head_again)
    assert dict(head_again.headers) == dict(get.headers)


def test_each_host_has_its_own_copy_and_an_unknown_host_gets_none(client, live):
    url = live.get_absolute_url()
    assert f'href="http://localhost{url}"' in client.get(url, HTTP_HOST="localhost").text
    assert f'href="http://127.0.0.1{url}"' in client.get(url, HTTP_HOST="127.0.0.1").text
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


def _set_a_cookie(request, response):
    response.set_cookie("seen", "1")


def _vary_on_language(request, response):
    response["Vary"] = "Accept-Language"


def _put_a_csrf_token_in_the_page(request, response):
    get_token(request)


@pytest.mark.parametrize(
    "change", [_set_a_cookie, _vary_on_language, _put_a_csrf_token_in_the_page]
)
def test_a_page_that_is_not_the_same_for_everyone_is_never_stored(
    client, live, monkeypatch, change
):
    render = ProjectDetailView.render_to_response

    def render_and_change(view, context, **kwargs):
        response = render(view, context, **kwargs)
        change(view.request, response)
        return response

    monkeypatch.setattr(ProjectDetailView, "render_to_response", render_and_change)
    for _ in range(2):
        response = client.get(live.get_absolute_url())
        assert response.status_code == 200 and "ETag" not in response
        assert _made_by_the_stack(response)


def test_the_page_cache_answers_before_all_that_a_cached_page_does_not_need(settings):
    order = settings.MIDDLEWARE
    position = order.index("projects.middleware.PublicPageCacheMiddleware")
    before = {
        "findatrial.health.HealthCheckMiddleware",
        # The HTTPS redirect comes first; HSTS and the rest go on every response.
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    }
    assert set(order[:position]) == before
    assert {
        "csp.middleware.CSPMiddleware",
        "findatrial.permissions_policy.PermissionsPolicyMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "axes.middleware.AxesMiddleware",
    } <= set(order[position + 1 :])
