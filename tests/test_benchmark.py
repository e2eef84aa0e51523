"""skmist.benchmark: the estimator registry, the runner (CSV, resume, protocols,
parallel), the summary and markdown, plots and the command line. Small and fast: two
tasks, a few hundred samples, the nonparametric estimators."""

import re

import numpy as np
import pandas as pd
import pytest

import skmist
import skmist.benchmark as bench
from skmist import GaussianEstimator, KSGEstimator
from skmist.benchmark import (
    COLUMNS,
    estimator_names,
    main,
    make_estimator,
    per_task,
    read_results,
    register_estimator,
    run,
    summarize,
    to_markdown,
    within_tolerance,
    write_report,
)
from skmist.benchmark import _runner
from skmist.datasets import load_task
from skmist.estimators import all_estimators

TASKS = ["1v1-normal-0.75", "student-identity-2-2-1"]
N = 400


@pytest.fixture
def count_fits(monkeypatch):
    """Counts the rows the runner computes (n_jobs=1 runs them in this process)."""
    calls = []
    original = _runner._run_one

    def counting(*args, **kwargs):
        calls.append(args[:4])
        return original(*args, **kwargs)

    monkeypatch.setattr(_runner, "_run_one", counting)
    return calls


# --- registry ------------------------------------------------------------------------


def test_every_skmist_estimator_is_registered_by_its_short_name():
    names = estimator_names()
    for entry in all_estimators():
        # Conditional-MI estimators measure I(X; y | Z), which the tasks do not define,
        # and an entropy estimator no MI.
        assert (entry.name in names) == (entry.requires_y and not entry.conditional), entry
    assert "conditionalksg" not in names and "chainrulecmi" not in names
    assert "mindeentropy" not in names
    for short, cls in [("ksg", KSGEstimator), ("gaussian", GaussianEstimator),
                       ("infonce", skmist.InfoNCEEstimator)]:
        assert type(make_estimator(short)) is cls
    assert {"ksg", "gaussian", "smile", "infonce"} <= set(names)


def test_make_estimator_sets_only_the_parameters_an_estimator_has():
    ksg = make_estimator("ksg", device="cpu", random_state=3, n_jobs=1)
    assert (ksg.device, ksg.random_state, ksg.n_jobs) == ("cpu", 3, 1)
    gaussian = make_estimator(GaussianEstimator(), random_state=3)
    assert "random_state" not in gaussian.get_params()
    template = KSGEstimator(n_neighbors=5)
    clone = make_estimator(template, random_state=1)
    assert clone is not template and clone.n_neighbors == 5 and template.random_state is None
    with pytest.raises(ValueError, match="unknown estimator 'kgs'.*ksg"):
        make_estimator("kgs")


def test_register_estimator(monkeypatch):
    monkeypatch.setattr(bench._estimators, "_REGISTRY", dict(bench._estimators._REGISTRY))
    register_estimator("ksg5", lambda: KSGEstimator(n_neighbors=5))
    assert make_estimator("ksg5").n_neighbors == 5
    with pytest.raises(ValueError, match="already registered"):
        register_estimator("ksg", KSGEstimator)
    with pytest.raises(ValueError, match="comma"):
        register_estimator("a,b", KSGEstimator)


# --- runner --------------------------------------------------------------------------


def test_run_writes_a_tidy_csv(tmp_path):
    csv = tmp_path / "out" / "results.csv"
    df = run("ksg,gaussian", TASKS, n_samples=N, seeds=2, csv=csv, progress=False)
    assert list(df.columns) == COLUMNS
    assert len(df) == 2 * 2 * 2
    assert not df[["estimator", "task", "seed"]].duplicated().any()
    on_disk = read_results(csv)
    assert list(on_disk.columns) == COLUMNS and len(on_disk) == 8
    merged = df.merge(on_disk, on=["estimator", "task", "seed"], suffixes=("", "_csv"))
    np.testing.assert_allclose(merged["estimate"], merged["estimate_csv"])
    assert set(df["device"]) == {"cpu"} and set(df["protocol"]) == {"held-out"}
    assert (df["n_samples"] == N).all() and (df["seconds"] > 0).all()
    assert (df["note"] == "").all()
    truth = {name: load_task(name, n_samples=2)[2] for name in TASKS}
    np.testing.assert_allclose(df["true_mi"], df["task"].map(truth))


