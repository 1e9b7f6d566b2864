"""Isolation-spectrum lab, learning by doing (notebook 10b): the exercise checkers.

Both run on the learner's own spectrum Results (live or the recording): ``check_syscall_factor`` (gVisor's system-call
cost as a multiple of runc's, from ``res.samples``) and ``check_shared_kernel`` (which instances report the host's
kernel release, from ``res.extra["kernels"]``).
"""

from __future__ import annotations

import math
import numbers

from vlab.core.exercise import Feedback, checker, passed, wrong
from vlab.core.i18n import _
from vlab.core.results import Results

__all__ = ["check_shared_kernel", "check_syscall_factor"]


def _median(res: Results, metric: str, place: str, *, mean: bool = False) -> float:
    s = res.samples
    values = s[(s["metric"] == metric) & (s["place"] == place)]["value"]
    return float(values.mean() if mean else values.median()) if len(values) else float("nan")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


@checker
def check_syscall_factor(factor, res: Results) -> Feedback:
    """Exercise 1: the median ``syscall`` value of ``gvisor`` divided by the median of ``runc``."""
    gvisor, runc = _median(res, "syscall", "gvisor"), _median(res, "syscall", "runc")
    if math.isnan(gvisor) or math.isnan(runc):
        return wrong(_("this run has no syscall samples for gVisor and runc, so there is nothing to divide"),
                     _("Measure where gVisor works (or use the recording): spectrum.measure_or_recording()."))
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        return wrong(_("factor should be a number, got {type}").format(type=type(factor).__name__),
                     _("Divide two medians: a float."))
    want, process = gvisor / runc, _median(res, "syscall", "process")
    factor = float(factor)
    if _close(factor, want):
        return passed(_("one system call costs {factor:.1f}× as much in gVisor as in runc on your data: each call goes "
                        "to the Sentry instead of straight to the host kernel.").format(factor=want))
    if _close(factor, runc / gvisor):
        return wrong(_("{got:.3f} is upside down: that is runc ÷ gVisor").format(got=factor),
                     _("gVisor's median on top, runc's below."))
    if not math.isnan(process) and _close(factor, gvisor / process):
        return wrong(_("{got:.1f} divides gVisor by the plain process, not by runc").format(got=factor),
                     _("place == 'runc' for the denominator."))
    if _close(factor, _median(res, "syscall", "gvisor", mean=True) / _median(res, "syscall", "runc", mean=True)):
        return wrong(_("that ratio uses means; the course compares medians"), _("Use .median()."))
    return wrong(_("{got:.3f}, your data gives {want:.3f}").format(got=factor, want=want),
                 _("Only the rows with metric == 'syscall'; the median `value` of place 'gvisor' ÷ that of 'runc'."))


@checker
def check_shared_kernel(shared, res: Results) -> Feedback:
    """Exercise 2: the instances (keys of ``res.extra["kernels"]`` other than ``host``) that report the host's
    kernel release."""
    kernels = dict(res.extra.get("kernels") or {})
    if "host" not in kernels:
        return wrong(_("this run recorded no kernel releases"), _("Use spectrum.measure_or_recording()'s result."))
    if isinstance(shared, str) or not isinstance(shared, list | tuple | set):
        return wrong(_("shared should be a list of names such as 'runc', got {type}").format(
                         type=type(shared).__name__), _("A list comprehension over kernels.items()."))
    got = {str(x) for x in shared}
    want = {place for place, release in kernels.items() if place != "host" and release == kernels["host"]}
    if "host" in got:
        return wrong(_("'host' is what you compare with, not an instance that shares it"),
                     _("Leave the key 'host' out."))
    if unknown := sorted(got - set(kernels)):
        return wrong(_("{names}: not instances of this run (they are {known})").format(
                         names=unknown, known=sorted(set(kernels) - {"host"})),
                     _("Use the keys of res.extra['kernels']."))
    if extra := sorted(got - want):
        place = extra[0]
        return wrong(_("{place} reports kernel {release}, the host runs {host}: it does not share the host's "
                       "kernel").format(place=place, release=kernels[place], host=kernels["host"]),
                     _("Compare each release with kernels['host'] using ==."))
    if missing := sorted(want - got):
        place = missing[0]
        return wrong(_("{place} reports {release}, exactly the host's release: it is missing from your "
                       "list").format(place=place, release=kernels[place]),
                     _("Keep every instance whose release equals kernels['host']."))
    note = ""
    if "vm" in want:
        note = " " + _("(The VM reports the host's release only because it booted the same kernel version: it still "
                       "runs a copy of its own.)")
    return passed(_("{names} report the host's kernel {host}: their system calls go to that one kernel. The others "
                    "answer with a kernel of their own.").format(names=sorted(want), host=kernels["host"]) + note)
