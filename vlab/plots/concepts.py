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
from vlab.core.i18n import _, language
from vlab.plots.common import OKABE_ITO, hangul_font, layer_label, stack_title, styled

GREY, BLUE, ORANGE, GREEN, RED, PINK, SKY = "#BBBBBB", *OKABE_ITO[0:3], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5]


def ko(english: str, korean: str) -> str:
    """'english (korean)' when Korean can be drawn, else just the English; in Korean, the translated text alone.

    ``english`` is already translated with ``_()``: in the Korean edition it is Korean, so no tag is added.
    """
    if language() == "ko":
        return english
    return f"{english} ({korean})" if hangul_font() else english


def tag(korean: str) -> str:
    """' · korean' for English titles when Korean can be drawn, else '' (and '' in the Korean edition)."""
    return f" · {korean}" if hangul_font() and language() != "ko" else ""


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
    fig, ax = _figure(8, 4.2, _("Virtualization: computers inside one computer") + tag("가상화"))
    box(ax, 2, 4, 96, 84, "", "#EEEEEE", alpha=1)
    ax.text(4, 84, _("{computer}: CPU, memory, disk, network").format(
        computer=ko(_("one physical computer"), "물리 서버")), fontsize=9,
            va="center")
    w = 90 / n_guests
    for i in range(n_guests):
        x = 5 + i * w
        box(ax, x, 14, w - 4, 60, "", "#FFFFFF", alpha=1, dashed=True)
        ax.text(x + (w - 4) / 2, 68, ko(_("virtual computer {n}").format(n=i + 1), "가상 컴퓨터"), ha="center",
                fontsize=8.5)
        box(ax, x + 2, 46, w - 8, 14, _("apps"), SKY)
        box(ax, x + 2, 28, w - 8, 14, _("its own OS"), PINK)
        box(ax, x + 2, 17, w - 8, 8, _("virtual CPU · RAM · disk"), GREY, fontsize=7.5)
    ax.text(50, 7, _("Not physically there, but it behaves as if it were: each guest sees 'its' CPU, memory and disk."),
            ha="center", fontsize=8, style="italic")
    return _done(fig)


# ---------------------------------------------------------------- S2.2–S2.3 가상화기술필요이유.png
@styled(hangul_first=True)
def why_virtualize():
    """Left: programs on one OS interfere; right: isolated guests, each with its maximum share (S2.2–S2.3)."""
    fig, ax = _figure(9, 4.4, _("Why virtualize: interference on one OS vs isolated shares"))
    # left: one OS
    box(ax, 2, 8, 45, 8, ko(_("hardware"), "하드웨어"), GREY)
    box(ax, 2, 19, 45, 9, ko(_("one OS, shared by all"), "하나의 OS"), BLUE, textcolour="white")
    for i, (name, colour) in enumerate(((_("web"), SKY), ("DB", SKY), (_("batch job\nleaks memory"), RED))):
        box(ax, 3 + i * 15, 32, 13, 22, name, colour, fontsize=7.5)
    text = _("{interference}:\nthe leaking job starves web and DB,\na crash of the OS takes all three down")
    ax.text(24.5, 62, text.format(interference=ko(_("interference"), "간섭")), ha="center", fontsize=7.5, color=RED)
    # right: isolated guests
    box(ax, 53, 8, 45, 8, ko(_("hardware"), "하드웨어"), GREY)
    box(ax, 53, 19, 45, 9, ko(_("hypervisor, or kernel namespaces + cgroups"), "격리"), ORANGE)
    for i, (name, share) in enumerate(((_("web"), _("2 CPU · 4 GB max")), ("DB", _("4 CPU · 16 GB max")),
                                       (_("batch job"), _("1 CPU · 2 GB max")))):
        box(ax, 54 + i * 15, 32, 13, 22, f"{name}\n\n{share}", SKY if i < 2 else "#F3C8B0", fontsize=6.8,
            dashed=True)
    text = _("{isolation} + {allocation}:\nthe job hits only its own maximum;\nweb and DB keep their shares")
    ax.text(75.5, 62, text.format(isolation=ko(_("isolation"), "격리"),
                                  allocation=ko(_("resource allocation"), "리소스 분배")), ha="center", fontsize=7.5,
            color=GREEN)
    ax.text(50, 84, _("Total usage rises a little (each guest has its own overhead), but the one-OS problems go away."),
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
    for ax, row, label, colour, size in ((axes[0], bm, _("bare metal: small servers"), RED, 1),
                                         (axes[1], vm, _("virtual machines: big hosts"), ORANGE, 2),
                                         (axes[2], ct, _("containers: big hosts"), BLUE, 2)):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 44)
        ax.axis("off")
        n = int(row.machines)
        per_rack = 42
        for i in range(n):
            rack, slot = divmod(i * size, per_rack)
            if rack >= 5:
                ax.text(5, 43, _("… {n} in all").format(n=n), ha="center", fontsize=7)
                break
            ax.add_patch(FancyBboxPatch((0.3 + rack * 2, slot + 0.5), 1.7, size * 0.85, boxstyle="square,pad=0",
                                        fc=colour, ec="#333333", lw=0.4))
        ax.set_title(_("{label}\n{n} machine(s) · {units} U\ncost {cost} · {kw} kW").format(
            label=label, n=n, units=f"{row.rack_units:g}", cost=f"{row.cost:,.0f}", kw=f"{row.kw:.1f}"), fontsize=8)
    fig.suptitle(_("{services} services × {cpu} CPU, {mem} GiB: what the server room holds "
                   "(illustrative assumptions; see the calculator)").format(services=services, cpu=f"{cpu:g}",
                                                                           mem=f"{mem_gib:g}"), fontsize=9)
    return _done(fig)


