"""DaemonEvents: a dropped event stream is counted and explained, never lost silently (issue 15, gap E)."""

from __future__ import annotations

import threading

import pandas as pd

from vlab.core.lifecycle import DaemonEvents, daemon_phases
from vlab.core.results import Results
from vlab.labs.start_time.cli import daemon_event_lines


def _event(cid: str, action: str, t: int) -> dict:
    return {"id": cid, "Action": action, "timeNano": t}


class _Api:
    def __init__(self, stream):
        self._stream = stream

    def events(self, **_kw):
        return self._stream


class _Client:
    def __init__(self, stream):
        self.api = _Api(stream)


class _Dropping:
    """An event stream that delivers one container's events, then fails as a dropped connection does."""

    def __iter__(self):
        yield from (_event("a", a, t) for a, t in (("create", 1), ("start", 2), ("die", 3), ("destroy", 4)))
        raise ConnectionResetError("Connection reset by peer")

    def close(self):
        pass


class _Blocking:
    """A stream that stays open until vlab closes it (then fails, as docker-py's does)."""

    def __init__(self):
        self._closed = threading.Event()

    def __iter__(self):
        yield _event("a", "create", 1)
        self._closed.wait(10)
        raise AttributeError("'NoneType' object has no attribute 'read'")

    def close(self):
        self._closed.set()


def test_a_dropped_stream_is_counted_with_its_reason():
    ev = DaemonEvents(_Client(_Dropping()), "test")
    ev._thread.join(5)
    report = ev.report(["a", "b", "c"], lambda evs: bool(daemon_phases(evs)))
    assert report["containers"] == 3 and report["without_daemon_events"] == 2
    assert "ConnectionResetError" in report["stream_ended_early"]
    ev.close()
    assert ev.report(["a"])["stream_ended_early"]  # closing afterwards does not hide it


def test_a_stream_closed_by_vlab_is_not_an_early_end():
    stream = _Blocking()
    ev = DaemonEvents(_Client(stream), "test")
    ev.wait_for(["a"], action="create", timeout=5)
    ev.close()
    ev._thread.join(5)
    assert ev.report(["a"]) == {"containers": 1, "without_daemon_events": 0, "stream_ended_early": None}


def test_summary_names_missing_daemon_timings():
    res = Results("start", pd.DataFrame(), extra={"daemon_events": {
        "containers": 30, "without_daemon_events": 17, "stream_ended_early": "the engine ended the event stream"}})
    [line] = daemon_event_lines(res)
    assert "17 of 30" in line and "ended early" in line
    assert daemon_event_lines(Results("start", pd.DataFrame(), extra={"daemon_events": {
        "containers": 30, "without_daemon_events": 0, "stream_ended_early": None}})) == []
    assert daemon_event_lines(Results("start", pd.DataFrame())) == []
