"""The shared core of the trained estimators on awkward input and awkward use: large
offsets, values past float32's range, divergence, an interrupted fit, scoring the
training rows, and what the progress bar shows."""

import re
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score

import skmist
from conftest import gaussian_pair
from skmist import UnreliableEstimateWarning
from skmist._neural import NeuralMIEstimator

TRAINED = [
    getattr(skmist, name) for name in skmist.estimators.__all__
    if issubclass(getattr(skmist, name), NeuralMIEstimator)
]
# Every trained estimator takes these; the rest of TINY where it has the parameter.
TINY = dict(hidden_dims=(16,), max_iter=60, batch_size=64, n_negatives=8,
            n_time_samples=2, device="cpu", random_state=0)


def tiny(cls, **params):
    """``cls`` at a budget of a second, with ``params`` on top."""
    accepted = cls().get_params()
    defaults = {k: v for k, v in TINY.items() if k in accepted}
    if "entropy_y" in accepted:
        defaults["entropy_y"] = 1.0
    return cls(**{**defaults, **params})


def fit(est, x, y):
    return est.fit(x) if isinstance(est, skmist.MINDEEntropy) else est.fit(x, y)


def fitted_value(est):
    return est.entropy_ if isinstance(est, skmist.MINDEEntropy) else est.mi_


@pytest.fixture(scope="module")
def data():
    return gaussian_pair(400, 1, 0.35, seed=0)


# --- 1. a large common offset ------------------------------------------------------


@pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")
@pytest.mark.parametrize("cls", TRAINED, ids=lambda c: c.__name__)
def test_a_unix_time_offset_leaves_the_estimate_unchanged(cls, data):
    # Cast to float32 before standardizing, x + 1.6e9 varies in steps of 128 and
    # collapsed to a constant: SMILE, GM and MINDE returned 0.00, DoE -2.03.
    x, y = data
    plain = fitted_value(fit(tiny(cls), x, y))
    shifted = fitted_value(fit(tiny(cls), x + 1.6e9, y + 1.6e9))
    assert shifted == pytest.approx(plain, abs=1e-3)


@pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")
def test_the_offset_estimate_is_right_and_scores_on_offset_rows(data):
    x, y = data
    est = skmist.SMILEEstimator(max_iter=300, random_state=0, device="cpu")
    est.fit(x + 1.6e9, y + 1.6e9)
    assert 0.2 < est.mi_ < 0.45  # truth 0.35
    x_test, y_test = gaussian_pair(400, 1, 0.35, seed=1)
    assert 0.15 < est.score(x_test + 1.6e9, y_test + 1.6e9) < 0.5


# --- 2. values past the model's dtype ------------------------------------------------


@pytest.mark.parametrize("cls", TRAINED, ids=lambda c: c.__name__)
def test_values_past_float32_are_refused_at_the_edge(cls, data):
    # They passed validation and failed deep in torch (_LinAlgError in DoE, GM and
    # Hybrid) or with wrong messages (PQ: "contains NaN", critics: "lower learning_rate").
    x, y = data
    with pytest.raises(ValueError, match=re.escape(
            "X has values up to 1e+39 in absolute value, beyond the range of "
            "dtype='float32' (largest 3.4e+38); pass dtype='float64', or rescale X")):
        fit(tiny(cls), x / np.abs(x).max() * 1e39, y)
    if cls is not skmist.MINDEEntropy:
        with pytest.raises(ValueError, match="y has values up to 1e.39 in absolute value"):
            fit(tiny(cls), x, y / np.abs(y).max() * -1e39)


@pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")
def test_values_past_float32_are_refused_by_score_and_taken_in_float64(data):
    x, y = data
    est = tiny(skmist.InfoNCEEstimator).fit(x, y)
    with pytest.raises(ValueError, match="beyond the range of dtype='float32'"):
        est.score(x * 1e39, y)
    # In float64 the same data is simply rescaled: MI is unchanged, even near the top
    # of float64's range, where a plain mean or variance would overflow.
    plain = tiny(skmist.InfoNCEEstimator, dtype="float64").fit(x, y)
    for factor in (1e39, 1e300):
        huge = tiny(skmist.InfoNCEEstimator, dtype="float64").fit(x * factor, y)
        assert huge.mi_ == pytest.approx(plain.mi_, abs=1e-6)
        assert np.isfinite(huge.x_scale_.item())


