"""The allocation core shared by the commune and the province crosswalks.

A conversion takes a table of old units (pre-2025 communes or provinces), one
row each, and moves its values onto new units through *pieces*: (old, new)
pairs with the share of the old unit that went to the new one.

* every input row is accounted for in a :class:`Ledger` (mapped, repaired or
  rejected, with the reasons), which becomes the rows of the
  :class:`CrosswalkReport`;
* :func:`read_values` checks the value columns (numbers, no negative counts);
* :func:`reject_duplicates` rejects an old unit given twice;
* :func:`spread` splits the extensive columns by the shares and sums them,
  and averages the intensive ones weighted by what moved;
* :func:`largest_remainder` rounds a split of a whole number so that it is
  conserved exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.geography.names import closest

__all__ = [
    "CrosswalkReport",
    "Ledger",
    "row_numbers",
    "as_list",
    "check_request",
    "check_columns",
    "read_values",
    "reject_duplicates",
    "spread",
    "largest_remainder",
    "split_counts",
    "conservation",
]


@dataclass
class CrosswalkReport:
    """Reconciliation of a conversion: what happened to every input row.

    Attributes
    ----------
    rows
        One row per input row (same index): ``row`` (the row number of the
        input, as :mod:`divide.indicators.readers` number rows: the row a
        spreadsheet shows, the header being row 1, so the first data row of a
        CSV is row 2; for a DataFrame given in memory without row numbers, the
        position from 0), ``input`` (the code or names as given), ``old_code``, ``status``
        (``mapped``, ``repaired``, ``rejected``), ``reason``, ``n_new`` (new
        communes it went to) and ``split_method``.
    totals
        Per extensive column: total of the input, of the accepted rows, of the
        output, and the difference (accepted − output).
    weights_basis
        What the intensive columns were weighted by.
    parameters
        The arguments of the call.
    """

    rows: pd.DataFrame
    totals: pd.DataFrame
    weights_basis: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Rows by status, plus how many were split (approximate)."""
        s = self.rows["status"]
        return {
            "rows": int(len(s)),
            "mapped": int((s == "mapped").sum()),
            "repaired": int((s == "repaired").sum()),
            "rejected": int((s == "rejected").sum()),
            "split": int(((s != "rejected") & (self.rows["n_new"] > 1)).sum()),
        }

    @property
    def exit_code(self) -> int:
        """0 if every row was mapped, 1 if some were not."""
        return 1 if self.counts["rejected"] else 0

    @property
    def rejected(self) -> pd.DataFrame:
        """The rows not mapped, with the reason."""
        return self.rows[self.rows["status"] == "rejected"]

    def summary(self, max_rows: int = 10) -> str:
        """A short text reconciliation for people."""
        c = self.counts
        lines = [
            f"{c['rows']} input rows: {c['mapped']} mapped, {c['repaired']} repaired, {c['rejected']} not mapped "
            f"({c['mapped'] + c['repaired'] + c['rejected']} = {c['rows']})",
            f"{c['split']} old communes split across several new ones; methods: "
            + ", ".join(f"{k} {v}" for k, v in self.rows.loc[self.rows["status"] != "rejected", "split_method"].value_counts().items()),
            f"intensive columns weighted by: {self.weights_basis}",
        ]
        for col, r in self.totals.iterrows():
            lines.append(
                f"{col}: total of mapped rows {r['accepted_total']:,.2f}, on the 2025 map {r['output_total']:,.2f} "
                f"(difference {r['difference']:.2g})"
                + (f"; {r['rejected_total']:,.2f} in rows not mapped" if r["rejected_total"] else "")
            )
        rej = self.rejected
        for _, r in rej.head(max_rows).iterrows():
            lines.append(f"  row {r['row']} ({r['input']}): {r['reason']}")
        if len(rej) > max_rows:
            lines.append(f"  ... and {len(rej) - max_rows} more rows not mapped")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CrosswalkReport({self.counts})"


