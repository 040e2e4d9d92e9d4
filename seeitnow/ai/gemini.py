"""The Gemini provider: the only module in the project that imports google-genai."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import TypeVar

import httpx
import requests
from django.conf import settings
from django.utils import timezone
from google import genai
from google.genai import errors, types
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ValidationError

from seeitnow.ai.base import (
    TEXT_TEMPERATURE,
    AIError,
    AIProvider,
    ImageInput,
    ProductText,
    UploadedFile,
)
from seeitnow.ai.ratelimit import rate_wait
from seeitnow.ai.rules import UPSCALE_INSTRUCTION
from seeitnow.ai.schema import (
    ProductPlacementFacts,
    PromptPack,
    response_json_schema,
)

logger = logging.getLogger(__name__)

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")

RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504]
# A cached Files API upload is reused only while it outlives any render it feeds.
UPLOAD_REUSE_MARGIN = timedelta(hours=1)
# gemini-2.5-flash-image / gemini-3-pro-image accept only these frames.
SUPPORTED_ASPECT_RATIOS = (
    "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9",
)  # fmt: skip
# Candidates stopped for these reasons were withheld by Google's filters.
REFUSAL_FINISH_REASONS = frozenset(
    {
        "SAFETY",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "RECITATION",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
    }
)


def _timeout_errors() -> tuple[type[Exception], ...]:
    # google-genai sends through httpx2 by default, httpx when
    # GOOGLE_GENAI_HTTP_CLIENT=httpx, and requests only with Google auth sessions.
    classes: list[type[Exception]] = [httpx.TimeoutException, requests.Timeout]
    with contextlib.suppress(ImportError):
        import httpx2

        classes.append(httpx2.TimeoutException)
    return tuple(classes)


def _transport_errors() -> tuple[type[Exception], ...]:
    classes: list[type[Exception]] = [httpx.TransportError, requests.ConnectionError]
    with contextlib.suppress(ImportError):
        import httpx2

        classes.append(httpx2.TransportError)
    return tuple(classes)


TIMEOUT_ERRORS = _timeout_errors()
TRANSPORT_ERRORS = _transport_errors()


class GeminiProvider(AIProvider):
    """Gemini Developer API behind the AIProvider interface; one client, thread-safe.

    The sync client shares one connection pool (httpx clients are thread-safe) and
    tenacity keeps retry state per thread, so one instance serves the renderer's
    thread pool.
    """

    name = "gemini"
    prep_strategy = "batch"
    caches_files = True

    def __init__(self, *, retry_initial_delay_s: float = 1.0) -> None:
        self._api_key = settings.GEMINI_API_KEY
        if not self._api_key:
            raise AIError("ai_error", "GEMINI_API_KEY is not set")
        self._retry_delay_s = retry_initial_delay_s
        self._sleep = time.sleep
        # The SDK defaults to v1 since 3.x, but Google documents the Files API
        # (upload/v1beta/files) and image output (responseModalities IMAGE,
        # imageConfig) on v1beta, and preview models land there first; so the
        # setting pins v1beta unless an operator overrides it.
        self._client = genai.Client(
            api_key=self._api_key,
            http_options=types.HttpOptions(
                base_url=settings.GEMINI_BASE_URL or None,
                api_version=settings.GEMINI_API_VERSION or "v1beta",
                timeout=int(settings.GEMINI_TIMEOUT_S * 1000),
                retry_options=types.HttpRetryOptions(
                    attempts=settings.GEMINI_RETRY_ATTEMPTS,
                    initial_delay=retry_initial_delay_s,
                    jitter=retry_initial_delay_s,
                    http_status_codes=RETRY_STATUS_CODES,
                ),
            ),
        )

    def model_for(self, purpose: str) -> str:
        """The configured Gemini model for "text", "image" or "upscale"."""
        models = {
            "text": settings.GEMINI_TEXT_MODEL,
            "image": settings.GEMINI_IMAGE_MODEL,
            "upscale": settings.GEMINI_UPSCALE_MODEL,
        }
        if purpose not in models:
            raise ValueError(f"unknown model purpose: {purpose!r}")
        return models[purpose]

    def extract_facts(
        self, *, product: ProductText, images: list[ImageInput], instructions: str
    ) -> ProductPlacementFacts:
        """LLM #1 with structured output; raises AIError."""
        product_json = json.dumps(
            {
                "title": product.title,
                "description": product.description,
                "product_type": product.product_type,
                "vendor": product.vendor,
                "tags": list(product.tags),
                "metafields": product.metafields,
            },
            ensure_ascii=False,
        )
        parts = [_image_part(image) for image in images]
        parts.append(types.Part.from_text(text=f"Product data (JSON):\n{product_json}"))
        return self._structured(
            what="extractor",
            contents=parts,
            instructions=instructions,
            schema=ProductPlacementFacts,
        )

    def build_prompt_pack(
        self, *, resolved_facts: dict, instructions: str, context: str
    ) -> PromptPack:
        """LLM #2 with structured output; `context` already holds the facts JSON."""
        return self._structured(
            what="prompt builder",
            contents=[types.Part.from_text(text=context)],
            instructions=instructions,
            schema=PromptPack,
        )

    def ensure_uploaded(
        self, *, image: ImageInput, cached: UploadedFile | None
    ) -> UploadedFile:
        """Reuse `cached` while valid for over an hour, else upload; raises AIError."""
        if cached is not None and cached.expires_at - timezone.now() > (
            UPLOAD_REUSE_MARGIN
        ):
            return cached
        config = types.UploadFileConfig(mime_type=image.mime_type)
        uploaded = self._call(
            lambda: self._client.files.upload(
                file=io.BytesIO(image.data), config=config
            )
        )
        if uploaded.state is not None and uploaded.state.name == "FAILED":
            raise AIError("ai_error", "Gemini Files API rejected the upload")
        if not uploaded.uri or uploaded.expiration_time is None:
            raise AIError("ai_bad_response", "Files API answer lacks uri or expiry")
        return UploadedFile(
            uri=uploaded.uri, expires_at=uploaded.expiration_time.astimezone(UTC)
        )

    def render_variant(
        self,
        *,
        product_image: ImageInput,
        room_image: ImageInput,
        prompt: str,
        aspect_ratio: str,
        variant_id: str,
        facts: dict,
        timeout_s: float,
    ) -> bytes:
        """Product (PNG), room (JPEG), prompt → composite JPEG; raises AIError."""
        contents = [
            _image_part(product_image),
            _image_part(room_image),
            types.Part.from_text(text=prompt),
        ]
        response = self._generate_within(
            model=settings.GEMINI_IMAGE_MODEL,
            contents=contents,
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio),
            timeout_s=timeout_s,
        )
        return _first_image_as_jpeg(response, what=f"render {variant_id}")

    def upscale(self, *, image: ImageInput, timeout_s: float) -> bytes:
        """The same composition at 2K through the upscale model; raises AIError."""
        with Image.open(io.BytesIO(image.data)) as im:
            aspect_ratio = _nearest_aspect_ratio(*im.size)
        response = self._generate_within(
            model=settings.GEMINI_UPSCALE_MODEL,
            contents=[
                _image_part(image),
                types.Part.from_text(text=UPSCALE_INSTRUCTION),
            ],
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio, image_size="2K"),
            timeout_s=timeout_s,
        )
        return _first_image_as_jpeg(response, what="upscale")

    # -- calls -----------------------------------------------------------------

    def _structured(
        self,
        *,
        what: str,
        contents: list[types.Part],
        instructions: str,
        schema: type[Model],
    ) -> Model:
        # `response_schema` would be serialised as Gemini's proto Schema, which
        # refuses `additionalProperties` (our models forbid extra fields): the
        # JSON Schema field is the one the Developer API accepts for them.
        config = types.GenerateContentConfig(
            system_instruction=instructions,
            temperature=TEXT_TEMPERATURE,
            response_mime_type="application/json",
            response_json_schema=response_json_schema(schema),
            # 429s are ours to pace (their retryDelay, the shared budget below);
            # the SDK still retries the transient server errors.
            http_options=types.HttpOptions(
                retry_options=types.HttpRetryOptions(
                    attempts=max(1, settings.GEMINI_RETRY_ATTEMPTS),
                    initial_delay=self._retry_delay_s,
                    jitter=self._retry_delay_s,
                    http_status_codes=[c for c in RETRY_STATUS_CODES if c != 429],
                )
            ),
        )
        response = self._paced(
            model=settings.GEMINI_TEXT_MODEL,
            send=lambda: self._client.models.generate_content(
                model=settings.GEMINI_TEXT_MODEL, contents=contents, config=config
            ),
        )
        _raise_if_refused(response, what=what)
        text = _response_text(response)
        if not text:
            raise AIError("ai_bad_response", f"{what}: the model returned no text")
        try:
            return schema.model_validate_json(text)
        except ValidationError as exc:
            raise AIError(
                "ai_bad_response", f"{what}: invalid answer: {_describe(exc)}"
            ) from None

    def _generate_within(
        self,
        *,
        model: str,
        contents: list[types.Part],
        image_config: types.ImageConfig,
        timeout_s: float,
    ) -> types.GenerateContentResponse:
        """An image call that never outlives `timeout_s`, retries included.

        The SDK's retries restart the per-attempt timeout, so they cannot honour a
        total budget; here each attempt gets only the time that is left.
        """
        deadline = time.monotonic() + timeout_s
        delay = self._retry_delay_s
        attempts = max(1, settings.GEMINI_RETRY_ATTEMPTS)
        for attempt in range(1, attempts + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            config = types.GenerateContentConfig(
                response_modalities=["TEXT", "IMAGE"],
                image_config=image_config,
                http_options=types.HttpOptions(
                    timeout=max(1, int(remaining * 1000)),
                    retry_options=types.HttpRetryOptions(attempts=1),
                ),
            )
            try:
                return self._call(
                    lambda config=config: self._client.models.generate_content(
                        model=model, contents=contents, config=config
                    )
                )
            except AIError as exc:
                if not exc.retryable:
                    raise
                if attempt == attempts or time.monotonic() + 2 * delay >= deadline:
                    raise
                logger.info("gemini %s: %s, retrying in %.2fs", model, exc, delay)
            # Jitter keeps a burst of parallel variants from retrying in lockstep.
            time.sleep(delay * (1 + random.random()))
            delay *= 2
        raise AIError(
            "ai_timeout", f"Gemini did not answer within {timeout_s:g}s", retryable=True
        )

    def _paced(self, *, model: str, send: Callable[[], T]) -> T:
        """One call within the model's shared per-minute budget (GEMINI_RPM).

        A 429 is not a failure while GEMINI_RATE_LIMIT_MAX_WAIT_S lasts: wait for
        the delay Gemini asks for (its RetryInfo), then take a new slot and retry.
        """
        rpm = int(settings.GEMINI_RPM.get(model, 0))
        waited = 0.0
        while True:
            waited += rate_wait(model=model, rpm=rpm, sleep=self._sleep)
            try:
                return self._call(send)
            except AIError as exc:
                if exc.code != "ai_rate_limited":
                    raise
                pause = exc.retry_after_s or self._retry_delay_s
                if waited + pause > settings.GEMINI_RATE_LIMIT_MAX_WAIT_S:
                    raise
                logger.info("gemini %s: 429, waiting %.1fs", model, pause)
                self._sleep(pause)
                waited += pause

    def _call(self, send: Callable[[], T]) -> T:
        """Run one SDK call, turning every failure into an AIError without secrets."""
        try:
            return send()
        except errors.APIError as exc:
            raise self._api_error(exc) from None
        except TIMEOUT_ERRORS:
            raise AIError(
                "ai_timeout", "Gemini did not answer in time", retryable=True
            ) from None
        except TRANSPORT_ERRORS as exc:
            raise AIError(
                "ai_unavailable",
                f"cannot reach Gemini: {self._scrub(type(exc).__name__)}",
                retryable=True,
            ) from None
        except (ValueError, KeyError) as exc:
            # The SDK raises these for unparseable bodies and broken uploads.
            raise AIError(
                "ai_bad_response", f"unexpected Gemini answer: {self._scrub(str(exc))}"
            ) from None

    def _api_error(self, exc: errors.APIError) -> AIError:
        detail = self._scrub(f"{exc.code} {exc.status or ''}: {exc.message or ''}")
        if exc.code == 429:
            return AIError(
                "ai_rate_limited",
                f"Gemini rate limit: {detail}",
                retryable=True,
                retry_after_s=_retry_delay_s(exc.details),
            )
        if exc.code == 408:
            return AIError("ai_timeout", f"Gemini timed out: {detail}", retryable=True)
        if isinstance(exc, errors.ServerError):
            return AIError(
                "ai_unavailable", f"Gemini unavailable: {detail}", retryable=True
            )
        return AIError("ai_error", f"Gemini rejected the request: {detail}")

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "[redacted]") if self._api_key else text


