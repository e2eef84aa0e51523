"""``estimate_mi``: from data to an MI estimate with its standard error, in one call.

The front door for a quick answer: it picks (or takes) an estimator, holds out a test
split for the trained ones, streams a DataLoader through ``partial_fit``, and returns an
:class:`MIResult`. Everything it does can be done by hand with the estimators.
"""

import math
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

from ._neural import (
    CHECK_ESTIMATES,
    UNRELIABLE_STANDARD_ERROR,
    NeuralMIEstimator,
    UnreliableEstimateWarning,
)
from .base import user_stacklevel
from .estimators._nonparametric import COARSE_VALUES
from .estimators._registry import all_estimators, entry_of, is_trained

__all__ = ["MIResult", "estimate_mi"]

# The "auto" rule, measured on the 40 "Beyond Normal" tasks (n = 10,000) and on cases
# outside them (README, "The auto rule"; benchmarks/bench_auto.py regenerates both):
# up to 6 columns of x and y together (and at most 100,000 rows), KSG on the normal
# scores of each column's ranks, which solved 23 of the suite's 24 tasks of that size
# (19 on the raw columns: the Student-t ones break it) in a second or two, with nothing
# trained. Beyond that KSG's bias grows with dimension (MI 1 nat at n = 5000: -0.11 in
# 4 + 4, -0.49 in 10 + 10) and a diffusion estimator takes over: MMG (37/40 on the
# suite, MAE 0.046, where SMILE solves 14), or the joint variant of MINDE (37/40, MAE
# 0.053) on fewer rows. Class labels go to a classifier (BA with the labels' plug-in
# entropy): a 10-class y against 20 Gaussian features (truth 1.75 nats, n = 5000) gave
# 1.71 held out, where SMILE on the integer codes gave 0.54.
AUTO_MAX_DIMENSION = 6
AUTO_MAX_SAMPLES = 100_000
# The diffusion estimators' squared score differences are never negative, so a
# denoiser that fits its training rows inflates the held-out estimate with no gap to
# flag it. MMG overshoots first: 0.14 nats on independent 10 + 1 columns and 0.65 for
# 0.5 in 10 + 10 at n = 2500-3000, right at 5000 (0.00, 0.52) and beyond; MINDE-joint
# holds at 2500-3000 (0.01, 0.49; 1.05 for 1.0 in 5 + 5) and breaks below (1.35 for
# 1.0 in 5 + 5 at n = 1000, 0.79 for 0.5 in 10 + 10 at 1500). Below that KSG on
# normal scores is biased towards 0 instead (0.76, 0.24), never absurd, and is
# returned with a caveat that it is a lower bound (or a regression's bound where x or y
# has one column and that is clearly higher: _regression_floor).
AUTO_MIN_MMG_SAMPLES = 5000
AUTO_MIN_TRAINED_SAMPLES = 2500
AUTO_NEURAL = "mmg"
# Where y has one column, MMG's estimate is the mean of its two forms: its conditional
# denoiser, fitting many columns of x, errs in a way that lifts the orthogonal form and
# sinks the gap form alike. Gaussian y of 10-40 columns at 5,000-10,000 rows (MI 0.2 to
# 2, 13 draws) and a lognormal and a sine y of 10-12: the orthogonal form missed
# max(0.1 nats, 10 %) on 9 of 15 (0.94 for 0.5 twice, 1.07 for 0.83), the mean on none
# (within -0.04 to +0.10). Where y has several columns the orthogonal form stays: on
# the 16 suite tasks MMG gets the mean solved 11 to its 13 (dense 50 + 50: 1.44 for
# 1.62, where the gap form gave 1.22).
AUTO_MMG_ONE_COLUMN_FORM = "mean"
AUTO_LABELS = "ba"
# With class labels beyond KSG's columns, "auto" fits BA's network and gradient-boosted
# trees (ClassifierEstimator's default, and trees of depth 3) on AUTO_LABELS_FIT_SHARE
# of the training rows, keeps the one whose bound is clearly higher on the rest (see
# AUTO_LABELS_STANDARD_ERRORS) and refits it on all of them. None wins everywhere
# (held out, 5 classes shifting 10 features, 6000 rows, 80 % to fit; truth in
# brackets): the network learns oblique boundaries, 1.346 against the trees' 1.283
# (1.322) in Gaussian noise and 1.893 against 1.654 (1.953) for 10 classes and 50
# features; trees learn sharp and axis-aligned ones and ignore heavy tails, 1.341
# against 1.291 (1.379) in Laplace noise, 0.688 against 0.413 (0.817) in Cauchy noise,
# 1.015 against 0.714 (1.038) for 4 classes from two signs, one of x0 x1 (an XOR).
# Trees of depth 3 fit a class's log-likelihood that is a sum over columns (three
# draws of Gaussian, Laplace, Cauchy and Student-t noise: mean errors -0.025 to -0.053
# nats against -0.051 to -0.087), and miss interactions of three columns (-0.53
# against -0.25). A logistic regression on the columns' normal scores fits linear
# boundaries from few rows, where the network fits noise: 4 classes from a softmax of 5
# of 20 features (truth 0.588) at 1000 rows, 0.585, 0.488 and 0.583 held out against
# the network's 0.529, 0.406 and 0.535 on 3 draws, and 0.12-0.18 against 0.07-0.10 for
# a binary logit of 2 of 30 features (0.259).
AUTO_LABELS_CANDIDATES = (
    ("ba", {}),
    ("classifier", {}),
    ("classifier", {"classifier": HistGradientBoostingClassifier(
        max_depth=3, max_iter=300, early_stopping=True)}),
    ("classifier", {"classifier": make_pipeline(
        QuantileTransformer(n_quantiles=100, output_distribution="normal"),
        LogisticRegression(max_iter=1000))}),
)
AUTO_LABELS_FIT_SHARE = 0.8
# A candidate must beat the one before by this many standard errors on the check rows:
# on scikit-learn's load_wine (29 check rows) and load_breast_cancer (91), taking the
# higher of two noisy bounds chose trees on 2 of 5 seeds each and lowered the mean
# held-out estimates from 1.041 to 0.944 and from 0.567 to 0.533.
AUTO_LABELS_STANDARD_ERRORS = 2
# With fewer check rows than this the choice is noise: even at 2 standard errors, 91
# check rows of load_breast_cancer chose trees on 1 seed of 5, which scored 0.445 held
# out (the mean of the 5 fell from 0.567 to 0.547). Where a share of the training rows
# would be fewer, each candidate is fitted on all folds but one of
# AUTO_LABELS_FOLDS and scored on that one, so every training row is a check row
# (455 for load_breast_cancer, where the network then stayed on 5 seeds of 5); with
# fewer training rows than this the first candidate is kept unfitted. On 24 small
# draws of 4 kinds (n = 300 and 1000, 20-30 columns: a linear and a radial logit, an
# XOR, 4 softmax classes) the mean error fell from 0.25 to 0.16 nats (0.36 to 0.24 at
# n = 300, 0.14 to 0.08 at 1000), in 2-6 s where BA alone took 0.3-0.8; on 12 drawn
# after it was set (Laplace, Cauchy and Gaussian classes, n = 500-1200, 10-40
# features) from 0.16 to 0.10, worse on none.
AUTO_LABELS_MIN_CHECK_ROWS = 200
AUTO_LABELS_FOLDS = 5
# The choice reads at most this many training rows: of 40,000 (5 Gaussian classes, 20
# features) it added 5.8 s to BA's 1.5, and reading 10,000 of them 2.4 (4.2 s in all
# against 1.8, back to back).
AUTO_LABELS_CHOICE_ROWS = 10_000
# A DataLoader streams batches through partial_fit, which the diffusion estimators'
# fixed step budget and learning-rate decay do not fit; and ChainRuleCMIEstimator fits
# its estimator twice.
AUTO_STREAMING = "smile"
# From 4 columns KSG's bias towards 0 outweighs its variance, and 2 neighbours with
# Kraskov et al.'s second estimator (eq. 9) beat scikit-learn's k = 3 and eq. 8 at
# every size measured: on the suite's tasks of 4 and 6 columns (4 seeds at n = 10,000,
# 8 at 1000 and 300; normal scores) MAE 0.009 against 0.013 and 0.053 against 0.073 at
# 10,000 (student-identity-3-3-3: 0.124 for 0.179, against 0.113), 0.038 against 0.053
# and 0.136 against 0.161 at 1000, 0.080 against 0.110 and 0.192 against 0.240 at 300.
# In 1 + 1 and 2 + 1 columns the extra variance costs more than the bias saves (n =
# 2000, MI 0.51: spread 0.032 against 0.024), so they keep k = 3 and eq. 8, as do class
# labels (Ross's estimator, as mutual_info_classif; it has no second form).
AUTO_KSG_MIN_COLUMNS = 4
AUTO_KSG_NEIGHBORS = 2
AUTO_KSG_VARIANT = 2
AUTO_RULE = (f"KSG on normal scores for at most {AUTO_MAX_DIMENSION} columns (x and y) and "
             f"{AUTO_MAX_SAMPLES:,} rows (k = {AUTO_KSG_NEIGHBORS}, Kraskov's eq. 9 from "
             f"{AUTO_KSG_MIN_COLUMNS} columns; for class labels gradient-boosted trees where "
             "their held-out bound is clearly above it); else for class labels BA, or "
             "gradient-boosted trees or a logistic regression where clearly better on a "
             "fifth of the training rows (on 5 folds of them below 1,000); "
             "MMG (the mean of its two forms where y has one column) from "
             f"{AUTO_MIN_MMG_SAMPLES:,} rows, MINDE (joint variant) from "
             f"{AUTO_MIN_TRAINED_SAMPLES:,}, KSG with a caveat below; beyond "
             f"{AUTO_MAX_DIMENSION} columns, where x or y has one, a regression's bound "
             "where clearly above the estimate")
# The discrete rule's most classes: KSG's own warnings use the same count.
AUTO_MAX_CLASSES = COARSE_VALUES


@dataclass(frozen=True, eq=False)
class MIResult:
    """An MI estimate from :func:`estimate_mi`, with what produced it.

    Attributes
    ----------
    value : float
        The estimate in nats.
    std_error : float or None
        Its standard error in nats, from the estimator's ``estimate(X, y,
        return_std=True)``: the sampling variability of the evaluation on the
        ``n_test`` samples, not the variability of training nor the estimator's bias.
        None for an estimator without an ``estimate`` method.
    estimator : estimator
        The fitted estimator.
    history : pandas.DataFrame or None
        The training curve (the estimator's ``history_``); None when nothing is trained.
    n_train : int
        Rows the estimator was fitted on (one pass of a DataLoader's training batches).
    n_test : int
        Rows the estimate was computed on.
    held_out : bool
        Whether those rows were held out from fitting (False for the nonparametric
        estimators, which estimate on all the data, and for ``test_size=0``).
    bits : float
        The estimate in bits.
    std_error_bits : float or None
        The standard error in bits.
    caveats : tuple of str
        Why the value may not be trusted, each also raised as an
        :class:`~skmist.UnreliableEstimateWarning`: too few samples for the number of
        columns, a trained estimator that scores its training rows far above the
        held-out ones (overfitting), an MMG estimate far above the gap form of its
        integral on the held-out rows (a denoiser that does not generalise), a
        diffusion integrand that has not decayed at its finest noise (y nearly a
        function of x), rows autocorrelated as a time series's are, a large standard
        error, an estimate far below the Gaussian-copula MI of the same data,
        or the estimator's own warnings (y a function of X, a plug-in's bias, ...).
        Empty when nothing is known to be wrong.
    reliable : bool
        ``not caveats``.
    p_value : float or None
        A permutation p-value of the estimate, where one was computed
        (:func:`skmist.timeseries.transfer_entropy` with ``n_permutations``); None
        otherwise.

    Examples
    --------
    >>> import math
    >>> from skmist import MIResult, KSGEstimator
    >>> MIResult(math.log(2), 0.01, KSGEstimator(), n_train=500, n_test=500, held_out=False)
    MIResult(0.693 ± 0.010 nats (1.000 bits), KSGEstimator, n=500)
    """

    value: float
    std_error: "float | None"
    estimator: object
    history: object = None
    n_train: int = 0
    n_test: int = 0
    held_out: bool = True
    caveats: tuple = ()
    p_value: "float | None" = None

    @property
    def reliable(self):
        """Whether no caveat applies."""
        return not self.caveats

    @property
    def bits(self):
        """The estimate in bits (nats / log 2)."""
        return self.value / math.log(2)

    @property
    def std_error_bits(self):
        """The standard error in bits, or None."""
        return None if self.std_error is None else self.std_error / math.log(2)

    def __repr__(self):
        error = "" if self.std_error is None else f" ± {self.std_error:.3f}"
        rows = f"n_test={self.n_test}" if self.held_out else f"n={self.n_test}"
        unsure = f", {len(self.caveats)} caveat(s)" if self.caveats else ""
        p = "" if self.p_value is None else f", p={self.p_value:.3g}"
        return (f"MIResult({self.value:.3f}{error} nats ({self.bits:.3f} bits), "
                f"{type(self.estimator).__name__}, {rows}{p}{unsure})")


