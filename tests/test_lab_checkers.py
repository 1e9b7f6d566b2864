"""Checkers of notebooks 06-10's exercises and their prediction comparisons (issue 13).

Each checker gets the right answer (PASS), a blank (NOT YET, no exception) and the typical
mistakes (WRONG with a specific message), on recorded data shipped with the course.
"""

from __future__ import annotations

import signal

import pandas as pd
import pytest

from vlab.core import replay
from vlab.labs import cgroups
from vlab.labs.start_time import exercises as st


@pytest.fixture(scope="module")
def start_res():
    return replay.load("start")


# ------------------------------------------------------------------ 06 cgroups
def test_read_back_right_blank_and_mistakes():
    words = ["33554432", "50000", "100000"]
    assert cgroups.check_read_back(32.0, 0.5, words).status == "pass"
    assert cgroups.check_read_back(..., 0.5, words).status == "not yet"
    assert "bytes, not MiB" in cgroups.check_read_back(33554432, 0.5, words).message
    assert "MB" in cgroups.check_read_back(33.554432, 0.5, words).message
    assert "quota alone" in cgroups.check_read_back(32.0, 50000, words).message
    assert "upside down" in cgroups.check_read_back(32.0, 2.0, words).message
    assert cgroups.check_read_back("32", 0.5, words).status == "wrong"


def test_recorded_cgroup_files_are_three_numbers():
    words, note = cgroups.recorded_cgroup_files()
    assert len(words) == 3 and all(w.isdigit() for w in words)
    assert "replay" in note and "recorded" in note
    assert cgroups.check_read_back(int(words[0]) / 2**20, int(words[1]) / int(words[2]), words)


def test_relative_throughput():
    sweep = replay.load("cg_cpu")
    med = sweep.samples.groupby("cpus")["throughput"].median()
    assert cgroups.check_relative_throughput(med / med.loc[1.0], sweep).status == "pass"
    assert cgroups.check_relative_throughput((med / med.loc[1.0]).to_dict(), sweep).status == "pass"
    assert cgroups.check_relative_throughput(..., sweep).status == "not yet"
    assert "not ratios" in cgroups.check_relative_throughput(med, sweep).message
    mean = sweep.samples.groupby("cpus")["throughput"].mean()
    assert "mean" in cgroups.check_relative_throughput(mean / mean.loc[1.0], sweep).message
    assert "no value" in cgroups.check_relative_throughput(pd.Series({1.0: 1.0}), sweep).message


def test_exit_signal():
    oom = replay.load("cg_oom")
    code = int(oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0])
    name = signal.Signals(code - 128).name
    assert cgroups.check_exit_signal(code - 128, name, oom).status == "pass"
    assert cgroups.check_exit_signal(..., ..., oom).status == "not yet"
    assert "exit code" in cgroups.check_exit_signal(code, name, oom).message
    assert cgroups.check_exit_signal(code - 128, "SIGTERM", oom).status == "wrong"


def test_oom_and_quota_predictions_explain():
    oom, sweep = replay.load("cg_oom"), replay.load("cg_cpu")
    assert "no prediction" in cgroups.compare_oom_prediction(..., oom)
    assert "killed from outside" in cgroups.compare_oom_prediction(1, oom)
    assert "right" in cgroups.compare_oom_prediction(cgroups.oom_fact(oom)[0], oom)
    assert "You predicted 0.50" in cgroups.compare_quota_prediction(0.5, sweep)


# ------------------------------------------------------------------ 07 start time
def test_start_stats(start_res):
    x = st.baseline_start(start_res)
    assert st.check_start_stats(x.median(), x.quantile(0.95), start_res).status == "pass"
    assert st.check_start_stats(x.median(), float(x.quantile(0.95, interpolation="nearest")), start_res)
    assert st.check_start_stats(..., ..., start_res).status == "not yet"
    assert "mean" in st.check_start_stats(x.mean(), x.quantile(0.95), start_res).message
    assert "maximum" in st.check_start_stats(x.median(), x.max(), start_res).message
    warm = start_res.samples.query("config == 'baseline' and phase == 'start'")["ms"]
    if warm.median() != x.median():
        assert "warm-up" in st.check_start_stats(warm.median(), x.quantile(0.95), start_res).message


def test_bridge_ratio(start_res):
    totals = start_res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()
    ratio, extra = totals["network:bridge"] / totals["baseline"], totals["network:bridge"] - totals["baseline"]
    assert st.check_bridge_ratio(ratio, extra, start_res).status == "pass"
    assert st.check_bridge_ratio(..., extra, start_res).status == "not yet"
    assert "upside down" in st.check_bridge_ratio(1 / ratio, extra, start_res).message
    assert st.check_bridge_ratio(ratio, -extra, start_res).status == "wrong"


