"""cgroups (컨트롤 그룹), measured: limits you can read, hit and feel.

Each experiment runs in the sandbox and shows the limit in the container's own cgroup files,
on cgroup v1 (``memory.limit_in_bytes``, ``cpu.cfs_quota_us``, ``pids.max``) and cgroup v2
(``memory.max``, ``cpu.max``, ``pids.max``):

- ``limits_in_files``: the numbers Docker wrote, read back from inside;
- ``memory_hog``: allocate more than the limit → exit 137, ``OOMKilled`` true, host untouched;
- ``cpu_sweep``: the same work under 0.25, 0.5, 1 and 2 CPUs → throughput against quota;
- ``fork_limit``: a pids limit → "can't fork";
- ``noisy_neighbour``: a victim's latency alone, beside a hog, and beside a limited hog (S2.2).

The exercise checkers and prediction feedback of notebook 06 live in ``vlab.labs.cgroups_exercises`` and are
re-exported here.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable

import pandas as pd

from vlab.core import provenance, sandbox, settings
from vlab.core.engine import connect, enforces_limits
from vlab.core.errors import BadParameter, VlabError
from vlab.core.hostprobe import HostProbe
from vlab.core.i18n import N_, _
from vlab.core.interleave import Rounds, StopRule, rule_for
from vlab.core.replay import recording_active, replayable
from vlab.core.results import Results
from vlab.core.sandbox import Limits, check_cpus, check_pids, parse_memory
from vlab.core.stats import summarize
from vlab.core.validate import choice, whole_number
from vlab.labs.cgroups_exercises import (
    GLASS_BOX_SCRIPT,
    check_exit_signal,
    check_read_back,
    check_relative_throughput,
    compare_oom_prediction,
    compare_quota_prediction,
    oom_fact,
    recorded_cgroup_files,
)

__all__ = [
    "CGROUP_FILES", "DEFAULT_QUOTAS", "GLASS_BOX_SCRIPT", "HOG", "HOG_SCRIPT", "LIMIT_SCRIPT", "NOT_ENFORCED",
    "NOT_REPORTED", "NOW", "PLAYGROUND_PURPOSE", "RECORDINGS", "SWEEP_RULE", "UNLIMITED_V1", "WORKLOADS",
    "check_cpuset", "check_exit_signal",
    "check_hog_sizes", "check_quotas", "check_read_back", "check_relative_throughput", "compare_oom_prediction",
    "compare_quota_prediction", "cpu_sweep", "engine_cpus", "enforced_here", "fork_limit", "limits_in_files",
    "memory_hog", "noisy_neighbour", "oom_fact", "oom_kill_count", "oom_verdict", "parse_limits", "playground_run",
    "recorded_cgroup_files", "slowdowns", "verdict"
]

#: Where each limit lives, relative to /sys/fs/cgroup inside the container.
CGROUP_FILES = {
    "1": {"memory": "memory/memory.limit_in_bytes", "cpu": "cpu/cpu.cfs_quota_us + cpu/cpu.cfs_period_us",
          "pids": "pids/pids.max"},
    "2": {"memory": "memory.max", "cpu": "cpu.max", "pids": "pids.max"},
}
#: Stopping rule of the CPU sweep and the noisy neighbour (each): medians within ±5 %, or 10 s spent.
SWEEP_RULE = StopRule(precision=0.05, budget_s=10.0, min_trials=3, max_trials=20)
UNLIMITED_V1 = 2**62  # v1 writes a huge page-rounded number for "no limit"

LIMIT_SCRIPT = r"""
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  echo version=2
  echo memory=$(cat /sys/fs/cgroup/memory.max 2>/dev/null)
  echo cpu=$(cat /sys/fs/cgroup/cpu.max 2>/dev/null)
  echo pids=$(cat /sys/fs/cgroup/pids.max 2>/dev/null)
else
  echo version=1
  echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)
  echo cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null) \
    $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null)
  echo pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null)
