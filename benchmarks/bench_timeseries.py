"""Transfer entropy against its closed form on Gaussian VAR processes, and against JIDT.

Run from the repository root::

    python benchmarks/bench_timeseries.py            # n = 1000, 5000, 20,000; 3 seeds
    python benchmarks/bench_timeseries.py --quick    # n = 1000, 5000; 1 seed
    python benchmarks/bench_timeseries.py --jidt path/to/infodynamics.jar   # and JIDT

Two tables, printed as markdown:

1. ``skmist.timeseries.transfer_entropy`` (``estimator="auto"``: the Frenzel-Pompe
   estimate, ``ConditionalKSGEstimator``, k = 3) on x_t = 0.5 x_{t-1} + e,
   y_t = 0.5 y_{t-1} + c x_{t-1} + e' for couplings c, against
   ``var_transfer_entropy`` (the closed form from the stationary covariance); the
   reverse direction, y -> x, is 0 for every c. Mean and standard deviation over seeds,
   the mean of the reported standard errors, the time of the estimate alone and of the
   whole call (its standard error reruns the estimate on random halves). With ``--jidt``,
   JIDT's ``TransferEntropyCalculatorKraskov`` (KSG algorithm 1, k = 3, target history
   1, one thread) on the same paths.
2. The permutation test's calibration where the null holds (x and y independent): the
   share of p-values (19 surrogates) at or below 0.05 and 0.1, uniform p-values giving
   0.05 and 0.1. Two nulls: independent AR(1) pairs (coefficient 0.8), and a smooth x
   (AR(1), 0.95) with an AR(2) y (1.5, -0.6) whose one-step history leaves its residual
   autocorrelated. skmist shifts the source circularly; JIDT's ``computeSignificance``
   shuffles the source's rows.

JIDT is the jar inside IDTxl's wheels (IDTxl itself is not on PyPI; ``pip download
idtxl-uv --no-deps`` and unzip ``idtxl/infodynamics.jar``), driven through ``jpype1``
and a Java runtime; without them the JIDT columns are left out.
The machine's cores are shared with whatever else runs: compare rows of one run.
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone

from skmist.timeseries import sample_var, transfer_entropy, var_transfer_entropy


def coupled(c):
    return [[0.5, 0.0], [c, 0.5]]


class JIDT:
    """JIDT's Kraskov transfer entropy through jpype, or None when it cannot start."""

    @classmethod
    def start(cls, jar):
        if jar is None:
            return None, "no --jidt jar given"
        try:
            import jpype
        except ImportError:
            return None, "jpype1 is not installed"
        if not jpype.isJVMStarted():
            jpype.startJVM(classpath=[jar])
        return cls(jpype), None

    def __init__(self, jpype):
        self.jpype = jpype
        self.calculator = jpype.JClass(
            "infodynamics.measures.continuous.kraskov.TransferEntropyCalculatorKraskov")

    def _calculator(self, source, target):
        calc = self.calculator()
        for key, value in {"k": "3", "k_HISTORY": "1", "DELAY": "1",
                           "NUM_THREADS": "1"}.items():
            calc.setProperty(key, value)
        calc.initialise()
        array = self.jpype.JArray(self.jpype.JDouble)
        calc.setObservations(array(source.tolist()), array(target.tolist()))
        return calc

    def te(self, source, target):
        return float(self._calculator(source, target).computeAverageLocalOfObservations())

    def p_value(self, source, target, n_permutations):
        calc = self._calculator(source, target)
        calc.computeAverageLocalOfObservations()
        return float(calc.computeSignificance(n_permutations).pValue)


