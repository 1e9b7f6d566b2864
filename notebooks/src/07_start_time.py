# %% [markdown]
# # 07 · Start-up time (시작 시간): why containers start fast
#
# The lecture notes say a **container (컨테이너)** starts fast because it has **no kernel of its own to boot
# (커널 부팅 없음)**: it is an ordinary process that the host kernel puts into namespaces and cgroups. In this
# notebook you check that claim on your own machine, the way a benchmark tool would: every phase of a container's
# life timed separately, many trials, honest statistics, and each layer of the software stack measured on its own.
#
# **Learning objectives**
# - Name the **phases (단계)** of a container's start (create, start, run, exit, remove) and measure each one.
# - Read a **median (중앙값)**, a p95, a bootstrap confidence interval and an **ECDF (경험적 누적분포)**, and know
#   why one number from one run means little on a noisy machine.
# - See what each layer costs on the **latency ladder (지연 시간 사다리)**: process → runtime → engine API → CLI →
#   network, and why the container's start is far from a kernel boot.
# - See how the cost grows when many containers start at once (**concurrency, 동시성**), and what an idle
#   container costs in memory.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## The anatomy of a container start
# <small>Course map: S3.7</small>
#
# vlab starts a tiny container through the **Docker SDK (도커 SDK)**'s low-level API and puts a stopwatch
# (`time.perf_counter_ns`) around every call. The container's only program is busybox `adjtimex`, which prints the
# kernel's clock as its very first act, so we also learn the moment the process **really ran**. The phases:
#
# | phase | from → to |
# |---|---|
# | **create** | `create_container` sent → reply: the container exists (writable layer, config) but nothing runs |
# | **start** | `start` sent → reply: the runtime (runc) has built the namespaces and cgroups and launched the process |
# | **exit** | `start` reply → `wait` reply: the process ran and exited, and the engine noticed |
# | **remove** | `remove_container` sent → reply: the writable layer and namespaces are gone |
# | **total** | create + start + exit + remove, back to back on one clock |
# | **running** | `start` sent → the container's own clock reading. It *overlaps* start and exit, so it is not part of the total |
#
# A second, independent clock comes from the daemon itself: its **events (이벤트)** `create`, `start`, `die` and
# `destroy` carry nanosecond timestamps (`d_…` phases). Every configuration below runs in **one interleaved run**
# (a shuffled order each round), after a **warm-up (워밍업)** round, so a slow moment of a shared machine hits all of
# them alike. Press the stop button (or Ctrl-C in a terminal) at any time: you get the trials measured so far, marked
# partial, and no container is left behind.

# %%
from vlab.labs import start_time
from vlab.plots import start_time as startplots

res = start_time.measure_start(course.trials(30, 3))
print(start_time.format_summary(res))

# %% tags=["keep_output", "nbval-check-output"]
print("host-clock phases:", ", ".join(p for p in start_time.HOST_PHASES if p in set(res.samples["phase"])))
print("second clock:", ", ".join(p for p in start_time.DAEMON_PHASES if p in set(res.samples["phase"])))

# %% [markdown]
# The first table gives the **median** of each phase per configuration (the next section explains the
# configurations). Every median comes with more statistics; here they are for the baseline configuration. Each line
# is one phase: **n** trials, the **median** (half of the trials were faster), the **p95** (95 % of trials were
# faster), the **min**, the **IQR** (the middle half's spread), a **bootstrap 95 % CI (신뢰구간)** of the median (the
# range the median would likely fall in if you measured again) and the number of **outliers (이상치)** by a robust
# MAD z-score (a distance from the median that ignores extreme values). Outliers are flagged, never dropped.

# %%
res.summary.query("config == 'baseline'").round(2)

# %% [markdown]
#
# An **ECDF** shows *every* trial: for each time on the x-axis, the fraction of trials that finished in at most that
# time. A steep curve means a phase that is always about as long; a long tail to the right means occasional slow
# trials.

# %%
startplots.phase_ecdf(res);

# %%
startplots.phase_breakdown(res);

