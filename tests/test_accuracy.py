"""Accuracy of the discriminative estimators against closed-form MI of correlated
Gaussians: I(X; Y) = -d/2 log(1 - rho^2) for X, Y of d dimensions each.

Protocol, as a user would run it: fit on n samples, ``score`` on n fresh samples of the
same distribution. Tolerances come from the spread we measured over seeds (numbers in
the comments: mean and range of score - truth), plus the direction a bound allows: a
lower bound may not exceed the truth by more than its sampling error on held-out data.
"""

import contextlib
import math

import pytest

import skmist
from conftest import gaussian_pair

NAMES = [
    "NWJEstimator", "MINEEstimator", "InfoNCEEstimator", "TUBAEstimator",
    "AlphaTUBAEstimator", "JSEstimator", "SMILEEstimator", "FLOEstimator",
]
# Sampling error of a held-out estimate on 3000-5000 rows is ~0.01-0.02 nats; a valid
# lower bound (or the upward-biased DV / SMILE) may exceed the truth by 3 of those.
ABOVE = 0.05


def held_out_score(name, d, mi, n, seed, **params):
    x, y = gaussian_pair(n, d, mi, 100 + seed)
    x_test, y_test = gaussian_pair(n, d, mi, 200 + seed)
    est = getattr(skmist, name)(random_state=seed, **params).fit(x, y)
    return est.score(x_test, y_test)


# Small budget: (32,) critic, 400 steps, no early stopping, n = 3000; 3 seeds measured
# score - truth at d=1, MI 0.5 and d=2, MI 1.0: every estimator but FLO in
# [-0.050, -0.014] (mean -0.02 to -0.04); FLO in [-0.244, -0.053], its u(x, y) network
# learning the log-partition slowly at this budget. Tolerance below: the worst measured
# error plus 0.03 (twice the largest standard deviation).
FAST = dict(hidden_dims=(32,), max_iter=400, n_iter_no_change=None)
BELOW_FAST = {name: 0.08 for name in NAMES} | {"FLOEstimator": 0.28}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("d, mi", [(1, 0.5), (2, 1.0)])
def test_small_budget_accuracy(name, d, mi):
    score = held_out_score(name, d, mi, 3000, seed=0, **FAST)
    assert mi - BELOW_FAST[name] <= score <= mi + ABOVE


# Default budget (the estimators' defaults), n = 5000 to fit and 5000 fresh rows to
# score. Measured score - truth over 3 seeds (mean, sd):
#   d=1, MI 0.5: every estimator -0.014 to -0.033, sd <= 0.01
#   d=5, MI 0.5: every estimator -0.019 to -0.032, sd <= 0.009
#   d=5, MI 2.0: SMILE -0.036 (0.025), FLO -0.063 (0.011), AlphaTUBA -0.065 (0.027),
#                TUBA -0.065 (0.030), MINE -0.067 (0.030), NWJ -0.077 (0.057),
#                InfoNCE -0.119 (0.028; capped by log 128 and biased low at K=127),
#                JS -0.51 (0.50: NWJ evaluation of a JS critic, heavy-tailed)
#   d=1, MI 2.0 (rho = 0.991): SMILE -0.033 (0.058), AlphaTUBA -0.052 (0.014),
#                InfoNCE -0.072 (0.009), FLO -0.232 (0.006), MINE -0.77 (0.10),
#                TUBA -0.73 (0.16), NWJ -0.82 (0.31); JS unusable (scores of -0.7 to
#                -4e9 nats, flagged by UnreliableEstimateWarning, tested elsewhere).
# SMILE, InfoNCE and AlphaTUBA remeasured on their quantile default (standardize="auto"):
#   SMILE     -0.014 (0.011), -0.033 (0.006), -0.030 (0.026), -0.007 (0.076)
#   InfoNCE   -0.018 (0.008), -0.027 (0.008), -0.123 (0.026), -0.075 (0.011)
#   AlphaTUBA -0.016 (0.004), -0.024 (0.008), -0.067 (0.026), -0.077 (0.023)
# (in the order above); their tolerances are the larger of the two measurements'.
# The exp(critic) term of NWJ, TUBA and DV has a variance that makes these bounds
# hard to train on a sharp 1-D ridge; SMILE, InfoNCE and AlphaTUBA avoid it.
# Tolerance below the truth: |mean| + 3 sd, rounded up, at least 0.05.
BELOW_DEFAULT = {
    (1, 0.5): {name: 0.06 for name in NAMES},
    (5, 0.5): {name: 0.06 for name in NAMES},
    (5, 2.0): {
        "SMILEEstimator": 0.12, "FLOEstimator": 0.10, "AlphaTUBAEstimator": 0.15,
        "TUBAEstimator": 0.16, "MINEEstimator": 0.16, "NWJEstimator": 0.25,
        "InfoNCEEstimator": 0.21, "JSEstimator": 2.0,
    },
    (1, 2.0): {
        "SMILEEstimator": 0.24, "FLOEstimator": 0.25, "AlphaTUBAEstimator": 0.15,
        "TUBAEstimator": 1.22, "MINEEstimator": 1.07, "NWJEstimator": 1.76,
        "InfoNCEEstimator": 0.11, "JSEstimator": None,
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("d, mi", list(BELOW_DEFAULT))
def test_default_accuracy(name, d, mi):
    below = BELOW_DEFAULT[(d, mi)][name]
    unreliable = pytest.warns(skmist.UnreliableEstimateWarning)
    with unreliable if below is None else contextlib.nullcontext():
        score = held_out_score(name, d, mi, 5000, seed=0)
    assert score <= mi + ABOVE
    if below is not None:
        assert score >= mi - below
    if name == "InfoNCEEstimator":
        assert score <= math.log(128)


def test_smile_defaults_are_within_a_tenth_of_a_nat_on_a_5d_gaussian():
    # The promise of the defaults: no tuning for 0.1 nats at MI 2 in 5 dimensions.
    # (The fit and score take ~2 s, so this one runs in the fast suite too.)
    assert abs(held_out_score("SMILEEstimator", 5, 2.0, 5000, seed=1) - 2.0) < 0.1
