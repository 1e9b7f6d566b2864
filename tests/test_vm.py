"""Live VM boot (QEMU), the VM-vs-container comparison and the race widget.

Unit tests need neither Docker nor QEMU. Tests marked ``vm`` boot real guests with QEMU (TCG):
they skip, with the reason, when QEMU or a guest kernel is missing, unless VLAB_REQUIRE_ENGINE=1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlab import cli
from vlab.core import results
from vlab.core import settings as vsettings
from vlab.core.errors import BadParameter, ToolMissing, VlabError
from vlab.labs.vm import boot, qemu, versus
from vlab.labs.vm.qemu import BootRun, CpioEntry, Marker


# ---------------------------------------------------------------- helpers
def _require_vm() -> tuple[Path, Path]:
    """QEMU and a guest kernel, or skip (fail under VLAB_REQUIRE_ENGINE=1)."""
    try:
        return qemu.find_qemu(), qemu.find_kernel()
    except ToolMissing as exc:
        if os.environ.get("VLAB_REQUIRE_ENGINE") == "1":
            pytest.fail(f"CI requires QEMU and a guest kernel: {exc}")
        pytest.skip(f"no live VM here: {exc.message}")


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains ``text`` (to prove QEMU was killed)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError):
                if text.encode() in (d / "cmdline").read_bytes():
                    pids.append(int(d.name))
    return pids


@pytest.fixture()
def fake_busybox(tmp_path) -> Path:
    p = tmp_path / "busybox"
    p.write_bytes(b"\x7fELF" + bytes(range(256)) * 3)  # content only: the archive must carry it byte for byte
    return p


# ---------------------------------------------------------------- initramfs (cpio newc)
def test_initramfs_is_a_valid_newc_archive(tmp_path, fake_busybox):
    path = qemu.build_initramfs(tmp_path / "initramfs.cpio", busybox=fake_busybox)
    blob = path.read_bytes()
    assert blob.startswith(b"070701")
    assert len(blob) % 4 == 0
    assert b"TRAILER!!!\0" in blob
    entries = {e.name: e for e in qemu.parse_cpio_newc(blob)}
    assert set(entries) == {"bin", "bin/busybox", "bin/sh", "dev", "dev/console", "proc", "init"}
    assert entries["bin/busybox"].data == fake_busybox.read_bytes()
    assert entries["bin/busybox"].mode & 0o777 == 0o755
    assert entries["init"].mode & 0o111, "/init must be executable"
    init = entries["init"].data.decode()
    assert init.startswith("#!/bin/busybox sh")
    for needed in ("mount -t proc", "/proc/uptime", "uname -r", "/proc/1/cmdline", qemu.MARKER, "poweroff -f"):
        assert needed in init
    console = entries["dev/console"]
    assert console.mode & 0o170000 == qemu.S_IFCHR and console.rdev == (5, 1)
    assert entries["bin/sh"].mode & 0o170000 == qemu.S_IFLNK and entries["bin/sh"].data == b"busybox"
    # every header starts on a 4-byte boundary
    offsets = [i for i in range(0, len(blob), 4) if blob[i:i + 6] == b"070701"]
    assert len(offsets) == len(entries) + 1


@pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio is not installed")
def test_gnu_cpio_reads_the_archive(tmp_path, fake_busybox):
    path = qemu.build_initramfs(tmp_path, busybox=fake_busybox)
    out = subprocess.run(["cpio", "-it", "--quiet"], input=path.read_bytes(), capture_output=True, check=True).stdout
    assert out.decode().split() == ["bin", "bin/busybox", "bin/sh", "dev", "dev/console", "proc", "init"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True), st.binary(max_size=64)),
                min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_cpio_roundtrip(files):
    entries = [CpioEntry(name, qemu.S_IFREG | 0o644, data) for name, data in files]
    back = qemu.parse_cpio_newc(qemu.cpio_newc(entries))
    assert [(e.name, e.data, e.mode) for e in back] == [(e.name, e.data, e.mode) for e in entries]


def test_build_initramfs_into_missing_folder_is_bad_parameter(tmp_path, fake_busybox):
    with pytest.raises(BadParameter):
        qemu.build_initramfs(tmp_path / "nope" / "x.cpio", busybox=fake_busybox)


# ---------------------------------------------------------------- marker parser
def test_parse_marker_reads_the_guest_line():
    line = ("[ 1.2] junk VLAB-VM-MARKER|uptime=1.05|kernel=6.1.0-56-cloud-amd64|pid=1|pid1=/bin/busybox sh /init "
            "|procs=49|END\r")
    m = qemu.parse_marker(line)
    assert m == Marker(1.05, "6.1.0-56-cloud-amd64", 1, "/bin/busybox sh /init", 49)


@pytest.mark.parametrize("line", [
    "", "Linux version 6.1", "VLAB-VM-MARKER|uptime=1.0|kernel=x|pid=1",  # cut off before END
    "VLAB-VM-MARKER|uptime=abc|kernel=x|pid=1|pid1=x|procs=1|END", "VLAB-VM-MARKER|kernel=x|pid=1|END",
])
def test_parse_marker_rejects_partial_or_garbled_lines(line):
    assert qemu.parse_marker(line) is None


@given(st.floats(min_value=0, max_value=1e5, allow_nan=False).map(lambda x: round(x, 2)),
       st.from_regex(r"[0-9][0-9a-z.+-]{0,30}", fullmatch=True), st.integers(1, 99999), st.integers(0, 9999))
def test_parse_marker_roundtrip(uptime, kernel, pid, procs):
    line = f"{qemu.MARKER}|uptime={uptime}|kernel={kernel}|pid={pid}|pid1=/init|procs={procs}|END"
    assert qemu.parse_marker(line) == Marker(uptime, kernel, pid, "/init", procs)


def test_container_report_parser():
    assert versus.parse_report("pid=1|kernel=6.18.44-fc|procs=3\n") == {"pid": 1, "kernel": "6.18.44-fc", "procs": 3}
    assert versus.parse_report("sh: not found") is None


# ---------------------------------------------------------------- host tools
def test_find_kernel_override_and_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("VLAB_VM_KERNEL", str(tmp_path / "missing"))
    with pytest.raises(ToolMissing) as err:
        qemu.find_kernel()
    assert "VLAB_VM_KERNEL" in err.value.hint
    monkeypatch.delenv("VLAB_VM_KERNEL")
    with pytest.raises(ToolMissing) as err:
        qemu.find_kernel(tmp_path)  # an empty /boot
    assert "linux-image-cloud-amd64" in err.value.hint


def test_find_qemu_missing_names_the_apt_fix(monkeypatch):
    monkeypatch.setattr(qemu.shutil, "which", lambda name: None)
    monkeypatch.setattr(qemu.os, "access", lambda *a: False)
    with pytest.raises(ToolMissing) as err:
        qemu.find_qemu()
    assert "apt-get install qemu-system-x86" in err.value.hint


def test_kernel_cmdline_pins_tsc_only_for_emulated_microvm():
    assert "rdinit=/init" in qemu.kernel_cmdline("kvm", "microvm")
    assert "tsc_early_khz" not in qemu.kernel_cmdline("kvm", "microvm")
    assert "tsc_early_khz" not in qemu.kernel_cmdline("tcg", "pc")
    if qemu.host_tsc_khz():
        assert f"tsc_early_khz={qemu.host_tsc_khz()}" in qemu.kernel_cmdline("tcg", "microvm")


def test_kvm_probe_returns_a_verdict_within_its_timeout():
    timeout = 2.0
    probe = qemu.kvm_probe(timeout=timeout, cached=False)
    assert isinstance(probe.ok, bool) and probe.detail
    assert probe.timeout_s == timeout
    # the probe kills QEMU at its deadline; only process start-up and the kill itself can add to it
    assert probe.elapsed_s <= timeout + 10
    assert not _processes_mentioning("vlab-kvm-"), "the KVM probe left a QEMU process running"
    assert set(probe.as_dict()) >= {"ok", "detail", "elapsed_s"}


def test_kvm_probe_rejects_silly_timeouts():
    with pytest.raises(BadParameter):
        qemu.kvm_probe(timeout=0)


# ---------------------------------------------------------------- bad input (before any VM starts)
@pytest.fixture()
def no_vm(monkeypatch):
    """Fail the test if anything tries to prepare or boot a VM."""
    def forbidden(*a, **k):
        raise AssertionError("a VM was prepared although the arguments were bad")

    monkeypatch.setattr(boot, "prepare", forbidden)
    monkeypatch.setattr(qemu, "boot_once", forbidden)


@pytest.mark.parametrize("kwargs", [
    {"trials": 0}, {"trials": 2.5}, {"trials": True}, {"accel": "hvf"}, {"memory": "10m"}, {"memory": "lots"},
    {"machine": "virt"}, {"timeout": 0}, {"warmup": -1}, {"kernel": "/nonexistent/vmlinuz"},
])
def test_boot_vm_rejects_bad_arguments(kwargs, no_vm):
    with pytest.raises(BadParameter) as err:
        boot.boot_vm(**kwargs)
    assert err.value.hint


@pytest.mark.parametrize("argv", [
    ["bench", "vm", "--trials", "0"], ["bench", "vm", "--memory", "1m"], ["bench", "vm", "--timeout", "-3"],
    ["bench", "vm", "--json", "/nonexistent-folder/vm.json"],
])
def test_cli_bad_input_is_one_line_with_fix(argv, no_vm, capsys):
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "→ fix:" in err and "Traceback" not in err


def test_cli_unknown_accelerator_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["bench", "vm", "--accel", "hvf"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_cli_help_lists_the_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["bench", "vm", "--help"])
    out = capsys.readouterr().out
    for opt in ("--trials", "--accel", "--json"):
        assert opt in out


# ---------------------------------------------------------------- partial results on interrupt (no QEMU needed)
def _synthetic_guest():
    return boot.Guest(Path("/usr/bin/qemu-system-x86_64"), "7.2", Path("/boot/vmlinuz-6.1.0-test"),
                      Path("/tmp/initrd"), "tcg", "microvm", 256, {"ok": False, "detail": "test"})


def test_interrupt_keeps_partial_results(monkeypatch, tmp_path):
    calls = []

    def fake_boot(self, timeout=60.0, on_line=None):
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return BootRun("tcg", 900.0 + len(calls), 950.0 + len(calls), Marker(0.5, "6.1.0-test", 1, "/init", 40),
                       0, False)

    @contextlib.contextmanager
    def fake_prepare(*a, **k):
        yield _synthetic_guest()

    monkeypatch.setattr(boot, "prepare", fake_prepare)
    monkeypatch.setattr(boot.Guest, "boot", fake_boot)
    out = tmp_path / "vm.json"
    res = boot.run_live(boot.Settings(trials=5, warmup=1), save_to=out)
    assert res.partial
    assert sorted(res.samples["trial"].unique()) == [0]  # warm-up excluded, one trial done before ^C
    back = results.load(out)
    assert back.partial and len(back.samples) == len(boot.PHASES)


# ---------------------------------------------------------------- comparison and race (no engine needed)
def _container_results(totals):
    rows = []
    for t, total in enumerate(totals):
        parts = {"create": total * 0.1, "start": total * 0.6, "wait": total * 0.3, "remove": 5.0, "total": total}
        rows += [{"config": "container", "trial": t, "phase": p, "ms": v} for p, v in parts.items()]
    return results.Results("vm_container_start", pd.DataFrame(rows),
                           extra={"container": {"pid": 1, "kernel": "6.18-host", "procs": 3}})


def _vm_results(markers, accel="tcg"):
    rows = []
    for t, m in enumerate(markers):
        parts = {"launch_to_marker": m, "guest_uptime": m * 0.4, "before_guest_clock": m * 0.6, "total": m + 50}
        rows += [{"config": f"qemu-{accel}", "accel": accel, "trial": t, "phase": p, "ms": v} for p, v in parts.items()]
    return results.Results("vm_boot", pd.DataFrame(rows), extra={
        "accelerator": accel, "guest": {"pid": 1, "kernel": "6.1-guest", "pid1": "/init", "procs": 40}})


def test_compare_explains_either_winner():
    slow_vm = versus.compare(_container_results([100, 120, 110]), _vm_results([3000, 3300]))
    assert slow_vm.winner == "container" and slow_vm.ratio > 1
    assert "TCG" in slow_vm.explanation and "boots no kernel" in slow_vm.explanation
    fast_vm = versus.compare(_container_results([900, 1000]), _vm_results([150, 160], accel="kvm"))
    assert fast_vm.winner == "vm" and fast_vm.ratio < 1
    assert "unusual" in fast_vm.explanation
    with pytest.raises(BadParameter):
        versus.compare(_container_results([]), _vm_results([100]))


def test_replay_events_are_ordered_with_one_finish_per_lane():
    from vlab.widgets.race import replay_events

    events, res = replay_events(_container_results([100, 300, 200]), _vm_results([3000, 2000, 4000]))
    assert [e.t_ms for e in events] == sorted(e.t_ms for e in events)
    for lane in ("container", "vm"):
        lane_events = [e for e in events if e.lane == lane]
        assert sum(e.final for e in lane_events) == 1 and lane_events[-1].final
        assert [e.progress for e in lane_events] == sorted(e.progress for e in lane_events)
    assert res.container_ms == 200 and res.vm_ms == 3000  # the median trials
    assert res.vm_ms <= res.vm_exit_ms and res.winner == "container"


def test_race_widget_click_in_replay_mode():
    from vlab.widgets.race import RaceWidget

    w = RaceWidget(source="replay", replay_speed=1000)
    assert not w.done.is_set() and w.result is None
    w.button.click()
    res = w.wait(timeout=120)
    assert w.done.is_set() and w.error is None, w.error
    assert res is not None and res.source == "replay"
    assert "REPLAY" in w.status.value and "recorded" in w.status.value and "Result:" in w.status.value
    raced = [lane for lane in w.bars if lane not in w._skipped]  # gVisor only where it was recorded
    assert {"container", "vm"} <= set(raced)
    assert all(w.bars[lane].value == 1.0 and w.bars[lane].bar_style == "success" for lane in raced)
    assert "done at" in w.labels["vm"].value and "done at" in w.labels["container"].value
    assert "container" in w.timeline.value and "VM" in w.timeline.value
    assert res.vm_ms <= res.vm_exit_ms
    assert not w.button.disabled and w.button.description == "Race again"


def test_race_widget_rejects_bad_options():
    from vlab.widgets.race import RaceWidget

    with pytest.raises(BadParameter):
        RaceWidget(source="somewhere")
    with pytest.raises(BadParameter):
        RaceWidget(replay_speed=0)


# ---------------------------------------------------------------- real QEMU boots
@pytest.mark.vm
def test_boot_once_is_killed_at_its_timeout(tmp_path):
    binary, kernel = _require_vm()
    initrd = qemu.build_initramfs(tmp_path / "kill-me.cpio")
    run = qemu.boot_once(binary, kernel, initrd, accel="tcg", machine=qemu.pick_machine(binary), timeout=0.3)
    assert run.timed_out and run.total_ms is None and run.marker is None
    assert run.returncode is not None  # reaped: the process is gone
    assert not _processes_mentioning(str(initrd))


@pytest.mark.vm
def test_keyboard_interrupt_kills_qemu(tmp_path, monkeypatch):
    binary, kernel = _require_vm()
    initrd = qemu.build_initramfs(tmp_path / "interrupt-me.cpio")
    real_wait = subprocess.Popen.wait

    def interrupted_wait(self, timeout=None):
        if timeout is not None and threading.current_thread() is threading.main_thread():
            raise KeyboardInterrupt
        return real_wait(self, timeout)

    monkeypatch.setattr(subprocess.Popen, "wait", interrupted_wait)
    with pytest.raises(KeyboardInterrupt):
        qemu.boot_once(binary, kernel, initrd, accel="tcg", machine=qemu.pick_machine(binary), timeout=60)
    monkeypatch.undo()
    assert not _processes_mentioning(str(initrd))


@pytest.mark.vm
def test_real_tcg_boot(tmp_path):
    _require_vm()
    out = tmp_path / "vm.json"
    res = boot.run_live(boot.Settings(trials=1, accel="tcg", warmup=0), save_to=out)
    assert not res.partial and res.kind == "vm_boot"
    wide = res.samples.pivot(index="trial", columns="phase", values="ms")
    assert set(wide.columns) == set(boot.PHASES)
    for _, r in wide.iterrows():
        assert 0 < r["guest_uptime"] < r["launch_to_marker"] <= r["total"]
        assert r["before_guest_clock"] + r["guest_uptime"] == pytest.approx(r["launch_to_marker"])
    assert set(res.samples["accel"]) == {"tcg"} and res.provenance["accelerator"] == "tcg"
    assert res.provenance["qemu_version"] not in ("", "?") and res.provenance["guest_kernel"]
    guest = boot.guest_facts(res)
    assert guest["pid"] == 1 and guest["kernel"] and guest["procs"] >= 1
    assert "/init" in guest["pid1"]
    assert set(res.summary["phase"]) == set(boot.PHASES) and (res.summary["n"] == 1).all()
    back = results.load(out)
    assert back.extra["accelerator"] == "tcg" and len(back.samples) == len(res.samples)


@pytest.mark.vm
def test_explicit_kvm_fails_cleanly_or_boots(tmp_path):
    _require_vm()
    probe = qemu.kvm_probe()
    if probe.ok:
        res = boot.run_live(boot.Settings(trials=1, accel="kvm", warmup=0))
        assert set(res.samples["accel"]) == {"kvm"}
    else:
        with pytest.raises(VlabError) as err:
            boot.run_live(boot.Settings(trials=1, accel="kvm", warmup=0))
        assert "tcg" in err.value.hint.lower()


# ---------------------------------------------------------------- with the Docker engine
@pytest.mark.engine
def test_container_lifecycles_report_the_host_kernel(engine):
    res = versus.run_container_starts(2, warmup=0)
    wide = res.samples.pivot(index="trial", columns="phase", values="ms")
    for _, r in wide.iterrows():
        assert r["create"] + r["start"] + r["wait"] == pytest.approx(r["total"])
        assert min(r) > 0
    assert res.extra["container"]["pid"] == 1
    assert res.extra["same_kernel_as_host"] is True
    assert res.extra["stopping"]["reason"] == "fixed" and res.extra["stopping"]["rounds"] == 2


@pytest.mark.engine
def test_container_lifecycles_stop_by_their_budget(engine):
    res = versus.run_container_starts(None, warmup=1, budget=0.5, max_trials=50)
    stop = res.extra["stopping"]
    assert stop["reason"] in ("budget", "max_trials") and stop["rounds"] == res.samples["trial"].nunique() >= 1
    assert stop["rule"]["budget_s"] == 0.5 and res.provenance["config"]["trials"] is None


@pytest.mark.vm
@pytest.mark.engine
def test_live_race(engine):
    _require_vm()
    if vsettings.forced_mode() == "replay":
        pytest.skip("VLAB_MODE=replay")
    from vlab.widgets.race import RaceWidget

    w = RaceWidget(source="live", accel="tcg")
    w.button.click()
    res = w.wait(timeout=300)
    assert w.error is None, w.error
    assert res.source == "live" and res.accel == "tcg"
    assert 0 < res.vm_ms <= res.vm_exit_ms and res.container_ms > 0
    assert res.container_kernel == engine.info()["KernelVersion"]
    from vlab.core import runtimes

    gvisor_works = "runsc" in runtimes.working()  # where gVisor runs, the race must have its lane
    assert (res.gvisor_ms is not None) == gvisor_works, "gVisor works here but the race has no gVisor lane"
    lanes = {"container", "vm"} | ({"gvisor"} if gvisor_works else set())
    assert res.vm_kernel and {e.lane for e in res.events} == lanes
    assert "LIVE" in w.status.value
