"""Start-time configurations compared in one interleaved run, every phase timed (kind "start")."""


from __future__ import annotations

import contextlib
import io
import tarfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from vlab.core import sandbox, settings
from vlab.core.engine import connect, describe, guarded
from vlab.core.errors import BadParameter, EngineError, VlabError
from vlab.core.i18n import N_, _
from vlab.core.images import ensure
from vlab.core.interleave import Rounds, StopRule, rule_for
from vlab.core.lifecycle import (
    HOST_PHASES,
    MARKER_CMD,
    PHASE_DOC,
    TOTAL,
    DaemonEvents,
    Lifecycle,
    daemon_phases,
    parse_adjtimex,
    phase_rows,
    run_lifecycle,
    sweep,
)
from vlab.core.provenance import collect
from vlab.core.replay import replayable
from vlab.core.results import Results
from vlab.core.stats import ratio_ci, summarize_frame
from vlab.core.validate import whole_number
from vlab.labs.overhead.workloads import BB_IN_CONTAINER, file_clock, file_clock_ns, stamp

__all__ = [
    "DAEMON_SLACK_MS", "FILE_CLOCK_CMD", "MAX_FAILURES", "MAX_TRIALS", "PURPOSE", "START_RULE", "SUM_TOLERANCE_MS",
    "StartConfig", "VARIANTS", "as_names", "check_seed", "check_trials", "check_warmup", "configurations",
    "is_runtime_variant", "marker_command", "measure_start", "phase_sums", "ratios", "requested_runtimes",
    "runtime_provenance", "self_check", "stop_rule"
]

PURPOSE = "start-time"
SUM_TOLERANCE_MS = 0.01  # phases vs total: float rounding only (they share one clock)
DAEMON_SLACK_MS = 2.0  # daemon span may exceed the host span by at most this (clock reading jitter)
MAX_TRIALS = 1000
#: Default stopping rule: every configuration's median total within ±5 %, or 20 s spent (warm-up included).
START_RULE = StopRule(precision=0.05, budget_s=20.0, min_trials=6, max_trials=MAX_TRIALS)
MAX_FAILURES = 3  # trials that fail (engine hiccup, non-zero exit) are dropped and reported; more stops the run
#: The clock marker under a runtime other than runc: gVisor refuses ``adjtimex`` (exit 1), so, as in the
#: overhead and spectrum labs, the shell stamps the clock with a file's modification time (``file_clock``).
FILE_CLOCK_CMD = ("/bin/sh", "-c", file_clock(stamp(BB_IN_CONTAINER), 0, BB_IN_CONTAINER)[0])


def marker_command(runtime: str | None) -> tuple[tuple[str, ...], Callable[[str], int | None]]:
    """The container's command and the reader of its clock marker: ``adjtimex`` under runc (the engine's
    default), the file clock under any other runtime (the overhead lab's rule: gVisor refuses ``adjtimex``)."""
    if runtime is None or runtime == "runc":
        return MARKER_CMD, parse_adjtimex
    return FILE_CLOCK_CMD, file_clock_ns


# ---------------------------------------------------------------- configurations
@dataclass(frozen=True)
class StartConfig:
    """One way to start a container. ``name`` is what tables and plots show."""

    name: str
    image: str = "busybox"
    network: str = "none"
    auto_remove: bool = False
    runtime: str | None = None
    fresh_image: bool = False
    what: str = ""


VARIANTS = ("network", "image", "auto_remove", "first", "runtime")


def configurations(network: str = "none", variants: Sequence[str] | None = None,
                   runtimes: Sequence[str] | None = None) -> list[StartConfig]:
    """The baseline plus one configuration per variant, each changing exactly one factor.

    ``network`` is the baseline's network ("none" or "bridge"); the "network" variant uses the
    other one. The "runtime" variant adds one configuration per runtime the engine lists
    (``runtimes``) other than runc, e.g. ``runtime:runsc`` (gVisor), ``runtime:crun``; a listed
    runtime that cannot start a container here is skipped by the first warm-up round, with its
    reason. ``runtime:NAME`` asks for one runtime by name (``vlab bench start --runtime NAME``).
    """
    if not isinstance(network, str) or network not in ("none", "bridge"):
        raise BadParameter(_("network={network!r} is not compared here").format(network=network),
                           _("Use 'none' or 'bridge'."))
    variants = as_names("variants", VARIANTS if variants is None else variants, VARIANTS)
    for v in variants:
        if v not in VARIANTS and not is_runtime_variant(v):
            raise BadParameter(_("Unknown configuration {name!r}").format(name=v),
                               _("Use any of: {names}, runtime:NAME.").format(names=", ".join(VARIANTS)))
    base = StartConfig("baseline", network=network,
                       what=f"busybox image, network {network}, runc, detached then removed, warm image")
    out = [base]
    other = "bridge" if network == "none" else "none"
    if "network" in variants:
        out.append(replace(base, name=f"network:{other}", network=other, what=f"network {other} instead"))
    if "image" in variants:
        out.append(replace(base, name="image:fat", image="fat", what="64 MiB larger image"))
    if "auto_remove" in variants:
        out.append(replace(base, name="auto_remove", auto_remove=True, what="daemon removes it (--rm)"))
    if "first" in variants:
        out.append(replace(base, name="first_start", fresh_image=True,
                           what="first start of a freshly built image"))
    wanted = [v.split(":", 1)[1] for v in variants if is_runtime_variant(v)]
    if "runtime" in variants:
        wanted += [r for r in (runtimes or ())
                   if r not in wanted and r != "runc" and not r.startswith("io.containerd.")]
    for r in wanted:
        what = "gVisor (a user-space kernel)" if r.startswith("runsc") else r
        out.append(replace(base, name=f"runtime:{r}", runtime=r, what=f"{what} instead of runc"))
    return out


