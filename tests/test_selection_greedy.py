"""MutualInfoSelector(strategy="mrmr" | "jmi" | "cmim"): greedy, redundancy-aware selection."""

import pickle

import numpy as np
import pytest
import scipy.sparse
import torch
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import skmist.functional as F
from skmist import KSGEstimator, MutualInfoSelector, SMILEEstimator

GREEDY = ["mrmr", "jmi", "cmim"]


def redundant(n, weights, seed, y_noise=0.5, copy_noise=0.05):
    """Columns 0-4 informative (y = X[:, :5] @ weights + noise), 5-9 their copies plus
    small noise, 10-14 pure noise."""
    rng = np.random.default_rng(seed)
    informative = rng.normal(size=(n, 5))
    copies = informative + copy_noise * rng.normal(size=(n, 5))
    y = informative @ np.asarray(weights) + y_noise * rng.normal(size=n)
    return np.hstack([informative, copies, rng.normal(size=(n, 5))]), y


def one_of_each_pair(picked):
    return picked.max() < 10 and len(set(picked % 5)) == 5


def has_a_pair(picked):
    informative = picked[picked < 10] % 5
    return len(set(informative)) < len(informative)


# --- redundancy ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_equal_weights_greedy_picks_one_of_each_pair_univariate_picks_copies(seed):
    # All five informative features are equally relevant, and so are their copies:
    # univariate scores cannot tell a copy from a new feature (its top 5 held a pair in
    # 19 of seeds 0..19). In closed form every greedy criterion prefers a new feature at
    # every step: mRMR by 0.11 nats, CMIM by 0.13-0.14, JMI by 0.14, 0.07, 0.05 and 0.04
    # at steps 2-5 (its redundancy term is averaged over S). With KSG at n=2000, seeds
    # 0..19: mRMR and CMIM took one of each pair in 20 of 20; JMI in 16 (4 distinct
    # pairs in the other 4, the first three picks always distinct).
    X, y = redundant(2000, [1.0] * 5, seed)
    univariate = MutualInfoSelector(k=5, random_state=0).fit(X, y).get_support(indices=True)
    assert has_a_pair(univariate), univariate
    for strategy in ["mrmr", "cmim"]:
        selector = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, y)
        picked = selector.get_support(indices=True)
        assert one_of_each_pair(picked), (strategy, picked)
        assert selector.pvalues_ is None
    jmi = MutualInfoSelector(k=5, strategy="jmi", random_state=0).fit(X, y)
    order = np.argsort(jmi.ranking_)[:5]
    assert order[:3].max() < 10 and len(set(order[:3] % 5)) == 3, order
    assert len(set(order[order < 10] % 5)) >= 4, order


def test_unequal_weights_jmi_takes_copies_as_its_criterion_does():
    # Relevance falling with the weights (1, 0.9, ..., 0.6): univariate takes both copies
    # of the two strongest features. mRMR and CMIM skip copies (closed-form margins of
    # 0.06 nats or more). JMI penalises a copy of s by at most I(s; y) / |S|, and its
    # exact (Gaussian, closed-form) greedy path takes features 0, 1, 2 and then the
    # copies 5 and 6 by 0.05 and 0.04 nats; with KSG it took 5 and 6 in each of seeds
    # 0..9 (Brown et al. 2012, sec. 4: JMI's redundancy term is an average).
    X, y = redundant(2000, [1.0, 0.9, 0.8, 0.7, 0.6], seed=0, y_noise=0.2)
    univariate = MutualInfoSelector(k=5, random_state=0).fit(X, y).get_support(indices=True)
    assert {0, 1, 5, 6} <= set(univariate)
    for strategy in ["mrmr", "cmim"]:
        picked = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, y)
        assert one_of_each_pair(picked.get_support(indices=True)), strategy
    jmi = MutualInfoSelector(k=5, strategy="jmi", random_state=0).fit(X, y)
    assert {0, 1, 5, 6} <= set(jmi.get_support(indices=True))


def test_classification_target():
    # Labels: the sign of the equal-weights sum. JMI and CMIM use Ross's estimator
    # through I(f; y | s) = I([f, s]; y) - I(s; y).
    X, y = redundant(2000, [1.0] * 5, seed=3)
    labels = np.where(y > 0, "up", "down")
    for strategy in GREEDY:
        selector = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, labels)
        assert one_of_each_pair(selector.get_support(indices=True)), strategy


@pytest.mark.parametrize("strategy", GREEDY)
def test_friedman1_recovers_the_informative_features(strategy):
    # n=2000, noise 1, seeds 0..9: JMI and CMIM recovered features 0-4 in 10 of 10,
    # mRMR and univariate selection in 9 of 10.
    X, y = make_friedman1(2000, 10, noise=1.0, random_state=0)
    selector = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1, 2, 3, 4]
    assert sorted(selector.ranking_[:5]) == [1, 2, 3, 4, 5]


