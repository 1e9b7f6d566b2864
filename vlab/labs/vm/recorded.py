"""Published VM-boot, microVM and container-start figures, with their sources.

The table ``data/published_figures.tsv`` (shipped as ``vlab.data``) holds ONE ROW PER FIGURE:

    figure_id  system  kind  metric  metric_group  value  unit  stat  conditions  source_id  locator
    clock  bound  verified  caveat

- ``kind`` is one of :data:`KINDS`; ``unit`` one of :data:`UNITS`; ``stat`` one of :data:`STATS`.
- ``metric_group`` is an id from :data:`METRIC_GROUPS`. Figures share a group only when they
  measure the same thing the same way, so unlike things are never plotted as one series. A group
  uses ONE unit and, for times, ONE clock (``clock``: ``wall`` or ``cpu``, empty for non-times).
- ``stat`` ``threshold`` needs ``bound``, the direction as the source states it (``<=``, ``<``,
  ``>=``, ``>``). A range is two rows ``<id>-min`` / ``<id>-max`` (stats ``range_min`` /
  ``range_max``), shown as ONE range by :func:`display_table` and the plot.
- ``verified`` is ``yes`` when the figure was read from the source itself, else ``no``; unverified
  rows stay out of :func:`boot_figures` unless asked for. ``caveat`` is a short warning that must
  be shown wherever the figure is (plot footnote, table column).
- ``source_id`` must appear in ``data/bibliography.tsv`` (``source_id  citation  where  note``).

:func:`load` validates everything and raises :class:`vlab.core.errors.DataError` naming the line and
column of the first problem. :func:`boot_figures` gives the start/boot rows converted to ms,
:func:`figures` filters, :func:`cite` formats a source.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from importlib import resources
from os import PathLike

import pandas as pd

from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import _
from vlab.core.validate import flag

__all__ = [
    "BIBLIOGRAPHY_FILE", "BIB_COLUMNS", "BOUNDS", "CLOCKS", "COLUMNS", "FIGURES_FILE", "KEY_BOOT_GROUPS", "KINDS",
    "METRIC_GROUPS", "MetricGroup", "REQUIRED", "STATS", "TIME_TO_MS", "UNITS", "VERIFIED", "boot_figures", "cite",
    "collapse_ranges", "display_table", "figure", "figure_text", "figures", "load", "load_bibliography",
    "metric_groups", "prefix", "quote", "validate"
]

FIGURES_FILE = "published_figures.tsv"
BIBLIOGRAPHY_FILE = "bibliography.tsv"

COLUMNS = (
    "figure_id", "system", "kind", "metric", "metric_group", "value", "unit", "stat", "conditions",
    "source_id", "locator", "clock", "bound", "verified", "caveat",
)
BIB_COLUMNS = ("source_id", "citation", "where", "note")
#: Columns that may not be empty.
REQUIRED = ("figure_id", "system", "kind", "metric", "metric_group", "value", "unit", "stat", "source_id", "locator",
            "verified")

#: What ran: a full VM, a minimal microVM, a container, a plain host process, a unikernel, or bare metal.
KINDS = ("vm", "microvm", "container", "process", "unikernel", "native")

#: Time units and their factor to milliseconds.
TIME_TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}
#: Every unit the table may use, with its dimension.
UNITS: dict[str, str] = {
    **{u: "time" for u in TIME_TO_MS},
    "KiB": "memory", "MB": "memory", "MiB": "memory", "GB": "memory", "GiB": "memory",
    "Gbit/s": "throughput", "GB/s": "bandwidth",
    "IOPS": "io_rate", "GFLOPS": "compute_rate", "GUPS": "compute_rate", "events/s": "compute_rate",
    "1/s": "rate", "%": "ratio",
}

#: How the value summarises its source (a threshold is a limit, not a measurement).
STATS = (
    "median", "mean", "mean_approx", "approx", "measured", "typical", "stated",
    "threshold", "design_target", "ci_baseline_mean", "range_min", "range_max", "derived_mean",
)
#: Clocks a time can be read on: elapsed wall-clock time, or CPU time of a process/thread.
CLOCKS = ("wall", "cpu")
#: Directions of a threshold, as written in the table, and as shown.
BOUNDS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">"}
VERIFIED = ("yes", "no")


@dataclass(frozen=True)
class MetricGroup:
    """One metric definition: figures in the same group measured the same thing, on the same clock."""

    id: str
    label: str
    dimension: str
    boot: bool = False  # a wall-clock start/boot time that belongs on the boot-time plot
    clock: str = ""  # "wall" or "cpu" for times (default "wall"); "" for everything else

    def __post_init__(self) -> None:
        if self.dimension == "time" and not self.clock:
            object.__setattr__(self, "clock", "wall")
        if (self.dimension == "time") != (self.clock in CLOCKS) or (self.boot and self.clock != "wall"):
            raise ValueError(f"metric group {self.id}: clock {self.clock!r} does not fit a {self.dimension} group")


_G = MetricGroup
#: Every metric definition the table may use. Boot/start groups have ``boot=True``.
METRIC_GROUPS: dict[str, MetricGroup] = {g.id: g for g in [
    _G("launch_to_guest_exit_wallclock", "VMM launch → guest init signals, VMM exits (wall-clock, serial)", "time",
       True),
    _G("launch_to_guest_exit_wallclock_10_parallel", "Same, 10 VMs launched at a time (wall-clock)", "time", True),
    _G("launch_to_guest_exit_wallclock_50_parallel", "Same, 50 VMs launched at a time (wall-clock)", "time", True),
    _G("launch_to_guest_exit_wallclock_100_parallel", "Same, 100 VMs launched at a time (wall-clock)", "time", True),
    _G("firecracker_guest_boot_time_metric", "Firecracker's own Guest-boot-time log metric, wall-clock part (inside "
       "the VMM)", "time", True),
    _G("instancestart_to_init", "Firecracker SLA: InstanceStart API call → guest /sbin/init", "time", True),
    _G("fc_ci_boot_time_limit", "Firecracker CI limit on its boot-time metric", "time", True),
    _G("snapshot_restore_latency", "Firecracker snapshot restore latency (CI baseline)", "time", True),
    _G("vmm_start_to_api_socket_wallclock", "Firecracker process start → API socket ready (wall-clock)", "time", True),
    _G("vmm_init_end", "VMM start → VMM init done (qemu-boot-time tracepoint)", "time", True),
    _G("linux_start_kernel_to_user", "Guest kernel start → user space (qemu-boot-time tracepoints)", "time", True),
    _G("launch_to_linux_start_user", "VMM process start → guest user space (qemu-boot-time perf script)", "time",
       True),
    _G("chv_boot_time_pmem", "Cloud Hypervisor boot_time_pmem_ms (guest debug-port timestamps)", "time", True),
    _G("unikraft_vmm_plus_guest_to_main", "Unikernel: VMM setup + guest boot to main()", "time", True),
    _G("osv_reported_boot", "OSv's self-reported boot time", "time", True),
    _G("lightvm_boot_abstract", "LightVM VM boot (paper abstract)", "time", True),
    _G("process_fork_exec_abstract", "Linux fork/exec (paper abstract)", "time", True),
    _G("docker_events_start_to_die", "docker events: container start → die", "time", True),
    _G("docker_run_total", "`docker run … true` total (client wall-clock)", "time", True),
    _G("oci_sequential_true_per_container", "One container running /bin/true, of 100 run one after another",
       "time", True),
    _G("oci_create_start_delete", "OCI runtime create + start + delete", "time", True),
    _G("sandbox_launch_to_payload", "VM-sandboxed container: launch → payload runs (Kata CI baseline)", "time", True),
    _G("cloud_request_to_ready", "Cloud VM: API request → ready for login/requests (2012)", "time", True),
    _G("oci_100_sequential_true_total", "100 containers running /bin/true, total", "time"),
    _G("vmm_start_to_api_socket_cpu", "Firecracker process start → API socket (CPU time)", "time", clock="cpu"),
    _G("firecracker_guest_boot_time_cpu", "Firecracker's Guest-boot-time log metric, CPU-time part (not wall-clock)",
       "time", clock="cpu"),
    _G("virt_network_latency_added", "Network latency added by virtualization", "time"),
    _G("raw_syscall_time", "Raw system call time", "time"),
    _G("netperf_tcp_rr_latency", "netperf TCP_RR round-trip latency", "time"),
    _G("netperf_udp_rr_latency", "netperf UDP_RR round-trip latency", "time"),
    _G("vmm_memory_overhead_pmap", "VMM memory overhead (pmap minus guest memory)", "memory"),
    _G("vmm_memory_overhead_limit", "Firecracker SLA: VMM memory overhead", "memory"),
    _G("vmm_rss_limit", "Firecracker CI limit on VMM RSS (excluding guest memory)", "memory"),
    _G("vmm_memory_overhead_chv_tool", "VMM memory overhead (Cloud Hypervisor vmm_memory tool)", "memory"),
    _G("idle_container_memory_density", "Memory per idle container (host free-memory delta)", "memory"),
    _G("idle_container_pss", "PSS per idle VM-sandboxed container", "memory"),
    _G("min_memory_hello", "Minimum memory to run a hello-world app", "memory"),
    _G("iperf3_rx_1stream", "iperf3 receive throughput, 1 stream", "throughput"),
    _G("fio_4k_randread_iops_nvme", "fio 4 KiB random read IOPS (local NVMe)", "io_rate"),
    _G("fio_4k_randread_iops_qd128_ssd", "fio 4 KiB random read IOPS, 8 jobs x iodepth 16 (SSD)", "io_rate"),
    _G("nuttcp_tcp_throughput_10gbe", "nuttcp TCP throughput, client to server (10GbE)", "throughput"),
    _G("guest_cpu_vs_bare_metal", "Guest CPU performance relative to bare metal", "ratio"),
    _G("microvm_creation_rate_per_core", "microVM creation rate per host core", "rate"),
    _G("microvm_creation_rate_per_host", "microVM creation rate per host", "rate"),
    _G("sysbench_cpu_events", "sysbench CPU events per second", "compute_rate"),
    _G("linpack_gflops", "Linpack throughput", "compute_rate"),
    _G("randomaccess_gups", "HPCC RandomAccess", "compute_rate"),
    _G("stream_triad_bandwidth", "STREAM Triad memory bandwidth", "bandwidth"),
    _G("stream_copy_bandwidth", "STREAM Copy memory bandwidth", "bandwidth"),
]}

#: A compact selection for a first side-by-side plot: one group per rung of the ladder (verified sources only).
KEY_BOOT_GROUPS = (
    "launch_to_guest_exit_wallclock", "instancestart_to_init", "launch_to_linux_start_user",
    "unikraft_vmm_plus_guest_to_main", "lightvm_boot_abstract", "process_fork_exec_abstract",
    "docker_events_start_to_die", "oci_sequential_true_per_container", "oci_create_start_delete", "docker_run_total",
    "sandbox_launch_to_payload",
)

_FIX = "Fix that cell in the file (valid values are listed in vlab.labs.vm.recorded), or re-install vlab."


def _data_text(name: str) -> str:
    """Text of a file shipped in the ``vlab.data`` package."""
    try:
        return resources.files("vlab.data").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise DataError(f"The recorded-data file {name} is missing from this copy of vlab.") from exc


def _read_tsv(source: str | PathLike | None, default: str, columns: tuple[str, ...]) -> tuple[pd.DataFrame, str]:
    """Read a TSV as strings; check the header. Returns (frame, display name)."""
    name = default if source is None else str(source)
    try:
        text = _data_text(default) if source is None else open(source, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise DataError(f"Cannot read {name}: {exc.strerror or exc}.", "Check the path.") from exc
    try:
        df = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=3).fillna("")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no data"
        raise DataError(f"{name} is not a valid tab-separated table: {first}.", _FIX) from exc
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(repr(c) for c in missing)} in the header line.", _FIX)
    return df, name


def _fail(name: str, i: int, df: pd.DataFrame, column: str, problem: str) -> DataError:
    fid = df["figure_id"].iloc[i] if "figure_id" in df.columns else ""
    where = f"{name} line {i + 2}" + (f" ({fid})" if fid else "")
    return DataError(f"{where}, column '{column}': {problem}", _FIX)


def load_bibliography(path: str | PathLike | None = None) -> pd.DataFrame:
    """The bibliography (``source_id, citation, where, note``), validated; indexed by ``source_id``."""
    df, name = _read_tsv(path, BIBLIOGRAPHY_FILE, BIB_COLUMNS)
    for i, (sid, citation) in enumerate(zip(df["source_id"], df["citation"], strict=True)):
        if not sid.strip():
            raise DataError(f"{name} line {i + 2}, column 'source_id': empty.", _FIX)
        if not citation.strip():
            raise DataError(f"{name} line {i + 2} ({sid}), column 'citation': empty.", _FIX)
    dup = df["source_id"][df["source_id"].duplicated()]
    if not dup.empty:
        raise DataError(f"{name}: source_id {dup.iloc[0]!r} appears more than once.", _FIX)
    return df.set_index("source_id", drop=False)


def validate(df: pd.DataFrame, source_ids: set[str], name: str = FIGURES_FILE) -> pd.DataFrame:
    """Check a figures table (all strings) row by row; return it with ``value`` as float."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(repr(c) for c in missing)} in the header line.", _FIX)
    values: list[float] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(df[list(COLUMNS)].to_dict("records")):  # plain dicts: fast enough to validate often
        for col in REQUIRED:
            if not str(row[col]).strip():
                raise _fail(name, i, df, col, "empty, but every figure needs one.")
        fid = row["figure_id"]
        if fid in seen:
            raise _fail(name, i, df, "figure_id",
                        f"{fid!r} is already used on line {seen[fid] + 2}; ids must be unique.")
        seen[fid] = i
        try:
            value = float(row["value"])
        except ValueError:
            raise _fail(name, i, df, "value", f"{row['value']!r} is not a number (one number per row).") from None
        if not math.isfinite(value) or value <= 0:
            raise _fail(name, i, df, "value", f"{row['value']!r} must be a finite positive number.")
        values.append(value)
        if row["kind"] not in KINDS:
            raise _fail(name, i, df, "kind", f"unknown kind {row['kind']!r}; known: {', '.join(KINDS)}.")
        if row["unit"] not in UNITS:
            raise _fail(name, i, df, "unit", f"unknown unit {row['unit']!r}; known: {', '.join(UNITS)}.")
        if row["stat"] not in STATS:
            raise _fail(name, i, df, "stat", f"unknown stat {row['stat']!r}; known: {', '.join(STATS)}.")
        group = METRIC_GROUPS.get(row["metric_group"])
        if group is None:
            raise _fail(name, i, df, "metric_group", f"unknown metric group {row['metric_group']!r} "
                        "(add it to vlab.labs.vm.recorded.METRIC_GROUPS with its definition).")
        if UNITS[row["unit"]] != group.dimension:
            raise _fail(name, i, df, "unit", f"{row['unit']!r} is a {UNITS[row['unit']]} unit, but metric group "
                        f"{group.id!r} measures {group.dimension}.")
        if row["source_id"] not in source_ids:
            raise _fail(name, i, df, "source_id", f"{row['source_id']!r} is not in the bibliography.")
        _check_clock_bound_verified(name, i, df, row, group)
    _check_one_unit_per_group(name, df)
    _check_ranges(name, df, values)
    out = df[list(COLUMNS)].copy()
    out["value"] = pd.Series(values, index=out.index, dtype=float)
    return out.reset_index(drop=True)


