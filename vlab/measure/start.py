"""Container start time, phase by phase, measured the way a benchmark tool would.

Three measurements, each returning :class:`vlab.results.Results` (kinds for replay in brackets):

- ``measure_start`` ["start"]: configurations compared in one interleaved run, every phase timed.
- ``measure_ladder`` ["ladder"]: the latency ladder: process → runtime → engine API → CLI → network.
- ``measure_concurrency`` ["concurrency"]: k containers started at once, k = 1, 2, 4 … 64.

Phase definitions (host clock = ``time.perf_counter_ns`` in this Python process):

=========  ======  =====================================================================
phase      clock   from → to
=========  ======  =====================================================================
create     host    ``create_container`` request sent → its reply (container exists, not running)
start      host    ``start`` request sent → its reply (runtime has launched the process)
exit       host    ``start`` reply → ``wait`` reply (exit seen; with auto-remove: removal seen)
remove     host    ``remove_container`` request sent → its reply (absent with auto-remove)
total      host    create + start + exit + remove: the four calls back to back. Between *exit*
                   and *remove* the harness reads the container's log (the marker); that
                   bookkeeping is timed separately (``harness_ms``) and left out of every phase.
running    marker  ``start`` request sent → the container's first act, ``adjtimex``, reads the
                   clock. It **overlaps** *start* and *exit*, so it is not part of *total*. It
                   compares the host wall clock with the container's own clock: valid because a
                   local container shares the host kernel's clock. Missing with auto-remove
                   (the log is gone with the container).
d_create_start, d_start_die, d_die_destroy, d_total
           daemon  differences of ``timeNano`` in the daemon's own events (create, start, die,
                   destroy): a second, independent clock. Never mixed with host-clock numbers.
=========  ======  =====================================================================

Because create, start, exit and remove are consecutive intervals of one clock, they add up to
*total* exactly (to float rounding); the daemon's create→destroy span lies inside the host's.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config, sandbox
from ..engine import connect, describe, guarded
from ..errors import BadParameter, EngineError, ToolMissing, VlabError
from ..images import ensure
from ..replay import args_ok, replayable
from ..results import Results
from . import interleave
from .stats import ratio_ci, summarize_frame

HOST_PHASES = ("create", "start", "exit", "remove")
TOTAL = "total"
MARKER_PHASE = "running"
DAEMON_PHASES = ("d_create_start", "d_start_die", "d_die_destroy", "d_total")
PURPOSE = "start-time"
LADDER_PURPOSE = "start-ladder"
CONC_PURPOSE = "start-concurrency"
MARKER_CMD = ("adjtimex",)
SUM_TOLERANCE_MS = 0.01  # phases vs total: float rounding only (they share one clock)
DAEMON_SLACK_MS = 2.0  # daemon span may exceed the host span by at most this (clock reading jitter)
MAX_TRIALS = 1000
WAIT_TIMEOUT_S = 30.0
MAX_FAILURES = 3  # trials that fail (engine hiccup) are dropped and reported; more than this stops the run
MAX_LEVEL = 64
CONC_LIMITS = dict(memory="16m", pids=8, cpus=None)
PHASE_DOC = {
    "create": "create_container request → reply: the container exists but is not running",
    "start": "start request → reply: the runtime has launched the process",
    "exit": "start reply → wait reply: the process has run and exited (with auto-remove: and is removed)",
    "remove": "remove request → reply: writable layer and namespaces are gone",
    "total": "create + start + exit + remove, back to back on one clock",
    "running": "start request → the container's first clock reading (marker; overlaps start and exit)",
    "d_create_start": "daemon clock: create event → start event",
    "d_start_die": "daemon clock: start event → die event (the process's life as the daemon sees it)",
    "d_die_destroy": "daemon clock: die event → destroy event",
    "d_total": "daemon clock: create event → destroy event",
}


# ---------------------------------------------------------------- configurations
@dataclass(frozen=True)
class StartConfig:
    """One way to start a container. ``name`` is what tables and plots show."""

    name: str
    image: str = "busybox"
    network: str = "none"
    auto_remove: bool = False
    runtime: str | None = None
    fresh_image: bool = False
    what: str = ""


VARIANTS = ("network", "image", "auto_remove", "first", "runtime")


def configurations(network: str = "none", variants: Sequence[str] | None = None,
                   runtimes: Sequence[str] = ()) -> list[StartConfig]:
    """The baseline plus one configuration per variant, each changing exactly one factor.

    ``network`` is the baseline's network ("none" or "bridge"); the "network" variant uses the
    other one. The "runtime" variant (crun) is only added when the engine lists crun.
    """
    if not isinstance(network, str) or network not in ("none", "bridge"):
        raise BadParameter(f"network={network!r} is not compared here", "Use 'none' or 'bridge'.")
    variants = _names("variants", VARIANTS if variants is None else variants, VARIANTS)
    for v in variants:
        if v not in VARIANTS:
            raise BadParameter(f"Unknown configuration {v!r}", f"Use any of: {', '.join(VARIANTS)}.")
    base = StartConfig("baseline", network=network,
                       what=f"busybox image, network {network}, runc, detached then removed, warm image")
    out = [base]
    other = "bridge" if network == "none" else "none"
    if "network" in variants:
        out.append(replace(base, name=f"network:{other}", network=other, what=f"network {other} instead"))
    if "image" in variants:
        out.append(replace(base, name="image:fat", image="fat", what="64 MiB larger image"))
    if "auto_remove" in variants:
        out.append(replace(base, name="auto_remove", auto_remove=True, what="daemon removes it (--rm)"))
    if "first" in variants:
        out.append(replace(base, name="first_start", fresh_image=True,
                           what="first start of a freshly built image"))
    if "runtime" in variants and "crun" in runtimes:
        out.append(replace(base, name="runtime:crun", runtime="crun", what="crun instead of runc"))
    return out


def check_trials(trials: int, *, minimum: int = 1) -> int:
    if isinstance(trials, bool) or not isinstance(trials, int) or not minimum <= trials <= MAX_TRIALS:
        raise BadParameter(f"trials={trials!r} must be a whole number from {minimum} to {MAX_TRIALS}",
                           "Use 30 or more for trustworthy statistics, 3 for a quick look.")
    return trials


def _names(what: str, values: object, known: Sequence[str]) -> list:
    """A list of names from a list/tuple (a single string counts as one name); anything else is BadParameter."""
    if isinstance(values, str):
        return [values]
    if not isinstance(values, list | tuple | set | frozenset):
        raise BadParameter(f"{what}={values!r} is not a list", f"Use a list of: {', '.join(known)}.")
    return list(values)


def check_seed(seed: int) -> int:
    """A seed for the shuffled interleaving order: a whole number from 0 to 2**32 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise BadParameter(f"seed={seed!r} must be a whole number from 0 to 2**32 - 1", "For example seed=0.")
    return seed


