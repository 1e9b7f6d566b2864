"""Engines: the product named right, rlimits that fit, and every engine error in its own class.

The error tests replay real replies captured from Docker 20.10 and Podman 4.3 on this machine
(``tests/engines/engine_errors.json``, made by ``tests/engines/capture_errors.py``), then check the
same classes live on whatever engine ``DOCKER_HOST`` points at (the Podman pass runs this file
against a Podman API service).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import docker
import docker.errors
import pytest
import requests

from vlab.core import errors, sandbox
from vlab.core.engine import (
    EngineInfo,
    container_rlimits,
    describe,
    guarded,
    product,
    translate,
)

RECORDED = json.loads((Path(__file__).parent / "engines" / "engine_errors.json").read_text())

EXPECTED = {
    "image_missing": errors.ImageMissing,
    "container_gone": errors.ContainerGone,
    "conflict": errors.EngineConflict,
    "rejected": errors.EngineRejected,
    "rejected_option": errors.EngineRejected,
    "runtime_refused": errors.RuntimeRefused,
    "command_missing": errors.RuntimeRefused,
    "too_old": errors.EngineTooOld,
    "socket_permission": errors.EnginePermissionDenied,
    "not_running": errors.EngineNotRunning,
}
CASES = [(eng, case, rec) for eng, data in sorted(RECORDED.items()) for case, rec in sorted(data["cases"].items())]


def rebuild(rec: dict) -> BaseException:
    """The exception docker-py raised, rebuilt from its recorded type, status and reply."""
    cls = getattr(docker.errors, rec["type"])
    if rec["status"] is None:
        return cls(rec["str"])
    resp = requests.Response()
    resp.status_code, resp.reason, resp.url = rec["status"], rec["reason"], rec["url"]
    return cls(rec["str"].split(" (")[0], response=resp, explanation=rec["explanation"])


def test_recordings_cover_every_class_on_both_engines():
    assert {"docker", "podman"} <= set(RECORDED)
    for eng in ("docker", "podman"):
        missing = set(EXPECTED) - set(RECORDED[eng]["cases"]) - {"too_old"}  # Podman accepts any old API
        assert not missing, f"{eng} recordings lack {missing}"


@pytest.mark.parametrize(("eng", "case", "rec"), CASES, ids=[f"{e}-{c}" for e, c, _ in CASES])
def test_recorded_error_is_classified(eng, case, rec, monkeypatch):
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    exc = rebuild(rec)
    with pytest.raises(errors.EngineError) as info:
        with guarded("testing"):
            raise exc
    err = info.value
    assert type(err) is EXPECTED[case], f"{eng} {case}: {type(err).__name__}: {err}"
    if case != "socket_permission":
        assert not isinstance(err, errors.EnginePermissionDenied)
        assert "docker group" not in str(err)
    words = rec["explanation"] or rec["str"]
    assert " ".join(words.split())[:60] in err.message, "the daemon's own words must be kept"


@pytest.mark.parametrize("eng", ["docker", "podman"])
def test_runtime_refusal_is_never_a_socket_problem(eng):
    """The bug in issue 15: runc's "operation not permitted: OCI permission denied" was reported
    as "Permission denied on the Docker socket … add yourself to the docker group"."""
    err = translate(rebuild(RECORDED[eng]["cases"]["runtime_refused"]), during="timing a start")
    assert isinstance(err, errors.RuntimeRefused)
    assert "rlimit type 7: operation not permitted" in err.message
    assert "usermod" not in err.hint and "rlimit" in err.hint


def test_permission_error_itself_is_the_socket():
    assert isinstance(translate(PermissionError(13, "Permission denied")), errors.EnginePermissionDenied)
    wrapped = requests.exceptions.ConnectionError("Connection aborted.")
    wrapped.__context__ = PermissionError(13, "Permission denied")
    assert isinstance(translate(wrapped), errors.EnginePermissionDenied)


def test_product_names():
    podman = {"Components": [{"Name": "Podman Engine", "Version": "4.3.1"},
                             {"Name": "OCI Runtime (runc)", "Version": "runc version 1.1.5+ds1\ncommit: x"}]}
    docker_engine = {"Components": [{"Name": "Engine", "Version": "20.10.24"}, {"Name": "runc", "Version": "1.1.5"}]}
    assert product(podman) == "Podman"
    assert product(docker_engine, "Debian GNU/Linux 12 (bookworm)") == "Docker Engine"
    assert product(docker_engine, "Docker Desktop") == "Docker Desktop"
    info = EngineInfo("4.3.1", "1.41", "linux", "6.1", "debian", "x86_64", 2, 1, "overlay", "1", "cgroupfs",
                      "runc", ["runc"], True, False, product="Podman", runtime_version="1.1.5")
    assert info.name == "Podman 4.3.1 (rootless, runtime runc 1.1.5)"


# ------------------------------------------------------------------ live, on the engine in use
def test_describe_names_the_engine_in_use(engine):
    info = describe(engine)
    comps = " ".join(c.get("Name", "") for c in engine.version().get("Components") or [])
    assert info.product == ("Podman" if "Podman" in comps else info.product)
    assert info.product in {"Docker Engine", "Docker Desktop", "Podman"}
    assert info.default_runtime in info.runtimes
    if info.product == "Podman":
        assert info.runtimes == [info.default_runtime]  # Podman ignores HostConfig.Runtime


def test_container_rlimits_are_what_the_container_gets(engine):
    want = container_rlimits()
    assert 0 < want["nofile"] <= 1 << 20 and 0 < want["nproc"] <= 1 << 22
    out = sandbox.run(["sh", "-c", "ulimit -Hn; ulimit -Sn; ulimit -Hu"])
    assert out.exit_code == 0, out
    assert out.stdout.split() == [str(want["nofile"]), str(want["nofile"]), str(want["nproc"])]


def test_live_runtime_refusal_is_classified(engine):
    """Ask the runtime for an rlimit above the engine's own with every capability dropped: the
    runtime refuses (runc: "error setting rlimit … operation not permitted") on Docker and Podman."""
    above = min(container_rlimits()["nofile"] * 2, 1 << 20)
    if above <= container_rlimits()["nofile"]:
        pytest.skip("the engine's nofile limit is already the kernel's ceiling")
    hc = engine.api.create_host_config(network_mode="none", cap_drop=["ALL"],
                                       ulimits=[docker.types.Ulimit(name="nofile", soft=above, hard=above)])
    cid = engine.api.create_container("vlab/busybox:1", ["true"], host_config=hc, labels=sandbox.labels("test"))["Id"]
    try:
        with pytest.raises(errors.RuntimeRefused) as info:
            with guarded("starting a container"):
                engine.api.start(cid)
        assert "operation not permitted" in info.value.message
    finally:
        engine.api.remove_container(cid, force=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a probe as nobody")
def test_live_socket_permission_as_an_ordinary_user(engine):
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    path = host.removeprefix("unix://")
    if not host.startswith("unix://") or os.stat(path).st_mode & 0o006:
        pytest.skip(f"{host} is not a socket closed to other users")
    site = str(Path(docker.__file__).parent.parent)
    repo = str(Path(__file__).resolve().parent.parent)
    probe = ("from vlab.core.engine import connect\nfrom vlab.core.errors import VlabError\n"
             "try:\n    connect()\nexcept VlabError as e:\n    print(type(e).__name__)\n")
    out = subprocess.run(["/usr/bin/python3", "-c", probe], capture_output=True, text=True, user="nobody",
                         cwd="/tmp", env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DOCKER_HOST": host,
                                          "PYTHONPATH": f"{repo}:{site}"}, timeout=60)
    assert out.stdout.strip() == "EnginePermissionDenied", out.stderr[-2000:]


def test_runtimes_a_container_can_ask_for():
    from vlab.core.engine import usable_runtimes

    podman = {"Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]}
    docker_v = {"Components": [{"Name": "Engine", "Version": "20.10.24"}]}
    listed = {"Runtimes": {"crun": {}, "kata": {}, "runc": {}, "runsc": {}}}
    assert usable_runtimes(listed, podman, "runc") == ["runc"]  # HostConfig.Runtime is ignored there
    assert usable_runtimes(listed, docker_v, "runc") == ["crun", "kata", "runc", "runsc"]
    rootless = {"Runtimes": {"io.containerd.runc.v2": {}, "io.containerd.runtime.v1.linux": {}, "runc": {}}}
    assert usable_runtimes(rootless, docker_v, "runc") == ["runc"]


def test_nproc_stands_in_for_pids_above_what_the_engine_user_runs(engine):
    from vlab.core.engine import nproc_in_place_of_pids

    n = nproc_in_place_of_pids(32)
    assert 32 < n <= container_rlimits()["nproc"]
    assert nproc_in_place_of_pids(64) == min(n + 32, container_rlimits()["nproc"]) or abs(
        nproc_in_place_of_pids(64) - n - 32) < 50  # other tasks come and go on a shared host


class _FakeClient:
    def __init__(self, components, default_runtime="runc"):
        self._components, self._default = components, default_runtime

    def version(self):
        return {"Components": [{"Name": n, "Version": "1"} for n in self._components]}

    def info(self):
        return {"DefaultRuntime": self._default}


def test_a_runtime_podman_would_ignore_is_refused():
    from vlab.core.engine import check_runtime_selectable

    podman = _FakeClient(["Podman Engine", "OCI Runtime (runc)"])
    with pytest.raises(errors.EngineRejected, match="ignores the runtime"):
        check_runtime_selectable(podman, "runsc")
    check_runtime_selectable(podman, "runc")  # the service's own runtime is fine
    check_runtime_selectable(_FakeClient(["Engine", "runc"]), "runsc")  # Docker honours HostConfig.Runtime


def test_live_runtime_choice_on_this_engine(engine):
    if describe(engine).product != "Podman":
        pytest.skip("only Podman ignores HostConfig.Runtime")
    with pytest.raises(errors.EngineRejected):
        sandbox.run(["true"], limits=sandbox.Limits(runtime="crun"))
