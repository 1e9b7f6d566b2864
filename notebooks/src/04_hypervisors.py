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

# %% [markdown] lang="ko"
# # 04 · 하이퍼바이저: 호스트 OS, 게스트 OS, 커널과 시스템 콜
#
# **하이퍼바이저**(hypervisor)는 한 대의 컴퓨터 안에 서로 격리된 컴퓨터를 만드는 첫 번째 방법입니다.
# 하이퍼바이저가 실제로 무슨 일을 하는지, 그리고 왜 비용이 드는지 이해하려면 운영체제의 개념 하나가 필요합니다.
# 프로그램은 결코 하드웨어를 직접 건드리지 않고, **시스템 콜**(system call)을 통해 **커널**(kernel)에 요청합니다.
#
# **학습 목표**
# - 하이퍼바이저가 하는 일을 설명하고, **호스트 OS**(host OS)와 **게스트 OS**(guest OS)를 구별할 수 있습니다.
# - 타입 1 하이퍼바이저와 타입 2 하이퍼바이저를 예(VMware, VirtualBox, KVM/QEMU, Hyper-V, Xen)를 들어 구별할 수 있습니다.
# - 프로세스가 CPU와 메모리를 얻는 방법, 즉 커널의 **시스템 콜**을 설명할 수 있습니다. 호스트에서 실행한 프로그램과
#   컨테이너(container) 안에서 실행한 같은 프로그램에 대해, 커널이 시스템 콜 횟수를 실시간으로 세는 모습을 직접 확인합니다.
# - OS마다 시스템 콜 표가 다른 이유(그래서 컨테이너는 다른 OS의 프로그램을 실행할 수 없습니다)와, 하이퍼바이저가
#   시스템 콜이 아니라 *하드웨어 접근*의 **통역가**(interpreter)인 이유를 설명할 수 있습니다.

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

# %% [markdown] lang="ko"
# ## 하이퍼바이저, 호스트 OS, 게스트 OS
# <small>Course map: S2.6</small>
# <small>Figure counterpart: 하이퍼바이저.png</small>
#
# **하이퍼바이저**는 컴퓨터에 설치되어 **가상 OS를 만들고, 실행하고, 종료하는** 프로그램입니다.
# 가상 OS를 만들 때 CPU 코어를 몇 개, 메모리를 얼마나 줄지 정하면, 하이퍼바이저가 실제 컴퓨터에서
# 그만큼의 격리된 공간을 떼어 내 만들어 줍니다.
# - 물리적인 컴퓨터에 설치된 OS를 **호스트 OS**(host OS)라고 합니다.
# - 그 안에 설치되어 실행되는 OS는 **게스트 OS**(guest OS)이며, 게스트 컴퓨터 전체를
#   **가상 머신**(virtual machine, VM)이라고 부릅니다.

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

# %% [markdown] lang="ko"
# ## 타입 1, 타입 2, 그리고 여러분이 아는 하이퍼바이저
# <small>Course map: S2.10 · S2.6</small>
#
# - **타입 1 하이퍼바이저**(type-1 hypervisor)는 베어메탈(bare-metal)형이라고도 하며, 하드웨어 위에서 직접 실행됩니다.
#   VMware ESXi, Xen, Microsoft Hyper-V가 여기에 속하고, 데이터 센터에서 주로 이 방식을 씁니다.
# - **타입 2 하이퍼바이저**(type-2 hypervisor)는 호스티드(hosted)형이라고도 하며, 호스트 OS 위에서 실행되는 일반 프로그램입니다.
#   **VirtualBox**, **VMware** Workstation/Fusion, QEMU가 여기에 속하고, 노트북에 설치해서 쓰는 것이 바로 이 방식입니다.
# - Linux의 **KVM**은 Linux 커널 자체를 하이퍼바이저로 만들고, 가상 장치는 QEMU가 제공합니다.
#   [08 · VM과 컨테이너 비교](08_vm_vs_container.ipynb)에서는 QEMU로 실제 VM을 부팅해 봅니다.
#
# **스택 탐색기**(stack explorer)를 직접 눌러 보세요. 스택을 하나 고른 뒤 아무 계층이나 클릭하면 그 계층이
# 하는 일을 영어와 한국어로 볼 수 있습니다. 앱과 하드웨어 사이에 커널이 몇 개나 놓여 있는지 비교해 보세요.

