"""The container side of "VM vs container": time whole container lifecycles through the sandbox.

Each trial runs the course's busybox image with a command that reports like the VM's
``/init`` does: its PID, the kernel release it sees (``uname -r``) and how many processes
it can see. Phases are timed with ``perf_counter_ns`` around the low-level Docker API calls:

- ``create`` → ``start`` → ``wait`` (the command ran and exited) → ``remove``;
- ``total``: create called → command exited (comparable to the VM's launch → exit, removal excluded).

The container's ``uname -r`` is the engine host's kernel release: a container has no kernel of its own.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

from vlab.core import provenance, replay, sandbox
from vlab.core.engine import connect, describe
from vlab.core.errors import BadParameter, EngineError, VlabError
from vlab.core.i18n import _
from vlab.core.interleave import Rounds, StopRule, rule_for
from vlab.core.lifecycle import run_lifecycle
from vlab.core.results import Results
from vlab.core.stats import ratio_ci, summarize_frame
from vlab.core.validate import whole_number
from vlab.labs.vm import recorded

__all__ = [
    "CONTAINER_RULE", "Comparison", "KIND", "METRIC", "MICROVM_EXAMPLE", "PHASES", "REPORT", "compare",
    "container_starts", "explain", "lifecycle", "medians", "parse_report", "run_container_starts"
]

KIND = "vm_container_start"
PHASES = ("create", "start", "wait", "remove", "total")
REPORT = "echo \"pid=$$|kernel=$(uname -r)|procs=$(ls /proc | grep -c '^[0-9]')\""
METRIC = ("Docker SDK create → start → wait until the command (busybox sh printing uname -r) exited, "
          "host perf_counter_ns; removal timed separately")
#: Default stopping rule: the median total lifecycle within ±5 %, or 4 s spent (warm-up included).
CONTAINER_RULE = StopRule(precision=0.05, budget_s=4.0, min_trials=6, max_trials=100)
_REPORT_RE = re.compile(r"pid=(\d+)\|kernel=([^|]+)\|procs=(\d+)")


def parse_report(text: str) -> dict | None:
    """Parse the container's ``pid=…|kernel=…|procs=…`` line (None when absent)."""
    m = _REPORT_RE.search(text)
    if not m:
        return None
    return {"pid": int(m.group(1)), "kernel": m.group(2).strip(), "procs": int(m.group(3))}


def container_starts(trials: int | None = None, *, warmup: int = 1, progress: bool = True,
                     budget: float | None = None, precision: float | None = None, min_trials: int | None = None,
                     max_trials: int | None = None) -> Results:
    """Time container lifecycles (after ``warmup`` unrecorded ones). Replay mode: the recording.

    ``trials=N`` times exactly N; otherwise ``CONTAINER_RULE`` (the median total within ±5 %, or
    4 s spent, warm-up included; quick mode: exactly 3), changed by ``budget`` (s), ``precision``
    (fraction), ``min_trials``, ``max_trials``; ``extra["stopping"]`` says how it ended.
    """
    opts = dict(budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)
    _check(trials, warmup, **opts)
    return _starts(trials, warmup=warmup, progress=progress, **opts)


def _check(trials: int | None, warmup: int, **opts) -> StopRule:
    if trials is not None:
        whole_number("trials", trials, 1, 500, "For example trials=5.")
    whole_number("warmup", warmup, 0, 10)
    return rule_for(CONTAINER_RULE, trials, quick_trials=3, **opts)


def _check_starts(trials: int | None = None, *, warmup: int = 1, progress: bool = True,
                  budget: float | None = None, precision: float | None = None, min_trials: int | None = None,
                  max_trials: int | None = None) -> None:
    _check(trials, warmup, budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)


@replay.replayable(KIND, check=_check_starts)
def _starts(trials: int | None = None, *, warmup: int = 1, progress: bool = True,
            budget: float | None = None, precision: float | None = None, min_trials: int | None = None,
            max_trials: int | None = None) -> Results:
    return run_container_starts(trials, warmup=warmup, progress=progress, budget=budget, precision=precision,
                                min_trials=min_trials, max_trials=max_trials)


def lifecycle(client=None) -> tuple[dict[str, float], dict | None]:
    """One timed container lifecycle (``vlab.core.lifecycle.run_lifecycle``): phase → ms, and what it reported."""
    client = client or connect()
    kwargs = sandbox.create_kwargs(client, ["/bin/sh", "-c", REPORT], limits=sandbox.Limits(memory="64m", pids=16),
                                   purpose="vm-vs-container")
    lc = run_lifecycle(client, kwargs, read_marker=False, keep_output=True)
    if lc.exit_code != 0:
        raise EngineError(_("The timing container exited with code {code}: {output}").format(
            code=lc.exit_code, output=lc.output.strip()[:200]))
    st = lc.stamps

    def ms(a: str, b: str) -> float:
        return (st[b] - st[a]) / 1e6

    times = {"create": ms("t0", "created"), "start": ms("created", "started"), "wait": ms("started", "exited"),
             "remove": ms("remove_sent", "removed"), "total": ms("t0", "exited")}
    return times, parse_report(lc.output)


