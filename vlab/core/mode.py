"""Live or replay: decided once per process (by the doctor's checks) and forceable.

``VLAB_MODE=replay`` or ``=live`` forces it; otherwise vlab is live exactly when a Docker
engine answers and the course images can be made. Replay mode uses real measurements
recorded by ``vlab record``: the set shipped in ``data/recorded``, or ``VLAB_RECORDING=DIR``.
With ``VLAB_MODE=replay`` nothing here contacts an engine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from vlab.core import settings
from vlab.core.errors import VlabError
from vlab.core.i18n import N_, _

__all__ = ["Mode", "banner", "current", "reset"]


@dataclass(frozen=True)
class Mode:
    name: str  # "live" or "replay"
    reason: str
    fix: str = ""

    @property
    def live(self) -> bool:
        return self.name == "live"

    @property
    def replay(self) -> bool:
        return self.name == "replay"


@functools.lru_cache(maxsize=1)
def current() -> Mode:
    """The mode for this process, decided once."""
    forced = settings.forced_mode()
    if forced == "replay":
        return Mode("replay", N_("VLAB_MODE=replay was set."), N_("Unset VLAB_MODE to measure live."))
    from vlab.core.engine import connect
    from vlab.core.images import ensure
    from vlab.core.sandbox import reap_orphans

    try:
        connect()
        ensure("busybox")
        reap_orphans()  # containers left by a crashed run or a kernel restarted mid-cell
    except VlabError as exc:
        if forced == "live":
            raise
        return Mode("replay", exc.message, exc.hint)
    return Mode("live", N_("A Docker engine answered and the course images are ready."))


def reset() -> None:
    """Forget the decision (after starting Docker, for example) so the next call decides again."""
    current.cache_clear()
    if settings.forced_mode() == "replay":
        return  # forced replay: never contact an engine
    from vlab.core.engine import connect

    try:
        connect(fresh=True)
    except VlabError:
        pass


def banner(mode: Mode | None = None):
    """An HTML banner for notebooks: live measurement or replay, why, and how to go live."""
    from IPython.display import HTML

    mode = mode or current()
    if mode.live:
        body = _("<b>● LIVE</b>: measurements in this notebook run on <i>your</i> machine's Docker engine. "
                 "<br><small>{reason}</small>").format(reason=_(mode.reason))
        colour = "#0072B2"
    else:
        import html

        from vlab.core.replay import machine_with_load, recorded_provenance

        prov = {k: html.escape(str(v)) for k, v in recorded_provenance().items()}
        where = "" if prov.get("folder", "") == html.escape(str(_shipped())) else \
            _(" from <code>{folder}</code>").format(folder=prov.get("folder"))
        body = _("<b>▶ REPLAY</b>: no live measurement here. The numbers below are <i>real recordings</i> "
                 "made by <code>vlab record</code>{where} on the machine <b>{host}</b>: {machine} "
                 "(kernel {kernel}, Docker {engine}, {date}). Your machine may differ.<br><small>Why: {reason} "
                 "How to go live: {fix}</small>").format(
            where=where, host=prov.get("host", "?"),
            machine=machine_with_load(prov, unknown=_("a machine of unknown kind")),
            kernel=prov.get("kernel", "?"), engine=prov.get("engine_version", "?"), date=prov.get("date", "?"),
            reason=_(mode.reason), fix=_(mode.fix))
        colour = "#D55E00"
    return HTML(f'<div style="border-left:6px solid {colour};padding:6px 10px;margin:4px 0;'
                f'background:rgba(127,127,127,.08)">{body}</div>')


def _shipped():
    from vlab.core.replay import shipped_dir

    return shipped_dir()
