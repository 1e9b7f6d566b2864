"""Build a static HTML view of the executed course: site/index.html plus one page per notebook.

    python tools/build_static.py                      # every notebook, quick mode, into site/
    python tools/build_static.py 00_start_here 03     # only notebooks whose name starts so
    python tools/build_static.py --full --out public  # learner-sized trial counts

Each notebook is executed (quick mode unless ``--full``; live or replay as ``VLAB_MODE`` and the
engine decide) with nbclient, which stores the widget state in the notebook. nbconvert's HTML
exporter embeds that state (``application/vnd.jupyter.widget-state+json``), so sliders, dropdowns
and progress bars render without a kernel. They are drawn by the @jupyter-widgets/html-manager
script, which the page loads from a CDN (unpkg by default) when it is viewed: readers need to be
online for widgets; everything else (text, tables, plots) is in the HTML itself. Widgets keep the
state they had when built; moving a slider cannot recompute anything without a kernel.
Links between notebooks (``NN_name.ipynb``) are rewritten to the HTML pages.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from vlab.core import errors

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: ipywidgets 8 speaks widget protocol 2, drawn by @jupyter-widgets/html-manager 1.x.
HTML_MANAGER_RANGE = "^1.0.0"
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".css"}
CELL_TIMEOUT_S = 900


@dataclass
class Page:
    stem: str
    title: str
    html_name: str
    error: str = ""


def find_notebooks(folder: Path, names: Sequence[str] = ()) -> list[Path]:
    """Course notebooks in course order (their NN_ prefix), optionally only those starting with ``names``."""
    if not folder.is_dir():
        raise errors.BadParameter(f"{folder} is not a folder of notebooks", "Pass --notebooks-dir DIR.")
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if names:
        chosen = [p for p in found if any(p.stem.startswith(n.removesuffix(".ipynb")) for n in names)]
        missing = [n for n in names if not any(p.stem.startswith(n.removesuffix(".ipynb")) for p in found)]
        if missing:
            raise errors.BadParameter(
                f"no notebook in {folder} starts with {', '.join(missing)}",
                "Choose from: " + (", ".join(p.stem for p in found) or "(none: run ./course.sh notebooks --execute)") + ".",
            )
        found = chosen
    if not found:
        raise errors.DataError(f"no notebooks in {folder}", "Build them first: ./course.sh notebooks --execute.")
    return found


def title_of(nb, fallback: str) -> str:
    """The notebook's first markdown heading, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#{1,2}\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return fallback


def execute(nb, cwd: Path) -> str:
    """Run the notebook in place, storing widget state; returns "" or the first error, one line."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # the traceback comes with terminal colours
        lines = [ln for ln in text.splitlines() if re.match(r"^\w*(Error|Exception)\b", ln)]
        return lines[-1] if lines else text.strip().splitlines()[-1]
    return ""


def link_notebooks(body: str, stems: set[str]) -> str:
    """Point links to sibling notebooks (``NN_x.ipynb`` or ``…#anchor``) at their HTML pages."""

    def repl(m: re.Match) -> str:
        stem = m.group("stem")
        return f'href="{stem}.html{m.group("frag") or ""}"' if stem in stems else m.group(0)

    return re.sub(r'href="(?:\./)?(?P<stem>[\w.-]+)\.ipynb(?P<frag>#[^"]*)?"', repl, body)


def to_html(nb, widgets_cdn: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", jupyter_widgets_base_url=widgets_cdn,
                            html_manager_semver_range=HTML_MANAGER_RANGE)
    body, _ = exporter.from_notebook_node(nb)
    return body


def copy_assets(src: Path, out: Path) -> None:
    """Images and stylesheets the notebooks' markdown refers to by relative path."""
    for path in src.rglob("*"):
        rel = path.relative_to(src)
        skipped = {"src", ".ipynb_checkpoints"} & set(rel.parts)
        if path.is_file() and path.suffix.lower() in ASSET_SUFFIXES and not skipped:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out / rel)


