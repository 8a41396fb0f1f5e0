"""The modeled village layer: points where the commune's people live, flags that follow the commune counts.

:func:`model_villages` places each commune's ``villages_total`` villages in
its 1 km WorldPop cells drawn by population (inside the commune polygon) and
sets their signal, power and fibre flags from the commune's counts. Names
are synthetic ("Thôn 3", "Bản 12", "Ấp 4", "Tổ dân phố 5"). Like every
modeled output, the layer says so (``source = "modeled"``, ``attrs["modeled"]``).

Examples
--------
>>> VILLAGE_LAYER
'villages_2025_modeled'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.population import rasterize, read_population_grid
from divide.modeled.covariates import covariates, national_communes
from divide.modeled.generator import STREAMS, flag_villages, generate, modeled_attrs, rank_within, village_frame
from divide.provenance import SOURCE

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["VILLAGE_COLUMNS", "VILLAGE_LAYER", "build_villages", "model_villages"]

#: Columns of the village layer besides its key ``village_id`` and geometry.
VILLAGE_COLUMNS = [
    "commune_code",
    "village_name",
    "has_mobile_signal",
    "has_power",
    "has_fiber",
    "population",
    "source",
]

#: The layer name of the shipped village GeoPackage.
VILLAGE_LAYER = "villages_2025_modeled"

# Provinces (2025 codes) for the synthetic village-name prefixes.
_SOUTH = {"79", "75", "80", "86", "82", "91", "92", "96"}
_NORTH_MOUNTAIN = {"04", "08", "11", "12", "14", "15", "19", "20"}


def _village_names(codes: np.ndarray, numbers: np.ndarray, cov: pd.DataFrame) -> np.ndarray:
    ctype_urban = cov["urban"].reindex(codes).to_numpy()
    prov = cov["province_code"].reindex(codes).to_numpy()
    remote = cov["remote_half"].reindex(codes).to_numpy()
    prefix = np.full(len(codes), "Thôn", dtype=object)
    prov = pd.Series(prov)
    prefix[prov.isin(_NORTH_MOUNTAIN).to_numpy() & remote] = "Bản"
    prefix[prov.isin(_SOUTH).to_numpy()] = "Ấp"
    prefix[ctype_urban] = "Tổ dân phố"
    return np.array([f"{p} {k}" for p, k in zip(prefix, numbers)], dtype=object)


def _place_points(communes: gpd.GeoDataFrame, vf: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the villages in ``vf`` (rows grouped by commune_code) inside their communes."""
    import shapely

    grid = read_population_grid()
    pop, transform = grid.values, grid.transform
    codes = vf["commune_code"].to_numpy()
    wanted = pd.unique(codes)
    geoms = communes.geometry.reindex(wanted).to_numpy()
    flat = rasterize(geoms, grid).ravel() + 1  # 1..n, 0 outside
    cells = np.flatnonzero(flat)
    cells = cells[np.argsort(flat[cells], kind="stable")]
    bounds = np.searchsorted(flat[cells], np.arange(1, len(wanted) + 2))
    ncol = pop.shape[1]
    a, e, c0, f0 = transform.a, transform.e, transform.c, transform.f

    x = np.empty(len(vf))
    y = np.empty(len(vf))
    starts = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1, len(codes)]
    for i, code in enumerate(wanted):
        lo, hi = starts[i], starts[i + 1]
        k = hi - lo
        geom = geoms[i]
        shapely.prepare(geom)
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), STREAMS["points"], int(code)]))
        mine = cells[bounds[i]:bounds[i + 1]]
        px = np.full(k, np.nan)
        py = np.full(k, np.nan)
        if len(mine):
            w = pop.ravel()[mine] + 1e-6
            w = w / w.sum()
            for _ in range(20):
                todo = np.flatnonzero(np.isnan(px))
                if not len(todo):
                    break
                pick = mine[rng.choice(len(mine), size=len(todo), p=w)]
                r, cidx = np.divmod(pick, ncol)
                tx = np.round(c0 + (cidx + rng.random(len(todo))) * a, 6)
                ty = np.round(f0 + (r + rng.random(len(todo))) * e, 6)
                inside = shapely.contains_xy(geom, tx, ty)
                px[todo[inside]] = tx[inside]
                py[todo[inside]] = ty[inside]
        # what is left (small units, edge cells): uniform points in the polygon
        xmin, ymin, xmax, ymax = geom.bounds
        for _ in range(200):
            todo = np.flatnonzero(np.isnan(px))
            if not len(todo):
                break
            m = max(4 * len(todo), 16)
            tx = np.round(xmin + rng.random(m) * (xmax - xmin), 6)
            ty = np.round(ymin + rng.random(m) * (ymax - ymin), 6)
            inside = np.flatnonzero(shapely.contains_xy(geom, tx, ty))[: len(todo)]
            px[todo[: len(inside)]] = tx[inside]
            py[todo[: len(inside)]] = ty[inside]
        todo = np.flatnonzero(np.isnan(px))
        if len(todo):
            pt = shapely.point_on_surface(geom)
            px[todo], py[todo] = pt.x, pt.y
        x[lo:hi] = px
        y[lo:hi] = py
    return x, y


