"""Foundation against the real engine: connection, images, sandbox defaults, doctor, clean-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vlab.core import errors, images, sandbox, settings
from vlab.core.engine import connect, describe

pytestmark = pytest.mark.engine


def test_describe_engine(engine):
    info = describe(engine)
    assert info.server_version and info.api_version >= "1.41"
    assert info.cgroup_version in {"1", "2"} and info.storage_driver
    raw = engine.info()
    assert info.default_runtime == raw["DefaultRuntime"] and info.default_runtime in info.runtimes
    # every runtime the engine lists, less containerd's shim names (ways to reach runc, not runtimes)
    listed = sorted(raw["Runtimes"])
    assert info.runtimes == [n for n in listed if not n.startswith("io.containerd.") or n == info.default_runtime]
    assert info.os == "linux"


def test_images_build_is_idempotent(engine):
    tag = images.build("busybox", engine)
    first = engine.api.inspect_image(tag)["Id"]
    assert images.build("busybox", engine) == tag
    assert engine.api.inspect_image(tag)["Id"] == first  # cached, not rebuilt
    size = engine.api.inspect_image(tag)["Size"]
    assert size < 5 * 1024**2  # a static busybox image stays tiny
    assert engine.api.inspect_image(images.ensure("fat", engine))["Size"] > size + 60 * 1024**2


def test_sandbox_defaults_on_real_hostconfig(engine):
    res = sandbox.run(["sh", "-c", "echo $$; grep CapEff /proc/self/status"], purpose="test-defaults")
    hc = res.host_config
    pid, cap_eff = res.stdout.splitlines()
    assert pid.strip() == "1"
    # Docker reports CapDrop ["ALL"]; Podman lists each dropped capability. Either way: none left.
    assert cap_eff.split() == ["CapEff:", "0000000000000000"] and not hc["CapAdd"]
    assert hc["CapDrop"] == ["ALL"] or {"CHOWN", "KILL", "SETUID", "NET_RAW"} <= set(hc["CapDrop"])
    assert hc["Privileged"] is False and hc["NetworkMode"] == "none"
    assert hc["Memory"] == sandbox.parse_memory(sandbox.DEFAULT_MEMORY) and hc["PidsLimit"] == sandbox.DEFAULT_PIDS
    assert "no-new-privileges" in hc["SecurityOpt"]
    assert not any("docker.sock" in b for b in (hc.get("Binds") or []))
    info = engine.api.containers(all=True, filters={"id": res.container_id})
    assert info == []  # removed


def test_sandbox_labels_and_removal_on_exception(engine):
    with pytest.raises(RuntimeError):
        with sandbox.start(purpose="test-exception") as box:
            labels = box.inspect()["Config"]["Labels"]
            assert labels["vlab"] == "1" and labels["vlab.run"] == settings.run_id()
            cid = box.id
            raise RuntimeError("boom")
    assert engine.api.containers(all=True, filters={"id": cid}) == []


def test_sandbox_removal_on_keyboard_interrupt(engine):
    with pytest.raises(KeyboardInterrupt):
        with sandbox.start(purpose="test-kbi") as box:
            cid = box.id
            raise KeyboardInterrupt
    assert engine.api.containers(all=True, filters={"id": cid}) == []


def test_exec_and_network_none(engine):
    with sandbox.start(purpose="test-exec") as box:
        r = box.exec("ls /sys/class/net")
        assert r.exit_code == 0 and r.stdout.split() == ["lo"]
        assert box.ip() == ""


def test_capability_by_name(engine):
    res = sandbox.run(["sh", "-c", "grep CapEff /proc/self/status"],
                      limits=sandbox.Limits(cap_add=["NET_ADMIN"]), purpose="test-cap")
    assert res.host_config["CapAdd"] == ["NET_ADMIN"]
    assert int(res.stdout.split()[1], 16) == 1 << 12  # CAP_NET_ADMIN is bit 12, and nothing else


def test_run_timeout_is_clear_error(engine):
    with pytest.raises(errors.EngineError) as exc:
        sandbox.run(["sleep", "30"], timeout=1, purpose="test-timeout")
    assert "did not finish" in exc.value.message
    assert sandbox.leftovers(this_run=True) == []


def test_clean_removes_orphans(engine):
    # an orphan like a crashed kernel would leave: created, registered nowhere
    kwargs = sandbox.create_kwargs(engine, ["sleep", "60"], purpose="test-orphan")
    cid = engine.api.create_container(**kwargs)["Id"]
    name = engine.api.inspect_container(cid)["Name"].lstrip("/")  # leftovers() lists names, not ids
    assert name in sandbox.leftovers(this_run=True)
    report = sandbox.clean(this_run=True)
    assert name in report.containers and "Removed" in str(report)
    assert engine.api.containers(all=True, filters={"id": cid}) == []
    assert sandbox.leftovers(this_run=True) == []
    assert "Nothing to clean" in str(sandbox.clean(this_run=True))


def test_doctor_json_live(engine):
    out = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--json", "--no-kvm"],
                         capture_output=True, text=True, env={**os.environ, "VLAB_MODE": ""})
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["mode"] == "live"
    assert data["engine"]["server_version"] and data["engine"]["cgroup_version"] in {"1", "2"}
    names = {c["name"] for c in data["checks"]}
    assert {"Docker engine", "Docker socket", "course images", "cgroups", "static busybox"} <= names


def test_connect_timeout_is_short_for_dead_socket(tmp_path, monkeypatch):
    import socket
    import time

    path = tmp_path / "dead.sock"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(str(path))
    srv.listen(1)  # accepts but never answers: the case that hangs docker-py for 60 s
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    t0 = time.monotonic()
    with pytest.raises(errors.EngineError):
        connect(timeout=1, fresh=True)
    elapsed = time.monotonic() - t0
    srv.close()
    monkeypatch.delenv("DOCKER_HOST")
    connect(fresh=True)
    assert elapsed < 30  # safety property: never docker-py's 60 s default


def test_an_oom_kill_has_the_engines_second_witness(engine):
    """The engine logs an ``oom`` event for a container the kernel killed, and none for one that ended well."""
    hog = sandbox.run(["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"],
                      limits=sandbox.Limits(memory="32m", pids=16), purpose="test-oom-witness")
    assert hog.exit_code == 137 and hog.oom_killed
    assert sandbox.oom_event_seen(engine, hog.container_id, 120)
    calm = sandbox.run(["true"], purpose="test-oom-witness")
    assert calm.exit_code == 0 and not calm.oom_killed
    assert not sandbox.oom_event_seen(engine, calm.container_id, 120, attempts=1)
