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
from vlab import course; course.begin()

# %% [markdown]
# ## Containers come from the kernel itself
# <small>Course map: S3.2</small>
#
# Container virtualization (컨테이너 가상화) started with **LXC (Linux Containers)**, which builds isolated
# spaces from features that are already in the Linux kernel (커널): *namespaces* decide what a process can
# **see**, *cgroups* decide how much it can **use** (next notebook). Docker, Podman and Kubernetes use the same
# kernel features through a runtime such as `runc`. There is no extra kernel and no hypervisor: a container is a
# process that the kernel shows a smaller world.
#
# Every process has a set of namespaces, listed in `/proc/<pid>/ns/`. Each entry is a link such as
# `pid:[4026531836]`; the number is the namespace's *inode*, an identity number the kernel gives each namespace.
# **Two processes with the same number are in the same namespace.** That is all we need to measure isolation.

# %% [markdown]
# ## Host view against container view
# <small>Course map: S3.3 · S3.5</small>
# <small>Figure counterpart: 컨테이너가상화개요.png</small>
#
# `namespaces.views()` starts one sandboxed container (labelled, limited, removed afterwards) and runs the same
# probes inside it and in this notebook's own process: namespace inodes, PID 1, the process list, hostname,
# mounts, network interfaces, user ids and the kernel release.

# %%
from vlab.labs import namespaces
from vlab.plots import namespaces as isoplots

views = namespaces.views()
print(views.extra["host_note"])
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
# namespaces. Kubernetes *pods* are built exactly like this.

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
# ## Self-check
# <small>Course map: S3.3 · S3.5</small>
#
# A container runs `sh -c 'echo $$'` as its first process (`$$` is the shell's own process ID). Without running
# anything new, what number does it print? Replace `None` with your number and run the two cells.

# %%
answer = None  # ← your answer
# %% tags=["keep_output", "nbval-check-output"]
from vlab.widgets.quiz import check, solution

check(answer, namespaces.container_pid(pid1),
      explanation="The first process in a new PID namespace is PID 1, whatever its PID on the host.")

# %%
solution("It prints <b>1</b>: <code>$$</code> is the shell's own PID, and in its own PID namespace the first "
         "process is number 1. The host sees the same process under a different, larger PID.")

# %% [markdown]
# ## Key points
# - A **namespace (네임스페이스)** limits what a process can *see*: processes (PID), mounts (mnt), network (net),
#   hostname (UTS), IPC, users (user), cgroups and clocks (time).
# - Compare `/proc/self/ns/*` inodes: same number = same namespace. With Docker's defaults a container owns
#   ipc, mnt, net, pid and uts; user and time are shared; cgroup is shared on cgroup v1 and private on cgroup v2.
#   The table above shows what your engine does.
# - Inside, the container's first process is **PID 1**, the hostname is its own, `/` is an overlay filesystem and
#   only its own interfaces exist; but the **kernel is the host's**.
# - Namespaces can be shared on purpose (`container:<id>`), which is how pods work.
# - A **container (컨테이너)** = ordinary processes + their own namespaces + cgroup limits, on the host's kernel (LXC idea).
#
# **Next:** [06 · cgroups](06_cgroups.ipynb): how much a container may use. · [Glossary · 용어집](99_glossary.ipynb)
