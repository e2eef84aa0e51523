"""What ``estimate_mi(X, y)`` on its defaults gives, next to torch_mist's SMILE.

Run from the repository root::

    python benchmarks/bench_auto.py cases --out /tmp/auto-cases   # ~5 min on 2 cores
    /tmp/benchenv/bin/python benchmarks/bench_auto.py suite --out /tmp/auto-suite
    python benchmarks/bench_auto.py suite --quick        # 6 tasks, 2 seeds of nothing else

(``/tmp/benchenv`` has torch_mist: see ``bench_training.py``. Without it the suite runs
skmist alone and prints no time ratio.)

1. ``suite``: the 40 "Beyond Normal" tasks of :mod:`skmist.datasets`, n = 10,000 rows
   each, as a new user runs them: ``estimate_mi(x, y, random_state=seed,
   verbose=False)``, which picks the estimator, holds out 20 % where it trains, and
   computes the standard error; its wall time includes all of that. Next to it, on
   the same rows, torch_mist's SMILE (``hidden_dims=[128, 64]``, batch 128, 5000
   steps, no early stopping, trained on the first 8,000 rows and evaluated on the last
   2,000), the peer's own front door. The two are interleaved task by task with one
   torch thread each, so load from other processes hits both alike; the time ratio
   is formed per task. Rows go to ``OUT/auto.csv`` (rows already there are not run
   again); the summary prints as markdown: tasks within max(0.1 nats, 10 %) of the
   truth, within the ratio 1.5 either way, MAE, median time and the median of the
   per-task time ratios, overall and for each estimator the rule picked.

2. ``cases``: data of kinds outside the suite, with their true MI (closed forms, a
   one-dimensional integral, or 200,000-400,000 Monte Carlo draws of the true log
   density ratio): class labels against 10-50 features, independence in 10 + 10
   dimensions and with Cauchy tails, monotone-transformed marginals, a sharp-edged 1-D
   channel, mixtures whose components cancel in the covariance, integer-valued
   features, a Cauchy signal in Cauchy noise, Cauchy and Student-t signals in Gaussian
   noise, class labels shifting features of Cauchy and Laplace noise, MI of 5-6 nats
   in 5-10 dimensions, and small samples (n = 300-1500, and 5000 rows for 30 + 30
   columns), a column of named classes, duplicated records, a y of a few
   fractional grades, a rounded and a count target against 100-200 columns, and class
   labels from 500-600 rows. Each
   row says
   whether the estimate is within tolerance and whether it came with a caveat
   (``MIResult.caveats``): a case is acceptable when it is right or warned. The
   markdown table goes to ``OUT/cases.md``.
"""

import argparse
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch
from scipy import integrate, special, stats

import skmist
from skmist.benchmark import within_tolerance
from skmist.datasets import get_task, list_tasks

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_training import load_torch_mist, quiet  # noqa: E402

TM_STEPS = 5000
QUICK_TASKS = [
    "1v1-normal-0.75", "student-identity-2-2-1", "multinormal-sparse-3-3-2-2.0",
    "multinormal-sparse-5-5-2-2.0", "student-identity-5-5-3", "multinormal-dense-25-25-0.5",
]


# --- 1. the suite ------------------------------------------------------------------------


def skmist_auto(x, y, seed):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = skmist.estimate_mi(x, y, random_state=seed, verbose=False)
    return {
        "estimate": result.value, "std_error": result.std_error,
        "chosen": type(result.estimator).__name__, "caveats": len(result.caveats),
        "seconds": time.perf_counter() - start,
    }


def torch_mist_smile(tm, x, y, seed, steps):
    torch.manual_seed(seed)
    n_fit = int(0.8 * len(x))
    x, y = x.astype(np.float32), y.astype(np.float32)
    start = time.perf_counter()
    with quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = tm["estimate_mi"](
            data=(x[:n_fit], y[:n_fit]), test_data=(x[n_fit:], y[n_fit:]),
            estimator="smile", hidden_dims=[128, 64], batch_size=128,
            max_iterations=steps, early_stopping=False, valid_percentage=0,
            verbose=False, logger=False,
        )
    return {"tm_estimate": float(value), "tm_seconds": time.perf_counter() - start}


