"""Accounts made on someone's behalf follow one set of rules on every path (accounts.creation):
embed SSO, a foreign import, a seed page, a moderating API token."""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jwt
import pytest
from django.core.management import call_command

from debatte.accounts.creation import clean_display_name
from debatte.accounts.forms import DisplayNameSignupForm
from debatte.accounts.models import User
from debatte.accounts.validators import validate_display_name
from debatte.api.models import ApiToken
from debatte.articles.models import Site, default_site_id
from debatte.embed.sso import sign_in_with_token
from tests.embed.conftest import SECRET, claims

pytestmark = pytest.mark.django_db

# Names the sign-up form refuses (characters, spacing, length) and what every path makes of them.
REFUSED = [
    ("Anna!", "Anna"),
    ("<b>Zoë</b>  Berg", "b Zoë b Berg"),
    (".Punkt am Anfang", "Punkt am Anfang"),
    ("x" * 60, "x" * 36),
]

DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id/><link>https://example.org/a</link><title>A</title></thread>
  <post dsq:id="2">
    <message><![CDATA[<p>Hallo.</p>]]></message>
    <createdAt>2024-03-01T11:00:00Z</createdAt>
    <author><name>{name}</name><email>{email}</email><isAnonymous>false</isAnonymous></author>
    <thread dsq:id="1"/>
  </post>
</disqus>
"""

PAGE = "Ein Vorspann, der das Thema nennt.\nKommentare\n{name}\n#1 — vor 2 TagenEin Kommentar.\n"


@pytest.fixture
def site(db: None) -> Site:
    return Site.objects.create(
        name="Beispiel", slug="beispiel", sso_algorithm="HS256", sso_secret=SECRET
    )


def by_sso(site: Site, name: str, email: str = "") -> User:
    token = jwt.encode(claims(name=name, email=email or None, sub=name[:50]), SECRET)
    return sign_in_with_token(site, token)


def by_import(tmp_path: Path, name: str, email: str = "leser@example.org") -> User | None:
    path = tmp_path / f"disqus-{abs(hash(name))}.xml"
    path.write_text(DISQUS.format(name=escape(name), email=escape(email)), encoding="utf-8")
    call_command("import_comments", str(path), "--no-progress", stdout=None)
    from debatte.discussions.models import Comment

    return Comment.objects.get(import_ref="disqus:2", article__key="disqus-1").author


def by_seed_page(tmp_path: Path, name: str) -> User:
    path = tmp_path / "seite.txt"
    path.write_text(PAGE.format(name=name), encoding="utf-8")
    key = f"seite-{User.objects.count()}"
    call_command("import_page", str(path), key=key, title="Seite", as_of="2024-03-05")
    from debatte.discussions.models import Comment

    author = Comment.objects.get(article__key=key).author
    assert author is not None
    return author


def by_api_token(name: str) -> User:
    token, _plain = ApiToken.issue(Site.objects.get(pk=default_site_id()), name, can_moderate=True)
    assert token.acting_user is not None
    return token.acting_user


def check(user: User) -> None:
    """What every account created on someone's behalf is."""
    validate_display_name(user.display_name)
    assert not user.has_usable_password()
    assert user.email is None or user.email == user.email.strip().lower()


@pytest.mark.parametrize(("name", "made"), REFUSED)
def test_a_name_the_sign_up_form_refuses_is_made_valid_alike_on_every_path(
    site: Site, tmp_path: Path, name: str, made: str
) -> None:
    assert not DisplayNameSignupForm({"display_name": name}).is_valid()
    assert clean_display_name(name) == made

    sso = by_sso(site, name)
    imported = by_import(tmp_path, name)
    page = by_seed_page(tmp_path, name)
    assert imported is not None
    for user in (sso, imported, page):
        check(user)
    assert [sso.display_name, imported.display_name, page.display_name] == [
        made,
        f"{made} 2",
        f"{made} 3",
    ]


def test_a_taken_name_gets_a_suffix_on_every_path(
    site: Site, tmp_path: Path, make_user: Callable[..., Any]
) -> None:
    make_user("anna berg")

    names = [
        by_sso(site, "Anna Berg").display_name,
        by_import(tmp_path, "Anna Berg", "anna.import@example.org").display_name,  # type: ignore[union-attr]
        by_api_token("Anna Berg").display_name,
    ]

    assert names == ["Anna Berg 2", "Anna Berg 3", "API Anna Berg"]


def test_an_api_tokens_account_is_valid_whatever_the_token_is_called() -> None:
    user = by_api_token("CMS (Produktion) <live>!")
    check(user)
    assert user.display_name == "API CMS Produktion live"
    assert by_api_token("CMS (Produktion) <live>!").display_name == "API CMS Produktion live 2"


def test_addresses_are_normalised_and_never_taken_over(
    site: Site, tmp_path: Path, make_user: Callable[..., Any]
) -> None:
    imported = by_import(tmp_path, "Max Muster", " Max.Muster@Example.ORG ")
    assert imported is not None and imported.email == "max.muster@example.org"
    # The same address in another case is the same account: the token's reader gets none.
    sso = by_sso(site, "Maxi", "MAX.MUSTER@example.org")
    assert sso.email is None
    check(sso)


def test_an_invalid_address_makes_no_account(tmp_path: Path) -> None:
    """Before, any text with an "@" became an account's address."""
    assert by_import(tmp_path, "Gast", "a@b@c") is None
    assert not User.objects.filter(email__contains="@b@").exists()
