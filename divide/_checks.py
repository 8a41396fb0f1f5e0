"""Input checks shared across layers (osmnx-style ``_validate``): each raises one clear error."""

from __future__ import annotations

__all__: list[str] = []
