"""Benchmark of the live-VM harness (a benchmark, not a test). In one interleaved run it reports:

1. vlab's QEMU boot timing (``vlab.labs.vm.qemu.boot_once``, launch → exit) against hyperfine timing the very
   same QEMU command line. Target: ratio within 10% (0.90 to 1.10), or, on a noisy shared machine where
   TCG boots vary by seconds, a 95% CI that contains 1.0: vlab's clock adds nothing measurable.
2. The VM/container ratio on this machine: VM launch → marker against a sandboxed container's
   create → exit (``vlab.labs.vm.versus.lifecycle``), as a ratio of medians with a bootstrap 95% CI.
   Informational: under TCG it is large; with KVM and a microVM it narrows.

    .venv/bin/python benchmarks/vm_boot.py [--rounds 5] [--accel auto|kvm|tcg] [--json out.json]

Rounds are interleaved (vlab, hyperfine, container, …) so machine noise hits all sides alike.
QEMU is always killed on timeout or Ctrl-C; every container is sandboxed and removed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from vlab.core.errors import ToolMissing, VlabError
from vlab.core.results import atomic_write_json, check_output_path
from vlab.core.stats import ratio_ci
from vlab.labs.vm import boot, qemu, versus

TARGET = (0.90, 1.10)


def hyperfine_once(cmd: list[str], timeout: float) -> float:
    """Wall time (ms) of one run of ``cmd`` as timed by hyperfine (no shell).

    ``--output=pipe``: the guest's serial console goes into a pipe, as it does for vlab, which reads
    it line by line to spot the marker. hyperfine's default (/dev/null) would time a different run.
    """
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "-N", "--output=pipe", "--runs", "1", "--style", "none", "--export-json", out.name,
                        shlex.join(cmd)], check=True, capture_output=True, timeout=timeout)
        return float(json.loads(Path(out.name).read_text())["results"][0]["times"][0]) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--accel", choices=qemu.ACCELS, default="auto")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    if not 2 <= args.rounds <= 100:
        print("error: --rounds must be from 2 to 100", file=sys.stderr)
        return 2
    path = check_output_path(args.json) if args.json else None
    if shutil.which("hyperfine") is None:
        print("error: hyperfine is not installed (apt-get install hyperfine)", file=sys.stderr)
        return 2
    vlab_ms, hf_ms, vm_marker_ms, box_ms = [], [], [], []
    try:
        with boot.prepare(args.accel) as guest:
            cmd = qemu.qemu_command(guest.qemu, guest.kernel, guest.initrd, accel=guest.accel,
                                    machine=guest.machine, memory_mib=guest.memory_mib)
            guest.boot(args.timeout)  # warm-up: page cache, QEMU binary
            versus.lifecycle()
            for i in range(args.rounds):
                run = guest.boot(args.timeout)
                vlab_ms.append(run.total_ms)
                vm_marker_ms.append(run.launch_to_marker_ms)
                hf_ms.append(hyperfine_once(cmd, args.timeout))
                box_ms.append(versus.lifecycle()[0]["total"])
                print(f"round {i + 1}/{args.rounds}: vlab {vlab_ms[-1]:.0f} ms, hyperfine {hf_ms[-1]:.0f} ms, "
                      f"container {box_ms[-1]:.0f} ms", flush=True)
    except KeyboardInterrupt:
        print("interrupted: reporting the rounds done so far", file=sys.stderr)
    except (ToolMissing, VlabError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if len(vlab_ms) < 2:
        print("error: fewer than two rounds finished", file=sys.stderr)
        return 1
    harness = ratio_ci(vlab_ms, hf_ms)
    gap = ratio_ci(vm_marker_ms, box_ms)
    within = TARGET[0] <= harness["ratio"] <= TARGET[1]
    ci_has_one = harness["ci_low"] <= 1.0 <= harness["ci_high"]
    ok = within or ci_has_one
    print(f"accelerator {guest.accel.upper()}, QEMU {guest.qemu_version}, -M {guest.machine}, "
          f"kernel {guest.kernel_release}")
    print(f"1. vlab boot timing / hyperfine, same QEMU command: {harness['ratio']:.3f} "
          f"[95% CI {harness['ci_low']:.3f}–{harness['ci_high']:.3f}]  target {TARGET[0]}–{TARGET[1]}: "
          f"{'OK' if within else 'missed'}; CI contains 1.0: {ci_has_one} → {'OK' if ok else 'MISSED'}")
    print(f"2. VM launch→marker / container create→exit: {gap['ratio']:.1f}× "
          f"[95% CI {gap['ci_low']:.1f}–{gap['ci_high']:.1f}]")
    if path is not None:
        atomic_write_json(path, {"accelerator": guest.accel, "qemu_version": guest.qemu_version,
                                 "machine": guest.machine, "kernel": guest.kernel_release,
                                 "vlab_total_ms": vlab_ms, "hyperfine_total_ms": hf_ms,
                                 "vm_marker_ms": vm_marker_ms, "container_total_ms": box_ms,
                                 "harness_ratio": harness, "vm_container_ratio": gap, "target": TARGET})
        print(f"wrote {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
