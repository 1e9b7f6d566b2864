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
# - Explain why different OSes have different system calls, and why the hypervisor acts as an
#   **interpreter (통역가)** between the guest kernel and the host kernel.

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
# A system call really is a *number* handed to the kernel. Here Python asks the kernel for its
# process ID by number, through the C library's raw `syscall()` function, without the usual `os.getpid()`:

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
# differ (the `n` column says). A few extra calls come from `dd` starting up and finishing.

# %%
counts = syscalls.count_syscalls(n=2000)
counts.summary

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
# <small>Course map: S2.8</small>
#
# Every OS defines its own system calls. Even when two OSes have a call with the same *name*, the
# *numbers* and details differ: `write` is call 1 on Linux x86-64 but call 4 on macOS and FreeBSD, and
# on Linux even the CPU architecture changes the table. (Windows renumbers its calls between builds.)
# A program built for one kernel's table cannot simply ask another kernel.

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
# A guest OS in a VM has its own kernel, maybe a different OS from the host. To use the server's real
# hardware, its requests must in the end become the **host OS's system calls**. The **hypervisor**
# sits between the two kernels and interprets: the guest kernel talks to *virtual* hardware (a
# virtual disk, a virtual network card), and the hypervisor turns those requests into host system
# calls (read the disk-image file, write to a virtual network device on the host).
#
# One honest detail: on modern CPUs (Intel VT-x, AMD-V) the guest kernel handles its own apps'
# system calls directly on the CPU; the hypervisor steps in when the guest touches devices or memory
# the host must provide (a *VM exit*). Pure computing runs at nearly native speed; I/O pays for the
# extra layer.

# %%
concepts.hypervisor_translates();

# %% [markdown]
# Follow one request yourself. Pick an operation and where the app runs; costs are attached where
# vlab has measured them (the counts above, and the overhead lab's recorded container/native ratios).

# %%
from vlab.widgets.syscall_path import SyscallPathView

SyscallPathView("read a file", "virtual machine", results={"syscalls": counts})

# %% [markdown]
# ### Self-check
#
# An app in a virtual machine reads a file. **How many kernels handle the request** before it reaches
# the disk? Replace `None` with your number and run the cell.

# %%
from vlab.widgets import quiz
from vlab.widgets.syscall_path import kernels_crossed

my_answer = None  # ← your number
quiz.check(my_answer, kernels_crossed("read a file", "virtual machine"),
           explanation="The guest kernel, then (via the hypervisor) the host kernel.")

# %%
quiz.solution("<b>2</b>: the guest kernel handles the app's read(), its disk driver talks to the virtual disk, "
              "the hypervisor turns that into a read() of the disk-image file, and the <i>host</i> kernel "
              "reads the real disk. In a container only <b>1</b> kernel, the host's, is involved.")

# %% [markdown]
# ## Key points
# - A **hypervisor (하이퍼바이저)** creates, runs and stops virtual machines with the CPU and memory you
#   assign. The physical machine runs the **host OS**; each VM runs a **guest OS**.
# - A **type-1 hypervisor (타입 1 하이퍼바이저)** runs on the hardware (ESXi, Xen, Hyper-V); a **type-2
#   hypervisor (타입 2 하이퍼바이저)** runs on a host OS (**VirtualBox**, **VMware** Workstation).
# - Processes get resources only through the **kernel**, by **system calls**; you watched the kernel
#   count them, and the container's calls were counted by the same host kernel.
# - Different OSes have different system calls, so a guest kernel's requests must be interpreted: the
#   hypervisor is the **interpreter (통역가)** between guest and host kernels, and that layer costs time.
#
# **Next:** [05 · Namespaces: how containers see their own world](05_namespaces.ipynb) ·
# [Glossary · 용어집](99_glossary.ipynb)