def _check_clock_bound_verified(name: str, i: int, df: pd.DataFrame, row: dict, group: MetricGroup) -> None:
    """A time says which clock it was read on, the same as its group's; a threshold says its direction."""
    clock = row["clock"]
    if group.dimension == "time":
        if clock not in CLOCKS:
            raise _fail(name, i, df, "clock", f"{clock!r}: a time needs its clock, one of {', '.join(CLOCKS)}.")
        if clock != group.clock:
            raise _fail(name, i, df, "clock", f"{clock!r} time in metric group {group.id!r}, which holds "
                        f"{group.clock} times only; CPU time and wall-clock time are never one series.")
    elif clock:
        raise _fail(name, i, df, "clock", f"{clock!r} given, but metric group {group.id!r} is not a time.")
    bound = row["bound"]
    if row["stat"] == "threshold" and bound not in BOUNDS:
        raise _fail(name, i, df, "bound", f"{bound!r}: a threshold needs its direction as the source states it, "
                    f"one of {', '.join(BOUNDS)}.")
    if row["stat"] != "threshold" and bound:
        raise _fail(name, i, df, "bound", f"{bound!r} given, but stat {row['stat']!r} is not a threshold.")
    if row["verified"] not in VERIFIED:
        raise _fail(name, i, df, "verified", f"{row['verified']!r}: use yes or no.")


