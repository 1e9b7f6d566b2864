# %% [markdown]
# # 08 · VM vs container: boot a real virtual machine and race it
#
# The lecture notes make one central comparison: a **hypervisor (하이퍼바이저)** runs a whole **guest OS
# (게스트 OS)** with a kernel of its own, which has to **boot (부팅)**, while a **container (컨테이너)**
# shares the **host's kernel (호스트 커널)** and boots nothing. So containers start fast (S3.7), and they
# cannot run a different kernel (S3.9). In this notebook you do not take that on trust: you boot a *real*
# virtual machine with QEMU on your own machine, time it, race it against a container, and set both beside
# published figures from the literature.
#
# **Learning objectives**
# - Boot a real **virtual machine (가상 머신, VM)** with QEMU and read what its own kernel reports.
# - Explain why a container starts faster: **kernel boot vs shared kernel (커널 공유)**.
# - Tell **emulation (에뮬레이션, TCG)** from **hardware acceleration (하드웨어 가속, KVM)**, and why it matters.
# - Read published boot figures correctly: only compare numbers with the **same metric definition (측정 정의)**.
# - Explain what **microVMs (마이크로 VM)** did to close the gap, and what that costs.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Two ways to run a guest: boot a kernel, or share one
# <small>Course map: S2.5 · S2.6 · S3.7</small>
#
# A **hypervisor** is a program that creates, runs and stops virtual machines, each with the CPU and memory you
# assign to it. The OS on the physical machine is the **host OS (호스트 OS)**; the OS inside a VM is a
# **guest OS**. Starting a VM means starting a *computer*: firmware, then a **kernel (커널)** that detects its
# (virtual) hardware and sets up memory, then the first process, `init`, with **PID 1**.
#
# A container is only an isolated **process** on the host. Its "start" is: the engine asks the already-running
# host kernel for new namespaces and cgroups, then runs the program. No kernel boots.
#
# vlab's VM is as small as a Linux VM can be, so the comparison is fair to the VM:
# - **QEMU** is the hypervisor, with the minimal `microvm` machine (no PCI bus, no disks, no network; it still boots
#   the tiny **qboot** firmware by default instead of a full BIOS, and no firmware at all only with `-bios none`);
# - the **guest kernel** is a real Linux kernel image from your `/boot` (or Debian's cloud kernel);
# - the **root filesystem** is an initramfs built a moment ago from the same static `busybox` the course's container
#   image uses, with an `/init` that prints one marker line (its uptime, its kernel release, its PID) and powers off.
#
# **Predict first (예측).** How many times as long as a container will this minimal VM take to run its first
# program? (1 = just as fast; 10 = ten times as long.)

# %%
predicted_vm_ratio = ...   # ← your prediction, e.g. 2, 10 or 100

# %% [markdown]
# **First by hand (glass box).** Which kernel does a container run? The Docker SDK starts one that prints
# `uname -r`, next to this notebook's own kernel. (The container has a memory and pids limit, no capabilities, no
# network, the vlab label, and is removed whatever happens.) The VM below will report its own.

# %%
import platform

import docker

from vlab.core import images, sandbox
from vlab.labs.vm import exercises

if mode.live:
    box = docker.from_env().containers.run(
        images.ensure(), ["uname", "-r"], detach=True, mem_limit="32m", pids_limit=16, cap_drop=["ALL"],
        network_mode="none", labels=sandbox.labels("glass box: uname"))
    try:
        box.wait(timeout=60)
        kernels = {"container": box.logs().decode().strip(), "host": platform.release()}
    finally:
        box.remove(force=True)
else:
    kernels, note = exercises.recorded_kernels()
    print(note)
print(f"container: {kernels['container']}   this notebook's host: {kernels['host']}")

# %% [markdown]
# vlab does this with more care: it compares with the kernel of the *engine's* host (on Docker Desktop a VM, not
# your laptop), times the container's create → start → exit over several trials, and records where it ran.
#
# Check what your machine has for the VM (the same checks as `vlab doctor`):

# %%
from vlab.labs.vm import boot, qemu, versus

for name, find in (("QEMU", qemu.find_qemu), ("guest kernel", qemu.find_kernel)):
    try:
        print(f"✓ {name}: {find()}")
    except Exception as exc:  # a VlabError with the fix
        print(f"✗ {name}: {exc}")

