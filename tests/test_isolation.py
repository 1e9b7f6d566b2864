"""Namespaces lab: parsing and notes (no daemon), then real host-vs-container probes."""

from __future__ import annotations

import pytest

from vlab.core import replay
from vlab.core.engine import describe
from vlab.core.errors import BadParameter
from vlab.labs import namespaces as isolation


def test_parse_sections_and_ns():
    text = "@@ns\npid pid:[1]\nnet net:[2]\nbogus x\n@@hostname\nabc\n"
    sec = isolation.parse_sections(text)
    assert sec["hostname"] == "abc"
    assert isolation.parse_ns(sec["ns"]) == {"pid": "pid:[1]", "net": "net:[2]"}


@pytest.mark.parametrize("ns", isolation.NS_TYPES)
def test_every_namespace_has_both_notes(ns):
    assert isolation.explain(ns, True) != isolation.explain(ns, False)
    assert ns in isolation.NS_WHAT


def test_explain_rejects_unknown_type():
    with pytest.raises(BadParameter):
        isolation.explain("nope", True)


def test_views_frame_differs_is_inequality():
    host_ns = {t: f"{t}:[1]" for t in isolation.NS_TYPES}
    cont_ns = {t: f"{t}:[{2 if t in ('pid', 'net') else 1}]" for t in isolation.NS_TYPES}
    df = isolation._views_frame(host_ns, cont_ns, {"uid": "0"}, {"uid": "0"}, "host")
    ns = df[df["group"] == "namespace"].set_index("probe")
    assert sorted(ns.index[ns["differs"]]) == ["net", "pid"]
    assert all(df["differs"] == (df["host"] != df["container"]))
    assert "CgroupnsMode here: host" in ns.loc["cgroup", "note"]


def test_shipped_recordings_load():
    for kind in ("ns_views", "ns_pid1", "ns_sharing"):
        res = replay.load(kind)
        assert res.replayed and not res.samples.empty
    assert isolation.container_pid(replay.load("ns_pid1")) == 1


def test_views_live(engine):
    res = isolation.views()
    assert {"ipc", "mnt", "net", "pid", "uts"} <= set(isolation.differing(res))
    assert "user" not in isolation.differing(res)  # no user namespace by default (rootless engines excepted)
    df = res.samples.set_index("probe")
    assert df.loc["kernel", "host"] == df.loc["kernel", "container"]
    assert df.loc["interfaces", "container"] == "lo"  # network none
    assert df.loc["pid1", "container"] == "sleep"
    assert res.extra["ps"].splitlines()[1].split()[0] == "1"
    driver = describe(engine).storage_driver
    rootfs = {"overlay2": "overlay", "overlay": "overlay", "fuse-overlayfs": "fuse.fuse-overlayfs", "btrfs": "btrfs",
              "zfs": "zfs"}
    if driver in rootfs:  # the image's layers, as the storage driver mounts them
        assert df.loc["rootfs", "container"] == rootfs[driver]
    else:
        pytest.skip(f"no known root filesystem type for storage driver {driver!r}")


def test_pid1_live(engine):
    assert isolation.container_pid(isolation.pid1()) == 1


def test_sharing_live(engine):
    res = isolation.sharing()
    df = res.samples.set_index("namespace")
    assert bool(df.loc["pid", "shared"]) and bool(df.loc["net", "shared"])
    assert not any(df.loc[["ipc", "mnt", "uts"], "shared"])
    assert res.extra["b_sees_processes"].count("sleep") == 2  # A's sleep and B's own
