"""What MINDE's defaults cost and reach on the CPU, next to SMILE, InfoNCE and KSG.

Run from the repository root::

    python benchmarks/bench_minde.py gaussian          # ~10 min on 2 cores
    python benchmarks/bench_minde.py suite --out /tmp/minde-suite   # 40 tasks, ~1 h
    python benchmarks/bench_minde.py gaussian --quick  # a smoke run of a minute

1. ``gaussian``: correlated Gaussians (X, Y of d dimensions each, per-dimension
   correlation rho with ``-d/2 log(1 - rho^2)`` = the MI), ``n = 10,000`` rows to fit
   and 10,000 fresh rows to score, d = 1 and 5, MI = 0.5 and 2 nats, seeds 0-2. MINDE
   (both variants), ``MINDEEntropy`` (on the X of the same data: H = d/2 log(2 pi e))
   and SMILE, all on their defaults, one torch thread each, one after the other. Prints
   score - truth (mean and sd over seeds) and the fit + score time.

2. ``suite``: the "Beyond Normal" tasks of :mod:`skmist.datasets` through
   :func:`skmist.benchmark.run` (n = 10,000, half to fit, half to score, one thread per
   row), MINDE next to SMILE, InfoNCE and KSG; ``--tasks hard`` keeps the spiral,
   Student-t and 25-dimensional ones. Results go to ``OUT/results.csv`` (rows already
   there are not run again) and a markdown report to ``OUT``.

Times depend on the machine and on its load: these figures come from a 2-core machine
shared with other work, so they are upper bounds of a quiet machine's.
"""

import argparse
import math
import os
import sys
import time
import warnings

import numpy as np
import torch

import skmist
from skmist import MINDEEntropy, MINDEEstimator, SMILEEstimator

HARD = [
    "spiral-multinormal-sparse-3-3-2-2.0",
    "spiral-multinormal-sparse-5-5-2-2.0",
    "spiral-multinormal-sparse-25-25-2-2.0",
    "spiral-normal_cdf-multinormal-sparse-5-5-2-2.0",
    "student-identity-2-2-1",
    "student-identity-5-5-2",
    "student-identity-5-5-3",
    "asinh-student-identity-5-5-2",
    "multinormal-dense-25-25-0.5",
    "multinormal-sparse-25-25-2-2.0",
    "half_cube-multinormal-sparse-25-25-2-2.0",
    "normal_cdf-multinormal-sparse-25-25-2-2.0",
]


def gaussian_pair(n, d, mi, seed):
    rho = math.sqrt(1 - math.exp(-2 * mi / d))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    return x, rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(n, d))


def _timed(fit_and_score):
    start = time.perf_counter()
    value = fit_and_score()
    return value, time.perf_counter() - start


def gaussian(args):
    torch.set_num_threads(1)
    n, seeds = (2000, [0]) if args.quick else (10_000, [0, 1, 2])
    budget = {"max_iter": 300} if args.quick else {}
    estimators = {
        "MINDE-C": lambda seed: MINDEEstimator(random_state=seed, device="cpu", **budget),
        "MINDE-J": lambda seed: MINDEEstimator(variant="joint", random_state=seed,
                                               device="cpu", **budget),
        "SMILE": lambda seed: SMILEEstimator(random_state=seed, device="cpu"),
    }
    print(f"n = {n} to fit, {n} fresh to score; seeds {seeds}; one torch thread\n")
    print("| estimator | d | MI | score - truth (mean ± sd) | fit + score (s) |")
    print("|---|---:|---:|---:|---:|")
    for d, mi in [(1, 0.5), (5, 0.5), (1, 2.0), (5, 2.0)]:
        for name, make in estimators.items():
            errors, seconds = [], []
            for seed in seeds:
                x, y = gaussian_pair(n, d, mi, 100 + seed)
                x_test, y_test = gaussian_pair(n, d, mi, 200 + seed)
                value, elapsed = _timed(lambda: make(seed).fit(x, y).score(x_test, y_test))
                errors.append(value - mi)
                seconds.append(elapsed)
            print(f"| {name} | {d} | {mi} | {np.mean(errors):+.3f} ± "
                  f"{np.std(errors, ddof=1) if len(errors) > 1 else 0:.3f} | "
                  f"{np.mean(seconds):.1f} |", flush=True)
    print("\n| MINDEEntropy | d | true H | score - truth (mean ± sd) | fit + score (s) |")
    print("|---|---:|---:|---:|---:|")
    for d in [1, 5]:
        truth = 0.5 * d * math.log(2 * math.pi * math.e)
        errors, seconds = [], []
        for seed in seeds:
            x, _ = gaussian_pair(n, d, 0.5, 100 + seed)
            x_test, _ = gaussian_pair(n, d, 0.5, 200 + seed)
            est = MINDEEntropy(random_state=seed, device="cpu", **budget)
            value, elapsed = _timed(lambda: est.fit(x).score(x_test))
            errors.append(value - truth)
            seconds.append(elapsed)
        print(f"| MINDEEntropy | {d} | {truth:.3f} | {np.mean(errors):+.3f} ± "
              f"{np.std(errors, ddof=1) if len(errors) > 1 else 0:.3f} | "
              f"{np.mean(seconds):.1f} |", flush=True)


def suite(args):
    from skmist.benchmark import run, to_markdown, write_report

    tasks = HARD if args.tasks == "hard" else args.tasks
    if args.quick:
        tasks, n, seeds = HARD[:2], 2000, 1
    else:
        n, seeds = 10_000, args.seeds
    estimators = {"minde": "minde", "minde-j": MINDEEstimator(variant="joint"),
                  "smile": "smile", "infonce": "infonce", "ksg": "ksg"}
    os.makedirs(args.out, exist_ok=True)
    df = run(estimators, tasks=tasks, n_samples=n, seeds=seeds, device="cpu",
             n_jobs=args.jobs, csv=os.path.join(args.out, "results.csv"))
    write_report(df, args.out, plots=False)
    print(to_markdown(df))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["gaussian", "suite"])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--tasks", default="hard", help='"hard", "all" or a comma list')
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="rows in parallel")
    parser.add_argument("--out", default="minde-benchmark")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", skmist.UnreliableEstimateWarning)
    print(f"skmist {skmist.__version__}, torch {torch.__version__}, "
          f"python {sys.version.split()[0]}\n")
    gaussian(args) if args.part == "gaussian" else suite(args)


if __name__ == "__main__":
    main()
