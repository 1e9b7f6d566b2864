"""Published VM-boot, microVM and container-start figures, with their sources.

The table ``data/published_figures.tsv`` (shipped as ``vlab.data``) holds ONE ROW PER FIGURE:

    figure_id  system  kind  metric  metric_group  value  unit  stat  conditions  source_id  locator

- ``kind`` is one of :data:`KINDS`; ``unit`` one of :data:`UNITS`; ``stat`` one of :data:`STATS`.
- ``metric_group`` is an id from :data:`METRIC_GROUPS`. Figures share a group only when they
  measure the same thing the same way, so unlike things are never plotted as one series.
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

FIGURES_FILE = "published_figures.tsv"
BIBLIOGRAPHY_FILE = "bibliography.tsv"

COLUMNS = (
    "figure_id", "system", "kind", "metric", "metric_group", "value", "unit", "stat", "conditions",
    "source_id", "locator",
)
BIB_COLUMNS = ("source_id", "citation", "where", "note")
#: Columns that may not be empty.
REQUIRED = ("figure_id", "system", "kind", "metric", "metric_group", "value", "unit", "stat", "source_id", "locator")

#: What ran: a full VM, a minimal microVM, a container, a plain host process, a unikernel, or bare metal.
KINDS = ("vm", "microvm", "container", "process", "unikernel", "native")

#: Time units and their factor to milliseconds.
TIME_TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}
#: Every unit the table may use, with its dimension.
UNITS: dict[str, str] = {
    **{u: "time" for u in TIME_TO_MS},
    "KB": "memory", "MB": "memory", "MiB": "memory", "GB": "memory", "GiB": "memory",
    "Gbit/s": "throughput", "GB/s": "bandwidth",
    "IOPS": "io_rate", "GFLOPS": "compute_rate", "GUPS": "compute_rate", "events/s": "compute_rate",
    "1/s": "rate", "%": "ratio",
}

#: How the value summarises its source (a threshold is a limit, not a measurement).
STATS = (
    "median", "mean", "mean_approx", "approx", "measured", "typical", "stated",
    "threshold", "design_target", "ci_baseline_mean", "range_min", "range_max",
)


@dataclass(frozen=True)
class MetricGroup:
    """One metric definition: figures in the same group measured the same thing."""

    id: str
    label: str
    dimension: str
    boot: bool = False  # a start/boot time that belongs on the boot-time plot


_G = MetricGroup
#: Every metric definition the table may use. Boot/start groups have ``boot=True``.
METRIC_GROUPS: dict[str, MetricGroup] = {g.id: g for g in [
    _G("launch_to_guest_exit_wallclock", "VMM launch → guest init signals, VMM exits (wall-clock, serial)", "time",
       True),
    _G("launch_to_guest_exit_wallclock_50_parallel", "Same, 50 VMs launched in parallel (wall-clock)", "time", True),
    _G("firecracker_guest_boot_time_metric", "Firecracker's own Guest-boot-time log metric (inside the VMM)", "time",
       True),
    _G("instancestart_to_init", "Firecracker SLA: InstanceStart API call → guest /sbin/init", "time", True),
    _G("fc_ci_boot_time_limit", "Firecracker CI limit on its boot-time metric", "time", True),
    _G("snapshot_restore_latency", "Firecracker snapshot restore latency (CI baseline)", "time", True),
    _G("vmm_start_to_api_socket_wallclock", "Firecracker process start → API socket ready (wall-clock)", "time", True),
    _G("vmm_init_end", "VMM start → VMM init done (qemu-boot-time tracepoint)", "time", True),
    _G("linux_start_kernel_to_user", "Guest kernel start → user space (qemu-boot-time tracepoints)", "time", True),
    _G("launch_to_linux_start_user", "QEMU start → guest user space (qemu-boot-time tracepoint)", "time", True),
    _G("chv_boot_time_pmem", "Cloud Hypervisor boot_time_pmem_ms (guest debug-port timestamps)", "time", True),
    _G("unikraft_vmm_plus_guest_to_main", "Unikernel: VMM setup + guest boot to main()", "time", True),
    _G("osv_reported_boot", "OSv's self-reported boot time", "time", True),
    _G("lightvm_boot_abstract", "LightVM VM boot (paper abstract)", "time", True),
    _G("process_fork_exec_abstract", "Linux fork/exec (paper abstract)", "time", True),
    _G("docker_events_start_to_die", "docker events: container start → die", "time", True),
    _G("docker_run_total", "`docker run … true` total (client wall-clock)", "time", True),
    _G("oci_create_start_delete", "OCI runtime create + start + delete", "time", True),
    _G("sandbox_launch_to_payload", "VM-sandboxed container: launch → payload runs (Kata CI baseline)", "time", True),
    _G("cloud_request_to_ready", "Cloud VM: API request → ready for login/requests (2012)", "time", True),
    _G("oci_100_sequential_true_total", "100 containers running /bin/true, total", "time"),
    _G("vmm_start_to_api_socket_cpu", "Firecracker process start → API socket (CPU time)", "time"),
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
    _G("guest_cpu_vs_bare_metal", "Guest CPU performance relative to bare metal", "ratio"),
    _G("microvm_creation_rate_per_core", "microVM creation rate per host core", "rate"),
    _G("microvm_creation_rate_per_host", "microVM creation rate per host", "rate"),
    _G("sysbench_cpu_events", "sysbench CPU events per second", "compute_rate"),
    _G("linpack_gflops", "Linpack throughput", "compute_rate"),
    _G("randomaccess_gups", "HPCC RandomAccess", "compute_rate"),
    _G("stream_triad_bandwidth", "STREAM Triad memory bandwidth", "bandwidth"),
    _G("stream_copy_bandwidth", "STREAM Copy memory bandwidth", "bandwidth"),
]}

#: A compact selection for a first side-by-side plot: one group per rung of the ladder.
KEY_BOOT_GROUPS = (
    "launch_to_guest_exit_wallclock", "launch_to_linux_start_user", "unikraft_vmm_plus_guest_to_main",
    "docker_events_start_to_die", "oci_create_start_delete", "docker_run_total", "sandbox_launch_to_payload",
    "cloud_request_to_ready",
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
    for i in range(len(df)):
        row = df.iloc[i]
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
    out = df[list(COLUMNS)].copy()
    out["value"] = pd.Series(values, index=out.index, dtype=float)
    return out.reset_index(drop=True)


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
            raise BadParameter(f"{name}={value!r} must be text or None.")
    if kind is not None and kind not in KINDS:
        raise BadParameter(f"kind={kind!r} is not a known kind.", f"Use one of: {', '.join(KINDS)}.")
    if metric_group is not None and metric_group not in METRIC_GROUPS:
        raise BadParameter(f"metric_group={metric_group!r} is not a known metric group.",
                           "See vlab.labs.vm.recorded.metric_groups() for the ids.")
    df = load()
    if source_id is not None and source_id not in set(df["source_id"]):
        known = ", ".join(sorted(set(df["source_id"])))
        raise BadParameter(f"source_id={source_id!r} has no figures.", f"Use one of: {known}.")
    mask = pd.Series(True, index=df.index)
    if kind is not None:
        mask &= df["kind"] == kind
    if metric_group is not None:
        mask &= df["metric_group"] == metric_group
    if source_id is not None:
        mask &= df["source_id"] == source_id
    return df[mask].reset_index(drop=True)


def boot_figures(groups: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Start/boot-time figures in ms, with ``ms`` and ``group_label`` columns, sorted by group then ms.

    ``groups`` limits the result to some boot metric groups (default: all of them).
    """
    boot = [g.id for g in METRIC_GROUPS.values() if g.boot]
    if groups is not None:
        if isinstance(groups, str) or not isinstance(groups, list | tuple | set | frozenset):
            raise BadParameter(f"groups={groups!r} is not a list of metric groups", f"Use some of: {', '.join(boot)}.")
        bad = [g for g in groups if g not in boot]
        if bad:
            raise BadParameter(f"Not boot/start metric groups: {', '.join(map(repr, bad))}.",
                               f"Use some of: {', '.join(boot)}.")
        boot = [g for g in boot if g in groups]
    df = load()
    df = df[df["metric_group"].isin(boot)].copy()
    df["ms"] = df["value"] * df["unit"].map(TIME_TO_MS)
    df["group_label"] = df["metric_group"].map(lambda g: METRIC_GROUPS[g].label)
    order = {g: i for i, g in enumerate(boot)}
    df["_o"] = df["metric_group"].map(order)
    return df.sort_values(["_o", "ms"]).drop(columns="_o").reset_index(drop=True)


def metric_groups() -> pd.DataFrame:
    """Every metric definition: id, label, dimension, and whether it is a boot/start time."""
    return pd.DataFrame([g.__dict__ for g in METRIC_GROUPS.values()])


def cite(source_id: str) -> str:
    """A one-line citation for ``source_id``: "[ID] citation (where)"."""
    bib = load_bibliography()
    if not isinstance(source_id, str) or source_id not in bib.index:
        raise BadParameter(f"No source {source_id!r} in the bibliography.", f"Use one of: {', '.join(bib.index)}.")
    row = bib.loc[source_id]
    where = f" ({row['where']})" if row["where"].strip() else ""
    return f"[{source_id}] {row['citation']}{where}"
