"""Widgets: logic unit tests and callbacks driven without a browser (``.value = …``, ``.click()``)."""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlab.core.errors import BadParameter, DataError
from vlab.labs import hypervisors, syscalls
from vlab.widgets import consolidation, quiz, stack, syscall_path


# ------------------------------------------------------------------ quiz
def _mc():
    return quiz.Question("Which shares the host kernel?", choices=(
        quiz.Choice("a VM", False, "A VM boots its own guest kernel."),
        quiz.Choice("a container", True, "Containers are host processes."),
    ))


def test_grade_multiple_choice_explains_every_choice():
    q = _mc()
    right, wrong = quiz.grade(q, "a container"), quiz.grade(q, 0)
    assert right and "host processes" in right.message
    assert not wrong and "own guest kernel" in wrong.message
    assert not quiz.grade(q, None).answered
    assert not quiz.grade(q, 7) and not quiz.grade(q, "a toaster")


def test_grade_numeric_with_tolerance_and_direction():
    q = quiz.Question("exit code of an OOM kill?", answer=137, tolerance=0, explanation="128 + SIGKILL (9).")
    assert quiz.grade(q, "137") and quiz.grade(q, 137.0)
    assert "too high" in quiz.grade(q, 200).message and "too low" in quiz.grade(q, 1).message
    assert not quiz.grade(q, "many")
    assert "137" in q.solution() and "SIGKILL" in q.solution()


def test_question_validation():
    with pytest.raises(BadParameter):
        quiz.Question("no answer at all")
    with pytest.raises(BadParameter):
        quiz.Question("two right", choices=(quiz.Choice("a", True, "x"), quiz.Choice("b", True, "y")))
    with pytest.raises(BadParameter):
        quiz.Question("no why", choices=(quiz.Choice("a", True, ""), quiz.Choice("b", False, "y")))


def test_check_self_check_helper():
    assert quiz.check(3, 3) and repr(quiz.check(3, 3)) == "✅ Correct."
    assert quiz.check(2.98, 3, tolerance=0.05) and not quiz.check(2.9, 3, tolerance=0.05)
    assert quiz.check(105, 100, rel=0.1)
    assert quiz.check(" Namespace ", "namespace")
    assert quiz.check(True, True) and not quiz.check(1, True)
    none = quiz.check(None, 3)
    assert not none and not none.answered and "replace None" in none.message
    assert not quiz.check("abc", 3)
    with pytest.raises(BadParameter):
        quiz.check(1, 1, tolerance=-1)


def test_question_view_gives_immediate_feedback_and_solution():
    v = quiz.QuestionView(_mc(), 1)
    v.input.value = "a VM"  # a click on a radio button
    assert "Not quite" in v.feedback.value and not v.last
    v.input.value = "a container"
    assert "Correct" in v.feedback.value and v.last
    assert not v.solution.shown
    v.solution.button.click()
    assert v.solution.shown and "a container" in v.solution.panel.value
    v.solution.button.click()
    assert not v.solution.shown


def test_numeric_view_and_quiz_score():
    q2 = quiz.Question("PID of the first process in a container?", answer=1)
    qz = quiz.Quiz([_mc(), q2])
    qz.build()
    assert "0 / 2" in qz.score_label.value
    qz.views[1].input.value = "1"
    qz.views[1].check_button.click()
    assert qz.score == 1 and "1 / 2" in qz.score_label.value
    qz.views[0].input.value = "a container"
    assert qz.score == 2 and "2 / 2" in qz.score_label.value
    with pytest.raises(BadParameter):
        quiz.Quiz([])


def test_review_quiz_is_well_formed():
    from vlab.widgets.review import QUESTIONS

    assert 10 <= len(QUESTIONS) <= 16
    from vlab.labs.coverage import course_map

    ids = set(course_map()["id"])
    for q in QUESTIONS:
        assert q.concepts and set(q.concepts) <= ids
        assert quiz.grade(q, q.answer if q.numeric else next(c.text for c in q.choices if c.correct))


# ------------------------------------------------------------------ consolidation
def test_plan_example_by_hand():
    a = consolidation.Assumptions()
    df = consolidation.plan(20, 1.0, 4.0, a).set_index("approach")
    assert df.loc["bare metal", "machines"] == 20
    # VM: (64-2)/(1+0.25)=49 by CPU, (512-8)/(4+1)=100 by memory → 49 per host → 1 host
    assert df.loc["virtual machines", "machines"] == 1
    assert df.loc["containers", "machines"] == 1
    assert df.loc["bare metal", "cost"] == 20 * a.small_price
    assert df.loc["virtual machines", "cores_reserved"] == pytest.approx(2 + 20 * 0.25)


