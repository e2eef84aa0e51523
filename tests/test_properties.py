"""Property-based tests: every estimator, on awkward input, either refuses it with a
ValueError/TypeError that names the problem or returns a sane finite value, with a
warning where the value cannot be trusted; never a silent NaN, inf or absurd value.

Hypothesis draws the input (shapes, dtypes, containers, offsets, huge and tiny scales,
ties, duplicated rows, constants, NaN/inf, n = 1-3) and derandomizes, so the examples
are the same on every run. A second test checks that a common offset or scale (Unix
timestamps, physical units) leaves the estimate as it is. The trained estimators run at
the tiny budgets of the estimator-check modules: these tests check the contract, not
accuracy.
"""

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import skmist
from skmist import UnreliableEstimateWarning
from conftest import FAST_CRITIC, FAST_DIFFUSION, gaussian_pair

NAMES = list(skmist.estimators.__all__)
# Critics take n_negatives, diffusions n_time_samples; each takes what it has.
TINY_BUDGET = {**FAST_CRITIC, **FAST_DIFFUSION}
CONDITIONAL = {"ConditionalKSGEstimator", "ChainRuleCMIEstimator"}
ENTROPY = {"MINDEEntropy"}

# 50 nats is a likelihood ratio of e^50 = 5e21: no sample that fits in memory supports
# an estimate that large, whatever the data, so past it a value is wrong, not unreliable.
ABSURD = 50.0
# The loosest error an estimate of zero MI (independent or constant data) may have
# without a warning, from ZERO_CHECK_ROWS rows on: 0.5 nats is the MI of a Gaussian
# pair with correlation 0.79, a dependence no one would call "none". A sound estimator
# stays inside it on the shapes drawn here (KSG, over 10 seeds: -0.13 to 0.40 nats on 8
# rows, -0.12 to 0.08 on 60); one that strays further from the truth must say so. On 4
# rows KSG's bias alone is -1/3 and only the rest of the contract is checked.
ZERO_TOLERANCE = 0.5
ZERO_CHECK_ROWS = 8
# At most this many rows, every estimate is unreliable: refuse it or warn.
FEW_ROWS = 3
FLOAT32 = np.finfo(np.float32)

# What an error message must mention to name each problem (case-insensitive).
NAMES_THE_PROBLEM = {
    "too few samples": r"sample|rows|too few|at least",
    "NaN or infinite values": r"nan|inf",
    "values outside float32's range": r"float32|range|overflow|large|small|magnitude|precision",
    "a constant variable": r"constant|variance|single value|distinct|unique",
    "y copies a column of X": r"determin|identical|cop|equal|infinite",
}

