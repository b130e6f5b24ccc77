"""A site's SSO key: checked when the site is saved and again before each token is verified.

A malformed key must never reach PyJWT at sign-in (it raises there, which was a 500), and a
short HS256 secret can be guessed offline from one token, so both are refused up front.
"""

from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.utils.translation import gettext as _

MIN_SECRET_BYTES = 32
MIN_RSA_BITS = 2048


class SsoKeyError(ValueError):
    """The key cannot verify tokens; `field` names the site field, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def load_sso_key(algorithm: str, secret: str, public_key: str) -> Any:
    """The key that verifies `algorithm` tokens, ready for PyJWT; SsoKeyError if unusable."""
    if algorithm == "HS256":
        return _hmac_secret(secret)
    if algorithm in {"RS256", "ES256"}:
        return _public_key(algorithm, public_key)
    raise SsoKeyError("sso_algorithm", _("Unknown signature algorithm."))


def _hmac_secret(secret: str) -> bytes:
    raw = secret.encode("utf-8")
    if b"-----BEGIN" in raw or raw.startswith(b"ssh-"):
        raise SsoKeyError(
            "sso_secret",
            _("This looks like a PEM or SSH key: HS256 needs a shared secret."),
        )
    if len(raw) < MIN_SECRET_BYTES:
        raise SsoKeyError(
            "sso_secret",
            _("The shared secret must be at least %(count)d bytes long (it has %(length)d).")
            % {"count": MIN_SECRET_BYTES, "length": len(raw)},
        )
    return raw


def _public_key(algorithm: str, text: str) -> Any:
    field = "sso_public_key"
    if "PRIVATE KEY" in text:
        raise SsoKeyError(
            field, _("This is a private key: enter the public key, keep the private one secret.")
        )
    try:
        key = load_pem_public_key(text.strip().encode("utf-8"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SsoKeyError(
            field, _("This is not a PEM public key (-----BEGIN PUBLIC KEY-----).")
        ) from None
    if algorithm == "RS256":
        if not isinstance(key, rsa.RSAPublicKey):
            raise SsoKeyError(field, _("RS256 needs an RSA public key."))
        if key.key_size < MIN_RSA_BITS:
            raise SsoKeyError(
                field,
                _("The RSA key must have at least %(bits)d bits.") % {"bits": MIN_RSA_BITS},
            )
    elif not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise SsoKeyError(field, _("ES256 needs an elliptic-curve public key on P-256."))
    return key
