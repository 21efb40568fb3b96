"""Trust: production security settings, login throttling, browser
protections, the staff session's idle timeout, the admin's address and the
password policy."""

import datetime
import importlib
import os
import re
import shutil
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import findatrial.urls

from .test_settings import PRODUCTION_KEY, run_python

PASSWORD = "correct-horse-battery-staple"


# Production settings ------------------------------------------------------


def test_deploy_check_passes_with_production_settings():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="findatrial.settings",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_database_checks_pass_on_this_database():
    database = {"DATABASE_URL": os.environ["DATABASE_URL"]} if "DATABASE_URL" in os.environ else {}
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--database', 'default', "
        "'--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="findatrial.settings",
        DEBUG="1",
        **database,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_turns_on_https_only_settings():
    result = run_python(
        "import findatrial.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "None"]


@pytest.mark.django_db
def test_production_redirects_http_to_https_and_sends_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    assert client.get("/projects/").status_code == 301
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# Login throttling ---------------------------------------------------------


@pytest.fixture
def staff(db):
    return User.objects.create_user("maria", "maria@example.org", PASSWORD, is_staff=True)


def log_in(client, username="maria", password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_login_for_fifteen_minutes(client, staff):
    for _ in range(4):
        response = log_in(client, password="wrong-password-123")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    response = log_in(client, password="wrong-password-123")
    assert response.status_code == 429
    assert "Too many failed logins for “maria”" in response.text
    assert "locked for 15 minutes" in response.text
    assert response["Retry-After"] == "900"
    assert "Find a Trial editorial" in response.text  # the admin's own look


def test_during_the_lockout_even_the_right_password_is_refused(client, staff):
    for _ in range(5):
        log_in(client, password="wrong-password-123")
    response = log_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still to the login page


def test_the_lock_is_for_that_username_from_that_address_only(client, staff):
    User.objects.create_user("joe", "joe@example.org", PASSWORD, is_staff=True)
    for _ in range(5):
        log_in(client, password="wrong-password-123")
    assert log_in(client, address="10.0.0.2").status_code == 302  # maria, elsewhere
    client.logout()
    assert log_in(client, username="joe").status_code == 302  # a colleague, same office


def test_behind_a_load_balancer_the_lock_is_for_the_real_client(client, staff, settings):
    """Every request arrives from the load balancer (REMOTE_ADDR); it appends
    the client's address to X-Forwarded-For. What the client wrote there
    itself is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.1"
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "maria", "password": "wrong-password-123"},
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    forged = "203.0.113.9, 198.51.100.7"  # the attacker's guess, then the real address
    for forwarded_for, status in (("203.0.113.9", 429), ("198.51.100.7", 302), (forged, 302)):
        client.logout()
        response = client.post(
            reverse("admin:login"),
            {"username": "maria", "password": PASSWORD},
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        assert response.status_code == status, forwarded_for


def test_after_the_cool_off_the_right_password_works(client, staff):
    for _ in range(5):
        log_in(client, password="wrong-password-123")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = log_in(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_successful_login_forgives_earlier_typos(client, staff):
    for _ in range(4):
        log_in(client, password="wrong-password-123")
    assert log_in(client).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, password="wrong-password-123").status_code == 200


@pytest.mark.parametrize(
    "username, headers",
    [
        ("m" * 400, {}),  # longer than any account's, and than axes' column
        ("maria\x00", {}),
        ("maria", {"HTTP_USER_AGENT": "U" * 2000}),
        ("maria", {"HTTP_X_FORWARDED_FOR": "not-an-address, also-not"}),
        ("maria", {"REMOTE_ADDR": ""}),  # gunicorn on a Unix socket
    ],
)
def test_odd_login_attempts_are_refused_not_a_500(client, staff, settings, username, headers):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        response = client.post(
            reverse("admin:login"),
            {"username": username, "password": "wrong-password-123"},
            **headers,
        )
        # 400: a NUL character is refused before the login sees it (findatrial.bad_requests).
        assert response.status_code in ({400} if "\x00" in username else {200, 429})


def test_code_outside_a_request_still_authenticates(staff):
    """The shell and management commands have no client address to throttle."""
    assert authenticate(username="maria", password=PASSWORD) == staff


# Browser protections -----------------------------------------------------

CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def _assert_protected(response):
    assert set(response["Content-Security-Policy"].split("; ")) == CSP
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "payment=()", "usb=()", "geolocation=(self)"):
        assert feature in policy.split(", ")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_public_pages_send_the_browser_protections(client):
    response = client.get("/")
    assert response.status_code == 200
    _assert_protected(response)


def test_admin_pages_send_the_browser_protections(client, superuser):
    _assert_protected(client.get(reverse("admin:login")))
    client.force_login(superuser)
    response = client.get(reverse("admin:projects_project_add"))
    assert response.status_code == 200
    _assert_protected(response)


@pytest.mark.django_db
def test_no_page_has_inline_script_or_style(client, superuser, make_project, publish):
    """The policy forbids them; Django 5.2's admin and our templates use none."""
    project = publish(make_project(lay_title="A page with everything"))
    pages = ["/", "/projects/?condition=nope", project.get_absolute_url(), reverse("admin:login")]
    client.force_login(superuser)
    pages += [
        reverse("admin:index"),
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_reviewevent_changelist"),
        reverse("admin:projects_site_changelist"),
    ]
    for page in pages:
        html = client.get(page).text
        assert not re.search(r"<style|<[a-z][^>]*\sstyle=", html, re.I), page
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I), page  # onclick= etc.
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S | re.I):
            is_data = re.search(r'type="application/(ld\+)?json"', attributes)
            assert ("src=" in attributes and not body.strip()) or is_data, (page, attributes)


