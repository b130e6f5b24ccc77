"""The hostile strings of ../shared/data/realworld/: every payload line and every naughty string.

xss-payloadbox (one payload a line), the 15 lists of PayloadsAllTheThings (one of them with
CRLF line endings, so "\\r" is dropped) and blns.json (the 515 strings, without its comments).
Blank lines are no payloads; duplicates across the lists are kept (each list is tried whole).
"""

import json
import os
from functools import cache
from pathlib import Path

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "data" / "realworld"
LIST_FOLDERS = ("xss-payloadbox", "xss-payloadsallthethings")


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


@cache
def payloads() -> tuple[str, ...]:
    """Every payload, in the order of the lists (folders, then file names)."""
    found: list[str] = []
    for folder in LIST_FOLDERS:
        for path in sorted((REALWORLD / folder).glob("*.txt")):
            found.extend(_lines(path))
    found.extend(s for s in json.loads((REALWORLD / "blns" / "blns.json").read_text()) if s)
    # For trying the tests out locally only; CI runs everything.
    limit = int(os.environ.get("DEBATTE_XSS_CORPUS_LIMIT", "0")) or None
    found = found[:limit]
    # Lone surrogates cannot be stored in a database column; none are expected in these files.
    return tuple(p.encode("utf-8", "replace").decode("utf-8") for p in found)


def available() -> bool:
    return (REALWORLD / "blns" / "blns.json").exists()
