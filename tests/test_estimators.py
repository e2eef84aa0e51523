"""The contracts every estimator keeps (plumbing, at small budgets): each family's, by
the registry and conftest.INIT_PARAMS, where the contract applies to it; then the
discriminative estimators' own."""

import io
import math
import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmist
from conftest import fast_instance, gaussian_pair
from skmist import InfoNCEEstimator, MINEEstimator, SMILEEstimator
from skmist.estimators import all_estimators

ENTRIES = all_estimators()
SMALL = dict(hidden_dims=(16,), max_iter=150, batch_size=64, n_negatives=16, device="cpu")


def by_name(entries):
    """Parametrize a test by registry entries. At fast parameters, and on the rows a
    model was trained on, the unreliable-estimate warning is right and not tested."""
    def decorate(test):
        test = pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")(test)
        return pytest.mark.parametrize("entry", entries, ids=lambda entry: entry.name)(test)

    return decorate


def takes(entry, parameter):
    return parameter in entry.cls._get_param_names()


def fast(entry, seed=None, **params):
    """The entry's estimator with its fast parameters, seeded where it takes a seed."""
    if seed is not None and takes(entry, "random_state"):
        params["random_state"] = seed
    return fast_instance(entry.cls, **params)


def inputs(entry, X, y):
    """``fit``'s and ``score``'s arguments: an entropy estimator takes X alone."""
    return (X, y) if entry.requires_y else (X,)


@pytest.fixture(scope="module")
def data():
    return gaussian_pair(600, 2, 0.5, seed=0)


def test_grid_search_over_critic_architecture(data):
    x, y = data
    search = GridSearchCV(
        InfoNCEEstimator(max_iter=100, batch_size=64, n_negatives=16, random_state=0),
        {"hidden_dims": [(32,), (64, 64)], "critic": ["joint", "separable"]},
        cv=3,
    ).fit(x, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.isfinite(scores).all()
    # The held-out InfoNCE bound of every candidate is a valid lower bound of 0.5 nats
    # (up to its sampling error on 200 rows, ~0.05), and the best is clearly informative.
    assert scores.max() < 0.5 + 0.1
    assert search.best_score_ > 0.2
    assert search.best_estimator_.mi_ > 0.2


def test_pipeline_with_a_scaler(data):
    x, y = data
    pipe = make_pipeline(StandardScaler(), SMILEEstimator(random_state=0, **SMALL)).fit(x, y)
    assert 0.2 < pipe.score(x, y) < 0.7


@by_name(ENTRIES)
def test_pickle_round_trip_gives_the_identical_score(entry, data):
    args = inputs(entry, *data)
    est = fast(entry, seed=0).fit(*args)
    clone = pickle.loads(pickle.dumps(est))
    assert clone.score(*args) == est.score(*args)
    assert getattr(clone, "mi_", None) == getattr(est, "mi_", None)
    if hasattr(est, "partial_fit"):
        clone.partial_fit(*args)  # a round-tripped estimator can keep training


@by_name(ENTRIES)
def test_same_seed_same_estimate_and_repeated_scores_agree(entry, data):
    args = inputs(entry, *data)
    a = fast(entry, seed=3).fit(*args)
    b = fast(entry, seed=3).fit(*args)
    # Equal up to float rounding: threaded CPU kernels may sum in another order.
    assert a.score(*args) == a.score(*args) == pytest.approx(b.score(*args), abs=1e-6)
    if entry.trained:
        # (A nonparametric estimator's seed only draws its tiny tie-breaking noise.)
        assert fast(entry, seed=4).fit(*args).score(*args) != a.score(*args)


@by_name(ENTRIES)
def test_fit_leaves_the_global_torch_rng_alone(entry, data):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    fast(entry, seed=0).fit(*inputs(entry, *data))
    torch.testing.assert_close(torch.rand(3), expected)


def test_score_does_not_depend_on_the_chunk_size(data):
    x, y = data
    est = MINEEstimator(random_state=0, **SMALL).fit(x, y)
    whole = est.score(x, y)
    # 1e-3 MiB of working memory forces chunks of a few rows.
    with sklearn.config_context(working_memory=1e-3):
        chunked = est.score(x, y)
    assert chunked == pytest.approx(whole, abs=1e-6)


def test_a_million_samples_score_in_chunks():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1_000_000, 1)).astype(np.float32)
    y = (x + rng.normal(size=x.shape)).astype(np.float32)  # MI = 0.347 nats
    est = InfoNCEEstimator(
        hidden_dims=(8,), embedding_dim=4, n_negatives=4, max_iter=400, random_state=0
    ).fit(x[:5000], y[:5000])
    value = est.score(x, y)
    # InfoNCE with 4 negatives at MI 0.35 reaches ~0.25 with a good critic (cap log 5).
    assert 0.15 < value < 0.347
    # The same expectation on a 10% subsample: the standard error there is ~0.003.
    assert value == pytest.approx(est.score(x[:100_000], y[:100_000]), abs=0.02)


