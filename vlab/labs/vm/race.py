"""The race of notebook 08: a sandboxed container and a QEMU VM released at the same instant.

Live, both run for real in two threads released by one barrier; in replay mode the recorded runs
(``vm_container_start`` and ``vm_boot``) are turned into the same events at their recorded pace.
The widget ``vlab.widgets.race`` only draws these events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from vlab.core.errors import VlabError

LANES = ("container", "vm")
#: Time constants of the "still working" creep of an unfinished lane's bar (display only, never a result).
@dataclass(frozen=True)
class Event:
    """Something that happened in one lane, ``t_ms`` after the common start."""

    t_ms: float
    lane: str
    progress: float  # 0..1, how far along this lane is
    text: str
    final: bool = False


@dataclass
class RaceResult:
    """The outcome of one race (live or replayed)."""

    source: str  # "live" or "replay"
    container_ms: float
    vm_ms: float
    vm_exit_ms: float
    accel: str
    container_kernel: str = ""
    vm_kernel: str = ""
    why_replay: str = ""
    events: list[Event] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """How many times longer the VM took to report than the container (VM ÷ container)."""
        return self.vm_ms / self.container_ms if self.container_ms else float("inf")

    @property
    def winner(self) -> str:
        return "container" if self.container_ms < self.vm_ms else "vm"

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("events")
        d["ratio"] = self.ratio
        d["winner"] = self.winner
        return d

    def summary(self) -> str:
        emulated = {"tcg": ", software emulation", "kvm": ", hardware-accelerated"}.get(self.accel, "")
        src = "REPLAYED recorded runs" if self.source == "replay" else "measured live, just now"
        return (f"Container: command ran and exited after {self.container_ms:,.0f} ms. "
                f"VM ({self.accel.upper()}{emulated}): its own kernel booted and /init reported after "
                f"{self.vm_ms:,.0f} ms (powered off at {self.vm_exit_ms:,.0f} ms). "
                f"The VM took {self.ratio:,.1f}× as long. [{src}]")


# ---------------------------------------------------------------- replay
def _median_trial(samples, phase: str) -> int:
    rows = samples[samples["phase"] == phase].sort_values("ms")
    return int(rows.iloc[(len(rows) - 1) // 2]["trial"])


def replay_events(container_res, vm_res) -> tuple[list[Event], RaceResult]:
    """Events of the median recorded trial of each side, in time order, and the race result."""
    cs, vs = container_res.samples, vm_res.samples
    if cs.empty or vs.empty:
        raise VlabError("The recorded race data is empty.", "Record it again with `vlab record --only vm_boot "
                        "vm_container_start`.")
    ct = cs[cs["trial"] == _median_trial(cs, "total")].set_index("phase")["ms"]
    vt = vs[vs["trial"] == _median_trial(vs, "launch_to_marker")].set_index("phase")["ms"]
    cinfo = container_res.extra.get("container") or {}
    vinfo = vm_res.extra.get("guest") or {}
    accel = str(vm_res.extra.get("accelerator", "?"))
    events = [
        Event(0.0, "container", 0.05, "docker create …"),
        Event(float(ct["create"]), "container", 0.35, "created; start …"),
        Event(float(ct["create"] + ct["start"]), "container", 0.7, "started: the command runs on the host kernel"),
        Event(float(ct["total"]), "container", 1.0,
              f"exited: PID {cinfo.get('pid', '?')}, uname -r = {cinfo.get('kernel', '?')}", final=True),
        Event(0.0, "vm", 0.05, f"QEMU launched ({accel.upper()})"),
        Event(float(vt["before_guest_clock"]), "vm", 0.2, "guest kernel starts its clock and boots …"),
        Event(float(vt["launch_to_marker"]), "vm", 0.95,
              f"/init reported: PID {vinfo.get('pid', '?')}, kernel {vinfo.get('kernel', '?')}"),
        Event(float(vt["total"]), "vm", 1.0, "guest powered off; QEMU exited", final=True),
    ]
    events.sort(key=lambda e: e.t_ms)
    res = RaceResult("replay", float(ct["total"]), float(vt["launch_to_marker"]), float(vt["total"]), accel,
                     str(cinfo.get("kernel", "")), str(vinfo.get("kernel", "")), events=events)
    return events, res


def load_recorded():
    """The two recordings the replayed race uses (DataError with a fix when missing)."""
    from vlab.core import replay

    return replay.load("vm_container_start"), replay.load("vm_boot")


# ---------------------------------------------------------------- live
def vm_available() -> tuple[bool, str]:
    """(True, "") when QEMU and a guest kernel are here; else (False, why)."""
    from vlab.labs.vm import qemu

    try:
        qemu.find_qemu()
        qemu.find_kernel()
    except VlabError as exc:
        return False, exc.message
    return True, ""


def race_live(on_event: Callable[[Event], None], *, accel: str = "auto", vm_timeout: float = 120.0) -> RaceResult:
    """Run one real race: a sandboxed container and a QEMU VM released at the same instant."""
    from vlab.core.engine import connect
    from vlab.core.images import ensure
    from vlab.labs.vm import boot, versus

    client = connect()
    ensure("busybox", client)
    outcome: dict = {}
    errors: list[BaseException] = []
    with boot.prepare(accel) as guest:
        gate = threading.Barrier(2)
        t0_box: list[int] = []

        def stamp() -> float:
            return (time.perf_counter_ns() - t0_box[0]) / 1e6

        def container_lane() -> None:
            try:
                gate.wait()
                c0 = stamp()
                on_event(Event(c0, "container", 0.05, "docker create …"))
                times, report = versus.lifecycle(client)
                outcome["container"] = (times, report or {})
                on_event(Event(c0 + times["create"], "container", 0.35, "created; start …"))
                on_event(Event(c0 + times["create"] + times["start"], "container", 0.7,
                               "started: the command runs on the host kernel"))
                on_event(Event(c0 + times["total"], "container", 1.0,
                               f"exited: PID {(report or {}).get('pid', '?')}, "
                               f"uname -r = {(report or {}).get('kernel', '?')}", final=True))
            except BaseException as exc:  # noqa: BLE001 - reported after both lanes end
                errors.append(exc)

        def vm_lane() -> None:
            lines = [0]

            def on_line(text: str, ms: float) -> None:
                lines[0] += 1
                if "VLAB-VM-MARKER" in text:
                    return
                on_event(Event(ms, "vm", min(0.9, 0.2 + 0.05 * lines[0]), f"console: {text.strip()[:90]}"))

            try:
                gate.wait()
                on_event(Event(0.0, "vm", 0.05, f"QEMU launched ({guest.accel.upper()})"))
                run = guest.boot(vm_timeout, on_line=on_line)
                outcome["vm"] = run
                on_event(Event(run.launch_to_marker_ms, "vm", 0.95,
                               f"/init reported: PID {run.marker.pid}, kernel {run.marker.kernel}"))
                on_event(Event(run.total_ms, "vm", 1.0, "guest powered off; QEMU exited", final=True))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=container_lane, name="race-container", daemon=True),
                   threading.Thread(target=vm_lane, name="race-vm", daemon=True)]
        t0_box.append(time.perf_counter_ns())
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    times, report = outcome["container"]
    run = outcome["vm"]
    return RaceResult("live", times["total"], run.launch_to_marker_ms, run.total_ms, guest.accel,
                      str(report.get("kernel", "")), run.marker.kernel)


# ---------------------------------------------------------------- widget
