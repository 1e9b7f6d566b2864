"""Notebook 05's checkers and prediction, on the shipped recording and on this process's own namespaces."""

from __future__ import annotations

from vlab.core.replay import load
from vlab.labs import namespaces


def test_shared_namespaces_checker():
    views = load("ns_views")
    want = namespaces.shared_with_host(views)
    assert want == ["cgroup", "time", "user"]  # the recording: cgroup v1 host cgroupns, no userns, no time ns
    assert namespaces.check_shared_namespaces(want, views).status == "pass"
    assert namespaces.check_shared_namespaces(list(reversed(want)), views).status == "pass"
    assert namespaces.check_shared_namespaces(..., views).status == "not yet"
    own = namespaces.check_shared_namespaces(["ipc", "pid"], views)
    assert own.status == "wrong" and "of its own" in own.message
    assert "missing ['user']" in namespaces.check_shared_namespaces(["cgroup", "time"], views).message
    assert namespaces.check_shared_namespaces("time", views).status == "wrong"
    assert namespaces.check_shared_namespaces(["mnt", "bogus"], views).status == "wrong"


def test_ns_reader_checker():
    import os

    def right(pid):
        d = f"/proc/{pid}/ns"
        return {n: os.readlink(f"{d}/{n}") for n in os.listdir(d)}

    assert namespaces.check_ns_reader(right).status == "pass"
    assert namespaces.check_ns_reader(lambda pid: ...).status == "not yet"
    assert namespaces.check_ns_reader(lambda pid: {"pid": "pid:[1]"}).status == "wrong"
    assert namespaces.check_ns_reader(lambda pid: {**right(pid), "pid": "pid:[1]"}).status == "wrong"
    assert namespaces.check_ns_reader(lambda pid: 3).status == "wrong"
    assert namespaces.check_ns_reader("not a function").status == "wrong"


def test_prediction_is_set_against_the_measurement():
    views = load("ns_views")
    assert "exactly right" in namespaces.compare_prediction(3, views)
    assert "more isolated" in namespaces.compare_prediction(5, views)
    assert "shares more" in namespaces.compare_prediction(0, views)
    assert "No prediction" in namespaces.compare_prediction(None, views)
    assert namespaces.recorded_pid_namespaces()["container"].startswith("pid:[")
