"""Every notebook with exercises runs twice: with the solutions filled in (each exercise cell holds its
solution, and solution cells run: ``VLAB_SOLUTIONS=1``) every checker says PASS; with the blanks left as
they are every checker says NOT YET and no cell fails.

Notebooks are found automatically (any cell tagged ``exercise``), so a new notebook is covered as
soon as it has an exercise. Each runs in replay mode with the engine unreachable (like Binder), both passes, and,
marked ``engine``, live in quick mode, both passes in one execution (``blanks_then_solutions``). With the solutions
in replay, no output before an exercise may show its answer (``answers_shown_early``).
Checker outputs are recognised by their first word, as
``Feedback.__repr__`` prints them: ``✅ PASS``, ``⏳ NOT YET``, ``❌ WRONG``.
"""

from __future__ import annotations

import copy
import json
import os
import re
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


ANSWER_MARK = "@@vlab-answers@@"
BLANK = re.compile(r"^(\w+)\s*=\s*\.\.\.", re.MULTILINE)
# Printed by a filled-in exercise cell: the values its blanks hold once the solution ran (numbers, strings and short
# lists of them; anything else, a function or a DataFrame, is not an answer a learner could read off an output).
REPORT_ANSWERS = """
def _vlab_report_answers(names, scope):
    import json, numbers
    out = {}
    for name in names:
        value = scope.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, numbers.Integral):
            out[name] = int(value)
        elif isinstance(value, numbers.Real):
            out[name] = float(value)
        elif isinstance(value, str):
            out[name] = value
        elif isinstance(value, (list, tuple, set)) and 0 < len(value) <= 8 and all(
                isinstance(x, (str, numbers.Real)) and not isinstance(x, bool) for x in value):
            out[name] = repr(sorted(value) if isinstance(value, set) else value)
    print(%r + json.dumps(out))
_vlab_report_answers(%r, globals())
del _vlab_report_answers
"""


def blanks_of(source: str) -> list[str]:
    """The names an exercise cell asks for: its ``name = ...`` lines."""
    return BLANK.findall(source)


def fill_in(nb, *, report_answers: bool = False) -> int:
    """Fill each exercise cell in with its solution (the next cell tagged ``solution``, without its ``%%solution``
    line), appended after the exercise's own lines, so set-up lines the solution does not repeat still run and
    the solution's assignments replace the blanks. With ``report_answers`` the cell then prints the values of its
    blanks after ``ANSWER_MARK`` (read by ``answers``). Returns how many were filled in."""
    filled = 0
    for i, cell in enumerate(nb.cells):
        if "exercise" not in _tags(cell):
            continue
        sol = next((c for c in nb.cells[i + 1:] if "solution" in _tags(c)), None)
        assert sol is not None, f"exercise cell {i} has no solution cell after it"
        lines = sol.source.splitlines()
        assert lines and lines[0].strip() == "%%solution", f"solution after cell {i} must start with %%solution"
        names = blanks_of(cell.source)
        cell.source = cell.source + "\n\n# --- filled in from the solution\n" + "\n".join(lines[1:])
        if report_answers:
            cell.source += "\n" + REPORT_ANSWERS % (ANSWER_MARK, names)
        filled += 1
    return filled


def answers(nb) -> dict[int, dict]:
    """{exercise cell index: {blank name: value}} from the ``ANSWER_MARK`` lines of an executed notebook."""
    found = {}
    for i, cell in enumerate(nb.cells):
        if "exercise" not in _tags(cell):
            continue
        for out in cell.get("outputs", ()):
            for line in out.get("text", "").splitlines() if out.get("output_type") == "stream" else ():
                if line.startswith(ANSWER_MARK):
                    found[i] = json.loads(line[len(ANSWER_MARK):])
    return found


def shown_forms(value) -> list[str]:
    """How an output would show an answer: an integer as itself (one-digit numbers are everywhere, so not those),
    a float at 1–3 decimals (a form with fewer than two significant digits, such as 0.0 or 1.0, says too little to
    give an answer away), a string or a list's repr as it is (three characters at least)."""
    if isinstance(value, int):
        return [str(value)] if abs(value) >= 10 else []
    if isinstance(value, float):
        forms = []
        for decimals in (1, 2, 3):
            text = f"{value:.{decimals}f}"
            significant = text.lstrip("-").rstrip("0").rstrip(".").replace(".", "").lstrip("0")
            if len(significant) >= 2 and text not in forms:
                forms.append(text)
        return forms
    return [value] if isinstance(value, str) and len(value.strip()) >= 3 else []


