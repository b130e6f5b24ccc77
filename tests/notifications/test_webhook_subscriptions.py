"""Which events a site's webhooks want is cached; a change to a webhook is seen at once."""

from typing import Any

import pytest

from debatte.notifications import subscriptions
from debatte.notifications.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def deliveries_only_queued(settings: Any, article: Any) -> None:
    # The deliveries are only queued (nothing is sent): this module counts them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    subscriptions.forget(article.site_id)


@pytest.fixture
def write(make_comment: Any, article: Any, django_capture_on_commit_callbacks: Any) -> Any:
    def post() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            make_comment(article)

    return post


def delivered_events() -> list[str]:
    return sorted(WebhookDelivery.objects.values_list("event", flat=True))


def hook(article: Any, events: list[str]) -> Webhook:
    return Webhook.objects.create(
        site=article.site, url="https://hooks.example.org/debatte", events=events, secret="x"
    )


def test_webhook_added_after_posts_were_cached_as_unwanted_gets_the_next_events(
    write: Any, article: Any
) -> None:
    write()
    assert subscriptions.subscribed_events(article.site_id) == frozenset()

    hook(article, ["comment.published"])
    write()

    assert delivered_events() == ["comment.published"]


def test_deactivated_and_deleted_webhooks_get_no_more_events(write: Any, article: Any) -> None:
    webhook = hook(article, ["comment.created"])
    write()
    webhook.is_active = False
    webhook.save()
    write()
    assert delivered_events() == ["comment.created"]

    webhook.is_active = True
    webhook.save()
    write()
    assert delivered_events() == ["comment.created", "comment.created"]

    webhook.delete()  # its deliveries go with it
    write()
    assert delivered_events() == []


def test_webhook_subscribed_to_every_event_gets_both_events_of_a_post(
    write: Any, article: Any
) -> None:
    hook(article, ["*"])
    write()

    assert delivered_events() == ["comment.created", "comment.published"]


def test_subscriptions_of_a_site_are_the_events_of_its_active_webhooks(article: Any) -> None:
    hook(article, ["comment.created", "report.created"])
    hook(article, ["user.banned"]).delete()
    inactive = hook(article, ["comment.held"])
    inactive.is_active = False
    inactive.save()

    assert subscriptions.subscribed_events(article.site_id) == {
        "comment.created",
        "report.created",
    }
    assert subscriptions.site_wants(article.site_id, "report.created")
    assert not subscriptions.site_wants(article.site_id, "comment.held")
