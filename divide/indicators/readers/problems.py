"""Problems of a file as a whole: no data rows under the header, a column given twice.

Both readers find them (see :func:`~divide.indicators.readers.table.open_table`)
and put them in :attr:`ReadReport.problems <divide.indicators.readers.report.ReadReport>`;
:func:`divide.read_indicators` and :func:`divide.read_villages` then raise
:class:`divide.InputError` for the errors (unless asked to report only), and
:func:`divide.validate` turns each into a finding.

* **no data rows**: a header and nothing under it (or only empty rows) is an
  error, not an empty table: the file is not usable as it stands.
* **repeated column**: two columns that mean the same schema column, under the
  same header (``fiber_households_pct`` in C and in F) or under two headers
  of the alias table (``Mã xã`` and ``commune_code``), with different values,
  are an error naming both; the first is the one read, the other is left out.
  With the same values in every row they are one column written twice: a
  warning, and the second copy is left out.
"""

from __future__ import annotations

from divide.indicators.readers.cells import cell_text
from divide.indicators.readers.formats import RawTable
from divide.indicators.readers.report import ReadProblem

__all__ = ["no_data_rows", "repeated_column"]

_WHAT = {"csv": "file", "xlsx": "sheet", "dataframe": "table", "parquet": "file", "json": "file"}


def no_data_rows(raw: RawTable, source: str) -> ReadProblem | None:
    """The problem of a table with a header and no data rows, or ``None`` when it has rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from divide.indicators.readers.formats import read_raw
    >>> raw, source = read_raw(pd.DataFrame({"Mã xã": [], "Số thôn": []}))
    >>> no_data_rows(raw, source).message
    'the table has columns but no rows'
    """
    if len(raw.frame):
        return None
    what = _WHAT.get(raw.format, "layer")
    where = []
    if raw.format == "xlsx" and raw.layer:
        where.append(f"sheet {raw.layer!r}")
    elif raw.layer:
        where.append(f"layer {raw.layer!r}")
    if raw.header_row:
        where.append(f"header on row {raw.header_row}")
    if raw.blank_rows:
        where.append(f"{raw.blank_rows} empty row{'s' * (raw.blank_rows != 1)} below it")
    detail = f" ({'; '.join(where)})" if where else ""
    message = (f"the {what} has a header but no data rows{detail}" if raw.format != "dataframe"
               else "the table has columns but no rows")
    message_vi = f"tệp chỉ có dòng tiêu đề, không có dòng số liệu nào{detail}"
    fix = "add one row per commune under the header (its code and values), or check that this is the right file"
    fix_vi = "thêm mỗi xã một dòng dưới dòng tiêu đề (mã xã và số liệu), hoặc kiểm tra có đúng tệp không"
    if raw.format == "xlsx":
        fix += " and sheet (--sheet / sheet=)"
        fix_vi += " và đúng trang tính (--sheet)"
    return ReadProblem("no_data_rows", "error", message, fix, message_vi=message_vi, fix_vi=fix_vi)


def repeated_column(raw: RawTable, first: str, other: str, target: str) -> ReadProblem:
    """The problem of two columns ``first`` and ``other`` (frame names) that both mean ``target``.

    An error when their values differ in some row; a warning when they are
    the same in every row. Either way ``first`` is the column read.

    Examples
    --------
    >>> import pandas as pd
    >>> from divide.indicators.readers.formats import read_raw
    >>> frame = pd.DataFrame([["03478", 50, 60]], columns=["Mã xã", "fiber_hh", "fiber_hh"])
    >>> raw, _ = read_raw(frame)
    >>> p = repeated_column(raw, "fiber_hh", "fiber_hh.1", "fiber_households_pct")
    >>> p.severity, p.message
    ('error', "columns 2 and 3 are both 'fiber_hh' (fiber_households_pct), with different values")
    """
    a, b = raw.header_of(first), raw.header_of(other)
    pa, pb = raw.position(first), raw.position(other)
    same = all(cell_text(x) == cell_text(y) for x, y in zip(raw.frame[first], raw.frame[other]))
    if a == b:
        what = f"columns {pa} and {pb} are both {a!r}" + (f" ({target})" if a != target else "")
        what_vi = f"cột {pa} và cột {pb} cùng tiêu đề {a!r}"
    else:
        what = f"columns {pa} ({a!r}) and {pb} ({b!r}) both mean {target!r}"
        what_vi = f"cột {pa} ({a!r}) và cột {pb} ({b!r}) cùng là {target!r}"
    if same:
        return ReadProblem(
            "duplicate_column", "warning", f"{what}, with the same values; column {pb} was left out",
            f"delete column {pb}", column=target, columns=[a, b], positions=[pa, pb],
            message_vi=f"{what_vi}, cùng giá trị; đã bỏ cột {pb}", fix_vi=f"xóa cột {pb}")
    if a == b:
        fix = (f"keep the right one: delete the other column or give it another header "
               f"(divide read column {pa} and left out column {pb})")
        fix_vi = f"giữ cột đúng: xóa cột kia hoặc đổi tiêu đề của nó (đã đọc cột {pa}, bỏ cột {pb})"
    else:
        fix = (f"say which one to use: --columns '{a}={target},{b}=ignore' (or columns={{{a!r}: {target!r}, "
               f"{b!r}: 'ignore'}}), or delete the wrong column (divide read column {pa})")
        fix_vi = f"chọn một cột: --columns '{a}={target},{b}=ignore', hoặc xóa cột sai (đã đọc cột {pa})"
    return ReadProblem("repeated_column", "error", f"{what}, with different values", fix, column=target,
                       columns=[a, b], positions=[pa, pb], message_vi=f"{what_vi}, khác giá trị", fix_vi=fix_vi)
