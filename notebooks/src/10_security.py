# %% [markdown]
# # 10 · Security: what a container shares, and what it costs (보안)
#
# **Learning objectives.** After this notebook you can
# - show that a container uses the **host's kernel (호스트 커널)** and therefore cannot run another OS's kernel;
# - decode a process's **capabilities (케이퍼빌리티)** and compare Docker's default set with vlab's "drop all";
# - say what `--privileged` (a **privileged container, 특권 컨테이너**) would hand to a container, from inspection
#   alone;
# - explain why access to the **Docker socket (도커 소켓)** equals root on the host;
# - show what **seccomp** blocks, and put it all in a **hypervisor vs container** table built from your own runs.

# %% [markdown] lang="ko"
# # 10 · 보안(security): 컨테이너가 공유하는 것과 그 대가
#
# **학습 목표.** 이 노트북을 마치면 여러분은 다음을 할 수 있습니다.
# - 컨테이너(container)가 **호스트 커널**(host's kernel)을 그대로 사용하므로 다른 OS의 커널을 실행할 수 없다는 것을
#   보여 줄 수 있습니다.
# - 프로세스의 **케이퍼빌리티**(capability)를 해석하고, Docker의 기본 집합과 vlab의 "모두 제거(drop all)"를 비교할 수
#   있습니다.
# - `--privileged`(**특권 컨테이너**, privileged container)가 컨테이너에 무엇을 넘겨주는지 직접 실행하지 않고 검사만으로
#   설명할 수 있습니다.
# - **도커 소켓**(Docker socket)에 접근할 수 있다는 것이 왜 호스트의 root 권한과 같은지 설명할 수 있습니다.
# - **seccomp**가 무엇을 막는지 보여 주고, 여러분이 직접 실행한 결과로 **하이퍼바이저 vs 컨테이너** 비교표를 만들 수
#   있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## One kernel for everyone
# <small>Course map: S3.9</small>
#
# A hypervisor boots a **guest kernel (게스트 커널)** for each VM. A container has no kernel of its own: its
# programs make system calls straight into the host's kernel. So `uname -r` inside equals the engine host's, the
# image has no `/boot`, and a container cannot load kernel code (`insmod` is refused). A container can therefore
# only run programs for the host's kernel: Linux containers on a Linux kernel. (On Docker Desktop the "host" is a
# small Linux VM the app starts for you.)
#
# **First by hand (glass box).** With nothing but the Docker SDK: a container prints its kernel release and its
# effective capabilities (`CapEff`), and this notebook prints its own kernel. The container has a memory and pids
# limit, no capabilities, no network and the vlab label, and is removed whatever happens.

# %% [markdown] lang="ko"
# ## 모두가 함께 쓰는 하나의 커널
# <small>Course map: S3.9</small>
#
# 하이퍼바이저(hypervisor)는 가상 머신(VM)마다 **게스트 커널**(guest kernel)을 부팅합니다. 반면 컨테이너에는 자기만의
# 커널이 없습니다. 컨테이너 안의 프로그램은 호스트의 커널로 곧바로 시스템 콜(system call)을 보냅니다. 그래서 컨테이너
# 안에서 실행한 `uname -r`의 결과는 엔진 호스트의 것과 같고, 이미지에는 `/boot`가 없으며, 컨테이너는 커널 코드를 적재할
# 수 없습니다(`insmod`가 거부됩니다). 따라서 컨테이너는 호스트 커널용 프로그램만 실행할 수 있습니다. 즉 Linux 커널
# 위에서는 Linux 컨테이너만 돌아갑니다. (Docker Desktop에서 "호스트"는 앱이 여러분 대신 띄워 주는 작은 Linux VM입니다.)
#
# **먼저 손으로 해 보기(글라스 박스, glass box).** Docker SDK만 사용합니다. 컨테이너는 자신의 커널 릴리스와 유효
# 케이퍼빌리티(`CapEff`)를 출력하고, 이 노트북은 자신의 커널을 출력합니다. 컨테이너에는 메모리와 pids 제한이 걸려 있고,
# 케이퍼빌리티도 네트워크도 없으며, vlab 레이블이 붙어 있고, 무슨 일이 있어도 마지막에는 제거됩니다.

