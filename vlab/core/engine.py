"""Connect to the Docker engine quickly and describe it; map every failure to a VlabError.

docker-py waits 60 s by default when a daemon does not answer. vlab never does:
``connect()`` uses a short timeout for the first ping and names the fix when it fails.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from vlab.core.errors import (
    BadParameter,
    ContainerGone,
    EngineConflict,
    EngineError,
    EngineLost,
    EngineNotRunning,
    EnginePermissionDenied,
    EngineRejected,
    EngineTooOld,
    ImageMissing,
    RuntimeRefused,
)

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


def translate(exc: BaseException, *, during: str = "talking to Docker") -> EngineError:
    """Turn a docker-py / requests / socket exception into the matching VlabError.

    The class comes from the exception's type and the HTTP status, and, within one status, from
    the daemon's reply; the daemon's own words are kept in the message. Only a failure to *reach*
    the socket (no HTTP reply at all) can be a socket permission problem: an HTTP error means the
    daemon answered, so a runtime's "operation not permitted" or "OCI permission denied" is the
    runtime refusing, never the socket.
    """
    import docker.errors
    import requests.exceptions

    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, docker.errors.APIError):
        return _translate_api_error(exc, during)
    text = str(exc)
    if _socket_permission(exc):
        return EnginePermissionDenied(f"Permission denied on the Docker socket while {during}: {_short(text)}")
    if isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.Timeout | socket.timeout):
        return EngineLost(f"The engine stopped answering while {during}: {_short(text)}")
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError | FileNotFoundError):
        return EngineLost(f"Lost the engine while {during}: {_short(text)}")
    if isinstance(exc, docker.errors.DockerException) and "error while fetching server api version" in text.lower():
        return _not_running(exc)
    return EngineError(f"The engine failed while {during}: {_short(text)}", "Run `vlab doctor` for details.")


#: Words in a 500 reply that mean the OCI runtime (runc, crun, runsc) refused, not the daemon.
_RUNTIME_WORDS = ("oci runtime", "oci permission denied", "runc create failed", "runc: ", "crun: ",
                  "container init", "error setting rlimit", "runsc", "container_linux.go", "conmon")


#: Words in a Podman 500 reply that mean it rejected the request's arguments (Docker says 400).
_REJECTED_WORDS = ("invalid argument", "is not a valid", "invalid --", "are not available", "fill out specgen")


def _translate_api_error(exc, during: str) -> EngineError:
    import docker.errors

    status = exc.status_code or 0
    said = _short(str(exc.explanation or exc), 400)
    lower = said.lower()
    image_404 = status == 404 and "image" in lower and "container" not in lower
    if isinstance(exc, docker.errors.ImageNotFound) or image_404:
        return ImageMissing(f"Image missing while {during}; the engine said: {said}")
    if isinstance(exc, docker.errors.NotFound) or status == 404:
        return ContainerGone(f"The engine no longer has it while {during}; the engine said: {said}")
    # Podman answers 500 where Docker answers 409 or 400: its reply's words tell which
    if status == 409 or (status == 500 and "already in use" in lower):
        return EngineConflict(f"The engine refused while {during} (conflict); the engine said: {said}")
    if status == 400 and ("client version" in lower and "too old" in lower):
        return EngineTooOld(f"The engine refused this client while {during}; the engine said: {said}")
    if any(w in lower for w in _RUNTIME_WORDS):
        err = RuntimeRefused(f"The container runtime refused while {during}; it said: {said}")
        if "rlimit" in lower:
            err.hint = ("The runtime could not raise an rlimit without CAP_SYS_RESOURCE. vlab sets `nofile` and "
                        "`nproc` within the engine's own limits; an engine restarted with lower limits needs "
                        "a new kernel/Python session (`vlab.core.engine.connect(fresh=True)`).")
        elif "hybrid mode" in lower or ("crun" in lower and "cgroup" in lower):
            err.hint = ("crun cannot run on this host's hybrid cgroups: start Podman with runc "
                        "(`podman --runtime runc system service --time=0 unix:///PATH.sock`).")
        elif "executable file not found" in lower or "no such file or directory" in lower:
            err.hint = "The command does not exist in the image; check its name and the image's PATH."
        return err
    if status == 400 or (status == 500 and any(w in lower for w in _REJECTED_WORDS)):
        return EngineRejected(f"The engine rejected the request while {during}; it said: {said}")
    if status in (401, 403):
        return EngineRejected(f"The engine forbade the request while {during}; it said: {said}",
                              "An authorization plugin or engine policy refused this; ask the engine's admin.")
    return EngineError(f"The engine failed while {during} (HTTP {status}); it said: {said}",
                       "Run `vlab doctor` for details; the engine's own words are above.")


def _socket_permission(exc: BaseException) -> bool:
    """True when reaching the engine socket failed with EACCES/EPERM (no HTTP reply at all)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen or not isinstance(e, BaseException):
            continue
        seen.add(id(e))
        if isinstance(e, PermissionError):
            return True
        todo.extend([e.__cause__, e.__context__, *e.args])
    # docker-py folds the original error into text: "('Connection aborted.', PermissionError(13, ...))"
    return "PermissionError(13" in str(exc) or "[Errno 13]" in str(exc)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_running(exc: BaseException | str) -> EngineError:
    detail = str(exc)
    if isinstance(exc, BaseException) and _socket_permission(exc):
        return EnginePermissionDenied(f"Permission denied on the Docker socket: {_short(detail)}")
    context, context_host = current_context()
    host = context_host or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    where = f" (docker context {context!r})" if context not in ("default", "DOCKER_HOST") else ""
    said = f" ({_short(detail)})" if isinstance(exc, BaseException) else ""
    err = EngineNotRunning(f"No Docker engine answers at {host}{where}.{said}")
    if context_in_vm(context):
        err.hint = (f"The docker context {context!r} points at an engine inside a VM: start it "
                    "(Docker Desktop, `colima start`, …), or `docker context use default`.")
    elif "podman" in host:
        err.hint = (f"Start the Podman API service: `podman system service --time=0 {host} &` (add `--runtime runc` "
                    "where crun fails); until then the course runs in replay mode.")
    elif (os.geteuid() != 0 and "/run/user/" in host) or "rootless" in host:
        err.hint = ("Start rootless Docker: `systemctl --user start docker` (or `dockerd-rootless.sh &`); "
                    "until then the course runs in replay mode.")
    return err


