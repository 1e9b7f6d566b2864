"""Several machines side by side: the headline figures of recording sets (``vlab compare``).

A recording set is a folder written by ``vlab record --out DIR`` (or the set shipped with vlab);
a single recording file (``DIR/start.json``) also works. The headline figures are medians:

- **start phases**: create, start, exit, remove and total of one container (``start``, baseline);
- **ladder**: native → runc → SDK → CLI → CLI + bridge (``ladder``);
- **VM boot**: QEMU launch → guest init, with the accelerator (``vm_boot``), beside a container start
  measured in the same session (``vm_container_start``);
- **overhead ratios**: container ÷ native for CPU, system calls, I/O and network (``overhead``).

Each machine is described by its own provenance (host, kernel, virtual or not, load), never more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vlab.core import replay
from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import N_, _
from vlab.core.results import Results
from vlab.core.results import load as load_file

__all__ = ["GROUPS", "Comparison", "Machine", "as_json", "compare", "format_table", "headline", "load_machine"]

#: headline groups in display order, with their unit
GROUPS = {N_("start phases"): "ms", N_("ladder"): "ms", N_("VM boot"): "ms",
          N_("overhead ratios"): "× native"}  # keys are identifiers; _() them when shown
START_PHASES = ("create", "start", "exit", "remove", "total")


@dataclass
class Machine:
    """One recording set (or file): a label, its provenance summary, and its recordings by kind."""

    label: str
    source: str
    recordings: dict[str, Results] = field(default_factory=dict)

    @property
    def provenance(self) -> dict:
        for res in self.recordings.values():
            return res.provenance
        return {}

    def describe(self) -> str:
        """Every recording of the set, summarised (values that differ between files are all named)."""
        p = replay.summarize_provenance([r.provenance for r in self.recordings.values()]) if self.recordings else {}
        return _("{host}: {machine}; kernel {kernel}, Docker {engine}, {date}").format(
            host=p.get("host", "?"), machine=replay.machine_with_load(p), kernel=p.get("kernel", "?"),
            engine=p.get("engine_version", "?"), date=p.get("date", "?"))


def load_machine(path: str | Path) -> Machine:
    """Read a recording folder (checksums verified) or one recording file."""
    if not isinstance(path, str | Path) or not str(path).strip():
        raise BadParameter(_("{path!r} is not a path").format(path=path),
                           _("Give a recording folder or a recording file."))
    p = Path(path).expanduser()
    if p.is_dir():
        kinds = replay.available(p)
        if not kinds:
            raise DataError(_("{path} holds no recordings (no {manifest})").format(path=p, manifest=replay.MANIFEST),
                            _("Give a folder written by `vlab record --out DIR`."))
        recs = {k: replay.load(k, p) for k in kinds}
    elif p.is_file():
        res = load_file(p)
        recs = {res.kind: res}
    else:
        raise DataError(_("No recording folder or file at {path}").format(path=p), _("Check the path."))
    return Machine(label=str(p), source=str(p), recordings=recs)


def _median(summary: pd.DataFrame, **where) -> float | None:
    if summary.empty or not set(where) <= set(summary.columns) or "median" not in summary.columns:
        return None
    rows = summary
    for col, value in where.items():
        rows = rows[rows[col] == value]
    if rows.empty or pd.isna(rows["median"].iloc[0]):
        return None
    return float(rows["median"].iloc[0])


def headline(machine: Machine) -> dict[tuple[str, str], float]:
    """The headline figures of one machine: ``{(group, figure): value}`` (what its recordings hold)."""
    out: dict[tuple[str, str], float] = {}
    recs = machine.recordings

    def put(group: str, name: str, value: float | None) -> None:
        if value is not None:
            out[(group, name)] = value

    if "start" in recs:
        for phase in START_PHASES:
            put("start phases", phase, _median(recs["start"].summary, config="baseline", phase=phase))
    if "ladder" in recs:
        s = recs["ladder"].summary
        for rung in (s["rung"] if "rung" in s.columns else []):
            put("ladder", str(rung), _median(s, rung=rung))
    if "vm_boot" in recs:
        s = recs["vm_boot"].summary
        for accel in (s["accel"].unique() if "accel" in s.columns else []):
            put("VM boot", f"VM launch → guest init ({accel})", _median(s, accel=accel, phase="launch_to_marker"))
    if "vm_container_start" in recs:
        put("VM boot", "container start, same session", _median(recs["vm_container_start"].summary,
                                                                 config="container", phase="total"))
    if "overhead" in recs:
        s = recs["overhead"].summary
        if {"ratio_to_native", "metric", "config"} <= set(s.columns):
            for row in s.dropna(subset=["ratio_to_native"]).itertuples(index=False):
                out[("overhead ratios", f"{row.metric}: {row.config}")] = float(row.ratio_to_native)
    return out


@dataclass
class Comparison:
    """Machines side by side: ``table`` has one row per (group, figure) and one column per machine."""

    machines: list[Machine]
    table: pd.DataFrame

    def _repr_html_(self) -> str:
        head = "".join(f"<li><b>{m.label}</b>: {m.describe()}</li>" for m in self.machines)
        return f"<ul>{head}</ul>" + self.table._repr_html_()


def _labels(machines: list[Machine]) -> None:
    """Short, unique column labels: the host name, with the folder name when hosts repeat."""
    hosts = [str(m.provenance.get("host", "?")) for m in machines]
    for m, host in zip(machines, hosts, strict=True):
        name = Path(m.source).name or m.source
        m.label = host if hosts.count(host) == 1 else f"{host} ({name})"
    seen: dict[str, int] = {}
    for m in machines:  # still equal (same host, same folder name): number them
        seen[m.label] = seen.get(m.label, 0) + 1
        if seen[m.label] > 1:
            m.label = f"{m.label} #{seen[m.label]}"


def compare(paths) -> Comparison:
    """Load several recording folders/files and put their headline figures side by side."""
    if isinstance(paths, str | Path):
        paths = [paths]
    if not isinstance(paths, list | tuple) or not paths:
        raise BadParameter(_("compare needs at least one recording folder or file"),
                           _("e.g. compare(['rec/a', 'rec/b'])"))
    machines = [load_machine(p) for p in paths]
    _labels(machines)
    columns = {}
    for m in machines:
        columns[m.label] = headline(m)
    keys = [k for g in GROUPS for m in machines for k in headline(m) if k[0] == g]
    index = list(dict.fromkeys(keys))
    table = pd.DataFrame({label: [figs.get(k) for k in index] for label, figs in columns.items()},
                         index=pd.MultiIndex.from_tuples(index, names=["group", "figure"]) if index else None)
    return Comparison(machines, table)


def format_table(comparison: Comparison) -> str:
    """The comparison as plain text for a terminal: machines first, then one block per group."""
    lines = [_("Machines:")]
    lines += [f"  {m.label}: {m.describe()}  [{m.source}]" for m in comparison.machines]
    t = comparison.table
    if t.empty:
        lines.append("\n" + _("No headline figures in these recordings (start, ladder, vm_boot, overhead)."))
        return "\n".join(lines)
    labels = list(t.columns)
    width = max(len(str(f)) for _group, f in t.index) + 2
    cols = [max(len(lb), 9) for lb in labels]
    for group, unit in GROUPS.items():
        if group not in t.index.get_level_values(0):
            continue
        lines.append("")
        heading = _("{group} (median, {unit})").format(group=_(group), unit=unit)
        lines.append(heading.ljust(width) + "  ".join(lb.rjust(w) for lb, w in zip(labels, cols, strict=True)))
        for (_group, fig), row in t.loc[[group]].iterrows():
            cells = []
            for lb, w in zip(labels, cols, strict=True):
                v = row[lb]
                cells.append(("—" if v is None or pd.isna(v) else (f"{v:.2f}" if unit != "ms" else f"{v:.1f}"))
                             .rjust(w))
            lines.append(f"  {fig}".ljust(width) + "  ".join(cells))
    return "\n".join(lines)


def as_json(comparison: Comparison) -> str:  # pragma: no cover - convenience for scripts
    return json.dumps({"machines": [{"label": m.label, "describe": m.describe(), "source": m.source}
                                    for m in comparison.machines],
                       "figures": [{"group": g, "figure": f, **{k: (None if pd.isna(v) else v) for k, v in r.items()}}
                                   for (g, f), r in comparison.table.iterrows()]}, indent=1)
