"""Helpers of the command-line tests: run ``divide`` as a user would, and see what it left on disk."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path


def run_divide(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m divide ARGS`` in a subprocess, warnings visible, output captured as text."""
    return subprocess.run([sys.executable, "-m", "divide", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "default"})


def digest(path: Path) -> str:
    """sha256 of a file, to show an input unchanged."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_below(folder: Path) -> list[str]:
    """Every path below ``folder``, relative and sorted, to show nothing was written."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
