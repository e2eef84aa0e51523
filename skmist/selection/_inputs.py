"""X and y as the scores, the greedy selection and the pairwise matrix take them: which
columns and targets are discrete, labels as integer codes, dense columns of sparse X."""

import numpy as np
import pandas as pd
import scipy.sparse

from ..base import _column_mask


def _is_discrete(y, discrete_target):
    """``"auto"``: labels (integers, booleans, strings, categoricals) are discrete, and
    so are one-hot columns of floats (joint labels, one per row's 1); other floats are
    continuous."""
    from .._estimate import _is_one_hot

    if discrete_target != "auto":
        return bool(discrete_target)
    y = np.asarray(y)
    return y.dtype.kind in "iubOSU" or _is_one_hot(y)


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
        # KSGEstimator's parser of masks and indices, with its messages.
        mask = _column_mask(discrete_features, n_features, "discrete_features",
                            kinds="a bool, a boolean mask or integer column indices")
    if sparse and not mask.all():
        raise ValueError(
            "X is sparse, which is allowed for discrete features only: "
            f"{int((~mask).sum())} columns are continuous (pass discrete_features=True, "
            "or a dense X)"
        )
    return mask


def _classes_as_codes(X, discrete_features):
    """``(X, discrete_features)``: X with its columns of classes (strings, pandas
    categoricals, objects that are not numbers) replaced by integer codes, as
    :func:`skmist.estimate_mi` takes them, and ``discrete_features`` with those columns
    added: classes have no order or scale that a continuous estimate could read."""
    from .._estimate import _class_codes

    if isinstance(X, (list, tuple)):
        X = np.asarray(X, dtype=object)
    if not isinstance(X, (pd.DataFrame, np.ndarray)):  # sparse, tensors, array-likes
        return X, discrete_features
    X, coded = _class_codes(X, "X")
    if not coded.any():
        return X, discrete_features
    return X, _discrete_mask(discrete_features, len(coded), sparse=False) | coded


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


def _dense_columns(X, index):
    """Dense float64 columns of X (sparse X is densified a block at a time)."""
    block = X[:, index]
    return block.toarray() if scipy.sparse.issparse(block) else np.asarray(block)


def _target_column(X, j, discrete):
    """Column ``j`` of X as a 1-D target: integer codes when it is discrete."""
    column = _dense_columns(X, [j])[:, 0]
    return _labels(column) if discrete else column


def _take_rows(y, order):
    return y.iloc[order] if hasattr(y, "iloc") else np.asarray(y)[order]
