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

from ._errors import DataNotFoundError, DivideError, InputError

__version__ = "0.1.0"

# Public name -> submodule that defines it.
_API = {
    "load_communes": "admin",
    "load_provinces": "admin",
    "resolve_province": "admin",
    "run_atlas": "atlas",
    "facts": "national_facts",
    "fact": "national_facts",
    "cite": "national_facts",
    "INDICATORS": "schema",
    "schema_table": "schema",
    "read_indicators": "io",
    "read_villages": "io",
    "ReadReport": "io",
    "validate": "validation",
    "ValidationReport": "validation",
    "model_indicators": "modeled",
    "model_villages": "modeled",
    "write_modeled": "modeled",
    "calibration_report": "modeled",
    "crosswalk_to_2025": "crosswalk",
    "load_crosswalk": "crosswalk",
    "load_communes_pre2025": "crosswalk",
    "match_old_communes": "crosswalk",
    "CrosswalkReport": "crosswalk",
    "provinces_to_2025": "crosswalk",
    "dti_2022_provinces_2025": "crosswalk",
    "analyse": "pipeline",
    "load_indicators": "pipeline",
    "Analysis": "pipeline",
    "compute_index": "composite",
    "recompute": "composite",
    "index_uncertainty": "composite",
    "UncertaintyResult": "composite",
    "Theil": "gaps",
    "IndexSpec": "composite",
    "IndexResult": "composite",
    "preset": "composite",
    "urban_rural_gap": "gaps",
    "inequality": "gaps",
    "gini": "gaps",
    "theil": "gaps",
    "contiguity_graph": "spatial",
    "spatial_patterns": "spatial",
    "typology": "typologies",
    "priority_regions": "regions",
    "priority": "priorities",
    "choropleth": "maps",
    "map_categories": "maps",
    "map_priority": "maps",
    "plot_urban_rural_gap": "maps",
    "class_breaks": "maps",
    "interactive_map": "webmap",
    "export": "exports",
    "read_back": "exports",
    "brief_markdown": "brief",
    "brief_html": "brief",
    "write_brief": "brief",
    "aggregate_points": "points",
    "assign_points": "points",
    "check_points": "points",
    "PointsReport": "points",
    "coverage_from_sites": "coverage",
    "coverage_layer": "coverage",
    "speed_indicators": "speed",
    "quadkey_to_lonlat": "speed",
    "village_indicators": "village_access",
    "distance_to_coverage": "village_access",
    "model_sites": "modeled_raw",
    "model_speed_tests": "modeled_raw",
}

__all__ = ["DivideError", "InputError", "DataNotFoundError", "__version__", *sorted(_API)]

if TYPE_CHECKING:  # pragma: no cover
    from .admin import load_communes, load_provinces, resolve_province
    from .atlas import run_atlas
    from .crosswalk import (
        CrosswalkReport,
        crosswalk_to_2025,
        dti_2022_provinces_2025,
        load_communes_pre2025,
        load_crosswalk,
        match_old_communes,
        provinces_to_2025,
    )
    from .national_facts import cite, fact, facts
    from .io import ReadReport, read_indicators, read_villages
    from .modeled import calibration_report, model_indicators, model_villages, write_modeled
    from .schema import INDICATORS, schema_table
    from .validation import ValidationReport, validate
    from .brief import brief_html, brief_markdown, write_brief
    from .composite import IndexResult, IndexSpec, UncertaintyResult, compute_index, index_uncertainty, preset, recompute
    from .coverage import coverage_from_sites, coverage_layer
    from .exports import export, read_back
    from .gaps import Theil, gini, inequality, theil, urban_rural_gap
    from .maps import choropleth, class_breaks, map_categories, map_priority, plot_urban_rural_gap
    from .modeled_raw import model_sites, model_speed_tests
    from .pipeline import Analysis, analyse, load_indicators
    from .points import PointsReport, aggregate_points, assign_points, check_points
    from .priorities import priority
    from .regions import priority_regions
    from .spatial import contiguity_graph, spatial_patterns
    from .speed import quadkey_to_lonlat, speed_indicators
    from .typologies import typology
    from .village_access import distance_to_coverage, village_indicators
    from .webmap import interactive_map


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'divide' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
