"""The steps both readers share: translate the headers, key the rows, parse the values, drop duplicates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.geography.names import fold
from divide.indicators.readers.cells import cell_text, is_blank, parse_bool, parse_number
from divide.indicators.readers.formats import RawTable, read_raw
from divide.indicators.readers.keys import index_for, resolve_commune_codes
from divide.indicators.readers.problems import no_data_rows, repeated_column
from divide.indicators.readers.reference import reference_for
from divide.indicators.readers.report import ReadReport, RowState, ValueIssue
from divide.indicators.schema import ALIASES, KEY, VILLAGE_ALIASES, canonical_name, header_key
from divide.provenance import SOURCE, mark_modeled

__all__ = [
    "open_table",
    "map_columns",
    "parse_numeric_columns",
    "parse_bool_columns",
    "dedupe",
    "kept_rows",
    "label_table",
]


def open_table(
    path: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None,
    sheet: str | int | None,
    layer: str | int | None,
    encoding: str | None,
    communes: pd.DataFrame | None,
    layer_kind: str,
    problems: str = "report",
) -> tuple[RawTable, pd.DataFrame, ReadReport, RowState, str]:
    """Shared start of both readers: read, map the columns, resolve the commune key of every row.

    Parameters are those of :func:`divide.read_indicators`; ``layer_kind`` is
    ``"communes"`` or ``"villages"``. With ``problems="raise"`` an error of the
    file as a whole raises before the rows are keyed.

    Returns
    -------
    (RawTable, pandas.DataFrame, ReadReport, RowState, str)
        The file as read, its mapped columns under canonical names, the report
        so far, the rows' state (``state.key`` holds the commune codes) and
        the source.

    Examples
    --------
    >>> import pandas as pd
    >>> raw, frame, report, state, source = open_table(
    ...     pd.DataFrame({"Mã xã": [3478], "ghi chú": ["x"]}), None, None, None, None, None, "communes")
    >>> list(frame.columns), report.ignored_columns, state.key, state.reason
    (['commune_code'], ['ghi chú'], ['03478'], [['code_padded']])

    The problems of the file as a whole (no data rows, a column given twice,
    see :mod:`~divide.indicators.readers.problems`) are in ``report.problems``.
    """
    if problems not in ("raise", "report"):
        raise InputError(f"problems={problems!r}", fix="pass problems='raise' or problems='report'")
    raw, source = read_raw(path, sheet=sheet, layer=layer, encoding=encoding, layer_kind=layer_kind)
    matcher = index_for(reference_for(communes))
    repeats: list[tuple[str, str, str]] = []
    mapping, ignored = map_columns(list(raw.frame.columns), columns, layer_kind, source, written=raw.headers,
                                   repeats=repeats)
    found = [repeated_column(raw, first, other, target) for first, other, target in repeats]
    ignored += [f"{raw.header_of(other)} (column {raw.position(other)})" for _, other, _ in repeats]
    empty = no_data_rows(raw, source)
    if empty is not None:
        found.insert(0, empty)
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    report = ReadReport(
        source=source, format=raw.format, layer_kind=layer_kind, encoding=raw.encoding, layer=raw.layer,
        header_row=raw.header_row, columns={raw.header_of(h): c for h, c in mapping.items()},
        ignored_columns=ignored, blank_rows=raw.blank_rows, metadata=dict(raw.metadata), problems=found,
    )
    if problems == "raise":
        report.raise_problems()
    state = RowState(raw.rows)
    code_col = KEY if KEY in frame.columns else None
    # Names are checked against codes for commune tables; a village row names a village, not its commune.
    report.key_from = resolve_commune_codes(frame, state, matcher, code_col, check_names=layer_kind == "communes",
                                            source=source, headers=raw.headers or list(raw.frame.columns),
                                            issues=report.value_issues)
    return raw, frame, report, state, source


def map_columns(
    headers: list[str], explicit: Mapping[str, str] | None, layer_kind: str, source: str, *,
    written: list[str] | None = None, repeats: list[tuple[str, str, str]] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Translate the file's headers to canonical columns: the explicit mapping first, then the alias table.

    Parameters
    ----------
    headers
        The columns of the table (unique names).
    explicit
        ``{header: canonical column or "ignore"}``; it applies to every column
        under that header.
    layer_kind, source
        ``"communes"`` or ``"villages"``; the source, for messages.
    written
        The header of each column as the file writes it, when a repeated header
        was renamed in ``headers`` (``x``, ``x.1``); default ``headers``.
    repeats
        A list to collect ``(first column, other column, canonical column)``
        for two columns that mean the same column: the first is mapped, the
        other left out (neither in the mapping nor in the headers returned as
        ignored). Without it such a pair raises.

    Returns
    -------
    (dict, list)
        ``{column: canonical column}`` for the columns kept, and the headers
        (as written) that the alias table does not know.

    Raises
    ------
    divide.InputError
        A mapped header is not in the file, a mapping names no schema column,
        or (without ``repeats``) two headers mean the same column.

    Examples
    --------
    >>> map_columns(["Mã xã", "Số thôn", "ghi chú"], None, "communes", "<DataFrame>")
    ({'Mã xã': 'commune_code', 'Số thôn': 'villages_total'}, ['ghi chú'])
    >>> found = []
    >>> map_columns(["Mã xã", "fiber_hh", "fiber_hh.1"], None, "communes", "<DataFrame>",
    ...             written=["Mã xã", "fiber_hh", "fiber_hh"], repeats=found), found
    (({'Mã xã': 'commune_code', 'fiber_hh': 'fiber_households_pct'}, []), [('fiber_hh', 'fiber_hh.1', 'fiber_households_pct')])
    """
    allowed = set(ALIASES if layer_kind == "communes" else VILLAGE_ALIASES)
    path = None if source == "<DataFrame>" else source
    written = list(written or headers)
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    chosen: set[str] = set()  # columns named by the explicit mapping
    pairs: list[tuple[str, str, str]] = []

    def claim(column: str, target: str) -> None:
        if target in taken:
            pairs.append((taken[target], column, target))
        else:
            mapping[column] = target
            taken[target] = column

    for src, dst in dict(explicit or {}).items():
        cols = [h for h, w in zip(headers, written) if w == src] or [
            h for h, w in zip(headers, written) if header_key(w) == header_key(src)]
        if not cols:
            raise InputError(f"column {src!r} given in the column mapping is not in the file", path=path,
                             fix="the columns are: " + ", ".join(repr(h) for h in dict.fromkeys(written)))
        chosen.update(cols)
        if dst in (None, "", "ignore", "-"):
            continue
        target = dst if (dst in allowed or dst.endswith("__vintage")) else canonical_name(dst, layer_kind)
        if target is None:
            raise InputError(f"column mapping {src!r} → {dst!r}: {dst!r} is not a column of the schema", path=path,
                             fix="map to one of: " + ", ".join(sorted(allowed)))
        for col in cols:
            claim(col, target)
    ignored = []
    for h, w in zip(headers, written):
        if h in chosen:
            continue
        target = canonical_name(w, layer_kind)
        if target is None:
            ignored.append(w)
        elif target in taken and taken[target] in chosen:
            ignored.append(w)  # the explicit mapping chose another column for this one
        else:
            claim(h, target)
    if pairs and repeats is None:
        first, other, target = pairs[0]
        a, b = written[headers.index(first)], written[headers.index(other)]
        raise InputError(f"columns {a!r} and {b!r} both mean {target!r}", path=path,
                         fix=f"say which one to use: --columns '{a}={target},{b}=ignore' "
                         f"(or columns={{{a!r}: {target!r}, {b!r}: 'ignore'}})")
    if repeats is not None:
        repeats.extend(pairs)
    return mapping, ignored


