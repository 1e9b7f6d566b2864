# %% [markdown]
# # 10b · The isolation spectrum: process → container → gVisor sandbox → VM (격리 스펙트럼)
#
# **Learning objectives.** After this notebook you can
# - place four ways of running a program on one line, from least to most isolated: a plain **process (프로세스)**,
#   a **runc container (컨테이너)**, a **gVisor sandbox (샌드박스)** and a **virtual machine (가상 머신)**;
# - say, for each, **what stands between the program and the host kernel (호스트 커널)**;
# - measure on your own machine what each costs: start time, **system-call cost (시스템 콜 비용)**, CPU cost and
#   memory per instance, and read which **kernel (커널)** each one sees;
# - explain the **trade-off (트레이드오프)** each design makes, and check it against gVisor's published figures.
#
# Notebook 10 ended with two poles: a container shares the host kernel (light, weaker isolation), a VM boots its
# own (heavy, stronger isolation). In between sits the **sandboxed container**: gVisor gives each container its
# own kernel, written in Go and running as an ordinary user-space process (the **Sentry**). The container's
# system calls go to the Sentry, not to the host kernel; the Sentry itself uses only a small, filtered set of
# host system calls. It is the lecture's "translator" (통역가, S2.9) idea, inside a container.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## What stands between the program and the host kernel
# <small>Course map: S3.8 · S2.9</small>
#
# | | what runs the program's system calls | what stands between it and the host kernel |
# |---|---|---|
# | process | the host kernel | nothing |
# | runc container | the host kernel | namespaces, cgroups, dropped capabilities, a seccomp filter |
# | gVisor sandbox | the Sentry, a user-space kernel | the Sentry (its own kernel) + a seccomp filter on the Sentry; files through a separate process (the Gofer) |
# | QEMU VM | the guest's own Linux kernel | a whole guest kernel + the VMM (QEMU) and, with KVM, the CPU's virtualization extensions |
#
# gVisor needs a way to catch each system call of the program: its **platform (플랫폼)**. `ptrace` (the oldest,
# works everywhere, slowest), `systrap` (newer and faster; it replaced `ptrace` as the default) or `kvm` (uses the CPU's
# virtualization extensions). The set-up (`./course.sh prepare` on Debian/Ubuntu as root) registers gVisor with
# Docker as the runtime `runsc`, with `systrap` where the installed gVisor has it, `ptrace` otherwise.

# %% [markdown]
# **First by hand (glass box).** The only difference from every container so far is one argument:
# `runtime="runsc"`. Same image, same limits, same label. If gVisor is not registered here, this cell says so.

# %%
import docker

from vlab.core import images, sandbox
from vlab.labs import spectrum

if mode.live:
    client = docker.from_env()
    for runtime in ("runc", "runsc"):
        try:
            out = client.containers.run(
                images.ensure(), ["sh", "-c", "uname -r; dmesg 2>&1 | head -n 1"], runtime=runtime, remove=True,
                mem_limit="64m", pids_limit=512, cap_drop=["ALL"], network_mode="none",
                labels=sandbox.labels(f"glass box: {runtime}"))
            print(f"{runtime:6s} →", " | ".join(out.decode().split("\n")[:2]))
        except docker.errors.APIError as exc:
            print(f"{runtime:6s} → does not run here: {exc.explanation}")
else:
    print("Replay mode: no engine here; the measurements below are recorded ones.")

# %% [markdown]
# Under runc, `uname -r` is the host's kernel and `dmesg` is refused (the host's kernel log is not the
# container's business). Under gVisor, `uname -r` answers a release the Sentry *claims* to be, and `dmesg`
# shows the Sentry's own (playful) boot log, starting with "Starting gVisor...": a different kernel answered.

# %% [markdown]
# ## Predict first
#
# gVisor's Sentry catches every system call and serves it itself. A **system call (시스템 콜)** in a plain
# process costs well under a microsecond. Before measuring, write down your guesses:
# - how many times slower is one system call inside a **runc container** than in a plain process?
# - and inside the **gVisor sandbox**?
# - and a CPU loop with no system calls at all, in the gVisor sandbox?

# %%
my_guess = {
    "syscall: runc ÷ process": None,     # e.g. 1.5
    "syscall: gVisor ÷ process": None,   # e.g. 3
    "cpu: gVisor ÷ process": None,       # e.g. 1.2
}

# %% [markdown]
# ## Measure the spectrum
# <small>Course map: S3.1 · S3.6 · S3.8</small>
#
# `spectrum.measure_spectrum()` runs, interleaved in a seeded random order so that a busy moment of your machine
# hits every place alike: the start (process: fork/exec of `true`; containers: create → start → wait → remove;
# VM: QEMU launch → its own `/init` reports), a `dd bs=1` loop (one `read` + one `write` per byte, so the time
# per byte ÷ 2 is the cost of one system call), and an `awk` loop (pure CPU). Then it starts idle instances and
# reads their memory from the host. The VM boots last (under TCG software emulation where KVM does not work:
# labelled). Where gVisor is not installed it replays the recording and says how to go live.

# %%
res, note = spectrum.measure_or_recording()
if note:
    print(note)
print(f"gVisor platform: {res.extra.get('platform')} · VM: {res.extra.get('vm', {}).get('accel', 'not measured')}")
spectrum.table(res)

# %% [markdown]
# Each number is a median. `—` means not measured in that place (a VM's system-call loop under software
# emulation would time the emulator, not the design). Now compare with your guesses:

