"""Spatial structure of the divide: the commune contiguity graph, global and local Moran's I.

:func:`contiguity_graph` builds the queen contiguity graph of the communes
(two units are neighbours when their boundaries share at least one vertex,
libpysal's rule) and makes it **connected on purpose**:

1. **Islands.** A unit with no land neighbour (19 of the 3,321 units: Cô Tô,
   Bạch Long Vĩ, Lý Sơn, Phú Quốc, Côn Đảo, Hoàng Sa, Trường Sa, …) is linked
   to its ``k_islands`` nearest units by centroid distance, measured in
   :data:`divide.settings.PROJECTED_CRS`. Links are symmetric.
2. **Components.** If the graph still has more than one connected component
   (for example two islands that are each other's nearest unit, or a subset of
   communes with a hole), every component other than the largest is joined to
   the rest by one extra link: the closest pair of centroids between that
   component and the units outside it. This repeats until one component is
   left.

Every added link is recorded in ``w.attrs`` (``island_links``,
``component_links``, ``islands``, ``components_before``) so that a report can
say exactly which edges are not land borders.

:func:`spatial_patterns` computes, for the divide index and each pillar,
global Moran's I and local Moran (LISA) with esda: conditional permutations
(999 by default) under a seed, labels HH / LL / HL / LH / not significant, and
false-discovery-rate control (esda's :func:`esda.fdr`, the Benjamini–Hochberg
step-up rule: with *n* p-values sorted, the cut-off is the largest
``i·alpha/n`` that a sorted p-value falls strictly below; if none does, the
Bonferroni bound ``alpha/n`` is used).

Units without data
------------------
A unit whose value is missing (Hoàng Sa and Trường Sa have no population and
hence no index) is **left out** of the statistic: when the graph is built
here it is built on the units with data in every requested column, so the
island rule links the remaining units to units that have data. Such units get
the label ``"no data"`` and a missing p-value. A unit left without any
neighbour after dropping units with missing values (only possible with a
graph ``w`` passed in) cannot have a local statistic: it also gets
``"no data"``.

Examples
--------
>>> import divide
>>> from divide.analysis.hotspots import contiguity_graph
>>> lc = divide.load_communes("Lai Châu")
>>> w = contiguity_graph(lc)
>>> w.n, w.n_components, w.attrs["islands"]
(38, 1, [])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._checks import check_columns, check_communes_cover, check_in_graph, check_unique_index
from divide._errors import InputError
from divide.provenance import carry

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from libpysal.weights import W

__all__ = [
    "LISA_LABELS",
    "contiguity_graph",
    "connect_components",
    "projected_centroids",
    "spatial_patterns",
    "SpatialPatterns",
]

#: Labels of the local Moran classification (esda quadrants 1–4, then the two others).
LISA_LABELS = ("HH", "LH", "LL", "HL", "not significant", "no data")

_QUADRANT = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}

DEFAULT_COLUMNS = ("divide_index", "infrastructure_gap", "usage_gap")


# --------------------------------------------------------------------------- graph
def projected_centroids(communes: pd.DataFrame) -> np.ndarray:
    """Centroid coordinates of the communes, in metres in :data:`divide.settings.PROJECTED_CRS`.

    Parameters
    ----------
    communes
        Commune table with ``centroid_lon`` and ``centroid_lat`` (used when
        complete), else a GeoDataFrame whose polygons give the centroids.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array of x, y in metres, in the order of ``communes``.

    Examples
    --------
    >>> import divide
    >>> projected_centroids(divide.load_communes("Lai Châu")).shape
    (38, 2)
    """
    import geopandas as gpd

    if {"centroid_lon", "centroid_lat"} <= set(communes.columns) and communes[["centroid_lon", "centroid_lat"]].notna().all().all():
        pts = gpd.GeoSeries(gpd.points_from_xy(communes["centroid_lon"], communes["centroid_lat"]),
                            crs=settings.GEOGRAPHIC_CRS)
        pts = pts.to_crs(settings.PROJECTED_CRS)
    else:
        geo = _geometry(communes)
        pts = geo.to_crs(settings.PROJECTED_CRS).centroid
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _geometry(communes: pd.DataFrame) -> gpd.GeoSeries:
    import geopandas as gpd

    if not isinstance(communes, gpd.GeoDataFrame) or communes.geometry is None:
        raise InputError(
            "the commune table has no geometry", where="column 'geometry'",
            fix="pass the GeoDataFrame returned by divide.load_communes()",
        )
    if communes.crs is None:
        raise InputError("the commune geometry has no CRS", where="column 'geometry'",
                         fix="set it, e.g. communes.set_crs('EPSG:4326')")
    return communes.geometry


def _components(neighbors: dict[Any, set], ids: list) -> np.ndarray:
    """Component label of each id (scipy connected components on the adjacency)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pos = {u: i for i, u in enumerate(ids)}
    rows = [pos[u] for u in ids for v in neighbors[u]]
    cols = [pos[v] for u in ids for v in neighbors[u]]
    n = len(ids)
    mat = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(mat, directed=False)
    return labels


