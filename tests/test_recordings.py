"""Recordings are never fake and always traceable; settings are validated; importing vlab changes nothing.

- ``vlab record`` refuses to run unless live, and nothing inside a recording run may replay;
- each recording file carries its own provenance; ``--only`` leaves the other files untouched;
- ``vlab record --out DIR`` then ``VLAB_RECORDING=DIR`` replays from that folder;
- ``vlab compare`` puts two machines side by side (the second made by editing a copy, here only);
- host virtualization detection on fake /proc and /sys trees;
- one settings object: wrong values refused when built;
- importing vlab and every submodule sets no environment variable and installs no signal handler;
- with ``VLAB_MODE=replay`` nothing contacts an engine (a socket we listen on stays untouched).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from vlab.core import hostprobe, mode, replay, settings
from vlab.core.errors import BadParameter, DataError

ROOT = Path(__file__).resolve().parents[1]


def _vlab(*args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env}
    for key in [k for k, v in env.items() if v is None]:
        full.pop(key)
    return subprocess.run([sys.executable, "-m", "vlab", *args], cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in full.items() if v is not None}, timeout=600)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def _copy_set(dest: Path) -> Path:
    shutil.copytree(replay.shipped_dir(), dest, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return dest


def _restamp(folder: Path, kind: str) -> None:
    """Test helper only: update a copied set's checksum after editing one of its files."""
    manifest = json.loads((folder / replay.MANIFEST).read_text())
    manifest["files"][kind]["sha256"] = hashlib.sha256((folder / f"{kind}.json").read_bytes()).hexdigest()
    (folder / replay.MANIFEST).write_text(json.dumps(manifest))


# ---------------------------------------------------------------- vlab record refuses replay
def test_record_in_replay_mode_exits_non_zero_and_changes_no_file(tmp_path):
    shipped = _snapshot(replay.shipped_dir())
    out = tmp_path / "out"
    for extra in ([], ["--out", str(out)]):
        proc = _vlab("record", "--only", "start", *extra, VLAB_MODE="replay",
                     DOCKER_HOST="unix:///nonexistent/docker.sock")
        assert proc.returncode != 0, proc.stdout
        assert proc.stderr.startswith("error: ") and "live" in proc.stderr and "Traceback" not in proc.stderr
        assert "saved" not in proc.stdout
    assert _snapshot(replay.shipped_dir()) == shipped, "a refused `vlab record` changed a shipped file"
    assert not out.exists() or not any(out.iterdir())


def test_nothing_replays_inside_a_recording_run(monkeypatch):
    monkeypatch.setenv("VLAB_MODE", "replay")
    mode.current.cache_clear()
    from vlab.labs import first_container, namespaces

    try:
        with replay.recording():
            with pytest.raises(replay.RecordingRefused):
                replay.load("start")
            with pytest.raises(replay.RecordingRefused):
                first_container.measure()
            with pytest.raises(BadParameter):  # the arguments are still checked first
                namespaces.views(network="wifi")
        assert first_container.measure().replayed  # outside a recording run, replay works as before
    finally:
        mode.current.cache_clear()


def test_save_refuses_replayed_results(tmp_path, monkeypatch):
    monkeypatch.delenv("VLAB_RECORDING", raising=False)
    res = replay.load("first_container")
    with pytest.raises(replay.RecordingRefused):
        replay.save("first_container", res, tmp_path)
    assert not (tmp_path / "first_container.json").exists()