def _image_part(image: ImageInput) -> types.Part:
    if image.file_uri:
        return types.Part.from_uri(file_uri=image.file_uri, mime_type=image.mime_type)
    return types.Part.from_bytes(data=image.data, mime_type=image.mime_type)


def _candidate_parts(response: types.GenerateContentResponse) -> list[types.Part]:
    if not response.candidates or response.candidates[0].content is None:
        return []
    return list(response.candidates[0].content.parts or [])


def _response_text(response: types.GenerateContentResponse) -> str:
    return "".join(p.text for p in _candidate_parts(response) if p.text).strip()


def _raise_if_refused(response: types.GenerateContentResponse, *, what: str) -> None:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = feedback.block_reason.value
        raise AIError("ai_refused", f"{what}: Gemini blocked the request ({reason})")
    if response.candidates:
        finish = response.candidates[0].finish_reason
        if finish is not None and finish.value in REFUSAL_FINISH_REASONS:
            raise AIError(
                "ai_refused", f"{what}: Gemini withheld the answer ({finish.value})"
            )
    else:
        raise AIError("ai_bad_response", f"{what}: Gemini returned no candidates")


def _first_image_as_jpeg(
    response: types.GenerateContentResponse, *, what: str
) -> bytes:
    _raise_if_refused(response, what=what)
    for part in _candidate_parts(response):
        blob = part.inline_data
        if blob is None or not blob.data:
            continue
        if not (blob.mime_type or "").startswith("image/"):
            continue
        try:
            with Image.open(io.BytesIO(blob.data)) as im:
                if im.format == "JPEG" and im.mode in ("RGB", "L"):
                    # Already what we store: re-encoding costs time and quality.
                    return blob.data
                out = io.BytesIO()
                im.convert("RGB").save(out, "JPEG", quality=92)
                return out.getvalue()
        except (UnidentifiedImageError, OSError):
            raise AIError(
                "ai_bad_response", f"{what}: the returned image cannot be decoded"
            ) from None
    text = _response_text(response)
    said = f"; the model said: {text[:500]}" if text else ""
    raise AIError("ai_bad_response", f"{what}: no image in the answer{said}")


def _nearest_aspect_ratio(width: int, height: int) -> str:
    def distance(ratio: str) -> float:
        w, h = (int(x) for x in ratio.split(":"))
        return abs(w / h - width / height)

    return min(SUPPORTED_ASPECT_RATIOS, key=distance)


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:3]:
        where = ".".join(str(x) for x in error["loc"]) or "answer"
        problems.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(problems)
    if more > 0:
        problems.append(f"and {more} more")
    return "; ".join(problems)


def _retry_delay_s(body: object) -> float | None:
    """The `retryDelay` of a Google error body's RetryInfo ("37s" → 37.0), if any."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else []:
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return max(0.0, float(delay[:-1]))
            except ValueError:
                return None
    return None
