"""Interleaved run order, and measured rows kept when the engine fails mid-lesson."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlab.core import errors, interleave, mode
from vlab.labs import cgroups


@given(st.lists(st.integers(), min_size=1, max_size=6, unique=True), st.integers(0, 5), st.integers(0, 2**32 - 1))
def test_every_item_once_per_round(items, repeats, seed):
    out = list(interleave.rounds(items, repeats, seed))
    assert len(out) == len(items) * repeats
    for rep in range(repeats):
        assert sorted(i for r, _, i in out if r == rep) == sorted(items)
        assert [s for r, s, _ in out if r == rep] == list(range(len(items)))
    assert out == list(interleave.rounds(items, repeats, seed))  # reproducible from the seed
    assert Counter(i for _, _, i in out) == {i: repeats for i in items} or repeats == 0


def test_rounds_start_at_warmup_and_drop_removed_items():
    items = {"a": 1, "b": 2, "c": 3}
    seen = []
    for rnd, _, item in interleave.rounds(items, 3, seed=7, first=-1):
        seen.append((rnd, item))
        if rnd == -1 and item == "b":
            del items["b"]  # a probe round may drop an item the engine cannot run
    assert [r for r, _ in seen][0] == -1 and max(r for r, _ in seen) == 1
    assert [i for r, i in seen if r >= 0].count("b") == 0 and len([1 for r, _ in seen if r >= 0]) == 4


def own_orderings(source: str) -> list[int]:
    """Lines of ``source`` that shuffle or seed a ``random.Random`` themselves (an order of their own)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("shuffle", "Random", "permutation"):
                found.append(node.lineno)
    return found


def test_every_measurement_order_comes_from_the_one_helper():
    """No module but vlab.core.interleave shuffles a run order itself (spectrum used to: one shuffle of all trials)."""
    vlab_dir = Path(interleave.__file__).resolve().parents[1]
    found = [f"{path.relative_to(vlab_dir.parent)}:{line}" for path in sorted(vlab_dir.rglob("*.py"))
             if path.name != "interleave.py" for line in own_orderings(path.read_text(encoding="utf-8"))]
    assert not found, "use vlab.core.interleave.rounds / Rounds instead:\n" + "\n".join(found)
    assert own_orderings("import random\norder = list(x)\nrandom.Random(0).shuffle(order)\n") == [3, 3]


def test_cpu_sweep_keeps_rows_when_the_engine_dies(monkeypatch):
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test: engine faked"))
    calls = []

    class Done:
        stdout = "1000000\n"

    def fake_run(*args, **kwargs):
        calls.append(kwargs.get("limits"))
        if len(calls) > 2:
            raise errors.EngineLost("Lost the Docker engine while waiting for a container.")
        return Done()

    monkeypatch.setattr(cgroups.sandbox, "run", fake_run)
    monkeypatch.setattr(cgroups, "engine_cpus", lambda: 2)
    monkeypatch.setattr(cgroups.provenance, "collect", lambda *a, **k: {})
    with pytest.raises(errors.EngineLost) as exc:
        cgroups.cpu_sweep([0.5, 1.0], workers=1, iterations=1000, repeats=3)
    res = exc.value.partial
    assert res.partial and len(res.samples) == 2 and res.kind == "cg_cpu"
