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
from debatte.moderation.models import StatementOfReasons
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
    context = {**context, "user": user, "base_url": absolute_url("")}
    if unsubscribe_kind is not None:
        url = absolute_url(unsubscribe_path(user, unsubscribe_kind))
        context["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(language_of(user)):
        context["language"] = translation.get_language()
        prefix = f"notifications/email/{template}"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[str(user.email)], headers=headers)
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
