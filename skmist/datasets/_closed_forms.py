"""Closed-form MI of the benchmark's base distributions, in nats.

The Gaussian one wraps :func:`skmist.functional.gaussian_mi_from_covariance`; the
Student-t adds its dimension- and dof-dependent correction; the additive-uniform one is
elementary. Every transformed task inherits its base's value (the maps are invertible).
"""

import numpy as np
import torch
from scipy import special

from ..functional._gaussian import gaussian_mi_from_covariance

__all__ = ["additive_uniform_mi", "multinormal_mi", "student_t_mi"]


def multinormal_mi(covariance, dim_x):
    r"""MI in nats between the first ``dim_x`` coordinates of a Gaussian and the rest.

    :math:`\tfrac12 (\log\det\Sigma_{xx} + \log\det\Sigma_{yy} - \log\det\Sigma)`; a
    float wrapper of :func:`skmist.functional.gaussian_mi_from_covariance`.

    Parameters
    ----------
    covariance : array-like of shape (dim_x + dim_y, dim_x + dim_y)
        Symmetric positive definite, X's coordinates first.
    dim_x : int

    Returns
    -------
    float

    Examples
    --------
    >>> from skmist.datasets import multinormal_mi
    >>> round(multinormal_mi([[1.0, 0.75], [0.75, 1.0]], 1), 6)  # -log(1 - 0.75**2) / 2
    0.413339
    """
    cov = torch.as_tensor(np.asarray(covariance, dtype=np.float64))
    return float(gaussian_mi_from_covariance(cov, int(dim_x)))


def _student_entropy_offset(k, df):
    """Entropy of a standard k-dimensional Student-t with ``df`` degrees of freedom.

    The dispersion's log-determinant, which cancels in the MI, is left out. Eq. (7) of
    Arellano-Valle, Contreras-Reyes and Genton (2013).
    """
    a = 0.5 * (df + k)
    return (special.gammaln(0.5 * df) - special.gammaln(a) + 0.5 * k * np.log(df * np.pi)
            + a * (special.digamma(a) - special.digamma(0.5 * df)))


def student_t_mi(dispersion, dim_x, df):
    r"""MI in nats between the two blocks of a multivariate Student-t.

    The Gaussian MI of the dispersion matrix plus a term that depends only on the
    dimensions and the degrees of freedom:
    :math:`c = h_{d_x}(\nu) + h_{d_y}(\nu) - h_{d_x + d_y}(\nu)` in the entropies
    :math:`h_k(\nu)` of standard Student-t vectors. The correction is positive: the
    shared scale variable makes X and Y dependent even for an identity dispersion.

    Parameters
    ----------
    dispersion : array-like of shape (dim_x + dim_y, dim_x + dim_y)
        The scale matrix (not the covariance, which is ``df / (df - 2)`` times it).
    dim_x : int
    df : float
        Degrees of freedom, positive.

    Returns
    -------
    float

    References
    ----------
    R. B. Arellano-Valle, J. E. Contreras-Reyes and M. G. Genton, "Shannon entropy and
    mutual information for multivariate skew-elliptical distributions", Scandinavian
    Journal of Statistics 40 (2013), 42-62.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist.datasets import student_t_mi
    >>> round(student_t_mi(np.eye(4), 2, df=2), 6)  # log 2 - 1/2
    0.193147
    """
    if not df > 0:
        raise ValueError(f"df must be positive; got {df}")
    dispersion = np.asarray(dispersion, dtype=np.float64)
    dim_y = dispersion.shape[0] - int(dim_x)
    correction = (_student_entropy_offset(dim_x, df) + _student_entropy_offset(dim_y, df)
                  - _student_entropy_offset(dim_x + dim_y, df))
    return multinormal_mi(dispersion, dim_x) + float(correction)


def additive_uniform_mi(epsilon):
    r"""MI in nats of :math:`X \sim U(0, 1)` and :math:`Y = X + U(-\epsilon, \epsilon)`.

    :math:`I = \epsilon - \log(2\epsilon)` for :math:`\epsilon \le 1/2`, else
    :math:`1 / (4\epsilon)`: :math:`h(Y|X) = \log 2\epsilon` and Y's density is a
    trapezoid.

    Examples
    --------
    >>> from skmist.datasets import additive_uniform_mi
    >>> round(additive_uniform_mi(0.75), 6)
    0.333333
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive; got {epsilon}")
    if epsilon > 0.5:
        return 0.25 / epsilon
    return float(epsilon - np.log(2 * epsilon))
