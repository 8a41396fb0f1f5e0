"""The timing helper shared by the benchmark scripts (best wall-clock time of a few runs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(label: str, func: Callable[[], Any], repeat: int = 3, rows: list | None = None, note: str = "") -> Any:
    """Run ``func`` ``repeat`` times, print the best time, append it to ``rows``; return the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<62} {best:8.3f} s (best of {repeat}) {note}")
    if rows is not None:
        rows.append({"step": label, "seconds": round(best, 4), "repeat": repeat, "note": note})
    return result
