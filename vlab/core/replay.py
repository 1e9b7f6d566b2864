"""Recorded measurements for replay mode: real runs made by ``vlab record``, with provenance.

Files live in ``data/recorded/<kind>.json`` (the ``vlab-results/1`` format) and are listed
with their SHA-256 in ``data/recorded/MANIFEST.json``. A file whose checksum does not match
is refused with a clear error, so a corrupted file never becomes a wrong plot.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from vlab.core.errors import DataError
from vlab.core.results import Results, atomic_write_json, from_dict

MANIFEST = "MANIFEST.json"


def recorded_dir() -> Path:
    """The folder holding the shipped recordings (inside the installed package)."""
    return Path(str(resources.files("vlab.data"))) / "recorded"


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is corrupt: {exc}") from exc


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def available(folder: Path | None = None) -> list[str]:
    """Kinds of recording that ship with this copy of vlab."""
    return sorted(_manifest(folder or recorded_dir()).get("files", {}))


def load(kind: str, folder: Path | None = None) -> Results:
    """Load the recording of ``kind``, verified against the manifest checksum."""
    folder = folder or recorded_dir()
    entry = _manifest(folder).get("files", {}).get(kind)
    if entry is None:
        raise DataError(
            f"No recorded {kind!r} measurement ships with this copy of vlab.",
            "Run this lab live (start Docker), or record one with `vlab record`.",
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


def save(kind: str, results: Results, folder: Path | None = None) -> Path:
    """Store a recording and update the manifest (used by ``vlab record``)."""
    folder = folder or recorded_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = results.save(folder / f"{kind}.json")
    manifest = _manifest(folder)
    manifest.setdefault("files", {})[kind] = {"file": path.name, "sha256": sha256(path)}
    atomic_write_json(folder / MANIFEST, manifest)
    return path


def recorded_provenance(folder: Path | None = None) -> dict:
    """A short provenance line for banners: where and when the recordings were made."""
    folder = folder or recorded_dir()
    prov = _manifest(folder).get("provenance")
    return prov or {}


def set_provenance(prov: dict, folder: Path | None = None) -> None:
    folder = folder or recorded_dir()
    manifest = _manifest(folder)
    manifest["provenance"] = prov
    atomic_write_json(folder / MANIFEST, manifest)


_checking_args: contextvars.ContextVar[bool] = contextvars.ContextVar("vlab_checking_args", default=False)


class _ArgsChecked(Exception):
    """Raised by ``args_ok()`` to stop a measurement right after its argument checks (replay mode)."""


def args_ok() -> None:
    """Call in a replayable measurement right after its argument checks, before any real work.

    In live mode it does nothing. In replay mode the decorator runs the function only up to
    this point, so wrong arguments raise the same BadParameter live and in replay.
    """
    if _checking_args.get():
        raise _ArgsChecked


def replayable(kind: str) -> Callable:
    """Decorator: in replay mode return the recording of ``kind`` instead of measuring.

    The wrapped function must return Results. In replay mode its argument checks still run
    (up to its ``args_ok()`` call, if it has one), then the recording is returned, marked ``replayed``.
    """

    def wrap(fn: Callable[..., Results]) -> Callable[..., Results]:
        checks_args = "args_ok" in fn.__code__.co_names

        @functools.wraps(fn)
        def inner(*args, **kwargs) -> Results:
            from vlab.core.mode import current

            if current().replay:
                if checks_args:
                    token = _checking_args.set(True)
                    try:
                        fn(*args, **kwargs)
                    except _ArgsChecked:
                        pass
                    finally:
                        _checking_args.reset(token)
                return load(kind)
            return fn(*args, **kwargs)

        inner.replay_kind = kind  # type: ignore[attr-defined]
        return inner

    return wrap
