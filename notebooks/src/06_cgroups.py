# %% [markdown]
# # 06 · cgroups: how much a container may use (컨트롤 그룹)
#
# **Learning objectives.** After this notebook you can
# - explain what a **cgroup (control group, 컨트롤 그룹)** does and find a container's limits in its cgroup files,
#   on cgroup v1 and v2;
# - predict and observe what happens when a container exceeds its **memory** limit (**OOM kill, 메모리 부족 강제
#   종료**, exit 137);
# - measure how a **CPU quota** shares out CPU time, and how a **pids** limit stops a fork bomb;
# - measure **interference (간섭)** from a **noisy neighbour (시끄러운 이웃)** on one machine and how **resource
#   allocation (리소스 분배)** removes it.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Why limits: one program can hurt the others
# <small>Course map: S2.2 · S2.3</small>
#
# When many programs share one operating system, one program that crashes or **hogs** a resource slows down or
# breaks the others: **interference (간섭)**. Virtualization answers with **isolation (격리)** and **resource
# allocation (리소스 분배)**: each virtual environment gets a logical share, a maximum of CPU and memory. Namespaces
# (notebook 05) hide things; **cgroups (control groups, 컨트롤 그룹)** limit how much a group of processes may use:
# memory, CPU time, the number of processes and disk bandwidth. Network bandwidth is **not** one of them: cgroup v1's
# `net_cls` and `net_prio` controllers only tag or prioritise a group's packets so that traffic control (`tc`) can
# shape them, and cgroup v2 has no network controller at all. Network limits come from `tc` and the network
# namespace, not from a cgroup.

# %% [markdown]
# ## The limits, read back from the container's own cgroup files
# <small>Course map: S3.4</small>
#
# Docker writes each limit into a file of the container's cgroup. The file names differ between cgroup **v1**
# (`memory.limit_in_bytes`, `cpu.cfs_quota_us` / `cpu.cfs_period_us`, `pids.max`) and the unified cgroup **v2**
# used by modern Ubuntu, Fedora and Debian (`memory.max`, `cpu.max`, `pids.max`).
#
# **First by hand (glass box).** The cell below uses nothing but the Docker SDK for Python: it starts a busybox
# container with a 32 MiB memory limit and half a CPU, and the container prints its own cgroup files (v2 first, v1
# if that fails). The container is labelled as vlab's, runs without capabilities, network or more than 16
# processes, and is removed whatever happens (`try` / `finally`).

# %%
import docker

from vlab.core import images, sandbox
from vlab.labs import cgroups

if mode.live:
    box = docker.from_env().containers.run(
        images.ensure(), ["sh", "-c", cgroups.GLASS_BOX_SCRIPT], detach=True, mem_limit="32m", memswap_limit="32m",
        nano_cpus=500_000_000, pids_limit=16, cap_drop=["ALL"], network_mode="none",
        labels=sandbox.labels("glass box: cgroup files"))
    try:
        box.wait(timeout=60)
        words = box.logs().decode().split()   # memory limit, CPU quota, CPU period
    finally:
        box.remove(force=True)
else:
    words, note = cgroups.recorded_cgroup_files()
    print(note)
print("memory file:", words[0], "· CPU quota and period (µs):", words[1:3])

# %% [markdown]
# `cgroups.GLASS_BOX_SCRIPT` is only the shell line `cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max || cat
# …/memory/memory.limit_in_bytes …/cpu/cpu.cfs_quota_us …/cpu/cpu.cfs_period_us`. vlab does this with more care:
# it finds the engine and says how to fix a missing one, applies every safety default in one place (and removes
# the container even on Ctrl-C or SIGTERM), parses v1 and v2 alike, checks each file against what was asked, and
# records where and when it ran.
#
# ### Exercise 1: read the limits back
# The files hold plain text. From `words` (the memory limit in bytes, then the CPU quota and period in µs), write
# the code that computes the memory limit in **MiB** and the number of **CPUs** the container may use.

# %% tags=["exercise"]
memory_mib = ...   # words[0] is text: make it a number, then bytes → MiB
cpus = ...         # from the quota (words[1]) and the period (words[2])

# %%
cgroups.check_read_back(memory_mib, cpus, words)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `int(words[0])` is the limit in bytes; 1 MiB is `1024 * 1024` bytes. The group may run `quota` µs of CPU time in
# every `period` µs, so the number of CPUs is the quota divided by the period.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
memory_mib = int(words[0]) / 1024**2
cpus = int(words[1]) / int(words[2])
cgroups.check_read_back(memory_mib, cpus, words)

# %% [markdown]
# Now the vlab helper, which reads memory, CPU and pids at once and checks each file against the request:

# %%
from vlab.plots import namespaces as isoplots

limits = cgroups.limits_in_files(memory="64m", cpus=0.5, pids=32)
print("cgroup version inside the container:", limits.extra["cgroup_version"])
limits.samples

