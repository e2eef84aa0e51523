"""Estimators x ground-truth tasks -> a tidy table, a markdown summary and plots.

From the shell::

    python -m skmist.benchmark --estimators ksg,smile,infonce,gaussian --tasks all \\
        --n-samples 10000 --seeds 3 --out results/

From Python::

    from skmist.benchmark import run, summarize, write_report
    df = run(["ksg", "smile"], tasks="all", n_samples=10_000, seeds=3, csv="results.csv")
    summarize(df)            # per estimator: tasks within tolerance, MAE, median time
    write_report(df, "results/")

The tasks are those of :mod:`skmist.datasets` (the "Beyond Normal" suite); the
estimators are every class of :mod:`skmist.estimators` by its lower-case short name,
and any added with :func:`register_estimator`.
"""

from ._command import add_arguments, main
from ._estimators import estimator_names, make_estimator, register_estimator
from ._report import (
    per_task,
    plot_errors,
    plot_estimates,
    summarize,
    to_markdown,
    within_tolerance,
    write_report,
)
from ._runner import COLUMNS, PROTOCOLS, read_results, run

__all__ = [
    "COLUMNS",
    "PROTOCOLS",
    "add_arguments",
    "estimator_names",
    "main",
    "make_estimator",
    "per_task",
    "plot_errors",
    "plot_estimates",
    "read_results",
    "register_estimator",
    "run",
    "summarize",
    "to_markdown",
    "within_tolerance",
    "write_report",
]
