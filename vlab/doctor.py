"""``vlab doctor``: check everything the course needs, say what is missing and how to fix it.

Each check is a line, ✓ or ✗, with the fix. The report decides the mode: live exactly
when Docker answers and the course images are ready.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import asdict, dataclass, field

from vlab.core import settings
from vlab.core.errors import VlabError
from vlab.core.i18n import N_, _


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True  # a failed required check means replay mode


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    engine: dict = field(default_factory=dict)
    vm: dict = field(default_factory=dict)
    runtimes: dict = field(default_factory=dict)  # {"working": [...], "probes": [...]} (check_runtimes)

    @property
    def live(self) -> bool:
        forced = settings.forced_mode()
        if forced == "replay":
            return False
        return all(c.ok for c in self.checks if c.required)

    @property
    def mode(self) -> str:
        return "live" if self.live else "replay"

    def as_dict(self) -> dict:
        return {"mode": self.mode, "live": self.live, "checks": [asdict(c) for c in self.checks],
                "engine": self.engine, "vm": self.vm, "runtimes": self.runtimes, "run_id": settings.run_id()}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, default=str)

    def text(self) -> str:
        lines = []
        for c in self.checks:
            mark = "✓" if c.ok else ("✗" if c.required else "–")
            lines.append(f"{mark} {_(c.name)}: {_(c.detail)}")
            if not c.ok and c.fix:
                lines.append(_("    → fix: {fix}").format(fix=_(c.fix)))
        verdict = (_("LIVE: measurements run on this machine.") if self.live else
                   _("REPLAY: notebooks use recorded measurements (see the ✗ lines to go live)."))
        return "\n".join([*lines, "", _("Mode: {verdict}").format(verdict=verdict)])

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.text())}</pre>"


def _socket_path() -> str | None:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    return host[len("unix://"):] if host.startswith("unix://") else None


def check_socket() -> Check:
    path = _socket_path()
    if path is None:
        return Check(N_("Docker socket"), True,
                     _("DOCKER_HOST={host} (not a local socket)").format(host=os.environ["DOCKER_HOST"]))
    if not os.path.exists(path):
        return Check(N_("Docker socket"), False,
                     _("{path} does not exist: no engine is running here.").format(path=path),
                     _engine_fix())
    mode = os.stat(path).st_mode
    if not stat.S_ISSOCK(mode):
        return Check(N_("Docker socket"), False, _("{path} is not a socket.").format(path=path),
                     N_("Point DOCKER_HOST at the engine socket."))
    if not os.access(path, os.R_OK | os.W_OK):
        return Check(N_("Docker socket"), False, _("no permission on {path}").format(path=path),
                     N_("sudo usermod -aG docker $USER, then log out and in (or use rootless Docker)."))
    return Check(N_("Docker socket"), True, _("{path} is reachable").format(path=path))


def _engine_fix() -> str:
    if shutil.which("apt-get") and os.geteuid() == 0:
        return _("Run ./course.sh lab (installs docker.io and starts dockerd), "
                 "or: apt-get install docker.io && dockerd &")
    if os.path.exists("/Applications/Docker.app") or os.name == "nt":
        return _("Start Docker Desktop.")
    return _("Install and start Docker: Docker Desktop (macOS/Windows), `sudo apt-get install docker.io` "
             "(Debian/Ubuntu) or rootless Docker (`dockerd-rootless-setuptool.sh install`).")


def check_engine(report: Report) -> Check:
    from vlab.core.engine import connect, describe

    try:
        info = describe(connect())
    except VlabError as exc:
        return Check(N_("Docker engine"), False, exc.message, exc.hint)
    report.engine = info.as_dict()
    where = _(" (inside a VM: times include that VM)") if info.in_vm else ""
    notes = ""
    if info.rootless:
        notes += _("; rootless: labs that need root on the host (the runc rung, host-side cgroup files, "
                   "the host's view of namespaces) say so and show less")
    if info.product == "Podman":
        notes += _("; Podman ignores a per-container runtime: every container uses the service's runtime")
    if info.cgroup_driver == "none":
        notes += _("; this engine cannot enforce memory, CPU or pids limits (no cgroups: rootless on cgroup v1), "
                   "so the cgroups lessons show the limits ignored and vlab caps processes with an nproc rlimit")
    return Check(N_("Docker engine"), True,
                 f"{info.name}, API {info.api_version}, {info.storage_driver}, "
                 f"cgroup v{info.cgroup_version}/{info.cgroup_driver}, runtimes {', '.join(info.runtimes)}, "
                 f"kernel {info.kernel}{where}{notes}")


def check_busybox() -> Check:
    from vlab.core.images import find_busybox

    try:
        return Check(N_("static busybox"), True, str(find_busybox()), required=False)
    except VlabError as exc:
        return Check(N_("static busybox"), False, exc.message, exc.hint, required=False)


def check_images(build: bool) -> Check:
    from vlab.core.images import IMAGES, present
    from vlab.core.images import build as build_image

    try:
        missing = [n for n in IMAGES if not present(n)]
        if missing and build:
            for n in missing:
                build_image(n)
            tags = ", ".join(IMAGES[n].tag for n in missing)
            return Check(N_("course images"), True, _("built {tags}").format(tags=tags))
        if missing:
            return Check(N_("course images"), False,
                         _("missing: {tags}").format(tags=", ".join(IMAGES[n].tag for n in missing)),
                         N_("Run `vlab doctor --build` (offline, uses the host's static busybox)."))
        return Check(N_("course images"), True, ", ".join(s.tag for s in IMAGES.values()))
    except VlabError as exc:
        return Check(N_("course images"), False, exc.message, exc.hint)


def check_orphans() -> Check:
    """Remove containers that a crashed run or a restarted kernel left behind."""
    from vlab.core.sandbox import reap_orphans

    try:
        reaped = reap_orphans()
    except VlabError as exc:
        return Check(N_("leftovers"), False, exc.message, exc.hint, required=False)
    detail = _("removed {n} left by crashed runs").format(n=len(reaped.containers)) if reaped.total else N_("none")
    return Check(N_("leftovers"), True, detail, required=False)


def check_runtimes(report: Report) -> list[Check]:
    """Probe every runtime the engine lists with a tiny container: a listed runtime can still fail."""
    from vlab.core import runtimes
    from vlab.core.daemon_config import install_hint

    try:
        probes = runtimes.probe_all()
    except VlabError as exc:
        return [Check(N_("runtimes"), False, exc.message, exc.hint, required=False)]
    report.runtimes = {"working": [p.name for p in probes if p.ok], "probes": [p.as_dict() for p in probes]}
    checks = []
    for p in probes:
        platform = _(", gVisor platform {platform}").format(platform=p.platform) if p.platform else ""
        checks.append(Check(_("runtime {name}").format(name=p.name), p.ok, f"{_(p.detail)}{platform}",
                            "" if p.ok else N_("Measurements skip this runtime; the others still work."),
                            required=False))
    if not any(p.name == runtimes.GVISOR for p in probes):
        checks.append(Check("gVisor (runsc)", False, N_("not registered with the engine: the spectrum lab replays "
                                                        "its gVisor measurements"), install_hint(), required=False))
    return checks


def check_cgroups(report: Report) -> Check:
    from vlab.core.provenance import cgroup_version

    version = report.engine.get("cgroup_version") or cgroup_version()
    note = _("unified (v2): memory.max, cpu.max") if version == "2" else "v1: memory.limit_in_bytes, cpu.cfs_quota_us"
    return Check("cgroups", True, f"cgroup {note}", required=False)


def check_vm(report: Report, probe_kvm: bool) -> list[Check]:
    """QEMU, a bootable kernel and KVM (probed, because /dev/kvm can open yet hang guests)."""
    try:
        from vlab.labs.vm import qemu
    except ImportError:
        return [Check("QEMU", False, "vlab.labs.vm.qemu is not available in this version", required=False)]
    checks = []
    try:
        binary = qemu.find_qemu()
        checks.append(Check("QEMU", True, f"{binary} ({qemu.qemu_version(binary)})", required=False))
        report.vm["qemu"] = str(binary)
    except VlabError as exc:
        checks.append(Check("QEMU", False, exc.message, exc.hint, required=False))
    try:
        kernel = qemu.find_kernel()
        checks.append(Check(N_("guest kernel"), True, str(kernel), required=False))
        report.vm["kernel"] = str(kernel)
    except VlabError as exc:
        checks.append(Check(N_("guest kernel"), False, exc.message, exc.hint, required=False))
    if probe_kvm:
        kvm = qemu.kvm_probe()
        report.vm["kvm"] = kvm.as_dict() if hasattr(kvm, "as_dict") else str(kvm)
        checks.append(Check("KVM", bool(kvm.ok), kvm.detail,
                            "" if kvm.ok else N_("VMs will use TCG (software emulation): slower, but real."),
                            required=False))
    return checks


def run(*, build: bool = True, probe_kvm: bool = True) -> Report:
    """Run every check. ``build`` builds missing course images (offline)."""
    report = Report()
    sock = check_socket()
    report.checks.append(sock)
    if settings.forced_mode() == "replay":  # forced replay: never contact an engine (no build, no reaping)
        engine = Check(N_("Docker engine"), False, N_("not contacted: VLAB_MODE=replay"),
                       N_("Unset VLAB_MODE to measure live."),
                       required=False)
    else:
        engine = check_engine(report)
    report.checks.append(engine)
    if report.engine.get("in_vm"):
        from vlab.core.errors import EngineInVM

        ctx = report.engine.get("context", "default")
        report.checks.append(Check(N_("engine location"), False,
                                   _("the engine runs inside a VM (docker context {ctx!r}, kernel {kernel})").format(
                                       ctx=ctx, kernel=report.engine.get("kernel")), EngineInVM.hint, required=False))
    report.checks.append(check_busybox())
    if engine.ok:
        report.checks.append(check_images(build))
        report.checks.append(check_orphans())
        report.checks.extend(check_runtimes(report))
    else:
        report.checks.append(Check(N_("course images"), False, N_("skipped: no engine"), engine.fix))
    report.checks.append(check_cgroups(report))
    report.checks.extend(check_vm(report, probe_kvm))
    forced = settings.forced_mode()
    if forced:
        report.checks.append(Check("VLAB_MODE", True, _("forced to {mode}").format(mode=forced), required=False))
    return report
