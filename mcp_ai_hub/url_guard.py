"""Fetching the URLs callers pass as inputs (images, audio) without reaching internal addresses.

Only http(s). Each hop's host is resolved and refused when any address it has is loopback,
private, link-local, multicast, reserved or unspecified (IPv4 and IPv6, IPv4-mapped included);
the request then connects to the address that was checked (the URL's host replaced by it, `Host`
and TLS SNI kept as the name), so a second lookup cannot point it elsewhere. Redirects are followed
by hand, each target checked the same way, at most `MAX_REDIRECTS`.

`AI_HUB_ALLOW_PRIVATE_URLS` opens this up: `1`/`true`/`all` for every address (no checks), or a
comma-separated list of `host`, `host:port` or CIDR entries allowed although internal (an
intranet CDN, a local model server's files).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
import httpx2

from .errors import InvalidArgument

MAX_REDIRECTS = 5
SETTING = "AI_HUB_ALLOW_PRIVATE_URLS"
HINT = f"Pass a public http(s) URL or a local file (or set {SETTING} for addresses you trust)"
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class UrlPolicy:
    """Which internal addresses input URLs may reach: none (the default), some, or all."""

    allow_all: bool = False
    hosts: frozenset[str] = frozenset()  # "host" or "host:port", lower-case
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, value: str) -> UrlPolicy:
        value = value.strip()
        if value.lower() in ("1", "true", "yes", "all", "*"):
            return cls(allow_all=True)
        hosts, networks = set(), []
        for item in (v.strip().lower() for v in value.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item)
        return cls(False, frozenset(hosts), tuple(networks))

    def allows_host(self, host: str, port: int) -> bool:
        return self.allow_all or host.lower() in self.hosts or f"{host.lower()}:{port}" in self.hosts

    def allows_address(self, ip: IP) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)


def internal(ip: IP) -> bool:
    """Whether an address is one an input URL must not reach."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified


async def _addresses(host: str, port: int) -> list[IP]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InvalidArgument(f"could not resolve {host}: {exc.strerror or exc}", hint=HINT) from None
    found: list[IP] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


async def checked(url: httpx2.URL, policy: UrlPolicy) -> str:
    """The address to connect to for `url` ("" to connect by name, when the policy allows it),
    or InvalidArgument for a scheme other than http(s) or an internal address."""
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidArgument(f"only http(s) URLs are fetched, not {str(url)[:80]!r}", hint=HINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    if policy.allows_host(url.host, port):
        return ""
    addresses = await _addresses(url.host, port)
    if not addresses:
        raise InvalidArgument(f"could not resolve {url.host}", hint=HINT)
    for ip in addresses:
        if internal(ip) and not policy.allows_address(ip):
            where = url.host if str(ip) == url.host else f"{url.host} ({ip})"
            raise InvalidArgument(
                f"{where} is an internal address (loopback, private, link-local, multicast or "
                "reserved); the hub does not fetch it",
                hint=HINT,
            )
    # IPv4 first: a name with both (localhost) is reached as most clients reach it
    return str(next((ip for ip in addresses if ip.version == 4), addresses[0]))


@asynccontextmanager
async def open_url(
    client: httpx2.AsyncClient, policy: UrlPolicy, url: str, timeout: httpx2.Timeout
) -> AsyncIterator[httpx2.Response]:
    """A streamed GET of a caller's URL, every hop checked and pinned (see the module docstring)."""
    current = httpx2.URL(url)
    for _ in range(MAX_REDIRECTS + 1):
        address = await checked(current, policy)
        target, headers, extensions = current, {}, {}
        if address:
            target = current.copy_with(host=address)
            headers["host"] = current.netloc.decode("ascii")
            if current.scheme == "https":
                extensions["sni_hostname"] = current.host
        request = client.build_request("GET", target, headers=headers, extensions=extensions, timeout=timeout)
        response = await client.send(request, stream=True, follow_redirects=False)
        if response.is_redirect and "location" in response.headers:
            location = response.headers["location"]
            await response.aclose()
            current = current.join(location)
            continue
        try:
            yield response
        finally:
            await response.aclose()
        return
    raise InvalidArgument(f"{url} redirects more than {MAX_REDIRECTS} times", hint=HINT)
