# %% [markdown]
# # 00 · Start here: how this course works
#
# Welcome to **vlab**, a hands-on course on **virtualization (가상화)**. You will not only read
# about servers, hypervisors and containers: you will *measure* them, on your own machine.
#
# **Learning objectives**
# - Know how the course is organised, and in which order to read the notebooks.
# - Run the **doctor** and understand what your machine can measure live.
# - Understand the difference between **live mode** and **replay mode**, and how to switch.
# - Start your first safe, limited **container (컨테이너)** and read what it tells you.

# %% [markdown] lang="ko"
# # 00 · 시작하기: 이 강좌는 이렇게 진행됩니다
#
# **vlab**에 오신 것을 환영합니다. vlab은 **가상화**(virtualization)를 직접 해 보며 배우는 실습 강좌입니다.
# 여러분은 서버, 하이퍼바이저, 컨테이너에 대해 읽기만 하는 것이 아니라 여러분의 컴퓨터에서 직접 *측정*하게 됩니다.
#
# **학습 목표**
# - 강좌가 어떻게 구성되어 있는지, 노트북을 어떤 순서로 읽으면 되는지 압니다.
# - **doctor**를 실행하고, 내 컴퓨터에서 무엇을 실시간으로 측정할 수 있는지 이해합니다.
# - **라이브 모드**(live mode)와 **리플레이 모드**(replay mode)의 차이, 그리고 두 모드를 전환하는 방법을 이해합니다.
# - 안전하게 제한된 첫 번째 **컨테이너**(container)를 실행하고, 컨테이너가 알려 주는 정보를 읽어 냅니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## How the course works
# <small>Course map: S2.5</small>
#
# The course follows one set of lecture notes, *가상화기술* (virtualization technology), in three parts:
#
# 1. **Servers (서버)**: what a server is, client and server, web server and WAS, three ways to run servers.
# 2. **Hypervisor virtualization (하이퍼바이저 가상화)**: isolation, resource allocation, host and guest OS, system calls.
# 3. **Container virtualization (컨테이너 가상화)**: namespaces, cgroups, low overhead, fast start, weaker isolation.
#
# There are two ways to build a "computer inside a computer": a **hypervisor**, which runs a whole
# guest operating system with its own kernel, and a **container**, which shares the host's kernel.
# Most notebooks measure one side against the other.
#
# Every notebook has the same shape: **learning objectives** at the top, explanations, the plain interface
# (the Docker SDK, `/proc` files) before any vlab helper, a **prediction** before each headline measurement,
# something you *see happen* (a live measurement, a widget or a figure), **exercises** where you write code (with
# a checker, a hint and a hidden solution), and **key points** at the end. Key terms appear in English with the Korean term beside them; the
# [glossary (용어집)](99_glossary.ipynb) lists them all.
#
# **Live or replay?** vlab drives a real Docker engine through the Docker SDK for Python.
# - **Live mode**: a Docker engine answers, so every number is measured now, on your machine.
# - **Replay mode**: no engine here (Binder, a classroom hub, Docker stopped). Every notebook still runs,
#   on *real* measurements that `vlab record` made on a Linux machine. The banner above says which mode you are in
#   and, in replay mode, why and how to go live. You can force a mode with `VLAB_MODE=live` or `VLAB_MODE=replay`.

