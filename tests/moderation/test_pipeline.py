"""The moderation pipeline on plain context objects: phase order, verdicts, failures."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from debatte.moderation.pipeline import (
    PHASES,
    AuthorFacts,
    DiscussionFacts,
    PipelineContext,
    RecentActivity,
    run_pipeline,
)


def context(text="Ein sachlicher Beitrag.", *, mode="post", **discussion):
    return PipelineContext(
        text=text,
        author=AuthorFacts(user_id=1, published_comments=10),
        discussion=DiscussionFacts(mode=mode, **discussion),
        now=timezone.now(),
    )


def test_phase_order_is_the_documented_behaviour():
    assert [phase.NAME for phase in PHASES] == [
        "length",
        "closed",
        "author_status",
        "banned_words",
        "suspect_words",
        "links",
        "rate",
        "classifier",
        "external",
    ]


def test_post_moderation_publishes_a_clean_comment(db):
    verdict = run_pipeline(context())
    assert verdict.status == "published"
    assert [flag.code for flag in verdict.flags] == ["not_scored"]


def test_pre_moderation_holds_everything(db):
    assert run_pipeline(context(mode="pre")).status == "pending"


def test_risk_mode_holds_comments_with_links(db):
    assert run_pipeline(context("siehe https://example.org", mode="risk")).status == "pending"


def test_risk_mode_without_classifier_holds_for_a_human(db):
    # No classifier configured: the comment is not scored, so risk-based moderation holds it.
    verdict = run_pipeline(context(mode="risk"))
    assert verdict.status == "pending"
    assert verdict.flags[0].code == "not_scored"


def test_length_and_closed_refuse_before_later_phases(db):
    verdict = run_pipeline(context("x" * 1501, closed_reason="closed"))
    assert verdict.refusal.code == "too_long"
    verdict = run_pipeline(context(closed_reason="closed"))
    assert verdict.refusal.code == "closed"


def test_banned_author_is_refused_and_premoderated_author_held_in_post_mode(db):
    banned = PipelineContext(
        text="Hallo", author=AuthorFacts(user_id=1, banned=True), discussion=DiscussionFacts()
    )
    assert run_pipeline(banned).refusal.code == "banned"
    suspended = PipelineContext(
        text="Hallo",
        author=AuthorFacts(user_id=1, suspended_until=timezone.now() + timedelta(days=1)),
        discussion=DiscussionFacts(),
    )
    assert run_pipeline(suspended).refusal.code == "suspended"
    watched = PipelineContext(
        text="Hallo",
        author=AuthorFacts(user_id=1, always_premoderate=True),
        discussion=DiscussionFacts(),
    )
    assert run_pipeline(watched).status == "pending"


def test_links_hold_in_every_mode_when_the_site_says_so(db):
    assert run_pipeline(context("www.example.org", hold_links=True)).status == "pending"
    assert run_pipeline(context("www.example.org")).status == "published"


def test_rate_limit_repeat_and_new_accounts(db):
    fast = context()
    fast.activity = RecentActivity(by_ip_last_minute=5, rate_limit_per_minute=5)
    assert run_pipeline(fast).refusal.code == "rate_limited"
    repeated = context()
    repeated.activity = RecentActivity(same_text_recently=True)
    assert run_pipeline(repeated).refusal.code == "repeated"
    newcomer = PipelineContext(
        text="Hallo",
        author=AuthorFacts(user_id=1, published_comments=0),
        discussion=DiscussionFacts(new_account_hold_count=2),
    )
    assert run_pipeline(newcomer).status == "pending"


def test_a_failing_phase_holds_the_comment_never_publishes(db):
    broken = SimpleNamespace(NAME="broken", check=lambda ctx: 1 / 0)
    verdict = run_pipeline(context(), phases=[broken])
    assert verdict.status == "pending"
    assert verdict.flags[0].code == "phase_error"
    assert "ZeroDivisionError" in verdict.flags[0].detail


def test_a_phase_that_times_out_holds_the_comment(db):
    slow = SimpleNamespace(NAME="slow", timeout=lambda ctx: 0.05, check=lambda ctx: time.sleep(0.5))
    started = time.monotonic()
    verdict = run_pipeline(context(), phases=[slow])
    assert time.monotonic() - started < 0.4
    assert verdict.status == "pending"
    assert verdict.flags[0].code == "phase_timeout"


def score_high(text):
    return SimpleNamespace(score=0.93, reasons=["idiot"])


def score_slowly(text):
    time.sleep(1)
    return SimpleNamespace(score=0.0, reasons=[])


def test_classifier_score_over_threshold_flags_with_reasons(db, settings):
    settings.DEBATTE = {**settings.DEBATTE, "SCORER": f"{__name__}.score_high"}
    verdict = run_pipeline(context(mode="risk"))
    assert verdict.status == "pending"
    assert verdict.score == pytest.approx(0.93)
    assert verdict.score_reasons == ["idiot"]
    assert run_pipeline(context(mode="post")).status == "published"


def test_slow_classifier_holds_for_a_human(db, settings):
    settings.DEBATTE = {
        **settings.DEBATTE,
        "SCORER": f"{__name__}.score_slowly",
        "SCORER_TIMEOUT": 0.05,
    }
    verdict = run_pipeline(context(mode="risk"))
    assert verdict.status == "pending"
    assert verdict.flags[0].code == "phase_timeout"


def test_word_lists_of_the_site_refuse_and_flag(db):
    from debatte.articles.models import Site, default_site_id
    from debatte.moderation.models import WordListEntry

    site_id = default_site_id()

    def version() -> int:
        return Site.objects.get(pk=site_id).word_list_version

    WordListEntry.objects.create(site_id=site_id, kind="banned", phrase="idiot*")
    WordListEntry.objects.create(site_id=site_id, kind="suspect", phrase="Lügenpresse")
    verdict = run_pipeline(context("Ihr Idioten!", site_id=site_id, word_list_version=version()))
    assert verdict.refusal.code == "banned_words"
    assert "idioten" in verdict.refusal.detail
    verdict = run_pipeline(
        context(
            "Die luegenpresse wieder", site_id=site_id, mode="risk", word_list_version=version()
        )
    )
    assert verdict.status == "pending"
    assert verdict.flags[0].code == "suspect_words"
    # Entries changed later are seen at once: the change advances the site's version.
    before = version()
    WordListEntry.objects.filter(kind="suspect").delete()
    assert version() > before
    verdict = run_pipeline(
        context(
            "Die luegenpresse wieder", site_id=site_id, mode="risk", word_list_version=version()
        )
    )
    assert "suspect_words" not in [flag.code for flag in verdict.flags]
