"""Build the course website into _site/: `./course.sh site` (or `python site/build.py`).

Sphinx + myst-nb + sphinx-book-theme, one edition per language:
  English  notebooks/*.ipynb     → _site/en/
  Korean   notebooks/ko/*.ipynb  → _site/ko/   (only when notebooks/ko/ exists)
and _site/index.html sends the reader to the English edition.

Every notebook is executed in REPLAY mode (VLAB_MODE=replay, no Docker engine reachable), so the site is
the same on every machine. myst-nb caches the executed notebooks (jupyter-cache, in _build/site/jupyter_cache/<lang>):
a notebook whose code cells did not change is not run again. A cell that fails shows its error in the page;
the build reports which notebooks had errors (and exits 1 with --strict).

The generated Sphinx sources live in _build/site/src/<lang>/: copies of the notebooks (markdown key terms
linked to the glossary), glossary.rst from data/glossary.tsv, refs.bib + references.md from
data/bibliography.tsv, and index.md with the notebooks in course order (discovered, never listed by hand).
The Jupyter widgets HTML manager is bundled from the npm registry (site/package.json, package-lock.json)
and served from the site itself, so widgets render offline.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

SITE = Path(__file__).resolve().parent
ROOT = SITE.parent
BUILD = ROOT / "_build" / "site"  # execution cache, widget bundle, kernels' IPython profile
DATA = ROOT / "data"
# overridable for tests (a stand-in edition in a temporary folder): output, generated sources, edition folders
OUT = Path(os.environ.get("VLAB_SITE_OUT", ROOT / "_site"))
WORK = Path(os.environ.get("VLAB_SITE_WORK", BUILD))
EDITIONS = {"en": Path(os.environ.get("VLAB_SITE_EDITION_EN", ROOT / "notebooks")),
            "ko": Path(os.environ.get("VLAB_SITE_EDITION_KO", ROOT / "notebooks" / "ko"))}
LANG_NAMES = {"en": "English", "ko": "한국어"}
WIDGETS_PKG = SITE / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist"
REPLAY_ENV = {
    "VLAB_MODE": "replay",
    "DOCKER_HOST": "unix:///nonexistent/docker.sock",
    "VLAB_REQUIRE_ENGINE": "0",
    "VLAB_QUICK": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


def say(msg: str) -> None:
    print(f"[site] {msg}", flush=True)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """Write only when the content differs, so Sphinx's incremental build sees unchanged files as unchanged."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --------------------------------------------------------------------------- discovery


def notebooks_of(folder: Path) -> list[Path]:
    """The course notebooks of one edition in course order: NN_name.ipynb sorted by name (05 < 05b < 06)."""
    return sorted(p for p in folder.glob("*.ipynb") if re.match(r"^\d\d[a-z]?_", p.name))


def editions() -> dict[str, list[Path]]:
    return {lang: notebooks_of(folder) for lang, folder in EDITIONS.items() if folder.is_dir() and notebooks_of(folder)}


def title_of(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+?)\s*$", "".join(cell.get("source", "")), re.M)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return fallback


# --------------------------------------------------------------------------- generated pages


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def glossary_rst(terms: list[dict[str, str]], stems: set[str], lang: str) -> str:
    title = "Glossary (용어집)" if lang == "en" else "용어집 (Glossary)"
    out = [title, "=" * (len(title) * 2), "",
           ("Every key term of the course in English and Korean, generated from ``data/glossary.tsv``. "
            "Terms in the notebooks link here." if lang == "en" else
            "강의의 모든 핵심 용어를 한국어와 영어로 모았습니다(``data/glossary.tsv``\\ 에서 생성). "
            "노트북 본문의 용어가 여기로 연결됩니다."), "", ".. glossary::", "   :sorted:", ""]
    for row in terms:
        en, ko = row["term"].strip(), row.get("korean", "").strip()
        names = [en, ko] if lang == "en" else [ko, en]  # the Korean edition shows Korean first
        for i, name in enumerate(names):
            if name and (i == 0 or name.lower() != names[0].lower()):
                out.append(f"   {name}")
        definition = row["definition"].strip().replace("\n", " ")
        if lang == "ko" and row.get("definition_ko", "").strip():
            definition = row["definition_ko"].strip().replace("\n", " ")
        nb = row.get("notebook", "").strip()
        taught = " Taught in :doc:`{nb}`." if lang == "en" else " :doc:`{nb}`\\ 에서 배웁니다."
        where = taught.format(nb=nb) if nb in stems else ""
        out += [f"      {definition}{where}", ""]
    return "\n".join(out) + "\n"


