"""The registry of labs: one explicit entry per lab module, with its notebooks, recordings and bench.

The CLI builds ``vlab record`` and ``vlab bench`` from this list, and ``docs/DEVELOPING.md`` maps notebooks
to labs with it. A lab module named here is imported when it is needed; an import error surfaces (it is a
bug to fix, not a lab to skip). ``tests/test_cli_registry.py`` checks every entry against its module.

- ``kinds``: what ``vlab record`` makes, in this order; the module's ``RECORDINGS`` has exactly these keys,
  each ``fn(quick: bool) -> Results``.
- ``bench``: ``vlab bench NAME``; the module provides ``add_cli_arguments(parser)`` and ``run_cli(args) -> int``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from vlab.core.errors import BadParameter
from vlab.core.i18n import _
from vlab.core.results import Results

__all__ = ["LABS", "Lab", "bench_labs", "by_bench", "recorders", "recording_kinds"]


@dataclass(frozen=True)
class Lab:
    """One lab: its module, the notebooks that use it, what it records and its ``vlab bench`` name."""

    module: str
    notebooks: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    bench: str | None = None
    bench_help: str = ""

    @property
    def name(self) -> str:
        return self.module.removeprefix("vlab.labs.")

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def recordings(self) -> dict[str, Callable[[bool], Results]]:
        """``kind → fn(quick)`` for ``vlab record``, in the registry's order (a missing kind is a KeyError)."""
        if not self.kinds:
            return {}
        found = self.load().RECORDINGS
        return {kind: found[kind] for kind in self.kinds}


# In recording order (``vlab record`` runs them top to bottom), then the labs that record nothing.
LABS: tuple[Lab, ...] = (
    Lab("vlab.labs.first_container", ("00_start_here",), ("first_container",)),
    Lab("vlab.labs.start_time", ("07_start_time", "11_review"), ("start", "ladder", "concurrency"),
        bench="start", bench_help="container start time, phase by phase"),
    Lab("vlab.labs.vm.boot", ("08_vm_vs_container",), ("vm_boot", "vm_container_start"),
        bench="vm", bench_help="boot a real VM with QEMU and time it"),
    Lab("vlab.labs.namespaces", ("05_namespaces",), ("ns_views", "ns_pid1", "ns_sharing")),
    Lab("vlab.labs.by_hand", ("05b_container_by_hand",), ("by_hand",)),
    Lab("vlab.labs.cgroups", ("06_cgroups",), ("cg_limits", "cg_oom", "cg_cpu", "cg_pids", "cg_noisy")),
    Lab("vlab.labs.security", ("10_security",), ("sec_kernel", "sec_caps", "sec_privileged", "sec_seccomp")),
    Lab("vlab.labs.overhead", ("09_overhead",), ("overhead",),
        bench="overhead", bench_help="container vs native overhead: CPU, syscalls, I/O, network"),
    Lab("vlab.labs.servers", ("01_servers",), ("servers",)),
    Lab("vlab.labs.syscalls", ("04_hypervisors", "09_overhead", "11_review"), ("syscalls",)),
    Lab("vlab.labs.spectrum", ("10b_isolation_spectrum",), ("spectrum",)),
    Lab("vlab.labs.coverage", ("00_start_here", "11_review")),
    Lab("vlab.labs.iac", ("02_devops_iac",)),
    Lab("vlab.labs.consolidation", ("03_why_virtualize",)),
    Lab("vlab.labs.hypervisors", ("04_hypervisors",)),
    Lab("vlab.labs.vm.versus", ("08_vm_vs_container",)),
    Lab("vlab.labs.vm.qemu", ("08_vm_vs_container",)),
    Lab("vlab.labs.vm.recorded", ("07_start_time", "08_vm_vs_container")),
    Lab("vlab.labs.overhead_published", ("09_overhead",)),
    Lab("vlab.labs.glossary", ("99_glossary",)),
)


def recording_kinds() -> list[str]:
    """Every kind of recording the labs make (what ``vlab record --only`` accepts), in recording order."""
    return [kind for lab in LABS for kind in lab.kinds]


def recorders(only: list[str] | None = None) -> list[tuple[str, Callable[[bool], Results]]]:
    """``(kind, fn(quick))`` for ``vlab record``, every kind or only those named."""
    return [(kind, fn) for lab in LABS for kind, fn in lab.recordings().items() if not only or kind in only]


def bench_labs() -> list[Lab]:
    return [lab for lab in LABS if lab.bench]


def by_bench(name: str) -> Lab:
    for lab in bench_labs():
        if lab.bench == name:
            return lab
    raise BadParameter(_("no bench called {name!r}").format(name=name),
                       _("Benches: {names}.").format(names=", ".join(lab.bench for lab in bench_labs())))