def write_index(out: Path, pages: list[Page], note: str) -> Path:
    items = "\n".join(
        f'  <li><a href="{html.escape(p.html_name)}">{html.escape(p.title)}</a> <small>({html.escape(p.stem)})</small>'
        + (f' <small style="color:#D55E00">· a cell failed: {html.escape(p.error)}</small>' if p.error else "")
        + "</li>"
        for p in pages
    )
    index = out / "index.html"
    index.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vlab: virtualization, measured (가상화 실습)</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
li{{margin:.3rem 0}} small{{color:#555}}</style></head>
<body>
<h1>vlab: virtualization, measured</h1>
<p>A read-only view of the course notebooks, executed once. To measure on your own machine, open the
notebooks in JupyterLab.</p>
<ol>
{items}
</ol>
<p><small>{html.escape(note)}</small></p>
</body></html>
""", encoding="utf-8")
    return index


def build(out: Path, notebooks_dir: Path = NOTEBOOKS, names: Sequence[str] = (), *, run: bool = True,
          quick: bool = True, widgets_cdn: str = "https://unpkg.com/") -> list[Page]:
    """Execute and convert the notebooks into ``out``; returns the pages in course order."""
    import nbformat

    paths = find_notebooks(notebooks_dir, names)
    if quick:
        os.environ["VLAB_QUICK"] = "1"  # inherited by the kernels nbclient starts
    out.mkdir(parents=True, exist_ok=True)
    stems = {p.stem for p in find_notebooks(notebooks_dir)}
    pages: list[Page] = []
    try:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            page = Page(path.stem, title_of(nb, path.stem), f"{path.stem}.html")
            if run:
                print(f"executing {path.name} …", flush=True)
                page.error = execute(nb, notebooks_dir)
            (out / page.html_name).write_text(link_notebooks(to_html(nb, widgets_cdn), stems), encoding="utf-8")
            print(f"wrote {out / page.html_name}" + (f"  (cell failed: {page.error})" if page.error else ""))
            pages.append(page)
    finally:  # interrupted or not, the index lists the pages already built
        copy_assets(notebooks_dir, out)
        write_index(out, pages, _note(quick))
    return pages


def _note(quick: bool) -> str:
    mode = os.environ.get("VLAB_MODE") or "auto (live when a Docker engine answered, else replay)"
    note = (f"Built {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · mode {mode}"
            f"{' · quick mode (fewer trials)' if quick else ''}. Each page's banner says whether its numbers "
            "were measured live or replayed from recordings. Widgets are drawn by the Jupyter widgets "
            "HTML manager, loaded from a CDN when the page is viewed; they show the state they were built with.")
    return note


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebook name prefixes (default: all)")
    ap.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    ap.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS, help="where the .ipynb files are")
    ap.add_argument("--full", action="store_true", help="learner-sized trial counts (default: VLAB_QUICK=1)")
    ap.add_argument("--no-execute", action="store_true", help="convert the notebooks as they are, without running")
    ap.add_argument("--widgets-cdn", default="https://unpkg.com/",
                    help="CDN base for @jupyter-widgets/html-manager (e.g. https://cdn.jsdelivr.net/npm/)")
    args = ap.parse_args(argv)
    try:
        pages = build(args.out, args.notebooks_dir.resolve(), args.names, run=not args.no_execute,
                      quick=not args.full, widgets_cdn=args.widgets_cdn)
    except errors.VlabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: the pages built so far are listed in {args.out / 'index.html'}", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:
        print(f"error: {exc.name} is missing\n  → fix: pip install -e '.[test]' (nbclient, nbconvert)", file=sys.stderr)
        return 2
    print(f"wrote {args.out / 'index.html'} ({len(pages)} notebooks)")
    failed = [p for p in pages if p.error]
    if failed:
        print("cells failed in: " + ", ".join(f"{p.stem} ({p.error})" for p in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
