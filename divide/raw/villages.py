"""Village points to commune counts, and the distance from unserved villages to coverage.

A village is placed in its commune **by its point** (:func:`divide.raw.points.assign_points`,
smallest code on shared boundaries); a ``commune_code`` column the layer may
carry is checked against it and disagreements are counted in
``attrs["points_report"]["code_mismatches"]``. Without geometry the
``commune_code`` column is used. Missing yes/no flags count as neither yes nor no
(a village with unknown signal is not counted in ``villages_no_signal``).

Examples
--------
>>> import divide
>>> lc = divide.load_communes("Lai Châu")
>>> v = divide.model_villages(lc)
>>> t = village_indicators(v, lc)
>>> (t["villages_total"] == divide.model_indicators(lc)["villages_total"]).all()
np.True_
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.provenance import carry
from divide.raw.checks import check_points
from divide.raw.points import assign_points

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["village_indicators", "distance_to_coverage"]


def _flag(villages: pd.DataFrame, column: str) -> pd.Series:
    if column not in villages.columns:
        raise InputError(f"the village layer has no {column!r} column", where=f"columns {list(villages.columns)[:12]}",
                         fix="read it with divide.read_villages (yes/no columns) or add the column")
    try:
        return villages[column].astype("boolean")
    except (TypeError, ValueError) as err:
        raise InputError(f"column {column!r} is not yes/no (True/False): {err}", where=f"column {column!r}",
                         fix="read the layer with divide.read_villages, which parses có/không, 1/0, yes/no") from err


def village_indicators(villages: pd.DataFrame, communes: pd.DataFrame, *,
                       repair: bool = False) -> pd.DataFrame:
    """Per-commune ``villages_total``, ``villages_no_signal`` and ``villages_no_power``.

    Parameters
    ----------
    villages
        Village points (GeoDataFrame, as from :func:`divide.read_villages` or
        the shipped modeled layer) with ``has_mobile_signal`` and ``has_power``;
        or a table with ``commune_code`` and no geometry.
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example ``divide.load_communes()``).
    repair
        Fix repairable point-layer problems and report them.

    Returns
    -------
    pandas.DataFrame
        On the communes' index, integer counts. ``attrs["points_report"]``
        counts villages in no commune; ``attrs["modeled"]`` follows the villages.

    Examples
    --------
    >>> import pandas as pd
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> v = pd.DataFrame({"commune_code": [lc.index[0]] * 3, "has_mobile_signal": [True, False, None],
    ...                   "has_power": [True, False, False]})
    >>> village_indicators(v, lc).loc[lc.index[0]].tolist()
    [3, 1, 2]
    """
    signal = _flag(villages, "has_mobile_signal")
    power = _flag(villages, "has_power")
    report: dict = {}
    geometry = getattr(villages, "_geometry_column_name", None) if hasattr(villages, "crs") else None
    if geometry is not None and geometry in villages.columns:
        code = assign_points(villages, communes, repair=repair)
        report = dict(code.attrs.get("points_report", {}))
        if "commune_code" in villages.columns:
            given = villages["commune_code"].astype("str")
            found = code.astype("str")
            report["code_mismatches"] = int(((given != found) & code.notna().to_numpy()).sum())
        code = code.astype("str")
    elif "commune_code" in villages.columns:
        code = villages["commune_code"].astype("str")
        unknown = ~code.isin(set(communes.index.astype(str)))
        report = {"n_points": len(code), "n_outside": int(unknown.sum()),
                  "notes": ["no geometry: communes taken from the commune_code column"]}
    else:
        raise InputError("villages need a point geometry or a 'commune_code' column", fix="use divide.read_villages")
    frame = pd.DataFrame({"code": code.to_numpy(),
                          "no_signal": (signal == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
                          "no_power": (power == False).fillna(False).to_numpy(dtype=bool)})  # noqa: E712
    g = frame.groupby("code", sort=False)
    index = pd.Index(communes.index.astype(str), name="commune_code")
    out = pd.DataFrame(index=index)
    out["villages_total"] = g.size().reindex(index, fill_value=0).astype("int64")
    out["villages_no_signal"] = g["no_signal"].sum().reindex(index, fill_value=0).astype("int64")
    out["villages_no_power"] = g["no_power"].sum().reindex(index, fill_value=0).astype("int64")
    out.attrs["points_report"] = report
    carry(villages, out)
    return out


def distance_to_coverage(villages: gpd.GeoDataFrame, coverage_or_sites: gpd.GeoDataFrame, *,
                         repair: bool = False) -> pd.Series:
    """Distance (km) from each village without mobile signal to the nearest covered area or site.

    Parameters
    ----------
    villages
        Village points with ``has_mobile_signal``; the unserved ones are those
        with ``has_mobile_signal == False``.
    coverage_or_sites
        Coverage polygons (for example :func:`divide.coverage_layer`; if it
        has a ``layer`` column, only ``"any"`` rows are used) or site points.
        Distances are measured in :data:`divide.settings.PROJECTED_CRS`; a
        village inside a covered polygon is at 0 km.
    repair
        Fix repairable point-layer problems and report them.

    Returns
    -------
    pandas.Series
        ``distance_km`` on the index of the unserved villages (NaN without
        any coverage). ``attrs["modeled"]`` follows the inputs.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> v = gpd.GeoDataFrame({"has_mobile_signal": [False, True]}, geometry=[Point(105.0, 21.0), Point(105.1, 21.0)],
    ...                      crs=4326)
    >>> s = gpd.GeoDataFrame(geometry=[Point(105.0, 21.1)], crs=4326)
    >>> round(float(distance_to_coverage(v, s).iloc[0]), 1)
    11.1
    """
    import geopandas as gpd
    import shapely

    x, y, _ = check_points(villages, repair=repair, what="villages")
    unserved = (_flag(villages, "has_mobile_signal") == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    unserved &= ~(np.isnan(x) | np.isnan(y))
    target = coverage_or_sites
    if "layer" in target.columns:
        target = target[target["layer"] == "any"]
    if target.crs is None:
        raise InputError("the coverage or site layer has no CRS", fix="set it with .set_crs('EPSG:4326')")
    tgeoms = np.asarray(target.geometry.to_crs(settings.PROJECTED_CRS).values)
    tgeoms = tgeoms[~(shapely.is_missing(tgeoms) | shapely.is_empty(tgeoms))]
    pts = np.asarray(gpd.GeoSeries(gpd.points_from_xy(x[unserved], y[unserved]), crs=settings.GEOGRAPHIC_CRS)
                     .to_crs(settings.PROJECTED_CRS).values)
    dist = np.full(len(pts), np.nan)
    if len(tgeoms) and len(pts):
        tree = shapely.STRtree(tgeoms)
        (pi, _), d = tree.query_nearest(pts, return_distance=True, all_matches=False)
        dist[pi] = d / 1000.0
    out = pd.Series(dist, index=villages.index[unserved], name="distance_km")
    carry(villages, out)
    if getattr(coverage_or_sites, "attrs", {}).get("modeled"):
        carry(coverage_or_sites, out)
    return out
