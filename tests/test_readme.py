"""The README stays true: its two commands, every notebook, the coverage table."""

from __future__ import annotations

import re
from pathlib import Path

from vlab.labs import coverage

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_for_a_fresh_machine():
    block = README.split("## Two commands for a fresh machine", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in block.strip().splitlines() if ln.strip()]
    assert commands == ["./course.sh lab", "./course.sh test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./course.sh test" in ci


def test_every_notebook_is_listed_in_order():
    listed = re.findall(r"`notebooks/(\d\d[a-z]?_[a-z0-9_]+\.ipynb)`", README)
    on_disk = [p.name for p in coverage.notebook_files(ROOT / "notebooks")]
    assert listed == on_disk


def test_coverage_table_is_current():
    assert coverage.readme_block(ROOT / "notebooks") in README, "run: python -m vlab.labs.coverage, paste into README"


README_KO = (ROOT / "README.ko.md").read_text(encoding="utf-8")


def test_the_korean_readme_has_the_same_two_commands_and_every_korean_notebook():
    assert "[한국어](README.ko.md)" in README and "[English](README.md)" in README_KO
    block = README_KO.split("## 새 컴퓨터에서 쓰는 두 명령", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [ln.split("#")[0].strip() for ln in block.strip().splitlines() if ln.strip()] == ["./course.sh lab",
                                                                                              "./course.sh test"]
    listed = re.findall(r"`notebooks/ko/(\d\d[a-z]?_[a-z0-9_]+\.ipynb)`", README_KO)
    assert listed == [p.name for p in coverage.notebook_files(ROOT / "notebooks")]
    assert all((ROOT / "notebooks" / "ko" / name).exists() for name in listed)


def test_both_binder_badges_open_a_notebook_that_exists():
    for text in (README, README_KO):
        for path in re.findall(r"mybinder\.org/v2/gh/[^)]*?urlpath=lab/tree/([^)\s]+)", text):
            assert (ROOT / path).exists(), path
    assert "notebooks/ko/00_start_here.ipynb" in README_KO and "notebooks/ko/00_start_here.ipynb" in README
