"""Conditional MI and redundancy-aware selection: speed and quality, on the CPU.

Run from the repository root::

    python benchmarks/bench_conditional.py            # n = 10,000 and 100,000
    python benchmarks/bench_conditional.py --quick    # n = 10,000 only, 1 repeat

Two tables, printed as markdown:

1. ``ConditionalKSGEstimator`` (Frenzel-Pompe) on jointly Gaussian (X, Y, Z) of 1 + 1 + 1
   and 3 + 3 + 3 dimensions, against the closed-form CMI, with the chain rule of two
   KSG estimates, I([X, Z]; y) - I(Z; y) (``ChainRuleCMIEstimator(KSGEstimator())``),
   for reference. Best of ``--repeats`` wall-clock times.
2. Selection of k = 5 features on data with 5 equally informative features, 5 copies
   of them plus small noise and 5 noise features (``tests/test_selection_greedy.py``'s
   data), and on ``make_friedman1``: which features each method keeps, and its time.
   Methods: ``SelectKBest(mutual_info_regression)``, ``MutualInfoSelector`` with each
   strategy, and the ``mrmr_selection`` package (F-statistic relevance, correlation
   redundancy; skipped when it is not installed: ``pip install mrmr_selection``).

The machine's cores are shared with whatever else runs: compare rows of one run.
"""

import argparse
import math
import os
import time

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import make_friedman1
from sklearn.feature_selection import SelectKBest, mutual_info_regression

from skmist import ChainRuleCMIEstimator, ConditionalKSGEstimator, KSGEstimator
from skmist import MutualInfoSelector
from skmist.datasets import conditional_gaussian


def best_time(function, repeats):
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def cmi_table(sizes, repeats):
    rows = []
    for n in sizes:
        for d in (1, 3):
            x, y, z, cmi = conditional_gaussian(n, d, random_state=0)
            X = np.hstack([x, z])
            conditioning = list(range(d, 2 * d))
            target = y if d > 1 else y[:, 0]
            frenzel_pompe = ConditionalKSGEstimator(conditioning=conditioning, random_state=0)
            chain_rule = ChainRuleCMIEstimator(conditioning=conditioning,
                                               estimator=KSGEstimator(random_state=0))
            fp_time, fp = best_time(lambda: frenzel_pompe.fit(X, target).mi_, repeats)
            cr_time, cr = best_time(lambda: chain_rule.fit(X, target).mi_, repeats)
            rows.append({
                "n": f"{n:,}", "d": f"{d}+{d}+{d}", "true CMI": f"{cmi:.3f}",
                "Frenzel-Pompe": f"{fp:.3f}", "time (s)": f"{fp_time:.2f}",
                "KSG chain rule": f"{cr:.3f}", "chain rule time (s)": f"{cr_time:.2f}",
            })
            print(f"  CMI n={n} d={d}: {fp_time:.2f}s", flush=True)
    return pd.DataFrame(rows)


def redundant(n, seed):
    rng = np.random.default_rng(seed)
    informative = rng.normal(size=(n, 5))
    copies = informative + 0.05 * rng.normal(size=(n, 5))
    y = informative.sum(axis=1) + 0.5 * rng.normal(size=n)
    return np.hstack([informative, copies, rng.normal(size=(n, 5))]), y


def selectors():
    def sklearn_kbest(X, y):
        def score(X, y):
            return mutual_info_regression(X, y, random_state=0)
        return SelectKBest(score, k=5).fit(X, y).get_support(indices=True)

    def skmist(strategy):
        def select(X, y):
            selector = MutualInfoSelector(k=5, strategy=strategy, random_state=0)
            return selector.fit(X, y).get_support(indices=True)
        return select

    methods = {"SelectKBest(mutual_info_regression)": sklearn_kbest}
    for strategy in ("univariate", "mrmr", "jmi", "cmim"):
        methods[f"MutualInfoSelector({strategy})"] = skmist(strategy)
    try:
        import mrmr
    except ImportError:
        print("  mrmr_selection is not installed: its row is skipped")
    else:
        def mrmr_selection(X, y):
            frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
            names = mrmr.mrmr_regression(frame, pd.Series(y), K=5, show_progress=False)
            return np.sort([int(name[1:]) for name in names])
        methods["mrmr_selection (F-test, correlation)"] = mrmr_selection
    return methods


def selection_table(sizes, repeats):
    rows = []
    methods = selectors()
    datasets = [(f"redundant, n={n:,}", redundant(n, seed=0)) for n in sizes]
    datasets += [(f"friedman1, n={n:,}", make_friedman1(n, 10, noise=1.0, random_state=8))
                 for n in sizes]
    warm_up = redundant(500, seed=1)
    for select in methods.values():  # imports, thread and process pools
        select(*warm_up)
    for name, (X, y) in datasets:
        for method, select in methods.items():
            seconds, picked = best_time(lambda: select(X, y), repeats)
            if name.startswith("redundant"):
                kept = picked[picked < 10] % 5
                quality = f"{len(set(kept))} of 5 distinct"
            else:
                quality = f"{len(set(picked) & set(range(5)))} of 5 informative"
            rows.append({"data": name, "method": method, "picked": " ".join(map(str, picked)),
                         "quality": quality, "time (s)": f"{seconds:.2f}"})
            print(f"  {name} {method}: {seconds:.2f}s", flush=True)
    return pd.DataFrame(rows)


def markdown(frame):
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10,000 only, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    cmi_sizes = [10_000] if args.quick else [10_000, 100_000]
    selection_sizes = [2_000] if args.quick else [2_000, 10_000]
    print(f"CPU cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}, "
          f"repeats: {repeats}")
    cmi = cmi_table(cmi_sizes, repeats)
    selection = selection_table(selection_sizes, max(1, math.ceil(repeats / 3)))
    print("\n### Conditional MI (CPU)\n")
    print(markdown(cmi))
    print("\n### Selection of k = 5 features\n")
    print(markdown(selection))


if __name__ == "__main__":
    main()
