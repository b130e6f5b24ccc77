"""The site's external HTTP check, against a real HTTP server on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from debatte.moderation.pipeline import AuthorFacts, DiscussionFacts, PipelineContext, run_pipeline


class Handler(BaseHTTPRequestHandler):
    answer: dict[str, object] = {"action": "publish"}
    delay = 0.0
    received: list[dict[str, object]] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers["Content-Length"])
        Handler.received.append(json.loads(self.rfile.read(length)))
        time.sleep(Handler.delay)
        if Handler.answer.get("status") == 500:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(Handler.answer).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the pipeline gave up waiting, as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def checker():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.answer, Handler.delay, Handler.received = {"action": "publish"}, 0.0, []
    yield f"http://127.0.0.1:{server.server_address[1]}/check"
    server.shutdown()
    server.server_close()


def run(url, timeout=1.0):
    context = PipelineContext(
        text="Ein Beitrag",
        author=AuthorFacts(user_id=7),
        discussion=DiscussionFacts(external_check_url=url, external_check_timeout=timeout),
    )
    return run_pipeline(context)


def test_external_check_publish_answer_publishes_and_gets_the_text(db, checker):
    assert run(checker).status == "published"
    assert Handler.received == [{"text": "Ein Beitrag", "author_id": 7}]


@pytest.mark.parametrize("action", ["hold", "reject"])
def test_external_check_hold_or_reject_holds_for_a_human(db, checker, action):
    Handler.answer = {"action": action, "reason": "spam"}
    verdict = run(checker)
    assert verdict.status == "pending"
    assert verdict.flags[-1].detail == "spam"


def test_external_check_server_error_holds(db, checker):
    Handler.answer = {"status": 500}
    verdict = run(checker)
    assert verdict.status == "pending"
    assert verdict.flags[-1].code == "phase_error"


def test_external_check_timeout_holds(db, checker):
    Handler.delay = 0.6
    verdict = run(checker, timeout=0.1)
    assert verdict.status == "pending"
    assert verdict.flags[-1].code in {"phase_error", "phase_timeout"}


def test_external_check_unreachable_holds(db):
    verdict = run("http://127.0.0.1:9/nothing-listens-here", timeout=0.2)
    assert verdict.status == "pending"
