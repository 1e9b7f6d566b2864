"""Engine errors: every docker-py / requests / socket failure becomes the matching ``VlabError``.

``translate(exc, during=…)`` classifies by exception type and HTTP status (and, within one status, the daemon's
reply), keeping the daemon's own words; ``guarded(N_("doing X"))`` applies it to a block; ``not_running(exc)`` says
why no engine answers and how to start one, naming the docker context (``current_context``, ``context_in_vm``).
``vlab.core.engine`` re-exports all of it.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator

from vlab.core.errors import (
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
from vlab.core.i18n import N_, _

__all__ = ["VM_CONTEXTS", "context_in_vm", "current_context", "guarded", "not_running", "translate"]


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


def translate(exc: BaseException, *, during: str = N_("talking to Docker")) -> EngineError:
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
        return EnginePermissionDenied(_("Permission denied on the Docker socket while {during}: {detail}").format(
            during=_(during), detail=_short(text)))
    if isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.Timeout | socket.timeout):
        return EngineLost(_("The engine stopped answering while {during}: {detail}").format(
            during=_(during), detail=_short(text)))
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError | FileNotFoundError):
        return EngineLost(_("Lost the engine while {during}: {detail}").format(during=_(during), detail=_short(text)))
    if isinstance(exc, docker.errors.DockerException) and "error while fetching server api version" in text.lower():
        return not_running(exc)
    return EngineError(_("The engine failed while {during}: {detail}").format(during=_(during), detail=_short(text)),
                       _("Run `vlab doctor` for details."))


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
        return ImageMissing(_("Image missing while {during}; the engine said: {said}").format(
            during=_(during), said=said))
    if isinstance(exc, docker.errors.NotFound) or status == 404:
        return ContainerGone(_("The engine no longer has it while {during}; the engine said: {said}").format(
            during=_(during), said=said))
    # Podman answers 500 where Docker answers 409 or 400: its reply's words tell which
    if status == 409 or (status == 500 and "already in use" in lower):
        return EngineConflict(_("The engine refused while {during} (conflict); the engine said: {said}").format(
            during=_(during), said=said))
    if status == 400 and ("client version" in lower and "too old" in lower):
        return EngineTooOld(_("The engine refused this client while {during}; the engine said: {said}").format(
            during=_(during), said=said))
    if any(w in lower for w in _RUNTIME_WORDS):
        err = RuntimeRefused(_("The container runtime refused while {during}; it said: {said}").format(
            during=_(during), said=said))
        if "rlimit" in lower:
            err.hint = _("The runtime could not raise an rlimit without CAP_SYS_RESOURCE. vlab sets `nofile` and "
                         "`nproc` within the engine's own limits; an engine restarted with lower limits needs "
                         "a new kernel/Python session (`vlab.core.engine.connect(fresh=True)`).")
        elif "hybrid mode" in lower or ("crun" in lower and "cgroup" in lower):
            err.hint = _("crun cannot run on this host's hybrid cgroups: start Podman with runc "
                         "(`podman --runtime runc system service --time=0 unix:///PATH.sock`).")
        elif "executable file not found" in lower or "no such file or directory" in lower:
            err.hint = _("The command does not exist in the image; check its name and the image's PATH.")
        return err
    if status == 400 or (status == 500 and any(w in lower for w in _REJECTED_WORDS)):
        return EngineRejected(_("The engine rejected the request while {during}; it said: {said}").format(
            during=_(during), said=said))
    if status in (401, 403):
        return EngineRejected(
            _("The engine forbade the request while {during}; it said: {said}").format(during=_(during), said=said),
            _("An authorization plugin or engine policy refused this; ask the engine's admin."))
    return EngineError(
        _("The engine failed while {during} (HTTP {status}); it said: {said}").format(
            during=_(during), status=status, said=said),
        _("Run `vlab doctor` for details; the engine's own words are above."))


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


def not_running(exc: BaseException | str) -> EngineError:
    detail = str(exc)
    if isinstance(exc, BaseException) and _socket_permission(exc):
        said = _short(detail)
        return EnginePermissionDenied(_("Permission denied on the Docker socket: {detail}").format(detail=said))
    context, context_host = current_context()
    host = context_host or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    named = context not in ("default", "DOCKER_HOST")
    where = _(" (docker context {context!r})").format(context=context) if named else ""
    said = f" ({_short(detail)})" if isinstance(exc, BaseException) else ""
    err = EngineNotRunning(_("No Docker engine answers at {host}{where}.{said}").format(
        host=host, where=where, said=said))
    if context_in_vm(context):
        err.hint = _("The docker context {context!r} points at an engine inside a VM: start it "
                     "(Docker Desktop, `colima start`, …), or `docker context use default`."
                     ).format(context=context)
    elif "podman" in host:
        err.hint = _("Start the Podman API service: `podman system service --time=0 {host} &` (add `--runtime runc` "
                     "where crun fails); until then the course runs in replay mode.").format(host=host)
    elif (os.geteuid() != 0 and "/run/user/" in host) or "rootless" in host:
        err.hint = _("Start rootless Docker: `systemctl --user start docker` (or `dockerd-rootless.sh &`); "
                     "until then the course runs in replay mode.")
    return err


@contextlib.contextmanager
def guarded(during: str) -> Iterator[None]:
    """Context manager: re-raise any engine failure inside as a VlabError.

    ``during`` is a noun phrase marked for the catalog, ``N_("inspecting a container")`` (translated when an
    error is shown), or one already translated with its values, ``_("starting server {name}").format(name=…)``.
    """
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
