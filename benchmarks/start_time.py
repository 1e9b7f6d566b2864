"""Benchmark of the start-time harness itself (a benchmark, not a test): does vlab's measuring add anything?

In one interleaved run it reports two ratios of medians with bootstrap 95% CIs:

1. vlab's lifecycle harness (``vlab.core.lifecycle.run_lifecycle``, phase total) against a minimal raw
   docker-py low-level loop doing the same create → start → wait → remove with the same arguments.
   Target: ≤ 1.05 (the harness adds almost nothing).
2. vlab's CLI-path timing of ``docker run --rm …`` against hyperfine timing the very same command.
   Target: within 10% (ratio 0.90 to 1.10).

    .venv/bin/python benchmarks/start_time.py [--rounds 30] [--quick] [--json out.json]

Every container carries the vlab labels and limits and is removed, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from vlab.core import sandbox
from vlab.core.engine import connect, guarded
from vlab.core.errors import ToolMissing, VlabError
from vlab.core.lifecycle import sweep
from vlab.core.results import atomic_write_json, check_output_path
from vlab.core.stats import ratio_ci
from vlab.labs import start_time as start

PURPOSE = "bench-start"


def raw_loop(client, kw: dict) -> float:
    """The minimal docker-py loop: create, start, wait, remove; one perf_counter around it (ms)."""
    cid = None
    try:
        t0 = time.perf_counter_ns()
        cid = client.api.create_container(**kw)["Id"]
        client.api.start(cid)
        client.api.wait(cid)
        client.api.remove_container(cid, force=True, v=True)
        ms = (time.perf_counter_ns() - t0) / 1e6
        cid = None
        return ms
    finally:
        if cid:
            sandbox.remove_quietly(cid, client)


def harness(client, kw: dict) -> tuple[float, float]:
    """vlab's harness: its phase total, and its wall time including the marker read (ms)."""
    lc = start.run_lifecycle(client, kw)
    total = start.host_phases(lc.stamps)[start.TOTAL]
    return total, (lc.stamps["removed"] - lc.stamps["t0"]) / 1e6


def hyperfine_runs(cmd: list[str], runs: int) -> list[float]:
    """Per-run times (ms) of ``cmd`` as hyperfine measures them (no shell in between)."""
    exe = shutil.which("hyperfine")
    if not exe:
        raise ToolMissing("hyperfine is not installed.", "apt-get install hyperfine")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "h.json"
        subprocess.run([exe, "--shell=none", "--runs", str(runs), "--style", "none", "--export-json", str(out),
                        shlex.join(cmd)], check=True, capture_output=True)
        return [t * 1000 for t in json.loads(out.read_text())["results"][0]["times"]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 30; 5 with --quick)")
    ap.add_argument("--per-round", type=int, default=3, help="CLI runs per round on each side (default 3)")
    ap.add_argument("--quick", action="store_true", help="few rounds")
    ap.add_argument("--json", default=None, help="also write the figures and raw samples as JSON")
    args = ap.parse_args(argv)
    rounds = start.check_trials(args.rounds if args.rounds is not None else (5 if args.quick else 30))
    per = start.check_trials(args.per_round)
    path = check_output_path(args.json) if args.json else None
    client = connect()
    kw = sandbox.create_kwargs(client, list(start.MARKER_CMD), purpose=PURPOSE)
    cmd = start.cli_command("none", purpose=PURPOSE)
    vlab_total, vlab_wall, raw, cli_vlab, cli_hf = [], [], [], [], []
    try:
        harness(client, kw), raw_loop(client, kw)  # warm-up, not kept
        for r in range(rounds):
            pair = [lambda: vlab_total.append(harness(client, kw)), lambda: raw.append(raw_loop(client, kw))]
            for f in pair if r % 2 == 0 else pair[::-1]:
                f()
            sides = [lambda: cli_hf.extend(hyperfine_runs(cmd, per)),
                     lambda: cli_vlab.extend(start.time_subprocess(cmd) for _ in range(per))]
            for f in sides if r % 2 == 0 else sides[::-1]:
                f()
            print(f"\rround {r + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: reporting the rounds done so far", file=sys.stderr)
    except VlabError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    finally:
        with guarded("cleaning up"):
            sweep(client, [PURPOSE])
    print(file=sys.stderr)
    vlab_wall = [w for _, w in vlab_total]
    vlab_total = [t for t, _ in vlab_total]
    if not raw or not cli_hf:
        print("not enough rounds to report")
        return 1
    h = ratio_ci(vlab_total, raw)
    hw = ratio_ci(vlab_wall, raw)
    c = ratio_ci(cli_vlab, cli_hf)
    print(f"harness: vlab phase total vs raw docker-py loop   ratio {h['ratio']:.3f} "
          f"[{h['ci_low']:.3f}, {h['ci_high']:.3f}]  (target ≤ 1.05; n={h['n_num']}/{h['n_den']}; "
          f"medians {median(vlab_total):.1f} / {median(raw):.1f} ms)")
    print(f"harness: vlab wall incl. marker read vs raw loop  ratio {hw['ratio']:.3f} "
          f"[{hw['ci_low']:.3f}, {hw['ci_high']:.3f}]  (the log read is bookkeeping, outside every phase)")
    print(f"CLI: vlab's docker-run timing vs hyperfine         ratio {c['ratio']:.3f} "
          f"[{c['ci_low']:.3f}, {c['ci_high']:.3f}]  (target 0.90–1.10; n={c['n_num']}/{c['n_den']})")
    if path:
        atomic_write_json(path, {"harness": h, "harness_wall": hw, "cli": c, "samples": {
            "vlab_total_ms": vlab_total, "vlab_wall_ms": vlab_wall, "raw_ms": raw,
            "cli_vlab_ms": cli_vlab, "cli_hyperfine_ms": cli_hf}})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
