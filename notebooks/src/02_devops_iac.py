# %% [markdown]
# # 02 · DevOps and Infrastructure as Code (코드형 인프라)
#
# In notebook 01 a Python cell started four servers. A company runs hundreds, changes them every day, and
# must be able to rebuild them after a failure. Doing that by hand is slow and error-prone. This notebook
# declares a small two-server environment **as code** and lets vlab make reality match it.
#
# **Learning objectives**
# - Explain **DevOps (데브옵스)**: development and operations working as one, for efficiency, collaboration, speed
#   and stability.
# - Explain **Infrastructure as Code (IaC, 코드형 인프라)**: servers described in files and created by tools,
#   not by hand.
# - Read a **plan** (what will be created, replaced or deleted), **apply** it, and see that applying twice
#   changes nothing (**idempotence**, 멱등성).
# - Edit the declaration and see exactly the change; notice **drift** (reality changed by hand); **destroy** the
#   environment.

# %% [markdown] lang="ko"
# # 02 · 데브옵스와 코드형 인프라(Infrastructure as Code)
#
# 노트북 01에서는 Python 셀 하나가 서버 네 개를 시작했습니다. 기업은 서버를 수백 대 운영하고, 매일 바꾸며, 장애가 나면
# 다시 만들 수 있어야 합니다. 이 일을 손으로 하면 느리고 실수하기 쉽습니다. 이 노트북에서는 서버 두 대로 이루어진 작은
# 환경을 **코드로** 선언하고, vlab이 실제 상태를 그 선언에 맞추도록 합니다.
#
# **학습 목표**
# - **데브옵스**(DevOps)를 설명합니다. 효율성, 협업, 속도, 안정성을 위해 개발과 운영이 하나로 움직이는 방식입니다.
# - **코드형 인프라**(Infrastructure as Code, IaC)를 설명합니다. 서버를 손으로 만들지 않고, 파일에 기술한 뒤 도구로
#   생성하는 방식입니다.
# - **계획**(plan: 무엇이 생성, 교체, 삭제될지)을 읽고 **적용**(apply)한 뒤, 두 번 적용해도 아무것도 바뀌지 않는다는 것,
#   즉 **멱등성**(idempotence)을 확인합니다.
# - 선언을 수정하고 정확히 그만큼만 바뀌는 것을 확인합니다. **드리프트**(drift: 누군가 실제 상태를 손으로 바꾼 경우)를
#   알아차리고, 환경을 **삭제**(destroy)합니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## DevOps: development and operations as one team
# <small>Course map: S1.7</small>
#
# Traditionally **developers** (개발) wrote the software and an **operations** team (운영) ran the servers. The
# hand-over between them was slow: tickets, manual installs, "it works on my machine". **DevOps (데브옵스)**
# integrates the two for four goals:
#
# | goal | what it means in practice |
# |---|---|
# | efficiency (효율성) | repetitive work (building, testing, creating servers) is automated |
# | collaboration (협업) | developers and operators share the same code, tools and responsibility |
# | speed (속도) | small changes go to production many times a day instead of a few times a year |
# | stability (안정성) | every change is reviewed, tested and repeatable, so it can be rolled back |
#
# Automation needs the servers themselves to be described in a form a program can read. That is IaC.

