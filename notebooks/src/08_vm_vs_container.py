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

# %% [markdown] lang="ko"
# # 08 · VM 대 컨테이너: 진짜 가상 머신을 부팅해 컨테이너와 경주시키기
#
# 강의 자료의 핵심 비교는 하나입니다. **하이퍼바이저**(hypervisor)는 자기 커널을 가진 **게스트 OS**(guest OS) 전체를
# 실행하고, 이 커널은 **부팅**(boot)을 거쳐야 합니다. 반면 **컨테이너**(container)는 **호스트 커널**(host's kernel)을
# 공유하므로 아무것도 부팅하지 않습니다. 그래서 컨테이너는 빨리 시작하고(S3.7), 다른 커널을 실행할 수는 없습니다(S3.9).
# 이 노트북에서는 이 설명을 그냥 믿고 넘어가지 않습니다. 여러분의 컴퓨터에서 QEMU로 *진짜* 가상 머신을 부팅해 시간을 재고,
# 컨테이너와 경주시킨 다음, 두 결과를 문헌에 발표된 수치와 나란히 놓고 살펴봅니다.
#
# **학습 목표**
# - QEMU로 실제 **가상 머신**(virtual machine, VM)을 부팅하고, 그 VM의 커널이 직접 알려 주는 정보를 읽을 수 있습니다.
# - 컨테이너가 더 빨리 시작하는 이유를 **커널 부팅 대 커널 공유**(kernel boot vs shared kernel)로 설명할 수 있습니다.
# - **에뮬레이션**(emulation, TCG)과 **하드웨어 가속**(hardware acceleration, KVM)을 구별하고, 그 차이가 왜 중요한지 설명할 수 있습니다.
# - 발표된 부팅 수치를 올바르게 읽을 수 있습니다. 수치는 **측정 정의**(metric definition)가 같을 때만 서로 비교합니다.
# - **마이크로 VM**(microVM)이 이 격차를 어떻게 줄였는지, 그리고 그 대가가 무엇인지 설명할 수 있습니다.

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

# %% [markdown] lang="ko"
# ## 게스트를 실행하는 두 가지 방법: 커널을 부팅하거나, 커널을 공유하거나
# <small>Course map: S2.5 · S2.6 · S3.7</small>
#
# **하이퍼바이저**는 가상 머신을 만들고, 실행하고, 종료하는 프로그램입니다. 각 가상 머신은 여러분이 지정한 만큼의 CPU와
# 메모리를 받습니다. 물리 머신에 설치된 OS가 **호스트 OS**(host OS)이고, VM 안에서 실행되는 OS가 **게스트 OS**입니다.
# VM을 시작한다는 것은 *컴퓨터 한 대*를 켜는 것과 같습니다. 먼저 펌웨어가 실행되고, 이어서 **커널**(kernel)이 (가상)
# 하드웨어를 감지하고 메모리를 설정한 뒤, 첫 번째 프로세스인 `init`을 **PID 1**로 실행합니다.
#
# 반면 컨테이너는 호스트 위에서 격리(isolation)된 **프로세스** 하나일 뿐입니다. 컨테이너의 "시작"은 엔진이 이미 실행 중인
# 호스트 커널에 새 네임스페이스(namespace)와 cgroup(컨트롤 그룹)을 요청한 다음 프로그램을 실행하는 것이 전부입니다.
# 부팅되는 커널은 없습니다.
#
# vlab의 VM은 Linux VM을 만들 수 있는 한 가장 작게 만들었으므로, 이 비교는 VM에 불리하지 않은 공정한 비교입니다.
# - **QEMU**가 하이퍼바이저이며, 최소 구성의 `microvm` 머신을 사용합니다. PCI 버스도, 디스크도, 네트워크도 없습니다.
#   그래도 기본 설정에서는 완전한 BIOS 대신 아주 작은 **qboot** 펌웨어를 부팅하며, 펌웨어를 전혀 쓰지 않는 것은
#   `-bios none`을 지정했을 때뿐입니다.
# - **게스트 커널**은 여러분의 `/boot`에 있는 진짜 Linux 커널 이미지(image)입니다(없으면 Debian의 클라우드 커널을 씁니다).
# - **루트 파일 시스템**은 방금 만든 initramfs입니다. 이 과정의 컨테이너 이미지가 쓰는 것과 같은 정적 `busybox`로 만들었고,
#   그 안의 `/init`은 표시 줄(marker line) 한 줄(자신의 업타임, 커널 릴리스, PID)을 출력한 뒤 전원을 끕니다.
#
# **먼저 예측해 보세요(prediction).** 이 최소 VM이 첫 프로그램을 실행하기까지 컨테이너보다 몇 배의 시간이 걸릴까요?
# (1 = 똑같이 빠름, 10 = 열 배 오래 걸림)

