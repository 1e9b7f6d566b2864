"""The container side of "VM vs container": time whole container lifecycles through the sandbox.

Each trial runs the course's busybox image with a command that reports like the VM's
``/init`` does: its PID, the kernel release it sees (``uname -r``) and how many processes
it can see. Phases are timed with ``perf_counter_ns`` around the low-level Docker API calls:

- ``create`` → ``start`` → ``wait`` (the command ran and exited) → ``remove``;
- ``total``: create called → command exited (comparable to the VM's launch → exit, removal excluded).

The container's ``uname -r`` is the engine host's kernel release: a container has no kernel of its own.
"""

from __future__ import annotations

import re
import time

import pandas as pd

from .. import provenance, replay, sandbox
from ..engine import connect, describe, guarded
from ..errors import BadParameter, EngineError
from ..measure.stats import summarize_frame
from ..results import Results

KIND = "vm_container_start"
PHASES = ("create", "start", "wait", "remove", "total")
REPORT = "echo \"pid=$$|kernel=$(uname -r)|procs=$(ls /proc | grep -c '^[0-9]')\""
METRIC = ("Docker SDK create → start → wait until the command (busybox sh printing uname -r) exited, "
          "host perf_counter_ns; removal timed separately")
_REPORT_RE = re.compile(r"pid=(\d+)\|kernel=([^|]+)\|procs=(\d+)")


def parse_report(text: str) -> dict | None:
    """Parse the container's ``pid=…|kernel=…|procs=…`` line (None when absent)."""
    m = _REPORT_RE.search(text)
    if not m:
        return None
    return {"pid": int(m.group(1)), "kernel": m.group(2).strip(), "procs": int(m.group(3))}


def container_starts(trials: int = 5, *, warmup: int = 1, progress: bool = True) -> Results:
    """Time ``trials`` container lifecycles (after ``warmup`` unrecorded ones). Replay mode: the recording."""
    _check(trials, warmup)
    return _starts(trials, warmup=warmup, progress=progress)


def _check(trials: int, warmup: int) -> None:
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= 500:
        raise BadParameter(f"trials={trials!r} must be a whole number from 1 to 500", "For example trials=5.")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 0 <= warmup <= 10:
        raise BadParameter(f"warmup={warmup!r} must be a whole number from 0 to 10")


@replay.replayable(KIND)
def _starts(trials: int, *, warmup: int = 1, progress: bool = True) -> Results:
    return run_container_starts(trials, warmup=warmup, progress=progress)


def lifecycle(client=None) -> tuple[dict[str, float], dict | None]:
    """One timed container lifecycle: phase → ms, and what the container reported about itself."""
    client = client or connect()
    kwargs = sandbox.create_kwargs(client, ["/bin/sh", "-c", REPORT], limits=sandbox.Limits(memory="64m", pids=16),
                                   purpose="vm-vs-container")
    cid = None
    times: dict[str, float] = {}
    try:
        t0 = time.perf_counter_ns()
        with guarded("creating a container"):
            cid = client.api.create_container(**kwargs)["Id"]
        t1 = time.perf_counter_ns()
        sandbox._register(cid, cid[:12])
        with guarded("starting a container"):
            client.api.start(cid)
        t2 = time.perf_counter_ns()
        with guarded("waiting for a container"):
            code = int(client.api.wait(cid, timeout=60)["StatusCode"])
        t3 = time.perf_counter_ns()
        with guarded("reading container logs"):
            out = client.api.logs(cid, stdout=True, stderr=True).decode(errors="replace")
        if code != 0:
            raise EngineError(f"The timing container exited with code {code}: {out.strip()[:200]}")
        t4 = time.perf_counter_ns()
        sandbox.remove(cid, client)
        t5 = time.perf_counter_ns()
        cid = None
    finally:
        if cid is not None:
            sandbox._safe_remove(cid, client)
    times = {"create": (t1 - t0) / 1e6, "start": (t2 - t1) / 1e6, "wait": (t3 - t2) / 1e6,
             "remove": (t5 - t4) / 1e6, "total": (t3 - t0) / 1e6}
    return times, parse_report(out)


def run_container_starts(trials: int = 5, *, warmup: int = 1, progress: bool = False) -> Results:
    """Measure live (no replay). Interrupted runs return ``partial=True`` with the trials done."""
    from tqdm.auto import tqdm

    _check(trials, warmup)
    client = connect()
    info = describe(client)
    rows: list[dict] = []
    report: dict | None = None
    partial = False
    try:
        for i in tqdm(range(warmup + trials), desc="container lifecycles", disable=not progress, leave=False):
            times, rep = lifecycle(client)
            report = rep or report
            if i >= warmup:
                rows.extend({"config": "container", "runtime": info.default_runtime, "trial": i - warmup,
                             "phase": p, "ms": times[p], "clock": "host"} for p in PHASES)
    except KeyboardInterrupt:
        partial = True
    samples = pd.DataFrame(rows, columns=["config", "runtime", "trial", "phase", "ms", "clock"])
    summary = summarize_frame(samples, by=["config", "phase"], value="ms")
    prov = provenance.collect({"trials": trials, "warmup": warmup, "image": "vlab/busybox:1",
                               "limits": {"memory": "64m", "pids": 16, "network": "none"}})
    extra = {
        "metric": METRIC,
        "container": report or {},
        "host_kernel": info.kernel,
        "same_kernel_as_host": bool(report and report["kernel"] == info.kernel),
        "engine_in_vm": info.in_vm,
    }
    return Results(KIND, samples, summary, prov, extra, partial=partial)


def medians(res: Results) -> dict[str, float]:
    """Median ms of each phase."""
    if res.samples.empty:
        return {}
    return {str(k): float(v) for k, v in res.samples.groupby("phase")["ms"].median().items()}
