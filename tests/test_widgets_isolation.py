"""Namespace explorer and cgroup playground: callbacks driven without a browser."""

from __future__ import annotations

import pytest

from vlab.core import mode, replay, sandbox
from vlab.labs import cgroups
from vlab.widgets import cgroups as cgw
from vlab.widgets import namespaces as nsw


def test_namespace_explorer_switches_card():
    ex = nsw.explorer(replay.load("ns_views"))
    ex.picker.value = "pid"
    assert "DIFFERENT" in ex.card.value and "pid:[" in ex.card.value
    ex.picker.value = "user"
    assert "SAME" in ex.card.value
    ex.picker.value = "hostname"
    assert "UTS" in ex.card.value
    assert "replayed" in ex.summary.value and "pid" in ex.summary.value


def test_playground_passes_slider_values_and_shows_outcome():
    calls = []

    def runner(workload, **kw):
        calls.append((workload, kw))
        out = {"workload": workload, **kw, "exit_code": 137, "oom_killed": True, "fork_refused": False}
        return {**out, "verdict": cgroups.verdict(out)}

    pg = cgw.playground(runner)
    pg.workload.value = "fork processes"
    assert pg.size.description == "processes"
    pg.workload.value = "memory hog"
    pg.memory.value, pg.cpus.value, pg.pids.value, pg.size.value = 16, 0.5, 8, 40
    pg.button.click()
    assert calls == [("memory hog", {"memory_mb": 16, "cpus": 0.5, "pids": 8, "size": 40})]
    assert "137" in pg.result.value and "OOM-killed" in pg.result.value
    assert not pg.button.disabled and len(pg.history) == 1


def test_playground_shows_errors_not_tracebacks():
    pg = cgw.playground(cgroups.playground_run)
    pg.workload.value = "CPU loop"
    pg.size.value = 1
    pg.memory.value = 8
    pg.runner = lambda *a, **k: cgroups.playground_run("no such workload")
    pg.button.click()
    assert "fix:" in pg.result.value and not pg.button.disabled


@pytest.fixture
def replay_mode(monkeypatch):
    """Replay mode, and any container start fails the test."""
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("replay", "test"))
    monkeypatch.setattr(cgroups.sandbox, "run", lambda *a, **k: pytest.fail("a container was started in replay"))


def test_replay_outcomes_come_from_recordings(replay_mode):
    hog = cgroups.playground_run("memory hog", memory_mb=32, size=64)
    assert hog["oom_killed"] is True and hog["verdict"].startswith("Recorded run (replay mode)")
    assert cgroups.playground_run("memory hog", memory_mb=32, size=8)["oom_killed"] is False
    assert cgroups.playground_run("fork processes")["fork_refused"] is True
    cpu = cgroups.playground_run("CPU loop", cpus=0.5)
    assert cpu["elapsed_ms"] > 0 and cpu["cpus"] in set(replay.load("cg_cpu").samples["cpus"])


def test_the_playground_widget_replays_through_the_lab(replay_mode):
    pg = cgw.playground()
    pg.button.click()
    assert pg.history[-1]["oom_killed"] and "Recorded run" in pg.result.value


def test_a_live_playground_run_describes_its_one_container(monkeypatch):
    started = []

    def run(cmd, *, limits, purpose, timeout):
        started.append((limits.memory_bytes, limits.pids, purpose))
        return sandbox.RunResult(137, "", "", True, {}, "c1")

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    monkeypatch.setattr(cgroups, "enforced_here", lambda: True)
    monkeypatch.setattr(cgroups.sandbox, "run", run)
    out = cgroups.playground_run("memory hog", memory_mb=16, pids=8, size=48)
    assert started == [(16 * 2**20, 8, cgroups.PLAYGROUND_PURPOSE)]
    assert (out["exit_code"], out["oom_killed"], out["memory_mb"], out["size"]) == (137, True, 16, 48)
    assert "Recorded" not in out["verdict"] and "OOM-killed" in out["verdict"]


@pytest.mark.parametrize("stdout,engine_says,want", [("oom_kill=1\n", False, True), ("", False, None),
                                                     ("oom_kill=0\n", False, False)])
def test_a_live_hog_takes_the_kernels_oom_count_when_the_engine_is_silent(monkeypatch, stdout, engine_says, want):
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    monkeypatch.setattr(cgroups, "enforced_here", lambda: True)
    monkeypatch.setattr(cgroups.sandbox, "run",
                        lambda *a, **k: sandbox.RunResult(137, stdout, "", engine_says, {}, "c1"))
    out = cgroups.playground_run("memory hog", memory_mb=16, size=48)
    assert out["oom_killed"] is want
    if want is None:
        assert "does not say" in out["verdict"]
        pg = cgw.playground(lambda *a, **k: out)
        pg.button.click()
        assert "not reported by this engine" in pg.result.value


def test_playground_live_click(engine):
    pg = cgw.playground(cgroups.playground_run)
    pg.memory.value, pg.size.value = 16, 48
    pg.button.click()
    assert pg.history[-1]["oom_killed"] and pg.history[-1]["exit_code"] == 137
    pg.workload.value = "fork processes"
    pg.pids.value, pg.size.value = 6, 20
    pg.button.click()
    assert pg.history[-1]["fork_refused"] and "Fork refused" in pg.result.value