def _widget_text(nb, model_id: str, seen: set[str]) -> list[str]:
    """Every string in a widget's saved state and its children's (what the widget showed)."""
    if model_id in seen:
        return []
    seen.add(model_id)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    texts = []

    def walk(value):
        if isinstance(value, str):
            if value.startswith("IPY_MODEL_"):
                texts.extend(_widget_text(nb, value[len("IPY_MODEL_"):], seen))
            else:
                texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(state.get(model_id, {}).get("state", {}))
    return texts


def output_text(nb, cell) -> str:
    """What a cell's outputs show a learner: text/plain, text/html, streams (without ``ANSWER_MARK`` lines) and
    the text of the widgets it displays."""
    parts = []
    for out in cell.get("outputs", ()) if cell.cell_type == "code" else ():
        if out.get("output_type") == "stream":
            parts += [line for line in out.get("text", "").splitlines() if not line.startswith(ANSWER_MARK)]
        data = out.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
        view = data.get("application/vnd.jupyter.widget-view+json")
        if view:
            parts += _widget_text(nb, view.get("model_id", ""), set())
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


# Blanks that are a step of reading the input, not the answer: the measurement shows them by design, and the exercise
# asks for what the learner computes from them. Each entry says why.
GIVEN = {
    ("06_cgroups", "exit_code"): "read from oom.samples (the measurement shows it); the answer is its signal",
}


def answers_shown_early(nb, notebook: str = "") -> list[str]:
    """Each exercise answer that an output of a cell *before* its exercise cell already shows."""
    problems = []
    for index, values in answers(nb).items():
        earlier = [(j, output_text(nb, c)) for j, c in enumerate(nb.cells[:index])]
        for name, value in values.items():
            if (notebook, name) in GIVEN:
                continue
            for form in shown_forms(value):
                pattern = re.compile(r"(?<![\w.])" + re.escape(form) + r"(?![\w]|\.\d)")
                for j, text in earlier:
                    if pattern.search(text):
                        problems.append(f"exercise cell {index}: {name} = {form} is already shown by cell {j}")
    return problems


def execute(path: Path, *, solutions: bool, replay: bool, report_answers: bool = False, prepare=None):
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
        if prepare is not None:
            prepare(nb)
        elif solutions:
            fill_in(nb, report_answers=report_answers)
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
    """With the solutions, also: no output before an exercise shows its answer (the values its blanks get)."""
    nb = execute(path, solutions=solutions, replay=True, report_answers=solutions)
    assert_verdicts(nb, path, solutions=solutions)
    if solutions:
        assert answers(nb), f"{path.name}: no exercise reported its answers"
        early = answers_shown_early(nb, path.stem)
        assert not early, f"{path.name}: answers shown before their question: {early}"


def blanks_then_solutions(nb) -> list[int]:
    """Make one notebook of both passes: each exercise cell and its checker cells (the code cells up to its solution
    cell) run first as they are, with the blanks, then again filled in from the solution. Returns the indices of the
    blank checker cells; every other checker cell (the filled-in ones, and the solution cells) must say PASS."""
    cells, blank_checkers = [], []
    i = 0
    while i < len(nb.cells):
        cell = nb.cells[i]
        cells.append(cell)
        if "exercise" not in _tags(cell):
            i += 1
            continue
        sol = next((j for j in range(i + 1, len(nb.cells)) if "solution" in _tags(nb.cells[j])), None)
        assert sol is not None, f"exercise cell {i} has no solution cell after it"
        between = nb.cells[i + 1:sol]
        checks = [c for c in between if c.cell_type == "code"]
        assert checks, f"exercise cell {i} has no checker cell before its solution"
        for c in between:
            cells.append(c)
            if c.cell_type == "code":
                blank_checkers.append(len(cells) - 1)
        filled = nbformat.from_dict(copy.deepcopy(dict(cell)))
        single = nbformat.v4.new_notebook(cells=[filled, nb.cells[sol]])
        fill_in(single)
        cells.append(single.cells[0])
        cells += [nbformat.from_dict(copy.deepcopy(dict(c))) for c in checks]
        i = sol
    nb.cells = cells
    return blank_checkers


