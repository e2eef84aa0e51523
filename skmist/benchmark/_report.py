"""From the tidy results to what a person reads: summary tables, markdown and plots.

A task counts as solved when the estimate (the mean over seeds) is within
max(0.1 nats, 10% of the true MI) of the truth: the issue's yardstick, lenient for small
MI where 10% is below the sampling noise of any estimator.
"""

import os

import numpy as np
import pandas as pd

__all__ = [
    "per_task",
    "plot_errors",
    "plot_estimates",
    "summarize",
    "to_markdown",
    "within_tolerance",
    "write_report",
]

ABS_TOL = 0.1
REL_TOL = 0.1
_GROUP = ["protocol", "n_samples"]
_PROTOCOL_TEXT = {
    "held-out": "fitted on a training split, scored on the held-out samples",
    "all": "fitted and scored on all the samples (the benchmark paper's protocol)",
}


def within_tolerance(estimate, true_mi, abs_tol=ABS_TOL, rel_tol=REL_TOL):
    """Whether ``|estimate - true_mi| <= max(abs_tol, rel_tol * true_mi)``, elementwise.

    A NaN estimate is never within; an infinite truth (a noiseless function) is matched
    only by an infinite estimate, as no finite one is within any share of it.

    Examples
    --------
    >>> from skmist.benchmark import within_tolerance
    >>> within_tolerance([0.45, 1.85, 1.95, 17.0], [0.4, 2.0, 2.2, float("inf")]).tolist()
    [True, True, False, False]
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    true_mi = np.asarray(true_mi, dtype=np.float64)
    infinite = np.isinf(true_mi)
    with np.errstate(invalid="ignore"):  # inf - inf
        close = np.abs(estimate - true_mi) <= np.maximum(abs_tol, rel_tol * np.abs(true_mi))
    return np.where(infinite, estimate == true_mi, close & ~infinite)


def per_task(df):
    """One row per (estimator, protocol, n_samples, task): the estimate averaged over seeds.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run` (or :func:`read_results`).

    Returns
    -------
    pandas.DataFrame
        Columns ``estimator, protocol, n_samples, task, true_mi, estimate`` (mean over
        the seeds that did not fail), ``std`` (over seeds), ``n_seeds``, ``failed``
        (seeds with no estimate), ``error`` (estimate minus truth), ``within``,
        ``seconds`` (median). Tasks and estimators keep their order of appearance.
    """
    keys = ["estimator", *_GROUP, "task"]
    grouped = df.groupby(keys, sort=False)
    out = grouped.agg(
        true_mi=("true_mi", "first"),
        estimate=("estimate", "mean"),
        std=("estimate", "std"),
        n_seeds=("seed", "size"),
        failed=("estimate", lambda s: int(s.isna().sum())),
        seconds=("seconds", "median"),
    ).reset_index()
    out["error"] = out["estimate"] - out["true_mi"]
    out["within"] = within_tolerance(out["estimate"], out["true_mi"])
    return out[[*keys, "true_mi", "estimate", "std", "n_seeds", "failed", "error",
                "within", "seconds"]]


def summarize(df):
    """Per estimator: tasks within tolerance, mean absolute error, median time.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run` (or :func:`read_results`).

    Returns
    -------
    pandas.DataFrame
        One row per (estimator, protocol, n_samples), best first (most tasks within
        tolerance, then lowest MAE). Columns: ``n_tasks``; ``within``, the tasks whose
        seed-averaged estimate is within max(0.1 nats, 10%) of the truth; ``mae``, the
        mean over tasks of ``|estimate - true MI|``, over the tasks with an estimate;
        ``median_seconds``, the median time of fit plus score over all rows;
        ``failed``, the tasks with no estimate at all.
    """
    tasks = per_task(df)
    tasks["abs_error"] = tasks["error"].abs()
    tasks["no_estimate"] = tasks["estimate"].isna()
    keys = ["estimator", *_GROUP]
    out = tasks.groupby(keys, sort=False).agg(
        n_tasks=("task", "size"),
        within=("within", "sum"),
        mae=("abs_error", "mean"),
        failed=("no_estimate", "sum"),
    ).reset_index()
    seconds = df.groupby(keys, sort=False)["seconds"].median().rename("median_seconds")
    out = out.merge(seconds.reset_index(), on=keys)
    out[["n_tasks", "within", "failed"]] = out[["n_tasks", "within", "failed"]].astype(int)
    out = out.sort_values(["protocol", "n_samples", "within", "mae"],
                          ascending=[True, True, False, True], kind="stable")
    return out[[*keys, "n_tasks", "within", "mae", "median_seconds", "failed"]] \
        .reset_index(drop=True)


def _table(header, align, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _seconds(value):
    return f"{value:.3g}" if np.isfinite(value) else "-"


def to_markdown(df, *, per_task_table=True):
    """Markdown: the summary of :func:`summarize` and the estimate of every task.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run` (or :func:`read_results`).
    per_task_table : bool, default=True
        Add a table of tasks x estimators with the seed-averaged estimates; a mark
        ``✗`` flags those outside the tolerance.

    Returns
    -------
    str
    """
    sections = []
    summary = summarize(df)
    tasks = per_task(df)
    for (protocol, n_samples), part in summary.groupby(_GROUP, sort=False):
        rows = df[(df["protocol"] == protocol) & (df["n_samples"] == n_samples)]
        n_seeds = rows.groupby(["estimator", "task"])["seed"].nunique().max()
        intro = (
            f"Protocol `{protocol}`: {_PROTOCOL_TEXT.get(protocol, protocol)}; "
            f"n = {n_samples:,} samples per task, {n_seeds} seed(s), estimates averaged "
            f"over seeds. A task is within tolerance when |estimate - true MI| <= "
            f"max({ABS_TOL} nats, {REL_TOL:.0%} of the true MI); MAE is the mean over "
            "tasks of |estimate - true MI| in nats; time is the median of fit + score."
        )
        summary_rows = [
            [f"`{r.estimator}`", f"{r.within} / {r.n_tasks}",
             f"{r.mae:.3f}" if np.isfinite(r.mae) else "-", _seconds(r.median_seconds),
             str(r.failed)]
            for r in part.itertuples()
        ]
        sections.append(intro + "\n\n" + _table(
            ["estimator", "tasks within max(0.1 nats, 10%)", "MAE (nats)",
             "median time (s)", "failed"],
            "lrrrr", summary_rows))
        if per_task_table:
            sub = tasks[(tasks["protocol"] == protocol) & (tasks["n_samples"] == n_samples)]
            names = list(part["estimator"])
            estimates = sub.pivot(index="task", columns="estimator", values="estimate")
            within = sub.pivot(index="task", columns="estimator", values="within")
            truth = sub.groupby("task", sort=False)["true_mi"].first()
            task_rows = []
            for task in truth.index:
                cells = [f"`{task}`", f"{truth[task]:.3f}"]
                for name in names:
                    value = estimates.at[task, name] if name in estimates else np.nan
                    if not np.isfinite(value):
                        cells.append("-")
                    else:
                        mark = "" if within.at[task, name] else " ✗"
                        cells.append(f"{value:.3f}{mark}")
                task_rows.append(cells)
            sections.append(_table(["task", "true MI", *[f"`{n}`" for n in names]],
                                   "lr" + "r" * len(names), task_rows))
    return "\n\n".join(sections) + "\n"


def _one_group(df):
    groups = df[_GROUP].drop_duplicates()
    if len(groups) != 1:
        raise ValueError(
            f"the results hold {len(groups)} (protocol, n_samples) combinations; plot "
            "one at a time, e.g. df[df.protocol == 'held-out']"
        )
    return per_task(df)


def _figure(figsize):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "the benchmark's plots need matplotlib: pip install 'skmist[plot]'"
        ) from None
    return Figure(figsize=figsize, layout="constrained")


def plot_estimates(df, ax=None):
    """Estimate against the true MI, task by task: one row per task.

    The black bar is the true MI, the grey band the tolerance max(0.1 nats, 10%); each
    estimator's marker is its seed-averaged estimate, with a bar spanning plus and minus
    one standard deviation over seeds. Estimates beyond 1.5 times the largest true MI
    (or below -0.25) are arrows at the edge, labelled with their value.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run` for one protocol and one ``n_samples``.
    ax : matplotlib.axes.Axes, optional
        Draw here; by default on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    tasks = _one_group(df)
    names = list(dict.fromkeys(tasks["estimator"]))
    order = list(dict.fromkeys(tasks["task"]))
    if ax is None:
        ax = _figure((8, 1.2 + 0.28 * len(order))).subplots()
    truth = tasks.groupby("task", sort=False)["true_mi"].first().reindex(order).to_numpy()
    rows = np.arange(len(order))
    tol = np.maximum(ABS_TOL, REL_TOL * truth)
    ax.barh(rows, 2 * tol, left=truth - tol, height=0.8, color="0.88", zorder=0,
            label="tolerance")
    ax.scatter(truth, rows, marker="|", s=250, color="black", zorder=3, label="true MI")
    # One wild estimate (a heavy-tailed task can give thousands of nats) must not squash
    # the others: estimates beyond the range are drawn at its edge as arrows, labelled.
    lo, hi = -0.25, 1.5 * np.nanmax(truth) + 0.25
    offsets = np.linspace(-0.25, 0.25, len(names)) if len(names) > 1 else [0.0]
    for k, (name, offset) in enumerate(zip(names, offsets)):
        sub = tasks[tasks["estimator"] == name].set_index("task").reindex(order)
        estimate = sub["estimate"].to_numpy(dtype=float)
        inside = (estimate >= lo) & (estimate <= hi)
        color = f"C{k % 10}"
        ax.errorbar(np.where(inside, estimate, np.nan), rows + offset,
                    xerr=sub["std"].fillna(0.0).to_numpy(), fmt="o", markersize=4,
                    capsize=0, zorder=4, color=color, label=name)
        for row, value in zip(rows[~inside & np.isfinite(estimate)],
                              estimate[~inside & np.isfinite(estimate)]):
            edge, marker, align = (hi, ">", "right") if value > hi else (lo, "<", "left")
            ax.scatter(edge, row + offset, marker=marker, s=30, color=color, zorder=4)
            ax.annotate(f"{value:.3g}", (edge, row + offset), fontsize=6, color=color,
                        ha=align, va="center",
                        xytext=(-6 if align == "right" else 6, 0),
                        textcoords="offset points")
    ax.set_xlim(lo, hi)
    ax.set_yticks(rows, order, fontsize=7)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("MI (nats)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    ax.set_title(_title(tasks), fontsize=9)
    return ax.figure


def plot_errors(df, ax=None, vmax=1.0):
    """Heat map of the error (estimate minus true MI) of every estimator on every task.

    Red over-, blue under-estimates, saturated at ``vmax`` nats; the numbers are the
    errors, bold when outside the tolerance.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run` for one protocol and one ``n_samples``.
    ax : matplotlib.axes.Axes, optional
    vmax : float, default=1.0
        Colour scale limit in nats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    tasks = _one_group(df)
    names = list(dict.fromkeys(tasks["estimator"]))
    order = list(dict.fromkeys(tasks["task"]))
    errors = tasks.pivot(index="task", columns="estimator", values="error") \
        .reindex(index=order, columns=names)
    within = tasks.pivot(index="task", columns="estimator", values="within") \
        .reindex(index=order, columns=names)
    if ax is None:
        ax = _figure((2.8 + 0.9 * len(names), 1.2 + 0.28 * len(order))).subplots()
    image = ax.imshow(errors.to_numpy(dtype=float), cmap="RdBu_r", vmin=-vmax, vmax=vmax,
                      aspect="auto")
    for i, task in enumerate(order):
        for j, name in enumerate(names):
            value = errors.at[task, name]
            text = "fail" if not np.isfinite(value) else f"{value:+.2f}"
            ok = within.at[task, name]
            ax.text(j, i, text, ha="center", va="center", fontsize=6,
                    fontweight="normal" if pd.notna(ok) and bool(ok) else "bold")
    ax.set_xticks(np.arange(len(names)), names, fontsize=8)
    ax.set_yticks(np.arange(len(order)), order, fontsize=7)
    ax.xaxis.tick_top()
    ax.figure.colorbar(image, ax=ax, label="estimate - true MI (nats)", shrink=0.5)
    ax.set_title(_title(tasks), fontsize=9)
    return ax.figure


def _title(tasks):
    protocol = tasks["protocol"].iloc[0]
    n = tasks["n_samples"].iloc[0]
    return f"n = {n:,}, protocol {protocol}"


def write_report(df, out, *, plots=True):
    """Write ``results.md`` and, with matplotlib, ``estimates.png`` and ``errors.png``.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run`.
    out : str or path-like
        Directory, created if needed.
    plots : bool, default=True
        Also draw the plots (one pair per protocol and ``n_samples``; with several,
        the file names get ``-<protocol>-<n_samples>``). Needs matplotlib.

    Returns
    -------
    list of str
        The paths written.
    """
    os.makedirs(out, exist_ok=True)
    paths = [os.path.join(out, "results.md")]
    with open(paths[0], "w", encoding="utf-8") as f:
        f.write(to_markdown(df))
    if plots:
        groups = df[_GROUP].drop_duplicates().itertuples(index=False)
        groups = list(groups)
        for protocol, n_samples in groups:
            part = df[(df["protocol"] == protocol) & (df["n_samples"] == n_samples)]
            suffix = "" if len(groups) == 1 else f"-{protocol}-{n_samples}"
            for stem, plot in (("estimates", plot_estimates), ("errors", plot_errors)):
                path = os.path.join(out, f"{stem}{suffix}.png")
                plot(part).savefig(path, dpi=130)
                paths.append(path)
    return paths
