# %% [markdown]
# # 04 · Hypervisors: host OS, guest OS, kernels and system calls
#
# A **hypervisor (하이퍼바이저)** is the first way to build isolated computers inside one computer.
# To see what it really does, and why it costs something, we need one idea from operating systems:
# programs never touch the hardware; they ask the **kernel (커널)** through **system calls (시스템 콜)**.
#
# **Learning objectives**
# - Say what a hypervisor does, and tell the **host OS (호스트 OS)** from a **guest OS (게스트 OS)**.
# - Tell a type-1 hypervisor from a type-2 one, with examples (VMware, VirtualBox, KVM/QEMU, Hyper-V, Xen).
# - Explain how a process gets CPU and memory: through the kernel's **system calls**; watch the kernel
#   count them live, for a program on the host and the same program in a container.
# - Explain why different OSes have different system-call tables (so a container cannot run another OS's programs),
#   and why the hypervisor is an **interpreter (통역가)** of *hardware access*, not of system calls.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Hypervisor, host OS and guest OS
# <small>Course map: S2.6</small>
# <small>Figure counterpart: 하이퍼바이저.png</small>
#
# A **hypervisor** is a program installed on a computer that **creates, runs and stops virtual OSes**.
# When you create one, you say how many CPU cores and how much memory it gets, and the hypervisor
# carves that isolated space out of the real machine.
# - The OS installed on the physical machine is the **host OS (호스트 OS)**.
# - An OS installed and running inside is a **guest OS (게스트 OS)**; the whole guest computer is called
#   a **virtual machine (VM, 가상 머신)**.

# %%
from vlab.plots import concepts

concepts.hypervisor();

# %% [markdown]
# ## Type 1, type 2, and the hypervisors you know
# <small>Course map: S2.10 · S2.6</small>
#
# - A **type-1 hypervisor (타입 1 하이퍼바이저)**, also called bare-metal, runs directly on the hardware:
#   VMware ESXi, Xen, Microsoft Hyper-V. Data centres use these.
# - A **type-2 hypervisor (타입 2 하이퍼바이저)**, also called hosted, is an ordinary program on a host OS:
#   **VirtualBox**, **VMware** Workstation/Fusion, QEMU. This is what you install on a laptop.
# - Linux's **KVM** turns the Linux kernel itself into a hypervisor; QEMU provides the virtual devices.
#   [08 · VM vs container](08_vm_vs_container.ipynb) boots a real VM with QEMU.
#
# Click through the **stack explorer**: pick a stack, then click any layer to see what it does (English
# and Korean). Compare how many kernels sit between an app and the hardware.

# %%
from vlab.widgets.stack import StackView

StackView("type-2 hypervisor")

# %% [markdown]
# Which hypervisor pieces does *this* machine have? (An honest look: installed programs and the
# KVM device, not a guess.)

# %%
import os
import shutil

for name in ("qemu-system-x86_64", "VBoxManage", "vmware", "virsh"):
    print(f"{name:20s} {'installed' if shutil.which(name) else 'not installed'}")
print(f"{'/dev/kvm':20s} {'present (hardware virtualization exposed)' if os.path.exists('/dev/kvm') else 'absent'}")

# %% [markdown]
# ## Kernel and system calls
# <small>Course map: S2.7</small>
# <small>Figure counterpart: 하이퍼바이저실행방법.png</small>
#
# To run, a process needs CPU time and memory, and it can get them **only through the OS**. The OS's
# **kernel (커널)** is the one piece of software that drives the hardware; it defines a standard set of
# **system calls (시스템 콜)**, numbered requests such as `read`, `write`, `mmap` or `getpid`.

# %%
concepts.syscalls_through_os();

# %% [markdown]
# A system call really is a *number* handed to the kernel. The plain interface first: Python's `ctypes` calls the
# C library's raw `syscall()` function with the number of `getpid` on Linux x86-64 (39), without the usual
# `os.getpid()`:

# %%
import ctypes
import platform

if platform.machine() == "x86_64":
    libc = ctypes.CDLL(None, use_errno=True)
    print("syscall(39) returned", libc.syscall(39), "and os.getpid() is", os.getpid())
else:
    print(f"this CPU is {platform.machine()}: getpid has another number here (the next cell looks it up)")