# %%
predicted_vm_ratio = ...   # ← your prediction, e.g. 2, 10 or 100

# %% [markdown]
# **First by hand (glass box).** Which kernel does a container run? The Docker SDK starts one that prints
# `uname -r`, next to this notebook's own kernel. (The container has a memory and pids limit, no capabilities, no
# network, the vlab label, and is removed whatever happens.) The VM below will report its own.

# %% [markdown] lang="ko"
# **먼저 직접 해 보기(글래스 박스).** 컨테이너는 어떤 커널을 실행할까요? Docker SDK로 `uname -r`을 출력하는 컨테이너를
# 하나 시작해, 이 노트북 자신의 커널과 나란히 보여 줍니다. (이 컨테이너에는 메모리 제한과 pids 제한이 걸려 있고,
# 케이퍼빌리티(capability)가 하나도 없으며, 네트워크도 없습니다. vlab 레이블이 붙어 있고, 무슨 일이 생기든 마지막에 제거됩니다.)
# 아래의 VM은 자기 커널을 스스로 알려 줄 것입니다.

# %%
import platform

import docker

from vlab.core import images, sandbox
from vlab.labs.vm import exercises

if mode.live:
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        images.ensure(), ["uname", "-r"], mem_limit="32m", pids_limit=16, cap_drop=["ALL"],
        network_mode="none", ulimits=course.ulimits(), labels=sandbox.labels("glass box: uname"))
    try:
        box.start()
        box.wait(timeout=60)
        kernels = {"container": box.logs().decode().strip(), "host": platform.release()}
    finally:
        box.remove(force=True)
else:
    kernels, note = exercises.recorded_kernels()
    print(note)
print(course.tr("container: {container}   this notebook's host: {host}").format(
    container=kernels["container"], host=kernels["host"]))

# %% [markdown]
# vlab does this with more care: it compares with the kernel of the *engine's* host (on Docker Desktop a VM, not
# your laptop), times the container's create → start → exit over several trials, and records where it ran.
#
# Check what your machine has for the VM (the same checks as `vlab doctor`):

# %% [markdown] lang="ko"
# vlab은 같은 일을 더 꼼꼼하게 합니다. 비교 대상은 *엔진이 돌아가는* 호스트의 커널이고(Docker Desktop이라면 여러분의 랩톱이
# 아니라 VM입니다), 컨테이너의 생성 → 시작 → 종료(create → start → exit)를 여러 번 시행해 시간을 재며, 어디에서
# 실행했는지도 기록합니다.
#
# 여러분의 컴퓨터에 VM을 돌릴 준비가 되어 있는지 확인해 보세요(`vlab doctor`와 같은 검사입니다).

# %%
from vlab.core import interleave
from vlab.labs.vm import boot, qemu, versus

for name, find in (("QEMU", qemu.find_qemu), (course.tr("guest kernel"), qemu.find_kernel)):
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

