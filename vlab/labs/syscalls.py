"""System calls, seen live (S2.7–S2.9): a program gets resources only by asking the kernel.

- ``count_syscalls(n)`` runs the same static busybox ``dd`` copying ``n`` single bytes natively and
  inside a container, and reads how many read()/write() calls the *host* kernel counted for it
  (``syscr``/``syscw`` in ``/proc/<pid>/io``). Both counts come from the same kernel: a container
  has no kernel of its own. Replayable (kind ``syscalls``).
- ``raw_getpid()`` asks the kernel for this process's PID *by system-call number*, through libc's
  ``syscall()``; ``SYSCALL_NUMBERS`` shows that other OSes number the same calls differently (S2.8).
- The system-call path: ``path(op, where)`` gives the hops an operation (``OPERATIONS``) takes from the app
  to the hardware in a container, a VM or on bare metal; ``kernels_crossed``; ``costs(op)`` what vlab has
  measured for it. ``vlab.widgets.syscall_path`` draws it.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass

import pandas as pd

from vlab.core import provenance, replay
from vlab.core.errors import DataError, ToolMissing
from vlab.core.exercise import Feedback, checker, is_blank, not_yet, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.results import Results
from vlab.core.validate import choice, whole_number

__all__ = [
    "KIND", "LAYER_KO", "OPERATIONS", "OVERHEAD_WORDS", "RECORDINGS", "SCRIPT", "SYSCALL_NUMBERS", "TIMED_LOOP",
    "WHERE", "Hop", "Operation", "check_syscall_ratios", "check_write_count", "compare_overhead_prediction", "costs",
    "check_where", "count_syscalls", "counted_at_least_n", "getpid_matches", "kernels_crossed", "operation",
    "parse_counts", "path",
    "raw_getpid", "recorded_loop_times", "timed_loop"
]

KIND = "syscalls"
# The shell reads its own I/O counters (they include reaped children) before and after dd.
SCRIPT = (
    'b=$("$BB" cat /proc/$$/io); "$BB" dd if=/dev/zero of=/dev/null bs=1 count={n} 2>/dev/null; '
    'a=$("$BB" cat /proc/$$/io); echo "$b"; echo ---; echo "$a"; echo ---; "$BB" uname -r'
)
_COUNTER = re.compile(r"^(syscr|syscw):\s*(\d+)\s*$", re.M)

# Published syscall numbers: Linux from the kernel's tables (arch/x86/entry/syscalls/syscall_64.tbl,
# syscall_32.tbl, include/uapi/asm-generic/unistd.h), macOS from XNU bsd/kern/syscalls.master (BSD class;
# on x86-64 the trap number adds 0x2000000), FreeBSD from sys/kern/syscalls.master.
SYSCALL_NUMBERS = pd.DataFrame(
    [
        ("Linux", "x86-64", 1, 39, 60, "linux arch/x86/entry/syscalls/syscall_64.tbl"),
        ("Linux", "arm64", 64, 172, 93, "linux include/uapi/asm-generic/unistd.h"),
        ("Linux", "i386 (32-bit x86)", 4, 20, 1, "linux arch/x86/entry/syscalls/syscall_32.tbl"),
        ("macOS", "x86-64 / arm64", 4, 20, 1, "apple xnu bsd/kern/syscalls.master"),
        ("FreeBSD", "all", 4, 20, 1, "freebsd sys/kern/syscalls.master"),
    ],
    columns=["os", "arch", "write", "getpid", "exit", "source"],
)
_GETPID = {"x86_64": 39, "aarch64": 172, "arm64": 172, "i386": 20, "i686": 20}


def _check_n(n: int) -> int:
    return whole_number("n", n, 10, 1_000_000, "For example n=2000.")


def parse_counts(text: str) -> tuple[dict[str, int], str]:
    """Parse the script's output → ({"syscr": Δ, "syscw": Δ}, kernel release)."""
    parts = text.split("---")
    if len(parts) != 3:
        raise DataError(_("unexpected output from the syscall counter script"),
                        _("Re-run the cell; see the raw output."))
    before, after = (dict((k, int(v)) for k, v in _COUNTER.findall(p)) for p in parts[:2])
    if set(before) != {"syscr", "syscw"} or set(after) != {"syscr", "syscw"}:
        raise ToolMissing(
            _("This kernel does not count system calls in /proc/<pid>/io (CONFIG_TASK_IO_ACCOUNTING is off)."),
            _("Use a kernel with task I/O accounting (all major distributions have it), or use replay mode."),
        )
    return {k: after[k] - before[k] for k in before}, parts[2].strip()


