"""Reliability: clean-up on every exit path, engine faults, a private daemon stopped mid-run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from socketserver import UnixStreamServer

import pytest

from vlab.core import errors, sandbox
from vlab.core.engine import connect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_sigint() -> None:
    """In a child about to be interrupted: SIGINT's default disposition, even when this test run ignores it.

    A background job of a non-interactive shell (``nohup``, ``cmd &``, some CI runners) starts with SIGINT
    ignored, and children inherit that; Python then installs no KeyboardInterrupt handler at all.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _child(code: str, run_id: str, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "VLAB_RUN_ID": run_id, **env}, preexec_fn=default_sigint)


def _count(client, run_id: str) -> int:
    return len(client.api.containers(all=True, filters={"label": [f"vlab.run={run_id}"]}))


HOLD = """
from vlab.core import sandbox
import time
with sandbox.start(purpose="reliability") as box:
    print("ready", flush=True)
    time.sleep(120)
"""


@pytest.mark.engine
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_removes_containers(engine, sig):
    run_id = "rel-" + uuid.uuid4().hex[:8]
    child = _child(HOLD, run_id)
    assert child.stdout.readline().strip() == "ready"
    assert _count(engine, run_id) == 1
    child.send_signal(sig)
    child.wait(60)
    assert _count(engine, run_id) == 0, f"{sig!r} left a container behind"
    stderr = child.stderr.read()
    assert child.returncode == -sig, stderr  # the signal itself ended the child, after the clean-up
    if sig == signal.SIGTERM:
        assert "Traceback" not in stderr
    else:  # Ctrl-C arrives as KeyboardInterrupt in the learner's code; the sandbox cleans up on the way out
        assert stderr.rstrip().endswith("KeyboardInterrupt"), stderr


@pytest.mark.engine
def test_killed_kernel_leftovers_reaped_next_start(engine):
    """SIGKILL (what a kernel restart does) cannot clean up: the next vlab start must."""
    run_id = "rel-" + uuid.uuid4().hex[:8]
    child = _child(HOLD, run_id)
    assert child.stdout.readline().strip() == "ready"
    child.kill()
    child.wait(30)
    assert _count(engine, run_id) == 1  # really left behind
    # the next time vlab starts (a new kernel), mode detection reaps it
    nxt = subprocess.run([sys.executable, "-c", "from vlab.core import mode; print(mode.current().name)"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "VLAB_MODE": ""})
    assert nxt.stdout.strip() == "live", nxt.stderr
    assert _count(engine, run_id) == 0


@pytest.mark.engine
def test_reaper_spares_live_owners(engine):
    with sandbox.start(purpose="reliability-live") as box:
        sandbox.reap_orphans(engine)
        assert box.inspect()["State"]["Running"]


def test_owner_label_parsing():
    assert sandbox.owner_alive(sandbox.owner())
    assert not sandbox.owner_alive(f"{socket.gethostname()}:999999999:1")
    assert not sandbox.owner_alive("garbage")
    assert sandbox.owner_alive("another-host:1:1")


def _doctor(env: dict, *prefix: str) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "vlab", "doctor", "--no-kvm"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "VLAB_MODE": "", **env}, timeout=120)


