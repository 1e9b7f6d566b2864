"""The one way the course runs a container: labelled, limited, and always removed.

Every container gets the ``vlab`` label (plus this run's id), a memory limit, a pids
limit, all capabilities dropped, no privilege, no Docker socket and no network, unless
the caller asks by name for a capability or a network. Removal is guaranteed by a
context manager and ``finally``, KeyboardInterrupt included, by a SIGTERM/atexit hook,
and, after a crash or kernel restart, by ``vlab clean``. The limits themselves (``Limits``, their checks, the
socket guard and the HostConfig) live in ``vlab.core.limits`` and are re-exported here.

>>> with sandbox.start(["sleep", "30"]) as box:        # doctest: +SKIP
...     print(box.exec(["hostname"]).stdout)
>>> sandbox.run(["uname", "-r"]).stdout                 # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from vlab.core import settings
from vlab.core.engine import (
    connect,
    guarded,
)
from vlab.core.errors import BadParameter, EngineError
from vlab.core.i18n import N_, _
from vlab.core.images import ensure, spec
from vlab.core.limits import (
    CAPABILITIES,
    DEFAULT_CPUS,
    DEFAULT_MEMORY,
    DEFAULT_PIDS,
    MAX_MEMORY_BYTES,
    NETWORKS,
    Limits,
    check_binds,
    check_caps,
    check_cpus,
    check_network,
    check_pids,
    engine_sockets,
    host_config,
    parse_memory,
)
from vlab.core.validate import number

__all__ = [
    "Box", "CAPABILITIES", "CleanReport", "DEFAULT_CPUS", "DEFAULT_MEMORY", "DEFAULT_PIDS", "ExecResult", "Limits",
    "MAX_MEMORY_BYTES", "NETWORKS", "OWNER_LABEL", "RunResult", "check_binds", "check_caps", "check_cpus",
    "check_network", "check_pids", "check_request", "clean", "create_kwargs", "engine_sockets", "ensure_network",
    "host_config", "install_cleanup_handlers", "interrupts_deferred", "ip_of", "labels", "launch", "leftovers",
    "oom_event_seen", "owner", "owner_alive", "parse_memory", "reap_orphans", "remove", "remove_all_live",
    "remove_network", "remove_quietly", "run", "start", "track", "untrack"
]

OWNER_LABEL = "vlab.owner"


def _process_start(pid: int) -> str:
    """Start time of a process (clock ticks since boot), to tell a live owner from a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "?"


def owner() -> str:
    """``host:pid:start`` of this process: who is responsible for removing a container."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def owner_alive(value: str) -> bool:
    """True when the process named by an owner label still runs (or lives on another host)."""
    try:
        host, pid_text, start = value.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True  # not ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return start == "?" or _process_start(pid) == start


def labels(purpose: str = "") -> dict[str, str]:
    """The labels that mark a container (or network, volume) as vlab's own, and who owns it."""
    return {settings.LABEL: "1", settings.RUN_LABEL: settings.run_id(), "vlab.purpose": purpose or "lesson",
            OWNER_LABEL: owner()}



def create_kwargs(client, command: Sequence[str] | str, *, image: str = "busybox", limits: Limits | None = None,
                  purpose: str = "", name: str | None = None, hostname: str | None = None,
                  environment: dict | None = None, user: str | None = None, ports: list | None = None,
                  working_dir: str | None = None, tty: bool = False) -> dict:
    """Arguments for ``client.api.create_container`` with every sandbox default applied."""
    limits = limits or Limits()
    tag = ensure(image, client)
    if isinstance(command, str):
        command = ["/bin/sh", "-c", command]
    kwargs = dict(
        image=tag,
        command=list(command),
        labels=labels(purpose),
        host_config=host_config(client, limits),
        network_disabled=limits.network == "none",
        detach=True,
        tty=tty,
    )
    for key, value in (("name", name), ("hostname", hostname), ("environment", environment), ("user", user),
                       ("ports", ports), ("working_dir", working_dir)):
        if value is not None:
            kwargs[key] = value
    return kwargs


# ---------------------------------------------------------------- removal registry
_live: dict[str, str] = {}
_live_lock = threading.Lock()


def track(container_id: str, name: str) -> None:
    """Hold a container this process created, so exit, SIGTERM and ``remove_all_live`` remove it.

    ``launch`` does this; code that calls ``client.api.create_container`` itself (timing) calls it right after.
    """
    install_cleanup_handlers()  # the first container this process holds: make sure exit and SIGTERM remove it
    with _live_lock:
        _live[container_id] = name


