"""Members by role, a section, the other site's editor and a staff moderator (site, other_site,
editor: tests/conftest.py)."""

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
def other_editor(other_site: Site, make_member: Callable[..., Any]) -> Any:
    return make_member(other_site, "editor", "Fremder Redakteur")


@pytest.fixture
def site_moderator(site: Site, make_member: Callable[..., Any]) -> Any:
    return make_member(site, "moderator", "Moderator Max")
