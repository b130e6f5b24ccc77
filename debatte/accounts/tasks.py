"""Background tasks of the accounts app (django-tasks; `debatte worker` runs them)."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task


@task()
def end_sessions(user_id: int) -> int:
    """End every session of a deleted account (other browsers, other devices); returns how many.

    Only database-backed sessions can be listed; with a cache or cookie engine the sessions
    die at the next request anyway, as their account no longer exists. Runs in the background
    because it reads every open session, which is nothing a request should wait for.
    """
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    rows = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in rows.iterator(chunk_size=1000):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            store_class(session.session_key).delete()  # also drops cached_db's cache entry
            ended += 1
    return ended