# %% [markdown] lang="ko"
# ## 강좌 진행 방식
# <small>Course map: S2.5</small>
#
# 이 강좌는 강의 노트 *가상화기술* 하나를 따라가며, 세 부분으로 나뉩니다.
#
# 1. **서버**(server): 서버란 무엇인지, 클라이언트(client)와 서버, 웹 서버와 WAS, 서버를 운영하는 세 가지 방식.
# 2. **하이퍼바이저 가상화**(hypervisor virtualization): 격리(isolation), 리소스 분배(resource allocation), 호스트 OS와 게스트 OS, 시스템 콜(system call).
# 3. **컨테이너 가상화**(container virtualization): 네임스페이스, cgroup, 낮은 오버헤드, 빠른 시작, 상대적으로 약한 격리.
#
# "컴퓨터 안의 컴퓨터"를 만드는 방법은 두 가지입니다. 하나는 자체 커널을 가진 게스트 운영체제 전체를 실행하는
# **하이퍼바이저**(hypervisor)이고, 다른 하나는 호스트의 커널을 함께 쓰는 **컨테이너**입니다.
# 대부분의 노트북은 이 둘을 나란히 놓고 측정합니다.
#
# 모든 노트북은 같은 틀을 따릅니다. 맨 위에 **학습 목표**(learning objectives)가 있고 이어서 설명이 나옵니다.
# vlab의 도우미 함수보다 기본 인터페이스(Docker SDK, `/proc` 파일)를 먼저 보여 주며, 중요한 측정 앞에는 항상
# **예측**(prediction)을 먼저 합니다. 실시간 측정, 위젯, 그림처럼 무언가가 *실제로 일어나는 모습*을 볼 수 있고,
# 직접 코드를 작성하는 **연습 문제**(exercise)에는 채점기(checker), 힌트(hint), 숨겨진 풀이(solution)가 딸려 있습니다.
# 마지막에는 **핵심 정리**(key points)가 있습니다. 주요 용어는 한국어와 영어를 함께 적었으며,
# [용어집(glossary)](99_glossary.ipynb)에 모두 정리되어 있습니다.
#
# **라이브 모드일까요, 리플레이 모드일까요?** vlab은 Python용 Docker SDK를 통해 실제 Docker 엔진을 구동합니다.
# - **라이브 모드**: Docker 엔진이 응답하므로, 모든 수치를 지금 여러분의 컴퓨터에서 측정합니다.
# - **리플레이 모드**: 이곳에 엔진이 없는 경우입니다(Binder, 강의실 허브, Docker가 중지된 경우 등). 이때도 모든 노트북이
#   실행되며, `vlab record`가 Linux 컴퓨터에서 기록해 둔 *실제* 측정값을 사용합니다. 위의 배너에 지금 어떤 모드인지
#   표시되고, 리플레이 모드라면 그 이유와 라이브 모드로 바꾸는 방법도 알려 줍니다. `VLAB_MODE=live` 또는
#   `VLAB_MODE=replay`로 모드를 강제로 지정할 수도 있습니다.

# %% [markdown]
# ## Check your machine with the doctor
#
# The **doctor** checks everything the course needs: the Docker engine and your permission to use its
# socket, the course images (built locally, no registry needed), the cgroup version, QEMU and a kernel
# for booting a real virtual machine, and whether hardware virtualization (KVM) really works.
# Each line is ✓ (fine) or ✗ (with the fix). The same check runs in a terminal as `vlab doctor`.
# **KVM** is Linux's hardware virtualization; notebook 08 explains it (the check below skips the slow KVM test).

# %% [markdown] lang="ko"
# ## doctor로 내 컴퓨터 점검하기
#
# **doctor**는 강좌에 필요한 모든 것을 점검합니다. Docker 엔진과 그 소켓(socket)을 사용할 권한, 강좌용 이미지
# (레지스트리 없이 로컬에서 빌드합니다), cgroup 버전, 실제 가상 머신을 부팅하는 데 필요한 QEMU와 커널, 그리고
# 하드웨어 가상화(KVM)가 실제로 동작하는지를 확인합니다. 각 줄은 ✓(정상) 또는 ✗(해결 방법과 함께)로 표시됩니다.
# 터미널에서 `vlab doctor`를 실행해도 같은 점검을 할 수 있습니다.
# **KVM**은 Linux의 하드웨어 가상화 기능으로, 노트북 08에서 설명합니다(아래 점검은 시간이 오래 걸리는 KVM 테스트를 건너뜁니다).

# %%
from vlab import doctor

report = doctor.run(probe_kvm=False)
report

# %% [markdown]
# The doctor decides the mode for the whole course:

# %% [markdown] lang="ko"
# doctor가 강좌 전체의 모드를 결정합니다.

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("The doctor's verdict matches the banner:"), report.mode == mode.name)

# %% [markdown]
# ## Your first container (컨테이너)
# <small>Course map: S3.5 · S3.9</small>
#
# A container is an ordinary process on your machine that the kernel has put in an **isolated space**.
# vlab starts every container through its **sandbox**, which always applies safety defaults:
# a `vlab` label, a memory limit, a process (pids) limit, all Linux capabilities (root's special powers,
# notebook 10) dropped, no network, no privileged mode, and removal when the cell ends, even if you interrupt it.
#
# ### The plain interface first
# **Predict first.** How long does it take to create a container, run one tiny command in it and remove it again:
# about 1 ms (like starting a process), 100 ms, or 10 s (like booting a computer)? Write a number of milliseconds.

