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

# %% [markdown] lang="ko"
# # 10b · 격리 스펙트럼(isolation spectrum): 프로세스 → 컨테이너 → gVisor 샌드박스 → VM
#
# **학습 목표.** 이 노트북을 마치면 여러분은 다음을 할 수 있습니다.
# - 프로그램을 실행하는 네 가지 방식을 격리가 가장 약한 것부터 가장 강한 것까지 한 줄 위에 놓을 수 있습니다. 평범한
#   **프로세스**(process), **runc 컨테이너**(container), **gVisor 샌드박스**(sandbox), **가상 머신**(virtual machine)입니다.
# - 각 방식에서 **프로그램과 호스트 커널(host kernel) 사이에 무엇이 있는지** 말할 수 있습니다.
# - 각 방식의 비용을 여러분의 컴퓨터에서 측정할 수 있습니다. 시작 시간, **시스템 콜 비용**(system-call cost), CPU 비용,
#   인스턴스당 메모리를 재고, 각 방식이 어떤 **커널**(kernel)을 보는지 읽어 낼 수 있습니다.
# - 각 설계가 택한 **트레이드오프**(trade-off)를 설명하고, gVisor가 공개한 수치와 대조해 확인할 수 있습니다.
#
# 노트북 10은 두 극단으로 끝났습니다. 컨테이너는 호스트 커널을 공유하고(가볍지만 격리가 약함), VM은 자기 커널을
# 부팅합니다(무겁지만 격리가 강함). 그 사이에 **샌드박스 컨테이너**(sandboxed container)가 있습니다. gVisor는 컨테이너마다
# 자기만의 커널을 줍니다. 이 커널은 Go로 작성되었고 평범한 사용자 공간 프로세스(**Sentry**)로 실행됩니다. 컨테이너의
# 시스템 콜은 호스트 커널이 아니라 Sentry로 가고, Sentry 자신은 필터링된 소수의 호스트 시스템 콜만 사용합니다. 강의에서
# 배운 하이퍼바이저의 "통역가"(translator, S2.9) 역할을 컨테이너 안으로 가져온 셈입니다.

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

# %% [markdown] lang="ko"
# ## 프로그램과 호스트 커널 사이에 있는 것
# <small>Course map: S3.8 · S2.9</small>
#
# | | 프로그램의 시스템 콜을 처리하는 것 | 프로그램과 호스트 커널 사이에 있는 것 |
# |---|---|---|
# | 프로세스 | 호스트 커널 | 없음 |
# | runc 컨테이너 | 호스트 커널 | 네임스페이스(namespace), cgroup(컨트롤 그룹), 제거된 케이퍼빌리티(capability), seccomp 필터 |
# | gVisor 샌드박스 | 사용자 공간 커널인 Sentry | Sentry(자기만의 커널) + Sentry에 걸린 seccomp 필터, 파일 접근은 별도 프로세스(Gofer)를 거침 |
# | QEMU VM | 게스트 자신의 Linux 커널 | 게스트 커널 전체 + VMM(QEMU), 그리고 KVM을 쓸 때는 CPU의 가상화 확장 기능 |
#
# gVisor에는 프로그램의 시스템 콜을 하나하나 가로챌 방법이 필요합니다. 이것을 gVisor의 **플랫폼**(platform)이라고 합니다.
# `ptrace`(가장 오래되었고 어디서나 동작하지만 가장 느림), `systrap`(더 새롭고 빠르며, `ptrace`를 대신해 기본값이 됨),
# `kvm`(CPU의 가상화 확장 기능을 사용) 중 하나를 씁니다. 설치 과정(Debian/Ubuntu에서 root로 `./course.sh prepare`)은
# gVisor를 Docker에 `runsc`라는 런타임으로 등록하며, 설치된 gVisor가 `systrap`을 지원하면 `systrap`을, 아니면 `ptrace`를 사용합니다.

# %% [markdown]
# **First by hand (glass box).** The only difference from every container so far is one argument:
# `runtime="runsc"`. Same image, same limits, same label. If gVisor is not registered here, this cell says so.

