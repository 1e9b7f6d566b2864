"""The host side of a live VM: find QEMU and a guest kernel, build a tiny initramfs, probe KVM.

A VM needs three things a container does not: a hypervisor (QEMU), a kernel of its own to
boot, and a root filesystem. vlab builds the smallest possible one at run time: an
initramfs (cpio "newc" archive, written here in pure Python) holding the host's static
busybox and an ``/init`` script that prints one marker line and powers the VM off.

The marker line is ``VLAB-VM-MARKER|uptime=…|kernel=…|pid=…|pid1=…|procs=…|END``:
the guest's own uptime (seconds since *its* kernel started), its kernel release
(``uname -r``) and its own view of PID 1.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vlab.core import settings
from vlab.core.errors import BadParameter, ToolMissing, VlabError
from vlab.core.i18n import N_, _
from vlab.core.validate import number

__all__ = [
    "ACCELS", "BootRun", "CpioEntry", "INIT_SCRIPT", "KERNEL_FIX", "KVM_PROBE_TIMEOUT_S", "KvmProbe", "MARKER",
    "Marker", "QEMU_FIX", "QEMU_NAMES", "VmError", "boot_once", "build_initramfs", "cpio_newc", "find_kernel",
    "find_qemu", "host_tsc_khz", "initramfs_entries", "kernel_cmdline", "kernel_release", "kvm_probe", "machines",
    "parse_cpio_newc", "parse_marker", "pick_machine", "qemu_command", "qemu_version"
]

QEMU_NAMES = ("qemu-system-x86_64", "qemu-kvm")
QEMU_FIX = N_("Install QEMU: `sudo apt-get install qemu-system-x86` (Debian/Ubuntu) or `sudo dnf install qemu-kvm`.")
KERNEL_FIX = N_("Install a bootable guest kernel: `sudo apt-get install linux-image-cloud-amd64` (Debian/Ubuntu).")
MARKER = "VLAB-VM-MARKER"
KVM_PROBE_TIMEOUT_S = 6.0

INIT_SCRIPT = f"""#!/bin/busybox sh
# vlab guest init: runs as PID 1 inside the VM, reports, and powers the VM off.
/bin/busybox mount -t proc proc /proc
read up idle < /proc/uptime
kern=$(/bin/busybox uname -r)
pid1=$(/bin/busybox tr '\\000' ' ' < /proc/1/cmdline)
procs=$(/bin/busybox ls /proc | /bin/busybox grep -c '^[0-9]')
echo "{MARKER}|uptime=$up|kernel=$kern|pid=$$|pid1=$pid1|procs=$procs|END"
/bin/busybox poweroff -f
/bin/busybox reboot -f
"""


class VmError(VlabError):
    """A VM did not boot, hung, or printed no marker."""

    hint = "Run `vlab doctor` to check QEMU and the guest kernel; try `accel='tcg'` and a longer timeout."


# ---------------------------------------------------------------- host tools
def find_qemu() -> Path:
    """Path of qemu-system-x86_64 on this host; ToolMissing with the apt fix otherwise."""
    if platform.machine() not in ("x86_64", "AMD64", "amd64"):
        names = (f"qemu-system-{platform.machine()}", *QEMU_NAMES)
    else:
        names = QEMU_NAMES
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    for cand in ("/usr/bin/qemu-system-x86_64", "/usr/libexec/qemu-kvm"):
        if os.access(cand, os.X_OK):
            return Path(cand)
    raise ToolMissing(_("QEMU (qemu-system-x86_64) is not installed on this machine."), _(QEMU_FIX))


def qemu_version(path: str | os.PathLike | None = None) -> str:
    """QEMU's version string, e.g. "7.2.22" ("?" when it cannot be read)."""
    binary = str(path or find_qemu())
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    m = re.search(r"version\s+(\S+)", out)
    return m.group(1) if m else "?"