def run_suite(out, seed, quick):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "auto.csv")
    done = pd.read_csv(path) if os.path.exists(path) else pd.DataFrame(columns=["task"])
    tm = load_torch_mist()
    steps = 200 if quick else TM_STEPS
    tasks = QUICK_TASKS if quick else list_tasks()
    for name in tasks:
        if name in set(done["task"]):
            continue
        task = get_task(name)
        x, y = task.sample(10_000, random_state=seed)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        row = {"task": name, "true_mi": task.mi, "seed": seed, **skmist_auto(x, y, seed)}
        if tm:
            row.update(torch_mist_smile(tm, x, y, seed, steps))
        pd.DataFrame([row]).to_csv(path, mode="a", header=not os.path.exists(path),
                                   index=False)
        print(f"{name}: {row['estimate']:.3f} (truth {task.mi:.3f}) by {row['chosen']} "
              f"in {row['seconds']:.1f} s"
              + (f"; torch_mist {row['tm_estimate']:.3f} in {row['tm_seconds']:.1f} s"
                 if tm else ""), flush=True)
    report_suite(pd.read_csv(path))


def _summary_row(label, df, estimate, seconds):
    truth = df["true_mi"].to_numpy()
    values = df[estimate].to_numpy()
    within = within_tolerance(values, truth)
    ratio = values / truth
    cells = [label, f"{int(within.sum())} / {len(df)}",
             f"{int(((ratio >= 1 / 1.5) & (ratio <= 1.5)).sum())} / {len(df)}",
             f"{np.mean(np.abs(values - truth)):.3f}", f"{df[seconds].median():.2f}"]
    if "tm_seconds" in df:
        cells.append(f"{(df[seconds] / df['tm_seconds']).median():.2f}")
    return "| " + " | ".join(cells) + " |"


def report_suite(df):
    has_peer = "tm_seconds" in df
    header = ("| | within max(0.1, 10%) | within 1.5x | MAE (nats) | median time (s) |"
              + (" median time / torch_mist's |" if has_peer else ""))
    rows = [header, "|---|---:|---:|---:|---:|" + ("---:|" if has_peer else "")]
    rows.append(_summary_row("`estimate_mi` defaults, all tasks", df, "estimate", "seconds"))
    for chosen, group in df.groupby("chosen"):
        rows.append(_summary_row(f"... the {len(group)} tasks given to `{chosen}`", group,
                                 "estimate", "seconds"))
    if has_peer:
        rows.append(_summary_row(f"torch_mist SMILE, {TM_STEPS} steps", df, "tm_estimate",
                                 "tm_seconds"))
    print("\n".join(rows))
    misses = df[~within_tolerance(df["estimate"].to_numpy(), df["true_mi"].to_numpy())]
    if len(misses):
        print("\nOutside the tolerance: " + "; ".join(
            f"{r.task} {r.estimate:.3f} for {r.true_mi:.3f} ({r.chosen})"
            for r in misses.itertuples()))


# --- 2. cases outside the suite ------------------------------------------------------------


def gaussian_pair(n, dx, dy, mi, rng):
    """x, y Gaussian with the MI spread evenly over min(dx, dy) correlated pairs."""
    k = min(dx, dy)
    rho = math.sqrt(1 - math.exp(-2 * mi / k))
    x, y = rng.normal(size=(n, dx)), rng.normal(size=(n, dy))
    y[:, :k] = rho * x[:, :k] + math.sqrt(1 - rho**2) * y[:, :k]
    return x, y


def gaussian_classes(n, n_features, n_classes, separation, rng, mc=400_000):
    """Labels with Gaussian class-conditional features (shared identity covariance)."""
    return noisy_classes(n, n_features, n_classes, separation, stats.norm(), rng, mc)


def cancelling_mixture(n, d, rho, rng, mc=400_000):
    """Half the rows with correlation +rho per pair, half with -rho: the covariance is
    the identity (a Gaussian or linear estimator sees nothing), the MI is not 0."""
    def draw(m):
        x = rng.normal(size=(m, d))
        sign = np.where(rng.random(m) < 0.5, 1.0, -1.0)[:, None]
        return x, sign * rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(m, d))

    def log_joint(x, y):
        parts = [stats.norm.logpdf(y, s * rho * x, math.sqrt(1 - rho**2)).sum(1)
                 for s in (1.0, -1.0)]
        return np.logaddexp(*parts) - math.log(2) + stats.norm.logpdf(x).sum(1)

    x_mc, y_mc = draw(mc)
    marginals = stats.norm.logpdf(x_mc).sum(1) + stats.norm.logpdf(y_mc).sum(1)
    truth = float(np.mean(log_joint(x_mc, y_mc) - marginals))
    x, y = draw(n)
    return x, y, truth


