"""Course coverage: which notebook section teaches each course-map id and draws each lecture figure.

Notebooks declare what a section teaches with markdown lines right under its heading::

    ## Namespaces divide resources
    <small>Course map: S3.3 · S3.5</small>
    <small>Figure counterpart: 컨테이너가상화개요.png</small>

The list of ids (``data/course_map.tsv``) and of the 13 lecture-notes figures
(``data/lecture_figures.tsv``) ship with the package. ``table()`` gives the coverage as a
DataFrame (00_start_here shows it), ``markdown()`` the same for the README, and
``problems()`` every gap: an id or figure with no entry, an unknown id, an entry outside any section.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from vlab.core.errors import DataError

__all__ = [
    "Entry", "FIG_LINE", "GLOSSARY", "HEADING", "ID", "MAP_LINE", "MD_LINK", "NOTEBOOK_NAME", "all_entries", "anchor",
    "compact_markdown", "course_map", "entries", "figure_table", "folder_path", "lecture_figures", "link_problems",
    "links", "markdown", "notebook_files", "notebooks_dir", "problems", "readme_block", "sections", "table"
]

MAP_LINE = re.compile(r"<small>\s*Course map:\s*(?P<ids>[^<]*)</small>")
FIG_LINE = re.compile(r"<small>\s*Figure counterpart:\s*(?P<files>[^<]*)</small>")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
ID = re.compile(r"S\d+\.\d+")
NOTEBOOK_NAME = re.compile(r"^\d\d[a-z]?_[a-z0-9_]+\.ipynb$")
MD_LINK = re.compile(r"\]\((?P<target>[^)#\s]+\.ipynb)(?:#[^)]*)?\)|href=\"(?P<href>[^\"#]+\.ipynb)")
GLOSSARY = "99_glossary.ipynb"


@dataclass(frozen=True)
class Entry:
    """One declaration found in a notebook: ``what`` (an id or a figure file) taught in a section."""

    what: str
    notebook: str
    section: str | None  # None when the line is not under any heading


def _data_file(name: str) -> str:
    try:
        return (resources.files("vlab.data") / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"{name} is missing from the installed vlab package.") from exc


def _tsv(name: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(_data_file(name).splitlines(), delimiter="\t"))
    if not rows:
        raise DataError(f"{name} is empty.")
    return rows


def course_map() -> pd.DataFrame:
    """The course-map ids with short English titles and Korean terms (columns id, part, title, korean)."""
    df = pd.DataFrame(_tsv("course_map.tsv"))
    if list(df.columns) != ["id", "part", "title", "korean"] or df["id"].duplicated().any():
        raise DataError("course_map.tsv must have unique ids and columns id, part, title, korean.")
    bad = [i for i in df["id"] if not ID.fullmatch(i)]
    if bad:
        raise DataError(f"course_map.tsv has malformed ids: {bad}")
    return df


def lecture_figures() -> pd.DataFrame:
    """The 13 figures the lecture notes cite (columns file, subject)."""
    return pd.DataFrame(_tsv("lecture_figures.tsv"))


def notebooks_dir() -> Path:
    """The course's notebooks folder (next to the package in a source checkout)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def notebook_files(folder: Path | None = None) -> list[Path]:
    """The course notebooks ``NN_name.ipynb`` in order."""
    folder = Path(folder) if folder else notebooks_dir()
    if not folder.is_dir():
        raise DataError(f"No notebooks folder at {folder}.", "Run from a source checkout of vlab, or pass folder=.")
    return sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def _cells(path: Path) -> list[dict]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path.name} is not a readable notebook: {exc}") from exc
    cells = nb.get("cells", [])
    for c in cells:
        if isinstance(c.get("source"), list):
            c["source"] = "".join(c["source"])
    return cells


def sections(path: Path) -> list[str]:
    """The headings of a notebook's markdown cells, in order."""
    out = []
    for cell in _cells(path):
        if cell.get("cell_type") == "markdown":
            out += [m.group("text") for ln in cell["source"].splitlines() if (m := HEADING.match(ln))]
    return out


def entries(path: Path) -> list[Entry]:
    """Every course-map id and figure counterpart a notebook declares, with the section it sits in."""
    found: list[Entry] = []
    section: str | None = None
    for cell in _cells(path):
        if cell.get("cell_type") != "markdown":
            continue
        for ln in cell["source"].splitlines():
            if m := HEADING.match(ln):
                section = m.group("text")
            elif m := MAP_LINE.search(ln):
                found += [Entry(i, path.name, section) for i in ID.findall(m.group("ids"))]
                if not ID.findall(m.group("ids")):
                    found.append(Entry(m.group("ids").strip() or "(empty)", path.name, section))
            elif m := FIG_LINE.search(ln):
                files = [f.strip() for f in re.split(r"[·,]", m.group("files")) if f.strip()]
                found += [Entry(f, path.name, section) for f in files]
    return found


def all_entries(folder: Path | None = None) -> list[Entry]:
    return [e for nb in notebook_files(folder) for e in entries(nb)]


def anchor(section: str) -> str:
    """The anchor JupyterLab gives a heading (spaces → '-')."""
    return section.strip().replace(" ", "-")