def estimate_mi(data, x=None, y=None, estimator="auto", test_size=0.2, device="auto",
                random_state=None, verbose=True, *, conditioning=None,
                discrete_target="auto", discrete_features="auto", epochs=1):
    """Estimate the mutual information between x and y, with a standard error.

    With ``conditioning``, the conditional mutual information I(x; y | z) instead.

    Parameters
    ----------
    data : array-like, DataFrame, dict, tuple or torch DataLoader
        One of:

        * X, an array, DataFrame or tensor of shape (n_samples, n_features_x) (or
          (n_samples,), one variable), with the target values in ``y``
          (``estimate_mi(X, y)``), or the pair ``(X, y)``;
        * a DataFrame whose columns ``x`` and ``y`` name;
        * a dict of arrays (1-D or 2-D, the same length) whose keys ``x`` and ``y``
          name; several keys are stacked column-wise;
        * a ``torch.utils.data.DataLoader`` yielding ``(x, y)`` batches (or dicts
          whose keys ``x`` and ``y`` name), or a pair ``(train_loader,
          test_loader)``: see Notes.
    x : column name, list of names, or None
        The x columns (keys) of a DataFrame (dict); None takes every column but y's.
        Target values (an array, Series or tensor, not a name) passed as the second
        positional argument are ``y``, so ``estimate_mi(X, y)`` reads as in
        scikit-learn.
    y : column name, list of names, or array-like
        The y columns (keys) of a DataFrame (dict); a single name gives a 1-D y (so
        string or categorical labels are treated as classes). With an array ``data``,
        the target values themselves. A list always names columns. Constant columns
        of x and y are dropped (the MI of the others is the same), unless all are.
    estimator : str, estimator or "auto", default="auto"
        A name from the registry (the class name in lower case without
        ``Estimator``: ``"ksg"``, ``"smile"``, ``"infonce"``, ``"mine"``,
        ``"gaussian"``, ...; ``skmist list`` shows them all, and
        :func:`skmist.estimators.all_estimators` their tags; the conditional
        ``"conditionalksg"`` and ``"chainrulecmi"`` only with ``conditioning``), an
        estimator instance (cloned; its parameters are kept), or ``"auto"``:
        ``KSGEstimator(scale="quantile")`` (KSG on each column's rank normal scores;
        from 4 columns with ``n_neighbors=2, variant=2``, which is less biased there)
        when x and y have at most 6 columns together and there are at most 100,000
        rows (for class labels, gradient-boosted trees,
        :class:`~skmist.ClassifierEstimator`, instead where, fitted on the training
        rows, their bound on at least 200 held-out rows is more than 2 standard errors
        above KSG's estimate: a lower bound above it says KSG is low, as on sharp class
        boundaries); otherwise for class labels (see ``discrete_target``) a classifier's
        held-out cross-entropy below the labels' entropy: :class:`~skmist.BAEstimator`'s
        network, or gradient-boosted trees or a logistic regression on the columns'
        normal scores (:class:`~skmist.ClassifierEstimator`) where, fitted on 80 % of
        the training rows, they score more than 2 standard errors higher on the other
        20 % (where that is fewer than 200 rows, on each of 5 folds of the training rows
        fitted on the other 4; with fewer than 200 training rows BA);
        :class:`~skmist.MMGEstimator` (with
        ``form="mean"`` where y has one column) from
        5,000 rows,
        ``MINDEEstimator(variant="joint")`` from 2,500, and below that KSG again, with
        a caveat that it is a lower bound; beyond 6 columns, where x or y has one
        column and a :class:`~skmist.RegressorEstimator`'s bound (gradient-boosted
        trees predicting that column's normal scores, cross-fitted on 5 folds) is
        clearly above the estimate, that bound. DataLoaders get
        :class:`~skmist.BAEstimator` for class labels and
        :class:`~skmist.SMILEEstimator` otherwise (see Notes).
    test_size : float or int, default=0.2
        For trained estimators, the fraction (or number) of rows held out: the
        estimator is fitted on the rest and the estimate is computed on these. 0 fits
        and estimates on all the rows (biased upwards by overfitting). Nonparametric
        estimators (KSG, KDE, histogram, Gaussian) train nothing and estimate on all
        the rows, whatever ``test_size``. For a DataLoader, a fraction of the batches.
    device : str, default="auto"
        Set on an estimator with a ``device`` parameter (``"cpu"``, ``"cuda"``,
        ``"cuda:1"``). ``"auto"`` keeps the estimator's own: CUDA when available for
        the trained estimators, the CPU for KSG, whose trees run there.
    random_state : int or None, default=None
        Seeds the train/test split and is set on an estimator with a ``random_state``
        parameter; None keeps the estimator's own.
    verbose : bool, default=True
        Show a progress bar while training (set on the estimator's ``verbose``).
    conditioning : column name, list of names, or array-like, default=None
        Z, to estimate I(x; y | z): the columns (keys) of a DataFrame (dict) to condition
        on, which ``x=None`` then leaves out; with an array ``data``, Z's values, of
        shape (n_samples,) or (n_samples, n_features_z), as for ``y``. Columns of
        classes become their codes, as x's do; constant columns are dropped (they carry
        no information, and with none left the estimate is I(x; y)). Z is appended to
        x's columns and named by the conditional estimators' ``conditioning``
        parameter. ``estimator="auto"`` then picks
        :class:`~skmist.ConditionalKSGEstimator` when x, y and z have at most 6 columns
        together and there are at most 100,000 rows, and otherwise
        :class:`~skmist.ChainRuleCMIEstimator` with :class:`~skmist.SMILEEstimator`; an
        estimator that does not condition (``"smile"``, an instance) is used for both
        terms of ``ChainRuleCMIEstimator``'s chain rule. With a DataLoader of dict
        batches, the keys of z: ``ChainRuleCMIEstimator`` streams both terms through
        their ``partial_fit`` (SMILE by default), and the held-out batches get the
        checks that apply to a conditional estimate (not the MI cross-checks).
    discrete_target : {"auto", True, False}, default="auto"
        Whether y holds class labels. ``"auto"``: a 1-D y of strings, booleans or a
        pandas categorical, or of numbers with at most ``min(50, n_samples // 10)``
        distinct values (integer-coded classes, counts of a few values, grades of 0.5
        steps); a y of many distinct values (ages, prices in cents) is continuous.
        A y of indicator columns (0/1 or booleans, at most one 1 per row: one-hot
        labels, ``pandas.get_dummies``) is one column of labels, the name or number of
        each row's 1 (for a row of 0s "none" beside string names, else -1), unless
        ``discrete_target=False``: the map is one-to-one, so the MI is the same. Labels
        go to an estimator's ``discrete_target`` (one-hot encoded). With DataLoaders the
        rule reads every batch's y (see Notes).
    discrete_features : "auto", bool or array-like, default="auto"
        Which columns of x hold discrete values (counts, integer codes, booleans):
        ``"auto"`` takes those of numbers with at most ``min(50, n_samples // 10)``
        distinct values (as ``discrete_target`` does for y; not the columns of a
        floating-point tensor), or all (True), none (False), a boolean mask or column
        indices. An estimator with a ``discrete_features`` parameter (KSG) is given them
        (unless all of x's columns are discrete and fewer than a tenth of the rows share
        their pattern of values with another row: KSG would read each pattern as a class
        of one, so they are dequantized, as below); one that takes x only as an input (a
        critic, BA, DoE, CLUB, MMG and MINDE's conditional variant for a continuous y)
        sees them as they are; for one that models x's density, uniform noise on
        ``[0, spacing)`` is added to them, which leaves MI unchanged (each value is
        recovered by flooring to its column's grid), so that the density sees no ties.
        Columns of strings, a pandas categorical or objects (not numbers) hold classes,
        discrete whatever this says: each becomes the integer codes of its classes in
        sorted order (MI does not depend on how classes are numbered). Dates and
        durations, and strings of ISO 8601 dates, become seconds since the first
        (continuous). Not for DataLoaders.
    epochs : int, default=1
        DataLoader only: passes over the training batches.

    Returns
    -------
    MIResult
        ``value`` (nats), ``bits``, ``std_error``, the fitted ``estimator``, its
        training ``history``, ``n_train`` and ``n_test``.

    Notes
    -----
    **DataLoaders.** The estimator must have ``partial_fit`` (the trained estimators
    do; KSG does not). Each training batch is one ``partial_fit`` call, about
    ``len(batch) / batch_size`` optimisation steps, so a loader of few batches needs
    more ``epochs``; the first batch sets the standardization. With one loader, batch
    ``i`` of each pass (counting from 0) is held out when ``i % k == k - 1`` for
    ``k = round(1 / test_size)`` (``test_size=0.2`` holds out batches 4, 9, 14, ...);
    the held-out batches of the first pass are kept in memory and the estimate is
    computed on them all at once. Later passes skip the same positions, which keeps
    the test rows out of training only when the loader yields the same batches each
    pass, so ``epochs > 1`` with a shuffling loader (``shuffle=True``) raises a
    ``ValueError``: pass ``(train_loader, test_loader)`` instead, which trains on every
    batch of ``train_loader`` and estimates on all of ``test_loader`` (``test_size`` is
    then unused). Batches of fewer than 2 rows are skipped. When the first batch's y
    is one column of numbers, booleans or strings, one pass over the loaders
    reads every batch's y (and nothing is trained) to apply ``discrete_target``'s rule
    to them all and to collect the classes, which ``partial_fit`` then gets as
    ``classes``, so that a class missing from the first batch (a loader sorted by
    label) is still one; the labels' entropy counts every training batch. Ten
    Gaussian classes against 20 features through a shuffled loader (truth 1.14 nats,
    16,000 rows, one pass): 0.99 by BA, where SMILE on the integer codes gave 0.25.

    **The standard error** covers the sampling variability of the estimate on the
    rows it is computed on (the delta method over per-sample terms for trained
    estimators, a half-sample jackknife for kNN ones), not the variability of
    training and not a bound's bias: an interval of a biased estimator does not cover
    the truth. A standard error above 0.25 nats raises an
    :class:`~skmist.UnreliableEstimateWarning`.

    **The auto rule** is measured on the 40 "Beyond Normal" tasks and on cases
    outside them (the README's "The auto rule"; ``benchmarks/bench_auto.py``). Up to
    6 columns KSG on normal scores solves 23 of the suite's 24 tasks of that size in a
    second or two, standard error included, and trains nothing; its bias grows with
    dimension (MI 1 nat, n = 5000: -0.11 in 4 + 4, -0.49 in 10 + 10), so beyond that
    a diffusion estimator takes over: MMG, skmist's most accurate (37/40 on the suite,
    MAE 0.046), from 5,000 rows, and the joint variant of MINDE (37/40, 0.053) from
    2,500, where MMG already overestimates (0.14 nats on independent 10 + 1 columns).
    Both train a fixed budget whatever n (about 10-15 s on a CPU core); with fewer than
    2,500 rows MINDE too fits its training rows and overestimates with nothing to
    show it (1.35 nats for 1.0 in 5 + 5 at n = 1000), so there KSG returns a lower
    bound, flagged. Beyond 6 columns, where x or y has one column, a regression's
    cross-fitted lower bound replaces the estimate where clearly higher, as it is on
    nonlinear targets (y = sin 2x_1 + x_2^2 / 2 + 0.3 noise among 10 columns, 1000
    rows: 0.81 nats for 1.18, KSG 0.22; a step in x_1 plus x_2 / 2 among 10 columns,
    3000 rows: 1.05 for 1.25, MINDE 0.74). Above 100,000 rows KSG's cost (and its
    jackknife's, 20 reruns on halves) keeps growing while the diffusions' does not.

    **Caveats** (``MIResult.caveats``) come from the estimator's warnings, fewer than
    50 rows per column (for KSG, fewer than 2^(d + 5) rows in its d continuous
    columns), a trained estimator scoring its training rows far above the
    held-out ones, an MMG estimate far above the gap form of its integral on the
    held-out rows, a standard error above 0.25 nats, and an estimate more than
    max(0.1 nats, 10 %) plus two standard errors below one of two cheap estimates of
    the same data: the Gaussian-copula MI (the MI implied by the correlations of the
    columns' normal scores: a lower bound of the true MI when x or y has one column)
    and, up to 20 columns and for an estimator other than KSG, KSG on those normal
    scores (on at most 10,000 rows; biased towards 0 where the dependence is strong).
    With ``estimator="auto"``, where x or y has one column and the estimate is that
    far below the copula's MI, the result is the copula's, a lower bound
    (``GaussianEstimator(copula=True, debias=True)``), with a caveat saying so; a
    column with ties (class labels' codes included) first has them broken at random,
    which can only lower the MI and makes the bound hold.
    A DataLoader's estimate gets these checks on its held-out batches, but the
    training-rows one (SMILE on one pass of integer labels against 10 features: 0.04
    nats for 0.69, flagged by both cheap estimates).

    Examples
    --------
    Arrays (the closed-form MI of this pair is ``-log(1 - 0.8**2) / 2 = 0.51`` nats):

    >>> import numpy as np
    >>> from skmist import estimate_mi
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 1))
    >>> y = 0.8 * X[:, 0] + 0.6 * rng.normal(size=2000)
    >>> result = estimate_mi(X, y, random_state=0)
    >>> type(result.estimator).__name__, round(result.value, 1), result.std_error < 0.05
    ('KSGEstimator', 0.5, True)

    A DataFrame by column names, with a trained estimator scored on a held-out 20%:

    >>> import pandas as pd
    >>> from skmist import SMILEEstimator
    >>> df = pd.DataFrame({"a": X[:, 0], "b": rng.normal(size=2000), "c": y})
    >>> result = estimate_mi(df, x=["a", "b"], y="c", random_state=0, verbose=False,
    ...                      estimator=SMILEEstimator(max_iter=300))
    >>> result.n_train, result.n_test, abs(result.value - 0.51) < 0.15
    (1600, 400, True)

    The conditional MI given a column: here "a" and "c" share "b", and I(a; c | b) is
    0.35 nats:

    >>> b = rng.normal(size=2000)
    >>> df = pd.DataFrame({"a": b + rng.normal(size=2000), "b": b})
    >>> df["c"] = df["a"] + rng.normal(size=2000)
    >>> result = estimate_mi(df, x="a", y="c", conditioning="b", random_state=0)
    >>> type(result.estimator).__name__, round(result.value, 1)
    ('ConditionalKSGEstimator', 0.3)
    """
    if _is_loader(data) or _is_loader_pair(data):
        return _estimate_streaming(data, x, y, estimator, test_size, device, random_state,
                                   verbose, epochs, discrete_target, conditioning)
    _check_test_size(test_size)
    X, Y, Z = _inputs(data, x, y, conditioning)
    n_samples = _n_rows(X)
    if n_samples != _n_rows(Y):
        raise ValueError(f"x has {n_samples} rows but y has {_n_rows(Y)}; they must match")
    X, coded = _class_codes(X)
    Y = _one_hot_labels(_joint_classes(Y), discrete_target)
    for values, role in ((X, "x"), (Y, "y"), (Z, "conditioning")):
        _check_finite(values, role)
    # A constant column carries no information: the MI of the others is the same, and
    # the estimators refuse one (a y of two columns, one constant, raised).
    keep = _non_constant_columns(X)
    if keep:
        X, coded = _columns(X, keep), coded[keep]
    Y = _columns(Y, _non_constant_columns(Y) or list(range(_n_columns(Y))))
    n_columns = _n_columns(X) + _n_columns(Y)
    labels = _holds_labels(Y, discrete_target)
    if labels:
        _check_labels_repeat(Y)
    discrete_x = _discrete_columns(X, discrete_features, n_samples) | coded
    if Z is not None:
        if _n_rows(Z) != n_samples:
            raise ValueError(f"x has {n_samples} rows but conditioning has {_n_rows(Z)}; "
                             "they must match")
        Z = _without_constant_columns(_class_codes(Z, "conditioning")[0])
    auto = isinstance(estimator, str) and estimator.lower() == "auto"
    if Z is None:
        from .estimators import MMGEstimator

        est = _resolve_estimator(estimator, n_samples, n_columns, labels=labels,
                                 discrete_x=discrete_x.any())
        if auto and isinstance(est, MMGEstimator) and _n_columns(Y) == 1:
            est.set_params(form=AUTO_MMG_ONE_COLUMN_FORM)
    else:
        mask = np.r_[np.zeros(_n_columns(X), bool), np.ones(_n_columns(Z), bool)]
        X = _append_columns(X, Z)
        est = _conditional_estimator(estimator, mask, n_samples, n_columns + _n_columns(Z))
    est = _configure(est, device, random_state, verbose, labels=labels)
    if discrete_x.any():
        if est.get_params(deep=False).get("discrete_features", None) is False \
                and not _patterns_mostly_unique(X, discrete_x):
            est.set_params(discrete_features=np.r_[discrete_x, np.zeros(
                _n_columns(X) - len(discrete_x), bool)])
        elif not getattr(est, "_x_as_input", False):
            X = _dequantize(X, discrete_x, random_state)
    _check_held_out_rows(est, test_size, n_samples)
    auto_labels = auto and labels and Z is None
    caveats = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnreliableEstimateWarning)
        if not is_trained(est) or test_size == 0:
            est.fit(X, Y)
            value, error = _estimate_with_error(est, X, Y, random_state)
            n_train, n_test, held_out = n_samples, n_samples, False
            if auto_labels and test_size != 0:
                above = _classifier_bound_above(X, Y, value, test_size, random_state)
                if above is not None:
                    est, value, error, n_train, n_test = above
                    held_out = True
        else:
            train_rows, test_rows = _sorted_split(np.arange(n_samples), random_state,
                                                  test_size=test_size)
            X_train, Y_train = _take(X, train_rows), _take(Y, train_rows)
            if auto_labels and _auto_name(n_samples, n_columns, labels) == AUTO_LABELS:
                est = _better_classifier(X_train, Y_train, device, random_state, verbose)
            unchecked = CHECK_ESTIMATES.set(False)  # the held-out estimate is, below
            try:
                est.fit(X_train, Y_train)
            finally:
                CHECK_ESTIMATES.reset(unchecked)
            X_test, Y_test = _take(X, test_rows), _take(Y, test_rows)
            value, error = _estimate_with_error(est, X_test, Y_test, random_state)
            n_train, n_test, held_out = len(train_rows), len(test_rows), True
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnreliableEstimateWarning)  # on purpose
                caveats += _estimate_caveats(est, X_test, Y_test, value)
                caveats += _overfitting(est, *_at_most(X_train, Y_train, random_state),
                                        value)
                caveats += _forms_disagree(est, *_at_most(X_test, Y_test, random_state),
                                           value)
    caveats += _caveats_of(caught)
    # kNN estimates search the continuous columns: x's (and z's), and y unless labels.
    continuous = int((~discrete_x).sum()) + _n_columns(X) - len(discrete_x) \
        + (0 if labels else _n_columns(Y))
    caveats += _too_few_samples(est, n_train, n_columns, continuous)
    # The rows as numbers, with one of each duplicated record: both checks read them.
    distinct = _distinct_records(X, Y, labels)
    caveats += _copied_records(est, distinct, held_out)
    caveats += _below_zero(est, value, error)
    caveats += _autocorrelated_rows(distinct, labels)
    if Z is None:
        if auto and n_columns > AUTO_MAX_DIMENSION \
                and _auto_name(n_samples, n_columns, labels) == "ksg":
            caveats.append(
                f"KSGEstimator: {n_samples} rows are too few to train an estimator on "
                f"{n_columns} columns (estimate_mi trains a diffusion estimator from "
                f"{AUTO_MIN_TRAINED_SAMPLES:,}), and KSG's estimate is biased towards 0 in "
                "this many dimensions when the dependence is strong: read it as a lower "
                "bound."
            )
        below, floor = _below_cheap_estimates(est, distinct, value, error, random_state,
                                              labels, floor=auto)
        caveats = below + caveats  # a floor's caveat says first what the value is
        if floor is not None:
            est, value, error = floor
            n_train = n_test = len(distinct[0])
            held_out = False
        if auto and not labels and test_size != 0 and n_columns > AUTO_MAX_DIMENSION:
            regression = _regression_floor(est, distinct, value, error, random_state,
                                           of_bound=floor is not None)
            if regression is not None:
                if floor is not None:
                    caveats.pop(0)  # the copula's, which this bound exceeds
                est, value, error, n_train, caveat = regression
                n_test = n_train
                held_out = True  # each row from a fit on the other folds
                caveats.insert(0, caveat)
    return _result(est, value, error, n_train, n_test, held_out, caveats)


