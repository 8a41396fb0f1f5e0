"""Numerical core of :mod:`divide.analysis.siting`: coverage sets, model reduction, MILP, greedy, set cover.

Everything here works on plain arrays (coordinates in metres, weights, costs) and
scipy.sparse matrices; the GeoDataFrame handling lives in
:mod:`divide.analysis.siting`. The functions have public names because
:mod:`divide.analysis.siting` and :mod:`divide.analysis.plan` import them; they are not part of the
package's top-level API. HiGHS is called through ``highspy`` when it is installed (MIP starts, early stop
at a certified target), else through ``scipy.optimize.milp``.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.spatial import cKDTree

__all__ = [
    "coverage_sets",
    "dominated",
    "coverage_pairs",
    "aggregate_rows",
    "Reduced",
    "reduce_model",
    "solve_exact",
    "solve_greedy",
    "lp_bound",
    "knapsack_bound",
    "min_cover_cost",
    "prune_and_order",
    "solver_versions",
    "highs_available",
    "run_highs",
]

TINY = 1e-12


def coverage_pairs(demand_xy: np.ndarray, site_xy: np.ndarray, radius_m: float | np.ndarray) -> tuple[np.ndarray, ...]:
    """Pairs (demand row, site column, distance in metres) within the radius, from two k-d trees.

    Parameters
    ----------
    demand_xy, site_xy
        Arrays of shape (n, 2) and (m, 2) of projected coordinates (metres).
    radius_m
        Service radius in metres (a pair at exactly this distance is covered): one number, or one per site.

    Returns
    -------
    tuple of numpy.ndarray
        ``rows``, ``cols`` (int64) and ``dist`` (float64), sorted by row then column.
    """
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    site_xy = np.asarray(site_xy, dtype=float).reshape(-1, 2)
    if len(demand_xy) == 0 or len(site_xy) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), np.empty(0)
    radii = np.broadcast_to(np.asarray(radius_m, dtype=float), (len(site_xy),))
    pairs = cKDTree(demand_xy).sparse_distance_matrix(cKDTree(site_xy), float(radii.max()), output_type="ndarray")
    rows, cols, dist = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64), pairs["v"].astype(float)
    ok = dist <= radii[cols]
    rows, cols, dist = rows[ok], cols[ok], dist[ok]
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], dist[order]


def coverage_sets(demand_xy: np.ndarray, cand_xy: np.ndarray, radius_m: float | np.ndarray) -> sp.csr_matrix:
    """Sparse coverage matrix: entry (i, j) is True when candidate j lies within its radius of demand i.

    Built from ``scipy.spatial.cKDTree.sparse_distance_matrix`` (pairs within the radius only), never a dense
    distance matrix.

    Parameters
    ----------
    demand_xy, cand_xy
        Arrays of shape (n, 2) and (m, 2) of projected coordinates in metres.
    radius_m
        Service radius in metres, one number or one per candidate; a candidate at exactly this distance covers
        the point.

    Returns
    -------
    scipy.sparse.csr_matrix
        Boolean matrix of shape (n, m) with sorted column indices.

    Examples
    --------
    >>> import numpy as np
    >>> a = coverage_sets(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[0.0, 3.0], [10.0, 5.0]]), 5.0)
    >>> a.toarray()
    array([[ True, False],
           [False,  True]])
    >>> coverage_sets(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[0.0, 3.0], [10.0, 5.0]]),
    ...               np.array([2.0, 5.0])).toarray()
    array([[False, False],
           [False,  True]])
    """
    n, m = len(np.asarray(demand_xy).reshape(-1, 2)), len(np.asarray(cand_xy).reshape(-1, 2))
    rows, cols, _ = coverage_pairs(demand_xy, cand_xy, radius_m)
    mat = sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, m))
    mat.sort_indices()
    return mat


def aggregate_rows(mat: sp.csr_matrix, *values: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray, list[np.ndarray]]:
    """Merge rows with identical column sets; sum ``values`` over each group.

    Returns the unique rows (in order of first appearance), the group code of every input row and the summed
    value vectors.
    """
    mat = sp.csr_matrix(mat)
    mat.sort_indices()
    ind, ptr = mat.indices, mat.indptr
    keys = [ind[ptr[i]:ptr[i + 1]].tobytes() for i in range(mat.shape[0])]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    first = np.full(len(uniques), -1, dtype=np.int64)
    pos = np.arange(len(codes))[::-1]
    first[codes[::-1]] = pos  # the last write per code is its first occurrence
    sums = [np.bincount(codes, weights=np.asarray(v, dtype=float), minlength=len(uniques)) for v in values]
    return mat[first], codes, sums


@dataclass
class Reduced:
    """A reduced budgeted covering model: unique demand rows × affordable, useful candidates."""

    mat: sp.csr_matrix  # groups × kept candidates (bool)
    weight: np.ndarray  # people per group
    must: np.ndarray  # must-cover points per group
    cand: np.ndarray  # positions of the kept candidates in the candidate frame
    cost: np.ndarray  # their costs


def reduce_model(mat: sp.csr_matrix, weight: np.ndarray, must: np.ndarray, cost: np.ndarray, budget: float,
                 keep_rows: np.ndarray) -> Reduced:
    """Drop rows not in ``keep_rows`` or of no value, candidates over budget or covering nothing; merge rows."""
    affordable = np.flatnonzero(cost <= budget * (1 + 1e-12))
    sub = sp.csr_matrix(mat[keep_rows][:, affordable])
    w, mu = weight[keep_rows], must[keep_rows]
    valuable = (np.diff(sub.indptr) > 0) & ((w > 0) | (mu > 0))
    sub, w, mu = sub[valuable], w[valuable], mu[valuable]
    if sub.shape[0]:
        sub, _, (w, mu) = aggregate_rows(sub, w, mu)
    used = np.flatnonzero(np.diff(sub.tocsc().indptr) > 0)
    used = used[~dominated(sp.csc_matrix(sub[:, used]), cost[affordable[used]])]
    sub = sp.csr_matrix(sub[:, used])
    sub.sort_indices()
    return Reduced(sub, w, mu, affordable[used], cost[affordable[used]])


def dominated(csc: sp.csc_matrix, cost: np.ndarray, max_pairs: float = 2e7) -> np.ndarray:
    """Columns another column dominates: its rows are a subset, and it is cheaper (ties: more rows, then position).

    Dropping them keeps an optimal plan. Skipped (nothing dropped) when the co-coverage matrix would exceed
    ``max_pairs`` entries.
    """
    m = csc.shape[1]
    out = np.zeros(m, dtype=bool)
    per_row = np.diff(sp.csr_matrix(csc).indptr).astype(float)
    if m < 2 or float((per_row ** 2).sum()) > max_pairs:
        return out
    a = csc.astype(np.int64)
    co = (a.T @ a).tocoo()
    size = np.diff(a.indptr)
    j, k, v = co.row, co.col, co.data
    better = (cost[k] < cost[j]) | ((cost[k] == cost[j]) & ((size[k] > size[j]) | ((size[k] == size[j]) & (k < j))))
    out[j[(v == size[j]) & (j != k) & better]] = True
    return out


def _model_arrays(red: Reduced, budget: float) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    k, m = red.mat.shape
    coupling = sp.hstack([-red.mat.astype(float), sp.identity(k, format="csr")], format="csr")
    cost_row = sp.csr_matrix(np.concatenate([red.cost, np.zeros(k)])[None, :])
    a = sp.vstack([coupling, cost_row], format="csr")
    ub = np.concatenate([np.zeros(k), [budget]])
    return a, np.full(k + 1, -np.inf), ub


def highs_available() -> bool:
    """Whether ``highspy`` (HiGHS's own Python interface, with MIP starts) can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def run_highs(c: np.ndarray, a: sp.spmatrix, row_lb: np.ndarray, row_ub: np.ndarray, integrality: np.ndarray,
              time_limit: float, mip_gap: float, start: np.ndarray | None = None,
              target: float | None = None) -> dict:
    """Minimise ``c @ x`` s.t. ``row_lb <= a @ x <= row_ub``, ``0 <= x <= 1``, integrality; HiGHS via ``highspy``.

    ``start`` (a feasible ``x``) is handed to HiGHS as a MIP start, so the search begins with that incumbent;
    the search stops as soon as an incumbent reaches ``target`` (an objective value, when given).
    Returns ``x`` (or None), ``fun``, ``dual`` (the MIP dual bound), ``status`` (0 optimal or within the gap,
    1 time limit with a solution, 2 otherwise) and ``message``.
    """
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("random_seed", 0)
    if target is not None:
        h.setOptionValue("objective_target", float(target))
    csc = sp.csc_matrix(a, dtype=float)
    csc.sort_indices()
    n = csc.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, csc.shape[0]
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(np.isfinite(row_lb), row_lb, -inf).astype(float)
    lp.row_upper_ = np.where(np.isfinite(row_ub), row_ub, inf).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = csc.indptr, csc.indices, csc.data
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(v)] for v in integrality]
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=float).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    text = h.modelStatusToString(model_status)
    has_x = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype=float) if has_x else None
    status = 0 if model_status == highspy.HighsModelStatus.kOptimal else (1 if has_x else 2)
    return {"x": x, "fun": float(info.objective_function_value) if has_x else None,
            "dual": float(info.mip_dual_bound), "status": status, "message": f"HiGHS {h.version()}: {text}"}


