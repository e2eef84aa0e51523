"""Feature selection by mutual information.

* :class:`MutualInfoSelector`: a scikit-learn selector (like ``SelectKBest``) that
  scores every feature by its MI with the target, with any skmist estimator.
* :func:`mutual_info_scores`: the same scores as a score function for ``SelectKBest``
  and ``SelectPercentile``, optionally with permutation-test p-values.
* :func:`mutual_info_matrix`: MI between every pair of columns.

``MutualInfoSelector(strategy=...)`` also selects greedily, skipping features that
repeat the information of those already chosen: mRMR, JMI and CMIM, three of the
criteria that Brown et al. (2012) derive as approximations of conditional likelihood
maximisation. Each step scores all remaining features against the feature just chosen
in one pass (:func:`skmist.functional.featurewise_ksg` for redundancy,
:func:`skmist.functional.featurewise_conditional_ksg` for conditional relevance).

With a :class:`~skmist.KSGEstimator` (the default) all features are scored in one pass
(:func:`skmist.functional.featurewise_ksg`) after scikit-learn's preprocessing in
scikit-learn's order, so the scores equal ``mutual_info_regression`` and
``mutual_info_classif`` for the same ``random_state``. Any other estimator is cloned
and fitted once per feature. The work is spread over ``n_jobs`` joblib workers, which
``joblib.parallel_config(backend="dask")`` sends to a dask cluster.
"""

# One module a job: _scores (univariate scores and permutation p-values), _greedy
# (mRMR, JMI, CMIM), _selector (the selector), _pairwise (the matrix); under them
# _estimators (KSG's one pass, or a clone per column), _inputs (X and y as those take
# them) and _parallel (joblib). _ranks and STRATEGIES stay importable from here.

from ._pairwise import mutual_info_matrix
from ._scores import MutualInfoScores, _ranks, mutual_info_scores  # noqa: F401
from ._selector import STRATEGIES, MutualInfoSelector  # noqa: F401

__all__ = ["MutualInfoScores", "MutualInfoSelector", "mutual_info_matrix", "mutual_info_scores"]
