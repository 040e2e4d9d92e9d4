"""Answers for failures that no view can handle itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from seeitnow.http import RETRY_AFTER_S

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """The database refused or ran out of connections: JSON 503 with Retry-After.

    Never Django's HTML 500: Shopify's App Proxy would replace it with a page the
    widget cannot read, and a client told when to come back can simply retry.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database unavailable: %s", type(exception).__name__)
        response = JsonResponse(
            {
                "error": "service_unavailable",
                "message": "The service is busy; please try again in a moment.",
            },
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_S)
        response["Cache-Control"] = "no-store"
        return response
