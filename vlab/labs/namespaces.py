"""Namespaces (네임스페이스), measured: what a container sees next to what the host sees.

``views()`` runs one sandboxed container and sets its view against this Python process's
view: every ``/proc/self/ns/*`` inode, PID 1 and the process list, hostname (UTS), mounts
and the root filesystem, network interfaces and user ids. ``sharing()`` starts two
containers where the second joins the first one's PID and network namespaces on purpose.

"Host" here means the process running this code (the notebook kernel). When the notebook
itself runs in a container or the engine runs in a VM (Docker Desktop), that is said in
``Results.extra["host_note"]``.
"""

from __future__ import annotations

import os
import platform
import socket
from pathlib import Path

import pandas as pd

from vlab.core import provenance, sandbox
from vlab.core.errors import BadParameter
from vlab.core.exercise import Feedback, checker, not_yet, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.replay import replayable
from vlab.core.results import Results
from vlab.core.sandbox import Limits

__all__ = [
    "CONTAINER_SCRIPT", "INIT_PID_NS_INODE", "NS_TYPES", "NS_WHAT", "RECORDINGS", "SHARE_SCRIPT", "check_ns_reader",
    "check_shared_namespaces", "compare_prediction", "container_pid", "differing", "explain", "host_namespaces",
    "host_view", "parse_ns", "parse_sections", "pid1", "recorded_pid_namespaces", "shared_with_host", "sharing",
    "views"
]

INIT_PID_NS_INODE = 4026531836  # the kernel's initial PID namespace (PROC_PID_INIT_INO)
NS_TYPES = ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts")

# What each namespace type isolates, in one line (English with the Korean term).
NS_WHAT = {
    "cgroup": N_("the view of the cgroup tree (cgroup 네임스페이스)"),
    "ipc": N_("System V IPC and POSIX message queues (IPC 네임스페이스)"),
    "mnt": N_("the mount table and root filesystem (마운트 네임스페이스)"),
    "net": N_("network interfaces, routes, ports and firewall (네트워크 네임스페이스)"),
    "pid": N_("process ids and the process tree (PID 네임스페이스)"),
    "time": N_("the boot-time and monotonic clock offsets (time 네임스페이스)"),
    "user": N_("user and group ids and capabilities (사용자 네임스페이스)"),
    "uts": N_("hostname and domain name (UTS 네임스페이스)"),
}

_DIFFERS = {
    "cgroup": N_("private cgroup namespace: the container sees its own cgroup as the root of the tree "
              "(Docker's default on cgroup v2)."),
    "ipc": N_("own IPC namespace: it cannot attach to the host's shared memory or message queues."),
    "mnt": N_("own mount namespace: its root is the image's filesystem, not the host's /."),
    "net": N_("own network namespace: its own interfaces, routing table and ports."),
    "pid": N_("own PID namespace: its first process is PID 1 and host processes are invisible."),
    "time": N_("own time namespace (rare: the engine asked for one)."),
    "user": N_("user namespace remapping (rootless Docker or userns-remap): uid 0 inside is an "
            "unprivileged uid outside."),
    "uts": N_("own UTS namespace: its own hostname (Docker uses the short container id)."),
}

_SAME = {
    "cgroup": N_("shared: on cgroup v1 Docker runs containers with CgroupnsMode 'host', so the container "
              "sees the host's cgroup paths (e.g. /docker/<id>); the limits still apply."),
    "ipc": N_("shared with the host on purpose (ipc_mode='host')."),
    "mnt": N_("shared mount namespace (unusual for a container)."),
    "net": N_("shared network stack (network='host')."),
    "pid": N_("shared process tree (pid_mode='host')."),
    "time": N_("not namespaced by Docker: containers use the host's clocks."),
    "user": N_("not namespaced by default: root (uid 0) inside IS uid 0 on the host. That is why vlab drops "
            "every capability and why a container escape is serious."),
    "uts": N_("shared hostname (uts_mode='host')."),
}


def explain(ns: str, differs: bool) -> str:
    """One-line reason why namespace ``ns`` differs (or not) between host and container."""
    if ns not in NS_TYPES:
        raise BadParameter(_("Unknown namespace type {ns!r}").format(ns=ns),
                           _("Use one of: {names}.").format(names=", ".join(NS_TYPES)))
    return (_DIFFERS if differs else _SAME)[ns]


# ------------------------------------------------------------------ the host's side
def host_namespaces() -> dict[str, str]:
    """``{type: 'type:[inode]'}`` for this process; '' for a type the kernel lacks."""
    out = {}
    for t in NS_TYPES:
        try:
            out[t] = os.readlink(f"/proc/self/ns/{t}")
        except OSError:
            out[t] = ""
    return out