class Ledger:
    """What becomes of each input row: ``status`` (mapped, repaired, rejected) and the reasons.

    Parameters
    ----------
    index
        The index of the input table.
    rows
        The row number of each input row in its file (see
        :class:`CrosswalkReport`), used in messages; default the position from 0.

    Raises
    ------
    InputError
        ``rows`` does not give one number per row.

    Examples
    --------
    >>> led = Ledger(pd.RangeIndex(3), rows=[2, 3, 5])
    >>> led.repair(0, "code padded"); led.reject(1, "no code"); led.repair(1, "ignored")
    >>> led.status.tolist(), led.reason_text(), led.row(2)
    (['repaired', 'rejected', 'mapped'], ['code padded', 'no code; ignored', ''], 5)
    >>> led.ok.tolist()
    [True, False, True]
    """

    def __init__(self, index: pd.Index, rows: Sequence[int] | None = None) -> None:
        self.index = index
        self.rows = row_numbers(len(index), rows)
        self.status = np.array(["mapped"] * len(index), dtype=object)
        self.reasons: list[list[str]] = [[] for _ in range(len(index))]

    def row(self, i: int) -> int:
        """The row number of row ``i`` (0-based position), as said in messages."""
        return int(self.rows[i])

    def reject(self, i: int, reason: str) -> None:
        """Reject row ``i`` (0-based position) for ``reason``."""
        self.status[i] = "rejected"
        self.reasons[i].append(reason)

    def repair(self, i: int, reason: str) -> None:
        """Note a repair of row ``i``; a rejected row stays rejected."""
        if self.status[i] != "rejected":
            self.status[i] = "repaired"
        self.reasons[i].append(reason)

    @property
    def ok(self) -> pd.Series:
        """True for the rows not rejected (so far), on the input index."""
        return pd.Series(self.status != "rejected", index=self.index)

    def reason_text(self) -> list[str]:
        """The reasons of each row, joined by ``"; "``."""
        return ["; ".join(r) for r in self.reasons]


def row_numbers(n: int, rows: Sequence[int] | None = None) -> np.ndarray:
    """The row numbers of ``n`` input rows: ``rows`` checked, or the positions from 0.

    Parameters
    ----------
    n
        How many rows the input has.
    rows
        Their row numbers in the file they came from (for example
        ``RawTable.rows`` of :mod:`divide.indicators.readers`), or None.

    Returns
    -------
    numpy.ndarray
        int64, one number per row.

    Raises
    ------
    InputError
        ``rows`` does not give one whole number per row.

    Examples
    --------
    >>> row_numbers(3).tolist(), row_numbers(2, [2, 4]).tolist()
    ([0, 1, 2], [2, 4])
    >>> row_numbers(2, [2])
    Traceback (most recent call last):
    divide._errors.InputError: row_numbers gives 1 number(s) for 2 rows
      fix: give one row number per row of the table, or leave row_numbers out
    """
    if rows is None:
        return np.arange(n, dtype="int64")
    out = np.asarray(list(rows))
    if len(out) != n or (n and not np.issubdtype(out.dtype, np.integer)):
        raise InputError(f"row_numbers gives {len(out)} number(s) for {n} rows",
                         fix="give one row number per row of the table, or leave row_numbers out")
    return out.astype("int64")


