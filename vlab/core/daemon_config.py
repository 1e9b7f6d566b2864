"""Register gVisor (``runsc``) with the Docker engine by *merging* into ``/etc/docker/daemon.json``.

Used by ``./course.sh prepare`` on Debian/Ubuntu as root::

    .venv/bin/python -m vlab.core.daemon_config [--path /etc/docker/daemon.json] [--no-reload] [--dry-run]

Rules (a learner's configuration is never lost):

- every key already in ``daemon.json`` is kept, and so is every other runtime;
- a runtime already registered under one of our names is left as it is (reported, not replaced);
- a malformed ``daemon.json`` is never overwritten: :class:`DaemonConfigError` says how to fix it;
- before a change the old file is copied to ``daemon.json.vlab-backup-<UTC time>``, and the new
  file is written atomically with the old file's permissions;
- a second run changes nothing (and so reloads nothing);
- the engine is reloaded with SIGHUP (``runtimes`` is a live-reloadable option), never restarted.

One runtime is registered, ``runsc`` with ``--network=none``: it works for containers started with
``--network none`` (all of vlab's measurements). Without that flag runsc refuses them ("cannot run with
network enabled in root network namespace"), checked on Debian 12 with runsc 2022-12-19.

Earlier versions also registered ``runsc-net`` (gVisor's own network stack, for a bridge network). It
failed with that same error on ``none`` and on ``bridge`` alike, nothing used it, and the doctor showed
it ✗ right after the set-up; so it is no longer registered, and an entry exactly as an earlier vlab
wrote it is removed (``- runtimes.runsc-net``; backed up and printed like every change). An entry that
differs was written by someone else and is kept.

After a change, and whenever the engine does not list what ``daemon.json`` registers (a reload that
failed earlier is never left behind), the engine is reloaded and ``docker info`` read again, a few
times, until it lists ``runsc`` (:func:`reload_until_listed`).

The platform is ``systrap`` where the installed runsc lists it (``runsc help platforms``; newer gVisor
releases), ``ptrace`` otherwise. Measurements read it back from ``docker info``
(:func:`runtime_platform`) and record it in their provenance.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vlab.core.errors import ToolMissing, VlabError

__all__ = [
    "DEFAULT_PATH", "DOCKER_PIDFILE", "DaemonConfigError", "RETIRED", "choose_platform", "engine_runtimes",
    "find_runsc", "install_hint", "main", "merge_runtimes", "out_of_step", "platforms", "read_config", "register",
    "reload_dockerd", "reload_until_listed", "retired_runtimes", "runsc_runtimes", "runtime_platform", "write_config"
]

DEFAULT_PATH = Path("/etc/docker/daemon.json")
DOCKER_PIDFILE = Path("/var/run/docker.pid")


class DaemonConfigError(VlabError):
    """daemon.json cannot be merged safely."""

    hint = "Fix /etc/docker/daemon.json by hand (it must be one JSON object), then run ./course.sh prepare again."


# ---------------------------------------------------------------- runsc
def find_runsc() -> str:
    path = shutil.which("runsc") or ("/usr/bin/runsc" if os.access("/usr/bin/runsc", os.X_OK) else None)
    if not path:
        raise ToolMissing("gVisor (runsc) is not installed.", install_hint())
    return path


def install_hint() -> str:
    """How to get gVisor on this kind of machine (printed by the doctor)."""
    if shutil.which("apt-get"):
        return ("As root: `apt-get install runsc` then `./course.sh prepare` (registers it with Docker); "
                "or follow https://gvisor.dev/docs/user_guide/install/.")
    if sys.platform == "darwin" or os.name == "nt":
        return ("gVisor runs only on a Linux engine: on Docker Desktop it is not available; use a Linux VM "
                "(see https://gvisor.dev/docs/user_guide/install/). The gVisor parts replay recordings.")
    return ("Install gVisor (https://gvisor.dev/docs/user_guide/install/) and register it: "
            "`sudo runsc install && sudo systemctl reload docker`.")


def platforms(runsc: str) -> list[str]:
    """The platforms this runsc offers, from ``runsc help platforms`` (one name a line)."""
    try:
        out = subprocess.run([runsc, "help", "platforms"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"{runsc} did not run: {exc}", install_hint()) from exc
    names = [line.strip() for line in (out.stdout + out.stderr).splitlines()]
    return [n for n in names if n and n.isidentifier() and n.islower()]


def choose_platform(available: list[str]) -> str:
    """``systrap`` where available (faster), ``ptrace`` otherwise (every runsc has it)."""
    return "systrap" if "systrap" in available else "ptrace"


def runsc_runtimes(runsc: str, platform: str) -> dict[str, dict]:
    """The ``runtimes`` entries vlab registers (see the module docstring for why only one)."""
    return {"runsc": {"path": runsc, "runtimeArgs": [f"--platform={platform}", "--network=none"]}}


#: Runtimes an earlier vlab registered and this one no longer does (see the module docstring).
RETIRED = ("runsc-net",)


def retired_runtimes(runsc: str, platform: str) -> dict[str, dict]:
    """The entries an earlier vlab wrote under :data:`RETIRED` names: removed only when exactly these."""
    return {"runsc-net": {"path": runsc, "runtimeArgs": [f"--platform={platform}"]}}


def runtime_platform(runtime_entry: dict | None) -> str | None:
    """The ``--platform=`` of a runtime as ``docker info`` lists it (``None`` when not given)."""
    if not runtime_entry:
        return None
    args = runtime_entry.get("runtimeArgs") or runtime_entry.get("RuntimeArgs") or []
    for a in args:
        if a.startswith("--platform="):
            return a.split("=", 1)[1]
    path = runtime_entry.get("path") or runtime_entry.get("Path") or ""
    return "ptrace (runsc default)" if path.endswith("runsc") else None


# ---------------------------------------------------------------- the merge
def read_config(path: Path) -> dict:
    """The current daemon.json as a dict ({} when absent); a malformed file raises DaemonConfigError."""
    path = Path(path)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DaemonConfigError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                                "it was left untouched.") from exc
    if not isinstance(data, dict):
        raise DaemonConfigError(f"{path} holds a JSON {type(data).__name__}, not an object; it was left untouched.")
    if "runtimes" in data and not isinstance(data["runtimes"], dict):
        raise DaemonConfigError(f"{path}: \"runtimes\" is not an object; it was left untouched.")
    return data


def merge_runtimes(config: dict, runtimes: dict[str, dict],
                   retire: dict[str, dict] | None = None) -> tuple[dict, list[str]]:
    """A new config with ``runtimes`` added, and a list of what changed (empty: nothing to do).

    Every existing key and runtime is kept; a runtime already present under the same name is kept
    as it is, even when it differs (a note says so). The one exception is ``retire``: an entry that is
    exactly what an earlier vlab wrote (and no longer registers) is removed (``- runtimes.NAME``).
    """
    new = json.loads(json.dumps(config))  # deep copy, JSON types only
    have = new.setdefault("runtimes", {})
    changes: list[str] = []
    for name, entry in (retire or {}).items():
        if have.get(name) == entry:
            del have[name]
            changes.append(f"- runtimes.{name} = {json.dumps(entry)} (registered by an earlier vlab; "
                           "it cannot start a container on a Debian 12 engine, and nothing uses it)")
    for name, entry in runtimes.items():
        if name not in have:
            have[name] = entry
            changes.append(f"+ runtimes.{name} = {json.dumps(entry)}")
        elif have[name] != entry:
            changes.append(f"= runtimes.{name} kept as configured: {json.dumps(have[name])} "
                           f"(vlab would use {json.dumps(entry)})")
    if not have:
        del new["runtimes"]
    return new, changes


def write_config(path: Path, config: dict) -> Path | None:
    """Back up the old file (when there is one) and write ``config`` atomically. Returns the backup path."""
    path = Path(path)
    backup = None
    mode = 0o644
    if path.exists():
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = path.with_name(f"{path.name}.vlab-backup-{stamp}")
        shutil.copy2(path, backup)
        mode = path.stat().st_mode & 0o7777
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2)
            f.write("\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup


def register(path: Path, runtimes: dict[str, dict], *, dry_run: bool = False,
             retire: dict[str, dict] | None = None) -> tuple[list[str], Path | None]:
    """Merge ``runtimes`` into the daemon.json at ``path`` (removing ``retire``'s exact entries).
    Returns (changes, backup path or None)."""
    old = read_config(path)
    new, changes = merge_runtimes(old, runtimes, retire)
    if dry_run or not any(c.startswith(("+", "-")) for c in changes):
        return changes, None
    return changes, write_config(path, new)


def reload_dockerd(pidfile: Path = DOCKER_PIDFILE) -> int:
    """Send SIGHUP to dockerd (reloads ``runtimes``; running containers are untouched). Returns its pid."""
    try:
        pid = int(Path(pidfile).read_text().strip())
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, ValueError) as exc:
        raise DaemonConfigError(f"dockerd's pid is not in {pidfile} ({exc}).",
                                "Reload the engine yourself: `sudo systemctl reload docker` "
                                "or `sudo kill -HUP $(pidof dockerd)`.") from exc
    if comm != "dockerd":
        raise DaemonConfigError(f"{pidfile} names pid {pid}, which is {comm!r}, not dockerd.",
                                "Reload the engine yourself: `sudo kill -HUP $(pidof dockerd)`.")
    os.kill(pid, signal.SIGHUP)
    return pid


def engine_runtimes() -> set[str] | None:
    """The runtimes the running engine lists (``docker info`` through the SDK); None when no engine answers."""
    from vlab.core import runtimes
    from vlab.core.engine import connect

    try:
        return set(runtimes.listed(connect()))
    except VlabError:
        return None


def out_of_step(config: dict, listed: set[str]) -> list[str]:
    """Runtimes of daemon.json the engine does not list, and retired ones it still lists ([] = in step)."""
    want = set(config.get("runtimes") or {})
    return sorted(want - listed) + sorted(n for n in RETIRED if n in listed and n not in want)


def reload_until_listed(config: dict, *, listed: Callable[[], set[str] | None] | None = None,
                        reload: Callable[[], int] | None = None, tries: int = 3, wait_s: float = 5.0,
                        sleep: Callable[[float], None] | None = None) -> str:
    """SIGHUP dockerd, then read its runtimes again until they match ``config`` (up to ``tries`` reloads,
    ``wait_s`` each). Returns what happened; DaemonConfigError when the engine never lists them.
    Defaults: :func:`engine_runtimes`, :func:`reload_dockerd`, ``time.sleep``."""
    listed, reload, sleep = listed or engine_runtimes, reload or reload_dockerd, sleep or time.sleep
    missing: list[str] = []
    for attempt in range(1, tries + 1):
        pid = reload()
        for _ in range(max(1, int(wait_s / 0.25))):
            sleep(0.25)
            now = listed()
            missing = out_of_step(config, now) if now is not None else ["(the engine did not answer)"]
            if not missing:
                return (f"reloaded dockerd (SIGHUP to pid {pid}, {attempt} time(s)); it now lists "
                        f"{', '.join(sorted(config.get('runtimes') or {})) or 'no extra runtime'}; "
                        "running containers are untouched")
    raise DaemonConfigError(f"dockerd was reloaded {tries} times but is still out of step with daemon.json: "
                            f"{', '.join(missing)}.",
                            "dockerd's log says why (`journalctl -u docker`, or the file dockerd logs to); fix the "
                            "entry in /etc/docker/daemon.json, then `sudo kill -HUP $(pidof dockerd)`.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m vlab.core.daemon_config",
                                description="Register gVisor (runsc) with Docker by merging into daemon.json.")
    p.add_argument("--path", type=Path, default=DEFAULT_PATH, help="daemon.json (default /etc/docker/daemon.json)")
    p.add_argument("--runsc", default=None, help="runsc binary (default: found on PATH)")
    p.add_argument("--platform", choices=["systrap", "ptrace", "kvm"], default=None,
                   help="gVisor platform (default: systrap where available, else ptrace)")
    p.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    p.add_argument("--no-reload", action="store_true", help="do not send SIGHUP to dockerd")
    args = p.parse_args(argv)
    try:
        runsc = args.runsc or find_runsc()
        platform = args.platform or choose_platform(platforms(runsc))
        changes, backup = register(args.path, runsc_runtimes(runsc, platform), dry_run=args.dry_run,
                                   retire=retired_runtimes(runsc, platform))
        changed = any(c.startswith(("+", "-")) for c in changes)
        print(f"gVisor: {runsc}, platform {platform}")
        for c in changes:
            print(f"  {args.path}: {c}")
        if not changes:
            print(f"  {args.path}: runsc already registered, nothing changed")
        if backup:
            print(f"  previous file kept as {backup}")
        if not args.dry_run and not args.no_reload:
            config, now = read_config(args.path), engine_runtimes()
            if now is None and changed:  # no engine to ask: reload it anyway, as before
                pid = reload_dockerd()
                print(f"  reloaded dockerd (SIGHUP to pid {pid}); the engine did not answer, so its runtimes "
                      "were not checked")
            elif now is not None and (changed or out_of_step(config, now)):
                if not changed:
                    print(f"  the engine does not list what {args.path} registers "
                          f"({', '.join(out_of_step(config, now))}): reloading it")
                print(f"  {reload_until_listed(config)}")
            elif now is not None:
                print("  the engine lists runsc: nothing to reload")
    except VlabError as exc:
        print(f"vlab: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
