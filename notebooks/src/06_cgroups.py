# %% [markdown]
# # 06 · cgroups: how much a container may use (컨트롤 그룹)
#
# **Learning objectives.** After this notebook you can
# - explain what a **cgroup (control group, 컨트롤 그룹)** does and find a container's limits in its cgroup files,
#   on cgroup v1 and v2;
# - predict and observe what happens when a container exceeds its **memory** limit (**OOM kill, 메모리 부족 강제
#   종료**, exit 137);
# - measure how a **CPU quota** shares out CPU time, and how a **pids** limit stops a fork bomb;
# - measure **interference (간섭)** from a **noisy neighbour (시끄러운 이웃)** on one machine and how **resource
#   allocation (리소스 분배)** removes it.

# %% [markdown] lang="ko"
# # 06 · cgroup(컨트롤 그룹): 컨테이너는 얼마나 쓸 수 있을까
#
# **학습 목표(learning objectives).** 이 노트북을 마치면 여러분은 다음을 할 수 있습니다.
# - **cgroup**(control group, 컨트롤 그룹)이 하는 일을 설명하고, cgroup v1과 v2에서 컨테이너(container)의
#   제한값을 cgroup 파일에서 찾을 수 있습니다.
# - 컨테이너가 **메모리** 제한을 넘으면 어떤 일이 일어나는지 예측하고 관찰할 수 있습니다(**메모리 부족 강제
#   종료**(OOM kill), exit 137).
# - **CPU 할당량**(CPU quota)이 CPU 시간을 어떻게 나누는지, **pids** 제한이 포크 폭탄(fork bomb)을 어떻게 막는지
#   측정할 수 있습니다.
# - 한 머신에서 **시끄러운 이웃**(noisy neighbour)이 일으키는 **간섭**(interference)을 측정하고, **리소스
#   분배**(resource allocation)가 이를 어떻게 없애는지 확인할 수 있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Why limits: one program can hurt the others
# <small>Course map: S2.2 · S2.3</small>
#
# When many programs share one operating system, one program that crashes or **hogs** a resource slows down or
# breaks the others: **interference (간섭)**. Virtualization answers with **isolation (격리)** and **resource
# allocation (리소스 분배)**: each virtual environment gets a logical share, a maximum of CPU and memory. Namespaces
# (notebook 05) hide things; **cgroups (control groups, 컨트롤 그룹)** limit how much a group of processes may use:
# memory, CPU time, the number of processes and disk bandwidth. Network bandwidth is **not** one of them: cgroup v1's
# `net_cls` and `net_prio` controllers only tag or prioritise a group's packets so that traffic control (`tc`) can
# shape them, and cgroup v2 has no network controller at all. Network limits come from `tc` and the network
# namespace, not from a cgroup.

# %% [markdown] lang="ko"
# ## 왜 제한이 필요할까요? 한 프로그램이 다른 프로그램에 피해를 줍니다
# <small>Course map: S2.2 · S2.3</small>
#
# 여러 프로그램이 하나의 운영체제를 함께 쓰면, 한 프로그램이 오류로 멈추거나 리소스를 **독차지**(hog)할 때 다른
# 프로그램까지 느려지거나 망가집니다. 이것이 **간섭**입니다. 가상화(virtualization)는 **격리**(isolation)와
# **리소스 분배**로 이 문제를 해결합니다. 각 가상 환경은 논리적인 몫, 즉 쓸 수 있는 CPU와 메모리의 최대값을
# 받습니다. 네임스페이스(namespace, 노트북 05)는 대상을 감추고, **cgroup**(컨트롤 그룹)은 프로세스 그룹이 메모리,
# CPU 시간, 프로세스 개수, 디스크 대역폭을 얼마나 쓸 수 있는지 제한합니다. 네트워크 대역폭은 여기에 **들어가지
# 않습니다**. cgroup v1의 `net_cls`와 `net_prio` 컨트롤러는 트래픽 제어(`tc`)가 패킷을 조절할 수 있도록 그룹의
# 패킷에 표시를 하거나 우선순위를 매길 뿐이고, cgroup v2에는 네트워크 컨트롤러가 아예 없습니다. 네트워크 제한은
# cgroup이 아니라 `tc`와 네트워크 네임스페이스가 맡습니다.

