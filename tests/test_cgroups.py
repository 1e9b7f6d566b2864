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
