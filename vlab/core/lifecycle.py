"""One container's life, timed: create → start → wait → remove on the host clock, daemon events as a
second clock, and a sweep that removes what a timed run left behind.

Shared by every lab that times container starts (start time, VM vs container, security).
"""


from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from vlab.core import sandbox, settings
from vlab.core.engine import guarded
from vlab.core.errors import BadParameter, EngineError
from vlab.core.i18n import N_

__all__ = [
    "DAEMON_PHASES", "DaemonEvents", "EVENT_ALIASES", "HOST_PHASES", "Lifecycle", "MARKER_CMD", "MARKER_PHASE",
    "PHASE_DOC", "TOTAL", "WAIT_TIMEOUT_S", "daemon_phases", "host_phases", "parse_adjtimex", "phase_rows",
    "progress_bar", "run_lifecycle", "sweep"
]

HOST_PHASES = ("create", "start", "exit", "remove")
TOTAL = "total"
MARKER_PHASE = "running"
DAEMON_PHASES = ("d_create_start", "d_start_die", "d_die_destroy", "d_total")
MARKER_CMD = ("adjtimex",)
WAIT_TIMEOUT_S = 30.0
PHASE_DOC = {
    "create": "create_container request → reply: the container exists but is not running",
    "start": "start request → reply: the runtime has launched the process",
    "exit": "start reply → wait reply: the process has run and exited (with auto-remove: and is removed)",
    "remove": "remove request → reply: writable layer and namespaces are gone",
    "total": "create + start + exit + remove, back to back on one clock",
    "running": "start request → the container's first clock reading (marker; overlaps start and exit)",
    "d_create_start": "daemon clock: create event → start event",
    "d_start_die": "daemon clock: start event → die event (the process's life as the daemon sees it)",
    "d_die_destroy": "daemon clock: die event → destroy event",
    "d_total": "daemon clock: create event → destroy event",
}




# ---------------------------------------------------------------- pure arithmetic (unit-tested)
_ADJ = re.compile(r"time\.tv_sec:\s*(\d+)\s*\n\s*time\.tv_usec:\s*(\d+)")


def parse_adjtimex(text: str) -> int | None:
    """Wall-clock time (ns since the epoch) printed by busybox ``adjtimex``; None if absent."""
    m = _ADJ.search(text or "")
    if not m:
        return None
    return int(m.group(1)) * 1_000_000_000 + int(m.group(2)) * 1_000


def host_phases(stamps: dict[str, int]) -> dict[str, float]:
    """Phase durations in ms from perf_counter_ns stamps of one lifecycle.

    Stamps: ``t0`` (create sent), ``created``, ``started``, ``exited`` and, unless auto-removed,
    ``remove_sent`` and ``removed``. Raises BadParameter if the stamps are out of order.
    """
    order = ["t0", "created", "started", "exited"] + (["remove_sent", "removed"] if "removed" in stamps else [])
    values = [stamps[k] for k in order]
    if any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise BadParameter(f"timestamps out of order: {dict(zip(order, values, strict=True))}")
    ms = {
        "create": (stamps["created"] - stamps["t0"]) / 1e6,
        "start": (stamps["started"] - stamps["created"]) / 1e6,
        "exit": (stamps["exited"] - stamps["started"]) / 1e6,
    }
    if "removed" in stamps:
        ms["remove"] = (stamps["removed"] - stamps["remove_sent"]) / 1e6
    ms[TOTAL] = sum(ms.values())
    return ms


def daemon_phases(events: Sequence[tuple[str, int]]) -> dict[str, float]:
    """Phase durations in ms from one container's daemon events [(action, timeNano), …]."""
    first: dict[str, int] = {}
    for action, t in events:
        first.setdefault(action, int(t))
    out = {}
    for name, a, b in (("d_create_start", "create", "start"), ("d_start_die", "start", "die"),
                       ("d_die_destroy", "die", "destroy"), ("d_total", "create", "destroy")):
        if a in first and b in first:
            out[name] = (first[b] - first[a]) / 1e6
    return out


