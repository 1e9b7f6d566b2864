"""Figures for the isolation labs: namespaces, cgroups and the security comparison (colour-blind safe)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from vlab.core.i18n import _
from vlab.core.results import Results
from vlab.plots.common import OKABE_ITO, colour, provenance_note, styled

GREY = "#BBBBBB"


def _note(ax, res: Results) -> None:
    prov = res.provenance or {}
    where = _("recorded") if res.replayed else _("your machine")
    provenance_note(ax, _("{kind} · {where}: {host}, kernel {kernel}, cgroup v{cgroup}, {date}").format(
        kind=res.kind, where=where, host=prov.get("host", "?"), kernel=prov.get("kernel", "?"),
        cgroup=prov.get("cgroup_version", "?"), date=prov.get("date", "?")))


@styled
def namespace_overview(res: Results):
    """컨테이너가상화개요 counterpart: one kernel below, host and container views above, namespace by namespace."""
    df = res.samples[res.samples["group"] == "namespace"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.set_axis_off()
    n = len(df)
    for i, row in df.iterrows():
        y = n - i
        if row["differs"]:
            for x, label, c in ((0.05, row["host"], GREY), (0.52, row["container"], OKABE_ITO[0])):
                ax.add_patch(FancyBboxPatch((x, y), 0.43, 0.75, boxstyle="round,pad=0.02", fc=c, ec="none", alpha=.8))
                ax.text(x + 0.215, y + 0.37, f"{row['probe']}  {label.split(':')[-1]}", ha="center", va="center",
                        fontsize=8, color="white" if c != GREY else "black")
        else:
            ax.add_patch(FancyBboxPatch((0.05, y), 0.9, 0.75, boxstyle="round,pad=0.02", fc=OKABE_ITO[1], ec="none",
                                        alpha=.8))
            ax.text(0.5, y + 0.37, _("{probe}  {value}  (shared with the host)").format(
                probe=row["probe"], value=row["host"].split(":")[-1]),
                    ha="center", va="center", fontsize=8)
    kernel = res.samples.loc[res.samples["probe"] == "kernel", "host"]
    ax.add_patch(FancyBboxPatch((0.05, -0.2), 0.9, 0.8, boxstyle="round,pad=0.02", fc=OKABE_ITO[7], ec="none"))
    ax.text(0.5, 0.2, _("ONE Linux kernel (커널) {version}: namespaces + cgroups").format(
                version=kernel.iloc[0] if len(kernel) else ""),
            ha="center", va="center", color="white", fontsize=9)
    ax.text(0.265, n + 1.05, _("host view (호스트)"), ha="center", fontsize=10, weight="bold")
    ax.text(0.735, n + 1.05, _("container view (컨테이너)"), ha="center", fontsize=10, weight="bold")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.4, n + 1.5)
    ax.set_title(_("A container is a process with its own namespaces (네임스페이스) on the host's kernel"), fontsize=10)
    _note(ax, res)
    return fig


@styled
def cpu_sweep(res: Results):
    """Throughput against CPU quota, relative to 1 CPU, with the ideal line."""
    fig, ax = plt.subplots()
    s, samples = res.summary, res.samples
    ref = float(s.loc[s["cpus"] == 1.0, "median_throughput"].iloc[0]) if (s["cpus"] == 1.0).any() else 1.0
    ax.scatter(samples["cpus"], samples["throughput"] / ref, color=colour(0), alpha=.5, label=_("each run"))
    ax.plot(s["cpus"], s["relative_to_1_cpu"], "o-", color=colour(0), label=_("median"))
    ax.plot(s["cpus"], s["ideal"], "--", color=colour(3), label=_("ideal (quota × work that can run in parallel)"))
    ax.set_xlabel(_("CPU quota (--cpus)"))
    ax.set_ylabel(_("throughput relative to 1 CPU"))
    ax.set_title(_("cgroup CPU quota (리소스 분배): the same work gets what it is allotted"))
    ax.legend()
    _note(ax, res)
    return fig


@styled
def noisy_neighbour(res: Results):
    """가상화격리 counterpart: the victim's latency alone, beside a hog, beside a limited hog."""
    fig, ax = plt.subplots()
    order = list(res.summary["condition"]) if not res.summary.empty else sorted(set(res.samples["condition"]))
    order = sorted(order, key=lambda c: ("alone" not in c, "unconstrained" in c))
    data = [res.samples.loc[res.samples["condition"] == c, "ms"] for c in order]
    box = ax.boxplot(data, patch_artist=True, showfliers=True)
    ax.set_xticks(range(1, len(order) + 1), order)
    for i, patch in enumerate(box["boxes"]):
        patch.set_facecolor(colour(i))
        patch.set_alpha(.6)
    ax.set_ylabel(_("victim's time per request (ms)"))
    ax.set_title(_("Interference (간섭) and isolation (격리): a noisy neighbour, then the same neighbour limited"))
    _note(ax, res)
    return fig


@styled
def stack_comparison(table: pd.DataFrame | None = None):
    """하이퍼바이저컨테이너비교 counterpart: the two stacks side by side, annotated with measured start times."""
    fig, ax = plt.subplots(figsize=(8.5, 4.5))
    ax.set_axis_off()
    vm_layers = [(_("hardware (하드웨어)"), 7), (_("host OS kernel (호스트 커널)"), 0),
                 (_("hypervisor (하이퍼바이저)"), 3),
                 (_("guest kernel (게스트 커널) ×N"), 4), (_("apps"), 2)]
    # namespaces + cgroups are kernel features; the engine sits beside the apps, not on their system-call path
    ct_layers = [(_("hardware (하드웨어)"), 7), (_("host OS kernel (호스트 커널)\nwith namespaces + cgroups"), 0),
                 (_("apps (containers) · engine beside"), 2)]
    stacks = ((0.02, vm_layers, _("hypervisor virtualization")), (0.52, ct_layers, _("container virtualization")))
    for x0, layers, title in stacks:
        for j, (label, c) in enumerate(layers):
            ax.add_patch(FancyBboxPatch((x0, j), 0.46, 0.8, boxstyle="round,pad=0.02", fc=colour(c), ec="none",
                                        alpha=.85))
            ax.text(x0 + 0.23, j + 0.4, label, ha="center", va="center", color="white" if c in (0, 7, 3) else "black",
                    fontsize=9)
        ax.text(x0 + 0.23, len(layers) + 0.2, title, ha="center", fontsize=10, weight="bold")
    if table is not None and not table.empty:
        start = table[table["aspect"] == "start (median)"]
        if len(start):
            r = start.iloc[0]
            ax.text(0.25, -0.6, _("start: {time}").format(time=r["hypervisor (VM)"]), ha="center", fontsize=9)
            ax.text(0.75, -0.6, _("start: {time}").format(time=r["container"]), ha="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(-1, 6)
    ax.set_title(_("Hypervisor vs container (하이퍼바이저 vs 컨테이너): where the kernel sits"), fontsize=10)
    return fig