fi
"""

# Wall clock with microseconds inside busybox (its `date` has no %N).
NOW = r"""now(){ adjtimex | awk '/tv_sec/{s=$2}/tv_usec/{u=$2}END{printf "%d%06d\n", s, u}'; }"""


# ------------------------------------------------------------------ an engine that cannot enforce them
#: Why a cgroup measurement is replayed on a live engine (``extra["replayed_because"]``, shown translated).
NOT_ENFORCED = N_("this engine cannot enforce cgroup limits (CgroupDriver: none, e.g. rootless Docker on cgroup "
                  "v1): it accepts memory, CPU and pids limits and silently drops them, so a live measurement "
                  "would show no limit at all. These are the REPLAYED recorded measurements of a machine that "
                  "enforces them. To see them live: rootful Docker, or rootless Docker on cgroup v2 with systemd.")


def enforced_here() -> bool:
    """True when the engine puts containers in cgroups (``engine.enforces_limits``); asks the engine."""
    return enforces_limits(connect())


def _live_only_where_enforced(kind: str) -> Callable:
    """Inside ``@replayable``: on a live engine that drops cgroup limits, the recording of ``kind`` instead,
    with ``extra["replayed_because"]`` and the reason printed (a live number would be meaningless)."""

    def wrap(fn: Callable[..., Results]) -> Callable[..., Results]:
        @functools.wraps(fn)
        def inner(*args, **kwargs) -> Results:
            if enforced_here():
                return fn(*args, **kwargs)
            if recording_active():
                raise VlabError(f"`vlab record` cannot record {kind!r} here: the engine does not enforce cgroup "
                                "limits (CgroupDriver: none).", "Record on an engine that enforces them.")
            from vlab.core import replay

            res = replay.load(kind)
            res.extra = {**res.extra, "replayed_because": NOT_ENFORCED}
            print(_(NOT_ENFORCED))
            return res

        return inner

    return wrap


# ------------------------------------------------------------------ reading the files
def parse_limits(text: str) -> dict:
    """Parse LIMIT_SCRIPT output (v1 or v2) → version, raw strings, memory bytes, cpus, pids (None = no limit)."""
    kv = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    version = kv.get("version", "?").strip()
    mem_raw, cpu_raw, pids_raw = (kv.get(k, "").strip() for k in ("memory", "cpu", "pids"))
    memory = int(mem_raw) if mem_raw.isdigit() and int(mem_raw) < UNLIMITED_V1 else None
    cpus = None
    parts = cpu_raw.split()
    if len(parts) == 2 and re.fullmatch(r"-?\d+", parts[0]) and parts[1].isdigit() and int(parts[0]) > 0:
        cpus = int(parts[0]) / int(parts[1])
    pids = int(pids_raw) if pids_raw.isdigit() else None
    return {"version": version, "memory_raw": mem_raw, "cpu_raw": cpu_raw, "pids_raw": pids_raw,
            "memory_bytes": memory, "cpus": cpus, "pids": pids}


def _limits_args(memory: str | int = "64m", cpus: float = 0.5, pids: int = 32) -> Limits:
    if cpus is None:
        raise BadParameter(_("cpus=None sets no CPU limit to read back"), _("Give a number of CPUs, e.g. cpus=0.5."))
    return Limits(memory=memory, cpus=cpus, pids=pids)


@replayable("cg_limits", check=_limits_args)
@_live_only_where_enforced("cg_limits")
def limits_in_files(memory: str | int = "64m", cpus: float = 0.5, pids: int = 32) -> Results:
    """Start a container with these limits and read them back from its own cgroup files."""
    limits = _limits_args(memory, cpus, pids)
    res = sandbox.run(LIMIT_SCRIPT, limits=limits, purpose="cgroups-limits")
    seen = parse_limits(res.stdout)
    files = CGROUP_FILES.get(seen["version"], CGROUP_FILES["1"])
    rows = [
        {"resource": "memory", "asked": f"{limits.memory_bytes} bytes", "file": files["memory"],
         "file_says": seen["memory_raw"], "matches": seen["memory_bytes"] == limits.memory_bytes},
        {"resource": "cpu", "asked": f"{limits.cpus} CPUs", "file": files["cpu"], "file_says": seen["cpu_raw"],
         "matches": seen["cpus"] is not None and abs(seen["cpus"] - float(limits.cpus or 0)) < 1e-6},
        {"resource": "pids", "asked": f"{limits.pids} processes", "file": files["pids"],
         "file_says": seen["pids_raw"], "matches": seen["pids"] == limits.pids},
    ]
    return Results("cg_limits", pd.DataFrame(rows), provenance=provenance.collect(
        {"memory": limits.memory_bytes, "cpus": limits.cpus, "pids": limits.pids}),
        extra={"cgroup_version": seen["version"]})


# ------------------------------------------------------------------ memory
def _host_mem_available() -> int:
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


#: The hog: dd allocates one buffer (``{size}`` bytes); then the shell (PID 1, which the OOM killer spares: dd
#: is the big one) prints the kernel's own count of OOM kills in this memory cgroup (v2 ``memory.events``,
#: v1 ``memory.oom_control``) and exits with dd's status (137 = killed by SIGKILL).
HOG_SCRIPT = r"""dd if=/dev/zero of=/dev/null bs={size} count=1; rc=$?
for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
  [ -r $f ] && awk '$1 == "oom_kill" {{print "oom_kill=" $2}}' $f && break
