"""Nonparametric MI estimators: KSG, KDE, histograms and the Gaussian baseline.

Nothing is trained: ``fit`` computes ``mi_`` on the training data and ``score``
recomputes the estimate on the samples it is given, with the same parameters. So a
GridSearchCV over ``n_neighbors``, ``bandwidth`` or ``bins`` by score is not meaningful:
the score is not a held-out fit quality, and each of these parameters moves the bias.
The estimates themselves are the functions of :mod:`skmist.functional`.
"""

import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import scipy.special
import torch
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from .. import functional as F
from .._docstrings import fill_doc
from .._neural import XY_PARAMETERS, UnreliableEstimateWarning, store_params
from ..base import (
    MIEstimator, _column_mask, fingerprint, resolve_device, same_fingerprint, user_stacklevel,
)
from ..functional._histogram import (
    BIN_RULES,
    _bin_codes,
    _memberships_pointwise,
    _plugin_pointwise,
    _row_codes,
    _soft_assignment,
    mi_of_memberships,
)
from ..functional._kde import _kde_pointwise
from ..functional._ksg import _ksg_local_terms, _ksg_saturation
from ..functional._jitter import jitter_amplitude
from ..functional._neighbors import check_not_constant, column_std
from ._quantized import (
    FIT_PARAMETERS,
    _DATA_ATTRIBUTES,
    _device_parameter,
    _TensorData,
    _warn_if_bias_rivals,
    _warn_if_plugin_biased,
)

__all__ = ["GaussianEstimator", "HistogramEstimator", "KDEEstimator", "KSGEstimator"]

# KSG warns when more than this share of samples has the least marginal counts
# possible. Measured at n = 50..10000 (1 + 1 dimensions): y = x and y = x**3 give
# 0.95-1.0; a Gaussian with MI 3.1 nats 0.46 at n = 50 and 0.01 at n = 2000; MI 2
# nats and below at most 0.25 from n = 20 on.
SATURATED_SHARE = 0.5
# Far below KSG's cap psi(n) - psi(k), saturation means that one variable has too many
# columns for n, not that y is a function of X (n = 1000, cap 5.98: y = x gives 5.65
# and y = x1 + x2 2.75; y the sum of 10 and of 100 columns 0.49 and 0.03, and 20 or
# 100 independent columns against 1 about 0, all with saturated counts).
SATURATED_BELOW_CAP = 0.25
# ... and when more than this share of samples repeat their (x, y) more than k times.
TIED_SHARE = 0.01
# ... or are copies of another sample whose x and y occur nowhere else, as duplicated
# records are. Gaussian pairs with MI 0.50 nats (n = 4000, normal scores) gained 0.015
# nats with 4 % of the samples in such pairs, 0.04 with 10 %, 0.09 with 18 % and 0.76
# with every row twice (1, 2 and 3 + 3 dimensions alike); values rounded to 0.01 (6 % of
# the samples repeated in a 1 + 1 Gaussian, each x shared with other y) gave 0.411 for
# 0.413: their copies are neighbours that the data would have had anyway.
COPIED_SHARE = 0.05
# KSG warns when its estimate on all n samples exceeds the mean of the jackknife's
# estimates on n / 2 (which the standard error computes anyway) by more than both of
# these: it has not converged. Noise-free functions (y = |x|, sin 5x, x1 x2, n = 500 to
# 10,000) rose by 0.22-0.69 nats (6-107 standard errors), a Gaussian 3 + 3 pair with MI
# 5.9 by 0.21-0.44 (estimates 4.1-5.4); the 24 suite tasks that estimate_mi gives KSG
# by at most 0.037 (2.3 standard errors, a spiral 0.18 below its truth), Gaussian pairs
# up to MI 2.3 in 1 to 3 columns by at most 0.13 (1.9 standard errors). Conditional:
# y = sin(5x) + z and y = |x| (n = 1000, 5000) rose by 0.22-0.33 (10-30 standard
# errors), skmist.datasets.conditional_gaussian with CMI 2.3 in 2 + 2 + 2 columns by
# 0.11-0.16 (estimates 1.63 and 1.93), its CMI up to 1.15 in 1 or 2 coordinates by
# 0.025 at most.
# Beyond this many rows the jackknife's halves are drawn from this many (see
# _estimate_with_std): its 20 estimates on halves were 7.5 times the fit's time at
# 100,000 rows of 3 + 3 columns.
JACKKNIFE_ROWS = 20_000
RISING_NATS = 0.1
RISING_STANDARD_ERRORS = 4
# Every estimator warns at this many distinct samples or fewer: three points are fitted
# by a line or a monotone curve whatever the dependence (a Gaussian estimate of 0.87
# nats, a KDE one of 0.33, on three independent rows).
FEW_SAMPLES = 3


class _KSGDiagnostics(NamedTuple):
    """What makes a KSG estimate unreliable (see ``_warn_if_ksg_unreliable``)."""

    saturated: float
    tied: float
    copied: float
    n_samples: int
    n_distinct: int
    drowned: list
    coarse: tuple = ()


def _warn_if_few_samples(estimator, value, n_distinct, needed=0, reason="",
                         stacklevel=2):
    """Warn when the estimate comes from at most ``max(FEW_SAMPLES, needed)`` distinct
    samples; ``reason`` says why ``needed`` are needed. Returns whether it warned.
    ``stacklevel`` is ``warnings.warn``'s, counted from this function."""
    if n_distinct > max(FEW_SAMPLES, needed):
        return False
    because = f" ({reason})" if n_distinct <= needed and reason else ""
    warnings.warn(
        f"{type(estimator).__name__}: the estimate {value:.4g} nats comes from "
        f"{n_distinct} distinct samples{because}: too few samples to say anything about "
        "the dependence. Use more samples.",
        UnreliableEstimateWarning,
        stacklevel=stacklevel,
    )
    return True


