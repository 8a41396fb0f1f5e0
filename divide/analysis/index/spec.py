"""The index specification: indicators → pillars → index, in one readable object.

An :class:`IndexSpec` says which columns enter the index, in which pillar,
in which direction, with which weight, and how they are normalised, treated
for outliers, filled when missing and aggregated. It round-trips through a
plain ``dict`` and YAML, so users can copy a preset, edit it and pass the file
back (``divide index FILE --spec my_spec.yaml``).

Orientation
-----------
The divide index measures **need**: higher = wider divide. Each indicator has
a ``direction``: ``higher_is_better`` (coverage, usage: a higher value means a
smaller divide) or ``higher_is_worse`` (villages without signal: a higher
value means a wider divide). Every normalised score is turned so that higher
means wider divide.

Examples
--------
>>> spec = IndexSpec.from_dict({
...     "name": "mini",
...     "pillars": [{"name": "infrastructure_gap", "indicators": [
...         {"name": "fiber_households_pct", "direction": "higher_is_better"}]}]})
>>> spec.pillars[0].indicators[0].direction
-1
>>> IndexSpec.from_yaml(spec.to_yaml()) == spec
True
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from divide._errors import InputError

__all__ = [
    "NORMALISATIONS",
    "AGGREGATIONS",
    "WEIGHTINGS",
    "MISSING_RULES",
    "IndicatorSpec",
    "PillarSpec",
    "OutlierRule",
    "IndexSpec",
    "direction_code",
]

#: Normalisation methods (see :mod:`divide.analysis.index.normalise`).
NORMALISATIONS = ("goalposts", "minmax", "zscore", "rank", "distance_to_target")
#: Aggregation methods (see :mod:`divide.analysis.index.aggregate`).
AGGREGATIONS = ("arithmetic", "geometric", "exponential")
#: Weighting schemes (see :mod:`divide.analysis.index.weights`).
WEIGHTINGS = ("equal", "user", "pca")
#: Missing-value rules: skip the value and re-weight within the pillar, or
#: fill it with the median of the commune's province (national median when the
#: whole province is missing).
MISSING_RULES = ("reweight", "impute_province_median")

#: Normalisations whose bounds come from the data (outlier treatment applies
#: to these; goalposts and ranks do not need it).
DATA_DRIVEN = ("minmax", "zscore", "distance_to_target")

_DIRECTION_WORDS = {
    "higher_is_better": -1,
    "better": -1,
    "lower_is_worse": -1,
    "-1": -1,
    "higher_is_worse": 1,
    "worse": 1,
    "lower_is_better": 1,
    "1": 1,
    "+1": 1,
}


def direction_code(value: Any, *, where: str = "direction") -> int:
    """Turn a direction word or number into -1 (higher is better) or +1 (higher is worse).

    Examples
    --------
    >>> direction_code("higher_is_better"), direction_code(1), direction_code("higher_is_worse")
    (-1, 1, 1)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (-1, 1):
            return int(value)
    elif isinstance(value, str):
        raw = value.strip()
        if raw in _DIRECTION_WORDS:
            return _DIRECTION_WORDS[raw]
        key = raw.lower().replace(" ", "_").replace("-", "_")
        if key in _DIRECTION_WORDS:
            return _DIRECTION_WORDS[key]
    raise InputError(
        f"unknown direction {value!r}",
        where=where,
        fix="write higher_is_better (coverage, usage) or higher_is_worse (villages without signal)",
    )


def _direction_word(code: int) -> str:
    return "higher_is_better" if code < 0 else "higher_is_worse"


def _number(value: Any, where: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{value!r} is not a number", where=where, fix="write a number") from None
    if not math.isfinite(out):
        raise InputError(f"{value!r} is not a finite number", where=where, fix="write a finite number")
    return out


def _choice(value: Any, options: tuple[str, ...], where: str) -> str:
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"min_max": "minmax", "z_score": "zscore", "z": "zscore", "percentile": "rank",
               "distance": "distance_to_target", "target": "distance_to_target", "mean": "arithmetic",
               "linear": "arithmetic", "imd": "exponential", "impute": "impute_province_median",
               "province_median": "impute_province_median", "skip": "reweight", "winsorize": "winsorise"}
    text = aliases.get(text, text)
    if text not in options:
        raise InputError(f"unknown value {value!r}", where=where, fix=f"choose one of: {', '.join(options)}")
    return text


def _check_keys(data: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(map(repr, unknown))}",
            where=where,
            fix=f"allowed keys: {', '.join(sorted(allowed))}",
        )