def _mixture_entropy(weights, means, sd):
    """Differential entropy of a 1-D Gaussian mixture with a common sd, by quadrature."""
    def integrand(t):
        p = float(np.sum(weights * stats.norm.pdf(t, means, sd)))
        return -p * math.log(p) if p > 0 else 0.0

    return integrate.quad(integrand, means.min() - 12 * sd, means.max() + 12 * sd,
                          limit=1000, points=list(means))[0]


def integer_features(n, rng):
    """Four binomial counts and one Gaussian column; y is their sum plus noise, so
    I(X; y) = h(y) - h(noise), a 1-D integral."""
    m, p, noise = 4, 0.3, 0.5
    counts = rng.binomial(m, p, size=(n, 4))
    c = rng.normal(size=(n, 1))
    y = counts.sum(1) + c[:, 0] + noise * rng.normal(size=n)
    support = np.arange(4 * m + 1)
    h_y = _mixture_entropy(stats.binom.pmf(support, 4 * m, p), support.astype(float),
                           math.sqrt(1 + noise**2))
    return np.hstack([counts, c]), y, h_y - 0.5 * math.log(2 * math.pi * math.e * noise**2)


def string_classes(n, rng):
    """A DataFrame of a column of 6 named classes, each shifting y by its own mean, and
    a noise column; I = h(y) - h(noise), a 1-D integral."""
    means, sd = np.array([-1.5, -0.5, 0.0, 0.5, 1.0, 2.0]), 0.5
    codes = rng.integers(len(means), size=n)
    names = np.array(["north", "south", "east", "west", "up", "down"])
    x = pd.DataFrame({"region": names[codes], "noise": rng.normal(size=n)})
    y = means[codes] + sd * rng.normal(size=n)
    h_y = _mixture_entropy(np.full(len(means), 1 / len(means)), means, sd)
    return x, y, h_y - 0.5 * math.log(2 * math.pi * math.e * sd**2)


