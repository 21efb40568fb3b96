"""Faults and scale: /healthz for the load balancer, "back soon" (503) when
the database cannot answer, recovery when it can again, the read replica,
and gunicorn serving the app."""

import contextlib
import copy
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_settings import PRODUCTION_KEY, run_python

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"
CLOSED_PORT = "1"  # nothing listens on 127.0.0.1:1

# Tests whose data must be committed: a second connection reads it, or the
# test closes connections. serialized_rollback puts back the editorial groups
# the migrations created, as the browser tests do; every transactional test
# must use it, or the flushes between them clash.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _swap_default_connection(**changes):
    """Replace the default connection by a new one with ``changes`` to its
    settings, leaving the test's own connection (and its transaction) aside.
    Return the original, to put back."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    settings_dict.update(changes)
    connections["default"] = original.__class__(settings_dict, "default")
    return original


def _put_back(original):
    connections["default"].close()
    connections["default"] = original


@contextlib.contextmanager
def _database_down():
    """The database stops answering: PostgreSQL on a port nobody listens on,
    SQLite in a folder that does not exist."""
    if connections["default"].vendor == "postgresql":
        changes = {"HOST": "127.0.0.1", "PORT": CLOSED_PORT}
    else:
        changes = {"NAME": "/nonexistent-folder/db.sqlite3"}
    original = _swap_default_connection(**changes)
    try:
        yield
    finally:
        _put_back(original)


@pytest.fixture
def database_down(db):
    with _database_down():
        yield


def assert_back_soon(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "will be back soon" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


# Database down ------------------------------------------------------------


def test_public_pages_answer_back_soon_when_the_database_is_down(client, database_down):
    for page in ("/", "/projects/", "/projects/some-project/", "/projects/?q=heart"):
        assert_back_soon(client.get(page))


def test_logging_in_answers_back_soon_when_the_database_is_down(client, database_down):
    response = client.post(reverse("admin:login"), {"username": "maria", "password": PASSWORD})
    assert_back_soon(response)


def test_staff_pages_answer_back_soon_when_the_database_is_down(client, superuser):
    client.force_login(superuser)
    # The view fails first, then the session middleware once more on the way
    # out; both answer "back soon", and the test client would re-raise the second.
    client.raise_request_exception = False
    with _database_down():
        assert_back_soon(client.get(reverse("admin:index")))
        assert_back_soon(client.get(reverse("admin:projects_project_changelist")))


def test_an_outage_met_outside_the_view_also_answers_back_soon(client, superuser):
    """A logged-in editor's 404 queries nothing in the view; the session
    middleware meets the outage when it saves the session afterwards."""
    client.force_login(superuser)
    client.raise_request_exception = False
    with _database_down():
        assert_back_soon(client.get("/no-such-page/"))


def test_a_plain_bug_is_still_a_500(client, monkeypatch):
    """Only database outages become "back soon". (A bug is put in on purpose.)"""
    from projects import views

    def broken(self):
        raise ValueError("a bug")

    monkeypatch.setattr(views.ProjectListView, "get_queryset", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text


@committed
def test_pages_recover_by_themselves_when_the_database_is_back(client):
    conn = connections["default"]
    if conn.vendor != "postgresql":
        pytest.skip("SQLite has no server to lose")
    saved = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
    try:
        assert_back_soon(client.get("/"))
    finally:
        conn.settings_dict.update(saved)
    assert client.get("/").status_code == 200


@committed
def test_a_connection_the_server_dropped_costs_no_failed_request():
    """PostgreSQL restarts, or a proxy drops idle connections: the app
    server's kept connection is dead. CONN_HEALTH_CHECKS notices before the
    next request's first query and reconnects, instead of answering 503 once.
    Served through Django's WSGI handler, which runs the per-request
    connection bookkeeping that the test client skips."""
    conn = connections["default"]
    if conn.vendor != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    handler = WSGIHandler()

    def get(path):
        environ = RequestFactory().get(path).environ
        statuses = []
        response = handler(environ, lambda status, headers: statuses.append(status))
        response.close()  # request_finished: Django's end-of-request connection checks
        return statuses[0]

    assert get("/") == "200 OK"
    pid = conn.connection.info.backend_pid
    params = conn.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin_connection:
        admin_connection.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    cache.clear()  # the page cache would answer without the database
    assert get("/") == "200 OK"
    assert conn.connection.info.backend_pid != pid


@committed
def test_a_read_only_database_makes_logging_in_back_soon_not_a_500(client):
    """A full disk, a read-only SQLite file or a PostgreSQL standby: reads
    work, the login's writes (last_login, the session) do not.

    Simulated in the database itself, so it holds even when the tests run as
    root (which file permissions do not stop): SQLite's query_only pragma,
    PostgreSQL's default_transaction_read_only."""
    User.objects.create_user("maria", "maria@example.org", PASSWORD, is_staff=True)
    options = connections["default"].settings_dict["OPTIONS"]
    if connections["default"].vendor == "postgresql":
        read_only = {**options, "options": "-c default_transaction_read_only=on"}
    else:
        read_only = {**options, "init_command": options["init_command"] + " PRAGMA query_only=ON;"}
    original = _swap_default_connection(OPTIONS=read_only)
    client.raise_request_exception = False
    try:
        assert client.get("/").status_code == 200  # reading still works
        response = client.post(reverse("admin:login"), {"username": "maria", "password": PASSWORD})
        assert_back_soon(response)
    finally:
        _put_back(original)
    assert User.objects.get(username="maria").last_login is None


