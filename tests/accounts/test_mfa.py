"""Second factors: TOTP for every account, required by sites of their moderators, and by the
installation of its superusers in the admin."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Site, SiteMembership

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SETUP_URL = "/konto/2fa/totp/activate/"


def code_for(secret: str) -> str:
    """The current code an authenticator app shows, by allauth's own TOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def with_second_factor(user):
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def strict_site():
    return Site.objects.create(name="Strenge Zeitung", slug="streng", require_second_factor=True)


@pytest.fixture
def make_moderator(make_user):
    def make(site, **extra):
        user = make_user(**extra)
        SiteMembership.objects.create(site=site, user=user, role="moderator")
        return user

    return make


def test_settings_page_links_to_two_factor_setup(client, reader):
    client.force_login(reader)
    response = client.get(reverse("profile-settings"))
    assert reverse("mfa_index") in response.content.decode()
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert SETUP_URL in page.content.decode()
    assert b"<main" in page.content  # the site's own layout


def test_reader_sets_up_totp_and_then_logs_in_with_a_code(client, make_user):
    user = verified(make_user())
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # allauth asks for the password again before a second factor is added.
    response = client.get(SETUP_URL)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(SETUP_URL, {"code": code_for(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and codes.context["unused_codes"]

    client.post("/konto/logout/")
    client = Client()
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    # The password alone does not sign in: allauth asks for the code.
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    from django.core.cache import cache

    cache.clear()  # the code used to activate may not be used again within its period
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_moderator_of_a_site_that_requires_it_is_sent_to_set_up_a_second_factor(
    client, strict_site, make_moderator
):
    moderator = make_moderator(strict_site)
    client.force_login(moderator)
    response = client.get("/moderation/")
    assert response.status_code == 302 and response["Location"] == SETUP_URL
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("second factor" in m or "zweiten Faktor" in m for m in shown)
    with_second_factor(moderator)
    assert client.get("/moderation/").status_code == 200


def test_moderator_of_a_site_that_does_not_require_it_moderates_without(
    client, site, make_moderator
):
    client.force_login(make_moderator(site))
    assert client.get("/moderation/").status_code == 200


def session_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return client, {"X-CSRFToken": secret}


def test_moderation_api_refuses_a_moderator_without_the_required_second_factor(
    strict_site, site, make_moderator
):
    client, headers = session_client(make_moderator(strict_site))
    response = client.get("/api/v1/moderation/queues/pending", headers=headers)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "second_factor_required"
    assert "second factor" in error["message"] or "zweiten Faktor" in error["message"]
    client, headers = session_client(make_moderator(site))
    assert client.get("/api/v1/moderation/queues/pending", headers=headers).status_code == 200


def test_site_admins_and_editors_are_held_to_it_too(client, strict_site, make_user):
    editor = make_user(staff=True)
    SiteMembership.objects.create(site=strict_site, user=editor, role="editor")
    client.force_login(editor)
    assert client.get("/moderation/")["Location"] == SETUP_URL
    assert client.get("/admin/")["Location"] == SETUP_URL


def test_superusers_need_a_second_factor_in_the_admin_when_the_installation_says_so(
    client, settings, make_user
):
    boss = make_user(staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200
    settings.DEBATTE = {**settings.DEBATTE, "REQUIRE_MFA_FOR_SUPERUSERS": True}
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == SETUP_URL
    assert client.get("/admin/articles/site/")["Location"] == SETUP_URL
    with_second_factor(boss)
    assert client.get("/admin/").status_code == 200
