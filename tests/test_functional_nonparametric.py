"""Tests of the nonparametric functional estimators (KSG family, KDE, histograms, Gaussian)."""

import math

import numpy as np
import pytest
import scipy.stats
import torch
from sklearn.feature_selection._mutual_info import _compute_mi_cc, _compute_mi_cd
from sklearn.metrics import mutual_info_score

import skmist.functional as F
from skmist import KSGEstimator
from skmist.functional._neighbors import (
    _sorted_1d_counter,
    kth_neighbor_distance,
    strictly_below,
)


def correlated_gaussian(d, mi, n, seed, dtype=torch.float64):
    """x, y in R^d with y_j = rho x_j + noise per coordinate; I(X; Y) = mi exactly."""
    rho = math.sqrt(1.0 - math.exp(-2.0 * mi / d))
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g, dtype=dtype)
    y = rho * x + math.sqrt(1.0 - rho**2) * torch.randn(n, d, generator=g, dtype=dtype)
    return x, y


def true_mi(d, mi):
    rho = math.sqrt(1.0 - math.exp(-2.0 * mi / d))
    cov = torch.eye(2 * d, dtype=torch.float64)
    cov[:d, d:] = cov[d:, :d] = rho * torch.eye(d, dtype=torch.float64)
    return float(F.gaussian_mi_from_covariance(cov, d))


# --- parity with scikit-learn's KSG ---------------------------------------------------


def continuous_pair(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = 0.8 * x + 0.6 * rng.standard_normal(n)
    return x, y


@pytest.mark.parametrize("n", [200, 2000])
@pytest.mark.parametrize("n_neighbors", [1, 3, 5])
def test_ksg_matches_sklearn_compute_mi_cc(n, n_neighbors):
    x, y = continuous_pair(n, seed=n + n_neighbors)
    expected = _compute_mi_cc(x, y, n_neighbors)
    assert expected > 0.2  # sklearn clips at 0: compare on clearly positive MI only
    got = F.ksg(torch.tensor(x), torch.tensor(y), n_neighbors=n_neighbors)
    assert abs(float(got) - expected) < 1e-9
    torch_backend = F.ksg(
        torch.tensor(x), torch.tensor(y), n_neighbors=n_neighbors, backend="torch", chunk_size=97
    )
    assert abs(float(torch_backend) - expected) < 1e-9


@pytest.mark.parametrize("n", [200, 2000])
@pytest.mark.parametrize("n_neighbors", [1, 3])
def test_ksg_cd_matches_sklearn_compute_mi_cd(n, n_neighbors):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    labels = (x + 0.5 * rng.standard_normal(n) > 0).astype(int) + (x > 1)
    labels[:2] = 7  # a label with 2 samples: fewer neighbours than n_neighbors
    labels[2] = 9  # a singleton: dropped, as in scikit-learn
    expected = _compute_mi_cd(x, labels, n_neighbors)
    assert expected > 0.2
    for backend in ("scipy", "torch"):
        got = F.ksg_cd(torch.tensor(x), torch.tensor(labels), n_neighbors, backend=backend)
        assert abs(float(got) - expected) < 1e-9


def test_ksg_on_rounded_data_matches_sklearn():
    # Values on a decimal grid: x_i +- r rounds, and the k-th neighbour sits on one
    # marginal's boundary; a plain searchsorted on x +- r would miscount here.
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal(2000), 3) + rng.uniform(0, 1e-4, 2000)
    y = np.round(0.8 * x + 0.6 * rng.standard_normal(2000), 3) + rng.uniform(0, 1e-4, 2000)
    expected = _compute_mi_cc(x, y, 3)
    got = F.ksg(torch.tensor(x), torch.tensor(y))
    assert abs(float(got) - expected) < 1e-9


@pytest.mark.parametrize("grid", [None, 0.1, 1.0])
def test_sorted_count_is_exact(grid):
    rng = np.random.default_rng(0)
    values = rng.standard_normal(500) * 3
    if grid is not None:
        values = np.round(values / grid) * grid  # many ties and rounded sums
    v = torch.tensor(values)
    partner = torch.tensor(rng.integers(0, 500, 500))
    exact = (v[partner] - v).abs()  # radius exactly a distance: the hard case
    for radius in (exact, strictly_below(exact), exact * 0.5):
        brute = ((v[None, :] - v[:, None]).abs() <= radius[:, None]).sum(dim=1)
        assert torch.equal(_sorted_1d_counter(v)(radius), brute)  # torch backend
        assert np.array_equal(_sorted_1d_counter(v.numpy())(radius.numpy()), brute.numpy())