# --- 3. divergence --------------------------------------------------------------------


def _lognormal(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1))
    y = 0.8 * x + 0.6 * rng.normal(size=(n, 1))  # MI 0.51 nats
    return np.exp(2 * x), np.exp(2 * y)


def test_divergence_on_lognormal_data_names_the_quantile_map_which_helps():
    # Measured (n=2000, 500 steps): NWJ, JS, FLO and TUBA diverge at learning_rate 1e-3
    # and 1e-4 alike; with standardize="quantile" they train (JS: 0.46 of 0.51 nats).
    X, Y = _lognormal()
    small = dict(n_negatives=16, max_iter=300, random_state=0, device="cpu")
    for learning_rate in (1e-3, 1e-4):
        with pytest.raises(FloatingPointError, match=re.escape(
                "what helps: for heavy-tailed or skewed data (lognormal, Cauchy, counts), "
                "standardize='quantile', which maps each column to a normal; or a bound "
                "with lower variance (SMILEEstimator or InfoNCEEstimator); or a lower "
                f"learning_rate (now {learning_rate:g})")):
            skmist.JSEstimator(learning_rate=learning_rate, **small).fit(X, Y)
    est = skmist.JSEstimator(standardize="quantile", **small).fit(X, Y)
    assert 0.35 < est.mi_ < 0.6


def test_divergence_advice_fits_the_estimator():
    # Density estimators refuse the quantile map; SMILE is the low-variance bound.
    assert tiny(skmist.GMEstimator)._divergence_advice() == (
        "what helps: a lower learning_rate (now 0.001)")
    smile = tiny(skmist.SMILEEstimator, standardize="quantile")
    smile.critic_ = None
    assert smile._divergence_advice() == "what helps: a lower learning_rate (now 0.001)"


# --- 4. an interrupted fit -------------------------------------------------------------


def _interrupt_at(est, step):
    """Make ``est`` raise KeyboardInterrupt in its training step number ``step``."""
    calls = {"n": 0}
    batch_loss = est._batch_loss

    def interrupted(model, x, y):
        calls["n"] += 1
        if calls["n"] == step:
            raise KeyboardInterrupt
        return batch_loss(model, x, y)

    est._batch_loss = interrupted
    return est


def test_an_interrupted_fit_keeps_its_best_weights_consistently(data, capsys):
    x, y = data
    # Validation every 10 steps (patience 50); the interrupt comes during step 35.
    est = _interrupt_at(skmist.InfoNCEEstimator(
        hidden_dims=(16,), n_negatives=8, max_iter=200, n_iter_no_change=50,
        random_state=0, device="cpu", verbose=True), step=35)
    with pytest.raises(KeyboardInterrupt), pytest.warns(ConvergenceWarning, match=re.escape(
            "InfoNCEEstimator.fit was interrupted after 34 iterations; the estimator keeps "
            "the best weights found so far, with mi_=")) as caught:
        est.fit(x, y)
    assert caught[0].filename == __file__
    assert est.n_iter_ == 34
    assert est.history_["iteration"].tolist() == [10, 20, 30]
    # mi_ is the validation estimate of the weights kept: the best of the history, not
    # those of step 34.
    best = est.history_["validation_mi_smoothed"].idxmax()
    assert est.mi_ == pytest.approx(est.history_["validation_mi"][best], abs=1e-6)
    x_test, y_test = gaussian_pair(400, 1, 0.35, seed=1)
    assert np.isfinite(est.score(x_test, y_test))
    # The bar ends at the step reached, not frozen at 30 of 200.
    assert "34/34" in capsys.readouterr().err


def test_an_interrupted_partial_fit_continues_the_count(data):
    x, y = data
    est = tiny(skmist.SMILEEstimator, batch_size=50).partial_fit(x, y)
    assert est.n_iter_ == 8
    with pytest.raises(KeyboardInterrupt), pytest.warns(
            ConvergenceWarning, match="partial_fit was interrupted after 2 iterations") as caught:
        _interrupt_at(est, step=3).partial_fit(x, y)
    assert caught[0].filename == __file__
    assert est.n_iter_ == 10
    assert np.isfinite(est.mi_)


# --- 5. scoring the training rows ------------------------------------------------------


