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

# %%
from vlab import course; course.begin()

# %% [markdown]
# ## One kernel for everyone
# <small>Course map: S3.9</small>
#
# A hypervisor boots a **guest kernel (게스트 커널)** for each VM. A container has no kernel of its own: its
# programs make system calls straight into the host's kernel. So `uname -r` inside equals the engine host's, the
# image has no `/boot`, and a container cannot load kernel code (`insmod` is refused). A container can therefore
# only run programs for the host's kernel: Linux containers on a Linux kernel. (On Docker Desktop the "host" is a
# small Linux VM the app starts for you.)

# %%
from vlab.labs import security

kernel = security.shared_kernel()
kernel.samples[["where", "kernel"]]

# %% tags=["keep_output", "nbval-check-output"]
print("same kernel:", security.same_kernel(kernel))

# %%
print("image's /boot:", kernel.extra["boot_dir"])
print("loading kernel code:", kernel.extra["insmod"].splitlines()[0])

# %% [markdown]
# ## Capabilities: root's powers, split into pieces
# <small>Course map: S3.8</small>
#
# Without a user namespace, root in a container **is** uid 0 on the host (notebook 05). What limits it is the set
# of **capabilities (케이퍼빌리티)**: root's powers split into about 40 flags (`CAP_CHOWN`, `CAP_SYS_ADMIN`, …).
# A process's effective set is the `CapEff` bitmask in `/proc/self/status` (one bit per capability, written in
# hexadecimal). Docker keeps a short default list (the `count` column shows how many); vlab's sandbox drops them
# all; `--privileged` gives every one.

# %%
caps = security.capabilities()
caps.samples[["config", "CapEff", "count", "chown_allowed", "mknod_allowed", "chroot_allowed"]]

# %%
print("Docker's default set:", caps.samples.iloc[1]["capabilities"])
print("decode a mask yourself:", security.decode_caps("00000000a80425fb"))

# %% [markdown]
# ## `--privileged`, by inspection only
# <small>Course map: S3.8</small>
#
# vlab never starts a **privileged container (특권 컨테이너)** (the sandbox refuses). Instead we compare the device
# nodes (the files in `/dev` through which programs reach hardware) a normal sandbox container sees with the device
# nodes of the machine, which `--privileged` would expose, and list what Docker's documentation says privileged mode
# turns off.

# %%
priv = security.privileged_view()
security.privileged_table(priv)

# %%
print("the sandbox's HostConfig (what the engine applied):")
for key, value in priv.extra["sandbox_hostconfig"].items():
    print(f"  {key:>15}: {value}")

# %% [markdown]
# With `/dev/mem`, the raw disks and every capability, a privileged container can mount the host's disk and
# change anything on it: privileged mode is not isolation.

# %% [markdown]
# ## The Docker socket equals root
# <small>Course map: S3.8</small>
#
# The **Docker socket (도커 소켓)** is the file through which clients (the `docker` command, vlab) talk to the
# daemon's API.

# %%
print(security.SOCKET_WHY)
print()
sock = security.socket_facts()
print("who may use the socket here:", sock.get("note") or
      f"{sock['path']}: owner {sock['owner']}, group {sock['group']}, permissions {sock['mode']}")
print("vlab's sandbox, asked to mount it:", security.socket_refusal())

# %% [markdown]
# ## seccomp: a filter on system calls
# <small>Course map: S3.8 · S3.9</small>
#
# Every container talks to the same kernel through its ~400 system calls (시스템 콜), so Docker puts a **seccomp**
# filter in front of them: a list, checked by the kernel on every call, of which calls the container may make.
# Below, the same operations run with the default filter and with `seccomp=unconfined`, both with
# every capability dropped. Creating a user namespace is blocked *only* by seccomp; the others are also stopped by
# the missing capabilities.

# %%
sec = security.seccomp_demo()
print("Seccomp mode (2 = filter, 0 = none):", sec.extra["seccomp_mode"])
sec.samples[["operation", "syscall", "default_seccomp_ok", "unconfined_ok", "verdict"]]

# %% [markdown]
# ## Hypervisor vs container
# <small>Course map: S3.8 · S3.9 · S3.1</small>
# <small>Figure counterpart: 하이퍼바이저컨테이너비교.png</small>
#
# Each row comes from a measurement you made in this course (or a shipped recording, labelled as such). The
# figure is this course's counterpart of the lecture notes' *hypervisor vs container* picture.

# %%
from vlab.plots import namespaces as isoplots

table = security.comparison_table(kernel=kernel, caps=caps, seccomp=sec)
isoplots.stack_comparison(table);
table

# %% [markdown]
# The trade-off in one sentence: the container is lighter and faster because it shares the host's kernel
# (S3.1, S3.6–S3.7), and for the same reason a hypervisor is stronger on security (보안, S3.8) and can run a
# different OS (S3.9).

# %% [markdown]
# ## Self-check
# <small>Course map: S3.9</small>
#
# Can a Linux container run a Windows or a different Linux kernel than its host? Replace `None` with `True` or
# `False` and run the two cells.

# %%
answer = None  # ← your answer
# %% tags=["keep_output", "nbval-check-output"]
from vlab.widgets.quiz import check, solution

check(answer, not security.same_kernel(kernel),
      explanation="The container's uname -r is the host's: it has no kernel of its own to replace.")

# %%
solution("<b>False</b>. A container's programs make system calls into the host's kernel; there is no guest kernel. "
         "To run another kernel you need a hypervisor (notebook 04 and 08).")

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
# **Next:** [11 · Review](11_review.ipynb): a quiz across the whole course. · [Glossary · 용어집](99_glossary.ipynb)