def test_plan_big_services_take_several_small_servers():
    df = consolidation.plan(3, 6, 4).set_index("approach")  # 6 cores > 4 per small server
    assert df.loc["bare metal", "machines"] == 6


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.floats(0.1, 16), st.floats(0.1, 64))
def test_plan_invariants(services, cpu, mem):
    a = consolidation.Assumptions()
    df = consolidation.plan(services, cpu, mem, a).set_index("approach")
    vm, ct, bm = (df.loc[k] for k in ("virtual machines", "containers", "bare metal"))
    assert ct.machines <= vm.machines  # a container never needs a guest OS
    assert bm.machines >= services  # isolation on bare metal: a server (or more) per service
    for row, cores, mem_cap in ((vm, a.big_cores - a.hypervisor_cores, a.big_mem_gib - a.hypervisor_mem_gib),
                                (ct, a.big_cores - a.engine_cores, a.big_mem_gib - a.engine_mem_gib)):
        assert row.machines * cores + 1e-6 >= services * cpu  # enough cores for the demand
        assert row.machines * mem_cap + 1e-6 >= services * mem
        assert 0 < row.util_cpu <= 1
    assert math.isclose(vm.cost, vm.machines * a.big_price)


def test_plan_bad_input():
    for args in ((0, 1, 1), (1.5, 1, 1), (True, 1, 1), (5, -1, 1), (5, 1, float("nan"))):
        with pytest.raises(BadParameter):
            consolidation.plan(*args)
    with pytest.raises(BadParameter, match="does not fit"):
        consolidation.plan(1, 100, 1)
    with pytest.raises(BadParameter):
        consolidation.Assumptions(guest_os_mem_gib=-1)


def test_consolidation_view_updates_on_slider_moves():
    v = consolidation.ConsolidationView(services=10, cpu=1, mem_gib=2)
    assert v.plan.set_index("approach").loc["bare metal", "machines"] == 10
    v.services.value = 150
    assert v.plan.set_index("approach").loc["bare metal", "machines"] == 150
    assert "<b>150</b>" in v.result.value
    before = v.plan.set_index("approach").loc["virtual machines", "machines"]
    v.with_assumptions(guest_os_mem_gib=8, guest_os_cores=2)
    assert v.plan.set_index("approach").loc["virtual machines", "machines"] > before
    v.cpu.value = 16  # 150 × 16 cores still fit (one per host); now make one not fit
    v.with_assumptions(big_cores=8, hypervisor_cores=1, engine_cores=1)
    assert v.plan is None and "does not fit" in v.result.value
    assert "Assumptions" in v.notes.value


# ------------------------------------------------------------------ stack explorer
def test_stacks_and_kernels():
    assert hypervisors.kernels("container") == 1 and hypervisors.kernels("bare metal") == 1
    assert hypervisors.kernels("type-1 hypervisor") == 2 and hypervisors.kernels("type-2 hypervisor") == 2
    for name, rows in hypervisors.STACKS.items():
        assert rows[0] == ["hardware"], name
        assert all(key in hypervisors.LAYERS for row in rows for key in row)
    assert "guest_kernel" not in {k for row in hypervisors.stack("container") for k in row}
    assert "하이퍼바이저" in hypervisors.explain("hypervisor2", korean=True)
    with pytest.raises(BadParameter):
        hypervisors.stack("mainframe")
    with pytest.raises(BadParameter):
        hypervisors.explain("nope")


def test_stack_view_draws_and_explains_on_click():
    v = stack.StackView("container")
    names = [b.layer for b in v.buttons]
    assert names[-1] == "hardware" and "engine" in names and "guest_kernel" not in names
    v.click("engine")
    assert v.selected == "engine" and "namespaces" in v.explanation.value and "네임스페이스" in v.explanation.value
    v.picker.value = "type-2 hypervisor"
    assert {"hypervisor2", "guest_kernel", "host_kernel"} <= {b.layer for b in v.buttons}
    assert v.selected is None and "Kernels on an app's path: <b>2</b>" in v.note.value
    v.buttons[0].click()
    assert v.selected == "app"
    with pytest.raises(BadParameter):
        v.click("engine")  # no engine in a hypervisor stack
    with pytest.raises(BadParameter):
        stack.StackView("nope")


# ------------------------------------------------------------------ system-call path (model: vlab.labs.syscalls)
def test_paths():
    for op in syscalls.OPERATIONS:
        vm = syscalls.path(op, "virtual machine")
        ct = syscalls.path(op, "container")
        assert [h.layer for h in vm] == ["app", "guest kernel", "hypervisor", "host kernel", "hardware"]
        assert [h.layer for h in ct] == ["app", "host kernel", "hardware"]
        assert syscalls.kernels_crossed(op, "virtual machine") == 2
        assert syscalls.kernels_crossed(op, "container") == 1
    with pytest.raises(BadParameter):
        syscalls.path("fly", "container")
    with pytest.raises(BadParameter):
        syscalls.path("read a file", "cloud")


