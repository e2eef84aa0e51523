"""Greedy, redundancy-aware selection: mRMR, JMI and CMIM, three of the criteria that
Brown et al. (2012) derive as approximations of conditional likelihood maximisation.

Each step scores all remaining features against the feature just chosen in one pass:
:func:`skmist.functional.featurewise_ksg` for redundancy,
:func:`skmist.functional.featurewise_conditional_ksg` for conditional relevance.
"""

import numpy as np
import scipy.sparse
import torch

from ..base import resolve_device
from ..functional import featurewise_conditional_ksg
from ._estimators import (
    _estimator_or_ksg,
    _ksg_block,
    _ksg_inputs,
    _random_state,
    _uses_featurewise_ksg,
)
from ._inputs import _dense_columns, _discrete_mask, _is_discrete, _target_column
from ._parallel import _blockwise
from ._scores import _ranks


def _relevance_block(block, estimator, threads, X, y, discrete, discrete_target):
    return _ksg_block(X, block, y, estimator, discrete, discrete_target, threads)


def _conditional_block(block, estimator, threads, X, y, z, discrete_target):
    device = resolve_device(estimator.device)
    values = featurewise_conditional_ksg(
        torch.as_tensor(_dense_columns(X, block)).to(device),
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
    estimator = _estimator_or_ksg(estimator)
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
    rng = _random_state(random_state, estimator)
    X, y = _ksg_inputs(estimator, X, y, discrete, discrete_target, rng)
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
                                _dense_columns(X, [pick]), discrete_target)
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