def test_scale_and_shift_do_not_change_the_estimate():
    x, y = gaussian_pair(3000, 1, 0.5, seed=1)
    base = SMILEEstimator(random_state=0, **SMALL).fit(x, y)
    moved = SMILEEstimator(random_state=0, **SMALL).fit(1e3 * x + 50, 1e-3 * y - 7)
    assert moved.mi_ == pytest.approx(base.mi_, abs=1e-3)
    assert moved.score(1e3 * x + 50, 1e-3 * y - 7) == pytest.approx(base.score(x, y), abs=1e-3)


def test_without_standardization_badly_scaled_data_trains_worse():
    x, y = gaussian_pair(3000, 1, 0.5, seed=1)
    with pytest.warns(skmist.UnreliableEstimateWarning):
        raw = InfoNCEEstimator(standardize=False, random_state=0, **SMALL).fit(
            1e3 * x, 1e3 * y
        )
    scaled = InfoNCEEstimator(random_state=0, **SMALL).fit(1e3 * x, 1e3 * y)
    assert abs(raw.mi_ - 0.5) > abs(scaled.mi_ - 0.5) + 0.1


@by_name(ENTRIES)
def test_dataframes_in_and_feature_names(entry, data):
    x, y = data
    frame = pd.DataFrame(x, columns=["a", "b"])
    est = fast(entry, seed=0).fit(*inputs(entry, frame, pd.Series(y[:, 0], name="t")))
    assert list(est.feature_names_in_) == ["a", "b"]
    assert est.n_features_in_ == 2
    with pytest.raises(ValueError, match="non-numeric columns"):
        est.fit(*inputs(entry, frame.assign(c=["u"] * len(frame)), y))


def test_the_training_history_is_a_dataframe(data):
    x, y = data
    frame = pd.DataFrame(x, columns=["a", "b"])
    est = InfoNCEEstimator(random_state=0, **SMALL).fit(frame, pd.Series(y[:, 0], name="t"))
    assert isinstance(est.history_, pd.DataFrame)
    assert list(est.history_.columns) == [
        "iteration", "loss", "validation_mi", "validation_mi_smoothed"
    ]
    assert est.history_["iteration"].iloc[-1] == est.n_iter_


@by_name(ENTRIES)
def test_torch_tensors_in_including_ones_that_require_grad(entry, data):
    x, y = data
    xt = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    yt = torch.tensor(y, dtype=torch.float32)
    est = fast(entry, seed=0).fit(*inputs(entry, xt, yt))
    from_numpy = fast(entry, seed=0).fit(*inputs(entry, x.astype(np.float32), y))
    # The same float32 values: a tree's threshold may be a training value, which that
    # value's float64 original falls on either side of (ClassifierEstimator).
    assert est.score(*inputs(entry, xt, yt[:, 0:2])) == pytest.approx(
        from_numpy.score(*inputs(entry, x.astype(np.float32), y)), abs=1e-5)
    with pytest.raises(ValueError, match="NaN or infinite"):
        est.score(*inputs(entry, xt.detach().masked_fill(xt.detach() > 2, float("nan")), yt))
    with pytest.raises(ValueError, match="Expected a 2D tensor"):
        est.fit(*inputs(entry, xt[:, 0], yt))


def test_critic_is_usable_in_a_loss_on_raw_inputs(data):
    x, y = data
    est = SMILEEstimator(random_state=0, **SMALL).fit(1e3 * x, y)
    xt = torch.tensor(1e3 * x, dtype=torch.float32, requires_grad=True)
    yt = torch.tensor(y, dtype=torch.float32)
    scores = est.critic_(xt[:, None, :], yt[None, :, :])  # (n, n) score matrix
    mi = skmist.functional.smile(scores)
    mi.backward()
    assert xt.grad is not None and torch.isfinite(xt.grad).all()
    assert 0.2 < mi.item() < 0.8


