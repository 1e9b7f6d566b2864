"""What kind of machine this is, and how it behaves: facts about the host for provenance.

- ``virtualization()``: is this host itself a virtual machine (hypervisor CPU flag, DMI,
  ``systemd-detect-virt``, the QEMU/Firecracker machine type in the kernel command line or
  device tree)? Every clue found is kept as evidence; nothing is claimed without one.
- ``load_average()``: the 1/5/15-minute load average, recorded before and after each recording.
- ``HostProbe``: a background heartbeat, proof that the machine stays responsive while a hog
  runs (a tiny fixed computation and a loopback echo every ``interval`` seconds).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from vlab.core.errors import BadParameter
from vlab.core.i18n import _

__all__ = ["DMI_FILES", "DMI_HINTS", "HostProbe", "ProbeReport", "describe_machine", "load_average", "parent_pid",
           "rss_mib", "tree_rss_mib", "virtualization"]

#: DMI strings (lower case) that name a virtual machine, and what they mean.
DMI_HINTS = {
    "qemu": "QEMU", "kvm": "KVM", "firecracker": "Firecracker", "microvm": "QEMU/Firecracker microvm",
    "vmware": "VMware", "virtualbox": "VirtualBox", "innotek": "VirtualBox", "xen": "Xen", "bochs": "Bochs",
    "parallels": "Parallels", "amazon ec2": "Amazon EC2", "google compute engine": "Google Compute Engine",
    "openstack": "OpenStack", "cloud hypervisor": "Cloud Hypervisor", "bhyve": "bhyve", "virtual machine": "Hyper-V",
}
DMI_FILES = ("sys_vendor", "product_name", "product_version", "board_vendor", "board_name", "bios_vendor",
             "bios_version", "chassis_vendor")


def _read(path: Path, limit: int = 1 << 20) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).decode("utf-8", "replace").replace("\x00", " ").strip()
    except OSError:
        return ""


def _detect_virt(*args: str) -> str:
    tool = shutil.which("systemd-detect-virt")
    if tool is None:
        return ""
    try:
        out = subprocess.run([tool, *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def virtualization(root: str | os.PathLike = "/") -> dict:
    """Whether this host is a virtual machine, with the evidence. ``root`` lets tests use a fake tree.

    Returns ``{"virtual": True|False|None, "kind": str|None, "machine_type": str|None,
    "container": str|None, "evidence": [...]}``; ``virtual`` is None when no clue either way was found.
    """
    root = Path(root)
    evidence: list[str] = []
    kind: str | None = None
    machine_type: str | None = None
    cpuinfo = _read(root / "proc/cpuinfo")
    flags = {w for line in cpuinfo.splitlines() if line.startswith("flags") for w in line.split(":", 1)[-1].split()}
    if "hypervisor" in flags:
        evidence.append("CPU flag 'hypervisor' in /proc/cpuinfo")
    for name in DMI_FILES:
        value = _read(root / "sys/class/dmi/id" / name).lower()
        for hint, label in DMI_HINTS.items():
            if value and hint in value:
                evidence.append(f"/sys/class/dmi/id/{name} = {value!r}")
                kind = kind or label
                if hint == "microvm":
                    machine_type = "microvm"
                break
    hyp = _read(root / "sys/hypervisor/type")
    if hyp:
        evidence.append(f"/sys/hypervisor/type = {hyp!r}")
        kind = kind or hyp
    cmdline = _read(root / "proc/cmdline")
    if "firecracker" in cmdline.lower():
        evidence.append("'firecracker' in the kernel command line")
        kind, machine_type = "Firecracker", "microvm"
    elif "virtio_mmio.device=" in cmdline:
        evidence.append("virtio_mmio devices on the kernel command line (a microvm machine type)")
        machine_type = "microvm"
    for dt in ("proc/device-tree/compatible", "sys/firmware/devicetree/base/compatible"):
        compatible = _read(root / dt).lower()
        if any(w in compatible for w in ("qemu", "dummy-virt", "firecracker", "microvm")):
            evidence.append(f"/{dt} = {compatible!r}")
            machine_type = machine_type or compatible.split()[0]
    container = None
    if Path(root) == Path("/"):
        vm = _detect_virt("--vm")
        if vm and vm != "none":
            evidence.append(f"systemd-detect-virt --vm: {vm}")
            kind = kind or vm
        elif vm == "none":
            evidence.append("systemd-detect-virt --vm: none")
        container = _detect_virt("--container") or None
        container = None if container == "none" else container
    virtual: bool | None = True if (flags & {"hypervisor"} or kind or machine_type) else None
    if virtual is None and ("systemd-detect-virt --vm: none" in evidence and cpuinfo):
        virtual = False
    return {"virtual": virtual, "kind": kind, "machine_type": machine_type, "container": container,
            "evidence": evidence}


def rss_mib(pid: int) -> float:
    """Resident memory of one host process in MiB (``VmRSS``), NaN when it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    m = re.search(r"^VmRSS:\s*(\d+)\s*kB", text, re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def parent_pid(pid: int) -> int | None:
    """The parent of a host process, None when it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def tree_rss_mib(root: int) -> float:
    """RSS summed over every process below ``root`` (a containerd shim: the container; gVisor: Sentry + Gofer)."""
    parent = {int(p.name): parent_pid(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    todo, total, seen = [c for c, pp in parent.items() if pp == root], 0.0, set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss = rss_mib(pid)
        total += 0.0 if rss != rss else rss
        todo += [c for c, pp in parent.items() if pp == pid]
    return total if seen else float("nan")


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages, or None where the OS has none."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def describe_machine(prov: dict, *, with_load: bool = True) -> str:
    """One line on the machine a recording comes from: virtual or not, which kind, CPUs, load (unless not asked)."""
    virt = prov.get("host_virtualization")
    if isinstance(virt, dict):
        detail = ", ".join(x for x in (virt.get("kind"), virt.get("machine_type")) if x)
        if virt.get("virtual") is True:
            what = _("a virtual machine ({detail})").format(detail=detail) if detail else _("a virtual machine")
        elif virt.get("virtual") is False:
            what = _("a physical machine (no sign of a hypervisor)")
        else:
            what = _("a machine of unknown kind")
    elif isinstance(virt, str):
        what = virt
    else:
        what = _("a machine of unknown kind (not recorded)")
    cpus = _(", {n} CPUs").format(n=prov["cpu_count"]) if prov.get("cpu_count") else ""
    load = prov.get("load_before") or prov.get("load_after")
    loads = _(", load average {load:g} at the start").format(load=load[0]) \
        if with_load and isinstance(load, list) and load else ""
    return f"{what}{cpus}{loads}"


@dataclass
class ProbeReport:
    """What the heartbeat saw: one latency per beat, and the largest gap between beats."""

    latencies_ms: list[float] = field(default_factory=list)
    gaps_ms: list[float] = field(default_factory=list)

    @property
    def beats(self) -> int:
        return len(self.latencies_ms)

    @property
    def max_latency_ms(self) -> float:
        return max(self.latencies_ms, default=float("nan"))

    @property
    def max_gap_ms(self) -> float:
        return max(self.gaps_ms, default=float("nan"))

    def as_dict(self) -> dict:
        return {"beats": self.beats, "max_latency_ms": round(self.max_latency_ms, 3),
                "max_gap_ms": round(self.max_gap_ms, 3)}


def _beat(a: socket.socket, b: socket.socket) -> None:
    sum(range(2000))  # a tiny fixed computation
    a.sendall(b"x")
    if b.recv(1) != b"x":  # pragma: no cover - a loopback pair never corrupts a byte
        raise RuntimeError("loopback echo returned the wrong byte")


class HostProbe:
    """``with HostProbe() as probe: ...``; then ``probe.report`` holds every beat."""

    def __init__(self, interval: float = 0.05) -> None:
        if not isinstance(interval, int | float) or not 0.001 <= interval <= 5:
            raise BadParameter(f"interval={interval!r} must be between 0.001 and 5 seconds")
        self.interval = float(interval)
        self.report = ProbeReport()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        a, b = socket.socketpair()
        try:
            last = time.perf_counter()
            while not self._stop.is_set():
                t0 = time.perf_counter()
                _beat(a, b)
                t1 = time.perf_counter()
                self.report.latencies_ms.append((t1 - t0) * 1e3)
                self.report.gaps_ms.append((t1 - last) * 1e3)
                last = t1
                self._stop.wait(self.interval)
        finally:
            a.close()
            b.close()

    def __enter__(self) -> HostProbe:
        self._thread = threading.Thread(target=self._run, name="vlab-host-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