# %% [markdown] lang="ko"
# **먼저 직접 해 보기(glass box).** 지금까지의 모든 컨테이너와 다른 점은 인자 하나, `runtime="runsc"`뿐입니다.
# 이미지도, 제한도, 라벨도 같습니다. 이 컴퓨터에 gVisor가 등록되어 있지 않으면 이 셀이 그렇다고 알려 줍니다.

# %%
import docker

from vlab.core import images, sandbox
from vlab.labs import spectrum

if mode.live:
    client = docker.from_env()
    for runtime in ("runc", "runsc"):
        labels = sandbox.labels(f"glass box: {runtime}")
        try:  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
            out = client.containers.run(
                images.ensure(), ["sh", "-c", "uname -r; dmesg 2>&1 | head -n 1"], runtime=runtime, remove=True,
                mem_limit="64m", pids_limit=512, cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits(),
                labels=labels)
            print(f"{runtime:6s} →", " | ".join(out.decode().split("\n")[:2]))
        except docker.errors.APIError as exc:
            print(course.tr("{runtime:6s} → does not run here: {explanation}").format(
                runtime=runtime, explanation=exc.explanation))
        finally:  # a container that failed to start stays "created" (remove=True never ran): remove it
            left = client.containers.list(all=True, filters={"label": [f"{k}={v}" for k, v in labels.items()],
                                                             "status": "created"})
            for box in left:
                box.remove(force=True)
else:
    print(course.tr("Replay mode: no engine here; the measurements below are recorded ones."))

# %% [markdown]
# Under runc, `uname -r` is the host's kernel and `dmesg` is refused (the host's kernel log is not the
# container's business). Under gVisor, `uname -r` answers a release the Sentry *claims* to be, and `dmesg`
# shows the Sentry's own (playful) boot log, starting with "Starting gVisor...": a different kernel answered.

# %% [markdown] lang="ko"
# runc에서는 `uname -r`이 호스트의 커널을 보여 주고, `dmesg`는 거부됩니다(호스트의 커널 로그는 컨테이너가 알 바가
# 아니니까요). gVisor에서는 `uname -r`이 Sentry가 *자칭하는* 릴리스를 답하고, `dmesg`는 "Starting gVisor..."로 시작하는
# Sentry 자신의 (장난스러운) 부팅 로그를 보여 줍니다. 다른 커널이 대답한 것입니다.

# %% [markdown]
# ## Predict first
#
# gVisor's Sentry catches every system call and serves it itself. A **system call (시스템 콜)** in a plain
# process costs well under a microsecond. Before measuring, write down your guesses:
# - how many times slower is one system call inside a **runc container** than in a plain process?
# - and inside the **gVisor sandbox**?
# - and a CPU loop with no system calls at all, in the gVisor sandbox?

# %% [markdown] lang="ko"
# ## 먼저 예측하기(prediction)
#
# gVisor의 Sentry는 모든 시스템 콜을 가로채 직접 처리합니다. 평범한 프로세스에서 **시스템 콜**(system call) 한 번의 비용은
# 1마이크로초에 한참 못 미칩니다. 측정하기 전에 여러분의 예측을 적어 보세요.
# - 시스템 콜 한 번은 평범한 프로세스보다 **runc 컨테이너** 안에서 몇 배 느릴까요?
# - **gVisor 샌드박스** 안에서는 몇 배 느릴까요?
# - 시스템 콜이 전혀 없는 CPU 반복문은 gVisor 샌드박스 안에서 몇 배 느릴까요?

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
# labelled). The rounds stop by the course's stopping rule: every median within ±5 %, or a 20 s budget for the
# rounds and the VM boots together (the VM boots once, twice only if that fits), and the line under the table says
# how precise the medians got ("± ?": fewer than six trials, too few for a 95 % interval). Where gVisor is not
# installed it replays the recording and says how to go live.

