# %% [markdown]
# # 09 · Overhead: what a container costs compared with native
#
# The lecture notes claim that a **hypervisor (하이퍼바이저)** adds a large **overhead (오버헤드)**, while a
# **container (컨테이너)** "uses the host kernel directly, with no layer in between", so its overhead is small.
# In this notebook you test that claim on your own machine, with one static `busybox` binary run two ways:
# **natively (네이티브)** as an ordinary host process, and **inside containers**.
#
# **Learning objectives**
# - Explain what *overhead* means and why we measure it as a **ratio (비율)** container/native with a confidence interval.
# - Measure CPU, **system call (시스템 콜)**, disk I/O, network and memory costs of a container against native.
# - Explain why the CPU cost of a container is (almost) nothing: there is **no second kernel**, only the host kernel.
# - Name where a container *does* pay: the **seccomp** filter on system calls, the **overlay filesystem (오버레이 파일시스템)**,
#   the **bridge network (브리지 네트워크)**, and the engine's own memory.
# - Set your numbers beside **published figures** for containers and hypervisors, with their sources.

# %% [markdown] lang="ko"
# # 09 · 오버헤드: 네이티브와 비교한 컨테이너의 비용
#
# 강의 자료에서는 **하이퍼바이저**(hypervisor)는 **오버헤드**(overhead)가 크지만, **컨테이너**(container)는
# "호스트 OS의 커널을 중간 단계 없이 그대로 사용"하기 때문에 오버헤드가 작다고 설명합니다.
# 이 노트북에서는 이 주장을 여러분의 컴퓨터에서 직접 검증합니다. 정적(static) `busybox` 바이너리 하나를 두 가지
# 방식으로 실행합니다. 한 번은 평범한 호스트 프로세스로 **네이티브**(native)하게, 한 번은 **컨테이너 안에서** 실행합니다.
#
# **학습 목표**
# - *오버헤드*가 무엇인지, 그리고 왜 이를 신뢰 구간과 함께 컨테이너/네이티브의 **비율**(ratio)로 측정하는지 설명할 수 있습니다.
# - 컨테이너의 CPU, **시스템 콜**(system call), 디스크 I/O, 네트워크, 메모리 비용을 네이티브와 비교해 측정할 수 있습니다.
# - 컨테이너의 CPU 비용이 (거의) 없는 이유를 설명할 수 있습니다. **두 번째 커널은 없고**, 호스트 커널 하나뿐입니다.
# - 컨테이너가 *실제로* 비용을 치르는 곳을 말할 수 있습니다. 시스템 콜에 적용되는 **seccomp** 필터,
#   **오버레이 파일시스템**(overlay filesystem), **브리지 네트워크**(bridge network), 그리고 엔진 자체의 메모리입니다.
# - 여러분이 얻은 수치를 컨테이너와 하이퍼바이저에 대해 **공개된 수치**(published figures)와 출처와 함께 나란히 비교할 수 있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Overhead, and how we measure it fairly
# <small>Course map: S3.6 · S3.1</small>
#
# *Overhead* is the extra time or memory a piece of work costs because of the layer it runs in.
# To see only the layer, everything else must stay the same:
#
# - **the same program**: the host's static `busybox`, copied into the course image, so native and container
#   run *byte-for-byte the same binary*;
# - **the same CPU**: native runs and containers are pinned to the same CPU core (`cpuset`), with the same limits;
# - **the same clock**: each workload prints the wall clock before and after the work, so the time to *enter*
#   a container (`docker exec`) is never counted, only the work itself;
# - **interleaved, in random order**: this machine is noisy (other programs run too), so configurations take turns
#   in a shuffled (seeded) order, and every one gets a warm-up run first.
#
# We report each result as a **time ratio** *container / native*: **1.0 means "no overhead"**, 1.10 means 10 % slower.
# A ratio comes with a **95 % bootstrap confidence interval (신뢰구간)**: the range that the ratio would likely
# fall in if you ran the whole experiment again. A CI that contains 1.0 means "no difference we can detect".
#
# The measurement below runs five groups (quick mode runs each only a few times with small sizes;
# it takes well under a minute):
#
# | group | workload (same busybox everywhere) | configurations |
# |---|---|---|
# | `cpu` | an `awk` arithmetic loop | native · container |
# | `syscall` | `dd bs=1`: one `read` + one `write` system call per byte | native · container (seccomp on) · container with `seccomp=unconfined` |
# | `io` | `dd` writes a file with `fsync`, then reads it back | native disk · container's overlay filesystem · bind-mounted host folder |
# | `net` | `httpd` + `wget`: one large file, then many small requests | native loopback · loopback inside one container · bridge between two containers · host network |
# | `memory` | idle containers running `sleep` | seen from the host |
#
# **Predict first (예측).** The `syscall` workload makes about two system calls per byte. How many times as long
# will it take in a container as natively (1.0 = the same time; a VM's I/O often costs 1.5–2×)?