# %% [markdown]
# ## Emulation or hardware acceleration: TCG vs KVM
# <small>Course map: S2.9 · S2.6</small>
#
# A guest kernel's instructions must run on the real CPU somehow. The hypervisor acts as an
# **interpreter (통역가)** between the guest and the host:
# - **TCG** (Tiny Code Generator) is QEMU's **software emulation (소프트웨어 에뮬레이션)**: it translates blocks
#   of guest instructions into host instructions. It works everywhere, but a kernel boot is many times slower.
# - **KVM** is the Linux kernel's **hardware-assisted virtualization (하드웨어 가상화)**: the CPU runs guest code
#   directly (Intel VT-x / AMD-V) and only traps to the hypervisor for privileged operations.
#
# `/dev/kvm` existing is not enough: inside a cloud VM without *nested* virtualization it can open and still hang
# every guest. So vlab **probes** KVM by really booting a guest under a short timeout, and falls back to TCG.
# Every result says which accelerator it used. (The probe below boots a tiny guest for at most a few seconds.)

# %%
probe = qemu.kvm_probe() if not mode.replay else None
print("KVM works:" if probe is not None and probe.ok else "KVM probe:",
      probe.detail if probe is not None else "skipped in replay mode")

# %% [markdown]
# ## Boot a real VM, several times
# <small>Course map: S2.6 · S3.7</small>
#
# Each trial launches QEMU and measures, on the host with a nanosecond clock (`perf_counter_ns`):
# - **launch → marker**: QEMU process start until the guest's `/init` line appears on the serial console;
# - **guest uptime**: the guest kernel's *own* clock when `/init` ran (its `/proc/uptime`);
# - **before guest clock**: launch → marker minus guest uptime: QEMU start-up, loading and unpacking the kernel;
# - **total**: QEMU launch until the QEMU process exits after the guest powered off.
#
# In replay mode (no Docker here) the recorded boots of a real vlab run are shown instead. The terminal
# equivalent is `vlab bench vm --trials 5 --json vm.json`.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The VM boot measurement below repeats interleaved rounds until the 95 %
# confidence interval of every median is within ±5 % of it, or until its time budget is spent (20 s of boots; the
# median is launch → marker). The rule is fixed before the first trial and never looks at which configuration is
# ahead, so stopping early cannot choose a result; the precision each median reached and why the run stopped are
# printed and saved with the results ("budget spent" means more trials would have narrowed the interval). `trials=N`
# still runs exactly N.

# %%
vm = boot.boot_vm_or_recording(warmup=course.trials(1, 0))
if vm.replayed:
    print("REPLAYED recording:", vm.extra.get("why_replayed", "replay mode"))
print(boot.format_report(vm))

# %% [markdown]
# ## What only a VM can do: its own kernel and its own PID 1
# <small>Course map: S2.6 · S3.9 · S3.3</small>
#
# The VM's `/init` reported its kernel release and its PID. A container reports the same things; compare them.
# The container's `uname -r` is the **host's** kernel release, because there is only one kernel: the host's. The VM
# runs its **own** kernel, booted from the image QEMU loaded: it could be any version, or a different OS entirely.
# This is why a container cannot run a different OS (S3.9), and a VM can.

# %%
ct = versus.container_starts(trials=course.trials(10, 3), warmup=1)
g, c = boot.guest_facts(vm), ct.extra["container"]
print(f"VM:        kernel {g['kernel']:28s} PID of /init: {g['pid']}   PID 1 is: {g['pid1']}")
print(f"container: kernel {c['kernel']:28s} PID of its command: {c['pid']}")
print(f"host of the container engine: kernel {ct.extra['host_kernel']}")

# %% tags=["keep_output", "nbval-check-output"]
per_trial = vm.samples.pivot(index="trial", columns="phase", values="ms")
print("Inside the VM, /init is PID:", g["pid"])
print("Inside the container, the command is PID:", c["pid"])
print("The container's uname -r equals its host's kernel release:", ct.extra["same_kernel_as_host"])
print("The VM's own clock started after QEMU launched (guest uptime < launch → marker) in every trial:",
      bool((per_trial["guest_uptime"] < per_trial["launch_to_marker"]).all()))

