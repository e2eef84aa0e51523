"""MutualInfoSelector, mutual_info_scores and mutual_info_matrix."""

import pickle
import re

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse
import torch
from sklearn.datasets import make_classification, make_regression
from sklearn.feature_selection import (
    SelectKBest,
    SelectPercentile,
    mutual_info_classif,
    mutual_info_regression,
)
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmist import (
    GaussianEstimator,
    KSGEstimator,
    MutualInfoSelector,
    SMILEEstimator,
    UnreliableEstimateWarning,
    mutual_info_matrix,
    mutual_info_scores,
)
from skmist.functional import ksg_jitter
from skmist.selection import MutualInfoScores


@pytest.fixture(scope="module")
def regression():
    return make_regression(
        n_samples=1000, n_features=12, n_informative=4, shuffle=False, random_state=1
    )


@pytest.fixture(scope="module")
def classification():
    return make_classification(
        n_samples=1000, n_features=12, n_informative=3, n_redundant=0, n_repeated=0,
        shuffle=False, class_sep=2.0, random_state=1,
    )


# --- parity with scikit-learn -------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7])
def test_scores_equal_mutual_info_regression(regression, seed):
    X, y = regression
    ours = MutualInfoSelector(random_state=seed).fit(X, y).scores_
    np.testing.assert_allclose(ours, mutual_info_regression(X, y, random_state=seed),
                               rtol=0, atol=1e-6)


def test_scores_equal_mutual_info_regression_with_its_parameters(regression):
    X, y = regression
    estimator = KSGEstimator(n_neighbors=5)
    ours = MutualInfoSelector(estimator, random_state=np.random.RandomState(3)).fit(X, y)
    theirs = mutual_info_regression(X, y, n_neighbors=5, random_state=np.random.RandomState(3))
    np.testing.assert_allclose(ours.scores_, theirs, rtol=0, atol=1e-6)


def test_scores_equal_mutual_info_classif(classification):
    X, y = classification
    ours = MutualInfoSelector(random_state=0).fit(X, y).scores_
    np.testing.assert_allclose(ours, mutual_info_classif(X, y, random_state=0), rtol=0, atol=1e-6)
    # String labels are labels too.
    names = np.array(["cat", "dog"])[y]
    ours = MutualInfoSelector(random_state=0).fit(X, names).scores_
    np.testing.assert_allclose(ours, mutual_info_classif(X, y, random_state=0), rtol=0, atol=1e-6)


def test_mixed_discrete_and_continuous_features_match_mutual_info_classif(classification):
    X, y = classification
    X = X.copy()
    mask = np.arange(X.shape[1]) % 3 == 0
    X[:, mask] = np.round(X[:, mask])
    ours = MutualInfoSelector(discrete_features=mask, random_state=0).fit(X, y).scores_
    theirs = mutual_info_classif(X, y, discrete_features=mask, random_state=0)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    indices = np.flatnonzero(mask)
    ours = MutualInfoSelector(discrete_features=indices, random_state=0).fit(X, y).scores_
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)



