"""Where to build: budgeted maximal covering of demand points by candidate sites (issue 15, the solver).

:func:`plan_sites` chooses, within a budget, the candidate sites (towers, fibre
points of presence, public Wi-Fi, ...) that bring the most people within a service
radius; :func:`budget_curve` repeats it over budgets on one coverage matrix. The
model is solved exactly with HiGHS (``scipy.optimize.milp``) after a reduction
(unreachable demand, unaffordable candidates, demand points with the same set of
candidates merged); very large instances fall back to a lazy greedy with a
certified bound. The numerical core is in :mod:`divide.analysis.siting_model`.
"""

from __future__ import annotations

import math
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from divide import settings
from divide._errors import InputError
from divide.analysis.siting_model import (
    TINY,
    Reduced,
    coverage_pairs,
    coverage_sets,
    min_cover_cost,
    prune_and_order,
    reduce_model,
    solve_exact,
    solve_greedy,
    solver_versions,
)

__all__ = ["plan_sites", "SitePlan", "coverage_sets", "budget_curve"]

OBJECTIVES = ("people", "leave_no_one_behind")
METHODS = ("auto", "exact", "greedy")
#: Above this many nonzeros in the reduced coverage matrix, method="auto" uses the greedy.
EXACT_MAX_NNZ = 2_000_000
_YES = {"có", "co", "yes", "y", "true", "t", "1", "x"}
_NO = {"không", "khong", "no", "n", "false", "f", "0", ""}


@dataclass
class SitePlan:
    """The sites chosen by :func:`plan_sites` and what they cover.

    Attributes
    ----------
    chosen : geopandas.GeoDataFrame
        The chosen rows of ``candidates`` (same index, columns and CRS), by decreasing marginal people, then
        candidate order.
    covered : pandas.Series
        Boolean, on demand's index: within the radius of a chosen or an existing site.
    people_covered : float
        People newly covered by the chosen sites (those already covered by existing sites excluded).
    spent, budget : float
        Cost of the chosen sites; the budget.
    bound, gap : float
        Certified upper bound on ``people_covered`` (dual bound of the MILP, or the greedy's LP / knapsack
        bound) and the optimality gap ``(bound - people_covered) / bound``. NaN for a greedy
        leave-no-one-behind plan.
    solver, objective : str
        ``"highs"`` or ``"greedy"``; ``"people"`` or ``"leave_no_one_behind"``.
    unreachable : pandas.Series
        Boolean, on demand's index: no candidate within the radius and no existing site covers it.
    assignments : pandas.Series
        For each demand point covered by a chosen site, the index label of the nearest chosen site.
    marginal_people : pandas.Series
        People added by each chosen site, in the order of ``chosen``.
    people_already_covered : float
        People within the radius of an existing site.
    must_cover_left : pandas.Index or None
        Must-cover demand points left uncovered (when ``must_cover`` is given).
    budget_to_cover_all : float or None
        Minimum budget covering every reachable must-cover point (when ``must_cover`` is given).
    tradeoff : dict or None
        Leave-no-one-behind only: people and must-cover points covered under each objective.
    log : dict
        Parameters, model sizes before and after reduction, solve times, solver messages, versions.
    """

    chosen: Any
    covered: pd.Series
    people_covered: float
    spent: float
    budget: float
    bound: float
    gap: float
    solver: str
    objective: str
    unreachable: pd.Series
    assignments: pd.Series
    marginal_people: pd.Series
    people_already_covered: float
    must_cover_left: pd.Index | None = None
    budget_to_cover_all: float | None = None
    tradeoff: dict | None = None
    log: dict = field(default_factory=dict)
    _demand_xy: np.ndarray = field(default=None, repr=False, compare=False)
    _site_xy: np.ndarray = field(default=None, repr=False, compare=False)
    _weight: np.ndarray = field(default=None, repr=False, compare=False)
    _pre: np.ndarray = field(default=None, repr=False, compare=False)
    _radius_m: float | np.ndarray = field(default=0.0, repr=False, compare=False)

    def recompute_people(self) -> float:
        """People newly covered by the chosen sites, recomputed from coordinates (a fresh k-d tree).

        Returns
        -------
        float
            Sum of the weights of demand points within the radius of a chosen site and not of an existing one;
            equals :attr:`people_covered`.
        """
        mat = coverage_sets(self._demand_xy, self._site_xy, self._radius_m)
        newly = (mat.getnnz(axis=1) > 0) & ~self._pre
        return float(self._weight[newly].sum())


