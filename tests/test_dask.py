"""The dask engine gives the same assignments and aggregates as the in-memory path (2-worker local cluster).

Marked ``national`` (it uses the national commune layer) so that ``-m "not national"`` deselects it;
it runs in the default suite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")
dask_geopandas = pytest.importorskip("dask_geopandas")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def tests_points(communes):
    from divide.modeled.raw_layers import model_speed_tests

    pts = model_speed_tests(300_000, communes, seed=7)
    # a few rows on exact boundary vertices and one empty geometry, to exercise the rule and the count
    import geopandas as gpd
    import shapely

    xy = shapely.get_coordinates(communes.geometry.values)[::997][:200]
    extra = gpd.GeoDataFrame({"download_mbps": 10.0, "upload_mbps": 2.0, "tests": 1, "source": "modeled"},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326,
                             index=pd.RangeIndex(len(pts), len(pts) + len(xy), name="test_id"))
    out = pd.concat([pts, extra])
    out.attrs = pts.attrs
    return out


HOW = {"download_mbps": ["median", "mean", "min", "max"], "upload_mbps": ["median", "sum"], "tests": "sum"}


def test_dask_assignment_identical(client, communes, tests_points):
    from divide.raw.points import assign_points

    mem = assign_points(tests_points, communes)
    dsk = assign_points(tests_points, communes, engine="dask", npartitions=4, client=client)
    pd.testing.assert_series_equal(dsk, mem, check_exact=True)
    assert dsk.isna().sum() == mem.isna().sum() > 1000  # the modeled share at sea / abroad
    assert dsk.attrs["points_report"]["n_outside"] == mem.attrs["points_report"]["n_outside"]


def test_dask_aggregates_equal_in_memory(client, communes, tests_points):
    from divide.raw.points import aggregate_points

    mem = aggregate_points(tests_points, communes, how=HOW, weights="tests")
    dsk = aggregate_points(tests_points, communes, how=HOW, weights="tests", engine="dask", npartitions=5,
                           client=client)
    assert dsk.index.equals(communes.index)
    assert list(dsk.columns) == list(mem.columns)
    # counts, medians, minima and maxima are identical; sums agree to rounding (other summation order)
    exact = ["points", "download_mbps_median", "upload_mbps_median", "download_mbps_min", "download_mbps_max"]
    pd.testing.assert_frame_equal(dsk[exact], mem[exact], check_exact=True)
    pd.testing.assert_frame_equal(dsk, mem, check_exact=False, rtol=1e-12)
    assert dsk.attrs["points_report"]["n_outside"] == mem.attrs["points_report"]["n_outside"] > 1000
    assert dsk.attrs["modeled"] is True
    assert int(mem["points"].sum()) + mem.attrs["points_report"]["n_outside"] == len(tests_points)


def test_dask_geopandas_collection(client, communes, tests_points):
    from divide.raw.points import aggregate_points

    sample = tests_points.iloc[:60_000]
    ddf = dask_geopandas.from_geopandas(sample, npartitions=3)
    mem = aggregate_points(sample, communes, how={"download_mbps": "median"})
    dsk = aggregate_points(ddf, communes, how={"download_mbps": "median"}, engine="dask", client=client)
    pd.testing.assert_frame_equal(dsk, mem, check_exact=True)
    assert np.isfinite(dsk["download_mbps_median"]).sum() > 500