def _check_one_unit_per_group(name: str, df: pd.DataFrame) -> None:
    """Every row of a metric group uses the unit of the group's first row (convert, don't mix)."""
    first: dict[str, int] = {}
    for i, (gid, unit) in enumerate(zip(df["metric_group"], df["unit"], strict=True)):
        j = first.setdefault(gid, i)
        if unit != df["unit"].iloc[j]:
            raise _fail(name, i, df, "unit", f"{unit!r} in metric group {gid!r}, which uses {df['unit'].iloc[j]!r} "
                        f"(line {j + 2}); one unit per group: convert the value.")


def _check_ranges(name: str, df: pd.DataFrame, values: list[float]) -> None:
    """A range is two rows ``<id>-min`` / ``<id>-max`` with the same group, unit, system and source, min <= max."""
    index = {fid: i for i, fid in enumerate(df["figure_id"])}
    for i, (fid, stat) in enumerate(zip(df["figure_id"], df["stat"], strict=True)):
        if stat not in ("range_min", "range_max"):
            continue
        mine, other = ("-min", "-max") if stat == "range_min" else ("-max", "-min")
        if not fid.endswith(mine):
            raise _fail(name, i, df, "figure_id", f"a {stat} row's id must end with {mine!r}.")
        partner = fid[: -len(mine)] + other
        j = index.get(partner)
        want = "range_max" if stat == "range_min" else "range_min"
        if j is None or df["stat"].iloc[j] != want:
            raise _fail(name, i, df, "stat", f"{stat} without its partner {partner!r} ({want}).")
        for col in ("metric_group", "unit", "system", "source_id"):
            if df[col].iloc[i] != df[col].iloc[j]:
                raise _fail(name, i, df, col, f"differs from its range partner {partner!r} (line {j + 2}).")
        low, high = (values[i], values[j]) if stat == "range_min" else (values[j], values[i])
        if low > high:
            raise _fail(name, i, df, "value", f"range minimum {low:g} is above its maximum {high:g}.")