# %%
import platform

import docker

from vlab.core import images, sandbox
from vlab.labs import security

if mode.live:
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        images.ensure(), ["sh", "-c", security.GLASS_BOX_SCRIPT], mem_limit="32m", pids_limit=16, cap_drop=["ALL"],
        network_mode="none", ulimits=course.ulimits(), labels=sandbox.labels("glass box: kernel and CapEff"))
    try:
        box.start()
        box.wait(timeout=60)
        out = box.logs().decode().split()   # uname -r, then "CapEff:" and the mask
    finally:
        box.remove(force=True)
    seen = {"inside": out[0], "host": platform.release(), "cap_eff": out[-1]}
else:
    seen, note = security.recorded_glass_box()
    print(note)
print(course.tr("kernel inside the container: {inside} · kernel outside: {host}").format(
    inside=seen["inside"], host=seen["host"]))
print(course.tr("CapEff inside the container:"), seen["cap_eff"])

# %% [markdown]
# `security.GLASS_BOX_SCRIPT` is `uname -r; grep CapEff /proc/self/status`. vlab does this with more care: it
# compares with the *engine host's* kernel (on Docker Desktop that is a VM, not your laptop), also looks for a
# `/boot` in the image and tries to load kernel code, times the runs, and records where it all ran.

# %% [markdown] lang="ko"
# `security.GLASS_BOX_SCRIPT`의 내용은 `uname -r; grep CapEff /proc/self/status`입니다. vlab은 같은 일을 더 꼼꼼하게
# 합니다. *엔진 호스트*의 커널과 비교하고(Docker Desktop에서는 여러분의 노트북 컴퓨터가 아니라 VM입니다), 이미지에
# `/boot`가 있는지도 살펴보고, 커널 코드 적재를 시도해 보고, 실행 시간을 재고, 모든 것이 어디에서 실행되었는지
# 기록합니다.

# %%
kernel = security.shared_kernel()
kernel.samples[["where", "kernel"]]

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("same kernel:"), security.same_kernel(kernel))

# %%
print(course.tr("image's /boot:"), kernel.extra["boot_dir"])
print(course.tr("loading kernel code:"), kernel.extra["insmod"].splitlines()[0])

# %% [markdown]
# ## Capabilities: root's powers, split into pieces
# <small>Course map: S3.8</small>
#
# Without a user namespace, root in a container **is** uid 0 on the host (notebook 05). What limits it is the set
# of **capabilities (케이퍼빌리티)**: root's powers split into about 40 flags (`CAP_CHOWN`, `CAP_SYS_ADMIN`, …).
# A process's effective set is the `CapEff` bitmask in `/proc/self/status` (one bit per capability, written in
# hexadecimal). Docker keeps a short default list (the `count` column shows how many); vlab's sandbox drops them
# all; `--privileged` gives every one.

# %% [markdown] lang="ko"
# ## 케이퍼빌리티: root의 권한을 여러 조각으로 나누기
# <small>Course map: S3.8</small>
#
# 사용자 네임스페이스(user namespace)가 없으면 컨테이너 안의 root는 호스트의 uid 0과 **같습니다**(노트북 05). 이를
# 제한하는 것이 **케이퍼빌리티** 집합입니다. 케이퍼빌리티는 root의 권한을 약 40개의 플래그(`CAP_CHOWN`,
# `CAP_SYS_ADMIN`, …)로 나눈 것입니다. 프로세스의 유효(effective) 집합은 `/proc/self/status`에 있는 `CapEff`
# 비트마스크입니다(케이퍼빌리티 하나당 비트 하나이며 16진수로 표기합니다). Docker는 짧은 기본 목록을 유지하고(몇 개인지는
# `count` 열에 나옵니다), vlab의 샌드박스(sandbox)는 모두 제거하며, `--privileged`는 전부를 줍니다.

# %%
caps = security.capabilities()
caps.samples[["config", "CapEff", "count", "chown_allowed", "mknod_allowed", "chroot_allowed"]]

