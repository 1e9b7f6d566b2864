"""Concept figures drawn in code: the course's counterparts of the lecture notes' S2 figures.

| function                | lecture figure            |
|-------------------------|---------------------------|
| ``virtualization()``    | 가상화기술.png              |
| ``why_virtualize()``    | 가상화기술필요이유.png        |
| ``enterprise_servers()``| 엔터프라이즈서버운영.png      |
| ``hypervisor()``        | 하이퍼바이저.png             |
| ``syscalls_through_os()``| 하이퍼바이저실행방법.png      |
| ``hypervisor_translates()``| 하이퍼바이저실행방법2.png  |
| ``stack_diagram(name)`` | any stack from the stack explorer (bare metal, hypervisors, container) |

Korean labels are drawn when a font with Hangul is installed (Nanum, Noto CJK, Malgun, AppleGothic);
otherwise the figures stay English-only rather than showing empty boxes.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from vlab.core.errors import BadParameter
from vlab.plots.common import OKABE_ITO, hangul_font, styled

GREY, BLUE, ORANGE, GREEN, RED, PINK, SKY = "#BBBBBB", *OKABE_ITO[0:3], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5]


def ko(english: str, korean: str) -> str:
    """'english (korean)' when Korean can be drawn, else just the English."""
    return f"{english} ({korean})" if hangul_font() else english


def tag(korean: str) -> str:
    """' · korean' for titles when Korean can be drawn, else ''."""
    return f" · {korean}" if hangul_font() else ""


def _figure(w: float, h: float, title: str):
    fig, ax = plt.subplots(figsize=(w, h))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")
    ax.set_title(title, fontsize=11, loc="left")
    return fig, ax


def box(ax, x: float, y: float, w: float, h: float, text: str, colour: str = GREY, *, fontsize: float = 8.5,
        alpha: float = 0.85, textcolour: str = "black", dashed: bool = False) -> None:
    """A rounded, labelled box (x, y = lower-left corner, in the 0–100 axes space)."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4,rounding_size=1.2", fc=colour, ec="#333333",
                                lw=1.0, alpha=alpha, ls="--" if dashed else "-"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, color=textcolour, wrap=True)


def arrow(ax, x1: float, y1: float, x2: float, y2: float, text: str = "", colour: str = "#333333",
          fontsize: float = 7.5, rad: float = 0.0) -> None:
    ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=12, color=colour, lw=1.3,
                                 connectionstyle=f"arc3,rad={rad}"))
    if text:
        ax.text((x1 + x2) / 2 + 1, (y1 + y2) / 2, text, fontsize=fontsize, color=colour, va="center")


def _done(fig):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.tight_layout()
    return fig


# ---------------------------------------------------------------- S2.1 가상화기술.png
@styled(hangul_first=True)
def virtualization(n_guests: int = 3):
    """One physical computer running several virtual computers inside it (S2.1)."""
    if not isinstance(n_guests, int) or not 1 <= n_guests <= 6:
        raise BadParameter(f"n_guests={n_guests!r} must be 1 to 6")
    fig, ax = _figure(8, 4.2, "Virtualization: computers inside one computer" + tag("가상화"))
    box(ax, 2, 4, 96, 84, "", "#EEEEEE", alpha=1)
    ax.text(4, 84, ko("one physical computer", "물리 서버") + ": CPU, memory, disk, network", fontsize=9,
            va="center")
    w = 90 / n_guests
    for i in range(n_guests):
        x = 5 + i * w
        box(ax, x, 14, w - 4, 60, "", "#FFFFFF", alpha=1, dashed=True)
        ax.text(x + (w - 4) / 2, 68, ko(f"virtual computer {i + 1}", "가상 컴퓨터"), ha="center", fontsize=8.5)
        box(ax, x + 2, 46, w - 8, 14, "apps", SKY)
        box(ax, x + 2, 28, w - 8, 14, "its own OS", PINK)
        box(ax, x + 2, 17, w - 8, 8, "virtual CPU · RAM · disk", GREY, fontsize=7.5)
    ax.text(50, 7, "Not physically there, but it behaves as if it were: each guest sees 'its' CPU, memory and disk.",
            ha="center", fontsize=8, style="italic")
    return _done(fig)