# %% [markdown] lang="ko"
# ## 데브옵스: 하나의 팀이 된 개발과 운영
# <small>Course map: S1.7</small>
#
# 전통적으로는 **개발자**(developer)가 소프트웨어를 만들고 **운영**(operations) 팀이 서버를 돌렸습니다. 둘 사이의
# 인수인계는 느렸습니다. 티켓을 주고받고, 수작업으로 설치하고, "제 컴퓨터에서는 잘 되는데요"라는 말이 오갔습니다.
# **데브옵스**(DevOps)는 이 둘을 통합해 네 가지 목표를 추구합니다.
#
# | 목표 | 실제로 의미하는 것 |
# |---|---|
# | 효율성(efficiency) | 반복 작업(빌드, 테스트, 서버 생성)을 자동화합니다 |
# | 협업(collaboration) | 개발자와 운영자가 같은 코드, 도구, 책임을 공유합니다 |
# | 속도(speed) | 작은 변경을 1년에 몇 번이 아니라 하루에도 여러 번 운영 환경(production)에 반영합니다 |
# | 안정성(stability) | 모든 변경을 리뷰하고 테스트하며 똑같이 반복할 수 있으므로, 문제가 생기면 되돌릴(롤백) 수 있습니다 |
#
# 자동화하려면 서버 자체가 프로그램이 읽을 수 있는 형태로 기술되어 있어야 합니다. 그것이 바로 IaC입니다.

# %% [markdown]
# ## Infrastructure as Code: the declaration
# <small>Course map: S1.8</small>
#
# With **Infrastructure as Code (IaC, 코드형 인프라)** the infrastructure is managed and provisioned through
# **code** instead of manual processes. You write down *what* should exist (a **declaration**, 선언);
# a tool works out *how* to get there. Terraform, Ansible, Kubernetes manifests and Docker Compose all work
# like this. IaC is older than containers: **CFEngine** (1993), **Puppet** (2005), **Chef** (2009) and AWS
# **CloudFormation** (2011) configured physical machines and VMs years before Docker (2013). The declaration lives in version control next to the application code, so a change to the
# servers is reviewed like any other change.
#
# Our declaration is the file `environment.toml`: an environment called `shop` with a web server and a WAS.

# %% [markdown] lang="ko"
# ## 코드형 인프라: 선언
# <small>Course map: S1.8</small>
#
# **코드형 인프라**(Infrastructure as Code, IaC)에서는 인프라를 수작업 절차가 아닌 **코드**로 관리하고
# 프로비저닝(provisioning)합니다. 여러분은 *무엇이* 있어야 하는지를 적고(이것을 **선언**(declaration)이라고 합니다),
# *어떻게* 그 상태에 도달할지는 도구가 알아냅니다. Terraform, Ansible, Kubernetes 매니페스트, Docker Compose가 모두
# 이렇게 동작합니다. IaC는 컨테이너보다 역사가 깁니다. **CFEngine**(1993), **Puppet**(2005), **Chef**(2009), AWS
# **CloudFormation**(2011)은 Docker(2013)가 나오기 몇 년 전부터 물리 머신과 VM을 구성했습니다. 선언은 애플리케이션
# 코드와 나란히 버전 관리 시스템에 보관되므로, 서버에 대한 변경도 다른 변경과 똑같이 리뷰를 거칩니다.
#
# 우리의 선언은 `environment.toml` 파일입니다. 웹 서버와 WAS가 있는 `shop`이라는 환경을 선언합니다.

# %%
from pathlib import Path

from vlab.labs import iac

text = Path("environment.toml").read_text(encoding="utf-8")
print(text)

# %% [markdown]
# ### The plain interface first
# The *actual state* is just a question to the engine: which containers carry this environment's label? And a plan
# is, at heart, set arithmetic between what is declared and what exists. By hand with the Docker SDK (it only
# lists; it creates nothing):

# %% [markdown] lang="ko"
# ### 먼저 가장 단순한 방법으로
# *실제 상태*(actual state)는 엔진에 던지는 질문 하나일 뿐입니다. 이 환경의 레이블이 붙은 컨테이너는 무엇인가?
# 그리고 계획이란 본질적으로 선언된 것과 존재하는 것 사이의 집합 연산입니다. Docker SDK로 직접 해 봅니다
# (목록만 조회할 뿐, 아무것도 만들지 않습니다).

# %%
import docker

declared = {"web", "app"}  # the [servers.*] sections of environment.toml
if mode.live:
    found = docker.from_env().containers.list(all=True, filters={"label": "vlab.labs.iac=shop"})
    existing = {c.labels.get("vlab.labs.iac.server", c.name) for c in found}