# %% [markdown] lang="ko"
# ## 오버헤드, 그리고 공정하게 측정하는 방법
# <small>Course map: S3.6 · S3.1</small>
#
# *오버헤드*란 어떤 작업이 실행되는 계층(layer) 때문에 추가로 드는 시간이나 메모리를 말합니다.
# 계층의 영향만 보려면 나머지는 모두 똑같이 유지해야 합니다.
#
# - **같은 프로그램**: 호스트의 정적 `busybox`를 강의용 이미지(image)에 복사해 두었으므로, 네이티브와 컨테이너가
#   *바이트 하나까지 똑같은 바이너리*를 실행합니다.
# - **같은 CPU**: 네이티브 실행과 컨테이너를 같은 CPU 코어에 고정하고(`cpuset`), 같은 제한을 적용합니다.
# - **같은 시계**: 각 워크로드가 작업 전후의 실제 시각(wall clock)을 출력하므로, 컨테이너에 *들어가는* 시간(`docker exec`)은
#   전혀 포함되지 않고 작업 자체만 측정됩니다.
# - **무작위 순서의 교차(인터리브) 측정**(interleaved): 이 컴퓨터에서는 다른 프로그램도 함께 실행되어 잡음(noise)이 많으므로,
#   각 구성이 (시드를 고정해) 뒤섞은 순서대로 번갈아 실행되고, 모든 구성은 먼저 워밍업(warm-up) 실행을 한 번 거칩니다.
#
# 결과는 *컨테이너 / 네이티브*의 **시간 비율**로 보고합니다. **1.0은 오버헤드가 없다는 뜻**이고, 1.10은 10 % 느리다는 뜻입니다.
# 비율에는 **95 % 부트스트랩 신뢰 구간**(bootstrap confidence interval)이 함께 붙습니다. 실험 전체를 다시 실행했을 때
# 비율이 들어갈 가능성이 높은 범위입니다. 신뢰 구간(CI)이 1.0을 포함하면 "감지할 수 있는 차이가 없다"는 뜻입니다.
#
# 아래 측정은 다섯 그룹을 실행합니다(빠른 모드에서는 작은 크기로 각각 몇 번씩만 실행하므로 1분도 채 걸리지 않습니다).
#
# | 그룹 | 워크로드(어디서나 같은 busybox) | 구성 |
# |---|---|---|
# | `cpu` | `awk` 산술 반복문 | 네이티브 · 컨테이너 |
# | `syscall` | `dd bs=1`: 바이트마다 `read` 한 번 + `write` 시스템 콜 한 번 | 네이티브 · 컨테이너(seccomp 켜짐) · `seccomp=unconfined` 컨테이너 |
# | `io` | `dd`가 `fsync`로 파일을 쓴 다음 다시 읽음 | 네이티브 디스크 · 컨테이너의 오버레이 파일시스템 · 바인드 마운트한 호스트 폴더 |
# | `net` | `httpd` + `wget`: 큰 파일 하나, 이어서 작은 요청 여러 개 | 네이티브 루프백 · 한 컨테이너 안의 루프백 · 두 컨테이너 사이의 브리지 · 호스트 네트워크 |
# | `memory` | `sleep`을 실행하는 유휴 컨테이너 | 호스트에서 본 모습 |
#
# **먼저 예측하기(prediction).** `syscall` 워크로드는 바이트마다 시스템 콜을 약 두 번 합니다. 컨테이너에서는 네이티브보다
# 몇 배의 시간이 걸릴까요? (1.0 = 같은 시간이며, VM의 I/O는 흔히 1.5–2×의 비용이 듭니다.)

# %%
predicted_syscall_ratio = ...   # ← your prediction, e.g. 1.0, 1.2 or 2.0

# %% [markdown]
# **First by hand (glass box).** The same busybox loop, natively (`subprocess`) and in a container (the Docker
# SDK). The loop times itself with the kernel's clock, so starting the container is not counted. The container has
# a memory and pids limit, no capabilities, no network and the vlab label, and is removed whatever happens.

# %% [markdown] lang="ko"
# **먼저 직접 해 보기(glass box).** 같은 busybox 반복문을 네이티브(`subprocess`)와 컨테이너(Docker SDK)에서 실행합니다.
# 반복문이 커널의 시계로 스스로 시간을 재므로, 컨테이너를 시작하는 시간은 포함되지 않습니다. 컨테이너에는 메모리 제한과
# pids 제한이 걸려 있고, 케이퍼빌리티(capability)도 네트워크도 없으며, vlab 라벨이 붙어 있습니다. 그리고 무슨 일이
# 있어도 마지막에는 삭제됩니다.

# %%
import subprocess

import docker

from vlab.core import images, sandbox
from vlab.labs import syscalls

