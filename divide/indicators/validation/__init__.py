"""Check a commune indicator table against "đúng, đủ, sạch, sống".

The national data programme's motto is the validator's checklist:

* **đúng / correct**: values are numbers, in range (shares 0–100, counts
  ≥ 0 and whole), counts do not exceed ``villages_total``, shares are not
  given as 0–1 (reported; converted only with ``convert_fractions=True``),
  codes are 2025 codes (pre-2025 codes point to ``divide crosswalk``), names
  match;
* **đủ / complete**: communes missing in the provinces the table covers,
  missing values per column, coverage by province, columns not supplied;
* **sạch / clean**: duplicate codes (identical copies dropped, conflicting
  copies rejected), outliers (|skew| > 2 and kurtosis > 3.5, as in
  composite-indicator practice), near-duplicate indicators (|r| > 0.9);
* **sống / live**: the vintage of each column when given (a ``vintage`` /
  ``year`` / ``period`` column, ``<indicator>_year`` columns, file metadata
  or ``vintage=``) and its age against today.

The rules are in :mod:`~.checks`, the report and its text and JSON forms
in :mod:`~.report`, the reading of vintages in :mod:`~.vintage`.

Each finding is an ``error`` (the table gives wrong results as it stands),
a ``warning`` (usable, but look) or ``info``. :attr:`ValidationReport.exit_code`
is 1 when there is any error, else 0.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"commune_code": ["03478", "03388", "03390"],
...                   "fiber_households_pct": [0.5, 0.25, 0.75], "year": [2024, 2024, 2024]})
>>> report = validate(t, today="2025-11-01")
>>> report.exit_code, [f.check for f in report.errors]
(1, ['fraction_scale'])
>>> fixed = validate(t, convert_fractions=True, today="2025-11-01")
>>> fixed.exit_code, fixed.table["fiber_households_pct"].tolist()
(0, [50.0, 25.0, 75.0])
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from divide.indicators.readers import as_reference, read_indicators, reference_communes
from divide.indicators.validation.checks import (
    CORRELATION_LIMIT,
    KURTOSIS_LIMIT,
    SKEW_LIMIT,
    STALE_YEARS,
    Checker,
)
from divide.indicators.validation.report import Finding, ValidationReport
from divide.indicators.validation.vintage import parse_vintage

__all__ = [
    "Finding",
    "ValidationReport",
    "validate",
    "parse_vintage",
    "SKEW_LIMIT",
    "KURTOSIS_LIMIT",
    "CORRELATION_LIMIT",
    "STALE_YEARS",
]


def _as_date(today: object) -> _dt.date:
    if today is None:
        return _dt.date.today()
    if isinstance(today, _dt.datetime):
        return today.date()
    if isinstance(today, _dt.date):
        return today
    return _dt.date.fromisoformat(str(today))


def validate(
    table_or_path: str | Path | pd.DataFrame,
    *,
    communes: pd.DataFrame | None = None,
    convert_fractions: bool = False,
    today: str | _dt.date | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    vintage: Any = None,
) -> ValidationReport:
    """Validate a commune indicator table: đúng, đủ, sạch, sống.

    Parameters
    ----------
    table_or_path
        A file (any format of :func:`divide.read_indicators`) or a DataFrame
        (indexed by ``commune_code`` or with such a column, or with names).
    communes
        Reference communes (default: the 3,321 of 2025). Completeness is judged
        in the provinces the table covers.
    convert_fractions
        Convert share columns given as 0–1 to 0–100 (reported as a repair).
        Without it they are an error.
    today
        Date to measure the age of the values against (default: today).
    columns, sheet, layer, encoding
        Passed to :func:`divide.read_indicators`.
    vintage
        Vintage of the values when the table does not carry it: one value
        (``2024``, ``"2024-06"``) for every column, or a mapping
        ``{indicator: vintage}``.

    Returns
    -------
    ValidationReport
        ``.exit_code`` (0 usable, 1 problems), ``.findings`` by section,
        ``.reconciliation()``, ``.coverage`` by province, ``.vintages``,
        ``.table`` (the checked table), ``.to_text(lang)``, ``.to_json()``.

    Raises
    ------
    divide.InputError
        The file cannot be read at all (the command line exits with 2).

    Notes
    -----
    A file that can be read but not used as it stands is an **error finding**
    (exit code 1), not an exception: a header with no data rows
    (``no_data_rows``), and two columns meaning the same schema column with
    different values (``repeated_column``: the same header twice, or two
    aliases such as "Mã xã" and "commune_code"; the message names both
    columns by letter and the first is the one checked). The same column twice
    with the same values is a warning (``duplicate_column``). A count written
    ``1.234`` is read as 1234 with a warning (``ambiguous_separator``) naming
    the column and the rows; see :func:`divide.read_indicators` for how cells
    are read.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"Mã xã": [3478, 3388], "villages_total": [12, 8],
    ...                   "villages_no_signal": [14, 0], "vintage": ["2024", "2024"]})
    >>> r = validate(t, today="2025-11-01")
    >>> r.exit_code, r.find("exceeds_total")[0].codes, r.reconciliation()["repaired"]
    (1, ['03478'], 2)
    >>> print(r.to_text().splitlines()[-1])
    Result: problems found — 1 error, 1 warning (exit code 1)
    """
    reference = reference_communes() if communes is None else as_reference(communes)
    table, read = read_indicators(table_or_path, columns=columns, sheet=sheet, layer=layer, encoding=encoding,
                                  communes=reference if communes is not None else None, problems="report")
    table = table.copy()
    if isinstance(table_or_path, pd.DataFrame) and "vintage" in table_or_path.attrs:
        table.attrs["vintage"] = table_or_path.attrs["vintage"]
    checker = Checker(table, read, reference, _as_date(today), convert_fractions, vintage)
    checker.dung()
    coverage = checker.du()
    checker.sach()
    vintages = checker.song()
    return ValidationReport(
        source=read.source,
        read=read,
        findings=checker.findings,
        table=checker.table,
        coverage=coverage,
        vintages=vintages,
        today=checker.today,
    )
