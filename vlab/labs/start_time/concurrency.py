"""k containers started at once, k = 1, 2, 4 … 64 (kind "concurrency")."""


from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from vlab.core import sandbox, settings
from vlab.core.engine import connect, guarded
from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.core.lifecycle import progress_bar, sweep
from vlab.core.provenance import collect
from vlab.core.replay import replayable
from vlab.core.results import Results
from vlab.core.validate import number, whole_number
from vlab.labs.start_time.phases import check_trials

__all__ = [
    "CONC_BUDGET_S", "CONC_LIMITS", "CONC_PURPOSE", "MAX_LEVEL", "cgroup_memory_bytes", "check_levels",
    "concurrency_summary", "default_levels", "describe_sweep", "measure_concurrency", "mem_available_bytes",
    "shim_memory_bytes"
]

CONC_PURPOSE = "start-concurrency"
MAX_LEVEL = 64
CONC_LIMITS = dict(memory="16m", pids=8, cpus=None)
#: Default time budget of the sweep (s): a level that would not fit (estimated from the last level, scaled by k)
#: is not started; the levels left out are recorded and shown.
CONC_BUDGET_S = 6.0


def check_levels(levels: Sequence[int]) -> list[int]:
    """Concurrency levels: a non-empty list of whole numbers from 1 to MAX_LEVEL (sorted, duplicates dropped)."""
    if not isinstance(levels, list | tuple | set | frozenset | range):
        raise BadParameter(_("levels={levels!r} is not a list of concurrency levels").format(levels=levels),
                           _("For example levels=(1, 2, 4, 8)."))
    out = []
    for k in levels:
        out.append(whole_number("level", k, 1, MAX_LEVEL, "For example levels=(1, 2, 4, 8)."))
    if not out:
        raise BadParameter(_("levels is empty"), _("Give at least one level, e.g. levels=(1, 2, 4)."))
    return sorted(set(out))


def default_levels(quick: bool) -> list[int]:
    """1, 2, 4 … 64 in full mode; 1, 2, 4 in quick mode."""
    return [1, 2, 4] if quick else [2**i for i in range(7)]


# ---------------------------------------------------------------- 3. concurrency sweep
def cgroup_memory_bytes(container_id: str) -> int | None:
    """Memory charged to a container's cgroup, read from the host's /sys/fs/cgroup (v1 or v2)."""
    for path in (f"/sys/fs/cgroup/memory/docker/{container_id}/memory.usage_in_bytes",
                 f"/sys/fs/cgroup/memory/system.slice/docker-{container_id}.scope/memory.usage_in_bytes",
                 f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope/memory.current",
                 f"/sys/fs/cgroup/docker/{container_id}/memory.current"):
        with contextlib.suppress(OSError, ValueError):
            return int(Path(path).read_text().strip())
    return None


