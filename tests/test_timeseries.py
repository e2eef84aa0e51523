"""skmist.timeseries: lagged MI and transfer entropy against the closed forms of Gaussian
VAR processes, the permutation test's calibration, pandas input, errors, and `skmist te`."""

import json
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from skmist import (
    ChainRuleCMIEstimator,
    ConditionalKSGEstimator,
    GaussianEstimator,
    KSGEstimator,
    MIResult,
    SMILEEstimator,
)
from skmist.cli import main
from skmist.timeseries import (
    lagged_mi,
    sample_var,
    transfer_entropy,
    var_lagged_mi,
    var_transfer_entropy,
)

# x -> y with coefficient 0.5; both AR(1) with coefficient 0.5; unit innovations.
FORWARD = [[0.5, 0.0], [0.5, 0.5]]


def hand_var1(a, b, c):
    """Stationary moments of x_t = a x_{t-1} + e, y_t = b y_{t-1} + c x_{t-1} + e' (unit,
    independent innovations), derived by hand, and from them TE(x -> y) with history 1
    (Var(y_t | y_{t-1}, x_{t-1}) is the innovation's, 1) and I(x_{t-1}; y_t)."""
    var_x = 1 / (1 - a * a)
    cov_xy = a * c * var_x / (1 - a * b)  # Cov(x_t, y_t)
    var_y = (c * c * var_x + 2 * b * c * cov_xy + 1) / (1 - b * b)
    cov_y1 = b * var_y + c * cov_xy  # Cov(y_t, y_{t-1})
    te = 0.5 * math.log(var_y - cov_y1**2 / var_y)
    cov_lag = b * cov_xy + c * var_x  # Cov(x_{t-1}, y_t)
    lagged = -0.5 * math.log(1 - cov_lag**2 / (var_x * var_y))
    return te, lagged


# --- closed forms ----------------------------------------------------------------------


@pytest.mark.parametrize("a, b, c", [(0.5, 0.5, 0.5), (0.9, 0.2, 0.3), (-0.4, 0.7, 1.0)])
def test_var_closed_forms_match_the_hand_derivation(a, b, c):
    coefs = [[a, 0.0], [c, b]]
    te, lagged = hand_var1(a, b, c)
    assert var_transfer_entropy(coefs, 1.0, source=0, target=1) == pytest.approx(te, rel=1e-9)
    assert var_lagged_mi(coefs, 1.0, x=0, y=1, lag=1) == pytest.approx(lagged, rel=1e-9)
    # Nothing flows from y to x.
    assert var_transfer_entropy(coefs, 1.0, source=1, target=0) == pytest.approx(0, abs=1e-12)


def test_var_closed_form_refuses_a_non_stationary_process():
    with pytest.raises(ValueError, match=re.escape(
            "the VAR is not stationary: its companion matrix has spectral radius 1.1 >= 1")):
        var_transfer_entropy([[1.1, 0.0], [0.5, 0.5]], 1.0, source=0, target=1)


def test_sample_var_has_the_stationary_covariance():
    v = sample_var(FORWARD, 1.0, 50_000, random_state=0)
    a = b = c = 0.5
    var_x = 1 / (1 - a * a)
    cov_xy = a * c * var_x / (1 - a * b)
    var_y = (c * c * var_x + 2 * b * c * cov_xy + 1) / (1 - b * b)
    np.testing.assert_allclose(np.cov(v.T), [[var_x, cov_xy], [cov_xy, var_y]], rtol=0.05)


# --- estimates against the closed forms ------------------------------------------------


@pytest.fixture(scope="module")
def forward_path():
    return sample_var(FORWARD, 1.0, 3000, random_state=0)


def test_transfer_entropy_forward_and_reverse(forward_path):
    truth = var_transfer_entropy(FORWARD, 1.0, source=0, target=1)
    forward = transfer_entropy(forward_path[:, 0], forward_path[:, 1], random_state=0)
    reverse = transfer_entropy(forward_path[:, 1], forward_path[:, 0], random_state=0)
    assert isinstance(forward, MIResult) and forward.p_value is None
    assert isinstance(forward.estimator, ConditionalKSGEstimator)
    assert forward.n_test == 2999 and not forward.held_out
    assert abs(forward.value - truth) < 0.04
    assert abs(reverse.value) < 0.04
    assert 0 < forward.std_error < 0.03


