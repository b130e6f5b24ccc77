"""Score JSON lines (``debatte classify``): an object with a ``text`` in, its score out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .model import ClassifierModel, get_model


def classify_lines(
    lines: Iterable[str],
    write: Any,
    *,
    mode: str = "auto",
    model: ClassifierModel | None = None,
    batch_size: int = 64,
) -> int:
    """Read JSON lines with a ``text`` field, write one JSON line per input with the score.

    Other fields of the input object (e.g. an ``id``) are copied to the output. A line that is
    not a JSON object with a string ``text`` gets an ``error`` instead of a score. Returns the
    number of lines written.
    """
    mdl = model or get_model()
    written = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal written
        ok = [rec for rec in pending if "error" not in rec]
        scores = mdl.score_many([rec["text"] for rec in ok], mode=mode) if ok else []
        it = iter(scores)
        for rec in pending:
            out = dict(rec)
            if "error" not in rec:
                out.update(next(it).as_dict())
            write(json.dumps(out, ensure_ascii=False) + "\n")
            written += 1
        pending.clear()

    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            pending.append({"error": f"invalid JSON: {exc.msg}"})
        else:
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                pending.append(rec)
            else:
                pending.append({"error": "expected a JSON object with a string 'text' field"})
        if len(pending) >= batch_size:
            flush()
    flush()
    return written