def load(path: str | PathLike | None = None, bibliography: str | PathLike | None = None) -> pd.DataFrame:
    """The validated figures table (``value`` as float). Defaults to the copy shipped with vlab."""
    if path is None and bibliography is None:
        return _load_shipped().copy()
    bib = load_bibliography(bibliography)
    df, name = _read_tsv(path, FIGURES_FILE, COLUMNS)
    return validate(df, set(bib.index), name)


@functools.lru_cache(maxsize=1)
def _load_shipped() -> pd.DataFrame:
    bib = load_bibliography()
    df, name = _read_tsv(None, FIGURES_FILE, COLUMNS)
    return validate(df, set(bib.index), name)


def figures(kind: str | None = None, metric_group: str | None = None, source_id: str | None = None) -> pd.DataFrame:
    """Shipped figures, optionally filtered by kind, metric group and source."""
    for name, value in (("kind", kind), ("metric_group", metric_group), ("source_id", source_id)):
        if value is not None and not isinstance(value, str):
            raise BadParameter(_("{name}={value!r} must be text or None.").format(name=name, value=value))
    if kind is not None and kind not in KINDS:
        raise BadParameter(_("kind={kind!r} is not a known kind.").format(kind=kind),
                           _("Use one of: {names}.").format(names=", ".join(KINDS)))
    if metric_group is not None and metric_group not in METRIC_GROUPS:
        raise BadParameter(_("metric_group={group!r} is not a known metric group.").format(group=metric_group),
                           _("See vlab.labs.vm.recorded.metric_groups() for the ids."))
    df = load()
    if source_id is not None and source_id not in set(df["source_id"]):
        known = ", ".join(sorted(set(df["source_id"])))
        raise BadParameter(_("source_id={source_id!r} has no figures.").format(source_id=source_id),
                           _("Use one of: {names}.").format(names=known))
    mask = pd.Series(True, index=df.index)
    if kind is not None:
        mask &= df["kind"] == kind
    if metric_group is not None:
        mask &= df["metric_group"] == metric_group
    if source_id is not None:
        mask &= df["source_id"] == source_id
    return df[mask].reset_index(drop=True)


