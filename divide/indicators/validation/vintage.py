"""When values were measured: reading a vintage ("2024", "Quý II/2024", "30/6/2023") as a period."""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["parse_vintage", "age_years"]


def _end_of_month(year: int, month: int) -> _dt.date:
    if month == 12:
        return _dt.date(year, 12, 31)
    return _dt.date(year, month + 1, 1) - _dt.timedelta(days=1)


def parse_vintage(value: object) -> tuple[_dt.date, _dt.date] | None:
    """Read a vintage (year, quarter, month or date) as the period ``(start, end)``; ``None`` if unreadable.

    Vietnamese forms are understood: "năm 2023", "tháng 6/2023", "Quý II/2023",
    "30/6/2023" (day first), "2022-2023" (the later year).

    Examples
    --------
    >>> parse_vintage(2023)
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_vintage("Quý II/2024")[1], parse_vintage("tháng 6/2023")[1], parse_vintage("30/6/2023")[0]
    (datetime.date(2024, 6, 30), datetime.date(2023, 6, 30), datetime.date(2023, 6, 30))
    >>> parse_vintage("soon") is None
    True
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, _dt.datetime | pd.Timestamp):
        d = value.date() if hasattr(value, "date") else value
        return d, d
    if isinstance(value, _dt.date):
        return value, value
    if isinstance(value, int | float | np.integer | np.floating):
        if float(value).is_integer() and 1900 <= int(value) <= 2100:
            y = int(value)
            return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
        return None
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d").replace("Đ", "D")
    text = re.sub(r"\s+", "", text.lower())
    text = re.sub(r"^(nam|thang|ngay|ky|quy|period|year)", lambda m: "q" if m.group(1) == "quy" else "", text)
    roman = {"iv": "4", "iii": "3", "ii": "2", "i": "1"}
    try:
        if m := re.fullmatch(r"(\d{4})(\.0)?", text):
            y = int(m.group(1))
            return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})[-/](\d{4})", text):
            y0, y1 = int(m.group(1)), int(m.group(2))
            return _dt.date(y0, 1, 1), _dt.date(y1, 12, 31)
        if m := re.fullmatch(r"q(iv|iii|ii|i|[1-4])[/.-]?(\d{4})", text) or re.fullmatch(
                r"(\d{4})[-/]?q([1-4])", text):
            a, b = m.group(1), m.group(2)
            q, y = (int(roman.get(a, a)), int(b)) if not a.isdigit() or len(a) == 1 else (int(b), int(a))
            return _dt.date(y, 3 * q - 2, 1), _end_of_month(y, 3 * q)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            y, mo = int(m.group(1)), int(m.group(2))
            return _dt.date(y, mo, 1), _end_of_month(y, mo)
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text):
            mo, y = int(m.group(1)), int(m.group(2))
            return _dt.date(y, mo, 1), _end_of_month(y, mo)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(t.*)?", text):
            d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return d, d
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            d = _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            return d, d
    except ValueError:
        return None
    return None


def age_years(end: _dt.date, today: _dt.date) -> float:
    """Years from ``end`` to ``today`` (365.25 days a year; negative when ``end`` is later).

    Examples
    --------
    >>> import datetime as dt
    >>> round(age_years(dt.date(2023, 12, 31), dt.date(2025, 12, 31)), 2)
    2.0
    """
    return (today - end).days / 365.25
