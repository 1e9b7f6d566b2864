"""Published VM-boot / microVM / container-start table: loader validation, helpers, and the plot."""

from __future__ import annotations

import io
import math
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from vlab.core.errors import BadParameter, DataError  # noqa: E402
from vlab.labs.vm import recorded  # noqa: E402
from vlab.plots import recorded as precorded  # noqa: E402

SHIPPED = recorded.load()
BIB = recorded.load_bibliography()
BIB_IDS = set(BIB.index)
N = len(SHIPPED)


def _raw() -> pd.DataFrame:
    """The shipped table as strings, the way the loader reads it from disk."""
    text = resources.files("vlab.data").joinpath(recorded.FIGURES_FILE).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=3)


RAW = _raw()


def _is_positive_number(s: str) -> bool:
    try:
        v = float(s)
    except ValueError:
        return False
    return math.isfinite(v) and v > 0


def _expect(df: pd.DataFrame, column: str, line: int | None = None) -> DataError:
    with pytest.raises(DataError) as info:
        recorded.validate(df, BIB_IDS)
    msg = str(info.value)
    assert f"'{column}'" in msg
    if line is not None:
        assert f"line {line}" in msg
    assert "\n" in msg and "fix:" in msg  # message plus a one-line hint
    return info.value


# --- the shipped table --------------------------------------------------------------------------

def test_shipped_table_is_tidy_and_sourced():
    assert list(SHIPPED.columns) == list(recorded.COLUMNS)
    assert SHIPPED["figure_id"].is_unique
    assert set(SHIPPED["kind"]) <= set(recorded.KINDS)
    assert set(SHIPPED["unit"]) <= set(recorded.UNITS)
    assert set(SHIPPED["source_id"]) <= BIB_IDS
    assert (SHIPPED["value"] > 0).all()
    assert SHIPPED["value"].dtype == float
    # one figure per row: no "a / b / c" values left in any cell of the raw file
    assert RAW["value"].map(_is_positive_number).all()


def test_every_bibliography_entry_is_used_and_cited():
    assert set(SHIPPED["source_id"]) == BIB_IDS
    for sid in BIB_IDS:
        text = recorded.cite(sid)
        assert text.startswith(f"[{sid}] ") and len(text) > len(sid) + 10


def test_claim_without_a_number_is_not_in_the_table():
    # MAN17 says Docker is "two orders of magnitude" slower, with no number: it must stay out.
    man17 = recorded.figures(source_id="MAN17")
    assert not man17["system"].str.contains("Docker").any()


def test_boot_figures_convert_to_ms_and_stay_in_boot_groups():
    boot = recorded.boot_figures()
    assert len(boot) > 0
    assert set(boot["metric_group"]) <= {g.id for g in recorded.METRIC_GROUPS.values() if g.boot}
    for _, row in boot.iterrows():
        assert row["ms"] == pytest.approx(row["value"] * recorded.TIME_TO_MS[row["unit"]])
        assert row["group_label"] == recorded.METRIC_GROUPS[row["metric_group"]].label
    # every verified boot/start-time row of the whole table is in boot_figures, nothing else
    is_boot = SHIPPED["metric_group"].map(lambda g: recorded.METRIC_GROUPS[g].boot)
    assert set(boot["figure_id"]) == set(SHIPPED.loc[is_boot & (SHIPPED["verified"] == "yes"), "figure_id"])
    assert set(recorded.boot_figures(include_unverified=True)["figure_id"]) == set(SHIPPED.loc[is_boot, "figure_id"])
    key = recorded.boot_figures(recorded.KEY_BOOT_GROUPS)
    assert set(key["metric_group"]) == set(recorded.KEY_BOOT_GROUPS)


def test_same_metric_group_means_same_dimension():
    for gid, g in SHIPPED.groupby("metric_group"):
        dims = {recorded.UNITS[u] for u in g["unit"]}
        assert dims == {recorded.METRIC_GROUPS[gid].dimension}


def test_figures_filters_and_rejects_unknown_names():
    vms = recorded.figures(kind="vm")
    assert len(vms) > 0 and set(vms["kind"]) == {"vm"}
    grp = recorded.figures(metric_group="launch_to_guest_exit_wallclock", kind="microvm")
    assert set(grp["metric_group"]) == {"launch_to_guest_exit_wallclock"} and set(grp["kind"]) == {"microvm"}
    for kwargs in ({"kind": "hypervisor"}, {"metric_group": "speed"}, {"source_id": "NOPE99"}):
        with pytest.raises(BadParameter):
            recorded.figures(**kwargs)
    with pytest.raises(BadParameter):
        recorded.boot_figures(["vmm_memory_overhead_pmap"])  # a memory group is not a boot time
    with pytest.raises(BadParameter):
        recorded.cite("NOPE99")


