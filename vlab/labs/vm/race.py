"""The race of notebooks 08 and 10b: a container, a gVisor sandbox and a QEMU VM released at the same instant.

Live, both run for real in two threads released by one barrier; in replay mode the recorded runs
(``vm_container_start`` and ``vm_boot``; the gVisor lane from ``spectrum``) are turned into the same events at
their recorded pace. The gVisor lane runs only where the ``runsc`` runtime starts a container (live) or the
``spectrum`` recording is shipped (replay); without it the race has two lanes.
The widget ``vlab.widgets.race`` only draws these events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from vlab.core.errors import VlabError
from vlab.core.i18n import _

__all__ = [
    "Event", "GVISOR_RUNTIME", "LANES", "RaceResult", "gvisor_available", "gvisor_lifecycle", "gvisor_replay_events",
    "load_recorded", "race_live", "replay_events", "vm_available"
]

LANES = ("container", "gvisor", "vm")
GVISOR_RUNTIME = "runsc"
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
    gvisor_ms: float | None = None  # the gVisor sandbox's create → exited (None: no gVisor lane)
    gvisor_kernel: str = ""
    gvisor_why_missing: str = ""

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
        gv = (f"gVisor sandbox: exited after {self.gvisor_ms:,.0f} ms, having seen kernel {self.gvisor_kernel} "
              f"(its own user-space kernel). " if self.gvisor_ms is not None else "")
        return (f"Container: command ran and exited after {self.container_ms:,.0f} ms. {gv}"
                f"VM ({self.accel.upper()}{emulated}): its own kernel booted and /init reported after "
                f"{self.vm_ms:,.0f} ms (powered off at {self.vm_exit_ms:,.0f} ms). "
                f"The VM took {self.ratio:,.1f}× as long. [{src}]")


# ---------------------------------------------------------------- replay
def _median_trial(samples, phase: str) -> int:
    rows = samples[samples["phase"] == phase].sort_values("ms")
    return int(rows.iloc[(len(rows) - 1) // 2]["trial"])


def replay_events(container_res, vm_res, spectrum_res=None) -> tuple[list[Event], RaceResult]:
    """Events of the median recorded trial of each side, in time order, and the race result."""
    cs, vs = container_res.samples, vm_res.samples
    if cs.empty or vs.empty:
        raise VlabError(_("The recorded race data is empty."), _("Record it again with `vlab record --only vm_boot "
                        "vm_container_start`."))
    ct = cs[cs["trial"] == _median_trial(cs, "total")].set_index("phase")["ms"]
    vt = vs[vs["trial"] == _median_trial(vs, "launch_to_marker")].set_index("phase")["ms"]
    cinfo = container_res.extra.get("container") or {}
    vinfo = vm_res.extra.get("guest") or {}
    accel = str(vm_res.extra.get("accelerator", "?"))
    events = [
        Event(0.0, "container", 0.05, "docker create …"),
        Event(float(ct["create"]), "container", 0.35, _("created; start …")),
        Event(float(ct["create"] + ct["start"]), "container", 0.7, _("started: the command runs on the host kernel")),
        Event(float(ct["total"]), "container", 1.0,
              _("exited: PID {pid}, uname -r = {kernel}").format(pid=cinfo.get("pid", "?"),
                                                                  kernel=cinfo.get("kernel", "?")), final=True),
        Event(0.0, "vm", 0.05, _("QEMU launched ({accel})").format(accel=accel.upper())),
        Event(float(vt["before_guest_clock"]), "vm", 0.2, _("guest kernel starts its clock and boots …")),
        Event(float(vt["launch_to_marker"]), "vm", 0.95,
              _("/init reported: PID {pid}, kernel {kernel}").format(pid=vinfo.get("pid", "?"),
                                                                     kernel=vinfo.get("kernel", "?"))),
        Event(float(vt["total"]), "vm", 1.0, _("guest powered off; QEMU exited"), final=True),
    ]
    res = RaceResult("replay", float(ct["total"]), float(vt["launch_to_marker"]), float(vt["total"]), accel,
                     str(cinfo.get("kernel", "")), str(vinfo.get("kernel", "")), events=events)
    if spectrum_res is not None:
        events += gvisor_replay_events(spectrum_res, res)
    events.sort(key=lambda e: e.t_ms)
    return events, res


def gvisor_replay_events(spectrum_res, res: RaceResult) -> list[Event]:
    """The gVisor lane from the ``spectrum`` recording: its median container start (create → removed)."""
    s = spectrum_res.samples
    sel = s[(s["metric"] == "start") & (s["place"] == "gvisor")]["value"] if not s.empty else []
    if len(sel) == 0:
        res.gvisor_why_missing = _("the recording has no gVisor start times")
        return []
    ms = float(sel.median())
    res.gvisor_ms = ms
    res.gvisor_kernel = str((spectrum_res.extra.get("kernels") or {}).get("gvisor", "?"))
    return [Event(0.0, "gvisor", 0.05, "docker create --runtime runsc …"),
            Event(ms, "gvisor", 1.0, _("exited and removed (median recorded run); uname -r = {kernel}").format(
                kernel=res.gvisor_kernel), final=True)]


def load_recorded():
    """The recordings the replayed race uses (DataError with a fix when missing); spectrum may be None."""
    from vlab.core import replay

    spectrum = None
    if "spectrum" in replay.available():
        spectrum = replay.load("spectrum")
    return replay.load("vm_container_start"), replay.load("vm_boot"), spectrum


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


def gvisor_available(client=None) -> tuple[bool, str]:
    """(True, "") when the gVisor runtime starts a container here; else (False, why)."""
    from vlab.core import runtimes

    try:
        runtimes.require(GVISOR_RUNTIME, client)
    except VlabError as exc:
        return False, exc.message
    return True, ""


def gvisor_lifecycle(client) -> tuple[float, dict]:
    """One timed lifecycle of the report container under gVisor: (create → exited ms, what it reported)."""
    from vlab.core import sandbox
    from vlab.core.errors import EngineError
    from vlab.core.lifecycle import run_lifecycle
    from vlab.core.runtimes import SANDBOX_PIDS
    from vlab.labs.vm import versus

    kwargs = sandbox.create_kwargs(client, ["/bin/sh", "-c", versus.REPORT], purpose="race-gvisor",
                                   limits=sandbox.Limits(memory="64m", pids=SANDBOX_PIDS, runtime=GVISOR_RUNTIME))
    lc = run_lifecycle(client, kwargs, read_marker=False, keep_output=True)
    if lc.exit_code != 0:
        raise EngineError(_("The gVisor container exited with code {code}: {output}").format(
            code=lc.exit_code, output=lc.output.strip()[:200]))
    return (lc.stamps["exited"] - lc.stamps["t0"]) / 1e6, versus.parse_report(lc.output) or {}


def race_live(on_event: Callable[[Event], None], *, accel: str = "auto", vm_timeout: float = 120.0,
              gvisor: bool = True) -> RaceResult:
    """Run one real race: a container, a gVisor sandbox (when it works here) and a QEMU VM, released at once."""
    from vlab.core.engine import connect
    from vlab.core.images import ensure
    from vlab.labs.vm import boot, versus

    client = connect()
    ensure("busybox", client)
    outcome: dict = {}
    errors: list[BaseException] = []
    with_gvisor, gvisor_why = gvisor_available(client) if gvisor else (False, _("not asked for"))
    with boot.prepare(accel) as guest:
        gate = threading.Barrier(3 if with_gvisor else 2)
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
                on_event(Event(c0 + times["create"], "container", 0.35, _("created; start …")))
                on_event(Event(c0 + times["create"] + times["start"], "container", 0.7,
                               _("started: the command runs on the host kernel")))
                on_event(Event(c0 + times["total"], "container", 1.0,
                               _("exited: PID {pid}, uname -r = {kernel}").format(
                                   pid=(report or {}).get("pid", "?"), kernel=(report or {}).get("kernel", "?")),
                               final=True))
            except BaseException as exc:  # noqa: BLE001 - reported after both lanes end
                errors.append(exc)

        def gvisor_lane() -> None:
            try:
                gate.wait()
                g0 = stamp()
                on_event(Event(g0, "gvisor", 0.05, "docker create --runtime runsc …"))
                ms, report = gvisor_lifecycle(client)
                outcome["gvisor"] = (ms, report)
                on_event(Event(g0 + ms, "gvisor", 1.0, _("exited: PID {pid}, uname -r = {kernel}").format(
                    pid=report.get("pid", "?"), kernel=report.get("kernel", "?")), final=True))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        def vm_lane() -> None:
            lines = [0]

            def on_line(text: str, ms: float) -> None:
                lines[0] += 1
                if "VLAB-VM-MARKER" in text:
                    return
                on_event(Event(ms, "vm", min(0.9, 0.2 + 0.05 * lines[0]),
                               _("console: {line}").format(line=text.strip()[:90])))

            try:
                gate.wait()
                on_event(Event(0.0, "vm", 0.05, _("QEMU launched ({accel})").format(accel=guest.accel.upper())))
                run = guest.boot(vm_timeout, on_line=on_line)
                outcome["vm"] = run
                on_event(Event(run.launch_to_marker_ms, "vm", 0.95,
                               _("/init reported: PID {pid}, kernel {kernel}").format(
                                   pid=run.marker.pid, kernel=run.marker.kernel)))
                on_event(Event(run.total_ms, "vm", 1.0, _("guest powered off; QEMU exited"), final=True))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=container_lane, name="race-container", daemon=True),
                   threading.Thread(target=vm_lane, name="race-vm", daemon=True)]
        if with_gvisor:
            threads.append(threading.Thread(target=gvisor_lane, name="race-gvisor", daemon=True))
        t0_box.append(time.perf_counter_ns())
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    times, report = outcome["container"]
    run = outcome["vm"]
    res = RaceResult("live", times["total"], run.launch_to_marker_ms, run.total_ms, guest.accel,
                     str(report.get("kernel", "")), run.marker.kernel,
                     gvisor_why_missing="" if with_gvisor else gvisor_why)
    if "gvisor" in outcome:
        res.gvisor_ms, res.gvisor_kernel = outcome["gvisor"][0], str(outcome["gvisor"][1].get("kernel", ""))
    return res


# ---------------------------------------------------------------- widget