# The staff session --------------------------------------------------------


def test_a_staff_session_ends_after_thirty_idle_minutes(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    session = Session.objects.get(pk=client.session.session_key)
    assert abs(session.expire_date - timezone.now() - datetime.timedelta(minutes=30)) < (
        datetime.timedelta(minutes=1)
    )

    # 29 idle minutes later, a request keeps the session going for 30 more.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert client.get(reverse("admin:index")).status_code == 200
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=29)

    # 30 idle minutes: logged out.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


# The admin's address ------------------------------------------------------


@pytest.fixture
def admin_at(settings):
    """Serve the admin under another ADMIN_PATH, as the environment would."""
    original = settings.ADMIN_PATH

    def move(path):
        settings.ADMIN_PATH = path
        importlib.reload(findatrial.urls)
        clear_url_caches()

    yield move
    move(original)


def test_the_admin_answers_at_admin_path(client, superuser, admin_at):
    admin_at("editorial-desk/")
    assert reverse("admin:login") == "/editorial-desk/login/"
    assert client.get("/editorial-desk/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404
    response = client.get("/editorial-desk/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/editorial-desk/login/"
    )
    client.force_login(superuser)
    assert client.get("/editorial-desk/projects/project/").status_code == 200


# Passwords ----------------------------------------------------------------


def test_staff_passwords_have_at_least_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")  # 11
    validate_password("Tr0ub4dor&3x")  # 12


def test_the_demo_logins_meet_the_password_policy(db):
    from projects.demo import ensure_demo_accounts

    for username, password in ensure_demo_accounts().items():
        validate_password(password, User.objects.get(username=username))


# In a real browser: nothing the policy blocks -----------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def logging_browser():
    """Headless Chromium that keeps the console log, where it reports
    everything a Content-Security-Policy refused."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but chromium/chromedriver are not installed")
        pytest.skip("chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_browser_blocks_nothing_on_public_and_admin_pages(
    logging_browser, live_server, make_project, publish
):
    from selenium.webdriver.common.by import By

    project = publish(
        make_project(
            lay_title="Checked in a browser",
            sites=[
                {
                    "institution": "Massachusetts General Hospital",
                    "city": "Boston",
                    "state": "Massachusetts",
                    "country": "United States",
                }
            ],
        )
    )
    User.objects.create_superuser("browser-admin", "b@example.org", PASSWORD)
    browser = logging_browser
    browser.get_log("browser")  # start from an empty log

    browser.get(live_server.url + "/")
    browser.get(live_server.url + project.get_absolute_url())
    browser.get(live_server.url + reverse("admin:login"))
    browser.find_element(By.ID, "id_username").send_keys("browser-admin")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    browser.find_element(By.ID, "site-name")  # the admin index has loaded
    for page in (
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_change", args=[project.pk]),
    ):
        browser.get(live_server.url + page)
        browser.find_element(By.ID, "content-main")
    # The add page's scripted widgets: a calendar, an autocomplete, a new inline row.
    browser.get(live_server.url + reverse("admin:projects_project_add"))
    browser.find_element(By.CSS_SELECTOR, ".datetimeshortcuts a[id^=calendarlink]").click()
    browser.find_element(By.CSS_SELECTOR, ".select2-selection").click()
    browser.find_element(By.CSS_SELECTOR, ".add-row a").click()

    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
        or "Permissions policy" in entry["message"]
    ]
    assert refused == []