def parse_numeric_columns(frame: pd.DataFrame, cols: list[str], state: RowState,
                          issues: list[ValueIssue], counts: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """The columns ``cols`` read as float64 (:func:`parse_number`); changed or unreadable cells are repairs.

    The columns in ``counts`` are counts: ``1.234`` there is read as 1234 and
    reported as ``ambiguous_separator`` (see :func:`parse_number`).

    Examples
    --------
    >>> import pandas as pd
    >>> state, issues = RowState([2, 3]), []
    >>> parse_numeric_columns(pd.DataFrame({"villages_total": ["1.234", "12"]}), ["villages_total"], state,
    ...                       issues, counts=["villages_total"])["villages_total"].tolist()
    [1234.0, 12.0]
    >>> issues[0].row, issues[0].action, state.reason[0]
    (2, 'ambiguous_separator', ['ambiguous_separator'])
    """
    out = {}
    for col in cols:
        values = np.full(len(frame), np.nan)
        count = col in counts
        for i, v in enumerate(frame[col].tolist()):
            number, action = parse_number(v, count=count)
            values[i] = number
            if action in (None, "missing"):
                continue
            text = cell_text(v)
            if action == "unreadable":
                issues.append(ValueIssue(state.numbers[i], col, text, "blanked",
                                         f"{text!r} is not a number; set to missing"))
                state.repair(i, "value_blanked", f"{col}: {text!r} is not a number, set to missing")
                continue
            detail = f"{text!r} read as {number:g}"
            if "ambiguous_separator" in action:
                detail += (f" (a count: the separator read as a thousands separator, not as the decimal point of "
                           f"{re.search(r'[0-9]+[.,][0-9]+', text).group().replace(',', '.')})")
            issues.append(ValueIssue(state.numbers[i], col, text, action, detail))
            state.repair(i, action, f"{col}: {detail}")
        out[col] = values
    return pd.DataFrame(out, index=frame.index)


def parse_bool_columns(frame: pd.DataFrame, cols: list[str], state: RowState,
                       issues: list[ValueIssue]) -> pd.DataFrame:
    """The columns ``cols`` read as nullable booleans (:func:`parse_bool`); a column of "x" and blanks is a checkbox."""
    out = {}
    for col in cols:
        values = []
        cells = frame[col].tolist()
        marks = {fold(str(v)) for v in cells if not is_blank(v)}
        checkbox = marks == {"x"}  # 'x' marks yes and blank means no, as in many spreadsheets
        if checkbox:
            issues.append(ValueIssue(0, col, "x / blank", "checkbox",
                                     "the column marks yes with 'x'; blank cells were read as no"))
        for i, v in enumerate(cells):
            b, action = parse_bool(v)
            if checkbox and action == "missing":
                b, action = False, None
            values.append(pd.NA if b is None else b)
            if action == "unreadable":
                text = cell_text(v)
                issues.append(ValueIssue(state.numbers[i], col, text, "blanked",
                                         f"{text!r} is not yes/no; set to missing"))
                state.repair(i, "value_blanked", f"{col}: {text!r} is not yes/no, set to missing")
        out[col] = pd.array(values, dtype="boolean")
    return pd.DataFrame(out, index=frame.index)


def dedupe(table: pd.DataFrame, keys: list[str | None], state: RowState, key_name: str) -> None:
    """Reject exact duplicates after the first, and every copy of a conflicting duplicate."""
    alive = [i for i in range(len(keys)) if state.status[i] != "rejected" and keys[i] is not None]
    groups: dict[str, list[int]] = {}
    for i in alive:
        groups.setdefault(keys[i], []).append(i)
    compare = [c for c in table.columns if c not in (key_name, "geometry")]
    for key, idx in groups.items():
        if len(idx) < 2:
            continue
        sub = table.iloc[idx][compare]
        first = sub.iloc[0]
        same = all(_rows_equal(first, sub.iloc[j]) for j in range(1, len(idx)))
        rows = [state.numbers[i] for i in idx]
        if same:
            for i in idx[1:]:
                state.reject(i, "duplicate", f"{key_name} {key} repeats row {rows[0]} with the same values")
        else:
            differ = [c for c in compare if not all(_cells_equal(first[c], sub.iloc[j][c]) for j in range(1, len(idx)))]
            for i in idx:
                others = ", ".join(str(r) for r in rows if r != state.numbers[i])
                state.reject(i, "conflicting_duplicate",
                             f"{key_name} {key} also on row {others} with different {', '.join(differ)}; "
                             "keep one row per code")


def _cells_equal(a: object, b: object) -> bool:
    if is_blank(a) and is_blank(b):
        return True
    if is_blank(a) or is_blank(b):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _rows_equal(a: pd.Series, b: pd.Series) -> bool:
    return all(_cells_equal(a[c], b[c]) for c in a.index)


def kept_rows(table: pd.DataFrame, state: RowState, key: str, text_cols: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """The rows not rejected, indexed by ``key``, text columns as ``str`` when full (else ``object``).

    Returns
    -------
    (pandas.DataFrame, list of int)
        The table and the positions kept (to cut a geometry the same way).
    """
    keep = state.alive()
    out = table.iloc[keep].set_index(key)
    for c in text_cols:
        out[c] = out[c].astype("str") if out[c].notna().all() else out[c].astype(object)
    return out, keep


def label_table(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Set the provenance ``attrs`` of a table read from ``source``; returns ``table``.

    ``attrs["source_file"]`` is the source; the table is marked modeled
    (:func:`divide.provenance.mark_modeled`) when every row says
    ``source == "modeled"``, and ``attrs["modeled"]`` is ``False`` otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> label_table(pd.DataFrame({"source": ["modeled", " Modeled"]}), "x.csv").attrs["modeled"]
    True
    >>> label_table(pd.DataFrame({"source": ["modeled", "GSO"]}), "x.csv").attrs
    {'source_file': 'x.csv', 'modeled': False}
    """
    table.attrs = {"source_file": source, "modeled": False}
    if len(table) and "source" in table.columns and (
            table["source"].astype(str).str.strip().str.lower().eq(SOURCE).all()):
        mark_modeled(table)
    return table
