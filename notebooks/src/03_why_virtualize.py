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

# %% [markdown] lang="ko"
# # 03 · 왜 가상화하는가? 간섭, 격리, 리소스 분배, 그리고 비용
#
# 기업이 컴퓨터 한 대에 프로그램 하나만 오래 돌리는 경우는 드뭅니다. 컴퓨터는 비싸고, 대부분은 거의 놀고 있기
# 때문입니다. 그렇다고 모든 프로그램을 하나의 운영체제에 올리면 그 나름의 문제가 생깁니다. 이 노트북에서는
# 왜 **가상화**(virtualization)가 해결책인지, 그리고 가상화로 무엇을 절약할 수 있는지 설명합니다.
#
# **학습 목표**
# - *가상*(virtual)이 무슨 뜻인지, 컴퓨터 안에서 컴퓨터를 실행한다는 것이 무슨 의미인지 말할 수 있습니다.
# - 하나의 OS 위에 있는 프로그램 사이의 **간섭**(interference)을 설명하고, **격리**(isolation)가 이를 어떻게 해결하는지 설명할 수 있습니다.
# - **리소스 분배**(resource allocation), 즉 환경마다 CPU와 메모리의 최대 몫을 정해 주는 것을 설명할 수 있습니다.
# - **서버 통합**(consolidation) 계산기로 베어메탈, 가상 머신, 컨테이너를 컴퓨터 대수, 비용, 랙 공간, 전력 면에서
#   비교할 수 있습니다. 계산에 쓰인 가정은 직접 보고 바꿀 수 있습니다.
# - 두 가지 방식인 **하이퍼바이저 가상화**(hypervisor virtualization)와 **컨테이너 가상화**(container virtualization)를 말할 수 있습니다.

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

# %% [markdown] lang="ko"
# ## 가상: 하나의 컴퓨터 안에 여러 컴퓨터를
# <small>Course map: S2.1</small>
# <small>Figure counterpart: 가상화기술.png</small>
#
# **가상**인 것은 물리적으로 존재하지 않지만 마치 존재하는 것처럼 동작합니다. **가상화**는 이 아이디어를 컴퓨터
# 전체에 적용합니다. 물리적인 컴퓨터 한 대가 여러 대의 *가상* 컴퓨터를 실행하는 것입니다. 각 가상 컴퓨터는
# "자기만의" CPU, 메모리, 디스크, 네트워크 카드를 보고 자기 프로그램을 실행하지만, 그 아래에서는 모두 같은
# 하드웨어를 함께 쓰고 있습니다.

# %%
from vlab.plots import concepts

concepts.virtualization(n_guests=3);

# %% [markdown]
# The machine you are using right now is the "one computer". How much does it have to share out?

# %% [markdown] lang="ko"
# 여러분이 지금 쓰고 있는 컴퓨터가 바로 그 "하나의 컴퓨터"입니다. 이 컴퓨터가 나누어 줄 수 있는 자원은 얼마나 될까요?

# %%
import os

print(course.tr("this machine has {n} CPU cores to share between everything it runs").format(n=os.cpu_count()))

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

# %% [markdown] lang="ko"
# ## 간섭과 격리
# <small>Course map: S2.2 · S2.3</small>
# <small>Figure counterpart: 가상화기술필요이유.png</small>
#
# 웹 서버, 데이터베이스, 야간 배치 작업을 **하나의 운영체제**에 올리면 이들은 CPU 시간, 메모리, 디스크, 네트워크,
# 그리고 OS 자체까지 모든 것을 공유합니다. 배치 작업에서 메모리 누수가 생기거나 CPU를 계속 붙잡고 있으면 웹 서버가
# 느려지고, 배치 작업 때문에 OS가 멈추면 셋 모두 중단됩니다. 이것이 **간섭**이며, 기업이 서로 관련 없는
# 소프트웨어를 하나의 OS에서 운영하지 않으려는 이유입니다.
#
# 해결책은 **격리**, 즉 프로그램마다 자기만의 환경을 주는 것입니다. 가상 환경에서는 **리소스 분배**도 할 수
# 있습니다. 환경마다 CPU와 메모리의 논리적인 *최댓값*을 정해 두는 것입니다. 그러면 메모리가 새는 작업은 자기
# 한도에 부딪혀 거기서 멈추고, 다른 프로그램들은 자기 몫을 그대로 지킵니다. 전체 사용량은 조금 늘어나지만
# (환경마다 자체 오버헤드(overhead)가 있기 때문입니다), 하나의 OS에서 생기던 문제는 사라집니다.

# %%
concepts.why_virtualize();

# %% [markdown]
# You will see interference and its cure happen for real in
# [06 · cgroups](06_cgroups.ipynb): a "noisy neighbour" container slows another one down until a CPU
# limit is set, and a memory hog is stopped at its limit (exit code 137) without touching the host.

