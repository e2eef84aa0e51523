"""Conditional MI: functional.conditional_ksg, ConditionalKSGEstimator, ChainRuleCMIEstimator."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import norm
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import skmist
import skmist.functional as F
from skmist import (
    ChainRuleCMIEstimator,
    ConditionalKSGEstimator,
    KSGEstimator,
    SMILEEstimator,
)
from skmist.datasets import conditional_gaussian

# The checks fit 10-30 rows, where a trained estimate's standard error is above the
# warning threshold; the warning is right there and not what these tests test.
pytestmark = pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")

# Small critics and budgets: the checks test the plumbing, not the accuracy.
FAST_SMILE = dict(hidden_dims=(8,), max_iter=5, batch_size=16, n_negatives=4, device="cpu",
                  random_state=0)


# --- jointly Gaussian (X, Y, Z) with closed-form CMI -----------------------------------

SLOPE = 0.8  # Y's dependence on X given Z


def gaussian_xyz(n, d, seed):
    """Per coordinate: Z ~ N(0, 1), X = Z + e_x, Y = Z + SLOPE X + e_y (unit noises)."""
    return conditional_gaussian(n, d, slope=SLOPE, random_state=seed)[:3]


def true_cmi(d):
    """I(X; Y | Z) = I(X; [Y, Z]) - I(X; Z), each from log-determinants of the
    covariance (gaussian_mi_from_covariance)."""
    var_x, cov_xz = 2.0, 1.0
    cov_yz = 1.0 + SLOPE
    cov_xy = 1.0 + SLOPE * var_x
    var_y = 1.0 + SLOPE**2 * var_x + 2 * SLOPE + 1.0
    one = np.array([[var_x, cov_xy, cov_xz], [cov_xy, var_y, cov_yz], [cov_xz, cov_yz, 1.0]])
    cov = torch.tensor(np.kron(one, np.eye(d)))  # order: x (d), y (d), z (d)
    x_and_z = list(range(d)) + list(range(2 * d, 3 * d))
    i_x_yz = F.gaussian_mi_from_covariance(cov, d)
    i_x_z = F.gaussian_mi_from_covariance(cov[x_and_z][:, x_and_z], d)
    return float(i_x_yz - i_x_z)


def chain(n, seed):
    """X -> Z -> Y: X and Y independent given Z."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = x + rng.normal(size=n)
    return x, z + rng.normal(size=n), z


def test_closed_form_is_the_textbook_value():
    # Given Z, Y = SLOPE X + noise with Var(X | Z) = 1: I = log(1 + SLOPE^2) / 2 per dim;
    # the dataset's value, checked against log-determinants of the covariance.
    expected = 0.5 * math.log(1 + SLOPE**2)
    assert true_cmi(1) == pytest.approx(expected, rel=1e-12)
    assert true_cmi(3) == pytest.approx(3 * expected, rel=1e-12)
    for d in (1, 3):
        assert conditional_gaussian(10, d, slope=SLOPE)[3] == pytest.approx(true_cmi(d),
                                                                            rel=1e-12)


def test_gaussian_1d_within_005_nats():
    # Measured over seeds 0..29 (n=5000): bias +0.0001, sd 0.0164, largest error 0.032.
    x, y, z = gaussian_xyz(5000, 1, seed=0)
    truth = true_cmi(1)
    assert abs(float(F.conditional_ksg(x, y, z)) - truth) < 0.05
    estimator = ConditionalKSGEstimator(conditioning=[1], random_state=0)
    assert abs(estimator.fit(np.hstack([x, z]), y[:, 0]).mi_ - truth) < 0.05


def test_gaussian_3d_within_measured_bias():
    # 3 + 3 + 3 dimensions (a 9-D joint space), CMI 0.742 nats, n=5000, seeds 0..29:
    # the functional on raw data, bias +0.0317, sd 0.0169; the estimator, which scales
    # every column to unit variance first (and so changes the max-norm balls), bias
    # -0.1339, sd 0.0166. Allowed: the bias +- 4 sd.
    x, y, z = gaussian_xyz(5000, 3, seed=1)
    error = float(F.conditional_ksg(x, y, z)) - true_cmi(3)
    assert abs(error - 0.0317) < 4 * 0.0169, error
    estimator = ConditionalKSGEstimator(conditioning=[3, 4, 5], random_state=0)
    error = estimator.fit(np.hstack([x, z]), y).mi_ - true_cmi(3)
    assert abs(error + 0.1339) < 4 * 0.0166, error


