"""Retention: expired room sessions go with their room and variant images."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from renders.models import RenderJob, RenderRun, RoomSession, VariantResult
from renders.services.rooms import room_sessions_purge_expired
from renders.signals import (
    RETENTION_SCHEDULE_NAME,
    SWEEP_SCHEDULE_NAME,
    register_schedules,
)
from seeitnow import storage
from seeitnow.storage import keys as storage_keys
from tests.factories import (
    make_asset,
    make_render_job,
    make_room,
    make_run,
    make_variant,
)

pytestmark = pytest.mark.django_db


def _room_with_files(shop, asset, *, age_hours: float):
    created = timezone.now() - timedelta(hours=age_hours)
    room = make_room(
        shop=shop, created_at=created, expires_at=created + timedelta(hours=24)
    )
    keys = [
        storage_keys.room_key(shop_id=shop.id, room_session_id=room.id, name=name)
        for name in ("room.jpg", "canonical.jpg")
    ]
    run = make_run(asset=asset, room=room)
    make_variant(run=run, variant_id="V01")
    keys += [f"see-it-now/{run.id}/V01.jpg", f"see-it-now/{run.id}/final-V01.jpg"]
    job = make_render_job(asset=asset, room=room)
    for key in keys:
        storage.save(key, b"x", content_type="image/jpeg")
    return room, run, job, keys


@pytest.fixture(params=["local", "gcs"])
def backend(request):
    if request.param == "gcs":
        request.getfixturevalue("gcs")
    return request.param


def test_purge_removes_exactly_the_expired(shop, other_shop, backend):
    asset = make_asset(shop=shop)
    other_asset = make_asset(shop=other_shop)
    expired = [
        _room_with_files(shop, asset, age_hours=25),
        _room_with_files(other_shop, other_asset, age_hours=48),
        _room_with_files(shop, asset, age_hours=24.01),
    ]
    live = [
        _room_with_files(shop, asset, age_hours=23.9),
        _room_with_files(other_shop, other_asset, age_hours=1),
    ]
    unrelated = "shops/x/products/1/prepared-a.png"
    storage.save(unrelated, b"x", content_type="image/png")

    counts = room_sessions_purge_expired(batch_size=2)

    assert counts == {
        "room_sessions": 3,
        "room_files": 6,
        "runs": 3,
        "variant_files": 6,
    }
    for room, run, job, keys in expired:
        assert not RoomSession.objects.filter(id=room.id).exists()
        assert not any(storage.exists(key) for key in keys)
        # Analytics rows stay; the job just loses its room.
        assert RenderRun.objects.get(id=run.id).room_session_id == room.id
        assert VariantResult.objects.filter(render_run=run).count() == 1
        assert RenderJob.objects.get(id=job.id).room_session_id is None
    for room, _run, job, keys in live:
        assert RoomSession.objects.filter(id=room.id).exists()
        assert all(storage.exists(key) for key in keys)
        assert RenderJob.objects.get(id=job.id).room_session_id == room.id
    assert storage.exists(unrelated)

    assert room_sessions_purge_expired() == {
        "room_sessions": 0,
        "room_files": 0,
        "runs": 0,
        "variant_files": 0,
    }


def test_purge_of_a_room_without_files(shop):
    room = make_room(
        shop=shop,
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert room_sessions_purge_expired()["room_sessions"] == 1
    assert not RoomSession.objects.filter(id=room.id).exists()


def test_management_command(shop, capsys):
    make_room(
        shop=shop,
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    call_command("purge_expired_rooms", "--batch-size", "10")
    assert capsys.readouterr().out.strip() == (
        "room_sessions=1 room_files=0 runs=0 variant_files=0"
    )


def test_schedule_registration_is_idempotent():
    register_schedules()
    register_schedules()
    schedules = Schedule.objects.filter(
        name__in=[RETENTION_SCHEDULE_NAME, SWEEP_SCHEDULE_NAME]
    ).order_by("name")
    assert [(s.func, s.schedule_type, s.minutes, s.repeats) for s in schedules] == [
        ("renders.tasks.purge_expired_rooms", Schedule.HOURLY, None, -1),
        ("renders.tasks.sweep_abandoned_runs", Schedule.MINUTES, 5, -1),
    ]


def test_the_scheduled_task_runs_the_purge(shop):
    from renders.tasks import purge_expired_rooms

    make_room(
        shop=shop,
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert purge_expired_rooms()["room_sessions"] == 1
