"""The scikit-learn plumbing every skmist estimator shares.

Input validation (arrays, DataFrames and torch tensors, categorical targets), device
and dtype resolution, the estimator tags, and pickling of torch state so that a model
fitted on a GPU loads on a machine without one.
"""

import copy
import sys
import warnings
from dataclasses import dataclass, fields

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import Tags
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ._docstrings import fill_doc

__all__ = [
    "MIEstimator", "MITags", "UnreliableEstimateWarning", "check_dtype_range", "resolve_device",
    "resolve_dtype",
]

DTYPES = {"float32": torch.float32, "float64": torch.float64}

# X and y of the methods that take fitted data (score, estimate, score_samples, ...).
XY_PARAMETERS = """
    X : array-like or torch.Tensor of shape (n_samples, n_features_x)
    y : array-like or torch.Tensor of shape (n_samples,) or (n_samples, n_features_y)"""

# The Parameters and Returns sections of every score_samples.
SCORE_SAMPLES_SECTIONS = """
    Parameters
    ----------""" + XY_PARAMETERS + """

    Returns
    -------
    ndarray of shape (n_samples,)
        Pointwise MI estimates in nats, float64."""


class UnreliableEstimateWarning(UserWarning):
    """An MI estimate not to be trusted as it stands: dominated by a few samples (a
    large standard error), computed on the rows the model was trained on, or of data
    whose MI is infinite (y a function of X)."""


@dataclass(slots=True)
class MITags(Tags):
    """scikit-learn's tags plus what an MI estimate means.

    Attributes
    ----------
    mi_bound : {"lower", "upper", "biased", "estimate"}
        ``"lower"``: a valid lower bound on held-out data, so a higher score is a better
        estimate and GridSearchCV's choice is principled. ``"upper"``: an upper-bound-style
        estimate (lower is tighter). ``"biased"``: a lower bound in expectation whose
        finite-sample estimate is biased upwards (Donsker-Varadhan). ``"estimate"``: a
        consistent estimate that bounds nothing (SMILE, KSG).
    """

    mi_bound: str = "estimate"


