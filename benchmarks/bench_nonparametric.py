"""Speed of skmist's KSG against scikit-learn, a plain O(n^2) NumPy KSG and NPEET.

Run from the repository root::

    python benchmarks/bench_nonparametric.py            # all cases, a markdown table
    python benchmarks/bench_nonparametric.py --quick    # n = 10,000 cases only

NPEET is optional (``pip install --target /tmp/npeet npeet-plus``, then
``--npeet-path /tmp/npeet_only``, a folder holding only its ``npeet_plus`` package, so
that its pinned numpy does not shadow the environment's). Every row reports the
estimates next to the times: a speed-up only counts at the same estimate.

Cases:

* 1-D x and y, n = 10k and 100k: ``functional.ksg`` against
  ``mutual_info_regression`` on one feature (which scales by the standard deviation and
  adds 1e-10 noise first, so skmist is run on the same preprocessed data) and against
  ``_compute_mi_cc``, scikit-learn's KSG itself.
* 5-d x and y, n = 10k: against a vectorised O(n^2) NumPy KSG (below) and NPEET's
  ``mi``; the torch backend on the CPU (and on CUDA when there is one) too.
* 1-D, n = 1,000,000: time and peak memory, in a subprocess of its own.
"""

import argparse
import json
import math
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import torch
from scipy.special import digamma
from sklearn.feature_selection import mutual_info_regression
from sklearn.feature_selection._mutual_info import _compute_mi_cc

import skmist.functional as F


def correlated(n, d, rho=0.6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal((n, d))
    return x, y


def sklearn_preprocessed(x, y, random_state=0):
    """x, y (n,) as mutual_info_regression(x[:, None], y, random_state=0) sees them."""
    rng = np.random.RandomState(random_state)
    n = x.shape[0]
    x = x / np.std(x)
    x = x + 1e-10 * max(1.0, np.mean(np.abs(x))) * rng.standard_normal(size=(n, 1))[:, 0]
    y = y / np.std(y)
    y = y + 1e-10 * max(1.0, np.mean(np.abs(y))) * rng.standard_normal(size=n)
    return x, y


def numpy_ksg(x, y, k=3, rows=200):
    """KSG variant 1 by brute force: all n^2 max-norm distances, ``rows`` at a time."""
    n = x.shape[0]
    n_x = np.empty(n)
    n_y = np.empty(n)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        d_x = np.abs(x[start:stop, None, :] - x[None, :, :]).max(axis=-1)
        d_y = np.abs(y[start:stop, None, :] - y[None, :, :]).max(axis=-1)
        d_xy = np.maximum(d_x, d_y)
        d_xy[np.arange(stop - start), np.arange(start, stop)] = np.inf
        radius = np.partition(d_xy, k - 1, axis=1)[:, k - 1 : k]
        n_x[start:stop] = (d_x < radius).sum(axis=1) - 1
        n_y[start:stop] = (d_y < radius).sum(axis=1) - 1
    return digamma(k) + digamma(n) - np.mean(digamma(n_x + 1) + digamma(n_y + 1))


def best_time(fn, repeat):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), float(value)


def best_times(fns, repeat):
    """Best-of-``repeat`` times of several functions, interleaved so that load from other
    processes on a shared machine hits them alike."""
    results = [[] for _ in fns]
    for _ in range(repeat):
        for fn, result in zip(fns, results):
            result.append(best_time(fn, 1))
    return [min(result) for result in results]


def row(rows, case, ours, reference, ours_label="skmist"):
    (t_ours, v_ours), (name, (t_ref, v_ref)) = ours, reference
    rows.append(
        f"| {case} | {ours_label} {t_ours:.3f} s | {name} {t_ref:.3f} s | "
        f"**{t_ref / t_ours:.1f}x** | {v_ours:.6f} / {v_ref:.6f} |"
    )
    print(rows[-1], flush=True)


def one_d_cases(rows, sizes):
    for n in sizes:
        x, y = correlated(n, 1, seed=n)
        x, y = x[:, 0], y[:, 0]
        xs, ys = sklearn_preprocessed(x, y)
        repeat = 7 if n <= 10_000 else 5
        ours, ref, cc = best_times(
            [
                lambda: F.ksg(torch.from_numpy(xs), torch.from_numpy(ys)),
                lambda: mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)[0],
                lambda: _compute_mi_cc(xs, ys, 3),
            ],
            repeat,
        )
        row(rows, f"1-D, n={n:,}", ours, ("mutual_info_regression", ref))
        row(rows, f"1-D, n={n:,}", ours, ("_compute_mi_cc", cc))


