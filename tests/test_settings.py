"""Settings come from the environment; the defaults are production's."""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, connections, transaction

from findatrial.databases import SQLITE_ENGINE, database_from_url
from findatrial.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"  # 50 characters, varied


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter whose environment is only ``env``
    (and PATH), so nothing set in this shell leaks into the settings."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
    )


def _settings_value(expression, **env):
    """Import the settings with ``env`` and print ``expression``."""
    return run_python(f"import findatrial.settings as s; print(repr(({expression})))", **env)


@pytest.mark.django_db
def test_database_follows_database_url():
    """CI runs the suite twice; this proves each run used the database it meant to."""
    url = os.environ.get("DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")


def test_with_nothing_set_debug_is_off_and_a_secret_key_is_required():
    result = _settings_value("s.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "django-insecure-" + "x1y2z3" * 10,  # Django's generated development keys
        "a-short-but-varied-key-0123456789",  # under 50 characters
        "ab" * 30,  # long but only two different characters
    ],
)
def test_production_refuses_a_development_or_weak_secret_key(key):
    result = _settings_value("s.DEBUG", DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is not a production key" in result.stderr


def test_environment_overrides():
    result = _settings_value(
        "s.DEBUG, s.ALLOWED_HOSTS, "
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
        DEBUG="false",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="findatrial.org, www.findatrial.org",
        DATABASE_URL="postgres://u:p@db.internal:5432/fat",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(False, ['findatrial.org', 'www.findatrial.org'], 'django.db.backends.postgresql', 'fat')"
    )


def test_development_settings_with_debug_on():
    result = _settings_value(
        "s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(True, 'django.db.backends.sqlite3', ['localhost', '127.0.0.1', '[::1]'], "
        "False, False, 0)"
    )


def test_a_typo_in_a_yes_no_variable_stops_the_app():
    result = _settings_value("s.DEBUG", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a yes/no value" in result.stderr


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("SESSION_IDLE_MINUTES", "30m", "SESSION_IDLE_MINUTES='30m' is not a whole number"),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES must be at least 1"),
        ("ADMIN_PATH", "/", "ADMIN_PATH='' must be a URL path"),
        ("ADMIN_PATH", "a dmin", "ADMIN_PATH='a dmin' must be a URL path"),
        (
            "SECURE_PROXY_SSL_HEADER",
            "X-Forwarded-Proto",
            "SECURE_PROXY_SSL_HEADER must be a header",
        ),
    ],
)
def test_unusable_values_stop_the_app_with_the_variable_named(name, value, message):
    result = _settings_value("s.DEBUG", DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FAT_FLAG", " Yes ")
    monkeypatch.setenv("FAT_OFF", "off")
    monkeypatch.setenv("FAT_EMPTY", "")
    monkeypatch.setenv("FAT_LIST", " a, b ,,c ")
    monkeypatch.setenv("FAT_NUMBER", "12")
    assert env_bool("FAT_FLAG", default=False) is True
    assert env_bool("FAT_OFF", default=True) is False
    assert env_bool("FAT_EMPTY", default=True) is True
    assert env_bool("FAT_UNSET", default=False) is False
    assert env_list("FAT_LIST") == ["a", "b", "c"]
    assert env_list("FAT_UNSET", "x,y") == ["x", "y"]
    assert env_int("FAT_NUMBER", 1) == 12
    monkeypatch.setenv("FAT_FLAG", "2")
    with pytest.raises(ImproperlyConfigured, match="FAT_FLAG='2' is not a yes/no value"):
        env_bool("FAT_FLAG", default=False)


def test_optional_services_from_the_environment():
    result = _settings_value(
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], "
        "s.DATABASES['replica']['NAME'], s.DATABASES['replica']['TEST'], "
        "s.SECURE_PROXY_SSL_HEADER, s.ADMIN_PATH, s.SESSION_COOKIE_AGE",
        DEBUG="1",
        REDIS_URL="redis://cache.internal:6379/0",
        DATABASE_REPLICA_URL="postgres://u:p@replica.internal:5432/fat",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        ADMIN_PATH="/editorial/desk/",
        SESSION_IDLE_MINUTES="20",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "('findatrial.cache_backends.RedisCache', 'redis://cache.internal:6379/0', "
        "'fat', {'MIRROR': 'default'}, ('HTTP_X_FORWARDED_PROTO', 'https'), "
        "'editorial/desk/', 1200)"
    )


