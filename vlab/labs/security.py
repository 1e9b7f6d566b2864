"""Security (보안) trade-offs of containers, shown safely: shared kernel, capabilities, privileged
mode (by inspection only), the Docker socket, seccomp, and a hypervisor-vs-container table.

Nothing here starts a privileged container or mounts the Docker socket: the sandbox forbids both,
and ``socket_refusal()`` shows that refusal.
"""

from __future__ import annotations

import os
import platform
import stat
import time
from pathlib import Path

import pandas as pd

from vlab.core import provenance, replay, sandbox
from vlab.core.errors import BadParameter, DataError
from vlab.core.exercise import Feedback, checker, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.replay import replayable
from vlab.core.results import Results
from vlab.core.sandbox import Limits
from vlab.core.validate import whole_number
from vlab.labs.namespaces import parse_sections

__all__ = [
    "CAP_ACTIONS", "CAP_NAMES", "CAP_SCRIPT", "DANGEROUS_DEVICES", "DOCKER_DEFAULT_CAPS", "DOCKER_RUN_DOC",
    "GLASS_BOX_SCRIPT", "KERNEL_SCRIPT", "PRIVILEGED_EFFECTS", "RECORDINGS", "SECCOMP_DOC", "SECCOMP_OPS",
    "SOCKET_DOC", "SOCKET_PATHS", "SOCKET_WHY", "capabilities", "check_decoded_caps", "check_encoded_caps",
    "comparison_table", "decode_caps", "encode_caps", "host_caps", "host_devices", "is_dangerous", "last_cap",
    "privileged_table", "privileged_view", "recorded_glass_box", "same_kernel", "seccomp_demo", "shared_kernel",
    "socket_facts", "socket_refusal"
]

# Linux capability numbers (include/uapi/linux/capability.h), bit i of CapEff = CAP_NAMES[i].
CAP_NAMES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE",
)
# Docker's default set for an ordinary (non-privileged) container: moby oci/caps/defaults.go,
# documented under "Runtime privilege and Linux capabilities" in the `docker run` reference.
DOCKER_DEFAULT_CAPS = ("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
                       "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE")
DOCKER_RUN_DOC = "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities"
SECCOMP_DOC = "https://docs.docker.com/engine/security/seccomp/"
SOCKET_DOC = "https://docs.docker.com/engine/security/#docker-daemon-attack-surface"


def decode_caps(value: str | int) -> list[str]:
    """Capability names set in a CapEff/CapBnd mask (hex string as in /proc/self/status, or an int)."""
    if isinstance(value, str):
        try:
            mask = int(value.strip(), 16)
        except ValueError as exc:
            raise BadParameter(_("{value!r} is not a hexadecimal capability mask").format(value=value),
                               _("Copy the CapEff value.")) from exc
    elif isinstance(value, int) and not isinstance(value, bool):
        mask = value
    else:
        raise BadParameter(_("{value!r} is not a capability mask").format(value=value))
    if mask < 0:
        raise BadParameter(_("a capability mask cannot be negative"))
    return [CAP_NAMES[i] if i < len(CAP_NAMES) else f"CAP_{i}" for i in range(mask.bit_length()) if mask >> i & 1]


def encode_caps(names) -> int:
    """The mask for a set of capability names (inverse of ``decode_caps``)."""
    mask = 0
    for n in names:
        name = str(n).upper().removeprefix("CAP_")
        if name not in CAP_NAMES:
            raise BadParameter(_("Unknown capability {name!r}").format(name=n))
        mask |= 1 << CAP_NAMES.index(name)
    return mask


def _status_caps(text: str) -> dict[str, str]:
    return {ln.split(":")[0]: ln.split()[1] for ln in text.splitlines() if ln.startswith("Cap") and ":" in ln}


def host_caps() -> dict[str, str]:
    """CapEff/CapBnd… of this Python process."""
    return _status_caps(Path("/proc/self/status").read_text())


def last_cap() -> int:
    """Highest capability number this kernel knows (a privileged container gets 0..last_cap)."""
    try:
        return int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        return len(CAP_NAMES) - 1


# ------------------------------------------------------------------ shared kernel
KERNEL_SCRIPT = """echo @@uname; uname -r
echo @@version; cat /proc/version
echo @@boot; ls /boot 2>&1
echo @@insmod; insmod /proc/version 2>&1; echo rc=$?
"""


