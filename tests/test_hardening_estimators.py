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


def test_ksg_saturated_by_too_many_columns_is_not_called_a_function():
    # 100 independent columns against 1: X's own neighbours are the joint ones, as for
    # y = f(X), but the estimate is about 0, far below the cap of 5.98 nats; the
    # warning said that y was a function of X and that 0.003 nats was "capped".
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 100))
    for y in (rng.normal(size=1000), X.sum(1)):
        with pytest.warns(UnreliableEstimateWarning) as record:
            value = skmist.KSGEstimator().fit(X, y).mi_
        (message,) = [str(w.message) for w in record]
        assert abs(value) < 0.1
        assert "far below the 5.98 nats" in message
        assert "X or y has too many columns for 1000 samples" in message
        assert "capped" not in message
    # Functions of one or two columns stay near the cap, with the function warning.
    with pytest.warns(UnreliableEstimateWarning, match="one-to-one function of X"):
        assert skmist.KSGEstimator().fit(X[:, :2], X[:, :2].sum(1)).mi_ > 2


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


def test_ksg_warns_on_duplicated_records_but_not_on_rounded_values():
    import warnings

    from conftest import gaussian_pair

    # Every row twice (at most n_neighbors copies): 1.28 nats for 0.50, silently.
    X, y = gaussian_pair(2000, 2, 0.5, seed=0)
    twice = np.repeat(X, 2, axis=0), np.repeat(y, 2, axis=0)
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"100% of the samples are copies.*biased upwards"):
        assert skmist.KSGEstimator(scale="quantile").fit(*twice).mi_ > 1.0
    with pytest.warns(UnreliableEstimateWarning, match=r"100% of the samples are copies"):
        skmist.ConditionalKSGEstimator(conditioning=[0]).fit(*twice)
    # 10 % of the samples in copied pairs: +0.04 nats, warned; 4 %: +0.015, not.
    rows = np.random.default_rng(1).permutation(2000)
    for extra, warned in ((100, True), (40, False)):
        more = (np.vstack([X, X[rows[:extra]]]), np.vstack([y, y[rows[:extra]]]))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            skmist.KSGEstimator(scale="quantile").fit(*more)
        assert any("are copies" in str(w.message) for w in caught) is warned
    # Values rounded to 0.01 repeat 6 % of the samples, each x with other y: the copies
    # are neighbours the data had anyway, and the estimate is right.
    X, y = gaussian_pair(10_000, 1, 0.41, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreliableEstimateWarning)
        rounded = skmist.KSGEstimator(scale="quantile").fit(np.round(X, 2), np.round(y, 2))
    assert rounded.mi_ == pytest.approx(0.41, abs=0.03)


def test_ksg_warns_when_the_jitter_swamps_an_offset_column(x):
    rng = np.random.default_rng(4)
    X = 1.0 + 1e-12 * x  # an offset 1e12 times the spread: the jitter is 100 spreads
    y = x[:, 0] + rng.normal(size=200)
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"X column 0 has a common offset.*measures the jitter"):
        skmist.KSGEstimator(random_state=0).fit(X, y)


# --- the nonparametric estimators at any magnitude (issue 17) -------------------------


