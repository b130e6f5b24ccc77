"""Playwright fixtures: one headless Chromium for all browser tests, a fresh context per page.

Debian's Chromium is used (never `playwright install`). Every browser test is bounded in time:
Playwright's own timeouts catch slow pages, and an alarm fails a test that hangs anyway.
"""

import os
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest

CHROMIUM = os.environ.get("DEBATTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TEST_TIMEOUT_SECONDS = 30
ACTION_TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 10_000


class Chromium:
    """One headless Chromium, started for the first browser test and stopped after the last.

    Playwright's sync API keeps an event loop running in this thread while it lives, which
    Django's ORM refuses (SynchronousOnlyOperation) and `asyncio.run` cannot nest in; so the
    browser must not outlive the browser tests, and DJANGO_ALLOW_ASYNC_UNSAFE is set only while
    it runs (the tests themselves are synchronous).
    """

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None
        self.previous_env: str | None = None

    def get(self) -> Any:
        if self.browser is None:
            if not os.path.exists(CHROMIUM):
                if os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1":
                    pytest.fail(f"Chromium is required in CI but missing at {CHROMIUM}")
                pytest.skip(f"Chromium is not installed at {CHROMIUM}")
            from playwright.sync_api import sync_playwright

            self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
            )
        return self.browser

    def stop(self) -> None:
        if self.playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
            self.playwright.stop()
        finally:
            self.browser = self.playwright = None
            if self.previous_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


CHROMIUM_SESSION = Chromium()


@pytest.fixture
def browser() -> Any:
    """The shared Chromium (launched once, reused by every browser test in a row)."""
    return CHROMIUM_SESSION.get()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        CHROMIUM_SESSION.stop()


@pytest.fixture(autouse=True)
def _bounded_in_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test that runs longer than TEST_TIMEOUT_SECONDS."""
    if request.node.get_closest_marker("browser") is None or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"browser test took longer than {TEST_TIMEOUT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_TIMEOUT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def session_cookie(user: Any, base_url: str) -> dict[str, Any]:
    """A logged-in session for `user`, as a cookie for Playwright."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


@pytest.fixture
def new_page(
    browser: Any, transactional_db: None, live_server: Any
) -> Iterator[Callable[..., Any]]:
    """Open a page in a new context: `new_page(user=..., javascript=False, width=390)`."""
    contexts: list[Any] = []

    def make(
        *,
        user: Any = None,
        javascript: bool = True,
        width: int = 1280,
        height: int = 900,
        locale: str = "de-DE",
    ) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale=locale,
            java_script_enabled=javascript,
            device_scale_factor=1,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    CHROMIUM_SESSION.stop()
