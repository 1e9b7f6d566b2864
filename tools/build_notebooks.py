"""Build notebooks/*.ipynb from their readable sources in notebooks/src/*.py (percent format).

    python tools/build_notebooks.py            # convert every source
    python tools/build_notebooks.py --execute  # … and execute (quick, live) to store checked outputs
    python tools/build_notebooks.py 07_start_time --execute

Cells start with ``# %%`` (code) or ``# %% [markdown]`` (markdown, lines start with ``# ``).
Only outputs of cells marked ``# NBVAL_CHECK_OUTPUT`` are kept: they are the facts nbval
checks. Every other output is stripped so the notebooks stay small and clean.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "notebooks" / "src"
OUT = ROOT / "notebooks"
CELL = re.compile(r"^# %%(?P<md> \[markdown\])?.*$", re.M)


def parse(text: str) -> list[nbformat.NotebookNode]:
    cells = []
    marks = list(CELL.finditer(text))
    for i, m in enumerate(marks):
        body = text[m.end() + 1 : marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip("\n")
        if m.group("md"):
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body.splitlines()]
            cells.append(nbformat.v4.new_markdown_cell("\n".join(lines)))
        else:
            cells.append(nbformat.v4.new_code_cell(body))
    return cells


def convert(src: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(src.read_text(encoding="utf-8"))
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{src.stem[:20]}-{i:03d}"
    return nb


def keep_checked_outputs(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "NBVAL_CHECK_OUTPUT" not in cell.source:
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") in ("stream", "execute_result")]
            for o in cell.outputs:
                o.pop("metadata", None) if o.get("output_type") == "stream" else None


def execute(nb: nbformat.NotebookNode, cwd: Path) -> None:
    from nbclient import NotebookClient

    os.environ.setdefault("VLAB_QUICK", "1")
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebook stems (default: all)")
    ap.add_argument("--execute", action="store_true", help="execute in quick mode to store checked outputs")
    ap.add_argument("--check", action="store_true", help="fail if an .ipynb is out of date with its source")
    args = ap.parse_args(argv)
    sources = sorted(SRC.glob("*.py"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    stale = []
    for src in sources:
        target = OUT / f"{src.stem}.ipynb"
        nb = convert(src)
        if args.check:
            old = nbformat.read(target, as_version=4) if target.exists() else None
            if old is None or [c.source for c in old.cells] != [c.source for c in nb.cells]:
                stale.append(target.name)
            continue
        if args.execute:
            execute(nb, OUT)
        keep_checked_outputs(nb)
        nbformat.write(nb, target)
        print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("out of date (run tools/build_notebooks.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