@contextlib.contextmanager
def guarded(during: str) -> Iterator[None]:
    """Context manager: re-raise any engine failure inside as a VlabError."""
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - translated, not swallowed
        if _is_engine_exception(exc):
            raise translate(exc, during=during) from exc
        raise


def _is_engine_exception(exc: BaseException) -> bool:
    import docker.errors
    import requests.exceptions

    return isinstance(
        exc,
        docker.errors.DockerException | requests.exceptions.RequestException | ConnectionError | socket.timeout,
    )


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


VM_CONTEXTS = ("desktop-linux", "desktop", "colima", "orbstack", "rancher-desktop", "lima", "podman-machine")


def current_context() -> tuple[str, str | None]:
    """The docker CLI context in use (``DOCKER_CONTEXT`` or ``~/.docker/config.json``) and its host.

    Reporting only: docker-py 7.2 itself follows the CLI context in ``docker.from_env()`` (verified in its
    ``client.py``/``context/api.py``: ``use_context=True`` by default), so vlab no longer routes the
    connection. This names the context in messages and in ``describe()``. ``DOCKER_HOST`` wins over any
    context, as it does for the docker CLI and docker-py.
    """
    if os.environ.get("DOCKER_HOST"):
        return "DOCKER_HOST", os.environ["DOCKER_HOST"]
    try:
        from docker.context import ContextAPI
        from docker.context.config import get_current_context_name

        name = os.environ.get("DOCKER_CONTEXT") or get_current_context_name()
        if not name or name == "default":
            return "default", None
        ctx = ContextAPI.get_context(name)
        return name, (ctx.Host if ctx is not None else None)
    except Exception:  # noqa: BLE001 - a broken context file must not stop the course
        return "default", None


def context_in_vm(name: str) -> bool:
    """True for docker contexts that point at an engine inside a helper VM."""
    return any(name == c or name.startswith(c + "-") for c in VM_CONTEXTS)


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
        raise _not_running(exc) from exc
    try:
        api = _ping_api_version(client)
    except Exception as exc:  # noqa: BLE001
        client.close()
        err = translate(exc, during="connecting")
        if isinstance(err, EngineLost):
            err = _not_running(exc)
        raise err from exc
    if _api_tuple(api) < _api_tuple(MIN_API):
        client.close()
        raise EngineTooOld(f"The Docker engine speaks API {api}; vlab needs {MIN_API} or newer.")
    client.api.timeout = CALL_TIMEOUT_S
    return client


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
        with guarded("asking the engine about cgroups"):
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
    with guarded("describing the engine"):
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
    with guarded("asking the engine for its runtime"):
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
