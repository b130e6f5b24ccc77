"""Reads about one reader: everything Debatte holds on them (GDPR Art. 15 and 20).

`get_personal_data` costs the same number of queries however much the reader wrote.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from debatte.accounts.models import User
from debatte.articles.models import SiteMembership
from debatte.discussions.models import Comment, Recommendation, Report
from debatte.moderation.models import Restriction, StatementOfReasons

FORMAT = "debatte.personal-data/1"


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _where(comment: Comment | None) -> dict[str, Any] | None:
    """A comment as readers find it: article key and title, number, author."""
    if comment is None:
        return None
    return {
        "article": comment.article.key,
        "article_title": comment.article.title,
        "number": comment.label,
        "author": comment.author_name,
        "url": comment.get_absolute_url(),
    }


def get_personal_data(user: User) -> dict[str, Any]:
    """Everything about `user` as plain JSON-ready data."""
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "profile": _profile(user),
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "site_roles": [
            {"site": m.site.name, "role": m.role}
            for m in SiteMembership.objects.filter(user=user).select_related("site")
        ],
        "comments": [_comment(c) for c in _comments(user)],
        "recommendations": [
            {"comment": _where(r.comment), "created_at": _time(r.created_at)}
            for r in Recommendation.objects.filter(user=user)
            .select_related("comment__article")
            .order_by("created_at", "pk")
        ],
        "reports": [_report(r) for r in _reports(user)],
        "statements_of_reasons": [_statement(s) for s in _statements(user)],
        "restrictions": [
            {
                "site": r.site.name if r.site else None,  # None: all sites
                "kind": r.kind,
                "reason": r.reason,
                "until": _time(r.until),
                "created_at": _time(r.created_at),
                "lifted_at": _time(r.lifted_at),
            }
            for r in Restriction.objects.filter(user=user)
            .select_related("site")
            .order_by("created_at", "pk")
        ],
    }


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "email": user.email,
        "language": user.language,
        "date_joined": _time(user.date_joined),
        "last_login": _time(user.last_login),
        "badges": [badge.label for badge in user.badges.all()],
        "notify_replies": user.notify_replies,
        "notify_editor_pick": user.notify_editor_pick,
        "may_comment": user.may_comment,
        "warning_count": user.warning_count,
        "sso_subject": user.sso_subject,
    }


def _comments(user: User) -> Any:
    return (
        Comment.objects.filter(author=user)
        .select_related("article")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "article": comment.article.key,
        "article_title": comment.article.title,
        "number": comment.label,
        "in_reply_to": comment.parent_label or (f"#{comment.number}" if comment.is_reply else None),
        "url": comment.get_absolute_url(),
        "text": comment.body,
        "status": comment.status,
        "editor_pick": comment.is_editor_pick,
        "recommendations": comment.recommendation_count,
        "moderation_note": comment.moderation_note,
        "created_at": _time(comment.created_at),
        "edited_at": _time(comment.edited_at),
        "ip_address": comment.ip_address,
        "earlier_versions": [
            {"text": rev.body, "kind": rev.kind, "created_at": _time(rev.created_at)}
            for rev in comment.revisions.all()
        ],
    }


def _reports(user: User) -> Any:
    return (
        Report.objects.filter(reporter=user)
        .select_related("comment__article")
        .order_by("created_at", "pk")
    )


def _report(report: Report) -> dict[str, Any]:
    return {
        "comment": _where(report.comment),
        "reason": report.reason,
        "explanation": report.explanation,
        "created_at": _time(report.created_at),
        "resolved_at": _time(report.resolved_at),
    }


def _statements(user: User) -> Any:
    return (
        StatementOfReasons.objects.filter(user=user)
        .select_related("comment__article", "appeal")
        .order_by("created_at", "pk")
    )


def _statement(statement: StatementOfReasons) -> dict[str, Any]:
    appeal = getattr(statement, "appeal", None)
    return {
        "decision": statement.decision,
        "decision_text": statement.decision_text,
        "ground": statement.ground,
        "facts": statement.facts,
        "automated": statement.automated,
        "comment": _where(statement.comment),
        "created_at": _time(statement.created_at),
        "appealable_until": _time(statement.appealable_until),
        "appeal": None
        if appeal is None
        else {
            "text": appeal.text,
            "status": appeal.status,
            "created_at": _time(appeal.created_at),
            "decided_at": _time(appeal.decided_at),
            "answer": appeal.decision_note,
        },
    }
