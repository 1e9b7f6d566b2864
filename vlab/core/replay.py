"""Recorded measurements for replay mode: real runs made by ``vlab record``, with provenance.

A *recording set* is a folder of ``<kind>.json`` files (the ``vlab-results/1`` format, each with
its own ``provenance``: machine, kernel, engine, host virtualization, load before and after) and
a ``MANIFEST.json`` that lists every file with its SHA-256. A file whose checksum does not match
is refused with a clear error, so a corrupted file never becomes a wrong plot.

The set used is ``VLAB_RECORDING=DIR`` when given (any folder written by ``vlab record --out DIR``),
else the one shipped with vlab (``data/recorded``).

One idiom for every lab::

    def _check_views(network: str = "none") -> None:      # same parameters, raises BadParameter
        Limits(network=network)

    @replayable("ns_views", check=_check_views)
    def views(network: str = "none") -> Results: ...

The decorator runs ``check`` first, live and in replay, so wrong arguments fail the same way in
both; in replay mode it then returns the recording, marked ``replayed``. A measurement without
parameters needs no ``check``. Inside ``recording()`` (``vlab record``) nothing is ever replayed:
a replayable refuses to run unless the mode is live, and ``load`` refuses outright.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from vlab.core import settings
from vlab.core.errors import DataError, VlabError
from vlab.core.results import Results, atomic_write_json, from_dict

__all__ = [
    "MANIFEST", "RecordingRefused", "available", "load", "provenances", "recorded_dir", "recorded_provenance",
    "machine_with_load", "summarize_provenance",
    "recording", "recording_active", "replayable", "save", "sha256", "shipped_dir"
]

MANIFEST = "MANIFEST.json"

_recording = threading.Event()


class RecordingRefused(VlabError):
    """A recording run met replayed data (or a replay mode): nothing fake may be recorded."""

    hint = "Start Docker (and QEMU for the VM lab), then run `vlab record` with VLAB_MODE unset or live."


def shipped_dir() -> Path:
    """The folder holding the recordings shipped with vlab (inside the installed package)."""
    return Path(str(resources.files("vlab.data"))) / "recorded"


def recorded_dir() -> Path:
    """The recording set replay uses: ``VLAB_RECORDING`` when set, else the shipped one."""
    return settings.get().recording or shipped_dir()


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is corrupt: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        raise DataError(f"{path} is not a vlab recording manifest.")
    return data


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def available(folder: Path | None = None) -> list[str]:
    """Kinds of recording in a recording set (default: the one replay uses)."""
    return sorted(_manifest(folder or recorded_dir()).get("files", {}))


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Mark a recording run: inside it nothing may return replayed data."""
    _recording.set()
    try:
        yield
    finally:
        _recording.clear()


def recording_active() -> bool:
    return _recording.is_set()


def load(kind: str, folder: Path | None = None) -> Results:
    """Load the recording of ``kind``, verified against the manifest checksum."""
    if recording_active():
        raise RecordingRefused(f"`vlab record` asked for the recorded {kind!r} data: a recording must be measured, "
                               "never copied from another recording.")
    return _verified(kind, folder or recorded_dir())


def _verified(kind: str, folder: Path) -> Results:
    entry = _manifest(folder).get("files", {}).get(kind)
    if entry is None:
        raise DataError(
            f"No recorded {kind!r} measurement in {folder}.",
            "Run this lab live (start Docker), or record one with `vlab record --only " + kind + "`.",
        )
    path = folder / entry["file"]
    if not path.exists():
        raise DataError(f"Recorded file {path.name} is missing.")
    if sha256(path) != entry["sha256"]:
        raise DataError(
            f"Recorded file {path.name} does not match its checksum: it is corrupted or was edited.",
            "Re-install vlab (`pip install --force-reinstall -e .`) or re-record with `vlab record`.",
        )
    try:
        res = from_dict(json.loads(path.read_text()), source=path.name)
    except json.JSONDecodeError as exc:
        raise DataError(f"Recorded file {path.name} is not valid JSON.") from exc
    res.replayed = True
    return res


def save(kind: str, results: Results, folder: Path) -> Path:
    """Store one recording and its checksum; other files' entries are left exactly as they were."""
    if results.replayed:
        raise RecordingRefused(f"The {kind!r} results are a replayed recording, not a measurement: not saved.")
    folder.mkdir(parents=True, exist_ok=True)
    path = results.save(folder / f"{kind}.json")
    manifest = _manifest(folder)
    manifest.pop("provenance", None)  # provenance lives in each recording file, never set-wide
    manifest.setdefault("files", {})[kind] = {"file": path.name, "sha256": sha256(path)}
    atomic_write_json(folder / MANIFEST, manifest)
    return path