@dataclass
class _Problem:
    demand: Any
    candidates: Any
    demand_xy: np.ndarray
    cand_xy: np.ndarray
    radius_m: float | np.ndarray  # one radius, or one per candidate
    weight: np.ndarray
    cost: np.ndarray
    pre: np.ndarray
    must: np.ndarray | None
    mat: sp.csr_matrix
    base: Reduced
    log: dict


def _fail(message: str, where: str, fix: str) -> None:
    raise InputError(message, where=where, fix=fix)


def _labels(index: pd.Index, mask: np.ndarray, n: int = 5) -> str:
    return ", ".join(repr(v) for v in index[np.asarray(mask)][:n])


def _points(frame: Any, name: str) -> tuple[np.ndarray, Any, Any]:
    """Projected coordinates (metres), the CRS used and the frame's own CRS; InputError when unusable."""
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        _fail(f"{name} must be a GeoDataFrame of points, got {type(frame).__name__}", name,
              "build one with geopandas.GeoDataFrame(..., geometry=geopandas.points_from_xy(x, y), crs=...)")
    if len(frame) == 0:
        _fail(f"{name} has no rows", name, f"pass at least one {name} point")
    if not frame.index.is_unique:
        dup = frame.index.duplicated()
        _fail(f"{name} has duplicate index labels (first: {_labels(frame.index, dup)})", name,
              f"make the index unique, e.g. {name}.reset_index()")
    if frame.crs is None:
        _fail(f"{name} has no CRS, so distances cannot be measured", name,
              f"declare it: {name}.set_crs('EPSG:4326') for longitude/latitude, or the projected CRS of the "
              "coordinates (metres)")
    geom = frame.geometry
    bad = (geom.isna() | geom.is_empty).to_numpy()
    if bad.any():
        _fail(f"{name} has {bad.sum()} missing or empty geometries (first: {_labels(frame.index, bad)})", name,
              f"drop them: {name} = {name}[~({name}.geometry.isna() | {name}.geometry.is_empty)]")
    nonpoint = (geom.geom_type != "Point").to_numpy()
    if nonpoint.any():
        kinds = sorted(set(geom.geom_type[nonpoint]))
        _fail(f"{name} has {nonpoint.sum()} non-point geometries ({', '.join(kinds)}; first: "
              f"{_labels(frame.index, nonpoint)})", name,
              f"use points, e.g. {name}.set_geometry({name}.representative_point()) or .explode()")
    crs = frame.crs
    if crs.is_geographic:
        geom = geom.to_crs(settings.PROJECTED_CRS)
    elif not crs.is_projected:
        _fail(f"{name}'s CRS {crs.to_string()} is neither geographic nor projected", name,
              f"reproject: {name}.to_crs(divide.settings.PROJECTED_CRS)")
    else:
        unit = (crs.axis_info[0].unit_name or "").lower() if crs.axis_info else ""
        if unit not in ("metre", "meter", "m"):
            _fail(f"{name}'s projected CRS {crs.to_string()} is in {unit or 'unknown units'}, not metres", name,
                  f"reproject: {name}.to_crs(divide.settings.PROJECTED_CRS)")
    xy = np.column_stack([geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float)])
    if not np.isfinite(xy).all():
        rows = ~np.isfinite(xy).all(axis=1)
        _fail(f"{name} has non-finite coordinates after projection (first: {_labels(frame.index, rows)})", name,
              "check the CRS declared for these points")
    return xy, geom.crs, crs


