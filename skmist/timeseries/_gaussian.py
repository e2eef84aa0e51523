"""Gaussian vector autoregressions: a sampler, and their lagged MI and transfer entropy in
closed form (the ground truth of the time-series estimators' tests and benchmark)."""

from numbers import Integral

import numpy as np
from scipy.linalg import solve_discrete_lyapunov
from sklearn.utils import check_random_state

__all__ = ["sample_var", "var_lagged_mi", "var_transfer_entropy"]


def _check_var(coefs, noise_cov):
    coefs = np.asarray(coefs, dtype=np.float64)
    if coefs.ndim == 2:
        coefs = coefs[None]
    if coefs.ndim != 3 or coefs.shape[1] != coefs.shape[2]:
        raise ValueError(
            "coefs must have shape (order, d, d) (or (d, d) for a VAR(1)); got shape "
            f"{np.shape(coefs)}"
        )
    d = coefs.shape[1]
    noise_cov = np.asarray(noise_cov, dtype=np.float64)
    if noise_cov.ndim == 0:
        noise_cov = noise_cov * np.eye(d)
    if noise_cov.shape != (d, d):
        raise ValueError(f"noise_cov must have shape ({d}, {d}); got {noise_cov.shape}")
    return coefs, noise_cov


def _companion(coefs, n_blocks):
    """The VAR(n_blocks) companion matrix of ``coefs`` (padded with zero lags), whose
    state is (v_t, v_{t-1}, ..., v_{t-n_blocks+1})."""
    order, d, _ = coefs.shape
    n_blocks = max(n_blocks, order)
    companion = np.zeros((d * n_blocks, d * n_blocks))
    companion[:d, :d * order] = np.concatenate(list(coefs), axis=1)
    companion[d:, :-d] = np.eye(d * (n_blocks - 1))
    return companion


def _stationary_covariance(coefs, noise_cov, n_blocks):
    """Cov of (v_t, v_{t-1}, ..., v_{t-n_blocks+1}) in the stationary state: the solution
    of the discrete Lyapunov equation S = A S A' + Q of the companion form."""
    d = coefs.shape[1]
    companion = _companion(coefs, n_blocks)
    radius = np.max(np.abs(np.linalg.eigvals(companion)))
    if not radius < 1:
        raise ValueError(
            f"the VAR is not stationary: its companion matrix has spectral radius "
            f"{radius:.4g} >= 1"
        )
    q = np.zeros_like(companion)
    q[:d, :d] = noise_cov
    cov = solve_discrete_lyapunov(companion, q)
    return (cov + cov.T) / 2, d


def _indices(variables, d, name):
    variables = [variables] if isinstance(variables, Integral) else list(variables)
    if not variables or any(isinstance(v, bool) or not isinstance(v, Integral)
                            or not 0 <= v < d for v in variables):
        raise ValueError(f"{name} must be indices of the VAR's {d} variables; got "
                         f"{variables!r}")
    return variables


def _gaussian_cmi(cov, a, b, c):
    """I(A; B | C) of a Gaussian with covariance ``cov``, A, B, C lists of its indices:
    (log det S_AC + log det S_BC - log det S_C - log det S_ABC) / 2."""

    def logdet(rows):
        if not rows:
            return 0.0
        sign, value = np.linalg.slogdet(cov[np.ix_(rows, rows)])
        return value

    return 0.5 * (logdet(a + c) + logdet(b + c) - logdet(c) - logdet(a + b + c))


