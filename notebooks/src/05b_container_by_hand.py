# %% [markdown]
# # 05b · A container by hand: `config.json` and `runc` (컨테이너 직접 만들기)
#
# **Learning objectives.** After this notebook you can
# - tell the history of containers right: chroot → FreeBSD jails → Linux namespaces and cgroups → LXC → Docker → runc;
# - write an **OCI runtime config (OCI 런타임 설정)** `config.json` yourself: the namespaces, a memory and a process
#   limit, a read-only root filesystem, no host folders;
# - run it with **runc**, the low-level runtime under Docker, with no engine at all;
# - take one namespace out and explain what changes (hostname, process list), and what a missing memory limit changes.

# %% [markdown] lang="ko"
# # 05b · 컨테이너 직접 만들기(a container by hand): `config.json`과 `runc`
#
# **학습 목표(learning objectives).** 이 노트북을 마치면 여러분은 다음을 할 수 있습니다.
# - 컨테이너(container)의 역사를 올바른 순서로 설명할 수 있습니다: chroot → FreeBSD jails → Linux 네임스페이스(namespace)와 cgroup(컨트롤 그룹) → LXC → Docker → runc
# - **OCI 런타임 설정**(OCI runtime config) 파일인 `config.json`을 직접 작성할 수 있습니다. 여기에는 네임스페이스,
#   메모리 제한과 프로세스 수 제한, 읽기 전용 루트 파일 시스템이 들어가고, 호스트 폴더는 들어가지 않습니다.
# - Docker 아래에서 동작하는 저수준 런타임인 **runc**로, 엔진 없이 이 설정을 실행할 수 있습니다.
# - 네임스페이스 하나를 빼면 무엇이 달라지는지(호스트 이름, 프로세스 목록), 그리고 메모리 제한이 없으면 무엇이
#   달라지는지 설명할 수 있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Where containers come from
# <small>Course map: S3.2</small>
#
# A container is not one invention. Each step below is either a **kernel feature (커널 기능)** or **user-space
# tooling (사용자 공간 도구)** that asks the kernel for those features:

# %% [markdown] lang="ko"
# ## 컨테이너는 어디에서 왔을까요?
# <small>Course map: S3.2</small>
#
# 컨테이너는 어느 한 순간에 발명된 것이 아닙니다. 아래의 각 단계는 **커널 기능**(kernel feature)이거나, 커널에
# 그 기능을 요청하는 **사용자 공간 도구**(user-space tooling)입니다.

# %%
import pandas as pd

from vlab.labs import by_hand

# each step's one-line description, in this notebook's language
history = [(year, what, course.tr(line)) for year, what, line in by_hand.HISTORY]
pd.DataFrame(history, columns=[course.tr("year"), course.tr("what"), course.tr("in one line")])

# %% [markdown]
# So **LXC (Linux Containers, 2008)** is not a kernel feature: it is a library and a set of `lxc-*` commands that
# create namespaces and cgroups. Docker (2013) first called LXC, then its own library, *libcontainer*; in 2015 Docker
# gave libcontainer to the **Open Container Initiative (OCI)** as **runc**. Today Docker, containerd, Podman and
# Kubernetes all end in runc (or a runtime that speaks the same OCI config). In this notebook you skip the engine and
# talk to runc directly.
#
# ## An OCI bundle: a folder and a `config.json`
# <small>Course map: S3.3 · S3.4</small>
#
# runc needs a **bundle (번들)**: a folder with the container's root filesystem in `rootfs/` and a `config.json`
# that says which process to start and which namespaces (네임스페이스) and cgroup limits to ask the kernel for. The root
# filesystem comes from the course's busybox image, exported once through the engine; after that, no engine is
# involved.
#
# ### The plain interface first
# By hand, with the Docker SDK for Python: create a container (never started), export its filesystem as a tar
# stream, remove it. The cell only counts the files; in replay mode it shows the count recorded with the runs below,
# and says so.