done
exit $rc
"""
#: ``oom_killed`` is None (shown as this) when exit 137 has no witness: neither the engine (``OOMKilled``, an
#: ``oom`` event) nor the kernel's counter says (Podman's ``OOMKilled`` stays false, an old kernel has no counter).
NOT_REPORTED = N_("not reported by this engine")


def oom_kill_count(stdout: str) -> int | None:
    """The kernel's ``oom_kill`` counter that HOG_SCRIPT printed (None when the cgroup files have none)."""
    found = re.search(r"^oom_kill=(\d+)\s*$", stdout or "", re.M)
    return int(found.group(1)) if found else None


def oom_verdict(exit_code: int, engine_says: bool, kernel_count: int | None) -> bool | None:
    """Was it OOM-killed? The engine's word or the kernel's counter; None when exit 137 has no witness.

    Docker reports ``OOMKilled``; Podman leaves it false (and sends no ``oom`` event) for a container the
    kernel did kill, so the memory cgroup's own counter is the witness that works on every engine.
    """
    if engine_says or (kernel_count or 0) > 0:
        return True
    if kernel_count is None and exit_code == 137:
        return None
    return False


def _hog_run(limit_bytes: int, allocate_bytes: int) -> dict:
    """One memory hog (HOG_SCRIPT): dd allocates one buffer of ``allocate_bytes``."""
    before = _host_mem_available()
    with HostProbe() as probe:
        res = sandbox.run(HOG_SCRIPT.format(size=allocate_bytes), limits=Limits(memory=limit_bytes, pids=16),
                          purpose="cgroups-memory-hog")
    count = oom_kill_count(res.stdout)
    return {"limit_mib": limit_bytes / 2**20, "allocate_mib": allocate_bytes / 2**20, "exit_code": res.exit_code,
            "oom_killed": oom_verdict(res.exit_code, res.oom_killed, count), "oom_kill_count": count,
            "engine_oom_killed": res.oom_killed, "host_mem_available_before": before,
            "host_mem_available_after": _host_mem_available(), "host_probe_beats": probe.report.beats,
            "host_probe_max_ms": round(probe.report.max_latency_ms, 3),
            "memory_in_hostconfig": int(res.host_config.get("Memory") or 0)}


def check_hog_sizes(limit: str | int, allocate: str | int) -> tuple[int, int]:
    """Validate a memory limit and an allocation size (both parsed like Docker sizes)."""
    lim, alloc = parse_memory(limit), parse_memory(allocate)
    if alloc > 1024**3:
        raise BadParameter(_("allocate={allocate!r} is above the course's 1 GiB hog cap").format(allocate=allocate),
                           _("Use at most '1g'."))
    return lim, alloc


def _hog_args(limit: str | int = "32m", allocate: str | int = "64m") -> tuple[int, int]:
    return check_hog_sizes(limit, allocate)


