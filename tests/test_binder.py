"""The Binder (repo2docker) launch configuration installs vlab and everything it needs, in replay mode."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _binder_requirements() -> dict[str, Requirement]:
    reqs: dict[str, Requirement] = {}
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            reqs[canonicalize_name(req.name)] = req
    return reqs


def _pin(req: Requirement) -> str | None:
    pins = [s.version for s in req.specifier if s.operator == "=="]
    return pins[0] if pins else None


def test_binder_folder_uses_a_repo2docker_environment_file():
    assert (BINDER / "requirements.txt").is_file()
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    minor = int(runtime.split(".")[1])
    required = _pyproject()["project"]["requires-python"]
    assert Requirement(f"python{required}").specifier.contains(f"3.{minor}")


def test_every_runtime_dependency_is_named_and_pins_satisfy_pyproject():
    binder = _binder_requirements()
    for spec in _pyproject()["project"]["dependencies"]:
        dep = Requirement(spec)
        name = canonicalize_name(dep.name)
        assert name in binder, f"binder/requirements.txt does not name the runtime dependency {dep.name}"
        pin = _pin(binder[name])
        if pin is not None:
            assert dep.specifier.contains(pin), f"binder pins {dep.name}=={pin}, pyproject needs {dep.specifier}"


def test_binder_has_the_front_end_and_widget_extension():
    binder = _binder_requirements()
    assert "jupyterlab" in binder
    assert "ipywidgets" in binder


def test_binder_image_gets_a_hangul_font_for_the_figures():
    """The figures carry Korean terms; without a Hangul font matplotlib draws empty boxes on Binder."""
    packages = [ln.strip() for ln in (BINDER / "apt.txt").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")]
    assert any(p in ("fonts-nanum", "fonts-noto-cjk", "fonts-unfonts-core") for p in packages), packages


def test_post_build_installs_the_package_itself():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    text = post.read_text()
    assert text.startswith("#!"), "postBuild needs a shebang line"
    assert re.search(r"pip install[^\n]*(--no-deps)[^\n]*\s(\.|-e \.)\s*$", text, re.M), text
    subprocess.run(["bash", "-n", str(post)], check=True)


def test_start_forces_replay_mode_and_runs_the_server_command():
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable (chmod +x)"
    subprocess.run(["bash", "-n", str(start)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "VLAB_MODE"}
    out = subprocess.run([str(start), sys.executable, "-c", "import os; print(os.environ['VLAB_MODE'])"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "replay"


def test_the_package_postbuild_installs_ships_the_code_and_recordings(tmp_path):
    """Build the wheel `pip install --no-deps .` would install (from a copy of the tree), and look inside it."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("vlab", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    out = tmp_path / "wheel"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(src)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    offline = ("No matching distribution found", "Could not find a version")
    if proc.returncode != 0 and any(s in proc.stderr for s in offline):
        pytest.skip("cannot fetch the build backend (setuptools) from PyPI: offline?")
    assert proc.returncode == 0, proc.stderr
    ours = [line for line in (proc.stdout + proc.stderr).splitlines()
            if "Deprecat" in line or "absent from the `packages` configuration" in line]
    assert not ours, "building the package warns:\n" + "\n".join(ours)
    (wheel,) = out.glob("vlab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "vlab/__init__.py" in names
    assert "vlab/core/replay.py" in names and "vlab/labs/start_time/phases.py" in names
    assert "vlab/labs/servers_files/kv.cgi" in names, "the servers' CGI programs are package data"
    assert "vlab/labs/overhead/live.py" in names
    assert "vlab/locale/ko/LC_MESSAGES/vlab.mo" in names, "the Korean message catalog ships in the package"
    for recorded in (ROOT / "data" / "recorded").glob("*.json"):
        assert f"vlab/data/recorded/{recorded.name}" in names, f"{recorded.name} missing from the wheel"
    assert any(n.endswith("entry_points.txt") for n in names)