def check_levels(levels: Sequence[int]) -> list[int]:
    """Concurrency levels: a non-empty list of whole numbers from 1 to MAX_LEVEL (sorted, duplicates dropped)."""
    if not isinstance(levels, list | tuple | set | frozenset | range):
        raise BadParameter(f"levels={levels!r} is not a list of concurrency levels", "For example levels=(1, 2, 4, 8).")
    out = []
    for k in levels:
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_LEVEL:
            raise BadParameter(f"concurrency level {k!r} must be a whole number from 1 to {MAX_LEVEL}",
                               "For example levels=(1, 2, 4, 8).")
        out.append(k)
    if not out:
        raise BadParameter("levels is empty", "Give at least one level, e.g. levels=(1, 2, 4).")
    return sorted(set(out))


def check_warmup(warmup: int) -> int:
    """At least one warm-up round: it also probes that every configuration can run here."""
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 1 <= warmup <= 10:
        raise BadParameter(f"warmup={warmup!r} must be a whole number from 1 to 10",
                           "The first warm-up round also checks that each configuration runs; use 1.")
    return warmup


def default_levels(quick: bool) -> list[int]:
    """1, 2, 4 … 64 in full mode; 1, 2, 4 in quick mode."""
    return [1, 2, 4] if quick else [2**i for i in range(7)]


# ---------------------------------------------------------------- pure arithmetic (unit-tested)
_ADJ = re.compile(r"time\.tv_sec:\s*(\d+)\s*\n\s*time\.tv_usec:\s*(\d+)")


def parse_adjtimex(text: str) -> int | None:
    """Wall-clock time (ns since the epoch) printed by busybox ``adjtimex``; None if absent."""
    m = _ADJ.search(text or "")
    if not m:
        return None
    return int(m.group(1)) * 1_000_000_000 + int(m.group(2)) * 1_000


def host_phases(stamps: dict[str, int]) -> dict[str, float]:
    """Phase durations in ms from perf_counter_ns stamps of one lifecycle.

    Stamps: ``t0`` (create sent), ``created``, ``started``, ``exited`` and, unless auto-removed,
    ``remove_sent`` and ``removed``. Raises BadParameter if the stamps are out of order.
    """
    order = ["t0", "created", "started", "exited"] + (["remove_sent", "removed"] if "removed" in stamps else [])
    values = [stamps[k] for k in order]
    if any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise BadParameter(f"timestamps out of order: {dict(zip(order, values, strict=True))}")
    ms = {
        "create": (stamps["created"] - stamps["t0"]) / 1e6,
        "start": (stamps["started"] - stamps["created"]) / 1e6,
        "exit": (stamps["exited"] - stamps["started"]) / 1e6,
    }
    if "removed" in stamps:
        ms["remove"] = (stamps["removed"] - stamps["remove_sent"]) / 1e6
    ms[TOTAL] = sum(ms.values())
    return ms


def daemon_phases(events: Sequence[tuple[str, int]]) -> dict[str, float]:
    """Phase durations in ms from one container's daemon events [(action, timeNano), …]."""
    first: dict[str, int] = {}
    for action, t in events:
        first.setdefault(action, int(t))
    out = {}
    for name, a, b in (("d_create_start", "create", "start"), ("d_start_die", "start", "die"),
                       ("d_die_destroy", "die", "destroy"), ("d_total", "create", "destroy")):
        if a in first and b in first:
            out[name] = (first[b] - first[a]) / 1e6
    return out


