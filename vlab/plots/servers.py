"""Figures for the servers notebook: what a server is, a company's servers, three ways to run them.

Course counterparts of the lecture-notes figures 서버.png, 실제기업에서운영하는서버.png and 서버운영법.png.
Each function draws with matplotlib only and returns the Axes (or Figure for multi-panel ones).
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from vlab.core.i18n import _, language
from vlab.plots.common import OKABE_ITO, hangul_font, provenance_note, stack_title, styled

_H = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_HANGUL_TAIL = re.compile(rf"[,;][ \t]*[{_H}][{_H} \t]*(?=\))")
_HANGUL_GROUP = re.compile(rf"[ \t]*\([^()]*[{_H}][^()]*\)")
_HANGUL_RUN = re.compile(rf"[{_H}]+[ \t\d]*")


def k(text: str) -> str:
    """``text`` as is when Hangul can be drawn; otherwise with its Korean parts removed (no tofu boxes)."""
    if hangul_font():
        return text
    text = _HANGUL_RUN.sub("", _HANGUL_GROUP.sub("", _HANGUL_TAIL.sub("", text)))
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def _box(ax, x, y, w, h, text, colour, *, fontsize=9, alpha=0.85, text_colour="black"):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=colour, edgecolor="#333333", alpha=alpha, linewidth=1))
    ax.text(x + w / 2, y + h / 2, k(text), ha="center", va="center", fontsize=fontsize, color=text_colour, wrap=True)


def _arrow(ax, start, end, text="", colour="#333333", offset=0.18, style="-|>"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=colour, linewidth=1.4))
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + offset, k(text), ha="center", fontsize=8,
                color=colour)


def _blank(ax, width, height):
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")


@styled
def server_anatomy(inside: dict | None = None, *, replayed: bool = False, ax=None):
    """서버.png: a server is hardware plus the software running on it, answering a client's request.

    ``inside`` (one row of ``servers.inside(results)``) labels the boxes with what the live server saw.
    """
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 3.6))
    _blank(ax, 10, 5)
    cpus = _("{n} CPU(s) visible").format(n=inside["cpus_visible"]) if inside else _("CPU cores")
    mem = (_("memory limit {mib} MiB").format(mib=inside["memory_limit_mib"])
           if inside and inside.get("memory_limit_mib") else _("memory"))
    program = inside["software"] if inside else _("server program (httpd, a WAS, a DBMS…)")
    _box(ax, 0.2, 1.6, 2.2, 1.8, _("client (클라이언트)\nbrowser, app,\nthis notebook"), OKABE_ITO[5])
    ax.add_patch(FancyBboxPatch((4.2, 0.3), 5.5, 4.4, boxstyle="round,pad=0.02,rounding_size=0.1",
                                facecolor="none", edgecolor="#333333", linestyle="--"))
    ax.text(6.95, 4.45, k(_("server (서버) = hardware + software")), ha="center", fontsize=10.5)
    _box(ax, 4.5, 2.9, 4.9, 1.2, _("software (소프트웨어)\n{program}").format(program=program), OKABE_ITO[0],
         text_colour="white")
    _box(ax, 4.5, 2.1, 4.9, 0.6, _("operating system: kernel (커널)"), OKABE_ITO[4])
    _box(ax, 4.5, 0.5, 2.35, 1.4, _("hardware (하드웨어)\n{cpus}").format(cpus=cpus), "#BBBBBB")
    _box(ax, 7.05, 0.5, 2.35, 1.4, _("hardware\n{memory}\ndisk, network").format(memory=mem), "#BBBBBB")
    _arrow(ax, (2.5, 2.9), (4.4, 3.4), _("request (요청)"))
    _arrow(ax, (4.4, 2.6), (2.5, 2.1), _("response (응답)"), colour=OKABE_ITO[3], offset=-0.35)
    ax.set_title(k(_("What is a server? The machine and the program that serves (제공하다) results")), fontsize=10)
    if inside:
        text = (_("Labels from a replayed recording inside the {kind} container.") if replayed
                else _("Labels measured live inside the {kind} container."))
        provenance_note(ax, text.format(kind=inside.get("kind", "server")))
    return ax


@styled
def company_servers(summary=None, *, replayed: bool = False, ax=None):
    """실제기업에서운영하는서버.png: the servers a company runs, and how a request flows through them.

    ``summary`` (``tour().summary``) adds the median answer time each server gave in this course's tour.
    """
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 4))
    _blank(ax, 12, 6)
    ms = {}
    if summary is not None and not summary.empty:
        ms = dict(zip(summary["server"], summary["median_ms"], strict=False))

    def label(name, title, korean):
        extra = "\n" + _("median {ms} ms here").format(ms=f"{ms[name]:.1f}") if name in ms else ""
        return (title if language() == "ko" else f"{title}\n({korean})") + extra

    _box(ax, 0.2, 2.3, 1.8, 1.4, _("users'\nbrowsers\n(클라이언트)"), OKABE_ITO[5])
    _box(ax, 3.0, 2.3, 2.3, 1.4, label("web", _("web server"), "웹 서버") + "\n" + _("static pages"),
         OKABE_ITO[0],
         text_colour="white")
    _box(ax, 6.3, 2.3, 2.4, 1.4, label("app", "WAS", "웹 애플리케이션 서버") + "\n" + _("dynamic results"),
         OKABE_ITO[1])
    _box(ax, 9.6, 3.6, 2.2, 1.4, label("db", _("DBMS server"), "DBMS 서버"), OKABE_ITO[2])
    _box(ax, 9.6, 1.0, 2.2, 1.4, label("file", _("file server"), "파일 서버"), OKABE_ITO[4])
    _arrow(ax, (2.05, 3.0), (2.95, 3.0), "HTTP")
    _arrow(ax, (5.35, 3.0), (6.25, 3.0), _("dynamic\nrequest"), offset=0.25)
    _arrow(ax, (8.75, 3.2), (9.55, 4.1), _("query"), offset=0.1)
    _arrow(ax, (8.75, 2.8), (9.55, 1.9), _("files"), offset=-0.45)
    ax.add_patch(FancyBboxPatch((2.8, 0.5), 9.15, 5.0, boxstyle="round,pad=0.02,rounding_size=0.1",
                                facecolor="none", edgecolor="#777777", linestyle=":"))
    ax.text(7.4, 5.6, _("the company's server room (or cloud): one machine per role, or many roles per machine"),
            ha="center", fontsize=8.5, color="#444444")
    ax.set_title(_("Servers a real company runs, classified by the software they run (S1.3)"), fontsize=10)
    if ms:
        provenance_note(ax, _("Times from a replayed recording of this course's four server containers (noisy; compare "
                              "the order, not the values).") if replayed else
                        _("Times measured live of this course's four server containers (noisy; compare the order, "
                          "not the values)."))
    return ax


@styled
def operating_models(stacks: tuple[str, ...] = ("bare metal", "type-2 hypervisor", "container")):
    """서버운영법.png: three ways to operate servers, drawn from the stack explorer's layer data."""
    from vlab.labs.hypervisors import LAYERS, NOTES, kernels, stack

    fig, axes = plt.subplots(1, len(stacks), figsize=(3.4 * len(stacks), 4.2))
    axes = [axes] if len(stacks) == 1 else list(axes)
    for ax, name in zip(axes, stacks, strict=True):
        rows = stack(name)
        _blank(ax, 6, len(rows) + 1.6)
        for r, row in enumerate(rows):
            w = 5.6 / len(row)
            for c, key in enumerate(row):
                lay = LAYERS[key]
                text = lay.korean if language() == "ko" else f"{lay.name}\n{lay.korean}"
                _box(ax, 0.2 + c * w, 0.2 + r, w - 0.1, 0.85, text, lay.colour,
                     fontsize={1: 8, 2: 7}.get(len(row), 6))
        ax.set_title(_("{name}\n(kernels on an app's path: {n})").format(name=stack_title(name), n=kernels(name)),
                     fontsize=9)
        ax.text(3, len(rows) + 0.35, _wrap(k(_(NOTES[name])), 48), ha="center", va="bottom", fontsize=6.8,
                color="#333333")
    fig.suptitle(k(_("Three ways to operate servers (서버 운영법): bare metal (베어메탈), hypervisor (하이퍼바이저), "
                     "container (컨테이너)")), fontsize=10)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
