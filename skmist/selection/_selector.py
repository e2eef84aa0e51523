"""Feature selection by mutual information.

* :class:`MutualInfoSelector`: a scikit-learn selector (like ``SelectKBest``) that
  scores every feature by its MI with the target, with any skmist estimator.
* :func:`mutual_info_scores`: the same scores as a score function for ``SelectKBest``
  and ``SelectPercentile``, optionally with permutation-test p-values.
* :func:`mutual_info_matrix`: MI between every pair of columns.

``MutualInfoSelector(strategy=...)`` also selects greedily, skipping features that
repeat the information of those already chosen: mRMR, JMI and CMIM, three of the
criteria that Brown et al. (2012) derive as approximations of conditional likelihood
maximisation. Each step scores
all remaining features against the feature just chosen in one pass
(:func:`skmist.functional.featurewise_ksg` for redundancy,
:func:`skmist.functional.featurewise_conditional_ksg` for conditional relevance).

With a :class:`~skmist.KSGEstimator` (the default) all features are scored in one pass
(:func:`skmist.functional.featurewise_ksg`) after scikit-learn's preprocessing in
scikit-learn's order, so the scores equal ``mutual_info_regression`` and
``mutual_info_classif`` for the same ``random_state``. Any other estimator is cloned
and fitted once per feature. The work is spread over ``n_jobs`` joblib workers, which
``joblib.parallel_config(backend="dask")`` sends to a dask cluster.
"""

import multiprocessing
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse
import torch
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y, validate_data
from threadpoolctl import threadpool_limits

from ..base import MIEstimator, resolve_device
from ..estimators import KSGEstimator
from ..functional import featurewise_conditional_ksg, featurewise_ksg

__all__ = ["MutualInfoScores", "MutualInfoSelector", "mutual_info_matrix", "mutual_info_scores"]


# --- the scores ---------------------------------------------------------------------


def _resolve_estimator(estimator):
    if estimator is None:
        return KSGEstimator()
    if not isinstance(estimator, MIEstimator):
        raise TypeError(
            "estimator must be a skmist MI estimator, such as KSGEstimator() or "
            f"SMILEEstimator(); got {estimator!r} (a {type(estimator).__name__})"
        )
    return estimator


def _is_discrete(y, discrete_target):
    """``"auto"``: labels (integers, booleans, strings, categoricals) are discrete;
    floats are continuous."""
    if discrete_target != "auto":
        return bool(discrete_target)
    return np.asarray(y).dtype.kind in "iubOSU"


def _discrete_mask(discrete_features, n_features, sparse):
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(
                f"discrete_features must be 'auto', a bool, a boolean mask or column "
                f"indices; got {discrete_features!r}"
            )
        discrete_features = sparse
    if isinstance(discrete_features, (bool, np.bool_)):
        mask = np.full(n_features, bool(discrete_features))
    else:
        # KSGEstimator's rule for masks and indices, with its messages.
        mask = KSGEstimator(discrete_features=discrete_features)._discrete_mask(n_features)
    if sparse and not mask.all():
        raise ValueError(
            "X is sparse, which is allowed for discrete features only: "
            f"{int((~mask).sum())} columns are continuous (pass discrete_features=True, "
            "or a dense X)"
        )
    return mask


def _labels(y):
    """Integer codes of a discrete y, column by column: (n,) or (n, n_outputs)."""
    y = np.asarray(y)
    if y.ndim == 1:
        return np.unique(y, return_inverse=True)[1].reshape(-1)
    return np.column_stack([np.unique(c, return_inverse=True)[1].reshape(-1) for c in y.T])


def _continuous_target(y):
    try:
        return np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "y has non-numeric values; pass discrete_target=True to treat it as labels"
        ) from None


def _columns(X, index):
    """Dense float64 columns of X (sparse X is densified a block at a time)."""
    block = X[:, index]
    return block.toarray() if scipy.sparse.issparse(block) else np.asarray(block)


def _in_worker(function, *args):
    """Run ``function`` in a joblib worker, with one torch, BLAS and OpenMP thread when
    the worker is a process of its own (loky, dask): workers share the machine's
    cores, and each using all of them costs 10-100x on 2 cores. Threads of this
    process (joblib's threading backend) leave the process-wide settings alone."""
    if multiprocessing.parent_process() is None:
        return function(*args)
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            return function(*args)
    finally:
        torch.set_num_threads(previous)