@pytest.mark.parametrize("grid", [None, 0.5])
@pytest.mark.parametrize("k", [1, 3, 7])
def test_sorted_kth_distance_is_exact(grid, k):
    rng = np.random.default_rng(1)
    values = rng.standard_normal(300) * 3
    if grid is not None:
        values = np.round(values / grid) * grid  # ties: duplicates are neighbours at 0
    brute = np.abs(values[None, :] - values[:, None])
    np.fill_diagonal(brute, np.inf)
    expected = np.sort(brute, axis=1)[:, k - 1]
    assert np.array_equal(kth_neighbor_distance(values[:, None], k), expected)
    got = kth_neighbor_distance(torch.tensor(values)[:, None], k)
    assert np.array_equal(got.numpy(), expected)


# --- featurewise_ksg: one pass over the columns ---------------------------------------


@pytest.mark.parametrize("backend", ["scipy", "torch"])
def test_featurewise_ksg_equals_sklearn_per_column(backend):
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(0)
    n = 600
    x = rng.standard_normal((n, 5))
    x[:, 1] += x[:, 0]
    x[:, 3:] = rng.integers(0, 4, (n, 2))  # two discrete columns
    discrete = np.array([False, False, False, True, True])
    y = x[:, 0] + x[:, 3] + rng.standard_normal(n)
    labels = (x[:, 1] > 0).astype(int) + x[:, 4].astype(int)
    opts = dict(discrete_features=discrete, backend=backend)
    # scikit-learn clips its continuous estimates at 0; this function does not.
    got = F.featurewise_ksg(torch.tensor(x), torch.tensor(y), **opts).clamp(min=0).numpy()
    expected = [
        _compute_mi_cd(y, x[:, j], 3) if discrete[j] else _compute_mi_cc(x[:, j], y, 3)
        for j in range(5)
    ]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    got = F.featurewise_ksg(torch.tensor(x), torch.tensor(labels), discrete_target=True, **opts)
    got = got.clamp(min=0)
    expected = [
        mutual_info_score(x[:, j], labels) if discrete[j] else _compute_mi_cd(x[:, j], labels, 3)
        for j in range(5)
    ]
    np.testing.assert_allclose(got.numpy(), expected, rtol=0, atol=1e-9)


def test_featurewise_ksg_with_a_multi_column_target_is_ksg_per_column():
    rng = np.random.default_rng(2)
    x = torch.tensor(rng.standard_normal((500, 3)))
    y = torch.tensor(rng.standard_normal((500, 2))) + x[:, :2]
    got = F.featurewise_ksg(x, y)
    expected = torch.stack([F.ksg(x[:, j], y) for j in range(3)])
    assert torch.equal(got, expected)


# --- the two backends agree -----------------------------------------------------------


@pytest.mark.parametrize("d", [1, 3])
def test_torch_backend_matches_scipy_backend(d):
    x, y = correlated_gaussian(d, 0.5, 600, seed=1)
    labels = (x[:, 0] > 0).long() + (y[:, 0] > 0.5).long()
    cases = [
        lambda **kw: F.ksg(x, y, **kw),
        lambda **kw: F.ksg(x, y, variant=2, **kw),
        lambda **kw: F.mixed_ksg(x, y, **kw),
        lambda **kw: F.ksg_cd(x, labels, **kw),
        lambda **kw: F.kl_entropy(x, **kw),
        lambda **kw: F.kl_entropy(x, metric="euclidean", **kw),
    ]
    for estimate in cases:
        scipy_value = estimate(backend="scipy")
        torch_value = estimate(backend="torch", chunk_size=64)
        assert abs(float(scipy_value) - float(torch_value)) < 1e-9


