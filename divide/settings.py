"""Paths, coordinate reference systems and seeds, declared once for the package."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ROOT",
    "DATA_DIR",
    "SHAPEFILES_DIR",
    "GEOGRAPHIC_CRS",
    "PROJECTED_CRS",
    "DEFAULT_SEED",
    "REFORM_DATE",
]

#: Repository root. ``DIVIDE_ROOT`` overrides it (for an installed copy that
#: keeps its data elsewhere).
ROOT = Path(os.environ.get("DIVIDE_ROOT", Path(__file__).resolve().parent.parent))
DATA_DIR = ROOT / "data"
SHAPEFILES_DIR = ROOT / "shapefiles"

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
