"""The ``divide index``  sub-command (placeholder until divide index FILE --out FILE (issue 4) lands)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``index`` sub-command (not yet available)."""
    p = subparsers.add_parser("index", help="(not yet available)")
    p.set_defaults(handler=lambda args: 2)
    return p
