"""Real-browser test: JupyterLab on localhost, driven by headless Debian Chromium through Playwright.

For each notebook (``VLAB_BROWSER_NOTEBOOKS``, default ``00_start_here,03_why_virtualize:widgets,
ko/03_why_virtualize:widgets``;
``:widgets`` means "must show at least one widget") and each mode (``VLAB_BROWSER_MODES``,
default ``live,replay``; live is skipped without an engine), it opens the notebook, runs
Run ▸ Run All Cells, waits for the kernel to go idle and asserts:

- every non-empty code cell ran, no cell produced an error (checked in the page *and* in the
  notebook file JupyterLab saves);
- the live/replay banner from ``course.begin()`` is shown, saying REPLAY in replay mode;
- a Korean notebook (``ko/…``) speaks Korean: its banner and widgets show Hangul, the browser has a font
  that draws Hangul (no missing-glyph boxes) and matplotlib warned of no missing glyph;
- every widget output rendered as a widget (``.jupyter-widgets``), with no "Loading widget…",
  "Error displaying widget" or text fallback such as ``IntSlider(value=…)``.

A small harness notebook with sliders, ``interact`` and a ``tqdm.auto`` bar runs too (once, in the
replay run), so the widget machinery is checked even before the course notebooks exist; a control
test switches the widget extension off and checks that the text fallback is caught. Screenshots go to
``test-artifacts/browser/<mode>/``. Notebooks are copied to a temp folder: the repo is never written.
Run: ``VLAB_QUICK=1 .venv/bin/pytest -m browser tests/test_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("VLAB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
DEFAULT_NOTEBOOKS = "00_start_here,03_why_virtualize:widgets,ko/03_why_virtualize:widgets"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HARNESS = "browser_harness"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"
#: How a widget looks when the front end could not render it: a repr like ``IntSlider(value=3, …)``.
TEXT_FALLBACK = re.compile(r"\b[A-Z]\w*\((?:value|children|description|options|outputs|layout|max|min)=")
ERROR_LINE = re.compile(r"^\s*(?:\w+\.)*\w*(?:Error|Exception|Interrupt)\b.*", re.M)
#: Safety limits so a hung kernel fails the test instead of hanging CI (not speed assertions).
SERVER_START_LIMIT_S = 120
RUN_LIMIT_S = 900


@dataclass(frozen=True)
class Target:
    name: str
    expect_widgets: bool


def targets() -> list[Target]:
    """Notebooks to open, from ``VLAB_BROWSER_NOTEBOOKS`` (``name[:widgets],…``), plus the harness."""
    spec = os.environ.get("VLAB_BROWSER_NOTEBOOKS", DEFAULT_NOTEBOOKS)
    out = [Target(HARNESS, True)]
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, flag = item.partition(":")
        out.append(Target(name.removesuffix(".ipynb"), flag == "widgets"))
    return out


def modes() -> list[str]:
    return [m.strip() for m in os.environ.get("VLAB_BROWSER_MODES", "live,replay").split(",") if m.strip()]


# --------------------------------------------------------------------------- the harness notebook
HARNESS_CELLS = [
    ("markdown", "# Browser harness\nWidgets the course relies on, rendered by the real front end."),
    ("code", "from vlab import course; course.begin()"),
    ("code", "import ipywidgets as widgets\n"
             "slider = widgets.IntSlider(value=3, min=1, max=10, description='trials')\n"
             "label = widgets.Label()\n"
             "def show(change=None):\n"
             "    label.value = f'{slider.value} trials → {slider.value ** 2} samples'\n"
             "slider.observe(show, 'value'); show()\n"
             "widgets.VBox([slider, label])"),
    ("code", "widgets.interact(lambda n: print('n squared is', n * n), n=(1, 5));"),
    ("code", "from tqdm.auto import tqdm\nfor _ in tqdm(range(3), desc='progress'):\n    pass"),
    ("code", "widgets.Dropdown(options=['container', 'VM'], value='container', description='kind')"),
]


def write_harness(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    for kind, src in HARNESS_CELLS:
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src))
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path = folder / f"{HARNESS}.ipynb"
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- JupyterLab server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings: Path) -> None:
    """User settings: no news toast, no update check, no autosave, every cell kept in the DOM."""
    files = {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin, values in files.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    mode: str
    proc: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET") -> object:
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:]) if self.log.exists() else ""


def _server_env(tmp: Path, mode: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("VLAB_QUICK", "1")
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    if mode == "replay":
        env["VLAB_MODE"] = "replay"
        env["DOCKER_HOST"] = "unix:///nonexistent"
    else:
        env["VLAB_MODE"] = "live"
    return env


def start_lab(tmp: Path, mode: str, disabled_extensions: tuple[str, ...] = ()) -> Lab:
    """Start JupyterLab from this venv on a free localhost port, with every Jupyter dir under ``tmp``."""
    if disabled_extensions:
        labconfig = tmp / "config" / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        (labconfig / "page_config.json").write_text(
            json.dumps({"disabledExtensions": dict.fromkeys(disabled_extensions, True)}))
    root = tmp / "root"
    root.mkdir()
    src_notebooks = ROOT / "notebooks"
    shutil.copytree(src_notebooks, root / "notebooks", ignore=shutil.ignore_patterns("src", ".ipynb_checkpoints"))
    write_harness(root / "notebooks")
    _write_settings(tmp / "settings")
    port, token = _free_port(), uuid.uuid4().hex
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"jupyterlab-{mode}{'-ext-off' if disabled_extensions else ''}.log"
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, cwd=root, env=_server_env(tmp, mode), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, mode, proc, log)
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("/api/status")
            return lab
        except OSError:
            if time.monotonic() > deadline:
                stop_lab(lab)
                raise RuntimeError(f"JupyterLab did not answer on {lab.url}:\n{lab.log_tail()}") from None
            time.sleep(0.3)


def stop_lab(lab: Lab) -> None:
    """Shut the server (and its kernels) down; kill the process group if it does not go."""
    if lab.proc.poll() is None:
        try:
            lab.api("/api/shutdown", method="POST")
        except OSError:
            pass
        try:
            lab.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.proc.pid, signal.SIGTERM)
            try:
                lab.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(lab.proc.pid, signal.SIGKILL)
                lab.proc.wait()
    try:  # kernels are children in the same session: make sure none outlives the server
        os.killpg(lab.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _engine_reachable() -> bool:
    from vlab.core.engine import reachable

    return reachable()


@pytest.fixture(scope="module", params=modes())
def lab(request, tmp_path_factory) -> Iterator[Lab]:
    mode = request.param
    if mode not in ("live", "replay"):
        pytest.fail(f"VLAB_BROWSER_MODES has {mode!r}; use live and/or replay")
    if mode == "live":
        if os.environ.get("VLAB_MODE", "").lower() == "replay":
            pytest.skip("VLAB_MODE=replay forced: live browser run skipped")
        if not _engine_reachable():
            if os.environ.get("VLAB_REQUIRE_ENGINE") == "1":
                pytest.fail("CI requires a Docker engine for the live browser run")
            pytest.skip("no Docker engine: live browser run skipped (the replay run still runs)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (never `playwright install`)")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser is Debian's chromium)")
    shutil.rmtree(ARTIFACTS / mode, ignore_errors=True)  # screenshots of this run only
    server = start_lab(tmp_path_factory.mktemp(f"lab-{mode}"), mode)
    try:
        yield server
    finally:
        stop_lab(server)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (never `playwright install`)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


# --------------------------------------------------------------------------- driving the page
def _kernels_idle(lab: Lab) -> bool:
    kernels = lab.api("/api/kernels")
    return bool(kernels) and all(k.get("execution_state") == "idle" for k in kernels)


def _prompts(page) -> list[str]:
    return page.eval_on_selector_all(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt",
        "els => els.map(e => e.textContent.trim())")


def _session_idle(lab: Lab, rel: str) -> bool:
    sessions = lab.api("/api/sessions")
    return any(s.get("path") == rel and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions)


def wait_for_kernel(page, lab: Lab, rel: str) -> None:
    """Wait until the notebook's own kernel session is up and idle, as the server and the page see it."""
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    while not _session_idle(lab, rel):
        if time.monotonic() > deadline:
            raise AssertionError(f"{rel}: no idle kernel session after {SERVER_START_LIMIT_S} s:\n{lab.log_tail()}")
        time.sleep(0.3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle/.test(e.textContent))",
        timeout=SERVER_START_LIMIT_S * 1000)
    dialog = page.locator(".jp-Dialog")
    assert dialog.count() == 0, f"{rel}: unexpected dialog on open: {dialog.first.inner_text()}"