# %% [markdown]
# vlab does this with more care: `syscalls.raw_getpid()` looks the number up for this CPU architecture and
# checks the call.

# %%
from vlab.labs import syscalls

number, pid = syscalls.raw_getpid()
print(f"system call number {number} returned {pid}")

# %% tags=["keep_output", "nbval-check-output"]
print("raw system call agrees with os.getpid():", syscalls.getpid_matches())

# %% [markdown]
# Now let the kernel **count** system calls. The same static busybox `dd` copies `n` single bytes,
# one `read()` and one `write()` per byte, first directly on the host, then inside a container. The
# kernel keeps per-process counters (`syscr` for reads, `syscw` for writes, in `/proc/<pid>/io`). Live, this
# runs on your machine with the `n` you ask for; in replay mode it shows a real recorded run, whose `n` may
# differ (the `n` column says).
#
# The plain interface first: the counters for this notebook's own process, before and after 1000 `os.write` calls.

# %%
from pathlib import Path


def io_counters():
    return {k: int(v) for k, v in (line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())}


fd = os.open(os.devnull, os.O_WRONLY)
before = io_counters()
for _ in range(1000):
    os.write(fd, b"x")
after = io_counters()
os.close(fd)
print("write() calls the kernel counted for this loop:", after["syscw"] - before["syscw"])

# %% [markdown]
# vlab does this with more care: `syscalls.count_syscalls` runs the same static `dd` on the host and in a sandboxed
# container, reads the counters of exactly that process, and in replay mode returns a recorded run.
#
# **Predict first.** `dd` copies `n = 2000` bytes one at a time **inside a container**. How many `write()` calls will
# the host kernel count for it? (Think: does the container add calls of its own?) In replay mode compare with the
# recorded `n` instead.

# %%
predicted_writes = None  # ← your prediction, a number

# %%
counts = syscalls.count_syscalls(n=2000)
counts.summary

# %%
from vlab.labs import hypervisors

print(hypervisors.compare_syscall_prediction(predicted_writes, counts))

# %% tags=["keep_output", "nbval-check-output"]
for where, ok in syscalls.counted_at_least_n(counts).items():
    print(f"{where:9s}: kernel counted at least one read() and one write() per byte: {ok}")
print("both counted by the same kernel:", counts.extra["same_kernel"])

# %% [markdown]
# The container's `dd` made the same calls, counted by the **same host kernel**: a container has no
# kernel of its own. In a VM, these calls would go to the guest's kernel, and the host would only see
# the hypervisor's requests.

# %% [markdown]
# ## Different OSes, different system calls
# <small>Course map: S2.8 · S3.9</small>
#
# Every OS defines its own system calls. Even when two OSes have a call with the same *name*, the
# *numbers* and details differ: `write` is call 1 on Linux x86-64 but call 4 on macOS and FreeBSD, and
# on Linux even the CPU architecture changes the table. (Windows renumbers its calls between builds.)
# A program built for one kernel's table cannot simply ask another kernel.
#
# This is why a **container cannot run another OS's programs** (S3.9): a container's program makes its system calls
# straight to the host kernel, so it must be built for that kernel. It *can* run another Linux **distribution** (an
# Alpine image on a Debian host): every distribution is the same Linux kernel's system calls underneath. "Cannot run
# another OS" means another **kernel** (Windows, macOS, FreeBSD).

# %%
syscalls.SYSCALL_NUMBERS

# %% tags=["keep_output", "nbval-check-output"]
t = syscalls.SYSCALL_NUMBERS
linux, mac = t[(t.os == "Linux") & (t.arch == "x86-64")].iloc[0], t[t.os == "macOS"].iloc[0]
print(f"write(): Linux x86-64 call {linux.write}, macOS call {mac.write}; same number: {linux.write == mac.write}")