# %% [markdown]
# ## The limits, read back from the container's own cgroup files
# <small>Course map: S3.4</small>
#
# Docker writes each limit into a file of the container's cgroup. The file names differ between cgroup **v1**
# (`memory.limit_in_bytes`, `cpu.cfs_quota_us` / `cpu.cfs_period_us`, `pids.max`) and the unified cgroup **v2**
# used by modern Ubuntu, Fedora and Debian (`memory.max`, `cpu.max`, `pids.max`).
#
# **First by hand (glass box).** The cell below uses nothing but the Docker SDK for Python: it starts a busybox
# container with a 32 MiB memory limit and half a CPU, and the container prints its own cgroup files (v2 first, v1
# if that fails). The container is labelled as vlab's, runs without capabilities, network or more than 16
# processes, and is removed whatever happens (`try` / `finally`).

# %% [markdown] lang="ko"
# ## 컨테이너 자신의 cgroup 파일에서 다시 읽은 제한값
# <small>Course map: S3.4</small>
#
# Docker는 각 제한값을 컨테이너 cgroup의 파일에 씁니다. 파일 이름은 cgroup **v1**(`memory.limit_in_bytes`,
# `cpu.cfs_quota_us` / `cpu.cfs_period_us`, `pids.max`)과, 최신 Ubuntu, Fedora, Debian이 쓰는 통합 cgroup
# **v2**(`memory.max`, `cpu.max`, `pids.max`)에서 서로 다릅니다.
#
# **먼저 직접 해 보기(glass box).** 아래 셀은 Python용 Docker SDK만 사용합니다. 메모리 제한 32 MiB, CPU 절반으로
# busybox 컨테이너를 시작하면, 컨테이너가 자신의 cgroup 파일을 출력합니다(먼저 v2를 시도하고, 실패하면 v1을
# 읽습니다). 이 컨테이너에는 vlab의 컨테이너라는 레이블이 붙고, 케이퍼빌리티(capability)도 네트워크도 없이
# 프로세스 16개까지만 허용된 채 실행되며, 무슨 일이 있어도 삭제됩니다(`try` / `finally`).

# %%
import docker

from vlab.core import images, sandbox
from vlab.labs import cgroups

if mode.live and cgroups.enforced_here():   # an engine with CgroupDriver none would write no limits at all
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        images.ensure(), ["sh", "-c", cgroups.GLASS_BOX_SCRIPT], mem_limit="32m", memswap_limit="32m",
        nano_cpus=500_000_000, pids_limit=16, cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits(),
        labels=sandbox.labels("glass box: cgroup files"))
    try:
        box.start()
        box.wait(timeout=60)
        words = box.logs().decode().split()   # memory limit, CPU quota, CPU period
    finally:
        box.remove(force=True)
else:
    words, note = cgroups.recorded_cgroup_files()
    print(note)
print(course.tr("memory file:"), words[0], course.tr("· CPU quota and period (µs):"), words[1:3])

# %% [markdown]
# `cgroups.GLASS_BOX_SCRIPT` is only the shell line `cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max || cat
# …/memory/memory.limit_in_bytes …/cpu/cpu.cfs_quota_us …/cpu/cpu.cfs_period_us`. vlab does this with more care:
# it finds the engine and says how to fix a missing one, applies every safety default in one place (and removes
# the container even on Ctrl-C or SIGTERM), parses v1 and v2 alike, checks each file against what was asked, and
# records where and when it ran.
#
# ### Exercise 1: read the limits back
# The files hold plain text. From `words` (the memory limit in bytes, then the CPU quota and period in µs), write
# the code that computes the memory limit in **MiB** and the number of **CPUs** the container may use.

