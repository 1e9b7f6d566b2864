"""A container by hand: an OCI bundle (a root filesystem + ``config.json``) run with ``runc``, no engine.

This is what LXC and runc do underneath Docker: ask the kernel for namespaces and a cgroup, pivot
into a root filesystem, and exec one process. The rootfs is exported from the course's busybox
image (``vlab/busybox:1``) through the engine once; after that only ``runc`` runs.

- :func:`export_rootfs` unpacks an image's filesystem into a folder (also used by the latency ladder).
- :func:`make_config` writes a complete OCI runtime config from scratch: the namespaces you list, a
  memory and a pids limit, a read-only root, no capabilities and no host bind mounts.
- :class:`Bundle` holds a rootfs in a temporary folder and runs configs with ``runc run``; every
  runc container is deleted and the folder removed.
- :func:`variants` (replayable, kind ``by_hand``) runs the same probe under the full config and with
  one thing taken out (no UTS, no PID namespace, no memory limit): real runs, recorded for replay.

Needs root and ``runc`` (installed with docker.io); without them :func:`live_reason` says why and the
notebook replays the recorded runs.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vlab.core import sandbox, settings
from vlab.core.engine import guarded
from vlab.core.errors import BadParameter, ToolMissing
from vlab.core.exercise import Feedback, checker, not_yet, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.provenance import collect
from vlab.core.replay import load, replayable
from vlab.core.results import Results
from vlab.labs.namespaces import parse_sections

__all__ = [
    "Bundle", "DEFAULT_NAMESPACES", "HISTORY", "HOSTNAME", "MEMORY_LIMIT", "OCI_NAMESPACES", "PIDS_LIMIT", "PROBE",
    "PROBE_ARGS", "PURPOSE", "RECORDINGS", "RunOutput", "VARIANTS", "check_config", "check_config_parts",
    "check_hostname_verdict", "check_without_uts", "export_rootfs", "live_reason", "make_config", "namespace_types",
    "recorded_export",
    "try_config", "variant_config", "variant_of", "variants"
]

PURPOSE = "by-hand-rootfs"
#: OCI namespace type names (runtime-spec config-linux.md) and what each one isolates.
OCI_NAMESPACES = {
    "pid": "process ids", "network": "network stack", "ipc": "System V IPC, POSIX queues",
    "uts": "hostname", "mount": "mount table", "user": "user ids", "cgroup": "cgroup tree view",
}
#: What Docker gives a container by default, and what the notebook asks the learner to write.
DEFAULT_NAMESPACES = ("pid", "network", "ipc", "uts", "mount")
MEMORY_LIMIT = 32 * 1024 * 1024
PIDS_LIMIT = 16
HOSTNAME = "by-hand"

#: The history, right: each step is user-space tooling or a kernel feature, with its year.
HISTORY = (
    ("1979", "chroot", N_("Version 7 Unix: change a process's root directory (filesystem only, no other isolation).")),
    ("2000", "FreeBSD jails",
     N_("chroot plus separate processes, users and network addresses, in the FreeBSD kernel.")),
    ("2002–2013", "Linux namespaces", N_("mount (2002) first; UTS, IPC, PID, network and user namespaces followed "
                                      "(2006–2013): what a process can see.")),
    ("2007–2008", "cgroups", N_("control groups, merged into Linux 2.6.24 (2008): how much a process may use.")),
    ("2008", "LXC", N_("user-space tools (liblxc, lxc-*) that build containers from those kernel features.")),
    ("2013", "Docker", N_("images and a friendly engine; first on LXC, from 2014 on its own libcontainer.")),
    ("2015", "runc / OCI", N_("Docker donated libcontainer as runc to the Open Container Initiative; "
                           "Docker, containerd, Podman and Kubernetes runtimes still call runc (or a peer).")),
)

#: The probe every variant runs: its hostname, what ps sees, its own PID and a 64 MiB allocation.
PROBE = r"""
echo @@hostname; hostname
echo @@my_pid; echo $$
echo @@processes; ls -d /proc/[0-9]* | wc -l
echo @@ps; ps -o pid,comm | head -n 6
echo @@alloc; head -c 67108864 /dev/zero | tail > /dev/null; echo "exit $?"
"""
PROBE_ARGS = ("/bin/sh", "-c", PROBE)


def export_rootfs(client, dest: Path, image: str | None = None, purpose: str = PURPOSE) -> Path:
    """Unpack ``image``'s filesystem (default: the course busybox image) into ``dest``/rootfs.

    The export goes through a created (never started) sandbox container that is removed at once.
    """
    rootfs = Path(dest) / "rootfs"
    rootfs.mkdir(parents=True)
    kw = sandbox.create_kwargs(client, ["true"], purpose=purpose, **({"image": image} if image else {}))
    with guarded(N_("exporting the image's root filesystem")):
        with sandbox.interrupts_deferred():
            cid = client.api.create_container(**kw)["Id"]
            sandbox.track(cid, cid[:12])
        try:
            data = b"".join(client.api.export(cid))
        finally:
            sandbox.remove_quietly(cid, client)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # our own image: busybox's applet links are absolute (/bin/busybox), so trust it fully
        if hasattr(tarfile, "fully_trusted_filter"):
            tar.extractall(rootfs, filter="fully_trusted")
        else:  # pragma: no cover - Python < 3.12 without the filter backport
            tar.extractall(rootfs)
    return rootfs


_MOUNTS = [  # kernel filesystems a process needs; none of them is a host folder
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755",
                                                                            "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev",
                                                                              "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
]
_MASKED = ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]
_READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]


def make_config(namespaces: list | tuple = DEFAULT_NAMESPACES, memory: int | None = MEMORY_LIMIT,
                pids: int | None = PIDS_LIMIT, args: list | tuple = PROBE_ARGS, hostname: str = HOSTNAME) -> dict:
    """A complete OCI runtime config: the listed namespaces, the limits, read-only root, no capabilities.

    ``namespaces`` holds OCI type names (``"pid"``) or spec entries (``{"type": "pid"}``). ``memory``
    (bytes) or ``pids`` may be None for no limit. ``hostname`` is set only with a UTS namespace
    (runc refuses a hostname without one).
    """
    types = namespace_types(namespaces)
    resources: dict = {}
    if memory is not None:
        resources["memory"] = {"limit": int(memory), "swap": int(memory)}
    if pids is not None:
        resources["pids"] = {"limit": int(pids)}
    config = {
        "ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": list(args), "cwd": "/",
                    "env": ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"], "noNewPrivileges": True,
                    "capabilities": {k: [] for k in ("bounding", "effective", "permitted", "ambient")}},
        "root": {"path": "rootfs", "readonly": True},
        "mounts": copy.deepcopy(_MOUNTS),
        "linux": {"namespaces": [{"type": t} for t in types], "resources": resources,
                  "maskedPaths": list(_MASKED), "readonlyPaths": list(_READONLY)},
    }
    if "uts" in types:
        config["hostname"] = hostname
    check_config(config)
    return config


def namespace_types(namespaces: object) -> list[str]:
    """OCI namespace type names from a list of names or ``{"type": ...}`` entries; BadParameter otherwise."""
    if isinstance(namespaces, str) or not isinstance(namespaces, list | tuple):
        raise BadParameter(_("namespaces must be a list, not {type}").format(type=type(namespaces).__name__),
                           _('Write a list such as ["pid", "mount"] or [{"type": "pid"}, ...].'))
    types = []
    for entry in namespaces:
        name = entry.get("type") if isinstance(entry, dict) else entry
        if name not in OCI_NAMESPACES:
            raise BadParameter(_("{name!r} is not an OCI namespace type").format(name=name),
                               _("Use the OCI names: {names} (mount, not mnt; network, not net).").format(
                                   names=", ".join(OCI_NAMESPACES)))
        if isinstance(entry, dict) and entry.get("path"):
            raise BadParameter(_("joining an existing namespace by path is not part of this lab"),
                               _("Give only the type; runc then creates a new namespace."))
        if name in types:
            raise BadParameter(_("namespace {name!r} is listed twice").format(name=name))
        types.append(name)
    if "mount" not in types:
        raise BadParameter(_("runc needs a mount namespace to switch into the rootfs"),
                           _('Keep {"type": "mount"} in the list.'))
    if "user" in types:
        raise BadParameter(_("a user namespace needs uid/gid mappings this lab does not write"),
                           _("Leave the user namespace out (Docker does too, by default)."))
    return types


def check_config(config: dict) -> None:
    """Refuse a config that breaks the course's safety rules: host mounts, writable root, capabilities."""
    if not isinstance(config, dict) or not isinstance(config.get("linux"), dict):
        raise BadParameter(_("config must be an OCI config dict with a 'linux' section"),
                           _("Build it with make_config()."))
    if not (config.get("root") or {}).get("readonly"):
        raise BadParameter(_("the root filesystem must be read-only"), _('Set config["root"]["readonly"] = True.'))
    for m in config.get("mounts", []):
        if m.get("type") == "bind" or "bind" in m.get("options", []) or str(m.get("source", "")).startswith("/"):
            raise BadParameter(_("host mount {source} → {destination} is not allowed here").format(
                source=m.get("source"), destination=m.get("destination")),
                               _("A hand-made container in this course gets no host folders."))
    caps = (config.get("process") or {}).get("capabilities") or {}
    if any(caps.get(k) for k in caps):
        raise BadParameter(_("the process must have no capabilities"), _("Leave every capability list empty."))
    namespace_types(config["linux"].get("namespaces", []))