loop = syscalls.timed_loop(50_000)   # busybox: clock, dd of 50 000 single bytes, clock; prints the µs between
if mode.live:
    bb = str(images.find_busybox())
    native = subprocess.run([bb, "sh", "-c", loop], env={"BB": bb}, capture_output=True, text=True, check=True)
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        images.ensure(), ["sh", "-c", loop], environment={"BB": "/bin/busybox"}, mem_limit="32m", pids_limit=16,
        cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits(), labels=sandbox.labels("glass box: syscall loop"))
    try:
        box.start()
        box.wait(timeout=120)
        loop_ms = {"native": int(native.stdout) / 1e3, "container": int(box.logs().decode()) / 1e3}
    finally:
        box.remove(force=True)
else:
    loop_ms, note = syscalls.recorded_loop_times()
    print(note)
print({where: f"{ms:.1f} ms" for where, ms in loop_ms.items()})

# %% [markdown]
# One run of each on a noisy machine proves little. vlab does this with more care: the same binary pinned to the
# same CPU core, five workload groups, warm-up runs, interleaved rounds in a shuffled order until the medians are
# precise enough, a seccomp-off control, bootstrap confidence intervals, and the provenance of every number.

# %% [markdown] lang="ko"
# 잡음이 많은 컴퓨터에서 한 번씩만 실행한 결과로는 알 수 있는 것이 거의 없습니다. vlab은 이 측정을 훨씬 신중하게 합니다.
# 같은 CPU 코어에 고정한 같은 바이너리, 다섯 가지 워크로드 그룹, 워밍업 실행, 중앙값이 충분히 정밀해질 때까지 뒤섞은
# 순서로 반복하는 교차 측정 라운드, seccomp를 끈 대조군, 부트스트랩 신뢰 구간, 그리고 모든 수치의 출처 기록(provenance)까지
# 갖추고 있습니다.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** The measurement below repeats interleaved rounds until the 95 % confidence
# interval of every median is within ±5 % of it, or until its time budget is spent (12 s for the timed workloads,
# warm-up round included: a round that would not fit is not started; below six trials no 95 % interval exists and the
# precision shows as "± ?"). The
# rule is fixed before the first trial and never looks at which configuration is ahead, so stopping early cannot
# choose a result; the precision each median reached and why the run stopped are printed and saved with the results
# ("budget spent" means more trials would have narrowed the interval). `trials=N` still runs exactly N.

# %% [markdown] lang="ko"
# **측정은 언제 멈출까요? 정지 규칙(stopping rule).** 아래 측정은 모든 중앙값(median)의 95 % 신뢰 구간이 그 중앙값의 ±5 % 안에
# 들어오거나, 시간 예산(시간을 재는 워크로드는 12 s, 워밍업 라운드 포함: 남은
# 예산에 들어가지 않는 라운드는 시작하지 않습니다. 시행이 여섯 번보다 적으면 95 % 구간이 없어서 정밀도는 "± ?"로
# 표시됩니다)을 다 쓸 때까지 교차 측정 라운드를 반복합니다. 이 규칙은 첫 시행(trial) 전에
# 정해지고 어느 구성이 앞서는지는 전혀 보지 않으므로, 일찍 멈춘다고 해서 결과를 골라낼 수는 없습니다. 각 중앙값이 도달한
# 정밀도와 실행이 멈춘 이유는 화면에 출력되고 결과와 함께 저장됩니다("budget spent"는 예산을 다 썼다는 뜻으로, 시행을 더 했다면
# 구간이 더 좁아졌을 것이라는 의미입니다). `trials=N`을 지정하면 지금처럼 정확히 N번 실행합니다.

# %%
from vlab.core import interleave
from vlab.labs import overhead
from vlab.plots import overhead as overhead_plots

res = overhead.measure()
print(course.tr("{n} samples,").format(n=len(res.samples)),
      course.tr("REPLAYED from a recorded run") if res.replayed else course.tr("measured now on this machine"))
print(interleave.note(res))

# %% [markdown]
# First, the facts of this run that do not depend on timing. The workloads ran on the **host's kernel**
# (the container has none of its own), and only the container has a **seccomp** filter in front of its
# system calls (`Seccomp: 2` in `/proc/self/status` means "filter"; 0 means none).

# %% [markdown] lang="ko"
# 먼저 이번 실행에서 시간 측정과 상관없는 사실부터 확인해 봅시다. 워크로드는 **호스트의 커널** 위에서 실행되었고
# (컨테이너에는 자기만의 커널이 없습니다), 시스템 콜 앞에 **seccomp** 필터가 있는 것은 컨테이너뿐입니다
# (`/proc/self/status`의 `Seccomp: 2`는 "필터 있음"을, 0은 필터가 없음을 뜻합니다).

