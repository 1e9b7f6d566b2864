"""The isolation spectrum (issue 14): runtimes probed, gVisor measured beside runc, process and VM; the race."""

import pandas as pd
import pytest

from vlab.core.errors import BadParameter
from vlab.core.results import Results
from vlab.labs import overhead, spectrum


def _res(syscall_gvisor=(40_000.0, 42_000.0), kernels=None) -> Results:
    rows = []
    values = {("syscall", "process"): (400.0, 420.0), ("syscall", "runc"): (430.0, 450.0),
              ("syscall", "gvisor"): syscall_gvisor, ("cpu", "process"): (100.0, 101.0),
              ("cpu", "runc"): (101.0, 102.0), ("cpu", "gvisor"): (102.0, 103.0),
              ("start", "process"): (2.0, 3.0), ("start", "runc"): (200.0, 210.0),
              ("start", "gvisor"): (450.0, 470.0), ("start", "vm"): (3000.0, 3300.0),
              ("memory", "process"): (0.5,), ("memory", "runc"): (0.6, 0.6), ("memory", "gvisor"): (30.0, 31.0)}
    for (metric, place), vals in values.items():
        rows += [{"metric": metric, "place": place, "trial": i, "value": v, "unit": spectrum.METRICS[metric]}
                 for i, v in enumerate(vals)]
    samples = pd.DataFrame(rows)
    res = Results("spectrum", samples, spectrum.summary(samples), {}, extra={
        "kernels": kernels or {"host": "6.1.0", "runc": "6.1.0", "gvisor": "4.4.0", "vm": "6.1.0-cloud"},
        "sees": [{"what": "kernel release", "process": "6.1.0", "runc": "6.1.0", "gvisor": "4.4.0"}]})
    return res


def test_self_check_holds_on_data_that_shows_it():
    check = spectrum.self_check(_res())
    assert check["gvisor_sees_other_kernel"] and check["runc_sees_host_kernel"]
    assert check["gvisor_syscalls_costlier"] and check["syscall_factor_gvisor"] > check["syscall_factor_runc"]


def test_self_check_fails_on_data_that_does_not():
    same = _res(syscall_gvisor=(300.0, 310.0), kernels={"host": "6.1.0", "runc": "6.1.0", "gvisor": "6.1.0"})
    check = spectrum.self_check(same)
    assert not check["gvisor_sees_other_kernel"] and not check["gvisor_syscalls_costlier"]


def test_table_and_ratios():
    res = _res()
    t = spectrum.table(res)
    assert list(t.index) == [spectrum.LABELS[p] for p in spectrum.PLACES]
    assert t.loc["gVisor sandbox", "kernel it sees"] == "4.4.0"
    assert t.loc["QEMU VM", spectrum.WHAT["syscall"]] == "— ¹"  # not measured there, and said so under the table
    r = spectrum.ratios(res.samples)
    g = r[(r.metric == "syscall") & (r.place == "gvisor") & (r.vs == "runc")].iloc[0]
    assert g.ratio == pytest.approx(41_000 / 440, rel=1e-6)
    assert spectrum.factor(res, "memory", "gvisor", "runc") == pytest.approx(50.833, rel=1e-3)


@pytest.mark.parametrize("vm, expect", [
    ({"measured": True, "accel": "tcg", "memory_how": "rss_at_marker", "memory_assigned_mib": 256,
      "memory_note": "x"}, ["TCG", "time the emulator", "when the guest's /init reported", "256 MiB"]),
    ({"measured": True, "accel": "kvm", "memory_how": "rss_at_marker", "memory_assigned_mib": 512,
      "memory_note": "x", "loops_failed": "no marker"}, ["under KVM", "failed (no marker)", "512 MiB"]),
    ({"measured": True, "accel": "tcg", "memory_note": spectrum.VM_NOTES["peak"]}, ["TCG", "peak RSS while booting"]),
    ({"measured": False, "why": "QEMU is not installed"}, ["not booted", "QEMU is not installed"]),
])
def test_vm_cells_say_why_for_each_case(vm, expect):
    """Every empty or special VM cell carries a mark, and the notes under the table say why (TCG, KVM, no VM)."""
    res = _res()
    res.extra["vm"] = vm
    if vm["measured"]:
        res.samples = pd.concat([res.samples, pd.DataFrame([{"metric": "memory", "place": "vm", "trial": 0,
                                                              "value": 214.7, "unit": "MiB"}])])
    t, notes = spectrum.table(res), "\n".join(spectrum.table_notes(res))
    assert t.loc["QEMU VM", spectrum.WHAT["syscall"]] == "— ¹" and t.loc["QEMU VM", spectrum.WHAT["cpu"]] == "— ¹"
    assert notes.startswith("¹ ") and all(e in notes for e in expect), notes
    assert ("² " in notes) == vm["measured"]
    if vm["measured"]:
        assert t.loc["QEMU VM", spectrum.WHAT["memory"]] == "214.7 ²"


