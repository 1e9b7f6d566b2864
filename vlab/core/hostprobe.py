"""A host-side heartbeat: proof that the learner's machine stays responsive while a hog runs.

``HostProbe`` is a background thread that, every ``interval`` seconds, does a tiny fixed
computation and a loopback echo through a socket pair, and records how long each beat
took and how late it came. Use it as a context manager around any exercise.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

from vlab.core.errors import BadParameter


@dataclass
class ProbeReport:
    """What the heartbeat saw: one latency per beat, and the largest gap between beats."""

    latencies_ms: list[float] = field(default_factory=list)
    gaps_ms: list[float] = field(default_factory=list)

    @property
    def beats(self) -> int:
        return len(self.latencies_ms)

    @property
    def max_latency_ms(self) -> float:
        return max(self.latencies_ms, default=float("nan"))

    @property
    def max_gap_ms(self) -> float:
        return max(self.gaps_ms, default=float("nan"))

    def as_dict(self) -> dict:
        return {"beats": self.beats, "max_latency_ms": round(self.max_latency_ms, 3),
                "max_gap_ms": round(self.max_gap_ms, 3)}


def _beat(a: socket.socket, b: socket.socket) -> None:
    sum(range(2000))  # a tiny fixed computation
    a.sendall(b"x")
    if b.recv(1) != b"x":  # pragma: no cover - a loopback pair never corrupts a byte
        raise RuntimeError("loopback echo returned the wrong byte")


class HostProbe:
    """``with HostProbe() as probe: ...``; then ``probe.report`` holds every beat."""

    def __init__(self, interval: float = 0.05) -> None:
        if not isinstance(interval, int | float) or not 0.001 <= interval <= 5:
            raise BadParameter(f"interval={interval!r} must be between 0.001 and 5 seconds")
        self.interval = float(interval)
        self.report = ProbeReport()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        a, b = socket.socketpair()
        try:
            last = time.perf_counter()
            while not self._stop.is_set():
                t0 = time.perf_counter()
                _beat(a, b)
                t1 = time.perf_counter()
                self.report.latencies_ms.append((t1 - t0) * 1e3)
                self.report.gaps_ms.append((t1 - last) * 1e3)
                last = t1
                self._stop.wait(self.interval)
        finally:
            a.close()
            b.close()

    def __enter__(self) -> HostProbe:
        self._thread = threading.Thread(target=self._run, name="vlab-host-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