# %% [markdown]
# ### Exercise 1: decode a capability mask (비트마스크 해석)
# Bit *i* of a mask stands for capability number *i*; `security.CAP_NAMES[i]` is its name (bit 0 = `CHOWN`,
# bit 1 = `DAC_OVERRIDE`, …). Write the code that turns the `CapEff` of Docker's default set (from the table
# above) into the list of capability names it grants.

# %% [markdown] lang="ko"
# ### 연습 문제 1: 케이퍼빌리티 비트마스크 해석하기
# 마스크의 비트 *i*는 케이퍼빌리티 번호 *i*를 나타내며, 그 이름은 `security.CAP_NAMES[i]`입니다(비트 0 = `CHOWN`,
# 비트 1 = `DAC_OVERRIDE`, …). 위 표에서 Docker 기본 집합의 `CapEff`를 가져와, 그 마스크가 허용하는 케이퍼빌리티 이름의
# 목록으로 바꾸는 코드를 작성하세요.

# %% tags=["exercise"]
mask_hex = caps.samples.loc[caps.samples["config"] == "Docker default set", "CapEff"].iloc[0]
mask = ...    # mask_hex as a number (it is hexadecimal)
names = ...   # the names of every bit set in mask, from security.CAP_NAMES

# %%
security.check_decoded_caps(names, mask_hex)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `int(mask_hex, 16)` reads a hexadecimal string. Bit `i` is set when `(mask >> i) & 1` is 1; loop over
# `enumerate(security.CAP_NAMES)`.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `int(mask_hex, 16)`은 16진수 문자열을 숫자로 읽습니다. `(mask >> i) & 1`이 1이면 비트 `i`가 켜져 있는 것입니다.
# `enumerate(security.CAP_NAMES)`로 반복해 보세요.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
mask = int(mask_hex, 16)
names = [name for i, name in enumerate(security.CAP_NAMES) if (mask >> i) & 1]
security.check_decoded_caps(names, mask_hex)

# %% [markdown]
# vlab's `security.decode_caps` does the same. Which of these would a web server need? Usually only
# `NET_BIND_SERVICE` (to listen on a port below 1024), perhaps `CHOWN`: the rest can go.
#
# ### Exercise 2: build the mask yourself
# Write the code that builds the `CapEff` value (16 hexadecimal digits, as in `/proc/self/status`) of a container
# started with `--cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add CHOWN`.

# %% [markdown] lang="ko"
# vlab의 `security.decode_caps`도 같은 일을 합니다. 이 가운데 웹 서버(web server)에 필요한 것은 무엇일까요? 보통은
# `NET_BIND_SERVICE`(1024 미만의 포트에서 요청을 받기 위해)와, 경우에 따라 `CHOWN` 정도입니다. 나머지는 없애도 됩니다.
#
# ### 연습 문제 2: 마스크를 직접 만들기
# `--cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add CHOWN`으로 시작한 컨테이너의 `CapEff` 값(`/proc/self/status`에서처럼
# 16자리 16진수)을 만드는 코드를 작성하세요.

# %% tags=["exercise"]
wanted = ["NET_BIND_SERVICE", "CHOWN"]
wanted_mask = ...   # one bit per wanted capability
wanted_hex = ...    # 16 hexadecimal digits

# %%
security.check_encoded_caps(wanted_hex, wanted)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `security.CAP_NAMES.index(name)` is a capability's bit number; `1 << n` sets bit n; combine bits with `|` (or
# `sum`). `f"{number:016x}"` writes 16 hexadecimal digits.
# </details>

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 케이퍼빌리티의 비트 번호는 `security.CAP_NAMES.index(name)`입니다. `1 << n`은 비트 n을 켜고, 비트들은 `|`(또는 `sum`)로
# 합칩니다. `f"{number:016x}"`는 숫자를 16자리 16진수로 씁니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
%%solution
wanted_mask = 0
for name in wanted:
    wanted_mask |= 1 << security.CAP_NAMES.index(name)
wanted_hex = f"{wanted_mask:016x}"
security.check_encoded_caps(wanted_hex, wanted)

