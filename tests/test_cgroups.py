"""cgroups lab: v1/v2 parsing and validation (no daemon), then real limits, OOM, quota and pids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlab.core import replay
from vlab.core.errors import BadParameter
from vlab.labs import cgroups

V1 = "version=1\nmemory=67108864\ncpu=50000 100000\npids=32\n"
V1_UNLIMITED = "version=1\nmemory=9223372036854771712\ncpu=-1 100000\npids=max\n"
V2 = "version=2\nmemory=33554432\ncpu=25000 100000\npids=16\n"
V2_UNLIMITED = "version=2\nmemory=max\ncpu=max 100000\npids=max\n"


def test_parse_v1_and_v2():
    v1 = cgroups.parse_limits(V1)
    assert (v1["version"], v1["memory_bytes"], v1["cpus"], v1["pids"]) == ("1", 64 * 2**20, 0.5, 32)
    v2 = cgroups.parse_limits(V2)
    assert (v2["version"], v2["memory_bytes"], v2["cpus"], v2["pids"]) == ("2", 32 * 2**20, 0.25, 16)
    for text in (V1_UNLIMITED, V2_UNLIMITED):
        u = cgroups.parse_limits(text)
        assert u["memory_bytes"] is None and u["cpus"] is None and u["pids"] is None


@given(st.integers(1000, 10**7), st.integers(1000, 10**6))
def test_cpu_max_is_quota_over_period(quota, period):
    assert cgroups.parse_limits(f"version=2\ncpu={quota} {period}\n")["cpus"] == quota / period


def test_files_named_for_both_versions():
    assert cgroups.CGROUP_FILES["2"] == {"memory": "memory.max", "cpu": "cpu.max", "pids": "pids.max"}
    assert "memory.limit_in_bytes" in cgroups.CGROUP_FILES["1"]["memory"]


@pytest.mark.parametrize("call", [
    lambda: cgroups.memory_hog(limit="1k"),
    lambda: cgroups.memory_hog(allocate="2g"),
    lambda: cgroups.cpu_sweep(quotas=()),
    lambda: cgroups.cpu_sweep(quotas=(0,)),
    lambda: cgroups.cpu_sweep(workers=20),
    lambda: cgroups.fork_limit(pids=0),
    lambda: cgroups.fork_limit(attempts=10_000),
    lambda: cgroups.noisy_neighbour(hog_cpus=1.5),
    lambda: cgroups.playground_run("bitcoin miner"),
    lambda: cgroups.playground_run("CPU loop", size=0),
    lambda: cgroups.limits_in_files(pids=-3),
])
def test_bad_arguments_raise_before_any_container(call, monkeypatch):
    monkeypatch.setenv("VLAB_MODE", "live")
    from vlab.core import mode

    mode.current.cache_clear()
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    monkeypatch.setattr(cgroups.sandbox, "run", lambda *a, **k: pytest.fail("a container was started"))
    with pytest.raises(BadParameter):
        call()


def test_verdicts():
    assert "OOM-killed" in cgroups.verdict({"oom_killed": True, "exit_code": 137, "memory_mb": 32})
    assert "Fork refused" in cgroups.verdict({"fork_refused": True, "started": 9, "pids": 10})
    assert "Finished in" in cgroups.verdict({"elapsed_ms": 12.0, "cpus": 0.5})


def test_recordings_state_the_lessons():
    code, killed = cgroups.oom_fact(replay.load("cg_oom"))
    assert (code, killed) == (137, True)
    assert bool(replay.load("cg_pids").samples.iloc[0]["fork_refused"])
    assert all(replay.load("cg_limits").samples["matches"])
    noisy = replay.load("cg_noisy")
    assert set(noisy.summary["condition"]) == set(noisy.samples["condition"])


def test_limits_in_files_live(engine):
    res = cgroups.limits_in_files(memory="48m", cpus=0.75, pids=20)
    assert all(res.samples["matches"]), res.samples


def test_memory_hog_live(engine):
    res = cgroups.memory_hog(limit="32m", allocate="64m")
    assert cgroups.oom_fact(res) == (137, True)
    fits = res.samples[res.samples["case"] == "fits"].iloc[0]
    assert fits["exit_code"] == 0 and not fits["oom_killed"]
    assert all(res.samples["memory_in_hostconfig"] == 32 * 2**20)
    assert all(res.samples["host_probe_beats"] >= 1)


def test_fork_limit_live(engine):
    row = cgroups.fork_limit(pids=12, attempts=30).samples.iloc[0]
    assert row["fork_refused"] and row["started"] < 12 and row["exit_code"] != 0


def test_cpu_quota_orders_throughput(engine):
    res = cgroups.cpu_sweep(quotas=(0.25, 1.0), workers=1, iterations=100_000, repeats=1)
    med = res.summary.set_index("cpus")["median_throughput"]
    assert med[0.25] < med[1.0]
    assert set(res.samples["cpus"]) == {0.25, 1.0}


def test_noisy_neighbour_structure_live(engine):
    res = cgroups.noisy_neighbour(rounds=3, repeats=1, work=2000)
    assert len(res.summary) == 3 and (res.samples["ms"] > 0).all()
    assert set(cgroups.slowdowns(res)) == set(res.extra["conditions"])
    assert cgroups.slowdowns(res)["alone"] == 1.0


# ------------------------------------------------------------------ OOM witness (issue 15, gap B)
def test_oom_kill_count_from_either_cgroup_version():
    assert cgroups.oom_kill_count("oom_kill=1\n") == 1
    assert cgroups.oom_kill_count("some text\noom_kill=0\n") == 0
    assert cgroups.oom_kill_count("") is None
    assert cgroups.oom_kill_count("Killed\n") is None


@pytest.mark.parametrize("code, engine_says, count, want", [
    (137, True, 1, True),      # Docker: the engine and the kernel agree
    (137, False, 1, True),     # Podman: OOMKilled false, the kernel's counter says it
    (137, True, None, True),   # an old kernel without the counter: the engine's word
    (137, False, None, None),  # no witness at all: "not reported by this engine", never False
    (137, False, 0, False),    # killed by something else
    (0, False, 0, False),
    (0, False, None, False),
])
def test_oom_verdict_takes_any_witness(code, engine_says, count, want):
    assert cgroups.oom_verdict(code, engine_says, count) is want


def test_oom_fact_says_not_reported_instead_of_false():
    import pandas as pd

    from vlab.core.results import Results

    res = Results("cg_oom", pd.DataFrame([{"case": "exceeds", "exit_code": 137, "oom_killed": None}]))
    code, killed = cgroups.oom_fact(res)
    assert code == 137 and killed == "not reported by this engine"
    assert "not reported by this engine" in cgroups.compare_oom_prediction(137, res)


def test_memory_hog_counter_witness_live(engine):
    """The kernel's own counter sees the kill on every engine (Podman's OOMKilled stays false)."""
    res = cgroups.memory_hog(limit="32m", allocate="64m")
    rows = res.samples.set_index("case")
    assert rows.loc["exceeds", "oom_kill_count"] >= 1 and bool(rows.loc["exceeds", "oom_killed"])
    assert rows.loc["fits", "oom_kill_count"] == 0


# ------------------------------------------------------------------ an engine that drops limits (gap C)
class _NoCgroupsClient:
    """A stand-in engine like rootless Docker on cgroup v1: accepts limits, enforces none."""

    def info(self):
        return {"CgroupDriver": "none", "CgroupVersion": "1"}


@pytest.mark.parametrize("measure, kind", [
    (lambda: cgroups.limits_in_files(), "cg_limits"),
    (lambda: cgroups.memory_hog(), "cg_oom"),
    (lambda: cgroups.fork_limit(), "cg_pids"),
    (lambda: cgroups.cpu_sweep(repeats=1), "cg_cpu"),
    (lambda: cgroups.noisy_neighbour(repeats=1), "cg_noisy"),
])
def test_cgroup_driver_none_replays_with_the_reason(measure, kind, monkeypatch, capsys):
    from vlab.core import mode

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    monkeypatch.setattr(cgroups, "connect", lambda: _NoCgroupsClient())
    monkeypatch.setattr(cgroups.sandbox, "run", lambda *a, **k: pytest.fail("a container was started"))
    assert not cgroups.enforced_here()
    res = measure()
    assert res.replayed and res.kind == kind
    assert res.extra["replayed_because"] == cgroups.NOT_ENFORCED
    assert "cannot enforce cgroup limits" in capsys.readouterr().out
    assert not replay.load(kind).extra.get("replayed_because")  # the recording itself is untouched


def test_glass_box_stand_in_names_the_engine_reason(monkeypatch):
    from vlab.core import mode

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    words, note = cgroups.recorded_cgroup_files()
    assert "CgroupDriver: none" in note and len(words) == 3


def test_cgroup_driver_none_is_refused_while_recording(monkeypatch):
    from vlab.core import mode
    from vlab.core.errors import VlabError

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test"))
    monkeypatch.setattr(cgroups, "connect", lambda: _NoCgroupsClient())
    with replay.recording(), pytest.raises(VlabError, match="does not enforce"):
        cgroups.RECORDINGS["cg_oom"](True)
