"""cgroup playground (cgroup 놀이터): sliders for memory, CPUs and pids; a button runs the limited workload.

The run (live, or the recorded lab run in replay mode) is ``vlab.labs.cgroups.playground_run``; this widget draws it.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W

from vlab.core.errors import VlabError
from vlab.core.i18n import N_, _
from vlab.labs.cgroups import NOT_REPORTED, WORKLOADS, playground_run

SIZE_LABEL = {"memory hog": N_("allocate (MiB)"), "CPU loop": N_("work (k iterations)"),
              "fork processes": N_("processes")}
WORKLOAD_LABEL = {"memory hog": N_("memory hog"), "CPU loop": N_("CPU loop"), "fork processes": N_("fork processes")}


class CgroupPlayground:
    """Pick a workload and limits, press Run: the outcome (exit code, OOMKilled, fork refused, time) appears."""

    def __init__(self, runner: Callable[..., dict] | None = None) -> None:
        """``runner(workload, memory_mb=, cpus=, pids=, size=) -> outcome``; default ``playground_run``."""
        self.runner = runner or playground_run
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
                             .format(code=out["exit_code"], refused=out["fork_refused"],
                                     oom=_(NOT_REPORTED) if out["oom_killed"] is None else out["oom_killed"])
                             + f"<br>{html.escape(out['verdict'])}</div>")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def playground(runner: Callable[..., dict] | None = None) -> CgroupPlayground:
    """Build the cgroup playground (live runs on your engine; recorded outcomes in replay mode)."""
    return CgroupPlayground(runner)