# /healthz -----------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_says_ok_in_plain_text_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_a_load_balancer_probing_by_address_over_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["findatrial.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400  # pages still refuse


def test_healthz_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.text == "database unavailable\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.text == "cache unavailable\n"


def test_with_redis_url_the_cache_is_a_real_redis(redis_url):
    """The settings' own Redis configuration (REDIS_URL, its timeouts)
    against a real server; CI starts one."""
    result = run_python(
        "import django; django.setup(); from django.core.cache import cache, caches; "
        "from findatrial.health import check_cache; check_cache(); "
        "cache.set('fat-test', 'shared', 5); "
        "print(type(caches['default']).__name__, cache.get('fat-test'))",
        DJANGO_SETTINGS_MODULE="findatrial.settings",
        DEBUG="1",
        REDIS_URL=redis_url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "shared"]


# The read replica ---------------------------------------------------------


def _queries(client, method, path, **extra):
    """Send a request; count the queries on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(path, **extra)
    assert response.status_code < 500
    return len(primary), len(replica)


@pytest.fixture(scope="class")
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias on the primary's test database, as TEST MIRROR
    configures it when DATABASE_REPLICA_URL is set. Class-scoped so that it
    exists before pytest-django checks the marker's databases."""
    primary = connections["default"].settings_dict
    connections.settings["replica"] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


@pytest.mark.usefixtures("replica_alias")
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)
class TestReadReplica:
    """Data is committed (transaction=True) so the replica's own connection
    sees it."""

    def test_public_pages_read_from_the_replica(self, client, make_project, publish):
        project = publish(make_project(lay_title="Read from the replica"))
        for path in ("/", "/projects/?q=replica", project.get_absolute_url()):
            primary, from_replica = _queries(client, "get", path)
            assert primary == 0 and from_replica > 0, path
        assert "Read from the replica" in client.get("/").text
        assert _queries(client, "head", "/")[0] == 0

    def test_the_admin_posts_and_staff_use_the_primary(
        self, client, superuser, make_project, publish
    ):
        project = publish(make_project(lay_title="Staff see the primary"))
        login = {"username": "x", "password": "y"}
        assert _queries(client, "post", reverse("admin:login"), data=login)[1] == 0
        client.force_login(superuser)
        assert _queries(client, "get", reverse("admin:projects_project_changelist"))[1] == 0
        # Staff reading the public site right after saving see what they saved.
        assert _queries(client, "get", project.get_absolute_url())[1] == 0

    def test_code_outside_a_request_reads_the_primary(self, make_project):
        from projects.models import Project

        make_project()
        with CaptureQueriesContext(connections["replica"]) as replica:
            assert Project.objects.count() == 1
        assert len(replica) == 0


