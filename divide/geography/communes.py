"""The 2025 administrative geography: 3,321 communes in 34 provinces.

The layers are built from the shipped source files by :mod:`divide.build` and
read from ``shapefiles/admin_2025.gpkg``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.names import PROVINCE_ABBREVIATIONS, closest, nfc, province_key

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "ADMIN_GPKG",
    "require_admin_layer",
    "read_admin_table",
    "load_communes",
    "load_provinces",
    "province_table",
    "resolve_province",
]

ADMIN_GPKG = settings.ADMIN_GPKG


def require_admin_layer() -> Path:
    """The derived commune and province layer, built from the shipped sources on first use.

    The layer (``shapefiles/admin_2025.gpkg``) is derived, so a fresh clone does
    not have it. The first call builds it (about 25 s, one line on stderr says
    so) and every later call reads the cached file. When the repository cannot
    be written, the layer is cached in :data:`divide.settings.CACHE_DIR`.
    ``python -m divide.build`` rebuilds it (and the crosswalk and modeled files).

    Returns
    -------
    pathlib.Path
        The GeoPackage with layers ``communes`` and ``provinces``.

    Examples
    --------
    >>> require_admin_layer().name
    'admin_2025.gpkg'
    """
    if ADMIN_GPKG.exists():
        return ADMIN_GPKG
    cached = settings.CACHE_DIR / ADMIN_GPKG.name
    if cached.exists() and not _writable(ADMIN_GPKG.parent):
        return cached
    settings.require_data_root()
    import sys

    from divide.geography.build import build_geography

    target_dir = ADMIN_GPKG.parent if _writable(ADMIN_GPKG.parent) else settings.CACHE_DIR
    print(f"divide: building the commune layer from the shipped sources (first use, about 25 s) into {target_dir}",
          file=sys.stderr, flush=True)
    _, _, _, paths = build_geography(settings.SOURCE_COMMUNES, target_dir,
                                     settings.DATA_DIR if target_dir == ADMIN_GPKG.parent else target_dir)
    return Path(paths["gpkg"])


def _writable(folder: Path) -> bool:
    import os

    return folder.is_dir() and os.access(folder, os.W_OK)


def read_admin_table(layer: str = "communes", columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a layer of the commune GeoPackage without geometry (fast), indexed by its code.

    Parameters
    ----------
    layer
        ``"communes"`` (index ``commune_code``) or ``"provinces"`` (index
        ``province_code``).
    columns
        The columns to read besides the code; all if omitted.

    Returns
    -------
    pandas.DataFrame
        Sorted by code.

    Examples
    --------
    >>> t = read_admin_table("communes", ["commune_name", "population"])
    >>> len(t), t.index.name, list(t.columns)
    (3321, 'commune_code', ['commune_name', 'population'])
    """
    import pyogrio

    if layer not in _CODE_OF_LAYER:
        raise InputError(f"no layer {layer!r} in the commune GeoPackage", fix="use 'communes' or 'provinces'")
    code = _CODE_OF_LAYER[layer]
    df = pyogrio.read_dataframe(
        require_admin_layer(), layer=layer, columns=None if columns is None else [code, *columns], read_geometry=False
    )
    return df.set_index(code).sort_index()


_CODE_OF_LAYER = {"communes": "commune_code", "provinces": "province_code"}


@lru_cache(maxsize=1)
def province_table() -> pd.DataFrame:
    """The 34 provinces: code (index) and name, without geometry.

    Examples
    --------
    >>> t = province_table()
    >>> len(t), t.loc["12", "province_name"]
    (34, 'Lai Châu')
    """
    return read_admin_table("provinces", ["province_name"])


def resolve_province(province: str | int) -> str:
    """Return the 2-digit code of a 2025 province given by code or by name.

    Names match without regard to diacritics, case, spaces or prefixes
    ("Tỉnh", "Thành phố", "TP."), and the usual shortenings are understood
    ("TP.HCM", "HCMC", "Sài Gòn", "HN", "ĐN", "HP", "CT", "TT Huế": see
    :data:`~divide.geography.names.PROVINCE_ABBREVIATIONS`).

    A pre-2025 province that is now part of another one ("Hà Giang", now part
    of Tuyên Quang), or a pre-2025 code no longer in use, is refused with a
    message naming the 2025 province it is part of: answering with the whole
    2025 province would silently give the user more than they asked for.

    Parameters
    ----------
    province
        A code (``"12"``, ``12``) or a name (``"Lai Châu"``, ``"lai chau"``).

    Returns
    -------
    str
        The 2025 province code.

    Raises
    ------
    InputError
        A pre-2025 province or code (the message says which 2025 province it
        is part of), or an unknown one (the message lists the closest names).

    Examples
    --------
    >>> resolve_province("Lao Cai"), resolve_province("tp. hồ chí minh"), resolve_province(1)
    ('15', '79', '01')
    >>> resolve_province("TP.HCM"), resolve_province("HN"), resolve_province("Thừa Thiên Huế")
    ('79', '01', '46')
    >>> resolve_province("Hà Giang")
    Traceback (most recent call last):
    divide._errors.InputError: Hà Giang is a pre-2025 province; since 2025-07-01 it is part of Tuyên Quang (code 08)
      fix: use --province 'Tuyên Quang' (province='Tuyên Quang' in Python); a part of a province is selected by its communes
    """
    table = province_table()
    text = nfc(str(province))
    if text.isdigit():
        code = text.zfill(2)
        if code in table.index:
            return code
        former = _pre2025_provinces().get(code)
        if former is not None:
            raise _pre2025_error(f"code {code} was {former[0]}'s before 2025", former[1], table)
        raise InputError(
            f"no province has code {code!r}",
            fix="use one of the 34 codes: " + ", ".join(f"{c} {n}" for c, n in table["province_name"].items()),
        )
    key = province_key(text)
    keys = {province_key(name): code for code, name in table["province_name"].items()}
    if key in keys:
        return keys[key]
    for name, targets in _pre2025_provinces().values():
        if province_key(name) == key:
            raise _pre2025_error(f"{name} is a pre-2025 province", targets, table)
    raise InputError(f"unknown province {text!r}", fix=_suggest(text, table))