def _run(tasks, n_jobs, prefer=None, progress=None):
    """``tasks`` (function, args) in order: in this process with its threads when
    there is one worker, else through joblib; ``progress``: a progress bar's label,
    ticked as each task ends (None: no bar)."""
    from tqdm.auto import tqdm

    if effective_n_jobs(n_jobs) == 1:
        results = (function(*args) for function, args in tasks)
    else:
        results = Parallel(n_jobs=n_jobs, prefer=prefer, return_as="generator")(
            delayed(_in_worker)(function, *args) for function, args in tasks
        )
    return list(tqdm(results, total=len(tasks), desc=progress, disable=progress is None,
                     leave=False))


def _uses_featurewise_ksg(estimator):
    return (
        isinstance(estimator, KSGEstimator)
        and estimator.variant == 1
        and not estimator.mixed
    )


def _ksg_block(X, index, y, estimator, discrete, discrete_target, threads, jitter=None):
    # A copy (index is an array): the jitter below writes in place.
    x = torch.as_tensor(_columns(X, index), dtype=torch.float64)
    if jitter is not None:
        x = jitter(x, index)
    device = resolve_device(estimator.device)
    values = featurewise_ksg(
        x.to(device),
        torch.as_tensor(y).to(device),
        estimator.n_neighbors,
        discrete_features=discrete[index],
        discrete_target=discrete_target,
        backend=estimator.backend,
        n_jobs=threads,
    )
    return values.cpu().numpy()


class _ContinuousJitter:
    """scikit-learn's scaling and noise of X's continuous columns, a block at a time.

    scikit-learn draws the noise of all continuous columns as one matrix (then y's);
    the draw is made here, in that order, while the scaling and adding, which each
    column does on its own, can run in the blocks' threads.
    """

    def __init__(self, estimator, discrete, rng, n_samples):
        self.estimator = estimator
        self.continuous = ~discrete
        self.noise = estimator._noise_draw((n_samples, int(self.continuous.sum())), rng)
        self.noise_column = np.cumsum(self.continuous) - 1

    def __call__(self, x, index):
        """Columns ``x`` (a tensor, modified in place) of X's columns ``index``."""
        continuous = self.continuous[index]
        if continuous.any():
            draw = None if self.noise is None else self.noise[
                :, self.noise_column[index[continuous]]]
            x[:, continuous] = self.estimator._jitter_with(x[:, continuous], draw)
        return x

    def all_columns(self, X):
        """A float64 copy of X with every continuous column preprocessed."""
        X = np.array(X, dtype=np.float64)
        self(torch.from_numpy(X), np.arange(X.shape[1]))  # in place, through the shared memory
        return X


def _jittered(values, estimator, rng):
    """KSGEstimator's (= scikit-learn's) scaling and noise of continuous columns."""
    return estimator._jitter(torch.from_numpy(np.array(values, dtype=np.float64)), rng).numpy()


def _deferred_ksg_inputs(estimator, X, y, discrete, discrete_target, rng):
    """X as given, the ``_ContinuousJitter`` that its blocks take (None: all discrete),
    and y after scikit-learn's scaling and noise (labels: integer codes)."""
    n = X.shape[0]
    jitter = None if discrete.all() else _ContinuousJitter(estimator, discrete, rng, n)
    if discrete_target:
        return X, jitter, _labels(y)
    return X, jitter, _jittered(_continuous_target(y).reshape(n, -1), estimator, rng)


def _ksg_inputs(estimator, X, y, discrete, discrete_target, rng):
    """X and y after scikit-learn's scaling and noise, in scikit-learn's order; labels
    as integer codes."""
    X, jitter, y = _deferred_ksg_inputs(estimator, X, y, discrete, discrete_target, rng)
    if jitter is None:
        return (X if scipy.sparse.issparse(X) else np.asarray(X, dtype=np.float64)), y
    return jitter.all_columns(X), y


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
    # Several blocks per worker balance the load when columns differ in cost.
    blocks = np.array_split(np.arange(p), min(p, 4 * workers) if workers > 1 else 1)
    threads = 1
    tasks = [
        (_ksg_block, (X, block, y if order is None else y[order], estimator, discrete,
                      discrete_target, threads, jitter))
        for order in [None, *permutations]
        for block in blocks
    ]
    # The tree queries and sorts release the GIL: threads share the data for free,
    # where processes would first import torch and copy X.
    results = _run(tasks, n_jobs, prefer="threads")
    values = np.concatenate(results).reshape(1 + n_permutations, p)
    return values[0], values[1:]


