"""Sandbox limits: what a course container may use, checked before anything starts.

``Limits`` (memory, pids, CPUs, network, capabilities, mounts, runtime …) validates every field when it is
built; ``host_config(client, limits)`` turns it into the engine's HostConfig (always unprivileged, every
capability dropped). The socket guard (``engine_sockets``, ``check_binds``) refuses any bind mount that would
expose a container engine's socket. ``vlab.core.sandbox`` re-exports all of it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from vlab.core.engine import check_runtime_selectable, container_rlimits, enforces_limits, nproc_in_place_of_pids
from vlab.core.errors import BadParameter
from vlab.core.validate import number, whole_number

__all__ = [
    "CAPABILITIES", "DEFAULT_CPUS", "DEFAULT_MEMORY", "DEFAULT_PIDS", "Limits", "MAX_MEMORY_BYTES", "NETWORKS",
    "check_binds", "check_caps", "check_cpus", "check_network", "check_pids", "docker_ulimits", "engine_sockets",
    "host_config", "parse_memory",
]

DEFAULT_MEMORY = "128m"
DEFAULT_PIDS = 64
DEFAULT_CPUS = 1.0
MAX_MEMORY_BYTES = 4 * 1024**3
NETWORKS = ("none", "bridge", "host")
# Linux capabilities a lesson may ask for by name (without the CAP_ prefix).
CAPABILITIES = frozenset(
    """AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE
    DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE
    MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID
    SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE
    SYS_TIME SYS_TTY_CONFIG SYSLOG WAKE_ALARM""".split()
)
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_memory(value: str | int) -> int:
    """'64m', '1g', '512k' or a byte count → bytes, between 6 MiB and 4 GiB."""
    if isinstance(value, bool):
        raise BadParameter(f"memory={value!r} is not a size", "Use a size such as '64m' or '1g'.")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]{0,2})\s*", value)
        unit = m.group(2).lower() if m else None
        if not m or unit not in _UNITS:
            raise BadParameter(
                f"memory={value!r} is not a size", "Write a number with a unit: '64m', '512k' or '1g'."
            )
        n = int(float(m.group(1)) * _UNITS[unit])
    else:
        raise BadParameter(f"memory={value!r} is not a size", "Use a size such as '64m' or '1g'.")
    if n < 6 * 1024**2:
        raise BadParameter(f"memory={value!r} is below Docker's minimum of 6 MiB", "Use at least '6m'.")
    if n > MAX_MEMORY_BYTES:
        raise BadParameter(f"memory={value!r} is above the course's 4 GiB cap", "Use at most '4g'.")
    return n


def check_pids(value: int) -> int:
    return whole_number("pids", value, 1, 4096)


def check_cpus(value: float) -> float:
    return float(number("cpus", value, 0.01, 64, "For example cpus=0.5."))


def check_network(value: str) -> str:
    # "vlab-…": a user-defined bridge network that vlab itself created (labelled, removed after use).
    if not isinstance(value, str) or not (value in NETWORKS or value.startswith(("container:", "vlab-"))):
        raise BadParameter(
            f"network={value!r} is not supported", "Use 'none', 'bridge', 'host' or 'container:<name>'."
        )
    return value


def check_caps(caps: Sequence[str]) -> list[str]:
    if isinstance(caps, str):
        caps = [caps]
    if not isinstance(caps, list | tuple | set | frozenset):
        raise BadParameter(f"cap_add={caps!r} is not a list of capabilities", "For example cap_add=('NET_ADMIN',).")
    out = []
    for cap in caps:
        name = str(cap).upper().removeprefix("CAP_")
        if name not in CAPABILITIES:
            raise BadParameter(f"Unknown capability {cap!r}", "Use a Linux capability name such as 'NET_ADMIN'.")
        out.append(name)
    return out


def engine_sockets() -> list[str]:
    """Paths of container-engine sockets on this host: Docker, rootless Docker, Podman, containerd, DOCKER_HOST.

    Write access to any of them equals root on the host, so none may be mounted into a container.
    """
    uid = os.getuid() if hasattr(os, "getuid") else 0
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}"
    paths = ["/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock", "/var/run/podman/podman.sock",
             "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
             f"{runtime_dir}/docker.sock", f"{runtime_dir}/podman/podman.sock",
             os.path.expanduser("~/.docker/run/docker.sock"), os.path.expanduser("~/.docker/desktop/docker.sock")]
    host = os.environ.get("DOCKER_HOST", "")
    if host.startswith("unix://"):
        paths.append(host.removeprefix("unix://"))
    return paths


def _socket_forms(path: str) -> set[str]:
    """A path as written (normalised) and with every symlink resolved."""
    return {os.path.normpath(path), os.path.realpath(path)}


def _inode(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def check_binds(binds: dict | None) -> dict[str, dict] | None:
    """Refuse any bind mount of an engine socket, a symlink to one, or a directory that contains one.

    ``/var/run``, ``/run``, ``/`` and a symlink to ``/var/run/docker.sock`` are all refused: each
    hands the socket (and so root on the host) to the container.
    """
    if binds is None:
        return None
    if not isinstance(binds, dict) or not all(isinstance(k, str) and k for k in binds):
        raise BadParameter(f"binds={binds!r} is not a mapping of host paths",
                           "For example binds={'/tmp/data': {'bind': '/data', 'mode': 'ro'}}.")
    sockets = set().union(*(_socket_forms(s) for s in engine_sockets()))
    inodes = {ino for ino in map(_inode, sockets) if ino}
    for host_path in binds:
        forms = _socket_forms(os.path.expanduser(host_path))
        for form in forms:
            prefix = form.rstrip("/") + "/"
            if ("docker.sock" in form or any(s == form or s.startswith(prefix) for s in sockets)
                    or _inode(form) in inodes):  # a hard link to a socket
                raise BadParameter(
                    f"vlab never mounts the Docker socket (or another engine's) into a container: {host_path!r} "
                    "is one, links to one or contains one",
                    "Docker socket access equals root on the host; see the security notebook.")
    return {k: dict(v) if isinstance(v, dict) else v for k, v in binds.items()}


@dataclass(frozen=True)
class Limits:
    """Resource limits and privileges for one container (validated on creation, immutable after)."""

    memory: str | int = DEFAULT_MEMORY
    pids: int = DEFAULT_PIDS
    cpus: float | None = DEFAULT_CPUS
    network: str = "none"
    cap_add: Sequence[str] = ()
    cpuset: str | None = None
    pid_mode: str | None = None
    ipc_mode: str | None = None
    security_opt: Sequence[str] = ()
    tmpfs: dict[str, str] | None = None
    binds: dict[str, dict] | None = None
    auto_remove: bool = False
    runtime: str | None = None
    memory_swap_same: bool = True
    memory_bytes: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        def put(name: str, value) -> None:
            object.__setattr__(self, name, value)  # frozen: set once, here, after validation

        put("memory_bytes", parse_memory(self.memory))
        put("pids", check_pids(self.pids))
        if self.cpus is not None:
            put("cpus", check_cpus(self.cpus))
        put("network", check_network(self.network))
        put("cap_add", tuple(check_caps(self.cap_add)))
        for mode in (self.pid_mode, self.ipc_mode):
            if mode is not None and not (isinstance(mode, str) and mode.startswith("container:")
                                         and len(mode) > len("container:")):
                raise BadParameter(f"namespace mode {mode!r} is not supported",
                                   "Use 'container:<name>' to share another vlab container's namespace; "
                                   "vlab never shares the host's.")
        if isinstance(self.security_opt, str) or not isinstance(self.security_opt, list | tuple):
            raise BadParameter(f"security_opt={self.security_opt!r} is not a list",
                               "For example ('seccomp=unconfined',).")
        for opt in self.security_opt:
            if not isinstance(opt, str):
                raise BadParameter(f"security option {opt!r} is not text", "For example 'seccomp=unconfined'.")
            if "privileged" in opt:
                raise BadParameter("vlab never runs a privileged container")
        put("security_opt", tuple(self.security_opt))
        put("binds", check_binds(self.binds))
        if self.tmpfs is not None:
            if not isinstance(self.tmpfs, dict):
                raise BadParameter(f"tmpfs={self.tmpfs!r} is not a mapping", "For example tmpfs={'/tmp': 'size=8m'}.")
            put("tmpfs", dict(self.tmpfs))


def _rlimits(client, limits: Limits) -> dict[str, int]:
    """Explicit rlimits (see ``engine.container_rlimits``); where the engine cannot enforce a pids
    limit (rootless Docker on cgroup v1), ``nproc`` holds the fork bomb instead."""
    out = container_rlimits()
    if not enforces_limits(client):
        out["nproc"] = nproc_in_place_of_pids(limits.pids)
    return out


def docker_ulimits() -> list:
    """``docker.types.Ulimit`` objects for a plain docker-py call (``ulimits=...``): ``nofile`` and ``nproc``
    set explicitly to the engine's own hard limits (``engine.container_rlimits``), never above them.

    With every capability dropped the runtime cannot raise a limit, and Podman otherwise asks for 1048576
    of each ("error setting rlimit type 7: operation not permitted" when its service has less). Both must
    be explicit (nofile alone does not do). ``nproc`` is never made small: RLIMIT_NPROC counts every
    process of the container's uid on the host.
    """
    from docker.types import Ulimit

    return [Ulimit(name=name, soft=value, hard=value) for name, value in container_rlimits().items()]


def host_config(client, limits: Limits) -> dict:
    """The HostConfig for ``limits``: always unprivileged, capabilities dropped, no socket."""
    binds = check_binds(limits.binds)  # checked again, before anything else: the socket may have appeared since
    kwargs: dict = dict(
        mem_limit=limits.memory_bytes,
        pids_limit=limits.pids,
        network_mode=limits.network,
        cap_drop=["ALL"],
        cap_add=list(limits.cap_add) or None,
        privileged=False,
        security_opt=["no-new-privileges", *limits.security_opt],
        auto_remove=limits.auto_remove,
        # explicit rlimits within the engine's own: with every capability dropped the runtime
        # cannot raise them, and Podman otherwise asks for more than its service may have
        ulimits=[{"Name": name, "Soft": value, "Hard": value} for name, value in _rlimits(client, limits).items()],
    )
    if limits.memory_swap_same:
        kwargs["memswap_limit"] = limits.memory_bytes
    if limits.cpus is not None:
        kwargs["nano_cpus"] = int(limits.cpus * 1e9)
    if limits.cpuset:
        kwargs["cpuset_cpus"] = limits.cpuset
    if limits.pid_mode:
        kwargs["pid_mode"] = limits.pid_mode
    if limits.ipc_mode:
        kwargs["ipc_mode"] = limits.ipc_mode
    if limits.tmpfs:
        kwargs["tmpfs"] = dict(limits.tmpfs)
    if binds:
        kwargs["binds"] = binds
    if limits.runtime:
        check_runtime_selectable(client, limits.runtime)  # Podman would silently ignore it
        kwargs["runtime"] = limits.runtime
    return client.api.create_host_config(**kwargs)