def test_load_returns_a_copy():
    df = recorded.load()
    df.loc[0, "value"] = -1.0
    assert recorded.load().loc[0, "value"] > 0


def test_data_ships_inside_the_package():
    files = resources.files("vlab.data")
    assert files.joinpath(recorded.FIGURES_FILE).is_file()
    assert files.joinpath(recorded.BIBLIOGRAPHY_FILE).is_file()
    # a non-editable install must carry the table, the loader and the plot module
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert {"vlab.labs.vm", "vlab.plots", "vlab.data"} <= set(config["packages"])
    assert "*.tsv" in config["package-data"]["vlab.data"]


# --- malformed tables are refused with DataError naming line and column ---------------------------

@given(st.sampled_from(recorded.COLUMNS))
def test_missing_column(column):
    with pytest.raises(DataError, match=f"missing column.*'{column}'"):
        recorded.validate(RAW.drop(columns=[column]), BIB_IDS)


@settings(max_examples=40)
@given(st.integers(0, N - 1), st.text(max_size=12).filter(lambda s: not _is_positive_number(s)))
def test_non_numeric_value(i, bad):
    df = RAW.copy()
    df.loc[i, "value"] = bad
    _expect(df, "value", i + 2)


@settings(max_examples=40)
@given(st.integers(0, N - 1), st.text(max_size=10).filter(lambda s: s not in recorded.UNITS))
def test_unknown_unit(i, bad):
    df = RAW.copy()
    df.loc[i, "unit"] = bad
    _expect(df, "unit", i + 2)


@settings(max_examples=40)
@given(st.integers(0, N - 1), st.text(max_size=10).filter(lambda s: s not in recorded.KINDS))
def test_unknown_kind(i, bad):
    df = RAW.copy()
    df.loc[i, "kind"] = bad
    _expect(df, "kind", i + 2)


@settings(max_examples=40)
@given(st.integers(0, N - 1), st.text(max_size=10).filter(lambda s: s not in BIB_IDS))
def test_missing_source(i, bad):
    df = RAW.copy()
    df.loc[i, "source_id"] = bad
    _expect(df, "source_id", i + 2)


@settings(max_examples=40)
@given(st.integers(0, N - 1), st.integers(0, N - 1))
def test_duplicate_figure_id(i, j):
    assume(i != j)
    first, second = min(i, j), max(i, j)
    df = RAW.copy()
    df.loc[second, "figure_id"] = df.loc[first, "figure_id"]
    err = _expect(df, "figure_id", second + 2)
    assert f"line {first + 2}" in str(err)


@settings(max_examples=20)
@given(st.integers(0, N - 1), st.sampled_from(recorded.REQUIRED))
def test_empty_required_cell(i, column):
    df = RAW.copy()
    df.loc[i, column] = "  "
    _expect(df, column, i + 2)


def test_unit_of_the_wrong_dimension_for_its_group():
    df = RAW.copy()
    i = int(df.index[df["metric_group"] == "launch_to_guest_exit_wallclock"][0])
    df.loc[i, "unit"] = "MiB"
    _expect(df, "unit", i + 2)


def test_unknown_metric_group():
    df = RAW.copy()
    df.loc[3, "metric_group"] = "boot_time"
    _expect(df, "metric_group", 5)


def _write(tmp_path, df: pd.DataFrame):
    fig = tmp_path / "figs.tsv"
    df.to_csv(fig, sep="\t", index=False)
    bib = tmp_path / "bib.tsv"
    BIB.to_csv(bib, sep="\t", index=False)
    return fig, bib


def test_files_on_disk_load_and_fail_cleanly(tmp_path):
    fig, bib = _write(tmp_path, RAW)
    assert len(recorded.load(fig, bib)) == N
    # a file with a multi-number cell, as in the raw reference sheet
    bad = RAW.copy()
    bad.loc[0, "value"] = "15.61 / 23.76 / 44.14"
    fig, bib = _write(tmp_path, bad)
    with pytest.raises(DataError, match=r"line 2 .*'value'"):
        recorded.load(fig, bib)
    # not a table at all, an empty file, a missing file, a bibliography without the source
    fig.write_text("figure_id\tsystem\n" + "a\tb\tc\td\n")
    with pytest.raises(DataError):
        recorded.load(fig, bib)
    fig.write_text("")
    with pytest.raises(DataError):
        recorded.load(fig, bib)
    with pytest.raises(DataError, match="Cannot read"):
        recorded.load(tmp_path / "nope.tsv", bib)
    fig, bib = _write(tmp_path, RAW)
    BIB[BIB["source_id"] != "AGA20"].to_csv(bib, sep="\t", index=False)
    with pytest.raises(DataError, match="'source_id'.*AGA20.*not in the bibliography"):
        recorded.load(fig, bib)
    BIB.iloc[[0, 0]].to_csv(bib, sep="\t", index=False)
    with pytest.raises(DataError, match="more than once"):
        recorded.load(fig, bib)