def bib_escape(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace(
        "&", "\\&").replace("%", "\\%").replace("#", "\\#").replace("_", "\\_")


def bibtex(rows: list[dict[str, str]]) -> str:
    """One @misc entry per source; the citation text is kept as written (title in double braces)."""
    out = []
    for r in rows:
        fields = {"title": "{" + bib_escape(r["citation"].strip()) + "}",
                  "howpublished": bib_escape(r.get("where", "").strip()),
                  "note": bib_escape(r.get("note", "").strip())}
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v and v != "{}")
        out.append(f"@misc{{{r['source_id'].strip()},\n{body}\n}}\n")
    return "\n".join(out)


def references_md(lang: str) -> str:
    title = "References (참고 문헌)" if lang == "en" else "참고 문헌 (References)"
    return (f"# {title}\n\nThe sources of every published figure the course quotes (`data/bibliography.tsv`; "
            "the figures themselves are in `data/published_figures.tsv`). A notebook page that shows a published "
            "figure links its source here.\n\n```{bibliography}\n:all:\n```\n")


def index_md(lang: str, pages: list[tuple[str, str]]) -> str:
    if lang == "en":
        head = ("# vlab: virtualization, measured\n\n"
                "A course that teaches virtualization by measuring real containers, sandboxes and virtual machines. "
                "This website shows every notebook **executed in replay mode**: the numbers are real measurements "
                "recorded on a real machine (each page's banner names it), replayed without a Docker engine. "
                "To measure on your own machine, open a notebook with the launch button (rocket icon) at the top "
                "of its page, or run `./course.sh lab`.\n\n"
                "Widgets show the state they were built with; moving a slider cannot recompute without a kernel.\n")
        cap_nb, cap_ref = "Course", "Reference"
    else:
        head = ("# vlab: 가상화를 측정하며 배우기\n\n"
                "진짜 컨테이너, 샌드박스, 가상 머신을 직접 측정하며 가상화를 배우는 강의입니다. "
                "이 웹사이트의 모든 노트북은 **리플레이 모드**로 실행한 결과입니다. 숫자는 실제 컴퓨터에서 녹화한 "
                "실제 측정값이며(각 페이지의 배너가 어느 컴퓨터인지 알려 줍니다), Docker 엔진 없이 다시 재생했습니다. "
                "여러분의 컴퓨터에서 직접 측정하려면 페이지 위쪽의 실행 버튼(로켓 아이콘)으로 노트북을 열거나 "
                "`./course.sh lab ko`를 실행하세요.\n\n"
                "위젯은 만들어질 때의 상태를 보여 줍니다. "
                "커널이 없으니 슬라이더를 움직여도 다시 계산되지는 않습니다.\n")
        cap_nb, cap_ref = "과정", "참고"
    lines = [head, "```{toctree}", ":maxdepth: 1", f":caption: {cap_nb}", ""]
    lines += [stem for stem, _ in pages]
    lines += ["```", "", "```{toctree}", ":maxdepth: 1", f":caption: {cap_ref}", "",
              "glossary", "references", "```", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- notebook copies

BOLD = re.compile(r"\*\*([^*\n`\[\]]{2,60}?)\*\*")


def link_terms(source: str, lookup: dict[str, str], seen: set[str]) -> str:
    """The first **bold** mention of a glossary term in a notebook becomes a {term} link (outside headings)."""
    out_lines = []
    in_fence = False
    for line in source.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if in_fence or line.lstrip().startswith("#") or "<" in line:
            out_lines.append(line)
            continue

        def repl(m: re.Match) -> str:
            text = m.group(1).strip()
            key = lookup.get(text.lower())
            both = re.match(r"^(.+?)\s*\(([^()]+)\)$", text)  # the course's style: **container (컨테이너)**
            if not key and both:
                key = lookup.get(both.group(1).strip().lower()) or lookup.get(both.group(2).strip().lower())
            if not key or key in seen:
                return m.group(0)
            seen.add(key)
            return f"**{{term}}`{text} <{key}>`**" if text != key else f"**{{term}}`{text}`**"

        out_lines.append(BOLD.sub(repl, line))
    return "\n".join(out_lines)


#: After the cell that shows the review quiz widget: the same questions as a jupyterquiz quiz, which checks
#: answers in the reader's browser (the widget needs a kernel to check anything). Input hidden on the page.
QUIZ_CELL = """\
# the review quiz for the website: jupyterquiz, answered in the browser without a kernel
import html as _html
import re as _re

from jupyterquiz import display_quiz as _display_quiz


def _plain(text):
    return _html.unescape(_re.sub(r"<[^>]+>", "", text))


def _jq(q):
    if q.numeric:
        tol = q.tolerance or 0.0
        return {"question": _plain(q.prompt) + (f" ({q.unit})" if q.unit else ""), "type": "numeric",
                "precision": 6, "answers": [
                    {"type": "range", "range": [q.answer - tol, q.answer + tol], "correct": True,
                     "feedback": "Correct. " + _plain(q.explanation)},
                    {"type": "default", "feedback": "Not yet. " + _plain(q.explanation)}]}
    return {"question": _plain(q.prompt), "type": "multiple_choice", "answers": [
        {"answer": _plain(c.text), "correct": c.correct, "feedback": _plain(c.why)} for c in q.choices]}


_display_quiz([_jq(q) for q in review.questions], shuffle_answers=False, preserve_responses=True)
"""


def prepare_notebook(path: Path, lookup: dict[str, str]) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    cells = []
    for cell in nb.get("cells", []):
        cells.append(cell)
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell.get("cell_type") == "markdown":
            cell["source"] = link_terms(src, lookup, seen)
        elif cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None  # executed afresh (replay) by the build
            if re.search(r"^review = review_quiz\(", src, re.M):
                cells.append({"cell_type": "markdown", "metadata": {}, "id": "vlab-site-quiz-md", "source":
                              "**On this website** the widget above cannot check answers (no kernel runs here). "
                              "The same questions, checked in your browser:"})
                cells.append({"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "id": "vlab-site-quiz",
                              "execution_count": None, "outputs": [], "source": QUIZ_CELL})
    nb["cells"] = cells
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def prepare_sources(lang: str, nbs: list[Path], other: dict[str, list[Path]]) -> Path:
    src = WORK / "src" / lang
    src.mkdir(parents=True, exist_ok=True)
    terms = read_tsv(DATA / "glossary.tsv")
    lookup: dict[str, str] = {}
    for row in terms:
        lookup[row["term"].strip().lower()] = row["term"].strip()
        if row.get("korean", "").strip():
            lookup[row["korean"].strip().lower()] = row["korean"].strip()
    pages = []
    keep = {"index.md", "glossary.rst", "references.md", "refs.bib"}
    for nb in nbs:
        write_if_changed(src / nb.name, prepare_notebook(nb, lookup))
        pages.append((nb.stem, title_of(json.loads(nb.read_text(encoding="utf-8")), nb.stem)))
        keep.add(nb.name)
    # files the notebooks open by relative path (environment.toml, images); not the sources or other editions
    folder = nbs[0].parent
    for asset in folder.rglob("*"):
        rel = asset.relative_to(folder)
        if asset.is_file() and asset.suffix != ".ipynb" and not ({"src", "ko", ".ipynb_checkpoints"} & set(rel.parts)):
            write_if_changed(src / rel, asset.read_bytes())
            keep.add(rel.parts[0])
    for stale in src.glob("*"):
        if stale.is_file() and stale.name not in keep:
            stale.unlink()
    stems = {s for s, _ in pages}
    write_if_changed(src / "index.md", index_md(lang, pages))
    write_if_changed(src / "glossary.rst", glossary_rst(terms, stems, lang))
    write_if_changed(src / "refs.bib", bibtex(read_tsv(DATA / "bibliography.tsv")))
    write_if_changed(src / "references.md", references_md(lang))
    return src


# --------------------------------------------------------------------------- assets


def widgets_bundle() -> Path:
    """npm ci (cached in site/node_modules) and copy the html-manager's standalone embed.js + fonts."""
    stamp = SITE / "node_modules" / ".vlab-lock"
    lock = (SITE / "package-lock.json").read_bytes()
    if not stamp.exists() or stamp.read_bytes() != lock or not WIDGETS_PKG.is_dir():
        say("npm ci: bundling @jupyter-widgets/html-manager from the npm registry")
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("npm is missing (node 20 + npm): apt-get install nodejs npm")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SITE, check=True)
        stamp.write_bytes(lock)
    static = BUILD / "static" / "jupyter-widgets"
    static.mkdir(parents=True, exist_ok=True)
    for f in WIDGETS_PKG.iterdir():
        if f.name == "embed.js" or f.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"} or f.name.endswith(
                "LICENSE.txt"):
            if not (static / f.name).exists() or (static / f.name).stat().st_size != f.stat().st_size:
                shutil.copy2(f, static / f.name)
    return static


