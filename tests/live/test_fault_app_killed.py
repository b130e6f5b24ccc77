"""kill -9 of the app server (all its workers) during a burst of 1,000 posts from 50 readers.

After the restart every comment whose POST was answered with success is stored exactly once;
numbers are unique and without gaps (a comment that was never acknowledged may be stored or
not, never half); the article's counters match a recount. SQLite, as in a one-machine setup.
"""

import http.client
import random
import re
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from faults import LOAD_ENV, AppServer, Deadline, discussion_state, make_sessions
from live_servers import Installation, make_installation

POSTS, CLIENTS, KILLS = 1000, 50, 3


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    # Background work waits in the database queue (no worker runs), as in production.
    return make_installation(
        tmp_path_factory.mktemp("killed"),
        DEBATTE_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        **LOAD_ENV,
    )


class Writer(threading.Thread):
    """One reader posting its share of the burst; each POST is sent exactly once."""

    def __init__(self, server: AppServer, session: str, key: str, texts: list[str], deadline):
        super().__init__(daemon=True)
        self.server, self.session, self.key, self.texts = server, session, key, texts
        self.deadline = deadline
        self.csrf = ""
        self.outcomes: dict[str, str] = {}

    def connect(self) -> http.client.HTTPConnection | None:
        """A connection, or None while the server is down (nothing was sent: try again)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=15)
        try:
            connection.connect()
        except OSError:
            time.sleep(0.1)
            return None
        return connection

    def fetch_csrf(self) -> None:
        while not self.csrf and not self.deadline.passed:
            connection = self.connect()
            if connection is None:
                continue
            try:
                connection.request(
                    "GET", f"/artikel/{self.key}/", headers={"Cookie": f"sessionid={self.session}"}
                )
                response = connection.getresponse()
                response.read()
                found = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
                self.csrf = found.group(1) if found else ""
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
            finally:
                connection.close()

    def post(self, text: str) -> str:
        while not self.deadline.passed:
            connection = self.connect()
            if connection is None:
                continue
            try:
                connection.request(
                    "POST",
                    f"/artikel/{self.key}/kommentieren/",
                    body=f"body={text.replace(' ', '+')}",
                    headers={
                        "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
                        "X-CSRFToken": self.csrf,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response = connection.getresponse()
                response.read()
                return "acknowledged" if response.status == 302 else f"answered {response.status}"
            except (OSError, http.client.HTTPException):
                return "lost"  # sent, no answer: it may or may not be stored
            finally:
                connection.close()
        return "not sent"

    def run(self) -> None:
        self.fetch_csrf()
        for text in self.texts:
            self.outcomes[text] = self.post(text)


def test_kill_9_of_the_app_server_during_a_burst_loses_no_acknowledged_comment(
    sqlite_site: Installation, tmp_path: Path
) -> None:
    key = sqlite_site.article_key()
    sessions = make_sessions(sqlite_site, CLIENTS)
    server = AppServer(sqlite_site.env, tmp_path, workers=2)
    server.start()
    deadline = Deadline()
    tag = uuid.uuid4().hex[:6]
    texts = [f"Belastungsprobe {tag} Beitrag {n} von {POSTS}." for n in range(POSTS)]
    writers = [
        Writer(server, sessions[c], key, texts[c::CLIENTS], deadline) for c in range(CLIENTS)
    ]
    try:
        started = time.monotonic()
        for writer in writers:
            writer.start()
        killed_at = []
        for _kill in range(KILLS):
            time.sleep(random.uniform(0.5, 2.5))  # noqa: S311 - a random moment, not a secret
            if not any(w.is_alive() for w in writers) or deadline.ends - time.monotonic() < 25:
                break
            server.kill()
            killed_at.append(round(time.monotonic() - started, 1))
            server.start()
        for writer in writers:
            writer.join(timeout=max(1.0, deadline.ends - time.monotonic()))
        deadline.stop.set()
        elapsed = time.monotonic() - started
    finally:
        server.stop()

    outcomes = Counter(o for w in writers for o in w.outcomes.values())
    acknowledged = {t for w in writers for t, o in w.outcomes.items() if o == "acknowledged"}
    state = discussion_state(sqlite_site.env, key)
    stored = Counter(state.texts())
    duplicates = sum(n - 1 for n in stored.values() if n > 1)
    unacknowledged_stored = len(set(stored) - acknowledged)
    print(
        f"\nkill -9 at {killed_at} s ({server.kills} kills) in {elapsed:.1f} s: "
        f"{sum(outcomes.values())} posts sent, outcomes {dict(outcomes)}; "
        f"{len(acknowledged)} acknowledged, {len(stored)} stored "
        f"({unacknowledged_stored} of them never acknowledged), duplicates {duplicates}; "
        f"numbers 1..{state.last_comment_number}, comment_count {state.comment_count} "
        f"(recount {state.published})"
    )
    assert server.kills >= 1, "the burst ended before the first kill"
    assert outcomes["not sent"] == 0, "the burst did not finish within the deadline"
    assert sum(outcomes.values()) == POSTS
    assert duplicates == 0
    missing = acknowledged - set(stored)
    assert not missing, f"{len(missing)} acknowledged comments are not stored"
    assert set(stored) <= set(texts)
    assert state.numbers == list(range(1, state.last_comment_number + 1)), "numbers have gaps"
    assert state.comment_count == state.published
