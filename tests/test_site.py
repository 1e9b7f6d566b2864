"""The course website (`./course.sh site`, site/build.py) in a real browser: headless Debian Chromium via Playwright.

The site is built first (warm builds reuse the execution cache in _build/site/ and take seconds; set
``VLAB_SITE_NO_BUILD=1`` to test an existing _site/), served on 127.0.0.1, and opened with every request to
another host refused, so it must work offline:

- every page loads, every image loads (``naturalWidth > 0``) and has alt text;
- a widget renders from the embedded widget state with the widget manager served by the site itself;
- search finds "하이퍼바이저"; glossary term links, citation links and launch buttons are there;
- the language switch leads to the same notebook in the other edition (skipped until notebooks/ko/ exists).

Screenshots go to ``test-artifacts/browser/site/``.
Run: ``.venv/bin/pytest -m browser tests/test_site.py``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SITE_OUT = ROOT / "_site"
CHROMIUM = os.environ.get("VLAB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser" / "site"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
LOAD_LIMIT_MS = 60_000  # a safety limit so a hung page fails instead of hanging CI, not a speed assertion


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def site() -> Path:
    if not os.environ.get("VLAB_SITE_NO_BUILD"):
        import shutil

        if not shutil.which("npm") and not (ROOT / "site" / "node_modules").is_dir():
            pytest.skip("npm is missing: the site bundles the Jupyter widgets manager with it (apt-get install npm)")
        proc = subprocess.run([sys.executable, str(ROOT / "site" / "build.py")], cwd=ROOT,
                              capture_output=True, text=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        assert proc.returncode == 0, f"site build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert (SITE_OUT / "en" / "index.html").exists(), "no site: run ./course.sh site"
    return SITE_OUT


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (or set VLAB_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A page that may only talk to the local server: the site must not need the network."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(LOAD_LIMIT_MS)
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in {"127.0.0.1", "localhost"} or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.outside_requests = outside
    yield pg
    context.close()


def shot(pg, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def editions(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.is_dir() and (p / "index.html").exists())


def notebook_pages(site: Path, lang: str) -> list[str]:
    return sorted(p.stem for p in (site / lang).glob("*.html") if p.stem[:2].isdigit())


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_notebook_has_a_page_in_course_order(site: Path, lang: str):
    folder = ROOT / "notebooks" / ("" if lang == "en" else lang)
    src = sorted(p.stem for p in folder.glob("*.ipynb") if p.stem[:2].isdigit())
    assert src, f"no {lang} notebooks"
    assert notebook_pages(site, lang) == src
    index = (site / lang / "index.html").read_text(encoding="utf-8")
    positions = [index.find(f'href="{stem}.html"') for stem in src]
    assert all(p >= 0 for p in positions), "the navigation lists every notebook"
    assert positions == sorted(positions), "in course order (00 … 11, 99)"
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    for lang, rep in report["editions"].items():
        if rep["errors"]:
            print(f"notebooks with failing cells ({lang}): {rep['errors']}")


def test_every_page_and_every_image_loads(site: Path, server: str, page):
    checked = 0
    for lang in editions(site):
        for path in sorted((site / lang).glob("*.html")):
            resp = page.goto(f"{server}/{lang}/{path.name}", wait_until="load")
            assert resp is not None and resp.ok, f"{lang}/{path.name}: HTTP {resp and resp.status}"
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => ({src: e.currentSrc || e.src, ok: e.complete && e.naturalWidth > 0,"
                " alt: e.getAttribute('alt') || ''}))")
            broken = [i["src"] for i in images if not i["ok"]]
            assert not broken, f"{lang}/{path.name}: broken images {broken}"
            no_alt = [i["src"] for i in images if not i["alt"].strip()]
            assert not no_alt, f"{lang}/{path.name}: images without alt text {no_alt}"
            if path.stem[:2].isdigit() or path.stem == "index":
                shot(page, f"{lang}-{path.stem}")
            checked += 1
    assert checked >= len(notebook_pages(site, "en")) + 3
    assert not page.outside_requests, f"the site asked for the network: {page.outside_requests[:5]}"


def test_figures_are_on_the_pages_with_alt_text_from_their_titles(site: Path):
    pages = {stem: (site / "en" / f"{stem}.html").read_text(encoding="utf-8") for stem in notebook_pages(site, "en")}
    with_figures = [s for s, html in pages.items() if 'alt="Figure: ' in html]
    assert len(with_figures) >= 3, f"figures with titled alt text only on {with_figures}"


def test_a_figure_and_the_review_quiz_render(site: Path, server: str, page):
    """A published-figure page shows its figure (alt text from its title) and links its sources; the review quiz
    is also a jupyterquiz quiz that answers in the browser."""
    stem = next(s for s in notebook_pages(site, "en") if s.startswith("09_"))
    page.goto(f"{server}/en/{stem}.html", wait_until="load")
    figure = page.locator('.cell_output img[alt^="Figure: "]').first
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("e => e.complete && e.naturalWidth > 0")
    shot(page, f"figure-{stem}")
    assert page.locator("section.vlab-sources a").count() >= 1

    review = next((s for s in notebook_pages(site, "en") if s.startswith("11_")), None)
    if review is None:
        pytest.skip("no review notebook")
    page.goto(f"{server}/en/{review}.html", wait_until="load")
    quiz = page.locator(".Quiz").first
    quiz.wait_for(state="visible")
    quiz.scroll_into_view_if_needed()
    answer = page.locator(".MCButton", has_text="the browser").first
    answer.click()
    shot(page, "review-jupyterquiz")
    assert page.locator(".Quiz").count() >= 5
    assert not page.outside_requests, f"the quiz asked for the network: {page.outside_requests[:5]}"


def _widget_page(site: Path) -> str:
    for stem in notebook_pages(site, "en"):
        html = (site / "en" / f"{stem}.html").read_text(encoding="utf-8")
        if "application/vnd.jupyter.widget-view+json" in html and "widget-state+json" in html:
            return stem
    pytest.fail("no page embeds widget state (nb_ipywidgets_js / store_widget_state)")


def test_a_widget_renders_offline_from_the_sites_own_widget_manager(site: Path, server: str, page):
    stem = _widget_page(site)
    html = (site / "en" / f"{stem}.html").read_text(encoding="utf-8")
    assert "_static/jupyter-widgets/embed.js" in html and "cdn.jsdelivr" not in html and "unpkg" not in html
    page.goto(f"{server}/en/{stem}.html", wait_until="load")
    widget = page.locator(".jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox, "
                          ".widget-slider, .widget-dropdown, .widget-button, .jupyter-widgets").first
    widget.wait_for(state="visible")
    widget.scroll_into_view_if_needed()
    shot(page, f"widget-{stem}")
    assert page.locator(".jupyter-widgets").count() > 0
    assert not page.outside_requests, f"the widget manager asked for the network: {page.outside_requests[:5]}"


def test_the_korean_edition_speaks_korean(site: Path, server: str, page):
    """A Korean page: Korean prose, a Korean replay banner, its figures load; the glossary lists Korean first."""
    stem = next(s for s in notebook_pages(site, "ko") if s.startswith("07_"))
    page.goto(f"{server}/ko/{stem}.html", wait_until="load")
    text = page.locator("main").inner_text()
    prose = page.evaluate("""() => [...document.querySelectorAll('main p, main li, main h1, main h2, main h3')]
        .filter(e => !e.closest('.cell, pre, table')).map(e => {
            const c = e.cloneNode(true);  // prose only: inline code and maths left out, as in tools/editions.py
            c.querySelectorAll('code, .math, a.reference.external').forEach(x => x.remove());
            return c.textContent; }).join(' ')""")
    hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in prose)
    latin = sum(ch.isascii() and ch.isalpha() for ch in prose)
    assert hangul > latin, f"ko/{stem}: the prose has {hangul} Hangul vs {latin} Latin letters"
    assert "▶ 리플레이" in text, f"ko/{stem}: no Korean replay banner"
    figure = page.locator(".cell_output img").first
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("e => e.complete && e.naturalWidth > 0")
    shot(page, f"ko-{stem}")
    page.goto(f"{server}/ko/glossary.html", wait_until="load")
    glossary = page.locator("main").inner_text()
    assert 0 <= glossary.find("하이퍼바이저") < glossary.find("hypervisor"), "Korean first in the Korean glossary"
    shot(page, "ko-glossary")
    assert not page.outside_requests, f"the Korean pages asked for the network: {page.outside_requests[:5]}"


def test_search_finds_a_korean_term(server: str, page):
    page.goto(f"{server}/en/search.html?q=%ED%95%98%EC%9D%B4%ED%8D%BC%EB%B0%94%EC%9D%B4%EC%A0%80", wait_until="load")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(state="visible")
    shot(page, "search-hypervisor-ko")
    assert results.count() >= 1
    assert "glossary" in " ".join(results.all_inner_texts()).lower() or results.count() >= 2


def test_glossary_links_citations_and_launch_buttons(site: Path, server: str, page):
    glossary = (site / "en" / "glossary.html").read_text(encoding="utf-8")
    assert 'id="term-hypervisor"' in glossary and "하이퍼바이저" in glossary
    linked = [s for s in notebook_pages(site, "en")
              if 'href="glossary.html#term-' in (site / "en" / f"{s}.html").read_text(encoding="utf-8")]
    assert len(linked) >= 3, f"term links from only {linked}"
    page.goto(f"{server}/en/{linked[0]}.html", wait_until="load")
    page.locator('a[href^="glossary.html#term-"]').first.click()
    page.wait_for_url("**/glossary.html#term-*")
    shot(page, "glossary")

    refs = (site / "en" / "references.html").read_text(encoding="utf-8")
    assert 'id="cite-aga20"' in refs, "docutils lowercases the ids"
    cited = [s for s in notebook_pages(site, "en")
             if 'href="references.html#cite-' in (site / "en" / f"{s}.html").read_text(encoding="utf-8")]
    assert cited, "published figures link their source on the references page"
    page.goto(f"{server}/en/{cited[0]}.html", wait_until="load")
    page.locator('a[href^="references.html#cite-"]').first.click()
    page.wait_for_url("**/references.html#cite-*")
    shot(page, "references")

    html = (site / "en" / "05_namespaces.html").read_text(encoding="utf-8")
    assert "mybinder.org/v2/gh/" in html and "notebooks/05_namespaces.ipynb" in html


def _switch_round_trip(page, base: str, stem: str, name: str) -> None:
    page.goto(f"{base}/en/{stem}.html", wait_until="load")
    page.locator('a.vlab-lang-switch[data-vlab-lang="ko"]').first.click()
    page.wait_for_url(f"**/ko/{stem}.html")
    shot(page, name)
    page.locator('a.vlab-lang-switch[data-vlab-lang="en"]').first.click()
    page.wait_for_url(f"**/en/{stem}.html")


def test_language_switch_leads_to_the_same_notebook(site: Path, server: str, page):
    if "ko" not in editions(site):
        pytest.skip("no Korean edition yet (notebooks/ko/ does not exist): the switch appears once it does; "
                    "test_language_switch_with_a_stand_in_edition checks the mechanism")
    stem = next(s for s in notebook_pages(site, "en") if s in notebook_pages(site, "ko"))
    _switch_round_trip(page, server, stem, f"lang-switch-ko-{stem}")


def test_language_switch_with_a_stand_in_edition(site: Path, browser, tmp_path: Path):
    """Two editions built from copies of two English notebooks (the execution cache makes this quick): every page
    gets a switch, and it leads to the same notebook in the other edition, and back. Only while the real Korean
    edition does not exist (then the test above does it for real)."""
    import shutil

    if "ko" in editions(site):
        pytest.skip("the real Korean edition exists: test_language_switch_leads_to_the_same_notebook checks it")

    stems = ["00_start_here", "99_glossary"]
    for lang in ("en", "ko"):
        (tmp_path / lang).mkdir()
        for stem in stems:
            shutil.copy(ROOT / "notebooks" / f"{stem}.ipynb", tmp_path / lang / f"{stem}.ipynb")
    (tmp_path / "en" / "environment.toml").write_text("")
    env = dict(os.environ, VLAB_SITE_EDITION_EN=str(tmp_path / "en"), VLAB_SITE_EDITION_KO=str(tmp_path / "ko"),
               VLAB_SITE_OUT=str(tmp_path / "_site"), VLAB_SITE_WORK=str(tmp_path / "work"))
    proc = subprocess.run([sys.executable, str(ROOT / "site" / "build.py"), "--keep-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = tmp_path / "_site"
    assert editions(out) == ["en", "ko"]
    for lang in ("en", "ko"):
        for path in (out / lang).glob("*.html"):
            if path.stem in {"genindex", "search"}:
                continue
            assert "vlab-lang-switch" in path.read_text(encoding="utf-8"), f"{lang}/{path.name} has no switch"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.set_default_timeout(LOAD_LIMIT_MS)
        _switch_round_trip(pg, f"http://127.0.0.1:{httpd.server_address[1]}", "00_start_here",
                           "lang-switch-stand-in-ko-00_start_here")
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
