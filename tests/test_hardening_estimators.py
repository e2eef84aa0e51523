"""Degenerate input that used to give silent absurd values (issue 17, items 2 and 6):
constant columns, too many bins for the samples, deterministic and tied data."""

import numpy as np
import pytest

import skmist
from skmist import UnreliableEstimateWarning

FAST = dict(max_iter=5, hidden_dims=(8,), random_state=0)


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(200, 1))


@pytest.mark.parametrize("make", [
    lambda: skmist.DoEEstimator(**FAST),
    lambda: skmist.HybridEstimator(**FAST),
    lambda: skmist.GMEstimator(**FAST),
    lambda: skmist.CLUBEstimator(**FAST),
    lambda: skmist.L1OUTEstimator(**FAST),
    lambda: skmist.BAEstimator(entropy_y=1.0, **FAST),
])
def test_density_estimators_refuse_a_constant_y(make, x):
    # DoE and Hybrid returned -4 to -5 nats here, every term equal, no warning.
    with pytest.raises(ValueError, match=r"y has constant columns \[0\].*drop the column"):
        make().fit(x, np.ones(200))
    two_columns = np.c_[x[:, 0] + 1.0, np.full(200, 3.0)]
    with pytest.raises(ValueError, match=r"y has constant columns \[1\]"):
        make().fit(x, two_columns)


def test_gm_refuses_a_constant_x(x):
    with pytest.raises(ValueError, match=r"X has constant columns \[0\].*GMEstimator"):
        skmist.GMEstimator(**FAST).fit(np.ones((200, 1)), x[:, 0])


def test_doe_with_a_constant_x_is_near_zero(x):
    # Only the models of y see a constant x as a constant input: MI near 0.
    mi = skmist.DoEEstimator(**FAST).fit(np.ones((200, 1)), x[:, 0]).mi_
    assert abs(mi) < 0.05


def test_minde_entropy_refuses_a_constant_column(x):
    X = np.c_[x[:, 0], np.ones(200)]
    with pytest.raises(ValueError, match=r"X has constant columns \[1\].*-inf"):
        skmist.MINDEEntropy(max_iter=5, hidden_dims=(8,), random_state=0).fit(X)


@pytest.mark.parametrize("make, parameter", [
    (lambda: skmist.BinnedEstimator(random_state=0), "n_bins"),
    (lambda: skmist.HistogramEstimator(), "bins"),
    (lambda: skmist.HistogramEstimator(soft=True), "bins"),
])
def test_plugin_estimators_warn_on_too_many_bins(make, parameter):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(50, 1)), rng.normal(size=50)  # independent: MI = 0
    message = rf"too many bins for the samples.*{parameter}=3 keeps"
    with pytest.warns(UnreliableEstimateWarning, match=message):
        est = make().fit(x, y)
    assert est.mi_ > 0.1  # the bias the warning is about (the truth is 0)
    with pytest.warns(UnreliableEstimateWarning, match=message):
        est.score(x, y)
    with pytest.warns(UnreliableEstimateWarning, match=message):
        est.estimate(x, y)


def test_plugin_estimators_do_not_warn_with_enough_samples():
    rng = np.random.default_rng(2)
    rho = np.sqrt(1 - np.exp(-1.0))  # MI = 0.5 nats
    x = rng.normal(size=(10000, 1))
    y = rho * x[:, 0] + np.sqrt(1 - rho**2) * rng.normal(size=10000)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreliableEstimateWarning)
        binned = skmist.BinnedEstimator(random_state=0).fit(x, y).mi_
        histogram = skmist.HistogramEstimator().fit(x, y).mi_
    assert binned == pytest.approx(0.5, abs=0.06)
    assert histogram == pytest.approx(0.5, abs=0.06)


def test_ksg_warns_that_y_equal_x_is_capped_by_the_sample_size(x):
    # It returned 4.4 +- 0.000 nats for an infinite MI, silently.
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"for 100% of the samples.*one-to-one function of X.*"
                      r"capped by the sample size"):
        skmist.KSGEstimator(random_state=0).fit(x, x[:, 0])
    with pytest.warns(UnreliableEstimateWarning, match="one-to-one function"):
        skmist.KSGEstimator(random_state=0, variant=2).fit(x, x[:, 0] ** 3)


def test_ksg_does_not_warn_on_strong_but_finite_dependence(x):
    import warnings

    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 1))
    y = 0.99 * X[:, 0] + np.sqrt(1 - 0.99**2) * rng.normal(size=2000)  # MI 1.96
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreliableEstimateWarning)
        assert skmist.KSGEstimator(random_state=0).fit(X, y).mi_ == pytest.approx(
            1.96, abs=0.1)


def test_ksg_warns_on_repeated_rows(x):
    X = np.repeat(x[:10], 20, axis=0)
    y = np.repeat(x[:10, 0] + 1.0, 20)
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"100% of the samples repeat their \(X, y\).*mixed=True"):
        skmist.KSGEstimator(random_state=0).fit(X, y)


def test_ksg_warns_when_the_jitter_swamps_an_offset_column(x):
    rng = np.random.default_rng(4)
    X = 1.0 + 1e-12 * x  # an offset 1e12 times the spread: the jitter is 100 spreads
    y = x[:, 0] + rng.normal(size=200)
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"X column 0 has a common offset.*measures the jitter"):
        skmist.KSGEstimator(random_state=0).fit(X, y)
