"""Every ``VLAB_*`` knob in one place: read from the environment, validated when built.

=========================  ==================================================================
``VLAB_MODE``              ``live``, ``replay`` or ``auto`` (default): force the mode, or let
                           the doctor's checks decide (live exactly when an engine answers).
``VLAB_QUICK``             ``1``/``true``/``yes``/``on``: few trials, so the course fits in CI.
``VLAB_RUN_ID``            tags every container this process (and its children) starts, so a
                           run cleans up after itself only. Unset: one id per process, exported
                           to children by ``course.begin()`` and the CLI (never at import).
``VLAB_RECORDING``         a folder written by ``vlab record --out DIR``: replay uses it instead
                           of the recordings shipped with vlab.
``VLAB_VM_KERNEL``         the guest kernel (a ``vmlinuz`` file) for the live VM lab.
``VLAB_REQUIRE_ENGINE``    ``1``: tests that need Docker/QEMU fail instead of skipping (CI).
``VLAB_SOLUTIONS``         ``1``: ``%%solution`` cells run instead of showing a note (exercise tests).
``VLAB_LANG``              ``en`` or ``ko``: the language of everything vlab shows (default: the notebook's
                         edition, else the locale; see ``vlab.core.i18n``).
=========================  ==================================================================

Test-harness knobs (``VLAB_BROWSER_NOTEBOOKS``, ``VLAB_BROWSER_MODES``, ``VLAB_CHROMIUM``) are
read by ``tests/test_browser.py`` only and documented there.

``get()`` builds a fresh, frozen :class:`Settings` from the environment each time it is called
(cheap), so a changed environment is seen at once; a wrong value raises ``BadParameter`` with
the fix. Importing this module changes nothing: ``export_run_id()`` is called by the entry points.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vlab.core.errors import BadParameter

__all__ = [
    "LABEL", "MODES", "RUN_LABEL", "Settings", "export_run_id", "forced_mode", "get", "quick", "run_id", "trials"
]

LABEL = "vlab"
RUN_LABEL = "vlab.run"

MODES = ("auto", "live", "replay")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
_process_run_id: str | None = None  # made on first use when VLAB_RUN_ID is unset; never written to os.environ here


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadParameter(f"{name}={env.get(name)!r} is not understood", f"Use {name}=1 or {name}=0 (or unset it).")


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _generated_run_id() -> str:
    global _process_run_id
    if _process_run_id is None:
        _process_run_id = uuid.uuid4().hex[:12]
    return _process_run_id


@dataclass(frozen=True)
class Settings:
    """The validated ``VLAB_*`` settings of this process (see the module docstring for each knob)."""

    mode: str = "auto"
    quick: bool = False
    run_id: str = ""
    recording: Path | None = None
    vm_kernel: Path | None = None
    require_engine: bool = False
    solutions: bool = False
    lang: str = ""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise BadParameter(f"VLAB_MODE={self.mode!r} is not understood", "Use VLAB_MODE=live, replay or auto.")
        rid = self.run_id
        if not rid or len(rid) > 64 or not all(c.isalnum() or c in "-_." for c in rid):
            raise BadParameter(f"VLAB_RUN_ID={rid!r} is not a usable label value",
                               "Use letters, digits, '-', '_' or '.', at most 64 characters (or unset it).")
        if self.lang not in ("", "en", "ko"):
            raise BadParameter(f"VLAB_LANG={self.lang!r} is not a course language",
                               "Use VLAB_LANG=en or ko (or unset it).")
        if self.recording is not None and not self.recording.is_dir():
            raise BadParameter(f"VLAB_RECORDING={self.recording} is not a folder",
                               "Point it at a folder written by `vlab record --out DIR`, or unset it.")

    @property
    def forced_mode(self) -> str | None:
        """``"live"`` or ``"replay"`` when VLAB_MODE forces one, else None."""
        return None if self.mode == "auto" else self.mode

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every knob from ``env`` (default: ``os.environ``)."""
        env = os.environ if env is None else env
        return cls(
            mode=env.get("VLAB_MODE", "").strip().lower() or "auto",
            quick=_flag(env, "VLAB_QUICK"),
            run_id=env.get("VLAB_RUN_ID", "").strip() or _generated_run_id(),
            recording=_path(env, "VLAB_RECORDING"),
            vm_kernel=_path(env, "VLAB_VM_KERNEL"),
            require_engine=_flag(env, "VLAB_REQUIRE_ENGINE"),
            solutions=_flag(env, "VLAB_SOLUTIONS"),
            lang=env.get("VLAB_LANG", "").strip().lower(),
        )


def get() -> Settings:
    """The settings as the environment says now (validated)."""
    return Settings.from_env()


def export_run_id() -> str:
    """Put this process's run id into ``VLAB_RUN_ID`` so children tag their containers alike.

    Called by ``course.begin()`` and the CLI entry point, never at import. Returns the id.
    """
    rid = get().run_id
    os.environ["VLAB_RUN_ID"] = rid
    return rid


# ---------------------------------------------------------------- short forms used across vlab
def run_id() -> str:
    """The id stamped on every container this process starts."""
    return get().run_id


def quick() -> bool:
    """True when ``VLAB_QUICK`` asks for the short CI version of every measurement."""
    return get().quick


def trials(full: int, quick_n: int = 3) -> int:
    """Number of trials to run: ``full`` normally, ``quick_n`` in quick mode."""
    return quick_n if quick() else full


def forced_mode() -> str | None:
    """``"live"`` or ``"replay"`` when ``VLAB_MODE`` forces one, else None."""
    return get().forced_mode