def _quiet(make, X, y):
    """``make().fit(X, y).mi_`` with no warning at all."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return make().fit(X, y).mi_


@pytest.fixture
def pair():
    from conftest import gaussian_pair

    return gaussian_pair(200, 2, 0.5, seed=0)


@pytest.mark.parametrize("scale_x, scale_y", [
    (1e300, 1e300), (1e-300, 1e-300), (1.0, 1e300), (1e-300, 1.0), (1e30, 1e-30),
])
def test_ksg_estimates_do_not_depend_on_magnitude(pair, scale_x, scale_y):
    # The variance of 1e300-scaled columns overflowed (inf: KSG gave 0.04 for 0.50),
    # that of 1e-300-scaled ones underflowed (0: the column went unscaled and the
    # jitter swamped it); ConditionalKSG gave 2e-16 for 0.29.
    x, y = pair
    ksg = lambda: skmist.KSGEstimator(random_state=0)  # noqa: E731
    cmi = lambda: skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0)  # noqa
    for make, expected in ((ksg, 0.5027703595823505), (cmi, 0.2895)):
        value = _quiet(make, x * scale_x, y * scale_y)
        assert value == pytest.approx(_quiet(make, x, y), abs=1e-12)
        assert value == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("scale_x, scale_y", [(1e300, 1e300), (1.0, 1e-300), (1e-30, 1e30)])
def test_kde_and_gaussian_estimates_do_not_depend_on_magnitude(pair, scale_x, scale_y):
    # KDE: NaN at y * 1e-300, 0 for 0.40 at 1e300. Gaussian: "cov has NaN or infinite
    # entries" at x * 1e300, "constant coordinate" at y * 1e-300.
    x, y = pair
    for make, expected in ((skmist.KDEEstimator, 0.40347), (skmist.GaussianEstimator, 0.58514)):
        value = _quiet(make, x * scale_x, y * scale_y)
        assert value == pytest.approx(_quiet(make, x, y), abs=1e-12)
        assert value == pytest.approx(expected, abs=1e-5)


def test_functional_gaussian_mi_of_tiny_float32_values():
    # Squares of 1e-30 underflow in float32: the covariance was all zeros.
    from skmist import functional as F
    from conftest import gaussian_pair

    x, y = gaussian_pair(500, 1, 0.5, seed=1)
    expected = float(F.gaussian_mi(x, y))
    tiny = float(F.gaussian_mi((x * 1e-30).astype(np.float32), (y * 1e-30).astype(np.float32)))
    assert tiny == pytest.approx(expected, abs=1e-5)


def test_ksg_parity_with_scikit_learn_survives_the_scale_safe_std():
    from sklearn.feature_selection import mutual_info_regression

    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, 1)) * 1e-3 + 40.0
    y = np.sin(x[:, 0] * 1e3) + 0.3 * rng.normal(size=300)
    ours = skmist.KSGEstimator(random_state=0).fit(x, y).mi_
    assert ours == pytest.approx(mutual_info_regression(x, y, random_state=0)[0], abs=1e-15)


@pytest.mark.parametrize("make, n_columns", [
    (lambda: skmist.KSGEstimator(random_state=0), 1),
    (lambda: skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0), 2),
    (skmist.KDEEstimator, 2),
    (skmist.GaussianEstimator, 1),
])
def test_nonparametric_estimators_warn_on_three_distinct_samples(make, n_columns):
    # Gaussian gave 0.87 nats on three independent rows, KDE 0.33, KSG (three rows
    # repeated twice) 0.06, silently.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(3, n_columns)), rng.normal(size=3)
    X, y = np.concatenate([X, X]), np.concatenate([y, y])
    est = make()
    with pytest.warns(UnreliableEstimateWarning, match=r"from 3 distinct samples.*too few"):
        est.fit(X, y)
    assert np.isfinite(est.mi_)
    with pytest.warns(UnreliableEstimateWarning, match=r"from 3 distinct samples"):
        est.score(X, y)


def test_kde_warns_on_two_samples():
    with pytest.warns(UnreliableEstimateWarning, match=r"KDEEstimator.*2 distinct samples"):
        skmist.KDEEstimator().fit(np.array([[0.0], [1.0]]), np.array([1.0, 3.0]))


def test_gaussian_refuses_fewer_distinct_rows_than_columns():
    # Two rows repeated twice: a singular covariance, reported as "a coordinate is a
    # linear function of others; the Gaussian MI is infinite".
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2, 2)), rng.normal(size=2)
    X, y = np.concatenate([X, X]), np.concatenate([y, y])
    with pytest.raises(ValueError, match=r"2 distinct samples \(rows\), too few .* at least 4"):
        skmist.GaussianEstimator().fit(X, y)


def test_gaussian_warns_when_its_plug_in_bias_rivals_the_estimate():
    # 8 independent rows in 3 + 2 dimensions: +2.16 nats, silently; the known bias
    # there is 0.78 nats.
    from skmist.functional import gaussian_mi_bias

    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"plug-in over 3 \+ 2 dimensions from 8 samples.*about 0\.783 "
                      r"nats.*too many dimensions"):
        est = skmist.GaussianEstimator().fit(X, y)
    assert est.mi_ > gaussian_mi_bias(3, 2, 8)  # mostly bias: the truth is 0
    # 5000 rows: a bias of 0.0006 nats, no warning.
    X, y = rng.normal(size=(5000, 3)), rng.normal(size=(5000, 2))
    assert abs(_quiet(skmist.GaussianEstimator, X, y)) < 0.01


def test_conditional_ksg_warns_when_y_copies_a_measured_column():
    # I(X; y | Z) is infinite: it returned 1.4 nats, silently.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"ConditionalKSGEstimator: for 100% of the samples.*outside the "
                      r"conditioning.*infinite"):
        skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0).fit(X, X[:, 1])


def test_conditional_ksg_does_not_warn_when_y_copies_the_conditioning():
    # I(X; y | Z) = 0 when y is Z: the counts that saturate for y = X do not here.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    est = lambda: skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0)  # noqa
    # Not exactly 0: the jitter makes y and Z differ by 1e-10, which moves a count
    # by one where the k-th neighbour's distance is that in y.
    assert _quiet(est, X, X[:, 0]) == pytest.approx(0.0, abs=0.1)
    assert _quiet(est, np.c_[X[:, 0], X[:, 0]], X[:, 1]) == pytest.approx(0.0, abs=0.1)


def test_conditional_ksg_warns_when_the_jitter_swamps_an_offset_column():
    # At an offset of 1e12 it returned 0.009 nats for 0.29, silently.
    from conftest import gaussian_pair

    x, y = gaussian_pair(200, 2, 0.5, seed=0)
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"X column 0, X column 1, y has a common offset.*noise=0\."):
        skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0).fit(
            x - 1e12, y[:, 0] - 1e12)


def test_ksg_estimators_warn_once_on_y_equal_x():
    # Their own check replaces the base class's linear one (two warnings for one fault).
    import warnings

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    for est in (skmist.KSGEstimator(random_state=0),
                skmist.ConditionalKSGEstimator(conditioning=[0], random_state=0)):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            est.fit(X, X[:, 1])
        assert [str(w.message).split(":")[0] for w in record] == [type(est).__name__]
        assert record[0].filename == __file__


def test_ksg_warns_that_an_estimate_still_growing_with_n_is_a_lower_bound():
    # y = sin(5x) without noise has an unbounded MI; KSG gave 2.9 nats at n = 2000
    # (4.5 at n = 10,000) with no warning: no single sample saturates its counts, as the
    # folds of the sine put other branches among y's neighbours.
    import warnings

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 1))
    est = skmist.KSGEstimator(random_state=0).fit(x, np.sin(5 * x[:, 0]))
    with pytest.warns(UnreliableEstimateWarning,
                      match=r"on all 2000 samples is 0\.\d+ nats above .* on halves of "
                            r"them: it is still growing with the sample size"):
        value, std = est.estimate(x, np.sin(5 * x[:, 0]), return_std=True, random_state=0)
    assert 2 < value < 4
    # A strong but noisy dependence, converged at this n, is not flagged (MI 2.33).
    X = rng.normal(size=(2000, 2))
    y = 0.95 * X + np.sqrt(1 - 0.95**2) * rng.normal(size=(2000, 2))
    est = skmist.KSGEstimator(2, 2, scale="quantile", random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreliableEstimateWarning)
        value, _ = est.estimate(X, y, return_std=True, random_state=0)
    assert value == pytest.approx(-np.log(1 - 0.95**2), abs=0.1)


def test_ksg_saturated_by_a_y_of_few_values_names_it_not_the_column_count():
    # A y of three grades saturates the counts (the joint neighbours are the samples
    # sharing the grade); the warning said that X or y had too many columns.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 3))
    y = np.digitize(x[:, 0], [-0.5, 0.5]) + 0.5
    with pytest.warns(UnreliableEstimateWarning) as record:
        skmist.KSGEstimator(2, 2).fit(x, y)
    (message,) = [str(w.message) for w in record]
    assert "as y has 3 distinct values among 3000 samples" in message
    assert "discrete_target=True" in message
    assert "too many columns" not in message
