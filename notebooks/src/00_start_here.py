# %% [markdown]
# # 00 · Start here: how this course works
#
# Welcome to **vlab**, a hands-on course on **virtualization (가상화)**. You will not only read
# about servers, hypervisors and containers: you will *measure* them, on your own machine.
#
# **Learning objectives**
# - Know how the course is organised, and in which order to read the notebooks.
# - Run the **doctor** and understand what your machine can measure live.
# - Understand the difference between **live mode** and **replay mode**, and how to switch.
# - Start your first safe, limited **container (컨테이너)** and read what it tells you.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## How the course works
# <small>Course map: S2.5</small>
#
# The course follows one set of lecture notes, *가상화기술* (virtualization technology), in three parts:
#
# 1. **Servers (서버)**: what a server is, client and server, web server and WAS, three ways to run servers.
# 2. **Hypervisor virtualization (하이퍼바이저 가상화)**: isolation, resource allocation, host and guest OS, system calls.
# 3. **Container virtualization (컨테이너 가상화)**: namespaces, cgroups, low overhead, fast start, weaker isolation.
#
# There are two ways to build a "computer inside a computer": a **hypervisor**, which runs a whole
# guest operating system with its own kernel, and a **container**, which shares the host's kernel.
# Most notebooks measure one side against the other.
#
# Every notebook has the same shape: **learning objectives** at the top, explanations, the plain interface
# (the Docker SDK, `/proc` files) before any vlab helper, a **prediction** before each headline measurement,
# something you *see happen* (a live measurement, a widget or a figure), **exercises** where you write code (with
# a checker, a hint and a hidden solution), and **key points** at the end. Key terms appear in English with the Korean term beside them; the
# [glossary (용어집)](99_glossary.ipynb) lists them all.
#
# **Live or replay?** vlab drives a real Docker engine through the Docker SDK for Python.
# - **Live mode**: a Docker engine answers, so every number is measured now, on your machine.
# - **Replay mode**: no engine here (Binder, a classroom hub, Docker stopped). Every notebook still runs,
#   on *real* measurements that `vlab record` made on a Linux machine. The banner above says which mode you are in
#   and, in replay mode, why and how to go live. You can force a mode with `VLAB_MODE=live` or `VLAB_MODE=replay`.

# %% [markdown]
# ## Check your machine with the doctor
#
# The **doctor** checks everything the course needs: the Docker engine and your permission to use its
# socket, the course images (built locally, no registry needed), the cgroup version, QEMU and a kernel
# for booting a real virtual machine, and whether hardware virtualization (KVM) really works.
# Each line is ✓ (fine) or ✗ (with the fix). The same check runs in a terminal as `vlab doctor`.
# **KVM** is Linux's hardware virtualization; notebook 08 explains it (the check below skips the slow KVM test).

# %%
from vlab import doctor

report = doctor.run(probe_kvm=False)
report

# %% [markdown]
# The doctor decides the mode for the whole course:

# %% tags=["keep_output", "nbval-check-output"]
print("The doctor's verdict matches the banner:", report.mode == mode.name)

# %% [markdown]
# ## Your first container (컨테이너)
# <small>Course map: S3.5 · S3.9</small>
#
# A container is an ordinary process on your machine that the kernel has put in an **isolated space**.
# vlab starts every container through its **sandbox**, which always applies safety defaults:
# a `vlab` label, a memory limit, a process (pids) limit, all Linux capabilities (root's special powers,
# notebook 10) dropped, no network, no privileged mode, and removal when the cell ends, even if you interrupt it.
#
# ### The plain interface first
# **Predict first.** How long does it take to create a container, run one tiny command in it and remove it again:
# about 1 ms (like starting a process), 100 ms, or 10 s (like booting a computer)? Write a number of milliseconds.

# %%
predicted_ms = None  # ← your prediction in milliseconds, e.g. 1000