def host_view() -> dict[str, str]:
    """The same probes the container runs, seen from this process."""
    mounts = Path("/proc/self/mounts").read_text().splitlines()
    root = next((ln.split()[2] for ln in reversed(mounts) if len(ln.split()) > 2 and ln.split()[1] == "/"), "?")
    procs = [p for p in os.listdir("/proc") if p.isdigit()]
    try:
        pid1 = Path("/proc/1/comm").read_text().strip()
    except OSError:
        pid1 = "?"
    try:
        ifaces = sorted(os.listdir("/sys/class/net"))
    except OSError:
        ifaces = []
    try:
        uid_map = " ".join(Path("/proc/self/uid_map").read_text().split())
    except OSError:
        uid_map = "?"
    return {
        "my_pid": str(os.getpid()),
        "pid1": pid1,
        "processes": str(len(procs)),
        "hostname": socket.gethostname(),
        "rootfs": root,
        "mounts": str(len(mounts)),
        "interfaces": ",".join(ifaces),
        "uid": str(os.getuid()),
        "uid_map": uid_map,
        "kernel": platform.release(),
    }


# ------------------------------------------------------------------ the container's side
CONTAINER_SCRIPT = r"""
echo @@ns; for t in cgroup ipc mnt net pid time user uts; do echo "$t $(readlink /proc/self/ns/$t)"; done
echo @@my_pid; echo $$
echo @@pid1; cat /proc/1/comm
echo @@ps; ps -o pid,comm
echo @@processes; ls -d /proc/[0-9]* | wc -l
echo @@hostname; hostname
echo @@rootfs; awk '$2=="/"{print $3}' /proc/mounts | tail -n 1
echo @@mounts; wc -l < /proc/mounts
echo @@interfaces; ls /sys/class/net | tr '\n' ',' | sed 's/,$//'; echo
echo @@uid; id -u
echo @@uid_map; cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //'
echo @@kernel; uname -r
"""


def parse_sections(text: str) -> dict[str, str]:
    """Split ``@@name`` marked output into ``{name: body}`` (bodies stripped)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("@@"):
            current = line[2:].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def parse_ns(body: str) -> dict[str, str]:
    """``'pid pid:[4026532181]'`` lines → ``{'pid': 'pid:[4026532181]'}``."""
    out = {}
    for line in body.splitlines():
        parts = line.split()
        if parts and parts[0] in NS_TYPES:
            out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


_VIEW_NOTES = {
    "my_pid": (N_("process id of the probe's shell"), N_("PID namespace: numbering starts again at 1 inside.")),
    "pid1": (N_("what runs as PID 1"), N_("Inside, PID 1 is the container's own command, not the host's init.")),
    "processes": (N_("processes visible"), N_("The container sees only its own processes.")),
    "hostname": (N_("hostname (UTS)"), N_("UTS namespace: the container has its own hostname.")),
    "rootfs": (N_("filesystem type of /"), N_("Mount namespace: / is the image on an overlay filesystem.")),
    "mounts": (N_("mount points visible"), N_("Mount namespace: a short mount table of its own.")),
    "interfaces": (N_("network interfaces"), N_("Network namespace: only its own interfaces (lo with network none).")),
    "uid": (N_("user id"), N_("Same number: without a user namespace, root inside is root outside.")),
    "uid_map": (N_("uid map (inside outside count)"), N_("The identity map: no remapping of users.")),
    "kernel": (N_("kernel release (uname -r)"), N_("One kernel for all: a container shares the host's kernel.")),
}


def _views_frame(host_ns: dict, cont_ns: dict, host: dict, cont: dict, cgroupns_mode: str) -> pd.DataFrame:
    rows = []
    for t in NS_TYPES:
        h, c = host_ns.get(t, ""), cont_ns.get(t, "")
        differs = bool(h and c and h != c)
        note = explain(t, differs)
        if t == "cgroup" and cgroupns_mode:
            note += f" (CgroupnsMode here: {cgroupns_mode})"
        rows.append({"group": "namespace", "probe": t, "what": NS_WHAT[t], "host": h, "container": c,
                     "differs": differs, "note": note})
    for key, (what, note) in _VIEW_NOTES.items():
        h, c = str(host.get(key, "")), str(cont.get(key, ""))
        rows.append({"group": "view", "probe": key, "what": what, "host": h, "container": c,
                     "differs": h != c, "note": note})
    return pd.DataFrame(rows)


def _host_note(kernel_in_container: str) -> str:
    if kernel_in_container and kernel_in_container != platform.release():
        return N_("The engine runs on a different kernel than this notebook (Docker Desktop or a remote engine): "
                  "'host' below means this notebook's process, not the engine's machine.")
    if host_namespaces().get("pid") != f"pid:[{INIT_PID_NS_INODE}]":
        return N_("This notebook itself runs in a container: 'host' below means the notebook's container.")
    return N_("'host' below is this notebook's own process on the machine that runs the engine.")


def _views_limits(network: str = "none") -> Limits:
    return Limits(network=network, pids=32, memory="64m")


@replayable("ns_views", check=_views_limits)
def views(network: str = "none") -> Results:
    """Run one container and compare its namespaces and views with the host's."""
    limits = _views_limits(network)
    with sandbox.start(["sleep", "60"], limits=limits, purpose="isolation-views") as box:
        out = box.exec(["/bin/sh", "-c", CONTAINER_SCRIPT])
        info = box.inspect()
    host_ns, host = host_namespaces(), host_view()
    sec = parse_sections(out.stdout)
    cont_ns = parse_ns(sec.get("ns", ""))
    # The exec'd shell is not PID 1; PID 1 is the container's own command (sleep).
    cont = {k: sec.get(k, "") for k in _VIEW_NOTES}
    cgroupns = str(info["HostConfig"].get("CgroupnsMode") or "")
    frame = _views_frame(host_ns, cont_ns, host, cont, cgroupns)
    extra = {
        "ps": sec.get("ps", ""),
        "container_cmd": " ".join(info["Config"].get("Cmd") or []),
        "cgroupns_mode": cgroupns,
        "host_note": _host_note(cont.get("kernel", "")),
        "network": network,
    }
    return Results("ns_views", frame, provenance=provenance.collect({"network": network}), extra=extra)


