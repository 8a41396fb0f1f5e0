"""A griffe extension for the documentation site: Sphinx roles in docstrings become code spans.

The docstrings of ``divide`` are numpydoc, written to read well in ``help()`` and in an editor; a few use
Sphinx roles (``:func:`compute_index```, ``:class:`~divide.analysis.index.spec.IndexSpec```). Markdown has
no roles, so mkdocstrings would print them as written. This extension turns each role into a code span
of its target (the last component when the target starts with ``~``, as Sphinx shows it).

Loaded by ``mkdocs.yml`` (``plugins: mkdocstrings: handlers: python: options: extensions``).
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|data|attr|obj|exc|const|term|ref):`(?P<tilde>~?)(?P<target>[^`]+)`")


def plain(text: str) -> str:
    """``:func:`~a.b.c``` -> ```c```, ``:class:`X``` -> ```X```.

    Examples
    --------
    >>> plain("see :func:`~divide.analysis.hotspots.contiguity_graph` and :class:`IndexSpec`")
    'see `contiguity_graph` and `IndexSpec`'
    """

    def code(m: re.Match) -> str:
        target = m["target"].strip()
        if m["tilde"]:
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    return ROLE.sub(code, text)


class SphinxRoles(Extension):
    """Rewrite Sphinx roles in every docstring griffe loads, before the docstring is parsed."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        """Rewrite the docstring of each object as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = plain(obj.docstring.value)
