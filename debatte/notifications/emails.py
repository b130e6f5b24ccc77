"""E-mails to readers: rendered in the reader's language, plain text plus HTML.

Every notification a reader opted in to carries a one-click unsubscribe link in its body and in
the `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 2369, RFC 8058).
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from debatte.accounts.models import User
from debatte.discussions.models import Comment
from debatte.moderation.models import Appeal, Notice, StatementOfReasons
from debatte.moderation.notice_tokens import notice_appeal_token
from debatte.notifications.unsubscribe import unsubscribe_path


def absolute_url(path: str) -> str:
    """`path` on the public address of this installation (DEBATTE["BASE_URL"])."""
    base = str(settings.DEBATTE.get("BASE_URL", "http://localhost:8000"))
    return base.rstrip("/") + path


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def build_mail(
    user: User, template: str, context: dict[str, Any], *, unsubscribe_kind: str | None = None
) -> EmailMultiAlternatives:
    """A mail from `notifications/email/<template>{_subject.txt,.txt,.html}` for `user`."""
    headers: dict[str, str] = {}
    context = {**context, "user": user}
    if unsubscribe_kind is not None:
        url = absolute_url(unsubscribe_path(user, unsubscribe_kind))
        context["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return build_mail_to(str(user.email), language_of(user), template, context, headers=headers)


def build_mail_to(
    address: str,
    language: str,
    template: str,
    context: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The same for an address with no account behind it (a notifier of illegal content)."""
    context = {**context, "base_url": absolute_url("")}
    with translation.override(language or settings.LANGUAGE_CODE):
        context["language"] = translation.get_language()
        prefix = f"notifications/email/{template}"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[address], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def reply_mail(reply: Comment, recipient: User) -> EmailMultiAlternatives:
    """Tell the author of `reply.parent` that someone answered them."""
    context = {
        "reply": reply,
        "parent": reply.parent,
        "article": reply.article,
        "reply_url": absolute_url(reply.get_absolute_url()),
    }
    return build_mail(recipient, "reply", context, unsubscribe_kind="replies")


def editor_pick_mail(comment: Comment, recipient: User) -> EmailMultiAlternatives:
    """Tell an author that the editors recommend their comment."""
    context = {
        "comment": comment,
        "article": comment.article,
        "comment_url": absolute_url(comment.get_absolute_url()),
    }
    return build_mail(recipient, "editor_pick", context, unsubscribe_kind="editor_pick")


def statement_mail(statement: StatementOfReasons) -> EmailMultiAlternatives:
    """A statement of reasons (DSA Art. 17). A legal notice, not a newsletter: no unsubscribe."""
    context = {
        "statement": statement,
        "decisions_url": absolute_url(reverse("dsa-decisions")),
    }
    user = statement.user
    if user is None:  # a deleted account's statement stays, without it (accounts.forgetting)
        raise ValueError("the statement's author has deleted their account")
    return build_mail(user, "statement", context)


def notice_decision_mail(notice: Notice, address: str, language: str) -> EmailMultiAlternatives:
    """The decision on a notice of illegal content, its ground and the notifier's redress
    (DSA Art. 16(5)); a link to appeal unless the comment was removed as asked."""
    comment = notice.report.comment
    appeal_url = None
    if notice.can_be_appealed():
        path = reverse("dsa-notice-appeal", kwargs={"token": notice_appeal_token(notice.pk)})
        appeal_url = absolute_url(path)
    context = {
        "notice": notice,
        "comment": comment,
        "article": comment.article,
        "name": notice.report.reporter_name,
        "appeal_url": appeal_url,
    }
    return build_mail_to(address, language, "notice_decision", context)


def appeal_outcome_mail(appeal: Appeal, address: str, language: str) -> EmailMultiAlternatives:
    """What became of an appeal (DSA Art. 20(4)), for the author or the notifier who made it."""
    comment: Comment | None
    if appeal.notice is not None:
        comment = appeal.notice.report.comment
        name = appeal.notice.report.reporter_name
        decisions_url = None
    else:
        statement = appeal.statement
        comment = statement.comment if statement is not None else None
        user = statement.user if statement is not None else None
        name = user.display_name if user is not None else ""
        decisions_url = absolute_url(reverse("dsa-decisions"))
    context = {
        "appeal": appeal,
        "comment": comment,
        "article": comment.article if comment is not None else None,
        "name": name,
        "decisions_url": decisions_url,
    }
    return build_mail_to(address, language, "appeal_outcome", context)