# Below this many rows per column of x, y (and z) together, an estimate is flagged: kNN
# biases grow and a trained model fits the noise (MINDE on 442 rows of 10 + 1 columns
# gave 14.8 nats for a truth of 0.22).
MIN_SAMPLES_PER_COLUMN = 50
# A kNN estimate in d continuous columns needs KNN_ROWS_BASE * 2 ** d = 2^(d + 5) rows:
# on 504 held-out Gaussian pairs (3 to 6 columns, MI 0 to 4 nats, n = 200 to 2500),
# 78.5 % of the estimates below that were within max(0.1 nats, 10 %) of the truth (in 5
# and 6 columns at n = 500: 40 to 84 %, the misses mostly below it), 98.7 % at or
# above it; 50 * 2 ** (d - 1) left 2.3 % wrong above it.
KNN_ROWS_BASE = 32
# A trained estimator whose estimate on its training rows exceeds the held-out one by
# more than this (nats, or this fraction of the held-out value if larger) has fitted
# its training rows rather than the dependence: MINE on scikit-learn's diabetes data,
# 0.39 on its training rows against 0.19 held out.
OVERFITTING_GAP = 0.1
# An estimate this far (nats, or this fraction of the other value if larger, plus two
# standard errors) below the Gaussian-copula MI or KSG's is flagged; KSG is computed on
# at most CROSS_CHECK_ROWS rows and CROSS_CHECK_MAX_COLUMNS columns of x and y.
CROSS_CHECK_MARGIN = 0.1
CROSS_CHECK_ROWS = 10_000
CROSS_CHECK_MAX_COLUMNS = 20
# The classifier route's check for labels, a logistic regression, costs about a second
# on 10,000 rows of this many columns.
CROSS_CHECK_MAX_LOGISTIC_COLUMNS = 200
# The pairs of an x and a y column with the largest correlations of normal scores whose
# dependence beyond the Gaussian copula's KSG measures (_beyond_copula_in_pairs), and
# how far a column may correlate with one already matched on its side (a near-copy
# would count the same dependence twice).
CROSS_CHECK_PAIRS = 5
REDUNDANT_COLUMNS = 0.3
# Below this many rows a pair's KSG is too noisy to speak against an estimate.
CROSS_CHECK_PAIR_ROWS = 200


def _caveats_of(caught):
    """The messages of the UnreliableEstimateWarnings among ``caught`` (recorded
    warnings); the other warnings pass through as they came."""
    caveats = []
    for w in caught:
        if issubclass(w.category, UnreliableEstimateWarning):
            caveats.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return caveats


def _estimate_caveats(est, X_test, Y_test, value):
    """A trained estimator's own checks of its estimate (``_estimate_caveats``), on
    the held-out rows that gave ``value``."""
    if not isinstance(est, NeuralMIEstimator):
        return []
    return est._estimate_caveats(*est._fitted_inputs(X_test, Y_test), value)


def _overfitting(est, X_train, Y_train, value):
    """A caveat when a trained estimator's training-row estimate is far above ``value``,
    its held-out one (one more evaluation pass, over the training rows)."""
    if not isinstance(est, NeuralMIEstimator) or getattr(est, "_mi_bound", "") == "upper":
        return []
    on_training_rows = float(est.score(X_train, Y_train))
    gap = on_training_rows - value
    if not gap > max(OVERFITTING_GAP, OVERFITTING_GAP * abs(value)):
        return []
    return [
        f"{type(est).__name__} scores {on_training_rows:.4g} nats on its training rows "
        f"and {value:.4g} on the held-out ones: it has fitted its training rows, not just "
        "the dependence, so the held-out value may be off too. More samples, a smaller "
        "model or fewer steps help; for few samples, try estimator='ksg'."
    ]


# MMG's two forms of the I-MMSE integral differ by -2 E<e, d> (e the conditional
# denoiser's residual, d its prediction less the unconditional one), 0 for the MMSE
# predictor: they agree where the conditional denoiser predicts new rows as it should.
# Where it has fitted its training rows instead, the orthogonal form (the estimate) is
# biased up and the gap form down, and the held-out training gap does not show it (the
# orthogonal form is higher on new rows). Measured (orthogonal, gap, truth): on the 16
# suite tasks beyond 6 columns and 8 cases outside it at most 0.40 nats and 25 % apart
# (dense 50 + 50: 1.64, 1.24, 1.62); Gaussians at 5000-6000 rows: 30 + 30, 2.30, 1.48,
# 2.0; 60 + 60, 1.42, -0.42, 1.0; independent 60 + 60, 0.95, -1.98, 0; 100 + 1, 8.6,
# -8.9, 0.
FORMS_DISAGREE = 0.5
FORMS_DISAGREE_SHARE = 0.3


def _forms_disagree(est, X_test, Y_test, value):
    """A caveat when an MMG estimate is far above its gap form on the same held-out
    rows (one more evaluation pass)."""
    from .estimators import MMGEstimator

    if not isinstance(est, MMGEstimator) or est.form == "gap":
        return []
    form = est.form
    other = "gap" if form == "orthogonal" else "orthogonal"
    try:  # score draws the same (log-SNR, noise) whatever the form
        second = float(est.set_params(form=other).score(X_test, Y_test))
    finally:
        est.set_params(form=form)
    orthogonal, gap = (value, second) if form == "orthogonal" else \
        (second, 2 * value - second)
    if not orthogonal - gap > max(FORMS_DISAGREE, FORMS_DISAGREE_SHARE * abs(orthogonal)):
        return []
    which = "the estimate" if form == "orthogonal" else f"the estimate {value:.4g} is their mean"
    return [
        f"MMGEstimator's two forms of its integral disagree on the held-out rows: "
        f"{orthogonal:.4g} nats from the squared difference of the two denoisers' "
        f"predictions and {gap:.4g} from the difference of their errors ({which}). They agree "
        "when the conditional denoiser predicts new rows as well as its training rows; "
        "here it does not (too few rows for the columns), which biases the first up and "
        "the second down: read the truth as between them. More rows help."
    ]


# Rows in which x and y each follow their previous row (lag-1 autocorrelations r_x and
# r_y of their most autocorrelated columns, rank-based) are fewer independent samples
# than rows: two AR(1) series' sample cross-correlation varies as from
# n (1 - r_x r_y) / (1 + r_x r_y) rows (Bartlett, 1935). Above this product (9 times fewer)
# a caveat: two independent random walks got 0.58-1.13 nats (+- 0.015-0.037) at
# 500-10,000 rows, AR(1) pairs at 0.99 0.27 at 2,000, silently; at 0.9 (product 0.81)
# 0.02 with a standard error 3 times too small.
AUTOCORRELATED = 0.8


def _autocorrelated_rows(distinct, labels):
    """A caveat when x and y are both autocorrelated in row order, as time series are,
    so that the rows are not independent samples; not for labels, nor for rows sorted
    by a column (a monotone column: its order is the sort's, not time's)."""
    from .functional import rank_normal_scores

    if distinct is None or labels or distinct[0].shape[0] < 3:
        return []
    x, y, _ = distinct
    # Consecutive rows are what autocorrelation reads: the first RESCORED_ROWS do.
    x, y = x[:RESCORED_ROWS], y[:RESCORED_ROWS]
    lag_one = [_lag_one_autocorrelation(rank_normal_scores(t)) for t in (x, y)]
    if any(r is None for r in lag_one):
        return []
    r_x, r_y = lag_one
    product = r_x * r_y
    if not product > AUTOCORRELATED:
        return []
    n = distinct[0].shape[0]
    effective = n * (1 - product) / (1 + product)
    return [
        f"The rows are not independent samples: in the order given, x and y each follow "
        f"their previous row (lag-1 autocorrelations {r_x:.3f} and {r_y:.3f}), as time "
        f"series do, so the {n} rows count as about {max(effective, 1):.0f} independent "
        f"ones and the standard error is about {math.sqrt(n / max(effective, 1)):.0f} "
        "times too small. Dependence between such series is spurious in part: two "
        "independent random walks get 0.6 to 1.1 nats. Estimate on their increments "
        "(np.diff), or see skmist.timeseries for dependence across time."
    ]


