"""divide: Vietnam's urban–rural digital divide, commune by commune.

The public API is listed in ``__all__``. Submodules load on first use, so
``import divide`` stays fast and pulls in no plotting or web library.

Examples
--------
>>> import divide
>>> communes = divide.load_communes("Lai Châu")
>>> communes.index.name, len(communes)
('commune_code', 38)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from divide._errors import DataNotFoundError, DivideError, InputError

from ._version import __version__

# Public name -> submodule that defines it.
_API = {
    "load_communes": "geography.communes",
    "load_provinces": "geography.communes",
    "resolve_province": "geography.communes",
    "run_atlas": "atlas",
    "facts": "indicators.facts",
    "fact": "indicators.facts",
    "cite": "indicators.facts",
    "reported_villages": "indicators.observed",
    "INDICATORS": "indicators.schema",
    "schema_table": "indicators.schema",
    "read_indicators": "indicators.readers",
    "read_villages": "indicators.readers",
    "ReadReport": "indicators.readers",
    "validate": "indicators.validation",
    "ValidationReport": "indicators.validation",
    "model_indicators": "modeled.indicators",
    "model_villages": "modeled.indicators",
    "write_modeled": "modeled.indicators",
    "calibration_report": "modeled.indicators",
    "crosswalk_to_2025": "geography.crosswalk",
    "load_crosswalk": "geography.crosswalk",
    "load_communes_pre2025": "geography.crosswalk",
    "match_old_communes": "geography.crosswalk",
    "CrosswalkReport": "geography.crosswalk",
    "provinces_to_2025": "geography.crosswalk",
    "dti_2022_provinces_2025": "geography.crosswalk",
    "analyse": "analysis.pipeline",
    "progress": "analysis.progress",
    "ProgressResult": "analysis.progress",
    "model_vintages": "modeled.vintages",
    "open_store": "indicators.store",
    "hit_rate": "analysis.model_check",
    "plan_sites": "analysis.siting",
    "SitePlan": "analysis.siting",
    "budget_curve": "analysis.siting",
    "coverage_sets": "analysis.siting",
    "plan": "analysis.plan",
    "VillagePlan": "analysis.plan",
    "parse_amount": "analysis.plan",
    "format_amount": "analysis.plan",
    "load_costs": "analysis.plan",
    "load_indicators": "analysis.pipeline",
    "Analysis": "analysis.pipeline",
    "compute_index": "analysis.index",
    "recompute": "analysis.index",
    "index_uncertainty": "analysis.index",
    "UncertaintyResult": "analysis.index",
    "Theil": "analysis.gaps",
    "IndexSpec": "analysis.index",
    "IndexResult": "analysis.index",
    "preset": "analysis.index",
    "urban_rural_gap": "analysis.gaps",
    "inequality": "analysis.gaps",
    "gini": "analysis.gaps",
    "theil": "analysis.gaps",
    "contiguity_graph": "analysis.hotspots",
    "spatial_patterns": "analysis.hotspots",
    "typology": "analysis.typology",
    "priority_regions": "analysis.regions",
    "priority": "analysis.priority",
    "choropleth": "present.maps",
    "map_categories": "present.maps",
    "map_priority": "present.maps",
    "plot_urban_rural_gap": "present.maps",
    "class_breaks": "present.maps",
    "interactive_map": "present.webmap",
    "plot_distributions": "present.figures",
    "plot_correlations": "present.figures",
    "plot_rank_intervals": "present.figures",
    "plot_sensitivity": "present.figures",
    "plot_rank_shift": "present.figures",
    "export": "present.exports",
    "read_back": "present.exports",
    "brief_markdown": "present.brief",
    "brief_html": "present.brief",
    "write_brief": "present.brief",
    "aggregate_points": "raw.points",
    "assign_points": "raw.points",
    "check_points": "raw.points",
    "PointsReport": "raw.points",
    "coverage_from_sites": "raw.coverage",
    "coverage_layer": "raw.coverage",
    "speed_indicators": "raw.speed",
    "quadkey_to_lonlat": "raw.speed",
    "village_indicators": "raw.villages",
    "distance_to_coverage": "raw.villages",
    "model_sites": "modeled.raw_layers",
    "model_speed_tests": "modeled.raw_layers",
}

__all__ = ["DivideError", "InputError", "DataNotFoundError", "__version__", *sorted(_API)]

if TYPE_CHECKING:  # pragma: no cover
    from divide.analysis.gaps import Theil, gini, inequality, theil, urban_rural_gap
    from divide.analysis.hotspots import contiguity_graph, spatial_patterns
    from divide.analysis.index import (
        IndexResult,
        IndexSpec,
        UncertaintyResult,
        compute_index,
        index_uncertainty,
        preset,
        recompute,
    )
    from divide.analysis.model_check import hit_rate
    from divide.analysis.pipeline import Analysis, analyse, load_indicators
    from divide.analysis.plan import VillagePlan, format_amount, load_costs, parse_amount, plan
    from divide.analysis.priority import priority
    from divide.analysis.progress import ProgressResult, progress
    from divide.analysis.regions import priority_regions
    from divide.analysis.siting import SitePlan, budget_curve, coverage_sets, plan_sites
    from divide.analysis.typology import typology
    from divide.atlas import run_atlas
    from divide.geography.communes import (
        load_communes,
        load_provinces,
        resolve_province,
    )
    from divide.geography.crosswalk import (
        CrosswalkReport,
        crosswalk_to_2025,
        dti_2022_provinces_2025,
        load_communes_pre2025,
        load_crosswalk,
        match_old_communes,
        provinces_to_2025,
    )
    from divide.indicators.facts import cite, fact, facts
    from divide.indicators.observed import reported_villages
    from divide.indicators.readers import ReadReport, read_indicators, read_villages
    from divide.indicators.schema import INDICATORS, schema_table
    from divide.indicators.store import open_store
    from divide.indicators.validation import ValidationReport, validate
    from divide.modeled.indicators import (
        calibration_report,
        model_indicators,
        model_villages,
        write_modeled,
    )
    from divide.modeled.raw_layers import model_sites, model_speed_tests
    from divide.modeled.vintages import model_vintages
    from divide.present.brief import brief_html, brief_markdown, write_brief
    from divide.present.exports import export, read_back
    from divide.present.figures import (
        plot_correlations,
        plot_distributions,
        plot_rank_intervals,
        plot_rank_shift,
        plot_sensitivity,
    )
    from divide.present.maps import (
        choropleth,
        class_breaks,
        map_categories,
        map_priority,
        plot_urban_rural_gap,
    )
    from divide.present.webmap import interactive_map
    from divide.raw.coverage import coverage_from_sites, coverage_layer
    from divide.raw.points import (
        PointsReport,
        aggregate_points,
        assign_points,
        check_points,
    )
    from divide.raw.speed import quadkey_to_lonlat, speed_indicators
    from divide.raw.villages import distance_to_coverage, village_indicators


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'divide' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