def provenances(folder: Path | None = None) -> dict[str, dict]:
    """The provenance of each recording in a set, by kind (each file checked against its checksum)."""
    folder = folder or recorded_dir()
    out = {}
    for kind in available(folder):
        out[kind] = _cached_provenance(str(folder), kind, (folder / MANIFEST).stat().st_mtime_ns)
    return out


@functools.lru_cache(maxsize=256)
def _cached_provenance(folder: str, kind: str, _stamp: int) -> dict:
    return _verified(kind, Path(folder)).provenance  # reading provenance is not replaying data


def recorded_provenance(folder: Path | None = None) -> dict:
    """A summary of where and when a recording set was made, for banners.

    Keys: ``host``, ``kernel``, ``engine_version``, ``date`` (a range when several), ``machine``
    (a sentence: virtual or not, which kind, CPUs), ``load`` (the 1-minute load average when each kind
    began, a range over the files that recorded it, "" when none did), ``folder``, ``kinds``. Values shared
    by every file are shown once; differing values are joined with " / " so nothing is claimed that one file
    contradicts.
    """
    folder = folder or recorded_dir()
    provs = list(provenances(folder).values())
    if not provs:
        return {"folder": str(folder), "kinds": 0}
    return {**summarize_provenance(provs), "folder": str(folder), "kinds": len(provs)}


def machine_with_load(summary: dict, unknown: str = "?") -> str:
    """A summary's machine sentence and its load range, as the replay banner and ``vlab compare`` show them."""
    from vlab.core.i18n import _

    load = _(", load average {load} when a measurement began").format(load=summary["load"]) \
        if summary.get("load") else ""
    return summary.get("machine", unknown) + load


def summarize_provenance(provs: list[dict]) -> dict:
    """The keys of :func:`recorded_provenance` but ``folder`` and ``kinds``, for any list of provenances."""
    from vlab.core.hostprobe import describe_machine

    def joined(values) -> str:
        seen = [str(v) for v in dict.fromkeys(values) if v not in (None, "")]
        return " / ".join(seen) or "?"

    dates = sorted(str(p.get("date", ""))[:10] for p in provs if p.get("date"))
    loads = sorted(float(x[0]) for x in (p.get("load_before") for p in provs) if isinstance(x, list) and x)
    return {
        "host": joined(p.get("host") for p in provs),
        "kernel": joined(p.get("kernel") for p in provs),
        "engine_version": joined((p.get("engine") or {}).get("server_version") for p in provs),
        "date": (dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}") if dates else "?",
        "machine": joined(describe_machine(p, with_load=False) for p in provs),
        "load": "" if not loads else f"{loads[0]:g}" if loads[0] == loads[-1] else f"{loads[0]:g}–{loads[-1]:g}",
    }


def _parameters(fn: Callable) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def replayable(kind: str, *, check: Callable[..., object] | None = None) -> Callable:
    """Decorator: in replay mode return the recording of ``kind`` instead of measuring.

    ``check`` takes the same parameters as the measurement and raises BadParameter on wrong
    arguments; it runs first in both modes. A measurement with parameters must have one.
    """

    def wrap(fn: Callable[..., Results]) -> Callable[..., Results]:
        params = _parameters(fn)
        if check is None and params:
            raise TypeError(f"@replayable({kind!r}) on {fn.__qualname__}: give check= to validate its arguments")
        if check is not None and _parameters(check) != params:
            raise TypeError(f"@replayable({kind!r}): {check.__qualname__} must take the same parameters, kinds and "
                            f"defaults as {fn.__qualname__}")

        @functools.wraps(fn)
        def inner(*args, **kwargs) -> Results:
            from vlab.core.mode import current

            if check is not None:
                check(*args, **kwargs)
            if recording_active():
                if not current().live:
                    raise RecordingRefused(f"`vlab record` reached the {kind!r} measurement in replay mode.")
                return fn(*args, **kwargs)
            if current().replay:
                return load(kind)
            return fn(*args, **kwargs)

        inner.replay_kind = kind  # type: ignore[attr-defined]
        inner.replay_check = check  # type: ignore[attr-defined]
        return inner

    return wrap
