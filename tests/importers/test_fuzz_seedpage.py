"""The seed-page parser and `debatte import-page` fuzzed: any bytes and the real seed page
with random edits. Each ends in an imported article or a CommandError naming the line, with
nothing written."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import strategies as st

from tests.conftest import SEED_PAGE
from tests.importers.fuzzkit import (
    OUTCOMES,
    _check_stored_page,
    _counts,
    fuzz,
    mutated,
    rolled_back,
)

pytestmark = pytest.mark.django_db


def _import_page(target: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder, rolled_back():
        path = Path(folder) / "page.txt"
        path.write_bytes(data)
        before = _counts()
        try:
            call_command(
                "import_page", str(path), key="fuzz-seite", title="Fuzz", as_of="2022-07-08"
            )
        except CommandError as error:
            assert str(error).strip()
            assert _counts() == before, f"a refused page wrote something: {error}"
            OUTCOMES[f"{target}:refused"] += 1
            return
        _check_stored_page("fuzz-seite")
        OUTCOMES[f"{target}:ok"] += 1


def test_seed_page_any_bytes() -> None:
    fuzz("seedpage/bytes", st.binary(max_size=3000), lambda d: _import_page("seedpage/bytes", d))


def test_seed_page_mutated() -> None:
    seed = SEED_PAGE.read_bytes()
    # A NUL inside a comment was stored (and fails on PostgreSQL): now refused with its line.
    nul = seed.replace(b"Wem immer", b"\x00Wem immer", 1)
    fuzz(
        "seedpage/mutated",
        mutated(seed),
        lambda d: _import_page("seedpage/mutated", d),
        regressions=[nul],
    )
