# %% [markdown]
# # 11 · Review: the whole course, and your own numbers
#
# This quiz walks through the whole course, from servers to container security. Each question gives
# immediate feedback and explains **every** choice, right or wrong; "Show solution" reveals the answer. The last
# questions are about **your own measurements**: their right answers are computed from the numbers your machine
# produces below (or, in replay mode, from the recorded run, and the question says so).
#
# **Learning objectives**
# - Check that you can explain each idea of the course in your own words.
# - Find the notebook to revisit for any question you miss (each question names it).

# %% [markdown] lang="ko"
# # 11 · 복습: 강좌 전체, 그리고 여러분의 측정값
#
# 이 퀴즈는 서버부터 컨테이너 보안까지 강좌 전체를 훑어봅니다. 문제마다 바로 피드백을 주며, 정답이든 오답이든
# **모든** 선택지를 설명합니다. "정답 보기"(Show solution)를 누르면 답이 나옵니다. 마지막 문제들은
# **여러분 자신의 측정값**에 관한 것입니다. 이 문제들의 정답은 아래에서 여러분의 컴퓨터가 만들어 내는 수치로 계산됩니다
# (리플레이 모드(replay mode)에서는 기록된 실행으로 계산되며, 문제에 그렇다고 표시됩니다).
#
# **학습 목표**
# - 강좌의 각 개념을 자신의 말로 설명할 수 있는지 확인합니다.
# - 틀린 문제가 있으면 다시 봐야 할 노트북을 찾습니다(문제마다 해당 노트북이 적혀 있습니다).

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Your numbers first
#
# A short measurement for the questions about your machine: a few container starts without and with a bridge
# network (notebook 07), and the write calls the kernel counts for `dd bs=1` in a container (notebooks 04 and 09).
# Nothing is printed: the quiz asks you about it.

# %% [markdown] lang="ko"
# ## 먼저 여러분의 수치부터
#
# 여러분의 컴퓨터에 관한 문제를 위해 짧은 측정을 합니다. 브리지 네트워크(bridge network) 없이, 그리고 브리지 네트워크를
# 붙여서 컨테이너를 몇 번 시작해 보고(노트북 07), 컨테이너 안에서 `dd bs=1`을 실행할 때 커널이 세는 write 호출 횟수를
# 잽니다(노트북 04와 09). 결과는 출력하지 않습니다. 퀴즈에서 물어볼 테니까요.

# %%
from vlab.labs import start_time, syscalls

start = start_time.measure_start(course.trials(10, 3), variants=["network"], progress=False)
counts = syscalls.count_syscalls(n=2000)
print(course.tr("your data:"),
      course.tr("REPLAYED from a recorded run") if start.replayed else course.tr("measured now on this machine"))

# %% [markdown]
# ## The course quiz
#
# Click an answer (multiple choice) or type a number and press **Check**. Your score updates as you go.

# %% [markdown] lang="ko"
# ## 강좌 퀴즈
#
# 답을 클릭하거나(객관식) 숫자를 입력한 뒤 **확인**(Check)을 누르세요. 점수는 풀어 나가는 대로 갱신됩니다.

# %%
from vlab.widgets.review import QUESTIONS, review_quiz

review = review_quiz(start, counts)
review

# %% [markdown]
# Which notebook teaches each question? Revisit the ones you missed.

# %% [markdown] lang="ko"
# 각 문제는 어느 노트북에서 배울까요? 틀린 문제의 노트북을 다시 살펴보세요.

# %%
import pandas as pd

question = course.tr("question")
pd.DataFrame({question: range(1, len(review.questions) + 1),
              course.tr("concepts"): [" · ".join(q.concepts) for q in review.questions],
              course.tr("revisit"): [q.notebook for q in review.questions]}).set_index(question)

# %% [markdown]
# The quiz covers every concept of the course map: the check below compares the questions' concept
# ids with the course map's.

# %% [markdown] lang="ko"
# 이 퀴즈는 강좌 맵(course map)에 있는 모든 개념을 다룹니다. 아래 점검은 문제들의 개념 id를 강좌 맵의 id와 비교합니다.

# %% tags=["keep_output", "nbval-check-output"]
from vlab.labs.coverage import course_map

ids = set(course_map()["id"])
asked = {c for q in QUESTIONS for c in q.concepts}
print(course.tr("fixed questions: {questions}; course-map ids asked about: {asked} of {total}").format(
    questions=len(QUESTIONS), asked=len(asked & ids), total=len(ids)))
print(course.tr("ids not asked about:"), sorted(ids - asked) or course.tr("none"))

# %% [markdown]
# ## Key points
# - **Servers (서버)** provide results to **clients (클라이언트)**; web servers serve static pages, a WAS
#   computes dynamic results; bare metal, hypervisors and containers are the three ways to run them.
# - **Virtualization (가상화)** isolates programs and allocates each a share, which makes **consolidation
#   (서버 통합)** onto a few big machines possible.
# - A **hypervisor (하이퍼바이저)** runs guest OSes with their own kernels and stands between the guest's (virtual)
#   hardware and the real one; the guest's system calls go to its own kernel, never to the hypervisor.
# - A **container (컨테이너)** is host processes isolated by **namespaces (네임스페이스)** and limited by **cgroups
#   (컨트롤 그룹)**: it shares the host kernel, so it starts fast and costs little, but it is weaker at isolation
#   and cannot run a different OS.
#
# **Next:** [Glossary · 용어집](99_glossary.ipynb) · back to the [start](00_start_here.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **서버**(server)는 **클라이언트**(client)에게 결과를 제공합니다. 웹 서버는 정적 페이지를 제공하고, WAS는 동적인
#   결과를 계산합니다. 서버를 운영하는 세 가지 방식은 베어메탈, 하이퍼바이저, 컨테이너입니다.
# - **가상화**(virtualization)는 프로그램을 격리하고 각각에 몫을 분배합니다. 덕분에 큰 컴퓨터 몇 대로
#   **서버 통합**(consolidation)을 할 수 있습니다.
# - **하이퍼바이저**(hypervisor)는 자체 커널을 가진 게스트 OS를 실행하며, 게스트의 (가상) 하드웨어와 실제 하드웨어
#   사이에 자리합니다. 게스트의 시스템 콜은 게스트 자신의 커널로 가며, 하이퍼바이저로 가는 일은 없습니다.
# - **컨테이너**(container)는 **네임스페이스**(namespace)로 격리되고 **cgroup**(컨트롤 그룹)으로 제한되는 호스트
#   프로세스들입니다. 호스트 커널을 공유하므로 빨리 시작되고 비용이 적게 들지만, 격리는 더 약하고 다른 OS를 실행할 수 없습니다.
#
# **다음:** [용어집](99_glossary.ipynb) · [시작하기](00_start_here.ipynb)로 돌아가기
