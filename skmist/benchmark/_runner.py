"""Estimators x tasks x seeds -> a tidy DataFrame, one row per fit, appended to a CSV.

Each row is one estimator fitted and scored on one sample of one task. The CSV is
written row by row, so an interrupted run loses at most the rows in flight, and a
second run with the same CSV skips the rows it already has.
"""

import math
import os
import time
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm.auto import tqdm

from ..datasets import get_task, list_tasks
from ._estimators import make_estimator

__all__ = ["COLUMNS", "PROTOCOLS", "read_results", "run"]

COLUMNS = ["estimator", "task", "seed", "n_samples", "protocol", "true_mi", "estimate",
           "seconds", "device", "note"]
PROTOCOLS = ("held-out", "all")
_KEY = ["estimator", "task", "seed", "n_samples", "protocol"]


def _split_commas(value):
    """A list from a comma-separated string ("ksg, smile"), or of a list's items."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def _resolve_estimators(estimators):
    """``[(label, name or estimator)]`` from names, a comma list, estimators or a dict."""
    if isinstance(estimators, dict):
        items = list(estimators.items())
    else:
        items = []
        for e in _split_commas(estimators):
            label = e if isinstance(e, str) else type(e).__name__.removesuffix(
                "Estimator").lower()
            items.append((label, e))
    if not items:
        raise ValueError("no estimators given")
    labels = [label for label, _ in items]
    if len(set(labels)) != len(labels):
        raise ValueError(f"estimator labels must be unique; got {labels} (pass a dict "
                         "{label: estimator} to name them)")
    # Fail here, not in a worker, on an unknown name.
    return [(label, make_estimator(e)) for label, e in items]


def _resolve_tasks(tasks):
    if isinstance(tasks, str) and tasks == "all":
        return list_tasks()
    names = _split_commas(tasks)
    if not names:
        raise ValueError("no tasks given")
    for name in names:
        get_task(name)  # a clear ValueError for a bad name, before any work
    return names


def _split(n_samples, protocol, test_size):
    """Row slices of the fit and of the score: the first rows fit, the last score."""
    if protocol == "all":
        return slice(None), slice(None)
    n_test = math.ceil(test_size * n_samples) if test_size < 1 else int(test_size)
    n_fit = n_samples - n_test
    if n_test < 2 or n_fit < 2:
        raise ValueError(
            f"test_size={test_size} leaves {n_fit} samples to fit and {n_test} to score "
            f"out of n_samples={n_samples}; both need at least 2"
        )
    return slice(0, n_fit), slice(n_fit, None)


def _run_one(label, template, task_name, seed, n_samples, protocol, test_size, device,
             threads):
    """Fit and score one estimator on one sample of one task; one row of results."""
    limits = torch_threads = None
    if threads is not None:
        # Torch, BLAS and OpenMP on `threads` threads: workers that share the cores do not
        # oversubscribe them (on a loaded machine two spinning torch threads can make a
        # fit 40 times slower than one), and the timings are comparable between runs.
        import torch
        from threadpoolctl import threadpool_limits

        torch_threads = torch.get_num_threads()
        torch.set_num_threads(threads)
        limits = threadpool_limits(threads)
    try:
        task = get_task(task_name)
        X, y = task.sample(n_samples, random_state=seed)
        if y.shape[1] == 1:
            y = y[:, 0]
        fit_rows, score_rows = _split(n_samples, protocol, test_size)
        estimator = make_estimator(template, device=device, random_state=seed,
                                   n_jobs=threads)
        note = ""
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                estimator.fit(X[fit_rows], y[fit_rows])
                estimate = float(estimator.score(X[score_rows], y[score_rows]))
            except Exception as error:  # a failure is a result, not the end of the run
                estimate = math.nan
                note = f"{type(error).__name__}: {error}"
        seconds = time.perf_counter() - start
        if not note and caught:
            note = f"{caught[0].category.__name__}: {caught[0].message}"
        used = getattr(estimator, "device_", None) or getattr(estimator, "device", None)
        return {
            "estimator": label, "task": task_name, "seed": int(seed),
            "n_samples": int(n_samples), "protocol": protocol, "true_mi": task.mi,
            "estimate": estimate, "seconds": seconds, "device": str(used or "cpu"),
            "note": " ".join(note.split())[:300],
        }
    finally:
        if limits is not None:
            limits.unregister()
            torch.set_num_threads(torch_threads)


def read_results(path):
    """The rows of a results CSV written by :func:`run`, with the right dtypes.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    pandas.DataFrame
    """
    df = pd.read_csv(path, keep_default_na=False, na_values={"estimate": ["nan", "NaN", ""]})
    missing = set(COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"{path} is not a benchmark results file: no columns "
                         f"{sorted(missing)}")
    df["note"] = df["note"].astype(str)
    df["device"] = df["device"].astype(str)
    return df[COLUMNS]


def run(estimators, tasks="all", *, n_samples=10_000, seeds=1, protocol="held-out",
        test_size=0.5, device=None, n_jobs=1, threads=1, csv=None, progress=True):
    """Fit and score estimators on benchmark tasks; one row per (estimator, task, seed).

    Parameters
    ----------
    estimators : str, list or dict
        Registered names (``"ksg,smile"`` or ``["ksg", "smile"]``, see
        :func:`estimator_names`), estimator instances (cloned for every row), or a dict
        ``{label: name or estimator}`` to compare settings of one class.
    tasks : "all", str or list of str, default="all"
        ``"all"`` is the standard suite of :func:`skmist.datasets.list_tasks`;
        otherwise task names, as a list or comma-separated.
    n_samples : int, default=10_000
        Samples drawn per task and seed, before any split.
    seeds : int or list of int, default=1
        An int ``k`` means seeds ``0, ..., k - 1``. A seed fixes both the sample and the
        estimator's ``random_state``.
    protocol : {"held-out", "all"}, default="held-out"
        ``"held-out"``: fit on the first ``1 - test_size`` of the samples and score on
        the rest (what an estimate on new data means). ``"all"``: fit and score on all
        the samples, the protocol of the benchmark paper.
    test_size : float or int, default=0.5
        Fraction (or number) of the samples held out to score; ``"held-out"`` only.
    device : str, optional
        Set on every estimator with a ``device`` parameter; None keeps their defaults.
    n_jobs : int, default=1
        Rows run in parallel with joblib (processes).
    threads : int or None, default=1
        Threads of torch, BLAS/OpenMP and the estimators' own ``n_jobs`` while a row
        runs (restored after it): one by default, so that parallel rows do not
        oversubscribe the cores and ``seconds`` is a one-thread time. None leaves the
        thread settings alone.
    csv : str or path-like, optional
        Results file: rows already in it (same estimator label, task, seed, n_samples
        and protocol) are not run again, and new rows are appended as they finish.
    progress : bool, default=True
        Show a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        Columns ``estimator, task, seed, n_samples, protocol, true_mi, estimate,
        seconds, device, note``: the rows asked for, those read from ``csv`` included.
        ``seconds`` is the time of ``fit`` plus ``score``; ``note`` holds the exception
        of a failed row (``estimate`` is NaN) or the first warning raised.

    Examples
    --------
    >>> from skmist.benchmark import run, summarize
    >>> df = run("gaussian", tasks="1v1-normal-0.75,multinormal-dense-2-2-0.5",
    ...          n_samples=2000, progress=False)
    >>> df[["estimator", "task", "true_mi"]].round(3).values.tolist()
    [['gaussian', '1v1-normal-0.75', 0.413], ['gaussian', 'multinormal-dense-2-2-0.5', 0.294]]
    >>> int(summarize(df).loc[0, "within"])
    2
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}; got {protocol!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or n_samples < 4:
        raise ValueError(f"n_samples must be an integer of at least 4; got {n_samples!r}")
    _split(n_samples, protocol, test_size)
    estimators = _resolve_estimators(estimators)
    tasks = _resolve_tasks(tasks)
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else list(seeds)
    if not seeds:
        raise ValueError("no seeds given")

    done = read_results(csv) if csv is not None and os.path.exists(csv) else None
    have = set() if done is None else set(map(tuple, done[_KEY].values.tolist()))
    jobs = [(label, template, task, seed)
            for task in tasks for seed in seeds for label, template in estimators
            if (label, task, int(seed), int(n_samples), protocol) not in have]
    if threads is not None and (isinstance(threads, bool) or not isinstance(
            threads, (int, np.integer)) or threads < 1):
        raise ValueError(f"threads must be a positive integer or None; got {threads!r}")
    new_rows = []
    if jobs:
        calls = (delayed(_run_one)(label, template, task, seed, n_samples, protocol,
                                   test_size, device, threads)
                 for label, template, task, seed in jobs)
        bar = tqdm(total=len(jobs), desc="benchmark", unit="fit", disable=not progress)
        try:
            for row in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(calls):
                new_rows.append(row)
                if csv is not None:
                    _append_row(csv, row)
                bar.set_postfix_str(f"{row['estimator']} {row['task']}", refresh=False)
                bar.update()
        finally:
            bar.close()

    rows = pd.DataFrame(new_rows, columns=COLUMNS)
    if done is not None:
        rows = pd.concat([done, rows], ignore_index=True) if len(rows) else done
    wanted = pd.DataFrame(
        [(label, task, int(seed), int(n_samples), protocol)
         for label, _ in estimators for task in tasks for seed in seeds],
        columns=_KEY,
    )
    rows = rows.drop_duplicates(_KEY, keep="last")
    return wanted.merge(rows, on=_KEY, how="left")[COLUMNS]


def _append_row(path, row):
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    pd.DataFrame([row], columns=COLUMNS).to_csv(path, mode="a", header=new, index=False)
