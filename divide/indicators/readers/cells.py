"""Reading one cell: blank or not, as text, as a number, as yes/no.

Spreadsheets from communes and provinces write "61,5", "97%", "không có số
liệu", "có"/"chưa"; these functions read them and say what they had to do.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from divide import numbers
from divide.geography.names import fold, nfc

__all__ = ["APOSTROPHES", "is_blank", "cell_text", "cell_text_or_none", "strip_apostrophe", "parse_number", "parse_bool"]

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


#: What a spreadsheet puts before a code or number to keep it as text: Excel's apostrophe and its typographic forms.
APOSTROPHES = "'\u2019\u2018"


def strip_apostrophe(text: str) -> tuple[str, bool]:
    """Drop the leading apostrophe Excel uses to keep ``'03388`` as text; say whether there was one.

    A typographic ``’`` or ``‘`` (what autocorrect makes of it) is dropped too.

    Examples
    --------
    >>> strip_apostrophe("'03388"), strip_apostrophe("’03388"), strip_apostrophe("03388")
    (('03388', True), ('03388', True), ('03388', False))
    """
    stripped = text.strip()
    if stripped[:1] and stripped[0] in APOSTROPHES:
        return stripped[1:].strip(), True
    return text, False


def parse_number(value: object, *, count: bool = False) -> tuple[float, str | None]:
    """Read one cell as a number; say what had to be done.

    The separators are read by :func:`divide.numbers.parse_number` (one
    place for the whole package). Where it finds a number ambiguous
    (``1.234``, ``12,500``: one separator and three digits), the column
    decides: in a **count** (``count=True``) a count cannot be 1.234, so the
    separator is read as a thousands separator (1234) and the action says it
    was ambiguous; in a share or a coordinate the separator is the decimal
    mark (``1.234`` is 1.234 %: 1234 would be out of range). A count with a
    fraction (``1,5``) is read as written, 1.5, for the validator to refuse.

    Returns
    -------
    (float, str or None)
        The number and the action: ``None`` (read as is), ``"missing"`` (an
        empty or "no data" cell), ``"decimal_comma"``, ``"percent_sign"``,
        ``"apostrophe"`` (Excel's text marker dropped), ``"thousands_separator"``
        (``1.234.567``, ``1,234.5``), ``"ambiguous_separator"`` (``1.234`` in a
        count, read as 1234), or ``"unreadable"`` (the number is then NaN);
        several actions are joined by ``"+"``.

    Examples
    --------
    >>> parse_number("61,5")
    (61.5, 'decimal_comma')
    >>> parse_number("97%"), parse_number("không có số liệu"), parse_number(12)
    ((97.0, 'percent_sign'), (nan, 'missing'), (12.0, None))
    >>> parse_number("cao")
    (nan, 'unreadable')
    >>> parse_number("1.234"), parse_number("1.234", count=True), parse_number("1.234.567", count=True)
    ((1.234, None), (1234.0, 'ambiguous_separator'), (1234567.0, 'thousands_separator'))
    >>> parse_number("'12"), parse_number("1,5", count=True)
    ((12.0, 'apostrophe'), (1.5, 'decimal_comma'))
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
    text, had_apostrophe = strip_apostrophe(text)
    if had_apostrophe:
        actions.append("apostrophe")
    if text.endswith("%"):
        text = text[:-1].strip()
        actions.append("percent_sign")
    body = re.sub(r"[\s\u202f]", "", text)
    if not re.fullmatch(r"[+-]?(\d[\d.,]*|\.\d+)([eE][+-]?\d+)?", body):
        return math.nan, "unreadable"
    try:
        number = float(numbers.parse_number(body))
        if "," in body and "." not in body and body.count(",") == 1:
            actions.append("decimal_comma")
        elif body.count(".") + body.count(",") > 1:
            actions.append("thousands_separator")
    except numbers.AmbiguousNumber:
        if count:
            number = float(numbers.parse_number(body, integer=True))
            actions.append("ambiguous_separator")
        else:
            number = float(body.replace(",", "."))
            if "," in body:
                actions.append("decimal_comma")
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