else:  # no engine: ask vlab's in-memory stand-in instead, and say so
    existing = set(iac.state().read("shop"))
    print(course.tr("replay mode: no engine to ask, so this is vlab's SIMULATED state (in memory, nothing runs): "
                    "the servers this notebook has applied in replay so far"))
print(course.tr("exists now:"), sorted(existing), "|", course.tr("to create:"), sorted(declared - existing),
      "|", course.tr("to delete:"), sorted(existing - declared))

# %% [markdown]
# vlab does this with more care: it also compares each server's **configuration** (a hash stored in a label) and
# whether it runs, creates through the sandbox on a private network, and waits until each server answers.
#
# vlab reads the declaration into a structure, and compares it with the **actual state**: the containers that exist now
# with the label `vlab.labs.iac=shop`. In replay mode there is no engine, so the actual state is **simulated** in
# memory (the comparison logic is exactly the same; no server runs, so the "answers" below are placeholders).
# The line below says which one you have.

# %% [markdown] lang="ko"
# vlab은 같은 일을 더 꼼꼼하게 처리합니다. 각 서버의 **구성**(configuration: 레이블에 저장된 해시)과 실행 중인지
# 여부까지 비교하고, 샌드박스(sandbox)를 거쳐 전용 사설 네트워크에 서버를 만들며, 각 서버가 응답할 때까지 기다립니다.
#
# vlab은 선언을 읽어 자료 구조로 만든 뒤 **실제 상태**와 비교합니다. 실제 상태란 지금 존재하면서 레이블
# `vlab.labs.iac=shop`이 붙은 컨테이너들입니다. 리플레이 모드(replay mode)에서는 엔진이 없으므로 실제 상태를 메모리
# 안에서 **시뮬레이션**합니다(비교 로직은 완전히 같지만, 실행되는 서버가 없으므로 아래의 "응답"은 자리 표시용 값입니다).
# 아래 줄이 지금 어느 쪽인지 알려 줍니다.

# %%
env = iac.load("environment.toml")
backend = iac.state()
print(course.tr("Actual state comes from:"), course.tr("a SIMULATION (replay mode, no engine)") if backend.simulated
      else course.tr("the Docker engine on this machine (live)"))
iac.destroy(env.name);  # start from a clean slate: remove anything an earlier run of this notebook left

# %% [markdown]
# ### Plan: what would change?
# A **plan** compares the declaration with the actual state and lists the changes, without touching anything:
# `+` create, `~` replace, `-` delete.

# %% [markdown] lang="ko"
# ### 계획: 무엇이 바뀔까?
# **계획**(plan)은 선언과 실제 상태를 비교해 바뀔 내용을 나열할 뿐, 아무것도 건드리지 않습니다.
# `+`는 생성, `~`는 교체, `-`는 삭제입니다.

# %%
plan = iac.plan(env)
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())

# %% [markdown]
# ### Apply: make it so
# **Apply** carries out the plan. Live, it starts two containers through vlab's sandbox (labelled, limited,
# on their own private network) and waits until each answers.

# %% [markdown] lang="ko"
# ### 적용: 선언대로 만들기
# **적용**(apply)은 계획을 실행합니다. 라이브 모드(live mode)에서는 vlab의 샌드박스를 통해 컨테이너 두 개를 시작하고
# (레이블을 붙이고, 제한을 걸고, 전용 사설 네트워크에 연결합니다) 각 컨테이너가 응답할 때까지 기다립니다.

# %% tags=["keep_output", "nbval-check-output"]
result = iac.apply(env)
print(result.summary())

# %%
iac.show(env)

# %%
print(course.tr("The web server answers:"), iac.peek(env, "web"))

# %% [markdown]
# ### Apply again
# The declaration has not changed and the servers run. **Predict first.** How many containers will a second apply
# create or replace?

