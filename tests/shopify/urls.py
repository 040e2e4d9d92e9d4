"""The app's routes plus views decorated the way the app's own views are."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import include, path

from seeitnow.http import AppError, parse_json_body
from shops.auth import app_proxy_required, shop_admin_required


@app_proxy_required
def proxy_echo(request):
    if request.GET.get("fail"):
        raise AppError("room_not_found", "Room not found.", 404)
    if request.GET.get("read_body"):
        return JsonResponse({"body": parse_json_body(request)})
    return JsonResponse({"shop": request.shop.shop_domain})


@app_proxy_required(allowlist=False)
def proxy_no_allowlist(request):
    return JsonResponse({"shop": request.shop.shop_domain})


@shop_admin_required
def admin_echo(request):
    return JsonResponse({"shop": request.shop.shop_domain, "plan": request.shop.plan})


urlpatterns = [
    path("proxy/echo", proxy_echo),
    path("proxy/open", proxy_no_allowlist),
    path("app/echo", admin_echo),
    path("", include("merchant.urls")),
    path("", include("shops.urls")),
]
