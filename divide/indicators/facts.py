"""National facts on the urban–rural digital divide, each with its citation.

The table ``data/facts.csv`` holds one figure per row: its value and unit,
geography and period, status (``official``, ``reported``, ``target`` or
``derived``), the source document and who issued it, the news article that
carried it, and, for figures taken from the project's source articles, the
Vietnamese sentence they come from. ``data/facts_README.md`` describes the
columns.

The table is checked every time it is read: ids are unique snake_case,
statuses are known, every row names a source document or URL, every value is
a number (or empty), dates are ISO, and every derived row's formula reproduces
its value. A broken file raises :class:`~divide.DivideError` naming the line
and the column.

Examples
--------
>>> from divide.indicators.facts import facts, fact, cite
>>> fact("villages_no_signal_no_power_2022")["value"]
266.0
>>> cite("villages_no_signal_no_power_2022", lang="vi")
'Thông báo 16/TB-VPCP, kết luận Hội nghị ngày 25/12/2022 (Văn phòng Chính phủ); dẫn theo Thương hiệu và Công luận'
>>> targets = facts(topic="online_services", status="target")
>>> targets.loc["target_adults_using_online_services_2024", ["unit", "period"]].tolist()
['% of adults', 'by end-2024']
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, DivideError, InputError

__all__ = ["FACTS_CSV", "COLUMNS", "STATUSES", "QUALIFIERS", "facts", "fact", "cite", "cite_row"]

#: The shipped facts table.
FACTS_CSV = settings.FACTS_CSV

#: Columns of the facts table, in file order.
COLUMNS = (
    "fact_id", "topic", "indicator", "value", "qualifier", "value_text", "unit", "geography", "period",
    "status", "source_document", "source_document_en", "publisher", "publisher_en", "published",
    "reported_in", "article_title", "url", "quote_vi", "seed_file", "formula", "note",
)

#: Allowed statuses: figures issued by a government body in its own document or portal (``official``),
#: figures attributed to an agency but known from press or secondary reports (``reported``), policy
#: targets (``target``), and the project's own arithmetic on other rows (``derived``).
STATUSES = ("official", "reported", "target", "derived")

#: How a value relates to the stated figure: exact (empty), ``about`` (~, ≈), ``almost`` (gần),
#: ``more_than`` (>, trên), ``at_least`` (≥), ``less_than`` (<).
QUALIFIERS = ("", "about", "almost", "more_than", "at_least", "less_than")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


def _line(i: int, fact_id: str) -> str:
    """Where a data row sits in the file (header is line 1)."""
    return f"line {i + 2} (fact_id {fact_id!r})" if fact_id else f"line {i + 2}"


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataNotFoundError(
            "the facts table is missing", path=path,
            fix="restore data/facts.csv from the repository (git checkout -- data/facts.csv)",
        )
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DivideError(
            f"cannot be read as a UTF-8 CSV: {exc}", path=path,
            fix="save the file as UTF-8 CSV with a header row",
        ) from None


_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


def _evaluate(formula: str, values: dict[str, float]) -> float:
    """Evaluate an arithmetic formula over fact ids (+ - * / and parentheses only)."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ValueError(f"unknown or non-numeric fact {node.id!r}")
            return values[node.id]
        raise ValueError(f"unsupported expression {ast.unparse(node)!r}")

    return walk(ast.parse(formula, mode="eval"))


