"""cgroup playground (cgroup 놀이터): sliders for memory, CPUs and pids; a button runs the limited workload."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W

from vlab.core.errors import BadParameter, VlabError
from vlab.core.i18n import N_, _
from vlab.core.validate import whole_number
from vlab.labs.cgroups import WORKLOADS, playground_run, verdict

SIZE_LABEL = {"memory hog": N_("allocate (MiB)"), "CPU loop": N_("work (k iterations)"),
              "fork processes": N_("processes")}
WORKLOAD_LABEL = {"memory hog": N_("memory hog"), "CPU loop": N_("CPU loop"), "fork processes": N_("fork processes")}


def replay_outcome(workload: str, *, memory_mb: int = 64, cpus: float = 1.0, pids: int = 32, size: int = 100) -> dict:
    """In replay mode: the recorded lab run closest to this workload (labelled as a recording)."""
    from vlab.core import replay

    if workload not in WORKLOADS:
        raise BadParameter(f"Unknown workload {workload!r}", f"Use one of: {', '.join(WORKLOADS)}.")
    memory_mb, size = whole_number("memory_mb", memory_mb, 6, 4096), whole_number("size", size, 1, 1000)
    if isinstance(cpus, bool) or not isinstance(cpus, int | float):
        raise BadParameter(f"cpus={cpus!r} must be a number of CPUs", "For example cpus=0.5.")
    out = {"workload": workload, "memory_mb": memory_mb, "cpus": cpus, "pids": pids, "size": size,
           "exit_code": 0, "oom_killed": False, "fork_refused": False, "elapsed_ms": None, "started": None}
    if workload == "memory hog":
        df = replay.load("cg_oom").samples
        r = df[df["case"] == ("exceeds" if size > memory_mb else "fits")].iloc[0]
        out.update(memory_mb=int(r["limit_mib"]), size=int(r["allocate_mib"]), exit_code=int(r["exit_code"]),
                   oom_killed=bool(r["oom_killed"]))
    elif workload == "fork processes":
        r = replay.load("cg_pids").samples.iloc[0]
        out.update(pids=int(r["pids_limit"]), size=int(r["attempts"]), exit_code=int(r["exit_code"]),
                   fork_refused=bool(r["fork_refused"]), started=int(r["started"]))
    else:
        df = replay.load("cg_cpu").samples
        r = df.iloc[(df["cpus"] - cpus).abs().argmin()]
        out.update(cpus=float(r["cpus"]), elapsed_ms=float(r["elapsed_ms"]))
    out["verdict"] = _("Recorded run (replay mode): {verdict}").format(verdict=verdict(out))
    return out


def default_runner() -> Callable[..., dict]:
    from vlab.core.mode import current

    return replay_outcome if current().replay else playground_run


class CgroupPlayground:
    """Pick a workload and limits, press Run: the outcome (exit code, OOMKilled, fork refused, time) appears."""

    def __init__(self, runner: Callable[..., dict] | None = None) -> None:
        self.runner = runner or default_runner()
        self.workload = W.ToggleButtons(options=[(_(WORKLOAD_LABEL.get(w, w)), w) for w in WORKLOADS],
                                        value="memory hog", description=_("workload"))
        self.memory = W.IntSlider(value=32, min=8, max=256, step=8, description=_("memory MiB"))
        self.cpus = W.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.05, description=_("CPUs"))
        self.pids = W.IntSlider(value=16, min=4, max=128, description="pids")
        self.size = W.IntSlider(value=64, min=1, max=512, description=_(SIZE_LABEL["memory hog"]))
        self.button = W.Button(description=_("Run in a limited container"), button_style="primary", icon="play")
        self.result = W.HTML("<i>" + _("Choose limits and press Run.") + "</i>")
        self.history: list[dict] = []
        self.workload.observe(self._relabel, names="value")
        self.button.on_click(self._run)
        self.widget = W.VBox([self.workload, self.memory, self.cpus, self.pids, self.size, self.button, self.result])

    def _relabel(self, change=None) -> None:
        self.size.description = _(SIZE_LABEL[self.workload.value])

    def _run(self, _button=None) -> None:
        self.button.disabled = True
        self.result.value = "<i>" + _("running…") + "</i>"
        try:
            out = self.runner(self.workload.value, memory_mb=int(self.memory.value), cpus=float(self.cpus.value),
                              pids=int(self.pids.value), size=int(self.size.value))
        except VlabError as exc:
            self.result.value = f'<span style="color:#D55E00">{html.escape(str(exc))}</span>'
            return
        finally:
            self.button.disabled = False
        self.history.append(out)
        colour = "#D55E00" if out.get("oom_killed") or out.get("fork_refused") else "#009E73"
        self.result.value = (f'<div style="border-left:6px solid {colour};padding:6px 10px">'
                             + _("exit code <b>{code}</b> · OOMKilled <b>{oom}</b> · fork refused <b>{refused}</b>")
                             .format(code=out["exit_code"], oom=out["oom_killed"], refused=out["fork_refused"])
                             + f"<br>{html.escape(out['verdict'])}</div>")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def playground(runner: Callable[..., dict] | None = None) -> CgroupPlayground:
    """Build the cgroup playground (live runs on your engine; recorded outcomes in replay mode)."""
    return CgroupPlayground(runner)