def _same_crs(names: tuple[str, str], used: tuple[Any, Any], own: tuple[Any, Any]) -> None:
    if used[0] != used[1]:
        _fail(f"CRS mix-up: {names[0]} is in {own[0].to_string()} and {names[1]} in {own[1].to_string()} "
              f"(geographic frames are projected to divide.settings.PROJECTED_CRS; the two must then agree)",
              f"{names[0]}/{names[1]}",
              f"reproject one to the other, e.g. {names[1]} = {names[1]}.to_crs({names[0]}.crs), or both to "
              "divide.settings.PROJECTED_CRS")


def _values(frame: Any, spec: Any, name: str, arg: str, what: str) -> np.ndarray:
    """Read a non-negative finite float per row from a column name or a scalar."""
    if spec is None:
        return np.ones(len(frame))
    if isinstance(spec, str):
        if spec not in frame.columns:
            _fail(f"{name} has no column {spec!r} ({arg}=)", f"{arg}={spec!r}",
                  f"pass the {what} column of {name} as {arg}=, or a number for a uniform {what}")
        vals = pd.to_numeric(frame[spec], errors="coerce").to_numpy(dtype=float)
        where = f"{name} column {spec!r}"
    else:
        try:
            scalar = float(spec)
        except (TypeError, ValueError):
            _fail(f"{arg} must be a column name or a number, got {type(spec).__name__}", f"{arg}=",
                  f"pass the {what} column of {name} as a string")
        vals = np.full(len(frame), scalar)
        where = f"{arg}={spec!r}"
    bad = ~np.isfinite(vals)
    if bad.any():
        _fail(f"{bad.sum()} missing or non-numeric {what} values (first: {_labels(frame.index, bad)})", where,
              f"fill or drop those rows of {name}")
    neg = vals < 0
    if neg.any():
        _fail(f"{neg.sum()} negative {what} values (first: {_labels(frame.index, neg)})", where,
              f"{what} must be >= 0: correct or drop those rows of {name}")
    return vals


def _yes_no(values: pd.Series, where: str) -> np.ndarray:
    """Parse bool, 0/1 or có/không/yes/no values; InputError otherwise."""
    s = pd.Series(values)
    fix = "use a yes/no column: True/False, 0/1 or 'có'/'không' (yes/no)"
    if s.isna().any():
        _fail(f"must_cover has {int(s.isna().sum())} missing values (first: {_labels(s.index, s.isna())})",
              where, fix)
    if pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(s):
        ok = s.isin([0, 1]).to_numpy()
        if not ok.all():
            _fail(f"must_cover is not yes/no: values {sorted(set(s[~ok]))[:5]} (first rows: "
                  f"{_labels(s.index, ~ok)})", where, fix)
        return s.to_numpy() == 1
    out = np.zeros(len(s), dtype=bool)
    bad = np.zeros(len(s), dtype=bool)
    for i, v in enumerate(s):
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
            continue
        text = unicodedata.normalize("NFC", str(v)).strip().lower()
        if text in _YES:
            out[i] = True
        elif text not in _NO:
            bad[i] = True
    if bad.any():
        _fail(f"must_cover is not yes/no: values {list(dict.fromkeys(s[bad]))[:5]} (first rows: "
              f"{_labels(s.index, bad)})", where, fix)
    return out


def _must_flags(demand: Any, must_cover: Any) -> np.ndarray:
    if isinstance(must_cover, str):
        if must_cover not in demand.columns:
            _fail(f"demand has no column {must_cover!r}", f"must_cover={must_cover!r}",
                  "pass the name of a yes/no column of demand, or a boolean Series on demand's index")
        return _yes_no(demand[must_cover], f"demand column {must_cover!r}")
    if isinstance(must_cover, pd.Series):
        missing = ~demand.index.isin(must_cover.index)
        if missing.any():
            _fail(f"must_cover lacks {missing.sum()} demand labels (first: {_labels(demand.index, missing)})",
                  "must_cover", "give a boolean Series on demand's index")
        return _yes_no(must_cover.reindex(demand.index), "must_cover (Series)")
    arr = np.asarray(must_cover)
    if arr.shape != (len(demand),):
        _fail(f"must_cover has shape {arr.shape}, demand has {len(demand)} rows", "must_cover",
              "give a column name of demand or a boolean Series on demand's index")
    return _yes_no(pd.Series(arr, index=demand.index), "must_cover (array)")