def _check_runs(runs: int = 3) -> None:
    whole_number("runs", runs, 1, 50)


@replayable("sec_kernel", check=_check_runs)
def shared_kernel(runs: int = 3) -> Results:
    """uname -r inside vs outside; no kernel in the image; loading kernel code refused; container run time."""
    from vlab.core.engine import describe

    res = sandbox.run(KERNEL_SCRIPT, limits=Limits(memory="32m", pids=16), purpose="security-kernel")
    sec = parse_sections(res.stdout)
    engine_kernel = describe().kernel
    times = []
    for _run in range(runs):
        t0 = time.perf_counter()
        sandbox.run(["true"], limits=Limits(memory="16m", pids=8), purpose="security-kernel-start")
        times.append((time.perf_counter() - t0) * 1e3)
    rows = [{"where": "container", "kernel": sec.get("uname", ""), "proc_version": sec.get("version", "")},
            {"where": "engine host", "kernel": engine_kernel, "proc_version": ""},
            {"where": "this notebook", "kernel": platform.release(),
             "proc_version": Path("/proc/version").read_text().strip()}]
    extra = {"same_kernel": sec.get("uname", "") == engine_kernel,
             "same_as_notebook": sec.get("uname", "") == platform.release(),
             "boot_dir": sec.get("boot", ""), "insmod": sec.get("insmod", ""),
             "container_run_ms": times}
    return Results("sec_kernel", pd.DataFrame(rows), provenance=provenance.collect({"runs": runs}), extra=extra)


def same_kernel(res: Results) -> bool:
    """True when the container's ``uname -r`` equals the engine host's kernel release."""
    return bool(res.extra.get("same_kernel"))


# ------------------------------------------------------------------ capabilities
CAP_SCRIPT = """grep ^Cap /proc/self/status
touch /tmp/f; chown 65534 /tmp/f 2>/dev/null; echo chown=$?
mknod /tmp/null c 1 3 2>/dev/null; echo mknod=$?
chroot / true 2>/dev/null; echo chroot=$?
"""
CAP_ACTIONS = {"chown": "CHOWN", "mknod": "MKNOD", "chroot": "SYS_CHROOT"}


def _cap_row(config_name: str, out: str) -> dict:
    caps = _status_caps(out)
    kv = dict(ln.split("=", 1) for ln in out.splitlines() if "=" in ln)
    eff = decode_caps(caps.get("CapEff", "0"))
    row = {"config": config_name, "CapEff": caps.get("CapEff", ""), "count": len(eff), "capabilities": " ".join(eff)}
    for action in CAP_ACTIONS:
        row[f"{action}_allowed"] = kv.get(action, "1").strip() == "0"
    return row


@replayable("sec_caps")
def capabilities() -> Results:
    """CapEff decoded for vlab's default (all dropped) and Docker's default set, with what each allows."""
    rows = []
    for name, add in (("vlab sandbox (cap_drop ALL)", ()), ("Docker default set", DOCKER_DEFAULT_CAPS)):
        res = sandbox.run(CAP_SCRIPT, limits=Limits(memory="32m", pids=16, cap_add=add), purpose="security-caps")
        rows.append(_cap_row(name, res.stdout))
    everything = CAP_NAMES[: last_cap() + 1]
    rows.append({"config": "--privileged (described, not run)", "CapEff": format(encode_caps(everything), "016x"),
                 "count": len(everything), "capabilities": " ".join(everything),
                 **{f"{a}_allowed": True for a in CAP_ACTIONS}})
    hc = host_caps()
    extra = {"notebook_process_caps": decode_caps(hc.get("CapEff", "0")), "source": DOCKER_RUN_DOC}
    return Results("sec_caps", pd.DataFrame(rows), provenance=provenance.collect({}), extra=extra)


# ------------------------------------------------------------------ privileged, by inspection
DANGEROUS_DEVICES = ("mem", "kmem", "port", "kmsg", "kvm", "sda", "vda", "nvme", "xvda", "mapper", "loop", "fuse",
                     "sg", "dm-", "mmcblk", "tty0", "cpu", "vhost", "watchdog")


def host_devices(dev: str = "/dev") -> list[str]:
    """Character and block device nodes directly under ``dev`` on this machine."""
    out = []
    try:
        names = os.listdir(dev)
    except OSError:
        return []
    for name in sorted(names):
        try:
            mode = os.lstat(os.path.join(dev, name)).st_mode
        except OSError:
            continue
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            out.append(("b:" if stat.S_ISBLK(mode) else "c:") + name)
    return out