# --- accuracy on correlated Gaussians, n = 5000 ---------------------------------------
#
# (bias, sd) of estimate - true MI, measured over seeds 0..29 (KDE: 0..9) with
# correlated_gaussian(d, mi, 5000, seed). Each check allows bias +- 4 sd.
# KSG's bias is negative and grows with d and the MI (Kraskov et al. 2004, fig. 4).
MEASURED = {
    # name, d, mi: (bias, sd)
    ("ksg1", 1, 0.5): (+0.0043, 0.0140),
    ("ksg1", 1, 1.0): (+0.0085, 0.0163),
    ("ksg1", 3, 0.5): (-0.0135, 0.0168),
    ("ksg1", 3, 1.0): (-0.0334, 0.0215),
    ("ksg2", 1, 0.5): (+0.0027, 0.0150),
    ("ksg2", 1, 1.0): (+0.0082, 0.0164),
    ("ksg2", 3, 0.5): (-0.0096, 0.0176),
    ("ksg2", 3, 1.0): (-0.0262, 0.0235),
    # d = 10 (a 20-D joint space), seeds 0..7: KSG's bias is a quarter to half a nat.
    ("ksg1", 10, 0.5): (-0.2453, 0.0119),
    ("ksg1", 10, 1.0): (-0.4855, 0.0153),
    ("mixed", 1, 1.0): (+0.0086, 0.0163),
    ("mixed", 3, 1.0): (-0.0333, 0.0215),
    ("gaussian", 1, 0.5): (-0.0013, 0.0090),
    ("gaussian", 1, 1.0): (-0.0006, 0.0108),
    ("gaussian", 3, 0.5): (+0.0028, 0.0135),
    ("gaussian", 3, 1.0): (+0.0039, 0.0182),
    # d = 10, seeds 0..7: the log-det plug-in is biased up by ~d^2 / n.
    ("gaussian", 10, 0.5): (+0.0133, 0.0101),
    ("gaussian", 10, 1.0): (+0.0144, 0.0150),
    # histogram: Sturges (14 bins) for d=1; bins=5 per column with Miller-Madow for d=3
    # (Sturges in 3-D puts nearly every sample in its own joint cell: bias about +3).
    ("histogram", 1, 0.5): (-0.0288, 0.0082),
    ("histogram", 1, 1.0): (-0.1219, 0.0115),
    ("histogram", 3, 0.5): (-0.0235, 0.0165),  # 20 seeds
    ("histogram", 3, 1.0): (-0.2483, 0.0210),  # 20 seeds
    ("soft_histogram", 1, 0.5): (-0.0365, 0.0056),  # 20 seeds, bandwidth 0.25 bins
    ("soft_histogram", 1, 1.0): (-0.1380, 0.0108),  # 20 seeds
    # KDE, Scott's rule: resubstitution is biased up in 6-D (own kernel), LOO down.
    ("kde", 1, 0.5): (-0.0083, 0.0069),
    ("kde_loo", 3, 1.0): (-0.1507, 0.0111),
}

ESTIMATORS = {
    "ksg1": lambda x, y: F.ksg(x, y),
    "ksg2": lambda x, y: F.ksg(x, y, variant=2),
    "mixed": lambda x, y: F.mixed_ksg(x, y),
    "gaussian": lambda x, y: F.gaussian_mi(x, y),
    "histogram": lambda x, y: (
        F.histogram_mi(x, y)
        if x.shape[1] == 1
        else F.histogram_mi(x, y, bins=5, correction="miller-madow")
    ),
    "soft_histogram": lambda x, y: F.soft_histogram_mi(x, y),
    "kde": lambda x, y: F.kde_mi(x, y, leave_one_out=False),
    "kde_loo": lambda x, y: F.kde_mi(x, y),
}


@pytest.mark.parametrize("name, d, mi", sorted(MEASURED))
def test_accuracy_on_correlated_gaussian(name, d, mi):
    bias, sd = MEASURED[name, d, mi]
    x, y = correlated_gaussian(d, mi, 5000, seed=1000)
    error = float(ESTIMATORS[name](x, y)) - true_mi(d, mi)
    assert abs(error - bias) < 4 * sd, (error, bias, sd)


def test_ksg_bias_is_negative_for_strong_dependence_in_3d():
    errors = [float(F.ksg(*correlated_gaussian(3, 1.0, 5000, seed))) - 1.0 for seed in range(5)]
    # measured: bias -0.0334, sd 0.0215, so the mean of 5 is below 0 by 3.5 standard errors
    assert np.mean(errors) < 0


