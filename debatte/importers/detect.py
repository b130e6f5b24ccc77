"""Which format a file is in, from its first bytes."""

import json
from pathlib import Path

from debatte.importers.records import ImportFormatError

FORMATS = ("disqus", "wxr", "isso", "isso-db", "remark42", "commento", "debatte")


def detect_format(path: Path) -> str:
    with path.open("rb") as raw:
        head = raw.read(65536)
    if head.startswith(b"SQLite format 3\x00"):
        return "isso-db"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip("`'\" \t\r\n")
    if stripped.startswith("<"):
        if "<disqus" in text:
            return "disqus"
        if "wordpress.org/export/" in text or "<wp:" in text:
            return "wxr"
        raise ImportFormatError("start", "XML, but neither a Disqus nor a WordPress export")
    first_line = text.split("\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except ValueError:
        first = None
    if isinstance(first, dict):
        if first.get("type") == "debatte.export":
            return "debatte"
        if "version" in first and ("users" in first or "posts" in first):
            return "remark42"
    if '"commentHex"' in text or '"commenterHex"' in text:
        return "commento"
    if '"locator"' in text:
        return "remark42"
    if stripped.startswith("[") and '"comments"' in text:
        return "isso"
    raise ImportFormatError("start", "unknown format; name it with --format")