def run_all_cells(page, lab: Lab, rel: str) -> None:
    page.goto(f"{lab.url}/lab/tree/{rel}?token={lab.token}")
    n_cells = len(nbformat.read(lab.root / rel, as_version=4).cells)
    page.wait_for_function(  # every cell is in the DOM (windowingMode none)
        "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').length >= n",
        arg=n_cells, timeout=SERVER_START_LIMIT_S * 1000)
    wait_for_kernel(page, lab, rel)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function("() => document.querySelectorAll('.jp-InputArea-prompt').length > 0")
    deadline = time.monotonic() + RUN_LIMIT_S
    settled = 0
    time.sleep(0.5)
    while settled < 2:  # idle on two consecutive looks, nothing queued
        busy = any("*" in p for p in _prompts(page)) or not _kernels_idle(lab)
        settled = 0 if busy else settled + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"{rel}: kernel still busy after {RUN_LIMIT_S} s; prompts {_prompts(page)}")
        time.sleep(0.4)
    page.wait_for_timeout(800)  # let late widget views attach


def save_and_read(page, lab: Lab, rel: str) -> nbformat.NotebookNode:
    path = lab.root / rel
    before = path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    for _ in range(100):
        if path.stat().st_mtime_ns != before:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    return nbformat.read(path, as_version=4)


