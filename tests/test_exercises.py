"""Every notebook with exercises runs twice: with the solutions filled in (each exercise cell holds its
solution, and solution cells run: ``VLAB_SOLUTIONS=1``) every checker says PASS; with the blanks left as
they are every checker says NOT YET and no cell fails.

Notebooks are found automatically (any cell tagged ``exercise``), so a new notebook is covered as
soon as it has an exercise. Each runs in replay mode with the engine unreachable (like Binder) and,
marked ``engine``, live in quick mode. Checker outputs are recognised by their first word, as
``Feedback.__repr__`` prints them: ``✅ PASS``, ``⏳ NOT YET``, ``❌ WRONG``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WORDS = {"✅ PASS": "pass", "⏳ NOT YET": "not yet", "❌ WRONG": "wrong"}
REPLAY_ENV = {"VLAB_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "VLAB_REQUIRE_ENGINE": "0"}


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", ()))


def with_exercises() -> list[Path]:
    out = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any("exercise" in _tags(c) for c in nb.cells):
            out.append(path)
    return out


EXERCISED = with_exercises()


def verdicts(nb) -> list[tuple[int, str, str]]:
    """(cell index, status, text) of every checker output in an executed notebook."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", ()):
            text = out.get("data", {}).get("text/plain", "") if out.get("output_type") in (
                "execute_result", "display_data") else ""
            for word, status in WORDS.items():
                if text.startswith(word):
                    found.append((i, status, text))
    return found


def fill_in(nb) -> int:
    """Fill each exercise cell in with its solution (the next cell tagged ``solution``, without its ``%%solution``
    line), appended after the exercise's own lines, so set-up lines the solution does not repeat still run and
    the solution's assignments replace the blanks. Returns how many were filled in."""
    filled = 0
    for i, cell in enumerate(nb.cells):
        if "exercise" not in _tags(cell):
            continue
        sol = next((c for c in nb.cells[i + 1:] if "solution" in _tags(c)), None)
        assert sol is not None, f"exercise cell {i} has no solution cell after it"
        lines = sol.source.splitlines()
        assert lines and lines[0].strip() == "%%solution", f"solution after cell {i} must start with %%solution"
        cell.source = cell.source + "\n\n# --- filled in from the solution\n" + "\n".join(lines[1:])
        filled += 1
    return filled


def execute(path: Path, *, solutions: bool, replay: bool):
    from nbclient import NotebookClient

    env = {"VLAB_QUICK": "1", "VLAB_SOLUTIONS": "1" if solutions else "0", "PYTHONDONTWRITEBYTECODE": "1"}
    if replay:
        env.update(REPLAY_ENV)
    else:
        env["VLAB_MODE"] = "live"
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nb = nbformat.read(path, as_version=4)
        if solutions:
            fill_in(nb)
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=False,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def assert_verdicts(nb, path: Path, *, solutions: bool) -> None:
    exercises = sum("exercise" in _tags(c) for c in nb.cells)
    found = verdicts(nb)
    assert len(found) >= exercises, f"{path.name}: {exercises} exercises but only {len(found)} checker outputs"
    want = "pass" if solutions else "not yet"
    bad = [(i, text) for i, status, text in found if status != want]
    assert not bad, f"{path.name}: checkers that did not say {want.upper()}: {bad}"


def test_discovery_finds_the_exercise_notebooks():
    names = {p.stem for p in EXERCISED}
    assert "05_namespaces" in names and "05b_container_by_hand" in names, names


def test_verdicts_are_read_from_outputs():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "⏳ NOT YET: fill in"}, execution_count=1),
                    nbformat.v4.new_output("stream", text="✅ PASS printed, not a checker")]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert verdicts(nb) == [(0, "not yet", "⏳ NOT YET: fill in")]
    with pytest.raises(AssertionError):
        assert_verdicts(nb, Path("x.ipynb"), solutions=True)


@pytest.mark.parametrize("solutions", [True, False], ids=["solutions", "blanks"])
@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: p.stem)
def test_exercises_replay(path: Path, solutions: bool):
    nb = execute(path, solutions=solutions, replay=True)
    assert_verdicts(nb, path, solutions=solutions)


# Live costs a real run of the notebook (about a minute each in quick mode on 2 cores): every notebook runs live
# with its solutions; the blanks run live only where an exercise cell itself has a live-only branch (the
# blanks of every notebook already run in replay above). VLAB_EXERCISES_LIVE=all runs both passes live everywhere.
LIVE_BLANKS = {"00_start_here", "05b_container_by_hand"}


def _live_cases() -> list:
    every = os.environ.get("VLAB_EXERCISES_LIVE", "") == "all"
    cases = []
    for path in EXERCISED:
        cases.append(pytest.param(path, True, id=f"{path.stem}-solutions"))
        if every or path.stem in LIVE_BLANKS:
            cases.append(pytest.param(path, False, id=f"{path.stem}-blanks"))
    return cases


@pytest.mark.engine
@pytest.mark.parametrize(("path", "solutions"), _live_cases())
def test_exercises_live(engine, path: Path, solutions: bool):
    nb = execute(path, solutions=solutions, replay=False)
    assert_verdicts(nb, path, solutions=solutions)
