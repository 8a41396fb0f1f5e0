"""What every part of the brief is built with: the reference registry, the number formats, the context.

:class:`Refs` numbers the references in the order of first citation; :class:`Context` carries the
analysis, the language and the references, and knows how a figure computed by divide is cited and
labelled (modeled or computed from the user's file). :func:`fact_reference` cites one row of the facts
registry (``data/facts.csv``), one entry per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from divide._version import __version__
from divide.present.brief.blocks import Figure, Paragraph, Reference
from divide.present.brief.labels import STATUS_LABELS, Lang, t
from divide.present.style import fmt
from divide.provenance import GENERATOR_VERSION, LABEL

__all__ = ["Refs", "Context", "isnan", "num", "smart", "signed", "fact_reference", "province_name"]


class Refs:
    """Reference registry: numbers in the order of first citation."""

    def __init__(self) -> None:
        self.items: dict[str, Reference] = {}

    def add(self, key: str, text: str, url: str = "") -> int:
        """The number of the reference ``key``, added with ``text`` and ``url`` when new.

        Returns
        -------
        int
        """
        if key not in self.items:
            self.items[key] = Reference(len(self.items) + 1, key, text, url)
        return self.items[key].number


# --------------------------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------------------------


def isnan(x: Any) -> bool:
    """Whether ``x`` is missing (None, NaN, NA); anything that is not a number is not missing.

    Examples
    --------
    >>> isnan(None), isnan(float("nan")), isnan("a"), isnan(0)
    (True, True, False, False)
    """
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def num(x: Any, lang: Lang, decimals: int = 0) -> str:
    """A number in the language's style (``1,234.5`` / ``1.234,5``); NaN gives ``—``.

    Examples
    --------
    >>> num(1234.5, "en", 1), num(1234.5, "vi", 1), num(None, "en")
    ('1,234.5', '1.234,5', '—')
    """
    if isnan(x):
        return "—"
    return fmt(float(x), decimals, lang)


def smart(x: float, lang: Lang) -> str:
    """Up to two decimals, trailing zeros dropped (1.78, 18, 0.4014).

    Examples
    --------
    >>> smart(1.78, "en"), smart(18.0, "vi"), smart(0.4014, "en")
    ('1.78', '18', '0.4014')
    """
    if isnan(x):
        return "—"
    x = float(x)
    decimals = 0 if x == int(x) else (4 if abs(x) < 1 else 2)
    text = num(x, lang, decimals)
    if decimals:
        sep = "," if lang == "vi" else "."
        text = text.rstrip("0").rstrip(sep)
    return text


def signed(x: Any, lang: Lang, decimals: int = 1) -> str:
    """A number with its sign (``+1.5``, ``-2.0``); NaN gives ``—``.

    Examples
    --------
    >>> signed(1.5, "en"), signed(-2, "vi")
    ('+1.5', '-2,0')
    """
    if isnan(x):
        return "—"
    return ("+" if float(x) > 0 else "") + num(x, lang, decimals)


# --------------------------------------------------------------------------------------------------------------
# Names and facts
# --------------------------------------------------------------------------------------------------------------


def province_name(analysis: Any, code: str) -> str:
    """The name of province ``code``: from the analysis's tables, else the province table, else the code.

    Returns
    -------
    str
    """
    provinces = getattr(analysis, "provinces", None)
    if provinces is not None and "province_name" in getattr(provinces, "columns", ()) and code in provinces.index:
        return str(provinces.loc[code, "province_name"])
    communes = analysis.communes
    if "province_name" in communes.columns and "province_code" in communes.columns:
        names = communes.loc[communes["province_code"].astype(str) == code, "province_name"]
        if len(names):
            return str(names.iloc[0])
    try:
        from divide.geography.communes import province_table

        return str(province_table().loc[code, "province_name"])
    except Exception:  # noqa: BLE001 - a name is a nicety; the code will do
        return code


def fact_reference(fid: str, table: pd.DataFrame, lang: Lang, refs: Refs) -> int:
    """The reference number of fact ``fid`` of the facts registry: one entry per document.

    Parameters
    ----------
    fid
        A ``fact_id`` of ``table``.
    table
        The facts registry (:func:`divide.indicators.facts.facts`).
    lang
        The language of the citation.
    refs
        The registry the entry is added to.

    Returns
    -------
    int
    """
    from divide.indicators.facts import cite_row

    row = table.loc[fid]
    ref_text = cite_row(fid, table, lang)
    original = str(row["source_document"])
    if lang == "en" and original and original not in ref_text and row["status"] != "derived":
        ref_text += f". Original title: {original}"  # readers search for the Vietnamese title
    return refs.add(f"fact:{ref_text}|{row['url']}", ref_text, str(row["url"]))


# --------------------------------------------------------------------------------------------------------------
# The context of a brief
# --------------------------------------------------------------------------------------------------------------


class Context:
    """What every builder needs: the language, the references, the data source."""

    def __init__(self, analysis: Any, lang: Lang, refs: Refs) -> None:
        self.a = analysis
        self.lang = lang
        self.refs = refs
        self.modeled = bool(getattr(analysis, "modeled", False))
        self.source_name = str(getattr(analysis, "indicators_source", "") or "user table")
        self.communes: pd.DataFrame = analysis.communes
        code = getattr(analysis, "province", None)
        self.province = None if code is None else str(code)
        self.scope = t("vn", lang) if self.province is None else province_name(analysis, self.province)

    def t(self, key: str, **kw: Any) -> str:
        """A fixed text of the brief in the context's language (:func:`~divide.present.brief.labels.t`).

        Returns
        -------
        str
        """
        return t(key, self.lang, **kw)

    @property
    def geo_ref(self) -> int:
        """Reference of the commune layer of 2025."""
        return self.refs.add("divide:geography", self.t("ref_geo", version=__version__))

    @property
    def data_ref(self) -> int:
        """Reference of the indicator data: the modeled dataset, or the user's file."""
        if self.modeled:
            seed = getattr(self.a, "seed", None)
            text = self.t("ref_modeled", version=__version__, label=LABEL, generator=GENERATOR_VERSION,
                          seed=seed if seed is not None else "—")
            return self.refs.add("divide:modeled", text)
        return self.refs.add("divide:user", self.t("ref_user", version=__version__, source=self.source_name))

    @property
    def data_source(self) -> str:
        """Short source of a computed figure, with the modeled label when modeled."""
        return LABEL if self.modeled else self.t("user_file", name=self.source_name)

    @property
    def status(self) -> str:
        """Status of a figure computed from the indicators: modeled, or computed."""
        return STATUS_LABELS[self.lang]["modeled" if self.modeled else "computed"]

    def computed(self, label: str, value: str, *, observed: bool = False) -> Figure:
        """A figure computed by divide: from the boundary layer (``observed``) or from the indicators.

        Returns
        -------
        Figure
        """
        if observed:
            return Figure(label, value, self.t("geo_date"), STATUS_LABELS[self.lang]["computed"],
                          self.t("computed_from", source=self.t("geo_layer")), self.geo_ref)
        return Figure(label, value, self.t("geo_date"), self.status,
                      self.t("computed_from", source=self.data_source), self.data_ref, modeled=self.modeled)

    def missing(self, label: str, cols: Sequence[str]) -> Figure | None:
        """A "not computed" figure when a column of ``cols`` is missing, else ``None``.

        Returns
        -------
        Figure or None
        """
        absent = [c for c in cols if c not in self.communes.columns]
        if not absent:
            return None
        return Figure(label, self.t("missing_col", col=", ".join(absent)), "—", "—", "—", None)

    def cited(self, text: str) -> Paragraph:
        """A paragraph stating figures computed from the indicators: cited, and labelled when modeled.

        Returns
        -------
        Paragraph
        """
        text = text.rstrip(" .")
        if self.modeled:
            text += f" ({LABEL})"
        return Paragraph(text, (self.data_ref,))

    def caption(self, what: str) -> Paragraph:
        """The caption of a table or map (key ``what``): modeled, or computed from the user's file.

        Returns
        -------
        Paragraph
        """
        if self.modeled:
            return Paragraph(self.t("caption_modeled", label=LABEL, what=self.t(what), ref="").rstrip(" ."),
                             (self.data_ref,), caption=True)
        return Paragraph(self.t("caption_user", source=self.t("user_file", name=self.source_name), ref="")
                         .rstrip(" ."), (self.data_ref,), caption=True)
