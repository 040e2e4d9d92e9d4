"""A fake Gemini Developer API: a real HTTP server speaking the REST wire format.

The real `google-genai` client is pointed at it (`HttpOptions(base_url=...)`), so
tests exercise the SDK's request building, retries, timeouts and response parsing.
Covered: `POST /{v1|v1beta}/models/{model}:generateContent`, the Files API
resumable upload (`POST /upload/{ver}/files` start, then `upload, finalize` on the
returned URL), `GET` and `DELETE /{ver}/files/{id}`; errors are
`{"error": {"code", "message", "status"}}` like Google's.

Answers are scripted per model (or for any model with `"*"`); when none is queued,
image requests get a Pillow JPEG at the requested aspect ratio and text requests a
400 that names the missing script. Every request is logged for assertions.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageDraw

API_KEY = "test-key"
UPLOAD = ":upload"
FILE_TTL = timedelta(hours=48)

_GENERATE_RE = re.compile(r"^/(v1|v1beta)/models/([^/:]+):generateContent$")
_UPLOAD_RE = re.compile(r"^/upload/(v1|v1beta)/files$")
_FILE_RE = re.compile(r"^/(v1|v1beta)/files/([^/]+)$")

# Google's canonical status names, as the real API puts them in error bodies.
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer to a generateContent call.

    `body` is sent verbatim when given; otherwise a candidate is built from
    `text` and, when `image` is set, an inline image part (sized from the
    request's aspect ratio unless `image_size` is given).
    """

    status: int = 200
    body: dict | None = None
    text: str | None = None
    image: bool = False
    image_size: tuple[int, int] | None = None
    image_mime: str = "image/jpeg"
    finish_reason: str = "STOP"
    delay_s: float = 0.0


def json_reply(obj: Any, *, delay_s: float = 0.0) -> Reply:
    """A text answer holding `obj` serialised as JSON (structured output)."""
    return Reply(text=json.dumps(obj), delay_s=delay_s)


def text_reply(text: str, *, delay_s: float = 0.0) -> Reply:
    """A text-only answer (malformed JSON, a refusal, an answer with no image)."""
    return Reply(text=text, delay_s=delay_s)


def image_reply(
    *,
    text: str | None = None,
    size: tuple[int, int] | None = None,
    mime_type: str = "image/jpeg",
    delay_s: float = 0.0,
) -> Reply:
    """An image answer, optionally preceded by a text part."""
    return Reply(
        text=text, image=True, image_size=size, image_mime=mime_type, delay_s=delay_s
    )


def error_reply(code: int, message: str | None = None) -> Reply:
    """An HTTP error with Google's error body."""
    return Reply(status=code, body=_error_body(code, message or f"fake error {code}"))


def blocked_reply(reason: str = "SAFETY") -> Reply:
    """The prompt was blocked: no candidates, `promptFeedback.blockReason`."""
    return Reply(body={"promptFeedback": {"blockReason": reason}, **_usage()})


def finished_reply(finish_reason: str, text: str | None = None) -> Reply:
    """A candidate that stopped for `finish_reason` (e.g. IMAGE_SAFETY)."""
    return Reply(text=text, finish_reason=finish_reason)


