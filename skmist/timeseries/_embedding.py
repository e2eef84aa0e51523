"""Time series in, lagged rows out: the checks and the delay embedding shared by
``lagged_mi`` and ``transfer_entropy``."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
import torch

# Fewer embedded rows than this leave a kNN estimate nothing to count (KSG refuses
# below k + 1 rows); the caveats of estimate_mi flag anything under 50 per column.
MIN_EMBEDDED_SAMPLES = 10


def check_lag(value, name, minimum):
    """``value`` as an int, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_lags(values, name, minimum):
    """A non-empty list of distinct lags (an iterable of ints)."""
    if isinstance(values, (str, bytes)) or not np.iterable(values):
        raise ValueError(f"{name} must be an integer or a list of integers; got {values!r}")
    values = [check_lag(v, f"each of {name}", minimum) for v in values]
    if not values:
        raise ValueError(f"{name} is empty; give at least one lag")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} repeats a lag: {values}")
    return values


def as_series(values, name, what):
    """``(array of shape (n_times, n_series), index or None)`` from a Series, DataFrame,
    array, list or tensor, with NaN, infinities, text and a badly ordered index refused.

    ``what`` names the quantity in the messages ("transfer entropy").
    """
    if values is None:
        raise TypeError(f"{name} is None; pass a 1-D series or a 2-D (n_times, n_series) "
                        "array")
    index = None
    if isinstance(values, (pd.Series, pd.DataFrame)):
        index = values.index
        _check_index(index, name)
        kinds = [values.dtype] if isinstance(values, pd.Series) else list(values.dtypes)
        bad = [str(k) for k in kinds if getattr(k, "kind", "O") not in "biuf"]
        if bad:
            raise TypeError(f"{name} must be numeric; it has dtype {bad[0]} (encode it as "
                            "numbers first)")
        # A copy: pandas' copy-on-write hands out read-only views, which torch warns of.
        array = np.array(values.to_numpy(dtype=np.float64))
    elif isinstance(values, torch.Tensor):
        array = values.detach().cpu().numpy()
    else:
        array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric; got an array of dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must be 1-D (n_times,) or 2-D (n_times, n_series); got "
                         f"shape {np.shape(values)}")
    n_nan = int(np.isnan(array).sum())
    if n_nan:
        raise ValueError(f"{name} has {n_nan} NaN values; {what} is undefined on NaN: drop "
                         "or interpolate them first")
    n_inf = int(np.isinf(array).sum())
    if n_inf:
        raise ValueError(f"{name} has {n_inf} infinite values; {what} is undefined on them")
    return array, index


def _check_index(index, name):
    if index.has_duplicates:
        raise ValueError(f"{name}'s index has {int(index.duplicated().sum())} repeated "
                         "time stamps; one row per time point is needed")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}'s index is not sorted in time; sort it first "
                         f"({name}.sort_index())")


def _warn_if_uneven(index, name):
    """Lags count rows: say so when a time index has gaps or uneven steps."""
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)) and len(index) >= 3:
        steps = index[1:] - index[:-1]
        if steps.min() != steps.max() and not _has_frequency(index):
            warnings.warn(
                f"{name}'s time stamps are unevenly spaced (steps from {steps.min()} to "
                f"{steps.max()}); lags count rows, not time. Resample to a regular grid "
                "first (e.g. .resample('1D').mean().interpolate()) if the gaps matter.",
                UserWarning, stacklevel=4,
            )


def _has_frequency(index):
    """Whether pandas sees a calendar frequency in ``index`` (business days, month ends:
    uneven steps, but one step of the calendar each)."""
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return an offset; either is not None.
        warnings.simplefilter("ignore")
        return pd.infer_freq(index) is not None


def check_aligned(series, names):
    """The same number of time points in every series, and the same index where two of
    them carry one."""
    (first, _), first_name = series[0], names[0]
    for (array, _), name in zip(series[1:], names[1:]):
        if len(array) != len(first):
            raise ValueError(
                f"{first_name} has {len(first)} time points but {name} has {len(array)}; "
                "they must be aligned in time, one row per time point"
            )
    # The first pandas index is the reference; arrays carry none to compare.
    indexed = [(index, name) for (_, index), name in zip(series, names) if index is not None]
    for index, name in indexed[1:]:
        reference, reference_name = indexed[0]
        if not index.equals(reference):
            raise ValueError(
                f"{reference_name} and {name} have different indexes; align them first, "
                f"e.g. {reference_name}, {name} = {reference_name}.align({name}, "
                "join='inner')"
            )
    if indexed:
        _warn_if_uneven(*indexed[0])


def check_length(n_times, max_lag, description, what):
    n_rows = n_times - max_lag
    if n_rows < MIN_EMBEDDED_SAMPLES:
        raise ValueError(
            f"the series have {n_times} time points; {description} leave "
            f"{max(n_rows, 0)} lagged samples, fewer than the {MIN_EMBEDDED_SAMPLES} "
            f"{what} needs: use longer series or smaller lags"
        )
    return n_rows


def lagged(array, lag, start):
    """Rows ``t - lag`` of ``array`` for t = start, ..., n - 1."""
    return array[start - lag:len(array) - lag]