def ipython_startup() -> Path:
    """An IPython profile for the build's kernels: a figure's text/plain names its title (→ the image's alt)."""
    ipy = BUILD / "ipython"
    write_if_changed(ipy / "profile_default" / "startup" / "50-vlab-figure-alt.py", '''\
"""vlab site build: a matplotlib figure's text form says what it shows; the site uses it as alt text."""
try:
    from IPython import get_ipython
    from matplotlib.figure import Figure

    def _figure_text(fig, p, cycle):
        titles = []
        if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
            titles.append(fig._suptitle.get_text().strip())
        for ax in fig.get_axes():
            t = " ".join(x for x in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if x).strip()
            axes = ", ".join(f"{k}: {v}" for k, v in (("y", ax.get_ylabel()), ("x", ax.get_xlabel())) if v.strip())
            if t:
                titles.append(f"{t} ({axes})" if axes else t)
        text = "; ".join(" ".join(t.split()) for t in titles) or "a figure without a title"
        p.text("Figure: " + text)

    def _ensure(*_):
        # activating the inline backend (importing pyplot) pops every Figure formatter: put ours back
        # before each cell, and after it before the inline backend's flush (registered later, so run later)
        get_ipython().display_formatter.formatters["text/plain"].for_type(Figure, _figure_text)

    _ensure()
    get_ipython().events.register("pre_run_cell", _ensure)
    get_ipython().events.register("post_execute", _ensure)
except Exception:  # never break a notebook for the sake of alt text
    pass
''')
    return ipy