def connect_components(neighbors: dict[Any, set], ids: list, xy: np.ndarray) -> list[tuple[Any, Any, float]]:
    """Join the components of ``neighbors`` (in place) by nearest centroid pairs.

    Every component other than the largest gets one link to the closest unit
    outside it (closest pair of centroids); repeated until one component is
    left. Returns the links added as ``(a, b, distance_m)``.
    """
    from scipy.spatial import cKDTree

    added: list[tuple[Any, Any, float]] = []
    while len(ids) > 1:
        labels = _components(neighbors, ids)
        counts = np.bincount(labels)
        if len(counts) == 1:
            break
        biggest = int(np.argmax(counts))  # lowest label among ties: deterministic
        for comp in range(len(counts)):
            if comp == biggest:
                continue
            inside = np.flatnonzero(labels == comp)
            outside = np.flatnonzero(labels != comp)
            tree = cKDTree(xy[outside])
            dist, j = tree.query(xy[inside], k=1)
            best = int(np.argmin(dist))
            a, b = ids[inside[best]], ids[outside[int(j[best])]]
            neighbors[a].add(b)
            neighbors[b].add(a)
            added.append((a, b, float(dist[best])))
            labels[labels == comp] = labels[outside[int(j[best])]]  # merged for this round
    return added


def _shared_vertex_pairs(geoms: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of geometries that share at least one vertex (queen contiguity).

    The same rule as libpysal's ``Graph.build_contiguity(rook=False, strict=False)`` (exact equality of vertex
    coordinates), vectorised with numpy: libpysal's version loops in Python over every vertex and took 1.8 s
    of the 2.1 s national build here, this one 0.35 s with the identical 17,732 directed links
    (tests/test_spatial.py checks the equality, bench/bench_regions.py times both).
    """
    import shapely

    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    if not len(xy):
        return np.empty((0, 2), dtype=int)
    order = np.lexsort((owner, xy[:, 1], xy[:, 0]))
    x, y, owner = xy[order, 0], xy[order, 1], owner[order]
    keep = np.ones(len(x), dtype=bool)  # drop repeats of the same vertex in the same unit (ring closures)
    keep[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1]) | (owner[1:] != owner[:-1])
    rows = np.column_stack([x[keep], y[keep], owner[keep].astype(float)])
    found = []
    step = 1
    while step < len(rows):
        same = (rows[step:, 0] == rows[:-step, 0]) & (rows[step:, 1] == rows[:-step, 1])
        if not same.any():
            break
        found.append(np.column_stack([rows[:-step, 2][same], rows[step:, 2][same]]).astype(int))
        step += 1
    if not found:
        return np.empty((0, 2), dtype=int)
    pairs = np.concatenate(found)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(np.sort(pairs, axis=1), axis=0)


def contiguity_graph(communes: gpd.GeoDataFrame, *, k_islands: int = 1) -> W:
    """Queen contiguity graph of the communes, with islands linked and one component.

    Parameters
    ----------
    communes
        GeoDataFrame indexed by ``commune_code`` (any subset of
        :func:`divide.load_communes`).
    k_islands
        Number of nearest units (by centroid distance in
        :data:`divide.settings.PROJECTED_CRS`) each unit without a land
        neighbour is linked to.

    Returns
    -------
    libpysal.weights.W
        Binary weights with ``id_order`` equal to ``communes.index``. Its
        ``attrs`` dict records ``islands`` (units with no land neighbour),
        ``island_links`` and ``component_links`` (``(a, b, distance_m)``),
        ``components_before`` (after the queen rule alone) and
        ``rule``. The graph is connected (``w.n_components == 1``).

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> w = contiguity_graph(lc)
    >>> int(w.cardinalities["03388"]) > 0, w.attrs["component_links"]
    (True, [])
    """
    from libpysal.weights import W
    from scipy.spatial import cKDTree

    if k_islands < 1:
        raise InputError(f"k_islands must be at least 1, got {k_islands}", where="k_islands", fix="use k_islands=1")
    geo = _geometry(communes)
    check_unique_index(communes)
    ids = list(communes.index)
    n = len(ids)
    neighbors: dict[Any, set] = {u: set() for u in ids}
    if n > 1:
        for a, b in _shared_vertex_pairs(geo.values):
            neighbors[ids[a]].add(ids[b])
            neighbors[ids[b]].add(ids[a])
    islands = [u for u in ids if not neighbors[u]]
    components_before = int(len(np.unique(_components(neighbors, ids)))) if n else 0
    island_links: list[tuple[Any, Any, float]] = []
    component_links: list[tuple[Any, Any, float]] = []
    if n > 1:
        xy = projected_centroids(communes)
        if islands:
            tree = cKDTree(xy)
            k = min(k_islands + 1, n)
            pos = {u: i for i, u in enumerate(ids)}
            dist, idx = tree.query(xy[[pos[u] for u in islands]], k=k)
            dist = np.atleast_2d(dist)
            idx = np.atleast_2d(idx)
            for row, u in enumerate(islands):
                taken = 0
                for d, j in zip(dist[row], idx[row]):
                    v = ids[int(j)]
                    if v == u or taken >= k_islands:
                        continue
                    neighbors[u].add(v)
                    neighbors[v].add(u)
                    island_links.append((u, v, float(d)))
                    taken += 1
        component_links = connect_components(neighbors, ids, xy)
    w = W({u: sorted(neighbors[u]) for u in ids}, id_order=ids, silence_warnings=True)
    w.attrs = {
        "rule": (
            f"queen contiguity (libpysal, shared vertex); units with no land neighbour linked to their "
            f"{k_islands} nearest unit(s) by centroid distance in the projected CRS; remaining components "
            "joined to the rest by their closest centroid pair"
        ),
        "k_islands": k_islands,
        "islands": islands,
        "island_links": island_links,
        "components_before": components_before,
        "component_links": component_links,
    }
    return w


# --------------------------------------------------------------------------- LISA
@dataclass
class SpatialPatterns:
    """Result of :func:`spatial_patterns`.

    Attributes
    ----------
    local
        DataFrame on the table's index: per column ``<col>_lisa`` (HH, LL, HL,
        LH, not significant, no data), ``<col>_lisa_p`` (pseudo p-value from
        the permutations), ``<col>_lisa_i`` (local I) and
        ``<col>_lisa_q`` (quadrant 1–4 whatever the significance).
    global_
        One row per column: ``moran_i``, ``expected``, ``z`` and ``p`` (from
        the permutations), ``n`` (units used), ``permutations``,
        ``p_threshold`` (the cut-off used for the local labels) and counts
        of each label.
    w
        The graph used (on the units with data).
    parameters
        Seed, permutations, alpha, FDR flag.
    """

    local: pd.DataFrame
    global_: pd.DataFrame
    w: Any
    parameters: dict = field(default_factory=dict)


def _subset_w(w: W, ids: list) -> W:
    """``w`` restricted to ``ids`` (in that order); units left without neighbours stay as islands."""
    from libpysal.weights import W

    keep = set(ids)
    check_in_graph(ids, w)
    return W({u: [v for v in w.neighbors[u] if v in keep] for u in ids}, id_order=ids, silence_warnings=True)


def spatial_patterns(
    table: pd.DataFrame,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    *,
    communes: gpd.GeoDataFrame | None,
    w: W | None = None,
    permutations: int = 999,
    seed: int = settings.DEFAULT_SEED,
    alpha: float = 0.05,
    fdr: bool = True,
) -> SpatialPatterns:
    """Global Moran's I and local Moran (LISA) labels of the index and its pillars.

    Parameters
    ----------
    table
        Commune table indexed by ``commune_code`` with the ``columns``.
    columns
        Numeric columns to analyse (default: ``divide_index``,
        ``infrastructure_gap``, ``usage_gap``); higher = wider divide, so
        ``HH`` is a hot spot of the divide.
    communes
        Geometries of the table's communes (e.g. :func:`divide.load_communes`,
        or the table itself when it is a GeoDataFrame). Required; may be
        ``None`` only when ``w`` is given.
    w
        A graph whose ids include the table's index (e.g. from
        :func:`contiguity_graph`); default: built here on the units with data.
    permutations
        Conditional permutations of the pseudo p-values (esda).
    seed
        Seed of the permutations (local: esda's ``seed``; global: numpy's
        legacy generator, which esda's :class:`~esda.Moran` draws from; its
        state is restored afterwards).
    alpha
        Significance level.
    fdr
        Control the false discovery rate over the units (esda's
        :func:`esda.fdr`); ``False`` compares each p-value with ``alpha``.

    Returns
    -------
    SpatialPatterns
        ``.local`` (same index as ``table``) and ``.global_`` (one row per
        column). ``attrs["modeled"]`` is carried from ``table``.

    Examples
    --------
    >>> import divide, numpy as np, pandas as pd
    >>> lc = divide.load_communes("Lai Châu")
    >>> t = pd.DataFrame({"divide_index": np.where(lc["centroid_lon"] < 103.2, 80.0, 20.0)}, index=lc.index)
    >>> res = spatial_patterns(t, ["divide_index"], communes=lc, permutations=99)
    >>> res.global_.loc["divide_index", "moran_i"] > 0.5
    np.True_
    >>> sorted(set(res.local["divide_index_lisa"]) - set(LISA_LABELS))
    []
    """
    import esda

    columns = check_columns(table, columns)
    check_unique_index(table)
    if permutations < 1:
        raise InputError(f"permutations must be positive, got {permutations}", where="permutations", fix="use 999")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie in (0, 1), got {alpha}", where="alpha", fix="use 0.05")
    values = table[columns].astype(float)
    valid_all = values.notna().all(axis=1).to_numpy()
    ids_all = list(table.index[valid_all])
    if w is None:
        geo = check_communes_cover(table, communes)
        base = contiguity_graph(geo.loc[valid_all]) if len(ids_all) else None
    else:
        base = _subset_w(w, ids_all) if len(ids_all) else None

    local = pd.DataFrame(index=table.index)
    rows = []
    for col in columns:
        y_all = values[col]
        ok = y_all.notna().to_numpy()
        ids = list(table.index[ok])
        label = pd.Series("no data", index=table.index, dtype="str")
        p = pd.Series(np.nan, index=table.index)
        li = pd.Series(np.nan, index=table.index)
        q = pd.Series(pd.NA, index=table.index, dtype="Int64")
        stats: dict[str, Any] = {"moran_i": np.nan, "expected": np.nan, "z": np.nan, "p": np.nan,
                                 "n": 0, "permutations": permutations, "p_threshold": np.nan}
        if base is not None and len(ids) >= 3:
            wc = base if len(ids) == len(ids_all) else _subset_w(base, ids)
            linked = [u for u in ids if wc.cardinalities[u] > 0]
            if len(linked) < len(ids):
                wc = _subset_w(wc, linked)
            ids = linked
            y = y_all.loc[ids].to_numpy()
            if len(ids) >= 3 and np.ptp(y) > 0:
                wc.transform = "r"
                state = np.random.get_state()
                try:
                    np.random.seed(seed)
                    mg = esda.Moran(y, wc, permutations=permutations)
                finally:
                    np.random.set_state(state)
                with warnings.catch_warnings():
                    # esda 2.9's Moran_Local cannot pass `alternative` to its conditional randomisation, which
                    # therefore warns on every call that the default will change; we keep (and document) the
                    # current folded one-sided pseudo p-value. Only this one message is silenced.
                    warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional",
                                            category=DeprecationWarning)
                    ml = esda.Moran_Local(y, wc, transformation="r", permutations=permutations, n_jobs=1,
                                          seed=seed, keep_simulations=False)
                thr = float(esda.fdr(ml.p_sim, alpha)) if fdr else alpha
                sig = ml.p_sim < thr if fdr else ml.p_sim <= alpha
                lab = np.where(sig, pd.Series(ml.q).map(_QUADRANT).to_numpy(), "not significant")
                label.loc[ids] = lab
                p.loc[ids] = ml.p_sim
                li.loc[ids] = ml.Is
                q.loc[ids] = ml.q
                stats.update(moran_i=float(mg.I), expected=float(mg.EI), z=float(mg.z_sim), p=float(mg.p_sim),
                             n=len(ids), p_threshold=thr)
            elif len(ids):
                # All values equal (or too few units): no spatial pattern can be found.
                label.loc[ids] = "not significant"
                p.loc[ids] = 1.0
                stats.update(n=len(ids))
        for name in LISA_LABELS:
            stats[f"n_{name.replace(' ', '_')}"] = int((label == name).sum())
        rows.append({"column": col, **stats})
        local[f"{col}_lisa"] = label
        local[f"{col}_lisa_p"] = p
        local[f"{col}_lisa_i"] = li
        local[f"{col}_lisa_q"] = q
    global_ = pd.DataFrame(rows).set_index("column")
    for frame in (local, global_):
        carry(table, frame)
    params = {"permutations": permutations, "seed": seed, "alpha": alpha, "fdr": fdr,
              "fdr_rule": "esda.fdr (Benjamini-Hochberg step-up; Bonferroni alpha/n when nothing passes)"
              if fdr else "p <= alpha"}
    return SpatialPatterns(local=local, global_=global_, w=base, parameters=params)
