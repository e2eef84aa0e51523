"""The bounds of skmist.functional against closed forms, and their gradients; each
bound's record is what its estimators and HybridEstimator compute with."""

import math

import numpy as np
import pytest
import torch

from skmist import (
    AlphaTUBAEstimator,
    FLOEstimator,
    HybridEstimator,
    InfoNCEEstimator,
    JSEstimator,
    MINEEstimator,
    NWJEstimator,
    SMILEEstimator,
    TUBAEstimator,
)
from skmist import functional as F
from skmist.estimators import _hybrid
from skmist.estimators._critic import _ShiftedNegatives
from skmist.nn import pair_scores
from conftest import gaussian_log_ratio, gaussian_pair

BOUNDS = [F.nwj, F.dv, F.mine, F.infonce, F.tuba, F.alpha_tuba, F.js, F.smile, F.flo]


def optimal_scores(n, k, mi, seed):
    """Scores of the true log density ratio of a 1-D Gaussian pair with MI ``mi``:
    positives f(x_i, y_i), negatives f(x_i, y_j) with y_j from other rows."""
    x, y = gaussian_pair(n, 1, mi, seed)
    rho = math.sqrt(1 - math.exp(-2 * mi))
    positive = gaussian_log_ratio(x, y, rho)
    shifts = np.arange(1, k + 1)
    idx = (np.arange(n)[:, None] + shifts) % n
    negative = gaussian_log_ratio(x[:, None, :], y[idx], rho)
    return torch.tensor(positive), torch.tensor(negative)


@pytest.fixture(scope="module")
def scores():
    return optimal_scores(20000, 64, 0.5, seed=0)


# With the optimal critic each bound equals the MI up to Monte-Carlo error: for
# n = 20000 rows and K = 64 negatives the standard error of the positive term is
# sqrt(Var[log ratio] / n) ~ 0.007 nats, so 0.03 is over four standard errors.
@pytest.mark.parametrize("bound", [F.dv, F.mine, F.smile])
def test_dv_family_is_tight_at_the_log_ratio(bound, scores):
    assert bound(*scores).item() == pytest.approx(0.5, abs=0.03)


def test_nwj_is_tight_at_the_log_ratio_plus_one(scores):
    positive, negative = scores
    assert F.nwj(positive + 1, negative + 1).item() == pytest.approx(0.5, abs=0.03)
    # ... and js evaluates NWJ on f + 1, so the JS optimum f* = log ratio is tight.
    assert F.js(positive, negative).item() == pytest.approx(0.5, abs=0.03)


def test_tuba_with_the_optimal_baseline_and_nwj_is_tuba_at_e(scores):
    positive, negative = scores
    assert F.tuba(positive, negative, log_baseline=0.0).item() == pytest.approx(0.5, abs=0.03)
    assert F.nwj(positive, negative).item() == pytest.approx(
        F.tuba(positive, negative, log_baseline=1.0).item(), rel=1e-12
    )


def test_infonce_is_below_its_cap_and_near_the_truth(scores):
    positive, negative = scores
    value = F.infonce(positive, negative).item()
    # InfoNCE with K = 64 negatives at MI = 0.5 has a bias below 0.02 nats (its gap
    # to the truth shrinks like 1/K for small MI); it never exceeds log(K + 1).
    assert value == pytest.approx(0.5, abs=0.03)
    huge = torch.full((50,), 100.0, dtype=torch.float64)
    assert F.infonce(huge, torch.full((50, 7), -100.0, dtype=torch.float64)).item() == pytest.approx(math.log(8))


def test_alpha_tuba_interpolates_infonce_and_tuba(scores):
    positive, negative = scores
    k = negative.shape[1]
    # alpha = 0 is TUBA; alpha = 1 is InfoNCE with K candidates in its multi-sample set.
    assert F.alpha_tuba(positive, negative, 0.3, alpha=0.0).item() == pytest.approx(
        F.tuba(positive, negative, 0.3).item(), rel=1e-12
    )
    assert F.alpha_tuba(positive, negative, 0.3, alpha=1.0).item() == pytest.approx(
        F.infonce(positive, negative[:, : k - 1]).item(), rel=1e-12
    )
    assert F.alpha_tuba(positive, negative, 0.0, alpha=0.5).item() == pytest.approx(0.5, abs=0.03)


def test_flo_is_tight_at_the_true_log_partition(scores):
    positive, negative = scores
    # With f the log ratio, E_y'[exp(f(x, y') - f(x, y))] = exp(-f(x, y)), so u = -f.
    assert F.flo(positive, negative, -positive).item() == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("bound", BOUNDS)
