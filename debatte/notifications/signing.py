"""Signatures of webhook deliveries: HMAC-SHA256 over "<timestamp>.<body>".

A delivery carries the header

    Debatte-Signature: t=1767225600,v1=5257a869e7ec...(64 hex digits)

where `t` is the Unix time of signing and `v1` the hex HMAC-SHA256 of f"{t}.{body}" (the raw
request body, bytes) with the webhook's secret. A receiver recomputes it, compares in constant
time and refuses timestamps older than a few minutes (replays); `verify_signature` does all three
and can be copied into a publisher's code as it is (standard library only).
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Debatte-Signature"
TOLERANCE_SECONDS = 300


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The value of the Debatte-Signature header for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={compute_signature(secret, timestamp, body)}"


def parse_signature(header: str) -> tuple[int, list[str]] | None:
    """(timestamp, [v1 signatures]) from the header, or None when it is malformed."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when `header` signs `body` with `secret` and is at most `tolerance` seconds old."""
    parsed = parse_signature(header)
    if parsed is None:
        return False
    timestamp, signatures = parsed
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = compute_signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
