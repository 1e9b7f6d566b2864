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
from vlab.core.i18n import N_, _
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
            value = f"{self.answer:g}{(' ' + self.unit) if self.unit else ''}{tol}"
            return _("Answer: {answer}. {explanation}").format(answer=value,
                                                               explanation=_(self.explanation)).strip()
        right = next(c for c in self.choices if c.correct)
        return _("Answer: {answer}. {why} {explanation}").format(answer=_(right.text), why=_(right.why),
                                                                 explanation=_(self.explanation)).strip()


C = Choice

QUESTIONS: tuple[Question, ...] = (
    Question(
        N_("A browser asks a web server for <code>index.html</code>. Which one is the <i>client</i> (클라이언트)?"),
        choices=(
            C(N_("the web server"), False, N_("The server (서버) is the one that provides (serves) the result.")),
            C(N_("the browser"), True, N_("The client is whoever makes the request; the server answers it.")),
            C(N_("the network card"), False, N_("The network card carries the request; it neither asks nor answers.")),
        ), concepts=("S1.1", "S1.2"), notebook="01_servers.ipynb"),
    Question(
        N_("Two requests for the same page return the same bytes, but a counter page changes each time. Which kind "
        "of server produced the counter?"),
        choices=(
            C(N_("a web server serving static files"), False, N_("Static pages are the same bytes on every request.")),
            C(N_("a web application server (WAS)"), True,
              N_("A WAS runs a program per request, so results are dynamic.")),
            C(N_("a file server sharing a folder"), False,
              N_("A file server shares files; it does not compute a page.")),
        ), concepts=("S1.3", "S1.4", "S1.5"), notebook="01_servers.ipynb"),
    Question(
        N_("A company buys a machine, installs one OS on it and runs many programs there. Which way of operating "
        "servers (서버 운영법) is this?"),
        choices=(
            C(N_("bare metal (베어메탈)"), True,
              N_("One OS straight on the machine; simple, but inefficient for a company.")),
            C(N_("hypervisor (하이퍼바이저)"), False, N_("A hypervisor would run several guest OSes on the machine.")),
            C(N_("container (컨테이너)"), False, N_("Containers would isolate the programs on the one kernel.")),
        ), concepts=("S1.6",), notebook="01_servers.ipynb"),
    Question(
        N_("You apply the same Infrastructure-as-Code (코드형 인프라) declaration twice in a row. How many changes "
        "should the second apply make?"),
        answer=0,
        explanation=N_("Applying a declaration is idempotent: once reality matches the code, nothing changes."),
        concepts=("S1.7", "S1.8"), notebook="02_devops_iac.ipynb"),
    Question(
        N_("Why should two unrelated programs not share one OS with no isolation (격리)?"),
        choices=(
            C(N_("one program can slow down or crash the other"), True,
              N_("That is interference (간섭), the problem virtualization solves.")),
            C(N_("one OS cannot run two programs at the same time"), False,
              N_("Any modern OS runs many programs at once.")),
            C(N_("sharing one OS is always slower than two OSes"), False,
              N_("Sharing one OS is the fastest option; the problem is interference, not speed.")),
        ), concepts=("S2.1", "S2.2"), notebook="03_why_virtualize.ipynb"),
    Question(
        N_("Give each VM a maximum of CPU and memory: what is this called?"),
        choices=(
            C(N_("resource allocation (리소스 분배)"), True,
              N_("Each virtual environment gets a logical share, a maximum.")),
            C(N_("overcommitting the host's memory"), False,
              N_("Overcommit promises more than exists; allocation sets each maximum.")),
            C(N_("load balancing between the VMs"), False,
              N_("Load balancing spreads requests over servers; it sets no maximum.")),
        ), concepts=("S2.3",), notebook="03_why_virtualize.ipynb"),
    Question(
        N_("40 services each need 1 core and 4 GiB. With the calculator's default assumptions, how many small "
        "bare-metal servers does isolation need (one service per server)?"),
        answer=40,
        explanation=N_("One service per server: 40 servers, while a couple of big hosts hold them all as VMs."),
        concepts=("S2.4",), notebook="03_why_virtualize.ipynb"),
    Question(
        N_("VirtualBox runs on your laptop's OS. Which is the <i>guest OS</i> (게스트 OS)?"),
        choices=(
            C(N_("the OS installed on the laptop itself"), False,
              N_("That is the host OS, installed on the physical machine.")),
            C(N_("the OS inside the virtual machine"), True,
              N_("The guest OS runs inside the VM the hypervisor made.")),
            C(N_("VirtualBox, the program that runs the VM"), False,
              N_("VirtualBox is the hypervisor (a hosted, type-2 one).")),
        ), concepts=("S2.6", "S2.10", "S2.5"), notebook="04_hypervisors.ipynb"),
    Question(
        N_("On Linux x86-64 <code>write()</code> is system call 1; on macOS it is 4. Why can a Linux container not run "
        "a macOS program?"),
        choices=(
            C(N_("its calls are numbered for another kernel"), True,
              N_("Each OS has its own system-call table (시스템 콜). A container only has the host's Linux kernel, "
              "which would read the macOS numbers as other calls.")),
            C(N_("the engine would have to renumber every system call"), False,
              N_("Nothing renumbers system calls: not the engine, and not a hypervisor either. A VM runs macOS's own "
              "kernel, which understands its own numbers.")),
            C(N_("the cgroup memory limit is too small for macOS"), False,
              N_("Memory limits have nothing to do with it: the problem is which kernel answers the calls.")),
        ), concepts=("S2.7", "S2.8", "S3.9"), notebook="04_hypervisors.ipynb"),
    Question(
        N_("An app in a VM under a hosted hypervisor (VirtualBox, or QEMU with KVM) reads a file. Which path is "
           "right?"),
        choices=(
            C(N_("app → host kernel → disk, as in a container"), False,
              N_("That is the container path; a VM's app talks to its own guest kernel.")),
            C(N_("app → guest kernel → hypervisor → host kernel → disk"), True,
              N_("The guest kernel handles the system call; the hypervisor emulates the virtual disk (통역가) and asks "
              "the host kernel for the real I/O. A type-1 hypervisor has no host kernel on this path.")),
            C(N_("app → hypervisor → guest kernel → host kernel → disk"), False,
              N_("The app's system calls never reach the hypervisor: its own guest kernel handles them, and only the "
              "guest kernel's hardware accesses meet the hypervisor.")),
        ), concepts=("S2.9",), notebook="04_hypervisors.ipynb"),
    Question(
        N_("What is LXC?"),
        choices=(
            C(N_("a feature built into the Linux kernel"), False,
              N_("The kernel provides namespaces and cgroups; LXC is a program that uses them.")),
            C(N_("user-space tools over namespaces and cgroups"), True,
              N_("liblxc and the lxc-* tools build containers from the kernel's features alone, as runc does today.")),
            C(N_("a lightweight hypervisor for Linux guests"), False,
              N_("LXC boots no kernel: its containers share the host's, unlike a VM.")),
        ), concepts=("S3.2", "S3.5"), notebook="05_namespaces.ipynb"),
    Question(
        N_("Inside a fresh container, what is the PID of the container's own command?"),
        answer=1, explanation=N_("A PID namespace (네임스페이스) numbers the container's processes from 1."),
        concepts=("S3.3",), notebook="05_namespaces.ipynb"),
    Question(
        N_("A container with a 32 MiB memory limit tries to allocate 64 MiB. Which exit code does it end with?"),
        answer=137, explanation=N_("The cgroup's OOM killer sends SIGKILL: 128 + 9 = 137."),
        concepts=("S3.4",), notebook="06_cgroups.ipynb"),
    Question(
        N_("Why does a container usually start much faster than a VM boots?"),
        choices=(
            C(N_("its image is much smaller than a VM's disk"), False,
              N_("Image size barely matters (notebook 07: a 64 MiB larger image starts as fast).")),
            C(N_("it has no kernel of its own to boot"), True,
              N_("It uses the host kernel, which is already running.")),
            C(N_("its processes skip the CPU scheduler"), False,
              N_("Container processes are scheduled like any other.")),
        ), concepts=("S3.1", "S3.7"), notebook="07_start_time.ipynb"),
    Question(
        N_("A CPU-bound loop runs natively and in a container, pinned to the same core. Roughly what container / "
        "native time ratio do you expect?"),
        answer=1.0, tolerance=0.1, explanation=N_("The container's process runs on the host kernel directly: no layer "
        "in between, so CPU work costs about the same."), concepts=("S3.6",), notebook="09_overhead.ipynb"),
    Question(
        N_("Which statement about security and kernels is right?"),
        choices=(
            C(N_("a container may run a kernel of its own choice"), False,
              N_("A container shares the host's kernel; it can run another Linux distribution, not another kernel.")),
            C(N_("a VM adds a kernel and a hypervisor boundary"), True,
              N_("A kernel bug reachable from a container hits the shared host kernel; a VM adds a boundary.")),
            C(N_("the Docker socket is safe to share with a container"), False,
              N_("Whoever can use the socket can start privileged containers: it equals root on the host.")),
        ), concepts=("S3.8", "S3.9"), notebook="10_security.ipynb"),
)