def var_transfer_entropy(coefs, noise_cov, source, target, *, lag=1, history=1,
                         conditioning=None, conditioning_lags=None):
    r"""Transfer entropy of a stationary Gaussian VAR, in closed form, in nats.

    For :math:`v_t = \sum_{i=1}^p A_i v_{t-i} + e_t`, :math:`e_t \sim N(0, Q)`, the
    transfer entropy from ``source`` to ``target``

    .. math:: T = I(y_t;\ x_{t-\ell} \mid y_{t-1}, \dots, y_{t-h}, z_{t-c}, \dots)

    is, the process being Gaussian, a log-ratio of conditional variances
    :math:`\tfrac12 \log \det \Sigma_{y_t | \text{past}} / \det \Sigma_{y_t | \text{past},
    x_{t-\ell}}`, computed from the stationary covariance of the lagged state
    :math:`(v_t, \dots, v_{t-W})`, which solves the discrete Lyapunov equation
    :math:`S = A S A^\top + Q` of the VAR's companion form.

    Parameters
    ----------
    coefs : array-like of shape (p, d, d) or (d, d)
        :math:`A_1, \dots, A_p`; a (d, d) array is a VAR(1).
    noise_cov : array-like of shape (d, d), or a float
        Q, the innovations' covariance; a float is Q times the identity.
    source, target : int or list of int
        Indices of the variables x and y in v (several: a multivariate series).
    lag : int, default=1
        :math:`\ell`, the source's delay.
    history : int, default=1
        h, the target's past conditioned on.
    conditioning : int, list of int or None, default=None
        Indices of the variables z whose past is conditioned on too.
    conditioning_lags : list of int or None, default=None
        The lags c of z conditioned on; None is ``1, ..., history``.

    Returns
    -------
    float
        The transfer entropy in nats.

    See Also
    --------
    transfer_entropy : its estimate from data.

    Examples
    --------
    x drives y with coefficient 0.5, and nothing drives x:

    >>> from skmist.timeseries import var_transfer_entropy
    >>> A = [[0.5, 0.0], [0.5, 0.5]]
    >>> round(var_transfer_entropy(A, 1.0, source=0, target=1), 4)
    0.1348
    >>> round(var_transfer_entropy(A, 1.0, source=1, target=0), 4)
    0.0
    """
    coefs, noise_cov = _check_var(coefs, noise_cov)
    d = coefs.shape[1]
    x = _indices(source, d, "source")
    y = _indices(target, d, "target")
    z = [] if conditioning is None else _indices(conditioning, d, "conditioning")
    z_lags = list(range(1, history + 1)) if conditioning_lags is None else list(
        conditioning_lags)
    window = max([lag, history, *(z_lags if z else [])]) + 1
    cov, d = _stationary_covariance(coefs, noise_cov, window)

    def at(variables, lags):
        return [k * d + v for k in lags for v in variables]

    past = at(y, range(1, history + 1)) + (at(z, z_lags) if z else [])
    return float(max(_gaussian_cmi(cov, at(y, [0]), at(x, [lag]), past), 0.0))


def var_lagged_mi(coefs, noise_cov, x, y, lag):
    r"""Lagged mutual information :math:`I(x_{t-\ell}; y_t)` of a stationary Gaussian VAR,
    in closed form, in nats.

    Parameters
    ----------
    coefs : array-like of shape (p, d, d) or (d, d)
        The VAR's coefficient matrices, as in :func:`var_transfer_entropy`.
    noise_cov : array-like of shape (d, d), or a float
        The innovations' covariance.
    x, y : int or list of int
        Indices of the variables in v.
    lag : int
        :math:`\ell` >= 0.

    Returns
    -------
    float

    Examples
    --------
    >>> from skmist.timeseries import var_lagged_mi
    >>> round(var_lagged_mi([[0.5, 0.0], [0.5, 0.5]], 1.0, x=0, y=1, lag=1), 4)
    0.1682
    """
    coefs, noise_cov = _check_var(coefs, noise_cov)
    d = coefs.shape[1]
    xs, ys = _indices(x, d, "x"), _indices(y, d, "y")
    cov, d = _stationary_covariance(coefs, noise_cov, lag + 1)
    return float(max(_gaussian_cmi(cov, ys, [lag * d + v for v in xs], []), 0.0))


def sample_var(coefs, noise_cov, n_samples, *, burn_in=1000, random_state=None):
    r"""Draw a path of a Gaussian VAR :math:`v_t = \sum_i A_i v_{t-i} + e_t`.

    Parameters
    ----------
    coefs : array-like of shape (p, d, d) or (d, d)
        The VAR's coefficient matrices.
    noise_cov : array-like of shape (d, d), or a float
        The innovations' covariance.
    n_samples : int
        Time points returned.
    burn_in : int, default=1000
        Time points drawn first and dropped, so that the path starts near the
        stationary distribution.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    ndarray of shape (n_samples, d)

    Examples
    --------
    >>> from skmist.timeseries import sample_var
    >>> sample_var([[0.5, 0.0], [0.5, 0.5]], 1.0, 1000, random_state=0).shape
    (1000, 2)
    """
    coefs, noise_cov = _check_var(coefs, noise_cov)
    _stationary_covariance(coefs, noise_cov, 1)  # refuses a non-stationary VAR
    order, d, _ = coefs.shape
    rng = check_random_state(random_state)
    total = burn_in + n_samples
    noise = rng.multivariate_normal(np.zeros(d), noise_cov, size=total)
    path = np.zeros((total + order, d))
    for t in range(total):
        now = t + order
        path[now] = noise[t] + sum(coefs[i] @ path[now - 1 - i] for i in range(order))
    return path[order + burn_in:]
