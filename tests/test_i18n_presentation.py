"""The Korean edition of what a learner sees: figures, widgets, checker feedback and the quiz (no engine needed).

Inputs are the shipped replay recordings, as in test_widgets.py and test_plot_style.py. In Korean every figure
and widget carries Hangul and draws without "Glyph … missing" warnings; in English the same things carry no
Hangul except the Korean terms the English edition shows on purpose (e.g. "(컨테이너)" tags, the glossary).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from vlab.core import i18n, replay  # noqa: E402
from vlab.plots import common  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KOREAN_TAG = re.compile(r"\s*\([^()]*[\uac00-\ud7a3][^()]*\)")  # "(컨테이너)": the English edition's Korean terms


def _untagged(text: str) -> str:
    """``text`` without the parenthesised Korean terms the English edition shows on purpose."""
    return KOREAN_TAG.sub("", text)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def ko(monkeypatch):
    monkeypatch.setenv("VLAB_MODE", "replay")
    i18n.set_language("ko")
    yield
    i18n.set_language(None)


@pytest.fixture()
def en(monkeypatch):
    monkeypatch.setenv("VLAB_MODE", "replay")
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def _texts(fig) -> list[str]:
    """Every piece of text drawn on a figure: titles, labels, tick labels, legends, annotations."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def _figure(obj):
    return obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure


def _figures():
    """(name, function drawing one representative figure) for every plots module."""
    from vlab.labs import machines
    from vlab.plots import concepts, namespaces, overhead, recorded, servers, start_time
    from vlab.plots import machines as machine_plots

    return [
        ("concepts", lambda: concepts.virtualization()),
        ("concepts.hypervisor_translates", lambda: concepts.hypervisor_translates()),
        ("machines", lambda: machine_plots.plot_comparison(machines.compare([ROOT / "data" / "recorded"]))),
        ("namespaces", lambda: namespaces.cpu_sweep(replay.load("cg_cpu"))),
        ("namespaces.stack_comparison", lambda: namespaces.stack_comparison()),
        ("overhead", lambda: overhead.ratio_plot(replay.load("overhead"))),
        ("recorded", lambda: recorded.plot_boot_times()),
        ("servers", lambda: servers.server_anatomy()),
        ("start_time", lambda: start_time.phase_ecdf(replay.load("start"))),
        ("start_time.ladder", lambda: start_time.ladder(replay.load("ladder"))),
    ]


FIGURES = [name for name, _draw in _figures()]


def _draw(name: str):
    fn = dict(_figures())[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = _figure(fn())
        fig.canvas.draw()
    texts = _texts(fig)
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    return texts, missing


# ------------------------------------------------------------------ figures
@pytest.mark.skipif(common.hangul_font() is None, reason="no Hangul font installed (fonts-nanum)")
@pytest.mark.parametrize("name", FIGURES)
def test_korean_figures_have_hangul_and_draw_every_glyph(ko, name):
    texts, missing = _draw(name)
    assert any(HANGUL.search(t) for t in texts), texts[:10]
    assert not missing, missing[:3]


@pytest.mark.parametrize("name", ["machines", "overhead", "start_time", "start_time.ladder", "recorded"])
def test_english_data_figures_have_no_hangul(en, name):
    texts, _missing = _draw(name)
    assert not [t for t in texts if HANGUL.search(t)], [t for t in texts if HANGUL.search(t)][:5]


def test_hangul_font_comes_first_in_korean(ko):
    import matplotlib as mpl

    font = common.hangul_font()
    if font is None:
        pytest.skip("no Hangul font installed (fonts-nanum)")
    with common.style():
        assert mpl.rcParams["font.family"][0] == font
    i18n.set_language("en")
    with common.style():
        assert mpl.rcParams["font.family"][0] == "DejaVu Sans"


def test_korean_concept_figures_drop_the_english_tag(ko):
    from vlab.plots import concepts

    assert concepts.ko("하드웨어", "하드웨어") == "하드웨어" and concepts.tag("가상화") == ""


# ------------------------------------------------------------------ widgets
def _widget_text(widget) -> str:
    """The visible text of an ipywidgets tree: descriptions, values of HTML, options, placeholders."""
    parts = []
    stack = [widget]
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        for attr in ("description", "placeholder", "tooltip"):
            parts.append(str(getattr(w, attr, "") or ""))
        if w.__class__.__name__ in ("HTML", "Label"):
            parts.append(str(w.value))
        parts.extend(str(label) for label in getattr(w, "_options_labels", ()))
    return "\n".join(parts)


def _widgets():
    from vlab.labs.review import QUESTIONS
    from vlab.widgets import cgroups, consolidation, namespaces, quiz, race, stack, syscall_path

    return {
        "cgroups": lambda: cgroups.CgroupPlayground().widget,
        "consolidation": lambda: consolidation.ConsolidationView().widget,
        "namespaces": lambda: namespaces.explorer(replay.load("ns_views")).widget,
        "quiz": lambda: quiz.Quiz(QUESTIONS[:3]).build(),
        "race": lambda: race.RaceWidget(source="replay").view,
        "stack": lambda: stack.StackView("container").widget,
        "syscall_path": lambda: syscall_path.SyscallPathView().widget,
    }


WIDGETS = list(_widgets())


@pytest.mark.parametrize("name", WIDGETS)
def test_korean_widgets_label_in_hangul(ko, name):
    text = _widget_text(_widgets()[name]())
    assert HANGUL.search(text), text[:300]


@pytest.mark.parametrize("name", ["cgroups", "namespaces", "race"])
def test_english_widgets_have_no_hangul_where_none_is_meant(en, name):
    text = _widget_text(_widgets()[name]())
    assert not HANGUL.search(_untagged(text)), text[:300]


def test_widget_options_keep_their_identifiers_in_korean(ko):
    from vlab.widgets import cgroups, syscall_path

    play = cgroups.CgroupPlayground()
    assert play.workload.value == "memory hog" and HANGUL.search(play.workload._options_labels[0])
    view = syscall_path.SyscallPathView(op="read a file", where="container")
    view.where.value = "virtual machine"
    assert "게스트 커널" in view.out.value and HANGUL.search(view.op._options_labels[0])


def test_cgroup_playground_runs_in_korean(ko, monkeypatch):
    from vlab.core import mode
    from vlab.widgets import cgroups

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("replay", "test"))
    play = cgroups.CgroupPlayground()
    play.button.click()
    assert "종료 코드" in play.result.value