def _danger_rank(name: str) -> int:
    return next((i for i, p in enumerate(DANGEROUS_DEVICES) if name.startswith(p)), len(DANGEROUS_DEVICES))


def is_dangerous(node: str) -> bool:
    name = node.split(":", 1)[-1]
    return any(name.startswith(p) for p in DANGEROUS_DEVICES)


PRIVILEGED_EFFECTS = [
    (N_("capabilities"), N_("all dropped (0) or Docker's 14"), N_("every capability the kernel has")),
    (N_("devices"), N_("a handful of harmless nodes (null, zero, random, tty…)"),
     N_("every device node of the host: disks, /dev/mem, kmsg…")),
    (N_("seccomp"), N_("default filter blocks ~44 dangerous system calls"), N_("no seccomp filter")),
    (N_("AppArmor / SELinux"), N_("the engine's default profile"), N_("unconfined")),
    (N_("/sys and /proc"), N_("read-only, sensitive paths masked"), N_("writable, nothing masked")),
    (N_("cgroups"), N_("its own limits"), N_("can write the host's cgroup files")),
]


@replayable("sec_privileged")
def privileged_view() -> Results:
    """Which device nodes a normal sandbox container sees vs what --privileged would hand over (not run)."""
    res = sandbox.run("for f in /dev/*; do if [ -c $f ]; then echo c:${f#/dev/}; elif [ -b $f ]; then "
                      "echo b:${f#/dev/}; fi; done", limits=Limits(memory="32m", pids=16), purpose="security-devices")
    inside = sorted(res.stdout.split())
    host = host_devices()
    rows = [{"node": n, "in_sandbox": n in inside, "with_privileged": True, "dangerous": is_dangerous(n)}
            for n in sorted(set(host) | set(inside))]
    extra = {"sandbox_hostconfig": {k: res.host_config.get(k) for k in
                                    ("Privileged", "CapDrop", "CapAdd", "SecurityOpt", "Memory", "PidsLimit",
                                     "Devices", "ReadonlyPaths")},
             "effects": PRIVILEGED_EFFECTS, "source": DOCKER_RUN_DOC}
    return Results("sec_privileged", pd.DataFrame(rows), provenance=provenance.collect({}), extra=extra)


def privileged_table(res: Results) -> pd.DataFrame:
    """Aspect-by-aspect: this sandbox vs what --privileged would give (described from Docker's docs)."""
    df = res.samples
    n_in, n_all = int(df["in_sandbox"].sum()), len(df)
    names = df[df["dangerous"] & ~df["in_sandbox"].astype(bool)]["node"].str.split(":").str[1].tolist()
    danger = sorted(names, key=_danger_rank)
    rows = [{"aspect": _(a), "vlab sandbox": _(s), "--privileged": _(p)} for a, s, p in PRIVILEGED_EFFECTS]
    rows[1]["vlab sandbox"] = _("{n} device nodes").format(n=n_in)
    rows[1]["--privileged"] = _("{n} device nodes, incl. {names}").format(
        n=n_all, names=", ".join(danger[:8]) or _("none here"))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the Docker socket
SOCKET_PATHS = ("/var/run/docker.sock", "/run/docker.sock")
SOCKET_WHY = N_(
    "The Docker daemon runs as root and does whatever a client on its socket asks. A client can ask for a "
    "container with --privileged and the host's / mounted inside "
    "(`docker run --privileged -v /:/host … chroot /host`): "
    "that is a root shell on the host. So write access to the Docker socket equals root (루트 권한), "
    "and mounting the socket into a container hands root to whatever runs in it."
)


def socket_refusal(path: str = "/var/run/docker.sock") -> str:
    """Ask the sandbox to mount the Docker socket; return the BadParameter message it refuses with."""
    try:
        sandbox.host_config(None, Limits(binds={path: {"bind": "/var/run/docker.sock", "mode": "ro"}}))
    except BadParameter as exc:
        return exc.message
    raise AssertionError("the sandbox accepted a Docker socket mount")  # pragma: no cover - a sandbox bug