# %% [markdown]
# Both see themselves as PID 1 (each in its own world), but for different reasons: the container's PID 1 comes from a
# **PID namespace (PID 네임스페이스)** on the shared host kernel, while the VM's PID 1 is the first process of a
# completely separate kernel. The last line is the kernel boot you can *see*: the guest's clock starts only when its
# kernel starts, after QEMU has launched and loaded it.

# %% [markdown]
# ## Side by side, on a log scale, with published figures
# <small>Course map: S3.1 · S3.7 · S2.6</small>
# <small>Figure counterpart: 하이퍼바이저컨테이너비교.png</small>
#
# The figure puts your container starts and your VM boots (labelled with the accelerator) at the top, then
# published figures, **grouped by metric definition**: "VMM launch → guest init signals" is not the same
# measurement as "docker run total" or "API call → init", so each grey heading is its own group. Compare within a
# group, not across groups. Every recorded number carries its source id, e.g. `[AGA20]`; the list of sources follows.
# A limit reads with its direction (`≤ 125 ms` is Firecracker's promise, not a measurement), a range is one bar with
# one label, and a mark such as `†1` points to a caveat printed under the plot. Only figures checked against their
# source are drawn. The axis is logarithmic: each grid line is ten times the previous one.

# %%
from vlab.plots.recorded import live_from_results, plot_boot_times
from vlab.labs.vm import recorded

figs = recorded.boot_figures(recorded.KEY_BOOT_GROUPS)
fig = plot_boot_times(figs, live_from_results(container=ct, vm=vm))

# %%
for sid in sorted(set(figs["source_id"])):
    print(recorded.cite(sid))

# %% [markdown]
# **Read it carefully.** Your VM row says *TCG* or *KVM*. A TCG boot is software emulation and is *not* comparable
# with the published hardware-accelerated figures; it shows how much work a kernel boot is when every instruction is
# translated. Your container row is the Docker SDK's create → start → exit, which is closest to, but not the same as,
# the published `docker run` and `docker events` rows.

# %% [markdown]
# ## Why the gap exists, and what microVMs did about it
# <small>Course map: S3.7 · S3.6 · S3.8 · S3.1</small>
#
# Where did your VM's time go? Split the median boot into *before the guest clock* (QEMU start-up, loading and
# unpacking the kernel) and *guest uptime* (the kernel booting itself, then `/init`).
#
# ### Exercise 1: where the VM's time goes
# `vm.samples` has one row per trial and phase (`phase`, `ms`). Write the code for the share of the VM's start that
# passes before its kernel's clock begins: the median of `before_guest_clock` divided by the median of
# `launch_to_marker` (a fraction between 0 and 1).

# %% tags=["exercise"]
share_before = ...   # median before_guest_clock / median launch_to_marker

# %%
exercises.check_boot_share(share_before, vm)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `vm.samples.groupby("phase")["ms"].median()` gives one median per phase.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
med = vm.samples.groupby("phase")["ms"].median()
share_before = med["before_guest_clock"] / med["launch_to_marker"]
exercises.check_boot_share(share_before, vm)

# %% [markdown]
# vlab's medians:

# %%
m = boot.medians(vm)
print(f"before the guest clock: {m['before_guest_clock']:8,.0f} ms   (hypervisor start-up, kernel load)")
print(f"guest kernel boot:      {m['guest_uptime']:8,.0f} ms   (the guest's own clock at /init)")
print(f"launch → marker:        {m['launch_to_marker']:8,.0f} ms   accelerator: {vm.extra['accelerator'].upper()}")
print(f"container create → exit: {versus.medians(ct)['total']:7,.0f} ms   (no kernel boots)")

