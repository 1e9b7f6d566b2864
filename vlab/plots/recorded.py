"""Boot/start-time figure: published figures grouped by metric definition, plus optional live runs.

Every recorded point is annotated with its value and its source id (``[AGA20]``), and rows are
grouped under their metric definition, so figures that measure different things are never drawn
as one series. Only wall-clock groups are drawn (CPU-time figures have their own groups and stay off
this time axis). A threshold reads with its direction (``≤ 125 ms``, ``< 150 ms``), a range is one
segment with one label (``29–30 ms``), and a figure with a caveat carries a footnote mark (``†1``)
whose text is printed under the plot. Live measurements (container starts, VM boots labelled by
accelerator) go in a separate "on this machine" block at the top.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.labs.vm import recorded
from vlab.plots.common import colour, styled

KIND_COLOUR = {k: colour(i) for i, k in enumerate(recorded.KINDS)}
LIVE_WHAT = ("container", "vm")
#: stats that are limits or targets, not measurements: drawn hollow (the label says which way, via recorded.prefix).
LIMIT_STATS = ("threshold", "design_target")
ROW_INCH = 0.24
NOTE_INCH = 0.16


def fmt_ms(ms: float) -> str:
    """A readable time: '2.3 ms', '160.9 ms', '96.9 s'."""
    if ms >= 10_000:
        return f"{ms / 1000:.4g} s"
    if ms < 10:
        return f"{ms:.3g} ms"
    return f"{ms:.4g} ms"


def point_label(row: pd.Series, mark: str = "") -> str:
    """The annotation of one recorded figure: value, unit and source id, e.g. '≤ 125 ms [FCSPEC]'.

    A range row (from :func:`vlab.labs.vm.recorded.collapse_ranges`) reads '29–30 ms [FCTEST]'; an unverified
    figure says so; ``mark`` is the footnote mark of the figure's caveat ('†1').
    """
    if row["stat"] == "range":
        text = f"{fmt_ms(float(row['ms']))}–{fmt_ms(float(row['ms_max']))}".replace(" ms–", "–")
    else:
        text = recorded.prefix(row["stat"], row.get("bound", "")) + fmt_ms(float(row["ms"]))
    text += f" [{row['source_id']}]"
    if row.get("verified", "yes") != "yes":
        text += " " + _("unverified")
    return f"{text} {mark}" if mark else text


def live_frame(
    container_ms: Sequence[float] = (),
    vm_ms: Sequence[float] = (),
    accelerator: str = "",
    *,
    replayed: bool = False,
    container_label: str = "container start",
    vm_label: str = "VM boot",
) -> pd.DataFrame:
    """Build the ``live`` table for :func:`plot_boot_times` from two lists of samples in ms."""
    rows = [{"what": "container", "label": container_label, "ms": float(v), "accelerator": "", "replayed": replayed}
            for v in container_ms]
    rows += [{"what": "vm", "label": vm_label, "ms": float(v), "accelerator": accelerator, "replayed": replayed}
             for v in vm_ms]
    return check_live(pd.DataFrame(rows, columns=["what", "label", "ms", "accelerator", "replayed"]))


def live_from_results(container=None, vm=None, *, container_phase: str = "total",
                      vm_phase: str = "launch_to_marker") -> pd.DataFrame:
    """Build the ``live`` table from vlab Results: a container-start run and/or a VM-boot run.

    Each Results needs ``samples`` with ``phase`` and ``ms`` columns; VM samples also need ``accel``
    (one series per accelerator). ``Results.replayed`` marks the series as replayed.
    """
    frames = []
    for what, res, phase in (("container", container, container_phase), ("vm", vm, vm_phase)):
        if res is None:
            continue
        samples = getattr(res, "samples", None)
        need = {"phase", "ms"} | ({"accel"} if what == "vm" else set())
        if not isinstance(samples, pd.DataFrame) or not need <= set(samples.columns):
            raise BadParameter(f"The {what} result has no samples with columns {sorted(need)}.",
                               "Pass the Results returned by the container-start or VM-boot measurement.")
        rows = samples[samples["phase"] == phase]
        if rows.empty:
            raise BadParameter(f"The {what} result has no samples of phase {phase!r}.",
                               f"Use one of: {', '.join(map(str, samples['phase'].unique()))}.")
        label = "container start" if what == "container" else "VM boot"
        frames.append(pd.DataFrame({
            "what": what, "label": f"{label} ({phase})", "ms": rows["ms"].astype(float).to_numpy(),
            "accelerator": rows["accel"].astype(str).to_numpy() if what == "vm" else "",
            "replayed": bool(getattr(res, "replayed", False)),
        }))
    if not frames:
        raise BadParameter("Give a container result, a VM result, or both.", "live_from_results(container=…, vm=…)")
    return check_live(pd.concat(frames, ignore_index=True))


def check_live(live: pd.DataFrame) -> pd.DataFrame:
    """Validate a live table: columns ``what`` (container|vm), ``ms`` (>0), ``accelerator`` (for vm rows).

    Optional columns: ``label`` (series name) and ``replayed`` (bool). Returns a normalised copy.
    """
    if not isinstance(live, pd.DataFrame):
        raise BadParameter("live must be a pandas DataFrame.", "Build it with vlab.plots.recorded.live_frame(...).")
    missing = [c for c in ("what", "ms") if c not in live.columns]
    if missing:
        raise BadParameter(f"live table lacks column(s) {', '.join(missing)}.",
                           "Give columns what (container|vm), ms, accelerator (for VMs); or use live_frame(...).")
    df = live.copy()
    for col, default in (("label", ""), ("accelerator", ""), ("replayed", False)):
        if col not in df.columns:
            df[col] = default
    df["accelerator"] = df["accelerator"].fillna("").astype(str)
    df["label"] = df["label"].fillna("").astype(str)
    df.loc[df["label"] == "", "label"] = df["what"].map({"container": "container start", "vm": "VM boot"})
    bad = sorted(set(df["what"]) - set(LIVE_WHAT))
    if bad:
        raise BadParameter(f"live 'what' values {bad} are not known.", "Use 'container' or 'vm'.")
    ms = pd.to_numeric(df["ms"], errors="coerce")
    if ms.isna().any() or not np.isfinite(ms).all() or (ms <= 0).any():
        raise BadParameter("live 'ms' must hold positive numbers only.", "Pass times in milliseconds, e.g. 190.5.")
    df["ms"] = ms.astype(float)
    if ((df["what"] == "vm") & (df["accelerator"].str.strip() == "")).any():
        raise BadParameter("Every live VM boot needs its accelerator (kvm, tcg, …).",
                           "Pass accelerator= from the VM result's provenance.")
    return df.reset_index(drop=True)


def _live_series(live: pd.DataFrame) -> list[tuple[str, str, str, bool, np.ndarray]]:
    """(what, label, accelerator, replayed, samples) per series, containers first."""
    out = []
    for (what, label, acc, rep), g in live.groupby(["what", "label", "accelerator", "replayed"], sort=False):
        out.append((what, label, acc, bool(rep), g["ms"].to_numpy()))
    return sorted(out, key=lambda s: LIVE_WHAT.index(s[0]))


LIVE_NAMES = (N_("container start"), N_("VM boot"))


def _live_name(name: str) -> str:
    """A live series' label in the learner's language (the default names translated; the gid keeps the English)."""
    for en in LIVE_NAMES:
        if name.startswith(en):
            return _(en) + name[len(en):]
    return name


@styled
def plot_boot_times(
    figs: pd.DataFrame | None = None,
    live: pd.DataFrame | None = None,
    *,
    groups: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Log-scale dot plot of recorded boot/start figures, one row each, under their metric group.

    ``figs`` defaults to :func:`vlab.labs.vm.recorded.boot_figures` (optionally limited to ``groups``);
    ``live`` is an optional table of live samples (see :func:`check_live` / :func:`live_frame`).
    Recorded annotations carry ``gid="recorded:<figure_id>"`` (a range: its id without ``-min``/``-max``, drawn as
    one segment with ``gid="range:<id>"``); caveat footnotes ``gid="caveat:<figure_id>"``; live ones
    ``gid="live:<label>"``. Groups that are not wall-clock times are refused (BadParameter).
    """
    title = _("Start and boot times, grouped by what was measured (log scale)") if title is None else title
    if figs is None:
        figs = recorded.boot_figures(groups)
    elif groups is not None:
        figs = figs[figs["metric_group"].isin(groups)]
    need = {"figure_id", "system", "kind", "metric_group", "value", "unit", "ms", "stat", "source_id"}
    if not need <= set(figs.columns):
        raise BadParameter(f"figs lacks columns {sorted(need - set(figs.columns))}.",
                           "Pass a frame from vlab.labs.vm.recorded.boot_figures().")
    not_wall = sorted({g for g in figs["metric_group"]
                       if g not in recorded.METRIC_GROUPS or recorded.METRIC_GROUPS[g].clock != "wall"})
    if not_wall:
        raise BadParameter(f"Not wall-clock time groups: {', '.join(not_wall)}; they cannot share this time axis.",
                           "Pass a frame from vlab.labs.vm.recorded.boot_figures().")
    figs = recorded.collapse_ranges(figs)
    series = _live_series(check_live(live)) if live is not None and len(live) else []

    # Build the rows top to bottom: headings, then one row per figure / live series.
    rows: list[dict] = []
    if series:
        replayed = [s[3] for s in series]
        heading = (_("Replayed recording of a real vlab run") if all(replayed)
                   else _("Live on this machine") if not any(replayed) else _("This machine: live and replayed runs"))
        rows.append({"heading": _("{heading} (its own metric definition)").format(heading=heading)})
        for what, label, acc, rep, samples in series:
            name = f"{label} ({acc.upper()})" if what == "vm" else label
            rows.append({"live": (what, name, acc, rep, samples)})
    for gid, g in figs.groupby("metric_group", sort=False):
        label = recorded.METRIC_GROUPS[gid].label if gid in recorded.METRIC_GROUPS else gid
        rows.append({"heading": label})
        rows.extend({"fig": r} for _, r in g.iterrows())

    caveats = [r["fig"] for r in rows if "fig" in r and str(r["fig"].get("caveat", "")).strip()]
    marks = {r["figure_id"]: f"†{i}" for i, r in enumerate(caveats, start=1)}
    notes = [(r["figure_id"], textwrap.wrap(f"{marks[r['figure_id']]} {r['system']}: {r['caveat']}", 110))
             for r in caveats]
    n = len(rows)
    fig, ax = plt.subplots(figsize=(9.5, 1.6 + ROW_INCH * n + NOTE_INCH * sum(len(lines) for _, lines in notes)))
    ax.set_xscale("log")
    ticks, labels, bold = [], [], []
    all_ms: list[float] = []
    for i, row in enumerate(rows):
        y = n - 1 - i
        if "heading" in row:
            ax.axhspan(y - 0.5, y + 0.5, color="#eeeeee", zorder=0)
            ticks.append(y), labels.append(row["heading"]), bold.append(True)
            continue
        if "fig" in row:
            r = row["fig"]
            ms, ms_max = float(r["ms"]), float(r["ms_max"])
            limit = r["stat"] in LIMIT_STATS
            c = KIND_COLOUR.get(r["kind"], "#777777")
            if r["stat"] == "range":  # one segment, one label
                ax.plot([ms, ms_max], [y, y], marker="|", ms=9, color=c, lw=2.5, mew=1.5, zorder=3,
                        gid=f"range:{r['figure_id']}")
            else:
                ax.plot([ms], [y], marker="o", ms=6, color=c, mfc="white" if limit else c, mew=1.5, ls="none",
                        zorder=3)
            ax.annotate(point_label(r, marks.get(r["figure_id"], "")), (ms_max, y), xytext=(7, 0),
                        textcoords="offset points", va="center", fontsize=7.5, gid=f"recorded:{r['figure_id']}")
            system = str(r["system"])
            ticks.append(y), labels.append(system if len(system) <= 60 else system[:57] + "…"), bold.append(False)
            all_ms.extend([ms, ms_max])
        else:
            what, name, acc, rep, samples = row["live"]
            c = KIND_COLOUR["container" if what == "container" else "vm"]
            jitter = np.linspace(-0.18, 0.18, len(samples)) if len(samples) > 1 else np.zeros(1)
            ax.plot(samples, y + jitter, marker=".", ms=4, alpha=0.6, color=c, ls="none", zorder=3)
            med = float(np.median(samples))
            ax.plot([med], [y], marker="D", ms=7, color=c, mec="black", ls="none", zorder=4)
            src = _("replayed") if rep else _("live")
            note = _("median {time} [{source}, n={n}]").format(time=fmt_ms(med), source=src, n=len(samples))
            ax.annotate(note, (max(med, float(samples.max())), y),
                        xytext=(7, 0), textcoords="offset points", va="center", fontsize=7.5, fontweight="bold",
                        gid=f"live:{name}")
            ticks.append(y), labels.append(_live_name(name)), bold.append(False)
            all_ms.extend(samples.tolist())
    ax.set_yticks(ticks, labels, fontsize=8)
    for t, b in zip(ax.get_yticklabels(), bold, strict=True):
        if b:
            t.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)
    if all_ms:
        ax.set_xlim(min(all_ms) / 2, max(all_ms) * 12)
    ax.set_xlabel(_("time in milliseconds (log scale)"))
    ax.grid(axis="y", visible=False)
    ax.set_title(title, fontsize=10, loc="left")
    kinds_present = [k for k in recorded.KINDS if k in set(figs["kind"])]
    if series:
        kinds_present = sorted(set(kinds_present) | {"container", "vm"}, key=recorded.KINDS.index)
    handles = [Line2D([], [], marker="o", ls="none", color=KIND_COLOUR[k], label=k) for k in kinds_present]
    handles.append(Line2D([], [], marker="o", ls="none", color="#555555", mfc="white", label=_("limit / target")))
    if (figs["stat"] == "range").any():
        handles.append(Line2D([], [], marker="|", color="#555555", lw=2.5, label=_("range (min–max)")))
    if series:
        handles.append(Line2D([], [], marker="D", ls="none", color="#555555", mec="black", label=_("live median")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, framealpha=0.9)
    ax.annotate(_("Recorded figures: published sources, cited as [ID] (vlab.labs.vm.recorded.cite). Each grey heading "
                  "is one metric definition: compare within a group, not across groups."),
                xy=(0, 0), xycoords="axes fraction", xytext=(0, -42), textcoords="offset points",
                fontsize=7, color="#555555", ha="left", va="top")
    offset = -54
    for fid, lines in notes:  # every caveat travels with its figure
        ax.annotate("\n".join(lines), xy=(0, 0), xycoords="axes fraction", xytext=(0, offset),
                    textcoords="offset points", fontsize=7, color="#8a3b00", ha="left", va="top", gid=f"caveat:{fid}")
        offset -= 10 * len(lines) + 2
    fig.tight_layout()
    return fig
