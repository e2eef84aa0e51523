"""The nonparametric estimators: scikit-learn compatibility, parity, accuracy, errors."""

import math
import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

import skmist.functional as F
from conftest import expected_failed_checks
from skmist import (
    GaussianEstimator,
    HistogramEstimator,
    KDEEstimator,
    KSGEstimator,
)

ESTIMATORS = [KSGEstimator, KDEEstimator, HistogramEstimator, GaussianEstimator]


# The defaults run in test_estimator_checks.py; these are the other code paths.
@parametrize_with_checks([
    KSGEstimator(mixed=True),
    HistogramEstimator(bins=4, soft=True),
    GaussianEstimator(copula=True, debias=True),
], expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# --- parity with scikit-learn's mutual_info_* (same preprocessing and noise) ----------


@pytest.mark.parametrize("n", [200, 2000])
def test_ksg_estimator_reproduces_mutual_info_regression(n):
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 1)) * 3.0
    y = 0.8 * x[:, 0] + 2.0 * rng.normal(size=n)
    expected = mutual_info_regression(x, y, random_state=0)[0]
    assert expected > 0.2
    assert KSGEstimator(random_state=0).fit(x, y).mi_ == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("n", [200, 2000])
def test_ksg_estimator_reproduces_mutual_info_classif(n):
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 1))
    labels = (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    expected = mutual_info_classif(x, labels, random_state=0)[0]
    assert expected > 0.2
    est = KSGEstimator(discrete_target=True, random_state=0).fit(x, labels)
    assert est.mi_ == pytest.approx(expected, abs=1e-9)


def test_ksg_estimator_discrete_features_match_sklearn():
    rng = np.random.default_rng(0)
    xd = rng.integers(0, 4, size=(1000, 1))
    y = xd[:, 0] + rng.normal(size=1000)
    expected = mutual_info_regression(xd, y, discrete_features=True, random_state=0)[0]
    est = KSGEstimator(discrete_features=[0], random_state=0).fit(xd, y)
    assert est.mi_ == pytest.approx(expected, abs=1e-9)
    labels = (xd[:, 0] + rng.integers(0, 2, 1000)) % 4
    expected = mutual_info_classif(xd, labels, discrete_features=True)[0]
    est = KSGEstimator(discrete_features=True, discrete_target=True).fit(xd, labels)
    assert est.mi_ == pytest.approx(expected, abs=1e-12)


def test_ksg_estimator_string_labels_are_discrete():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 1))
    labels = np.where(x[:, 0] > 0, "a", "b")
    est = KSGEstimator(random_state=0).fit(x, labels)
    assert est.mi_ == pytest.approx(
        mutual_info_classif(x, labels, random_state=0)[0], abs=1e-9
    )


# --- fit and score ----------------------------------------------------------------------


def gaussian_pair(n, d, mi, seed):
    rho = math.sqrt(1 - math.exp(-2 * mi / d))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    return x, rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(n, d))


@pytest.mark.parametrize(
    "estimator, function",
    [
        (KSGEstimator(noise=0, scale=False), lambda x, y: F.ksg(x, y)),
        (KDEEstimator(device="cpu"), lambda x, y: F.kde_mi(x, y)),
        (HistogramEstimator(bins=6), lambda x, y: F.histogram_mi(x, y, bins=6)),
        (GaussianEstimator(), F.gaussian_mi),
    ],
)
def test_score_recomputes_on_given_samples(estimator, function):
    x, y = gaussian_pair(600, 2, 0.5, seed=0)
    estimator.fit(x[:300], y[:300])
    expected = float(function(torch.tensor(x[300:]), torch.tensor(y[300:])))
    assert estimator.score(x[300:], y[300:]) == pytest.approx(expected, abs=1e-9)
    assert estimator.mi_ == pytest.approx(estimator.score(x[:300], y[:300]), abs=1e-12)


@pytest.mark.parametrize(
    "estimator, tolerance",
    [
        # n=5000, d=3 (+3), MI 1 nat, functional tests' measured bias and sd:
        (KSGEstimator(random_state=0), 0.0334 + 4 * 0.0215),
        (GaussianEstimator(), 0.0039 + 4 * 0.0182),
    ],
)
def test_accuracy_on_correlated_gaussian(estimator, tolerance):
    x, y = gaussian_pair(5000, 3, 1.0, seed=11)
    assert abs(estimator.fit(x, y).mi_ - 1.0) < tolerance


