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
