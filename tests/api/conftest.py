"""Clients for every role: anonymous, readers by session (with CSRF), sites by API token."""

from collections.abc import Callable
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from debatte.api.models import ApiToken
from debatte.articles.models import Site
from debatte.moderation.models import Reason

BASE = "/api/v1"


class Api:
    """A test client speaking JSON to /api/v1 as one role."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        send = getattr(self.client, method)
        extra: dict[str, Any] = {"headers": {**self.headers, **kwargs.pop("headers", {})}}
        if body is not None:
            extra.update(data=body, content_type="application/json")
        return send(BASE + path, **extra, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("get", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("post", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("delete", path, **kwargs)


def session_api(user: object) -> Api:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)  # type: ignore[arg-type]
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return Api(client, {"X-CSRFToken": secret})


# The shared `other_site` (tests/conftest.py), without the per-minute limit: API tests post
# several comments on it in a row.
@pytest.fixture
def other_site(db: None) -> Site:
    return Site.objects.create(name="Andere Zeitung", slug="andere", rate_limit_per_minute=0)


@pytest.fixture
def anonymous(db: None) -> Api:
    return Api(Client(enforce_csrf_checks=True))


@pytest.fixture
def as_user() -> Callable[[object], Api]:
    return session_api


@pytest.fixture
def reader_api(reader: object) -> Api:
    return session_api(reader)


@pytest.fixture
def other_reader_api(other_reader: object) -> Api:
    return session_api(other_reader)


@pytest.fixture
def moderator_api(site_moderator: object) -> Api:
    return session_api(site_moderator)


@pytest.fixture
def other_moderator_api(other_site_moderator: object) -> Api:
    return session_api(other_site_moderator)


@pytest.fixture
def token_api(site: Site) -> Api:
    _token, plain = ApiToken.issue(site, "CMS")
    return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {plain}"})


@pytest.fixture
def moderating_token_api(site: Site) -> Api:
    _token, plain = ApiToken.issue(site, "Moderation desk", can_moderate=True)
    return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {plain}"})


@pytest.fixture
def reject_reason(site: Site) -> Reason:
    return Reason.objects.create(
        site=site, code="sachlich", kind="reject", label="Unsachlich", text="Bitte sachlich."
    )


@pytest.fixture
def shorten_reason(site: Site) -> Reason:
    return Reason.objects.create(
        site=site, code="kuerzer", kind="shorten", label="Gekürzt", text="Bitte kürzer."
    )