def _frame_with_classes(n=2000, seed=0):
    """Two columns of classes (strings and a pandas categorical) beside two numbers;
    y reads the string classes and one number."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["p", "q", "r"], n)
    X = pd.DataFrame({"num": rng.normal(size=n), "kind": kind,
                      "cat": pd.Categorical(rng.choice(["u", "v"], n)),
                      "noise": rng.normal(size=n)})
    effect = pd.Series(kind).map({"p": -1.0, "q": 0.0, "r": 2.0}).to_numpy()
    return X, effect + 0.5 * X["num"].to_numpy() + rng.normal(size=n)


def test_columns_of_classes_are_discrete_features_as_their_codes():
    # They raised numpy's "could not convert string to float: 'p'".
    X, y = _frame_with_classes()
    selector = MutualInfoSelector(k=2, random_state=0).fit(X, y)
    codes = np.column_stack([X["num"], pd.factorize(X["kind"], sort=True)[0],
                             X["cat"].cat.codes, X["noise"]])
    theirs = mutual_info_regression(codes, y, discrete_features=[1, 2], random_state=0)
    np.testing.assert_allclose(selector.scores_, theirs, rtol=0, atol=1e-9)
    assert list(selector.get_feature_names_out()) == ["num", "kind"]
    # transform keeps the columns as they were given, strings included.
    assert selector.transform(X)[:, 1].tolist() == X["kind"].tolist()
    out = selector.set_output(transform="pandas").transform(X)
    assert list(out.columns) == ["num", "kind"] and out["kind"].dtype == X["kind"].dtype
    # An object array of the same values, and the pairwise matrix, read them alike.
    again = MutualInfoSelector(k=2, random_state=0).fit(X.to_numpy(dtype=object), y)
    np.testing.assert_allclose(again.scores_, theirs, rtol=0, atol=1e-9)
    matrix = mutual_info_matrix(X, random_state=0)
    assert matrix.loc["kind", "kind"] == pytest.approx(np.log(3), abs=0.01)  # H(kind)
    assert matrix.loc["cat", "cat"] == pytest.approx(np.log(2), abs=0.01)
    # Dates are seconds since the first: continuous, scored as those numbers are.
    dated = X.assign(num=pd.Timestamp("2020-01-01") + pd.to_timedelta(X["num"], unit="s"))
    again = MutualInfoSelector(k=2, random_state=0).fit(dated, y)
    np.testing.assert_allclose(again.scores_, theirs, rtol=0, atol=1e-9)


def test_a_trained_estimator_reads_columns_of_classes_dequantized():
    # A neural estimator has no discrete_features: it sees each class code spread over
    # [code, code + 1), which keeps the MI, instead of ties it would read as dependence.
    X, y = _frame_with_classes()
    smile = SMILEEstimator(hidden_dims=(32,), max_iter=400, device="cpu")
    scores = MutualInfoSelector(smile, k=2, random_state=0).fit(X, y).scores_
    ksg = MutualInfoSelector(k=2, random_state=0).fit(X, y).scores_
    assert scores[1] == pytest.approx(ksg[1], abs=0.1)  # I(kind; y), about 0.38
    assert scores[2] < 0.03 and scores[3] < 0.03
    assert list(np.argsort(scores)[-2:]) == [0, 1]


def test_columns_of_classes_are_refused_by_the_conditional_strategies():
    X, y = _frame_with_classes(500)
    with pytest.raises(ValueError, match=r"strategy='jmi' needs continuous features .*; 2 "
                                         r"are discrete"):
        MutualInfoSelector(k=2, strategy="jmi").fit(X, y)
    # mRMR takes discrete features: its first pick is the most relevant, the classes.
    mrmr = MutualInfoSelector(k=1, strategy="mrmr", random_state=0).fit(X, y)
    assert list(mrmr.get_feature_names_out()) == ["kind"]
    X["id"] = [f"row{i}" for i in range(500)]
    with pytest.raises(ValueError, match=r"^X column 'id' has 500 classes in 500 rows"):
        MutualInfoSelector().fit(X, y)

def test_sparse_discrete_features_match_mutual_info_classif(classification):
    X, y = classification
    X = scipy.sparse.csr_matrix(np.clip(np.round(X), 0, None))
    ours = MutualInfoSelector(random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.scores_, mutual_info_classif(X, y, random_state=0),
                               rtol=0, atol=1e-6)
    assert ours.transform(X).shape == (1000, 10)
    assert scipy.sparse.issparse(ours.transform(X))


def test_sparse_continuous_features_are_refused(classification):
    X, y = classification
    X = scipy.sparse.csr_matrix(np.clip(X, 0, None))
    with pytest.raises(ValueError, match="X is sparse, which is allowed for discrete features only"):
        MutualInfoSelector(discrete_features=False).fit(X, y)


@pytest.mark.parametrize("scale", [True, False, "quantile"])
def test_blocks_jittered_from_one_draw_are_the_whole_jittered(scale):
    """The selector draws scikit-learn's noise for all continuous columns at once, then
    jitters blocks of them apart (in threads): each column needs its own draw only (the
    same to rounding: torch sums one column's deviations in another order than five)."""
    x = np.random.default_rng(0).normal(size=(200, 5)) * [1.0, 10.0, 1e-3, 5e3, 1.0]
    whole = ksg_jitter(x, 1e-3, scale=scale, random_state=0)
    draw = np.random.RandomState(0).standard_normal(size=x.shape)
    blocks = [ksg_jitter(x[:, b], 1e-3, scale=scale, draw=draw[:, b])
              for b in ([0, 1], [2], [3, 4])]
    torch.testing.assert_close(torch.cat(blocks, dim=1), whole, rtol=1e-14, atol=0)


# --- selection ----------------------------------------------------------------------


def test_selects_the_informative_regression_features(regression):
    X, y = regression
    selector = MutualInfoSelector(k=4, random_state=0).fit(X, y)
    assert list(selector.get_support(indices=True)) == [0, 1, 2, 3]
    assert set(np.flatnonzero(selector.ranking_ <= 4)) == {0, 1, 2, 3}
    assert selector.ranking_.min() == 1
    assert selector.scores_[4:].max() < 0.05 < selector.scores_[:4].min()


def test_selects_the_informative_classification_features(classification):
    X, y = classification
    selector = MutualInfoSelector(k=3, random_state=0).fit(X, y)
    assert list(selector.get_support(indices=True)) == [0, 1, 2]


def test_ranking_is_one_for_the_best_and_shares_ties():
    from skmist.selection import _ranks

    np.testing.assert_array_equal(_ranks(np.array([0.3, 0.0, 0.9, 0.0, 0.3])), [2, 4, 1, 4, 2])


def test_percentile_and_threshold(regression):
    X, y = regression
    by_percentile = MutualInfoSelector(k=None, percentile=25, random_state=0).fit(X, y)
    reference = SelectPercentile(mutual_info_scores(random_state=0), percentile=25).fit(X, y)
    np.testing.assert_array_equal(by_percentile.get_support(), reference.get_support())
    assert by_percentile.get_support().sum() == 3
    by_threshold = MutualInfoSelector(k=None, threshold=0.05, random_state=0).fit(X, y)
    assert list(by_threshold.get_support(indices=True)) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "params",
    [dict(percentile=10), dict(threshold=0.1), dict(k=None), dict(k=None, percentile=5, threshold=0.1)],
)
def test_k_percentile_threshold_are_mutually_exclusive(regression, params):
    X, y = regression
    with pytest.raises(ValueError, match="k, percentile and threshold are mutually exclusive"):
        MutualInfoSelector(**params).fit(X, y)


