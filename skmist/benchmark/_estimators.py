"""Estimators by name: every MI estimator of :func:`skmist.estimators.all_estimators`
(not the conditional ones), and any you register.

A name is the class name without ``Estimator``, in lower case: ``KSGEstimator`` is
``"ksg"``, ``InfoNCEEstimator`` is ``"infonce"``. A new estimator class in
``skmist.estimators.__all__`` is in the benchmark with no further change.
"""

from functools import partial

from sklearn.base import BaseEstimator, clone

from ..estimators import MINDEEstimator, all_estimators

__all__ = ["estimator_names", "make_estimator", "register_estimator"]

_REGISTRY = {}


def register_estimator(name, factory, *, overwrite=False):
    """Make ``factory()`` available to the benchmark as ``name``.

    Parameters
    ----------
    name : str
        Lower-case name used on the command line and in the results.
    factory : callable
        Returns a fresh, unfitted estimator with ``fit(X, y)`` and ``score(X, y)``; a
        class, or e.g. ``functools.partial(SMILEEstimator, max_iter=8000)``.
    overwrite : bool, default=False
        Replace an existing name instead of raising.

    Examples
    --------
    >>> from functools import partial
    >>> from skmist import SMILEEstimator
    >>> from skmist.benchmark import register_estimator
    >>> register_estimator("smile-8000", partial(SMILEEstimator, max_iter=8000),
    ...                    overwrite=True)
    """
    if not isinstance(name, str) or not name or "," in name:
        raise ValueError(f"an estimator name must be a non-empty string without commas; "
                         f"got {name!r}")
    if not callable(factory):
        raise TypeError(f"factory must be callable; got {factory!r}")
    if name in _REGISTRY and not overwrite:
        raise ValueError(f"estimator {name!r} is already registered; pass overwrite=True")
    _REGISTRY[name] = factory


# The estimators of I(X; y): the tasks define no Z for the conditional ones, and no
# entropy.
for _entry in all_estimators(conditional=False, requires_y=True):
    register_estimator(_entry.name, _entry.cls)

# Both variants of MINDE are estimators of the paper ("minde" is the conditional one).
register_estimator("minde-joint", partial(MINDEEstimator, variant="joint"))


def estimator_names():
    """Names of the registered estimators, sorted.

    Examples
    --------
    >>> from skmist.benchmark import estimator_names
    >>> [name for name in estimator_names() if name in ("ksg", "smile", "infonce")]
    ['infonce', 'ksg', 'smile']
    """
    return sorted(_REGISTRY)


def make_estimator(estimator, *, device=None, random_state=None, n_jobs=None):
    """A fresh estimator, with ``device``, ``random_state`` and ``n_jobs`` set where it
    has them.

    Parameters
    ----------
    estimator : str or estimator
        A registered name, or an estimator to clone.
    device : str, optional
        Set on estimators with a ``device`` parameter; None keeps their default.
    random_state : int, optional
        Set on estimators with a ``random_state`` parameter.
    n_jobs : int, optional
        Set on estimators with an ``n_jobs`` parameter.

    Returns
    -------
    estimator
    """
    if isinstance(estimator, str):
        if estimator not in _REGISTRY:
            raise ValueError(
                f"unknown estimator {estimator!r}; the benchmark knows "
                f"{', '.join(estimator_names())} (register others with "
                "skmist.benchmark.register_estimator)"
            )
        estimator = _REGISTRY[estimator]()
    elif isinstance(estimator, BaseEstimator):
        estimator = clone(estimator)
    else:
        raise TypeError(f"expected an estimator name or a scikit-learn estimator; "
                        f"got {estimator!r}")
    params = estimator.get_params(deep=False)
    wanted = {"device": device, "random_state": random_state, "n_jobs": n_jobs}
    update = {k: v for k, v in wanted.items() if v is not None and k in params}
    return estimator.set_params(**update) if update else estimator
