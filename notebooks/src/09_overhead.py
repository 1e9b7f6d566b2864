# %% [markdown]
# # 09 · Overhead: what a container costs compared with native
#
# The lecture notes claim that a **hypervisor (하이퍼바이저)** adds a large **overhead (오버헤드)**, while a
# **container (컨테이너)** "uses the host kernel directly, with no layer in between", so its overhead is small.
# In this notebook you test that claim on your own machine, with one static `busybox` binary run two ways:
# **natively (네이티브)** as an ordinary host process, and **inside containers**.
#
# **Learning objectives**
# - Explain what *overhead* means and why we measure it as a **ratio (비율)** container/native with a confidence interval.
# - Measure CPU, **system call (시스템 콜)**, disk I/O, network and memory costs of a container against native.
# - Explain why the CPU cost of a container is (almost) nothing: there is **no second kernel**, only the host kernel.
# - Name where a container *does* pay: the **seccomp** filter on system calls, the **overlay filesystem (오버레이 파일시스템)**,
#   the **bridge network (브리지 네트워크)**, and the engine's own memory.
# - Set your numbers beside **published figures** for containers and hypervisors, with their sources.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Overhead, and how we measure it fairly
# <small>Course map: S3.6 · S3.1</small>
#
# *Overhead* is the extra time or memory a piece of work costs because of the layer it runs in.
# To see only the layer, everything else must stay the same:
#
# - **the same program**: the host's static `busybox`, copied into the course image, so native and container
#   run *byte-for-byte the same binary*;
# - **the same CPU**: native runs and containers are pinned to the same CPU core (`cpuset`), with the same limits;
# - **the same clock**: each workload prints the wall clock before and after the work, so the time to *enter*
#   a container (`docker exec`) is never counted, only the work itself;
# - **interleaved, in random order**: this machine is noisy (other programs run too), so configurations take turns
#   in a shuffled (seeded) order, and every one gets a warm-up run first.
#
# We report each result as a **time ratio** *container / native*: **1.0 means "no overhead"**, 1.10 means 10 % slower.
# A ratio comes with a **95 % bootstrap confidence interval (신뢰구간)**: the range that the ratio would likely
# fall in if you ran the whole experiment again. A CI that contains 1.0 means "no difference we can detect".
#
# The measurement below runs five groups (quick mode runs each only a few times with small sizes;
# it takes well under a minute):
#
# | group | workload (same busybox everywhere) | configurations |
# |---|---|---|
# | `cpu` | an `awk` arithmetic loop | native · container |
# | `syscall` | `dd bs=1`: one `read` + one `write` system call per byte | native · container (seccomp on) · container with `seccomp=unconfined` |
# | `io` | `dd` writes a file with `fsync`, then reads it back | native disk · container's overlay filesystem · bind-mounted host folder |
# | `net` | `httpd` + `wget`: one large file, then many small requests | native loopback · loopback inside one container · bridge between two containers · host network |
# | `memory` | idle containers running `sleep` | seen from the host |
#
# **Predict first (예측).** The `syscall` workload makes about two system calls per byte. How many times as long
# will it take in a container as natively (1.0 = the same time; a VM's I/O often costs 1.5–2×)?

# %%
predicted_syscall_ratio = ...   # ← your prediction, e.g. 1.0, 1.2 or 2.0

# %% [markdown]
# **First by hand (glass box).** The same busybox loop, natively (`subprocess`) and in a container (the Docker
# SDK). The loop times itself with the kernel's clock, so starting the container is not counted. The container has
# a memory and pids limit, no capabilities, no network and the vlab label, and is removed whatever happens.

# %%
import subprocess

import docker

from vlab.core import images, sandbox
from vlab.labs import syscalls

