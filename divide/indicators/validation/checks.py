"""The rules: đúng (correct), đủ (complete), sạch (clean), sống (live), as findings on a read table."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide.indicators.readers import ReadReport, parse_number
from divide.indicators.schema import INDICATOR_NAMES, canonical_name, indicator
from divide.indicators.validation.report import Finding, Section, Severity
from divide.indicators.validation.vintage import age_years, parse_vintage

__all__ = ["SKEW_LIMIT", "KURTOSIS_LIMIT", "CORRELATION_LIMIT", "STALE_YEARS", "MIN_VALUES", "Checker", "reason_match"]

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


class Checker:
    """The four sections of checks on one read table; each method adds its :class:`Finding` records.

    Parameters
    ----------
    table, read
        The table and report of :func:`divide.read_indicators`.
    reference
        The reference communes (see :mod:`divide.indicators.readers.reference`).
    today
        The date ages are measured against.
    convert_fractions, vintage
        As in :func:`divide.validate`.
    """

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
        """Add a :class:`Finding` (the arguments are its fields, English message before Vietnamese)."""
        self.findings.append(Finding(section, check, severity, en, vi, **kw))

    def rows_for(self, codes) -> list[int]:
        """The input row numbers of the kept rows with these commune codes."""
        return [self.row_of[c] for c in codes if c in self.row_of]

    # ---------------------------------------------------------------- đúng
    def dung(self) -> None:
        """Đúng (correct): rejected and repaired rows, unreadable values, ranges, whole counts, totals, 0–1 shares."""
        t = self.table
        if not self.indicators:
            self.add("dung", "no_indicators", "error",
                     "no indicator column was recognised",
                     "không nhận ra cột chỉ tiêu nào",
                     fix="name the columns as in the schema (divide.schema_table()) or map them with --columns",
                     fix_vi="đặt tên cột theo lược đồ (divide.schema_table()) hoặc khai báo bằng --columns",
                     data={"columns_found": list(self.read.columns) + self.read.ignored_columns})
        self._problems()
        self._rejections()
        self._repairs()
        self._ambiguous_separators()
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

    #: Section of each problem of the file as a whole (:class:`~divide.indicators.readers.ReadProblem`).
    _PROBLEM_SECTION: dict[str, Section] = {"no_data_rows": "du", "repeated_column": "dung",
                                            "duplicate_column": "sach"}

    def _problems(self) -> None:
        """The problems of the file as a whole: no data rows, a column twice; the message names the file."""
        name = "the table" if self.read.source == "<DataFrame>" else Path(self.read.source).name
        for p in self.read.problems:
            self.add(self._PROBLEM_SECTION.get(p.check, "dung"), p.check, p.severity,
                     f"{name}: {p.message}", f"{name}: {p.message_vi}", column=p.column,
                     fix=p.fix, fix_vi=p.fix_vi, data={"columns": p.columns, "positions": p.positions})

    def _ambiguous_separators(self) -> None:
        """Counts written like ``1.234``: read as 1234, and said per column with the rows, to be checked."""
        by_col: dict[str, list] = {}
        for issue in self.read.value_issues:
            if "ambiguous_separator" in issue.action.split("+"):
                by_col.setdefault(issue.column, []).append(issue)
        for col, issues in by_col.items():
            n = len(issues)
            read = [f"{parse_number(i.value, count=True)[0]:.0f}" for i in issues]
            pairs = ", ".join(f"{i.value!r} as {r}" for i, r in zip(issues[:6], read))
            self.add("dung", "ambiguous_separator", "warning",
                     f"{col}: {n} count{'s' * (n != 1)} written with a separator that could be a thousands "
                     f"separator or a decimal point; read as whole numbers ({pairs})",
                     f"{col}: {n} số đếm có dấu phân cách có thể là dấu hàng nghìn hoặc dấu thập phân; "
                     f"đã đọc thành số nguyên ({pairs})",
                     column=col, rows=[i.row for i in issues],
                     fix=f"check these values and write {read[0]} without a separator (not {issues[0].value}); "
                     "a count is a whole number",
                     fix_vi=f"kiểm tra các giá trị này và ghi {read[0]} không có dấu phân cách "
                     f"(không ghi {issues[0].value}); số đếm là số nguyên",
                     data={"values": [i.value for i in issues], "read_as": [int(r) for r in read]})

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
            "apostrophe": ("leading apostrophes (a spreadsheet's text marker, as in '03388) dropped",
                           "bỏ dấu nháy đơn ở đầu ô (dấu đánh dấu văn bản của bảng tính, như '03388)", "info"),
            "thousands_separator": ("thousands separators removed (as in 1.234.567)",
                                    "bỏ dấu phân cách hàng nghìn (như 1.234.567)", "info"),
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
        """Đủ (complete): missing communes and values, absent columns; returns the coverage by province."""
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
        """Sạch (clean): outliers (skew and kurtosis) and near-duplicate indicators (correlation)."""
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
        """Sống (live): the vintage of each indicator and its age; returns the vintages by column."""
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
                            age_years=round(max(0.0, age_years(oldest[1], self.today)), 2),
                            newest_age_years=round(max(0.0, age_years(newest[1], self.today)), 2))
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
        age = round(max(0.0, age_years(oldest[1], today)), 1)
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
    """True when a repair's detail sentence belongs to the repair ``reason`` (a row's details are joined).

    Examples
    --------
    >>> reason_match("code '3478' restored to '03478'", "code_padded"), reason_match("'61,5' read as 61.5", "code_padded")
    (True, False)
    """
    keys = {
        "code_padded": "restored", "code_from_name": "found from the name", "decimal_comma": "read as",
        "percent_sign": "read as", "name_differs": "differs", "apostrophe": "apostrophe",
        "thousands_separator": "read as", "ambiguous_separator": "read as",
    }
    return keys.get(reason, "") in detail


def _num_or_text(v: str) -> object:
    try:
        f = float(v)
        return int(f) if f.is_integer() else v
    except ValueError:
        return v
