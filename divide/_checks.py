"""Input checks shared across layers (osmnx-style ``_validate``): each raises one clear error.

Every check raises a single :class:`~divide._errors.InputError` that names the
column or argument concerned and says how to fix it; on success it returns the
(normalised) input, so a caller can write ``columns = check_columns(table, columns)``.

Examples
--------
>>> import pandas as pd
>>> from divide._checks import check_columns
>>> t = pd.DataFrame({"divide_index": [1.0, 2.0]}, index=["00001", "00002"])
>>> check_columns(t, "divide_index")
['divide_index']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from divide._errors import InputError

__all__ = ["check_columns", "check_unique_index", "check_codes_in", "check_communes_cover", "check_in_graph"]

#: Where an error about commune codes points.
CODES = "index 'commune_code'"


def check_columns(
    table: pd.DataFrame,
    columns: Sequence[str] | str,
    *,
    numeric: bool = True,
    fix: str = "compute the index first (divide.analysis.index.compute_index) or pass columns= that exist",
) -> list[str]:
    """The ``columns`` of ``table`` as a list; raise if one is missing (or, with ``numeric``, not numeric).

    Parameters
    ----------
    table
        The table to check.
    columns
        One column name or several.
    numeric
        Also require a numeric dtype.
    fix
        The fix to print when a column is missing.

    Returns
    -------
    list of str
        ``columns`` as a list (a single name becomes a one-item list).

    Raises
    ------
    divide.InputError
        A column is missing or not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [1.0], "b": ["x"]})
    >>> check_columns(t, ["a"])
    ['a']
    >>> check_columns(t, ["b"])
    Traceback (most recent call last):
    ...
    divide._errors.InputError: column 'b': column(s) ['b'] are not numeric
      fix: convert them to numbers (pd.to_numeric)
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"column(s) {missing} not in the table (it has {list(table.columns)[:12]}…)",
            where=f"column {missing[0]!r}",
            fix=fix,
        )
    if numeric:
        bad = [c for c in columns if not pd.api.types.is_numeric_dtype(table[c])]
        if bad:
            raise InputError(f"column(s) {bad} are not numeric", where=f"column {bad[0]!r}",
                             fix="convert them to numbers (pd.to_numeric)")
    return columns


def check_unique_index(table: pd.DataFrame) -> pd.DataFrame:
    """Raise when a commune code appears more than once in ``table.index``; return ``table``.

    Parameters
    ----------
    table
        A table indexed by ``commune_code``.

    Returns
    -------
    pandas.DataFrame
        ``table`` itself.

    Raises
    ------
    divide.InputError
        Naming up to five repeated codes.

    Examples
    --------
    >>> import pandas as pd
    >>> check_unique_index(pd.DataFrame(index=["00001", "00001"]))
    Traceback (most recent call last):
    ...
    divide._errors.InputError: index 'commune_code': duplicate commune codes in the table, e.g. ['00001']
      fix: keep one row per commune
    """
    if not table.index.is_unique:
        dup = table.index[table.index.duplicated()].unique().tolist()[:5]
        raise InputError(f"duplicate commune codes in the table, e.g. {dup}", where=CODES,
                         fix="keep one row per commune")
    return table


def check_codes_in(codes: Iterable[Any], known: Iterable[Any], *, problem: str, fix: str) -> None:
    """Raise when some of ``codes`` are not among ``known``.

    Parameters
    ----------
    codes
        The commune codes to check (an index or any iterable).
    known
        The codes that are allowed.
    problem
        What is wrong with an unknown code, completing "N commune code(s) …"
        (e.g. ``"are not 2025 communes"``).
    fix
        What the user can do.

    Raises
    ------
    divide.InputError
        Counting the unknown codes and naming the first three.

    Examples
    --------
    >>> check_codes_in(["00001", "99999"], ["00001"], problem="are not 2025 communes", fix="use 2025 codes")
    Traceback (most recent call last):
    ...
    divide._errors.InputError: index 'commune_code': 1 commune code(s) are not 2025 communes, e.g. ['99999']
      fix: use 2025 codes
    """
    missing = pd.Index(codes).difference(pd.Index(known))
    if len(missing):
        raise InputError(f"{len(missing)} commune code(s) {problem}, e.g. {list(missing[:3])}", where=CODES,
                         fix=fix)


def check_communes_cover(table: pd.DataFrame, communes: pd.DataFrame, *, what: str = "geometry") -> pd.DataFrame:
    """The rows of ``communes`` for ``table.index``, in that order; raise if a code of the table is missing.

    Parameters
    ----------
    table
        A table indexed by ``commune_code``.
    communes
        The commune layer the caller passed (e.g. :func:`divide.load_communes`).
    what
        What the communes provide, for the message (``"geometry"``, ``"context"``).

    Returns
    -------
    pandas.DataFrame
        ``communes.loc[table.index]`` (a GeoDataFrame stays one).

    Raises
    ------
    divide.InputError
        ``communes`` is not a table, or lacks codes of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> communes = pd.DataFrame({"population": [5, 7]}, index=["00002", "00001"])
    >>> check_communes_cover(pd.DataFrame(index=["00001"]), communes)["population"].tolist()
    [7]
    """
    if not isinstance(communes, pd.DataFrame):
        raise InputError(f"communes must be a commune table, not {type(communes).__name__}", where="communes",
                         fix="pass communes=divide.load_communes() (or a province: divide.load_communes('Lai Châu'))")
    check_codes_in(table.index, communes.index, problem=f"of the table have no {what}",
                   fix="pass communes= with every code of the table (divide.load_communes())")
    return communes.loc[table.index]


def check_in_graph(ids: Sequence[Any], w: Any) -> None:
    """Raise when some of ``ids`` are not units of the graph ``w`` (a libpysal ``W``).

    Parameters
    ----------
    ids
        Commune codes.
    w
        A graph with a ``neighbors`` dict keyed by commune code.

    Raises
    ------
    divide.InputError
        Counting the codes that are not in the graph and naming the first
        three: build ``w`` on the same communes as the table.

    Examples
    --------
    >>> from libpysal.weights import W
    >>> w = W({"00001": ["00002"], "00002": ["00001"]})
    >>> check_in_graph(["00001", "00003"], w)
    Traceback (most recent call last):
    ...
    divide._errors.InputError: w: 1 commune(s) of the table are not in the graph w, e.g. ['00003']
      fix: build w on the same communes (divide.analysis.hotspots.contiguity_graph)
    """
    missing = [u for u in ids if u not in w.neighbors]
    if missing:
        raise InputError(
            f"{len(missing)} commune(s) of the table are not in the graph w, e.g. {missing[:3]}",
            where="w", fix="build w on the same communes (divide.analysis.hotspots.contiguity_graph)",
        )
