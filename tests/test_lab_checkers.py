"""The exercise checkers of notebooks 00 and 01, on the shipped recordings: right answers pass, typical mistakes
get specific feedback, blanks say NOT YET."""

from __future__ import annotations

import hashlib
from pathlib import Path

from vlab.core.replay import load
from vlab.labs import first_container, servers
from vlab.labs.first_container import FirstLook

FACTS = FirstLook(1, "6.1", "6.1", "abc", {"Memory": 64 * 1024**2})


def test_memory_mib_checker():
    assert first_container.check_memory_mib(64.0, FACTS).status == "pass"
    assert "megabytes" in first_container.check_memory_mib(64 * 1024**2 / 1e6, FACTS).message
    assert "still bytes" in first_container.check_memory_mib(64 * 1024**2, FACTS).message
    assert first_container.check_memory_mib(32, FACTS).status == "wrong"
    assert first_container.check_memory_mib("64", FACTS).status == "wrong"
    assert first_container.check_memory_mib(..., FACTS).status == "not yet"


def test_safe_kwargs_checker():
    good = dict(labels={"vlab": "1", "vlab.purpose": "my-first-container"}, mem_limit="32m", pids_limit=16,
                cap_drop=["ALL"], network_mode="none", remove=True)
    assert first_container.check_safe_kwargs(good).status == "pass"
    assert first_container.check_safe_kwargs({**good, "labels": {"vlab": "1", "vlab.purpose": ...}}).status == "not yet"
    fb = first_container.check_safe_kwargs({**good, "network_mode": "bridge", "remove": False})
    assert fb.status == "wrong" and "network_mode" in fb.message and "remove=True" in fb.message
    assert "privileged" in first_container.check_safe_kwargs({**good, "privileged": True}).message
    assert first_container.check_safe_kwargs([good]).status == "wrong"


def test_start_prediction_text():
    assert "within a factor of two" in first_container.compare_start_prediction(150, 100.0)
    assert "too slow" in first_container.compare_start_prediction(10_000, 100.0)
    assert "too fast" in first_container.compare_start_prediction(1, 100.0)
    assert "No prediction" in first_container.compare_start_prediction(None, 100.0)
    assert first_container.recorded_run_ms() > 0


def test_changed_keys_checker():
    tour = load("servers")
    assert servers.check_changed_keys(["request_number", "pid"], tour).status == "pass"
    assert servers.check_changed_keys(["request_number", "server_time"], tour).status == "wrong"
    assert "not keys" in servers.check_changed_keys(["time"], tour).message
    assert servers.check_changed_keys("pid", tour).status == "wrong"
    assert servers.check_changed_keys(..., tour).status == "not yet"


def test_page_hashes_checker():
    tour = load("servers")
    root = [r for r in servers.responses(tour, "web") if r.path == "/"]
    right = [hashlib.sha256(r.body.encode()).hexdigest() for r in root]
    assert servers.check_page_hashes(right, tour).status == "pass"
    assert servers.check_page_hashes(right[:1], tour).status == "wrong"
    assert servers.check_page_hashes([hashlib.md5(r.body.encode()).hexdigest() for r in root], tour).status == "wrong"
    assert servers.check_page_hashes(..., tour).status == "not yet"


def test_container_stack_puts_the_engine_beside_the_containers():
    from vlab.labs import hypervisors

    rows = hypervisors.stack("container")
    kernel_row = next(i for i, row in enumerate(rows) if hypervisors.LAYERS[row[0]].is_kernel)
    assert "namespaces" in hypervisors.LAYERS[rows[kernel_row][0]].name  # kernel features, in the kernel
    assert kernel_row == len(rows) - 2 and "engine" in rows[-1]  # nothing between the containers and the kernel
    assert hypervisors.kernels("container") == 1


