"""Boot a real VM with QEMU, N times, and time it: the hypervisor side of "VM vs container".

Each trial launches QEMU with the host's guest kernel and vlab's tiny initramfs
(see ``vlab.labs.vm.qemu``) and measures, with ``perf_counter_ns`` on the host:

- ``launch_to_marker``: QEMU process launch → the guest's marker line seen on the serial console;
- ``total``: QEMU process launch → QEMU process exit (the guest powered itself off);
- ``guest_uptime``: the guest kernel's own uptime when ``/init`` printed the marker (guest clock);
- ``before_guest_clock``: ``launch_to_marker − guest_uptime``, time spent before the guest kernel's
  clock started (QEMU start-up, firmware, loading and decompressing the kernel).

The accelerator is probed (``accel="auto"``): KVM only when a probe guest really boots, else TCG
(software emulation, far slower). Every row and the provenance record the accelerator, QEMU
version and kernel. ``vlab bench vm`` runs this headless.
"""

from __future__ import annotations

import contextlib
import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from vlab.core import interleave, provenance, replay, settings
from vlab.core.errors import BadParameter, ToolMissing
from vlab.core.i18n import _
from vlab.core.interleave import Rounds, StopRule
from vlab.core.results import Results, check_output_path
from vlab.core.sandbox import parse_memory
from vlab.core.stats import summarize_frame
from vlab.core.validate import number, whole_number
from vlab.labs.vm import qemu
from vlab.labs.vm.qemu import ACCELS, BootRun, VmError

__all__ = [
    "BOOT_ESTIMATE_S", "Guest", "KIND", "MACHINES", "METRIC", "PHASES", "RECORDINGS", "Settings", "VM_RULE",
    "add_cli_arguments", "boot_vm", "boot_vm_or_recording", "format_report", "guest_facts", "medians", "memory_mib",
    "prepare", "resolve_accel", "run_cli", "run_live"
]

KIND = "vm_boot"
PHASES = ("launch_to_marker", "guest_uptime", "before_guest_clock", "total")
MACHINES = ("auto", "microvm", "pc", "q35")
#: Default stopping rule: median launch → marker within ±5 %, or 20 s of boots (warm-up included).
VM_RULE = StopRule(precision=0.05, budget_s=20.0, min_trials=3, max_trials=50)
#: What one boot is expected to take before any has run, per accelerator (s): lets the budget skip a warm-up
#: boot that would leave no room for a timed one. TCG boots took 12.6–22.7 s on the 2-core course machine.
BOOT_ESTIMATE_S = {"kvm": 2.0, "tcg": 15.0}
METRIC = ("QEMU process launch → guest /init marker on the serial console, host perf_counter_ns; "
          "a full Linux kernel boot with a busybox initramfs")


@dataclass(frozen=True)
class Settings:
    """Validated settings of a VM boot run."""

    trials: int | None = None  # exactly this many boots; None: the stopping rule (VM_RULE + options below)
    accel: str = "auto"
    memory_mib: int = 256
    machine: str = "auto"
    timeout: float = 60.0
    warmup: int = 1
    kernel: str | None = None
    budget: float | None = None
    precision: float | None = None
    min_trials: int | None = None
    max_trials: int | None = None

    def __post_init__(self) -> None:
        if self.trials is not None:
            whole_number("trials", self.trials, 1, 200, "For example trials=5.")
        self.rule  # noqa: B018 - validates the stopping rule's options now
        if self.accel not in ACCELS:
            raise BadParameter(_("accel={accel!r} is not an accelerator").format(accel=self.accel),
                               _("Use 'auto', 'kvm' or 'tcg'."))
        if isinstance(self.memory_mib, bool) or not isinstance(self.memory_mib, int) \
                or not 64 <= self.memory_mib <= 4096:
            raise BadParameter(_("memory={memory!r} MiB is out of range").format(memory=self.memory_mib),
                               _("Give the VM between '64m' and '4g'."))
        if self.machine not in MACHINES:
            raise BadParameter(_("machine={machine!r} is not supported").format(machine=self.machine),
                               _("Use one of: {names}.").format(names=", ".join(MACHINES)))
        number("timeout", self.timeout, 1, 600, "A timeout in seconds, e.g. timeout=60.")
        whole_number("warmup", self.warmup, 0, 10)
        if self.kernel is not None and (not isinstance(self.kernel, str | os.PathLike)
                                        or not Path(self.kernel).is_file()):
            raise BadParameter(_("kernel={kernel!r} is not a file").format(kernel=self.kernel),
                               _("Point kernel= at a vmlinuz image, or omit it."))

    @property
    def rule(self) -> StopRule:
        """``trials=N``: exactly N boots; else ``VM_RULE`` with the given options."""
        return StopRule.choose(VM_RULE, self.trials, budget=self.budget, precision=self.precision,
                               min_trials=self.min_trials, max_trials=self.max_trials)

    def to_dict(self) -> dict:
        return {**asdict(self), "stop_rule": self.rule.to_dict()}


