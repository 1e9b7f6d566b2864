# %% [markdown]
# # 03 · Why virtualize? Interference, isolation, shares and money
#
# A company rarely runs one program per machine for long: machines are expensive, and most of
# them sit idle. But putting every program on one operating system causes its own trouble. This
# notebook explains why **virtualization (가상화)** is the way out, and what it saves.
#
# **Learning objectives**
# - Say what *virtual* (가상) means, and what it means to run computers inside a computer.
# - Explain **interference (간섭)** between programs on one OS, and how **isolation (격리)** fixes it.
# - Explain **resource allocation (리소스 분배)**: a maximum share of CPU and memory per environment.
# - Use the **consolidation (서버 통합)** calculator to compare bare metal, virtual machines and containers in
#   machines, money, rack space and power, under assumptions you can see and change.
# - Name the two approaches: **hypervisor virtualization** and **container virtualization**.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Virtual: computers inside one computer
# <small>Course map: S2.1</small>
# <small>Figure counterpart: 가상화기술.png</small>
#
# Something **virtual (가상)** is not physically there, but it behaves as if it were. **Virtualization
# (가상화)** uses this idea on whole computers: one physical machine runs several *virtual* computers.
# Each one sees "its own" CPU, memory, disk and network card and runs its own programs, although
# all of them share the same hardware underneath.

# %%
from vlab.plots import concepts

concepts.virtualization(n_guests=3);

# %% [markdown]
# The machine you are using right now is the "one computer". How much does it have to share out?

# %%
import os

print(f"this machine has {os.cpu_count()} CPU cores to share between everything it runs")

# %% [markdown]
# ## Interference and isolation
# <small>Course map: S2.2 · S2.3</small>
# <small>Figure counterpart: 가상화기술필요이유.png</small>
#
# Put a web server, a database and a nightly batch job on **one operating system** and they share
# everything: CPU time, memory, disk, the network, and the OS itself. If the batch job leaks memory or
# spins on the CPU, the web server slows down; if it crashes the OS, all three go down. This is
# **interference (간섭)**, and it is why companies avoid running unrelated software on one OS.
#
# The cure is **isolation (격리)**: give each program its own environment. In a virtual environment
# you can also set **resource allocation (리소스 분배)**: a logical *maximum* of CPU and memory for each
# environment. The leaking job then hits its own ceiling and stops there, while the others keep their
# shares. The total usage rises a little (each environment carries some overhead of its own), but the
# one-OS problems go away.

# %%
concepts.why_virtualize();

# %% [markdown]
# You will see interference and its cure happen for real in
# [06 · cgroups](06_cgroups.ipynb): a "noisy neighbour" container slows another one down until a CPU
# limit is set, and a memory hog is stopped at its limit (exit code 137) without touching the host.

# %% [markdown]
# ## The economics of consolidation
# <small>Course map: S2.4 · S2.3</small>
# <small>Figure counterpart: 엔터프라이즈서버운영.png</small>
#
# Isolation without virtualization means **one service per machine** (bare metal, 베어메탈): many small
# servers, most of them idle. With virtualization, a few powerful machines hold all services, each in
# its own isolated environment: this is **consolidation (서버 통합)**. For a company, one big server is cheaper than many small ones in
# **price, floor space, installation staff, operations, hardware size and cabling** (경제성).
#
# The calculator below does the arithmetic. Move the sliders: the number of services, and the CPU
# cores and memory each one needs. It compares:
# - **bare metal**: one service per small server (a big service takes several);
# - **virtual machines**: big hosts; every VM carries a whole **guest OS** (게스트 OS, the operating system
#   inside the VM), which costs cores and memory, and the hypervisor reserves some of each host;
# - **containers**: the same big hosts; a container has no guest OS, only a small runtime cost.
#
# The prices, sizes and power draws are **illustrative round numbers, not quotes**; open "Assumptions"
# to see them all. Change them with `calc.with_assumptions(guest_os_mem_gib=2, big_price=30000)`.

