"""Published overhead figures (FEL15, GVI, AGA20, FCSPEC) as time ratios, to set beside the learner's own.

Each comparison divides two rows of ``data/published_figures.tsv`` (by ``figure_id``) measured in the
same paper on the same machine, and turns it into a *time* ratio like vlab's: above 1 means slower than
the baseline. For a throughput figure (GFLOPS, IOPS, Gbit/s) the ratio is baseline/system; for a time
figure (µs, ns) it is system/baseline. Every row keeps its source id and locator. Every figure used
here is a row of that validated table (the FEL15 fio and nuttcp rows included); none is embedded in code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import _

__all__ = [
    "COMPARISONS", "Comparison", "MEMORY_FIGURES", "citations", "figures_table", "memory_figures", "published_ratios",
    "shown", "time_ratio"
]


@dataclass(frozen=True)
class Comparison:
    """One published ratio: ``system`` vs ``baseline`` for a vlab metric group."""

    group: str  # cpu | syscall | io | net | memory
    label: str
    system_id: str
    baseline_id: str
    higher_is_better: bool
    kind: str  # "container" or "vm" (or "sandboxed container")


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("cpu", "Docker / native, Linpack (FEL15)", "FEL15-linpack-docker", "FEL15-linpack-native", True,
               "container"),
    Comparison("cpu", "KVM / native, Linpack (FEL15)", "FEL15-linpack-kvm", "FEL15-linpack-native", True, "vm"),
    Comparison("cpu", "Docker / native, STREAM Triad (FEL15)", "FEL15-triad-docker", "FEL15-triad-native", True,
               "container"),
    Comparison("cpu", "KVM / native, STREAM Triad (FEL15)", "FEL15-triad-kvm", "FEL15-triad-native", True, "vm"),
    Comparison("cpu", "gVisor / runc, sysbench CPU (GVI)", "GVI-sysbench-cpu-runsc", "GVI-sysbench-cpu-runc", True,
               "sandboxed container"),
    Comparison("syscall", "gVisor-ptrace / runc, raw syscall (GVI)", "GVI-syscall-runsc-ptrace", "GVI-syscall-runc",
               False, "sandboxed container"),
    Comparison("syscall", "gVisor-KVM / runc, raw syscall (GVI)", "GVI-syscall-runsc-kvm", "GVI-syscall-runc", False,
               "sandboxed container"),
    Comparison("io", "Docker / native, fio 4K random read (FEL15)", "FEL15-fio-randread-docker",
               "FEL15-fio-randread-native", True, "container"),
    Comparison("io", "KVM / native, fio 4K random read (FEL15)", "FEL15-fio-randread-kvm",
               "FEL15-fio-randread-native", True, "vm"),
    Comparison("io", "QEMU / bare metal, fio 4K random read (AGA20)", "AGA20-fio-randread-qemu",
               "AGA20-fio-randread-metal", True, "vm"),
    Comparison("io", "Firecracker / bare metal, fio 4K random read (AGA20)", "AGA20-fio-randread-fc",
               "AGA20-fio-randread-metal", True, "vm"),
    Comparison("net", "Docker NAT / native, nuttcp throughput (FEL15)", "FEL15-nuttcp-docker-nat",
               "FEL15-nuttcp-native", True, "container"),
    Comparison("net", "KVM / native, nuttcp throughput (FEL15)", "FEL15-nuttcp-kvm", "FEL15-nuttcp-native", True,
               "vm"),
    Comparison("net", "KVM / native, TCP round trip (FEL15)", "FEL15-tcp-rr-kvm", "FEL15-tcp-rr-native", False, "vm"),
    Comparison("net", "QEMU / host loopback, iperf3 (AGA20)", "AGA20-iperf3-rx-qemu", "AGA20-iperf3-rx-loopback",
               True, "vm"),
    Comparison("net", "Firecracker / host loopback, iperf3 (AGA20)", "AGA20-iperf3-rx-fc", "AGA20-iperf3-rx-loopback",
               True, "vm"),
)

#: Published absolute memory figures (MiB or MB as published) to set beside the learner's idle containers.
#: ``AGA20-mem-qemu`` is a range: the table's ``AGA20-mem-qemu-min`` / ``-max`` pair, shown as one figure.
MEMORY_FIGURES = ("GVI-density-runc", "GVI-density-runsc", "AGA20-mem-fc", "AGA20-mem-qemu", "FCSPEC-vmm-memory")
#: How a threshold's direction is shown.
_BOUND_SHOWN = {"<=": "≤ ", "<": "< ", ">=": "≥ ", ">": "> "}


def _data_dir() -> Path:
    return Path(str(resources.files("vlab.data")))


def figures_table(path: Path | None = None) -> dict[str, dict]:
    """Rows of the published-figures table keyed by figure_id."""
    path = path or _data_dir() / "published_figures.tsv"
    rows: dict[str, dict] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row.get("figure_id"):
                    rows.setdefault(row["figure_id"], row)
    return rows


def _value(rows: dict[str, dict], fid: str) -> float:
    row = rows.get(fid)
    if row is None:
        raise DataError(_("published figure {fid!r} is missing from data/published_figures.tsv").format(fid=fid),
                        _("Re-install vlab (`pip install -e .`) so the data files are present."))
    try:
        return float(str(row["value"]).replace(",", ""))
    except ValueError as exc:
        raise DataError(_("published figure {fid!r} has a non-numeric value {value!r}").format(
            fid=fid, value=row["value"])) from exc


def time_ratio(system: float, baseline: float, *, higher_is_better: bool) -> float:
    """A published pair as a time ratio (>1 = slower than the baseline)."""
    if system <= 0 or baseline <= 0:
        raise DataError(_("published values must be positive"))
    return baseline / system if higher_is_better else system / baseline


def published_ratios(groups: tuple[str, ...] | list[str] | None = None, path: Path | None = None) -> pd.DataFrame:
    """Published comparisons as time ratios: group, label, kind, ratio, source_id, locator."""
    if groups is not None and (isinstance(groups, str) or not isinstance(groups, list | tuple | set | frozenset)):
        raise BadParameter(_("groups={groups!r} is not a list of groups").format(groups=groups),
                           _("For example groups=['cpu', 'io']."))
    rows = figures_table(path)
    out = []
    for c in COMPARISONS:
        if groups is not None and c.group not in groups:
            continue
        r = time_ratio(_value(rows, c.system_id), _value(rows, c.baseline_id), higher_is_better=c.higher_is_better)
        row = rows[c.system_id]
        out.append({"group": c.group, "label": c.label, "kind": c.kind, "ratio": round(r, 4),
                    "source_id": row.get("source_id", ""), "locator": row.get("locator", ""),
                    "figures": f"{c.system_id} / {c.baseline_id}"})
    return pd.DataFrame(out, columns=["group", "label", "kind", "ratio", "source_id", "locator", "figures"])


def shown(rows: dict[str, dict], fid: str) -> str:
    """One figure as it must be read, with its unit: '4.09 MB', '≤ 5 MiB', a range '131.2–132.4 MiB'."""
    if fid not in rows and f"{fid}-min" in rows and f"{fid}-max" in rows:
        unit = rows[f"{fid}-min"].get("unit", "")
        return f"{_value(rows, fid + '-min'):g}–{_value(rows, fid + '-max'):g} {unit}".strip()
    value = _value(rows, fid)
    prefix = _BOUND_SHOWN.get(rows[fid].get("bound", ""), "") if rows[fid].get("stat") == "threshold" else ""
    return f"{prefix}{value:g} {rows[fid].get('unit', '')}".strip()


def memory_figures(path: Path | None = None) -> pd.DataFrame:
    """Published memory-per-container / per-VMM figures as published: one row each, a range as one row."""
    rows = figures_table(path)
    out = []
    for fid in MEMORY_FIGURES:
        row = rows.get(fid) or rows.get(f"{fid}-min")
        if row is None:
            raise DataError(_("published figure {fid!r} is missing from data/published_figures.tsv").format(fid=fid),
                            _("Re-install vlab (`pip install -e .`) so the data files are present."))
        out.append({"figure_id": fid, "system": row.get("system", ""), "metric": row.get("metric", ""),
                    "figure": shown(rows, fid), "source_id": row.get("source_id", "")})
    return pd.DataFrame(out, columns=["figure_id", "system", "metric", "figure", "source_id"])


def citations(source_ids: list[str] | None = None, path: Path | None = None) -> dict[str, str]:
    """Full citations from data/bibliography.tsv for the given source ids (all when None)."""
    if source_ids is not None and (isinstance(source_ids, str)
                                   or not isinstance(source_ids, list | tuple | set | frozenset)):
        raise BadParameter(_("source_ids={source_ids!r} is not a list of source ids").format(source_ids=source_ids),
                           _("For example ['FEL15']."))
    path = path or _data_dir() / "bibliography.tsv"
    out: dict[str, str] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if source_ids is None or row.get("source_id") in source_ids:
                    out[row["source_id"]] = f"{row.get('citation', '')} {row.get('where', '')}".strip()
    return out
