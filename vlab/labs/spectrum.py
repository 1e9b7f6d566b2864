"""The isolation spectrum, measured: a process → a runc container → a gVisor sandbox → a QEMU VM.

One interleaved run (kind ``spectrum``) sets the four side by side on this machine:

- ``start``: ms from asking to the work being done and cleaned up: a native fork/exec of busybox ``true``;
  a container's create → start → wait → remove (runc, then gVisor); a VM's QEMU launch → its ``/init``
  reporting (its own kernel booted; TCG software emulation where KVM does not work: labelled);
- ``syscall``: ns per system call: ``dd bs=1`` (one ``read`` + one ``write`` per byte), pinned to one CPU;
- ``cpu``: ms for a busybox ``awk`` loop (no system calls), pinned to the same CPU;
- ``memory``: MiB per idle instance seen from the host: a process's RSS; every process below the
  container's shim (runc: the container; gVisor: the Sentry + the Gofer); the QEMU process's RSS when the
  guest's ``/init`` reports (just booted; recordings made before this: QEMU's peak RSS while booting);
- what each one *sees*: kernel release, ``/proc/version``, ``dmesg``, ``/proc`` entries, and which
  system calls fail (the same commands in every place).

gVisor (``runsc``) refuses ``adjtimex``, so inside it the workloads stamp the clock with a file's
modification time (``overhead.file_clock``); elsewhere ``adjtimex``. Both read the same wall clock.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import subprocess
import time
from pathlib import Path

import pandas as pd

from vlab.core import interleave, replay, settings, stats
from vlab.core.errors import BadParameter, DataError, VlabError
from vlab.core.hostprobe import parent_pid, rss_mib, tree_rss_mib
from vlab.core.i18n import N_, _
from vlab.core.results import Results
from vlab.core.validate import flag, whole_number

__all__ = [
    "BETWEEN", "DEFAULT_RUNTIME", "KIND", "LABELS", "METRICS", "PLACES", "PROBES", "PUBLISHED", "PURPOSE",
    "RECORDINGS", "SANDBOX_ONLY", "SPECTRUM_RULE", "VM_LOOP_TRIALS", "VM_NOTES", "WHAT", "WORK_BEGIN", "WORK_END",
    "factor", "how_to_go_live", "measure_or_recording", "measure_spectrum", "parse_work", "published", "ratios",
    "sees_table", "self_check", "sizes", "summary", "table", "table_notes", "vm_loops", "work_init",
]

KIND = "spectrum"
PURPOSE = "spectrum"
PLACES = ("process", "runc", "gvisor", "vm")
LABELS = {"process": N_("process"), "runc": N_("runc container"), "gvisor": N_("gVisor sandbox"), "vm": N_("QEMU VM")}
METRICS = {"start": "ms", "syscall": "ns per call", "cpu": "ms", "memory": "MiB"}
WHAT = {
    "start": "start → work done → cleaned up (ms)",
    "syscall": "cost of one system call, dd bs=1 (ns)",
    "cpu": "CPU loop, busybox awk (ms)",
    "memory": "memory per idle instance, from the host (MiB)",
}
#: What stands between the workload and the host kernel.
BETWEEN = {
    "process": "nothing: its system calls go straight to the host kernel",
    "runc": "namespaces, cgroups, dropped capabilities and a seccomp filter; the host kernel still serves "
            "every system call",
    "gvisor": "a kernel written in Go that runs in user space (the Sentry) serves the system calls; the "
              "Sentry itself uses a small, filtered set of host system calls, and file access goes through "
              "a separate process (the Gofer)",
    "vm": "a whole guest kernel, plus the virtual machine monitor (QEMU) and, with KVM, the CPU's "
          "virtualization extensions; the host kernel never sees the guest's system calls",
}
#: Commands run in every place: (what, shell command). Output's first line and exit status are kept.
PROBES = (
    (N_("kernel release"), "uname -r"),
    ("/proc/version", "cat /proc/version"),
    ("dmesg", "dmesg 2>&1 | head -n 2"),
    (N_("/proc entries"), "ls /proc | wc -l"),
    ("CPUs", "nproc"),
    (N_("adjtimex (read the clock)"), "adjtimex >/dev/null && echo ok"),
    ("/proc/modules", "head -n 1 /proc/modules"),
    ("/proc/kallsyms", "head -n 1 /proc/kallsyms"),
    ("/sys/kernel", "ls /sys/kernel 2>&1 | head -n 1"),
    (N_("sethostname (privileged)"), "hostname vlab-probe && echo ok"),
)
#: Probes that would change the host: run only inside the sandboxes, never as a plain process.
SANDBOX_ONLY = {"sethostname (privileged)"}
# Not probed: under gVisor (runsc 2022-12-19, ptrace) ``mount`` and ``swapoff`` left ``docker exec`` hanging.
DEFAULT_RUNTIME = "runsc"
#: Default stopping rule: every median within ±5 %, or 20 s spent on the interleaved rounds (warm-up included)
#: and the VM boots together; the rounds leave room for one VM boot (``_vm_reserve_s``).
SPECTRUM_RULE = interleave.StopRule(precision=0.05, budget_s=20.0, min_trials=6, max_trials=50)
#: Why cells of the VM row are empty or differ, shown under the table (``table_notes``). Keys: the case.
VM_NOTES = {
    "tcg": N_("VM system-call and CPU cost: not measured. This VM ran under TCG (KVM did not work where it was "
              "measured), QEMU's software emulation of the CPU: a loop in the guest would time the emulator (many "
              "times slower than any real VM), not the virtual-machine design."),
    "kvm": N_("VM system-call and CPU cost: the same dd and awk loops, run inside the guest under KVM and timed by "
              "the guest's own clock (a system call stays inside the guest kernel: the host never sees it)."),
    "kvm_failed": N_("VM system-call and CPU cost: not measured. The VM ran under KVM, but the loops in the guest "
                     "failed ({why})."),
    "not_booted": N_("VM: not booted in this run ({why}), so its row is empty."),
    "rss_at_marker": N_("QEMU's resident memory (RSS) read from the host when the guest's /init reported, just "
                        "after boot: the guest kernel and the pages QEMU has touched, not the whole memory assigned "
                        "({assigned} MiB) and not a long-idle steady state"),
    "peak": N_("QEMU's peak RSS while booting (getrusage), not an idle steady state"),
}


# ---------------------------------------------------------------- settings
def _check(trials: int | None = None, *, runtime: str = DEFAULT_RUNTIME, vm: bool = True, seed: int = 0,
           progress: bool = True, budget: float | None = None, precision: float | None = None,
           min_trials: int | None = None, max_trials: int | None = None) -> interleave.StopRule:
    """measure_spectrum's arguments (BadParameter before any work, live and replay alike); returns the rule."""
    if trials is not None:
        whole_number("trials", trials, 1, 200, _("Use 10 for a good look, 3 for a quick one, or None for the default."))
    if not isinstance(runtime, str) or not runtime or not all(c.isalnum() or c in "._-" for c in runtime):
        raise BadParameter(_("runtime={runtime!r} is not a runtime name").format(runtime=runtime),
                           _("Use 'runsc' (gVisor)."))
    flag("vm", vm, _("vm=False skips the VM; vm=True measures it too."))
    whole_number("seed", seed, 0, 2**32 - 1)
    return interleave.rule_for(SPECTRUM_RULE, trials, quick_trials=sizes(True)["trials"], budget=budget,
                               precision=precision, min_trials=min_trials, max_trials=max_trials)