# %% [markdown] lang="ko"
# 즉 **LXC**(Linux Containers, 2008)는 커널 기능이 아닙니다. 네임스페이스와 cgroup을 만들어 주는 라이브러리이자
# `lxc-*` 명령어 모음입니다. Docker(2013)는 처음에는 LXC를 호출했고, 나중에는 자체 라이브러리인 *libcontainer*를
# 사용했습니다. 2015년에 Docker는 libcontainer를 **OCI**(Open Container Initiative)에 기증했고, 이것이 **runc**가
# 되었습니다. 오늘날 Docker, containerd, Podman, Kubernetes는 모두 마지막에는 runc(또는 같은 OCI 설정을 이해하는
# 런타임)에 도달합니다. 이 노트북에서는 엔진을 건너뛰고 runc와 직접 대화합니다.
#
# ## OCI 번들: 폴더 하나와 `config.json`
# <small>Course map: S3.3 · S3.4</small>
#
# runc를 실행하려면 **번들**(bundle)이 필요합니다. 번들은 컨테이너의 루트 파일 시스템을 담은 `rootfs/`와
# `config.json`이 들어 있는 폴더입니다. `config.json`에는 어떤 프로세스를 시작할지, 그리고 커널에 어떤
# 네임스페이스와 cgroup 제한을 요청할지가 적혀 있습니다. 루트 파일 시스템은 이 과정의 busybox 이미지(image)에서
# 가져옵니다. 엔진을 통해 한 번만 내보내면(export) 그 뒤로는 엔진이 전혀 관여하지 않습니다.
#
# ### 먼저 기본 인터페이스로
# Python용 Docker SDK만 사용해 직접 해 봅니다. 컨테이너를 만들되 시작하지는 않고, 그 파일 시스템을 tar 스트림으로
# 내보낸 다음 컨테이너를 삭제합니다. 이 셀은 파일 개수만 셉니다. 리플레이 모드(replay mode)에서는 아래의 기록된
# 실행과 함께 기록해 둔 개수를 보여 주고, 기록된 값이라고 알려 줍니다.

# %%
import io
import tarfile

import docker

if mode.live:
    client = docker.from_env()
    box = client.containers.create("vlab/busybox:1", ["true"], labels={"vlab": "1", "vlab.purpose": "glass-box-export"},
                                   mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none",
                                   ulimits=course.ulimits())  # explicit nofile/nproc, as Podman needs them
    try:
        tar = tarfile.open(fileobj=io.BytesIO(b"".join(box.export())))
        names = sorted(tar.getnames())
        print(course.tr("{n} files in the image's filesystem, e.g. {examples}").format(n=len(names), examples=names[:4]))
    finally:
        box.remove(force=True)
elif (recorded := by_hand.recorded_export()) is not None:
    n, examples, note = recorded
    print(course.tr("{n} files in the image's filesystem, e.g. {examples}").format(n=n, examples=examples))
    print(note)
else:
    print(course.tr("replay mode: no engine to export from; the runs below are recorded ones."))

# %% [markdown]
# vlab does this with more care: `by_hand.Bundle()` exports through the sandbox (run label, clean-up after a crash),
# unpacks into a temporary folder that is always removed, and deletes every runc container it ran.
#
# Can this machine run runc now? It needs root, `runc` (installed with docker.io) and the engine for the export.

# %% [markdown] lang="ko"
# vlab은 이 작업을 더 꼼꼼하게 처리합니다. `by_hand.Bundle()`은 샌드박스를 거쳐 내보내고(실행 레이블을 붙이고,
# 비정상 종료 뒤에도 정리합니다), 반드시 삭제되는 임시 폴더에 압축을 풀며, 자신이 실행한 runc 컨테이너를 모두
# 삭제합니다.
#
# 이 컴퓨터에서 지금 runc를 실행할 수 있을까요? root 권한, `runc`(docker.io와 함께 설치됩니다), 그리고 내보내기에
# 쓸 엔진이 필요합니다.

# %%
reason = by_hand.live_reason()
print(course.tr("live: runc runs your configs here") if not reason
      else course.tr("not live ({reason}): you will see recorded runs").format(reason=reason))

# %% [markdown]
# ## Exercise 1: write the namespaces and limits
# <small>Course map: S3.3 · S3.4 · S3.5</small>
#
# In an OCI config the namespaces are a list under `linux.namespaces`, one entry per type:
# `{"type": "pid"}`. The OCI names are `pid`, `network`, `ipc`, `uts`, `mount`, `user` and `cgroup`
# (not `net` or `mnt` as in `/proc/<pid>/ns`). The limits go under `linux.resources`: `memory.limit` in **bytes**
# and `pids.limit`, a number of processes.
#
# Write what Docker gives a container by default: its own **pid, network, ipc, uts and mount** namespaces
# (user and cgroup stay the host's here), a **32 MiB** memory limit and at most **16** processes.