TRAINING_ROWS = "these are the rows the model was trained on"


@pytest.mark.filterwarnings("error::skmist.UnreliableEstimateWarning")
def test_scoring_the_training_rows_warns_and_held_out_rows_do_not(data):
    x, y = data
    x_test, y_test = gaussian_pair(400, 1, 0.35, seed=1)
    est = tiny(skmist.MINEEstimator).fit(x, y)
    with pytest.warns(UnreliableEstimateWarning, match=TRAINING_ROWS) as caught:
        est.score(x, y)
    assert caught[0].filename == __file__  # pointed at the caller's line
    with pytest.warns(UnreliableEstimateWarning, match=TRAINING_ROWS) as caught:
        est.estimate(x, y, return_std=True)
    assert caught[0].filename == __file__
    with pytest.warns(UnreliableEstimateWarning, match=TRAINING_ROWS):
        est.score(torch.as_tensor(x), torch.as_tensor(y))  # the same rows as tensors
    est.score(x_test, y_test)  # no warning (an error here)
    est.estimate(x_test, y_test, return_std=True)
    est.score(x[:200], y[:200])
    est.score(x, y[::-1])  # a permutation test's shuffled y


@pytest.mark.filterwarnings("error::skmist.UnreliableEstimateWarning")
def test_partial_fit_warns_on_its_last_batch(data):
    x, y = data
    est = tiny(skmist.SMILEEstimator).partial_fit(x[:200], y[:200]).partial_fit(x[200:], y[200:])
    with pytest.warns(UnreliableEstimateWarning, match=TRAINING_ROWS):
        est.score(x[200:], y[200:])
    est.score(x[:200], y[:200])  # no longer the rows it last trained on: no warning


@pytest.mark.filterwarnings("error::skmist.UnreliableEstimateWarning")
def test_grid_search_and_cross_validation_score_held_out_folds_without_warning(data):
    x, y = data
    est = tiny(skmist.InfoNCEEstimator)
    cross_val_score(est, x, y, cv=2)  # equal-sized folds, different rows
    GridSearchCV(est, {"hidden_dims": [(8,), (16,)]}, cv=3).fit(x, y)


# --- 6. what the progress bar shows ---------------------------------------------------


def _bar(capsys, est, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableEstimateWarning)
        fit(est, x, y)
    return capsys.readouterr().err


def test_the_bar_shows_the_validation_estimate_by_its_name(data, capsys):
    x, y = data
    bar = _bar(capsys, tiny(skmist.InfoNCEEstimator, verbose=True), x, y)
    assert re.search(r"loss=-?[\d.]+, val_mi=-?[\d.]+", bar)
    # GM, DoE and Hybrid validate a log-likelihood or an objective, not MI.
    bar = _bar(capsys, tiny(skmist.GMEstimator, verbose=True), x, y)
    assert re.search(r"val_log_likelihood=-?[\d.]+", bar) and " mi=" not in bar
    bar = _bar(capsys, tiny(skmist.HybridEstimator, verbose=True), x, y)
    assert re.search(r"val_objective=-?[\d.]+", bar) and " mi=" not in bar


def test_a_bar_without_validation_shows_only_the_loss(data, capsys):
    # MINDE validates nothing without n_iter_no_change: its bar showed mi=nan.
    x, y = data
    bar = _bar(capsys, tiny(skmist.MINDEEstimator, verbose=True), x, y)
    assert re.search(r"loss=[\d.]+", bar)
    assert "nan" not in bar and "mi=" not in bar
    assert "60/60" in bar


def test_an_early_stopped_bar_ends_at_the_step_reached(data, capsys):
    x, y = data
    est = skmist.InfoNCEEstimator(hidden_dims=(16,), n_negatives=8, max_iter=2000,
                                  n_iter_no_change=20, random_state=0, device="cpu",
                                  verbose=True)
    bar = _bar(capsys, est, x, y)
    assert est.n_iter_ < 2000
    assert f"{est.n_iter_}/{est.n_iter_}" in bar


# --- degenerate training data: y a linear function of X, too few rows ----------------


LINEAR = "y is a linear function of X"


