"""The communes a table is checked against: the 3,321 of 2025 and the 10,035 before the reform."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from divide._errors import InputError
from divide.indicators.schema import KEY

__all__ = ["REFERENCE_COLUMNS", "reference_communes", "pre2025_communes", "as_reference", "reference_for"]

#: Columns of a reference table (besides its ``commune_code`` index).
REFERENCE_COLUMNS = ["commune_name", "province_code", "province_name"]


@lru_cache(maxsize=1)
def _reference_cached() -> pd.DataFrame:
    from divide.geography.communes import read_admin_table

    return read_admin_table("communes", REFERENCE_COLUMNS)


def reference_communes() -> pd.DataFrame:
    """The 3,321 communes of 2025 without geometry: code (index), name, province code and name.

    Returns
    -------
    pandas.DataFrame
        A copy (free to change), indexed by ``commune_code``, with the
        columns of :data:`REFERENCE_COLUMNS`.

    Examples
    --------
    >>> ref = reference_communes()
    >>> len(ref), ref.loc["03478", "commune_name"]
    (3321, 'Sìn Hồ')
    """
    return _reference_cached().copy()


@lru_cache(maxsize=1)
def _pre2025_cached() -> pd.DataFrame:
    # The cleaned register of divide.geography.crosswalk, under the short names the readers use.
    from divide.geography.crosswalk import load_communes_pre2025

    df = load_communes_pre2025().rename(columns={"old_name": "name", "district_name": "district",
                                                 "province_name": "province"})
    return df.rename_axis("code")[["name", "district", "province"]]


def pre2025_communes() -> pd.DataFrame:
    """The 10,035 communes before the 2025 reform (GSO list of 2025-07-18), indexed by code.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` with ``name``, ``district`` and ``province``.

    Examples
    --------
    >>> old = pre2025_communes()
    >>> len(old), old.loc["00001", "name"], old.index.name
    (10035, 'Phường Phúc Xá', 'code')
    """
    return _pre2025_cached().copy()


def as_reference(communes: pd.DataFrame) -> pd.DataFrame:
    """A commune table (such as :func:`divide.load_communes`) cut to a reference table, sorted by code.

    Parameters
    ----------
    communes
        Indexed by ``commune_code`` (or with such a column), with the columns
        of :data:`REFERENCE_COLUMNS`.

    Raises
    ------
    divide.InputError
        A column of :data:`REFERENCE_COLUMNS` is missing.

    Examples
    --------
    >>> import divide
    >>> ref = as_reference(divide.load_communes("Lai Châu").reset_index())
    >>> len(ref), list(ref.columns)
    (38, ['commune_name', 'province_code', 'province_name'])
    """
    ref = communes
    if ref.index.name != KEY and KEY in ref.columns:
        ref = ref.set_index(KEY)
    missing = [c for c in REFERENCE_COLUMNS if c not in ref.columns]
    if missing:
        raise InputError(f"the reference communes lack {', '.join(missing)}",
                         fix="pass divide.load_communes() or a table with the same columns")
    return pd.DataFrame(ref[REFERENCE_COLUMNS]).sort_index()


def reference_for(communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reference a reader checks against: :func:`as_reference` of ``communes``, or the 2025 communes.

    Without ``communes`` the one shared, cached table is returned (the same
    object every time, so what is built from it can be cached too): do not
    change it; :func:`reference_communes` gives a copy.

    Examples
    --------
    >>> reference_for() is reference_for(), len(reference_for())
    (True, 3321)
    """
    return _reference_cached() if communes is None else as_reference(communes)
