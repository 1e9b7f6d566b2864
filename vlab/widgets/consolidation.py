"""Consolidation calculator widget: sliders on ``vlab.labs.consolidation.plan`` and an HTML table."""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.labs.consolidation import Assumptions, plan, summary_line

#: the plan's approaches (data keys), marked for the catalog.
APPROACHES = {"bare metal": N_("bare metal"), "virtual machines": N_("virtual machines"),
              "containers": N_("containers")}


def to_html(df: pd.DataFrame) -> str:
    """The plan as a small HTML table with bars for machines."""
    top = max(df["machines"].max(), 1)
    colours = {"bare metal": "#D55E00", "virtual machines": "#E69F00", "containers": "#0072B2"}
    names = (_("approach"), _("machines"), "", _("services / machine"), _("CPU used"), _("cost"), _("rack U"),
             _("power kW"))
    head = "<tr>" + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>"
    body = []
    for r in df.itertuples():
        bar = (f'<div style="background:{colours[r.approach]};height:10px;'
               f'width:{max(2, 160 * r.machines / top):.0f}px"></div>')
        per = f"{r.per_machine:g}" if r.per_machine >= 1 else f"1/{round(1 / r.per_machine)}"
        name = _(APPROACHES[r.approach]) if r.approach in APPROACHES else r.approach
        body.append(f"<tr><td>{html.escape(name)}</td><td><b>{r.machines}</b></td><td>{bar}</td>"
                    f"<td>{per}</td><td>{r.util_cpu:.0%}</td><td>{r.cost:,.0f}</td><td>{r.rack_units}</td>"
                    f"<td>{r.kw:.1f}</td></tr>")
    return f"<table>{head}{''.join(body)}</table><p>{html.escape(summary_line(df))}</p>"


class ConsolidationView:
    """Sliders for services, CPU and memory per service; a live table, bars and the assumptions."""

    def __init__(self, services: int = 20, cpu: float = 1.0, mem_gib: float = 4.0,
                 assumptions: Assumptions | None = None):
        import ipywidgets as w

        self.assumptions = assumptions or Assumptions()
        style = {"description_width": "13em"}
        lay = w.Layout(width="32em")
        self.services = w.IntSlider(value=services, min=1, max=200, description=_("services (서비스 수)"),
                                    style=style, layout=lay)
        self.cpu = w.FloatSlider(value=cpu, min=0.25, max=16, step=0.25, description=_("CPU cores per service"),
                                 style=style, layout=lay)
        self.mem = w.FloatSlider(value=mem_gib, min=0.25, max=64, step=0.25, description=_("memory GiB per service"),
                                 style=style, layout=lay)
        self.result = w.HTML()
        notes = "".join(f"<li>{html.escape(s)}</li>" for s in self.assumptions.describe())
        summary = _("Assumptions (가정): illustrative round numbers, not quotes")
        self.notes = w.HTML(f"<details><summary>{summary}</summary><ul>{notes}</ul></details>")
        for s in (self.services, self.cpu, self.mem):
            s.observe(self.update, names="value")
        self.widget = w.VBox([self.services, self.cpu, self.mem, self.result, self.notes])
        self.update()

    def with_assumptions(self, **changes) -> ConsolidationView:
        """Change assumptions (e.g. ``guest_os_mem_gib=2``) and recompute."""
        self.assumptions = replace(self.assumptions, **changes)
        self.update()
        return self

    def update(self, _change=None) -> None:
        try:
            self.plan = plan(self.services.value, self.cpu.value, self.mem.value, self.assumptions)
            self.result.value = to_html(self.plan)
        except BadParameter as exc:
            self.plan = None
            self.result.value = f'<span style="color:#D55E00">{html.escape(str(exc))}</span>'

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