# %% [markdown] lang="ko"
# `cgroups.GLASS_BOX_SCRIPT`는 셸 명령 한 줄 `cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max || cat
# …/memory/memory.limit_in_bytes …/cpu/cpu.cfs_quota_us …/cpu/cpu.cfs_period_us`일 뿐입니다. vlab은 이 작업을 더
# 꼼꼼하게 처리합니다. 엔진을 찾고 엔진이 없으면 어떻게 고치는지 알려 주며, 모든 안전 기본값을 한곳에서 적용하고
# (Ctrl-C나 SIGTERM을 받아도 컨테이너를 삭제합니다), v1과 v2를 똑같이 해석하고, 각 파일을 요청한 값과 대조하며,
# 언제 어디서 실행했는지 기록합니다.
#
# ### 연습 문제 1: 제한값 다시 읽기
# 파일에는 일반 텍스트가 들어 있습니다. `words`(바이트 단위 메모리 제한, 그다음 µs 단위 CPU 할당량과 주기)로부터
# **MiB** 단위 메모리 제한과 컨테이너가 쓸 수 있는 **CPU** 개수를 계산하는 코드를 작성하세요.

# %% tags=["exercise"]
memory_mib = ...   # words[0] is text: make it a number, then bytes → MiB
cpus = ...         # from the quota (words[1]) and the period (words[2])

# %%
cgroups.check_read_back(memory_mib, cpus, words)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `int(words[0])` is the limit in bytes; 1 MiB is `1024 * 1024` bytes. The group may run `quota` µs of CPU time in
# every `period` µs, so the number of CPUs is the quota divided by the period.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `int(words[0])`는 바이트 단위 제한값이고, 1 MiB는 `1024 * 1024` 바이트입니다. 그룹은 `period` µs마다 CPU 시간을
# `quota` µs만큼 쓸 수 있으므로, CPU 개수는 할당량을 주기로 나눈 값입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
memory_mib = int(words[0]) / 1024**2
cpus = int(words[1]) / int(words[2])
cgroups.check_read_back(memory_mib, cpus, words)

# %% [markdown]
# Now the vlab helper, which reads memory, CPU and pids at once and checks each file against the request:

# %% [markdown] lang="ko"
# 이제 vlab 도우미 함수를 써 봅니다. 메모리, CPU, pids를 한 번에 읽고 각 파일을 요청한 값과 대조합니다.

# %%
from vlab.plots import namespaces as isoplots

limits = cgroups.limits_in_files(memory="64m", cpus=0.5, pids=32)
print(course.tr("cgroup version inside the container:"), limits.extra["cgroup_version"])
limits.samples

# %% [markdown]
# A CPU limit of 0.5 is written as a **quota** per **period**: 50 000 µs of CPU time in every 100 000 µs.

# %% [markdown] lang="ko"
# CPU 제한 0.5는 **주기**(period)마다 쓸 수 있는 **할당량**(quota)으로 기록됩니다. 100 000 µs마다 CPU 시간
# 50 000 µs입니다.

# %% [markdown]
# ## Memory: exceed the limit, get OOM-killed
# <small>Course map: S3.4 · S2.3</small>
#
# A memory hog (`dd` with a 64 MiB buffer) runs in a container limited to 32 MiB, with swap off. A control run
# allocating half the limit finishes normally. Meanwhile a heartbeat thread in this notebook keeps answering
# (`host_probe_beats` counts its answers, `host_probe_max_ms` is its slowest): is the host touched?
#
# **Predict first (예측).** What exit code will Docker report for the container that asks for 64 MiB under a
# 32 MiB limit? 0 (it copes), 1 (an ordinary error), or something else? Write your number down before you run the
# measurement.

