"""Connect to the Docker engine quickly and describe it; map every failure to a VlabError.

docker-py waits 60 s by default when a daemon does not answer. vlab never does:
``connect()`` uses a short timeout for the first ping and names the fix when it fails. The error
classification (``translate``, ``guarded``, ``not_running``) lives in ``vlab.core.engine_errors`` and is
re-exported here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
from dataclasses import asdict, dataclass, field

from vlab.core.engine_errors import VM_CONTEXTS, context_in_vm, current_context, guarded, not_running, translate
from vlab.core.errors import (
    BadParameter,
    EngineError,
    EngineLost,
    EngineRejected,
    EngineTooOld,
)
from vlab.core.i18n import N_

__all__ = [
    "CALL_TIMEOUT_S", "CONNECT_TIMEOUT_S", "EngineInfo", "MIN_API", "RLIMIT_CEILING", "VM_CONTEXTS",
    "check_runtime_selectable", "connect", "container_rlimits", "context_in_vm", "current_context", "describe",
    "enforces_limits", "engine_in_vm", "guarded", "nproc_in_place_of_pids", "product", "reachable", "translate",
    "usable_runtimes",
]

MIN_API = "1.41"
CONNECT_TIMEOUT_S = 3.0
CALL_TIMEOUT_S = 120.0


def _api_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def connect(timeout: float = CONNECT_TIMEOUT_S, *, fresh: bool = False):
    """Return a ``docker.DockerClient`` that answered a ping within ``timeout`` seconds.

    Raises EngineNotRunning, EnginePermissionDenied or EngineTooOld with a fix hint.
    The client is cached per process; ``fresh=True`` reconnects (after a daemon restart).
    """
    if timeout <= 0 or timeout > 600:
        raise BadParameter(f"timeout={timeout!r} s is out of range", "Use a timeout between 0 and 600 seconds.")
    if fresh:
        _cached_client.cache_clear()
        _container_rlimits.cache_clear()
    return _cached_client(timeout)



@functools.lru_cache(maxsize=1)
def _cached_client(timeout: float):
    import docker
    import docker.errors

    try:
        try:  # DOCKER_HOST, else the docker CLI's current context (docker-py >= 7.2), else the local socket
            client = docker.from_env(timeout=timeout, version=MIN_API)
        except (docker.errors.ContextException, docker.errors.ContextNotFound):  # a broken context file
            client = docker.from_env(timeout=timeout, version=MIN_API, use_context=False)
    except Exception as exc:  # noqa: BLE001
        raise not_running(exc) from exc
    try:
        api = _ping_api_version(client)
    except Exception as exc:  # noqa: BLE001
        client.close()
        err = translate(exc, during=N_("connecting"))
        if isinstance(err, EngineLost):
            err = not_running(exc)
        raise err from exc
    if _api_tuple(api) < _api_tuple(MIN_API):
        client.close()
        raise EngineTooOld(f"The Docker engine speaks API {api}; vlab needs {MIN_API} or newer.")
    client.api.timeout = CALL_TIMEOUT_S
    _enlarge_pool_cache(client)
    return client


#: docker-py keeps one connection pool per URL (every container id makes new ones) in an LRU of 25;
#: with many threads a pool still in use gets evicted and closed ("'NoneType' object has no attribute
#: 'qsize'"), after the engine did the work: a created container vlab never heard of.
POOL_CACHE = 512


def _enlarge_pool_cache(client) -> None:
    for adapter in client.api.adapters.values():
        pools = getattr(adapter, "pools", None)
        if pools is not None and isinstance(getattr(pools, "_maxsize", None), int):
            pools._maxsize = max(pools._maxsize, POOL_CACHE)


def _ping_api_version(client) -> str:
    """The engine's API version from the ``/_ping`` reply header (one fast round trip).

    vlab speaks API ``MIN_API`` rather than docker-py's ``version="auto"``, which asks ``/version``
    first: Podman answers ``/version`` in 2-3 s here (it queries the package manager for each
    component), longer than the connect timeout.
    """
    resp = client.api._get(client.api.base_url + "/_ping")
    client.api._raise_for_status(resp)
    return resp.headers.get("Api-Version") or client.version().get("ApiVersion", "0")


def reachable(timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """True when a Docker engine answers; never raises."""
    try:
        connect(timeout)
        return True
    except EngineError:
        return False


#: Upper bounds for the rlimits vlab sets: the kernel's default ``fs.nr_open`` and ``pid_max`` ceiling.
RLIMIT_CEILING = {"nofile": 1 << 20, "nproc": 1 << 22}


def container_rlimits() -> dict[str, int]:
    """``nofile`` and ``nproc`` for vlab's containers: never above the engine's own hard limits.

    With ``CapDrop: ALL`` the runtime cannot *raise* a limit (no CAP_SYS_RESOURCE). Podman asks
    for 1048576 of each unless told, which fails ("error setting rlimit type 7: operation not
    permitted") whenever its service runs with lower limits. Setting them explicitly, to what the
    engine process itself has, works on Docker and Podman alike and changes nothing on Docker
    (whose containers inherit those same limits). The engine's limits are read from
    ``/proc/PID/limits`` of the process at the other end of a local socket; for a remote engine
    vlab's own hard limits stand in.
    """
    return dict(_container_rlimits(_socket_path()))


def enforces_limits(client) -> bool:
    """False when the engine cannot put containers in cgroups (``CgroupDriver: none``).

    Rootless Docker on cgroup v1 is such an engine: it accepts memory and pids limits and silently
    drops them. Asked once per client.
    """
    cached = getattr(client, "_vlab_cgroup_driver", None)
    if cached is None:
        if not callable(getattr(client, "info", None)):
            return True  # a stand-in client (tests): nothing to ask, assume the usual engine
        with guarded(N_("asking the engine about cgroups")):
            cached = str(client.info().get("CgroupDriver", ""))
        with contextlib.suppress(AttributeError):
            client._vlab_cgroup_driver = cached
    return cached != "none"


def nproc_in_place_of_pids(pids: int) -> int:
    """An ``nproc`` rlimit that stands in for a pids limit the engine cannot enforce.

    RLIMIT_NPROC counts every task (thread) of the container's user *on the host*; on rootless Docker
    that is the engine's own user. So: the tasks that user has now, plus ``pids``. It holds a fork
    bomb to about ``pids`` more processes, shared by the containers started from then on.
    """
    uid = _peer_uid(_socket_path() or "")
    if uid is None:
        uid = os.getuid()
    count = 0  # the kernel counts tasks (threads), and dockerd/containerd have dozens each
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            continue
    return min(count + pids, container_rlimits()["nproc"])


def _peer_uid(path: str) -> int | None:
    import struct

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(path)
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]
    except (OSError, AttributeError, struct.error):
        return None


def _socket_path() -> str | None:
    _, context_host = current_context()
    host = context_host or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return host[len("unix://"):] if host.startswith("unix://") else None


@functools.lru_cache(maxsize=8)
def _container_rlimits(path: str | None) -> tuple[tuple[str, int], ...]:
    import resource

    own = {"nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[1],
           "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[1]}
    engine = _peer_limits(path) if path else {}
    out = []
    for name, ceiling in RLIMIT_CEILING.items():
        value = engine.get(name, own[name])
        if value < 0 or value == resource.RLIM_INFINITY:
            value = ceiling
        out.append((name, max(1, min(value, ceiling))))
    return tuple(out)


def _peer_limits(path: str) -> dict[str, int]:
    """Hard ``nofile``/``nproc`` of the process serving a unix socket (empty when unknown)."""
    import struct

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(path)
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid = struct.unpack("3i", creds)[0]
        if pid <= 0:
            return {}
        with open(f"/proc/{pid}/limits", encoding="ascii") as fh:
            text = fh.read()
    except (OSError, AttributeError, struct.error):
        return {}
    keys = {"Max open files": "nofile", "Max processes": "nproc"}
    out: dict[str, int] = {}
    for line in text.splitlines():
        for label, name in keys.items():
            if line.startswith(label):
                hard = line[len(label):].split()[1]
                out[name] = -1 if hard == "unlimited" else int(hard)
    return out


@dataclass
class EngineInfo:
    """What the course needs to know about the engine it measures."""

    server_version: str
    api_version: str
    os: str
    kernel: str
    operating_system: str
    architecture: str
    cpus: int
    memory_bytes: int
    storage_driver: str
    cgroup_version: str
    cgroup_driver: str
    default_runtime: str
    runtimes: list[str]
    rootless: bool
    in_vm: bool
    security_options: list[str] = field(default_factory=list)
    host: str = ""
    context: str = "default"
    #: "Docker Engine", "Docker Desktop" or "Podman": the product behind the Docker API.
    product: str = "Docker Engine"
    runtime_version: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def name(self) -> str:
        """One line naming the engine, e.g. "Podman 4.3.1 (rootful, runtime runc 1.1.5)"."""
        mode = "rootless" if self.rootless else "rootful"
        runtime = f"runtime {self.default_runtime}" + (f" {self.runtime_version}" if self.runtime_version else "")
        return f"{self.product} {self.server_version} ({mode}, {runtime})"


def describe(client=None) -> EngineInfo:
    """Describe the engine: versions, storage, cgroups, runtimes, rootless, OS and kernel."""
    client = client or connect()
    with guarded(N_("describing the engine")):
        info = client.info()
        version = _version_of(client)
    security = list(info.get("SecurityOptions") or [])
    operating_system = info.get("OperatingSystem", "")
    context, context_host = current_context()
    default_runtime = info.get("DefaultRuntime", "runc")
    return EngineInfo(
        server_version=version.get("Version", "?"),
        api_version=version.get("ApiVersion", "?"),
        os=info.get("OSType", "?"),
        kernel=info.get("KernelVersion", "?"),
        operating_system=operating_system,
        architecture=info.get("Architecture", "?"),
        cpus=int(info.get("NCPU", 0)),
        memory_bytes=int(info.get("MemTotal", 0)),
        storage_driver=info.get("Driver", "?"),
        cgroup_version=str(info.get("CgroupVersion", "1")),
        cgroup_driver=info.get("CgroupDriver", "?"),
        default_runtime=default_runtime,
        runtimes=usable_runtimes(info, version, default_runtime),
        rootless=any("rootless" in s for s in security),
        product=product(version, operating_system),
        runtime_version=_runtime_version(version, info, default_runtime),
        in_vm=engine_in_vm(operating_system, info.get("KernelVersion", "")) or context_in_vm(context),
        security_options=security,
        host=context_host or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"),
        context=context,
    )


def _version_of(client) -> dict:
    """``/version``, asked once per client: it cannot change while connected, and Podman takes seconds."""
    cached = getattr(client, "_vlab_version", None)
    if cached is None:
        cached = client.version()
        with contextlib.suppress(AttributeError):
            client._vlab_version = cached
    return cached


def check_runtime_selectable(client, runtime: str) -> None:
    """Raise EngineRejected when the engine would silently run another runtime than ``runtime``.

    Podman's Docker-compatible API ignores ``HostConfig.Runtime``: a container asked to run under
    gVisor would run under runc, and a lab would report runc's figures as gVisor's.
    """
    if not callable(getattr(client, "version", None)) or product(_version_of(client)) != "Podman":
        return
    with guarded(N_("asking the engine for its runtime")):
        default = client.info().get("DefaultRuntime", "")
    if runtime != default:
        raise EngineRejected(
            f"Podman's Docker API cannot run a container under {runtime!r}: it ignores the runtime a "
            f"container asks for and would use its service's runtime ({default!r}) instead.",
            f"Start the Podman service with that runtime (`podman --runtime {runtime} system service …`), "
            "or use Docker; the lab replays its recorded measurements meanwhile.")


def product(version: dict, operating_system: str = "") -> str:
    """Which product serves the Docker API, from ``/version`` components and ``/info``."""
    names = " ".join(str(c.get("Name", "")) for c in version.get("Components") or []).lower()
    if "podman" in names:
        return "Podman"
    if "docker desktop" in operating_system.lower():
        return "Docker Desktop"
    return "Docker Engine"


def usable_runtimes(info: dict, version: dict, default_runtime: str) -> list[str]:
    """Runtimes a container can ask for by ``HostConfig.Runtime``.

    Podman's Docker-compatible API lists every runtime in its configuration (installed or not)
    but ignores ``HostConfig.Runtime``: each container gets the service's runtime. So on Podman
    only that one is usable; comparing "runtimes" there would compare runc with itself.
    """
    if product(version) == "Podman":
        return [default_runtime]
    # rootless Docker 20.10 also lists containerd's shim names (io.containerd.runc.v2, the deprecated
    # io.containerd.runtime.v1.linux): ways to reach runc, not runtimes of their own
    names = (info.get("Runtimes") or {}).keys()
    return sorted(n for n in names if not n.startswith("io.containerd.") or n == default_runtime)


def _runtime_version(version: dict, info: dict, runtime: str) -> str:
    """The default runtime's version: Podman names it in a component, Docker in ``RuncCommit``/components."""
    for comp in version.get("Components") or []:
        name = str(comp.get("Name", "")).lower()
        if name == runtime.lower() or name == f"oci runtime ({runtime.lower()})":
            text = str(comp.get("Version", ""))
            words = text.replace("\n", " ").split()
            if len(words) >= 3 and words[1] == "version":
                return words[2]  # "runc version 1.1.5+ds1\ncommit: …"
            return words[0] if words else ""
    if runtime == "runc":
        return str((info.get("RuncCommit") or {}).get("ID", ""))[:12]
    return ""


def engine_in_vm(operating_system: str, kernel: str) -> bool:
    """True for engines that run inside a helper VM: Docker Desktop, colima, WSL2, OrbStack."""
    text = f"{operating_system} {kernel}".lower()
    return any(k in text for k in ("docker desktop", "linuxkit", "colima", "microsoft", "wsl2", "orbstack"))
