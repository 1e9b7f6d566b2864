# %% [markdown]
# # 05 · Namespaces: what a container can see (네임스페이스)
#
# **Learning objectives.** After this notebook you can
# - say what a **namespace (네임스페이스)** is and name the kinds Linux has (PID, mount, network, UTS, IPC, user, cgroup, time);
# - show, on your own machine, which namespaces a container gets of its own and which it **shares with the host (호스트)**;
# - explain why the first process in a container is **PID 1**, why it has its own hostname, mounts and network;
# - make two containers **share** a namespace on purpose;
# - describe a **container (컨테이너)** as "an ordinary process in its own namespaces, limited by cgroups, on the host's
#   kernel".

# %% [markdown] lang="ko"
# # 05 · 네임스페이스(namespace): 컨테이너가 볼 수 있는 것
#
# **학습 목표.** 이 노트북을 마치면 여러분은 다음을 할 수 있습니다.
# - **네임스페이스**(namespace)가 무엇인지 말하고, Linux에 있는 네임스페이스의 종류(PID, mount, network, UTS, IPC, user, cgroup, time)를 들 수 있습니다.
# - 여러분의 컴퓨터에서 컨테이너가 어떤 네임스페이스를 따로 갖고, 어떤 네임스페이스를 **호스트**(host)와 공유하는지 직접 보여 줄 수 있습니다.
# - 컨테이너의 첫 프로세스가 왜 **PID 1**인지, 그리고 왜 자기만의 호스트 이름, 마운트, 네트워크를 갖는지 설명할 수 있습니다.
# - 두 컨테이너가 일부러 네임스페이스를 **공유**하도록 만들 수 있습니다.
# - **컨테이너**(container)를 "호스트의 커널 위에서, 자기만의 네임스페이스 안에 있고 cgroup으로 제한되는
#   평범한 프로세스"라고 설명할 수 있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Containers come from the kernel itself
# <small>Course map: S3.2</small>
#
# The isolation comes from features that are already in the Linux kernel (커널): *namespaces* decide what a
# process can **see**, *cgroups* decide how much it can **use** (next notebook). **LXC (Linux Containers, 2008)** was
# the first widely used *user-space tooling* over these kernel features (the `liblxc` library and the `lxc-*`
# commands); LXC itself is not a kernel feature. Docker, Podman and Kubernetes use the same kernel features through
# a runtime such as `runc`. There is no extra kernel and no hypervisor: a container is a process that the kernel
# shows a smaller world. Notebook [05b](05b_container_by_hand.ipynb) builds one by hand with `runc`.
#
# Every process has a set of namespaces, listed in `/proc/<pid>/ns/`. Each entry is a link such as
# `pid:[4026531836]`; the number is the namespace's *inode*, an identity number the kernel gives each namespace.
# **Two processes with the same number are in the same namespace.** That is all we need to measure isolation.
#
# ### The plain interface first
# Before any vlab helper, here is the measurement by hand: the Docker SDK for Python (`docker.from_env()`) starts one
# container, and `os.readlink` reads the PID namespace of this notebook and of the container's first process.
# `.attrs["State"]["Pid"]` is that process's PID **on the host**: a container is an ordinary host process.