def machines(path: str | os.PathLike | None = None) -> list[str]:
    """Machine types this QEMU supports (``-machine help``)."""
    binary = str(path or find_qemu())
    try:
        out = subprocess.run([binary, "-machine", "help"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [ln.split()[0] for ln in out.splitlines()[1:] if ln.strip()]


def pick_machine(path: str | os.PathLike | None = None) -> str:
    """``microvm`` when available (minimal, no PCI/BIOS), else the plain ``pc`` machine."""
    return "microvm" if "microvm" in machines(path) else "pc"


def _readable_kernel(p: Path) -> bool:
    return p.is_file() and os.access(p, os.R_OK) and p.stat().st_size > 1_000_000


def find_kernel(boot: str | os.PathLike = "/boot") -> Path:
    """A bootable guest kernel: the host's own ``vmlinuz-$(uname -r)`` if readable, else the newest
    ``vmlinuz-*`` (e.g. Debian's cloud kernel). ``VLAB_VM_KERNEL`` overrides. ToolMissing otherwise."""
    override = settings.get().vm_kernel
    if override:
        p = override
        if _readable_kernel(p):
            return p
        raise ToolMissing(_("VLAB_VM_KERNEL={path} is not a readable kernel image.").format(path=override),
                          _("Point VLAB_VM_KERNEL at a vmlinuz file, or unset it."))
    boot = Path(boot)
    own = boot / f"vmlinuz-{platform.release()}"
    if _readable_kernel(own):
        return own
    candidates = [p for p in boot.glob("vmlinuz-*") if _readable_kernel(p)]
    if candidates:
        # prefer kernels made for VMs (cloud), then the newest file
        return sorted(candidates, key=lambda p: ("cloud" in p.name, p.stat().st_mtime))[-1]
    unreadable = [p for p in boot.glob("vmlinuz-*") if p.is_file()]
    if unreadable:
        raise ToolMissing(_("{path} exists but cannot be read by this user.").format(path=unreadable[0]),
                          _("Run `sudo chmod a+r {path}`, or: {fix}").format(path=unreadable[0], fix=_(KERNEL_FIX)))
    raise ToolMissing(_("No guest kernel (vmlinuz-*) found in {folder}.").format(folder=boot), _(KERNEL_FIX))


def kernel_release(kernel: str | os.PathLike) -> str:
    """The release a kernel file will report, from its name (vmlinuz-6.1.0-… → 6.1.0-…)."""
    name = Path(kernel).name
    return name.split("vmlinuz-", 1)[1] if "vmlinuz-" in name else name


# ---------------------------------------------------------------- initramfs (cpio newc)
@dataclass(frozen=True)
class CpioEntry:
    """One member of a cpio archive."""

    name: str
    mode: int  # full st_mode: type bits | permissions
    data: bytes = b""
    rdev: tuple[int, int] = (0, 0)


S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR = 0o040000, 0o100000, 0o120000, 0o020000


def _pad4(n: int) -> bytes:
    return b"\0" * (-n % 4)


def cpio_newc(entries: list[CpioEntry]) -> bytes:
    """Serialize entries as a cpio "newc" (SVR4, magic 070701) archive with its TRAILER!!!."""
    out = bytearray()
    for ino, e in enumerate([*entries, CpioEntry("TRAILER!!!", 0)], start=1):
        name = e.name.encode() + b"\0"
        nlink = 2 if e.mode & 0o170000 == S_IFDIR else 1
        fields = (ino if e.name != "TRAILER!!!" else 0, e.mode, 0, 0, nlink if e.mode else 1, 0,
                  len(e.data), 0, 0, e.rdev[0], e.rdev[1], len(name), 0)
        header = b"070701" + b"".join(f"{v:08X}".encode() for v in fields)
        out += header + name
        out += _pad4(len(header) + len(name))
        out += e.data + _pad4(len(e.data))
    return bytes(out)


def parse_cpio_newc(blob: bytes) -> list[CpioEntry]:
    """Read a newc archive back (used by tests and to check what was built)."""
    entries, pos = [], 0
    while True:
        if blob[pos:pos + 6] != b"070701":
            raise ValueError(f"bad cpio magic at offset {pos}")
        vals = [int(blob[pos + 6 + 8 * i: pos + 14 + 8 * i], 16) for i in range(13)]
        mode, filesize, rmaj, rmin, namesize = vals[1], vals[6], vals[9], vals[10], vals[11]
        name_start = pos + 110
        name = blob[name_start:name_start + namesize - 1].decode()
        data_start = name_start + namesize
        data_start += -data_start % 4
        data = blob[data_start:data_start + filesize]
        pos = data_start + filesize
        pos += -pos % 4
        if name == "TRAILER!!!":
            return entries
        entries.append(CpioEntry(name, mode, data, (rmaj, rmin)))


def initramfs_entries(busybox: Path | None = None) -> list[CpioEntry]:
    """The guest's whole root filesystem: busybox, /init, /proc, /dev/console."""
    from vlab.core.images import find_busybox

    busybox = busybox or find_busybox()
    return [
        CpioEntry("bin", S_IFDIR | 0o755),
        CpioEntry("bin/busybox", S_IFREG | 0o755, Path(busybox).read_bytes()),
        CpioEntry("bin/sh", S_IFLNK | 0o777, b"busybox"),
        CpioEntry("dev", S_IFDIR | 0o755),
        CpioEntry("dev/console", S_IFCHR | 0o600, rdev=(5, 1)),
        CpioEntry("proc", S_IFDIR | 0o755),
        CpioEntry("init", S_IFREG | 0o755, INIT_SCRIPT.encode()),
    ]


def build_initramfs(dest: str | os.PathLike, busybox: Path | None = None) -> Path:
    """Write the guest initramfs (uncompressed cpio newc) to ``dest``; returns the path."""
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / "vlab-initramfs.cpio"
    if not dest.parent.exists():
        raise BadParameter(_("Folder {folder} does not exist").format(folder=dest.parent),
                           _("Create it first: mkdir -p {folder}").format(folder=dest.parent))
    blob = cpio_newc(initramfs_entries(busybox))
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, dest)
    return dest


# ---------------------------------------------------------------- marker
@dataclass
class Marker:
    """What the guest's /init reported."""

    uptime_s: float
    kernel: str
    pid: int
    pid1: str
    procs: int

    def as_dict(self) -> dict:
        return asdict(self)


_MARKER_RE = re.compile(re.escape(MARKER) + r"\|(?P<body>.*?)\|END")


def parse_marker(line: str) -> Marker | None:
    """Parse a marker line (None when ``line`` holds no complete marker)."""
    m = _MARKER_RE.search(line)
    if not m:
        return None
    fields = dict(part.split("=", 1) for part in m.group("body").split("|") if "=" in part)
    try:
        return Marker(
            uptime_s=float(fields["uptime"]),
            kernel=fields["kernel"].strip(),
            pid=int(fields["pid"]),
            pid1=fields.get("pid1", "").strip(),
            procs=int(fields.get("procs") or 0),
        )
    except (KeyError, ValueError):
        return None


# ---------------------------------------------------------------- one boot
ACCELS = ("auto", "kvm", "tcg")


def qemu_command(qemu: Path, kernel: Path, initrd: Path, *, accel: str, machine: str,
                 memory_mib: int = 256) -> list[str]:
    """The QEMU command line for one boot: serial console on stdout, no display, no disks, no network."""
    if accel not in ("kvm", "tcg"):
        raise BadParameter(_("accel={accel!r} must be 'kvm' or 'tcg' here").format(accel=accel))
    machine_opt = machine + (",accel=" + accel)
    cmd = [str(qemu), "-M", machine_opt, "-m", f"{memory_mib}M", "-smp", "1",
           *(["-cpu", "host"] if accel == "kvm" else []),
           "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
           "-kernel", str(kernel), "-initrd", str(initrd),
           "-append", kernel_cmdline(accel, machine)]
    return cmd


def host_tsc_khz() -> int | None:
    """The host's TSC frequency in kHz (sysfs, else /proc/cpuinfo on a constant-TSC CPU); None if unknown."""
    try:
        return int(Path("/sys/devices/system/cpu/cpu0/tsc_freq_khz").read_text().strip())
    except (OSError, ValueError):
        pass
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    flags = re.search(r"^flags\s*:(.*)$", info, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)", info, re.M)
    if flags and mhz and "constant_tsc" in flags.group(1).split():
        return int(float(mhz.group(1)) * 1000)
    return None


def kernel_cmdline(accel: str, machine: str) -> str:
    """Guest kernel command line: serial console, only critical kernel messages, our /init, no reboot loop.

    Under TCG, ``-M microvm`` has no HPET or ACPI PM timer, so on a busy host the kernel can fail to
    calibrate the TSC against the emulated PIT and hang. Emulated guests read the host's TSC, so we
    tell the kernel its frequency (``tsc_early_khz``) and skip that fragile calibration.
    """
    args = "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init"
    if accel == "tcg" and machine == "microvm":
        khz = host_tsc_khz()
        if khz:
            args += f" tsc_early_khz={khz}"
    return args


@dataclass
class BootRun:
    """One VM boot: host-side times in ms (None when not reached) and the guest's marker."""

    accel: str
    launch_to_marker_ms: float | None
    total_ms: float | None
    marker: Marker | None
    returncode: int | None
    timed_out: bool
    console_tail: str = ""


def boot_once(qemu: Path, kernel: Path, initrd: Path, *, accel: str, machine: str, memory_mib: int = 256,
              timeout: float = 60.0, on_line=None) -> BootRun:
    """Boot one VM and time it with ``perf_counter_ns``: launch → marker on the console → process exit.

    The QEMU process is killed on timeout and on any exception, KeyboardInterrupt included.
    ``on_line(text, elapsed_ms)`` is called for each console line (for live widgets).
    """
    cmd = qemu_command(qemu, kernel, initrd, accel=accel, machine=machine, memory_mib=memory_mib)
    marker_ns: list[int] = []
    markers: list[Marker] = []
    tail: list[str] = []
    t0 = time.perf_counter_ns()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def reader() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            now = time.perf_counter_ns()
            text = raw.decode(errors="replace").rstrip("\r\n")
            tail.append(text)
            del tail[:-20]
            if not markers:
                m = parse_marker(text)
                if m is not None:
                    marker_ns.append(now)
                    markers.append(m)
            if on_line is not None:
                try:
                    on_line(text, (now - t0) / 1e6)
                except Exception:  # noqa: BLE001 - a display callback must never stop the console reader
                    pass

    thread = threading.Thread(target=reader, daemon=True, name="vlab-qemu-console")
    thread.start()
    timed_out = False
    try:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        t_exit = time.perf_counter_ns()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        thread.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
    return BootRun(
        accel=accel,
        launch_to_marker_ms=(marker_ns[0] - t0) / 1e6 if marker_ns else None,
        total_ms=None if timed_out else (t_exit - t0) / 1e6,
        marker=markers[0] if markers else None,
        returncode=proc.returncode,
        timed_out=timed_out,
        console_tail="\n".join(tail[-5:]),
    )


# ---------------------------------------------------------------- KVM probe
@dataclass
class KvmProbe:
    """Verdict of really booting a guest under KVM within a timeout."""

    ok: bool
    detail: str
    elapsed_s: float = 0.0
    timeout_s: float = KVM_PROBE_TIMEOUT_S
    checked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


_probe_cache: dict[tuple, KvmProbe] = {}
_probe_lock = threading.Lock()


def kvm_probe(timeout: float = KVM_PROBE_TIMEOUT_S, *, cached: bool = True) -> KvmProbe:
    """Boot the marker guest with ``-accel kvm``; ok only if the marker appears within ``timeout``.

    /dev/kvm can open and still hang every guest (no nested virtualization), so opening it
    proves nothing: only a real boot does. QEMU is always killed at the timeout.
    """
    number("timeout", timeout, 0.5, 120, "A timeout in seconds, e.g. timeout=10.")
    checked = []
    if not os.path.exists("/dev/kvm"):
        return KvmProbe(False, "/dev/kvm does not exist (no hardware virtualization exposed)", 0.0, timeout,
                        ["/dev/kvm"])
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        checked.append("/dev/kvm opens")
    except OSError as exc:
        return KvmProbe(False, f"/dev/kvm cannot be opened: {exc.strerror} (add yourself to the kvm group)",
                        0.0, timeout, ["/dev/kvm"])
    try:
        qemu, kernel = find_qemu(), find_kernel()
    except ToolMissing as exc:
        return KvmProbe(False, f"cannot test-boot: {exc.message}", 0.0, timeout, checked)
    key = (str(qemu), str(kernel), float(timeout))
    with _probe_lock:
        if cached and key in _probe_cache:
            return _probe_cache[key]
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="vlab-kvm-") as tmp:
            initrd = build_initramfs(Path(tmp) / "initramfs.cpio")
            try:
                run = boot_once(qemu, kernel, initrd, accel="kvm", machine=pick_machine(qemu), timeout=timeout)
            except OSError as exc:
                return KvmProbe(False, f"QEMU could not start: {exc}", time.perf_counter() - start, timeout, checked)
        elapsed = time.perf_counter() - start
        checked.append(f"test boot with -accel kvm ({timeout:g} s limit)")
        if run.marker is not None:
            probe = KvmProbe(True, f"a KVM guest booted and reported in {run.launch_to_marker_ms:.0f} ms",
                             elapsed, timeout, checked)
        elif run.timed_out:
            probe = KvmProbe(False, f"/dev/kvm opens, but a KVM guest did not boot within {timeout:g} s "
                             "(no nested virtualization?); QEMU was killed", elapsed, timeout, checked)
        else:
            last = run.console_tail.strip().splitlines()[-1:] or ["no output"]
            probe = KvmProbe(False, f"QEMU with KVM exited (code {run.returncode}) without booting: {last[0][:160]}",
                             elapsed, timeout, checked)
        _probe_cache[key] = probe
        return probe
