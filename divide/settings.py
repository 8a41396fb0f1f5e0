"""Paths, coordinate reference systems and seeds, declared once for the package.

Every file the library reads or writes by default is named here, and only here.

The data live in the repository (``data/``, ``shapefiles/``). An installed copy
that is not an editable install finds them through ``DIVIDE_ROOT`` (the folder
that holds ``data/`` and ``shapefiles/``); :func:`require_data_root` says so
when they cannot be found. The small Hà Nội + Lai Châu dataset inside the
package (:data:`PACKAGE_DATA_DIR`) is always there.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ROOT",
    "DATA_DIR",
    "SHAPEFILES_DIR",
    "PACKAGE_DATA_DIR",
    "CACHE_DIR",
    "ADMIN_GPKG",
    "SOURCE_COMMUNES",
    "SOURCE_SUBSET",
    "POPULATION_GRID",
    "POPULATION_GRID_2000",
    "COMMUNES_CSV",
    "BUILD_REPORT",
    "ADMIN_DIR",
    "RAW_CROSSWALK",
    "RAW_COMMUNES_PRE2025",
    "CROSSWALK_CSV",
    "COMMUNES_PRE2025_CSV",
    "CROSSWALK_REPORT_JSON",
    "README_CROSSWALK",
    "LEGACY_CENTROIDS_CSV",
    "INDICATORS_DIR",
    "DTI_2022_CSV",
    "DTI_2022_2025_CSV",
    "FACTS_CSV",
    "MODELED_DIR",
    "MODELED_FILES",
    "OBSERVED_DIR",
    "VINTAGE_STORE",
    "OBSERVED_GATHERED_DIR",
    "OBSERVED_GATHERED_REPORTS_CSV",
    "OBSERVED_GATHERED_DTI_2024_CSV",
    "REPORTED_VILLAGES_CSV",
    "DTI_2024_2025_CSV",
    "GEOGRAPHIC_CRS",
    "PROJECTED_CRS",
    "DEFAULT_SEED",
    "REFORM_DATE",
    "require_data_root",
]

_PACKAGE = Path(__file__).resolve().parent

#: Repository root (the folder holding ``data/`` and ``shapefiles/``). ``DIVIDE_ROOT``
#: overrides it, for an installed copy that keeps its data elsewhere.
ROOT = Path(os.environ.get("DIVIDE_ROOT", _PACKAGE.parent))
DATA_DIR = ROOT / "data"
SHAPEFILES_DIR = ROOT / "shapefiles"

#: The small dataset inside the package (Hà Nội + Lai Châu, example user files): see its README.
PACKAGE_DATA_DIR = _PACKAGE / "datasets"

#: Where derived files go when the repository cannot be written (``DIVIDE_CACHE`` overrides it).
CACHE_DIR = Path(os.environ.get("DIVIDE_CACHE", Path.home() / ".cache" / "divide"))

# -- geography: sources and the derived layer
SOURCE_COMMUNES = SHAPEFILES_DIR / "source" / "communes_2025.gpkg"
SOURCE_SUBSET = SHAPEFILES_DIR / "source" / "communes_2025_hanoi_laichau.gpkg"
POPULATION_GRID = DATA_DIR / "population" / "vnm_ppp_2020_1km_Aggregated_UNadj.tif"
POPULATION_GRID_2000 = DATA_DIR / "population" / "vnm_ppp_2000_1km_Aggregated_UNadj.tif"
#: The derived commune and province layer (built on first use, see ``divide.geography.communes``).
ADMIN_GPKG = SHAPEFILES_DIR / "admin_2025.gpkg"
COMMUNES_CSV = DATA_DIR / "communes_2025.csv"
BUILD_REPORT = DATA_DIR / "build_report.json"

# -- the official crosswalk and the pre-2025 register
ADMIN_DIR = DATA_DIR / "admin"
RAW_CROSSWALK = ADMIN_DIR / "gso_crosswalk_old_new_2025-07_raw.csv"
RAW_COMMUNES_PRE2025 = ADMIN_DIR / "gso_communes_pre2025_2025-07-18.csv"
CROSSWALK_CSV = ADMIN_DIR / "crosswalk_2025.csv"
COMMUNES_PRE2025_CSV = ADMIN_DIR / "communes_pre2025.csv"
CROSSWALK_REPORT_JSON = ADMIN_DIR / "crosswalk_2025_report.json"
README_CROSSWALK = ADMIN_DIR / "README_crosswalk.md"
LEGACY_CENTROIDS_CSV = ADMIN_DIR / "legacy_commune_centroids_vietnamadminunits.csv"

# -- indicators, facts, observed reports
INDICATORS_DIR = DATA_DIR / "indicators"
DTI_2022_CSV = INDICATORS_DIR / "dti_2022_province_ranks.csv"
DTI_2022_2025_CSV = INDICATORS_DIR / "dti_2022_provinces_2025.csv"
FACTS_CSV = DATA_DIR / "facts.csv"
OBSERVED_DIR = DATA_DIR / "observed"
#: The default vintage store (a GeoPackage; ``divide store`` and ``divide progress --store``).
VINTAGE_STORE = DATA_DIR / "vintages.gpkg"
OBSERVED_GATHERED_DIR = OBSERVED_DIR / "gathered"
OBSERVED_GATHERED_REPORTS_CSV = OBSERVED_GATHERED_DIR / "village_reports.csv"
OBSERVED_GATHERED_DTI_2024_CSV = OBSERVED_GATHERED_DIR / "dti_2024_provinces.csv"
#: The register of villages named in public reports (built by ``python -m divide.indicators.observed``).
REPORTED_VILLAGES_CSV = OBSERVED_DIR / "reported_villages.csv"
DTI_2024_2025_CSV = INDICATORS_DIR / "dti_2024_provinces_2025.csv"

# -- the modeled demonstration dataset (every file name says "modeled")
MODELED_DIR = DATA_DIR / "modeled"
MODELED_FILES = {
    "indicators": "indicators_2025_modeled.csv",
    "villages": "villages_2025_modeled.gpkg",
    "metadata": "modeled_metadata.json",
}

#: CRS of every geometry on disk and returned by the loaders.
GEOGRAPHIC_CRS = "EPSG:4326"

#: The one projected CRS used for areas and distances: an Albers equal-area
#: conic fitted to Vietnam (standard parallels 10°N and 21°N, centred on
#: 16°N 106°E, WGS 84). Areas are exact; between 8°N and 23.5°N the linear
#: scale error along meridians and parallels stays below 1.6 %, so
#: centroid-to-centroid distances are good to about that much.
PROJECTED_CRS = (
    "+proj=aea +lat_0=16 +lon_0=106 +lat_1=10 +lat_2=21 "
    "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)

#: Default seed for every random step (modeled data, permutations, clustering).
DEFAULT_SEED = 20250701

#: The date the two-tier local government (34 provinces, 3,321 communes) took effect.
REFORM_DATE = "2025-07-01"


def require_data_root() -> Path:
    """The repository data folder, or a clear error saying how to point the package at it.

    Examples
    --------
    >>> require_data_root().name
    'data'
    """
    if SOURCE_COMMUNES.exists() and POPULATION_GRID.exists():
        return DATA_DIR
    from divide._errors import DataNotFoundError

    raise DataNotFoundError(
        "the source data of divide (data/ and shapefiles/source/) are not beside this installation",
        path=ROOT,
        fix="install from a clone with `pip install -e .`, or set DIVIDE_ROOT to the clone's folder "
            "(the one holding data/ and shapefiles/); divide.datasets has the Hà Nội + Lai Châu subset",
    )