def _lag_one_autocorrelation(t):
    """The largest absolute lag-1 autocorrelation of the columns of ``t`` (2-D) in row
    order, or None where a column is monotone (sorted rows)."""
    steps = t[1:] - t[:-1]
    if ((steps >= 0).all(0) | (steps <= 0).all(0)).any():
        return None
    a, b = t[:-1] - t[:-1].mean(0), t[1:] - t[1:].mean(0)
    r = (a * b).sum(0) / ((a * a).sum(0) * (b * b).sum(0)).sqrt()
    return float(r.nan_to_num(0.0).abs().max())


def _below_cheap_estimates(est, distinct, value, error, random_state, labels=False,
                           floor=False):
    """``(caveats, floor)``: a caveat when ``value`` is well below what one of two cheap
    estimators finds on ``distinct``, the data's ``_distinct_records``, and with
    ``floor`` (``estimator="auto"``; an estimator the user named keeps its value) the
    result to return instead where a Gaussian copula's lower bound is clearly above it
    (``_copula_floor``; for class labels too, on their codes), else None.

    * The Gaussian copula: the Gaussian MI of the normal scores of each column's ranks,
      less its plug-in bias. When x or y has one column it is a lower bound of the true
      MI (the normal scores fix that side's entropy, and a linear predictor's residual
      bounds the conditional entropy); otherwise it rarely exceeds it by much.
    * KSG on the same normal scores (at most ``CROSS_CHECK_ROWS`` rows, and only up to
      ``CROSS_CHECK_MAX_COLUMNS`` columns, where it costs a second or two), for an
      estimator that is not KSG: its bias is towards 0 where the dependence is strong,
      so an estimate well below it has missed dependence. Two Gaussians mixed so that
      their correlations cancel (5 + 5 columns, MI 1.09): MINDE gave 0.36 and KSG 0.77.

    For class labels (``labels``) only the second, as Ross's estimator (KSG for a
    discrete y) on x's normal scores: 10 Gaussian classes against 20 features (truth
    1.32 nats, n = 2000) give 0.99, and BA streamed three passes of a loader sorted by
    label 0.41 for 1.09, flagged.
    """
    from .estimators import GaussianEstimator, KSGEstimator
    from .functional import rank_normal_scores

    if distinct is None:
        return [], None
    # Copies of a record are neighbours that KSG reads as dependence (every row twice
    # took 10 + 10 Gaussian columns with MI 0.5 to 1.03), and add nothing to a copula.
    x, y, _ = distinct
    if labels:
        y = y[:, 0].long().numpy()
    # A constant column carries no information (and the checks refuse one).
    x_columns = np.flatnonzero((x != x[:1]).any(0).numpy())
    x = x[:, x_columns]
    if not labels:
        y_columns = np.flatnonzero((y != y[:1]).any(0).numpy())
        y = y[:, y_columns]
    n, n_columns = x.shape[0], x.shape[1] + (1 if labels else y.shape[1])
    if not x.shape[1] or (labels and len(np.unique(y)) < 2) or n <= n_columns + 2 \
            or not torch.isfinite(x).all() \
            or not (labels or (y.shape[1] and torch.isfinite(y).all())):
        return [], None
    x = rank_normal_scores(x)
    # The rows the KSG checks read: KSG costs O(n log n) per column, the copula O(n).
    rows = np.sort(np.random.default_rng(random_state).permutation(n)[:CROSS_CHECK_ROWS])
    found = []
    copula = gaussian = None
    if labels and x.shape[1] <= CROSS_CHECK_MAX_LOGISTIC_COLUMNS:
        found.append((_logistic_bound(x.numpy(), y, random_state),
                      "a logistic regression's held-out cross-entropy below the labels' "
                      "entropy (a lower bound; 2-fold, on the columns' normal scores)"))
    if not labels:
        y = rank_normal_scores(y)
        gaussian = GaussianEstimator(copula=True, debias=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnreliableEstimateWarning)
                copula = gaussian.fit(x, y).mi_
            found.append((copula, f"{COPULA} (the MI that "
                                  "the correlations of the columns' normal scores alone "
                                  "imply; a lower bound when x or y has one column)"))
        except ValueError:  # collinear columns: the estimator's own checks speak to them
            pass
    if not isinstance(est, KSGEstimator) and n_columns <= CROSS_CHECK_MAX_COLUMNS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ksg = KSGEstimator(discrete_target=labels, random_state=random_state).fit(
                x[torch.as_tensor(rows)], y[rows] if labels else y[torch.as_tensor(rows)]).mi_
        found.append((ksg, "KSG on the columns' normal scores (biased towards 0 where the "
                           "dependence is strong)" if not labels else
                           "Ross's estimator (KSG for class labels) on x's normal scores "
                           "(biased towards 0 in many dimensions)"))
    if floor and (labels or copula is not None
                  and value < copula - _cross_check_margin(copula, error)):
        # Labels' codes, in whatever order, are one column of ties, which _copula_floor
        # breaks: a bound on any one-to-one recoding of y is a bound on I(x; y).
        floor = _copula_floor(est, x, torch.as_tensor(y, dtype=x.dtype)[:, None]
                              if labels else y, value, error, random_state)
    else:
        floor = None
    caveats = [floor[3]] if floor is not None else []
    for other, what in found:
        if other is None or (floor is not None and what.startswith(COPULA)):
            continue
        if value < other - _cross_check_margin(other, error):
            caveats.append(
                f"{type(est).__name__}'s estimate {value:.4g} nats is below the "
                f"{other:.4g} nats of {what}: the estimator has missed dependence. More "
                "samples or training, or another estimator, may help."
            )
    if floor is not None:
        return caveats, floor[:3]
    # Below neither, the estimate may still lack dependence that pairs of columns show
    # alone; in 1 + 1 the one pair is the estimate's own data.
    if not caveats and copula is not None and x.shape[1] + y.shape[1] > 2:
        caveats += _beyond_copula_in_pairs(est, x, y, value, copula, error, rows,
                                           random_state, (x_columns, y_columns))
    return caveats, None


COPULA = "a Gaussian copula fitted to the same data"


def _cross_check_margin(other, error):
    """How far below ``other``, a cheap estimate, an estimate of standard error
    ``error`` must be to be flagged."""
    return max(CROSS_CHECK_MARGIN, CROSS_CHECK_MARGIN * other) + 2 * (error or 0.0)


def _copula_floor(est, x, y, value, error, random_state):
    """``(estimator, value, error, caveat)`` for ``estimate_mi`` to return in place of
    ``est``'s ``value`` (standard error ``error``) where that is below the MI of a
    Gaussian copula fitted to ``x`` and ``y`` (normal scores, or y's label codes) by the
    cross-check margin and x or y has one column: the copula's MI is then a lower bound
    of the MI (GaussianEstimator's ``copula``). None otherwise.

    Where many columns meet few rows, kNN distances stop resolving the dependence and
    KSG falls towards 0 while the copula stays near the truth: y = x_1 + noise among
    200 columns at n = 2000 (truth 0.347) gave KSG 0.012 and 0.033 on two draws and the
    copula 0.360 and 0.336; 10 + 1 Gaussian columns at n = 442 (truth 0.22), KSG 0.13
    and the copula 0.21.

    Tied values share a normal score, whose entropy is then below a Gaussian's, and the
    bound fails (a binary y that x predicts has MI log 2 and an unbounded copula MI).
    Where that column has ties they are broken at random first: y + U for noise U
    independent of everything has no ties and I(x; y + U) <= I(x; y), so the bound
    holds, and the value is returned only if it still clears ``value`` by the cross-check
    margin.
    """
    from .estimators import GaussianEstimator

    sides = {"y": y, "x": x}
    one_column = [side for side, t in sides.items() if t.shape[1] == 1]
    untied = [side for side in one_column if len(torch.unique(sides[side])) == len(x)]
    if not one_column:
        return None
    side = (untied or one_column)[0]
    if not untied:  # the copula ranks the dequantized column itself
        sides[side] = _dequantize(sides[side], [True], random_state)
    gaussian = GaussianEstimator(copula=True, debias=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnreliableEstimateWarning)
            gaussian.fit(sides["x"], sides["y"])
    except ValueError:  # collinear columns: the estimator's own checks speak to them
        return None
    if value >= gaussian.mi_ - _cross_check_margin(gaussian.mi_, error):
        return None
    bound, bound_error = _estimate_with_error(gaussian, sides["x"], sides["y"], random_state)
    what, broken = ("one column without ties", "") if untied else (
        "one column, its ties broken at random (which can only lower the MI)",
        f" with the ties of {side} broken")
    return gaussian, bound, bound_error, (
        f"{type(est).__name__}'s estimate {value:.4g} nats is below the {bound:.4g} nats "
        f"of {COPULA}, which is a lower bound of the MI when {side} has {what}, so "
        f"estimate_mi returns the copula's: {gaussian!r} on the {len(x)} distinct rows"
        f"{broken}. The MI may be higher still."
    )


def _regression_floor(est, distinct, value, error, random_state, of_bound=False):
    """``(estimator, value, error, n_rows, caveat)`` for ``estimate_mi`` to return in
    place of ``est``'s ``value`` (standard error ``error``) where a regression bound of
    :class:`~skmist.RegressorEstimator`, cross-fitted on ``distinct``
    (``_distinct_records``), is above ``value`` by the cross-check margin (by 2 of its
    standard errors where ``of_bound``: ``value`` is a lower bound too, the copula's);
    None otherwise, or where neither x nor y has one column.

    The regressor predicts the normal scores of the one-column side (its ties broken at
    random, as in ``_copula_floor``) from the other. Each row is scored by a fit on the
    other REGRESSION_FOLDS - 1 folds: every fold's mean squared error m_k bounds the MI
    by -log(m_k) / 2, and so does their mean (the log is concave), on all the rows, with
    a standard error about half a single 80/20 split's. The bound sees nonlinear
    dependence that a copula cannot where KSG, in many columns from few rows, is biased
    towards 0. Of more than REGRESSION_ROWS rows, that many drawn at random are read.
    The estimator returned is refitted on the rows read.
    """
    from .estimators import RegressorEstimator
    from .estimators._quantized import bound_terms
    from .functional._bounds import standard_error
    from sklearn.model_selection import KFold

    if distinct is None:
        return None
    x, y, _ = distinct
    if y.shape[1] != 1:
        if x.shape[1] != 1:
            return None
        x, y = y, x  # MI is symmetric: predict the one column
    if len(x) > REGRESSION_ROWS:
        rows = torch.as_tensor(np.sort(np.random.default_rng(random_state).choice(
            len(x), REGRESSION_ROWS, replace=False)))
        x, y = x[rows], y[rows]
    if len(torch.unique(y)) < len(y):
        y = _dequantize(y, [True], random_state)
    try:
        splits = list(KFold(REGRESSION_FOLDS, shuffle=True, random_state=random_state)
                      .split(np.arange(len(x))))
    except ValueError:
        return None  # fewer rows than folds
    # The pooled squared errors, whose mean's bound is the same in any order of rows;
    # None where y is constant on a fold's rows.
    squared = _held_out_terms(partial(RegressorEstimator, random_state=random_state), x, y,
                              splits, terms_of=RegressorEstimator._squared_errors)
    if squared is None:
        return None
    terms = bound_terms(torch.as_tensor(squared, dtype=torch.float64))
    bound, bound_error = float(terms.mean()), float(standard_error(terms))
    margin = 2 * bound_error if of_bound else _cross_check_margin(bound, bound_error)
    if not value < bound - margin:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableEstimateWarning)
        regressor = RegressorEstimator(random_state=random_state).fit(x, y)
    return regressor, bound, bound_error, len(x), (
        f"{type(est).__name__}'s estimate {value:.4g} nats is below the {bound:.4g} nats "
        f"that {regressor!r} bounds the MI by (gradient-boosted trees predicting the normal "
        f"scores of the one column from the others, each of the {len(x)} rows scored by "
        f"a fit on the other {REGRESSION_FOLDS - 1} of {REGRESSION_FOLDS} folds), so "
        "estimate_mi returns that lower bound. The MI may be higher still."
    )


# The folds of _regression_floor's cross-fitted bound, and the most rows it reads: on
# 10,000 rows of 21 columns it added 5 s to MMG's 7.5 (1.3 s to 7.9 at 5,000 rows).
REGRESSION_FOLDS = 5
REGRESSION_ROWS = 3000


