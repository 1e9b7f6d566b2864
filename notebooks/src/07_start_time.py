# %% [markdown]
# # 07 · Start-up time (시작 시간): why containers start fast
#
# The lecture notes say a **container (컨테이너)** starts fast because it has **no kernel of its own to boot
# (커널 부팅 없음)**: it is an ordinary process that the host kernel puts into namespaces and cgroups. In this
# notebook you check that claim on your own machine, the way a benchmark tool would: every phase of a container's
# life timed separately, many trials, honest statistics, and each layer of the software stack measured on its own.
#
# **Learning objectives**
# - Name the **phases (단계)** of a container's start (create, start, run, exit, remove) and measure each one.
# - Read a **median (중앙값)**, a p95, a bootstrap confidence interval and an **ECDF (경험적 누적분포)**, and know
#   why one number from one run means little on a noisy machine.
# - See what each layer costs on the **latency ladder (지연 시간 사다리)**: process → runtime → engine API → CLI →
#   network, and why the container's start is far from a kernel boot.
# - See how the cost grows when many containers start at once (**concurrency, 동시성**), and what an idle
#   container costs in memory.

# %% [markdown] lang="ko"
# # 07 · 시작 시간(start-up time): 컨테이너는 왜 빨리 시작할까
#
# 강의 자료에 따르면 **컨테이너**(container)가 빨리 시작하는 이유는 **커널 부팅이 없기**(no kernel of its own to
# boot) 때문입니다. 컨테이너는 호스트 커널이 네임스페이스(namespace)와 cgroup(컨트롤 그룹)에 넣어 둔 평범한
# 프로세스일 뿐입니다. 이 노트북에서는 이 주장을 여러분의 컴퓨터에서 벤치마크(benchmark) 도구처럼 직접 확인합니다.
# 컨테이너 생애의 단계마다 시간을 따로 재고, 시행을 여러 번 반복하고, 통계를 정직하게 내고, 소프트웨어 스택의 각
# 계층을 따로 측정합니다.
#
# **학습 목표**
# - 컨테이너 시작 과정의 **단계**(phase)인 create, start, run, exit, remove를 구분하고 각 단계를 측정합니다.
# - **중앙값**(median), p95, 부트스트랩(bootstrap) 신뢰 구간(confidence interval), **경험적 누적분포**(ECDF)를 읽을 수 있고,
#   잡음이 많은 컴퓨터에서 한 번 실행해 얻은 숫자 하나가 왜 별 의미가 없는지 이해합니다.
# - **지연 시간 사다리**(latency ladder)에서 각 계층이 더하는 비용을 확인합니다: 프로세스 → 런타임 → 엔진 API → CLI →
#   네트워크. 그리고 컨테이너 시작이 커널 부팅과 왜 전혀 다른지 이해합니다.
# - 여러 컨테이너를 한꺼번에 시작할 때(**동시성**, concurrency) 비용이 어떻게 늘어나는지, 그리고 유휴(idle) 컨테이너가
#   메모리를 얼마나 쓰는지 확인합니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## The anatomy of a container start
# <small>Course map: S3.7</small>
#
# vlab starts a tiny container through the **Docker SDK (도커 SDK)**'s low-level API and puts a stopwatch
# (`time.perf_counter_ns`) around every call. The container's only program is busybox `adjtimex`, which prints the
# kernel's clock as its very first act, so we also learn the moment the process **really ran**. The phases:
#
# | phase | from → to |
# |---|---|
# | **create** | `create_container` sent → reply: the container exists (writable layer, config) but nothing runs |
# | **start** | `start` sent → reply: the runtime (runc) has built the namespaces and cgroups and launched the process |
# | **exit** | `start` reply → `wait` reply: the process ran and exited, and the engine noticed |
# | **remove** | `remove_container` sent → reply: the writable layer and namespaces are gone |
# | **total** | create + start + exit + remove, back to back on one clock |
# | **running** | `start` sent → the container's own clock reading. It *overlaps* start and exit, so it is not part of the total |
#
# A second, independent clock comes from the daemon itself: its **events (이벤트)** `create`, `start`, `die` and
# `destroy` carry nanosecond timestamps (`d_…` phases). Every configuration below runs in **one interleaved run**
# (a shuffled order each round), after a **warm-up (워밍업)** round, so a slow moment of a shared machine hits all of
# them alike. Press the stop button (or Ctrl-C in a terminal) at any time: you get the trials measured so far, marked
# partial, and no container is left behind.
#
# **Predict first (예측).** Before you measure: which of the four phases `"create"`, `"start"`, `"exit"`,
# `"remove"` will take longest? And how many milliseconds will a **bridge network** (a virtual network switch,
# explained below) add to a start? Write both down.

