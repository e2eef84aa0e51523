"""Univariate scores: the MI of each feature with the target, their permutation
p-values, and the score function :func:`mutual_info_scores` made of them."""

from dataclasses import KW_ONLY, dataclass
from numbers import Integral

import numpy as np
import scipy.sparse
from joblib import effective_n_jobs
from sklearn.utils.validation import check_X_y

from ..base import resolve_device
from ._estimators import (
    _configured_clone,
    _deferred_ksg_inputs,
    _estimator_or_ksg,
    _fitted_mi,
    _ksg_block,
    _random_state,
    _uses_featurewise_ksg,
)
from ._inputs import _discrete_mask, _is_discrete, _take_rows
from ._parallel import _blocks, _run

# The parameters of MutualInfoScores and MutualInfoSelector that _feature_scores takes.
_SCORE_SETTINGS = ("discrete_features", "discrete_target", "n_permutations", "random_state",
                   "n_jobs")


def _score_settings(owner):
    return {name: getattr(owner, name) for name in _SCORE_SETTINGS}


def _ksg_scores(estimator, X, y, discrete, discrete_target, rng, n_permutations, n_jobs):
    """Raw featurewise KSG scores and their permutation null, (p,) and (B, p)."""
    n, p = X.shape
    X, jitter, y = _deferred_ksg_inputs(estimator, X, y, discrete, discrete_target, rng)
    permutations = [rng.permutation(n) for _ in range(n_permutations)]
    workers = effective_n_jobs(n_jobs)
    if workers == 1 and resolve_device(estimator.device).type == "cpu":
        # One worker on the CPU: the KSG estimator's own n_jobs (all cores by default) become
        # threads of this process over blocks of features, one tree thread each. The
        # sorts and counts then run in parallel too, not only the tree queries: 10,000
        # x 100 on 2 cores, 5.2x scikit-learn's time where threaded queries gave 3.7x.
        workers, n_jobs = (effective_n_jobs(estimator.n_jobs),) * 2
    threads = 1
    tasks = [
        (_ksg_block, (X, block, y if order is None else y[order], estimator, discrete,
                      discrete_target, threads, jitter))
        for order in [None, *permutations]
        for block in _blocks(np.arange(p), workers)
    ]
    # The tree queries and sorts release the GIL: threads share the data for free,
    # where processes would first import torch and copy X.
    results = _run(tasks, n_jobs, prefer="threads")
    values = np.concatenate(results).reshape(1 + n_permutations, p)
    return values[0], values[1:]


def _cloned_scores(estimator, X, y, discrete, discrete_target, rng, n_permutations,
                   n_jobs, verbose=False):
    """One clone of ``estimator`` fitted per feature (and per permutation)."""
    n, p = X.shape
    permutations = [None] + [rng.permutation(n) for _ in range(n_permutations)]
    tasks = []
    for order in permutations:
        y_order = y if order is None else _take_rows(y, order)
        tasks += [(_fitted_mi, (_configured_clone(estimator, rng, discrete_target,
                                                  discrete[j]), X, j, y_order, discrete[j]))
                  for j in range(p)]
    progress = f"{type(estimator).__name__} fits" if verbose else None
    values = np.array(_run(tasks, n_jobs, progress=progress)).reshape(1 + n_permutations, p)
    return values[0], values[1:]


def _feature_scores(estimator, X, y, *, discrete_features, discrete_target, n_permutations,
                    random_state, n_jobs, verbose=False):
    """MI of each column of a validated X with y, and permutation p-values.

    Returns ``(scores, pvalues)``: scores clipped at 0, p-values None without
    permutations.
    """
    estimator = _estimator_or_ksg(estimator)
    n, p = X.shape
    discrete = _discrete_mask(discrete_features, p, scipy.sparse.issparse(X))
    discrete_target = _is_discrete(y, discrete_target)
    rng = _random_state(random_state, estimator)
    if _uses_featurewise_ksg(estimator):
        observed, null = _ksg_scores(
            estimator, X, y, discrete, discrete_target, rng, n_permutations, n_jobs
        )
    else:
        observed, null = _cloned_scores(
            estimator, X, y, discrete, discrete_target, rng, n_permutations, n_jobs,
            verbose
        )
    pvalues = None
    if n_permutations:
        # The observed value counts as one of the permutations: p is never 0.
        pvalues = (1 + (null >= observed).sum(axis=0)) / (1 + n_permutations)
    # MI is never negative; a negative estimate is noise around 0 (scikit-learn clips).
    return np.maximum(observed, 0.0), pvalues