@replayable("cg_oom", check=_hog_args)
@_live_only_where_enforced("cg_oom")
def memory_hog(limit: str | int = "32m", allocate: str | int = "64m") -> Results:
    """Allocate ``allocate`` in a container limited to ``limit``; also a run that fits, as control."""
    lim, alloc = check_hog_sizes(limit, allocate)
    rows = [dict(case="fits", **_hog_run(lim, max(lim // 2, 6 * 2**20))), dict(case="exceeds", **_hog_run(lim, alloc))]
    return Results("cg_oom", pd.DataFrame(rows), provenance=provenance.collect({"limit": lim, "allocate": alloc}))



# ------------------------------------------------------------------ CPU
DEFAULT_QUOTAS = (0.25, 0.5, 1.0, 2.0)


def _cpu_script(workers: int, iterations: int) -> str:
    return (NOW + f"\nt0=$(now); for w in $(seq {workers}); do ( i=0; while [ $i -lt {iterations} ]; "
            "do i=$((i+1)); done ) & done; wait; t1=$(now); echo $((t1-t0))")


def engine_cpus() -> int:
    """CPUs the engine can hand out (falls back to this machine's count)."""
    from vlab.core.engine import describe
    from vlab.core.errors import EngineError

    try:
        return describe().cpus or (os.cpu_count() or 1)
    except EngineError:
        return os.cpu_count() or 1


def _loadavg() -> list[float]:
    """The machine's 1/5/15-minute load average: a busy machine flattens every CPU curve."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


_CPUSET = re.compile(r"\d+(-\d+)?(,\d+(-\d+)?)*")


def check_cpuset(cpuset: str) -> str:
    """A cpuset such as '0', '0-1' or '0,2' (the CPUs a container may run on)."""
    if not isinstance(cpuset, str) or not _CPUSET.fullmatch(cpuset):
        raise BadParameter(_("cpuset={cpuset!r} is not a CPU list").format(cpuset=cpuset),
                           _("Use CPU numbers such as '0', '0-1' or '0,2'."))
    return cpuset


def check_quotas(quotas) -> list[float]:
    """CPU quotas to sweep: a non-empty sequence of CPU counts (each 0.01–64)."""
    if isinstance(quotas, str | bytes) or not hasattr(quotas, "__iter__"):
        raise BadParameter(_("quotas={quotas!r} is not a list of CPU quotas").format(quotas=quotas),
                           _("For example quotas=(0.25, 0.5, 1, 2)."))
    qs = [check_cpus(q) for q in quotas]
    if not qs:
        raise BadParameter(_("quotas is empty"), _("Give at least one CPU quota, e.g. (0.25, 0.5, 1, 2)."))
    return qs


def _sweep_args(quotas=DEFAULT_QUOTAS, *, workers: int = 2, iterations: int | None = None,
                repeats: int | None = None, seed: int = 0, budget: float | None = None,
                precision: float | None = None, min_trials: int | None = None,
                max_trials: int | None = None) -> tuple:
    """cpu_sweep's arguments, checked and with defaults filled in (``repeats`` → a stopping rule)."""
    qs = check_quotas(quotas)
    workers = whole_number("workers", workers, 1, 8)
    if iterations is None:
        iterations = 100_000  # short runs: the stopping rule then gets more rounds within its budget
    iterations = whole_number("iterations", iterations, 1_000, 10_000_000)
    rule = _rule(repeats, budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)
    seed = whole_number("seed", seed, 0, 2**32 - 1)
    return qs, workers, iterations, rule, seed


def _rule(repeats: int | None, **opts) -> StopRule:
    """``repeats=N``: exactly N rounds; else ``SWEEP_RULE`` with ``opts`` (quick mode: exactly 1)."""
    if repeats is not None:
        repeats = whole_number("repeats", repeats, 1, 100)
    return rule_for(SWEEP_RULE, repeats, quick_trials=1, **opts)


@replayable("cg_cpu", check=_sweep_args)
@_live_only_where_enforced("cg_cpu")
def cpu_sweep(quotas=DEFAULT_QUOTAS, *, workers: int = 2, iterations: int | None = None,
              repeats: int | None = None, seed: int = 0, budget: float | None = None,
              precision: float | None = None, min_trials: int | None = None,
              max_trials: int | None = None) -> Results:
    """Run the same CPU work (``workers`` shell loops) under each quota, interleaved; throughput per quota.

    ``repeats=N`` runs exactly N rounds; otherwise ``SWEEP_RULE`` (or ``budget``, ``precision``,
    ``min_trials``, ``max_trials``) stops them, recorded in ``extra["stopping"]``.
    """
    qs, workers, iterations, rule, seed = _sweep_args(quotas, workers=workers, iterations=iterations,
                                                      repeats=repeats, seed=seed, budget=budget, precision=precision,
                                                      min_trials=min_trials, max_trials=max_trials)
    ncpu = engine_cpus()
    skipped = [q for q in qs if q > ncpu]
    qs = [q for q in qs if q <= ncpu]
    if not qs:
        raise BadParameter(_("every quota is above the engine's {ncpu} CPUs").format(ncpu=ncpu),
                           _("Use quotas up to {ncpu}.").format(ncpu=ncpu))
    load_before = _loadavg()
    rows, partial, error = [], False, None
    runs = Rounds(qs, rule, seed, progress=True, desc=N_("CPU sweep rounds"))
    try:
        for rep, _i, q in runs:
            res = sandbox.run(_cpu_script(workers, iterations), limits=Limits(cpus=q, pids=16 + workers),
                              purpose="cgroups-cpu-sweep", timeout=600)
            us = int(res.stdout.strip().splitlines()[-1])
            rows.append({"cpus": q, "repeat": rep, "elapsed_ms": us / 1e3,
                         "throughput": workers * iterations / (us / 1e6)})
            runs.add(q, rows[-1]["throughput"])
    except KeyboardInterrupt:
        partial = True
        runs.interrupted()
    except VlabError as exc:
        partial, error = True, exc
        runs.failed()
    samples = pd.DataFrame(rows)
    summary = _cpu_summary(samples, workers, ncpu)
    result = Results("cg_cpu", samples, summary, provenance.collect(
        {"quotas": qs, "workers": workers, "iterations": iterations,
         "repeats": rule.max_trials if rule.fixed else None, "stop_rule": rule.to_dict()},
        loadavg_before=load_before, loadavg_after=_loadavg()),
        extra={"skipped_quotas": skipped, "engine_cpus": ncpu, "workers": workers, "stopping": runs.report()},
        partial=partial)
    return _partial_on_error(result, error)


def _cpu_summary(samples: pd.DataFrame, workers: int, ncpu: int) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    med = samples.groupby("cpus")["throughput"].median()
    ref = med.get(1.0, med.iloc[0] / med.index[0])
    rows = []
    for q, t in med.items():
        rows.append({"cpus": q, "median_throughput": t, "relative_to_1_cpu": t / ref,
                     "ideal": min(q, workers, ncpu) / min(1.0, workers)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ pids
def _fork_script(attempts: int) -> str:
    return f"for i in $(seq {attempts}); do sleep 30 & echo $i; done; echo all-started"


def _fork_args(pids: int = 16, attempts: int = 40) -> tuple[int, int]:
    return check_pids(pids), whole_number("attempts", attempts, 1, 500)


@replayable("cg_pids", check=_fork_args)
@_live_only_where_enforced("cg_pids")
def fork_limit(pids: int = 16, attempts: int = 40) -> Results:
    """Try to start ``attempts`` background processes under a pids limit: the kernel refuses the fork."""
    pids, attempts = _fork_args(pids, attempts)
    with HostProbe() as probe:
        res = sandbox.run(_fork_script(attempts), limits=Limits(pids=pids, memory="64m"), purpose="cgroups-pids")
    lines = res.stdout.split()
    started = max((int(x) for x in lines if x.isdigit()), default=0)
    refused = "can't fork" in res.stderr or "Resource temporarily unavailable" in res.stderr
    row = {"pids_limit": pids, "attempts": attempts, "started": started, "fork_refused": refused,
           "exit_code": res.exit_code, "message": res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "",
           "pids_in_hostconfig": int(res.host_config.get("PidsLimit") or 0), **probe.report.as_dict()}
    return Results("cg_pids", pd.DataFrame([row]), provenance=provenance.collect({"pids": pids, "attempts": attempts}))


# ------------------------------------------------------------------ noisy neighbour
HOG = "for w in 1 2; do ( while :; do :; done ) & done; wait"


def _victim_script(rounds: int, work: int) -> str:
    return (NOW + f"\nfor r in $(seq {rounds}); do t0=$(now); i=0; while [ $i -lt {work} ]; do i=$((i+1)); done; "
            "t1=$(now); echo $((t1-t0)); done")


def _noisy_args(*, hog_cpus: float = 0.2, rounds: int | None = None, work: int = 8000,
                repeats: int | None = None, cpuset: str = "0", seed: int = 0, budget: float | None = None,
                precision: float | None = None, min_trials: int | None = None,
                max_trials: int | None = None) -> tuple:
    """noisy_neighbour's arguments, checked and with defaults filled in."""
    hog_cpus = check_cpus(hog_cpus)
    if hog_cpus >= 1:
        raise BadParameter(_("hog_cpus={hog_cpus} does not limit the hog on one CPU").format(hog_cpus=hog_cpus),
                           _("Use a value below 1, e.g. 0.2."))
    rounds = whole_number("rounds", settings.trials(20, 10) if rounds is None else rounds, 1, 1000)
    rule = _rule(repeats, budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)
    work = whole_number("work", work, 100, 1_000_000)
    cpuset = check_cpuset(cpuset)
    seed = whole_number("seed", seed, 0, 2**32 - 1)
    return hog_cpus, rounds, work, rule, cpuset, seed


@replayable("cg_noisy", check=_noisy_args)
@_live_only_where_enforced("cg_noisy")
def noisy_neighbour(*, hog_cpus: float = 0.2, rounds: int | None = None, work: int = 8000,
                    repeats: int | None = None, cpuset: str = "0", seed: int = 0, budget: float | None = None,
                    precision: float | None = None, min_trials: int | None = None,
                    max_trials: int | None = None) -> Results:
    """A victim's per-request latency: alone, beside an unconstrained hog, beside a hog limited to ``hog_cpus``.

    Victim and hog are pinned to the same CPU (``cpuset``) so they really compete. ``repeats=N``
    runs exactly N rounds of the three conditions; otherwise ``SWEEP_RULE`` (or the given options)
    stops them when each condition's median of per-run medians is known (``extra["stopping"]``).
    """
    hog_cpus, rounds, work, rule, cpuset, seed = _noisy_args(
        hog_cpus=hog_cpus, rounds=rounds, work=work, repeats=repeats, cpuset=cpuset, seed=seed, budget=budget,
        precision=precision, min_trials=min_trials, max_trials=max_trials)
    conditions = {"alone": None, "hog unconstrained": None, f"hog limited to {hog_cpus} CPU": hog_cpus}
    load_before = _loadavg()
    rows, partial, error = [], False, None
    runs = Rounds(list(conditions), rule, seed, progress=True, desc=N_("noisy neighbour rounds"))
    try:
        for rep, _i, cond in runs:
            got = _victim_under(cond, conditions[cond], rounds, work, cpuset)
            rows += [dict(condition=cond, repeat=rep, round=i, ms=ms) for i, ms in enumerate(got)]
            if got:  # one value per run: requests within a run are not independent
                runs.add(cond, float(pd.Series(got).median()))
    except KeyboardInterrupt:
        partial = True
        runs.interrupted()
    except VlabError as exc:
        partial, error = True, exc
        runs.failed()
    samples = pd.DataFrame(rows)
    summary = _noisy_summary(samples)
    result = Results("cg_noisy", samples, summary, provenance.collect(
        {"hog_cpus": hog_cpus, "rounds": rounds, "work": work, "repeats": rule.max_trials if rule.fixed else None,
         "stop_rule": rule.to_dict(), "cpuset": cpuset},
        loadavg_before=load_before, loadavg_after=_loadavg()),
        extra={"conditions": list(conditions), "stopping": runs.report()}, partial=partial)
    return _partial_on_error(result, error)


def _partial_on_error(result: Results, error: VlabError | None) -> Results:
    """Return ``result``, or raise ``error`` carrying it: measured rows are never thrown away."""
    if error is None:
        return result
    error.partial = result
    raise error


def _victim_under(cond: str, hog_cpus: float | None, rounds: int, work: int, cpuset: str) -> list[float]:
    victim = Limits(cpus=None, cpuset=cpuset, pids=16)

    def run_victim() -> list[float]:
        res = sandbox.run(_victim_script(rounds, work), limits=victim, purpose="cgroups-noisy-victim", timeout=600)
        return [int(x) / 1e3 for x in res.stdout.split() if x.lstrip("-").isdigit()]

    if cond == "alone":
        return run_victim()
    hog = Limits(cpus=hog_cpus, cpuset=cpuset, pids=16)
    with sandbox.start(HOG, limits=hog, purpose="cgroups-noisy-hog"):
        return run_victim()


def _noisy_summary(samples: pd.DataFrame) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    rows = []
    alone = samples.loc[samples["condition"] == "alone", "ms"].median() if "alone" in set(samples["condition"]) \
        else float("nan")
    for cond, grp in samples.groupby("condition", sort=False):
        s = summarize(grp["ms"])
        rows.append({"condition": cond, "n": s["n"], "median_ms": s["median"], "p95_ms": s["p95"],
                     "slowdown_vs_alone": s["median"] / alone if alone == alone else float("nan")})
    return pd.DataFrame(rows)


def slowdowns(res: Results) -> dict[str, float]:
    """``{condition: median latency / median latency alone}``."""
    return dict(zip(res.summary["condition"], res.summary["slowdown_vs_alone"], strict=True))


# ------------------------------------------------------------------ playground (widget back end)
WORKLOADS = ("memory hog", "CPU loop", "fork processes")


PLAYGROUND_PURPOSE = "cgroups-playground"


def _playground_args(*, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32, size: int = 100) -> Limits:
    """The playground's sliders, checked (``size`` too): the limits of its container."""
    whole_number("size", size, 1, 1000)
    memory_mb = whole_number("memory_mb", memory_mb, 6, 4096)
    if cpus is None:
        raise BadParameter(_("cpus=None: the playground always sets a CPU limit"),
                           _("Give a number of CPUs, e.g. 0.5."))
    return Limits(memory=f"{memory_mb}m", cpus=cpus, pids=pids)


@replayable("cg_oom", check=_playground_args)
@_live_only_where_enforced("cg_oom")
def _playground_hog(*, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32, size: int = 100) -> Results:
    """One memory hog (HOG_SCRIPT): dd allocates ``size`` MiB under ``memory_mb``; a row shaped like ``memory_hog``'s.

    OOM-killed is the engine's word or the kernel's own ``oom_kill`` counter (the engine's flag can be missing).
    """
    limits = _playground_args(memory_mb=memory_mb, cpus=cpus, pids=pids, size=size)
    res = sandbox.run(HOG_SCRIPT.format(size=size * 2**20), limits=limits, purpose=PLAYGROUND_PURPOSE, timeout=600)
    count = oom_kill_count(res.stdout)
    row = {"case": "exceeds" if size > memory_mb else "fits", "limit_mib": memory_mb, "allocate_mib": size,
           "exit_code": res.exit_code, "oom_killed": oom_verdict(res.exit_code, res.oom_killed, count),
           "oom_kill_count": count}
    return Results("cg_oom", pd.DataFrame([row]))


@replayable("cg_cpu", check=_playground_args)
@_live_only_where_enforced("cg_cpu")
def _playground_cpu(*, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32, size: int = 100) -> Results:
    """One CPU loop of ``size`` thousand iterations under ``cpus``; a row shaped like ``cpu_sweep``'s."""
    limits = _playground_args(memory_mb=memory_mb, cpus=cpus, pids=pids, size=size)
    res = sandbox.run(_cpu_script(1, size * 1000), limits=limits, purpose=PLAYGROUND_PURPOSE, timeout=600)
    elapsed = int(res.stdout.split()[-1]) / 1e3 if res.stdout.strip() else None
    return Results("cg_cpu", pd.DataFrame([{"cpus": float(cpus), "elapsed_ms": elapsed, "exit_code": res.exit_code}]))


@replayable("cg_pids", check=_playground_args)
@_live_only_where_enforced("cg_pids")
def _playground_fork(*, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32, size: int = 100) -> Results:
    """Start ``size`` processes under ``pids``; a row shaped like ``fork_limit``'s."""
    limits = _playground_args(memory_mb=memory_mb, cpus=cpus, pids=pids, size=size)
    res = sandbox.run(_fork_script(size), limits=limits, purpose=PLAYGROUND_PURPOSE, timeout=600)
    started = max((int(x) for x in res.stdout.split() if x.isdigit()), default=0)
    row = {"pids_limit": pids, "attempts": size, "started": started, "fork_refused": "can't fork" in res.stderr,
           "exit_code": res.exit_code}
    return Results("cg_pids", pd.DataFrame([row]))


_PLAYGROUND_RUNS = {"memory hog": _playground_hog, "CPU loop": _playground_cpu, "fork processes": _playground_fork}


def _outcome(workload: str, results: Results, *, memory_mb: int, cpus: float, pids: int, size: int) -> dict:
    """The playground's outcome from a run: its one row live, the row closest to the sliders in a recording."""
    out = {"workload": workload, "memory_mb": memory_mb, "cpus": cpus, "pids": pids, "size": size,
           "exit_code": 0, "oom_killed": False, "fork_refused": False, "elapsed_ms": None, "started": None}
    df = results.samples
    if workload == "memory hog":
        r = df[df["case"] == ("exceeds" if size > memory_mb else "fits")].iloc[0]
        oom = r["oom_killed"]
        out.update(memory_mb=int(r["limit_mib"]), size=int(r["allocate_mib"]), exit_code=int(r["exit_code"]),
                   oom_killed=None if oom is None or pd.isna(oom) else bool(oom))
    elif workload == "fork processes":
        r = df.iloc[0]
        out.update(pids=int(r["pids_limit"]), size=int(r["attempts"]), exit_code=int(r["exit_code"]),
                   fork_refused=bool(r["fork_refused"]), started=int(r["started"]))
    else:
        r = df.iloc[(df["cpus"] - cpus).abs().argmin()]
        out.update(cpus=float(r["cpus"]), elapsed_ms=None if pd.isna(r["elapsed_ms"]) else float(r["elapsed_ms"]),
                   exit_code=int(r.get("exit_code", 0)))
    out["verdict"] = verdict(out)
    if results.replayed:
        because = results.extra.get("replayed_because")
        out["verdict"] = (_("Recorded run ({reason}): {verdict}").format(reason=_(because), verdict=out["verdict"])
                          if because else _("Recorded run (replay mode): {verdict}").format(verdict=out["verdict"]))
    return out


def playground_run(workload: str, *, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32,
                   size: int = 100) -> dict:
    """Run one limited workload and describe the outcome (the cgroup playground widget's back end).

    ``size`` means MiB to allocate (memory hog), thousands of loop iterations (CPU loop) or
    processes to start (fork processes). Each workload is a replayable measurement: in replay mode
    (or on an engine that cannot enforce cgroup limits) the outcome is the recorded lab run
    (``cg_oom``, ``cg_cpu``, ``cg_pids``) closest to the sliders, and its verdict says so.
    """
    choice("workload", workload, WORKLOADS, _("Use one of: {names}.").format(names=", ".join(WORKLOADS)))
    sliders = {"memory_mb": memory_mb, "cpus": cpus, "pids": pids, "size": size}
    return _outcome(workload, _PLAYGROUND_RUNS[workload](**sliders), **sliders)


def verdict(out: dict) -> str:
    """A one-sentence explanation of a playground outcome."""
    if out.get("oom_killed"):
        return _("OOM-killed (exit {code}): the memory cgroup stopped the hog at {mib} MiB; "
                 "the host was never short of memory.").format(code=out["exit_code"], mib=out["memory_mb"])
    if out.get("oom_killed") is None and out.get("exit_code") == 137:
        return _("Killed (exit 137) under a {mib} MiB memory limit: this engine does not say whether the OOM killer "
                 "did it.").format(mib=out["memory_mb"])
    if out.get("fork_refused"):
        return _("Fork refused after {started} processes: the pids cgroup allows {pids} "
                 "tasks in this container.").format(started=out.get("started"), pids=out["pids"])
    if out.get("elapsed_ms") is not None:
        return _("Finished in {ms:.0f} ms with {cpus} CPU: the CPU quota sets how much "
                 "CPU time it gets per 100 ms period.").format(ms=out["elapsed_ms"], cpus=out["cpus"])
    return _("Finished normally (exit {code}): the workload fit inside its limits.").format(code=out["exit_code"])


RECORDINGS = {
    "cg_limits": lambda quick: limits_in_files.__wrapped__(),
    "cg_oom": lambda quick: memory_hog.__wrapped__(),
    "cg_cpu": lambda quick: cpu_sweep.__wrapped__(repeats=1 if quick else 3,
                                                   iterations=200_000 if quick else 500_000),
    "cg_pids": lambda quick: fork_limit.__wrapped__(),
    "cg_noisy": lambda quick: noisy_neighbour.__wrapped__(repeats=1 if quick else 3, rounds=15 if quick else 40),
}