@pytest.mark.slow
def test_transfer_entropy_within_0_02_nats_at_20000():
    v = sample_var(FORWARD, 1.0, 20_000, random_state=1)
    truth = var_transfer_entropy(FORWARD, 1.0, source=0, target=1)
    assert abs(transfer_entropy(v[:, 0], v[:, 1], random_state=0).value - truth) < 0.02
    assert abs(transfer_entropy(v[:, 1], v[:, 0], random_state=0).value) < 0.02


# x is AR(1) (0.5); y_t = 0.5 y_{t-1} + 0.6 x_{t-3} + e.
LAG3 = np.zeros((3, 2, 2))
LAG3[0] = [[0.5, 0.0], [0.0, 0.5]]
LAG3[2, 1, 0] = 0.6


def test_a_lag_3_coupling_is_found_at_lag_3():
    lags = [1, 2, 3, 4, 5]
    te_truth = [var_transfer_entropy(LAG3, 1.0, source=0, target=1, lag=k) for k in lags]
    mi_truth = [var_lagged_mi(LAG3, 1.0, x=0, y=1, lag=k) for k in lags]
    assert np.argmax(te_truth) == 2 and np.argmax(mi_truth) == 2  # the truth peaks at 3
    v = sample_var(LAG3, 1.0, 2000, random_state=0)
    te = [transfer_entropy(v[:, 0], v[:, 1], lag=k, random_state=0).value for k in lags]
    assert lags[int(np.argmax(te))] == 3
    np.testing.assert_allclose(te, te_truth, atol=0.05)
    table = lagged_mi(v[:, 0], v[:, 1], lags=5, random_state=0)
    assert list(table.index) == lags and table.index.name == "lag"
    assert table["mi"].idxmax() == 3
    np.testing.assert_allclose(table["mi"], mi_truth, atol=0.05)
    assert (table["n_samples"] == 1995).all() and (table["estimator"] == "KSGEstimator").all()
    assert (table["std_error"] > 0).all()


def test_multivariate_source_and_target():
    # v = (x1, x2, y1, y2): y1 takes x1 - x2, y2 takes x2; each is AR(1) besides.
    coefs = 0.4 * np.eye(4)
    coefs[2, 0], coefs[2, 1], coefs[3, 1] = 0.5, -0.5, 0.4
    v = sample_var(coefs, 1.0, 2000, random_state=0)
    truth = var_transfer_entropy(coefs, 1.0, source=[0, 1], target=[2, 3])
    result = transfer_entropy(v[:, :2], v[:, 2:], random_state=0)
    assert truth > 0.15
    assert abs(result.value - truth) < 0.06
    # x2 alone carries part of it.
    part = var_transfer_entropy(coefs, 1.0, source=1, target=[2, 3])
    assert abs(transfer_entropy(v[:, 1], v[:, 2:], random_state=0).value - part) < 0.06


def test_conditioning_on_a_common_driver_removes_its_transfer_entropy():
    # v = (z, x, y): z is AR(1) and drives x at lag 1 and y at lag 2, so x_{t-1} and y_t
    # share z_{t-2}: TE(x -> y) > 0 without a direct influence, 0 given z_{t-2}.
    coefs = np.zeros((2, 3, 3))
    coefs[0, 0, 0], coefs[0, 1, 0], coefs[1, 2, 0] = 0.5, 0.8, 0.8
    v = sample_var(coefs, 1.0, 2000, random_state=0)
    z, x, y = v.T
    spurious = var_transfer_entropy(coefs, 1.0, source=1, target=2)
    given = var_transfer_entropy(coefs, 1.0, source=1, target=2, conditioning=0,
                                 conditioning_lags=[2])
    assert spurious > 0.1 and given == pytest.approx(0, abs=1e-12)
    assert abs(transfer_entropy(x, y, random_state=0).value - spurious) < 0.04
    result = transfer_entropy(x, y, conditioning=z, conditioning_lags=[2], random_state=0)
    assert abs(result.value) < 0.03
    # z's default window is the target's, lags 1..history: history=2 covers z_{t-2}.
    truth2 = var_transfer_entropy(coefs, 1.0, source=1, target=2, history=2, conditioning=0)
    assert truth2 == pytest.approx(0, abs=1e-12)
    assert abs(transfer_entropy(x, y, history=2, conditioning=z, random_state=0).value) < 0.04


