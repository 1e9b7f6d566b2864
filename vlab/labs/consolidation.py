"""Consolidation calculator (S2.3–S2.4): how many machines do N services need on bare metal,
with virtual machines, and with containers, and what does that cost in money, space and power?

``plan()`` is pure arithmetic under stated assumptions (``Assumptions``, every number visible and
editable); ``ConsolidationView`` puts sliders on it. The defaults are round illustrative figures, not
price quotes or measurements: change them to your own. Isolation is the rule in all three cases:
on bare metal that means one service per machine, as the lecture notes describe.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import pandas as pd

from vlab.core.errors import BadParameter

__all__ = ["APPROACHES", "Assumptions", "assumptions_dict", "plan", "summary_line"]

APPROACHES = ("bare metal", "virtual machines", "containers")


@dataclass(frozen=True)
class Assumptions:
    """Every number the calculator uses. Illustrative defaults; override any of them."""

    small_cores: int = 4  # one small bare-metal server
    small_mem_gib: float = 16
    small_price: float = 2000  # currency units per server
    small_rack_units: int = 1
    small_watts: float = 150  # average draw
    big_cores: int = 64  # one big virtualization host
    big_mem_gib: float = 512
    big_price: float = 20000
    big_rack_units: int = 2
    big_watts: float = 800
    hypervisor_cores: float = 2  # reserved per host by the hypervisor
    hypervisor_mem_gib: float = 8
    guest_os_cores: float = 0.25  # each VM runs its own guest OS (게스트 OS) and kernel
    guest_os_mem_gib: float = 1.0
    engine_cores: float = 1  # host OS + container engine, per host
    engine_mem_gib: float = 4
    container_cores: float = 0.0  # no guest kernel: a container is processes on the host kernel
    container_mem_gib: float = 0.01  # runtime shim and bookkeeping per container (~10 MiB)

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                raise BadParameter(f"assumption {f.name}={v!r} must be a finite number >= 0")
        for name in ("small_cores", "small_mem_gib", "big_cores", "big_mem_gib"):
            if getattr(self, name) <= 0:
                raise BadParameter(f"assumption {name} must be > 0")
        if self.hypervisor_cores >= self.big_cores or self.hypervisor_mem_gib >= self.big_mem_gib:
            raise BadParameter("the hypervisor reserve must leave room on a host")
        if self.engine_cores >= self.big_cores or self.engine_mem_gib >= self.big_mem_gib:
            raise BadParameter("the engine reserve must leave room on a host")

    def describe(self) -> list[str]:
        """The assumptions as readable lines (shown under the calculator)."""
        return [
            f"small server: {self.small_cores} cores, {self.small_mem_gib:g} GiB, price {self.small_price:,.0f}, "
            f"{self.small_rack_units} U, {self.small_watts:g} W",
            f"big host: {self.big_cores} cores, {self.big_mem_gib:g} GiB, price {self.big_price:,.0f}, "
            f"{self.big_rack_units} U, {self.big_watts:g} W",
            f"hypervisor reserve per host: {self.hypervisor_cores:g} cores, {self.hypervisor_mem_gib:g} GiB",
            f"guest OS per VM: {self.guest_os_cores:g} cores, {self.guest_os_mem_gib:g} GiB",
            f"host OS + container engine per host: {self.engine_cores:g} cores, {self.engine_mem_gib:g} GiB",
            f"per container: {self.container_cores:g} cores, {self.container_mem_gib * 1024:g} MiB",
            "no CPU or memory overcommit; every service is isolated (bare metal: one per server)",
        ]


def _check_need(name: str, value, low: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < low:
        raise BadParameter(f"{name}={value!r} must be a number >= {low:g}")
    return float(value)


def _per_host(free_cores: float, free_mem: float, unit_cores: float, unit_mem: float) -> int:
    by_cpu = math.floor(free_cores / unit_cores + 1e-9) if unit_cores > 0 else math.inf
    by_mem = math.floor(free_mem / unit_mem + 1e-9) if unit_mem > 0 else math.inf
    n = min(by_cpu, by_mem)
    return int(n) if n != math.inf else 10**9


def plan(services: int, cpu: float, mem_gib: float, assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Machines, cost, rack space and power for ``services`` identical services, each needing
    ``cpu`` cores and ``mem_gib`` GiB, on bare metal, with VMs and with containers.

    Columns: approach, machines, per_machine (services per machine), cores_reserved (cores spent on
    anything but the services), util_cpu (fraction of bought cores the services use), cost, rack_units, kw.
    """
    a = assumptions or Assumptions()
    if isinstance(services, bool) or not isinstance(services, int) or services < 1:
        raise BadParameter(f"services={services!r} must be a whole number >= 1")
    cpu = _check_need("cpu", cpu, 0.01)
    mem_gib = _check_need("mem_gib", mem_gib, 0.01)

    rows = []
    # Bare metal: one service per machine (isolation); a big service takes several small machines.
    per_service = max(math.ceil(cpu / a.small_cores - 1e-9), math.ceil(mem_gib / a.small_mem_gib - 1e-9))
    n = services * per_service
    rows.append(("bare metal", n, 1 / per_service, 0.0, services * cpu / (n * a.small_cores),
                 n * a.small_price, n * a.small_rack_units, n * a.small_watts / 1000))

    for approach, res_c, res_m, unit_c, unit_m in (
        ("virtual machines", a.hypervisor_cores, a.hypervisor_mem_gib, cpu + a.guest_os_cores,
         mem_gib + a.guest_os_mem_gib),
        ("containers", a.engine_cores, a.engine_mem_gib, cpu + a.container_cores, mem_gib + a.container_mem_gib),
    ):
        k = _per_host(a.big_cores - res_c, a.big_mem_gib - res_m, unit_c, unit_m)
        if k < 1:
            raise BadParameter(
                f"one service ({cpu:g} cores, {mem_gib:g} GiB) does not fit on one big host with {approach}",
                "Lower the per-service needs or raise big_cores / big_mem_gib in the assumptions.",
            )
        n = math.ceil(services / k)
        overhead = n * res_c + services * (unit_c - cpu)
        rows.append((approach, n, float(min(k, services)), overhead, services * cpu / (n * a.big_cores),
                     n * a.big_price, n * a.big_rack_units, n * a.big_watts / 1000))
    return pd.DataFrame(rows, columns=["approach", "machines", "per_machine", "cores_reserved", "util_cpu", "cost",
                                       "rack_units", "kw"])


def summary_line(df: pd.DataFrame) -> str:
    """One sentence comparing the approaches (used under the table)."""
    m = dict(zip(df["approach"], df["machines"], strict=True))
    c = dict(zip(df["approach"], df["cost"], strict=True))
    return (f"{m['bare metal']} small servers on bare metal, {m['virtual machines']} hosts with VMs, "
            f"{m['containers']} hosts with containers; containers cost {c['containers'] / c['bare metal']:.0%} "
            f"of bare metal.")


def assumptions_dict(a: Assumptions | None = None) -> dict:
    return asdict(a or Assumptions())