def test_k_larger_than_n_features_keeps_all_with_a_warning(regression):
    X, y = regression
    with pytest.warns(UserWarning, match="k=50 is greater than n_features=12"):
        selector = MutualInfoSelector(k=50, random_state=0).fit(X, y)
    assert selector.transform(X).shape == X.shape
    assert MutualInfoSelector(k="all").fit(X, y).transform(X).shape == X.shape


def test_pandas_in_and_out(regression):
    X, y = regression
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    selector = MutualInfoSelector(k=2, random_state=0).set_output(transform="pandas")
    out = selector.fit(df, pd.Series(y)).transform(df)
    assert isinstance(out, pd.DataFrame)
    top_two = [f"f{j}" for j in np.argsort(selector.scores_)[-2:]]
    assert set(out.columns) == set(top_two)
    assert list(selector.get_feature_names_out()) == list(out.columns)
    assert list(selector.feature_names_in_) == list(df.columns)


def test_pipeline_in_grid_search(regression):
    X, y = regression
    pipe = make_pipeline(StandardScaler(), MutualInfoSelector(k=5, random_state=0), Ridge())
    search = GridSearchCV(pipe, {"mutualinfoselector__k": [1, 4, 10]}, cv=3).fit(X, y)
    # Keeping all 4 informative features explains y far better than keeping 1.
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > scores[0] + 0.1
    assert search.best_params_["mutualinfoselector__k"] in (4, 10)


def test_multi_output_target_is_one_joint_variable():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, 4))
    Y = np.column_stack([X[:, 0] + 0.5 * rng.normal(size=800), X[:, 1] + 0.5 * rng.normal(size=800)])
    estimator = KSGEstimator(noise=0)  # no jitter: the scores are deterministic
    scores = MutualInfoSelector(estimator, k=2).fit(X, Y).scores_
    for j in range(4):
        single = estimator.fit(X[:, [j]], Y).mi_
        assert scores[j] == pytest.approx(max(single, 0.0), abs=1e-12)
    assert scores[:2].min() > 0.5 > 0.05 > scores[2:].max()


def test_multi_output_labels_are_joint_labels():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1000, 3))
    labels = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    scores = MutualInfoSelector(k=2, random_state=0).fit(X, labels).scores_
    joint = labels[:, 0] * 2 + labels[:, 1]
    np.testing.assert_allclose(scores, mutual_info_classif(X, joint, random_state=0), atol=1e-6)
    # One-hot labels held as floats are labels too (they were read as two continuous
    # columns of ties).
    one_hot = np.eye(3)[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0)]
    scores = MutualInfoSelector(k=2, random_state=0).fit(X, one_hot).scores_
    classes = one_hot.argmax(1)
    np.testing.assert_allclose(scores, mutual_info_classif(X, classes, random_state=0),
                               atol=1e-6)