# ------------------------------------------------------------------ questions from the learner's own data
_PHASE_WHY = {
    "create": N_("the engine writes the container's configuration and prepares a writable layer"),
    "start": N_("runc builds the namespaces and cgroups, mounts the root filesystem and executes the program"),
    "exit": N_("the program runs and the engine notices that it ended"),
    "remove": N_("the engine deletes the writable layer and its records"),
}


def longest_phase_question(start: Results) -> Question:
    """"Which phase took longest on your machine?", answered from the learner's own ``measure_start`` results."""
    s = start.samples
    rows = s[(s["config"] == "baseline") & ~s["warmup"].astype(bool) & s["phase"].isin(HOST_PHASES)]
    if rows.empty:
        raise BadParameter("these start-time results have no baseline trials", "Run measure_start() first.")
    med = rows.groupby("phase")["ms"].median()
    top = str(med.idxmax())
    recorded = start.replayed
    why = (_("{verdict}: its median on your recorded run was {ms} ms (longest: {top}, {top_ms} ms). In {phase}, "
             "{what}.") if recorded else
           _("{verdict}: its median on your machine was {ms} ms (longest: {top}, {top_ms} ms). In {phase}, {what}."))
    choices = tuple(
        C(phase, phase == top,
          why.format(verdict=_("Yes") if phase == top else _("No"), ms=f"{med[phase]:.1f}", top=top,
                     top_ms=f"{med[top]:.1f}", phase=phase, what=_(_PHASE_WHY[phase])))
        for phase in HOST_PHASES if phase in med.index)
    prompt = (_("On your recorded run, which phase of a container's start took longest (median, baseline)?")
              if recorded else
              _("On your machine, which phase of a container's start took longest (median, baseline)?"))
    return Question(prompt,
                    choices=choices, concepts=("S3.7",), notebook="07_start_time.ipynb")


