"""The audit log's door for the apps below moderation.

Moderation keeps the log (`moderation/audit.py`, the `AuditEntry` model) and installs its writer
here when Django starts (`ModerationConfig.ready`), so discussions, accounts and articles record
their changes without importing an app above them. Apps on moderation's floor and above may
import `debatte.moderation.audit.record` directly: it is the same function.
"""

from typing import Any, Protocol


class Recorder(Protocol):
    def __call__(
        self,
        verb: str,
        *,
        actor: Any = None,
        comment: Any = None,
        user: Any = None,
        article: Any = None,
        reason: str = "",
        before: str = "",
        after: str = "",
        details: dict[str, Any] | None = None,
        site_id: int | None = None,
    ) -> Any: ...


_recorder: Recorder | None = None


def install(recorder: Recorder) -> None:
    global _recorder  # set once, when Django starts
    _recorder = recorder


def record(
    verb: str,
    *,
    actor: Any = None,
    comment: Any = None,
    user: Any = None,
    article: Any = None,
    reason: str = "",
    before: str = "",
    after: str = "",
    details: dict[str, Any] | None = None,
    site_id: int | None = None,
) -> Any:
    """Write one audit entry (see `moderation.audit.record`); `actor` None means the system."""
    if _recorder is None:
        raise RuntimeError("No audit log installed: is debatte.moderation in INSTALLED_APPS?")
    return _recorder(
        verb,
        actor=actor,
        comment=comment,
        user=user,
        article=article,
        reason=reason,
        before=before,
        after=after,
        details=details,
        site_id=site_id,
    )