def test_friedman1_conditional_relevance_finds_the_weak_feature():
    # Seed 8 is the one of 0..9 where univariate selection (and mRMR) take noise feature
    # 9 over feature 2, whose effect 20 (x_2 - 1/2)^2 is weak alone and clear given the
    # features already chosen; JMI and CMIM score it given them.
    X, y = make_friedman1(2000, 10, noise=1.0, random_state=8)
    univariate = MutualInfoSelector(k=5, random_state=0).fit(X, y)
    assert univariate.get_support(indices=True).tolist() == [0, 1, 3, 4, 9]
    for strategy in ["jmi", "cmim"]:
        selector = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, y)
        assert selector.get_support(indices=True).tolist() == [0, 1, 2, 3, 4], strategy


# --- the criteria, number by number -------------------------------------------------------


def test_criteria_equal_the_functional_estimates():
    # Without scaling and noise, the selector's scores are the functional estimates.
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 4))
    X[:, 1] += X[:, 0]
    y = X[:, 0] + X[:, 2] + rng.normal(size=500)
    raw = KSGEstimator(noise=0, scale=False)
    x, t = torch.tensor(X), torch.tensor(y)
    relevance = F.featurewise_ksg(x, t).numpy()
    first = int(np.argmax(relevance))
    rest = [j for j in range(4) if j != first]
    redundancy = F.featurewise_ksg(x[:, rest], x[:, first]).numpy()
    given = F.featurewise_conditional_ksg(x[:, rest], t, x[:, first]).numpy()
    expected_second = {
        "mrmr": relevance[rest] - redundancy,
        "jmi": relevance[first] + given,
        "cmim": given,
    }
    for strategy, criterion in expected_second.items():
        selector = MutualInfoSelector(raw, k=2, strategy=strategy).fit(X, y)
        second = rest[int(np.argmax(criterion))]
        assert selector.ranking_[first] == 1 and selector.ranking_[second] == 2
        assert selector.scores_[first] == pytest.approx(relevance[first], abs=1e-12)
        # The features not picked keep their criterion at the last (second) step.
        np.testing.assert_allclose(selector.scores_[rest], criterion, rtol=0, atol=1e-12)


def test_cmim_is_the_minimum_and_jmi_the_mean_over_the_chosen():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 4))
    y = X @ [1.0, 0.8, 0.6, 0.4] + rng.normal(size=400)
    raw = KSGEstimator(noise=0, scale=False)
    x, t = torch.tensor(X), torch.tensor(y)
    cmim = MutualInfoSelector(raw, k=3, strategy="cmim").fit(X, y)
    jmi = MutualInfoSelector(raw, k=3, strategy="jmi").fit(X, y)
    for selector, reduce in [(cmim, np.min), (jmi, np.mean)]:
        order = np.argsort(selector.ranking_)
        chosen, last = order[:2], order[2]
        given = [float(F.conditional_ksg(x[:, last], t, x[:, s])) for s in chosen]
        if selector is jmi:  # I([f, s]; y) = I(s; y) + I(f; y | s)
            given = [g + float(F.ksg(x[:, s], t)) for g, s in zip(given, chosen)]
        assert selector.scores_[last] == pytest.approx(reduce(given), abs=1e-12)


def test_univariate_default_is_unchanged():
    X, y = redundant(500, [1.0] * 5, seed=6)
    default = MutualInfoSelector(k=5, random_state=0).fit(X, y)
    explicit = MutualInfoSelector(k=5, strategy="univariate", random_state=0).fit(X, y)
    np.testing.assert_array_equal(default.scores_, explicit.scores_)
    np.testing.assert_array_equal(default.ranking_, explicit.ranking_)
    # Every strategy's first pick is the univariate best.
    for strategy in GREEDY:
        greedy = MutualInfoSelector(k=5, strategy=strategy, random_state=0).fit(X, y)
        assert np.argmin(greedy.ranking_) == np.argmax(default.scores_)


def test_k_all_ranks_everything_and_a_smaller_k_is_a_prefix():
    X, y = redundant(400, [1.0] * 5, seed=7)
    selector = MutualInfoSelector(k="all", strategy="cmim", random_state=0).fit(X, y)
    assert sorted(selector.ranking_) == list(range(1, 16))
    assert selector.get_support().all()
    order = np.argsort(selector.ranking_)
    selector.set_params(k=3)
    assert selector.get_support(indices=True).tolist() == sorted(order[:3])
    three = MutualInfoSelector(k=3, strategy="cmim", random_state=0).fit(X, y)
    np.testing.assert_array_equal(three.get_support(), selector.get_support())
    assert not MutualInfoSelector(k=0, strategy="mrmr").fit(X, y).get_support().any()
    with pytest.warns(UserWarning, match="k=20 is greater than n_features=15"):
        wide = MutualInfoSelector(k=20, strategy="jmi", random_state=0).fit(X, y)
    assert wide.get_support().all()


