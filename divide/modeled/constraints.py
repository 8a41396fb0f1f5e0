"""Province constraints of the modeled dataset: reported, current province counts the generator honours.

A province's count of villages without mobile signal (or of those also
without grid power) that is reported on the 2025 geography and dated
2025-07-01 or later is *current*; the generator then places exactly that
many modeled villages in the province and spreads the rest of the national
target over the other provinces (:mod:`divide.modeled.generator`).

:data:`PROVINCE_COUNT_FACTS` lists every province-level village count in
``data/facts.csv`` with the model column it measures, or ``None`` and the
reason it cannot constrain the model (another measure); the currency of each
is decided by :func:`is_current` from the fact's geography and date.
:func:`province_constraints` returns the constraints used and the facts
considered but not used, with reasons.

Examples
--------
>>> used, _ = province_constraints()
>>> used[["province_name", "column", "value", "as_of"]].values.tolist()
[['Tuyên Quang', 'villages_no_signal', 91, '2026-01'], ['Tuyên Quang', 'villages_no_power', 4, '2026-01']]
"""

from __future__ import annotations

import re

import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.communes import province_table, resolve_province
from divide.indicators.facts import facts as read_facts

__all__ = ["CONSTRAINED_COLUMNS", "PROVINCE_COUNT_FACTS", "CONSTRAINT_COLUMNS", "is_current",
           "province_constraints", "quotas"]

#: Indicator columns a province count can constrain (the others are percentages).
CONSTRAINED_COLUMNS = ("villages_no_signal", "villages_no_power")

_NO_GRID = ("villages without grid power, with or without signal: the model's villages without power are a subset "
            "of those without signal (assumption A08)")

#: Every province-level count of villages in ``data/facts.csv`` (unit ``villages``): the model column it
#: measures, or ``None`` with the reason it measures something else. Currency is checked separately.
PROVINCE_COUNT_FACTS: dict[str, tuple[str | None, str]] = {
    "tuyen_quang_villages_no_signal_2026_01": ("villages_no_signal", "villages without mobile signal (trắng sóng)"),
    "tuyen_quang_no_signal_villages_no_power_2026_01": (
        "villages_no_power", "villages without signal that also lack grid power: the model's villages without "
        "power are all among those without signal (assumption A08)"),
    "tuyen_quang_villages_no_or_gap_signal_2026_01": (
        None, "adds villages with signal gaps (lõm sóng) to those without signal; the model has no signal-gap class"),
    "tuyen_quang_villages_signal_gap_2026_01": (None, "villages with signal gaps (lõm sóng): the model has no such class"),
    "tuyen_quang_signal_gap_villages_no_power_2026_01": (
        None, "villages with signal gaps but no grid power: the model places villages without power only among "
        "those without signal (assumption A08)"),
    "ha_giang_villages_newly_covered_since_2021": (None, "villages covered since 2021, not villages still unserved"),
    "son_la_villages_mobile_broadband": (None, "villages with mobile broadband, not villages without signal"),
    "son_la_villages_no_mobile_broadband": (
        None, "villages without mobile broadband (3G/4G), a wider measure than no signal at all"),
    "lai_chau_villages_no_grid_2021_09": (None, _NO_GRID),
    "thai_nguyen_hamlets_fibre_2024": (None, "a share of hamlets with fibre, not a count of unserved villages"),
    "thai_nguyen_hamlets_mobile_broadband_2024": (None, "a share of hamlets with mobile broadband"),
    "thai_nguyen_viettel_no_signal_villages_2026_02": (
        None, "villages assigned to one operator (Viettel) and how many it has covered; not the province's total"),
    "lang_son_villages_public_telecom_programme_2022": (None, "villages selected for a programme (a target)"),
    "nghe_an_villages_no_grid": (None, _NO_GRID),
    "dak_lak_villages_no_grid_2015_08": (None, _NO_GRID),
    "lao_cai_villages_no_mobile_2022_10": ("villages_no_signal", "villages without mobile signal"),
    "kon_tum_villages_fixed_broadband_programme_2023_06": (None, "villages listed for a fixed-broadband programme"),
    "yen_bai_villages_no_grid_project_phase2": (None, "villages covered by a planned grid project (a target)"),
}

#: Columns of the constraint tables returned by :func:`province_constraints`.
CONSTRAINT_COLUMNS = ["fact_id", "province_code", "province_name", "column", "value", "as_of", "geography",
                      "publisher", "url", "reason"]

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _start_date(period: str, published: str) -> str | None:
    """The first date in ``period`` (or else ``published``) as YYYY-MM-DD, its earliest day; None if none."""
    for text in (period, published):
        hit = _DATE.search(str(text or ""))
        if hit:
            year, month, day = hit.groups()
            return f"{year}-{month or '01'}-{day or '01'}"
    return None