# %%
from vlab.widgets.consolidation import ConsolidationView

calc = ConsolidationView(services=40, cpu=1.0, mem_gib=4.0)
calc

# %% [markdown]
# The same arithmetic as a figure: what the server room holds for 40 services of 1 core and 4 GiB.

# %%
concepts.enterprise_servers(services=40, cpu=1.0, mem_gib=4.0);

# %% [markdown]
# Where does the guest OS overhead start to matter? A fixed example: 120 services, each needing
# 2 cores and 8 GiB. The numbers come from the same pure function the calculator uses
# (`vlab.widgets.consolidation.plan`).

# %% tags=["keep_output", "nbval-check-output"]
from vlab.labs.consolidation import plan

example = plan(120, cpu=2.0, mem_gib=8.0)
for row in example.itertuples():
    print(f"{row.approach:17s} machines: {row.machines:4d}   cost: {row.cost:>9,.0f}   rack units: {row.rack_units}")

# %% [markdown]
# ### Self-check: count the VM hosts yourself
#
# With the default assumptions a big host has 64 cores and 512 GiB; the hypervisor keeps 2 cores and
# 8 GiB, and every VM's guest OS costs 0.25 cores and 1 GiB on top of the service's own needs.
# **How many big hosts do 120 VMs of 2 cores and 8 GiB need?** (No overcommit: count how many VMs fit
# per host by CPU and by memory, take the smaller, then divide.)
#
# Replace `None` with your number and run the cell.

# %%
from vlab.widgets import quiz

my_answer = None  # ← your number of VM hosts
expected = int(example.set_index("approach").loc["virtual machines", "machines"])
quiz.check(my_answer, expected, explanation="VMs per host = min(⌊62 / 2.25⌋, ⌊504 / 9⌋) = 27; ⌈120 / 27⌉ = 5.")

# %%
quiz.solution("By CPU: (64 − 2) / (2 + 0.25) = 27.6 → 27 VMs per host. By memory: (512 − 8) / (8 + 1) = 56. "
              "The smaller, 27, wins: ⌈120 / 27⌉ = <b>5 hosts</b>. Containers need no guest OS: "
              "(64 − 1) / 2 = 31 per host → <b>4 hosts</b>. Bare metal needs 120 servers.")

# %% [markdown]
# ## Two approaches: hypervisors and containers
# <small>Course map: S2.5</small>
#
# There are two ways to build these isolated environments (가상화 방식):
# - **hypervisor virtualization (하이퍼바이저 가상화)**: a hypervisor runs whole virtual machines, each
#   with its own guest OS and kernel. Next notebook: [04 · Hypervisors](04_hypervisors.ipynb).
# - **container virtualization (컨테이너 가상화)**: the host's own kernel isolates groups of processes
#   with namespaces and cgroups; there is no guest kernel. From [05 · Namespaces](05_namespaces.ipynb) on.

# %%
concepts.stacks_side_by_side(("bare metal", "type-1 hypervisor", "container"));

# %% [markdown]
# A quick check before you move on:

# %%
from vlab.widgets.review import QUESTIONS

quiz.Quiz([q for q in QUESTIONS if {"S2.2", "S2.3"} & set(q.concepts)], title="Check yourself · 확인")

# %% [markdown]
# ## Key points
# - **Virtual (가상)**: not physically there but behaves as if it were; virtualization runs computers
#   inside one computer.
# - Programs sharing one OS **interfere (간섭)**; **isolation (격리)** keeps a crash or a hog contained.
# - **Resource allocation (리소스 분배)** gives each environment a maximum share; total usage rises a
#   little, the one-OS problems go away.
# - **Consolidation (서버 통합)** onto a few big machines saves price, space, staff, power and cabling; every VM
#   pays for a guest OS, a container does not.
# - Two approaches: **hypervisor** and **container** virtualization.
#
# **Next:** [04 · Hypervisors, host and guest OS, system calls](04_hypervisors.ipynb) ·
# [Glossary · 용어집](99_glossary.ipynb)
