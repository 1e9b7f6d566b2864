# %% [markdown]
# # 05b · A container by hand: `config.json` and `runc` (컨테이너 직접 만들기)
#
# **Learning objectives.** After this notebook you can
# - tell the history of containers right: chroot → FreeBSD jails → Linux namespaces and cgroups → LXC → Docker → runc;
# - write an **OCI runtime config (OCI 런타임 설정)** `config.json` yourself: the namespaces, a memory and a process
#   limit, a read-only root filesystem, no host folders;
# - run it with **runc**, the low-level runtime under Docker, with no engine at all;
# - take one namespace out and explain what changes (hostname, process list), and what a missing memory limit changes.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Where containers come from
# <small>Course map: S3.2</small>
#
# A container is not one invention. Each step below is either a **kernel feature (커널 기능)** or **user-space
# tooling (사용자 공간 도구)** that asks the kernel for those features:

# %%
import pandas as pd

from vlab.labs import by_hand

pd.DataFrame(by_hand.HISTORY, columns=["year", "what", "in one line"])

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
# stream, remove it. The cell only counts the files; live only (in replay mode it says so).

# %%
import io
import tarfile

import docker

if mode.live:
    client = docker.from_env()
    box = client.containers.create("vlab/busybox:1", ["true"], labels={"vlab": "1", "vlab.purpose": "glass-box-export"},
                                   mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none")
    try:
        tar = tarfile.open(fileobj=io.BytesIO(b"".join(box.export())))
        print(f"{len(tar.getnames())} files in the image's filesystem, e.g. {sorted(tar.getnames())[:4]}")
    finally:
        box.remove(force=True)
else:
    print("replay mode: no engine to export from; the runs below are recorded ones.")

# %% [markdown]
# vlab does this with more care: `by_hand.Bundle()` exports through the sandbox (run label, clean-up after a crash),
# unpacks into a temporary folder that is always removed, and deletes every runc container it ran.
#
# Can this machine run runc now? It needs root, `runc` (installed with docker.io) and the engine for the export.

# %%
reason = by_hand.live_reason()
print("live: runc runs your configs here" if not reason else f"not live ({reason}): you will see recorded runs")

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

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
my_namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
my_resources = {"memory": {"limit": 32 * 1024 * 1024}, "pids": {"limit": 16}}
by_hand.check_config_parts(my_namespaces, my_resources)

# %% [markdown]
# `by_hand.make_config` puts your two parts into a complete `config.json`: the process to run, a **read-only** root,
# no capabilities, `noNewPrivileges`, and only the kernel's own filesystems (`/proc`, `/dev`, `/sys`) mounted, with
# no folder of the host. Here is the part you wrote, inside the whole file:

# %%
import json

from vlab.core.exercise import is_blank

if is_blank(my_namespaces) or is_blank(my_resources):
    print("Finish exercise 1 first; until then the cells below use Docker's defaults.")
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

# %%
killed = full["alloc"].strip() == "exit 137"
print(f"measured: {'killed' if killed else 'finishes'}; you predicted: {predicted_alloc}")
if predicted_alloc in ("finishes", "killed"):
    print("right: the cgroup's memory limit holds for every process in the container." if
          (predicted_alloc == "killed") == killed else
          "not this time: the memory limit is a cgroup limit on the whole container, so the 64 MiB process is "
          "killed, not slowed down.")

# %% [markdown]
# The container's first process is **PID 1**, its hostname is the one in `config.json`, and it sees only its own
# processes. No engine was asked: runc made the namespaces and the cgroup, and that is all a container is.
#
# ## Exercise 2: take the UTS namespace out
# <small>Course map: S3.3</small>
#
# Build `ns_without_uts`: your `my_namespaces` list without the `uts` entry (code, not a list typed by hand).
# Run it, then compute `uses_host_hostname`: is the hostname the container printed the host's hostname?

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

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
ns_without_uts = [ns for ns in my_namespaces if ns["type"] != "uts"]
no_uts, note = by_hand.try_config(by_hand.make_config(ns_without_uts))
uses_host_hostname = no_uts["hostname"] == no_uts["host_hostname"]
print(note, "| hostname inside:", no_uts["hostname"], "| host:", no_uts["host_hostname"])
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

# %%
no_pid, note_pid = by_hand.try_config(by_hand.make_config([t for t in by_hand.DEFAULT_NAMESPACES if t != "pid"]))
no_mem, note_mem = by_hand.try_config(by_hand.make_config(by_hand.DEFAULT_NAMESPACES, memory=None))
pd.DataFrame({"full config": full, "no PID namespace": no_pid, "no memory limit": no_mem}).loc[
    ["my_pid", "processes", "alloc"]]

# %%
print(note_pid)
print("ps without a PID namespace:\n" + no_pid["ps"])

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
