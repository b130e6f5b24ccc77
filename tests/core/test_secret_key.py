"""Production refuses to start with the repository's public SECRET_KEY (security #3)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBATTE_SECRET_KEY", "DEBATTE_DEBUG", "DEBATTE_DEVELOPMENT"}
    }
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_key_production_settings_refuse_to_load():
    result = start_settings()
    assert result.returncode != 0
    assert "DEBATTE_SECRET_KEY is not set" in result.stderr


def test_a_blank_key_counts_as_no_key():
    assert start_settings(DEBATTE_SECRET_KEY="   ").returncode != 0


def test_a_set_key_is_used():
    result = start_settings(DEBATTE_SECRET_KEY="a-real-production-key-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("a-real-production-key-")


def test_the_development_flag_allows_the_public_key():
    result = start_settings(DEBATTE_DEVELOPMENT="1")
    assert result.returncode == 0, result.stderr
    assert "django-insecure" in result.stdout