loop = syscalls.timed_loop(50_000)   # busybox: clock, dd of 50 000 single bytes, clock; prints the µs between
if mode.live:
    bb = str(images.find_busybox())
    native = subprocess.run([bb, "sh", "-c", loop], env={"BB": bb}, capture_output=True, text=True, check=True)
    box = docker.from_env().containers.run(
        images.ensure(), ["sh", "-c", loop], environment={"BB": "/bin/busybox"}, detach=True, mem_limit="32m",
        pids_limit=16, cap_drop=["ALL"], network_mode="none", labels=sandbox.labels("glass box: syscall loop"))
    try:
        box.wait(timeout=120)
        loop_ms = {"native": int(native.stdout) / 1e3, "container": int(box.logs().decode()) / 1e3}
    finally:
        box.remove(force=True)
else:
    loop_ms, note = syscalls.recorded_loop_times()
    print(note)
print({where: f"{ms:.1f} ms" for where, ms in loop_ms.items()})

# %% [markdown]
# One run of each on a noisy machine proves little. vlab does this with more care: the same binary pinned to the
# same CPU core, five workload groups, warm-up runs, interleaved rounds in a shuffled order until the medians are
# precise enough, a seccomp-off control, bootstrap confidence intervals, and the provenance of every number.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The measurement below repeats interleaved rounds until the 95 % confidence
# interval of every median is within ±5 % of it, or until its time budget is spent (15 s for the timed workloads). The
# rule is fixed before the first trial and never looks at which configuration is ahead, so stopping early cannot
# choose a result; the precision each median reached and why the run stopped are printed and saved with the results
# ("budget spent" means more trials would have narrowed the interval). `trials=N` still runs exactly N.

# %%
from vlab.core import interleave
from vlab.labs import overhead
from vlab.plots import overhead as overhead_plots

res = overhead.measure()
print(f"{len(res.samples)} samples,", "REPLAYED from a recorded run" if res.replayed else "measured now on this machine")
print(interleave.note(res))

# %% [markdown]
# First, the facts of this run that do not depend on timing. The workloads ran on the **host's kernel**
# (the container has none of its own), and only the container has a **seccomp** filter in front of its
# system calls (`Seccomp: 2` in `/proc/self/status` means "filter"; 0 means none).

# %% tags=["keep_output", "nbval-check-output"]
facts = res.extra["facts"]
print("The container runs on the host's kernel:", facts["same_kernel"])
print("seccomp mode (0 = none, 2 = filter):", facts["seccomp_mode"])
for metric, configs in overhead.CONFIGS.items():
    print(f"{metric:15s} compared: {', '.join(c for c in configs if c in set(res.samples.config[res.samples.metric == metric]))}")

# %% [markdown]
# ## No layer in between: the system call path
# <small>Course map: S3.6 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# Why should a container cost (almost) nothing on the CPU? Follow one request, *read a file*, from the app
# down to the hardware. In a **virtual machine (가상 머신)** it goes through the **guest kernel (게스트 커널)**, then the
# hypervisor, then the **host kernel (호스트 커널)**. In a container the app's system call goes **straight to the host
# kernel**: a container is just a host process that the kernel has put into namespaces and cgroups.
# Switch between *container* and *virtual machine* below.

# %%
from vlab.widgets.syscall_path import SyscallPathView, kernels_crossed

SyscallPathView("read a file", "container", results={"overhead": res}).widget

# %% tags=["keep_output", "nbval-check-output"]
for where in ("bare metal", "container", "virtual machine"):
    print(f"kernels that handle 'read a file' in a {where}: {kernels_crossed('read a file', where)}")

# %% [markdown]
# ## Your ratios
# <small>Course map: S3.6</small>
#
# ### Exercise 1: the system-call ratios, by hand
# `res.samples` has one row per run: `metric` (the workload group), `config` and `value` (ms). For the `syscall`
# group, write the code that computes the median time in a `container` divided by the median `native` time, and
# the median `container` time divided by the median `container-unconfined` time (seccomp on / seccomp off).

# %% tags=["exercise"]
medians = ...           # median `value` per config, syscall rows only
container_ratio = ...   # container / native
seccomp_ratio = ...     # container / container-unconfined