def _warn_if_ksg_unreliable(estimator, value, diagnostics, stacklevel=2):
    """The warnings of :class:`KSGEstimator` and ``ConditionalKSGEstimator`` (which
    has ``conditioning``): too few samples, a jitter that swamps a column, ties,
    duplicated records, or counts that say that y is a function of X. ``stacklevel``
    is ``warnings.warn``'s, counted from this function."""
    name, k = type(estimator).__name__, estimator.n_neighbors
    saturated, tied, copied, n, n_distinct, drowned, coarse = diagnostics
    conditional = hasattr(estimator, "conditioning")
    if _warn_if_few_samples(
        estimator, value, n_distinct, k,
        f"no more than n_neighbors={k}, so the neighbours of every sample include copies",
        stacklevel + 1,
    ):
        return
    if drowned:
        warnings.warn(
            f"{name}: {', '.join(drowned)} has a common offset so far above its "
            f"spread that the tie-breaking jitter (noise={estimator.noise:g} times the "
            "mean of |x|, as scikit-learn adds it) is more than a fifth of the spread, "
            f"and the estimate {value:.4g} nats measures the jitter. Subtract the "
            "column's mean first, or pass noise=0"
            + ("." if conditional else " or mixed=True."),
            UnreliableEstimateWarning,
            stacklevel=stacklevel,
        )
    elif tied > TIED_SHARE:
        advice = (
            "For data with ties use discrete_conditioning and discrete_target where "
            "columns are labels, or ChainRuleCMIEstimator with KSGEstimator(mixed=True)."
            if conditional else
            "For data with ties use mixed=True (Gao et al.'s estimator), or mark discrete "
            "columns with discrete_features and discrete_target."
        )
        warnings.warn(
            f"{name}: {tied:.0%} of the samples repeat their (X, y) more than "
            f"n_neighbors={k} times, so their neighbours are copies at the jitter's "
            f"distance and the estimate {value:.4g} nats measures the jitter. {advice}",
            UnreliableEstimateWarning,
            stacklevel=stacklevel,
        )
    elif copied > COPIED_SHARE:
        warnings.warn(
            f"{name}: {copied:.0%} of the samples are copies of another one, with the "
            "same X and y, which no other sample has, as duplicated records are. KSG "
            "takes each copy for a neighbour at the jitter's distance and reads it as "
            f"dependence, so the estimate {value:.4g} nats is biased upwards (MI 0.50: "
            "+0.04 with 10 % of the samples in copied pairs, +0.76 with every row "
            "twice). Drop duplicated records (pandas.DataFrame.drop_duplicates) where "
            "they are artefacts.",
            UnreliableEstimateWarning,
            stacklevel=stacklevel,
        )
    elif saturated > SATURATED_SHARE:
        cap = float(scipy.special.digamma(n) - scipy.special.digamma(k))
        if not conditional and value < SATURATED_BELOW_CAP * cap and coarse:
            warnings.warn(
                f"{name}: for {saturated:.0%} of the samples no point is nearer in one "
                f"variable than their {k} joint neighbours, as {' and '.join(coarse)} "
                f"among {n} samples: each sample's joint neighbours are the samples that "
                "share its value, in the order of KSG's tie-breaking jitter. If those are "
                "classes or counts, mark them discrete (discrete_target=True for y, "
                "discrete_features for X's columns) or use mixed=True.",
                UnreliableEstimateWarning,
                stacklevel=stacklevel,
            )
            return
        if not conditional and value < SATURATED_BELOW_CAP * cap:
            warnings.warn(
                f"{name}: for {saturated:.0%} of the samples no point is nearer in one "
                f"variable than their {k} joint neighbours, yet the estimate {value:.4g} "
                f"nats is far below the {cap:.3g} nats that a one-to-one y = f(X) reaches "
                f"at n = {n}: X or y has too many columns for {n} samples, so "
                "each sample's joint neighbours are its nearest in that variable alone, "
                "whatever the dependence (100 independent columns against 1 at n = 1000 "
                "give 0.003 nats, y the sum of those columns 0.03). Read it as a lower "
                "bound; use fewer columns, more samples or a trained estimator "
                "(estimate_mi picks one by the columns and rows).",
                UnreliableEstimateWarning,
                stacklevel=stacklevel,
            )
            return
        if conditional:
            what = (
                "no point is nearer in (X, Z) or in (y, Z) than their "
                f"{k} joint neighbours while y adds to what Z says, as when y is a "
                "one-to-one function of X's columns outside the conditioning Z: the "
                "conditional MI of such continuous data is infinite"
            )
            check = ("Check that y is not a copy or a function of a column of X outside "
                     "the conditioning.")
        else:
            what = (
                f"no point is nearer in X or in y than their {k} joint neighbours, as "
                "when y is a one-to-one function of X: the MI of such continuous data is "
                "infinite"
            )
            check = ("Check that y is not a copy or a function of a column of X (with "
                     "scale=False, this also happens when one variable's scale dwarfs "
                     "the other's).")
        warnings.warn(
            f"{name}: for {saturated:.0%} of the samples {what} (or more than {n} samples "
            f"resolve), and the estimate {value:.4g} nats is capped by the sample size "
            f"(KSG reaches about psi(n) - psi(k) = {cap:.3g} nats at most); read it as a "
            f"lower bound. {check}",
            UnreliableEstimateWarning,
            stacklevel=stacklevel,
        )