def live_reason() -> str:
    """'' when this machine can build and run a container by hand now; else why not."""
    from vlab.core.mode import current

    if current().replay:
        return _("replay mode: {reason}").format(reason=current().reason)
    if not shutil.which("runc"):
        return _("runc is not installed (it comes with docker.io: `apt-get install runc`).")
    if os.geteuid() != 0:
        return _("runc needs root here (rootless runc is not set up).")
    return ""


@dataclass(frozen=True)
class RunOutput:
    """What one ``runc run`` gave back."""

    exit_code: int
    stdout: str
    stderr: str

    def sections(self) -> dict[str, str]:
        return parse_sections(self.stdout)


class Bundle:
    """A temporary OCI bundle folder with the course image's rootfs; ``run(config)`` runs it with runc.

    Use it as a context manager: the folder and every runc container are removed at the end.
    """

    def __init__(self, client=None, image: str | None = None) -> None:
        self.runc = shutil.which("runc")
        if not self.runc:
            raise ToolMissing(_("runc is not installed."), _("Install it (`apt-get install runc`)."))
        if os.geteuid() != 0:
            raise ToolMissing(_("runc needs root here (rootless runc is not set up)."),
                              _("Run as root, or read the recorded runs (replay mode)."))
        if client is None:
            from vlab.core.engine import connect

            client = connect()
        self.dir = Path(tempfile.mkdtemp(prefix="vlab-runc-"))
        self.state = self.dir / "state"
        self.n = 0
        try:
            export_rootfs(client, self.dir, image)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write_config(self, config: dict) -> Path:
        check_config(config)
        path = self.dir / "config.json"
        path.write_text(json.dumps(config, indent=1))
        return path

    def run(self, config: dict, timeout: float = 60.0) -> RunOutput:
        """``runc run`` the config in this bundle; the runc container is deleted afterwards."""
        self.write_config(config)
        self.n += 1
        cid = f"vlab-{settings.run_id()}-{os.getpid()}-{self.n}"
        cmd = [self.runc, "--root", str(self.state), "run", "--bundle", str(self.dir), cid]
        try:
            with sandbox.interrupts_deferred():
                proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise ToolMissing(_("runc run did not finish in {timeout:g} s").format(timeout=timeout),
                              _("Is the command waiting for input?")) from exc
        finally:
            subprocess.run([self.runc, "--root", str(self.state), "delete", "--force", cid], capture_output=True)
        out = RunOutput(proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))
        if proc.returncode != 0 and not out.stdout:
            raise ToolMissing(_("runc run failed: {stderr}").format(stderr=out.stderr.strip()[:300]),
                              _("runc needs root and a cgroup setup it understands."))
        return out

    def time_once(self, config: dict) -> float:
        """One ``runc run`` of ``config`` with its output discarded: wall time in ms (the latency ladder's rung)."""
        import time

        self.write_config(config)
        self.n += 1
        cid = f"vlab-{settings.run_id()}-{os.getpid()}-{self.n}"
        cmd = [self.runc, "--root", str(self.state), "run", "--bundle", str(self.dir), cid]
        try:
            t0 = time.perf_counter_ns()
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            ms = (time.perf_counter_ns() - t0) / 1e6
        finally:
            subprocess.run([self.runc, "--root", str(self.state), "delete", "--force", cid], capture_output=True)
        if proc.returncode != 0:
            raise ToolMissing(_("runc run failed: {stderr}").format(
                stderr=proc.stderr.decode(errors="replace").strip()[:200]),
                              _("runc needs root and a cgroup setup it understands."))
        return ms

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ the recorded experiment
VARIANTS = {
    "full": (N_("every namespace in the list, 32 MiB and 16 pids"), {}),
    "no_uts": (N_("the same without the UTS namespace"), {"drop": "uts"}),
    "no_pid": (N_("the same without the PID namespace"), {"drop": "pid"}),
    "no_memory_limit": (N_("the same without the memory limit"), {"memory": None}),
}


