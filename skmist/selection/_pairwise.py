"""MI between every pair of columns: :func:`mutual_info_matrix`."""

import numpy as np
import pandas as pd
import scipy.sparse
from joblib import effective_n_jobs
from sklearn.utils.validation import check_array

from ._estimators import (
    _configured_clone,
    _ContinuousJitter,
    _estimator_or_ksg,
    _fitted_mi,
    _ksg_block,
    _random_state,
    _uses_featurewise_ksg,
)
from ._inputs import _classes_as_codes, _dense_columns, _discrete_mask, _target_column
from ._parallel import _run


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
    X, discrete_features = _classes_as_codes(X, discrete_features)
    X = check_array(X, accept_sparse="csc", dtype=np.float64)
    estimator = _estimator_or_ksg(estimator)
    n, p = X.shape
    discrete = _discrete_mask(discrete_features, p, scipy.sparse.issparse(X))
    rng = _random_state(random_state, estimator)
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
        pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
        tasks = [
            (_fitted_mi, (_configured_clone(estimator, rng, bool(discrete[j]), discrete[i]),
                          X, i, _dense_columns(X, [j])[:, 0], discrete[i]))
            for i, j in pairs
        ]
        for (i, j), value in zip(pairs, _run(tasks, n_jobs)):
            matrix[i, j] = value
    matrix = np.maximum(matrix, 0.0)
    matrix = matrix + matrix.T
    for j in range(p):
        matrix[j, j] = _entropy(_dense_columns(X, [j])[:, 0]) if discrete[j] else np.inf
    if names is not None:
        return pd.DataFrame(matrix, index=names, columns=names)
    return matrix


def _entropy(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())