def socket_facts() -> dict:
    """Who may use the Docker socket on this machine: owner, group, mode (no connection made)."""
    for p in SOCKET_PATHS:
        try:
            st = os.stat(p)
        except OSError:
            continue
        import grp
        import pwd

        def _name(fn, i):
            try:
                return fn(i)[0]
            except KeyError:
                return str(i)

        return {"path": p, "owner": _name(pwd.getpwuid, st.st_uid), "group": _name(grp.getgrgid, st.st_gid),
                "mode": stat.filemode(st.st_mode)}
    return {"path": "", "owner": "", "group": "", "mode": "",
            "note": _("no local socket (remote engine, Docker Desktop or replay mode)")}


# ------------------------------------------------------------------ seccomp
SECCOMP_OPS = {
    # name: (shell command, system call, what it would allow)
    "create a user namespace": ("unshare -U true", "unshare(CLONE_NEWUSER)",
                                "a fresh user namespace: a large kernel attack surface"),
    "network namespace": ("unshare -n true", "unshare(CLONE_NEWNET)", "a new network stack (needs CAP_SYS_ADMIN)"),
    "mount a filesystem": ("mkdir -p /tmp/m && mount -t tmpfs none /tmp/m", "mount",
                           "changing the mount table (needs CAP_SYS_ADMIN)"),
    "set the clock": ("date -s 2020-01-01", "settimeofday / clock_settime", "changing the host's time (CAP_SYS_TIME)"),
}


def _seccomp_script() -> str:
    lines = ["echo @@Seccomp; grep ^Seccomp: /proc/self/status | awk '{print $2}'"]
    for i, (cmd, _what, _why) in enumerate(SECCOMP_OPS.values()):
        lines.append(f"echo @@op{i}; ({cmd}) 2>&1; echo rc=$?")
    return "\n".join(lines)


def _op_outcome(body: str) -> tuple[bool, str]:
    lines = [ln for ln in body.splitlines() if ln.strip()]
    rc = next((ln[3:] for ln in reversed(lines) if ln.startswith("rc=")), "?")
    msg = " ".join(ln for ln in lines if not ln.startswith("rc="))
    ok = rc == "0" and "not permitted" not in msg.lower() and "can't" not in msg.lower()
    return ok, msg


@replayable("sec_seccomp")
def seccomp_demo() -> Results:
    """The same operations under the default seccomp filter and seccomp=unconfined (capabilities dropped in both)."""
    outs = {}
    for name, opts in (("default", ()), ("unconfined", ("seccomp=unconfined",))):
        res = sandbox.run(_seccomp_script(), limits=Limits(memory="32m", pids=16, security_opt=opts),
                          purpose="security-seccomp")
        outs[name] = parse_sections(res.stdout)
    rows = []
    for i, (op, (cmd, syscall, why)) in enumerate(SECCOMP_OPS.items()):
        d_ok, d_msg = _op_outcome(outs["default"].get(f"op{i}", ""))
        u_ok, u_msg = _op_outcome(outs["unconfined"].get(f"op{i}", ""))
        if not d_ok and u_ok:
            verdict = "blocked by seccomp (the kernel itself would allow it)"
        elif not d_ok and not u_ok:
            verdict = "blocked by missing capabilities even without seccomp"
        elif d_ok:
            verdict = "allowed"
        else:  # pragma: no cover - seccomp never allows more than unconfined
            verdict = "?"
        rows.append({"operation": op, "command": cmd, "syscall": syscall, "default_seccomp_ok": d_ok,
                     "unconfined_ok": u_ok, "verdict": verdict, "default_message": d_msg, "unconfined_message": u_msg,
                     "why_it_matters": why})
    extra = {"seccomp_mode": {k: v.get("Seccomp", "") for k, v in outs.items()}, "source": SECCOMP_DOC}
    return Results("sec_seccomp", pd.DataFrame(rows), provenance=provenance.collect({}), extra=extra)


# ------------------------------------------------------------------ hypervisor vs container
def _try_load(kind: str) -> Results | None:
    try:
        return replay.load(kind)
    except DataError:
        return None


def _median_total_ms(res: Results | None) -> float | None:
    if res is None or res.samples.empty or "ms" not in res.samples:
        return None
    df = res.samples
    if "warmup" in df:
        df = df[~df["warmup"].astype(bool)]
    if "phase" in df:
        phases = set(df["phase"])
        for name in ("total", "wall", "boot", "marker"):
            if name in phases:
                return float(df[df["phase"] == name]["ms"].median())
        return float(df.groupby("phase")["ms"].median().max())
    return float(df["ms"].median())


