"""50 concurrent shoppers against the production server: latency per route.

Run: .venv/bin/python bench/bench_storefront_load.py --database-url postgres://…/db
     [--shoppers 50] [--seed 1] [--ramp-s 3] [--think-s 1] [--wait 8]
     [--web-workers 2] [--web-threads 32] [--db-pool 10] [--q-workers 2]
     [--worker-nice 10] [--worker-cpus 1] [--report FILE]

What runs: gunicorn (gunicorn.conf.py, gthread) with production settings (DEBUG
off; local storage, so the production check's seeitnow.E007 is silenced; the
Prometheus multiprocess directory set, as the image does) and the Procfile's
`manage.py worker` (the q2 cluster, ORM broker, `DB_POOL_MAX_SIZE=0`) on a scratch
PostgreSQL database, local AI provider, every process on loopback. Each shopper,
from a thread of its own, does what the widget does: room/upload → PUT the photo
→ room/confirm → async render → long polls (`?after=N&wait=8`; the next at once after
an answer with new variants, 100 ms later otherwise, as the widget does)
until the run ends → select.

Arrival. Shoppers do not all press the button in the same millisecond: each
arrives at a seeded random offset within `--ramp-s`, spends a human moment
picking the photo (1-2 s), another between the upload URL and the confirm (1-2 s:
the widget confirms as soon as the PUT ends, but a phone's PUT of its photo takes
that long, which loopback does not) and looks at the results (2-6 s) before
selecting; `--think-s` scales these (0: none). For 50 shoppers to be in flight at
once they must arrive within one session's length, and the shortest session lasts
the upload and the look (3 s at least) plus its render: with the default 3 s ramp
the first requests spread over about 5 s (ramp plus picking) and, for seeds 1-3,
the last shopper starts before the first one's session could end even with an
instant render. The achieved peak of sessions in flight (first request to last
answer) is measured and printed: it says whether the 50 really overlapped.
`--ramp-s 0` is the old thundering herd: every shopper released by one barrier,
and no think time unless `--think-s` is given.

Production separation. In production the worker runs on machines of its own
(Procfile `worker`): the web never shares its CPU with the compositing of 400
variants. On this one 2-core VM the cluster is started under `nice -n 10`
(`--worker-nice`, 0 for equal priority) so that the scheduler gives the web the
CPU first and the renders the rest — the nearest this machine gets to that
separation. `--worker-cpus 1` goes further for an experiment: the cluster pinned
to one core, so that the other is the web's (and PostgreSQL's) alone. The
renders share the machine either way, so their times here are no measure of
production's; the per-route latencies are the measure.

What is reported: p50/p95/p99 per route for room/upload, PUT, room/confirm,
select (the routes the p95 < 100 ms goal covers) and render (async start,
reported beside them); the long poll apart, because it is a deliberate wait and
its duration is no latency: how many polls, and their lag, the time the answer
arrived minus the time the newest variant it returned was recorded
(VariantResult.created_at; one machine, one clock). Also: errors (any answer
>= 400 or exception, listed), runs and how many completed, variant rows, usage
charged, the most PostgreSQL connections the app held, the server's own time per
route (its Prometheus histogram: what the client saw beyond it is queueing), the
CPU each side used, the load average, and, for the slow requests of the goal's
routes, how many long polls were in flight when they were sent (a long poll holds
a gthread thread for its wait). Two warm-up sessions per web process on a second
shop are not counted. Bounded: `--shoppers` sessions, 600 s at most.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import parse_with_database, work_folder  # noqa: E402

SECRET = "bench-secret"
ENCRYPTION_KEY = "kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="
METRICS_TOKEN = "bench-metrics"
PORT = 8791
BOUND_S = 600
POLL_INTERVAL_S = 0.1  # the widget's POLL_INTERVAL_MS, after an answer without news
FINISHED = ("complete", "partial", "failed")

# Route → the Django view name its server-side histogram is labelled with, and
# whether the p95 < 100 ms goal covers it.
ROUTES = {
    "room/upload": ("proxy-room-upload", True),
    "PUT (storage)": ("storage-upload", True),
    "room/confirm": ("proxy-room-confirm", True),
    "render (async start)": ("proxy-render", False),
    "select": ("proxy-select", True),
}
POLL = "poll (long)"
GOAL_S = 0.100


def room_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (205, 198, 186))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 900, 1600, 1200), fill=(140, 110, 80))
    draw.rectangle((200, 500, 700, 900), fill=(90, 90, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Plan:
    """One shopper's seeded arrival and think times, in seconds."""

    arrive: float  # opens the widget, from the start of the load
    pick: float  # picking the photo, before room/upload
    upload: float  # the phone's upload, between room/upload and room/confirm
    look: float  # looking at the results, before select


