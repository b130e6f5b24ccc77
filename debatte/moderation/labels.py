"""Moderators' decisions as training labels for the classifier (1 = against the Netiquette)."""

import json
from collections.abc import Iterator
from typing import IO

from debatte.moderation.models import AuditEntry

LABELS = {"comment.approve": 0, "comment.reject": 1, "comment.shorten": 1}


def iter_decision_labels(site_id: int | None = None) -> Iterator[dict[str, object]]:
    """One {"text", "label", "verb", "decided_at"} per approve, reject or shorten decision.

    A shortened comment's original text is the one labelled; later decisions about the same
    comment win (an approval after an appeal replaces the removal).
    """
    entries = AuditEntry.objects.filter(verb__in=LABELS, comment__isnull=False)
    if site_id is not None:
        entries = entries.filter(site_id=site_id)
    latest: dict[int, dict[str, object]] = {}
    for entry in entries.select_related("comment").order_by("created_at", "pk").iterator():
        assert entry.comment is not None  # noqa: S101 (filtered above)
        text = entry.details.get("original") if entry.verb == "comment.shorten" else None
        text = text or entry.comment.body
        if not text:
            continue
        latest[entry.comment.pk] = {
            "text": text,
            "label": LABELS[entry.verb],
            "verb": entry.verb,
            "decided_at": entry.created_at.isoformat(),
        }
    yield from latest.values()


def write_decision_labels(out: IO[str], site_id: int | None = None) -> int:
    count = 0
    for item in iter_decision_labels(site_id):
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count
