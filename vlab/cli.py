"""Command line: ``vlab doctor | bench | record | compare | clean``.

Benchmarks and recordings come from the labs named in one registry, ``vlab.labs.registry.LABS``:
a lab with ``bench=NAME`` provides ``add_cli_arguments(parser)`` and ``run_cli(args) -> int``; a lab with
``kinds`` provides ``RECORDINGS: dict[str, Callable[[bool], Results]]`` (the argument is ``quick``), used
by ``vlab record``. A lab that fails to import is a bug and surfaces as one.
Errors print one line plus the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vlab.core.errors import VlabError
from vlab.core.i18n import _
from vlab.labs import registry


def _doctor(args) -> int:
    from vlab import doctor

    report = doctor.run(build=not args.no_build, probe_kvm=not args.no_kvm)
    print(report.to_json() if args.json else report.text())
    return 0 if report.live else 1


def _clean(args) -> int:
    from vlab.core.sandbox import clean

    report = clean()
    print(report)
    return 0


def recording_kinds() -> list[str]:
    """Every kind of recording the labs make (what ``vlab record --only`` accepts)."""
    return registry.recording_kinds()


def _record_folder(out: str | None) -> Path:
    """Where ``vlab record`` writes: ``--out DIR``, else the shipped set in a source checkout (never site-packages)."""
    from vlab.core import replay
    from vlab.core.errors import BadParameter

    if out is not None:
        folder = Path(out).expanduser()
        if folder.exists() and not folder.is_dir():
            raise BadParameter(_("--out {folder} is a file, not a folder").format(folder=folder),
                               _("Give a folder, e.g. --out rec/lab-pc."))
    else:
        folder = replay.shipped_dir()
        if any(part in {"site-packages", "dist-packages"} for part in folder.parts):
            raise BadParameter(_("vlab is installed as a package ({folder}): recordings never go into "
                                 "site-packages").format(folder=folder),
                               _("Give a folder: vlab record --out DIR, then replay it with VLAB_RECORDING=DIR."))
    if any(part in {"site-packages", "dist-packages"} for part in folder.resolve().parts):
        raise BadParameter(_("--out {folder} is inside site-packages").format(folder=folder),
                           _("Give a folder of your own, e.g. --out ~/rec."))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadParameter(_("cannot create {folder}: {error}").format(folder=folder, error=exc.strerror or exc),
                           _("Give a folder you can write.")) from exc
    if not os.access(folder, os.W_OK):
        raise BadParameter(_("cannot write to {folder}").format(folder=folder),
                           _("Give a folder you own: vlab record --out DIR."))
    return folder


def _record(args) -> int:
    import time

    from vlab.core import hostprobe, mode, replay, settings
    from vlab.core.errors import BadParameter

    kinds = recording_kinds()
    if args.only is not None:  # check the names before recording anything
        if not args.only:
            raise BadParameter(_("--only needs at least one KIND"), _("Kinds: {kinds}.").format(kinds=" ".join(kinds)))
        unknown = [k for k in args.only if k not in kinds]
        if unknown:
            raise BadParameter(_("unknown recording kind(s): {kinds}").format(kinds=" ".join(unknown)),
                               _("Kinds: {kinds}.").format(kinds=" ".join(kinds)))
    if settings.forced_mode() == "replay":
        raise replay.RecordingRefused(
            _("vlab record measures live only, and VLAB_MODE=replay is set: nothing recorded."),
            _("Unset VLAB_MODE (or set VLAB_MODE=live) on a machine with Docker."))
    folder = _record_folder(args.out)
    current = mode.current()
    if not current.live:
        raise replay.RecordingRefused(_("vlab record measures live only, and this machine is in replay mode: "
                                        "{reason}").format(reason=current.reason),
                                      current.fix or replay.RecordingRefused.hint)
    todo = registry.recorders(args.only)
    virt = hostprobe.virtualization()
    print(_("recording {n} kind(s) into {folder}").format(n=len(todo), folder=folder))
    here = {"host_virtualization": virt, "cpu_count": os.cpu_count(), "load_before": hostprobe.load_average()}
    print(_("this machine: {machine}").format(machine=hostprobe.describe_machine(here)))
    done: list[str] = []
    with replay.recording():
        for i, (kind, fn) in enumerate(todo, 1):
            print(f"[{i}/{len(todo)}] {kind} …", flush=True)
            load_before, t0 = hostprobe.load_average(), time.monotonic()
            res = fn(args.quick)
            if res.replayed:
                raise replay.RecordingRefused(_("the {kind!r} measurement returned replayed data: not saved.").format(
                    kind=kind))
            res.provenance.setdefault("host_virtualization", virt)
            res.provenance.update({"load_before": load_before, "load_after": hostprobe.load_average(),
                                   "recorded_by": "vlab record", "quick": bool(args.quick)})
            path = replay.save(kind, res, folder)
            done.append(kind)
            partial = _(" (partial: interrupted)") if res.partial else ""
            loads = [x[0] if x else "?" for x in (load_before, res.provenance["load_after"])]
            print("      " + _("saved {path} ({n} samples, {s:.0f} s, load {before} → {after})").format(
                path=path, n=len(res.samples), s=time.monotonic() - t0, before=loads[0], after=loads[1]) + partial)
    print(_("recorded {n} measurement(s) into {folder}: {kinds}").format(
        n=len(done), folder=folder, kinds=", ".join(done) or _("none")))
    if done and folder != replay.shipped_dir():
        print(_("replay them with: VLAB_RECORDING={folder}  (compare machines: vlab compare {folder} "
                "OTHER_DIR)").format(folder=folder))
    return 0 if done else 1


def _compare(args) -> int:
    from vlab.core.errors import BadParameter
    from vlab.labs import machines

    table = machines.compare(args.recordings)
    print(machines.format_table(table))
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from vlab.plots.machines import plot_comparison

        path = Path(args.plot).expanduser()
        try:
            plot_comparison(table).savefig(path, dpi=120, bbox_inches="tight")
        except OSError as exc:
            error = exc.strerror or exc
            raise BadParameter(_("cannot write the plot to {path}: {error}").format(path=path, error=error),
                               _("Give a writable file name, e.g. --plot machines.png.")) from exc
        print(_("wrote the plot to {path}").format(path=path))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vlab", description="Learn virtualization by measuring it.")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("doctor", help="check Docker, images, cgroups, QEMU, KVM; say how to fix")
    p.add_argument("--json", action="store_true", help="print the facts as JSON (includes \"mode\")")
    p.add_argument("--no-build", action="store_true", help="do not build missing course images")
    p.add_argument("--no-kvm", action="store_true", help="skip the KVM probe (it boots a guest briefly)")
    p.set_defaults(func=_doctor)

    p = sub.add_parser("clean", help="remove every container, network and volume vlab left behind")
    p.set_defaults(func=_clean)

    p = sub.add_parser("record", help="record real measurements for replay mode (instructors)")
    p.add_argument("--quick", action="store_true", help="few trials (fast, for testing)")
    p.add_argument("--only", nargs="*", metavar="KIND", help="record only these kinds")
    p.add_argument("--out", metavar="DIR", help="write the recording set here (replay it with VLAB_RECORDING=DIR); "
                   "default: the set shipped with a source checkout of vlab")
    p.set_defaults(func=_record)

    p = sub.add_parser("compare", help="several machines' recordings side by side (headline figures)")
    p.add_argument("recordings", nargs="+", metavar="DIR_OR_FILE",
                   help="a recording folder (vlab record --out DIR) or one recording file (e.g. DIR/start.json)")
    p.add_argument("--plot", metavar="FILE.png", help="also draw the headline figures side by side into this file")
    p.set_defaults(func=_compare)

    bench = sub.add_parser("bench", help="run a measurement headless and write JSON")
    bsub = bench.add_subparsers(dest="bench", required=True, metavar="BENCH")
    for lab in registry.bench_labs():
        bp = bsub.add_parser(lab.bench, help=lab.bench_help, description=lab.bench_help)
        module = lab.load()  # an import error is a bug: it surfaces
        module.add_cli_arguments(bp)
        bp.set_defaults(func=module.run_cli)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from vlab.core import settings
        from vlab.core.sandbox import install_cleanup_handlers

        settings.export_run_id()  # the CLI's start-up side effects (never at import): children share the run id
        install_cleanup_handlers()
        return int(args.func(args) or 0)
    except VlabError as exc:
        print(_("error: {error}").format(error=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        from vlab.core.sandbox import remove_all_live

        remove_all_live()
        print(_("interrupted: containers removed, partial results kept where a path was given."), file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