# %% tags=["keep_output", "nbval-check-output"]
facts = res.extra["facts"]
print(course.tr("The container runs on the host's kernel:"), facts["same_kernel"])
print(course.tr("seccomp mode (0 = none, 2 = filter):"), facts["seccomp_mode"])
for metric, configs in overhead.CONFIGS.items():
    compared = ", ".join(c for c in configs if c in set(res.samples.config[res.samples.metric == metric]))
    print(course.tr("{metric:15s} compared: {configs}").format(metric=metric, configs=compared))

# %% [markdown]
# ## No layer in between: the system call path
# <small>Course map: S3.6 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# Why should a container cost (almost) nothing on the CPU? Follow one request, *read a file*, from the app
# down to the hardware. In a **virtual machine (가상 머신)** it goes through the **guest kernel (게스트 커널)**, then the
# hypervisor, then the **host kernel (호스트 커널)**. In a container the app's system call goes **straight to the host
# kernel**: a container is just a host process that the kernel has put into namespaces and cgroups.
# The cell below counts the kernels each path crosses; after exercise 1 you follow the path hop by hop, with your
# measured costs on it.

# %% [markdown] lang="ko"
# ## 중간 단계가 없다: 시스템 콜의 경로
# <small>Course map: S3.6 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# 컨테이너는 왜 CPU 비용이 (거의) 들지 않을까요? *파일 읽기*라는 요청 하나를 앱에서 하드웨어까지 따라가 봅시다.
# **가상 머신**(virtual machine)에서는 요청이 **게스트 커널**(guest kernel)을 거치고, 이어서 하이퍼바이저를 거친 다음에야
# **호스트 커널**(host kernel)에 도착합니다. 컨테이너에서는 앱의 시스템 콜이 **곧바로 호스트 커널로** 갑니다. 컨테이너는
# 커널이 네임스페이스(namespace)와 cgroup(컨트롤 그룹)에 넣어 둔 호스트 프로세스일 뿐이기 때문입니다.
# 아래 셀은 각 경로가 거치는 커널의 수를 셉니다. 연습 문제 1을 푼 뒤에는 직접 측정한 비용을 얹어 경로를 한 단계씩
# 따라가 봅니다.

# %%
from vlab.labs.syscalls import kernels_crossed
from vlab.widgets.syscall_path import SyscallPathView

# %% tags=["keep_output", "nbval-check-output"]
for where, shown in (("bare metal", course.tr("bare metal")), ("container", course.tr("container")),
                     ("virtual machine", course.tr("virtual machine"))):
    print(course.tr("kernels that handle 'read a file' in a {where}: {kernels}").format(
        where=shown, kernels=kernels_crossed("read a file", where)))

# %% [markdown]
# ## Your ratios
# <small>Course map: S3.6</small>
#
# ### Exercise 1: the system-call ratios, by hand
# `res.samples` has one row per run: `metric` (the workload group), `config` and `value` (ms). For the `syscall`
# group, write the code that computes the median time in a `container` divided by the median `native` time, and
# the median `container` time divided by the median `container-unconfined` time (seccomp on / seccomp off).

# %% [markdown] lang="ko"
# ## 여러분의 비율
# <small>Course map: S3.6</small>
#
# ### 연습 문제 1: 시스템 콜 비율을 직접 계산하기
# `res.samples`에는 실행 한 번마다 한 행이 있으며, 열은 `metric`(워크로드 그룹), `config`, `value`(ms)입니다. `syscall`
# 그룹에 대해 `container`의 중앙값 시간을 `native`의 중앙값 시간으로 나눈 값과, `container`의 중앙값 시간을
# `container-unconfined`의 중앙값 시간으로 나눈 값(seccomp 켜짐 / seccomp 꺼짐)을 계산하는 코드를 작성하세요.

# %% tags=["exercise"]
medians = ...           # median `value` per config, syscall rows only
container_ratio = ...   # container / native
seccomp_ratio = ...     # container / container-unconfined