def test_start_predictions_and_recorded_trial(start_res):
    phases, note = st.recorded_trial()
    assert set(phases) == {"create", "start", "exit", "remove"} and all(v > 0 for v in phases.values())
    text = st.compare_predictions("remove", 1.0, start_res)
    assert "You predicted 'remove'" in text and "off by" in text
    assert text.count("no prediction") == 0
    assert st.compare_predictions(..., ..., start_res).count("no prediction") == 2


# ------------------------------------------------------------------ 08 VM vs container
def test_vm_checkers_and_prediction():
    from vlab.labs.vm import exercises as vmx

    vm, ct = replay.load("vm_boot"), replay.load("vm_container_start")
    med = vm.samples.groupby("phase")["ms"].median()
    share = med["before_guest_clock"] / med["launch_to_marker"]
    assert vmx.check_boot_share(share, vm).status == "pass"
    assert vmx.check_boot_share(..., vm).status == "not yet"
    assert "percentage" in vmx.check_boot_share(100 * share, vm).message
    assert "guest_uptime" in vmx.check_boot_share(1 - share, vm).message
    ratio = med["launch_to_marker"] / ct.samples.query("phase == 'total'")["ms"].median()
    assert vmx.check_vm_ratio(ratio, vm, ct).status == "pass"
    assert "upside down" in vmx.check_vm_ratio(1 / ratio, vm, ct).message
    assert "no prediction" in vmx.compare_prediction(..., vm, ct)
    assert "as fast or faster" in vmx.compare_prediction(1, vm, ct)
    kernels, note = vmx.recorded_kernels()
    assert kernels["container"] == kernels["host"] and "replay" in note


# ------------------------------------------------------------------ 09 overhead / system calls
def test_syscall_checkers_and_prediction():
    from vlab.labs import syscalls

    res = replay.load("overhead")
    med = res.samples.query("metric == 'syscall'").groupby("config")["value"].median()
    c, s = med["container"] / med["native"], med["container"] / med["container-unconfined"]
    assert syscalls.check_syscall_ratios(c, s, res).status == "pass"
    assert syscalls.check_syscall_ratios(..., s, res).status == "not yet"
    assert "upside down" in syscalls.check_syscall_ratios(1 / c, s, res).message
    assert syscalls.check_syscall_ratios(c, c * 2, res).status == "wrong"
    assert syscalls.check_write_count(1000, 1000).status == "pass"
    assert "swapped" in syscalls.check_write_count(-1000, 1000).message
    assert "total" in syscalls.check_write_count(987654, 1000).message
    assert "reads and writes" in syscalls.check_write_count(2000, 1000).message
    assert syscalls.check_write_count(..., 1000).status == "not yet"
    assert "hypervisor" in syscalls.compare_overhead_prediction(3.0, res)
    times, note = syscalls.recorded_loop_times()
    assert set(times) == {"native", "container"} and "replay" in note
    assert "count=500" in syscalls.timed_loop(500)


def test_write_count_on_this_thread():
    import os
    from pathlib import Path

    from vlab.labs import syscalls

    def writes():
        return int(Path("/proc/thread-self/io").read_text().split("syscw:")[1].split()[0])

    before = writes()
    fd = os.open("/dev/null", os.O_WRONLY)
    for _ in range(300):
        os.write(fd, b"x")
    os.close(fd)
    assert syscalls.check_write_count(writes() - before, 300).status == "pass"


# ------------------------------------------------------------------ 10 security
def test_capability_checkers():
    from vlab.labs import security

    mask_hex = "00000000a80425fb"
    mask = int(mask_hex, 16)
    names = [n for i, n in enumerate(security.CAP_NAMES) if mask >> i & 1]
    assert security.check_decoded_caps(names, mask_hex).status == "pass"
    assert security.check_decoded_caps(list(reversed(names)), mask_hex).status == "pass"
    assert security.check_decoded_caps(..., mask_hex).status == "not yet"
    assert "one place off" in security.check_decoded_caps(
        [security.CAP_NAMES[security.CAP_NAMES.index(n) + 1] for n in names], mask_hex).message
    assert "missing" in security.check_decoded_caps(names[:-1], mask_hex).message
    wanted = ["NET_BIND_SERVICE", "CHOWN"]
    assert security.check_encoded_caps("0000000000000401", wanted).status == "pass"
    assert "16 hexadecimal" in security.check_encoded_caps(0x401, wanted).message
    assert "too high" in security.check_encoded_caps("0000000000000802", wanted).message
    assert "digits" in security.check_encoded_caps("401", wanted).message
    seen, note = security.recorded_glass_box()
    assert seen["cap_eff"] == "0000000000000000" and seen["inside"] == seen["host"] and "replay" in note
