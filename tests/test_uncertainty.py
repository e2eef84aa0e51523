"""``estimate(X, y, return_std=True)``: standard errors that match the spread they claim."""

import inspect

import numpy as np
import pytest
import torch

from skmist import (BinnedEstimator, GaussianEstimator, KSGEstimator, SMILEEstimator,
                    UnreliableEstimateWarning)
from skmist.estimators import all_estimators

RHO = 0.8
TRUE_MI = -0.5 * np.log(1 - RHO**2)


def draw(rng, n):
    x = rng.normal(size=n)
    return x[:, None], RHO * x + np.sqrt(1 - RHO**2) * rng.normal(size=n)


@pytest.mark.parametrize("estimator", [GaussianEstimator(), KSGEstimator()], ids=repr)
def test_nonparametric_intervals_cover_the_truth(estimator):
    # Both are (nearly) unbiased here, so 95% intervals should hold the truth about 95%
    # of the time, and the standard error should match the spread over repeats.
    rng = np.random.default_rng(0)
    repeats = 50
    values, errors = [], []
    for r in range(repeats):
        X, y = draw(rng, 600)
        value, error = estimator.fit(X, y).estimate(X, y, return_std=True, random_state=r)
        assert value == pytest.approx(estimator.score(X, y))
        values.append(value)
        errors.append(error)
    values, errors = np.array(values), np.array(errors)
    coverage = np.mean(np.abs(values - TRUE_MI) < 1.96 * errors)
    assert 0.85 <= coverage <= 1.0
    assert np.mean(errors) == pytest.approx(np.std(values), rel=0.3)


def test_the_jackknife_of_a_subsample_scaled_to_all_rows_still_covers(monkeypatch):
    # Large data draw the halves from JACKKNIFE_ROWS rows and scale the variance by
    # m / n; here 200 of 600 rows, as 20,000 of 60,000 would be.
    import skmist.estimators._nonparametric as nonparametric

    monkeypatch.setattr(nonparametric, "JACKKNIFE_ROWS", 200)
    rng = np.random.default_rng(0)
    values, errors = [], []
    for r in range(50):
        X, y = draw(rng, 600)
        value, error = KSGEstimator().fit(X, y).estimate(X, y, return_std=True,
                                                         random_state=r)
        values.append(value)
        errors.append(error)
    values, errors = np.array(values), np.array(errors)
    assert 0.85 <= np.mean(np.abs(values - TRUE_MI) < 1.96 * errors) <= 1.0
    assert np.mean(errors) == pytest.approx(np.std(values), rel=0.3)
    # The estimate still grows with n where it should: y = sin 5x has no noise.
    x = np.random.default_rng(1).normal(size=(3000, 1))
    with pytest.warns(UnreliableEstimateWarning, match="still growing"):
        KSGEstimator().fit(x, np.sin(5 * x[:, 0])).estimate(x, np.sin(5 * x[:, 0]),
                                                            return_std=True, random_state=0)


def test_neural_standard_error_matches_the_spread_over_fresh_samples():
    rng = np.random.default_rng(1)
    X, y = draw(rng, 3000)
    model = SMILEEstimator(hidden_dims=(32,), max_iter=400, random_state=0).fit(X, y)
    fitted_mi = model.mi_
    values, errors = [], []
    for _ in range(30):
        value, error = model.estimate(*draw(rng, 1000), return_std=True)
        values.append(value)
        errors.append(error)
    # The delta-method error covers the evaluation's sampling variability: the spread
    # of the estimate over fresh held-out samples with the same fitted model.
    assert np.mean(errors) == pytest.approx(np.std(values), rel=0.4)
    assert model.mi_ == fitted_mi  # estimating leaves the fitted state alone
    a, b = draw(rng, 500)
    assert model.estimate(a, b) == model.score(a, b)
    assert isinstance(model.estimate(torch.tensor(a), torch.tensor(b)), float)


@pytest.mark.parametrize("quantization", ["kmeans", "uniform"])
def test_binned_standard_error_matches_the_spread_over_fresh_samples(quantization):
    rng = np.random.default_rng(2)
    model = BinnedEstimator(n_bins=8, quantization=quantization, random_state=0).fit(
        *draw(rng, 3000)
    )
    values, errors = zip(*(model.estimate(*draw(rng, 2000), return_std=True)
                           for _ in range(40)))
    assert np.mean(errors) == pytest.approx(np.std(values), rel=0.3)
    a, b = draw(rng, 500)
    assert model.estimate(a, b) == model.score(a, b)
    labels = np.where(b > 0, "up", "down")
    categorical = BinnedEstimator(n_bins=8, random_state=0).fit(a, labels)
    value, error = categorical.estimate(a, labels, return_std=True)
    assert value == categorical.mi_ and 0 < error < 0.05


@pytest.mark.parametrize("cls", [entry.cls for entry in all_estimators()])
def test_estimate_has_one_signature(cls):
    """Every estimator's estimate takes the same keywords, so a caller (estimate_mi,
    the scorer) passes random_state to any of them."""
    signature = inspect.signature(cls.estimate)
    assert list(signature.parameters)[:3] == ["self", "X", "y"]
    keywords = {name: p.default for name, p in signature.parameters.items()
                if p.kind is p.KEYWORD_ONLY}
    assert keywords == {"return_std": False, "random_state": None}


def test_the_jackknife_is_drawn_by_random_state():
    X, y = draw(np.random.default_rng(2), 300)
    estimator = KSGEstimator().fit(X, y)
    first = estimator.estimate(X, y, return_std=True, random_state=0)
    assert estimator.estimate(X, y, return_std=True, random_state=0) == first
    other = estimator.estimate(X, y, return_std=True, random_state=1)
    assert other[0] == first[0] and other[1] != first[1]
