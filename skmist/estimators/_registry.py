"""The one list of skmist's estimators, with what each one is and needs.

Every place that asks which estimators exist or what one can do (``estimate_mi``'s
names and its train/test split, ``skmist list``, the benchmark's names, the time-series
permutation test, the scorers, the test suite) reads it here. The tags are derived
once from the classes of ``skmist.estimators.__all__``, so a new class there is
registered with no further change.
"""

from dataclasses import dataclass, fields
from functools import cache

__all__ = ["EstimatorEntry", "all_estimators"]

# One family per module of skmist.estimators (the module's name without its "_").
FAMILIES = ("discriminative", "generative", "quantized", "hybrid", "nonparametric",
            "diffusion", "conditional")


@dataclass(frozen=True)
class EstimatorEntry:
    """One estimator class and its tags, as :func:`all_estimators` returns them.

    Attributes
    ----------
    name : str
        The short name of ``estimate_mi(estimator=...)``, ``skmist list`` and the
        benchmark: the class name without ``Estimator``, in lower case (``"ksg"``).
    cls : type
        The estimator class.
    family : str
        One of ``"discriminative"`` (a trained critic), ``"generative"`` (learned
        densities), ``"quantized"``, ``"hybrid"``, ``"nonparametric"`` (no training),
        ``"diffusion"`` and ``"conditional"``: the module of
        :mod:`skmist.estimators` that defines the class.
    trained : bool
        Whether ``fit`` learns from its rows something that ``score`` applies to
        others (a network, codebooks), so that an honest estimate is computed on
        held-out rows. False for the nonparametric estimators (kNN, kernel, histogram,
        Gaussian), which estimate from the rows they are given and whose standard
        error is a jackknife over random halves (drawn by ``estimate``'s
        ``random_state``).
    conditional : bool
        Whether it estimates a conditional MI I(X; y | Z) and so needs its
        ``conditioning`` parameter (the columns of X that are Z).
    requires_y : bool
        Whether ``fit`` takes ``(X, y)``; False for an entropy estimator, which fits X
        alone (scikit-learn's tag ``target_tags.required``).
    mi_bound : {"lower", "upper", "biased", "estimate"}
        What the estimate bounds: the class's ``__sklearn_tags__().mi_bound`` (see
        :class:`skmist.base.MITags`).
    needs_entropy_y : bool
        Whether a continuous y needs the true entropy H(y), the ``entropy_y``
        parameter (class labels do without it).
    """

    name: str
    cls: type
    family: str
    trained: bool
    conditional: bool
    requires_y: bool
    mi_bound: str
    needs_entropy_y: bool


TAGS = tuple(f.name for f in fields(EstimatorEntry))


def all_estimators(**tags):
    """skmist's estimator classes with their tags, sorted by name; keyword arguments
    keep those whose tags have the given values.

    In the spirit of scikit-learn's ``sklearn.utils.all_estimators``.

    Parameters
    ----------
    **tags
        Tags of :class:`EstimatorEntry` (``family``, ``trained``, ``conditional``,
        ``requires_y``, ``mi_bound``, ``needs_entropy_y``, ``name``, ``cls``) and the
        value wanted, or a tuple, list or set of values, any of which is kept.

    Returns
    -------
    list of EstimatorEntry
        One per class; ``entry.name`` and ``entry.cls`` are the pair that
        scikit-learn's ``all_estimators`` returns.

    Examples
    --------
    >>> from skmist.estimators import all_estimators
    >>> [entry.name for entry in all_estimators(family="nonparametric")]
    ['gaussian', 'histogram', 'kde', 'ksg']
    >>> [entry.cls.__name__ for entry in all_estimators(conditional=True)]
    ['ChainRuleCMIEstimator', 'ConditionalKSGEstimator']
    >>> [entry.name for entry in all_estimators(mi_bound="upper")]
    ['club', 'l1out']
    """
    unknown = sorted(set(tags) - set(TAGS))
    if unknown:
        raise TypeError(f"unknown tag(s) {unknown}; the tags are {', '.join(TAGS)}")
    wanted = {tag: set(v) if isinstance(v, (tuple, list, set, frozenset)) else {v}
              for tag, v in tags.items()}
    return [entry for entry in _entries()
            if all(getattr(entry, tag) in values for tag, values in wanted.items())]


def entry_of(estimator):
    """The entry of ``estimator``'s class (an instance or a class), or of the nearest
    registered class it derives from; None for an estimator from elsewhere."""
    cls = estimator if isinstance(estimator, type) else type(estimator)
    by_class = {entry.cls: entry for entry in _entries()}
    return next((by_class[base] for base in cls.__mro__ if base in by_class), None)


def is_trained(estimator):
    """The tag ``trained`` of ``estimator`` (an instance or a class); an estimator
    from elsewhere is taken to be trained, so that it is scored on held-out rows."""
    entry = entry_of(estimator)
    return entry is None or entry.trained


@cache
def _entries():
    # Built on first use: the estimator modules import this package's siblings.
    from .. import estimators

    entries = (_entry(getattr(estimators, name)) for name in estimators.__all__)
    return tuple(sorted(entries, key=lambda entry: entry.name))


def _entry(cls):
    from ._nonparametric import _NonparametricEstimator

    family = cls.__module__.rpartition(".")[2].lstrip("_")
    if family not in FAMILIES:
        raise ValueError(f"{cls.__name__} is defined in {cls.__module__}, which is no "
                         f"estimator family's module ({', '.join(FAMILIES)})")
    parameters = cls._get_param_names()
    tags = cls().__sklearn_tags__()
    return EstimatorEntry(
        name=cls.__name__.removesuffix("Estimator").lower(),
        cls=cls,
        family=family,
        trained=not issubclass(cls, _NonparametricEstimator),
        conditional="conditioning" in parameters,
        requires_y=tags.target_tags.required,
        mi_bound=tags.mi_bound,
        needs_entropy_y="entropy_y" in parameters,
    )