def _milp(red: Reduced, budget: float, gain: np.ndarray, time_limit: float, mip_gap: float,
          min_must: float | None = None, start: np.ndarray | None = None, enough: float | None = None) -> dict:
    """One HiGHS MILP of the model; x (bool over red.cand, or None), dual bound (gain units), status, message.

    ``start`` (bool over red.cand, within budget) is a MIP start when ``highspy`` is installed; the search then
    stops as soon as it finds a plan worth ``enough`` (gain units).
    """
    k, m = red.mat.shape
    if k == 0 or m == 0:
        return {"x": np.zeros(m, dtype=bool), "bound": 0.0, "status": 0, "message": "empty model"}
    a, lb, ub = _model_arrays(red, budget)
    c = np.concatenate([np.zeros(m), -np.asarray(gain, dtype=float)])
    integrality = np.concatenate([np.ones(m), np.zeros(k)])
    if min_must is not None:
        a = sp.vstack([a, sp.csr_matrix(np.concatenate([np.zeros(m), red.must])[None, :])], format="csr")
        lb, ub = np.append(lb, min_must - 1e-6), np.append(ub, np.inf)
    if highs_available():
        x0 = None
        if start is not None and float(red.cost[start].sum()) <= budget:
            y0 = (red.mat.astype(float) @ start.astype(float)) > 0
            ok = min_must is None or float(red.must[y0].sum()) >= min_must - 1e-6
            x0 = np.concatenate([start, y0]).astype(float) if ok else None
        res = run_highs(c, a, lb, ub, integrality, time_limit, mip_gap, x0,
                        None if enough is None else -float(enough))
        x, fun, dual = res["x"], res["fun"], res["dual"]
        status, message = res["status"], res["message"]
    else:  # pragma: no cover - scipy's bundled HiGHS, no MIP start
        sres = milp(c, constraints=[LinearConstraint(a, lb, ub)], integrality=integrality, bounds=Bounds(0, 1),
                    options={"time_limit": max(float(time_limit), 0.01), "mip_rel_gap": float(mip_gap)})
        x, fun, dual = sres.x, sres.fun, getattr(sres, "mip_dual_bound", None)
        status, message = int(sres.status), str(sres.message)
    x = None if x is None else x[:m] > 0.5
    if dual is not None and np.isfinite(dual):
        bound = -float(dual)
    elif status == 0 and fun is not None:
        bound = -float(fun)
    else:
        bound = float(np.sum(gain))
    return {"x": x, "bound": bound, "status": int(status), "message": message}