def _beyond_copula_in_pairs(est, x, y, value, copula, error, rows, random_state, columns):
    """A caveat when pairs of an x and a y column, taken alone, carry more dependence
    beyond their Gaussian copulas than ``value`` does beyond ``copula`` (x and y:
    normal scores).

    Where a heavy-tailed signal is under light noise, the normal scores squeeze its tails,
    where y is nearly x, into ridges that a diffusion does not resolve, and MMG returns
    the copula's MI: a Cauchy signal under Gaussian noise in 4 + 4 columns got 3.50 for
    5.09 with the copula at 3.53, while KSG on one pair gave 1.27 against its copula's 0.88
    (0.39 beyond; KSG is nearly unbiased in 1 + 1). Several such pairs add up where one
    alone is within the noise: a Student-t (2 df) signal in 5 + 5 got 3.12 for 3.74, the
    copula 3.16, and each pair 0.12-0.13 beyond its own (0.61 in all, the 0.62 missed).

    The pairs are matched greedily by the correlations of their normal scores, up to
    ``CROSS_CHECK_PAIRS``, each column in one pair, and a pair skipped where one of its
    columns correlates beyond ``REDUNDANT_COLUMNS`` with a column already matched on its
    side: for pairs independent of each other the MI and the copula's both add up, and
    a column that repeats another would count the same dependence twice. Their positive
    excesses are summed. On the suite's 16 tasks that MMG gets, the sum never beat MMG's
    own excess by more than 0.03 nats.

    KSG in 3 to 6 columns is checked too: its bias towards 0 there is larger than in
    1 + 1. A Cauchy signal in Cauchy noise in 2 + 2 (MI 1.39) got 1.20 to 1.23, each
    pair 0.39 beyond its copula, flagged on two draws of five; a Cauchy signal under
    Gaussian noise in 3 + 3 (n = 5000, MI 3.82) 2.86 to 2.96, flagged on all three (as
    it was by the check that the estimate grows with n). On the suite's 24 tasks that
    KSG gets (seeds 0 to 2) nothing was flagged. Only columns without ties (KSG reads ties as
    dependence) are measured, KSG on ``rows``; ``columns`` are the user's numbers of x's
    and y's columns.
    """
    from .estimators import KSGEstimator

    n = x.shape[0]
    if n < CROSS_CHECK_PAIR_ROWS:
        return []
    xs, ys = ([j for j in range(t.shape[1]) if len(torch.unique(t[:, j])) == n]
              for t in (x, y))
    if not xs or not ys:
        return []
    a, b = x[:, xs].numpy(), y[:, ys].numpy()
    r = np.abs(np.corrcoef(a, b, rowvar=False))
    within_x, within_y, r = r[:len(xs), :len(xs)], r[len(xs):, len(xs):], r[:len(xs), len(xs):]
    pairs = []
    for flat in np.argsort(-r, axis=None):
        i, j = np.unravel_index(flat, r.shape)
        if any(within_x[i, k] > REDUNDANT_COLUMNS or within_y[j, m] > REDUNDANT_COLUMNS
               for k, m, *_ in pairs):
            continue
        rho = min(float(r[i, j]), 1 - 1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ksg = KSGEstimator(random_state=random_state).fit(
                a[rows, i:i + 1], b[rows, j:j + 1]).mi_
        pairs.append((i, j, ksg + 0.5 * math.log1p(-rho * rho)))  # less the pair's copula
        if len(pairs) == CROSS_CHECK_PAIRS:
            break
    excess = sum(max(e, 0.0) for *_, e in pairs)
    margin = CROSS_CHECK_MARGIN + 2 * (error or 0.0)
    if excess <= margin or value - copula >= excess - margin:
        return []
    carrying = [(columns[0][xs[i]], columns[1][ys[j]], e) for i, j, e in pairs if e > 0]
    which = ", ".join(f"x {i} with y {j} {e:.3g}" for i, j, e in carrying)
    pairs_carry = ("a pair of columns alone carries" if len(carrying) == 1 else
                   f"{len(carrying)} pairs of columns alone carry")
    return [
        f"{type(est).__name__}'s estimate {value:.4g} nats is {value - copula:.3g} nats "
        f"above the Gaussian copula's {copula:.4g}, but {pairs_carry} {excess:.3g} nats "
        f"beyond their own copulas (KSG on each pair's normal scores less the pair's "
        f"copula: {which}): the estimator has missed dependence that correlations do not "
        "describe, as in the tails of a heavy-tailed signal under light noise. Read it as "
        "too low (three times the steps did not help there)."
    ]


def _numeric_rows(X, Y, labels):
    """``(x, y)``: X and Y as 2-D float64 CPU tensors (labels as their codes), or None
    where a column is not numeric (the estimator refuses it) or y is not one column of
    labels."""
    try:
        x = X.detach().cpu().double() if isinstance(X, torch.Tensor) else \
            torch.as_tensor(np.array(X, dtype=np.float64))
        if labels:
            values = _label_values(Y)
            if values is None:
                return None
            y = torch.as_tensor(np.unique(values, return_inverse=True)[1].reshape(-1),
                                dtype=torch.float64)
        else:
            y = Y.detach().cpu().double() if isinstance(Y, torch.Tensor) else \
                torch.as_tensor(np.array(Y, dtype=np.float64))
    except (TypeError, ValueError):
        return None
    return x.reshape(len(x), -1), y.reshape(len(y), -1)


def _distinct_records(X, Y, labels):
    """``(x, y, share)``: ``_numeric_rows`` with one row of each duplicated record (of
    the rows that ``copied_records`` marks, the first of each; the repeated values of
    discrete data, which occur with other partners too, are all kept), and the share
    of the rows that were copies; None where ``_numeric_rows`` is."""
    from .estimators._nonparametric import _joint_rows, _row_groups, copied_records

    rows = _numeric_rows(X, Y, labels)
    if rows is None:
        return None
    x, y = rows
    records = copied_records(x, y)
    if not records.any():
        return x, y, 0.0
    # A record's copies are records too, so its group is found among the records alone.
    marked = records.nonzero()[:, 0]
    inverse, counts = _row_groups(_joint_rows(x[marked], y[marked]))
    first = torch.full((len(counts),), len(marked), dtype=torch.long).scatter_reduce(
        0, inverse, torch.arange(len(marked)), "amin")
    keep = ~records
    keep[marked[first]] = True
    return x[keep], y[keep], float(records.sum()) / len(x)


def _copied_records(est, distinct, held_out):
    """A caveat when more than ``COPIED_SHARE`` of the rows are copies of another row
    whose x and y occur nowhere else, as duplicated records are, for an estimator that
    does not warn of them itself (KSG does): a held-out row's copy is a training row,
    so the held-out estimate is not held out. 10 + 10 Gaussian columns with MI 0.5 and
    n = 6000: MMG gave 0.51 on distinct rows and 0.72 on 2000 rows three times."""
    from .estimators._nonparametric import COPIED_SHARE, _KSGFamily

    if distinct is None or isinstance(est, _KSGFamily):
        return []
    share = distinct[2]
    if share <= COPIED_SHARE:
        return []
    where = ("held-out rows have copies among the training rows, so the estimate is not "
             "held out and a model that fits its training rows goes unnoticed"
             if held_out else "the estimator counts each record more than once")
    return [
        f"{type(est).__name__}: {share:.0%} of the samples are copies of another one, "
        f"with the same x and y, which no other sample has, as duplicated records are: "
        f"{where}. Drop duplicated records (pandas.DataFrame.drop_duplicates) where they "
        "are artefacts."
    ]


def _logistic_bound(x, labels, random_state):
    """H(y) - E[-log q(y | x)] for a multinomial logistic regression q fitted on one
    half of at most ``CROSS_CHECK_ROWS`` rows and evaluated on the other, both ways:
    the classifier route's lower bound with the simplest classifier (H(y) the plug-in
    entropy of the labels' frequencies). None where a half holds a single class (a
    class of one row, as a rare event may be)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_predict

    rng = np.random.default_rng(random_state)
    rows = rng.permutation(len(x))[:CROSS_CHECK_ROWS]
    x, labels = x[rows], labels[rows]
    classes, codes = np.unique(labels, return_inverse=True)
    folds = KFold(2, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
    if any(len(np.unique(codes[train])) < 2 for train, _ in folds.split(x)):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class missing from one half, convergence
        proba = cross_val_predict(LogisticRegression(max_iter=300), x, codes, cv=folds,
                                  method="predict_proba")
    frequencies = np.bincount(codes) / len(codes)
    entropy = -np.sum(frequencies * np.log(frequencies))
    cross_entropy = -np.mean(np.log(np.clip(proba[np.arange(len(codes)), codes], 1e-12,
                                            None)))
    return float(entropy - cross_entropy)


# An estimate below 0 by more than both of these (MI is never negative) says that the
# estimator's assumptions fail on the data: x of three values repeating along a y of
# 0..119 (a periodic dependence finer than any neighbourhood) gave KSG -0.28 +- 0.044;
# independent Gaussian pairs give -0.01 +- 0.01 at n = 10,000.
BELOW_ZERO_NATS = 0.05
BELOW_ZERO_STANDARD_ERRORS = 3


def _below_zero(est, value, error):
    if value >= -max(BELOW_ZERO_NATS, BELOW_ZERO_STANDARD_ERRORS * (error or 0.0)):
        return []
    return [
        f"{type(est).__name__}'s estimate {value:.4g} nats is below 0"
        + (f" by {-value / error:.1f} standard errors" if error else "")
        + ", and MI never is: the estimator's assumptions fail on this data (ties, a "
        "dependence finer than the samples resolve, or too few samples)."
    ]


def _too_few_samples(est, n_samples, n_columns, knn_columns=None):
    """The caveat of too few samples for ``n_columns`` (x and y), or for a kNN
    estimator (KSG) ``knn_columns``, the continuous columns of its joint space (x, y
    and any z; not labels)."""
    from .estimators._nonparametric import _KSGFamily

    if isinstance(est, _KSGFamily) and knn_columns:
        needed = KNN_ROWS_BASE * 2 ** knn_columns
        if n_samples >= needed:
            return []
        return [
            f"{type(est).__name__} had {n_samples} samples for {knn_columns} columns, "
            # Beyond 2^35 the digits say nothing more than the power does.
            f"fewer than the 2^(d + 5) = "
            f"{f'{needed:,}' if knn_columns <= 30 else f'2^{knn_columns + 5}'} that kNN "
            f"estimates need in d = "
            f"{knn_columns} dimensions: below that they are biased, mostly towards 0 "
            "where the dependence is strong (on held-out Gaussian pairs in 3 to 6 "
            "columns, n = 200-2500, 79 % were within max(0.1 nats, 10 %) of the truth "
            "below it, 99 % at or above it). Read it as a lower bound, or use more "
            "samples."
        ]
    if n_samples >= MIN_SAMPLES_PER_COLUMN * n_columns:
        return []
    return [
        f"{type(est).__name__} had {n_samples} samples for {n_columns} columns (fewer "
        f"than {MIN_SAMPLES_PER_COLUMN} per column): estimates of MI in this many "
        "dimensions from so few samples are biased, kNN ones downwards and trained ones "
        "either way."
    ]


# --- estimators ------------------------------------------------------------------------


def named_estimators(conditional=False):
    """``{name: class}`` of the estimators ``estimate_mi`` takes by name, sorted: those
    of I(x; y) (:func:`~skmist.estimators.all_estimators`' ``requires_y``), and with
    ``conditional`` those of I(x; y | z) too, which need ``conditioning``."""
    return {entry.name: entry.cls for entry in all_estimators(requires_y=True)
            if conditional or not entry.conditional}


def _check_discrete_target(discrete_target):
    if discrete_target not in ("auto", True, False):
        raise ValueError(
            f"discrete_target must be 'auto', True or False; got {discrete_target!r}"
        )


def _holds_labels(y, discrete_target):
    """Whether ``y`` holds class labels, by ``estimate_mi``'s ``discrete_target`` rule."""
    _check_discrete_target(discrete_target)
    if discrete_target != "auto":
        return discrete_target
    if _n_columns(y) != 1 or isinstance(y, torch.Tensor) and y.dtype.is_floating_point:
        return False
    values = y.iloc[:, 0] if isinstance(y, pd.DataFrame) else y
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return True
    # A tensor may live on a GPU, which np.asarray cannot read.
    values = (values.detach().cpu().numpy() if isinstance(values, torch.Tensor)
              else np.asarray(values)).reshape(-1)
    if values.dtype.kind in "OUSb":
        return True
    return _few_values(values, len(values))


def _discrete_columns(X, discrete_features, n_samples):
    """Boolean mask of the columns of ``X`` that ``discrete_features`` names."""
    from .base import _column_mask

    n_columns = _n_columns(X)
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(f"discrete_features must be 'auto', a bool, a boolean mask "
                             f"or column indices; got {discrete_features!r}")
        return np.array([_few_values(column, n_samples)
                         for column in _column_values(X)], dtype=bool)
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(n_columns, bool(discrete_features))
    names = ([str(c) for c in X.columns] if isinstance(X, pd.DataFrame)
             and all(isinstance(c, str) for c in X.columns) else None)
    return _column_mask(discrete_features, n_columns, "discrete_features",
                        kinds="'auto', a bool, a boolean mask, column indices or names",
                        feature_names=names)


# A column of classes needs some rows in each to estimate anything: Ross's and Gao's
# estimators count neighbours within a class (200 classes of 10 rows against a Gaussian
# y: 0.80 nats for 0.75), while names or identifiers have about one row each.
CLASS_MIN_ROWS = 5


def _class_codes(X, role="x"):
    """``(X, mask)``: X with its columns of classes (strings, a pandas categorical,
    objects that are not numbers) replaced by integer codes, and the mask of those
    columns. Numbers held as strings or objects become numbers; dates and durations,
    and strings of ISO 8601 dates (a CSV's), seconds since the first. A missing class
    is refused, as a missing number is, and so is a column with fewer than
    ``CLASS_MIN_ROWS`` rows per class. ``role`` names X in those errors."""
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, np.ndarray) and X.dtype.kind in "OUSmM":
        frame, mask = _class_codes(pd.DataFrame(X.reshape(len(X), -1)), role)
        return frame.to_numpy(), mask
    if not isinstance(X, pd.DataFrame):
        return X, np.zeros(_n_columns(X), bool)
    mask = np.zeros(X.shape[1], bool)
    columns = {}
    for j, (name, column) in enumerate(X.items()):
        if column.dtype.kind in "mM":
            columns[name] = _seconds(column)
            continue
        if column.dtype.kind in "biuf":  # numbers
            continue
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            try:
                columns[name] = pd.to_numeric(column)
                continue
            except (TypeError, ValueError):
                pass
            try:
                columns[name] = _seconds(pd.to_datetime(column, format="ISO8601"))
                continue
            except (TypeError, ValueError):
                pass
        if column.isna().any():
            raise ValueError(
                f"{role} column {name!r} has missing values in {int(column.isna().sum())} "
                "rows; drop them or encode them as a class of their own first"
            )
        try:
            codes, classes = pd.factorize(column, sort=True)
        except TypeError:  # unhashable objects (dicts, lists): the numeric check refuses them
            continue
        if len(classes) * CLASS_MIN_ROWS > len(column):
            raise ValueError(
                f"{role} column {name!r} has {len(classes)} classes in {len(column)} rows "
                f"(fewer than {CLASS_MIN_ROWS} rows per class): an identifier or free text "
                "rather than classes, whose MI with y cannot be estimated from them; "
                "leave it out or group its classes"
            )
        columns[name] = pd.Series(codes, index=X.index)
        mask[j] = True
    if not columns:
        return X, mask
    X = X.copy()
    for name, values in columns.items():
        X[name] = values
    return X, mask


def _seconds(times):
    """A pandas column of dates (seconds since the first) or durations (seconds): an
    increasing map, so the MI is the same; a missing time becomes NaN, which the finite
    check names."""
    return ((times - times.min()) if times.dtype.kind == "M" else times).dt.total_seconds()


def _joint_classes(Y):
    """Several columns of y that all hold classes (strings, categoricals) as one
    column of their joint classes, "a / u" for "a" and "u": the MI with the pair is
    the MI with the pair's class. Anything else is returned as it is."""
    if _n_columns(Y) < 2 or isinstance(Y, torch.Tensor):
        return Y
    frame = Y if isinstance(Y, pd.DataFrame) else pd.DataFrame(np.asarray(Y))
    if not (isinstance(Y, pd.DataFrame) or frame.to_numpy().dtype.kind in "OUS"):
        return Y
    classes = _class_codes(frame, "y")[1]
    if not classes.any():
        return Y
    if not classes.all():
        names = [str(c) for c in frame.columns]
        raise ValueError(
            f"y's columns {[n for n, c in zip(names, classes) if c]} hold classes and "
            f"{[n for n, c in zip(names, classes) if not c]} numbers: several y columns "
            "are taken when all hold numbers, or all classes (as their joint class); "
            "estimate them apart, or move one kind to x or conditioning"
        )
    joint = frame.astype(str).agg(" / ".join, axis=1)
    if isinstance(Y, pd.DataFrame):
        return joint.rename(" / ".join(str(c) for c in Y.columns))
    return joint.to_numpy(dtype=object)


def _one_hot_labels(Y, discrete_target):
    """A y of indicator columns, 0/1 or booleans with at most one 1 per row (one-hot
    labels, ``pandas.get_dummies`` with or without ``drop_first``), as one column of
    labels (objects, so that any number of classes are labels): the name (DataFrame)
    or number of the row's 1; for a row of 0s "none" where the names are strings, else
    -1 (labels of one type, which sort).
    The map is one-to-one, so the MI is the same, while as numbers the columns' ties
    went to a continuous estimator (MMG gave 1.47 nats for 1.31, MINDE 0.72 for 0.65 at
    20 times KSG's time on the labels). Anything else, and any y with
    ``discrete_target=False``, is returned as it is."""
    if discrete_target is False or _n_columns(Y) < 2:
        return Y
    if isinstance(Y, torch.Tensor):
        values = Y.detach().cpu().numpy()
    elif isinstance(Y, pd.DataFrame):
        if not all(dtype.kind in "biuf" for dtype in Y.dtypes):
            return Y
        values = Y.to_numpy(dtype=np.float64)
    else:
        values = np.asarray(Y)
    if not _is_one_hot(values):
        return Y
    names = list(Y.columns) if isinstance(Y, pd.DataFrame) else list(range(values.shape[1]))
    none = "none" if all(isinstance(name, str) for name in names) else -1
    labels = np.asarray(names + [none], dtype=object)[
        np.where(values.any(axis=1), values.argmax(axis=1), len(names))]
    if isinstance(Y, pd.DataFrame):
        return pd.Series(labels, index=Y.index, name=" / ".join(str(n) for n in names))
    return labels


def _is_one_hot(values):
    """Whether the array ``values`` is a matrix of indicator columns: 0/1 or booleans,
    at most one 1 per row."""
    return values.ndim == 2 and values.shape[1] >= 2 and values.dtype.kind in "biuf" \
        and bool(np.isin(values, (0, 1)).all()) and not (values.sum(axis=1) > 1).any()


def _check_finite(values, role):
    """A ValueError naming the first column of ``values`` (x, y or the conditioning)
    with a missing (NaN) or infinite number, its row count and its first row: the
    estimators' own check names none of them and suggests gradient boosting."""
    if values is None:
        return
    if isinstance(values, torch.Tensor):
        t = values.detach().reshape(len(values), -1)
        # Checked where it lives (a GPU): only a tensor with a bad value is copied.
        if not t.is_floating_point() or bool(torch.isfinite(t).all()):
            return
        frame = pd.DataFrame(t.cpu().double().numpy())
    elif isinstance(values, pd.Series):
        frame = values.to_frame()
    elif isinstance(values, pd.DataFrame):
        frame = values
    else:
        array = np.asarray(values)
        frame = pd.DataFrame(array.reshape(len(array), -1)) if array.dtype.kind == "f" \
            else None
    if frame is None:
        return
    named = isinstance(values, (pd.DataFrame, pd.Series)) or frame.shape[1] > 1
    for name, column in frame.items():
        # pandas' nullable columns (Int64, Float64, boolean) hold pd.NA, not NaN.
        missing = column.isna().to_numpy()
        bad = missing.copy()
        if column.dtype.kind == "f":
            bad |= ~np.isfinite(column.to_numpy(dtype=np.float64, na_value=np.nan))
        if bad.any():
            marker = "NA" if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) \
                else "NaN"
            what = f"missing values ({marker})" if missing.any() else "infinite values"
            where = f"{role} column {name!r}" if named else role
            count = int(bad.sum())
            raise ValueError(
                f"{where} has {what} in {count} row{'s' if count > 1 else ''} (the "
                f"first: row {column.index[bad][0]}); MI estimators need complete, finite "
                "rows: drop those rows (DataFrame.dropna) or impute them first"
            )


