"""Race widget: one button starts a container, a gVisor sandbox and a VM at the same moment; watch them finish.

Live, it really does both, in two threads released by one barrier: a sandboxed busybox
container (create → start → exit, see ``vlab.labs.vm.versus``) and a QEMU VM booting its own kernel
(``vlab.labs.vm.boot``). Each lane shows its progress and a timeline of what happened, and the
measured times appear at the end. In replay mode, or without QEMU, it replays recorded runs
(``vm_container_start`` and ``vm_boot``) at their recorded pace and says so.

The logic (events, replay schedule, live race) is in ``vlab.labs.vm.race``; ``RaceWidget`` is the
ipywidgets front-end, testable without a browser: ``w.button.click(); w.wait()``.
"""

from __future__ import annotations

import html
import math
import threading
import time

from vlab.core.errors import BadParameter, VlabError
from vlab.core.i18n import N_, _
from vlab.core.validate import number
from vlab.labs.vm.race import (
    LANES,
    Event,
    RaceResult,
    gvisor_available,
    load_recorded,
    race_live,
    replay_events,
    vm_available,
)

TAU_MS = {"container": 150.0, "gvisor": 300.0, "vm": 2500.0}
SOURCES = ("auto", "live", "replay")
LANE_TAGS = {"container": "container", "gvisor": "gVisor   ", "vm": "VM       "}
LIVE_BADGE = N_("<b style='color:#0072B2'>● LIVE</b>")