def plans(n: int, *, seed: int, ramp_s: float, think_s: float) -> list[Plan]:
    rng = random.Random(seed)
    return [
        Plan(
            arrive=rng.uniform(0, ramp_s),
            pick=rng.uniform(1, 2) * think_s,
            upload=rng.uniform(1, 2) * think_s,
            look=rng.uniform(2, 6) * think_s,
        )
        for _ in range(n)
    ]


@dataclass
class Session:
    """What one shopper saw; times are time.monotonic() unless named wall."""

    first: float | None = None
    last: float | None = None
    run_id: str = ""
    render_answered: float | None = None
    first_variant: float | None = None
    run_over: float | None = None
    # (after, answered wall time, variant ids returned, status)
    polls: list[tuple[int, float, list[str], str]] = field(default_factory=list)
    done: bool = False


def peak_in_flight(sessions: list[Session]) -> tuple[int, float]:
    """Most sessions in flight at once, and for how long that many were."""
    events = []
    for s in sessions:
        if s.first is not None and s.last is not None:
            events += [(s.first, 1), (s.last, -1)]
    events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at a tie
    now = peak = 0
    held = 0.0
    for (t, step), nxt in zip(events, [*events[1:], None], strict=True):
        now += step
        span = (nxt[0] - t) if nxt else 0.0
        if now > peak:
            peak, held = now, span
        elif now == peak:
            held += span
    return peak, held


def processes() -> dict[int, tuple[str, int, int]]:
    """Every process: {pid: (name, session id, CPU ticks of it and its reaped
    children)}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        # fields[3]: session id; [11:15]: utime, stime, cutime, cstime
        ticks = sum(int(x) for x in fields[11:15])
        found[int(entry.name)] = (comm, int(fields[3]), ticks)
    return found


def machine_ticks() -> dict[str, int]:
    """The machine's CPU ticks so far, by kind (/proc/stat)."""
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    values = Path("/proc/stat").read_text().split("\n")[0].split()[1:9]
    return dict(zip(names, (int(v) for v in values), strict=True))