class _NonparametricEstimator(_TensorData, MIEstimator):
    """``fit`` stores ``mi_`` on the training data; ``score`` recomputes on new data.

    Subclasses give ``_estimate(X, y)``, the estimate as a float, and may override
    ``_checked_estimate``, the same with warnings where it is unreliable (the
    jackknife's halves call ``_estimate``, which does not warn).
    """

    _parameter_constraints = {
        "device": [str],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc(fit=FIT_PARAMETERS)
    def fit(self, X, y):
        """Estimate MI on ``(X, y)``; the estimate is stored in ``mi_``.

        {fit}
        """
        X, y = self._validate_fit_data(X, y)
        self.device_ = resolve_device(self.device)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UnreliableEstimateWarning)
            self.mi_ = self._checked_estimate(X, y, stacklevel=4)
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        # What score and estimate reuse on the same data: the value and its warnings.
        self._estimated_on = self._data_and_parameters(X, y)
        self._estimate_warnings = [(str(w.message), w.category) for w in caught
                                   if issubclass(w.category, UnreliableEstimateWarning)]
        return self

    def _validate_fit_data(self, X, y):
        """``fit``'s validation of ``(X, y)``, which resets ``n_features_in_``; the
        conditional estimator also reads its conditioning columns here."""
        return self._validate_xy(X, y, reset=True)

    def _data_and_parameters(self, X, y):
        return fingerprint(X, y), repr(sorted(self.get_params(deep=False).items()))

    def _value_on(self, X, y):
        """The estimate on validated ``(X, y)``: fit's ``mi_`` when they are fit's data
        and the parameters are unchanged (``fit(X, y).score(X, y)`` computes it once;
        fit has warned where it is unreliable), else computed, with its warnings."""
        fitted = getattr(self, "_estimated_on", None)
        current = self._data_and_parameters(X, y)
        if fitted is not None and same_fingerprint(fitted[0], current[0]) \
                and fitted[1] == current[1]:
            for message, category in self._estimate_warnings:
                warnings.warn(message, category, stacklevel=user_stacklevel())
            return self.mi_
        return self._checked_estimate(X, y, stacklevel=user_stacklevel() + 1)

    @fill_doc(xy=XY_PARAMETERS)
    def score(self, X, y):
        """MI estimate in nats on ``(X, y)``, with this estimator's parameters.

        Parameters
        ----------
        {xy}

        Returns
        -------
        float
        """
        check_is_fitted(self, "mi_")
        X, y = self._validate_xy(X, y, reset=False)
        return self._value_on(X, y)

    # The jackknife's halves: 20 cover as 30 did at two thirds of the cost (measured
    # in MIEstimator.estimate's docstring); 10 under-covered.
    _n_halves = 20

    def _estimate_with_std(self, X, y, *, return_std, random_state):
        check_is_fitted(self, "mi_")
        X, y = self._validate_xy(X, y, reset=False)
        value = self._value_on(X, y)
        if not return_std:
            return value
        n = X.shape[0]
        rng = check_random_state(random_state)
        # Beyond JACKKNIFE_ROWS the halves are drawn from that many rows, and their
        # variance, of an estimate on m rows, is scaled to n rows by m / n.
        m = min(n, JACKKNIFE_ROWS)
        pool = np.arange(n) if m == n else np.sort(rng.choice(n, m, replace=False))
        kept = m // 2
        halves = np.asarray([
            self._on_rows(X, y, pool[np.sort(rng.choice(m, kept, replace=False))])
            for _ in range(self._n_halves)
        ])
        # Shao and Wu's variance for deleting d = m - kept: kept / d times the mean
        # squared deviation of the subsample estimates.
        variance = kept / (m - kept) * np.mean((halves - halves.mean()) ** 2) * m / n
        std = float(np.sqrt(variance))
        if m < n:  # the rise from n / 2 rows to n: the two halves of a shuffle
            order = rng.permutation(n)
            halves = np.asarray([self._on_rows(X, y, np.sort(order[i::2][:n // 2]))
                                 for i in (0, 1)])
        self._warn_if_rising(value, float(halves.mean()), std, n)
        return value, std

    def _on_rows(self, X, y, rows):
        """The plain estimate on ``rows`` of ``(X, y)``, for the jackknife."""
        index = torch.as_tensor(rows) if isinstance(X, torch.Tensor) else rows
        try:
            return self._estimate(X[index], y[_rows_of(y, rows)])
        except ValueError as error:  # a half too small, or constant, to estimate on
            raise ValueError(
                f"{type(self).__name__}: the standard error re-estimates on halves of "
                f"the {X.shape[0]} samples ({len(rows)} rows each), and one failed: "
                f"{error}. Use more samples, or return_std=False."
            ) from error

    def _warn_if_rising(self, value, half_value, std, n_samples):
        """A warning where ``value`` on all the samples is far above ``half_value``,
        the mean of the jackknife's estimates on halves of them (none by default)."""

    def _checked_estimate(self, X, y, stacklevel):
        """``_estimate`` with warnings where it is unreliable, at ``warnings.warn``'s
        ``stacklevel`` counted from this method."""
        return self._estimate(X, y)


def _rows_of(y, rows):
    return torch.as_tensor(rows) if isinstance(y, torch.Tensor) else rows


_ATTRIBUTES = """
    mi_ : float
        MI estimate in nats on the training data.
    device_ : torch.device
        Where the estimate is computed.""" + _DATA_ATTRIBUTES


# KSGEstimator's and ConditionalKSGEstimator's neighbour search.
_KSG_SEARCH_PARAMETERS = """
    backend : {"auto", "scipy", "torch"}, default="auto"
        Neighbour search, see :func:`skmist.functional.ksg`: with ``"auto"``, the CPU's
        trees (on the default device, whose estimates are scikit-learn's to the digit)
        or the torch backend's brute-force search on another device.""" + \
    _device_parameter("cpu") + """
    n_jobs : int, default=-1
        Threads of the tree queries (scipy's ``workers``); -1 uses all cores."""


class _KSGFamily(_NonparametricEstimator):
    """KSG and its conditional version: ``_compute(X, y) -> (estimate,
    _KSGDiagnostics)`` gives both the plain estimate (the jackknife's halves) and the
    warned one."""

    # The saturation of the neighbour counts (``_warn_if_ksg_unreliable``) sees y as a
    # function of X, nonlinear ones too, in place of the base class's linear check.
    _checks_determinism = True

    def _estimate(self, X, y):
        # The jackknife's halves run this 20 times: no diagnostics (30 % of their time).
        return self._compute(X, y, diagnose=False)[0]

    def _checked_estimate(self, X, y, stacklevel):
        value, diagnostics = self._compute(X, y)
        _warn_if_ksg_unreliable(self, value, diagnostics, stacklevel + 1)
        return value

    def _warn_if_rising(self, value, half_value, std, n_samples):
        rise = value - half_value
        if rise <= max(RISING_NATS, RISING_STANDARD_ERRORS * std):
            return
        of = "X and the conditioning" if hasattr(self, "conditioning") else "X"
        warnings.warn(
            f"{type(self).__name__}: the estimate {value:.4g} nats on all {n_samples} "
            f"samples is {rise:.2g} nats above the {half_value:.4g} nats it gives on "
            "halves of them: it is still growing with the sample size, so the MI is "
            f"likely well above it, and unbounded if y is a noise-free function of {of} "
            "(y = |x| gains 0.69 nats each time n doubles; a Gaussian pair with MI 5.9 "
            "nats in 3 + 3 columns gets 4.85 at n = 2000, gaining 0.33). Read it as a "
            "lower bound.",
            UnreliableEstimateWarning,
            stacklevel=user_stacklevel(),
        )

    def _without_noise(self):
        """Whether the continuous columns go unjittered: Gao et al.'s mixed estimate
        (``KSGEstimator(mixed=True)``) needs the ties that the noise would break."""
        return getattr(self, "mixed", False)

    def _jitter(self, t, rng):
        """scikit-learn's preprocessing of continuous columns: scale, then noise (none
        with ``mixed``)."""
        noise = 0.0 if self._without_noise() else self.noise
        return F.ksg_jitter(t, noise, scale=self.scale, random_state=rng)

    def _ties_and_drowning(self, x, y, continuous, discrete_y, count_ties):
        """The ``_KSGDiagnostics`` fields of (x, y) before jitter: ``tied``, the share of
        samples repeated more than k times, and ``copied``, of samples repeated whose x
        and y occur in no other sample (both when ``count_ties``, else 0);
        ``n_distinct``, the number of distinct samples; ``drowned``, the continuous
        columns whose jitter dwarfs their spread; ``coarse``, the continuous columns
        (and y) of few distinct values, described."""
        copies, n_distinct = _copies(_joint_rows(x, y))
        tied = copied = 0.0
        if count_ties:
            tied = float((copies > self.n_neighbors).sum()) / x.shape[0]
            copied = copied_share(x, y, copies)
        drowned = [f"X column {j}" for j in np.flatnonzero(
            continuous.cpu().numpy())[self._drowned_by_jitter(x[:, continuous]).cpu().numpy()]]
        if not discrete_y:
            drowned += ["y" + (f" column {j}" if y.shape[1] > 1 else "") for j in
                        np.flatnonzero(self._drowned_by_jitter(y).cpu().numpy())]
        coarse = [f"X column {j} has {m} distinct values" for j, m in zip(
            np.flatnonzero(continuous.cpu().numpy()), _counts_if_few(x[:, continuous]))
            if m]
        if not discrete_y:
            coarse += [("y" + (f" column {j}" if y.shape[1] > 1 else "")
                        + f" has {m} distinct values")
                       for j, m in enumerate(_counts_if_few(y)) if m]
        return dict(tied=tied, copied=copied, n_distinct=n_distinct, drowned=drowned,
                    coarse=coarse)

    def _drowned_by_jitter(self, t):
        """Columns whose jitter is more than a fifth of their spread: scikit-learn
        scales it with the mean of |t|, so a common offset 2e9 times the spread or more
        makes the jitter swamp the data (at 1e12, 100 times the spread)."""
        if self.noise == 0 or self._without_noise() or t.shape[1] == 0 \
                or self.scale == "quantile":
            # Normal scores are O(1) whatever the data's offset and spread.
            return torch.zeros(t.shape[1], dtype=torch.bool)
        std = column_std(t)
        spread = torch.where(std > 0, std, torch.ones_like(std))
        scaled = t / spread if self.scale else t
        amplitude = jitter_amplitude(scaled, self.noise)
        return amplitude > 0.2 * (1.0 if self.scale else std)


@fill_doc(search=_KSG_SEARCH_PARAMETERS, attributes=_ATTRIBUTES)
class KSGEstimator(_KSGFamily):
    """Kraskov-Stögbauer-Grassberger k-nearest-neighbour MI estimator.

    Continuous X and y of any dimension use :func:`skmist.functional.ksg` (max-norm, as
    the KSG derivation assumes); a discrete side uses Ross's estimator
    (:func:`~skmist.functional.ksg_cd`), both discrete the plug-in contingency estimate
    (:func:`~skmist.functional.discrete_mi`), and ``mixed=True`` or X with both kinds of
    columns Gao et al.'s mixed estimator (:func:`~skmist.functional.mixed_ksg`).

    With the defaults, continuous columns are scaled and jittered as in
    :func:`sklearn.feature_selection.mutual_info_regression`, so that for one feature
    ``KSGEstimator(random_state=0).fit(x, y).mi_`` equals
    ``mutual_info_regression(x, y, random_state=0)[0]`` whenever that is positive
    (scikit-learn clips at 0, this estimator does not).

    KSG is biased towards 0 for strong dependence, more so in high dimension (measured
    at n = 5000 on Gaussians with MI 1 nat: +0.01 in 1 + 1 dimensions, -0.03 in 3 + 3,
    -0.49 in 10 + 10; with MI 0.5 nats in 10 + 10, -0.25).
    ``score`` recomputes the estimate on the data it is given; GridSearchCV over
    ``n_neighbors`` by score is not meaningful (larger k trades variance for bias).
    ``score_samples`` gives the local terms (pointwise MI) of continuous X and y,
    recomputed likewise with this estimator's scaling, jitter and ``n_neighbors``:
    ``psi(k) + psi(N) - psi(n_x(i) + 1) - psi(n_y(i) + 1)`` (variant 1, Kraskov et al.
    2004, eq. 8; eq. 9's terms for variant 2); with an integer ``random_state`` their
    mean is ``score`` on the same data. Each term is a noisy estimate (k neighbours):
    on a Gaussian pair (correlation 0.8, n = 1,000, k = 3) they correlate at 0.80
    with the true pointwise MI.

    Parameters
    ----------
    n_neighbors : int, default=3
        k, the number of joint neighbours.
    variant : {1, 2}, default=1
        Kraskov et al. (2004), eq. (8) or eq. (9).
    discrete_features : bool or array-like, default=False
        Which columns of X are discrete: all, none, a boolean mask or column indices.
    discrete_target : bool or "auto", default="auto"
        Whether y is discrete; ``"auto"`` for strings, booleans and categoricals.
    mixed : bool, default=False
        Use Gao et al.'s estimator, made for ties and discrete-continuous mixtures; no
        noise is added then.
    scale : bool or "quantile", default=True
        Divide continuous columns by their standard deviation (ddof=0), as scikit-learn
        does: the max-norm compares columns, so their scales matter beyond 1-D.
        ``"quantile"`` replaces each continuous column by the normal scores of its
        ranks instead (:func:`skmist.functional.rank_normal_scores`): an increasing map,
        so the MI is the same, with less bias on heavy-tailed or skewed columns
        (``estimate_mi``'s choice).
    noise : float, default=1e-10
        Gaussian jitter added to continuous columns, relative to ``max(1, mean |x|)``
        per column, to break ties (scikit-learn's value); 0 adds none.
    random_state : int, RandomState instance or None, default=None
        Draws the jitter, in scikit-learn's order (X's continuous columns, then y).
    {search}

    Attributes
    ----------
    {attributes}

    References
    ----------
    A. Kraskov, H. Stögbauer and P. Grassberger, Phys. Rev. E 69, 066138 (2004); B. C.
    Ross, PLoS ONE 9(2), e87357 (2014); W. Gao, S. Kannan, S. Oh and P. Viswanath,
    NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import KSGEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = 0.8 * x[:, 0] + 0.6 * rng.normal(size=2000)
    >>> round(KSGEstimator(random_state=0).fit(x, y).mi_, 1)  # true: 0.51
    0.5
    """

    _parameter_constraints = {
        **_NonparametricEstimator._parameter_constraints,
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "variant": [Options(Integral, {1, 2})],
        "discrete_features": ["boolean", "array-like"],
        "discrete_target": ["boolean", StrOptions({"auto"})],
        "mixed": ["boolean"],
        "scale": ["boolean", StrOptions({"quantile"})],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "backend": [StrOptions({"auto", "scipy", "torch"})],
        "n_jobs": [Integral, None],
    }

    def __init__(self, n_neighbors=3, variant=1, *, discrete_features=False,
                 discrete_target="auto", mixed=False, scale=True, noise=1e-10,
                 random_state=None, backend="auto", device="cpu", n_jobs=-1):
        store_params(self, locals())

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        x, y = self._tensors(X, y)
        if self.mixed or self.y_categories_ is not None \
                or self._discrete_mask(x.shape[1]).any():
            raise ValueError(
                "KSGEstimator.score_samples gives the local terms of KSG on continuous X "
                "and y; with discrete columns, a categorical y or mixed=True the "
                "estimate is Ross's or Gao et al.'s, whose local terms it does not give. "
                "Use a trained estimator's score_samples (e.g. SMILEEstimator)"
            )
        check_not_constant(x, "X")
        check_not_constant(y, "y")
        # The jitter of _compute, drawn in the same order: the terms average to score.
        rng = check_random_state(self.random_state)
        x = self._jitter(x, rng)
        y = self._jitter(y, rng)
        return _ksg_local_terms(x, y, self.n_neighbors, self.variant,
                                backend=self.backend, n_jobs=self.n_jobs)

    def _discrete_mask(self, n_features):
        flags = self.discrete_features
        if isinstance(flags, (bool, np.bool_)):
            return np.full(n_features, bool(flags))
        return _column_mask(flags, n_features, "discrete_features",
                            kinds="a bool, a boolean mask or integer column indices")

    def _compute(self, X, y, diagnose=True):
        """``(estimate, _KSGDiagnostics)``: the share of samples with least marginal
        counts (see ``functional._ksg._ksg_saturation``) for continuous X and y (0
        otherwise), and what ``_ties_and_drowning`` finds; ``(estimate, None)`` without
        ``diagnose``."""
        x, y = self._tensors(X, y)
        discrete_x = self._discrete_mask(x.shape[1])
        discrete_y = self.y_categories_ is not None
        continuous = torch.as_tensor(~discrete_x, device=x.device)
        check_not_constant(x[:, continuous], "X (continuous columns)")
        rng = check_random_state(self.random_state)
        found = self._ties_and_drowning(
            x, y, continuous, discrete_y,
            count_ties=not (self.mixed or discrete_x.any() or discrete_y),
        ) if diagnose else None
        if continuous.any():
            x = x.clone()
            x[:, continuous] = self._jitter(x[:, continuous], rng)
        if not discrete_y:
            check_not_constant(y, "y")
            y = self._jitter(y, rng)
        opts = dict(backend=self.backend, n_jobs=self.n_jobs)
        k = self.n_neighbors
        saturated = 0.0
        if self.mixed or (discrete_x.any() and not discrete_x.all()):
            mi = F.mixed_ksg(x, y, k, **opts)
        elif discrete_x.all() and discrete_y:
            mi = F.discrete_mi(x, y)
        elif discrete_y:
            mi = F.ksg_cd(x, y, k, **opts)
        elif discrete_x.all():
            mi = F.ksg_cd(y, x, k, **opts)
        else:
            mi, saturated = _ksg_saturation(x, y, k, self.variant, **opts)
        if not diagnose:
            return float(mi), None
        return float(mi), _KSGDiagnostics(saturated, n_samples=x.shape[0], **found)

@fill_doc(device=_device_parameter("auto"), attributes=_ATTRIBUTES)
class KDEEstimator(_NonparametricEstimator):
    """Gaussian kernel density MI estimator; the function is differentiable.

    :func:`skmist.functional.kde_mi`: the average log density ratio of a product-
    Gaussian KDE of (X, y) and its marginals; ``score_samples`` gives the ratio of each
    row, ``log p(x_i, y_i) / (p_X(x_i) p_Y(y_i))``, whose mean is ``score``.
    Leave-one-out (the default) is biased towards 0; resubstitution upwards, more so in
    high dimension (measured at n = 5000, MI 1 nat, 3 + 3 dimensions, Scott's rule:
    -0.15 and +0.25). Choose the bandwidth by likelihood, never by this score:
    resubstitution MI grows as the bandwidth shrinks.
    Costs O(n^2), on the GPU where there is one (the default ``device="auto"``).

    Parameters
    ----------
    bandwidth : {"scott", "silverman"} or float, default="scott"
        Kernel width, see :func:`skmist.functional.kde_mi`.
    leave_one_out : bool, default=True
        Drop each sample from its own density estimate.
    {device}

    Attributes
    ----------
    {attributes}
    """

    _parameter_constraints = {
        **_NonparametricEstimator._parameter_constraints,
        "bandwidth": [
            StrOptions({"scott", "silverman"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "leave_one_out": ["boolean"],
    }

    def __init__(self, bandwidth="scott", leave_one_out=True, *, device="auto"):
        store_params(self, locals())

    def _encode_target(self, y, *, reset, classes=None):
        # y is continuous here, whatever its dtype: object arrays of numbers are numbers.
        if reset:
            self.y_categories_ = None
        if isinstance(y, torch.Tensor):
            return y
        try:
            return np.asarray(y).astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "KDEEstimator needs a numeric, continuous y; for a categorical y use "
                "KSGEstimator (Ross's estimator) or HistogramEstimator"
            ) from None

    def _estimate(self, X, y):
        with torch.inference_mode():
            return float(F.kde_mi(*self._tensors(X, y), self.bandwidth, self.leave_one_out))

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        return _kde_pointwise(*self._tensors(X, y), self.bandwidth, self.leave_one_out)

    def _checked_estimate(self, X, y, stacklevel):
        value = self._estimate(X, y)
        _warn_if_few_samples(self, value, _distinct_rows(*self._tensors(X, y)),
                             stacklevel=stacklevel + 1)
        return value


@fill_doc(device=_device_parameter("cpu"), attributes=_ATTRIBUTES)
class HistogramEstimator(_NonparametricEstimator):
    """Plug-in MI of binned data, hard or soft (kernel-assigned, differentiable) bins.

    :func:`skmist.functional.histogram_mi` or, with ``soft=True``,
    :func:`~skmist.functional.soft_histogram_mi`. A categorical y is used as its own
    (hard) bins. Binning loses information (a bias down, large for coarse bins and strong
    dependence) while the plug-in gains (a bias up, growing with the number of cells,
    so bins^d in d dimensions: prefer few bins beyond 1-D). Measured at n = 5000,
    MI 0.5 nat: -0.03 in 1 + 1 dimensions (Sturges' 14 bins); -0.02 in 3 + 3 with 5
    bins and Miller-Madow; Sturges in 3 + 3 is +3.

    ``score_samples`` gives each row's term of the plug-in, the log ratio
    ``log p(a, b) / (p(a) p(b))`` of the cell frequencies of its bins (with soft bins,
    those of all cells weighted by its memberships; with Miller-Madow, plus the
    correction), recomputed on the data given; its mean is ``score``. On a Gaussian
    pair (rho 0.8, 1,000 rows) it correlates with the closed-form PMI at 0.90 (0.95
    with soft bins).

    Parameters
    ----------
    bins : int or {"sturges", "sqrt", "scott", "fd"}, default="sturges"
        Equal-width bins per column, or the rule that picks their number.
    soft : bool, default=False
        Soft bins (Gaussian membership), differentiable.
    bandwidth : float, default=0.25
        Width of the soft bins' kernel in bin widths; ignored when ``soft=False``.
    correction : {None, "miller-madow"}, default=None
        First-order bias correction of the hard plug-in; not with ``soft=True``.
    {device}

    Attributes
    ----------
    {attributes}
    """

    _parameter_constraints = {
        **_NonparametricEstimator._parameter_constraints,
        "bins": [Interval(Integral, 1, None, closed="left"), StrOptions(set(BIN_RULES))],
        "soft": ["boolean"],
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
        "correction": [None, StrOptions({"miller-madow"})],
    }

    def __init__(self, bins="sturges", soft=False, bandwidth=0.25, correction=None, *,
                 device="cpu"):
        store_params(self, locals())

    def _estimate(self, X, y):
        return self._checked_estimate(X, y, None)

    def _checked_estimate(self, X, y, stacklevel):
        # stacklevel=None: no warning.
        if self.soft and self.correction is not None:
            raise ValueError("correction applies to hard bins only; use soft=False")
        x, y = self._tensors(X, y)
        check_not_constant(x, "X")
        categorical = self.y_categories_ is not None
        if not categorical:
            check_not_constant(y, "y")
        value = self._plugin(x, y, categorical)
        if stacklevel is not None:
            # The soft bins' plug-in is biased like the hard one's on the same cells.
            codes_y = y if categorical else _bin_codes(y, self.bins)
            _warn_if_plugin_biased(
                type(self).__name__, value, _bin_codes(x, self.bins), codes_y, "bins",
                max(x.shape[1], 1 if categorical else y.shape[1]), stacklevel + 1,
            )
        return value

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        x, y = self._tensors(X, y)
        categorical = self.y_categories_ is not None
        if self.soft:
            w_x = _soft_assignment(x, self.bins, self.bandwidth)
            w_y = (torch.nn.functional.one_hot(y.long(), len(self.y_categories_)).to(w_x.dtype)
                   if categorical else _soft_assignment(y, self.bins, self.bandwidth))
            return _memberships_pointwise(w_x, w_y)
        codes_x, _ = _row_codes(_bin_codes(x, self.bins))
        codes_y = y.long() if categorical else _row_codes(_bin_codes(y, self.bins))[0]
        return _plugin_pointwise(codes_x, codes_y, self.correction)

    def _plugin(self, x, y, categorical):
        if self.soft:
            with torch.inference_mode():
                if not categorical:
                    return float(F.soft_histogram_mi(x, y, self.bins, self.bandwidth))
                # Soft bins for X, each category its own hard bin.
                w_x = _soft_assignment(x, self.bins, self.bandwidth)
                w_y = torch.nn.functional.one_hot(y.long(), len(self.y_categories_))
                return float(mi_of_memberships(w_x, w_y.to(w_x.dtype)))
        if categorical:
            codes_x, _ = _row_codes(_bin_codes(x, self.bins))
            return float(F.discrete_mi(codes_x, y, correction=self.correction))
        return float(F.histogram_mi(x, y, self.bins, correction=self.correction))


@fill_doc(device=_device_parameter("cpu"), attributes=_ATTRIBUTES)
class GaussianEstimator(_NonparametricEstimator):
    """MI of the Gaussian with the data's covariance: the linear (CCA) baseline.

    :func:`skmist.functional.gaussian_mi`, :math:`-\\frac12 \\sum_i \\log(1 - \\rho_i^2)`
    in the canonical correlations. Exact for jointly Gaussian data (bias about
    ``d_x d_y / 2n``; measured at n = 5000, 3 + 3 dimensions, MI 1 nat: +0.004, sd
    0.018); blind to nonlinear dependence otherwise. A categorical y is one-hot encoded
    without its last column (the columns of a full one-hot encoding are collinear).

    ``score_samples`` gives the closed-form pointwise MI of that Gaussian,
    ``log N(x, y) - log N(x) - log N(y)`` with the mean and (ddof=0) covariance of the
    data given (for one x and one y of correlation rho, standardized, ``-log(1 -
    rho**2) / 2 - (rho**2 (x**2 + y**2) - 2 rho x y) / (2 (1 - rho**2))``); its mean is
    ``score`` on the same data.

    Parameters
    ----------
    copula : bool, default=False
        Replace each column (but a categorical y's) by the normal scores of its ranks
        (:func:`skmist.functional.rank_normal_scores`) first: the MI of the Gaussian
        copula, unchanged by increasing maps of the columns. When x or y has one
        column without ties it is a lower bound of the MI: that side's normal scores
        have a Gaussian's entropy, and the residual of its best linear prediction from
        the other side bounds its conditional entropy. ``estimate_mi`` returns it where
        its estimator falls below it.
    debias : bool, default=False
        Subtract :func:`skmist.functional.gaussian_mi_bias`, the plug-in estimate's
        expected excess on Gaussian data of these dimensions and rows (about
        ``d_x d_y / 2n``): unbiased on Gaussian data, and no longer positive on
        independent columns. ``score_samples`` subtracts it from every row.
    {device}

    Attributes
    ----------
    {attributes}
    """

    _parameter_constraints = {
        **_NonparametricEstimator._parameter_constraints,
        "copula": ["boolean"],
        "debias": ["boolean"],
    }

    def __init__(self, *, copula=False, debias=False, device="cpu"):
        store_params(self, locals())

    def _estimate(self, X, y):
        return self._checked_estimate(X, y, None)

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        x, y, _ = self._gaussian_inputs(X, y)
        return _gaussian_pointwise(x, y) - self._bias(x, y)

    def _bias(self, x, y):
        """What ``debias`` subtracts from the plug-in estimate on ``(x, y)``: 0 without."""
        return F.gaussian_mi_bias(x.shape[1], y.shape[1], x.shape[0]) if self.debias else 0.0

    def _gaussian_inputs(self, X, y):
        """``(x, y)`` as float64 tensors, a categorical y one-hot without its last
        column, checked to have enough distinct rows for a covariance."""
        x, y = self._tensors(X, y)
        if self.y_categories_ is not None:
            one_hot = torch.nn.functional.one_hot(y.long(), len(self.y_categories_))
            y = one_hot[:, :-1].to(torch.float64)
            if y.shape[1] == 0:
                raise ValueError("y has a single category; MI with a constant is 0")
        elif self.copula:
            y = F.rank_normal_scores(y)
        if self.copula:
            x = F.rank_normal_scores(x)
        n_distinct, d = _distinct_rows(x, y), x.shape[1] + y.shape[1]
        if n_distinct <= d:
            # Repeated rows add nothing: the covariance of m distinct ones has rank m - 1.
            raise ValueError(
                f"GaussianEstimator: X and y have {n_distinct} distinct samples (rows), too "
                f"few for a non-singular covariance of their {d} columns: at least {d + 1} "
                "are needed"
            )
        return x, y, n_distinct

    def _checked_estimate(self, X, y, stacklevel):
        # stacklevel=None: no warning.
        x, y, n_distinct = self._gaussian_inputs(X, y)
        with torch.inference_mode():
            value = float(F.gaussian_mi(x, y)) - self._bias(x, y)
        if stacklevel is None:
            return value
        d = x.shape[1] + y.shape[1]
        if not _warn_if_few_samples(
            self, value, n_distinct, d + 1,
            f"in {d} dimensions, the sample covariance of {d + 1} points fits them exactly",
            stacklevel + 1,
        ) and not self.debias:  # debiased, the remedy below has been applied
            n, dx, dy = x.shape[0], x.shape[1], y.shape[1]
            _warn_if_bias_rivals(
                "GaussianEstimator", value, F.gaussian_mi_bias(dx, dy, n),
                source=f"{dx} + {dy} dimensions from {n} samples",
                formula="skmist.functional.gaussian_mi_bias, about d_x d_y / 2n",
                remedy=(
                    "too many dimensions for the samples, so the value is mostly bias. "
                    "Use more samples or fewer columns; on Gaussian data, the estimate "
                    "less gaussian_mi_bias(d_x, d_y, n) is unbiased."
                ),
                stacklevel=stacklevel + 1,
            )
        return value


def _gaussian_pointwise(x, y):
    """``log N(z) - log N(x) - log N(y)`` per row, z = (x, y), with the rows' mean and
    ddof=0 covariance; the quadratic forms then average to the dimensions exactly,
    so the mean is the Gaussian MI."""
    z = torch.cat([x, y], 1)
    z = z - z.mean(0)
    std = z.std(0, correction=0)
    z = z / torch.where(std > 0, std, torch.ones_like(std))  # PMI is scale-free
    cov = z.T @ z / z.shape[0]
    dx = x.shape[1]

    def half_log_density(rows):  # up to the 2 pi terms, which cancel
        block = cov[rows][:, rows]
        chol = torch.linalg.cholesky(block)
        w = torch.linalg.solve_triangular(chol, z[:, rows].T, upper=False)
        return -0.5 * w.pow(2).sum(0) - torch.log(torch.diagonal(chol)).sum()

    every = torch.arange(z.shape[1], device=z.device)
    return (half_log_density(every) - half_log_density(every[:dx])
            - half_log_density(every[dx:]))


# A continuous column with at most this many distinct values (and 10 samples a value)
# holds classes or counts, as estimate_mi's discrete rule has it.
COARSE_VALUES = 50


def _counts_if_few(t):
    """For each column of ``t``, its number of distinct values where it has at most
    ``min(COARSE_VALUES, n // 10)`` of them, else 0."""
    limit = min(COARSE_VALUES, t.shape[0] // 10)
    counts = [len(torch.unique(t[:, j])) for j in range(t.shape[1])]
    return [m if m <= limit else 0 for m in counts]


def _distinct_rows(x, y):
    """The number of distinct rows of (x, y), 2-D tensors of the same length."""
    return int(torch.unique(_joint_rows(x, y), dim=0).shape[0])


def _row_groups(t):
    """``(inverse, counts)``: the index of each row of ``t`` among its distinct rows,
    and how many rows each distinct row has."""
    _, inverse, counts = torch.unique(t.reshape(len(t), -1), dim=0, return_inverse=True,
                                      return_counts=True)
    return inverse, counts


def _copies(t):
    """``(copies, n_distinct)``: for each row of ``t``, how many rows (itself included)
    equal it, and the number of distinct rows."""
    inverse, counts = _row_groups(t)
    return counts[inverse], counts.shape[0]


def copied_records(x, y, copies=None):
    """Which rows of (x, y) (2-D tensors) are copies of another row whose x and y occur
    in no other row, as duplicated records are (repeated values of discrete data occur
    with other partners too); ``copies``: ``_copies`` of the joint rows, where already
    counted."""
    if copies is None:
        copies = _copies(_joint_rows(x, y))[0]
    repeated = copies > 1
    if not repeated.any():  # continuous data: spare two more sorts of all the rows
        return repeated
    return repeated & (_copies(x)[0] == copies) & (_copies(y)[0] == copies)


def copied_share(x, y, copies=None):
    """The share of the rows of (x, y) that ``copied_records`` marks."""
    return float(copied_records(x, y, copies).sum()) / x.shape[0]


def _joint_rows(x, y):
    """The rows of (x, y) side by side, y (labels or values) in x's dtype."""
    return torch.cat([x, y.reshape(len(y), -1).to(x.dtype)], 1)

