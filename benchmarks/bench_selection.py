"""Feature selection speed: MutualInfoSelector against SelectKBest(mutual_info_regression).

Run from the repository root::

    python benchmarks/bench_selection.py            # 10,000 x 100 and 100,000 x 20
    python benchmarks/bench_selection.py --quick    # 10,000 x 100 only, 1 repeat

Both sides select k=5 features of ``make_regression`` data (5 informative features, a
continuous target), with the same ``random_state``, so they compute the same scores;
every row checks that the selected top-5 agree. Configurations run interleaved, the
best of ``--repeats`` is kept, and the table reports ratios (scikit-learn's time over
ours), which survive a noisy machine better than absolute times.

Rows:

* ``1 thread``: ``KSGEstimator(n_jobs=1)``, one process, one thread: the algorithmic
  speed-up alone (scikit-learn's KSG is single-threaded too).
* ``default``: ``MutualInfoSelector(k=5)``, one process: the KSG estimator's
  ``n_jobs=-1`` threads split the features, one tree thread each (the goal's
  single-process configuration).
* ``n_jobs=2``: features split over 2 joblib threads, one tree thread each.
* scikit-learn with ``n_jobs=2`` (its own joblib parallelism over features), for
  reference.
"""

import argparse
import os
import time

import numpy as np
from sklearn.datasets import make_regression
from sklearn.feature_selection import SelectKBest, mutual_info_regression

from skmist import KSGEstimator, MutualInfoSelector


def best_time(fit, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        support = fit()
        times.append(time.perf_counter() - start)
    return min(times), support


def case(n_samples, n_features, repeats):
    X, y = make_regression(
        n_samples=n_samples, n_features=n_features, n_informative=5, random_state=0
    )

    def sklearn(n_jobs=None):
        def fit():
            score = lambda X, y: mutual_info_regression(X, y, random_state=0, n_jobs=n_jobs)  # noqa: E731
            return SelectKBest(score, k=5).fit(X, y).get_support()
        return fit

    def skmist(estimator, n_jobs=None):
        def fit():
            return MutualInfoSelector(estimator, k=5, n_jobs=n_jobs, random_state=0).fit(X, y).get_support()
        return fit

    configs = {
        "scikit-learn": sklearn(),
        "scikit-learn, n_jobs=2": sklearn(2),
        "skmist, 1 thread": skmist(KSGEstimator(n_jobs=1)),
        "skmist, default": skmist(None),
        "skmist, n_jobs=2": skmist(None, n_jobs=2),
    }
    for fit in configs.values():  # warm-up: imports, thread pools
        fit()
    times = {name: [] for name in configs}
    supports = {}
    for _ in range(repeats):
        for name, fit in configs.items():
            seconds, supports[name] = best_time(fit, 1)
            times[name].append(seconds)
    reference = min(times["scikit-learn"])
    rows = []
    for name in configs:
        seconds = min(times[name])
        same = bool(np.array_equal(supports[name], supports["scikit-learn"]))
        rows.append((f"{n_samples:,} x {n_features}", name, seconds, reference / seconds, same))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    shapes = [(10_000, 100)] if args.quick else [(10_000, 100), (100_000, 20)]
    print(f"{os.cpu_count()} cores; best of {repeats}\n")
    print("| data | selector | seconds | speed-up vs scikit-learn | same top-5 |")
    print("|---|---|---:|---:|:---:|")
    for shape in shapes:
        for data, name, seconds, ratio, same in case(*shape, repeats):
            print(f"| {data} | {name} | {seconds:.2f} | {ratio:.1f}x | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
