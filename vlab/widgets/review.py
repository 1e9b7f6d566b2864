"""The course review quiz (11_review), drawn: the questions and their data live in :mod:`vlab.labs.review`."""

from __future__ import annotations

from vlab.core.results import Results
from vlab.labs.review import QUESTIONS, data_questions
from vlab.widgets.quiz import Quiz

__all__ = ["QUESTIONS", "review_quiz"]


def review_quiz(start: Results | None = None, counts: Results | None = None,
                title: str = "Course review · 복습 퀴즈") -> Quiz:
    """The fixed questions, then the questions computed from the learner's own results."""
    return Quiz((*QUESTIONS, *data_questions(start, counts)), title=title)
