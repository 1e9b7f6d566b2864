"""gVisor paths of issue 14 that had no test: the start lab's runsc trials, a failed command as a failed trial,
``vlab bench start/overhead --runtime runsc`` against the real engine, the doctor's runtime section, replay
with a runtime the recording lacks, the spectrum's fallback to its recording, the daemon.json reload check."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vlab.core.errors import EngineError
from vlab.labs.start_time import phases


def _gvisor_or_skip() -> None:
    from vlab.core import runtimes

    if "runsc" not in runtimes.working():
        pytest.skip("gVisor (runsc) does not run here (./course.sh prepare registers it on Debian as root)")


def _no_leftovers() -> None:
    from vlab.core.sandbox import leftovers

    assert not leftovers(this_run=True)


# ---------------------------------------------------------------- 1. the start lab under gVisor
def test_marker_command_uses_the_file_clock_under_other_runtimes():
    from vlab.labs import overhead

    assert phases.marker_command(None)[0] == phases.MARKER_CMD
    assert phases.marker_command("runc")[0] == phases.MARKER_CMD
    cmd, read = phases.marker_command("runsc")
    assert cmd[:2] == ("/bin/sh", "-c") and "adjtimex" not in cmd[2] and "/dev/shm/vlab-t0" in cmd[2]
    assert read("1796176921 2026-12-02 02:02:01.758080921 +0000\n") == 1796176921_758080921
    assert read("adjtimex: (null): Operation not permitted") is None
    assert overhead.file_clock_ns("1 1970-01-01 00:00:01.5 +0000") == 1_500_000_000


def test_start_with_runsc_gives_exit_code_0_and_every_phase(engine):
    _gvisor_or_skip()
    res = phases.measure_start(2, variants=["runtime:runsc"], progress=False)
    s = res.samples
    assert set(s.config) == {"baseline", "runtime:runsc"}
    assert (s["exit_code"] == 0).all(), s.groupby(["config", "exit_code"]).size()
    for config, group in s.groupby("config"):
        timed = group[~group["warmup"]]
        assert set(timed.phase) >= {"create", "start", "exit", "remove", "total", "running",
                                    "d_create_start", "d_total"}, config
        assert (timed[timed.phase == "running"]["ms"] > 0).all()
    assert res.extra["failures"] == [] and res.extra["skipped"] == {}
    assert "adjtimex" not in " ".join(res.provenance["config"]["commands"]["runtime:runsc"])
    _no_leftovers()


def test_a_non_zero_exit_is_a_failed_trial_counted_and_reported(engine, monkeypatch):
    """A configuration whose command fails is skipped at warm-up with the reason; a baseline that keeps
    failing stops the run after MAX_FAILURES with the failures in the partial results, never timed."""
    from vlab.labs.start_time.cli import failure_lines

    real = phases.marker_command
    monkeypatch.setattr(phases, "marker_command",
                        lambda rt: (("/bin/sh", "-c", "exit 3"), real(rt)[1]) if rt else real(rt))
    res = phases.measure_start(1, variants=["runtime:runc"], progress=False)
    assert "exited with 3" in res.extra["skipped"]["runtime:runc"]
    assert set(res.samples.config) == {"baseline"} and (res.samples.exit_code == 0).all()
    assert any("skipped runtime:runc" in line for line in failure_lines(res))

    monkeypatch.setattr(phases, "marker_command", lambda rt: (("/bin/sh", "-c", "exit 3"), real(rt)[1]))
    with pytest.raises(EngineError) as err:
        phases.measure_start(3, variants=[], progress=False)
    part = err.value.partial
    assert "exited with 3" in err.value.message
    assert len(part.extra["failures"]) == phases.MAX_FAILURES + 1 and part.samples.empty
    assert any("failed trials" in line and "baseline 4" in line for line in failure_lines(part))
    _no_leftovers()


# ---------------------------------------------------------------- the command line against the real engine
def _vlab(*args: str, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    from vlab.core import settings

    full_env = {**os.environ, "VLAB_MODE": "", "VLAB_RUN_ID": settings.run_id(), **(env or {})}
    return subprocess.run([sys.executable, "-m", "vlab", *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env)


def test_bench_start_runsc_cli_works_and_leaves_no_container(engine, tmp_path):
    from vlab.core import results

    _gvisor_or_skip()
    out = _vlab("bench", "start", "--runtime", "runsc", "--trials", "2", "--no-progress",
                "--json", str(tmp_path / "s.json"))
    assert out.returncode == 0, out.stderr
    res = results.load(tmp_path / "s.json")
    assert set(res.samples.config) == {"baseline", "runtime:runsc"} and (res.samples.exit_code == 0).all()
    assert "runtime:runsc" in out.stdout and "failed trials" not in out.stdout
    assert res.provenance["config"]["runtimes"]["runsc"]["platform"] in ("ptrace", "systrap", "kvm")
    _no_leftovers()


def test_bench_overhead_runsc_cli_works_and_leaves_no_container(engine, tmp_path):
    from vlab.core import results

    _gvisor_or_skip()
    out = _vlab("bench", "overhead", "--runtime", "runsc", "--trials", "1", "--quick", "--only", "cpu", "syscall",
                "--json", str(tmp_path / "o.json"))
    assert out.returncode == 0, out.stderr
    res = results.load(tmp_path / "o.json")
    cells = set(zip(res.samples.metric, res.samples.config, strict=True))
    assert {("cpu", "container:runsc"), ("syscall", "container:runsc"), ("syscall", "container")} <= cells
    assert "container:runsc" in out.stdout and "NOTE" not in out.stdout
    _no_leftovers()


# ---------------------------------------------------------------- replay asked for a runtime it lacks
def _recorded_configs(kind: str) -> set[str]:
    from vlab.core import replay

    if kind not in replay.available():
        pytest.skip(f"no {kind} recording shipped")
    return set(replay.load(kind).samples["config"])


@pytest.mark.parametrize("bench, kind", [("start", "start"), ("overhead", "overhead")])
def test_replay_says_when_the_recording_lacks_the_asked_runtime(bench, kind):
    configs = _recorded_configs(kind)
    out = _vlab("bench", bench, "--runtime", "runsc", "--runtime", "runc-like-nothing", "--trials", "3",
                env={"VLAB_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert out.returncode == 0, out.stderr
    assert "REPLAYED recording" in out.stdout or "replayed recording" in out.stdout
    assert "has no measurements under" in out.stdout and "runc-like-nothing" in out.stdout and "go live" in out.stdout
    assert ("runsc, " in out.stdout) == (not any(c.endswith(":runsc") for c in configs))


def test_missing_runtimes_reads_the_configurations():
    import pandas as pd

    from vlab.core.results import Results
    from vlab.core.runtimes import not_in_recording
    from vlab.labs.overhead.cli import missing_runtimes as overhead_missing
    from vlab.labs.start_time.cli import missing_runtimes as start_missing

    start = Results("start", pd.DataFrame({"config": ["baseline", "runtime:runsc"]}), pd.DataFrame(), {})
    assert start_missing(start, ["runsc", "crun"]) == ["crun"]
    over = Results("overhead", pd.DataFrame({"config": ["native", "container", "overlay:runsc"]}), pd.DataFrame(), {})
    assert overhead_missing(over, ["runsc", "crun"]) == ["crun"]
    assert not_in_recording([]) == "" and "crun" in not_in_recording(["crun"])


# ---------------------------------------------------------------- the recorders capture gVisor when it works
@pytest.mark.parametrize("works", [True, False])
def test_recorders_of_start_and_overhead_include_gvisor_when_it_works(monkeypatch, works):
    from vlab.core import runtimes
    from vlab.labs import registry
    from vlab.labs.overhead import cli as ocli
    from vlab.labs.start_time import cli as scli

    seen = {}
    monkeypatch.setattr(runtimes, "working", lambda client=None: ["runc", "runsc"] if works else ["runc"])
    monkeypatch.setattr(scli, "measure_start", lambda trials, **kw: seen.setdefault("start", kw))
    monkeypatch.setattr(ocli, "run_live", lambda s, **kw: seen.setdefault("overhead", s))
    rec = dict(registry.recorders(["start", "overhead"]))
    rec["start"](True)
    rec["overhead"](True)
    assert "runtime" in seen["start"]["variants"]
    assert ("runtime:runsc" in seen["start"]["variants"]) == works
    assert seen["overhead"].runtimes == (("runsc",) if works else ())


# ---------------------------------------------------------------- the doctor's runtime section
def test_doctor_json_lists_the_working_runtimes(engine):
    from vlab.core import runtimes

    out = _vlab("doctor", "--json", "--no-kvm", "--no-build", timeout=300)
    data = json.loads(out.stdout)
    working = data["runtimes"]["working"]
    assert "runc" in working
    assert sorted(working) == sorted(runtimes.working())
    for p in data["runtimes"]["probes"]:
        assert p["ok"] == (p["name"] in working) and p["detail"]
        assert (p["platform"] is not None) == p["path"].endswith("runsc")
    checks = {c["name"]: c for c in data["checks"]}
    assert all(checks[f"runtime {name}"]["ok"] for name in working)
    assert ("gVisor (runsc)" in checks) == ("runsc" not in {p["name"] for p in data["runtimes"]["probes"]})


def test_doctor_gives_the_gvisor_install_hint_when_runsc_is_missing(monkeypatch):
    """Stand-ins: an engine listing only runc; a Debian host (apt-get) and another Linux."""
    from vlab import doctor
    from vlab.core import daemon_config, runtimes

    monkeypatch.setattr(runtimes, "probe_all", lambda *a, **k: [runtimes.RuntimeProbe(
        "runc", True, "a container ran and saw kernel 6.1.0", kernel="6.1.0", path="runc")])
    for which, words in (("/usr/bin/apt-get", "apt-get install runsc"), (None, "runsc install")):
        monkeypatch.setattr(daemon_config.shutil, "which", lambda name, w=which: w)
        report = doctor.Report()
        checks = {c.name: c for c in doctor.check_runtimes(report)}
        gv = checks["gVisor (runsc)"]
        assert not gv.ok and not gv.required and words in gv.fix and gv.fix == daemon_config.install_hint()
        assert report.runtimes["working"] == ["runc"]


# ---------------------------------------------------------------- the spectrum falls back to its recording
def test_spectrum_falls_back_to_the_recording_when_runsc_is_missing(engine, monkeypatch):
    from vlab.core import replay, runtimes
    from vlab.core.daemon_config import install_hint
    from vlab.labs import spectrum

    if "spectrum" not in replay.available():
        pytest.skip("no spectrum recording shipped")
    real = runtimes.listed
    monkeypatch.setattr(runtimes, "listed", lambda client=None: {k: v for k, v in real(client).items()
                                                                 if k != "runsc"})  # an engine without gVisor
    res, note = spectrum.measure_or_recording(1, vm=False, progress=False)
    assert res.replayed and "gvisor" in set(res.samples.place)
    assert "gVisor does not run here" in note and "REPLAYED" in note and install_hint() in note
    _no_leftovers()
