"""The address a request came from, as far as it can be trusted.

REMOTE_ADDR is the machine that opened the connection. Behind a reverse proxy (nginx, a load
balancer) that is the proxy, and the person's address is in X-Forwarded-For, which anybody can
also write. So the header is read only when the connection comes from a proxy listed in
BAOCAO_TRUSTED_PROXIES (settings), and only the hops those proxies appended: reading right to
left, the first address that is not a trusted proxy is the client. With no trusted proxies (the
default) the answer is REMOTE_ADDR, whatever the headers say.

Login throttling (`baocao.web.throttle`) and the audit log (`baocao.apps.audit`) both ask here.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "BAOCAO_TRUSTED_PROXIES", ()) or ()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.5:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's IP address as text ("" when there is none, e.g. a request built in code)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    if not networks or not _is_trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage in the header: stop at the last address we can vouch for
            return remote
        if not _is_trusted(address, networks):
            return str(address)
        remote = str(address)
    return remote