def sizes(quick: bool) -> dict:
    """Workload sizes: the syscall loop is kept small because gVisor's ptrace platform is slow per call."""
    if quick:
        return {"trials": 3, "vm_trials": 1, "cpu_iterations": 150_000, "syscall_bytes": 10_000}
    return {"trials": 6, "vm_trials": 2, "cpu_iterations": 1_000_000, "syscall_bytes": 20_000}  # ≈ a minute here


# ---------------------------------------------------------------- the measurement
@replay.replayable(KIND, check=_check)
def measure_spectrum(trials: int | None = None, *, runtime: str = DEFAULT_RUNTIME, vm: bool = True, seed: int = 0,
                     progress: bool = True, budget: float | None = None, precision: float | None = None,
                     min_trials: int | None = None, max_trials: int | None = None) -> Results:
    """Measure process, runc container, gVisor sandbox and QEMU VM side by side (see the module doc).

    ``trials=N`` runs exactly N interleaved rounds; otherwise ``SPECTRUM_RULE`` (every median within
    ±5 %, or 20 s for the rounds and the VM boots together; quick mode: exactly 3 rounds), changed by
    ``budget`` (s), ``precision`` (fraction), ``min_trials``, ``max_trials``; ``extra["stopping"]``
    says how it ended. The VM boots once, and a second time only if the budget has room for it.

    ``runtime`` is the gVisor runtime's name in the engine (``runsc``); it must start a container
    here (``vlab doctor``), else RuntimeUnavailable says why and how to install it. ``vm=False`` skips
    the VM. In replay mode the recording shipped with vlab is returned.
    """
    from vlab.core import runtimes as rt
    from vlab.core import sandbox
    from vlab.core.engine import connect
    from vlab.core.images import ensure, find_busybox
    from vlab.core.provenance import collect
    from vlab.labs import overhead as oh

    rule = _check(trials, runtime=runtime, vm=vm, seed=seed, progress=progress, budget=budget, precision=precision,
                  min_trials=min_trials, max_trials=max_trials)
    t_start = time.monotonic()
    quick = settings.quick()
    sz = sizes(quick)
    if trials is not None:
        sz["trials"] = trials
    client = connect()
    ensure("busybox", client)
    probe = rt.require(runtime, client)
    bb = str(find_busybox())
    cpu = sorted(os.sched_getaffinity(0))[-1]
    s = oh.Settings(trials=1, cpu_iterations=sz["cpu_iterations"], syscall_bytes=sz["syscall_bytes"], cpu=cpu)
    rows: list[dict] = []
    sees: list[dict] = []
    from vlab.core.engine import describe

    # the engine host's kernel (on Linux the same as this process's; with an engine in a VM, that VM's)
    kernels: dict[str, str] = {"host": describe(client).kernel or platform.release()}
    vm_info: dict = {"measured": False}
    partial = False
    runs: interleave.Rounds | None = None

    def add(metric: str, place: str, trial: int, value: float) -> None:
        rows.append({"metric": metric, "place": place, "trial": trial, "value": float(value),
                     "unit": METRICS[metric]})

    def timed_start(place: str) -> float:
        if place == "process":
            t0 = time.perf_counter_ns()
            subprocess.run([bb, "true"], check=True)
            return (time.perf_counter_ns() - t0) / 1e6
        from vlab.core.lifecycle import host_phases, run_lifecycle

        limits = sandbox.Limits(runtime=runtime if place == "gvisor" else None)
        kw = sandbox.create_kwargs(client, ["true"], limits=limits, purpose=PURPOSE)
        lc = run_lifecycle(client, kw, read_marker=False)
        if lc.exit_code != 0:
            raise VlabError(_("the {place} exited with {code}").format(place=_(LABELS[place]), code=lc.exit_code))
        return host_phases(lc.stamps)["total"]

    def timed_work(metric: str, place: str, boxes: dict) -> float:
        try:
            return timed_work_once(metric, place, boxes)
        except DataError:  # a clock stamp lost in the output (seen once on a loaded machine): one more try
            return timed_work_once(metric, place, boxes)

    def timed_work_once(metric: str, place: str, boxes: dict) -> float:
        script, n = oh.workload(metric, bb if place == "process" else oh.BB_IN_CONTAINER, s)
        if place == "process":
            ms = oh.intervals_ms(_run_native(bb, script, cpu), n)[0]
        elif place == "runc":
            ms = oh.intervals_ms(_box_run(boxes["runc"], script), n)[0]
        else:
            script, n = oh.file_clock(script, n, oh.BB_IN_CONTAINER)
            ms = oh.file_intervals_ms(_box_run(boxes["gvisor"], script), n)[0]
        return ms * 1e6 / (2 * s.syscall_bytes) if metric == "syscall" else ms

    with contextlib.ExitStack() as stack:
        try:
            boxes = {
                "runc": stack.enter_context(sandbox.start(["sleep", "86400"], limits=sandbox.Limits(cpuset=str(cpu)),
                                                          purpose=PURPOSE)),
                "gvisor": stack.enter_context(sandbox.start(["sleep", "86400"], purpose=PURPOSE,
                                                            limits=sandbox.Limits(cpuset=str(cpu), runtime=runtime,
                                                                                  pids=rt.SANDBOX_PIDS))),
            }
            sees = _sees(bb, boxes)
            for place in ("runc", "gvisor"):
                kernels[place] = next(r[place] for r in sees if r["what"] == "kernel release")
            pairs = [(m, p) for m in ("start", "syscall", "cpu") for p in ("process", "runc", "gvisor")]
            # every pair once per round, shuffled per round, after one discarded warm-up round
            runs = interleave.Rounds(pairs, _rounds_rule(rule, vm), seed, warmup=1, progress=progress,
                                     desc="spectrum rounds")
            try:
                for t, _slot, (m, p) in runs:
                    value = timed_start(p) if m == "start" else timed_work(m, p, boxes)
                    if t >= 0:
                        add(m, p, t, value)
                        runs.add((m, p), value)
            except KeyboardInterrupt:
                runs.interrupted()
                raise
            except VlabError:
                runs.failed()
                raise
            _memory(stack, bb, runtime, add)
        except KeyboardInterrupt:
            partial = True
    if vm and not partial:
        left = None if rule.budget_s is None else rule.budget_s - (time.monotonic() - t_start)
        try:
            vm_info = _vm(sz["vm_trials"], add, kernels, budget_left=left, s=s)
        except KeyboardInterrupt:
            partial = True
        except VlabError as exc:
            vm_info = {"measured": False, "why": exc.message}
    stopping = {**runs.report(), "rule": rule.to_dict(), "rounds_budget_s": runs.rule.budget_s,
                "seconds_with_vm": round(time.monotonic() - t_start, 3)} if runs is not None else None
    samples = pd.DataFrame(rows, columns=["metric", "place", "trial", "value", "unit"])
    cfg = {"trials": rule.max_trials if rule.fixed else None, "stop_rule": rule.to_dict(), "seed": seed, "sizes": sz,
           "cpu_pinned": cpu, "runtime": runtime}
    prov = collect(cfg, runtime={"name": runtime, "path": probe.path, "args": list(probe.args),
                                 "platform": probe.platform},
                   gvisor_platform=probe.platform, accelerator=vm_info.get("accel"))
    res = Results(KIND, samples, summary(samples), prov, partial=partial, extra={
        "stopping": stopping, "kernels": kernels, "sees": sees, "between": BETWEEN, "labels": LABELS, "what": WHAT,
        "vm": vm_info,
        "platform": probe.platform, "ratios": ratios(samples).to_dict(orient="records"),
        "workloads": {"syscall": f"busybox dd bs=1 count={s.syscall_bytes:,} (read+write per byte), CPU {cpu}",
                      "cpu": f"busybox awk loop, {s.cpu_iterations:,} iterations, CPU {cpu}",
                      "start": "process: fork/exec busybox true; containers: create→start→wait→remove of true; "
                               "VM: QEMU launch → /init reports"},
    })
    res.extra["self_check"] = self_check(res)
    return res