# %% [markdown] lang="ko"
# ## 스펙트럼 측정하기
# <small>Course map: S3.1 · S3.6 · S3.8</small>
#
# `spectrum.measure_spectrum()`은 아래 측정들을 시드를 고정한 무작위 순서로 교차(인터리브) 실행합니다. 그래서 컴퓨터가
# 잠깐 바빠지더라도 모든 방식이 똑같이 영향을 받습니다. 측정 항목은 시작(프로세스: `true`의 fork/exec, 컨테이너:
# 생성 → 시작 → 대기 → 삭제, VM: QEMU 실행 → VM 자신의 `/init`이 보고), `dd bs=1` 반복문(바이트마다 `read` 한 번 +
# `write` 한 번이므로 바이트당 시간 ÷ 2가 시스템 콜 한 번의 비용), 그리고 `awk` 반복문(순수 CPU)입니다. 그다음 유휴
# 인스턴스를 시작하고 호스트에서 그 메모리를 읽습니다. VM은 마지막에 부팅합니다(KVM이 동작하지 않는 곳에서는 TCG 소프트웨어
# 에뮬레이션으로 부팅하며, 결과에 그렇게 표시됩니다). 라운드는 이 과정의 정지 규칙(stopping rule)에 따라 멈춥니다. 모든
# 중앙값이 ±5 % 안에 들어오거나, 라운드와 VM 부팅을 합쳐 20 s의 시간 예산을 다 쓰면 멈춥니다(VM은 한 번 부팅하고,
# 예산에 들어갈 때만 두 번 부팅합니다). 표 아래의 줄은 중앙값이 얼마나 정밀해졌는지 알려 줍니다("± ?"는 시행이 여섯 번보다
# 적어 95 % 구간을 만들 수 없다는 뜻입니다). gVisor가 설치되지 않은 곳에서는 녹화된 측정을 재생하고, 라이브로 측정하는
# 방법을 알려 줍니다.

# %%
from vlab.core import interleave

res, note = spectrum.measure_or_recording()
if note:
    print(note)
print(course.tr("gVisor platform: {platform} · VM: {vm}").format(
    platform=res.extra.get("platform"), vm=res.extra.get("vm", {}).get("accel", course.tr("not measured"))))
display(spectrum.table(res))
print("\n".join(spectrum.table_notes(res)))  # why the VM cells marked ¹ are empty; what its memory ² is
print(interleave.note(res))

# %% [markdown]
# Each number is a median. `—` means not measured in that place, and the notes under the table say why for the
# VM (¹): under TCG software emulation a loop in the guest would time the emulator, not the design. The VM's
# memory (²) is QEMU's resident memory seen from the host (note ² says when it was read), not the memory
# assigned to the VM. Now compare with your guesses:

# %% [markdown] lang="ko"
# 각 수치는 중앙값(median)입니다. `—`는 그 방식에서는 측정하지 않았다는 뜻이며, 표 아래의 주석이 VM(¹)의 경우 그 이유를
# 알려 줍니다. TCG 소프트웨어 에뮬레이션에서 게스트 안의 반복문을 재면 설계가 아니라 에뮬레이터의 시간을 재게 됩니다.
# VM의 메모리(²)는 호스트에서 본 QEMU의 상주 메모리(RSS)이며(언제 읽었는지는 주석 ²에 있습니다), VM에 할당한
# 메모리가 아닙니다. 이제 여러분의 예측과 비교해 보세요.

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
    line = (course.tr("{ratio:28s} measured {value:7.2f}×") if guess is None
            else course.tr("{ratio:28s} measured {value:7.2f}×   your guess {guess}×"))
    print(line.format(ratio=k, value=v, guess=guess))

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

