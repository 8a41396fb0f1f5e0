"""The vintage store: GeoPackage and PostgreSQL/PostGIS, transactional adds, identical results.

The PostgreSQL tests start a real server: ``DIVIDE_TEST_PG_URL`` when set, else a throw-away cluster
(``initdb`` + ``pg_ctl`` of Debian's ``postgresql``, on a unix socket in a temporary folder, no TCP),
with the ``postgis`` extension created. Without the server binaries they fail when ``CI`` is set and
skip otherwise.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.progress import progress
from divide.indicators.store import VintageStore, open_store
from divide.modeled.vintages import model_vintages


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install Debian's postgresql and postgis)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url():
    """A PostgreSQL database with PostGIS for the session, stopped at the end."""
    given = os.environ.get("DIVIDE_TEST_PG_URL")
    if given:
        yield given
        return
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        _missing("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
    bindir = Path(initdb[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="divide-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        for path in (base, sock):
            shutil.chown(path, "postgres", "postgres")

    def run(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120)

    done = run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    assert done.returncode == 0, done.stderr
    done = run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "server.log"),
               "-o", f"-k {sock} -c listen_addresses='' -F", "start")
    assert done.returncode == 0, done.stderr + (base / "server.log").read_text()
    try:
        psql = [str(bindir / "psql"), "-h", str(sock), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        done = run(*psql, "-d", "postgres", "-c", "CREATE DATABASE divide_test")
        assert done.returncode == 0, done.stderr
        done = run(*psql, "-d", "divide_test", "-c", "CREATE EXTENSION postgis")
        if done.returncode != 0:
            _missing(f"the postgis extension is not installed: {done.stderr.strip()}")
        yield f"postgresql://postgres@/divide_test?host={sock}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def lai_chau():
    return divide.load_communes("Lai Châu")


@pytest.fixture(scope="module")
def vintages(lai_chau):
    return model_vintages(lai_chau)




# ------------------------------------------------------------------ GeoPackage


def test_geopackage_round_trip_identical_and_a_real_gpkg(tmp_path, vintages):
    import pyogrio

    path = tmp_path / "v.gpkg"
    store = open_store(path)
    original = vintages[2023]
    store.add(original, 2023, source="modeled")
    back = store.get(2023)
    pd.testing.assert_frame_equal(back, original, check_index_type=False, check_column_type=False,
                                  check_dtype=True, check_names=True)
    assert back.attrs["modeled"] and back.attrs["label"] == divide.provenance.LABEL
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"divide_vintages", "divide_vintage_values"} <= layers
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    listed = store.list()
    assert listed["year"].tolist() == [2023] and listed["modeled"].tolist() == [True]


def test_adding_a_year_twice_asks_for_replace(tmp_path, vintages):
    store = open_store(tmp_path / "v.gpkg")
    store.add(vintages[2022], 2022)
    with pytest.raises(InputError, match="already holds the vintage 2022") as err:
        store.add(vintages[2023], 2022)
    assert "--replace" in str(err.value)
    pd.testing.assert_frame_equal(store.get(2022), vintages[2022], check_index_type=False)
    store.add(vintages[2023], 2022, replace=True)
    pd.testing.assert_frame_equal(store.get(2022), vintages[2023], check_index_type=False)


@pytest.mark.parametrize("replace", [False, True])
def test_interrupted_add_leaves_the_store_as_it_was(tmp_path, vintages, monkeypatch, replace):
    store = open_store(tmp_path / "v.gpkg")
    store.add(vintages[2022], 2022)
    before = store.list(), store.get(2022)
    real_rows = VintageStore.rows

    def interrupted(self, table, year, types):
        for i, row in enumerate(real_rows(self, table, year, types)):
            if i == 120:  # past the first chunks written
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr("divide.indicators.store._CHUNK", 50)
    monkeypatch.setattr(VintageStore, "rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.add(vintages[2024], 2022 if replace else 2024, replace=replace)
    monkeypatch.undo()
    after = open_store(tmp_path / "v.gpkg")
    pd.testing.assert_frame_equal(after.list(), before[0])
    pd.testing.assert_frame_equal(after.get(2022), before[1])
    assert after.years() == [2022]


def test_missing_store_and_unreachable_url(tmp_path):
    with pytest.raises(InputError, match="no vintage store here"):
        open_store(tmp_path / "none.gpkg", create=False)
    with pytest.raises(InputError, match="cannot reach the store") as err:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(err.value)
    with pytest.raises(InputError, match="not a store"):
        open_store(tmp_path / "x.csv")
    with pytest.raises(InputError, match="no vintage 2019"):
        open_store(tmp_path / "y.gpkg").get(2019)


# ------------------------------------------------------------------ PostgreSQL + PostGIS


def test_postgis_round_trip_identical(pg_url, vintages):
    from sqlalchemy import text

    store = open_store(pg_url)
    for year in store.years():
        store.remove(year)
    store.add(vintages[2024], 2024, source="modeled")
    pd.testing.assert_frame_equal(store.get(2024), vintages[2024], check_index_type=False)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT extname FROM pg_extension WHERE extname = 'postgis'")).scalar() == "postgis"
    with pytest.raises(InputError, match="--replace"):
        store.add(vintages[2024], 2024)
    store.dispose()


def test_geopackage_and_postgis_give_identical_results(tmp_path, pg_url, vintages, lai_chau):
    gpkg, pg = open_store(tmp_path / "v.gpkg"), open_store(pg_url)
    for year in pg.years():
        pg.remove(year)
    for year, table in vintages.items():
        if year == min(vintages):
            continue  # the store holds 2025-coded tables
        gpkg.add(table, year)
        pg.add(table, year)
    a = progress(gpkg.vintages(), communes=lai_chau)
    b = progress(pg.vintages(), communes=lai_chau)
    for name in ("communes", "provinces", "national", "gaps", "gap_changes"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(gpkg.list().drop(columns="added"), pg.list().drop(columns="added"))
    pg.dispose()


# ------------------------------------------------------------------ the door


def test_cli_store_add_list_and_progress_from_the_store(tmp_path, vintages, capsys):
    from divide.cli.app import build_parser
    from divide.cli.progress import add_parser as add_progress
    from divide.cli.store import add_parser as add_store

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, add in (("store", add_store), ("progress", add_progress)):
        if name not in sub.choices:
            add(sub)
    store = tmp_path / "v.gpkg"
    for year in (2022, 2024):
        f = tmp_path / f"xa_{year}.csv"
        vintages[year].reset_index().to_csv(f, index=False)
        args = parser.parse_args(["store", "add", str(f), "--year", str(year), "--store", str(store)])
        assert args.handler(args) == 0
    args = parser.parse_args(["store", "add", str(tmp_path / "xa_2024.csv"), "--year", "2024", "--store", str(store)])
    with pytest.raises(InputError, match="--replace"):
        args.handler(args)
    args = parser.parse_args(["store", "list", "--store", str(store)])
    assert args.handler(args) == 0
    assert "2 vintages" in capsys.readouterr().out
    out = tmp_path / "out"
    args = parser.parse_args(["-q", "progress", "--store", str(store), "--province", "Lai Châu", "--out", str(out)])
    assert args.handler(args) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [v["year"] for v in manifest["parameters"]["vintages"]] == [2022, 2024]
    assert manifest["inputs"][0]["path"].endswith("v.gpkg")