def test_wrong_docker_host_message():
    out = _doctor({"DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert out.returncode == 1
    assert "No Docker engine answers at tcp://127.0.0.1:9" in out.stdout and "Traceback" not in out.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_socket_without_permission_message(tmp_path):
    path = tmp_path / "docker.sock"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(str(path))
    srv.listen(1)
    path.chmod(0)
    # run as root *without* CAP_DAC_OVERRIDE, so file permissions apply as for any user
    out = _doctor({"DOCKER_HOST": f"unix://{path}"}, "setpriv", "--bounding-set=-dac_override,-dac_read_search",
                  "--inh-caps=-all")
    srv.close()
    assert out.returncode == 1
    assert f"no permission on {path}" in out.stdout and "usermod -aG docker" in out.stdout


class _OldEngine(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server API
        body = b"OK" if self.path.endswith("_ping") else json.dumps(
            {"Version": "1.12.0", "ApiVersion": "1.24", "MinAPIVersion": "1.12"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if body == b"OK" else "application/json")
        self.send_header("Api-Version", "1.24")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

    def address_string(self):
        return "local"


def test_engine_too_old_message(tmp_path, monkeypatch):
    """A fake engine that speaks API 1.24 (Docker 1.12) gets its own clear message."""
    path = str(tmp_path / "old.sock")
    server = UnixStreamServer(path, _OldEngine)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        with pytest.raises(errors.EngineTooOld) as exc:
            connect(fresh=True)
        assert "1.24" in exc.value.message and "Upgrade" in exc.value.hint
    finally:
        server.shutdown()
        monkeypatch.delenv("DOCKER_HOST")
        connect(fresh=True) if shutil.which("dockerd") else None


# ------------------------------------------------------------- a real daemon stopped mid-run
@pytest.fixture(scope="module")
def private_daemon():
    if os.geteuid() != 0 or not shutil.which("dockerd"):
        pytest.skip("needs root and dockerd to run a private daemon")
    from private_daemon import PrivateDaemon

    d = PrivateDaemon()
    try:
        d.start()
    except RuntimeError as exc:
        d.destroy()
        if os.environ.get("VLAB_REQUIRE_ENGINE") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield d
    d.destroy()


LOOP = """
import json, sys
from vlab.core import sandbox, errors
done = []
try:
    for i in range(400):
        sandbox.run(["true"], purpose="fault-loop")
        done.append(i)
        print(len(done), flush=True)
except errors.VlabError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": exc.message, "kept": len(done)}), flush=True)
    sys.exit(1)
"""


def _wait_for_destroys(host: str, n: int, timeout: float = 300) -> None:
    """Block until the daemon at ``host`` has removed ``n`` containers (trials finished)."""
    import docker

    client = docker.DockerClient(base_url=host, timeout=timeout)
    seen = 0
    for _ in client.api.events(decode=True, filters={"type": "container", "event": "destroy"}):
        seen += 1
        if seen >= n:
            return


@pytest.mark.daemon
def test_daemon_stopped_mid_benchmark_keeps_samples_then_recovers(private_daemon, tmp_path):
    env = {**os.environ, "DOCKER_HOST": private_daemon.host, "VLAB_MODE": "", "VLAB_QUICK": ""}
    prep = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--no-kvm"], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=300)
    assert prep.returncode == 0, prep.stdout + prep.stderr
    out = tmp_path / "start.json"
    bench = subprocess.Popen([sys.executable, "-m", "vlab", "bench", "start", "--trials", "300", "--no-progress",
                              "--configs", "auto_remove", "--json", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**env, "VLAB_RUN_ID": "fault-bench"})
    _wait_for_destroys(private_daemon.host, 8)
    private_daemon.stop()  # the daemon goes away mid-benchmark
    stdout, stderr = bench.communicate(timeout=300)
    assert bench.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("error:") and ("engine" in stderr.lower() or "daemon" in stderr.lower())
    assert "fix:" in stderr
    assert out.exists(), stdout + stderr
    saved = json.loads(out.read_text())  # the samples taken so far were saved
    assert saved["partial"] is True and len(saved["samples"]) > 0
    # the daemon comes back: the next call works, and `vlab clean` clears what the dead run held
    private_daemon.start()
    again = subprocess.run([sys.executable, "-m", "vlab", "bench", "start", "--trials", "2", "--no-progress",
                            "--configs", "auto_remove", "--json", str(tmp_path / "again.json")], cwd=ROOT,
                           capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((tmp_path / "again.json").read_text())["partial"] is False
    cl = subprocess.run([sys.executable, "-m", "vlab", "clean"], cwd=ROOT, capture_output=True, text=True, env=env,
                        timeout=120)
    assert cl.returncode == 0
    import docker

    assert docker.DockerClient(base_url=private_daemon.host).api.containers(all=True, filters={"label": ["vlab"]}) == []


@pytest.mark.engine
def test_sigint_partway_through_a_loop(engine):
    run_id = "rel-" + uuid.uuid4().hex[:8]
    child = _child(LOOP, run_id)
    for _ in range(2):
        assert child.stdout.readline().strip().isdigit()
    child.send_signal(signal.SIGINT)
    child.wait(60)
    time.sleep(0.5)
    assert _count(engine, run_id) == 0


def _context_dir(tmp_path, name: str, host: str) -> dict:
    """A docker CLI config dir whose current context ``name`` points at ``host``."""
    import hashlib

    cfg = tmp_path / "docker-config"
    meta = cfg / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps(
        {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))
    (cfg / "config.json").write_text(json.dumps({"currentContext": name}))
    env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    return {**env, "DOCKER_CONFIG": str(cfg), "VLAB_MODE": ""}


def test_docker_context_pointing_at_a_stopped_vm(tmp_path):
    env = _context_dir(tmp_path, "colima", f"unix://{tmp_path}/colima.sock")
    out = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--no-kvm"], cwd=ROOT, capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "docker context 'colima'" in out.stdout and "colima start" in out.stdout


def test_docker_context_env_var_is_followed(tmp_path):
    """DOCKER_CONTEXT picks the context even when config.json names none (docker-py >= 7.2 follows it)."""
    env = _context_dir(tmp_path, "colima", f"unix://{tmp_path}/colima.sock")
    (tmp_path / "docker-config" / "config.json").write_text("{}")
    out = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--no-kvm"], cwd=ROOT, capture_output=True,
                         text=True, env={**env, "DOCKER_CONTEXT": "colima"}, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "docker context 'colima'" in out.stdout and f"{tmp_path}/colima.sock" in out.stdout


@pytest.mark.engine
def test_docker_context_is_followed_and_vm_flagged(engine, tmp_path):
    env = _context_dir(tmp_path, "desktop-linux", "unix:///var/run/docker.sock")
    out = subprocess.run([sys.executable, "-m", "vlab", "doctor", "--json", "--no-kvm"], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=120)
    data = json.loads(out.stdout)
    assert data["mode"] == "live" and data["engine"]["context"] == "desktop-linux" and data["engine"]["in_vm"]
    line = next(c for c in data["checks"] if c["name"] == "engine location")
    assert "inside a VM" in line["detail"] and "uname -r" in line["fix"]
