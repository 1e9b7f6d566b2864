"""Capture real engine error replies, one per error class, into ``engine_errors.json``.

Run against each engine (``DOCKER_HOST`` selects it), as root so the socket-permission case can
drop to ``nobody``::

    .venv/bin/python tests/engines/capture_errors.py            # the default Docker engine
    DOCKER_HOST=unix:///tmp/vlab-podman/podman.sock .venv/bin/python tests/engines/capture_errors.py

Each record keeps the exception type, the HTTP status, the daemon's explanation and ``str(exc)``
exactly as docker-py raised them; ``tests/test_engines.py`` rebuilds and classifies them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import docker
import docker.errors

OUT = Path(__file__).with_name("engine_errors.json")
IMAGE = "vlab/busybox:1"
LABELS = {"vlab": "1", "vlab.purpose": "error-capture"}


def record(exc: BaseException) -> dict:
    resp = getattr(exc, "response", None)
    return {"type": type(exc).__name__, "status": getattr(resp, "status_code", None),
            "explanation": getattr(exc, "explanation", None), "str": str(exc),
            "url": getattr(resp, "url", None), "reason": getattr(resp, "reason", None)}


def attempt(fn) -> dict:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - what we came for
        return record(exc)
    raise SystemExit(f"expected an error from {fn.__code__.co_firstlineno}")


def main() -> None:
    client = docker.from_env(version="auto")
    api = client.api
    comps = " ".join(c.get("Name", "") for c in client.version().get("Components") or [])
    engine = "podman" if "Podman" in comps else "docker"
    made: list[str] = []

    def create(**kw):
        hc = api.create_host_config(network_mode="none", **kw.pop("hc", {}))
        cid = api.create_container(IMAGE, kw.pop("command", ["true"]), host_config=hc, labels=LABELS, **kw)["Id"]
        made.append(cid)
        return cid

    cases: dict[str, dict] = {}
    try:
        cases["image_missing"] = attempt(lambda: api.create_container("vlab/no-such-image:0", ["true"]))
        cases["container_gone"] = attempt(lambda: api.inspect_container("vlab-no-such-container"))
        name = f"vlab-capture-{os.getpid()}"
        create(name=name)
        cases["conflict"] = attempt(lambda: create(name=name))
        cases["rejected"] = attempt(lambda: create(hc={"cpuset_cpus": "99"}))
        cases["rejected_option"] = attempt(lambda: create(hc={"restart_policy": {"Name": "bogus"}}))
        too_high = [docker.types.Ulimit(name="nofile", soft=1 << 20, hard=1 << 20)]
        cid = create(hc={"cap_drop": ["ALL"], "ulimits": too_high})
        cases["runtime_refused"] = attempt(lambda: api.start(cid))
        fits = [docker.types.Ulimit(name=n, soft=1024, hard=1024) for n in ("nofile", "nproc")]
        cid = create(command=["/no/such/command"], hc={"ulimits": fits})
        cases["command_missing"] = attempt(lambda: api.start(cid))
        # docker-py refuses to speak API < 1.24 itself (Docker 20.10 accepts down to 1.12),
        # so ask with its own request and status check
        # (Podman 4.3 answers any old version, so it has no such case)
        old = api.get(f"{api.base_url}/v1.11/version")
        if old.status_code >= 400:
            cases["too_old"] = attempt(lambda: api._raise_for_status(old))
    finally:
        for cid in made:
            api.remove_container(cid, force=True)
    cases["not_running"] = attempt(lambda: docker.DockerClient(base_url="unix:///nonexistent/vlab.sock",
                                                                version="auto"))
    if os.geteuid() == 0:  # the socket as an ordinary user sees it
        probe = ("import docker,json,sys\n"
                 "sys.path.insert(0, sys.argv[1])\nfrom capture_errors import attempt\n"
                 "print(json.dumps(attempt(lambda: docker.from_env(version='auto'))))")
        site = str(Path(docker.__file__).parent.parent)  # the venv's python may sit under /root
        out = subprocess.run(["/usr/bin/python3", "-c", probe, str(Path(__file__).parent)], capture_output=True,
                             text=True, user="nobody", group="nogroup", cwd="/tmp",
                             env={**os.environ, "HOME": "/tmp", "PYTHONPATH": site}, check=True)
        cases["socket_permission"] = json.loads(out.stdout)
    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    data[engine] = {"engine": [c for c in (client.version().get("Components") or [])][0].get("Name", "")
                    + " " + client.version().get("Version", ""), "cases": cases}
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{engine}: {len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