def test_bounds_are_below_the_truth_for_a_poor_critic(bound, scores):
    positive, negative = scores
    # Half the log ratio is a worse critic: every valid lower bound drops below MI.
    value = bound(positive / 2, negative / 2).item()
    assert value < 0.5


@pytest.mark.parametrize("bound", BOUNDS)
def test_square_matrix_layout_equals_the_pairs_layout(bound):
    torch.manual_seed(0)
    scores = torch.randn(6, 6, dtype=torch.float64)
    off = scores[~torch.eye(6, dtype=torch.bool)].view(6, 5)
    assert bound(scores).item() == pytest.approx(bound(scores.diagonal(), off).item(), rel=1e-12)


@pytest.mark.parametrize("bound", [F.nwj, F.dv, F.infonce, F.tuba, F.alpha_tuba, F.flo])
def test_gradients_of_the_bounds(bound):
    torch.manual_seed(0)
    positive = torch.randn(5, dtype=torch.float64, requires_grad=True)
    negative = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(bound, (positive, negative))


def test_js_and_smile_train_with_the_jensen_shannon_gradient():
    torch.manual_seed(0)
    positive = torch.randn(8, dtype=torch.float64, requires_grad=True)
    negative = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    js_objective = (
        -torch.nn.functional.softplus(-positive).mean()
        - torch.nn.functional.softplus(negative).mean()
    )
    expected = torch.autograd.grad(js_objective, (positive, negative))
    for bound in (F.js, F.smile):
        got = torch.autograd.grad(bound(positive, negative), (positive, negative))
        for g, e in zip(got, expected):
            torch.testing.assert_close(g, e)


def test_mine_corrects_the_gradient_with_the_running_mean():
    torch.manual_seed(0)
    positive = torch.randn(8, dtype=torch.float64, requires_grad=True)
    negative = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    log_running_mean = torch.tensor(0.7, dtype=torch.float64)
    value = F.mine(positive, negative, log_running_mean=log_running_mean)
    assert value.item() == pytest.approx(F.dv(positive, negative).item(), rel=1e-12)
    (grad_negative,) = torch.autograd.grad(value, negative)
    # d/dn of -E[e^n] / running_mean, E over all 24 negatives.
    expected = -negative.detach().exp() / 24 / math.exp(0.7)
    torch.testing.assert_close(grad_negative, expected)


def test_smile_clips_the_partition_term():
    positive = torch.zeros(4)
    negative = torch.full((4, 2), 50.0)
    assert F.smile(positive, negative, tau=1.0).item() == pytest.approx(-1.0)
    assert F.smile(positive, negative, tau=math.inf).item() == pytest.approx(-50.0)


def test_bad_layouts_are_rejected_with_a_clear_message():
    with pytest.raises(ValueError, match=r"square \(n, n\) matrix"):
        F.infonce(torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"shape \(n,\).*\(n, K\)"):
        F.nwj(torch.zeros(3), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="at least one negative"):
        F.nwj(torch.zeros(3), torch.zeros(3, 0))
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\]"):
        F.alpha_tuba(torch.zeros(3, 3), alpha=1.5)


@pytest.mark.parametrize(
    "reduce, influence, columns",
    [
        (F._bounds._reduce_mean, F._bounds._influence_mean, None),
        (F._bounds._reduce_dv, F._bounds._influence_dv, 2),
    ],
)
def test_standard_error_matches_the_spread_over_replications(reduce, influence, columns):
    # 400 independent replications of n = 500 rows: the standard error computed from
    # one replication's rows must match the standard deviation across replications.
    gen = torch.Generator().manual_seed(0)
    shape = (400, 500) if columns is None else (400, 500, columns)
    terms = torch.randn(shape, generator=gen, dtype=torch.float64)
    if columns:
        terms[..., 1] = terms[..., 1] * 0.5 + 1.0  # per-row log-mean-exp of negatives
    values = torch.stack([reduce(t) for t in terms])
    errors = torch.stack([F.standard_error(t, influence) for t in terms])
    # the spread of a 400-sample standard deviation is ~3.5%: allow 12%.
    assert errors.mean().item() == pytest.approx(values.std().item(), rel=0.12)


# --- the records: one per bound, the estimators' and the functions' -----------------