# %% [markdown] lang="ko"
# ## 컨테이너 시작 과정 해부하기
# <small>Course map: S3.7</small>
#
# vlab은 **도커 SDK**(Docker SDK)의 저수준(low-level) API로 아주 작은 컨테이너를 시작하고, 모든 호출의 앞뒤에 스톱워치
# (`time.perf_counter_ns`)를 둡니다. 이 컨테이너가 실행하는 프로그램은 busybox의 `adjtimex` 하나뿐인데, 이 프로그램은
# 시작하자마자 가장 먼저 커널의 시계 값을 출력합니다. 그래서 프로세스가 **실제로 실행된** 시점도 알 수 있습니다. 단계는
# 다음과 같습니다.
#
# | 단계 | 시작 → 끝 |
# |---|---|
# | **create** | `create_container` 전송 → 응답: 컨테이너는 존재하지만(쓰기 가능 계층, 설정) 아무것도 실행되지 않은 상태 |
# | **start** | `start` 전송 → 응답: 런타임(runc)이 네임스페이스와 cgroup을 만들고 프로세스를 띄운 상태 |
# | **exit** | `start` 응답 → `wait` 응답: 프로세스가 실행된 뒤 종료했고, 엔진이 이를 알아챈 상태 |
# | **remove** | `remove_container` 전송 → 응답: 쓰기 가능 계층과 네임스페이스가 사라진 상태 |
# | **total** | create + start + exit + remove를 한 시계로 연이어 잰 합계 |
# | **running** | `start` 전송 → 컨테이너 자신의 시계 값. start와 exit에 *걸쳐 있으므로* total에는 들어가지 않음 |
#
# 두 번째의 독립적인 시계는 데몬(daemon) 자체에서 나옵니다. 데몬의 **이벤트**(events) `create`, `start`, `die`,
# `destroy`에는 나노초 단위의 타임스탬프가 붙어 있습니다(`d_…` 단계). 아래의 모든 구성(configuration)은 **워밍업**(warm-up)
# 라운드를 한 번 거친 뒤 **하나의 교차(인터리브) 측정**(interleaved run) 안에서 실행되며, 라운드마다 순서를 무작위로
# 섞습니다. 그래서 공유 컴퓨터가 잠깐 느려지더라도 모든 구성이 똑같이 영향을 받습니다. 정지 버튼(터미널에서는 Ctrl-C)은
# 언제든 눌러도 됩니다. 그때까지 측정한 시행은 부분 결과로 표시되어 남고, 컨테이너는 하나도 남지 않습니다.
#
# **먼저 예측(prediction)해 보세요.** 측정하기 전에 생각해 봅시다. 네 단계 `"create"`, `"start"`, `"exit"`, `"remove"`
# 중 어느 것이 가장 오래 걸릴까요? 그리고 **브리지 네트워크**(bridge network, 아래에서 설명할 가상 네트워크 스위치)는
# 시작 시간을 몇 밀리초나 늘릴까요? 두 가지를 모두 적어 두세요.

# %%
predicted_longest = ...          # ← "create", "start", "exit" or "remove"
predicted_bridge_extra_ms = ...  # ← a number of milliseconds

# %% [markdown]
# **First by hand (glass box).** One start, timed with nothing but the SDK's low-level API and the stopwatch: the
# container runs `true` with a memory and pids limit, no capabilities, no network, the vlab label, and is removed
# whatever happens.

# %% [markdown] lang="ko"
# **먼저 손으로 해 보기(글라스 박스, glass box).** SDK의 저수준 API와 스톱워치만으로 시작 과정을 한 번 측정합니다.
# 컨테이너는 메모리와 pids 제한이 걸린 채, 케이퍼빌리티(capability)도 네트워크도 없이, vlab 레이블을 달고 `true`를
# 실행하며, 무슨 일이 있어도 마지막에는 제거됩니다.

# %%
import time

import docker

from vlab.core import images, sandbox
from vlab.labs.start_time import exercises

if mode.live:
    api, image = docker.from_env().api, images.ensure()
    host = api.create_host_config(mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none",
                                  ulimits=course.ulimits())  # explicit nofile/nproc, needed by Podman
    t = [time.perf_counter_ns()]
    box = api.create_container(image, ["true"], host_config=host, labels=sandbox.labels("glass box: start phases"))
    try:
        t.append(time.perf_counter_ns()); api.start(box); t.append(time.perf_counter_ns())
        api.wait(box, timeout=60); t.append(time.perf_counter_ns())
    finally:
        api.remove_container(box, force=True); t.append(time.perf_counter_ns())
    phases = {p: (b - a) / 1e6 for p, a, b in zip(["create", "start", "exit", "remove"], t, t[1:], strict=False)}
else:
    phases, note = exercises.recorded_trial()
    print(note)
print({p: f"{ms:.1f} ms" for p, ms in phases.items()})

