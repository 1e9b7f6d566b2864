"""Overhead lab, the workloads: groups, configurations, settings, the busybox scripts and their clocks.

Every workload times itself from the inside (busybox ``adjtimex`` before and after the work); this module builds
the scripts and parses what they print. The package docstring (``vlab.labs.overhead``) describes each workload.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vlab.core import interleave
from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import N_, _
from vlab.core.interleave import StopRule
from vlab.core.validate import whole_number

__all__ = [
    "BB_IN_CONTAINER", "CONFIGS", "EXTRA_PAIRS", "GROUPS", "HTTP_PORT", "KIND", "OVERHEAD_RULE", "RUNTIME_TWIN",
    "SANDBOX_PIDS", "Settings", "WHAT", "check_runtimes", "docroot_script", "file_clock", "file_clock_ns",
    "file_intervals_ms",
    "free_port", "intervals_ms", "parse_stamps", "runtime_config", "schedule", "serve_script", "split_config",
    "stamp", "workload",
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
    "cpu": N_("CPU: busybox awk loop"),
    "syscall": N_("system calls: dd bs=1 (read+write per byte)"),
    "io_write": N_("disk write + fsync (dd conv=fsync)"),
    "io_read": N_("read back (page cache)"),
    "net_throughput": N_("network throughput: one large HTTP download"),
    "net_latency": N_("network latency: one small HTTP request"),
    "memory": N_("memory per idle container"),
}
#: Default stopping rule of the timed workloads: each median within ±5 %, or 12 s spent (warm-up round included).
OVERHEAD_RULE = StopRule(precision=0.05, budget_s=12.0, min_trials=6, max_trials=200)
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
            raise BadParameter(_("only={only!r} names no known measurement").format(only=list(self.only)),
                               _("Choose among: {names}.").format(names=" ".join(GROUPS)))
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
            raise BadParameter(_("cpu={cpu!r} is not a CPU this process may use").format(cpu=self.cpu),
                               _("Use one of {allowed} (or leave it out).").format(allowed=allowed))
        if self.workdir is not None and (not isinstance(self.workdir, str | os.PathLike)
                                         or not Path(self.workdir).is_dir()):
            raise BadParameter(_("workdir={workdir!r} is not a folder").format(workdir=self.workdir),
                               _("Give an existing folder on the host disk."))
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
        raise BadParameter(_("runtimes={value!r} is not a list of runtime names").format(value=value),
                           _("For example runtimes=['runsc']."))
    out = []
    for r in value:
        if not isinstance(r, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", r):
            raise BadParameter(_("runtime {name!r} is not a runtime name").format(name=r),
                               _("For example 'runsc'; `vlab doctor` lists them."))
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


def file_clock_ns(text: str) -> int | None:
    """The first file-clock stamp of :func:`file_clock`'s output as ns since the epoch (None if absent).

    The start lab's clock marker under gVisor: the same clock reading as ``adjtimex`` elsewhere.
    """
    m = _FILE_STAMP.search(text or "")
    if not m:
        return None
    sec, frac = m.groups()
    return int(sec) * 1_000_000_000 + int(frac.ljust(9, "0")[:9])


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