def _without_constant_columns(Z):
    """Z without its constant columns, or None when all are: a constant carries no
    information, so I(X; y | Z) is the same without it."""
    keep = _non_constant_columns(Z)
    return None if not keep else _columns(Z, keep)


def _non_constant_columns(X):
    """The indices of the columns of ``X`` that are not constant (a float tensor's are
    not read: they all count)."""
    return [j for j, v in enumerate(_column_values(X))
            if v is None or len(v) < 2 or not np.all(v == v[0])]


def _columns(X, keep):
    """Columns ``keep`` of ``X``, as the same kind of container (X itself if all)."""
    if len(keep) == _n_columns(X):
        return X
    if isinstance(X, pd.DataFrame):
        return X.iloc[:, keep]
    if isinstance(X, torch.Tensor):
        return X.reshape(len(X), -1)[:, keep]
    return np.asarray(X).reshape(_n_rows(X), -1)[:, keep]


def _column_values(X):
    """Each column of ``X`` as a 1-D ndarray, or None where "auto" does not look (the
    columns of a floating-point tensor, which may live on a GPU)."""
    if isinstance(X, torch.Tensor):
        if X.is_floating_point():
            return [None] * _n_columns(X)
        X = X.detach().cpu().numpy()
    if isinstance(X, pd.DataFrame):
        return [X.iloc[:, j].to_numpy() for j in range(X.shape[1])]
    values = np.asarray(X)
    return list(values.reshape(len(values), -1).T)


def _few_values(values, n_samples):
    """Whether ``values`` are numbers (or booleans) with at most
    ``min(AUTO_MAX_CLASSES, n_samples // 10)`` distinct values.

    Fractions count as whole numbers do: a y of three values 0.5, 1.5 and 2.5 taken as
    continuous got KSG's estimate of labels (1.069 for 1.093 nats, n = 5000) with a
    warning that X or y had too many columns, and a trained estimator a critic of
    three points."""
    if values is None or values.dtype.kind not in "iufb":
        return False
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        return False
    return len(np.unique(values)) <= min(AUTO_MAX_CLASSES, n_samples // 10)


# Below this share of x's rows in a pattern shared with another row, an x of discrete
# columns is dequantized for KSG rather than read as classes (see
# _patterns_mostly_unique). Binary columns at n = 1,500, y a sum of 8 of them plus noise
# (MI about 0.34): 12 columns (30 % of rows repeated) gave 0.38-0.40 as classes and
# 0.10-0.16 dequantized; 14 to 16 (2-10 %) 0.13-0.66 as classes and 0.11-0.13
# dequantized, flagged as a lower bound; 20 (none) raised as classes.
DISCRETE_X_MIN_REPEATED = 0.1


def _patterns_mostly_unique(X, discrete_x):
    """Whether every column of ``X`` is discrete (``discrete_x``) and fewer than
    DISCRETE_X_MIN_REPEATED of its rows share their pattern of values. KSG reads such
    an x's patterns as classes and drops the rows of a class of one: 80 binary columns
    of 1,500 rows, each row its own pattern, raised "every label of y_discrete occurs
    once". Such an x is dequantized instead, as for the estimators that model x's
    density."""
    from .estimators._nonparametric import _copies

    if not discrete_x.all() or len(discrete_x) != _n_columns(X):
        return False
    rows = X.detach().cpu() if isinstance(X, torch.Tensor) else \
        torch.as_tensor(np.asarray(X, dtype=np.float64))
    copies, _ = _copies(rows)
    return bool((copies > 1).double().mean() < DISCRETE_X_MIN_REPEATED)


def _dequantize(X, mask, random_state):
    """``X`` with uniform noise on ``[0, spacing)`` added to the ``mask`` columns, the
    spacing being the smallest gap between a column's distinct values.

    Each value is recovered by flooring to its column's grid and the noise is
    independent of everything, so I(X + U; y) = I(X; y) exactly, while an estimator of
    x's density no longer sees ties.
    """
    rng = np.random.default_rng(random_state)
    columns = np.flatnonzero(mask)
    if isinstance(X, torch.Tensor):
        out = X.to(torch.float64 if not X.is_floating_point() else X.dtype).clone()
        values = out.detach().cpu().numpy()
    elif isinstance(X, pd.DataFrame):
        out = X.copy()
        values = out.to_numpy(dtype=np.float64)
    else:
        values = np.array(X, dtype=np.float64).reshape(_n_rows(X), -1)
        out = values
    for j in columns:
        levels = np.unique(values[:, j])
        spacing = np.diff(levels).min() if len(levels) > 1 else 1.0
        noise = spacing * rng.uniform(size=values.shape[0])
        if isinstance(out, torch.Tensor):
            out[:, j] += torch.as_tensor(noise, dtype=out.dtype, device=out.device)
        elif isinstance(out, pd.DataFrame):
            out.isetitem(j, values[:, j] + noise)
        else:
            out[:, j] += noise
    return out


def _auto_name(n_samples, n_columns, labels=False):
    """The estimator "auto" picks for ``n_samples`` rows of ``n_columns`` (x and y;
    ``labels``: y is one column of class labels); ``_auto_estimator`` builds it."""
    if n_columns <= AUTO_MAX_DIMENSION and n_samples <= AUTO_MAX_SAMPLES:
        return "ksg"  # with labels, Ross's estimator (scikit-learn's mutual_info_classif)
    if labels:
        return AUTO_LABELS
    if n_samples >= AUTO_MIN_MMG_SAMPLES:
        return AUTO_NEURAL
    return "minde" if n_samples >= AUTO_MIN_TRAINED_SAMPLES else "ksg"


def _classifier_bound_above(X, Y, value, test_size, random_state):
    """For class labels ``Y`` given to KSG (``value``, on all rows): gradient-boosted
    trees fitted on the training rows of a ``test_size`` split, with their estimate,
    standard error and row counts, where their held-out bound, a lower bound, exceeds
    ``value`` by more than AUTO_LABELS_STANDARD_ERRORS standard errors on at least
    AUTO_LABELS_MIN_CHECK_ROWS held-out rows: KSG is then too low (neighbourhoods blur
    sharp class boundaries). None otherwise."""
    from .estimators import ClassifierEstimator

    train_rows, test_rows = _sorted_split(np.arange(_n_rows(X)), random_state,
                                          test_size=test_size)
    if len(test_rows) < AUTO_LABELS_MIN_CHECK_ROWS:
        return None
    trees = ClassifierEstimator(discrete_target=True, random_state=random_state)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnreliableEstimateWarning)
            bound, error = trees.fit(_take(X, train_rows), _take(Y, train_rows)).estimate(
                _take(X, test_rows), _take(Y, test_rows), return_std=True)
    except ValueError:
        return None  # a class only among the held-out rows
    if not bound - value > AUTO_LABELS_STANDARD_ERRORS * error:
        return None
    return trees, float(bound), float(error), len(train_rows), len(test_rows)


def _better_classifier(X, Y, device, random_state, verbose):
    """A fresh estimator of AUTO_LABELS_CANDIDATES for class labels ``Y``: each is fitted
    on AUTO_LABELS_FIT_SHARE of the rows ``(X, Y)`` and scored on the others, row by
    row, and one replaces the best so far (the first, to begin with) only where its
    mean is higher by more than AUTO_LABELS_STANDARD_ERRORS standard errors of the
    paired difference. Where the others would be fewer than AUTO_LABELS_MIN_CHECK_ROWS,
    each row is scored instead by a fit on the other folds of AUTO_LABELS_FOLDS
    (stratified). A candidate that fails there is passed over; with fewer than
    AUTO_LABELS_MIN_CHECK_ROWS rows the first is returned. Of more than
    AUTO_LABELS_CHOICE_ROWS rows, that many drawn at random are read."""
    def build(candidate, verbose):
        name, params = candidate
        return _configure(_auto_estimator(name, labels=True).set_params(**params), device,
                          random_state, verbose, labels=True)

    n = _n_rows(X)
    best, best_terms = AUTO_LABELS_CANDIDATES[0], None
    if n < AUTO_LABELS_MIN_CHECK_ROWS:
        return build(best, verbose)
    rows = np.arange(n)
    if n > AUTO_LABELS_CHOICE_ROWS:
        rows = np.sort(np.random.default_rng(random_state).choice(
            n, AUTO_LABELS_CHOICE_ROWS, replace=False))
    if len(rows) - math.ceil(AUTO_LABELS_FIT_SHARE * len(rows)) >= AUTO_LABELS_MIN_CHECK_ROWS:
        splits = [_sorted_split(rows, random_state, train_size=AUTO_LABELS_FIT_SHARE)]
    else:  # every row is a check row once, for fits on the other folds
        folds = StratifiedKFold(AUTO_LABELS_FOLDS, shuffle=True, random_state=random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a class of fewer rows than folds
            codes = np.unique(np.asarray(_take(Y, rows)).ravel(), return_inverse=True)[1]
            splits = [(rows[fit], rows[check]) for fit, check in folds.split(rows, codes)]
    for name, params in AUTO_LABELS_CANDIDATES:
        terms = _held_out_terms(partial(build, (name, params), False), X, Y, splits)
        if terms is None:
            continue
        if best_terms is None:
            best, best_terms = (name, params), terms
            continue
        gain = terms - best_terms
        if gain.mean() > AUTO_LABELS_STANDARD_ERRORS * gain.std() / math.sqrt(len(gain)):
            best, best_terms = (name, params), terms
    return build(best, verbose)


def _held_out_terms(build, X, Y, splits, terms_of=None):
    """The per-row terms of a fresh ``build()`` fitted on the fit rows of each of
    ``splits`` and scored on its check rows, in the splits' order: its ``score_samples``,
    or ``terms_of(estimator, X_check, Y_check)``. None where a fit fails or a term is
    None or not finite."""
    parts = []
    for fit_rows, check_rows in splits:
        # Quietly: the progress bar that counts is the refit's.
        candidate = build()
        unchecked = CHECK_ESTIMATES.set(False)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnreliableEstimateWarning)
                candidate.fit(_take(X, fit_rows), _take(Y, fit_rows))
                terms = (terms_of or type(candidate).score_samples)(
                    candidate, _take(X, check_rows), _take(Y, check_rows))
        except (ValueError, RuntimeError):
            return None  # a class missing from the check rows, a diverging network
        finally:
            CHECK_ESTIMATES.reset(unchecked)
        if terms is None or not np.isfinite(terms).all():
            return None
        parts.append(np.asarray(terms))
    return np.concatenate(parts)