def as_list(cols: str | Sequence[str] | None) -> list[str]:
    """A column name or names as a list.

    Examples
    --------
    >>> as_list("a"), as_list(("a", "b")), as_list(None)
    (['a'], ['a', 'b'], [])
    """
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def check_request(
    table: Any, extensive: str | Sequence[str], intensive: str | Sequence[str], source: str | Path | None = None
) -> tuple[list[str], list[str]]:
    """Check that ``table`` is a DataFrame and that the value columns make sense; return them as lists.

    Raises
    ------
    InputError
        Not a DataFrame, no value column, or a column both extensive and intensive.

    Examples
    --------
    >>> check_request(pd.DataFrame({"a": [1]}), "a", ())
    (['a'], [])
    >>> check_request(pd.DataFrame({"a": [1]}), "a", "a")
    Traceback (most recent call last):
    divide._errors.InputError: column(s) ['a'] given as both extensive and intensive
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(table).__name__}", path=source)
    extensive = as_list(extensive)
    intensive = as_list(intensive)
    if not extensive and not intensive:
        raise InputError("no value columns given", path=source, fix="name at least one extensive or intensive column")
    overlap = set(extensive) & set(intensive)
    if overlap:
        raise InputError(f"column(s) {sorted(overlap)} given as both extensive and intensive", path=source)
    return extensive, intensive


def check_columns(table: pd.DataFrame, used: Sequence[str | None], source: str | Path | None = None) -> None:
    """Raise :class:`~divide.InputError` naming the columns of ``used`` not in ``table`` (with the closest names), or if it has no rows.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"dan_so": [1]}), ["dan_so", None])
    >>> check_columns(pd.DataFrame({"dan_so": [1]}), ["danso"])
    Traceback (most recent call last):
    divide._errors.InputError: column(s) not in the table: 'danso'
      fix: 'danso': did you mean 'dan_so'? (columns: dan_so)
    """
    missing = [c for c in dict.fromkeys(c for c in used if c is not None) if c not in table.columns]
    if missing:
        hints = {c: closest(str(c), [str(x) for x in table.columns], 1) for c in missing}
        raise InputError(
            "column(s) not in the table: " + ", ".join(repr(c) for c in missing),
            path=source,
            fix="; ".join(f"{c!r}: did you mean {h[0]!r}?" if h else f"{c!r}: not found" for c, h in hints.items())
            + " (columns: " + ", ".join(map(str, table.columns)) + ")",
        )
    if len(table) == 0:
        raise InputError("the table has no rows", path=source)


def read_values(
    table: pd.DataFrame,
    extensive: Sequence[str],
    intensive: Sequence[str],
    weights: str | None,
    ledger: Ledger,
    *,
    source: str | Path | None = None,
    strict: bool = False,
    integer_counts: bool = False,
    negative: str | None = None,
) -> pd.DataFrame:
    """The value columns as float64; rows with a bad value are rejected in ``ledger``.

    A cell that is given but not a number, a negative count or weight, and
    (``integer_counts``) a count that is not whole reject their row.

    Parameters
    ----------
    table
        The input table.
    extensive, intensive, weights
        The value columns.
    ledger
        Where rejections are recorded.
    source
        File the table came from, named in messages.
    strict
        Raise :class:`~divide.InputError` for a column that holds no number at all.
    integer_counts
        Counts must be whole numbers.
    negative
        The word for a negative value in messages; default ``count`` or ``weight``.

    Returns
    -------
    pandas.DataFrame
        One float64 column per value column, on the input index.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [1, -2, "x"]})
    >>> led = Ledger(t.index)
    >>> read_values(t, ["n"], [], None, led)["n"].tolist()
    [1.0, -2.0, nan]
    >>> led.reason_text()
    ['', "negative count in column 'n': -2", "not a number in column 'n': 'x'"]
    """
    values = pd.DataFrame(index=table.index)
    for col in dict.fromkeys([*extensive, *intensive, *([weights] if weights else [])]):
        raw = table[col]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = raw.notna() & (raw.astype(str).str.strip() != "") & num.isna()
        if strict and bad.all():
            raise InputError(
                f"column {col!r} holds no numbers (first value {raw.iloc[0]!r})",
                path=source,
                where=f"column {col!r}",
                fix="name a numeric column, or remove thousands separators and units from its cells",
            )
        for i in np.flatnonzero(bad.to_numpy()):
            ledger.reject(i, f"not a number in column {col!r}: {raw.iloc[i]!r}")
        if col in extensive or col == weights:
            word = negative or ("count" if col in extensive else "weight")
            for i in np.flatnonzero((num < 0).to_numpy()):
                ledger.reject(i, f"negative {word} in column {col!r}: {num.iloc[i]:g}")
        if integer_counts and col in extensive:
            for i in np.flatnonzero((num.notna() & (num != np.floor(num))).to_numpy()):
                ledger.reject(i, f"integer_counts: {col!r} is not a whole number: {num.iloc[i]:g}")
        values[col] = num
    return values


def reject_duplicates(keys: pd.Series, values: pd.DataFrame, ledger: Ledger, label: str) -> None:
    """Reject rows that give the same old unit twice: the copies if the values agree, all of them if not.

    Parameters
    ----------
    keys
        The old unit of each row (missing when unknown), on the input index.
    values
        The value columns (:func:`read_values`).
    ledger
        Where rejections are recorded.
    label
        What a key is, in messages ("old code", "province").

    Examples
    --------
    >>> keys = pd.Series(["01", "01", "02", "02"])
    >>> values = pd.DataFrame({"x": [1.0, 1.0, 2.0, 3.0]})
    >>> led = Ledger(keys.index, rows=[2, 3, 4, 5])
    >>> reject_duplicates(keys, values, led, "province")
    >>> led.status.tolist()
    ['mapped', 'rejected', 'rejected', 'rejected']
    >>> led.reasons[1], led.reasons[3]
    (['duplicate of row 2 (province 01, same values): counted once'], ['province 02 appears in rows 4, 5 with different values: keep one row'])
    """
    live = ledger.ok & keys.notna()
    dup = keys[live]
    for key, grp in dup.groupby(dup).groups.items():
        if len(grp) < 2:
            continue
        pos = [keys.index.get_loc(g) for g in grp]
        block = values.loc[grp]
        if all(block.iloc[0].equals(block.iloc[j]) for j in range(1, len(block))):
            for p in pos[1:]:
                ledger.reject(p, f"duplicate of row {ledger.row(pos[0])} ({label} {key}, same values): counted once")
        else:
            rows = ", ".join(str(ledger.row(p)) for p in pos)
            for p in pos:
                ledger.reject(p, f"{label} {key} appears in rows {rows} with different values: keep one row")


def largest_remainder(raw: np.ndarray, total: float) -> np.ndarray:
    """Round non-negative ``raw`` down, then add 1 to the largest remainders until the sum is ``total``.

    Ties go to the earlier position, so the result is deterministic.

    Parameters
    ----------
    raw
        The exact split (for example a count times the shares).
    total
        The whole number the integers must add up to.

    Returns
    -------
    numpy.ndarray
        int64, as close to ``raw`` as possible, summing to ``total``.

    Examples
    --------
    >>> largest_remainder(np.array([3.5, 3.5, 3.0]), 10).tolist()
    [4, 3, 3]
    """
    raw = np.asarray(raw, dtype="float64")
    base = np.floor(raw).astype("int64")
    short = int(round(total - base.sum()))
    if short > 0:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:short]] += 1
    return base


def split_counts(counts: pd.Series, share: pd.Series, old: pd.Series) -> pd.Series:
    """Split whole counts of old units across their pieces by share, conserving each count exactly.

    Parameters
    ----------
    counts, share, old
        Per piece: the count of its old unit, the share of the old unit it
        holds and the old unit.

    Returns
    -------
    pandas.Series
        Whole numbers (float64; missing where the count is missing) per piece.

    Examples
    --------
    >>> pieces = pd.DataFrame({"old": ["a", "a", "a", "b"], "n": [10, 10, 10, 7], "share": [0.35, 0.35, 0.3, 1]})
    >>> split_counts(pieces["n"], pieces["share"], pieces["old"]).tolist()
    [4.0, 3.0, 3.0, 7.0]
    """
    raw = counts * share
    out = np.floor(raw)
    split = (old.map(old.value_counts()) > 1).to_numpy() & counts.notna().to_numpy()
    if split.any():
        sub = pd.DataFrame({"old": old[split], "v": counts[split], "raw": raw[split]})
        for _, grp in sub.groupby("old"):
            out.loc[grp.index] = largest_remainder(grp["raw"].to_numpy(), grp["v"].iloc[0])
    return out.where(counts.notna())


def spread(
    pieces: pd.DataFrame,
    by: str,
    extensive: Sequence[str],
    intensive: Sequence[str],
    share: str,
    weight: str,
    *,
    integer_counts: bool = False,
    old: str | None = None,
) -> dict[str, pd.Series]:
    """Values of the new units: extensive columns split by share and summed, intensive ones weighted means.

    Parameters
    ----------
    pieces
        One row per (old, new) piece with the old unit's values.
    by
        Column with the new unit.
    extensive, intensive
        The value columns.
    share
        Column with the share of the old unit in the piece.
    weight
        Column with the weight of the piece for the intensive columns (pieces
        with a missing or zero weight, or a missing value, do not count).
    integer_counts
        Split counts with :func:`split_counts` (needs ``old``, the column with
        the old unit).
    old
        Column with the old unit.

    Returns
    -------
    dict
        Column name -> values indexed by new unit (missing where no piece has a value).

    Examples
    --------
    >>> p = pd.DataFrame({"new": ["A", "A", "B"], "n": [10.0, 4.0, 4.0], "r": [0.2, 0.8, 0.8],
    ...                   "share": [1.0, 0.5, 0.5], "w": [10.0, 2.0, 2.0]})
    >>> out = spread(p, "new", ["n"], ["r"], "share", "w")
    >>> out["n"].to_dict(), out["r"].round(2).to_dict()
    ({'A': 12.0, 'B': 2.0}, {'A': 0.3, 'B': 0.8})
    """
    out: dict[str, pd.Series] = {}
    key = pieces[by]
    for col in extensive:
        if integer_counts:
            moved = split_counts(pieces[col], pieces[share], pieces[old])
        else:
            moved = pieces[col] * pieces[share]
        out[col] = moved.groupby(key).sum(min_count=1)
    w = pieces[weight]
    for col in intensive:
        valid = pieces[col].notna() & w.notna() & (w > 0)
        num = (pieces[col] * w).where(valid).groupby(key).sum(min_count=1)
        den = w.where(valid).groupby(key).sum(min_count=1)
        out[col] = num / den
    return out


def conservation(values: pd.DataFrame, ok: pd.Series, out: pd.DataFrame, extensive: Sequence[str]) -> pd.DataFrame:
    """Totals of each extensive column: input, accepted, rejected, on the new map, and the difference.

    Examples
    --------
    >>> values = pd.DataFrame({"n": [1.0, 2.0, 4.0]})
    >>> t = conservation(values, pd.Series([True, True, False]), pd.DataFrame({"n": [3.0]}), ["n"])
    >>> t.loc["n"].tolist()
    [7.0, 3.0, 4.0, 3.0, 0.0]
    """
    totals = pd.DataFrame(
        {
            "input_total": [values[c].sum() for c in extensive],
            "accepted_total": [values.loc[ok, c].sum() for c in extensive],
            "rejected_total": [values.loc[~ok, c].sum() for c in extensive],
            "output_total": [out[c].sum() for c in extensive],
        },
        index=pd.Index(list(extensive), name="column"),
    )
    totals["difference"] = totals["accepted_total"] - totals["output_total"]
    return totals