# %%
syscalls.check_syscall_ratios(container_ratio, seccomp_ratio, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `res.samples.query("metric == 'syscall'").groupby("config")["value"].median()` is a Series indexed by config.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `res.samples.query("metric == 'syscall'").groupby("config")["value"].median()`은 config를 인덱스로 하는 Series입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
medians = res.samples.query("metric == 'syscall'").groupby("config")["value"].median()
container_ratio = medians["container"] / medians["native"]
seccomp_ratio = medians["container"] / medians["container-unconfined"]
syscalls.check_syscall_ratios(container_ratio, seccomp_ratio, res)

# %% [markdown]
# Now follow *read a file* hop by hop, with your measured costs on the hops (shown only after the exercise, since
# the container's hop holds its answer). Switch between *container* and *virtual machine*.

# %% [markdown] lang="ko"
# 이제 *파일 읽기*를 한 단계씩 따라가 봅시다. 각 단계에는 여러분이 측정한 비용이 표시됩니다(컨테이너 단계에 연습 문제의
# 답이 들어 있어서 연습 문제를 푼 뒤에야 보여 줍니다). *컨테이너*(container)와 *가상 머신*(virtual machine)을 바꿔 가며
# 살펴보세요.

# %%
SyscallPathView("read a file", "container", results={"overhead": res}).widget

# %% [markdown]
# vlab's table, for every group:
# Each row is one configuration against its baseline, usually native (and one extra row: seccomp on against seccomp
# off). `ratio` is the median time of the configuration divided by the median time of the baseline; `ci_low` and
# `ci_high` are the ends of its 95 % confidence interval.

# %% [markdown] lang="ko"
# 모든 그룹에 대한 vlab의 표입니다.
# 각 행은 하나의 구성을 그 기준(baseline)과 비교한 것이며, 기준은 대개 네이티브입니다(추가로 한 행은 seccomp 켜짐을
# seccomp 꺼짐과 비교합니다). `ratio`는 해당 구성의 중앙값 시간을 기준의 중앙값 시간으로 나눈 값이고, `ci_low`와
# `ci_high`는 그 95 % 신뢰 구간의 양 끝입니다.

# %%
overhead.ratio_table(res)[["what", "config", "baseline", "ratio", "ci_low", "ci_high"]].round(3)

# %%
overhead_plots.ratio_plot(res);

# %%
print(syscalls.compare_overhead_prediction(predicted_syscall_ratio, res))

# %% [markdown]
# How to read it, group by group (your numbers are in the table above; a noisy machine makes the CIs wide):
#
# - **CPU**: the container's ratio is close to 1.0, usually with a CI that contains 1.0. The `awk` loop never leaves
#   user space, and in a container it runs on the same CPU, under the same kernel scheduler, as natively. Nothing
#   sits in between. (On a busy machine the container can even come out a little *faster*: its cgroup is scheduled as a
#   group, which can shield it from other host processes. That is scheduling, not magic.)
# - **System calls**: every system call of the container meets Docker's default **seccomp** filter, a small BPF
#   program (a tiny program in a format the kernel can run safely) that decides whether the call is allowed. With
#   `seccomp=unconfined` the filter is gone. Be careful how you explain a difference here: since Linux 5.11 the
#   kernel keeps a **seccomp action cache** and skips the filter altogether for calls it always allows, such as
#   `read` and `write`. On such a kernel a seccomp on/off difference is more likely noise or another difference
#   between the two containers than the filter itself; on older kernels the filter runs on every call, a small
#   cost per call that grows with the number of calls. (`dd bs=1` makes about two system calls per byte; the
#   workload times itself, so this is the cost of the calls, not of Docker.)
# - **Disk I/O**: writing with `fsync` goes to the same disk in all three cases. In the container the file is
#   written through the **overlay filesystem**, which adds a little file-system bookkeeping. Writing a *new* file
#   copies nothing; **copy-up** happens when a container first modifies a file that lives in a lower (image) layer:
#   the whole file is then copied into the writable layer first. A **bind mount** or a **volume** bypasses overlay,
#   which is why databases in containers keep their data on volumes. Reading back comes from the page cache.
# - **Network**: loopback inside one container is the same kernel code as native loopback (in another network namespace).
#   The **bridge** path adds a `veth` pair and a Linux bridge; **host networking** skips both. Small HTTP requests are
#   dominated by TCP connection set-up, so their ratios are noisier than the big download.

# %% [markdown] lang="ko"
# 그룹별로 읽는 방법은 다음과 같습니다(여러분의 수치는 위 표에 있습니다. 잡음이 많은 컴퓨터에서는 신뢰 구간이 넓어집니다).
#
# - **CPU**: 컨테이너의 비율은 1.0에 가깝고, 대개 신뢰 구간이 1.0을 포함합니다. `awk` 반복문은 사용자 공간(user space)을
#   벗어나지 않으며, 컨테이너 안에서도 네이티브와 같은 CPU에서 같은 커널 스케줄러의 관리를 받으며 실행됩니다. 사이에
#   끼어드는 것이 아무것도 없습니다. (바쁜 컴퓨터에서는 컨테이너가 오히려 조금 *더 빠르게* 나올 수도 있습니다. 컨테이너의
#   cgroup은 하나의 그룹으로 스케줄링되므로 다른 호스트 프로세스의 영향을 덜 받을 수 있기 때문입니다. 마법이 아니라 스케줄링입니다.)
# - **시스템 콜**: 컨테이너의 모든 시스템 콜은 Docker의 기본 **seccomp** 필터를 만납니다. 이 필터는 호출을 허용할지
#   결정하는 작은 BPF 프로그램(커널이 안전하게 실행할 수 있는 형식으로 된 아주 작은 프로그램)입니다. `seccomp=unconfined`로
#   실행하면 필터가 사라집니다. 여기서 나타나는 차이를 설명할 때는 조심하세요. Linux 5.11부터 커널은
#   **seccomp 동작 캐시**(seccomp action cache)를 두고, `read`와 `write`처럼 항상 허용되는 호출에서는 필터를 아예 건너뜁니다.
#   이런 커널에서 seccomp 켜짐/꺼짐의 차이는 필터 자체보다는 잡음이거나 두 컨테이너 사이의 다른 차이일 가능성이 큽니다.
#   더 오래된 커널에서는 필터가 호출마다 실행되므로, 호출당 작은 비용이 생기고 호출 횟수에 비례해 늘어납니다.
#   (`dd bs=1`은 바이트마다 시스템 콜을 약 두 번 하며, 워크로드가 스스로 시간을 재므로 이것은 Docker의 비용이 아니라
#   호출 자체의 비용입니다.)
# - **디스크 I/O**: `fsync`를 사용한 쓰기는 세 경우 모두 같은 디스크로 갑니다. 컨테이너에서는 파일이 **오버레이 파일시스템**을
#   거쳐 기록되므로 파일시스템 관리 작업이 조금 더 붙습니다. *새* 파일을 쓸 때는 아무것도 복사하지 않습니다. **copy-up**은
#   컨테이너가 하위(이미지) 레이어에 있는 파일을 처음 수정할 때 일어나며, 이때 파일 전체가 먼저 쓰기 가능한 레이어로
#   복사됩니다. **바인드 마운트**(bind mount)나 **볼륨**(volume)은 오버레이를 거치지 않습니다. 그래서 컨테이너에서 실행하는
#   데이터베이스는 데이터를 볼륨에 보관합니다. 다시 읽을 때는 페이지 캐시(page cache)에서 읽습니다.
# - **네트워크**: 한 컨테이너 안의 루프백은 (다른 네트워크 네임스페이스에 있을 뿐) 네이티브 루프백과 같은 커널 코드입니다.
#   **브리지** 경로에는 `veth` 쌍과 Linux 브리지가 더해지고, **호스트 네트워킹**(host networking)은 둘 다 건너뜁니다. 작은
#   HTTP 요청은 TCP 연결을 맺는 시간이 대부분을 차지하므로, 그 비율은 큰 파일 다운로드보다 잡음이 많습니다.

# %% [markdown]
# ## Memory: what an idle container costs
# <small>Course map: S3.6 · S3.1</small>
#
# A container has no guest kernel and no guest OS to keep in memory. Seen from the host, an idle container is:
# its process (here `sleep`, as small as the same `sleep` run natively), a little kernel memory charged to its
# **cgroup**, and one small **containerd shim** process that watches it. The engine itself (`dockerd`, `containerd`)
# is paid once, however many containers run.

# %% [markdown] lang="ko"
# ## 메모리: 유휴 컨테이너의 비용
# <small>Course map: S3.6 · S3.1</small>
#
# 컨테이너에는 메모리에 올려 둘 게스트 커널도, 게스트 OS도 없습니다. 호스트에서 보면 유휴 컨테이너는 다음으로
# 이루어집니다. 컨테이너의 프로세스(여기서는 `sleep`이며, 네이티브로 실행한 같은 `sleep`만큼 작습니다), 그 **cgroup**에
# 부과되는 약간의 커널 메모리, 그리고 컨테이너를 지켜보는 작은 **containerd shim** 프로세스 하나입니다. 엔진 자체
# (`dockerd`, `containerd`)의 비용은 컨테이너가 몇 개 실행되든 한 번만 치릅니다.

# %%
overhead.memory_table(res)

# %%
overhead_plots.memory_plot(res);

# %% [markdown]
# For comparison, the published memory figures (per idle container, or per hypervisor process *not counting* the
# guest's own memory). A VM also needs memory for its guest kernel and OS on top of this.

# %% [markdown] lang="ko"
# 비교를 위해 공개된 메모리 수치를 살펴봅시다(유휴 컨테이너 하나당, 또는 게스트 자체의 메모리를 *제외한* 하이퍼바이저
# 프로세스 하나당 수치입니다). VM은 여기에 더해 게스트 커널과 OS를 위한 메모리도 필요합니다.

# %%
from vlab.labs import overhead_published

overhead_published.memory_figures()

# %% [markdown]
# ## Beside the published figures: containers and hypervisors
# <small>Course map: S3.6 · S3.1</small>
#
# The ratio plot earlier in this notebook (your ratios are its filled markers) also shows published ratios (open
# markers), converted to the same *time ratio* (for a throughput figure, native throughput divided by the system's;
# above 1 = slower). They come from real measurements:
#
# - **FEL15**: Felter et al. (IBM Research, ISPASS 2015), Docker and KVM against native on the same server: Linpack,
#   STREAM, fio disk I/O, netperf/nuttcp network.
# - **GVI**: the gVisor performance guide: raw system call time and CPU under runc (ordinary containers) and gVisor,
#   a sandbox that puts a user-space kernel between the app and the host.
# - **AGA20**: the Firecracker paper (NSDI 2020): QEMU and Firecracker virtual machines against bare metal.
#
# Their machines, workloads and definitions differ from yours, so compare the *pattern*, not the digits.

# %% [markdown] lang="ko"
# ## 공개된 수치와 나란히: 컨테이너와 하이퍼바이저
# <small>Course map: S3.6 · S3.1</small>
#
# 이 노트북 앞부분의 비율 그래프(여러분의 비율은 채워진 마커)에는 공개된 비율(속이 빈 마커)도 같은 *시간 비율*로
# 변환해 함께 표시했습니다(처리량 수치는 네이티브 처리량을 해당 시스템의 처리량으로 나눈 값이며, 1보다 크면 더 느리다는 뜻입니다). 모두 실제 측정에서 나온 수치입니다.
#
# - **FEL15**: Felter 외(IBM Research, ISPASS 2015). 같은 서버에서 Docker와 KVM을 네이티브와 비교했습니다. Linpack,
#   STREAM, fio 디스크 I/O, netperf/nuttcp 네트워크를 측정했습니다.
# - **GVI**: gVisor 성능 가이드. runc(일반 컨테이너)와 gVisor에서 순수한 시스템 콜 시간과 CPU를 측정했습니다. gVisor는
#   앱과 호스트 사이에 사용자 공간 커널을 두는 샌드박스입니다.
# - **AGA20**: Firecracker 논문(NSDI 2020). QEMU와 Firecracker 가상 머신을 베어메탈과 비교했습니다.
#
# 이들의 컴퓨터, 워크로드, 정의는 여러분의 것과 다르므로, 자릿수 하나하나가 아니라 *패턴*을 비교하세요.

# %% tags=["keep_output", "nbval-check-output"]
table = overhead_published.published_ratios()
for r in table.itertuples():
    print(f"{r.group:8s} {r.ratio:6.2f}  {r.label}")

# %%
for source_id, text in overhead_published.citations(sorted(set(table.source_id))).items():
    print(f"[{source_id}] {text}")

# %% [markdown]
# The pattern is the lecture notes' claim, measured: on CPU and memory bandwidth, Docker matches native and KVM is a
# few percent slower; on random disk reads KVM needs almost **twice** the time per request and Firecracker far more;
# a network round trip through KVM takes about **1.8×** as long. The hypervisor's cost appears wherever the guest
# must go through the virtual hardware, the *translator (통역가)* that turns the guest's
# hardware accesses into work on the real devices.
# Sandboxes that put a kernel back in between (gVisor) pay on every system call (about 20× with its ptrace platform).
#
# This also shows the trade-off the next notebook explores: the layer that costs time is also the layer that
# **isolates**. A container is fast *because* it shares the host kernel, and for the same reason it isolates less.

# %% [markdown] lang="ko"
# 이 패턴은 강의 자료의 주장을 측정으로 확인해 줍니다. CPU와 메모리 대역폭에서 Docker는 네이티브와 같고, KVM은 몇 퍼센트
# 느립니다. 무작위 디스크 읽기에서 KVM은 요청당 거의 **두 배**의 시간이 걸리고, Firecracker는 그보다 훨씬 더 걸립니다.
# KVM을 거치는 네트워크 왕복은 약 **1.8×의 시간**이 걸립니다. 하이퍼바이저의 비용은 게스트가 가상 하드웨어를 거쳐야 하는
# 곳마다 나타납니다. 가상 하드웨어는 게스트의 하드웨어 접근을 실제 장치에서의 작업으로 바꿔 주는 *통역가*(translator)입니다.
# 커널을 다시 사이에 두는 샌드박스(gVisor)는 시스템 콜마다 비용을 치릅니다(ptrace 플랫폼에서는 약 20×).
#
# 이 결과는 다음 노트북에서 살펴볼 트레이드오프(trade-off)도 보여 줍니다. 시간을 잡아먹는 계층이 바로 **격리**(isolation)하는
# 계층이기도 합니다. 컨테이너는 호스트 커널을 공유하기 *때문에* 빠르고, 같은 이유로 격리는 더 약합니다.

# %% [markdown]
# ## Exercise 2: count system calls yourself
# <small>Course map: S3.6</small>
#
# The kernel counts each thread's system calls: the `syscw:` line of `/proc/thread-self/io` is the number of
# write-type calls this thread has made. Complete `writes_so_far()` so that it returns that number, and
# `writes_made_by(loop)` so that it returns how many write calls `loop()` made. The checker calls both of your
# functions around loops of its own, of sizes you do not know. (No container needed: a container's process is
# counted by the same kernel in the same way.)

# %% [markdown] lang="ko"
# ## 연습 문제 2: 시스템 콜을 직접 세어 보기
# <small>Course map: S3.6</small>
#
# 커널은 스레드마다 시스템 콜 횟수를 셉니다. `/proc/thread-self/io`의 `syscw:` 줄은 이 스레드가 지금까지 한 쓰기 계열
# 호출의 횟수입니다. `writes_so_far()`를 완성해 그 횟수를 반환하게 하고, `writes_made_by(loop)`를 완성해 `loop()`가 한 쓰기
# 호출의 횟수를 반환하게 하세요. 검사기(checker)는 여러분이 모르는 크기의 자체 반복문 앞뒤에서 두 함수를 직접 호출합니다.
# (컨테이너는 필요 없습니다. 컨테이너의 프로세스도 같은 커널이 같은 방식으로 셉니다.)

# %% tags=["exercise"]
import os
from pathlib import Path


def writes_so_far():
    text = Path("/proc/thread-self/io").read_text()
    return ...   # the number after "syscw:" in text, as an int


def writes_made_by(loop):
    before = writes_so_far()
    loop()
    after = writes_so_far()
    return ...   # the write calls loop() made


def write_bytes(n=1000):   # n single-byte os.write to /dev/null
    fd = os.open("/dev/null", os.O_WRONLY)
    for _i in range(n):
        os.write(fd, b"x")
    os.close(fd)


writes = writes_made_by(write_bytes)

# %%
syscalls.check_write_count(writes_so_far, writes_made_by)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `text.split("syscw:")[1].split()[0]` is the number as text; `int(...)` makes it a number. The calls of `loop()`
# are `after - before`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `text.split("syscw:")[1].split()[0]`은 그 숫자를 문자열로 돌려주고, `int(...)`로 감싸면 숫자가 됩니다. `loop()`가 한
# 호출 횟수는 `after - before`입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
def writes_so_far():
    text = Path("/proc/thread-self/io").read_text()
    return int(text.split("syscw:")[1].split()[0])


def writes_made_by(loop):
    before = writes_so_far()
    loop()
    after = writes_so_far()
    return after - before


writes = writes_made_by(write_bytes)
syscalls.check_write_count(writes_so_far, writes_made_by)

# %% [markdown]
# **Try it in a terminal:** `vlab bench overhead --trials 20 --json overhead.json` measures the same thing with more
# trials and writes every sample, the ratios with CIs and the provenance to a JSON file.
#
# ## Key points
# - **Overhead (오버헤드)** is measured fairly as a time **ratio** against native, with the same binary, the same CPU,
#   interleaved runs and a confidence interval.
# - A container's CPU cost is about **zero**: its process runs on the **host kernel** directly, with no guest kernel and
#   no hypervisor in between.
# - Containers pay in specific places: the **seccomp** filter per system call, the **overlay filesystem** for writes,
#   the **bridge network** path, and a few MiB per container (its shim) plus the engine's own memory, paid once.
# - Published measurements agree: Docker ≈ native, while **hypervisors** cost most on I/O and network, where the
#   guest must go through virtual hardware.
# - The layer that costs time is the layer that isolates: next, security.
#
# **Next:** [10 · Security](10_security.ipynb) · [Glossary (용어집)](99_glossary.ipynb)

# %% [markdown] lang="ko"
# **터미널에서 해 보세요:** `vlab bench overhead --trials 20 --json overhead.json`은 같은 측정을 더 많은 시행으로 수행하고,
# 모든 샘플, 신뢰 구간이 붙은 비율, 출처 기록을 JSON 파일에 씁니다.
#
# ## 핵심 정리
# - **오버헤드**(overhead)는 같은 바이너리, 같은 CPU, 교차 실행, 신뢰 구간을 갖추고 네이티브 대비 시간 **비율**로 측정해야
#   공정합니다.
# - 컨테이너의 CPU 비용은 거의 **0**입니다. 컨테이너의 프로세스는 게스트 커널도 하이퍼바이저도 거치지 않고
#   **호스트 커널** 위에서 직접 실행됩니다.
# - 컨테이너가 비용을 치르는 곳은 정해져 있습니다. 시스템 콜마다의 **seccomp** 필터, 쓰기 작업의 **오버레이 파일시스템**,
#   **브리지 네트워크** 경로, 그리고 컨테이너마다 몇 MiB(shim)와 한 번만 치르는 엔진 자체의 메모리입니다.
# - 공개된 측정 결과도 같은 이야기를 합니다. Docker ≈ 네이티브이고, **하이퍼바이저**는 게스트가 가상 하드웨어를 거쳐야 하는
#   I/O와 네트워크에서 가장 큰 비용을 치릅니다.
# - 시간을 잡아먹는 계층이 곧 격리하는 계층입니다. 다음 주제는 보안입니다.
#
# **다음:** [10 · 보안](10_security.ipynb) · [용어집(Glossary)](99_glossary.ipynb)
