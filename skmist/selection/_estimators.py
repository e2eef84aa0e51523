"""How the columns are scored: a :class:`~skmist.KSGEstimator` scores a block of them in
one pass (:func:`skmist.functional.featurewise_ksg`), after scikit-learn's scaling and
noise in scikit-learn's order; any other estimator is cloned and fitted on each column
alone."""

import numpy as np
import scipy.sparse
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state

from ..base import MIEstimator, resolve_device
from ..estimators import KSGEstimator
from ..functional import featurewise_ksg, ksg_jitter
from ..functional._jitter import jitter_draw
from ._inputs import _continuous_target, _dense_columns, _labels


def _estimator_or_ksg(estimator):
    """``estimator``, checked to be a skmist MI estimator; None is a KSGEstimator with
    scikit-learn's parameters."""
    if estimator is None:
        return KSGEstimator()
    if not isinstance(estimator, MIEstimator):
        raise TypeError(
            "estimator must be a skmist MI estimator, such as KSGEstimator() or "
            f"SMILEEstimator(); got {estimator!r} (a {type(estimator).__name__})"
        )
    return estimator


def _random_state(random_state, estimator):
    """The RandomState of a call: its ``random_state``, else the estimator's."""
    seed = random_state if random_state is not None else getattr(estimator, "random_state", None)
    return check_random_state(seed)


# --- KSG: blocks of columns in one pass ----------------------------------------------


def _uses_featurewise_ksg(estimator):
    return (
        isinstance(estimator, KSGEstimator)
        and estimator.variant == 1
        and not estimator.mixed
    )


def _ksg_block(X, index, y, estimator, discrete, discrete_target, threads, jitter=None):
    # A copy (index is an array): the jitter below writes in place.
    x = torch.as_tensor(_dense_columns(X, index), dtype=torch.float64)
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


def _jitter_options(estimator):
    """The ``noise`` and ``scale`` of :func:`~skmist.functional.ksg_jitter` that
    ``estimator`` (a KSGEstimator) uses: Gao et al.'s mixed estimate takes no noise."""
    return {"noise": 0.0 if estimator.mixed else estimator.noise, "scale": estimator.scale}


class _ContinuousJitter:
    """scikit-learn's scaling and noise of X's continuous columns, a block at a time.

    scikit-learn draws the noise of all continuous columns as one matrix (then y's);
    the draw is made here, in that order, while the scaling and adding, which each
    column does on its own, can run in the blocks' threads.
    """

    def __init__(self, estimator, discrete, rng, n_samples):
        self.options = _jitter_options(estimator)
        self.continuous = ~discrete
        self.noise = jitter_draw((n_samples, int(self.continuous.sum())),
                                 self.options["noise"], rng)
        self.noise_column = np.cumsum(self.continuous) - 1

    def __call__(self, x, index):
        """Columns ``x`` (a tensor, modified in place) of X's columns ``index``."""
        continuous = self.continuous[index]
        if continuous.any():
            draw = None if self.noise is None else self.noise[
                :, self.noise_column[index[continuous]]]
            x[:, continuous] = ksg_jitter(x[:, continuous], draw=draw, **self.options)
        return x

    def all_columns(self, X):
        """A float64 copy of X with every continuous column preprocessed."""
        X = np.array(X, dtype=np.float64)
        self(torch.from_numpy(X), np.arange(X.shape[1]))  # in place, through the shared memory
        return X


def _deferred_ksg_inputs(estimator, X, y, discrete, discrete_target, rng):
    """X as given, the ``_ContinuousJitter`` that its blocks take (None: all discrete),
    and y after scikit-learn's scaling and noise (labels: integer codes)."""
    n = X.shape[0]
    jitter = None if discrete.all() else _ContinuousJitter(estimator, discrete, rng, n)
    if discrete_target:
        return X, jitter, _labels(y)
    y = ksg_jitter(_continuous_target(y).reshape(n, -1), random_state=rng,
                   **_jitter_options(estimator))
    return X, jitter, y.numpy()


def _ksg_inputs(estimator, X, y, discrete, discrete_target, rng):
    """X and y after scikit-learn's scaling and noise, in scikit-learn's order; labels
    as integer codes."""
    X, jitter, y = _deferred_ksg_inputs(estimator, X, y, discrete, discrete_target, rng)
    if jitter is None:
        return (X if scipy.sparse.issparse(X) else np.asarray(X, dtype=np.float64)), y
    return jitter.all_columns(X), y


# --- any other estimator: a clone per column -----------------------------------------


def _configured_clone(estimator, rng, discrete_target, discrete_feature=False):
    """A clone of ``estimator`` with a seed of its own drawn from ``rng``, and
    ``discrete_target`` and (for one discrete column) ``discrete_features`` set, where
    the estimator takes them."""
    params = estimator.get_params(deep=False)
    overrides = {}
    if "random_state" in params:
        overrides["random_state"] = int(rng.randint(0, 2**31 - 1))
    if "discrete_target" in params:
        overrides["discrete_target"] = discrete_target
    if discrete_feature and "discrete_features" in params:
        overrides["discrete_features"] = True
    return clone(estimator).set_params(**overrides)


def _fitted_mi(estimator, X, index, y, discrete=False):
    """The clone ``estimator``'s MI of column ``index`` of X with y. A ``discrete``
    column, for an estimator that has no ``discrete_features``, is dequantized as
    :func:`skmist.estimate_mi` does: a density estimate would read its ties as
    dependence, and the added uniform noise changes no MI."""
    from .._estimate import _dequantize

    column = _dense_columns(X, [index])
    if discrete and "discrete_features" not in estimator.get_params(deep=False):
        column = _dequantize(column, [True], getattr(estimator, "random_state", None))
    return float(estimator.fit(column, y).mi_)
