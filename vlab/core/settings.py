"""Run-wide settings read from the environment: mode forcing, quick mode, run id.

- ``VLAB_MODE=live|replay`` forces the mode (otherwise the doctor decides).
- ``VLAB_QUICK=1`` shrinks trial counts so the whole course fits in CI.
- ``VLAB_RUN_ID`` tags every container this process (and its children) starts,
  so one run can clean up after itself without touching another's containers.
"""

from __future__ import annotations

import os
import uuid

from vlab.core.errors import BadParameter

LABEL = "vlab"
RUN_LABEL = "vlab.run"

if not os.environ.get("VLAB_RUN_ID"):
    os.environ["VLAB_RUN_ID"] = uuid.uuid4().hex[:12]


def run_id() -> str:
    """The id stamped on every container this process starts."""
    return os.environ["VLAB_RUN_ID"]


def quick() -> bool:
    """True when ``VLAB_QUICK`` asks for the short CI version of every measurement."""
    return os.environ.get("VLAB_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


def trials(full: int, quick_n: int = 3) -> int:
    """Number of trials to run: ``full`` normally, ``quick_n`` in quick mode."""
    return quick_n if quick() else full


def forced_mode() -> str | None:
    """``"live"`` or ``"replay"`` when ``VLAB_MODE`` forces one, else None."""
    value = os.environ.get("VLAB_MODE", "").strip().lower()
    if not value or value == "auto":
        return None
    if value not in {"live", "replay"}:
        raise BadParameter(f"VLAB_MODE={value!r} is not understood", "Use VLAB_MODE=live, replay or auto.")
    return value
