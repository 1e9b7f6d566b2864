"""Recorded measurements for replay mode: real runs made by ``vlab record``, with provenance.

Files live in ``data/recorded/<kind>.json`` (the ``vlab-results/1`` format) and are listed
with their SHA-256 in ``data/recorded/MANIFEST.json``. A file whose checksum does not match
is refused with a clear error, so a corrupted file never becomes a wrong plot.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .errors import DataError
from .results import Results, atomic_write_json, from_dict

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


def replayable(kind: str) -> Callable:
    """Decorator: in replay mode return the recording of ``kind`` instead of measuring.

    The wrapped function must return Results. Arguments are validated by the function's
    own checks first (call it with ``_validate_only=True`` support is not required);
    in replay mode the recording is returned as is, marked ``replayed``.
    """

    def wrap(fn: Callable[..., Results]) -> Callable[..., Results]:
        @functools.wraps(fn)
        def inner(*args, **kwargs) -> Results:
            from .mode import current

            if current().replay:
                return load(kind)
            return fn(*args, **kwargs)

        inner.replay_kind = kind  # type: ignore[attr-defined]
        return inner

    return wrap
