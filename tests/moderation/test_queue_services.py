"""The queue's services: restricting a comment's author, deciding on many comments at once."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from debatte.articles.models import Article, Site, SiteMembership
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.models import AuditEntry, Reason
from debatte.moderation.restrictions import restriction_status
from debatte.moderation.services.author_actions import restrict_comment_author
from debatte.moderation.services.bulk import decide_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(moderator: Any, home_site: Site) -> Any:
    SiteMembership.objects.create(site=home_site, user=moderator, role="moderator")
    return moderator


@pytest.fixture
def reason(home_site: Site) -> Reason:
    return Reason.objects.create(
        site=home_site, code="sachlich", kind="reject", label="Unsachlich", text="Sachlich."
    )


def test_restricting_the_author_can_remove_the_comment_in_the_same_step(
    mod: Any, reader: Any, article: Any, reason: Reason, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article, author=reader)
    result = restrict_comment_author(
        comment,
        moderator=mod,
        action="suspend",
        ground="Sachlich.",
        days=3,
        reason=reason,
        remove=True,
    )
    assert (result.action, result.days, result.removed) == ("suspend", 3, True)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    status = restriction_status(reader, article.site_id)
    assert status.suspended_until is not None
    assert status.suspended_until > timezone.now() + timedelta(days=2)
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"comment.reject"} <= verbs and any(verb.startswith("user.") for verb in verbs)


def test_restricting_without_removal_leaves_the_comment(
    mod: Any, reader: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article, author=reader)
    result = restrict_comment_author(comment, moderator=mod, action="warn", ground="Bitte.")
    assert not result.removed
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


@pytest.mark.parametrize(
    ("action", "days", "code"), [("suspend", None, "days"), ("mute", None, "action")]
)
def test_restricting_refuses_a_suspension_without_days_and_unknown_actions(
    mod: Any,
    reader: Any,
    article: Any,
    make_comment: Callable[..., Any],
    action: str,
    days: int | None,
    code: str,
) -> None:
    comment = make_comment(article, author=reader)
    with pytest.raises(ActionError) as raised:
        restrict_comment_author(comment, moderator=mod, action=action, ground="x", days=days)
    assert raised.value.code == code
    assert not AuditEntry.objects.filter(actor=mod).exists()


def test_restricting_a_deleted_account_says_so(
    mod: Any, reader: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article, author=reader)
    Comment.objects.filter(pk=comment.pk).update(author=None)
    comment.refresh_from_db()
    with pytest.raises(ActionError) as raised:
        restrict_comment_author(comment, moderator=mod, action="ban", ground="x")
    assert raised.value.code == "no_author"


def test_bulk_decisions_touch_only_the_moderators_sites_and_skip_what_does_not_apply(
    mod: Any,
    article: Any,
    reason: Reason,
    make_comment: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    away = Site.objects.create(name="Anderes Blatt", slug="anderes-blatt", moderation_mode="pre")
    foreign = make_comment(
        Article.objects.create(site=away, key="anders", title="Anders", lead="."),
        author=make_user("Zweite"),
    )
    first, second = make_comment(article), make_comment(article)
    result = decide_comments(
        [first.pk, second.pk, foreign.pk], moderator=mod, action="reject", reason_code="sachlich"
    )
    assert (result.done, result.skipped) == (2, [])
    foreign.refresh_from_db()
    assert foreign.status == CommentStatus.PENDING
    assert set(
        Comment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {CommentStatus.REJECTED}
    third = make_comment(article)
    result = decide_comments([third.pk], moderator=mod, action="reject", reason_code="gibtsnicht")
    assert (result.done, result.skipped) == (0, [third.label])
    with pytest.raises(ActionError):
        decide_comments([third.pk], moderator=mod, action="delete")