# %% [markdown] lang="ko"
# ## 에뮬레이션이냐 하드웨어 가속이냐: TCG 대 KVM
# <small>Course map: S2.9 · S2.6</small>
#
# 게스트 커널의 명령어도 결국은 어떤 방식으로든 실제 CPU에서 실행되어야 합니다. 이때 하이퍼바이저는 게스트와 호스트 사이에서
# **통역가**(interpreter) 역할을 합니다.
# - **TCG**(Tiny Code Generator)는 QEMU의 **소프트웨어 에뮬레이션**(software emulation)입니다. 게스트 명령어를 블록 단위로
#   호스트 명령어로 번역합니다. 어디서나 동작하지만, 커널 부팅이 몇 배나 느려집니다.
# - **KVM**은 Linux 커널이 제공하는 **하드웨어 가상화**(hardware-assisted virtualization)입니다. CPU가 게스트 코드를 직접
#   실행하고(Intel VT-x / AMD-V), 특권 연산이 필요할 때만 하이퍼바이저로 제어를 넘깁니다(트랩).
#
# `/dev/kvm`이 있다고 해서 충분한 것은 아닙니다. *중첩*(nested) 가상화를 지원하지 않는 클라우드 VM 안에서는 이 장치가 열리기는
# 해도 모든 게스트가 멈춰 버릴 수 있습니다. 그래서 vlab은 짧은 제한 시간을 두고 실제로 게스트를 부팅해 보는 방식으로 KVM을
# **시험**(probe)하고, 안 되면 TCG로 대체합니다. 모든 결과에는 어떤 가속기를 썼는지가 함께 표시됩니다.
# (아래 시험은 아주 작은 게스트를 길어야 몇 초 동안 부팅합니다.)

# %%
probe = qemu.kvm_probe() if not mode.replay else None
print(course.tr("KVM works:") if probe is not None and probe.ok else course.tr("KVM probe:"),
      probe.detail if probe is not None else course.tr("skipped in replay mode"))

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

# %% [markdown] lang="ko"
# ## 실제 VM을 여러 번 부팅하기
# <small>Course map: S2.6 · S3.7</small>
#
# 각 시행은 QEMU를 실행하고, 호스트에서 나노초 단위 시계(`perf_counter_ns`)로 다음 값을 잽니다.
# - **실행 → 표시 줄**(launch → marker): QEMU 프로세스가 시작된 때부터 게스트 `/init`의 출력 줄이 시리얼 콘솔에 나타날 때까지.
# - **게스트 업타임**(guest uptime): `/init`이 실행된 순간 게스트 커널 *자신의* 시계가 가리키는 값(게스트의 `/proc/uptime`).
# - **게스트 시계 이전**(before guest clock): 실행 → 표시 줄에서 게스트 업타임을 뺀 값. QEMU 시작, 커널 적재와 압축 해제에 걸린 시간입니다.
# - **전체**(total): QEMU 실행부터, 게스트가 전원을 끈 뒤 QEMU 프로세스가 종료될 때까지.
#
# 리플레이 모드(replay mode)에서는(이곳에 Docker가 없을 때) 실제 vlab 실행에서 기록해 둔 부팅 결과를 대신 보여 줍니다.
# 터미널에서 같은 일을 하는 명령은 `vlab bench vm --trials 5 --json vm.json`입니다.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The VM boot measurement below repeats interleaved rounds until the 95 %
# confidence interval of every median is within ±5 % of it, or until its time budget is spent (20 s of boots, warm-up
# included: a boot that would not fit is not started, and where one emulated boot takes most of the budget the warm-up
# boot is skipped and the summary says so; the median is launch → marker; the container lifecycles further down have
# 4 s). Below six trials no 95 % interval exists and the precision shows as "± ?". The rule is fixed before the first trial and never looks at which configuration is
# ahead, so stopping early cannot choose a result; the precision each median reached and why the run stopped are
# printed and saved with the results ("budget spent" means more trials would have narrowed the interval). `trials=N`
# still runs exactly N.

# %% [markdown] lang="ko"
# **측정은 언제 멈출까요? (정지 규칙)** 아래의 VM 부팅 측정은 교차(인터리브) 측정 라운드를 반복하다가, 모든 중앙값(median)의
# 95 % 신뢰 구간(confidence interval)이 그 중앙값의 ±5 % 안에 들어오거나 시간 예산(부팅에 20 s, 워밍업 포함: 남은 예산에
# 들어가지 않는 부팅은 시작하지 않고, 에뮬레이션 부팅 한 번이 예산 대부분을 차지하면 워밍업 부팅을 건너뛰고 요약에 그렇게
# 적습니다. 중앙값은 실행 → 표시 줄 기준이며, 아래쪽의 컨테이너 수명 주기 측정은 4 s입니다)을 다 쓰면 멈춥니다. 시행이
# 여섯 번보다 적으면 95 % 구간이 없어서 정밀도는 "± ?"로 표시됩니다. 이 규칙은 첫 시행 전에 정해지며 어느 구성이 앞서는지는 전혀 보지 않으므로, 일찍 멈춘다고 해서
# 결과를 골라낼 수는 없습니다. 각 중앙값이 도달한 정밀도와 측정이 멈춘 이유는 출력되고 결과와 함께 저장됩니다
# ("budget spent"는 시행을 더 했다면 구간이 더 좁아졌을 것이라는 뜻입니다). `trials=N`을 주면 지금도 정확히 N번 실행합니다.

