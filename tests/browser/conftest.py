"""Playwright fixtures: one headless Chromium per test session, a fresh context per page.

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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM would then refuse
    # to run in the test code. The tests themselves are synchronous, so allow it while the
    # browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
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