def _native(n: int) -> str:
    from vlab.core.images import find_busybox

    bb = str(find_busybox())
    proc = subprocess.run([bb, "sh", "-c", SCRIPT.replace("{n}", str(n))], capture_output=True, text=True,
                          timeout=120, env={"BB": bb, "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise ToolMissing(_("busybox sh failed natively: {stderr}").format(stderr=proc.stderr.strip()[:200]))
    return proc.stdout


def _container(n: int) -> str:
    from vlab.core import sandbox

    res = sandbox.run(["/bin/busybox", "sh", "-c", SCRIPT.replace("{n}", str(n))], purpose="syscalls",
                      environment={"BB": "/bin/busybox"})
    if not res.ok:
        raise DataError(_("the syscall counter failed in the container (exit {code}): {stderr}").format(
            code=res.exit_code, stderr=res.stderr[:200]))
    return res.stdout


def count_syscalls(n: int = 2000) -> Results:
    """Count the read()/write() calls the host kernel sees for ``dd bs=1 count=n``, native and in a container.

    ``n`` is checked first, in live and replay mode alike; replay mode returns the shipped recording.
    """
    return _count_syscalls(_check_n(n))


@replay.replayable(KIND, check=_check_n)
def _count_syscalls(n: int) -> Results:
    n = _check_n(n)
    rows = []
    for where, fn in (("native", _native), ("container", _container)):
        counts, kernel = parse_counts(fn(n))
        rows.append({"where": where, "n": n, "syscr": counts["syscr"], "syscw": counts["syscw"], "kernel": kernel})
    samples = pd.DataFrame(rows)
    summary = samples.assign(reads_per_byte=samples["syscr"] / samples["n"],
                             writes_per_byte=samples["syscw"] / samples["n"])[
        ["where", "n", "syscr", "syscw", "reads_per_byte", "writes_per_byte"]]
    same = bool(samples["kernel"].nunique() == 1)
    return Results(KIND, samples, summary, provenance.collect({"n": n, "command": "busybox dd bs=1"}),
                   extra={"same_kernel": same, "host_kernel": platform.release()})


def counted_at_least_n(res: Results) -> dict[str, bool]:
    """The relation that always holds: the kernel counted at least n reads and n writes in each place."""
    s = res.samples
    return {r.where: bool(r.syscr >= r.n and r.syscw >= r.n) for r in s.itertuples()}


def raw_getpid() -> tuple[int, int]:
    """Call getpid by its number through libc ``syscall()``; returns (number, result). Linux only."""
    number = _GETPID.get(platform.machine())
    if not sys.platform.startswith("linux") or number is None:
        raise ToolMissing(_("The raw system-call demo needs Linux on x86 or arm64 (this is {system} "
                            "{machine}).").format(system=sys.platform, machine=platform.machine()),
                          _("Read the table instead; the idea is the same everywhere."))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return number, int(libc.syscall(number))


def getpid_matches() -> bool:
    """True when the raw system call returned the same PID as Python's os.getpid()."""
    return raw_getpid()[1] == os.getpid()


RECORDINGS = {KIND: lambda quick: count_syscalls(n=2000 if quick else 10000)}


# ------------------------------------------------------------------ learning by doing (notebook 09)
#: The glass-box cell's loop: busybox reads the clock (adjtimex, µs), copies {n} single bytes with dd (two system
#: calls per byte), reads the clock again and prints the µs in between. "$BB" is the busybox binary.
TIMED_LOOP = (
    'now(){ "$BB" adjtimex | "$BB" awk \'/tv_sec/{s=$2}/tv_usec/{u=$2}END{printf "%d%06d\\n", s, u}\'; }; '
    't0=$(now); "$BB" dd if=/dev/zero of=/dev/null bs=1 count={n} 2>/dev/null; t1=$(now); echo $((t1 - t0))'
)


def timed_loop(n: int = 200_000) -> str:
    """The glass-box shell line for ``n`` single-byte copies (prints the loop's µs)."""
    return TIMED_LOOP.replace("{n}", str(_check_n(n)))


def recorded_loop_times() -> tuple[dict[str, float], str]:
    """Replay stand-in for the glass-box cell: median ms of the recorded syscall workload, native vs container."""
    s = replay.load("overhead").samples
    s = s[s["metric"] == "syscall"]
    med = s.groupby("config")["value"].median()
    times = {w: float(med[w]) for w in ("native", "container") if w in med.index}
    return times, ("replay: no engine here; the median times (ms) of the recorded run's `dd bs=1` workload, "
                   "native vs container, as measured on a real machine.")


def _write_bytes(count: int) -> None:
    """``count`` single-byte os.write to /dev/null: the checker's own loop, of a size the learner cannot know."""
    import os

    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        for _i in range(count):
            os.write(fd, b"x")
    finally:
        os.close(fd)


def _as_count(name: str, got: object) -> Feedback | None:
    if isinstance(got, bool) or not isinstance(got, int):
        return wrong(_("{name} returned {got!r} ({type}), not a whole number").format(
                         name=name, got=got, type=type(got).__name__),
                     _("int(...) the number after 'syscw:'; subtract before from after."))
    return None


@checker
def check_write_count(writes_so_far, writes_made_by) -> Feedback:
    """Exercise: ``writes_so_far()`` reads ``syscw`` from /proc/thread-self/io and ``writes_made_by(loop)`` counts
    the write() calls of ``loop()``. Both are called here around loops of the checker's own, of random sizes, so
    only code that really reads the kernel's counter passes (a typed number cannot)."""
    import random

    for name, fn in (("writes_so_far", writes_so_far), ("writes_made_by", writes_made_by)):
        if not callable(fn):
            return wrong(_("{name} should be a function, got {type}").format(name=name, type=type(fn).__name__),
                         _("Keep the def lines of the exercise cell and fill in their `return ...`."))
    first = writes_so_far()
    if is_blank(first):
        return not_yet()
    if (bad := _as_count("writes_so_far()", first)) is not None:
        return bad
    m = random.randint(200, 400)
    before = writes_so_far()
    _write_bytes(m)
    grew = writes_so_far() - before
    if grew == 0:
        return wrong(_("writes_so_far() gave the same number before and after {m} os.write of the checker: it does "
                       "not read the kernel's counter anew on each call").format(m=m),
                     _("Read /proc/thread-self/io inside the function and take the 'syscw:' line."))
    if not m <= grew <= m + 2:
        return wrong(_("writes_so_far() grew by {grew} over the checker's {m} os.write: it does not count this "
                       "thread's write calls").format(grew=grew, m=m),
                     _("Only the 'syscw:' line of /proc/thread-self/io (syscr counts reads)."))
    n = random.randint(200, 400)
    writes = writes_made_by(lambda: _write_bytes(n))
    if is_blank(writes):
        return not_yet(_("writes_so_far() is right; now fill in the `return ...` of writes_made_by."))
    if (bad := _as_count("writes_made_by(loop)", writes)) is not None:
        return bad
    if writes < 0:
        return wrong(_("{writes}: negative, so before and after are swapped").format(writes=writes),
                     _("return after - before."))
    if writes > 10 * n:
        return wrong(_("{writes} is far more than the loop made: it looks like a total since the thread "
                       "started").format(writes=writes),
                     _("Subtract the count read before the loop."))
    if n <= writes <= n + 2:
        return passed(_("{writes} write() calls for {n} os.write: the kernel counted every one, one per "
                        "call. A container's process is counted the same way, in the same kernel.").format(
                          writes=writes, n=n))
    if writes == 0:
        return wrong(_("writes_made_by gave 0 for a loop of {n} os.write: does it call loop() between its two "
                       "readings?").format(n=n), _("before = writes_so_far(); loop(); after = writes_so_far()."))
    return wrong(_("writes_made_by gave {writes} for a loop of {n} os.write of the checker").format(
                     writes=writes, n=n),
                 _("Read writes_so_far() just before and just after loop(), and return the difference."))


def _medians(samples: pd.DataFrame, metric: str) -> pd.Series:
    return samples[samples["metric"] == metric].groupby("config")["value"].median()


@checker
def check_syscall_ratios(container_ratio, seccomp_ratio, res: Results) -> Feedback:
    """Exercise: the syscall workload's median container/native and seccomp-on/seccomp-off ratios."""
    med = _medians(res.samples, "syscall")
    need = {"native", "container", "container-unconfined"}
    if not need <= set(med.index):
        return wrong(_("this run has no syscall rows for {value}").format(value=sorted(need - set(med.index))),
                     _("Run overhead.measure()."))
    want_c, want_s = med["container"] / med["native"], med["container"] / med["container-unconfined"]
    for name, got, want, inverse in (("container_ratio", container_ratio, want_c, med["native"] / med["container"]),
                                     ("seccomp_ratio", seccomp_ratio, want_s,
                                      med["container-unconfined"] / med["container"])):
        if isinstance(got, bool) or not isinstance(got, int | float):
            return wrong(_("{name} should be a number, got {type}").format(name=name, type=type(got).__name__),
                         _("A ratio of two medians."))
        if abs(got - want) > 1e-6 * want:
            if abs(got - inverse) <= 1e-6 * inverse:
                return wrong(_("{name} = {got:.3f} is upside down").format(name=name, got=got),
                             _("Divide by the baseline (native, or unconfined)."))
            mean = res.samples[res.samples["metric"] == "syscall"].groupby("config")["value"].mean()
            if name == "container_ratio" and abs(got - mean["container"] / mean["native"]) <= 1e-6:
                return wrong(_("that ratio uses means; the course compares medians"), _("Use .median()."))
            return wrong(_("{name} = {got:.3f}, your data gives {want:.3f}").format(name=name, got=got, want=want),
                         _("metric == 'syscall', median `value` per config, then divide."))
    return passed(_("container/native {want_c:.3f}, seccomp on/off {want_s:.3f}: the same ratios as the "
                    "table below.").format(want_c=want_c, want_s=want_s))


def compare_overhead_prediction(predicted_ratio, res: Results) -> str:
    """Set the learner's predicted syscall-workload ratio (container/native) against the measurement."""
    med = _medians(res.samples, "syscall")
    if not {"native", "container"} <= set(med.index):
        return _("This run has no syscall workload to compare with.")
    got = float(med["container"] / med["native"])
    head = _("Your syscall workload took {ratio:.2f}× as long in a container as natively.").format(ratio=got)
    if is_blank(predicted_ratio) or predicted_ratio is None:
        return head + _(" You made no prediction.")
    p = float(predicted_ratio)
    if p >= 1.5:
        why = _("You expected a large cost, like a hypervisor's. There is no second kernel: the container's "
                "system calls go straight to the host kernel; what can differ is the seccomp filter per call.")
    elif abs(p - got) < 0.05:
        why = _("Close: a container's system calls take the same path into the same kernel.")
    else:
        why = _("The difference from 1.0 is the seccomp filter (small per call, and skipped entirely for always-"
                "allowed calls by the action cache of Linux 5.11 and later) plus this machine's noise: look at the CI.")
    return head + _(" You predicted {ratio:.2f}. {why}").format(ratio=p, why=why)


# ------------------------------------------------------------------ the system-call path (S2.7–S2.9)
# An app in a virtual machine asks its *guest* kernel; the guest's device drivers talk to virtual hardware that the
# hypervisor provides, and the hypervisor turns that into requests to the *host* kernel (the "interpreter", 통역가,
# of the lecture notes). An app in a container asks the host kernel directly. With hardware virtualization (VT-x /
# AMD-V) a guest's system calls are handled by the guest kernel on the real CPU without the hypervisor; the
# hypervisor steps in when the guest touches devices or memory the host must provide (a "VM exit"): the hops below
# mark those steps.
WHERE = ("container", "virtual machine", "bare metal")
#: the places, operations and layers (identifiers) marked for the catalog: shown with ``_()``.
_MARKED = (N_("container"), N_("virtual machine"), N_("bare metal"), N_("read a file"), N_("allocate memory"),
           N_("send a packet"), N_("app"), N_("guest kernel"), N_("hypervisor"), N_("host kernel"), N_("hardware"))


@dataclass(frozen=True)
class Hop:
    """One step of a request: the layer that handles it and what it does there (translated)."""

    layer: str  # "app", "guest kernel", "hypervisor", "host kernel", "hardware"
    korean: str
    action: str


@dataclass(frozen=True)
class Operation:
    """An app's request (English identifier, Korean name) and what each layer does with it (marked texts)."""

    name: str
    korean: str
    syscalls: str
    app: str
    guest: str
    hypervisor: str
    host_from_vm: str
    host: str
    hardware: str
    measured_by: tuple[str, ...] = ()  # recorded kinds that hold a cost for this operation


OPERATIONS: dict[str, Operation] = {
    "read a file": Operation(
        "read a file", "파일 읽기", "openat(), read(), close()",
        N_("calls read() on a file descriptor"),
        N_("guest kernel: file system finds the blocks; its virtio-blk driver queues a request to the virtual disk"),
        N_("hypervisor: sees the virtual-disk request (VM exit) and turns it into a read() on the disk-image file"),
        N_("host kernel: reads the disk-image file through its own file system and disk driver"),
        N_("host kernel: file system (overlay2 for a container) finds the blocks and copies them to the app"),
        N_("disk (or the page cache in memory)"),
        ("syscalls", "overhead"),
    ),
    "allocate memory": Operation(
        "allocate memory", "메모리 할당", N_("mmap() / brk(), then page faults on first touch"),
        N_("asks for memory with mmap() and writes to it"),
        N_("guest kernel: maps pages of the VM's 'physical' memory, which the host gave it as one big region"),
        N_("hypervisor: on first touch of a guest page the CPU exits to it (EPT/NPT fault) and it backs the page"),
        N_("host kernel: gives the hypervisor process a real page; counts it against the VM's memory"),
        N_("host kernel: maps a real page on first touch and charges it to the container's cgroup (memory limit)"),
        N_("RAM"),
        ("overhead",),
    ),
    "send a packet": Operation(
        "send a packet", "패킷 보내기", "socket(), sendto()",
        N_("calls sendto() on a socket"),
        N_("guest kernel: TCP/IP stack builds the packet; its virtio-net driver hands it to the virtual network card"),
        N_("hypervisor: picks the packet up from the virtual card (vhost) and writes it to a tap device on the host"),
        N_("host kernel: routes it through the tap device and bridge to the real network card"),
        N_("host kernel: TCP/IP stack in the container's network namespace, veth pair, bridge, network card"),
        N_("network card"),
        ("overhead",),
    ),
}

# Which rows of an ``overhead`` recording speak to each operation.
OVERHEAD_WORDS = {"read a file": ("syscall", "io_read"), "allocate memory": ("memory",),
                  "send a packet": ("net_latency", "net_throughput")}

LAYER_KO = {"app": "애플리케이션", "guest kernel": "게스트 커널", "hypervisor": "하이퍼바이저",
            "host kernel": "호스트 커널", "hardware": "하드웨어"}


def operation(name: str) -> Operation:
    """The operation called ``name`` (one of ``OPERATIONS``), else BadParameter."""
    return OPERATIONS[choice("op", name, OPERATIONS)]


def check_where(where: str) -> str:
    """``where`` if it is one of ``WHERE`` (container, virtual machine, bare metal), else BadParameter."""
    return choice("where", where, WHERE)


def path(op: str, where: str) -> list[Hop]:
    """The hops an operation takes from the app down to the hardware."""
    o = operation(op)
    check_where(where)
    app = Hop("app", LAYER_KO["app"], _("the app {action} (system calls: {syscalls})").format(
        action=_(o.app), syscalls=_(o.syscalls)))
    hw = Hop("hardware", LAYER_KO["hardware"], _(o.hardware))
    if where == "virtual machine":
        middle = [Hop("guest kernel", LAYER_KO["guest kernel"], _(o.guest)),
                  Hop("hypervisor", LAYER_KO["hypervisor"], _(o.hypervisor)),
                  Hop("host kernel", LAYER_KO["host kernel"], _(o.host_from_vm))]
    else:
        middle = [Hop("host kernel", LAYER_KO["host kernel"], _(o.host))]
    return [app, *middle, hw]


def kernels_crossed(op: str, where: str) -> int:
    """How many kernels handle the request (2 in a VM, 1 in a container or on bare metal)."""
    return sum(1 for h in path(op, where) if h.layer.endswith("kernel"))


def _recorded(kind: str) -> Results | None:
    """The shipped (or ``VLAB_RECORDING``) recording of ``kind``, or None when there is none."""
    try:
        return replay.load(kind)
    except DataError:
        return None


def _syscall_count_cost(res: Results) -> dict[str, str]:
    out = {}
    for r in res.samples.itertuples():
        out[r.where] = _("measured: dd copying {n} single bytes made {reads} read() and {writes} write() calls, "
                         "counted by the host kernel").format(n=f"{r.n:,}", reads=f"{r.syscr:,}", writes=f"{r.syscw:,}")
    return out


def _overhead_cost(res: Results, metrics: tuple[str, ...]) -> str | None:
    """Container/native ratios (with 95% CI) for ``metrics`` from an ``overhead`` recording, or memory medians."""
    parts = []
    what = res.extra.get("what", {}) if isinstance(res.extra, dict) else {}
    for r in res.extra.get("ratios", []) if isinstance(res.extra, dict) else []:
        if r.get("metric") in metrics and r.get("ratio") is not None and r.get("baseline") == "native":
            ci = (f" (95% CI {r['ci_low']:.2f}–{r['ci_high']:.2f})"
                  if r.get("ci_low") is not None and r.get("ci_high") is not None else "")
            parts.append(f"{what.get(r['metric'], r['metric'])}: {r['config']} / native {r['ratio']:.2f}{ci}")
    if "memory" in metrics and not res.samples.empty and {"metric", "config", "value"} <= set(res.samples.columns):
        mem = res.samples[res.samples["metric"] == "memory"]
        unit = mem["unit"].iloc[0] if "unit" in mem.columns and len(mem) else ""
        for config, value in mem.groupby("config")["value"].median().items():
            parts.append(f"{config}: {value:.1f} {unit}".strip())
    return _("measured: {parts}").format(parts="; ".join(parts)) if parts else None


def costs(op: str, results: dict[str, Results] | None = None) -> dict[str, str]:
    """What vlab has measured for this operation, per place (``container``, ``native``, ``virtual machine``).

    ``results`` maps recorded kinds to Results (live ones from the notebook); missing kinds are
    looked up in the shipped recordings. Places with nothing measured say so.
    """
    o = operation(op)
    results = dict(results or {})
    out = {"container": _("not measured yet"), "bare metal": _("not measured yet"),
           "virtual machine": _("not measured yet in vlab (see the VM notebook for boot times)")}
    measured = False
    for kind in o.measured_by:
        res = results.get(kind) or _recorded(kind)
        if res is None:
            continue
        if kind == "syscalls":
            got = _syscall_count_cost(res)
            out["container"] = got.get("container", out["container"])
            out["bare metal"] = got.get("native", out["bare metal"])
            measured = measured or "container" in got
        elif kind == "overhead":
            found = _overhead_cost(res, OVERHEAD_WORDS[op])
            if found:
                out["container"] = f"{out['container']}; {found}" if measured else found
                measured = True
    return out