# %%
syscalls.check_syscall_ratios(container_ratio, seccomp_ratio, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `res.samples.query("metric == 'syscall'").groupby("config")["value"].median()` is a Series indexed by config.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
medians = res.samples.query("metric == 'syscall'").groupby("config")["value"].median()
container_ratio = medians["container"] / medians["native"]
seccomp_ratio = medians["container"] / medians["container-unconfined"]
syscalls.check_syscall_ratios(container_ratio, seccomp_ratio, res)

# %% [markdown]
# vlab's table, for every group:
# Each row is one configuration against its baseline, usually native (and one extra row: seccomp on against seccomp
# off). `ratio` is the median time of the configuration divided by the median time of the baseline; `ci_low` and
# `ci_high` are the ends of its 95 % confidence interval.

# %%
overhead.ratio_table(res)[["what", "config", "baseline", "ratio", "ci_low", "ci_high"]].round(3)

# %%
overhead_plots.ratio_plot(res);

# %%
print(syscalls.compare_overhead_prediction(predicted_syscall_ratio, res))

# %% [markdown]
# How to read it, group by group (your numbers are in the table above; a noisy machine makes the CIs wide):
#
# - **CPU**: the container's ratio is close to 1.0, usually with a CI that contains 1.0. The `awk` loop never leaves
#   user space, and in a container it runs on the same CPU, under the same kernel scheduler, as natively. Nothing
#   sits in between. (On a busy machine the container can even come out a little *faster*: its cgroup is scheduled as a
#   group, which can shield it from other host processes. That is scheduling, not magic.)
# - **System calls**: every system call of the container meets Docker's default **seccomp** filter, a small BPF
#   program (a tiny program in a format the kernel can run safely) that decides whether the call is allowed. With
#   `seccomp=unconfined` the filter is gone. Be careful how you explain a difference here: since Linux 5.11 the
#   kernel keeps a **seccomp action cache** and skips the filter altogether for calls it always allows, such as
#   `read` and `write`. On such a kernel a seccomp on/off difference is more likely noise or another difference
#   between the two containers than the filter itself; on older kernels the filter runs on every call, a small
#   cost per call that grows with the number of calls. (`dd bs=1` makes about two system calls per byte; the
#   workload times itself, so this is the cost of the calls, not of Docker.)
# - **Disk I/O**: writing with `fsync` goes to the same disk in all three cases. In the container the file is
#   written through the **overlay filesystem**, which adds a little file-system bookkeeping. Writing a *new* file
#   copies nothing; **copy-up** happens when a container first modifies a file that lives in a lower (image) layer:
#   the whole file is then copied into the writable layer first. A **bind mount** or a **volume** bypasses overlay,
#   which is why databases in containers keep their data on volumes. Reading back comes from the page cache.
# - **Network**: loopback inside one container is the same kernel code as native loopback (in another network namespace).
#   The **bridge** path adds a `veth` pair and a Linux bridge; **host networking** skips both. Small HTTP requests are
#   dominated by TCP connection set-up, so their ratios are noisier than the big download.

# %% [markdown]
# ## Memory: what an idle container costs
# <small>Course map: S3.6 · S3.1</small>
#
# A container has no guest kernel and no guest OS to keep in memory. Seen from the host, an idle container is:
# its process (here `sleep`, as small as the same `sleep` run natively), a little kernel memory charged to its
# **cgroup**, and one small **containerd shim** process that watches it. The engine itself (`dockerd`, `containerd`)
# is paid once, however many containers run.

# %%
overhead.memory_table(res)

# %%
overhead_plots.memory_plot(res);

# %% [markdown]
# For comparison, the published memory figures (per idle container, or per hypervisor process *not counting* the
# guest's own memory). A VM also needs memory for its guest kernel and OS on top of this.

# %%
from vlab.labs import overhead_published

overhead_published.memory_figures()

# %% [markdown]
# ## Beside the published figures: containers and hypervisors
# <small>Course map: S3.6 · S3.1</small>
#
# The plot above also shows published ratios (open markers), converted to the same *time ratio* (for a throughput
# figure, native throughput divided by the system's; above 1 = slower). They come from real measurements:
#
# - **FEL15**: Felter et al. (IBM Research, ISPASS 2015), Docker and KVM against native on the same server: Linpack,
#   STREAM, fio disk I/O, netperf/nuttcp network.
# - **GVI**: the gVisor performance guide: raw system call time and CPU under runc (ordinary containers) and gVisor,
#   a sandbox that puts a user-space kernel between the app and the host.
# - **AGA20**: the Firecracker paper (NSDI 2020): QEMU and Firecracker virtual machines against bare metal.
#
# Their machines, workloads and definitions differ from yours, so compare the *pattern*, not the digits.

# %% tags=["keep_output", "nbval-check-output"]
table = overhead_published.published_ratios()
for r in table.itertuples():
    print(f"{r.group:8s} {r.ratio:6.2f}  {r.label}")

# %%
for source_id, text in overhead_published.citations(sorted(set(table.source_id))).items():
    print(f"[{source_id}] {text}")

# %% [markdown]
# The pattern is the lecture notes' claim, measured: on CPU and memory bandwidth, Docker matches native and KVM is a
# few percent slower; on random disk reads KVM needs almost **twice** the time per request and Firecracker far more;
# a network round trip through KVM takes about **1.8×** as long. The hypervisor's cost appears wherever the guest
# must go through the virtual hardware, the *translator (통역가)* that turns the guest's
# hardware accesses into work on the real devices.
# Sandboxes that put a kernel back in between (gVisor) pay on every system call (about 20× with its ptrace platform).
#
# This also shows the trade-off the next notebook explores: the layer that costs time is also the layer that
# **isolates**. A container is fast *because* it shares the host kernel, and for the same reason it isolates less.

# %% [markdown]
# ## Exercise 2: count system calls yourself
# <small>Course map: S3.6</small>
#
# The kernel counts each thread's system calls: the `syscw:` line of `/proc/thread-self/io` is the number of
# write-type calls this thread has made. Complete `writes_so_far()` so that it returns that number, and compute
# how many write calls the loop of `n` single-byte `os.write` made. (No container needed: a container's process is
# counted by the same kernel in the same way.)

# %% tags=["exercise"]
import os
from pathlib import Path


def writes_so_far():
    text = Path("/proc/thread-self/io").read_text()
    return ...   # the number after "syscw:" in text, as an int


n = 1000
before = writes_so_far()
fd = os.open("/dev/null", os.O_WRONLY)
for _ in range(n):
    os.write(fd, b"x")
os.close(fd)
after = writes_so_far()
writes = ...   # the write calls the loop made

# %%
syscalls.check_write_count(writes, n)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `text.split("syscw:")[1].split()[0]` is the number as text; `int(...)` makes it a number. The loop's calls are
# `after - before`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
def writes_so_far():
    text = Path("/proc/thread-self/io").read_text()
    return int(text.split("syscw:")[1].split()[0])


before = writes_so_far()
fd = os.open("/dev/null", os.O_WRONLY)
for _ in range(n):
    os.write(fd, b"x")
os.close(fd)
after = writes_so_far()
writes = after - before
syscalls.check_write_count(writes, n)

# %% [markdown]
# **Try it in a terminal:** `vlab bench overhead --trials 20 --json overhead.json` measures the same thing with more
# trials and writes every sample, the ratios with CIs and the provenance to a JSON file.
#
# ## Key points
# - **Overhead (오버헤드)** is measured fairly as a time **ratio** against native, with the same binary, the same CPU,
#   interleaved runs and a confidence interval.
# - A container's CPU cost is about **zero**: its process runs on the **host kernel** directly, with no guest kernel and
#   no hypervisor in between.
# - Containers pay in specific places: the **seccomp** filter per system call, the **overlay filesystem** for writes,
#   the **bridge network** path, and a few MiB per container (its shim) plus the engine's own memory, paid once.
# - Published measurements agree: Docker ≈ native, while **hypervisors** cost most on I/O and network, where the
#   guest must go through virtual hardware.
# - The layer that costs time is the layer that isolates: next, security.
#
# **Next:** [10 · Security](10_security.ipynb) · [Glossary (용어집)](99_glossary.ipynb)
