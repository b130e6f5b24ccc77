"""Small helpers the source modules share: keys, dates, flags, author names."""

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

from django.utils.text import slugify

from debatte.importers.records import ImportFormatError, Problem

_KEY_CHARS = re.compile(r"[^A-Za-z0-9._~-]+")


def article_key(prefix: str, source_id: str) -> str:
    """A stable Article.key from the source's id: "disqus-2", "isso-posts-0001-3f2a9c1d".

    An id that is not a clean slug already (a URL, a path) is slugified and keeps a short hash
    of the original, so two ids that slugify alike ("/a/" and "/A") never share a key.
    """
    slug = _KEY_CHARS.sub("-", slugify(source_id)).strip("-._~")
    if slug == source_id and len(slug) <= 150:
        return f"{prefix}-{slug}"
    digest = hashlib.sha1(source_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]  # noqa: S324
    return f"{prefix}-{slug[:150].rstrip('-')}-{digest}" if slug else f"{prefix}-{digest}"


def parse_datetime(value: str, position: str, problems: list[Problem]) -> datetime | None:
    """An ISO 8601 or "YYYY-MM-DD HH:MM:SS" time, as UTC when it names no zone."""
    text = value.strip()
    if not text or text.startswith("0001-01-01"):
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        problems.append(Problem(position, f"unreadable date {text!r}"))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_flag(value: str, position: str, name: str, problems: list[Problem]) -> bool:
    text = value.strip().lower()
    if text in ("", "false", "0", "no"):
        return False
    if text in ("true", "1", "yes"):
        return True
    problems.append(Problem(position, f"{name} is {value!r}, neither true nor false; read false"))
    return False


def clean_email(value: str) -> str:
    text = value.strip()
    if "@" not in text or text.lower() in ("undefined", "null", "none") or " " in text:
        return ""
    return text


def fallback_ref(prefix: str, *parts: str) -> str:
    """A stable reference for a comment without an id: a hash of what identifies it."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]  # noqa: S324
    return f"{prefix}:sha1-{digest}"


def load_json(raw: IO[bytes] | bytes, position: str = "file") -> Any:
    """Parse JSON, or stop the import naming where and why (nesting too deep included)."""
    try:
        return json.loads(raw) if isinstance(raw, bytes) else json.load(raw)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ImportFormatError(
            where if position == "file" else position, f"not valid JSON ({error.msg})"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportFormatError(position, f"not valid JSON ({error})") from None
    except RecursionError:
        raise ImportFormatError(position, "not valid JSON (nested too deeply)") from None


@contextmanager
def shaped(position: str) -> Iterator[None]:
    """A value of the wrong type where the format has an object, a list or a string (a thread
    that is a number, comments that are a string) stops the import naming where."""
    try:
        yield
    except (AttributeError, TypeError, KeyError, IndexError) as error:
        raise ImportFormatError(position, f"unexpected structure ({error})") from None
