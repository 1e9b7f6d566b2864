"""The course review quiz (11_review), drawn: the questions and their data live in :mod:`vlab.labs.review`."""

from __future__ import annotations

from vlab.core.i18n import _
from vlab.core.results import Results
from vlab.labs.review import QUESTIONS, data_questions
from vlab.widgets.quiz import Quiz

__all__ = ["QUESTIONS", "review_quiz"]


def review_quiz(start: Results | None = None, counts: Results | None = None,
                title: str | None = None) -> Quiz:
    """The fixed questions, then the questions computed from the learner's own results."""
    title = _("Course review · 복습 퀴즈") if title is None else title
    return Quiz((*QUESTIONS, *data_questions(start, counts)), title=title)
