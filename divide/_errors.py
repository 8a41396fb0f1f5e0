"""Exceptions raised by :mod:`divide`.

Every error the package raises on purpose derives from :class:`DivideError`,
so callers (and the command line) can catch one class. A message names what
went wrong, where (file, row or column) and how to fix it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DivideError", "InputError", "DataNotFoundError"]


class DivideError(Exception):
    """Base class of every error raised on purpose by :mod:`divide`.

    Parameters
    ----------
    message
        What went wrong.
    path
        The file concerned, if any.
    where
        Row, column or field concerned (for example ``"row 12, column 'ma_xa'"``).
    fix
        What the user can do about it.
    exit_code
        Exit code used by the command line: 2 = input or command unusable,
        1 = input read but failed validation.
    """

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        where: str | None = None,
        fix: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.where = where
        self.fix = fix
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message)
        text = "".join(parts)
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class InputError(DivideError):
    """A user-supplied argument or file cannot be used (exit code 2)."""


class DataNotFoundError(DivideError):
    """A shipped data file is missing; usually the build step was not run."""