@dataclass
class RecordedRequest:
    """What the fake received: method, path, query, lower-cased headers, body."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def model(self) -> str | None:
        """The model name of a generateContent call, else None."""
        match = _GENERATE_RE.match(self.path)
        return match.group(2) if match else None

    @property
    def version(self) -> str | None:
        """The API version segment of the path (v1 or v1beta)."""
        match = re.match(r"^/(?:upload/)?(v1|v1beta)/", self.path)
        return match.group(1) if match else None

    @property
    def parts(self) -> list[dict]:
        """The parts of the first content of a generateContent call."""
        return self.body["contents"][0]["parts"]

    def part_summary(self) -> list[tuple]:
        """The parts as ("inline", mime, bytes) | ("file", mime, uri) | ("text", s)."""
        summary: list[tuple] = []
        for part in self.parts:
            inline = _field(part, "inlineData")
            file_data = _field(part, "fileData")
            if inline is not None:
                # The SDK encodes bytes URL-safe; Google accepts either alphabet.
                data = base64.urlsafe_b64decode(_field(inline, "data"))
                summary.append(("inline", _field(inline, "mimeType"), data))
            elif file_data is not None:
                uri = _field(file_data, "fileUri")
                summary.append(("file", _field(file_data, "mimeType"), uri))
            else:
                summary.append(("text", part["text"]))
        return summary


@dataclass
class _StoredFile:
    meta: dict
    data: bytes = b""


@dataclass
class _Upload:
    version: str
    mime_type: str | None


@functools.lru_cache(maxsize=32)
def make_jpeg(size: tuple[int, int], *, mime_type: str = "image/jpeg") -> bytes:
    """A small real image (JPEG or PNG) with a drawn rectangle, `size` pixels.

    Cached: the real service does not spend this machine's CPU on its images, so
    the fake should not either (it shares the cores with the app in benchmarks).
    """
    im = Image.new("RGB", size, (182, 170, 150))
    draw = ImageDraw.Draw(im)
    w, h = size
    draw.rectangle((w // 3, h // 3, 2 * w // 3, 5 * h // 6), fill=(90, 60, 40))
    out = io.BytesIO()
    if mime_type == "image/png":
        im.save(out, "PNG")
    else:
        im.save(out, "JPEG", quality=85)
    return out.getvalue()


def size_for_aspect(aspect_ratio: str | None, long_side: int = 1024) -> tuple[int, int]:
    """Pixel size with `long_side` for "W:H" (1:1 when missing)."""
    w, h = (int(x) for x in (aspect_ratio or "1:1").split(":"))
    if w >= h:
        return long_side, round(long_side * h / w)
    return round(long_side * w / h), long_side


def _error_body(code: int, message: str) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "status": _STATUS_NAMES.get(code, "UNKNOWN"),
        }
    }


def _quota_body(model: str, wait_s: float) -> dict:
    """Google's per-minute quota refusal, with the RetryInfo clients wait on."""
    body = _error_body(
        429,
        "You exceeded your current quota, please check your plan and billing "
        f"details. Quota exceeded for metric: generate_content_requests, model: "
        f"{model}. Please retry in {wait_s:.1f}s.",
    )
    body["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/"
                    "generate_content_requests",
                    "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": f"{max(1, int(wait_s + 0.999))}s",
        },
    ]
    return body


def _usage() -> dict:
    return {
        "usageMetadata": {
            "promptTokenCount": 120,
            "candidatesTokenCount": 40,
            "totalTokenCount": 160,
        }
    }


def _field(obj: dict, camel: str) -> Any:
    """A field by its proto JSON name; the SDK sends some nested ones snake_case."""
    snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel)
    return obj.get(camel, obj.get(snake))


# The fields of Gemini's proto `Schema` (camelCase or their snake_case names);
# `response_schema` is parsed into it, so any other name is an unknown field.
_PROTO_SCHEMA_FIELDS = frozenset(
    {
        "type", "format", "title", "description", "nullable", "enum", "maxItems",
        "minItems", "properties", "required", "minProperties", "maxProperties",
        "minLength", "maxLength", "pattern", "example", "anyOf",
        "propertyOrdering", "default", "items", "minimum", "maximum",
    }
)  # fmt: skip
# What the Developer API documents for `responseJsonSchema`.
_JSON_SCHEMA_KEYWORDS = frozenset(
    {
        "$id", "$defs", "$ref", "$anchor", "type", "format", "title",
        "description", "enum", "items", "prefixItems", "minItems", "maxItems",
        "minimum", "maximum", "anyOf", "oneOf", "properties",
        "additionalProperties", "required", "propertyOrdering",
    }
)  # fmt: skip


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _refuse_config(config: dict) -> str | None:
    """The INVALID_ARGUMENT message the real API gives this generationConfig."""
    proto = config.get("responseSchema", config.get("response_schema"))
    json_schema = config.get("responseJsonSchema", config.get("response_json_schema"))
    if proto is not None and json_schema is not None:
        return "response_schema and response_json_schema cannot both be set."
    if json_schema is not None and config.get("responseMimeType") != (
        "application/json"
    ):
        return "response_json_schema requires response_mime_type application/json."
    if proto is not None:
        where = _unknown_proto_field(proto, "generation_config.response_schema")
        if where:
            name, at = where
            return (
                f'Invalid JSON payload received. Unknown name "{name}" at '
                f"'{at}': Cannot find field."
            )
    if json_schema is not None:
        problem = _unsupported_json_keyword(json_schema, "response_json_schema")
        if problem:
            return f"Invalid response_json_schema: {problem}"
    return None


