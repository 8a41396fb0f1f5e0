"""Rebuild every derived file from the shipped source data (a door-level script).

Run ``python -m divide.build`` (or ``make build``). It reads only files in the
repository and writes:

* ``shapefiles/admin_2025.gpkg``, ``data/communes_2025.csv``,
  ``data/build_report.json``: the geography (:mod:`divide.geography.build`);
* ``data/admin/``: the cleaned official crosswalk and pre-2025 register;
* ``data/observed/reported_villages.csv`` and ``data/indicators/dti_2024_provinces_2025.csv``: the
  register of villages named in public reports and the DTI 2024 table, from the gathered notes;
* ``data/modeled/``: the modeled demonstration dataset.

``python -m divide.build --subset --out DIR`` builds the geography of the
Hà Nội + Lai Châu subset (164 units) into ``DIR``; the tests use it.

It sits beside the atlas, above every layer, because it writes the modeled
dataset as well as the geography. Every step is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from divide import settings

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Rebuild the derived files; return the exit code."""
    from divide.geography.build import build_geography

    parser = argparse.ArgumentParser(prog="python -m divide.build", description=__doc__.split("\n")[0])
    parser.add_argument("--subset", action="store_true", help="build from the Hà Nội + Lai Châu subset")
    parser.add_argument("--out", type=Path, help="folder for all outputs (default: the repository's shapefiles/ and data/)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    source = settings.SOURCE_SUBSET if args.subset else settings.SOURCE_COMMUNES
    shp_dir = args.out if args.out else settings.SHAPEFILES_DIR
    data_dir = args.out if args.out else settings.DATA_DIR
    communes, provinces, report, paths = build_geography(source, shp_dir, data_dir)
    if not args.subset:
        # The crosswalk's coverage check and the modeled dataset need all 3,321 units.
        from divide.geography.crosswalk import build_crosswalk
        from divide.indicators.observed import build_dti_2024, build_register
        from divide.modeled.indicators import write_modeled

        build_crosswalk(out_dir=data_dir / "admin", communes_2025=communes.drop(columns="geometry"))
        if args.out is None:  # the observed register and the DTI 2024 table live in the repository only
            build_register()
            build_dti_2024()
            paths.update({"register": settings.REPORTED_VILLAGES_CSV, "dti_2024": settings.DTI_2024_2025_CSV})
        from divide.analysis.model_check import modeled_check

        paths.update(write_modeled(data_dir / "modeled", checks=modeled_check))
    for p in paths.values():
        print(f"wrote {p}")
    print(
        f"{len(communes)} communes, {len(provinces)} provinces, population {report['population_total']:,.0f} "
        f"(grid {report['grid_total']:,.0f}) in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