# %% [markdown] lang="ko"
# ## 첫 번째 컨테이너(container)
# <small>Course map: S3.5 · S3.9</small>
#
# 컨테이너는 커널이 **격리된 공간**에 넣어 둔, 여러분 컴퓨터의 평범한 프로세스입니다.
# vlab은 모든 컨테이너를 **샌드박스**(sandbox)를 통해 시작하며, 샌드박스는 항상 다음 안전 기본값을 적용합니다.
# `vlab` 레이블, 메모리 제한, 프로세스(pids) 제한, 모든 Linux 케이퍼빌리티(capability: root의 특별한 권한,
# 노트북 10) 제거, 네트워크 없음, 특권 모드 금지, 그리고 셀이 끝나면 컨테이너 삭제(여러분이 중간에 멈추더라도)입니다.
#
# ### 먼저 기본 인터페이스부터
# **먼저 예측해 보세요.** 컨테이너를 만들고, 그 안에서 아주 작은 명령 하나를 실행한 뒤, 다시 삭제하기까지 얼마나 걸릴까요?
# 약 1 ms(프로세스 하나를 시작하는 정도), 100 ms, 아니면 10 s(컴퓨터를 부팅하는 정도)일까요? 밀리초 단위의 숫자로 적어 보세요.

# %%
predicted_ms = None  # ← your prediction in milliseconds, e.g. 1000

# %% [markdown]
# This is the **Docker SDK for Python** (`docker` package) with nothing of vlab around it: connect to the engine,
# run a container of the course's busybox image with a label, a memory and a process limit, no capabilities and no
# network, and remove it when it exits (`remove=True`). In replay mode there is no engine, so it shows a recorded time.

# %% [markdown] lang="ko"
# 아래는 vlab을 전혀 거치지 않은 **Python용 Docker SDK**(`docker` 패키지)입니다. 엔진에 연결한 다음,
# 강좌의 busybox 이미지로 컨테이너를 실행합니다. 레이블을 붙이고, 메모리와 프로세스 수를 제한하고,
# 케이퍼빌리티와 네트워크는 모두 없애며, 종료되면 삭제합니다(`remove=True`). 리플레이 모드에서는 엔진이 없으므로 기록된 시간을 보여 줍니다.

# %%
import time

import docker

if mode.live:
    client = docker.from_env()
    t0 = time.perf_counter()
    try:  # ulimits: explicit nofile/nproc, as with no capabilities Podman could not raise its own defaults
        out = client.containers.run("vlab/busybox:1", ["sh", "-c", "echo $$; uname -r"], remove=True,
                                    labels={"vlab": "1", "vlab.purpose": "glass-box-first"}, mem_limit="32m",
                                    pids_limit=16, cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits())
        measured_ms = (time.perf_counter() - t0) * 1000
    finally:  # a container that failed to start stays "created" (remove=True never ran): remove it
        for box in client.containers.list(all=True, filters={"label": "vlab.purpose=glass-box-first",
                                                            "status": "created"}):
            box.remove(force=True)
    print(out.decode(), course.tr("{ms:.0f} ms from create to remove").format(ms=measured_ms))
else:
    from vlab.labs.first_container import recorded_run_ms

    measured_ms = recorded_run_ms()
    print(course.tr("replay mode: the recorded median is {ms:.0f} ms from create to remove (notebook 07's ladder)")
          .format(ms=measured_ms))

# %%
from vlab.labs import first_container

print(first_container.compare_start_prediction(predicted_ms, measured_ms))

# %% [markdown]
# vlab does this with more care: its **sandbox** adds a run label (so a crashed notebook's containers are found and
# removed), removes the container even when you press Ctrl-C, refuses unsafe settings, and in replay mode returns a
# real recorded run. Below, a tiny container (a 1 MB image holding only `busybox`) prints three facts about itself.
# In replay mode the facts come from a recorded run.

# %% [markdown] lang="ko"
# vlab은 같은 일을 더 꼼꼼하게 처리합니다. vlab의 **샌드박스**는 실행 레이블을 붙이고(노트북이 비정상 종료되어도
# 남은 컨테이너를 찾아 삭제할 수 있도록), Ctrl-C를 눌러도 컨테이너를 삭제하며, 안전하지 않은 설정은 거부하고,
# 리플레이 모드에서는 실제로 기록된 실행 결과를 돌려줍니다. 아래에서는 아주 작은 컨테이너(`busybox`만 들어 있는
# 1 MB 이미지)가 자기 자신에 대한 사실 세 가지를 출력합니다. 리플레이 모드에서는 이 사실들을 기록된 실행에서 가져옵니다.

