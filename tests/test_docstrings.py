"""Every public estimator's numpydoc Parameters section matches its signature: the same
names in the same order, and each ``default=`` what ``__init__`` really takes (as
scikit-learn's test_docstring_parameters holds its own estimators)."""

import ast
import inspect
import re

import pytest
from sklearn.base import BaseEstimator

import skmist
from skmist._docstrings import fill_doc, fill_text

PUBLIC_CLASSES = sorted(
    (obj for name in skmist.__all__
     if inspect.isclass(obj := getattr(skmist, name)) and issubclass(obj, BaseEstimator)),
    key=lambda cls: cls.__name__,
)

_HEADER = re.compile(r"^(\w[\w ]*)\n-+$", re.MULTILINE)
_ENTRY = re.compile(r"^(?P<name>\*{0,2}\w+)(?: : (?P<type>.*))?$")


def documented_parameters(doc):
    """(name, type line) of each entry of a numpydoc docstring's Parameters section."""
    doc = inspect.cleandoc(doc)
    headers = list(_HEADER.finditer(doc))
    for header, following in zip(headers, headers[1:] + [None]):
        if header[1] == "Parameters":
            section = doc[header.end():following.start() if following else None]
            return [(m["name"], m["type"] or "")
                    for m in map(_ENTRY.match, section.splitlines()) if m]
    return []


def documented_default(type_line):
    """The Python value written after ``default=`` (None where there is no literal)."""
    match = re.search(r"default=(.*)$", type_line)
    if match is None:
        return inspect.Parameter.empty
    try:
        return ast.literal_eval(match[1].strip())
    except (ValueError, SyntaxError):
        return match[1].strip()


def test_there_are_classes_to_check():
    names = {cls.__name__ for cls in PUBLIC_CLASSES}
    assert {"SMILEEstimator", "KSGEstimator", "MINDEEstimator", "MutualInfoSelector"} <= names


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
def test_parameters_section_matches_the_signature(cls):
    signature = inspect.signature(cls.__init__)
    expected = [p for p in signature.parameters.values() if p.name != "self"]
    documented = documented_parameters(cls.__doc__)
    assert [name for name, _ in documented] == [p.name for p in expected]
    for (name, type_line), parameter in zip(documented, expected):
        written = documented_default(type_line)
        assert written is not inspect.Parameter.empty, f"{name}: no default= in {type_line!r}"
        value = parameter.default
        if isinstance(written, str) and not isinstance(value, str):
            # Only a value with no literal form may be written as prose.
            assert repr(value) == written or not _has_literal(value), (name, written, value)
        else:
            assert written == value and type(written) is type(value), (name, written, value)


def _has_literal(value):
    try:
        ast.literal_eval(repr(value))
    except (ValueError, SyntaxError):
        return False
    return True


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
def test_no_placeholder_is_left_unfilled(cls):
    assert not re.search(r"^\s*\{[a-z_]+\}\s*$", cls.__doc__, re.MULTILINE)


def test_fill_doc_indents_each_section_to_its_placeholder():
    @fill_doc(parameters="a : int, default=1\n    The a.\nb : str, default=\"x\"\n    The b.")
    class Documented:
        """Title.

        Parameters
        ----------
        {parameters}

        Notes
        -----
        A dict {"stays": "as written"}.
        """

    assert documented_parameters(Documented.__doc__) == [("a", "int, default=1"),
                                                         ("b", 'str, default="x"')]
    assert '        b : str, default="x"\n            The b.' in Documented.__doc__
    assert '{"stays": "as written"}' in Documented.__doc__


def test_fill_doc_refuses_a_missing_or_an_unused_section():
    with pytest.raises(KeyError, match=r"placeholders without a section: \['attributes'\]"):
        fill_text("T.\n\n    {attributes}\n", {})
    with pytest.raises(KeyError, match=r"sections without a placeholder: \['extra'\]"):
        fill_text("T.\n", {"extra": "x"})


def test_the_checker_sees_a_mismatch():
    class Drifted(BaseEstimator):
        """Title.

        Parameters
        ----------
        alpha : float, default=1.0
            The alpha.
        """

        def __init__(self, alpha=2.0, beta=None):
            self.alpha, self.beta = alpha, beta

    with pytest.raises(AssertionError):
        test_parameters_section_matches_the_signature(Drifted)
