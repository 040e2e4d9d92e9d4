"""Secrets never reach a log line or a response body during a full flow."""

from __future__ import annotations

import logging

import pytest

from tests.factories import make_ready_asset
from tests.fakes.shopify_proxy import make_session_token, webhook_headers
from tests.render.client import proxy
from tests.render.scene import live_asset, room_jpeg

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]


def test_full_flow_leaks_no_secret(
    client, shop, gemini, fake_shopify, settings, caplog, capfd
):
    settings.DEV_ADMIN_LOGIN = False
    access_token = fake_shopify.stored_token(shop.shop_domain)
    shop.access_token = access_token
    shop.save(update_fields=["access_token"])
    fake_shopify.add_product(shop.shop_domain, 101, "Oak stool")
    make_ready_asset(shop=shop, product_id="101")
    asset, _ = live_asset(shop=shop)
    token = make_session_token(
        shop=shop.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    bodies: list[bytes] = []
    caplog.set_level(logging.DEBUG)

    upload = proxy(client, shop, "room/upload", {"content_type": "image/jpeg"}).json()
    path = upload["upload_url"].split("see-it-now.test", 1)[1]
    client.put(path, room_jpeg(), "image/jpeg")
    room = {"room_session_id": upload["room_session_id"]}
    bodies.append(proxy(client, shop, "room/confirm", room).content)
    render = {**room, "product_id": asset.product_id}
    rendered = proxy(client, shop, "see-it-now/render", render)
    bodies.append(rendered.content)
    chosen = rendered.json()["variants"][0]["id"]
    select = {**render, "selected_variant_id": chosen}
    bodies.append(proxy(client, shop, "see-it-now/select", select).content)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for url in ("/api/products", "/api/settings", "/api/products/101"):
        bodies.append(client.get(url, **bearer).content)
    bodies.append(client.get(f"/app/?shop={shop.shop_domain}&id_token={token}").content)
    hook = b'{"id": 1, "title": "Oak stool"}'
    headers = webhook_headers(
        topic="products/update",
        shop=shop.shop_domain,
        body=hook,
        secret=settings.SHOPIFY_API_SECRET,
    )
    bodies.append(
        client.generic("POST", "/webhooks", hook, "application/json", **headers).content
    )
    # A forged token and a bad signature are logged as refusals: without values.
    forged = {"HTTP_AUTHORIZATION": f"Bearer {token[:-4]}AAAA"}
    bodies.append(client.get("/api/products", **forged).content)

    out, err = capfd.readouterr()
    logs = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    secrets = {
        "app secret": settings.SHOPIFY_API_SECRET,
        "gemini key": settings.GEMINI_API_KEY,
        "access token": access_token,
        "session token": token,
        "session token signature": token.rsplit(".", 1)[1],
        "secret key": settings.SECRET_KEY,
    }
    haystacks = {
        "records": logs,
        "stdout": out,
        "stderr": err,
        "bodies": b"".join(bodies).decode("utf-8", "replace"),
    }
    leaks = {
        (name, where)
        for name, value in secrets.items()
        for where, text in haystacks.items()
        if value and value in text
    }
    assert len(caplog.records) > 10
    assert leaks == set()
