"""
Estimator accuracy on tasks with known mutual information
=========================================================

:mod:`skmist.datasets` holds the tasks of the "Beyond Normal" benchmark (Czyz et al.,
NeurIPS 2023): distributions whose MI has a closed form, and transforms that keep it
(they are invertible). :func:`skmist.benchmark.run` fits estimators on them and
returns a tidy table, one row per estimator and task; here a few tasks and three
estimators, at a small budget. The full comparison is ``python -m skmist.benchmark``
(see the README's ground-truth table).
"""

import matplotlib.pyplot as plt

from skmist import GaussianEstimator, KSGEstimator, SMILEEstimator
from skmist.benchmark import plot_estimates, run, summarize
from skmist.datasets import load_task

# %%
# A task is a sampler with its true MI:

X, y, mi = load_task("1v1-normal-0.75", n_samples=1000, random_state=0)
print(f"1v1-normal-0.75: X {X.shape}, y {y.shape}, true MI {mi:.3f} nats")

# %%
# The run
# -------
# Each estimator is fitted on 2,500 samples of each task and scored on 2,500 fresh
# ones (``protocol="held-out"``). The tasks: Gaussians (one pair, a sparse 3 x 3 and a
# dense 5 x 5), the same sparse 3 x 3 through a non-linear transform (half-cube) and a
# spiral, a bimodal pair and a uniform variable with additive noise.

tasks = [
    "1v1-normal-0.75",
    "multinormal-sparse-3-3-2-2.0",
    "multinormal-dense-5-5-0.5",
    "half_cube-multinormal-sparse-3-3-2-2.0",
    "spiral-multinormal-sparse-3-3-2-2.0",
    "1v1-bimodal-0.75",
    "1v1-additive-0.75",
]
estimators = {
    "Gaussian": GaussianEstimator(),
    "KSG": KSGEstimator(),
    "SMILE": SMILEEstimator(max_iter=1000),
}
df = run(estimators, tasks, n_samples=5000, seeds=1, progress=False)
for row in df.itertuples():
    print(f"{row.task:>40} {row.estimator:>8}: {row.estimate:6.3f} nats "
          f"(true {row.true_mi:.3f}, error {row.estimate - row.true_mi:+.3f})")
print(summarize(df)[["estimator", "n_tasks", "within", "mae"]].round(3).to_string())

# %%
# Each row is a task: the black tick is the true MI, the grey band the benchmark's
# tolerance, max(0.1 nats, 10%). The Gaussian estimator is exact in expectation on the
# Gaussian tasks and reads only linear dependence, so it misses much of the spiral's
# and the additive-noise task's MI. KSG is good in low dimension and falls short
# after the non-linear transforms. SMILE, at this small budget, is accurate on the
# Gaussian tasks and falls short where the relation is sharp or far from Gaussian
# (the spiral, the uniform with additive noise); no estimator solves the spiral.

fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
plot_estimates(df, ax=ax)
plt.show()
