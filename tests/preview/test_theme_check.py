"""Shopify's own theme check (`@shopify/theme-check-node`, theme-app-extension
config) over the extension: no error and no warning. Runs `scripts/theme-check.mjs`
with Node; `make test` installs the pinned package (package-lock.json) first."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from demo.preview.selectors import EXTENSION_DIR

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "theme-check.mjs"
PACKAGE = REPO / "node_modules" / "@shopify" / "theme-check-node" / "package.json"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None or not PACKAGE.is_file(),
    reason="needs node and node_modules (run `npm ci` or `make test`)",
)


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NODE, str(SCRIPT), str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_pinned_theme_check_is_the_installed_one():
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]
    version = pinned["@shopify/theme-check-node"]
    assert version[0].isdigit(), "pin an exact version"
    lock = json.loads((REPO / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/@shopify/theme-check-node"]["version"]
    assert locked == version
    if PACKAGE.is_file():
        assert json.loads(PACKAGE.read_text())["version"] == version


@needs_node
def test_the_extension_passes_shopifys_theme_check():
    result = run_check(EXTENSION_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(": 0 error(s), 0 warning(s), 0 info")


@needs_node
def test_the_check_fails_on_an_oversized_block_script(tmp_path):
    # The same extension with the whole modal as the block's script: theme check
    # reports Shopify's 10,000-byte limit and the script exits non-zero.
    copy = tmp_path / "see-it-now"
    shutil.copytree(EXTENSION_DIR, copy)
    block = copy / "blocks" / "see-it-now.liquid"
    block.write_text(
        block.read_text().replace(
            '"javascript": "see-it-now.js"', '"javascript": "see-it-now-modal.js"'
        )
    )
    result = run_check(copy)
    assert result.returncode == 1
    assert "error  AssetSizeAppBlockJavaScript" in result.stdout
    assert "see-it-now-modal.js" in result.stdout
