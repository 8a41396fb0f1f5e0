"""Shared fixtures: the national commune layer and the Hà Nội + Lai Châu subset."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


def _ensure_built() -> None:
    """The derived geography is built by `python -m divide.build`; build it once if missing."""
    from divide.geography import communes as admin

    if not admin.ADMIN_GPKG.exists():
        subprocess.run([sys.executable, "-m", "divide.build"], cwd=ROOT, check=True)


_ensure_built()


@pytest.fixture(scope="session")
def communes():
    """All 3,321 communes of 2025 (GeoDataFrame indexed by commune_code)."""
    import divide

    return divide.load_communes()


@pytest.fixture(scope="session")
def subset():
    """The 164 communes of Hà Nội (01) and Lai Châu (12): urban core and remote mountains."""
    import divide

    gdf = divide.load_communes()
    return gdf[gdf["province_code"].isin(["01", "12"])].copy()


@pytest.fixture(scope="session")
def index_of():
    """``index_of(communes)``: the real divide index of the communes, with the indicators it was made from.

    The modeled indicators (:func:`divide.model_indicators`) joined with the ``"default"`` index
    (:func:`divide.compute_index`: pillars, ``divide_index``, ranks, tiers), on ``communes.index``,
    labelled modeled. Cached per set of communes (the table is never modified by the tests that share it).
    """
    import divide
    from divide.provenance import carry

    made: dict[tuple, object] = {}

    def make(communes):
        key = tuple(communes.index)
        if key not in made:
            indicators = divide.model_indicators(communes)
            scores = divide.compute_index(indicators, "default", communes=communes).scores
            made[key] = carry(indicators, indicators.join(scores))
        return made[key].copy()

    return make


@pytest.fixture()
def test_data() -> Path:
    return TEST_DATA


# Property-based tests explore new examples on a developer's machine; in CI they replay a fixed
# sequence so that a run is reproducible (a failure found locally is kept in .hypothesis/).
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if __import__("os").environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass
