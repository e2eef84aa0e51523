"""Every trained estimator passes scikit-learn's estimator checks (the nonparametric
ones run them in test_nonparametric_estimators.py, with their own parameters)."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import skmist
from conftest import expected_failed_checks
from skmist._neural import NeuralMIEstimator

ALL = [getattr(skmist, name) for name in skmist.estimators.__all__]
# A class with _checks_elsewhere takes other parameters than FAST and runs the checks
# in its own test module.
ESTIMATORS = [cls for cls in ALL if issubclass(cls, NeuralMIEstimator)
              and not getattr(cls, "_checks_elsewhere", False)]

# The checks fit 10-30 rows, where every estimate has a standard error above the
# warning threshold: the warning is right there and not what these checks test.
pytestmark = pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")

# Small critics and budgets: the checks test the plumbing, not the accuracy.
FAST = dict(hidden_dims=(8,), max_iter=5, batch_size=16, n_negatives=4, device="cpu")


def fast_instances():
    return [cls(**FAST) for cls in ESTIMATORS]


@parametrize_with_checks(fast_instances(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", ALL)
def test_tags_say_what_the_score_means(cls):
    expected = {
        "NWJEstimator": "lower",
        "InfoNCEEstimator": "lower",
        "TUBAEstimator": "lower",
        "AlphaTUBAEstimator": "lower",
        "JSEstimator": "lower",
        "FLOEstimator": "lower",
        "MINEEstimator": "biased",
        "SMILEEstimator": "estimate",
        "KSGEstimator": "estimate",
        "KDEEstimator": "estimate",
        "HistogramEstimator": "estimate",
        "GaussianEstimator": "estimate",
        "BAEstimator": "lower",
        "DoEEstimator": "estimate",
        "GMEstimator": "estimate",
        "CLUBEstimator": "upper",
        "L1OUTEstimator": "upper",
        "HybridEstimator": "estimate",
        "PQEstimator": "lower",
        "BinnedEstimator": "estimate",
        "ConditionalKSGEstimator": "estimate",
        "ChainRuleCMIEstimator": "estimate",
        "MINDEEstimator": "estimate",
        "MINDEEntropy": "estimate",
        "MMGEstimator": "estimate",
    }
    tags = cls().__sklearn_tags__()
    assert tags.mi_bound == expected[cls.__name__]
    # An entropy estimator fits X alone.
    assert tags.target_tags.required == (cls.__name__ != "MINDEEntropy")
