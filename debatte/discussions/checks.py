"""What posting and editing a comment need from moderation, declared here and plugged in by it.

Discussions gathers the plain facts a new or edited comment is judged on (`PipelineContext`:
the text, the author's facts, the discussion's settings, the writer's recent activity) and
needs three answers, which moderation installs when Django starts (`ModerationConfig.ready`):

- `check(context) -> Verdict`: the moderation pipeline (`moderation.pipeline.run_pipeline`);
- `activity_refusal(activity) -> Outcome | None`: the rate and repeat rules alone, asked again
  inside the posting transaction;
- `standing(user, site_id, now=...) -> Standing`: the restrictions binding the author on the
  site (`moderation.restrictions.restriction_status`; no query for readers never restricted).

The calls stay synchronous and where they were: a comment is judged before it is stored. This
module holds plain data only (no models), so the pipeline imports it without seeing the app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    REJECT = "reject"  # refuse the comment: the writer is told why, nothing is stored
    HOLD = "hold"  # hold for a moderator in every moderation mode
    FLAG = "flag"  # hold in risk-based moderation; recorded in the others


@dataclass(frozen=True)
class Outcome:
    action: Action
    code: str
    detail: str = ""  # for moderators (and, for REJECT, the message to the writer)


@dataclass(frozen=True)
class Flag:
    code: str
    phase: str
    detail: str = ""
    hard: bool = False  # held in every mode

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "phase": self.phase, "detail": self.detail, "hard": self.hard}


@dataclass(frozen=True)
class AuthorFacts:
    user_id: int | None
    is_staff: bool = False
    account_age: timedelta = timedelta(days=365)
    published_comments: int = 0
    # Restrictions in force on the discussion's site, its own and the all-sites ones.
    banned: bool = False
    suspended_until: datetime | None = None
    always_premoderate: bool = False


@dataclass(frozen=True)
class DiscussionFacts:
    site_id: int | None = None
    word_list_version: int = 0
    closed_reason: str | None = None
    mode: str = "post"  # "post", "pre" or "risk"
    max_length: int = 1500
    hold_links: bool = False
    new_account_hold_count: int = 0
    risk_threshold: float = 0.8
    external_check_url: str = ""
    external_check_timeout: float = 2.0


@dataclass(frozen=True)
class RecentActivity:
    by_author_last_minute: int = 0
    by_ip_last_minute: int = 0
    same_text_recently: bool = False
    rate_limit_per_minute: int = 5


@dataclass
class PipelineContext:
    text: str
    author: AuthorFacts
    discussion: DiscussionFacts
    activity: RecentActivity = field(default_factory=RecentActivity)
    now: datetime | None = None
    is_edit: bool = False
    # Filled in by phases:
    score: float | None = None
    score_reasons: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """What the pipeline decided: a status for the comment, or a refusal."""

    status: str  # "published" or "pending" (or "refused" with `refusal`)
    flags: list[Flag] = field(default_factory=list)
    refusal: Outcome | None = None
    score: float | None = None
    score_reasons: list[str] = field(default_factory=list)

    @property
    def is_refused(self) -> bool:
        return self.refusal is not None


class Standing(Protocol):
    """What binds an author on a site: the site's own restrictions and the all-sites ones."""

    @property
    def banned(self) -> bool: ...

    @property
    def suspended_until(self) -> datetime | None: ...

    @property
    def premoderated(self) -> bool: ...


@dataclass(frozen=True)
class CommentChecks:
    check: Callable[[PipelineContext], Verdict]
    activity_refusal: Callable[[RecentActivity], Outcome | None]
    standing: Callable[..., Standing]  # (user, site_id, *, now) -> Standing


_installed: CommentChecks | None = None


def install(checks: CommentChecks) -> None:
    global _installed  # set once, when Django starts
    _installed = checks


def comment_checks() -> CommentChecks:
    if _installed is None:
        raise RuntimeError("No comment checks installed: is debatte.moderation in INSTALLED_APPS?")
    return _installed