def te_table(sizes, couplings, seeds, jidt):
    rows = []
    for n in sizes:
        for c in couplings:
            coefs = coupled(c)
            truth = var_transfer_entropy(coefs, 1.0, source=0, target=1)
            runs = []
            for seed in range(seeds):
                v = sample_var(coefs, 1.0, n, random_state=seed)
                start = time.perf_counter()
                result = transfer_entropy(v[:, 0], v[:, 1], random_state=seed)
                whole = time.perf_counter() - start
                # The estimate alone: the fitted estimator refitted on the lagged rows.
                rows_xz, y = np.column_stack([v[:-1, 0], v[:-1, 1]]), v[1:, 1]
                start = time.perf_counter()
                clone(result.estimator).fit(rows_xz, y)
                alone = time.perf_counter() - start
                run = {"value": result.value, "error": result.std_error,
                       "reverse": transfer_entropy(v[:, 1], v[:, 0], random_state=seed).value,
                       "alone": alone, "whole": whole}
                if jidt is not None:
                    start = time.perf_counter()
                    run["jidt"] = jidt.te(v[:, 0], v[:, 1])
                    run["jidt_time"] = time.perf_counter() - start
                runs.append(run)
            runs = pd.DataFrame(runs)
            row = {
                "c": c, "n": n, "true TE": truth, "skmist": runs["value"].mean(),
                "bias": runs["value"].mean() - truth,
                "sd": runs["value"].std() if seeds > 1 else np.nan,
                "mean std_error": runs["error"].mean(), "y->x (true 0)": runs["reverse"].mean(),
                "s estimate": runs["alone"].mean(), "s with std_error": runs["whole"].mean(),
            }
            if jidt is not None:
                row.update({"JIDT": runs["jidt"].mean(),
                            "JIDT bias": runs["jidt"].mean() - truth,
                            "JIDT s": runs["jidt_time"].mean()})
            rows.append(row)
    return pd.DataFrame(rows)


NULLS = {
    "AR(1) 0.8 and AR(1) 0.8": np.diag([0.8, 0.8]),
    "AR(1) 0.95 and AR(2) 1.5, -0.6": np.array([[[0.95, 0.0], [0.0, 1.5]],
                                                [[0.0, 0.0], [0.0, -0.6]]]),
}


def calibration_table(sizes, repeats, jidt):
    rows = []
    for name, coefs in NULLS.items():
        for n in sizes:
            p = {"skmist (circular shifts)": [], "JIDT (shuffles)": []}
            for seed in range(repeats):
                v = sample_var(coefs, 1.0, n, random_state=1000 + seed)
                p["skmist (circular shifts)"].append(transfer_entropy(
                    v[:, 0], v[:, 1], n_permutations=19, random_state=1000 + seed).p_value)
                if jidt is not None:
                    p["JIDT (shuffles)"].append(jidt.p_value(v[:, 0], v[:, 1], 19))
            for method, values in p.items():
                if not values:
                    continue
                values = np.asarray(values)
                rows.append({"null": name, "n": n, "test": method, "repeats": repeats,
                             "mean p": values.mean(), "P(p <= 0.05)": np.mean(values <= 0.05),
                             "P(p <= 0.1)": np.mean(values <= 0.1)})
    return pd.DataFrame(rows)


def markdown(frame):
    def cell(value):
        if isinstance(value, float):
            return "" if np.isnan(value) else f"{value:.3f}"
        return f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 1000, 5000; 1 seed")
    parser.add_argument("--jidt", default=os.environ.get("JIDT_JAR"),
                        help="path of JIDT's infodynamics.jar (default: $JIDT_JAR)")
    parser.add_argument("--tables", default="te,calibration",
                        help="which tables: te, calibration or both (default)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    jidt, why = JIDT.start(args.jidt)
    sizes = [1000, 5000] if args.quick else [1000, 5000, 20_000]
    seeds = 1 if args.quick else 3
    print(f"CPU cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}, "
          f"JIDT: {'yes' if jidt else 'no (' + why + ')'}")
    if "te" in args.tables.split(","):
        print(f"\nTransfer entropy x -> y (nats), mean over {seeds} seed(s); times in "
              "seconds per call\n")
        print(markdown(te_table(sizes, [0.0, 0.2, 0.5, 0.8], seeds, jidt)))
    if "calibration" in args.tables.split(","):
        print("\nPermutation tests where the null holds (19 surrogates)\n")
        print(markdown(calibration_table([500], 40 if args.quick else 100, jidt)))


if __name__ == "__main__":
    main()