# %%
from vlab.widgets.stack import StackView

StackView("type-2 hypervisor")

# %% [markdown]
# Which hypervisor pieces does *this* machine have? (An honest look: installed programs and the
# KVM device, not a guess.)

# %% [markdown] lang="ko"
# *이* 컴퓨터에는 어떤 하이퍼바이저 구성 요소가 있을까요? (추측이 아니라, 설치된 프로그램과
# KVM 장치를 실제로 확인합니다.)

# %%
import os
import shutil

for name in ("qemu-system-x86_64", "VBoxManage", "vmware", "virsh"):
    print(f"{name:20s}", course.tr("installed") if shutil.which(name) else course.tr("not installed"))
print(f"{'/dev/kvm':20s}", course.tr("present (hardware virtualization exposed)") if os.path.exists("/dev/kvm")
      else course.tr("absent"))

# %% [markdown]
# ## Kernel and system calls
# <small>Course map: S2.7</small>
# <small>Figure counterpart: 하이퍼바이저실행방법.png</small>
#
# To run, a process needs CPU time and memory, and it can get them **only through the OS**. The OS's
# **kernel (커널)** is the one piece of software that drives the hardware; it defines a standard set of
# **system calls (시스템 콜)**, numbered requests such as `read`, `write`, `mmap` or `getpid`.

# %% [markdown] lang="ko"
# ## 커널과 시스템 콜
# <small>Course map: S2.7</small>
# <small>Figure counterpart: 하이퍼바이저실행방법.png</small>
#
# 프로세스가 실행되려면 CPU 시간과 메모리가 필요한데, 이것들은 **오직 OS를 통해서만** 얻을 수 있습니다.
# OS의 **커널**(kernel)은 하드웨어를 직접 다루는 유일한 소프트웨어입니다. 커널은 `read`, `write`, `mmap`, `getpid`처럼
# 번호가 매겨진 요청의 표준 집합, 즉 **시스템 콜**(system call)을 정해 둡니다.

# %%
concepts.syscalls_through_os();

# %% [markdown]
# A system call really is a *number* handed to the kernel. The plain interface first: Python's `ctypes` calls the
# C library's raw `syscall()` function with the number of `getpid` on Linux x86-64 (39), without the usual
# `os.getpid()`:

# %% [markdown] lang="ko"
# 시스템 콜은 정말로 커널에 건네는 *번호*입니다. 먼저 가장 단순한 방법부터 보겠습니다. Python의 `ctypes`로
# C 라이브러리의 저수준 함수 `syscall()`을 호출하면서, 평소처럼 `os.getpid()`를 쓰는 대신 Linux x86-64에서
# `getpid`에 해당하는 번호(39)를 직접 넘깁니다.

# %%
import ctypes
import platform

if platform.machine() == "x86_64":
    libc = ctypes.CDLL(None, use_errno=True)
    print(course.tr("syscall(39) returned {result} and os.getpid() is {pid}").format(result=libc.syscall(39),
                                                                                    pid=os.getpid()))
else:
    print(course.tr("this CPU is {machine}: getpid has another number here (the next cell looks it up)")
          .format(machine=platform.machine()))

# %% [markdown]
# vlab does this with more care: `syscalls.raw_getpid()` looks the number up for this CPU architecture and
# checks the call.

# %% [markdown] lang="ko"
# vlab은 이 작업을 더 꼼꼼하게 합니다. `syscalls.raw_getpid()`는 현재 CPU 아키텍처에 맞는 번호를 찾아서 호출하고,
# 그 결과를 검사합니다.

# %%
from vlab.labs import syscalls

number, pid = syscalls.raw_getpid()
print(course.tr("system call number {number} returned {pid}").format(number=number, pid=pid))

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("raw system call agrees with os.getpid():"), syscalls.getpid_matches())