# ---------------------------------------------------------------- S2.6 하이퍼바이저.png
@styled(hangul_first=True)
def hypervisor(guests: tuple[tuple[str, int, int], ...] = (("Linux", 2, 4), ("Windows", 4, 8), ("Linux", 1, 2))):
    """A hypervisor on a host OS carving CPU and memory into guest OSes (virtual machines) (S2.6)."""
    if not guests or len(guests) > 4:
        raise BadParameter("give 1 to 4 guests as (os name, cpus, GiB)")
    fig, ax = _figure(8.5, 4.6, _("A hypervisor creates, runs and stops guest OSes") + tag("하이퍼바이저"))
    box(ax, 2, 4, 96, 10, ko(_("hardware: 8 CPU cores, 16 GiB"), "하드웨어"), GREY)
    box(ax, 2, 17, 96, 10, ko(_("host OS and its kernel"), "호스트 OS"), BLUE, textcolour="white")
    box(ax, 2, 30, 96, 10, _("{hypervisor}: create · run · stop VMs, assign CPU and memory").format(
        hypervisor=ko(_("hypervisor"), "하이퍼바이저")), ORANGE)
    w = 96 / len(guests)
    for i, (os_name, cpus, mem) in enumerate(guests):
        x = 2 + i * w
        box(ax, x + 1, 43, w - 2, 40, "", "#FFFFFF", alpha=1, dashed=True)
        ax.text(x + w / 2, 79, ko(_("virtual machine"), "가상 머신"), ha="center", fontsize=8)
        box(ax, x + 3, 60, w - 6, 12, _("apps"), SKY)
        box(ax, x + 3, 46, w - 6, 11, ko(_("guest OS: {os}").format(os=os_name), "게스트 OS"), PINK, fontsize=7.5)
        ax.text(x + w / 2, 88, _("assigned {cpus} CPU · {mem} GiB").format(cpus=cpus, mem=mem), ha="center",
                fontsize=7.5)
    return _done(fig)


