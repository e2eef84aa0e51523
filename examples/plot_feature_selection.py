"""
Feature selection by mutual information in a Pipeline
=====================================================

:class:`skmist.MutualInfoSelector` keeps the features with the most MI with the
target. It is a scikit-learn selector, so it sits in a ``Pipeline`` and is
cross-validated with it: the features are chosen on each training fold only.

The data is Friedman's first regression problem: of 20 uniform features only the
first five matter, through

.. math:: y = 10 \\sin(\\pi x_0 x_1) + 20 (x_2 - 0.5)^2 + 10 x_3 + 5 x_4 + \\varepsilon.

A linear score (``f_regression``, the squared correlation) misses :math:`x_2`, whose
effect is symmetric about 0.5 and so uncorrelated with y; MI sees every kind of
dependence.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.feature_selection import SelectKBest, f_regression, mutual_info_regression
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmist import KSGEstimator, MutualInfoSelector

X, y = make_friedman1(n_samples=4000, n_features=20, noise=1.0, random_state=0)
informative = np.arange(5)

# %%
# MI of each feature with the target
# ----------------------------------
# With the default estimator (KSG with k = 3 neighbours) and the same
# ``random_state``, the selector's scores are scikit-learn's
# ``mutual_info_regression``'s. Small MI is hard to estimate from a few thousand rows,
# and with k = 3 a noise feature can outscore the weak :math:`x_2`; more neighbours
# trade a little bias for much less variance. Any skmist estimator can score the
# features: here ``KSGEstimator(n_neighbors=10)``. With ``n_permutations`` the
# selector also tests each score against the scores of permuted targets
# (``pvalues_``, at least ``1 / (n_permutations + 1)``).

default = MutualInfoSelector(k=5, random_state=0).fit(X, y)
same = np.allclose(default.scores_, mutual_info_regression(X, y, random_state=0))
print(f"k=3 scores equal mutual_info_regression's: {same}")
selector = MutualInfoSelector(KSGEstimator(n_neighbors=10), k=5, n_permutations=24,
                              random_state=0).fit(X, y)
for name, s in [("k=3", default), ("k=10", selector)]:
    noise = s.scores_[5:]
    print(f"{name:>4}: selects {np.flatnonzero(s.get_support()).tolist()}; x2 scores "
          f"{s.scores_[2]:.3f} nats, the best noise feature {noise.max():.3f} nats "
          f"(x{5 + noise.argmax()})")
print("k=10 permutation p-values: informative",
      selector.pvalues_[:5].round(2).tolist(),
      f"noise: smallest {selector.pvalues_[5:].min():.2f}")
f_scores = f_regression(X, y)[0]
print("f_regression selects", sorted(np.argsort(f_scores)[::-1][:5].tolist()))

# %%
# Selection inside a Pipeline
# ---------------------------
# Four pipelines with the same regressor, scored by 5-fold cross-validated R^2:
# no selection, the 5 best features by correlation, by scikit-learn's MI (k = 3),
# and by skmist's selector with k = 10 neighbours (``SelectKBest`` with
# ``functools.partial(mutual_info_regression, n_neighbors=10)`` would select the
# same). A nearest-neighbour regressor weighs every feature equally, so it gains
# most from dropping the noise.


def model():
    return KNeighborsRegressor(n_neighbors=10)


pipelines = {
    "all 20 features": make_pipeline(StandardScaler(), model()),
    "SelectKBest(f_regression)": make_pipeline(
        StandardScaler(), SelectKBest(f_regression, k=5), model()),
    "SelectKBest(mutual_info_regression)": make_pipeline(
        StandardScaler(), SelectKBest(mutual_info_regression, k=5), model()),
    "MutualInfoSelector(KSG, k=10)": make_pipeline(
        StandardScaler(), MutualInfoSelector(KSGEstimator(n_neighbors=10), k=5,
                                             random_state=0), model()),
}
r2 = {name: cross_val_score(pipe, X, y, cv=5) for name, pipe in pipelines.items()}
for name, scores in r2.items():
    print(f"{name:>36}: R^2 = {scores.mean():.3f} +/- {scores.std():.3f}")

# %%
# Left, the MI of each feature with 3 and with 10 neighbours (the informative ones
# darker); right, the cross-validated R^2 of the pipelines.

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
columns = np.arange(X.shape[1])
for offset, s, color, label in [(-0.2, default, "C0", "KSG, k=3"),
                                (0.2, selector, "C1", "KSG, k=10")]:
    bars = left.bar(columns + offset, s.scores_, width=0.4, color=color, label=label)
    for j in columns[5:]:
        bars[j].set_alpha(0.4)
left.set_xticks(columns, [f"x{j}" for j in columns], rotation=90)
left.set_ylabel("MI with y (nats)")
left.set_title("scores_ (x0-x4 informative, the rest noise)")
left.legend()

names = list(r2)
right.barh(np.arange(len(names)), [r2[n].mean() for n in names],
           xerr=[r2[n].std() for n in names], color=["0.6", "C2", "C0", "C1"])
right.set_yticks(np.arange(len(names)), names)
right.set_xlabel("cross-validated R^2")
right.set_xlim(0, 1)
plt.show()
