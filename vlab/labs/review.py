"""The course review quiz (notebook 11): the questions, and questions computed from the learner's own data.

Presentation lives in :mod:`vlab.widgets.quiz`; here are the data (``Choice``, ``Question``), the fixed
questions (``QUESTIONS``), each tagged with the course-map ids it really asks about, and
``data_questions(...)``: questions whose right answer comes from the learner's own measurements
(live, or the shipped recordings in replay mode). Every wrong option is a misconception a learner
really has, and every option says why it is right or wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlab.core.errors import BadParameter
from vlab.core.lifecycle import HOST_PHASES
from vlab.core.results import Results

__all__ = ["C", "QUESTIONS", "Choice", "Question", "bridge_question", "data_questions", "longest_correct_share",
           "longest_phase_question", "writes_question"]


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice question, with why it is right or wrong."""

    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question (``choices``) or a numeric one (``answer`` ± ``tolerance``)."""

    prompt: str
    choices: tuple[Choice, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    unit: str = ""
    explanation: str = ""
    concepts: tuple[str, ...] = ()
    notebook: str = ""

    def __post_init__(self) -> None:
        if bool(self.choices) == (self.answer is not None):
            raise BadParameter(f"question {self.prompt[:40]!r} needs either choices or a numeric answer")
        if self.choices and sum(c.correct for c in self.choices) != 1:
            raise BadParameter(f"question {self.prompt[:40]!r} needs exactly one correct choice")
        if self.choices and not all(c.why for c in self.choices):
            raise BadParameter(f"question {self.prompt[:40]!r}: every choice needs an explanation")
        if self.tolerance < 0:
            raise BadParameter("tolerance must be >= 0")

    @property
    def numeric(self) -> bool:
        return self.answer is not None

    def solution(self) -> str:
        """The right answer with its explanation."""
        if self.numeric:
            tol = f" (± {self.tolerance:g})" if self.tolerance else ""
            return f"Answer: {self.answer:g}{(' ' + self.unit) if self.unit else ''}{tol}. {self.explanation}".strip()
        right = next(c for c in self.choices if c.correct)
        return f"Answer: {right.text}. {right.why} {self.explanation}".strip()


C = Choice

QUESTIONS: tuple[Question, ...] = (
    Question(
        "A browser asks a web server for <code>index.html</code>. Which one is the <i>client</i> (클라이언트)?",
        choices=(
            C("the web server", False, "The server (서버) is the one that provides (serves) the result."),
            C("the browser", True, "The client is whoever makes the request; the server answers it."),
            C("the network card", False, "The network card carries the request; it neither asks nor answers."),
        ), concepts=("S1.1", "S1.2"), notebook="01_servers.ipynb"),
    Question(
        "Two requests for the same page return the same bytes, but a counter page changes each time. Which kind "
        "of server produced the counter?",
        choices=(
            C("a web server serving static files", False, "Static pages are the same bytes on every request."),
            C("a web application server (WAS)", True, "A WAS runs a program per request, so results are dynamic."),
            C("a file server sharing a folder", False, "A file server shares files; it does not compute a page."),
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
            C("one program can slow down or crash the other", True,
              "That is interference (간섭), the problem virtualization solves."),
            C("one OS cannot run two programs at the same time", False, "Any modern OS runs many programs at once."),
            C("sharing one OS is always slower than two OSes", False,
              "Sharing one OS is the fastest option; the problem is interference, not speed."),
        ), concepts=("S2.1", "S2.2"), notebook="03_why_virtualize.ipynb"),
    Question(
        "Give each VM a maximum of CPU and memory: what is this called?",
        choices=(
            C("resource allocation (리소스 분배)", True, "Each virtual environment gets a logical share, a maximum."),
            C("overcommitting the host's memory", False,
              "Overcommit promises more than exists; allocation sets each maximum."),
            C("load balancing between the VMs", False,
              "Load balancing spreads requests over servers; it sets no maximum."),
        ), concepts=("S2.3",), notebook="03_why_virtualize.ipynb"),
    Question(
        "40 services each need 1 core and 4 GiB. With the calculator's default assumptions, how many small "
        "bare-metal servers does isolation need (one service per server)?",
        answer=40, explanation="One service per server: 40 servers, while a couple of big hosts hold them all as VMs.",
        concepts=("S2.4",), notebook="03_why_virtualize.ipynb"),
    Question(
        "VirtualBox runs on your laptop's OS. Which is the <i>guest OS</i> (게스트 OS)?",
        choices=(
            C("the OS installed on the laptop itself", False,
              "That is the host OS, installed on the physical machine."),
            C("the OS inside the virtual machine", True, "The guest OS runs inside the VM the hypervisor made."),
            C("VirtualBox, the program that runs the VM", False,
              "VirtualBox is the hypervisor (a hosted, type-2 one)."),
        ), concepts=("S2.6", "S2.10", "S2.5"), notebook="04_hypervisors.ipynb"),
    Question(
        "On Linux x86-64 <code>write()</code> is system call 1; on macOS it is 4. Why can a Linux container not run "
        "a macOS program?",
        choices=(
            C("its calls are numbered for another kernel", True,
              "Each OS has its own system-call table (시스템 콜). A container only has the host's Linux kernel, "
              "which would read the macOS numbers as other calls."),
            C("the engine would have to renumber every system call", False,
              "Nothing renumbers system calls: not the engine, and not a hypervisor either. A VM runs macOS's own "
              "kernel, which understands its own numbers."),
            C("the cgroup memory limit is too small for macOS", False,
              "Memory limits have nothing to do with it: the problem is which kernel answers the calls."),
        ), concepts=("S2.7", "S2.8", "S3.9"), notebook="04_hypervisors.ipynb"),
    Question(
        "An app in a VM under a hosted hypervisor (VirtualBox, or QEMU with KVM) reads a file. Which path is right?",
        choices=(
            C("app → host kernel → disk, as in a container", False,
              "That is the container path; a VM's app talks to its own guest kernel."),
            C("app → guest kernel → hypervisor → host kernel → disk", True,
              "The guest kernel handles the system call; the hypervisor emulates the virtual disk (통역가) and asks "
              "the host kernel for the real I/O. A type-1 hypervisor has no host kernel on this path."),
            C("app → hypervisor → guest kernel → host kernel → disk", False,
              "The app's system calls never reach the hypervisor: its own guest kernel handles them, and only the "
              "guest kernel's hardware accesses meet the hypervisor."),
        ), concepts=("S2.9",), notebook="04_hypervisors.ipynb"),
    Question(
        "What is LXC?",
        choices=(
            C("a feature built into the Linux kernel", False,
              "The kernel provides namespaces and cgroups; LXC is a program that uses them."),
            C("user-space tools over namespaces and cgroups", True,
              "liblxc and the lxc-* tools build containers from the kernel's features alone, as runc does today."),
            C("a lightweight hypervisor for Linux guests", False,
              "LXC boots no kernel: its containers share the host's, unlike a VM."),
        ), concepts=("S3.2", "S3.5"), notebook="05_namespaces.ipynb"),
    Question(
        "Inside a fresh container, what is the PID of the container's own command?",
        answer=1, explanation="A PID namespace (네임스페이스) numbers the container's processes from 1.",
        concepts=("S3.3",), notebook="05_namespaces.ipynb"),
    Question(
        "A container with a 32 MiB memory limit tries to allocate 64 MiB. Which exit code does it end with?",
        answer=137, explanation="The cgroup's OOM killer sends SIGKILL: 128 + 9 = 137.",
        concepts=("S3.4",), notebook="06_cgroups.ipynb"),
    Question(
        "Why does a container usually start much faster than a VM boots?",
        choices=(
            C("its image is much smaller than a VM's disk", False,
              "Image size barely matters (notebook 07: a 64 MiB larger image starts as fast)."),
            C("it has no kernel of its own to boot", True, "It uses the host kernel, which is already running."),
            C("its processes skip the CPU scheduler", False, "Container processes are scheduled like any other."),
        ), concepts=("S3.1", "S3.7"), notebook="07_start_time.ipynb"),
    Question(
        "A CPU-bound loop runs natively and in a container, pinned to the same core. Roughly what container / "
        "native time ratio do you expect?",
        answer=1.0, tolerance=0.1, explanation="The container's process runs on the host kernel directly: no layer "
        "in between, so CPU work costs about the same.", concepts=("S3.6",), notebook="09_overhead.ipynb"),
    Question(
        "Which statement about security and kernels is right?",
        choices=(
            C("a container may run a kernel of its own choice", False,
              "A container shares the host's kernel; it can run another Linux distribution, not another kernel."),
            C("a VM adds a kernel and a hypervisor boundary", True,
              "A kernel bug reachable from a container hits the shared host kernel; a VM adds a boundary."),
            C("the Docker socket is safe to share with a container", False,
              "Whoever can use the socket can start privileged containers: it equals root on the host."),
        ), concepts=("S3.8", "S3.9"), notebook="10_security.ipynb"),
)


# ------------------------------------------------------------------ questions from the learner's own data
_PHASE_WHY = {
    "create": "the engine writes the container's configuration and prepares a writable layer",
    "start": "runc builds the namespaces and cgroups, mounts the root filesystem and executes the program",
    "exit": "the program runs and the engine notices that it ended",
    "remove": "the engine deletes the writable layer and its records",
}


def longest_phase_question(start: Results) -> Question:
    """"Which phase took longest on your machine?", answered from the learner's own ``measure_start`` results."""
    s = start.samples
    rows = s[(s["config"] == "baseline") & ~s["warmup"].astype(bool) & s["phase"].isin(HOST_PHASES)]
    if rows.empty:
        raise BadParameter("these start-time results have no baseline trials", "Run measure_start() first.")
    med = rows.groupby("phase")["ms"].median()
    top = str(med.idxmax())
    where = "recorded run" if start.replayed else "machine"
    choices = tuple(
        C(phase, phase == top,
          f"{'Yes' if phase == top else 'No'}: its median on your {where} was {med[phase]:.1f} ms "
          f"(longest: {top}, {med[top]:.1f} ms). In {phase}, {_PHASE_WHY[phase]}.")
        for phase in HOST_PHASES if phase in med.index)
    return Question(f"On your {where}, which phase of a container's start took longest (median, baseline)?",
                    choices=choices, concepts=("S3.7",), notebook="07_start_time.ipynb")