# %% [markdown]
# ## The hypervisor as interpreter (통역가)
# <small>Course map: S2.9 · S2.7</small>
# <small>Figure counterpart: 하이퍼바이저실행방법2.png</small>
#
# A guest OS in a VM has its own kernel, maybe a different OS from the host. The hypervisor does **not** translate
# the guest's system calls: a guest app's system calls go to the **guest kernel**, with the guest's own table, and
# never reach the hypervisor. What the hypervisor virtualizes is **hardware**: the guest kernel drives *virtual*
# hardware (a virtual disk, a virtual network card), and the hypervisor interprets those hardware accesses. That is
# the interpreter (통역가) of the lecture notes: an interpreter of **hardware access**.
#
# Where the hardware access ends up depends on the type:
# - a **hosted (type-2)** hypervisor such as VirtualBox or QEMU is a program on the host OS, so the guest's disk
#   write does in the end become **host system calls** (write to the disk-image file);
# - a **type-1** hypervisor (ESXi, Xen, Hyper-V) runs on the hardware itself: there is no host OS whose system calls
#   it could use; it drives the devices itself (or through a management VM).
#
# On modern CPUs (Intel VT-x, AMD-V) the guest kernel runs directly on the CPU; the hypervisor steps in when the
# guest touches devices or memory the host must provide (a *VM exit*). Pure computing runs at nearly native speed;
# I/O pays for the extra layer.

# %%
concepts.hypervisor_translates();

# %% [markdown]
# Follow one request yourself. Pick an operation and where the app runs; costs are attached where
# vlab has measured them (the counts above, and the overhead lab's recorded container/native ratios).

# %%
from vlab.widgets.syscall_path import SyscallPathView

SyscallPathView("read a file", "virtual machine", results={"syscalls": counts})

# %% [markdown]
# ## Exercise 1: the calls beyond one per byte
# <small>Course map: S2.7</small>
#
# `counts.summary` has one row per place `dd` ran (`where`: native or container) with `n` (bytes copied), `syscr`
# (read calls) and `syscw` (write calls). Compute a dict `{where: syscr + syscw - 2 * n}`: how many calls each `dd`
# made beyond one `read()` and one `write()` per byte.

# %% tags=["exercise"]
s = counts.summary
extra = ...  # ← a dict {where: calls beyond 2 per byte}, one entry per row of s

# %%
hypervisors.check_extra_calls(extra, counts)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Loop over the rows: `{r.where: r.syscr + r.syscw - 2 * r.n for r in s.itertuples()}`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
extra = {r.where: int(r.syscr + r.syscw - 2 * r.n) for r in s.itertuples()}
hypervisors.check_extra_calls(extra, counts)

# %% [markdown]
# ## Exercise 2: read the kernel's counter yourself
# <small>Course map: S2.7</small>
#
# Write `syscw_of(pid)`: read `/proc/<pid>/io` and return the number on the line `syscw: …` as an `int`. The checker
# calls it on this notebook's own process (`"self"`), makes 100 `write()` calls and checks that your counter grew.

# %% tags=["exercise"]
def syscw_of(pid):
    text = Path(f"/proc/{pid}/io").read_text()
    return ...  # ← the int after "syscw:" in text


# %%
hypervisors.check_io_reader(syscw_of)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `text.splitlines()` gives lines like `"syscw: 1234"`; find the one that starts with `"syscw:"`, split it at `":"`
# and convert the second part with `int()` (it ignores the space).
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
def syscw_of(pid):
    text = Path(f"/proc/{pid}/io").read_text()
    return next(int(line.split(":")[1]) for line in text.splitlines() if line.startswith("syscw:"))


hypervisors.check_io_reader(syscw_of)

# %% [markdown]
# ## Key points
# - A **hypervisor (하이퍼바이저)** creates, runs and stops virtual machines with the CPU and memory you
#   assign. The physical machine runs the **host OS**; each VM runs a **guest OS**.
# - A **type-1 hypervisor (타입 1 하이퍼바이저)** runs on the hardware (ESXi, Xen, Hyper-V); a **type-2
#   hypervisor (타입 2 하이퍼바이저)** runs on a host OS (**VirtualBox**, **VMware** Workstation).
# - Processes get resources only through the **kernel**, by **system calls**; you watched the kernel
#   count them, and the container's calls were counted by the same host kernel.
# - Different OSes have different system-call tables: a container's programs must be built for the host's kernel
#   (another Linux distribution is fine, another OS is not).
# - A hypervisor virtualizes **hardware**: guest system calls stay in the guest kernel, and the hypervisor is the
#   **interpreter (통역가)** of the guest's hardware access. Only a hosted (type-2) hypervisor turns that into host
#   system calls; that layer costs time on I/O.
#
# **Next:** [05 · Namespaces: how containers see their own world](05_namespaces.ipynb) ·
# [Glossary · 용어집](99_glossary.ipynb)
