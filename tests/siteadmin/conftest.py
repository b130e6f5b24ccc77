"""A site with one member of each role, another site with its own admin, and logged-in clients."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from debatte.articles.models import Site, SiteMembership


@pytest.fixture
def member(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A new user with `role` on `site`."""

    def make(site: Site, role: str, name: str | None = None) -> Any:
        user = make_user(name, staff=True)
        SiteMembership.objects.create(site=site, user=user, role=role)
        return user

    return make


@pytest.fixture
def superuser(make_user: Callable[..., Any]) -> Any:
    return make_user("Betrieb", staff=True, is_superuser=True)


@pytest.fixture
def login() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        # English messages in the assertions; the German pages have a test of their own.
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return make


@pytest.fixture
def admin_client(login: Callable[[Any], Client], site_admin: Any) -> Client:  # noqa: PT004
    return login(site_admin)


def url(name: str, site: Site, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(f"siteadmin:{name}", kwargs={"site_slug": site.slug, **kwargs})
