"""BinnedEstimator and PQEstimator: exact on discrete data, the plug-in of
skmist.functional on the codes, and their measured bias on Gaussians.

(scikit-learn's checks of both run in test_generative.py.)
"""

import math
import re

import numpy as np
import pytest
import torch

import skmist
from conftest import gaussian_pair
from skmist import functional as F

pytestmark = pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_binned_is_the_plug_in_of_discrete_data():
    # k-means with a code per distinct value keeps discrete data as it is.
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, 3000)
    b = (a + rng.integers(0, 2, 3000)) % 4
    x, y = a[:, None].astype(float), b[:, None].astype(float)
    est = skmist.BinnedEstimator(n_bins=8, random_state=0).fit(x, y)
    expected = F.discrete_mi(torch.as_tensor(a), torch.as_tensor(b)).item()
    assert est.mi_ == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(math.log(4) - math.log(2), abs=0.02)
    # A categorical y keeps its categories as codes.
    labels = np.array(list("wxyz"))[b]
    assert skmist.BinnedEstimator(n_bins=8).fit(x, labels).mi_ == pytest.approx(expected)


def test_uniform_binning_is_the_histogram_on_the_training_range():
    x, y = gaussian_pair(3000, 1, 0.5, 0)
    est = skmist.BinnedEstimator(quantization="uniform", n_bins=10).fit(x, y)
    histogram = F.histogram_mi(torch.as_tensor(x), torch.as_tensor(y), bins=10).item()
    assert est.mi_ == pytest.approx(histogram, abs=1e-9)
    # New data is cut by the training bins, clipped to the outer ones.
    x_test, y_test = gaussian_pair(3000, 1, 0.5, 1)
    assert est.score(3 * x_test, y_test) < est.score(x_test, y_test)


def test_binned_with_miller_madow_on_a_gaussian():
    # n = 5000, 32 k-means codes per side, d=1, MI 0.5, scored on 5000 fresh rows; 3
    # seeds: +0.052 +- 0.008 plain, +0.002 +- 0.009 with Miller-Madow.
    x, y = gaussian_pair(5000, 1, 0.5, 100)
    x_test, y_test = gaussian_pair(5000, 1, 0.5, 200)
    plain = skmist.BinnedEstimator(random_state=0).fit(x, y).score(x_test, y_test)
    corrected = skmist.BinnedEstimator(correction="miller-madow", random_state=0)
    corrected = corrected.fit(x, y).score(x_test, y_test)
    assert 0.5 + 0.02 < plain < 0.5 + 0.09
    assert corrected == pytest.approx(0.5, abs=0.04)


@pytest.mark.parametrize("quantization", ["kmeans", "learned", "uniform"])
def test_pq_is_a_lower_bound_close_to_the_truth_in_one_dimension(quantization):
    # 300 steps, n = 3000, d=1, MI 0.5, 32 codes: measured -0.048 to -0.058 (k-means)
    # and -0.046 to -0.054 (learned) over 3 seeds: the quantization loses ~0.03.
    x, y = gaussian_pair(3000, 1, 0.5, 100)
    x_test, y_test = gaussian_pair(3000, 1, 0.5, 200)
    est = skmist.PQEstimator(quantization=quantization, max_iter=300, n_iter_no_change=None,
                             random_state=0).fit(x, y)
    assert 0.5 - 0.09 <= est.score(x_test, y_test) <= 0.5 + 0.03
    if quantization == "learned":
        assert est.model_["codebook"].centres.requires_grad


def test_pq_codebook_is_fitted_on_standardized_y():
    x, y = gaussian_pair(1000, 2, 1.0, 0)
    est = skmist.PQEstimator(n_bins=8, max_iter=5, random_state=0).fit(x, 1000 * y)
    centres = est.model_["codebook"].centres
    assert centres.shape == (8, 2)
    assert centres.abs().max() < 5


# Default budgets, n = 5000 to fit and 5000 fresh rows to score; measured score - truth
# over 3 seeds (mean +- sd):
#   PQ (32 k-means codes): d=1, MI 0.5: -0.025 +- 0.008; d=5, MI 0.5: -0.212 +- 0.013;
#       d=5, MI 2.0: -0.900 +- 0.020; d=1, MI 2.0: -0.121 +- 0.010. A lower bound on
#       I(x; Q(y)) <= I(x; y): 32 codes of a 5-d y lose much of its information.
#   Binned (32 codes per side): d=1, MI 0.5: +0.052 +- 0.008; d=5, MI 0.5: -0.176 +-
#       0.007; d=5, MI 2.0: -1.177 +- 0.013; d=1, MI 2.0: -0.097 +- 0.012.
#   Classifier (gradient-boosted trees of 8 codes of y): d=1, MI 0.5: -0.111 +- 0.008;
#       d=5, MI 0.5: -0.382 +- 0.010; d=5, MI 2.0: -1.403 +- 0.031; d=1, MI 2.0: -0.524
#       +- 0.002 (data seeds 100-102 and 200-202, random_state 0-2). 8 codes of y bound
#       I(x; Q(y)), which loses more than PQ's 32.
# Bands: the measured mean +- (3 sd + 0.02).
DEFAULT_BANDS = {
    "ClassifierEstimator": {(1, 0.5): (-0.16, -0.07), (5, 0.5): (-0.44, -0.33),
                            (5, 2.0): (-1.52, -1.29), (1, 2.0): (-0.55, -0.50)},
    "PQEstimator": {(1, 0.5): (-0.06, 0.05), (5, 0.5): (-0.26, -0.15),
                    (5, 2.0): (-0.98, -0.82), (1, 2.0): (-0.17, -0.07)},
    "BinnedEstimator": {(1, 0.5): (0.01, 0.10), (5, 0.5): (-0.22, -0.13),
                        (5, 2.0): (-1.24, -1.12), (1, 2.0): (-0.15, -0.04)},
    # -0.019 +- 0.016, -0.400 +- 0.012, -1.607 +- 0.012, -0.050 +- 0.012: the bound of
    # one column of y, a fifth of the MI for d = 5.
    "RegressorEstimator": {(1, 0.5): (-0.09, 0.05), (5, 0.5): (-0.46, -0.34),
                           (5, 2.0): (-1.67, -1.55), (1, 2.0): (-0.11, 0.01)},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEFAULT_BANDS))