def test_without_a_replica_everything_uses_the_primary(client, db, make_project, publish):
    publish(make_project())
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get("/").status_code == 200
    assert len(primary) > 0


# gunicorn -----------------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port, server):
    """Until gunicorn on ``port`` answers its health check (20 s at most)."""
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                assert r.status == 200 and r.read() == b"ok\n"
                return
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)


def _manage(env, *args, code=None):
    command = [sys.executable, "manage.py", *args] + (["--no-imports", "-c", code] if code else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextlib.contextmanager
def _servers_database(tmp_path):
    """A database of the servers' own, of the kind the tests run on: a
    SQLite file, or a new PostgreSQL database, dropped afterwards."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    given = connection.settings_dict
    name = f"findatrial_servers_{os.getpid()}"
    server = psycopg.conninfo.make_conninfo(
        host=given["HOST"], port=given["PORT"], user=given["USER"],
        password=given["PASSWORD"] or None, dbname="postgres",
    )
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    login = given["USER"] + (f":{given['PASSWORD']}" if given["PASSWORD"] else "")
    try:
        yield f"postgres://{login}@{given['HOST']}:{given['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_app_servers_on_one_database_and_redis_serve_the_same_site(tmp_path, redis_url):
    """Behind a load balancer: two servers with the same settings, each
    its own gunicorn, on one database and one Redis. Either serves the same
    pages; a withdrawal made anywhere shows on both at once (the page cache
    is shared, and its generation too); a login made on one is a login on
    the other (sessions in the database)."""
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "WEB_CONCURRENCY": "1",
        "REDIS_URL": redis_url,
    }
    with _servers_database(tmp_path) as database_url:
        _serve_the_same_site({
            **env, "DATABASE_URL": database_url, "STATIC_ROOT": str(tmp_path / "static"),
        })


def _serve_the_same_site(env):
    import http.cookiejar

    # The deployment steps (README): production pages name the collected,
    # hashed copies of the static files, so a server without them answers 500.
    _manage(env, "collectstatic", "--noinput")
    _manage(env, "migrate", "--noinput")
    _manage(env, "loaddemo", "--password", PASSWORD)
    slug = _manage(env, "shell", code=(
        "from projects.models import Project; "
        "print(Project.objects.listed().order_by('pk').first().slug)"
    )).strip()
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "findatrial.wsgi"],
            cwd=ROOT, env={**env, "PORT": str(port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    jar = http.cookiejar.CookieJar()  # cookies hold for a host whatever its port
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(port, path):
        try:
            with browser.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                body = response.read().decode()
                return response.status, body.replace(f"127.0.0.1:{port}", "SERVER")
        except urllib.error.HTTPError as error:
            return error.code, ""

    try:
        for port, server in zip(ports, servers):
            _wait_for(port, server)
        page = f"/projects/{slug}/"
        for path in ("/", "/projects/", "/projects/?q=asthma", page, "/api/v1/projects/"):
            first, second = get(ports[0], path), get(ports[1], path)
            assert first[0] == 200 and first == second, path
        assert get(ports[0], page) == get(ports[1], page)  # now from the cache

        _manage(env, "shell", code=(
            "from django.contrib.auth.models import User; "
            "from projects import workflow; from projects.models import Project; "
            f"workflow.withdraw(Project.objects.get(slug='{slug}'), "
            "User.objects.get(username='reviewer'), 'Taken down in a test.')"
        ))
        assert get(ports[0], page)[0] == get(ports[1], page)[0] == 404
        assert f'href="{page}"' not in get(ports[1], "/projects/")[1]

        _status, login_page = get(ports[0], "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "username": "editor", "password": PASSWORD,
            "next": "/admin/",
        }).encode()
        with browser.open(f"http://127.0.0.1:{ports[0]}/admin/login/", form, timeout=10) as r:
            assert r.status == 200 and "/admin/login/" not in r.url
        status, admin = get(ports[1], "/admin/")
        assert status == 200 and "Your work" in admin and "Log out" in admin
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def test_gunicorn_serves_the_app_with_its_config_file(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "findatrial.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(port, server)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Booting worker" in output and output.count("Booting worker") == 2
    assert '"GET /healthz HTTP/1.1" 200' in output  # the access log, on stdout
