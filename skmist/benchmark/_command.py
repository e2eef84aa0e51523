"""``python -m skmist.benchmark``: run estimators on the tasks, write the CSV, table and plots."""

import argparse
import os
import sys

from .._estimate import parse_test_size
from ..datasets import list_tasks
from ._estimators import estimator_names
from ._report import to_markdown, write_report
from ._runner import PROTOCOLS, run

__all__ = ["add_arguments", "main"]


def add_arguments(parser):
    """Add the benchmark's options to ``parser`` (also for a ``skmist benchmark`` subcommand).

    Parameters
    ----------
    parser : argparse.ArgumentParser

    Returns
    -------
    argparse.ArgumentParser
    """
    parser.add_argument("--estimators", default="ksg,gaussian,smile,infonce",
                        help="comma-separated estimator names, or 'all' (default: "
                             "%(default)s); --list shows them")
    parser.add_argument("--tasks", default="all",
                        help="comma-separated task names, or 'all' for the standard 40 "
                             "(default)")
    parser.add_argument("--n-samples", type=int, default=10_000,
                        help="samples drawn per task and seed (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="number of seeds, 0..k-1 (default: %(default)s)")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="held-out",
                        help="held-out: fit on a training split, score on the rest "
                             "(default); all: fit and score on all samples")
    parser.add_argument("--test-size", type=_test_size, default=0.5,
                        help="held-out fraction for --protocol held-out (default: "
                             "%(default)s)")
    parser.add_argument("--device", default=None,
                        help="device for estimators that have one (cpu, cuda, auto); "
                             "default: each estimator's own")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="rows run in parallel with joblib (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch/BLAS threads per fit; 0 leaves them as they are "
                             "(default: %(default)s)")
    parser.add_argument("--out", default="results",
                        help="output directory for results.csv, results.md and the "
                             "plots; an existing results.csv is resumed (default: "
                             "%(default)s)")
    parser.add_argument("--no-plots", action="store_true", help="skip the plots")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--list", action="store_true",
                        help="list the estimator and task names, and exit")
    return parser


def main(argv=None, *, prog="python -m skmist.benchmark"):
    """Run the benchmark from command-line arguments; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Defaults to ``sys.argv[1:]``.
    prog : str, default="python -m skmist.benchmark"
        The command's name in ``--help`` and errors (``skmist benchmark`` passes its own).

    Returns
    -------
    int
    """
    parser = add_arguments(argparse.ArgumentParser(
        prog=prog,
        description="Fit MI estimators on the Beyond Normal tasks (known MI) and write a "
                    "tidy CSV, a markdown table and plots.",
    ))
    args = parser.parse_args(argv)
    if args.list:
        print("estimators:", ", ".join(estimator_names()))
        print("tasks:")
        print("\n".join(f"  {name}" for name in list_tasks()))
        return 0
    estimators = estimator_names() if args.estimators == "all" else args.estimators
    test_size = args.test_size
    csv = os.path.join(args.out, "results.csv")
    try:
        df = run(estimators, args.tasks, n_samples=args.n_samples, seeds=args.seeds,
                 protocol=args.protocol, test_size=test_size, device=args.device,
                 n_jobs=args.n_jobs, threads=args.threads or None, csv=csv,
                 progress=not args.quiet)
    except ValueError as error:
        parser.error(str(error))
    # The report covers the whole CSV, earlier runs' rows included, like the CSV itself.
    from ._runner import read_results

    everything = read_results(csv) if os.path.exists(csv) else df
    try:
        paths = write_report(everything, args.out, plots=not args.no_plots)
    except ImportError as error:
        paths = write_report(everything, args.out, plots=False)
        print(f"no plots: {error}", file=sys.stderr)
    print(to_markdown(df, per_task_table=False))
    print("wrote", ", ".join([csv, *paths]))
    return 0


def _test_size(text):
    """argparse's type for --test-size: a fraction or a whole number of rows (2.5 was
    taken as 2 rows)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"test_size must be a number; got {text!r}") from None
    try:
        return parse_test_size(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