class RaceWidget:
    """Button + two progress lanes + a timeline. ``.result`` holds the RaceResult when done."""

    def __init__(self, *, source: str = "auto", accel: str = "auto", replay_speed: float = 1.0,
                 vm_timeout: float = 120.0) -> None:
        import ipywidgets as w

        if source not in SOURCES:
            raise BadParameter(f"source={source!r} is not known", "Use 'auto', 'live' or 'replay'.")
        if accel not in ("auto", "kvm", "tcg"):
            raise BadParameter(f"accel={accel!r} is not an accelerator", "Use 'auto', 'kvm' or 'tcg'.")
        number("replay_speed", replay_speed, 0.1, 1000, "1 replays at the recorded pace; larger is faster.")
        self.source, self.accel, self.replay_speed, self.vm_timeout = source, accel, float(replay_speed), vm_timeout
        self.result: RaceResult | None = None
        self.error: VlabError | None = None
        self.events: list[Event] = []
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._t0 = 0.0
        self._finished: dict[str, float] = {}
        self._skipped: set[str] = set()  # lanes not in this race (gVisor where runsc does not run)

        self.button = w.Button(description=_("Start the race"), icon="play", button_style="primary",
                               tooltip=_("Start a container and boot a VM at the same moment"))
        self.bars = {lane: w.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                           layout=w.Layout(width="55%")) for lane in LANES}
        self.labels = {lane: w.HTML(value=_("waiting")) for lane in LANES}
        names = {"container": _("Container (컨테이너)"), "gvisor": _("gVisor sandbox (샌드박스)"),
                 "vm": _("Virtual machine (가상 머신)")}
        lanes = [w.HBox([w.HTML(f"<b>{names[lane]}</b>", layout=w.Layout(width="210px")), self.bars[lane],
                         self.labels[lane]]) for lane in LANES]
        self.status = w.HTML(value=self._intro())
        self.timeline = w.HTML(value="")
        self.view = w.VBox([self.button, self.status, *lanes, self.timeline])
        self.button.on_click(self._on_click)

    # -- display
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.view)

    def _decide(self) -> tuple[str, str]:
        """('live'|'replay', why) for this click."""
        if self.source == "replay":
            return "replay", "replay was requested"
        from vlab.core.mode import current

        mode = current()
        if mode.replay:
            if self.source == "live":
                raise VlabError("A live race needs Docker, but vlab is in replay mode: " + mode.reason, mode.fix)
            return "replay", f"replay mode ({mode.reason})"
        ok, why = vm_available()
        if not ok:
            if self.source == "live":
                raise VlabError(f"A live race needs QEMU and a guest kernel: {why}",
                                "Run `vlab doctor` for the fix "
                                "(apt-get install qemu-system-x86 linux-image-cloud-amd64).")
            return "replay", f"no live VM here ({why})"
        return "live", ""

    def _intro(self) -> str:
        return _("Press the button: a container, a gVisor sandbox and a VM start <i>at the same moment</i>. "
                 "Which one reports first, and by how much?")

    # -- events
    def _apply(self, ev: Event) -> None:
        with self._lock:
            self.events.append(ev)
            bar = self.bars[ev.lane]
            bar.value = max(bar.value, ev.progress)
            if ev.final:
                self._finished[ev.lane] = ev.t_ms
                bar.bar_style = "success"
                self.labels[ev.lane].value = "<b>" + _("done at {ms} ms").format(ms=f"{ev.t_ms:,.0f}") + "</b>"
            rows = sorted(self.events, key=lambda e: e.t_ms)[-14:]
            self.timeline.value = "<pre style='font-size:85%;line-height:1.25'>" + "\n".join(
                f"{e.t_ms:9,.0f} ms  {LANE_TAGS[e.lane]}  {html.escape(e.text)}"
                for e in rows) + "</pre>"

    def _tick(self, now_ms: float) -> None:
        """Every 0.1 s: show the elapsed time, and creep the unfinished bars forward (never to the end)."""
        with self._lock:
            for lane in LANES:
                if lane not in self._finished and lane not in self._skipped:
                    self.labels[lane].value = f"{now_ms:,.0f} ms …"
                    creep = 0.9 * (1 - math.exp(-now_ms / TAU_MS[lane]))
                    self.bars[lane].value = max(self.bars[lane].value, creep)

    # -- run
    def _on_click(self, _button=None) -> None:
        if self.button.disabled:
            return
        self.button.disabled = True
        self.done.clear()
        self.result, self.error, self.events, self._finished, self._skipped = None, None, [], {}, set()
        for lane in LANES:
            self.bars[lane].value, self.bars[lane].bar_style = 0.0, "info"
            self.labels[lane].value = "…"
        self.timeline.value = ""
        threading.Thread(target=self._run, name="vlab-race", daemon=True).start()

    def _run(self) -> None:
        try:
            how, why = self._decide()
            if how == "replay":
                self._run_replay(why)
            else:
                self._run_live()
        except VlabError as exc:
            self.error = exc
            self.status.value = (f"<span style='color:#D55E00'>⚠ {html.escape(exc.message)}</span><br>"
                                 "<small>" + _("fix: {hint}").format(hint=html.escape(exc.hint)) + "</small>")
        except Exception as exc:  # noqa: BLE001 - shown in the widget, never a traceback wall
            self.error = VlabError(_("The race failed: {error}").format(error=exc))
            self.status.value = f"<span style='color:#D55E00'>⚠ {html.escape(str(exc))}</span>"
        finally:
            self.button.disabled = False
            self.button.description = _("Race again")
            self.done.set()

    def _ticker(self, stop: threading.Event, scale: float = 1.0) -> None:
        while not stop.wait(0.1):
            self._tick((time.perf_counter() - self._t0) * 1000 * scale)

    def _run_replay(self, why: str) -> None:
        from vlab.core.replay import recorded_provenance

        events, res = replay_events(*load_recorded())
        res.why_replay = why
        if res.gvisor_ms is None:
            self._skip("gvisor", res.gvisor_why_missing or _("no gVisor recording"))
        prov = recorded_provenance()
        pace = (_("at the recorded pace") if self.replay_speed == 1
                else _("{speed}× faster than recorded").format(speed=f"{self.replay_speed:g}"))
        self.status.value = _("<b style='color:#D55E00'>▶ REPLAY</b>: these are <i>recorded</i> runs (made by "
                              "<code>vlab record</code> on {host}, {date}), replayed {pace}. "
                              "<small>Why: {why}.</small>").format(host=html.escape(str(prov.get("host", "?"))),
                                                                   date=html.escape(str(prov.get("date", "?"))),
                                                                   pace=pace, why=html.escape(why))
        stop = threading.Event()
        self._t0 = time.perf_counter()
        ticker = threading.Thread(target=self._ticker, args=(stop, self.replay_speed), daemon=True)
        ticker.start()
        try:
            for ev in events:
                delay = ev.t_ms / 1000 / self.replay_speed - (time.perf_counter() - self._t0)
                if delay > 0:
                    time.sleep(delay)
                self._apply(ev)
        finally:
            stop.set()
            ticker.join()
        self.result = res
        self._finish(res)

    def _run_live(self) -> None:
        self.status.value = _("{live}: preparing the VM (probing KVM, building its initramfs) …").format(
            live=_(LIVE_BADGE))
        stop = threading.Event()
        started = threading.Event()
        with_gvisor, why = gvisor_available()
        if not with_gvisor:
            self._skip("gvisor", why)

        def on_event(ev: Event) -> None:
            if not started.is_set():
                started.set()
                self._t0 = time.perf_counter() - ev.t_ms / 1000
                self.status.value = _("{live}: racing on this machine now: a container vs a VM booting its own "
                                      "kernel …").format(live=_(LIVE_BADGE))
                threading.Thread(target=self._ticker, args=(stop,), daemon=True).start()
            self._apply(ev)

        try:
            res = race_live(on_event, accel=self.accel, vm_timeout=self.vm_timeout, gvisor=with_gvisor)
        finally:
            stop.set()
        res.events = sorted(self.events, key=lambda e: e.t_ms)
        self.result = res
        self._finish(res)

    def _skip(self, lane: str, why: str) -> None:
        with self._lock:
            self._skipped.add(lane)
            self.labels[lane].value = "<small>" + _("not in this race: {why}").format(why=html.escape(why[:120])) + \
                "</small>"

    def _finish(self, res: RaceResult) -> None:
        head = self.status.value if res.source == "replay" else _("{live}: measured just now.").format(
            live=_(LIVE_BADGE))
        self.status.value = f"{head}<br>" + _("<b>Result:</b> {summary}").format(summary=html.escape(res.summary()))

    def wait(self, timeout: float = 300.0) -> RaceResult | None:
        """Block until the race started by a click has finished; returns the result (None on error)."""
        self.done.wait(timeout)
        return self.result


def race(**kwargs) -> RaceWidget:
    """Make a race widget (display it as the last line of a cell)."""
    return RaceWidget(**kwargs)