def _pre2025_error(what: str, targets: tuple[str, ...], table: pd.DataFrame) -> InputError:
    names = [table.at[c, "province_name"] for c in targets]
    now = " and ".join(f"{n} (code {c})" for n, c in zip(names, targets))
    return InputError(
        f"{what}; since {settings.REFORM_DATE} it is part of {now}",
        fix=" or ".join(f"use --province {n!r} (province={n!r} in Python)" for n in names)
        + "; a part of a province is selected by its communes",
    )


def _suggest(text: str, table: pd.DataFrame) -> str:
    """The closest 2025 provinces to ``text``, by their names, their shortenings and the pre-2025 names."""
    current = dict(zip(table["province_name"].map(province_key), table["province_name"]))
    spellings = {name: repr(name) for name in table["province_name"]}
    for short, full in PROVINCE_ABBREVIATIONS.items():
        if province_key(full) in current:
            spellings.setdefault(short, repr(current[province_key(full)]))
    for name, targets in _pre2025_provinces().values():
        now = " or ".join(repr(table.at[c, "province_name"]) for c in targets)
        spellings.setdefault(name, f"{now} (which includes the pre-2025 {name})")
    hints = list(dict.fromkeys(spellings[h] for h in closest(text, list(spellings))))
    if not hints:
        return "run `divide provinces` to list the 34 provinces of 2025"
    return "did you mean " + " or ".join(hints) + "? (`divide provinces` lists the 34 provinces of 2025)"


@lru_cache(maxsize=1)
def _pre2025_provinces() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Pre-2025 province code -> (name without prefix, 2025 province codes its communes went to)."""
    from divide.geography.crosswalk.register import load_communes_pre2025, load_crosswalk

    reg = load_communes_pre2025()
    cw = load_crosswalk()
    targets = cw.groupby(cw["old_code"].map(reg["province_code"]))["new_province_code"].unique()
    names = reg.drop_duplicates("province_code").set_index("province_code")["province_name"]
    return {code: (_bare_province(name), tuple(sorted(targets[code])))
            for code, name in names.items()}


def _bare_province(name: str) -> str:
    """'Tỉnh Hà Giang' -> 'Hà Giang', 'Thành phố Huế' -> 'Huế'."""
    return re.sub(r"^(?:Tỉnh|Thành phố)\s+", "", nfc(name))


def load_communes(province: str | int | None = None) -> gpd.GeoDataFrame:
    """Load the 3,321 communes of 2025 (or one province's) with their context.

    Parameters
    ----------
    province
        Optional province, by code or name (see :func:`resolve_province`).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``commune_code`` (5-digit string), EPSG:4326, with
        ``commune_name``, ``commune_type`` (xa, phuong, dac_khu), ``province_code``,
        ``province_name``, ``urban_rural`` (official: urban, rural,
        special_zone), ``degurba`` (city, town_suburb, rural), ``population``
        (WorldPop 2020), the population shares by grid class, ``area_km2``,
        ``density_km2``, ``is_island``, ``remoteness_km``, centroid and geometry.

    Examples
    --------
    >>> lc = load_communes("Lai Châu")
    >>> len(lc), lc.index[0], lc.crs.to_epsg()
    (38, '03388', 4326)
    """
    import pyogrio

    where = None
    if province is not None:
        where = f"province_code = '{resolve_province(province)}'"
    gdf = pyogrio.read_dataframe(require_admin_layer(), layer="communes", where=where)
    gdf = gdf.set_index("commune_code").sort_index()
    gdf["is_island"] = gdf["is_island"].astype(bool)
    return gdf


def load_provinces() -> gpd.GeoDataFrame:
    """Load the 34 provinces of 2025, dissolved from the communes.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``province_code`` with ``province_name``, commune counts by
        type, ``population``, ``urban_population_pct``, ``area_km2`` and geometry.

    Examples
    --------
    >>> p = load_provinces()
    >>> len(p), int(p["communes"].sum())
    (34, 3321)
    """
    import pyogrio

    gdf = pyogrio.read_dataframe(require_admin_layer(), layer="provinces")
    return gdf.set_index("province_code").sort_index()
