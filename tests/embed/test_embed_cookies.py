"""DEBATTE_EMBED_COOKIES: only the iframe's cookies are SameSite=None; the site's stay Lax."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from debatte.discussions.models import Comment
from debatte.embed.cookies import CSRF_COOKIE, SESSION_COOKIE
from tests.embed.test_embed_views import embed_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def embed_cookies(settings: Any) -> None:
    settings.EMBED_COOKIES = True
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"


@pytest.fixture
def embedded(embedded: Any, client: Any) -> Any:
    """The conftest's first-embedded article, with the first embed's cookies forgotten."""
    client.cookies.clear()
    return embedded


def attributes(response: Any, name: str) -> dict[str, Any]:
    morsel = response.cookies[name]
    return {
        "samesite": morsel["samesite"],
        "secure": bool(morsel["secure"]),
        "path": morsel["path"],
    }


def test_article_page_sets_lax_cookies_and_no_embed_cookie(
    client: Any, embed_cookies: None, article: Any, reader: Any
) -> None:
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert attributes(response, django_settings.CSRF_COOKIE_NAME)["samesite"] == "Lax"
    assert CSRF_COOKIE not in response.cookies and SESSION_COOKIE not in response.cookies

    login = Client().post(
        "/konto/login/", {"login": reader.email, "password": "a-long-test-password"}
    )
    if django_settings.SESSION_COOKIE_NAME in login.cookies:  # a login sets the session cookie
        assert attributes(login, django_settings.SESSION_COOKIE_NAME)["samesite"] == "Lax"


def test_embed_frame_sets_its_own_none_secure_cookies_under_embed(
    client: Any, embed_cookies: None, embedded: Any, reader: Any
) -> None:
    client.force_login(reader)
    response = client.get(embed_url())
    assert response.status_code == 200
    expected = {"samesite": "None", "secure": True, "path": "/embed/"}
    assert attributes(response, CSRF_COOKIE) == expected
    assert attributes(response, SESSION_COOKIE) == expected
    assert response.cookies[SESSION_COOKIE].value == client.session.session_key
    # The site's own cookies are never turned into SameSite=None by the frame.
    for name in (django_settings.CSRF_COOKIE_NAME, django_settings.SESSION_COOKIE_NAME):
        if name in response.cookies:
            assert response.cookies[name]["samesite"] == "Lax"


def test_embed_cookie_alone_signs_in_the_frame_but_no_other_page(
    client: Any, embed_cookies: None, embedded: Any, reader: Any
) -> None:
    client.force_login(reader)
    session_key = client.get(embed_url()).cookies[SESSION_COOKIE].value

    # A third-party iframe: the browser sends only the SameSite=None cookies.
    frame = Client(enforce_csrf_checks=True)
    frame.cookies[SESSION_COOKIE] = session_key
    page = frame.get(embed_url())
    assert b"Kapaster d.J." in page.content
    token = page.cookies[CSRF_COOKIE].value
    frame.cookies[CSRF_COOKIE] = token
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])
    posted = frame.post(url, {"body": "Aus dem fremden iframe.", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    assert Comment.objects.get(article=embedded).author_id == reader.pk

    # The same cookies sent to the site's own pages carry no session there.
    profile = frame.get(reverse("account-data-export"))
    assert profile.status_code == 302 and "/konto/login/" in profile["Location"]


def test_login_in_the_popup_reaches_the_frame(
    client: Any, embed_cookies: None, embed_site: Any, reader: Any
) -> None:
    client.force_login(reader)  # the popup is first-party: it has the site's Lax cookie
    response = client.get(reverse("embed-login-done"))
    assert response.cookies[SESSION_COOKIE].value == client.session.session_key


def test_without_the_setting_the_frame_uses_the_sites_cookies(
    client: Any, embedded: Any, reader: Any
) -> None:
    client.force_login(reader)
    response = client.get(embed_url())
    assert CSRF_COOKIE not in response.cookies and SESSION_COOKIE not in response.cookies
    assert django_settings.CSRF_COOKIE_NAME in response.cookies