def _unknown_proto_field(node: Any, at: str) -> tuple[str, str] | None:
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        if _camel(key) not in _PROTO_SCHEMA_FIELDS:
            return key, at
        if _camel(key) == "properties":
            for index, sub in enumerate(value.values()):
                found = _unknown_proto_field(sub, f"{at}.properties[{index}].value")
                if found:
                    return found
        elif _camel(key) == "items":
            found = _unknown_proto_field(value, f"{at}.items")
            if found:
                return found
        elif _camel(key) == "anyOf":
            for index, sub in enumerate(value):
                found = _unknown_proto_field(sub, f"{at}.any_of[{index}]")
                if found:
                    return found
    return None


def _unsupported_json_keyword(node: Any, at: str) -> str | None:
    if not isinstance(node, dict):
        return None
    if "$ref" in node and any(not k.startswith("$") for k in node):
        return f"{at}: $ref admits no sibling keywords"
    for key, value in node.items():
        if key not in _JSON_SCHEMA_KEYWORDS:
            return f"{at}: unsupported keyword {key!r}"
        children: list[tuple[str, Any]] = []
        if key in ("properties", "$defs"):
            children = [(f"{at}.{key}.{name}", sub) for name, sub in value.items()]
        elif key in ("items", "additionalProperties"):
            children = [(f"{at}.{key}", value)]
        elif key in ("anyOf", "oneOf", "prefixItems"):
            children = [(f"{at}.{key}[{i}]", sub) for i, sub in enumerate(value)]
        for where, sub in children:
            problem = _unsupported_json_keyword(sub, where)
            if problem:
                return problem
    return None


_JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _scripted_answer_problem(text: str, schema: dict | None) -> str | None:
    """Where a JSON answer breaks `schema`; None when it fits or is not JSON.

    Truncated or malformed JSON stays possible (an answer cut at the token
    limit), so only answers that parse are checked.
    """
    if schema is None:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    return _violation(answer, schema, schema, "answer")