def memory_mib(value: str | int) -> int:
    """'256m', '1g' or a number of MiB → MiB (validated by the sandbox's size parser)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 64 <= value <= 4096:
            raise BadParameter(_("memory={memory!r} MiB is out of range").format(memory=value),
                               _("Give the VM between '64m' and '4g'."))
        return value
    return parse_memory(value) // (1024 * 1024)


# ---------------------------------------------------------------- a prepared VM
@dataclass
class Guest:
    """Everything needed to boot the marker VM: QEMU, kernel, initramfs, accelerator, machine."""

    qemu: Path
    qemu_version: str
    kernel: Path
    initrd: Path
    accel: str
    machine: str
    memory_mib: int
    kvm_probe: dict

    @property
    def kernel_release(self) -> str:
        return qemu.kernel_release(self.kernel)

    def boot(self, timeout: float = 60.0, on_line: Callable[[str, float], None] | None = None) -> BootRun:
        """Boot once; raise VmError when QEMU fails or the guest never reports."""
        run = qemu.boot_once(self.qemu, self.kernel, self.initrd, accel=self.accel, machine=self.machine,
                             memory_mib=self.memory_mib, timeout=timeout, on_line=on_line)
        if run.timed_out:
            raise VmError(_("The {accel} VM did not finish within {timeout:g} s; QEMU was killed.").format(
                accel=self.accel.upper(), timeout=timeout),
                          _("Give a longer timeout (--timeout), or check `vlab doctor`."))
        if run.marker is None:
            tail = run.console_tail.strip().splitlines()[-1:] or [_("no console output")]
            raise VmError(_("QEMU exited (code {code}) before the guest reported: {tail}").format(
                code=run.returncode, tail=tail[0][:200]))
        return run

    def describe(self) -> dict:
        return {"qemu": str(self.qemu), "qemu_version": self.qemu_version, "kernel_image": str(self.kernel),
                "kernel_release": self.kernel_release, "accelerator": self.accel, "machine": self.machine,
                "memory_mib": self.memory_mib, "kernel_cmdline": qemu.kernel_cmdline(self.accel, self.machine),
                "kvm_probe": self.kvm_probe}


def resolve_accel(accel: str) -> tuple[str, dict]:
    """'auto' → 'kvm' when a probe guest really boots under KVM, else 'tcg'. Explicit 'kvm' must pass the probe."""
    if accel == "tcg":
        return "tcg", {"ok": False, "detail": "not probed: TCG was requested"}
    probe = qemu.kvm_probe()
    if probe.ok:
        return "kvm", probe.as_dict()
    if accel == "kvm":
        raise VmError(_("KVM was requested but does not work here: {detail}").format(detail=probe.detail),
                      _("Use accel='tcg' (software emulation: slower, but a real VM), or enable KVM in the BIOS/host."))
    return "tcg", probe.as_dict()


@contextlib.contextmanager
def prepare(accel: str = "auto", memory: str | int = "256m", machine: str = "auto", kernel: str | None = None):
    """Context manager yielding a ready :class:`Guest`; the initramfs lives in a temporary folder."""
    binary = qemu.find_qemu()
    kernel_path = Path(kernel) if kernel else qemu.find_kernel()
    mib = memory_mib(memory)
    chosen, probe = resolve_accel(accel)
    with tempfile.TemporaryDirectory(prefix="vlab-vm-") as tmp:
        initrd = qemu.build_initramfs(Path(tmp) / "initramfs.cpio")
        yield Guest(binary, qemu.qemu_version(binary), kernel_path, initrd, chosen,
                    qemu.pick_machine(binary) if machine == "auto" else machine, mib, probe)


# ---------------------------------------------------------------- the measurement
def boot_vm(trials: int | None = None, accel: str = "auto", memory: str | int = "256m", *, machine: str = "auto",
            timeout: float = 60.0, warmup: int = 1, kernel: str | None = None, progress: bool = True,
            save_to: str | None = None, budget: float | None = None, precision: float | None = None,
            min_trials: int | None = None, max_trials: int | None = None) -> Results:
    """Boot a real VM ``trials`` times (after ``warmup`` unrecorded boots) and time each boot.

    Without ``trials``, the stopping rule decides (``VM_RULE``: the median launch → marker time
    within ±5 %, or the budget spent, warm-up boots included; quick mode: exactly 2 boots), changed
    by ``budget`` (s), ``precision`` (fraction), ``min_trials``, ``max_trials``; ``extra["stopping"]``
    records the rule, the precision reached and why it stopped.

    Returns Results (kind ``vm_boot``): tidy samples (one row per trial and phase, ms), a summary per
    accelerator and phase, provenance (accelerator, QEMU version, kernel) and, in ``extra``, the
    guest's own kernel release and PID-1 view. Interrupted runs return ``partial=True``.
    In replay mode, returns the recording shipped with vlab.
    """
    opts = dict(budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)
    if trials is None and settings.quick() and all(v is None for v in opts.values()):
        trials = 2
    s = Settings(trials=trials, accel=accel, memory_mib=memory_mib(memory), machine=machine,
                 timeout=timeout, warmup=warmup, kernel=kernel, **opts)
    path = check_output_path(save_to) if save_to else None
    res = _boot(s, progress=progress, save_to=path)
    if res.replayed and path is not None:
        res.save(path)
    return res


def _check_boot(s: Settings, *, progress: bool = True, save_to=None) -> None:
    if not isinstance(s, Settings):
        raise BadParameter(_("settings={settings!r} is not a VM boot Settings").format(settings=s),
                           _("Call boot_vm(…) instead."))


@replay.replayable(KIND, check=_check_boot)
def _boot(s: Settings, *, progress: bool = True, save_to=None) -> Results:
    return run_live(s, progress=progress, save_to=save_to)


def run_live(s: Settings, *, progress: bool = False, save_to=None) -> Results:
    """Boot and measure on this machine (no replay). Saves to ``save_to`` when given, partial included."""
    rows: list[dict] = []
    guest_facts: dict = {}
    partial = False
    fallback = ""
    with prepare(s.accel, s.memory_mib, s.machine, s.kernel) as guest:
        runs = Rounds(["boot"], s.rule, 0, warmup=s.warmup, progress=progress, desc=f"VM boots ({guest.accel})",
                      round_estimate_s=BOOT_ESTIMATE_S.get(guest.accel))
        first = True
        for i, _, _ in runs:
            try:
                try:
                    run = guest.boot(s.timeout)
                except VmError:
                    if first and s.machine == "auto" and guest.machine == "microvm":
                        guest.machine, fallback = "pc", "microvm failed to boot; fell back to -M pc"
                        run = guest.boot(s.timeout)
                    else:
                        raise
            except KeyboardInterrupt:
                partial = True
                runs.interrupted()
                break
            except VmError as exc:
                runs.failed()
                exc.partial = _results(s, guest, rows, guest_facts, True, fallback, runs.report())
                if save_to is not None and rows:
                    exc.partial.save(save_to)
                raise
            first = False
            guest_facts = run.marker.as_dict() if run.marker else guest_facts
            if i >= 0:
                rows.extend(_rows(run, guest, i))
                runs.add("launch_to_marker", run.launch_to_marker_ms)
        res = _results(s, guest, rows, guest_facts, partial, fallback, runs.report())
    if save_to is not None:
        res.save(save_to)
    return res


def _rows(run: BootRun, guest: Guest, trial: int) -> list[dict]:
    assert run.marker is not None and run.launch_to_marker_ms is not None and run.total_ms is not None
    uptime_ms = run.marker.uptime_s * 1000.0
    values = {
        "launch_to_marker": run.launch_to_marker_ms,
        "guest_uptime": uptime_ms,
        "before_guest_clock": run.launch_to_marker_ms - uptime_ms,
        "total": run.total_ms,
    }
    base = {"config": f"qemu-{guest.accel}", "accel": guest.accel, "machine": guest.machine,
            "qemu_version": guest.qemu_version, "kernel": guest.kernel_release, "memory_mib": guest.memory_mib,
            "trial": trial}
    return [{**base, "phase": phase, "ms": float(values[phase]),
             "clock": "guest" if phase == "guest_uptime" else "host"} for phase in PHASES]


def _results(s: Settings, guest: Guest, rows: list[dict], facts: dict, partial: bool, fallback: str,
             stopping: dict | None = None) -> Results:
    samples = pd.DataFrame(rows, columns=["config", "accel", "machine", "qemu_version", "kernel", "memory_mib",
                                          "trial", "phase", "ms", "clock"])
    summary = summarize_frame(samples, by=["accel", "phase"], value="ms")
    prov = provenance.collect(s.to_dict(), engine=False, accelerator=guest.accel,
                              qemu_version=guest.qemu_version, qemu=str(guest.qemu),
                              guest_kernel=guest.kernel_release, kernel_image=str(guest.kernel),
                              machine=guest.machine, kvm_probe=guest.kvm_probe)
    extra = {
        "metric": METRIC,
        "accelerator": guest.accel,
        "emulated": guest.accel == "tcg",
        "guest": {**facts, "kernel_image": str(guest.kernel)},
        "host_kernel": platform.release(),
        "vm": guest.describe(),
        "warmup": s.warmup,
    }
    if fallback:
        extra["machine_fallback"] = fallback
    if stopping:
        extra["stopping"] = stopping
    return Results(KIND, samples, summary, prov, extra, partial=partial)


# ---------------------------------------------------------------- helpers for notebooks
def medians(res: Results) -> dict[str, float]:
    """Median ms of each phase."""
    if res.samples.empty:
        return {}
    return {str(k): float(v) for k, v in res.samples.groupby("phase")["ms"].median().items()}


def guest_facts(res: Results) -> dict:
    """What the VM said about itself: kernel release, PID of /init, PID 1's command line, process count."""
    return dict(res.extra.get("guest") or {})