# %% [markdown] lang="ko"
# ## 컨테이너는 커널 자체에서 나온다
# <small>Course map: S3.2</small>
#
# 격리(isolation)는 Linux 커널(kernel)에 이미 들어 있는 기능에서 나옵니다. *네임스페이스*는 프로세스가 무엇을
# **볼** 수 있는지를 정하고, *cgroup*(컨트롤 그룹)은 얼마나 **쓸** 수 있는지를 정합니다(다음 노트북).
# **LXC**(Linux Containers, 2008)는 이 커널 기능들 위에서 동작하는, 처음으로 널리 쓰인 *사용자 공간 도구*(user-space
# tooling)입니다(`liblxc` 라이브러리와 `lxc-*` 명령어). LXC 자체는 커널 기능이 아닙니다. Docker, Podman,
# Kubernetes도 `runc` 같은 런타임을 통해 같은 커널 기능을 사용합니다. 커널이 하나 더 있는 것도 아니고,
# 하이퍼바이저도 없습니다. 컨테이너란 커널이 더 작은 세계만 보여 주는 프로세스일 뿐입니다.
# 노트북 [05b](05b_container_by_hand.ipynb)에서는 `runc`로 컨테이너를 직접 만들어 봅니다.
#
# 모든 프로세스는 한 벌의 네임스페이스를 가지며, 그 목록은 `/proc/<pid>/ns/`에 있습니다. 각 항목은
# `pid:[4026531836]` 같은 링크이고, 이 숫자는 네임스페이스의 *inode*, 즉 커널이 네임스페이스마다 붙이는
# 식별 번호입니다. **두 프로세스의 번호가 같으면 같은 네임스페이스에 있습니다.** 격리를 측정하는 데 필요한
# 것은 이것뿐입니다.
#
# ### 먼저 가장 단순한 방법으로
# vlab의 도우미 함수를 쓰기 전에, 직접 측정해 보겠습니다. Python용 Docker SDK(`docker.from_env()`)로 컨테이너
# 하나를 시작하고, `os.readlink`로 이 노트북과 컨테이너의 첫 프로세스가 속한 PID 네임스페이스를 읽습니다.
# `.attrs["State"]["Pid"]`는 그 프로세스의 **호스트에서의** PID입니다. 컨테이너도 호스트에서는 평범한 프로세스이기
# 때문입니다.

# %%
import os

import docker

print(course.tr("this notebook:").ljust(24), os.readlink("/proc/self/ns/pid"))
if mode.live:
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        "vlab/busybox:1", ["sleep", "30"], labels={"vlab": "1", "vlab.purpose": "glass-box-ns"},
        mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits())
    try:
        box.start()
        box.reload()
        host_pid = box.attrs["State"]["Pid"]
        inside = box.exec_run(["readlink", "/proc/self/ns/pid"]).output.decode().strip()
        print(course.tr("the container, inside:").ljust(24), inside)
        print(course.tr("its first process is PID {pid} on the host").format(pid=host_pid))
    finally:
        box.remove(force=True)
else:
    from vlab.labs.namespaces import recorded_pid_namespaces

    print(course.tr("the container, inside:").ljust(24), recorded_pid_namespaces()["container"],
          course.tr("(replay mode: a recorded run; the recording has no host PID)"))

# %% [markdown]
# vlab does this with more care: `namespaces.views()` below goes through the sandbox (every limit, a run label for
# clean-up after a crash, removal even on Ctrl-C), compares all eight namespace types and ten other views, and in
# replay mode returns a real recorded run with its provenance.

# %% [markdown] lang="ko"
# vlab은 이 작업을 더 꼼꼼하게 합니다. 아래의 `namespaces.views()`는 샌드박스를 거칩니다(모든 제한을 걸고,
# 비정상 종료 후에도 정리할 수 있도록 실행 레이블을 붙이며, Ctrl-C를 눌러도 컨테이너를 제거합니다). 또한 여덟
# 가지 네임스페이스 유형 전부와 그 밖의 관찰 항목 열 가지를 비교하고, 리플레이 모드(replay mode)에서는 출처
# 정보와 함께 실제로 기록된 실행 결과를 돌려줍니다.

# %% [markdown]
# ## Host view against container view
# <small>Course map: S3.3 · S3.5</small>
# <small>Figure counterpart: 컨테이너가상화개요.png</small>
#
# `namespaces.views()` starts one sandboxed container (labelled, limited, removed afterwards) and runs the same
# probes inside it and in this notebook's own process: namespace inodes, PID 1, the process list, hostname,
# mounts, network interfaces, user ids and the kernel release.
#
# **Predict first.** Linux has eight namespace types (cgroup, ipc, mnt, net, pid, time, user, uts). How many of them
# does a Docker container **share** with the host (same inode number on both sides)? Write a whole number from 0 to 8.

