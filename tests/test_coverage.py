"""Coverage of the course map and lecture figures, and course navigation links.

The first part checks the real notebooks (one test per id / figure / notebook, so a failure
names exactly what is missing). The second part checks the parser itself on small synthetic notebooks.
"""

from __future__ import annotations

import nbformat
import pytest

from vlab.core.errors import DataError
from vlab.labs import coverage

IDS = list(coverage.course_map()["id"])
FIGURES = list(coverage.lecture_figures()["file"])


def test_course_map_data_is_complete():
    assert len(IDS) == 27 and IDS[0] == "S1.1" and IDS[-1] == "S3.9"
    assert len(FIGURES) == 13 and len(set(FIGURES)) == 13


# ------------------------------------------------------------------ the real course
@pytest.fixture(scope="module")
def real_entries():
    return coverage.all_entries()


@pytest.mark.parametrize("cid", IDS)
def test_every_course_map_id_is_taught(cid, real_entries):
    where = [f"{e.notebook} § {e.section}" for e in real_entries if e.what == cid and e.section]
    assert where, f"{cid} is taught in no notebook (add `<small>Course map: {cid}</small>` under a section heading)"


@pytest.mark.parametrize("fig", FIGURES)
def test_every_lecture_figure_has_a_counterpart(fig, real_entries):
    assert any(e.what == fig and e.section for e in real_entries), f"lecture figure {fig} has no counterpart"


def test_every_entry_points_at_an_existing_section(real_entries):
    known = set(IDS) | set(FIGURES)
    bad = [e for e in real_entries if e.section is None or e.what not in known]
    assert not bad, f"entries outside a section or with unknown ids/figures: {bad}"
    for e in real_entries:
        assert e.section in coverage.sections(coverage.notebooks_dir() / e.notebook)


@pytest.mark.parametrize("nb", [p.name for p in coverage.notebook_files()])
def test_notebook_links_to_next_and_glossary(nb):
    probs = [p for p in coverage.link_problems() if p.startswith(nb + ":")]
    assert not probs, probs


def test_table_and_markdown_have_every_id():
    df = coverage.table()
    assert set(df["id"]) == set(IDS)
    md = coverage.markdown()
    assert all(f"| {i} |" in md for i in IDS)


# ------------------------------------------------------------------ the parser, on synthetic notebooks
def _write(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbformat.v4.new_code_cell(c)
                for c in cells]
    nbformat.write(nb, folder / name)


def test_parser_finds_ids_sections_and_figures(tmp_path):
    _write(tmp_path, "01_a.ipynb", [
        "from vlab import course; course.begin()",
        "md:## Why containers\n<small>Course map: S3.1 · S3.7</small>\n"
        "<small>Figure counterpart: 컨테이너선호이유.png</small>",
        "md:### Another\n<small>Course map: S3.2, S3.9</small>",
        "md:Next: [02](02_b.ipynb) · [Glossary](99_glossary.ipynb)",
    ])
    ents = coverage.entries(tmp_path / "01_a.ipynb")
    assert {(e.what, e.section) for e in ents} == {
        ("S3.1", "Why containers"), ("S3.7", "Why containers"), ("컨테이너선호이유.png", "Why containers"),
        ("S3.2", "Another"), ("S3.9", "Another"),
    }
    df = coverage.table(tmp_path)
    assert df[df["id"] == "S3.7"]["notebook"].tolist() == ["01_a.ipynb"]
    assert df[df["id"] == "S1.1"]["notebook"].tolist() == [""]
    assert "[01_a · Why containers](notebooks/01_a.ipynb#Why-containers)" in coverage.markdown(tmp_path)
    probs = coverage.problems(tmp_path)
    assert "S1.1 (A server is hardware plus the software running on it) is taught in no notebook" in probs
    assert not any("S3.1 " in p for p in probs)
    assert "lecture figure 서버.png has no counterpart in any notebook" in probs
    assert not any("컨테이너선호이유" in p for p in probs)


def test_parser_reports_orphans_and_unknown_ids(tmp_path):
    _write(tmp_path, "01_a.ipynb", [
        "md:<small>Course map: S1.1</small>",
        "md:# Title\n<small>Course map: S9.9</small>\n<small>Figure counterpart: nope.png</small>",
    ])
    probs = coverage.problems(tmp_path)
    assert "01_a.ipynb: 'S1.1' is declared before any section heading" in probs
    assert "S1.1 (A server is hardware plus the software running on it) is taught in no notebook" in probs
    assert any("'S9.9' is neither" in p for p in probs)
    assert any("'nope.png' is neither" in p for p in probs)


def test_link_problems(tmp_path):
    _write(tmp_path, "01_a.ipynb", ["from vlab import course; course.begin()",
                                    "md:# A\nNext: [B](02_b.ipynb)\n[Glossary](99_glossary.ipynb)"])
    _write(tmp_path, "02_b.ipynb", ["print('no begin')", "md:# B\nThe end."])
    _write(tmp_path, "99_glossary.ipynb", ["from vlab import course; course.begin()", "md:# G\n[Start](01_a.ipynb)"])
    probs = coverage.link_problems(tmp_path)
    assert probs == [
        "02_b.ipynb: the first code cell must call course.begin()",
        "02_b.ipynb: the last markdown cell has no link to the next notebook 99_glossary.ipynb",
        "02_b.ipynb: the last markdown cell has no link to the glossary 99_glossary.ipynb",
    ]


def test_missing_folder_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="No notebooks folder"):
        coverage.notebook_files(tmp_path / "nowhere")


def test_corrupt_notebook_is_a_data_error(tmp_path):
    (tmp_path / "01_a.ipynb").write_text("{not json")
    with pytest.raises(DataError, match="not a readable notebook"):
        coverage.problems(tmp_path)


# ------------------------------------------------------------------ glossary
def test_glossary_terms_and_lookup():
    from vlab.core.errors import BadParameter
    from vlab.labs import glossary

    df = glossary.terms()
    assert len(df) >= 40 and not df["term"].duplicated().any()
    assert glossary.lookup("네임스페이스")["term"] == "namespace"
    assert glossary.lookup("Hypervisor")["korean"] == "하이퍼바이저"
    for bad in ("", "quantum teleporter"):
        with pytest.raises(BadParameter):
            glossary.lookup(bad)
    assert "<a href='04_hypervisors.ipynb'>" in glossary.to_html()


def test_glossary_points_at_existing_notebooks():
    from vlab.labs import glossary

    have = {p.stem for p in coverage.notebook_files()}
    missing = sorted(set(glossary.terms()["notebook"]) - have)
    assert not missing, f"glossary terms point at notebooks that do not exist yet: {missing}"