@replayable("ns_pid1")
def pid1() -> Results:
    """Ask a container's first process for its own PID (it is 1) and the host for its PID."""
    res = sandbox.run(["/bin/sh", "-c", "echo $$; cat /proc/1/comm; true"], limits=Limits(memory="32m", pids=16),
                      purpose="isolation-pid1")
    lines = res.stdout.split()
    frame = pd.DataFrame([
        {"where": "container", "pid_of_command": int(lines[0]), "pid1_name": lines[1] if len(lines) > 1 else ""},
        {"where": "host", "pid_of_command": os.getpid(), "pid1_name": host_view()["pid1"]},
    ])
    return Results("ns_pid1", frame, provenance=provenance.collect({}))


def container_pid(res: Results) -> int:
    """The PID the container's command saw for itself (1 whenever it has its own PID namespace)."""
    df = res.samples
    return int(df.loc[df["where"] == "container", "pid_of_command"].iloc[0])


def differing(res: Results) -> list[str]:
    """Namespace types whose inode differs between host and container in a ``views()`` result."""
    df = res.samples
    return sorted(df[(df["group"] == "namespace") & df["differs"].astype(bool)]["probe"])


# ------------------------------------------------------------------ sharing on purpose
SHARE_SCRIPT = "for t in ipc mnt net pid uts; do echo \"$t $(readlink /proc/self/ns/$t)\"; done; echo @@ps; ps -o comm"


@replayable("ns_sharing")
def sharing() -> Results:
    """Two containers: B joins A's PID and network namespaces on purpose; compare every inode."""
    la = Limits(memory="32m", pids=16)
    with sandbox.start(["sleep", "60"], limits=la, purpose="isolation-share-a") as a:
        lb = Limits(memory="32m", pids=16, pid_mode=f"container:{a.id}", network=f"container:{a.id}")
        with sandbox.start(["sleep", "61"], limits=lb, purpose="isolation-share-b") as b:
            out_a = a.exec(["/bin/sh", "-c", SHARE_SCRIPT]).stdout
            out_b = b.exec(["/bin/sh", "-c", SHARE_SCRIPT]).stdout
    ns_a, ns_b = parse_ns(out_a.split("@@ps")[0]), parse_ns(out_b.split("@@ps")[0])
    shared_on_purpose = {"pid", "net"}
    rows = []
    for t in ("ipc", "mnt", "net", "pid", "uts"):
        same = ns_a.get(t) == ns_b.get(t)
        rows.append({"namespace": t, "container_a": ns_a.get(t, ""), "container_b": ns_b.get(t, ""),
                     "shared": same, "asked_to_share": t in shared_on_purpose})
    ps_b = parse_sections("@@ps\n" + out_b.split("@@ps", 1)[1])["ps"].split() if "@@ps" in out_b else []
    extra = {"b_sees_processes": [p for p in ps_b if p != "COMMAND"],
             "how": N_("B was created with pid_mode='container:<A>' and network='container:<A>'.")}
    return Results("ns_sharing", pd.DataFrame(rows), provenance=provenance.collect({}), extra=extra)


RECORDINGS = {
    "ns_views": lambda quick: views.__wrapped__(),
    "ns_pid1": lambda quick: pid1.__wrapped__(),
    "ns_sharing": lambda quick: sharing.__wrapped__(),
}


