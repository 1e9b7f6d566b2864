"""Bad input (issue 8 item 3): every measurement, parser, loader and CLI option refuses it clearly.

- every ``@replayable`` measurement checks its arguments in replay mode too (its ``check=`` function);
- live, the checks run before anything touches the engine or QEMU (both are made to explode here);
- the CLI answers bad options with ``error: …`` (or argparse's usage line), a non-zero exit and no traceback;
- property tests: the parameter parsers and the results loader give a value or a VlabError, nothing else.

Only the test marked with the ``engine`` fixture needs Docker.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import vlab
from vlab.core import mode, replay, results, sandbox
from vlab.core.errors import BadParameter, DataError, VlabError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# ---------------------------------------------------------------- the replayable measurements and their bad input
def _fn(path: str):
    modname, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(f"vlab.{modname}"), name)


#: (public function, keyword arguments it must refuse). Each replayable kind appears at least once.
BAD_CALLS: list[tuple[str, dict]] = [
    ("labs.syscalls.count_syscalls", {"n": 0}),
    ("labs.syscalls.count_syscalls", {"n": True}),
    ("labs.syscalls._count_syscalls", {"n": 5}),
    ("labs.servers.tour", {"quick": "yes"}),
    ("labs.servers.ask", {"server": "mainframe"}),
    ("labs.servers.ask", {"server": "web", "path": "no-slash"}),
    ("labs.servers._ask", {"server": "web", "path": 5}),
    ("labs.namespaces.views", {"network": "wifi"}),
    ("labs.security.shared_kernel", {"runs": 0}),
    ("labs.security.shared_kernel", {"runs": 51}),
    ("labs.cgroups.limits_in_files", {"memory": "64"}),  # a bare number is bytes: wrong units
    ("labs.cgroups.limits_in_files", {"memory": "64x"}),
    ("labs.cgroups.limits_in_files", {"cpus": 0}),
    ("labs.cgroups.limits_in_files", {"cpus": None}),
    ("labs.cgroups.limits_in_files", {"pids": -1}),
    ("labs.cgroups.memory_hog", {"limit": "1k"}),
    ("labs.cgroups.memory_hog", {"allocate": "2g"}),
    ("labs.cgroups.cpu_sweep", {"quotas": ()}),
    ("labs.cgroups.cpu_sweep", {"quotas": 0.5}),
    ("labs.cgroups.cpu_sweep", {"workers": 9}),
    ("labs.cgroups.cpu_sweep", {"iterations": 0}),
    ("labs.cgroups.cpu_sweep", {"repeats": 0}),
    ("labs.cgroups.cpu_sweep", {"repeats": -1}),
    ("labs.cgroups.cpu_sweep", {"seed": -1}),
    ("labs.cgroups.fork_limit", {"pids": 0}),
    ("labs.cgroups.fork_limit", {"attempts": 10**6}),
    ("labs.cgroups.noisy_neighbour", {"hog_cpus": 1.0}),
    ("labs.cgroups.noisy_neighbour", {"rounds": 0}),
    ("labs.cgroups.noisy_neighbour", {"rounds": "many"}),
    ("labs.cgroups.noisy_neighbour", {"work": None}),
    ("labs.cgroups.noisy_neighbour", {"repeats": -1}),
    ("labs.cgroups.noisy_neighbour", {"cpuset": "first"}),
    ("labs.cgroups.playground_run", {"workload": "juggling"}),
    ("labs.cgroups.playground_run", {"workload": "memory hog", "size": "big"}),
    ("labs.cgroups.playground_run", {"workload": "CPU loop", "cpus": None}),
    ("labs.cgroups.playground_run", {"workload": "fork processes", "pids": 0}),
    ("labs.cgroups._playground_cpu", {"memory_mb": 5}),
    ("labs.start_time.measure_start", {"trials": 0}),
    ("labs.start_time.measure_start", {"trials": -5}),
    ("labs.start_time.measure_start", {"trials": 10**7}),
    ("labs.start_time.measure_start", {"trials": 2.5}),
    ("labs.start_time.measure_start", {"warmup": 0}),
    ("labs.start_time.measure_start", {"network": "wifi"}),
    ("labs.start_time.measure_start", {"variants": ["gpu"]}),
    ("labs.start_time.measure_start", {"variants": 3}),
    ("labs.start_time.measure_start", {"seed": -1}),
    ("labs.start_time.measure_start", {"on_trial": 5}),
    ("labs.start_time.measure_ladder", {"rungs": ["teleport"]}),
    ("labs.start_time.measure_ladder", {"rungs": []}),
    ("labs.start_time.measure_ladder", {"trials": 0}),
    ("labs.start_time.measure_concurrency", {"levels": [0]}),
    ("labs.start_time.measure_concurrency", {"levels": []}),
    ("labs.start_time.measure_concurrency", {"levels": 8}),
    ("labs.start_time.measure_concurrency", {"levels": [1000]}),
    ("labs.start_time.measure_concurrency", {"rounds": 0}),
    ("labs.start_time.measure_concurrency", {"budget": 0}),
    ("labs.overhead.measure", {"trials": 0}),
    ("labs.overhead.measure", {"only": ["gpu"]}),
    ("labs.overhead.measure", {"only": 5}),
    ("labs.overhead.measure", {"io_mib": 0}),
    ("labs.overhead.measure", {"io_mb": 8}),  # unknown setting name
    ("labs.overhead.measure", {"cpu": 4096}),
    ("labs.overhead.measure", {"save_to": "/nonexistent/dir/x.json"}),
    ("labs.vm.boot.boot_vm", {"trials": 0}),
    ("labs.vm.boot.boot_vm", {"accel": "hvf"}),
    ("labs.vm.boot.boot_vm", {"memory": "32m"}),
    ("labs.vm.boot.boot_vm", {"memory": 10**6}),
    ("labs.vm.boot.boot_vm", {"memory": "lots"}),
    ("labs.vm.boot.boot_vm", {"machine": "virt"}),
    ("labs.vm.boot.boot_vm", {"timeout": 0}),
    ("labs.vm.boot.boot_vm", {"timeout": math.nan}),
    ("labs.vm.boot.boot_vm", {"warmup": -1}),
    ("labs.vm.boot.boot_vm", {"kernel": "/nonexistent/vmlinuz"}),
    ("labs.vm.boot.boot_vm", {"save_to": "/nonexistent/dir/x.json"}),
    ("labs.vm.versus.container_starts", {"trials": 0}),
    ("labs.vm.versus.container_starts", {"warmup": 11}),
    ("labs.vm.versus.container_starts", {"budget": -1}),
    ("labs.vm.versus.container_starts", {"trials": 3, "budget": 5}),
    ("labs.vm.versus._starts", {"trials": -1}),
    ("labs.spectrum.measure_spectrum", {"trials": 0}),
    ("labs.spectrum.measure_spectrum", {"runtime": "run sc"}),
    ("labs.spectrum.measure_spectrum", {"vm": "yes"}),
    ("labs.spectrum.measure_spectrum", {"budget": 0}),
    ("labs.spectrum.measure_spectrum", {"trials": 3, "precision": 0.1}),
]

#: Replayable measurements that take no arguments (nothing to get wrong, but replay must not measure).
NO_ARGS = ["labs.by_hand.variants", "labs.first_container.measure", "labs.namespaces.pid1", "labs.namespaces.sharing",
           "labs.security.capabilities", "labs.security.privileged_view", "labs.security.seccomp_demo"]


def _replayables() -> dict[str, object]:
    """Every function in vlab wrapped by ``@replayable``, by dotted name."""
    found = {}
    for info in pkgutil.walk_packages(vlab.__path__, "vlab."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if callable(obj) and hasattr(obj, "replay_kind") and getattr(obj, "__module__", "") == info.name:
                found[f"{info.name.removeprefix('vlab.')}.{name}"] = obj
    return found


class Touched(AssertionError):
    """Raised when a bad-argument call reached the engine, QEMU or a subprocess."""


@pytest.fixture
def nothing_real(monkeypatch):
    """Make every way to the engine, QEMU or a subprocess explode for the duration of a test."""
    from vlab.core import engine
    from vlab.labs.vm import qemu

    def boom(*args, **kwargs):
        raise Touched("touched the engine/QEMU before checking its arguments")

    real_connect = engine.connect
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("vlab"):
            if getattr(module, "connect", None) is real_connect:
                monkeypatch.setattr(module, "connect", boom)
            if getattr(module, "describe", None) is engine.describe:
                monkeypatch.setattr(module, "describe", boom)
    monkeypatch.setattr(engine, "connect", boom)
    monkeypatch.setattr(engine, "describe", boom)
    import docker

    monkeypatch.setattr(docker, "from_env", boom)
    monkeypatch.setattr(docker.api.client.APIClient, "__init__", boom)
    for name in ("find_qemu", "boot_once", "kvm_probe", "build_initramfs"):
        monkeypatch.setattr(qemu, name, boom)
    monkeypatch.setattr(subprocess, "Popen", boom)
    return boom


@pytest.fixture
def replay_mode(monkeypatch):
    monkeypatch.setenv("VLAB_MODE", "replay")
    mode.current.cache_clear()
    yield
    monkeypatch.delenv("VLAB_MODE")
    mode.current.cache_clear()


@pytest.fixture
def live_mode(monkeypatch):
    """Live mode without asking the engine (the real decision would connect)."""
    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test: pretend an engine answered"))


def test_every_replayable_with_parameters_has_a_check_with_the_same_signature():
    import inspect

    found = _replayables()
    assert len(found) >= 20, sorted(found)
    for name, fn in found.items():
        params = inspect.signature(fn.__wrapped__).parameters
        if params:
            assert fn.replay_check is not None, f"{name} takes arguments but has no check="
            assert inspect.signature(fn.replay_check).parameters == params, name
        else:
            assert fn.replay_check is None, name


def test_replayable_refuses_a_measurement_without_a_matching_check():
    def measure(n: int = 1):  # pragma: no cover - never called
        raise AssertionError

    def check(n: int = 2):  # pragma: no cover - never called
        pass

    with pytest.raises(TypeError):
        replay.replayable("first_container")(measure)
    with pytest.raises(TypeError):
        replay.replayable("first_container", check=check)(measure)


def test_the_bad_input_table_covers_every_replayable():
    kinds_tested = {getattr(_fn(path), "replay_kind", None) for path, _ in BAD_CALLS}
    kinds_tested |= {_fn(path).replay_kind for path in NO_ARGS}
    # public wrappers (count_syscalls, boot_vm, measure, container_starts) call a replayable inner function
    inner = {"labs.syscalls.count_syscalls": "syscalls", "labs.vm.boot.boot_vm": "vm_boot",
             "labs.overhead.measure": "overhead", "labs.vm.versus.container_starts": "vm_container_start"}
    kinds_tested |= {inner[p] for p, _ in BAD_CALLS if p in inner}
    every = {fn.replay_kind for fn in _replayables().values()}
    assert every <= kinds_tested, f"replayable kinds with no bad-input case: {sorted(every - kinds_tested)}"


@pytest.mark.parametrize("path,kwargs", BAD_CALLS, ids=[f"{p}-{k}" for p, k in BAD_CALLS])
def test_bad_arguments_raise_in_replay_mode(path, kwargs, replay_mode, nothing_real):
    with pytest.raises(BadParameter) as exc:
        _fn(path)(**kwargs)
    assert exc.value.message and exc.value.hint and "\n" not in exc.value.message


@pytest.mark.parametrize("path,kwargs", BAD_CALLS, ids=[f"{p}-{k}" for p, k in BAD_CALLS])
def test_bad_arguments_raise_live_before_the_engine_is_touched(path, kwargs, live_mode, nothing_real):
    with pytest.raises(BadParameter) as exc:
        _fn(path)(**kwargs)
    assert exc.value.message and exc.value.hint


@pytest.mark.parametrize("path", NO_ARGS + ["labs.start_time.measure_start", "labs.cgroups.cpu_sweep",
                                            "labs.overhead.measure", "labs.vm.boot.boot_vm"])
def test_good_arguments_in_replay_mode_return_the_recording_without_measuring(path, replay_mode, nothing_real):
    res = _fn(path)()
    assert res.replayed and not res.samples.empty


def test_replay_mode_runs_the_checks_and_never_the_measurement(replay_mode, monkeypatch):
    """In replay mode the decorator runs only the check: the measurement itself never starts."""
    from vlab.labs import cgroups

    def never(*args, **kwargs):
        raise Touched("measured in replay mode")

    monkeypatch.setattr(cgroups.sandbox, "run", never)
    monkeypatch.setattr(cgroups, "engine_cpus", never)
    assert cgroups.cpu_sweep(quotas=(0.5, 1.0), repeats=2).replayed
    assert cgroups.fork_limit(pids=8, attempts=20).replayed


def test_sandbox_refuses_unknown_images_and_bad_requests_before_the_engine(nothing_real):
    for kwargs in ({"image": "ubuntu"}, {"image": 7}, {"limits": {"memory": "64m"}}, {"limits": "64m"}):
        with pytest.raises(BadParameter):
            sandbox.run(["true"], **kwargs)
        with pytest.raises(BadParameter), sandbox.start(["sleep", "5"], **kwargs):
            pass  # pragma: no cover - never reached
    for command in ([], "", "   ", [1, 2], None, 5):
        with pytest.raises(BadParameter):
            sandbox.run(command)
    with pytest.raises(BadParameter):
        sandbox.run(["true"], timeout=0)


@pytest.mark.parametrize("kwargs", [
    {"memory": "64"}, {"memory": "0.5m"}, {"memory": "8g"}, {"memory": "64 MiB"}, {"memory": -1},
    {"pids": 0}, {"pids": 10**6}, {"pids": 1.5}, {"cpus": 0}, {"cpus": 500}, {"cpus": "1"}, {"cpus": math.inf},
    {"network": "wifi"}, {"network": None}, {"cap_add": ["FLY"]}, {"cap_add": 3}, {"pid_mode": 5},
    {"pid_mode": "private"}, {"security_opt": "seccomp=unconfined"}, {"security_opt": ["privileged"]},
    {"security_opt": [None]},
])
def test_limits_refuse_bad_values(kwargs):
    with pytest.raises(BadParameter):
        sandbox.Limits(**kwargs)


def test_lookups_refuse_unknown_names():
    from vlab.labs import cgroups, glossary, iac, overhead_published, servers, syscalls
    from vlab.labs import hypervisors as stack
    from vlab.labs.vm import recorded

    calls = [
        lambda: servers.kind("mainframe"), lambda: servers.kind(["web"]), lambda: servers.ask("mainframe"),
        lambda: servers.ask("web", "no-slash"), lambda: stack.stack("cloud"), lambda: stack.stack([]),
        lambda: stack.explain({}), lambda: syscalls.operation([]), lambda: syscalls.path("read a file", 3),
        lambda: glossary.lookup(42), lambda: glossary.lookup("zzzz-not-a-term"),
        lambda: recorded.figures(kind="nope"), lambda: recorded.figures(source_id=[]),
        lambda: recorded.boot_figures(5), lambda: recorded.boot_figures(["nope"]), lambda: recorded.cite([]),
        lambda: overhead_published.published_ratios(3), lambda: overhead_published.citations(3),
        lambda: iac.loads(None), lambda: iac.load(5), lambda: iac.loads("not = [valid"),
        lambda: cgroups.playground_run("juggling"), lambda: cgroups.playground_run("memory hog", size="big"),
        lambda: cgroups.playground_run("memory hog", memory_mb=None),
    ]
    for call in calls:
        with pytest.raises(VlabError):
            call()


# ---------------------------------------------------------------- results files
def test_unwritable_output_paths_are_refused_early(tmp_path):
    for bad in ("/nonexistent/dir/x.json", str(tmp_path), "", None, 5):
        with pytest.raises(BadParameter):
            results.check_output_path(bad)
    assert results.check_output_path(tmp_path / "ok.json") == tmp_path / "ok.json"


@pytest.mark.parametrize("content", [
    b"", b"{", b"\xff\xfe\x00garbage", b"[]", b"null", b'"text"', b"42",
    b'{"format": "vlab-results/1"}', b'{"format": "vlab-results/2", "kind": "x", "samples": [], "provenance": {}}',
    b'{"format": "vlab-results/1", "kind": 3, "samples": [], "provenance": {}}',
    b'{"format": "vlab-results/1", "kind": "x", "samples": [1, 2], "provenance": {}}',
    b'{"format": "vlab-results/1", "kind": "x", "samples": [], "provenance": {}, "summary": {"a": 1}}',
    b'{"format": "vlab-results/1", "kind": "x", "samples": [], "provenance": {}, "extra": [1]}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_corrupt_results_files_raise_data_error(tmp_path, content):
    p = tmp_path / "r.json"
    p.write_bytes(content)
    with pytest.raises(DataError):
        results.load(p)


def test_results_load_refuses_missing_files_folders_and_non_paths(tmp_path):
    with pytest.raises(DataError):
        results.load(tmp_path / "missing.json")
    with pytest.raises(DataError):
        results.load(tmp_path)
    for bad in (None, 5, ""):
        with pytest.raises(BadParameter):
            results.load(bad)


# ---------------------------------------------------------------- the command line
NO_ENGINE = {**os.environ, "VLAB_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
CLI_CASES = [
    (["bench", "start", "--trials", "0"], "trials"),
    (["bench", "start", "--trials", "-3"], "trials"),
    (["bench", "start", "--trials", "1000000"], "trials"),
    (["bench", "start", "--trials", "abc"], "--trials"),
    (["bench", "start", "--warmup", "0"], "warmup"),
    (["bench", "start", "--seed", "-1"], "seed"),
    (["bench", "start", "--configs", "gpu"], "--configs"),
    (["bench", "start", "--network", "wifi"], "--network"),
    (["bench", "start", "--json", "/nonexistent/dir/x.json"], "/nonexistent/dir"),
    (["bench", "vm", "--trials", "0"], "trials"),
    (["bench", "vm", "--memory", "64"], "memory"),
    (["bench", "vm", "--memory", "1t"], "memory"),
    (["bench", "vm", "--timeout", "-1"], "timeout"),
    (["bench", "vm", "--warmup", "-1"], "warmup"),
    (["bench", "vm", "--accel", "hvf"], "--accel"),
    (["bench", "vm", "--json", "/nonexistent/dir/x.json"], "/nonexistent/dir"),
    (["bench", "overhead", "--trials", "0"], "trials"),
    (["bench", "overhead", "--only", "gpu"], "--only"),
    (["bench", "overhead", "--seed", "-5"], "seed"),
    (["bench", "overhead", "--json", "/nonexistent/dir/x.json"], "/nonexistent/dir"),
    (["record", "--only", "no_such_kind"], "no_such_kind"),
    (["record", "--only"], "--only"),
    (["doctor", "--frobnicate"], "--frobnicate"),
    (["bench", "teleport"], "teleport"),
]


def test_cli_bad_input_gives_one_error_and_no_traceback():
    folder = replay.shipped_dir()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    procs = [(args, needle, subprocess.Popen([sys.executable, "-m", "vlab", *args], stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True, env=NO_ENGINE))
             for args, needle in CLI_CASES]
    failures = []
    for args, needle, proc in procs:
        out, err = proc.communicate(timeout=300)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        why = []
        if proc.returncode not in (1, 2):
            why.append(f"exit {proc.returncode}")
        if "Traceback" in err or "Traceback" in out:
            why.append("traceback")
        if proc.returncode == 1 and not (lines and lines[0].startswith("error: ") and len(lines) <= 2):
            why.append("not one 'error:' line plus its fix")
        if proc.returncode == 2 and not (lines and "error:" in lines[-1]):
            why.append("no usage error line")
        if needle not in err:
            why.append(f"{needle!r} not named")
        if "recording" in out:
            why.append("started recording")
        if why:
            failures.append(f"vlab {' '.join(args)}: {', '.join(why)}\n{err}")
    assert not failures, "\n".join(failures)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "a refused `vlab record` changed a file"


# ---------------------------------------------------------------- property tests: parsers
anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=12), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3),
                                                                                                  st.integers()))
sizes = st.one_of(anything, st.from_regex(r"\s?-?\d{1,7}(\.\d{1,3})?\s?[kKmMgGbBtT]{0,3}\s?", fullmatch=True))


@FAST
@given(sizes)
def test_parse_memory_gives_bytes_in_range_or_bad_parameter(value):
    try:
        n = sandbox.parse_memory(value)
    except BadParameter:
        event("rejected")
        return
    event("accepted")
    assert isinstance(n, int) and 6 * 2**20 <= n <= sandbox.MAX_MEMORY_BYTES


@FAST
@given(st.integers(6, 4096), st.sampled_from(["m", "M", "mb", "MB", " m"]))
def test_parse_memory_accepts_every_size_in_range(mib, unit):
    """The accepting branch, generated on purpose: a property that only ever rejects proves nothing."""
    assert sandbox.parse_memory(f"{mib}{unit}") == mib * 2**20
    assert sandbox.parse_memory(mib * 2**20) == mib * 2**20


@FAST
@given(anything)
def test_check_cpus_gives_a_cpu_count_in_range_or_bad_parameter(value):
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and 0.01 <= value <= 64:
        event("accepted")
        c = sandbox.check_cpus(value)
        assert isinstance(c, float) and c == value
    else:
        event("rejected")
        with pytest.raises(BadParameter):
            sandbox.check_cpus(value)


@FAST
@given(st.floats(0.01, 64) | st.integers(1, 64))
def test_check_cpus_accepts_every_count_in_range(value):
    assert sandbox.check_cpus(value) == float(value)


@FAST
@given(anything)
def test_whole_number_checks(value):
    from vlab.core import validate
    from vlab.labs import start_time as start

    checks = [(sandbox.check_pids, 1, 4096), (start.check_trials, 1, start.MAX_TRIALS), (start.check_warmup, 1, 10),
              (start.check_seed, 0, 2**32 - 1), (lambda v: validate.whole_number("n", v, 3, 9), 3, 9)]
    for check, lo, hi in checks:
        try:
            n = check(value)
        except BadParameter:
            assert isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi
            continue
        assert n == value and type(n) is int and lo <= n <= hi


@FAST
@given(st.integers(3, 9))
def test_whole_number_checks_accept_values_in_range(value):
    from vlab.core import validate
    from vlab.labs import start_time as start

    whole = validate.whole_number
    for check in (sandbox.check_pids, start.check_trials, start.check_seed, lambda v: whole("n", v, 3, 9)):
        assert check(value) == value
    assert start.check_warmup(min(value, 10)) == min(value, 10)


@FAST
@given(anything)
def test_number_check(value):
    """validate.number: a finite int or float in range, never a bool; lo_open refuses lo itself."""
    from vlab.core import validate

    for lo_open in (False, True):
        try:
            got = validate.number("x", value, 0, 64, lo_open=lo_open)
        except BadParameter as exc:
            assert exc.hint and "\n" not in exc.message
            ok_type = isinstance(value, int | float) and not isinstance(value, bool)
            assert not ok_type or not (0 < value <= 64 if lo_open else 0 <= value <= 64) or value != value
            continue
        assert got is value and not isinstance(value, bool) and (0 < value <= 64 if lo_open else 0 <= value <= 64)


@FAST
@given(anything)
def test_number_check_open_ends_and_no_upper_bound(value):
    """hi_open refuses hi itself; hi=None has no upper bound but still refuses inf and nan."""
    from vlab.core import validate

    finite = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    finite = finite and not isinstance(value, bool)
    for lo_open, hi_open, hi in ((True, True, 1), (False, True, 1), (True, False, None), (False, False, None)):
        inside = finite and (0 < value if lo_open else 0 <= value) and (
            hi is None or (value < hi if hi_open else value <= hi))
        try:
            got = validate.number("x", value, 0, hi, lo_open=lo_open, hi_open=hi_open)
        except BadParameter as exc:
            assert not inside and exc.hint and "\n" not in exc.message
            continue
        assert inside and got is value
    try:
        validate.whole_number("n", value, 1, None)
    except BadParameter:
        assert isinstance(value, bool) or not isinstance(value, int) or value < 1
    else:
        assert isinstance(value, int) and not isinstance(value, bool) and value >= 1


def test_validate_speaks_the_learners_language():
    from vlab.core import i18n, validate

    for lang, word in (("en", "must be a whole number from 1 to 200"), ("ko", "정수")):
        i18n.set_language(lang)
        try:
            with pytest.raises(BadParameter) as exc:
                validate.whole_number("trials", 0, 1, 200)
            assert "trials=0" in exc.value.message and word in exc.value.message
            with pytest.raises(BadParameter) as exc:
                validate.flag("vm", "yes")
            assert "vm='yes'" in exc.value.message and "vm=True" in exc.value.hint
        finally:
            i18n.set_language(None)


@FAST
@given(st.floats(0.01, 64) | st.integers(1, 64))
def test_number_check_accepts_values_in_range(value):
    from vlab.core import validate

    assert validate.number("cpus", value, 0.01, 64) == value == sandbox.check_cpus(value)


@FAST
@given(st.one_of(anything, st.lists(st.one_of(st.integers(-5, 100), st.booleans(), st.text(max_size=2)), max_size=6),
                 st.tuples(st.integers(-5, 100))))
def test_check_levels_gives_sorted_levels_or_bad_parameter(value):
    from vlab.labs import start_time as start

    try:
        levels = start.check_levels(value)
    except BadParameter:
        event("rejected")
        return
    event("accepted")
    assert levels and levels == sorted(set(levels)) and all(1 <= k <= start.MAX_LEVEL for k in levels)


@FAST
@given(st.lists(st.integers(1, 64), min_size=1, max_size=8) | st.tuples(st.integers(1, 64)))
def test_check_levels_accepts_every_list_of_levels_in_range(value):
    from vlab.labs import start_time as start

    assert start.check_levels(value) == sorted(set(value))


@FAST
@given(st.one_of(anything, st.sampled_from(["none", "bridge", "host", "container:abc", "vlab-x", "NONE", "bridge "])))
def test_check_network_accepts_only_known_networks(value):
    known = isinstance(value, str) and (value in sandbox.NETWORKS or value.startswith(("container:", "vlab-")))
    if known:
        event("accepted")
        assert sandbox.check_network(value) == value
    else:
        event("rejected")
        with pytest.raises(BadParameter):
            sandbox.check_network(value)


@FAST
@given(st.one_of(anything, st.sampled_from(["busybox", "fat", "vlab/busybox:1", "vlab/fat:1", "ubuntu", "Busybox"])))
def test_image_names_are_course_images_or_bad_parameter(value):
    from vlab.core import images

    known = {n for s in images.IMAGES.values() for n in (s.name, s.tag)}
    if isinstance(value, str) and value in known:
        event("accepted")
        spec = images.spec(value)
        assert value in (spec.name, spec.tag)
    else:
        event("rejected")
        with pytest.raises(BadParameter):
            images.spec(value)


@FAST
@given(st.one_of(anything, st.sampled_from(["none", "bridge"])),
       st.one_of(st.none(), anything, st.lists(st.sampled_from(["network", "image", "first", "gpu", "runtime"]))))
def test_start_configuration_names(network, variants):
    from vlab.labs import start_time as start

    try:
        configs = start.configurations(network, variants)
    except BadParameter:
        event("rejected")
        return
    event("accepted")
    assert configs[0].name == "baseline" and configs[0].network == network


@FAST
@given(st.sampled_from(["none", "bridge"]), st.lists(st.sampled_from(["network", "image", "first", "auto_remove"]),
                                                     unique=True))
def test_start_configurations_accept_known_variants(network, variants):
    from vlab.labs import start_time as start

    configs = start.configurations(network, variants)
    assert configs[0].name == "baseline" and configs[0].network == network
    assert len(configs) == 1 + len(variants)  # one configuration per variant, each changing one factor


@FAST
@given(st.one_of(anything, st.from_regex(r"[0-9,\-]{1,8}", fullmatch=True)))
def test_cpuset_parser(value):
    from vlab.labs import cgroups

    try:
        cpuset = cgroups.check_cpuset(value)
    except BadParameter:
        event("rejected")
        return
    event("accepted")
    assert all(part.split("-")[0].isdigit() for part in cpuset.split(","))


@FAST
@given(st.lists(st.integers(0, 63).flatmap(lambda a: st.sampled_from([str(a), f"{a}-{a + 1}"])), min_size=1,
                max_size=4))
def test_cpuset_parser_accepts_cpu_lists(parts):
    from vlab.labs import cgroups

    value = ",".join(parts)
    assert cgroups.check_cpuset(value) == value


@FAST
@given(sizes)
def test_vm_memory_is_mib_in_range_or_bad_parameter(value):
    from vlab.labs.vm import boot

    try:
        s = boot.Settings(memory_mib=boot.memory_mib(value))
    except BadParameter:
        event("rejected")
        return
    event("accepted")
    assert 64 <= s.memory_mib <= 4096


@FAST
@given(st.integers(64, 4096))
def test_vm_memory_accepts_every_size_in_range(mib):
    from vlab.labs.vm import boot

    assert boot.memory_mib(mib) == mib == boot.memory_mib(f"{mib}m")
    assert boot.Settings(memory_mib=mib).memory_mib == mib


# ---------------------------------------------------------------- property tests: the results loader
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20,
)
near_valid = st.fixed_dictionaries(
    {"format": st.sampled_from([results.FORMAT, results.FORMAT, "vlab-results/0"])},
    optional={"kind": st.one_of(st.text(max_size=8), json_values), "samples": st.one_of(
        st.lists(st.dictionaries(st.text(max_size=4), json_values, max_size=3), max_size=4), json_values),
        "summary": json_values, "provenance": st.one_of(st.dictionaries(st.text(max_size=4), json_values), json_values),
        "extra": json_values, "partial": json_values},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, near_valid))
def test_from_dict_gives_results_or_data_error(data):
    try:
        res = results.from_dict(data)
    except DataError:
        event("rejected")
        return
    event("accepted")
    assert isinstance(res, results.Results) and isinstance(res.kind, str) and isinstance(res.extra, dict)
    assert len(res.samples) == len(data["samples"])


valid_results = st.fixed_dictionaries(
    {"format": st.just(results.FORMAT), "kind": st.text(max_size=8),
     "samples": st.lists(st.fixed_dictionaries({"trial": st.integers(0, 99), "ms": st.floats(0, 1e4)}), max_size=5),
     "provenance": st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3)},
    optional={"summary": st.lists(st.fixed_dictionaries({"median": st.floats(0, 1e4)}), max_size=2),
              "extra": st.dictionaries(st.text(max_size=4), st.integers(), max_size=2), "partial": st.booleans()},
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_results)
def test_valid_results_load_and_round_trip(tmp_path, data):
    res = results.from_dict(data)
    assert res.kind == data["kind"] and len(res.samples) == len(data["samples"])
    assert res.partial is data.get("partial", False) and res.provenance == data["provenance"]
    back = results.load(res.save(tmp_path / "valid.json"))
    assert back.kind == res.kind and len(back.samples) == len(res.samples) and back.partial == res.partial


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), near_valid.map(lambda d: json.dumps(d).encode())))
def test_load_gives_results_or_data_error_for_any_file(tmp_path, content):
    p = tmp_path / "fuzz.json"
    p.write_bytes(content)
    try:
        res = results.load(p)
    except DataError:
        event("rejected")
        return
    event("accepted")
    again = results.load(res.save(tmp_path / "again.json"))  # whatever loads also saves and loads back
    assert again.kind == res.kind and len(again.samples) == len(res.samples)


# ---------------------------------------------------------------- with the real engine
def test_bad_input_starts_no_container_on_a_real_engine(engine):
    from vlab.labs import cgroups
    from vlab.labs import start_time as start

    before = set(sandbox.leftovers(this_run=True))
    for call in (lambda: sandbox.run(["true"], image="ubuntu"), lambda: cgroups.memory_hog(limit="64"),
                 lambda: start.measure_start(trials=0), lambda: cgroups.noisy_neighbour(cpuset="x")):
        with pytest.raises(BadParameter):
            call()
    assert set(sandbox.leftovers(this_run=True)) == before


def test_the_guard_really_stops_a_live_measurement(live_mode, nothing_real):
    """Sanity check of the fixtures: with good arguments, a live measurement does reach for the engine."""
    from vlab.labs import cgroups
    from vlab.labs import start_time as start

    with pytest.raises(Touched):
        start.measure_start(trials=1)
    with pytest.raises(Touched):
        cgroups.fork_limit()