def test_record_never_writes_into_site_packages(tmp_path):
    from vlab.cli import _record_folder

    with pytest.raises(BadParameter):
        _record_folder(str(tmp_path / "lib" / "site-packages" / "rec"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadParameter):
        _record_folder(str(tmp_path / "file"))
    assert _record_folder(str(tmp_path / "new" / "set")).is_dir()


# ---------------------------------------------------------------- per-file provenance, --out, VLAB_RECORDING
def test_shipped_recordings_make_no_false_claim_about_their_machine():
    manifest = json.loads((replay.shipped_dir() / replay.MANIFEST).read_text())
    assert "provenance" not in manifest, "provenance belongs to each recording file, not to the manifest"
    for kind, prov in replay.provenances(replay.shipped_dir()).items():
        assert "in_vm" not in (prov.get("engine") or {}), kind
        assert prov.get("host_virtualization"), f"{kind}: no statement on the host's virtualization"


@pytest.mark.engine
def test_record_only_into_a_folder_then_replay_from_it(engine, tmp_path):
    rec = _copy_set(tmp_path / "lab-pc")
    before = _snapshot(rec)
    shipped = _snapshot(replay.shipped_dir())
    proc = _vlab("record", "--out", str(rec), "--quick", "--only", "first_container", VLAB_MODE="live")
    assert proc.returncode == 0, proc.stderr
    assert str(rec) in proc.stdout and "VLAB_RECORDING=" in proc.stdout and "[1/1] first_container" in proc.stdout
    after = _snapshot(rec)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"first_container.json", replay.MANIFEST}, changed  # --only re-stamps nothing else
    assert _snapshot(replay.shipped_dir()) == shipped
    prov = json.loads((rec / "first_container.json").read_text())["provenance"]
    assert prov["recorded_by"] == "vlab record" and prov["quick"] is True
    assert isinstance(prov["host_virtualization"], dict) and "evidence" in prov["host_virtualization"]
    assert len(prov["load_before"]) == 3 and len(prov["load_after"]) == 3
    # replay from that folder: the new recording, its machine named in the banner
    code = ("from vlab.core import mode; from vlab.labs import first_container; r = first_container.measure(); "
            "print(r.replayed, r.provenance['date']); print(mode.banner().data)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "VLAB_MODE": "replay", "VLAB_RECORDING": str(rec),
                              "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert out.returncode == 0, out.stderr
    first, banner = out.stdout.split("\n", 1)
    assert first == f"True {prov['date']}"
    assert str(rec) in banner and prov["host"] in banner


def test_replay_uses_the_folder_in_vlab_recording(tmp_path, monkeypatch):
    rec = _copy_set(tmp_path / "set")
    data = json.loads((rec / "ns_pid1.json").read_text())
    data["provenance"]["host"] = "classroom-pc-17"
    (rec / "ns_pid1.json").write_text(json.dumps(data))
    monkeypatch.setenv("VLAB_RECORDING", str(rec))
    with pytest.raises(DataError):  # edited without a new checksum: refused
        replay.load("ns_pid1")
    _restamp(rec, "ns_pid1")
    assert replay.load("ns_pid1").provenance["host"] == "classroom-pc-17"
    assert "classroom-pc-17" in replay.recorded_provenance()["host"]
    monkeypatch.setenv("VLAB_RECORDING", str(tmp_path / "missing"))
    with pytest.raises(BadParameter):
        replay.recorded_dir()


# ---------------------------------------------------------------- vlab compare
def test_compare_shows_two_machines_side_by_side(tmp_path):
    a = _copy_set(tmp_path / "a")
    b = _copy_set(tmp_path / "b")
    data = json.loads((b / "start.json").read_text())
    data["provenance"]["host"] = "lab-pc-2"
    for row in data["summary"]:
        if row["config"] == "baseline" and row["phase"] == "total":
            row["median"] = 432.1
    (b / "start.json").write_text(json.dumps(data))
    _restamp(b, "start")
    png = tmp_path / "machines.png"
    proc = _vlab("compare", str(a), str(b / "start.json"), "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    set_a = replay.summarize_provenance(list(replay.provenances(a).values()))
    assert set_a["kernel"] in proc.stdout and set_a["date"] in proc.stdout  # the whole set, not one file
    header = next(ln for ln in proc.stdout.splitlines() if ln.startswith("start phases"))
    assert "vm" in header and "lab-pc-2" in header
    total = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith("total"))
    summary = replay.load("start", a).summary
    shipped = summary.query("config == 'baseline' and phase == 'total'")["median"].iloc[0]
    assert "432.1" in total and f"{shipped:.1f}" in total
    assert "ladder" in proc.stdout and "overhead ratios" in proc.stdout and "VM boot" in proc.stdout

    import matplotlib

    matplotlib.use("Agg")
    from vlab.labs import machines
    from vlab.plots.machines import plot_comparison

    comparison = machines.compare([a, b / "start.json"])
    assert list(comparison.table.columns) == ["vm", "lab-pc-2"]
    fig = plot_comparison(comparison)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["vm", "lab-pc-2"]


def test_compare_refuses_missing_and_corrupt_recordings(tmp_path):
    a = _copy_set(tmp_path / "a")
    (a / "ladder.json").write_text((a / "ladder.json").read_text().replace("runc", "crun", 1))
    proc = _vlab("compare", str(a))
    assert proc.returncode == 1 and "checksum" in proc.stderr and "Traceback" not in proc.stderr
    proc = _vlab("compare", str(tmp_path / "nothing-here"))
    assert proc.returncode == 1 and proc.stderr.startswith("error: ")


# ---------------------------------------------------------------- host virtualization
def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_the_banner_names_one_machine_once_and_gives_the_load_as_a_range(tmp_path, monkeypatch):
    rec = _copy_set(tmp_path / "set")
    kinds = sorted(p.stem for p in rec.glob("*.json") if p.name != replay.MANIFEST)
    for kind, load in zip(kinds, [0.5, 3.25] + [1.0] * (len(kinds) - 2), strict=True):
        data = json.loads((rec / f"{kind}.json").read_text())
        data["provenance"].update(host_virtualization={"virtual": False}, cpu_count=8, load_before=[load, 1, 1])
        (rec / f"{kind}.json").write_text(json.dumps(data))
        _restamp(rec, kind)
    monkeypatch.setenv("VLAB_RECORDING", str(rec))
    prov = replay.recorded_provenance()
    assert prov["machine"] == hostprobe.describe_machine({"host_virtualization": {"virtual": False}, "cpu_count": 8},
                                                         with_load=False)
    assert " / " not in prov["machine"] and "load" not in prov["machine"]
    assert prov["load"] == "0.5–3.25"


def test_virtualization_detects_a_vm_from_its_clues(tmp_path):
    vm = hostprobe.virtualization(_tree(tmp_path / "vm", {
        "proc/cpuinfo": "processor\t: 0\nflags\t\t: fpu sse2 hypervisor avx\n",
        "sys/class/dmi/id/sys_vendor": "QEMU\n",
        "proc/cmdline": "console=ttyS0 virtio_mmio.device=4K@0xd0000000:5 reboot=k\n",
    }))
    assert vm["virtual"] is True and vm["kind"] == "QEMU" and vm["machine_type"] == "microvm"
    assert len(vm["evidence"]) == 3
    fc = hostprobe.virtualization(_tree(tmp_path / "fc", {"proc/cmdline": "rdinit=/x -- --firecracker-init\n"}))
    assert fc["virtual"] is True and fc["kind"] == "Firecracker"
    metal = hostprobe.virtualization(_tree(tmp_path / "metal", {"proc/cpuinfo": "flags\t: fpu sse2 vmx\n",
                                                                 "sys/class/dmi/id/sys_vendor": "Dell Inc.\n"}))
    assert metal["virtual"] is None and metal["evidence"] == []  # no clue: no claim either way
    assert "virtual machine (QEMU, microvm)" in hostprobe.describe_machine({"host_virtualization": vm})
    assert "unknown" in hostprobe.describe_machine({})


# ---------------------------------------------------------------- settings
@pytest.mark.parametrize("env", [{"VLAB_MODE": "sometimes"}, {"VLAB_QUICK": "maybe"}, {"VLAB_RUN_ID": "a b"},
                                 {"VLAB_RUN_ID": "x" * 65}, {"VLAB_REQUIRE_ENGINE": "2"},
                                 {"VLAB_RECORDING": "/nonexistent/recordings"}])
def test_settings_refuse_wrong_values_when_built(env):
    with pytest.raises(BadParameter) as exc:
        settings.Settings.from_env(env)
    assert next(iter(env)) in exc.value.message and exc.value.hint


def test_settings_read_every_knob(tmp_path):
    s = settings.Settings.from_env({"VLAB_MODE": "Replay", "VLAB_QUICK": "yes", "VLAB_RUN_ID": "ci-42",
                                    "VLAB_RECORDING": str(tmp_path), "VLAB_VM_KERNEL": "/boot/vmlinuz",
                                    "VLAB_REQUIRE_ENGINE": "1"})
    assert (s.mode, s.forced_mode, s.quick, s.run_id, s.recording, s.require_engine) == (
        "replay", "replay", True, "ci-42", tmp_path, True)
    assert s.vm_kernel == Path("/boot/vmlinuz")
    default = settings.Settings.from_env({})
    assert default.forced_mode is None and not default.quick and default.recording is None
    assert default.run_id == settings.Settings.from_env({}).run_id  # one id per process when unset


# ---------------------------------------------------------------- importing vlab changes nothing
IMPORT_ALL = r"""
import importlib, json, os, pkgutil, signal
env = dict(os.environ)
sigs = {s: signal.getsignal(s) for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)}
import vlab
names = [i.name for i in pkgutil.walk_packages(vlab.__path__, "vlab.") if not i.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
changed_env = sorted(k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k))
changed_sig = sorted(str(s) for s, h in sigs.items() if signal.getsignal(s) != h)
print(json.dumps({"modules": len(names), "env": changed_env, "signals": changed_sig}))
"""


def test_importing_vlab_sets_no_environment_variable_and_no_signal_handler():
    env = {k: v for k, v in os.environ.items() if k != "VLAB_RUN_ID"}
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["modules"] >= 40
    assert seen["env"] == [], f"importing vlab changed the environment: {seen['env']}"
    assert seen["signals"] == [], f"importing vlab installed signal handlers: {seen['signals']}"


def test_course_begin_and_the_cli_do_the_start_up_work():
    code = ("import os, signal; from vlab import course; course.begin(); "
            "print(os.environ.get('VLAB_RUN_ID', ''), signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL)")
    env = {k: v for k, v in os.environ.items() if k != "VLAB_RUN_ID"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**env, "VLAB_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert out.returncode == 0, out.stderr
    run_id, handler = out.stdout.split()[-2:]
    assert len(run_id) == 12 and handler == "True"


# ---------------------------------------------------------------- forced replay contacts no engine
class Listener:
    """A unix socket standing in for a Docker engine: it records every connection attempt."""

    def __init__(self, path: Path) -> None:
        self.path, self.connections = path, 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def fake_engine(tmp_path):
    listener = Listener(tmp_path / "docker.sock")
    yield listener
    listener.close()


def _run_source(path: Path, env: dict) -> subprocess.CompletedProcess:
    """Run a notebook source (jupytext percent format) top to bottom as one IPython script."""
    return subprocess.run([sys.executable, "-m", "IPython", "--colors=NoColor", str(path)], cwd=ROOT / "notebooks",
                          capture_output=True, text=True, env=env, timeout=600)


def test_forced_replay_never_contacts_an_engine(fake_engine):
    env = {**os.environ, "VLAB_MODE": "replay", "DOCKER_HOST": f"unix://{fake_engine.path}", "MPLBACKEND": "Agg"}
    out = _run_source(ROOT / "notebooks" / "src" / "00_start_here.py", env)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    code = ("from vlab import doctor; from vlab.core import mode; mode.reset(); r = doctor.run(probe_kvm=False); "
            "print(r.mode); mode.reset(); print(mode.current().name)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["replay", "replay"], out.stderr
    assert fake_engine.connections == 0, "something contacted the engine although VLAB_MODE=replay was forced"


def test_the_fake_engine_does_see_a_connection_when_not_forced(fake_engine):
    """The check above can fail: without VLAB_MODE=replay the doctor does knock on the socket."""
    env = {**os.environ, "VLAB_MODE": "", "DOCKER_HOST": f"unix://{fake_engine.path}"}
    code = "from vlab import doctor; print(doctor.run(build=False, probe_kvm=False).mode)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip().endswith("replay"), out.stderr
    assert fake_engine.connections > 0
