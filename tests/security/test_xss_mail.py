"""Every payload of the corpus as names, titles and texts in the e-mails (reply, editor's pick,
statement of reasons) and the webhook payload: the HTML part has no active content, the
headers no injected line, the webhook JSON carries the text unchanged."""

import json
import time
from datetime import timedelta
from email import message_from_bytes
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.security import xss_corpus

pytestmark = pytest.mark.skipif(
    not xss_corpus.available(), reason="../shared/data/realworld is missing"
)

ACTIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "base",
    "form",
    "svg",
    "math",
    "meta",
    "link",
    "style",
    "img",
    "input",
    "button",
    "applet",
    "video",
    "audio",
}
TEMPLATE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "div",
    "p",
    "a",
    "hr",
    "blockquote",
    "br",
    "strong",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "xlink:href"}


class ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ACTIVE_TAGS - {"meta"} or tag not in TEMPLATE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            squeezed = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and not squeezed.startswith(("http://", "https://", "#")):
                self.found.append(f"{tag}[{name}={squeezed[:30]}]")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(message: Any, payload: str) -> None:
    assert "\n" not in message.subject and "\r" not in message.subject, payload
    html = message.alternatives[0][0]
    assert active_content(html) == [], payload
    # The whole message as sent: the headers are the ones we wrote, no line was injected.
    parsed = message_from_bytes(message.message().as_bytes())
    assert sorted(set(parsed.keys())) == sorted(
        {
            "Content-Type",
            "MIME-Version",
            "Subject",
            "From",
            "To",
            "Date",
            "Message-ID",
            *message.extra_headers,
        }
    ), payload
    assert parsed["To"] == message.to[0]


@pytest.fixture
def world(db: None, settings: Any) -> dict[str, Any]:
    from debatte.accounts.models import User
    from debatte.articles.models import Article, default_site_id

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    article = Article.objects.create(key="mail-1", title="T", lead="", body=[])
    assert article.site_id == default_site_id()
    user = User.objects.create_user(email="leserin@example.org", password=None, display_name="L")
    return {"article": article, "user": user}


def test_every_payload_in_the_mails_is_inert(world: dict[str, Any]) -> None:
    from debatte.discussions.models import Comment
    from debatte.moderation.models import StatementOfReasons
    from debatte.notifications.emails import editor_pick_mail, reply_mail, statement_mail
    from debatte.notifications.webhooks import build_payload

    started = time.monotonic()
    article, user = world["article"], world["user"]
    parent = Comment(pk=1, article=article, number=1, body="Ursprung", author=user)
    tried = 0
    for n, payload in enumerate(xss_corpus.payloads()):
        # In memory, through the real mail functions: names, title and texts are the payload.
        article.title = payload
        user.display_name = payload
        reply = Comment(
            pk=2,
            article=article,
            number=1,
            reply_number=n + 1,
            parent=parent,
            author_name=payload,
            body=payload,
            created_at=timezone.now(),
        )
        statement = StatementOfReasons(
            pk=n + 1,
            user=user,
            decision="comment.shorten",
            decision_text=payload,
            ground=payload,
            facts=payload,
            appealable_until=timezone.now() + timedelta(days=1),
        )
        for message in (
            reply_mail(reply, user),
            editor_pick_mail(reply, user),
            statement_mail(statement),
        ):
            assert_inert(message, payload)
            message.send()
            tried += 1
        data = json.loads(
            json.dumps(
                build_payload("comment.created", comment=reply, user=user, extra={"note": payload})
            )
        )
        assert (
            data["comment"]["text"] == payload
            and data["comment"]["author"]["display_name"] == payload
        )
        assert data["comment"]["article"]["title"] == payload and data["note"] == payload
        tried += 1
    assert len(mail.outbox) == 3 * len(xss_corpus.payloads())
    print(
        f"XSS corpus in mails: {tried} payloads x mails/webhooks tried, "
        f"{len(xss_corpus.payloads())} payloads, 0 active, {time.monotonic() - started:.1f}s"
    )


def test_the_checker_sees_active_content() -> None:
    assert active_content('<p onclick="x()">a</p><a href="javascript:x()">b</a><script>') == [
        "p[onclick]",
        "a[href=javascript:x()]",
        "<script>",
    ]