# %% [markdown]
# One trial says little on a shared machine. vlab does this with more care: a warm-up round, many trials of
# several configurations interleaved in a shuffled order, the container's own clock (`running`) and the daemon's
# event clock as checks, the harness's own bookkeeping timed apart, statistics with confidence intervals, removal
# on Ctrl-C, and the provenance of every number.

# %% [markdown] lang="ko"
# 공유 컴퓨터에서는 시행 한 번으로 알 수 있는 것이 별로 없습니다. vlab은 같은 일을 더 꼼꼼하게 합니다. 워밍업 라운드를
# 거치고, 여러 구성을 무작위 순서로 교차하며 여러 번 시행하고, 컨테이너 자신의 시계(`running`)와 데몬의 이벤트 시계로
# 결과를 검증하고, 측정 도구(harness) 자체의 부가 작업 시간은 따로 재고, 신뢰 구간과 함께 통계를 내고, Ctrl-C를 누르면
# 컨테이너를 제거하고, 모든 숫자의 출처(provenance)를 기록합니다.

# %% [markdown]
# **When does a measurement stop? (정지 규칙)** Each measurement below repeats interleaved rounds until the 95 %
# confidence interval of every median is within ±5 % of it, or until its time budget is spent (20 s for the
# configurations, 8 s for the ladder, warm-up included: a round that would not fit is not started; below six trials no
# 95 % interval exists and the precision shows as "± ?"). The rule is fixed before the first trial and never looks at which
# configuration is ahead, so stopping early cannot choose a result; the precision each median reached and why the run
# stopped are printed and saved with the results ("budget spent" means more trials would have narrowed the interval).
# `trials=N` still runs exactly N.

# %% [markdown] lang="ko"
# **측정은 언제 멈출까요? (정지 규칙)** 아래의 각 측정은 모든 중앙값의 95 % 신뢰 구간이 그 중앙값의 ±5 % 이내로
# 좁혀지거나, 시간 예산(구성 측정은 20 s, 사다리 측정은 8 s, 워밍업 포함: 남은 예산에 들어가지 않는 라운드는 시작하지
# 않습니다. 시행이 여섯 번보다 적으면 95 % 구간이 없어서 정밀도는 "± ?"로 표시됩니다)을 다 쓸 때까지 교차 라운드를
# 반복합니다. 이 규칙은 첫 시행 전에 정해지며, 어느 구성이 앞서고 있는지는 전혀 보지 않습니다. 따라서 일찍 멈춘다고 해서 결과를 골라낼 수는 없습니다.
# 각 중앙값이 도달한 정밀도와 측정이 멈춘 이유는 출력되고 결과와 함께 저장됩니다("budget spent"는 시행을 더 했다면 구간이
# 더 좁아졌을 것이라는 뜻입니다). `trials=N`을 주면 지금도 정확히 N번 실행합니다.

# %%
from vlab.labs import start_time
from vlab.plots import start_time as startplots

res = start_time.measure_start()
measured = res.samples.query("phase == 'total' and not warmup")
print(course.tr("measured trials per configuration:"), measured.groupby("config").size().to_dict())

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("host-clock phases:"), ", ".join(p for p in start_time.HOST_PHASES if p in set(res.samples["phase"])))
print(course.tr("second clock:"), ", ".join(p for p in start_time.DAEMON_PHASES if p in set(res.samples["phase"])))

# %% [markdown]
# ### Exercise 1: median and p95 with pandas
# `res.samples` has one row per trial and phase: `config`, `trial`, `warmup` (True for the warm-up round),
# `phase` and `ms`. Write the pandas code that gives the **median** and the **p95** (95th percentile) of the
# `start` phase in the `baseline` configuration, warm-up rows left out.

# %% [markdown] lang="ko"
# ### 연습 문제 1: pandas로 중앙값과 p95 구하기
# `res.samples`에는 시행과 단계마다 한 행이 있으며, 열은 `config`, `trial`, `warmup`(워밍업 라운드이면 True), `phase`,
# `ms`입니다. `baseline` 구성에서 `start` 단계의 **중앙값**과 **p95**(95번째 백분위수)를 구하는 pandas 코드를 작성하세요.
# 워밍업 행은 빼야 합니다.

# %% tags=["exercise"]
start = ...       # the `ms` of the baseline configuration's `start` phase, warm-up excluded (a Series)
median_ms = ...
p95_ms = ...

