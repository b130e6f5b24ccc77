"""DEBATTE_LOG_FORMAT=json writes one JSON object per log line, for a log collector."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = "import logging; logging.getLogger('debatte.test').warning('Hallo %s', 'Welt')"


def log_line(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SNIPPET],
        env={**os.environ, "DEBATTE_DEVELOPMENT": "1", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return next(line for line in result.stderr.splitlines() if "Hallo" in line)


def test_json_logs_are_one_object_per_line():
    entry = json.loads(log_line(DEBATTE_LOG_FORMAT="json"))
    assert entry["message"] == "Hallo Welt"
    assert entry["levelname"] == "WARNING"
    assert entry["name"] == "debatte.test"
    assert entry["asctime"] and entry["process"]


def test_plain_logs_stay_the_default():
    line = log_line()
    assert line.endswith("WARNING debatte.test Hallo Welt")