# %% [markdown] lang="ko"
# ## 메모리: 제한을 넘으면 OOM으로 강제 종료됩니다
# <small>Course map: S3.4 · S2.3</small>
#
# 메모리를 잡아먹는 프로그램(64 MiB 버퍼를 쓰는 `dd`)을 스왑을 끈 채 32 MiB로 제한된 컨테이너에서 실행합니다.
# 비교용 대조 실행은 제한의 절반만 할당하므로 정상적으로 끝납니다. 그동안 이 노트북의 하트비트(heartbeat) 스레드가
# 계속 응답합니다(`host_probe_beats`는 응답 횟수, `host_probe_max_ms`는 가장 느린 응답 시간입니다). 호스트도 영향을
# 받을까요?
#
# **먼저 예측하세요(predict first).** 32 MiB 제한에서 64 MiB를 요청한 컨테이너에 대해 Docker는 어떤 종료 코드를
# 보고할까요? 0(잘 버팀), 1(일반적인 오류), 아니면 다른 값일까요? 측정을 실행하기 전에 숫자를 적어 두세요.

# %%
predicted_exit_code = ...   # ← your prediction, e.g. 0 or 1

# %%
oom = cgroups.memory_hog(limit="32m", allocate="64m")
oom.samples[["case", "limit_mib", "allocate_mib", "exit_code", "oom_killed", "host_probe_beats", "host_probe_max_ms"]]

# %%
print(cgroups.compare_oom_prediction(predicted_exit_code, oom))

# %% tags=["keep_output", "nbval-check-output"]
code, killed = cgroups.oom_fact(oom)
print(course.tr("exit code: {code}, OOMKilled: {killed}").format(code=code, killed=killed))

# %% [markdown]
# ### Exercise 2: what killed it?
# An exit code above 128 means the process did not exit by itself: a **signal (시그널)** ended it. Write the code
# that decodes the exit code of the `exceeds` case: which signal number, and what is its name?

# %% [markdown] lang="ko"
# ### 연습 문제 2: 무엇이 프로세스를 끝냈을까요?
# 종료 코드가 128보다 크면 프로세스가 스스로 끝난 것이 아니라 **시그널**(signal)이 프로세스를 끝낸 것입니다.
# `exceeds` 경우의 종료 코드를 해석하는 코드를 작성하세요. 시그널 번호는 무엇이고, 그 이름은 무엇일까요?

# %% tags=["exercise"]
import signal

exit_code = ...      # the exit code of the 'exceeds' row of oom.samples, as an int
signal_number = ...  # computed from exit_code
signal_name = ...    # computed from signal_number with the `signal` module

# %%
cgroups.check_exit_signal(signal_number, signal_name, oom)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0]` is the code. A shell reports a death by signal N as
# exit code 128 + N, and `signal.Signals(N).name` gives the signal's name.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0]`가 종료 코드입니다. 셸은 시그널 N으로 끝난 프로세스를
# 종료 코드 128 + N으로 보고하며, `signal.Signals(N).name`은 그 시그널의 이름을 알려 줍니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
exit_code = int(oom.samples.query("case == 'exceeds'")["exit_code"].iloc[0])
signal_number = exit_code - 128
signal_name = signal.Signals(signal_number).name
cgroups.check_exit_signal(signal_number, signal_name, oom)

# %% [markdown]
# The kernel's **OOM killer** (Out Of Memory, 메모리 부족 강제 종료) chose a process *inside the full cgroup* and
# sent it a signal that no program can catch; Docker records `OOMKilled`. The rest of the machine, including the
# heartbeat, never noticed. (Podman leaves `OOMKilled` false, so vlab asks the kernel too: the cgroup counts its
# own OOM kills, `oom_kill` in `memory.events` on v2 or `memory.oom_control` on v1; see
# `oom.samples["oom_kill_count"]`.)

# %% [markdown] lang="ko"
# 커널의 **OOM 킬러**(OOM killer, Out Of Memory: 메모리 부족 강제 종료)는 *가득 찬 cgroup 안에서* 프로세스 하나를
# 골라, 어떤 프로그램도 가로챌 수 없는 시그널을 보냈습니다. Docker는 이를 `OOMKilled`로 기록합니다. 하트비트를
# 포함해 머신의 나머지 부분은 아무것도 알아차리지 못했습니다. (Podman은 `OOMKilled`를 false로 남기므로 vlab은 커널에게도
# 묻습니다. cgroup은 자신의 OOM 강제 종료 횟수를 셉니다. v2에서는 `memory.events`, v1에서는 `memory.oom_control`의
# `oom_kill`입니다. `oom.samples["oom_kill_count"]`를 보세요.)

