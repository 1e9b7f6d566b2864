"""The plot style: one .mplstyle file used through a context, never global rcParams; no findfont noise."""

from __future__ import annotations

import logging
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from vlab.plots import common, concepts, namespaces, servers  # noqa: E402


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def font_log():
    """Everything matplotlib's font manager logs while the test draws (a notebook shows it as red stderr)."""
    logger = logging.getLogger("matplotlib.font_manager")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _draw(fig) -> None:
    fig.canvas.draw()
    plt.close(fig)


def test_style_file_is_the_palette_and_is_packaged():
    style = mpl.rc_params_from_file(str(common.STYLE_FILE), use_default_template=False)
    colours = ["#" + c.lstrip("#").upper() for c in style["axes.prop_cycle"].by_key()["color"]]
    assert colours == [c.upper() for c in common.OKABE_ITO]
    assert common.STYLE_FILE.parent.name == "plots"
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "*.mplstyle" in pyproject["tool"]["setuptools"]["package-data"]["vlab.plots"]


def test_plots_leave_global_rcparams_alone():
    before = dict(mpl.rcParams)
    _draw(concepts.virtualization())
    _draw(servers.operating_models())
    _draw(namespaces.stack_comparison())
    after = dict(mpl.rcParams)
    changed = {k for k in before if str(before[k]) != str(after[k])}
    assert not changed, changed


def test_style_applies_inside_the_context_only():
    with common.style():
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["figure.figsize"] == [7.5, 4.2]
    assert mpl.rcParams["axes.spines.top"] is True


@pytest.mark.skipif(common.hangul_font() is None, reason="no Hangul font installed (fonts-nanum)")
def test_korean_text_draws_without_findfont_warnings(font_log):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would be a UserWarning
        for hangul_first in (False, True):
            with common.style(hangul_first=hangul_first):
                fig, ax = plt.subplots()
                ax.set_title("가상화 virtualization")
                ax.text(0.5, 0.5, "호스트 host", weight="bold")
                ax.text(0.5, 0.2, "컨테이너", weight="normal", style="normal")
                _draw(fig)
        _draw(namespaces.stack_comparison())  # bold Korean headings (05)
        _draw(concepts.stacks_side_by_side())
    noisy = [m for m in font_log if m.startswith("findfont") and ("not found" in m or "Failed" in m)]
    assert not noisy, noisy


@pytest.mark.skipif(common.hangul_font() is None, reason="no Hangul font installed (fonts-nanum)")
def test_hangul_font_is_in_the_families():
    font = common.hangul_font()
    with common.style():
        assert mpl.rcParams["font.family"] == ["DejaVu Sans", font]
    with common.style(hangul_first=True):
        assert mpl.rcParams["font.family"] == [font, "DejaVu Sans"]