# %% [markdown] lang="ko"
# ### 다시 적용하기
# 선언은 바뀌지 않았고 서버는 실행 중입니다. **먼저 예측해 보세요.** 두 번째 적용은 컨테이너를 몇 개 생성하거나
# 교체할까요?

# %%
predicted_changes = None  # ← your prediction, a whole number

# %% tags=["keep_output", "nbval-check-output"]
again = iac.apply(env)
print(again.summary())
print(course.tr("Containers replaced by the second apply:"), len(again.plan.of("replace")))

# %%
print(iac.compare_apply_prediction(predicted_changes, again))

# %% [markdown]
# A second apply changes **nothing**. This property is called **idempotence (멱등성)**: applying once or ten times
# gives the same result. It is what makes IaC safe to run automatically, over and over, from a pipeline.

# %% [markdown] lang="ko"
# 두 번째 적용은 **아무것도** 바꾸지 않습니다. 이런 성질을 **멱등성**(idempotence)이라고 합니다. 한 번을 적용하든 열 번을
# 적용하든 결과가 같습니다. 바로 이 성질 덕분에 IaC를 파이프라인에서 자동으로, 몇 번이고 반복해서 실행해도 안전합니다.

# %% [markdown]
# ## Change the declaration, see exactly the change
# <small>Course map: S1.8 · S1.7</small>
#
# Edit the code, not the servers. Below we change the text of the web page in the TOML text (as you would in
# the file and commit it) and ask for a plan. A container is never edited in place: a server whose declaration
# changed is **replaced** by a new one built from the new declaration.

# %% [markdown] lang="ko"
# ## 선언을 바꾸면 정확히 그만큼만 바뀝니다
# <small>Course map: S1.8 · S1.7</small>
#
# 서버가 아니라 코드를 고치세요. 아래에서는 TOML 텍스트에서 웹 페이지의 문구를 바꾸고(실제로는 파일을 고쳐 커밋하는
# 것과 같습니다) 계획을 요청합니다. 컨테이너는 결코 그 자리에서 수정하지 않습니다. 선언이 바뀐 서버의 기존 컨테이너는
# 새 선언으로 만든 새 컨테이너로 **교체**됩니다.

# %%
edited = iac.loads(text.replace("Welcome to the vlab shop", "Big sale at the vlab shop"))
plan = iac.plan(edited)

# %% [markdown]
# ### Exercise 1: which servers does the edit replace?
# Before printing the plan, compute it from the plan itself: `plan.changes` is a list of changes, each with
# `.action` (`"create"`, `"replace"`, `"delete"` or `"keep"`) and `.server` (the server's name). Make the list of
# the names of the servers this plan **replaces**.

# %% [markdown] lang="ko"
# ### 연습 문제 1: 이 수정으로 교체되는 서버는?
# 계획을 출력하기 전에, 계획 객체에서 직접 답을 구해 보세요. `plan.changes`는 변경 사항의 리스트이고, 각 변경에는
# `.action`(`"create"`, `"replace"`, `"delete"`, `"keep"` 중 하나)과 `.server`(서버 이름)가 있습니다. 이 계획이
# **교체하는** 서버들의 이름을 담은 리스트를 만드세요.

# %% tags=["exercise"]
replaced = ...  # ← a list of c.server for the changes c whose action is "replace"

# %%
iac.check_replaced(replaced, plan)

# %% [markdown]
# <details><summary>Hint</summary>
#
# A list comprehension with a condition: `[c.server for c in plan.changes if c.action == ...]`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 조건이 붙은 리스트 컴프리헨션을 쓰세요: `[c.server for c in plan.changes if c.action == ...]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
replaced = [c.server for c in plan.changes if c.action == "replace"]
iac.check_replaced(replaced, plan)

# %% [markdown]
# The plan: only the web server changes; the WAS is untouched.

# %% [markdown] lang="ko"
# 계획입니다. 웹 서버만 바뀌고 WAS는 그대로입니다.

