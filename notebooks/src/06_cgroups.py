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
from vlab import course; course.begin()

# %% [markdown]
# ## Why limits: one program can hurt the others
# <small>Course map: S2.2 · S2.3</small>
#
# When many programs share one operating system, one program that crashes or **hogs** a resource slows down or
# breaks the others: **interference (간섭)**. Virtualization answers with **isolation (격리)** and **resource
# allocation (리소스 분배)**: each virtual environment gets a logical share, a maximum of CPU and memory. Namespaces
# (notebook 05) hide things; **cgroups (control groups, 컨트롤 그룹)** limit how much a group of processes may use:
# memory, CPU time, the number of processes, disk and network bandwidth.

# %% [markdown]
# ## The limits, read back from the container's own cgroup files
# <small>Course map: S3.4</small>
#
# Docker writes each limit into a file of the container's cgroup. The file names differ between cgroup **v1**
# (`memory.limit_in_bytes`, `cpu.cfs_quota_us` / `cpu.cfs_period_us`, `pids.max`) and the unified cgroup **v2**
# used by modern Ubuntu, Fedora and Debian (`memory.max`, `cpu.max`, `pids.max`). vlab reads whichever exists.

# %%
from vlab.labs import cgroups
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
# A memory hog (`dd` with a 64 MiB buffer) runs in a container limited to 32 MiB, with swap off. The kernel's
# **OOM killer** (Out Of Memory, 메모리 부족 강제 종료) kills it inside its cgroup: exit code 137 = 128 + signal 9
# (SIGKILL), and Docker records `OOMKilled`. A control run allocating half the limit finishes normally. Meanwhile a
# heartbeat thread in this notebook keeps answering (`host_probe_beats` counts its answers, `host_probe_max_ms` is
# its slowest): the host is untouched.

# %%
oom = cgroups.memory_hog(limit="32m", allocate="64m")
oom.samples[["case", "limit_mib", "allocate_mib", "exit_code", "oom_killed", "host_probe_beats", "host_probe_max_ms"]]

# %% tags=["keep_output", "nbval-check-output"]
code, killed = cgroups.oom_fact(oom)
print(f"exit code: {code}, OOMKilled: {killed}")

# %% [markdown]
# ## CPU: a quota sweep
# <small>Course map: S3.4 · S2.3</small>
#
# The same work (two shell loops) runs under 0.25, 0.5, 1 and 2 CPUs, in shuffled order. Throughput follows the
# quota: a quarter of a CPU does a quarter of the work per second. Above 1 CPU it can grow only as far as the work
# runs in parallel and the machine has idle cores (other programs on a shared machine take their part: when the
# load average is above the number of cores, even the 1-CPU run cannot get a whole CPU and the curve flattens).
#
# In the table, `median_throughput` is loop iterations per second, and `relative_to_1_cpu` divides it by the
# 1-CPU throughput; `ideal` is what a perfectly fair quota would give.

# %%
sweep = cgroups.cpu_sweep()
print("quotas above this engine's CPUs were skipped:", sweep.extra["skipped_quotas"])
print("load average before/after (a busy machine flattens the curve):",
      sweep.provenance.get("loadavg_before"), sweep.provenance.get("loadavg_after"))
sweep.summary.round(3).astype({"median_throughput": "int64"})

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
# ## Self-check
# <small>Course map: S3.4</small>
#
# A container limited to 32 MiB tries to use 64 MiB. What exit code does Docker report? Replace `None` with
# your number and run the two cells.

# %%
answer = None  # ← your answer
# %% tags=["keep_output", "nbval-check-output"]
from vlab.widgets.quiz import check, solution

check(answer, cgroups.oom_fact(oom)[0], explanation="137 = 128 + 9: the OOM killer sent SIGKILL (signal 9).")

# %%
solution("<b>137</b>. The memory cgroup cannot give more than 32 MiB, so the kernel's OOM killer kills the process "
         "with SIGKILL (9); a shell reports a death by signal N as 128 + N.")

# %% [markdown]
# ## Key points
# - **cgroups (컨트롤 그룹)** limit how much a container may use; namespaces limit what it can see.
# - The limits are files: `memory.limit_in_bytes` / `memory.max`, `cpu.cfs_quota_us` / `cpu.max`, `pids.max`
#   (cgroup v1 / v2).
# - Over the memory limit → **OOM-killed, exit 137**; a CPU quota shares out CPU time (0.25 CPU ≈ ¼ of the work per
#   second); a pids limit → **"can't fork"**. The host stays responsive in every case.
# - One program can hurt another on a shared machine (**interference, 간섭**); a limit on the hog restores the
#   victim (**resource allocation, 리소스 분배**).
#
# **Next:** [07 · Start time](07_start_time.ipynb): how fast a container starts, and why. · [Glossary · 용어집](99_glossary.ipynb)
