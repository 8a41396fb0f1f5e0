"""Reading one cell: blank or not, as text, as a number, as yes/no.

Spreadsheets from communes and provinces write "61,5", "97%", "không có số
liệu", "có"/"chưa"; these functions read them and say what they had to do.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from divide.geography.names import fold, nfc

__all__ = ["is_blank", "cell_text", "cell_text_or_none", "parse_number", "parse_bool"]

_MISSING = {
    "", "na", "n a", "nan", "null", "none", "khong co so lieu", "chua co so lieu", "kcsl", "ccsl", "kxd",
    "khong xac dinh", "khong ro",
}
_TRUE = {"1", "1.0", "true", "t", "yes", "y", "co", "x", "dung", "co song", "co dien"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", "khong", "chua", "sai", "chua co", "khong co"}


def is_blank(value: object) -> bool:
    """True for ``None``, NA, NaN and strings of spaces.

    Examples
    --------
    >>> is_blank(float("nan")), is_blank("  "), is_blank(0)
    (True, True, False)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def cell_text(value: object) -> str:
    """A cell as NFC text: ``""`` when blank, ``"4"`` for the float ``4.0``.

    Examples
    --------
    >>> cell_text(3478.0), cell_text(None), cell_text(" Sìn  Hồ ")
    ('3478', '', 'Sìn Hồ')
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def cell_text_or_none(value: object) -> str | None:
    """:func:`cell_text`, with ``None`` for a blank cell."""
    return cell_text(value) or None


def _missing_key(text: str) -> str:
    return re.sub(r"[\s./?#-]+", " ", fold(text).replace("#", "")).strip()


def parse_number(value: object) -> tuple[float, str | None]:
    """Read one cell as a number; say what had to be done.

    Returns ``(number, action)`` where ``action`` is ``None`` (read as is),
    ``"missing"`` (an empty or "no data" cell), ``"decimal_comma"``,
    ``"percent_sign"`` or ``"unreadable"`` (the number is then NaN).

    Examples
    --------
    >>> parse_number("61,5")
    (61.5, 'decimal_comma')
    >>> parse_number("97%"), parse_number("không có số liệu"), parse_number(12)
    ((97.0, 'percent_sign'), (nan, 'missing'), (12.0, None))
    >>> parse_number("cao")
    (nan, 'unreadable')
    """
    if isinstance(value, bool | np.bool_):
        return float(value), None
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return v, ("missing" if math.isnan(v) else None)
    if is_blank(value):
        return math.nan, "missing"
    text = nfc(str(value)).replace("\u00a0", " ").strip()
    if _missing_key(text) in _MISSING:
        return math.nan, "missing"
    actions = []
    if text.endswith("%"):
        text = text[:-1].strip()
        actions.append("percent_sign")
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
        actions.append("decimal_comma")
    text = text.replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        return math.nan, "unreadable"
    if math.isinf(number):
        return math.nan, "unreadable"
    return number, ("+".join(actions) or None)


def parse_bool(value: object) -> tuple[bool | None, str | None]:
    """Read one cell as yes/no (Vietnamese "có"/"không"/"chưa" understood).

    Examples
    --------
    >>> parse_bool("Có"), parse_bool("không"), parse_bool(1), parse_bool("")
    ((True, None), (False, None), (True, None), (None, 'missing'))
    >>> parse_bool("maybe")
    (None, 'unreadable')
    """
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    if isinstance(value, int | float | np.integer | np.floating) and not is_blank(value):
        if float(value) in (0.0, 1.0):
            return bool(value), None
        return None, "unreadable"
    if is_blank(value):
        return None, "missing"
    key = fold(str(value)).replace(".", "")
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    if _missing_key(str(value)) in _MISSING:
        return None, "missing"
    return None, "unreadable"