# --- the plot ----------------------------------------------------------------------------------

def _annotations(fig) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid()}


def test_every_plotted_recorded_number_carries_its_source_id():
    boot = recorded.boot_figures()
    shown = recorded.collapse_ranges(boot)  # a min/max pair is one figure
    fig = precorded.plot_boot_times(boot)
    try:
        notes = _annotations(fig)
        recorded_notes = {k: v for k, v in notes.items() if k.startswith("recorded:")}
        assert set(recorded_notes) == {f"recorded:{fid}" for fid in shown["figure_id"]}
        for _, row in shown.iterrows():
            text = recorded_notes[f"recorded:{row['figure_id']}"]
            assert f"[{row['source_id']}]" in text
            assert precorded.fmt_ms(row["ms_max"]).split(" ")[0] in text
        # the plotted points sit at the figures' values (a range at both ends)
        xs = sorted(float(x) for line in fig.axes[0].lines for x in line.get_xdata())
        ends = [*shown["ms"], *shown.loc[shown["stat"] == "range", "ms_max"]]
        assert sorted(ends) == pytest.approx(xs)
        assert fig.axes[0].get_xscale() == "log"
    finally:
        plt.close(fig)


def test_live_series_are_labelled_by_accelerator_and_provenance():
    live = precorded.live_frame([190.0, 185.0, 200.0], [3300.0, 3350.0], "tcg")
    fig = precorded.plot_boot_times(groups=["docker_run_total"], live=live)
    try:
        notes = _annotations(fig)
        assert any(k.startswith("recorded:GVI-") for k in notes)
        assert notes["live:container start"] == "median 190 ms [live, n=3]"
        assert notes["live:VM boot (TCG)"] == "median 3325 ms [live, n=2]"
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert "VM boot (TCG)" in labels
    finally:
        plt.close(fig)
    rep = precorded.live_frame([190.0], [], replayed=True)
    fig = precorded.plot_boot_times(groups=["docker_run_total"], live=rep)
    try:
        assert _annotations(fig)["live:container start"].endswith("[replayed, n=1]")
    finally:
        plt.close(fig)


@pytest.mark.parametrize("live", [
    pd.DataFrame({"what": ["vm"], "ms": [100.0]}),  # a VM boot without accelerator
    pd.DataFrame({"what": ["container"], "ms": [-1.0]}),
    pd.DataFrame({"what": ["container"], "ms": ["fast"]}),
    pd.DataFrame({"what": ["pod"], "ms": [1.0]}),
    pd.DataFrame({"ms": [1.0]}),
    [1, 2, 3],
])
def test_bad_live_tables_raise_bad_parameter(live):
    with pytest.raises(BadParameter):
        precorded.check_live(live)


@given(st.floats(min_value=1e-3, max_value=1e7, allow_nan=False))
def test_fmt_ms_is_readable(ms):
    text = precorded.fmt_ms(ms)
    number, unit = text.split(" ")
    assert unit in {"ms", "s"}
    back = float(number) * (1000 if unit == "s" else 1)
    assert back == pytest.approx(ms, rel=1e-2)


def test_live_from_results_reads_container_and_vm_runs():
    from vlab.core.results import Results

    box = Results("vm_container_start",
                  pd.DataFrame({"phase": ["total", "create", "total"], "ms": [190.0, 15.0, 210.0]}))
    vm = Results("vm_boot", pd.DataFrame({
        "phase": ["launch_to_marker"] * 3 + ["total"], "ms": [3300.0, 3400.0, 120.0, 3500.0],
        "accel": ["tcg", "tcg", "kvm", "tcg"]}))
    vm.replayed = True
    live = precorded.live_from_results(box, vm)
    assert sorted(live.loc[live["what"] == "container", "ms"]) == [190.0, 210.0]
    assert set(live.loc[live["what"] == "vm", "accelerator"]) == {"tcg", "kvm"}
    assert live.loc[live["what"] == "vm", "replayed"].all()
    assert not live.loc[live["what"] == "container", "replayed"].any()
    fig = precorded.plot_boot_times(groups=["launch_to_guest_exit_wallclock"], live=live)
    try:
        notes = _annotations(fig)
        assert notes["live:VM boot (launch_to_marker) (TCG)"] == "median 3350 ms [replayed, n=2]"
        assert notes["live:VM boot (launch_to_marker) (KVM)"] == "median 120 ms [replayed, n=1]"
    finally:
        plt.close(fig)
    with pytest.raises(BadParameter):
        precorded.live_from_results(box, container_phase="boot")
    with pytest.raises(BadParameter):
        precorded.live_from_results()
