"""The exercise feedback helpers: blanks say "not yet", a checker never raises at the learner."""

from __future__ import annotations

from vlab.core.exercise import Feedback, checker, is_blank, passed, wrong


@checker
def check_double(x: int, y: int) -> Feedback:
    if y != 2 * x:
        return wrong(f"{y} is not twice {x}", "Multiply by 2.")
    return passed("twice as much")


def test_blanks_anywhere_are_not_yet():
    assert is_blank(...) and is_blank([1, ...]) and is_blank({"a": (2, ...)}) and is_blank({...: 1})
    assert not is_blank(0) and not is_blank([]) and not is_blank("...") and not is_blank(None)
    assert check_double(..., 4).status == "not yet"
    assert check_double(2, [...]).status == "not yet"


def test_pass_and_wrong_carry_a_specific_message():
    ok, bad = check_double(2, 4), check_double(2, 5)
    assert ok and ok.status == "pass" and repr(ok).startswith("✅ PASS")
    assert not bad and bad.status == "wrong" and "5 is not twice 2" in repr(bad) and "hint: Multiply" in repr(bad)
    assert "WRONG" in bad._repr_html_() and "&lt;" in wrong("<b>", "")._repr_html_()


def test_an_exception_inside_a_checker_becomes_feedback():
    fb = check_double("a", 4)  # "a" * 2 == "aa" != 4, fine; now one that raises:
    assert fb.status == "wrong"
    raising = checker(lambda v: passed(str(1 / v)))
    fb = raising(0)
    assert fb.status == "wrong" and "ZeroDivisionError" in fb.message
