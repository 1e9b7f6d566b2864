"""The first container of the course: three facts it reports about itself, and its safety settings."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

import pandas as pd

from vlab.core import provenance
from vlab.core.exercise import Feedback, checker, passed, wrong
from vlab.core.i18n import _
from vlab.core.replay import replayable
from vlab.core.results import Results

__all__ = [
    "FirstLook", "RECORDINGS", "SAFETY_KEYS", "check_memory_mib", "check_safe_kwargs", "compare_start_prediction",
    "look_inside", "measure", "recorded_run_ms"
]

SAFETY_KEYS = ("CapDrop", "Privileged", "NetworkMode", "Memory", "PidsLimit")


@dataclass
class FirstLook:
    """What the first container said, next to the host's view."""

    pid_inside: int
    kernel_inside: str
    kernel_host: str
    hostname_inside: str
    safety: dict = field(default_factory=dict)
    replayed: bool = False

    @property
    def same_kernel(self) -> bool:
        return self.kernel_inside == self.kernel_host

    def _repr_html_(self) -> str:
        src = _("recorded run (replay)") if self.replayed else _("live, just now")
        rows = [(_("PID of the command inside"), self.pid_inside, "–"),
                (_("kernel release (uname -r)"), self.kernel_inside, self.kernel_host),
                (_("hostname"), self.hostname_inside, _("(the host's)"))]
        body = "".join(f"<tr><td>{a}</td><td><code>{b}</code></td><td><code>{c}</code></td></tr>" for a, b, c in rows)
        head = "<tr><th>{}</th><th>{}</th><th>{}</th></tr>".format(
            _("fact"), _("inside the container"), _("on the host"))
        return (f"<table>{head}{body}</table>"
                "<small>{}</small>".format(_("Source: {src}.").format(src=src)))


def _no_capabilities(cap_eff_line: str) -> bool:
    """True when a ``CapEff:`` line of /proc/<pid>/status shows an empty capability set."""
    parts = cap_eff_line.split()
    return len(parts) == 2 and parts[0] == "CapEff:" and int(parts[1], 16) == 0


@replayable("first_container")
def measure() -> Results:
    """Run ``echo $$; uname -r; hostname`` (and read CapEff) in a sandboxed container and record the answers."""
    from vlab.core.sandbox import run

    res = run(["/bin/sh", "-c", "echo $$; uname -r; hostname; grep CapEff /proc/self/status"],
              purpose="first-container")
    pid, kernel, hostname, cap_eff = (res.stdout.split("\n") + ["", "", "", ""])[:4]
    safety = {k: res.host_config.get(k) for k in SAFETY_KEYS}
    if _no_capabilities(cap_eff):  # Podman reports the dropped set expanded; the process itself has none left
        safety["CapDrop"] = ["ALL"]
    sample = {"pid_inside": int(pid), "kernel_inside": kernel, "kernel_host": platform.release(),
              "hostname_inside": hostname}
    return Results("first_container", pd.DataFrame([sample]), provenance=provenance.collect(),
                   extra={"safety": safety})


def look_inside() -> FirstLook:
    """The facts of the first container, live or from the recording."""
    res = measure()
    row = res.samples.iloc[0]
    return FirstLook(int(row["pid_inside"]), str(row["kernel_inside"]), str(row["kernel_host"]),
                     str(row["hostname_inside"]), dict(res.extra.get("safety", {})), res.replayed)


RECORDINGS = {"first_container": lambda quick: measure.__wrapped__()}


# ------------------------------------------------------------------ prediction and exercises (notebook 00)
def recorded_run_ms() -> float:
    """Median ms of the recorded docker-py create → start → wait → remove (the ladder's ``sdk`` rung)."""
    from vlab.core.replay import load

    s = load("ladder").summary
    return float(s.loc[s["rung"] == "sdk", "median"].iloc[0])


