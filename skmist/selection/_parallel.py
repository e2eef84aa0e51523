"""Tasks over features (and permutations, and pairs) in joblib workers, which
``joblib.parallel_config(backend="dask")`` sends to a dask cluster."""

import multiprocessing

import numpy as np
import torch
from joblib import Parallel, delayed, effective_n_jobs
from threadpoolctl import threadpool_limits


def _in_worker(function, *args):
    """Run ``function`` in a joblib worker, with one torch, BLAS and OpenMP thread when
    the worker is a process of its own (loky, dask): workers share the machine's
    cores, and each using all of them costs 10-100x on 2 cores. Threads of this
    process (joblib's threading backend) leave the process-wide settings alone."""
    if multiprocessing.parent_process() is None:
        return function(*args)
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            return function(*args)
    finally:
        torch.set_num_threads(previous)


def _run(tasks, n_jobs, prefer=None, progress=None):
    """``tasks`` (function, args) in order: in this process with its threads when
    there is one worker, else through joblib; ``progress``: a progress bar's label,
    ticked as each task ends (None: no bar)."""
    from tqdm.auto import tqdm

    if effective_n_jobs(n_jobs) == 1:
        results = (function(*args) for function, args in tasks)
    else:
        results = Parallel(n_jobs=n_jobs, prefer=prefer, return_as="generator")(
            delayed(_in_worker)(function, *args) for function, args in tasks
        )
    return list(tqdm(results, total=len(tasks), desc=progress, disable=progress is None,
                     leave=False))


def _blocks(columns, workers):
    """``columns`` split for ``workers``: several blocks per worker balance the load
    when columns differ in cost; one block for a single worker."""
    return np.array_split(columns, min(len(columns), 4 * workers) if workers > 1 else 1)


def _blockwise(task, columns, estimator, n_jobs, *args):
    """``task(block, estimator, threads, *args)`` over blocks of ``columns``,
    concatenated: one thread a block across workers, the KSG estimator's ``n_jobs``
    threads in the block of a single worker."""
    workers = effective_n_jobs(n_jobs)
    threads = estimator.n_jobs if workers == 1 else 1
    tasks = [(task, (block, estimator, threads, *args)) for block in _blocks(columns, workers)]
    return np.concatenate(_run(tasks, n_jobs, prefer="threads"))
