"""The latency ladder: process → runc → engine API → CLI → network (kind "ladder")."""


from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from vlab.core import sandbox, settings
from vlab.core.engine import connect
from vlab.core.errors import BadParameter, EngineError, ToolMissing, VlabError
from vlab.core.i18n import _
from vlab.core.interleave import Rounds, StopRule
from vlab.core.lifecycle import MARKER_CMD, TOTAL, host_phases, run_lifecycle, sweep
from vlab.core.provenance import collect
from vlab.core.replay import replayable
from vlab.core.results import Results
from vlab.core.stats import summarize_frame
from vlab.labs.start_time.phases import as_names, check_seed, check_warmup, stop_rule

__all__ = ["LADDER", "LADDER_PURPOSE", "LADDER_RULE", "RuncBundle", "cli_command", "measure_ladder", "time_subprocess"]

LADDER_PURPOSE = "start-ladder"
#: Default stopping rule: every rung's median within ±5 %, or 8 s spent (warm-up included).
LADDER_RULE = StopRule(precision=0.05, budget_s=8.0, min_trials=6, max_trials=1000)


# ---------------------------------------------------------------- 2. the latency ladder
LADDER = {
    "native": "fork + exec of the static busybox on the host (no isolation)",
    "runc": "runc run of the same image's rootfs (namespaces + cgroups, no engine)",
    "sdk": "Docker SDK, low-level API: create → start → wait → remove (engine, no network)",
    "cli": "docker run --rm CLI, no network (what hyperfine would time)",
    "cli_bridge": "docker run --rm CLI with the default bridge network",
}


def cli_command(network: str = "none", image: str = "vlab/busybox:1", command: Sequence[str] = MARKER_CMD,
                limits: sandbox.Limits | None = None, purpose: str = LADDER_PURPOSE) -> list[str]:
    """The ``docker run`` command line vlab times: same labels and limits as the sandbox."""
    docker_bin = shutil.which("docker")
    if not docker_bin:
        raise ToolMissing("The docker command-line client is not installed.",
                          "Install it (`apt-get install docker.io` or docker-ce-cli); the SDK rungs still work.")
    lim = limits or sandbox.Limits(network=network)
    cmd = [docker_bin, "run", "--rm", "--label", f"{settings.LABEL}=1", "--label",
           f"{settings.RUN_LABEL}={settings.run_id()}", "--label", f"vlab.purpose={purpose}",
           "--memory", str(lim.memory_bytes), "--memory-swap", str(lim.memory_bytes),
           "--pids-limit", str(lim.pids), "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
           "--network", network]
    if lim.cpus is not None:
        cmd += ["--cpus", str(lim.cpus)]
    return [*cmd, image, *command]