def boot_figures(groups: list[str] | tuple[str, ...] | None = None, *, include_unverified: bool = False
                 ) -> pd.DataFrame:
    """Wall-clock start/boot-time figures in ms, with ``ms`` and ``group_label`` columns, sorted by group then ms.

    ``groups`` limits the result to some boot metric groups (default: all of them). Figures not verified
    against their source (``verified == "no"``) are left out unless ``include_unverified=True``.
    """
    flag("include_unverified", include_unverified)
    boot = [g.id for g in METRIC_GROUPS.values() if g.boot]
    if groups is not None:
        if isinstance(groups, str) or not isinstance(groups, list | tuple | set | frozenset):
            raise BadParameter(_("groups={groups!r} is not a list of metric groups").format(groups=groups),
                               _("Use some of: {names}.").format(names=", ".join(boot)))
        bad = [g for g in groups if g not in boot]
        if bad:
            raise BadParameter(_("Not boot/start metric groups: {names}.").format(names=", ".join(map(repr, bad))),
                               _("Use some of: {names}.").format(names=", ".join(boot)))
        boot = [g for g in boot if g in groups]
    df = load()
    df = df[df["metric_group"].isin(boot) & (include_unverified | (df["verified"] == "yes"))].copy()
    df["ms"] = df["value"] * df["unit"].map(TIME_TO_MS)
    df["group_label"] = df["metric_group"].map(lambda g: METRIC_GROUPS[g].label)
    order = {g: i for i, g in enumerate(boot)}
    df["_o"] = df["metric_group"].map(order)
    return df.sort_values(["_o", "ms"]).drop(columns="_o").reset_index(drop=True)


