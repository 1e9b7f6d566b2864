"""Start-time lab: phase arithmetic and parsers (no daemon), real runs (engine), Ctrl-C in the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from argparse import Namespace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlab.core import settings
from vlab.core.errors import BadParameter
from vlab.core.results import Results, load
from vlab.labs import start_time as start

ADJTIMEX = """    mode:         0
-o  offset:       0 us
    status:       64 (UNSYNC)
-t  tick:         10000 us
    time.tv_sec:  1795676384
    time.tv_usec: 172990
    return value: 5 (clock not synchronized)
"""


# ---------------------------------------------------------------- unit: parsers and arithmetic
def test_parse_adjtimex_reads_seconds_and_microseconds():
    assert start.parse_adjtimex(ADJTIMEX) == 1795676384 * 10**9 + 172990 * 1000


@pytest.mark.parametrize("text", ["", "adjtimex: permission denied", "time.tv_sec: 12\n"])
def test_parse_adjtimex_without_a_clock_gives_none(text):
    assert start.parse_adjtimex(text) is None


def test_host_phases_are_consecutive_intervals():
    ms = start.host_phases({"t0": 0, "created": 10_000_000, "started": 110_000_000, "exited": 150_000_000,
                            "remove_sent": 160_000_000, "removed": 171_000_000})
    assert ms == {"create": 10.0, "start": 100.0, "exit": 40.0, "remove": 11.0, "total": 161.0}


def test_host_phases_with_auto_remove_have_no_remove_phase():
    ms = start.host_phases({"t0": 0, "created": 1_000_000, "started": 3_000_000, "exited": 6_000_000})
    assert "remove" not in ms and ms["total"] == 6.0


def test_host_phases_refuse_stamps_out_of_order():
    with pytest.raises(BadParameter):
        start.host_phases({"t0": 5, "created": 4, "started": 6, "exited": 7})


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=5, max_size=5),
       st.integers(min_value=0, max_value=10**9))
def test_property_phases_positive_and_add_up(gaps, harness):
    t = [0]
    for g in gaps[:3]:
        t.append(t[-1] + g)
    stamps = {"t0": t[0], "created": t[1], "started": t[2], "exited": t[3],
              "remove_sent": t[3] + harness, "removed": t[3] + harness + gaps[4]}
    ms = start.host_phases(stamps)
    assert all(v > 0 for v in ms.values())
    parts = sum(ms[p] for p in start.HOST_PHASES)
    assert abs(parts - ms["total"]) <= start.SUM_TOLERANCE_MS
    # the harness's log read between exit and remove is left out of the total
    assert ms["total"] == pytest.approx((stamps["removed"] - stamps["t0"] - harness) / 1e6)


def test_daemon_phases_from_events_take_the_first_of_each_action():
    ev = [("create", 1_000_000), ("start", 5_000_000), ("die", 9_000_000), ("die", 99_000_000),
          ("destroy", 10_000_000)]
    assert start.daemon_phases(ev) == {"d_create_start": 4.0, "d_start_die": 4.0, "d_die_destroy": 1.0,
                                       "d_total": 9.0}
    assert start.daemon_phases([("create", 1)]) == {}


def _fake(rows) -> Results:
    return Results("start", pd.DataFrame(rows))


def _trial(config_name, trial, phases, total=None):
    rows = [{"config": config_name, "trial": trial, "warmup": False, "clock": "host", "phase": p, "ms": v}
            for p, v in phases.items()]
    rows.append({"config": config_name, "trial": trial, "warmup": False, "clock": "host", "phase": "total",
                 "ms": sum(phases.values()) if total is None else total})
    return rows


def test_self_check_passes_when_phases_add_up_and_fails_when_not():
    good = _trial("baseline", 0, {"create": 1.0, "start": 2.0, "exit": 3.0, "remove": 4.0})
    assert start.self_check(_fake(good))["adds_up"]
    bad = _trial("baseline", 0, {"create": 1.0, "start": 2.0, "exit": 3.0, "remove": 4.0}, total=12.0)
    check = start.self_check(_fake(bad))
    assert not check["adds_up"] and check["max_difference_ms"] == pytest.approx(2.0)
    negative = _trial("baseline", 0, {"create": -1.0, "start": 2.0, "exit": 3.0, "remove": 4.0})
    assert not start.self_check(_fake(negative))["phases_positive"]


def test_ratios_are_medians_over_the_baseline():
    rows = []
    for t in range(5):
        rows += _trial("baseline", t, {"create": 1.0, "start": 9.0})
        rows += _trial("network:bridge", t, {"create": 1.0, "start": 19.0})
    r = start.ratios(_fake(rows))
    assert list(r["config"]) == ["network:bridge"] and r["ratio"].iloc[0] == pytest.approx(2.0)


def test_configurations_change_one_factor_each():
    cs = {c.name: c for c in start.configurations("none", runtimes=["runc"])}
    assert set(cs) == {"baseline", "network:bridge", "image:fat", "auto_remove", "first_start"}
    base = cs["baseline"]
    for c in cs.values():
        diffs = [f for f in ("image", "network", "auto_remove", "runtime", "fresh_image")
                 if getattr(c, f) != getattr(base, f)]
        assert len(diffs) == (0 if c is base else 1)
    assert "runtime:crun" in {c.name for c in start.configurations("bridge", runtimes=["runc", "crun"])}
    assert "network:none" in {c.name for c in start.configurations("bridge")}


@pytest.mark.parametrize("call", [
    lambda: start.configurations("host"),
    lambda: start.configurations("none", ["gpu"]),
    lambda: start.check_trials(0),
    lambda: start.check_trials(True),
    lambda: start.check_trials(2.5),
    lambda: start.check_warmup(0),
    lambda: start.check_levels([0]),
    lambda: start.check_levels([65]),
    lambda: start.check_levels([]),
])
def test_bad_parameters_raise_with_a_hint(call):
    with pytest.raises(BadParameter) as err:
        call()
    assert err.value.hint


def test_bad_cli_arguments_fail_before_any_engine_call(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent")
    args = Namespace(quick=False, trials=0, json=None, network="none", configs=None, warmup=1, seed=0,
                     ladder=False, concurrency=False, no_progress=True)
    with pytest.raises(BadParameter):
        start.run_cli(args)
    args.trials, args.json = 3, str(tmp_path / "missing" / "out.json")
    with pytest.raises(BadParameter):
        start.run_cli(args)


def test_cli_command_carries_labels_and_limits():
    cmd = start.cli_command("none")
    text = " ".join(cmd)
    for part in ("--rm", "--label vlab=1", f"--label vlab.run={settings.run_id()}", "--pids-limit 64",
                 "--cap-drop ALL", "--network none", "--memory-swap"):
        assert part in text
    assert cmd[-2:] == ["vlab/busybox:1", "adjtimex"]


def test_side_path_puts_extra_kinds_next_to_the_json():
    assert start.side_path(Path("/x/out.json"), "ladder") == Path("/x/out.ladder.json")


def test_concurrency_summary_computes_rate_and_percentiles():
    rows = [{"level": 2, "round": 0, "container": i, "metric": "latency_ms", "value": v, "unit": "ms"}
            for i, v in enumerate([100.0, 200.0])]
    rows.append({"level": 2, "round": 0, "container": -1, "metric": "batch_ms", "value": 250.0, "unit": "ms"})
    s = start.concurrency_summary(pd.DataFrame(rows)).iloc[0]
    assert s["containers_per_s"] == pytest.approx(8.0)
    assert s["latency_p50_ms"] == pytest.approx(150.0)
    assert s["latency_p50_ms"] <= s["latency_p95_ms"] <= s["latency_p99_ms"]


def test_replay_mode_returns_the_shipped_recordings(monkeypatch):
    from vlab.core import mode

    monkeypatch.setenv("VLAB_MODE", "replay")
    mode.current.cache_clear()
    try:
        for fn, kind in ((start.measure_start, "start"), (start.measure_ladder, "ladder"),
                         (start.measure_concurrency, "concurrency")):
            res = fn()
            assert res.replayed and res.kind == kind and not res.samples.empty
        res = start.measure_start()
        assert start.self_check(res)["phases_positive"] and start.self_check(res)["adds_up"]
    finally:
        mode.current.cache_clear()


# ---------------------------------------------------------------- engine: real runs with few trials
@pytest.fixture(scope="module")
def start_results(engine):
    return start.measure_start(2, variants=["image", "auto_remove", "first"], progress=False)


def test_every_phase_is_positive_and_adds_up(start_results):
    res = start_results
    assert not res.partial and res.kind == "start"
    check = start.self_check(res)
    assert check["phases_positive"] and check["adds_up"], check
    assert set(res.samples["config"]) == {"baseline", "image:fat", "auto_remove", "first_start"}
    assert (res.samples.loc[res.samples["phase"] == "total", "exit_code"].dropna() == 0).all()


def test_marker_and_daemon_clock_tell_the_same_story(start_results):
    s = start_results.samples
    s = s[s["config"] == "baseline"]
    by = s.pivot_table(index="trial", columns="phase", values="ms")
    # the process really ran: its own clock reading came after the start request was sent
    assert (by["running"] > 0).all()
    # the daemon saw create → destroy inside the host's create-sent → remove-reply span
    assert (by["d_total"] <= by["total"] + start.DAEMON_SLACK_MS).all()
    # auto-remove has no separate remove phase and no marker
    auto = start_results.samples[start_results.samples["config"] == "auto_remove"]
    assert not auto["phase"].isin(["remove", "running"]).any()


def test_results_round_trip_through_json(start_results, tmp_path):
    path = start_results.save(tmp_path / "start.json")
    back = load(path)
    assert back.kind == "start" and len(back.samples) == len(start_results.samples)
    assert back.provenance["engine"]["server_version"]
    assert {"median", "p95", "min", "iqr", "ci_low", "ci_high", "outliers"} <= set(back.summary.columns)


def test_ladder_rungs_are_ordered_native_below_engine(engine):
    res = start.measure_ladder(2, rungs=["native", "sdk", "cli"], progress=False)
    med = res.summary.set_index("rung")["median"]
    assert (res.samples["ms"] > 0).all()
    if "native" in med and "sdk" in med:
        assert med["native"] < med["sdk"]


def test_concurrency_sweep_measures_each_container(engine):
    res = start.measure_concurrency([1, 2], progress=False)
    s = res.samples
    lat = s[s["metric"] == "latency_ms"]
    assert sorted(lat.groupby("level").size().to_dict().items()) == [(1, 1), (2, 2)]
    create = s[s["metric"] == "create_ms"].set_index(["level", "container"])["value"]
    st_ = s[s["metric"] == "start_ms"].set_index(["level", "container"])["value"]
    assert ((create + st_) - lat.set_index(["level", "container"])["value"]).abs().max() < 1e-9
    assert list(res.summary["level"]) == [1, 2]
    assert res.extra["sweep"]["reason"] == "complete" and res.extra["sweep"]["levels_skipped"] == []


def test_concurrency_sweep_leaves_out_levels_that_would_not_fit(engine):
    # a budget smaller than any level: the first level still runs, the others are left out and named
    res = start.measure_concurrency([1, 2, 4], progress=False, budget=0.001)
    sw = res.extra["sweep"]
    assert sw["reason"] == "budget" and sw["levels_done"] == [1] and sw["levels_skipped"] == [2, 4]
    assert sorted(set(res.samples["level"])) == [1]
    assert "2, 4" in start.describe_sweep(res)


# ---------------------------------------------------------------- engine: Ctrl-C in the CLI
def test_sigint_keeps_partial_json_and_leaves_no_container(engine, tmp_path):
    run_id = "t" + uuid.uuid4().hex[:11]
    out = tmp_path / "partial.json"
    env = {**os.environ, "VLAB_RUN_ID": run_id, "VLAB_MODE": "live"}
    env.pop("VLAB_QUICK", None)
    destroyed = threading.Event()
    count = {"n": 0}
    stream = engine.api.events(decode=True, filters={"type": ["container"], "event": ["destroy"],
                                                     "label": [f"vlab.run={run_id}"]})

    def watch():
        try:
            for _ in stream:
                count["n"] += 1
                if count["n"] >= 6:  # warm-up round (2 configs) + 2 timed rounds
                    destroyed.set()
        except Exception:  # noqa: BLE001 - stream closed
            pass

    threading.Thread(target=watch, daemon=True).start()
    proc = subprocess.Popen([sys.executable, "-m", "vlab", "bench", "start", "--trials", "200", "--configs",
                             "image", "--no-progress", "--json", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even under nohup
    try:
        assert destroyed.wait(120), proc.stderr.read1().decode() if proc.poll() is not None else "no progress"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        stream.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr.decode()
    data = json.loads(out.read_text())
    assert data["partial"] is True and data["samples"]
    assert {r["phase"] for r in data["samples"]} >= {"create", "start", "exit", "remove", "total"}
    left = engine.api.containers(all=True, filters={"label": [f"vlab.run={run_id}"]})
    assert left == []
    assert engine.api.images(filters={"label": [f"vlab.run={run_id}"]}) == []
