"""The client's address: REMOTE_ADDR, or the forwarded address when a trusted proxy sent it.

Behind a reverse proxy on another host every request arrives from the proxy's address, so every
reader would share one posting limit and the stored addresses would all be the proxy's. The
`X-Forwarded-For` header is believed only when the request comes from a configured proxy
(`DEBATTE_TRUSTED_PROXIES`: addresses or networks); the header is walked from the right, skipping
further trusted proxies, so a client cannot choose its address by sending the header itself.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _networks(tuple(settings.DEBATTE.get("TRUSTED_PROXIES", ())))
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request` (None when it cannot be known)."""
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    if not _is_trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A hop we cannot read: stop at the last address we can vouch for.
            break
        if not _is_trusted(address):
            return str(address)
        remote = address
    return str(remote)
