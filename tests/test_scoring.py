"""``conservative_mi_scorer``: by ``mi_bound``, the bound as it is, the DV lower bound of
the (clipped) critic less its Jensen bias, or the estimate less its standard error."""

import math

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skmist import (
    CLUBEstimator,
    InfoNCEEstimator,
    KSGEstimator,
    MINEEstimator,
    SMILEEstimator,
    conservative_mi_scorer,
)

RHO = 0.98  # MI = 1.61 nats
SMALL = dict(hidden_dims=(64,), max_iter=300, n_iter_no_change=None, device="cpu",
             random_state=0)


def gaussian(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1))
    return x, RHO * x + math.sqrt(1 - RHO**2) * rng.normal(size=(n, 1))


@pytest.fixture(scope="module")
def data():
    return gaussian(1500, 0), gaussian(1000, 1)


def dv_parts(estimator, X, y):
    terms = estimator._sample_terms(X, y).double()
    n = terms.shape[0]
    weights = torch.exp(terms[:, 1]) / torch.exp(terms[:, 1]).mean()
    jensen = float(((weights - weights.mean()) ** 2).sum() / (n - 1) / (2 * n))
    log_partition = float(torch.log(torch.exp(terms[:, 1]).mean()))
    return terms[:, 0], log_partition, jensen


def test_smile_is_scored_by_the_dv_bound_of_its_clipped_critic(data):
    (X, y), (X_test, y_test) = data
    smile = SMILEEstimator(tau=0.5, **SMALL).fit(X, y)
    positive, log_partition, jensen = dv_parts(smile, X_test, y_test)
    expected = float(positive.clamp(-0.5, 0.5).mean()) - log_partition - jensen
    assert conservative_mi_scorer(smile, X_test, y_test) == pytest.approx(expected, abs=1e-6)
    # The clip on the negatives alone lifts the estimate; with the critic clipped to
    # [-tau, tau] on both, the bound is at most 2 tau.
    assert smile.score(X_test, y_test) > 1.3 and expected < 2 * 0.5


def test_mine_is_scored_less_its_jensen_bias(data):
    (X, y), (X_test, y_test) = data
    mine = MINEEstimator(**SMALL).fit(X, y)
    _, _, jensen = dv_parts(mine, X_test, y_test)
    assert jensen > 1e-5
    assert conservative_mi_scorer(mine, X_test, y_test) == pytest.approx(
        mine.score(X_test, y_test) - jensen, abs=1e-6)


def test_a_lower_bound_is_scored_as_it_is_and_an_estimate_less_its_standard_error(data):
    (X, y), (X_test, y_test) = data
    infonce = InfoNCEEstimator(**SMALL).fit(X, y)
    assert conservative_mi_scorer(infonce, X_test, y_test) == infonce.score(X_test, y_test)
    ksg = KSGEstimator(random_state=0).fit(X, y)
    value, error = ksg.estimate(X_test, y_test, return_std=True, random_state=0)
    assert error > 0.01
    assert conservative_mi_scorer(ksg, X_test, y_test) == pytest.approx(value - error,
                                                                        abs=1e-12)


def test_an_upper_bound_style_estimate_is_refused(data):
    (X, y), (X_test, y_test) = data
    club = CLUBEstimator(max_iter=5, device="cpu", random_state=0).fit(X, y)
    with pytest.raises(TypeError, match=r"CLUBEstimator is an upper-bound-style estimate "
                                        r"\(mi_bound='upper'\).*"
                                        r"scoring=conditional_log_likelihood_scorer"):
        conservative_mi_scorer(club, X_test, y_test)


def test_grid_search_over_tau_no_longer_picks_the_smallest_clip(data):
    # By score, the smallest tau wins: clipping the negatives' critic values lifts the
    # estimate (at a larger budget, above the truth: see conservative_mi_scorer).
    (X, y), _ = data
    search = GridSearchCV(
        SMILEEstimator(**SMALL), {"tau": [0.5, 2.0, 5.0]}, cv=3, refit=False,
        scoring={"score": lambda est, X, y: est.score(X, y),
                 "conservative": conservative_mi_scorer},
    ).fit(X, y)
    taus = [params["tau"] for params in search.cv_results_["params"]]
    picks = {key: taus[int(np.argmax(search.cv_results_[f"mean_test_{key}"]))]
             for key in ("score", "conservative")}
    assert picks == {"score": 0.5, "conservative": 5.0}