def cases(seed):
    """``[(name, x, y, truth)]``."""
    rng = np.random.default_rng(seed)
    out = []
    for n_features, n_classes in ((10, 5), (20, 10), (50, 10)):
        x, y, truth = gaussian_classes(6000, n_features, n_classes, 3.0, rng)
        out.append((f"{n_classes} classes vs {n_features} Gaussian features", x, y, truth))
    out.append(("independent Gaussians 10 + 10", *gaussian_pair(5000, 10, 10, 0.0, rng), 0.0))
    out.append(("independent Cauchy 5 + 5", rng.standard_cauchy((5000, 5)),
                rng.standard_cauchy((5000, 5)), 0.0))
    x, y = gaussian_pair(5000, 3, 3, 1.0, rng)
    out.append(("exp / cube of a Gaussian pair 3 + 3 (MI 1)", np.exp(2 * x), y**3, 1.0))
    x, y = gaussian_pair(10_000, 5, 5, 1.0, rng)
    out.append(("sinh / arctan of a Gaussian pair 5 + 5 (MI 1)", np.sinh(3 * x),
                np.arctan(y), 1.0))
    a = 0.5
    x = rng.random((5000, 1))
    out.append((f"uniform x + uniform noise of width {a} (1-D)", x,
                x[:, 0] + a * rng.random(5000), a / 2 - math.log(a)))
    for rho in (0.7, 0.9):
        out.append((f"cancelling mixture 5 + 5, rho {rho}",
                    *cancelling_mixture(10_000, 5, rho, rng)))
    out.append(("integer features (4 counts + 1 Gaussian)", *integer_features(5000, rng)))
    for d in (2, 8):
        # I = h(Y) - h(Y | X) = log(4 pi 2) - log(4 pi) per column: Y_j is Cauchy(0, 2).
        x = rng.standard_cauchy((10_000, d))
        out.append((f"Cauchy x + Cauchy noise {d} + {d} (MI {d} log 2)", x,
                    x + rng.standard_cauchy((10_000, d)), d * math.log(2)))
    out.append(("Gaussian 5 + 5, MI 5", *gaussian_pair(10_000, 5, 5, 5.0, rng), 5.0))
    out.append(("Gaussian 10 + 10, MI 6", *gaussian_pair(10_000, 10, 10, 6.0, rng), 6.0))
    for n, dx, dy, mi in ((300, 5, 5, 1.0), (442, 10, 1, 0.22), (1000, 5, 5, 1.0),
                          (1500, 10, 10, 0.5), (1000, 10, 1, 0.0)):
        out.append((f"small: Gaussian {dx} + {dy}, MI {mi}, n = {n}",
                    *gaussian_pair(n, dx, dy, mi, rng), mi))
    # Enough rows for MMG by the rule, too few for 60 columns.
    out.append(("Gaussian 30 + 30, MI 2, n = 5000", *gaussian_pair(5000, 30, 30, 2.0, rng),
                2.0))
    out.append(("a column of 6 named classes + 1 noise column", *string_classes(3000, rng)))
    x, y = gaussian_pair(2000, 10, 10, 0.5, rng)
    out.append(("duplicated records: 2000 rows of 10 + 10 (MI 0.5) three times",
                np.repeat(x, 3, 0), np.repeat(y, 3, 0), 0.5))
    out.append(("small: Gaussian 3 + 3, MI 2.3, n = 500",
                *gaussian_pair(500, 3, 3, 2.3, rng), 2.3))
    # y's grade 0.5, 1.5 or 2.5 by the thirds of x's first column: I = H(grade).
    x = rng.normal(size=(5000, 2))
    p = np.diff(np.r_[0, stats.norm.cdf([-0.5, 0.5]), 1])
    out.append(("a y of 3 grades (0.5, 1.5, 2.5) of 2 Gaussian features", x,
                np.digitize(x[:, 0], [-0.5, 0.5]) + 0.5, float(-(p * np.log(p)).sum())))
    # A noiseless function of x has infinite MI: no estimate is right, a warned one is.
    x = rng.normal(size=(10_000, 8))
    out.append(("a function: y = x^3 of 4 of 8 Gaussian columns", x, x[:, :4] ** 3,
                math.inf))
    # Rows that are a time series: the values of two independent random walks.
    walks = np.cumsum(rng.normal(size=(2000, 2)), axis=0)
    out.append(("two independent random walks, n = 2000", walks[:, :1], walks[:, 1], 0.0))
    out.append(("binary features: y = the sum of 20 + noise", *binary_sum(10_000, 20, 0.5, rng)))
    # A heavy-tailed signal under light Gaussian noise: its dependence sits in the tails.
    for name, signal, d in (("Cauchy", stats.cauchy(), 4), ("Student-t (2 df)", stats.t(2), 5)):
        x = signal.rvs(size=(10_000, d), random_state=rng)
        out.append((f"{name} x + Gaussian noise {d} + {d}", x,
                    x + rng.normal(size=(10_000, d)), d * _gaussian_noise_mi(signal.pdf)))
    for name, noise in (("Cauchy", stats.cauchy()), ("Laplace", stats.laplace())):
        out.append((f"5 classes vs 10 features of {name} noise",
                    *noisy_classes(6000, 10, 5, 3.0, noise, rng)))
    # A target of one column against many features, the regression setting.
    out.append(("y = x_1 + noise among 200 Gaussian features, n = 2000",
                *gaussian_pair(2000, 200, 1, 0.5 * math.log(2), rng), 0.5 * math.log(2)))
    for d, mi in ((20, 0.83), (30, 0.5)):
        out.append((f"y linear in {d} Gaussian features (all weighted), MI {mi}, n = 5000",
                    *spread_target(5000, d, mi, rng), mi))
    x, y, truth = binary_sum(1500, 8, 1.0, rng)
    out.append(("80 binary features, y = the sum of 8 + noise, n = 1500",
                np.hstack([x, (rng.random((1500, 72)) < 0.5).astype(float)]), y, truth))
    # Targets with ties: rounded (I(x; round(y)) is within 0.005 of I(x; y) at this
    # spread) and counts.
    x, y = gaussian_pair(2000, 200, 1, 0.5 * math.log(2), rng)
    out.append(("y = x_1 + noise among 200 features, y rounded to 0.1, n = 2000", x,
                np.round(y[:, 0], 1), 0.5 * math.log(2)))
    out.append(("a Poisson count (mean about 13) of 5 of 100 features, n = 1500",
                *poisson_count(1500, 100, rng)))
    # Class labels from few rows, where the network fits noise.
    out.append(("small: 6 Gaussian classes vs 25 features, n = 600",
                *gaussian_classes(600, 25, 6, 3.0, rng)))
    out.append(("small: 2 classes vs 10 features of Cauchy noise, n = 500",
                *noisy_classes(500, 10, 2, 2.5, stats.cauchy(), rng)))
    return out


