"""The embed iframe's own session and CSRF cookies (DEBATTE_EMBED_COOKIES).

On a publisher's pages the iframe is a third party: its cookies must be `SameSite=None;
Secure`, or the browser does not send them. Making the site's cookies `None` for that would let
every other site's requests carry a reader's session to all of Debatte's pages. So under
`/embed/` the session and the CSRF secret travel in cookies of their own, `SameSite=None;
Secure; Path=/embed/`, which no other page reads; the site's cookies stay `Lax`.

Same session on both sides: an embed request takes the site's cookie when the browser sent it
(first-party, e.g. the login popup's last page `/embed/anmeldung-fertig/`, or a same-site
subdomain), else the embed cookie; each embed response then sets the embed cookie to that
session, so a login in the popup reaches the iframe. A session that came with the embed cookie
only is never given the site's cookie. Without the setting both classes behave exactly like
Django's.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date

EMBED_PATH = "/embed/"  # debatte/embed/urls.py, included at the root by config/urls.py
SESSION_COOKIE = "debatte_embed_session"
CSRF_COOKIE = "debatte_embed_csrftoken"


def in_embed(request: HttpRequest) -> bool:
    return bool(getattr(settings, "EMBED_COOKIES", False)) and request.path.startswith(EMBED_PATH)


class EmbedSessionMiddleware(SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not in_embed(request):
            super().process_request(request)
            return
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(
            SESSION_COOKIE
        )
        request.session = self.SessionStore(key)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        session = getattr(request, "session", None)
        if session is None or not in_embed(request) or response.status_code >= 500:
            return response
        if session.is_empty() or session.session_key is None:
            if SESSION_COOKIE in request.COOKIES:
                response.delete_cookie(SESSION_COOKIE, path=EMBED_PATH, samesite="None")
            return response
        refreshed = settings.SESSION_COOKIE_NAME in response.cookies
        if refreshed and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # A session that came with the embed cookie never becomes a site session.
            del response.cookies[settings.SESSION_COOKIE_NAME]
        if refreshed or request.COOKIES.get(SESSION_COOKIE) != session.session_key:
            if session.get_expire_at_browser_close():
                max_age, expires = None, None
            else:
                max_age = session.get_expiry_age()
                expires = http_date(time.time() + max_age)
            response.set_cookie(
                SESSION_COOKIE,
                session.session_key,
                max_age=max_age,
                expires=expires,
                path=EMBED_PATH,
                secure=True,
                httponly=True,
                samesite="None",
            )
        return response


class EmbedCsrfCookieMiddleware(MiddlewareMixin):
    """Placed right before Django's CsrfViewMiddleware, which stays in place (its checks and
    `check --deploy` look for it by name): under /embed/ it hands that middleware the embed
    cookie's secret when the site's cookie is missing, and gives every CSRF cookie set on an
    embed response its embed twin."""

    def process_request(self, request: HttpRequest) -> None:
        name = settings.CSRF_COOKIE_NAME
        if in_embed(request) and name not in request.COOKIES and CSRF_COOKIE in request.COOKIES:
            request.COOKIES[name] = request.COOKIES[CSRF_COOKIE]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Whatever set the site's cookie: the middleware or a view's ensure_csrf_cookie.
        site_cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if site_cookie is not None and site_cookie.value and in_embed(request):
            response.set_cookie(
                CSRF_COOKIE,
                site_cookie.value,
                max_age=settings.CSRF_COOKIE_AGE,
                path=EMBED_PATH,
                secure=True,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite="None",
            )
        return response