# %% [markdown]
# Now let the kernel **count** system calls. The same static busybox `dd` copies `n` single bytes,
# one `read()` and one `write()` per byte, first directly on the host, then inside a container. The
# kernel keeps per-process counters (`syscr` for reads, `syscw` for writes, in `/proc/<pid>/io`). Live, this
# runs on your machine with the `n` you ask for; in replay mode it shows a real recorded run, whose `n` may
# differ (the `n` column says).
#
# The plain interface first: the counters for this notebook's own process, before and after 1000 `os.write` calls.

# %% [markdown] lang="ko"
# 이제 커널이 시스템 콜의 **횟수를 세도록** 해 봅시다. 정적으로 빌드된 같은 busybox `dd`가 `n`바이트를 한 바이트씩
# 복사하는데, 바이트마다 `read()`와 `write()`를 한 번씩 호출합니다. 먼저 호스트에서 직접 실행하고, 그다음에는 컨테이너
# 안에서 실행합니다. 커널은 프로세스마다 카운터를 유지합니다(`/proc/<pid>/io`의 `syscr`는 읽기 횟수, `syscw`는 쓰기 횟수).
# 라이브 모드(live mode)에서는 여러분의 컴퓨터에서 여러분이 지정한 `n`으로 실행하고, 리플레이 모드(replay mode)에서는
# 실제로 기록된 실행 결과를 보여 줍니다. 이때 `n`은 여러분이 지정한 값과 다를 수 있습니다(`n` 열을 확인하세요).
#
# 먼저 가장 단순한 방법입니다. 이 노트북 자신의 프로세스에서 `os.write`를 1000번 호출하기 전과 후의 카운터를 비교합니다.

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
print(course.tr("write() calls the kernel counted for this loop:"), after["syscw"] - before["syscw"])

# %% [markdown]
# vlab does this with more care: `syscalls.count_syscalls` runs the same static `dd` on the host and in a sandboxed
# container, reads the counters of exactly that process, and in replay mode returns a recorded run.
#
# **Predict first.** `dd` copies `n = 2000` bytes one at a time **inside a container**. How many `write()` calls will
# the host kernel count for it? (Think: does the container add calls of its own?) In replay mode compare with the
# recorded `n` instead.

# %% [markdown] lang="ko"
# vlab은 이 작업을 더 꼼꼼하게 합니다. `syscalls.count_syscalls`는 같은 정적 `dd`를 호스트와 샌드박스 컨테이너에서
# 실행하고, 정확히 그 프로세스의 카운터만 읽으며, 리플레이 모드에서는 기록된 실행 결과를 돌려줍니다.
#
# **먼저 예측해 보세요.** `dd`가 **컨테이너 안에서** `n = 2000`바이트를 한 바이트씩 복사합니다. 호스트 커널은
# 이 `dd`의 `write()` 호출을 몇 번으로 셀까요? (생각해 볼 점: 컨테이너가 자기 몫의 호출을 더 보탤까요?)
# 리플레이 모드에서는 대신 기록된 `n`과 비교하세요.

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
    print(course.tr("{where:9s}: kernel counted at least one read() and one write() per byte: {ok}")
          .format(where=where, ok=ok))
print(course.tr("both counted by the same kernel:"), counts.extra["same_kernel"])

# %% [markdown]
# The container's `dd` made the same calls, counted by the **same host kernel**: a container has no
# kernel of its own. In a VM, these calls would go to the guest's kernel, and the host would only see
# the hypervisor's requests.

# %% [markdown] lang="ko"
# 컨테이너 안의 `dd`도 똑같은 호출을 했고, 그 호출은 **같은 호스트 커널**이 셌습니다. 컨테이너에는 자기만의
# 커널이 없기 때문입니다. VM이었다면 이 호출들은 게스트의 커널로 갔을 것이고, 호스트에는 하이퍼바이저의 요청만
# 보였을 것입니다.

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

