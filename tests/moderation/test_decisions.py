"""Moderators' decisions: state, counters, audit log, statements of reasons, permissions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from debatte.articles.models import Article, DiscussionStatus, ModerationMode
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import CommentStatus
from debatte.discussions.services import post_comment, report_comment
from debatte.moderation.models import AuditEntry, StatementOfReasons
from debatte.moderation.services.claims import claim_comment, release_comment
from debatte.moderation.services.decisions import (
    approve_comment,
    feature_comment,
    reject_comment,
    shorten_comment,
)
from debatte.moderation.services.discussions import (
    close_discussion,
    close_expired_discussions,
    reopen_discussion,
    schedule_discussion,
)
from debatte.moderation.services.users import (
    ban_user,
    lift_restrictions,
    set_premoderation,
    suspend_user,
    warn_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(article, reader):
    Article.objects.filter(pk=article.pk).update(moderation_mode=ModerationMode.PRE)
    article.refresh_from_db()
    return post_comment(article, author=reader, body="Bitte prüfen")


def test_pre_moderated_comment_is_held_and_logged(held, article):
    assert held.status == CommentStatus.PENDING
    article.refresh_from_db()
    assert article.comment_count == 0
    entry = AuditEntry.objects.get(verb="comment.hold")
    assert (entry.actor_name, entry.status_after) == ("system", "pending")


def test_approve_publishes_and_counts(held, site_moderator, article):
    approve_comment(held, moderator=site_moderator)
    held.refresh_from_db()
    article.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED
    assert held.moderated_by == site_moderator
    assert article.comment_count == 1
    entry = AuditEntry.objects.get(verb="comment.approve")
    assert (entry.status_before, entry.status_after) == ("pending", "published")
    assert entry.actor_name == "Anna Berg"


def test_reject_shows_signed_note_and_issues_statement_by_mail(
    article, reader, site_moderator, reject_reason, django_capture_on_commit_callbacks
):
    comment = post_comment(article, author=reader, body="Unsinn")
    site_moderator.initials = "ab"
    with django_capture_on_commit_callbacks(execute=True):
        reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert comment.moderation_note == "Entfernt. Bitte bleiben Sie sachlich. Die Redaktion/ab"
    article.refresh_from_db()
    assert article.comment_count == 0
    statement = StatementOfReasons.objects.get()
    assert statement.user == reader
    assert statement.ground == "Bitte bleiben Sie sachlich."
    assert not statement.automated
    assert statement.appealable_until > timezone.now() + timedelta(days=180)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [reader.email]
    entry = AuditEntry.objects.get(verb="comment.reject")
    assert (entry.status_before, entry.status_after, entry.reason) == (
        "published",
        "rejected",
        "Bitte bleiben Sie sachlich.",
    )


def test_reject_needs_a_reason_of_the_catalogue(article, reader, site_moderator, shorten_reason):
    comment = post_comment(article, author=reader, body="Unsinn")
    with pytest.raises(ActionError):
        reject_comment(comment, moderator=site_moderator, reason=shorten_reason)


def test_shorten_keeps_original_in_history(article, reader, site_moderator, shorten_reason):
    comment = post_comment(article, author=reader, body="Gute Frage. Und Sie lügen doch alle.")
    shorten_comment(comment, moderator=site_moderator, reason=shorten_reason, body="Gute Frage.")
    comment.refresh_from_db()
    assert comment.body == "Gute Frage."
    assert comment.moderation_note.startswith("Gekürzt. Bitte verzichten Sie auf Unterstellungen.")
    assert comment.revisions.get().body == "Gute Frage. Und Sie lügen doch alle."
    assert comment.status == CommentStatus.PUBLISHED


def test_feature_publishes_held_comment_as_editor_pick(held, site_moderator):
    feature_comment(held, moderator=site_moderator)
    held.refresh_from_db()
    assert held.is_editor_pick and held.status == CommentStatus.PUBLISHED
    assert AuditEntry.objects.filter(verb="comment.feature").exists()


def test_moderator_of_another_site_cannot_decide(held, other_site_moderator, reject_reason):
    with pytest.raises(NotPermitted):
        approve_comment(held, moderator=other_site_moderator)
    with pytest.raises(NotPermitted):
        reject_comment(held, moderator=other_site_moderator, reason=reject_reason)
    with pytest.raises(NotPermitted):
        claim_comment(held, moderator=other_site_moderator)
    held.refresh_from_db()
    assert held.status == CommentStatus.PENDING


def test_reader_cannot_moderate(held, other_reader):
    with pytest.raises(NotPermitted):
        approve_comment(held, moderator=other_reader)


def test_decisions_resolve_open_reports(article, reader, other_reader, site_moderator):
    comment = post_comment(article, author=reader, body="Gemeldet")
    report = report_comment(comment, reporter=other_reader, reason="insult")
    approve_comment(comment, moderator=site_moderator)
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_suspended_and_banned_readers_cannot_post(article, reader, site_moderator):
    comment = post_comment(article, author=reader, body="Erster")
    suspend_user(reader, moderator=site_moderator, days=3, reason="Beleidigungen", comment=comment)
    with pytest.raises(ActionError) as error:
        post_comment(article, author=reader, body="Noch einer")
    assert error.value.code == "suspended"
    lift_restrictions(reader, site=article.site, moderator=site_moderator, reason="Entschuldigt")
    post_comment(article, author=reader, body="Wieder da")
    ban_user(reader, moderator=site_moderator, reason="Wiederholt", comment=comment)
    with pytest.raises(ActionError) as error:
        post_comment(article, author=reader, body="Gebannt")
    assert error.value.code == "banned"
    verbs = list(AuditEntry.objects.filter(verb__startswith="user.").values_list("verb", flat=True))
    assert sorted(verbs) == ["user.ban", "user.suspend", "user.unrestrict"]
    assert StatementOfReasons.objects.filter(user=reader).count() == 2


def test_premoderated_reader_is_held_even_in_post_moderation(article, reader, site_moderator):
    set_premoderation(reader, moderator=site_moderator, reason="Beobachtung", site=article.site)
    assert post_comment(article, author=reader, body="Hallo").status == CommentStatus.PENDING


def test_warn_counts_and_informs(reader, site_moderator, article):
    comment = post_comment(article, author=reader, body="Grenzwertig")
    warn_user(reader, moderator=site_moderator, reason="Ton", comment=comment)
    reader.refresh_from_db()
    assert reader.warning_count == 1


def test_moderator_cannot_restrict_self(site_moderator, site):
    with pytest.raises(ActionError):
        ban_user(site_moderator, moderator=site_moderator, reason="x", site=site)


def test_close_reopen_and_schedule_discussion(article, reader, site_moderator):
    close_discussion(article, moderator=site_moderator, reason="Zu hitzig")
    with pytest.raises(ActionError):
        post_comment(article, author=reader, body="Zu spät")
    reopen_discussion(article, moderator=site_moderator)
    post_comment(article, author=reader, body="Wieder offen")
    now = timezone.now()
    schedule_discussion(
        article, moderator=site_moderator, opens_at=now + timedelta(hours=1), closes_at=None
    )
    with pytest.raises(ActionError) as error:
        post_comment(article, author=reader, body="Zu früh")
    assert error.value.code == "not_yet_open"
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"discussion.close", "discussion.reopen", "discussion.schedule"} <= verbs


def test_auto_close_after_site_days(article, site):
    site.auto_close_days = 2
    site.save()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(days=3))
    assert close_expired_discussions() == 1
    article.refresh_from_db()
    assert article.discussion_status == DiscussionStatus.CLOSED
    assert AuditEntry.objects.get(verb="discussion.auto_close").actor_name == "system"


def test_claim_keeps_two_moderators_apart(held, site_moderator, second_moderator):
    assert claim_comment(held, moderator=site_moderator) is True
    assert claim_comment(held, moderator=second_moderator) is False
    release_comment(held, moderator=site_moderator)
    assert claim_comment(held, moderator=second_moderator) is True


def test_audit_log_survives_deleting_the_moderator_and_the_author(
    article, reader, site_moderator, reject_reason
):
    comment = post_comment(article, author=reader, body="Weg damit")
    reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    site_moderator.delete()
    entry = AuditEntry.objects.get(verb="comment.reject")
    assert entry.actor is None and entry.actor_name == "Anna Berg"
    assert "Kapaster d.J." in entry.subject


def test_edited_comment_passes_pipeline_again(article, reader, site):
    from debatte.discussions.services import edit_comment
    from debatte.moderation.models import WordListEntry

    comment = post_comment(article, author=reader, body="Harmlos")
    WordListEntry.objects.create(site=site, kind="suspect", phrase="verdächtig")
    Article.objects.filter(pk=article.pk).update(moderation_mode=ModerationMode.RISK)
    comment.article.refresh_from_db()
    edit_comment(comment, editor=reader, body="Jetzt verdächtig")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert comment.revisions.get().body == "Harmlos"


def test_held_comment_is_shown_to_its_author_only(client, held, article, reader, other_reader):
    url = article.get_absolute_url()
    client.force_login(reader)
    own = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bitte prüfen" in own and "wartet auf freigabe" in own.lower()
    client.force_login(other_reader)
    assert "Bitte prüfen" not in client.get(url).content.decode()
    client.logout()
    assert "Bitte prüfen" not in client.get(url).content.decode()