def test_tensors_in_and_pickling():
    x, y = gaussian_pair(300, 2, 0.5, seed=1)
    est = KSGEstimator(random_state=0).fit(torch.tensor(x), torch.tensor(y))
    assert est.mi_ == pytest.approx(KSGEstimator(random_state=0).fit(x, y).mi_, abs=1e-12)
    again = pickle.loads(pickle.dumps(est))
    assert again.score(x, y) == pytest.approx(est.score(x, y), abs=1e-12)
    assert clone(est).get_params() == est.get_params()


def test_gaussian_estimator_with_categorical_target():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 1))
    labels = np.where(x[:, 0] + 0.5 * rng.normal(size=2000) > 0, "up", "down")
    mi = GaussianEstimator().fit(x, labels).mi_
    assert 0.2 < mi < math.log(2)


def test_gaussian_copula_ignores_increasing_maps_and_bounds_the_mi_from_below():
    rng = np.random.default_rng(3)
    x = rng.standard_cauchy(size=(3000, 3))
    y = x[:, :1] + rng.standard_cauchy(size=(3000, 1))  # I(x; y) = log 2
    copula = GaussianEstimator(copula=True)
    value = copula.fit(x, y).mi_
    # Ranks are all the copula reads: increasing maps of the columns change nothing.
    assert copula.score(np.arcsinh(x) * 5 - 2, np.exp(y / 100)) == pytest.approx(
        value, abs=1e-12)
    # y has one column: a lower bound (measured 0.29), where the plug-in Gaussian MI
    # of the raw columns is at the mercy of the tails.
    assert 0.2 < value < math.log(2)


def test_gaussian_debias_subtracts_the_plug_in_bias_and_centres_independence():
    rng = np.random.default_rng(0)
    plain, debiased = GaussianEstimator(), GaussianEstimator(debias=True)
    values = []
    for _ in range(20):  # 20 + 1 independent columns, 300 rows: bias 0.035
        x, y = rng.normal(size=(300, 20)), rng.normal(size=300)
        value = debiased.fit(x, y).mi_
        assert value == pytest.approx(plain.fit(x, y).mi_ - F.gaussian_mi_bias(20, 1, 300),
                                      abs=1e-12)
        assert debiased.score_samples(x, y).mean() == pytest.approx(value, abs=1e-9)
        values.append(value)
    assert abs(np.mean(values)) < 0.01 < F.gaussian_mi_bias(20, 1, 300) - 0.02


# --- bad input --------------------------------------------------------------------------


def test_bad_input_errors():
    x, y = gaussian_pair(50, 2, 0.5, seed=0)
    with pytest.raises(ValueError, match=r"n_neighbors=50 must be smaller than n_samples=50"):
        KSGEstimator(n_neighbors=50).fit(x, y)
    with pytest.raises(ValueError, match=r"discrete_features index 2 is out of range for X with 2"):
        KSGEstimator(discrete_features=[2]).fit(x, y)
    with pytest.raises(ValueError, match=r"discrete_features is a boolean mask of shape \(3,\)"):
        KSGEstimator(discrete_features=[True, False, True]).fit(x, y)
    constant = x.copy()
    constant[:, 1] = 1.0
    for est in (KSGEstimator(), KDEEstimator(device="cpu"), HistogramEstimator(),
                GaussianEstimator()):
        with pytest.raises(ValueError, match=r"constant columns \[1\]"):
            est.fit(constant, y)
    with pytest.raises(ValueError, match=r"KDEEstimator needs a numeric, continuous y"):
        KDEEstimator(device="cpu").fit(x, np.where(y[:, 0] > 0, "a", "b"))
    with pytest.raises(ValueError, match=r"correction applies to hard bins only"):
        HistogramEstimator(soft=True, correction="miller-madow").fit(x, y)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN"):
        KSGEstimator().fit(bad, y)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_score_on_fits_data_reuses_the_estimate(cls, monkeypatch):
    # fit(X, y).score(X, y), and estimate_mi's estimate after fit, computed it twice.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    y = x[:, :1] + rng.normal(size=(300, 1))
    calls = []
    compute = cls._checked_estimate
    monkeypatch.setattr(cls, "_checked_estimate", lambda self, X, y, stacklevel: (
        calls.append(1) or compute(self, X, y, stacklevel)))
    est = cls().fit(x, y)
    assert len(calls) == 1
    assert est.score(x, y) == est.mi_ and est.estimate(x, y) == est.mi_
    assert len(calls) == 1
    # Other rows, or other parameters, are computed afresh.
    assert est.score(x[::-1], y[::-1]) == pytest.approx(est.mi_, abs=0.1)
    assert len(calls) == 2
    first = next(iter(est.get_params()))
    est.set_params(**{first: est.get_params()[first]})  # unchanged: still reused
    est.score(x, y)
    assert len(calls) == 2
    value, error = est.estimate(x, y, return_std=True, random_state=0)
    assert value == est.mi_ and error > 0
