"""The scripts in benchmarks/ still fit the library: they import, every vlab name they use exists, and
their command line parses. The start-time benchmark also runs once with its smallest arguments.

A rename or split inside vlab/ that a benchmark was not told about fails here, not in a reader's terminal.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))


def _load(path: Path) -> ModuleType:
    """Import a benchmark script as a module (its ``main`` does not run)."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chain(node: ast.Attribute) -> tuple[str, list[str]] | None:
    """``a.b.c`` → ("a", ["b", "c"]); None when the chain does not start at a plain name."""
    attrs, value = [node.attr], node.value
    while isinstance(value, ast.Attribute):
        attrs.append(value.attr)
        value = value.value
    return (value.id, attrs[::-1]) if isinstance(value, ast.Name) else None


def unresolved_names(path: Path) -> list[str]:
    """``file:line a.b`` for each attribute the script reads from a vlab module that the module lacks.

    Attributes are followed while they lead to modules, and one step further (``start.TOTAL``,
    ``qemu.ACCELS``); what an object returned at run time has is not checked here.
    """
    module = _load(path)
    vlab_modules = {name: value for name, value in vars(module).items()
                    if isinstance(value, ModuleType) and value.__name__.startswith("vlab")}
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
            continue
        chain = _chain(node)
        if chain is None or chain[0] not in vlab_modules:
            continue
        root, attrs = chain
        obj = vlab_modules[root]
        for depth, attr in enumerate(attrs, 1):
            if not hasattr(obj, attr):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {'.'.join([root, *attrs[:depth]])}")
                break
            obj = getattr(obj, attr)
            if not isinstance(obj, ModuleType):
                break
    return sorted(set(missing))


def test_there_are_benchmarks_to_check():
    assert {p.name for p in BENCHMARKS} >= {"start_time.py", "vm_boot.py", "stopping_rule.py"}


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_vlab_name_a_benchmark_uses_exists(path):
    missing = unresolved_names(path)
    assert not missing, "benchmark uses names vlab no longer has:\n" + "\n".join(missing)


def test_the_resolver_can_fail(tmp_path, monkeypatch):
    script = tmp_path / "bench.py"
    script.write_text("from vlab.labs import start_time as start\nfrom vlab.core import lifecycle\n"
                      "def main():\n    start.time_subprocess\n    start.sweep\n    lifecycle.sweep\n"
                      "    start.no_such_thing.x\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert unresolved_names(script) == ["bench.py:5 start.sweep", "bench.py:7 start.no_such_thing"]


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_benchmark_parses_its_command_line(path):
    proc = subprocess.run([sys.executable, str(path), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout


def test_the_start_time_benchmark_runs_one_round(engine):
    if shutil.which("hyperfine") is None:
        pytest.skip("hyperfine is not installed (apt-get install hyperfine)")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "start_time.py"), "--quick", "--rounds", "1",
                           "--per-round", "1"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    for line in ("harness: vlab phase total vs raw docker-py loop", "CLI: vlab's docker-run timing vs hyperfine"):
        assert line in proc.stdout
