"""What a container costs compared with native: CPU, system calls, disk I/O, network and memory.

The same static busybox binary runs every workload, natively (a subprocess on the host) and inside
containers, so the only difference is the container around it. Each workload times itself from the
inside: the script prints the wall clock (busybox ``adjtimex``, microseconds) before and after the
work, so ``docker exec`` round trips are never part of a measurement.

Workloads (all fixed amounts of work; every value is the time it took, in ms, so lower is faster):

- ``cpu``: a busybox ``awk`` loop (pure user-space arithmetic, no system calls);
- ``syscall``: ``dd if=/dev/zero of=/dev/null bs=1 count=N``: one ``read`` plus one ``write`` per byte,
  about 2·N system calls, native vs container with Docker's default seccomp filter vs ``seccomp=unconfined``;
- ``io_write`` / ``io_read``: ``dd`` writes N MiB with ``conv=fsync`` (real disk I/O) then reads it back
  (page cache), on the host vs the container's overlay filesystem vs a bind-mounted host directory;
- ``net_throughput`` / ``net_latency``: busybox ``httpd`` + ``wget``: one large file, then many small
  requests (each a TCP connect + HTTP request/response, one wget process for all of them), over native
  loopback vs loopback inside one container vs the bridge between two containers vs host networking;
- ``memory``: MiB per idle container seen from the host (cgroup usage via the stats API, the process's
  RSS and its containerd shim's RSS), a native ``sleep``'s RSS, and the engine's own RSS (dockerd, containerd).

Configurations run in interleaved rounds (``vlab.core.interleave.Rounds``: seeded order, one warm-up
round) until every median is known to ±5 % or the time budget is spent (``OVERHEAD_RULE``; ``trials=N``
runs exactly N); ratios container/native come with bootstrap 95% CIs (``vlab.core.stats.ratio_ci``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from vlab.core import interleave, replay, settings, stats
from vlab.core.errors import BadParameter, DataError, EngineError, VlabError
from vlab.core.interleave import StopRule
from vlab.core.results import Results, check_output_path
from vlab.core.validate import whole_number

__all__ = [
    "BB_IN_CONTAINER", "CONFIGS", "EXTRA_PAIRS", "GROUPS", "HTTP_PORT", "KIND", "OVERHEAD_RULE", "RECORDINGS",
    "RUNTIME_TWIN", "SANDBOX_PIDS", "Settings", "WHAT", "add_cli_arguments", "bridge_network", "cgroup_usage_mib",
    "check_runtimes", "collect_facts", "describe_workloads", "docroot_script", "file_clock", "file_intervals_ms",
    "format_report", "free_port", "intervals_ms", "measure", "memory_table", "parse_stamps", "ratio_table", "ratios",
    "run_cli", "run_live", "runtime_config", "schedule", "seconds_to_rate", "select", "serve_script", "split_config",
    "stamp", "summary", "workload"
]

KIND = "overhead"
GROUPS: dict[str, tuple[str, ...]] = {
    "cpu": ("cpu",),
    "syscall": ("syscall",),
    "io": ("io_write", "io_read"),
    "net": ("net_throughput", "net_latency"),
    "memory": ("memory",),
}
#: For each timed metric: the configurations, the first one being the native baseline.
CONFIGS: dict[str, tuple[str, ...]] = {
    "cpu": ("native", "container"),
    "syscall": ("native", "container", "container-unconfined"),
    "io_write": ("native", "overlay", "bind"),
    "io_read": ("native", "overlay", "bind"),
    "net_throughput": ("native", "container-loopback", "bridge", "host-network"),
    "net_latency": ("native", "container-loopback", "bridge", "host-network"),
}
#: Extra comparisons beside "config vs native": (metric, config, baseline).
EXTRA_PAIRS: tuple[tuple[str, str, str], ...] = (("syscall", "container", "container-unconfined"),)
WHAT = {
    "cpu": "CPU: busybox awk loop",
    "syscall": "system calls: dd bs=1 (read+write per byte)",
    "io_write": "disk write + fsync (dd conv=fsync)",
    "io_read": "read back (page cache)",
    "net_throughput": "network throughput: one large HTTP download",
    "net_latency": "network latency: one small HTTP request",
    "memory": "memory per idle container",
}
#: Default stopping rule of the timed workloads: each median within ±5 %, or 15 s spent (warm-up round included).
OVERHEAD_RULE = StopRule(precision=0.05, budget_s=15.0, min_trials=5, max_trials=200)
BB_IN_CONTAINER = "/bin/busybox"
HTTP_PORT = 8080
_STAMP = re.compile(r"time\.tv_sec:\s*(\d+)\s*\n\s*time\.tv_usec:\s*(\d+)")


# ---------------------------------------------------------------- settings
@dataclass
class Settings:
    """What to run and how much: validated before any container starts."""

    trials: int | None = None  # exactly this many rounds; None: the stopping rule below
    budget: float | None = None  # the stopping rule's options (None: OVERHEAD_RULE's)
    precision: float | None = None
    min_trials: int | None = None
    max_trials: int | None = None
    only: tuple[str, ...] = ("cpu", "syscall", "io", "net", "memory")
    seed: int = 0
    cpu_iterations: int = 1_000_000
    syscall_bytes: int = 200_000
    io_mib: int = 32
    net_mib: int = 32
    latency_requests: int = 200
    idle_containers: int = 3
    cpu: int | None = None
    workdir: str | None = None
    runtimes: tuple[str, ...] = ()  # extra OCI runtimes (e.g. runsc) measured beside runc, interleaved
    metrics: tuple[str, ...] = field(init=False, default=())
    rule: StopRule = field(init=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.trials is not None:
            self.trials = whole_number("trials", self.trials, 1, 1000)
        self.rule = StopRule.choose(OVERHEAD_RULE, self.trials, budget=self.budget, precision=self.precision,
                                    min_trials=self.min_trials, max_trials=self.max_trials)
        if isinstance(self.only, str):
            self.only = (self.only,)
        only = tuple(dict.fromkeys(self.only))
        bad = [g for g in only if g not in GROUPS]
        if bad or not only:
            raise BadParameter(f"only={list(self.only)!r} names no known measurement",
                               f"Choose among: {' '.join(GROUPS)}.")
        self.only = only
        self.seed = whole_number("seed", self.seed, 0, 2**32 - 1)
        self.cpu_iterations = whole_number("cpu_iterations", self.cpu_iterations, 1000, 100_000_000)
        self.syscall_bytes = whole_number("syscall_bytes", self.syscall_bytes, 1000, 100_000_000)
        self.io_mib = whole_number("io_mib", self.io_mib, 1, 1024)
        self.net_mib = whole_number("net_mib", self.net_mib, 1, 96)
        self.latency_requests = whole_number("latency_requests", self.latency_requests, 1, 5000)
        self.idle_containers = whole_number("idle_containers", self.idle_containers, 1, 20)
        allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else list(range(os.cpu_count() or 1))
        if self.cpu is None:
            self.cpu = allowed[-1]
        elif isinstance(self.cpu, bool) or not isinstance(self.cpu, int) or self.cpu not in allowed:
            raise BadParameter(f"cpu={self.cpu!r} is not a CPU this process may use",
                               f"Use one of {allowed} (or leave it out).")
        if self.workdir is not None and (not isinstance(self.workdir, str | os.PathLike)
                                         or not Path(self.workdir).is_dir()):
            raise BadParameter(f"workdir={self.workdir!r} is not a folder", "Give an existing folder on the host disk.")
        self.metrics = tuple(m for g in self.only for m in GROUPS[g])
        self.runtimes = check_runtimes(self.runtimes)

    @classmethod
    def for_mode(cls, quick: bool, **overrides) -> Settings:
        """Full-size settings, or the small quick-mode ones (CI, notebook quick runs)."""
        if quick:
            rule_given = any(overrides.get(k) is not None for k in ("budget", "precision", "min_trials", "max_trials"))
            base = dict(trials=None if rule_given else 5, cpu_iterations=150_000, syscall_bytes=40_000, io_mib=8,
                        net_mib=8, latency_requests=30, idle_containers=2)
            base.update(overrides)
            return cls(**base)
        return cls(**overrides)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["only"] = list(self.only)
        d["metrics"] = list(self.metrics)
        d["runtimes"] = list(self.runtimes)
        return d


# ---------------------------------------------------------------- other runtimes (gVisor …)
#: metric → the runc configuration that a runtime's configuration repeats (``container:runsc``, ``overlay:runsc``)
RUNTIME_TWIN = {"cpu": "container", "syscall": "container", "io_write": "overlay", "io_read": "overlay"}


def check_runtimes(value: object) -> tuple[str, ...]:
    """Runtime names to measure beside runc (``runc`` itself is the containers' default and left out)."""
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple):
        raise BadParameter(f"runtimes={value!r} is not a list of runtime names", "For example runtimes=['runsc'].")
    out = []
    for r in value:
        if not isinstance(r, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", r):
            raise BadParameter(f"runtime {r!r} is not a runtime name", "For example 'runsc'; `vlab doctor` lists them.")
        if r != "runc" and r not in out:
            out.append(r)
    return tuple(out)


SANDBOX_PIDS = 512  # = vlab.core.runtimes.SANDBOX_PIDS: gVisor's threads count against the pids limit


def runtime_config(metric: str, runtime: str) -> str:
    """The configuration name of ``metric`` under ``runtime``: ``container:runsc``, ``overlay:runsc``."""
    return f"{RUNTIME_TWIN[metric]}:{runtime}"


_FILE_STAMP = re.compile(r"^(\d+) \S+ \d+:\d+:\d+\.(\d+)", re.M)


def file_clock(script: str, n: int, bb: str) -> tuple[str, int]:
    """``script`` with each ``adjtimex`` stamp replaced by a clock read gVisor allows.

    gVisor refuses ``adjtimex`` (EPERM), so the shell itself stamps: ``: > /dev/shm/vlab-tK`` creates
    a file (a builtin, no process started), and the file's modification time, read with ``stat`` after
    the work, is the clock at that moment (nanoseconds under gVisor; runc's tmpfs would round it to a tick).
    """
    parts = script.split(stamp(bb))
    if len(parts) != n + 2:
        raise BadParameter(f"expected {n + 1} stamps in the workload, found {len(parts) - 1}")
    files = [f"/dev/shm/vlab-t{k}" for k in range(n + 1)]
    out = parts[0] + "".join(f": > {f}{part}" for f, part in zip(files, parts[1:], strict=True))
    return f"{out}; {bb} stat -c '%Y %y' {' '.join(files)}; {bb} rm -f {' '.join(files)}", n


def file_intervals_ms(text: str, expected: int) -> list[float]:
    """Durations in ms between the file stamps of :func:`file_clock`."""
    st = [int(sec) + int(frac) / 10 ** len(frac) for sec, frac in _FILE_STAMP.findall(text)]
    if len(st) != expected + 1:
        raise DataError(f"expected {expected + 1} file clock stamps, found {len(st)}: {' '.join(text.split())[:200]!r}")
    out = [(b - a) * 1000.0 for a, b in zip(st, st[1:], strict=False)]
    if any(d < 0 for d in out):
        raise DataError("the clock went backwards during a workload", "Run it again.")
    return out


def split_config(cfg: str) -> tuple[str, str | None]:
    """``container:runsc`` → (``container``, ``runsc``); ``bridge`` → (``bridge``, None)."""
    base, _, rt = cfg.partition(":")
    return base, (rt or None)


# ---------------------------------------------------------------- scripts and parsing
def stamp(bb: str) -> str:
    """Shell snippet printing the wall clock with microseconds (busybox adjtimex, read-only)."""
    return f"{bb} adjtimex"


def parse_stamps(text: str) -> list[float]:
    """Wall-clock stamps (seconds, µs resolution) printed by ``adjtimex``, in order."""
    return [int(s) + int(us) / 1e6 for s, us in _STAMP.findall(text)]


def intervals_ms(text: str, expected: int) -> list[float]:
    """Durations in ms between consecutive stamps; DataError unless exactly ``expected`` intervals."""
    st = parse_stamps(text)
    if len(st) != expected + 1:
        raise DataError(f"expected {expected + 1} clock stamps from the workload, found {len(st)}: "
                        f"{' '.join(text.split())[:200]!r}", "Check that busybox has the adjtimex applet.")
    out = [(b - a) * 1000.0 for a, b in zip(st, st[1:], strict=False)]
    if any(d < 0 for d in out):
        raise DataError("the wall clock went backwards during a workload (clock adjusted?)", "Run it again.")
    return out


def workload(metric: str, bb: str, s: Settings, *, path: str = "", url: str = "") -> tuple[str, int]:
    """The shell script for ``metric`` (run by busybox sh) and how many intervals it prints."""
    t = stamp(bb)
    if metric == "cpu":
        body = f"{bb} awk 'BEGIN{{s=0;for(i=0;i<{s.cpu_iterations};i++)s+=i%7;print s}}' >/dev/null"
        return f"{t}; {body}; {t}", 1
    if metric == "syscall":
        body = f"{bb} dd if=/dev/zero of=/dev/null bs=1 count={s.syscall_bytes} 2>/dev/null"
        return f"{t}; {body}; {t}", 1
    if metric == "io":
        f = f"{path}/vlab-io.bin"
        return (f"{t}; {bb} dd if=/dev/zero of={f} bs=1M count={s.io_mib} conv=fsync 2>/dev/null; {t}; "
                f"{bb} dd if={f} of=/dev/null bs=1M 2>/dev/null; {t}; {bb} rm -f {f}"), 2
    if metric == "net_throughput":
        return f"{t}; {bb} wget -q -O /dev/null {url}/blob; {t}", 1
    if metric == "net_latency":
        urls = " ".join([f"{url}/s"] * s.latency_requests)
        return f"{t}; {bb} wget -q -O /dev/null {urls}; {t}", 1
    raise BadParameter(f"unknown metric {metric!r}")


def docroot_script(bb: str, docroot: str, mib: int) -> str:
    """Create the web root: ``blob`` (``mib`` MiB of zeros) and ``s`` (3 bytes)."""
    return (f"{bb} mkdir -p {docroot} && {bb} dd if=/dev/zero of={docroot}/blob bs=1M count={mib} 2>/dev/null && "
            f"echo ok > {docroot}/s")


def serve_script(bb: str, docroot: str, addr: str, mib: int) -> str:
    """Create the web root and start busybox httpd in the background (it daemonizes) on ``addr``."""
    return f"{docroot_script(bb, docroot, mib)} && {bb} httpd -p {addr} -h {docroot}"


def free_port() -> int:
    """A TCP port free on the host's loopback right now."""
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return int(sk.getsockname()[1])


def schedule(pairs: Sequence[tuple[str, str]], trials: int, seed: int) -> list[tuple[str, str, int]]:
    """Every (metric, config) ``trials`` times: the order ``run_live`` uses with ``trials`` fixed."""
    return [(m, c, t) for t, _, (m, c) in interleave.rounds(list(pairs), trials, seed)]


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
            raise VlabError(f"native workload failed ({proc.returncode}): {proc.stderr.strip()[:200]}",
                            "Run `vlab doctor`; check the host's busybox.")
        return proc.stdout


def _box_run(box, script: str) -> str:
    res = box.exec(["/bin/sh", "-c", script])
    if res.exit_code != 0:
        raise EngineError(f"workload failed in container {box.name} ({res.exit_code}): {res.stderr.strip()[:200]}",
                          "Run `vlab doctor`; the course image may be stale (`vlab doctor --build`).")
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
    for _ in range(tries):
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
def _rss_mib(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    m = re.search(r"^VmRSS:\s*(\d+)\s*kB", text, re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def _ppid(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text.rsplit(")", 1)[1].split()[1])


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


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit() and _ppid(int(p.name)) == pid:
            out.append(int(p.name))
    return out


def _tree_rss_mib(shim: int) -> float:
    """RSS summed over every process below a containerd shim (the container; gVisor: sandbox + gofer)."""
    todo, total, seen = _children(shim), 0.0, set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss = _rss_mib(pid)
        total += 0.0 if rss != rss else rss
        todo.extend(_children(pid))
    return total if seen else float("nan")


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
    add("memory", "native process RSS", 0, _rss_mib(proc.pid), "MiB")
    for i, box in enumerate(boxes):
        with guarded("reading container memory stats"):
            st = box.client.api.stats(box.id, stream=False, one_shot=True)
        add("memory", "cgroup usage", i, cgroup_usage_mib(st), "MiB")
        pid = int(box.inspect()["State"].get("Pid") or 0)
        add("memory", "container process RSS", i, _rss_mib(pid) if pid else float("nan"), "MiB")
        shim = _ppid(pid) if pid else None
        add("memory", "shim RSS", i, _rss_mib(shim) if shim else float("nan"), "MiB")
    for i, box in enumerate(boxes):
        pid = int(box.inspect()["State"].get("Pid") or 0)
        shim = _ppid(pid) if pid else None
        add("memory", "container tree RSS", i, _tree_rss_mib(shim) if shim else float("nan"), "MiB")
    for rt in s.runtimes:  # the same idle container under another runtime, seen from the host
        lim = sandbox.Limits(runtime=rt, pids=SANDBOX_PIDS)
        rboxes = [stack.enter_context(sandbox.start(["sleep", "86400"], limits=lim, purpose=f"overhead-idle-{rt}"))
                  for _ in range(s.idle_containers)]
        time.sleep(0.5)
        for i, box in enumerate(rboxes):
            with guarded("reading container memory stats"):
                st = box.client.api.stats(box.id, stream=False, one_shot=True)
            add("memory", f"cgroup usage:{rt}", i, cgroup_usage_mib(st), "MiB")
            pid = int(box.inspect()["State"].get("Pid") or 0)
            shim = _ppid(pid) if pid else None
            add("memory", f"container tree RSS:{rt}", i, _tree_rss_mib(shim) if shim else float("nan"), "MiB")
    for name in ("dockerd", "containerd"):
        for j, pid in enumerate(_pids_named(name)):
            add("memory", f"{name} RSS", j, _rss_mib(pid), "MiB")


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
        raise BadParameter(f"unknown setting(s) {', '.join(unknown)}", f"Use any of: {', '.join(sorted(sizes_known))}.")
    kw = dict(sizes, seed=seed)
    kw.update({k: v for k, v in dict(budget=budget, precision=precision, min_trials=min_trials,
                                     max_trials=max_trials).items() if v is not None})
    if trials is not None:
        kw["trials"] = trials
    if only is not None:
        if not isinstance(only, str | list | tuple | set | frozenset):
            raise BadParameter(f"only={only!r} is not a list of groups", f"Choose among: {' '.join(GROUPS)}.")
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
        raise BadParameter(f"settings={s!r} is not an overhead Settings", "Call overhead.measure(…) instead.")


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


# ---------------------------------------------------------------- analysis
def summary(samples: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Median, CI, … per (metric, config), in display order, with the time ratio to native and its CI."""
    df = stats.summarize_frame(samples, by=["metric", "config"], value="value")
    if df.empty:
        return df
    rank = {(m, c): i for i, (m, c) in enumerate((m, c) for m, cs in CONFIGS.items() for c in cs)}
    df = df.assign(_r=[rank.get((m, c), 10**6 + i) for i, (m, c) in enumerate(zip(df.metric, df.config,
                                                                                 strict=True))])
    df = df.sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)
    r = ratios(samples, seed=seed)
    r = r[r.baseline == "native"][["metric", "config", "ratio", "ci_low", "ci_high"]].rename(
        columns={"ratio": "ratio_to_native", "ci_low": "ratio_ci_low", "ci_high": "ratio_ci_high"})
    return df.merge(r, on=["metric", "config"], how="left")


def ratios(samples: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Ratio of medians config/baseline (time, so >1 means slower) with bootstrap 95% CIs."""
    cols = ["metric", "config", "baseline", "ratio", "ci_low", "ci_high", "n_num", "n_den"]
    if samples.empty:
        return pd.DataFrame(columns=cols)
    pairs = [(m, c, cs[0]) for m, cs in CONFIGS.items() for c in cs[1:]] + list(EXTRA_PAIRS)
    for m, c in samples[["metric", "config"]].drop_duplicates().itertuples(index=False):
        base_cfg, rt = split_config(c)
        if rt is not None and m in CONFIGS:  # another runtime: vs native, and vs the same thing under runc
            pairs += [(m, c, CONFIGS[m][0]), (m, c, base_cfg)]
    rows = []
    for metric, cfg, base in pairs:
        sel = samples[samples.metric == metric]
        num, den = sel[sel.config == cfg]["value"], sel[sel.config == base]["value"]
        if num.empty or den.empty:
            continue
        rows.append({"metric": metric, "config": cfg, "baseline": base, **stats.ratio_ci(num, den, seed=seed)})
    return pd.DataFrame(rows, columns=cols)


def ratio_table(res: Results) -> pd.DataFrame:
    """The ratios of a Results (recomputed from the samples), readable: what, config, ratio, CI."""
    df = ratios(res.samples, seed=int(res.extra.get("order_seed", 0) or 0))
    df.insert(0, "what", df.metric.map(WHAT))
    return df


def select(res: Results, groups: Iterable[str]) -> Results:
    """A copy of ``res`` keeping only the metrics of ``groups`` (cpu, syscall, io, net, memory)."""
    groups = list(groups)
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise BadParameter(f"unknown group(s) {bad}", f"Choose among: {' '.join(GROUPS)}.")
    keep = {m for g in groups for m in GROUPS[g]}
    samples = res.samples[res.samples.metric.isin(keep)].reset_index(drop=True) if not res.samples.empty \
        else res.samples
    summ = res.summary[res.summary.metric.isin(keep)].reset_index(drop=True) if not res.summary.empty \
        else res.summary
    extra = dict(res.extra)
    extra["ratios"] = [r for r in extra.get("ratios", []) if r.get("metric") in keep]
    out = Results(res.kind, samples, summ, res.provenance, extra, res.partial)
    out.replayed = res.replayed
    return out


def memory_table(res: Results) -> pd.DataFrame:
    """Median MiB per memory item (per idle container, native process, engine daemons)."""
    mem = res.samples[res.samples.metric == "memory"] if not res.samples.empty else res.samples
    if mem.empty:
        return pd.DataFrame(columns=["item", "MiB", "n"])
    g = mem.groupby("config", sort=False)["value"]
    return pd.DataFrame({"item": list(g.groups), "MiB": g.median().round(2).values, "n": g.count().values})


def seconds_to_rate(ms: float, mib: int) -> float:
    """MiB/s for ``mib`` MiB moved in ``ms`` milliseconds."""
    if ms <= 0:
        raise BadParameter("a transfer time must be positive")
    return mib / (ms / 1000.0)


# ---------------------------------------------------------------- CLI and recordings
def add_cli_arguments(parser) -> None:
    """Arguments of ``vlab bench overhead``."""
    parser.add_argument("--trials", type=int, default=None,
                        help="exactly N runs per configuration (default: the stopping rule below; quick 5)")
    parser.add_argument("--only", nargs="+", metavar="GROUP", choices=list(GROUPS),
                        help=f"measure only these groups ({' '.join(GROUPS)}); default all")
    parser.add_argument("--json", metavar="PATH", help="write the results (samples, summary, ratios) as JSON")
    parser.add_argument("--quick", action="store_true", help="few trials and small sizes (also VLAB_QUICK=1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the randomised run order (default 0)")
    parser.add_argument("--runtime", action="append", default=None, metavar="NAME",
                        help="also measure under this runtime, e.g. runsc (gVisor), interleaved with runc; "
                             "repeatable (`vlab doctor` lists the working runtimes)")
    interleave.add_cli_arguments(parser, OVERHEAD_RULE)


def run_cli(args) -> int:
    """``vlab bench overhead``: measure, print ratios with CIs, write JSON if asked."""
    path = check_output_path(args.json) if args.json else None
    quick = bool(args.quick) or settings.quick()
    extra = {"runtimes": tuple(args.runtime)} if getattr(args, "runtime", None) else {}
    extra.update({k: v for k, v in interleave.cli_options(args).items() if v is not None})
    res = measure(trials=args.trials, only=args.only, quick=quick, seed=args.seed, progress=True, save_to=path,
                  **extra)
    print(format_report(res))
    if path is not None:
        print(f"wrote {path}")
    return 130 if res.partial else 0


def format_report(res: Results) -> str:
    """Plain-text report: ratios with CIs, then memory."""
    lines = [f"vlab overhead{' (REPLAYED recording)' if res.replayed else ''}"
             f"{' (PARTIAL: interrupted)' if res.partial else ''}: time ratio, >1 = slower than baseline"]
    rt = ratio_table(res)
    for r in rt.itertuples():
        lines.append(f"  {r.metric:15s} {r.config:21s} / {r.baseline:20s} {r.ratio:6.3f}  "
                     f"[95% CI {r.ci_low:.3f}–{r.ci_high:.3f}]  n={r.n_num}/{r.n_den}")
    mem = memory_table(res)
    for r in mem.itertuples():
        lines.append(f"  memory          {r.item:24s} {r.MiB:8.2f} MiB  (n={r.n})")
    stop = res.extra.get("stopping")
    if stop:
        lines.append(f"  precision: {interleave.describe(stop)}; rule: {interleave.describe_rule(stop.get('rule'))}")
    return "\n".join(lines)


def _record(quick: bool) -> Results:
    return run_live(Settings.for_mode(quick, **({} if quick else {"trials": 10})), progress=True)


RECORDINGS = {KIND: _record}