def _fitted_mi(estimator, X, index, y):
    return float(estimator.fit(_columns(X, [index]), y).mi_)


def _cloned_scores(estimator, X, y, discrete_target, rng, n_permutations, n_jobs,
                   verbose=False):
    """One clone of ``estimator`` fitted per feature (and per permutation)."""
    n, p = X.shape
    params = estimator.get_params(deep=False)
    overrides = {}
    if "discrete_target" in params:
        overrides["discrete_target"] = discrete_target
    permutations = [None] + [rng.permutation(n) for _ in range(n_permutations)]
    tasks = []
    for order in permutations:
        y_order = y if order is None else _take_rows(y, order)
        for j in range(p):
            if "random_state" in params:
                overrides["random_state"] = int(rng.randint(0, 2**31 - 1))
            model = clone(estimator).set_params(**overrides)
            tasks.append((_fitted_mi, (model, X, j, y_order)))
    progress = f"{type(estimator).__name__} fits" if verbose else None
    values = np.array(_run(tasks, n_jobs, progress=progress)).reshape(1 + n_permutations, p)
    return values[0], values[1:]


def _take_rows(y, order):
    return y.iloc[order] if hasattr(y, "iloc") else np.asarray(y)[order]


def _feature_scores(estimator, X, y, *, discrete_features, discrete_target, n_permutations,
                    random_state, n_jobs, verbose=False):
    """MI of each column of a validated X with y, and permutation p-values.

    Returns ``(scores, pvalues)``: scores clipped at 0, p-values None without
    permutations.
    """
    estimator = _resolve_estimator(estimator)
    n, p = X.shape
    discrete = _discrete_mask(discrete_features, p, scipy.sparse.issparse(X))
    discrete_target = _is_discrete(y, discrete_target)
    seed = random_state if random_state is not None else getattr(estimator, "random_state", None)
    rng = check_random_state(seed)
    if _uses_featurewise_ksg(estimator):
        observed, null = _ksg_scores(
            estimator, X, y, discrete, discrete_target, rng, n_permutations, n_jobs
        )
    else:
        observed, null = _cloned_scores(
            estimator, X, y, discrete_target, rng, n_permutations, n_jobs, verbose
        )
    pvalues = None
    if n_permutations:
        # The observed value counts as one of the permutations: p is never 0.
        pvalues = (1 + (null >= observed).sum(axis=0)) / (1 + n_permutations)
    # MI is never negative; a negative estimate is noise around 0 (scikit-learn clips).
    return np.maximum(observed, 0.0), pvalues


# --- greedy, redundancy-aware selection ----------------------------------------------

STRATEGIES = ("univariate", "mrmr", "jmi", "cmim")


def _blockwise(task, columns, estimator, n_jobs, *args):
    """``task(block, estimator, threads, *args)`` over blocks of ``columns``,
    concatenated; blocks and threads as in :func:`_ksg_scores`."""
    workers = effective_n_jobs(n_jobs)
    blocks = np.array_split(columns, min(len(columns), 4 * workers) if workers > 1 else 1)
    threads = estimator.n_jobs if workers == 1 else 1
    tasks = [(task, (block, estimator, threads, *args)) for block in blocks]
    return np.concatenate(_run(tasks, n_jobs, prefer="threads"))


def _relevance_block(block, estimator, threads, X, y, discrete, discrete_target):
    return _ksg_block(X, block, y, estimator, discrete, discrete_target, threads)


def _conditional_block(block, estimator, threads, X, y, z, discrete_target):
    device = resolve_device(estimator.device)
    values = featurewise_conditional_ksg(
        torch.as_tensor(_columns(X, block)).to(device),
        torch.as_tensor(y).to(device),
        torch.as_tensor(z).to(device),
        estimator.n_neighbors,
        discrete_target=discrete_target,
        backend=estimator.backend,
        n_jobs=threads,
    )
    return values.cpu().numpy()