# %% [markdown] lang="ko"
# ## 연습 문제 1: 네임스페이스와 제한 작성하기
# <small>Course map: S3.3 · S3.4 · S3.5</small>
#
# OCI 설정에서 네임스페이스는 `linux.namespaces` 아래의 리스트로 적고, 종류마다 `{"type": "pid"}`처럼 항목을
# 하나씩 둡니다. OCI에서 쓰는 이름은 `pid`, `network`, `ipc`, `uts`, `mount`, `user`, `cgroup`입니다
# (`/proc/<pid>/ns`에서처럼 `net`이나 `mnt`가 아닙니다). 제한은 `linux.resources` 아래에 들어갑니다.
# `memory.limit`은 **바이트** 단위이고, `pids.limit`은 프로세스 개수입니다.
#
# Docker가 컨테이너에 기본으로 주는 설정을 작성해 보세요. 컨테이너만의 **pid, network, ipc, uts, mount**
# 네임스페이스(여기서 user와 cgroup 네임스페이스는 호스트의 것을 그대로 씁니다), **32 MiB** 메모리 제한,
# 그리고 최대 **16**개의 프로세스입니다.

# %% tags=["exercise"]
my_namespaces = [{"type": "pid"}, ...]  # ← add the other four
my_resources = {"memory": {"limit": ...}, "pids": {"limit": ...}}

# %%
by_hand.check_config_parts(my_namespaces, my_resources)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Five dicts in the list: `{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}`.
# 32 MiB in bytes is `32 * 1024 * 1024`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 리스트에 딕셔너리 다섯 개를 넣습니다: `{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}`.
# 32 MiB를 바이트로 나타내면 `32 * 1024 * 1024`입니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
my_namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
my_resources = {"memory": {"limit": 32 * 1024 * 1024}, "pids": {"limit": 16}}
by_hand.check_config_parts(my_namespaces, my_resources)

# %% [markdown]
# `by_hand.make_config` puts your two parts into a complete `config.json`: the process to run, a **read-only** root,
# no capabilities, `noNewPrivileges`, and only the kernel's own filesystems (`/proc`, `/dev`, `/sys`) mounted, with
# no folder of the host. Here is the part you wrote, inside the whole file:

# %% [markdown] lang="ko"
# `by_hand.make_config`는 여러분이 작성한 두 부분을 넣어 완전한 `config.json`을 만듭니다. 여기에는 실행할 프로세스,
# **읽기 전용** 루트, 케이퍼빌리티(capability) 없음, `noNewPrivileges`가 들어가고, 커널 자체의 파일 시스템
# (`/proc`, `/dev`, `/sys`)만 마운트되며 호스트의 폴더는 하나도 마운트되지 않습니다. 아래에서 전체 파일 안에 들어간
# 여러분의 부분을 확인하세요.

# %%
import json

from vlab.core.exercise import is_blank

if is_blank(my_namespaces) or is_blank(my_resources):
    print(course.tr("Finish exercise 1 first; until then the cells below use Docker's defaults."))
    my_namespaces, my_resources = list(by_hand.DEFAULT_NAMESPACES), {"memory": {"limit": by_hand.MEMORY_LIMIT},
                                                                      "pids": {"limit": by_hand.PIDS_LIMIT}}
config = by_hand.make_config(my_namespaces, memory=my_resources["memory"]["limit"],
                             pids=my_resources["pids"]["limit"])
print(json.dumps({"root": config["root"], "hostname": config.get("hostname"), "linux": {
    "namespaces": config["linux"]["namespaces"], "resources": config["linux"]["resources"]}}, indent=1))

# %% [markdown]
# ## Run it with runc
# <small>Course map: S3.5</small>
#
# The process is a short shell script (`by_hand.PROBE`): it prints its hostname, its own PID, how many processes it
# can see and the first lines of `ps`, and then tries to hold **64 MiB** in memory (`head -c 64m /dev/zero | tail`:
# `tail` keeps the whole "line" in memory). Live, the notebook writes your `config.json` into a temporary bundle
# and runs `runc run`; otherwise it shows the recorded run of the same config.
#
# **Predict first.** With a 32 MiB limit, what happens to the 64 MiB allocation? Choose `"finishes"` or `"killed"`.

# %% [markdown] lang="ko"
# ## runc로 실행하기
# <small>Course map: S3.5</small>
#
# 실행할 프로세스는 짧은 셸 스크립트(`by_hand.PROBE`)입니다. 이 스크립트는 자신의 호스트 이름, 자신의 PID, 볼 수
# 있는 프로세스의 개수, `ps`의 처음 몇 줄을 출력한 뒤, 메모리에 **64 MiB**를 붙잡아 두려고 합니다
# (`head -c 64m /dev/zero | tail`: `tail`은 한 "줄" 전체를 메모리에 보관합니다). 라이브 모드에서는 노트북이
# 여러분의 `config.json`을 임시 번들에 쓰고 `runc run`을 실행합니다. 그렇지 않으면 같은 설정으로 기록해 둔 실행
# 결과를 보여 줍니다.
#
# **먼저 예측(prediction)해 보세요.** 메모리 제한이 32 MiB일 때 64 MiB 할당은 어떻게 될까요? `"finishes"`(끝까지
# 실행됨)와 `"killed"`(강제 종료됨) 중에서 고르세요.

