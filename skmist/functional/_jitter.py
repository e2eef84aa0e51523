"""scikit-learn's preprocessing of continuous columns before KSG: scale, then jitter.

``mutual_info_regression`` divides each continuous column by its standard deviation
and adds a little Gaussian noise, so that no two distances tie (the KSG counts assume
distinct distances). The same noise, drawn in the same order from the same
``RandomState``, makes the KSG estimates of skmist scikit-learn's.
"""

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._neighbors import as_float_samples, column_std, rank_normal_scores

__all__ = ["ksg_jitter"]


def jitter_draw(shape, noise, random_state):
    """The standard normal values that :func:`ksg_jitter` scales and adds, as an
    ndarray of ``shape``; None when ``noise`` is 0, and then nothing is drawn (the
    state of ``random_state`` is left as it was)."""
    if noise > 0:
        return check_random_state(random_state).standard_normal(size=shape)
    return None


def jitter_amplitude(t, noise):
    """The standard deviation of each column's noise: ``noise`` times the column's mean
    absolute value, and ``noise`` itself for columns whose mean is below 1
    (scikit-learn's rule)."""
    return torch.clamp(t.abs().mean(dim=0), min=1.0) * noise


def ksg_jitter(x, noise=1e-10, *, scale=True, random_state=None, draw=None):
    """Scale the columns of ``x`` and add tie-breaking noise, as scikit-learn does.

    ``mutual_info_regression`` and ``mutual_info_classif`` preprocess each continuous
    column before their KSG estimate: divide it by its standard deviation (ddof=0),
    then add ``noise * max(1, mean |x_j|)`` times standard normal noise. With the
    values drawn in scikit-learn's order (X's continuous columns as one matrix, then
    y, from one ``RandomState``), :func:`ksg` on the results gives scikit-learn's
    estimate (up to the rounding of its sums); :class:`~skmist.KSGEstimator`
    preprocesses the same way.

    Parameters
    ----------
    x : array-like or Tensor of shape (n_samples,) or (n_samples, n_features)
        Continuous samples; integers are converted to float64.
    noise : float, default=1e-10
        Standard deviation of the noise relative to ``max(1, mean |x_j|)``, per column
        (scikit-learn's value); 0 adds none and draws nothing.
    scale : bool or "quantile", default=True
        True divides each column by its standard deviation (constant columns are left
        as they are); "quantile" replaces each column by the normal scores of its
        ranks (:func:`rank_normal_scores`); False leaves the values as they are.
    random_state : int, RandomState instance or None, default=None
        Draws the noise, ``standard_normal(size=x.shape)``. Pass the same
        ``RandomState`` for x then y to draw in scikit-learn's order. Not used when
        ``draw`` is given.
    draw : array-like or Tensor of shape x.shape, default=None
        Standard normal values already drawn: column j needs only ``draw[:, j]``, so
        blocks of columns can be preprocessed apart, in parallel, after one draw in
        scikit-learn's order.

    Returns
    -------
    Tensor of x's shape
        The preprocessed samples, on x's device; float64 for NumPy input.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.feature_selection import mutual_info_regression
    >>> from skmist.functional import ksg, ksg_jitter
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 1))
    >>> y = x[:, 0] + rng.normal(size=500)
    >>> state = np.random.RandomState(0)
    >>> mi = ksg(ksg_jitter(x, random_state=state), ksg_jitter(y, random_state=state))
    >>> print(f"{float(mi):.6f} {mutual_info_regression(x, y, random_state=0)[0]:.6f}")
    0.438631 0.438631
    """
    one_column = (x if isinstance(x, torch.Tensor) else np.asarray(x)).ndim == 1
    t = as_float_samples(x, "x")
    if draw is None:
        draw = jitter_draw(tuple(t.shape), noise, random_state)
    if scale == "quantile":
        t = rank_normal_scores(t)
    elif scale:
        std = column_std(t)
        t = t / torch.where(std > 0, std, torch.ones_like(std))
    if draw is not None:
        draw = torch.as_tensor(draw, device=t.device).reshape(t.shape)
        t = t + jitter_amplitude(t, noise) * draw
    return t[:, 0] if one_column else t