def _greedy_selection(strategy, estimator, X, y, *, n_select, discrete_features,
                      discrete_target, random_state, n_jobs):
    """Greedy forward selection by mRMR, JMI or CMIM on KSG estimates.

    Returns ``(scores, ranking)``: each feature's criterion at the step it was picked
    (at the last step for the others), and 1, 2, ... in pick order, then the others by
    their last criterion.
    """
    estimator = _resolve_estimator(estimator)
    if not _uses_featurewise_ksg(estimator):
        raise ValueError(
            f"strategy={strategy!r} needs a KSGEstimator (variant=1, mixed=False) as the "
            f"estimator, whose conditional estimates it uses; got {estimator!r}. Other "
            "estimators select with strategy='univariate'"
        )
    n, p = X.shape
    if strategy != "mrmr" and scipy.sparse.issparse(X):
        raise ValueError(
            f"strategy={strategy!r} does not accept sparse X: its conditional estimates "
            "need continuous features, and sparse X is allowed for discrete features "
            "only. Pass a dense X, or use strategy='mrmr' or 'univariate'"
        )
    discrete = _discrete_mask(discrete_features, p, scipy.sparse.issparse(X))
    if strategy != "mrmr" and discrete.any():
        raise ValueError(
            f"strategy={strategy!r} needs continuous features (its conditional estimates "
            f"are kNN ones); {int(discrete.sum())} are discrete. Use strategy='mrmr' or "
            "'univariate', which take discrete features"
        )
    discrete_target = _is_discrete(y, discrete_target)
    seed = random_state if random_state is not None else getattr(estimator, "random_state", None)
    X, y = _ksg_inputs(estimator, X, y, discrete, discrete_target, check_random_state(seed))
    everything = np.arange(p)
    # Estimates are not clipped here: the criteria subtract and compare them, and
    # clipping noise at 0 would bias the comparisons.
    relevance = _blockwise(_relevance_block, everything, estimator, n_jobs, X, y, discrete,
                           discrete_target)
    criterion = relevance.copy()  # the first pick of every strategy: the most relevant
    redundancy = np.zeros(p)  # mRMR: sum over S of I(f; s)
    conditional = np.zeros(p) if strategy == "jmi" else np.full(p, np.inf)
    selected, remaining = [], everything
    scores = np.empty(p)
    for step in range(n_select):
        pick = remaining[np.argmax(criterion[remaining])]
        scores[pick] = criterion[pick]
        selected.append(pick)
        remaining = remaining[remaining != pick]
        if step + 1 == n_select:
            break
        chosen = len(selected)
        if strategy == "mrmr":
            # Peng et al. (2005), MID: relevance minus mean redundancy with S.
            redundancy[remaining] += _blockwise(
                _relevance_block, remaining, estimator, n_jobs, X,
                _target_column(X, pick, discrete[pick]), discrete, bool(discrete[pick]),
            )
            criterion[remaining] = relevance[remaining] - redundancy[remaining] / chosen
            continue
        given_pick = _blockwise(_conditional_block, remaining, estimator, n_jobs, X, y,
                                _columns(X, [pick]), discrete_target)
        if strategy == "jmi":
            # Yang and Moody (1999): the mean over S of I([f, s]; y) = I(s; y) + I(f; y | s).
            conditional[remaining] += given_pick
            criterion[remaining] = (relevance[selected].sum() + conditional[remaining]) / chosen
        else:
            # Fleuret (2004): CMIM, the smallest I(f; y | s) over S.
            conditional[remaining] = np.minimum(conditional[remaining], given_pick)
            criterion[remaining] = conditional[remaining]
    scores[remaining] = criterion[remaining]
    ranking = np.empty(p, dtype=np.int64)
    ranking[selected] = np.arange(1, len(selected) + 1)
    ranking[remaining] = len(selected) + _ranks(criterion[remaining])
    return scores, ranking


