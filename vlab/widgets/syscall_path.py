"""System-call path (S2.7–S2.9): pick an operation and follow it from the app to the hardware.

The model (the operations, their hops, ``kernels_crossed`` and what vlab has measured, ``costs``) is
``vlab.labs.syscalls``; this widget draws it.
"""

from __future__ import annotations

import html

from vlab.core.i18n import _, language
from vlab.labs.syscalls import OPERATIONS, WHERE, Hop, check_where, costs, kernels_crossed, operation, path

__all__ = ["SyscallPathView"]

#: the colour of each layer's box
COLOURS = {"app": "#56B4E9", "guest kernel": "#CC79A7", "hypervisor": "#E69F00", "host kernel": "#0072B2",
           "hardware": "#999999"}


def _layer(h: Hop) -> str:
    """A hop's layer name: Korean alone in Korean, 'layer (Korean)' in English."""
    return h.korean if language() == "ko" else f"{h.layer} ({h.korean})"


class SyscallPathView:
    """Pick an operation and a place; see every hop with the measured cost where vlab has one."""

    def __init__(self, op: str = "read a file", where: str = "virtual machine", results: dict | None = None):
        """``results`` maps recorded kinds to live Results; the shipped recordings fill in the rest."""
        import ipywidgets as w

        operation(op)
        check_where(where)
        self.results = results
        self.op = w.Dropdown(options=[(_(name), name) for name in OPERATIONS], value=op, description=_("operation"))
        self.where = w.ToggleButtons(options=[(_(place), place) for place in WHERE], value=where,
                                     description=_("app runs in"))
        self.out = w.HTML()
        self.op.observe(self.update, names="value")
        self.where.observe(self.update, names="value")
        self.widget = w.VBox([self.op, self.where, self.out])
        self.update()

    def update(self, _change=None) -> None:
        hops = path(self.op.value, self.where.value)
        boxes = []
        for i, h in enumerate(hops):
            arrow = "" if i == 0 else "<div style='padding-left:2em'>↓</div>"
            boxes.append(f"{arrow}<div style='border-left:8px solid {COLOURS[h.layer]};padding:3px 8px;"
                         f"margin:1px 0;background:rgba(127,127,127,.08)'><b>{_layer(h)}</b>: "
                         f"{html.escape(h.action)}</div>")
        cost = costs(self.op.value, self.results).get(self.where.value, _("not measured yet"))
        n = kernels_crossed(self.op.value, self.where.value)
        self.out.value = (
            "".join(boxes)
            + "<p>" + _("Kernels that handle this request: <b>{n}</b>. Hops: <b>{hops}</b>.").format(n=n,
                                                                                                   hops=len(hops))
            + "<br><small>" + _("Cost: {cost}").format(cost=html.escape(cost)) + "</small></p>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
