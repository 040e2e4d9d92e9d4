"""SSRF-guarded image download (SPEC §10): allowlisted https hosts only."""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings

DEFAULT_ALLOWED_HOSTS = (
    "cdn.shopify.com",
    "*.myshopify.com",
    "storage.googleapis.com",
    "*.storage.googleapis.com",
    "storage.cloud.google.com",
)
MAX_REDIRECTS = 3
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A refused or failed download; `code` says which rule or step failed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _allowed_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "FETCH_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS))


def _loopback_for_tests() -> bool:
    return bool(getattr(settings, "FETCH_ALLOW_HTTP_LOOPBACK_FOR_TESTS", False))


def host_allowed(host: str) -> bool:
    """Whether `host` matches the allowlist (`*.x` matches subdomains of x only)."""
    for pattern in _allowed_hosts():
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> None:
    """Refuse a URL that breaks the fetch rules; raises FetchError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError("invalid_url", "the URL cannot be parsed") from exc
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FetchError("invalid_url", "the URL has no host")
    if parts.username or parts.password:
        raise FetchError("invalid_url", "credentials in URLs are not allowed")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    # Tests serve fixtures from a real local server; this is the only way past
    # the https rule and it never opens anything but the loopback literal.
    if (
        _loopback_for_tests()
        and parts.scheme == "http"
        and literal == ipaddress.ip_address("127.0.0.1")
    ):
        return
    if parts.scheme != "https":
        raise FetchError("scheme_not_allowed", "only https URLs can be fetched")
    if literal is not None:
        raise FetchError("ip_literal", "IP address hosts are not allowed")
    if not host_allowed(host):
        raise FetchError("host_not_allowed", f"host {host} is not allowed")
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("dns_error", f"host {host} does not resolve") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not _is_public(address):
            raise FetchError(
                "private_address", f"host {host} resolves to a non-public address"
            )


def _read_local(url: str, max_bytes: int) -> bytes:
    demo_root = (Path(settings.MEDIA_ROOT) / "demo").resolve()
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError("invalid_url", "file URLs must be local")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(demo_root):
        raise FetchError("path_not_allowed", "file is outside the demo catalog")
    if not path.is_file():
        raise FetchError("not_found", "demo file does not exist")
    if path.stat().st_size > max_bytes:
        raise FetchError("too_large", f"file is larger than {max_bytes} bytes")
    return path.read_bytes()


def fetch_image(url: str, *, max_bytes: int, timeout_s: float) -> bytes:
    """Download `url` under the SSRF rules; raises FetchError."""
    if url.startswith("file:"):
        return _read_local(url, max_bytes)
    deadline = time.monotonic() + timeout_s
    timeout = httpx.Timeout(timeout_s)
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as c:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                with c.stream("GET", url, headers={"Accept": "image/*"}) as response:
                    if response.status_code in _REDIRECT_STATUSES:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError("bad_redirect", "redirect without target")
                        url = urljoin(url, location)
                        continue
                    if response.status_code != 200:
                        raise FetchError(
                            "http_status", f"server answered {response.status_code}"
                        )
                    return _read_body(response, max_bytes, deadline)
            except httpx.TimeoutException as exc:
                raise FetchError("timeout", "the download timed out") from exc
            except httpx.HTTPError as exc:
                raise FetchError("network_error", "the download failed") from exc
    raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"the image is larger than {max_bytes} bytes")
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise FetchError("too_large", f"the image is larger than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError("timeout", "the download timed out")
        chunks.append(chunk)
    return b"".join(chunks)