# %% [markdown] lang="ko"
# ## 호스트에서 본 모습과 컨테이너에서 본 모습
# <small>Course map: S3.3 · S3.5</small>
# <small>Figure counterpart: 컨테이너가상화개요.png</small>
#
# `namespaces.views()`는 샌드박스 컨테이너 하나를 시작하고(레이블을 붙이고, 제한을 걸고, 끝나면 제거합니다),
# 그 안과 이 노트북 자신의 프로세스에서 같은 검사를 실행합니다. 네임스페이스 inode, PID 1, 프로세스 목록,
# 호스트 이름, 마운트, 네트워크 인터페이스, 사용자 ID, 커널 릴리스를 확인합니다.
#
# **먼저 예측해 보세요.** Linux에는 여덟 가지 네임스페이스 유형(cgroup, ipc, mnt, net, pid, time, user, uts)이
# 있습니다. Docker 컨테이너는 이 중 몇 가지를 호스트와 **공유**할까요(양쪽의 inode 번호가 같은 경우)?
# 0부터 8 사이의 정수로 적어 보세요.

# %%
predicted_shared = None  # ← your prediction, e.g. 3

# %%
from vlab.labs import namespaces
from vlab.plots import namespaces as isoplots

views = namespaces.views()
print(course.tr(views.extra["host_note"]))
print(course.tr("columns of views.samples:"), list(views.samples.columns))

# %% [markdown]
# ### Exercise 1: which namespaces are shared?
# `views.samples` is a pandas table: one row per probe, with columns `group` (`"namespace"` or `"view"`), `probe`
# (the namespace type), `host`, `container` (the two links) and `differs`. Compute the **list of namespace types
# the container shares with the host**, from the table (not typed by hand).

# %% [markdown] lang="ko"
# ### 연습 문제 1: 어떤 네임스페이스가 공유될까?
# `views.samples`는 pandas 표입니다. 검사 항목마다 한 행이 있고, 열은 `group`(`"namespace"` 또는 `"view"`),
# `probe`(네임스페이스 유형), `host`와 `container`(양쪽의 링크), `differs`입니다. 컨테이너가 호스트와
# **공유하는 네임스페이스 유형의 리스트**를 손으로 적지 말고 표에서 계산하세요.

# %% tags=["exercise"]
df = views.samples
shared = ...  # ← a list of namespace names: rows whose group is "namespace" and whose differs is False

# %%
namespaces.check_shared_namespaces(shared, views)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Select rows with a boolean mask: `df[(df["group"] == "namespace") & ~df["differs"]]`, then take the `probe`
# column and turn it into a sorted list with `sorted(...)`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 불리언 마스크로 행을 고르세요: `df[(df["group"] == "namespace") & ~df["differs"]]`. 그다음 `probe` 열을 꺼내
# `sorted(...)`로 정렬된 리스트로 만듭니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
df = views.samples
shared = sorted(df[(df["group"] == "namespace") & ~df["differs"].astype(bool)]["probe"])
namespaces.check_shared_namespaces(shared, views)

# %% [markdown]
# Your prediction against your machine's measurement:

# %% [markdown] lang="ko"
# 여러분의 예측과 여러분 컴퓨터에서 측정한 결과를 비교해 봅시다.

# %%
print(namespaces.compare_prediction(predicted_shared, views))

# %% [markdown]
# The whole table:

# %% [markdown] lang="ko"
# 전체 표는 다음과 같습니다.

# %%
views.samples[["group", "probe", "host", "container", "differs"]]

# %% [markdown]
# The figure is this course's counterpart of the lecture notes' *container virtualization overview*: one kernel at
# the bottom, and above it the namespaces the container owns (blue, two different inodes) or shares with the host
# (orange, one inode).

# %% [markdown] lang="ko"
# 이 그림은 강의 노트의 *컨테이너 가상화 개요* 그림에 대응하는, 이 과정의 그림입니다. 맨 아래에 커널이 하나
# 있고, 그 위에 컨테이너가 따로 가진 네임스페이스(파란색, 서로 다른 inode 두 개)와 호스트와 공유하는
# 네임스페이스(주황색, inode 하나)가 놓여 있습니다.

# %%
isoplots.namespace_overview(views);

# %% [markdown]
# Why each namespace differs, or not, on this engine:

