"""The blocks of a brief: what is stated (figures, paragraphs, tables, maps), before it is rendered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from divide.present.brief.labels import Lang

__all__ = ["Reference", "Figure", "Paragraph", "Table", "Image", "Section", "BriefContent", "FIGURE_COLUMNS",
           "grouped", "flat_refs", "marks"]

#: Keys (in :mod:`divide.present.brief.labels`) of the columns of a table of figures.
FIGURE_COLUMNS = ("c_figure", "c_value", "c_date", "c_status", "c_source")

@dataclass
class Reference:
    """One entry of the references list; ``number`` is its marker ``[n]``."""

    number: int
    key: str
    text: str
    url: str = ""


@dataclass
class Figure:
    """One stated figure: what, how much, when, its status and its source (with reference number)."""

    label: str
    value: str
    date: str
    status: str
    source: str
    ref: int | None
    modeled: bool = False


@dataclass
class Paragraph:
    """A paragraph; ``refs`` are the reference numbers it cites (rendered at the end as ``[n]``)."""

    text: str
    refs: tuple[int, ...] = ()
    caption: bool = False


@dataclass
class Table:
    """A table whose last column is the source of each row.

    ``row_refs``: the reference of each row, or a tuple of them when a row rests on several sources.
    """

    columns: list[str]
    rows: list[list[str]]
    row_refs: list[int | tuple[int, ...] | None]
    caption: Paragraph | None = None


@dataclass
class Image:
    """A map: ``path`` as given, ``alt`` text and a caption."""

    path: Path
    alt: str
    caption: Paragraph


@dataclass
class Section:
    """A titled part of the brief."""

    title: str
    blocks: list[Figure | Paragraph | Table | Image | Section] = field(default_factory=list)


@dataclass
class BriefContent:
    """Everything the brief states, before it is rendered."""

    title: str
    lang: Lang
    modeled: bool
    intro: list[Paragraph]
    sections: list[Section]
    references: list[Reference]
    colophon: str

    def figures(self) -> list[Figure]:
        """Every :class:`Figure` of the brief, in order."""
        out: list[Figure] = []

        def walk(blocks: Iterable[Any]) -> None:
            for b in blocks:
                if isinstance(b, Figure):
                    out.append(b)
                elif isinstance(b, Section):
                    walk(b.blocks)

        walk(self.sections)
        return out



def grouped(blocks: Iterable[Any]) -> Iterator[Any]:
    """The blocks in order, each run of consecutive :class:`Figure` as one list (drawn as one table).

    Examples
    --------
    >>> f = Figure("a", "1", "2025", "computed", "x", 1)
    >>> [type(b).__name__ for b in grouped([f, f, Paragraph("p"), f])]
    ['list', 'Paragraph', 'list']
    """
    figures: list[Figure] = []
    for b in blocks:
        if isinstance(b, Figure):
            figures.append(b)
            continue
        if figures:
            yield figures
            figures = []
        yield b
    if figures:
        yield figures


def flat_refs(refs: Iterable[int | tuple[int, ...] | None]) -> list[int]:
    """Reference numbers in order, tuples opened and ``None`` dropped.

    Examples
    --------
    >>> flat_refs([1, None, (2, 3)])
    [1, 2, 3]
    """
    out: list[int] = []
    for r in refs:
        if isinstance(r, tuple):
            out += [x for x in r if x is not None]
        elif r is not None:
            out.append(r)
    return out


def marks(refs: Iterable[int | tuple[int, ...] | None]) -> str:
    """The markers ``[n]`` of the references, as the text formats write them.

    Examples
    --------
    >>> marks([1, None, (2, 3)])
    '[1] [2] [3]'
    """
    return " ".join(f"[{r}]" for r in flat_refs(refs))