def _value(red: Reduced, x: np.ndarray, gain: np.ndarray) -> float:
    return float(gain[(red.mat.astype(float) @ x.astype(float)) > 0].sum())


def _restrict(red: Reduced, cols: np.ndarray, budget: float, gain: np.ndarray) -> tuple[Reduced, np.ndarray]:
    """Restrict the model to some candidate columns (rows re-merged, ``gain`` as weight); also the kept columns."""
    keep = np.flatnonzero(cols)
    sub = reduce_model(sp.csr_matrix(red.mat[:, keep]), gain, np.zeros(len(gain)), red.cost[keep], budget,
                       np.ones(red.mat.shape[0], dtype=bool))
    return sub, keep[sub.cand]


def _incumbent(red: Reduced, budget: float, gain: np.ndarray, cols: np.ndarray, fixed: np.ndarray,
               time_limit: float, mip_gap: float, enough: float = np.inf) -> np.ndarray | None:
    """Solve the MILP restricted to ``cols``, with the ``fixed`` columns forced in (None if none found).

    A lazy greedy completion of ``fixed`` comes first: it is returned as is when it is worth at least
    ``enough`` (the caller's certified target), else it is the MILP's start.
    """
    left = budget - float(red.cost[fixed].sum())
    if left < -1e-9 * max(budget, 1.0):
        return None
    done = (red.mat.astype(float) @ fixed.astype(float)) > 0
    sub, keep = _restrict(red, cols & ~fixed, max(left, 0.0), np.where(done, 0.0, gain))
    start = None
    if sub.mat.shape[0] and sub.mat.shape[1]:
        picked, _ = _lazy_greedy(sub.mat.tocsc().astype(float), sub.weight, sub.cost, max(left, 0.0))
        start = np.zeros(sub.mat.shape[1], dtype=bool)
        start[picked] = True
        x = fixed.copy()
        x[keep[start]] = True
        if _value(red, x, gain) >= enough:
            return x
    base = float(gain[done].sum())
    res = _milp(sub, max(left, 0.0), sub.weight, time_limit, mip_gap, start=start,
                enough=enough - base if np.isfinite(enough) else None)
    if res["x"] is None:
        return None
    x = fixed.copy()
    x[keep[res["x"]]] = True
    return x


