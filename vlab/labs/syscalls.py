"""System calls, seen live (S2.7–S2.9): a program gets resources only by asking the kernel.

- ``count_syscalls(n)`` runs the same static busybox ``dd`` copying ``n`` single bytes natively and
  inside a container, and reads how many read()/write() calls the *host* kernel counted for it
  (``syscr``/``syscw`` in ``/proc/<pid>/io``). Both counts come from the same kernel: a container
  has no kernel of its own. Replayable (kind ``syscalls``).
- ``raw_getpid()`` asks the kernel for this process's PID *by system-call number*, through libc's
  ``syscall()``; ``SYSCALL_NUMBERS`` shows that other OSes number the same calls differently (S2.8).
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import subprocess
import sys

import pandas as pd

from vlab.core import provenance, replay
from vlab.core.errors import BadParameter, DataError, ToolMissing
from vlab.core.results import Results

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
    if isinstance(n, bool) or not isinstance(n, int) or not 10 <= n <= 1_000_000:
        raise BadParameter(f"n={n!r} must be a whole number from 10 to 1,000,000", "For example n=2000.")
    return n


def parse_counts(text: str) -> tuple[dict[str, int], str]:
    """Parse the script's output → ({"syscr": Δ, "syscw": Δ}, kernel release)."""
    parts = text.split("---")
    if len(parts) != 3:
        raise DataError("unexpected output from the syscall counter script", "Re-run the cell; see the raw output.")
    before, after = (dict((k, int(v)) for k, v in _COUNTER.findall(p)) for p in parts[:2])
    if set(before) != {"syscr", "syscw"} or set(after) != {"syscr", "syscw"}:
        raise ToolMissing(
            "This kernel does not count system calls in /proc/<pid>/io (CONFIG_TASK_IO_ACCOUNTING is off).",
            "Use a kernel with task I/O accounting (all major distributions have it), or use replay mode.",
        )
    return {k: after[k] - before[k] for k in before}, parts[2].strip()


def _native(n: int) -> str:
    from vlab.core.images import find_busybox

    bb = str(find_busybox())
    proc = subprocess.run([bb, "sh", "-c", SCRIPT.replace("{n}", str(n))], capture_output=True, text=True,
                          timeout=120, env={"BB": bb, "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise ToolMissing(f"busybox sh failed natively: {proc.stderr.strip()[:200]}")
    return proc.stdout


def _container(n: int) -> str:
    from vlab.core import sandbox

    res = sandbox.run(["/bin/busybox", "sh", "-c", SCRIPT.replace("{n}", str(n))], purpose="syscalls",
                      environment={"BB": "/bin/busybox"})
    if not res.ok:
        raise DataError(f"the syscall counter failed in the container (exit {res.exit_code}): {res.stderr[:200]}")
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
        raise ToolMissing(f"The raw system-call demo needs Linux on x86 or arm64 (this is {sys.platform} "
                          f"{platform.machine()}).", "Read the table instead; the idea is the same everywhere.")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return number, int(libc.syscall(number))


def getpid_matches() -> bool:
    """True when the raw system call returned the same PID as Python's os.getpid()."""
    return raw_getpid()[1] == os.getpid()


RECORDINGS = {KIND: lambda quick: count_syscalls(n=2000 if quick else 10000)}