# %%
predicted_alloc = None  # ← "finishes" or "killed"

# %%
print(by_hand.PROBE)
full, note = by_hand.try_config(config)
print(note)
for key in ("hostname", "my_pid", "processes", "ps", "alloc"):
    print(f"--- {key}\n{full[key]}")

# %% [markdown]
# `exit 137` is 128 + 9: the kernel's **OOM killer (메모리 부족 종료)** sent SIGKILL to `tail` when the container's
# cgroup went over 32 MiB; `exit 0` means it finished.

# %% [markdown] lang="ko"
# `exit 137`은 128 + 9를 뜻합니다. 컨테이너의 cgroup이 32 MiB를 넘자 커널의 **OOM 킬러**(OOM killer, 메모리 부족
# 강제 종료)가 `tail`에 SIGKILL을 보낸 것입니다. `exit 0`이면 끝까지 실행되었다는 뜻입니다.

# %%
killed = full["alloc"].strip() == "exit 137"
print(course.tr("measured: {measured}; you predicted: {predicted}").format(measured="killed" if killed else "finishes",
                                                                          predicted=predicted_alloc))
if predicted_alloc in ("finishes", "killed"):
    print(course.tr("right: the cgroup's memory limit holds for every process in the container.") if
          (predicted_alloc == "killed") == killed else
          course.tr("not this time: the memory limit is a cgroup limit on the whole container, "
                    "so the 64 MiB process is killed, not slowed down."))

# %% [markdown]
# The container's first process is **PID 1**, its hostname is the one in `config.json`, and it sees only its own
# processes. No engine was asked: runc made the namespaces and the cgroup, and that is all a container is.
#
# ## Exercise 2: take the UTS namespace out
# <small>Course map: S3.3</small>
#
# Build `ns_without_uts`: your `my_namespaces` list without the `uts` entry (code, not a list typed by hand).
# Run it, then compute `uses_host_hostname`: is the hostname the container printed the host's hostname?

# %% [markdown] lang="ko"
# 컨테이너의 첫 프로세스는 **PID 1**이고, 호스트 이름은 `config.json`에 적힌 이름이며, 자신의 프로세스만 볼 수
# 있습니다. 엔진에는 아무것도 요청하지 않았습니다. runc가 네임스페이스와 cgroup을 만들었을 뿐이고, 컨테이너란
# 바로 그것이 전부입니다.
#
# ## 연습 문제 2: UTS 네임스페이스 빼기
# <small>Course map: S3.3</small>
#
# `ns_without_uts`를 만드세요. 여러분의 `my_namespaces` 리스트에서 `uts` 항목만 뺀 리스트입니다(손으로 리스트를
# 입력하지 말고 코드로 만드세요). 이것으로 실행한 다음 `uses_host_hostname`을 계산하세요. 컨테이너가 출력한
# 호스트 이름이 호스트의 호스트 이름과 같을까요?

# %% tags=["exercise"]
ns_without_uts = ...  # ← my_namespaces without the entry whose type is "uts"
no_uts, note = by_hand.try_config(by_hand.make_config(ns_without_uts)) if not is_blank(ns_without_uts) else ({}, "")
uses_host_hostname = ...  # ← True or False, computed from no_uts["hostname"] and no_uts["host_hostname"]

# %%
by_hand.check_without_uts(ns_without_uts, my_namespaces)

# %%
by_hand.check_hostname_verdict(uses_host_hostname, no_uts)

# %% [markdown]
# <details><summary>Hint</summary>
#
# A list comprehension keeps every entry but one: `[ns for ns in my_namespaces if ns["type"] != "uts"]`.
# Then compare two strings: `no_uts["hostname"] == no_uts["host_hostname"]`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 리스트 컴프리헨션(list comprehension)을 쓰면 항목 하나만 빼고 모두 남길 수 있습니다: `[ns for ns in my_namespaces if ns["type"] != "uts"]`.
# 그다음 두 문자열을 비교하세요: `no_uts["hostname"] == no_uts["host_hostname"]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
ns_without_uts = [ns for ns in my_namespaces if ns["type"] != "uts"]
no_uts, note = by_hand.try_config(by_hand.make_config(ns_without_uts))
uses_host_hostname = no_uts["hostname"] == no_uts["host_hostname"]
print(note, "|", course.tr("hostname inside:"), no_uts["hostname"], "|", course.tr("host:"), no_uts["host_hostname"])
by_hand.check_hostname_verdict(uses_host_hostname, no_uts)

