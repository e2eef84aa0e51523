"""Ground truth for conditional MI: a jointly Gaussian (X, Y, Z) with closed-form
I(X; Y | Z)."""

import math

import numpy as np

__all__ = ["conditional_gaussian"]


def conditional_gaussian(n_samples=10_000, dim=1, *, slope=0.8, random_state=None):
    r"""Samples of X, Y, Z (``dim`` coordinates each) with known I(X; Y | Z).

    Per coordinate, :math:`Z \sim N(0, 1)`, :math:`X = Z + e_x` and :math:`Y = Z +
    s X + e_y` with unit Gaussian noises. Given Z, X has unit variance and Y is
    :math:`s X` plus unit noise, so

    .. math:: I(X; Y \mid Z) = \tfrac{d}{2} \log(1 + s^2),

    while X and Y also share Z: I(X; Y) is larger, and an estimator that ignores the
    conditioning is caught.

    Parameters
    ----------
    n_samples : int, default=10_000
    dim : int, default=1
        Coordinates of each of X, Y and Z.
    slope : float, default=0.8
        :math:`s`, the dependence of Y on X given Z.
    random_state : int, Generator or None, default=None
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    x, y, z : ndarray of shape (n_samples, dim)
    cmi : float
        I(X; Y | Z) in nats.

    Examples
    --------
    >>> from skmist.datasets import conditional_gaussian
    >>> x, y, z, cmi = conditional_gaussian(1000, dim=2, random_state=0)
    >>> x.shape, round(cmi, 4)
    ((1000, 2), 0.4947)
    """
    rng = np.random.default_rng(random_state)
    z = rng.normal(size=(n_samples, dim))
    x = z + rng.normal(size=(n_samples, dim))
    y = z + slope * x + rng.normal(size=(n_samples, dim))
    return x, y, z, 0.5 * dim * math.log1p(slope**2)