def test_chain_gives_zero():
    # X -> Z -> Y at n=20000, seeds 0..29: bias -0.0008, sd 0.0056, largest 0.015.
    x, y, z = chain(20000, seed=2)
    assert abs(float(F.conditional_ksg(x, y, z))) < 0.02
    X = np.column_stack([x, z])
    assert abs(ConditionalKSGEstimator(conditioning=1, random_state=0).fit(X, y).mi_) < 0.02
    # ...while X and Y are far from independent: I(X; Y) = log(3 / 2) / 2 = 0.20.
    assert float(F.ksg(x, y)) > 0.15


def test_chain_rule_matches_ksg():
    # I(X; [Y, Z]) = I(X; Z) + I(X; Y | Z), three estimates on the same samples.
    # The identity's residual, seeds 0..29: mean +0.0018, sd 0.0099.
    x, y, z = (torch.tensor(a) for a in gaussian_xyz(5000, 1, seed=3))
    joint = float(F.ksg(x, torch.cat([y, z], dim=1)))
    parts = float(F.ksg(x, z)) + float(F.conditional_ksg(x, y, z))
    assert abs(joint - parts) < 0.04


def test_entropy_identity_agrees():
    # CMI = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z) with four Kozachenko-Leonenko entropies
    # (each with its own radii, so their biases do not cancel as Frenzel-Pompe's do):
    # error, seeds 0..29: +0.0129, sd 0.0244; Frenzel-Pompe's: +0.0001, sd 0.0164.
    x, y, z = (torch.tensor(a) for a in gaussian_xyz(5000, 1, seed=4))

    def h(*parts):
        return float(F.kl_entropy(torch.cat(parts, dim=1)))

    truth = true_cmi(1)
    by_entropies = h(x, z) + h(y, z) - h(x, y, z) - h(z)
    frenzel_pompe = float(F.conditional_ksg(x, y, z))
    assert abs(by_entropies - truth - 0.0129) < 4 * 0.0244
    assert abs(frenzel_pompe - truth) < 4 * 0.0164
    assert abs(by_entropies - frenzel_pompe) < 0.1


# --- discrete conditioning and discrete targets -----------------------------------------

LABEL_P = np.array([0.5, 0.3, 0.2])
LABEL_RHO = np.array([0.9, 0.5, 0.0])