def is_runtime_variant(v: object) -> bool:
    """``runtime:NAME``: one named runtime as a configuration."""
    return (isinstance(v, str) and v.startswith("runtime:") and len(v) > 8
            and all(ch.isalnum() or ch in "._-" for ch in v[8:]))


def requested_runtimes(variants: Sequence[str] | None) -> list[str]:
    """The runtimes asked for by name (``runtime:NAME``) among ``variants``."""
    return [v.split(":", 1)[1] for v in (variants or ()) if is_runtime_variant(v)]


def runtime_provenance(client, names: Sequence[str]) -> dict:
    """Path, arguments and (for gVisor) platform of each runtime used, as the engine lists them."""
    from vlab.core import runtimes as rt

    try:
        entries = rt.listed(client)
    except VlabError:
        return {}
    return {n: {"path": entries.get(n, {}).get("path", ""), "args": entries.get(n, {}).get("runtimeArgs") or [],
                "platform": rt.platform_of(entries.get(n))} for n in names if n in entries}


def check_trials(trials: int, *, minimum: int = 1) -> int:
    return whole_number("trials", trials, minimum, MAX_TRIALS,
                        "Use 30 or more for trustworthy statistics, 3 for a quick look.")


def as_names(what: str, values: object, known: Sequence[str]) -> list:
    """A list of names from a list/tuple (a single string counts as one name); anything else is BadParameter."""
    if isinstance(values, str):
        return [values]
    if not isinstance(values, list | tuple | set | frozenset):
        raise BadParameter(_("{what}={values!r} is not a list").format(what=what, values=values),
                           _("Use a list of: {names}.").format(names=", ".join(known)))
    return list(values)


def check_seed(seed: int) -> int:
    """A seed for the shuffled interleaving order: a whole number from 0 to 2**32 - 1."""
    return whole_number("seed", seed, 0, 2**32 - 1, "For example seed=0.")


def check_warmup(warmup: int) -> int:
    """At least one warm-up round: it also probes that every configuration can run here."""
    return whole_number("warmup", warmup, 1, 10,
                        "The first warm-up round also checks that each configuration runs; use 1.")


def phase_sums(samples: pd.DataFrame) -> pd.DataFrame:
    """Per container: the sum of the host phases, the measured total and their difference (ms)."""
    host = samples[samples["clock"] == "host"]
    parts = host[host["phase"].isin(HOST_PHASES)].groupby(["config", "trial"])["ms"].sum()
    total = host[host["phase"] == TOTAL].set_index(["config", "trial"])["ms"]
    df = pd.DataFrame({"sum_of_phases": parts, "total": total}).dropna().reset_index()
    df["difference"] = (df["sum_of_phases"] - df["total"]).abs()
    return df


def self_check(results: Results, tolerance_ms: float = SUM_TOLERANCE_MS) -> dict:
    """The claims that always hold: every phase positive; phases add up to total within tolerance."""
    s = results.samples
    if s.empty:
        raise BadParameter(_("no samples to check"), _("Run measure_start() first."))
    timed = s[s["clock"].isin(["host", "daemon"])]
    sums = phase_sums(s)
    return {
        "phases_positive": bool((timed["ms"] > 0).all()),
        "n_values": int(len(timed)),
        "max_difference_ms": float(sums["difference"].max()) if not sums.empty else float("nan"),
        "tolerance_ms": tolerance_ms,
        "adds_up": bool((sums["difference"] <= tolerance_ms).all()) and not sums.empty,
    }


