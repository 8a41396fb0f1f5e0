"""The workbook a provincial department fills in: commune codes and names pre-filled, checks built in.

:func:`write_template` writes an XLSX with a data sheet (one row per 2025 commune of the province or the
country: the code as text, the name, the province, an empty column per indicator of the schema and a vintage
column), Excel data validation (shares 0–100, whole-number counts, counts not above the number of villages),
an instructions sheet and a sources sheet. The headers are the schema's Vietnamese (or English) labels,
which :func:`divide.read_indicators` recognises, so a filled-in template validates and runs through
``divide atlas --indicators`` as it is.

Examples
--------
>>> import tempfile, pathlib
>>> from divide import datasets
>>> from divide.present.template import write_template
>>> lc = datasets.communes().query("province_name == 'Lai Châu'")
>>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "mau_lai_chau.xlsx", communes=lc)
>>> from openpyxl import load_workbook
>>> wb = load_workbook(out)
>>> wb.sheetnames
['Số liệu xã', 'Hướng dẫn', 'Nguồn']
>>> ws = wb["Số liệu xã"]
>>> ws["A1"].value, ws["A2"].value, ws["A2"].number_format, ws.max_row - 1
('Mã xã', '03388', '@', 38)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from divide._errors import InputError
from divide.indicators.schema import INDICATORS, META_COLUMNS, canonical_name
from divide.provenance import atomic_path, normalise_office_file

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["write_template", "template_headers"]

_TEXT = {
    "vi": {
        "data": "Số liệu xã", "help": "Hướng dẫn", "sources": "Nguồn",
        "code": "Mã xã", "name": "Tên xã", "province": "Tỉnh", "vintage": "Kỳ báo cáo",
        "title": "Mẫu nhập chỉ tiêu chuyển đổi số cấp xã (địa giới từ 01/07/2025)",
        "steps": [
            "Mỗi dòng là một xã, phường hoặc đặc khu theo địa giới áp dụng từ 01/07/2025. Không sửa cột Mã xã.",
            "Nhập tỷ lệ theo phần trăm (0–100), không nhập dạng 0,85. Số thôn là số nguyên.",
            "Số thôn lõm sóng và số thôn chưa có điện không được lớn hơn tổng số thôn của xã.",
            "Ghi kỳ số liệu (năm, ví dụ 2025, hoặc tháng 2025-06) ở cột Kỳ báo cáo.",
            "Để trống ô chưa có số liệu; không ghi 'không có' hay '-'.",
            "Kiểm tra tệp: divide validate TEN_TEP.xlsx --lang vi",
            "Chạy phân tích: divide atlas --indicators TEN_TEP.xlsx --province \"TÊN TỈNH\"",
        ],
        "columns": "Cột", "meaning": "Ý nghĩa", "unit": "Đơn vị", "range": "Giới hạn",
    },
    "en": {
        "data": "Commune data", "help": "Instructions", "sources": "Sources",
        "code": "commune_code", "name": "commune_name", "province": "province_name", "vintage": "vintage",
        "title": "Commune digital-transformation indicators: data entry template (geography of 2025-07-01)",
        "steps": [
            "One row per commune, ward or special zone of the geography in force since 2025-07-01. "
            "Do not change the commune_code column.",
            "Enter shares as percentages (0–100), not as 0.85. Village counts are whole numbers.",
            "Villages without signal and villages without power may not exceed the villages of the commune.",
            "Write the vintage of the values (a year such as 2025, or a month such as 2025-06).",
            "Leave a cell empty when the value is not known; do not write 'none' or '-'.",
            "Check the file: divide validate FILE.xlsx",
            "Run the analysis: divide atlas --indicators FILE.xlsx --province \"PROVINCE\"",
        ],
        "columns": "column", "meaning": "meaning", "unit": "unit", "range": "allowed values",
    },
}


def template_headers(lang: str = "vi") -> list[str]:
    """The header row of the data sheet: code, name, province, the nine indicators, vintage.

    Every header is one that :func:`divide.read_indicators` maps to its schema column.

    Examples
    --------
    >>> template_headers("en")[:4]
    ['commune_code', 'commune_name', 'province_name', 'fiber_households_pct']
    >>> template_headers("vi")[3]
    'Tỷ lệ hộ gia đình được phủ cáp quang (FTTH) (%)'
    """
    text = _texts(lang)
    indicator_headers = [_header(c, lang) for c in INDICATORS]
    return [text["code"], text["name"], text["province"], *indicator_headers, text["vintage"]]


def _texts(lang: str) -> dict:
    if lang not in _TEXT:
        raise InputError(f"unknown language {lang!r}", where="--lang", fix="use 'vi' or 'en'")
    return _TEXT[lang]


def _header(column, lang: str) -> str:
    """The schema's label (Vietnamese) or name (English), or else the first alias the reader maps back."""
    if lang == "en":
        return column.name
    label = column.vi[0].upper() + column.vi[1:]
    candidates = [f"{label} (%)" if column.kind == "pct" else label, *column.aliases]
    return next(h for h in candidates if canonical_name(h) == column.name)


