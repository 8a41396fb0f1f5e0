"""The command line (``divide …``): one module per command, shared options once."""

from divide.cli.app import main

__all__ = ["main"]
