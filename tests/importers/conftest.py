from pathlib import Path

import pytest

from debatte.importers.records import ImportReport
from debatte.importers.runner import run_import

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "data" / "realworld"


def realworld(name: str) -> Path:
    path = REALWORLD / name
    if not path.exists():
        pytest.fail(f"missing test data {path} (../shared must lie beside the checkout)")
    return path


@pytest.fixture
def import_file(db):
    def run(name: str, **options: object) -> ImportReport:
        return run_import(realworld(name), show_progress=False, **options)  # type: ignore[arg-type]

    return run