class RuncBundle:
    """An OCI bundle holding the course image's rootfs, for timing ``runc run`` directly."""

    def __init__(self, client) -> None:
        self.runc = shutil.which("runc")
        if not self.runc:
            raise ToolMissing("runc is not installed.", "Install it (`apt-get install runc`).")
        if os.geteuid() != 0:
            raise ToolMissing("runc needs root here (rootless runc is not set up).",
                              "Run as root to add the runc rung; the other rungs still work.")
        self.dir = Path(tempfile.mkdtemp(prefix="vlab-runc-"))
        self.state = self.dir / "state"
        self.n = 0
        try:
            self._export_rootfs(client)
            self._write_config()
        except BaseException:
            self.close()
            raise

    def _export_rootfs(self, client) -> None:
        from vlab.labs.by_hand import export_rootfs

        export_rootfs(client, self.dir, purpose=LADDER_PURPOSE)

    def _write_config(self) -> None:
        subprocess.run([self.runc, "spec"], cwd=self.dir, check=True, capture_output=True)
        path = self.dir / "config.json"
        spec = json.loads(path.read_text())
        lim = sandbox.Limits()
        spec["process"]["terminal"] = False
        spec["process"]["args"] = list(MARKER_CMD)
        spec["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "permitted", "ambient")}
        spec["root"]["readonly"] = True
        spec["hostname"] = "vlab-runc"
        spec["linux"]["resources"] = {"memory": {"limit": lim.memory_bytes}, "pids": {"limit": lim.pids}}
        path.write_text(json.dumps(spec))

    def run_once(self) -> float:
        """One ``runc run``: returns its wall time in ms."""
        self.n += 1
        cid = f"vlab-{settings.run_id()}-{self.n}"
        cmd = [self.runc, "--root", str(self.state), "run", "--bundle", str(self.dir), cid]
        try:
            t0 = time.perf_counter_ns()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            ms = (time.perf_counter_ns() - t0) / 1e6
        finally:
            subprocess.run([self.runc, "--root", str(self.state), "delete", "--force", cid],
                           capture_output=True)
        if proc.returncode != 0:
            raise ToolMissing(_("runc run failed: {stderr}").format(
                stderr=proc.stderr.decode(errors="replace").strip()[:200]),
                              _("runc needs root and a cgroup setup it understands; the other rungs still work."))
        return ms

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def time_subprocess(cmd: list[str]) -> float:
    """Wall time (ms) of running ``cmd`` to its end, output discarded; a non-zero exit raises ``EngineError``."""
    t0 = time.perf_counter_ns()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ms = (time.perf_counter_ns() - t0) / 1e6
    if proc.returncode != 0:
        raise EngineError(f"{Path(cmd[0]).name} exited {proc.returncode}: "
                          f"{proc.stderr.decode(errors='replace').strip()[:200]}",
                          "Run `vlab doctor`; check that the command works in a terminal.")
    return ms


def _ladder_args(trials: int | None = None, *, rungs: Sequence[str] | None = None, warmup: int = 1, seed: int = 0,
                 progress: bool = True, budget: float | None = None, precision: float | None = None,
                 min_trials: int | None = None, max_trials: int | None = None) -> tuple[StopRule, list[str], int, int]:
    """measure_ladder's arguments, checked: (stopping rule, rungs, warmup, seed)."""
    rule = stop_rule(trials, LADDER_RULE, budget=budget, precision=precision, min_trials=min_trials,
                     max_trials=max_trials)
    warmup, seed = check_warmup(warmup), check_seed(seed)
    rungs = as_names("rungs", list(LADDER) if rungs is None else rungs, list(LADDER))
    for r in rungs:
        if not isinstance(r, str) or r not in LADDER:
            raise BadParameter(_("Unknown rung {rung!r}").format(rung=r),
                               _("Use any of: {names}.").format(names=", ".join(LADDER)))
    if not rungs:
        raise BadParameter(_("rungs is empty"), _("Name at least one of: {names}.").format(names=", ".join(LADDER)))
    return rule, rungs, warmup, seed


@replayable("ladder", check=_ladder_args)
def measure_ladder(trials: int | None = None, *, rungs: Sequence[str] | None = None, warmup: int = 1, seed: int = 0,
                   progress: bool = True, budget: float | None = None, precision: float | None = None,
                   min_trials: int | None = None, max_trials: int | None = None) -> Results:
    """Time the same tiny program at each layer: native → runc → SDK → CLI → CLI + bridge.

    Rungs are interleaved in a shuffled order every round. A rung that cannot run here (no
    runc, not root, no docker CLI) is skipped and the reason kept in ``extra["skipped"]``.
    ``trials=N`` runs exactly N rounds; otherwise ``LADDER_RULE`` (or the given ``budget``,
    ``precision``, ``min_trials``, ``max_trials``) decides, recorded in ``extra["stopping"]``.
    """
    rule, rungs, warmup, seed = _ladder_args(trials, rungs=rungs, warmup=warmup, seed=seed, progress=progress,
                                             budget=budget, precision=precision, min_trials=min_trials,
                                             max_trials=max_trials)
    client = connect()
    from vlab.core.images import find_busybox

    skipped: dict[str, str] = {}
    timers: dict[str, Callable[[], float]] = {}
    bundle = None
    try:
        if "native" in rungs:
            try:
                bb = str(find_busybox())
                timers["native"] = lambda: time_subprocess([bb, *MARKER_CMD])
            except ToolMissing as exc:
                skipped["native"] = exc.message
        if "runc" in rungs:
            try:
                bundle = RuncBundle(client)
                timers["runc"] = bundle.run_once
            except ToolMissing as exc:
                skipped["runc"] = exc.message
        if "sdk" in rungs:
            kw = sandbox.create_kwargs(client, list(MARKER_CMD), purpose=LADDER_PURPOSE)

            def sdk() -> float:
                return host_phases(run_lifecycle(client, kw, read_marker=False).stamps)[TOTAL]

            timers["sdk"] = sdk
        for name, net in (("cli", "none"), ("cli_bridge", "bridge")):
            if name in rungs:
                try:
                    cmd = cli_command(net)
                    timers[name] = lambda cmd=cmd: time_subprocess(cmd)
                except ToolMissing as exc:
                    skipped[name] = exc.message
        rows: list[dict] = []
        partial = False
        runs = Rounds(timers, rule, seed, warmup=warmup, progress=progress, desc="ladder rounds")
        try:
            for rnd, slot, name in runs:
                try:
                    ms = timers[name]()
                except VlabError as exc:
                    if rnd != -warmup:
                        runs.failed()
                        raise
                    skipped[name] = exc.message  # first warm-up round probes each rung
                    del timers[name]
                    continue
                rows.append({"rung": name, "trial": rnd, "warmup": rnd < 0, "slot": slot, "ms": ms})
                if rnd >= 0:
                    runs.add(name, ms)
        except KeyboardInterrupt:
            partial = True
            runs.interrupted()
    finally:
        if bundle:
            bundle.close()
        sweep(client, [LADDER_PURPOSE], engine_gone_ok=sys.exc_info()[0] is not None or partial)
    samples = pd.DataFrame(rows)
    summary = pd.DataFrame()
    if not samples.empty:
        summary = summarize_frame(samples[~samples["warmup"]], by=["rung"], value="ms")
        order = {r: i for i, r in enumerate(LADDER)}
        summary = summary.sort_values("rung", key=lambda s: s.map(order)).reset_index(drop=True)
        summary["what"] = summary["rung"].map(LADDER)
    cfg = {"trials": rule.max_trials if rule.fixed else None, "stop_rule": rule.to_dict(), "warmup": warmup,
           "seed": seed, "rungs": rungs, "command": list(MARKER_CMD)}
    return Results("ladder", samples, summary, collect(cfg),
                   extra={"skipped": skipped, "rung_doc": {r: LADDER[r] for r in rungs},
                          "stopping": runs.report()}, partial=partial)


