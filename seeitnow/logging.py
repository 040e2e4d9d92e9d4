"""Request ids and JSON logs (SPEC §11).

The request id lives in a context variable so that every log line written while a
request or a queued task runs carries it; tasks receive it as an argument and call
`bind_request_id` before doing anything.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
# An incoming id is echoed back and logged, so only plain tokens are accepted.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Attributes every LogRecord has; anything else was passed through `extra=`.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__
) | {"message", "asctime", "request_id"}


def get_request_id() -> str:
    """Return the request id of the current request or task ("-" outside one)."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind_request_id(request_id: str | None) -> Iterator[str]:
    """Make `request_id` (or a fresh one) current for the duration of the block."""
    valid = request_id and request_id != "-" and _VALID_REQUEST_ID.match(request_id)
    value = request_id if valid else None
    token = _request_id.set(value or new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    """Take `X-Request-ID` from the request (or make one) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bind_request_id(request.headers.get("X-Request-ID")) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response


# Query parameters that are credentials: a session token in `id_token` stays
# valid for a minute, and nothing signed belongs in a log.
_SECRET_PARAM = re.compile(r"(?i)\b(id_token|hmac|signature|session)=[^&\s\"'#]*")
_PLAIN_TYPES = (int, float, bool, type(None), dict, list, tuple)


def scrub(text: str) -> str:
    """`text` with the values of credential query parameters redacted."""
    return _SECRET_PARAM.sub(r"\1=[redacted]", text)


class RequestIdFilter(logging.Filter):
    """Adds the request id and redacts credentials from the message and extras
    (django.request passes the request, whose repr has the full query string;
    runserver logs the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = get_request_id()
        record.msg, record.args = scrub(record.getMessage()), None
        for key, value in list(record.__dict__.items()):
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            if not isinstance(value, _PLAIN_TYPES):
                setattr(record, key, scrub(str(value)))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, requestId, extras."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": getattr(record, "request_id", get_request_id()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