# %% [markdown]
# A CPU limit of 0.5 is written as a **quota** per **period**: 50 000 µs of CPU time in every 100 000 µs.

# %% [markdown]
# ## Memory: exceed the limit, get OOM-killed
# <small>Course map: S3.4 · S2.3</small>
#
# A memory hog (`dd` with a 64 MiB buffer) runs in a container limited to 32 MiB, with swap off. A control run
# allocating half the limit finishes normally. Meanwhile a heartbeat thread in this notebook keeps answering
# (`host_probe_beats` counts its answers, `host_probe_max_ms` is its slowest): is the host touched?
#
# **Predict first (예측).** What exit code will Docker report for the container that asks for 64 MiB under a
# 32 MiB limit? 0 (it copes), 1 (an ordinary error), or something else? Write your number down before you run the
# measurement.

# %%
predicted_exit_code = ...   # ← your prediction, e.g. 0 or 1

# %%
oom = cgroups.memory_hog(limit="32m", allocate="64m")
oom.samples[["case", "limit_mib", "allocate_mib", "exit_code", "oom_killed", "host_probe_beats", "host_probe_max_ms"]]

# %%
print(cgroups.compare_oom_prediction(predicted_exit_code, oom))

# %% tags=["keep_output", "nbval-check-output"]
code, killed = cgroups.oom_fact(oom)
print(f"exit code: {code}, OOMKilled: {killed}")

# %% [markdown]
# ### Exercise 2: what killed it?
# An exit code above 128 means the process did not exit by itself: a **signal (시그널)** ended it. Write the code
# that decodes the exit code of the `exceeds` case: which signal number, and what is its name?

# %% tags=["exercise"]
import signal

exit_code = ...      # the exit code of the 'exceeds' row of oom.samples, as an int
signal_number = ...  # computed from exit_code
signal_name = ...    # computed from signal_number with the `signal` module