def test_kl_entropy_of_standard_gaussian():
    # measured over 30 seeds (n=5000, chebyshev): d=1 bias -0.0002 sd 0.0155;
    # d=3 bias -0.0154 sd 0.0201
    for d, bias, sd in [(1, -0.0002, 0.0155), (3, -0.0154, 0.0201)]:
        x = torch.randn(5000, d, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
        error = float(F.kl_entropy(x)) - d / 2 * math.log(2 * math.pi * math.e)
        assert abs(error - bias) < 4 * sd


def test_kl_entropy_metrics_agree_in_1d():
    x = torch.randn(300, 1, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert float(F.kl_entropy(x)) == pytest.approx(float(F.kl_entropy(x, metric="euclidean")))


# --- discrete and mixed data ----------------------------------------------------------


def test_discrete_mi_matches_sklearn_and_miller_madow():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 3000)
    b = (a + rng.integers(0, 3, 3000)) % 5
    expected = mutual_info_score(a, b)
    got = F.discrete_mi(torch.tensor(a), torch.tensor(b))
    assert float(got) == pytest.approx(expected, abs=1e-12)
    corrected = F.discrete_mi(torch.tensor(a), torch.tensor(b), correction="miller-madow")
    m_a, m_b, m_ab = 5, 5, len(set(zip(a, b)))
    assert float(corrected) == pytest.approx(expected + (m_a + m_b - m_ab - 1) / 6000, abs=1e-12)


def test_discrete_mi_of_2d_labels_is_joint():
    a = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]] * 10)
    b = a[:, 0] * 2 + a[:, 1]
    assert float(F.discrete_mi(a, b)) == pytest.approx(math.log(4))


def test_mixed_ksg_on_discrete_data_is_close_to_plug_in():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 4, 5000)
    b = (a + rng.integers(0, 2, 5000)) % 4
    plug_in = float(F.discrete_mi(torch.tensor(a), torch.tensor(b)))
    mixed = float(F.mixed_ksg(torch.tensor(a), torch.tensor(b)))
    assert mixed == pytest.approx(plug_in, abs=1e-3)


def test_mixed_ksg_equals_ksg_up_to_log_n_on_continuous_data():
    x, y = correlated_gaussian(1, 0.5, 1000, seed=2)
    shift = math.log(1000) - float(torch.special.digamma(torch.tensor(1000.0, dtype=torch.float64)))
    assert float(F.mixed_ksg(x, y)) == pytest.approx(float(F.ksg(x, y)) + shift, abs=1e-9)


# --- shapes, dtypes, chunking ---------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [F.ksg, F.mixed_ksg, F.gaussian_mi, F.kde_mi, F.histogram_mi, F.soft_histogram_mi],
)
def test_one_d_input_is_one_column_and_output_is_0_dim(fn):
    x, y = correlated_gaussian(1, 0.5, 300, seed=0)
    value = fn(x[:, 0], y[:, 0])
    assert value.ndim == 0 and value.dtype == torch.float64
    assert float(value) == pytest.approx(float(fn(x, y)), abs=1e-12)
    assert fn(x.float(), y.float()).dtype == torch.float32


def test_kde_mi_does_not_depend_on_chunk_size():
    x, y = correlated_gaussian(2, 0.5, 200, seed=0)
    for loo in (False, True):
        whole = F.kde_mi(x, y, leave_one_out=loo)
        chunked = F.kde_mi(x, y, leave_one_out=loo, chunk_size=7)
        assert float(whole) == pytest.approx(float(chunked), abs=1e-12)


def test_gaussian_mi_from_covariance_closed_form():
    cov = torch.tensor([[2.0, 0.6 * 2.0], [0.6 * 2.0, 2.0]], dtype=torch.float64)
    assert float(F.gaussian_mi_from_covariance(cov, 1)) == pytest.approx(-0.5 * math.log(1 - 0.36))


# --- gradients ------------------------------------------------------------------------


