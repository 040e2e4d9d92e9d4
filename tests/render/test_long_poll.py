"""GET see-it-now/render/{run_id}?after=N&wait=S: answer as soon as there is more."""

from __future__ import annotations

import pytest

from renders.selectors import render_run_await
from tests.factories import make_room, make_run, make_variant
from tests.render.client import proxy
from tests.render.scene import live_asset

pytestmark = pytest.mark.django_db


class FakeClock:
    """A monotonic clock that moves only when the code under test waits, with a
    watch that is never woken (as without a listener): each wait runs out."""

    def __init__(self, on_sleep=None) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def __call__(self) -> float:
        return self.now

    def watch(self, key: str) -> FakeClock:
        return self

    def __enter__(self) -> FakeClock:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def step(self, polling_step_s: float) -> float:
        return polling_step_s

    def wait(self, seconds: float) -> bool:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(len(self.sleeps))
        return False


@pytest.fixture
def open_run(shop):
    asset, _ = live_asset(shop=shop)
    # total_duration_ms None: still running.
    return make_run(asset=asset, room=make_room(shop=shop))


def test_wakes_on_the_next_variant_not_at_the_end_of_the_wait(open_run):
    make_variant(run=open_run, variant_id="V01")
    clock = FakeClock(
        on_sleep=lambda n: n == 3 and make_variant(run=open_run, variant_id="V02")
    )

    render_run_await(run=open_run, after=1, wait_s=8, watch=clock.watch, clock=clock)

    # Three 100 ms steps, then the second variant was seen: 0.3 s, not 8 s.
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])


def test_holds_until_the_wait_ends_when_nothing_new_arrives(open_run):
    make_variant(run=open_run, variant_id="V01")
    clock = FakeClock()

    render_run_await(run=open_run, after=1, wait_s=0.45, watch=clock.watch, clock=clock)

    assert sum(clock.sleeps) == pytest.approx(0.45)
    assert len(clock.sleeps) == 5


def test_failed_variants_do_not_wake_it(open_run):
    clock = FakeClock(
        on_sleep=lambda n: (
            n == 1 and make_variant(run=open_run, variant_id="V01", status="failed")
        )
    )

    render_run_await(run=open_run, after=0, wait_s=0.3, watch=clock.watch, clock=clock)

    assert sum(clock.sleeps) == pytest.approx(0.3)


@pytest.mark.parametrize("after", [0, 5])
def test_a_finished_run_answers_at_once(open_run, after):
    open_run.status, open_run.total_duration_ms = "partial", 900
    open_run.save()
    clock = FakeClock()

    render_run_await(
        run=open_run, after=after, wait_s=8, watch=clock.watch, clock=clock
    )

    assert clock.sleeps == []


def test_the_route_answers_at_once_when_it_already_has_more(client, shop, open_run):
    make_variant(run=open_run, variant_id="V01")

    response = proxy(
        client,
        shop,
        f"see-it-now/render/{open_run.id}",
        method="get",
        query={"after": "0", "wait": "8"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], [v["id"] for v in body["variants"]]) == ("running", ["V01"])


@pytest.mark.parametrize(
    "query",
    [
        {"wait": "-1"},
        {"wait": "soon"},
        {"wait": "inf"},
        {"wait": "nan"},
        {"after": "-2"},
        {"after": "1.5"},
        {"after": "65"},
    ],
)
def test_bad_poll_parameters_are_refused(client, shop, open_run, query):
    response = proxy(
        client, shop, f"see-it-now/render/{open_run.id}", method="get", query=query
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_poll_params",
        "message": "after and wait must be non-negative numbers.",
    }