# %%
vm = boot.boot_vm_or_recording(warmup=course.trials(1, 0))
if vm.replayed:
    print(course.tr("REPLAYED recording:"), vm.extra.get("why_replayed", course.tr("replay mode")))
print(boot.format_report(vm))

# %% [markdown]
# ## What only a VM can do: its own kernel and its own PID 1
# <small>Course map: S2.6 · S3.9 · S3.3</small>
#
# The VM's `/init` reported its kernel release and its PID. A container reports the same things; compare them.
# The container's `uname -r` is the **host's** kernel release, because there is only one kernel: the host's. The VM
# runs its **own** kernel, booted from the image QEMU loaded: it could be any version, or a different OS entirely.
# This is why a container cannot run a different OS (S3.9), and a VM can.

# %% [markdown] lang="ko"
# ## VM만 할 수 있는 일: 자기만의 커널과 자기만의 PID 1
# <small>Course map: S2.6 · S3.9 · S3.3</small>
#
# VM의 `/init`은 자신의 커널 릴리스와 PID를 알려 주었습니다. 컨테이너도 같은 정보를 알려 주니 둘을 비교해 보세요.
# 컨테이너의 `uname -r`은 **호스트의** 커널 릴리스입니다. 커널은 호스트의 것 하나뿐이기 때문입니다. VM은 QEMU가 적재한
# 이미지에서 부팅한 **자기만의** 커널을 실행합니다. 그 커널은 어떤 버전이어도 되고, 아예 다른 OS여도 됩니다.
# 컨테이너는 다른 OS를 실행할 수 없고(S3.9) VM은 할 수 있는 이유가 바로 이것입니다.

# %%
ct = versus.container_starts(warmup=1)  # the stopping rule: ±5 % or 4 s (quick mode: 3 lifecycles)
print(interleave.note(ct))
g, c = boot.guest_facts(vm), ct.extra["container"]
print(course.tr("VM:        kernel {kernel:28s} PID of /init: {pid}   PID 1 is: {pid1}").format(
    kernel=g["kernel"], pid=g["pid"], pid1=g["pid1"]))
print(course.tr("container: kernel {kernel:28s} PID of its command: {pid}").format(kernel=c["kernel"], pid=c["pid"]))
print(course.tr("host of the container engine: kernel {kernel}").format(kernel=ct.extra["host_kernel"]))

# %% tags=["keep_output", "nbval-check-output"]
per_trial = vm.samples.pivot(index="trial", columns="phase", values="ms")
print(course.tr("Inside the VM, /init is PID:"), g["pid"])
print(course.tr("Inside the container, the command is PID:"), c["pid"])
print(course.tr("The container's uname -r equals its host's kernel release:"), ct.extra["same_kernel_as_host"])
print(course.tr("The VM's own clock started after QEMU launched (guest uptime < launch → marker) in every trial:"),
      bool((per_trial["guest_uptime"] < per_trial["launch_to_marker"]).all()))

# %% [markdown]
# Both see themselves as PID 1 (each in its own world), but for different reasons: the container's PID 1 comes from a
# **PID namespace (PID 네임스페이스)** on the shared host kernel, while the VM's PID 1 is the first process of a
# completely separate kernel. The last line is the kernel boot you can *see*: the guest's clock starts only when its
# kernel starts, after QEMU has launched and loaded it.

