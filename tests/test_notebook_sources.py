"""Both editions are written from one source per notebook, and are in step with it.

``notebooks/src/NN.py`` holds every code cell once and each markdown cell in English and, right after it, in
Korean (``lang="ko"``); ``tools/editions.py`` writes ``notebooks/NN.ipynb`` and ``notebooks/ko/NN.ipynb``.
Fix a failure with ``./course.sh notebooks NN --execute``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))
CHECKED = {"keep_output", "nbval-check-output"}
BUILT = [(src, lang) for src in SOURCES for lang in editions.LANGS]


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]


def _built(src: Path, lang: str):
    return nbformat.read(editions.FOLDERS[lang] / f"{src.stem}.ipynb", as_version=4)


@pytest.mark.parametrize("lang", editions.LANGS)
def test_every_source_has_both_editions_and_every_notebook_a_source(lang):
    assert SOURCES, "no notebook sources found"
    assert {p.stem for p in SOURCES} == {p.stem for p in editions.FOLDERS[lang].glob("*.ipynb")}


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_every_english_cell_has_its_korean_counterpart(src: Path):
    found = editions.problems(editions.read_source(src), src.stem)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("src", "lang"), BUILT, ids=lambda x: getattr(x, "stem", x))
def test_notebook_matches_its_source(src: Path, lang: str):
    want = editions.edition(jupytext.read(src, fmt="py:percent"), lang)
    assert _cells(_built(src, lang)) == _cells(want), (
        f"{editions.FOLDERS[lang].name}/{src.stem}.ipynb is out of date: ./course.sh notebooks {src.stem} --execute")


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_both_editions_run_the_same_code(src: Path):
    code = {lang: [c.source for c in _built(src, lang).cells if c.cell_type == "code"] for lang in editions.LANGS}
    assert code["en"] and code["en"] == code["ko"]


@pytest.mark.parametrize(("src", "lang"), BUILT, ids=lambda x: getattr(x, "stem", x))
def test_only_checked_cells_keep_outputs(src: Path, lang: str):
    for cell in _built(src, lang).cells:
        tags = set(cell.metadata.get("tags", ()))
        assert not (tags & CHECKED) or CHECKED <= tags, f"tag both {sorted(CHECKED)} or neither: {cell.source[:60]!r}"
        if cell.cell_type == "code" and cell.get("outputs"):
            assert CHECKED <= tags, f"output stored for an unchecked cell: {cell.source[:60]!r}"
        if CHECKED <= tags:  # nbval compares against these: they must have run (outputs and a count)
            assert cell.get("outputs") and cell.get("execution_count"), (
                f"checked cell stored without its run: {cell.source[:60]!r}; "
                f"./course.sh notebooks {src.stem} --execute")


def test_the_korean_edition_opens_the_same_files():
    linked = NOTEBOOKS / "ko" / "environment.toml"
    assert linked.resolve() == (NOTEBOOKS / "environment.toml").resolve()


# ---------------------------------------------------------------- the pairing rules themselves

SOURCE = '''# %% [markdown]
# # 07 · Start time
# <small>Course map: S3.9</small>

# %% [markdown] lang="ko"
# # 07 · 시작 시간
# <small>Course map: S3.9</small>

# %%
print(1)

# %% [markdown]
# ## Predict first
# See [the glossary](99_glossary.ipynb).

# %% [markdown] lang="ko"
# ## 먼저 예측하기
# [용어집](99_glossary.ipynb)을 보세요.
'''


def _problems(text: str) -> list[str]:
    return editions.problems(jupytext.reads(text, fmt="py:percent"), "t")


def test_a_complete_source_has_no_problems():
    assert _problems(SOURCE) == []


def test_a_korean_notebook_missing_a_section_fails():
    assert any("headings" in p for p in _problems(SOURCE.replace("# ## 먼저 예측하기\n", "# 먼저 예측하기\n")))
    dropped = SOURCE.split('# %% [markdown] lang="ko"\n# ## 먼저')[0].rstrip() + "\n"
    assert any("without its Korean cell" in p for p in _problems(dropped))


def test_a_korean_cell_must_keep_markers_and_links_and_be_korean():
    assert any("course-map" in p for p in _problems(SOURCE.replace("# <small>Course map: S3.9</small>\n\n# %%\nprint",
                                                                   "\n# %%\nprint")))
    assert any("links" in p for p in _problems(SOURCE.replace("[용어집](99_glossary.ipynb)", "용어집")))
    english = SOURCE.replace("07 · 시작 시간", "07 · Start time").replace("먼저 예측하기", "Predict first").replace(
        "[용어집](99_glossary.ipynb)을 보세요.", "See [the glossary](99_glossary.ipynb).")
    assert any("Hangul" in p for p in _problems(english))


def test_both_editions_share_every_code_cell():
    nb = jupytext.reads(SOURCE, fmt="py:percent")
    en, ko = editions.edition(nb, "en"), editions.edition(nb, "ko")
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (en, ko)]
    assert code[0] == code[1]
    assert "Start time" in en.cells[0].source and "시작 시간" in ko.cells[0].source
    assert not any("lang" in c.metadata for c in en.cells + ko.cells)
