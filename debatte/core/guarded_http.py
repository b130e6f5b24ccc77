"""Requests to URLs that site admins type: public http(s) addresses only, unless allowed.

A site admin types a URL (a webhook, the external moderation check) and the server sends to it
from inside the operator's network; unchecked, that is server-side request forgery (cloud
metadata at 169.254.169.254, Redis on 127.0.0.1, the intranet). So a URL may be used only when
its scheme is http or https, it names no user or password, and every address its host resolves
to is public.

`resolve_target` checks a URL (when it is saved, and again before each request, since DNS
answers change); `post` then connects to exactly the checked addresses (the host is not resolved
a second time, so DNS rebinding cannot redirect it), follows no redirect, keeps to one deadline
for the whole exchange and reads at most `max_bytes` of the answer.

`DEBATTE["WEBHOOK_ALLOW_PRIVATE"]` (env DEBATTE_WEBHOOK_ALLOW_PRIVATE=1) lets an operator
send to internal hosts on purpose, e.g. an intranet publisher.

The refusals' wording depends on what the URL is for: callers pass their own `messages`.
"""

import contextlib
import http.client
import ipaddress
import socket
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # stands for the IPv4 address in its last 32 bits

# Refusal texts by code; each caller may word them for its own kind of URL.
MESSAGES: Mapping[str, Any] = {
    "scheme": _("Only http:// or https:// URLs can be used."),
    "credentials": _("The URL cannot contain a user name or password."),
    "host": _("The URL names no valid host."),
    "internal": _("The URL cannot point to an internal address (%(address)s)."),
    "internal_resolved": _(
        "The URL cannot point to an internal address (%(host)s resolves to %(address)s)."
    ),
    "unresolvable": _("The host %(host)s could not be found."),
}

DEFAULT_MAX_BYTES = 64 * 1024


class TargetRefused(Exception):
    """The URL may not be requested; `str()` is the reason in the active language."""

    def __init__(self, message: Any, **params: Any) -> None:
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


class ResponseTooLarge(OSError):
    """The answer was longer than the caller accepts."""


@dataclass(frozen=True)
class Target:
    """A checked URL: the host as written and the addresses requests connect to."""

    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def allow_private() -> bool:
    return bool(getattr(settings, "DEBATTE", {}).get("WEBHOOK_ALLOW_PRIVATE", False))


def is_public(address: IPAddress) -> bool:
    """Globally reachable: not loopback, private, link-local, multicast, reserved, CGNAT, ...

    IPv6 addresses standing for an IPv4 one (IPv4-mapped, NAT64, 6to4) are judged by it too.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and not is_public(address.sixtofour):
            return False
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def host_and_port(url: str, messages: Mapping[str, Any] = MESSAGES) -> tuple[str, int]:
    """The host and port a URL names; refuses other schemes and URLs with credentials."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(messages["scheme"])
    if "@" in parts.netloc:
        raise TargetRefused(messages["credentials"])
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1:
        raise TargetRefused(messages["host"])
    return parts.hostname, port or (443 if scheme == "https" else 80)


def literal(host: str) -> IPAddress | None:
    """The address a host written as one (`10.0.0.1`, `::1`) stands for; None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses of `host`: a literal one as it is (no DNS), else getaddrinfo's answer.

    Raises OSError (socket.gaierror) when the name does not resolve."""
    address = literal(host)
    if address is not None:
        return [address]
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def resolve_target(url: str, messages: Mapping[str, Any] = MESSAGES) -> Target:
    """Check `url` and resolve its host; every address must be public (or allowed).

    Raises TargetRefused with the reason, or OSError when the host does not resolve."""
    host, port = host_and_port(url, messages)
    addresses = resolve(host, port)
    if not allow_private():
        for address in addresses:
            if not is_public(address):
                if literal(host) is not None:
                    raise TargetRefused(messages["internal"], address=host)
                raise TargetRefused(messages["internal_resolved"], host=host, address=address)
    return Target(host=host, port=port, addresses=tuple(str(a) for a in addresses))


def validate_url(url: str, messages: Mapping[str, Any] = MESSAGES, code: str = "url") -> None:
    """A form's or field's check: `url` may be requested now; else ValidationError."""
    try:
        resolve_target(url, messages)
    except TargetRefused as refusal:
        raise ValidationError(
            refusal.message, code=f"{code}_target", params=refusal.params
        ) from None
    except (OSError, UnicodeError):
        host = urllib.parse.urlsplit(url).hostname
        raise ValidationError(
            messages["unresolvable"], code=f"{code}_host", params={"host": host}
        ) from None


# --- Connecting to the checked addresses only ---------------------------------------------------


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the target's checked addresses, never to what the host resolves to now."""

    target: Target

    def connect(self) -> None:
        error: OSError | None = None
        for address in self.target.addresses:
            try:
                self.sock = socket.create_connection((address, self.target.port), self.timeout)
            except OSError as failure:
                error = failure
                continue
            with contextlib.suppress(OSError):
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return
        raise error or OSError(f"no address to connect to for {self.target.host}")


class PinnedHTTPSConnection(http.client.HTTPSConnection, PinnedHTTPConnection):
    """TLS over the pinned connection; the certificate is checked for the host as written."""


def post(
    url: str,
    body: bytes,
    *,
    headers: Mapping[str, str],
    timeout: float,
    max_bytes: int = DEFAULT_MAX_BYTES,
    messages: Mapping[str, Any] = MESSAGES,
) -> Response:
    """POST `body` to `url` once, directly (no proxy, no redirect), within `timeout` seconds.

    Any HTTP status is returned (a redirect is an answer like others). Raises TargetRefused
    before anything is sent when the URL may not be requested; OSError (TimeoutError,
    ResponseTooLarge, ssl errors) or http.client.HTTPException when the exchange fails."""
    target = resolve_target(url, messages)
    parts = urllib.parse.urlsplit(url.strip())
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    deadline = time.monotonic() + timeout
    kind = PinnedHTTPSConnection if parts.scheme.lower() == "https" else PinnedHTTPConnection
    connection = kind(target.host, target.port, timeout=timeout)
    connection.target = target
    try:
        connection.request("POST", path, body=body, headers=dict(headers))
        _until(connection, deadline)
        response = connection.getresponse()
        length = response.getheader("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise ResponseTooLarge(f"answer of {length} bytes, more than {max_bytes}")
        data = b""
        while True:
            _until(connection, deadline)
            chunk = response.read1(max_bytes + 1 - len(data))
            if not chunk:
                break
            data += chunk
            if len(data) > max_bytes:
                raise ResponseTooLarge(f"answer longer than {max_bytes} bytes")
        return Response(status=response.status, body=data)
    finally:
        connection.close()


def _until(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait only for what is left of the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the request took longer than its timeout")
    if connection.sock is not None:
        connection.sock.settimeout(left)
