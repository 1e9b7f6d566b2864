"""Every notebook is paired with its jupytext source (notebooks/jupytext.toml) and in sync with it.

Fix a failure with ``./course.sh notebooks NN --execute`` (or save the notebook in JupyterLab with
jupytext installed: both files are written).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))
CHECKED = {"keep_output", "nbval-check-output"}


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    assert SOURCES, "no notebook sources found"
    assert {p.stem for p in SOURCES} == {p.stem for p in NOTEBOOKS.glob("*.ipynb")}


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_notebook_matches_its_source(src: Path):
    text = jupytext.read(src, fmt="py:percent")
    built = nbformat.read(NOTEBOOKS / f"{src.stem}.ipynb", as_version=4)
    assert _cells(built) == _cells(text), f"{src.stem}.ipynb is out of date: ./course.sh notebooks {src.stem} --execute"


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_only_checked_cells_keep_outputs(src: Path):
    built = nbformat.read(NOTEBOOKS / f"{src.stem}.ipynb", as_version=4)
    for cell in built.cells:
        tags = set(cell.metadata.get("tags", ()))
        assert not (tags & CHECKED) or CHECKED <= tags, f"tag both {sorted(CHECKED)} or neither: {cell.source[:60]!r}"
        if cell.cell_type == "code" and cell.get("outputs"):
            assert CHECKED <= tags, f"output stored for an unchecked cell: {cell.source[:60]!r}"
        if CHECKED <= tags:  # nbval compares against these: they must have run (outputs and a count)
            assert cell.get("outputs") and cell.get("execution_count"), (
                f"checked cell stored without its run: {cell.source[:60]!r}; "
                f"./course.sh notebooks {src.stem} --execute")
