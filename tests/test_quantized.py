"""BinnedEstimator and PQEstimator: exact on discrete data, the plug-in of
skmist.functional on the codes, and their measured bias on Gaussians.

(scikit-learn's checks of both run in test_generative.py.)
"""

import math

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
# Bands: the measured mean +- (3 sd + 0.02).
DEFAULT_BANDS = {
    "PQEstimator": {(1, 0.5): (-0.06, 0.05), (5, 0.5): (-0.26, -0.15),
                    (5, 2.0): (-0.98, -0.82), (1, 2.0): (-0.17, -0.07)},
    "BinnedEstimator": {(1, 0.5): (0.01, 0.10), (5, 0.5): (-0.22, -0.13),
                        (5, 2.0): (-1.24, -1.12), (1, 2.0): (-0.15, -0.04)},
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