# %% [markdown]
# ## `--privileged`, by inspection only
# <small>Course map: S3.8</small>
#
# vlab never starts a **privileged container (특권 컨테이너)** (the sandbox refuses). Instead we compare the device
# nodes (the files in `/dev` through which programs reach hardware) a normal sandbox container sees with the device
# nodes of the machine, which `--privileged` would expose, and list what Docker's documentation says privileged mode
# turns off.

# %% [markdown] lang="ko"
# ## 검사만으로 살펴보는 `--privileged`
# <small>Course map: S3.8</small>
#
# vlab은 **특권 컨테이너**를 절대 시작하지 않습니다(샌드박스가 거부합니다). 그 대신 일반 샌드박스 컨테이너가 보는 장치
# 노드(device node, 프로그램이 하드웨어에 접근하는 통로인 `/dev` 안의 파일)를, `--privileged`였다면 노출되었을 컴퓨터의
# 장치 노드와 비교합니다. 그리고 Docker 문서에 따르면 특권 모드가 무엇을 꺼 버리는지 나열합니다.

# %%
priv = security.privileged_view()
security.privileged_table(priv)

# %%
print(course.tr("the sandbox's HostConfig (what the engine applied):"))
for key, value in priv.extra["sandbox_hostconfig"].items():
    print(f"  {key:>15}: {value}")

# %% [markdown]
# With `/dev/mem`, the raw disks and every capability, a privileged container can mount the host's disk and
# change anything on it: privileged mode is not isolation.

# %% [markdown] lang="ko"
# `/dev/mem`과 원시(raw) 디스크, 그리고 모든 케이퍼빌리티를 가진 특권 컨테이너는 호스트의 디스크를 마운트해서 그 안의
# 무엇이든 바꿀 수 있습니다. 특권 모드는 격리(isolation)가 아닙니다.

# %% [markdown]
# ## The Docker socket equals root
# <small>Course map: S3.8</small>
#
# The **Docker socket (도커 소켓)** is the file through which clients (the `docker` command, vlab) talk to the
# daemon's API.

# %% [markdown] lang="ko"
# ## 도커 소켓은 곧 root 권한
# <small>Course map: S3.8</small>
#
# **도커 소켓**은 클라이언트(`docker` 명령, vlab)가 데몬(daemon)의 API와 통신할 때 쓰는 파일입니다.

# %%
print(course.tr(security.SOCKET_WHY))
print()
sock = security.socket_facts()
print(course.tr("who may use the socket here:"), sock.get("note") or
      course.tr("{path}: owner {owner}, group {group}, permissions {mode}").format(
          path=sock["path"], owner=sock["owner"], group=sock["group"], mode=sock["mode"]))
print(course.tr("vlab's sandbox, asked to mount it:"), security.socket_refusal())

# %% [markdown]
# ## seccomp: a filter on system calls
# <small>Course map: S3.8 · S3.9</small>
#
# Every container talks to the same kernel through its ~400 system calls (시스템 콜), so Docker puts a **seccomp**
# filter in front of them: a list, checked by the kernel on every call, of which calls the container may make.
# Below, the same operations run with the default filter and with `seccomp=unconfined`, both with
# every capability dropped. Creating a user namespace is blocked *only* by seccomp; the others are also stopped by
# the missing capabilities.

# %% [markdown] lang="ko"
# ## seccomp: 시스템 콜 필터
# <small>Course map: S3.8 · S3.9</small>
#
# 모든 컨테이너는 약 400개의 시스템 콜을 통해 같은 커널과 통신합니다. 그래서 Docker는 시스템 콜 앞에 **seccomp** 필터를
# 둡니다. 이 필터는 컨테이너가 어떤 호출을 할 수 있는지 적어 둔 목록이며, 커널이 호출이 있을 때마다 확인합니다.
# 아래에서는 같은 작업을 기본 필터로 한 번, `seccomp=unconfined`로 한 번 실행하며, 두 경우 모두 케이퍼빌리티는 전부
# 제거한 상태입니다. 사용자 네임스페이스 생성은 *오직* seccomp만이 막습니다. 나머지 작업은 케이퍼빌리티가 없어서도
# 막힙니다.