#: Bands for the bridge question: (upper bound in ms, label, why someone might pick it).
_BRIDGE_BANDS = (
    (5.0, "less than 5 ms", "Under 5 ms is the cost of a setting in a file; a bridge port is real kernel work."),
    (50.0, "5 to 50 ms", "5 to 50 ms is a few system calls and a little bookkeeping."),
    (500.0, "50 to 500 ms", "50 to 500 ms is the size of creating a veth pair, moving one end into the "
                            "container's network namespace and attaching the other to the bridge."),
    (float("inf"), "more than 500 ms", "Over 500 ms is the size of booting something, which a container start "
                                       "never does."),
)


def bridge_question(start: Results) -> Question:
    """"How much did a bridge network add to your median start?", bands around the learner's own figure."""
    s = start.samples
    totals = s[(s["phase"] == "total") & ~s["warmup"].astype(bool)].groupby("config")["ms"].median()
    if not {"baseline", "network:bridge"} <= set(totals.index):
        raise BadParameter("these results have no network:bridge configuration",
                           "Run measure_start() with the network:bridge variant.")
    extra = float(totals["network:bridge"] - totals["baseline"])
    where = "recorded run" if start.replayed else "machine"
    lo = 0.0
    choices = []
    for hi, label, why in _BRIDGE_BANDS:
        right = lo <= max(extra, 0.0) < hi
        choices.append(C(label, right, f"{'Yes' if right else 'No'}: yours added {extra:.1f} ms. {why}"))
        lo = hi
    return Question(f"On your {where}, how much did a bridge network add to the median container start?",
                    choices=tuple(choices), concepts=("S3.7",), notebook="07_start_time.ipynb")


