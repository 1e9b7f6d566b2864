"""Published figures say exactly what their sources say (issue 11, section 2).

One unit and one clock per metric group, thresholds with their direction, ranges shown as one range,
caveats shown wherever their figure is, unverified figures kept off the main plot, and the specific rows
that were wrong (each checked against its source; the locator column says where).
"""

from __future__ import annotations

import io
from importlib import resources

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from vlab.core.errors import BadParameter, DataError  # noqa: E402
from vlab.labs import overhead_published  # noqa: E402
from vlab.labs.vm import recorded, versus  # noqa: E402
from vlab.plots import recorded as precorded  # noqa: E402

SHIPPED = recorded.load()
BIB_IDS = set(recorded.load_bibliography().index)


def _raw() -> pd.DataFrame:
    text = resources.files("vlab.data").joinpath(recorded.FIGURES_FILE).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=3)


RAW = _raw()


def _line(fid: str) -> int:
    return int(RAW.index[RAW["figure_id"] == fid][0])


def _refused(df: pd.DataFrame, column: str, line: int) -> str:
    with pytest.raises(DataError) as info:
        recorded.validate(df, BIB_IDS)
    msg = str(info.value)
    assert f"'{column}'" in msg and f"line {line + 2}" in msg, msg
    return msg


def _multi_row_groups(dimension: str) -> list[str]:
    counts = SHIPPED.groupby("metric_group").size()
    return sorted(g for g, n in counts.items() if n >= 2 and recorded.METRIC_GROUPS[g].dimension == dimension)


# --- one unit and one clock per metric group ------------------------------------------------------

def test_shipped_groups_use_one_unit_and_one_clock():
    for gid, g in SHIPPED.groupby("metric_group"):
        group = recorded.METRIC_GROUPS[gid]
        assert g["unit"].nunique() == 1, f"{gid} mixes units {sorted(set(g['unit']))}"
        assert set(g["clock"]) == {group.clock}, f"{gid} mixes clocks {sorted(set(g['clock']))}"
    assert "KB" not in set(SHIPPED["unit"])  # tools that print "kB" report KiB


@pytest.mark.parametrize("gid", _multi_row_groups("time"))
def test_a_time_group_that_mixes_units_is_refused(gid):
    rows = RAW.index[RAW["metric_group"] == gid]
    i = int(rows[-1])
    df = RAW.copy()
    unit = df.loc[i, "unit"]
    other = "us" if unit != "us" else "ms"
    df.loc[i, "value"] = str(float(df.loc[i, "value"]) * recorded.TIME_TO_MS[unit] / recorded.TIME_TO_MS[other])
    df.loc[i, "unit"] = other  # the same time, written in another unit
    _refused(df, "unit", i)


@pytest.mark.parametrize("gid", _multi_row_groups("memory"))
def test_a_memory_group_that_mixes_units_is_refused(gid):
    i = int(RAW.index[RAW["metric_group"] == gid][-1])
    df = RAW.copy()
    df.loc[i, "unit"] = "KiB" if df.loc[i, "unit"] != "KiB" else "MiB"
    _refused(df, "unit", i)


@pytest.mark.parametrize("gid", _multi_row_groups("time"))
def test_a_time_group_that_mixes_clocks_is_refused(gid):
    i = int(RAW.index[RAW["metric_group"] == gid][-1])
    df = RAW.copy()
    df.loc[i, "clock"] = "cpu" if df.loc[i, "clock"] == "wall" else "wall"
    msg = _refused(df, "clock", i)
    assert "never one series" in msg


def test_the_kue21_cpu_rows_cannot_go_back_beside_wall_clock_rows():
    # the defect that was shipped: CPU milliseconds filed in a wall-clock group
    for fid in ("KUE21-alpine-fc", "KUE21-lupine-fc"):
        i = _line(fid)
        assert RAW.loc[i, "clock"] == "cpu"
        assert "CPU" in RAW.loc[i, "metric"] and "third token from the end" in RAW.loc[i, "metric"]
        df = RAW.copy()
        df.loc[i, "metric_group"] = "firecracker_guest_boot_time_metric"
        _refused(df, "clock", i)
        df.loc[i, "clock"] = ""  # and a time without a clock is refused too
        _refused(df, "clock", i)


