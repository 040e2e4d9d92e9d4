"""A small mutation runner: one AST mutation at a time, the module's tests, a count.

    python tools/mutate.py MODULE.py -- PYTEST_ARGS...

The work tree is copied once to a scratch folder; each mutant rewrites the module
there (ast.unparse of the mutated tree), runs the given tests with `-x`, and counts
the mutant killed when pytest fails. The real checkout is never touched.

Why not mutmut 3 alone: it only mutates inside functions (module constants such as
salts and limits are out of its reach) and its first run maps every test to every
function, which on this shared two-core machine costs more than the per-module
runs below. `make mutation` runs this script per critical module.

Operators: comparison flips (< <=, > >=, == !=, in / not in, is / is not), + -,
* /, // /, and / or, `not x` → x, -x → x, numbers n → n + 1, True / False,
min / max, `return x` → `return None`, a call statement → `pass`. Docstrings,
strings, annotations and logging calls are not mutated: message wording is
asserted where the SPEC fixes it, and logging is not behaviour.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.And: ast.Or,
    ast.Or: ast.And,
}
LOGGING_NAMES = {"logger", "logging", "log_run_stage", "warnings"}


@dataclass
class Mutant:
    index: int
    line: int
    description: str


def _is_logging(call: ast.Call) -> bool:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in LOGGING_NAMES


class Mutator(ast.NodeTransformer):
    """Walks the tree counting mutation points; applies the one numbered `target`
    (or none when target is -1, which only lists them)."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.count = 0
        self.found: list[Mutant] = []

    def _point(self, node: ast.AST, description: str) -> bool:
        index = self.count
        self.count += 1
        self.found.append(Mutant(index, getattr(node, "lineno", 0), description))
        return index == self.target

    # Annotations, docstrings and logging are not behaviour.
    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def _body(self, node: ast.AST) -> ast.AST:
        body = node.body
        start = 0
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            start = 1
        if isinstance(node, ast.FunctionDef):
            node.args.defaults = [self.visit(d) for d in node.args.defaults]
            node.args.kw_defaults = [
                self.visit(d) if d is not None else None for d in node.args.kw_defaults
            ]
            node.decorator_list = [self.visit(d) for d in node.decorator_list]
        elif isinstance(node, ast.ClassDef):
            node.bases = [self.visit(b) for b in node.bases]
        node.body = body[:start] + [self.visit(stmt) for stmt in body[start:]]
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        return self._body(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._body(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._body(node)

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Call):
            if _is_logging(node.value):
                return node
            if self._point(node, f"drop call `{ast.unparse(node.value)[:60]}`"):
                return ast.copy_location(ast.Pass(), node)
        self.generic_visit(node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        value = node.value
        returns_none = value is None or (
            isinstance(value, ast.Constant) and value.value is None
        )
        if not returns_none and self._point(
            node, f"return None instead of `{ast.unparse(value)[:50]}`"
        ):
            node.value = ast.Constant(None)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            new = SWAPS.get(type(op))
            if new and self._point(
                node, f"{type(op).__name__} → {new.__name__} in `{ast.unparse(node)}`"
            ):
                node.ops[i] = new()
        return node

    def _swap_op(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        new = SWAPS.get(type(node.op))
        if new and self._point(
            node, f"{type(node.op).__name__} → {new.__name__} in `{ast.unparse(node)}`"
        ):
            node.op = new()
        return node

    visit_BinOp = _swap_op
    visit_AugAssign = _swap_op
    visit_BoolOp = _swap_op

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not | ast.USub) and self._point(
            node, f"drop {type(node.op).__name__} in `{ast.unparse(node)}`"
        ):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            new = not value
        elif isinstance(value, int | float):
            new = value + 1
        else:
            return node
        if self._point(node, f"{value!r} → {new!r}"):
            return ast.copy_location(ast.Constant(new), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if _is_logging(node):
            return node
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
            other = "max" if node.func.id == "min" else "min"
            if self._point(node, f"{node.func.id} → {other} in `{ast.unparse(node)}`"):
                node.func = ast.Name(other, ast.Load())
        return node


def mutants(source: str) -> list[Mutant]:
    mutator = Mutator()
    mutator.visit(ast.parse(source))
    return mutator.found


def mutated(source: str, index: int) -> str:
    tree = Mutator(index).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def _warm() -> None:
    """Import the heavy third-party packages once, before forking: each mutant's
    pytest then starts in a second instead of paying the imports again. Project
    modules are not imported here, so every child imports the mutated copy."""
    import cv2  # noqa: F401
    import django.test  # noqa: F401
    import google.genai  # noqa: F401
    import httpx  # noqa: F401
    import numpy  # noqa: F401
    import pillow_heif  # noqa: F401
    import pytest  # noqa: F401
    import pytest_django  # noqa: F401
    from PIL import Image  # noqa: F401


def _pytest(
    workdir: Path, args: list[str], timeout: float, *, show: bool = False
) -> int | None:
    """pytest's exit code in a forked child; None when it ran out of time."""
    pid = os.fork()
    if pid == 0:
        os.chdir(workdir)
        if not show:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
        signal.alarm(max(1, int(timeout)))
        import pytest

        os._exit(int(pytest.main(["-x", "-q", "-p", "no:randomly", *args])))
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return None
    return os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="path of the module, relative to the root")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--only", type=int, nargs="*", help="mutant numbers to run")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    pytest_args = argv[split + 1 :]

    source = (ROOT / options.module).read_text()
    found = mutants(source)
    scratch = Path(tempfile.mkdtemp(prefix="mutate-"))
    try:
        work = scratch / "tree"
        shutil.copytree(
            ROOT,
            work,
            ignore=shutil.ignore_patterns(
                ".git", "media", "*.sqlite3", "__pycache__", ".venv"
            ),
        )
        target = work / options.module
        _warm()
        started = time.monotonic()
        if _pytest(work, pytest_args, timeout=900, show=True) != 0:
            print("the tests fail without a mutant; fix them first", file=sys.stderr)
            return 2
        timeout = (time.monotonic() - started) * 3 + 30
        survivors, timeouts = [], 0
        selected = [m for m in found if not options.only or m.index in options.only]
        for mutant in selected:
            target.write_text(mutated(source, mutant.index))
            code = _pytest(work, pytest_args, timeout=timeout)
            target.write_text(source)
            if code is None:
                timeouts += 1
                verdict = "killed (timeout)"
            elif code in (0, 5):
                survivors.append(mutant)
                verdict = "SURVIVED"
            else:
                verdict = "killed"
            print(
                f"#{mutant.index:3d} line {mutant.line:4d} {verdict}: "
                f"{mutant.description}",
                flush=True,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    total = len(selected)
    killed = total - len(survivors)
    score = 100.0 * killed / total if total else 100.0
    print(
        f"{options.module}: {killed}/{total} killed ({score:.0f} %), "
        f"{timeouts} by timeout"
    )
    if options.json:
        Path(options.json).write_text(
            json.dumps(
                {
                    "module": options.module,
                    "total": total,
                    "killed": killed,
                    "survivors": [m.__dict__ for m in survivors],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
