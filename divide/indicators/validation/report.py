"""The validator's report: :class:`Finding`, :class:`ValidationReport` and its text and JSON forms."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from divide.indicators.readers import ReadReport
from divide.indicators.schema import INDICATOR_NAMES
from divide.provenance import jsonable

__all__ = ["Section", "Severity", "SECTIONS", "Finding", "ValidationReport"]


Section = Literal["dung", "du", "sach", "song"]
Severity = Literal["error", "warning", "info"]

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
        """The findings of severity ``"error"``."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings of severity ``"warning"``."""
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
                "problems": [_json(asdict(p)) for p in self.read.problems],
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