# %% [markdown]
# ## CPU: a quota sweep
# <small>Course map: S3.4 · S2.3</small>
#
# The same work (two shell loops) runs under 0.25, 0.5, 1 and 2 CPUs, in shuffled order. Throughput follows the
# quota: a quarter of a CPU does a quarter of the work per second. Above 1 CPU it can grow only as far as the work
# runs in parallel and the machine has idle cores (other programs on a shared machine take their part: when the
# load average is above the number of cores, even the 1-CPU run cannot get a whole CPU and the curve flattens).
#
# **Predict first.** At 0.25 CPU, what fraction of the 1-CPU work per second will the container do? (1.0 = as
# much as at 1 CPU.)

# %% [markdown] lang="ko"
# ## CPU: 할당량 스윕(quota sweep)
# <small>Course map: S3.4 · S2.3</small>
#
# 같은 작업(셸 루프 두 개)을 CPU 0.25, 0.5, 1, 2개에서 순서를 섞어 실행합니다. 처리량(throughput)은 할당량을
# 따라갑니다. CPU 4분의 1이면 초당 작업량도 4분의 1입니다. CPU 1개를 넘으면 작업이 병렬로 실행되는 만큼, 그리고
# 머신에 노는 코어가 있는 만큼만 처리량이 늘어납니다(공유 머신에서는 다른 프로그램도 제 몫을 가져갑니다. 부하
# 평균(load average)이 코어 수보다 높으면 CPU 1개 실행조차 CPU 하나를 온전히 얻지 못해 곡선이 평평해집니다).
#
# **먼저 예측하세요.** CPU 0.25에서 컨테이너는 CPU 1개일 때 초당 작업량의 몇 분의 몇(비율)을 해낼까요? (1.0 = CPU 1개일
# 때와 같은 양)

# %%
predicted_quarter = ...   # ← your prediction, e.g. 0.5

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The CPU sweep below (and the noisy neighbour after it) repeats interleaved
# rounds until the 95 % confidence interval of every median is within ±5 % of it, or until its time budget is spent
# (10 s each, a round that would not fit is not started; below six trials no 95 % interval exists and the precision
# shows as "± ?"). The rule is fixed before the first trial and never looks at which configuration is ahead, so stopping
# early cannot choose a result; the precision each median reached and why the run stopped are printed and saved with
# the results ("budget spent" means more trials would have narrowed the interval). `repeats=N` still runs exactly N.

# %% [markdown] lang="ko"
# **측정은 언제 멈출까요? 정지 규칙(stopping rule)** 아래의 CPU 스윕(과 그다음의 시끄러운 이웃 측정)은 모든
# 중앙값(median)의 95 % 신뢰 구간(confidence interval)이 그 중앙값의 ±5 % 이내로 좁혀지거나 시간 예산(각각 10 s.
# 남은 예산에 들어가지 않는 라운드는 시작하지 않습니다. 시행이 여섯 번보다 적으면 95 % 구간이 없어서 정밀도는 "± ?"로
# 표시됩니다)을 다 쓸 때까지 교차(인터리브, interleaved) 측정 라운드를 반복합니다. 이 규칙은 첫 시행 전에 정해지며 어느 설정이
# 앞서고 있는지 전혀 보지 않으므로, 일찍 멈춘다고 해서 결과를 골라낼 수는 없습니다. 각 중앙값이 도달한 정밀도와
# 실행이 멈춘 이유는 출력되고 결과와 함께 저장됩니다("budget spent"는 시행을 더 했다면 구간이 더 좁아졌을 것이라는
# 뜻입니다). `repeats=N`을 주면 지금도 정확히 N번 실행합니다.