# --------------------------------------------------------------------------- execution (cached)


def inputs_digest() -> str:
    """What an executed notebook depends on besides its own code: the vlab package, the data, the kernels'
    start-up file."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted([*ROOT.glob("vlab/**/*.py"), *ROOT.glob("vlab/**/*.mplstyle"), *(DATA.rglob("*")),
                        *(BUILD / "ipython" / "profile_default" / "startup").glob("*.py")]):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cache_is_current(keep: bool) -> None:
    """jupyter-cache keys on a notebook's code cells only: empty it when vlab/ or data/ changed."""
    cache = BUILD / "jupyter_cache"
    stamp = BUILD / "jupyter_cache.inputs"
    digest = inputs_digest()
    if cache.exists() and not keep and (not stamp.exists() or stamp.read_text() != digest):
        say("vlab/ or data/ changed since the notebooks were executed: executing them again")
        shutil.rmtree(cache)
    BUILD.mkdir(parents=True, exist_ok=True)
    if not keep or not stamp.exists():
        stamp.write_text(digest)


def _execute_one(path: str) -> tuple[str, str, float, str]:
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=900, allow_errors=True, meta_override=True)
    return path, nbformat.writes(result.nb), result.time, result.exc_string or ""


def execute_notebooks(src: Path, workers: int, lang: str) -> None:
    """Run the notebooks the cache does not have, several at a time (they mostly wait), and cache them the way
    myst-nb's cache mode looks them up, so Sphinx then only reads the cache.

    One cache per edition: jupyter-cache keys on the code cells, which both editions share, but their outputs
    (figures, banners, feedback) speak the edition's language. The kernels run with ``VLAB_LANG`` set to it."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(BUILD / "jupyter_cache" / lang))
    os.environ["VLAB_LANG"] = lang  # the worker processes and their kernels inherit it
    todo = []
    for path in sorted(src.glob("*.ipynb")):
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(str(path))
    if not todo:
        say(f"every notebook of {src.name} is in the execution cache")
        return
    say(f"executing {len(todo)} notebook(s) in replay mode, {workers} at a time")
    def store(result: tuple[str, str, float, str]) -> None:
        path, text, seconds, err = result
        if err:
            say(f"  {Path(path).name}: execution stopped: {err.strip().splitlines()[-1][:200]}")
            return
        cache.cache_notebook_bundle(CacheBundleIn(nbformat.reads(text, as_version=4), path,
                                                  data={"execution_seconds": seconds}),
                                    check_validity=False, overwrite=True)
        say(f"  {Path(path).name}: {seconds:.0f} s")

    retry = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_execute_one, p): p for p in todo}
        for fut in as_completed(futures):
            try:
                store(fut.result())
            except Exception as exc:  # e.g. two kernels raced for one port: run it again, alone
                say(f"  {Path(futures[fut]).name}: {type(exc).__name__} ({str(exc)[:120]}); retrying alone")
                retry.append(futures[fut])
    for p in retry:
        try:
            store(_execute_one(p))
        except Exception as exc:
            say(f"  {Path(p).name}: not executed ({type(exc).__name__}: {str(exc)[:200]}); myst-nb will try")


# --------------------------------------------------------------------------- post-processing

IMG = re.compile(r"<img\b[^>]*>", re.I)
HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")


def fill_alt(page: str) -> tuple[str, int]:
    """Every <img> gets a non-empty alt: kept if present, else 'Figure in section <nearest heading>'."""
    fixed = 0
    out, pos = [], 0
    for m in IMG.finditer(page):
        tag = m.group(0)
        alt = re.search(r'\balt="([^"]*)"', tag)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if not alt or not alt.group(1).strip() or (src and alt.group(1) == src.group(1)):
            heads = HEADING.findall(page, 0, m.start())
            section = html.unescape(TAG.sub("", heads[-1])).replace("#", "").strip() if heads else "this page"
            text = html.escape(f"Figure in section {section}", quote=True)
            if alt:
                tag = re.sub(r'\balt="[^"]*"', f'alt="{text}"', tag)
            else:
                tag = tag.replace("<img", f'<img alt="{text}"', 1)
            fixed += 1
        out += [page[pos:m.start()], tag]
        pos = m.end()
    out.append(page[pos:])
    return "".join(out), fixed


def citation_anchors(references: Path) -> dict[str, str]:
    """source_id → its anchor in references.html (conf.py: bibtex_cite_id = "cite-{key}")."""
    if not references.exists():
        return {}
    page = references.read_text(encoding="utf-8")
    keys = [r["source_id"].strip() for r in read_tsv(DATA / "bibliography.tsv")]
    return {k: f"cite-{k.lower()}" for k in keys if f'id="cite-{k.lower()}"' in page}  # docutils lowercases ids


def link_citations(page: str, anchors: dict[str, str]) -> tuple[str, list[str]]:
    """Mentions of a source id in text ([AGA20], a table cell AGA20) link to its reference entry."""
    if not anchors:
        return page, []
    found: list[str] = []
    keys = "|".join(sorted(map(re.escape, anchors), key=len, reverse=True))
    start = page.find('<article class="bd-article"')
    end = page.rfind("</article>")
    if start < 0 or end < 0:
        return page, []
    body = page[start:end]
    word = re.compile(rf"(?<![\w/#-])({keys})(?![\w-])")

    def repl(m: re.Match) -> str:
        key = m.group(1)
        if key not in found:
            found.append(key)
        return f'<a class="reference external vlab-cite" href="references.html#{anchors[key]}">{key}</a>'

    # text between tags only; never inside <script>, <style>, <pre>, an existing link or a tag itself
    parts = re.split(r"(<script\b.*?</script>|<style\b.*?</style>|<a\b.*?</a>|<pre\b.*?</pre>|<[^>]*>)", body,
                     flags=re.S)
    for i in range(0, len(parts), 2):
        parts[i] = word.sub(repl, parts[i])
    body = "".join(parts)
    if found:
        items = "".join(f'<li><a class="reference internal" href="references.html#{anchors[k]}">[{k}]</a></li>'
                        for k in found)
        body += (f'<section class="vlab-sources"><h2>Sources of the published figures on this page</h2>'
                 f"<ul>{items}</ul></section>")
    return page[:start] + body + page[end:], found


def postprocess(out: Path, lang: str) -> dict:
    anchors = citation_anchors(out / "references.html")
    report = {"pages": 0, "alt_filled": 0, "errors": {}, "citations": {}}
    for path in sorted(out.glob("*.html")):
        page = path.read_text(encoding="utf-8")
        orig = page
        page, fixed = fill_alt(page)
        # links written as raw HTML in outputs (glossary table, solutions) still say NN_name.ipynb
        page = re.sub(r'href="(?:\./)?(\d\d[a-z]?_[\w-]+)\.ipynb(#[^"]*)?"',
                      lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', page)
        if path.name not in {"references.html", "genindex.html", "search.html"}:
            page, cited = link_citations(page, anchors)
            if cited:
                report["citations"][path.stem] = cited
        n_err = page.count('class="output traceback')
        if n_err:
            first = page.find('class="output traceback')
            tb = html.unescape(TAG.sub("", page[first:page.find("</pre>", first)]))
            names = re.findall(r"^(\w+(?:Error|Exception|Refused|Interrupt))\b", tb, re.M)
            report["errors"][path.stem] = f"{n_err} failing cell(s), first: {names[-1] if names else '?'}"
        report["pages"] += 1
        report["alt_filled"] += fixed
        if page != orig:
            path.write_text(page, encoding="utf-8")
    return report


def root_index(langs: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    links = " · ".join(f'<a href="{lang}/index.html">{LANG_NAMES[lang]}</a>' for lang in langs)
    write_if_changed(OUT / "index.html", f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vlab: virtualization, measured</title>
<meta http-equiv="refresh" content="0; url=en/index.html"></head>
<body><p>vlab course: {links}</p></body></html>
""")
    write_if_changed(OUT / ".nojekyll", "")