def cpu_split(
    before: dict[int, tuple[str, int, int]],
    after: dict[int, tuple[str, int, int]],
    sides: dict[str, int],
) -> tuple[dict[str, float], Counter]:
    """CPU seconds used between two `processes()` snapshots by each side (a
    session id), PostgreSQL, this process, and the rest by process name."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = defaultdict(float)
    rest: Counter = Counter()
    for pid, (comm, sid, ticks) in after.items():
        delta = (ticks - before.get(pid, (comm, sid, 0))[2]) / tick
        if delta <= 0:
            continue
        side = next((name for name, s in sides.items() if s == sid), None)
        if side:
            used[side] += delta
        elif pid == os.getpid():
            used["this bench"] += delta
        elif comm.startswith("postgres"):
            used["PostgreSQL"] += delta
        else:
            rest[comm] += delta
    return used, rest


def server_histograms(base: str) -> dict[str, dict[float, float]]:
    """The web's own time per route: {view name: {le: cumulative count}}."""
    text = httpx.get(
        f"{base}/metrics",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        timeout=10,
    ).text
    out: dict[str, dict[float, float]] = defaultdict(dict)
    pattern = re.compile(
        r"^seeitnow_http_request_duration_seconds_bucket"
        r"\{(?P<labels>[^}]*)\} (?P<v>\S+)"
    )
    for line in text.splitlines():
        match = pattern.match(line)
        if not match:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        out[labels["route"]][le] = float(match["v"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--ramp-s",
        type=float,
        default=3.0,
        help="arrivals spread at random over this many seconds; 0 = one barrier",
    )
    parser.add_argument(
        "--think-s",
        type=float,
        default=None,
        help="scale of the think times (default 1, or 0 with --ramp-s 0)",
    )
    parser.add_argument("--wait", type=int, default=8, help="the long poll's wait")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=32)
    parser.add_argument("--q-workers", type=int, default=2)
    parser.add_argument("--db-pool", type=int, default=10)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="nice value of the q2 cluster (0: the web's priority)",
    )
    parser.add_argument(
        "--worker-cpus",
        default="",
        help="pin the q2 cluster to these CPUs (taskset -c, e.g. 1); default: none",
    )
    parser.add_argument("--report", help="also append the report to this file")
    args = parse_with_database(parser)
    load_at_start = os.getloadavg()  # the machine before this bench adds to it
    if args.think_s is None:
        args.think_s = 1.0 if args.ramp_s > 0 else 0.0
    tmp = work_folder("bench-load-")
    (tmp / "prometheus").mkdir()
    base = f"http://127.0.0.1:{PORT}"
    env = {
        "DJANGO_SETTINGS_MODULE": "seeitnow.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,app.bench.test",
        "SHOPIFY_API_KEY": "bench-key",
        "SHOPIFY_API_SECRET": SECRET,
        "SHOPIFY_APP_URL": "https://app.bench.test",
        "FIELD_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "DATABASE_URL": args.database_url,
        "DB_POOL_MAX_SIZE": str(args.db_pool),
        "MEDIA_ROOT": str(tmp / "media"),
        "SILENCED_SYSTEM_CHECKS": "seeitnow.E007",
        "SECURE_SSL_REDIRECT": "false",
        "SEE_IT_NOW_ALLOWED_SHOPS": "*",
        # Every shopper here is 127.0.0.1 of one shop: lift the abuse limits.
        "RENDER_CLIENT_RATE_LIMIT": "1000",
        "RENDER_SHOP_BURST_LIMIT": "1000",
        "DEV_ADMIN_LOGIN": "false",
        "LOG_LEVEL": "WARNING",
        "Q_WORKERS": str(args.q_workers),
        "PORT": str(PORT),
        "WEB_CONCURRENCY": str(args.web_workers),
        "WEB_THREADS": str(args.web_threads),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)

    from renders.models import RenderRun, VariantResult
    from shops.models import UsageDaily
    from tests.factories import make_shop
    from tests.fakes.shopify_proxy import sign_proxy_query
    from tests.render.processes import stop
    from tests.render.scene import live_asset

    shop = make_shop(daily_quota=10_000, monthly_quota=100_000)
    asset, _ = live_asset(shop=shop)
    warm_shop = make_shop(daily_quota=10_000, monthly_quota=100_000)
    warm_asset, _ = live_asset(shop=warm_shop)
    photo = room_photo()
    db_name = connection.settings_dict["NAME"]
    connection.close()

    timings: dict[str, list[float]] = defaultdict(list)
    spans: list[tuple[str, float, float]] = []  # (route, sent, answered)
    errors: list[str] = []
    lock = threading.Lock()

    def shopper(
        plan: Plan,
        session: Session,
        start: threading.Barrier | float,
        *,
        target_shop=shop,
        target_asset=asset,
        record: bool = True,
    ) -> None:
        def url(route: str, **params) -> str:
            signed = {
                "shop": target_shop.shop_domain,
                **{k: str(v) for k, v in params.items()},
            }
            return f"{base}/proxy/{route}?{sign_proxy_query(signed, SECRET)}"

        def timed(name: str, method: str, target: str, **kw) -> dict:
            started = time.monotonic()
            if session.first is None:
                session.first = started
            try:
                response = client.request(method, target, timeout=60, **kw)
            except Exception as exc:
                session.last = time.monotonic()
                if record:
                    with lock:
                        errors.append(f"{name}: {type(exc).__name__}: {exc}")
                raise
            session.last = time.monotonic()
            if record:
                with lock:
                    timings[name].append(session.last - started)
                    spans.append((name, started, session.last))
                    if response.status_code >= 400:
                        errors.append(
                            f"{name}: {response.status_code} {response.text[:120]}"
                        )
            response.raise_for_status()
            return response.json() if name != "PUT (storage)" else {}

        def wait_until(at: float) -> None:
            time.sleep(max(0.0, at - time.monotonic()))

        with httpx.Client() as client:
            if isinstance(start, threading.Barrier):
                start.wait()
            else:
                wait_until(start + plan.arrive + plan.pick)
            try:
                upload = timed(
                    "room/upload",
                    "POST",
                    url("room/upload"),
                    json={"content_type": "image/jpeg"},
                )
                put_url = urlsplit(upload["upload_url"])
                timed(
                    "PUT (storage)",
                    "PUT",
                    f"{base}{put_url.path}?{put_url.query}",
                    content=photo,
                    headers=upload["upload_headers"],
                )
                time.sleep(plan.upload)
                room = upload["room_session_id"]
                timed(
                    "room/confirm",
                    "POST",
                    url("room/confirm"),
                    json={"room_session_id": room},
                )
                run = timed(
                    "render (async start)",
                    "POST",
                    url("see-it-now/render"),
                    json={
                        "room_session_id": room,
                        "product_id": target_asset.product_id,
                        "async": True,
                    },
                )
                session.run_id = run["run_id"]
                session.render_answered = session.last
                seen, deadline, ids = 0, time.monotonic() + 300, []
                while time.monotonic() < deadline:
                    route = f"see-it-now/render/{run['run_id']}"
                    state = timed(POLL, "GET", url(route, after=seen, wait=args.wait))
                    ids = [v["id"] for v in state["variants"]]
                    session.polls.append((seen, time.time(), ids, state["status"]))
                    if ids and session.first_variant is None:
                        session.first_variant = session.last
                    news, seen = len(ids) > seen, len(ids)
                    if state["status"] in FINISHED:
                        session.run_over = session.last
                        break
                    # As the widget: at once after news, else a short pause.
                    if not news:
                        time.sleep(POLL_INTERVAL_S)
                time.sleep(plan.look)
                timed(
                    "select",
                    "POST",
                    url("see-it-now/select"),
                    json={
                        "room_session_id": room,
                        "product_id": target_asset.product_id,
                        "selected_variant_id": ids[0] if ids else "V01",
                    },
                )
                session.done = True
            except Exception as exc:  # counted (in timed), and the load goes on
                if record and not isinstance(exc, httpx.HTTPError):
                    with lock:
                        errors.append(f"shopper: {type(exc).__name__}: {exc}")

    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "seeitnow.wsgi", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=dict(os.environ),
        stdout=(tmp / "web.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # The Procfile's worker: no pool, because q2 forks its workers after a pool
    # would have opened (see docs/BENCHMARKS.md); niced, see the docstring.
    nice = ["nice", "-n", str(args.worker_nice)] if args.worker_nice else []
    pin = ["taskset", "-c", args.worker_cpus] if args.worker_cpus else []
    cluster = subprocess.Popen(
        [*pin, *nice, sys.executable, "manage.py", "worker"],
        cwd=REPO,
        env={**os.environ, "DB_POOL_MAX_SIZE": "0"},
        stdout=(tmp / "cluster.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import psycopg

    monitor = psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    )
    peak_connections = 0
    sessions = [Session() for _ in range(args.shoppers)]
    shopper_plans = plans(
        args.shoppers, seed=args.seed, ramp_s=args.ramp_s, think_s=args.think_s
    )
    bound_hit = False
    try:
        for _ in range(150):
            try:
                httpx.get(f"{base}/livez", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        # Warm-up, not counted: two sessions per web process on a second shop, so
        # that each process has served every route before the load.
        warm = [
            threading.Thread(
                target=shopper,
                args=(Plan(0, 0, 0, 0), Session(), time.monotonic()),
                kwargs={
                    "target_shop": warm_shop,
                    "target_asset": warm_asset,
                    "record": False,
                },
                daemon=True,
            )
            for _ in range(args.web_workers * 2)
        ]
        for thread in warm:
            thread.start()
        warm_deadline = time.monotonic() + BOUND_S
        for thread in warm:
            thread.join(timeout=max(0.0, warm_deadline - time.monotonic()))
        time.sleep(2)

        # The server's histograms count from its start: the warm-up is taken off.
        server_before = server_histograms(base)
        load_before = os.getloadavg()
        procs_before, machine_before = processes(), machine_ticks()
        if args.ramp_s > 0:
            start: threading.Barrier | float = time.monotonic() + 0.5
        else:
            start = threading.Barrier(args.shoppers)
        threads = [
            threading.Thread(target=shopper, args=(plan, session, start), daemon=True)
            for plan, session in zip(shopper_plans, sessions, strict=True)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            count = monitor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                [db_name],
            ).fetchone()[0]
            peak_connections = max(peak_connections, int(count))
            time.sleep(0.5)
            if time.monotonic() - started > BOUND_S:
                bound_hit = True
                break
        wall = time.monotonic() - started
        load_after = os.getloadavg()
        procs_after, machine_after = processes(), machine_ticks()
        server = server_histograms(base)
    finally:
        monitor.close()
        stop(cluster)
        stop(web)

    runs = RenderRun.objects.filter(shop=shop)
    complete = runs.filter(status="complete").count()
    variants = VariantResult.objects.filter(render_run__shop=shop).count()
    charged = sum(
        UsageDaily.objects.filter(shop=shop).values_list("composite_renders", flat=True)
    )
    recorded = {
        (str(run_id), vid): created.timestamp()
        for run_id, vid, created in VariantResult.objects.filter(
            render_run__shop=shop
        ).values_list("render_run_id", "variant_id", "created_at")
    }

    # The long poll: how many, and how late an answer came after its newest variant.
    polls = [p for s in sessions for p in s.polls]
    lags = []
    timed_out = 0
    for s in sessions:
        for after, answered, ids, status in s.polls:
            if len(ids) > after:
                newest = max(recorded.get((s.run_id, vid), 0.0) for vid in ids)
                lags.append(answered - newest)
            elif status not in FINISHED:
                timed_out += 1

    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:.0f}" if values else "-"

    def ms_n(values: list[int]) -> str:
        return f"{statistics.median(values):g}" if values else "-"

    peak, held = peak_in_flight(sessions)
    tick = os.sysconf("SC_CLK_TCK")
    used, rest = cpu_split(
        procs_before, procs_after, {"web": web.pid, "worker": cluster.pid}
    )
    machine = {k: (machine_after[k] - machine_before[k]) / tick for k in machine_after}
    machine_total = sum(machine.values())
    machine_busy = machine_total - machine["idle"] - machine["iowait"]
    herd = "one barrier (herd)" if args.ramp_s == 0 else f"ramp {args.ramp_s:g} s"
    lines = [
        f"### {args.shoppers} shoppers, {herd}, think x{args.think_s:g}, seed "
        f"{args.seed}; gunicorn {args.web_workers} x {args.web_threads} threads, "
        f"pool {args.db_pool or 'off'}, q2 {args.q_workers} workers at nice "
        f"{args.worker_nice}"
        + (f", pinned to CPU {args.worker_cpus}" if args.worker_cpus else ""),
        "",
        f"Python {platform.python_version()}; load average (1 min) "
        f"{load_at_start[0]:.2f} when the bench started, {load_before[0]:.2f} when "
        f"the load started, {load_after[0]:.2f} at its end; wall {wall:.1f} s"
        + ("; **the 600 s bound was hit**" if bound_hit else ""),
        "",
        "| route | goal p95 < 100 ms | requests | p50 ms | p95 ms | p99 ms | max ms "
        "| server ≤ 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (view, covered) in ROUTES.items():
        values = timings.get(name, [])
        hist, warm_hist = server.get(view, {}), server_before.get(view, {})
        total = hist.get(float("inf"), 0) - warm_hist.get(float("inf"), 0)
        fast = hist.get(0.1, 0) - warm_hist.get(0.1, 0)
        within = f"{fast / total:.0%}" if total else "-"
        if not covered:
            goal = "reported"
        elif values and percentile(values, 0.95) < GOAL_S:
            goal = "covered: ✔"
        else:
            goal = "covered: ✘"
        lines.append(
            f"| {name} | {goal} | {len(values)} | {ms(values, 0.5)} | "
            f"{ms(values, 0.95)} | {ms(values, 0.99)} | "
            f"{max(values) * 1000 if values else 0:.0f} | {within} |"
        )
    # Were the slow requests the ones sent while the long polls held the threads?
    poll_spans = [(a, b) for name, a, b in spans if name == POLL]
    threads_total = args.web_workers * args.web_threads
    slow, fast = [], []
    for name, sent, answered in spans:
        if name in ROUTES and ROUTES[name][1]:
            holding = sum(a <= sent < b for a, b in poll_spans)
            (slow if answered - sent >= GOAL_S else fast).append(holding)
    first_variant = [
        s.first_variant - s.render_answered
        for s in sessions
        if s.first_variant and s.render_answered
    ]
    run_over = [
        s.run_over - s.render_answered
        for s in sessions
        if s.run_over and s.render_answered
    ]
    lines += [
        "",
        f"Long poll (wait = {args.wait} s; a wait, not a latency): {len(polls)} polls, "
        f"{len(lags)} answered with new variants, {timed_out} ended at their wait, "
        f"{sum(timings.get(POLL, [])):.0f} s open in all (client side); "
        f"lag (answer - newest variant recorded) p50 {ms(lags, 0.5)} ms, "
        f"p95 {ms(lags, 0.95)} ms, max {ms(lags, 1.0)} ms.",
        f"Long polls in flight when a goal-route request was sent "
        f"({threads_total} web threads): median {ms_n(slow)} for the "
        f"{len(slow)} requests of 100 ms or more, {ms_n(fast)} for the "
        f"{len(fast)} faster ones; sent with polls >= threads: "
        f"{sum(h >= threads_total for h in slow)} slow, "
        f"{sum(h >= threads_total for h in fast)} fast.",
        f"Render as the shopper saw it (render answered → first variant / run over): "
        f"p50 {ms(first_variant, 0.5)} / {ms(run_over, 0.5)} ms, "
        f"p95 {ms(first_variant, 0.95)} / {ms(run_over, 0.95)} ms.",
        f"Peak shoppers in flight at once: **{peak} of {args.shoppers}** "
        + (
            f"(all of them, for {held:.1f} s)"
            if peak == args.shoppers
            else "(**not all of them at once**)"
        )
        + f"; sessions finished {sum(s.done for s in sessions)}/{args.shoppers}.",
        f"**{len(errors)} errors**; runs {runs.count()} ({complete} complete); "
        f"variant rows {variants} (expected {runs.count() * 8}); usage charged "
        f"{charged}; peak PostgreSQL connections of the app {peak_connections}.",
        f"CPU during the load, s (of {machine_total:.0f} s the 2 cores had): busy "
        f"{machine_busy:.1f} (user {machine['user']:.1f}, niced "
        f"{machine['nice']:.1f}, system {machine['system']:.1f}, softirq "
        f"{machine['softirq']:.1f}, steal {machine['steal']:.1f}); "
        + ", ".join(
            f"{side} {used.get(side, 0):.1f}"
            for side in ("web", "worker", "PostgreSQL", "this bench")
        )
        + "; others "
        + (", ".join(f"{c} {v:.1f}" for c, v in rest.most_common(4)) or "none")
        + ".",
    ]
    for line, n in Counter(errors).most_common(10):
        lines.append(f"- {n} x {line}")
    lines.append(f"(logs: {tmp})")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.report:
        with open(args.report, "a") as out:
            out.write(report + "\n")
    return 1 if bound_hit or errors else 0


if __name__ == "__main__":
    sys.exit(main())