#: Bands for the bridge question: (upper bound in ms, label, why someone might pick it).
_BRIDGE_BANDS = (
    (5.0, N_("less than 5 ms"), N_("Under 5 ms is the cost of a setting in a file; a bridge port is real kernel "
                                   "work.")),
    (50.0, N_("5 to 50 ms"), N_("5 to 50 ms is a few system calls and a little bookkeeping.")),
    (500.0, N_("50 to 500 ms"), N_("50 to 500 ms is the size of creating a veth pair, moving one end into the "
                                   "container's network namespace and attaching the other to the bridge.")),
    (float("inf"), N_("more than 500 ms"), N_("Over 500 ms is the size of booting something, which a container "
                                              "start never does.")),
)


def bridge_question(start: Results) -> Question:
    """"How much did a bridge network add to your median start?", bands around the learner's own figure."""
    s = start.samples
    totals = s[(s["phase"] == "total") & ~s["warmup"].astype(bool)].groupby("config")["ms"].median()
    if not {"baseline", "network:bridge"} <= set(totals.index):
        raise BadParameter("these results have no network:bridge configuration",
                           "Run measure_start() with the network:bridge variant.")
    extra = float(totals["network:bridge"] - totals["baseline"])
    lo = 0.0
    choices = []
    for hi, label, why in _BRIDGE_BANDS:
        right = lo <= max(extra, 0.0) < hi
        choices.append(C(_(label), right, _("{verdict}: yours added {ms} ms. {why}").format(
            verdict=_("Yes") if right else _("No"), ms=f"{extra:.1f}", why=_(why))))
        lo = hi
    prompt = (_("On your recorded run, how much did a bridge network add to the median container start?")
              if start.replayed else _("On your machine, how much did a bridge network add to the median container "
                                       "start?"))
    return Question(prompt,
                    choices=tuple(choices), concepts=("S3.7",), notebook="07_start_time.ipynb")


def writes_question(counts: Results) -> Question:
    """"How many write() calls per byte did the kernel count in the container?", from ``count_syscalls``."""
    row = counts.samples[counts.samples["where"] == "container"]
    if row.empty:
        raise BadParameter("these results have no container row", "Run syscalls.count_syscalls() first.")
    per_byte = round(float(row["syscw"].iloc[0]) / float(row["n"].iloc[0]), 2)
    return Question(
        _("<code>dd bs=1</code> copied {n} single bytes inside a container. How many <code>write()</code> calls "
          "<i>per byte</i> did the host kernel count for it (two decimals)?").format(n=int(row["n"].iloc[0])),
        answer=per_byte, tolerance=0.05,
        explanation=_("Your kernel counted {per_byte} per byte: one write per byte, in the host's own counters "
                      "(/proc/<pid>/io). The container has no kernel of its own to count them.").format(
                          per_byte=f"{per_byte:g}"),
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