def comparison_table(kernel: Results | None = None, caps: Results | None = None, seccomp: Results | None = None,
                     namespaces: Results | None = None, oom: Results | None = None, vm_boot: Results | None = None,
                     container_start: Results | None = None) -> pd.DataFrame:
    """Hypervisor vs container, each row backed by a measurement (yours, or a shipped recording) or marked absent."""
    kernel = kernel or _try_load("sec_kernel")
    caps = caps or _try_load("sec_caps")
    seccomp = seccomp or _try_load("sec_seccomp")
    namespaces = namespaces or _try_load("ns_views")
    oom = oom or _try_load("cg_oom")
    vm_boot = vm_boot or _try_load("vm_boot")
    container_start = container_start or _try_load("vm_container_start") or _try_load("start")

    def src(r: Results | None) -> str:
        if r is None:
            return _("not measured yet")
        return "{} ({})".format(r.kind, _("recorded") if r.replayed else _("your run"))

    rows = []
    if kernel is not None:
        rows.append({"aspect": "kernel", "hypervisor (VM)": _("its own guest kernel (게스트 커널)"),
                     "container": _("the host's kernel (same kernel: {same})").format(same=same_kernel(kernel)),
                     "evidence": src(kernel)})
    rows.append({"aspect": "another OS?", "hypervisor (VM)": _("yes: any OS for the same CPU"),
                 "container": _("no: only programs for the host's kernel"), "evidence": src(kernel)})
    vm_ms = _median_total_ms(vm_boot)
    c_ms = _median_total_ms(container_start)
    if c_ms is None and kernel is not None and kernel.extra.get("container_run_ms"):
        c_ms = float(pd.Series(kernel.extra["container_run_ms"]).median())
        c_src = src(kernel) + _(", run of `true`")
    else:
        c_src = src(container_start)
    accel = (vm_boot.extra.get("accelerator", "?") if vm_boot is not None else "")
    rows.append({"aspect": "start (median)",
                 "hypervisor (VM)": (_("{ms:.0f} ms boot ({accel})").format(ms=vm_ms, accel=accel.upper()) if vm_ms
                                     else _("see notebook 08 (VM boot)")),
                 "container": f"{c_ms:.0f} ms" if c_ms else _("see notebook 07 (start time)"),
                 "evidence": f"{src(vm_boot)}; {c_src}"})
    if namespaces is not None:
        diff = ", ".join(sorted(namespaces.samples.query("group == 'namespace' and differs")["probe"]))
        rows.append({"aspect": "isolation boundary", "hypervisor (VM)": _("virtual hardware; guest kernel inside"),
                     "container": _("kernel namespaces ({names})").format(names=diff), "evidence": src(namespaces)})
    if oom is not None:
        code = int(oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0])
        rows.append({"aspect": "resource limits", "hypervisor (VM)": _("fixed vCPUs and RAM given to the guest"),
                     "container": _("cgroups (memory hog → exit {code})").format(code=code), "evidence": src(oom)})
    if seccomp is not None:
        blocked = int((seccomp.samples["verdict"].str.startswith("blocked by seccomp")).sum())
        rows.append({"aspect": "attack surface", "hypervisor (VM)": _("hypercalls and emulated devices: small in "
                     "Firecracker-like VMMs, large in QEMU's device model"),
                     "container": _("the whole host syscall interface, filtered by seccomp ({n} demo op(s) "
                                    "blocked only by seccomp)").format(n=blocked), "evidence": src(seccomp)})
    if caps is not None:
        docker_n = int(caps.samples.loc[caps.samples["config"] == "Docker default set", "count"].iloc[0])
        rows.append({"aspect": "root inside", "hypervisor (VM)": _("root in the guest only"),
                     "container": _("uid 0 = host uid 0 without a user namespace; Docker keeps {n} "
                                    "capabilities, vlab keeps 0").format(n=docker_n), "evidence": src(caps)})
    rows.append({"aspect": "security (S3.8)", "hypervisor (VM)": _("stronger: an escape must break the hypervisor"),
                 "container": _("weaker: one kernel bug can reach every container"),
                 "evidence": _("follows from the rows above")})
    return pd.DataFrame(rows)