# ---------------------------------------------------------------- small host-side helpers
def _run_native(bb: str, script: str, cpu: int) -> str:
    """Run a workload script with the host's busybox, pinned to ``cpu``."""
    proc = subprocess.run([bb, "sh", "-c", script], capture_output=True, text=True, timeout=600, check=False,
                          preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    if proc.returncode != 0:
        raise VlabError(_("native workload failed ({code}): {stderr}").format(
            code=proc.returncode, stderr=proc.stderr.strip()[:200]))
    return proc.stdout


def _box_run(box, script: str) -> str:
    from vlab.core.errors import EngineError

    res = box.exec(["/bin/sh", "-c", script])
    if res.exit_code != 0:
        raise EngineError(_("workload failed in container {name} ({code}): {stderr}").format(
            name=box.name, code=res.exit_code, stderr=res.stderr.strip()[:200]))
    return res.stdout


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()








def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0][:100] if lines else ""


def _sees(bb: str, boxes: dict) -> list[dict]:
    """Each probe command on the host (as a plain process) and in both sandboxes."""
    out = []
    for what, cmd in PROBES:
        row = {"what": what}
        if what in SANDBOX_ONLY:
            row["process"] = N_("(not run on the host: it would change it)")
            for place, box in boxes.items():
                r = box.exec(["/bin/sh", "-c", cmd])
                row[place] = _first_line(r.stdout + r.stderr) or f"(exit {r.exit_code})"
            out.append(row)
            continue
        proc = subprocess.run([bb, "sh", "-c", cmd.replace("adjtimex", f"{bb} adjtimex")], capture_output=True,
                              text=True, timeout=30, env={"PATH": os.path.dirname(bb) + ":/usr/sbin:/usr/bin:/bin"})
        row["process"] = _first_line(proc.stdout + proc.stderr) or f"(exit {proc.returncode})"
        for place, box in boxes.items():
            r = box.exec(["/bin/sh", "-c", cmd])
            row[place] = _first_line(r.stdout + r.stderr) or f"(exit {r.exit_code})"
        out.append(row)
    return out


