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
#
# **Predict first (예측).** Before you measure: which of the four phases `"create"`, `"start"`, `"exit"`,
# `"remove"` will take longest? And how many milliseconds will a **bridge network** (a virtual network switch,
# explained below) add to a start? Write both down.

# %%
predicted_longest = ...          # ← "create", "start", "exit" or "remove"
predicted_bridge_extra_ms = ...  # ← a number of milliseconds

# %% [markdown]
# **First by hand (glass box).** One start, timed with nothing but the SDK's low-level API and the stopwatch: the
# container runs `true` with a memory and pids limit, no capabilities, no network, the vlab label, and is removed
# whatever happens.

# %%
import time

import docker

from vlab.core import images, sandbox
from vlab.labs.start_time import exercises

if mode.live:
    api, image = docker.from_env().api, images.ensure()
    host = api.create_host_config(mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none")
    t = [time.perf_counter_ns()]
    box = api.create_container(image, ["true"], host_config=host, labels=sandbox.labels("glass box: start phases"))
    try:
        t.append(time.perf_counter_ns()); api.start(box); t.append(time.perf_counter_ns())
        api.wait(box, timeout=60); t.append(time.perf_counter_ns())
    finally:
        api.remove_container(box, force=True); t.append(time.perf_counter_ns())
    phases = {p: (b - a) / 1e6 for p, a, b in zip(["create", "start", "exit", "remove"], t, t[1:], strict=False)}
else:
    phases, note = exercises.recorded_trial()
    print(note)
print({p: f"{ms:.1f} ms" for p, ms in phases.items()})

# %% [markdown]
# One trial says little on a shared machine. vlab does this with more care: a warm-up round, many trials of
# several configurations interleaved in a shuffled order, the container's own clock (`running`) and the daemon's
# event clock as checks, the harness's own bookkeeping timed apart, statistics with confidence intervals, removal
# on Ctrl-C, and the provenance of every number.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** Each measurement below repeats interleaved rounds until the 95 %
# confidence interval of every median is within ±5 % of it, or until its time budget is spent (20 s for the
# configurations, 12 s for the ladder). The rule is fixed before the first trial and never looks at which
# configuration is ahead, so stopping early cannot choose a result; the precision each median reached and why the run
# stopped are printed and saved with the results ("budget spent" means more trials would have narrowed the interval).
# `trials=N` still runs exactly N.

# %%
from vlab.labs import start_time
from vlab.plots import start_time as startplots

res = start_time.measure_start()
measured = res.samples.query("phase == 'total' and not warmup")
print("measured trials per configuration:", measured.groupby("config").size().to_dict())

# %% tags=["keep_output", "nbval-check-output"]
print("host-clock phases:", ", ".join(p for p in start_time.HOST_PHASES if p in set(res.samples["phase"])))
print("second clock:", ", ".join(p for p in start_time.DAEMON_PHASES if p in set(res.samples["phase"])))

# %% [markdown]
# ### Exercise 1: median and p95 with pandas
# `res.samples` has one row per trial and phase: `config`, `trial`, `warmup` (True for the warm-up round),
# `phase` and `ms`. Write the pandas code that gives the **median** and the **p95** (95th percentile) of the
# `start` phase in the `baseline` configuration, warm-up rows left out.

# %% tags=["exercise"]
start = ...       # the `ms` of the baseline configuration's `start` phase, warm-up excluded (a Series)
median_ms = ...
p95_ms = ...

# %%
exercises.check_start_stats(median_ms, p95_ms, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `res.samples.query("config == 'baseline' and phase == 'start' and not warmup")["ms"]` selects the times; a Series
# has `.median()` and `.quantile(0.95)`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
start = res.samples.query("config == 'baseline' and phase == 'start' and not warmup")["ms"]
median_ms = start.median()
p95_ms = start.quantile(0.95)
exercises.check_start_stats(median_ms, p95_ms, res)

# %% [markdown]
# vlab's summary: the **median** of each phase per configuration (the next section explains the configurations).

# %%
print(start_time.format_summary(res))

# %% [markdown]
# Every median comes with more statistics; here they are for the baseline configuration. Each line
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
# ### Exercise 2: what does a bridge cost?
# From `res.samples`, compute the median `total` of the `network:bridge` configuration divided by the median
# `total` of the `baseline` (warm-up excluded), and the extra milliseconds (bridge median − baseline median).

# %% tags=["exercise"]
ratio = ...      # median total with a bridge / median total of the baseline
extra_ms = ...   # median total with a bridge − median total of the baseline

# %%
exercises.check_bridge_ratio(ratio, extra_ms, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `totals = res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()` gives one
# median per configuration; `totals["network:bridge"]` and `totals["baseline"]` are the two you need.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
totals = res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()
ratio = totals["network:bridge"] / totals["baseline"]
extra_ms = totals["network:bridge"] - totals["baseline"]
exercises.check_bridge_ratio(ratio, extra_ms, res)

# %% [markdown]
# vlab's table gives the same **ratio of medians (중앙값 비율)** for every configuration against the baseline,
# with a bootstrap 95 % CI. A CI that contains 1.0 means this run cannot tell the two apart. And your predictions
# from the top of the notebook, against your own measurement:

# %%
print(exercises.compare_predictions(predicted_longest, predicted_bridge_extra_ms, res))
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
ladder = start_time.measure_ladder()
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
# A server rarely starts one container. vlab starts *k* idle containers at the same time (k = 1, 2, 4, 8, 16 here,
# about 15 s; `vlab bench start --concurrency` goes on to 64) and measures **containers per second (초당 컨테이너 수)**, the start latency of each one (p50, p95),
# and, read from the host while they idle, the **memory per container**: what its cgroup is charged (`cgroup_kib`,
# the container's own process) and the proportional memory of its `containerd-shim` process (`shim_kib`, the
# engine's per-container helper). `host_delta_kib` is the drop of the host's available memory divided by k: the
# honest total, but noisy on a busy machine.

# %%
conc = start_time.measure_concurrency(levels=[2**i for i in range(course.trials(5, 3))])  # k = 1 … 16
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
# **Two claims that always hold on your own data.** Every timed phase is positive (time only moves forward), and
# the four host phases add up to the total: they are consecutive intervals of one clock, so the difference may only
# be float rounding, far below 0.01 ms. Run the cell: it checks every trial above.

# %% tags=["keep_output", "nbval-check-output"]
check = start_time.self_check(res)
assert check["phases_positive"], "a phase came out zero or negative"
assert check["adds_up"], f"phases differ from the total by {check['max_difference_ms']} ms"
print("every phase positive:", check["phases_positive"])
print(f"create + start + exit + remove = total within {check['tolerance_ms']} ms:", check["adds_up"])

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