# Every estimator of I(X; y) but KSG, whose own check (neighbour counts) sees nonlinear
# functions too: tests/test_hardening_estimators.py.
UNCONDITIONAL = [
    getattr(skmist, name) for name in skmist.estimators.__all__
    if "conditioning" not in getattr(skmist, name)().get_params()
    and name not in ("MINDEEntropy", "KSGEstimator")
]


@pytest.mark.parametrize("cls", UNCONDITIONAL, ids=lambda c: c.__name__)
def test_y_a_linear_function_of_x_warns_that_the_mi_is_infinite(cls):
    # GM returned 6.6 nats and DoE 4.3 on y = X, Histogram 1.8 on a copy, silently.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 3.0
    est = tiny(cls)
    est.set_params(**{k: 5 for k in ["max_iter"] if k in est.get_params()})
    with pytest.warns(UnreliableEstimateWarning, match=LINEAR) as caught:
        fit(est, x, y)
    assert any(w.filename == __file__ for w in caught if LINEAR in str(w.message))


@pytest.mark.parametrize("noise", [1e-3, 1.0])
def test_y_with_noise_or_labels_is_not_deterministic(noise):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x[:, 0] + noise * rng.normal(size=200)
    labels = (x[:, 0] > 0).astype(str)  # a function of X, but MI = H(y) is finite
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=f".*{LINEAR}")
        tiny(skmist.SMILEEstimator, max_iter=5).fit(x, y)
        tiny(skmist.BAEstimator, max_iter=5).fit(x, labels)


def test_max_canonical_correlation_against_numpy():
    from skmist.base import max_canonical_correlation

    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 4))
    y = x[:, :2] @ rng.normal(size=(2, 2)) + rng.normal(size=(300, 2))
    qx, _ = np.linalg.qr(x - x.mean(0))
    qy, _ = np.linalg.qr(y - y.mean(0))
    expected = np.linalg.svd(qx.T @ qy, compute_uv=False)[0]
    value = max_canonical_correlation(torch.as_tensor(x), torch.as_tensor(y))
    assert value == pytest.approx(expected, rel=1e-10)
    assert max_canonical_correlation(torch.as_tensor(x), torch.ones(300, 1).double()) == 0


@pytest.mark.parametrize("cls", [skmist.SMILEEstimator, skmist.GMEstimator,
                                 skmist.MINDEEstimator], ids=lambda c: c.__name__)
def test_too_few_rows_to_hold_out_warn_that_the_estimate_is_in_sample(cls):
    # With under 10 rows nothing is held out: GM gave 6.6 nats on n = 2, SMILE 16.2.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    with pytest.warns(UnreliableEstimateWarning,
                      match="6 samples are too few to hold out a validation split"):
        tiny(cls, max_iter=5).fit(x, y)


def test_no_validation_by_choice_does_not_warn_about_too_few_rows(data):
    x, y = data
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*too few to hold out")
        tiny(skmist.SMILEEstimator, max_iter=5, validation_fraction=0.0).fit(x, y)


def test_an_interrupted_entropy_fit_keeps_entropy_(data):
    x, _ = data
    est = _interrupt_at(tiny(skmist.MINDEEntropy, max_iter=30, n_iter_no_change=None), 25)
    with pytest.raises(KeyboardInterrupt), pytest.warns(
            ConvergenceWarning, match="keeps the best weights found so far, with entropy_="):
        est.fit(x)
    assert np.isfinite(est.entropy_)
    assert not hasattr(est, "mi_")


def test_a_tiny_scale_keeps_the_log_jacobian_finite(data):
    # float32 holds no 1e-300: log(y_scale_) was -inf, so BA returned +inf and
    # MINDEEntropy -inf. The float64 statistics give log(1e-300) = -690.8.
    x, y = data
    entropy_y = 0.5 * np.log(2 * np.pi * np.e * np.var(y))
    plain = tiny(skmist.BAEstimator, entropy_y=entropy_y).fit(x, y).mi_
    tiny_y = tiny(skmist.BAEstimator, entropy_y=entropy_y + np.log(1e-300)).fit(x, y * 1e-300)
    assert tiny_y.mi_ == pytest.approx(plain, abs=1e-3)
    entropy = tiny(skmist.MINDEEntropy).fit(x).entropy_
    shrunk = tiny(skmist.MINDEEntropy).fit(x * 1e-300).entropy_
    assert shrunk == pytest.approx(entropy + np.log(1e-300), abs=1e-2)
