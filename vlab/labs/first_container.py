"""The first container of the course: three facts it reports about itself, and its safety settings."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

import pandas as pd

from vlab.core import provenance
from vlab.core.replay import replayable
from vlab.core.results import Results

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
        src = "recorded run (replay)" if self.replayed else "live, just now"
        rows = [("PID of the command inside", self.pid_inside, "–"),
                ("kernel release (uname -r)", self.kernel_inside, self.kernel_host),
                ("hostname", self.hostname_inside, "(the host's)")]
        body = "".join(f"<tr><td>{a}</td><td><code>{b}</code></td><td><code>{c}</code></td></tr>" for a, b, c in rows)
        return (f"<table><tr><th>fact</th><th>inside the container</th><th>on the host</th></tr>{body}</table>"
                f"<small>Source: {src}.</small>")


@replayable("first_container")
def measure() -> Results:
    """Run ``echo $$; uname -r; hostname`` in a sandboxed container and record the answers."""
    from vlab.core.sandbox import run

    res = run(["/bin/sh", "-c", "echo $$; uname -r; hostname"], purpose="first-container")
    pid, kernel, hostname = (res.stdout.split("\n") + ["", "", ""])[:3]
    safety = {k: res.host_config.get(k) for k in SAFETY_KEYS}
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