# %%
exercises.check_start_stats(median_ms, p95_ms, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `res.samples.query("config == 'baseline' and phase == 'start' and not warmup")["ms"]` selects the times; a Series
# has `.median()` and `.quantile(0.95)`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `res.samples.query("config == 'baseline' and phase == 'start' and not warmup")["ms"]`로 시간을 골라낼 수 있습니다.
# Series에는 `.median()`과 `.quantile(0.95)`가 있습니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
start = res.samples.query("config == 'baseline' and phase == 'start' and not warmup")["ms"]
median_ms = start.median()
p95_ms = start.quantile(0.95)
exercises.check_start_stats(median_ms, p95_ms, res)

# %% [markdown]
# Every median comes with more statistics; here they are for the baseline configuration. Each line
# is one phase: **n** trials, the **median** (half of the trials were faster), the **p95** (95 % of trials were
# faster), the **min**, the **IQR** (the middle half's spread), a **bootstrap 95 % CI (신뢰구간)** of the median (the
# range the median would likely fall in if you measured again) and the number of **outliers (이상치)** by a robust
# MAD z-score (a distance from the median that ignores extreme values). Outliers are flagged, never dropped.

# %% [markdown] lang="ko"
# 모든 중앙값에는 더 많은 통계가 함께 따라옵니다. 아래는 baseline 구성의 통계입니다. 한 줄이 한 단계이며, 차례로 시행
# 횟수 **n**, **중앙값**(시행의 절반이 이보다 빨랐음), **p95**(시행의 95 %가 이보다 빨랐음), 최솟값 **min**, 가운데 절반의
# 퍼진 정도인 **IQR**, 중앙값의 **부트스트랩 95 % 신뢰 구간**(CI, 다시 측정한다면 중앙값이 들어갈 가능성이 큰 범위),
# 그리고 강건한(robust) MAD z-점수(극단값의 영향을 받지 않는, 중앙값으로부터의 거리)로 판정한 **이상치**(outlier)의 개수를
# 보여 줍니다. 이상치는 표시만 할 뿐 절대 버리지 않습니다.

# %%
res.summary.query("config == 'baseline'").round(2)

# %% [markdown]
#
# An **ECDF** shows *every* trial: for each time on the x-axis, the fraction of trials that finished in at most that
# time. A steep curve means a phase that is always about as long; a long tail to the right means occasional slow
# trials.

# %% [markdown] lang="ko"
# **ECDF**는 *모든* 시행을 보여 줍니다. x축의 각 시간에 대해, 그 시간 이내에 끝난 시행의 비율을 나타냅니다. 곡선이
# 가파르면 그 단계가 늘 비슷한 시간이 걸린다는 뜻이고, 오른쪽으로 꼬리가 길게 늘어지면 가끔 느린 시행이 있다는 뜻입니다.

# %%
startplots.phase_ecdf(res);

# %%
startplots.phase_breakdown(res);

# %% [markdown]
# **Where does the time go?** Usually **start** is the largest phase: that is runc creating the namespaces,
# joining the cgroups, mounting the root filesystem (overlayfs) and executing the program. **create** and
# **remove** are bookkeeping in the engine and on disk. The **running** marker arrives near the end of *start*:
# the process runs within milliseconds of the runtime launching it. Nothing in that list boots a kernel.

# %% [markdown] lang="ko"
# **시간은 어디에 쓰일까요?** 보통은 **start**가 가장 큰 단계입니다. runc가 네임스페이스를 만들고, cgroup에 들어가고,
# 루트 파일 시스템(overlayfs)을 마운트하고, 프로그램을 실행하는 시간이기 때문입니다. **create**와 **remove**는 엔진과
# 디스크에서 하는 관리 작업(bookkeeping)입니다. **running** 표시는 *start*가 끝나 갈 무렵에 나타납니다. 즉 런타임이
# 프로세스를 띄우고 몇 밀리초 안에 프로세스가 실행됩니다. 이 목록 어디에도 커널을 부팅하는 과정은 없습니다.

# %% [markdown]
# ## What each choice costs
# <small>Course map: S3.7</small>
#
# Every configuration changes **one** factor of the baseline (the small busybox **image (이미지)**, the file
# system a container starts from; no network; runc; detached and then removed; image already used once):
# - `network:bridge`: a virtual ethernet pair, an address and a port on Docker's bridge (a virtual network switch)
#   must be set up;
# - `image:fat`: the same image plus a 64 MiB layer;
# - `auto_remove`: the daemon removes the container itself (`docker run --rm`), so *exit* includes the removal;
# - `first_start`: the first start of a freshly built image;
# - `runtime:crun`: only when crun is installed and configured.
#
# ### Exercise 2: what does a bridge cost?
# From `res.samples`, compute the median `total` of the `network:bridge` configuration divided by the median
# `total` of the `baseline` (warm-up excluded), and the extra milliseconds (bridge median − baseline median).

# %% [markdown] lang="ko"
# ## 선택마다 드는 비용
# <small>Course map: S3.7</small>
#
# 각 구성은 baseline에서 **한 가지** 요소만 바꿉니다. baseline은 작은 busybox **이미지**(image, 컨테이너가 시작할 때
# 쓰는 파일 시스템)를 쓰고, 네트워크 없이 runc로 분리(detached) 모드로 실행한 뒤 제거하며, 이미지는 이미 한 번 사용된
# 상태입니다.
# - `network:bridge`: 가상 이더넷 쌍(virtual ethernet pair)과 주소, 그리고 Docker 브리지(가상 네트워크 스위치)의 포트를
#   설정해야 합니다.
# - `image:fat`: 같은 이미지에 64 MiB짜리 계층을 하나 더한 것입니다.
# - `auto_remove`: 데몬이 컨테이너를 스스로 제거합니다(`docker run --rm`). 그래서 *exit*에 제거 시간이 포함됩니다.
# - `first_start`: 새로 빌드한 이미지를 처음 시작하는 경우입니다.
# - `runtime:crun`: crun이 설치되어 있고 설정된 경우에만 측정합니다.
#
# ### 연습 문제 2: 브리지 비용은 얼마일까요?
# `res.samples`에서 `network:bridge` 구성의 `total` 중앙값을 `baseline`의 `total` 중앙값으로 나눈 값(워밍업 제외)과,
# 늘어난 밀리초(브리지 중앙값 − baseline 중앙값)를 계산하세요.

# %% tags=["exercise"]
ratio = ...      # median total with a bridge / median total of the baseline
extra_ms = ...   # median total with a bridge − median total of the baseline

# %%
exercises.check_bridge_ratio(ratio, extra_ms, res)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `totals = res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()` gives one
# median per configuration; `totals["network:bridge"]` and `totals["baseline"]` are the two you need.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `totals = res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()`을 실행하면 구성마다
# 중앙값이 하나씩 나옵니다. 필요한 두 값은 `totals["network:bridge"]`와 `totals["baseline"]`입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
totals = res.samples.query("phase == 'total' and not warmup").groupby("config")["ms"].median()
ratio = totals["network:bridge"] / totals["baseline"]
extra_ms = totals["network:bridge"] - totals["baseline"]
exercises.check_bridge_ratio(ratio, extra_ms, res)

# %% [markdown]
# vlab's summary: the **median** of each phase per configuration, and each configuration's ratio to the baseline
# (shown only now, since it holds the answers of both exercises).

# %% [markdown] lang="ko"
# vlab의 요약입니다. 구성별로 각 단계의 **중앙값**과 baseline에 대한 비율을 보여 줍니다(두 연습 문제의 답이 들어 있어서
# 이제야 보여 줍니다).

# %%
print(start_time.format_summary(res))

# %% [markdown]
# vlab's table gives the same **ratio of medians (중앙값 비율)** for every configuration against the baseline,
# with a bootstrap 95 % CI. A CI that contains 1.0 means this run cannot tell the two apart. And your predictions
# from the top of the notebook, against your own measurement:

# %% [markdown] lang="ko"
# vlab의 표는 모든 구성에 대해 baseline과의 **중앙값 비율**(ratio of medians)을 같은 방식으로 계산하고, 부트스트랩 95 %
# 신뢰 구간을 함께 보여 줍니다. 신뢰 구간에 1.0이 들어 있으면 이번 측정으로는 두 구성을 구별할 수 없다는 뜻입니다.
# 그리고 노트북 맨 위에서 적어 둔 여러분의 예측을 직접 측정한 값과 비교해 봅시다.

# %%
print(exercises.compare_predictions(predicted_longest, predicted_bridge_extra_ms, res))
start_time.ratios(res).round(2)

# %% [markdown]
# Look at the image size: a 64 MiB larger image does **not** make the start slower. The image's layers are already
# on disk; the container gets a thin writable layer on top (**copy-on-write, 쓰기 시 복사**) and nothing is copied.
# The network is different: setting up a bridge port is real work, done on every start.

# %% [markdown] lang="ko"
# 이미지 크기를 보세요. 이미지가 64 MiB 더 커져도 시작은 느려지지 **않습니다**. 이미지의 계층은 이미 디스크에 있고,
# 컨테이너는 그 위에 얇은 쓰기 가능 계층을 하나 얹을 뿐(**쓰기 시 복사**, copy-on-write) 아무것도 복사하지 않습니다.
# 네트워크는 다릅니다. 브리지 포트를 설정하는 것은 실제로 일을 해야 하는 작업이며, 시작할 때마다 매번 일어납니다.

# %% [markdown]
# ## The latency ladder: what each layer adds
# <small>Course map: S3.7 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# Now the same tiny program (`adjtimex`, from the same static busybox binary) runs at each layer, interleaved in one
# run:
#
# 1. **native**: the host forks and executes busybox: a plain **process (프로세스)**, no isolation;
# 2. **runc**: the OCI **runtime (런타임)** runs it in new namespaces and cgroups from the image's root filesystem,
#    with no engine (needs root; skipped otherwise);
# 3. **sdk**: the Docker **engine (엔진)** through its API: create → start → wait → remove;
# 4. **cli**: `docker run --rm` from the command line, which is what tools such as hyperfine time;
# 5. **cli_bridge**: the same with the default bridge network.
#
# This is the course's version of *why containers are preferred*: compare the **runc** rung (the isolation itself)
# with the **native** rung (a plain process) and with the engine's rungs above it. On a typical Linux machine runc
# takes tens of milliseconds and most of what you wait for is the engine's bookkeeping on top; your numbers are
# below.

# %% [markdown] lang="ko"
# ## 지연 시간 사다리: 계층마다 더해지는 시간
# <small>Course map: S3.7 · S3.1</small>
# <small>Figure counterpart: 컨테이너선호이유.png</small>
#
# 이제 같은 작은 프로그램(같은 정적 busybox 바이너리의 `adjtimex`)을 각 계층에서 실행합니다. 모두 한 번의 측정 안에서
# 교차로 실행됩니다.
#
# 1. **native**: 호스트가 busybox를 fork하고 실행합니다. 격리가 전혀 없는 평범한 **프로세스**(process)입니다.
# 2. **runc**: OCI **런타임**(runtime)이 이미지의 루트 파일 시스템에서 새 네임스페이스와 cgroup 안에 프로그램을
#    실행합니다. 엔진은 거치지 않습니다(root 권한이 필요하며, 없으면 건너뜁니다).
# 3. **sdk**: API를 통해 Docker **엔진**(engine)을 거칩니다: create → start → wait → remove.
# 4. **cli**: 명령줄에서 `docker run --rm`을 실행합니다. hyperfine 같은 도구가 재는 것이 바로 이것입니다.
# 5. **cli_bridge**: 위와 같지만 기본 브리지 네트워크를 사용합니다.
#
# 이것이 이 강의가 보여 주는 *컨테이너를 선호하는 이유*입니다. **runc** 단(rung, 격리 그 자체)을 **native** 단(평범한
# 프로세스)과 비교하고, 그 위에 있는 엔진의 단들과도 비교해 보세요. 일반적인 Linux 컴퓨터에서 runc는 수십 밀리초가
# 걸리며, 여러분이 기다리는 시간의 대부분은 그 위에서 엔진이 하는 관리 작업입니다. 여러분의 측정값은 아래에 있습니다.

# %%
ladder = start_time.measure_ladder()
startplots.ladder(ladder);

# %%
print(start_time.format_summary(ladder))

# %% [markdown]
# **And a virtual machine?** A **VM (가상 머신)** must boot a whole guest kernel and init before the first program
# runs. Here are published measurements on a bare-metal server with hardware virtualization (KVM), all with one
# metric: *wall-clock from launching the hypervisor until the guest's init signals and the hypervisor exits*, one
# VM at a time, median [AGA20] (Agache et al., *Firecracker*, NSDI 2020, raw data
# `firecracker-microvm/nsdi2020-data`):

# %% [markdown] lang="ko"
# **가상 머신은 어떨까요?** **가상 머신**(virtual machine, VM)은 첫 프로그램을 실행하기 전에 게스트 커널 전체와 init을
# 부팅해야 합니다. 아래는 하드웨어 가상화(KVM)를 쓰는 베어메탈(bare metal) 서버에서 측정해 발표한 값이며, 모두 한 가지 지표를
# 씁니다. 지표는 *하이퍼바이저(hypervisor)를 실행한 순간부터 게스트의 init이 신호를 보내고 하이퍼바이저가 종료할 때까지의 실제 경과
# 시간*(wall-clock)이고, VM은 한 번에 하나씩 실행했으며, 값은 중앙값입니다 [AGA20] (Agache et al., *Firecracker*, NSDI
# 2020, 원시 데이터 `firecracker-microvm/nsdi2020-data`).

# %%
from vlab.labs.vm import recorded

recorded.display_table(recorded.boot_figures(["launch_to_guest_exit_wallclock"]))[
    ["system", "figure", "stat", "source_id", "caveat"]]

# %% [markdown]
# These are *heavily tuned* minimal VMs on a fast server, and a different metric from the rungs above, so they do
# not rank against your rungs; a general distribution's VM takes seconds. What the **runc** rung shows is that the
# container starts without booting anything. The next notebook boots a real VM live, next to a container, and times
# both with one clock.

# %% [markdown] lang="ko"
# 이 VM들은 빠른 서버에서 *극도로 튜닝한* 최소 구성 VM이고, 지표도 위의 사다리 단들과 다르므로 여러분의 측정값과 순위를
# 매겨 비교할 수는 없습니다. 일반 배포판의 VM은 부팅에 수 초가 걸립니다. **runc** 단이 보여 주는 것은 컨테이너가
# 아무것도 부팅하지 않고 시작한다는 사실입니다. 다음 노트북에서는 실제 VM을 컨테이너와 나란히 라이브로 부팅하고, 둘을
# 같은 시계로 잽니다.

# %% [markdown]
# ## Many containers at once
# <small>Course map: S3.7 · S3.6</small>
#
# A server rarely starts one container. vlab starts *k* idle containers at the same time (k = 1, 2, 4, 8, 16 here,
# within a 6 s budget: a level that would not fit is left out and named below; `vlab bench start --concurrency` goes
# on to 64) and measures **containers per second (초당 컨테이너 수)**, the start latency of each one (p50, p95),
# and, read from the host while they idle, the **memory per container**: what its cgroup is charged (`cgroup_kib`,
# the container's own process) and the proportional memory of its `containerd-shim` process (`shim_kib`, the
# engine's per-container helper). `host_delta_kib` is the drop of the host's available memory divided by k: the
# honest total, but noisy on a busy machine.

# %% [markdown] lang="ko"
# ## 여러 컨테이너를 한꺼번에
# <small>Course map: S3.7 · S3.6</small>
#
# 서버가 컨테이너를 하나만 시작하는 경우는 드뭅니다. vlab은 유휴 컨테이너 *k*개를 동시에 시작하고(여기서는 k = 1, 2, 4,
# 8, 16이며 시간 예산은 6 s입니다. 예산에 들어가지 않는 단계는 건너뛰고 아래에 그 이름을 보여 줍니다.
# `vlab bench start --concurrency`는 64까지 늘립니다) 다음을 측정합니다: **초당 컨테이너 수**
# (containers per second), 각 컨테이너의 시작 지연 시간(p50, p95), 그리고 컨테이너들이 유휴 상태일 때 호스트에서 읽은
# **컨테이너당 메모리**입니다. 메모리는 컨테이너의 cgroup에 청구된 양(`cgroup_kib`, 컨테이너 자신의 프로세스)과
# `containerd-shim` 프로세스의 비례 메모리(`shim_kib`, 엔진이 컨테이너마다 두는 도우미 프로세스)로 나뉩니다.
# `host_delta_kib`는 호스트의 가용 메모리가 줄어든 양을 k로 나눈 값입니다. 가장 정직한 총량이지만, 바쁜 컴퓨터에서는
# 잡음이 큽니다.

# %%
conc = start_time.measure_concurrency(levels=[2**i for i in range(course.trials(5, 3))])  # k = 1 … 16
print(start_time.describe_sweep(conc))
conc.summary.round(1)

# %%
startplots.concurrency_curve(conc);

# %% [markdown]
# Throughput rises while the engine can overlap the work of several starts, then flattens when the CPU cores are
# busy; latency per container then grows with k. Look at `cgroup_kib` and `shim_kib`: on a typical Linux machine an
# idle container costs a few hundred KiB for its process plus a few MiB for its shim, with no guest kernel and no
# guest memory to reserve. A VM's monitor alone costs megabytes (Firecracker's
# specification promises at most 5 MiB of VMM overhead; QEMU measured about 131 MiB in the same NSDI 2020 paper).

# %% [markdown] lang="ko"
# 처리량(throughput)은 엔진이 여러 시작 작업을 겹쳐서 처리할 수 있는 동안에는 늘어나다가, CPU 코어가 모두 바빠지면
# 평평해집니다. 그 뒤로는 컨테이너당 지연 시간이 k에 따라 늘어납니다. `cgroup_kib`와 `shim_kib`를 보세요. 일반적인 Linux
# 컴퓨터에서 유휴 컨테이너는 프로세스에 수백 KiB, shim에 몇 MiB 정도를 쓸 뿐이며, 게스트 커널도 없고 미리 확보해 둘 게스트
# 메모리도 없습니다. 반면 VM은 모니터 하나만으로도 수 메가바이트를 씁니다(Firecracker의 명세는 VMM 오버헤드(overhead)를
# 최대 5 MiB로 약속하며, 같은 NSDI 2020 논문에서 QEMU는 약 131 MiB로 측정되었습니다).

# %% [markdown]
# ## The same measurement from a terminal
# <small>Course map: S3.7</small>
#
# ```
# vlab bench start --trials 30 --json start_time.json            # configurations, phase by phase
# vlab bench start --quick --ladder --concurrency --json s.json
# vlab bench start --help                                   # every option explained
# ```
# The JSON keeps every raw sample (milliseconds per phase), the summary and the provenance (host, kernel, engine
# and runtime versions, cgroup version, vlab version, date, configuration). Ctrl-C writes the partial results.

# %% [markdown] lang="ko"
# ## 터미널에서 같은 측정하기
# <small>Course map: S3.7</small>
#
# ```
# vlab bench start --trials 30 --json start_time.json            # configurations, phase by phase
# vlab bench start --quick --ladder --concurrency --json s.json
# vlab bench start --help                                   # every option explained
# ```
# JSON 파일에는 모든 원시 샘플(단계별 밀리초), 요약, 그리고 출처 정보(호스트, 커널, 엔진과 런타임 버전, cgroup 버전, vlab
# 버전, 날짜, 구성)가 담깁니다. Ctrl-C를 누르면 그때까지의 부분 결과를 기록합니다.

# %% [markdown]
# ## Self-check
# <small>Course map: S3.7</small>
#
# **Two claims that always hold on your own data.** Every timed phase is positive (time only moves forward), and
# the four host phases add up to the total: they are consecutive intervals of one clock, so the difference may only
# be float rounding, far below 0.01 ms. Run the cell: it checks every trial above.

# %% [markdown] lang="ko"
# ## 스스로 점검
# <small>Course map: S3.7</small>
#
# **여러분의 데이터에서 언제나 성립하는 두 가지 주장.** 측정한 모든 단계는 양수입니다(시간은 앞으로만 흐르니까요).
# 그리고 호스트에서 잰 네 단계를 더하면 total이 됩니다. 네 단계는 한 시계 위에서 연속된 구간이므로, 차이가 있다면
# 부동소수점 반올림 오차뿐이며 0.01 ms보다 훨씬 작습니다. 셀을 실행해 보세요. 위의 모든 시행을 확인합니다.

# %% tags=["keep_output", "nbval-check-output"]
check = start_time.self_check(res)
assert check["phases_positive"], course.tr("a phase came out zero or negative")
assert check["adds_up"], course.tr("phases differ from the total by {difference} ms").format(
    difference=check["max_difference_ms"])
print(course.tr("every phase positive:"), check["phases_positive"])
print(course.tr("create + start + exit + remove = total within {tolerance} ms:").format(
    tolerance=check["tolerance_ms"]), check["adds_up"])

# %% [markdown]
# ## Key points
# - A container start is **create → start → run → exit → remove**; the runtime's namespace and cgroup set-up
#   (*start*) is usually the largest part, and the program runs within milliseconds of it.
# - **No kernel boots (커널 부팅 없음)**: runc alone starts an isolated process in tens of milliseconds; the engine and
#   CLI add bookkeeping on top. This is why containers are preferred for fast, light work.
# - Image size barely matters (layers are shared, copy-on-write); a network does (a bridge port per start).
# - Measure honestly: warm-up, many interleaved trials, medians with confidence intervals, ECDFs, outliers kept,
#   ratios rather than absolute times from one run, provenance with every result.
# - Many containers at once: throughput saturates with the CPU cores; an idle container costs little memory, mostly
#   the engine's shim.
#
# **Next:** [08 · VM vs container](08_vm_vs_container.ipynb): boot a real virtual machine and compare; after it,
# [09 · Overhead](09_overhead.ipynb) measures what a running container costs.
# See the [glossary (용어집)](99_glossary.ipynb) for every term.

# %% [markdown] lang="ko"
# ## 핵심 정리
# - 컨테이너 시작은 **create → start → run → exit → remove** 순서로 진행됩니다. 런타임이 네임스페이스와 cgroup을
#   설정하는 단계(*start*)가 보통 가장 크며, 프로그램은 그 뒤 몇 밀리초 안에 실행됩니다.
# - **커널 부팅이 없습니다**(no kernel boots): runc만으로 격리된 프로세스를 수십 밀리초 안에 시작하며, 엔진과 CLI가
#   그 위에 관리 작업을 더합니다. 그래서 빠르고 가벼운 작업에는 컨테이너를 선호합니다.
# - 이미지 크기는 거의 영향을 주지 않지만(계층은 공유되고 쓰기 시 복사로 동작), 네트워크는 영향을 줍니다(시작할 때마다
#   브리지 포트 하나).
# - 정직하게 측정하세요: 워밍업, 교차로 반복한 많은 시행, 신뢰 구간을 붙인 중앙값, ECDF, 이상치는 버리지 않기, 한 번의
#   실행에서 얻은 절대 시간보다는 비율, 모든 결과에 출처 정보.
# - 여러 컨테이너를 한꺼번에 시작하면 처리량은 CPU 코어 수에 맞춰 포화됩니다. 유휴 컨테이너가 쓰는 메모리는 적으며,
#   그나마 대부분은 엔진의 shim이 씁니다.
#
# **다음:** [08 · 가상 머신 vs 컨테이너](08_vm_vs_container.ipynb)에서는 실제 가상 머신을 부팅해 컨테이너와 비교합니다.
# 그다음 [09 · 오버헤드](09_overhead.ipynb)에서는 실행 중인 컨테이너의 비용을 측정합니다.
# 모든 용어는 [용어집(glossary)](99_glossary.ipynb)에서 찾아볼 수 있습니다.