def _ranks(scores):
    """1 for the best score; equal scores share the best of their ranks."""
    order = -scores
    return (np.searchsorted(np.sort(order), order, side="left") + 1).astype(np.int64)


# A dataclass for its __init__ alone: equality stays identity, and the repr is its own.
@dataclass(eq=False, repr=False)
class MutualInfoScores:
    """A score function for ``SelectKBest`` and ``SelectPercentile``: the MI of each
    feature with the target, in nats.

    Made by :func:`mutual_info_scores`; a plain object (not a closure), so it pickles
    and its ``repr`` says what it computes.

    Parameters
    ----------
    estimator : skmist estimator or None, default=None
        See :class:`MutualInfoSelector`.
    n_permutations : int, default=0
        With a positive value, calls return ``(scores, pvalues)``.
    discrete_features, discrete_target, random_state, n_jobs
        See :class:`MutualInfoSelector`.
    """

    estimator: object = None
    n_permutations: int = 0
    _: KW_ONLY
    discrete_features: object = "auto"
    discrete_target: object = "auto"
    random_state: object = None
    n_jobs: object = None

    def __call__(self, X, y):
        """Scores of the columns of ``X`` (and p-values with permutations)."""
        if isinstance(self.n_permutations, bool) or not isinstance(
            self.n_permutations, Integral
        ) or self.n_permutations < 0:
            raise ValueError(
                f"n_permutations must be a non-negative integer; got {self.n_permutations!r}"
            )
        X, y = check_X_y(
            X, y, accept_sparse="csc", dtype=np.float64, multi_output=True, y_numeric=False
        )
        scores, pvalues = _feature_scores(self.estimator, X, y, **_score_settings(self))
        return scores if pvalues is None else (scores, pvalues)

    def __repr__(self):
        defaults = MutualInfoScores()
        shown = [
            f"{name}={value!r}"
            for name, value in vars(self).items()
            if name == "estimator" or value != getattr(defaults, name)
        ]
        return f"mutual_info_scores({', '.join(shown)})"


def mutual_info_scores(estimator=None, n_permutations=0, **kwargs):
    """A score function for ``SelectKBest``/``SelectPercentile`` from any skmist estimator.

    Parameters
    ----------
    estimator : skmist estimator or None, default=None
        How each feature is scored; None is :class:`~skmist.KSGEstimator` with
        scikit-learn's parameters, so that ``mutual_info_scores(random_state=0)`` gives
        ``mutual_info_regression(X, y, random_state=0)`` on a continuous target and
        ``mutual_info_classif`` on labels.
    n_permutations : int, default=0
        Permutations of y for a p-value per feature; with a positive value the function
        returns ``(scores, pvalues)``, which ``SelectKBest`` stores as ``pvalues_``.
    **kwargs
        ``discrete_features``, ``discrete_target``, ``random_state`` and ``n_jobs``, as
        for :class:`MutualInfoSelector`.

    Returns
    -------
    MutualInfoScores
        A picklable callable ``(X, y) -> scores`` or ``(scores, pvalues)``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.feature_selection import SelectKBest
    >>> from skmist import mutual_info_scores
    >>> X, y = make_regression(500, 8, n_informative=2, shuffle=False, random_state=0)
    >>> SelectKBest(mutual_info_scores(random_state=0), k=2).fit(X, y).get_support()
    array([ True,  True, False, False, False, False, False, False])
    """
    return MutualInfoScores(estimator, n_permutations, **kwargs)