def _memory(stack: contextlib.ExitStack, bb: str, runtime: str, add) -> None:
    from vlab.core import sandbox

    proc = subprocess.Popen([bb, "sleep", "600"])
    stack.callback(_stop, proc)
    idle = {p: [stack.enter_context(sandbox.start(["sleep", "86400"], purpose=PURPOSE,
                                                  limits=_idle_limits(runtime if p == "gvisor" else None)))
                for _ in range(2)] for p in ("runc", "gvisor")}
    time.sleep(0.5)
    add("memory", "process", 0, rss_mib(proc.pid))
    for place, boxes in idle.items():
        for i, box in enumerate(boxes):
            pid = int(box.inspect()["State"].get("Pid") or 0)
            shim = parent_pid(pid) if pid else None
            add("memory", place, i, tree_rss_mib(shim) if shim else float("nan"))


def _idle_limits(runtime: str | None):
    from vlab.core import sandbox
    from vlab.core.runtimes import SANDBOX_PIDS

    return sandbox.Limits(runtime=runtime, pids=SANDBOX_PIDS) if runtime else sandbox.Limits()


def _qemu_children() -> list[int]:
    """This process's QEMU children (the VM being booted)."""
    out = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        with contextlib.suppress(OSError):
            for pid in (task / "children").read_text().split():
                with contextlib.suppress(OSError):
                    if Path(f"/proc/{pid}/comm").read_text().startswith("qemu"):
                        out.append(int(pid))
    return out


