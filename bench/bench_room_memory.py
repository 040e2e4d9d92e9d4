"""Peak RSS of canonicalising one large RGBA PNG room photo, in a fresh process.

Run: .venv/bin/python bench/bench_room_memory.py [--size 6000] [--imaging PATH]
`--imaging` loads another version of renders/imaging.py (e.g. the one before the
memory fix, from `git show <rev>:renders/imaging.py`) to compare. Pillow's buffers
are not Python allocations (tracemalloc does not see them), so the figure is the
child's ru_maxrss, minus its RSS right before the call.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import importlib.util, json, resource, sys
sys.path.insert(0, {root!r})
import django
from django.conf import settings
settings.configure(IMAGE_CANONICALISE_CONCURRENCY=2)
spec = importlib.util.spec_from_file_location("imaging_under_test", {imaging!r})
imaging = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = imaging
spec.loader.exec_module(imaging)
data = open({png!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    result = imaging.canonicalise(data, crop=None, max_pixels={max_pixels})
    outcome = f"{{result.width}}x{{result.height}}"
except Exception as exc:
    outcome = type(exc).__name__
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"before_kb": before, "peak_kb": peak, "outcome": outcome}}))
"""


def make_png(size: int) -> bytes:
    from PIL import Image

    image = Image.new("RGBA", (size, size), (200, 180, 150, 255))
    image.paste((0, 0, 0, 0), (0, 0, size // 2, size))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def measure(imaging_path: str, png_path: str, max_pixels: int) -> dict:
    code = CHILD.format(
        root=str(ROOT), imaging=imaging_path, png=png_path, max_pixels=max_pixels
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=6000)
    parser.add_argument("--max-pixels", type=int, default=50_000_000)
    parser.add_argument("--imaging", default=str(ROOT / "renders" / "imaging.py"))
    args = parser.parse_args()
    args.imaging = str(Path(args.imaging).resolve())
    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        png.write(make_png(args.size))
        png.flush()
        figures = measure(args.imaging, png.name, args.max_pixels)
    growth_mb = (figures["peak_kb"] - figures["before_kb"]) / 1024
    print(
        f"{args.size}x{args.size} RGBA PNG, {args.imaging}: {figures['outcome']}, "
        f"peak RSS {figures['peak_kb'] / 1024:.0f} MB "
        f"(+{growth_mb:.0f} MB over the process before the call)"
    )


if __name__ == "__main__":
    main()
