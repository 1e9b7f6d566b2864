"""The course review quiz (11_review): one or more questions per part, each tagged with course-map ids."""

from __future__ import annotations

from vlab.widgets.quiz import Choice, Question

C = Choice

QUESTIONS: tuple[Question, ...] = (
    Question(
        "A browser asks a web server for <code>index.html</code>. Which one is the <i>client</i> (클라이언트)?",
        choices=(
            C("the web server", False, "The server (서버) is the one that provides (serves) the result."),
            C("the browser", True, "The client is whoever makes the request; the server answers it."),
            C("the network cable", False, "The cable carries the request; it neither asks nor answers."),
        ), concepts=("S1.1", "S1.2"), notebook="01_servers.ipynb"),
    Question(
        "Two requests for the same page return the same bytes, but a counter page changes each time. Which kind "
        "of server produced the counter?",
        choices=(
            C("a web server serving static files", False, "Static pages are the same bytes on every request."),
            C("a web application server (WAS)", True, "A WAS runs a program per request, so results are dynamic."),
            C("a file server", False, "A file server shares files; it does not compute a page per request."),
        ), concepts=("S1.3", "S1.4", "S1.5"), notebook="01_servers.ipynb"),
    Question(
        "A company buys a machine, installs one OS on it and runs many programs there. Which way of operating "
        "servers (서버 운영법) is this?",
        choices=(
            C("bare metal (베어메탈)", True, "One OS straight on the machine; simple, but inefficient for a company."),
            C("hypervisor (하이퍼바이저)", False, "A hypervisor would run several guest OSes on the machine."),
            C("container (컨테이너)", False, "Containers would isolate the programs on the one kernel."),
        ), concepts=("S1.6",), notebook="01_servers.ipynb"),
    Question(
        "You apply the same Infrastructure-as-Code (코드형 인프라) declaration twice in a row. How many changes "
        "should the second apply make?",
        answer=0, explanation="Applying a declaration is idempotent: once reality matches the code, nothing changes.",
        concepts=("S1.7", "S1.8"), notebook="02_devops_iac.ipynb"),
    Question(
        "Why should two unrelated programs not share one OS with no isolation (격리)?",
        choices=(
            C("because one program's crash or resource hogging can hurt the other (interference, 간섭)", True,
              "That is the interference problem virtualization solves."),
            C("because one OS cannot run two programs", False, "Any modern OS runs many programs at once."),
            C("because it is always slower", False,
              "Sharing one OS is the fastest option; the problem is interference."),
        ), concepts=("S2.1", "S2.2"), notebook="03_why_virtualize.ipynb"),
    Question(
        "Give each VM a maximum of CPU and memory: what is this called?",
        choices=(
            C("resource allocation (리소스 분배)", True, "Each virtual environment gets a logical share, a maximum."),
            C("overcommit", False, "Overcommit promises more than exists; allocation sets each guest's maximum."),
            C("bare metal", False, "Bare metal means no virtualization layer at all."),
        ), concepts=("S2.3",), notebook="03_why_virtualize.ipynb"),
    Question(
        "40 services each need 1 core and 4 GiB. With the calculator's default assumptions, how many small "
        "bare-metal servers does isolation need (one service per server)?",
        answer=40, explanation="One service per server: 40 servers, while a couple of big hosts hold them all as VMs.",
        concepts=("S2.4",), notebook="03_why_virtualize.ipynb"),
    Question(
        "VirtualBox runs on your laptop's OS. Which is the <i>guest OS</i> (게스트 OS)?",
        choices=(
            C("the laptop's OS", False, "That is the host OS, installed on the physical machine."),
            C("the OS installed inside the virtual machine", True,
              "The guest OS runs inside the VM the hypervisor made."),
            C("VirtualBox itself", False, "VirtualBox is the hypervisor (a type-2 one)."),
        ), concepts=("S2.6", "S2.10", "S2.5"), notebook="04_hypervisors.ipynb"),
    Question(
        "On Linux x86-64, system call number 1 is write(). On macOS, write() is number 4. What does this show?",
        choices=(
            C("different OSes define different system calls (시스템 콜)", True,
              "Each kernel defines its own system-call table, so a guest kernel's requests need translating."),
            C("macOS is slower", False, "A number says nothing about speed."),
            C("nothing: the numbers are random", False, "They are fixed by each kernel's published table."),
        ), concepts=("S2.7", "S2.8"), notebook="04_hypervisors.ipynb"),
    Question(
        "An app in a VM reads a file. Which path is right?",
        choices=(
            C("app → host kernel → disk", False, "That is the container path: no guest kernel in between."),
            C("app → guest kernel → hypervisor → host kernel → disk", True,
              "The hypervisor interprets (통역가) between the guest's virtual disk and the host kernel."),
            C("app → hypervisor → disk", False, "The app never talks to the hypervisor directly; its kernel does."),
        ), concepts=("S2.9",), notebook="04_hypervisors.ipynb"),
    Question(
        "Inside a fresh container, what is the PID of the container's own command?",
        answer=1, explanation="A PID namespace (네임스페이스) numbers the container's processes from 1.",
        concepts=("S3.2", "S3.3", "S3.5"), notebook="05_namespaces.ipynb"),
    Question(
        "A container with a 32 MiB memory limit tries to allocate 64 MiB. Which exit code does it end with?",
        answer=137, explanation="The cgroup's OOM killer sends SIGKILL: 128 + 9 = 137.",
        concepts=("S3.4",), notebook="06_cgroups.ipynb"),
    Question(
        "Why does a container usually start much faster than a VM boots?",
        choices=(
            C("it has no kernel of its own to boot", True, "It uses the already-running host kernel."),
            C("its image is compressed", False, "Compression does not remove a kernel boot."),
            C("containers skip the CPU", False, "Container processes run on the CPU like any other process."),
        ), concepts=("S3.1", "S3.7"), notebook="07_start_time.ipynb"),
    Question(
        "A CPU-bound loop runs natively and in a container, pinned to the same core. Roughly what container / "
        "native time ratio do you expect?",
        answer=1.0, tolerance=0.1, explanation="The container's process runs on the host kernel directly: no layer "
        "in between, so CPU work costs about the same.", concepts=("S3.6",), notebook="09_overhead.ipynb"),
    Question(
        "Which statement about security and kernels is right?",
        choices=(
            C("Containers can run a different OS kernel than the host", False,
              "A container shares the host's kernel, so it cannot run a different OS."),
            C("VMs isolate more strongly, because each has its own kernel behind a hypervisor", True,
              "A kernel bug reachable from a container affects the shared host kernel; a VM adds a boundary."),
            C("Access to the Docker socket is harmless", False,
              "It lets you start privileged containers: it equals root."),
        ), concepts=("S3.8", "S3.9"), notebook="10_security.ipynb"),
)