# %%
facts = first_container.look_inside()
facts

# %% [markdown]
# Two facts matter already:
# - Inside the container, the command you started is **process number 1** (PID 1): the container has its
#   own process list, a first hint of *namespaces (네임스페이스)*.
# - The container reports the **same kernel (커널) release** as the host: a container has **no kernel of its
#   own**. (The kernel is the core of the operating system, the part that drives the hardware; notebook 04
#   explains it.) This is why a container starts fast, and why it cannot run another operating system's kernel:
#   it *can* run another Linux distribution (an Alpine image on a Debian host), because every Linux distribution
#   talks to the same Linux kernel, but not Windows or macOS programs.

# %% [markdown] lang="ko"
# 벌써 두 가지 사실이 중요합니다.
# - 컨테이너 안에서는 여러분이 시작한 명령이 **1번 프로세스**(PID 1)입니다. 컨테이너가 자기만의 프로세스 목록을
#   가지고 있다는 뜻으로, *네임스페이스*(namespace)의 첫 번째 단서입니다.
# - 컨테이너는 호스트와 **같은 커널**(kernel) **릴리스**를 보고합니다. 컨테이너에는 **자신만의 커널이 없습니다**.
#   (커널은 운영체제의 핵심으로, 하드웨어를 직접 구동하는 부분입니다. 노트북 04에서 설명합니다.) 그래서 컨테이너는
#   빨리 시작되지만, 다른 운영체제의 커널은 실행할 수 없습니다. 모든 Linux 배포판은 같은 Linux 커널과 대화하므로
#   다른 Linux 배포판(Debian 호스트 위의 Alpine 이미지)은 *실행할 수 있지만*, Windows나 macOS 프로그램은 실행할 수 없습니다.

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("PID of the first process inside the container:"), facts.pid_inside)
print(course.tr("Container kernel is the host kernel:"), facts.same_kernel)

# %% [markdown]
# ### The sandbox at work
# The container is already gone. Here is the configuration the engine applied to it (its `HostConfig`):
# all capabilities dropped, not privileged, no network, a memory limit (in bytes: divide by 1,048,576 for MiB)
# and a maximum number of processes.

# %% [markdown] lang="ko"
# ### 샌드박스가 하는 일
# 컨테이너는 이미 사라졌습니다. 다음은 엔진이 이 컨테이너에 적용했던 설정(`HostConfig`)입니다.
# 모든 케이퍼빌리티 제거, 특권 모드 아님, 네트워크 없음, 메모리 제한(바이트 단위이므로 MiB로 바꾸려면 1,048,576으로 나누세요),
# 그리고 최대 프로세스 수입니다.

# %% tags=["keep_output", "nbval-check-output"]
for key, value in facts.safety.items():
    print(f"{key:>12}: {value}")

# %% [markdown]
# ## Exercise 1: the memory limit in MiB
# <small>Course map: S3.5</small>
#
# `facts.safety["Memory"]` is the container's memory limit as the engine stores it, in **bytes**. Compute it in
# **MiB** (mebibytes, 1 MiB = 1024 × 1024 bytes) from that value, not by typing the number.

# %% [markdown] lang="ko"
# ## 연습 문제 1: 메모리 제한을 MiB로
# <small>Course map: S3.5</small>
#
# `facts.safety["Memory"]`는 엔진이 저장해 둔 컨테이너의 메모리 제한이며, 단위는 **바이트**입니다.
# 숫자를 직접 입력하지 말고 이 값에서 출발해 **MiB**(메비바이트, 1 MiB = 1024 × 1024 바이트) 단위로 계산하세요.

# %% tags=["exercise"]
memory_mib = ...  # ← computed from facts.safety["Memory"]

# %%
first_container.check_memory_mib(memory_mib, facts)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Divide by 1024 twice: `facts.safety["Memory"] / 1024 / 1024`, or `/ 1024**2`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 1024로 두 번 나누면 됩니다. `facts.safety["Memory"] / 1024 / 1024` 또는 `/ 1024**2`를 쓰세요.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
memory_mib = facts.safety["Memory"] / 1024**2
first_container.check_memory_mib(memory_mib, facts)