def prefix(stat: str, bound: str = "") -> str:
    """What goes before a number so it reads as its source says: '≤ ', '> ', 'target ', '~', 'CI baseline '."""
    if stat == "threshold":
        return f"{BOUNDS[bound]} "
    return {"design_target": _("target "), "ci_baseline_mean": _("CI baseline "), "approx": "~",
            "mean_approx": "~"}.get(stat, "")


def _num(value: float) -> str:
    return f"{value:.6g}"


def collapse_ranges(df: pd.DataFrame) -> pd.DataFrame:
    """The same figures with each ``-min``/``-max`` pair as ONE row: stat ``range``, ``value`` the minimum,
    ``value_max`` the maximum (``ms_max`` too when ``ms`` is there), ``figure_id`` without the suffix.

    Other rows get ``value_max`` = ``value``. A range whose partner was filtered out is completed from the table.
    """
    if not isinstance(df, pd.DataFrame) or not {"figure_id", "stat", "value"} <= set(df.columns):
        raise BadParameter(_("collapse_ranges needs a figures frame (figure_id, stat, value)."),
                           _("Pass a frame from vlab.labs.vm.recorded.load(), figures() or boot_figures()."))
    full = None
    rows, done = [], set()
    for _i, r in df.iterrows():
        if r["stat"] not in ("range_min", "range_max"):
            rows.append({**r.to_dict(), "value_max": r["value"]})
            continue
        base = r["figure_id"].rsplit("-", 1)[0]
        if base in done:
            continue
        done.add(base)
        pair = df[df["figure_id"].isin([f"{base}-min", f"{base}-max"])]
        if len(pair) < 2:
            full = load() if full is None else full
            pair = full[full["figure_id"].isin([f"{base}-min", f"{base}-max"])]
        low = pair.loc[pair["stat"] == "range_min"].iloc[0]
        high = pair.loc[pair["stat"] == "range_max"].iloc[0]
        row = {**r.to_dict(), **{k: low[k] for k in low.index if k in r.index}}
        row.update(figure_id=base, stat="range", value=float(low["value"]), value_max=float(high["value"]))
        if "ms" in row:
            row["ms"] = row["value"] * TIME_TO_MS[row["unit"]]
            row["ms_max"] = row["value_max"] * TIME_TO_MS[row["unit"]]
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*df.columns, "value_max", *(["ms_max"] if "ms" in df.columns else [])])
    if "ms" in out.columns:
        out["ms_max"] = out["ms_max"].fillna(out["ms"])
    return out.reset_index(drop=True)