# ------------------------------------------------------------------ checkers and the quiz
def test_checker_feedback_is_korean(ko):
    from vlab.core.exercise import not_yet, passed, wrong
    from vlab.labs import cgroups_exercises as cg

    assert repr(passed("좋아요")).startswith("✅ 통과")
    assert repr(wrong("x", "y")).startswith("❌ 틀림") and "힌트" in repr(wrong("x", "y"))
    assert repr(not_yet()).startswith("⏳ 아직") and HANGUL.search(not_yet().message)
    fb = cg.check_exit_signal(...)  # a blank
    assert not fb and "아직" in repr(fb)
    res = replay.load("cg_oom")
    good, bad = cg.check_exit_signal(9, "SIGKILL", res), cg.check_exit_signal(137, "SIGKILL", res)
    assert good and HANGUL.search(good.message)
    assert not bad and HANGUL.search(bad.message) and HANGUL.search(bad.hint) and "137" in bad.message
    assert "통과" in good._repr_html_()
    assert HANGUL.search(cg.compare_oom_prediction(0, res))


def test_a_failing_checker_reports_in_korean(ko):
    from vlab.core.exercise import checker
    from vlab.labs import security

    @checker
    def boom(x):
        raise ValueError("nope")

    out = boom(1)
    assert not out and HANGUL.search(out.message) and "nope" in out.message and HANGUL.search(out.hint)
    fb = security.check_decoded_caps("not a list", "00000000a80425fb")
    assert not fb and HANGUL.search(fb.message) and HANGUL.search(fb.hint)


def test_quiz_is_korean(ko):
    from vlab.labs.review import QUESTIONS, data_questions
    from vlab.widgets import quiz
    from vlab.widgets.review import review_quiz

    q = QUESTIONS[0]
    view = quiz.QuestionView(q, 1)
    assert HANGUL.search(_untagged(view.prompt.value)) and view.check_button.description == "확인"
    right = next(i for i, c in enumerate(q.choices) if c.correct)
    view.input.value = q.choices[right].text  # the value stays the English choice, the label is Korean
    assert view.last and "정답" in view.last.message
    assert "정답" in q.solution()
    built = review_quiz(replay.load("start"), replay.load("syscalls"))
    assert HANGUL.search(built.title)
    for dq in data_questions(replay.load("start"), replay.load("syscalls")):
        assert HANGUL.search(dq.prompt)
    assert "너무" in quiz.grade(quiz.Question("?", answer=1.0), 5).message


def test_quiz_and_checkers_stay_english_in_english(en):
    from vlab.core.exercise import not_yet, wrong
    from vlab.labs.review import QUESTIONS, data_questions
    from vlab.widgets import quiz

    assert repr(wrong("x", "y")).startswith("❌ WRONG") and repr(not_yet()).startswith("⏳ NOT YET")
    for q in QUESTIONS[:3]:
        view = quiz.QuestionView(q, 1)
        assert view.check_button.description == "Check · 확인"  # the bilingual button of the English edition
        assert not HANGUL.search(_untagged(" ".join(view.input._options_labels)))
        assert not HANGUL.search(_untagged(view.prompt.value))
    for dq in data_questions(replay.load("start"), replay.load("syscalls")):
        assert not HANGUL.search(dq.prompt)


# ------------------------------------------------------------------ glossary
def test_glossary_is_korean_first_in_korean(ko):
    from vlab.labs import glossary

    df = glossary.terms()
    assert (df["definition_ko"].str.len() > 0).all() and df["definition_ko"].map(lambda s: bool(HANGUL.search(s))).all()
    page = glossary.to_html()
    head = page[: page.index("</tr>")]
    assert re.findall(r"<th>(.*?)</th>", head) == ["용어", "English", "정의", "노트북"]
    first = page[page.index("</tr>"):]
    assert first.index("서버") < first.index("server")


def test_glossary_stays_english_first_in_english(en):
    from vlab.labs import glossary

    page = glossary.to_html()
    assert re.findall(r"<th>(.*?)</th>", page[: page.index("</tr>")]) == ["term", "한국어", "definition", "taught in"]
    assert "다른 사람에게" not in page  # the Korean definitions stay out of the English edition
