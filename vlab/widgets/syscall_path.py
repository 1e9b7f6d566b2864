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

WHERE = ("container", "virtual machine", "bare metal")


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
        "calls read() on a file descriptor",
        "guest kernel: file system finds the blocks; its virtio-blk driver queues a request to the virtual disk",
        "hypervisor: sees the virtual-disk request (VM exit) and turns it into a read() on the disk-image file",
        "host kernel: reads the disk-image file through its own file system and disk driver",
        "host kernel: file system (overlay2 for a container) finds the blocks and copies them to the app",
        "disk (or the page cache in memory)",
        ("syscalls", "overhead"),
    ),
    "allocate memory": Operation(
        "allocate memory", "메모리 할당", "mmap() / brk(), then page faults on first touch",
        "asks for memory with mmap() and writes to it",
        "guest kernel: maps pages of the VM's 'physical' memory, which the host gave it as one big region",
        "hypervisor: on first touch of a guest page the CPU exits to it (EPT/NPT fault) and it backs the page",
        "host kernel: gives the hypervisor process a real page; counts it against the VM's memory",
        "host kernel: maps a real page on first touch and charges it to the container's cgroup (memory limit)",
        "RAM",
        ("overhead",),
    ),
    "send a packet": Operation(
        "send a packet", "패킷 보내기", "socket(), sendto()",
        "calls sendto() on a socket",
        "guest kernel: TCP/IP stack builds the packet; its virtio-net driver hands it to the virtual network card",
        "hypervisor: picks the packet up from the virtual card (vhost) and writes it to a tap device on the host",
        "host kernel: routes it through the tap device and bridge to the real network card",
        "host kernel: TCP/IP stack in the container's network namespace, veth pair, bridge, network card",
        "network card",
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
    app = Hop("app", LAYER_KO["app"], f"the app {o.app} (system calls: {o.syscalls})")
    hw = Hop("hardware", LAYER_KO["hardware"], o.hardware)
    if where == "virtual machine":
        middle = [Hop("guest kernel", LAYER_KO["guest kernel"], o.guest),
                  Hop("hypervisor", LAYER_KO["hypervisor"], o.hypervisor),
                  Hop("host kernel", LAYER_KO["host kernel"], o.host_from_vm)]
    else:
        middle = [Hop("host kernel", LAYER_KO["host kernel"], o.host)]
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
        out[r.where] = (f"measured: dd copying {r.n:,} single bytes made {r.syscr:,} read() and {r.syscw:,} write() "
                        f"calls, counted by the host kernel")
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
    return ("measured: " + "; ".join(parts)) if parts else None


def costs(op: str, results: dict | None = None) -> dict[str, str]:
    """What vlab has measured for this operation, per place (``container``, ``native``, ``virtual machine``).

    ``results`` maps recorded kinds to Results (live ones from the notebook); missing kinds are
    looked up in the shipped recordings. Places with nothing measured say so.
    """
    o = operation(op)
    results = dict(results or {})
    out = {"container": "not measured yet", "bare metal": "not measured yet",
           "virtual machine": "not measured yet in vlab (see the VM notebook for boot times)"}
    for kind in o.measured_by:
        res = results.get(kind) or _recorded(kind)
        if res is None:
            continue
        if kind == "syscalls":
            got = _syscall_count_cost(res)
            out["container"] = got.get("container", out["container"])
            out["bare metal"] = got.get("native", out["bare metal"])
        elif kind == "overhead":
            found = _overhead_cost(res, OVERHEAD_WORDS[op])
            if found:
                out["container"] = found if out["container"].startswith("not") else f"{out['container']}; {found}"
    return out


class SyscallPathView:
    """Pick an operation and a place; see every hop with the measured cost where vlab has one."""

    def __init__(self, op: str = "read a file", where: str = "virtual machine", results: dict | None = None):
        import ipywidgets as w

        operation(op)
        if not isinstance(where, str) or where not in WHERE:
            raise BadParameter(f"unknown place {where!r}", f"Choose one of: {', '.join(WHERE)}.")
        self.results = results
        self.op = w.Dropdown(options=list(OPERATIONS), value=op, description="operation")
        self.where = w.ToggleButtons(options=list(WHERE), value=where, description="app runs in")
        self.out = w.HTML()
        self.op.observe(self.update, names="value")
        self.where.observe(self.update, names="value")
        self.widget = w.VBox([self.op, self.where, self.out])
        self.update()

    def update(self, _=None) -> None:
        hops = path(self.op.value, self.where.value)
        colours = {"app": "#56B4E9", "guest kernel": "#CC79A7", "hypervisor": "#E69F00", "host kernel": "#0072B2",
                   "hardware": "#999999"}
        boxes = []
        for i, h in enumerate(hops):
            arrow = "" if i == 0 else "<div style='padding-left:2em'>↓</div>"
            boxes.append(f"{arrow}<div style='border-left:8px solid {colours[h.layer]};padding:3px 8px;"
                         f"margin:1px 0;background:rgba(127,127,127,.08)'><b>{h.layer} ({h.korean})</b>: "
                         f"{html.escape(h.action)}</div>")
        cost = costs(self.op.value, self.results).get(self.where.value, "not measured yet")
        n = kernels_crossed(self.op.value, self.where.value)
        self.out.value = (
            "".join(boxes)
            + f"<p>Kernels that handle this request: <b>{n}</b>. Hops: <b>{len(hops)}</b>.<br>"
            f"<small>Cost: {html.escape(cost)}</small></p>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
