"""GEMINI_RPM: one per-model budget for every worker, and 429s waited out."""

from __future__ import annotations

import pytest

from seeitnow.ai.base import AIError
from seeitnow.ai.ratelimit import rate_slot_take, rate_wait, window_plan
from tests.ai.conftest import TEXT_MODEL
from tests.ai.test_gemini import FACTS, _extract
from tests.fakes.gemini import json_reply

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("rpm", "plan"),
    [(120, (1.0, 2)), (60, (1.0, 1)), (10, (6.0, 1)), (1000, (1.0, 16))],
)
def test_windows_are_short_and_share_the_minute(rpm, plan):
    assert window_plan(rpm) == plan


def test_no_sixty_seconds_ever_hold_more_than_the_limit_plus_one_window():
    clock = Clock()
    granted: list[float] = []
    for _ in range(400):  # many workers asking back to back
        rate_wait(model="m", rpm=120, sleep=clock.sleep, clock=clock)
        granted.append(clock.now)
    worst = max(sum(1 for t in granted if start <= t < start + 60) for start in granted)
    assert worst <= 120 + 2
    # ... and the budget is used, not wasted: 400 calls in about 200 s.
    assert granted[-1] - granted[0] == pytest.approx(199, abs=1.5)


def test_slots_are_shared_through_the_cache_not_held_per_process():
    now = 1_800_000_000.0
    # Two "workers" (two calls, no shared Python state) fill one window of 2.
    assert rate_slot_take(model="m2", rpm=120, now=now) is None
    assert rate_slot_take(model="m2", rpm=120, now=now + 0.2) is None
    assert rate_slot_take(model="m2", rpm=120, now=now + 0.5) == now + 1
    assert rate_slot_take(model="other", rpm=120, now=now + 0.5) is None


def test_no_limit_never_waits():
    clock = Clock()
    assert rate_wait(model="m", rpm=0, sleep=clock.sleep, clock=clock) == 0.0
    assert clock.sleeps == []


def test_a_429_waits_its_retry_delay_and_is_not_a_failure(provider, fake_gemini):
    fake_gemini.limit_rpm(TEXT_MODEL, 1)
    fake_gemini.clock = lambda: 1_800_000_030.0  # half a minute left
    fake_gemini.queue(TEXT_MODEL, json_reply(FACTS), json_reply(FACTS))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake_gemini.clock = lambda: 1_800_000_061.0  # the next minute began

    provider._sleep = sleep
    _extract(provider)  # the minute's one call
    facts = _extract(provider)  # refused once, waited, then answered

    assert facts.identity.title == FACTS["identity"]["title"]
    assert slept == [30.0]  # Gemini's RetryInfo, not a guess
    assert fake_gemini.refused_429 == 1


def test_429s_past_the_wait_budget_fail_as_rate_limited(
    provider, fake_gemini, settings
):
    settings.GEMINI_RATE_LIMIT_MAX_WAIT_S = 30  # less than the 60 s asked for
    fake_gemini.limit_rpm(TEXT_MODEL, 0)
    fake_gemini.clock = lambda: 1_800_000_000.0
    provider._sleep = lambda seconds: None

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert (info.value.code, info.value.retryable) == ("ai_rate_limited", True)
    assert info.value.retry_after_s == 60.0
    assert fake_gemini.refused_429 == 1


def test_the_provider_takes_a_shared_slot_before_each_call(
    provider, fake_gemini, settings
):
    settings.GEMINI_RPM = {TEXT_MODEL: 60}
    fake_gemini.queue(TEXT_MODEL, json_reply(FACTS), json_reply(FACTS))
    slept: list[float] = []
    provider._sleep = slept.append

    _extract(provider)
    _extract(provider)

    # 60 rpm is one call a second: the second call waited for the next window
    # (the injected sleep doesn't move the real clock, so it asks again at once).
    assert len(fake_gemini.generate_calls()) == 2
    assert slept and all(0 < s <= 1.001 for s in slept)
