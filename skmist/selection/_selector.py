"""The scikit-learn selector, :class:`MutualInfoSelector`: univariate or greedy."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..base import UnreliableEstimateWarning, user_stacklevel
from ._estimators import _estimator_or_ksg
from ._greedy import _greedy_selection
from ._inputs import _classes_as_codes
from ._scores import _feature_scores, _ranks, _score_settings

STRATEGIES = ("univariate", "mrmr", "jmi", "cmim")


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    r"""Select the features with the most mutual information with the target.

    A drop-in for ``SelectKBest(mutual_info_regression)`` that takes any skmist
    estimator, works in Pipelines and GridSearchCV, and spreads its work over joblib
    workers (a dask cluster with ``joblib.parallel_config(backend="dask")``).

    With ``strategy="mrmr"``, ``"jmi"`` or ``"cmim"`` it picks ``k`` features one at a
    time, each the best by a criterion that rewards information about y and penalises
    information already carried by the features chosen before (S), so that of two
    copies of a feature only one is kept:

    * ``"mrmr"`` (Peng et al. 2005): :math:`I(f; y) - \frac{1}{|S|}\sum_{s \in S}
      I(f; s)`, relevance minus mean redundancy;
    * ``"jmi"`` (Yang and Moody 1999): :math:`\frac{1}{|S|}\sum_{s \in S} I([f, s]; y)`,
      computed as :math:`I(s; y) + I(f; y \mid s)`;
    * ``"cmim"`` (Fleuret 2004): :math:`\min_{s \in S} I(f; y \mid s)`.

    The first pick is the most relevant feature, :math:`\arg\max I(f; y)`. In Brown et
    al.'s (2012) comparison JMI had the best balance of accuracy and stability; CMIM is
    close and mRMR is cheapest (it needs no conditional estimates and takes discrete
    features). JMI penalises a copy of a chosen feature s by at most
    :math:`I(s; y) / |S|`, so with features of unequal relevance it can keep a copy of a
    strong feature over a weak new one, as its exact criterion does; mRMR and CMIM do
    not (see ``tests/test_selection_greedy.py`` for measured cases). Each step scores
    all remaining features against the feature just chosen in one pass
    (:func:`skmist.functional.featurewise_ksg` for I(f; s),
    :func:`skmist.functional.featurewise_conditional_ksg` for I(f; y | s)), split over
    ``n_jobs`` workers: a step of mRMR costs about one univariate pass, a step of JMI or
    CMIM about three (measured at n = 2000, 15 features).

    Parameters
    ----------
    estimator : skmist estimator or None, default=None
        How each feature is scored. None, or a :class:`~skmist.KSGEstimator` (variant
        1), scores all features in one pass, after scikit-learn's scaling and noise;
        with ``random_state`` set the scores equal scikit-learn's
        ``mutual_info_regression`` / ``mutual_info_classif``. Any other estimator (a
        neural one, say) is cloned and fitted on each feature alone, and the feature's
        score is the clone's ``mi_`` (held out, for trained estimators).
    k : int, "all" or None, default=10
        Keep the k best features. Larger than the number of features keeps them all,
        with a warning, as ``SelectKBest`` does. Set ``k=None`` to select by
        ``percentile`` or ``threshold`` instead (univariate only). A greedy strategy
        runs k steps; "all" ranks every feature by its pick order.
    percentile : float in [0, 100] or None, default=None
        Keep this percentage of the features, the best first (needs ``k=None``;
        ``strategy="univariate"`` only).
    threshold : float or None, default=None
        Keep the features with at least this much MI, in nats (needs ``k=None``;
        ``strategy="univariate"`` only).
    strategy : {"univariate", "mrmr", "jmi", "cmim"}, default="univariate"
        "univariate" scores each feature alone, by I(f; y). The others select greedily,
        skipping redundant features (see above); they need a
        :class:`~skmist.KSGEstimator` as ``estimator`` (the default), and "jmi" and
        "cmim" need continuous features.
    n_permutations : int, default=0
        Permutations of y for the p-values in ``pvalues_``: the share of permutations
        scoring at least as high as the data, the data counted as one of them
        (``strategy="univariate"`` only).
    n_jobs : int or None, default=None
        joblib workers over features (and permutations); None is one, unless in a
        ``joblib.parallel_config`` context. Each worker runs one thread; with a single
        worker, the KSG estimator's ``n_jobs`` (all cores by default) are threads of
        this process over blocks of features.
    discrete_features : "auto", bool or array-like, default="auto"
        Which features are discrete: all, none, a boolean mask or column indices;
        "auto" is True for sparse X (allowed only then) and False otherwise. Columns of
        classes (strings, pandas categoricals) are discrete whatever this says, read as
        their integer codes; an ``estimator`` without ``discrete_features`` of its own
        gets each discrete feature dequantized (uniform noise within the gap between its
        values, which keeps its MI) instead of ties it would read as dependence.
    discrete_target : "auto" or bool, default="auto"
        Whether y holds labels (classification). "auto": integers, booleans, strings,
        categoricals and one-hot columns of floats (0/1, at most one 1 per row) are
        labels, other floats are continuous. Overrides the estimator's own setting.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise (KSG), the clones' ``random_state`` and the permutations; None
        uses the estimator's ``random_state``.
    verbose : bool, default=False
        Show a progress bar over the fits when a trained estimator scores the features
        one fit each (KSG scores them all in one pass, in a fraction of that time).

    Attributes
    ----------
    scores_ : ndarray of shape (n_features,)
        Univariate: MI of each feature with the target, in nats; negative estimates
        (noise around 0) are reported as 0, as scikit-learn does. Greedy: the
        strategy's criterion, in nats, at the step the feature was picked, and for the
        features not picked at the last step; not clipped (mRMR's criterion is
        negative for a feature more redundant than relevant). Criteria of different
        steps compare different conditioning sets: use ``ranking_`` for the order.
    pvalues_ : ndarray of shape (n_features,) or None
        Permutation p-values, or None when ``n_permutations=0`` or the strategy is
        greedy.
    ranking_ : ndarray of shape (n_features,)
        Univariate: 1 for the most informative feature; ties (e.g. the features scored
        0) share the best of their ranks. Greedy: 1, ..., k in pick order, then the
        features not picked by their criterion at the last step.
    estimator_ : skmist estimator
        The estimator used (a KSGEstimator when ``estimator`` is None).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Names of the features, when X has string column names.

    See Also
    --------
    mutual_info_scores : the same scores as a ``SelectKBest`` score function.
    mutual_info_matrix : MI between every pair of columns.
    skmist.ConditionalKSGEstimator : the conditional MI behind "jmi" and "cmim".

    References
    ----------
    H. Peng, F. Long and C. Ding, "Feature selection based on mutual information:
    criteria of max-dependency, max-relevance, and min-redundancy", IEEE TPAMI 27(8),
    1226-1238 (2005); H. H. Yang and J. Moody, "Data visualization and feature
    selection: new algorithms for nongaussian data", NIPS 12 (1999); F. Fleuret, "Fast
    binary feature selection with conditional mutual information", JMLR 5, 1531-1555
    (2004); G. Brown, A. Pocock, M.-J. Zhao and M. Luján, "Conditional likelihood
    maximisation: a unifying framework for information theoretic feature selection",
    JMLR 13, 27-66 (2012).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skmist import MutualInfoSelector
    >>> X, y = make_regression(500, 8, n_informative=2, shuffle=False, random_state=0)
    >>> selector = MutualInfoSelector(k=2, random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1])
    >>> selector.ranking_
    array([1, 2, 5, 5, 3, 5, 4, 5])

    A copy of feature 0 is as relevant as feature 0, and adds nothing to it: univariate
    selection keeps both, CMIM one of them and feature 1.

    >>> import numpy as np
    >>> copy = X[:, :1] + 0.01 * np.random.default_rng(0).normal(size=(500, 1))
    >>> X_copy = np.hstack([X, copy])
    >>> MutualInfoSelector(k=2, random_state=0).fit(X_copy, y).get_support(indices=True)
    array([0, 8])
    >>> cmim = MutualInfoSelector(k=2, strategy="cmim", random_state=0).fit(X_copy, y)
    >>> cmim.get_support(indices=True)
    array([1, 8])
    """

    _parameter_constraints = {
        "estimator": "no_validation",  # checked in fit, with a clearer TypeError
        "k": [Interval(Integral, 0, None, closed="left"), StrOptions({"all"}), None],
        "percentile": [Interval(Real, 0, 100, closed="both"), None],
        "threshold": [Real, None],
        "strategy": [StrOptions(set(STRATEGIES))],
        "n_permutations": [Interval(Integral, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
        "discrete_target": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, k=10, *, percentile=None, threshold=None,
                 strategy="univariate", n_permutations=0, n_jobs=None,
                 discrete_features="auto", discrete_target="auto", random_state=None,
                 verbose=False):
        self.estimator = estimator
        self.k = k
        self.percentile = percentile
        self.threshold = threshold
        self.strategy = strategy
        self.n_permutations = n_permutations
        self.n_jobs = n_jobs
        self.discrete_features = discrete_features
        self.discrete_target = discrete_target
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        # Sparse X holds discrete features, which the conditional estimates of "jmi" and
        # "cmim" do not take.
        tags.input_tags.sparse = self.strategy in ("univariate", "mrmr")
        return tags

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Score every feature.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Sparse X is allowed when its features are discrete.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Continuous, or labels (see ``discrete_target``); several outputs are
            one joint target.

        Returns
        -------
        self : object
        """
        self._check_selection_params()
        self.estimator_ = _estimator_or_ksg(self.estimator)
        X, discrete_features = _classes_as_codes(X, self.discrete_features)
        X, y = validate_data(
            self, X, y, accept_sparse="csc", dtype=np.float64, multi_output=True,
            y_numeric=False,
        )
        if self.strategy == "univariate":
            self.scores_, self.pvalues_ = _feature_scores(
                self.estimator_, X, y, verbose=self.verbose,
                **{**_score_settings(self), "discrete_features": discrete_features}
            )
            self.ranking_ = _ranks(self.scores_)
        else:
            self.scores_, self.ranking_ = _greedy_selection(
                self.strategy, self.estimator_, X, y,
                n_select=self._n_selected(X.shape[1]),
                discrete_features=discrete_features,
                discrete_target=self.discrete_target,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
            self.pvalues_ = None
        _warn_if_copied_records(X, y)
        if self.k not in (None, "all") and self.k > X.shape[1]:
            warnings.warn(
                f"k={self.k} is greater than n_features={X.shape[1]}. All the features "
                "will be returned.",
                UserWarning,
            )
        return self

    def _check_selection_params(self):
        chosen = [
            name for name, value in
            (("k", self.k), ("percentile", self.percentile), ("threshold", self.threshold))
            if value is not None
        ]
        if len(chosen) != 1:
            raise ValueError(
                "k, percentile and threshold are mutually exclusive: set exactly one "
                f"(k=None to select by percentile or threshold); got {_describe(self)}"
            )
        if self.strategy != "univariate":
            if self.k is None:
                raise ValueError(
                    f"strategy={self.strategy!r} selects a number of features, k, one at "
                    "a time; percentile and threshold apply to strategy='univariate' "
                    f"only. Got {_describe(self)}"
                )
            if self.n_permutations:
                raise ValueError(
                    "n_permutations applies to strategy='univariate' only (p-values of "
                    f"each feature's own MI); got strategy={self.strategy!r} and "
                    f"n_permutations={self.n_permutations}"
                )

    def _n_selected(self, n_features):
        return n_features if self.k == "all" else min(self.k, n_features)

    def _get_support_mask(self):
        check_is_fitted(self, "scores_")
        scores = self.scores_
        n_features = scores.shape[0]
        if self.strategy != "univariate":
            # The first k picks; a smaller k after fitting is a prefix of the same order.
            return self.ranking_ <= self._n_selected(n_features)
        if self.k is not None:
            if self.k == "all" or self.k >= n_features:
                return np.ones(n_features, dtype=bool)
            mask = np.zeros(n_features, dtype=bool)
            if self.k:
                # SelectKBest's tie-breaking: stable sort, the later of equal scores kept.
                mask[np.argsort(scores, kind="mergesort")[-self.k:]] = True
            return mask
        if self.percentile is not None:
            if self.percentile == 100:
                return np.ones(n_features, dtype=bool)
            if self.percentile == 0:
                return np.zeros(n_features, dtype=bool)
            cut = np.percentile(scores, 100 - self.percentile)
            mask = scores > cut
            ties = np.flatnonzero(scores == cut)
            if ties.size:
                keep = int(self.percentile * n_features / 100) - mask.sum()
                mask[ties[:max(keep, 0)]] = True
            return mask
        return scores >= self.threshold


def _describe(selector):
    return f"k={selector.k!r}, percentile={selector.percentile!r}, threshold={selector.threshold!r}"


def _warn_if_copied_records(X, y):
    """Warn when duplicated records are more than ``COPIED_SHARE`` of the samples: each
    feature's score reads a record's copies as dependence (with every row twice, four
    noise features beside one informative one scored 0.72-0.80 nats, not 0)."""
    import scipy.sparse
    import torch

    from ..estimators._nonparametric import COPIED_SHARE, copied_share

    if scipy.sparse.issparse(X):
        return  # discrete features, whose repeats are the data's
    # A read-only X (pandas' copy-on-write arrays) is copied: torch warns on one.
    x = torch.as_tensor(np.require(X, requirements="W"))
    y_values = np.asarray(y)
    if y_values.dtype.kind not in "biuf":
        y_values = np.unique(y_values, return_inverse=True)[1]
    y_values = np.require(y_values.reshape(len(x), -1), requirements="W")
    share = copied_share(x, torch.as_tensor(y_values, dtype=x.dtype))
    if share > COPIED_SHARE:
        warnings.warn(
            f"MutualInfoSelector: {share:.0%} of the samples are copies of another one, "
            "with the same X and y, which no other sample has, as duplicated records "
            "are: each feature's score reads the copies as dependence (with every row "
            "twice, noise features scored 0.72-0.80 nats instead of 0). Drop duplicated "
            "records (pandas.DataFrame.drop_duplicates) where they are artefacts.",
            UnreliableEstimateWarning,
            stacklevel=user_stacklevel(),
        )