# %% [markdown] lang="ko"
# 이 엔진에서 각 네임스페이스가 호스트와 다른 이유, 또는 같은 이유는 다음과 같습니다.

# %%
for row in views.samples.query("group == 'namespace'").itertuples():
    status = course.tr("OWN") if row.differs else course.tr("SHARED")
    print(f"{row.probe:7s} {status:6s}  {row.note}")

# %% [markdown]
# - **PID namespace (PID 네임스페이스)**: the container numbers its processes from 1 and cannot see the host's.
# - **Mount namespace (마운트 네임스페이스)**: its `/` is the image on an *overlay* filesystem.
# - **Network namespace (네트워크 네임스페이스)**: with `network="none"` it has only `lo`.
# - **UTS namespace** (the name comes from "Unix Time-sharing System"): its own hostname (Docker uses the short
#   container id).
# - **IPC namespace** (inter-process communication): its own shared memory and message queues.
# - **User namespace (사용자 네임스페이스)**: *not* used by default, so root inside is root outside. This is
#   why vlab drops every capability (notebook 10).
# - **cgroup namespace**: it depends on the cgroup version. On cgroup v1 Docker keeps `CgroupnsMode=host`, so the
#   container shares the host's; on cgroup v2 each container gets a private one. The list above says which you have.
# - **time namespace**: Docker does not create one, so every container shares the host's clocks.

# %% [markdown] lang="ko"
# - **PID 네임스페이스**(PID namespace): 컨테이너는 자기 프로세스에 1번부터 번호를 매기며, 호스트의 프로세스는 볼 수 없습니다.
# - **마운트 네임스페이스**(mount namespace): 컨테이너의 `/`는 *overlay* 파일 시스템 위에 올린 이미지입니다.
# - **네트워크 네임스페이스**(network namespace): `network="none"`으로 실행하면 `lo`만 있습니다.
# - **UTS 네임스페이스**(이름은 "Unix Time-sharing System"에서 왔습니다): 자기만의 호스트 이름을 가집니다(Docker는
#   짧은 컨테이너 ID를 씁니다).
# - **IPC 네임스페이스**(프로세스 간 통신, inter-process communication): 자기만의 공유 메모리와 메시지 큐를 가집니다.
# - **사용자 네임스페이스**(user namespace): 기본적으로 사용되지 *않으므로*, 컨테이너 안의 root는 밖에서도 root입니다.
#   그래서 vlab은 모든 케이퍼빌리티(capability)를 제거합니다(노트북 10).
# - **cgroup 네임스페이스**(cgroup namespace): cgroup 버전에 따라 다릅니다. cgroup v1에서는 Docker가
#   `CgroupnsMode=host`를 유지하므로 컨테이너가 호스트의 것을 함께 쓰고, cgroup v2에서는 컨테이너마다 전용
#   cgroup 네임스페이스를 받습니다. 여러분의 환경이 어느 쪽인지는 바로 위의 목록에서 확인할 수 있습니다.
# - **time 네임스페이스**(time namespace): Docker는 만들지 않으므로, 모든 컨테이너가 호스트의 시계를 함께 씁니다.

# %% [markdown]
# ## PID 1 inside the container
# <small>Course map: S3.3</small>
#
# The container's first process asks the kernel for its own process id. In its own PID namespace the answer is 1,
# the number of `init` on a whole machine, although on the host it is an ordinary process with a large PID.

# %% [markdown] lang="ko"
# ## 컨테이너 안의 PID 1
# <small>Course map: S3.3</small>
#
# 컨테이너의 첫 프로세스가 커널에 자기 프로세스 ID를 물어봅니다. 자기만의 PID 네임스페이스 안에서는 답이
# 1입니다. 1은 컴퓨터 한 대 전체에서 `init`이 갖는 번호이지만, 호스트에서 보면 이 프로세스는 큰 PID를 가진
# 평범한 프로세스일 뿐입니다.

# %% tags=["keep_output", "nbval-check-output"]
pid1 = namespaces.pid1()
print(course.tr("PID of the container's first process, seen from inside:"), namespaces.container_pid(pid1))

