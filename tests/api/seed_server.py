"""Seed a fresh database for the schemathesis run; prints JSON with a session and tokens.

Run as `manage.py shell < seed_server.py` with the server's DATABASE_URL.
"""

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string

from debatte.accounts.models import User
from debatte.api.models import ApiToken
from debatte.articles.models import Article, Site, SiteMembership, default_site_id
from debatte.discussions.services import post_comment
from debatte.moderation.models import Reason

site = Site.objects.get(pk=default_site_id())
Site.objects.filter(pk=site.pk).update(rate_limit_per_minute=0)
site.refresh_from_db()
article = Article.objects.create(key="nato-dialog", title="Nato betont Dialogbereitschaft")
Article.objects.create(key="zweiter-artikel", title="Ein zweiter Artikel")
writer = User.objects.create_user(
    email="leser@example.org", password="a-long-test-password", display_name="Kapaster d.J."
)
moderator = User.objects.create_user(
    email="mod@example.org", password="a-long-test-password", display_name="Anna Berg"
)
SiteMembership.objects.create(site=site, user=moderator, role="moderator")
Reason.objects.create(site=site, code="sachlich", kind="reject", label="U", text="Sachlich.")
Reason.objects.create(site=site, code="kuerzer", kind="shorten", label="K", text="Kürzer.")
first = post_comment(article, author=writer, body="Wem immer noch nicht klar sein sollte, ...")
post_comment(article, author=moderator, body="mhh, eine Antwort.", parent=first)
post_comment(article, author=writer, body="Ein zweiter Kommentar.")


def session_of(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


_token, plain = ApiToken.issue(site, "CMS")
_mod_token, mod_plain = ApiToken.issue(site, "Desk", can_moderate=True)
# Its service account is an editor too, so that the articles API's writes are fuzzed as well.
SiteMembership.objects.create(site=site, user=_mod_token.acting_user, role="editor")
print(
    "SEED="
    + json.dumps(
        {
            "session": session_of(moderator),
            "reader_session": session_of(writer),
            "csrf": _get_new_csrf_string(),
            "token": plain,
            "moderating_token": mod_plain,
        }
    )
)