def untrack(container_id: str) -> None:
    """Stop holding a container (it is gone, or someone else now removes it)."""
    with _live_lock:
        _live.pop(container_id, None)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends: a container is never created without being registered.

    An interrupt that lands while ``create_container`` waits for its reply would otherwise leave a
    container the daemon made but vlab never heard of. The disposition found is restored exactly, and
    a held interrupt is then delivered the way it says: to its handler, or by the default action. When
    SIGINT is ignored (a background job, ``nohup``) it stays ignored. Outside the main thread: a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    found = signal.getsignal(signal.SIGINT)
    if found in (signal.SIG_IGN, None):  # ignored, or set outside Python: nothing to hold, nothing to change
        yield
        return
    pending: list[tuple] = []
    try:
        signal.signal(signal.SIGINT, lambda signum, frame: pending.append((signum, frame)))
    except (ValueError, OSError):  # pragma: no cover - signals unavailable here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, found)
        if pending and callable(found):
            found(*pending[0])
        elif pending:  # SIG_DFL: the default action, now that the container is registered
            signal.raise_signal(signal.SIGINT)


def remove(container_id: str, client=None) -> None:
    """Force-remove a container; a container that is already gone is fine."""
    import docker.errors

    client = client or connect()
    try:
        client.api.remove_container(container_id, force=True, v=True)
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError as exc:
        if "removal of container" in str(exc) and "already in progress" in str(exc):
            pass
        else:
            raise
    finally:
        untrack(container_id)


def remove_all_live() -> int:
    """Remove every container this process started and still holds. Returns how many."""
    with _live_lock:
        ids = list(_live)
    removed = 0
    for cid in ids:
        try:
            remove(cid)
            removed += 1
        except Exception:  # noqa: BLE001 - best effort at exit; `vlab clean` catches the rest
            untrack(cid)
    return removed


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    remove_all_live()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.raise_signal(signal.SIGTERM)


_handlers_installed = False


def install_cleanup_handlers() -> None:
    """Remove this process's containers at exit and on SIGTERM (when SIGTERM still has its default action).

    Called by ``course.begin()``, the CLI, and the first container this process registers; never at
    import, so importing vlab installs nothing. Idempotent; a handler someone else set is left alone.
    """
    global _handlers_installed
    if _handlers_installed or threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread: a later call there will do it
    _handlers_installed = True
    atexit.register(remove_all_live)
    try:
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover - not allowed in this context
        pass


# ---------------------------------------------------------------- high-level API
@dataclass
class ExecResult:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class RunResult:
    """What a finished container left: exit code, output, OOM flag, and its HostConfig."""

    exit_code: int
    stdout: str
    stderr: str
    oom_killed: bool
    host_config: dict
    container_id: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def ip_of(info: dict) -> str:
    """A container's address on its (first addressed) network, from ``inspect_container``; '' when none."""
    nets = (info.get("NetworkSettings") or {}).get("Networks") or {}
    return next((n.get("IPAddress") for n in nets.values() if n.get("IPAddress")), "")


class Box:
    """A running sandboxed container. Use ``with sandbox.start(...) as box``."""

    def __init__(self, client, container_id: str, name: str):
        self.client = client
        self.id = container_id
        self.name = name

    def exec(self, command: Sequence[str] | str, user: str | None = None) -> ExecResult:
        """Run a command inside the container and wait for it."""
        if isinstance(command, str):
            command = ["/bin/sh", "-c", command]
        with guarded(N_("running a command in a container")):
            ex = self.client.api.exec_create(self.id, list(command), user=user or "")
            out = self.client.api.exec_start(ex["Id"], demux=True)
            code = self.client.api.exec_inspect(ex["Id"])["ExitCode"]
        stdout, stderr = out if isinstance(out, tuple) else (out, b"")
        return ExecResult(code, (stdout or b"").decode(errors="replace"), (stderr or b"").decode(errors="replace"))

    def inspect(self) -> dict:
        with guarded(N_("inspecting a container")):
            return self.client.api.inspect_container(self.id)

    def logs(self) -> str:
        with guarded(N_("reading container logs")):
            return self.client.api.logs(self.id, stdout=True, stderr=True).decode(errors="replace")

    def ip(self) -> str:
        """The container's address on the bridge network ('' when it has none)."""
        return ip_of(self.inspect())

    def wait(self, timeout: float = 60) -> int:
        with guarded(N_("waiting for a container")):
            return int(self.client.api.wait(self.id, timeout=timeout)["StatusCode"])

    def remove(self) -> None:
        remove(self.id, self.client)


