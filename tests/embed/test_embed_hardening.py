"""The embed's security rules: SSO only from a framed page and never over a Debatte account's
session, articles created only by the site's signature (or unlisted), SSO keys that work."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.embed.conftest import HOST, SECRET, article_token, sso_sign_in

pytestmark = pytest.mark.django_db

ARTICLE_URL = f"{HOST}/politik/nato-dialog"


def embed_get(
    client: Any, key: str = "nato-123", headers: dict[str, str] | None = None, **params: str
) -> Any:
    params.setdefault("title", "Nato betont Dialogbereitschaft")
    params.setdefault("url", ARTICLE_URL)
    params.setdefault("host", HOST)
    url = reverse("embed-discussion", kwargs={"site_slug": "beispiel", "external_key": key})
    return client.get(
        f"{url}?{urlencode(params)}", headers={"Referer": HOST + "/", **(headers or {})}
    )


def public_pem(private_key: Any) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# --- Item 5: login CSRF -----------------------------------------------------------------------


def test_sso_sign_in_needs_the_frame_ticket(
    client: Any, embed_site: Any, make_token: Callable[..., str]
) -> None:
    url = reverse("embed-sso-sign-in", args=["beispiel"])

    response = client.post(url, {"token": make_token()})

    assert response.status_code == 403
    assert response.json()["error"] == "sso_not_framed"
    assert "_auth_user_id" not in client.session


def test_sso_sign_in_refuses_a_forged_ticket_and_a_navigation(
    client: Any, embed_site: Any, make_token: Callable[..., str]
) -> None:
    url = reverse("embed-sso-sign-in", args=["beispiel"])
    forged = client.post(url, {"token": make_token(), "frame": "beispiel:abc:def"})
    navigation = sso_sign_in(client, make_token(), **{"Sec-Fetch-Mode": "navigate"})

    assert forged.status_code == navigation.status_code == 403
    assert "_auth_user_id" not in client.session


def test_embed_page_opened_as_a_window_carries_no_ticket(client: Any, embed_site: Any) -> None:
    assert embed_get(client, article=article_token()).status_code == 200  # now it exists

    window = embed_get(client, headers={"Sec-Fetch-Dest": "document"}).content.decode()
    framed = embed_get(client, headers={"Sec-Fetch-Dest": "iframe"}).content.decode()

    assert 'data-frame-ticket=""' in window
    assert 'data-frame-ticket=""' not in framed and "data-frame-ticket=" in framed


def test_sso_token_never_replaces_a_debatte_accounts_session(
    client: Any, embed_site: Any, moderator: Any, make_token: Callable[..., str]
) -> None:
    client.force_login(moderator)

    response = sso_sign_in(client, make_token())

    assert response.status_code == 409
    assert response.json()["error"] == "sso_session_exists"
    assert response.json()["message"]
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_sso_token_may_replace_a_session_that_a_token_started(
    client: Any, embed_site: Any, make_token: Callable[..., str]
) -> None:
    from debatte.accounts.models import User

    assert sso_sign_in(client, make_token(sub="a", name="Erste Leserin")).status_code == 200
    response = sso_sign_in(client, make_token(sub="b", name="Zweiter Leser"))

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(User.objects.get(sso_subject="b").pk)


def test_embed_frame_script_takes_no_token_from_its_own_url(client: Any) -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("debatte/embed-frame.js")
    script = open(path, encoding="utf-8").read()  # noqa: SIM115

    assert "signIn(token)" not in script.split("#sso=")[-1].split("window.addEventListener")[0]
    assert "frameTicket" in script


# --- Item 6: who may create articles ----------------------------------------------------------


def test_forged_origin_without_a_signature_creates_no_article(client: Any, embed_site: Any) -> None:
    from debatte.articles.models import Article

    response = embed_get(client, title="Kaufen Sie jetzt!", headers={"Origin": HOST})

    assert response.status_code == 404
    assert not Article.objects.filter(site=embed_site).exists()


def test_signed_article_is_created_listed(client: Any, embed_site: Any) -> None:
    from debatte.articles.models import Article

    response = embed_get(client, article=article_token(), title="Unsigniert, wird ignoriert")

    assert response.status_code == 200
    article = Article.objects.get(key="beispiel:nato-123")
    assert (article.title, article.canonical_url, article.listed) == (
        "Nato betont Dialogbereitschaft",
        ARTICLE_URL,
        True,
    )


@pytest.mark.parametrize(
    "token",
    [
        article_token(secret="somebody-elses-secret-0123456789-abcdef"),
        article_token(key="another-article"),
        article_token(site_slug="andere"),
        jwt.encode({"aud": "beispiel", "key": "nato-123"}, SECRET, algorithm="HS256"),
        "not-a-token",
    ],
)
def test_bad_article_token_creates_nothing(client: Any, embed_site: Any, token: str) -> None:
    from debatte.articles.models import Article

    response = embed_get(client, article=token)

    assert response.status_code == 400
    assert not Article.objects.filter(site=embed_site).exists()


def test_unsigned_embed_creates_an_unlisted_article_where_the_site_allows_it(
    client: Any, embed_site: Any
) -> None:
    from debatte.articles.models import Article

    embed_site.embed_creates_unlisted = True
    embed_site.save()

    response = embed_get(client)

    assert response.status_code == 200
    article = Article.objects.get(key="beispiel:nato-123")
    assert article.listed is False
    front_page = client.get(reverse("front-page")).content.decode()
    assert "Nato betont Dialogbereitschaft" not in front_page


def test_unsigned_embed_needs_an_allowed_origin_even_where_the_site_allows_it(
    client: Any, embed_site: Any
) -> None:
    from debatte.articles.models import Article

    embed_site.embed_creates_unlisted = True
    embed_site.save()
    url = reverse("embed-discussion", kwargs={"site_slug": "beispiel", "external_key": "x"})

    assert client.get(f"{url}?title=T&url={ARTICLE_URL}").status_code == 404
    assert not Article.objects.filter(site=embed_site).exists()


def test_signed_embed_lists_an_unlisted_article_with_the_signed_title(
    client: Any, embed_site: Any
) -> None:
    from debatte.articles.models import Article

    embed_site.embed_creates_unlisted = True
    embed_site.save()
    embed_get(client, title="Vorher von irgendwem angelegt")
    assert Article.objects.get(key="beispiel:nato-123").listed is False

    embed_get(client, article=article_token())

    article = Article.objects.get(key="beispiel:nato-123")
    assert (article.title, article.listed) == ("Nato betont Dialogbereitschaft", True)


def test_front_page_lists_only_listed_articles(
    client: Any, make_article: Callable[..., Any]
) -> None:
    make_article(title="Angenommener Artikel")
    make_article(title="Wartender Artikel", listed=False)

    html = client.get(reverse("front-page")).content.decode()

    assert "Angenommener Artikel" in html
    assert "Wartender Artikel" not in html


def test_editor_accepts_unlisted_articles_in_the_admin(
    client: Any, make_user: Callable[..., Any], make_article: Callable[..., Any]
) -> None:
    from debatte.articles.models import Article

    waiting = make_article(title="Wartender Artikel", listed=False)
    admin = make_user("Chefin", staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "accept_articles", "_selected_action": [waiting.pk], "index": "0"},
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=waiting.pk).listed is True


# --- Item 14: SSO keys and badges -------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "secret", "public_key", "field"),
    [
        ("HS256", "zu-kurz", "", "sso_secret"),
        ("HS256", "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----", "", "sso_secret"),
        ("RS256", "", "kein Schlüssel", "sso_public_key"),
        (
            "ES256",
            "",
            "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----",
            "sso_public_key",
        ),
        ("RS256", "zu-kurz-aber-egal", "", "sso_public_key"),
    ],
)
def test_site_refuses_an_unusable_or_weak_sso_key(
    embed_site: Any, algorithm: str, secret: str, public_key: str, field: str
) -> None:
    embed_site.sso_algorithm, embed_site.sso_secret = algorithm, secret
    embed_site.sso_public_key = public_key

    with pytest.raises(ValidationError) as raised:
        embed_site.full_clean()

    assert field in raised.value.message_dict


def test_site_refuses_wrong_kinds_of_public_keys(embed_site: Any) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    small_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    p384 = ec.generate_private_key(ec.SECP384R1())
    private_pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    cases = [
        ("RS256", public_pem(small_rsa)),
        ("RS256", private_pem),
        ("ES256", public_pem(rsa_key)),
        ("ES256", public_pem(p384)),
    ]
    for algorithm, pem in cases:
        embed_site.sso_algorithm, embed_site.sso_secret, embed_site.sso_public_key = (
            algorithm,
            "",
            pem,
        )
        with pytest.raises(ValidationError):
            embed_site.full_clean()

    embed_site.sso_algorithm, embed_site.sso_public_key = "RS256", public_pem(rsa_key)
    embed_site.full_clean()
    embed_site.sso_algorithm = "ES256"
    embed_site.sso_public_key = public_pem(ec.generate_private_key(ec.SECP256R1()))
    embed_site.full_clean()


def test_site_admin_shows_the_key_error(
    client: Any, embed_site: Any, make_user: Callable[..., Any]
) -> None:
    admin = make_user("Chefin", staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:articles_site_change", args=[embed_site.pk])
    form = {
        "name": embed_site.name,
        "slug": embed_site.slug,
        "language": "de",
        "moderation_mode": "post",
        "risk_threshold": "0.8",
        "new_account_hold_count": "0",
        "rate_limit_per_minute": "0",
        "external_check_timeout": "2.0",
        "allowed_origins": HOST,
        "sso_algorithm": "RS256",
        "sso_public_key": "-----BEGIN PUBLIC KEY-----\nkaputt\n-----END PUBLIC KEY-----",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = client.post(url, form)

    assert response.status_code == 200  # the form again, with the error
    assert "PEM" in response.content.decode()
    embed_site.refresh_from_db()
    assert embed_site.sso_algorithm == "HS256"


@pytest.mark.parametrize(
    ("algorithm", "secret", "public_key"),
    [
        ("HS256", "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----", ""),
        ("HS256", "kurz", ""),
        ("RS256", "", "kein Schlüssel"),
        ("ES256", "", "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"),
    ],
)
def test_a_bad_stored_key_gives_a_clear_refusal_not_a_500(
    client: Any,
    embed_site: Any,
    make_token: Callable[..., str],
    algorithm: str,
    secret: str,
    public_key: str,
) -> None:
    from debatte.articles.models import Site

    # Saved before the checks existed: update() skips clean().
    Site.objects.filter(pk=embed_site.pk).update(
        sso_algorithm=algorithm, sso_secret=secret, sso_public_key=public_key
    )

    response = sso_sign_in(client, make_token(algorithm="HS256", key=SECRET))

    assert response.status_code == 403
    assert response.json()["error"] == "sso_bad_key"
    assert response.json()["message"]


def test_token_badges_belong_to_the_tokens_site(
    client: Any,
    embed_site: Any,
    make_token: Callable[..., str],
    make_user: Callable[..., Any],
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
) -> None:
    from debatte.accounts.models import Badge
    from debatte.articles.models import Site
    from debatte.embed.sso import sign_in_with_token

    staff_badge = Badge.objects.create(slug="redaktion", label="Redaktion")
    reader = sign_in_with_token(embed_site, make_token(badges=["Redaktion"]))
    assert list(reader.badges.all()) != [staff_badge]  # its own row, not Debatte's badge

    own = make_article(key="beispiel:eigen", site=embed_site, title="Eigener Artikel")
    other_site = Site.objects.create(name="Andere", slug="andere", rate_limit_per_minute=0)
    foreign = make_article(key="andere:fremd", site=other_site, title="Fremder Artikel")
    make_comment(own, author=reader, body="Auf der eigenen Seite.")
    # Posting elsewhere is refused now; a comment from before (or an import) still shows.
    reader.sso_site = None
    make_comment(foreign, author=reader, body="Auf einer fremden Seite.")
    type(reader).objects.filter(pk=reader.pk).update(sso_site=embed_site)

    own_page = client.get(own.get_absolute_url()).content.decode()
    foreign_page = client.get(foreign.get_absolute_url()).content.decode()

    assert '<span class="badge">Redaktion</span>' in own_page
    assert '<span class="badge">Redaktion</span>' not in foreign_page
    assert "Auf einer fremden Seite." in foreign_page