def _violation(value: Any, node: dict, root: dict, at: str) -> str | None:
    if "$ref" in node:
        target: Any = root
        for step in node["$ref"].removeprefix("#/").split("/"):
            target = target[step]
        return _violation(value, target, root, at)
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        if all(_violation(value, alt, root, at) for alt in alternatives):
            return f"{at}: matches no alternative"
        return None
    kind = node.get("type")
    if kind is not None:
        python_type = _JSON_TYPES[kind]
        if isinstance(value, bool) and kind in ("integer", "number"):
            return f"{at}: expected {kind}"
        if not isinstance(value, python_type):
            return f"{at}: expected {kind}"
    if "enum" in node and value not in node["enum"]:
        return f"{at}: {value!r} is not one of {node['enum']}"
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for name in node.get("required", []):
            if name not in value:
                return f"{at}: missing {name!r}"
        for name, sub in value.items():
            if name in properties:
                problem = _violation(sub, properties[name], root, f"{at}.{name}")
                if problem:
                    return problem
            elif node.get("additionalProperties") is False:
                return f"{at}: unexpected property {name!r}"
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            problem = _violation(item, node["items"], root, f"{at}[{index}]")
            if problem:
                return problem
    return None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeGemini:
    """The fake server; start(), script answers with `queue`, read `requests`."""

    def __init__(self, *, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, _StoredFile] = {}
        self._replies: dict[str, deque[Reply]] = defaultdict(deque)
        self._uploads: dict[str, _Upload] = {}
        self._in_flight = 0
        self.max_in_flight = 0
        # Per-model requests per clock minute, refused beyond with a 429 (as
        # Gemini's per-minute quota does); see limit_rpm.
        self._rpm: dict[str, int] = {}
        self._minute_counts: dict[tuple[str, int], int] = defaultdict(int)
        self.refused_429 = 0
        self.clock = time.time
        # Default structured answers by response schema title (see answer_by_schema).
        self._by_schema: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to hand to the client (no version, no trailing slash)."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGemini:
        """Listen on 127.0.0.1 at a free port, serving from a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A slow scripted answer must not hold up stop().
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-gemini",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake delayed answers, stop serving and close the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def limit_rpm(self, model: str, rpm: int) -> None:
        """Refuse calls to `model` beyond `rpm` per clock minute: 429
        RESOURCE_EXHAUSTED with a RetryInfo `retryDelay` to the next minute."""
        with self._lock:
            self._rpm[model] = rpm

    def _over_quota(self, model: str) -> float | None:
        """Count a call; the seconds to wait when the model's minute is spent."""
        now = self.clock()
        minute = int(now // 60)
        with self._lock:
            limit = self._rpm.get(model)
            if limit is None:
                return None
            if self._minute_counts[(model, minute)] >= limit:
                self.refused_429 += 1
                return (minute + 1) * 60 - now
            self._minute_counts[(model, minute)] += 1
        return None

    def answer_by_schema(self, **answers: Any) -> None:
        """When nothing is scripted, answer a structured call whose
        responseJsonSchema has this title (e.g. ProductPlacementFacts=...) with
        that JSON: any number of extractor and builder calls, in any order."""
        with self._lock:
            self._by_schema.update(answers)

    def queue(self, model: str, *replies: Reply) -> None:
        """Answer the next calls to `model` (or to any model for "*") in order.

        UPLOAD scripts the Files API upload starts instead (errors only).
        """
        with self._lock:
            self._replies[model].extend(replies)

    def generate_calls(self, model: str | None = None) -> list[RecordedRequest]:
        """The generateContent requests received, optionally for one model."""
        with self._lock:
            calls = [r for r in self.requests if r.model is not None]
        return [r for r in calls if model is None or r.model == model]

    def upload_starts(self) -> list[RecordedRequest]:
        """The resumable-upload start requests received."""
        with self._lock:
            return [
                r
                for r in self.requests
                if _UPLOAD_RE.match(r.path)
                and r.headers.get("x-goog-upload-command") == "start"
            ]

    def expire_file(self, name: str) -> None:
        """Forget an uploaded file, as Google does after its expiration time."""
        with self._lock:
            self.files.pop(name, None)

    def file_uri(self, name: str, version: str = "v1beta") -> str:
        """The URI the real API gives a file `files/<id>`."""
        return f"{self.url}/{version}/{name}"

    # -- request handling (called from server threads) -----------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_reply(self, model: str) -> Reply | None:
        with self._lock:
            for key in (model, "*") if model != UPLOAD else (UPLOAD,):
                if self._replies[key]:
                    return self._replies[key].popleft()
        return None

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _generate(self, model: str, body: dict) -> tuple[int, dict]:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return self._answer(model, body)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, model: str, body: dict) -> tuple[int, dict]:
        wait_s = self._over_quota(model)
        if wait_s is not None:
            return 429, _quota_body(model, wait_s)
        return self._answer_within_quota(model, body)

    def _answer_within_quota(self, model: str, body: dict) -> tuple[int, dict]:
        missing = self._missing_file(body)
        if missing:
            return 403, _error_body(
                403,
                f"You do not have permission to access the File {missing} "
                "or it may not exist.",
            )
        config = body.get("generationConfig") or {}
        refusal = _refuse_config(config)
        if refusal:
            return 400, _error_body(400, refusal)
        wants_image = "IMAGE" in (config.get("responseModalities") or [])
        reply = self._next_reply(model)
        title = (config.get("responseJsonSchema") or {}).get("title")
        if reply is None and title in self._by_schema:
            reply = json_reply(self._by_schema[title])
        if reply is None:
            if not wants_image:
                return 400, _error_body(
                    400, f"fake gemini: no answer scripted for model {model}"
                )
            reply = image_reply()
        self._sleep(reply.delay_s)
        if reply.body is not None:
            return reply.status, reply.body
        parts: list[dict] = []
        if reply.text is not None:
            schema = config.get("responseJsonSchema")
            problem = _scripted_answer_problem(reply.text, schema)
            if problem:
                # Constrained decoding never answers outside the schema: a test
                # that scripts such an answer is testing something impossible.
                return 400, _error_body(
                    400, f"fake gemini: scripted answer breaks the schema: {problem}"
                )
            parts.append({"text": reply.text})
        if reply.image:
            aspect = (config.get("imageConfig") or {}).get("aspectRatio")
            size = reply.image_size or size_for_aspect(aspect)
            data = make_jpeg(size, mime_type=reply.image_mime)
            parts.append(
                {
                    "inlineData": {
                        "mimeType": reply.image_mime,
                        "data": base64.b64encode(data).decode("ascii"),
                    }
                }
            )
        candidate: dict[str, Any] = {"finishReason": reply.finish_reason, "index": 0}
        if parts:
            candidate["content"] = {"role": "model", "parts": parts}
        return reply.status, {
            "candidates": [candidate],
            **_usage(),
            "modelVersion": model,
            "responseId": uuid.uuid4().hex[:20],
        }

    def _missing_file(self, body: dict) -> str | None:
        for content in body.get("contents") or []:
            for part in content.get("parts") or []:
                uri = _field(_field(part, "fileData") or {}, "fileUri")
                if uri is None:
                    continue
                name = "files/" + uri.rstrip("/").rsplit("/", 1)[-1]
                with self._lock:
                    stored = self.files.get(name)
                if stored is None or stored.meta["uri"] != uri:
                    return name
        return None

    def _start_upload(self, version: str, headers: dict, body: dict) -> tuple:
        scripted = self._next_reply(UPLOAD)
        if scripted is not None:
            return scripted.status, scripted.body or {}, {}
        upload_id = uuid.uuid4().hex
        requested = (body or {}).get("file") or {}
        mime_type = _field(requested, "mimeType") or headers.get(
            "x-goog-upload-header-content-type"
        )
        with self._lock:
            self._uploads[upload_id] = _Upload(version=version, mime_type=mime_type)
        upload_url = (
            f"{self.url}/upload/{version}/files"
            f"?upload_id={upload_id}&upload_protocol=resumable"
        )
        return (
            200,
            {},
            {"X-Goog-Upload-URL": upload_url, "X-Goog-Upload-Status": "active"},
        )

    def _finish_upload(self, upload_id: str, command: str, data: bytes) -> tuple:
        with self._lock:
            upload = self._uploads.get(upload_id)
        if upload is None:
            return 404, _error_body(404, "upload session not found"), {}
        if "finalize" not in command:
            return 400, _error_body(400, "fake gemini: single-chunk uploads only"), {}
        file_id = uuid.uuid4().hex[:12]
        name = f"files/{file_id}"
        now = datetime.now(UTC)
        meta = {
            "name": name,
            "mimeType": upload.mime_type or "application/octet-stream",
            "sizeBytes": str(len(data)),
            "createTime": _rfc3339(now),
            "updateTime": _rfc3339(now),
            "expirationTime": _rfc3339(now + FILE_TTL),
            "sha256Hash": base64.b64encode(
                hashlib.sha256(data).hexdigest().encode("ascii")
            ).decode("ascii"),
            "uri": f"{self.url}/{upload.version}/{name}",
            "state": "ACTIVE",
            "source": "UPLOADED",
        }
        with self._lock:
            self._uploads.pop(upload_id, None)
            self.files[name] = _StoredFile(meta=meta, data=data)
        return 200, {"file": meta}, {"X-Goog-Upload-Status": "final"}


