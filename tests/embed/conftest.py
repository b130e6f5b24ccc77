"""Fixtures for embedding: a publisher's site with allowed origins, a token factory and a
first-embedded article."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.utils import timezone

HOST = "https://www.example.org"
SECRET = "a-shared-secret-of-the-publisher-0123456789"


@pytest.fixture
def embed_site(db: None) -> Any:
    from debatte.articles.models import Site

    return Site.objects.create(
        name="Beispiel-Zeitung",
        slug="beispiel",
        allowed_origins=f"{HOST}\nhttps://m.example.org/\n",
        sso_algorithm="HS256",
        sso_secret=SECRET,
        rate_limit_per_minute=0,
    )


def claims(site_slug: str = "beispiel", **overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    values: dict[str, Any] = {
        "sub": "leser-4711",
        "name": "Anna Abonnentin",
        "email": "anna@example.org",
        "badges": ["Abonnent"],
        "entitlements": ["may_comment"],
        "aud": site_slug,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


@pytest.fixture
def make_token() -> Callable[..., str]:
    """`make_token(sub=..., key=..., algorithm=...)`: a signed token, HS256 with SECRET by default;
    a claim set to None is left out."""

    def make(*, key: Any = SECRET, algorithm: str = "HS256", **overrides: Any) -> str:
        return jwt.encode(claims(**overrides), key, algorithm=algorithm)

    return make


def article_token(
    key: str = "nato-123",
    *,
    title: str = "Nato betont Dialogbereitschaft",
    url: str = f"{HOST}/politik/nato-dialog",
    site_slug: str = "beispiel",
    secret: str = SECRET,
    **extra: Any,
) -> str:
    """The publisher's signed article (what `data-article-token` carries)."""
    claims = {"aud": site_slug, "key": key, "title": title, "url": url, **extra}
    return jwt.encode(claims, secret, algorithm="HS256")


def frame_ticket(site_slug: str = "beispiel") -> str:
    """The ticket an iframe page of the site carries (as if the browser framed it)."""
    from django.test import RequestFactory

    from debatte.embed.framing import frame_ticket as ticket

    return ticket(RequestFactory().get("/", headers={"Sec-Fetch-Dest": "iframe"}), site_slug)


def sso_sign_in(client: Any, token: str, site_slug: str = "beispiel", **headers: str) -> Any:
    """POST the token as the iframe's script does: with the frame's ticket."""
    from django.urls import reverse

    url = reverse("embed-sso-sign-in", args=[site_slug])
    data = {"token": token, "frame": frame_ticket(site_slug)}
    return client.post(url, data, headers={"Sec-Fetch-Mode": "cors", **headers})


@pytest.fixture
def embedded(client: Any, embed_site: Any) -> Any:
    """The article a first embed of "nato-123" on `embed_site` created."""
    from debatte.articles.models import Article
    from tests.embed.test_embed_views import first_embed

    assert first_embed(client).status_code == 200
    return Article.objects.get(key="beispiel:nato-123")
