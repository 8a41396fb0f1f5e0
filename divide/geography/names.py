"""Vietnamese place names: Unicode normalisation and forgiving matching.

Matching ignores diacritics (``đ`` counts as ``d``), case, punctuation and
administrative prefixes ("Tỉnh", "Thành phố", "TP.", "Xã", "Phường", "P.",
"Đặc khu", ...), so that "Lao Cai", "lào cai" and "Tỉnh Lào Cai" all match
"Lào Cai" (:func:`match_key`). Names are stored in Unicode NFC.

Where the prefix or the diacritics tell two places apart (the old communes
"Thị trấn Yên Viên" and "Xã Yên Viên"), stricter keys come first:
:func:`exact_key` (diacritics and written-out prefix kept), :func:`bare_key`
(diacritics kept, prefix removed) and :func:`full_key` (folded, prefix
written out).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "PREFIX_RE", "WRITTEN_PREFIX_RE", "WRITTEN_PREFIXES", "ABBREVIATIONS", "nfc", "fold", "match_key", "exact_key", "bare_key",
    "full_key", "closest", "pad_code", "PROVINCE_ABBREVIATIONS", "province_key",
]

#: Administrative prefixes as written in full (lower case).
WRITTEN_PREFIXES = ("thành phố", "đặc khu", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã")
#: Abbreviated prefixes and what they stand for.
ABBREVIATIONS = {
    "tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "p": "phường", "x": "xã", "q": "quận", "h": "huyện",
}
#: Province names as people shorten them -> the name they stand for (a 2025 or a pre-2025 province).
#: Compared by :func:`province_key`, so case, diacritics, dots, hyphens and spaces do not matter.
#: (Kept apart from :data:`ABBREVIATIONS`, whose entries are prefixes stripped from any name.)
#: Shortenings that stand for several provinces ("QN": Quảng Ninh, Quảng Nam or Quảng Ngãi; "BD") are left out.
PROVINCE_ABBREVIATIONS = {
    "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "HCM": "Hồ Chí Minh", "HCMC": "Hồ Chí Minh",
    "HCM City": "Hồ Chí Minh", "Ho Chi Minh City": "Hồ Chí Minh", "Sài Gòn": "Hồ Chí Minh", "SG": "Hồ Chí Minh",
    "HN": "Hà Nội", "TPHN": "Hà Nội", "Hanoi": "Hà Nội",
    "ĐN": "Đà Nẵng", "TPĐN": "Đà Nẵng", "Danang": "Đà Nẵng",
    "HP": "Hải Phòng", "TPHP": "Hải Phòng",
    "CT": "Cần Thơ", "TPCT": "Cần Thơ",
    "TT Huế": "Huế", "TT-Huế": "Huế", "TTH": "Huế", "Thừa Thiên Huế": "Huế",
    "BRVT": "Bà Rịa - Vũng Tàu", "BR-VT": "Bà Rịa - Vũng Tàu",
    "Đắc Lắc": "Đắk Lắk", "Đắc Nông": "Đắk Nông",
}
# Prefixes are stripped in their written form (with diacritics) so that real
# names that fold to the same letters ("Quan Hóa" is not "Quận Hóa", "Tịnh
# Biên" is not "Tỉnh Biên") are kept. A name typed without any diacritics has
# its prefixes stripped in ASCII form.
_PREFIXES = (*WRITTEN_PREFIXES, *ABBREVIATIONS)


def _alternatives(prefixes: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))


def _prefix_re(prefixes: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"^(?:" + _alternatives(prefixes) + r")(?:\s+|\.\s*)")


#: A leading prefix, written out or abbreviated ("Phường ", "P.", "TP. ").
PREFIX_RE = _prefix_re(_PREFIXES)
#: A leading prefix written out in full and followed by a name ("phường sa pả").
WRITTEN_PREFIX_RE = re.compile(r"^(?:" + _alternatives(WRITTEN_PREFIXES) + r")\s+(?=\S)")
_ABBREVIATION_RE = re.compile(r"^(" + _alternatives(ABBREVIATIONS) + r")(?:\.\s*|\s+)(?=\S)")
_ASCII_PREFIX_RE = _prefix_re(
    sorted({unicodedata.normalize("NFD", p).encode("ascii", "ignore").decode().replace("đ", "d") for p in _PREFIXES}
           | {"dac khu"}, key=len, reverse=True)
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding and repeated spaces removed.

    Examples
    --------
    >>> nfc("  Lào   Cai ") == "Lào Cai"
    True
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str) -> str:
    """Fold a name to lower-case ASCII: no diacritics, ``đ`` → ``d``, single spaces.

    Examples
    --------
    >>> fold("Đắk Lắk")
    'dak lak'
    >>> fold("Thừa Thiên - Huế")
    'thua thien hue'
    """
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    text = re.sub(r"[^0-9a-z.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def match_key(text: str) -> str:
    """Key used to compare place names: folded, administrative prefixes removed.

    Numbers keep their value, so "Phường 01", "P.1" and "phuong 1" share a key.

    Examples
    --------
    >>> match_key("Tỉnh Lào Cai")
    'lao cai'
    >>> match_key("TP. Hồ Chí Minh") == match_key("Hồ Chí Minh")
    True
    >>> match_key("P. 01") == match_key("Phường 1")
    True
    >>> match_key("Quan Hóa"), match_key("Tinh Lao Cai")
    ('quan hoa', 'lao cai')
    """
    key = nfc(text).lower()
    pattern = _ASCII_PREFIX_RE if key.isascii() else PREFIX_RE
    stripped = pattern.sub("", key, count=1)
    if stripped:  # never strip a name down to nothing ("Xã" alone stays)
        key = stripped
    key = fold(key).replace(".", " ")
    key = re.sub(r"\b0+(\d)", r"\1", key)
    return re.sub(r"\s+", " ", key).strip()


def _written_out(name: str) -> str:
    """Lower case, NFC, a leading abbreviation written out: 'P. 01' -> 'phường 01'."""
    text = nfc(name).lower()
    return _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(1)] + " ", text, count=1)


def _tidy(key: str) -> str:
    """Leading zeros of numbers and repeated spaces removed."""
    key = re.sub(r"\b0+(\d)", r"\1", key)
    return re.sub(r"\s+", " ", key).strip()


def exact_key(name: str) -> str:
    """Key that keeps diacritics and the prefix, written out: lower case, numbers without leading zeros.

    Examples
    --------
    >>> exact_key("P. Sa Pả"), exact_key("TT. Yên Viên"), exact_key("Phường 01")
    ('phường sa pả', 'thị trấn yên viên', 'phường 1')
    """
    return _tidy(_written_out(name))


def bare_key(name: str) -> str:
    """Key that keeps diacritics but drops a prefix: :func:`exact_key` without it.

    Examples
    --------
    >>> bare_key("Phường Sa Pả"), bare_key("x. Sà Phìn"), bare_key("Xã")
    ('sa pả', 'sà phìn', 'xã')
    """
    return WRITTEN_PREFIX_RE.sub("", exact_key(name), count=1)


def full_key(name: str) -> str:
    """Folded key (no diacritics) with the prefix written out, so that "Xã X" and "Thị trấn X" differ.

    Examples
    --------
    >>> full_key("P. 01"), full_key("TT Yên Viên"), full_key("Thị trấn Yên Viên") == full_key("tt. yen vien")
    ('phuong 1', 'thi tran yen vien', True)
    """
    return _tidy(fold(_written_out(name)).replace(".", " "))


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates whose folded form is closest to ``name``.

    Examples
    --------
    >>> closest("Lao Kai", ["Lào Cai", "Lai Châu", "Hà Nội"])
    ['Lào Cai']
    """
    candidates = list(candidates)
    keys = {}
    for c in candidates:
        keys.setdefault(match_key(c), c)
    hits = difflib.get_close_matches(match_key(name), list(keys), n=n, cutoff=0.5)
    return [keys[h] for h in hits]


