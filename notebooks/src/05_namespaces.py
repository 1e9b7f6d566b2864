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

# %%
import os

import docker

print("this notebook:          ", os.readlink("/proc/self/ns/pid"))
if mode.live:
    box = docker.from_env().containers.run(
        "vlab/busybox:1", ["sleep", "30"], detach=True, labels={"vlab": "1", "vlab.purpose": "glass-box-ns"},
        mem_limit="32m", pids_limit=16, cap_drop=["ALL"], network_mode="none")
    try:
        box.reload()
        host_pid = box.attrs["State"]["Pid"]
        inside = box.exec_run(["readlink", "/proc/self/ns/pid"]).output.decode().strip()
        print("the container, inside:  ", inside)
        print(f"its first process is PID {host_pid} on the host")
    finally:
        box.remove(force=True)
else:
    from vlab.labs.namespaces import recorded_pid_namespaces

    print("the container, inside:  ", recorded_pid_namespaces()["container"],
          "(replay mode: a recorded run; the recording has no host PID)")

# %% [markdown]
# vlab does this with more care: `namespaces.views()` below goes through the sandbox (every limit, a run label for
# clean-up after a crash, removal even on Ctrl-C), compares all eight namespace types and ten other views, and in
# replay mode returns a real recorded run with its provenance.
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

# %%
predicted_shared = None  # ← your prediction, e.g. 3

# %%
from vlab.labs import namespaces
from vlab.plots import namespaces as isoplots

views = namespaces.views()
print(views.extra["host_note"])
print("columns of views.samples:", list(views.samples.columns))

# %% [markdown]
# ### Exercise 1: which namespaces are shared?
# `views.samples` is a pandas table: one row per probe, with columns `group` (`"namespace"` or `"view"`), `probe`
# (the namespace type), `host`, `container` (the two links) and `differs`. Compute the **list of namespace types
# the container shares with the host**, from the table (not typed by hand).

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

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
df = views.samples
shared = sorted(df[(df["group"] == "namespace") & ~df["differs"].astype(bool)]["probe"])
namespaces.check_shared_namespaces(shared, views)

# %% [markdown]
# Your prediction against your machine's measurement:

# %%
print(namespaces.compare_prediction(predicted_shared, views))

# %% [markdown]
# The whole table:

# %%
views.samples[["group", "probe", "host", "container", "differs"]]

# %% [markdown]
# The figure is this course's counterpart of the lecture notes' *container virtualization overview*: one kernel at
# the bottom, and above it the namespaces the container owns (blue, two different inodes) or shares with the host
# (orange, one inode).

# %%
isoplots.namespace_overview(views);

# %% [markdown]
# Why each namespace differs, or not, on this engine:

# %%
for row in views.samples.query("group == 'namespace'").itertuples():
    print(f"{row.probe:7s} {'OWN   ' if row.differs else 'SHARED'}  {row.note}")

# %% [markdown]
# - **PID namespace (PID 네임스페이스)**: the container numbers its processes from 1 and cannot see the host's.
# - **Mount namespace (마운트 네임스페이스)**: its `/` is the image on an *overlay* filesystem.
# - **Network namespace (네트워크 네임스페이스)**: with `network="none"` it has only `lo`.
# - **UTS namespace** (the name comes from "Unix Time-sharing System"): its own hostname (Docker uses the short
#   container id).
# - **IPC namespace** (inter-process communication): its own shared memory and message queues.
# - **User namespace (사용자 네임스페이스)**: *not* used by default, so root inside is root outside. This is
#   why vlab drops every capability (notebook 10).
# - **cgroup and time namespaces**: shared on this engine. On cgroup v1 Docker keeps `CgroupnsMode=host`; on cgroup v2
#   it gives each container a private cgroup namespace.

# %% [markdown]
# ## PID 1 inside the container
# <small>Course map: S3.3</small>
#
# The container's first process asks the kernel for its own process id. In its own PID namespace the answer is 1,
# the number of `init` on a whole machine, although on the host it is an ordinary process with a large PID.

# %% tags=["keep_output", "nbval-check-output"]
pid1 = namespaces.pid1()
print("PID of the container's first process, seen from inside:", namespaces.container_pid(pid1))

# %%
print("processes the container sees:\n" + views.extra["ps"])
print("\nprocesses this notebook's namespace sees:",
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

# %%
shared = namespaces.sharing()
print(shared.extra["how"])
print("B sees these processes:", shared.extra["b_sees_processes"])
shared.samples

# %% [markdown]
# ## Explore: the namespace explorer
# <small>Course map: S3.3</small>
#
# Pick a namespace type (or another probe) to see the host's value, the container's value and why they differ.

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