# ---------------------------------------------------------------- daemon events, a second clock
#: Podman names Docker's ``destroy`` event ``remove`` (and adds ``init`` and ``cleanup``).
EVENT_ALIASES = {"remove": "destroy"}

class DaemonEvents:
    """Collect container events (action, timeNano) for one run and purpose, in a background thread."""

    def __init__(self, client, purpose: str) -> None:
        self.by_id: dict[str, list[tuple[str, int]]] = {}
        #: Why the stream ended before ``close()`` (the engine's error, or it ended it); None while it runs
        #: and when vlab closed it. Events after that are lost: ``report`` counts who has none.
        self.ended_early: str | None = None
        self._closing = False
        self._lock = threading.Lock()
        self._seen = threading.Condition(self._lock)
        filters = {"type": ["container"], "label": [f"{settings.RUN_LABEL}={settings.run_id()}",
                                                    f"vlab.purpose={purpose}"]}
        with guarded(N_("subscribing to daemon events")):
            self._stream = client.api.events(decode=True, filters=filters, since=int(time.time()) - 1)
        self._thread = threading.Thread(target=self._read, daemon=True, name="vlab-events")
        self._thread.start()

    def _read(self) -> None:
        why = "the engine ended the event stream"
        try:
            for ev in self._stream:
                cid, action, t = ev.get("id"), ev.get("Action") or ev.get("status"), ev.get("timeNano")
                action = EVENT_ALIASES.get(action, action)
                if cid and action and t:
                    with self._seen:
                        self.by_id.setdefault(cid, []).append((action, int(t)))
                        self._seen.notify_all()
        except Exception as exc:  # noqa: BLE001 - the stream also ends with an error when vlab closes it
            why = f"the event stream failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        with self._seen:
            if not self._closing:
                self.ended_early = why
            self._seen.notify_all()

    def report(self, ids: Sequence[str], has_events: Callable[[list], bool] = bool) -> dict:
        """For ``Results.extra``: how many of ``ids`` lack daemon events (``has_events`` false on theirs),
        and why the stream ended early (None when it ran until ``close``)."""
        with self._seen:
            missing = sum(1 for i in ids if not has_events(self.by_id.get(i, [])))
            return {"containers": len(ids), "without_daemon_events": missing, "stream_ended_early": self.ended_early}

    def wait_for(self, ids: Sequence[str], action: str = "destroy", timeout: float = 3.0) -> None:
        """Wait (briefly) until every container in ``ids`` has reported ``action``."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                missing = [i for i in ids if action not in {a for a, _ in self.by_id.get(i, [])}]
                left = deadline - time.monotonic()
                if not missing or left <= 0:
                    return
                self._seen.wait(left)

    def close(self) -> None:
        with self._seen:
            self._closing = True
        with contextlib.suppress(Exception):
            self._stream.close()


# ---------------------------------------------------------------- one container's life
@dataclass
class Lifecycle:
    """Timestamps and output of one timed container lifecycle."""

    container: str = ""
    stamps: dict[str, int] = field(default_factory=dict)
    wall0_ns: int = 0
    perf0_ns: int = 0
    exit_code: int | None = None
    marker_ns: int | None = None
    output: str = ""

    def wall(self, key: str) -> int:
        """Host wall-clock time (ns) of stamp ``key``, from the perf_counter anchor."""
        return self.wall0_ns + (self.stamps[key] - self.perf0_ns)

    def running_ms(self) -> float | None:
        if self.marker_ns is None or "created" not in self.stamps:
            return None
        return (self.marker_ns - self.wall("created")) / 1e6


def run_lifecycle(client, kwargs: dict, *, auto_remove: bool = False, read_marker: bool = True,
                  keep_output: bool = False, marker: Callable[[str], int | None] = parse_adjtimex) -> Lifecycle:
    """Create → start → wait → (read marker / output) → remove one container, time-stamping every call.

    ``keep_output`` keeps the container's stdout and stderr in ``Lifecycle.output`` (always kept when the
    command exits non-zero, so a caller can say why). ``marker`` reads the container's clock reading (ns
    since the epoch) from its stdout: ``adjtimex`` by default; under gVisor, which refuses ``adjtimex``,
    the caller passes the file-clock reader with the file-clock command.
    """
    import docker.errors

    perf = time.perf_counter_ns
    lc = Lifecycle(wall0_ns=time.time_ns(), perf0_ns=perf())
    st = lc.stamps
    removed = False
    try:
        with guarded(N_("timing a container start")):
            with sandbox.interrupts_deferred():  # Ctrl-C never strands a created, unregistered container
                st["t0"] = perf()
                cid = client.api.create_container(**kwargs)["Id"]
                st["created"] = perf()
                lc.container = cid
                sandbox.track(cid, cid[:12])
            client.api.start(cid)
            st["started"] = perf()
            if auto_remove:
                try:
                    lc.exit_code = int(_wait(client, cid, condition="removed").get("StatusCode", 0))
                except docker.errors.NotFound:
                    pass  # removed before we asked: exit and removal are both over
                st["exited"] = perf()
                removed = True
                sandbox.untrack(cid)
            else:
                lc.exit_code = int(_wait(client, cid)["StatusCode"])
                st["exited"] = perf()
                if read_marker:
                    lc.marker_ns = marker(client.api.logs(cid, stdout=True, stderr=False).decode(errors="replace"))
                if keep_output or lc.exit_code:
                    lc.output = client.api.logs(cid, stdout=True, stderr=True).decode(errors="replace")
                st["remove_sent"] = perf()
                client.api.remove_container(cid, force=True, v=True)
                st["removed"] = perf()
                removed = True
                sandbox.untrack(cid)
    finally:
        if lc.container and not removed:
            sandbox.remove_quietly(lc.container, client)
    return lc


def _wait(client, cid: str, condition: str = "not-running") -> dict:
    """``wait`` with a bounded read: a container that never reports back is an error, not a hang."""
    import requests.exceptions

    try:
        return client.api.wait(cid, timeout=WAIT_TIMEOUT_S, condition=condition)
    except requests.exceptions.ReadTimeout as exc:
        raise EngineError(f"Container {cid[:12]} was not reported {condition} within {WAIT_TIMEOUT_S:.0f} s.",
                          "The engine is overloaded or stuck; the trial was dropped. Re-run when it is idle.") from exc


def phase_rows(lc: Lifecycle, base: dict) -> list[dict]:
    ms = host_phases(lc.stamps)
    harness = (lc.stamps["remove_sent"] - lc.stamps["exited"]) / 1e6 if "remove_sent" in lc.stamps else 0.0
    rows = [{**base, "phase": p, "clock": "host", "ms": v, "harness_ms": harness} for p, v in ms.items()]
    run = lc.running_ms()
    if run is not None:
        rows.append({**base, "phase": MARKER_PHASE, "clock": "marker", "ms": run, "harness_ms": harness})
    return rows


# ---------------------------------------------------------------- helpers shared by the measurements
@contextlib.contextmanager
def progress_bar(total: int, desc: str, enabled: bool) -> Iterator:
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, disable=not enabled, leave=False)
    try:
        yield bar
    finally:
        bar.close()


def sweep(client, purposes: Sequence[str], *, engine_gone_ok: bool = False) -> int:
    """Remove any container (and fresh image) this run left with one of ``purposes``. Returns count.

    With ``engine_gone_ok`` (a run that already failed or was interrupted), an engine that no
    longer answers is not a second error: the original one, with its partial results, wins, and
    whatever is left is removed by the next ``vlab`` start or ``vlab clean``.
    """
    if engine_gone_ok:
        try:
            return sweep(client, purposes)
        except EngineError:
            return 0
    n = 0
    for purpose in purposes:
        flt = {"label": [f"{settings.RUN_LABEL}={settings.run_id()}", f"vlab.purpose={purpose}"]}
        with guarded(N_("cleaning up after a start-time run")):
            for c in client.api.containers(all=True, filters=flt):
                sandbox.remove_quietly(c["Id"], client)
                n += 1
            for img in client.api.images(filters=flt):
                with contextlib.suppress(Exception):
                    client.api.remove_image(img["Id"], force=True)
    return n


