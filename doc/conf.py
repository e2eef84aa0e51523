"""Sphinx configuration.

Builds offline: no intersphinx, no remote images or themes. Build with::

    sphinx-build -W -b html doc doc/_build/html

``-D plot_gallery=0`` skips running the examples (the gallery pages then have no
figures or output; ``tests/test_examples.py`` runs the examples on their own).
"""

import inspect
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
# Document the source tree next to this folder, whatever skmist is installed elsewhere.
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import _apigen  # noqa: E402

import skmist  # noqa: E402

project = "skmist"
author = "The skmist developers"
copyright = "the skmist developers"
version = release = skmist.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# The API page is written from the packages' __all__ on every build, so a new public
# name gets its page without anyone editing a list (see _apigen.py).
_apigen.write(HERE / "api.rst")

templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
root_doc = "index"

autosummary_generate = True
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# MathJax is loaded by the reader's browser; building needs no network.
html_theme = "alabaster"
html_theme_options = {"description": "Mutual information for scikit-learn, on PyTorch"}
html_static_path = []
html_show_sourcelink = False

_EXAMPLES = HERE.parent / "examples"

sphinx_gallery_conf = {
    "examples_dirs": str(_EXAMPLES),
    "gallery_dirs": "auto_examples",
    # Only the plot_ scripts form the gallery; quickstart.py is the README's
    # plain-text walk-through (plot_quickstart.py is its gallery version).
    "filename_pattern": r"[\\/]plot_",
    "ignore_pattern": r"^(?!plot_).*\.py$",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    # No links into other projects' documentation: nothing is fetched.
    "reference_url": {},
}


def _skip_foreign_member(app, what, name, obj, skip, options):
    """Document a class's own methods and those it inherits from skmist, not the ones
    scikit-learn, torch or Python give it (``get_params``, ``Module.to``, ...): their
    docstrings belong to those projects' documentation and refer to its labels."""
    if what != "class" or skip:
        return skip
    function = obj.fget if isinstance(obj, property) else obj
    module = getattr(function, "__module__", None)
    if module is not None and not module.startswith("skmist"):
        return True
    return None


def _drop_type_docstring(app, what, name, obj, options, lines):
    """A constant without a ``#:`` comment would show its type's docstring (``list``'s
    "Built-in mutable sequence"); show its value alone."""
    if what in ("data", "attribute") and lines:
        own = inspect.getdoc(type(obj)) or ""
        if "\n".join(lines).strip() == own.strip():
            lines.clear()


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_member)
    # Before numpydoc (priority 500) rewrites the lines.
    app.connect("autodoc-process-docstring", _drop_type_docstring, priority=100)