def figure_text(row: pd.Series | dict) -> str:
    """One figure as it must be read, with its unit: '≤ 125 ms', '> 95 %', '29–30 ms', '~62 MiB'."""
    unit = row["unit"]
    if row["stat"] == "range":
        return f"{_num(row['value'])}–{_num(row['value_max'])} {unit}"
    return f"{prefix(row['stat'], row.get('bound', ''))}{_num(row['value'])} {unit}"


def display_table(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Figures ready to show: ranges as one row, thresholds with their direction, caveats and verification.

    Columns: figure_id, system, kind, figure (the number as text, with unit), stat, metric_group, source_id,
    locator, verified, caveat. ``df`` defaults to the whole table; frames from :func:`figures` or
    :func:`boot_figures` work.
    """
    df = load() if df is None else df
    c = collapse_ranges(df)
    out = pd.DataFrame({
        "figure_id": c["figure_id"], "system": c["system"], "kind": c["kind"],
        "figure": [figure_text(r) for _, r in c.iterrows()], "stat": c["stat"], "metric_group": c["metric_group"],
        "source_id": c["source_id"], "locator": c["locator"], "verified": c["verified"], "caveat": c["caveat"],
    })
    return out.reset_index(drop=True)


def figure(figure_id: str) -> pd.Series:
    """One shipped figure by id (a range by its id without ``-min``/``-max``), ranges collapsed."""
    table = collapse_ranges(load())
    hit = table[table["figure_id"] == figure_id] if isinstance(figure_id, str) else table.iloc[:0]
    if hit.empty:
        raise BadParameter(_("No published figure {figure_id!r}.").format(figure_id=figure_id),
                           _("See vlab.labs.vm.recorded.load() for the ids."))
    return hit.iloc[0]


def quote(figure_id: str) -> str:
    """A figure for prose, from the table: '160.9 ms median [AGA20]', with its caveat if it has one."""
    r = figure(figure_id)
    stat = "" if r["stat"] in ("threshold", "design_target", "range", "approx", "mean_approx", "stated",
                               "ci_baseline_mean") else f" {r['stat'].replace('_', ' ')}"
    text = f"{figure_text(r)}{stat} [{r['source_id']}]"
    if r["verified"] != "yes":
        text += _(" (unverified)")
    return f"{text} ({r['caveat']})" if r["caveat"] else text


def metric_groups() -> pd.DataFrame:
    """Every metric definition: id, label, dimension, whether it is a boot/start time, and its clock."""
    return pd.DataFrame([g.__dict__ for g in METRIC_GROUPS.values()])


def cite(source_id: str) -> str:
    """A one-line citation for ``source_id``: "[ID] citation (where)"."""
    bib = load_bibliography()
    if not isinstance(source_id, str) or source_id not in bib.index:
        raise BadParameter(_("No source {source_id!r} in the bibliography.").format(source_id=source_id),
                           _("Use one of: {names}.").format(names=", ".join(bib.index)))
    row = bib.loc[source_id]
    where = f" ({row['where']})" if row["where"].strip() else ""
    return f"[{source_id}] {row['citation']}{where}"