def _check_number(value: Any, arg: str, fix: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        _fail(f"{arg} must be a number, got {value!r}", f"{arg}=", fix)
    if not math.isfinite(x) or x <= 0:
        _fail(f"{arg} must be finite and > 0, got {value!r}", f"{arg}=", fix)
    return x


def _radius(frame: Any, radius_km: Any, name: str) -> float | np.ndarray:
    """Service radius in metres: a number, or a column of per-site radii (km, > 0) of ``frame``."""
    fix = "give the service radius in kilometres, e.g. radius_km=5, or a column of per-site radii"
    if isinstance(radius_km, str):
        vals = _values(frame, radius_km, name, "radius_km", "radius")
        if (vals <= 0).any():
            _fail(f"{int((vals <= 0).sum())} radii are not > 0 in {name} column {radius_km!r}", f"radius_km={radius_km!r}",
                  fix)
        return vals * 1e3
    return _check_number(radius_km, "radius_km", fix) * 1e3


def _pick(radius_m: float | np.ndarray, positions: np.ndarray) -> float | np.ndarray:
    return radius_m[positions] if np.ndim(radius_m) else radius_m


def _prepare(demand: Any, candidates: Any, *, radius_km: float, weight: Any, cost: Any, existing: Any,
             must_cover: Any) -> _Problem:
    dxy, dcrs, down = _points(demand, "demand")
    cxy, ccrs, cown = _points(candidates, "candidates")
    radius_m = _radius(candidates, radius_km, "candidates")
    _same_crs(("demand", "candidates"), (dcrs, ccrs), (down, cown))
    w = _values(demand, weight, "demand", "weight", "weight")
    c = _values(candidates, cost, "candidates", "cost", "cost")
    must = None if must_cover is None else _must_flags(demand, must_cover)
    t0 = time.perf_counter()
    pre = np.zeros(len(demand), dtype=bool)
    n_existing = 0
    if existing is not None and len(existing):
        exy, ecrs, eown = _points(existing, "existing")
        _same_crs(("demand", "existing"), (dcrs, ecrs), (down, eown))
        pre = coverage_sets(dxy, exy, _radius(existing, radius_km, "existing")).getnnz(axis=1) > 0
        n_existing = len(existing)
    mat = coverage_sets(dxy, cxy, radius_m)
    t_cov = time.perf_counter() - t0
    mu = np.zeros(len(demand)) if must is None else must.astype(float)
    keep = ~pre & (mat.getnnz(axis=1) > 0)
    base = reduce_model(mat, w, mu, c, np.inf, keep)
    log = {"sizes_before": {"demand": len(demand), "candidates": len(candidates), "existing": n_existing,
                            "nonzeros": int(mat.nnz)},
           "coverage_seconds": round(t_cov, 4), "already_covered_points": int(pre.sum()),
           "unreachable_points": int((~pre & (mat.getnnz(axis=1) == 0)).sum()),
           "crs": dcrs.to_string() if hasattr(dcrs, "to_string") else str(dcrs),
           "radius_column": radius_km if isinstance(radius_km, str) else None}
    return _Problem(demand, candidates, dxy, cxy, radius_m, w, c, pre, must, mat, base, log)


def _run(red: Reduced, budget: float, gain: np.ndarray, method: str, time_limit: float, mip_gap: float,
         min_must: float | None = None) -> dict:
    """Dispatch to the exact MILP or the greedy; fall back to the greedy when the MILP finds nothing in time."""
    exact = method == "exact" or (method == "auto" and red.mat.nnz <= EXACT_MAX_NNZ)
    if exact:
        res = solve_exact(red, budget, gain, time_limit=time_limit, mip_gap=mip_gap, min_must=min_must)
        if res["x"] is not None:
            return {**res, "solver": "highs"}
        if method == "exact":
            raise InputError(f"HiGHS found no feasible plan: {res['message']}", where="method='exact'",
                             fix="raise time_limit, or use method='auto' to fall back to the greedy")
    lp_time = time_limit if red.mat.nnz <= 4 * EXACT_MAX_NNZ else None
    res = solve_greedy(red, budget, gain, lp_time_limit=lp_time)
    return {**res, "solver": "greedy"}


def _covered_count(red: Reduced, x: np.ndarray, values: np.ndarray) -> float:
    return float(values[(red.mat.astype(float) @ x.astype(float)) > 0].sum())


def _solve(pb: _Problem, budget: float, objective: str, method: str, time_limit: float, mip_gap: float) -> SitePlan:
    t0 = time.perf_counter()
    red = reduce_model(pb.base.mat, pb.base.weight, pb.base.must, pb.base.cost, budget,
                       np.ones(pb.base.mat.shape[0], dtype=bool))
    cand_pos = pb.base.cand[red.cand]
    stages: dict[str, dict] = {}
    tradeoff = None
    people_res = _run(red, budget, red.weight, method, time_limit, mip_gap)
    stages["people"] = people_res
    res = people_res
    if objective == "leave_no_one_behind":
        if people_res["solver"] == "highs" and method != "greedy":
            first = _run(red, budget, red.must, "exact", time_limit, 1e-9)
            k_star = _covered_count(red, first["x"], red.must)
            res = _run(red, budget, red.weight, "exact", time_limit, mip_gap, min_must=k_star)
            stages["must_cover_count"] = first
        else:
            combined = red.weight + red.must * (red.weight.sum() + 1.0)
            res = _run(red, budget, combined, "greedy", time_limit, mip_gap)
            res["bound"] = float("nan")
        stages["leave_no_one_behind"] = res
    chosen = cand_pos[res["x"]]
    csc = pb.mat.tocsc()
    people = np.where(pb.pre, 0.0, pb.weight)
    must_eff = np.zeros(len(people)) if pb.must is None else (pb.must & ~pb.pre).astype(float)
    value = people + (must_eff if objective == "leave_no_one_behind" else 0.0)
    chosen, marg = prune_and_order(csc, value, chosen, people)
    while len(chosen) and pb.cost[chosen].sum() > budget * (1 + 1e-9):  # numerical repair (rare)
        chosen, marg = prune_and_order(csc, value, chosen[:-1], people)
    if len(chosen) and pb.cost[chosen].sum() < 0.99 * budget:
        # The budget does not bind, so the objective is indifferent between plans that cover the same people:
        # take the cheapest set of sites that covers every row the plan covers (a set-cover MILP), so a plan
        # never spends more than its coverage needs.
        t1 = time.perf_counter()
        served = (csc[:, chosen].getnnz(axis=1) > 0) & (value > 0)
        cheapest, x_cheap, msg = min_cover_cost(pb.mat[served], pb.cost, min(time_limit, 10.0))
        if np.isfinite(cheapest) and cheapest < pb.cost[chosen].sum() * (1 - 1e-9):
            chosen, marg = prune_and_order(csc, value, np.flatnonzero(x_cheap), people)
        stages["cheapest_same_cover"] = {"message": msg, "seconds": time.perf_counter() - t1}
    newly = (csc[:, chosen].getnnz(axis=1) > 0) if len(chosen) else np.zeros(len(people), dtype=bool)
    people_covered = float(pb.weight[newly & ~pb.pre].sum())
    covered = newly | pb.pre
    bound = max(float(res["bound"]), people_covered) if np.isfinite(res["bound"]) else float("nan")
    gap = max(0.0, (bound - people_covered) / max(bound, TINY)) if np.isfinite(bound) else float("nan")
    if objective == "leave_no_one_behind":
        x_people = np.zeros(len(pb.cand_xy), dtype=bool)
        x_people[cand_pos[people_res["x"]]] = True
        cov_people = (pb.mat.astype(float) @ x_people.astype(float) > 0) | pb.pre
        tradeoff = {"people_lnob": people_covered,
                    "people_people": float(pb.weight[cov_people & ~pb.pre].sum()),
                    "must_cover_lnob": int((pb.must & covered).sum()),
                    "must_cover_people": int((pb.must & cov_people).sum()),
                    "must_cover_total": int(pb.must.sum())}
        tradeoff["people_given_up"] = tradeoff["people_people"] - tradeoff["people_lnob"]
    assignments = _assign(pb, chosen)
    di, ci = pb.demand.index, pb.candidates.index
    plan = SitePlan(
        chosen=pb.candidates.iloc[chosen], covered=pd.Series(covered, index=di, name="covered"),
        people_covered=people_covered, spent=float(pb.cost[chosen].sum()), budget=float(budget), bound=bound,
        gap=gap, solver=res["solver"], objective=objective,
        unreachable=pd.Series(~pb.pre & (pb.mat.getnnz(axis=1) == 0), index=di, name="unreachable"),
        assignments=assignments, marginal_people=pd.Series(marg, index=ci[chosen], name="marginal_people"),
        people_already_covered=float(pb.weight[pb.pre].sum()),
        _demand_xy=pb.demand_xy, _site_xy=pb.cand_xy[chosen], _weight=pb.weight, _pre=pb.pre, _radius_m=_pick(pb.radius_m, chosen))
    if pb.must is not None:
        plan.must_cover_left = di[pb.must & ~covered]
        need = pb.must & ~pb.pre & (pb.mat.getnnz(axis=1) > 0)
        t1 = time.perf_counter()
        cost_all, _, msg = min_cover_cost(pb.mat[need], pb.cost, time_limit)
        plan.budget_to_cover_all = cost_all
        stages["set_cover"] = {"message": msg, "seconds": time.perf_counter() - t1}
    plan.tradeoff = tradeoff
    radius_log = pb.log.get("radius_column") or float(np.max(pb.radius_m)) / 1e3
    plan.log = {**pb.log, "parameters": {"budget": float(budget), "radius_km": radius_log,
                                         "objective": objective, "method": method, "time_limit": time_limit,
                                         "mip_gap": mip_gap},
                "sizes_after": {"rows": int(red.mat.shape[0]), "candidates": int(red.mat.shape[1]),
                                "nonzeros": int(red.mat.nnz),
                                "unaffordable_candidates": int((pb.cost > budget * (1 + 1e-12)).sum())},
                "stages": {k: {"solver": v.get("solver"), "status": v.get("status"), "message": v.get("message"),
                               "seconds": round(v.get("seconds", 0.0), 4)} for k, v in stages.items()},
                "solve_seconds": round(time.perf_counter() - t0, 4), "status": res.get("message"),
                "versions": solver_versions()}
    return plan


def _assign(pb: _Problem, chosen: np.ndarray) -> pd.Series:
    """Nearest chosen site of every demand point a chosen site covers (ties: candidate order)."""
    rows, cols, dist = coverage_pairs(pb.demand_xy, pb.cand_xy[chosen], _pick(pb.radius_m, chosen))
    pos = chosen[cols]
    order = np.lexsort((pos, dist, rows))
    rows, pos = rows[order], pos[order]
    first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=bool)
    return pd.Series(pb.candidates.index[pos[first]], index=pb.demand.index[rows[first]], name="site")