@dataclass
class IndicatorSpec:
    """One indicator of a pillar.

    Attributes
    ----------
    name
        Name of the normalised score (a column of ``IndexResult.normalised``).
    column
        Column of the input table (default: ``name``).
    direction
        -1 = higher value means smaller divide (``higher_is_better``);
        +1 = higher value means wider divide (``higher_is_worse``).
    weight
        Weight within the pillar (used when the spec's ``weighting`` is ``"user"``).
    denominator
        Optional column to divide by: the indicator becomes
        ``100 * column / denominator`` (a share in %), NaN where the
        denominator is 0 or missing.
    normalisation
        Overrides the spec's normalisation for this indicator.
    goalposts
        ``(low, high)`` bounds of the ``goalposts`` method in the indicator's
        units (default ``(0, 100)``); values beyond them are clipped.
    target
        Target of the ``distance_to_target`` method (default: the best
        goalpost, 100 for ``higher_is_better`` and 0 for ``higher_is_worse``).
    winsorise
        ``False`` exempts this indicator from the outlier rule.
    label
        Human-readable label.
    """

    name: str
    column: str | None = None
    direction: int = -1
    weight: float = 1.0
    denominator: str | None = None
    normalisation: str | None = None
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    winsorise: bool = True
    label: str = ""

    def __post_init__(self) -> None:
        where = f"indicator {self.name!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("an indicator has no name", where="indicators", fix="give every indicator a name")
        if self.column is None:
            self.column = self.name
        self.direction = direction_code(self.direction, where=f"{where}: direction")
        self.weight = _number(self.weight, f"{where}: weight")
        if self.normalisation is not None:
            self.normalisation = _choice(self.normalisation, NORMALISATIONS, f"{where}: normalisation")
        if self.goalposts is not None:
            gp = list(self.goalposts)
            if len(gp) != 2:
                raise InputError("goalposts need two numbers", where=f"{where}: goalposts", fix="write [low, high]")
            lo, hi = (_number(v, f"{where}: goalposts") for v in gp)
            if not hi > lo:
                raise InputError(f"goalposts [{lo}, {hi}]: high must exceed low", where=f"{where}: goalposts",
                                 fix="write [low, high] with low < high, e.g. [0, 100]")
            self.goalposts = (lo, hi)
        self.target = _number(self.target, f"{where}: target", allow_none=True)
        self.winsorise = bool(self.winsorise)

    @property
    def bounds(self) -> tuple[float, float]:
        """The goalposts in force (``(0, 100)`` unless set)."""
        return self.goalposts if self.goalposts is not None else (0.0, 100.0)

    def to_dict(self) -> dict[str, Any]:
        """The indicator as a plain dict (direction as a word), as written in a YAML spec."""
        d = asdict(self)
        d["direction"] = _direction_word(self.direction)
        d["goalposts"] = None if self.goalposts is None else list(self.goalposts)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str) -> IndicatorSpec:
        """An indicator from a mapping of its fields, or from its name alone."""
        if isinstance(data, str):
            return cls(name=data)
        if not isinstance(data, dict):
            raise InputError(f"an indicator must be a mapping, not {type(data).__name__}", where="indicators",
                             fix="write - name: fiber_households_pct")
        _check_keys(data, {f.name for f in fields(cls)}, f"indicator {data.get('name', '?')!r}")
        if "name" not in data:
            raise InputError("an indicator has no name", where="indicators", fix="give every indicator a name")
        return cls(**data)


