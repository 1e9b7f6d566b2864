"""Namespace explorer (네임스페이스 탐색기): pick a namespace type, see host vs container and why."""

from __future__ import annotations

import html

import ipywidgets as W

from vlab.core.errors import BadParameter
from vlab.core.i18n import _
from vlab.core.results import Results
from vlab.labs.namespaces import NS_TYPES, NS_WHAT


def describe(res: Results, probe: str) -> dict:
    """Host value, container value, whether they differ and the note, for one probe of a ``views()`` result."""
    rows = res.samples[res.samples["probe"] == probe]
    if rows.empty:
        raise BadParameter(f"No probe {probe!r} in this result", f"Use one of: {', '.join(res.samples['probe'])}.")
    r = rows.iloc[0]
    return {"probe": probe, "what": r["what"], "host": str(r["host"]), "container": str(r["container"]),
            "differs": bool(r["differs"]), "note": r["note"]}


def render(info: dict) -> str:
    """HTML card for one probe."""
    colour = "#0072B2" if info["differs"] else "#E69F00"
    verdict = _("DIFFERENT: the container has its own") if info["differs"] else _("SAME: shared with the host")
    return (f'<div style="border-left:6px solid {colour};padding:6px 10px">'
            f"<b>{html.escape(info['probe'])}</b>: {html.escape(_(info['what']))}<br>"
            + _("host: {value}").format(value=f"<code>{html.escape(info['host'])}</code>") + "<br>"
            + _("container: {value}").format(value=f"<code>{html.escape(info['container'])}</code>") + "<br>"
            + f"<b>{verdict}</b><br><small>{html.escape(_(info['note']))}</small></div>")


class NamespaceExplorer:
    """Dropdown of namespace types and other views; the card below explains the one picked."""

    def __init__(self, res: Results) -> None:
        self.res = res
        probes = list(res.samples["probe"])
        labels = [(_("{name} namespace").format(name=p) if p in NS_TYPES else p, p) for p in probes]
        self.picker = W.Dropdown(options=labels, value=probes[0], description=_("show"))
        self.card = W.HTML()
        self.summary = W.HTML(self._summary())
        self.picker.observe(self._update, names="value")
        self._update()
        self.widget = W.VBox([self.summary, self.picker, self.card])

    def _summary(self) -> str:
        ns = self.res.samples[self.res.samples["group"] == "namespace"]
        own = ", ".join(ns[ns["differs"].astype(bool)]["probe"]) or _("none")
        shared = ", ".join(ns[~ns["differs"].astype(bool)]["probe"]) or _("none")
        tag = " " + _("(replayed recording)") if self.res.replayed else ""
        return _("<b>Own namespaces</b>: {own} · <b>shared with the host</b>: {shared}").format(
            own=own, shared=shared) + tag

    def _update(self, change=None) -> None:
        self.card.value = render(describe(self.res, self.picker.value))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explorer(res: Results) -> NamespaceExplorer:
    """Build the explorer for a ``vlab.labs.namespaces.views()`` result."""
    return NamespaceExplorer(res)


__all__ = ["NamespaceExplorer", "explorer", "describe", "render", "NS_WHAT"]