# %% [markdown]
# ## Exercise 2: a safe container with docker-py
# <small>Course map: S3.5</small>
#
# Fill in the keyword arguments for `client.containers.run(...)` so that your container follows the course's
# safety rules: the labels `{"vlab": "1", "vlab.purpose": "my-first-container"}`, a **32 MiB** memory limit, at most
# **16** processes, every capability dropped, **no network**, and removal when it exits. Live, the cell after the
# checker runs it with `uname -r` (once the checker says PASS) and compares the kernel with this machine's.

# %% [markdown] lang="ko"
# ## 연습 문제 2: docker-py로 안전한 컨테이너 만들기
# <small>Course map: S3.5</small>
#
# 여러분의 컨테이너가 강좌의 안전 규칙을 따르도록 `client.containers.run(...)`의 키워드 인자를 채우세요.
# 레이블은 `{"vlab": "1", "vlab.purpose": "my-first-container"}`, 메모리 제한은 **32 MiB**, 프로세스는 최대 **16**개,
# 모든 케이퍼빌리티 제거, **네트워크 없음**, 그리고 종료되면 삭제입니다. 라이브 모드에서는 채점기가 PASS라고 하면
# 채점기 다음 셀이 이 설정으로 `uname -r`을 실행하고, 그 커널을 이 컴퓨터의 커널과 비교합니다.

# %% tags=["exercise"]
run_kwargs = dict(
    labels={"vlab": "1", "vlab.purpose": ...},
    mem_limit=...,
    pids_limit=...,
    cap_drop=...,
    network_mode=...,
    remove=...,
)

# %%
verdict = first_container.check_safe_kwargs(run_kwargs)
verdict

# %% [markdown]
# <details><summary>Hint</summary>
#
# The names are in the plain docker-py cell above: `mem_limit="32m"`, `pids_limit=16`, `cap_drop=["ALL"]`,
# `network_mode="none"`, `remove=True`. Label values are strings.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 인자 이름은 위의 기본 docker-py 셀에 모두 나와 있습니다. `mem_limit="32m"`, `pids_limit=16`, `cap_drop=["ALL"]`,
# `network_mode="none"`, `remove=True`입니다. 레이블 값은 문자열입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
run_kwargs = dict(labels={"vlab": "1", "vlab.purpose": "my-first-container"}, mem_limit="32m", pids_limit=16,
                  cap_drop=["ALL"], network_mode="none", remove=True)
verdict = first_container.check_safe_kwargs(run_kwargs)
verdict

# %%
import platform

if verdict and mode.live:
    try:  # ulimits: explicit nofile/nproc (see the first container above)
        kernel = client.containers.run("vlab/busybox:1", ["uname", "-r"], ulimits=course.ulimits(),
                                       **run_kwargs).decode().strip()
    finally:  # if it failed to start, it stays "created": remove it
        for box in client.containers.list(all=True, filters={"label": "vlab.purpose=my-first-container",
                                                            "status": "created"}):
            box.remove(force=True)
    print(course.tr("your container's kernel: {kernel}; this machine's: {host}; the same: {same}")
          .format(kernel=kernel, host=platform.release(), same=kernel == platform.release()))
elif verdict:
    print(course.tr("replay mode: no engine to run it on; the recorded kernel inside was {kernel}")
          .format(kernel=facts.kernel_inside))

# %% [markdown]
# ## The course, in order
#
# | # | Notebook | What you do |
# |---|---|---|
# | 00 | [Start here](00_start_here.ipynb) | this page: modes, doctor, first container |
# | 01 | [Servers](01_servers.ipynb) | be the client of a real web server and a real application server |
# | 02 | [DevOps and IaC](02_devops_iac.ipynb) | declare two servers as code; plan, apply, destroy |
# | 03 | [Why virtualize](03_why_virtualize.ipynb) | interference, isolation, resource allocation, economics |
# | 04 | [Hypervisors](04_hypervisors.ipynb) | host and guest OS, system calls, the hypervisor as translator |
# | 05 | [Namespaces](05_namespaces.ipynb) | what a container can see, host view against container view |
# | 05b | [A container by hand](05b_container_by_hand.ipynb) | write an OCI `config.json` and run it with `runc`, no engine |
# | 06 | [cgroups](06_cgroups.ipynb) | memory, CPU and process limits, OOM kill, noisy neighbours |
# | 07 | [Start time](07_start_time.ipynb) | how fast a container starts, and where the time goes |
# | 08 | [VM vs container](08_vm_vs_container.ipynb) | boot a real VM and race it against a container |
# | 09 | [Overhead](09_overhead.ipynb) | what a container costs against native |
# | 10 | [Security](10_security.ipynb) | capabilities, seccomp, the Docker socket, the trade-off |
# | 11 | [Review](11_review.ipynb) | a quiz across the whole course |
# | 99 | [Glossary](99_glossary.ipynb) | every key term, English and Korean |
#
# Where each concept of the lecture notes is taught (the ids S1.1 … S3.9 follow the lecture notes' order;
# every section of the course names the ids it teaches):