@dataclass
class PillarSpec:
    """A pillar: indicators aggregated into one score (0–100, higher = wider divide)."""

    name: str
    indicators: list[IndicatorSpec]
    weight: float = 1.0
    label: str = ""

    def __post_init__(self) -> None:
        where = f"pillar {self.name!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("a pillar has no name", where="pillars", fix="give every pillar a name")
        self.indicators = [i if isinstance(i, IndicatorSpec) else IndicatorSpec.from_dict(i) for i in self.indicators]
        if not self.indicators:
            raise InputError("the pillar has no indicators", where=where, fix="list at least one indicator")
        self.weight = _number(self.weight, f"{where}: weight")

    def to_dict(self) -> dict[str, Any]:
        """The pillar as a plain dict, its indicators included."""
        return {"name": self.name, "label": self.label, "weight": self.weight,
                "indicators": [i.to_dict() for i in self.indicators]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PillarSpec:
        """A pillar from a mapping with ``name``, ``indicators`` and optionally ``weight``, ``label``."""
        if not isinstance(data, dict):
            raise InputError("a pillar must be a mapping", where="pillars", fix="write - name: ... indicators: [...]")
        _check_keys(data, {f.name for f in fields(cls)}, f"pillar {data.get('name', '?')!r}")
        if "name" not in data or "indicators" not in data:
            raise InputError("a pillar needs a name and indicators", where=f"pillar {data.get('name', '?')!r}",
                             fix="write - name: usage_gap\n    indicators: [...]")
        return cls(**data)


@dataclass
class OutlierRule:
    """Outlier treatment, as in composite-indicator practice (OECD/JRC Handbook, COINr).

    An indicator is treated when ``|skewness| > skew`` **and**
    ``kurtosis > kurtosis`` (sample skewness and excess kurtosis, bias-corrected
    as pandas ``Series.skew``/``Series.kurt``). Treatment winsorises the tail
    on the side of the skew one value at a time (the k most extreme values are
    set to the next one) until the rule no longer holds, up to ``max_share`` of
    the values. If that is not enough, the values are left as they are and the
    report says ``"unresolved"`` (winsorising further would erase a genuine
    signal, such as the few villages without mobile signal). Only data-driven
    normalisations (min–max, z-score, distance to target) are treated:
    goalposts are fixed and ranks are robust.
    """

    method: str = "winsorise"
    skew: float = 2.0
    kurtosis: float = 3.5
    max_share: float = 0.05

    def __post_init__(self) -> None:
        self.method = _choice(self.method, ("winsorise", "none"), "outliers: method")
        self.skew = _number(self.skew, "outliers: skew")
        self.kurtosis = _number(self.kurtosis, "outliers: kurtosis")
        self.max_share = _number(self.max_share, "outliers: max_share")
        if not 0 <= self.max_share < 0.5:
            raise InputError(f"max_share {self.max_share} is outside [0, 0.5)", where="outliers: max_share",
                             fix="write a share such as 0.05")

    def to_dict(self) -> dict[str, Any]:
        """The rule as a plain dict."""
        return asdict(self)


@dataclass
class IndexSpec:
    """The whole construction of a composite index.

    Attributes
    ----------
    name, description, source
        Identification; ``source`` cites the method.
    pillars
        The pillars, each with its indicators.
    normalisation
        Default normalisation of every indicator (see :data:`NORMALISATIONS`).
    weighting
        ``"user"`` (the weights written in the spec), ``"equal"`` (ignore them)
        or ``"pca"`` (indicator weights within each pillar from the first
        principal component; pillar weights stay as written).
    pillar_aggregation, index_aggregation
        Indicators → pillar and pillars → index (see :data:`AGGREGATIONS`).
    rescale
        Min–max the pillar scores and the index to 0–100 across the communes
        (Purdue DDI). Needed with z-scores; without it the default scores keep
        an absolute meaning (goalposts).
    missing
        Missing-value rule (see :data:`MISSING_RULES`).
    outliers
        :class:`OutlierRule`.
    zero_offset
        Offset of the geometric mean (see :func:`divide.analysis.index.aggregate.geometric`).
    """

    name: str
    pillars: list[PillarSpec]
    description: str = ""
    source: str = ""
    normalisation: str = "goalposts"
    weighting: str = "user"
    pillar_aggregation: str = "arithmetic"
    index_aggregation: str = "arithmetic"
    rescale: bool = False
    missing: str = "reweight"
    outliers: OutlierRule = field(default_factory=OutlierRule)
    zero_offset: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("the spec has no name", where="name", fix="write name: my_index")
        if not isinstance(self.pillars, list) or not self.pillars:
            raise InputError("the spec has no pillars", where="pillars", fix="list at least one pillar")
        self.pillars = [p if isinstance(p, PillarSpec) else PillarSpec.from_dict(p) for p in self.pillars]
        self.normalisation = _choice(self.normalisation, NORMALISATIONS, "normalisation")
        self.weighting = _choice(self.weighting, WEIGHTINGS, "weighting")
        self.pillar_aggregation = _choice(self.pillar_aggregation, AGGREGATIONS, "pillar_aggregation")
        self.index_aggregation = _choice(self.index_aggregation, AGGREGATIONS, "index_aggregation")
        self.missing = _choice(self.missing, MISSING_RULES, "missing")
        self.rescale = bool(self.rescale)
        if isinstance(self.outliers, dict):
            _check_keys(self.outliers, {f.name for f in fields(OutlierRule)}, "outliers")
            self.outliers = OutlierRule(**self.outliers)
        elif self.outliers is None or self.outliers is False:
            self.outliers = OutlierRule(method="none")
        self.zero_offset = _number(self.zero_offset, "zero_offset")
        if self.zero_offset < 0:
            raise InputError("zero_offset must be 0 or more", where="zero_offset", fix="write 1 (the default) or 0")
        self.validate()

    # -- views
    @property
    def indicators(self) -> list[IndicatorSpec]:
        """Every indicator, pillar by pillar."""
        return [i for p in self.pillars for i in p.indicators]

    @property
    def columns(self) -> list[str]:
        """Input columns the spec reads (indicators and denominators)."""
        out: list[str] = []
        for i in self.indicators:
            for c in (i.column, i.denominator):
                if c and c not in out:
                    out.append(c)
        return out

    def method_of(self, indicator: IndicatorSpec) -> str:
        """The normalisation in force for one indicator."""
        return indicator.normalisation or self.normalisation

    # -- checks
    def validate(self) -> IndexSpec:
        """Check the spec as a whole; raise :class:`~divide.InputError` naming the problem."""
        names = [i.name for i in self.indicators]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(f"indicator(s) listed twice: {', '.join(dupes)}", where="pillars",
                             fix="give every indicator a unique name (use column: to read the same column twice)")
        pnames = [p.name for p in self.pillars]
        if len(set(pnames)) != len(pnames) or set(pnames) & set(names):
            raise InputError("pillar names must be unique and differ from indicator names", where="pillars",
                             fix="rename the pillars")
        for p in self.pillars:
            ws = [i.weight for i in p.indicators]
            if any(w < 0 for w in ws):
                bad = [i.name for i in p.indicators if i.weight < 0]
                raise InputError(f"negative weight for {', '.join(bad)}", where=f"pillar {p.name!r}",
                                 fix="weights must be 0 or more")
            if self.weighting == "user" and not sum(ws) > 0:
                raise InputError(f"the indicator weights of pillar {p.name!r} sum to {sum(ws):g}, not a positive "
                                 "number", where=f"pillar {p.name!r}: weights",
                                 fix="give at least one indicator a positive weight")
        pw = [p.weight for p in self.pillars]
        if any(w < 0 for w in pw) or not sum(pw) > 0:
            raise InputError(f"the pillar weights {pw} do not sum to a positive number", where="pillars: weight",
                             fix="give pillars weights of 0 or more, at least one positive")
        for ind in self.indicators:
            if self.method_of(ind) == "zscore":
                if not self.rescale:
                    raise InputError(
                        f"indicator {ind.name!r} is normalised by z-scores, which are not on a 0–100 scale",
                        where="rescale", fix="set rescale: true (as the Purdue preset does) or use minmax/goalposts")
                if self.pillar_aggregation == "geometric":
                    raise InputError(
                        "a geometric mean needs non-negative scores; z-scores are negative for half the communes",
                        where="pillar_aggregation", fix="use arithmetic aggregation with z-scores, or minmax")
        return self

    # -- (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        """A plain dict (JSON and YAML friendly) that :meth:`from_dict` reads back."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "normalisation": self.normalisation,
            "weighting": self.weighting,
            "pillar_aggregation": self.pillar_aggregation,
            "index_aggregation": self.index_aggregation,
            "rescale": self.rescale,
            "missing": self.missing,
            "outliers": self.outliers.to_dict(),
            "zero_offset": self.zero_offset,
            "pillars": [p.to_dict() for p in self.pillars],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexSpec:
        """Build a spec from a dict (as written by :meth:`to_dict` or read from YAML)."""
        if not isinstance(data, dict):
            raise InputError(f"an index spec must be a mapping, not {type(data).__name__}",
                             fix="start the file with name: and pillars:")
        data = copy.deepcopy(data)
        _check_keys(data, {f.name for f in fields(cls)}, "spec")
        if "pillars" not in data:
            raise InputError("the spec has no pillars", where="pillars", fix="list at least one pillar")
        data.setdefault("name", "custom")
        return cls(**data)

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The spec as YAML text (and written to ``path`` when given)."""
        import yaml

        text = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_yaml(cls, source: str | Path) -> IndexSpec:
        """Read a spec from a YAML file path or YAML text."""
        import yaml

        path = None
        text = str(source)
        if isinstance(source, Path) or (("\n" not in text) and text.lower().endswith((".yaml", ".yml", ".json"))):
            path = Path(source)
            if not path.exists():
                raise InputError("spec file not found", path=path, fix="check the path given to --spec")
            text = path.read_text(encoding="utf-8-sig")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"the spec is not valid YAML: {exc}", path=path,
                             fix="check indentation and colons; start from a preset (IndexSpec.to_yaml)") from None
        try:
            return cls.from_dict(data)
        except InputError as exc:
            if path is not None and exc.path is None:
                raise InputError(exc.message, path=path, where=exc.where, fix=exc.fix) from None
            raise

    def copy(self, **changes: Any) -> IndexSpec:
        """A deep copy with top-level fields changed (``spec.copy(normalisation="minmax")``)."""
        data = self.to_dict()
        for key, value in changes.items():
            if isinstance(value, list):
                value = [v.to_dict() if hasattr(v, "to_dict") else v for v in value]
            data[key] = value.to_dict() if hasattr(value, "to_dict") else value
        return IndexSpec.from_dict(data)
