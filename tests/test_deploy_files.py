"""Docker cannot run on this machine: check what can be checked of the deploy files."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_stack():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert "gunicorn engage.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A engage worker")
    assert services["beat"]["command"].startswith("celery -A engage beat")


def test_app_services_get_production_settings():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "?" in env["SECRET_KEY"], "the secret must come from the deployer, never a default"


def test_the_image_installs_the_locked_dependencies_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER \w+", dockerfile, re.M), "the app must not run as root"
    assert "libpango" in dockerfile, "WeasyPrint needs Pango"
