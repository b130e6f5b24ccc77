"""Registration with e-mail confirmation, login, password reset, profile (django-allauth)."""

import re

import pytest
from django.core import mail

from debatte.accounts.models import User
from debatte.discussions.services import delete_comment, post_comment

pytestmark = pytest.mark.django_db


def register(client, email="neu@example.org", name="Silfur_Berg", password="ein-langes-passwort"):  # noqa: S107
    return client.post(
        "/konto/signup/",
        {"email": email, "display_name": name, "password1": password, "password2": password},
    )


def test_registration_sends_confirmation_and_confirmed_reader_can_log_in(client):
    response = register(client)
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.display_name == "Silfur_Berg"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/konto/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    client.logout()
    response = client.post(
        "/konto/login/", {"login": "neu@example.org", "password": "ein-langes-passwort"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].pk == user.pk


def test_unconfirmed_reader_cannot_log_in(client):
    register(client)
    client.logout()
    response = client.post(
        "/konto/login/", {"login": "neu@example.org", "password": "ein-langes-passwort"}
    )
    assert "confirm-email" in response.get("Location", "") or response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_display_names_are_unique_ignoring_case(client, make_user):
    make_user("ZL19")
    response = register(client, name="zl19")
    assert response.status_code == 200
    assert "already taken" in response.content.decode() or "vergeben" in response.content.decode()
    assert not User.objects.filter(email="neu@example.org").exists()


def test_display_name_with_markup_is_refused(client):
    response = register(client, name="<b>Chef</b>")
    assert response.status_code == 200
    assert not User.objects.filter(email="neu@example.org").exists()


def test_password_reset_mail_is_sent(client, reader):
    response = client.post("/konto/password/reset/", {"email": reader.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/konto/password/reset/key/" in mail.outbox[0].body


def test_logout(client, reader):
    client.force_login(reader)
    client.post("/konto/logout/")
    assert "_auth_user_id" not in client.session


def test_profile_lists_published_comments_only(client, article, reader):
    post_comment(article, author=reader, body="Sichtbar")
    gone = post_comment(article, author=reader, body="Gelöscht")
    delete_comment(gone, actor=reader)
    html = client.get(reader.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Kapaster d.J." in html
    assert "Sichtbar" in html
    assert "Gelöscht" not in html
    assert "1 veröffentlichter Kommentar" in html


def test_settings_change_language_and_display_name(client, reader, make_user):
    make_user("Belegt")
    client.force_login(reader)
    response = client.post("/konto/einstellungen/", {"display_name": "belegt", "language": "en"})
    assert response.status_code == 400
    response = client.post(
        "/konto/einstellungen/", {"display_name": "Neuer Name", "language": "en"}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert (reader.display_name, reader.language) == ("Neuer Name", "en")
    assert "Settings" in client.get("/konto/einstellungen/").content.decode()