# %% [markdown] lang="ko"
# 둘 다 자기 자신을 PID 1로 봅니다(각자 자기 세계 안에서). 하지만 그 이유는 서로 다릅니다. 컨테이너의 PID 1은 공유된
# 호스트 커널 위의 **PID 네임스페이스**(PID namespace)가 만들어 낸 것이고, VM의 PID 1은 완전히 별개인 커널이 띄운 첫 번째
# 프로세스입니다. 마지막 줄은 여러분이 *눈으로 확인할 수 있는* 커널 부팅입니다. 게스트의 시계는 QEMU가 실행되어 커널을
# 적재한 뒤, 그 커널이 시작될 때에야 비로소 흐르기 시작합니다.

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

# %% [markdown] lang="ko"
# ## 로그 스케일로 나란히: 발표된 수치와 함께 보기
# <small>Course map: S3.1 · S3.7 · S2.6</small>
# <small>Figure counterpart: 하이퍼바이저컨테이너비교.png</small>
#
# 그림 맨 위에는 여러분이 잰 컨테이너 시작과 VM 부팅(가속기 이름이 붙어 있습니다)이 있고, 그 아래에 발표된 수치가
# **측정 정의별로 묶여** 있습니다. "VMM launch → guest init signals"는 "docker run total"이나 "API call → init"과 같은 측정이
# 아니므로, 회색 제목 하나하나가 각각 별도의 그룹입니다. 비교는 그룹 안에서만 하고, 그룹끼리는 하지 마세요. 기록된 모든
# 수치에는 `[AGA20]`처럼 출처 id가 붙어 있고, 출처 목록은 그림 다음에 나옵니다. 한계값은 방향과 함께 읽습니다
# (`≤ 125 ms`는 Firecracker가 약속한 값이지 측정값이 아닙니다). 범위는 막대 하나에 레이블 하나로 그리고, `†1` 같은 표시는
# 그림 아래에 출력되는 주의 사항을 가리킵니다. 출처와 대조해 확인한 수치만 그립니다. 축은 로그 스케일이어서, 격자선을 하나
# 올라갈 때마다 값이 열 배가 됩니다.

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

# %% [markdown] lang="ko"
# **주의해서 읽으세요.** 여러분의 VM 행에는 *TCG* 또는 *KVM*이 적혀 있습니다. TCG 부팅은 소프트웨어 에뮬레이션이므로 하드웨어
# 가속을 쓴 발표 수치와 비교할 수 *없습니다*. 그 대신 모든 명령어를 번역해야 할 때 커널 부팅이 얼마나 많은 일인지를 보여
# 줍니다. 여러분의 컨테이너 행은 Docker SDK로 잰 생성 → 시작 → 종료로, 발표된 `docker run` 행과 `docker events` 행에 가장
# 가깝지만 똑같은 측정은 아닙니다.

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

# %% [markdown] lang="ko"
# ## 격차가 생기는 이유, 그리고 마이크로 VM이 한 일
# <small>Course map: S3.7 · S3.6 · S3.8 · S3.1</small>
#
# 여러분의 VM은 시간을 어디에 썼을까요? 부팅 시간의 중앙값을 *게스트 시계 이전*(QEMU 시작, 커널 적재와 압축 해제)과
# *게스트 업타임*(커널이 스스로 부팅한 뒤 `/init`을 실행하기까지)으로 나누어 봅시다.
#
# ### 연습 문제 1: VM의 시간은 어디에 쓰일까
# `vm.samples`에는 시행과 단계마다 한 행씩(`phase`, `ms`) 들어 있습니다. VM 시작 시간 가운데 커널의 시계가 흐르기 전에
# 지나가는 비율을 구하는 코드를 작성하세요. `before_guest_clock`의 중앙값을 `launch_to_marker`의 중앙값으로 나눈 값이며,
# 0과 1 사이의 비율입니다.

# %% tags=["exercise"]
share_before = ...   # median before_guest_clock / median launch_to_marker

# %%
exercises.check_boot_share(share_before, vm)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `vm.samples.groupby("phase")["ms"].median()` gives one median per phase.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `vm.samples.groupby("phase")["ms"].median()`을 쓰면 단계마다 중앙값이 하나씩 나옵니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
med = vm.samples.groupby("phase")["ms"].median()
share_before = med["before_guest_clock"] / med["launch_to_marker"]
exercises.check_boot_share(share_before, vm)

# %% [markdown]
# vlab's medians:

