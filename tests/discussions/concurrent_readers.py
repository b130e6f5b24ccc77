"""Readers posting at the same moment through a live, threaded server (real HTTP, real sessions).

Used by the concurrency tests of numbering and of the rate limit.
"""

import http.client
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.test import Client

REQUEST_TIMEOUT = 15  # seconds, per HTTP request
START_TIMEOUT = 15  # seconds the readers wait for each other at the barrier
RUN_TIMEOUT = 60  # seconds for a whole concurrent run

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    location: str
    body: str


@dataclass
class Browser:
    """A reader's browser: real HTTP requests against the live server, with its own cookies."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            parts.hostname or "localhost", parts.port, timeout=REQUEST_TIMEOUT
        )
        headers = {"Connection": "close", "Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(response.status, response.getheader("Location", ""), body)
        finally:
            connection.close()

    def csrf_token_from(self, path: str) -> str:
        page = self.request("GET", path)
        assert page.status == 200, f"GET {path} answered {page.status}"
        match = CSRF_FIELD.search(page.body)
        assert match, f"no CSRF token in the form on {path}"
        return match.group(1)


def logged_in_browser(live_server: object, user: object) -> Browser:
    """A browser holding a real session of `user` (made by Django's login, not faked)."""
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return Browser(str(live_server), {"sessionid": client.cookies["sessionid"].value})


def run_together(tasks: list[Callable[[], list[Response]]]) -> list[Response]:
    """Run each task in its own thread, all starting at the same instant; collect responses."""
    barrier = threading.Barrier(len(tasks), timeout=START_TIMEOUT)

    def start(task: Callable[[], list[Response]]) -> list[Response]:
        barrier.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(start, task) for task in tasks]
        return [response for future in futures for response in future.result(RUN_TIMEOUT)]


def poster(browser: Browser, path: str, token: str, bodies: list[str]) -> Callable[[], list]:
    """A task that posts each of `bodies` in turn to `path` (a comment form)."""

    def post_all() -> list[Response]:
        return [
            browser.request("POST", path, {"csrfmiddlewaretoken": token, "body": body})
            for body in bodies
        ]

    return post_all
