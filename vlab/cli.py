"""Command line: ``vlab doctor | bench | record | clean``.

Benchmarks and recordings are contributed by the lab modules:
- a module in BENCHES provides ``add_cli_arguments(parser)`` and ``run_cli(args) -> int``;
- a module in LAB_MODULES provides ``RECORDINGS: dict[str, Callable[[bool], Results]]``
  (the argument is ``quick``), used by ``vlab record``.
Errors print one line plus the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from vlab.core.errors import VlabError

BENCHES = {
    "start": ("vlab.labs.start_time", "container start time, phase by phase"),
    "vm": ("vlab.labs.vm.boot", "boot a real VM with QEMU and time it"),
    "overhead": ("vlab.labs.overhead", "container vs native overhead: CPU, syscalls, I/O, network"),
}
LAB_MODULES = [
    "vlab.labs.first_container",
    "vlab.labs.start_time",
    "vlab.labs.vm.boot",
    "vlab.labs.namespaces",
    "vlab.labs.cgroups",
    "vlab.labs.security",
    "vlab.labs.overhead",
    "vlab.labs.servers",
    "vlab.labs.syscalls",
]


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
    """Every kind of recording the lab modules can make (what ``vlab record --only`` accepts)."""
    kinds: list[str] = []
    for modname in LAB_MODULES:
        try:
            kinds += list(getattr(importlib.import_module(modname), "RECORDINGS", {}))
        except ImportError:
            continue
    return kinds


def _record(args) -> int:
    from vlab.core import provenance, replay
    from vlab.core.errors import BadParameter

    if args.only is not None:  # check the names before recording anything
        if not args.only:
            raise BadParameter("--only needs at least one KIND", f"Kinds: {' '.join(recording_kinds())}.")
        unknown = [k for k in args.only if k not in recording_kinds()]
        if unknown:
            raise BadParameter(f"unknown recording kind(s): {' '.join(unknown)}",
                               f"Kinds: {' '.join(recording_kinds())}.")
    done = []
    for modname in LAB_MODULES:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        for kind, fn in getattr(module, "RECORDINGS", {}).items():
            if args.only and kind not in args.only:
                continue
            print(f"recording {kind} …", flush=True)
            res = fn(args.quick)
            path = replay.save(kind, res)
            done.append(kind)
            print(f"  saved {path}")
    if not done:
        print("recorded 0 measurement(s): none")
        return 1
    prov = provenance.collect()
    replay.set_provenance({
        "host": prov["host"], "kernel": prov["kernel"], "date": prov["date"],
        "engine_version": prov.get("engine", {}).get("server_version", "?"),
        "cgroup_version": prov["cgroup_version"], "cpu_count": prov["cpu_count"],
        "vlab_version": prov["vlab_version"], "quick": bool(args.quick),
    })
    print(f"recorded {len(done)} measurement(s): {', '.join(done) or 'none'}")
    return 0 if done else 1


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
    p.set_defaults(func=_record)

    bench = sub.add_parser("bench", help="run a measurement headless and write JSON")
    bsub = bench.add_subparsers(dest="bench", required=True, metavar="BENCH")
    for name, (modname, helptext) in BENCHES.items():
        bp = bsub.add_parser(name, help=helptext, description=helptext)
        bp.set_defaults(func=_bench_runner(modname))
        try:
            importlib.import_module(modname).add_cli_arguments(bp)
        except ImportError:
            bp.set_defaults(func=_missing(name))
    return ap


def _bench_runner(modname: str):
    def run(args) -> int:
        return importlib.import_module(modname).run_cli(args)

    return run


def _missing(name: str):
    def run(args) -> int:
        print(f"vlab bench {name} is not available in this version.", file=sys.stderr)
        return 2

    return run


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from vlab.core import settings
        from vlab.core.sandbox import install_cleanup_handlers

        settings.export_run_id()  # the CLI's start-up side effects (never at import): children share the run id
        install_cleanup_handlers()
        return int(args.func(args) or 0)
    except VlabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        from vlab.core.sandbox import remove_all_live

        remove_all_live()
        print("interrupted: containers removed, partial results kept where a path was given.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