def model_villages(
    communes: gpd.GeoDataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    seed: int = settings.DEFAULT_SEED,
) -> gpd.GeoDataFrame:
    r"""Generate the modeled village layer (points; Dữ liệu mô phỏng / modeled data).

    Each commune gets ``villages_total`` points placed where its population
    lives (1 km WorldPop cells drawn by population, inside the commune
    polygon). Flags follow the commune counts: the ``villages_no_signal``
    smallest villages (with noise) lack signal, ``villages_no_power`` of them
    also lack power, and ``fiber_villages_pct`` of the villages (largest
    first, among served ones) have fibre. Names are synthetic ("Thôn 3",
    "Bản 12", "Ấp 4", "Tổ dân phố 5").

    Parameters
    ----------
    communes
        Commune GeoDataFrame indexed by ``commune_code``; default all communes.
        Only its communes get villages.
    indicators
        Indicator table with ``villages_total``, ``villages_no_signal``,
        ``villages_no_power`` and ``fiber_villages_pct``; default
        :func:`divide.model_indicators` with the same seed (then the layer matches it).
    seed
        Seed of every random step.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``village_id`` (``"<commune_code>-<nnnn>"``), EPSG:4326
        points, with :data:`VILLAGE_COLUMNS`; ``source`` is ``"modeled"`` and
        ``attrs["modeled"]`` is True.

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> v = model_villages(lc)
    >>> bool(v.within(lc.geometry.reindex(v["commune_code"]), align=False).all())
    True
    >>> v["village_name"].str.match(r"^(Thôn|Bản|Ấp|Tổ dân phố) \d+$").all(), v.attrs["modeled"]
    (np.True_, True)
    """
    national, index = national_communes(communes)
    if indicators is None:
        table, _, info = generate(national, seed)
        cov = info["cov"]
        indicators = table
    else:
        cov = covariates(national)
    return build_villages(national, index, indicators, cov, seed)


def build_villages(national: gpd.GeoDataFrame, index: pd.Index, indicators: pd.DataFrame, cov: pd.DataFrame,
                   seed: int) -> gpd.GeoDataFrame:
    """The village layer of the communes in ``index`` from an indicator table (see :func:`model_villages`).

    ``national`` is the national commune table and ``cov`` its covariates
    (:func:`divide.modeled.covariates.covariates`).
    """
    import geopandas as gpd

    need = ["villages_total", "villages_no_signal", "villages_no_power", "fiber_villages_pct"]
    missing = [c for c in need if c not in indicators.columns]
    if missing:
        raise InputError(f"the indicator table lacks column(s) {missing}", fix="pass model_indicators()")
    ind = indicators.reindex(national.index)
    totals = ind["villages_total"].fillna(0).to_numpy().astype("int64")
    no_signal = ind["villages_no_signal"].fillna(0).to_numpy().astype("int64")
    no_power = ind["villages_no_power"].fillna(0).to_numpy().astype("int64")
    if ((no_signal > totals) | (no_power > totals)).any():
        raise InputError("villages_no_signal and villages_no_power must not exceed villages_total",
                         fix="correct the indicator table (divide validate shows the rows)")
    vf = village_frame(national.index.to_numpy(), totals, seed)
    commune = vf["commune"].to_numpy()
    vf["commune_code"] = national.index.to_numpy()[commune]
    vf["population"] = np.rint(vf["share"].to_numpy() * national["population"].to_numpy()[commune]).astype("int64")
    fibre_count = np.rint(ind["fiber_villages_pct"].fillna(0).to_numpy() * totals / 100.0).astype("int64")
    vf = flag_villages(vf, no_signal, np.minimum(no_power, no_signal), fibre_count)
    # a user table may list more villages without power than without signal: the extra ones keep their signal
    extra = np.maximum(no_power - no_signal, 0)
    if extra.any():
        r = rank_within(commune, vf["isolation_key"].to_numpy(), eligible=vf["has_mobile_signal"].to_numpy())
        off = (r < extra[commune]) & vf["has_mobile_signal"].to_numpy()
        vf.loc[off, "has_power"] = False
        vf.loc[off, "has_fiber"] = False

    keep = pd.Series(vf["commune_code"].to_numpy()).isin(set(index)).to_numpy()
    vf = vf[keep].reset_index(drop=True)
    x, y = _place_points(national, vf, seed)
    codes = vf["commune_code"].to_numpy()
    ids = [f"{c}-{k:04d}" for c, k in zip(codes, vf["number"].to_numpy())]
    out = gpd.GeoDataFrame(
        {
            "commune_code": pd.array(codes, dtype="str"),
            "village_name": pd.array(_village_names(codes, vf["number"].to_numpy(), cov), dtype="str"),
            "has_mobile_signal": vf["has_mobile_signal"].to_numpy(dtype=bool),
            "has_power": vf["has_power"].to_numpy(dtype=bool),
            "has_fiber": vf["has_fiber"].to_numpy(dtype=bool),
            "population": vf["population"].to_numpy(dtype="int64"),
            "source": SOURCE,
        },
        geometry=gpd.points_from_xy(x, y),
        index=pd.Index(ids, name="village_id", dtype="str"),
        crs=settings.GEOGRAPHIC_CRS,
    )
    out.attrs = modeled_attrs(seed)
    return out