def test_without_redis_the_cache_is_local_memory_and_there_is_no_replica():
    result = _settings_value("s.CACHES['default']['BACKEND'], sorted(s.DATABASES)", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "('django.core.cache.backends.locmem.LocMemCache', ['default'])"
    )


# SQLite under concurrent writers -----------------------------------------


def _concurrent_read_then_write(settings_dict, writers=2, rounds=10):
    """Run ``writers`` threads that each, ``rounds`` times and all at once,
    read a counter and write it back plus one in a transaction (the shape of
    saving a session or a get_or_create). Return the errors and the count."""
    alias = "concurrent_writers"
    connections.settings[alias] = settings_dict
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer NOT NULL)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    start = threading.Barrier(writers, timeout=30)
    errors = []

    def write():
        try:
            for _ in range(rounds):
                start.wait()
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    time.sleep(0.02)  # a request doing its work between the read and the write
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except (OperationalError, threading.BrokenBarrierError) as exc:
            errors.append(exc)
            start.abort()
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            return errors, cursor.fetchone()[0]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _sqlite_settings(path, **overrides):
    config = database_from_url(f"sqlite:///{path}", conn_max_age=0)
    config.update(overrides)
    return connections.configure_settings({"default": config})["default"]


@pytest.fixture
def own_databases(django_db_blocker):
    """These tests open SQLite files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_two_concurrent_sqlite_writers_both_succeed(tmp_path, own_databases):
    settings_dict = _sqlite_settings(tmp_path / "db.sqlite3")
    assert settings_dict["ENGINE"] == SQLITE_ENGINE
    errors, count = _concurrent_read_then_write(settings_dict)
    assert errors == []
    assert count == 20  # and no update was lost


def test_the_same_writers_lock_each_other_out_with_djangos_default_sqlite_options(
    tmp_path, own_databases
):
    """Why the options exist: without them the test above fails."""
    settings_dict = _sqlite_settings(tmp_path / "db.sqlite3", OPTIONS={})
    errors, _ = _concurrent_read_then_write(settings_dict)
    assert any("database is locked" in str(e) for e in errors)


def test_sqlite_runs_in_wal_mode(tmp_path, own_databases):
    alias = "wal_check"
    connections.settings[alias] = _sqlite_settings(tmp_path / "db.sqlite3")
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_postgresql_gets_no_sqlite_options_and_every_connection_is_health_checked():
    config = database_from_url("postgres://u:p@db.internal:5432/fat", conn_max_age=60)
    assert config.get("OPTIONS", {}) == {}
    assert config["CONN_HEALTH_CHECKS"] is True and config["CONN_MAX_AGE"] == 60


def test_the_app_server_keeps_garbage_collection_out_of_its_requests():
    result = run_python(
        "import gc, findatrial.wsgi; print(gc.get_freeze_count(), gc.get_threshold()[0])",
        SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    frozen, young_threshold = map(int, result.stdout.split()[-2:])
    assert frozen > 10_000
    assert young_threshold == 20_000


def test_every_environment_variable_is_in_the_readme_table():
    sources = [*(ROOT / "findatrial").glob("*.py"), ROOT / "gunicorn.conf.py"]
    read = {
        name
        for source in sources
        for name in re.findall(
            r"env_(?:str|bool|int|list)\(\s*[\"'](\w+)[\"']", source.read_text()
        )
    }
    documented = set(re.findall(r"^\| `(\w+)` \|", (ROOT / "README.md").read_text(), re.M))
    assert read - documented == set()
    assert {"DEBUG", "SECRET_KEY", "REDIS_URL", "WEB_CONCURRENCY"} <= read  # the search works
