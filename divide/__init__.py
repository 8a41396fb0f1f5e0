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
}

__all__ = ["DivideError", "InputError", "DataNotFoundError", "__version__", *sorted(_API)]

if TYPE_CHECKING:  # pragma: no cover
    from .admin import load_communes, load_provinces, resolve_province
    from .atlas import run_atlas


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'divide' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
