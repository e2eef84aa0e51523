import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, clone

import skmist

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])

# Small models and budgets on the CPU, for tests of plumbing (scikit-learn's checks, the
# contracts of tests/test_estimators.py), not of accuracy.
FAST_CRITIC = dict(hidden_dims=(8,), max_iter=5, batch_size=16, n_negatives=4, device="cpu")
FAST_DENSITY = dict(hidden_dims=(8,), max_iter=5, batch_size=16, device="cpu")
FAST_DIFFUSION = dict(hidden_dims=(8,), max_iter=5, batch_size=16, n_time_samples=2,
                      device="cpu")
# Each estimator class's constructor parameters for quick fits (scikit-learn's
# INIT_PARAMS): every class of skmist.estimators.all_estimators() has an entry.
INIT_PARAMS = {
    **dict.fromkeys([
        skmist.NWJEstimator, skmist.MINEEstimator, skmist.InfoNCEEstimator,
        skmist.TUBAEstimator, skmist.AlphaTUBAEstimator, skmist.JSEstimator,
        skmist.SMILEEstimator, skmist.FLOEstimator,
        # Contrastive densities and the hybrid take negatives too.
        skmist.CLUBEstimator, skmist.L1OUTEstimator, skmist.HybridEstimator,
    ], FAST_CRITIC),
    # BA bounds MI only with the true H(y) of a continuous y; any number runs.
    skmist.BAEstimator: {**FAST_DENSITY, "entropy_y": 1.0},
    skmist.DoEEstimator: FAST_DENSITY,
    skmist.GMEstimator: FAST_DENSITY,
    skmist.PQEstimator: {**FAST_DENSITY, "n_bins": 4, "quantization": "learned"},
    skmist.BinnedEstimator: {"n_bins": 4, "device": "cpu"},
    skmist.ClassifierEstimator: {"n_bins": 4},
    skmist.RegressorEstimator: {},
    skmist.KSGEstimator: {},
    skmist.KDEEstimator: {"device": "cpu"},
    skmist.HistogramEstimator: {},
    skmist.GaussianEstimator: {},
    skmist.MINDEEstimator: FAST_DIFFUSION,
    skmist.MMGEstimator: FAST_DIFFUSION,
    skmist.MINDEEntropy: FAST_DIFFUSION,
    skmist.ConditionalKSGEstimator: {"conditioning": [0]},
    skmist.ChainRuleCMIEstimator: {
        "conditioning": [0], "estimator": skmist.SMILEEstimator(**FAST_CRITIC, random_state=0)},
}


def fast_instance(cls, **params):
    """``cls`` with its INIT_PARAMS (estimators among them cloned), ``params`` on top."""
    init = {name: clone(value) if isinstance(value, BaseEstimator) else value
            for name, value in INIT_PARAMS.get(cls, {}).items()}
    return cls(**{**init, **params})


def gaussian_pair(n, d, mi, seed):
    """X, Y of d dimensions each with per-dimension correlation rho, so that
    I(X; Y) = -d/2 log(1 - rho^2) = mi nats exactly."""
    rho = np.sqrt(1 - np.exp(-2 * mi / d))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = rho * x + np.sqrt(1 - rho**2) * rng.normal(size=(n, d))
    return x, y


def gaussian_log_ratio(x, y, rho):
    """log p(x, y) / p(x) p(y) of the correlated pair above (per dimension, summed)."""
    s = 1 - rho**2
    return (-0.5 * np.log(s) - (rho**2 * x**2 - 2 * rho * x * y + rho**2 * y**2) / (2 * s)).sum(-1)


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


def expected_failed_checks(estimator):
    """scikit-learn's checks that an estimator with ``score_samples`` cannot pass.

    ``score_samples(X, y)`` is pointwise MI, which needs y, and these checks call
    ``score_samples(X)`` alone (a row's value is also relative to the other rows
    passed: its negatives, neighbours or the data's moments).
    """
    if not hasattr(estimator, "score_samples"):
        return {}
    reason = "score_samples(X, y) needs y, which the check does not pass"
    return {"check_methods_subset_invariance": reason,
            "check_methods_sample_order_invariance": reason}
