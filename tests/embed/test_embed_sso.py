"""SSO tokens: what Debatte accepts, what it refuses and why, and the reader it makes."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.urls import reverse
from django.utils import timezone

from debatte.embed.sso import SsoError, sign_in_with_token, verify_token
from tests.embed.conftest import sso_sign_in

pytestmark = pytest.mark.django_db


def refused_code(site: Any, token: str) -> str:
    with pytest.raises(SsoError) as raised:
        sign_in_with_token(site, token)
    assert raised.value.message
    return raised.value.code


def pem_pair(private_key: Any) -> tuple[bytes, str]:
    private = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def test_sso_token_creates_the_reader(embed_site: Any, make_token: Callable[..., str]) -> None:
    user = sign_in_with_token(embed_site, make_token())

    user.refresh_from_db()
    assert (user.sso_site, user.sso_subject) == (embed_site, "leser-4711")
    assert user.display_name == "Anna Abonnentin"
    assert user.email == "anna@example.org"
    assert user.may_comment is True
    assert not user.has_usable_password()
    assert [badge.label for badge in user.badges.all()] == ["Abonnent"]


def test_sso_token_updates_the_same_reader(embed_site: Any, make_token: Callable[..., str]) -> None:
    first = sign_in_with_token(embed_site, make_token())

    again = sign_in_with_token(
        embed_site, make_token(name="Anna B.", badges=["Premium"], entitlements=[])
    )

    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.display_name == "Anna B."
    assert again.may_comment is False
    assert [badge.label for badge in again.badges.all()] == ["Premium"]


def test_sso_entitlements_as_object(embed_site: Any, make_token: Callable[..., str]) -> None:
    user = sign_in_with_token(embed_site, make_token(entitlements={"may_comment": False}))
    assert user.may_comment is False


def test_sso_reader_may_comment_when_the_token_names_no_entitlements(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    user = sign_in_with_token(embed_site, make_token(entitlements=None))
    assert user.may_comment is True


def test_sso_expired_token_is_refused(embed_site: Any, make_token: Callable[..., str]) -> None:
    past = timezone.now() - timedelta(minutes=10)
    token = make_token(
        iat=int(past.timestamp()), exp=int((past + timedelta(minutes=5)).timestamp())
    )
    assert refused_code(embed_site, token) == "sso_expired"


def test_sso_token_within_the_leeway_is_accepted(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    now = timezone.now()
    token = make_token(
        iat=int((now - timedelta(minutes=5)).timestamp()),
        exp=int((now - timedelta(seconds=5)).timestamp()),
    )
    assert sign_in_with_token(embed_site, token).sso_subject == "leser-4711"


def test_sso_token_from_the_future_is_refused(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    later = timezone.now() + timedelta(minutes=10)
    token = make_token(
        iat=int(later.timestamp()), exp=int((later + timedelta(minutes=5)).timestamp())
    )
    assert refused_code(embed_site, token) == "sso_not_yet_valid"


def test_sso_long_lived_token_is_refused(embed_site: Any, make_token: Callable[..., str]) -> None:
    token = make_token(exp=int((timezone.now() + timedelta(days=30)).timestamp()))
    assert refused_code(embed_site, token) == "sso_too_long"


def test_sso_token_with_a_bad_signature_is_refused(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    forged = make_token(key="somebody-elses-secret-0123456789-abcdef")
    assert refused_code(embed_site, forged) == "sso_forged"


def test_sso_tampered_token_is_refused(embed_site: Any, make_token: Callable[..., str]) -> None:
    header, _payload, signature = make_token().split(".")
    other_payload = make_token(sub="admin").split(".")[1]
    assert refused_code(embed_site, f"{header}.{other_payload}.{signature}") == "sso_forged"


def test_sso_garbage_is_refused(embed_site: Any) -> None:
    assert refused_code(embed_site, "not-a-token") == "sso_invalid"
    assert refused_code(embed_site, "") == "sso_invalid"


def test_sso_token_for_another_site_is_refused(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    assert refused_code(embed_site, make_token(aud="andere-zeitung")) == "sso_wrong_site"


def test_sso_token_signed_for_another_site_is_refused(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    from debatte.articles.models import Site

    other = Site.objects.create(name="Andere", slug="andere", sso_secret="another-secret-" * 3)
    token = make_token(aud="andere", key=other.sso_secret)
    assert refused_code(embed_site, token) in {"sso_wrong_site", "sso_forged"}
    assert sign_in_with_token(other, token).sso_site == other


def test_sso_replayed_token_is_refused(embed_site: Any, make_token: Callable[..., str]) -> None:
    from debatte.embed.models import UsedSsoToken

    token = make_token()
    sign_in_with_token(embed_site, token)

    assert refused_code(embed_site, token) == "sso_replayed"
    assert UsedSsoToken.objects.filter(site=embed_site).count() == 1


def test_sso_expired_used_tokens_are_forgotten(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    from debatte.embed.models import UsedSsoToken

    UsedSsoToken.objects.create(
        site=embed_site, jti="old", expires_at=timezone.now() - timedelta(hours=1)
    )
    sign_in_with_token(embed_site, make_token())
    assert not UsedSsoToken.objects.filter(jti="old").exists()


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "aud", "jti"])
def test_sso_token_without_a_required_claim_is_refused(
    embed_site: Any, make_token: Callable[..., str], claim: str
) -> None:
    assert refused_code(embed_site, make_token(**{claim: None})) == "sso_missing_claim"


def test_sso_is_refused_when_the_site_has_no_key(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    embed_site.sso_secret = ""
    assert refused_code(embed_site, make_token()) == "sso_disabled"


def test_sso_rs256_token_is_verified_with_the_sites_public_key(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    private, public = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    embed_site.sso_algorithm, embed_site.sso_public_key = "RS256", public

    reader = verify_token(embed_site, make_token(key=private, algorithm="RS256"))

    assert reader.subject == "leser-4711"
    other, _public = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert refused_code(embed_site, make_token(key=other, algorithm="RS256")) == "sso_forged"


def test_sso_es256_token_is_verified_with_the_sites_public_key(
    embed_site: Any, make_token: Callable[..., str]
) -> None:
    private, public = pem_pair(ec.generate_private_key(ec.SECP256R1()))
    embed_site.sso_algorithm, embed_site.sso_public_key = "ES256", public

    assert sign_in_with_token(embed_site, make_token(key=private, algorithm="ES256")).pk

    other, _public = pem_pair(ec.generate_private_key(ec.SECP256R1()))
    assert refused_code(embed_site, make_token(key=other, algorithm="ES256")) == "sso_forged"


def test_sso_algorithm_is_pinned_per_site(embed_site: Any, make_token: Callable[..., str]) -> None:
    private, public = pem_pair(ec.generate_private_key(ec.SECP256R1()))
    embed_site.sso_algorithm, embed_site.sso_public_key = "ES256", public

    # An HS256 token "signed" with the public key, and an unsigned one: both refused.
    hs256 = jwt.encode({"sub": "x"}, "irrelevant-secret-0123456789-abcdefgh", algorithm="HS256")
    unsigned = jwt.encode({"sub": "x"}, "", algorithm="none")
    assert refused_code(embed_site, hs256) == "sso_invalid"
    assert refused_code(embed_site, unsigned) == "sso_invalid"
    assert refused_code(embed_site, make_token()) == "sso_invalid"


def test_sso_display_name_clash_gets_a_suffix(
    embed_site: Any, make_token: Callable[..., str], make_user: Callable[..., Any]
) -> None:
    make_user("anna abonnentin")

    first = sign_in_with_token(embed_site, make_token(sub="1", email="a1@example.org"))
    second = sign_in_with_token(embed_site, make_token(sub="2", email="a2@example.org"))

    assert first.display_name == "Anna Abonnentin 2"
    assert second.display_name == "Anna Abonnentin 3"
    # The same reader keeps the suffixed name on the next visit.
    assert sign_in_with_token(embed_site, make_token(sub="1")).display_name == first.display_name


def test_sso_display_name_is_made_valid(embed_site: Any, make_token: Callable[..., str]) -> None:
    from debatte.accounts.validators import validate_display_name

    user = sign_in_with_token(embed_site, make_token(name="<b>Dr.  Zoë</b> 🙂 " + "x" * 60))
    validate_display_name(user.display_name)
    assert user.display_name.startswith("b Dr. Zoë b")
    assert sign_in_with_token(embed_site, make_token(sub="2", name="!")).display_name == "Leser"


def test_sso_does_not_take_over_another_accounts_email(
    embed_site: Any, make_token: Callable[..., str], make_user: Callable[..., Any]
) -> None:
    own = make_user("Eigenes Konto", email="anna@example.org")

    user = sign_in_with_token(embed_site, make_token())

    assert user.pk != own.pk
    assert user.email is None


def test_sso_view_logs_the_reader_in(
    client: Any, embed_site: Any, make_token: Callable[..., str]
) -> None:
    response = sso_sign_in(client, make_token())

    assert response.status_code == 200
    assert response.json()["display_name"] == "Anna Abonnentin"
    assert response.json()["changed"] is True
    assert client.session["_auth_user_id"]


def test_sso_view_refuses_a_replay_with_a_clear_error(
    client: Any, embed_site: Any, make_token: Callable[..., str]
) -> None:
    token = make_token()
    sso_sign_in(client, token)
    client.logout()

    response = sso_sign_in(client, token)

    assert response.status_code == 403
    assert response.json()["error"] == "sso_replayed"
    assert response.json()["message"]
    assert "_auth_user_id" not in client.session


def test_sso_view_enforces_csrf(embed_site: Any, make_token: Callable[..., str]) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("embed-sso-sign-in", args=[embed_site.slug]), {"token": make_token()}
    )
    assert response.status_code == 403
