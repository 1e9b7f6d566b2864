"""Two editions from one source: notebooks/src/NN.py → notebooks/NN.ipynb (English) and notebooks/ko/NN.ipynb (Korean).

A source holds every code cell once and each markdown cell in both languages: the English cell, then at once its
Korean counterpart, marked in the jupytext cell header::

    # %% [markdown]
    # ## Your first container
    # ...

    # %% [markdown] lang="ko"
    # ## 첫 컨테이너
    # ...

    python tools/editions.py check [notebooks/src/NN.py ...]   # the pairing rules below, for every source
    python tools/editions.py build [NN ...] [--execute]         # write both editions (./course.sh notebooks)

The pairing rules (``problems``) are what tests/test_notebook_sources.py asserts: every English markdown cell is
followed by one Korean cell with the same headings (levels), course-map and figure markers, links and hint blocks,
and most letters of the Korean prose are Hangul. Files the notebooks open by relative path (environment.toml) are
linked into notebooks/ko/.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
LANGS = ("en", "ko")
FOLDERS = {"en": NOTEBOOKS, "ko": NOTEBOOKS / "ko"}
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN = re.compile(r"[A-Za-z]")


def lang_of(cell) -> str | None:
    """'en' or 'ko' for a markdown cell (untagged markdown is English), None for code."""
    if cell.cell_type != "markdown":
        return None
    return cell.metadata.get("lang", "en")


def read_source(src: Path):
    return jupytext.read(src, fmt="py:percent")


def edition(nb, lang: str):
    """The notebook of one language: every code cell, and the markdown cells of that language."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if lang_of(c) in (None, lang)]
    for i, c in enumerate(out.cells):
        c.metadata.pop("lang", None)
        # stable ids (a rebuild changes only what changed); nbformat makes random ones
        c["id"] = hashlib.sha1(f"{i}\0{c.cell_type}\0{c.source}".encode()).hexdigest()[:8]
    out.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    out.metadata["language_info"] = {"name": "python"}
    out.metadata["vlab"] = {"lang": lang}
    return out


# --------------------------------------------------------------------------- pairing rules


def _structure(text: str) -> dict[str, list[str]]:
    """What both languages of a cell must share: heading levels, course-map markers, link targets, images, hints."""
    no_code = re.sub(r"```.*?```", "", text, flags=re.S)
    return {
        "headings": [m.group(1) for m in re.finditer(r"^(#+)\s", no_code, re.M)],
        "course-map markers": re.findall(r"<small>(?:Course map|Figure counterpart):[^<]*</small>", text),
        "links": sorted(re.findall(r"\]\(([^)\s]+)", text)),
        "hint blocks": re.findall(r"<details>", text),
    }


def prose_letters(text: str) -> tuple[int, int]:
    """(Hangul, Latin) letters of markdown prose: code, links' targets, HTML tags and math left out."""
    text = re.sub(r"```.*?```|`[^`]*`|\]\([^)]*\)|<[^>]+>|\$[^$]*\$|https?://\S+", " ", text, flags=re.S)
    return len(HANGUL.findall(text)), len(LATIN.findall(text))


def problems(nb, name: str = "") -> list[str]:
    """Every way the source breaks the pairing rules; empty when both editions are complete."""
    out: list[str] = []
    cells = nb.cells
    hangul = latin = 0
    for i, cell in enumerate(cells):
        lang = lang_of(cell)
        where = f"{name} cell {i} ({cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ''!r})"
        if lang not in (None, *LANGS):
            out.append(f"{where}: unknown lang {lang!r}")
        elif lang == "en":
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt is None or lang_of(nxt) != "ko":
                out.append(f"{where}: English markdown without its Korean cell right after it")
                continue
            a, b = _structure(cell.source), _structure(nxt.source)
            out += [f"{where}: the Korean cell's {key} differ: {a[key]} vs {b[key]}" for key in a if a[key] != b[key]]
        elif lang == "ko":
            prev = cells[i - 1] if i else None
            if prev is None or lang_of(prev) != "en":
                out.append(f"{where}: Korean markdown without an English cell right before it")
            h, latin_n = prose_letters(cell.source)
            hangul, latin = hangul + h, latin + latin_n
    if any(lang_of(c) == "ko" for c in cells) and hangul <= latin:
        out.append(f"{name}: Hangul is {hangul / max(1, hangul + latin):.0%} of the Korean prose's letters (want most)")
    return out


# --------------------------------------------------------------------------- build


def build(src: Path, execute: bool, python: str = sys.executable) -> list[Path]:
    """Write both editions of one source; with ``execute``, run each in its own folder and keep checked outputs."""
    nb = read_source(src)
    written = []
    for lang in LANGS:
        path = FOLDERS[lang] / f"{src.stem}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(edition(nb, lang), path)
        if execute:
            env = {**os.environ, "VLAB_QUICK": "1", "VLAB_LANG": lang}
            subprocess.run([python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                            "--ExecutePreprocessor.timeout=900", str(path)], check=True, env=env, cwd=path.parent,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # nbval needs the count of a checked cell; every other output goes
        subprocess.run([python, "-m", "nbstripout", "--keep-id", "--keep-count", str(path)], check=True)
        written.append(path)
    return written


def _sources(names: list[str]) -> list[Path]:
    if not names:
        return sorted(SOURCES.glob("*.py"))
    found = []
    for n in names:
        p = Path(n)
        found += [p] if p.suffix == ".py" else sorted(SOURCES.glob(f"{n}*.py"))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["check", "build"])
    ap.add_argument("names", nargs="*", help="NN prefixes or source paths (default: every notebook)")
    ap.add_argument("--execute", action="store_true", help="run each edition (quick mode) and keep checked outputs")
    args = ap.parse_args(argv)
    status = 0
    for src in _sources(args.names):
        if args.command == "check":
            found = problems(read_source(src), src.stem)
            print("\n".join(found) if found else f"{src.stem}: both editions complete")
            status |= bool(found)
        else:
            try:
                for path in build(src, args.execute):
                    print(f"wrote {path.relative_to(ROOT)}")
            except subprocess.CalledProcessError as exc:
                print(f"{src.stem}: failed: {(exc.stderr or b'').decode()[-3000:]}", file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
