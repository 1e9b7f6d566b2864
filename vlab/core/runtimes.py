"""Which OCI runtimes really work here: each one the engine lists, probed with a tiny container.

A runtime can be listed and still fail (``crun`` on a hybrid-cgroup host: "cgroups in hybrid mode
not supported"), so vlab never trusts the list alone. ``probe_all()`` starts ``uname -r`` under
each listed runtime (labelled, limited, no network, removed; with a timeout) and keeps the reason
of every failure. ``working()`` caches the answer for the process.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass

from vlab.core.engine import connect, guarded
from vlab.core.errors import BadParameter, VlabError
from vlab.core.i18n import N_, _

__all__ = [
    "GVISOR", "PROBE_TIMEOUT_S", "PURPOSE", "RuntimeProbe", "RuntimeUnavailable", "SANDBOX_PIDS", "gvisor_if_working",
    "listed", "not_in_recording", "platform_of", "probe", "probe_all", "require", "short_reason", "working"
]

PURPOSE = "runtime-probe"
PROBE_TIMEOUT_S = 60.0
GVISOR = "runsc"
#: pids limit for long-lived containers under a runtime other than runc. gVisor's pids-limited cgroup holds the
#: Sentry's host threads (ptrace: one stub thread per guest thread too): with runc's 64 it crashed after a few
#: ``docker exec`` (Go runtime, exit 2) on this 2-core machine. Still a limit: a fork bomb inside stays contained.
SANDBOX_PIDS = 512
_cache: dict[str, RuntimeProbe] = {}


class RuntimeUnavailable(VlabError):
    """A runtime a measurement asked for is not listed by the engine, or fails to start a container."""

    hint = "Run `vlab doctor` to see which runtimes work here (gVisor: `./course.sh prepare` as root on Debian)."


@dataclass
class RuntimeProbe:
    name: str
    ok: bool
    detail: str  # the kernel release seen inside when ok, the reason when not
    kernel: str = ""
    path: str = ""
    args: tuple[str, ...] = ()
    platform: str | None = None  # gVisor only: ptrace, systrap, kvm
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def listed(client=None) -> dict[str, dict]:
    """The runtimes the engine lists, with their path and arguments (``docker info``)."""
    client = client or connect()
    with guarded(N_("listing the engine's runtimes")):
        return dict(client.info().get("Runtimes") or {})


def platform_of(entry: dict | None) -> str | None:
    """gVisor's platform from a runtime's arguments; ``None`` for runtimes that are not runsc."""
    if not entry:
        return None
    path = entry.get("path") or entry.get("Path") or ""
    args = entry.get("runtimeArgs") or entry.get("RuntimeArgs") or []
    for a in args:
        if a.startswith("--platform="):
            return a.split("=", 1)[1]
    return "ptrace" if path.endswith("runsc") else None


def short_reason(message: str) -> str:
    """The useful tail of an OCI runtime error ("…: cgroups in hybrid mode not supported")."""
    text = re.sub(r"\s+", " ", message).strip()
    text = re.sub(r":\s*unknown\b.*$", "", text)
    parts = [p.strip() for p in text.split(": ") if p.strip()]
    tail = ": ".join(parts[-2:]) if len(parts) > 1 else text
    return tail[:240]


def probe(name: str, *, client=None, timeout: float = PROBE_TIMEOUT_S, entry: dict | None = None) -> RuntimeProbe:
    """Start ``uname -r`` under runtime ``name``; ✓ with the kernel it saw, or ✗ with the reason."""
    from vlab.core import sandbox

    if not isinstance(name, str) or not name or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise BadParameter(f"runtime={name!r} is not a runtime name", "For example 'runc' or 'runsc'.")
    client = client or connect()
    entry = entry if entry is not None else listed(client).get(name)
    info = {"path": (entry or {}).get("path", ""), "args": tuple((entry or {}).get("runtimeArgs") or ()),
            "platform": platform_of(entry)}
    if entry is None:
        return RuntimeProbe(name, False, "not listed by the engine", **info)
    t0 = time.perf_counter()
    try:
        res = sandbox.run(["uname", "-r"], limits=sandbox.Limits(runtime=name), purpose=PURPOSE, timeout=timeout)
    except VlabError as exc:
        cause = getattr(exc.__cause__, "explanation", None)  # the engine's full words (the message is shortened)
        why = cause.decode() if isinstance(cause, bytes) else (cause or exc.message)
        return RuntimeProbe(name, False, short_reason(why), seconds=time.perf_counter() - t0, **info)
    seconds = time.perf_counter() - t0
    if res.exit_code != 0:
        why = (res.stderr or res.stdout or "").strip()[:200]
        return RuntimeProbe(name, False, f"exit {res.exit_code}: {why}", seconds=seconds, **info)
    kernel = res.stdout.strip()
    return RuntimeProbe(name, True, f"a container ran and saw kernel {kernel}", kernel=kernel, seconds=seconds, **info)


def probe_all(client=None, *, timeout: float = PROBE_TIMEOUT_S, refresh: bool = False) -> list[RuntimeProbe]:
    """Probe every runtime the engine lists (answers cached for this process unless ``refresh``)."""
    client = client or connect()
    out = []
    for name, entry in sorted(listed(client).items()):
        if refresh or name not in _cache or _cache[name].args != tuple(entry.get("runtimeArgs") or ()):
            _cache[name] = probe(name, client=client, timeout=timeout, entry=entry)
        out.append(_cache[name])
    return out


def working(client=None) -> list[str]:
    """Names of the runtimes that started a container here."""
    return [p.name for p in probe_all(client) if p.ok]


def gvisor_if_working(client=None) -> tuple[str, ...]:
    """``("runsc",)`` when gVisor starts a container here, else ``()``: what ``vlab record`` adds beside runc."""
    try:
        return (GVISOR,) if GVISOR in working(client) else ()
    except VlabError:
        return ()


def not_in_recording(missing: list[str] | tuple[str, ...]) -> str:
    """The note shown when a replayed recording lacks runtimes that were asked for ("" when none is missing)."""
    if not missing:
        return ""
    names = ", ".join(missing)
    return _("NOTE: the replayed recording has no measurements under {names} (it was recorded without it), so "
             "only the runc configurations are shown. To measure {names}: go live on a Linux machine whose Docker "
             "engine runs it (`vlab doctor` lists the working runtimes; gVisor: `./course.sh prepare` as root on "
             "Debian registers runsc).").format(names=names)


def require(name: str, client=None) -> RuntimeProbe:
    """The probe of ``name`` when it works; otherwise RuntimeUnavailable with the reason and the fix."""
    client = client or connect()
    entries = listed(client)
    if name not in entries:
        hint = RuntimeUnavailable.hint
        if name == GVISOR:
            from vlab.core.daemon_config import install_hint

            hint = install_hint()
        raise RuntimeUnavailable(f"The engine lists no runtime {name!r} (it lists {', '.join(sorted(entries))}).",
                                 hint)
    if name not in _cache or _cache[name].args != tuple(entries[name].get("runtimeArgs") or ()):
        _cache[name] = probe(name, client=client, entry=entries[name])
    p = _cache[name]
    if not p.ok:
        raise RuntimeUnavailable(f"Runtime {name!r} is listed but cannot start a container here: {p.detail}")
    return p