def write_template(out: str | Path, *, communes: pd.DataFrame, province: str | None = None,
                   lang: str = "vi") -> Path:
    """Write the fill-in workbook for the communes of ``communes`` (one province, or the whole country).

    Parameters
    ----------
    out
        The ``.xlsx`` file to write (written atomically; the same inputs give the same bytes).
    communes
        The 2025 communes, indexed by ``commune_code``, with ``commune_name`` and ``province_name``
        (``divide.load_communes(province)``).
    province
        Only for the title of the instructions sheet (the rows are those of ``communes``).
    lang
        ``"vi"`` (Vietnamese headers, the default) or ``"en"`` (the schema's column names).

    Returns
    -------
    pathlib.Path
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"the template is a workbook, not {out.suffix or 'a file without suffix'}", path=out,
                         where="--out", fix="give a file name ending in .xlsx")
    missing = [c for c in ("commune_name", "province_name") if c not in communes.columns]
    if missing:
        raise InputError(f"the commune table lacks {', '.join(missing)}", fix="pass divide.load_communes(...)")
    text = _texts(lang)
    headers = template_headers(lang)
    table = communes.sort_index()
    wb = Workbook()
    ws = wb.active
    ws.title = text["data"]
    ws.append(headers)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for code, row in table.iterrows():
        ws.append([str(code), row["commune_name"], row["province_name"], *([None] * len(INDICATORS)), None])
    n = len(table) + 1
    for r in range(2, n + 1):
        ws.cell(row=r, column=1).number_format = "@"
    letters = {c.name: ws.cell(row=1, column=4 + i).column_letter for i, c in enumerate(INDICATORS)}
    pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                         errorTitle=text["range"], error="0–100 %", showErrorMessage=True)
    count = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           errorTitle=text["range"], error="≥ 0, whole number", showErrorMessage=True)
    for v in (pct, count):
        ws.add_data_validation(v)
    for c in INDICATORS:
        col = letters[c.name]
        if c.kind == "pct":
            pct.add(f"{col}2:{col}{n}")
        elif c.le:
            total = letters[c.le]
            bounded = DataValidation(type="custom", formula1=f"AND(ISNUMBER({col}2),INT({col}2)={col}2,{col}2>=0,"
                                                             f"{col}2<={total}2)",
                                     allow_blank=True, showErrorMessage=True, errorTitle=text["range"],
                                     error=f"≤ {_header(INDICATORS[[x.name for x in INDICATORS].index(c.le)], lang)}")
            ws.add_data_validation(bounded)
            bounded.add(f"{col}2:{col}{n}")
        else:
            count.add(f"{col}2:{col}{n}")
    ws.freeze_panes = "D2"
    ws.column_dimensions["A"].width = 9
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 16
    for col in letters.values():
        ws.column_dimensions[col].width = 18
    _instructions(wb.create_sheet(text["help"]), text, province, lang)
    _sources(wb.create_sheet(text["sources"]), lang)
    wb.properties.creator = "divide"
    with atomic_path(out) as tmp:
        wb.save(tmp)
        normalise_office_file(tmp)
    return out


def _instructions(ws, text: dict, province: str | None, lang: str) -> None:
    from openpyxl.styles import Font

    title = text["title"] + (f" — {province}" if province else "")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    for i, step in enumerate(text["steps"], start=1):
        ws.append([f"{i}. {step}"])
    ws.append([])
    ws.append([text["columns"], text["meaning"], text["unit"], text["range"]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for c in (*INDICATORS, META_COLUMNS[0]):
        meaning = c.vi if lang == "vi" else c.en
        if c.kind == "pct":
            allowed = "0–100"
        elif c.le:
            allowed = "≥ 0, ≤ " + c.le
        elif c.kind == "count":
            allowed = "≥ 0"
        else:
            allowed = "2024, 2025-06, …"
        header = _header(c, lang) if c in INDICATORS else text["vintage"]
        ws.append([header, meaning, c.unit, allowed])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 70


def _sources(ws, lang: str) -> None:
    vi = lang == "vi"
    ws.append(["Nguồn" if vi else "source", "Nội dung" if vi else "what"])
    ws.append(["lamngockhuong/vietnam-3d-map (MIT)",
               "Ranh giới 3.321 đơn vị hành chính cấp xã từ 01/07/2025" if vi
               else "Boundaries of the 3,321 communes in force since 2025-07-01"])
    ws.append(["Tổng cục Thống kê / GSO", "Mã và tên đơn vị hành chính" if vi else "Administrative codes and names"])
    ws.append(["divide", "Mẫu do divide tạo; số liệu do đơn vị điền" if vi
               else "Template made by divide; the values are the department's own"])
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 70
