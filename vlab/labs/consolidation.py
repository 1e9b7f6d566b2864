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
from vlab.core.i18n import N_, _
from vlab.core.validate import number, whole_number

__all__ = ["APPROACHES", "Assumptions", "assumptions_dict", "plan", "summary_line"]

APPROACHES = (N_("bare metal"), N_("virtual machines"), N_("containers"))  # identifiers; _() them when shown


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
        sizes = ("small_cores", "small_mem_gib", "big_cores", "big_mem_gib")  # a machine has some of each
        for f in fields(self):
            number(f.name, getattr(self, f.name), 0, None, _("Assumptions are finite numbers, 0 or more; a machine's "
                                                             "cores and memory above 0."), lo_open=f.name in sizes)
        if self.hypervisor_cores >= self.big_cores or self.hypervisor_mem_gib >= self.big_mem_gib:
            raise BadParameter(_("the hypervisor reserve must leave room on a host"))
        if self.engine_cores >= self.big_cores or self.engine_mem_gib >= self.big_mem_gib:
            raise BadParameter(_("the engine reserve must leave room on a host"))

    def describe(self) -> list[str]:
        """The assumptions as readable lines (shown under the calculator)."""
        return [
            _("small server: {cores} cores, {mem:g} GiB, price {price:,.0f}, {units} U, {watts:g} W").format(
                cores=self.small_cores, mem=self.small_mem_gib, price=self.small_price, units=self.small_rack_units,
                watts=self.small_watts),
            _("big host: {cores} cores, {mem:g} GiB, price {price:,.0f}, {units} U, {watts:g} W").format(
                cores=self.big_cores, mem=self.big_mem_gib, price=self.big_price, units=self.big_rack_units,
                watts=self.big_watts),
            _("hypervisor reserve per host: {cores:g} cores, {mem:g} GiB").format(
                cores=self.hypervisor_cores, mem=self.hypervisor_mem_gib),
            _("guest OS per VM: {cores:g} cores, {mem:g} GiB").format(cores=self.guest_os_cores,
                                                                      mem=self.guest_os_mem_gib),
            _("host OS + container engine per host: {cores:g} cores, {mem:g} GiB").format(
                cores=self.engine_cores, mem=self.engine_mem_gib),
            _("per container: {cores:g} cores, {mib:g} MiB").format(cores=self.container_cores,
                                                                    mib=self.container_mem_gib * 1024),
            _("no CPU or memory overcommit; every service is isolated (bare metal: one per server)"),
        ]


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
    whole_number("services", services, 1, None)
    cpu = float(number("cpu", cpu, 0.01, None, _("Cores per service, for example cpu=1.")))
    mem_gib = float(number("mem_gib", mem_gib, 0.01, None, _("GiB of memory per service, for example mem_gib=2.")))

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
                _("one service ({cpu:g} cores, {mem:g} GiB) does not fit on one big host with {approach}").format(
                    cpu=cpu, mem=mem_gib, approach=_(approach)),
                _("Lower the per-service needs or raise big_cores / big_mem_gib in the assumptions."),
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
    return _("{bare} small servers on bare metal, {vms} hosts with VMs, {containers} hosts with containers; "
             "containers cost {share:.0%} of bare metal.").format(
        bare=m["bare metal"], vms=m["virtual machines"], containers=m["containers"],
        share=c["containers"] / c["bare metal"])


def assumptions_dict(a: Assumptions | None = None) -> dict:
    return asdict(a or Assumptions())