def _vm_reserve_s() -> float:
    """Seconds the rounds leave in the budget for one VM boot: a TCG boot's, since whether KVM really works
    is only known after a test boot (/dev/kvm can be present where KVM fails, as on the course machine)."""
    from vlab.labs.vm.boot import BOOT_ESTIMATE_S

    return BOOT_ESTIMATE_S["tcg"]


def _rounds_rule(rule: interleave.StopRule, vm: bool) -> interleave.StopRule:
    """The rule of the interleaved rounds: ``rule`` with room left in its budget for one VM boot."""
    if rule.budget_s is None or not vm:
        return rule
    budget = max(rule.budget_s - _vm_reserve_s(), rule.budget_s / 4)
    return interleave.StopRule(**{**rule.to_dict(), "budget_s": budget})


WORK_BEGIN, WORK_END = "VLAB-WORK-BEGIN", "VLAB-WORK-END"
#: Runs of each loop in the guest (one boot), under KVM only.
VM_LOOP_TRIALS = 3


def work_init(s, trials: int) -> str:
    """A guest ``/init`` that runs the syscall and CPU loops ``trials`` times each (the same busybox scripts as in
    the other places, stamped by ``adjtimex`` on the guest's clock), then reports and powers off like vlab's."""
    from vlab.labs import overhead as oh
    from vlab.labs.vm import qemu

    lines = []
    for t in range(trials):
        for metric in ("syscall", "cpu"):
            script, _n = oh.workload(metric, "/bin/busybox", s)
            lines.append(f'echo "{WORK_BEGIN} {metric} {t}"; {script}; echo "{WORK_END}"')
    head, sep, tail = qemu.INIT_SCRIPT.partition("/bin/busybox mount -t proc proc /proc\n")
    return head + sep + "\n".join(lines) + "\n" + tail


