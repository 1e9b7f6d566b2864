"""The course glossary (용어집): every key term in English and Korean, a one-line definition in each language,
and where it is taught. Data in ``data/glossary.tsv``; shown by notebooks/99_glossary.ipynb (Korean first in the
Korean edition)."""

from __future__ import annotations

import csv
import html

import pandas as pd

from vlab.core.errors import BadParameter, DataError
from vlab.core.i18n import _, language

__all__ = ["COLUMNS", "lookup", "terms", "to_html"]

COLUMNS = ["term", "korean", "definition", "notebook", "definition_ko"]


def terms() -> pd.DataFrame:
    """All glossary terms (columns term, korean, definition, notebook, definition_ko), validated."""
    from importlib import resources

    try:
        text = (resources.files("vlab.data") / "glossary.tsv").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError("glossary.tsv is missing from the installed vlab package.") from exc
    df = pd.DataFrame(list(csv.DictReader(text.splitlines(), delimiter="\t")))
    if list(df.columns) != COLUMNS:
        raise DataError(f"glossary.tsv must have the columns {COLUMNS}.")
    empty = df[(df == "").any(axis=1)]
    if not empty.empty or df["term"].duplicated().any():
        raise DataError(f"glossary.tsv has empty cells or duplicate terms: {empty['term'].tolist()}")
    return df


def lookup(word: str) -> pd.Series:
    """The glossary row whose English or Korean term contains ``word`` (case-insensitive)."""
    if not isinstance(word, str):
        raise BadParameter(f"{word!r} is not a word", "Give an English or Korean term as text, e.g. 'namespace'.")
    df = terms()
    w = str(word).strip().casefold()
    hit = df[df["term"].str.casefold().str.contains(w, regex=False) | df["korean"].str.contains(word, regex=False)]
    if not w or hit.empty:
        raise BadParameter(f"{word!r} is not in the glossary", "Try an English or Korean term, e.g. 'namespace'.")
    return hit.iloc[0]


def to_html(df: pd.DataFrame | None = None) -> str:
    """The glossary as an HTML table with links to the notebooks: Korean term and definition first in Korean."""
    df = terms() if df is None else df
    ko = language() == "ko"
    first, second, definition = ("korean", "term", "definition_ko") if ko else ("term", "korean", "definition")
    rows = "".join(
        f"<tr><td><b>{html.escape(getattr(r, first))}</b></td><td>{html.escape(getattr(r, second))}</td>"
        f"<td>{html.escape(getattr(r, definition))}</td><td><a href='{r.notebook}.ipynb'>{r.notebook}</a></td></tr>"
        for r in df.itertuples()
    )
    other = "English" if ko else "한국어"
    head = "".join(f"<th>{h}</th>" for h in (_("term"), other, _("definition"), _("taught in")))
    return f"<table><tr>{head}</tr>{rows}</table>"