def check_request(command: Sequence[str] | str, image: str, limits: Limits | None) -> None:
    """Validate a command, a course image name and limits before anything reaches the engine."""
    if isinstance(command, str):
        ok = bool(command.strip())
    else:
        ok = isinstance(command, list | tuple) and bool(command) and all(isinstance(c, str) for c in command)
    if not ok:
        raise BadParameter(f"command={command!r} is not a command", "Give a shell string or a list of strings.")
    if not isinstance(image, str):
        raise BadParameter(f"image={image!r} is not an image name", "Use 'busybox' or 'fat'.")
    spec(image)  # unknown course images raise BadParameter
    if limits is not None and not isinstance(limits, Limits):
        raise BadParameter(f"limits={limits!r} is not a Limits", "Use sandbox.Limits(memory='64m', ...).")


def launch(client, kwargs: dict, server: str | None = None) -> str:
    """Create and start a container from ``create_kwargs(...)``; registered for removal, removed if start fails.

    The caller removes it (``remove``/``remove_quietly``) in its own ``finally``. Engine errors name it
    "a container", or "server NAME" when ``server`` is given (IaC).
    """
    if server is None:  # marked, translated only if an error is shown (nothing added to a timed start)
        creating, starting = N_("creating a container"), N_("starting a container")
    else:
        creating = _("creating server {name}").format(name=server)
        starting = _("starting server {name}").format(name=server)
    cid = None
    try:
        with interrupts_deferred(), guarded(creating):
            cid = client.api.create_container(**kwargs)["Id"]
            track(cid, kwargs.get("name") or cid[:12])
        with guarded(starting):
            client.api.start(cid)
        return cid
    except BaseException:
        if cid:
            remove_quietly(cid, client)
        raise


def _create_and_start(client, command, image, limits, purpose, **kw) -> tuple[str, str]:
    cid = launch(client, create_kwargs(client, command, image=image, limits=limits, purpose=purpose, **kw))
    return cid, kw.get("name") or cid[:12]


REMOVE_RETRIES_S = (0.2, 0.5, 1.0)  # a busy engine may drop a request; a gone one fails every try


def remove_quietly(cid: str, client) -> None:
    """``remove`` for ``finally`` blocks: never raises; tries again on a busy engine before giving up.

    What the engine could still not remove, ``vlab clean`` (or the next start's reaping) finds by its label.
    """
    for pause in (*REMOVE_RETRIES_S, None):
        try:
            remove(cid, client)
            return
        except Exception:  # noqa: BLE001 - the engine may be gone; `vlab clean` will finish the job
            if pause is None:
                untrack(cid)
                return
            time.sleep(pause)


@contextmanager
def start(command: Sequence[str] | str = ("sleep", "3600"), *, image: str = "busybox",
          limits: Limits | None = None, purpose: str = "", **kw) -> Iterator[Box]:
    """Start a long-running sandboxed container; it is removed when the block ends, whatever happens."""
    check_request(command, image, limits)
    client = connect()
    cid, name = _create_and_start(client, command, image, limits, purpose, **kw)
    try:
        yield Box(client, cid, name)
    finally:
        remove_quietly(cid, client)


def run(command: Sequence[str] | str, *, image: str = "busybox", limits: Limits | None = None,
        purpose: str = "", timeout: float = 120, **kw) -> RunResult:
    """Run a command to completion in a sandboxed container, collect its result, remove it."""
    number("timeout", timeout, 0, 3600, "A timeout in seconds, e.g. timeout=120.", lo_open=True)
    check_request(command, image, limits)
    limits = limits or Limits()
    if limits.auto_remove:
        raise BadParameter("run() collects output itself; leave auto_remove off")
    client = connect()
    cid, _name = _create_and_start(client, command, image, limits, purpose, **kw)
    try:
        with guarded(N_("waiting for a container")):
            try:
                code = int(client.api.wait(cid, timeout=timeout)["StatusCode"])
            except Exception as exc:
                if "timed out" in str(exc).lower() or "read timeout" in str(exc).lower():
                    raise EngineError(
                        f"The container did not finish within {timeout} s and was stopped.",
                        "Give run() a larger timeout=, or a command that ends.",
                    ) from exc
                raise
            out = client.api.logs(cid, stdout=True, stderr=False).decode(errors="replace")
            err = client.api.logs(cid, stdout=False, stderr=True).decode(errors="replace")
            info = client.api.inspect_container(cid)
        oom = bool(info["State"].get("OOMKilled")) or (code == 137 and oom_event_seen(client, cid, timeout))
        return RunResult(code, out, err, oom, info["HostConfig"], cid)
    finally:
        remove_quietly(cid, client)