# %% [markdown] lang="ko"
# 간섭과 그 해결책이 실제로 일어나는 모습은 [06 · cgroup](06_cgroups.ipynb)에서 보게 됩니다.
# "시끄러운 이웃"(noisy neighbour) 컨테이너는 CPU 제한이 설정되기 전까지 다른 컨테이너를 느리게 만들고,
# 메모리를 독차지하는 프로세스는 호스트에 아무 영향을 주지 않고 자기 한도에서 멈춥니다(종료 코드 137).

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

# %% [markdown] lang="ko"
# ## 서버 통합의 경제성
# <small>Course map: S2.4 · S2.3</small>
# <small>Figure counterpart: 엔터프라이즈서버운영.png</small>
#
# 가상화 없이 격리하려면 **컴퓨터 한 대에 서비스 하나**(베어메탈, bare metal)를 두어야 합니다. 작은 서버가 많아지고,
# 그 대부분은 놀게 됩니다. 가상화를 쓰면 성능 좋은 컴퓨터 몇 대가 모든 서비스를 각각 격리된 환경에 담아 운영합니다.
# 이것이 **서버 통합**입니다. 기업 입장에서는 큰 서버 한 대가 작은 서버 여러 대보다
# **가격, 공간, 설치 인력, 운영, 하드웨어 크기, 케이블링** 면에서 저렴합니다(경제성).
#
# 아래 계산기가 이 계산을 대신해 줍니다. 서비스 수, 그리고 서비스마다 필요한 CPU 코어와 메모리를 슬라이더로
# 바꿔 보세요. 계산기는 다음 세 가지를 비교합니다.
# - **베어메탈**: 작은 서버 한 대에 서비스 하나(큰 서비스는 여러 대를 차지합니다).
# - **가상 머신**(virtual machine): 큰 호스트를 씁니다. 모든 VM은 **게스트 OS**(guest OS, VM 안에서 실행되는
#   운영체제) 전체를 짊어지므로 그만큼 코어와 메모리가 들고, 하이퍼바이저도 호스트마다 코어와 메모리를 일부 예약합니다.
# - **컨테이너**: 같은 큰 호스트를 씁니다. 컨테이너에는 게스트 OS가 없고, 작은 런타임 비용만 듭니다.
#
# 가격, 크기, 소비 전력은 **설명을 위한 어림수일 뿐 실제 견적이 아닙니다**. "가정"(Assumptions) 항목을 열면 모든
# 가정을 볼 수 있습니다. 값은 `calc.with_assumptions(guest_os_mem_gib=2, big_price=30000)`처럼 바꿉니다.

# %%
from vlab.widgets.consolidation import ConsolidationView

calc = ConsolidationView(services=40, cpu=1.0, mem_gib=4.0)
calc

# %% [markdown]
# The same arithmetic as a figure: what the server room holds for 40 services of 1 core and 4 GiB.

# %% [markdown] lang="ko"
# 같은 계산을 그림으로 나타냈습니다. 1 코어와 4 GiB가 필요한 서비스 40개를 위해 서버실에 무엇이 들어가는지 보여 줍니다.

# %%
concepts.enterprise_servers(services=40, cpu=1.0, mem_gib=4.0);

# %% [markdown]
# Where does the guest OS overhead start to matter? A fixed example: 120 services, each needing
# 2 cores and 8 GiB. The numbers come from the same pure function the calculator uses
# (`vlab.labs.consolidation.plan`).

# %% [markdown] lang="ko"
# 게스트 OS의 오버헤드는 언제부터 중요해질까요? 고정된 예를 하나 봅시다. 서비스 120개가 각각 2 코어와 8 GiB를
# 필요로 합니다. 수치는 계산기가 쓰는 것과 같은 순수 함수(`vlab.labs.consolidation.plan`)에서 나옵니다.

# %% tags=["keep_output", "nbval-check-output"]
from vlab.labs.consolidation import plan

example = plan(120, cpu=2.0, mem_gib=8.0)
for row in example.itertuples():
    print(course.tr("{approach:17s} machines: {machines:4d}   cost: {cost:>9,.0f}   rack units: {rack_units}").format(
        approach=course.tr(row.approach), machines=row.machines, cost=row.cost, rack_units=row.rack_units))

# %% [markdown]
# ### Self-check: count the VM hosts yourself
#
# With the default assumptions a big host has 64 cores and 512 GiB; the hypervisor keeps 2 cores and
# 8 GiB, and every VM's guest OS costs 0.25 cores and 1 GiB on top of the service's own needs.
# **How many big hosts do 120 VMs of 2 cores and 8 GiB need?** (No overcommit: count how many VMs fit
# per host by CPU and by memory, take the smaller, then divide.)
#
# Replace `None` with your number and run the cell.