def table(folder: Path | None = None) -> pd.DataFrame:
    """Coverage: one row per (id, notebook, section); ids nobody teaches yet have an empty notebook."""
    cmap = course_map()
    ids = set(cmap["id"])
    rows = [(e.what, e.notebook, e.section or "") for e in all_entries(folder) if e.what in ids]
    cov = pd.DataFrame(rows, columns=["id", "notebook", "section"]).drop_duplicates()
    df = cmap[["id", "title", "korean"]].merge(cov, on="id", how="left").fillna("")
    order = {i: n for n, i in enumerate(cmap["id"])}
    return df.sort_values(["id", "notebook"], key=lambda s: s.map(order) if s.name == "id" else s).reset_index(
        drop=True
    )


def figure_table(folder: Path | None = None) -> pd.DataFrame:
    """Lecture figure → notebook and section holding the course's counterpart."""
    figs = lecture_figures()
    names = set(figs["file"])
    rows = [(e.what, e.notebook, e.section or "") for e in all_entries(folder) if e.what in names]
    cov = pd.DataFrame(rows, columns=["file", "notebook", "section"]).drop_duplicates()
    return figs.merge(cov, on="file", how="left").fillna("")


def markdown(folder: Path | None = None, link_prefix: str = "notebooks/") -> str:
    """The coverage table as Markdown (for the README): id, concept, where it is taught."""
    df = table(folder)
    lines = ["| id | concept | taught in |", "|---|---|---|"]
    cmap = course_map()
    for _, c in cmap.iterrows():
        rows = df[(df["id"] == c["id"]) & (df["notebook"] != "")]
        where = "; ".join(
            f"[{r.notebook.removesuffix('.ipynb')} · {r.section}]({link_prefix}{r.notebook}#{anchor(r.section)})"
            for r in rows.itertuples()
        ) or "**not yet taught**"
        lines.append(f"| {c['id']} | {c['title']} ({c['korean']}) | {where} |")
    return "\n".join(lines)


def compact_markdown(folder: Path | None = None, link_prefix: str = "notebooks/") -> str:
    """A short coverage table for the README: id, concept, the notebooks that teach it."""
    df = table(folder)
    lines = ["| id | concept | taught in |", "|---|---|---|"]
    for _, c in course_map().iterrows():
        books = sorted(set(df[(df["id"] == c["id"]) & (df["notebook"] != "")]["notebook"]))
        where = ", ".join(f"[{b.split('_')[0]}]({link_prefix}{b})" for b in books) or "**not yet taught**"
        lines.append(f"| {c['id']} | {c['title']} ({c['korean']}) | {where} |")
    return "\n".join(lines)


README_START, README_END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def readme_block(folder: Path | None = None) -> str:
    """The README's coverage block, markers included (``python -m vlab.labs.coverage`` prints it)."""
    return f"{README_START}\n{compact_markdown(folder)}\n{README_END}"


def problems(folder: Path | None = None) -> list[str]:
    """Every coverage gap, one readable line each (empty when the course is complete)."""
    cmap, figs = course_map(), lecture_figures()
    ids, names = set(cmap["id"]), set(figs["file"])
    found = all_entries(folder)
    out = []
    for e in found:
        if e.section is None:
            out.append(f"{e.notebook}: '{e.what}' is declared before any section heading")
        elif e.what not in ids and e.what not in names:
            out.append(f"{e.notebook} § {e.section}: '{e.what}' is neither a course-map id nor a lecture figure")
        elif e.section not in sections(folder_path(folder) / e.notebook):
            out.append(f"{e.notebook}: section '{e.section}' does not exist")
    taught = {e.what for e in found if e.section}
    pairs = zip(cmap["id"], cmap["title"], strict=True)
    out += [f"{i} ({t}) is taught in no notebook" for i, t in pairs if i not in taught]
    out += [f"lecture figure {f} has no counterpart in any notebook" for f in figs["file"] if f not in taught]
    return out


def folder_path(folder: Path | None) -> Path:
    return Path(folder) if folder else notebooks_dir()


def links(path: Path) -> set[str]:
    """Notebook files a notebook links to from its markdown cells."""
    out: set[str] = set()
    for cell in _cells(path):
        if cell.get("cell_type") == "markdown":
            out |= {Path(m.group("target") or m.group("href")).name for m in MD_LINK.finditer(cell["source"])}
    return out


def link_problems(folder: Path | None = None) -> list[str]:
    """Course navigation gaps: each notebook must begin with ``course.begin()`` (which prints the glossary
    link) and its last markdown cell must link to the next notebook (the last one back to the first) and to
    the glossary."""
    nbs = notebook_files(folder)
    out = []
    for i, nb in enumerate(nbs):
        cells = _cells(nb)
        code = [c for c in cells if c.get("cell_type") == "code"]
        if not code or "course.begin()" not in code[0]["source"]:
            out.append(f"{nb.name}: the first code cell must call course.begin()")
        md = [c for c in cells if c.get("cell_type") == "markdown"]
        last = {Path(m.group("target") or m.group("href")).name for m in MD_LINK.finditer(md[-1]["source"])} \
            if md else set()
        nxt = nbs[(i + 1) % len(nbs)].name
        if nxt != nb.name and nxt not in last:
            out.append(f"{nb.name}: the last markdown cell has no link to the next notebook {nxt}")
        if nb.name != GLOSSARY and GLOSSARY not in last:
            out.append(f"{nb.name}: the last markdown cell has no link to the glossary {GLOSSARY}")
    return out


if __name__ == "__main__":
    print(readme_block())