def solve_exact(red: Reduced, budget: float, gain: np.ndarray, *, time_limit: float, mip_gap: float,
                min_must: float | None = None) -> dict:
    """Budgeted maximal covering with HiGHS: max gain·y, y ≤ A x, cost·x ≤ budget (optionally must·y ≥ min_must).

    Without ``min_must``: (1) the LP relaxation (``linprog``, HiGHS) gives a bound and reduced costs; (2) a
    MILP restricted to the LP's support gives an incumbent; (3) if the LP bound does not already certify it
    within ``mip_gap``, candidates whose reduced cost proves they cannot beat the incumbent are dropped and the
    MILP is solved on the rest. Returns a dict with ``x`` (bool over ``red.cand``, or None), ``bound`` (gain
    units), ``status``, ``message``, ``bound_source`` and ``seconds``.
    """
    start = time.perf_counter()
    k, m = red.mat.shape
    gain = np.asarray(gain, dtype=float)
    if k == 0 or m == 0:
        return {"x": np.zeros(m, dtype=bool), "bound": 0.0, "status": 0, "message": "empty model", "seconds": 0.0,
                "bound_source": "empty"}
    if min_must is not None:
        out = _milp(red, budget, gain, time_limit, mip_gap, min_must)
        return {**out, "bound_source": "milp", "seconds": time.perf_counter() - start}
    a, _, ub = _model_arrays(red, budget)
    lp = linprog(np.concatenate([np.zeros(m), -gain]), A_ub=a, b_ub=ub, bounds=(0, 1), method="highs",
                 options={"time_limit": float(time_limit)})
    if lp.status != 0:  # no LP in time: plain MILP
        out = _milp(red, budget, gain, time_limit - (time.perf_counter() - start), mip_gap)
        return {**out, "bound_source": "milp", "seconds": time.perf_counter() - start}
    z_lp, x_lp = -float(lp.fun), lp.x[:m]
    support = x_lp > 1e-9
    best, z_best, msg, found = np.zeros(m, dtype=bool), 0.0, f"LP bound {z_lp:.6g}", False
    for label, fixed in (("LP ones fixed", x_lp > 1 - 1e-6), ("LP support", np.zeros(m, dtype=bool))):
        x = _incumbent(red, budget, gain, support, fixed, 0.15 * time_limit, mip_gap / 4,
                       enough=(1 - mip_gap) * z_lp)
        if x is not None:
            found = True
            z = _value(red, x, gain)
            msg += f"; {label} MILP: {z:.6g}"
            if z > z_best:
                best, z_best = x, z
        if z_lp - z_best <= mip_gap * max(z_lp, TINY):
            return {"x": best, "bound": z_lp, "status": 0, "message": msg + "; certified by the LP bound",
                    "bound_source": "lp", "seconds": time.perf_counter() - start}
    reduced_cost = np.asarray(lp.lower.marginals[:m])
    free = support | (z_lp - reduced_cost >= z_best - 1e-9 * max(z_lp, 1.0))
    full, cols = _restrict(red, free, budget, gain)
    left = time_limit - (time.perf_counter() - start)
    out = _milp(full, budget, full.weight, left, mip_gap, start=best[cols] if found else None)
    x = best.copy()
    if out["x"] is not None:
        cand = np.zeros(m, dtype=bool)
        cand[cols[out["x"]]] = True
        if _value(red, cand, gain) > z_best:
            x = cand
    if not found and out["x"] is None:
        x = None
    bound = min(z_lp, max(out["bound"], z_best))
    msg += f"; reduced-cost fixing kept {int(free.sum())} of {m} sites; MILP: {out['message']}"
    return {"x": x, "bound": bound, "status": out["status"], "message": msg, "bound_source": "milp",
            "seconds": time.perf_counter() - start}