def test_only_wall_clock_groups_are_boot_figures_or_plotted():
    for g in recorded.METRIC_GROUPS.values():
        if g.boot:
            assert g.clock == "wall", g.id
    boot = recorded.boot_figures(include_unverified=True)
    assert set(boot["clock"]) == {"wall"}
    assert not boot["figure_id"].isin(["KUE21-alpine-fc", "KUE21-lupine-fc", "FCSPEC-api-socket-cpu"]).any()
    cpu = recorded.figures(metric_group="firecracker_guest_boot_time_cpu")
    cpu = cpu.assign(ms=cpu["value"])
    with pytest.raises(BadParameter, match="wall-clock"):
        precorded.plot_boot_times(cpu)


def test_a_non_time_row_with_a_clock_is_refused():
    i = _line("AGA20-mem-fc")
    df = RAW.copy()
    df.loc[i, "clock"] = "wall"
    _refused(df, "clock", i)


def test_a_group_cannot_be_declared_boot_and_cpu():
    with pytest.raises(ValueError):
        recorded.MetricGroup("x", "x", "time", boot=True, clock="cpu")
    with pytest.raises(ValueError):
        recorded.MetricGroup("y", "y", "memory", clock="wall")


# --- thresholds have a direction, shown as the source states it ----------------------------------

def test_every_threshold_has_a_direction_and_only_thresholds_have_one():
    thr = SHIPPED["stat"] == "threshold"
    assert SHIPPED.loc[thr, "bound"].isin(list(recorded.BOUNDS)).all()
    assert (SHIPPED.loc[~thr, "bound"] == "").all()
    df = RAW.copy()
    i = _line("FCSPEC-guest-cpu")
    df.loc[i, "bound"] = ""
    _refused(df, "bound", i)
    df = RAW.copy()
    j = _line("AGA20-boot-serial-fc-file")
    df.loc[j, "bound"] = "<="
    _refused(df, "bound", j)


@pytest.mark.parametrize(("fid", "text"), [
    ("FCSPEC-instancestart-to-init", "≤ 125 ms"),  # SPECIFICATION.md: "<= 125 ms"
    ("FCSPEC-guest-cpu", "> 95 %"),  # SPECIFICATION.md: "> 95%"
    ("FCTEST-boot-limit-2022-noinitrd", "< 150 ms"),  # test_boottime.py: assert boot_time_us < max_time_us
    ("FCTEST-rss-limit-booted", "≤ 5 MiB"),  # memory.py: exceeded when mem_total > threshold
])
def test_threshold_directions_read_as_the_source_says(fid, text):
    assert recorded.figure_text(recorded.figure(fid)) == text


def test_the_plot_labels_limits_with_their_direction():
    boot = recorded.boot_figures(["instancestart_to_init", "fc_ci_boot_time_limit"])
    fig = precorded.plot_boot_times(boot)
    try:
        notes = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
        assert notes["recorded:FCSPEC-instancestart-to-init"].startswith("≤ 125 ms")
        for fid in boot.loc[boot["metric_group"] == "fc_ci_boot_time_limit", "figure_id"]:
            assert notes[f"recorded:{fid}"].startswith("< "), notes[f"recorded:{fid}"]
        assert not any(v.startswith("≤") for k, v in notes.items() if "FCTEST" in k)
    finally:
        plt.close(fig)


# --- ranges: one range, one label -----------------------------------------------------------------

def test_ranges_are_pairs_and_collapse_to_one_row():
    ranges = SHIPPED[SHIPPED["stat"].isin(["range_min", "range_max"])]
    bases = {f.rsplit("-", 1)[0] for f in ranges["figure_id"]}
    assert len(ranges) == 2 * len(bases)
    table = recorded.display_table()
    shown = table[table["figure_id"].isin(bases)]
    assert set(shown["figure_id"]) == bases and (shown["stat"] == "range").all()
    assert not table["figure_id"].isin(ranges["figure_id"]).any()  # no lone min or max points
    text = dict(zip(table["figure_id"], table["figure"], strict=True))
    assert text["FCTEST-snapshot-restore-1vcpu"] == "29–30 ms"
    assert text["FCTEST-snapshot-restore-2-7vcpu"] == "68–77 ms"
    assert text["AGA20-mem-qemu"] == "131.2–132.4 MiB"
    # a filtered frame holding only one end is completed from the table
    one_end = recorded.figures(source_id="AGA20")
    one_end = one_end[one_end["figure_id"] != "AGA20-mem-qemu-max"]
    assert "131.2–132.4 MiB" in set(recorded.display_table(one_end)["figure"])


