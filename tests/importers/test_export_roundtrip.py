"""`debatte export` then `debatte import` into an empty database reproduces every row."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command

from debatte.accounts.models import Badge, User
from debatte.api.models import ApiToken
from debatte.articles.models import Section, Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment
from debatte.discussions.services import (
    delete_comment,
    recommend_comment,
    report_comment,
    set_editor_pick,
)
from debatte.importers.export import EXPORTED_MODELS
from debatte.moderation.models import AuditEntry, Notice, Reason, StatementOfReasons
from debatte.moderation.services.decisions import approve_comment, reject_comment, shorten_comment
from debatte.moderation.services.dsa import submit_illegal_content_notice, submit_notice_appeal
from debatte.moderation.services.users import ban_user, warn_user
from debatte.notifications.models import Webhook

pytestmark = pytest.mark.django_db
# Changes on every save, whatever the data (not part of what an export must keep).
VOLATILE = {"updated_at"}


@pytest.fixture
def discussion(make_article, make_comment, make_user, reader, other_reader):
    site = Site.objects.get(pk=default_site_id())
    site_moderator = make_user("Anna Berg")
    SiteMembership.objects.create(site=site, user=site_moderator, role="moderator")
    reject_reason = Reason.objects.create(
        site=site, code="sachlich", kind="reject", label="Unsachlich", text="Bitte sachlich."
    )
    shorten_reason = Reason.objects.create(
        site=site, code="unterstellung", kind="shorten", label="Unterstellung", text="Bitte nicht."
    )
    badge = Badge.objects.create(slug="abo", label="Abonnent")
    reader.badges.add(badge)
    Section.objects.create(name="Politik", slug="politik")
    article = make_article(key="nato-dialog", title="Nato")
    first = make_comment(article, body="Erster Kommentar, https://example.org/x")
    reply = make_comment(article, author=other_reader, body="Antwort", parent=first)
    make_comment(article, body="Antwort auf die Antwort", parent=reply)
    rude = make_comment(article, author=other_reader, body="Unsachlich")
    long = make_comment(article, author=other_reader, body="Lang und mit Unterstellung")
    gone = make_comment(article, body="Bald gelöscht")
    recommend_comment(first, user=other_reader)
    report_comment(rude, reporter=reader, reason="insult", explanation="beleidigend")
    set_editor_pick(first, actor=site_moderator)
    reject_comment(rude, moderator=site_moderator, reason=reject_reason)
    shorten_comment(long, moderator=site_moderator, reason=shorten_reason, body="Lang")
    warn_user(other_reader, moderator=site_moderator, reason="Bitte sachlich bleiben", site=site)
    delete_comment(gone, actor=reader)
    other = make_article(key="zweiter-artikel", title="Zweiter")
    make_comment(other, body="Anderswo")
    assert AuditEntry.objects.exists() and StatementOfReasons.objects.exists()
    # What a restore must not lose either: verified addresses (or every reader verifies
    # again), second factors, the Django admin's permissions, tokens, webhooks, restrictions.
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    Authenticator.objects.create(
        user=site_moderator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    site_moderator.is_staff = True
    site_moderator.save(update_fields=["is_staff"])
    site_moderator.user_permissions.add(Permission.objects.get(codename="view_comment"))
    ApiToken.issue(site, "CMS", can_moderate=True)
    Webhook.objects.create(
        site=site, url="https://example.org/hook", events=["comment.created"], secret="geheim"
    )
    ban_user(reader, moderator=site_moderator, reason="Wiederholt beleidigend", site=site)
    # Notices of illegal content, kept, and appealed by their notifiers (two appeals with no
    # statement: a restore must not take the second for the first).
    for n, noticed in enumerate((first, reply)):
        submit_illegal_content_notice(
            noticed, explanation="Strafbar nach § 185 StGB.", category="insult", email=f"{n}@x.org"
        )
        approve_comment(noticed, moderator=site_moderator)
        submit_notice_appeal(Notice.objects.get(report__comment=noticed), text="Bitte prüfen.")
    return article


def canonical(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The export with every id replaced by the row's content (ids differ between databases)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    by_id = {(line["type"], line["id"]): line for line in lines}
    exported = {line["type"] for line in lines}
    resolved: dict[tuple[str, int], Any] = {}

    def resolve(name: str, pk: int) -> Any:
        if (name, pk) not in resolved:
            line = by_id[(name, pk)]
            resolved[(name, pk)] = None  # cycles: a comment's parent is resolved by identity
            resolved[(name, pk)] = fields_of(line)
        return resolved[(name, pk)]

    def fields_of(line: dict[str, Any]) -> dict[str, Any]:
        model = apps.get_model(line["type"])
        out: dict[str, Any] = {}
        for name, value in line["fields"].items():
            if name in VOLATILE:
                continue
            field = model._meta.get_field(name)
            target = field.related_model._meta.label_lower if field.is_relation else None
            if field.many_to_many and target in exported:
                out[name] = sorted(json.dumps(resolve(target, v), sort_keys=True) for v in value)
            elif field.many_to_many:  # named by natural key ("app_label.codename")
                out[name] = sorted(value)
            elif target and value is not None:
                ref = by_id[(target, value)]["fields"]
                out[name] = {
                    k: ref.get(k)
                    for k in (
                        "key",
                        "slug",
                        "display_name",
                        "number",
                        "reply_number",
                        "created_at",
                        "decision",
                    )
                }
            else:
                out[name] = value
        return out

    result: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        result.setdefault(line["type"], []).append(fields_of(line))
    for rows in result.values():
        rows.sort(key=lambda row: json.dumps(row, sort_keys=True))
    return result


def wipe() -> None:
    for model in reversed(EXPORTED_MODELS):
        if model is Comment:
            while Comment.objects.exists():  # leaves first: parents and threads are protected
                Comment.objects.filter(
                    direct_replies__isnull=True, thread_replies__isnull=True
                ).delete()
        else:
            model._default_manager.all().delete()


def test_export_then_import_into_empty_database_reproduces_everything(discussion, tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    call_command("export_comments", str(first), stdout=StringIO())
    before = canonical(first)
    assert len(before["discussions.comment"]) == 7
    assert {
        "moderation.auditentry",
        "moderation.statementofreasons",
        "discussions.report",
        "discussions.recommendation",
        "discussions.commentrevision",
        "account.emailaddress",
        "mfa.authenticator",
        "api.apitoken",
        "notifications.webhook",
        "moderation.restriction",
    } <= set(before)

    wipe()
    assert not Comment.objects.exists() and not User.objects.exists()
    assert not Site.objects.exists()
    out = StringIO()
    call_command("import_comments", str(first), stdout=out)
    assert "imported 7 comments" in out.getvalue()

    call_command("export_comments", str(second), stdout=StringIO())
    assert canonical(second) == before
    assert EmailAddress.objects.get(user__display_name="Kapaster d.J.").verified
    moderator = User.objects.get(display_name="Anna Berg")
    assert moderator.has_perm("discussions.view_comment")
    assert Authenticator.objects.get(user=moderator).data == {"secret": "JBSWY3DPEHPK3PXP"}
    assert ApiToken.objects.get(name="CMS").acting_user is not None
    reader = User.objects.get(display_name="Kapaster d.J.")
    assert reader.has_restrictions
    assert reader.restrictions.filter(kind="ban", lifted_at__isnull=True).exists()
    rejected = Comment.objects.get(body="Unsachlich")
    assert rejected.status == "rejected" and rejected.moderation_note.startswith("Entfernt.")
    assert (
        Comment.objects.get(
            article__key="nato-dialog", number=1, reply_number=0
        ).recommendation_count
        == 1
    )


def test_importing_an_export_twice_adds_nothing(discussion, tmp_path):
    path = tmp_path / "a.jsonl"
    call_command("export_comments", str(path), stdout=StringIO())
    counts = {m: m._default_manager.count() for m in EXPORTED_MODELS}
    out = StringIO()
    call_command("import_comments", str(path), stdout=out)
    assert "imported 0 comments (7 already there)" in out.getvalue()
    assert {m: m._default_manager.count() for m in EXPORTED_MODELS} == counts


def test_export_of_one_article_holds_only_its_comments(discussion, tmp_path):
    path = tmp_path / "one.jsonl"
    call_command("export_comments", str(path), "--article", "nato-dialog", stdout=StringIO())
    rows = canonical(path)
    assert len(rows["discussions.comment"]) == 6
    assert [a["key"] for a in rows["articles.article"]] == ["nato-dialog"]


def test_a_restored_comment_counts_its_open_reports_once(
    make_comment, article, other_reader, tmp_path
):
    from debatte.discussions.services.reporting import report_comment

    comment = make_comment(article, body="Ein gemeldeter Kommentar")
    report_comment(comment, reporter=other_reader, reason="insult", explanation="beleidigend")
    path = tmp_path / "a.jsonl"
    call_command("export_comments", str(path), stdout=StringIO())
    wipe()

    call_command("import_comments", str(path), stdout=StringIO())

    # The file says 1 and the database's triggers count the restored report again: still 1.
    assert Comment.objects.get(body="Ein gemeldeter Kommentar").open_report_count == 1
