"""Quizzes and self-checks: multiple choice and numeric answers, immediate feedback, an explanation
for every choice, and a "show solution" button.

The questions themselves (``Choice``, ``Question``) are data of :mod:`vlab.labs.review`, re-exported here;
``grade`` and ``check`` are plain Python; ``QuestionView`` / ``Quiz`` are the ipywidgets front-end, testable
without a browser by setting ``.value`` and calling ``.click()``.

>>> check(3, 3)                              # a self-check in a notebook
✅ Correct.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.labs.review import Choice, Question

__all__ = ["Choice", "Feedback", "Question", "QuestionView", "Quiz", "SolutionButton", "check", "grade", "solution"]

NO_ANSWER = N_("✏️ No answer yet: replace None with your answer and run the cell again.")


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer. Truthy when correct; prints as a one-line message."""

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else ("#555555" if not self.answered else "#D55E00")
        return f'<span style="color:{colour}">{html.escape(self.message)}</span>'


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def grade(question: Question, response) -> Feedback:
    """Grade a response: a choice index or text for multiple choice, a number for numeric questions."""
    if response is None or (isinstance(response, str) and not response.strip()):
        return Feedback(False, _("Pick or type an answer first."), answered=False)
    if question.numeric:
        x = _number(response)
        if x is None or math.isnan(x):
            return Feedback(False, _("❌ {answer} is not a number.").format(answer=repr(response)))
        ok = abs(x - question.answer) <= question.tolerance + 1e-9 * max(1.0, abs(question.answer))
        if ok:
            return Feedback(True, _("✅ Correct. {explanation}").format(explanation=_(question.explanation)).strip())
        text = (_("❌ {x} is too high. Try again, or show the solution.") if x > question.answer
                else _("❌ {x} is too low. Try again, or show the solution."))
        return Feedback(False, text.format(x=f"{x:g}"))
    if isinstance(response, int) and not isinstance(response, bool):
        if not 0 <= response < len(question.choices):
            return Feedback(False, _("❌ There is no choice number {n}.").format(n=response))
        choice = question.choices[response]
    else:
        matches = [c for c in question.choices if c.text == response]
        if not matches:
            return Feedback(False, _("❌ {answer} is not one of the choices.").format(answer=repr(response)))
        choice = matches[0]
    mark = _("✅ Correct.") if choice.correct else _("❌ Not quite.")
    return Feedback(choice.correct, f"{mark} {_(choice.why)}")


def check(answer, expected, *, tolerance: float = 0.0, rel: float = 0.0, explanation: str = "") -> Feedback:
    """Self-check for notebook exercises: compare the learner's ``answer`` with ``expected``.

    Numbers match within ``tolerance`` (absolute) or ``rel`` (relative); text matches ignoring case
    and surrounding spaces; booleans must match exactly. ``None`` means "not answered yet".
    """
    if tolerance < 0 or rel < 0:
        raise BadParameter("tolerance and rel must be >= 0")
    if answer is None or answer is Ellipsis:
        return Feedback(False, _(NO_ANSWER), answered=False)
    if isinstance(expected, bool) or isinstance(answer, bool):
        ok = answer is expected
    elif _number(expected) is not None and not isinstance(expected, str):
        x = _number(answer)
        if x is None:
            text = _("❌ {answer} is not a number; the answer is a number.")
            return Feedback(False, text.format(answer=repr(answer)))
        ok = abs(x - float(expected)) <= max(tolerance, rel * abs(float(expected))) + 1e-9 * max(1, abs(x))
    else:
        ok = str(answer).strip().casefold() == str(expected).strip().casefold()
    if ok:
        return Feedback(True, _("✅ Correct. {explanation}").format(explanation=explanation).strip())
    return Feedback(False, _("❌ Not yet. Read the question again and retry; the solution button below shows the "
                             "answer."))


# ---------------------------------------------------------------- the ipywidgets view
class SolutionButton:
    """A button that reveals a solution (Neuromatch-style) without re-running anything."""

    def __init__(self, solution_html: str, label: str | None = None):
        import ipywidgets as w

        label = _("Show solution · 정답 보기") if label is None else label
        self.solution_html = solution_html
        self.button = w.Button(description=label, icon="eye", layout=w.Layout(width="auto"))
        self.panel = w.HTML(value="")
        self.button.on_click(self._toggle)
        self.widget = w.VBox([self.button, self.panel])

    @property
    def shown(self) -> bool:
        return bool(self.panel.value)

    def _toggle(self, _change=None) -> None:
        self.panel.value = "" if self.shown else f'<div style="border-left:4px solid #0072B2;padding:4px 8px">' \
                                                 f"{self.solution_html}</div>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def solution(text: str) -> SolutionButton:
    """A 'show solution' button for an exercise (text may contain HTML)."""
    return SolutionButton(text)


class QuestionView:
    """One question: its prompt, radio buttons or a number box, Check, Show solution, feedback."""

    def __init__(self, question: Question, number: int | None = None):
        import ipywidgets as w

        self.question = question
        prefix = f"<b>Q{number}.</b> " if number is not None else ""
        self.prompt = w.HTML(value=prefix + _(question.prompt))
        if question.numeric:
            placeholder = _("a number in {unit}").format(unit=question.unit) if question.unit else _("a number")
            self.input = w.Text(placeholder=placeholder, layout=w.Layout(width="16em"))
        else:  # shown translated; the value stays the choice's own text, which grade() matches
            self.input = w.RadioButtons(options=[(_(c.text), c.text) for c in question.choices], value=None,
                                        layout=w.Layout(width="max-content"))
        self.check_button = w.Button(description=_("Check · 확인"), button_style="primary")
        self.feedback = w.HTML(value="")
        self.solution = SolutionButton(html.escape(question.solution()))
        self.last: Feedback | None = None
        self.check_button.on_click(self._check)
        if not question.numeric:
            self.input.observe(self._check, names="value")  # immediate feedback on a click
        self.widget = w.VBox([self.prompt, self.input, w.HBox([self.check_button, self.solution.button]),
                              self.feedback, self.solution.panel])

    def _check(self, _change=None) -> Feedback:
        self.last = grade(self.question, self.input.value)
        self.feedback.value = self.last._repr_html_()
        return self.last

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


@dataclass
class Quiz:
    """Several questions with a running score."""

    questions: Sequence[Question]
    title: str = N_("Quiz · 퀴즈")
    views: list[QuestionView] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        if not self.questions:
            raise BadParameter("a quiz needs at least one question")

    def build(self):
        import ipywidgets as w

        self.views = [QuestionView(q, i + 1) for i, q in enumerate(self.questions)]
        self.score_label = w.HTML(value=self._score_text())
        for v in self.views:
            v.check_button.on_click(lambda _change=None: self._update())
            if not v.question.numeric:
                v.input.observe(lambda _change=None: self._update(), names="value")
        return w.VBox([w.HTML(f"<h4>{_(self.title)}</h4>"), *[v.widget for v in self.views], self.score_label])

    @property
    def score(self) -> int:
        return sum(1 for v in self.views if v.last and v.last.correct)

    def _score_text(self) -> str:
        return "<b>" + _("Score: {score} / {total}").format(score=self.score, total=len(self.questions)) + "</b>"

    def _update(self) -> None:
        self.score_label.value = self._score_text()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.build())