def five_d_cases(rows, npeet_path):
    n, d = 10_000, 5
    x, y = correlated(n, d, rho=0.5, seed=5)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    ours = best_time(lambda: F.ksg(tx, ty), 3)
    naive = best_time(lambda: numpy_ksg(x, y), 1)
    row(rows, f"5-D, n={n:,}", ours, ("O(n^2) NumPy KSG", naive))
    torch_cpu = best_time(lambda: F.ksg(tx, ty, backend="torch"), 1)
    row(rows, f"5-D, n={n:,}", torch_cpu, ("O(n^2) NumPy KSG", naive), "skmist torch-CPU")
    if torch.cuda.is_available():
        cx, cy = tx.cuda(), ty.cuda()
        F.ksg(cx[:100], cy[:100])  # CUDA context and kernels warm-up
        cuda = best_time(lambda: float(F.ksg(cx, cy)), 3)
        row(rows, f"5-D, n={n:,}", cuda, ("O(n^2) NumPy KSG", naive), "skmist CUDA")
    if npeet_path:
        sys.path.insert(0, npeet_path)
        try:
            from npeet_plus import mi as npeet_mi
        except ImportError as error:
            print(f"NPEET not importable from {npeet_path}: {error}")
            return
        np.random.seed(0)  # NPEET adds its own 1e-10 noise from the global RNG
        ours, npeet = best_times(
            [lambda: F.ksg(tx, ty), lambda: npeet_mi(x, y, k=3, base=math.e)], 3
        )
        row(rows, f"5-D, n={n:,}", ours, ("NPEET mi", npeet))
        if torch.cuda.is_available():
            row(rows, f"5-D, n={n:,}", cuda, ("NPEET mi", npeet), "skmist CUDA")


def one_million_child():
    """Runs in a fresh process: time and peak memory of KSG on 1-D n = 10^6."""
    n = 1_000_000
    x, y = correlated(n, 1, seed=1)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    F.ksg(tx[:1000], ty[:1000])  # first-call costs (imports, thread pools) out
    rss_before = _proc_status_mib("VmRSS")
    _reset_peak_rss()
    tracemalloc.start()
    start = time.perf_counter()
    value = float(F.ksg(tx, ty))
    elapsed = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({
        "n": n, "seconds": elapsed, "mi": value,
        "rss_before_mib": rss_before, "peak_rss_mib": _proc_status_mib("VmHWM"),
        "tracemalloc_peak_mib": traced_peak / 2**20,
    }))


def _proc_status_mib(field):
    """A memory field of /proc/self/status (Linux), in MiB; NaN elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _reset_peak_rss():
    # Writing 5 to clear_refs resets VmHWM, the peak RSS, to the current RSS (Linux).
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def one_million_case(rows):
    out = subprocess.run(
        [sys.executable, __file__, "--one-million-child"], capture_output=True, text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    n2_gib = r["n"] ** 2 * 8 / 2**30
    rows.append(
        f"| 1-D, n={r['n']:,} | skmist {r['seconds']:.2f} s | peak RSS during the call "
        f"{r['peak_rss_mib']:.0f} MiB, of which {r['rss_before_mib']:.0f} MiB before it "
        f"(interpreter, torch, data); NumPy peak (tracemalloc) "
        f"{r['tracemalloc_peak_mib']:.0f} MiB; an n x n float64 matrix would be "
        f"{n2_gib:,.0f} GiB | | {r['mi']:.6f} |"
    )
    print(rows[-1], flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10,000 cases only")
    parser.add_argument("--npeet-path", default=None, help="folder holding npeet_plus")
    parser.add_argument("--one-million-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_million_child:
        one_million_child()
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"CUDA: {torch.cuda.is_available()}")
    rows = [
        "| case | skmist | reference | speed-up | estimates (skmist / reference, nats) |",
        "| --- | --- | --- | --- | --- |",
    ]
    print("\n".join(rows))
    one_d_cases(rows, [10_000] if args.quick else [10_000, 100_000])
    five_d_cases(rows, args.npeet_path)
    if not args.quick:
        one_million_case(rows)
    print("\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