# ---------------------------------------------------------------- S2.2–S2.3 가상화기술필요이유.png
@styled(hangul_first=True)
def why_virtualize():
    """Left: programs on one OS interfere; right: isolated guests, each with its maximum share (S2.2–S2.3)."""
    fig, ax = _figure(9, 4.4, "Why virtualize: interference on one OS vs isolated shares")
    # left: one OS
    box(ax, 2, 8, 45, 8, ko("hardware", "하드웨어"), GREY)
    box(ax, 2, 19, 45, 9, ko("one OS, shared by all", "하나의 OS"), BLUE, textcolour="white")
    for i, (name, colour) in enumerate((("web", SKY), ("DB", SKY), ("batch job\nleaks memory", RED))):
        box(ax, 3 + i * 15, 32, 13, 22, name, colour, fontsize=7.5)
    ax.text(24.5, 62, ko("interference", "간섭") + ":\nthe leaking job starves web and DB,\n"
            "a crash of the OS takes all three down", ha="center", fontsize=7.5, color=RED)
    # right: isolated guests
    box(ax, 53, 8, 45, 8, ko("hardware", "하드웨어"), GREY)
    box(ax, 53, 19, 45, 9, ko("hypervisor, or kernel namespaces + cgroups", "격리"), ORANGE)
    for i, (name, share) in enumerate((("web", "2 CPU · 4 GB max"), ("DB", "4 CPU · 16 GB max"),
                                       ("batch job", "1 CPU · 2 GB max"))):
        box(ax, 54 + i * 15, 32, 13, 22, f"{name}\n\n{share}", SKY if i < 2 else "#F3C8B0", fontsize=6.8,
            dashed=True)
    ax.text(75.5, 62, ko("isolation", "격리") + " + " + ko("resource allocation", "리소스 분배") +
            ":\nthe job hits only its own maximum;\nweb and DB keep their shares", ha="center", fontsize=7.5,
            color=GREEN)
    ax.text(50, 84, "Total usage rises a little (each guest has its own overhead), but the one-OS problems go away.",
            ha="center", fontsize=8, style="italic")
    return _done(fig)


# ---------------------------------------------------------------- S2.4 엔터프라이즈서버운영.png
@styled
def enterprise_servers(services: int = 40, cpu: float = 1.0, mem_gib: float = 4.0, assumptions=None):
    """Racks of small servers (bare metal, one service each) vs a few big virtualization hosts (S2.4).

    The counts come from ``vlab.labs.consolidation.plan`` with the same visible assumptions.
    """
    from vlab.labs.consolidation import plan

    df = plan(services, cpu, mem_gib, assumptions).set_index("approach")
    bm, vm, ct = (df.loc[k] for k in ("bare metal", "virtual machines", "containers"))
    fig, axes = plt.subplots(1, 3, figsize=(9.5, 4.2), gridspec_kw={"width_ratios": [2.2, 1, 1]})
    for ax, row, label, colour, size in ((axes[0], bm, "bare metal: small servers", RED, 1),
                                         (axes[1], vm, "virtual machines: big hosts", ORANGE, 2),
                                         (axes[2], ct, "containers: big hosts", BLUE, 2)):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 44)
        ax.axis("off")
        n = int(row.machines)
        per_rack = 42
        for i in range(n):
            rack, slot = divmod(i * size, per_rack)
            if rack >= 5:
                ax.text(5, 43, f"… {n} in all", ha="center", fontsize=7)
                break
            ax.add_patch(FancyBboxPatch((0.3 + rack * 2, slot + 0.5), 1.7, size * 0.85, boxstyle="square,pad=0",
                                        fc=colour, ec="#333333", lw=0.4))
        ax.set_title(f"{label}\n{n} machine(s) · {row.rack_units:g} U\ncost {row.cost:,.0f} · {row.kw:.1f} kW",
                     fontsize=8)
    fig.suptitle(f"{services} services × {cpu:g} CPU, {mem_gib:g} GiB: what the server room holds "
                 "(illustrative assumptions; see the calculator)", fontsize=9)
    return _done(fig)


# ---------------------------------------------------------------- S2.6 하이퍼바이저.png
@styled(hangul_first=True)
def hypervisor(guests: tuple[tuple[str, int, int], ...] = (("Linux", 2, 4), ("Windows", 4, 8), ("Linux", 1, 2))):
    """A hypervisor on a host OS carving CPU and memory into guest OSes (virtual machines) (S2.6)."""
    if not guests or len(guests) > 4:
        raise BadParameter("give 1 to 4 guests as (os name, cpus, GiB)")
    fig, ax = _figure(8.5, 4.6, "A hypervisor creates, runs and stops guest OSes" + tag("하이퍼바이저"))
    box(ax, 2, 4, 96, 10, ko("hardware: 8 CPU cores, 16 GiB", "하드웨어"), GREY)
    box(ax, 2, 17, 96, 10, ko("host OS and its kernel", "호스트 OS"), BLUE, textcolour="white")
    box(ax, 2, 30, 96, 10, ko("hypervisor", "하이퍼바이저") + ": create · run · stop VMs, assign CPU and memory",
        ORANGE)
    w = 96 / len(guests)
    for i, (os_name, cpus, mem) in enumerate(guests):
        x = 2 + i * w
        box(ax, x + 1, 43, w - 2, 40, "", "#FFFFFF", alpha=1, dashed=True)
        ax.text(x + w / 2, 79, ko("virtual machine", "가상 머신"), ha="center", fontsize=8)
        box(ax, x + 3, 60, w - 6, 12, "apps", SKY)
        box(ax, x + 3, 46, w - 6, 11, ko(f"guest OS: {os_name}", "게스트 OS"), PINK, fontsize=7.5)
        ax.text(x + w / 2, 88, f"assigned {cpus} CPU · {mem} GiB", ha="center", fontsize=7.5)
    return _done(fig)