# %% [markdown] lang="ko"
# ### 스스로 점검: VM 호스트 수를 직접 세어 보기
#
# 기본 가정에서 큰 호스트 한 대는 64 코어와 512 GiB를 가집니다. 하이퍼바이저가 2 코어와 8 GiB를 차지하고,
# VM마다 게스트 OS가 서비스 자체에 필요한 양에 더해 0.25 코어와 1 GiB를 씁니다.
# **2 코어와 8 GiB짜리 VM 120개에는 큰 호스트가 몇 대 필요할까요?** (오버커밋(overcommit)은 하지 않습니다.
# 호스트 한 대에 들어가는 VM 수를 CPU 기준과 메모리 기준으로 각각 세고, 둘 중 작은 값을 택한 다음 나누세요.)
#
# `None`을 여러분이 구한 숫자로 바꾸고 셀을 실행하세요.

# %%
from vlab.widgets import quiz

my_answer = None  # ← your number of VM hosts
expected = int(example.set_index("approach").loc["virtual machines", "machines"])
quiz.check(my_answer, expected,
           explanation=course.tr("VMs per host = min(⌊62 / 2.25⌋, ⌊504 / 9⌋) = 27; ⌈120 / 27⌉ = 5."))

# %%
quiz.solution(course.tr("By CPU: (64 − 2) / (2 + 0.25) = 27.6 → 27 VMs per host. "
                        "By memory: (512 − 8) / (8 + 1) = 56. "
                        "The smaller, 27, wins: ⌈120 / 27⌉ = <b>5 hosts</b>. Containers need no guest OS: "
                        "(64 − 1) / 2 = 31 per host → <b>4 hosts</b>. Bare metal needs 120 servers."))

# %% [markdown]
# ## Two approaches: hypervisors and containers
# <small>Course map: S2.5</small>
#
# There are two ways to build these isolated environments (가상화 방식):
# - **hypervisor virtualization (하이퍼바이저 가상화)**: a hypervisor runs whole virtual machines, each
#   with its own guest OS and kernel. Next notebook: [04 · Hypervisors](04_hypervisors.ipynb).
# - **container virtualization (컨테이너 가상화)**: the host's own kernel isolates groups of processes
#   with namespaces and cgroups; there is no guest kernel. From [05 · Namespaces](05_namespaces.ipynb) on.

# %% [markdown] lang="ko"
# ## 두 가지 방식: 하이퍼바이저와 컨테이너
# <small>Course map: S2.5</small>
#
# 이렇게 격리된 환경을 만드는 방법은 두 가지입니다(가상화 방식).
# - **하이퍼바이저 가상화**: 하이퍼바이저(hypervisor)가 가상 머신 전체를 실행하며, 각 가상 머신은 자기만의
#   게스트 OS와 커널(kernel)을 가집니다. 다음 노트북: [04 · 하이퍼바이저](04_hypervisors.ipynb).
# - **컨테이너 가상화**: 호스트 자신의 커널이 네임스페이스(namespace)와 cgroup(컨트롤 그룹)으로 프로세스 그룹을
#   격리합니다. 게스트 커널은 없습니다. [05 · 네임스페이스](05_namespaces.ipynb)부터 다룹니다.

# %%
concepts.stacks_side_by_side(("bare metal", "type-1 hypervisor", "container"));

# %% [markdown]
# A quick check before you move on:

# %% [markdown] lang="ko"
# 다음으로 넘어가기 전에 간단히 확인해 봅시다.

# %%
from vlab.widgets.review import QUESTIONS

quiz.Quiz([q for q in QUESTIONS if {"S2.2", "S2.3"} & set(q.concepts)], title=course.tr("Check yourself · 확인"))

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

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **가상**: 물리적으로 존재하지 않지만 존재하는 것처럼 동작하는 것입니다. 가상화는 하나의 컴퓨터 안에서
#   여러 컴퓨터를 실행합니다.
# - 하나의 OS를 공유하는 프로그램들은 서로 **간섭**합니다. **격리**는 비정상 종료나 자원 독점이 다른 프로그램으로 번지지 않게 막아 줍니다.
# - **리소스 분배**는 각 환경에 최대 몫을 정해 줍니다. 전체 사용량은 조금 늘어나지만, 하나의 OS에서 생기던 문제는 사라집니다.
# - 큰 컴퓨터 몇 대로 **서버 통합**을 하면 가격, 공간, 인력, 전력, 케이블링을 아낄 수 있습니다. VM은 저마다
#   게스트 OS의 비용을 치르지만, 컨테이너는 그렇지 않습니다.
# - 두 가지 방식: **하이퍼바이저** 가상화와 **컨테이너** 가상화.
#
# **다음:** [04 · 하이퍼바이저, 호스트 OS와 게스트 OS, 시스템 콜](04_hypervisors.ipynb) ·
# [용어집](99_glossary.ipynb)