def shim_memory_bytes(container_ids: Sequence[str]) -> dict[str, int]:
    """Proportional set size (PSS) of each container's containerd shim process, from /proc."""
    wanted = set(container_ids)
    out: dict[str, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if not argv or b"containerd-shim" not in argv[0]:
            continue
        ids = [a.decode() for a in argv if a.decode(errors="ignore") in wanted]
        if not ids:
            continue
        kib = _pss_kib(proc)
        if kib is not None:
            out[ids[0]] = kib * 1024
    return out


def _pss_kib(proc: Path) -> int | None:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        with contextlib.suppress(OSError):
            for line in (proc / name).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
    return None


def mem_available_bytes() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return None


def _start_one(client, kw: dict) -> tuple[str, float, float]:
    perf = time.perf_counter_ns
    with guarded(N_("starting containers concurrently")):
        t0 = perf()
        cid = client.api.create_container(**kw)["Id"]
        t1 = perf()
        sandbox.track(cid, cid[:12])
        client.api.start(cid)
        t2 = perf()
    return cid, (t1 - t0) / 1e6, (t2 - t1) / 1e6


def _concurrency_args(levels: Sequence[int] | None = None, *, rounds: int = 1,
                      progress: bool = True, budget: float | None = CONC_BUDGET_S) -> tuple[list[int], int]:
    """measure_concurrency's arguments, checked: (levels, rounds)."""
    levels = check_levels(levels if levels is not None else default_levels(settings.quick()))
    if budget is not None:
        number("budget", budget, 0, 86_400, _("For example budget=10 (seconds), or None for the whole sweep."),
               lo_open=True)
    return levels, check_trials(rounds)


@replayable("concurrency", check=_concurrency_args)
def measure_concurrency(levels: Sequence[int] | None = None, *, rounds: int = 1, progress: bool = True,
                        budget: float | None = CONC_BUDGET_S) -> Results:
    """Start k idle containers at once for each k; report containers/s, latency and memory per container.

    Levels run from the smallest up, and a level is started only when it fits in ``budget`` seconds
    (its time estimated from the last level's, scaled by k); the first level always runs. The levels
    left out are in ``extra["sweep"]`` (``levels_skipped``, ``reason``: "complete", "budget" or
    "interrupt"). ``budget=None`` runs every level.

    Samples are tidy rows ``(level, round, container, metric, value, unit)``: per container
    ``create_ms``, ``start_ms``, ``latency_ms`` (create sent → start reply), ``cgroup_kib`` and
    ``shim_kib`` (read from the host); per batch ``batch_ms`` (first request → last reply),
    ``host_delta_kib`` (MemAvailable drop ÷ k: noisy on a shared machine) and ``remove_ms``.
    """
    levels, rounds = _concurrency_args(levels, rounds=rounds, progress=progress, budget=budget)
    import docker

    with guarded(N_("connecting for the concurrency sweep")):
        base_client = connect()
        client = docker.from_env(version="auto", timeout=120, max_pool_size=max(levels) + 4)
    limits = sandbox.Limits(**CONC_LIMITS)
    kw = sandbox.create_kwargs(base_client, ["sleep", "600"], limits=limits, purpose=CONC_PURPOSE)
    rows: list[dict] = []
    partial = False
    t0 = time.monotonic()
    last: tuple[int, float] | None = None  # (k, seconds) of the last level run
    done: list[tuple[int, int]] = []
    reason = "complete"
    try:
        with progress_bar(rounds * len(levels), "concurrency", progress) as bar, \
                ThreadPoolExecutor(max_workers=max(levels), thread_name_prefix="vlab-start") as pool:
            for rnd in range(rounds):
                for k in levels:
                    if budget is not None and last is not None \
                            and time.monotonic() - t0 + last[1] * k / last[0] > budget:
                        reason = "budget"
                        break
                    started = time.monotonic()
                    rows.extend(_one_level(client, pool, kw, k, rnd))
                    last = (k, time.monotonic() - started)
                    done.append((rnd, k))
                    bar.update(1)
                if reason == "budget":
                    break
    except KeyboardInterrupt:
        partial, reason = True, "interrupt"
    finally:
        sweep(base_client, [CONC_PURPOSE], engine_gone_ok=sys.exc_info()[0] is not None or partial)
        client.close()
    samples = pd.DataFrame(rows)
    cfg = {"levels": levels, "rounds": rounds, "budget_s": budget, "limits": CONC_LIMITS, "command": ["sleep", "600"]}
    skipped = [k for k in levels if all(d[1] != k for d in done)]
    stopping = {"reason": reason, "budget_s": budget, "seconds": round(time.monotonic() - t0, 3),
                "levels_done": sorted({k for _r, k in done}), "levels_skipped": skipped, "batches": len(done)}
    return Results("concurrency", samples, concurrency_summary(samples), collect(cfg), partial=partial,
                   extra={"sweep": stopping})


def describe_sweep(res: Results) -> str:
    """One line: which levels ran, in how long, and which the budget left out ("" for old recordings)."""
    sw = (getattr(res, "extra", None) or {}).get("sweep")
    if not sw:
        return ""
    done = ", ".join(str(k) for k in sw.get("levels_done") or [])
    line = _("concurrency levels run: {done} in {s:.0f} s").format(done=done, s=float(sw.get("seconds") or 0))
    if sw.get("levels_skipped"):
        line += _("; left out by the {budget:g} s budget: {skipped} (give budget=None for every level)").format(
            budget=float(sw.get("budget_s") or 0), skipped=", ".join(str(k) for k in sw["levels_skipped"]))
    elif sw.get("reason") == "interrupt":
        line += _(" (interrupted)")
    return line


def _one_level(client, pool, kw: dict, k: int, rnd: int) -> list[dict]:
    ids: list[str] = []
    rows: list[dict] = []
    before = mem_available_bytes()
    try:
        t0 = time.perf_counter_ns()
        futures = [pool.submit(_start_one, client, kw) for _ in range(k)]
        results = []
        error = None
        for f in futures:
            try:
                results.append(f.result())
            except BaseException as exc:  # noqa: BLE001 - finish collecting ids, then re-raise
                error = error or exc
        batch_ms = (time.perf_counter_ns() - t0) / 1e6
        ids = [r[0] for r in results]
        if error:
            raise error
        time.sleep(0.2)  # let the idle processes settle before reading memory (not timed)
        after = mem_available_bytes()
        shims = shim_memory_bytes(ids)
        base = {"level": k, "round": rnd}
        for i, (cid, c_ms, s_ms) in enumerate(results):
            one = {**base, "container": i}
            rows += [{**one, "metric": "create_ms", "value": c_ms, "unit": "ms"},
                     {**one, "metric": "start_ms", "value": s_ms, "unit": "ms"},
                     {**one, "metric": "latency_ms", "value": c_ms + s_ms, "unit": "ms"}]
            cg = cgroup_memory_bytes(cid)
            if cg is not None:
                rows.append({**one, "metric": "cgroup_kib", "value": cg / 1024, "unit": "KiB"})
            if cid in shims:
                rows.append({**one, "metric": "shim_kib", "value": shims[cid] / 1024, "unit": "KiB"})
        rows.append({**base, "container": -1, "metric": "batch_ms", "value": batch_ms, "unit": "ms"})
        if before is not None and after is not None:
            rows.append({**base, "container": -1, "metric": "host_delta_kib", "value": (before - after) / 1024 / k,
                         "unit": "KiB"})
    finally:
        t1 = time.perf_counter_ns()
        list(pool.map(lambda c: sandbox.remove_quietly(c, client), ids))
        if rows:
            rows.append({"level": k, "round": rnd, "container": -1, "metric": "remove_ms",
                         "value": (time.perf_counter_ns() - t1) / 1e6, "unit": "ms"})
    return rows


def concurrency_summary(samples: pd.DataFrame) -> pd.DataFrame:
    """One row per level: containers/s, latency p50/p95/p99, memory per idle container."""
    if samples.empty:
        return pd.DataFrame()
    out = []
    for k, g in samples.groupby("level"):
        def vals(metric: str, g=g) -> pd.Series:
            return g.loc[g["metric"] == metric, "value"]

        lat, batch = vals("latency_ms"), vals("batch_ms")
        out.append({
            "level": int(k),
            "containers_per_s": float(k / (batch.median() / 1000)) if not batch.empty else np.nan,
            "batch_ms": float(batch.median()) if not batch.empty else np.nan,
            "latency_p50_ms": float(lat.quantile(0.5)) if not lat.empty else np.nan,
            "latency_p95_ms": float(lat.quantile(0.95)) if not lat.empty else np.nan,
            "latency_p99_ms": float(lat.quantile(0.99)) if not lat.empty else np.nan,
            "cgroup_kib": float(vals("cgroup_kib").median()) if not vals("cgroup_kib").empty else np.nan,
            "shim_kib": float(vals("shim_kib").median()) if not vals("shim_kib").empty else np.nan,
            "host_delta_kib": float(vals("host_delta_kib").median()) if not vals("host_delta_kib").empty else np.nan,
            "n": int(lat.size),
        })
    return pd.DataFrame(out)


