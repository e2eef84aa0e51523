"""
Capturing non-linear dependence: MINE against KSG
=================================================

The first experiment of the MINE paper (Belghazi et al., 2018): MI sees dependence
that correlation misses. Here y is a point on a curve, the circle or a spiral, at a
position x drawn uniformly, plus Gaussian noise of standard deviation sigma:

.. math:: y = c(x) + \\sigma \\varepsilon, \\quad x \\sim U(0, 1),
          \\quad \\varepsilon \\sim N(0, I_2).

As sigma grows, the MI falls. Its true value is computed by quadrature:
:math:`I = E[\\log p(y \\mid x) - \\log p(y)]` with
:math:`p(y) = \\int_0^1 N(y; c(t), \\sigma^2 I)\\, dt`. We compare MINE (a neural
estimator, :class:`skmist.MINEEstimator`), KSG (nearest neighbours,
:class:`skmist.KSGEstimator`) and the Gaussian estimate
(:class:`skmist.GaussianEstimator`, which only sees linear correlation).
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import logsumexp

from skmist import GaussianEstimator, KSGEstimator, MINEEstimator


def circle(t):
    return np.stack([np.cos(2 * np.pi * t), np.sin(2 * np.pi * t)], axis=-1)


def spiral(t):
    radius, angle = 0.2 + t, 4 * np.pi * t
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)


def sample(curve, sigma, n, rng):
    x = rng.uniform(size=n)
    return x[:, None], curve(x) + sigma * rng.normal(size=(n, 2))


def true_mi(curve, sigma, rng, n=2000, n_grid=2000):
    """Monte Carlo over y, midpoint quadrature over t for p(y) (about 0.01 nats)."""
    x, y = sample(curve, sigma, n, rng)
    grid = curve((np.arange(n_grid) + 0.5) / n_grid)
    log_joint = -((y - curve(x[:, 0])) ** 2).sum(-1) / (2 * sigma**2)
    squared = ((y[:, None, :] - grid[None]) ** 2).sum(-1)
    log_marginal = logsumexp(-squared / (2 * sigma**2), axis=1) - np.log(n_grid)
    return np.mean(log_joint - log_marginal)  # the Gaussian normalisers cancel


# %%
# The estimates
# -------------
# 3000 samples per point. MINE's critic is a little larger than the default (two
# hidden layers) and trains for at most 800 steps, to keep this example fast.

rng = np.random.default_rng(0)
sigmas = np.array([0.05, 0.1, 0.2, 0.4, 0.8])
results = {}
for curve in (circle, spiral):
    rows = []
    for sigma in sigmas:
        x, y = sample(curve, sigma, 3000, rng)
        mine = MINEEstimator(hidden_dims=(128, 128), embedding_dim=64, max_iter=800,
                             random_state=0)
        row = [true_mi(curve, sigma, rng),
               KSGEstimator(random_state=0).fit(x, y).mi_,
               mine.fit(x, y).mi_,
               GaussianEstimator().fit(x, y).mi_]
        rows.append(row)
        print(f"{curve.__name__:>6}, sigma {sigma:.2f}: true {row[0]:.2f} nats, "
              f"KSG {row[1]:.2f}, MINE {row[2]:.2f}, Gaussian {row[3]:.2f}")
    results[curve.__name__] = np.array(rows)

# %%
# All three MI estimators fall with the noise, but only the non-linear ones follow
# the truth. KSG is excellent in this low dimension (1 + 2). MINE follows the trend
# and is close to the truth below about 1.5 nats; above, it falls short, more so on
# the spiral: its bound is built on ``exp(critic)``, whose variance grows like
# ``exp(MI)`` on such a sharp relation (see the accuracy table in the user guide), and
# this small budget leaves the critic short of the sharp ridge. The Gaussian
# estimate only sees the linear correlation, which on the spiral is almost none.

fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained",
                         gridspec_kw={"width_ratios": [1, 2]})
for (name, rows), (left, right) in zip(results.items(), axes):
    curve = circle if name == "circle" else spiral
    x, y = sample(curve, 0.1, 1000, np.random.default_rng(1))
    left.scatter(*y.T, c=x[:, 0], s=4, cmap="viridis")
    left.set_title(f"{name}, sigma = 0.1 (colour: x)")
    left.set_aspect("equal")
    left.set_xticks([])
    left.set_yticks([])
    right.plot(sigmas, rows[:, 0], "k-", label="true MI")
    for column, label, marker in [(1, "KSG", "o"), (2, "MINE", "s"),
                                  (3, "Gaussian (linear)", "^")]:
        right.plot(sigmas, rows[:, column], marker=marker, linestyle="--", label=label)
    right.set_xscale("log")
    right.set_xticks(sigmas, [f"{sigma:g}" for sigma in sigmas])
    right.minorticks_off()
    right.set_xlabel("noise sigma")
    right.set_ylabel("MI (nats)")
    right.legend()
plt.show()
