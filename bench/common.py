"""What the PostgreSQL benchmarks share: their scratch database and work folder."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path


def parse_with_database(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the command line, adding and requiring --database-url (a scratch
    PostgreSQL database the benchmark flushes; default $BENCH_DATABASE_URL)."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a scratch PostgreSQL database (or BENCH_DATABASE_URL)",
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    return args


def work_folder(prefix: str) -> Path:
    """A fresh temporary folder with an empty `media/` for the app's files."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    (tmp / "media").mkdir()
    return tmp