def test_another_estimator_goes_through_the_chain_rule(forward_path):
    # GaussianEstimator is exact for a Gaussian process, up to sampling.
    truth = var_transfer_entropy(FORWARD, 1.0, source=0, target=1)
    result = transfer_entropy(forward_path[:, 0], forward_path[:, 1],
                              estimator=GaussianEstimator(), n_permutations=9,
                              random_state=0)
    assert isinstance(result.estimator, ChainRuleCMIEstimator)
    assert result.held_out and result.n_test == 600  # a trained-style split, 20% held out
    assert abs(result.value - truth) < 0.04
    assert result.p_value == pytest.approx(0.1)  # above all 9 refitted nulls


@pytest.mark.slow
def test_neural_chain_rule_transfer_entropy(forward_path):
    truth = var_transfer_entropy(FORWARD, 1.0, source=0, target=1)
    smile = SMILEEstimator(hidden_dims=(64,), device="cpu")
    result = transfer_entropy(forward_path[:, 0], forward_path[:, 1], estimator=smile,
                              random_state=0)
    assert isinstance(result.estimator.joint_estimator_, SMILEEstimator)
    assert result.std_error is not None and abs(result.value - truth) < 0.06


# --- the permutation test --------------------------------------------------------------


def test_p_values_are_calibrated_on_independent_ar_processes():
    # Two independent, strongly autocorrelated AR(1) paths: a shuffle of the source
    # would break its autocorrelation; circular shifts keep it, and p is about uniform.
    null = np.diag([0.8, 0.8])
    p = []
    for seed in range(30):
        v = sample_var(null, 1.0, 120, random_state=seed)
        p.append(transfer_entropy(v[:, 0], v[:, 1], n_permutations=19,
                                  random_state=seed).p_value)
    p = np.array(p)
    assert set(np.round(p * 20)) <= set(range(1, 21))  # (1 + count) / 20
    assert 0.36 < p.mean() < 0.64  # uniform: 0.5 +- 0.053
    assert np.mean(p <= 0.1) <= 0.25  # 0.1 expected


def test_a_coupling_is_significant_and_the_result_shows_p(forward_path):
    result = transfer_entropy(forward_path[:, 0], forward_path[:, 1], n_permutations=19,
                              random_state=0)
    assert result.p_value == pytest.approx(0.05)
    assert repr(result).endswith(", n=2999, p=0.05)")
    without = MIResult(0.5, 0.01, KSGEstimator(), n_train=10, n_test=10, held_out=False)
    assert repr(without) == "MIResult(0.500 ± 0.010 nats (0.721 bits), KSGEstimator, n=10)"


# --- pandas ----------------------------------------------------------------------------


