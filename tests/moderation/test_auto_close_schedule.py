"""Auto-close (a site's "close discussions after N days") runs as periodic work of the worker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from debatte.articles.models import Article, DiscussionStatus, Site, default_site_id
from debatte.moderation.models import AuditEntry
from debatte.moderation.services.discussions import close_expired_discussions

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def expired(make_article):
    Site.objects.filter(pk=default_site_id()).update(auto_close_days=3)
    old = make_article(key="alt", published_at=timezone.now() - timedelta(days=4))
    fresh = make_article(key="neu", published_at=timezone.now() - timedelta(days=1))
    return old, fresh


def queued(task):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_the_worker_queues_auto_close_once(database_queue, monkeypatch):
    from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

    from debatte.notifications.tasks import auto_close_discussions

    monkeypatch.setattr(DatabaseWorkerCommand, "handle", lambda self, *a, **k: None)
    call_command("worker", stdout=StringIO())
    call_command("worker", stdout=StringIO())  # a second worker queues no second chain

    assert queued(auto_close_discussions).count() == 1


def test_auto_close_closes_expired_discussions_and_queues_the_next_run(database_queue, expired):
    from debatte.notifications.tasks import AUTO_CLOSE_EVERY, auto_close_discussions

    old, fresh = expired

    assert auto_close_discussions.call() == 1

    statuses = dict(Article.objects.values_list("key", "discussion_status"))
    assert statuses == {"alt": DiscussionStatus.CLOSED, "neu": DiscussionStatus.OPEN}
    entry = AuditEntry.objects.get(verb="discussion.auto_close")
    assert entry.actor is None and entry.article_id == old.pk
    next_run = queued(auto_close_discussions).get()
    assert next_run.run_after > timezone.now() + AUTO_CLOSE_EVERY - timedelta(minutes=1)


def test_closing_twice_closes_once(expired):
    # Two workers may run it at the same moment: the close is a conditional update, so each
    # discussion is closed, logged and its version bumped once.
    old, _fresh = expired
    version = old.version

    assert close_expired_discussions() == 1
    assert close_expired_discussions() == 0

    old.refresh_from_db()
    assert old.version == version + 1
    assert AuditEntry.objects.filter(verb="discussion.auto_close").count() == 1


def test_a_stale_list_does_not_close_or_log_twice(expired, monkeypatch):
    # The second run read its list before the first one wrote: it must not log again.
    import debatte.moderation.services.discussions as discussions

    old, _fresh = expired
    stale = list(Article.objects.filter(pk=old.pk).select_related("site"))
    close_expired_discussions()
    monkeypatch.setattr(discussions, "_expired", lambda now: stale)

    assert close_expired_discussions() == 0
    assert AuditEntry.objects.filter(verb="discussion.auto_close").count() == 1
