"""Modeled raw layers: mobile sites and speed tests (Dữ liệu mô phỏng / modeled data).

Demonstration layers so that the raw-layer paths (:mod:`divide.raw.coverage`,
:mod:`divide.raw.speed`, :mod:`divide.raw.points`) run out of the box. They are
generated here, seeded and fast; nothing is stored. They are **not
observations** of any site or test: every row has ``source = "modeled"`` and
the frames carry ``attrs["modeled"] = True`` and :data:`divide.provenance.LABEL`.

Sites (:func:`model_sites`) follow the modeled indicator table
(:func:`divide.model_indicators`) and village layer:

- 4G sites are placed greedily, commune by commune, on the most populated
  uncovered 1 km WorldPop cell until the population within their nominal
  range (:data:`divide.raw.coverage.DEFAULT_RANGES_KM`) reaches the commune's
  modeled ``mobile_4g_pop_pct`` (so low-coverage communes get fewer sites);
  no 4G site is placed within range of a modeled village without signal.
- Villages with signal left outside 4G range get a 3G site (2G where the
  commune's modeled 4G share is below 50 %) at the village, its range cut to
  stay short of every village without signal (``range_km`` column).
- A quarter of the 4G sites of urban communes (phường) also carry 5G (a
  separate row, 5G range).

Speed tests (:func:`model_speed_tests`) are drawn where people live (1 km
cells by population, uniform inside the cell), with log-normal speeds whose
median is higher in urban communes and rises with the commune's modeled 4G
share; a documented share (:data:`OUTSIDE_SHARE`, 0.5 %) is placed at sea off
the south-central coast or in Cambodia/Laos, to exercise the "no commune"
report. Cells on the coast also put a few tests at sea.

Examples
--------
>>> import divide
>>> lc = divide.load_communes("Lai Châu")
>>> sites = model_sites(lc)
>>> sites.attrs["modeled"], set(sites["technology"]) <= {"2G", "3G", "4G", "5G"}
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from divide import settings
from divide.geography.population import rasterize, read_population_grid
from divide.modeled.files import read_modeled_villages
from divide.modeled.indicators import model_indicators
from divide.provenance import LABEL
from divide.raw.coverage import DEFAULT_RANGES_KM, range_class
from divide.raw.speed import lonlat_to_quadkey

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["OUTSIDE_SHARE", "SPEED_MEDIANS_MBPS", "model_sites", "model_speed_tests"]

#: Share of modeled speed tests placed outside every commune (half at sea, half abroad).
OUTSIDE_SHARE = 0.005
#: Boxes (lon0, lat0, lon1, lat1) for those tests: open sea east of the south-central
#: coast, and northern Cambodia / southern Laos. Neither holds a commune.
OUTSIDE_BOXES = {"sea": (109.8, 10.8, 110.8, 13.2), "abroad": (104.6, 14.2, 105.4, 15.0)}
#: Median download speed (Mbps) of a modeled test by the official class, before the 4G
#: adjustment (an assumption of the demonstration data, same order as national mobile medians).
SPEED_MEDIANS_MBPS = {"urban": 60.0, "rural": 35.0, "special_zone": 30.0}

_STREAM_SITES = 201
_STREAM_TESTS = 202
_MAX_SITES_PER_COMMUNE = 400


def _population_cells(communes: gpd.GeoDataFrame):
    """Population grid, the commune position (0-based, -1 none) of each cell, and the transform."""
    grid = read_population_grid()
    return grid.values, rasterize(communes.geometry, grid), grid.transform


def model_sites(communes: gpd.GeoDataFrame, seed: int = settings.DEFAULT_SEED) -> gpd.GeoDataFrame:
    """Generate a modeled mobile-site layer consistent with the modeled indicators.

    Parameters
    ----------
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example ``divide.load_communes()``).
    seed
        Seed (the modeled indicators and villages of the same seed are used).

    Returns
    -------
    geopandas.GeoDataFrame
        Points (EPSG:4326) indexed by ``site_id`` with ``commune_code``,
        ``technology`` (2G/3G/4G/5G), ``range_km``, ``source`` ("modeled");
        ``attrs["modeled"]`` is True.

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> s = model_sites(lc)
    >>> s.equals(model_sites(lc)), bool((s["range_km"] > 0).all()), s["source"].unique().tolist()
    (True, True, ['modeled'])
    """
    import geopandas as gpd
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    ind = model_indicators(communes, seed=seed)
    villages = read_modeled_villages(communes, seed)
    to_m = Transformer.from_crs(4326, settings.PROJECTED_CRS, always_xy=True)
    pop, cell_commune, tr = _population_cells(communes)
    rows, cols = np.nonzero((cell_commune >= 0) & (pop > 0))
    cell_pop = pop[rows, cols]
    cell_c = cell_commune[rows, cols]
    lon = tr.c + (cols + 0.5) * tr.a
    lat = tr.f + (rows + 0.5) * tr.e
    cx, cy = to_m.transform(lon, lat)
    vx, vy = to_m.transform(villages.geometry.x.to_numpy(), villages.geometry.y.to_numpy())
    no_signal = ~villages["has_mobile_signal"].to_numpy(dtype=bool)
    dark = cKDTree(np.c_[vx[no_signal], vy[no_signal]]) if no_signal.any() else None
    klass = range_class(communes)
    target = ind["mobile_4g_pop_pct"].to_numpy(dtype="float64") / 100.0
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), _STREAM_SITES]))

    sx, sy, tech, rng_km, code = [], [], [], [], []
    order = np.argsort(cell_c, kind="stable")
    bounds = np.searchsorted(cell_c[order], np.arange(len(communes) + 1))
    codes = communes.index.to_numpy()
    for i in range(len(communes)):
        if not np.isfinite(target[i]) or target[i] <= 0:
            continue
        idx = order[bounds[i]:bounds[i + 1]]
        if not len(idx):
            continue
        r = DEFAULT_RANGES_KM.loc["4G", klass.iloc[i]] * 1000.0
        x, y, p = cx[idx], cy[idx], cell_pop[idx]
        allowed = np.ones(len(idx), dtype=bool)
        if dark is not None:
            d, _ = dark.query(np.c_[x, y], k=1)
            allowed = d > r
        covered = np.zeros(len(idx), dtype=bool)
        goal = target[i] * p.sum()
        for _ in range(_MAX_SITES_PER_COMMUNE):
            if p[covered].sum() >= goal:
                break
            cand = np.flatnonzero(allowed & ~covered)
            if not len(cand):
                break
            k = cand[np.argmax(p[cand])]
            covered |= (x - x[k]) ** 2 + (y - y[k]) ** 2 <= r * r
            sx.append(x[k])
            sy.append(y[k])
            tech.append("4G")
            rng_km.append(r / 1000.0)
            code.append(codes[i])
    sx_a, sy_a = np.array(sx), np.array(sy)
    r4 = np.array(rng_km) * 1000.0
    # villages with signal outside every 4G disc get a 3G/2G site of their own
    has = ~no_signal
    vxs, vys = vx[has], vy[has]
    vcode = villages["commune_code"].to_numpy()[has]
    inside = np.zeros(len(vxs), dtype=bool)
    if len(sx_a):
        tree4 = cKDTree(np.c_[sx_a, sy_a])
        d, j = tree4.query(np.c_[vxs, vys], k=1)
        inside = d <= r4[j]
    pos = pd.Series(np.arange(len(communes)), index=codes)
    for v in np.flatnonzero(~inside):
        i = int(pos[vcode[v]])
        t = "2G" if target[i] < 0.5 else "3G"
        r = DEFAULT_RANGES_KM.loc[t, klass.iloc[i]] * 1000.0
        if dark is not None:
            d, _ = dark.query([vxs[v], vys[v]], k=1)
            r = min(r, 0.9 * d)
        if r < 200.0:
            continue
        if len(sx) > len(sx_a):  # already served by a 3G/2G site placed in this loop
            extra = np.c_[sx[len(sx_a):], sy[len(sx_a):]]
            dd = np.hypot(extra[:, 0] - vxs[v], extra[:, 1] - vys[v])
            if (dd <= np.array(rng_km[len(sx_a):]) * 1000.0).any():
                continue
        sx.append(vxs[v])
        sy.append(vys[v])
        tech.append(t)
        rng_km.append(round(r / 1000.0, 3))
        code.append(vcode[v])
    # 5G on a quarter of the urban 4G sites
    urban4 = [k for k in range(len(sx_a)) if klass.loc[code[k]] == "urban"]
    chosen = sorted(rng.choice(urban4, size=len(urban4) // 4, replace=False).tolist()) if urban4 else []
    for k in chosen:
        sx.append(sx[k])
        sy.append(sy[k])
        tech.append("5G")
        rng_km.append(float(DEFAULT_RANGES_KM.loc["5G", "urban"]))
        code.append(code[k])
    lon_s, lat_s = Transformer.from_crs(settings.PROJECTED_CRS, 4326, always_xy=True).transform(
        np.array(sx, dtype="float64"), np.array(sy, dtype="float64"))
    out = gpd.GeoDataFrame(
        {
            "commune_code": pd.array(code, dtype="str"),
            "technology": pd.array(tech, dtype="str"),
            "range_km": np.array(rng_km, dtype="float64"),
            "source": "modeled",
        },
        geometry=gpd.points_from_xy(np.round(lon_s, 6), np.round(lat_s, 6)),
        index=pd.Index([f"S{k:06d}" for k in range(len(sx))], name="site_id", dtype="str"),
        crs=settings.GEOGRAPHIC_CRS,
    )
    out.attrs = {"modeled": True, "source": "modeled", "label": LABEL, "seed": int(seed),
                 "generator": "divide.modeled.raw_layers.model_sites"}
    return out


def model_speed_tests(
    n: int,
    communes: gpd.GeoDataFrame,
    seed: int = settings.DEFAULT_SEED,
    *,
    outside_share: float = OUTSIDE_SHARE,
    tiles: bool = False,
    zoom: int = 16,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Generate ``n`` modeled speed tests (points), or Ookla-style tiles of them.

    Parameters
    ----------
    n
        Number of tests.
    communes
        Communes where the tests are drawn (by population), for example ``divide.load_communes()``.
    seed
        Seed.
    outside_share
        Share placed outside every commune (:data:`OUTSIDE_BOXES`).
    tiles
        Return Ookla-style zoom-``zoom`` tiles (``quadkey``, ``avg_d_kbps``,
        ``avg_u_kbps``, ``tests``: test-weighted averages in kbps) instead of points.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        Points (EPSG:4326) indexed by ``test_id`` with ``download_mbps``,
        ``upload_mbps``, ``tests`` (1) and ``source`` ("modeled"); or tiles.
        ``attrs["modeled"]`` is True.

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> t = model_speed_tests(1000, lc)
    >>> len(t), t.attrs["modeled"], bool(t["download_mbps"].gt(0).all())
    (1000, True, True)
    """
    import geopandas as gpd

    rng = np.random.default_rng(np.random.SeedSequence([int(seed), _STREAM_TESTS, int(n)]))
    pop, cell_commune, tr = _population_cells(communes)
    flat_c = cell_commune.ravel()
    w = np.where(flat_c >= 0, pop.ravel(), 0.0)
    cells = np.flatnonzero(w > 0)
    p = w[cells] / w[cells].sum()
    n_out = int(round(n * outside_share))
    n_in = n - n_out
    pick = cells[rng.choice(len(cells), size=n_in, p=p)]
    r, c = np.divmod(pick, pop.shape[1])
    lon = tr.c + (c + rng.random(n_in)) * tr.a
    lat = tr.f + (r + rng.random(n_in)) * tr.e
    com = flat_c[pick]
    klass = range_class(communes).to_numpy()
    med_class = np.array([SPEED_MEDIANS_MBPS.get(k, 35.0) for k in klass])
    cov = model_indicators(communes, seed=seed)["mobile_4g_pop_pct"].fillna(0).to_numpy() / 100.0
    median = med_class[com] * (0.5 + 0.5 * cov[com])
    n_sea = n_out // 2
    boxes = [OUTSIDE_BOXES["sea"]] * n_sea + [OUTSIDE_BOXES["abroad"]] * (n_out - n_sea)
    b = np.array(boxes, dtype="float64").reshape(-1, 4)
    lon = np.r_[lon, b[:, 0] + rng.random(n_out) * (b[:, 2] - b[:, 0])]
    lat = np.r_[lat, b[:, 1] + rng.random(n_out) * (b[:, 3] - b[:, 1])]
    median = np.r_[median, np.full(n_out, 20.0)]
    down = median * np.exp(rng.normal(0.0, 0.7, n))
    up = down * 0.35 * np.exp(rng.normal(0.0, 0.3, n))
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    attrs = {"modeled": True, "source": "modeled", "label": LABEL, "seed": int(seed),
             "generator": "divide.modeled.raw_layers.model_speed_tests", "outside_share": outside_share}
    if tiles:
        frame = pd.DataFrame({"quadkey": lonlat_to_quadkey(lon, lat, zoom), "d": down * 1000.0, "u": up * 1000.0})
        g = frame.groupby("quadkey", sort=True)
        out = pd.DataFrame({"avg_d_kbps": g["d"].mean().round().astype("int64"),
                            "avg_u_kbps": g["u"].mean().round().astype("int64"), "tests": g.size()}).reset_index()
        out["source"] = "modeled"
        out.attrs = attrs
        return out
    out = gpd.GeoDataFrame(
        {"download_mbps": np.round(down, 3), "upload_mbps": np.round(up, 3), "tests": np.ones(n, dtype="int64"),
         "source": "modeled"},
        geometry=gpd.points_from_xy(lon, lat),
        index=pd.RangeIndex(n, name="test_id"),
        crs=settings.GEOGRAPHIC_CRS,
    )
    out.attrs = attrs
    return out
