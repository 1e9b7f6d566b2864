"""The stacks of notebook 04, layer by layer: bare metal, type-1 and type-2 hypervisor, container.

This is the model behind the stack explorer widget and the stack diagrams.

``STACKS`` holds each stack bottom-up as rows of layer keys (side-by-side cells are separate
guests or containers); ``LAYERS`` explains every layer in English and Korean.
``kernels(stack)`` counts the kernels an app's request meets on its way to the hardware.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlab.core.errors import BadParameter
from vlab.core.exercise import Feedback, checker, not_yet, passed, wrong
from vlab.core.i18n import N_, _, language

__all__ = [
    "LAYERS", "Layer", "NOTES", "STACKS", "check_extra_calls", "check_io_reader", "compare_syscall_prediction",
    "explain", "kernels", "stack"
]


@dataclass(frozen=True)
class Layer:
    name: str
    korean: str
    what: str  # English explanation
    what_ko: str  # Korean explanation
    colour: str
    is_kernel: bool = False


LAYERS: dict[str, Layer] = {
    "hardware": Layer(
        "hardware", "하드웨어",
        "The physical machine: CPU cores, memory, disks and network cards. Only a kernel may drive it directly.",
        "물리 서버: CPU, 메모리, 디스크, 네트워크 카드. 하드웨어를 직접 다루는 것은 커널뿐이다.", "#999999"),
    "host_kernel": Layer(
        "host kernel (host OS)", "호스트 커널 (호스트 OS)",
        "The kernel of the OS installed on the physical machine (the host OS). It schedules processes, hands out "
        "memory and drives devices; programs reach it only through system calls.",
        "물리 서버에 설치된 OS(호스트 OS)의 커널. 프로세스 스케줄링, 메모리 분배, 장치 제어를 맡고, 프로그램은 "
        "시스템 콜로만 커널에 요청한다.", "#0072B2", True),
    "hypervisor1": Layer(
        "type-1 hypervisor", "타입 1 하이퍼바이저 (베어메탈형)",
        "A hypervisor that runs directly on the hardware, with no host OS under it (VMware ESXi, Xen, Hyper-V). "
        "It creates, runs and stops virtual machines and gives each the CPU and memory you assign.",
        "호스트 OS 없이 하드웨어 위에서 바로 실행되는 하이퍼바이저(VMware ESXi, Xen, Hyper-V). 가상 머신을 만들고 "
        "실행하고 종료하며, 지정한 만큼의 CPU와 메모리를 나눠 준다.", "#E69F00", True),
    "hypervisor2": Layer(
        "type-2 hypervisor", "타입 2 하이퍼바이저 (호스트형)",
        "A hypervisor installed as a program on a host OS (VirtualBox, VMware Workstation, QEMU). It gives the guest "
        "virtual hardware and turns the guest's hardware access (disk, network) into the host's system calls: the "
        "interpreter (통역가) is about hardware. The guest apps' own system calls stay in the guest kernel.",
        "호스트 OS 위에 프로그램으로 설치되는 하이퍼바이저(VirtualBox, VMware Workstation, QEMU). 게스트에 가상 "
        "하드웨어를 주고, 게스트의 하드웨어 접근(디스크, 네트워크)을 호스트의 시스템 콜로 바꾼다(통역가: 하드웨어 "
        "접근의 통역). 게스트 앱의 시스템 콜은 게스트 커널이 처리한다.", "#E69F00"),
    "guest_kernel": Layer(
        "guest kernel (guest OS)", "게스트 커널 (게스트 OS)",
        "Each virtual machine boots a whole OS of its own, the guest OS, with its own kernel. That kernel can be a "
        "different OS from the host (Windows on Linux), and booting it is why VMs start slowly.",
        "가상 머신마다 자기 OS(게스트 OS)와 커널을 부팅한다. 호스트와 다른 OS도 가능하지만, 커널 부팅 때문에 "
        "시작이 느리다.", "#CC79A7", True),
    "host_kernel_ct": Layer(
        "host kernel: namespaces + cgroups", "호스트 커널: 네임스페이스 + cgroups",
        "The host's one kernel, with the two kernel features that make containers: namespaces (what a process can "
        "see) and cgroups (how much it can use). Every container's system calls come straight here.",
        "호스트의 유일한 커널. 컨테이너를 만드는 두 커널 기능, 네임스페이스(보이는 범위)와 cgroups(사용량 제한)를 "
        "가진다. 모든 컨테이너의 시스템 콜이 곧바로 여기로 온다.", "#0072B2", True),
    "engine": Layer(
        "container engine", "컨테이너 엔진",
        "A program on the host beside the containers (Docker's dockerd, containerd, runc). When a container starts "
        "it asks the kernel for namespaces and cgroups, then steps aside: the containers' system calls never pass "
        "through it.",
        "컨테이너 옆에서 실행되는 호스트 프로그램(Docker의 dockerd, containerd, runc). 컨테이너를 시작할 때 커널에 "
        "네임스페이스와 cgroups를 요청하고 물러난다. 컨테이너의 시스템 콜은 엔진을 거치지 않는다.", "#009E73"),
    "app": Layer(
        "apps", "애플리케이션",
        "The programs that do the work: a web server, a WAS, a database. They need CPU and memory, which they "
        "get only by asking a kernel through system calls (시스템 콜).",
        "실제 일을 하는 프로그램: 웹 서버, WAS, DBMS. CPU와 메모리가 필요하며, 커널에 시스템 콜로 요청해야만 "
        "얻을 수 있다.", "#56B4E9"),
    "container": Layer(
        "container (apps)", "컨테이너 (애플리케이션)",
        "Ordinary host processes in their own namespaces and cgroups. They have no kernel of their own: their "
        "system calls go straight to the host kernel, so they start fast and add little overhead.",
        "자기 네임스페이스와 cgroups 안의 평범한 호스트 프로세스. 커널이 없어서 시스템 콜이 곧바로 호스트 커널로 "
        "가므로 빨리 시작하고 오버헤드가 작다.", "#56B4E9"),
}

# Bottom-up rows; a row with several keys shows side-by-side guests or containers.
STACKS: dict[str, list[list[str]]] = {
    "bare metal": [["hardware"], ["host_kernel"], ["app", "app", "app"]],
    "type-1 hypervisor": [["hardware"], ["hypervisor1"], ["guest_kernel", "guest_kernel"], ["app", "app"]],
    "type-2 hypervisor": [["hardware"], ["host_kernel"], ["hypervisor2"], ["guest_kernel", "guest_kernel"],
                          ["app", "app"]],
    # the engine sits beside the containers, not between them and the kernel
    "container": [["hardware"], ["host_kernel_ct"], ["container", "container", "engine"]],
}

NOTES: dict[str, str] = {
    "bare metal": N_("One OS, many programs: cheap and fast, but one program's crash or hunger hits the others "
                  "(interference, 간섭). Isolation means one server per service."),
    "type-1 hypervisor": N_("The hypervisor is the lowest software: each VM brings its own guest kernel. Strong "
                         "isolation, one kernel per VM to boot and feed."),
    "type-2 hypervisor": N_("The hypervisor is a program on a host OS (VirtualBox on your laptop). Two kernels on "
                         "the way down: the guest's and the host's."),
    "container": N_("No guest kernel: containers are isolated processes on the one host kernel, whose namespaces "
                 "and cgroups isolate them; the engine only sets them up. Light and fast, but they must use the "
                 "host's kernel (another Linux distribution works; a Windows program on a Linux kernel does not)."),
}


def stack(name: str) -> list[list[str]]:
    """The layers of a stack, bottom-up."""
    if not isinstance(name, str) or name not in STACKS:
        raise BadParameter(_("unknown stack {name!r}").format(name=name),
                           _("Choose one of: {names}.").format(names=", ".join(STACKS)))
    return STACKS[name]


def explain(layer: str, korean: bool | None = None) -> str:
    """One-paragraph explanation of a layer, in English or Korean (``None``: the learner's language)."""
    if not isinstance(layer, str) or layer not in LAYERS:
        raise BadParameter(_("unknown layer {layer!r}").format(layer=layer),
                           _("Choose one of: {names}.").format(names=", ".join(LAYERS)))
    lay = LAYERS[layer]
    if korean is None:
        korean = language() == "ko"
    return lay.what_ko if korean else lay.what


def kernels(name: str) -> int:
    """How many kernels an app's request meets on its way to the hardware in this stack."""
    return sum(1 for row in stack(name) if LAYERS[row[0]].is_kernel)


# ------------------------------------------------------------------ notebook 04: prediction and exercises
def _row(counts, where: str):
    s = counts.summary
    return s[s["where"] == where].iloc[0]


def compare_syscall_prediction(predicted: object, counts) -> str:
    """Set the learner's predicted write() count for the container's ``dd`` against what the kernel counted."""
    row = _row(counts, "container")
    n, writes = int(row["n"]), int(row["syscw"])
    fact = _("The kernel counted {writes} write() calls for the container's dd copying {n} bytes one at a time: "
             "one per byte plus {extra} for starting and finishing. A container adds no system calls of its own: "
             "they go straight to the host kernel, which counts them like any process's.").format(
        writes=writes, n=n, extra=writes - n)
    if not isinstance(predicted, int | float) or isinstance(predicted, bool):
        return _("No prediction recorded. {context}").format(context=fact)
    if abs(predicted - writes) <= max(10, 0.01 * writes):
        return _("You predicted {n:g}: right. {fact}").format(n=predicted, fact=fact)
    if predicted > writes:
        return _("You predicted {n:g}: more than measured, as if the container added calls. {fact}").format(
            n=predicted, fact=fact)
    return _("You predicted {n:g}: fewer than measured. {fact}").format(n=predicted, fact=fact)


@checker
def check_extra_calls(extra: object, counts) -> Feedback:
    """Exercise 1: ``{where: syscr + syscw - 2 * n}``, the calls beyond one read and one write per byte."""
    s = counts.summary
    want = {str(r.where): int(r.syscr + r.syscw - 2 * r.n) for r in s.itertuples()}
    if not isinstance(extra, dict):
        return wrong(_("extra is a {type}, not a dict").format(type=type(extra).__name__),
                     _("Build {\"native\": ..., \"container\": ...}."))
    missing = sorted(set(want) - {str(k) for k in extra})
    if missing:
        return wrong(_("no entry for {missing}").format(missing=missing),
                     _("The where column holds: {join}.").format(join=', '.join(want)))
    bad = {k: extra[k] for k in want if extra[k] != want[k]}
    if bad:
        k = next(iter(bad))
        got = bad[k]
        hint = "Subtract 2 * n: one read() and one write() per byte." if got == want[k] + 2 * int(
            _row(counts, k)["n"]) else "Use the syscr, syscw and n columns of the row."
        return wrong(_("{k}: {got!r} is not syscr + syscw - 2·n for that row").format(k=k, got=got), hint)
    same = len(set(want.values())) == 1
    return passed(_("extra calls {want}: {value} on the host and in the container; the container's "
                    "process makes the same calls to the same kernel.").format(
                      want=want, value='the same' if same else 'almost the same'))


@checker
def check_io_reader(syscw_of: object) -> Feedback:
    """Exercise 2: ``syscw_of(pid)`` reads the ``syscw`` counter from ``/proc/<pid>/io`` as an int."""
    import os
    from pathlib import Path

    if not callable(syscw_of):
        return wrong(_("syscw_of should be a function"), _("Define it with def syscw_of(pid): ..."))

    def real() -> int:
        line = next(ln for ln in Path("/proc/self/io").read_text().splitlines() if ln.startswith("syscw:"))
        return int(line.split(":")[1])

    before = real()
    got = syscw_of("self")
    after = real()
    if got is Ellipsis:
        return not_yet()
    if not isinstance(got, int) or isinstance(got, bool):
        return wrong(_("syscw_of('self') returned {got!r} ({type}), not an int").format(
                         got=got, type=type(got).__name__),
                     _("Split the line \"syscw: 1234\" at \":\" and convert the second part with int()."))
    if not before <= got <= after:
        return wrong(_("{got} is not this process's syscw (between {before} and {after} just now)").format(
                         got=got, before=before, after=after),
                     _("Read the line that starts with 'syscw:' (not syscr, not wchar)."))
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        start = syscw_of("self")
        for _attempt in range(100):
            os.write(fd, b"x")
        grew = syscw_of("self") - start
    finally:
        os.close(fd)
    if grew < 100:
        return wrong(_("after 100 write() calls your counter grew by {grew}").format(grew=grew),
                     _("Read the file again on every call."))
    return passed(_("100 write() calls made your counter grow by {grew} (more would be other threads' "
                    "writes; the kernel counts every call).").format(grew=grew))