# %%
sweep = cgroups.cpu_sweep()
print(course.tr("quotas above this engine's CPUs were skipped:"), sweep.extra["skipped_quotas"])
print(course.tr("load average before/after (a busy machine flattens the curve):"),
      sweep.provenance.get("loadavg_before"), sweep.provenance.get("loadavg_after"))
sweep.samples.head()

# %% [markdown]
# ### Exercise 3: throughput against quota, with pandas
# Each row of `sweep.samples` is one run: `cpus` (the quota) and `throughput` (loop iterations per second). Write
# the pandas code that gives, for every quota, the **median** throughput divided by the median throughput at
# 1 CPU: a Series indexed by `cpus`.

# %% [markdown] lang="ko"
# ### 연습 문제 3: pandas로 할당량 대비 처리량 구하기
# `sweep.samples`의 각 행은 한 번의 실행이며, `cpus`(할당량)와 `throughput`(초당 루프 반복 횟수)을 담고
# 있습니다. 할당량마다 **중앙값** 처리량을 CPU 1개일 때의 중앙값 처리량으로 나눈 값을 구하는 pandas 코드를
# 작성하세요. 결과는 `cpus`를 인덱스로 하는 Series입니다.

# %% tags=["exercise"]
medians = ...    # median throughput per quota (group by `cpus`)
relative = ...   # medians divided by the median at cpus == 1.0

# %%
cgroups.check_relative_throughput(relative, sweep)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `sweep.samples.groupby("cpus")["throughput"].median()` gives one median per quota; `.loc[1.0]` picks the
# 1-CPU one.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `sweep.samples.groupby("cpus")["throughput"].median()`은 할당량마다 중앙값을 하나씩 줍니다. `.loc[1.0]`으로
# CPU 1개일 때의 값을 고를 수 있습니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
medians = sweep.samples.groupby("cpus")["throughput"].median()
relative = medians / medians.loc[1.0]
cgroups.check_relative_throughput(relative, sweep)

# %% [markdown]
# vlab's summary does the same: `median_throughput` is loop iterations per second, `relative_to_1_cpu` divides it
# by the 1-CPU throughput; `ideal` is what a perfectly fair quota would give. Your prediction against your
# measurement:

# %% [markdown] lang="ko"
# vlab의 요약도 같은 일을 합니다. `median_throughput`은 초당 루프 반복 횟수이고, `relative_to_1_cpu`는 이를 CPU
# 1개일 때의 처리량으로 나눈 값이며, `ideal`은 완벽하게 공정한 할당량이라면 나왔을 값입니다. 여러분의 예측과
# 측정값을 비교해 보세요.

# %%
print(cgroups.compare_quota_prediction(predicted_quarter, sweep))
sweep.summary.round(3).astype({"median_throughput": "int64"})

# %%
from vlab.core import interleave

print(interleave.note(sweep))

# %%
isoplots.cpu_sweep(sweep);

# %% [markdown]
# ## Processes: a pids limit refuses the fork
# <small>Course map: S3.4</small>
#
# A fork bomb creates processes until the machine can no longer start any. Under a **pids** limit of 16 the kernel
# refuses any new process once the container holds 16 (its shell counts too), so the shell reports "can't fork",
# and nothing outside notices.

# %% [markdown] lang="ko"
# ## 프로세스: pids 제한이 포크를 거부합니다
# <small>Course map: S3.4</small>
#
# 포크 폭탄은 머신이 더 이상 어떤 프로세스도 시작할 수 없을 때까지 프로세스를 만들어 냅니다. **pids** 제한이
# 16이면, 컨테이너가 프로세스 16개(셸 자신도 포함)를 가진 순간부터 커널이 새 프로세스를 모두 거부합니다. 그래서
# 셸은 "can't fork"를 보고하고, 바깥에서는 아무도 알아차리지 못합니다.

# %%
forks = cgroups.fork_limit(pids=16, attempts=40)
forks.samples[["pids_limit", "attempts", "started", "fork_refused", "message"]]

# %% tags=["keep_output", "nbval-check-output"]
row = forks.samples.iloc[0]
print(course.tr("fork refused under the pids limit:"), bool(row["fork_refused"]))
print(course.tr("started fewer processes than the limit:"), int(row["started"]) < int(row["pids_limit"]))