def writes_question(counts: Results) -> Question:
    """"How many write() calls per byte did the kernel count in the container?", from ``count_syscalls``."""
    row = counts.samples[counts.samples["where"] == "container"]
    if row.empty:
        raise BadParameter("these results have no container row", "Run syscalls.count_syscalls() first.")
    per_byte = round(float(row["syscw"].iloc[0]) / float(row["n"].iloc[0]), 2)
    return Question(
        f"<code>dd bs=1</code> copied {int(row['n'].iloc[0])} single bytes inside a container. How many "
        "<code>write()</code> calls <i>per byte</i> did the host kernel count for it (two decimals)?",
        answer=per_byte, tolerance=0.05,
        explanation=f"Your kernel counted {per_byte:g} per byte: one write per byte, in the host's own counters "
                    "(/proc/<pid>/io). The container has no kernel of its own to count them.",
        concepts=("S2.7", "S3.6"), notebook="09_overhead.ipynb")


def data_questions(start: Results | None = None, counts: Results | None = None) -> tuple[Question, ...]:
    """The questions computed from the learner's data (each result optional)."""
    out: list[Question] = []
    if start is not None:
        out.append(longest_phase_question(start))
        if "network:bridge" in set(start.samples["config"]):
            out.append(bridge_question(start))
    if counts is not None:
        out.append(writes_question(counts))
    return tuple(out)


def longest_correct_share(questions) -> float:
    """Share of multiple-choice questions whose correct option is strictly the longest (a give-away if high)."""
    mc = [q for q in questions if q.choices]
    if not mc:
        return 0.0
    hits = 0
    for q in mc:
        right = next(c for c in q.choices if c.correct)
        if all(len(right.text) > len(c.text) for c in q.choices if not c.correct):
            hits += 1
    return hits / len(mc)
