"""Notebook 08, learning by doing: the glass box's replay stand-in, a prediction and exercise checkers.

The checkers run on the learner's own ``boot_vm_or_recording`` and ``container_starts`` results (live or
recorded) and never raise (:func:`vlab.core.exercise.checker`).
"""

from __future__ import annotations

import pandas as pd

from vlab.core.exercise import Feedback, checker, is_blank, passed, wrong
from vlab.core.i18n import _
from vlab.core.results import Results

__all__ = ["check_boot_share", "check_vm_ratio", "compare_prediction", "recorded_kernels"]


def recorded_kernels() -> tuple[dict[str, str], str]:
    """Replay stand-in for the glass-box cell: the recorded container's and engine host's kernel releases."""
    from vlab.core import replay

    extra = replay.load("vm_container_start").extra
    return ({"container": str((extra.get("container") or {}).get("kernel", "?")),
             "host": str(extra.get("host_kernel", "?"))},
            _("replay: no engine here; the kernels a real machine reported when this was recorded."))


def _phase(res: Results, phase: str) -> pd.Series:
    s = res.samples
    return s[s["phase"] == phase]["ms"] if not s.empty else pd.Series(dtype=float)


def _number(x) -> bool:
    return not isinstance(x, bool) and isinstance(x, int | float)


@checker
def check_boot_share(share, vm: Results) -> Feedback:
    """Exercise: the median share of launch → marker spent before the guest's clock started."""
    before, total = _phase(vm, "before_guest_clock"), _phase(vm, "launch_to_marker")
    if before.empty or total.empty:
        return wrong(_("these VM results have no before_guest_clock / launch_to_marker phases"),
                     _("Boot the VM first."))
    want = float(before.median() / total.median())
    if not _number(share):
        return wrong(_("expected a number between 0 and 1, got {type}").format(type=type(share).__name__),
                     _("Divide two medians."))
    if abs(share - want) <= 1e-6:
        return passed(_("{want:.0%} of your VM's start passed before its kernel's clock even began (QEMU "
                        "start-up, loading and unpacking the kernel); the other {value:.0%} is the kernel"
                        " booting itself and /init.").format(want=want, value=1 - want))
    if abs(share - 100 * want) <= 1e-4:
        return wrong(_("{share:.1f} is a percentage; give the fraction").format(share=share), _("Leave out the × 100."))
    if abs(share - (1 - want)) <= 1e-6:
        return wrong(_("that is the share of the guest's own boot (guest_uptime), not the part before it"),
                     _("Use before_guest_clock."))
    if want and abs(share - 1 / want) <= 1e-6:
        return wrong(_("{share:.2f} is upside down").format(share=share),
                     _("share = median before_guest_clock / median launch_to_marker."))
    return wrong(_("{share:.3f} is not the ratio of your two medians ({want:.3f})").format(share=share, want=want),
                 _("Median of each phase over the trials, then divide."))


@checker
def check_vm_ratio(ratio, vm: Results, ct: Results) -> Feedback:
    """Exercise: median VM launch → marker over the median container create → exit (total)."""
    v, c = _phase(vm, "launch_to_marker"), _phase(ct, "total")
    if v.empty or c.empty:
        return wrong(_("need both the VM boots and the container starts"), _("Run the cells above first."))
    want = float(v.median() / c.median())
    if not _number(ratio):
        return wrong(_("expected a number, got {type}").format(type=type(ratio).__name__), _("Divide two medians."))
    if abs(ratio - want) <= 1e-6 * want:
        return passed(_("the VM took {want:.1f}× as long as the container to run its first program.").format(
                          want=want))
    if abs(ratio - 1 / want) <= 1e-6 / want:
        return wrong(_("{ratio:.3f} is container / VM, upside down").format(ratio=ratio),
                     _("ratio = VM median / container median."))
    mean = float(v.mean() / c.mean())
    if abs(ratio - mean) <= 1e-6 * mean:
        return wrong(_("that ratio uses means; compare medians"), _("Use .median()."))
    return wrong(_("{ratio:.2f} is not your VM/container ratio of medians ({want:.2f})").format(
                     ratio=ratio, want=want),
                 _("VM phase launch_to_marker, container phase total."))


def compare_prediction(predicted_ratio, vm: Results, ct: Results) -> str:
    """Set the learner's predicted VM/container ratio against the two medians, and explain."""
    v, c = _phase(vm, "launch_to_marker"), _phase(ct, "total")
    if v.empty or c.empty:
        return _("No VM or container results to compare.")
    got = float(v.median() / c.median())
    accel = str(vm.extra.get("accelerator") or "?").upper()
    head = _("On your machine the VM ({accel}) took {got:.1f}× as long as the container.").format(
               accel=accel, got=got)
    if is_blank(predicted_ratio) or predicted_ratio is None:
        return head + _(" You made no prediction.")
    p = float(predicted_ratio)
    if p <= 1:
        why = (_("You expected the VM to be as fast or faster. It must start QEMU, load a kernel, boot it and only"
                 " then run /init; the container asks an already-running kernel for namespaces and cgroups."))
    elif p < got / 3:
        why = (_("The gap is larger than you expected: under {accel} every guest instruction is translated in "
                 "software, so the kernel boot itself is slow.") if accel == "TCG" else
               _("The gap is larger than you expected: under {accel} the whole kernel boot still has to happen.")
               ).format(accel=accel)
    elif p > got * 3:
        why = (_("The gap is smaller than you expected: vlab's VM is minimal (microvm, a tiny initramfs), and the "
                 "container's time includes the engine's bookkeeping."))
    else:
        why = _("Within a factor of three: a good estimate.")
    return head + _(" You predicted {p:.1f}×. {why}").format(p=p, why=why)