def test_broken_ranges_are_refused():
    i, j = _line("FCTEST-snapshot-restore-1vcpu-min"), _line("FCTEST-snapshot-restore-1vcpu-max")
    df = RAW.drop(index=j).reset_index(drop=True)  # a min without its max
    _refused(df, "stat", i)
    df = RAW.copy()
    df.loc[i, "value"] = "31"  # min above max
    _refused(df, "value", i)
    df = RAW.copy()
    df.loc[j, "unit"] = "s"  # partners must share the unit (and group, system, source)
    with pytest.raises(DataError):
        recorded.validate(df, BIB_IDS)


def test_the_plot_draws_a_range_as_one_segment_with_one_label():
    boot = recorded.boot_figures(["snapshot_restore_latency"])
    fig = precorded.plot_boot_times(boot)
    try:
        ax = fig.axes[0]
        notes = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
        recorded_notes = {k: v for k, v in notes.items() if k.startswith("recorded:")}
        assert recorded_notes == {"recorded:FCTEST-snapshot-restore-1vcpu": "29–30 ms [FCTEST]",
                                  "recorded:FCTEST-snapshot-restore-2-7vcpu": "68–77 ms [FCTEST]"}
        segments = {line.get_gid(): sorted(line.get_xdata()) for line in ax.lines if line.get_gid()}
        assert segments == {"range:FCTEST-snapshot-restore-1vcpu": [29.0, 30.0],
                            "range:FCTEST-snapshot-restore-2-7vcpu": [68.0, 77.0]}
    finally:
        plt.close(fig)


def test_the_memory_table_shows_the_qemu_range_once():
    mem = overhead_published.memory_figures()
    assert mem["figure_id"].is_unique
    shown = dict(zip(mem["figure_id"], mem["figure"], strict=True))
    assert shown["AGA20-mem-qemu"] == "131.2–132.4 MiB"
    assert shown["FCSPEC-vmm-memory"] == "≤ 5 MiB"


# --- caveats travel with their figure; unverified figures stay off the main plot -------------------

def test_the_qemu_microvm_caveat_is_shown_in_the_plot_and_the_table():
    fid = "AGA20-boot-serial-qemu-microvm"
    caveat = recorded.figure(fid)["caveat"]
    assert "not in the paper" in caveat and "issue #2" in caveat and "compressed" in caveat
    table = recorded.display_table(recorded.boot_figures(["launch_to_guest_exit_wallclock"]))
    assert table.set_index("figure_id").loc[fid, "caveat"] == caveat
    fig = precorded.plot_boot_times(recorded.boot_figures(recorded.KEY_BOOT_GROUPS))
    try:
        notes = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
        mark = notes[f"recorded:{fid}"].rsplit(" ", 1)[-1]
        assert mark.startswith("†")
        assert notes[f"caveat:{fid}"].startswith(mark) and "issue #2" in notes[f"caveat:{fid}"].replace("\n", " ")
        # every plotted figure with a caveat has its footnote, and nothing else has one
        caveated = {k.split(":", 1)[1] for k in notes if k.startswith("caveat:")}
        plotted = {k.split(":", 1)[1] for k in notes if k.startswith("recorded:")}
        with_caveat = set(SHIPPED.loc[SHIPPED["caveat"] != "", "figure_id"])
        assert caveated == plotted & with_caveat
    finally:
        plt.close(fig)
    assert caveat in recorded.quote(fid)


def test_mao12_is_unverified_and_off_the_main_figure():
    mao = SHIPPED[SHIPPED["source_id"] == "MAO12"]
    assert len(mao) == 3 and (mao["verified"] == "no").all() and (mao["caveat"] != "").all()
    assert (SHIPPED.loc[SHIPPED["source_id"] != "MAO12", "verified"] == "yes").all()
    assert "cloud_request_to_ready" not in recorded.KEY_BOOT_GROUPS
    assert not recorded.boot_figures()["figure_id"].str.startswith("MAO12").any()
    assert not recorded.boot_figures(recorded.KEY_BOOT_GROUPS)["verified"].ne("yes").any()
    everything = recorded.boot_figures(include_unverified=True)
    assert everything["figure_id"].str.startswith("MAO12").sum() == 3
    fig = precorded.plot_boot_times(everything[everything["source_id"] == "MAO12"])
    try:
        for t in fig.axes[0].texts:
            if (t.get_gid() or "").startswith("recorded:MAO12"):
                assert "unverified" in t.get_text()
    finally:
        plt.close(fig)
    with pytest.raises(BadParameter):
        recorded.boot_figures(include_unverified="yes")


