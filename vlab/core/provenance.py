"""Where and how a measurement was made: attached to every saved result."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import socket

from vlab import __version__

__all__ = ["cgroup_version", "collect"]


def cgroup_version() -> str:
    """"2" on a unified cgroup hierarchy, "1" otherwise (as seen by this process)."""
    return "2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "1"


def collect(config: dict | None = None, *, engine: bool = True, **extra) -> dict:
    """Provenance of a run: host, kernel, CPUs, engine and runtime, cgroups, vlab version, date.

    ``host_virtualization`` says whether this host is itself a VM (with the evidence, see
    ``hostprobe.virtualization``). ``vlab record`` adds ``load_before``/``load_after`` per kind.
    """
    from vlab.core.hostprobe import virtualization

    prov: dict = {
        "host": socket.gethostname(),
        "kernel": platform.release(),
        "os": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "cgroup_version": cgroup_version(),
        "vlab_version": __version__,
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "config": config or {},
        "host_virtualization": virtualization(),
    }
    if engine:
        from vlab.core.engine import describe
        from vlab.core.errors import EngineError

        try:
            info = describe()
            prov["engine"] = {
                "product": info.product,
                "server_version": info.server_version,
                "api_version": info.api_version,
                "storage_driver": info.storage_driver,
                "cgroup_version": info.cgroup_version,
                "cgroup_driver": info.cgroup_driver,
                "default_runtime": info.default_runtime,
                "runtime_version": info.runtime_version,
                "runtimes": info.runtimes,
                "rootless": info.rootless,
                # the engine sits in a VM apart from this client (Docker Desktop, a remote context);
                # whether this host is itself a VM is ``host_virtualization`` above
                "engine_in_separate_vm": info.in_vm,
                "kernel": info.kernel,
            }
        except EngineError as exc:
            prov["engine"] = {"error": exc.message}
    prov.update(extra)
    return prov