def _validate(raw: pd.DataFrame) -> list[str]:
    """Every problem in the table, one message each (empty list: the table is sound)."""
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return [f"missing column(s) {', '.join(repr(c) for c in missing)}"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    numbers: dict[str, float] = {}
    for i, row in enumerate(raw.to_dict("records")):
        fid = row["fact_id"].strip()
        where = _line(i, fid)
        for col in COLUMNS:
            text = row[col]
            if text != unicodedata.normalize("NFC", text):
                problems.append(f"{where}, column {col!r}: text is not in Unicode NFC")
            if "\n" in text or "\r" in text:
                problems.append(f"{where}, column {col!r}: a line break inside a field (keep each row on one line)")
        if not _ID_RE.match(fid):
            problems.append(f"{where}, column 'fact_id': {fid!r} is not a snake_case id")
        elif fid in seen:
            problems.append(f"{where}, column 'fact_id': {fid!r} repeats {_line(seen[fid], fid)}")
        else:
            seen[fid] = i
        if not _ID_RE.match(row["topic"]):
            problems.append(f"{where}, column 'topic': {row['topic']!r} is not a snake_case topic")
        if row["status"] not in STATUSES:
            problems.append(f"{where}, column 'status': {row['status']!r} is not one of {', '.join(STATUSES)}")
        if not (row["source_document"].strip() or row["url"].strip()):
            problems.append(f"{where}, columns 'source_document'/'url': the row names no source")
        if row["qualifier"] not in QUALIFIERS:
            problems.append(f"{where}, column 'qualifier': {row['qualifier']!r} is not one of {', '.join(QUALIFIERS[1:])} or empty")
        value = row["value"].strip()
        if value:
            if _NUMBER_RE.match(value):
                numbers[fid] = float(value)
            else:
                problems.append(f"{where}, column 'value': {value!r} is not a number (use a dot for decimals, no thousands separators)")
        elif not row["value_text"].strip():
            problems.append(f"{where}, columns 'value'/'value_text': the row states no figure")
        published = row["published"].strip()
        if published:
            ok = bool(_DATE_RE.match(published))
            if ok:
                parts = [int(p) for p in published.split("-")] + [1, 1]
                try:
                    date(*parts[:3])
                except ValueError:
                    ok = False
            if not ok:
                problems.append(f"{where}, column 'published': {published!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if row["seed_file"].strip() and not row["quote_vi"].strip():
            problems.append(f"{where}, column 'quote_vi': a row taken from a seed article needs its Vietnamese sentence")
        if row["status"] == "derived" and not row["formula"].strip():
            problems.append(f"{where}, column 'formula': a derived row needs the formula that computes it")
        if row["status"] == "derived" and not value:
            problems.append(f"{where}, column 'value': a derived row needs its computed value")
        if row["status"] != "derived" and row["formula"].strip():
            problems.append(f"{where}, column 'formula': only derived rows carry a formula")
    for i, row in enumerate(raw.to_dict("records")):
        formula = row["formula"].strip()
        fid = row["fact_id"].strip()
        if row["status"] != "derived" or not formula or fid not in numbers:
            continue
        where = _line(i, fid)
        try:
            expected = _evaluate(formula, numbers)
        except (ValueError, SyntaxError, ZeroDivisionError) as exc:
            problems.append(f"{where}, column 'formula': {formula!r} cannot be evaluated: {exc}")
            continue
        stated = row["value"].strip()
        decimals = len(stated.split(".")[1]) if "." in stated else 0
        if abs(numbers[fid] - expected) > 0.5 * 10.0 ** -decimals + 1e-12:
            problems.append(
                f"{where}, column 'value': {stated} does not match its formula ({formula} = {expected:.6g})"
            )
    return problems


def _load(path: Path) -> pd.DataFrame:
    raw = _read(path)
    problems = _validate(raw)
    if problems:
        listing = "\n  ".join(problems)
        raise DivideError(
            f"the facts table has {len(problems)} problem(s):\n  {listing}",
            path=path,
            fix="correct the rows named above; data/facts_README.md describes each column",
        )
    table = raw[list(COLUMNS)].copy()
    table["value"] = pd.to_numeric(table["value"].replace("", None), errors="raise").astype("float64")
    return table.set_index("fact_id")


def facts(topic: str | None = None, status: str | None = None, *, path: str | Path | None = None) -> pd.DataFrame:
    """Return the national facts table, optionally filtered, indexed by ``fact_id``.

    Parameters
    ----------
    topic
        Keep one topic (``connectivity``, ``access``, ``online_services``, ``payments``,
        ``digital_economy``, ``index``, ``programme``, ``definition``).
    status
        Keep one status: ``official``, ``reported``, ``target`` or ``derived``.
    path
        Read another copy of the table (default: the shipped ``data/facts.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per figure; ``value`` is float (NaN where the figure is not a number),
        every other column is text (empty string where unknown).

    Raises
    ------
    DivideError
        The file is missing or broken (the message names every bad line and column),
        or ``topic``/``status`` is unknown (:class:`~divide.InputError`).

    Examples
    --------
    >>> from divide.indicators.facts import facts
    >>> table = facts()
    >>> print(table.at["mobile_money_users", "value"], table.at["mobile_money_users", "unit"])
    9130000.0 customers
    >>> sorted(facts(status="derived").index)[:2]
    ['danang_internet_rural_urban_ratio_2019', 'danang_internet_rural_urban_ratio_2020']
    """
    csv_path = FACTS_CSV if path is None else Path(path)
    table = _load(csv_path)
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}", fix=f"use one of: {', '.join(STATUSES)}")
    if topic is not None:
        topics = sorted(set(table["topic"]))
        if topic not in topics:
            raise InputError(f"unknown topic {topic!r}", fix=f"use one of: {', '.join(topics)}")
        table = table[table["topic"] == topic]
    if status is not None:
        table = table[table["status"] == status]
    return table.copy()


def fact(fact_id: str, *, path: str | Path | None = None) -> pd.Series:
    """Return one fact as a Series (its name is the ``fact_id``).

    Parameters
    ----------
    fact_id
        The stable id of the figure, for example ``"payment_account_adults"``.
    path
        Read another copy of the table (default: the shipped ``data/facts.csv``).

    Raises
    ------
    InputError
        No fact has this id; the message lists the closest ids.

    Examples
    --------
    >>> from divide.indicators.facts import fact
    >>> row = fact("payment_account_adults")
    >>> row["value"], row["unit"], row["status"]
    (87.0, '% of adults', 'reported')
    >>> fact("payment_acount_adults")
    Traceback (most recent call last):
    ...
    divide._errors.InputError: unknown fact id 'payment_acount_adults'
      fix: did you mean: payment_account_adults, ...
    """
    table = facts(path=path)
    _check_id(fact_id, table)
    row = table.loc[fact_id].astype(object)
    row["value"] = float(row["value"])  # a plain float, not numpy's
    return row


def _check_id(fact_id: str, table: pd.DataFrame) -> None:
    if fact_id in table.index:
        return
    ids = list(table.index)
    close = difflib.get_close_matches(fact_id, ids, n=5, cutoff=0.6)
    close += [i for i in ids if fact_id and fact_id in i and i not in close][: 5 - len(close)]
    fix = (f"did you mean: {', '.join(close)}" if close
           else "list the ids with `divide facts` or divide.facts().index")
    raise InputError(f"unknown fact id {fact_id!r}", fix=fix)


def _date_text(published: str, lang: str) -> str:
    if not published or lang == "en":
        return published
    return "/".join(reversed(published.split("-")))  # 2022-08-08 -> 08/08/2022


def _dmy(published: str) -> set[str]:
    """The ways a full ISO date is written day/month/year in Vietnamese text."""
    parts = published.split("-")
    if len(parts) != 3:
        return set()
    y, m, d = parts
    return {f"{d}/{m}/{y}", f"{int(d)}/{int(m)}/{y}", f"{int(d)}/{m}/{y}", f"{d}/{int(m)}/{y}"}


def _sources(fid: str, table: pd.DataFrame, seen: frozenset[str] = frozenset()) -> list[str]:
    """The non-derived facts a fact rests on (itself, unless it is derived), in formula order."""
    row = table.loc[fid]
    if row["status"] != "derived":
        return [fid]
    found: list[str] = []
    for name in re.findall(r"[a-z][a-z0-9_]*", row["formula"]):
        if name in table.index and name not in seen:
            found += [s for s in _sources(name, table, seen | {fid}) if s not in found]
    return found


def cite_row(fid: str, table: pd.DataFrame, lang: str) -> str:
    """Citation of one fact of an already loaded (valid) table."""
    if table.at[fid, "status"] == "derived":
        parts = list(dict.fromkeys(cite_row(s, table, lang) for s in _sources(fid, table)))
        head = "Tính toán của dự án divide từ" if lang == "vi" else "Derived by the divide project from"
        return f"{head}: " + " | ".join(parts)
    row = table.loc[fid]
    document = row["source_document"] if lang == "vi" else (row["source_document_en"] or row["source_document"])
    publisher = row["publisher"] if lang == "vi" else (row["publisher_en"] or row["publisher"])
    if not document:
        document = row["url"]
    if publisher and publisher in document:
        publisher = ""  # "Số liệu của Bộ X, dẫn theo Y" already names the publisher
    when = _date_text(row["published"], lang)
    if when and _dmy(row["published"]) & set(re.findall(r"\d{1,2}/\d{1,2}/\d{4}", document)):
        when = ""  # the document name already carries the date
    inside = ", ".join(p for p in (publisher, when) if p)
    text = f"{document} ({inside})" if inside else document
    via = "dẫn theo" if lang == "vi" else "reported by"
    outlet = row["reported_in"]
    if outlet and via not in document:
        text += f"; {via} {outlet}"
    return text


def cite(fact_id: str, lang: str = "en", *, path: str | Path | None = None) -> str:
    """Return a short citation of one fact, for captions and briefs.

    The form is ``DOCUMENT (PUBLISHER, DATE); reported by OUTLET``; parts that are
    unknown are left out. A derived fact cites the facts it is computed from.

    Parameters
    ----------
    fact_id
        The stable id of the figure.
    lang
        ``"en"`` (English document and publisher names where the table has them,
        ISO dates) or ``"vi"`` (Vietnamese, dates as dd/mm/yyyy).
    path
        Read another copy of the table (default: the shipped ``data/facts.csv``).

    Raises
    ------
    InputError
        Unknown ``fact_id`` or ``lang``.

    Examples
    --------
    >>> from divide.indicators.facts import cite
    >>> cite("villages_no_signal_no_power_2022")
    'Notice 16/TB-VPCP on the conclusions of the conference of 25/12/2022 (Government Office); reported by Thương hiệu và Công luận'
    >>> cite("online_services_use_people_2021", lang="vi")
    'Kết luận của Thủ tướng tại Phiên họp thứ III của Ủy ban Quốc gia về chuyển đổi số, 8/8/2022; dẫn theo VietTimes'
    >>> cite("payment_account_adults", lang="vi")
    'Báo cáo tại hội nghị trực tuyến toàn quốc của Thường trực Chính phủ về chuyển đổi số, 19/1; dẫn theo báo điện tử tỉnh Quảng Trị (tên báo không ghi trong bản lưu; tác giả Lê Minh)'
    >>> cite("villages_total_derived")
    'Derived by the divide project from: Telecommunications Authority (MIC) figures, reported by VietNamNet'
    """
    if lang not in ("en", "vi"):
        raise InputError(f"unknown language {lang!r}", fix="use lang='en' or lang='vi'")
    table = facts(path=path)
    _check_id(fact_id, table)
    return cite_row(fact_id, table, lang)
