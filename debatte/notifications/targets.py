"""Where webhooks may go: public http(s) addresses only, unless the operator allows internal ones.

A site admin types the webhook URL, and the server POSTs to it from inside the operator's
network; unchecked, that is server-side request forgery (cloud metadata at 169.254.169.254,
Redis on 127.0.0.1, the intranet). So a URL may receive webhooks only when its scheme is http
or https, it names no user or password, and every address its host resolves to is public.

The check runs when the webhook is saved (`validate_webhook_url`, the model field's validator)
and again before each delivery (`resolve_target`, since DNS answers change). The delivery then
connects to exactly the addresses that were checked (`pinned_handlers`): its host is not
resolved a second time, so an answer that changes in between (DNS rebinding) cannot redirect it.

`DEBATTE["WEBHOOK_ALLOW_PRIVATE"]` (env DEBATTE_WEBHOOK_ALLOW_PRIVATE=1) lets an operator
deliver to internal hosts on purpose, e.g. an intranet publisher.
"""

import contextlib
import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # stands for the IPv4 address in its last 32 bits


class TargetRefused(Exception):
    """The URL may not receive webhooks; `str()` is the reason in the active language."""

    def __init__(self, message: Any, **params: Any) -> None:
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: the host as written and the addresses deliveries connect to."""

    host: str
    port: int
    addresses: tuple[str, ...]


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


def host_and_port(url: str) -> tuple[str, int]:
    """The host and port a URL names; refuses other schemes and URLs with credentials."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(_("Webhooks can only be sent to http:// or https:// URLs."))
    if "@" in parts.netloc:
        raise TargetRefused(_("Webhook URLs cannot contain a user name or password."))
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1:
        raise TargetRefused(_("The webhook URL names no valid host."))
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


def resolve_target(url: str) -> Target:
    """Check `url` and resolve its host; every address must be public (or allowed).

    Raises TargetRefused with the reason, or OSError when the host does not resolve."""
    host, port = host_and_port(url)
    addresses = resolve(host, port)
    if not allow_private():
        for address in addresses:
            if not is_public(address):
                raise _internal(host, address)
    return Target(host=host, port=port, addresses=tuple(str(a) for a in addresses))


def _internal(host: str, address: IPAddress) -> TargetRefused:
    if literal(host) is not None:
        return TargetRefused(
            _("Webhooks cannot be sent to internal addresses (%(address)s)."), address=host
        )
    return TargetRefused(
        _("Webhooks cannot be sent to internal addresses (%(host)s resolves to %(address)s)."),
        host=host,
        address=address,
    )


def validate_webhook_url(url: str) -> None:
    """The model field's validator: the URL must be allowed to receive webhooks now."""
    try:
        resolve_target(url)
    except TargetRefused as refusal:
        raise ValidationError(
            refusal.message, code="webhook_target", params=refusal.params
        ) from None
    except (OSError, UnicodeError):
        host = urllib.parse.urlsplit(url).hostname
        raise ValidationError(
            _("The host %(host)s could not be found."), code="webhook_host", params={"host": host}
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


def _pinned(connection_class: type[PinnedHTTPConnection], target: Target) -> Callable[..., Any]:
    def connection(host: str, **kwargs: Any) -> PinnedHTTPConnection:
        made = connection_class(host, **kwargs)
        made.target = target
        return made

    return connection


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_pinned(PinnedHTTPConnection, self.target), req, **kwargs)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_pinned(PinnedHTTPSConnection, self.target), req, **kwargs)


def pinned_handlers(target: Target) -> list[urllib.request.BaseHandler]:
    """urllib handlers that connect directly (no proxy) to the target's checked addresses."""
    return [
        urllib.request.ProxyHandler({}),
        _PinnedHTTPHandler(target),
        _PinnedHTTPSHandler(target),
    ]
