"""The small dataset inside the package: the Hà Nội + Lai Châu communes and example user files.

See ``README.md`` beside this file for sources and sizes. Every docstring
example and notebook can run on it offline, whatever the installation.

Examples
--------
>>> from divide import datasets
>>> sorted(datasets.names())[:2]
['broken_range.csv', 'communes_hanoi_laichau.gpkg']
>>> datasets.communes().groupby("province_name").size().to_dict()
{'Hà Nội': 126, 'Lai Châu': 38}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from divide._errors import DataNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["DIR", "names", "path", "communes"]

DIR = Path(__file__).resolve().parent


def names() -> list[str]:
    """The data files shipped inside the package."""
    return sorted(p.name for p in DIR.iterdir() if p.suffix in {".gpkg", ".csv", ".xlsx"})


def path(name: str) -> Path:
    """Path of one shipped file (see :func:`names`); a clear error for an unknown name."""
    p = DIR / name
    if not p.is_file() or name not in names():
        raise DataNotFoundError(f"no dataset named {name!r} inside the package", path=DIR,
                                fix="use one of: " + ", ".join(names()))
    return p


def communes(layer: str = "communes") -> gpd.GeoDataFrame:
    """The Hà Nội + Lai Châu communes (164) or provinces (2), indexed like ``divide.load_communes``."""
    import geopandas as gpd

    frame = gpd.read_file(path("communes_hanoi_laichau.gpkg"), layer=layer)
    key = "commune_code" if layer == "communes" else "province_code"
    return frame.set_index(key)