def resolve_device(device):
    """The :class:`torch.device` that ``device`` names, checked to exist.

    ``"auto"`` is CUDA when available, else the CPU.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device={device!r} is not a device torch knows; use 'auto', 'cpu', 'cuda' "
            "or 'cuda:<index>'"
        ) from None
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available on this machine "
                "(torch.cuda.is_available() is False); use device='cpu' or 'auto'"
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only {torch.cuda.device_count()} CUDA "
                "device(s) are present"
            )
    elif resolved.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r} was requested but MPS is not available")
    return resolved


def resolve_dtype(dtype):
    """The torch dtype named by ``"float32"`` or ``"float64"``."""
    return DTYPES[dtype]


def check_dtype_range(t, name, dtype):
    """Raise a ValueError when the tensor ``t`` holds values that the dtype named
    ``dtype`` cannot represent (they would become infinite in it)."""
    limit = torch.finfo(resolve_dtype(dtype)).max
    if not t.numel():
        return
    low, high = torch.aminmax(t)  # no copy of t, as abs() would make
    largest = max(-low.item(), high.item())
    if not largest <= limit:
        raise ValueError(
            f"{name} has values up to {largest:.3g} in absolute value, beyond the range "
            f"of dtype={dtype!r} (largest {limit:.3g}); pass dtype='float64', or "
            f"rescale {name}"
        )


def _reject_non_numeric_columns(X, name):
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return
    bad = [str(c) for c, d in dtypes.items() if not (d.kind in "biuf")]
    times = [str(c) for c, d in dtypes.items() if d.kind in "mM"]
    if times:
        raise ValueError(
            f"{name} has columns of dates or durations {times}; MI estimators need "
            "numbers: convert them first, e.g. to seconds since the first, "
            "(df[c] - df[c].min()).dt.total_seconds() (skmist.estimate_mi does)"
        )
    if bad:
        raise ValueError(
            f"{name} has non-numeric columns {bad}; MI estimators need numbers: encode "
            "them first (e.g. with sklearn.preprocessing.OneHotEncoder)"
        )


def _check_tensor(t, name, *, ensure_2d):
    """Our own checks for a torch tensor, which must not be forced through NumPy."""
    if t.is_complex() or not (t.is_floating_point() or t.dtype in (
        torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool
    )):
        raise ValueError(f"{name} has dtype {t.dtype}; MI needs a real-valued tensor")
    if ensure_2d and t.ndim != 2:
        raise ValueError(
            f"Expected a 2D tensor for {name}, got a {t.ndim}D tensor of shape "
            f"{tuple(t.shape)}; reshape it to (n_samples, n_features)"
        )
    if not ensure_2d and t.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1D or 2D; got shape {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(t.shape)})")
    if t.is_floating_point():
        n_bad = (~torch.isfinite(t)).sum().item()
        if n_bad:
            raise ValueError(
                f"{name} has {n_bad} NaN or infinite values; MI is undefined on them"
            )
    return t.detach()


def _check_plain(a, name, *, ensure_2d):
    """Validation of a NumPy-convertible y when X came as a tensor."""
    _reject_non_numeric_columns(a, name)
    return check_array(
        a, ensure_2d=ensure_2d, dtype=None, input_name=name, ensure_min_samples=2
    )


class MIEstimator(BaseEstimator):
    """Base class of skmist estimators: validation, devices, tags and pickling.

    Subclasses set the class attribute ``_mi_bound`` (see :class:`MITags`) and
    implement ``fit``, ``score`` and ``_estimate_with_std`` (what :meth:`estimate`
    returns).
    """

    _mi_bound = "estimate"

    # Whether x is only an input (a critic's argument, what a model of y is conditioned
    # on), never a variable whose density is modelled: estimate_mi then leaves discrete
    # columns of x as they are, where dequantizing them cost SMILE 1.39 -> 0.36 nats
    # (y = the sum of 20 binary columns + noise, truth 1.52).
    _x_as_input = False

    @fill_doc(xy=XY_PARAMETERS)
    def estimate(self, X, y, *, return_std=False, random_state=None):
        """MI estimate in nats on ``(X, y)``, and optionally its standard error.

        The value is :meth:`score`'s, and so is the warning on the rows a trained
        model was trained on; the fitted state does not change. The standard error is

        * for trained estimators (discriminative, generative, hybrid, PQ, diffusion),
          the delta method's over the per-sample terms on these rows with the fitted
          model (for ratio bounds such as MINE/DV and SMILE, each row's influence on
          the log of a mean; for MINDE, the Monte-Carlo error of its time integral): the
          evaluation's sampling variability, not training's (refit with other seeds
          for that);
        * for the nonparametric estimators (KSG, KDE, histograms, Gaussian, conditional
          KSG), the delete-d jackknife (Shao and Wu, 1989) over 20 random halves of the
          rows, drawn **without** replacement: a bootstrap resample repeats rows, and a
          repeated point is its own nearest neighbour at distance 0, which breaks kNN
          estimators. 20 halves cover as 30 did (KSG, 60 replicates of Gaussian 3 + 3
          at n = 500 and Student-t 2 + 2 at n = 1000: 95 % intervals held 90 % and
          95 % of the estimates, 88 % and 97 % with 30) at two thirds of the cost.
          Beyond 20,000 rows the halves are drawn from 20,000 of them and the
          variance scaled by 20,000 / n: over 20 fresh samples of 40,000 rows the
          error was 0.89, 1.00 and 1.23 times the estimates' spread (KSG, Gaussian 3 + 3
          and 1 + 1, Student-t 2 + 2), against 0.87, 1.07 and 1.30 from halves of all
          the rows, at 0.57, 0.72 and 0.59 of the time (1.40 at 100,000 rows, 12
          samples);
        * for :class:`~skmist.BinnedEstimator`, the delta method's for the plug-in MI of
          its fixed codebook (the standard deviation over rows of each row's
          ``log p(a, b) / (p(a) p(b))`` over ``sqrt(n)``), which leaves out the
          plug-in's bias (``(m_xy - m_x - m_y + 1) / 2n``) and, at MI = 0, where it is
          near 0, the plug-in's spread of order ``m / n``;
        * for :class:`~skmist.ChainRuleCMIEstimator` (trained inner estimators only),
          the paired delta method's of the difference of its two terms.

        None covers the estimator's bias: a lower bound loose by 0.1 nats is 0.1 nats
        below the truth whatever its standard error, so intervals cover the true MI
        only where the estimator is unbiased (Gaussian data with
        :class:`~skmist.GaussianEstimator`, KSG in low dimension at moderate MI).

        Parameters
        ----------
        {xy}
        return_std : bool, default=False
            Also return the standard error.
        random_state : int, RandomState instance or None, default=None
            Draws the jackknife's halves; the delta-method errors draw nothing and
            ignore it.

        Returns
        -------
        float, or (float, float)
            The estimate in nats, and its standard error when ``return_std``.
        """
        return self._estimate_with_std(X, y, return_std=return_std,
                                       random_state=random_state)

    def _estimate_with_std(self, X, y, *, return_std, random_state):
        """:meth:`estimate`'s value, or ``(value, standard error)`` with
        ``return_std``; its warnings point at the user's line."""
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        values = {f.name: getattr(tags, f.name) for f in fields(tags)}
        return MITags(**values, mi_bound=self._mi_bound)

    # --- input ------------------------------------------------------------------------

    def _validate_xy(self, X, y, *, reset, classes=None):
        """Validated ``(X, y)``: X a float array or tensor, y an array or tensor whose
        categorical values are encoded to integer codes in ``y_categories_`` (those of
        ``classes`` where given)."""
        _reject_non_numeric_columns(X, "X")
        if isinstance(X, torch.Tensor) or isinstance(y, torch.Tensor):
            X, y = validate_data(self, X, y, reset=reset, skip_check_array=True)
            X = (_check_tensor(X, "X", ensure_2d=True) if isinstance(X, torch.Tensor)
                 else _check_plain(X, "X", ensure_2d=True))
            y = (_check_tensor(y, "y", ensure_2d=False) if isinstance(y, torch.Tensor)
                 else _check_plain(y, "y", ensure_2d=False))
            check_consistent_length(X, y)
            if X.shape[0] < 2:
                raise ValueError(
                    f"Found array with {X.shape[0]} sample(s) while a minimum of 2 is "
                    "required: MI needs at least two samples"
                )
        else:
            X, y = validate_data(
                self, X, y, reset=reset, multi_output=True, y_numeric=False,
                dtype=(np.float64, np.float32), ensure_min_samples=2,
            )
        y = self._encode_target(y, reset=reset, classes=classes)
        if reset:
            self._warn_if_deterministic(X, y)
        return X, y

    # Set by estimators with a check of their own that y is a function of X (KSG's
    # neighbour counts see nonlinear functions too), which then replaces this one.
    _checks_determinism = False

    def _warn_if_deterministic(self, X, y):
        """Warn when continuous y is (numerically) a linear function of X, a copy of
        a column included: their MI is infinite, and an estimate of it is set by the
        sample size (and a trained one's budget), not by the data."""
        if self._checks_determinism or getattr(self, "y_categories_", None) is not None:
            return  # labels determined by X have a finite MI, H(y)
        y = y.reshape(len(y), -1)
        if X.shape[0] <= X.shape[1] + y.shape[1] + 1:
            return  # so few rows fit any y exactly; too few rows are warned of elsewhere
        correlation = max_canonical_correlation(X, y)
        if correlation > 1 - 1e-9:
            warnings.warn(
                f"{type(self).__name__}: y is a linear function of X (canonical "
                f"correlation {correlation:.12f}). If they are continuous, their MI is "
                "infinite, and the estimate is set by the sample size (and a trained "
                "estimator's budget), not by the data: it means nothing. Check that y is "
                "not a copy or a rescaling of X's columns.",
                UnreliableEstimateWarning,
                stacklevel=user_stacklevel(),
            )

    def _encode_target(self, y, *, reset, classes=None, discrete=None):
        if discrete is None:
            discrete = getattr(self, "discrete_target", "auto")
        if classes is not None:
            if discrete is False:
                raise ValueError("classes is given, but discrete_target=False says that y "
                                 "is continuous")
            discrete = True
        if isinstance(y, torch.Tensor):
            if discrete is True:
                y = y.cpu().numpy()
            else:
                if reset:
                    self.y_categories_ = None
                return y
        y = np.asarray(y)
        is_categorical = y.dtype.kind in "OUSb" if discrete == "auto" else bool(discrete)
        if reset:
            self.y_categories_ = None
        if not is_categorical and (reset or self.y_categories_ is None):
            try:
                return y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    "y has non-numeric values; pass discrete_target=True to treat it as "
                    "categorical"
                ) from None
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(
                f"a categorical y must be 1-D; got shape {y.shape}"
            )
        if reset:
            self.y_categories_ = np.unique(y if classes is None else np.asarray(classes))
        codes = np.searchsorted(self.y_categories_, y)
        codes = np.clip(codes, 0, len(self.y_categories_) - 1)
        unseen = self.y_categories_[codes] != y
        if unseen.any():
            raise ValueError(
                f"y has {int(unseen.sum())} values not seen during fit, e.g. "
                f"{_plain(y[unseen][0])!r}; known categories are "
                f"{_listed(self.y_categories_)}"
            )
        return codes

    def _as_tensors(self, X, y, device, dtype):
        """``(x, y)`` as 2-D tensors on ``device``; categorical y one-hot encoded."""
        x = _as_writable_tensor(X).to(device=device, dtype=dtype)
        if self.y_categories_ is not None:
            codes = torch.as_tensor(y, device=device)
            y = torch.nn.functional.one_hot(codes, len(self.y_categories_)).to(dtype)
        else:
            y = _as_writable_tensor(y).to(device=device, dtype=dtype)
        return x, y.reshape(len(y), -1)

    # --- pickling ---------------------------------------------------------------------

    def __getstate__(self):
        state = super().__getstate__()
        torch_state = {
            k: v for k, v in state.items() if isinstance(v, (torch.nn.Module, torch.Tensor))
        }
        if any(_device_of(v).type != "cpu" for v in torch_state.values()):
            # One deepcopy of all torch objects together keeps shared modules shared.
            moved = copy.deepcopy(torch_state)
            state.update({k: v.cpu() for k, v in moved.items()})
        state.pop("_optimizer", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        device = getattr(self, "device_", None)
        if device is None or device.type == "cpu":
            return
        try:
            resolve_device(str(device))
        except ValueError:
            warnings.warn(
                f"this estimator was fitted on {device}, which is not available here; "
                "its model was loaded on the CPU",
                UserWarning,
                stacklevel=2,
            )
            self.device_ = torch.device("cpu")
        self._move_to(self.device_)

    def _move_to(self, device):
        for key, value in vars(self).items():
            if isinstance(value, (torch.nn.Module, torch.Tensor)):
                setattr(self, key, value.to(device))


def max_canonical_correlation(x, y, max_rows=10_000):
    """The largest canonical correlation of the columns of ``x`` and ``y`` (2-D arrays
    or tensors), on at most ``max_rows`` evenly spaced rows; 0 when either is constant.

    The cosine of the smallest principal angle between their centred column spaces,
    from orthonormal bases (float64, on the CPU) that drop numerically dependent
    directions. Each column is divided by its largest magnitude first, so values near
    1e300 or 1e-300 neither overflow nor underflow.
    """
    bases = []
    for t in (x, y):
        t = _spaced_rows(t, max_rows)
        t = t / t.abs().amax(0).clamp_min(torch.finfo(t.dtype).tiny)
        t = t - t.mean(0)
        u, s, _ = torch.linalg.svd(t, full_matrices=False)
        keep = s > s.amax() * max(t.shape) * torch.finfo(t.dtype).eps
        bases.append(u[:, keep])
    if not (bases[0].shape[1] and bases[1].shape[1]):
        return 0.0
    return min(1.0, torch.linalg.matrix_norm(bases[0].T @ bases[1], ord=2).item())


def _listed(values, count=10):
    """``values`` as a list for a message, the first ``count`` of them and how many
    more: a float y taken as categories has thousands."""
    shown = [_plain(v) for v in values[:count]]
    return f"{shown}" + (f" and {len(values) - count} more" if len(values) > count else "")


def _plain(value):
    """A numpy scalar as the Python value it holds (``99``, not ``np.int64(99)``)."""
    return value.item() if isinstance(value, np.generic) else value


def fingerprint(x, y):
    """Shapes and a few evenly spaced rows of ``(x, y)`` (arrays or tensors), as float64
    on the CPU: equal for the same data, cheap to compare, and no copy of it kept."""
    return tuple(x.shape), tuple(y.shape), _spaced_rows(x, 16), _spaced_rows(y, 16)


def _spaced_rows(a, count):
    """At most ``count`` evenly spaced rows of the array or tensor ``a``, as a 2-D
    float64 tensor on the CPU."""
    n = a.shape[0]
    rows = np.linspace(0, n - 1, min(n, count)).round().astype(np.int64)
    if isinstance(a, torch.Tensor):
        taken = a[torch.as_tensor(rows, device=a.device)].detach().cpu()
    else:
        taken = torch.as_tensor(np.asarray(a)[rows])
    return taken.double().reshape(len(rows), -1)


def same_fingerprint(a, b):
    """Whether two :func:`fingerprint` s (either may be None) are of the same data."""
    return (a is not None and b is not None and a[:2] == b[:2]
            and torch.equal(a[2], b[2]) and torch.equal(a[3], b[3]))


def user_stacklevel():
    """``warnings.warn``'s stacklevel, for the function that calls this, that points
    at the first frame outside skmist and scikit-learn: the user's line, however many
    wrappers (``_fit_context``, a subclass's ``fit``) stand between."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
            "skmist", "sklearn"):
        frame, level = frame.f_back, level + 1
    return level


def _column_mask(spec, n_features, name, *, kinds, feature_names=None):
    """The boolean mask of X's columns that ``spec`` names.

    ``spec`` is a boolean mask, integer indices or (when ``feature_names`` is not
    None) column names of X; ``name`` (the parameter) and ``kinds`` (what it accepts,
    in words) make the error messages. Every parameter that picks columns parses them
    here, with the same rules and messages.
    """
    values = np.asarray(spec)
    if values.dtype == bool:
        if values.shape != (n_features,):
            raise ValueError(
                f"{name} is a boolean mask of shape {values.shape}; X has {n_features} "
                "features"
            )
        return values.copy()
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D ({kinds}); got shape {values.shape}")
    if values.size == 0 or values.dtype.kind in "iu":
        values = values.astype(np.int64)
        out_of_range = values[(values < 0) | (values >= n_features)]
        if out_of_range.size:
            raise ValueError(
                f"{name} index {int(out_of_range[0])} is out of range for X with "
                f"{n_features} features"
            )
        mask = np.zeros(n_features, dtype=bool)
        mask[values] = True
        return mask
    if values.dtype.kind in "UO" and feature_names is not None:
        names = [str(v) for v in values]
        missing = [column for column in names if column not in set(feature_names)]
        if missing:
            raise ValueError(
                f"{name} names columns {missing} that X does not have; X's columns are "
                f"{list(feature_names)}"
            )
        return np.isin(feature_names, names)
    raise ValueError(f"{name} must be {kinds}; got {spec!r}")


def _as_writable_tensor(a):
    # torch cannot wrap a read-only array (e.g. a memmap) without a copy.
    return a if isinstance(a, torch.Tensor) else torch.as_tensor(np.require(a, requirements="W"))


def _device_of(value):
    if isinstance(value, torch.Tensor):
        return value.device
    for tensor in value.parameters():
        return tensor.device
    for tensor in value.buffers():
        return tensor.device
    return torch.device("cpu")
