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
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from divide import settings
from divide.indicators.readers import ReadReport, read_indicators, reference_communes
from divide.indicators.schema import INDICATOR_NAMES, canonical_name, indicator
from divide.provenance import jsonable

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

Section = Literal["dung", "du", "sach", "song"]
Severity = Literal["error", "warning", "info"]

#: Outlier flag (composite-indicator practice, e.g. the JRC COIN tool): |skew| above this ...
SKEW_LIMIT = 2.0
#: ... together with (excess) kurtosis above this.
KURTOSIS_LIMIT = 3.5
#: Two indicators with |Pearson r| above this carry nearly the same information.
CORRELATION_LIMIT = 0.9
#: Values older than this many years (from the end of their period) are flagged as stale.
STALE_YEARS = 2.0
#: Fewest non-missing values for the outlier and correlation statistics.
MIN_VALUES = 10

SECTIONS: dict[str, tuple[str, str, str]] = {
    # key: (Vietnamese word, English, Vietnamese gloss)
    "dung": ("ĐÚNG", "correct", "chính xác"),
    "du": ("ĐỦ", "complete", "đầy đủ"),
    "sach": ("SẠCH", "clean", "không trùng lặp, không bất thường"),
    "song": ("SỐNG", "live", "cập nhật"),
}
_SEVERITY_TEXT = {
    "en": {"error": "ERROR", "warning": "WARN ", "info": "note "},
    "vi": {"error": "LỖI  ", "warning": "CHÚ Ý", "info": "ghi  "},
}