def phase_sums(samples: pd.DataFrame) -> pd.DataFrame:
    """Per container: the sum of the host phases, the measured total and their difference (ms)."""
    host = samples[samples["clock"] == "host"]
    parts = host[host["phase"].isin(HOST_PHASES)].groupby(["config", "trial"])["ms"].sum()
    total = host[host["phase"] == TOTAL].set_index(["config", "trial"])["ms"]
    df = pd.DataFrame({"sum_of_phases": parts, "total": total}).dropna().reset_index()
    df["difference"] = (df["sum_of_phases"] - df["total"]).abs()
    return df


def self_check(results: Results, tolerance_ms: float = SUM_TOLERANCE_MS) -> dict:
    """The claims that always hold: every phase positive; phases add up to total within tolerance."""
    s = results.samples
    if s.empty:
        raise BadParameter("no samples to check", "Run measure_start() first.")
    timed = s[s["clock"].isin(["host", "daemon"])]
    sums = phase_sums(s)
    return {
        "phases_positive": bool((timed["ms"] > 0).all()),
        "n_values": int(len(timed)),
        "max_difference_ms": float(sums["difference"].max()) if not sums.empty else float("nan"),
        "tolerance_ms": tolerance_ms,
        "adds_up": bool((sums["difference"] <= tolerance_ms).all()) and not sums.empty,
    }


def ratios(results: Results, phase: str = TOTAL, baseline: str = "baseline") -> pd.DataFrame:
    """Median of each configuration ÷ median of the baseline, with a bootstrap 95% CI."""
    s = results.samples
    s = s[s["phase"] == phase]
    if "warmup" in s:
        s = s[~s["warmup"].astype(bool)]
    base = s[s["config"] == baseline]["ms"]
    rows = []
    for name, group in s.groupby("config", sort=False):
        if name == baseline or base.empty:
            continue
        r = ratio_ci(group["ms"], base)
        rows.append({"config": name, "vs": baseline, "phase": phase, **r})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- daemon events, a second clock
