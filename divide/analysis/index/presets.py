"""Preset index specifications: the project default and the Purdue Digital Divide Index method.

Both presets use the same two pillars (the contract of
:func:`divide.compute_index`):

``infrastructure_gap``
    fibre to households and to villages, 4G population coverage (higher is
    better), and villages without mobile signal and without power **as
    shares of** ``villages_total`` (higher is worse);
``usage_gap``
    adults using online public services, smartphones and digital payments
    (higher is better).

Copy one and change it: ``divide.analysis.index.preset("default").to_yaml("my.yaml")``.

Examples
--------
>>> sorted(PRESETS)
['default', 'purdue_ddi']
>>> spec = preset("default")
>>> [p.name for p in spec.pillars], spec.normalisation
(['infrastructure_gap', 'usage_gap'], 'goalposts')
"""

from __future__ import annotations

from collections.abc import Callable

from divide._errors import InputError
from divide.analysis.index.spec import IndexSpec, IndicatorSpec, PillarSpec

__all__ = ["PRESETS", "preset", "default_spec", "purdue_ddi"]


def _pillars() -> list[PillarSpec]:
    better, worse = "higher_is_better", "higher_is_worse"
    infrastructure = [
        IndicatorSpec("fiber_households_pct", direction=better, label="Households with fibre (%)"),
        IndicatorSpec("fiber_villages_pct", direction=better, label="Villages with fibre (%)"),
        IndicatorSpec("mobile_4g_pop_pct", direction=better, label="Population covered by 4G (%)"),
        IndicatorSpec("villages_no_signal_pct", column="villages_no_signal", denominator="villages_total",
                      direction=worse, label="Villages without mobile signal (% of villages)"),
        IndicatorSpec("villages_no_power_pct", column="villages_no_power", denominator="villages_total",
                      direction=worse, label="Villages without power (% of villages)"),
    ]
    usage = [
        IndicatorSpec("online_services_pct", direction=better, label="Adults using online public services (%)"),
        IndicatorSpec("smartphone_adults_pct", direction=better, label="Adults with a smartphone (%)"),
        IndicatorSpec("digital_payment_adults_pct", direction=better, label="Adults using digital payments (%)"),
    ]
    return [PillarSpec(name="infrastructure_gap", label="Infrastructure gap", indicators=infrastructure),
            PillarSpec(name="usage_gap", label="Usage gap", indicators=usage)]


def _two_pillar_spec(**choices) -> IndexSpec:
    """The two pillars, equal weights, arithmetic means, missing values re-weighted; ``choices`` set the rest."""
    return IndexSpec(pillars=_pillars(), weighting="equal", pillar_aggregation="arithmetic",
                     index_aggregation="arithmetic", missing="reweight", **choices)


def default_spec() -> IndexSpec:
    """The project default: goalposts 0–100 %, equal weights, arithmetic means, re-weight missing values.

    Goalposts (fixed 0–100 % bounds) keep the scores absolute: a pillar score
    of 30 means the commune is, on average, 30 percentage points short of full
    coverage or usage (and has 30 % of its villages cut off), whatever year or
    subset of communes is scored, and a province's table gives the same scores
    as the national one. Indicators and pillars are weighted equally; a
    missing value is skipped and the pillar's other indicators re-weighted.
    No outlier treatment is needed with fixed bounds.
    """
    return _two_pillar_spec(
        name="default",
        description=(
            "Project default: two pillars (infrastructure_gap, usage_gap), goalposts 0–100 %, equal weights, "
            "arithmetic aggregation; higher = wider divide."
        ),
        source="divide project; construction steps after the OECD/JRC Handbook on Constructing Composite "
        "Indicators (2008)",
        normalisation="goalposts",
        rescale=False,
    )


def purdue_ddi() -> IndexSpec:
    """The method of the Purdue Digital Divide Index, applied to the Vietnamese indicators.

    Source: Purdue Center for Regional Development (PCRD), *Digital Divide
    Index* (R. Gallardo, Purdue University, 2017–2023 updates;
    https://pcrd.purdue.edu/ddi). The DDI of a U.S. county is built in three
    steps: (1) each variable is standardised to a z-score, signed so that a
    higher value means a wider divide; (2) the z-scores of each component
    (infrastructure/adoption "INFA", socioeconomic "SE") are added with equal
    weights and the sum is rescaled to 0–100 (min–max); (3) the two component
    scores are added and rescaled to 0–100 again, higher = wider divide.

    This preset replicates the **method** (z-scores, equal-weight sums,
    min–max rescaling to 0–100 at both levels), not the U.S. variables: the
    components are this project's two pillars. An equal-weight mean and a sum
    give the same result after min–max rescaling. Missing values are skipped
    and re-weighted; no outlier treatment (Purdue applies none).
    """
    return _two_pillar_spec(
        name="purdue_ddi",
        description="Purdue Digital Divide Index method: z-scores, equal-weight sums, rescaled to 0–100 "
        "(pillars and index); higher = wider divide.",
        source="Purdue Center for Regional Development, Digital Divide Index (Gallardo, 2017–2023), "
        "https://pcrd.purdue.edu/ddi",
        normalisation="zscore",
        rescale=True,
        outliers={"method": "none"},
    )


#: Preset name → function returning a fresh :class:`IndexSpec`.
PRESETS: dict[str, Callable[[], IndexSpec]] = {"default": default_spec, "purdue_ddi": purdue_ddi}


def preset(name: str) -> IndexSpec:
    """A fresh copy of a preset spec by name (``"default"``, ``"purdue_ddi"``; ``"purdue"`` also works).

    Examples
    --------
    >>> preset("purdue").normalisation
    'zscore'
    """
    key = str(name).strip().lower().replace("-", "_")
    key = {"purdue": "purdue_ddi", "ddi": "purdue_ddi", "project": "default"}.get(key, key)
    if key not in PRESETS:
        raise InputError(f"unknown preset {name!r}", where="preset", fix=f"choose one of: {', '.join(PRESETS)}")
    return PRESETS[key]()