# --------------------------------------------------------------------------- main


def build(langs: list[str] | None = None, *, fresh: bool = False, jobs: str = "1", workers: int = 4,
          keep_cache: bool = False) -> dict:
    started = time.monotonic()
    found = editions()
    if "en" not in found:
        raise SystemExit(f"no notebooks in {EDITIONS['en']}")
    langs = [lang for lang in (langs or list(found)) if lang in found]
    if fresh:
        shutil.rmtree(OUT, ignore_errors=True)
        shutil.rmtree(WORK / "doctrees", ignore_errors=True)
    widgets_bundle()
    ipython_dir = ipython_startup()
    cache_is_current(keep_cache)
    os.environ.update(REPLAY_ENV, IPYTHONDIR=str(ipython_dir))  # the kernels inherit it
    env = dict(os.environ, VLAB_SITE_BUILD=str(BUILD),
               VLAB_SITE_EDITIONS=json.dumps({k: [p.stem for p in v] for k, v in found.items()}))
    reports = {}
    for lang in langs:
        other = {k: v for k, v in found.items() if k != lang}
        src = prepare_sources(lang, found[lang], other)
        out = OUT / lang
        say(f"{lang}: {len(found[lang])} notebooks → {shown(out)} (replay mode; cached in "
            f"{shown(BUILD / 'jupyter_cache' / lang)})")
        t0 = time.monotonic()
        execute_notebooks(src, workers, lang)
        cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", jobs, "-c", str(SITE),
               "-d", str(WORK / "doctrees" / lang), str(src), str(out)]
        rc = subprocess.run(cmd, env=dict(env, VLAB_SITE_LANG=lang, VLAB_LANG=lang, VLAB_SITE_SRC=str(src)),
                            cwd=ROOT).returncode
        if rc != 0:
            raise SystemExit(f"sphinx-build failed for the {lang} edition (exit {rc})")
        report = postprocess(out, lang)
        report["seconds"] = round(time.monotonic() - t0, 1)
        reports[lang] = report
        say(f"{lang}: {report['pages']} pages in {report['seconds']} s; alt text filled in for "
            f"{report['alt_filled']} image(s)")
        for stem, err in report["errors"].items():
            say(f"{lang}: {stem}: {err} (shown in the page)")
    root_index(list(found))
    summary = {"editions": reports, "seconds": round(time.monotonic() - started, 1)}
    write_if_changed(OUT / "build-report.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    say(f"done in {summary['seconds']} s: preview with  python -m http.server -d _site  → http://localhost:8000/")
    return summary


def locked(fn):
    """One build at a time per output folder (a test run and ./course.sh site may start together)."""
    import fcntl
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        WORK.mkdir(parents=True, exist_ok=True)
        with open(WORK / f".lock-{OUT.name}", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say("another site build is running; waiting for it")
                fcntl.flock(lock, fcntl.LOCK_EX)
            return fn(*args, **kwargs)

    return wrapper


build = locked(build)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", action="append", choices=sorted(EDITIONS), help="only this edition (repeatable)")
    ap.add_argument("--fresh", action="store_true", help="rebuild every page (the execution cache is kept)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a notebook cell failed")
    ap.add_argument("-j", "--jobs", default="1", help="sphinx-build parallel jobs")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("VLAB_SITE_WORKERS", "4")),
                    help="notebooks executed at the same time (default 4; they mostly wait)")
    ap.add_argument("--keep-cache", action="store_true",
                    help="reuse executed notebooks even though vlab/ or data/ changed (faster, may be stale)")
    args = ap.parse_args(argv)
    summary = build(args.lang, fresh=args.fresh, jobs=args.jobs, workers=args.workers, keep_cache=args.keep_cache)
    failed = any(r["errors"] for r in summary["editions"].values())
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
