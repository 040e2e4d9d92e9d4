"""Every redirect status the guard follows, a redirect without a target, and the
size cap at its exact edge, against the real local image server."""

from __future__ import annotations

import pytest

from assets.pipeline.fetch import FetchError, fetch_image
from tests.pipeline.image_server import PNG, ImageServer


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_HTTP_LOOPBACK_FOR_TESTS = True
    with ImageServer() as running:
        yield running


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(server, status):
    image = fetch_image(server.url(f"/status/{status}"), max_bytes=1000, timeout_s=5)

    assert image == PNG
    assert server.hits[-2:] == [f"/status/{status}", "/image.png"]


def test_a_redirect_without_location_is_refused(server):
    with pytest.raises(FetchError) as err:
        fetch_image(server.url("/no-location"), max_bytes=1000, timeout_s=5)

    assert (err.value.code, str(err.value)) == (
        "bad_redirect",
        "redirect without target",
    )


def test_an_image_of_exactly_the_cap_is_accepted_and_one_byte_less_refused(server):
    url = server.url("/image.png")
    assert fetch_image(url, max_bytes=len(PNG), timeout_s=5) == PNG

    with pytest.raises(FetchError) as err:
        fetch_image(url, max_bytes=len(PNG) - 1, timeout_s=5)
    assert (err.value.code, str(err.value)) == (
        "too_large",
        f"the image is larger than {len(PNG) - 1} bytes",
    )


def test_proxy_settings_in_the_environment_are_ignored(server, monkeypatch):
    # A proxy would see (and could answer for) every product-image request.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)

    assert fetch_image(server.url("/image.png"), max_bytes=1000, timeout_s=5) == PNG


def test_a_demo_file_of_exactly_the_cap_is_read(media_root):
    demo = media_root / "demo"
    demo.mkdir()
    (demo / "chair.png").write_bytes(PNG)
    url = (demo / "chair.png").as_uri()

    assert fetch_image(url, max_bytes=len(PNG), timeout_s=5) == PNG
    with pytest.raises(FetchError) as err:
        fetch_image(url, max_bytes=len(PNG) - 1, timeout_s=5)
    assert (err.value.code, str(err.value)) == (
        "too_large",
        f"file is larger than {len(PNG) - 1} bytes",
    )
