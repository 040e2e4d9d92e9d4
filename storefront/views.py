"""Storefront endpoints behind the Shopify App Proxy (SPEC §5).

`app_proxy_required` verifies the signature, sets `request.shop`, answers OPTIONS
with 204, turns AppError into its JSON and adds `Cache-Control: no-store` and the
shop's CORS headers (it also exempts the view from CSRF: the query is signed).
Each view parses (`renders.inputs`), calls one service and answers through
`storefront.responses`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from renders import inputs, selectors
from renders.services import rooms, runs, selection
from seeitnow.http import AppError, client_fingerprint, parse_json_body
from seeitnow.logging import get_request_id
from shops.auth import app_proxy_required
from storefront import responses


def _post_body(request: HttpRequest) -> dict:
    if request.method != "POST":
        raise AppError("method_not_allowed", "Use POST.", 405)
    return parse_json_body(request)


@app_proxy_required
def room_upload(request: HttpRequest) -> JsonResponse:
    """Start a room session; answer with the signed upload URL."""
    content_type = inputs.room_content_type_parse(
        _post_body(request).get("content_type")
    )
    upload = rooms.room_session_create(shop=request.shop, content_type=content_type)
    return responses.room_upload(upload)


@app_proxy_required
def room_confirm(request: HttpRequest) -> JsonResponse:
    """Validate and canonicalise the uploaded room photo."""
    confirm = inputs.room_confirm_parse(_post_body(request))
    room = rooms.room_session_confirm(
        shop=request.shop, room_session_id=confirm.room_session_id, crop=confirm.crop
    )
    return responses.room_confirmed(room)


@app_proxy_required
def render(request: HttpRequest) -> JsonResponse:
    """Start a run; wait for it (sync, default) or answer 202 at once (async)."""
    render_input = inputs.render_parse(_post_body(request))
    run = runs.render_start(
        shop=request.shop,
        request=render_input,
        request_id=get_request_id(),
        client=client_fingerprint(request),
    )
    if not render_input.is_async:
        run = runs.render_run_wait(run=run, timeout_s=settings.RENDER_SYNC_WAIT_S)
    public = selectors.render_run_public(run=run)
    if not run.is_finished:
        return responses.render_pending(
            run=run,
            status="pending" if render_input.is_async else public["status"],
            url=responses.poll_url(
                path_prefix=request.GET.get("path_prefix"), run_id=run.id
            ),
        )
    if not public["variants"]:
        raise AppError(
            "all_variants_failed", "No image could be rendered; please try again.", 422
        )
    return responses.render_state(public)


@app_proxy_required
def render_poll(request: HttpRequest, run_id: str) -> JsonResponse:
    """Progress of a run and the variants finished so far."""
    if request.method != "GET":
        raise AppError("method_not_allowed", "Use GET.", 405)
    run = selectors.render_run_get(
        shop=request.shop, run_id=inputs.run_id_parse(run_id)
    )
    poll = inputs.poll_parse(request.GET, max_wait_s=settings.RENDER_POLL_MAX_WAIT_S)
    if poll.wait_s:
        run = selectors.render_run_await(run=run, after=poll.after, wait_s=poll.wait_s)
    return responses.render_state(selectors.render_run_public(run=run))


@app_proxy_required
def select(request: HttpRequest) -> JsonResponse:
    """Record the shopper's chosen variant, optionally upscaled."""
    choice = inputs.select_parse(_post_body(request))
    return responses.selected(selection.render_select(shop=request.shop, choice=choice))


@app_proxy_required
def added_to_cart(request: HttpRequest) -> JsonResponse:
    """The shopper added the chosen variant to the cart: count it for the merchant."""
    job_id = inputs.cart_parse(_post_body(request))
    return responses.added_to_cart(
        selection.render_job_added_to_cart(shop=request.shop, job_id=job_id)
    )


@app_proxy_required(allowlist=False)
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under the proxy: JSON 404, only once the request verified."""
    raise AppError("not_found", "Unknown storefront route.", 404)
