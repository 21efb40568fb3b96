"""Settings come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _settings_value(expression, **env):
    """Import the settings in a fresh interpreter with ``env`` and print ``expression``."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import findatrial.settings as s; print(repr(({expression})))"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )
    return result


@pytest.mark.django_db
def test_database_follows_database_url():
    """CI runs the suite twice; this proves each run used the database it meant to."""
    url = os.environ.get("DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_value("s.DEBUG", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_environment_overrides():
    result = _settings_value(
        "s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
        DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="findatrial.org, www.findatrial.org",
        DATABASE_URL="postgres://u:p@db.internal:5432/fat",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(False, ['findatrial.org', 'www.findatrial.org'], "
        "'django.db.backends.postgresql', 'fat')"
    )


def test_development_defaults():
    result = _settings_value("s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(True, 'django.db.backends.sqlite3', ['localhost', '127.0.0.1', '[::1]'])"
    )
