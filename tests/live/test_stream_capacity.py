"""The cap on open live streams follows the descriptor limit (RLIMIT_NOFILE)."""

import resource
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from debatte.core import fdlimits
from debatte.core.fdlimits import stream_capacity

ROOT = Path(__file__).resolve().parents[2]


def test_default_cap_leaves_a_quarter_of_the_descriptors_for_everything_else():
    assert stream_capacity(None, 1024).cap == 768
    assert stream_capacity(None, 1024).lowered is False


def test_default_cap_stays_at_ten_thousand_under_a_generous_limit():
    assert stream_capacity(None, 1_048_576).cap == 10_000
    assert stream_capacity(None, None).cap == 10_000  # no limit at all


def test_a_setting_above_the_limit_is_lowered_and_says_so():
    capacity = stream_capacity(10_000, 1024)
    assert (capacity.cap, capacity.lowered) == (768, True)
    assert "lowered from 10000" in capacity.describe()
    assert "RLIMIT_NOFILE soft 1024" in capacity.describe()


def test_a_setting_within_the_limit_is_kept():
    assert stream_capacity(500, 1024).cap == 500
    assert stream_capacity(50_000, None).cap == 50_000


def test_the_process_reads_its_real_limit_and_warns_once_when_lowering():
    # A child process with a soft limit of 256: the cap must fit in it, with a warning.
    script = (
        "import logging, resource; logging.basicConfig();"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit("
        "resource.RLIMIT_NOFILE)[1]));"
        "from debatte.core.fdlimits import current_stream_capacity as c;"
        "print(c().cap); print(c().cap)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DEBATTE_LIVE_MAX_CONNECTIONS": "10000", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.split() == ["192", "192"]
    assert result.stderr.count("lowered from 10000") == 1


@pytest.fixture
def limit_of_512(monkeypatch):
    monkeypatch.setattr(fdlimits, "soft_nofile_limit", lambda: 512)
    fdlimits.current_stream_capacity.cache_clear()
    yield
    fdlimits.current_stream_capacity.cache_clear()


def test_serve_says_the_cap_at_start(monkeypatch, limit_of_512):
    from debatte.core.management.commands import serve

    monkeypatch.delenv("DEBATTE_LIVE_MAX_CONNECTIONS", raising=False)
    monkeypatch.setattr(serve, "supervise", lambda config: None)
    out = StringIO()
    call_command("serve", stdout=out)
    assert "live streams: at most 384 per process (default; RLIMIT_NOFILE soft 512)" in (
        out.getvalue()
    )


def test_the_stream_view_refuses_above_the_derived_cap(monkeypatch, limit_of_512):
    from debatte.live.views import StreamLimits

    monkeypatch.setenv("DEBATTE_LIVE_MAX_CONNECTIONS", "100000")
    assert StreamLimits.from_environment().max_connections == 384
    assert resource.getrlimit(resource.RLIMIT_NOFILE)  # the test process's own is untouched