def execute_both(path: Path, *, replay: bool):
    """One execution of ``blanks_then_solutions``: (executed notebook, indices of the blank checker cells)."""
    holder = {}

    def build(nb):
        holder["blank"] = blanks_then_solutions(nb)

    nb = execute(path, solutions=True, replay=replay, prepare=build)
    return nb, holder["blank"]


def assert_both_verdicts(nb, path: Path, blank_checkers: list[int]) -> None:
    found = verdicts(nb)
    blank = set(blank_checkers)
    seen_blank = {i for i, _status, _text in found if i in blank}
    assert seen_blank == blank, f"{path.name}: blank checker cells without a verdict: {sorted(blank - seen_blank)}"
    bad = [(i, status, text) for i, status, text in found if status != ("not yet" if i in blank else "pass")]
    assert not bad, f"{path.name}: blank checkers must say NOT YET, the others PASS: {bad}"
    exercises = sum("exercise" in _tags(c) for c in nb.cells) // 2
    assert len(found) - len(seen_blank) >= exercises, f"{path.name}: too few PASS verdicts"


def test_blanks_then_solutions_builds_both_passes():
    ex = nbformat.v4.new_code_cell("x = ...", metadata={"tags": ["exercise"]})
    check = nbformat.v4.new_code_cell("check(x)")
    hint = nbformat.v4.new_markdown_cell("<details>hint</details>")
    sol = nbformat.v4.new_code_cell("%%solution\nx = 1\ncheck(x)", metadata={"tags": ["solution"]})
    after = nbformat.v4.new_code_cell("print(x)")
    nb = nbformat.v4.new_notebook(cells=[ex, check, hint, sol, after])
    blank = blanks_then_solutions(nb)
    sources = [c.source for c in nb.cells]
    assert sources[:3] == ["x = ...", "check(x)", "<details>hint</details>"]
    assert sources[3].startswith("x = ...") and sources[3].endswith("x = 1\ncheck(x)") and sources[4] == "check(x)"
    assert sources[5:] == [sol.source, "print(x)"] and blank == [1]
    # a blank checker that says PASS, or a filled-in one that says NOT YET, fails the test
    for i, text in ((1, "✅ PASS: typed"), (4, "⏳ NOT YET: fill in")):
        nb.cells[i].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": text}, execution_count=1)]
    with pytest.raises(AssertionError):
        assert_both_verdicts(nb, Path("x.ipynb"), blank)


# Live costs a real run of the notebook (about a minute each in quick mode on 2 cores), so each notebook runs live
# once with both passes in it (``blanks_then_solutions``): every blank checker and every solution, live.
@pytest.mark.engine
@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: f"{p.stem}-blanks+solutions")
def test_exercises_live(engine, path: Path):
    nb, blank_checkers = execute_both(path, replay=False)
    assert_both_verdicts(nb, path, blank_checkers)


def test_an_answer_in_an_earlier_output_is_found():
    shown = nbformat.v4.new_code_cell("print(summary)")
    shown.outputs = [nbformat.v4.new_output("stream", text="network:bridge 2.39\n")]
    ex = nbformat.v4.new_code_cell("ratio = ...\nrows = ...", metadata={"tags": ["exercise"]})
    ex.outputs = [nbformat.v4.new_output("stream", text=ANSWER_MARK + json.dumps({"ratio": 2.3912, "rows": 7}))]
    later = nbformat.v4.new_code_cell("print(ratio)")
    later.outputs = [nbformat.v4.new_output("stream", text="2.3912\n")]
    nb = nbformat.v4.new_notebook(cells=[shown, ex, later])
    assert blanks_of(ex.source) == ["ratio", "rows"]
    assert answers(nb) == {1: {"ratio": 2.3912, "rows": 7}}
    assert shown_forms(2.3912) == ["2.4", "2.39", "2.391"] and shown_forms(7) == [] and shown_forms(1.0) == []
    assert answers_shown_early(nb) == ["exercise cell 1: ratio = 2.39 is already shown by cell 0"]
    shown.outputs = [nbformat.v4.new_output("stream", text="network:bridge 12.39 2.395\n")]  # other numbers
    assert answers_shown_early(nb) == []
