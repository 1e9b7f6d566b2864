"""A private Docker daemon for fault tests: its own socket, data and exec roots, no bridge.

It runs in a network namespace of its own (``unshare --net``): a dockerd started with
``--bridge none`` deletes the host's ``docker0`` otherwise, which would break the main
engine's bridge networking. Stopping it never disturbs the main engine the suite uses.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path


class PrivateDaemon:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="vlabd-", dir="/tmp"))
        self.sock = self.root / "docker.sock"
        self.host = f"unix://{self.sock}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        log = open(self.root / "dockerd.log", "ab")
        self.proc = subprocess.Popen(
            ["unshare", "--net", "dockerd", "--host", self.host, "--data-root", str(self.root / "data"),
             "--exec-root", str(self.root / "exec"), "--pidfile", str(self.root / "docker.pid"),
             "--bridge", "none", "--iptables=false", "--ip-masq=false"],
            stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sock.exists() and self._ping():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"private dockerd did not start: {(self.root / 'dockerd.log').read_text()[-800:]}")

    def _ping(self) -> bool:
        import docker

        try:
            docker.DockerClient(base_url=self.host, timeout=2).ping()
            return True
        except Exception:  # noqa: BLE001
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def destroy(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                import docker

                c = docker.DockerClient(base_url=self.host, timeout=10)
                for ct in c.api.containers(all=True):
                    c.api.remove_container(ct["Id"], force=True)
            except Exception:  # noqa: BLE001
                pass
        self.stop()
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # containerd and shims of this daemon
            except ProcessLookupError:
                pass
        subprocess.run(["umount", "-R", str(self.root / "exec")], capture_output=True)
        for sub in ("data/overlay2", "data/containers"):
            subprocess.run(["sh", "-c", f"grep -o '{self.root}/{sub}[^ ]*' /proc/mounts | xargs -r umount -l"],
                           capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