# %% [markdown] lang="ko"
# ## OS가 다르면 시스템 콜도 다르다
# <small>Course map: S2.8 · S3.9</small>
#
# OS마다 자기만의 시스템 콜을 정의합니다. 두 OS에 같은 *이름*의 호출이 있더라도 *번호*와 세부 동작은 다릅니다.
# `write`는 Linux x86-64에서는 1번이지만 macOS와 FreeBSD에서는 4번이고, Linux 안에서도 CPU 아키텍처에 따라 표가
# 달라집니다. (Windows는 빌드가 바뀔 때마다 호출 번호를 다시 매깁니다.) 한 커널의 표에 맞춰 빌드된 프로그램은
# 다른 커널에 그대로 요청할 수 없습니다.
#
# 그래서 **컨테이너는 다른 OS의 프로그램을 실행할 수 없습니다**(S3.9). 컨테이너 안의 프로그램은 호스트 커널에
# 직접 시스템 콜을 하므로, 그 커널에 맞게 빌드되어 있어야 합니다. 반면 다른 Linux **배포판**(distribution)은
# 실행*할 수 있습니다*(예: Debian 호스트에서 Alpine 이미지 실행). 어떤 배포판이든 밑바탕은 같은 Linux 커널의
# 시스템 콜이기 때문입니다. "다른 OS를 실행할 수 없다"는 말은 다른 **커널**(Windows, macOS, FreeBSD)을 뜻합니다.

# %%
syscalls.SYSCALL_NUMBERS

# %% tags=["keep_output", "nbval-check-output"]
t = syscalls.SYSCALL_NUMBERS
linux, mac = t[(t.os == "Linux") & (t.arch == "x86-64")].iloc[0], t[t.os == "macOS"].iloc[0]
print(course.tr("write(): Linux x86-64 call {linux}, macOS call {mac}; same number: {same}")
      .format(linux=linux.write, mac=mac.write, same=linux.write == mac.write))

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

# %% [markdown] lang="ko"
# ## 통역가(interpreter)로서의 하이퍼바이저
# <small>Course map: S2.9 · S2.7</small>
# <small>Figure counterpart: 하이퍼바이저실행방법2.png</small>
#
# VM 안의 게스트 OS는 자기만의 커널을 가지며, 호스트와 다른 OS일 수도 있습니다. 그런데 하이퍼바이저는 게스트의
# 시스템 콜을 번역하지 **않습니다**. 게스트 앱의 시스템 콜은 게스트 자신의 표에 따라 **게스트 커널**로 가고,
# 하이퍼바이저까지 오지 않습니다. 하이퍼바이저가 가상화하는 것은 **하드웨어**입니다. 게스트 커널은 *가상*
# 하드웨어(가상 디스크, 가상 네트워크 카드)를 다루고, 하이퍼바이저는 이런 하드웨어 접근을 통역합니다.
# 강의 노트에서 말하는 통역가가 바로 이것이며, 정확히 말하면 **하드웨어 접근**의 통역가입니다.
#
# 하드웨어 접근이 최종적으로 어디에 도달하는지는 하이퍼바이저의 타입에 따라 다릅니다.
# - VirtualBox나 QEMU 같은 **호스티드(타입 2)** 하이퍼바이저는 호스트 OS 위의 프로그램이므로, 게스트의 디스크
#   쓰기는 결국 **호스트의 시스템 콜**(디스크 이미지 파일에 쓰기)이 됩니다.
# - **타입 1** 하이퍼바이저(ESXi, Xen, Hyper-V)는 하드웨어 위에서 직접 실행됩니다. 시스템 콜을 이용할 호스트 OS가
#   없으므로 장치를 직접(또는 관리용 VM을 통해) 다룹니다.
#
# 최신 CPU(Intel VT-x, AMD-V)에서는 게스트 커널이 CPU 위에서 직접 실행되고, 게스트가 호스트가 제공해야 하는
# 장치나 메모리에 접근할 때만 하이퍼바이저가 개입합니다(이를 *VM exit*라고 합니다). 순수한 계산은 거의 네이티브
# 속도로 실행되지만, 입출력(I/O)은 계층이 하나 더 있는 만큼 비용을 치릅니다.

# %%
concepts.hypervisor_translates();

# %% [markdown]
# Follow one request yourself. Pick an operation and where the app runs; costs are attached where
# vlab has measured them (the counts above, and the overhead lab's recorded container/native ratios).

# %% [markdown] lang="ko"
# 요청 하나를 직접 따라가 보세요. 작업과 앱이 실행되는 위치를 고르면, vlab이 측정한 비용이 있는 곳에는 그 값이
# 함께 표시됩니다(위에서 센 호출 횟수와, 오버헤드(overhead) 실습에서 기록한 컨테이너/네이티브 비율).

