"""The SSRF guard's DNS rule: every address a product-image host resolves to must be
public. `socket.getaddrinfo` is the OS boundary, so the tests answer it instead of
a DNS server; the guard itself runs unchanged."""

from __future__ import annotations

import socket

import pytest

from assets.pipeline.fetch import FetchError, check_url, host_allowed

PUBLIC_V4 = "151.101.1.1"
PUBLIC_V6 = "2a04:4e42::1"


def _answer(*addresses: str):
    calls: list[tuple] = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append((host, port))
        infos = []
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if ":" in address else (address, port)
            infos.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return infos

    return getaddrinfo, calls


@pytest.fixture
def resolve(monkeypatch):
    def answer(*addresses: str) -> list[tuple]:
        getaddrinfo, calls = _answer(*addresses)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return calls

    return answer


@pytest.mark.parametrize(
    "addresses",
    [
        (PUBLIC_V4, "10.0.0.8"),
        ("10.0.0.8", PUBLIC_V4),
        (PUBLIC_V4, "127.0.0.1"),
        (PUBLIC_V4, "169.254.169.254"),
        (PUBLIC_V6, "fd00::1"),
        (PUBLIC_V4, "::ffff:192.168.1.1"),
        (PUBLIC_V6, "fe80::1%eth0"),
        (PUBLIC_V4, "224.0.0.1"),
        (PUBLIC_V4, "100.64.0.1"),
        (PUBLIC_V4, "0.0.0.0"),
    ],
    ids=[
        "public-then-private",
        "private-then-public",
        "loopback",
        "metadata",
        "ipv6-unique-local",
        "ipv4-mapped-private",
        "ipv6-link-local-scoped",
        "multicast",
        "carrier-grade-nat",
        "unspecified",
    ],
)
def test_one_non_public_answer_refuses_the_host(resolve, addresses):
    resolve(*addresses)

    with pytest.raises(FetchError) as err:
        check_url("https://cdn.shopify.com/s/files/chair.png")

    assert (err.value.code, err.value.message) == (
        "private_address",
        "host cdn.shopify.com resolves to a non-public address",
    )


@pytest.mark.parametrize(
    "addresses",
    [(PUBLIC_V4,), (PUBLIC_V4, "151.101.65.1"), (PUBLIC_V6, "::ffff:151.101.1.1")],
)
def test_all_public_answers_pass(resolve, addresses):
    calls = resolve(*addresses)

    check_url("https://cdn.shopify.com/s/files/chair.png")

    assert calls == [("cdn.shopify.com", 443)]


def test_the_url_port_is_the_one_resolved(resolve):
    calls = resolve(PUBLIC_V4)

    check_url("https://CDN.Shopify.com.:8443/chair.png")

    assert calls == [("cdn.shopify.com", 8443)]


def test_a_host_that_does_not_resolve_is_refused(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(FetchError) as err:
        check_url("https://shop.myshopify.com/x.png")

    assert (err.value.code, err.value.message) == (
        "dns_error",
        "host shop.myshopify.com does not resolve",
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://cdn.shopify.com:99999/x.png", "invalid_url"),
        ("https://[::1/x.png", "invalid_url"),
    ],
)
def test_unparseable_urls_are_refused_before_resolving(resolve, url, code):
    calls = resolve(PUBLIC_V4)

    with pytest.raises(FetchError) as err:
        check_url(url)

    assert (err.value.code, err.value.message) == (code, "the URL cannot be parsed")
    assert calls == []


@pytest.mark.parametrize(
    ("patterns", "host", "allowed"),
    [
        (["*.example.com"], "example.com", False),
        (["*.example.com"], ".example.com", False),
        (["*.example.com"], "a.example.com", True),
        (["Images.Example.com"], "images.example.com", True),
        (["images.example.com"], "images.example.com.evil", False),
    ],
)
def test_allowlist_patterns(settings, patterns, host, allowed):
    settings.FETCH_ALLOWED_HOSTS = patterns
    assert host_allowed(host) is allowed


@pytest.mark.parametrize(
    "url",
    [
        "https://user@cdn.shopify.com/x.png",
        "https://:secret@cdn.shopify.com/x.png",
        "https://user:secret@cdn.shopify.com/x.png",
    ],
)
def test_credentials_in_urls_are_refused_before_resolving(resolve, url):
    calls = resolve(PUBLIC_V4)

    with pytest.raises(FetchError) as err:
        check_url(url)

    assert (err.value.code, err.value.message) == (
        "invalid_url",
        "credentials in URLs are not allowed",
    )
    assert calls == []
