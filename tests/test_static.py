"""tools/build_static.py: executed notebooks → HTML with embedded widget state, plus an ordered index."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from vlab.core.errors import BadParameter, DataError

ROOT = Path(__file__).resolve().parents[1]
STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def _load_tool():
    spec = importlib.util.spec_from_file_location("build_static", ROOT / "tools" / "build_static.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bs = _load_tool()


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) if k == "md" else nbformat.v4.new_code_cell(s) for k, s in cells]
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nb, path)
    return path


def _scripts(page: str, mime: str) -> list[dict]:
    pattern = rf'<script type="{re.escape(mime)}">\s*(.*?)\s*</script>'
    return [json.loads(m) for m in re.findall(pattern, page, re.S)]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "02_next.ipynb", [("md", "# 02 · The next one\nNo code here.")])
    _notebook(folder / "01_tiny.ipynb", [
        ("md", "# 01 · A tiny notebook (작은 노트북)\nThen read [the next one](02_next.ipynb#top)."),
        ("code", "import ipywidgets as w\nw.IntSlider(value=4, min=0, max=9, description='trials')"),
        ("code", "import os\nprint('quick:', os.environ.get('VLAB_QUICK'))"),
    ])
    (folder / "figures").mkdir()
    (folder / "figures" / "ladder.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


def test_build_embeds_widget_state_and_lists_every_page_in_order(course: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("VLAB_QUICK", raising=False)
    out = tmp_path / "site"
    pages = bs.build(out, course, quick=True)
    assert [p.stem for p in pages] == ["01_tiny", "02_next"]
    assert not any(p.error for p in pages)

    page = (out / "01_tiny.html").read_text(encoding="utf-8")
    (state,) = _scripts(page, STATE_MIME)
    models = state["state"]
    sliders = [m for m in models.values() if m["model_name"] == "IntSliderModel"]
    assert [s["state"]["value"] for s in sliders] == [4]
    views = _scripts(page, VIEW_MIME)
    assert views and all(v["model_id"] in models for v in views), "each widget view must find its model in the state"
    assert "html-manager@" in page, "the page must load the widgets HTML manager"
    assert "quick: 1" in page, "notebooks are executed in quick mode"
    assert 'href="02_next.html#top"' in page and "02_next.ipynb" not in page

    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', index)
    assert [h for h, _ in links] == ["01_tiny.html", "02_next.html"]
    assert links[0][1] == "01 · A tiny notebook (작은 노트북)"
    assert (out / "figures" / "ladder.svg").exists()


def test_a_failing_cell_keeps_the_page_and_fails_the_build(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("VLAB_QUICK", "1")
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder / "03_broken.ipynb", [("md", "# Broken"), ("code", "print('before')"), ("code", "1 / 0")])
    out = tmp_path / "site"
    assert bs.main(["--notebooks-dir", str(folder), "--out", str(out)]) == 1
    assert "ZeroDivisionError" in capsys.readouterr().err
    page = (out / "03_broken.html").read_text(encoding="utf-8")
    assert "before" in page and "ZeroDivisionError" in page
    assert "a cell failed: ZeroDivisionError" in (out / "index.html").read_text(encoding="utf-8")


def test_unknown_names_and_empty_folders_are_refused_before_running(course: Path, tmp_path: Path, capsys):
    with pytest.raises(BadParameter) as exc:
        bs.find_notebooks(course, ["07"])
    assert "01_tiny" in exc.value.hint
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError):
        bs.find_notebooks(empty)
    assert bs.main(["07", "--notebooks-dir", str(course), "--out", str(tmp_path / "never")]) == 2
    assert "fix:" in capsys.readouterr().err
    assert not (tmp_path / "never").exists()


def test_links_only_to_known_notebooks_are_rewritten():
    body = '<a href="02_next.ipynb">n</a> <a href="./99_glossary.ipynb#n">g</a> <a href="https://x.org/a.ipynb">x</a>'
    out = bs.link_notebooks(body, {"02_next", "99_glossary"})
    assert out == '<a href="02_next.html">n</a> <a href="99_glossary.html#n">g</a> <a href="https://x.org/a.ipynb">x</a>'


def test_title_is_the_first_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("Intro\n## **Cgroups** (씨그룹)\n")]
    assert bs.title_of(nb, "fallback") == "Cgroups (씨그룹)"
    assert bs.title_of(nbformat.v4.new_notebook(), "fallback") == "fallback"