# %% [markdown]
# This is the **Docker SDK for Python** (`docker` package) with nothing of vlab around it: connect to the engine,
# run a container of the course's busybox image with a label, a memory and a process limit, no capabilities and no
# network, and remove it when it exits (`remove=True`). In replay mode there is no engine, so it shows a recorded time.

# %%
import time

import docker

if mode.live:
    client = docker.from_env()
    t0 = time.perf_counter()
    out = client.containers.run("vlab/busybox:1", ["sh", "-c", "echo $$; uname -r"], remove=True,
                                labels={"vlab": "1", "vlab.purpose": "glass-box-first"}, mem_limit="32m",
                                pids_limit=16, cap_drop=["ALL"], network_mode="none")
    measured_ms = (time.perf_counter() - t0) * 1000
    print(out.decode(), f"{measured_ms:.0f} ms from create to remove")
else:
    from vlab.labs.first_container import recorded_run_ms

    measured_ms = recorded_run_ms()
    print(f"replay mode: the recorded median is {measured_ms:.0f} ms from create to remove (notebook 07's ladder)")

# %%
from vlab.labs import first_container

print(first_container.compare_start_prediction(predicted_ms, measured_ms))

# %% [markdown]
# vlab does this with more care: its **sandbox** adds a run label (so a crashed notebook's containers are found and
# removed), removes the container even when you press Ctrl-C, refuses unsafe settings, and in replay mode returns a
# real recorded run. Below, a tiny container (a 1 MB image holding only `busybox`) prints three facts about itself.
# In replay mode the facts come from a recorded run.

# %%
facts = first_container.look_inside()
facts

# %% [markdown]
# Two facts matter already:
# - Inside the container, the command you started is **process number 1** (PID 1): the container has its
#   own process list, a first hint of *namespaces (네임스페이스)*.
# - The container reports the **same kernel (커널) release** as the host: a container has **no kernel of its
#   own**. (The kernel is the core of the operating system, the part that drives the hardware; notebook 04
#   explains it.) This is why a container starts fast, and why it cannot run another operating system's kernel:
#   it *can* run another Linux distribution (an Alpine image on a Debian host), because every Linux distribution
#   talks to the same Linux kernel, but not Windows or macOS programs.

# %% tags=["keep_output", "nbval-check-output"]
print("PID of the first process inside the container:", facts.pid_inside)
print("Container kernel is the host kernel:", facts.same_kernel)

# %% [markdown]
# ### The sandbox at work
# The container is already gone. Here is the configuration the engine applied to it (its `HostConfig`):
# all capabilities dropped, not privileged, no network, a memory limit (in bytes: divide by 1,048,576 for MiB)
# and a maximum number of processes.

# %% tags=["keep_output", "nbval-check-output"]
for key, value in facts.safety.items():
    print(f"{key:>12}: {value}")

# %% [markdown]
# ## Exercise 1: the memory limit in MiB
# <small>Course map: S3.5</small>
#
# `facts.safety["Memory"]` is the container's memory limit as the engine stores it, in **bytes**. Compute it in
# **MiB** (mebibytes, 1 MiB = 1024 × 1024 bytes) from that value, not by typing the number.

# %% tags=["exercise"]
memory_mib = ...  # ← computed from facts.safety["Memory"]

# %%
first_container.check_memory_mib(memory_mib, facts)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Divide by 1024 twice: `facts.safety["Memory"] / 1024 / 1024`, or `/ 1024**2`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
memory_mib = facts.safety["Memory"] / 1024**2
first_container.check_memory_mib(memory_mib, facts)

# %% [markdown]
# ## Exercise 2: a safe container with docker-py
# <small>Course map: S3.5</small>
#
# Fill in the keyword arguments for `client.containers.run(...)` so that your container follows the course's
# safety rules: the labels `{"vlab": "1", "vlab.purpose": "my-first-container"}`, a **32 MiB** memory limit, at most
# **16** processes, every capability dropped, **no network**, and removal when it exits. Live, the cell after the
# checker runs it with `uname -r` (once the checker says PASS) and compares the kernel with this machine's.

