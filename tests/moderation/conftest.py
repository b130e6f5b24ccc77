"""Moderation fixtures (site, site_moderator, other_site_moderator: tests/conftest.py)."""

import pytest

from debatte.articles.models import Site, SiteMembership, default_site_id
from debatte.moderation.models import Reason


@pytest.fixture
def home_site(db):
    """The default site, pre-moderating: every new comment waits in the queue."""
    site = Site.objects.get(pk=default_site_id())
    Site.objects.filter(pk=site.pk).update(moderation_mode="pre")
    return site


@pytest.fixture
def mod(moderator, home_site):
    """The shared `moderator` ("Redaktion ab"), moderating `home_site`, reading English."""
    moderator.language = "en"
    moderator.save(update_fields=["language"])
    SiteMembership.objects.create(site=home_site, user=moderator, role="moderator")
    return moderator


@pytest.fixture
def comment(article, make_comment):
    """A published comment by the shared `reader`."""
    return make_comment(article, body="Ein kluger Gedanke.")


@pytest.fixture
def colleague(make_user, site):
    user = make_user("Redaktion cd", staff=True)
    SiteMembership.objects.create(site=site, user=user, role="moderator")
    return user


@pytest.fixture
def site_b(other_site):
    """The reader pages' second site: the shared `other_site`."""
    return other_site


@pytest.fixture
def admin(make_user):
    """A superuser."""
    return make_user("Administratorin", staff=True, is_superuser=True)


@pytest.fixture
def second_moderator(make_user, site):
    user = make_user("Carl Dorn")
    SiteMembership.objects.create(site=site, user=user, role="moderator")
    return user


@pytest.fixture
def reject_reason(site):
    return Reason.objects.create(
        site=site,
        code="sachlich",
        kind="reject",
        label="Unsachlich",
        text="Bitte bleiben Sie sachlich.",
    )


@pytest.fixture
def shorten_reason(site):
    return Reason.objects.create(
        site=site,
        code="unterstellung",
        kind="shorten",
        label="Unterstellung",
        text="Bitte verzichten Sie auf Unterstellungen.",
    )