# %% [markdown] lang="ko"
# 숫자 하나하나가 아니라 패턴을 읽으세요.
# - **CPU** 작업에는 커널이 필요 없습니다. 산술 연산은 모든 설계에서 CPU 위에서 직접 실행되므로, 어느 설계도 명령어당
#   비용을 더하지 않습니다(바쁜 공유 컴퓨터에서 수십 퍼센트 정도의 차이는 잡음입니다. 다시 실행하면 달라집니다).
#   격리의 비용은 프로그램이 커널에 무언가를 요청하는 *경계*에서 치릅니다.
# - **시스템 콜**의 비용은 runc에서는 프로세스와 거의 같지만(seccomp 필터가 호출마다 실행되지만 비용이 작습니다), gVisor에서는
#   *훨씬* 큽니다. `ptrace` 플랫폼에서는 시스템 콜마다 프로그램을 멈추고, Sentry를 깨우고, 다시 프로그램을 재개하기 때문입니다.
# - **시작**은 gVisor가 더 느립니다. 여러분의 프로그램이 실행되기 전에 Sentry와 Gofer를 부팅하기 때문입니다. VM은 커널 전체를
#   부팅합니다.
# - 인스턴스당 **메모리**는 이 줄을 따라갈수록 커집니다. 프로세스는 약 1 MiB이고, runc 컨테이너는 바로 그 프로세스입니다.
#   gVisor 샌드박스는 Sentry(자체 메모리 관리자를 가진 Go 프로그램)와 Gofer를 함께 짊어지고, VM은 게스트 커널 전체와 QEMU를
#   짊어집니다.

# %% [markdown]
# ## Your turn: two exercises on your spectrum
# <small>Course map: S3.6 · S3.8</small>
#
# ### Exercise 1: gVisor's system-call factor
# `res.samples` has one row per trial: `metric` (`start`, `syscall`, `cpu` or `memory`), `place` (`process`, `runc`,
# `gvisor`, `vm`), `trial` and `value`. With pandas, compute how many times as much one system call costs in the
# gVisor sandbox as in the runc container: the median `value` of the `syscall` rows of `gvisor` divided by the median
# of those of `runc`.

# %% [markdown] lang="ko"
# ## 직접 해 보기: 여러분의 스펙트럼으로 푸는 연습 문제 두 개
# <small>Course map: S3.6 · S3.8</small>
#
# ### 연습 문제 1: gVisor의 시스템 콜 배수
# `res.samples`에는 시행(trial)마다 한 행이 있으며, 열은 `metric`(`start`, `syscall`, `cpu`, `memory` 중 하나), `place`
# (`process`, `runc`, `gvisor`, `vm`), `trial`, `value`입니다. pandas로 gVisor 샌드박스에서 시스템 콜 한 번의 비용이 runc
# 컨테이너의 몇 배인지 계산하세요. `gvisor`의 `syscall` 행들의 `value` 중앙값을 `runc`의 `syscall` 행들의 중앙값으로
# 나눈 값입니다.

# %% tags=["exercise"]
from vlab.labs import spectrum_exercises

syscall = ...   # the rows of res.samples whose metric is "syscall"
factor = ...    # the median `value` of place "gvisor" ÷ the median `value` of place "runc", from `syscall`