def _grad_inputs(n=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g, dtype=torch.float64)
    y = 0.7 * x[:, :1] + torch.randn(n, 1, generator=g, dtype=torch.float64)
    return x.requires_grad_(), y.requires_grad_()


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, y: F.kde_mi(x, y, leave_one_out=False),
        lambda x, y: F.kde_mi(x, y, bandwidth="silverman", chunk_size=5),
        lambda x, y: F.kde_mi(x, y, bandwidth=0.7, leave_one_out=False),
        lambda x, y: F.soft_histogram_mi(x, y, bins=4),
        lambda x, y: F.soft_histogram_mi(x, y, bins=6, bandwidth=0.5),
        lambda x, y: F.gaussian_mi(x, y),
    ],
    ids=["kde", "kde-loo-silverman", "kde-float", "soft-hist", "soft-hist-wide", "gaussian"],
)
def test_gradcheck(fn):
    assert torch.autograd.gradcheck(fn, _grad_inputs())


# --- bad input ------------------------------------------------------------------------

x10 = torch.randn(10, 1, dtype=torch.float64)
y10 = torch.randn(10, 1, dtype=torch.float64)


@pytest.mark.parametrize("fn", [F.ksg, F.mixed_ksg, F.ksg_cd])
def test_too_many_neighbours(fn):
    with pytest.raises(ValueError, match=r"n_neighbors=10 must be smaller than n_samples=10"):
        fn(x10, y10, n_neighbors=10)
    with pytest.raises(ValueError, match=r"n_neighbors must be >= 1; got 0"):
        fn(x10, y10, n_neighbors=0)
    with pytest.raises(ValueError, match=r"n_neighbors must be an integer; got 2.5"):
        fn(x10, y10, n_neighbors=2.5)


@pytest.mark.parametrize(
    "fn", [F.ksg, F.mixed_ksg, F.gaussian_mi, F.kde_mi, F.histogram_mi, F.soft_histogram_mi]
)
def test_non_finite_mismatched_and_wrong_ndim(fn):
    bad = x10.clone()
    bad[2] = math.nan
    bad[3] = math.inf
    with pytest.raises(ValueError, match=r"^x has 1 NaN and 1 infinite values; MI is undefined"):
        fn(bad, y10)
    with pytest.raises(ValueError, match=r"^y has 1 NaN and 1 infinite values"):
        fn(y10, bad)
    with pytest.raises(ValueError, match=r"x and y have different numbers of samples: 10 and 9"):
        fn(x10, y10[:9])
    wrong_ndim = r"x must be 1-D \(n_samples,\) or 2-D .* shape \(10, 1, 1\)"
    with pytest.raises(ValueError, match=wrong_ndim):
        fn(x10[:, :, None], y10)


def test_other_bad_input():
    with pytest.raises(ValueError, match=r"variant must be 1 or 2; got 3"):
        F.ksg(x10, y10, variant=3)
    with pytest.raises(ValueError, match=r"backend must be one of .*got 'gpu'"):
        F.ksg(x10, y10, backend="gpu")
    with pytest.raises(ValueError, match=r"every label of y_discrete occurs once"):
        F.ksg_cd(x10, torch.arange(10))
    with pytest.raises(ValueError, match=r"x and y_discrete have different numbers of samples"):
        F.ksg_cd(x10, torch.zeros(9))
    with pytest.raises(ValueError, match=r"x has 10 samples with at least n_neighbors=3 exact"):
        F.kl_entropy(torch.zeros(10, 2))
    with pytest.raises(ValueError, match=r"metric must be 'chebyshev' or 'euclidean'"):
        F.kl_entropy(x10, metric="manhattan")
    with pytest.raises(ValueError, match=r"bandwidth must be 'scott', 'silverman' or a positive"):
        F.kde_mi(x10, y10, bandwidth=-1.0)
    with pytest.raises(ValueError, match=r"bandwidth must be 'scott', 'silverman' or a positive"):
        F.kde_mi(x10, y10, bandwidth="wide")
    with pytest.raises(ValueError, match=r"y has constant columns \[0\]"):
        F.kde_mi(x10, torch.ones(10))
    with pytest.raises(ValueError, match=r"x has constant columns \[1\]"):
        F.gaussian_mi(torch.cat([x10, torch.ones(10, 1)], dim=1), y10)
    with pytest.raises(ValueError, match=r"n_samples=2 must exceed n_features_x \+ n_features_y"):
        F.gaussian_mi(x10[:2], y10[:2])
    with pytest.raises(ValueError, match=r"bins must be a positive integer or one of"):
        F.histogram_mi(x10, y10, bins=0)
    with pytest.raises(ValueError, match=r"correction must be None or 'miller-madow'"):
        F.histogram_mi(x10, y10, correction="jackknife")
    with pytest.raises(ValueError, match=r"bandwidth must be a positive float \(in bin widths\)"):
        F.soft_histogram_mi(x10, y10, bandwidth=0)
    with pytest.raises(ValueError, match=r"would hold .* joint cells"):
        F.soft_histogram_mi(torch.randn(100, 4), torch.randn(100, 4), bins=20)
    with pytest.raises(ValueError, match=r"cov is not positive definite"):
        F.gaussian_mi_from_covariance(torch.ones(2, 2), 1)
    with pytest.raises(ValueError, match=r"dx must be an integer with 1 <= dx < d=2; got 2"):
        F.gaussian_mi_from_covariance(torch.eye(2), 2)


