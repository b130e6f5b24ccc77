"""`debatte export` writes password hashes and SSO secrets: only the owner may read the file."""

import os
import stat
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def mode(path: object) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)  # type: ignore[arg-type]


def test_export_creates_the_file_readable_by_its_owner_only(reader, tmp_path):
    path = tmp_path / "export.jsonl"
    old_umask = os.umask(0o022)  # the usual umask would make a plain open() 0644
    try:
        call_command("export_comments", str(path), stdout=StringIO())
    finally:
        os.umask(old_umask)
    assert mode(path) == 0o600
    assert reader.email in path.read_text()


def test_export_tightens_an_existing_world_readable_file(reader, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text("old contents that are longer than nothing\n" * 1000)
    path.chmod(0o644)
    call_command("export_comments", str(path), stdout=StringIO())
    assert mode(path) == 0o600
    assert "old contents" not in path.read_text()
