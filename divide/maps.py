"""Static maps (presentation layer: matplotlib is imported here, lazily).

Every map carries a source line, and a "Dữ liệu mô phỏng / modeled data" mark
whenever a mapped value is modeled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .manifest import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["URBAN_RURAL_COLORS", "SOURCE_LINE", "map_urban_rural"]

#: Colours of the official urban/rural classes.
URBAN_RURAL_COLORS = {"urban": "#d95f02", "rural": "#66a61e", "special_zone": "#7570b3"}
_LABELS = {
    "en": {"urban": "Urban (phường)", "rural": "Rural (xã)", "special_zone": "Special zone (đặc khu)"},
    "vi": {"urban": "Thành thị (phường)", "rural": "Nông thôn (xã)", "special_zone": "Đặc khu"},
}
_TITLES = {
    "en": "Communes by official urban/rural class, 2025 geography",
    "vi": "Đơn vị hành chính cấp xã theo thành thị/nông thôn, địa giới 2025",
}
#: Citation of the boundary layer, shown on every map.
SOURCE_LINE = (
    "Boundaries: 3,321 communes in force since 2025-07-01, traced from the government's "
    "administrative-merger map (via lamngockhuong/vietnam-3d-map, MIT), 2025-12."
)


def map_urban_rural(
    communes: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    path: str | Path,
    *,
    lang: str = "en",
    dpi: int = 150,
) -> Path:
    """Map communes coloured by official urban/rural class, with province outlines.

    Parameters
    ----------
    communes
        Commune layer with ``urban_rural`` (see :func:`divide.load_communes`).
    provinces
        Province layer drawn as outlines.
    path
        Output file; the format follows the suffix (``.png``, ``.svg``, ``.pdf``).
    lang
        ``"en"`` or ``"vi"`` for the title and legend.
    dpi
        Resolution of raster output.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib, divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> prov = divide.load_provinces().loc[["12"]]
    >>> out = map_urban_rural(lc, prov, pathlib.Path(tempfile.mkdtemp()) / "lc.png", dpi=50)
    >>> out.stat().st_size > 10_000
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    labels = _LABELS[lang]
    fig, ax = plt.subplots(figsize=(8.27, 11.69) if len(communes) > 500 else (8, 8))
    try:
        for cls, color in URBAN_RURAL_COLORS.items():
            part = communes[communes["urban_rural"] == cls]
            if len(part):
                part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.1)
        provinces.boundary.plot(ax=ax, color="#333333", linewidth=0.4)
        ax.set_axis_off()
        ax.set_aspect("equal")
        counts = communes["urban_rural"].value_counts()
        handles = [
            Patch(facecolor=c, label=f"{labels[k]}: {counts.get(k, 0):,}")
            for k, c in URBAN_RURAL_COLORS.items()
            if counts.get(k, 0)
        ]
        ax.legend(handles=handles, loc="lower left", frameon=True, fontsize=8)
        ax.set_title(_TITLES[lang], fontsize=11)
        fig.text(0.01, 0.01, SOURCE_LINE, fontsize=5.5, color="#444444", wrap=True)
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return path