def _fake_syscall_results():
    import pandas as pd

    from vlab.core.results import Results

    s = pd.DataFrame([{"where": "native", "n": 100, "syscr": 109, "syscw": 103, "kernel": "k"},
                      {"where": "container", "n": 100, "syscr": 109, "syscw": 103, "kernel": "k"}])
    return Results("syscalls", s)


def test_costs_use_given_results_or_say_not_measured(monkeypatch):
    monkeypatch.setattr(syscalls, "_recorded", lambda kind: None)
    c = syscalls.costs("read a file", {"syscalls": _fake_syscall_results()})
    assert "109 read()" in c["container"] and "109 read()" in c["bare metal"]
    assert c["virtual machine"].startswith("not measured yet")
    assert syscalls.costs("send a packet")["container"] == "not measured yet"


def test_overhead_ratio_is_found_schema_tolerantly(monkeypatch):
    import pandas as pd

    from vlab.core.results import Results

    ratios = [{"metric": "cpu", "config": "container", "baseline": "native", "ratio": 1.01},
              {"metric": "net_latency", "config": "bridge", "baseline": "native", "ratio": 1.2, "ci_low": 1.1,
               "ci_high": 1.3}]
    samples = pd.DataFrame([{"metric": "memory", "config": "shim RSS", "value": v, "unit": "MiB"} for v in (12, 14)])
    res = Results("overhead", samples, extra={"ratios": ratios, "what": {"net_latency": "latency"}})
    monkeypatch.setattr(syscalls, "_recorded", lambda kind: None)
    c = syscalls.costs("send a packet", {"overhead": res})
    assert c["container"] == "measured: latency: bridge / native 1.20 (95% CI 1.10–1.30)"
    assert "shim RSS: 13.0 MiB" in syscalls.costs("allocate memory", {"overhead": res})["container"]
    assert "1.01" not in c["container"]


def test_syscall_path_view_callbacks(monkeypatch):
    monkeypatch.setattr(syscalls, "_recorded", lambda kind: None)
    v = syscall_path.SyscallPathView(results={"syscalls": _fake_syscall_results()})
    assert "hypervisor" in v.out.value and "<b>2</b>" in v.out.value
    v.where.value = "container"
    assert "hypervisor" not in v.out.value and "<b>1</b>" in v.out.value and "109 read()" in v.out.value
    v.op.value = "send a packet"
    assert "veth" in v.out.value and "not measured yet" in v.out.value
    with pytest.raises(BadParameter):
        syscall_path.SyscallPathView(where="moon")


# ------------------------------------------------------------------ system calls lab
def test_parse_counts():
    text = "rchar: 1\nsyscr: 10\nsyscw: 2\n---\nsyscr: 1012\nsyscw: 1005\n---\n6.1.0\n"
    assert syscalls.parse_counts(text) == ({"syscr": 1002, "syscw": 1003}, "6.1.0")
    with pytest.raises(DataError):
        syscalls.parse_counts("garbage")
    with pytest.raises(Exception, match="CONFIG_TASK_IO_ACCOUNTING"):
        syscalls.parse_counts("a\n---\nb\n---\nk")


def test_count_syscalls_bad_n_fails_before_anything_runs():
    for n in (0, 5, 10**7, 2.5, True):
        with pytest.raises(BadParameter):
            syscalls.count_syscalls(n)


def test_raw_getpid_returns_our_pid():
    try:
        number, pid = syscalls.raw_getpid()
    except Exception as exc:  # noqa: BLE001 - not Linux x86/arm64
        pytest.skip(str(exc))
    assert pid == os.getpid() and number in set(syscalls.SYSCALL_NUMBERS["getpid"])


def test_syscall_numbers_differ_between_oses():
    t = syscalls.SYSCALL_NUMBERS.set_index(["os", "arch"])
    assert t.loc[("Linux", "x86-64"), "write"] != t.loc[("macOS", "x86-64 / arm64"), "write"]
    assert t["source"].str.len().min() > 10


@pytest.mark.engine
def test_kernel_counts_the_containers_syscalls(engine):
    res = syscalls.count_syscalls(200)
    assert not res.replayed
    assert syscalls.counted_at_least_n(res) == {"native": True, "container": True}
    assert res.extra["same_kernel"] is True
    assert set(res.samples["where"]) == {"native", "container"}


# ------------------------------------------------------------------ concept figures
def test_concept_figures_draw_and_validate():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vlab.plots import concepts

    assert len(concepts.FIGURES) == 6
    for fn in concepts.FIGURES.values():
        fig = fn()
        assert fig.axes and any(ax.patches for ax in fig.axes)
        plt.close(fig)
    fig = concepts.stacks_side_by_side()
    assert len(fig.axes) == 4
    plt.close(fig)
    with pytest.raises(BadParameter):
        concepts.virtualization(n_guests=0)
    with pytest.raises(BadParameter):
        concepts.stack_diagram("mainframe")