def _sorted_split(rows, random_state, **sizes):
    """``train_test_split`` of the row indices ``rows`` (``test_size`` or
    ``train_size``), each part in increasing order."""
    first, second = train_test_split(rows, random_state=random_state, **sizes)
    return np.sort(first), np.sort(second)


def _auto_ksg_settings(n_columns, labels=False):
    """KSG's ``n_neighbors`` and ``variant`` in the auto rule: scikit-learn's k = 3
    and eq. 8 below ``AUTO_KSG_MIN_COLUMNS`` (x, y and any z) and for labels (Ross's
    estimator), else k = 2 and eq. 9."""
    if labels or n_columns < AUTO_KSG_MIN_COLUMNS:
        return dict(n_neighbors=3, variant=1)
    return dict(n_neighbors=AUTO_KSG_NEIGHBORS, variant=AUTO_KSG_VARIANT)


def _auto_estimator(name, n_columns=0, labels=False, discrete_x=False):
    """The estimator of the auto rule's ``name``, with the settings it was measured in
    for ``n_columns`` (x and y; ``labels``: y is one column of class labels);
    ``discrete_x``: x has discrete columns, which MINDE's joint variant would diffuse
    (dequantized: 0.24 nats for 0.55, y the sum of 8 binary columns + noise, n = 3000)
    and its conditional one takes as they are (0.51)."""
    from .estimators import KSGEstimator, MINDEEstimator, MMGEstimator

    if name == "ksg":
        return KSGEstimator(**_auto_ksg_settings(n_columns, labels), scale="quantile")
    if name == "minde":
        return MINDEEstimator(variant="conditional" if discrete_x else "joint")
    if name == "mmg":
        return MMGEstimator()
    return named_estimators()[name]()


def _resolve_estimator(estimator, n_samples=None, n_columns=None, labels=False, *,
                       conditional=False, discrete_x=False):
    """A fresh estimator from a name, "auto" or an instance (cloned); ``conditional``:
    conditioning columns are given, so the conditional estimators' names are taken."""
    if isinstance(estimator, str):
        key = estimator.lower()
        if key == "auto":
            return _auto_estimator(AUTO_STREAMING if n_samples is None
                                   else _auto_name(n_samples, n_columns, labels),
                                   n_columns, labels, discrete_x)
        classes = named_estimators(conditional)
        key = key.removesuffix("estimator")
        if key not in classes:
            if key in named_estimators(conditional=True):
                raise ValueError(
                    f"estimator {estimator!r} estimates the conditional MI I(x; y | z) and "
                    "needs the conditioning columns z (estimate_mi's conditioning, "
                    "skmist estimate --conditioning); without them use 'auto' or one of: "
                    f"{', '.join(classes)}"
                )
            raise ValueError(
                f"unknown estimator {estimator!r}; use 'auto' or one of: "
                f"{', '.join(classes)}"
            )
        return classes[key]()
    if isinstance(estimator, type) and issubclass(estimator, BaseEstimator):
        raise TypeError(
            f"estimator is the class {estimator.__name__}; pass an instance, "
            f"{estimator.__name__}(), or its name"
        )
    if isinstance(estimator, BaseEstimator) and hasattr(estimator, "fit") \
            and hasattr(estimator, "score"):
        return clone(estimator)
    raise TypeError(
        "estimator must be 'auto', an estimator name or an estimator instance with fit "
        f"and score; got {type(estimator).__name__}"
    )


def _conditional_estimator(estimator, mask, n_samples, n_columns):
    """A fresh estimator of I(X; y | Z), Z the columns of X that ``mask`` selects
    (``n_samples`` None: streamed, for ``partial_fit``).

    "auto" mirrors the rule without Z, over the columns of x, y and z together (a
    kNN estimate's bias grows with the dimension of its joint space).
    """
    from .estimators import ChainRuleCMIEstimator, ConditionalKSGEstimator

    if isinstance(estimator, str) and estimator.lower() == "auto":
        if n_samples is not None and _auto_name(n_samples, n_columns) == "ksg":
            # As without z, 2 neighbours from 4 columns (x, y and z): on the conditional
            # Gaussians of skmist.datasets (10 seeds), RMSE 0.065 against 0.073 in
            # 2 + 2 + 2 columns at n = 1000, 0.278 against 0.330 at CMI 1.61, 0.094
            # against 0.107 in 3 + 3 + 3 at 10,000; 0.027 against 0.021 in 1 + 1 + 1.
            k = _auto_ksg_settings(n_columns)["n_neighbors"]
            return ConditionalKSGEstimator(conditioning=mask, n_neighbors=k,
                                           scale="quantile")
        return ChainRuleCMIEstimator(conditioning=mask,
                                     estimator=_resolve_estimator(AUTO_STREAMING))
    est = _resolve_estimator(estimator, conditional=True)
    entry = entry_of(est)
    if entry is None or not entry.conditional:
        return ChainRuleCMIEstimator(conditioning=mask, estimator=est)
    params = est.get_params(deep=False)
    if params["conditioning"] is not None:
        raise ValueError(
            f"conditioning is given twice: {type(est).__name__}(conditioning="
            f"{params['conditioning']!r}) and estimate_mi(conditioning=...); set one"
        )
    return est.set_params(conditioning=mask)


def _configure(est, device, random_state, verbose, labels=False):
    params = est.get_params(deep=True)

    def key(name):
        # The estimator's own parameter, else that of the estimator it wraps
        # (ChainRuleCMIEstimator's ``estimator``).
        return next((k for k in (name, f"estimator__{name}") if k in params), None)

    update = {key("verbose"): verbose}
    if labels and key("discrete_target") and params[key("discrete_target")] == "auto":
        update[key("discrete_target")] = True
    if device != "auto":
        update[key("device")] = device
    if random_state is not None:
        update[key("random_state")] = random_state
    return est.set_params(**{k: v for k, v in update.items() if k is not None})


def _estimate_with_error(est, X, y, random_state):
    # A kNN estimate's standard error re-estimates on halves of the rows, which need
    # more than twice its k neighbours (halves of k + 1 rows gave a standard error of
    # 0): with fewer the value comes alone, with the caveat of too few samples (the
    # error raised advised return_std=False, which estimate_mi does not take).
    too_few_for_halves = _n_rows(X) // 2 <= 2 * getattr(est, "n_neighbors", 0)
    if not hasattr(est, "estimate") or not _has_standard_error(est) or too_few_for_halves:
        return float(est.score(X, y)), None
    value, error = est.estimate(X, y, return_std=True, random_state=random_state)
    return float(value), float(error)


def _has_standard_error(est):
    from .estimators import ChainRuleCMIEstimator

    # The chain rule's paired standard error needs the per-sample terms of trained
    # inner estimators; with a kNN one it has none.
    return not isinstance(est, ChainRuleCMIEstimator) or isinstance(
        est.joint_estimator_, NeuralMIEstimator)


def _result(est, value, error, n_train, n_test, held_out, caveats=()):
    caveats = list(caveats)
    if error is not None and not error <= UNRELIABLE_STANDARD_ERROR:
        caveats.append(
            f"{type(est).__name__}: the estimate {value:.4g} nats has a standard error "
            f"of {error:.3g} over {n_test} samples; treat it as unreliable (too few "
            "samples, or a few pairs dominate it)"
        )
    caveats = tuple(dict.fromkeys(caveats))  # one of each, in order
    for caveat in caveats:
        warnings.warn(caveat, UnreliableEstimateWarning, stacklevel=user_stacklevel())
    history = getattr(est, "history_", None)
    return MIResult(value=value, std_error=error, estimator=est, history=history,
                    n_train=n_train, n_test=n_test, held_out=held_out, caveats=caveats)


# --- inputs ----------------------------------------------------------------------------


def _check_test_size(test_size):
    ok = not isinstance(test_size, bool) and (
        (isinstance(test_size, float) and 0 <= test_size < 1)
        or (isinstance(test_size, (int, np.integer)) and test_size >= 0)
    )
    if not ok:
        raise ValueError(
            "test_size must be a fraction in [0, 1) or a number of rows; "
            f"got {test_size!r}"
        )


def parse_test_size(value):
    """A test size typed by a person (a command-line or config value): a fraction in
    [0, 1), or a whole number of rows (``100`` or ``100.0``); a ValueError otherwise.

    ``2.5`` is neither, and ``1.0`` is not a fraction: both were taken before (2 rows;
    a run that trained and then failed).
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"test_size must be a number; got {value!r}")
    if 0 <= value < 1:
        return float(value)
    if value >= 1 and float(value).is_integer():
        return int(value)
    raise ValueError(
        f"test_size must be a fraction in [0, 1) or a whole number of rows; got {value!r}"
    )


def _check_held_out_rows(est, test_size, n_samples):
    """Fail before training when the split would leave too few rows on either side."""
    if not is_trained(est) or test_size == 0:
        return
    # train_test_split's rounding: the test side is the ceiling of the fraction.
    n_test = test_size if isinstance(test_size, (int, np.integer)) else math.ceil(
        test_size * n_samples)
    if n_test < 2:
        raise ValueError(
            f"test_size={test_size!r} holds out {n_test} of the {n_samples} rows; the "
            "held-out estimate needs at least 2 (a fraction in (0, 1), or a number of "
            "rows >= 2)"
        )
    if n_samples - n_test < 2:
        raise ValueError(
            f"test_size={test_size!r} holds out {n_test} of the {n_samples} rows, which "
            f"leaves {n_samples - n_test} to train on; hold out fewer"
        )


def _inputs(data, x, y, conditioning=None):
    """``(X, y, Z)`` from any of the array, DataFrame and dict forms; Z is None
    without ``conditioning``."""
    table = isinstance(data, (pd.DataFrame, Mapping))
    if y is None and x is not None and ((not _is_names(x)) if table else np.ndim(x) > 0):
        # estimate_mi(X, y): target values as the second positional argument.
        x, y = None, x
    if isinstance(data, pd.DataFrame):
        return _from_table(data, x, y, "column", "the DataFrame", list(data.columns),
                           conditioning)
    if isinstance(data, Mapping):
        return _from_table(data, x, y, "key", "the dict", list(data), conditioning)
    if isinstance(data, str):
        raise TypeError(
            "data is a string; pass an array, a DataFrame, a dict of arrays or a "
            "DataLoader (read a file with pandas.read_csv, or use `skmist estimate "
            "FILE` in a shell)"
        )
    if isinstance(data, tuple) and len(data) == 2 and x is None and y is None:
        data, y = data
    if x is not None:
        raise TypeError(
            "x names columns, which needs a DataFrame or a dict as data; with an array "
            "X, call estimate_mi(X, y)"
        )
    if y is None:
        raise TypeError("y is missing: call estimate_mi(X, y) or estimate_mi((X, y))")
    for name, values in (("y", y), ("conditioning", conditioning)):
        if values is not None and np.ndim(values) == 0:
            raise TypeError(
                f"{name}={values!r} looks like a column name, but data is a "
                f"{type(data).__name__}, which has none; pass the {name} values, or a "
                "DataFrame or dict as data"
            )
    return _as_column(data), y, _as_column(conditioning)


def _as_column(values):
    """A 1-D x (or conditioning) as one column, as ``estimate_mi(x, y)`` on two
    variables means; the estimators themselves take 2-D X only, as scikit-learn's do."""
    if values is None or np.ndim(values) != 1:
        return values
    if isinstance(values, pd.Series):
        return values.to_frame()
    if isinstance(values, torch.Tensor):
        return values.reshape(-1, 1)
    return np.asarray(values).reshape(-1, 1)


def _is_names(v):
    if isinstance(v, (str, list)):
        return True
    return isinstance(v, Hashable) and not isinstance(v, (torch.Tensor, np.ndarray))


def name_list(names):
    """A column name, or a list of names, as a new list."""
    return list(names) if isinstance(names, list) else [names]


