"""Editors of the default site and of another one, and a site for the second."""

from collections.abc import Callable
from typing import Any

import pytest

from debatte.articles.models import Section, Site, SiteMembership


@pytest.fixture
def section(site: Site) -> Section:
    return Section.objects.create(site=site, name="Politik", slug="politik")


@pytest.fixture
def make_member(make_user: Callable[..., Any]) -> Callable[..., Any]:
    def make(site: Site, role: str, name: str = "") -> Any:
        user = make_user(name or None, staff=True)
        SiteMembership.objects.create(site=site, user=user, role=role)
        return user

    return make


@pytest.fixture
def editor(site: Site, make_member: Callable[..., Any]) -> Any:
    return make_member(site, "editor", "Redakteurin Eva")


@pytest.fixture
def other_editor(other_site: Site, make_member: Callable[..., Any]) -> Any:
    return make_member(other_site, "editor", "Fremder Redakteur")


@pytest.fixture
def site_moderator(site: Site, make_member: Callable[..., Any]) -> Any:
    return make_member(site, "moderator", "Moderator Max")