# --- the estimators, at tiny budgets ------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """At 8 hidden units a step is microseconds of work, and the synchronisation of
    several threads costs more than that (fifty-fold on a busy 2-core machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def log_spread(a):
    """log of the standard deviation of each column of ``a`` (-inf: constant)."""
    with np.errstate(all="ignore"):
        centred = np.asarray(a, dtype=np.float64).reshape(len(a), -1)
        centred = centred - centred.mean(axis=0)
        # The spread of a * 1e-300 underflows in np.std; that of a / max|a| does not.
        largest = np.abs(centred).max(axis=0)
        return np.log(largest) + np.log(np.std(centred / largest, axis=0))


def gaussian_entropy(y):
    """The entropy of a Gaussian with y's variances, for BA's ``entropy_y`` (which the
    user supplies: a guess of the wrong scale would make BA's value wrong, not BA)."""
    entropy = float(np.sum(0.5 * np.log(2 * np.pi * np.e) + log_spread(y)))
    return entropy if math.isfinite(entropy) else 1.0


def make(name, y=None, random_state=0):
    """``name`` at the tiny budget, deterministic, on the CPU; the conditional ones
    condition on X's first column, BA is told the entropy of a Gaussian like ``y``."""
    cls = getattr(skmist, name)
    accepted = cls().get_params(deep=False)
    params = {key: value for key, value in TINY_BUDGET.items() if key in accepted}
    if "random_state" in accepted:
        params["random_state"] = random_state
    if "device" in accepted:
        params["device"] = "cpu"
    if name == "BAEstimator":
        params["entropy_y"] = gaussian_entropy(y)
    if name == "ChainRuleCMIEstimator":
        params["estimator"] = make("SMILEEstimator", random_state=random_state)
    if name in CONDITIONAL:
        params["conditioning"] = [0]
    return cls(**params)


# --- the awkward input --------------------------------------------------------------

# Each choice lists its ordinary value first: hypothesis shrinks a failure towards it,
# so a reported example keeps only the awkward parts that matter.
CASES = st.fixed_dictionaries({
    "n": st.sampled_from([60, 20, 8, 4, 3, 2, 1]),
    "n_features_x": st.integers(1, 3),
    "n_features_y": st.sampled_from([0, 1, 2]),  # 0: y is 1-D
    "relation": st.sampled_from(["independent", "dependent", "copy"]),
    "dtype": st.sampled_from(["float64", "float32", "int64"]),
    "scale_x": st.sampled_from([1.0, 1e30, 1e-30, 1e300, 1e-300]),
    "scale_y": st.sampled_from([1.0, 1e30, 1e-30, 1e300, 1e-300]),
    "offset": st.sampled_from([0.0, 1.6e9]),
    "ties": st.booleans(),
    "duplicated_rows": st.booleans(),
    "constant": st.sampled_from([None, "x column", "x", "y"]),
    "non_finite": st.sampled_from([None, "nan in x", "inf in y", "-inf in x"]),
    "container": st.sampled_from(["numpy", "torch", "pandas"]),
    "seed": st.integers(0, 2**16),
})


def case(**awkward):
    """An ordinary case (60 independent float64 rows) with some parts made awkward."""
    ordinary = dict(n=60, n_features_x=2, n_features_y=0, relation="independent",
                    dtype="float64", scale_x=1.0, scale_y=1.0, offset=0.0, ties=False,
                    duplicated_rows=False, constant=None, non_finite=None,
                    container="numpy", seed=0)
    return ordinary | awkward


# Each awkward part, on its own, for every estimator: the generated examples combine them.
EXAMPLES = [
    case(),
    case(relation="dependent"),
    case(n=1), case(n=2), case(n=3), case(n=4),
    case(n=8, n_features_x=3, n_features_y=2), case(n=20, n_features_x=3, n_features_y=2),
    case(non_finite="nan in x"), case(non_finite="inf in y"),
    case(offset=1.6e9), case(offset=1.6e9, relation="dependent"),
    case(scale_x=1e30, scale_y=1e-30), case(scale_x=1e300), case(scale_y=1e-300),
    case(dtype="float32", scale_x=1e30), case(dtype="int64", offset=1.6e9),
    case(ties=True), case(duplicated_rows=True),
    case(constant="x column"), case(constant="x"), case(constant="y"),
    case(relation="copy"), case(container="torch", scale_x=1e300),
    case(container="pandas", offset=1.6e9, relation="dependent"),
]


def build(c, conditional):
    """``(X, y)`` of case ``c`` as the caller would pass them."""
    rng = np.random.default_rng(c["seed"])
    n = c["n"]
    n_x = max(c["n_features_x"], 2) if conditional else c["n_features_x"]
    n_y = max(c["n_features_y"], 1)
    x = rng.normal(size=(n, n_x))
    if c["relation"] == "independent":
        y = rng.normal(size=(n, n_y))
    elif c["relation"] == "dependent":
        # Correlation 0.8 with one column of X each: about 0.5 nats per column of y,
        # given X's first column too (that of the conditional estimators).
        y = 0.8 * x[:, -1:] + 0.6 * rng.normal(size=(n, n_y))
    else:  # y is X's last column (not the conditioning one): infinite MI
        y = np.repeat(x[:, -1:], n_y, axis=1)
    if c["ties"]:
        # Rounding each variable on its own keeps independent ones independent.
        x, y = np.round(2 * x) / 2, np.round(2 * y) / 2
    if c["constant"] == "x column":
        x[:, 0] = 1.0
    elif c["constant"] == "x":
        x[:] = 1.0
    elif c["constant"] == "y":
        y[:] = 1.0
    with np.errstate(over="ignore", under="ignore"):
        if c["dtype"] == "int64":
            # Integers have no huge or tiny scale; a timestamp-like offset fits them.
            x = np.round(5 * x).astype(np.int64) + int(c["offset"])
            y = np.round(5 * y).astype(np.int64) + int(c["offset"])
        else:
            x = (x * c["scale_x"] + c["offset"]).astype(c["dtype"])
            y = (y * c["scale_y"] + c["offset"]).astype(c["dtype"])
    if c["relation"] == "copy" and c["constant"] != "y":  # the copy, in X's dtype
        y = np.repeat(x[:, -1:], n_y, axis=1)
    if c["duplicated_rows"]:
        x, y = np.concatenate([x, x]), np.concatenate([y, y])
    if c["non_finite"]:
        value, where = c["non_finite"].split(" in ")
        if x.dtype.kind == "i":
            x, y = x.astype(np.float64), y.astype(np.float64)
        (x if where == "x" else y)[0, 0] = float(value)
    if c["n_features_y"] == 0:
        y = y[:, 0]
    if c["container"] == "torch":
        x, y = torch.from_numpy(x), torch.from_numpy(y)
    elif c["container"] == "pandas":
        x = pd.DataFrame(x, columns=[f"x{j}" for j in range(x.shape[1])])
        y = pd.Series(y, name="y") if y.ndim == 1 else pd.DataFrame(y)
    return x, y


def distinct_rows(a):
    """The number of distinct finite rows of ``a`` (duplicates add no information)."""
    return len(np.unique(a[np.isfinite(a).all(axis=1)], axis=0))


def problems(X, y):
    """The problems of ``(X, y)`` (y None: X alone), each a key of NAMES_THE_PROBLEM,
    read off the data itself (a tiny scale plus an offset, say, is a constant), and the
    number of distinct rows."""
    x = np.asarray(X, dtype=np.float64)
    y = np.asarray(x[:, :0] if y is None else y, dtype=np.float64).reshape(len(x), -1)
    found = set()
    both = np.concatenate([x, y], axis=1)
    finite = np.isfinite(both)
    n_distinct = distinct_rows(both)
    # An estimator may need more rows than dimensions (a sample covariance) or than
    # neighbours: refusing so few rows, by name, keeps the contract.
    if n_distinct <= max(FEW_ROWS, both.shape[1] + 1):
        found.add("too few samples")
    if not finite.all():
        found.add("NaN or infinite values")
    size = np.abs(np.where(finite, both, 1.0))
    if (size > FLOAT32.max).any() or ((size > 0) & (size < FLOAT32.smallest_normal)).any():
        found.add("values outside float32's range")
    with np.errstate(invalid="ignore"):
        x_constant = np.ptp(x, axis=0) == 0
        y_constant = np.ptp(y, axis=0) == 0
    if len(x) >= 2 and (x_constant.any() or y_constant.any()):
        found.add("a constant variable")
    if len(x) >= 2 and not y_constant.all() and any(
        np.array_equal(x[:, j], y[:, k]) for j in range(x.shape[1]) for k in range(y.shape[1])
    ):
        found.add("y copies a column of X")
    return found, n_distinct


def zero_mi(c, X, y, conditional):
    """Why the MI of the drawn data is known to be zero: ``"constant"`` (X, or y, is
    constant: exactly zero, on any number of rows; a constant conditioning column does
    not make the rest constant), ``"independent"``, or None."""
    x = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(len(x), -1)
    measured = x[:, 1:] if conditional else x
    with np.errstate(invalid="ignore"):
        if (np.ptp(measured, axis=0) == 0).all() or (np.ptp(y, axis=0) == 0).all():
            return "constant"
    # Duplicated rows pair each x with the same y twice: the sample looks dependent, and
    # an estimate of the sample's MI may be large without being wrong.
    if c["relation"] == "independent" and not c["duplicated_rows"]:
        return "independent"
    return None


def warns_unreliable(record, name):
    """Whether the recorded warnings include one telling the user the value is not to
    be trusted: an UnreliableEstimateWarning, or a UserWarning that names the
    estimator (as skmist's warnings do) or says "unreliable"."""
    return any(
        issubclass(w.category, UnreliableEstimateWarning)
        or (issubclass(w.category, UserWarning)
            and (name in str(w.message) or "unreliable" in str(w.message).lower()))
        for w in record
    )


def fitted_value(est):
    """The estimate that ``fit`` stored: ``entropy_`` or ``mi_``."""
    return est.entropy_ if hasattr(est, "entropy_") else est.mi_


def fit_and_score(est, X, y):
    """``(fitted value, score, warnings of fit, warnings of score)``; skmist's
    RuntimeWarnings stay errors (setup.cfg), UserWarnings are all recorded."""
    with warnings.catch_warnings(record=True) as fit_warnings:
        warnings.simplefilter("always", UserWarning)
        est.fit(X, y)
    fitted = fitted_value(est)
    with warnings.catch_warnings(record=True) as score_warnings:
        warnings.simplefilter("always", UserWarning)
        scored = est.score(X, y)
    return fitted, scored, fit_warnings, score_warnings


def within_tolerance_of_zero(value, bound):
    """Whether ``value`` is an acceptable estimate of zero MI for an estimator whose
    tag ``mi_bound`` is ``bound``: a lower bound may be far below zero (a loose bound is
    still a bound), an upper bound far above, an estimate on neither side."""
    if bound == "lower":
        return value <= ZERO_TOLERANCE
    if bound == "upper":
        return value >= -ZERO_TOLERANCE
    return abs(value) <= ZERO_TOLERANCE


def assert_names_the_problem(name, error, found, what):
    """``error`` (raised by estimator ``name``) names one of the problems ``found``;
    ``what`` says what was refused, for the message when nothing was wrong."""
    patterns = [NAMES_THE_PROBLEM[p] for p in sorted(found)]
    assert patterns, f"{name} refused {what}: {error!r}"
    assert any(re.search(p, str(error), re.IGNORECASE) for p in patterns), (
        f"{name}'s error does not name the problem ({', '.join(sorted(found))}): {error!r}"
    )


def check_contract(name, c):
    """The contract of the module docstring for estimator ``name`` on case ``c``."""
    conditional, entropy = name in CONDITIONAL, name in ENTROPY
    X, y = build(c, conditional)
    if entropy:  # an entropy estimator fits X alone
        y = None
    est = make(name, y)
    found, n_distinct = problems(X, y)
    try:
        fitted, scored, fit_warnings, score_warnings = fit_and_score(est, X, y)
    except (ValueError, TypeError) as error:
        assert_names_the_problem(name, error, found, "input with no problem")
        return
    assert len(X) >= 2 and "NaN or infinite values" not in found, (
        f"{name} returned {fitted!r} on input with {', '.join(sorted(found))}"
    )
    # fit's value answers to fit's warnings alone: score on fit's own rows may warn for
    # that reason only (a trained model overfits them), which excuses nothing in mi_.
    warned_fit = warns_unreliable(fit_warnings, name)
    warned = warned_fit or warns_unreliable(score_warnings, name)
    zero = None if entropy else zero_mi(c, X, y, conditional)
    unreliable = (
        (n_distinct <= FEW_ROWS and zero != "constant")
        or "y copies a column of X" in found
        or (entropy and "a constant variable" in found)
    )
    if entropy:
        # The entropy of the raw data is that of the standardized data (a few nats per
        # column) plus sum(log(scale)): -69 nats per column at scale 1e-30.
        reference = float(np.sum(log_spread(X)))
    else:
        reference = 0.0
    bound = est.__sklearn_tags__().mi_bound
    for what, value, was_warned in (("fit", fitted, warned_fit), ("score", scored, warned)):
        assert isinstance(value, float), f"{name}.{what} gave a {type(value).__name__}"
        assert math.isfinite(value), f"{name}.{what} returned {value} (warned: {was_warned})"
        if math.isfinite(reference):
            assert abs(value - reference) <= ABSURD, (
                f"{name}.{what} returned {value:.4g} nats (warned: {was_warned})"
            )
        if was_warned:
            continue
        assert not unreliable, (
            f"{name}.{what} returned {value:.4g} without a warning on "
            + ", ".join(sorted(found | {f"{n_distinct} distinct rows"}))
        )
        if zero == "constant" or (zero == "independent" and n_distinct >= ZERO_CHECK_ROWS):
            assert within_tolerance_of_zero(value, bound), (
                f"{name}.{what} returned {value:.4g} without a warning where MI is 0 "
                f"(mi_bound={bound!r})"
            )


def with_examples(test):
    for example_case in reversed(EXAMPLES):
        test = example(c=example_case)(test)
    return test


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@with_examples
@given(c=CASES)
def test_awkward_input_is_refused_by_name_or_estimated_sanely(name, c):
    check_contract(name, c)


# --- a common offset or scale changes nothing -------------------------------------------

# Timestamps (an offset of 1.6e9 times the spread), physical units (1e30, 1e-30) and
# magnitudes past float32's range (1e300, 1e-300); in float32 only the scales that fit
# it, with no offset (float32's spacing at 1.6e9 is 128: the data itself is lost).
SHIFTS = st.fixed_dictionaries({
    "offset": st.sampled_from([0.0, 1.6e9, -1e12]),
    "scale_x": st.sampled_from([1.0, 1e30, 1e-30, 1e8, 1e-8, 1e300, 1e-300]),
    "scale_y": st.sampled_from([1.0, 1e30, 1e-30, 1e8, 1e-8, 1e300, 1e-300]),
    "dtype": st.sampled_from(["float64", "float32"]),
})
SHIFT_EXAMPLES = [
    dict(offset=1.6e9, scale_x=1.0, scale_y=1.0, dtype="float64"),
    dict(offset=0.0, scale_x=1e30, scale_y=1e-30, dtype="float32"),
    dict(offset=1.6e9, scale_x=1e300, scale_y=1e-300, dtype="float64"),
]
# Trained estimators see the same standardized data (to float64's rounding) and the
# same random numbers: they agree to 2e-7 nats once standardization runs in float64.
# scikit-learn's KSG preprocessing, which skmist's kNN estimators reproduce, adds noise
# of 1e-10 times the mean |x| in units of the spread, 0.16 of the spread at an offset
# of 1.6e9, which moves KSG by 0.05 nats on these 200 rows.
SHIFT_TOLERANCE = 0.1


def shifted(a, s):
    """``a`` moved by ``s``'s offset (in units of its spread), then scaled."""
    with np.errstate(over="ignore", under="ignore"):
        return ((a + s["offset"]) * s["scale"]).astype(s["dtype"])


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@example(s=SHIFT_EXAMPLES[0])
@example(s=SHIFT_EXAMPLES[1])
@example(s=SHIFT_EXAMPLES[2])
@given(s=SHIFTS)
def test_a_common_offset_or_scale_does_not_change_the_estimate(name, s):
    check_shift(name, s)


def check_shift(name, s):
    """fit's estimate on 200 correlated Gaussian rows moved by ``s`` is the estimate on
    the rows themselves (for an entropy, plus d log(scale)), or a warning or an error
    that names the problem."""
    if s["dtype"] == "float32":
        fits = all(1e-30 <= s[k] <= 1e30 for k in ("scale_x", "scale_y"))
        s = s | ({"offset": 0.0} if fits else {"dtype": "float64"})
    conditional, entropy = name in CONDITIONAL, name in ENTROPY
    x, y = gaussian_pair(200, 2, 0.5, seed=0)
    X, Y = shifted(x, s | {"scale": s["scale_x"]}), shifted(y, s | {"scale": s["scale_y"]})
    if entropy:
        y = Y = None
    found, _ = problems(X, Y)
    reference, moved = make(name, y), make(name, Y)
    # The values compared are fit's (mi_, entropy_), with fit's warnings: score on
    # fit's own rows warns for that reason alone, whatever the data.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = fitted_value(reference.fit(x, y))
    if entropy:
        # H(aX + b) = H(X) + d log|a|
        expected += x.shape[1] * math.log(s["scale_x"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", UserWarning)
        try:
            value = fitted_value(moved.fit(X, Y))
        except (ValueError, TypeError) as error:
            assert_names_the_problem(name, error, found, f"{s} of valid data")
            return
    assert "NaN or infinite values" not in found, f"{name} returned {value} on {s}"
    assert math.isfinite(value), f"{name} returned {value} on data shifted by {s}"
    if not warns_unreliable(record, name):
        assert value == pytest.approx(expected, abs=SHIFT_TOLERANCE), (
            f"{name} returned {value:.4g} on data shifted by {s}, {expected:.4g} on the data"
        )