def _check_options(budget: Any, objective: str, method: str, must_cover: Any) -> float:
    b = _check_number(budget, "budget", "give a positive, finite budget in the units of the cost column")
    if objective not in OBJECTIVES:
        _fail(f"unknown objective {objective!r}", "objective=", f"use one of {OBJECTIVES}")
    if method not in METHODS:
        _fail(f"unknown method {method!r}", "method=", f"use one of {METHODS}")
    if objective == "leave_no_one_behind" and must_cover is None:
        _fail("objective='leave_no_one_behind' needs must_cover", "must_cover=",
              "pass a yes/no column of demand (e.g. the poorest or most remote communes) or a boolean Series")
    return b


def plan_sites(demand: Any, candidates: Any, *, budget: float, radius_km: float, weight: Any = "population",
               cost: Any = "cost", objective: str = "people", must_cover: Any = None, existing: Any = None,
               time_limit: float = 60.0, mip_gap: float = 0.001, method: str = "auto") -> SitePlan:
    """Choose sites within a budget to cover the most people within ``radius_km`` (budgeted maximal covering).

    Parameters
    ----------
    demand, candidates : geopandas.GeoDataFrame
        Points (any unique index, kept). Distances are measured in the frames' projected CRS (metres);
        geographic frames are projected to ``divide.settings.PROJECTED_CRS``; both must then agree.
    budget : float
        Total cost allowed (> 0).
    radius_km : float or str
        Service radius in kilometres; a demand point at most this far from a site is covered. A string names
        a column of ``candidates`` (and of ``existing``) with each site's own radius, for mixed technologies
        (a 4G tower covering 5 km, a satellite terminal its own village).
    weight : str, float or None
        Demand column of people (>= 0), or a number (None: 1 per point).
    cost : str or float
        Candidate column of costs (>= 0), or a number for uniform costs (1 with budget p: p sites).
    objective : {"people", "leave_no_one_behind"}
        ``"leave_no_one_behind"``: first cover as many ``must_cover`` points as the budget allows, then the
        most people; the people-only plan is also solved and the trade-off reported.
    must_cover : str, pandas.Series or None
        Yes/no column of demand (bool, 0/1, "có"/"không", yes/no) or a boolean Series on demand's index.
    existing : geopandas.GeoDataFrame or None
        Sites already built: the demand they cover is not counted again and not paid for.
    time_limit, mip_gap : float
        HiGHS time limit (seconds, per solve) and relative gap.
    method : {"auto", "exact", "greedy"}
        ``"auto"``: exact unless the reduced model has more than ``EXACT_MAX_NNZ`` nonzeros or HiGHS finds
        no feasible plan within the time limit.

    Returns
    -------
    SitePlan
        Chosen sites, coverage, people, spending, certified bound and gap, and a log.

    Raises
    ------
    divide._errors.InputError
        Missing or mixed-up CRS, non-point or empty geometries, negative or missing weights or costs, a budget
        or radius that is not a positive number, or a must_cover that is not yes/no.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from divide.settings import PROJECTED_CRS
    >>> demand = gpd.GeoDataFrame({"population": [100, 200, 50, 300]},
    ...     geometry=gpd.points_from_xy([0, 1000, 5000, 9000], [0, 0, 0, 0]), crs=PROJECTED_CRS)
    >>> sites = gpd.GeoDataFrame({"cost": [1.0, 1.0, 2.0]}, index=["a", "b", "c"],
    ...     geometry=gpd.points_from_xy([500, 5000, 9000], [0, 0, 0]), crs=PROJECTED_CRS)
    >>> plan = plan_sites(demand, sites, budget=2, radius_km=1.0)
    >>> list(plan.chosen.index), plan.people_covered, plan.spent, plan.solver, plan.gap
    (['a', 'b'], 350.0, 2.0, 'highs', 0.0)
    >>> plan.assignments.to_dict()
    {0: 'a', 1: 'a', 2: 'b'}
    >>> plan.recompute_people() == plan.people_covered
    True

    Leave no one behind: point 3 must be reached, which costs the whole budget here.

    >>> demand["remote"] = ["không", "không", "không", "có"]
    >>> lnob = plan_sites(demand, sites, budget=2, radius_km=1.0, objective="leave_no_one_behind",
    ...                   must_cover="remote")
    >>> list(lnob.chosen.index), lnob.people_covered, lnob.tradeoff["people_given_up"]
    (['c'], 300.0, 50.0)
    """
    b = _check_options(budget, objective, method, must_cover)
    pb = _prepare(demand, candidates, radius_km=radius_km, weight=weight, cost=cost, existing=existing,
                  must_cover=must_cover)
    plan = _solve(pb, b, objective, method, float(time_limit), float(mip_gap))
    plan.log["parameters"].update({"weight": weight if isinstance(weight, str) else repr(weight),
                                   "cost": cost if isinstance(cost, str) else repr(cost)})
    return plan