# %%
ratios = {
    "syscall: runc ÷ process": spectrum.factor(res, "syscall", "runc"),
    "syscall: gVisor ÷ process": spectrum.factor(res, "syscall", "gvisor"),
    "cpu: gVisor ÷ process": spectrum.factor(res, "cpu", "gvisor"),
    "start: gVisor ÷ runc": spectrum.factor(res, "start", "gvisor", "runc"),
    "memory: gVisor ÷ runc": spectrum.factor(res, "memory", "gvisor", "runc"),
}
for k, v in ratios.items():
    guess = my_guess.get(k)
    print(f"{k:28s} measured {v:7.2f}×" + (f"   your guess {guess}×" if guess is not None else ""))

# %% [markdown]
# Read the pattern, not the digits:
# - **CPU** work needs no kernel: the arithmetic runs directly on the CPU in every design, so none of them adds a
#   cost per instruction (differences of a few tens of percent on a busy shared machine are noise: rerun and
#   they move). Isolation is paid at the *boundary*, when the program asks the kernel for something.
# - **System calls** cost about the same in runc (its seccomp filter runs on each one, but that is cheap) and
#   *much* more in gVisor: on the `ptrace` platform every system call stops the program, wakes the Sentry,
#   and resumes the program.
# - **Start** is slower for gVisor: it boots the Sentry and the Gofer before your program runs; the VM boots a
#   whole kernel.
# - **Memory** per instance grows along the line: a process is about a MiB; a runc container is that process;
#   a gVisor sandbox carries the Sentry (a Go program with its own memory manager) and the Gofer; a VM carries a
#   whole guest kernel and QEMU.

# %% [markdown]
# ## What each one sees
#
# The same commands, run as a plain process on the host, in the runc container and in the gVisor sandbox.
# (A command that would change the host is only run inside the sandboxes.)

# %%
spectrum.sees_table(res)

# %% tags=["keep_output", "nbval-check-output"]
check = res.extra["self_check"]
print("runc container sees the host's kernel:", check["runc_sees_host_kernel"])
print("gVisor sandbox sees a kernel release different from the host's:", check["gvisor_sees_other_kernel"])

# %% [markdown]
# The gVisor sandbox reports a kernel release that is not the host's, has a much smaller `/proc`, no
# `/proc/kallsyms` or `/proc/modules`, and refuses `adjtimex` even for reading the clock: a kernel that
# implements the system calls applications need, and not the rest. That is also its compatibility cost: a
# program that needs a system call gVisor does not implement fails there.

# %% [markdown]
# ### Self-check on your data
# The lesson's two claims, asserted on the measurements above (live or replayed): the sandbox runs on a kernel
# that is not the host's, and its system calls cost more than a runc container's.

# %%
assert check["gvisor_sees_other_kernel"], check
assert check["gvisor_syscalls_costlier"], check
print(f"✓ gVisor sees kernel {check['gvisor_kernel']} (host: {check['host_kernel']}); one system call costs "
      f"{check['syscall_factor_gvisor']:.1f}× a process's in gVisor vs {check['syscall_factor_runc']:.2f}× in runc.")

# %% [markdown]
# ## Published figures: gVisor's own benchmarks
# <small>Course map: S3.6 · S3.8</small>
#
# gVisor's performance guide publishes the same comparison, measured by the gVisor team (GCE n1-standard-4,
# Debian 9, kernel 4.19; source in the last column). Their machine and method differ from yours, so compare the
# *factors*, not the numbers. Note the platform: on `ptrace` their raw system call is about 20× runc's, on the
# KVM platform it is *faster* than runc's: the platform is the biggest single choice in gVisor's performance.
# Kata Containers, the other sandboxed-container design, runs each container in a lightweight VM with its own
# guest kernel: the far right of this line, with a container's interface.

# %%
spectrum.published()

# %% [markdown]
# ## The trade-off of each design
#
# - **Process**: no isolation beyond users and permissions; nothing to pay.
# - **runc container**: isolation by *restricting* what the host kernel shows and allows (namespaces, cgroups,
#   capabilities, seccomp). Almost free, but every system call still reaches the host kernel: a kernel bug is
#   reachable from inside (10 · Security).
# - **gVisor sandbox**: isolation by *reimplementing* the kernel in user space. A bug in the Sentry is not a bug in
#   the host kernel, and the Sentry's own host system calls are few and filtered. You pay on each system call,
#   at start-up, in memory, and in compatibility.
# - **VM**: isolation by *virtualizing the hardware*: a whole guest kernel, with the CPU's help. The strongest
#   boundary (S3.8) and the heaviest: a kernel to boot and memory for it (S3.6, S3.7).

# %% [markdown]
# ## Race the three
#
# One button starts a runc container, a gVisor sandbox and a QEMU VM at the same instant. Live where all three
# work here; otherwise recorded runs replayed at their recorded pace (the widget says which).

# %%
from vlab.widgets.race import RaceWidget

RaceWidget()

# %% [markdown]
# ## Key points
# - Between the **container** and the **VM** sits the **sandboxed container**: gVisor gives each container its
#   own **user-space kernel (the Sentry)**; Kata Containers gives each one a lightweight VM.
# - What stands between the program and the host kernel: nothing (process); filters on the shared kernel (runc);
#   a kernel of its own in user space (gVisor); a guest kernel and a VMM (VM).
# - **CPU work costs the same** in every design; isolation is paid at the **system-call boundary**, at **start**,
#   and in **memory per instance**, and it grows along the line.
# - gVisor's cost depends on its **platform**: `ptrace` makes every system call expensive; `systrap` and `kvm`
#   much less so.
#
# **Next:** [11 · Review](11_review.ipynb): a quiz across the whole course. · [Glossary · 용어집](99_glossary.ipynb)
