"""Lagged MI and transfer entropy: time series embedded into lagged rows, then
:func:`skmist.estimate_mi` (with ``conditioning`` for the transfer entropy)."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from .._estimate import estimate_mi
from .._neural import UnreliableEstimateWarning
from ..estimators._registry import is_trained
from ._embedding import (
    as_series,
    check_aligned,
    check_lag,
    check_lags,
    check_length,
    lagged,
)

__all__ = ["lagged_mi", "transfer_entropy"]

# estimate_mi's held-out share for trained estimators; the permutation test refits on
# the same split.
TEST_SIZE = 0.2
# Circular shifts of the source by less than this share of the series (either way)
# leave it close to its own alignment with the target; the null's offsets avoid them.
MIN_SHIFT_FRACTION = 0.1


def lagged_mi(x, y, lags=10, *, estimator="auto", random_state=None, verbose=False):
    """Mutual information between x and y at each lag: I(x_{t-lag}; y_t).

    Each lag is one :func:`skmist.estimate_mi` call on the lagged pairs, so
    ``estimator="auto"`` chooses as it does there (KSG in low dimension). All lags are
    estimated on the same time points t (from the largest lag on), so that their
    estimates, with the same number of samples and so the same bias, compare.

    Parameters
    ----------
    x, y : array-like, pandas Series or DataFrame, or torch.Tensor
        Series of shape (n_times,) or (n_times, n_series) (several columns are one
        multivariate series), one row per time point, in time order and aligned: row i
        of x and of y are the same time. Pandas input is checked: a sorted index
        without repeats, the same index for both; an unevenly spaced DatetimeIndex
        warns, as lags count rows, not time.
    lags : int or list of int, default=10
        An int L is the lags 1, ..., L; a list gives the lags (0 is the simultaneous
        MI). Negative lags are refused: swap x and y.
    estimator : str, estimator or "auto", default="auto"
        As in :func:`skmist.estimate_mi`.
    random_state : int or None, default=None
        Seeds each estimate (the jitter of KSG, a trained estimator's split and
        weights).
    verbose : bool, default=False
        Progress bars of trained estimators.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``lag``, with columns ``mi`` (nats), ``std_error`` (nats, or NaN
        where the estimator gives none), ``n_samples`` (lagged pairs), ``estimator``
        (its class name) and ``reliable`` (False where :class:`~skmist.MIResult` has
        caveats; they are also raised as warnings). ``result["mi"].idxmax()`` is the
        lag of the strongest dependence.

    See Also
    --------
    transfer_entropy : what the source's past adds beyond the target's own past.

    Notes
    -----
    The standard errors come from estimates that treat the lagged pairs as
    independent; serial dependence makes them too small.

    Examples
    --------
    x drives y three steps later:

    >>> import numpy as np
    >>> from skmist.timeseries import lagged_mi
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2003)
    >>> y = x[:-3] + rng.normal(size=2000)
    >>> table = lagged_mi(x[3:], y, lags=[1, 2, 3, 4], random_state=0)
    >>> list(table.columns)
    ['mi', 'std_error', 'n_samples', 'estimator', 'reliable']
    >>> int(table["mi"].idxmax()), round(float(table.loc[3, "mi"]), 1)  # log(2) / 2 = 0.35
    (3, 0.3)
    """
    (x_array, x_index), (y_array, y_index) = (
        as_series(x, "x", "lagged MI"), as_series(y, "y", "lagged MI"))
    check_aligned([(x_array, x_index), (y_array, y_index)], ["x", "y"])
    if isinstance(lags, (int, np.integer)) and not isinstance(lags, bool):
        lags = list(range(1, check_lag(lags, "lags", 1) + 1))
    else:
        lags = check_lags(lags, "lags", 0)
    start = max(lags)
    n_rows = check_length(len(y_array), start, f"lags up to {start}", "an MI estimate")
    target = _columns_or_vector(lagged(y_array, 0, start))
    rows = []
    for lag in lags:
        result = estimate_mi(lagged(x_array, lag, start), target, estimator=estimator,
                             random_state=random_state, verbose=verbose)
        rows.append({
            "lag": lag, "mi": result.value,
            "std_error": np.nan if result.std_error is None else result.std_error,
            "n_samples": n_rows, "estimator": type(result.estimator).__name__,
            "reliable": result.reliable,
        })
    return pd.DataFrame(rows).set_index("lag")


def transfer_entropy(source, target, *, lag=1, history=1, conditioning=None,
                     conditioning_lags=None, estimator="auto", n_permutations=0,
                     random_state=None, verbose=False):
    """Transfer entropy from ``source`` to ``target``, in nats, with a standard error and
    optionally a permutation p-value.

    The information the source's value ``lag`` steps back gives about the target's
    present beyond the target's own past (and that of ``conditioning``):

    .. math:: T = I(y_t;\\ x_{t-\\mathrm{lag}} \\mid y_{t-1}, \\dots, y_{t-\\mathrm{history}},
              z_{t-c} \\text{ for } c \\text{ in conditioning\\_lags})

    a conditional MI, estimated by :func:`skmist.estimate_mi` with ``conditioning``
    on the delay-embedded rows: with ``estimator="auto"`` the Frenzel-Pompe kNN
    estimate (:class:`~skmist.ConditionalKSGEstimator`) in low dimension, the chain
    rule of a neural estimator (:class:`~skmist.ChainRuleCMIEstimator`) beyond.

    Parameters
    ----------
    source, target : array-like, pandas Series or DataFrame, or torch.Tensor
        x and y: series of shape (n_times,) or (n_times, n_series) (several columns
        are one multivariate series), one row per time point, in time order and
        aligned. Pandas input is checked: a sorted index without repeats, the same
        index for every series; an unevenly spaced DatetimeIndex warns, as lags count
        rows, not time.
    lag : int, default=1
        The source's delay, >= 1.
    history : int, default=1
        How many past values of the target are conditioned on, >= 1 (the target's
        embedding dimension).
    conditioning : array-like, Series or DataFrame, default=None
        z, other series whose past is conditioned on (a common driver, to tell a
        direct influence from a shared one); same length and index as the others.
    conditioning_lags : int, list of int or None, default=None
        The lags of z conditioned on; None is ``1, ..., history``, the target's own
        window. Name the lag at which a driver reaches the target.
    estimator : str, estimator or "auto", default="auto"
        As in :func:`skmist.estimate_mi` with ``conditioning``: a conditional
        estimator, or any estimator (used in :class:`~skmist.ChainRuleCMIEstimator`).
    n_permutations : int, default=0
        With a positive value, the source is shifted circularly by this many random
        offsets and the estimate recomputed on each (trained estimators: refitted on
        the same training rows); the p-value is ``(1 + #{null >= observed}) / (1 +
        n_permutations)``. A circular shift keeps the source's own autocorrelation, so
        each surrogate is a series like the source, where a shuffle of its rows (JIDT's
        default) is white noise; on independent AR pairs both keep their level
        (``benchmarks/bench_timeseries.py``: 4-5% of 100 p-values at or below 0.05).
        The offsets are drawn uniformly at least a tenth of the series away from 0.
    random_state : int, RandomState instance or None, default=None
        Seeds the estimator (as in :func:`~skmist.estimate_mi`) and the offsets.
    verbose : bool, default=False
        Progress bars of trained estimators.

    Returns
    -------
    MIResult
        ``value`` (nats), ``std_error``, ``caveats``, the fitted ``estimator``,
        ``n_test`` (the lagged samples), and ``p_value`` (None without permutations).

    See Also
    --------
    lagged_mi : I(x_{t-lag}; y_t) without conditioning, over many lags.
    var_transfer_entropy : the closed form for a Gaussian VAR process.

    Notes
    -----
    The lagged samples run over t = max(lag, history, conditioning lags), ..., n - 1.
    Transfer entropy is not a causal effect: an unobserved common driver, or a source
    seen only through noise, gives a positive value without a direct influence. The
    standard error treats the lagged samples as independent (KSG's jackknife over
    halves of them, a trained estimator's delta method); serial dependence makes it too
    small, which the circular-shift p-value does not suffer from. IDTxl and JIDT test
    their estimates the same way (surrogates by shifting or permuting the source).

    References
    ----------
    T. Schreiber, Phys. Rev. Lett. 85, 461 (2000); S. Frenzel and B. Pompe, Phys. Rev.
    Lett. 99, 204101 (2007); L. Barnett, A. B. Barrett and A. K. Seth, Phys. Rev. Lett.
    103, 238701 (2009) (for Gaussian processes, transfer entropy is Granger causality
    halved).

    Examples
    --------
    x drives y with coefficient 0.5 in a Gaussian VAR(1), whose transfer entropy is
    0.135 nats one way and 0 the other:

    >>> from skmist.timeseries import sample_var, transfer_entropy, var_transfer_entropy
    >>> A = [[0.5, 0.0], [0.5, 0.5]]
    >>> v = sample_var(A, 1.0, 2000, random_state=0)
    >>> round(var_transfer_entropy(A, 1.0, source=0, target=1), 3)
    0.135
    >>> result = transfer_entropy(v[:, 0], v[:, 1], n_permutations=9, random_state=0)
    >>> type(result.estimator).__name__, result.n_test, result.p_value
    ('ConditionalKSGEstimator', 1999, 0.1)
    >>> abs(result.value - 0.135) < 3 * result.std_error
    True
    >>> result = transfer_entropy(v[:, 1], v[:, 0], n_permutations=9, random_state=0)
    >>> abs(result.value) < 3 * result.std_error, result.p_value > 0.05
    (True, True)
    """
    lag = check_lag(lag, "lag", 1)
    history = check_lag(history, "history", 1)
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) \
            or n_permutations < 0:
        raise ValueError(f"n_permutations must be an integer >= 0; got {n_permutations!r}")
    series = [as_series(source, "source", "transfer entropy"),
              as_series(target, "target", "transfer entropy")]
    names = ["source", "target"]
    if conditioning is not None:
        series.append(as_series(conditioning, "conditioning", "transfer entropy"))
        names.append("conditioning")
        if conditioning_lags is None:
            conditioning_lags = list(range(1, history + 1))
        elif isinstance(conditioning_lags, (int, np.integer)) \
                and not isinstance(conditioning_lags, bool):
            conditioning_lags = [check_lag(conditioning_lags, "conditioning_lags", 1)]
        else:
            conditioning_lags = check_lags(conditioning_lags, "conditioning_lags", 1)
    elif conditioning_lags is not None:
        raise ValueError("conditioning_lags is set but conditioning is None; pass the "
                         "conditioning series too")
    check_aligned(series, names)
    arrays = [array for array, _ in series]
    start = max([lag, history, *(conditioning_lags or [])])
    description = f"lag={lag} and history={history}" + (
        f" and conditioning_lags={conditioning_lags}" if conditioning is not None else "")
    n_rows = check_length(len(arrays[0]), start, description, "a transfer entropy estimate")

    x = lagged(arrays[0], lag, start)
    y = _columns_or_vector(lagged(arrays[1], 0, start))
    past = [lagged(arrays[1], k, start) for k in range(1, history + 1)]
    if conditioning is not None:
        past += [lagged(arrays[2], k, start) for k in conditioning_lags]
    z = np.column_stack(past)

    rng = check_random_state(random_state)
    seed = random_state if random_state is None or isinstance(
        random_state, (int, np.integer)) else int(rng.randint(2**31 - 1))
    result = estimate_mi(x, y, conditioning=z, estimator=estimator, random_state=seed,
                         verbose=verbose)
    if not n_permutations:
        return result
    smallest = max(1, int(MIN_SHIFT_FRACTION * n_rows))
    offsets = rng.randint(smallest, n_rows - smallest + 1, size=n_permutations)
    null = np.array([_refitted_value(result.estimator, np.roll(x, shift, axis=0), y, z,
                                     seed) for shift in offsets])
    # The observed value counts as one of the permutations: p is never 0.
    p_value = (1 + int(np.sum(null >= result.value))) / (1 + n_permutations)
    return dataclasses.replace(result, p_value=float(p_value))


def _columns_or_vector(array):
    """A single series as a 1-D target (estimate_mi's class-label rule reads 1-D y)."""
    return array[:, 0] if array.shape[1] == 1 else array


def _refitted_value(est, x, y, z, seed):
    """The estimate of a clone of the fitted ``est`` on ``(x, y | z)`` as estimate_mi
    computes it: on all rows for a nonparametric estimator, else fitted on the same
    training split and scored on the held-out rows. No standard error."""
    xz = np.column_stack([x, z])  # x's columns, then z's: the estimator's mask
    est = clone(est)
    with warnings.catch_warnings():
        # A null estimate near 0 on few rows draws the caveats that the observed one
        # reports; here they are noise.
        warnings.simplefilter("ignore", UnreliableEstimateWarning)
        if not is_trained(est):
            return float(est.fit(xz, y).mi_)
        train, test = train_test_split(np.arange(len(y)), test_size=TEST_SIZE,
                                       random_state=seed)
        train.sort()
        test.sort()
        return float(est.fit(xz[train], y[train]).score(xz[test], y[test]))
