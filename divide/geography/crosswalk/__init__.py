"""Pre-2025 data on the 2025 map: the official old → new commune crosswalk.

Most statistics in circulation use the 10,035 communes in force before
2025-07-01. This module cleans the official conversion table of the
statistics office (GSO, July 2025) and uses it to move a table of old
communes onto the 3,321 communes of 2025:

* extensive columns (counts) are split across the new communes an old one went
  to and summed, so totals are conserved;
* intensive columns (rates, shares, scores) become weighted averages, the
  weight being the population that moved (or a column the user names);
* every input row is accounted for in a :class:`CrosswalkReport`: mapped,
  repaired (how) or rejected (why).

How a partly merged ("split") old commune is shared out, in order of
preference, recorded per row as ``split_method``:

1. ``old_boundaries_population`` / ``old_boundaries_area``: user-supplied old
   boundaries intersected with the new communes, weighted by the WorldPop 2020
   grid population (or by area) of each intersection;
2. ``official_note``: the table says one receiving commune took "part of the
   area and all of the population" (58 old communes): it takes everything;
3. ``receiver_population``: in proportion to the population (WorldPop 2020) of
   the receiving new communes;
4. ``equal``: equal shares.

An old commune that went whole to one new commune has ``split_method``
``whole``.

The package, by step:

* :mod:`~divide.geography.crosswalk.raw`: cleaning the official tables as published;
* :mod:`~divide.geography.crosswalk.register`: the cleaned tables loaded, old
  communes found by code or name;
* :mod:`~divide.geography.crosswalk.overlay`: the shares of a partly merged
  commune (notes, receiver population, old boundaries overlaid on the grid);
* :mod:`~divide.geography.crosswalk.allocate`: the allocation core and the
  reconciliation report, shared by communes and provinces;
* :mod:`~divide.geography.crosswalk.communes` and
  :mod:`~divide.geography.crosswalk.provinces`: the conversions;
* :mod:`~divide.geography.crosswalk.readme`: the note beside the built files,
  written from the build report.
"""

from divide.geography.crosswalk.allocate import CrosswalkReport
from divide.geography.crosswalk.communes import ADMIN_DIR, CROSSWALK_REPORT_JSON, build_crosswalk, crosswalk_to_2025
from divide.geography.crosswalk.overlay import POPULATION_GRID, SPLIT_METHODS, split_shares
from divide.geography.crosswalk.provinces import (
    DTI_2022_2025_CSV,
    DTI_2022_CSV,
    dti_2022_provinces_2025,
    province_weights_2025,
    provinces_to_2025,
    write_dti_2022_provinces_2025,
)
from divide.geography.crosswalk.raw import (
    CROSSWALK_COLUMNS,
    NOTE_CATEGORIES,
    PRE2025_COLUMNS,
    RAW_COMMUNES_PRE2025,
    RAW_CROSSWALK,
    classify_note,
    clean_communes_pre2025,
    clean_crosswalk,
)
from divide.geography.crosswalk.register import (
    COMMUNES_PRE2025_CSV,
    CROSSWALK_CSV,
    load_communes_pre2025,
    load_crosswalk,
    match_old_communes,
)

__all__ = [
    "RAW_CROSSWALK",
    "RAW_COMMUNES_PRE2025",
    "CROSSWALK_CSV",
    "COMMUNES_PRE2025_CSV",
    "CROSSWALK_REPORT_JSON",
    "NOTE_CATEGORIES",
    "SPLIT_METHODS",
    "classify_note",
    "clean_crosswalk",
    "clean_communes_pre2025",
    "build_crosswalk",
    "load_crosswalk",
    "load_communes_pre2025",
    "match_old_communes",
    "split_shares",
    "crosswalk_to_2025",
    "CrosswalkReport",
    "DTI_2022_2025_CSV",
    "province_weights_2025",
    "provinces_to_2025",
    "dti_2022_provinces_2025",
    "write_dti_2022_provinces_2025",
    # Paths and column lists, importable from here as before the split.
    "ADMIN_DIR",
    "POPULATION_GRID",
    "DTI_2022_CSV",
    "CROSSWALK_COLUMNS",
    "PRE2025_COLUMNS",
]