class DaemonEvents:
    """Collect container events (action, timeNano) for one run and purpose, in a background thread."""

    def __init__(self, client, purpose: str) -> None:
        self.by_id: dict[str, list[tuple[str, int]]] = {}
        self._lock = threading.Lock()
        self._seen = threading.Condition(self._lock)
        filters = {"type": ["container"], "label": [f"{config.RUN_LABEL}={config.run_id()}",
                                                    f"vlab.purpose={purpose}"]}
        with guarded("subscribing to daemon events"):
            self._stream = client.api.events(decode=True, filters=filters, since=int(time.time()) - 1)
        self._thread = threading.Thread(target=self._read, daemon=True, name="vlab-events")
        self._thread.start()

    def _read(self) -> None:
        try:
            for ev in self._stream:
                cid, action, t = ev.get("id"), ev.get("Action") or ev.get("status"), ev.get("timeNano")
                if cid and action and t:
                    with self._seen:
                        self.by_id.setdefault(cid, []).append((action, int(t)))
                        self._seen.notify_all()
        except Exception:  # noqa: BLE001 - the stream ends with an error when closed
            pass

    def wait_for(self, ids: Sequence[str], action: str = "destroy", timeout: float = 3.0) -> None:
        """Wait (briefly) until every container in ``ids`` has reported ``action``."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                missing = [i for i in ids if action not in {a for a, _ in self.by_id.get(i, [])}]
                left = deadline - time.monotonic()
                if not missing or left <= 0:
                    return
                self._seen.wait(left)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.close()


# ---------------------------------------------------------------- one container's life
@dataclass
class Lifecycle:
    """Timestamps and output of one timed container lifecycle."""

    container: str = ""
    stamps: dict[str, int] = field(default_factory=dict)
    wall0_ns: int = 0
    perf0_ns: int = 0
    exit_code: int | None = None
    marker_ns: int | None = None
    output: str = ""

    def wall(self, key: str) -> int:
        """Host wall-clock time (ns) of stamp ``key``, from the perf_counter anchor."""
        return self.wall0_ns + (self.stamps[key] - self.perf0_ns)

    def running_ms(self) -> float | None:
        if self.marker_ns is None or "created" not in self.stamps:
            return None
        return (self.marker_ns - self.wall("created")) / 1e6


def run_lifecycle(client, kwargs: dict, *, auto_remove: bool = False, read_marker: bool = True,
                  keep_output: bool = False) -> Lifecycle:
    """Create → start → wait → (read marker / output) → remove one container, time-stamping every call.

    ``keep_output`` keeps the container's stdout and stderr in ``Lifecycle.output``.
    """
    import docker.errors

    perf = time.perf_counter_ns
    lc = Lifecycle(wall0_ns=time.time_ns(), perf0_ns=perf())
    st = lc.stamps
    removed = False
    try:
        with guarded("timing a container start"):
            with sandbox.interrupts_deferred():  # Ctrl-C never strands a created, unregistered container
                st["t0"] = perf()
                cid = client.api.create_container(**kwargs)["Id"]
                st["created"] = perf()
                lc.container = cid
                sandbox._register(cid, cid[:12])
            client.api.start(cid)
            st["started"] = perf()
            if auto_remove:
                try:
                    _wait(client, cid, condition="removed")
                except docker.errors.NotFound:
                    pass  # removed before we asked: exit and removal are both over
                st["exited"] = perf()
                removed = True
                sandbox._forget(cid)
            else:
                lc.exit_code = int(_wait(client, cid)["StatusCode"])
                st["exited"] = perf()
                if read_marker:
                    lc.marker_ns = parse_adjtimex(client.api.logs(cid, stdout=True, stderr=False).decode())
                if keep_output:
                    lc.output = client.api.logs(cid, stdout=True, stderr=True).decode(errors="replace")
                st["remove_sent"] = perf()
                client.api.remove_container(cid, force=True, v=True)
                st["removed"] = perf()
                removed = True
                sandbox._forget(cid)
    finally:
        if lc.container and not removed:
            sandbox._safe_remove(lc.container, client)
    return lc


def _wait(client, cid: str, condition: str = "not-running") -> dict:
    """``wait`` with a bounded read: a container that never reports back is an error, not a hang."""
    import requests.exceptions

    try:
        return client.api.wait(cid, timeout=WAIT_TIMEOUT_S, condition=condition)
    except requests.exceptions.ReadTimeout as exc:
        raise EngineError(f"Container {cid[:12]} was not reported {condition} within {WAIT_TIMEOUT_S:.0f} s.",
                          "The engine is overloaded or stuck; the trial was dropped. Re-run when it is idle.") from exc


def _rows(lc: Lifecycle, base: dict) -> list[dict]:
    ms = host_phases(lc.stamps)
    harness = (lc.stamps["remove_sent"] - lc.stamps["exited"]) / 1e6 if "remove_sent" in lc.stamps else 0.0
    rows = [{**base, "phase": p, "clock": "host", "ms": v, "harness_ms": harness} for p, v in ms.items()]
    run = lc.running_ms()
    if run is not None:
        rows.append({**base, "phase": MARKER_PHASE, "clock": "marker", "ms": run, "harness_ms": harness})
    return rows


# ---------------------------------------------------------------- helpers shared by the measurements
@contextlib.contextmanager
def _progress(total: int, desc: str, enabled: bool) -> Iterator:
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, disable=not enabled, leave=False)
    try:
        yield bar
    finally:
        bar.close()


def sweep(client, purposes: Sequence[str], *, engine_gone_ok: bool = False) -> int:
    """Remove any container (and fresh image) this run left with one of ``purposes``. Returns count.

    With ``engine_gone_ok`` (a run that already failed or was interrupted), an engine that no
    longer answers is not a second error: the original one, with its partial results, wins, and
    whatever is left is removed by the next ``vlab`` start or ``vlab clean``.
    """
    if engine_gone_ok:
        try:
            return sweep(client, purposes)
        except EngineError:
            return 0
    n = 0
    for purpose in purposes:
        flt = {"label": [f"{config.RUN_LABEL}={config.run_id()}", f"vlab.purpose={purpose}"]}
        with guarded("cleaning up after a start-time run"):
            for c in client.api.containers(all=True, filters=flt):
                sandbox._safe_remove(c["Id"], client)
                n += 1
            for img in client.api.images(filters=flt):
                with contextlib.suppress(Exception):
                    client.api.remove_image(img["Id"], force=True)
    return n


def _fresh_image(client, n: int) -> str:
    """Build a new image (busybox + a unique small layer, no RUN step) for a first start."""
    base = ensure("busybox", client)
    tag = f"vlab/start-first:{config.run_id()}-{n}"
    df = (f"FROM {base}\nCOPY stamp /stamp\nLABEL vlab=1 {config.RUN_LABEL}={config.run_id()} "
          f"vlab.purpose={PURPOSE}\n").encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", df), ("stamp", uuid.uuid4().hex.encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    with guarded("building a fresh image for a first start"):
        for chunk in client.api.build(fileobj=buf, custom_context=True, tag=tag, rm=True, forcerm=True,
                                      pull=False, network_mode="none", decode=True):
            if "error" in chunk:
                raise EngineError(f"Building {tag} failed: {chunk['error'].strip()}")
    return tag


def _runtimes(client) -> list[str]:
    try:
        return describe(client).runtimes
    except VlabError:
        return []


def _provenance(cfg: dict) -> dict:
    from ..provenance import collect

    return collect(cfg)


# ---------------------------------------------------------------- 1. configurations, interleaved
@replayable("start")
def measure_start(trials: int = 30, *, network: str = "none", variants: Sequence[str] | None = None,
                  warmup: int = 1, seed: int = 0, progress: bool = True,
                  on_trial: Callable[[int], None] | None = None) -> Results:
    """Time every phase of a container's life for several configurations, interleaved.

    Each round runs every configuration once in a shuffled order (seeded), so slow drifts of a
    shared machine hit all configurations alike. ``warmup`` rounds run first and are kept but
    flagged ``warmup=True`` and left out of the summary. Ctrl-C stops after cleaning up and
    returns what was measured, with ``partial=True``.
    """
    trials = check_trials(trials)
    warmup = check_warmup(warmup)
    seed = check_seed(seed)
    configurations(network, variants)  # validate names before touching the engine
    if on_trial is not None and not callable(on_trial):
        raise BadParameter(f"on_trial={on_trial!r} is not a function", "Pass a function of the round number, or None.")
    args_ok()
    client = connect()
    configs = configurations(network, variants, _runtimes(client))
    kwargs = {}
    for c in configs:
        limits = sandbox.Limits(network=c.network, auto_remove=c.auto_remove, runtime=c.runtime)
        kwargs[c.name] = sandbox.create_kwargs(client, list(MARKER_CMD), image=c.image, limits=limits,
                                               purpose=PURPOSE)
    rows: list[dict] = []
    lifecycles: list[tuple[dict, Lifecycle]] = []
    skipped: dict[str, str] = {}
    failures: list[dict] = []
    error: EngineError | None = None
    rng = random.Random(seed)
    partial = False
    events = DaemonEvents(client, PURPOSE)
    counter = iter(range(1, 1 << 30))

    def one(c: StartConfig) -> Lifecycle:
        kw = kwargs[c.name]
        fresh = _fresh_image(client, next(counter)) if c.fresh_image else None
        try:
            return run_lifecycle(client, {**kw, "image": fresh} if fresh else kw, auto_remove=c.auto_remove)
        finally:
            if fresh:
                with contextlib.suppress(Exception):
                    client.api.remove_image(fresh, force=True)

    try:
        with _progress((warmup + trials) * len(configs), "start trials", progress) as bar:
            for rnd in range(-warmup, trials):
                order = list(configs)
                rng.shuffle(order)
                for slot, c in enumerate(order):
                    try:
                        lc = one(c)
                    except EngineError as exc:
                        if rnd == -warmup and c.name != "baseline":
                            # the first warm-up round is also a probe: a configuration this engine cannot
                            # run (e.g. a broken bridge network) is skipped, and the reason kept
                            skipped[c.name] = exc.message
                            configs.remove(c)
                            bar.total -= warmup + trials
                            continue
                        failures.append({"config": c.name, "trial": rnd, "error": exc.message})
                        if len(failures) > MAX_FAILURES:
                            raise
                        bar.update(1)
                        continue
                    base = {"config": c.name, "trial": rnd, "warmup": rnd < 0, "slot": slot,
                            "container": lc.container[:12], "exit_code": lc.exit_code}
                    rows.extend(_rows(lc, base))
                    lifecycles.append((base, lc))
                    bar.update(1)
                if on_trial and rnd >= 0:
                    on_trial(rnd)
    except KeyboardInterrupt:
        partial = True
    except EngineError as exc:
        error, partial = exc, True
    finally:
        try:
            events.wait_for([lc.container for _, lc in lifecycles], timeout=0 if partial else 3.0)
        finally:
            events.close()
            sweep(client, [PURPOSE], engine_gone_ok=partial)
    for base, lc in lifecycles:
        for phase, ms in daemon_phases(events.by_id.get(lc.container, [])).items():
            rows.append({**base, "phase": phase, "clock": "daemon", "ms": ms, "harness_ms": np.nan})
    samples = pd.DataFrame(rows)
    cfg = {"trials": trials, "warmup": warmup, "network": network, "seed": seed,
           "configs": {c.name: c.what for c in configs}, "command": list(MARKER_CMD)}
    res = Results("start", samples, _summary(samples), _provenance(cfg),
                  extra={"phase_doc": PHASE_DOC, "skipped": skipped, "failures": failures}, partial=partial)
    if not samples.empty:
        res.extra["ratios"] = ratios(res).to_dict(orient="records")
        res.extra["self_check"] = self_check(res)
    if error is not None:
        error.partial = res  # the measured trials are not thrown away
        raise error
    return res


def _summary(samples: pd.DataFrame) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    timed = samples[~samples["warmup"]] if "warmup" in samples else samples
    return summarize_frame(timed, by=["config", "clock", "phase"], value="ms")


# ---------------------------------------------------------------- 2. the latency ladder
LADDER = {
    "native": "fork + exec of the static busybox on the host (no isolation)",
    "runc": "runc run of the same image's rootfs (namespaces + cgroups, no engine)",
    "sdk": "Docker SDK, low-level API: create → start → wait → remove (engine, no network)",
    "cli": "docker run --rm CLI, no network (what hyperfine would time)",
    "cli_bridge": "docker run --rm CLI with the default bridge network",
}


def cli_command(network: str = "none", image: str = "vlab/busybox:1", command: Sequence[str] = MARKER_CMD,
                limits: sandbox.Limits | None = None, purpose: str = LADDER_PURPOSE) -> list[str]:
    """The ``docker run`` command line vlab times: same labels and limits as the sandbox."""
    docker_bin = shutil.which("docker")
    if not docker_bin:
        raise ToolMissing("The docker command-line client is not installed.",
                          "Install it (`apt-get install docker.io` or docker-ce-cli); the SDK rungs still work.")
    lim = limits or sandbox.Limits(network=network)
    cmd = [docker_bin, "run", "--rm", "--label", f"{config.LABEL}=1", "--label",
           f"{config.RUN_LABEL}={config.run_id()}", "--label", f"vlab.purpose={purpose}",
           "--memory", str(lim.memory_bytes), "--memory-swap", str(lim.memory_bytes),
           "--pids-limit", str(lim.pids), "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
           "--network", network]
    if lim.cpus is not None:
        cmd += ["--cpus", str(lim.cpus)]
    return [*cmd, image, *command]


class RuncBundle:
    """An OCI bundle holding the course image's rootfs, for timing ``runc run`` directly."""

    def __init__(self, client) -> None:
        self.runc = shutil.which("runc")
        if not self.runc:
            raise ToolMissing("runc is not installed.", "Install it (`apt-get install runc`).")
        if os.geteuid() != 0:
            raise ToolMissing("runc needs root here (rootless runc is not set up).",
                              "Run as root to add the runc rung; the other rungs still work.")
        self.dir = Path(tempfile.mkdtemp(prefix="vlab-runc-"))
        self.state = self.dir / "state"
        self.n = 0
        try:
            self._export_rootfs(client)
            self._write_config()
        except BaseException:
            self.close()
            raise

    def _export_rootfs(self, client) -> None:
        rootfs = self.dir / "rootfs"
        rootfs.mkdir()
        kw = sandbox.create_kwargs(client, ["true"], purpose=LADDER_PURPOSE)
        with guarded("exporting the image's root filesystem"):
            with sandbox.interrupts_deferred():
                cid = client.api.create_container(**kw)["Id"]
                sandbox._register(cid, cid[:12])
            try:
                stream = client.api.export(cid)
                data = b"".join(stream)
            finally:
                sandbox._safe_remove(cid, client)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            # our own image: busybox's applet links are absolute (/bin/busybox), so trust it fully
            if hasattr(tarfile, "fully_trusted_filter"):
                tar.extractall(rootfs, filter="fully_trusted")
            else:  # pragma: no cover - Python < 3.12 without the filter backport
                tar.extractall(rootfs)

    def _write_config(self) -> None:
        subprocess.run([self.runc, "spec"], cwd=self.dir, check=True, capture_output=True)
        path = self.dir / "config.json"
        spec = json.loads(path.read_text())
        lim = sandbox.Limits()
        spec["process"]["terminal"] = False
        spec["process"]["args"] = list(MARKER_CMD)
        spec["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "permitted", "ambient")}
        spec["root"]["readonly"] = True
        spec["hostname"] = "vlab-runc"
        spec["linux"]["resources"] = {"memory": {"limit": lim.memory_bytes}, "pids": {"limit": lim.pids}}
        path.write_text(json.dumps(spec))

    def run_once(self) -> float:
        """One ``runc run``: returns its wall time in ms."""
        self.n += 1
        cid = f"vlab-{config.run_id()}-{self.n}"
        cmd = [self.runc, "--root", str(self.state), "run", "--bundle", str(self.dir), cid]
        try:
            t0 = time.perf_counter_ns()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            ms = (time.perf_counter_ns() - t0) / 1e6
        finally:
            subprocess.run([self.runc, "--root", str(self.state), "delete", "--force", cid],
                           capture_output=True)
        if proc.returncode != 0:
            raise ToolMissing(f"runc run failed: {proc.stderr.decode(errors='replace').strip()[:200]}",
                              "runc needs root and a cgroup setup it understands; the other rungs still work.")
        return ms

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _time_subprocess(cmd: list[str]) -> float:
    t0 = time.perf_counter_ns()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ms = (time.perf_counter_ns() - t0) / 1e6
    if proc.returncode != 0:
        raise EngineError(f"{Path(cmd[0]).name} exited {proc.returncode}: "
                          f"{proc.stderr.decode(errors='replace').strip()[:200]}",
                          "Run `vlab doctor`; check that the command works in a terminal.")
    return ms


@replayable("ladder")
def measure_ladder(trials: int = 30, *, rungs: Sequence[str] | None = None, warmup: int = 1, seed: int = 0,
                   progress: bool = True) -> Results:
    """Time the same tiny program at each layer: native → runc → SDK → CLI → CLI + bridge.

    Rungs are interleaved in a shuffled order every round. A rung that cannot run here (no
    runc, not root, no docker CLI) is skipped and the reason kept in ``extra["skipped"]``.
    """
    trials = check_trials(trials)
    warmup = check_warmup(warmup)
    seed = check_seed(seed)
    rungs = _names("rungs", list(LADDER) if rungs is None else rungs, list(LADDER))
    for r in rungs:
        if not isinstance(r, str) or r not in LADDER:
            raise BadParameter(f"Unknown rung {r!r}", f"Use any of: {', '.join(LADDER)}.")
    if not rungs:
        raise BadParameter("rungs is empty", f"Name at least one of: {', '.join(LADDER)}.")
    args_ok()
    client = connect()
    from ..images import find_busybox

    skipped: dict[str, str] = {}
    timers: dict[str, Callable[[], float]] = {}
    bundle = None
    try:
        if "native" in rungs:
            try:
                bb = str(find_busybox())
                timers["native"] = lambda: _time_subprocess([bb, *MARKER_CMD])
            except ToolMissing as exc:
                skipped["native"] = exc.message
        if "runc" in rungs:
            try:
                bundle = RuncBundle(client)
                timers["runc"] = bundle.run_once
            except ToolMissing as exc:
                skipped["runc"] = exc.message
        if "sdk" in rungs:
            kw = sandbox.create_kwargs(client, list(MARKER_CMD), purpose=LADDER_PURPOSE)

            def sdk() -> float:
                return host_phases(run_lifecycle(client, kw, read_marker=False).stamps)[TOTAL]

            timers["sdk"] = sdk
        for name, net in (("cli", "none"), ("cli_bridge", "bridge")):
            if name in rungs:
                try:
                    cmd = cli_command(net)
                    timers[name] = lambda cmd=cmd: _time_subprocess(cmd)
                except ToolMissing as exc:
                    skipped[name] = exc.message
        rows: list[dict] = []
        partial = False
        try:
            with _progress((warmup + trials) * len(timers), "ladder", progress) as bar:
                for rnd, slot, name in interleave.rounds(timers, warmup + trials, seed, first=-warmup):
                    try:
                        ms = timers[name]()
                    except VlabError as exc:
                        if rnd != -warmup:
                            raise
                        skipped[name] = exc.message  # first warm-up round probes each rung
                        del timers[name]
                        bar.total -= warmup + trials
                        continue
                    rows.append({"rung": name, "trial": rnd, "warmup": rnd < 0, "slot": slot, "ms": ms})
                    bar.update(1)
        except KeyboardInterrupt:
            partial = True
    finally:
        if bundle:
            bundle.close()
        sweep(client, [LADDER_PURPOSE], engine_gone_ok=sys.exc_info()[0] is not None or partial)
    samples = pd.DataFrame(rows)
    summary = pd.DataFrame()
    if not samples.empty:
        summary = summarize_frame(samples[~samples["warmup"]], by=["rung"], value="ms")
        order = {r: i for i, r in enumerate(LADDER)}
        summary = summary.sort_values("rung", key=lambda s: s.map(order)).reset_index(drop=True)
        summary["what"] = summary["rung"].map(LADDER)
    cfg = {"trials": trials, "warmup": warmup, "seed": seed, "rungs": rungs, "command": list(MARKER_CMD)}
    return Results("ladder", samples, summary, _provenance(cfg),
                   extra={"skipped": skipped, "rung_doc": {r: LADDER[r] for r in rungs}}, partial=partial)


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
    with guarded("starting containers concurrently"):
        t0 = perf()
        cid = client.api.create_container(**kw)["Id"]
        t1 = perf()
        sandbox._register(cid, cid[:12])
        client.api.start(cid)
        t2 = perf()
    return cid, (t1 - t0) / 1e6, (t2 - t1) / 1e6


@replayable("concurrency")
def measure_concurrency(levels: Sequence[int] | None = None, *, rounds: int = 1, progress: bool = True) -> Results:
    """Start k idle containers at once for each k; report containers/s, latency and memory per container.

    Samples are tidy rows ``(level, round, container, metric, value, unit)``: per container
    ``create_ms``, ``start_ms``, ``latency_ms`` (create sent → start reply), ``cgroup_kib`` and
    ``shim_kib`` (read from the host); per batch ``batch_ms`` (first request → last reply),
    ``host_delta_kib`` (MemAvailable drop ÷ k: noisy on a shared machine) and ``remove_ms``.
    """
    levels = check_levels(levels if levels is not None else default_levels(config.quick()))
    rounds = check_trials(rounds)
    args_ok()
    import docker

    with guarded("connecting for the concurrency sweep"):
        base_client = connect()
        client = docker.from_env(version="auto", timeout=120, max_pool_size=max(levels) + 4)
    limits = sandbox.Limits(**CONC_LIMITS)
    kw = sandbox.create_kwargs(base_client, ["sleep", "600"], limits=limits, purpose=CONC_PURPOSE)
    rows: list[dict] = []
    partial = False
    try:
        with _progress(rounds * len(levels), "concurrency", progress) as bar, \
                ThreadPoolExecutor(max_workers=max(levels), thread_name_prefix="vlab-start") as pool:
            for rnd in range(rounds):
                for k in levels:
                    rows.extend(_one_level(client, pool, kw, k, rnd))
                    bar.update(1)
    except KeyboardInterrupt:
        partial = True
    finally:
        sweep(base_client, [CONC_PURPOSE], engine_gone_ok=sys.exc_info()[0] is not None or partial)
        client.close()
    samples = pd.DataFrame(rows)
    cfg = {"levels": levels, "rounds": rounds, "limits": CONC_LIMITS, "command": ["sleep", "600"]}
    return Results("concurrency", samples, concurrency_summary(samples), _provenance(cfg), partial=partial)


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
        list(pool.map(lambda c: sandbox._safe_remove(c, client), ids))
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


# ---------------------------------------------------------------- recordings and command line
RECORDINGS: dict[str, Callable[[bool], Results]] = {
    "start": lambda quick: measure_start(10 if quick else 30, progress=False),
    "ladder": lambda quick: measure_ladder(10 if quick else 30, progress=False),
    "concurrency": lambda quick: measure_concurrency([1, 2, 4, 8, 16] if quick else default_levels(False),
                                                     rounds=1 if quick else 3, progress=False),
}


def add_cli_arguments(parser) -> None:
    """Options of ``vlab bench start``."""
    parser.add_argument("--trials", type=int, default=None, metavar="N",
                        help="timed rounds per configuration after the warm-up (default 30; 3 with --quick)")
    parser.add_argument("--network", choices=["none", "bridge"], default="none",
                        help="network of the baseline configuration; the 'network' variant uses the other one "
                             "(default none)")
    parser.add_argument("--configs", nargs="+", choices=VARIANTS, default=None, metavar="VARIANT",
                        help=f"variants compared with the baseline, each changing one factor: {', '.join(VARIANTS)} "
                             "(default: all; runtime only when crun is configured)")
    parser.add_argument("--warmup", type=int, default=1, metavar="N",
                        help="untimed warm-up rounds, kept in the JSON but left out of the summary (default 1)")
    parser.add_argument("--ladder", action="store_true",
                        help="also measure the latency ladder (native, runc, SDK, CLI, CLI+bridge); "
                             "saved next to --json as PATH-stem.ladder.json")
    parser.add_argument("--concurrency", action="store_true",
                        help="also run the concurrency sweep (k = 1, 2, 4 … 64; 1, 2, 4 with --quick); "
                             "saved as PATH-stem.concurrency.json")
    parser.add_argument("--quick", action="store_true", help="few trials, for a fast look or CI")
    parser.add_argument("--seed", type=int, default=0, help="seed of the interleaving order (default 0)")
    parser.add_argument("--json", metavar="PATH", default=None,
                        help="write results as JSON (format: docs/results-format.md); written atomically, and "
                             "also after Ctrl-C with \"partial\": true")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def side_path(path: Path, kind: str) -> Path:
    """out.json → out.ladder.json: where the extra measurements of one CLI run go."""
    return path.with_name(f"{path.stem}.{kind}{path.suffix or '.json'}")


def run_cli(args) -> int:
    """``vlab bench start``: measure headless, print the summary, write JSON."""
    from ..results import check_output_path

    quick = bool(args.quick) or config.quick()
    trials = check_trials(args.trials if args.trials is not None else (3 if quick else 30))
    check_warmup(args.warmup)
    check_seed(args.seed)
    path = check_output_path(args.json) if args.json else None
    configurations(args.network, args.configs)  # validate before any container starts
    progress = not args.no_progress
    interrupted = False

    def finish(res: Results, p: Path | None) -> None:
        nonlocal interrupted
        print(format_summary(res))
        if p:
            res.save(p)
            print(f"wrote {p}{' (partial: interrupted)' if res.partial else ''}")
        interrupted = interrupted or res.partial

    try:
        res = measure_start(trials, network=args.network, variants=args.configs, warmup=args.warmup,
                            seed=args.seed, progress=progress)
    except VlabError as exc:
        if isinstance(exc.partial, Results) and path:
            exc.partial.save(path)
            print(f"wrote partial results to {path}")
        raise
    finish(res, path)
    if args.ladder and not interrupted:
        finish(measure_ladder(trials, seed=args.seed, warmup=args.warmup, progress=progress),
               side_path(path, "ladder") if path else None)
    if args.concurrency and not interrupted:
        finish(measure_concurrency(default_levels(quick), progress=progress),
               side_path(path, "concurrency") if path else None)
    return 130 if interrupted else 0


def format_summary(res: Results) -> str:
    """A compact text table for the terminal."""
    lines = [f"vlab {res.kind}{' (partial: interrupted)' if res.partial else ''}"
             f"{' (replayed recording)' if res.replayed else ''}"]
    s = res.summary
    if s.empty:
        return lines[0] + ": no samples"
    if res.kind == "start":
        s = s[s["clock"] == "host"]
        table = s.pivot_table(index="config", columns="phase", values="median", sort=False)
        table = table[[p for p in (*HOST_PHASES, TOTAL) if p in table.columns]]
        lines.append("median ms per phase (host clock):")
        lines.append(table.round(1).to_string())
        r = pd.DataFrame(res.extra.get("ratios") or [])
        if not r.empty:
            lines.append("total vs baseline (ratio of medians, 95% CI):")
            lines += [f"  {row.config:<16} {row.ratio:5.2f}  [{row.ci_low:.2f}, {row.ci_high:.2f}]"
                      for row in r.itertuples()]
    elif res.kind == "ladder":
        lines.append(s[["rung", "n", "median", "p95", "min", "ci_low", "ci_high"]].round(2).to_string(index=False))
        for rung, why in (res.extra.get("skipped") or {}).items():
            lines.append(f"  skipped {rung}: {why}")
    else:
        lines.append(s.round(1).to_string(index=False))
    return "\n".join(lines)