# %% [markdown] lang="ko"
# vlab이 계산한 중앙값입니다.

# %%
m = boot.medians(vm)
print(course.tr("before the guest clock: {ms:8,.0f} ms   (hypervisor start-up, kernel load)").format(
    ms=m["before_guest_clock"]))
print(course.tr("guest kernel boot:      {ms:8,.0f} ms   (the guest's own clock at /init)").format(
    ms=m["guest_uptime"]))
print(course.tr("launch → marker:        {ms:8,.0f} ms   accelerator: {accelerator}").format(
    ms=m["launch_to_marker"], accelerator=vm.extra["accelerator"].upper()))
print(course.tr("container create → exit: {ms:7,.0f} ms   (no kernel boots)").format(ms=versus.medians(ct)["total"]))

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

# %% [markdown] lang="ko"
# - **커널 부팅 대 커널 공유.** VM의 시작에는 완전한 커널 부팅이 들어 있습니다. 커널의 압축을 풀고, (가상) 장치를 탐색하고,
#   메모리 관리를 설정한 다음에야 `init`을 실행합니다. 컨테이너의 시작은 이미 실행 중인 커널에 시스템 콜(system call)을 몇 번
#   보내는 것이 전부이므로, 부팅할 것이 없습니다(S3.7).
# - **에뮬레이션 대 하드웨어 가속.** TCG에서는 게스트 명령어 하나하나를 번역하므로 같은 부팅에 몇 초가 걸립니다. KVM에서는
#   게스트가 CPU에서 직접 실행되므로 같은 커널이 그 몇 분의 일 만에 부팅합니다.
# - **마이크로 VM이 바꾼 것.** Firecracker, Cloud Hypervisor, 그리고 QEMU 자체의 `microvm` 머신은 범용 VM이 짊어지던 것들을
#   덜어 냈습니다. 완전한 BIOS나 UEFI 펌웨어(Firecracker는 곧바로 커널로 진입하고, QEMU의 `microvm`은 `-bios none`을 주지
#   않으면 작은 qboot 펌웨어를 부팅합니다), PCI 장치 열거, 에뮬레이션되는 레거시 장치가 그것입니다. 최소한의 게스트 커널을 쓰면
#   Firecracker와 Cloud Hypervisor는 실행 → init까지 이삼백 밀리초 또는 그보다 짧은 시간에 도달합니다(아래 표, 출처 [AGA20].
#   표의 QEMU `microvm` 행에 붙은 주의 사항도 꼭 읽으세요). 이 수치들은 베어메탈(bare metal) 서버에서 잰 VM 부팅
#   측정값입니다. 컨테이너 시작은 다른 그룹에 속한 다른 측정이므로, 발표된 수치만으로는 둘의 순위를 매길 수 없습니다. 아래에서
#   여러분이 직접 하는 경주는 가능합니다. 같은 머신에서 같은 시계로 재기 때문입니다.
# - **그 대가.** 마이크로 VM도 여전히 자기 커널을 부팅하고 실행하며 VMM(virtual machine monitor, 즉 하이퍼바이저 프로세스)을
#   하나씩 거느리므로, 컨테이너보다 메모리를 더 쓰고 부팅을 결코 건너뛸 수 없습니다. 제공하는 장치도 적고(USB 없음, GPU 없음,
#   virtio 장치 몇 개뿐), 빠르게 돌리려면 실제 하드웨어 가상화(KVM)가 필요합니다. 그 대신 하이퍼바이저 경계는 공유 커널보다
#   강한 격리를 제공합니다(S3.8). 서버리스 플랫폼이 컨테이너를 마이크로 VM *안에서* 실행하는 이유가 바로 이것입니다.

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

# %% [markdown] lang="ko"
# ## 경주: 같은 순간에 출발하는 컨테이너와 VM
# <small>Course map: S3.7 · S3.1</small>
#
# 버튼을 눌러 보세요. vlab이 샌드박스 컨테이너 하나를 시작하고 VM 하나를 **같은 순간에** 실행합니다(동시에 출발시키는 두
# 스레드). 여러분은 두 레인을 지켜보게 됩니다. 한쪽은 컨테이너의 생성 → 시작 → 종료이고, 다른 쪽은 VM의 `/init`이 보고할
# 때까지 이어지는 커널 콘솔 출력입니다. 측정한 시간은 마지막에 나타납니다. QEMU가 없거나 리플레이 모드라면 위젯이 기록된
# 실행을 기록 당시의 속도 그대로 재생하고, 재생이라는 사실도 알려 줍니다. 다시 누르면 다시 경주합니다. 숫자는 매번 조금씩
# 달라집니다.