# %%
print(course.tr("processes the container sees:") + "\n" + views.extra["ps"])
print("\n" + course.tr("processes this notebook's namespace sees:"),
      views.samples.query("probe == 'processes'")["host"].iloc[0])

# %% [markdown]
# ## Sharing a namespace on purpose
# <small>Course map: S3.3 · S3.5</small>
#
# Namespaces are separate switches. Container **B** below is created with `pid_mode="container:<A>"` and
# `network="container:<A>"`: it joins A's PID and network namespaces, and keeps its own mount, UTS and IPC
# namespaces. Kubernetes *pods* use the same mechanism with a different choice: the containers of a pod share the
# **network, IPC and UTS** namespaces by default, and share the PID namespace only when the pod asks for it
# (`shareProcessNamespace: true`).

# %% [markdown] lang="ko"
# ## 일부러 네임스페이스 공유하기
# <small>Course map: S3.3 · S3.5</small>
#
# 네임스페이스는 하나하나 따로 켜고 끌 수 있는 스위치입니다. 아래의 컨테이너 **B**는 `pid_mode="container:<A>"`와
# `network="container:<A>"`로 만들어집니다. B는 A의 PID 네임스페이스와 네트워크 네임스페이스에 들어가고,
# 마운트, UTS, IPC 네임스페이스는 자기 것을 유지합니다. Kubernetes의 *파드*(pod)도 같은 메커니즘을 쓰지만
# 선택이 다릅니다. 한 파드에 속한 컨테이너들은 기본적으로 **네트워크, IPC, UTS** 네임스페이스를 공유하고,
# PID 네임스페이스는 파드가 요청할 때만(`shareProcessNamespace: true`) 공유합니다.

# %%
shared = namespaces.sharing()
print(course.tr(shared.extra["how"]))
print(course.tr("B sees these processes:"), shared.extra["b_sees_processes"])
shared.samples

# %% [markdown]
# ## Explore: the namespace explorer
# <small>Course map: S3.3</small>
#
# Pick a namespace type (or another probe) to see the host's value, the container's value and why they differ.

# %% [markdown] lang="ko"
# ## 탐색: 네임스페이스 탐색기
# <small>Course map: S3.3</small>
#
# 네임스페이스 유형(또는 다른 검사 항목)을 하나 고르면 호스트의 값, 컨테이너의 값, 그리고 둘이 다른 이유를
# 볼 수 있습니다.

# %%
from vlab.widgets.namespaces import explorer

explorer(views)

# %% [markdown]
# ## Exercise 2: read a process's namespaces yourself
# <small>Course map: S3.3</small>
#
# Write `ns_of(pid)`: for a process id (or `"self"`), return a dict `{type: link}` with one entry per file in
# `/proc/<pid>/ns/`, each value read with `os.readlink`, e.g. `{"pid": "pid:[4026531836]", ...}`. The checker calls it
# on this notebook's own process and compares with what the kernel says. With it, `ns_of(host_pid)` reads a
# container's namespaces from the host, as the glass-box cell did.

# %% [markdown] lang="ko"
# ## 연습 문제 2: 프로세스의 네임스페이스를 직접 읽기
# <small>Course map: S3.3</small>
#
# `ns_of(pid)`를 작성하세요. 프로세스 ID(또는 `"self"`)를 받아서, `/proc/<pid>/ns/`에 있는 파일마다 항목이 하나씩
# 있는 딕셔너리 `{type: link}`를 돌려줘야 합니다. 각 값은 `os.readlink`로 읽습니다. 예를 들면
# `{"pid": "pid:[4026531836]", ...}`입니다. 채점기는 이 노트북 자신의 프로세스로 이 함수를 호출하고, 커널이
# 알려 주는 값과 비교합니다. 이 함수가 있으면 맨 앞의 직접 측정 셀(glass-box 셀)에서 했던 것처럼,
# `ns_of(host_pid)`로 호스트에서 컨테이너의 네임스페이스를 읽을 수 있습니다.

# %% tags=["exercise"]
import os