def _handler_for(fake: FakeGemini) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive like Google's front end; every answer carries Content-Length.
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self._handle("POST")

        def do_GET(self) -> None:
            self._handle("GET")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

        def _handle(self, method: str) -> None:
            split = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            raw = self.rfile.read(int(headers.get("content-length") or 0))
            query = parse_qs(split.query)
            body: Any = raw
            # Upload chunks are raw bytes even though the SDK labels them JSON.
            if raw and "upload_id" not in query:
                body = json.loads(raw)
            fake._record(RecordedRequest(method, split.path, query, headers, body))
            status, payload, extra = self._route(
                method, split.path, query, headers, body
            )
            self._send(status, payload, extra)

        def _route(
            self, method: str, path: str, query: dict, headers: dict, body: Any
        ) -> tuple[int, dict, dict]:
            upload = _UPLOAD_RE.match(path)
            if upload and "upload_id" in query:
                command = headers.get("x-goog-upload-command", "")
                return fake._finish_upload(query["upload_id"][0], command, body)
            if headers.get("x-goog-api-key") != fake.api_key:
                return 400, _error_body(400, "API key not valid."), {}
            if upload and headers.get("x-goog-upload-command") == "start":
                return fake._start_upload(upload.group(1), headers, body)
            generate = _GENERATE_RE.match(path)
            if generate and method == "POST":
                status, payload = fake._generate(generate.group(2), body)
                return status, payload, {}
            file_match = _FILE_RE.match(path)
            if file_match and method in ("GET", "DELETE"):
                name = f"files/{file_match.group(2)}"
                with fake._lock:
                    stored = fake.files.get(name)
                    if stored is not None and method == "DELETE":
                        del fake.files[name]
                if stored is None:
                    return 403, _error_body(403, f"File {name} not found."), {}
                return 200, ({} if method == "DELETE" else stored.meta), {}
            return 404, _error_body(404, f"fake gemini: no route {method} {path}"), {}

        def _send(self, status: int, payload: dict, extra: dict) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status, HTTPStatus(status).phrase)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (its timeout); nothing left to answer.
                self.close_connection = True

    return Handler


@pytest.fixture
def fake_gemini(settings):
    """A running FakeGemini; settings point GEMINI_* at it for the test."""
    fake = FakeGemini().start()
    settings.GEMINI_API_KEY = fake.api_key
    settings.GEMINI_BASE_URL = fake.url
    yield fake
    fake.stop()