def format_report(res: Results) -> str:
    """Plain-text report for the CLI."""
    acc = res.extra.get("accelerator", "?")
    vm = res.extra.get("vm", {})
    lines = ["vlab vm boot" + (_(" (REPLAYED recording)") if res.replayed else "")
             + (_(" (PARTIAL: interrupted)") if res.partial else "")
             + _(": accelerator {accel}").format(accel=acc.upper())
             + (_(" = software emulation (no hardware virtualization)") if acc == "tcg" else ""),
             "  " + _("QEMU {version} -M {machine}, guest kernel {kernel}, {mib} MiB").format(
                 version=vm.get("qemu_version", "?"), machine=vm.get("machine", "?"),
                 kernel=vm.get("kernel_release", "?"), mib=vm.get("memory_mib", "?"))]
    for r in res.summary.itertuples():
        lines.append(f"  {r.phase:19s} " + _("median {median:9.1f} ms  [95% CI {low:.1f}–{high:.1f}]  "
                                               "min {min:9.1f}  p95 {p95:9.1f}  n={n}").format(
            median=r.median, low=r.ci_low, high=r.ci_high, min=r.min, p95=r.p95, n=r.n))
    stop = res.extra.get("stopping")
    if stop:
        lines.append("  " + _("precision: {precision}; rule: {rule}").format(
            precision=interleave.describe(stop), rule=interleave.describe_rule(stop.get("rule"))))
    g = guest_facts(res)
    if g:
        lines.append("  " + _("the guest said: kernel {kernel}, its /init is PID {pid}, PID 1 = '{pid1}', "
                              "{procs} processes; host kernel {host_kernel}").format(
            kernel=g.get("kernel"), pid=g.get("pid"), pid1=g.get("pid1"), procs=g.get("procs"),
            host_kernel=res.extra.get("host_kernel")))
    return "\n".join(lines)


