"""Stack explorer widget: a stack as buttons; clicking a layer explains it (model in ``vlab.labs.hypervisors``)."""

from __future__ import annotations

import html

from vlab.core.errors import BadParameter
from vlab.core.i18n import _, language
from vlab.labs.hypervisors import LAYERS, NOTES, STACKS, kernels, stack
from vlab.plots.common import stack_title


def _intro() -> str:
    return "<i>" + _("Click a layer to see what it does. 층을 눌러 보세요.") + "</i>"


class StackView:
    """Pick a stack; every layer is a button; clicking one explains it in English and Korean."""

    def __init__(self, name: str = "bare metal"):
        import ipywidgets as w

        stack(name)  # validate before building anything
        self.picker = w.ToggleButtons(options=[(stack_title(s), s) for s in STACKS], value=name,
                                      description="", style={"button_width": "10em"})
        self.rows = w.VBox()
        self.note = w.HTML()
        self.explanation = w.HTML(value=_intro())
        self.buttons: list = []
        self.selected: str | None = None
        self.picker.observe(self._draw, names="value")
        self.widget = w.VBox([self.picker, self.rows, self.note, self.explanation])
        self._draw()

    def _draw(self, _change=None) -> None:
        import ipywidgets as w

        self.buttons = []
        rows = []
        for row in reversed(stack(self.picker.value)):  # top of the stack first on screen
            cells = []
            for key in row:
                lay = LAYERS[key]
                b = w.Button(description=lay.korean if language() == "ko" else f"{lay.name} · {lay.korean}",
                             tooltip=lay.what_ko if language() == "ko" else lay.what,
                             layout=w.Layout(width=f"{46 / len(row):.0f}em", height="2.4em"))
                b.style.button_color = lay.colour
                b.layer = key  # type: ignore[attr-defined]
                b.on_click(self._on_click)
                cells.append(b)
                self.buttons.append(b)
            rows.append(w.HBox(cells))
        self.rows.children = rows
        self.note.value = (f"<b>{html.escape(stack_title(self.picker.value))}</b>: "
                           f"{html.escape(_(NOTES[self.picker.value]))} "
                           + _("Kernels on an app's path: <b>{n}</b>.").format(n=kernels(self.picker.value)))
        self.selected = None
        self.explanation.value = _intro()

    def _on_click(self, button) -> None:
        self.selected = button.layer
        lay = LAYERS[button.layer]
        if language() == "ko":
            self.explanation.value = (f"<b>{html.escape(lay.korean)} ({html.escape(lay.name)})</b><br>"
                                      f"{html.escape(lay.what_ko)}")
            return
        self.explanation.value = (f"<b>{html.escape(lay.name)} ({html.escape(lay.korean)})</b><br>"
                                  f"{html.escape(lay.what)}<br><span style='color:#555'>{html.escape(lay.what_ko)}"
                                  f"</span>")

    def click(self, layer: str) -> None:
        """Click the first button of ``layer`` (handy in tests and demos)."""
        for b in self.buttons:
            if b.layer == layer:
                b.click()
                return
        raise BadParameter(f"layer {layer!r} is not in the {self.picker.value} stack")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
