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
    EngineError,
    EngineLost,
    EngineNotRunning,
    EnginePermissionDenied,
    EngineTooOld,
    ImageMissing,
)

MIN_API = "1.41"
CONNECT_TIMEOUT_S = 3.0
CALL_TIMEOUT_S = 120.0


def _api_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def translate(exc: BaseException, *, during: str = "talking to Docker") -> EngineError:
    """Turn a docker-py / requests / socket exception into the matching VlabError."""
    import docker.errors
    import requests.exceptions

    text = str(exc)
    lower = text.lower()
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, docker.errors.ImageNotFound) or "no such image" in lower:
        return ImageMissing(f"Docker image missing while {during}: {text}")
    if isinstance(exc, PermissionError) or "permission denied" in lower:
        return EnginePermissionDenied(f"Permission denied on the Docker socket while {during}.")
    if isinstance(exc, docker.errors.APIError) and "client version" in lower and "too old" in lower:
        return EngineTooOld(f"The Docker engine is too old: {text}")
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError | socket.timeout | FileNotFoundError):
        return EngineLost(f"Lost the Docker engine while {during}: {_short(text)}")
    if isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.Timeout):
        return EngineLost(f"The Docker engine stopped answering while {during}.")
    if isinstance(exc, docker.errors.DockerException) and "error while fetching server api version" in lower:
        return _not_running(text)
    return EngineError(f"Docker failed while {during}: {_short(text)}", "Run `vlab doctor` for details.")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_running(detail: str) -> EngineError:
    if "permission denied" in detail.lower():
        return EnginePermissionDenied("Permission denied on the Docker socket.")
    context, context_host = current_context()
    host = context_host or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    where = f" (docker context {context!r})" if context not in ("default", "DOCKER_HOST") else ""
    err = EngineNotRunning(f"No Docker engine answers at {host}{where}.")
    if context_in_vm(context):
        err.hint = (f"The docker context {context!r} points at an engine inside a VM: start it "
                    "(Docker Desktop, `colima start`, …), or `docker context use default`.")
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
    return _cached_client(timeout)


VM_CONTEXTS = ("desktop-linux", "desktop", "colima", "orbstack", "rancher-desktop", "lima", "podman-machine")


def current_context() -> tuple[str, str | None]:
    """The docker CLI context in use (``DOCKER_CONTEXT`` or ``~/.docker/config.json``) and its host.

    docker-py ignores contexts, so without this vlab would miss Docker Desktop's or colima's socket.
    ``DOCKER_HOST`` wins over any context, as it does for the docker CLI.
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

    _, context_host = current_context()
    try:
        if context_host and not os.environ.get("DOCKER_HOST"):
            client = docker.DockerClient(base_url=context_host, timeout=timeout, version="auto")
        else:
            client = docker.from_env(timeout=timeout, version="auto")
    except Exception as exc:  # noqa: BLE001
        raise _not_running(str(exc)) from exc
    try:
        client.ping()
        api = client.version().get("ApiVersion", "0")
    except Exception as exc:  # noqa: BLE001
        client.close()
        err = translate(exc, during="connecting")
        if isinstance(err, EngineLost):
            err = _not_running(str(exc))
        raise err from exc
    if _api_tuple(api) < _api_tuple(MIN_API):
        client.close()
        raise EngineTooOld(f"The Docker engine speaks API {api}; vlab needs {MIN_API} or newer.")
    client.api.timeout = CALL_TIMEOUT_S
    return client


def reachable(timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """True when a Docker engine answers; never raises."""
    try:
        connect(timeout)
        return True
    except EngineError:
        return False


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

    def as_dict(self) -> dict:
        return asdict(self)


def describe(client=None) -> EngineInfo:
    """Describe the engine: versions, storage, cgroups, runtimes, rootless, OS and kernel."""
    client = client or connect()
    with guarded("describing the engine"):
        info = client.info()
        version = client.version()
    security = list(info.get("SecurityOptions") or [])
    operating_system = info.get("OperatingSystem", "")
    context, context_host = current_context()
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
        default_runtime=info.get("DefaultRuntime", "runc"),
        runtimes=sorted((info.get("Runtimes") or {}).keys()),
        rootless=any("rootless" in s for s in security),
        in_vm=engine_in_vm(operating_system, info.get("KernelVersion", "")) or context_in_vm(context),
        security_options=security,
        host=context_host or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"),
        context=context,
    )


def engine_in_vm(operating_system: str, kernel: str) -> bool:
    """True for engines that run inside a helper VM: Docker Desktop, colima, WSL2, OrbStack."""
    text = f"{operating_system} {kernel}".lower()
    return any(k in text for k in ("docker desktop", "linuxkit", "colima", "microsoft", "wsl2", "orbstack"))