def ratios(results: Results, phase: str = TOTAL, baseline: str = "baseline") -> pd.DataFrame:
    """Median of each configuration ÷ median of the baseline, with a bootstrap 95% CI."""
    s = results.samples
    s = s[s["phase"] == phase]
    if "warmup" in s:
        s = s[~s["warmup"].astype(bool)]
    base = s[s["config"] == baseline]["ms"]
    rows = []
    for name, group in s.groupby("config", sort=False):
        if name == baseline or base.empty:
            continue
        r = ratio_ci(group["ms"], base)
        rows.append({"config": name, "vs": baseline, "phase": phase, **r})
    return pd.DataFrame(rows)


def _fresh_image(client, n: int) -> str:
    """Build a new image (busybox + a unique small layer, no RUN step) for a first start."""
    base = ensure("busybox", client)
    tag = f"vlab/start-first:{settings.run_id()}-{n}"
    df = (f"FROM {base}\nCOPY stamp /stamp\nLABEL vlab=1 {settings.RUN_LABEL}={settings.run_id()} "
          f"vlab.purpose={PURPOSE}\n").encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", df), ("stamp", uuid.uuid4().hex.encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    with guarded(N_("building a fresh image for a first start")):
        for chunk in client.api.build(fileobj=buf, custom_context=True, tag=tag, rm=True, forcerm=True,
                                      pull=False, network_mode="none", decode=True):
            if "error" in chunk:
                raise EngineError(f"Building {tag} failed: {chunk['error'].strip()}")
    return tag


def _runtimes(client) -> list[str]:
    try:
        return describe(client).runtimes
    except VlabError:
        return []


# ---------------------------------------------------------------- 1. configurations, interleaved
def stop_rule(trials: int | None, default: StopRule, quick_trials: int = 3, *, budget: float | None = None,
              precision: float | None = None, min_trials: int | None = None,
              max_trials: int | None = None) -> StopRule:
    """``trials=N``: exactly N; quick mode with nothing asked: exactly ``quick_trials``; else ``default``
    with the given options (``precision`` as a fraction, 0.05 = ±5 %)."""
    if trials is not None:
        check_trials(trials)
    return rule_for(default, trials, quick_trials=quick_trials, budget=budget, precision=precision,
                    min_trials=min_trials, max_trials=max_trials)


def _start_args(trials: int | None = None, *, network: str = "none", variants: Sequence[str] | None = None,
                warmup: int = 1, seed: int = 0, progress: bool = True,
                on_trial: Callable[[int], None] | None = None, budget: float | None = None,
                precision: float | None = None, min_trials: int | None = None,
                max_trials: int | None = None) -> tuple[StopRule, int, int]:
    """measure_start's arguments, checked: (stopping rule, warmup, seed)."""
    rule = stop_rule(trials, START_RULE, budget=budget, precision=precision, min_trials=min_trials,
                     max_trials=max_trials)
    warmup, seed = check_warmup(warmup), check_seed(seed)
    configurations(network, variants)  # validate names before touching the engine
    if on_trial is not None and not callable(on_trial):
        raise BadParameter(_("on_trial={on_trial!r} is not a function").format(on_trial=on_trial),
                           _("Pass a function of the round number, or None."))
    return rule, warmup, seed