def test_pandas_series_and_frames_give_the_array_estimate(forward_path):
    path = forward_path[:1000]
    days = pd.date_range("2024-01-01", periods=len(path), freq="D")
    df = pd.DataFrame(path, columns=["x", "y"], index=days)
    from_pandas = transfer_entropy(df["x"], df["y"], random_state=0)
    from_arrays = transfer_entropy(path[:, 0], path[:, 1], random_state=0)
    assert from_pandas.value == from_arrays.value
    assert transfer_entropy(df[["x"]], df[["y"]], random_state=0).value == from_arrays.value
    table = lagged_mi(df["x"], df["y"], lags=[0, 1], random_state=0)
    assert list(table.index) == [0, 1]
    # Business days are regular: no warning about their weekend gaps.
    business = df.set_axis(pd.bdate_range("2024-01-01", periods=len(df)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        transfer_entropy(business["x"], business["y"], random_state=0)


def test_pandas_index_checks(forward_path):
    days = pd.date_range("2024-01-01", periods=len(forward_path), freq="D")
    df = pd.DataFrame(forward_path, columns=["x", "y"], index=days)
    shuffled = df.iloc[np.random.default_rng(0).permutation(len(df))]
    with pytest.raises(ValueError, match=re.escape(
            "source's index is not sorted in time; sort it first (source.sort_index())")):
        transfer_entropy(shuffled["x"], shuffled["y"])
    repeated = df.set_axis(days[:1].append(days[:-1]))
    with pytest.raises(ValueError, match=re.escape(
            "source's index has 1 repeated time stamps; one row per time point is needed")):
        transfer_entropy(repeated["x"], repeated["y"])
    with pytest.raises(ValueError, match=re.escape(
            "source and target have different indexes; align them first, e.g. source, "
            "target = source.align(target, join='inner')")):
        transfer_entropy(df["x"], df["y"].shift(1, freq="D"))
    gappy = df.drop(df.index[[10, 11, 500]])
    with pytest.warns(UserWarning, match=re.escape(
            "source's time stamps are unevenly spaced (steps from 1 days 00:00:00 to 3 "
            "days 00:00:00); lags count rows, not time.")) as caught:
        transfer_entropy(gappy["x"], gappy["y"], random_state=0)
    assert len(caught) == 1 and caught[0].filename == __file__  # once, at the user's line


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, message", [
    ({"lag": 0}, "lag must be an integer >= 1; got 0"),
    ({"lag": -2}, "lag must be an integer >= 1; got -2"),
    ({"lag": 1.5}, "lag must be an integer >= 1; got 1.5"),
    ({"lag": True}, "lag must be an integer >= 1; got True"),
    ({"history": 0}, "history must be an integer >= 1; got 0"),
    ({"n_permutations": -1}, "n_permutations must be an integer >= 0; got -1"),
    ({"conditioning_lags": [1]},
     "conditioning_lags is set but conditioning is None; pass the conditioning series too"),
    ({"lag": 45, "history": 2},
     "the series have 50 time points; lag=45 and history=2 leave 5 lagged samples, fewer "
     "than the 10 a transfer entropy estimate needs: use longer series or smaller lags"),
])
def test_transfer_entropy_refuses_bad_parameters(kwargs, message):
    x = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        transfer_entropy(x[:, 0], x[:, 1], **kwargs)


def test_transfer_entropy_refuses_bad_series():
    x = np.random.default_rng(0).normal(size=100)
    cases = [
        ((x, x[:99]), ValueError,
         "source has 100 time points but target has 99; they must be aligned in time, "
         "one row per time point"),
        ((np.where(np.arange(100) % 40 == 0, np.nan, x), x), ValueError,
         "source has 3 NaN values; transfer entropy is undefined on NaN: drop or "
         "interpolate them first"),
        ((x, np.where(x > 2, np.inf, x)), ValueError,
         f"target has {int((x > 2).sum())} infinite values; transfer entropy is undefined "
         "on them"),
        ((x.reshape(10, 5, 2), x), ValueError,
         "source must be 1-D (n_times,) or 2-D (n_times, n_series); got shape (10, 5, 2)"),
        ((x.astype(str), x), TypeError, "source must be numeric; got an array of dtype <U"),
        ((pd.Series(["a"] * 100), x), TypeError,
         f"source must be numeric; it has dtype {pd.Series(['a']).dtype} (encode it as "
         "numbers first)"),
        ((None, x), TypeError,
         "source is None; pass a 1-D series or a 2-D (n_times, n_series) array"),
    ]
    for args, error, message in cases:
        with pytest.raises(error, match=f"^{re.escape(message)}"):
            transfer_entropy(*args)
    with pytest.raises(ValueError, match=re.escape(
            "source has 100 time points but conditioning has 50")):
        transfer_entropy(x, x, conditioning=x[:50])


@pytest.mark.parametrize("lags, message", [
    (0, "lags must be an integer >= 1; got 0"),
    ([], "lags is empty; give at least one lag"),
    ([1, -1], "each of lags must be an integer >= 0; got -1"),
    ([2, 2], "lags repeats a lag: [2, 2]"),
    ("3", "lags must be an integer or a list of integers; got '3'"),
    (95, "the series have 100 time points; lags up to 95 leave 5 lagged samples, fewer "
         "than the 10 an MI estimate needs: use longer series or smaller lags"),
])
def test_lagged_mi_refuses_bad_lags(lags, message):
    x = np.random.default_rng(0).normal(size=(100, 2))
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        lagged_mi(x[:, 0], x[:, 1], lags=lags)


