"""A store of yearly vintages of the commune indicator table, so the data stay live ("sống").

One schema, two engines:

* **GeoPackage** (the default, one file): a SQLite database with the GeoPackage header tables
  (``gpkg_spatial_ref_sys``, ``gpkg_contents``, ``gpkg_geometry_columns``, application id ``GPKG``) and
  two attribute tables registered in ``gpkg_contents``, so GDAL, QGIS and :mod:`pyogrio` open it;
* **PostgreSQL** with PostGIS for a shared deployment (``postgresql://user@host/db``), through
  SQLAlchemy and psycopg.

Tables: ``divide_vintages`` (one row per year: when it was added, its source file and checksum, whether
it is modeled, the codes it came with, its columns and their types, notes) and ``divide_vintage_values``
(one row per year, commune and measure: ``value``, NULL when missing). Writes are transactional: an add
that fails or is interrupted leaves the store as it was; adding a year that is there already asks for
``replace=True`` (``--replace``).

The store keeps tables on the 2025 communes (``commune_code``); ``divide store add`` reads, validates
and crosswalks a file first (:func:`divide.analysis.progress.read_vintage`).

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "vintages.gpkg")
>>> t = pd.DataFrame({"fiber_households_pct": [50.0, None]}, index=pd.Index(["03388", "03391"],
...                  name="commune_code"))
>>> store.add(t, 2023)
2023
>>> store.add(t, 2023)
Traceback (most recent call last):
...
divide._errors.InputError: ...vintages.gpkg: the store already holds the vintage 2023
  fix: add --replace (replace=True) to overwrite it, or choose another year
>>> store.list()["year"].tolist(), store.get(2023)["fiber_households_pct"].tolist()
([2023], [50.0, nan])
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from divide import settings
from divide._errors import InputError

__all__ = ["DEFAULT_STORE", "VALUES_TABLE", "VINTAGES_TABLE", "VintageStore", "open_store", "redact"]

#: The embedded default store (a GeoPackage file).
DEFAULT_STORE = Path(getattr(settings, "VINTAGE_STORE", settings.DATA_DIR / "vintages.gpkg"))

VINTAGES_TABLE = "divide_vintages"
VALUES_TABLE = "divide_vintage_values"
_CHUNK = 5000
_TEXT_COLUMNS = ("source", "commune_name", "province_code", "province_name", "vintage")

_GPKG_HEADER = (
    "PRAGMA application_id = 1196444487",
    "PRAGMA user_version = 10300",
    "CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
    "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
    "description TEXT)",
    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', "
    "'undefined cartesian coordinate reference system')",
    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', "
    "'undefined geographic coordinate reference system')",
    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, "
    "'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],"
    "UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]]', 'longitude/latitude WGS 84')",
    "CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
    "identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT "
    "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, "
    "srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
    "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))",
)


def redact(url: str) -> str:
    """The URL with its password hidden, for messages.

    Examples
    --------
    >>> redact("postgresql://me:secret@db.example/divide")
    'postgresql://me:***@db.example/divide'
    """
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(url))


def _tables(metadata):
    from sqlalchemy import Boolean, Column, Float, Integer, Table, Text, UniqueConstraint

    vintages = Table(
        VINTAGES_TABLE, metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("year", Integer, nullable=False, unique=True),
        *[Column(name, Text, nullable=False) for name in ("label", "added", "source")],
        Column("sha256", Text),
        Column("modeled", Boolean, nullable=False),
        Column("codes", Text, nullable=False),
        Column("n_communes", Integer, nullable=False),
        *[Column(name, Text, nullable=False) for name in ("columns", "notes")],
    )
    values = Table(
        VALUES_TABLE, metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("year", Integer, nullable=False, index=True),
        Column("commune_code", Text, nullable=False),
        Column("measure", Text, nullable=False),
        Column("value", Float(precision=53)),
        Column("text", Text),
        UniqueConstraint("year", "commune_code", "measure", name="uq_divide_vintage_values"),
    )
    return vintages, values


class VintageStore:
    """Vintages of the commune indicator table in a GeoPackage file or a PostgreSQL database.

    Use :func:`open_store`. Methods: :meth:`add`, :meth:`list`, :meth:`get`, :meth:`vintages`,
    :meth:`remove`.

    Attributes
    ----------
    url
        What was opened (a path or a redacted database URL).
    kind
        ``"geopackage"`` or ``"postgresql"``.
    """

    def __init__(self, engine: Any, url: str, kind: str) -> None:
        from sqlalchemy import MetaData

        self.engine = engine
        self.url = url
        self.kind = kind
        self.metadata = MetaData()
        self.vintages_table, self.values_table = _tables(self.metadata)

    def __repr__(self) -> str:
        return f"VintageStore({self.url!r}, kind={self.kind!r})"

    # -- schema
    def ensure_schema(self) -> None:
        """Create the tables (and, in a GeoPackage, the header tables) when missing."""
        from sqlalchemy import text

        with self._connect() as conn:
            if self.kind == "geopackage":
                for statement in _GPKG_HEADER:
                    conn.execute(text(statement))
            self.metadata.create_all(conn)
            if self.kind == "geopackage":
                for name, what in ((VINTAGES_TABLE, "vintages held"), (VALUES_TABLE, "values per commune")):
                    conn.execute(text("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                                      "description) VALUES (:n, 'attributes', :n, :d)"),
                                 {"n": name, "d": f"divide: {what}"})

    def _connect(self):
        """A transaction (``engine.begin()``), with connection failures said plainly."""
        from sqlalchemy.exc import OperationalError

        try:
            return self.engine.begin()
        except OperationalError as exc:
            raise _unreachable(self.url, exc) from None

    # -- reading
    def list(self) -> pd.DataFrame:
        """The vintages held: ``year, label, added, source, sha256, modeled, codes, n_communes, columns``."""
        from sqlalchemy import select

        t = self.vintages_table
        with self._connect() as conn:
            rows = conn.execute(select(t).order_by(t.c.year)).mappings().all()
        frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in t.columns]).drop(columns="fid")
        frame["columns"] = frame["columns"].map(lambda s: ", ".join(json.loads(s)))
        return frame.drop(columns="notes")

    def years(self) -> list[int]:
        """The years held, ascending."""
        from sqlalchemy import select

        t = self.vintages_table
        with self._connect() as conn:
            return [int(r[0]) for r in conn.execute(select(t.c.year).order_by(t.c.year))]

    def get(self, year: int) -> pd.DataFrame:
        """The vintage of ``year`` as it was added (index ``commune_code``, the original column types).

        Raises
        ------
        divide.InputError
            The store has no such year.
        """
        from sqlalchemy import select

        from divide.provenance import mark_modeled

        v, t = self.vintages_table, self.values_table
        with self._connect() as conn:
            meta = conn.execute(select(v).where(v.c.year == int(year))).mappings().first()
            if meta is None:
                raise InputError(f"the store has no vintage {year}", path=self.url,
                                 fix=f"`divide store list` shows the years held ({', '.join(map(str, self.years()))})")
            rows = conn.execute(select(t.c.commune_code, t.c.measure, t.c.value, t.c.text)
                                .where(t.c.year == int(year))).all()
        long = pd.DataFrame(rows, columns=["commune_code", "measure", "value", "text"])
        types: dict[str, str] = json.loads(meta["columns"])
        codes = sorted(set(long["commune_code"]))
        index = pd.Index(codes, name="commune_code", dtype="str")
        numbers = long.pivot(index="commune_code", columns="measure", values="value").reindex(index)
        texts = long.pivot(index="commune_code", columns="measure", values="text").reindex(index)
        table = pd.DataFrame(index=index)
        for name, dtype in types.items():
            if dtype == "text":
                table[name] = texts[name].astype("str")
            else:
                col = pd.to_numeric(numbers[name], errors="coerce").astype("float64")
                table[name] = col.astype(dtype) if dtype.startswith("int") and col.notna().all() else col
        table.attrs = {"vintage": int(meta["year"]), "source": meta["source"], "store": self.url,
                       "codes": meta["codes"], "notes": json.loads(meta["notes"])}
        if meta["modeled"]:
            mark_modeled(table)
            table.attrs["source"] = meta["source"]
        return table

    def vintages(self) -> dict[int, pd.DataFrame]:
        """Every vintage held: year -> table (for :func:`divide.progress`)."""
        return {year: self.get(year) for year in self.years()}

    # -- writing
    def rows(self, table: pd.DataFrame, year: int, types: dict[str, str]) -> Iterator[dict[str, Any]]:
        """The value rows of a table, one per commune and column (what :meth:`add` writes)."""
        import math

        for name, dtype in types.items():
            col = table[name]
            for code, value in zip(table.index, col.tolist()):
                if dtype == "text":
                    yield {"year": year, "commune_code": code, "measure": name, "value": None,
                           "text": None if value is None or (isinstance(value, float) and math.isnan(value))
                           else str(value)}
                else:
                    value = None if value is None or math.isnan(float(value)) else float(value)
                    yield {"year": year, "commune_code": code, "measure": name, "value": value, "text": None}

    def add(self, table: pd.DataFrame, year: int, *, replace: bool = False, source: str | None = None,
            sha256: str | None = None, codes: str = "2025", notes: list[str] | None = None) -> int:
        """Add the vintage of ``year``, in one transaction; return the year.

        Parameters
        ----------
        table
            Indexed by ``commune_code`` (or with such a column): numeric columns, and text columns among
            ``source``, names and ``vintage``.
        year
            The vintage's year.
        replace
            Overwrite a vintage of that year already held (else an error saying ``--replace``).
        source, sha256, codes, notes
            What the store records about it (file name, checksum, the codes it came with, notes).

        Raises
        ------
        divide.InputError
            The year is held already (without ``replace``), the table has no commune codes or a column is
            neither numeric nor a known text column.
        """
        from sqlalchemy import delete, insert, select

        from divide.provenance import is_modeled

        year = int(year)
        if table.index.name != "commune_code":
            if "commune_code" not in table.columns:
                raise InputError("the table has no commune_code", where=f"vintage {year}",
                                 fix="index the table by commune_code (5-digit 2025 codes)")
            table = table.set_index("commune_code")
        if table.index.has_duplicates:
            raise InputError("commune codes appear twice", where=f"vintage {year}", fix="keep one row per commune")
        types: dict[str, str] = {}
        for name in table.columns:
            if name in _TEXT_COLUMNS or str(table[name].dtype) in ("object", "str", "string"):
                if name not in _TEXT_COLUMNS:
                    raise InputError(f"column {name!r} is not numeric", where=f"vintage {year}",
                                     fix="store numbers only (plus source, names, vintage)")
                types[str(name)] = "text"
            else:
                types[str(name)] = "int64" if str(table[name].dtype).startswith("int") else "float64"
        v, t = self.vintages_table, self.values_table
        table = table.copy()
        table.index = [str(c) for c in table.index]
        with self._connect() as conn:
            held = conn.execute(select(v.c.year).where(v.c.year == year)).first()
            if held is not None and not replace:
                raise InputError(f"the store already holds the vintage {year}", path=self.url,
                                 fix="add --replace (replace=True) to overwrite it, or choose another year")
            if held is not None:
                conn.execute(delete(t).where(t.c.year == year))
                conn.execute(delete(v).where(v.c.year == year))
            conn.execute(insert(v), [{
                "year": year, "label": str(table.attrs.get("vintage", year)),
                "added": datetime.now(UTC).isoformat(timespec="seconds"),
                "source": source or str(table.attrs.get("source") or "table"), "sha256": sha256,
                "modeled": bool(is_modeled(table)), "codes": codes, "n_communes": int(len(table)),
                "columns": json.dumps(types), "notes": json.dumps(list(notes or []), ensure_ascii=False)}])
            chunk: list[dict[str, Any]] = []
            for row in self.rows(table, year, types):
                chunk.append(row)
                if len(chunk) >= _CHUNK:
                    conn.execute(insert(t), chunk)
                    chunk = []
            if chunk:
                conn.execute(insert(t), chunk)
        return year

    def remove(self, year: int) -> None:
        """Remove the vintage of ``year`` (in one transaction)."""
        from sqlalchemy import delete

        v, t = self.vintages_table, self.values_table
        with self._connect() as conn:
            conn.execute(delete(t).where(t.c.year == int(year)))
            conn.execute(delete(v).where(v.c.year == int(year)))

    def dispose(self) -> None:
        """Close the connections."""
        self.engine.dispose()


def _unreachable(url: str, exc: Exception) -> InputError:
    first = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"cannot reach the store: {first}", path=redact(url),
                      fix="check the URL (postgresql://user@host:port/database or a .gpkg file), that the server "
                          "runs and accepts the connection, and the password")


def open_store(url: str | Path | None = None, *, create: bool = True) -> VintageStore:
    """Open (and create when missing) a vintage store.

    Parameters
    ----------
    url
        A ``.gpkg`` file (default :data:`DEFAULT_STORE`), or ``postgresql://user[:password]@host[:port]/db``
        (also ``postgresql+psycopg://``; a unix socket as ``postgresql://user@/db?host=/run/postgresql``).
    create
        Create the file and the tables when missing; with ``False`` a missing GeoPackage is an error.

    Returns
    -------
    VintageStore

    Raises
    ------
    divide.InputError
        The server cannot be reached, the file is missing (``create=False``) or not a ``.gpkg``.

    Examples
    --------
    >>> open_store("postgresql://nobody@127.0.0.1:1/none")
    Traceback (most recent call last):
    ...
    divide._errors.InputError: postgresql://nobody@127.0.0.1:1/none: cannot reach the store: ...
      fix: check the URL (postgresql://user@host:port/database or a .gpkg file), that the server runs and accepts the connection, and the password
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import OperationalError

    text = str(url) if url is not None else str(DEFAULT_STORE)
    if re.match(r"^postgres(ql)?(\+psycopg)?://", text):
        dsn = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", text)
        engine = create_engine(dsn, connect_args={"connect_timeout": 5}, pool_pre_ping=True)
        store = VintageStore(engine, redact(text), "postgresql")
        try:
            store.ensure_schema()
        except OperationalError as exc:
            engine.dispose()
            raise _unreachable(text, exc) from None
        return store
    path = Path(text.removeprefix("gpkg:")).expanduser()
    if path.suffix.lower() != ".gpkg":
        raise InputError(f"{text!r} is not a store", where="--store",
                         fix="give a .gpkg file or a postgresql://user@host/database URL")
    if not path.exists():
        if not create:
            raise InputError("no vintage store here", path=path,
                             fix="add a vintage first: divide store add FILE --year 2024 --store " + str(path))
        if not path.parent.exists():
            raise InputError("the folder of the store does not exist", path=path, fix="create the folder first")
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # pragma: no cover - wiring
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN/COMMIT drive transactions

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - wiring
        conn.exec_driver_sql("BEGIN")

    store = VintageStore(engine, str(path), "geopackage")
    try:
        store.ensure_schema()
    except OperationalError as exc:
        engine.dispose()
        raise InputError(f"cannot open the store: {str(exc.orig).splitlines()[0]}", path=path,
                         fix="check that the file is a GeoPackage written by divide and is not locked") from None
    return store
