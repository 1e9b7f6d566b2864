"""Where and how a measurement was made: attached to every saved result."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import socket

from vlab import __version__


def cgroup_version() -> str:
    """"2" on a unified cgroup hierarchy, "1" otherwise (as seen by this process)."""
    return "2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "1"


def collect(config: dict | None = None, *, engine: bool = True, **extra) -> dict:
    """Provenance of a run: host, kernel, CPUs, engine and runtime, cgroups, vlab version, date."""
    prov: dict = {
        "host": socket.gethostname(),
        "kernel": platform.release(),
        "os": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "cgroup_version": cgroup_version(),
        "vlab_version": __version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config": config or {},
    }
    if engine:
        from vlab.core.engine import describe
        from vlab.core.errors import EngineError

        try:
            info = describe()
            prov["engine"] = {
                "server_version": info.server_version,
                "api_version": info.api_version,
                "storage_driver": info.storage_driver,
                "cgroup_version": info.cgroup_version,
                "cgroup_driver": info.cgroup_driver,
                "default_runtime": info.default_runtime,
                "runtimes": info.runtimes,
                "rootless": info.rootless,
                "in_vm": info.in_vm,
                "kernel": info.kernel,
            }
        except EngineError as exc:
            prov["engine"] = {"error": exc.message}
    prov.update(extra)
    return prov