def test_categorical_target_is_one_hot_encoded():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=2000)
    x = labels[:, None] + 0.3 * rng.normal(size=(2000, 1))
    names = np.array(["a", "b", "c"])[labels]
    est = SMILEEstimator(random_state=0, **SMALL).fit(x, names)
    assert list(est.y_categories_) == ["a", "b", "c"]
    # I(X; label) -> H(label) = log 3 = 1.10 as the classes separate; here ~0.9.
    assert 0.6 < est.mi_ < np.log(3) + 0.05
    flagged = SMILEEstimator(discrete_target=True, random_state=0, **SMALL).fit(x, labels)
    assert flagged.mi_ == pytest.approx(est.mi_, abs=1e-6)
    with pytest.raises(ValueError, match="not seen during fit"):
        est.score(x[:5], np.array(["a", "b", "z", "a", "a"]))


def test_partial_fit_streams_batches(data):
    x, y = data
    est = InfoNCEEstimator(random_state=0, **SMALL)
    for start in range(0, 600, 100):
        est.partial_fit(x[start:start + 100], y[start:start + 100])
    assert est.n_iter_ == 6 * 2  # batch_size 64: two steps per batch of 100
    assert len(est.history_) >= 6
    for _ in range(20):
        est.partial_fit(x, y)
    assert est.score(x, y) > 0.2


@by_name([entry for entry in ENTRIES if takes(entry, "verbose")])
def test_verbose_shows_a_progress_bar(entry, data, capsys):
    fast(entry, seed=0, verbose=True).fit(*inputs(entry, *data))
    assert entry.cls.__name__ in capsys.readouterr().err


def test_early_stopping_survives_negative_estimates():
    # Independent x and y: every bound is at or below 0 from the first evaluation.
    # torch_mist starts its best value at 0 and stops at once; we must keep training.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(800, 1)), rng.normal(size=(800, 1))
    est = InfoNCEEstimator(
        hidden_dims=(16,), max_iter=400, n_iter_no_change=200, random_state=0
    ).fit(x, y)
    assert est.n_iter_ >= 200
    assert abs(est.mi_) < 0.1


def test_without_patience_validation_runs_about_20_times(data):
    # n_iter_no_change=None still validates (for the best weights and the history), but
    # there is no patience to serve: validating every 10 steps would dominate the fit.
    x, y = data
    est = InfoNCEEstimator(
        hidden_dims=(8,), max_iter=1000, n_iter_no_change=None, random_state=0
    ).fit(x, y)
    assert est.n_iter_ == 1000
    assert len(est.history_) == 20
    assert skmist._training.evaluation_interval(1000, 50) == 10


def test_a_diverging_loss_stops_with_a_clear_error(data):
    x, y = data
    est = skmist.NWJEstimator(learning_rate=1e6, random_state=0, **SMALL)
    with pytest.raises(FloatingPointError, match=r"NaN or infinite between iterations \d+ and \d+"):
        est.fit(x * 100, y * 100)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.full((5, 2), np.nan), np.zeros(5), "NaN"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), np.zeros(2), "infinity"),
        (np.zeros((1, 2)), np.zeros(1), "1 sample"),
        (np.zeros((0, 2)), np.zeros(0), "0 sample"),
        (np.zeros((4, 2, 2)), np.zeros(4), "Found array with dim 3"),
    ],
)
@by_name(ENTRIES)
def test_bad_input_gets_a_clear_error(entry, X, y, match):
    with pytest.raises(ValueError, match=match):
        fast(entry).fit(*inputs(entry, X, y))


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.zeros((5, 2)), np.zeros(4), "inconsistent numbers of samples"),
        (np.zeros((5, 2)), np.full(5, np.nan), "NaN"),
    ],
)
@by_name(all_estimators(requires_y=True))
def test_bad_targets_get_a_clear_error(entry, X, y, match):
    with pytest.raises(ValueError, match=match):
        fast(entry).fit(X, y)


@pytest.mark.parametrize(
    "device, match",
    [("tpu9", "not a device torch knows"), ("cuda:7", "CUDA|CUDA device")],
)
@by_name([entry for entry in ENTRIES if takes(entry, "device")])
def test_unknown_or_absent_devices_are_errors(entry, device, match, data):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.skip("this machine has eight GPUs")
    with pytest.raises(ValueError, match=match):
        fast(entry, device=device).fit(*inputs(entry, *data))


def test_repr_shows_only_changed_parameters():
    assert repr(SMILEEstimator(tau=2.0)) == "SMILEEstimator(tau=2.0)"
    for entry in ENTRIES:
        assert repr(entry.cls()) == f"{entry.cls.__name__}()"


def test_pickle_stores_cpu_tensors_even_from_another_device(data):
    # A real CUDA round trip runs in test_gpu.py where a GPU exists; here the saved
    # state must contain no device-specific storage a CPU-only machine cannot read.
    x, y = data
    est = InfoNCEEstimator(random_state=0, **SMALL).fit(x, y)
    buffer = io.BytesIO()
    torch.save(est.model_.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True, map_location="cpu")
    assert all(t.device.type == "cpu" for t in state.values())


