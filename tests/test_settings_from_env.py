import os
import subprocess
import sys
from pathlib import Path

import pytest

from engage.env import ImproperlyConfiguredEnv, database_from_url, email_from_url

ROOT = Path(__file__).resolve().parent.parent


def _start(**env: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with the given environment, as a deploy would."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "EMAIL_URL",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=60,
    )


def test_unset_environment_is_the_embedded_default():
    config = database_from_url("DATABASE_URL", "", Path("/srv/db.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_it_reads_a_postgres_url():
    config = database_from_url("DATABASE_URL", "postgres://app:s%40cret@db:5433/engage", Path())
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "app", "s@cret", "db", "5433", "engage")


def test_it_reads_sqlite_paths():
    assert database_from_url("X", "sqlite:////var/db.sqlite3", Path())["NAME"] == "/var/db.sqlite3"
    assert database_from_url("X", "sqlite:///local.db", Path())["NAME"] == "local.db"


@pytest.mark.parametrize("url", ["mysql://db/engage", "postgres://db:notaport/engage",
                                 "postgres://db:5432", "nonsense"])
def test_it_refuses_a_malformed_database_url(url):
    with pytest.raises(ImproperlyConfiguredEnv, match="DATABASE_URL"):
        database_from_url("DATABASE_URL", url, Path())


def test_it_reads_smtp_settings():
    config = email_from_url("EMAIL_URL", "smtp://user:pw@mail.example.org:587?tls=true")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True


def test_a_malformed_value_stops_the_process_with_a_clear_message():
    result = _start(DATABASE_URL="mysql://db/engage")
    assert result.returncode != 0
    assert "DATABASE_URL must start postgres:// or sqlite:///" in result.stderr


@pytest.mark.parametrize("env,message", [
    ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must look like redis://"),
    ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off"),
    ({"EMAIL_URL": "pigeon://loft"}, "EMAIL_URL must look like smtp://"),
])
def test_each_malformed_setting_names_itself(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_check_deploy_with_no_warning():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "DEBUG": "false", "SECRET_KEY": "k" * 20 + "-Zq9!x7#Lm2@Vb8$Nc4%Rt6^Yw1&Pd3*",
             "ALLOWED_HOSTS": "engage.example.org", "REDIS_URL": "redis://127.0.0.1:6379/0",
             "DATABASE_URL": "postgres://engage@127.0.0.1:5432/engage"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
