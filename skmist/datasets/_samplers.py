"""NumPy samplers of the base distributions, returning X and Y side by side.

Small classes rather than closures, so that a task pickles (joblib workers). Each takes
``(n_samples, rng)`` with a :class:`numpy.random.Generator` and returns an array of
shape ``(n_samples, dim_x + dim_y)``.
"""

import numpy as np

__all__ = []


def check_rng(random_state):
    """A :class:`numpy.random.Generator` from None, an int, a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(random_state)
    raise ValueError(
        f"random_state must be None, an int, a numpy Generator or RandomState; got "
        f"{random_state!r}"
    )


class _Normal:
    def __init__(self, covariance):
        self.cholesky = np.linalg.cholesky(covariance)

    def __call__(self, n_samples, rng):
        z = rng.standard_normal((n_samples, self.cholesky.shape[0]))
        return z @ self.cholesky.T


class _StudentT:
    def __init__(self, dispersion, df):
        self.normal = _Normal(dispersion)
        self.df = df

    def __call__(self, n_samples, rng):
        z = self.normal(n_samples, rng)
        # A Gaussian divided by an independent sqrt(chi2_df / df), shared by all coordinates.
        w = rng.chisquare(self.df, size=(n_samples, 1))
        return z / np.sqrt(w / self.df)


class _AdditiveUniform:
    def __init__(self, epsilon):
        self.epsilon = epsilon

    def __call__(self, n_samples, rng):
        x = rng.uniform(0.0, 1.0, size=(n_samples, 1))
        noise = rng.uniform(-self.epsilon, self.epsilon, size=(n_samples, 1))
        return np.concatenate([x, x + noise], axis=1)


class _Transformed:
    def __init__(self, base, dim_x, transform_x, transform_y):
        self.base, self.dim_x = base, dim_x
        self.transform_x, self.transform_y = transform_x, transform_y

    def __call__(self, n_samples, rng):
        xy = self.base(n_samples, rng)
        x, y = xy[:, :self.dim_x], xy[:, self.dim_x:]
        return np.concatenate([self.transform_x(x), self.transform_y(y)], axis=1)
