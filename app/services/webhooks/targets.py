"""Where a webhook may go, and the one HTTP request that takes it there.

An endpoint's URL is a place our servers connect to on someone else's say-so, so it must not be
turned against us (server-side request forgery): only ``https`` (``http`` in development and
tests, ``WEBHOOKS_ALLOW_HTTP``), and never an address inside a private network, this machine,
a link-local range (the cloud's metadata service at 169.254.169.254), multicast or a reserved
range. We resolve the host ourselves, refuse it if any of its addresses is such a one, and
connect to the address we checked (a second lookup by the HTTP client could answer otherwise),
with the name kept for the ``Host`` header, SNI and the certificate check. The check runs when
the URL is registered and again before every send (DNS can change). Redirects are never
followed: a redirect could lead anywhere, and a receiver that moved registers its new URL.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

RESPONSE_LIMIT = 64 * 1024
"""Bytes read of a receiver's answer at most; the rest is never read."""
EXCERPT_CHARS = 300
"""How much of the answer the delivery log keeps (``WebhookDelivery.response_excerpt``)."""
URL_MAX = 2000


class UnsafeUrl(ValueError):
    """A URL a webhook may not go to; the message is the sentence the admin reads."""


class SendFailed(Exception):
    """The request did not get an answer; the message is the sentence the admin reads."""


@dataclass(frozen=True)
class Target:
    """A checked URL: the name it gives, and the address we connect to instead of looking it up again."""

    scheme: str
    host: str
    port: int
    path: str
    address: IpAddress

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def refused(address: IpAddress, *, allow_loopback: bool = False) -> bool:
    """Whether a webhook may not connect to ``address`` (only the public internet is allowed)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if allow_loopback and address.is_loopback:
        return False
    return not address.is_global or address.is_multicast or address.is_reserved


def check(url: str, *, allow_http: bool, allow_loopback: bool = False) -> Target:
    """The target of ``url``, or :class:`UnsafeUrl` saying why a webhook may not go there."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("Enter a web address such as https://example.com/webhooks.") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise UnsafeUrl("Use an address that starts with https:// (we send webhooks over TLS only).")
    if not parts.hostname or len(url) > URL_MAX:
        raise UnsafeUrl("Enter a web address such as https://example.com/webhooks.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("Leave the user name and password out of the address; we sign every webhook instead.")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if any(refused(a, allow_loopback=allow_loopback) for a in addresses):
        raise UnsafeUrl(
            f"{host} leads to a private, local or reserved network address; webhooks go to public servers only."
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses[0])


def _resolve(host: str, port: int) -> list[IpAddress]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"We could not find the server {host}; please check the address.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found]
    if not addresses:
        raise UnsafeUrl(f"We could not find the server {host}; please check the address.")
    return addresses


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to the checked address; never follows a redirect, reads at most RESPONSE_LIMIT bytes."""
    options: dict[str, object] = {
        "port": target.port,
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        # Connect to the checked address, but ask for and verify the certificate of the name.
        pool = urllib3.HTTPSConnectionPool(
            str(target.address),
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **options,  # type: ignore[arg-type]
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(target.address), **options)  # type: ignore[arg-type]
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = response.read(RESPONSE_LIMIT, decode_content=False)
        finally:
            response.release_conn()
    except urllib3.exceptions.SSLError:
        raise SendFailed(f"The TLS certificate of {target.host} could not be verified.") from None
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        raise SendFailed(f"{target.host} did not answer within {timeout:g} seconds.") from None
    except (urllib3.exceptions.HTTPError, OSError):
        raise SendFailed(f"We could not connect to {target.host}.") from None
    finally:
        pool.close()
    return Answer(response.status, " ".join(data.decode("utf-8", "replace").split())[:EXCERPT_CHARS])
