"""Request ids (SPEC §11): taken from X-Request-ID or made, echoed, logged as JSON."""

from __future__ import annotations

import json
import logging
import re

import pytest

from seeitnow.logging import JsonFormatter, bind_request_id, get_request_id


@pytest.mark.django_db
def test_an_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="shopper-abc.123")
    assert response["X-Request-ID"] == "shopper-abc.123"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "", "bad id with spaces", "x" * 200])
def test_a_missing_or_unusable_request_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = client.get("/healthz", **headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_bound_ids_nest_and_restore():
    assert get_request_id() == "-"
    with bind_request_id("outer") as outer:
        with bind_request_id(None) as inner:
            assert get_request_id() == inner != outer
        assert get_request_id() == "outer"
    assert get_request_id() == "-"


def test_json_lines_carry_the_request_id_and_extras():
    record = logging.LogRecord(
        "renders", logging.INFO, __file__, 1, "variant %s", ("V01",), None
    )
    record.stage = "variant-V01-complete"
    record.durationMs = 812
    with bind_request_id("req-1"):
        line = json.loads(JsonFormatter().format(record))
    assert {
        k: line[k]
        for k in ("level", "logger", "message", "requestId", "stage", "durationMs")
    } == {
        "level": "INFO",
        "logger": "renders",
        "message": "variant V01",
        "requestId": "req-1",
        "stage": "variant-V01-complete",
        "durationMs": 812,
    }