def _check_xy(X, y):
    X, y = check_X_y(
        X, y, accept_sparse="csc", dtype=np.float64, multi_output=True, y_numeric=False
    )
    return X, y


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

    def __init__(self, estimator=None, n_permutations=0, *, discrete_features="auto",
                 discrete_target="auto", random_state=None, n_jobs=None):
        self.estimator = estimator
        self.n_permutations = n_permutations
        self.discrete_features = discrete_features
        self.discrete_target = discrete_target
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __call__(self, X, y):
        """Scores of the columns of ``X`` (and p-values with permutations)."""
        if isinstance(self.n_permutations, bool) or not isinstance(
            self.n_permutations, Integral
        ) or self.n_permutations < 0:
            raise ValueError(
                f"n_permutations must be a non-negative integer; got {self.n_permutations!r}"
            )
        X, y = _check_xy(X, y)
        scores, pvalues = _feature_scores(
            self.estimator, X, y,
            discrete_features=self.discrete_features,
            discrete_target=self.discrete_target,
            n_permutations=self.n_permutations,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        )
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


# --- the selector -------------------------------------------------------------------


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    r"""Select the features with the most mutual information with the target.

    A drop-in for ``SelectKBest(mutual_info_regression)`` that takes any skmist
    estimator, works in Pipelines and GridSearchCV, and spreads its work over joblib
    workers (a dask cluster with ``joblib.parallel_config(backend="dask")``).

    With ``strategy="mrmr"``, ``"jmi"`` or ``"cmim"`` it picks ``k`` features one at a
    time, each the best by a criterion that rewards information about y and penalises
    information already carried by the features chosen before (S), so that of two
    copies of a feature only one is kept:

    * ``"mrmr"`` (Peng et al. 2005): :math:`I(f; y) - \frac{1}{|S|}\sum_{s \in S}
      I(f; s)`, relevance minus mean redundancy;
    * ``"jmi"`` (Yang and Moody 1999): :math:`\frac{1}{|S|}\sum_{s \in S} I([f, s]; y)`,
      computed as :math:`I(s; y) + I(f; y \mid s)`;
    * ``"cmim"`` (Fleuret 2004): :math:`\min_{s \in S} I(f; y \mid s)`.

    The first pick is the most relevant feature, :math:`\arg\max I(f; y)`. In Brown et
    al.'s (2012) comparison JMI had the best balance of accuracy and stability; CMIM is
    close and mRMR is cheapest (it needs no conditional estimates and takes discrete
    features). JMI penalises a copy of a chosen feature s by at most
    :math:`I(s; y) / |S|`, so with features of unequal relevance it can keep a copy of a
    strong feature over a weak new one, as its exact criterion does; mRMR and CMIM do
    not (see ``tests/test_selection_greedy.py`` for measured cases). Each step scores
    all remaining features against the feature just chosen in one pass
    (:func:`skmist.functional.featurewise_ksg` for I(f; s),
    :func:`skmist.functional.featurewise_conditional_ksg` for I(f; y | s)), split over
    ``n_jobs`` workers: a step of mRMR costs about one univariate pass, a step of JMI or
    CMIM about three (measured at n = 2000, 15 features).

    Parameters
    ----------
    estimator : skmist estimator or None, default=None
        How each feature is scored. None, or a :class:`~skmist.KSGEstimator` (variant
        1), scores all features in one pass, after scikit-learn's scaling and noise;
        with ``random_state`` set the scores equal scikit-learn's
        ``mutual_info_regression`` / ``mutual_info_classif``. Any other estimator (a
        neural one, say) is cloned and fitted on each feature alone, and the feature's
        score is the clone's ``mi_`` (held out, for trained estimators).
    k : int, "all" or None, default=10
        Keep the k best features. Larger than the number of features keeps them all,
        with a warning, as ``SelectKBest`` does. Set ``k=None`` to select by
        ``percentile`` or ``threshold`` instead (univariate only). A greedy strategy
        runs k steps; "all" ranks every feature by its pick order.
    percentile : float in [0, 100] or None, default=None
        Keep this percentage of the features, the best first (needs ``k=None``;
        ``strategy="univariate"`` only).
    threshold : float or None, default=None
        Keep the features with at least this much MI, in nats (needs ``k=None``;
        ``strategy="univariate"`` only).
    strategy : {"univariate", "mrmr", "jmi", "cmim"}, default="univariate"
        "univariate" scores each feature alone, by I(f; y). The others select greedily,
        skipping redundant features (see above); they need a
        :class:`~skmist.KSGEstimator` as ``estimator`` (the default), and "jmi" and
        "cmim" need continuous features.
    n_permutations : int, default=0
        Permutations of y for the p-values in ``pvalues_``: the share of permutations
        scoring at least as high as the data, the data counted as one of them
        (``strategy="univariate"`` only).
    n_jobs : int or None, default=None
        joblib workers over features (and permutations); None is one, unless in a
        ``joblib.parallel_config`` context. Each worker runs one thread; with a single
        worker, the KSG estimator's ``n_jobs`` (all cores by default) are threads of
        this process over blocks of features.
    discrete_features : "auto", bool or array-like, default="auto"
        Which features are discrete: all, none, a boolean mask or column indices;
        "auto" is True for sparse X (allowed only then) and False otherwise.
    discrete_target : "auto" or bool, default="auto"
        Whether y holds labels (classification). "auto": integers, booleans, strings
        and categoricals are labels, floats are continuous. Overrides the estimator's
        own setting.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise (KSG), the clones' ``random_state`` and the permutations; None
        uses the estimator's ``random_state``.
    verbose : bool, default=False
        Show a progress bar over the fits when a trained estimator scores the features
        one fit each (KSG scores them all in one pass, in a fraction of that time).

    Attributes
    ----------
    scores_ : ndarray of shape (n_features,)
        Univariate: MI of each feature with the target, in nats; negative estimates
        (noise around 0) are reported as 0, as scikit-learn does. Greedy: the
        strategy's criterion, in nats, at the step the feature was picked, and for the
        features not picked at the last step; not clipped (mRMR's criterion is
        negative for a feature more redundant than relevant). Criteria of different
        steps compare different conditioning sets: use ``ranking_`` for the order.
    pvalues_ : ndarray of shape (n_features,) or None
        Permutation p-values, or None when ``n_permutations=0`` or the strategy is
        greedy.
    ranking_ : ndarray of shape (n_features,)
        Univariate: 1 for the most informative feature; ties (e.g. the features scored
        0) share the best of their ranks. Greedy: 1, ..., k in pick order, then the
        features not picked by their criterion at the last step.
    estimator_ : skmist estimator
        The estimator used (a KSGEstimator when ``estimator`` is None).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Names of the features, when X has string column names.

    See Also
    --------
    mutual_info_scores : the same scores as a ``SelectKBest`` score function.
    mutual_info_matrix : MI between every pair of columns.
    skmist.ConditionalKSGEstimator : the conditional MI behind "jmi" and "cmim".

    References
    ----------
    H. Peng, F. Long and C. Ding, "Feature selection based on mutual information:
    criteria of max-dependency, max-relevance, and min-redundancy", IEEE TPAMI 27(8),
    1226-1238 (2005); H. H. Yang and J. Moody, "Data visualization and feature
    selection: new algorithms for nongaussian data", NIPS 12 (1999); F. Fleuret, "Fast
    binary feature selection with conditional mutual information", JMLR 5, 1531-1555
    (2004); G. Brown, A. Pocock, M.-J. Zhao and M. Luján, "Conditional likelihood
    maximisation: a unifying framework for information theoretic feature selection",
    JMLR 13, 27-66 (2012).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skmist import MutualInfoSelector
    >>> X, y = make_regression(500, 8, n_informative=2, shuffle=False, random_state=0)
    >>> selector = MutualInfoSelector(k=2, random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1])
    >>> selector.ranking_
    array([1, 2, 5, 5, 3, 5, 4, 5])

    A copy of feature 0 is as relevant as feature 0, and adds nothing to it: univariate
    selection keeps both, CMIM one of them and feature 1.

    >>> import numpy as np
    >>> copy = X[:, :1] + 0.01 * np.random.default_rng(0).normal(size=(500, 1))
    >>> X_copy = np.hstack([X, copy])
    >>> MutualInfoSelector(k=2, random_state=0).fit(X_copy, y).get_support(indices=True)
    array([0, 8])
    >>> cmim = MutualInfoSelector(k=2, strategy="cmim", random_state=0).fit(X_copy, y)
    >>> cmim.get_support(indices=True)
    array([1, 8])
    """

    _parameter_constraints = {
        "estimator": "no_validation",  # checked in fit, with a clearer TypeError
        "k": [Interval(Integral, 0, None, closed="left"), StrOptions({"all"}), None],
        "percentile": [Interval(Real, 0, 100, closed="both"), None],
        "threshold": [Real, None],
        "strategy": [StrOptions(set(STRATEGIES))],
        "n_permutations": [Interval(Integral, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
        "discrete_target": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, k=10, *, percentile=None, threshold=None,
                 strategy="univariate", n_permutations=0, n_jobs=None,
                 discrete_features="auto", discrete_target="auto", random_state=None,
                 verbose=False):
        self.estimator = estimator
        self.k = k
        self.percentile = percentile
        self.threshold = threshold
        self.strategy = strategy
        self.n_permutations = n_permutations
        self.n_jobs = n_jobs
        self.discrete_features = discrete_features
        self.discrete_target = discrete_target
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        # Sparse X holds discrete features, which the conditional estimates of "jmi" and
        # "cmim" do not take.
        tags.input_tags.sparse = self.strategy in ("univariate", "mrmr")
        return tags

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Score every feature.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Sparse X is allowed when its features are discrete.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Continuous, or labels (see ``discrete_target``); several outputs are
            one joint target.

        Returns
        -------
        self : object
        """
        self._check_selection_params()
        self.estimator_ = _resolve_estimator(self.estimator)
        X, y = validate_data(
            self, X, y, accept_sparse="csc", dtype=np.float64, multi_output=True,
            y_numeric=False,
        )
        if self.strategy == "univariate":
            self.scores_, self.pvalues_ = _feature_scores(
                self.estimator_, X, y,
                discrete_features=self.discrete_features,
                discrete_target=self.discrete_target,
                n_permutations=self.n_permutations,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
                verbose=self.verbose,
            )
            self.ranking_ = _ranks(self.scores_)
        else:
            self.scores_, self.ranking_ = _greedy_selection(
                self.strategy, self.estimator_, X, y,
                n_select=self._n_selected(X.shape[1]),
                discrete_features=self.discrete_features,
                discrete_target=self.discrete_target,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
            self.pvalues_ = None
        if self.k not in (None, "all") and self.k > X.shape[1]:
            warnings.warn(
                f"k={self.k} is greater than n_features={X.shape[1]}. All the features "
                "will be returned.",
                UserWarning,
            )
        return self

    def _check_selection_params(self):
        chosen = [
            name for name, value in
            (("k", self.k), ("percentile", self.percentile), ("threshold", self.threshold))
            if value is not None
        ]
        if len(chosen) != 1:
            raise ValueError(
                "k, percentile and threshold are mutually exclusive: set exactly one "
                f"(k=None to select by percentile or threshold); got {_describe(self)}"
            )
        if self.strategy != "univariate":
            if self.k is None:
                raise ValueError(
                    f"strategy={self.strategy!r} selects a number of features, k, one at "
                    "a time; percentile and threshold apply to strategy='univariate' "
                    f"only. Got {_describe(self)}"
                )
            if self.n_permutations:
                raise ValueError(
                    "n_permutations applies to strategy='univariate' only (p-values of "
                    f"each feature's own MI); got strategy={self.strategy!r} and "
                    f"n_permutations={self.n_permutations}"
                )

    def _n_selected(self, n_features):
        return n_features if self.k == "all" else min(self.k, n_features)

    def _get_support_mask(self):
        check_is_fitted(self, "scores_")
        scores = self.scores_
        n_features = scores.shape[0]
        if self.strategy != "univariate":
            # The first k picks; a smaller k after fitting is a prefix of the same order.
            return self.ranking_ <= self._n_selected(n_features)
        if self.k is not None:
            if self.k == "all" or self.k >= n_features:
                return np.ones(n_features, dtype=bool)
            mask = np.zeros(n_features, dtype=bool)
            if self.k:
                # SelectKBest's tie-breaking: stable sort, the later of equal scores kept.
                mask[np.argsort(scores, kind="mergesort")[-self.k:]] = True
            return mask
        if self.percentile is not None:
            if self.percentile == 100:
                return np.ones(n_features, dtype=bool)
            if self.percentile == 0:
                return np.zeros(n_features, dtype=bool)
            cut = np.percentile(scores, 100 - self.percentile)
            mask = scores > cut
            ties = np.flatnonzero(scores == cut)
            if ties.size:
                keep = int(self.percentile * n_features / 100) - mask.sum()
                mask[ties[:max(keep, 0)]] = True
            return mask
        return scores >= self.threshold


def _describe(selector):
    return f"k={selector.k!r}, percentile={selector.percentile!r}, threshold={selector.threshold!r}"


def _ranks(scores):
    """1 for the best score; equal scores share the best of their ranks."""
    order = -scores
    return (np.searchsorted(np.sort(order), order, side="left") + 1).astype(np.int64)


# --- pairwise -----------------------------------------------------------------------


def mutual_info_matrix(X, estimator=None, *, discrete_features="auto", random_state=None,
                       n_jobs=None):
    """Mutual information between every pair of columns of X, in nats.

    Parameters
    ----------
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
    estimator : skmist estimator or None, default=None
        As in :class:`MutualInfoSelector`: KSG (one pass per column) by default, any
        other estimator fitted once per pair.
    discrete_features : "auto", bool or array-like, default="auto"
        Which columns are discrete, as in :class:`MutualInfoSelector`.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise (KSG: all columns jittered once, as one matrix) or the clones.
    n_jobs : int or None, default=None
        joblib workers over columns.

    Returns
    -------
    ndarray or DataFrame of shape (n_features, n_features)
        Symmetric, off-diagonal entries clipped at 0 as in :class:`MutualInfoSelector`;
        a DataFrame indexed by X's column names when X is one. The diagonal is
        I(X_j; X_j) = H(X_j): the plug-in entropy of a discrete column, and ``inf`` for
        a continuous one (a continuous variable determines itself exactly).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skmist import mutual_info_matrix
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=1000)
    >>> df = pd.DataFrame({"a": a, "b": a + rng.normal(size=1000), "c": rng.normal(size=1000)})
    >>> mutual_info_matrix(df, random_state=0).round(1)  # true I(a; b) = log(2)/2 = 0.35
         a    b    c
    a  inf  0.4  0.0
    b  0.4  inf  0.0
    c  0.0  0.0  inf
    """
    names = X.columns if isinstance(X, pd.DataFrame) else None
    X = check_array(X, accept_sparse="csc", dtype=np.float64)
    estimator = _resolve_estimator(estimator)
    n, p = X.shape
    discrete = _discrete_mask(discrete_features, p, scipy.sparse.issparse(X))
    seed = random_state if random_state is not None else getattr(estimator, "random_state", None)
    rng = check_random_state(seed)
    matrix = np.zeros((p, p))
    if _uses_featurewise_ksg(estimator):
        if not discrete.all():
            X = _ContinuousJitter(estimator, discrete, rng, n).all_columns(X)
        threads = estimator.n_jobs if effective_n_jobs(n_jobs) == 1 else 1
        # Column j against the columns after it: each pair once (KSG is symmetric).
        tasks = [
            (_ksg_block, (X, np.arange(j + 1, p), _target_column(X, j, discrete[j]),
                          estimator, discrete, bool(discrete[j]), threads))
            for j in range(p - 1)
        ]
        for j, values in enumerate(_run(tasks, n_jobs, prefer="threads")):
            matrix[j, j + 1:] = values
    else:
        params = estimator.get_params(deep=False)
        pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
        tasks = []
        for i, j in pairs:
            overrides = {}
            if "random_state" in params:
                overrides["random_state"] = int(rng.randint(0, 2**31 - 1))
            if "discrete_target" in params:
                overrides["discrete_target"] = bool(discrete[j])
            model = clone(estimator).set_params(**overrides)
            tasks.append((_fitted_mi, (model, X, i, _columns(X, [j])[:, 0])))
        for (i, j), value in zip(pairs, _run(tasks, n_jobs)):
            matrix[i, j] = value
    matrix = np.maximum(matrix, 0.0)
    matrix = matrix + matrix.T
    for j in range(p):
        matrix[j, j] = _entropy(_columns(X, [j])[:, 0]) if discrete[j] else np.inf
    if names is not None:
        return pd.DataFrame(matrix, index=names, columns=names)
    return matrix


def _target_column(X, j, discrete):
    column = _columns(X, [j])[:, 0]
    return _labels(column) if discrete else column


def _entropy(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())