# %%
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())
for change in plan.changes:
    if change.action != "keep":
        print(change)

# %%
print(iac.apply(edited).summary())
print(course.tr("The web server now answers:"), iac.peek(edited, "web"))

# %% [markdown]
# Adding a server is one more block in the declaration. Here we add a DBMS-like key-value server
# (`kind = "db"`) with `with_server`, which is the same as adding a `[servers.db]` section to the file:

# %% [markdown] lang="ko"
# 서버를 추가하려면 선언에 블록 하나만 더하면 됩니다. 여기서는 `with_server`로 DBMS와 비슷한 키-값 서버
# (`kind = "db"`)를 추가합니다. 파일에 `[servers.db]` 섹션을 추가하는 것과 같습니다.

# %%
bigger = edited.with_server("db", kind="db")
print(iac.to_toml(bigger))

# %% tags=["keep_output", "nbval-check-output"]
print(iac.plan(bigger).summary())
print(iac.apply(bigger).summary())

# %% [markdown]
# ### Drift: when reality changes behind the code's back
# Someone stops a server by hand, or it crashes. Now the actual state **drifts** from the declaration. The
# next plan notices and repairs only that server.

# %% [markdown] lang="ko"
# ### 드리프트: 코드 몰래 실제 상태가 바뀔 때
# 누군가 서버를 손으로 멈추거나, 서버가 죽었습니다. 이제 실제 상태가 선언과 어긋났습니다. 이것을 **드리프트**(drift)라고
# 합니다. 다음 계획이 이를 알아차리고 그 서버만 복구합니다.

# %%
iac.break_server(bigger, "app")
plan = iac.plan(bigger)
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())
print(iac.apply(bigger).summary())
print(iac.plan(bigger).summary())

# %% [markdown]
# ### Destroy: remove everything
# When the environment is no longer needed, **destroy** removes every server it declared (and its network).
# Because everything is in code, it can be rebuilt identically at any time with one apply.

# %% [markdown] lang="ko"
# ### 삭제: 모두 제거하기
# 환경이 더 이상 필요 없으면 **삭제**(destroy)가 그 환경에 선언된 모든 서버(와 네트워크)를 제거합니다. 모든 것이 코드에
# 있으므로, 언제든 적용 한 번으로 똑같이 다시 만들 수 있습니다.

# %% tags=["keep_output", "nbval-check-output"]
print(iac.destroy(bigger).summary())
print(course.tr("Servers of 'shop' left:"), len(iac.show("shop")))
print(iac.destroy("shop").summary())

# %% [markdown]
# ## Exercise 2: write the plan yourself
# <small>Course map: S1.8</small>
#
# The heart of every IaC tool is a **diff** between the declaration and the actual state. Write `my_plan(desired,
# actual)`:
# - `desired` maps each declared server's name to its configuration hash, e.g. `{"web": "3f2a…", "app": "9b1c…"}`;
# - `actual` maps each existing server's name to `(hash, running)`, e.g. `{"web": ("3f2a…", True)}`.
#
# Return `{"create": [...], "replace": [...], "delete": [...]}`: create what is declared but missing; replace what
# exists with another hash **or is not running** (drift); delete what exists but is no longer declared. The checker
# tries your function on five situations built from `environment.toml`.

# %% [markdown] lang="ko"
# ## 연습 문제 2: 계획을 직접 작성하기
# <small>Course map: S1.8</small>
#
# 모든 IaC 도구의 핵심은 선언과 실제 상태 사이의 **차이 비교**(diff)입니다. `my_plan(desired, actual)`을 작성하세요.
# - `desired`는 선언된 각 서버의 이름을 그 구성 해시에 대응시킵니다. 예: `{"web": "3f2a…", "app": "9b1c…"}`
# - `actual`은 존재하는 각 서버의 이름을 `(hash, running)`에 대응시킵니다. 예: `{"web": ("3f2a…", True)}`
#
# `{"create": [...], "replace": [...], "delete": [...]}`를 반환하세요. 선언되었지만 없는 것은 생성하고, 존재하지만
# 해시가 다르거나 **실행 중이 아닌** 것(드리프트)은 교체하고, 존재하지만 더 이상 선언되지 않은 것은 삭제합니다.
# 채점기(checker)는 `environment.toml`로 만든 다섯 가지 상황에서 여러분의 함수를 시험합니다.

