"""The one way estimators share numpydoc text: ``{name}`` lines in a docstring are
replaced by named sections, re-indented to the placeholder's column.

Modules keep their shared sections as plain strings (or small functions that return
one, where a default differs between classes) and decorate each class::

    @fill_doc(parameters=_PARAMETERS, attributes=_ATTRIBUTES)
    class SMILEEstimator(_CriticEstimator):
        '''...

        Parameters
        ----------
        {parameters}
        '''

A placeholder stands alone on its line; ``str.replace`` rather than ``str.format``
because docstrings hold LaTeX and dict braces.
"""

import inspect
import re

__all__ = ["fill_doc"]

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>[a-z_]+)\}[ \t]*$", re.MULTILINE)


def fill_doc(**sections):
    """Decorator that fills ``{name}`` placeholder lines of a class's or function's
    docstring with ``sections[name]``.

    Every placeholder must have a section and every section a placeholder, so a
    renamed or forgotten section fails at import instead of reaching the docs.

    Parameters
    ----------
    **sections : str
        Text of each section; its own indentation is removed and the placeholder's
        applied to every line.

    Returns
    -------
    decorator : callable
        Returns the object it decorates, with its docstring filled.
    """

    def fill(obj):
        obj.__doc__ = fill_text(obj.__doc__, sections, owner=obj.__qualname__)
        return obj

    return fill


def fill_text(doc, sections, *, owner="docstring"):
    """``doc`` with each ``{name}`` placeholder line replaced by ``sections[name]``."""
    found = {match["name"] for match in _PLACEHOLDER.finditer(doc)}
    missing = found - set(sections)
    unused = set(sections) - found
    if missing or unused:
        raise KeyError(
            f"{owner}: placeholders without a section: {sorted(missing)}; "
            f"sections without a placeholder: {sorted(unused)}"
        )

    def indented(match):
        text = inspect.cleandoc(sections[match["name"]])
        return "\n".join(match["indent"] + line if line else "" for line in text.splitlines())

    return _PLACEHOLDER.sub(indented, doc)
