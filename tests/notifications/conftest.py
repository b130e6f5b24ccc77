"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives; posting
with the commit's callbacks run."""

import email
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from debatte.discussions.services import post_comment


@dataclass
class Inbox:
    """What the SMTP server received, as parsed messages."""

    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(env.original_content, policy=default_policy)  # type: ignore[misc]
            for env in self.envelopes
        ]

    def recipients(self) -> list[str]:
        return [rcpt for env in self.envelopes for rcpt in env.rcpt_tos]

    @staticmethod
    def parts(message: EmailMessage) -> tuple[str, str]:
        """The plain-text and the HTML body of a message."""
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        return text.get_content(), html.get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEBATTE = {**settings.DEBATTE, "BASE_URL": "https://debatte.example"}
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post through the service and run what waits for the commit (events, mail, tasks)."""
    counter = iter(range(1, 1000))

    def run(article: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("body", f"Kommentar Nummer {next(counter)}.")
        with django_capture_on_commit_callbacks(execute=True):
            return post_comment(article, **kwargs)

    return run