# %%
from vlab.widgets.race import RaceWidget

RaceWidget()

# %% [markdown]
# ## Exercise 2: your VM against your container
# <small>Course map: S3.7 · S3.1</small>
#
# Write the code that divides the median VM start (`launch_to_marker` in `vm.samples`) by the median container
# start (`total` in `ct.samples`).

# %% [markdown] lang="ko"
# ## 연습 문제 2: 여러분의 VM 대 여러분의 컨테이너
# <small>Course map: S3.7 · S3.1</small>
#
# VM 시작 시간의 중앙값(`vm.samples`의 `launch_to_marker`)을 컨테이너 시작 시간의 중앙값(`ct.samples`의 `total`)으로 나누는
# 코드를 작성하세요.

# %% tags=["exercise"]
vm_ratio = ...   # median VM launch_to_marker / median container total

# %%
exercises.check_vm_ratio(vm_ratio, vm, ct)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `vm.samples.query("phase == 'launch_to_marker'")["ms"].median()`, and the same for `ct` with `phase == 'total'`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `vm.samples.query("phase == 'launch_to_marker'")["ms"].median()`을 쓰고, `ct`에도 `phase == 'total'`로 똑같이 하면 됩니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
vm_ratio = (vm.samples.query("phase == 'launch_to_marker'")["ms"].median()
            / ct.samples.query("phase == 'total'")["ms"].median())
exercises.check_vm_ratio(vm_ratio, vm, ct)

# %% [markdown]
# vlab's comparison adds a bootstrap confidence interval of the ratio and explains it; then your prediction from
# the top of the notebook against your measurement:

# %% [markdown] lang="ko"
# vlab의 비교는 여기에 비율의 부트스트랩(bootstrap) 신뢰 구간을 더하고, 그 결과를 설명해 줍니다. 이어서 노트북 맨 위에서 한
# 여러분의 예측을 측정값과 비교합니다.

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

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **VM은 자기 커널을 부팅**하고, **컨테이너는 호스트 커널을 공유**하므로 아무것도 부팅하지 않습니다. 이것만으로 시작
#   시간(start-up time) 격차의 대부분이 설명됩니다(S3.7). 여러분의 VM은 자기 커널과 PID 1을 보고했고, 여러분의 컨테이너는
#   호스트의 커널 릴리스를 보고했습니다(S2.6, S3.9).
# - **TCG는 에뮬레이션, KVM은 하드웨어 가속**입니다. VM 수치를 말할 때는 어느 쪽을 썼는지 항상 밝히세요. TCG 부팅은 큰
#   폭으로 느리므로, 하드웨어 수치와 같은 종류인 것처럼 비교해서는 안 됩니다.
# - 발표된 수치는 서로 다른 것을 측정합니다. 같은 **측정 정의** 안에서만 비교하고, 출처를 밝히세요.
# - **마이크로 VM**(Firecracker, Cloud Hypervisor, QEMU microvm)은 펌웨어와 장치를 덜어 냈습니다. KVM을 쓰면 가장 빠른
#   것은 VMM 실행부터 게스트 init까지 이삼백 밀리초 안에 부팅합니다 [AGA20]. 이는 VM 부팅 측정값이므로 컨테이너 시작 수치와
#   순위를 견줄 대상은 아닙니다. 대가는 게스트마다 커널 하나와 VMM 하나가 필요하다는 것이며, 그 대신 공유 커널보다 강하게
#   격리합니다(S3.8).
#
# **다음:** [09 · 오버헤드: 네이티브 실행과 비교한 컨테이너의 비용](09_overhead.ipynb).
# 모든 용어는 [용어집(glossary)](99_glossary.ipynb)에서 찾아볼 수 있습니다.