def variant_config(name: str) -> dict:
    """The config of one recorded variant."""
    if name not in VARIANTS:
        raise BadParameter(_("Unknown variant {name!r}").format(name=name),
                           _("Use one of: {names}.").format(names=", ".join(VARIANTS)))
    change = VARIANTS[name][1]
    ns = [t for t in DEFAULT_NAMESPACES if t != change.get("drop")]
    return make_config(ns, memory=change.get("memory", MEMORY_LIMIT))


def variant_of(config: dict) -> str | None:
    """Which recorded variant a config matches (same namespaces and limits), or None."""
    types = set(namespace_types(config["linux"].get("namespaces", [])))
    res = config["linux"].get("resources") or {}
    memory = (res.get("memory") or {}).get("limit")
    pids = (res.get("pids") or {}).get("limit")
    for name in VARIANTS:
        v = variant_config(name)
        vres = v["linux"]["resources"]
        same_ns = types == set(namespace_types(v["linux"]["namespaces"]))
        if same_ns and memory == (vres.get("memory") or {}).get("limit") and pids == vres["pids"]["limit"]:
            return name
    return None


def _rows(name: str, out: RunOutput) -> list[dict]:
    sec = out.sections()
    return [{"variant": name, "probe": k, "output": sec.get(k, "")}
            for k in ("hostname", "my_pid", "processes", "ps", "alloc")] + [
        {"variant": name, "probe": "exit_code", "output": str(out.exit_code)}]