# %% [markdown]
# ## Interference, measured: a noisy neighbour
# <small>Course map: S2.2 · S2.3 · S3.4</small>
# <small>Figure counterpart: 가상화격리.png</small>
#
# A **noisy neighbour (시끄러운 이웃)** is a workload that slows down others on the same machine. A **victim**
# container repeats a small fixed piece of work and times each "request". It runs three times on the
# same CPU core: alone; beside a **hog** that spins as fast as it can; and beside the same hog limited to 0.2 CPU.
# This is the lecture notes' interference argument (S2.2) and its fix by resource allocation (S2.3), measured on
# your machine. The figure is this course's counterpart of *isolation through virtualization*.

# %% [markdown] lang="ko"
# ## 간섭 측정하기: 시끄러운 이웃
# <small>Course map: S2.2 · S2.3 · S3.4</small>
# <small>Figure counterpart: 가상화격리.png</small>
#
# **시끄러운 이웃**은 같은 머신에서 도는 다른 작업을 느리게 만드는 워크로드입니다. **피해자**(victim) 컨테이너는
# 작고 고정된 작업을 반복하면서 각 "요청"에 걸린 시간을 잽니다. 이 컨테이너를 같은 CPU 코어에서 세 번
# 실행합니다. 혼자서, 최대한 빠르게 도는 **독점 프로세스**(hog) 옆에서, 그리고 같은 hog를 CPU 0.2개로 제한한
# 상태에서입니다. 강의 자료의 간섭 논의(S2.2)와 리소스 분배를 통한 해결(S2.3)을 여러분의 머신에서 직접 측정하는
# 것입니다. 이 그림은 강의 자료의 *가상화를 통한 격리* 그림에 해당하는 이 과정의 그림입니다.

# %%
noisy = cgroups.noisy_neighbour()
noisy.summary

# %%
print(interleave.note(noisy))

# %%
isoplots.noisy_neighbour(noisy);

# %%
for cond, factor in cgroups.slowdowns(noisy).items():
    print(course.tr("{cond:28s} victim median × {factor:.2f} of alone").format(cond=cond, factor=factor))

# %% [markdown]
# What to expect: unconstrained, the hog and the victim share the core about evenly, so each victim request should
# take about twice as long (a factor near 2 above). Limited to 0.2 CPU, the hog can only take 20 ms in every 100 ms,
# so the victim should be nearly back to its time alone (a factor near 1). Compare with your factors above; a busy
# machine adds noise to all three.

# %% [markdown] lang="ko"
# 예상되는 결과는 이렇습니다. 제한이 없으면 hog와 피해자가 코어를 거의 반씩 나눠 쓰므로, 피해자의 각 요청은 약
# 두 배 오래 걸릴 것입니다(위의 배율이 2에 가까움). CPU 0.2개로 제한하면 hog는 100 ms마다 20 ms만 가져갈 수
# 있으므로, 피해자는 혼자일 때의 시간에 거의 가깝게 돌아올 것입니다(배율이 1에 가까움). 위에서 얻은 여러분의
# 배율과 비교해 보세요. 머신이 바쁘면 세 경우 모두에 잡음이 더해집니다.

# %% [markdown]
# ## Play: the cgroup playground
# <small>Course map: S3.4 · S2.3</small>
#
# Set memory, CPUs and pids, choose a workload and press **Run**: vlab starts a limited container and shows the
# outcome. Try a memory hog larger than the limit, a CPU loop at 0.1 and at 1 CPU, or 50 processes under 10 pids.
# (In replay mode the button shows the recorded outcome of the matching lab run.)

# %% [markdown] lang="ko"
# ## 직접 해 보기: cgroup 놀이터
# <small>Course map: S3.4 · S2.3</small>
#
# 메모리, CPU, pids를 정하고 워크로드를 고른 뒤 **Run**을 누르세요. vlab이 제한된 컨테이너를 시작하고 결과를
# 보여 줍니다. 제한보다 큰 메모리 hog, CPU 0.1개와 1개에서의 CPU 루프, pids 10개 제한에서 프로세스 50개를
# 시도해 보세요. (리플레이 모드(replay mode)에서는 버튼을 누르면 해당하는 실습 실행의 기록된 결과가 표시됩니다.)