def test_run_resumes_from_the_csv(tmp_path, count_fits):
    csv = tmp_path / "results.csv"
    first = run(["ksg", "gaussian"], TASKS, n_samples=N, seeds=1, csv=csv, progress=False)
    assert len(count_fits) == 4
    again = run(["ksg", "gaussian"], TASKS, n_samples=N, seeds=1, csv=csv, progress=False)
    assert len(count_fits) == 4  # nothing recomputed
    pd.testing.assert_frame_equal(first, again)
    more = run(["ksg", "gaussian"], TASKS, n_samples=N, seeds=2, csv=csv, progress=False)
    assert len(count_fits) == 8  # only seed 1
    assert len(more) == 8 and len(read_results(csv)) == 8
    # Another sample size or protocol is another row.
    run("gaussian", TASKS[:1], n_samples=N, protocol="all", csv=csv, progress=False)
    assert len(count_fits) == 9 and len(read_results(csv)) == 9


def test_protocols_fit_and_score_where_they_say(count_fits):
    X, y, _ = load_task(TASKS[0], n_samples=N, random_state=0)
    held_out = run("gaussian", TASKS[:1], n_samples=N, progress=False)
    half = N // 2
    expected = GaussianEstimator().fit(X[:half], y[:half, 0]).score(X[half:], y[half:, 0])
    assert held_out["estimate"].iloc[0] == pytest.approx(expected, rel=1e-12)
    every = run("gaussian", TASKS[:1], n_samples=N, protocol="all", progress=False)
    assert every["estimate"].iloc[0] == pytest.approx(
        GaussianEstimator().fit(X, y[:, 0]).mi_, rel=1e-12)
    quarter = run("gaussian", TASKS[:1], n_samples=N, test_size=0.25, progress=False)
    expected = GaussianEstimator().fit(X[:300], y[:300, 0]).score(X[300:], y[300:, 0])
    assert quarter["estimate"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_a_failing_estimator_is_a_row_not_a_crash():
    df = run({"ksg-too-many": KSGEstimator(n_neighbors=500), "gaussian": "gaussian"},
             TASKS, n_samples=N, progress=False)
    failed = df[df["estimator"] == "ksg-too-many"]
    assert failed["estimate"].isna().all()
    assert failed["note"].str.startswith("ValueError").all()
    summary = summarize(df).set_index("estimator")
    assert summary.loc["ksg-too-many", "failed"] == 2
    assert summary.loc["ksg-too-many", "within"] == 0
    assert summary.loc["gaussian", "failed"] == 0


def test_parallel_rows_equal_serial_rows():
    serial = run("ksg,gaussian", TASKS, n_samples=N, progress=False)
    parallel = run("ksg,gaussian", TASKS, n_samples=N, n_jobs=2, progress=False)
    np.testing.assert_allclose(parallel["estimate"], serial["estimate"], rtol=1e-10)
    assert list(parallel["task"]) == list(serial["task"])


def test_run_rejects_bad_arguments_before_any_work(count_fits):
    with pytest.raises(ValueError, match="unknown task"):
        run("ksg", "1v1-normal-0.75,nope", n_samples=N, progress=False)
    with pytest.raises(ValueError, match="unknown estimator"):
        run("ksg,nope", TASKS, n_samples=N, progress=False)
    with pytest.raises(ValueError, match="protocol"):
        run("ksg", TASKS, protocol="train", progress=False)
    with pytest.raises(ValueError, match="test_size"):
        run("ksg", TASKS, n_samples=N, test_size=0.999, progress=False)
    with pytest.raises(ValueError, match="unique"):
        run([KSGEstimator(), KSGEstimator()], TASKS, progress=False)
    with pytest.raises(ValueError, match="threads"):
        run("ksg", TASKS, n_samples=N, threads=0, progress=False)
    assert count_fits == []


def test_threads_are_limited_per_row_and_restored():
    import torch

    before = torch.get_num_threads()
    seen = []

    class Spy(GaussianEstimator):
        def fit(self, X, y):
            seen.append(torch.get_num_threads())
            return super().fit(X, y)

    run({"spy": Spy()}, TASKS[:1], n_samples=N, progress=False)
    run({"spy": Spy()}, TASKS[:1], n_samples=N, threads=None, progress=False)
    assert seen == [1, before]
    assert torch.get_num_threads() == before


# --- summary, markdown, plots --------------------------------------------------------


def test_within_tolerance():
    assert within_tolerance([0.5, 0.39, 2.19, 2.21, np.nan],
                            [0.4, 0.5, 2.0, 2.0, 1.0]).tolist() == [
        True, False, True, False, False]
    # An infinite truth (y a function of x) is within reach of no finite estimate.
    assert within_tolerance([17.0, np.inf, np.nan], [np.inf] * 3).tolist() == [
        False, True, False]


def _summary_from_the_csv(csv):
    """The summary computed independently of skmist.benchmark's own code."""
    df = pd.read_csv(csv)
    out = {}
    for name, rows in df.groupby("estimator"):
        per = rows.groupby("task").agg(truth=("true_mi", "first"), mean=("estimate", "mean"))
        err = (per["mean"] - per["truth"]).abs()
        within = int((err <= np.maximum(0.1, 0.1 * per["truth"])).sum())
        out[name] = (within, len(per), err.mean(), rows["seconds"].median())
    return out


def test_the_markdown_numbers_match_the_csv(tmp_path):
    csv = tmp_path / "results.csv"
    df = run("ksg,gaussian", TASKS, n_samples=N, seeds=2, csv=csv, progress=False)
    markdown = to_markdown(df)
    expected = _summary_from_the_csv(csv)
    rows = re.findall(r"^\| `(\w+)` \| (\d+) / (\d+) \| ([\d.]+) \| ([\d.e-]+) \| (\d+) \|$",
                      markdown, flags=re.M)
    assert {r[0] for r in rows} == set(expected)
    for name, within, n_tasks, mae, seconds, failed in rows:
        e_within, e_tasks, e_mae, e_seconds = expected[name]
        assert (int(within), int(n_tasks), int(failed)) == (e_within, e_tasks, 0)
        assert float(mae) == pytest.approx(e_mae, abs=5e-4)
        assert float(seconds) == pytest.approx(e_seconds, rel=5e-3)
    # The per-task table has the seed-averaged estimate of every (task, estimator).
    tasks = per_task(df)
    for r in tasks.itertuples():
        assert f"{r.estimate:.3f}" in markdown
    assert "held-out" in markdown and "n = 400" in markdown
    # summarize agrees with the independent computation too.
    summary = summarize(df).set_index("estimator")
    for name, (within, n_tasks, mae, seconds) in expected.items():
        assert summary.loc[name, "within"] == within
        assert summary.loc[name, "mae"] == pytest.approx(mae)
        assert summary.loc[name, "median_seconds"] == pytest.approx(seconds)


def test_write_report_draws_the_plots(tmp_path):
    pytest.importorskip("matplotlib")
    df = run("ksg,gaussian", TASKS, n_samples=N, seeds=2, progress=False)
    paths = write_report(df, tmp_path / "report")
    names = sorted(p.rsplit("/", 1)[-1] for p in map(str, paths))
    assert names == ["errors.png", "estimates.png", "results.md"]
    for path in paths[1:]:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    mixed = pd.concat([df, run("gaussian", TASKS, n_samples=N, protocol="all",
                               progress=False)])
    with pytest.raises(ValueError, match="one at a time"):
        bench.plot_errors(mixed)
    paths = write_report(mixed, tmp_path / "mixed")
    assert sum(str(p).endswith(".png") for p in paths) == 4


# --- command line --------------------------------------------------------------------


def test_command_line(tmp_path, capsys):
    out = tmp_path / "results"
    args = ["--estimators", "ksg,gaussian", "--tasks", ",".join(TASKS), "--n-samples",
            str(N), "--seeds", "1", "--out", str(out), "--quiet", "--no-plots"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "`ksg`" in printed and "`gaussian`" in printed
    assert len(read_results(out / "results.csv")) == 4
    assert (out / "results.md").exists()
    assert main(args) == 0  # resumes: nothing new, same table
    assert len(read_results(out / "results.csv")) == 4
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert "smile" in listed and "spiral-normal_cdf-multinormal-sparse-25-25-2-2.0" in listed
    with pytest.raises(SystemExit) as info:
        main(["--estimators", "nope", "--out", str(out), "--quiet"])
    assert info.value.code == 2
    assert "unknown estimator" in capsys.readouterr().err


def test_python_m_entry_point_exists():
    import importlib.util

    assert importlib.util.find_spec("skmist.benchmark.__main__") is not None


@pytest.mark.parametrize("text, message", [
    ("2.5", "a fraction in [0, 1) or a whole number of rows; got 2.5"),  # was 2 rows
    ("-0.1", "a fraction in [0, 1) or a whole number of rows; got -0.1"),
    ("half", "test_size must be a number; got 'half'"),
])
def test_command_line_rejects_a_test_size_that_is_no_fraction_or_row_count(
        text, message, tmp_path, capsys, count_fits):
    with pytest.raises(SystemExit) as info:
        main(["--test-size", text, "--out", str(tmp_path), "--quiet"])
    assert info.value.code == 2
    assert message in capsys.readouterr().err
    assert count_fits == []