def budget_curve(demand: Any, candidates: Any, budgets: Any, *, radius_km: float, weight: Any = "population",
                 cost: Any = "cost", existing: Any = None, **kw: Any) -> pd.DataFrame:
    """People covered as the budget grows: one :func:`plan_sites` per budget on one coverage matrix.

    Parameters
    ----------
    demand, candidates, radius_km, weight, cost, existing
        As in :func:`plan_sites`.
    budgets : sequence of float
        Budgets (> 0); sorted ascending, duplicates dropped.
    **kw
        ``objective``, ``must_cover``, ``time_limit``, ``mip_gap``, ``method`` as in :func:`plan_sites`.

    Returns
    -------
    pandas.DataFrame
        One row per budget: ``budget``, ``people_covered``, ``spent``, ``n_sites``, ``marginal_cost_per_person``
        (extra spent / extra people against the previous budget, or against nothing for the first; NaN when no
        extra people), ``gap`` and ``solver``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from divide.settings import PROJECTED_CRS as crs
    >>> pts = gpd.points_from_xy
    >>> demand = gpd.GeoDataFrame({"population": [100, 200, 50, 300]}, geometry=pts([0, 1e3, 5e3, 9e3], [0] * 4),
    ...                           crs=crs)
    >>> sites = gpd.GeoDataFrame({"cost": [1.0, 1.0, 2.0]}, geometry=pts([500, 5e3, 9e3], [0] * 3), crs=crs)
    >>> budget_curve(demand, sites, [1, 2, 3, 4], radius_km=1.0)[["budget", "people_covered", "n_sites",
    ...                                                            "marginal_cost_per_person"]]
       budget  people_covered  n_sites  marginal_cost_per_person
    0     1.0           300.0        1                  0.003333
    1     2.0           350.0        2                  0.020000
    2     3.0           600.0        2                  0.004000
    3     4.0           650.0        3                  0.020000
    """
    objective = kw.pop("objective", "people")
    must_cover = kw.pop("must_cover", None)
    method = kw.pop("method", "auto")
    time_limit = float(kw.pop("time_limit", 60.0))
    mip_gap = float(kw.pop("mip_gap", 0.001))
    if kw:
        _fail(f"unexpected arguments {sorted(kw)}", "budget_curve", "see plan_sites for the accepted options")
    values = sorted({_check_options(b, objective, method, must_cover) for b in np.atleast_1d(budgets)})
    pb = _prepare(demand, candidates, radius_km=radius_km, weight=weight, cost=cost, existing=existing,
                  must_cover=must_cover)
    rows, prev_spent, prev_people = [], 0.0, 0.0
    for b in values:
        plan = _solve(pb, b, objective, method, time_limit, mip_gap)
        extra = plan.people_covered - prev_people
        mc = (plan.spent - prev_spent) / extra if extra > 1e-9 else float("nan")
        rows.append({"budget": b, "people_covered": plan.people_covered, "spent": plan.spent,
                     "n_sites": len(plan.chosen), "marginal_cost_per_person": mc, "gap": plan.gap,
                     "solver": plan.solver})
        prev_spent, prev_people = plan.spent, plan.people_covered
    return pd.DataFrame(rows, columns=["budget", "people_covered", "spent", "n_sites", "marginal_cost_per_person",
                                       "gap", "solver"])
