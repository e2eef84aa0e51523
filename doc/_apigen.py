"""Writes the API reference from the packages' ``__all__``, so that a new public name
gets its page without anyone editing a list.

Each name is documented once, under the shortest public path that exports it
(``skmist.KSGEstimator`` rather than ``skmist.estimators.KSGEstimator``), and grouped
by the private module that defines it. A module missing from the title tables below
still gets a section (titled after its file), so nothing is ever left out.
"""

import importlib
import inspect
import pathlib
import types

# The namespaces, in page order: (module, heading, introduction).
NAMESPACES = [
    ("skmist", "Estimators and selection (``skmist``)",
     "Every estimator is a scikit-learn estimator whose ``score(X, y)`` is an MI "
     "estimate in nats; they are also importable from ``skmist.estimators``."),
    ("skmist.estimators", "Estimators (``skmist.estimators``)",
     "The estimators are listed above under ``skmist``, which re-exports them."),
    ("skmist.selection", "Feature selection (``skmist.selection``)",
     "The most used names are re-exported by ``skmist`` and listed above."),
    ("skmist.timeseries", "Time series (``skmist.timeseries``)",
     "Lagged MI and transfer entropy of time series, through estimate_mi, and the "
     "closed forms of Gaussian VAR processes."),
    ("skmist.functional", "Functional (``skmist.functional``)",
     "Pure torch functions: tensors in, a 0-dim tensor out, differentiable where the "
     "math allows, for MI inside a loss. The nonparametric ones also take NumPy "
     "arrays, and return a tensor for them too (``float(...)`` for a number)."),
    ("skmist.nn", "Modules (``skmist.nn``)",
     "Torch modules: the MLP, the critics that the bounds score, and the densities of "
     "the generative estimators."),
    ("skmist.datasets", "Ground-truth tasks (``skmist.datasets``)",
     "The tasks of the Beyond-Normal benchmark, with closed-form MI, and transforms "
     "that keep MI."),
    ("skmist.benchmark", "Benchmark (``skmist.benchmark``)",
     "Estimators x tasks -> a tidy table, a markdown summary and plots; also "
     "``python -m skmist.benchmark``."),
]

# Section titles by the defining module; a module not named here gets a title made
# from its file name.
GROUPS = {
    "skmist.estimators._discriminative": "Discriminative bounds (a trained critic)",
    "skmist.estimators._generative": "Generative (densities q(y | x), q(y), q(x, y))",
    "skmist.estimators._hybrid": "Hybrid (generative + discriminative)",
    "skmist.estimators._quantized": "Quantized",
    "skmist.estimators._nonparametric": "Nonparametric (no training)",
    "skmist.estimators._diffusion": "Diffusion (MINDE, MMG)",
    "skmist.estimators._conditional": "Conditional MI (KSG, chain rule)",
    "skmist.timeseries._transfer_entropy": "Lagged MI and transfer entropy",
    "skmist.timeseries._gaussian": "Gaussian VAR processes (closed forms)",
    "skmist._estimate": "One-call estimates",
    "skmist._scoring": "Model selection",
    "skmist.selection._selector": "Feature selection",
    "skmist.selection._scores": "Feature selection",
    "skmist.selection._pairwise": "Feature selection",
    "skmist._neural": "Base class and warnings",
    "skmist.base": "Base class and warnings",
    "skmist.functional._bounds": "Variational bounds from critic scores",
    "skmist.functional._generative": "Estimates from log-densities",
    "skmist.functional._diffusion": "Diffusion (MINDE)",
    "skmist.functional._ksg": "Nearest neighbours (KSG, Kozachenko-Leonenko)",
    "skmist.functional._featurewise": "Nearest neighbours (KSG, Kozachenko-Leonenko)",
    "skmist.functional._jitter": "Nearest neighbours (KSG, Kozachenko-Leonenko)",
    "skmist.functional._neighbors": "Nearest neighbours (KSG, Kozachenko-Leonenko)",
    "skmist.functional._conditional": "Conditional MI (KSG)",
    "skmist.functional._kde": "Kernel density",
    "skmist.functional._histogram": "Histograms and discrete MI",
    "skmist.functional._gaussian": "Gaussian closed forms",
    "skmist.nn._mlp": "MLP",
    "skmist.nn._critics": "Critics",
    "skmist.nn._densities": "Densities",
    "skmist.nn._denoiser": "Denoiser (MINDE)",
    "skmist.datasets._registry": "The task registry",
    "skmist.datasets._tasks": "Task families",
    "skmist.datasets._transforms": "Transforms that keep MI",
    "skmist.datasets._closed_forms": "Closed-form MI",
    "skmist.datasets._conditional": "Conditional MI tasks",
    "skmist.benchmark._runner": "Running",
    "skmist.benchmark._estimators": "Estimators by name",
    "skmist.benchmark._report": "Reporting",
    "skmist.benchmark._command": "Command line",
}

_ORDER = {module: i for i, module in enumerate(GROUPS)}


def public_names(module_name):
    """The names of ``module_name.__all__`` that get a page: no modules, no dunders."""
    module = importlib.import_module(module_name)
    return [
        name for name in module.__all__
        if not name.startswith("__")
        and not isinstance(getattr(module, name), types.ModuleType)
    ]


def _home(obj, namespace):
    """The module whose section lists ``obj``: where it is defined; data (constants)
    carry no ``__module__`` and go to a section of their own."""
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return getattr(obj, "__module__", None) or namespace
    return _CONSTANTS


_CONSTANTS = "constants"


def _title(module_name):
    if module_name == _CONSTANTS:
        return "Constants"
    if module_name in GROUPS:
        return GROUPS[module_name]
    stem = module_name.rsplit(".", 1)[-1].strip("_").replace("_", " ")
    return stem.capitalize() if stem else module_name


def api_entries():
    """``[(heading, intro, namespace, {section title: [names]})]``: every public name
    of every namespace, once."""
    seen = set()  # (name, id) of documented objects: a re-export appears once
    pages = []
    for namespace, heading, intro in NAMESPACES:
        module = importlib.import_module(namespace)
        sections = {}
        rank = {}  # section title -> where its first module comes in GROUPS
        for name in public_names(namespace):
            obj = getattr(module, name)
            if (name, id(obj)) in seen:
                continue
            seen.add((name, id(obj)))
            home = _home(obj, namespace)
            title = _title(home)
            sections.setdefault(title, []).append(name)
            rank[title] = min(rank.get(title, len(_ORDER)), _ORDER.get(home, len(_ORDER)))
        order = sorted(sections, key=rank.__getitem__)
        pages.append((heading, intro, namespace, {t: sections[t] for t in order}))
    return pages


def render():
    """The text of ``api.rst``."""
    lines = [
        ".. This file is written by doc/_apigen.py from the packages' __all__ on every",
        "   build; edit that script, not this file.",
        "",
        "API reference",
        "=============",
        "",
    ]
    for heading, intro, namespace, sections in api_entries():
        # The module's own docstring, and a target for :mod: references.
        lines += [heading, "-" * len(heading), "", intro, "",
                  f".. automodule:: {namespace}", "   :no-members:", "",
                  f".. currentmodule:: {namespace}", ""]
        for title, names in sections.items():
            lines += [title, "~" * len(title), "", ".. autosummary::",
                      "   :toctree: generated", ""]
            lines += [f"   {name}" for name in sorted(names, key=str.lower)]
            lines.append("")
    return "\n".join(lines)


def write(path):
    """Write ``api.rst`` at ``path`` unless it already holds the same text (so that an
    unchanged API does not make Sphinx re-read the page)."""
    path = pathlib.Path(path)
    text = render()
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path