def knapsack_bound(gains: np.ndarray, costs: np.ndarray, budget: float) -> float:
    """Fractional-knapsack value of marginal gains: with ``gains`` = Δ_j(S), f(S) + this bounds the optimum."""
    ok = (gains > 0) & (costs <= budget * (1 + 1e-12))
    g, c = gains[ok], costs[ok]
    free = c <= 0
    total = float(g[free].sum())
    g, c = g[~free], c[~free]
    order = np.argsort(-(g / c), kind="stable")
    g, c = g[order], c[order]
    cum = np.cumsum(c)
    full = cum <= budget
    total += float(g[full].sum())
    nxt = int(full.sum())
    if nxt < len(g):
        left = budget - (cum[nxt - 1] if nxt else 0.0)
        total += float(g[nxt] * left / c[nxt])
    return total


def lp_bound(red: Reduced, budget: float, gain: np.ndarray, time_limit: float) -> float | None:
    """LP relaxation value of the budgeted maximal covering model (an upper bound), or None if not solved."""
    k, m = red.mat.shape
    if k == 0 or m == 0:
        return 0.0
    a, _, ub = _model_arrays(red, budget)
    c = np.concatenate([np.zeros(m), -np.asarray(gain, dtype=float)])
    res = linprog(c, A_ub=a, b_ub=ub, bounds=(0, 1), method="highs", options={"time_limit": float(time_limit)})
    return -float(res.fun) if res.status == 0 else None


def _lazy_greedy(csc: sp.csc_matrix, gain: np.ndarray, cost: np.ndarray, budget: float,
                 checkpoint: callable | None = None) -> tuple[list[int], float]:
    """Cost-effectiveness lazy greedy; ties by position. Returns chosen positions and their value."""
    uncovered = np.ones(csc.shape[0], dtype=bool)
    ind, ptr = csc.indices, csc.indptr

    def marginal(j: int) -> float:
        rows = ind[ptr[j]:ptr[j + 1]]
        return float(gain[rows][uncovered[rows]].sum())

    def key(g: float, j: int) -> tuple[float, float, int]:
        ratio = g / cost[j] if cost[j] > 0 else (np.inf if g > 0 else 0.0)
        return (-ratio, -g, j)

    g0 = csc.T @ gain
    heap = [key(float(g0[j]), j) for j in range(csc.shape[1]) if g0[j] > 0 and cost[j] <= budget]
    heapq.heapify(heap)
    stamp = np.zeros(csc.shape[1], dtype=np.int64)
    chosen: list[int] = []
    left, value = budget, 0.0
    while heap:
        _, neg_g, j = heapq.heappop(heap)
        if cost[j] > left * (1 + 1e-12):
            continue
        if stamp[j] != len(chosen):
            g = marginal(j)
            stamp[j] = len(chosen)
            if g > 0:
                heapq.heappush(heap, key(g, j))
            continue
        if -neg_g <= 0:
            break
        chosen.append(j)
        value += -neg_g
        left -= cost[j]
        uncovered[ind[ptr[j]:ptr[j + 1]]] = False
        if checkpoint is not None and (len(chosen) & (len(chosen) - 1) == 0 or len(chosen) % 64 == 0):
            checkpoint(value, uncovered)
    if checkpoint is not None:
        checkpoint(value, uncovered)
    return chosen, value


