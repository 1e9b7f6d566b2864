"""Cgroups lab, learning by doing (notebook 06): exercise checkers and prediction feedback.

The glass-box command and its replay stand-in, the checkers (``check_read_back``, ``check_relative_throughput``,
``check_exit_signal``) and the feedback on the learner's predictions. ``vlab.labs.cgroups`` re-exports all of it.
"""

from __future__ import annotations

import pandas as pd

from vlab.core.exercise import Feedback, checker, is_blank, passed, wrong
from vlab.core.i18n import _
from vlab.core.results import Results

__all__ = [
    "GLASS_BOX_SCRIPT", "check_exit_signal", "check_read_back", "check_relative_throughput", "compare_oom_prediction",
    "compare_quota_prediction", "oom_fact", "recorded_cgroup_files",
]


def oom_fact(res: Results) -> tuple[int, bool | str]:
    """(exit code, OOMKilled) of the run that exceeded its limit.

    OOMKilled is True or False, or the words "not reported by this engine" (translated) when the container
    died by SIGKILL (137) and neither the engine nor the kernel's counter said why.
    """
    row = res.samples[res.samples["case"] == "exceeds"].iloc[0]
    killed = row["oom_killed"]
    if killed is None or (not isinstance(killed, bool | str) and pd.isna(killed)):
        return int(row["exit_code"]), _("not reported by this engine")
    return int(row["exit_code"]), bool(killed)


#: The glass-box cell's shell command: the memory limit, then the CPU quota and period, on cgroup v2 or v1.
GLASS_BOX_SCRIPT = ("cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max 2>/dev/null || cat "
                    "/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us "
                    "/sys/fs/cgroup/cpu/cpu.cfs_period_us")


def recorded_cgroup_files() -> tuple[list[str], str]:
    """Replay stand-in for the glass-box cell: the recorded memory file, CPU quota and period, and a note."""
    from vlab.core import replay

    res = replay.load("cg_limits")
    says = dict(zip(res.samples["resource"], res.samples["file_says"].astype(str), strict=False))
    words = [says.get("memory", "?"), *says.get("cpu", "? ?").split()]
    asked = ", ".join(res.samples["asked"].astype(str))
    from vlab.core.mode import current

    if current().live:  # a live engine that drops cgroup limits (see cgroups.enforced_here)
        why = _("this engine cannot enforce cgroup limits (CgroupDriver: none), so its files would show none")
    else:
        why = _("no engine here")
    note = (_("replay: {why}, so these are the files as recorded on a real machine (cgroup "
              "v{get}, limits asked: {asked}).").format(why=why, get=res.extra.get('cgroup_version', '?'),
                                                       asked=asked))
    return words, note


def _mib(raw: str) -> float:
    return int(raw) / 1024**2


@checker
def check_read_back(memory_mib, cpus, words) -> Feedback:
    """Exercise: the memory limit in MiB and the CPUs, computed from the cgroup files' words."""
    if len(words) < 3 or not all(str(w).lstrip("-").isdigit() for w in words[:3]):
        return wrong(_("the files' words {words!r} are not three numbers").format(words=words),
                     _("Run the glass-box cell again first."))
    mem, quota, period = (int(w) for w in words[:3])
    want_mib, want_cpus = mem / 1024**2, quota / period
    if not isinstance(memory_mib, int | float) or not isinstance(cpus, int | float):
        return wrong(_("memory_mib and cpus must be numbers, got {type} and {type2}").format(
                         type=type(memory_mib).__name__, type2=type(cpus).__name__),
                     _("The files hold text: convert it with int(...)."))
    if abs(memory_mib - want_mib) > 0.01:
        if abs(memory_mib - mem) < 1:
            return wrong(_("{memory_mib} is the number of bytes, not MiB").format(memory_mib=memory_mib),
                         _("1 MiB = 1024 * 1024 bytes."))
        if abs(memory_mib - mem / 1e6) < 0.01:
            return wrong(_("{memory_mib:.2f} divides by 1 000 000 (MB), not by 1024 * 1024 (MiB)").format(
                             memory_mib=memory_mib),
                         _("Docker's 'm' means MiB: 1024 * 1024 bytes."))
        return wrong(_("{memory_mib} MiB is not what the memory file says ({mem} bytes)").format(
                         memory_mib=memory_mib, mem=mem),
                     _("Take the first word, make it an int, divide by 1024 * 1024."))
    if abs(cpus - want_cpus) > 1e-6:
        if abs(cpus - quota) < 1e-6:
            return wrong(_("{cpus} is the quota alone (µs of CPU time per period)").format(cpus=cpus),
                         _("Divide the quota by the period."))
        if want_cpus and abs(cpus - 1 / want_cpus) < 1e-6:
            return wrong(_("{cpus} is period / quota, upside down").format(cpus=cpus), _("CPUs = quota / period."))
        return wrong(_("{cpus} CPUs does not follow from quota {quota} and period {period}").format(
                         cpus=cpus, quota=quota, period=period),
                     _("CPUs = quota / period: the share of each period the group may run."))
    return passed(_("{memory_mib:g} MiB and {cpus:g} CPU: the kernel holds exactly the limits Docker was "
                    "asked for, as plain numbers in files.").format(memory_mib=memory_mib, cpus=cpus))


def _relative(samples: pd.DataFrame) -> pd.Series:
    med = samples.groupby("cpus")["throughput"].median()
    return med / med.loc[1.0]


