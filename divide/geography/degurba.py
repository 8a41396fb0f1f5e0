"""Degree of urbanisation from a population grid (GHSL / Eurostat method, stage 1).

The grid rules follow *Applying the Degree of Urbanisation* (European
Commission, Eurostat, FAO, ILO, OECD, UN-Habitat, World Bank, 2021), applied to
the WorldPop 2020 1 km grid (30 arc-seconds, so a cell is 0.79–0.92 km² in
Vietnam and its density is its population divided by its true area):

* **urban centre**: cells with at least 1,500 inhabitants per km², grouped by
  4-connectivity (edges only), whose group holds at least 50,000 people;
  holes of under 15 km² inside a centre are filled (they join it).
* **urban cluster**: cells with at least 300 inhabitants per km², grouped by
  8-connectivity (edges and corners), whose group holds at least 5,000 people,
  and that are not part of an urban centre.
* **rural grid cell**: every other cell.

Not applied, and so a known simplification: the majority-rule edge smoothing of
urban centres, and the 50 % built-up criterion (no built-up layer is shipped).

A commune is then classified by where its residents live (level 1 of the
method): a **city** if at least half its population lives in urban-centre
cells, **rural** if at least half lives in rural grid cells, otherwise a
**town or suburb** (``town_suburb``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GRID_CLASSES", "DEGURBA_CLASSES", "cell_area_km2", "classify_grid", "classify_units"]

#: Codes of the grid classes, as stored in the class raster.
GRID_CLASSES = {1: "urban_centre", 2: "urban_cluster", 3: "rural_grid"}
#: Commune classes, most urban first.
DEGURBA_CLASSES = ("city", "town_suburb", "rural")

CENTRE_DENSITY = 1500.0
CENTRE_POPULATION = 50_000.0
CENTRE_MAX_HOLE_KM2 = 15.0
CLUSTER_DENSITY = 300.0
CLUSTER_POPULATION = 5_000.0

_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3


def cell_area_km2(top: float, cell_deg: float, n_rows: int) -> np.ndarray:
    """Area in km² of one cell in each row of a regular latitude/longitude grid.

    The cell is taken as a rectangle whose sides are the meridional and
    prime-vertical arc lengths of WGS 84 at the cell's central latitude (for
    1 km cells the error is far below 0.1 %).

    Parameters
    ----------
    top
        Latitude of the grid's top edge, degrees.
    cell_deg
        Cell size in degrees (square cells).
    n_rows
        Number of rows.

    Examples
    --------
    >>> a = cell_area_km2(21.0, 1 / 120, 1)
    >>> round(float(a[0]), 3)
    0.799
    """
    lat_mid = np.radians(top - (np.arange(n_rows) + 0.5) * cell_deg)
    sin2 = np.sin(lat_mid) ** 2
    # Radii of curvature of the ellipsoid (meridional M and prime vertical N).
    m = _WGS84_A * (1 - _WGS84_E2) / (1 - _WGS84_E2 * sin2) ** 1.5
    n = _WGS84_A / np.sqrt(1 - _WGS84_E2 * sin2)
    d = np.radians(cell_deg)
    return (m * d) * (n * np.cos(lat_mid) * d) / 1e6


def _cluster_sums(mask: np.ndarray, pop: np.ndarray, structure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy import ndimage

    labels, n = ndimage.label(mask, structure=structure)
    sums = np.bincount(labels.ravel(), weights=pop.ravel(), minlength=n + 1)
    return labels, sums


def classify_grid(population: np.ndarray, top: float, cell_deg: float) -> np.ndarray:
    """Classify every cell of a population grid: 1 urban centre, 2 urban cluster, 3 rural.

    Parameters
    ----------
    population
        2-D array of people per cell; NaN or negative values count as 0.
    top
        Latitude of the grid's top edge, degrees.
    cell_deg
        Cell size in degrees.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array of class codes (see :data:`GRID_CLASSES`), same shape.

    Examples
    --------
    >>> import numpy as np
    >>> pop = np.full((40, 40), 10.0)
    >>> pop[5:15, 5:15] = 2000.0          # 100 dense cells, 200,000 people
    >>> pop[30:33, 30:33] = 600.0         # 9 cells, 5,400 people
    >>> classes = classify_grid(pop, 21.0, 1 / 120)
    >>> int(classes[10, 10]), int(classes[31, 31]), int(classes[0, 0])
    (1, 2, 3)
    """
    from scipy import ndimage

    pop = np.where(np.isfinite(population) & (population > 0), population, 0.0).astype("float64")
    density = pop / cell_area_km2(top, cell_deg, pop.shape[0])[:, None]

    four = ndimage.generate_binary_structure(2, 1)
    eight = ndimage.generate_binary_structure(2, 2)

    labels, sums = _cluster_sums(density >= CENTRE_DENSITY, pop, four)
    keep = sums >= CENTRE_POPULATION
    keep[0] = False
    centre = keep[labels]
    if centre.any():
        # Fill holes smaller than 15 km² (measured in cells of this latitude).
        holes = ndimage.binary_fill_holes(centre) & ~centre
        hole_labels, n_holes = ndimage.label(holes, structure=four)
        if n_holes:
            area = cell_area_km2(top, cell_deg, pop.shape[0])[:, None] * np.ones_like(pop)
            hole_area = np.bincount(hole_labels.ravel(), weights=area.ravel(), minlength=n_holes + 1)
            small = hole_area < CENTRE_MAX_HOLE_KM2
            small[0] = False
            centre |= small[hole_labels]

    labels, sums = _cluster_sums(density >= CLUSTER_DENSITY, pop, eight)
    keep = sums >= CLUSTER_POPULATION
    keep[0] = False
    cluster = keep[labels] & ~centre

    out = np.full(pop.shape, 3, dtype="uint8")
    out[cluster] = 2
    out[centre] = 1
    return out


def classify_units(shares: pd.DataFrame) -> pd.Series:
    """Classify units from the share of their population in each grid class.

    Parameters
    ----------
    shares
        Columns ``urban_centre`` and ``rural_grid`` holding population shares
        (0–1); rows are units. Units with no population are ``rural``.

    Returns
    -------
    pandas.Series
        ``city``, ``town_suburb`` or ``rural`` on the same index.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"urban_centre": [0.8, 0.3, 0.1], "rural_grid": [0.0, 0.2, 0.7]},
    ...                  index=["00001", "00002", "00003"])
    >>> classify_units(s).tolist()
    ['city', 'town_suburb', 'rural']
    """
    out = pd.Series("town_suburb", index=shares.index, dtype="object")
    out[shares["rural_grid"].fillna(1.0) >= 0.5] = "rural"
    out[shares["urban_centre"].fillna(0.0) >= 0.5] = "city"
    return out.astype("category").cat.set_categories(list(DEGURBA_CLASSES))
