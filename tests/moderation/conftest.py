import pytest

from debatte.articles.models import SiteMembership
from debatte.moderation.models import Reason


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
