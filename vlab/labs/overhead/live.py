"""Overhead lab, the live measurement: native and container runners, memory, ``measure`` and ``run_live``."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vlab.core import interleave, replay, settings
from vlab.core.errors import BadParameter, EngineError, VlabError
from vlab.core.hostprobe import parent_pid, rss_mib, tree_rss_mib
from vlab.core.i18n import N_, _
from vlab.core.results import Results, check_output_path
from vlab.labs.overhead.analysis import ratios, select, summary
from vlab.labs.overhead.workloads import (
    BB_IN_CONTAINER,
    CONFIGS,
    GROUPS,
    HTTP_PORT,
    KIND,
    RUNTIME_TWIN,
    SANDBOX_PIDS,
    WHAT,
    Settings,
    docroot_script,
    file_clock,
    file_intervals_ms,
    free_port,
    intervals_ms,
    runtime_config,
    serve_script,
    split_config,
    workload,
)

__all__ = ["bridge_network", "cgroup_usage_mib", "collect_facts", "describe_workloads", "measure", "run_live"]


# ---------------------------------------------------------------- runners
class _Native:
    """Run scripts with the host's busybox, pinned to one CPU when asked."""

    def __init__(self, bb: str) -> None:
        self.bb = bb

    def run(self, script: str, cpu: int | None) -> str:
        pre = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
        proc = subprocess.run([self.bb, "sh", "-c", script], capture_output=True, text=True, timeout=600,
                              preexec_fn=pre, check=False)
        if proc.returncode != 0:
            raise VlabError(_("native workload failed ({code}): {stderr}").format(
                code=proc.returncode, stderr=proc.stderr.strip()[:200]),
                            _("Run `vlab doctor`; check the host's busybox."))
        return proc.stdout


def _box_run(box, script: str) -> str:
    res = box.exec(["/bin/sh", "-c", script])
    if res.exit_code != 0:
        raise EngineError(_("workload failed in container {name} ({code}): {stderr}").format(
            name=box.name, code=res.exit_code, stderr=res.stderr.strip()[:200]),
                          _("Run `vlab doctor`; the course image may be stale (`vlab doctor --build`)."))
    return res.stdout


@dataclass
class _Env:
    """Everything started for one run: containers, the native httpd, the temp folder."""

    native: _Native
    tmp: Path
    boxes: dict[str, object] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


def _setup(s: Settings, stack: contextlib.ExitStack) -> _Env:
    from vlab.core import sandbox
    from vlab.core.images import find_busybox

    bb = str(find_busybox())
    tmp = Path(tempfile.mkdtemp(prefix="vlab-overhead-", dir=s.workdir))
    stack.callback(shutil.rmtree, tmp, True)
    (tmp / "native").mkdir()
    (tmp / "bind").mkdir()
    os.chmod(tmp / "bind", 0o777)
    env = _Env(_Native(bb), tmp)
    pinned = {"cpu", "syscall", "io_write", "io_read"}
    if pinned & set(s.metrics):
        binds = {str(tmp / "bind"): {"bind": "/data", "mode": "rw"}}
        env.boxes["pinned"] = stack.enter_context(sandbox.start(
            ["sleep", "86400"], limits=sandbox.Limits(cpuset=str(s.cpu), binds=binds), purpose="overhead-worker"))
    if pinned & set(s.metrics):
        for rt in s.runtimes:  # the same pinned worker under another runtime (no bind mount: overlay only)
            env.boxes[f"pinned:{rt}"] = stack.enter_context(sandbox.start(
                ["sleep", "86400"], limits=sandbox.Limits(cpuset=str(s.cpu), runtime=rt, pids=SANDBOX_PIDS),
                purpose=f"overhead-worker-{rt}"))
    if "syscall" in s.metrics:
        env.boxes["unconfined"] = stack.enter_context(sandbox.start(
            ["sleep", "86400"], limits=sandbox.Limits(cpuset=str(s.cpu), security_opt=("seccomp=unconfined",)),
            purpose="overhead-worker-unconfined"))
    if "net_throughput" in s.metrics:
        _setup_net(s, stack, env, sandbox, bb)
    return env


