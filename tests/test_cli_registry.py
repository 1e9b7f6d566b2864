"""The registry of labs (vlab.labs.registry) against the modules, the notebooks and the CLI; no engine needed."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from vlab import cli
from vlab.labs import registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("lab", registry.LABS, ids=lambda lab: lab.name)
def test_each_entry_matches_its_module(lab):
    module = lab.load()  # an import error fails here, loudly
    assert list(getattr(module, "RECORDINGS", {})) == list(lab.kinds), "registry kinds = the module's RECORDINGS"
    assert all(callable(fn) for fn in lab.recordings().values())
    if lab.bench:
        assert callable(module.add_cli_arguments) and callable(module.run_cli)
    for notebook in lab.notebooks:
        assert (ROOT / "notebooks" / "src" / f"{notebook}.py").is_file(), notebook


def test_kinds_and_benches_are_unique_and_modules_listed_once():
    kinds = registry.recording_kinds()
    assert len(kinds) == len(set(kinds))
    benches = [lab.bench for lab in registry.bench_labs()]
    assert benches == ["start", "vm", "overhead"]
    modules = [lab.module for lab in registry.LABS]
    assert len(modules) == len(set(modules))


def test_every_module_with_recordings_or_a_bench_is_registered():
    registered = {lab.module for lab in registry.LABS}
    import vlab.labs

    for path in Path(vlab.labs.__file__).parent.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        module = importlib.import_module(".".join(parts))
        if getattr(module, "RECORDINGS", None) or hasattr(module, "run_cli"):
            if module.__name__ in ("vlab.labs.start_time.cli", "vlab.labs.overhead.cli"):
                continue  # the start_time and overhead packages re-export it
            assert module.__name__ in registered, f"{module.__name__} records or benches but is not in LABS"


def test_every_notebook_has_its_labs_in_the_registry():
    claimed = {nb for lab in registry.LABS for nb in lab.notebooks}
    for src in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        text = src.read_text(encoding="utf-8")
        if "vlab.labs" in text:
            assert src.stem in claimed, f"{src.name} uses a lab but no registry entry names it"


def test_cli_uses_the_registry():
    assert cli.recording_kinds() == registry.recording_kinds()
    assert [k for k, _ in registry.recorders(["servers", "start"])] == ["start", "servers"]
    parser = cli.build_parser()
    for lab in registry.bench_labs():
        args = parser.parse_args(["bench", lab.bench])
        assert args.func == lab.load().run_cli
    assert not hasattr(cli, "LAB_MODULES") and not hasattr(cli, "BENCHES")


def test_a_broken_lab_import_surfaces(monkeypatch):
    broken = registry.Lab("vlab.labs.no_such_lab", ("00_start_here",), ("nothing",), bench="broken")
    monkeypatch.setattr(registry, "LABS", (*registry.LABS, broken))
    with pytest.raises(ImportError):
        registry.recorders()
    with pytest.raises(ImportError):
        cli.build_parser()


def test_developing_md_maps_every_notebook_and_kind():
    """docs/DEVELOPING.md's table names every notebook source and every recording kind of the registry."""
    text = (ROOT / "docs" / "DEVELOPING.md").read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    rows = {line.split("`")[1]: line for line in table}
    for src in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        assert src.stem in rows, f"docs/DEVELOPING.md: no table row for {src.stem}"
    for lab in registry.LABS:
        for kind in lab.kinds:
            assert any(f"`{kind}`" in rows[nb].split("|")[-2] for nb in lab.notebooks if nb in rows), kind