# %%
spectrum_exercises.check_syscall_factor(factor, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `res.samples.query("metric == 'syscall'")` keeps the system-call rows; `.groupby("place")["value"].median()` gives
# one median per place, a Series you index with `["gvisor"]` and `["runc"]`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `res.samples.query("metric == 'syscall'")`은 시스템 콜 행만 남깁니다. 여기에 `.groupby("place")["value"].median()`을
# 붙이면 place마다 중앙값이 하나씩 나오는 Series가 되며, `["gvisor"]`와 `["runc"]`로 값을 꺼낼 수 있습니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
syscall = res.samples.query("metric == 'syscall'")
medians = syscall.groupby("place")["value"].median()
factor = medians["gvisor"] / medians["runc"]
spectrum_exercises.check_syscall_factor(factor, res)

# %% [markdown]
# ### Exercise 2: who shares the host's kernel?
# `res.extra["kernels"]` maps `host` and each instance that ran (`runc`, `gvisor`, `vm`) to the kernel release it
# reported (`uname -r` inside it; the VM's own `/init` for the VM). Make the list of the instances whose release is
# exactly the host's. (A plain process always runs on the host's kernel; it is not in this dictionary.)

# %% [markdown] lang="ko"
# ### 연습 문제 2: 누가 호스트의 커널을 함께 쓸까요?
# `res.extra["kernels"]`는 `host`와 실행된 각 인스턴스(`runc`, `gvisor`, `vm`)를 그 인스턴스가 보고한 커널 릴리스에
# 대응시킨 딕셔너리입니다(인스턴스 안에서 실행한 `uname -r`, VM은 VM 자신의 `/init`이 보고한 값). 릴리스가 호스트의
# 릴리스와 정확히 같은 인스턴스들의 리스트를 만드세요. (평범한 프로세스는 언제나 호스트의 커널 위에서 실행되므로 이
# 딕셔너리에 없습니다.)

# %% tags=["exercise"]
kernels = res.extra["kernels"]
shared = ...   # the keys of kernels, other than "host", whose release equals kernels["host"]

# %%
spectrum_exercises.check_shared_kernel(shared, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# A list comprehension with a condition: `[place for place, release in kernels.items() if ... and ...]`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 조건이 붙은 리스트 컴프리헨션을 쓰세요: `[place for place, release in kernels.items() if ... and ...]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
shared = [place for place, release in kernels.items() if place != "host" and release == kernels["host"]]
spectrum_exercises.check_shared_kernel(shared, res)

# %% [markdown]
# ## What each one sees
#
# The same commands, run as a plain process on the host, in the runc container and in the gVisor sandbox.
# (A command that would change the host is only run inside the sandboxes.)

# %% [markdown] lang="ko"
# ## 각 방식이 보는 것
#
# 같은 명령을 호스트의 평범한 프로세스, runc 컨테이너, gVisor 샌드박스에서 각각 실행합니다.
# (호스트를 변경할 수 있는 명령은 샌드박스 안에서만 실행합니다.)

# %%
spectrum.sees_table(res)

# %% tags=["keep_output", "nbval-check-output"]
check = res.extra["self_check"]
print(course.tr("runc container sees the host's kernel:"), check["runc_sees_host_kernel"])
print(course.tr("gVisor sandbox sees a kernel release different from the host's:"), check["gvisor_sees_other_kernel"])

# %% [markdown]
# The gVisor sandbox reports a kernel release that is not the host's, has a much smaller `/proc`, no
# `/proc/kallsyms` or `/proc/modules`, and refuses `adjtimex` even for reading the clock: a kernel that
# implements the system calls applications need, and not the rest. That is also its compatibility cost: a
# program that needs a system call gVisor does not implement fails there.

# %% [markdown] lang="ko"
# gVisor 샌드박스는 호스트와 다른 커널 릴리스를 보고하고, `/proc`이 훨씬 작으며, `/proc/kallsyms`나 `/proc/modules`가 없고,
# 시계를 읽기만 할 때도 `adjtimex`를 거부합니다. 애플리케이션에 필요한 시스템 콜만 구현하고 나머지는 구현하지 않은
# 커널이라는 뜻입니다. 이것은 호환성 비용이기도 합니다. gVisor가 구현하지 않은 시스템 콜이 필요한 프로그램은 그 안에서
# 실패합니다.

# %% [markdown]
# ### Self-check on your data
# The lesson's two claims, asserted on the measurements above (live or replayed): the sandbox runs on a kernel
# that is not the host's, and its system calls cost more than a runc container's.

# %% [markdown] lang="ko"
# ### 여러분의 데이터로 스스로 점검(self-check)
# 이 수업의 두 가지 주장을 위 측정 결과(라이브 또는 리플레이)로 확인(assert)합니다. 샌드박스는 호스트와 다른 커널 위에서
# 실행되고, 그 시스템 콜은 runc 컨테이너의 시스템 콜보다 비용이 큽니다.

# %%
assert check["gvisor_sees_other_kernel"], check
assert check["gvisor_syscalls_costlier"], check
print(course.tr("✓ gVisor sees kernel {gvisor_kernel} (host: {host_kernel}); one system call costs "
                "{gvisor:.1f}× a process's in gVisor vs {runc:.2f}× in runc.").format(
    gvisor_kernel=check["gvisor_kernel"], host_kernel=check["host_kernel"],
    gvisor=check["syscall_factor_gvisor"], runc=check["syscall_factor_runc"]))

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

# %% [markdown] lang="ko"
# ## 공개된 수치: gVisor 자체 벤치마크
# <small>Course map: S3.6 · S3.8</small>
#
# gVisor 성능 가이드에는 gVisor 팀이 직접 측정한 같은 비교 결과가 공개되어 있습니다(GCE n1-standard-4, Debian 9, 커널 4.19,
# 출처는 마지막 열). 그들의 컴퓨터와 측정 방법은 여러분의 것과 다르므로, 수치 자체가 아니라 *배수*를 비교하세요.
# 플랫폼에 주목하세요. `ptrace`에서는 순수 시스템 콜 하나가 runc의 약 20×이지만, KVM 플랫폼에서는 오히려 runc보다
# *빠릅니다*. gVisor의 성능을 좌우하는 가장 큰 단일 선택은 플랫폼입니다. 또 다른 샌드박스 컨테이너 설계인 Kata Containers는
# 각 컨테이너를 자기 게스트 커널을 가진 경량 VM 안에서 실행합니다. 이 줄의 가장 오른쪽 끝에 있으면서, 인터페이스는
# 컨테이너와 같습니다.

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

# %% [markdown] lang="ko"
# ## 각 설계의 트레이드오프
#
# - **프로세스**: 사용자와 권한 말고는 격리가 없습니다. 치를 비용도 없습니다.
# - **runc 컨테이너**: 호스트 커널이 보여 주고 허용하는 것을 *제한*해서 격리합니다(네임스페이스, cgroup, 케이퍼빌리티, seccomp).
#   거의 공짜이지만 모든 시스템 콜이 여전히 호스트 커널에 도달하므로, 컨테이너 안에서 커널 버그를 건드릴 수 있습니다
#   (10 · 보안).
# - **gVisor 샌드박스**: 커널을 사용자 공간에 *다시 구현*해서 격리합니다. Sentry의 버그는 호스트 커널의 버그가 아니며,
#   Sentry 자신이 쓰는 호스트 시스템 콜은 적고 필터링되어 있습니다. 대신 시스템 콜마다, 시작할 때, 메모리에서, 그리고
#   호환성에서 비용을 치릅니다.
# - **VM**: *하드웨어를 가상화*해서 격리합니다. CPU의 도움을 받아 게스트 커널 전체를 실행합니다. 가장 강한 경계(S3.8)이면서
#   가장 무겁습니다. 부팅할 커널과 그 커널을 위한 메모리가 필요합니다(S3.6, S3.7).

# %% [markdown]
# ## Race the three
#
# One button starts a runc container, a gVisor sandbox and a QEMU VM at the same instant. Live where all three
# work here; otherwise recorded runs replayed at their recorded pace (the widget says which).

# %% [markdown] lang="ko"
# ## 셋이 경주하기
#
# 버튼 하나로 runc 컨테이너, gVisor 샌드박스, QEMU VM을 같은 순간에 시작합니다. 이 컴퓨터에서 셋 모두 동작하면 라이브로
# 실행하고, 그렇지 않으면 녹화된 실행을 기록된 속도 그대로 재생합니다(어느 쪽인지는 위젯이 알려 줍니다).

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

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **컨테이너**와 **VM** 사이에는 **샌드박스 컨테이너**가 있습니다. gVisor는 컨테이너마다 자기만의
#   **사용자 공간 커널**(Sentry)을 주고, Kata Containers는 컨테이너마다 경량 VM을 줍니다.
# - 프로그램과 호스트 커널 사이에 있는 것: 없음(프로세스), 공유 커널 위의 필터(runc), 사용자 공간에 있는 자기만의
#   커널(gVisor), 게스트 커널과 VMM(VM).
# - **CPU 작업의 비용은 모든 설계에서 같습니다**. 격리의 비용은 **시스템 콜 경계**에서, **시작**할 때, 그리고
#   **인스턴스당 메모리**로 치르며, 이 줄을 따라갈수록 커집니다.
# - gVisor의 비용은 **플랫폼**에 따라 달라집니다. `ptrace`는 모든 시스템 콜을 비싸게 만들고, `systrap`과 `kvm`은 훨씬
#   덜 그렇습니다.
#
# **다음:** [11 · 복습](11_review.ipynb): 강의 전체를 아우르는 퀴즈입니다. · [용어집 · Glossary](99_glossary.ipynb)