# %% [markdown] lang="ko"
# ## 강좌 순서
#
# | # | 노트북 | 하는 일 |
# |---|---|---|
# | 00 | [시작하기](00_start_here.ipynb) | 이 페이지: 모드, doctor, 첫 번째 컨테이너 |
# | 01 | [서버](01_servers.ipynb) | 실제 웹 서버와 실제 애플리케이션 서버의 클라이언트가 되어 봅니다 |
# | 02 | [데브옵스와 IaC](02_devops_iac.ipynb) | 서버 두 대를 코드로 선언하고 계획, 적용, 삭제합니다 |
# | 03 | [왜 가상화하는가](03_why_virtualize.ipynb) | 간섭, 격리, 리소스 분배, 경제성 |
# | 04 | [하이퍼바이저](04_hypervisors.ipynb) | 호스트 OS와 게스트 OS, 시스템 콜, 통역가로서의 하이퍼바이저 |
# | 05 | [네임스페이스](05_namespaces.ipynb) | 컨테이너가 볼 수 있는 것, 호스트에서 본 모습과 컨테이너에서 본 모습 비교 |
# | 05b | [손으로 만드는 컨테이너](05b_container_by_hand.ipynb) | OCI `config.json`을 작성하고 엔진 없이 `runc`로 실행합니다 |
# | 06 | [cgroup](06_cgroups.ipynb) | 메모리·CPU·프로세스 제한, 메모리 부족 강제 종료(OOM), 시끄러운 이웃 |
# | 07 | [시작 시간](07_start_time.ipynb) | 컨테이너가 얼마나 빨리 시작되는지, 그 시간이 어디에 쓰이는지 |
# | 08 | [VM 대 컨테이너](08_vm_vs_container.ipynb) | 실제 VM을 부팅해 컨테이너와 속도를 겨룹니다 |
# | 09 | [오버헤드](09_overhead.ipynb) | 네이티브와 비교했을 때 컨테이너가 치르는 비용 |
# | 10 | [보안](10_security.ipynb) | 케이퍼빌리티, seccomp, 도커 소켓, 그리고 트레이드오프 |
# | 11 | [복습](11_review.ipynb) | 강좌 전체를 아우르는 퀴즈 |
# | 99 | [용어집](99_glossary.ipynb) | 모든 핵심 용어를 영어와 한국어로 |
#
# 강의 노트의 각 개념을 어디에서 가르치는지 정리한 표입니다(S1.1 … S3.9라는 id는 강의 노트의 순서를 따르며,
# 강좌의 각 절에는 그 절에서 가르치는 id가 적혀 있습니다).

# %%
from IPython.display import Markdown

from vlab.labs import coverage

Markdown(coverage.compact_markdown(link_prefix=""))

# %% [markdown]
# ## Key points
# - vlab measures virtualization on **your** machine; without Docker it **replays** real recorded runs and says so.
# - `vlab doctor` tells what works and how to fix what does not.
# - Every container vlab starts is **labelled, limited and removed**; `vlab clean` removes anything a crash left.
# - A container's first process is PID 1 in its own namespace, and it runs on the **host's kernel**.
#
# **Next:** [01 · Servers](01_servers.ipynb) · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - vlab은 **여러분의** 컴퓨터에서 가상화를 측정합니다. Docker가 없으면 실제로 기록된 실행을 **재생**(replay)하며, 그렇다고 알려 줍니다.
# - `vlab doctor`는 무엇이 동작하는지, 그리고 동작하지 않는 것은 어떻게 고치는지 알려 줍니다.
# - vlab이 시작하는 모든 컨테이너는 **레이블이 붙고, 제한되며, 삭제됩니다**. 비정상 종료로 남은 것은 `vlab clean`이 삭제합니다.
# - 컨테이너의 첫 번째 프로세스는 자기 네임스페이스 안에서 PID 1이며, 컨테이너는 **호스트의 커널** 위에서 실행됩니다.
#
# **다음:** [01 · 서버](01_servers.ipynb) · [용어집 · Glossary](99_glossary.ipynb)