@dataclass
class Finding:
    """One thing the validator found.

    Attributes
    ----------
    section
        ``"dung"``, ``"du"``, ``"sach"`` or ``"song"``.
    check
        Machine word (``"range"``, ``"fraction_scale"``, ``"pre2025_code"``...).
    severity
        ``"error"``, ``"warning"`` or ``"info"``.
    message, message_vi
        The finding in English and Vietnamese.
    column
        The column concerned, if one.
    rows, codes
        Input rows (see :mod:`divide.indicators.readers` for the numbering) and commune codes concerned.
    fix, fix_vi
        What to do about it.
    data
        Numbers behind the finding (counts, statistics, values).
    """

    section: Section
    check: str
    severity: Severity
    message: str
    message_vi: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    fix: str | None = None
    fix_vi: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ValidationReport:
    """The validator's report: findings by section, reconciliation, coverage, vintages.

    ``table`` is the checked table (rejected rows left out, fractions converted
    when asked); it is not part of :meth:`to_dict`.
    """

    source: str
    read: ReadReport
    findings: list[Finding]
    table: pd.DataFrame
    coverage: pd.DataFrame
    vintages: dict[str, dict[str, Any]]
    today: _dt.date

    # -- verdict
    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def usable(self) -> bool:
        """True when no finding is an error."""
        return not self.errors

    @property
    def exit_code(self) -> int:
        """0 usable, 1 problems found (any error)."""
        return 0 if self.usable else 1

    def section(self, name: Section) -> list[Finding]:
        """The findings of one section."""
        return [f for f in self.findings if f.section == name]

    def checks(self, severity: Severity | None = None) -> set[str]:
        """The check words found (optionally of one severity)."""
        return {f.check for f in self.findings if severity is None or f.severity == severity}

    def find(self, check: str, column: str | None = None) -> list[Finding]:
        """Findings of one check (and column)."""
        return [f for f in self.findings if f.check == check and (column is None or f.column == column)]

    def reconciliation(self) -> dict[str, int]:
        """Input rows and how many were matched, repaired and rejected (they add up)."""
        return self.read.counts()

    # -- output
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of the whole report (without the table)."""
        rec = self.reconciliation()
        return {
            "source": self.source,
            "today": self.today.isoformat(),
            "usable": self.usable,
            "exit_code": self.exit_code,
            "counts": {"errors": len(self.errors), "warnings": len(self.warnings),
                       "info": len(self.findings) - len(self.errors) - len(self.warnings)},
            "reconciliation": {**rec, "balanced": rec["matched"] + rec["repaired"] + rec["rejected"] == rec["input"]},
            "read": {
                "format": self.read.format,
                "encoding": self.read.encoding,
                "layer": self.read.layer,
                "header_row": self.read.header_row,
                "key_from": self.read.key_from,
                "columns": self.read.columns,
                "ignored_columns": self.read.ignored_columns,
                "blank_rows": self.read.blank_rows,
            },
            "indicators": [c for c in INDICATOR_NAMES if c in self.table.columns],
            "sections": {s: [_json(asdict(f)) for f in self.section(s)] for s in SECTIONS},
            "coverage": _json(self.coverage.reset_index().to_dict(orient="records")),
            "vintages": _json(self.vintages),
            "rows": [_json(asdict(o)) for o in self.read.outcomes],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON (UTF-8 text, Vietnamese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self, lang: Literal["en", "vi"] = "en", max_rows: int = 8) -> str:
        """A readable report, in English (``"en"``) or Vietnamese (``"vi"``)."""
        if lang not in ("en", "vi"):
            raise ValueError("lang must be 'en' or 'vi'")
        vi = lang == "vi"
        r = self.read
        rec = self.reconciliation()
        inds = [c for c in INDICATOR_NAMES if c in self.table.columns]
        lines = [("Kiểm tra " if vi else "Validation of ") + self.source]
        how = [r.format.upper()]
        if r.encoding:
            how.append(r.encoding)
        if r.layer:
            how.append(("trang/lớp " if vi else "sheet/layer ") + str(r.layer))
        if r.header_row:
            how.append(("tiêu đề ở dòng " if vi else "header on row ") + str(r.header_row))
        how.append(("khóa: " if vi else "key: ") + ({"code": "mã xã", "names": "tên xã"}[r.key_from] if vi
                                                   else {"code": "commune codes", "names": "commune names"}[r.key_from]))
        lines.append(("  đọc: " if vi else "  read: ") + ", ".join(how))
        mapped = [f"{src} → {dst}" for src, dst in r.columns.items() if src != dst]
        if mapped:
            lines.append(("  cột đổi tên: " if vi else "  columns renamed: ") + "; ".join(mapped))
        if r.ignored_columns:
            lines.append(("  cột bỏ qua: " if vi else "  columns ignored: ") + ", ".join(r.ignored_columns))
        lines.append(
            (f"  chỉ tiêu: {len(inds)}/9 " if vi else f"  indicators: {len(inds)} of 9 ")
            + (f"({', '.join(inds)})" if inds else "")
        )
        if vi:
            lines.append(f"Đối chiếu: {rec['input']} dòng đầu vào = {rec['matched']} khớp + "
                         f"{rec['repaired']} đã sửa + {rec['rejected']} bị loại")
        else:
            lines.append(f"Reconciliation: {rec['input']} input rows = {rec['matched']} matched + "
                         f"{rec['repaired']} repaired + {rec['rejected']} rejected")
        for key, (word, en, vig) in SECTIONS.items():
            lines.append("")
            lines.append(f"{word} ({vig if vi else en})")
            found = self.section(key)
            if not found:
                lines.append("  ok — " + ("không có vấn đề" if vi else "nothing to report"))
            order = {"error": 0, "warning": 1, "info": 2}
            for f in sorted(found, key=lambda f: order[f.severity]):
                tag = _SEVERITY_TEXT[lang][f.severity]
                msg = f.message_vi if vi else f.message
                lines.append(f"  {tag}  {msg}")
                if f.rows:
                    lines.append("         " + _rows_text(f.rows, vi, max_rows))
                fix = f.fix_vi if vi else f.fix
                if fix and f.severity != "info":
                    lines.append(("         cách sửa: " if vi else "         fix: ") + fix)
            if key == "du" and len(self.coverage):
                touched = self.coverage[self.coverage["present"] > 0]
                if 0 < len(touched) <= 12:
                    lines.append("  " + ("độ phủ theo tỉnh:" if vi else "coverage by province:"))
                    for pc, row in touched.iterrows():
                        lines.append(f"    {pc} {row['province_name']:<18} {int(row['present']):>4}/"
                                     f"{int(row['expected']):<4} {row['coverage_pct']:5.1f}%")
        lines.append("")
        ne, nw = len(self.errors), len(self.warnings)
        if vi:
            verdict = "dùng được" if self.usable else "có vấn đề"
            lines.append(f"Kết luận: {verdict} — {ne} lỗi, {nw} điểm cần chú ý (mã thoát {self.exit_code})")
        else:
            verdict = "usable" if self.usable else "problems found"
            lines.append(f"Result: {verdict} — {ne} error{'s' * (ne != 1)}, {nw} warning{'s' * (nw != 1)} "
                         f"(exit code {self.exit_code})")
        return "\n".join(lines)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.to_text()



def _json(obj: Any) -> Any:
    """Plain JSON values, floats to 6 decimals (see :func:`divide.provenance.jsonable`)."""
    return jsonable(obj, digits=6)

def _rows_text(rows: list[int], vi: bool, limit: int) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    more = len(rows) - limit
    if vi:
        return f"dòng {shown}" + (f" và {more} dòng khác" if more > 0 else "")
    return f"row{'s' * (len(rows) != 1)} {shown}" + (f" and {more} more" if more > 0 else "")


# --------------------------------------------------------------------------- vintage


def _end_of_month(year: int, month: int) -> _dt.date:
    if month == 12:
        return _dt.date(year, 12, 31)
    return _dt.date(year, month + 1, 1) - _dt.timedelta(days=1)


def parse_vintage(value: object) -> tuple[_dt.date, _dt.date] | None:
    """Read a vintage (year, quarter, month or date) as the period ``(start, end)``; ``None`` if unreadable.

    Vietnamese forms are understood: "năm 2023", "tháng 6/2023", "Quý II/2023",
    "30/6/2023" (day first), "2022-2023" (the later year).

    Examples
    --------
    >>> parse_vintage(2023)
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_vintage("Quý II/2024")[1], parse_vintage("tháng 6/2023")[1], parse_vintage("30/6/2023")[0]
    (datetime.date(2024, 6, 30), datetime.date(2023, 6, 30), datetime.date(2023, 6, 30))
    >>> parse_vintage("soon") is None
    True
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, _dt.datetime | pd.Timestamp):
        d = value.date() if hasattr(value, "date") else value
        return d, d
    if isinstance(value, _dt.date):
        return value, value
    if isinstance(value, int | float | np.integer | np.floating):
        if float(value).is_integer() and 1900 <= int(value) <= 2100:
            y = int(value)
            return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
        return None
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d").replace("Đ", "D")
    text = re.sub(r"\s+", "", text.lower())
    text = re.sub(r"^(nam|thang|ngay|ky|quy|period|year)", lambda m: "q" if m.group(1) == "quy" else "", text)
    roman = {"iv": "4", "iii": "3", "ii": "2", "i": "1"}
    try:
        if m := re.fullmatch(r"(\d{4})(\.0)?", text):
            y = int(m.group(1))
            return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})[-/](\d{4})", text):
            y0, y1 = int(m.group(1)), int(m.group(2))
            return _dt.date(y0, 1, 1), _dt.date(y1, 12, 31)
        if m := re.fullmatch(r"q(iv|iii|ii|i|[1-4])[/.-]?(\d{4})", text) or re.fullmatch(
                r"(\d{4})[-/]?q([1-4])", text):
            a, b = m.group(1), m.group(2)
            q, y = (int(roman.get(a, a)), int(b)) if not a.isdigit() or len(a) == 1 else (int(b), int(a))
            return _dt.date(y, 3 * q - 2, 1), _end_of_month(y, 3 * q)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            y, mo = int(m.group(1)), int(m.group(2))
            return _dt.date(y, mo, 1), _end_of_month(y, mo)
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text):
            mo, y = int(m.group(1)), int(m.group(2))
            return _dt.date(y, mo, 1), _end_of_month(y, mo)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(t.*)?", text):
            d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return d, d
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            d = _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            return d, d
    except ValueError:
        return None
    return None


