"""The documented production environment (README.md, docs/security.md) passes Django's
deployment checks without a single warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEBATTE = Path(sys.executable).with_name("debatte")

# docs/security.md, "Production settings": keep the two in step.
PRODUCTION = {
    "DEBATTE_ALLOWED_HOSTS": "debatte.example.org",
    "DEBATTE_CSRF_TRUSTED_ORIGINS": "https://debatte.example.org",
    "DEBATTE_BASE_URL": "https://debatte.example.org",
    "DEBATTE_SSL_REDIRECT": "1",
    "DEBATTE_SECURE_COOKIES": "1",
    "DEBATTE_HSTS_SECONDS": "31536000",
    "DEBATTE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DEBATTE_HSTS_PRELOAD": "1",
}


def deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBATTE_DATA_DIR": str(tmp_path),
        "DEBATTE_SECRET_KEY": secrets.token_urlsafe(50),
        **PRODUCTION,
        **overrides,
    }
    return subprocess.run(
        [str(DEBATTE), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_documented_production_environment_passes_check_deploy(tmp_path: Path) -> None:
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_same_with_embed_cookies(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, DEBATTE_EMBED_COOKIES="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_hsts_subdomains_and_preload_the_check_warns(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, DEBATTE_HSTS_INCLUDE_SUBDOMAINS="0", DEBATTE_HSTS_PRELOAD="0")
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr
