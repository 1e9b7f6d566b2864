"""The Korean message catalog and the choice of language (vlab.core.i18n)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from vlab.core import i18n

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "vlab" / "locale" / "ko" / "LC_MESSAGES" / "vlab.po"
MO = PO.with_suffix(".mo")
FIX = "./course.sh messages, then fill in the empty msgstr in vlab/locale/ko/LC_MESSAGES/vlab.po"


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="ko")


def _marked(tmp_path: Path) -> set[str]:
    pot = tmp_path / "vlab.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "tr", "--no-location", "-o", str(pot), "vlab", "notebooks/src"], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def test_every_marked_message_has_a_korean_translation(tmp_path):
    catalog = _catalog()
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(_marked(tmp_path) - have.keys())
    assert not missing, f"{len(missing)} messages are not in the catalog ({FIX}): {missing[:5]}"
    empty = sorted(k for k, m in have.items() if not m.string or (not isinstance(m.string, str) and not all(m.string)))
    assert not empty, f"{len(empty)} messages have no Korean yet ({FIX}): {empty[:5]}"
    fuzzy = sorted(k for k, m in have.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:5]}"


def test_translations_keep_every_placeholder():
    for m in _catalog():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        want = sorted(set(re.findall(r"\{[^{}]*\}", ids[-1])))
        for s in strings:
            assert sorted(set(re.findall(r"\{[^{}]*\}", s))) == want, f"placeholders differ: {ids[0]!r} → {s!r}"


def test_compiled_catalog_matches_its_source():
    with MO.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    source = {m.id: m.string for m in _catalog() if m.id and m.string and not m.fuzzy}
    assert compiled == source, f"vlab.mo is older than vlab.po: {FIX}"


def test_a_korean_message_in_each_language():
    msg = next(m.id for m in _catalog() if m.id and isinstance(m.id, str) and m.string)
    assert i18n.translated("ko", msg) != msg and re.search(r"[\uac00-\ud7a3]", i18n.translated("ko", msg))
    assert i18n.translated("en", msg) == msg


@pytest.fixture()
def clean_lang(monkeypatch):
    for var in ("VLAB_LANG", "JPY_SESSION_NAME", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language(None)
    yield monkeypatch
    i18n.set_language(None)


def test_language_comes_from_the_choice_then_settings_then_notebook_then_locale(clean_lang, tmp_path):
    clean_lang.chdir(tmp_path)
    assert i18n.language() == "en"
    clean_lang.setenv("LANG", "ko_KR.UTF-8")
    assert i18n.language() == "ko"  # the CLI's way
    (tmp_path / "00_start_here.ipynb").write_text("{}")
    assert i18n.language() == "en"  # an English notebook's folder wins over the locale
    ko = tmp_path / "ko"
    ko.mkdir()
    (ko / "00_start_here.ipynb").write_text("{}")
    clean_lang.chdir(ko)
    assert i18n.language() == "ko"
    clean_lang.setenv("JPY_SESSION_NAME", str(tmp_path / "07_start_time.ipynb"))
    assert i18n.language() == "en"  # Jupyter names the notebook: that wins over the folder
    clean_lang.setenv("VLAB_LANG", "ko")
    assert i18n.language() == "ko"
    assert i18n.set_language("en") == "en" and i18n.language() == "en"


def test_a_wrong_language_is_a_clear_error(clean_lang):
    from vlab.core.errors import BadParameter

    with pytest.raises(BadParameter, match="lang='fr'"):
        i18n.set_language("fr")
    clean_lang.setenv("VLAB_LANG", "fr")
    from vlab.core import settings

    with pytest.raises(BadParameter, match="VLAB_LANG") as err:
        settings.get()
    assert "→ fix" in str(err.value) and "VLAB_LANG=en or ko" in str(err.value)
    assert i18n.language() == "en"  # the error can still be shown


def test_the_cli_speaks_korean_under_a_korean_locale():
    import os

    env = {**os.environ, "LANG": "ko_KR.UTF-8", "VLAB_MODE": "replay"}
    env.pop("VLAB_LANG", None)
    out = subprocess.run([sys.executable, "-m", "vlab.cli", "doctor", "--no-kvm"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert re.search(r"[\uac00-\ud7a3]", out.stdout), out.stdout[-800:]
    env["LANG"] = "C.UTF-8"
    out = subprocess.run([sys.executable, "-m", "vlab.cli", "doctor", "--no-kvm"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert not re.search(r"[\uac00-\ud7a3]", out.stdout), out.stdout[-800:]




def test_engine_errors_speak_the_learners_language(clean_lang):
    """What failed and what was being done are both translated; the engine's own words are kept as they are."""
    import docker.errors

    from vlab.core import sandbox
    from vlab.core.errors import ContainerGone

    class Client:  # an engine that no longer has the container
        class api:  # noqa: N801
            @staticmethod
            def inspect_container(cid):
                raise docker.errors.NotFound("No such container: abc")

    box = sandbox.Box(Client(), "abc", "vlab-test")
    clean_lang.setenv("VLAB_LANG", "ko")
    with pytest.raises(ContainerGone) as err:
        box.inspect()  # the call site's own phrase: it must be marked for the catalog to have it
    assert "컨테이너를 검사하는 중" in err.value.message and "No such container: abc" in err.value.message
    assert "inspecting" not in err.value.message and re.search(r"[\uac00-\ud7a3]", i18n._(err.value.hint))
    clean_lang.setenv("VLAB_LANG", "en")
    with pytest.raises(ContainerGone, match="The engine no longer has it while inspecting a container; the "
                                            "engine said: No such container: abc"):
        box.inspect()


def test_every_engine_call_site_marks_what_it_was_doing():
    """``guarded(…)`` and ``translate(…, during=…)`` take ``N_("…")`` or ``_("…").format(…)``, never bare English."""
    import ast

    bare = []
    for path in sorted((ROOT / "vlab").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name | ast.Attribute):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            args = node.args[:1] if name == "guarded" else []
            args += [k.value for k in node.keywords if k.arg == "during" and name in ("translate", "guarded")]
            bare += [f"{path.relative_to(ROOT)}:{a.lineno}" for a in args
                     if isinstance(a, ast.Constant | ast.JoinedStr | ast.BinOp)]
    assert not bare, f"mark these with N_(\"…\") or _(\"… {{name}}\").format(name=…): {bare}"
