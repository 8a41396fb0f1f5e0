"""Files of a village plan (issue 15): plan.xlsx, plan.gpkg, plan_map.png, budget_curve.png.

Each writer takes a :class:`divide.analysis.plan.VillagePlan` and a path, writes through
:class:`divide.provenance.atomic_path` (no half-written file on failure) and says "modeled" on everything made
from modeled villages. matplotlib is imported inside the plotting functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from divide.analysis.plan import OBSERVED, TECHNOLOGIES, VillagePlan, format_amount
from divide.provenance import LABEL, atomic_path

__all__ = ["write_plan_xlsx", "write_plan_gpkg", "plot_plan_map", "plot_budget_curve", "write_plan_outputs",
           "PLAN_FILES"]

PLAN_FILES = ("plan.xlsx", "plan.gpkg", "plan_map.png", "budget_curve.png")
TECH_COLORS = {"4g_grid": "#1f77b4", "4g_solar": "#ff7f0e", "satellite": "#2ca02c"}
_HEAD = {
    "en": {"order": "order", "village": "village", "commune": "commune", "province": "province",
           "technology_name": "technology", "cost": "cost ({cur})", "people_new": "people newly covered",
           "villages_served": "villages served", "cumulative_cost": "cumulative cost ({cur})",
           "cumulative_people": "cumulative people", "lon": "lon", "lat": "lat"},
    "vi": {"order": "thứ tự", "village": "thôn, bản", "commune": "xã", "province": "tỉnh",
           "technology_name": "công nghệ", "cost": "chi phí ({cur})", "people_new": "số người được phủ sóng mới",
           "villages_served": "số thôn được phục vụ", "cumulative_cost": "chi phí cộng dồn ({cur})",
           "cumulative_people": "số người cộng dồn", "lon": "kinh độ", "lat": "vĩ độ"},
}


def _note(p: VillagePlan, lang: str) -> str:
    if getattr(p, "observed", False):
        return OBSERVED["vi" if lang == "vi" else "en"]
    return f"{LABEL}" if p.modeled else ("Dữ liệu của người dùng" if lang == "vi" else "user's village data")


def _tech_names(codes: pd.Series, lang: str) -> list[str]:
    return [TECHNOLOGIES[t][1 if lang == "vi" else 0] if isinstance(t, str) else "" for t in codes]


def write_plan_xlsx(p: VillagePlan, path: str | Path, lang: str = "en") -> Path:
    """plan.xlsx: interventions in order, villages, budget curve, assumptions with sources, summary.

    Examples
    --------
    >>> import divide, tempfile, pathlib
    >>> from divide.analysis.plan import plan
    >>> vp = plan(communes=divide.load_communes("Lai Châu"), budget="1 tỷ", province="Lai Châu", mc_reps=0,
    ...           curve_points=2)
    >>> out = write_plan_xlsx(vp, pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx")
    >>> sorted(pd.read_excel(out, sheet_name=None))
    ['assumptions', 'budget_curve', 'interventions', 'summary', 'villages']
    """
    head = {k: v.format(cur=p.currency) for k, v in _HEAD[lang].items()}
    inter = p.interventions.copy()
    inter["technology_name"] = _tech_names(inter["technology"], lang)
    inter = inter[list(head)].rename(columns=head)
    cols = ["village_name", "commune_name", "province_name", "population", "has_power", "must_cover", "covered",
            "site", "technology", "cheapest_option", "cheapest_cost", "p_in_plan", "p_satellite_cheapest"]
    villages = pd.DataFrame(p.villages[[c for c in cols if c in p.villages.columns]])
    curve = p.curve.copy()
    assumptions = p.costs.reset_index()
    note = _note(p, lang)
    summary = pd.DataFrame({"key": ["summary", "data", "budget", "spent", "people_newly_covered",
                                    "budget_to_cover_all", "objective", "radius_km", "province", "currency",
                                    "solver_gap", "unreachable_villages"],
                            "value": [p.summary(lang), note, format_amount(p.budget, p.currency, lang),
                                      format_amount(p.spent, p.currency, lang), p.people_covered,
                                      format_amount(p.budget_to_cover_all, p.currency, lang), p.objective,
                                      p.radius_km, p.province or "all", p.currency, p.site_plan.gap,
                                      len(p.unreachable)]})
    path = Path(path)
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, frame in (("summary", summary), ("interventions", inter), ("villages", villages),
                                ("budget_curve", curve), ("assumptions", assumptions)):
                if p.modeled and name != "summary":
                    frame = frame.assign(data=note)
                frame.to_excel(xw, sheet_name=name, index=name == "villages")
    return path


def write_plan_gpkg(p: VillagePlan, path: str | Path) -> Path:
    """plan.gpkg: layer ``sites`` (chosen sites) and layer ``villages`` (villages without signal, with sites).

    A ``data`` column says modeled when the villages were.

    Returns
    -------
    pathlib.Path
    """
    import geopandas as gpd

    sites = p.sites.copy()
    villages = gpd.GeoDataFrame(p.villages.copy(), geometry=p.villages.geometry.name, crs=p.villages.crs)
    for frame in (sites, villages):
        frame["data"] = _note(p, "en")
        for c in frame.columns:
            if str(frame[c].dtype) in ("boolean", "string", "str") or frame[c].dtype == object:
                if c != frame.geometry.name:
                    frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    path = Path(path)
    with atomic_path(path) as tmp:
        sites.reset_index(names="site_id").to_file(tmp, layer="sites", driver="GPKG")
        villages.reset_index().to_file(tmp, layer="villages", driver="GPKG", mode="a")
    return path


def _save(fig: Any, path: Path, dpi: int) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    return path


def plot_plan_map(p: VillagePlan, path: str | Path, communes: Any = None, lang: str = "en", dpi: int = 150) -> Path:
    """plan_map.png: villages served (by technology) and left out, chosen sites, commune outlines.

    Returns
    -------
    pathlib.Path
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    vi = lang == "vi"
    fig, ax = plt.subplots(figsize=(8, 8))
    try:
        if communes is not None and len(communes):
            codes = set(p.villages["commune_code"])
            shown = communes if p.province else communes[communes.index.isin(codes)]
            shown.boundary.plot(ax=ax, color="#bbbbbb", linewidth=0.3)
        v = p.villages
        left = v[~v["covered"]]
        if len(left):
            left.plot(ax=ax, color="#d62728", marker="x", markersize=18,
                      label=("thôn chưa được phủ" if vi else "not covered") + f": {len(left)}")
        for tech, color in TECH_COLORS.items():
            part = v[v["covered"] & (v["technology"] == tech)]
            if len(part):
                part.plot(ax=ax, color=color, markersize=10,
                          label=f"{TECHNOLOGIES[tech][1 if vi else 0]}: {len(part)}")
        ax.set_axis_off()
        ax.legend(loc="lower left", fontsize=7, frameon=True)
        title = ("Kế hoạch đầu tư: thôn, bản chưa có sóng di động" if vi
                 else "Investment plan: villages without mobile signal")
        ax.set_title(f"{title}\n{p.summary(lang)}", fontsize=8, wrap=True)
        if p.modeled:
            fig.text(0.5, 0.5, LABEL, fontsize=20, color="#999999", alpha=0.35, ha="center", va="center",
                     rotation=30)
            fig.text(0.01, 0.01, LABEL, fontsize=7, color="#aa0000")
        return _save(fig, Path(path), dpi)
    finally:
        plt.close(fig)


def plot_budget_curve(p: VillagePlan, path: str | Path, lang: str = "en", dpi: int = 150) -> Path:
    """budget_curve.png: people newly covered against budget, with the marginal cost per person.

    Returns
    -------
    pathlib.Path
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    vi = lang == "vi"
    c = p.curve
    scale, unit = (1e9, "tỷ đồng" if vi else "VND billion") if p.currency == "VND" else (1e6, "USD million")
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 6), sharex=True, height_ratios=(2, 1))
    try:
        ax.plot(c["budget"] / scale, c["people_covered"], marker="o", color="#1f77b4")
        ax.axvline(p.budget / scale, color="#d62728", linestyle="--", linewidth=1,
                   label=("ngân sách: " if vi else "budget: ") + format_amount(p.budget, p.currency, lang))
        ax.set_ylabel("số người được phủ sóng mới" if vi else "people newly covered")
        ax.legend(fontsize=8)
        ax2.bar(c["budget"] / scale, c["marginal_cost_per_person"], width=(c["budget"].max() / scale) / 40,
                color="#7f7f7f")
        ax2.set_ylabel(("chi phí biên / người" if vi else "marginal cost / person") + f" ({p.currency})")
        ax2.set_xlabel(("ngân sách" if vi else "budget") + f" ({unit})")
        ax.set_title("Đường ngân sách" if vi else "Budget curve", fontsize=10)
        if p.modeled:
            fig.text(0.01, 0.005, LABEL, fontsize=7, color="#aa0000")
        return _save(fig, Path(path), dpi)
    finally:
        plt.close(fig)


def write_plan_outputs(p: VillagePlan, out: str | Path, communes: Any = None, lang: str = "en") -> list[Path]:
    """Write the four plan files into ``out`` (created if needed); return their paths.

    Returns
    -------
    list of pathlib.Path
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [write_plan_xlsx(p, out / "plan.xlsx", lang), write_plan_gpkg(p, out / "plan.gpkg"),
            plot_plan_map(p, out / "plan_map.png", communes, lang), plot_budget_curve(p, out / "budget_curve.png", lang)]
