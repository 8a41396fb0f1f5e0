"""Composite indicators: the divide index, its specification, presets and uncertainty.

A small Python counterpart of COINr (the JRC's R package for composite
indicators), following the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008): a readable :class:`IndexSpec` (indicators → pillars →
index), normalisation, outlier treatment, weighting, aggregation, ranks and
tiers (:func:`compute_index`), a log that :func:`recompute` replays exactly,
and a vectorised Monte Carlo of the construction choices
(:func:`index_uncertainty`).

Examples
--------
>>> from divide.analysis.index import preset
>>> [i.name for i in preset("default").pillars[1].indicators]
['online_services_pct', 'smartphone_adults_pct', 'digital_payment_adults_pct']
"""

from __future__ import annotations

from divide.analysis.index.engine import (
    SCORE_COLUMNS,
    TIER_RULE,
    IndexResult,
    compute_index,
    recompute,
    resolve_spec,
)
from divide.analysis.index.presets import PRESETS, default_spec, preset, purdue_ddi
from divide.analysis.index.spec import IndexSpec, IndicatorSpec, OutlierRule, PillarSpec
from divide.analysis.index.uncertainty import UncertaintyResult, index_uncertainty

__all__ = [
    "IndexSpec",
    "IndicatorSpec",
    "PillarSpec",
    "OutlierRule",
    "PRESETS",
    "preset",
    "default_spec",
    "purdue_ddi",
    "compute_index",
    "recompute",
    "resolve_spec",
    "IndexResult",
    "SCORE_COLUMNS",
    "TIER_RULE",
    "index_uncertainty",
    "UncertaintyResult",
]