def ns_of(pid):
    ns_dir = f"/proc/{pid}/ns"
    return ...  # ← a dict {name: os.readlink(...)} over os.listdir(ns_dir)


# %%
namespaces.check_ns_reader(ns_of)

# %% [markdown]
# <details><summary>Hint</summary>
#
# A dict comprehension does it in one line: `{name: os.readlink(f"{ns_dir}/{name}") for name in os.listdir(ns_dir)}`.
# Some entries (`pid_for_children`, `time_for_children`) are extra links the kernel adds; keeping them is fine.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 딕셔너리 컴프리헨션(dict comprehension)을 쓰면 한 줄로 됩니다:
# `{name: os.readlink(f"{ns_dir}/{name}") for name in os.listdir(ns_dir)}`.
# 일부 항목(`pid_for_children`, `time_for_children`)은 커널이 추가로 만들어 두는 링크입니다. 그대로 두어도 괜찮습니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
import os


def ns_of(pid):
    ns_dir = f"/proc/{pid}/ns"
    return {name: os.readlink(f"{ns_dir}/{name}") for name in os.listdir(ns_dir)}


namespaces.check_ns_reader(ns_of)

# %% [markdown]
# ## Key points
# - A **namespace (네임스페이스)** limits what a process can *see*: processes (PID), mounts (mnt), network (net),
#   hostname (UTS), IPC, users (user), cgroups and clocks (time).
# - Compare `/proc/self/ns/*` inodes: same number = same namespace. With Docker's defaults a container owns
#   ipc, mnt, net, pid and uts; user and time are shared; cgroup is shared on cgroup v1 and private on cgroup v2.
#   The table above shows what your engine does.
# - Inside, the container's first process is **PID 1**, the hostname is its own, `/` is an overlay filesystem and
#   only its own interfaces exist; but the **kernel is the host's**.
# - Namespaces can be shared on purpose (`container:<id>`); a Kubernetes pod shares net, IPC and UTS this way
#   (PID only with `shareProcessNamespace`).
# - A **container (컨테이너)** = ordinary processes + their own namespaces + cgroup limits, on the host's kernel; LXC,
#   runc and Docker are user-space tools that ask the kernel for these features.
#
# **Next:** [05b · A container by hand](05b_container_by_hand.ipynb): build one with `runc` and a `config.json`,
# no engine. · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **네임스페이스**(namespace)는 프로세스가 *볼 수 있는 것*을 제한합니다. 대상은 프로세스(PID), 마운트(mnt),
#   네트워크(net), 호스트 이름(UTS), IPC, 사용자(user), cgroup, 시계(time)입니다.
# - `/proc/self/ns/*`의 inode를 비교하세요. 번호가 같으면 같은 네임스페이스입니다. Docker 기본 설정에서 컨테이너는
#   ipc, mnt, net, pid, uts를 따로 가지고, user와 time은 호스트와 공유합니다. cgroup은 cgroup v1에서는 공유하고
#   cgroup v2에서는 따로 가집니다. 여러분의 엔진이 실제로 어떻게 하는지는 위의 표에 나와 있습니다.
# - 컨테이너 안에서 첫 프로세스는 **PID 1**이고, 호스트 이름은 자기 것이며, `/`는 overlay 파일 시스템이고,
#   자기 네트워크 인터페이스만 보입니다. 하지만 **커널은 호스트의 것**입니다.
# - 네임스페이스는 일부러 공유할 수도 있습니다(`container:<id>`). Kubernetes 파드는 이 방식으로 net, IPC, UTS를
#   공유합니다(PID는 `shareProcessNamespace`를 지정할 때만 공유합니다).
# - **컨테이너**(container) = 평범한 프로세스 + 자기만의 네임스페이스 + cgroup 제한이며, 모두 호스트의 커널 위에서
#   동작합니다. LXC, runc, Docker는 커널에 이 기능들을 요청하는 사용자 공간 도구입니다.
#
# **다음:** [05b · 손으로 만드는 컨테이너](05b_container_by_hand.ipynb): 엔진 없이 `runc`와 `config.json`으로
# 컨테이너를 만들어 봅니다. · [용어집(Glossary)](99_glossary.ipynb)
