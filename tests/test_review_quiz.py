"""The review quiz (notebook 11): fair options, honest concept tags, questions computed from the learner's data."""

from __future__ import annotations

import pandas as pd
import pytest

from vlab.core import replay
from vlab.core.results import Results
from vlab.labs import review
from vlab.labs.coverage import course_map
from vlab.widgets import quiz
from vlab.widgets.review import review_quiz


def test_correct_option_is_not_systematically_the_longest():
    assert review.longest_correct_share(review.QUESTIONS) <= 0.25
    for q in review.QUESTIONS:
        if q.choices:
            lengths = [len(c.text) for c in q.choices]
            assert max(lengths) <= 1.6 * min(lengths), q.prompt


def test_longest_share_detects_a_give_away():
    give_away = tuple(review.Question(f"q{i}", choices=(review.Choice("a much longer, right answer", True, "y"),
                                                         review.Choice("no", False, "n"))) for i in range(3))
    assert review.longest_correct_share(give_away) == 1.0


def test_every_course_map_id_is_asked_and_pid1_is_not_lxc():
    ids = set(course_map()["id"])
    asked = {c for q in review.QUESTIONS for c in q.concepts}
    assert asked == ids
    pid1 = next(q for q in review.QUESTIONS if "PID" in q.prompt)
    assert "S3.2" not in pid1.concepts
    lxc = next(q for q in review.QUESTIONS if "LXC" in q.prompt)
    assert "S3.2" in lxc.concepts and "kernel" in next(c for c in lxc.choices if not c.correct).text


def test_syscall_table_question_no_longer_mixes_in_the_hypervisor():
    q = next(q for q in review.QUESTIONS if "system call 1" in q.prompt)
    right = next(c for c in q.choices if c.correct)
    assert "hypervisor" not in right.text + right.why
    assert "S3.9" in q.concepts


def _start(create: float, start: float, bridge_extra: float) -> Results:
    rows = []
    for trial in range(3):
        for cfg, extra in (("baseline", 0.0), ("network:bridge", bridge_extra)):
            phases = {"create": create, "start": start + extra, "exit": 20.0, "remove": 5.0}
            phases["total"] = sum(phases.values())
            rows += [{"config": cfg, "trial": trial, "warmup": False, "phase": p, "ms": ms}
                     for p, ms in phases.items()]
    return Results("start", pd.DataFrame(rows))


def test_longest_phase_follows_the_learners_data():
    q = review.longest_phase_question(_start(create=90.0, start=30.0, bridge_extra=0.0))
    assert next(c.text for c in q.choices if c.correct) == "create"
    q = review.longest_phase_question(_start(create=5.0, start=60.0, bridge_extra=0.0))
    assert next(c.text for c in q.choices if c.correct) == "start"
    assert all("ms" in c.why for c in q.choices)


@pytest.mark.parametrize(("extra", "band"), [(2.0, "less than 5 ms"), (30.0, "5 to 50 ms"),
                                             (150.0, "50 to 500 ms"), (900.0, "more than 500 ms")])
def test_bridge_band_follows_the_learners_data(extra, band):
    q = review.bridge_question(_start(create=5.0, start=60.0, bridge_extra=extra))
    assert next(c.text for c in q.choices if c.correct) == band


def test_data_questions_on_the_recordings_grade_and_draw():
    start, counts = replay.load("start"), replay.load("syscalls")
    extra = review.data_questions(start, counts)
    assert len(extra) == 3
    writes = extra[-1]
    assert writes.numeric and quiz.grade(writes, writes.answer) and not quiz.grade(writes, writes.answer + 1)
    view = review_quiz(start, counts)
    assert len(view.questions) == len(review.QUESTIONS) + 3
    view.build()
    last = view.views[-2]
    right = next(c.text for c in last.question.choices if c.correct)
    last.input.value = right
    assert last.last and view.score == 1


def test_no_data_question_without_bridge_or_data():
    base = _start(5.0, 60.0, 0.0)
    base = Results("start", base.samples[base.samples["config"] == "baseline"])
    assert [q.prompt for q in review.data_questions(base)] == [review.longest_phase_question(base).prompt]
    assert review.data_questions() == ()