def parse_work(lines: list[str], s) -> dict[str, list[float]]:
    """Per metric, the values (ns per call for syscall, ms for cpu) from the console lines of :func:`work_init`."""
    from vlab.labs import overhead as oh

    out: dict[str, list[float]] = {"syscall": [], "cpu": []}
    metric, buf = None, []
    for line in lines:
        if line.startswith(WORK_BEGIN):
            metric, buf = line.split()[1], []
        elif line.startswith(WORK_END) and metric:
            ms = oh.intervals_ms("\n".join(buf), 1)[0]
            out[metric].append(ms * 1e6 / (2 * s.syscall_bytes) if metric == "syscall" else ms)
            metric = None
        elif metric:
            buf.append(line)
    return out


def vm_loops(guest, s, trials: int = VM_LOOP_TRIALS, timeout: float = 300.0) -> dict[str, list[float]]:
    """Boot ``guest`` once with :func:`work_init` as its ``/init``; the loops' values (see :func:`parse_work`)."""
    import dataclasses
    import stat
    import tempfile

    from vlab.labs.vm import qemu

    entries = [e for e in qemu.initramfs_entries() if e.name != "init"] + [
        qemu.CpioEntry("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3)),
        qemu.CpioEntry("dev/zero", stat.S_IFCHR | 0o666, rdev=(1, 5)),
        qemu.CpioEntry("init", stat.S_IFREG | 0o755, work_init(s, trials).encode())]
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vlab-vmwork-") as tmp:
        initrd = Path(tmp) / "work.cpio"
        initrd.write_bytes(qemu.cpio_newc(entries))
        run = dataclasses.replace(guest, initrd=initrd).boot(timeout, on_line=lambda text, _ms: lines.append(text))
    if run.marker is None:
        raise VlabError(_("the VM with the loops did not report"))
    values = parse_work(lines, s)
    if any(len(v) != trials for v in values.values()):
        raise DataError(f"expected {trials} runs of each loop in the guest, got "
                        f"{ {k: len(v) for k, v in values.items()} }")
    return values


def _vm(trials: int, add, kernels: dict, *, budget_left: float | None = None, s=None) -> dict:
    """Boot the marker VM up to ``trials`` times; its start time, kernel and QEMU's RSS when the guest reports.

    The first boot always runs; another only when the last one would fit in ``budget_left`` seconds. Under KVM,
    with ``s`` (the loops' sizes), the syscall and CPU loops also run in the guest (:func:`vm_loops`, one more
    boot); under TCG they would time the emulator, so they are not run."""
    from vlab.labs.vm import boot, qemu

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss: list[float] = []

    def at_marker(text: str, _ms: float) -> None:  # the guest has booted: QEMU's RSS now, before it powers off
        if qemu.parse_marker(text):
            rss.extend(v for v in (rss_mib(pid) for pid in _qemu_children()) if v == v)

    t0 = time.monotonic()
    with boot.prepare("auto") as guest:
        for t in range(trials):
            started = time.monotonic()
            run = guest.boot(120.0, on_line=at_marker)
            add("start", "vm", t, run.launch_to_marker_ms)
            kernels["vm"] = run.marker.kernel
            last = time.monotonic() - started
            if budget_left is not None and time.monotonic() - t0 + last > budget_left:
                break
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if rss:
            for i, v in enumerate(rss):
                add("memory", "vm", i, v)
            note, how = VM_NOTES["rss_at_marker"], "rss_at_marker"
        elif after > before:  # the largest child so far is QEMU: its peak RSS (KiB on Linux)
            add("memory", "vm", 0, after / 1024)
            note, how = VM_NOTES["peak"], "peak"
        else:
            note, how = "", ""
        info = {"measured": True, "accel": guest.accel, "emulated": guest.accel == "tcg",
                "memory_assigned_mib": guest.memory_mib, "qemu_version": guest.qemu_version,
                "memory_how": how, "memory_note": note.format(assigned=guest.memory_mib)}
        if guest.accel == "kvm" and s is not None:
            try:
                for metric, values in vm_loops(guest, s).items():
                    for t, v in enumerate(values):
                        add(metric, "vm", t, v)
                info["loops"] = "in the guest under KVM, guest clock"
            except VlabError as exc:
                info["loops_failed"] = exc.message
        return info


# ---------------------------------------------------------------- analysis
def summary(samples: pd.DataFrame) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    return stats.summarize_frame(samples, by=["metric", "place"], value="value")


def ratios(samples: pd.DataFrame) -> pd.DataFrame:
    """Each place's median ÷ the process's (and gVisor ÷ runc), with bootstrap 95% CIs."""
    rows = []
    for metric in ("start", "syscall", "cpu", "memory"):
        sel = samples[samples.metric == metric]
        for place, base in (("runc", "process"), ("gvisor", "process"), ("vm", "process"), ("gvisor", "runc"),
                            ("vm", "gvisor")):
            num, den = sel[sel.place == place]["value"], sel[sel.place == base]["value"]
            if num.dropna().empty or den.dropna().empty:
                continue
            rows.append({"metric": metric, "place": place, "vs": base, **stats.ratio_ci(num.dropna(), den.dropna())})
    return pd.DataFrame(rows)


def table(res: Results) -> pd.DataFrame:
    """One row per place: median start, syscall, CPU, memory, the kernel it sees, what stands between.

    A cell of the VM row marked ``¹`` or ``²`` has its reason in :func:`table_notes` (print them under it)."""
    s = res.samples
    med = s.groupby(["place", "metric"])["value"].median().unstack() if not s.empty else pd.DataFrame()
    kernels = res.extra.get("kernels", {})
    marks = _vm_marks(res)
    out = []
    for p in PLACES:
        row = {"": LABELS[p]}
        for m in ("start", "syscall", "cpu", "memory"):
            v = med.loc[p, m] if p in med.index and m in med.columns else float("nan")
            cell = round(float(v), 1) if v == v else "—"
            mark = marks.get(m, "") if p == "vm" else ""
            row[WHAT[m]] = f"{cell} {mark}" if mark else cell
        row["kernel it sees"] = kernels.get("host" if p == "process" else p, "—")
        out.append(row)
    return pd.DataFrame(out).set_index("")


def _vm_marks(res: Results) -> dict[str, str]:
    vm = res.extra.get("vm") or {}
    if not vm.get("measured"):
        return {m: "¹" for m in ("start", "syscall", "cpu", "memory")}
    marks = {} if vm.get("loops") else {"syscall": "¹", "cpu": "¹"}
    if vm.get("memory_note"):
        marks["memory"] = "²"
    return marks


def table_notes(res: Results) -> list[str]:
    """Why the VM row's marked cells are empty or what its memory figure is, in the learner's language."""
    vm = res.extra.get("vm") or {}
    if not vm.get("measured"):
        return ["¹ " + _(VM_NOTES["not_booted"]).format(why=vm.get("why") or _("vm=False"))]
    if vm.get("loops"):
        notes = [_(VM_NOTES["kvm"])]
    elif vm.get("accel") == "kvm":
        notes = ["¹ " + _(VM_NOTES["kvm_failed"]).format(why=vm.get("loops_failed") or "-")]
    else:
        notes = ["¹ " + _(VM_NOTES["tcg"])]
    how = vm.get("memory_how") or ("peak" if vm.get("memory_note") == VM_NOTES["peak"] else "")
    if how:
        notes.append("² " + _("VM memory: {note}.").format(
            note=_(VM_NOTES[how]).format(assigned=vm.get("memory_assigned_mib", "?"))))
    elif vm.get("memory_note"):
        notes.append("² " + _("VM memory: {note}.").format(note=vm["memory_note"]))
    return notes


def factor(res: Results, metric: str, place: str, vs: str = "process") -> float:
    """Ratio of medians ``place`` ÷ ``vs`` for ``metric`` (nan when either is missing)."""
    s = res.samples
    a = s[(s.metric == metric) & (s.place == place)]["value"].median()
    b = s[(s.metric == metric) & (s.place == vs)]["value"].median()
    return float(a / b) if b and b == b and a == a else float("nan")


def self_check(res: Results) -> dict:
    """The lesson's claims on this data: gVisor sees another kernel; its system calls cost more than runc's."""
    k = res.extra.get("kernels", {})
    g, r = factor(res, "syscall", "gvisor"), factor(res, "syscall", "runc")
    return {
        "host_kernel": k.get("host"), "gvisor_kernel": k.get("gvisor"), "runc_kernel": k.get("runc"),
        "gvisor_sees_other_kernel": bool(k.get("gvisor")) and k.get("gvisor") != k.get("host"),
        "runc_sees_host_kernel": k.get("runc") == k.get("host"),
        "syscall_factor_runc": r, "syscall_factor_gvisor": g,
        "gvisor_syscalls_costlier": bool(g > r),
    }


def sees_table(res: Results) -> pd.DataFrame:
    """What each place sees and which commands fail, side by side."""
    df = pd.DataFrame(res.extra.get("sees") or [])
    if df.empty:
        return df
    df["what"] = df["what"].map(_)
    if "process" in df:
        df["process"] = df["process"].map(lambda v: _(v) if v == "(not run on the host: it would change it)" else v)
    return df.rename(columns={"what": "", **{p: _(LABELS[p]) for p in LABELS}}).set_index("")


def how_to_go_live() -> str:
    from vlab.core.daemon_config import install_hint

    return install_hint()


def measure_or_recording(trials: int | None = None, **kw) -> tuple[Results, str]:
    """Live when gVisor runs here; otherwise the shipped recording and a note saying why and how to go live."""
    from vlab.core.mode import current
    from vlab.core.runtimes import RuntimeUnavailable

    if current().replay:
        res = measure_spectrum(trials, **kw)
        return res, _("REPLAYED recording ({reason}). To go live: {how}").format(reason=current().reason,
                                                                                 how=how_to_go_live())
    try:
        return measure_spectrum(trials, **kw), ""
    except RuntimeUnavailable as exc:
        return replay.load(KIND), _("gVisor does not run here ({reason}), so these are the REPLAYED recorded "
                                    "measurements. To go live: {how}").format(reason=exc.message, how=exc.hint)


#: gVisor's own published figures (data/published_figures.tsv, source GVI), verified from its repository.
PUBLISHED = (
    ("raw system call", "GVI-syscall-runc", "GVI-syscall-runsc-ptrace", "GVI-syscall-runsc-kvm"),
    ("memory per idle container", "GVI-density-runc", "GVI-density-runsc", None),
    ("docker run of `true`", "GVI-startup-runc", "GVI-startup-runsc", None),
    ("sysbench CPU (events/s, higher = faster)", "GVI-sysbench-cpu-runc", "GVI-sysbench-cpu-runsc", None),
)


def published() -> pd.DataFrame:
    """gVisor's published runc vs runsc figures, with the runsc ÷ runc factor, source and conditions."""
    from vlab.labs.overhead_published import figures_table

    rows = figures_table()
    out = []
    for what, runc_id, runsc_id, kvm_id in PUBLISHED:
        a, b = rows.get(runc_id), rows.get(runsc_id)
        if not a or not b:
            continue
        va, vb = float(a["value"]), float(b["value"])
        row = {"what": what, "runc": f"{a['value']} {a['unit']}", "runsc (ptrace)": f"{b['value']} {b['unit']}",
               "runsc ÷ runc": round(vb / va, 2), "source": f"{b['source_id']}: {b['locator']}"}
        if kvm_id and rows.get(kvm_id):
            row["runsc (KVM platform)"] = f"{rows[kvm_id]['value']} {rows[kvm_id]['unit']}"
        out.append(row)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- recordings
def _record(quick: bool) -> Results:
    return measure_spectrum(sizes(quick)["trials"], progress=False)


RECORDINGS = {KIND: _record}