def solve_greedy(red: Reduced, budget: float, gain: np.ndarray, *, lp_time_limit: float | None) -> dict:
    """Lazy greedy + best single site ((1 - 1/e)/2 guarantee); bound = min(LP relaxation, knapsack bounds)."""
    k, m = red.mat.shape
    start = time.perf_counter()
    if k == 0 or m == 0:
        return {"x": np.zeros(m, dtype=bool), "bound": 0.0, "status": 0, "message": "empty model", "seconds": 0.0}
    csc = red.mat.tocsc().astype(float)
    gain = np.asarray(gain, dtype=float)
    bounds = [knapsack_bound(csc.T @ gain, red.cost, budget)]

    def checkpoint(value: float, uncovered: np.ndarray) -> None:
        bounds.append(value + knapsack_bound(csc.T @ (gain * uncovered), red.cost, budget))

    chosen, value = _lazy_greedy(csc, gain, red.cost, budget, checkpoint)
    single = csc.T @ gain
    single[red.cost > budget * (1 + 1e-12)] = -1
    best = int(np.argmax(single))
    if single[best] > value:
        chosen, value = [best], float(single[best])
    message = f"lazy greedy, {len(chosen)} sites"
    if lp_time_limit is not None and lp_time_limit > 0:
        lp = lp_bound(red, budget, gain, lp_time_limit)
        if lp is not None:
            bounds.append(lp)
            message += "; bound from the LP relaxation and knapsack bounds"
    x = np.zeros(m, dtype=bool)
    x[chosen] = True
    return {"x": x, "bound": float(min(bounds)), "status": 0, "message": message,
            "seconds": time.perf_counter() - start}


def min_cover_cost(mat: sp.csr_matrix, cost: np.ndarray, time_limit: float) -> tuple[float, np.ndarray, str]:
    """Minimum-cost set cover: min cost·x s.t. every row of ``mat`` (non-empty) has a chosen column.

    Returns the minimum cost, the chosen columns (bool) and the solver message.
    """
    if mat.shape[0] == 0:
        return 0.0, np.zeros(mat.shape[1], dtype=bool), "nothing to cover"
    uniq, _, _ = aggregate_rows(mat)
    res = milp(np.asarray(cost, dtype=float), constraints=[LinearConstraint(uniq.astype(float), 1, np.inf)],
               integrality=np.ones(mat.shape[1]), bounds=Bounds(0, 1),
               options={"time_limit": float(time_limit), "mip_rel_gap": 1e-9})
    if res.x is None:
        return float("nan"), np.zeros(mat.shape[1], dtype=bool), str(res.message)
    x = res.x > 0.5
    return float(cost[x].sum()), x, str(res.message)


def prune_and_order(csc: sp.csc_matrix, value: np.ndarray, chosen: np.ndarray,
                    people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop chosen columns that add nothing, then order the rest by decreasing marginal people (ties: position).

    ``value`` is what a row is worth to the objective (people, plus must-cover flags), ``people`` the people
    of each row (rows already covered by existing sites at 0). Returns column positions and marginal people.
    """
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    sub = csc[:, chosen].astype(np.int64)
    counts = np.asarray(sub.sum(axis=1)).ravel()
    keep = np.ones(len(chosen), dtype=bool)
    while True:  # remove the last-positioned site whose unique contribution is worthless
        unique_rows = (counts == 1) & (value > 0)
        unique_val = sub.T @ (value * unique_rows)
        idle = np.flatnonzero(keep & (unique_val <= 0))
        if len(idle) == 0:
            break
        j = idle[-1]
        keep[j] = False
        counts -= np.asarray(sub[:, j].toarray()).ravel()
    chosen, sub = chosen[keep], sub[:, keep]
    ind, ptr = sub.indices, sub.indptr
    uncovered = np.ones(csc.shape[0], dtype=bool)
    heap = [(-float(g), j) for j, g in enumerate(sub.T @ people)]
    heapq.heapify(heap)
    stamp = np.zeros(len(chosen), dtype=np.int64)
    order, gains = [], []
    while heap:
        neg_g, j = heapq.heappop(heap)
        if stamp[j] != len(order):
            rows = ind[ptr[j]:ptr[j + 1]]
            stamp[j] = len(order)
            heapq.heappush(heap, (-float(people[rows][uncovered[rows]].sum()), j))
            continue
        order.append(j)
        gains.append(-neg_g)
        uncovered[ind[ptr[j]:ptr[j + 1]]] = False
    return chosen[np.asarray(order, dtype=np.int64)], np.asarray(gains, dtype=float)


def solver_versions() -> dict:
    """Versions of scipy and of the HiGHS library bundled with it."""
    out = {"scipy": scipy.__version__}
    try:
        from scipy.optimize._highspy import _core

        out["highs"] = f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}.{_core.HIGHS_VERSION_PATCH}"
    except (ImportError, AttributeError):  # pragma: no cover - other scipy builds
        out["highs"] = "unknown"
    try:
        import highspy

        out["highspy"] = highspy.Highs().version()
    except ImportError:  # pragma: no cover - scipy only
        out["highspy"] = None
    return out
