"""Canonicalisation time of a 12 MP JPEG: JPEG draft mode vs a full decode.

Run: .venv/bin/python bench/bench_canonicalise.py [--runs 9]
The photo is made here (4000x3000, gradients + sensor-like noise, quality 92,
~4.9 MB), so the numbers do not depend on a downloaded file.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, features

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# canonicalise() reads its settings (pixel budget, concurrency slots).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seeitnow.settings")

import django

django.setup()

from renders import imaging  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
MAX_PIXELS = 50_000_000


def make_photo() -> bytes:
    rng = np.random.default_rng(12)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    pixels = np.stack([x / WIDTH * 255, y / HEIGHT * 255, (x + y) / 7000 * 255], -1)
    pixels += rng.normal(0, 12, pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def full_decode(data: bytes) -> tuple[int, int]:
    """The naive pipeline: decode every pixel, orient, LANCZOS to 2048, encode."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image = image.resize((2048, 1536), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=imaging.JPEG_QUALITY)
    return image.size


def draft_decode(data: bytes) -> tuple[int, int]:
    """renders.imaging.canonicalise: DCT-domain 1/2 decode, no resample needed."""
    result = imaging.canonicalise(data, crop=None, max_pixels=MAX_PIXELS)
    return result.width, result.height


def draft_then_resample(data: bytes) -> tuple[int, int]:
    """Draft at 1/2, then LANCZOS up to 2048 (what DRAFT_MIN_FRACTION avoids)."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (2000, 1500))
    image = ImageOps.exif_transpose(image).resize(
        (2048, 1536), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=imaging.JPEG_QUALITY)
    return image.size


def measure(func, data: bytes, runs: int):
    """Wall and CPU milliseconds per run (CPU time is what a busy, shared machine
    does not inflate), and the output size."""
    size = func(data)  # warm-up: imports, allocator, page cache
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func(data)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu, size


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    data = make_photo()
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, "
        f"Pillow {Image.__version__}, libjpeg-turbo "
        f"{features.version('libjpeg_turbo')}"
    )
    print(
        f"input: {WIDTH}x{HEIGHT} JPEG, {len(data) / 1e6:.1f} MB; {args.runs} runs each"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    for name, func in (
        ("full decode + LANCZOS", full_decode),
        ("draft 1/2 + LANCZOS to 2048", draft_then_resample),
        ("canonicalise() (draft 1/2)", draft_decode),
    ):
        wall, cpu, size = measure(func, data, args.runs)
        rows.append((name, size, statistics.median(wall), min(wall), max(wall), cpu))
    base_wall, base_cpu = rows[0][2], statistics.median(rows[0][5])
    print(
        "\n| method | output | median wall ms | min | max | median CPU ms "
        "| vs full (wall / CPU) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, size, median, low, high, cpu in rows:
        cpu_median = statistics.median(cpu)
        print(
            f"| {name} | {size[0]}x{size[1]} | {median:.0f} | {low:.0f} | {high:.0f} "
            f"| {cpu_median:.0f} | {base_wall / median:.1f}x / "
            f"{base_cpu / cpu_median:.1f}x |"
        )


if __name__ == "__main__":
    main()