RECORDINGS = {
    "sec_kernel": lambda quick: shared_kernel.__wrapped__(runs=3 if quick else 10),
    "sec_caps": lambda quick: capabilities.__wrapped__(),
    "sec_privileged": lambda quick: privileged_view.__wrapped__(),
    "sec_seccomp": lambda quick: seccomp_demo.__wrapped__(),
}


# ------------------------------------------------------------------ learning by doing (notebook 10)
#: The glass-box cell's shell command: the kernel release, then the effective capability mask.
GLASS_BOX_SCRIPT = "uname -r; grep CapEff /proc/self/status"


def recorded_glass_box() -> tuple[dict[str, str], str]:
    """Replay stand-in for the glass-box cell: recorded kernels inside and outside, the sandbox's CapEff, a note."""
    kernel, caps = replay.load("sec_kernel").samples, replay.load("sec_caps").samples
    where = dict(zip(kernel["where"], kernel["kernel"], strict=False))
    cap_eff = str(caps.loc[caps["config"].str.startswith("vlab sandbox"), "CapEff"].iloc[0])
    return ({"inside": where.get("container", "?"), "host": where.get("engine host", "?"), "cap_eff": cap_eff},
            _("replay: no engine here; kernels and CapEff as recorded on a real machine (not this one)."))


@checker
def check_decoded_caps(names, mask_hex: str) -> Feedback:
    """Exercise: the capability names set in a CapEff mask, decoded by the learner's own code."""
    want = decode_caps(mask_hex)
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        return wrong(_("expected a list of names, got {type}").format(type=type(names).__name__),
                     _("Build a list: one name per set bit."))
    got = [str(n).upper().removeprefix("CAP_") for n in names]
    if sorted(got) == sorted(want):
        return passed(_("{want} capabilities: {join}. Each set bit i is CAP_NAMES[i].").format(
                          want=len(want), join=' '.join(want)))
    shifted = [CAP_NAMES[i + 1] for i, n in enumerate(CAP_NAMES[:-1]) if n in want]
    if sorted(got) == sorted(shifted):
        return wrong(_("every name is one place off"), _("Bit 0 is the lowest bit (mask & 1) and CAP_NAMES[0] is "
                       "CHOWN."))
    extra, missing = sorted(set(got) - set(want)), sorted(set(want) - set(got))
    return wrong(_("{got} names; not in the mask: {value}; missing: {value2}").format(
                     got=len(got), value=extra or 'none', value2=missing or 'none'),
                 _("int(mask_hex, 16) is the number; bit i is set when (mask >> i) & 1 == 1."))


@checker
def check_encoded_caps(mask_hex, wanted) -> Feedback:
    """Exercise: the CapEff-style mask (16 hex digits) for a set of capability names."""
    want = encode_caps(wanted)
    if isinstance(mask_hex, int) and not isinstance(mask_hex, bool):
        if mask_hex == want:
            return wrong(_("{mask_hex} is the right number, but CapEff writes it as 16 hexadecimal digits").format(
                             mask_hex=mask_hex),
                         _("Format it with f\"{mask:016x}\"."))
        got = mask_hex
    elif isinstance(mask_hex, str):
        try:
            got = int(mask_hex, 16)
        except ValueError:
            return wrong(_("{mask_hex!r} is not hexadecimal").format(mask_hex=mask_hex),
                         _("Format the number with f\"{mask:016x}\"."))
    else:
        return wrong(_("expected a hex string, got {type}").format(type=type(mask_hex).__name__),
                     _("f\"{mask:016x}\" gives one."))
    if got == want << 1:
        return wrong(_("every bit is one place too high"), _("CAP_NAMES.index(name) is the bit number: 1 << index."))
    if got != want:
        return wrong(_("{mask_hex} decodes to {value}, not {value2}").format(
                         mask_hex=mask_hex, value=decode_caps(got) or 'no capability', value2=sorted(wanted)),
                     _("Set bit CAP_NAMES.index(name) for each name: mask |= 1 << index."))
    if len(mask_hex) != 16:
        return wrong(_("right bits, but {mask_hex} digits; /proc/self/status shows 16").format(
                         mask_hex=len(mask_hex)), _("Use f\"{mask:016x}\"."))
    return passed(_("{mask_hex} = {join}: a container started with --cap-drop ALL --cap-add {join2} shows"
                    " exactly this CapEff.").format(
                      mask_hex=mask_hex, join=' + '.join(decode_caps(got)), join2=' --cap-add '.join(decode_caps(got))))