def test_vm_loops_under_kvm_fill_the_vm_cells():
    """With KVM the loops run in the guest: the VM's syscall and CPU cells hold numbers, no ¹ mark."""
    res = _res()
    res.extra["vm"] = {"measured": True, "accel": "kvm", "loops": "in the guest under KVM, guest clock",
                       "memory_how": "rss_at_marker", "memory_assigned_mib": 256, "memory_note": "x"}
    res.samples = pd.concat([res.samples, pd.DataFrame(
        [{"metric": m, "place": "vm", "trial": 0, "value": v, "unit": spectrum.METRICS[m]}
         for m, v in (("syscall", 450.0), ("cpu", 103.0), ("memory", 214.7))])])
    t, notes = spectrum.table(res), spectrum.table_notes(res)
    assert t.loc["QEMU VM", spectrum.WHAT["syscall"]] == 450.0 and t.loc["QEMU VM", spectrum.WHAT["cpu"]] == 103.0
    assert "inside the guest under KVM" in notes[0] and not notes[0].startswith("¹")


def test_parse_work_reads_each_loop_between_its_markers():
    s = overhead.Settings(trials=1, cpu_iterations=20_000, syscall_bytes=2_000)
    stamp = "time.tv_sec: {sec}\ntime.tv_usec: {us}"
    lines = ["[ 0.1] kernel noise", f"{spectrum.WORK_BEGIN} syscall 0", *stamp.format(sec=10, us=0).split("\n"),
             *stamp.format(sec=10, us=4000).split("\n"), spectrum.WORK_END,
             f"{spectrum.WORK_BEGIN} cpu 0", *stamp.format(sec=11, us=0).split("\n"),
             *stamp.format(sec=11, us=250000).split("\n"), spectrum.WORK_END]
    out = spectrum.parse_work(lines, s)
    assert out["syscall"] == [pytest.approx(4.0 * 1e6 / (2 * 2_000))] and out["cpu"] == [pytest.approx(250.0)]
    assert "mount -t proc" in spectrum.work_init(s, 2) and spectrum.work_init(s, 2).count(spectrum.WORK_BEGIN) == 4


@pytest.mark.vm
def test_vm_loops_run_in_a_real_guest():
    """The guest /init with the loops boots and reports them (TCG here: only that they run, not their speed)."""
    from vlab.core.errors import VlabError
    from vlab.labs.vm import boot

    s = overhead.Settings(trials=1, cpu_iterations=20_000, syscall_bytes=2_000)
    try:
        guest_cm = boot.prepare("tcg")
        guest = guest_cm.__enter__()
    except VlabError as exc:
        pytest.skip(f"no VM here: {exc.message}")
    try:
        out = spectrum.vm_loops(guest, s, 2)
    finally:
        guest_cm.__exit__(None, None, None)
    assert len(out["syscall"]) == 2 and len(out["cpu"]) == 2
    assert all(v > 0 for vals in out.values() for v in vals)


def test_shipped_recording_shows_its_vm_notes():
    from vlab.core import replay

    if "spectrum" not in replay.available():
        pytest.skip("no spectrum recording shipped")
    res = replay.load("spectrum")
    notes = spectrum.table_notes(res)
    assert notes[0].startswith("¹ ") and ("TCG" in notes[0] or "KVM" in notes[0])
    assert len(notes) == 2 and res.extra["vm"]["memory_note"].split(" (")[0] in notes[1]


@pytest.mark.parametrize("kw", [{"trials": 0}, {"trials": True}, {"runtime": ""}, {"runtime": "a/b"},
                                {"vm": 1}, {"seed": -1}])
def test_bad_arguments_refused_before_any_work(kw):
    with pytest.raises(BadParameter):
        spectrum.measure_spectrum(**kw)


def test_published_gvisor_figures_are_the_verified_rows():
    pub = spectrum.published()
    row = pub[pub.what == "raw system call"].iloc[0]
    assert row["runsc ÷ runc"] > 10 and "GVI" in row["source"]


def test_overhead_runtime_names_and_file_clock():
    assert overhead.check_runtimes(["runsc", "runc", "runsc"]) == ("runsc",)
    with pytest.raises(BadParameter):
        overhead.check_runtimes(["run sc"])
    script, n = overhead.file_clock(*overhead.workload("io", "/bin/busybox", overhead.Settings.for_mode(True),
                                                       path="/tmp"), "/bin/busybox")
    assert n == 2 and "adjtimex" not in script and script.count(": > /dev/shm/vlab-t") == 3
    text = ("1700000000 2023-11-14 22:13:20.000000000 +0000\n1700000000 2023-11-14 22:13:20.250000000 +0000\n"
            "1700000001 2023-11-14 22:13:21.000000001 +0000\n")
    assert overhead.file_intervals_ms(text, 2) == pytest.approx([250.0, 750.000001])
    ratios = overhead.ratios(pd.DataFrame([
        {"metric": "syscall", "config": c, "trial": i, "order": i, "value": v, "unit": "ms"}
        for c, v in (("native", 10.0), ("container", 11.0), ("container:runsc", 500.0)) for i in range(3)]))
    pair = ratios[(ratios.config == "container:runsc") & (ratios.baseline == "container")].iloc[0]
    assert pair.ratio == pytest.approx(500 / 11)