def is_current(geography: str, period: str, published: str = "") -> tuple[bool, str]:
    """Whether a province figure is current: on a 2025 province and dated 2025-07-01 or later.

    Parameters
    ----------
    geography
        The fact's ``geography`` ("Tuyên Quang (2025 province, incl. former Hà Giang)", "Lào Cai (pre-2025)").
    period, published
        The fact's ``period`` and ``published`` date; the first date in ``period`` counts, else ``published``.

    Returns
    -------
    (bool, str)
        Current or not, and why.

    Examples
    --------
    >>> is_current("Tuyên Quang (2025 province, incl. former Hà Giang)", "2026-01")
    (True, 'a 2025 province, dated 2026-01-01')
    >>> is_current("Lào Cai (pre-2025)", "2022-10")[0], is_current("Sơn La", "as reported (date not given)")[0]
    (False, False)
    """
    name, _, qualifier = str(geography).partition("(")
    if "pre-2025" in qualifier:
        return False, "a pre-2025 province"
    try:
        resolve_province(name.strip())
    except InputError:
        return False, f"not a 2025 province ({name.strip()!r})"
    start = _start_date(period, published)
    if start is None:
        return False, "no date given"
    if start < settings.REFORM_DATE:
        return False, f"dated {start}, before the 2025 geography ({settings.REFORM_DATE})"
    return True, f"a 2025 province, dated {start}"


def province_constraints(table: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The province counts the modeled dataset honours, and the ones considered but not used.

    A fact constrains the model when :data:`PROVINCE_COUNT_FACTS` gives it a
    model column and :func:`is_current` holds for it.

    Parameters
    ----------
    table
        The facts table (:func:`divide.facts`); default the shipped one.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Used and not used, each with :data:`CONSTRAINT_COLUMNS` (``reason``
        says why), sorted by province code, column and fact id. ``value`` is
        an integer in the used table.

    Examples
    --------
    >>> used, not_used = province_constraints()
    >>> "lao_cai_villages_no_mobile_2022_10" in set(not_used["fact_id"])
    True
    """
    table = read_facts() if table is None else table
    names = province_table()["province_name"]
    used, not_used = [], []
    for fid, (column, measure) in PROVINCE_COUNT_FACTS.items():
        if fid not in table.index:
            continue
        row = table.loc[fid]
        current, why = is_current(row["geography"], row["period"], row["published"])
        try:
            code = resolve_province(str(row["geography"]).partition("(")[0].strip())
        except InputError:
            code = ""
        rec = {"fact_id": fid, "province_code": code, "province_name": names.get(code, ""), "column": column,
               "value": row["value"], "as_of": str(row["period"]), "geography": str(row["geography"]),
               "publisher": str(row["publisher"]), "url": str(row["url"]) if pd.notna(row["url"]) else ""}
        if column is not None and current:
            used.append({**rec, "value": int(row["value"]), "reason": f"{measure}; {why}"})
        else:
            not_used.append({**rec, "reason": why if column is not None else measure})
    order = {c: i for i, c in enumerate(CONSTRAINED_COLUMNS)}

    def key(rec: dict) -> tuple:
        return rec["province_code"] or "~", order.get(rec["column"], len(order)), rec["fact_id"]

    frames = [pd.DataFrame(sorted(rows, key=key), columns=CONSTRAINT_COLUMNS) for rows in (used, not_used)]
    used_frame, not_used_frame = frames
    dup = used_frame.duplicated(["province_code", "column"], keep=False)
    if dup.any():
        raise InputError(f"two current counts for the same province and column: {used_frame[dup]['fact_id'].tolist()}",
                         fix="keep one of them in divide.modeled.constraints.PROVINCE_COUNT_FACTS")
    return used_frame, not_used_frame


def quotas(used: pd.DataFrame) -> dict[str, dict[str, int]]:
    """``{column: {province_code: count}}`` of a table of used constraints (as :func:`province_constraints` gives).

    Examples
    --------
    >>> quotas(province_constraints()[0])
    {'villages_no_signal': {'08': 91}, 'villages_no_power': {'08': 4}}
    """
    out: dict[str, dict[str, int]] = {c: {} for c in CONSTRAINED_COLUMNS}
    for row in used.itertuples(index=False):
        out[row.column][row.province_code] = int(row.value)
    return out