def label_mixture(n, seed):
    """Given the label l, (X, Y) is Gaussian with correlation LABEL_RHO[l] and a mean
    that moves with l; so I(X; Y | L) = sum_l p_l * -log(1 - rho_l^2) / 2."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(3, size=n, p=LABEL_P)
    a, b = rng.normal(size=(2, n))
    rho = LABEL_RHO[labels]
    return a + 2 * labels, rho * a + np.sqrt(1 - rho**2) * b + 2 * labels, labels


def test_discrete_conditioning_against_closed_form():
    # n=6000, seeds 0..29: bias +0.0069, sd 0.0114.
    truth = float((LABEL_P * -0.5 * np.log(1 - LABEL_RHO**2)).sum())
    x, y, labels = label_mixture(6000, seed=0)
    got = float(F.conditional_ksg(x, y, labels, discrete_conditioning=True))
    assert abs(got - truth - 0.0069) < 4 * 0.0114
    # The group-size-weighted average of KSG within each label, exactly.
    within = [
        (labels == g).mean() * float(F.ksg(x[labels == g], y[labels == g])) for g in range(3)
    ]
    assert got == pytest.approx(sum(within), abs=1e-12)
    estimator = ConditionalKSGEstimator(conditioning=[1], discrete_conditioning=True,
                                        random_state=0)
    fitted = estimator.fit(np.column_stack([x, labels]), y).mi_
    assert abs(fitted - got) < 0.01  # the same estimate on jittered data
    # Marginally, the moving means make X and Y dependent well beyond that.
    assert float(F.ksg(x, y)) > truth + 0.2


def test_discrete_conditioning_leaves_out_single_sample_labels():
    x, y, labels = label_mixture(600, seed=1)
    lonely = np.append(labels, 7)  # a label with one sample
    got = F.conditional_ksg(np.append(x, 0.3), np.append(y, -0.2), lonely,
                            discrete_conditioning=True)
    assert float(got) == float(F.conditional_ksg(x, y, labels, discrete_conditioning=True))


def mixture_mi(noise_variance):
    """I(W; L) for W = +-1 (L uniform) plus Gaussian noise, by quadrature."""
    w = np.linspace(-15, 15, 200001)
    sd = math.sqrt(noise_variance)
    p = 0.5 * norm.pdf(w, 1, sd) + 0.5 * norm.pdf(w, -1, sd)
    return -np.trapezoid(p * np.log(p), w) - 0.5 * math.log(2 * math.pi * math.e * noise_variance)


def test_discrete_target_against_quadrature():
    # X = Z +- 1 + noise, the sign a label L independent of Z: I(X; L | Z) = I(+-1 +
    # noise; L) = 0.337 nats, while I(X; L) = 0.201 (Z is more noise).
    # n=5000, seeds 0..29: bias +0.0040, sd 0.0127.
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, 5000)
    z = rng.normal(size=5000)
    x = z + (2 * labels - 1) + rng.normal(size=5000)
    got = float(F.conditional_ksg(x, labels, z, discrete_target=True))
    assert abs(got - mixture_mi(1.0) - 0.0040) < 4 * 0.0127
    assert got - float(F.ksg_cd(x, labels)) > 0.07  # conditioning adds information
    names = np.array(["minus", "plus"])[labels]
    estimator = ConditionalKSGEstimator(conditioning=[1], random_state=0)
    assert abs(estimator.fit(np.column_stack([x, z]), names).mi_ - got) < 0.01
    assert estimator.y_categories_.tolist() == ["minus", "plus"]


# --- featurewise and backends ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["continuous", "labels y", "labels z"])
def test_featurewise_equals_conditional_ksg_per_column_on_both_backends(kind):
    rng = np.random.default_rng(6)
    n = 400
    z = rng.normal(size=(n, 2))
    x = np.column_stack([z[:, 0] + rng.normal(size=n), rng.normal(size=n),
                         z[:, 1] + 0.1 * rng.normal(size=n)])
    y = x[:, 1] + z.sum(1) + rng.normal(size=n)
    options = {}
    if kind == "labels y":
        y = (y > 0).astype(int) + (y > 1)
        options["discrete_target"] = True
    if kind == "labels z":
        z = (z > 0).astype(int)
        options["discrete_conditioning"] = True
    x, y, z = torch.tensor(x), torch.tensor(y), torch.tensor(z)
    got = F.featurewise_conditional_ksg(x, y, z, **options)
    expected = torch.stack([F.conditional_ksg(x[:, j], y, z, **options) for j in range(3)])
    assert torch.equal(got, expected)
    on_torch = F.featurewise_conditional_ksg(x, y, z, backend="torch", chunk_size=64, **options)
    np.testing.assert_allclose(on_torch.numpy(), got.numpy(), rtol=0, atol=1e-9)


def test_output_follows_the_input_dtype():
    x, y, z = (torch.tensor(a, dtype=torch.float32) for a in gaussian_xyz(300, 1, seed=7))
    value = F.conditional_ksg(x, y, z)
    assert value.dtype == torch.float32 and value.ndim == 0


# --- ConditionalKSGEstimator --------------------------------------------------------------


def test_conditioning_by_index_mask_and_name_agree():
    x, y, z = gaussian_xyz(800, 1, seed=8)
    X = np.column_stack([z, x])
    frame = pd.DataFrame(X, columns=["z", "x"])
    values = {
        ConditionalKSGEstimator(conditioning=c, random_state=0).fit(data, y[:, 0]).mi_
        for c, data in [([0], X), (0, X), ([True, False], X), (["z"], frame), ("z", frame)]
    }
    assert len(values) == 1
    estimator = ConditionalKSGEstimator(conditioning="z", random_state=0).fit(frame, y[:, 0])
    assert estimator.conditioning_mask_.tolist() == [True, False]


def test_score_recomputes_and_estimate_gives_a_standard_error():
    x, y, z = gaussian_xyz(2000, 1, seed=9)
    X = np.hstack([x, z])
    estimator = ConditionalKSGEstimator(conditioning=[1], random_state=0).fit(X[:1000], y[:1000])
    expected = ConditionalKSGEstimator(conditioning=[1], random_state=0).fit(X[1000:], y[1000:])
    assert estimator.score(X[1000:], y[1000:]) == pytest.approx(expected.mi_, abs=1e-12)
    value, error = estimator.estimate(X, y, return_std=True, random_state=0)
    assert value == pytest.approx(estimator.score(X, y), abs=1e-12)
    # The half-sample jackknife's error of a 1 + 1 + 1 estimate at n=2000: KSG's sd at
    # n=5000 is 0.016, so about 0.016 * sqrt(5000 / 2000) = 0.026.
    assert 0.01 < error < 0.05


def test_tensors_in_pickling_and_clone():
    x, y, z = gaussian_xyz(500, 2, seed=10)
    X = np.hstack([x, z])
    estimator = ConditionalKSGEstimator(conditioning=[2, 3], random_state=0).fit(X, y)
    on_tensors = clone(estimator).fit(torch.tensor(X), torch.tensor(y))
    assert on_tensors.mi_ == pytest.approx(estimator.mi_, abs=1e-12)
    again = pickle.loads(pickle.dumps(estimator))
    assert again.score(X, y) == pytest.approx(estimator.score(X, y), abs=1e-12)
    assert clone(estimator).get_params() == estimator.get_params()


def test_grid_search_over_conditional_estimators():
    x, y, z = gaussian_xyz(900, 1, seed=11)
    X = np.hstack([x, z])
    search = GridSearchCV(ConditionalKSGEstimator(conditioning=[1], random_state=0),
                          {"n_neighbors": [3, 5]}, cv=3).fit(X, y[:, 0])
    # Each fold's score is the estimate on that fold's 300 samples.
    assert abs(search.best_score_ - true_cmi(1)) < 0.1
    chain_rule = ChainRuleCMIEstimator(conditioning=[1], estimator=SMILEEstimator(**FAST_SMILE))
    search = GridSearchCV(chain_rule, {"estimator__hidden_dims": [(4,), (8,)]}, cv=2)
    search.fit(X, y[:, 0])
    assert search.best_params_["estimator__hidden_dims"] in [(4,), (8,)]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_the_chain_rule_streams_batches_through_partial_fit():
    x, y, z = gaussian_xyz(6000, 1, seed=13)
    X = np.hstack([x, z])
    smile = SMILEEstimator(hidden_dims=(32,), batch_size=200, device="cpu")
    estimator = ChainRuleCMIEstimator(conditioning=[1], estimator=smile, random_state=0)
    for epoch in range(3):
        for start in range(0, 5000, 200):
            estimator.partial_fit(X[start:start + 200], y[start:start + 200, 0])
    # One step per batch and term: 25 batches, 3 passes.
    assert estimator.joint_estimator_.n_iter_ == estimator.conditioning_estimator_.n_iter_ \
        == 75
    assert estimator.joint_estimator_.random_state == 0
    assert estimator.mi_ == pytest.approx(
        estimator.joint_estimator_.mi_ - estimator.conditioning_estimator_.mi_)
    assert estimator.score(X[5000:], y[5000:, 0]) == pytest.approx(true_cmi(1), abs=0.1)
    with pytest.raises(ValueError, match="X has 3 features, but ChainRuleCMIEstimator is "
                                         "expecting 2 features as input"):
        estimator.partial_fit(np.hstack([X, X[:, :1]])[:100], y[:100, 0])
    with pytest.raises(TypeError, match=r"^partial_fit needs an inner estimator with "
                                        r"partial_fit .*; KSGEstimator has none"):
        ChainRuleCMIEstimator(conditioning=[1], estimator=KSGEstimator()).partial_fit(X, y)


def test_bad_input_errors():
    x, y, z = gaussian_xyz(50, 1, seed=12)
    X = np.hstack([x, z])
    with pytest.raises(ValueError, match=r"conditioning index 2 is out of range for X with 2"):
        ConditionalKSGEstimator(conditioning=[2]).fit(X, y)
    with pytest.raises(ValueError, match=r"conditioning index -1 is out of range"):
        ConditionalKSGEstimator(conditioning=[-1]).fit(X, y)
    with pytest.raises(ValueError, match=r"conditioning covers all 2 feature\(s\) of X"):
        ConditionalKSGEstimator(conditioning=[0, 1]).fit(X, y)
    with pytest.raises(ValueError, match=r"conditioning covers all 1 feature\(s\) of X"):
        ChainRuleCMIEstimator(conditioning=[0]).fit(z, y)
    with pytest.raises(ValueError, match=r"conditioning selects no column of X"):
        ConditionalKSGEstimator(conditioning=[False, False]).fit(X, y)
    with pytest.raises(ValueError, match=r"conditioning is None: name the columns"):
        ConditionalKSGEstimator().fit(X, y)
    with pytest.raises(ValueError, match=r"conditioning is a boolean mask of shape \(3,\)"):
        ConditionalKSGEstimator(conditioning=[True, False, True]).fit(X, y)
    with pytest.raises(ValueError, match=r"X has no column names"):
        ConditionalKSGEstimator(conditioning=["z"]).fit(X, y)
    frame = pd.DataFrame(X, columns=["x", "z"])
    with pytest.raises(ValueError, match=r"columns \['w'\] that X does not have"):
        ConditionalKSGEstimator(conditioning=["w"]).fit(frame, y)
    with pytest.raises(ValueError, match=r"n_neighbors=50 must be smaller than n_samples=50"):
        ConditionalKSGEstimator(conditioning=[1], n_neighbors=50).fit(X, y)
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match=r"Input X contains NaN"):
        ConditionalKSGEstimator(conditioning=[1]).fit(bad, y)
    with pytest.raises(ValueError, match=r"x has 1 NaN and 0 infinite values"):
        F.conditional_ksg(bad[:, 0], y, z)
    with pytest.raises(ValueError, match=r"z has 0 NaN and 1 infinite values"):
        F.conditional_ksg(x, y, np.where(np.arange(50) == 4, np.inf, z[:, 0]))
    with pytest.raises(ValueError, match=r"x and z have different numbers of samples: 50 and 49"):
        F.conditional_ksg(x, y, z[:49])
    with pytest.raises(ValueError, match=r"n_neighbors=50 must be smaller than n_samples=50"):
        F.conditional_ksg(x, y, z, n_neighbors=50)
    distinct = np.arange(50)  # every label once: no group to estimate within
    with pytest.raises(ValueError, match=r"no label of z has two samples"):
        F.conditional_ksg(x, y, distinct, discrete_conditioning=True)
    with pytest.raises(TypeError, match=r"estimator must be a skmist MI estimator"):
        ChainRuleCMIEstimator(conditioning=[1], estimator=KSGEstimator).fit(X, y)


# --- ChainRuleCMIEstimator ------------------------------------------------------------------


def test_chain_rule_estimator_is_the_difference_of_its_two_estimates():
    x, y, z = gaussian_xyz(1000, 1, seed=13)
    X = np.hstack([x, z])
    inner = KSGEstimator(random_state=0)
    estimator = ChainRuleCMIEstimator(conditioning=[1], estimator=inner).fit(X, y)
    expected = clone(inner).fit(X, y).mi_ - clone(inner).fit(z, y).mi_
    assert estimator.mi_ == pytest.approx(expected, abs=1e-12)
    assert estimator.score(X, y) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(ValueError, match=r"return_std=True needs a trained inner estimator"):
        estimator.estimate(X, y, return_std=True)


def test_neural_cmi_on_a_small_budget():
    # SMILE (hidden_dims=(32,), 300 steps) twice at n=3000, 1 + 1 + 1, CMI 0.247; over
    # seeds 0..7, held-out score: bias -0.0230, sd 0.0108; mi_ (the 600 validation
    # rows): bias -0.0169, sd 0.0284. Allowed: bias +- 4 sd.
    x, y, z = gaussian_xyz(3000, 1, seed=0)
    smile = SMILEEstimator(hidden_dims=(32,), max_iter=300, device="cpu", random_state=0)
    estimator = ChainRuleCMIEstimator(conditioning=[1], estimator=smile).fit(np.hstack([x, z]), y)
    truth = true_cmi(1)
    assert abs(estimator.mi_ - truth + 0.0169) < 4 * 0.0284
    x, y, z = gaussian_xyz(3000, 1, seed=100)
    value, error = estimator.estimate(np.hstack([x, z]), y, return_std=True)
    assert value == pytest.approx(estimator.score(np.hstack([x, z]), y), abs=1e-6)
    assert abs(value - truth + 0.0230) < 4 * 0.0108
    # The paired error is smaller than either term's alone would make it.
    assert 0.001 < error < 0.03
    assert estimator.joint_estimator_.random_state == estimator.conditioning_estimator_.random_state


@pytest.mark.slow
def test_neural_cmi_at_the_default_budget():
    # Default SMILEEstimator at n=5000, seeds 0..9 (2-6 s each on a CPU); held-out
    # score: bias -0.0086, sd 0.0097 (mi_, on the 1000 validation rows: -0.0148, 0.0242).
    x, y, z = gaussian_xyz(5000, 1, seed=0)
    smile = SMILEEstimator(device="cpu", random_state=0)
    estimator = ChainRuleCMIEstimator(conditioning=[1], estimator=smile).fit(np.hstack([x, z]), y)
    x, y, z = gaussian_xyz(5000, 1, seed=100)
    error = estimator.score(np.hstack([x, z]), y) - true_cmi(1)
    assert abs(error + 0.0086) < 4 * 0.0097


def test_chain_rule_estimator_with_labels_and_pickling():
    rng = np.random.default_rng(14)
    labels = rng.integers(0, 2, 600)
    z = rng.normal(size=600)
    X = np.column_stack([z + (2 * labels - 1) + rng.normal(size=600), z])
    names = np.array(["minus", "plus"])[labels]
    smile = SMILEEstimator(hidden_dims=(16,), max_iter=50, device="cpu", random_state=0)
    estimator = ChainRuleCMIEstimator(conditioning=[1], estimator=smile).fit(X, names)
    assert estimator.joint_estimator_.discrete_target is True
    assert estimator.y_categories_.tolist() == ["minus", "plus"]
    again = pickle.loads(pickle.dumps(estimator))
    assert again.score(X, names) == pytest.approx(estimator.score(X, names), abs=1e-6)


# --- scikit-learn compatibility ---------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, message",
    [
        ([[0, 1]], r"must be 1-D \(.*\); got shape \(1, 2\)"),
        ([0.5], r"must be .*; got \[0.5\]"),
        ([True, False], r"is a boolean mask of shape \(2,\); X has 3 features"),
        ([3], r"index 3 is out of range for X with 3 features"),
    ],
)
def test_column_specs_share_rules_and_messages(spec, message):
    # discrete_features (KSG, selection) and conditioning parse columns alike.
    x = np.random.default_rng(0).normal(size=(50, 3))
    y = x[:, 0]
    with pytest.raises(ValueError, match="discrete_features " + message):
        KSGEstimator(discrete_features=spec).fit(x, y)
    with pytest.raises(ValueError, match="conditioning " + message):
        ConditionalKSGEstimator(conditioning=spec).fit(x, y)


def test_chain_rule_random_state_seeds_both_inner_fits():
    x, y, z = gaussian_xyz(400, 1, seed=15)
    X = np.hstack([x, z])
    smile = SMILEEstimator(**{**FAST_SMILE, "random_state": None, "max_iter": 20})
    fits = [ChainRuleCMIEstimator(conditioning=[1], estimator=smile, random_state=0).fit(X, y)
            for _ in range(2)]
    assert fits[0].mi_ == fits[1].mi_
    assert fits[0].joint_estimator_.random_state == 0
    assert fits[0].conditioning_estimator_.random_state == 0
    # The outer random_state overrides the inner estimator's own.
    other = ChainRuleCMIEstimator(conditioning=[1], estimator=smile.set_params(random_state=5),
                                  random_state=0).fit(X, y)
    assert other.mi_ == fits[0].mi_
    assert ChainRuleCMIEstimator(conditioning=[1], estimator=smile, random_state=1).fit(
        X, y).mi_ != fits[0].mi_


def test_numpy_input_gives_what_the_other_functional_estimates_give():
    # functional.* is the torch layer: a 0-dim tensor for tensors and arrays alike,
    # float64 for float64 arrays, as ksg returns (documented in the Returns section).
    x, y, z = gaussian_xyz(300, 1, seed=16)
    value, reference = F.conditional_ksg(x, y, z), F.ksg(x, y)
    assert type(value) is type(reference) is torch.Tensor
    assert (value.dtype, value.ndim, value.device.type) == (reference.dtype, 0, "cpu")
    assert value.dtype == torch.float64


def test_conditional_ksg_flags_an_estimate_still_growing_with_n():
    # y = sin(5x) + z is a noise-free function of x and z (unbounded CMI): KSG gave 1.43
    # nats at n = 5000 with no warning.
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=(2, 2000))
    X = np.c_[x, z]
    est = ConditionalKSGEstimator(conditioning=[1], random_state=0).fit(X, np.sin(5 * x) + z)
    with pytest.warns(skmist.UnreliableEstimateWarning,
                      match="still growing with the sample size.*noise-free function of "
                            "X and the conditioning"):
        est.estimate(X, np.sin(5 * x) + z, return_std=True, random_state=0)
