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

# %%
import platform

import docker

from vlab.core import images, sandbox
from vlab.labs import security

if mode.live:
    box = docker.from_env().containers.run(
        images.ensure(), ["sh", "-c", security.GLASS_BOX_SCRIPT], detach=True, mem_limit="32m", pids_limit=16,
        cap_drop=["ALL"], network_mode="none", labels=sandbox.labels("glass box: kernel and CapEff"))
    try:
        box.wait(timeout=60)
        out = box.logs().decode().split()   # uname -r, then "CapEff:" and the mask
    finally:
        box.remove(force=True)
    seen = {"inside": out[0], "host": platform.release(), "cap_eff": out[-1]}
else:
    seen, note = security.recorded_glass_box()
    print(note)
print(f"kernel inside the container: {seen['inside']} · kernel outside: {seen['host']}")
print("CapEff inside the container:", seen["cap_eff"])

# %% [markdown]
# `security.GLASS_BOX_SCRIPT` is `uname -r; grep CapEff /proc/self/status`. vlab does this with more care: it
# compares with the *engine host's* kernel (on Docker Desktop that is a VM, not your laptop), also looks for a
# `/boot` in the image and tries to load kernel code, times the runs, and records where it all ran.

# %%
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

# %% [markdown]
# ### Exercise 1: decode a capability mask (비트마스크 해석)
# Bit *i* of a mask stands for capability number *i*; `security.CAP_NAMES[i]` is its name (bit 0 = `CHOWN`,
# bit 1 = `DAC_OVERRIDE`, …). Write the code that turns the `CapEff` of Docker's default set (from the table
# above) into the list of capability names it grants.

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