def _age_years(end: _dt.date, today: _dt.date) -> float:
    return (today - end).days / 365.25


# --------------------------------------------------------------------------- checks


class _Checker:
    def __init__(self, table: pd.DataFrame, read: ReadReport, reference: pd.DataFrame, today: _dt.date,
                 convert_fractions: bool, vintage: Any):
        self.table = table
        self.read = read
        self.ref = reference
        self.today = today
        self.convert = convert_fractions
        self.vintage_arg = vintage
        self.findings: list[Finding] = []
        self.row_of = {o.key: o.row for o in read.outcomes if o.status != "rejected"}
        self.indicators = [c for c in INDICATOR_NAMES if c in table.columns]
        self._groups: dict[tuple[str, str, float], list[str]] = {}

    def add(self, section, check, severity, en, vi, **kw) -> None:
        self.findings.append(Finding(section, check, severity, en, vi, **kw))

    def rows_for(self, codes) -> list[int]:
        return [self.row_of[c] for c in codes if c in self.row_of]

    # ---------------------------------------------------------------- đúng
    def dung(self) -> None:
        t = self.table
        if not self.indicators:
            self.add("dung", "no_indicators", "error",
                     "no indicator column was recognised",
                     "không nhận ra cột chỉ tiêu nào",
                     fix="name the columns as in the schema (divide.schema_table()) or map them with --columns",
                     fix_vi="đặt tên cột theo lược đồ (divide.schema_table()) hoặc khai báo bằng --columns",
                     data={"columns_found": list(self.read.columns) + self.read.ignored_columns})
        self._rejections()
        self._repairs()
        for col in self.indicators:
            spec = indicator(col)
            s = t[col]
            if spec.kind == "pct":
                self._fraction(col, s)
                s = t[col]
            low = s < spec.min if spec.min is not None else pd.Series(False, index=s.index)
            high = s > spec.max if spec.max is not None else pd.Series(False, index=s.index)
            bad = s[low | high]
            if len(bad):
                codes = bad.index.tolist()
                vals = ", ".join(f"{v:g}" for v in bad.iloc[:6])
                self.add("dung", "range", "error",
                         f"{col}: {len(bad)} value{'s' * (len(bad) != 1)} outside {spec.range_text} ({vals})",
                         f"{col}: {len(bad)} giá trị nằm ngoài khoảng {spec.range_text} ({vals})",
                         column=col, rows=self.rows_for(codes), codes=codes,
                         fix="correct the values at the source; shares are 0–100, counts are ≥ 0",
                         fix_vi="sửa số liệu tại nguồn; tỷ lệ trong khoảng 0–100, số lượng ≥ 0",
                         data={"values": bad.tolist(), "min": spec.min, "max": spec.max})
            if spec.kind == "count":
                frac = s[s.notna() & (s != np.floor(s))]
                if len(frac):
                    codes = frac.index.tolist()
                    self.add("dung", "not_integer", "error",
                             f"{col}: {len(frac)} count{'s' * (len(frac) != 1)} not whole "
                             f"({', '.join(f'{v:g}' for v in frac.iloc[:6])})",
                             f"{col}: {len(frac)} số đếm không phải số nguyên "
                             f"({', '.join(f'{v:g}' for v in frac.iloc[:6])})",
                             column=col, rows=self.rows_for(codes), codes=codes,
                             fix="counts of villages are whole numbers; check for a decimal or thousands separator",
                             fix_vi="số thôn phải là số nguyên; kiểm tra dấu thập phân hoặc dấu phân cách hàng nghìn",
                             data={"values": frac.tolist()})
            if spec.le and spec.le in t.columns:
                over = t[(s > t[spec.le])]
                if len(over):
                    codes = over.index.tolist()
                    pairs = ", ".join(f"{a:g} > {b:g}" for a, b in zip(over[col].iloc[:6], over[spec.le].iloc[:6]))
                    self.add("dung", "exceeds_total", "error",
                             f"{col} exceeds {spec.le} in {len(over)} commune{'s' * (len(over) != 1)} ({pairs})",
                             f"{col} lớn hơn {spec.le} ở {len(over)} xã ({pairs})",
                             column=col, rows=self.rows_for(codes), codes=codes,
                             fix=f"{col} counts villages among the {spec.le}; it cannot be larger",
                             fix_vi=f"{col} là một phần của {spec.le}, không thể lớn hơn",
                             data={"values": over[col].tolist(), "totals": over[spec.le].tolist()})

    def _fraction(self, col: str, s: pd.Series) -> None:
        v = s.dropna()
        if len(v) == 0 or v.max() > 1 or v.min() < 0 or v.max() == 0:
            return
        codes = v.index.tolist()
        if self.convert:
            self.table[col] = s * 100
            for o in self.read.outcomes:
                if o.status != "rejected" and o.key in set(codes):
                    o.status = "repaired"
                    o.reason = "+".join(filter(None, [o.reason, "fraction_converted"]))
                    o.detail = "; ".join(filter(None, [o.detail, f"{col} ×100 (given as 0–1)"]))
            self.add("dung", "fraction_scale", "info",
                     f"{col}: all {len(v)} values were between 0 and 1; converted to percent (×100)",
                     f"{col}: cả {len(v)} giá trị nằm trong 0–1; đã đổi sang phần trăm (×100)",
                     column=col, data={"max_before": float(v.max()), "converted": True})
        else:
            self.add("dung", "fraction_scale", "error",
                     f"{col}: all {len(v)} values are between 0 and 1 (max {v.max():g}); "
                     "the schema wants percent 0–100",
                     f"{col}: cả {len(v)} giá trị nằm trong 0–1 (lớn nhất {v.max():g}); "
                     "lược đồ yêu cầu phần trăm 0–100",
                     column=col, rows=self.rows_for(codes[:50]), codes=codes,
                     fix="multiply by 100, or rerun with --convert-fractions (convert_fractions=True)",
                     fix_vi="nhân với 100, hoặc chạy lại với --convert-fractions (convert_fractions=True)",
                     data={"max": float(v.max()), "converted": False})

    _REJECTED: dict[str, tuple[str, Severity, str, str, str, str]] = {
        # reason: (section, severity, en, vi, fix, fix_vi)
        "unknown_code": ("dung", "error", "code not in the 2025 list", "mã không có trong danh mục 2025",
                         "check the codes: 2025 commune codes have 5 digits (divide.load_communes())",
                         "kiểm tra mã: mã xã năm 2025 có 5 chữ số (divide.load_communes())"),
        "pre2025_code": ("dung", "error", "pre-2025 commune codes (the 10,035 communes before 2025-07-01)",
                         "mã xã trước ngày 01/7/2025 (10.035 xã cũ)",
                         "convert the table to the 3,321 communes of 2025 with `divide crosswalk FILE`",
                         "chuyển bảng sang 3.321 xã năm 2025 bằng lệnh `divide crosswalk FILE`"),
        "pre2025_name": ("dung", "error", "commune names from before the 2025 reform",
                         "tên xã trước sắp xếp năm 2025",
                         "convert the table with `divide crosswalk FILE`",
                         "chuyển bảng bằng lệnh `divide crosswalk FILE`"),
        "bad_code": ("dung", "error", "code is not a number of at most 5 digits",
                     "mã không phải số có tối đa 5 chữ số",
                     "write the official 5-digit code (for example 03478)",
                     "ghi mã chính thức 5 chữ số (ví dụ 03478)"),
        "no_key": ("dung", "error", "no commune code and no name", "không có mã xã và tên xã",
                   "fill in the commune code", "điền mã xã"),
        "name_not_found": ("dung", "error", "commune name not found in 2025", "không tìm thấy tên xã năm 2025",
                           "check the spelling or give the code", "kiểm tra chính tả hoặc ghi mã xã"),
        "ambiguous_name": ("dung", "error", "commune name matches several communes (not guessed)",
                           "tên xã trùng với nhiều xã (không đoán)",
                           "give the code, or the province, for these rows",
                           "ghi mã xã hoặc tỉnh cho các dòng này"),
        "unknown_province": ("dung", "error", "province not recognised", "không nhận ra tỉnh",
                             "use one of the 34 provinces of 2025 (`divide provinces`)",
                             "dùng tên một trong 34 tỉnh, thành năm 2025 (`divide provinces`)"),
        "total_row": ("dung", "info", "total rows left out", "dòng tổng cộng được bỏ qua", "", ""),
        "duplicate": ("sach", "warning", "exact duplicates of another row (dropped, the first copy kept)",
                      "trùng lặp hoàn toàn với dòng khác (đã bỏ, giữ bản đầu)",
                      "delete the repeated rows", "xóa các dòng lặp"),
        "conflicting_duplicate": ("sach", "error", "same code with different values (every copy rejected)",
                                  "cùng mã xã nhưng số liệu khác nhau (loại mọi bản)",
                                  "keep one row per commune code", "mỗi mã xã chỉ giữ một dòng"),
    }

    def _rejections(self) -> None:
        groups = self.read.by_reason("rejected")
        for reason, outs in groups.items():
            section, severity, en, vi, fix, fix_vi = self._REJECTED.get(
                reason, ("dung", "error", reason.replace("_", " "), reason.replace("_", " "), "", ""))
            n = len(outs)
            examples = "; ".join(f"row {o.row}: {o.detail}" for o in outs[:3])
            self.add(section, reason, severity,
                     f"{n} row{'s' * (n != 1)} rejected: {en}" + (f" — {examples}" if examples else ""),
                     f"{n} dòng bị loại: {vi}",
                     rows=[o.row for o in outs], codes=[o.key for o in outs if o.key],
                     fix=fix or None, fix_vi=fix_vi or None, data={"details": [o.detail for o in outs]})
        rejected_pre = len(groups.get("pre2025_code", []))
        if rejected_pre and rejected_pre >= 0.2 * max(1, len(self.read.outcomes)):
            self.add("dung", "pre2025_table", "error",
                     f"{rejected_pre} of {len(self.read.outcomes)} rows carry pre-2025 codes: the table is probably "
                     "on the old (63-province) geography, and its other codes may name different communes in 2025",
                     f"{rejected_pre}/{len(self.read.outcomes)} dòng mang mã xã cũ: bảng có lẽ theo địa giới cũ "
                     "(63 tỉnh), các mã còn lại có thể chỉ xã khác trong năm 2025",
                     fix="convert the whole table with `divide crosswalk FILE` before validating",
                     fix_vi="chuyển cả bảng bằng `divide crosswalk FILE` rồi kiểm tra lại")

    def _repairs(self) -> None:
        groups = self.read.by_reason("repaired")
        texts = {
            "code_padded": ("codes restored to 5 digits (a spreadsheet had made them numbers)",
                            "mã được khôi phục đủ 5 chữ số (bảng tính đã đổi thành số)", "info"),
            "code_from_name": ("codes found from the commune name", "mã tìm từ tên xã", "info"),
            "decimal_comma": ("decimal commas read as decimal points", "dấu phẩy thập phân được đọc thành dấu chấm",
                              "info"),
            "percent_sign": ("'%' signs removed", "bỏ ký hiệu '%'", "info"),
            "name_differs": ("the name differs from the official name of the code (code kept)",
                             "tên khác tên chính thức của mã (giữ theo mã)", "warning"),
        }
        for reason, outs in groups.items():
            if reason == "value_blanked" or reason == "fraction_converted" or reason not in texts:
                continue
            en, vi, severity = texts[reason]
            n = len(outs)
            ex = "; ".join(f"row {o.row}: {d}" for o in outs[:2] for d in o.detail.split("; ") if reason_match(d, reason))
            self.add("dung", reason, severity, f"{n} row{'s' * (n != 1)}: {en}" + (f" — {ex}" if ex else ""),
                     f"{n} dòng: {vi}", rows=[o.row for o in outs],
                     codes=[o.key for o in outs if o.key],
                     fix="check that the name and code refer to the same commune" if reason == "name_differs" else None,
                     fix_vi="kiểm tra tên và mã có cùng một xã" if reason == "name_differs" else None)
        by_col: dict[str, list] = {}
        for issue in self.read.value_issues:
            if issue.action == "blanked":
                by_col.setdefault(issue.column, []).append(issue)
        for col, issues in by_col.items():
            vals = ", ".join(repr(i.value) for i in issues[:6])
            n = len(issues)
            self.add("dung", "type", "error",
                     f"{col}: {n} value{'s' * (n != 1)} not numbers ({vals}); read as missing",
                     f"{col}: {n} giá trị không phải số ({vals}); coi như thiếu",
                     column=col, rows=[i.row for i in issues],
                     fix="write numbers only (no words, units or notes in the cells)",
                     fix_vi="chỉ ghi số (không ghi chữ, đơn vị hay ghi chú trong ô)",
                     data={"values": [i.value for i in issues]})

    # ---------------------------------------------------------------- đủ
    def du(self) -> pd.DataFrame:
        t = self.table
        ref = self.ref
        present = ref.index.isin(t.index)
        cov = (
            pd.DataFrame({"province_code": ref["province_code"], "province_name": ref["province_name"],
                          "present": present})
            .groupby(["province_code", "province_name"], sort=True)["present"]
            .agg(expected="size", present="sum")
            .reset_index()
            .set_index("province_code")
        )
        cov["missing"] = cov["expected"] - cov["present"]
        cov["coverage_pct"] = (100 * cov["present"] / cov["expected"]).round(1)
        if self.indicators:
            complete = t[self.indicators].notna().all(axis=1)
            prov_of = ref["province_code"].reindex(t.index)
            cov["complete_rows"] = complete.groupby(prov_of).sum().reindex(cov.index, fill_value=0).astype(int)
        touched = cov[cov["present"] > 0]
        if len(touched):
            gaps = touched[touched["missing"] > 0]
            if len(gaps):
                missing_codes = ref.index[~present & ref["province_code"].isin(gaps.index)].tolist()
                parts = ", ".join(f"{r.province_name} {int(r.missing)} of {int(r.expected)}" for r in gaps.itertuples())
                parts_vi = ", ".join(f"{r.province_name} thiếu {int(r.missing)}/{int(r.expected)}"
                                     for r in gaps.itertuples())
                self.add("du", "missing_communes", "warning",
                         f"{len(missing_codes)} communes missing in the provinces the table covers ({parts})",
                         f"thiếu {len(missing_codes)} xã trong các tỉnh có số liệu ({parts_vi})",
                         codes=missing_codes,
                         fix="add rows for the missing communes (empty values are allowed)",
                         fix_vi="thêm dòng cho các xã còn thiếu (có thể để trống số liệu)",
                         data={"by_province": gaps["missing"].astype(int).to_dict()})
            n_prov = len(touched)
            self.add("du", "coverage", "info",
                     f"{int(touched['present'].sum())} of {len(ref):,} communes of 2025 present, "
                     f"in {n_prov} of {len(cov)} provinces",
                     f"có {int(touched['present'].sum())}/{len(ref):,} xã năm 2025".replace(",", ".")
                     + f", thuộc {n_prov}/{len(cov)} tỉnh",
                     data={"present": int(touched["present"].sum()), "communes": len(ref), "provinces": n_prov})
        for col in self.indicators:
            miss = t[col].isna()
            if miss.any():
                codes = t.index[miss].tolist()
                pct = 100 * miss.mean()
                self.add("du", "missing_values", "warning",
                         f"{col}: {int(miss.sum())} of {len(t)} values missing ({pct:.1f}%)",
                         f"{col}: thiếu {int(miss.sum())}/{len(t)} giá trị ({pct:.1f}%)".replace(".", ","),
                         column=col, rows=self.rows_for(codes), codes=codes,
                         fix="fill them in, or leave them: the index treats missing values explicitly",
                         fix_vi="bổ sung, hoặc để trống: chỉ số tổng hợp xử lý giá trị thiếu một cách tường minh",
                         data={"missing": int(miss.sum()), "rows": len(t)})
        absent = [c for c in INDICATOR_NAMES if c not in t.columns]
        if absent and self.indicators:
            self.add("du", "columns_absent", "info",
                     f"{len(absent)} of 9 indicators not supplied: {', '.join(absent)}",
                     f"không có {len(absent)}/9 chỉ tiêu: {', '.join(absent)}", data={"absent": absent})
        return cov

    # ---------------------------------------------------------------- sạch
    def sach(self) -> None:
        t = self.table
        for col in self.indicators:
            s = t[col].dropna()
            if len(s) < MIN_VALUES or s.std() == 0:
                continue
            skew, kurt = float(s.skew()), float(s.kurt())
            if abs(skew) > SKEW_LIMIT and kurt > KURTOSIS_LIMIT:
                q1, q3 = s.quantile(0.25), s.quantile(0.75)
                iqr = q3 - q1
                far = s[(s < q1 - 1.5 * iqr) | (s > q3 + 1.5 * iqr)] if iqr > 0 else s[s != s.median()]
                far = far.reindex(far.sub(s.median()).abs().sort_values(ascending=False).index)
                ex = ", ".join(f"{c} = {v:g}" for c, v in far.iloc[:5].items())
                self.add("sach", "outlier", "warning",
                         f"{col}: skewed distribution (skew {skew:.2f}, kurtosis {kurt:.2f}); "
                         f"{len(far)} outlying value{'s' * (len(far) != 1)} ({ex})",
                         f"{col}: phân phối lệch (độ lệch {skew:.2f}, độ nhọn {kurt:.2f}); "
                         f"{len(far)} giá trị bất thường ({ex})",
                         column=col, rows=self.rows_for(far.index), codes=far.index.tolist(),
                         fix="check these values; if they are real, winsorise or log-transform before aggregating",
                         fix_vi="kiểm tra các giá trị này; nếu đúng, hãy winsor hóa hoặc lấy logarit trước khi tổng hợp",
                         data={"skew": skew, "kurtosis": kurt, "values": far.tolist()})
        cols = [c for c in self.indicators if t[c].notna().sum() >= MIN_VALUES and t[c].std() > 0]
        if len(cols) >= 2:
            corr = t[cols].corr(min_periods=MIN_VALUES)
            for i, a in enumerate(cols):
                for b in cols[i + 1:]:
                    r = corr.at[a, b]
                    if pd.notna(r) and abs(r) > CORRELATION_LIMIT:
                        self.add("sach", "near_duplicate", "warning",
                                 f"{a} and {b} are nearly the same indicator (r = {r:.3f})",
                                 f"{a} và {b} gần như trùng nhau (r = {r:.3f})",
                                 column=a,
                                 fix="check that one column was not copied from the other; "
                                 "if both are right, weight them as one",
                                 fix_vi="kiểm tra một cột có bị chép từ cột kia không; nếu đều đúng, gộp trọng số",
                                 data={"pair": [a, b], "r": float(r)})

    # ---------------------------------------------------------------- sống
    def song(self) -> dict[str, dict[str, Any]]:
        t = self.table
        vintages: dict[str, dict[str, Any]] = {}
        general, general_from = None, None
        arg = self.vintage_arg if self.vintage_arg is not None else t.attrs.get("vintage")
        arg_from = "argument" if self.vintage_arg is not None else "metadata"
        if arg is None and self.read.metadata.get("vintage") is not None:
            arg = self.read.metadata["vintage"]
        per_arg: dict[str, Any] = {}
        if isinstance(arg, Mapping):
            for k, v in arg.items():
                name = k if k in INDICATOR_NAMES else canonical_name(k)
                if name in INDICATOR_NAMES:
                    per_arg[name] = v
                elif name == "vintage" or k == "*":
                    general, general_from = v, arg_from
        elif arg is not None:
            general, general_from = arg, arg_from
        for col in self.indicators:
            values, src = None, None
            if col in per_arg:
                values, src = [per_arg[col]], arg_from
            elif f"{col}__vintage" in t.columns:
                values, src = t.loc[t[col].notna(), f"{col}__vintage"].dropna().tolist(), "column"
            elif general is not None:
                values, src = [general], general_from
            elif "vintage" in t.columns:
                values, src = t.loc[t[col].notna(), "vintage"].dropna().tolist(), "column"
            if not values:
                continue
            distinct = list(dict.fromkeys(str(v) for v in values))
            parsed = {v: parse_vintage(_num_or_text(v)) for v in distinct}
            bad = [v for v, p in parsed.items() if p is None]
            good = {v: p for v, p in parsed.items() if p is not None}
            info: dict[str, Any] = {"source": src, "values": distinct[:20]}
            if bad:
                self.add("song", "unreadable_vintage", "warning",
                         f"{col}: vintage not understood ({', '.join(repr(b) for b in bad[:5])})",
                         f"{col}: không đọc được thời điểm số liệu ({', '.join(repr(b) for b in bad[:5])})",
                         column=col, fix="write a year (2024), a month (2024-06) or a date (2024-06-30)",
                         fix_vi="ghi năm (2024), tháng (2024-06) hoặc ngày (30/6/2024)")
            if good:
                oldest = min(good.values(), key=lambda p: p[1])
                newest = max(good.values(), key=lambda p: p[1])
                info.update(oldest=oldest[1], newest=newest[1],
                            age_years=round(max(0.0, _age_years(oldest[1], self.today)), 2),
                            newest_age_years=round(max(0.0, _age_years(newest[1], self.today)), 2))
                vintages[col] = info
                self._judge_vintage(col, good)
            else:
                vintages[col] = info
        self._emit_vintage_groups()
        missing = [c for c in self.indicators if c not in vintages]
        if missing:
            self.add("song", "no_vintage", "warning",
                     f"no vintage given for {len(missing)} indicator{'s' * (len(missing) != 1)} "
                     f"({', '.join(missing)}): how current they are cannot be judged",
                     f"không có thời điểm số liệu cho {len(missing)} chỉ tiêu ({', '.join(missing)}): "
                     "không đánh giá được mức cập nhật",
                     fix="add a 'vintage' (or 'year') column, '<indicator>_year' columns, or pass vintage=",
                     fix_vi="thêm cột 'vintage' (hoặc 'năm'), các cột '<chỉ tiêu>_year', hoặc truyền vintage=",
                     data={"columns": missing})
        if "source" in t.columns:
            sources = t["source"].dropna().astype(str).unique().tolist()
            if any("model" in s.lower() for s in sources):
                self.add("song", "modeled", "info",
                         "the table says its values are modeled (the project's demonstration data), not observed",
                         "bảng ghi rằng số liệu là mô phỏng (dữ liệu minh họa của dự án), không phải số quan sát",
                         data={"source": sources})
        return vintages

    def _judge_vintage(self, col: str, good: dict[str, tuple[_dt.date, _dt.date]]) -> None:
        """Sort one column into a group (future / stale / fine, and pre-reform) for grouped findings."""
        today = self.today
        old_text, oldest = min(good.items(), key=lambda kv: kv[1][1])
        new_text, newest = max(good.items(), key=lambda kv: kv[1][1])
        label = old_text if old_text == new_text else f"{old_text} … {new_text}"
        if newest[0] > today:
            self._groups.setdefault(("future_vintage", label, 0.0), []).append(col)
            return
        age = round(max(0.0, _age_years(oldest[1], today)), 1)
        kind = "stale" if age > STALE_YEARS else "vintage"
        self._groups.setdefault((kind, label, age), []).append(col)
        if oldest[1] < _dt.date.fromisoformat(settings.REFORM_DATE):
            self._groups.setdefault(("pre_reform_vintage", "", 0.0), []).append(col)

    def _emit_vintage_groups(self) -> None:
        today = self.today.isoformat()
        for (kind, label, age), cols in self._groups.items():
            names = ", ".join(cols) if len(cols) < len(INDICATOR_NAMES) else "all 9 indicators"
            names_vi = ", ".join(cols) if len(cols) < len(INDICATOR_NAMES) else "cả 9 chỉ tiêu"
            common = {"column": cols[0] if len(cols) == 1 else None, "data": {"columns": cols, "age_years": age,
                                                                              "vintage": label}}
            age_vi = f"{age:.1f}".replace(".", ",")
            if kind == "future_vintage":
                self.add("song", kind, "error", f"{names}: vintage {label} is after today ({today})",
                         f"{names_vi}: thời điểm {label} sau ngày hôm nay ({today})",
                         fix="check the year", fix_vi="kiểm tra lại năm", **common)
            elif kind == "stale":
                self.add("song", kind, "warning",
                         f"{names}: values as of {label}, {age:.1f} years old (more than {STALE_YEARS:g})",
                         f"{names_vi}: số liệu năm/kỳ {label}, đã {age_vi} năm (quá {STALE_YEARS:g} năm)",
                         fix="update the values, or say in every output how old they are",
                         fix_vi="cập nhật số liệu, hoặc ghi rõ thời điểm trong mọi sản phẩm", **common)
            elif kind == "vintage":
                self.add("song", kind, "info", f"{names}: values as of {label} ({age:.1f} years old)",
                         f"{names_vi}: số liệu năm/kỳ {label} ({age_vi} năm)", **common)
            else:
                self.add("song", kind, "info",
                         f"{names}: measured before the 2025-07-01 reform; make sure the values were carried "
                         "to the 2025 communes through the crosswalk",
                         f"{names_vi}: số liệu trước sắp xếp ngày 01/7/2025; cần chuyển sang xã mới qua bảng "
                         "chuyển đổi", **common)


def reason_match(detail: str, reason: str) -> bool:
    keys = {
        "code_padded": "restored", "code_from_name": "found from the name", "decimal_comma": "read as",
        "percent_sign": "read as", "name_differs": "differs",
    }
    return keys.get(reason, "") in detail


def _num_or_text(v: str) -> object:
    try:
        f = float(v)
        return int(f) if f.is_integer() else v
    except ValueError:
        return v


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
    reference = reference_communes() if communes is None else _reference_from(communes)
    table, read = read_indicators(table_or_path, columns=columns, sheet=sheet, layer=layer, encoding=encoding,
                                  communes=reference if communes is not None else None)
    table = table.copy()
    if isinstance(table_or_path, pd.DataFrame) and "vintage" in table_or_path.attrs:
        table.attrs["vintage"] = table_or_path.attrs["vintage"]
    checker = _Checker(table, read, reference, _as_date(today), convert_fractions, vintage)
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


def _reference_from(communes: pd.DataFrame) -> pd.DataFrame:
    from divide.indicators.readers import _as_reference

    return _as_reference(communes)