@replayable("by_hand")
def variants() -> Results:
    """Run the probe with runc under the full config and each variant with one thing taken out."""
    from vlab.core.engine import connect

    rows: list[dict] = []
    with Bundle(connect()) as bundle:
        names = sorted(str(p.relative_to(bundle.dir / "rootfs")) for p in (bundle.dir / "rootfs").rglob("*"))
        for name in VARIANTS:
            rows += _rows(name, bundle.run(variant_config(name)))
    runc_version = subprocess.run([shutil.which("runc") or "runc", "--version"], capture_output=True,
                                  text=True).stdout.splitlines()[:1]
    extra = {"configs": {name: variant_config(name) for name in VARIANTS},
             "what": {name: VARIANTS[name][0] for name in VARIANTS},
             "host_hostname": os.uname().nodename,
             "rootfs": {"files": len(names), "examples": names[:4]}}  # what 05b's plain export cell prints
    return Results("by_hand", pd.DataFrame(rows), provenance=collect({"runc": runc_version}), extra=extra)


def recorded_export() -> tuple[int, list[str], str] | None:
    """Replay stand-in for 05b's plain export cell: the number of files in the exported busybox filesystem and the
    first few names, as the recorded run found them, and a note; None when the recording predates this record."""
    rootfs = load("by_hand").extra.get("rootfs")
    if not rootfs:
        return None
    return int(rootfs["files"]), list(rootfs["examples"]), _(
        "recorded: no engine here, so these are the files of the busybox image's filesystem as exported on a real "
        "machine for the recorded runs below.")


def try_config(config: dict) -> tuple[dict[str, str], str]:
    """Run the probe under the learner's own ``config``: live with runc when possible, else the recorded run of
    the same variant. Returns ``(sections, note)``; the note says which it was."""
    check_config(config)
    reason = live_reason()
    if not reason:
        with Bundle() as bundle:
            out = bundle.run(config)
        sections = out.sections()
        sections["exit_code"] = str(out.exit_code)
        sections["host_hostname"] = os.uname().nodename
        return sections, _("live: runc ran your config.json on this machine.")
    name = variant_of(config)
    if name is None:
        raise BadParameter(_("This machine cannot run runc ({reason}) and no recording matches this config.").format(
            reason=reason), _("The recorded variants are: {names} (see by_hand.VARIANTS).").format(
            names=", ".join(VARIANTS)))
    rec = load("by_hand")
    df = rec.samples[rec.samples["variant"] == name]
    sections = dict(zip(df["probe"], df["output"], strict=True))
    sections["host_hostname"] = rec.extra.get("host_hostname", "?")
    return sections, _("replay: the recorded run of variant {name!r} ({reason})").format(name=name, reason=reason)