# %% [markdown]
# Without a UTS namespace the container uses the host's hostname, and (with the right capability) could change it
# for the whole machine. That is why runc refuses a `hostname` field without a UTS namespace.
#
# ## Two more things to take out
# <small>Course map: S3.3 · S3.4</small>
#
# Without a **PID namespace**, `/proc` shows every process of the host: `ps` lists the host's init and kernel
# threads, and the shell's own PID is a large host number. Without the **memory limit**, the 64 MiB allocation
# finishes, because nothing but the machine's own memory stops it.

# %% [markdown] lang="ko"
# UTS 네임스페이스가 없으면 컨테이너는 호스트의 호스트 이름을 그대로 사용하고, (알맞은 케이퍼빌리티가 있다면)
# 머신 전체의 호스트 이름을 바꿀 수도 있습니다. 그래서 runc는 UTS 네임스페이스 없이 `hostname` 필드를 지정한
# 설정을 거부합니다.
#
# ## 빼 볼 것 두 가지 더
# <small>Course map: S3.3 · S3.4</small>
#
# **PID 네임스페이스**가 없으면 `/proc`에 호스트의 모든 프로세스가 보입니다. `ps`는 호스트의 init과 커널 스레드를
# 나열하고, 셸 자신의 PID도 호스트의 큰 번호가 됩니다. **메모리 제한**이 없으면 64 MiB 할당은 끝까지
# 실행됩니다. 머신 자체의 메모리 말고는 그것을 막는 것이 없기 때문입니다.

# %%
no_pid, note_pid = by_hand.try_config(by_hand.make_config([t for t in by_hand.DEFAULT_NAMESPACES if t != "pid"]))
no_mem, note_mem = by_hand.try_config(by_hand.make_config(by_hand.DEFAULT_NAMESPACES, memory=None))
pd.DataFrame({course.tr("full config"): full, course.tr("no PID namespace"): no_pid,
              course.tr("no memory limit"): no_mem}).loc[
    ["my_pid", "processes", "alloc"]]

# %%
print(note_pid)
print(course.tr("ps without a PID namespace:") + "\n" + no_pid["ps"])

# %% [markdown]
# ## Key points
# - Containers grew step by step: **chroot (1979)**, **FreeBSD jails (2000)**, Linux **namespaces (from 2002)** and
#   **cgroups (2007–2008)**, **LXC (2008)** as user-space tooling over them, **Docker (2013)**, and **runc**, given
#   to the OCI in 2015.
# - An OCI bundle is a `rootfs/` folder and a `config.json`; runc reads it and asks the kernel for namespaces and a
#   cgroup. No engine, no extra kernel.
# - Each namespace is a separate switch: without UTS the hostname is the host's, without PID the container sees
#   every host process. The memory limit is a cgroup setting: without it nothing stops a 64 MiB allocation.
# - Docker, Podman and Kubernetes write a `config.json` like yours and call runc (or a peer).
#
# **Next:** [06 · cgroups](06_cgroups.ipynb): how much a container may use. · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - 컨테이너는 단계적으로 발전했습니다: **chroot**(1979), **FreeBSD jails**(2000), Linux **네임스페이스**(2002년부터)와
#   **cgroup**(2007–2008), 그 위에서 동작하는 사용자 공간 도구인 **LXC**(2008), **Docker**(2013), 그리고 2015년
#   OCI에 기증된 **runc**.
# - OCI 번들은 `rootfs/` 폴더와 `config.json`으로 이루어집니다. runc는 이것을 읽고 커널에 네임스페이스와 cgroup을
#   요청합니다. 엔진도, 별도의 커널도 필요 없습니다.
# - 네임스페이스는 하나하나가 따로 켜고 끄는 스위치입니다. UTS가 없으면 호스트 이름이 호스트의 것이 되고, PID가
#   없으면 컨테이너가 호스트의 모든 프로세스를 봅니다. 메모리 제한은 cgroup 설정이므로, 이것이 없으면 64 MiB
#   할당을 막는 것이 없습니다.
# - Docker, Podman, Kubernetes도 여러분이 쓴 것과 같은 `config.json`을 작성하고 runc(또는 그에 준하는 런타임)를
#   호출합니다.
#
# **다음:** [06 · cgroup](06_cgroups.ipynb): 컨테이너는 얼마나 쓸 수 있을까. · [용어집 · Glossary](99_glossary.ipynb)