def test_any_skmist_estimator_is_cloned_per_feature():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 4))
    rho = np.array([0.9, 0.0, 0.6, 0.0])  # I = -log(1 - rho^2) / 2 = 0.83, 0, 0.22, 0
    y = X @ rho + np.sqrt(1 - (rho**2).sum() / 2) * rng.normal(size=1500)
    selector = MutualInfoSelector(GaussianEstimator(), k=2).fit(X, y)
    r = np.corrcoef(np.column_stack([X, y]).T)[-1, :-1]
    np.testing.assert_allclose(selector.scores_, np.maximum(-0.5 * np.log(1 - r**2), 0), atol=1e-9)
    assert list(selector.get_support(indices=True)) == [0, 2]


def test_a_neural_estimator_selects_the_informative_features():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4))
    y = np.sin(2 * X[:, 1]) + X[:, 3] ** 2 + 0.3 * rng.normal(size=1000)
    smile = SMILEEstimator(hidden_dims=(32,), max_iter=300, device="cpu")
    selector = MutualInfoSelector(smile, k=2, random_state=0).fit(X, y)
    assert list(selector.get_support(indices=True)) == [1, 3]
    # The same random_state gives the same clones' seeds, so the same scores.
    again = MutualInfoSelector(smile, k=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(selector.scores_, again.scores_)


# --- bad input ----------------------------------------------------------------------


def test_nan_is_refused(regression):
    X, y = regression
    X = X.copy()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        MutualInfoSelector().fit(X, y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        mutual_info_scores()(X, y)


def test_a_non_skmist_estimator_is_refused(regression):
    X, y = regression
    with pytest.raises(TypeError, match="estimator must be a skmist MI estimator.*LinearRegression"):
        MutualInfoSelector(LinearRegression()).fit(X, y)
    with pytest.raises(TypeError, match="estimator must be a skmist MI estimator"):
        mutual_info_matrix(X, "ksg")


def test_too_few_samples_for_the_neighbours():
    X, y = np.arange(6.0).reshape(3, 2), np.array([0.1, 0.5, 0.2])
    with pytest.raises(ValueError, match="n_neighbors=3 must be smaller than n_samples=3"):
        MutualInfoSelector(k=1).fit(X, y)


# --- score function -----------------------------------------------------------------


def test_score_function_for_select_k_best(regression):
    X, y = regression
    score_function = mutual_info_scores(random_state=0)
    best = SelectKBest(score_function, k=4).fit(X, y)
    np.testing.assert_allclose(best.scores_, mutual_info_regression(X, y, random_state=0), atol=1e-6)
    assert list(best.get_support(indices=True)) == [0, 1, 2, 3]
    restored = pickle.loads(pickle.dumps(score_function))
    assert isinstance(restored, MutualInfoScores)
    np.testing.assert_array_equal(restored(X, y), score_function(X, y))
    assert repr(score_function) == "mutual_info_scores(estimator=None, random_state=0)"


def test_permutation_p_values(regression):
    X, y = regression
    best = SelectKBest(mutual_info_scores(n_permutations=19, random_state=0), k=4).fit(X, y)
    # The informative features beat every permutation: the smallest p-value, 1/20.
    np.testing.assert_allclose(best.pvalues_[:4], 1 / 20)
    # Under independence p is uniform on {1/20, ..., 1}: the 8 noise features' p-values
    # average 0.525 with a standard error of 0.1.
    assert 0.2 < best.pvalues_[4:].mean() < 0.85
    selector = MutualInfoSelector(k=4, n_permutations=19, random_state=0).fit(X, y)
    np.testing.assert_array_equal(selector.pvalues_, best.pvalues_)
    assert MutualInfoSelector(k=4).fit(X, y).pvalues_ is None


def test_n_permutations_is_checked(regression):
    X, y = regression
    with pytest.raises(ValueError, match="n_permutations must be a non-negative integer"):
        mutual_info_scores(n_permutations=-1)(X, y)


# --- parallel -----------------------------------------------------------------------


def test_n_jobs_gives_the_same_scores(regression):
    X, y = regression
    one = MutualInfoSelector(random_state=0, n_permutations=3).fit(X, y)
    two = MutualInfoSelector(random_state=0, n_permutations=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.scores_, two.scores_)
    np.testing.assert_array_equal(one.pvalues_, two.pvalues_)
    gaussian = MutualInfoSelector(GaussianEstimator(), n_jobs=2).fit(X, y)
    np.testing.assert_allclose(gaussian.scores_, MutualInfoSelector(GaussianEstimator()).fit(X, y).scores_)


def test_dask_backend_runs_on_the_cluster_workers(regression):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    X, y = regression
    expected = MutualInfoSelector(random_state=0).fit(X, y).scores_
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        workers = set(client.scheduler_info()["workers"])
        with distributed.get_task_stream(client) as stream, parallel_config(backend="dask"):
            scores = MutualInfoSelector(random_state=0).fit(X, y).scores_
        ran_on = {task["worker"] for task in stream.data}
    np.testing.assert_array_equal(scores, expected)
    assert stream.data, "no task ran on the cluster"
    assert ran_on <= workers


# --- pairwise matrix ----------------------------------------------------------------


def test_mutual_info_matrix_on_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=3000)
    b = a + rng.normal(size=3000)  # I(a; b) = log(2) / 2
    c = rng.normal(size=3000)
    labels = (a > 0).astype(int)
    df = pd.DataFrame({"a": a, "b": b, "c": c, "label": labels})
    matrix = mutual_info_matrix(df, discrete_features=[3], random_state=0)
    assert list(matrix.index) == list(matrix.columns) == ["a", "b", "c", "label"]
    values = matrix.to_numpy()
    np.testing.assert_array_equal(values, values.T)
    assert np.isinf(np.diag(values)[:3]).all()
    assert values[3, 3] == pytest.approx(np.log(2), abs=1e-3)  # H of a fair coin
    assert values[0, 1] == pytest.approx(np.log(2) / 2, abs=0.05)
    assert values[0, 2] < 0.03 and values[1, 2] < 0.03
    # I(a; sign a) = H(sign a) = log 2 (KSG's continuous-discrete estimate).
    assert values[0, 3] == pytest.approx(np.log(2), abs=0.05)
    gaussian = mutual_info_matrix(np.column_stack([a, b, c]), GaussianEstimator())
    assert isinstance(gaussian, np.ndarray)
    r = np.corrcoef(np.column_stack([a, b, c]).T)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(gaussian[off], np.maximum(-0.5 * np.log(1 - r[off] ** 2), 0), atol=1e-9)


# --- scikit-learn's checks ----------------------------------------------------------


@parametrize_with_checks([MutualInfoSelector(), MutualInfoSelector(k=None, percentile=50)])
def test_sklearn_compatible_selector(estimator, check):
    check(estimator)


def test_a_selector_with_a_trained_estimator_shows_its_progress(capsys):
    # With a trained estimator the selector fits once per feature (58 s on 20 features
    # at the default budget) and printed nothing: verbose shows a bar over the fits.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X[:, 0] + rng.normal(size=200)
    estimator = SMILEEstimator(hidden_dims=(8,), max_iter=5, device="cpu")
    MutualInfoSelector(estimator, k=1, random_state=0, verbose=True).fit(X, y)
    assert re.search(r"SMILEEstimator fits: .*\d/3", capsys.readouterr().err)
    MutualInfoSelector(estimator, k=1, random_state=0).fit(X, y)
    assert capsys.readouterr().err == ""
    with joblib.parallel_config(backend="threading", n_jobs=2):
        MutualInfoSelector(estimator, k=1, random_state=0, verbose=True, n_jobs=2).fit(X, y)
    assert re.search(r"SMILEEstimator fits: .*\d/3", capsys.readouterr().err)


def test_duplicated_records_are_warned():
    # Every row twice: each feature's KSG reads the copies as dependence, and four
    # noise features scored 0.72-0.80 nats beside the informative one's 1.08, silently.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 5))
    y = X[:, 0] + rng.normal(size=2000)
    twice = np.repeat(X, 2, 0), np.repeat(y, 2, 0)
    with pytest.warns(UnreliableEstimateWarning, match=re.escape(
            "MutualInfoSelector: 100% of the samples are copies of another one, with the "
            "same X and y, which no other sample has")):
        selector = MutualInfoSelector(k=2).fit(*twice)
    assert np.all(selector.scores_[1:] > 0.5)  # what the warning is about
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreliableEstimateWarning)
        assert np.all(MutualInfoSelector(k=2).fit(X, y).scores_[1:] < 0.05)
        # Labels and discrete features repeat with other partners: no warning.
        labels = (X[:, 0] > 0).astype(int)
        MutualInfoSelector(k=2).fit(np.round(X), labels)
