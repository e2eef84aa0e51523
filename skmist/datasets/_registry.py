"""Tasks by name: the benchmark's standard suite of 40, and its naming grammar.

A name is zero or more transform prefixes (``half_cube-``, ``asinh-``, ``normal_cdf-``,
``wiggly-``, ``spiral-``, ``swissroll_x-``; the leftmost applied last) followed by a
base distribution:

- ``1v1-normal-<correlation>``, ``1v1-additive-<epsilon>``, ``1v1-bimodal-<correlation>``
- ``multinormal-dense-<dim_x>-<dim_y>-<off_diag>``
- ``multinormal-sparse-<dim_x>-<dim_y>-<n_interacting>-<strength>``
- ``student-identity-<dim_x>-<dim_y>-<df>``

so ``load_task`` builds any task of these families, not only the 40 of
:func:`list_tasks`.
"""

import difflib
import re

from ._tasks import (
    TRANSFORM_KINDS,
    additive_uniform,
    bimodal,
    bivariate_normal,
    multinormal_dense,
    multinormal_sparse,
    student_identity,
)

__all__ = ["get_task", "list_tasks", "load_task"]

# The standard suite of benchmark-mi 0.1.3 (bmi.benchmark.BENCHMARK_TASKS_LIST), in its
# order: 9 one-dimensional tasks, the swiss roll, 9 multinormal, 6 Student-t, 15
# transformed.
_STANDARD_TASKS = (
    "1v1-normal-0.75",
    "normal_cdf-1v1-normal-0.75",
    "1v1-additive-0.1",
    "1v1-additive-0.75",
    "1v1-bimodal-0.75",
    "wiggly-1v1-normal-0.75",
    "half_cube-1v1-normal-0.75",
    "student-identity-1-1-1",
    "asinh-student-identity-1-1-1",
    "swissroll_x-normal_cdf-1v1-normal-0.75",
    "multinormal-dense-2-2-0.5",
    "multinormal-dense-3-3-0.5",
    "multinormal-dense-5-5-0.5",
    "multinormal-dense-25-25-0.5",
    "multinormal-dense-50-50-0.5",
    "multinormal-sparse-2-2-2-2.0",
    "multinormal-sparse-3-3-2-2.0",
    "multinormal-sparse-5-5-2-2.0",
    "multinormal-sparse-25-25-2-2.0",
    "student-identity-2-2-1",
    "student-identity-2-2-2",
    "student-identity-3-3-2",
    "student-identity-3-3-3",
    "student-identity-5-5-2",
    "student-identity-5-5-3",
    "normal_cdf-multinormal-sparse-3-3-2-2.0",
    "normal_cdf-multinormal-sparse-5-5-2-2.0",
    "normal_cdf-multinormal-sparse-25-25-2-2.0",
    "half_cube-multinormal-sparse-3-3-2-2.0",
    "half_cube-multinormal-sparse-5-5-2-2.0",
    "half_cube-multinormal-sparse-25-25-2-2.0",
    "spiral-multinormal-sparse-3-3-2-2.0",
    "spiral-multinormal-sparse-5-5-2-2.0",
    "spiral-multinormal-sparse-25-25-2-2.0",
    "spiral-normal_cdf-multinormal-sparse-3-3-2-2.0",
    "spiral-normal_cdf-multinormal-sparse-5-5-2-2.0",
    "spiral-normal_cdf-multinormal-sparse-25-25-2-2.0",
    "asinh-student-identity-2-2-1",
    "asinh-student-identity-3-3-2",
    "asinh-student-identity-5-5-2",
)

_NUM = r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
_INT = r"(\d+)"


def _number(text):
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


_BASES = (
    (re.compile(rf"1v1-normal-{_NUM}"), lambda c: bivariate_normal(float(c))),
    (re.compile(rf"1v1-additive-{_NUM}"), lambda c: additive_uniform(float(c))),
    (re.compile(rf"1v1-bimodal-{_NUM}"), lambda c: bimodal(float(c))),
    (re.compile(rf"multinormal-dense-{_INT}-{_INT}-{_NUM}"),
     lambda dx, dy, c: multinormal_dense(int(dx), int(dy), float(c))),
    (re.compile(rf"multinormal-sparse-{_INT}-{_INT}-{_INT}-{_NUM}"),
     lambda dx, dy, k, s: multinormal_sparse(int(dx), int(dy), int(k), float(s))),
    (re.compile(rf"student-identity-{_INT}-{_INT}-{_NUM}"),
     lambda dx, dy, df: student_identity(int(dx), int(dy), _number(df))),
)


def list_tasks():
    """Names of the benchmark's standard suite of 40 tasks, in its order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from skmist.datasets import list_tasks
    >>> len(list_tasks()), list_tasks()[0]
    (40, '1v1-normal-0.75')
    """
    return list(_STANDARD_TASKS)


def _unknown(name, reason):
    close = difflib.get_close_matches(name, _STANDARD_TASKS, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    return ValueError(
        f"unknown task {name!r}: {reason}.{hint} list_tasks() gives the 40 standard "
        "names; a name is transform prefixes (half_cube-, asinh-, normal_cdf-, wiggly-, "
        "spiral-, swissroll_x-) before 1v1-normal-<rho>, 1v1-additive-<eps>, "
        "1v1-bimodal-<rho>, multinormal-dense-<dx>-<dy>-<c>, "
        "multinormal-sparse-<dx>-<dy>-<k>-<strength> or student-identity-<dx>-<dy>-<df>"
    )


def get_task(name):
    """The :class:`Task` with the benchmark name ``name``.

    Parameters
    ----------
    name : str
        One of :func:`list_tasks`, or any name of the grammar in this module's
        docstring (e.g. ``"asinh-student-identity-4-4-5"``).

    Returns
    -------
    Task

    Raises
    ------
    ValueError
        For a name that is not a task, listing the closest standard names.
    """
    if not isinstance(name, str):
        raise TypeError(f"a task name must be a string; got {name!r}")
    prefixes = []
    rest = name
    while True:
        kind = next((k for k in TRANSFORM_KINDS if rest.startswith(k + "-")), None)
        if kind is None:
            break
        prefixes.append(kind)
        rest = rest[len(kind) + 1:]
    for pattern, build in _BASES:
        match = pattern.fullmatch(rest)
        if match:
            break
    else:
        raise _unknown(name, f"no base distribution matches {rest!r}")
    try:
        task = build(*match.groups())
        for kind in reversed(prefixes):
            task = task.transform(kind)
    except ValueError as error:
        raise ValueError(f"task {name!r}: {error}") from None
    return task


def load_task(name, n_samples=10_000, random_state=None):
    """Samples of a benchmark task and its true MI.

    Parameters
    ----------
    name : str
        A task name: one of :func:`list_tasks` (the benchmark's standard 40), or any
        name of the benchmark's grammar (see :func:`get_task`).
    n_samples : int, default=10_000
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seeds the sampler; the same seed gives the same samples.

    Returns
    -------
    X : ndarray of shape (n_samples, dim_x)
    y : ndarray of shape (n_samples, dim_y)
        2-D also for a 1-D Y; estimators take it as it is.
    mi : float
        The true MI in nats.

    Examples
    --------
    >>> from skmist.datasets import load_task
    >>> X, y, mi = load_task("multinormal-sparse-5-5-2-2.0", n_samples=500, random_state=0)
    >>> X.shape, y.shape, round(mi, 4)
    ((500, 5), (500, 5), 1.0217)
    """
    task = get_task(name)
    X, y = task.sample(n_samples, random_state)
    return X, y, task.mi
