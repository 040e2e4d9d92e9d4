from __future__ import annotations

import pytest

from assets.pipeline.fetch import FetchError, check_url, fetch_image, host_allowed
from tests.pipeline.image_server import BIG, PNG, ImageServer


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_HTTP_LOOPBACK_FOR_TESTS = True
    with ImageServer() as running:
        yield running


def _fetch(url, max_bytes=BIG * 2):
    return fetch_image(url, max_bytes=max_bytes, timeout_s=5)


def test_image_is_fetched(server):
    assert _fetch(server.url("/image.png")) == PNG


def test_redirects_are_followed_and_rechecked(server):
    assert _fetch(server.url("/hop")) == PNG
    assert _fetch(server.url("/chain/2")) == PNG
    assert server.hits[-4:] == ["/chain/2", "/chain/1", "/chain/0", "/image.png"]


@pytest.mark.parametrize(
    "path,code",
    [
        ("/chain/3", "too_many_redirects"),
        ("/elsewhere", "host_not_allowed"),
        ("/to-http-localhost", "scheme_not_allowed"),
        ("/declared-big", "too_large"),
        ("/undeclared-big", "too_large"),
        ("/missing", "http_status"),
    ],
)
def test_refused_downloads(server, path, code):
    with pytest.raises(FetchError) as err:
        _fetch(server.url(path))
    assert err.value.code == code
    if path == "/elsewhere":
        assert "evil.example.com" in err.value.message


def test_declared_oversize_body_is_refused_before_reading(server):
    with pytest.raises(FetchError) as err:
        _fetch(server.url("/declared-big"), max_bytes=10)
    assert err.value.code == "too_large"


@pytest.mark.parametrize(
    "url,code",
    [
        ("http://cdn.shopify.com/x.png", "scheme_not_allowed"),
        ("ftp://cdn.shopify.com/x.png", "scheme_not_allowed"),
        ("http://127.0.0.1/x.png", "scheme_not_allowed"),
        ("https://evil.example.com/x.png", "host_not_allowed"),
        ("https://cdn.shopify.com.evil.io/x.png", "host_not_allowed"),
        ("https://myshopify.com/x.png", "host_not_allowed"),
        ("https://127.0.0.1/x.png", "ip_literal"),
        ("https://10.0.0.8/x.png", "ip_literal"),
        ("https://192.168.1.1/x.png", "ip_literal"),
        ("https://169.254.169.254/latest/meta-data", "ip_literal"),
        ("https://[::1]/x.png", "ip_literal"),
        ("https://user:pw@cdn.shopify.com/x.png", "invalid_url"),
        ("https:///x.png", "invalid_url"),
    ],
)
def test_urls_refused_without_any_request(url, code):
    with pytest.raises(FetchError) as err:
        check_url(url)
    assert err.value.code == code


def test_test_seam_opens_only_http_loopback(settings):
    settings.FETCH_ALLOW_HTTP_LOOPBACK_FOR_TESTS = True
    check_url("http://127.0.0.1:8000/x.png")
    for url, code in [
        ("http://10.0.0.8/x.png", "scheme_not_allowed"),
        ("http://localhost/x.png", "scheme_not_allowed"),
        ("https://10.0.0.8/x.png", "ip_literal"),
    ]:
        with pytest.raises(FetchError) as err:
            check_url(url)
        assert err.value.code == code


def test_allowed_host_resolving_to_a_private_address_is_refused(settings):
    settings.FETCH_ALLOWED_HOSTS = ["localhost"]
    with pytest.raises(FetchError) as err:
        check_url("https://localhost/x.png")
    assert err.value.code == "private_address"


@pytest.mark.parametrize(
    "host,allowed",
    [
        ("cdn.shopify.com", True),
        ("demo-shop.myshopify.com", True),
        ("storage.googleapis.com", True),
        ("bucket.storage.googleapis.com", True),
        ("storage.cloud.google.com", True),
        ("myshopify.com", False),
        ("evilmyshopify.com", False),
        ("cdn.shopify.com.evil.io", False),
        ("shopify.com", False),
        ("googleapis.com", False),
    ],
)
def test_default_allowlist(host, allowed):
    assert host_allowed(host) is allowed


def test_demo_catalog_file_urls(settings, media_root, tmp_path):
    demo = media_root / "demo"
    demo.mkdir()
    (demo / "chair.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("secret")
    (demo / "link.png").symlink_to(tmp_path / "secret.txt")
    assert _fetch((demo / "chair.png").as_uri()) == PNG
    for url, code in [
        (f"file://{demo}/../../secret.txt", "path_not_allowed"),
        (f"file://{demo}/%2e%2e/%2e%2e/secret.txt", "path_not_allowed"),
        ((demo / "link.png").as_uri(), "path_not_allowed"),
        ((tmp_path / "secret.txt").as_uri(), "path_not_allowed"),
        (f"file://{demo}/missing.png", "not_found"),
        (f"file://otherhost{demo}/chair.png", "invalid_url"),
    ]:
        with pytest.raises(FetchError) as err:
            _fetch(url)
        assert err.value.code == code, url
    with pytest.raises(FetchError) as err:
        fetch_image((demo / "chair.png").as_uri(), max_bytes=10, timeout_s=5)
    assert err.value.code == "too_large"