def run_container_starts(trials: int | None = None, *, warmup: int = 1, progress: bool = False,
                         budget: float | None = None, precision: float | None = None, min_trials: int | None = None,
                         max_trials: int | None = None) -> Results:
    """Measure live (no replay). Interrupted runs return ``partial=True`` with the trials done."""
    rule = _check(trials, warmup, budget=budget, precision=precision, min_trials=min_trials, max_trials=max_trials)
    client = connect()
    info = describe(client)
    rows: list[dict] = []
    report: dict | None = None
    partial = False
    runs = Rounds(["container"], rule, 0, warmup=warmup, progress=progress, desc="container lifecycles")
    try:
        for i, _slot, _item in runs:
            times, rep = lifecycle(client)
            report = rep or report
            if i >= 0:
                rows.extend({"config": "container", "runtime": info.default_runtime, "trial": i,
                             "phase": p, "ms": times[p], "clock": "host"} for p in PHASES)
                runs.add("total", times["total"])
    except KeyboardInterrupt:
        partial = True
        runs.interrupted()
    except VlabError as exc:
        runs.failed()
        exc.partial = _results(rule, warmup, info, rows, report, True, runs.report())
        raise
    return _results(rule, warmup, info, rows, report, partial, runs.report())


def _results(rule: StopRule, warmup: int, info, rows: list[dict], report: dict | None, partial: bool,
             stopping: dict) -> Results:
    samples = pd.DataFrame(rows, columns=["config", "runtime", "trial", "phase", "ms", "clock"])
    summary = summarize_frame(samples, by=["config", "phase"], value="ms")
    prov = provenance.collect({"trials": rule.max_trials if rule.fixed else None, "stop_rule": rule.to_dict(),
                               "warmup": warmup, "image": "vlab/busybox:1",
                               "limits": {"memory": "64m", "pids": 16, "network": "none"}})
    extra = {
        "metric": METRIC,
        "container": report or {},
        "host_kernel": info.kernel,
        "same_kernel_as_host": bool(report and report["kernel"] == info.kernel),
        "engine_in_vm": info.in_vm,
        "stopping": stopping,
    }
    return Results(KIND, samples, summary, prov, extra, partial=partial)


def medians(res: Results) -> dict[str, float]:
    """Median ms of each phase."""
    if res.samples.empty:
        return {}
    return {str(k): float(v) for k, v in res.samples.groupby("phase")["ms"].median().items()}


# ---------------------------------------------------------------- the comparison
@dataclass
class Comparison:
    """Container median vs VM median on the same machine, with a bootstrap CI of the ratio."""

    container_ms: float
    vm_ms: float
    ratio: float  # VM ÷ container
    ci_low: float
    ci_high: float
    accel: str
    winner: str  # "container" or "vm"
    container_kernel: str
    vm_kernel: str
    explanation: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return _("container median {container:,.0f} ms vs VM ({accel}) median {vm:,.0f} ms: the VM took "
                 "{ratio:,.1f}× as long (95% CI {low:,.1f}–{high:,.1f}×).").format(
            container=self.container_ms, accel=self.accel.upper(), vm=self.vm_ms, ratio=self.ratio,
            low=self.ci_low, high=self.ci_high)


def compare(container: Results, vm: Results, *, container_phase: str = "total",
            vm_phase: str = "launch_to_marker") -> Comparison:
    """Compare the container's launch → exit with the VM's launch → marker, and explain the result."""
    cs = container.samples[container.samples["phase"] == container_phase]["ms"] if not container.samples.empty else []
    vs = vm.samples[vm.samples["phase"] == vm_phase]["ms"] if not vm.samples.empty else []
    if len(cs) == 0 or len(vs) == 0:
        raise BadParameter(_("Both results need samples to compare."),
                           _("Pass container_starts() results (phase {container_phase!r}) and boot_vm() results "
                             "(phase {vm_phase!r}).").format(container_phase=container_phase, vm_phase=vm_phase))
    r = ratio_ci(list(vs), list(cs))
    c_med, v_med = float(pd.Series(cs).median()), float(pd.Series(vs).median())
    accel = str(vm.extra.get("accelerator") or (vm.samples["accel"].iloc[0] if "accel" in vm.samples else "?"))
    winner = "container" if c_med < v_med else "vm"
    return Comparison(c_med, v_med, r["ratio"], r["ci_low"], r["ci_high"], accel, winner,
                      str((container.extra.get("container") or {}).get("kernel", "")),
                      str((vm.extra.get("guest") or {}).get("kernel", "")),
                      explain(winner, r["ratio"], accel))


#: The published microVM boot quoted by :func:`explain` (a row of data/published_figures.tsv).
MICROVM_EXAMPLE = "AGA20-boot-serial-fc-file"


def explain(winner: str, ratio: float, accel: str) -> str:
    """Why the container (or, unusually, the VM) came first, for this accelerator."""
    if winner == "container":
        why = _("The container won: it boots no kernel. The engine only sets up namespaces and cgroups and runs one "
                "process on the host kernel that is already running, while the VM had to start QEMU, load and boot a "
                "whole guest kernel, and only then run /init.")
        if accel == "tcg":
            why += _(" Your VM also ran under TCG, software emulation (에뮬레이션): QEMU translated every guest "
                     "instruction, so the kernel boot was many times slower than on hardware. With KVM and a minimal "
                     "microVM the boot shrinks a lot (Firecracker: "
                     "{figure} from VMM launch to the guest's init signalling, on a "
                     "bare-metal server), but a kernel still boots. That published figure is a different measurement "
                     "from your container's create → exit, so it is not a race result: only your own two runs, timed "
                     "with one clock, are.").format(figure=recorded.quote(MICROVM_EXAMPLE))
        else:
            why += _(" Your VM used KVM hardware acceleration (하드웨어 가속), so the guest ran at native speed; "
                     "the gap you see is mostly the kernel boot itself: that is what microVMs shrink, never to zero.")
        return why
    return _("The VM won on your machine, which is unusual. Possible reasons: the Docker engine itself runs inside a "
             "VM (Docker Desktop) or is very busy, so each container start pays for that; or your VM used KVM with a "
             "minimal kernel (a microVM) while the container start included slow image or network set-up. Ratio "
             "{ratio:.2f}×: look at the phases of both measurements to see where the time went.").format(ratio=ratio)
