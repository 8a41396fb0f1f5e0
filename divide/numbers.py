"""Numbers as people write them: thousands separators, decimal commas, and what is ambiguous.

Vietnamese writes ``300.000`` for three hundred thousand and ``2,5`` for two and
a half; English writes ``300,000`` and ``2.5``. :func:`parse_number` accepts
both where the reading is certain and refuses where it is not (``1.234`` could
be either), so a typed option or a cell of a user's table is never silently
read a thousand times too small.

Examples
--------
>>> parse_number("300.000", integer=True), parse_number("300,000", integer=True), parse_number("2,5")
(300000, 300000, 2.5)
>>> parse_number("1 234 567"), parse_number("1.234.567,5"), parse_number("1,234,567.5")
(1234567.0, 1234567.5, 1234567.5)
>>> parse_number("1.234")
Traceback (most recent call last):
...
divide.numbers.AmbiguousNumber: '1.234' is ambiguous: 1234 (thousands separator) or 1.234 (decimal point)
"""

from __future__ import annotations

import re

__all__ = ["AmbiguousNumber", "parse_number", "is_ambiguous"]

_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_GROUPED = {".": re.compile(r"^\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^\d{1,3}(,\d{3})+$")}


class AmbiguousNumber(ValueError):
    """A number whose separator could be a thousands separator or a decimal mark."""


def is_ambiguous(text: str) -> bool:
    """Whether ``text`` is a number with one separator followed by exactly three digits (``1.234``, ``12,500``).

    Examples
    --------
    >>> is_ambiguous("1.234"), is_ambiguous("1.23"), is_ambiguous("1.234.567"), is_ambiguous("1234")
    (True, False, False, False)
    """
    t = _SPACES.sub("", str(text).strip()).lstrip("+-")
    return bool(re.fullmatch(r"\d{1,3}[.,]\d{3}", t))


def parse_number(text: str | float | int, *, integer: bool = False) -> float | int:
    """Read a number written with either convention; raise ``ValueError`` when it cannot be read for sure.

    Parameters
    ----------
    text
        The number as typed: ``"300000"``, ``"300.000"``, ``"300,000"``, ``"300 000"``, ``"2,5"``, ``"1e6"``.
    integer
        A whole number is expected (a count, a population): a single separator followed by three digits is
        then a thousands separator (``"1.234"`` is 1234); anything with a fractional part is refused.

    Returns
    -------
    float or int
        ``int`` when ``integer`` is true.

    Raises
    ------
    AmbiguousNumber
        For ``"1.234"`` or ``"12,500"`` when ``integer`` is false.
    ValueError
        For text that is not a number, or a fraction where a whole number is expected.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text).strip()
        t = _SPACES.sub("", raw)
        sign = -1.0 if t.startswith("-") else 1.0
        body = t.lstrip("+-")
        if not body:
            raise ValueError(f"{raw!r} is not a number")
        if "." in body and "," in body:
            decimal = "." if body.rfind(".") > body.rfind(",") else ","
            thousands = "," if decimal == "." else "."
            whole, _, frac = body.rpartition(decimal)
            if not _GROUPED[thousands].match(whole) or not frac.isdigit():
                raise ValueError(f"{raw!r} is not a number (mixed separators)")
            value = sign * float(whole.replace(thousands, "") + "." + frac)
        elif body.count(".") > 1 or body.count(",") > 1:
            sep = "." if "." in body else ","
            if not _GROUPED[sep].match(body):
                raise ValueError(f"{raw!r} is not a number")
            value = sign * float(body.replace(sep, ""))
        elif re.fullmatch(r"\d{1,3}[.,]\d{3}", body):
            if not integer:
                sep = body[-4]
                raise AmbiguousNumber(
                    f"{raw!r} is ambiguous: {body.replace(sep, '')} (thousands separator) or "
                    f"{body.replace(',', '.')} (decimal point)")
            value = sign * float(body.replace(body[-4], ""))
        else:
            try:
                value = sign * float(body.replace(",", "."))
            except ValueError:
                raise ValueError(f"{raw!r} is not a number") from None
    if integer:
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise ValueError(f"{text!r} is not a whole number")
        return int(value)
    return value