# %%
from vlab.widgets.cgroups import playground

playground()

# %% [markdown]
# ## Disk yes, network no
# <small>Course map: S3.4</small>
#
# A cgroup can also cap **disk I/O (디스크 입출력)**: `docker run --device-write-bps /dev/sda:1mb …` writes
# `8:0 wbps=1048576` into the container's `io.max` (cgroup v2), or `8:0 1048576` into
# `blkio.throttle.write_bps_device` (cgroup v1; `8:0` is the disk's device number). There is no such file for the
# network: to cap a container's network bandwidth you shape its virtual interface with `tc` (traffic control),
# outside any cgroup.

# %% [markdown] lang="ko"
# ## 디스크는 되고, 네트워크는 안 됩니다
# <small>Course map: S3.4</small>
#
# cgroup은 **디스크 입출력**(disk I/O)도 제한할 수 있습니다. `docker run --device-write-bps /dev/sda:1mb …`를
# 실행하면 컨테이너의 `io.max`에 `8:0 wbps=1048576`이 기록되거나(cgroup v2), `blkio.throttle.write_bps_device`에
# `8:0 1048576`이 기록됩니다(cgroup v1이며, `8:0`은 디스크의 장치 번호입니다). 네트워크에는 이런 파일이 없습니다.
# 컨테이너의 네트워크 대역폭을 제한하려면 cgroup과는 관계없이 `tc`(traffic control, 트래픽 제어)로 컨테이너의 가상
# 인터페이스를 조절해야 합니다.

# %% [markdown]
# ## Key points
# - **cgroups (컨트롤 그룹)** limit how much a container may use (memory, CPU, processes, disk I/O; not network
#   bandwidth); namespaces limit what it can see.
# - The limits are files: `memory.limit_in_bytes` / `memory.max`, `cpu.cfs_quota_us` / `cpu.max`, `pids.max`
#   (cgroup v1 / v2).
# - Over the memory limit → **OOM-killed, exit 137**; a CPU quota shares out CPU time (0.25 CPU ≈ ¼ of the work per
#   second); a pids limit → **"can't fork"**. The host stays responsive in every case.
# - One program can hurt another on a shared machine (**interference, 간섭**); a limit on the hog restores the
#   victim (**resource allocation, 리소스 분배**).
#
# **Next:** [07 · Start time](07_start_time.ipynb): how fast a container starts, and why. · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **cgroup**(컨트롤 그룹)은 컨테이너가 얼마나 쓸 수 있는지(메모리, CPU, 프로세스, 디스크 입출력. 네트워크
#   대역폭은 아님)를 제한하고, 네임스페이스는 컨테이너가 무엇을 볼 수 있는지를 제한합니다.
# - 제한값은 파일입니다: `memory.limit_in_bytes` / `memory.max`, `cpu.cfs_quota_us` / `cpu.max`, `pids.max`
#   (cgroup v1 / v2).
# - 메모리 제한을 넘으면 → **OOM 강제 종료, exit 137**. CPU 할당량은 CPU 시간을 나눠 줍니다(CPU 0.25 ≈ 초당
#   작업량의 ¼). pids 제한에 걸리면 → **"can't fork"**. 어느 경우에도 호스트는 계속 잘 응답합니다.
# - 공유 머신에서는 한 프로그램이 다른 프로그램에 피해를 줄 수 있습니다(**간섭**). 독점 프로세스(hog)를 제한하면
#   피해자가 회복됩니다(**리소스 분배**).
#
# **다음:** [07 · 시작 시간](07_start_time.ipynb): 컨테이너가 얼마나 빨리 시작되는지, 그리고 그 이유. · [용어집 · Glossary](99_glossary.ipynb)