# %%
from vlab.widgets.syscall_path import SyscallPathView

SyscallPathView("read a file", "virtual machine", results={"syscalls": counts})

# %% [markdown]
# ## Exercise 1: the calls beyond one read and one write per byte
# <small>Course map: S2.7</small>
#
# `counts.summary` has one row per place `dd` ran (`where`: native or container) with `n` (bytes copied), `syscr`
# (read calls) and `syscw` (write calls). Compute a dict `{where: syscr + syscw - 2 * n}`: how many calls each `dd`
# made beyond one `read()` and one `write()` per byte.

# %% [markdown] lang="ko"
# ## 연습 문제 1: 바이트마다 읽기·쓰기 한 번씩을 넘는 호출
# <small>Course map: S2.7</small>
#
# `counts.summary`에는 `dd`가 실행된 장소(`where`: native 또는 container)마다 한 행이 있고, `n`(복사한 바이트 수),
# `syscr`(읽기 호출 수), `syscw`(쓰기 호출 수) 열이 있습니다. 딕셔너리 `{where: syscr + syscw - 2 * n}`을
# 계산하세요. 즉 각 `dd`가 바이트마다 `read()` 한 번과 `write()` 한 번을 하고도 추가로 몇 번 더 호출했는지 구합니다.

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

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 행을 하나씩 돌면 됩니다: `{r.where: r.syscr + r.syscw - 2 * r.n for r in s.itertuples()}`.
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

# %% [markdown] lang="ko"
# ## 연습 문제 2: 커널의 카운터를 직접 읽기
# <small>Course map: S2.7</small>
#
# `syscw_of(pid)`를 작성하세요. `/proc/<pid>/io`를 읽어서 `syscw: …` 줄에 있는 숫자를 `int`로 돌려주면 됩니다.
# 채점기는 이 노트북 자신의 프로세스(`"self"`)로 이 함수를 호출하고, `write()`를 100번 호출한 다음 여러분의
# 카운터 값이 늘어났는지 확인합니다.

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

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `text.splitlines()`를 쓰면 `"syscw: 1234"` 같은 줄들을 얻습니다. 그중 `"syscw:"`로 시작하는 줄을 찾아 `":"`에서
# 나누고, 두 번째 부분을 `int()`로 변환하세요(앞의 공백은 알아서 무시됩니다).
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

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **하이퍼바이저**(hypervisor)는 여러분이 지정한 CPU와 메모리로 가상 머신을 만들고, 실행하고, 종료합니다.
#   물리 머신에서는 **호스트 OS**가, 각 VM에서는 **게스트 OS**가 실행됩니다.
# - **타입 1 하이퍼바이저**(type-1 hypervisor)는 하드웨어 위에서 실행되고(ESXi, Xen, Hyper-V), **타입 2
#   하이퍼바이저**(type-2 hypervisor)는 호스트 OS 위에서 실행됩니다(**VirtualBox**, **VMware** Workstation).
# - 프로세스는 오직 **시스템 콜**을 통해 **커널**에서 리소스를 얻습니다. 여러분은 커널이 그 횟수를 세는 것을
#   직접 보았고, 컨테이너의 호출도 같은 호스트 커널이 셌습니다.
# - OS마다 시스템 콜 표가 다릅니다. 그래서 컨테이너의 프로그램은 호스트의 커널에 맞게 빌드되어 있어야 합니다
#   (다른 Linux 배포판은 괜찮지만, 다른 OS는 안 됩니다).
# - 하이퍼바이저는 **하드웨어**를 가상화합니다. 게스트의 시스템 콜은 게스트 커널 안에서 처리되고, 하이퍼바이저는
#   게스트의 하드웨어 접근을 통역하는 **통역가**(interpreter)입니다. 그 접근을 호스트의 시스템 콜로 바꾸는 것은
#   호스티드(타입 2) 하이퍼바이저뿐이며, 이 계층 때문에 I/O에 시간이 더 듭니다.
#
# **다음:** [05 · 네임스페이스: 컨테이너가 자기만의 세계를 보는 방법](05_namespaces.ipynb) ·
# [용어집(Glossary)](99_glossary.ipynb)