# --- the `skmist te` command -----------------------------------------------------------


@pytest.fixture(scope="module")
def series_csv(tmp_path_factory):
    coefs = np.zeros((2, 3, 3))
    coefs[0, 0, 0], coefs[0, 1, 0], coefs[1, 2, 0] = 0.5, 0.8, 0.8  # z drives x and y
    v = sample_var(coefs, 1.0, 1500, random_state=0)
    df = pd.DataFrame(v, columns=["z", "x", "y"])
    df.insert(0, "date", pd.date_range("2024-01-01", periods=len(df), freq="h"))
    df["site"] = "north"
    path = tmp_path_factory.mktemp("te") / "series.csv"
    df.to_csv(path, index=False)
    return path, df


def run_main(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_te_command_prints_the_estimate_and_p_value(capsys, series_csv):
    path, df = series_csv
    status, out, err = run_main(capsys, "te", path, "--source", "x", "--target", "y",
                                "--permutations", 9, "--seed", 0, "--time", "date")
    assert status == 0, err
    expected = transfer_entropy(df["x"], df["y"], n_permutations=9, random_state=0)
    lines = out.splitlines()
    assert lines[0] == (f"TE(x -> y) = {expected.value:.4f} ± {expected.std_error:.4f} "
                        f"nats = {expected.bits:.4f} ± {expected.std_error_bits:.4f} bits")
    assert lines[1] == ("ConditionalKSGEstimator: lag 1, target history 1, on 1,499 "
                        "lagged samples")
    assert lines[2] == "p = 0.1 (9 circular shifts of the source)"


def test_te_command_json_with_conditioning(capsys, series_csv):
    path, df = series_csv
    status, out, err = run_main(capsys, "te", path, "--source", "x", "--target", "y",
                                "--conditioning", "z", "--conditioning-lags", "2",
                                "--seed", 0, "--json")
    assert status == 0, err
    report = json.loads(out)
    expected = transfer_entropy(df["x"], df["y"], conditioning=df[["z"]],
                                conditioning_lags=[2], random_state=0)
    assert report["value"] == pytest.approx(expected.value, abs=1e-12)
    assert abs(report["value"]) < 0.05  # z explains the flow
    assert report["conditioning"] == ["z"] and report["conditioning_lags"] == [2]
    assert report["p_value"] is None and report["n_samples"] == 1498


@pytest.mark.parametrize("args, message", [
    (["--source", "x", "--target", "w"],
     "skmist te: error: {path} has no column 'w'; its columns are date, z, x, y, site"),
    (["--source", "x", "--target", "y", "--lag", "0"],
     "skmist te: error: lag must be an integer >= 1; got 0"),
    (["--source", "x", "--target", "y", "--conditioning-lags", "1"],
     "skmist te: error: conditioning_lags is set but conditioning is None; pass the "
     "conditioning series too"),
    (["--source", "x", "--target", "y", "--conditioning", "z", "--conditioning-lags", "a"],
     "skmist te: error: --conditioning-lags must be comma-separated integers; got 'a'"),
    (["--source", "x", "--target", "y", "--time", "site"],
     "skmist te: error: the --time column 'site' of {path} does not read as time stamps"),
    (["--source", "x", "--target", "y", "--time", "z"],
     "skmist te: error: the --time column 'z' of {path} is not sorted; sort the rows by it "
     "first"),
    (["--source", "date", "--target", "y"],
     "skmist te: error: the source columns ['date'] of {path} are not numeric"),
    (["--source", "x", "--target", "y", "--estimator", "nope"],
     "skmist te: error: unknown estimator 'nope'"),
])
def test_te_command_errors(capsys, series_csv, args, message):
    path, _ = series_csv
    status, out, err = run_main(capsys, "te", path, *args)
    assert status == 2 and not out
    assert err.startswith(message.format(path=path)), err