@replayable("start", check=_start_args)
def measure_start(trials: int | None = None, *, network: str = "none", variants: Sequence[str] | None = None,
                  warmup: int = 1, seed: int = 0, progress: bool = True,
                  on_trial: Callable[[int], None] | None = None, budget: float | None = None,
                  precision: float | None = None, min_trials: int | None = None,
                  max_trials: int | None = None) -> Results:
    """Time every phase of a container's life for several configurations, interleaved.

    Each round runs every configuration once in a shuffled order (seeded), so slow drifts of a
    shared machine hit all configurations alike. ``warmup`` rounds run first and are kept but
    flagged ``warmup=True`` and left out of the summary. Ctrl-C stops after cleaning up and
    returns what was measured, with ``partial=True``.

    How many rounds: ``trials=N`` runs exactly N. Otherwise the stopping rule (``START_RULE``,
    changed by ``budget`` seconds, ``precision`` as a fraction, ``min_trials``, ``max_trials``)
    stops when every configuration's median total is known to ±precision, or the budget is
    spent; ``extra["stopping"]`` records the rule, the precision reached and why it stopped.
    """
    rule, warmup, seed = _start_args(trials, network=network, variants=variants, warmup=warmup, seed=seed,
                                     progress=progress, on_trial=on_trial, budget=budget, precision=precision,
                                     min_trials=min_trials, max_trials=max_trials)
    client = connect()
    from vlab.core import runtimes as rt

    for name in requested_runtimes(variants):  # asked for by name: it must work, or say why
        rt.require(name, client)
    configs = configurations(network, variants, _runtimes(client))
    kwargs = {}
    for c in configs:
        limits = sandbox.Limits(network=c.network, auto_remove=c.auto_remove, runtime=c.runtime)
        kwargs[c.name] = sandbox.create_kwargs(client, list(marker_command(c.runtime)[0]), image=c.image,
                                               limits=limits, purpose=PURPOSE)
    rows: list[dict] = []
    lifecycles: list[tuple[dict, Lifecycle]] = []
    skipped: dict[str, str] = {}
    failures: list[dict] = []
    error: EngineError | None = None
    partial = False
    events = DaemonEvents(client, PURPOSE)
    counter = iter(range(1, 1 << 30))

    def one(c: StartConfig) -> Lifecycle:
        kw = kwargs[c.name]
        fresh = _fresh_image(client, next(counter)) if c.fresh_image else None
        try:
            return run_lifecycle(client, {**kw, "image": fresh} if fresh else kw, auto_remove=c.auto_remove,
                                 marker=marker_command(c.runtime)[1])
        finally:
            if fresh:
                with contextlib.suppress(Exception):
                    client.api.remove_image(fresh, force=True)

    runs = Rounds(configs, rule, seed, warmup=warmup, progress=progress, desc="start rounds")
    try:
        last = -warmup
        for rnd, slot, c in runs:
            if on_trial and rnd > last and last >= 0:
                on_trial(last)
            last = rnd
            try:
                lc = one(c)
                if lc.exit_code:  # a failed command is a failed trial, never a timing
                    raise EngineError(_("{config}: the container's command exited with {code}: {output}").format(
                        config=c.name, code=lc.exit_code, output=" ".join(lc.output.split())[:160] or "-"),
                        _("Check that this configuration runs here (`vlab doctor`), or leave it out."))
            except EngineError as exc:
                if rnd == -warmup and c.name != "baseline":
                    # the first warm-up round is also a probe: a configuration this engine cannot
                    # run (e.g. a broken bridge network) is skipped, and the reason kept
                    skipped[c.name] = exc.message
                    configs.remove(c)
                    continue
                failures.append({"config": c.name, "trial": rnd, "error": exc.message})
                if len(failures) > MAX_FAILURES:
                    raise
                continue
            base = {"config": c.name, "trial": rnd, "warmup": rnd < 0, "slot": slot,
                    "container": lc.container[:12], "exit_code": lc.exit_code}
            new = phase_rows(lc, base)
            rows.extend(new)
            lifecycles.append((base, lc))
            if rnd >= 0:
                runs.add(c.name, next(r["ms"] for r in new if r["phase"] == TOTAL and r["clock"] == "host"))
        if on_trial and last >= 0:
            on_trial(last)
    except KeyboardInterrupt:
        partial = True
        runs.interrupted()
    except EngineError as exc:
        error, partial = exc, True
        runs.failed()
    finally:
        try:
            events.wait_for([lc.container for _, lc in lifecycles], timeout=0 if partial else 3.0)
        finally:
            events.close()
            sweep(client, [PURPOSE], engine_gone_ok=partial)
    daemon_events = events.report([lc.container for _, lc in lifecycles], lambda evs: bool(daemon_phases(evs)))
    for base, lc in lifecycles:
        for phase, ms in daemon_phases(events.by_id.get(lc.container, [])).items():
            rows.append({**base, "phase": phase, "clock": "daemon", "ms": ms, "harness_ms": np.nan})
    samples = pd.DataFrame(rows)
    cfg = {"trials": rule.max_trials if rule.fixed else None, "stop_rule": rule.to_dict(), "warmup": warmup,
           "network": network, "seed": seed,
           "configs": {c.name: c.what for c in configs}, "command": list(MARKER_CMD),
           "commands": {c.name: list(marker_command(c.runtime)[0]) for c in configs},
           "runtimes": runtime_provenance(client, [c.runtime for c in configs if c.runtime])}
    res = Results("start", samples, _summary(samples), collect(cfg),
                  extra={"phase_doc": PHASE_DOC, "skipped": skipped, "failures": failures,
                         "stopping": runs.report(), "daemon_events": daemon_events}, partial=partial)
    if not samples.empty:
        res.extra["ratios"] = ratios(res).to_dict(orient="records")
        res.extra["self_check"] = self_check(res)
    if error is not None:
        error.partial = res  # the measured trials are not thrown away
        raise error
    return res


def _summary(samples: pd.DataFrame) -> pd.DataFrame:
    if samples.empty:
        return pd.DataFrame()
    timed = samples[~samples["warmup"]] if "warmup" in samples else samples
    return summarize_frame(timed, by=["config", "clock", "phase"], value="ms")