@pytest.mark.parametrize("d, mi", [(1, 0.5), (5, 0.5), (5, 2.0), (1, 2.0)])
def test_default_accuracy(name, d, mi):
    x, y = gaussian_pair(5000, d, mi, 100)
    x_test, y_test = gaussian_pair(5000, d, mi, 200)
    score = getattr(skmist, name)(random_state=0).fit(x, y).score(x_test, y_test)
    low, high = DEFAULT_BANDS[name][(d, mi)]
    assert mi + low <= score <= mi + high


# --- ClassifierEstimator -------------------------------------------------------------


def test_classifier_route_learns_an_xor_the_network_route_misses():
    # y = sign(x0 x1) is a function of x: I = H(y) = log 2. Trees get it from 3000 rows.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 3))
    y = np.where(x[:, 0] * x[:, 1] > 0, "same", "opposite")
    est = skmist.ClassifierEstimator(random_state=0).fit(x[:3000], y[:3000])
    value, error = est.estimate(x[3000:], y[3000:], return_std=True)
    assert math.log(2) - 0.04 < value < math.log(2) + 0.01
    assert 0 < error < 0.01
    assert est.score_samples(x[3000:], y[3000:]).mean() == pytest.approx(value)


def laplace_classes(n, rng, n_classes=3, n_features=2):
    """Labels shifting features of Laplace noise, and H(y) - E[-log p(y | x)] by Monte
    Carlo over 200,000 draws of the true posterior."""
    means = 1.5 * rng.normal(size=(n_classes, n_features))

    def draw(m):
        labels = rng.integers(n_classes, size=m)
        return means[labels] + rng.laplace(size=(m, n_features)), labels

    x_mc, y_mc = draw(200_000)
    log_lik = -np.abs(x_mc[:, None] - means[None]).sum(-1)
    log_post = log_lik - np.logaddexp.reduce(log_lik, axis=1, keepdims=True)
    truth = math.log(n_classes) + log_post[np.arange(len(y_mc)), y_mc].mean()
    return (*draw(n), truth)


def test_classifier_route_is_close_to_the_true_mi_of_labels_in_laplace_noise():
    x, y, truth = laplace_classes(6000, np.random.default_rng(1))
    est = skmist.ClassifierEstimator(random_state=0).fit(x[:4800], y[:4800])
    assert truth - 0.06 < est.score(x[4800:], y[4800:]) < truth + 0.04


def test_a_class_of_two_rows_is_pooled_and_leaves_the_estimate_as_it_was():
    # Gradient boosting with a class of one row among many gave every row's class
    # probability ~0 (-22.7 nats); pooled, the rare class costs its own rows only.
    x, y, _ = laplace_classes(6000, np.random.default_rng(2))
    rare = y.copy()
    rare[:2] = 7
    plain = skmist.ClassifierEstimator(random_state=0).fit(x[:4800], y[:4800])
    pooled = skmist.ClassifierEstimator(random_state=0).fit(x[:4800], rare[:4800])
    assert list(pooled.pooled_codes_) == [3]  # the codes of 0, 1, 2 and 7
    assert pooled.score(x[4800:], rare[4800:]) == pytest.approx(
        plain.score(x[4800:], y[4800:]), abs=0.03)


def test_one_class_in_training_is_no_information():
    x = np.random.default_rng(0).normal(size=(200, 2))
    est = skmist.ClassifierEstimator().fit(x, np.ones(200, dtype=bool))
    assert est.classifier_ is None and est.mi_ == 0.0
    assert est.score(x[:50] + 1.0, np.ones(50, dtype=bool)) == 0.0