def test_parallel_workers_give_the_same_selection():
    X, y = redundant(600, [1.0] * 5, seed=8)
    for strategy in GREEDY:
        one = MutualInfoSelector(k=4, strategy=strategy, random_state=0).fit(X, y)
        two = MutualInfoSelector(k=4, strategy=strategy, random_state=0, n_jobs=2).fit(X, y)
        np.testing.assert_allclose(two.scores_, one.scores_, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(two.ranking_, one.ranking_)


def test_mrmr_takes_discrete_features_and_sparse_input():
    rng = np.random.default_rng(9)
    codes = rng.integers(0, 4, size=(600, 3))
    X = np.hstack([codes, codes[:, :1], rng.integers(0, 4, size=(600, 2))]).astype(float)
    y = codes.sum(1) + 0.5 * rng.normal(size=600)
    dense = MutualInfoSelector(k=3, strategy="mrmr", discrete_features=True,
                               random_state=0).fit(X, y)
    picked = set(dense.get_support(indices=True))
    # Column 3 is an exact copy of column 0: one of them, and columns 1 and 2.
    assert picked - {0, 3} == {1, 2} and len(picked & {0, 3}) == 1, picked
    univariate = MutualInfoSelector(k=3, discrete_features=True, random_state=0).fit(X, y)
    assert {0, 3} <= set(univariate.get_support(indices=True))
    sparse = MutualInfoSelector(k=3, strategy="mrmr", random_state=0).fit(
        scipy.sparse.csc_matrix(X), y)
    np.testing.assert_array_equal(sparse.ranking_, dense.ranking_)


# --- errors -------------------------------------------------------------------------------


def test_bad_parameters():
    X, y = redundant(100, [1.0] * 5, seed=10)
    with pytest.raises(ValueError, match=r"strategy='mrmr' selects a number of features, k"):
        MutualInfoSelector(k=None, percentile=20, strategy="mrmr").fit(X, y)
    with pytest.raises(ValueError, match=r"percentile and threshold apply to strategy="):
        MutualInfoSelector(k=None, threshold=0.1, strategy="cmim").fit(X, y)
    with pytest.raises(ValueError, match=r"n_permutations applies to strategy='univariate'"):
        MutualInfoSelector(k=3, strategy="jmi", n_permutations=10).fit(X, y)
    with pytest.raises(ValueError, match=r"strategy='jmi' needs a KSGEstimator"):
        MutualInfoSelector(SMILEEstimator(), k=3, strategy="jmi").fit(X, y)
    with pytest.raises(ValueError, match=r"strategy='cmim' needs a KSGEstimator"):
        MutualInfoSelector(KSGEstimator(mixed=True), k=3, strategy="cmim").fit(X, y)
    with pytest.raises(ValueError, match=r"strategy='cmim' needs continuous features"):
        MutualInfoSelector(k=3, strategy="cmim", discrete_features=[0]).fit(X, y)
    with pytest.raises(ValueError, match=r"strategy='jmi' does not accept sparse X"):
        MutualInfoSelector(k=3, strategy="jmi").fit(scipy.sparse.csc_matrix(X), y)
    with pytest.raises(ValueError, match=r"n_neighbors=100 must be smaller than n_samples"):
        MutualInfoSelector(KSGEstimator(n_neighbors=100), k=3, strategy="mrmr").fit(X, y)
    with pytest.raises(ValueError, match=r"'strategy' parameter of MutualInfoSelector must"):
        MutualInfoSelector(strategy="forward").fit(X, y)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"Input X contains NaN"):
        MutualInfoSelector(k=3, strategy="cmim").fit(bad, y)


# --- scikit-learn compatibility ------------------------------------------------------------


def test_pickling_pipeline_and_grid_search():
    X, y = redundant(900, [1.0] * 5, seed=11)
    selector = MutualInfoSelector(k=5, strategy="cmim", random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(selector))
    np.testing.assert_array_equal(again.transform(X), selector.transform(X))
    assert clone(selector).get_params() == selector.get_params()
    pipeline = make_pipeline(MutualInfoSelector(k=5, random_state=0), Ridge())
    search = GridSearchCV(
        pipeline, {"mutualinfoselector__strategy": ["univariate", "mrmr", "cmim"]}, cv=3
    ).fit(X, y)
    # All three keep enough of the signal for a linear model on this linear target.
    assert search.cv_results_["mean_test_score"].min() > 0.5
    assert search.best_estimator_[0].strategy in ("mrmr", "cmim")


@parametrize_with_checks([
    MutualInfoSelector(k=2, strategy="mrmr"),
    MutualInfoSelector(k=2, strategy="cmim"),
])
def test_sklearn_compatible_greedy_selector(estimator, check):
    check(estimator)
