"""Read the commune indicator tables and village layers that users bring.

:func:`read_indicators` and :func:`read_villages` read CSV (UTF-8, UTF-8 with
BOM, UTF-16, Windows-1258), XLSX, GeoPackage, Shapefile (with or without
``.cpg``), GeoJSON and Parquet, translate Vietnamese or English headers
through the alias table of :mod:`divide.indicators.schema` (or an explicit mapping),
restore codes that a spreadsheet made numeric (``4`` → ``"00004"``), accept
names instead of codes, and account for every input row.

Both return a pair ``(table, report)``: the table indexed by its key, and a
:class:`ReadReport` in which every input row is **matched** (kept as given),
**repaired** (kept after a change, which is said) or **rejected** (dropped,
with the reason); the three counts add up to the input rows. Problems of the
file as a whole are in ``report.problems`` (:class:`ReadProblem`): a header
with no data rows, or two columns that mean the same schema column with
different values, raise :class:`divide.InputError` (``problems="report"``
keeps them in the report only, as :func:`divide.validate` does); the same
column written twice with the same values is read once, with a warning
(:mod:`~.problems`). A pair rather
than ``table.attrs["read_report"]``: pandas deep-copies ``attrs`` on most
operations and drops them on others, so a report riding there would be slow
and unreliable.

Encodings
---------
CSV: UTF-8 (with or without BOM) is tried first, then UTF-16 (by its BOM),
then Windows-1258. Python's ``cp1258`` codec decodes the tone marks as
combining characters, so every string is normalised to NFC afterwards.

Shapefile: the DBF bytes are read untouched (GDAL told ``ISO-8859-1``) and
decoded here with the ``.cpg`` when present, else UTF-8 if the bytes are valid
UTF-8, else Windows-1258. (GDAL 3.12's own CP1258 decoding drops the last
character of every field and field name, measured on this machine, so it is
not used.)

Cells
-----
Excel's leading apostrophe (``'03388``, or ``’``) is dropped from codes,
village ids and numbers; decimal commas and "%" signs are read; separators are
read by :mod:`divide.numbers`, and in a count column an ambiguous ``1.234`` is
1234, reported (see :func:`~.cells.parse_number`). Every change is a repair of
its row and a :class:`ValueIssue`.

Modules
-------
:mod:`~.formats` opens the files, :mod:`~.cells` reads single cells,
:mod:`~.keys` restores and checks commune codes and finds codes from names,
:mod:`~.reference` holds the communes checked against, :mod:`~.table` the
steps both readers share, :mod:`~.problems` the problems of a file as a
whole, :mod:`~.report` the account of every row;
:mod:`~.indicators` and :mod:`~.villages` are the two readers.

Row numbers
-----------
``row`` in a report is the row number a spreadsheet shows (the header row
counted; for a CSV, the line number), the feature number (from 1) for
GeoPackage, Shapefile, GeoJSON and Parquet, and the position (from 0) for a
DataFrame given in memory.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Mã xã": [3478, "03388", "99999"], "Tỷ lệ hộ có cáp quang (%)": ["61,5", "97", "50"]})
>>> table, report = read_indicators(raw)
>>> table["fiber_households_pct"].to_dict()
{'03478': 61.5, '03388': 97.0}
>>> report.counts()
{'input': 3, 'matched': 1, 'repaired': 1, 'rejected': 1}
"""

from __future__ import annotations

from divide.indicators.readers.cells import parse_bool, parse_number
from divide.indicators.readers.indicators import read_indicators
from divide.indicators.readers.reference import as_reference, pre2025_communes, reference_communes
from divide.indicators.readers.report import ReadProblem, ReadReport, RowOutcome, ValueIssue
from divide.indicators.readers.villages import read_villages

__all__ = [
    "RowOutcome",
    "ValueIssue",
    "ReadProblem",
    "ReadReport",
    "read_indicators",
    "read_villages",
    "reference_communes",
    "pre2025_communes",
    "as_reference",
    "parse_number",
    "parse_bool",
]