# ---------------------------------------------------------------- S2.7 하이퍼바이저실행방법.png
@styled(hangul_first=True)
def syscalls_through_os():
    """A process gets CPU and memory only through the OS kernel, by system calls (S2.7)."""
    fig, ax = _figure(8, 4.2, "Processes reach the hardware only through the kernel's system calls")
    for i, name in enumerate(("web server", "database", "your program")):
        box(ax, 6 + i * 31, 74, 26, 12, ko(name, "프로세스") if i == 0 else name, SKY)
        arrow(ax, 19 + i * 31, 73, 19 + i * 31, 57)
    ax.text(50, 64, ko("system calls", "시스템 콜") + ": read(), write(), mmap(), fork(), sendto() …",
            ha="center", fontsize=8.5, bbox=dict(fc="white", ec="none"))
    box(ax, 4, 40, 92, 15, ko("kernel", "커널") + ": schedules CPU time, hands out memory, drives devices",
        BLUE, textcolour="white")
    for i, dev in enumerate(("CPU", "memory", "disk", "network card")):
        arrow(ax, 16 + i * 23, 39, 16 + i * 23, 24)
        box(ax, 6 + i * 23, 8, 20, 14, dev, GREY)
    ax.text(50, 94, "The OS defines the standard set of system calls; a program cannot touch hardware itself.",
            ha="center", fontsize=8, style="italic")
    return _done(fig)


# ---------------------------------------------------------------- S2.8–S2.9 하이퍼바이저실행방법2.png
@styled(hangul_first=True)
def hypervisor_translates():
    """A guest kernel's requests reach the host kernel through the hypervisor, the interpreter (S2.8–S2.9)."""
    fig, ax = _figure(9, 4.8, "A hosted hypervisor interprets the guest's hardware access" + tag("통역가"))
    box(ax, 3, 78, 40, 10, "app in the VM: write(fd, …)", SKY)
    arrow(ax, 23, 77, 23, 68, "guest system call (the guest OS's own table)")
    box(ax, 3, 56, 40, 11, ko("guest kernel", "게스트 커널") + "\ne.g. FreeBSD: write = call 4", PINK)
    arrow(ax, 23, 55, 23, 45, "virtual disk / network request")
    box(ax, 3, 33, 52, 11, ko("hypervisor", "하이퍼바이저") + " = interpreter:\nturns the guest's device requests "
        "into host system calls (type 2)", ORANGE, fontsize=7.5)
    arrow(ax, 23, 32, 23, 24, "host system calls: pwrite(), ioctl(KVM_RUN) …")
    box(ax, 3, 12, 94, 11, ko("host kernel", "호스트 커널") + "  e.g. Linux x86-64: write = call 1", BLUE,
        textcolour="white")
    box(ax, 3, 1, 94, 8, ko("hardware", "하드웨어"), GREY)
    box(ax, 57, 78, 40, 10, "app in a container: write(fd, …)", SKY)
    arrow(ax, 77, 77, 77, 24, "straight to the host kernel", colour=BLUE)
    ax.text(77, 60, "no guest kernel,\nno interpreter", ha="center", fontsize=7.5, color=BLUE)
    return _done(fig)


# ---------------------------------------------------------------- any stack from the explorer
@styled(hangul_first=True)
def stack_diagram(name: str = "container", ax=None):
    """Draw one stack of ``vlab.labs.hypervisors.STACKS`` (bare metal, type-1/2 hypervisor, container)."""
    from vlab.labs.hypervisors import LAYERS, stack

    rows = stack(name)
    if ax is None:
        fig, ax = _figure(4.2, 4.2, name)
    else:
        fig = ax.figure
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.axis("off")
        ax.set_title(name, fontsize=10)
    h = 92 / len(rows)
    for r, row in enumerate(rows):
        w = 96 / len(row)
        for c, key in enumerate(row):
            lay = LAYERS[key]
            box(ax, 2 + c * w, 2 + r * h, w - 2, h - 3, ko(lay.name, lay.korean) if len(row) == 1 else lay.name,
                lay.colour, fontsize=7.5)
    return fig


@styled(hangul_first=True)
def stacks_side_by_side(names: tuple[str, ...] = ("bare metal", "type-1 hypervisor", "type-2 hypervisor",
                                                  "container")):
    """Several stacks next to each other (the lecture's 서버운영법 / 하이퍼바이저컨테이너비교 idea)."""
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 4))
    for ax, n in zip(axes if len(names) > 1 else [axes], names, strict=True):
        stack_diagram(n, ax=ax)
    return _done(fig)


FIGURES = {
    "가상화기술.png": virtualization,
    "가상화기술필요이유.png": why_virtualize,
    "엔터프라이즈서버운영.png": enterprise_servers,
    "하이퍼바이저.png": hypervisor,
    "하이퍼바이저실행방법.png": syscalls_through_os,
    "하이퍼바이저실행방법2.png": hypervisor_translates,
}
