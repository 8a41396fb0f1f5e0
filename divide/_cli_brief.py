"""The ``divide brief``  sub-command (placeholder until divide brief (issue 7) lands)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``brief`` sub-command (not yet available)."""
    p = subparsers.add_parser("brief", help="(not yet available)")
    p.set_defaults(handler=lambda args: 2)
    return p
