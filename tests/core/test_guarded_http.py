"""core/guarded_http.py against a real HTTP server on 127.0.0.1 (an internal address)."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from debatte.core import guarded_http
from debatte.core.guarded_http import ResponseTooLarge, TargetRefused


class Server:
    """Answers POST /ok, redirects /redirect to /ok, drips /slow, sends 1 MB at /big."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server.paths.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/ok")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()  # no Content-Length: read until the connection closes
                try:
                    if self.path == "/slow":
                        for _ in range(20):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.1)
                    elif self.path == "/big":
                        self.wfile.write(b"x" * 1_000_000)
                    else:
                        self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            do_POST = do_GET = _answer  # noqa: N815 - http.server's naming

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def post(url: str, **kwargs: Any) -> guarded_http.Response:
    kwargs.setdefault("timeout", 2.0)
    return guarded_http.post(url, b"{}", headers={"Content-Type": "application/json"}, **kwargs)


def test_loopback_is_refused_by_default_and_nothing_is_sent(server: Server) -> None:
    with pytest.raises(TargetRefused):
        post(f"{server.base}/ok")
    assert server.paths == []


def test_loopback_is_allowed_with_the_setting(server: Server, allow_private: None) -> None:
    response = post(f"{server.base}/ok")
    assert (response.status, response.body) == (200, b'{"ok": true}')


def test_a_redirect_is_returned_not_followed(server: Server, allow_private: None) -> None:
    assert post(f"{server.base}/redirect").status == 302
    assert server.paths == ["/redirect"]


def test_the_answer_is_capped(server: Server, allow_private: None) -> None:
    with pytest.raises(ResponseTooLarge):
        post(f"{server.base}/big", max_bytes=10_000)


def test_one_deadline_holds_for_a_slowly_dripping_answer(
    server: Server, allow_private: None
) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        post(f"{server.base}/slow", timeout=0.5)
    assert time.monotonic() - started < 1.0, "each byte came in time; the whole did not"


def test_validate_url_says_why_in_the_active_language() -> None:
    with pytest.raises(ValidationError) as caught:
        guarded_http.validate_url("http://10.0.0.1/check")

    with translation.override("en"):
        assert caught.value.messages == ["The URL cannot point to an internal address (10.0.0.1)."]
    with translation.override("de"):
        assert caught.value.messages == [
            "Die Adresse darf nicht auf eine interne Adresse verweisen (10.0.0.1)."
        ]
