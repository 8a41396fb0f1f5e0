"""The ``divide export``  sub-command (placeholder until divide export (issue 6) lands)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` sub-command (not yet available)."""
    p = subparsers.add_parser("export", help="(not yet available)")
    p.set_defaults(handler=lambda args: 2)
    return p