# %% tags=["exercise"]
run_kwargs = dict(
    labels={"vlab": "1", "vlab.purpose": ...},
    mem_limit=...,
    pids_limit=...,
    cap_drop=...,
    network_mode=...,
    remove=...,
)

# %%
verdict = first_container.check_safe_kwargs(run_kwargs)
verdict

# %% [markdown]
# <details><summary>Hint</summary>
#
# The names are in the plain docker-py cell above: `mem_limit="32m"`, `pids_limit=16`, `cap_drop=["ALL"]`,
# `network_mode="none"`, `remove=True`. Label values are strings.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
run_kwargs = dict(labels={"vlab": "1", "vlab.purpose": "my-first-container"}, mem_limit="32m", pids_limit=16,
                  cap_drop=["ALL"], network_mode="none", remove=True)
verdict = first_container.check_safe_kwargs(run_kwargs)
verdict

# %%
import platform

if verdict and mode.live:
    kernel = client.containers.run("vlab/busybox:1", ["uname", "-r"], **run_kwargs).decode().strip()
    print(f"your container's kernel: {kernel}; this machine's: {platform.release()}; the same: "
          f"{kernel == platform.release()}")
elif verdict:
    print("replay mode: no engine to run it on; the recorded kernel inside was", facts.kernel_inside)

# %% [markdown]
# ## The course, in order
#
# | # | Notebook | What you do |
# |---|---|---|
# | 00 | [Start here](00_start_here.ipynb) | this page: modes, doctor, first container |
# | 01 | [Servers](01_servers.ipynb) | be the client of a real web server and a real application server |
# | 02 | [DevOps and IaC](02_devops_iac.ipynb) | declare two servers as code; plan, apply, destroy |
# | 03 | [Why virtualize](03_why_virtualize.ipynb) | interference, isolation, resource allocation, economics |
# | 04 | [Hypervisors](04_hypervisors.ipynb) | host and guest OS, system calls, the hypervisor as translator |
# | 05 | [Namespaces](05_namespaces.ipynb) | what a container can see, host view against container view |
# | 05b | [A container by hand](05b_container_by_hand.ipynb) | write an OCI `config.json` and run it with `runc`, no engine |
# | 06 | [cgroups](06_cgroups.ipynb) | memory, CPU and process limits, OOM kill, noisy neighbours |
# | 07 | [Start time](07_start_time.ipynb) | how fast a container starts, and where the time goes |
# | 08 | [VM vs container](08_vm_vs_container.ipynb) | boot a real VM and race it against a container |
# | 09 | [Overhead](09_overhead.ipynb) | what a container costs against native |
# | 10 | [Security](10_security.ipynb) | capabilities, seccomp, the Docker socket, the trade-off |
# | 11 | [Review](11_review.ipynb) | a quiz across the whole course |
# | 99 | [Glossary](99_glossary.ipynb) | every key term, English and Korean |
#
# Where each concept of the lecture notes is taught (the ids S1.1 … S3.9 follow the lecture notes' order;
# every section of the course names the ids it teaches):

# %%
from IPython.display import Markdown

from vlab.labs import coverage

Markdown(coverage.compact_markdown(link_prefix=""))

# %% [markdown]
# ## Key points
# - vlab measures virtualization on **your** machine; without Docker it **replays** real recorded runs and says so.
# - `vlab doctor` tells what works and how to fix what does not.
# - Every container vlab starts is **labelled, limited and removed**; `vlab clean` removes anything a crash left.
# - A container's first process is PID 1 in its own namespace, and it runs on the **host's kernel**.
#
# **Next:** [01 · Servers](01_servers.ipynb) · [Glossary · 용어집](99_glossary.ipynb)
