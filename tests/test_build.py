"""The build script, run on the Hà Nội + Lai Châu subset, reproduces the shipped layer."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from divide import build, datasets, settings


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    assert build.main(["--subset", "--out", str(out)]) == 0
    return out


def test_subset_build_writes_layers(built):
    communes = gpd.read_file(built / settings.ADMIN_GPKG.name, layer="communes").set_index("commune_code")
    provinces = gpd.read_file(built / settings.ADMIN_GPKG.name, layer="provinces").set_index("province_code")
    assert len(communes) == 164
    assert provinces["communes"].to_dict() == {"01": 126, "12": 38}
    assert (built / settings.COMMUNES_CSV.name).exists() and (built / settings.BUILD_REPORT.name).exists()


def test_subset_matches_national_layer(built, subset):
    part = pd.read_csv(built / settings.COMMUNES_CSV.name, dtype={"commune_code": str, "province_code": str})
    part = part.set_index("commune_code").sort_index()
    assert part.index.equals(subset.index)
    # Per-commune zonal sums and grid classes do not depend on the other communes.
    pd.testing.assert_series_equal(part["population"], subset["population"], check_dtype=False, rtol=1e-9)
    pd.testing.assert_series_equal(part["area_km2"], subset["area_km2"], check_dtype=False)
    assert (part["degurba"] == subset["degurba"]).all()


def test_shipped_csv_is_what_the_build_writes(communes):
    shipped = pd.read_csv(settings.DATA_DIR / settings.COMMUNES_CSV.name, dtype={"commune_code": str, "province_code": str})
    assert len(shipped) == 3321
    assert shipped["commune_code"].str.len().eq(5).all()
    assert shipped.set_index("commune_code")["population"].sum() == pytest.approx(communes["population"].sum())


def test_the_package_dataset_is_the_subset_build(built):
    """divide/datasets/communes_hanoi_laichau.gpkg holds what `python -m divide.build --subset` writes."""
    for layer in ("communes", "provinces"):
        fresh = gpd.read_file(built / settings.ADMIN_GPKG.name, layer=layer)
        shipped = gpd.read_file(datasets.path("communes_hanoi_laichau.gpkg"), layer=layer)
        pd.testing.assert_frame_equal(shipped.drop(columns="geometry"), fresh.drop(columns="geometry"))
        assert shipped.geometry.geom_equals_exact(fresh.geometry, tolerance=0).all()
