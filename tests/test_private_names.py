"""No module under vlab/, and no script in benchmarks/ or tools/, imports or references another module's
underscore (private) name.

What other modules need is public (named without ``_`` and listed in ``__all__``); the rest stays private.
Parsed with ``ast``, so it needs no engine and imports nothing.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

VLAB = Path(__file__).resolve().parents[1] / "vlab"
#: Folders of scripts beside the package that use vlab as a library: held to the same rule.
SCRIPT_DIRS = ("benchmarks", "tools")


def _module(path: Path) -> str:
    parts = list(path.relative_to(VLAB.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(me: str, is_package: bool, module: str | None, level: int) -> str:
    if not level:
        return module or ""
    base = me.split(".") if is_package else me.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _private(name: str) -> bool:
    # gettext's ``_`` (vlab.core.i18n) is public by a convention older than Python's underscore rule
    return name.startswith("_") and not name.startswith("__") and name != "_"


def private_uses(path: Path) -> list[str]:
    """``file:line what`` for each use of another vlab module's private name in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    me, is_package = _module(path), path.name == "__init__.py"
    modules: dict[str, str] = {}  # local name -> vlab module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(me, is_package, node.module, node.level)
            if not source.startswith("vlab"):
                continue
            for alias in node.names:
                if source != me and _private(alias.name):
                    found.append(f"{path.relative_to(VLAB.parent)}:{node.lineno} from {source} import {alias.name}")
                modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("vlab"):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{path.relative_to(VLAB.parent)}:{node.lineno} import {alias.name}")
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "vlab"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                dotted = ".".join([value.id, *reversed(chain), node.attr])
                found.append(f"{path.relative_to(VLAB.parent)}:{node.lineno} {dotted}")
    return found


def _checked_files() -> list[Path]:
    """Every module of the package and every script in ``SCRIPT_DIRS``."""
    scripts = [p for d in SCRIPT_DIRS for p in (VLAB.parent / d).rglob("*.py")]
    return sorted([*VLAB.rglob("*.py"), *scripts])


def test_no_module_uses_another_modules_private_names():
    files = _checked_files()
    assert {d for d in SCRIPT_DIRS if any(p.is_relative_to(VLAB.parent / d) for p in files)} == set(SCRIPT_DIRS)
    found = [use for path in files for use in private_uses(path)]
    assert not found, "private names used across modules (make them public, with __all__):\n" + "\n".join(found)


def test_the_checker_sees_scripts_beside_the_package(tmp_path, monkeypatch):
    (tmp_path / "vlab").mkdir()
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    (bench / "bad.py").write_text("from vlab.labs import start_time as start\nstart._time_subprocess(['true'])\n"
                                  "start.time_subprocess(['true'])\n")
    monkeypatch.setattr(sys.modules[__name__], "VLAB", tmp_path / "vlab")
    assert bench / "bad.py" in _checked_files()
    assert [u.split(" ", 1)[1] for u in private_uses(bench / "bad.py")] == ["start._time_subprocess"]


def test_the_checker_sees_both_forms(tmp_path, monkeypatch):
    pkg = tmp_path / "vlab" / "labs"
    pkg.mkdir(parents=True)
    bad = pkg / "bad.py"
    bad.write_text("from vlab.core import sandbox\nfrom vlab.labs.cgroups import _whole\nfrom . import _x\n"
                   "sandbox._register('c', 'n')\nsandbox.track('c', 'n')\nself_ok = bad._y if False else None\n"
                   "class A:\n    def f(self):\n        return self._z\n")
    monkeypatch.setattr(sys.modules[__name__], "VLAB", tmp_path / "vlab")
    uses = private_uses(bad)
    assert [u.split(" ", 1)[1] for u in uses] == [
        "from vlab.labs.cgroups import _whole", "from vlab.labs import _x", "sandbox._register"]


def _api_modules() -> list[Path]:
    """Every core module and every lab module (packages' empty ``__init__`` files aside)."""
    paths = sorted([*VLAB.glob("core/*.py"), *VLAB.glob("labs/**/*.py")])
    return [p for p in paths if p.name != "__init__.py" or p.read_text(encoding="utf-8").count("\n") > 2]


def test_every_core_and_lab_module_lists_its_public_api():
    """``__all__`` exists, names only what the module has, and lists each public function and class it defines."""
    problems = []
    for path in _api_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        listed = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                listed = ast.literal_eval(node.value)
        where = path.relative_to(VLAB.parent)
        if listed is None:
            problems.append(f"{where}: no __all__")
            continue
        bound = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(node.name)
                if not node.name.startswith("_") and node.name not in listed:
                    problems.append(f"{where}: public {node.name} is not in __all__ (list it or name it _{node.name})")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.Import | ast.ImportFrom):
                bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        problems += [f"{where}: __all__ names {name}, which it does not define" for name in listed
                     if name not in bound]
        problems += [f"{where}: __all__ lists private {name}" for name in listed if _private(name)]
    assert not problems, "\n".join(problems)
