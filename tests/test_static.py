"""The site build's own logic (site/build.py, wrapped by tools/build_static.py), without running Sphinx.

The full build, in a real browser, is tests/test_site.py (marked browser)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


wrapper = _load("build_static", ROOT / "tools" / "build_static.py")
sb = wrapper.load_site_build()


def test_the_old_tool_is_a_thin_wrapper_over_the_site_build(monkeypatch):
    seen = []
    monkeypatch.setattr(sb, "main", lambda argv=None: seen.append(argv) or 0)
    monkeypatch.setattr(wrapper, "load_site_build", lambda: sb)
    assert wrapper.main(["--lang", "en"]) == 0
    assert seen == [["--lang", "en"]]


def test_notebooks_are_discovered_in_course_order(tmp_path: Path):
    for name in ["99_glossary", "10b_spectrum", "05b_by_hand", "11_review", "05_namespaces", "00_start", "10_sec",
                 "scratch", ".hidden"]:
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert [p.stem for p in sb.notebooks_of(tmp_path)] == [
        "00_start", "05_namespaces", "05b_by_hand", "10_sec", "10b_spectrum", "11_review", "99_glossary"]


def test_the_real_notebooks_are_all_found():
    stems = [p.stem for p in sb.notebooks_of(ROOT / "notebooks")]
    assert stems[0] == "00_start_here" and stems[-1] == "99_glossary"
    assert stems == sorted(stems)


def test_first_bold_glossary_term_becomes_a_term_link_outside_headings_and_code():
    lookup = {"namespace": "namespace", "네임스페이스": "네임스페이스", "cgroup": "cgroup"}
    seen: set[str] = set()
    src = ("# The **namespace**\nA **namespace** (**네임스페이스**) and a **Namespace** again.\n"
           "```\n**cgroup**\n```\n**cgroup**")
    out = sb.link_terms(src, lookup, seen)
    lines = out.split("\n")
    assert lines[0] == "# The **namespace**"
    assert lines[1] == "A **{term}`namespace`** (**{term}`네임스페이스`**) and a **Namespace** again."
    assert lines[3] == "**cgroup**", "code fences stay as they are"
    assert lines[5] == "**{term}`cgroup`**"
    assert sb.link_terms("a **container (컨테이너)** here", {"container": "container"}, set()) == \
        "a **{term}`container (컨테이너) <container>`** here"


def test_prepared_notebook_keeps_code_and_drops_outputs(tmp_path: Path):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["A **namespace**."]},
                    {"cell_type": "code", "metadata": {}, "source": "print(1)", "execution_count": 3,
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]}],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "05_x.ipynb"
    path.write_text(json.dumps(nb))
    out = json.loads(sb.prepare_notebook(path, {"namespace": "namespace"}))
    assert out["cells"][0]["source"] == "A **{term}`namespace`**."
    assert out["cells"][1]["source"] == "print(1)" and out["cells"][1]["outputs"] == []


def test_glossary_and_bibliography_are_generated_from_the_data_files():
    terms = sb.read_tsv(ROOT / "data" / "glossary.tsv")
    rst = sb.glossary_rst(terms, {"01_servers"}, "en")
    assert ".. glossary::" in rst and "   server\n   서버\n" in rst and ":doc:`01_servers`" in rst
    rows = sb.read_tsv(ROOT / "data" / "bibliography.tsv")
    bib = sb.bibtex(rows)
    assert bib.count("@misc{") == len(rows) and "@misc{AGA20," in bib
    pybtex = pytest.importorskip("pybtex.database")
    parsed = pybtex.parse_string(bib, "bibtex")
    assert set(parsed.entries) == {r["source_id"] for r in rows}


def test_every_image_gets_alt_text():
    page = ('<h2>Start time<a class="headerlink" href="#s">#</a></h2><img src="a.png">'
            '<img src="b.png" alt=""><img src="c.png" alt="Figure: boot time">')
    out, fixed = sb.fill_alt(page)
    assert fixed == 2
    assert out.count('alt="Figure in section Start time"') == 2 and 'alt="Figure: boot time"' in out


def test_source_ids_in_the_article_link_to_their_reference():
    page = ('<nav>AGA20</nav><article class="bd-article"><p>Boot time [AGA20], see GVI.</p>'
            '<td>AGA20</td><a href="x">AGA20</a><script>var AGA20=1</script></article>')
    out, found = sb.link_citations(page, {"AGA20": "cite-AGA20", "GVI": "cite-GVI"})
    assert found == ["AGA20", "GVI"]
    assert out.startswith("<nav>AGA20</nav>"), "only the article is touched"
    assert '[<a class="reference external vlab-cite" href="references.html#cite-AGA20">AGA20</a>]' in out
    assert '<td><a class="reference external vlab-cite" href="references.html#cite-AGA20">AGA20</a></td>' in out
    assert '<a href="x">AGA20</a>' in out and "var AGA20=1" in out
    assert "Sources of the published figures on this page" in out