def test_syscall_exercises_of_notebook_04():
    from pathlib import Path

    from vlab.labs import hypervisors

    counts = load("syscalls")
    right = {r.where: int(r.syscr + r.syscw - 2 * r.n) for r in counts.summary.itertuples()}
    assert hypervisors.check_extra_calls(right, counts).status == "pass"
    plus = {k: v + 2 * 10000 for k, v in right.items()}
    assert "Subtract 2 * n" in hypervisors.check_extra_calls(plus, counts).hint
    assert hypervisors.check_extra_calls({"native": right["native"]}, counts).status == "wrong"
    assert hypervisors.check_extra_calls(..., counts).status == "not yet"

    def reader(pid):
        return next(int(ln.split(":")[1]) for ln in Path(f"/proc/{pid}/io").read_text().splitlines()
                    if ln.startswith("syscw:"))

    assert hypervisors.check_io_reader(reader).status == "pass"
    assert hypervisors.check_io_reader(lambda pid: ...).status == "not yet"
    assert hypervisors.check_io_reader(lambda pid: "12").status == "wrong"
    syscr = hypervisors.check_io_reader(lambda pid: int(Path(f"/proc/{pid}/io").read_text().split()[5]))  # syscr
    assert syscr.status == "wrong"
    frozen = reader("self")
    assert hypervisors.check_io_reader(lambda pid: frozen).status == "wrong"
    assert "right" in hypervisors.compare_syscall_prediction(10003, counts)
    assert "more than measured" in hypervisors.compare_syscall_prediction(20000, counts)


def test_iac_exercises_of_notebook_02():
    from vlab.labs import iac

    env = iac.load(Path(__file__).resolve().parents[1] / "notebooks" / "environment.toml")

    def right(desired, actual):
        return {"create": [n for n in desired if n not in actual],
                "replace": [n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])],
                "delete": [n for n in actual if n not in desired]}

    def no_drift(desired, actual):  # forgets that a stopped server must be replaced
        out = right(desired, actual)
        out["replace"] = [n for n in desired if n in actual and actual[n][0] != desired[n]]
        return out

    assert iac.check_my_plan(right, env).status == "pass"
    fb = iac.check_my_plan(no_drift, env)
    assert fb.status == "wrong" and "stopped" in fb.message
    assert iac.check_my_plan(lambda d, a: {"create": ..., "replace": ..., "delete": ...}, env).status == "not yet"
    assert iac.check_my_plan(lambda d, a: [], env).status == "wrong"

    edited = iac.loads(iac.to_toml(env).replace("Welcome to the vlab shop", "Big sale"))
    running = {n: iac.Actual(n, c, iac.config_hash(c), True, "id") for n, c in env.desired().items()}
    plan = iac.diff(edited, running)
    assert plan.of("replace") == ["web"]
    assert iac.check_replaced(["web"], plan).status == "pass"
    assert "every server" in iac.check_replaced([c.server for c in plan.changes], plan).message
    assert iac.check_replaced("web", plan).status == "wrong"
    assert iac.check_replaced(..., plan).status == "not yet"


def test_glossary_corrections():
    from vlab.labs import glossary

    assert "user-space" in glossary.lookup("LXC")["definition"]
    assert "kernel's own" not in glossary.lookup("LXC")["definition"]
    assert glossary.lookup("멱등성")["term"] == "idempotence"  # the noun, as the Korean term is
    assert glossary.lookup("runc")["notebook"] == "05b_container_by_hand"


def test_predictions_of_notebooks_01_and_02():
    from vlab.labs import iac

    tour = load("servers")
    assert servers.compare_prediction(False, tour).startswith("Your prediction was right")
    assert servers.compare_prediction(True, tour).startswith("Not what you predicted")
    assert servers.compare_prediction(None, tour).startswith("No prediction")
    report = iac.ApplyReport(iac.Plan("shop", []), done=[iac.Change("keep", "web"), iac.Change("keep", "app")])
    assert iac.compare_apply_prediction(0, report).startswith("Your prediction was right")
    assert iac.compare_apply_prediction(2, report).startswith("You predicted 2")
    assert iac.compare_apply_prediction(None, report).startswith("No prediction")