# %%
cgroups.check_exit_signal(signal_number, signal_name, oom)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0]` is the code. A shell reports a death by signal N as
# exit code 128 + N, and `signal.Signals(N).name` gives the signal's name.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
exit_code = int(oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0])
signal_number = exit_code - 128
signal_name = signal.Signals(signal_number).name
cgroups.check_exit_signal(signal_number, signal_name, oom)

# %% [markdown]
# The kernel's **OOM killer** (Out Of Memory, 메모리 부족 강제 종료) chose a process *inside the full cgroup* and
# sent it a signal that no program can catch; Docker records `OOMKilled`. The rest of the machine, including the
# heartbeat, never noticed.

# %% [markdown]
# ## CPU: a quota sweep
# <small>Course map: S3.4 · S2.3</small>
#
# The same work (two shell loops) runs under 0.25, 0.5, 1 and 2 CPUs, in shuffled order. Throughput follows the
# quota: a quarter of a CPU does a quarter of the work per second. Above 1 CPU it can grow only as far as the work
# runs in parallel and the machine has idle cores (other programs on a shared machine take their part: when the
# load average is above the number of cores, even the 1-CPU run cannot get a whole CPU and the curve flattens).
#
# **Predict first.** At 0.25 CPU, what fraction of the 1-CPU work per second will the container do? (1.0 = as
# much as at 1 CPU.)

# %%
predicted_quarter = ...   # ← your prediction, e.g. 0.5

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The CPU sweep below (and the noisy neighbour after it) repeats interleaved
# rounds until the 95 % confidence interval of every median is within ±5 % of it, or until its time budget is spent
# (15 s each). The rule is fixed before the first trial and never looks at which configuration is ahead, so stopping
# early cannot choose a result; the precision each median reached and why the run stopped are printed and saved with
# the results ("budget spent" means more trials would have narrowed the interval). `repeats=N` still runs exactly N.

# %%
sweep = cgroups.cpu_sweep()
print("quotas above this engine's CPUs were skipped:", sweep.extra["skipped_quotas"])
print("load average before/after (a busy machine flattens the curve):",
      sweep.provenance.get("loadavg_before"), sweep.provenance.get("loadavg_after"))
sweep.samples.head()

# %% [markdown]
# ### Exercise 3: throughput against quota, with pandas
# Each row of `sweep.samples` is one run: `cpus` (the quota) and `throughput` (loop iterations per second). Write
# the pandas code that gives, for every quota, the **median** throughput divided by the median throughput at
# 1 CPU: a Series indexed by `cpus`.

# %% tags=["exercise"]
medians = ...    # median throughput per quota (group by `cpus`)
relative = ...   # medians divided by the median at cpus == 1.0

# %%
cgroups.check_relative_throughput(relative, sweep)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `sweep.samples.groupby("cpus")["throughput"].median()` gives one median per quota; `.loc[1.0]` picks the
# 1-CPU one.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
medians = sweep.samples.groupby("cpus")["throughput"].median()
relative = medians / medians.loc[1.0]
cgroups.check_relative_throughput(relative, sweep)

# %% [markdown]
# vlab's summary does the same: `median_throughput` is loop iterations per second, `relative_to_1_cpu` divides it
# by the 1-CPU throughput; `ideal` is what a perfectly fair quota would give. Your prediction against your
# measurement:

# %%
print(cgroups.compare_quota_prediction(predicted_quarter, sweep))
sweep.summary.round(3).astype({"median_throughput": "int64"})

# %%
from vlab.core import interleave

print(interleave.note(sweep))

# %%
isoplots.cpu_sweep(sweep);

# %% [markdown]
# ## Processes: a pids limit refuses the fork
# <small>Course map: S3.4</small>
#
# A fork bomb creates processes until the machine can no longer start any. Under a **pids** limit of 16 the kernel
# refuses any new process once the container holds 16 (its shell counts too), so the shell reports "can't fork",
# and nothing outside notices.

# %%
forks = cgroups.fork_limit(pids=16, attempts=40)
forks.samples[["pids_limit", "attempts", "started", "fork_refused", "message"]]

# %% tags=["keep_output", "nbval-check-output"]
row = forks.samples.iloc[0]
print("fork refused under the pids limit:", bool(row["fork_refused"]))
print("started fewer processes than the limit:", int(row["started"]) < int(row["pids_limit"]))

# %% [markdown]
# ## Interference, measured: a noisy neighbour
# <small>Course map: S2.2 · S2.3 · S3.4</small>
# <small>Figure counterpart: 가상화격리.png</small>
#
# A **noisy neighbour (시끄러운 이웃)** is a workload that slows down others on the same machine. A **victim**
# container repeats a small fixed piece of work and times each "request". It runs three times on the
# same CPU core: alone; beside a **hog** that spins as fast as it can; and beside the same hog limited to 0.2 CPU.
# This is the lecture notes' interference argument (S2.2) and its fix by resource allocation (S2.3), measured on
# your machine. The figure is this course's counterpart of *isolation through virtualization*.

# %%
noisy = cgroups.noisy_neighbour()
noisy.summary

# %%
print(interleave.note(noisy))

# %%
isoplots.noisy_neighbour(noisy);

# %%
for cond, factor in cgroups.slowdowns(noisy).items():
    print(f"{cond:28s} victim median × {factor:.2f} of alone")

# %% [markdown]
# What to expect: unconstrained, the hog and the victim share the core about evenly, so each victim request should
# take about twice as long (a factor near 2 above). Limited to 0.2 CPU, the hog can only take 20 ms in every 100 ms,
# so the victim should be nearly back to its time alone (a factor near 1). Compare with your factors above; a busy
# machine adds noise to all three.

# %% [markdown]
# ## Play: the cgroup playground
# <small>Course map: S3.4 · S2.3</small>
#
# Set memory, CPUs and pids, choose a workload and press **Run**: vlab starts a limited container and shows the
# outcome. Try a memory hog larger than the limit, a CPU loop at 0.1 and at 1 CPU, or 50 processes under 10 pids.
# (In replay mode the button shows the recorded outcome of the matching lab run.)

# %%
from vlab.widgets.cgroups import playground

playground()

# %% [markdown]
# ## Disk yes, network no
# <small>Course map: S3.4</small>
#
# A cgroup can also cap **disk I/O (디스크 입출력)**: `docker run --device-write-bps /dev/sda:1mb …` writes
# `8:0 wbps=1048576` into the container's `io.max` (cgroup v2), or `8:0 1048576` into
# `blkio.throttle.write_bps_device` (cgroup v1; `8:0` is the disk's device number). There is no such file for the
# network: to cap a container's network bandwidth you shape its virtual interface with `tc` (traffic control),
# outside any cgroup.

# %% [markdown]
# ## Key points
# - **cgroups (컨트롤 그룹)** limit how much a container may use (memory, CPU, processes, disk I/O; not network
#   bandwidth); namespaces limit what it can see.
# - The limits are files: `memory.limit_in_bytes` / `memory.max`, `cpu.cfs_quota_us` / `cpu.max`, `pids.max`
#   (cgroup v1 / v2).
# - Over the memory limit → **OOM-killed, exit 137**; a CPU quota shares out CPU time (0.25 CPU ≈ ¼ of the work per
#   second); a pids limit → **"can't fork"**. The host stays responsive in every case.
# - One program can hurt another on a shared machine (**interference, 간섭**); a limit on the hog restores the
#   victim (**resource allocation, 리소스 분배**).
#
# **Next:** [07 · Start time](07_start_time.ipynb): how fast a container starts, and why. · [Glossary · 용어집](99_glossary.ipynb)