def test_an_estimate_dominated_by_a_few_pairs_warns():
    # JS evaluated with NWJ at MI = 2 nats in one dimension: the critic's exp blows up on
    # a few held-out tail pairs (measured: scores of -9 to -2e9 nats over seeds).
    x, y = gaussian_pair(5000, 1, 2.0, seed=100)
    x_test, y_test = gaussian_pair(5000, 1, 2.0, seed=200)
    with pytest.warns(skmist.UnreliableEstimateWarning):  # mi_ on the validation split
        est = skmist.JSEstimator(random_state=0).fit(x, y)
    with pytest.warns(skmist.UnreliableEstimateWarning, match="standard error of"):
        est.score(x_test, y_test)


def test_a_healthy_estimate_does_not_warn(data, recwarn):
    x, y = data
    x_test, y_test = gaussian_pair(600, 2, 0.5, seed=1)
    SMILEEstimator(random_state=0, **SMALL).fit(x, y).score(x_test, y_test)
    assert not [w for w in recwarn if issubclass(w.category, skmist.UnreliableEstimateWarning)]


def test_normal_scores_equal_scikit_learns_quantile_transformer():
    from sklearn.preprocessing import QuantileTransformer

    from skmist._neural import _quantiles, normal_scores

    rng = np.random.default_rng(0)
    train, test = rng.standard_cauchy((3000, 3)), rng.standard_cauchy((500, 3)) * 2
    reference = QuantileTransformer(
        n_quantiles=1000, output_distribution="normal", random_state=0
    ).fit(train).transform(test)
    ours = normal_scores(torch.tensor(test), _quantiles(torch.tensor(train), 0))
    np.testing.assert_allclose(ours.numpy(), reference, atol=1e-12)
    # A tie (discrete or constant column) goes to the middle of its levels.
    ties = torch.tensor([[0.0, 1.0]] * 5 + [[1.0, 1.0]] * 5)
    scores = normal_scores(ties, _quantiles(ties, 0))
    assert scores[:, 1].abs().max() == 0
    assert scores[0, 0] == pytest.approx(-scores[-1, 0]) and scores[0, 0] < -0.5


@pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")
def test_quantile_standardization_tames_heavy_tails():
    # Cauchy-tailed Student-t (1 degree of freedom): single samples far out make the
    # critic's exp terms explode on standardized data; normal scores keep MI and
    # remove the tails.
    X, y, mi = skmist.datasets.load_task("student-identity-2-2-1", n_samples=6000,
                                         random_state=0)
    fitted = {
        standardize: SMILEEstimator(standardize=standardize, max_iter=1500,
                                    random_state=0).fit(X[:3000], y[:3000])
        for standardize in (True, "quantile")
    }
    errors = {k: abs(est.score(X[3000:], y[3000:]) - mi) for k, est in fitted.items()}
    assert errors["quantile"] < 0.25 < errors[True]
    # The critic on raw inputs applies the same map (and stays differentiable).
    x = torch.tensor(X[:50], dtype=torch.float32, requires_grad=True)
    values = fitted["quantile"].critic_(x, torch.tensor(y[:50], dtype=torch.float32))
    values.sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    restored = pickle.loads(pickle.dumps(fitted["quantile"]))
    assert restored.score(X[3000:], y[3000:]) == fitted["quantile"].score(X[3000:], y[3000:])


@pytest.mark.parametrize("cls", [skmist.MINDEEntropy, skmist.DoEEstimator, skmist.PQEstimator])
def test_quantile_standardization_is_refused_where_it_changes_the_answer(cls, data):
    # Entropies and densities of raw data are not invariant under the quantile map.
    x, y = data
    with pytest.raises(sklearn.utils._param_validation.InvalidParameterError,
                       match="'standardize' parameter"):
        cls(standardize="quantile").fit(x, y)


def test_smile_takes_the_documented_tau_inf():
    # The docstring offers tau=inf (the DV estimate of a JS-trained critic); the
    # parameter constraints refused it.
    x, y = gaussian_pair(400, 1, 0.35, seed=0)
    params = dict(hidden_dims=(16,), max_iter=30, random_state=0, device="cpu")
    unclipped = SMILEEstimator(tau=math.inf, **params).fit(x, y).mi_
    assert unclipped == pytest.approx(SMILEEstimator(tau=1e9, **params).fit(x, y).mi_)
    with pytest.raises(ValueError, match="'tau' parameter of SMILEEstimator"):
        SMILEEstimator(tau=0.0, **params).fit(x, y)