# %% [markdown]
# - **Kernel boot vs shared kernel.** A VM's start includes a full kernel boot: decompressing the kernel, probing
#   (virtual) devices, setting up memory management, then `init`. A container's start is a few system calls on a
#   kernel that is already running, so it has nothing to boot (S3.7).
# - **Emulation vs hardware acceleration.** Under TCG every guest instruction is translated, so the same boot takes
#   seconds; with KVM the guest runs on the CPU directly and the same kernel boots in a fraction of that.
# - **What microVMs changed.** Firecracker, Cloud Hypervisor and QEMU's own `microvm` machine removed what a
#   general-purpose VM carries: a full BIOS or UEFI firmware (Firecracker enters the kernel directly; QEMU's
#   `microvm` boots the tiny qboot firmware unless given `-bios none`), PCI enumeration, emulated legacy devices. With a minimal guest kernel, Firecracker and Cloud Hypervisor reach launch → init in a couple of
#   hundred milliseconds or less (the table below, source [AGA20]; read the caveat on its QEMU `microvm` row). These
#   are VM-boot measurements on a bare-metal server; a container start is a different measurement in a different
#   group, so the published figures cannot rank the two. Your own race below can: one machine, one clock.
# - **What it costs.** Each microVM still boots and runs its own kernel and carries a VMM (virtual machine monitor,
#   the hypervisor process), so it uses more
#   memory than a container and can never skip the boot; it offers fewer devices (no USB, no GPU, a few virtio
#   devices) and needs real hardware virtualization (KVM) to be fast. In return the hypervisor boundary is stronger
#   isolation than a shared kernel (S3.8), which is why serverless platforms run containers *inside* microVMs.

# %%
published = recorded.display_table(recorded.boot_figures(["launch_to_guest_exit_wallclock"]))
published[["system", "kind", "figure", "stat", "source_id", "caveat"]]

# %% [markdown]
# ## Race: a container and a VM, started at the same moment
# <small>Course map: S3.7 · S3.1</small>
#
# Press the button. vlab starts a sandboxed container and launches a VM **at the same instant** (two threads released
# together), and you watch both lanes: the container's create → start → exit, and the VM's kernel console lines until
# its `/init` reports. The measured times appear at the end. Without QEMU, or in replay mode, the widget replays
# recorded runs at their recorded pace, and says so. Press it again to race again: the numbers vary a little.

# %%
from vlab.widgets.race import RaceWidget

RaceWidget()

# %% [markdown]
# ## Exercise 2: your VM against your container
# <small>Course map: S3.7 · S3.1</small>
#
# Write the code that divides the median VM start (`launch_to_marker` in `vm.samples`) by the median container
# start (`total` in `ct.samples`).

# %% tags=["exercise"]
vm_ratio = ...   # median VM launch_to_marker / median container total

# %%
exercises.check_vm_ratio(vm_ratio, vm, ct)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `vm.samples.query("phase == 'launch_to_marker'")["ms"].median()`, and the same for `ct` with `phase == 'total'`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
vm_ratio = (vm.samples.query("phase == 'launch_to_marker'")["ms"].median()
            / ct.samples.query("phase == 'total'")["ms"].median())
exercises.check_vm_ratio(vm_ratio, vm, ct)

# %% [markdown]
# vlab's comparison adds a bootstrap confidence interval of the ratio and explains it; then your prediction from
# the top of the notebook against your measurement:

# %%
result = versus.compare(ct, vm)
print(result)
print(result.explanation)
print(exercises.compare_prediction(predicted_vm_ratio, vm, ct))

# %% [markdown]
# ## Key points
# - A **VM boots a kernel of its own**; a **container shares the host kernel** and boots nothing. That alone explains
#   most of the start-up gap (S3.7): your VM reported its own kernel and PID 1, your container reported the host's
#   kernel release (S2.6, S3.9).
# - **TCG is emulation, KVM is hardware acceleration**: always say which one a VM number used. TCG boots are slower by
#   a large factor and must not be compared with hardware figures as if alike.
# - Published figures measure different things: compare only within one **metric definition**, and cite the source.
# - **MicroVMs (마이크로 VM)** (Firecracker, Cloud Hypervisor, QEMU microvm) cut firmware and devices; with KVM the
#   fastest boot from VMM launch to guest init in a couple of hundred milliseconds [AGA20] (a VM-boot measurement,
#   not one to rank against a container-start figure), at the cost of a kernel and a VMM per guest; in return they
#   isolate more strongly than a shared kernel (S3.8).
#
# **Next:** [09 · Overhead: what a container costs compared with native](09_overhead.ipynb).
# See the [glossary (용어집)](99_glossary.ipynb) for every term.
