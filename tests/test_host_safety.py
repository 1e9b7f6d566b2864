"""Host safety (DESIGN §6): fork bomb, memory hog and CPU hog run while a host heartbeat keeps answering.

The 5 s bound below is a safety property (the host never froze), not a speed target.
"""

from __future__ import annotations

import threading

import pytest

from vlab.core import sandbox
from vlab.core.errors import BadParameter
from vlab.core.hostprobe import HostProbe
from vlab.core.sandbox import Limits
from vlab.labs import cgroups

FORK_BOMB = "f(){ f | f & }; f; sleep 3"
CPU_HOG = "for w in 1 2 3 4; do ( while :; do :; done ) & done; sleep 3"
SAFETY_BOUND_MS = 5000


def _sandbox_defaults_kept(hc: dict) -> None:
    assert hc["CapDrop"] == ["ALL"]
    assert hc["Privileged"] is False
    assert hc["Memory"] > 0 and hc["PidsLimit"] > 0
    assert not any("docker.sock" in b for b in hc.get("Binds") or [])


def test_probe_rejects_bad_interval():
    with pytest.raises(BadParameter):
        HostProbe(interval=0)


def test_probe_beats_alone():
    done = threading.Event()
    with HostProbe(interval=0.01) as probe:
        done.wait(0.1)
    assert probe.report.beats >= 1
    assert all(x >= 0 for x in probe.report.latencies_ms)


def test_hogs_leave_host_responsive_and_nothing_behind(engine):
    configs = []
    with HostProbe(interval=0.05) as probe:
        # 1. fork bomb under a pids limit: the limit holds while it runs
        with sandbox.start(FORK_BOMB, limits=Limits(pids=32, memory="64m"), purpose="safety-forkbomb") as box:
            threading.Event().wait(1.5)
            stats = engine.api.stats(box.id, stream=False, one_shot=True)
            configs.append(box.inspect()["HostConfig"])
        pids = stats.get("pids_stats") or {}
        assert "current" in pids, f"the engine reported no pids count: {stats.get('pids_stats')!r}"
        assert 1 < pids["current"] <= 32  # the bomb forked, and the limit held
        # 2. memory hog over its limit
        oom = cgroups.memory_hog(limit="32m", allocate="96m")
        assert cgroups.oom_fact(oom) == (137, True)
        run = sandbox.run(["dd", "if=/dev/zero", "of=/dev/null", "bs=96M", "count=1"], limits=Limits(memory="32m"),
                          purpose="safety-memhog")
        assert run.exit_code == 137 and run.oom_killed
        configs.append(run.host_config)
        # 3. CPU hog: four spinning loops under a 1-CPU quota
        cpu = sandbox.run(CPU_HOG, limits=Limits(cpus=1.0, pids=16), purpose="safety-cpuhog", timeout=60)
        configs.append(cpu.host_config)
    assert probe.report.beats >= 3
    assert probe.report.max_gap_ms < SAFETY_BOUND_MS
    assert probe.report.max_latency_ms < SAFETY_BOUND_MS
    for hc in configs:
        _sandbox_defaults_kept(hc)
    assert sandbox.leftovers(this_run=True) == []
