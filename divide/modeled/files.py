"""The modeled files: writing them (``python -m divide.build``) and reading the shipped village layer.

:func:`write_modeled` writes the indicator CSV, the village GeoPackage and
the metadata JSON of :data:`MODELED_FILES` (their names say *modeled*); the
same seed gives byte-identical files. :func:`read_modeled_villages` reads the
shipped village layer for some communes (generating it when the seed is not
the shipped one).

Examples
--------
>>> sorted(MODELED_FILES)
['indicators', 'metadata', 'villages']
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from divide import settings
from divide.modeled.calibration import ASSUMPTIONS, CALIBRATION, achieved_values, calibration_report
from divide.modeled.constraints import province_constraints
from divide.modeled.generator import generate
from divide.modeled.villages import VILLAGE_LAYER, build_villages, model_villages
from divide.provenance import GENERATOR_VERSION, LABEL, SOURCE, jsonable

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["MODELED_FILES", "README_END", "README_START", "read_modeled_villages", "readme_section",
           "update_readme", "write_modeled"]

#: File names written by :func:`write_modeled` (each says "modeled").
MODELED_FILES = settings.MODELED_FILES


def read_modeled_villages(communes: pd.DataFrame, seed: int = settings.DEFAULT_SEED) -> gpd.GeoDataFrame:
    """The modeled villages of ``communes``: read from the shipped layer, or generated for another seed.

    Parameters
    ----------
    communes
        Commune table indexed by ``commune_code``.
    seed
        Seed; the shipped layer holds :data:`divide.settings.DEFAULT_SEED`.

    Returns
    -------
    geopandas.GeoDataFrame
        The villages of those communes (as :func:`divide.model_villages` gives them).

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> v = read_modeled_villages(lc)
    >>> set(v["commune_code"]) <= set(lc.index), len(v) == int(divide.model_indicators(lc)["villages_total"].sum())
    (True, True)
    """
    path = settings.MODELED_DIR / MODELED_FILES["villages"]
    if seed == settings.DEFAULT_SEED and path.exists():
        import pyogrio

        codes = communes.index.astype(str).tolist()
        where = None if len(codes) > 500 else "commune_code IN (" + ",".join(f"'{c}'" for c in codes) + ")"
        v = pyogrio.read_dataframe(path, layer=VILLAGE_LAYER, where=where)
        return v[v["commune_code"].isin(set(codes))]
    return model_villages(communes, seed=seed)


def write_modeled(out_dir: str | Path | None = None, seed: int = settings.DEFAULT_SEED,
                  checks: Callable[[pd.DataFrame, pd.DataFrame, int], dict] | None = None) -> dict[str, Path]:
    """Write the modeled dataset: indicator CSV, village GeoPackage and metadata JSON.

    Files (their names say *modeled*): ``indicators_2025_modeled.csv``
    (UTF-8, key ``commune_code``, the nine schema columns and ``source``),
    ``villages_2025_modeled.gpkg`` (layer ``villages_2025_modeled``) and
    ``modeled_metadata.json`` (label, seed, version, targets, achieved values,
    province constraints, assumptions, DTI mapping, and the checks' results).
    Two runs with the same seed give byte-identical files. When the folder
    holds a ``README.md`` with the generated-section markers
    (:data:`README_START`, :data:`README_END`), that section is rewritten from
    the metadata (:func:`readme_section`).

    Parameters
    ----------
    out_dir
        Folder to write into; default ``data/modeled`` of the repository.
    seed
        Seed of every random step.
    checks
        Optional test of the table by a higher layer, called as
        ``checks(table, national_communes, seed)`` and returning JSON-ready
        figures recorded as ``model_check`` (``python -m divide.build`` passes
        :func:`divide.analysis.model_check.modeled_check`); ``None`` records
        ``null``.

    Returns
    -------
    dict
        Paths by kind: ``indicators``, ``villages``, ``metadata``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(p.name for p in write_modeled(d).values())
    ['indicators_2025_modeled.csv', 'modeled_metadata.json', 'villages_2025_modeled.gpkg']
    """
    from divide.geography.communes import load_communes

    out = Path(out_dir) if out_dir is not None else settings.MODELED_DIR
    out.mkdir(parents=True, exist_ok=True)
    national = load_communes()
    table, _, info = generate(national, seed)
    achieved = achieved_values(table, national)
    villages = build_villages(national, national.index, table, info["cov"], seed)

    paths = {kind: out / name for kind, name in MODELED_FILES.items()}
    csv_text = table.to_csv(lineterminator="\n", float_format="%.2f")
    paths["indicators"].write_bytes(csv_text.encode("utf-8"))

    gpkg = paths["villages"]
    tmp = gpkg.with_name(gpkg.stem + ".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    _write_gpkg(villages.reset_index(), tmp, seed)
    tmp.replace(gpkg)

    used, not_used = province_constraints()
    report = calibration_report(table, national)
    cov = info["cov"]
    dti = cov.groupby("province_code")["dti_rank"].first().round(3)
    names = national.groupby("province_code")["province_name"].first()
    by_province = table.groupby(national["province_code"])[["villages_total", "villages_no_signal",
                                                            "villages_no_power"]].sum()
    meta = {
        "label": LABEL,
        "modeled": True,
        "source": SOURCE,
        "warning": "Modeled demonstration data generated by divide.modeled from real covariates and calibrated to "
        "national facts. It is not an observation of any commune or village and must never be presented "
        "as observed.",
        "generator": "divide.modeled",
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "files": {k: MODELED_FILES[k] for k in MODELED_FILES},
        "village_layer": VILLAGE_LAYER,
        "rows": {"communes": int(len(table)), "villages": int(len(villages))},
        "calibration": {
            key: {
                **{k: v for k, v in CALIBRATION[key].items()},
                "achieved": report.loc[key, "achieved"] if key != "urban_rural_odds_ratio" else achieved["urban_rural"],
                "ok": bool(report.loc[key, "ok"]),
            }
            for key in CALIBRATION
        },
        "achieved": achieved,
        "fitted_parameters": info["fitted"],
        "assumptions": ASSUMPTIONS,
        "province_constraints": _constraint_records(used, not_used, table, national),

        "dti_2022_rank_by_2025_province": {
            code: {"province_name": str(names[code]), "dti_2022_rank_mixed": float(dti[code])} for code in dti.index
        },
        "villages_by_province": {
            code: {k: int(v) for k, v in row.items()} for code, row in by_province.iterrows()
        },
        "unserved": {
            "communes": int((table["villages_no_signal"] > 0).sum()),
            "provinces": int((by_province["villages_no_signal"] > 0).sum()),
        },
    }
    meta = jsonable(meta, digits=6)
    # the checks round their own figures (p-values can be far below 1e-6)
    meta["model_check"] = jsonable(checks(table, national, seed)) if checks is not None else None
    text = json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    paths["metadata"].write_bytes(text.encode("utf-8"))
    readme = out / "README.md"
    if readme.exists():
        update_readme(readme, json.loads(text))
    return paths


def _constraint_records(used: pd.DataFrame, not_used: pd.DataFrame, table: pd.DataFrame,
                        national: pd.DataFrame) -> dict:
    """The metadata entry on province constraints: the rule, those used (with the value achieved), the others."""
    province = national["province_code"].reindex(table.index)
    rows = []
    for rec in used.to_dict(orient="records"):
        achieved = int(table.loc[province == rec["province_code"], rec["column"]].sum())
        rows.append({**rec, "achieved": achieved})
    return {
        "rule": "A province count of villages in data/facts.csv constrains the model when it measures a model column "
        "(divide.modeled.constraints.PROVINCE_COUNT_FACTS) and is current: on a 2025 province and dated "
        f"{settings.REFORM_DATE} or later. The province then gets exactly that count; the rest of the national "
        "target is drawn in the other provinces.",
        "used": rows,
        "not_used": not_used[["fact_id", "province_code", "column", "as_of", "reason"]].to_dict(orient="records"),
    }


#: Markers of the README section written from the metadata.
README_START = "<!-- generated from modeled_metadata.json by divide.modeled.files.update_readme: do not edit -->"
README_END = "<!-- end of generated section -->"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _p(x: float) -> str:
    return f"{x:.2g}" if x >= 1e-4 else f"{x:.1e}"


def readme_section(meta: dict) -> str:
    """The generated README section: province constraints, where the unserved villages fall, the hit rate.

    Parameters
    ----------
    meta
        The parsed ``modeled_metadata.json``.

    Returns
    -------
    str
        Markdown, without the markers.
    """
    pc = meta["province_constraints"]
    lines = [f"Seed `{meta['seed']}`, generator version `{meta['generator_version']}`.", "",
             "## Province constraints (reported counts the modeled data honours)", "", pc["rule"], ""]
    if pc["used"]:
        lines += ["| province | column | reported | as of | modeled | fact (data/facts.csv) | publisher |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['province_name']} | `{r['column']}` | {r['value']} | {r['as_of']} | {r['achieved']} | "
                  f"`{r['fact_id']}` | {r['publisher']} |" for r in pc["used"]]
    else:
        lines.append("No province count is current: the model is calibrated to the national targets only.")
    lines += ["", "Province counts of villages considered and not used:", ""]
    lines += [f"- `{r['fact_id']}`: {r['reason']}." for r in pc["not_used"]]
    by = meta["villages_by_province"]
    ach = meta["achieved"]
    top = sorted(by.items(), key=lambda kv: (-kv[1]["villages_no_signal"], kv[0]))[:5]
    names = {code: v["province_name"] for code, v in meta["dti_2022_rank_by_2025_province"].items()}
    lines += ["", f"The {ach['villages_no_signal']} modeled villages without signal ({ach['villages_no_power']} of "
              f"them also without grid power) fall in {meta['unserved']['communes']} communes of "
              f"{meta['unserved']['provinces']} provinces, most in "
              + ", ".join(f"{names[c]} ({v['villages_no_signal']})" for c, v in top) + "."]
    lines += ["", "## How well the model finds reported villages (hit rate against chance)", ""]
    check = meta.get("model_check")
    if not check:
        lines.append("Not computed in this build (run `python -m divide.build`).")
        return "\n".join(lines) + "\n"
    reg = check["register"]
    lines += [check["method"], "",
              f"The register holds {reg['reports']} reports; {reg['unserved_villages']} villages are reported "
              f"unserved by their latest report, {reg['unserved_villages_matched']} of them matched to a 2025 commune, "
              "most in " + ", ".join(f"{k} ({v})" for k, v in reg["unserved_villages_matched_by_province"][:6])
              + ".",
              "",
              "| model | worst tiers | villages | hits | hit rate | chance: communes (p) | chance: population (p) "
              "| chance: within province (p) | communes hit | chance within province (p), communes |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in check["results"]:
        c, p, cc, cp = r["chance"], r["p_value"], r["commune_chance"], r["commune_p_value"]
        lines.append(
            f"| {r['model']} | {', '.join(map(str, r['tiers']))} | {r['villages']} | {r['hits']} | {_pct(r['share'])} "
            f"| {_pct(c['communes'])} ({_p(p['communes'])}) | {_pct(c['population'])} ({_p(p['population'])}) "
            f"| {_pct(c['within_province'])} ({_p(p['within_province'])}) "
            f"| {r['commune_hits']} of {r['communes']} ({_pct(r['commune_share'])}) "
            f"| {_pct(cc['within_province'])} ({_p(cp['within_province'])}) |")
    return "\n".join(lines) + "\n"


def update_readme(path: str | Path, meta: dict) -> bool:
    """Rewrite the generated section of a README from the metadata; return whether the file changed.

    The section lies between :data:`README_START` and :data:`README_END`;
    a README without them is left alone.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    new = head + README_START + "\n" + readme_section(meta) + README_END + tail
    if new == text:
        return False
    path.write_bytes(new.encode("utf-8"))
    return True


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path, seed: int) -> None:
    """Write the village layer with a fixed GeoPackage timestamp, so that two runs give identical bytes.

    The layer's description and metadata carry the modeled label. No spatial
    index is written (8 MB instead of 14 MB; 98,532 points read in well under a second).
    """
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": settings.REFORM_DATE + "T00:00:00.000Z"})
    try:
        frame.to_file(
            path,
            layer=VILLAGE_LAYER,
            driver="GPKG",
            SPATIAL_INDEX="NO",
            layer_options={"DESCRIPTION": f"{LABEL}: modeled villages, divide.modeled {GENERATOR_VERSION}, seed {seed}"},
            metadata={"modeled": "true", "source": SOURCE, "label": LABEL, "seed": str(seed),
                      "generator": "divide.modeled", "generator_version": GENERATOR_VERSION},
        )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