# ------------------------------------------------------------------ prediction, glass box and exercises
def shared_with_host(res: Results) -> list[str]:
    """Namespace types the container shares with the host (same inode) in a ``views()`` result."""
    df = res.samples
    ns = df[(df["group"] == "namespace") & (df["host"] != "") & (df["container"] != "")]
    return sorted(ns[~ns["differs"].astype(bool)]["probe"])


def recorded_pid_namespaces() -> dict[str, str]:
    """The PID namespace links of the recorded ``ns_views`` run: ``{"host": ..., "container": ...}``."""
    from vlab.core.replay import load

    df = load("ns_views").samples
    row = df[(df["group"] == "namespace") & (df["probe"] == "pid")].iloc[0]
    return {"host": str(row["host"]), "container": str(row["container"])}


def compare_prediction(predicted: object, res: Results) -> str:
    """Set the learner's predicted number of shared namespaces against the measured one."""
    shared = shared_with_host(res)
    measured = _("the container shares {n} of {total} namespace types with the host: {names}").format(
        n=len(shared), total=len(NS_TYPES), names=", ".join(shared))
    if not isinstance(predicted, int) or isinstance(predicted, bool):
        return _("No prediction recorded. Measured: {measured}.").format(measured=measured)
    if predicted == len(shared):
        verdict = _("Your prediction was exactly right")
    elif predicted > len(shared):
        verdict = _("You predicted {n}: the container is more isolated than you expected").format(n=predicted)
    else:
        verdict = _("You predicted {n}: the container shares more with the host than you expected").format(
            n=predicted)
    return _("{verdict}. Measured: {measured}. Docker gives a container its own pid, mnt, net, uts and ipc "
             "namespaces; it leaves the user namespace shared (root inside is root outside), uses no time namespace, "
             "and shares the cgroup namespace only on cgroup v1.").format(verdict=verdict, measured=measured)


@checker
def check_shared_namespaces(shared: object, views_res: Results) -> Feedback:
    """Exercise: the list of namespace types the container shares with the host, computed from ``views.samples``."""
    want = shared_with_host(views_res)
    if isinstance(shared, str) or not isinstance(shared, list | tuple | set | pd.Series):
        return wrong(_("your answer is a {type}, not a list of namespace names").format(type=type(shared).__name__),
                     _("End with something like sorted(df[...]['probe']) or list(...)."))
    got = sorted(str(s) for s in shared)
    unknown = [s for s in got if s not in NS_TYPES]
    if unknown:
        return wrong(_("{unknown} are not namespace types").format(unknown=unknown),
                     _("The probe column holds: {join}; keep only rows whose group is 'namespace'.").format(
                                                               join=', '.join(NS_TYPES)))
    if got == [t for t in NS_TYPES if t not in want] or (got and set(got) <= set(NS_TYPES) - set(want)):
        return wrong(_("{got} are the namespaces the container has of its own, not the shared ones").format(
                         got=got),
                     _("Shared means the same inode on both sides: differs is False."))
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    if missing or extra:
        return wrong(_("missing {value}, should not be there {value2}").format(
                         value=missing or 'nothing', value2=extra or 'nothing'),
                     _("Select group == 'namespace' and differs == False, then take the probe column."))
    return passed(_("the container shares {join} with the host: the same inode numbers on both sides.").format(
                      join=', '.join(want)))


@checker
def check_ns_reader(ns_of: object) -> Feedback:
    """Exercise: ``ns_of(pid)`` returns ``{type: 'type:[inode]'}`` for every namespace of a process."""
    if not callable(ns_of):
        return wrong(_("ns_of should be a function"), _("Define it with def ns_of(pid): ..."))
    got = ns_of("self")
    if got is Ellipsis or (isinstance(got, dict) and any(v is Ellipsis for v in got.values())):
        return not_yet()
    if not isinstance(got, dict):
        return wrong(_("ns_of('self') returned a {type}, not a dict").format(type=type(got).__name__),
                     _("Build a dict {type: os.readlink(...)} over the entries of /proc/<pid>/ns."))
    want = {t: v for t, v in host_namespaces().items() if v}
    missing = sorted(set(want) - set(got))
    if missing:
        return wrong(_("your dict has no entry for {missing}").format(missing=missing),
                     _("List every entry of /proc/<pid>/ns (os.listdir) or use namespaces.NS_TYPES."))
    differ = sorted(t for t in want if str(got[t]) != want[t])
    if differ:
        return wrong(_("wrong values for {differ}: e.g. {differ2} → {got!r}, expected {want!r}").format(
                         differ=differ, differ2=differ[0], got=got[differ[0]], want=want[differ[0]]),
                     _("Each value is os.readlink(f'/proc/{pid}/ns/{type}'), e.g. 'pid:[4026531836]'."))
    return passed(_("ns_of reads all {want} namespaces of a process, e.g. {get}.").format(
                      want=len(want), get=want.get('pid', '')))