def oom_event_seen(client, cid: str, within_s: float, attempts: int = 5) -> bool:
    """Did the engine log an ``oom`` event for this container? (its second witness of an OOM kill)

    ``State.OOMKilled`` comes with the exit, and on a busy host the exit can overtake the OOM notice
    (moby/containerd), leaving it false for a container the kernel did kill; the daemon's ``oom`` event
    still comes. Asked a few times, briefly, and only for a container that died by SIGKILL (exit 137).
    """
    since = int(time.time() - within_s - 60)
    for _attempt in range(attempts):
        try:
            events = client.api.events(since=since, until=int(time.time()) + 1, decode=True,
                                       filters={"container": cid, "event": "oom"})
            if any(e.get("status") == "oom" or e.get("Action") == "oom" for e in events):
                return True
        except Exception:  # noqa: BLE001 - an engine without this filter: no second witness
            return False
        time.sleep(0.2)
    return False


# ---------------------------------------------------------------- networks
def ensure_network(name: str, purpose: str, extra_labels: dict[str, str] | None = None, client=None) -> str:
    """Create (or find) a labelled user-defined bridge network owned by vlab; return its id.

    It is the same mechanism as Docker's default ``bridge`` (a Linux bridge plus a veth pair per
    container) but vlab's own, so it works where ``docker0`` is missing or shared. ``vlab clean``
    removes it like a container, by its labels.
    """
    if not isinstance(name, str) or not name.startswith("vlab-"):
        raise BadParameter(f"network name {name!r} must start with 'vlab-'")
    client = client or connect()
    with guarded(N_("creating a bridge network")):
        for n in client.api.networks(names=[name]):
            if n.get("Name") == name:
                return n["Id"]
        return client.api.create_network(name, driver="bridge",
                                         labels={**labels(purpose), **(extra_labels or {})})["Id"]


def remove_network(net_id: str, client=None) -> None:
    """Remove a network vlab created; one that is already gone (or an engine that is gone) is fine."""
    try:
        with guarded(N_("removing a bridge network")):
            (client or connect()).api.remove_network(net_id)
    except EngineError:
        pass  # `vlab clean` removes what is left, by label


# ---------------------------------------------------------------- clean-up
@dataclass
class CleanReport:
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.containers) + len(self.networks) + len(self.volumes)

    def __str__(self) -> str:
        if not self.total:
            return "Nothing to clean: no vlab containers, networks or volumes."
        parts = [f"{len(v)} {k} ({', '.join(v)})" for k, v in
                 (("containers", self.containers), ("networks", self.networks), ("volumes", self.volumes)) if v]
        return "Removed " + "; ".join(parts) + "."


def _display_name(listed: dict) -> str:
    """A container's name from an engine listing, or its short id when it has none."""
    return listed["Names"][0].lstrip("/") if listed.get("Names") else listed["Id"][:12]


def leftovers(client=None, *, this_run: bool = False) -> list[str]:
    """Names of vlab containers that exist now (only this run's when ``this_run``)."""
    client = client or connect()
    flt = [f"{settings.RUN_LABEL}={settings.run_id()}"] if this_run else [settings.LABEL]
    with guarded(N_("listing containers")):
        return [_display_name(c) for c in client.api.containers(all=True, filters={"label": flt})]


def reap_orphans(client=None) -> CleanReport:
    """Remove vlab containers whose owning process is gone (a crash or a kernel restart mid-cell).

    Containers of processes that still run (another open notebook, say) are left alone.
    """
    client = client or connect()
    report = CleanReport()
    with guarded(N_("removing containers left by a crashed run")):
        for c in client.api.containers(all=True, filters={"label": [settings.LABEL]}):
            value = (c.get("Labels") or {}).get(OWNER_LABEL, "")
            if value and not owner_alive(value):
                remove(c["Id"], client)
                report.containers.append(_display_name(c))
    return report


def clean(client=None, *, this_run: bool = False) -> CleanReport:
    """Remove every vlab-labelled container, network and volume (or only this run's)."""
    client = client or connect()
    flt = {"label": [f"{settings.RUN_LABEL}={settings.run_id()}"] if this_run else [settings.LABEL]}
    report = CleanReport()
    with guarded(N_("cleaning up")):
        for c in client.api.containers(all=True, filters=flt):
            remove(c["Id"], client)
            report.containers.append(_display_name(c))
        for n in client.api.networks(filters=flt):
            client.api.remove_network(n["Id"])
            report.networks.append(n["Name"])
        for v in (client.api.volumes(filters=flt) or {}).get("Volumes") or []:
            client.api.remove_volume(v["Name"], force=True)
            report.volumes.append(v["Name"])
    return report
