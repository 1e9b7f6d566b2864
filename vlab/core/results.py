"""Save and load measurement results atomically, as JSON with provenance.

Format (``vlab-results/1``)::

    {"format": "vlab-results/1", "kind": "start", "provenance": {...},
     "samples": [{"config": "...", "trial": 0, "phase": "create", "ms": 12.3, ...}, ...],
     "summary": [{...}, ...], "extra": {...}}

``samples`` are the raw rows (tidy: one row per measured value), ``summary`` the statistics.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vlab.core.errors import BadParameter, DataError

__all__ = ["FORMAT", "Results", "atomic_write_json", "check_output_path", "from_dict", "load"]

FORMAT = "vlab-results/1"


@dataclass
class Results:
    """A measurement: raw samples, a summary, and provenance. ``partial`` when interrupted."""

    kind: str
    samples: pd.DataFrame
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    partial: bool = False
    replayed: bool = False

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "partial": self.partial,
            "provenance": self.provenance,
            "samples": _records(self.samples),
            "summary": _records(self.summary),
            "extra": self.extra,
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write JSON atomically (temporary file, fsync, rename). Returns the path."""
        return atomic_write_json(path, self.to_dict())

    def _repr_html_(self) -> str:
        label = " (replayed recording)" if self.replayed else ""
        label += " (partial: interrupted)" if self.partial else ""
        table = self.summary if not self.summary.empty else self.samples
        shown = table.head(12)
        more = f"<small>… {len(table) - len(shown)} more rows: see <code>.summary</code> and " \
               f"<code>.samples</code></small>" if len(table) > len(shown) else ""
        return (f"<b>vlab {self.kind} results{label}</b>: {len(self.samples)} raw samples"
                + shown._repr_html_() + more)


def _records(df: pd.DataFrame) -> list[dict]:
    if df is None or df.empty:
        return []
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: _clean(v) for k, v in row.items()})
    return out


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def check_output_path(path: str | os.PathLike) -> Path:
    """Fail early, with a clear error, when ``path`` cannot be written."""
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise BadParameter(f"{path!r} is not a file path", "Give a file name such as results.json.")
    p = Path(path).expanduser()
    if p.is_dir():
        raise BadParameter(f"{p} is a directory, not a file", "Give a file name such as results.json.")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise BadParameter(f"Folder {parent} does not exist", f"Create it first: mkdir -p {parent}")
    if not os.access(parent, os.W_OK):
        raise BadParameter(f"Cannot write to folder {parent}", "Choose a path in a folder you own.")
    return p


def atomic_write_json(path: str | os.PathLike, data: dict) -> Path:
    """Write ``data`` as JSON to ``path`` via a temporary file and rename: never half-written."""
    p = check_output_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, default=str, allow_nan=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results and recordings are for everyone to read
        os.replace(tmp, p)
    except BaseException:
        with _suppress():
            os.unlink(tmp)
        raise
    return p


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


def load(path: str | os.PathLike) -> Results:
    """Load a results file written by ``Results.save``; a corrupt file raises DataError."""
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise BadParameter(f"{path!r} is not a file path", "Give the path of a results file, e.g. 'start.json'.")
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError(f"No results file at {p}", "Check the path, or record one with `vlab bench … --json PATH`.")
    if not p.is_file():
        raise DataError(f"{p} is not a file", "Give the path of a results file, e.g. 'start.json'.")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataError(f"{p} is not valid JSON ({exc.__class__.__name__}): the file is corrupt.") from exc
    except OSError as exc:
        raise DataError(f"Cannot read {p}: {exc.strerror or exc}", "Check the file's permissions.") from exc
    return from_dict(data, source=str(p))


def from_dict(data: object, *, source: str = "results") -> Results:
    """Validate a results dictionary and turn it into Results."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError(f"{source} is not a vlab results file (expected format {FORMAT!r}).")
    for key, kind in (("kind", str), ("samples", list), ("provenance", dict)):
        if not isinstance(data.get(key), kind):
            raise DataError(f"{source}: field {key!r} is missing or has the wrong type.")
    if not all(isinstance(r, dict) and r for r in data["samples"]):
        raise DataError(f"{source}: every sample must be an object with at least one field.")
    summary = data.get("summary") or []
    if not isinstance(summary, list) or not all(isinstance(r, dict) for r in summary):
        raise DataError(f"{source}: field 'summary' must be a list of objects.")
    if not isinstance(data.get("extra") or {}, dict):
        raise DataError(f"{source}: field 'extra' must be an object.")
    try:
        samples, summary_df = pd.DataFrame(data["samples"]), pd.DataFrame(summary)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{source}: the samples cannot be read as a table ({exc}).") from exc
    return Results(
        kind=data["kind"],
        samples=samples,
        summary=summary_df,
        provenance=data["provenance"],
        extra=data.get("extra") or {},
        partial=bool(data.get("partial", False)),
    )