def test_a_given_classifier_is_cloned_and_seeded_only_where_it_is_not():
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    x, y, truth = laplace_classes(3000, np.random.default_rng(3))
    logistic = LogisticRegression()
    est = skmist.ClassifierEstimator(classifier=logistic, random_state=0).fit(x[:2000], y[:2000])
    assert est.classifier_ is not logistic and not hasattr(logistic, "coef_")
    assert est.classifier_.random_state is not None and logistic.random_state is None
    # A linear boundary is nearly right for Laplace noise in 2 columns.
    assert truth - 0.1 < est.score(x[2000:], y[2000:]) < truth + 0.04
    tree = DecisionTreeClassifier(random_state=5)
    est = skmist.ClassifierEstimator(classifier=tree, random_state=0).fit(x[:2000], y[:2000])
    assert est.classifier_.random_state == 5
    # A fully grown tree is sure of every training row and wrong on many new ones: its
    # bound is far below 0, and finite (a probability of 0 costs 27.6 nats).
    assert -27.7 < est.score(x[2000:], y[2000:]) < -1.0


def test_a_continuous_y_is_coded_and_bounded_from_below():
    x, y = gaussian_pair(10_000, 1, 0.5, seed=0)
    est = skmist.ClassifierEstimator(random_state=0).fit(x[:8000], y[:8000])
    assert est.codebook_y_.n_codes == 8
    assert 0.25 < est.score(x[8000:], y[8000:]) < 0.5 + 0.02


def test_the_classifier_route_warns_on_its_training_rows_and_on_few_rows():
    x, y, _ = laplace_classes(600, np.random.default_rng(4))
    est = skmist.ClassifierEstimator(random_state=0).fit(x[:500], y[:500])
    with pytest.warns(skmist.UnreliableEstimateWarning, match="rows the classifier was trained on"):
        est.score(x[:500], y[:500])
    with pytest.warns(skmist.UnreliableEstimateWarning, match="over the 5 samples"):
        est.score(x[500:505], y[500:505])


def test_a_label_unseen_in_fit_is_named_with_a_few_of_the_known_ones():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    est = skmist.ClassifierEstimator(random_state=0).fit(x, np.arange(300) % 30)
    with pytest.raises(ValueError, match=re.escape(
            "y has 1 values not seen during fit, e.g. 99; known categories are "
            "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9] and 20 more")):
        est.score(x[:3], np.array([1, 2, 99]))


# --- RegressorEstimator -------------------------------------------------------------


def test_the_regression_route_with_a_linear_regressor_is_the_gaussian_mi():
    # A linear predictor of y's normal scores gives the Gaussian copula's MI, which is
    # the MI of a Gaussian pair: 0.5 nats in 1 + 1.
    from sklearn.linear_model import LinearRegression

    x, y = gaussian_pair(6000, 1, 0.5, seed=0)
    est = skmist.RegressorEstimator(regressor=LinearRegression()).fit(x[:4000], y[:4000])
    value, error = est.estimate(x[4000:], y[4000:], return_std=True)
    assert value == pytest.approx(0.5, abs=3 * error) and error < 0.03
    assert est.score_samples(x[4000:], y[4000:]).mean() == pytest.approx(value)


def test_the_regression_route_sees_a_dependence_without_correlation():
    # y = |x_0| + noise: no correlation for a copula to see (about 0 nats), a true MI of
    # 1.08 (y's density by a 1-D integral), which the trees' held-out bound comes near.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 3))
    y = np.abs(x[:, 0]) + 0.2 * rng.normal(size=4000)
    bound = skmist.RegressorEstimator(random_state=0).fit(x[:3000], y[:3000]).score(
        x[3000:], y[3000:])
    copula = skmist.GaussianEstimator(copula=True).fit(x, y).mi_
    assert copula < 0.05 and 0.8 < bound < 1.08 + 0.05
    # Independent columns: about 0, from either side.
    y = rng.normal(size=4000)
    bound = skmist.RegressorEstimator(random_state=0).fit(x[:3000], y[:3000]).score(
        x[3000:], y[3000:])
    assert abs(bound) < 0.03


def test_the_regression_route_keeps_the_column_of_y_it_bounds_best():
    # Noise beside sin(2 x_0) + noise (the second column alone: 1.70 nats by a 1-D
    # integral, of which the trees' bound on 1500 rows holds 0.95).
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2000, 2))
    y = np.c_[rng.normal(size=2000), np.sin(2 * x[:, 0]) + 0.1 * rng.normal(size=2000)]
    est = skmist.RegressorEstimator(random_state=0).fit(x[:1500], y[:1500])
    assert est.column_ == 1 and 0.8 < est.score(x[1500:], y[1500:]) < 1.70
    # A constant y carries nothing.
    assert est.fit(x, np.ones(2000)).mi_ == 0.0


def test_the_regression_route_refuses_labels_and_warns_on_ties_and_its_training_rows():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 2))
    with pytest.raises(ValueError, match="RegressorEstimator needs a continuous y; y has "
                                         "non-numeric values"):
        skmist.RegressorEstimator().fit(x, np.where(x[:, 0] > 0, "up", "down"))
    with pytest.warns(skmist.UnreliableEstimateWarning, match="y has tied values"):
        est = skmist.RegressorEstimator(random_state=0).fit(x, np.round(x[:, 0]))
    with pytest.warns(skmist.UnreliableEstimateWarning,
                      match="rows the regressor was trained on"):
        est.score(x, np.round(x[:, 0]))
