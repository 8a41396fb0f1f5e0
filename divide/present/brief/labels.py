"""The brief's fixed texts and labels, in English and Vietnamese (read from ``divide/present/texts.toml``).

The labels of the columns (the measures of the gap table) come from the one
column dictionary, :func:`divide.indicators.columns.column_label`.
"""

from __future__ import annotations

from typing import Any, Literal

from divide.present.style import LANGS, texts

__all__ = [
    "Lang",
    "LANGS",
    "KEY_FACTS",
    "STATUS_LABELS",
    "QUALIFIERS",
    "UNITS_VI",
    "GAP_MEASURES",
    "PCT_MEASURES",
    "t",
]

Lang = Literal["en", "vi"]

#: National facts shown among the key figures: ``fact_id -> (Vietnamese label, Vietnamese period)``.
#: The English label and period come from ``data/facts.csv`` (columns ``indicator`` and ``period``).
KEY_FACTS: dict[str, tuple[str, str]] = texts("brief_key_facts")

#: How each status is written: language -> status -> text.
STATUS_LABELS: dict[str, dict[str, str]] = {lang: texts("brief_status", lang) for lang in LANGS}

#: Qualifiers of a fact's value (``about``, ``almost``, ...): language -> qualifier -> text.
QUALIFIERS: dict[str, dict[str, str]] = {lang: texts("brief_qualifier", lang) for lang in LANGS}

#: Units of ``data/facts.csv`` in Vietnamese.
UNITS_VI: dict[str, str] = texts("brief_unit_vi")

#: The measures of the gap table, in the order shown (indicators, then the pillars and the index).
GAP_MEASURES = ("fiber_households_pct", "fiber_villages_pct", "mobile_4g_pop_pct", "online_services_pct",
                "smartphone_adults_pct", "digital_payment_adults_pct", "infrastructure_gap", "usage_gap",
                "divide_index")
#: The measures that are shares (percentages).
PCT_MEASURES = frozenset(m for m in GAP_MEASURES if m.endswith("_pct"))

_T: dict[str, tuple[str, str]] = {**texts("brief"), **texts("brief_sections")}


def t(key: str, lang: Lang, **kw: Any) -> str:
    """A fixed text of the brief in ``lang``, with ``{placeholders}`` filled from ``kw``.

    Examples
    --------
    >>> t("title", "vi", scope="Lai Châu")
    'Bản tóm tắt chính sách: khoảng cách số giữa thành thị và nông thôn tại Lai Châu'
    """
    text = _T[key][0 if lang == "en" else 1]
    return text.format(**kw) if kw else text
