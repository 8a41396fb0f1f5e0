"""divide: Vietnam's urban–rural digital divide, commune by commune.

The public API is listed in ``__all__``. Submodules load on first use, so
``import divide`` stays fast and pulls in no plotting or web library.

Examples
--------
>>> import divide
>>> communes = divide.load_communes("Lai Châu")
>>> communes.index.name, len(communes)
('commune_code', 38)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import DataNotFoundError, DivideError, InputError

__version__ = "0.1.0"

# Public name -> submodule that defines it.
_API = {
    "load_communes": "admin",
    "load_provinces": "admin",
    "resolve_province": "admin",
    "run_atlas": "atlas",
    "facts": "national_facts",
    "fact": "national_facts",
    "cite": "national_facts",
    "INDICATORS": "schema",
    "schema_table": "schema",
    "read_indicators": "io",
    "read_villages": "io",
    "ReadReport": "io",
    "validate": "validation",
    "ValidationReport": "validation",
    "model_indicators": "modeled",
    "model_villages": "modeled",
    "write_modeled": "modeled",
    "calibration_report": "modeled",
    "crosswalk_to_2025": "crosswalk",
    "load_crosswalk": "crosswalk",
    "load_communes_pre2025": "crosswalk",
    "match_old_communes": "crosswalk",
    "CrosswalkReport": "crosswalk",
    "provinces_to_2025": "crosswalk",
    "dti_2022_provinces_2025": "crosswalk",
}

__all__ = ["DivideError", "InputError", "DataNotFoundError", "__version__", *sorted(_API)]

if TYPE_CHECKING:  # pragma: no cover
    from .admin import load_communes, load_provinces, resolve_province
    from .atlas import run_atlas
    from .crosswalk import (
        CrosswalkReport,
        crosswalk_to_2025,
        dti_2022_provinces_2025,
        load_communes_pre2025,
        load_crosswalk,
        match_old_communes,
        provinces_to_2025,
    )
    from .national_facts import cite, fact, facts
    from .io import ReadReport, read_indicators, read_villages
    from .modeled import calibration_report, model_indicators, model_villages, write_modeled
    from .schema import INDICATORS, schema_table
    from .validation import ValidationReport, validate


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'divide' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
