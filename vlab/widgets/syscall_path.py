"""System-call path (S2.7–S2.9): pick an operation and follow it from the app to the hardware.

An app in a virtual machine asks its *guest* kernel; the guest's device drivers talk to virtual
hardware that the hypervisor provides, and the hypervisor turns that into requests to the *host*
kernel (the "interpreter", 통역가, of the lecture notes). An app in a container asks the host kernel
directly. ``path(op, where)`` gives the hops; ``costs(op)`` attaches what vlab has measured
(recorded results, or live ones passed in) and says "not measured yet" otherwise.

Honest detail: with hardware virtualization (VT-x / AMD-V) a guest's system calls are handled by the
guest kernel on the real CPU without the hypervisor; the hypervisor steps in when the guest touches
devices or memory the host must provide (a "VM exit"). The hops below mark those steps.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import N_, _, language

WHERE = ("container", "virtual machine", "bare metal")
#: the places, operations and layers (identifiers) marked for the catalog: shown with ``_()``.
_MARKED = (N_("container"), N_("virtual machine"), N_("bare metal"), N_("read a file"), N_("allocate memory"),
           N_("send a packet"), N_("app"), N_("guest kernel"), N_("hypervisor"), N_("host kernel"), N_("hardware"))


def _layer(h: Hop) -> str:
    """A hop's layer name: Korean alone in Korean, 'layer (Korean)' in English."""
    return h.korean if language() == "ko" else f"{h.layer} ({h.korean})"


@dataclass(frozen=True)
class Hop:
    layer: str  # "app", "guest kernel", "hypervisor", "host kernel", "hardware"
    korean: str
    action: str


@dataclass(frozen=True)
class Operation:
    name: str
    korean: str
    syscalls: str
    app: str
    guest: str
    hypervisor: str
    host_from_vm: str
    host: str
    hardware: str
    measured_by: tuple[str, ...] = ()  # recorded kinds that hold a cost for this operation


OPERATIONS: dict[str, Operation] = {
    "read a file": Operation(
        "read a file", "파일 읽기", "openat(), read(), close()",
        N_("calls read() on a file descriptor"),
        N_("guest kernel: file system finds the blocks; its virtio-blk driver queues a request to the virtual disk"),
        N_("hypervisor: sees the virtual-disk request (VM exit) and turns it into a read() on the disk-image file"),
        N_("host kernel: reads the disk-image file through its own file system and disk driver"),
        N_("host kernel: file system (overlay2 for a container) finds the blocks and copies them to the app"),
        N_("disk (or the page cache in memory)"),
        ("syscalls", "overhead"),
    ),
    "allocate memory": Operation(
        "allocate memory", "메모리 할당", N_("mmap() / brk(), then page faults on first touch"),
        N_("asks for memory with mmap() and writes to it"),
        N_("guest kernel: maps pages of the VM's 'physical' memory, which the host gave it as one big region"),
        N_("hypervisor: on first touch of a guest page the CPU exits to it (EPT/NPT fault) and it backs the page"),
        N_("host kernel: gives the hypervisor process a real page; counts it against the VM's memory"),
        N_("host kernel: maps a real page on first touch and charges it to the container's cgroup (memory limit)"),
        N_("RAM"),
        ("overhead",),
    ),
    "send a packet": Operation(
        "send a packet", "패킷 보내기", "socket(), sendto()",
        N_("calls sendto() on a socket"),
        N_("guest kernel: TCP/IP stack builds the packet; its virtio-net driver hands it to the virtual network card"),
        N_("hypervisor: picks the packet up from the virtual card (vhost) and writes it to a tap device on the host"),
        N_("host kernel: routes it through the tap device and bridge to the real network card"),
        N_("host kernel: TCP/IP stack in the container's network namespace, veth pair, bridge, network card"),
        N_("network card"),
        ("overhead",),
    ),
}

# Which rows of an ``overhead`` recording speak to each operation.
OVERHEAD_WORDS = {"read a file": ("syscall", "io_read"), "allocate memory": ("memory",),
                  "send a packet": ("net_latency", "net_throughput")}

LAYER_KO = {"app": "애플리케이션", "guest kernel": "게스트 커널", "hypervisor": "하이퍼바이저",
            "host kernel": "호스트 커널", "hardware": "하드웨어"}


def operation(name: str) -> Operation:
    if not isinstance(name, str) or name not in OPERATIONS:
        raise BadParameter(f"unknown operation {name!r}", f"Choose one of: {', '.join(OPERATIONS)}.")
    return OPERATIONS[name]


def path(op: str, where: str) -> list[Hop]:
    """The hops an operation takes from the app down to the hardware."""
    o = operation(op)
    if not isinstance(where, str) or where not in WHERE:
        raise BadParameter(f"unknown place {where!r}", f"Choose one of: {', '.join(WHERE)}.")
    app = Hop("app", LAYER_KO["app"], _("the app {action} (system calls: {syscalls})").format(
        action=_(o.app), syscalls=_(o.syscalls)))
    hw = Hop("hardware", LAYER_KO["hardware"], _(o.hardware))
    if where == "virtual machine":
        middle = [Hop("guest kernel", LAYER_KO["guest kernel"], _(o.guest)),
                  Hop("hypervisor", LAYER_KO["hypervisor"], _(o.hypervisor)),
                  Hop("host kernel", LAYER_KO["host kernel"], _(o.host_from_vm))]
    else:
        middle = [Hop("host kernel", LAYER_KO["host kernel"], _(o.host))]
    return [app, *middle, hw]