# ---------------------------------------------------------------- S2.7 하이퍼바이저실행방법.png
@styled(hangul_first=True)
def syscalls_through_os():
    """A process gets CPU and memory only through the OS kernel, by system calls (S2.7)."""
    fig, ax = _figure(8, 4.2, _("Processes reach the hardware only through the kernel's system calls"))
    for i, name in enumerate((_("web server"), _("database"), _("your program"))):
        box(ax, 6 + i * 31, 74, 26, 12, ko(name, "프로세스") if i == 0 else name, SKY)
        arrow(ax, 19 + i * 31, 73, 19 + i * 31, 57)
    ax.text(50, 64, ko(_("system calls"), "시스템 콜") + ": read(), write(), mmap(), fork(), sendto() …",
            ha="center", fontsize=8.5, bbox=dict(fc="white", ec="none"))
    text = _("{kernel}: schedules CPU time, hands out memory, drives devices")
    box(ax, 4, 40, 92, 15, text.format(kernel=ko(_("kernel"), "커널")), BLUE, textcolour="white")
    for i, dev in enumerate(("CPU", _("memory"), _("disk"), _("network card"))):
        arrow(ax, 16 + i * 23, 39, 16 + i * 23, 24)
        box(ax, 6 + i * 23, 8, 20, 14, dev, GREY)
    ax.text(50, 94, _("The OS defines the standard set of system calls; a program cannot touch hardware itself."),
            ha="center", fontsize=8, style="italic")
    return _done(fig)


# ---------------------------------------------------------------- S2.8–S2.9 하이퍼바이저실행방법2.png
@styled(hangul_first=True)
def hypervisor_translates():
    """A guest kernel's requests reach the host kernel through the hypervisor, the interpreter (S2.8–S2.9)."""
    fig, ax = _figure(9, 4.8, _("A hosted hypervisor interprets the guest's hardware access") + tag("통역가"))
    box(ax, 3, 78, 40, 10, _("app in the VM: write(fd, …)"), SKY)
    arrow(ax, 23, 77, 23, 68, _("guest system call (the guest OS's own table)"))
    box(ax, 3, 56, 40, 11, ko(_("guest kernel"), "게스트 커널") + _("\ne.g. FreeBSD: write = call 4"), PINK)
    arrow(ax, 23, 55, 23, 45, _("virtual disk / network request"))
    text = _("{hypervisor} = interpreter:\nturns the guest's device requests into host system calls (type 2)")
    box(ax, 3, 33, 52, 11, text.format(
            hypervisor=ko(_("hypervisor"), "하이퍼바이저")), ORANGE, fontsize=7.5)
    arrow(ax, 23, 32, 23, 24, _("host system calls: pwrite(), ioctl(KVM_RUN) …"))
    box(ax, 3, 12, 94, 11, ko(_("host kernel"), "호스트 커널") + _("  e.g. Linux x86-64: write = call 1"), BLUE,
        textcolour="white")
    box(ax, 3, 1, 94, 8, ko(_("hardware"), "하드웨어"), GREY)
    box(ax, 57, 78, 40, 10, _("app in a container: write(fd, …)"), SKY)
    arrow(ax, 77, 77, 77, 24, _("straight to the host kernel"), colour=BLUE)
    ax.text(77, 60, _("no guest kernel,\nno interpreter"), ha="center", fontsize=7.5, color=BLUE)
    return _done(fig)


# ---------------------------------------------------------------- any stack from the explorer
@styled(hangul_first=True)
def stack_diagram(name: str = "container", ax=None):
    """Draw one stack of ``vlab.labs.hypervisors.STACKS`` (bare metal, type-1/2 hypervisor, container)."""
    from vlab.labs.hypervisors import LAYERS, stack

    rows = stack(name)
    if ax is None:
        fig, ax = _figure(4.2, 4.2, stack_title(name))
    else:
        fig = ax.figure
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.axis("off")
        ax.set_title(stack_title(name), fontsize=10)
    h = 92 / len(rows)
    for r, row in enumerate(rows):
        w = 96 / len(row)
        for c, key in enumerate(row):
            lay = LAYERS[key]
            box(ax, 2 + c * w, 2 + r * h, w - 2, h - 3, layer_label(lay.name, lay.korean, both=len(row) == 1),
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
