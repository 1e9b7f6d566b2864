"""Unit tests of the foundation: no Docker daemon needed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from vlab.core import errors, images, results, sandbox, settings, stats
from vlab.core.engine import engine_in_vm, translate


def test_error_str_has_fix_hint():
    err = errors.EngineNotRunning("No Docker engine answers.")
    text = str(err)
    assert text.startswith("No Docker engine answers.")
    assert "→ fix:" in text and "Docker" in text
    assert "Traceback" not in "".join(err._render_traceback_())


def test_every_error_class_has_a_hint():
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.VlabError)]
    assert len(classes) >= 9
    for cls in classes:
        assert cls.hint and len(cls.hint.splitlines()) == 1, cls


@pytest.mark.parametrize("text,expected", [
    ("64m", 64 * 1024**2), ("1g", 1024**3), ("512k", 512 * 1024), (32 * 1024**2, 32 * 1024**2),
    ("128MB", 128 * 1024**2), ("1.5g", int(1.5 * 1024**3)),
])
def test_parse_memory(text, expected):
    if expected < 6 * 1024**2:
        with pytest.raises(errors.BadParameter):
            sandbox.parse_memory(text)
    else:
        assert sandbox.parse_memory(text) == expected


@pytest.mark.parametrize("bad", ["64x", "lots", "", "-5m", "10t", True, 3.5, None, "5g", "1m"])
def test_parse_memory_rejects_bad_units(bad):
    with pytest.raises(errors.BadParameter) as exc:
        sandbox.parse_memory(bad)
    assert "memory" in exc.value.message


@given(st.text(max_size=12))
def test_parse_memory_never_crashes_on_text(text):
    try:
        n = sandbox.parse_memory(text)
    except errors.BadParameter:
        event("rejected")
        return
    event("accepted")
    assert 6 * 1024**2 <= n <= sandbox.MAX_MEMORY_BYTES


@given(st.sampled_from([("k", 1024), ("K", 1024), ("kb", 1024), ("m", 1024**2), ("MB", 1024**2), ("g", 1024**3),
                        ("", 1), ("b", 1)]).flatmap(
    lambda u: st.tuples(st.just(u[0]), st.just(u[1]),
                        st.integers(-(-6 * 1024**2 // u[1]), sandbox.MAX_MEMORY_BYTES // u[1]))))
def test_parse_memory_accepts_every_size_in_range(unit_factor_n):
    """The accepting branch, generated on purpose: every well-formed size from 6 MiB to 4 GiB is parsed exactly."""
    unit, factor, n = unit_factor_n
    assert sandbox.parse_memory(f"{n}{unit}") == n * factor
    assert sandbox.parse_memory(f" {n} {unit} ") == n * factor


@given(st.integers(1, 6 * 1024**2 - 1) | st.integers(sandbox.MAX_MEMORY_BYTES + 1, 2**40))
def test_parse_memory_refuses_every_size_out_of_range(n):
    with pytest.raises(errors.BadParameter):
        sandbox.parse_memory(n)
    with pytest.raises(errors.BadParameter):
        sandbox.parse_memory(f"{n}b")


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_pids_validation(n):
    if 1 <= n <= 4096:
        assert sandbox.check_pids(n) == n
    else:
        with pytest.raises(errors.BadParameter):
            sandbox.check_pids(n)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_cpus_validation(x):
    if 0.01 <= x <= 64:  # NaN compares False: refused
        event("accepted")
        assert sandbox.check_cpus(x) == x
    else:
        event("rejected")
        with pytest.raises(errors.BadParameter):
            sandbox.check_cpus(x)


@given(st.floats(0.01, 64) | st.integers(1, 64))
def test_cpus_accepts_every_count_in_range(x):
    assert sandbox.check_cpus(x) == float(x) and type(sandbox.check_cpus(x)) is float


def test_limits_defaults_and_validation():
    lim = sandbox.Limits()
    assert lim.network == "none" and lim.pids == sandbox.DEFAULT_PIDS and lim.memory_bytes > 0
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(network="wifi")
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(cap_add=["FLY"])
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(security_opt=["privileged"])
    assert sandbox.Limits(cap_add=["cap_net_admin"]).cap_add == ("NET_ADMIN",)


@pytest.mark.parametrize("mode", ["host", "private", "container:", "", 5])
def test_limits_refuse_host_namespaces(mode):
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(pid_mode=mode)
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(ipc_mode=mode)


def test_limits_share_another_containers_namespace():
    lim = sandbox.Limits(pid_mode="container:abc", ipc_mode="container:abc")
    assert lim.pid_mode == "container:abc" and lim.ipc_mode == "container:abc"


def test_limits_are_immutable_after_validation():
    import dataclasses

    lim = sandbox.Limits(memory="64m", binds={"/tmp": {"bind": "/data"}})
    for name, value in (("pid_mode", "host"), ("binds", {"/": {"bind": "/host"}}), ("memory_bytes", 2**40),
                        ("cap_add", ("SYS_ADMIN",))):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(lim, name, value)
    assert lim.memory_bytes == 64 * 1024**2 and lim.pid_mode is None and lim.cap_add == ()


def test_docker_socket_is_never_mounted():
    class FakeApi:
        def create_host_config(self, **kw):
            return kw

    class FakeClient:
        api = FakeApi()

    hc = sandbox.host_config(FakeClient(), sandbox.Limits())
    assert hc["cap_drop"] == ["ALL"] and hc["privileged"] is False and hc["network_mode"] == "none"
    assert hc["mem_limit"] > 0 and hc["pids_limit"] > 0
    with pytest.raises(errors.BadParameter):
        sandbox.host_config(FakeClient(), sandbox.Limits(binds={"/var/run/docker.sock": {"bind": "/s"}}))


@pytest.mark.parametrize("path", ["/var/run", "/", "/run", "/var", "/var/run/docker.sock", "/run/docker.sock",
                                  "/var/run/../run/docker.sock", "/run/podman/podman.sock", "/run/podman",
                                  "/run/containerd/containerd.sock", "~/.docker/run/docker.sock"])
def test_socket_guard_refuses_the_socket_and_every_ancestor(path):
    with pytest.raises(errors.BadParameter) as exc:
        sandbox.Limits(binds={path: {"bind": "/mnt", "mode": "ro"}})
    assert "Docker socket" in exc.value.message


def test_socket_guard_refuses_symlinks_and_the_docker_host_socket(tmp_path, monkeypatch):
    (tmp_path / "to-socket").symlink_to("/var/run/docker.sock")
    (tmp_path / "to-run").symlink_to("/var/run")
    (tmp_path / "to-root").symlink_to("/")
    engine_dir = tmp_path / "engine"
    engine_dir.mkdir()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{engine_dir}/api.sock")  # a private engine's socket
    for link in ("to-socket", "to-run", "to-root", "engine", "engine/api.sock"):
        with pytest.raises(errors.BadParameter):
            sandbox.Limits(binds={str(tmp_path / link): {"bind": "/mnt"}})
    with pytest.raises(errors.BadParameter):  # the parent of the DOCKER_HOST socket's folder, too
        sandbox.Limits(binds={str(tmp_path): {"bind": "/mnt"}})
    # a checked Limits is re-checked when the HostConfig is made: the dict inside may have been changed
    lim = sandbox.Limits(binds={"/opt": {"bind": "/mnt"}})
    lim.binds["/var/run"] = {"bind": "/s"}
    with pytest.raises(errors.BadParameter):
        sandbox.host_config(None, lim)


def test_socket_guard_lets_ordinary_folders_through(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    lim = sandbox.Limits(binds={str(data): {"bind": "/data", "mode": "rw"}})
    assert lim.binds == {str(data): {"bind": "/data", "mode": "rw"}}
    with pytest.raises(errors.BadParameter):
        sandbox.Limits(binds=["/tmp:/data"])


def test_labels_carry_run_id():
    lab = sandbox.labels("x")
    assert lab["vlab"] == "1" and lab["vlab.run"] == settings.run_id() and lab["vlab.purpose"] == "x"


def test_quick_and_forced_mode(monkeypatch):
    monkeypatch.setenv("VLAB_QUICK", "1")
    assert settings.trials(30) == 3
    monkeypatch.setenv("VLAB_QUICK", "0")
    assert settings.trials(30) == 30
    monkeypatch.setenv("VLAB_MODE", "replay")
    assert settings.forced_mode() == "replay"
    monkeypatch.setenv("VLAB_MODE", "sometimes")
    with pytest.raises(errors.BadParameter):
        settings.forced_mode()


def test_engine_in_vm_detection():
    assert engine_in_vm("Docker Desktop", "5.15.49-linuxkit")
    assert engine_in_vm("Ubuntu 22.04", "5.15.90.1-microsoft-standard-WSL2")
    assert not engine_in_vm("Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64")


def test_translate_maps_exceptions():
    import docker.errors
    import requests

    assert isinstance(translate(PermissionError("denied")), errors.EnginePermissionDenied)
    assert isinstance(translate(requests.exceptions.ConnectionError("refused")), errors.EngineLost)
    assert isinstance(translate(docker.errors.ImageNotFound("no such image: x")), errors.ImageMissing)


def test_image_spec_lookup():
    assert images.spec("busybox").tag == "vlab/busybox:1"
    assert images.spec("vlab/fat:1").name == "fat"
    with pytest.raises(errors.BadParameter) as exc:
        images.spec("ubuntu")
    assert "busybox" in exc.value.hint


def test_static_elf_detection(tmp_path):
    assert not images.is_static_elf(Path(sys.executable).resolve())  # python is dynamically linked
    junk = tmp_path / "junk"
    junk.write_bytes(b"not an elf")
    assert not images.is_static_elf(junk)
    if Path("/bin/busybox").exists():
        assert images.is_static_elf(Path("/bin/busybox"))


# ----------------------------------------------------------------- stats
def test_summarize_basic():
    s = stats.summarize([1, 2, 3, 4, 100])
    assert s["n"] == 5 and s["median"] == 3 and s["min"] == 1
    assert s["ci_low"] <= s["median"] <= s["ci_high"]
    assert s["outliers"] == 1  # 100 is flagged, not dropped
    assert s["max"] == 100


@given(st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=1, max_size=60))
def test_summarize_properties(values):
    s = stats.summarize(values)
    assert s["n"] == len(values)
    assert s["min"] <= s["median"] <= s["p95"] + 1e-9 <= s["max"] + 2e-9
    assert s["ci_low"] <= s["median"] + 1e-9 and s["median"] <= s["ci_high"] + 1e-9
    assert s["iqr"] >= 0


def test_ratio_ci():
    r = stats.ratio_ci([2.0] * 10, [1.0] * 10)
    assert r["ratio"] == 2.0 and r["ci_low"] == 2.0 == r["ci_high"]
    with pytest.raises(errors.BadParameter):
        stats.ratio_ci([], [1.0])


def test_summarize_frame_groups():
    df = pd.DataFrame({"config": ["a"] * 3 + ["b"] * 3, "ms": [1, 2, 3, 10, 20, 30]})
    out = stats.summarize_frame(df, ["config"])
    assert list(out["config"]) == ["a", "b"] and list(out["median"]) == [2, 20]


# ----------------------------------------------------------------- results
def _res():
    return results.Results("demo", pd.DataFrame({"trial": [0, 1], "ms": [1.5, float("nan")]}),
                           summary=pd.DataFrame([{"median": 1.5}]), provenance={"host": "h"})


def test_results_roundtrip(tmp_path):
    path = _res().save(tmp_path / "r.json")
    back = results.load(path)
    assert back.kind == "demo" and back.samples["ms"].iloc[0] == 1.5 and back.provenance == {"host": "h"}
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed away


def test_results_save_is_atomic_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    _res().save(target)
    before = target.read_text()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(results.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        _res().save(target)
    assert target.read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name != "r.json"]


def test_results_bad_paths(tmp_path):
    with pytest.raises(errors.BadParameter):
        results.check_output_path(tmp_path / "missing" / "r.json")
    with pytest.raises(errors.BadParameter):
        results.check_output_path(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() != 0:
        with pytest.raises(errors.BadParameter):
            results.check_output_path(ro / "r.json")


@given(st.binary(max_size=200))
def test_results_loader_rejects_garbage(tmp_path_factory, blob):
    p = tmp_path_factory.mktemp("g") / "x.json"
    p.write_bytes(blob)
    try:
        results.load(p)
    except errors.DataError:
        return
    pytest.fail("garbage accepted")


@given(st.dictionaries(st.sampled_from(["format", "kind", "samples", "provenance", "summary"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=3))))
def test_results_loader_rejects_malformed_dicts(d):
    with pytest.raises(errors.DataError):
        results.from_dict(d)


# ----------------------------------------------------------------- replay
def test_replay_checksum_refuses_corrupt_file(tmp_path):
    from vlab.core import replay

    replay.save("demo", _res(), folder=tmp_path)
    assert replay.load("demo", folder=tmp_path).replayed
    p = tmp_path / "demo.json"
    p.write_text(p.read_text().replace("1.5", "9.5"))
    with pytest.raises(errors.DataError) as exc:
        replay.load("demo", folder=tmp_path)
    assert "checksum" in exc.value.message
    with pytest.raises(errors.DataError):
        replay.load("nothing", folder=tmp_path)


def test_shipped_recordings_verify():
    from vlab.core import replay

    kinds = replay.available()
    assert "first_container" in kinds
    for kind in kinds:
        assert replay.load(kind).replayed


def test_cli_help_and_bad_input():
    out = subprocess.run([sys.executable, "-m", "vlab", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "doctor" in out.stdout and "bench" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "vlab", "frobnicate"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_doctor_without_engine_exits_nonzero_with_fix():
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    out = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--no-kvm"], capture_output=True, text=True, env=env)
    assert out.returncode == 1
    assert "✗ Docker engine" in out.stdout and "→ fix:" in out.stdout and "REPLAY" in out.stdout
    assert "Traceback" not in out.stderr
    js = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--json", "--no-kvm"], capture_output=True,
                        text=True, env=env)
    data = json.loads(js.stdout)
    assert data["mode"] == "replay" and js.returncode == 1


def test_every_subpackage_is_packaged():
    import tomllib

    root = Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "vlab").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject packages: {found - listed}"
    assert conf["package-dir"]["vlab.data"] == "data"


def test_replayable_checks_arguments_in_replay_mode(monkeypatch, tmp_path):
    from vlab.core import mode, replay

    calls = []

    def check(n: int = 1) -> None:
        if n < 1:
            raise errors.BadParameter("n must be >= 1")

    @replay.replayable("first_container", check=check)
    def measure(n: int = 1):
        calls.append(n)  # real work: must not run in replay mode
        raise AssertionError("measured in replay mode")

    monkeypatch.setenv("VLAB_MODE", "replay")
    mode.current.cache_clear()
    try:
        with pytest.raises(errors.BadParameter):
            measure(0)
        assert measure(2).replayed and calls == []
    finally:
        monkeypatch.delenv("VLAB_MODE")
        mode.current.cache_clear()


def test_interrupts_deferred_holds_sigint_until_block_ends():
    import signal as sig

    found = sig.signal(sig.SIGINT, sig.default_int_handler)  # Python's own, even under `nohup` / `trap "" INT`
    try:
        reached_end = False
        with pytest.raises(KeyboardInterrupt):
            with sandbox.interrupts_deferred():
                sig.raise_signal(sig.SIGINT)
                reached_end = True  # the interrupt waited
        assert reached_end
        assert sig.getsignal(sig.SIGINT) is sig.default_int_handler
    finally:
        sig.signal(sig.SIGINT, found)


def test_interrupts_deferred_restores_the_disposition_it_found():
    import signal as sig

    seen = []

    def handler(signum, frame):
        seen.append(signum)

    found = sig.getsignal(sig.SIGINT)
    try:
        sig.signal(sig.SIGINT, handler)
        with sandbox.interrupts_deferred():
            sig.raise_signal(sig.SIGINT)
            assert seen == []  # held
        assert seen == [sig.SIGINT] and sig.getsignal(sig.SIGINT) is handler
        sig.signal(sig.SIGINT, sig.SIG_IGN)  # a background job: ignored before, ignored during and after
        with sandbox.interrupts_deferred():
            assert sig.getsignal(sig.SIGINT) is sig.SIG_IGN
            sig.raise_signal(sig.SIGINT)
        assert sig.getsignal(sig.SIGINT) is sig.SIG_IGN
    finally:
        sig.signal(sig.SIGINT, found)


def test_remove_quietly_tries_again_before_leaving_a_container_to_clean(monkeypatch):
    calls = []

    def flaky(cid, client=None):
        calls.append(cid)
        if len(calls) < 3:
            raise ConnectionError("engine busy")

    monkeypatch.setattr(sandbox, "remove", flaky)
    monkeypatch.setattr(sandbox, "REMOVE_RETRIES_S", (0, 0, 0))
    sandbox.remove_quietly("abc", client=None)
    assert calls == ["abc"] * 3  # succeeded on the third try, no further call

    calls.clear()
    monkeypatch.setattr(sandbox, "remove", lambda cid, client=None: calls.append(cid) or (_ for _ in ()).throw(OSError))
    sandbox.remove_quietly("gone", client=None)  # never raises, gives up after every retry
    assert calls == ["gone"] * 4
