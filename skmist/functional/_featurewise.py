"""I(x_j; y) for every column x_j of x at once: the estimate feature selection needs.

One pass over the columns shares everything that depends on y alone: its sort (1-D) or
tree (several columns) for the marginal counts, or its label groups when y is discrete.
Each column is then the estimate scikit-learn's ``mutual_info_regression`` and
``mutual_info_classif`` compute for it (before their clipping at 0), to the last digit
on the CPU backend.
"""

import numpy as np
import torch

from .._docstrings import fill_doc
from ._histogram import discrete_mi
from ._ksg import _prepare, _ksg1, _result, _ross, label_groups
from ._neighbors import returns_nats, within_counter

__all__ = ["featurewise_ksg"]


@fill_doc(returns=returns_nats(per_feature=True))
def featurewise_ksg(x, y, n_neighbors=3, *, discrete_features=False, discrete_target=False,
                    backend="auto", n_jobs=-1, chunk_size=None):
    r"""KSG-family estimate of :math:`I(x_j; y)` for every column :math:`x_j`, in nats.

    Each column takes the estimator its kinds call for, as in scikit-learn's
    ``_compute_mi``:

    ========================  ===================  ================================
    column                    y continuous         y discrete
    ========================  ===================  ================================
    continuous                :func:`ksg` (v1)     :func:`ksg_cd` (Ross)
    discrete                  :func:`ksg_cd` of    :func:`discrete_mi` (plug-in)
                              y given the column
    ========================  ===================  ================================

    What depends on y alone is computed once for all columns. Values are **not**
    clipped at 0 (see :func:`ksg`); no scaling or noise is added (the estimators do
    that, in scikit-learn's order).

    Parameters
    ----------
    x : torch.Tensor or ndarray of shape (n_samples, n_features)
        The columns, each scored on its own.
    y : torch.Tensor or ndarray of shape (n_samples,) or (n_samples, n_targets)
        The target; several columns are one joint variable (labels: joint labels).
    n_neighbors : int, default=3
        k; ``1 <= k < n_samples``.
    discrete_features : bool or array-like of bool of shape (n_features,), default=False
        Which columns of x are discrete.
    discrete_target : bool, default=False
        Whether y holds labels.
    backend, n_jobs, chunk_size
        See :func:`ksg`.

    {returns}

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import featurewise_ksg
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(2000, 3, generator=g)
    >>> y = x[:, 0] + 0.5 * torch.randn(2000, generator=g)
    >>> mi = featurewise_ksg(x, y)  # true: 0.80, 0, 0
    >>> round(mi[0].item(), 1), bool(mi[1:].abs().max() < 0.05)
    (0.8, True)
    """
    y_name = "y_discrete" if discrete_target else "y"
    x, y, k, opts, like = _prepare(x, y, n_neighbors, backend, y_name, n_jobs=n_jobs,
                                   chunk_size=chunk_size)
    n_features = x.shape[1]
    discrete = np.broadcast_to(np.asarray(discrete_features, dtype=bool), (n_features,))
    if discrete_target:
        groups = label_groups(y)
    else:
        count_y = within_counter(y, **opts)
    values = []
    for j in range(n_features):
        column = x[:, j : j + 1]
        if discrete[j] and discrete_target:
            mi = discrete_mi(torch.as_tensor(column), torch.as_tensor(y))
        elif discrete_target:
            mi = _ross(column, groups, k, opts)
        elif discrete[j]:
            mi = _ross(y, label_groups(column), k, opts, count_x=count_y)
        else:
            mi = _ksg1(column, y, k, within_counter(column, **opts), count_y, opts)
        values.append(_result(mi, like))
    return torch.stack(values)