# ------------------------------------------------------------------ exercises
@checker
def check_config_parts(my_namespaces: object, my_resources: object) -> Feedback:
    """Exercise 1: Docker's five namespaces and a 32 MiB memory and 16-process limit, in OCI spelling."""
    if not isinstance(my_namespaces, list):
        return wrong(_("my_namespaces is a {type}, not a list").format(type=type(my_namespaces).__name__),
                     _("Write [{\"type\": \"pid\"}, ...]."))
    names = [e.get("type") if isinstance(e, dict) else e for e in my_namespaces]
    if any(n is Ellipsis for n in names):
        return not_yet()
    bad = [n for n in names if n not in OCI_NAMESPACES]
    if bad:
        hint = "OCI spells them pid, network, ipc, uts, mount (not net or mnt)."
        return wrong(_("{bad} are not OCI namespace types").format(bad=bad), hint)
    if set(names) != set(DEFAULT_NAMESPACES):
        missing, extra = sorted(set(DEFAULT_NAMESPACES) - set(names)), sorted(set(names) - set(DEFAULT_NAMESPACES))
        return wrong(_("missing {value}, extra {value2}").format(
                         value=missing or 'nothing', value2=extra or 'nothing'),
                     _("Docker's default: its own pid, network, ipc, uts and mount namespaces; user and cgroup "
                       "stay the host's in this lab."))
    if not isinstance(my_resources, dict):
        return wrong(_("my_resources should be a dict"),
                     _("Write {\"memory\": {\"limit\": ...}, \"pids\": {\"limit\": ...}}."))
    memory = (my_resources.get("memory") or {}).get("limit")
    pids = (my_resources.get("pids") or {}).get("limit")
    if memory != MEMORY_LIMIT:
        return wrong(_("memory limit {memory!r} is not 32 MiB").format(memory=memory),
                     _("The OCI memory limit is in bytes: 32 * 1024 * 1024."))
    if pids != PIDS_LIMIT:
        return wrong(_("pids limit {pids!r} is not 16").format(pids=pids), _("Write \"pids\": {\"limit\": 16}."))
    return passed(_("five namespaces of its own, 32 MiB and 16 processes at most: Docker's defaults, by hand."))


@checker
def check_without_uts(ns_without_uts: object, my_namespaces: object) -> Feedback:
    """Exercise 2: your namespace list with the UTS entry taken out (and nothing else changed)."""
    if not isinstance(ns_without_uts, list):
        return wrong(_("ns_without_uts is a {type}, not a list").format(type=type(ns_without_uts).__name__),
                     _("A list comprehension keeps every entry whose type is not 'uts'."))
    names = [e.get("type") if isinstance(e, dict) else e for e in ns_without_uts]
    before = [e.get("type") if isinstance(e, dict) else e for e in my_namespaces] if isinstance(my_namespaces,
                                                                                                  list) else []
    if "uts" in names:
        return wrong(_("the UTS namespace is still in the list"), _("Keep only entries whose type is not 'uts'."))
    if sorted(names) != sorted(n for n in before if n != "uts"):
        return wrong(_("{names} is not your list minus uts ({value})").format(
                         names=names, value=[n for n in before if n != 'uts']),
                     _("Take out the uts entry only; keep the others as they were."))
    return passed(_("the same container without a UTS namespace of its own."))


@checker
def check_hostname_verdict(uses_host_hostname: object, sections: dict) -> Feedback:
    """Exercise 2, second part: does the container without UTS namespace print the host's hostname?"""
    if not isinstance(uses_host_hostname, bool):
        return wrong(_("{uses_host_hostname!r} is not True or False").format(uses_host_hostname=uses_host_hostname),
                     _("Compare sections['hostname'] with sections['host_hostname'] with ==."))
    same = sections.get("hostname") == sections.get("host_hostname")
    if uses_host_hostname != same:
        return wrong(_("your comparison says {uses_host_hostname}, but the run printed {get!r} and the "
                       "host is {get2!r}").format(
                         uses_host_hostname=uses_host_hostname, get=sections.get('hostname'),
                         get2=sections.get('host_hostname')),
                     _("Compare the two strings with ==."))
    return passed(_("the container printed {get!r}: without its own UTS namespace a container sees (and "
                    "could change) the host's hostname.").format(get=sections.get('hostname')))


RECORDINGS = {"by_hand": lambda quick: variants.__wrapped__()}
