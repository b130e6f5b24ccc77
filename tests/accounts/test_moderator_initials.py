"""Moderators set their initials, the signature under removal notes ("Die Redaktion/ab")."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from debatte.articles.models import default_site_id
from debatte.discussions.services import post_comment
from debatte.moderation.models import Reason
from debatte.moderation.services.decisions import reject_comment

pytestmark = pytest.mark.django_db

URL = "/konto/einstellungen/"


def settings_form(user: Any, **changes: str) -> dict[str, str]:
    return {"display_name": user.display_name, "language": "", **changes}


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_moderator_sets_initials_that_sign_removal_notes(
    site_moderator: Any, reader: Any, article: Any
) -> None:
    assert reverse("profile-settings") == URL
    client = logged_in(site_moderator)
    assert 'name="initials"' in client.get(URL).content.decode()
    response = client.post(URL, settings_form(site_moderator, initials="ök"))
    assert response.status_code == 302
    site_moderator.refresh_from_db()
    assert site_moderator.initials == "ök"
    reason = Reason.objects.create(
        site_id=default_site_id(), code="ton", kind="reject", label="Ton", text="Bitte sachlich."
    )
    comment = post_comment(article, author=reader, body="Ein Beitrag.")
    reject_comment(comment, moderator=site_moderator, reason=reason)
    comment.refresh_from_db()
    assert comment.moderation_note.endswith("/ök")


@pytest.mark.parametrize("bad", ["abcdef", "a1", "a b", "a.", "_"])
def test_initials_are_one_to_five_letters(site_moderator: Any, bad: str) -> None:
    response = logged_in(site_moderator).post(URL, settings_form(site_moderator, initials=bad))
    assert response.status_code == 400
    assert "1 to 5 letters" in response.content.decode() or "1 bis 5 Buchstaben" in (
        response.content.decode()
    )
    site_moderator.refresh_from_db()
    assert site_moderator.initials == ""


def test_empty_initials_fall_back_to_the_display_name(site_moderator: Any) -> None:
    site_moderator.initials = "xy"
    site_moderator.save(update_fields=["initials"])
    response = logged_in(site_moderator).post(URL, settings_form(site_moderator, initials=""))
    assert response.status_code == 302
    site_moderator.refresh_from_db()
    assert site_moderator.initials == "" and site_moderator.signature_initials == "ab"


def test_readers_have_no_initials_field(reader: Any) -> None:
    client = logged_in(reader)
    assert 'name="initials"' not in client.get(URL).content.decode()
    assert client.post(URL, settings_form(reader, initials="zz")).status_code == 302
    reader.refresh_from_db()
    assert reader.initials == ""