def _setup_net(s: Settings, stack: contextlib.ExitStack, env: _Env, sandbox, bb: str) -> None:
    limits = dict(memory="256m")
    keep = ["sleep", "86400"]
    box = stack.enter_context(sandbox.start(keep, limits=sandbox.Limits(network="none", **limits),
                                            purpose="overhead-net-loopback"))
    _box_run(box, serve_script(BB_IN_CONTAINER, "/tmp/www", f"127.0.0.1:{HTTP_PORT}", s.net_mib))
    env.boxes["container-loopback"] = box
    env.urls["container-loopback"] = f"http://127.0.0.1:{HTTP_PORT}"

    net = bridge_network(stack)
    srv = stack.enter_context(sandbox.start(keep, limits=sandbox.Limits(network=net, **limits),
                                            purpose="overhead-net-bridge-server"))
    _box_run(srv, serve_script(BB_IN_CONTAINER, "/tmp/www", f"0.0.0.0:{HTTP_PORT}", s.net_mib))
    env.boxes["bridge"] = stack.enter_context(sandbox.start(keep, limits=sandbox.Limits(network=net, **limits),
                                                            purpose="overhead-net-bridge-client"))
    ip = srv.ip()
    if not ip:
        raise EngineError("the bridge server container got no IP address", "Check `docker network inspect bridge`.")
    env.urls["bridge"] = f"http://{ip}:{HTTP_PORT}"

    port = free_port()
    hsrv = stack.enter_context(sandbox.start(keep, limits=sandbox.Limits(network="host", **limits),
                                             purpose="overhead-net-host-server"))
    _box_run(hsrv, serve_script(BB_IN_CONTAINER, "/tmp/www", f"127.0.0.1:{port}", s.net_mib))
    env.boxes["host-network"] = stack.enter_context(sandbox.start(
        keep, limits=sandbox.Limits(network="host", **limits), purpose="overhead-net-host-client"))
    env.urls["host-network"] = f"http://127.0.0.1:{port}"

    nport = free_port()
    docroot = env.tmp / "www"
    env.native.run(docroot_script(bb, str(docroot), s.net_mib), None)
    proc = subprocess.Popen([bb, "httpd", "-f", "-p", f"127.0.0.1:{nport}", "-h", str(docroot)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stack.callback(_stop, proc)
    env.urls["native"] = f"http://127.0.0.1:{nport}"
    for cfg in ("native", "container-loopback", "bridge", "host-network"):
        _wait_http(env, cfg)


def bridge_network(stack: contextlib.ExitStack) -> str:
    """A labelled vlab bridge network for this run (``sandbox.ensure_network``), removed when ``stack`` closes."""
    from vlab.core import sandbox

    name = f"vlab-overhead-{settings.run_id()}-{os.getpid()}"
    stack.callback(sandbox.remove_network, sandbox.ensure_network(name, "overhead-bridge"))
    return name


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wait_http(env: _Env, cfg: str, tries: int = 50) -> None:
    bb = env.native.bb if cfg == "native" else BB_IN_CONTAINER
    script = f"{bb} wget -q -O /dev/null {env.urls[cfg]}/s"
    for _try in range(tries):
        try:
            if cfg == "native":
                env.native.run(script, None)
            else:
                _box_run(env.boxes[cfg], script)
            return
        except VlabError:
            time.sleep(0.1)
    raise EngineError(f"the {cfg} web server never answered at {env.urls[cfg]}",
                      "Check that nothing blocks local ports (firewall) and run `vlab doctor`.")


def _seccomp_mode(status: str) -> int | None:
    m = re.search(r"^Seccomp:\s*(\d+)", status, re.M)
    return int(m.group(1)) if m else None


def collect_facts(env: _Env) -> dict:
    """Deterministic facts: same kernel inside and out, and the seccomp mode of each place (0 off, 2 filter)."""
    import platform

    facts: dict = {"host_kernel": platform.release(), "seccomp_mode": {}}
    status = "/proc/self/status"
    facts["seccomp_mode"]["native"] = _seccomp_mode(env.native.run(f"{env.native.bb} cat {status}", None))
    for key, label in (("pinned", "container"), ("unconfined", "container-unconfined")):
        box = env.boxes.get(key)
        if box is not None:
            facts["seccomp_mode"][label] = _seccomp_mode(_box_run(box, f"cat {status}"))
            facts.setdefault("container_kernel", _box_run(box, "uname -r").strip())
    if "container_kernel" in facts:
        facts["same_kernel"] = facts["container_kernel"] == facts["host_kernel"]
    for key, box in env.boxes.items():
        if key.startswith("pinned:"):
            facts.setdefault("runtime_kernel", {})[key.split(":", 1)[1]] = _box_run(box, "uname -r").strip()
    return facts


def _run_one(env: _Env, s: Settings, metric: str, cfg: str) -> list[float]:
    """Run one workload once; return its interval(s) in ms."""
    native = cfg == "native"
    bb = env.native.bb if native else BB_IN_CONTAINER
    base_cfg, rt = split_config(cfg)
    if rt is not None:  # the runc configuration's twin under another runtime (gVisor refuses adjtimex)
        script, n = file_clock(*workload("io" if metric.startswith("io_") else metric, bb, s, path="/tmp"), bb)
        return file_intervals_ms(_box_run(env.boxes[f"pinned:{rt}"], script), n)
    if metric in ("io_write", "io_read"):
        path = str(env.tmp / "native") if native else ("/data" if cfg == "bind" else "/tmp")
        script, n = workload("io", bb, s, path=path)
        box = env.boxes.get("pinned")
    elif metric.startswith("net_"):
        script, n = workload(metric, bb, s, url=env.urls[cfg])
        box = env.boxes.get(cfg)
    else:
        script, n = workload(metric, bb, s)
        box = env.boxes.get("unconfined" if cfg == "container-unconfined" else "pinned")
    pin = s.cpu if not metric.startswith("net_") else None
    out = env.native.run(script, pin) if native else _box_run(box, script)
    vals = intervals_ms(out, n)
    if metric == "net_latency":
        vals = [v / s.latency_requests for v in vals]
    return vals


def _timed_pairs(s: Settings) -> list[tuple[str, str]]:
    """(metric, config) pairs to schedule; io_read rides along with io_write (one dd script gives both)."""
    return [(m, c) for m in s.metrics if m in CONFIGS and m != "io_read"
            for c in (*CONFIGS[m], *(runtime_config(m, rt) for rt in s.runtimes if m in RUNTIME_TWIN))]


# ---------------------------------------------------------------- memory




def _pids_named(name: str) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if (p / "comm").read_text().strip() == name:
                    out.append(int(p.name))
            except OSError:
                continue
    return out






def cgroup_usage_mib(stats_json: dict) -> float:
    """Memory in use from a stats API answer, as ``docker stats`` shows it (page cache subtracted)."""
    ms = stats_json.get("memory_stats") or {}
    usage = ms.get("usage")
    if usage is None:
        return float("nan")
    st = ms.get("stats") or {}
    cache = st.get("total_inactive_file", st.get("inactive_file", st.get("cache", 0)))
    return max(usage - (cache or 0), 0) / 1024**2


def _measure_memory(s: Settings, stack: contextlib.ExitStack, add: Callable[..., None]) -> None:
    from vlab.core import sandbox
    from vlab.core.engine import guarded
    from vlab.core.images import find_busybox

    bb = str(find_busybox())
    proc = subprocess.Popen([bb, "sleep", "600"])
    stack.callback(_stop, proc)
    boxes = [stack.enter_context(sandbox.start(["sleep", "86400"], purpose="overhead-idle"))
             for _ in range(s.idle_containers)]
    time.sleep(0.5)
    add("memory", "native process RSS", 0, rss_mib(proc.pid), "MiB")
    for i, box in enumerate(boxes):
        with guarded(N_("reading container memory stats")):
            st = box.client.api.stats(box.id, stream=False, one_shot=True)
        add("memory", "cgroup usage", i, cgroup_usage_mib(st), "MiB")
        pid = int(box.inspect()["State"].get("Pid") or 0)
        add("memory", "container process RSS", i, rss_mib(pid) if pid else float("nan"), "MiB")
        shim = parent_pid(pid) if pid else None
        add("memory", "shim RSS", i, rss_mib(shim) if shim else float("nan"), "MiB")
    for i, box in enumerate(boxes):
        pid = int(box.inspect()["State"].get("Pid") or 0)
        shim = parent_pid(pid) if pid else None
        add("memory", "container tree RSS", i, tree_rss_mib(shim) if shim else float("nan"), "MiB")
    for rt in s.runtimes:  # the same idle container under another runtime, seen from the host
        lim = sandbox.Limits(runtime=rt, pids=SANDBOX_PIDS)
        rboxes = [stack.enter_context(sandbox.start(["sleep", "86400"], limits=lim, purpose=f"overhead-idle-{rt}"))
                  for _ in range(s.idle_containers)]
        time.sleep(0.5)
        for i, box in enumerate(rboxes):
            with guarded(N_("reading container memory stats")):
                st = box.client.api.stats(box.id, stream=False, one_shot=True)
            add("memory", f"cgroup usage:{rt}", i, cgroup_usage_mib(st), "MiB")
            pid = int(box.inspect()["State"].get("Pid") or 0)
            shim = parent_pid(pid) if pid else None
            add("memory", f"container tree RSS:{rt}", i, tree_rss_mib(shim) if shim else float("nan"), "MiB")
    for name in ("dockerd", "containerd"):
        for j, pid in enumerate(_pids_named(name)):
            add("memory", f"{name} RSS", j, rss_mib(pid), "MiB")


# ---------------------------------------------------------------- the measurement
def measure(trials: int | None = None, only: Iterable[str] | None = None, *, quick: bool | None = None,
            seed: int = 0, progress: bool = True, save_to: str | os.PathLike | None = None,
            budget: float | None = None, precision: float | None = None, min_trials: int | None = None,
            max_trials: int | None = None, **sizes) -> Results:
    """Measure container overhead against native; returns Results with samples, summary and ratios.

    ``only`` picks groups among cpu, syscall, io, net, memory. ``quick`` (default: ``VLAB_QUICK``) uses
    few trials and small sizes. ``sizes`` override Settings fields (cpu_iterations, io_mib, …).
    ``trials=N`` runs exactly N rounds; otherwise ``OVERHEAD_RULE`` with any of ``budget`` (s),
    ``precision`` (fraction), ``min_trials``, ``max_trials`` replaced; ``extra["stopping"]`` says how it ended.
    In replay mode the shipped recording is returned (filtered to ``only``).
    """
    quick = settings.quick() if quick is None else bool(quick)
    sizes_known = {"cpu_iterations", "syscall_bytes", "io_mib", "net_mib", "latency_requests", "idle_containers",
                   "cpu", "workdir", "runtimes"}
    unknown = sorted(set(sizes) - sizes_known)
    if unknown:
        raise BadParameter(_("unknown setting(s) {names}").format(names=", ".join(unknown)),
                           _("Use any of: {names}.").format(names=", ".join(sorted(sizes_known))))
    kw = dict(sizes, seed=seed)
    kw.update({k: v for k, v in dict(budget=budget, precision=precision, min_trials=min_trials,
                                     max_trials=max_trials).items() if v is not None})
    if trials is not None:
        kw["trials"] = trials
    if only is not None:
        if not isinstance(only, str | list | tuple | set | frozenset):
            raise BadParameter(_("only={only!r} is not a list of groups").format(only=only),
                               _("Choose among: {names}.").format(names=" ".join(GROUPS)))
        kw["only"] = tuple(only) if not isinstance(only, str) else (only,)
    s = Settings.for_mode(quick, **kw)
    if save_to is not None:
        check_output_path(save_to)
    res = _measure(s, progress=progress, save_to=save_to)
    if res.replayed:
        res = select(res, s.only)
        if save_to is not None:
            res.save(save_to)
    return res


def _check_measure(s: Settings, *, progress: bool = True, save_to=None) -> None:
    if not isinstance(s, Settings):
        raise BadParameter(_("settings={settings!r} is not an overhead Settings").format(settings=s),
                           _("Call overhead.measure(…) instead."))


@replay.replayable(KIND, check=_check_measure)
def _measure(s: Settings, *, progress: bool = True, save_to=None) -> Results:
    return run_live(s, progress=progress, save_to=save_to)


def run_live(s: Settings, *, progress: bool = False, save_to=None) -> Results:
    """Run the measurement described by ``s`` on the live engine (no replay)."""
    from vlab.core import provenance
    from vlab.core.engine import connect

    client = connect()
    from vlab.core import runtimes as rt_probe

    runtime_info = {}
    for rt in s.runtimes:  # each must start a container here, or the run stops before it begins, saying why
        p = rt_probe.require(rt, client)
        runtime_info[rt] = {"path": p.path, "args": list(p.args), "platform": p.platform, "kernel": p.kernel}
    rows: list[dict] = []
    seq = [0]

    def add(metric: str, cfg: str, trial: int, value: float, unit: str = "ms") -> None:
        rows.append(dict(metric=metric, config=cfg, trial=trial, order=seq[0], value=float(value), unit=unit))

    partial = False
    error: VlabError | None = None
    facts: dict = {}
    pairs = _timed_pairs(s)
    runs = interleave.Rounds(pairs, s.rule, s.seed, warmup=1, progress=progress, desc="overhead rounds")
    try:
        with contextlib.ExitStack() as stack:
            try:
                env = _setup(s, stack)
                facts = collect_facts(env)
                for trial, _, (metric, cfg) in runs:  # round -1: warm-up, discarded
                    vals = _run_one(env, s, metric, cfg)
                    if trial < 0:
                        continue
                    seq[0] += 1
                    got = {metric: vals[0]}
                    if metric == "io_write" and "io_read" in s.metrics:
                        got["io_read"] = vals[1]
                    for m, v in got.items():
                        add(m, cfg, trial, v)
                        runs.add((m, cfg), v)
                if "memory" in s.metrics:
                    _measure_memory(s, stack, add)
            except KeyboardInterrupt:
                partial = True
                runs.interrupted()
            except VlabError as exc:  # keep what was measured; containers are removed by the stack
                error, partial = exc, True
                runs.failed()
    except VlabError:
        if error is None:
            raise
        # the engine is gone, so clean-up could not finish: the next vlab start or `vlab clean` does it
    samples = pd.DataFrame(rows, columns=["metric", "config", "trial", "order", "value", "unit"])
    res = Results(
        kind=KIND,
        samples=samples,
        summary=summary(samples, seed=s.seed),
        provenance=provenance.collect(s.to_dict(), cpu_pinned=s.cpu,
                                      **({"runtimes": runtime_info} if runtime_info else {})),
        extra={"ratios": _records(ratios(samples, seed=s.seed)), "settings": s.to_dict(), "what": WHAT,
               "order_seed": s.seed, "workloads": describe_workloads(s), "facts": facts,
               "stopping": runs.report()},
        partial=partial,
    )
    if save_to is not None:
        res.save(save_to)
    if error is not None:
        error.partial = res  # the samples measured before the failure, saved when a path was given
        raise error
    return res


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in df.to_dict(orient="records")]


def describe_workloads(s: Settings) -> dict[str, str]:
    """One line per metric saying exactly what was measured, with sizes."""
    return {
        "cpu": f"busybox awk loop, {s.cpu_iterations:,} iterations, pinned to CPU {s.cpu}",
        "syscall": f"busybox dd bs=1 count={s.syscall_bytes:,}: about {2 * s.syscall_bytes:,} system calls "
                   f"(read+write), pinned to CPU {s.cpu}",
        "io_write": f"busybox dd write {s.io_mib} MiB, bs=1M, conv=fsync",
        "io_read": f"busybox dd read back the {s.io_mib} MiB file (page cache)",
        "net_throughput": f"busybox wget of a {s.net_mib} MiB file from busybox httpd",
        "net_latency": f"{s.latency_requests} HTTP requests for a 3-byte file in one busybox wget "
                       "(value: ms per request)",
        "memory": f"{s.idle_containers} idle containers running `sleep`; MiB from the host",
    }
