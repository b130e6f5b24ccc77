"""The site settings pages in a real browser, by keyboard alone: a site admin adds a webhook,
sends a test delivery to a real receiver and reads its answer, creates a token (shown once) and
revokes it through the confirmation. Run with `pytest tests/browser -m browser`."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from debatte.api.models import ApiToken
from debatte.moderation.models import AuditEntry
from tests.notifications.receivers import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    # The receiver listens on 127.0.0.1, which webhooks refuse unless the operator allows it.
    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_ALLOW_PRIVATE": True}
    running = Receiver()
    yield running
    running.stop()


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus (fails when it is never reached)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_site_admin_adds_and_tests_a_webhook_with_the_keyboard(
    new_page: Callable[..., Any], site_admin: Any, receiver: Receiver
) -> None:
    from playwright.sync_api import expect

    page = new_page(user=site_admin, locale="en-GB")
    page.goto("/verwaltung/default/webhooks/")
    tab_to(page, "#id_url")
    page.keyboard.type(receiver.url)
    tab_to(page, "#id_events_0")
    page.keyboard.press("Space")
    tab_to(page, "form.siteadmin-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#webhook-geheimnis")).to_be_visible()

    page.goto("/verwaltung/default/webhooks/")
    expect(page.locator("#webhook-test-hinweis")).to_contain_text("at most 5 seconds")
    tab_to(page, "role=button[name='Send test delivery']")
    page.keyboard.press("Enter")
    expect(page.locator(".message--success")).to_contain_text("HTTP 200")
    assert len(receiver.requests) == 1
    assert AuditEntry.objects.filter(verb="site.webhook_test").count() == 1
    assert page.js_errors == []


def test_site_admin_creates_and_revokes_a_token_with_the_keyboard(
    new_page: Callable[..., Any], site_admin: Any
) -> None:
    from playwright.sync_api import expect

    page = new_page(user=site_admin, locale="en-GB")
    page.goto("/verwaltung/default/api-schluessel/")
    tab_to(page, "#id_name")
    page.keyboard.type("CMS")
    page.keyboard.press("Enter")
    plain = page.locator("#neues-token").input_value()
    assert plain.startswith("dbt_")

    page.goto("/verwaltung/default/api-schluessel/")
    assert plain not in page.content()
    tab_to(page, ".siteadmin-confirm summary")
    page.keyboard.press("Enter")
    tab_to(page, ".siteadmin-confirm button")
    page.keyboard.press("Enter")
    expect(page.locator(".message--success")).to_contain_text("revoked")
    assert not ApiToken.objects.get().is_active