def poisson_count(n, n_features, rng, mc=50_000):
    """y ~ Poisson(exp(2.5 + 0.35 (x_1 + ... + x_5))); I = H(y) - E[H(y | x)], over
    ``mc`` Monte Carlo draws of the 5 columns (H(y) from their mean pmf)."""
    w = np.full(5, 0.35)
    support = np.arange(400)
    pmf = stats.poisson.pmf(support[None], np.exp(2.5 + rng.normal(size=(mc, 5)) @ w)[:, None])

    def entropy(p):
        return -special.xlogy(p, p).sum(-1)

    truth = float(entropy(pmf.mean(0)) - entropy(pmf).mean())
    x = rng.normal(size=(n, n_features))
    return x, rng.poisson(np.exp(2.5 + x[:, :5] @ w)).astype(float), truth


def spread_target(n, d, mi, rng):
    """x of d Gaussian columns and y = rho x.b + noise for a random unit b."""
    x = rng.normal(size=(n, d))
    b = rng.normal(size=d)
    rho = math.sqrt(1 - math.exp(-2 * mi))
    return x, rho * x @ (b / np.linalg.norm(b)) + math.sqrt(1 - rho**2) * rng.normal(size=n)


def noisy_classes(n, n_features, n_classes, separation, noise, rng, mc=200_000):
    """Labels shifting features of i.i.d. ``noise`` (a scipy distribution); the truth
    is H(Y) - E[-log p(y | x)] by Monte Carlo over the noise's log density."""
    means = separation * rng.normal(size=(n_classes, n_features)) / math.sqrt(n_features)

    def draw(m):
        labels = rng.integers(n_classes, size=m)
        return means[labels] + noise.rvs(size=(m, n_features), random_state=rng), labels

    x_mc, y_mc = draw(mc)
    log_lik = np.stack([noise.logpdf(x_mc - mu).sum(1) for mu in means], 1)
    truth = math.log(n_classes) + float(np.mean(
        log_lik[np.arange(mc), y_mc] - special.logsumexp(log_lik, axis=1)))
    x, y = draw(n)
    return x, y, truth


def _gaussian_noise_mi(pdf):
    """I(S; S + N) = h(S + N) - h(N) for a symmetric 1-D signal density ``pdf`` and
    standard Gaussian noise N: p(s + n) by Gauss-Hermite quadrature over n, h by quad."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    weights = weights / weights.sum()

    def integrand(t):
        p = float(np.sum(weights * pdf(t - nodes)))
        return -p * math.log(p) if p > 0 else 0.0

    h_sum = 2 * integrate.quad(integrand, 0, np.inf, limit=1000)[0]
    return h_sum - 0.5 * math.log(2 * math.pi * math.e)


def binary_sum(n, d, sd, rng):
    """d binary columns and y their sum plus Gaussian noise; I = h(y) - h(noise), a
    1-D integral over the binomial mixture."""
    x = (rng.random((n, d)) < 0.5).astype(float)
    counts = np.arange(d + 1)
    h_y = _mixture_entropy(stats.binom.pmf(counts, d, 0.5), counts, sd)
    return x, x.sum(1) + sd * rng.normal(size=n), h_y - 0.5 * math.log(2 * math.pi * math.e * sd**2)


def run_cases(out, seed):
    rows = ["| case | true MI | estimate | estimator | within tolerance | caveats | "
            "right or warned | time (s) |", "|---|---:|---:|---|---|---:|---|---:|"]
    for name, x, y, truth in cases(seed):
        result = skmist_auto(x, y, seed)
        ok = bool(within_tolerance([result["estimate"]], [truth])[0])
        rows.append(
            f"| {name} | {truth:.3f} | {result['estimate']:.3f} ± "
            f"{result['std_error'] or 0:.3f} | `{result['chosen']}` | "
            f"{'yes' if ok else 'no'} | {result['caveats']} | "
            f"{'yes' if ok or result['caveats'] else '**no**'} | "
            f"{result['seconds']:.1f} |")
        print(rows[-1], flush=True)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cases.md"), "w") as table:
        table.write("\n".join(rows) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["suite", "cases"])
    parser.add_argument("--out", default="/tmp/auto-suite")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.what == "suite":
        run_suite(args.out, args.seed, args.quick)
    else:
        run_cases(args.out, args.seed)


if __name__ == "__main__":
    main()