def screenshots(page, lab: Lab, name: str) -> list[Path]:
    folder = ARTIFACTS / lab.mode
    folder.mkdir(parents=True, exist_ok=True)
    name = name.replace("/", "-")
    shots = [folder / f"{name}-top.png"]
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots[0]))
    views = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output:not([data-mime-type])")
    for i in range(min(views.count(), 8)):
        view = views.nth(i)
        view.scroll_into_view_if_needed()
        cell = view.locator("xpath=ancestor::div[contains(@class,'jp-Cell')][1]")
        path = folder / f"{name}-widget-{i + 1:02d}.png"
        (cell if cell.count() else view).screenshot(path=str(path))
        shots.append(path)
    return shots


def _page_report(page) -> dict:
    """What the learner sees: widget views (outputs the widget renderer owns), stderr, text, the banner."""
    return page.evaluate(
        """(stderrMime) => {
          const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
          const outs = [...panel.querySelectorAll('.jp-OutputArea-output')];
          const top = outs.filter(o => !o.parentElement.closest('.jupyter-widgets'));
          // MIME renderers tag their output with data-mime-type; the widget renderer's panel has none.
          const views = top.filter(o => !o.dataset.mimeType);
          return {
            views: views.length,
            rendered: views.filter(v => v.querySelector('.jupyter-widgets')).length,
            sliders: panel.querySelectorAll('.widget-slider').length,
            stderr: outs.filter(o => o.dataset.mimeType === stderrMime).map(o => o.innerText),
            texts: outs.filter(o => o.dataset.mimeType).map(o => o.innerText),
            widgetTexts: views.map(v => v.innerText),
            banner: panel.innerText.match(/▶ REPLAY|● LIVE|▶ 리플레이|● 라이브/g) || [],
            // a Hangul syllable drawn in the page's font must not be as wide as a glyph no font has (a box)
            hangulDrawn: (() => {
              const ctx = document.createElement('canvas').getContext('2d');
              ctx.font = '16px ' + getComputedStyle(panel).fontFamily;
              const tofu = ctx.measureText('\\u{10FFFD}\\u{10FFFD}\\u{10FFFD}').width;
              const hangul = ctx.measureText('가상화').width;
              return hangul > 0 && Math.abs(hangul - tofu) > 0.5;
            })(),
          };
        }""",
        STDERR_MIME,
    )


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.name)
def test_notebook_runs_in_jupyterlab(lab: Lab, browser, target: Target):
    rel = f"notebooks/{target.name}.ipynb"
    if target.name == HARNESS and lab.mode != "replay" and "replay" in modes():
        pytest.skip("the harness checks the widget machinery once, in the replay run")
    if target.name.startswith("ko/") and lab.mode != "replay" and "replay" in modes():
        pytest.skip("a Korean notebook runs the English one's code: its browser run is the replay one "
                    "(nbval runs ko/00 and ko/07 live)")
    if not (lab.root / rel).exists():
        pytest.skip(f"{rel} is not built yet (./course.sh notebooks {Path(target.name).name} --execute)")
    source = nbformat.read(lab.root / rel, as_version=4)
    code_cells = [c for c in source.cells if c.cell_type == "code" and c.source.strip()]

    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        run_all_cells(page, lab, rel)
        report = _page_report(page)
        shots = screenshots(page, lab, target.name)
        saved = save_and_read(page, lab, rel)
    finally:
        page.close()

    # 1. Everything ran, nothing failed: in the saved notebook …
    errors = [o for c in saved.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors, f"{rel}: error outputs: " + "; ".join(f"{e.ename}: {e.evalue}" for e in errors)
    ran = [c for c in saved.cells if c.cell_type == "code" and c.source.strip() and c.execution_count]
    assert len(ran) == len(code_cells), f"{rel}: {len(ran)} of {len(code_cells)} code cells ran"
    # … and on the page.
    for text in report["stderr"]:
        assert "Traceback" not in text and not ERROR_LINE.search(text), f"{rel}: error on the page:\n{text[:800]}"

    # 2. The mode banner from course.begin() is there and honest.
    if any("course.begin()" in c.source for c in code_cells):
        assert report["banner"], f"{rel}: no live/replay banner shown"
        want = "▶ 리플레이" if target.name.startswith("ko/") else "▶ REPLAY"
        if lab.mode == "replay":
            assert want in report["banner"], f"{rel}: replay mode but banner says {report['banner']}"

    # 2b. The Korean edition speaks Korean, and Hangul is drawn (browser and figures).
    if target.name.startswith("ko/"):
        assert report["banner"] and all(HANGUL.search(b) for b in report["banner"]), report["banner"]
        assert report["hangulDrawn"], f"{rel}: the browser has no font for Hangul (apt-get install fonts-nanum)"
        assert all(HANGUL.search(t) for t in report["widgetTexts"] if t.strip()), report["widgetTexts"]
        glyphs = [t for t in report["stderr"] if "Glyph" in t or "missing from" in t]
        assert not glyphs, f"{rel}: matplotlib could not draw Korean: {glyphs[0][:300]}"

    # 3. Widgets rendered as widgets, never as text.
    saved_views = sum(WIDGET_MIME in o.get("data", {}) for c in saved.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    if target.expect_widgets:
        assert saved_views >= 1, f"{rel}: expected widgets, none displayed"
    assert report["views"] == saved_views, f"{rel}: {saved_views} widget outputs saved, {report['views']} on page"
    assert report["rendered"] == report["views"], f"{rel}: {report['views'] - report['rendered']} widgets not rendered"
    all_text = "\n".join(report["texts"] + report["widgetTexts"])
    assert "Loading widget" not in all_text, f"{rel}: a widget is stuck at 'Loading widget…'"
    assert "Error displaying widget" not in all_text, f"{rel}: the widget manager failed to display a widget"
    fallback = TEXT_FALLBACK.search("\n".join(report["texts"]))
    assert not fallback, f"{rel}: a widget was shown as text: {fallback.group(0)}…"
    if target.name == HARNESS:
        assert report["sliders"] >= 2, f"harness: expected the IntSlider and interact slider, saw {report['sliders']}"
    assert all(p.stat().st_size > 0 for p in shots)


def test_a_text_fallback_is_caught(browser, tmp_path):
    """Control: with the widget extension switched off, widgets fall back to text, and the checks see it."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found")
    server = start_lab(tmp_path, "replay", disabled_extensions=("@jupyter-widgets/jupyterlab-manager",))
    rel = f"notebooks/{HARNESS}.ipynb"
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    try:
        run_all_cells(page, server, rel)
        report = _page_report(page)
    finally:
        page.close()
        stop_lab(server)
    assert report["views"] == 0 and report["sliders"] == 0
    assert TEXT_FALLBACK.search("\n".join(report["texts"])), report["texts"]
