"""``estimate(X, y, return_std=True)``: standard errors that match the spread they claim."""

import numpy as np
import pytest
import torch

from skmist import BinnedEstimator, GaussianEstimator, KSGEstimator, SMILEEstimator

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


def test_n_subsamples_is_checked():
    X, y = draw(np.random.default_rng(2), 100)
    estimator = KSGEstimator().fit(X, y)
    with pytest.raises(ValueError, match="n_subsamples must be an integer >= 2"):
        estimator.estimate(X, y, return_std=True, n_subsamples=1)
