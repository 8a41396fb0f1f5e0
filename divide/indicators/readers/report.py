"""The account of a read: what happened to every input row and to every changed cell.

:class:`ReadReport` is what both readers return beside the table;
:class:`RowState` is the per-row bookkeeping they fill while they build it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from divide._errors import InputError

__all__ = ["Status", "RowOutcome", "ValueIssue", "ReadProblem", "ReadReport", "RowState", "column_letter"]

Status = Literal["matched", "repaired", "rejected"]


@dataclass
class RowOutcome:
    """What happened to one input row.

    ``status`` is ``"matched"``, ``"repaired"`` or ``"rejected"``; ``reason``
    a short machine word (``"code_padded"``, ``"unknown_code"``...) and
    ``detail`` the sentence for people. Repairs add to ``reason`` joined by
    ``"+"``.
    """

    row: int
    status: Status
    key: str | None = None
    reason: str = ""
    detail: str = ""


@dataclass
class ValueIssue:
    """A cell that was changed or could not be read (``action``: what was done)."""

    row: int
    column: str
    value: str
    action: str
    detail: str


@dataclass
class ReadProblem:
    """A problem of the file as a whole rather than of one row: no data rows, a column given twice.

    ``check`` is ``"no_data_rows"`` or ``"repeated_column"`` (errors: the
    table cannot be used as it stands) or ``"duplicate_column"`` (a warning:
    the same column twice with the same values, one copy dropped).
    ``columns`` are the headers concerned and ``positions`` where they are
    (spreadsheet column letters for CSV and XLSX, ``"3"`` for the third
    field otherwise). The messages do not repeat the file's name.
    """

    check: str
    severity: Literal["error", "warning"]
    message: str
    fix: str
    column: str | None = None
    columns: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    message_vi: str = ""  # the message and the fix in Vietnamese
    fix_vi: str = ""


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position.

    Examples
    --------
    >>> column_letter(0), column_letter(5), column_letter(26), column_letter(701)
    ('A', 'F', 'AA', 'ZZ')
    """
    letters = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class ReadReport:
    """How a file became a table: format, encoding, columns, and the fate of every row.

    Attributes
    ----------
    source
        The path read, or ``"<DataFrame>"``.
    format, encoding, layer, header_row
        What was detected (``layer`` is the sheet or layer name; ``header_row``
        the row number of the header in a spreadsheet or CSV).
    columns
        Header in the file → canonical column.
    ignored_columns
        Headers not in the alias table (left out of the table).
    key_from
        ``"code"`` or ``"names"``: how rows were keyed.
    outcomes
        One :class:`RowOutcome` per input row, in input order.
    value_issues
        Cells repaired or blanked (decimal commas, "%" signs, unreadable text).
    blank_rows
        Entirely empty rows skipped (not counted as input).
    metadata
        Metadata found in the file (for example ``{"vintage": "2024"}``).
    problems
        Problems of the file as a whole (:class:`ReadProblem`): no data rows,
        a column given twice.
    """

    source: str
    format: str
    layer_kind: str = "communes"
    encoding: str | None = None
    layer: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    key_from: str = "code"
    outcomes: list[RowOutcome] = field(default_factory=list)
    value_issues: list[ValueIssue] = field(default_factory=list)
    blank_rows: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    problems: list[ReadProblem] = field(default_factory=list)

    # -- counting
    def counts(self) -> dict[str, int]:
        """Input rows and how many were matched, repaired and rejected (they add up).

        Examples
        --------
        >>> r = ReadReport("x.csv", "csv", outcomes=[RowOutcome(2, "matched", "03478")])
        >>> r.counts()
        {'input': 1, 'matched': 1, 'repaired': 0, 'rejected': 0}
        """
        out = {"input": len(self.outcomes), "matched": 0, "repaired": 0, "rejected": 0}
        for o in self.outcomes:
            out[o.status] += 1
        return out

    @property
    def balanced(self) -> bool:
        """True when matched + repaired + rejected equals the input rows."""
        c = self.counts()
        return c["matched"] + c["repaired"] + c["rejected"] == c["input"]

    def rows(self, status: Status | None = None, reason: str | None = None) -> list[RowOutcome]:
        """The outcomes with a given status and/or reason (a reason matches any of the ``+``-joined words)."""
        return [
            o
            for o in self.outcomes
            if (status is None or o.status == status) and (reason is None or reason in o.reason.split("+"))
        ]

    def by_reason(self, status: Status) -> dict[str, list[RowOutcome]]:
        """Outcomes of one status grouped by reason word."""
        groups: dict[str, list[RowOutcome]] = {}
        for o in self.rows(status):
            for word in o.reason.split("+"):
                groups.setdefault(word, []).append(o)
        return groups

    def raise_problems(self) -> None:
        """Raise :class:`divide.InputError` when a problem of the file is an error (warnings pass).

        Examples
        --------
        >>> r = ReadReport("x.csv", "csv", problems=[ReadProblem(
        ...     "no_data_rows", "error", "the file has a header but no data rows", "add rows")])
        >>> r.raise_problems()
        Traceback (most recent call last):
        ...
        divide._errors.InputError: x.csv: the file has a header but no data rows
          fix: add rows
        """
        errors = [p for p in self.problems if p.severity == "error"]
        if not errors:
            return
        path = None if self.source == "<DataFrame>" else Path(self.source)
        raise InputError("; ".join(p.message for p in errors), path=path,
                         fix="; ".join(dict.fromkeys(p.fix for p in errors)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        d = asdict(self)
        d["counts"] = self.counts()
        return d

    def summary(self) -> str:
        """One line: ``40 input rows = 36 matched + 2 repaired + 2 rejected``."""
        c = self.counts()
        return f"{c['input']} input rows = {c['matched']} matched + {c['repaired']} repaired + {c['rejected']} rejected"


class RowState:
    """Mutable per-row state while a table is being built: status, reasons, details and key of each row.

    Parameters
    ----------
    numbers
        The row number of each input row (see :mod:`divide.indicators.readers`).

    Examples
    --------
    >>> state = RowState([2, 3])
    >>> state.repair(0, "code_padded", "code '4' restored to '00004'")
    >>> state.reject(1, "no_key", "empty commune code")
    >>> [(o.row, o.status, o.reason) for o in state.outcomes()]
    [(2, 'repaired', 'code_padded'), (3, 'rejected', 'no_key')]
    """

    def __init__(self, numbers: list[int]):
        self.numbers = numbers
        self.status: list[Status] = ["matched"] * len(numbers)
        self.reason: list[list[str]] = [[] for _ in numbers]
        self.detail: list[list[str]] = [[] for _ in numbers]
        self.key: list[str | None] = [None] * len(numbers)

    def repair(self, i: int, reason: str, detail: str) -> None:
        """Mark row ``i`` repaired (a rejected row stays rejected) and add the reason and detail."""
        if self.status[i] == "rejected":
            return
        self.status[i] = "repaired"
        if reason not in self.reason[i]:
            self.reason[i].append(reason)
        self.detail[i].append(detail)

    def reject(self, i: int, reason: str, detail: str) -> None:
        """Mark row ``i`` rejected; the reason and detail replace any earlier ones."""
        self.status[i] = "rejected"
        self.reason[i] = [reason]
        self.detail[i] = [detail]

    def alive(self) -> list[int]:
        """Positions of the rows not rejected."""
        return [i for i, s in enumerate(self.status) if s != "rejected"]

    def outcomes(self) -> list[RowOutcome]:
        """One :class:`RowOutcome` per row, in input order."""
        return [
            RowOutcome(n, s, k, "+".join(r), "; ".join(d))
            for n, s, k, r, d in zip(self.numbers, self.status, self.key, self.reason, self.detail)
        ]
