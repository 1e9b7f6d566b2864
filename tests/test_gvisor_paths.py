"""gVisor paths of issue 14 that had no test: the start lab's runsc trials, a failed command as a failed trial,
``vlab bench start/overhead --runtime runsc`` against the real engine, the doctor's runtime section, replay
with a runtime the recording lacks, the spectrum's fallback to its recording, the daemon.json reload check."""

from __future__ import annotations

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