def test_write_count_checker_of_notebook_09_calls_the_learners_functions():
    """09 exercise 2: the checker runs both functions around loops of its own, so a typed number cannot pass."""
    from vlab.labs import syscalls

    def syscw() -> int:
        return int(Path("/proc/thread-self/io").read_text().split("syscw:")[1].split()[0])

    def made_by(loop):
        before = syscw()
        loop()
        return syscw() - before

    assert syscalls.check_write_count(syscw, made_by).status == "pass"
    # blanks: the exercise cell's `return ...` in either function
    assert syscalls.check_write_count(lambda: ..., made_by).status == "not yet"
    blank_second = syscalls.check_write_count(syscw, lambda loop: ...)
    assert blank_second.status == "not yet" and "writes_made_by" in blank_second.message
    # a typed number, whatever it is, is not the count of the checker's loop
    for typed in (0, 1000, 1001):
        fb = syscalls.check_write_count(syscw, lambda loop, typed=typed: typed)
        assert fb.status == "wrong", (typed, fb)
    assert "0" in syscalls.check_write_count(syscw, lambda loop: 0).message
    # a counter read once, or the read counter, is caught with its own message
    frozen = syscw()
    assert "anew" in syscalls.check_write_count(lambda: frozen, made_by).message

    def syscr() -> int:
        return int(Path("/proc/thread-self/io").read_text().split("syscr:")[1].split()[0])

    assert "grew by" in syscalls.check_write_count(syscr, made_by).message
    assert "not a whole number" in syscalls.check_write_count(lambda: "12", made_by).message
    # a total since the thread started (made larger than ten loops first), and before/after swapped
    import os

    fd = os.open(os.devnull, os.O_WRONLY)
    for _i in range(5000):
        os.write(fd, b"x")
    os.close(fd)
    assert "total" in syscalls.check_write_count(syscw, lambda loop: (loop(), syscw())[1]).message

    def swapped(loop):
        before = syscw()
        loop()
        return before - syscw()

    assert "swapped" in syscalls.check_write_count(syscw, swapped).message
    assert syscalls.check_write_count(1000, made_by).status == "wrong"


def test_spectrum_exercises_of_notebook_10b_on_the_recording():
    from vlab.labs import spectrum_exercises as ex

    res = load("spectrum")
    s, kernels = res.samples, res.extra["kernels"]
    med = s[s.metric == "syscall"].groupby("place")["value"].median()
    mean = s[s.metric == "syscall"].groupby("place")["value"].mean()
    assert ex.check_syscall_factor(med["gvisor"] / med["runc"], res).status == "pass"
    assert ex.check_syscall_factor(..., res).status == "not yet"
    assert "upside down" in ex.check_syscall_factor(med["runc"] / med["gvisor"], res).message
    assert "plain process" in ex.check_syscall_factor(med["gvisor"] / med["process"], res).message
    assert "means" in ex.check_syscall_factor(mean["gvisor"] / mean["runc"], res).message
    assert ex.check_syscall_factor(47, res).status == "wrong"
    assert "number" in ex.check_syscall_factor("47", res).message

    shared = [p for p, r in kernels.items() if p != "host" and r == kernels["host"]]
    assert shared == ["runc"]  # the recording: gVisor answers 4.4.0, the VM booted its own Debian kernel
    assert ex.check_shared_kernel(shared, res).status == "pass"
    assert ex.check_shared_kernel(..., res).status == "not yet"
    assert ex.check_shared_kernel(["runc", ...], res).status == "not yet"
    assert "gvisor reports kernel 4.4.0" in ex.check_shared_kernel(["runc", "gvisor"], res).message
    assert "missing" in ex.check_shared_kernel([], res).message
    assert "'host'" in ex.check_shared_kernel(["host", "runc"], res).message
    assert "not instances" in ex.check_shared_kernel(["runc", "kata"], res).message
    assert "list" in ex.check_shared_kernel("runc", res).message


def test_plain_cells_show_recorded_values_in_replay():
    """01's and 05b's plain-interface cells, in replay: values from the shipped recordings, said to be recorded."""
    from vlab.labs import by_hand

    line, note = servers.recorded_get()
    web = load("servers").samples.query("server == 'web' and method == 'GET'").iloc[0]
    assert line.startswith(f"GET {web['path']} → {int(web['status'])} ") and web["body"].strip() in line
    assert note.startswith("recorded")
    n, examples, note = by_hand.recorded_export()
    rootfs = load("by_hand").extra["rootfs"]
    assert n == rootfs["files"] > 100 and examples == rootfs["examples"] and "bin" in examples
    assert note.startswith("recorded")