# %% [markdown]
# **Where does the time go?** Usually **start** is the largest phase: that is runc creating the namespaces,
# joining the cgroups, mounting the root filesystem (overlayfs) and executing the program. **create** and
# **remove** are bookkeeping in the engine and on disk. The **running** marker arrives near the end of *start*:
# the process runs within milliseconds of the runtime launching it. Nothing in that list boots a kernel.

# %% [markdown]
# ## What each choice costs
# <small>Course map: S3.7</small>
#
# Every configuration changes **one** factor of the baseline (the small busybox **image (이미지)**, the file
# system a container starts from; no network; runc; detached and then removed; image already used once):
# - `network:bridge`: a virtual ethernet pair, an address and a port on Docker's bridge (a virtual network switch)
#   must be set up;
# - `image:fat`: the same image plus a 64 MiB layer;
# - `auto_remove`: the daemon removes the container itself (`docker run --rm`), so *exit* includes the removal;
# - `first_start`: the first start of a freshly built image;
# - `runtime:crun`: only when crun is installed and configured.
#
# The table gives the **ratio of medians (중앙값 비율)** of the total against the baseline, with a bootstrap 95 % CI.
# A CI that contains 1.0 means this run cannot tell the two apart.

# %%
start_time.ratios(res).round(2)

# %% [markdown]
# Look at the image size: a 64 MiB larger image does **not** make the start slower. The image's layers are already
# on disk; the container gets a thin writable layer on top (**copy-on-write, 쓰기 시 복사**) and nothing is copied.
# The network is different: setting up a bridge port is real work, done on every start.

# %% [markdown]
# ## The latency ladder: what each layer adds
# <small>Course map: S3.7 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# Now the same tiny program (`adjtimex`, from the same static busybox binary) runs at each layer, interleaved in one
# run:
#
# 1. **native**: the host forks and executes busybox: a plain **process (프로세스)**, no isolation;
# 2. **runc**: the OCI **runtime (런타임)** runs it in new namespaces and cgroups from the image's root filesystem,
#    with no engine (needs root; skipped otherwise);
# 3. **sdk**: the Docker **engine (엔진)** through its API: create → start → wait → remove;
# 4. **cli**: `docker run --rm` from the command line, which is what tools such as hyperfine time;
# 5. **cli_bridge**: the same with the default bridge network.
#
# This is the course's version of *why containers are preferred*: compare the **runc** rung (the isolation itself)
# with the **native** rung (a plain process) and with the engine's rungs above it. On a typical Linux machine runc
# takes tens of milliseconds and most of what you wait for is the engine's bookkeeping on top; your numbers are
# below.

# %%
ladder = start_time.measure_ladder(course.trials(30, 3))
startplots.ladder(ladder);

# %%
print(start_time.format_summary(ladder))

# %% [markdown]
# **And a virtual machine?** A **VM (가상 머신)** must boot a whole guest kernel and init before the first program
# runs. Here are published measurements on a bare-metal server with hardware virtualization (KVM), all with one
# metric: *wall-clock from launching the hypervisor until the guest's init signals and the hypervisor exits*, one
# VM at a time, median [AGA20] (Agache et al., *Firecracker*, NSDI 2020, raw data
# `firecracker-microvm/nsdi2020-data`):

# %%
from vlab.labs.vm import recorded

recorded.display_table(recorded.boot_figures(["launch_to_guest_exit_wallclock"]))[
    ["system", "figure", "stat", "source_id", "caveat"]]

# %% [markdown]
# These are *heavily tuned* minimal VMs on a fast server, and a different metric from the rungs above, so they do
# not rank against your rungs; a general distribution's VM takes seconds. What the **runc** rung shows is that the
# container starts without booting anything. The next notebook boots a real VM live, next to a container, and times
# both with one clock.

# %% [markdown]
# ## Many containers at once
# <small>Course map: S3.7 · S3.6</small>
#
# A server rarely starts one container. vlab starts *k* idle containers at the same time (k = 1, 2, 4 … 64; fewer in
# quick mode) and measures **containers per second (초당 컨테이너 수)**, the start latency of each one (p50, p95),
# and, read from the host while they idle, the **memory per container**: what its cgroup is charged (`cgroup_kib`,
# the container's own process) and the proportional memory of its `containerd-shim` process (`shim_kib`, the
# engine's per-container helper). `host_delta_kib` is the drop of the host's available memory divided by k: the
# honest total, but noisy on a busy machine.