# %% tags=["exercise"]
def my_plan(desired, actual):
    create = ...  # ← names in desired but not in actual
    replace = ...  # ← names in both whose hash differs or that are not running
    delete = ...  # ← names in actual but not in desired
    return {"create": create, "replace": replace, "delete": delete}


# %%
iac.check_my_plan(my_plan, env)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `actual[name]` is a pair: `hash, running = actual[name]`. For replace:
# `[n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])]`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `actual[name]`은 두 값의 쌍입니다: `hash, running = actual[name]`. 교체할 서버는 다음과 같이 구합니다:
# `[n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
def my_plan(desired, actual):
    create = [n for n in desired if n not in actual]
    replace = [n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])]
    delete = [n for n in actual if n not in desired]
    return {"create": create, "replace": replace, "delete": delete}


iac.check_my_plan(my_plan, env)

# %% [markdown]
# ## Key points
# - **DevOps** joins development and operations: automation and shared code for efficiency, collaboration,
#   speed and stability.
# - **Infrastructure as Code (IaC, 코드형 인프라)**: the servers are declared in files, reviewed and versioned like
#   application code, and created by a tool, not by hand.
# - **plan** shows the difference between the declaration and the actual state; **apply** changes only that
#   difference; a second apply changes nothing (**idempotence, 멱등성**).
# - Editing the declaration changes exactly the edited servers; **drift** is detected and repaired;
#   **destroy** removes everything, and one apply rebuilds it.
# - Containers make this cheap: creating or replacing a server is a container start (notebook 07 measures how
#   fast it is on your machine), not a machine set up by hand. IaC is older than containers (CFEngine 1993,
#   Puppet 2005, Chef 2009, CloudFormation 2011), but containers made replacing a server cheap enough to do daily.
#
# **Next:** [03 · Why virtualize](03_why_virtualize.ipynb) · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **데브옵스**(DevOps)는 개발과 운영을 하나로 묶습니다. 자동화와 공유된 코드로 효율성, 협업, 속도, 안정성을 높입니다.
# - **코드형 인프라**(Infrastructure as Code, IaC): 서버를 파일에 선언하고, 애플리케이션 코드처럼 리뷰하고 버전을
#   관리하며, 손이 아닌 도구로 생성합니다.
# - **계획**(plan)은 선언과 실제 상태의 차이를 보여 주고, **적용**(apply)은 그 차이만 바꿉니다. 두 번째 적용은 아무것도
#   바꾸지 않습니다(**멱등성**, idempotence).
# - 선언을 수정하면 수정한 서버만 정확히 바뀌고, **드리프트**(drift)는 감지되어 복구되며, **삭제**(destroy)는 모든 것을
#   제거하고, 적용 한 번이면 다시 만들어집니다.
# - 컨테이너 덕분에 이 모든 것이 저렴해집니다. 서버를 만들거나 교체하는 일은 손으로 컴퓨터를 설정하는 것이 아니라
#   컨테이너 하나를 시작하는 일입니다(노트북 07에서 여러분의 컴퓨터에서 얼마나 빠른지 측정합니다). IaC는 컨테이너보다
#   오래되었지만(CFEngine 1993, Puppet 2005, Chef 2009, CloudFormation 2011), 서버 교체를 매일 해도 될 만큼 저렴하게
#   만든 것은 컨테이너입니다.
#
# **다음:** [03 · 왜 가상화하는가](03_why_virtualize.ipynb) · [용어집 · Glossary](99_glossary.ipynb)
