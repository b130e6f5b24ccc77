"""The shipped classifier in the moderation pipeline: scores, reasons, holds and labels."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from debatte.articles.models import Article, ModerationMode
from debatte.discussions.models import CommentStatus
from debatte.discussions.services import post_comment
from debatte.moderation.services.decisions import approve_comment, reject_comment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TOXIC = "Du bist ein dummes Arschloch und ein Vollidiot, halt dein Maul!"


@pytest.fixture
def with_classifier(settings):
    settings.DEBATTE = {
        **settings.DEBATTE,
        "SCORER": "debatte.classifier.score_fast",
        "FULL_SCORER": "debatte.classifier.score_fast",  # the full model is slow in tests
    }


def test_default_settings_use_the_shipped_model():
    from django.conf import settings as django_settings

    from config import settings as project_settings

    assert project_settings.DEBATTE["SCORER"] == "debatte.classifier.score_fast"
    assert project_settings.DEBATTE["FULL_SCORER"] == "debatte.classifier.score"
    assert django_settings.configured


def test_risk_mode_holds_a_toxic_comment_with_score_and_reasons(
    with_classifier, article, reader, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=article.pk).update(moderation_mode=ModerationMode.RISK)
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        toxic = post_comment(article, author=reader, body=TOXIC)
        friendly = post_comment(
            article, author=reader, body="Ein sachlicher Beitrag über die Nato und Russland."
        )
    toxic.refresh_from_db()
    friendly.refresh_from_db()
    assert toxic.status == CommentStatus.PENDING
    assert toxic.risk_score is not None and toxic.risk_score >= 0.8
    assert "toxicity" in toxic.flag_codes
    assert any("arschloch" in reason.lower() for reason in toxic.score_reasons)
    assert friendly.status == CommentStatus.PUBLISHED
    assert friendly.risk_score is not None and friendly.risk_score < 0.8


def test_decisions_become_training_labels(
    with_classifier, article, reader, site_moderator, reject_reason, tmp_path
):
    bad = post_comment(article, author=reader, body=TOXIC)
    good = post_comment(article, author=reader, body="Danke für den Artikel.")
    reject_comment(bad, moderator=site_moderator, reason=reject_reason)
    approve_comment(good, moderator=site_moderator)
    path = tmp_path / "labels.jsonl"
    call_command("export_decisions", str(path), stdout=StringIO())
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert {(row["text"], row["label"]) for row in rows} == {
        (TOXIC, 1),
        ("Danke für den Artikel.", 0),
    }