def kernels_crossed(op: str, where: str) -> int:
    """How many kernels handle the request (2 in a VM, 1 in a container or on bare metal)."""
    return sum(1 for h in path(op, where) if h.layer.endswith("kernel"))


def _recorded(kind: str):
    from vlab.core import replay

    try:
        return replay.load(kind)
    except DataError:
        return None


def _syscall_count_cost(res) -> dict[str, str]:
    out = {}
    for r in res.samples.itertuples():
        out[r.where] = _("measured: dd copying {n} single bytes made {reads} read() and {writes} write() calls, "
                         "counted by the host kernel").format(n=f"{r.n:,}", reads=f"{r.syscr:,}", writes=f"{r.syscw:,}")
    return out


def _overhead_cost(res, metrics: tuple[str, ...]) -> str | None:
    """Container/native ratios (with 95% CI) for ``metrics`` from an ``overhead`` recording, or memory medians."""
    parts = []
    what = res.extra.get("what", {}) if isinstance(res.extra, dict) else {}
    for r in res.extra.get("ratios", []) if isinstance(res.extra, dict) else []:
        if r.get("metric") in metrics and r.get("ratio") is not None and r.get("baseline") == "native":
            ci = (f" (95% CI {r['ci_low']:.2f}–{r['ci_high']:.2f})"
                  if r.get("ci_low") is not None and r.get("ci_high") is not None else "")
            parts.append(f"{what.get(r['metric'], r['metric'])}: {r['config']} / native {r['ratio']:.2f}{ci}")
    if "memory" in metrics and not res.samples.empty and {"metric", "config", "value"} <= set(res.samples.columns):
        mem = res.samples[res.samples["metric"] == "memory"]
        unit = mem["unit"].iloc[0] if "unit" in mem.columns and len(mem) else ""
        for config, value in mem.groupby("config")["value"].median().items():
            parts.append(f"{config}: {value:.1f} {unit}".strip())
    return _("measured: {parts}").format(parts="; ".join(parts)) if parts else None


def costs(op: str, results: dict | None = None) -> dict[str, str]:
    """What vlab has measured for this operation, per place (``container``, ``native``, ``virtual machine``).

    ``results`` maps recorded kinds to Results (live ones from the notebook); missing kinds are
    looked up in the shipped recordings. Places with nothing measured say so.
    """
    o = operation(op)
    results = dict(results or {})
    out = {"container": _("not measured yet"), "bare metal": _("not measured yet"),
           "virtual machine": _("not measured yet in vlab (see the VM notebook for boot times)")}
    measured = False
    for kind in o.measured_by:
        res = results.get(kind) or _recorded(kind)
        if res is None:
            continue
        if kind == "syscalls":
            got = _syscall_count_cost(res)
            out["container"] = got.get("container", out["container"])
            out["bare metal"] = got.get("native", out["bare metal"])
            measured = measured or "container" in got
        elif kind == "overhead":
            found = _overhead_cost(res, OVERHEAD_WORDS[op])
            if found:
                out["container"] = f"{out['container']}; {found}" if measured else found
                measured = True
    return out


class SyscallPathView:
    """Pick an operation and a place; see every hop with the measured cost where vlab has one."""

    def __init__(self, op: str = "read a file", where: str = "virtual machine", results: dict | None = None):
        import ipywidgets as w

        operation(op)
        if not isinstance(where, str) or where not in WHERE:
            raise BadParameter(f"unknown place {where!r}", f"Choose one of: {', '.join(WHERE)}.")
        self.results = results
        self.op = w.Dropdown(options=[(_(name), name) for name in OPERATIONS], value=op, description=_("operation"))
        self.where = w.ToggleButtons(options=[(_(place), place) for place in WHERE], value=where,
                                     description=_("app runs in"))
        self.out = w.HTML()
        self.op.observe(self.update, names="value")
        self.where.observe(self.update, names="value")
        self.widget = w.VBox([self.op, self.where, self.out])
        self.update()

    def update(self, _change=None) -> None:
        hops = path(self.op.value, self.where.value)
        colours = {"app": "#56B4E9", "guest kernel": "#CC79A7", "hypervisor": "#E69F00", "host kernel": "#0072B2",
                   "hardware": "#999999"}
        boxes = []
        for i, h in enumerate(hops):
            arrow = "" if i == 0 else "<div style='padding-left:2em'>↓</div>"
            boxes.append(f"{arrow}<div style='border-left:8px solid {colours[h.layer]};padding:3px 8px;"
                         f"margin:1px 0;background:rgba(127,127,127,.08)'><b>{_layer(h)}</b>: "
                         f"{html.escape(h.action)}</div>")
        cost = costs(self.op.value, self.results).get(self.where.value, _("not measured yet"))
        n = kernels_crossed(self.op.value, self.where.value)
        self.out.value = (
            "".join(boxes)
            + "<p>" + _("Kernels that handle this request: <b>{n}</b>. Hops: <b>{hops}</b>.").format(n=n,
                                                                                                   hops=len(hops))
            + "<br><small>" + _("Cost: {cost}").format(cost=html.escape(cost)) + "</small></p>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