RECORDS = {
    NWJEstimator: F._bounds.NWJ,
    MINEEstimator: F._bounds.DV,
    InfoNCEEstimator: F._bounds.INFONCE,
    TUBAEstimator: F._bounds.TUBA,
    AlphaTUBAEstimator: F._bounds.ALPHA_TUBA,
    JSEstimator: F._bounds.JS,
    SMILEEstimator: F._bounds.SMILE,
    FLOEstimator: F._bounds.FLO,
}


@pytest.mark.parametrize("cls", list(RECORDS), ids=lambda cls: cls.__name__)
def test_each_estimator_scores_with_its_record(cls):
    record = RECORDS[cls]
    assert cls._bound is record
    assert cls._reduce_terms is record.reduce and cls._influence_terms is record.influence
    x_train, y_train = gaussian_pair(300, 1, 0.5, seed=0)
    est = cls(hidden_dims=(8,), max_iter=30, n_negatives=16, random_state=0,
              device="cpu").fit(x_train, y_train)
    assert est.__sklearn_tags__().mi_bound == record.kind

    # The record applied by hand to the critic's scores on score's negatives.
    X, Y = gaussian_pair(200, 1, 0.5, seed=1)
    x, y = est._fitted_inputs(X, Y)
    n = x.shape[0]
    index = _ShiftedNegatives(n, est.n_negatives, est._cpu_generator("evaluation"), x.device)(0, n)
    model = est.model_
    with torch.inference_mode():
        critic = model["critic"]
        positive, negative = pair_scores(critic, critic.embed_x(x), critic.embed_y(y), index)
        baseline = {None: None, "x": lambda: model["baseline"](x).squeeze(-1),
                    "xy": lambda: model["baseline"](x, y)}[record.baseline]
        baseline = baseline() if baseline else None
        options = {name: getattr(est, name) for name in record.options}
        terms = record.terms(positive, negative, baseline, **options)
        value = record.value(positive, negative, baseline, **options)
        pointwise = record.finish(record.pointwise(positive, negative, baseline, **options))
    assert value.item() == pytest.approx(est.score(X, Y), rel=1e-5, abs=1e-6)
    got, std_error = est.estimate(X, Y, return_std=True)
    assert F.standard_error(terms, record.influence).item() == pytest.approx(
        std_error, rel=1e-4)
    np.testing.assert_allclose(pointwise.numpy(), est.score_samples(X, Y), rtol=1e-5,
                               atol=1e-6)


def test_records_name_kind_and_options_are_what_the_estimators_expose():
    for cls, record in RECORDS.items():
        assert cls._mi_bound == record.kind
        # Each option of a bound is an __init__ parameter of its estimator.
        assert set(record.options) <= set(cls().get_params())
    assert {record.kind for record in RECORDS.values()} == {"lower", "biased", "estimate"}


@pytest.mark.parametrize("name, cls", [("smile", SMILEEstimator), ("infonce", InfoNCEEstimator),
                                       ("nwj", NWJEstimator), ("js", JSEstimator)])
def test_hybrid_uses_the_estimators_records(name, cls):
    assert _hybrid._BOUNDS[name] is cls._bound
    assert HybridEstimator(bound=name)._bound is cls._bound
    assert set(cls._bound.options) <= set(HybridEstimator().get_params())


def test_the_functions_are_the_records_values():
    torch.manual_seed(0)
    positive = torch.randn(9, dtype=torch.float64)
    negative = torch.randn(9, 4, dtype=torch.float64)
    log_baseline = torch.randn(9, dtype=torch.float64)
    B = F._bounds
    cases = [
        (F.nwj(positive, negative), B.NWJ.value(positive, negative)),
        (F.dv(positive, negative), B.DV.value(positive, negative)),
        (F.infonce(positive, negative), B.INFONCE.value(positive, negative)),
        (F.tuba(positive, negative, log_baseline), B.TUBA.value(positive, negative,
                                                                log_baseline)),
        (F.alpha_tuba(positive, negative, log_baseline, alpha=0.3),
         B.ALPHA_TUBA.value(positive, negative, log_baseline, alpha=0.3)),
        (F.js(positive, negative), B.JS.value(positive, negative)),
        (F.smile(positive, negative, tau=0.5), B.SMILE.value(positive, negative, tau=0.5)),
        (F.flo(positive, negative, log_baseline), B.FLO.value(positive, negative,
                                                              log_baseline)),
    ]
    for function_value, record_value in cases:
        assert function_value.item() == pytest.approx(record_value.item(), rel=1e-12)