def test_race_replays_a_gvisor_lane_from_the_spectrum_recording():
    from vlab.labs.vm import race

    res = _res()
    ev = race.gvisor_replay_events(res, race.RaceResult("replay", 100.0, 3000.0, 3100.0, "tcg"))
    assert ev[-1].final and ev[-1].lane == "gvisor" and ev[-1].t_ms == pytest.approx(460.0)
    empty = Results("spectrum", pd.DataFrame(columns=["metric", "place", "trial", "value", "unit"]),
                    pd.DataFrame(), {}, extra={})
    r = race.RaceResult("replay", 100.0, 3000.0, 3100.0, "tcg")
    assert race.gvisor_replay_events(empty, r) == [] and r.gvisor_ms is None and r.gvisor_why_missing


def test_short_reason_keeps_the_runtime_words():
    from vlab.core.runtimes import short_reason

    msg = ("OCI runtime create failed: container_linux.go:380: starting container process caused: "
           "cgroups in hybrid mode not supported: unknown")
    assert short_reason(msg).endswith("cgroups in hybrid mode not supported")


# ---------------------------------------------------------------- against the real engine
def _gvisor_or_skip():
    from vlab.core import runtimes

    if "runsc" not in runtimes.working():
        pytest.skip("gVisor (runsc) does not run here (./course.sh prepare registers it on Debian as root)")


def test_probe_lists_runc_and_reasons(engine):
    from vlab.core import runtimes

    probes = {p.name: p for p in runtimes.probe_all(refresh=True)}
    assert probes["runc"].ok and probes["runc"].kernel
    for p in probes.values():
        assert p.ok or p.detail  # a failure always says why
    assert not runtimes.probe("no-such-runtime").ok


def test_spectrum_live_self_checks_hold_here(engine):
    from vlab.core.sandbox import leftovers

    _gvisor_or_skip()
    res = spectrum.measure_spectrum(1, vm=False, progress=False)
    check = res.extra["self_check"]
    assert check["gvisor_sees_other_kernel"] and check["runc_sees_host_kernel"]
    assert check["gvisor_syscalls_costlier"]
    assert res.provenance["gvisor_platform"] in ("ptrace", "systrap", "kvm")
    assert set(res.samples.place) == {"process", "runc", "gvisor"}
    assert res.extra["stopping"]["reason"] == "fixed" and res.extra["stopping"]["rounds"] == 1
    assert not leftovers(this_run=True)


def test_spectrum_stops_by_its_budget(engine):
    _gvisor_or_skip()
    res = spectrum.measure_spectrum(vm=False, progress=False, budget=0.5)  # less than one round: exactly one
    stop = res.extra["stopping"]
    assert stop["reason"] == "budget" and stop["rounds"] == 1 and stop["warmup_skipped"] == 1
    assert stop["worst_precision"] is None  # one value per median: no 95 % interval is claimed
    starts = res.samples[res.samples.metric == "start"]
    assert starts.groupby("place").size().to_dict() == {"process": 1, "runc": 1, "gvisor": 1}


def test_start_lab_takes_any_runtime_as_a_configuration():
    from vlab.labs import start_time as start

    names = [c.name for c in start.configurations("none", ["runtime:runsc"])]
    assert names == ["baseline", "runtime:runsc"]
    every = {c.name for c in start.configurations("none", ["runtime"], runtimes=["runc", "runsc", "crun",
                                                                                  "io.containerd.runc.v2"])}
    assert every == {"baseline", "runtime:runsc", "runtime:crun"}
    with pytest.raises(BadParameter):
        start.configurations("none", ["runtime:a b"])


def test_race_widget_replays_three_lanes_with_the_spectrum_recording():
    from vlab.core import replay
    from vlab.widgets.race import RaceWidget

    if "spectrum" not in replay.available():
        pytest.skip("no spectrum recording shipped")
    w = RaceWidget(source="replay", replay_speed=1000)
    w.button.click()
    res = w.wait(timeout=120)
    assert w.error is None and res is not None and res.gvisor_ms is not None
    assert {e.lane for e in res.events} == {"container", "gvisor", "vm"}
    assert w.bars["gvisor"].bar_style == "success" and "done at" in w.labels["gvisor"].value
    assert res.gvisor_ms < res.vm_ms  # a sandbox boots no guest kernel
    assert "gVisor sandbox" in res.summary()