# %%
sec = security.seccomp_demo()
print(course.tr("Seccomp mode (2 = filter, 0 = none):"), sec.extra["seccomp_mode"])
sec.samples[["operation", "syscall", "default_seccomp_ok", "unconfined_ok", "verdict"]]

# %% [markdown]
# ## Hypervisor vs container
# <small>Course map: S3.8 · S3.9 · S3.1</small>
# <small>Figure counterpart: 하이퍼바이저컨테이너비교.png</small>
#
# Each row comes from a measurement you made in this course (or a shipped recording, labelled as such). The
# figure is this course's counterpart of the lecture notes' *hypervisor vs container* picture.

# %% [markdown] lang="ko"
# ## 하이퍼바이저 vs 컨테이너
# <small>Course map: S3.8 · S3.9 · S3.1</small>
# <small>Figure counterpart: 하이퍼바이저컨테이너비교.png</small>
#
# 각 행은 여러분이 이 강의에서 직접 한 측정에서 나옵니다(함께 제공된 기록 데이터를 쓴 경우에는 그렇게 표시됩니다). 이
# 그림은 강의 자료에 있는 *하이퍼바이저 vs 컨테이너* 그림에 대응하는, 이 강의의 그림입니다.

# %%
from vlab.plots import namespaces as isoplots

table = security.comparison_table(kernel=kernel, caps=caps, seccomp=sec)
isoplots.stack_comparison(table);
table

# %% [markdown]
# The trade-off in one sentence: the container is lighter and faster because it shares the host's kernel
# (S3.1, S3.6–S3.7), and for the same reason a hypervisor is stronger on security (보안, S3.8) and can run a
# different OS (S3.9).

# %% [markdown] lang="ko"
# 트레이드오프를 한 문장으로 정리하면 이렇습니다. 컨테이너는 호스트의 커널을 공유하기 때문에 더 가볍고
# 빠르며(S3.1, S3.6–S3.7), 바로 그 이유로 하이퍼바이저는 보안 면에서 더 강하고(S3.8) 다른 OS를 실행할 수 있습니다(S3.9).

# %% [markdown]
# ## Key points
# - A container **shares the host's kernel**: same `uname -r`, no `/boot`, no loading kernel code, no other OS (S3.9).
# - Root in a container is host root held back by **capabilities**, **seccomp**, namespaces and cgroups; vlab drops
#   every capability, Docker keeps a short default list, `--privileged` keeps all and removes the filters.
# - Access to the **Docker socket (도커 소켓) equals root**: never mount it into a container; a **privileged
#   container (특권 컨테이너)** is not isolated at all.
# - A **hypervisor** puts a whole guest kernel between the app and the host, so it is **stronger on security** (S3.8);
#   a container is lighter and starts faster (S3.1).
#
# **Next:** [10b · The isolation spectrum](10b_isolation_spectrum.ipynb): between the container and the VM, a
# gVisor sandbox, measured side by side. · [Glossary · 용어집](99_glossary.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - 컨테이너는 **호스트의 커널을 공유합니다**: `uname -r`이 같고, `/boot`가 없고, 커널 코드를 적재할 수 없고, 다른 OS를
#   실행할 수 없습니다(S3.9).
# - 컨테이너 안의 root는 **케이퍼빌리티**, **seccomp**, 네임스페이스, cgroup으로 제한된 호스트의 root입니다. vlab은
#   케이퍼빌리티를 모두 제거하고, Docker는 짧은 기본 목록을 유지하며, `--privileged`는 전부를 유지하고 필터까지 없앱니다.
# - **도커 소켓에 접근할 수 있으면 곧 root입니다**: 절대 컨테이너에 마운트하지 마세요. **특권 컨테이너**는 전혀 격리되지
#   않습니다.
# - **하이퍼바이저**는 앱과 호스트 사이에 게스트 커널 전체를 두므로 **보안 면에서 더 강합니다**(S3.8). 컨테이너는 더
#   가볍고 더 빨리 시작합니다(S3.1).
#
# **다음:** [10b · 격리 스펙트럼](10b_isolation_spectrum.ipynb): 컨테이너와 VM 사이에 있는 gVisor 샌드박스를 나란히 놓고
# 측정합니다. · [용어집 · glossary](99_glossary.ipynb)