def _compact(text: str) -> str:
    return match_key(text).replace(" ", "")


def province_key(text: str) -> str:
    """Key used to compare province names: :func:`match_key` without spaces, abbreviations written out.

    Shortenings of :data:`PROVINCE_ABBREVIATIONS` ("TP.HCM", "Sài Gòn", "HN",
    "BRVT") get the key of the name they stand for; "Laocai" and "Lào Cai"
    share a key.

    Parameters
    ----------
    text
        A province name as written.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> province_key("TP.HCM") == province_key("tphcm") == province_key("Thành phố Hồ Chí Minh")
    True
    >>> province_key("Sài Gòn"), province_key("HN"), province_key("DN"), province_key("TT. Huế")
    ('hochiminh', 'hanoi', 'danang', 'hue')
    >>> province_key("BR-VT"), province_key("Tỉnh Lào Cai"), province_key("Laocai")
    ('bariavungtau', 'laocai', 'laocai')
    """
    key = _compact(text)
    return _PROVINCE_ABBREVIATION_KEYS.get(key, key)


def pad_code(value: object, width: int) -> str:
    """Restore a zero-padded administrative code that a spreadsheet made numeric.

    Examples
    --------
    >>> pad_code(4, 5)
    '00004'
    >>> pad_code("4.0", 5)
    '00004'
    >>> pad_code(" 01 ", 2)
    '01'
    """
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if not text.isdigit():
        raise ValueError(f"not a numeric code: {value!r}")
    if len(text) > width:
        raise ValueError(f"code {value!r} has more than {width} digits")
    return text.zfill(width)


_PROVINCE_ABBREVIATION_KEYS = {_compact(k): _compact(v) for k, v in PROVINCE_ABBREVIATIONS.items()}