def _from_table(data, x, y, kind, where, columns, conditioning=None):
    x, y, conditioning = (list(v) if isinstance(v, pd.Index) else v
                          for v in (x, y, conditioning))
    if y is None:
        raise ValueError(
            f"y is required with {where}: name the target {kind}(s), e.g. y={columns[-1]!r}"
        )
    if conditioning is not None and not _is_names(conditioning):
        raise TypeError(
            f"conditioning must be a {kind} name or a list of names with {where}; got "
            f"{type(conditioning).__name__}"
        )
    z_names = [] if conditioning is None else name_list(conditioning)
    y_names = name_list(y) if _is_names(y) else []
    if x is None:
        x = [c for c in columns if c not in y_names + z_names]
        if not x:
            raise ValueError(
                f"no {kind}s are left for x: {where} has only the y and conditioning "
                f"{kind}(s) {y_names + z_names}"
            )
    elif not _is_names(x):
        raise TypeError(
            f"x must be a {kind} name or a list of names with {where}; got "
            f"{type(x).__name__}"
        )
    shared = [c for c in name_list(x) if c in y_names]
    if shared:
        raise ValueError(
            f"x and y must be disjoint, but both name {shared}; the MI of a variable "
            "with itself is its entropy (infinite for a continuous one)"
        )
    for role, names in (("x", name_list(x)), ("y", y_names)):
        shared = [c for c in z_names if c in names]
        if shared:
            raise ValueError(
                f"conditioning and {role} must be disjoint, but both name {shared}"
            )
    X = _select(data, x, kind, where, columns, "x")
    # y's values given next to a table of features, or y's names.
    Y = _select(data, y, kind, where, columns, "y") if y_names else y
    Z = None if conditioning is None else _select(data, conditioning, kind, where, columns,
                                                  "conditioning")
    if isinstance(data, Mapping) and not isinstance(data, pd.DataFrame):
        names = name_list(x) + y_names + z_names
        lengths = {name: _n_rows(data[name]) for name in names}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"the dict's arrays have different lengths: {lengths}")
    return X, Y, Z


def _append_columns(X, Z):
    """X's columns, then Z's (the columns a conditional estimator's mask names last)."""
    if isinstance(X, torch.Tensor) or isinstance(Z, torch.Tensor):
        device = X.device if isinstance(X, torch.Tensor) else Z.device
        parts = [torch.as_tensor(np.asarray(a) if not isinstance(a, torch.Tensor) else a,
                                 device=device) for a in (X, Z)]
        dtype = torch.promote_types(*(p.dtype for p in parts))
        return torch.column_stack([p.reshape(len(p), -1).to(dtype) for p in parts])
    if isinstance(X, pd.DataFrame) and isinstance(Z, (pd.DataFrame, pd.Series)):
        return pd.concat([X, Z], axis=1)
    return np.column_stack([np.asarray(a).reshape(_n_rows(a), -1) for a in (X, Z)])


def _select(data, names, kind, where, columns, role):
    wanted = name_list(names)
    missing = [c for c in wanted if c not in columns]
    if missing:
        label = f"{kind} {missing[0]!r} is" if len(missing) == 1 else f"{kind}s {missing} are"
        raise ValueError(f"{label} not in {where} ({role}); its {kind}s are {columns}")
    if isinstance(data, pd.DataFrame):
        return data[names] if isinstance(names, list) or role == "y" else data[[names]]
    parts = [data[name] for name in wanted]
    if len(parts) == 1 and role == "y":
        return parts[0]
    if any(isinstance(p, torch.Tensor) for p in parts):
        return torch.column_stack([torch.as_tensor(p) for p in parts])
    return np.column_stack([np.asarray(p) for p in parts])


def _n_rows(a):
    return a.shape[0] if hasattr(a, "shape") else len(a)


def _n_columns(a):
    shape = a.shape if hasattr(a, "shape") else np.shape(a)
    return 1 if len(shape) < 2 else int(np.prod(shape[1:]))


# The checks that score rows again (a trained estimator on its training rows, MMG's gap
# form) compare means, which this many rows pin down to a few thousandths of a nat at
# the suite's MI; all the rows took 20 of 46 s on 1,000,000 rows of 2 + 1 columns
# (estimate_mi 40.5 s against 23.0 s with this cap, back to back). The
# time-series check reads this many consecutive rows.
RESCORED_ROWS = 20_000


def _at_most(X, Y, random_state, n_rows=RESCORED_ROWS):
    """``(X, Y)``, or ``n_rows`` of their rows drawn at random (kept in order)."""
    n = _n_rows(X)
    if n <= n_rows:
        return X, Y
    rows = np.sort(np.random.default_rng(random_state).permutation(n)[:n_rows])
    return _take(X, rows), _take(Y, rows)


def _take(a, rows):
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return a.iloc[rows]
    if isinstance(a, torch.Tensor):
        return a[torch.as_tensor(rows, device=a.device)]
    return np.asarray(a)[rows]


# --- DataLoaders -----------------------------------------------------------------------


def _is_loader(data):
    return isinstance(data, torch.utils.data.DataLoader)


def _is_loader_pair(data):
    return isinstance(data, tuple) and len(data) == 2 and all(map(_is_loader, data))


def _shuffles(loader):
    return isinstance(getattr(loader, "sampler", None), torch.utils.data.RandomSampler)


def _estimate_streaming(data, x, y, estimator, test_size, device, random_state, verbose,
                        epochs, discrete_target="auto", conditioning=None):
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1; got {epochs!r}")
    if _is_loader_pair(data):
        loader, test_loader, period = data[0], data[1], None
    else:
        loader, test_loader = data, None
        if isinstance(test_size, bool) or not isinstance(test_size, float) \
                or not 0 < test_size < 1:
            raise ValueError(
                "with a DataLoader, test_size must be a fraction in (0, 1) of its batches; "
                f"got {test_size!r} (or pass (train_loader, test_loader))"
            )
        period = max(1, round(1 / test_size))
        if epochs > 1 and _shuffles(loader):
            raise ValueError(
                "epochs > 1 with a shuffling DataLoader would train on the held-out rows "
                "in later passes; pass (train_loader, test_loader), or epochs=1, or a "
                "loader with shuffle=False"
            )
    one_hot = False  # set by the pass over the batches below

    def xy(batch):  # x's columns then z's, and y (one column of labels if one-hot)
        bx, by = _batch_xy(batch, x, y, conditioning)
        return bx, _one_hot_labels(by, True) if one_hot else by

    classes, one_hot = _streamed_classes(loader, test_loader, xy, discrete_target)
    labels = classes is not None
    auto = isinstance(estimator, str) and estimator.lower() == "auto"
    if conditioning is not None:
        n_columns, n_z = (_n_columns(a) for a in _batch_xy(next(iter(loader)), x, y,
                                                            conditioning, split=True)[::2])
        mask = np.r_[np.zeros(n_columns, bool), np.ones(n_z, bool)]
        est = _conditional_estimator(estimator, mask, None, n_columns + n_z)
    else:
        if auto:
            estimator = AUTO_LABELS if labels else AUTO_STREAMING
        est = _resolve_estimator(estimator)
    est = _configure(est, device, random_state, False, labels=labels)
    fit_options = ({"classes": classes}
                   if labels and (conditioning is not None or est.get_params(
                       deep=False).get("discrete_target") is True)
                   else {})
    if not hasattr(est, "partial_fit"):
        raise TypeError(
            f"{type(est).__name__} has no partial_fit, so it cannot stream a DataLoader; "
            f"use a trained estimator (e.g. estimator={AUTO_STREAMING!r}), or load the data "
            "into arrays"
        )
    from tqdm.auto import tqdm

    try:
        total = len(loader) * epochs
    except TypeError:  # an IterableDataset without __len__
        total = None
    held, n_train = [], 0
    with tqdm(total=total, desc=f"{type(est).__name__} (streaming)", leave=False,
              disable=not verbose) as progress, warnings.catch_warnings():
        # Each partial_fit estimates MI on its own batch, often a noisy one; the result
        # is the estimate on the held-out rows, checked below.
        warnings.simplefilter("ignore", UnreliableEstimateWarning)
        for epoch in range(epochs):
            for i, batch in enumerate(loader):
                bx, by = xy(batch)
                if period is not None and i % period == period - 1:
                    if epoch == 0:
                        held.append((bx, by))
                elif _n_rows(bx) >= 2:
                    est.partial_fit(bx, by, **fit_options)
                    n_train += _n_rows(bx) if epoch == 0 else 0
                progress.update()
    if test_loader is not None:
        held = [xy(batch) for batch in test_loader]
    if not held:
        raise ValueError(
            f"no batch was held out: the DataLoader yielded fewer than {period} batches "
            f"(test_size={test_size} holds out every {period}th); raise test_size or pass "
            "(train_loader, test_loader)"
        )
    if not n_train:
        raise ValueError("the DataLoader left no batch of at least 2 rows to train on")
    if "verbose" in est.get_params(deep=False):
        est.set_params(verbose=verbose)
    X_test, y_test = _concat([b[0] for b in held]), _concat([b[1] for b in held])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnreliableEstimateWarning)
        value, error = _estimate_with_error(est, X_test, y_test, random_state)
    # The held-out rows are in memory: the same checks as for arrays, on them.
    caveats = _caveats_of(caught)
    caveats += _too_few_samples(est, n_train, _n_columns(X_test) + _n_columns(y_test))
    caveats += _below_zero(est, value, error)
    n_test = _n_rows(X_test)
    if conditioning is None:  # the cheap estimates are of I(x; y), not of a CMI
        distinct = _distinct_records(X_test, y_test, labels)
        below, floor = _below_cheap_estimates(est, distinct, value, error, random_state,
                                              labels, floor=auto)
        caveats = below + caveats
        if floor is not None:  # of the held-out rows, which the estimator did not see
            est, value, error = floor
            n_test = len(distinct[0])
    return _result(est, value, error, n_train, n_test, True, caveats)


def _streamed_classes(loader, test_loader, xy, discrete_target):
    """``(classes, one_hot)``: the classes of a streamed y that holds class labels, else
    None, and whether every batch's y is one-hot (read as ``_one_hot_labels``).

    ``discrete_target="auto"`` applies the rule for arrays to all batches together:
    one column of strings, booleans, a pandas categorical, or numbers with at most
    ``min(AUTO_MAX_CLASSES, n_rows // 10)`` distinct values, or one-hot columns (of
    any number of classes). One pass over the loaders reads each batch's y and stops at
    the first batch that breaks the rule (for a continuous y, once more than
    ``AUTO_MAX_CLASSES`` values are seen; for a y of several columns, the first that is
    not one-hot), so that a class missing from the first batch, or seen only in
    held-out batches, is still one.
    """
    _check_discrete_target(discrete_target)
    if discrete_target is False:
        return None, False
    auto = discrete_target == "auto"
    seen, n_rows, one_hot = set(), 0, None
    for source in (loader, test_loader or ()):
        for batch in source:
            by = xy(batch)[1]
            labels = _one_hot_labels(by, True)
            if one_hot is None:
                one_hot = labels is not by
            elif one_hot != (labels is not by):  # some batches one-hot, some not
                if not auto:
                    raise ValueError("discrete_target=True needs a y of one column of "
                                     "class labels, or of one-hot columns in every batch")
                return None, False
            values = _label_values(labels)
            if values is None and not auto:
                raise ValueError("discrete_target=True needs a y of one column of class "
                                 "labels")
            if auto and not _could_be_labels(values):
                return None, False
            seen.update(np.unique(values).tolist())
            n_rows += len(values)
            if auto and not one_hot and len(seen) > AUTO_MAX_CLASSES:
                return None, False
    if not seen or (auto and not one_hot and len(seen) > n_rows // 10):
        return None, False
    return np.array(sorted(seen)), bool(one_hot)


def _could_be_labels(values):
    """Whether a batch's 1-D y (or None) could hold class labels: strings, booleans,
    objects or finite numbers."""
    if values is None or values.dtype.kind not in "iubOUSf":
        return False
    return values.dtype.kind != "f" or bool(np.all(np.isfinite(values)))


def _check_labels_repeat(Y):
    """A ValueError where each row of the labels ``Y`` has its own, as an identifier's
    do (KSG's message named its internal y_discrete)."""
    values = _label_values(Y)
    if values is None or len(values) < 2:
        return
    if len(pd.unique(pd.Series(values, dtype=object))) == len(values):
        raise ValueError(
            f"y has a different label in each of its {len(values)} rows, as an identifier "
            "does: MI needs each class seen more than once (a label seen once shows "
            "nothing of x within its class). Drop the identifier, or pass "
            "discrete_target=False if its values are numbers to read as numbers"
        )


def _label_values(by):
    """A batch's y as a 1-D ndarray, or None when it has several columns."""
    if isinstance(by, torch.Tensor):
        by = by.detach().cpu().numpy()
    by = by.to_numpy() if isinstance(by, (pd.Series, pd.DataFrame)) else np.asarray(by)
    if by.ndim == 2 and by.shape[1] == 1:
        by = by[:, 0]
    return by if by.ndim == 1 else None


def _batch_xy(batch, x, y, conditioning=None, split=False):
    """A batch's ``(x, y)``, x followed by the ``conditioning`` columns, or with
    ``split`` its ``(x, y, z)``."""
    if isinstance(batch, Mapping):
        if y is None:
            raise ValueError(
                f"the DataLoader yields dicts with keys {list(batch)}; name the y key(s) "
                "with y=... (and x=..., default: every other key)"
            )
        X, Y, Z = _from_table(batch, x, y, "key", "the batch", list(batch), conditioning)
        if split or Z is None:
            return (X, Y, Z) if split else (X, Y)
        return _append_columns(X, Z), Y
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        if x is not None or y is not None:
            raise ValueError(
                "x and y name keys of dict batches, but this DataLoader yields (x, y) "
                "pairs; leave x and y unset"
            )
        if conditioning is not None:
            raise ValueError(
                "conditioning names keys of dict batches, but this DataLoader yields (x, y) "
                "pairs: yield dicts, or put z's columns in x and pass "
                "estimator=ChainRuleCMIEstimator(conditioning=<their column indices>)"
            )
        return batch[0], batch[1]
    raise TypeError(
        "a DataLoader batch must be an (x, y) pair or a dict; got "
        f"{type(batch).__name__}" + (f" of length {len(batch)}" if hasattr(batch, "__len__")
                                     else "")
    )


def _concat(parts):
    if isinstance(parts[0], torch.Tensor):
        return torch.cat(parts)
    return np.concatenate([np.asarray(p) for p in parts])