# --- the rows that were wrong or missing, as their sources give them --------------------------------

def _value(fid: str) -> float:
    return float(SHIPPED.set_index("figure_id").loc[fid, "value"])


def test_aga20_parallel_rows_follow_the_scripts_not_the_file_names():
    # run-boot-parallel.sh: without -s the data goes to *-fc-api.dat but Firecracker is pre-configured from a
    # config file; with -s ("sock") it goes to *-fc-file.dat and is configured over the API socket.
    t = SHIPPED.set_index("figure_id")
    assert _value("AGA20-boot-parallel50-fc-api") == 237.2
    assert "API socket" in t.loc["AGA20-boot-parallel50-fc-api", "system"]
    assert "boot-parallel-50-fc-file.dat" in t.loc["AGA20-boot-parallel50-fc-api", "locator"]
    assert _value("AGA20-boot-parallel50-fc-file") == 205.9
    assert "config file" in t.loc["AGA20-boot-parallel50-fc-file", "system"]
    assert "AGA20-boot-parallel50-fc" not in t.index
    for level in (10, 50, 100):
        g = SHIPPED[SHIPPED["metric_group"] == f"launch_to_guest_exit_wallclock_{level}_parallel"]
        assert sorted(g["figure_id"]) == sorted(f"AGA20-boot-parallel{level}-{s}"
                                                for s in ("fc-file", "fc-api", "chv", "qemu-qboot"))
        assert g["locator"].str.contains(f"raw/boot-parallel-{level}-").all()


def test_added_figures_carry_their_sources():
    t = SHIPPED.set_index("figure_id")
    expected = {
        "FCSPEC-instancestart-to-init": (125.0, "SPECIFICATION.md"),
        "MAN17-lightvm-boot": (2.3, "abstract"),
        "MAN17-fork-exec": (1.0, "abstract"),
        "CHV-1728-start-user-trace1": (134.3, "issue #1728"),
        "CRUN-per-container-runc": (33.4, "README.md"),
        "CRUN-per-container-crun": (16.9, "README.md"),
    }
    for fid, (value, where) in expected.items():
        assert t.loc[fid, "value"] == value and where in t.loc[fid, "locator"], fid
    # the crun README gives 100-container totals; the per-container rows are exactly those divided by 100
    assert _value("CRUN-per-container-runc") == pytest.approx(_value("CRUN-100-true-runc") * 1000 / 100)
    assert _value("CRUN-per-container-crun") == pytest.approx(_value("CRUN-100-true-crun") * 1000 / 100)
    key = set(recorded.boot_figures(recorded.KEY_BOOT_GROUPS)["figure_id"])
    assert {"FCSPEC-instancestart-to-init", "MAN17-lightvm-boot", "MAN17-fork-exec", "CHV-1728-start-user-trace1",
            "CRUN-per-container-crun"} <= key


def test_fel15_rows_live_in_the_table_not_in_code():
    assert not hasattr(overhead_published, "_EMBEDDED")
    ids = set(SHIPPED["figure_id"])
    for c in overhead_published.COMPARISONS:
        assert {c.system_id, c.baseline_id} <= ids, c.label
    assert _value("FEL15-fio-randread-kvm") == 46173 and _value("FEL15-nuttcp-docker-nat") == 9.33


def test_versus_quotes_the_published_microvm_boot_from_the_table(monkeypatch):
    text = versus.explain("container", 20.0, "tcg")
    assert recorded.quote(versus.MICROVM_EXAMPLE) in text
    assert "close to a container start" not in text  # no ranking across metric groups
    row = recorded.figure(versus.MICROVM_EXAMPLE).copy()
    row["value"] = 999.5
    monkeypatch.setattr(recorded, "figure", lambda fid: row)
    assert "999.5 ms" in versus.explain("container", 20.0, "tcg")


def test_tables_carry_source_and_locator_and_lookups_refuse_unknown_ids():
    table = recorded.display_table()
    assert (table["source_id"] != "").all() and (table["locator"] != "").all()
    for bad in ("NOPE-1", ["AGA20-mem-fc"], None):
        with pytest.raises(BadParameter):
            recorded.figure(bad)