# ---------------------------------------------------------------- CLI and recordings
def add_cli_arguments(parser) -> None:
    """Arguments of ``vlab bench vm``."""
    parser.add_argument("--trials", type=int, default=None,
                        help="exactly N boots to time (default: the stopping rule below; quick 2)")
    parser.add_argument("--accel", choices=ACCELS, default="auto",
                        help="auto (KVM only if a probe guest really boots, else TCG), kvm or tcg")
    parser.add_argument("--memory", default="256m", help="guest memory (default 256m)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a boot is killed (default 60)")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded warm-up boots (default 1)")
    parser.add_argument("--json", metavar="PATH", help="write samples, summary and provenance as JSON")
    interleave.add_cli_arguments(parser, VM_RULE)


def run_cli(args) -> int:
    """``vlab bench vm``: boot, print the summary, write JSON if asked."""
    path = check_output_path(args.json) if args.json else None
    res = boot_vm(trials=args.trials, accel=args.accel, memory=args.memory, timeout=args.timeout,
                  warmup=args.warmup, progress=True, save_to=path, **interleave.cli_options(args))
    print(format_report(res))
    if path is not None:
        print(_("wrote {path}").format(path=path))
    return 130 if res.partial else 0


def _record(quick: bool) -> Results:
    return run_live(Settings(trials=3 if quick else 10), progress=True)


def _record_container(quick: bool) -> Results:
    from vlab.labs.vm.versus import run_container_starts

    return run_container_starts(3 if quick else 10, progress=True)


RECORDINGS = {KIND: _record, "vm_container_start": _record_container}


def boot_vm_or_recording(trials: int | None = None, accel: str = "auto", memory: str | int = "256m",
                         **kwargs) -> Results:
    """Like :func:`boot_vm`, but when QEMU or a guest kernel is missing, return the shipped recording
    (marked ``replayed``, with the reason and the fix in ``extra["why_replayed"]``) instead of failing."""
    try:
        return boot_vm(trials, accel, memory, **kwargs)
    except ToolMissing as exc:
        res = replay.load(KIND)
        res.extra = {**res.extra, "why_replayed": _("{message} Fix: {hint}").format(message=exc.message, hint=exc.hint)}
        return res