@checker
def check_relative_throughput(relative, res: Results) -> Feedback:
    """Exercise: median throughput per quota divided by the 1-CPU median, from the learner's own sweep."""
    if res.samples.empty or 1.0 not in set(res.samples["cpus"]):
        return wrong(_("this sweep has no 1-CPU run to divide by"), _("Run cpu_sweep() with the default quotas."))
    want = _relative(res.samples)
    got = pd.Series(relative, dtype=float) if isinstance(relative, dict) else relative
    if not isinstance(got, pd.Series):
        return wrong(_("expected a pandas Series (or a dict) indexed by cpus, got {type}").format(
                         type=type(relative).__name__),
                     _("samples.groupby('cpus')['throughput'].median() gives a Series indexed by cpus."))
    got = got.astype(float)
    missing = [q for q in want.index if q not in got.index]
    if missing:
        return wrong(_("no value for {missing} CPUs").format(missing=missing),
                     _("Group by the `cpus` column so every quota gets a row."))
    got = got.loc[want.index]
    if (abs(got - want) <= 1e-6 * want.abs().max()).all():
        quarter = _(" 0.25 CPU did {get:.2f} of the 1-CPU work per second.").format(
                      get=want.get(0.25, float('nan'))) \
            if 0.25 in want.index else ""
        return passed(_("your ratios match the sweep's own summary.") + quarter)
    raw = res.samples.groupby("cpus")["throughput"]
    if (abs(got - raw.median()) <= 1e-6 * raw.median().abs().max()).all():
        return wrong(_("these are the median throughputs themselves, not ratios"),
                     _("Divide every median by the median at cpus == 1.0."))
    mean_rel = raw.mean() / raw.mean().loc[1.0]
    if (abs(got - mean_rel) <= 1e-6).all():
        return wrong(_("these ratios use the mean; the course reports medians"),
                     _("Use .median(): one slow repeat moves a mean but hardly a median."))
    worst = (got - want).abs().idxmax()
    return wrong(_("at {worst} CPUs you have {loc:.3f}, your data gives {loc2:.3f}").format(
                     worst=worst, loc=got.loc[worst], loc2=want.loc[worst]),
                 _("Median throughput per cpus value, each divided by the median at cpus == 1.0."))


@checker
def check_exit_signal(signal_number, signal_name, res: Results) -> Feedback:
    """Exercise: which signal killed the process over its memory limit, decoded from its exit code."""
    import signal

    over = res.samples[res.samples["case"] == "exceeds"]
    if over.empty:
        return wrong(_("this run has no 'exceeds' case to decode"), _("Run memory_hog() with allocate > limit."))
    code = int(over["exit_code"].iloc[0])
    if code <= 128:
        return wrong(_("the process exited with {code}, not by a signal (> 128) on this run").format(code=code),
                     _("Was it OOM-killed? Look at the oom_killed column."))
    want = code - 128
    if signal_number != want:
        if signal_number == code:
            return wrong(_("{signal_number} is the exit code; the signal is hidden inside it").format(
                             signal_number=signal_number),
                         _("A shell reports a death by signal N as 128 + N."))
        return wrong(_("signal {signal_number} does not give exit code {code}").format(
                         signal_number=signal_number, code=code), _("exit code = 128 + signal number."))
    name = signal.Signals(want).name
    if str(signal_name).upper() != name:
        return wrong(_("signal {want} is not called {signal_name!r}").format(want=want, signal_name=signal_name),
                     _("Look it up: signal.Signals(number).name."))
    return passed(_("{code} = 128 + {want}: {name}. The memory cgroup's OOM killer ended the process with"
                    " a signal that cannot be caught, inside the container's cgroup only.").format(
                      code=code, want=want, name=name))


def compare_oom_prediction(predicted_exit_code, res: Results) -> str:
    """Set the learner's predicted exit code against the measured one, and explain."""
    code, killed = oom_fact(res)
    head = _("You measured exit code {code} (OOMKilled: {killed}).").format(code=code, killed=killed)
    if is_blank(predicted_exit_code) or predicted_exit_code is None:
        return head + _(" You made no prediction: next time write one down first, to see what you expected.")
    if predicted_exit_code == code:
        return head + _(" You predicted {predicted_exit_code}: right. The exercise below decodes what it "
                        "means.").format(predicted_exit_code=predicted_exit_code)
    if predicted_exit_code == 0:
        return (head + _(" You predicted 0 (success): a cgroup does not make the allocation fail gently; the "
                         "kernel reclaims what it can, then kills a process in the group."))
    if predicted_exit_code == 1:
        return (head + _(" You predicted 1 (a normal error): the program never saw an error; it was killed from "
                         "outside by a signal, and a shell reports a death by signal N as 128 + N."))
    return head + _(" You predicted {predicted_exit_code}. The exercise below shows where {code} comes "
                    "from.").format(predicted_exit_code=predicted_exit_code, code=code)


def compare_quota_prediction(predicted_relative, res: Results) -> str:
    """Set the learner's predicted throughput at 0.25 CPU (relative to 1 CPU) against the sweep."""
    if res.samples.empty or not {0.25, 1.0} <= set(res.samples["cpus"]):
        return _("This sweep has no 0.25 and 1 CPU runs to compare.")
    got = float(_relative(res.samples).loc[0.25])
    head = _("At 0.25 CPU your container did {got:.2f} of the 1-CPU work per second.").format(got=got)
    if is_blank(predicted_relative) or predicted_relative is None:
        return head + _(" You made no prediction.")
    diff = got - float(predicted_relative)
    why = (_("close to the quota: the kernel lets the group run 25 ms in every 100 ms period, then throttles it.")
           if abs(got - 0.25) < 0.05 else
           _("away from 0.25: on a busy shared machine even the 1-CPU run does not get a whole CPU, which raises "
             "the ratio, and throttling at period boundaries costs a little, which lowers it."))
    return head + _(" You predicted {predicted_relative:.2f} (off by {diff:+.2f}); the result is {why}").format(
                      predicted_relative=float(predicted_relative), diff=diff, why=why)