def compare_start_prediction(predicted_ms: object, measured_ms: float) -> str:
    """Set the learner's predicted container run time against the measured one, with what it means."""
    context = _("Measured: {ms:.0f} ms for the whole create → start → run → remove. For scale: starting a "
                "plain process takes about 1 ms, booting a virtual machine takes seconds (notebook 08). A container "
                "boots no kernel; most of the time is the engine's bookkeeping (notebook 07 takes it apart).").format(
                    ms=measured_ms)
    if not isinstance(predicted_ms, int | float) or isinstance(predicted_ms, bool) or predicted_ms <= 0:
        return _("No prediction recorded. {context}").format(context=context)
    ratio = predicted_ms / measured_ms
    if 0.5 <= ratio <= 2:
        verdict = _("You predicted {ms:g} ms: within a factor of two, well done.").format(ms=predicted_ms)
    elif ratio > 2:
        verdict = _("You predicted {ms:g} ms: {ratio:.0f}× too slow. Containers start far faster than VMs.").format(
            ms=predicted_ms, ratio=ratio)
    else:
        verdict = _("You predicted {ms:g} ms: {ratio:.0f}× too fast. A container is more than a fork.").format(
            ms=predicted_ms, ratio=1 / ratio)
    return f"{verdict} {context}"


@checker
def check_memory_mib(memory_mib: object, facts: FirstLook) -> Feedback:
    """Exercise 1: the container's memory limit (HostConfig ``Memory``, bytes) in MiB."""
    limit = facts.safety.get("Memory")
    if not isinstance(limit, int) or limit <= 0:
        return wrong(_("this run has no memory limit in its HostConfig"), _("Run the cells above again."))
    if not isinstance(memory_mib, int | float) or isinstance(memory_mib, bool):
        return wrong(_("{memory_mib!r} is not a number").format(memory_mib=memory_mib),
                     _("Compute it from facts.safety[\"Memory\"]."))
    want = limit / 1024**2
    if abs(memory_mib - want) < 1e-6:
        return passed(_("{limit:,} bytes = {want:g} MiB: the kernel stops this container at {want:g} MiB.").format(
                          limit=limit, want=want))
    if abs(memory_mib - limit / 1e6) < 1e-3:
        return wrong(_("{memory_mib:g} is megabytes (10^6 bytes), not mebibytes").format(memory_mib=memory_mib),
                     _("1 MiB = 1024 × 1024 = 1,048,576 bytes."))
    if memory_mib == limit:
        return wrong(_("that is still bytes"), _("Divide by 1024 twice."))
    return wrong(_("{memory_mib:g} MiB is not the limit this container had").format(memory_mib=memory_mib),
                 _("Divide facts.safety[\"Memory\"] by 1024**2."))


@checker
def check_safe_kwargs(kwargs: object) -> Feedback:
    """Exercise 2: keyword arguments for docker-py's ``containers.run`` that follow the course's safety rules."""
    if not isinstance(kwargs, dict):
        return wrong(_("run_kwargs is a {type}, not a dict").format(type=type(kwargs).__name__),
                     _("Write dict(labels=..., mem_limit=..., ...)."))
    labels = kwargs.get("labels") or {}
    problems = []
    if not isinstance(labels, dict) or labels.get("vlab") != "1" or labels.get("vlab.purpose") != "my-first-container":
        problems.append(_("labels must be {\"vlab\": \"1\", \"vlab.purpose\": \"my-first-container\"} (strings)"))
    if kwargs.get("mem_limit") not in ("32m", 32 * 1024**2):
        problems.append(_("mem_limit is {get!r}, not 32 MiB (\"32m\")").format(get=kwargs.get('mem_limit')))
    if kwargs.get("pids_limit") != 16:
        problems.append(_("pids_limit is {get!r}, not 16").format(get=kwargs.get('pids_limit')))
    if kwargs.get("cap_drop") != ["ALL"]:
        problems.append(_("cap_drop is {get!r}, not [\"ALL\"]").format(get=kwargs.get('cap_drop')))
    if kwargs.get("network_mode") != "none":
        problems.append(_("network_mode is {get!r}, not \"none\"").format(get=kwargs.get('network_mode')))
    if kwargs.get("remove") is not True:
        problems.append(_("remove=True is missing: the container would stay behind"))
    if kwargs.get("privileged"):
        problems.append(_("privileged=True gives the container the host's devices and every capability: never here"))
    if problems:
        return wrong("; ".join(problems), _("Look at the plain docker-py cell above for the argument names."))
    return passed(_("labelled, limited, no capabilities, no network, removed when it exits: the course's safety "
                    "rules."))
