"""The main job: one call that runs the pipeline on the shipped data and writes outputs.

``divide atlas`` (and :func:`run_atlas`) writes, for the whole country or one
province:

* ``communes.gpkg`` (layers ``communes`` and ``provinces``) and ``communes.csv``
  (UTF-8 with BOM so that Excel shows Vietnamese names), the commune table;
* ``communes_map.png``, communes by official urban/rural class with province outlines;
* ``manifest.json``: inputs with sha256, parameters, package versions, time.

Later analysis steps add their outputs to the same folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import admin, settings
from .manifest import atomic_path, write_manifest

__all__ = ["AtlasResult", "run_atlas"]


@dataclass
class AtlasResult:
    """What :func:`run_atlas` wrote."""

    out: Path
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _source_inputs() -> list[Path]:
    """The shipped files the derived geography was built from."""
    from .build import POPULATION_GRID, SOURCE_COMMUNES

    return [admin.ADMIN_GPKG, SOURCE_COMMUNES, POPULATION_GRID]


def run_atlas(
    out: str | Path = "outputs",
    province: str | int | None = None,
    *,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
) -> AtlasResult:
    """Run the pipeline on the shipped data and write every output to ``out``.

    Parameters
    ----------
    out
        Output folder (created if missing).
    province
        Optional province by name (with or without diacritics) or code.
    lang
        Language of map titles and legends (``"en"`` or ``"vi"``).
    progress
        Called with a short message before each step.

    Returns
    -------
    AtlasResult
        The output folder, the files written and the time taken.

    Examples
    --------
    >>> import tempfile
    >>> result = run_atlas(tempfile.mkdtemp(), province="Lai Chau")
    >>> sorted(p.name for p in result.files)
    ['communes.csv', 'communes.gpkg', 'communes_map.png', 'manifest.json']
    """
    from .maps import map_urban_rural

    say = progress or (lambda message: None)
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    code = admin.resolve_province(province) if province is not None else None

    say("loading communes" + (f" of province {code}" if code else ""))
    communes = admin.load_communes(code)
    provinces = admin.load_provinces()
    if code:
        provinces = provinces.loc[[code]]

    files: list[Path] = []
    say(f"writing the commune table ({len(communes):,} communes)")
    gpkg = out / "communes.gpkg"
    with atomic_path(gpkg) as tmp:
        communes.reset_index().to_file(tmp, layer="communes", driver="GPKG")
        provinces.reset_index().to_file(tmp, layer="provinces", driver="GPKG")
    files.append(gpkg)
    csv = out / "communes.csv"
    with atomic_path(csv) as tmp:
        communes.drop(columns="geometry").to_csv(tmp, encoding="utf-8-sig", lineterminator="\n")
    files.append(csv)

    say("drawing the urban/rural map")
    files.append(map_urban_rural(communes, provinces, out / "communes_map.png", lang=lang))

    say("writing the manifest")
    files.append(
        write_manifest(
            out,
            command="atlas",
            inputs=_source_inputs(),
            outputs=files,
            parameters={"province": code, "lang": lang, "seed": settings.DEFAULT_SEED},
            notes=[
                f"{len(communes)} communes, population {communes['population'].sum():,.0f} "
                "(WorldPop 2020 1 km grid, zonal sums)",
            ],
        )
    )
    return AtlasResult(out=out, files=files, seconds=time.perf_counter() - started)
