"""A container by hand (notebook 05b): config building and safety checks, the exercise checkers, the
recorded runs, and (root + runc + engine) real runc runs that leave nothing behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from vlab.core.errors import BadParameter
from vlab.core.replay import load
from vlab.labs import by_hand


def test_make_config_has_the_namespaces_limits_and_safety():
    cfg = by_hand.make_config(["pid", {"type": "mount"}, "uts"], memory=1 << 25, pids=8)
    assert [n["type"] for n in cfg["linux"]["namespaces"]] == ["pid", "mount", "uts"]
    assert cfg["linux"]["resources"] == {"memory": {"limit": 1 << 25, "swap": 1 << 25}, "pids": {"limit": 8}}
    assert cfg["root"]["readonly"] is True and cfg["hostname"] == by_hand.HOSTNAME
    assert not any(cfg["process"]["capabilities"].values())
    assert all(not m["source"].startswith("/") for m in cfg["mounts"])
    assert "hostname" not in by_hand.make_config(["pid", "mount"])  # runc refuses a hostname without UTS
    assert "memory" not in by_hand.make_config(memory=None)["linux"]["resources"]


@pytest.mark.parametrize("namespaces", [["net", "mount"], ["pid"], ["mount", "user"], ["mount", "mount"], "mount",
                                        [{"type": "network", "path": "/proc/1/ns/net"}, "mount"]])
def test_bad_namespace_lists_are_refused(namespaces):
    with pytest.raises(BadParameter):
        by_hand.make_config(namespaces)


def test_unsafe_configs_are_refused():
    cfg = by_hand.make_config()
    for change in (lambda c: c["root"].update(readonly=False),
                   lambda c: c["mounts"].append({"destination": "/host", "type": "bind", "source": "/"}),
                   lambda c: c["process"]["capabilities"].update(effective=["CAP_SYS_ADMIN"])):
        bad = by_hand.make_config()
        change(bad)
        with pytest.raises(BadParameter):
            by_hand.check_config(bad)
    by_hand.check_config(cfg)


def test_variants_are_recognised_from_configs():
    for name in by_hand.VARIANTS:
        assert by_hand.variant_of(by_hand.variant_config(name)) == name
    assert by_hand.variant_of(by_hand.make_config(pids=3)) is None


def test_config_parts_checker():
    ns = [{"type": t} for t in by_hand.DEFAULT_NAMESPACES]
    res = {"memory": {"limit": 32 * 1024 * 1024}, "pids": {"limit": 16}}
    assert by_hand.check_config_parts(ns, res).status == "pass"
    assert by_hand.check_config_parts([{"type": "pid"}, ...], {"memory": {"limit": ...}}).status == "not yet"
    fb = by_hand.check_config_parts([{"type": "net"}, *ns[1:]], res)
    assert fb.status == "wrong" and "net" in fb.message
    assert "missing ['uts']" in by_hand.check_config_parts([n for n in ns if n["type"] != "uts"], res).message
    assert "32 MiB" in by_hand.check_config_parts(ns, {"memory": {"limit": 32}, "pids": {"limit": 16}}).message


def test_without_uts_and_hostname_checkers():
    ns = [{"type": t} for t in by_hand.DEFAULT_NAMESPACES]
    assert by_hand.check_without_uts([n for n in ns if n["type"] != "uts"], ns).status == "pass"
    assert by_hand.check_without_uts(ns, ns).status == "wrong"
    assert by_hand.check_without_uts([{"type": "pid"}], ns).status == "wrong"
    assert by_hand.check_without_uts(..., ns).status == "not yet"
    sec = {"hostname": "vm", "host_hostname": "vm"}
    assert by_hand.check_hostname_verdict(True, sec).status == "pass"
    assert by_hand.check_hostname_verdict(False, sec).status == "wrong"
    assert by_hand.check_hostname_verdict("yes", sec).status == "wrong"
    assert by_hand.check_hostname_verdict(..., {}).status == "not yet"


def test_the_recording_shows_what_each_namespace_does():
    rec = load("by_hand")
    out = {(r.variant, r.probe): r.output for r in rec.samples.itertuples()}
    host = rec.extra["host_hostname"]
    assert out[("full", "hostname")] == by_hand.HOSTNAME and out[("no_uts", "hostname")] == host
    assert out[("full", "my_pid")] == "1" and int(out[("no_pid", "my_pid")]) > 1
    assert int(out[("no_pid", "processes")]) > int(out[("full", "processes")])
    assert out[("full", "alloc")] == "exit 137" and out[("no_memory_limit", "alloc")] == "exit 0"


def _can_run_runc() -> bool:
    return bool(shutil.which("runc")) and os.geteuid() == 0


@pytest.mark.skipif(not _can_run_runc(), reason="needs root and runc")
def test_runc_runs_a_config_and_leaves_nothing(engine):
    before = set(os.listdir(tempfile.gettempdir()))
    with by_hand.Bundle(engine) as bundle:
        folder = bundle.dir
        assert (folder / "rootfs" / "bin" / "busybox").exists()
        out = bundle.run(by_hand.make_config(args=["/bin/sh", "-c", "echo @@h; hostname; echo @@p; echo $$"]))
        state = bundle.state
        # runc's own list, in the bundle's state root (the folder runc ran with): the container is gone after the run
        listed = subprocess.run([bundle.runc, "--root", str(state), "list", "-q"], capture_output=True, text=True)
        assert listed.returncode == 0 and listed.stdout.split() == [], listed
    assert out.exit_code == 0 and out.sections() == {"h": by_hand.HOSTNAME, "p": "1"}
    assert not Path(folder).exists() and not state.exists()
    assert not {n for n in set(os.listdir(tempfile.gettempdir())) - before if n.startswith("vlab-runc-")}
