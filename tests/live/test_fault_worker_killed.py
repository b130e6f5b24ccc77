"""kill -9 of `debatte worker` while it sends reply mails (to a real SMTP server) and webhooks
(to a real HTTP endpoint): every task is delivered at least once, and no mail twice.

A killed worker leaves its task RUNNING; the next worker puts it back (ops/recovery.py) and runs
it again. A mail's idempotency key (notifications/idempotency.py) is recorded before sending:
found `sent`, nothing is sent again. Only a mail whose key was `sending` when the worker died may
arrive twice, under one Message-ID; a webhook may arrive twice, under one Idempotency-Key.
"""

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from faults import Deadline, run_django
from live_servers import PYTHON, ROOT, Installation, free_port, make_installation

REPLIES, KILLS = 40, 3
# The tasks under test (a worker also queues its daily housekeeping).
OURS = (
    "task_path IN ('debatte.notifications.tasks.send_reply_mail', "
    "'debatte.notifications.tasks_webhooks.deliver_webhook')"
)

EVENTS = """
import json
from debatte.accounts.models import User
from debatte.articles.models import Article, Site, default_site_id
from debatte.discussions.services import post_comment
from debatte.notifications.models import Webhook
Webhook.objects.create(
    site=Site.objects.get(pk=default_site_id()), url=%(url)r, events=["comment.published"],
    secret="fault-secret",
)
subscriber = User.objects.create_user(
    email="abo@example.org", password=None, display_name="Abonnentin", notify_replies=True
)
other = User.objects.get(email="live1@example.org")
article = Article.objects.get(key="live-0")
parent = post_comment(article, author=subscriber, body="Der Ausgangsbeitrag der Probe.")
for n in range(%(replies)d):
    body = f"Antwort Nummer {n} auf den Ausgangsbeitrag."
    post_comment(article, author=other, body=body, parent=parent)
print("JSON", json.dumps(parent.pk))
"""


class SlowInbox:
    """An SMTP server's handler: a short pause before accepting each recipient, so a kill
    often lands in the middle of a delivery; keeps each accepted message's Message-ID."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: N802
        await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        for line in envelope.original_content.splitlines():
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
        return "250 Message accepted for delivery"


class HookSink:
    """A webhook endpoint that answers 200 after a short pause; keeps each Idempotency-Key."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(0.05)
                sink.keys.append(self.headers.get("Idempotency-Key", ""))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sinks() -> Iterator[tuple[SlowInbox, HookSink, int]]:
    inbox, hooks = SlowInbox(), HookSink()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, hooks, controller.port
    finally:
        controller.stop()
        hooks.stop()


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(
        sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    ) as db:
        return db.execute(sql).fetchall()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_kill_9_of_the_worker_delivers_every_task_and_no_mail_twice(
    tmp_path: Path, sinks: tuple[SlowInbox, HookSink, int]
) -> None:
    inbox, hooks, smtp_port = sinks
    site: Installation = make_installation(
        tmp_path / "site",
        DEBATTE_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DEBATTE_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DEBATTE_EMAIL_HOST="127.0.0.1",
        DEBATTE_EMAIL_PORT=str(smtp_port),
        DEBATTE_WEBHOOK_ALLOW_PRIVATE="1",
        DEBATTE_FULL_SCORER="",  # no classifier scoring tasks: only mail and webhooks queue
    )
    database = tmp_path / "site" / "debatte.sqlite3"
    run_django(site.env, EVENTS % {"url": hooks.url, "replies": REPLIES})
    total = query(
        database, f"SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE {OURS}"
    )[0][0]
    assert total == REPLIES + (REPLIES + 1), "one mail per reply, one webhook per comment"

    def finished() -> int:
        return int(
            query(
                database,
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                f" WHERE status = 'SUCCESSFUL' AND {OURS}",
            )[0][0]
        )

    deadline, kills, ambiguous, mid_task = Deadline(), 0, set(), 0
    worker = start_worker(site.env, tmp_path / "worker.log")
    started = time.monotonic()
    try:
        while not deadline.passed and (done := finished()) < total:
            if kills >= KILLS:
                time.sleep(0.2)
                continue
            # Kill while it delivers: once the restarted worker has finished a task, after a
            # random moment more.
            while not deadline.passed and finished() == done:
                time.sleep(0.05)
            time.sleep(random.uniform(0.05, 0.6))  # noqa: S311 - a random moment
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            kills += 1
            mid_task += query(
                database,
                f"SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                f"WHERE status = 'RUNNING' AND {OURS}",
            )[0][0]
            # Mails cut off between recording their key and being accepted: the only ones
            # that may arrive twice.
            ambiguous |= {
                key
                for (key,) in query(
                    database,
                    "SELECT key FROM notifications_maildispatch WHERE status = 'sending'",
                )
            }
            worker = start_worker(site.env, tmp_path / "worker.log")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    elapsed = time.monotonic() - started

    statuses = dict(
        query(
            database,
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult"
            f" WHERE {OURS} GROUP BY status",
        )
    )
    keys = [key for (key,) in query(database, "SELECT key FROM notifications_maildispatch")]
    deliveries = [row[0] for row in query(database, "SELECT id FROM notifications_webhookdelivery")]
    undelivered = query(
        database, "SELECT COUNT(*) FROM notifications_webhookdelivery WHERE status != 'delivered'"
    )[0][0]
    from debatte.notifications.idempotency import message_id

    mails = Counter(inbox.message_ids)
    twice = {key for key in keys if mails[message_id(key)] > 1}
    hook_counts = Counter(hooks.keys)
    print(
        f"\n{kills} kills in {elapsed:.1f} s, {mid_task} of them mid-task; tasks {statuses}; "
        f"mails: {len(keys)} keys, "
        f"{len(mails)} distinct Message-IDs received, {sum(mails.values())} messages, "
        f"{len(twice)} received twice ({len(ambiguous)} keys were mid-send at a kill); "
        f"webhooks: {len(deliveries)} deliveries, {len(hook_counts)} distinct keys received, "
        f"{sum(hook_counts.values())} requests"
    )
    assert kills >= 1 and mid_task >= 1, "no kill hit a task being delivered"
    assert statuses == {"SUCCESSFUL": total}, "every task ran to the end"
    assert len(keys) == REPLIES
    assert {message_id(key) for key in keys} <= set(mails), "a mail never arrived"
    assert twice <= ambiguous, "a mail whose key was recorded as sent went out again"
    assert undelivered == 0
    assert {f"debatte-delivery-{pk}" for pk in deliveries} <= set(hook_counts)