# %%
conc = start_time.measure_concurrency()
conc.summary.round(1)

# %%
startplots.concurrency_curve(conc);

# %% [markdown]
# Throughput rises while the engine can overlap the work of several starts, then flattens when the CPU cores are
# busy; latency per container then grows with k. Look at `cgroup_kib` and `shim_kib`: on a typical Linux machine an
# idle container costs a few hundred KiB for its process plus a few MiB for its shim, with no guest kernel and no
# guest memory to reserve. A VM's monitor alone costs megabytes (Firecracker's
# specification promises at most 5 MiB of VMM overhead; QEMU measured about 131 MiB in the same NSDI 2020 paper).

# %% [markdown]
# ## The same measurement from a terminal
# <small>Course map: S3.7</small>
#
# ```
# vlab bench start --trials 30 --json start_time.json            # configurations, phase by phase
# vlab bench start --quick --ladder --concurrency --json s.json
# vlab bench start --help                                   # every option explained
# ```
# The JSON keeps every raw sample (milliseconds per phase), the summary and the provenance (host, kernel, engine
# and runtime versions, cgroup version, vlab version, date, configuration). Ctrl-C writes the partial results.

# %% [markdown]
# ## Self-check
# <small>Course map: S3.7</small>
#
# **1. Two claims that always hold on your own data.** Every timed phase is positive (time only moves forward), and
# the four host phases add up to the total: they are consecutive intervals of one clock, so the difference may only
# be float rounding, far below 0.01 ms. Run the cell: it checks every trial above.

# %% tags=["keep_output", "nbval-check-output"]
check = start_time.self_check(res)
assert check["phases_positive"], "a phase came out zero or negative"
assert check["adds_up"], f"phases differ from the total by {check['max_difference_ms']} ms"
print("every phase positive:", check["phases_positive"])
print(f"create + start + exit + remove = total within {check['tolerance_ms']} ms:", check["adds_up"])

# %% [markdown]
# **2. Your turn.** In the baseline configuration, which phase takes the longest median time on *your* data:
# `"create"`, `"start"`, `"exit"` or `"remove"`? Look at the breakdown figure, replace `None` with your answer and
# run the two cells.

# %%
answer = None  # ← your answer

# %%
from vlab.widgets.quiz import check as check_answer
from vlab.widgets.quiz import solution

base = res.summary[(res.summary["config"] == "baseline") & (res.summary["phase"].isin(start_time.HOST_PHASES))]
check_answer(answer, base.loc[base["median"].idxmax(), "phase"],
             explanation="That phase dominates here, on your machine's own numbers.")

# %%
solution("Usually <b>start</b>: runc creates the namespaces and cgroups, mounts the root filesystem and executes "
         "the program. Still no kernel boots: the longest phase is tens to hundreds of milliseconds.")

# %% [markdown]
# ## Key points
# - A container start is **create → start → run → exit → remove**; the runtime's namespace and cgroup set-up
#   (*start*) is usually the largest part, and the program runs within milliseconds of it.
# - **No kernel boots (커널 부팅 없음)**: runc alone starts an isolated process in tens of milliseconds; the engine and
#   CLI add bookkeeping on top. This is why containers are preferred for fast, light work.
# - Image size barely matters (layers are shared, copy-on-write); a network does (a bridge port per start).
# - Measure honestly: warm-up, many interleaved trials, medians with confidence intervals, ECDFs, outliers kept,
#   ratios rather than absolute times from one run, provenance with every result.
# - Many containers at once: throughput saturates with the CPU cores; an idle container costs little memory, mostly
#   the engine's shim.
#
# **Next:** [08 · VM vs container](08_vm_vs_container.ipynb): boot a real virtual machine and compare; after it,
# [09 · Overhead](09_overhead.ipynb) measures what a running container costs.
# See the [glossary (용어집)](99_glossary.ipynb) for every term.