@pytest.mark.parametrize("dx, dy, rho", [(3, 4, 0.0), (2, 2, 0.8)])
def test_gaussian_mi_bias_is_the_mean_excess_of_the_plug_in(dx, dy, rho):
    # 4000 samples of 40 rows: the mean plug-in MI minus the truth, whatever the
    # correlation, is the closed form (about dx dy / 2n = 0.15 here).
    n, reps = 40, 4000
    g = torch.Generator().manual_seed(0)
    x = torch.randn(reps, n, dx, generator=g, dtype=torch.float64)
    y = torch.randn(reps, n, dy, generator=g, dtype=torch.float64)
    k = min(dx, dy)  # correlated pairs
    y[..., :k] = rho * x[..., :k] + math.sqrt(1 - rho**2) * y[..., :k]
    truth = -0.5 * k * math.log(1 - rho**2)
    plug_in = torch.stack([F.gaussian_mi(a, b) for a, b in zip(x, y)])
    excess = plug_in.mean().item() - truth
    standard_error = plug_in.std().item() / math.sqrt(reps)
    assert abs(excess - F.gaussian_mi_bias(dx, dy, n)) < 4 * standard_error
    assert F.gaussian_mi_bias(50, 50, 4500) == pytest.approx(50 * 50 / 9000, rel=0.02)


def test_gaussian_mi_bias_bad_input():
    with pytest.raises(ValueError, match="n_samples=5 must exceed dim_x \\+ dim_y = 5"):
        F.gaussian_mi_bias(2, 3, 5)
    with pytest.raises(ValueError, match="dim_x must be a positive integer; got 0"):
        F.gaussian_mi_bias(0, 3, 50)


def test_rank_normal_scores_are_the_normal_quantiles_of_mid_ranks():
    t = torch.tensor([[3.0, 1.0], [1.0, 1.0], [2.0, 5.0], [10.0, 1.0]], dtype=torch.float64)
    scores = F.rank_normal_scores(t)
    # Ranks (3, 1, 2, 4) and, with the three tied ones sharing rank 2, (2, 2, 4, 2).
    expected = scipy.stats.norm.ppf((np.array([[3, 2], [1, 2], [2, 4], [4, 2]]) - 0.5) / 4)
    np.testing.assert_allclose(scores.numpy(), expected, rtol=1e-12)
    assert F.rank_normal_scores(t.float()).dtype == torch.float32


def test_ksg_on_normal_scores_is_invariant_to_increasing_maps():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1500, 2))
    y = x[:, :1] + rng.normal(size=(1500, 1))
    est = KSGEstimator(scale="quantile", random_state=0)
    plain = est.fit(x, y).mi_
    assert est.fit(np.exp(3 * x) + 1e9, np.arctan(y) ** 3).mi_ == pytest.approx(plain, abs=1e-9)
    # The raw columns' heavy tails move the scaled estimate (log 2 / 2 = 0.347 here).
    assert abs(KSGEstimator(random_state=0).fit(np.exp(3 * x), y).mi_ - plain) > 0.02
    assert abs(plain - 0.5 * math.log(2)) < 0.05
