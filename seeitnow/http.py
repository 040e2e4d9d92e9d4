"""One shape for every JSON answer: `{"error": code, "message": text}` on failure."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


# How long a client told the service is unavailable (503) waits before retrying.
RETRY_AFTER_S = 5


class AppError(Exception):
    """An expected failure with the code, message and HTTP status the client gets."""

    def __init__(self, code: str, message: str, status: int = 400, **extra: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    def __repr__(self) -> str:
        return f"AppError({self.code!r}, {self.message!r}, {self.status})"


def json_ok(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status)


def json_error(
    code: str, message: str, status: int = 400, **extra: Any
) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


def error_response(error: AppError) -> JsonResponse:
    response = json_error(error.code, error.message, error.status, **error.extra)
    if error.status == 503:
        # Unavailable for a moment: the client is told when to come back.
        response["Retry-After"] = str(RETRY_AFTER_S)
        response["Cache-Control"] = "no-store"
    return response


# No field the app reads needs more: ids are at most 20 digits.
JSON_MAX_NUMBER_CHARS = 40


def _parse_int(text: str) -> int:
    if len(text) > JSON_MAX_NUMBER_CHARS:
        raise ValueError("number too long")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text) if len(text) <= JSON_MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_loads(data: bytes | str) -> Any:
    """`json.loads` that raises ValueError (never anything else) for hostile input:
    invalid UTF-8, numbers longer than JSON_MAX_NUMBER_CHARS (int() of thousands of
    digits is quadratic, and Python refuses past 4,300), NaN/Infinity, nesting
    deeper than the interpreter's recursion limit."""
    try:
        return json.loads(
            data,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def parse_json_body(request: HttpRequest) -> dict[str, Any]:
    """Decode a JSON object body; raises AppError `invalid_json` otherwise."""
    if not request.body:
        return {}
    try:
        data = json_loads(request.body)
    except ValueError as exc:
        raise AppError("invalid_json", "Request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise AppError("invalid_json", "Request body must be a JSON object.")
    return data


def parse_uuid(value: Any, *, code: str, message: str, status: int = 400) -> uuid.UUID:
    """A UUID given as a JSON string or path segment; raises AppError(code)."""
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise AppError(code, message, status)


def client_fingerprint(request: HttpRequest) -> str:
    """A keyed hash of the client's address, for rate limits only: the address
    itself is never stored or logged. Behind Shopify's proxy the shopper is the
    first X-Forwarded-For entry; otherwise the peer address."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    address = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def json_methods(*methods: str) -> Callable[[Callable], Callable]:
    """Django's `require_http_methods` for JSON routes: any other method gets a
    JSON 405 `method_not_allowed` with `Allow`, before anything else runs."""
    allowed = [method.upper() for method in methods]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = json_error(
                    "method_not_allowed", f"Use {' or '.join(allowed)}.", 405
                )
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
