"""Overhead lab: parsing, scheduling, ratio logic, published figures, CLI, and tiny live runs."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlab.core import settings
from vlab.core.errors import BadParameter, DataError
from vlab.core.results import Results
from vlab.labs import overhead as o
from vlab.labs import overhead_published as pub
from vlab.labs.overhead import live as o_live  # where run_live and the runners live (for monkeypatch)

TINY = dict(cpu_iterations=2000, syscall_bytes=2000, io_mib=1, net_mib=1, latency_requests=3, idle_containers=1)


def _adjtimex(sec: int, usec: int) -> str:
    return (f"    mode:         0\n-o  offset:       0 us\n    time.tv_sec:  {sec}\n    time.tv_usec: {usec}\n"
            "    return value: 5 (clock not synchronized)\n")


# ---------------------------------------------------------------- parsing
def test_intervals_from_adjtimex_output():
    text = _adjtimex(100, 250_000) + "noise\n" + _adjtimex(100, 750_000) + _adjtimex(101, 0)
    assert o.parse_stamps(text) == [100.25, 100.75, 101.0]
    assert o.intervals_ms(text, 2) == pytest.approx([500.0, 250.0])


def test_wrong_number_of_stamps_is_a_data_error():
    with pytest.raises(DataError):
        o.intervals_ms(_adjtimex(1, 0), 1)
    with pytest.raises(DataError):
        o.intervals_ms(_adjtimex(2, 0) + _adjtimex(1, 0), 1)  # clock went backwards


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=8))
def test_intervals_sum_to_first_to_last(steps_us):
    t, text = 1_700_000_000 * 10**6, ""
    stamps = []
    for step in steps_us:
        t += step
        stamps.append(t)
        text += _adjtimex(t // 10**6, t % 10**6)
    iv = o.intervals_ms(text, len(stamps) - 1)
    assert sum(iv) == pytest.approx((stamps[-1] - stamps[0]) / 1000, abs=1e-3)
    assert all(v >= 0 for v in iv)


# ---------------------------------------------------------------- settings and schedule
@pytest.mark.parametrize("kw", [dict(trials=0), dict(trials=-1), dict(trials="3"), dict(trials=True),
                                dict(only=("gpu",)), dict(only=()), dict(io_mib=0), dict(net_mib=10_000),
                                dict(cpu=9999), dict(workdir="/no/such/folder"), dict(seed=-1)])
def test_bad_settings_raise_bad_parameter(kw):
    with pytest.raises(BadParameter):
        o.Settings(**kw)


def test_measure_validates_before_any_container(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("a container would have been started")

    monkeypatch.setattr(o_live, "run_live", boom)
    with pytest.raises(BadParameter):
        o.measure(trials=0)
    with pytest.raises(BadParameter):
        o.measure(only=["disk"])
    with pytest.raises(BadParameter):
        o.measure(save_to="/no/such/folder/out.json")


def test_quick_settings_are_smaller_and_groups_expand():
    q, f = o.Settings.for_mode(True), o.Settings.for_mode(False)
    assert q.rule.max_trials < f.rule.max_trials and q.io_mib < f.io_mib and q.cpu_iterations < f.cpu_iterations
    s = o.Settings(only=("io", "net", "io"))
    assert s.only == ("io", "net")
    assert s.metrics == ("io_write", "io_read", "net_throughput", "net_latency")


def test_schedule_is_seeded_interleaved_and_complete():
    pairs = o_live._timed_pairs(o.Settings())
    a, b = o.schedule(pairs, 5, seed=1), o.schedule(pairs, 5, seed=1)
    assert a == b
    assert a != o.schedule(pairs, 5, seed=2)
    counts = pd.Series([(m, c) for m, c, _ in a]).value_counts()
    assert set(counts.index) == set(pairs) and (counts == 5).all()
    assert ("io_read", "native") not in pairs  # read is timed inside the write script


def test_workload_scripts_use_the_given_busybox_and_sizes():
    s = o.Settings(**TINY)
    script, n = o.workload("io", "/x/busybox", s, path="/data")
    assert n == 2 and "count=1 conv=fsync" in script and "/data/vlab-io.bin" in script
    script, n = o.workload("syscall", "/bin/busybox", s)
    assert n == 1 and "bs=1 count=2000" in script
    assert all(tok.startswith("/bin/busybox") for tok in script.split("; ")[0:1])
    script, _ = o.workload("net_latency", "/bin/busybox", s, url="http://h:1")
    assert script.count("http://h:1/s") == 3
    with pytest.raises(BadParameter):
        o.workload("gpu", "/bin/busybox", s)


# ---------------------------------------------------------------- ratios and memory parsing
def _synthetic(factor: float = 2.0) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for metric, cfgs in o.CONFIGS.items():
        for trial in range(8):
            base = 10 + rng.normal(0, 0.1)
            for i, cfg in enumerate(cfgs):
                rows.append(dict(metric=metric, config=cfg, trial=trial, order=0,
                                 value=base * (factor if i else 1.0), unit="ms"))
    return pd.DataFrame(rows)


def test_ratios_recover_a_known_factor():
    r = o.ratios(_synthetic(2.0))
    main = r[r.baseline == "native"]
    assert len(main) == sum(len(c) - 1 for c in o.CONFIGS.values())
    assert np.allclose(main.ratio, 2.0, rtol=0.05)
    assert ((main.ci_low <= main.ratio) & (main.ratio <= main.ci_high)).all()
    extra = r[r.baseline == "container-unconfined"]
    assert np.allclose(extra.ratio, 1.0)


def test_ratios_of_empty_samples_are_empty():
    assert o.ratios(pd.DataFrame(columns=["metric", "config", "value"])).empty


def test_cgroup_usage_subtracts_page_cache_on_v1_and_v2():
    v1 = {"memory_stats": {"usage": 10 * 2**20, "stats": {"total_inactive_file": 4 * 2**20, "cache": 5 * 2**20}}}
    v2 = {"memory_stats": {"usage": 10 * 2**20, "stats": {"inactive_file": 2 * 2**20}}}
    assert o.cgroup_usage_mib(v1) == pytest.approx(6.0)
    assert o.cgroup_usage_mib(v2) == pytest.approx(8.0)
    assert np.isnan(o.cgroup_usage_mib({}))


def test_select_and_report_and_plot():
    samples = _synthetic(1.5)
    mem = pd.DataFrame([dict(metric="memory", config="shim RSS", trial=0, order=0, value=12.0, unit="MiB")])
    res = Results("overhead", pd.concat([samples, mem], ignore_index=True), o.summary(samples),
                  {"host": "t"}, {"order_seed": 0})
    cpu = o.select(res, ["cpu"])
    assert set(cpu.samples.metric) == {"cpu"}
    with pytest.raises(BadParameter):
        o.select(res, ["disk"])
    text = o.format_report(res)
    assert "syscall" in text and "shim RSS" in text and "1.500" in text
    assert o.memory_table(res).MiB.tolist() == [12.0]

    import matplotlib

    matplotlib.use("Agg")
    from vlab.plots import overhead as po

    ax = po.ratio_plot(res)
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())  # the line at 1.0
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("FEL15" in lab for lab in labels) and any(lab.startswith("cpu:") for lab in labels)


def test_rate_conversion():
    assert o.seconds_to_rate(500, 10) == pytest.approx(20.0)
    with pytest.raises(BadParameter):
        o.seconds_to_rate(0, 10)


# ---------------------------------------------------------------- published figures
def test_published_ratios_are_sourced_and_consistent():
    df = pub.published_ratios()
    assert len(df) == len(pub.COMPARISONS)
    assert (df.ratio > 0).all() and df.source_id.isin(["FEL15", "GVI", "AGA20"]).all()
    assert (df.locator.str.len() > 0).all()
    by = dict(zip(df.label, df.ratio, strict=True))
    # FEL15's own finding: Docker is no slower than KVM on every benchmark they share.
    assert by["Docker / native, Linpack (FEL15)"] < by["KVM / native, Linpack (FEL15)"]
    assert by["Docker / native, fio 4K random read (FEL15)"] < by["KVM / native, fio 4K random read (FEL15)"]
    assert by["gVisor-ptrace / runc, raw syscall (GVI)"] > 10
    cites = pub.citations(sorted(set(df.source_id)))
    assert set(cites) == set(df.source_id)


def test_time_ratio_direction():
    assert pub.time_ratio(50, 100, higher_is_better=True) == 2.0  # half the throughput = twice the time
    assert pub.time_ratio(200, 100, higher_is_better=False) == 2.0
    with pytest.raises(DataError):
        pub.time_ratio(0, 1, higher_is_better=True)


def test_missing_published_figure_is_a_data_error(tmp_path):
    table = tmp_path / "figs.tsv"
    table.write_text("figure_id\tvalue\tunit\tsource_id\tlocator\nGVI-syscall-runc\tabc\tns\tGVI\tx\n")
    with pytest.raises(DataError):
        pub.published_ratios(["syscall"], path=table)


# ---------------------------------------------------------------- CLI
def _cli_args(**kw) -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    o.add_cli_arguments(ap)
    return ap.parse_args([a for k, v in kw.items() for a in (f"--{k}", *([v] if isinstance(v, str) else v))])


def test_cli_parses_and_rejects_unknown_groups():
    args = _cli_args(only=["cpu", "io"], trials="4")
    assert args.only == ["cpu", "io"] and args.trials == 4
    with pytest.raises(SystemExit):
        _cli_args(only=["gpu"])


def test_cli_bad_json_path_fails_before_measuring(monkeypatch):
    monkeypatch.setattr(o_live, "run_live", lambda *a, **k: pytest.fail("measured anyway"))
    with pytest.raises(BadParameter):
        o.run_cli(_cli_args(json="/no/such/folder/x.json"))


def test_vlab_bench_overhead_help(capsys):
    from vlab.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["bench", "overhead", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--only" in out and "--json" in out and "--trials" in out


# ---------------------------------------------------------------- live engine (tiny sizes)
def _ours_left(client) -> list[str]:
    flt = {"label": [f"{settings.RUN_LABEL}={settings.run_id()}"]}
    names = [c["Names"][0] for c in client.api.containers(all=True, filters=flt)
             if (c.get("Labels") or {}).get("vlab.purpose", "").startswith("overhead")]
    nets = [n["Name"] for n in client.api.networks(filters=flt) if n["Name"].startswith("vlab-overhead")]
    return names + nets


def test_live_all_groups_tiny(engine, tmp_path):
    s = o.Settings(trials=2, seed=3, **TINY)
    res = o.run_live(s, save_to=tmp_path / "o.json")
    assert not res.partial and not _ours_left(engine)
    timed = res.samples[res.samples.unit == "ms"]
    for metric, cfgs in o.CONFIGS.items():
        got = timed[timed.metric == metric].groupby("config").size()
        assert {c: int(got.get(c, 0)) for c in cfgs} == {c: 2 for c in cfgs}, metric
    assert (timed.value > 0).all()
    r = o.ratio_table(res)
    assert len(r) == sum(len(c) - 1 for c in o.CONFIGS.values()) + len(o.EXTRA_PAIRS)
    assert (r.ci_low <= r.ci_high).all() and (r.ratio > 0).all()
    summ = res.summary[res.summary.metric != "memory"]
    assert summ.ratio_to_native.isna().sum() == len(o.CONFIGS)  # only the native rows have no ratio
    assert set(summ[summ.ratio_to_native.isna()].config) == {"native"}
    facts = res.extra["facts"]
    assert facts["same_kernel"] is True  # no kernel of its own: the host kernel runs the workload
    assert facts["seccomp_mode"]["container"] == 2 and facts["seccomp_mode"]["container-unconfined"] == 0
    mem = o.memory_table(res).set_index("item").MiB
    assert mem["cgroup usage"] >= 0 and mem["dockerd RSS"] > 0
    saved = json.loads((tmp_path / "o.json").read_text())
    assert saved["kind"] == "overhead" and saved["extra"]["ratios"] and saved["provenance"]["config"]["trials"] == 2


def test_interrupt_keeps_partial_results_and_no_container(engine, monkeypatch):
    real, calls = o_live._run_one, []

    def flaky(*a, **k):
        calls.append(1)
        if len(calls) > 4:  # 2 warm-ups (native, container) + 2 measured, then Ctrl-C
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(o_live, "_run_one", flaky)
    res = o.run_live(o.Settings(trials=3, only=("cpu",), **TINY))
    assert res.partial and len(res.samples) == 2
    assert not _ours_left(engine)


def test_replay_returns_the_recording_filtered(monkeypatch):
    from vlab.core import mode, replay

    if "overhead" not in replay.available():
        pytest.skip("no overhead recording shipped yet")
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("replay", "test"))
    res = o.measure(only=["cpu"], progress=False)
    assert res.replayed and set(res.samples.metric) == {"cpu"}
    assert set(o.ratio_table(res).metric) == {"cpu"}


def test_engine_failure_mid_run_keeps_partial_and_no_container(engine, monkeypatch):
    real, calls = o_live._run_one, []

    def failing(*a, **k):
        calls.append(1)
        if len(calls) > 3:
            raise DataError("simulated workload failure")
        return real(*a, **k)

    monkeypatch.setattr(o_live, "_run_one", failing)
    with pytest.raises(DataError) as exc:
        o.run_live(o.Settings(trials=3, only=("cpu",), **TINY))
    assert exc.value.partial.partial and len(exc.value.partial.samples) == 1  # one sample kept (after 2 warm-ups)
    assert not _ours_left(engine)


def test_replay_saves_when_asked(monkeypatch, tmp_path):
    from vlab.core import mode, replay, results

    if "overhead" not in replay.available():
        pytest.skip("no overhead recording shipped yet")
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("replay", "test"))
    o.measure(only=["io"], progress=False, save_to=tmp_path / "r.json")
    back = results.load(tmp_path / "r.json")
    assert set(back.samples.metric) == {"io_write", "io_read"}
