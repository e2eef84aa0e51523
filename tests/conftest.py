import numpy as np
import pytest
import torch

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


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
