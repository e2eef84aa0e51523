"""The ``skmist`` command: a few runs through ``subprocess`` (exit codes, stdout, the
entry point), the rest through ``main(argv)`` in-process, which is the same code
without two seconds of imports per call."""

import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import skmist
from skmist import estimate_mi
from skmist._estimate import named_estimators
from skmist.cli import main

REPO = str(Path(skmist.__file__).resolve().parents[1])
RHO = 0.8
TRUE_MI = -0.5 * math.log(1 - RHO**2)


def skmist_command(*args, cwd):
    env = {**os.environ, "PYTHONPATH": REPO, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "skmist.cli", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 1000
    a, b = rng.normal(size=n), rng.normal(size=n)
    df = pd.DataFrame({"a": a, "b": b, "c": RHO * a + math.sqrt(1 - RHO**2) * rng.normal(size=n),
                       "name": ["row"] * n, "label": np.where(a > 0, "pos", "neg")})
    path = tmp_path_factory.mktemp("cli") / "data.csv"
    df.to_csv(path, index=False)
    return path, df


def run_main(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


# --- through subprocess ----------------------------------------------------------------


def test_bare_command_prints_version_and_the_estimators(tmp_path):
    done = skmist_command(cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"skmist {skmist.__version__}\n")
    for name, cls in named_estimators(conditional=True).items():
        assert re.search(rf"^{name} +{cls.__name__} +\S", done.stdout, re.M)
    assert "commands: estimate, select, te, benchmark, list" in done.stdout


def test_estimate_json_through_the_command(table):
    path, df = table
    done = skmist_command("estimate", path.name, "--x", "a", "--y", "c", "--seed", 0, "--json",
                          cwd=path.parent)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    expected = estimate_mi(df, x="a", y="c", random_state=0)
    assert record["estimator"] == "KSGEstimator"  # auto: 2 columns, 1000 rows
    assert record["value"] == pytest.approx(expected.value, abs=1e-12)
    assert record["std_error"] == pytest.approx(expected.std_error, abs=1e-12)
    assert record["bits"] == pytest.approx(expected.value / math.log(2), abs=1e-12)
    assert abs(record["value"] - TRUE_MI) < 3 * record["std_error"]  # 0.459 +- 0.046
    assert (record["x"], record["y"], record["n_test"], record["held_out"]) == \
        (["a"], ["c"], 1000, False)
    assert record["params"]["random_state"] == 0


def test_config_sets_estimator_parameters_and_flags_override_it(table):
    path, _ = table
    config = path.parent / "run.toml"
    config.write_text('y = "c"\nx = ["a", "b"]\nseed = 0\ntest_size = 0.25\nquiet = true\n'
                      '[estimator]\nname = "smile"\nmax_iter = 40\nhidden_dims = [16]\n')
    done = skmist_command("estimate", path.name, "--config", config.name, "--test-size", 0.5,
                          "--json", cwd=path.parent)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["estimator"] == "SMILEEstimator"
    assert record["params"]["max_iter"] == 40 and record["params"]["hidden_dims"] == [16]
    assert record["n_iter"] == 40  # the config's budget was the one trained
    assert record["params"]["random_state"] == 0
    # --test-size on the command line wins over the config's 0.25.
    assert (record["n_train"], record["n_test"], record["held_out"]) == (500, 500, True)
    assert record["x"] == ["a", "b"] and 0 < record["value"] < 1


def test_user_errors_exit_2_with_one_line_and_no_traceback(table):
    path, _ = table
    done = skmist_command("estimate", "missing.csv", "--y", "c", cwd=path.parent)
    assert done.returncode == 2
    assert done.stderr == "skmist estimate: error: no such file: missing.csv\n"
    assert done.stdout == ""


# --- in-process ------------------------------------------------------------------------


def test_estimate_prints_the_estimate_in_nats_and_bits(table, capsys):
    path, df = table
    status, out, _ = run_main(capsys, "estimate", path, "--x", "a,b", "--y", "c",
                              "--estimator", "gaussian", "--seed", 0)
    assert status == 0
    expected = estimate_mi(df, x=["a", "b"], y="c", estimator="gaussian", random_state=0)
    first, second = out.splitlines()
    match = re.fullmatch(r"I\(a, b; c\) = (\S+) ± (\S+) nats = (\S+) ± (\S+) bits", first)
    assert match, first
    values = [float(v) for v in match.groups()]
    assert values == pytest.approx([expected.value, expected.std_error, expected.bits,
                                    expected.std_error_bits], abs=6e-5)
    assert second == "GaussianEstimator: estimated on all 1,000 rows"


def test_estimate_reads_stdin_and_labels(table, capsys, monkeypatch):
    path, df = table
    monkeypatch.setattr(sys, "stdin", io.StringIO(path.read_text()))
    status, out, _ = run_main(capsys, "estimate", "-", "--x", "a", "--y", "label",
                              "--seed", 0, "--json")
    assert status == 0
    # The label is the sign of a: I = H(label) = log 2 (0.693 nats, 1 bit).
    assert json.loads(out)["bits"] == pytest.approx(1.0, abs=0.05)


def test_parquet_needs_pyarrow(table, capsys, monkeypatch):
    path, df = table
    parquet = path.with_suffix(".parquet")
    try:
        df.to_parquet(parquet)
    except ImportError:
        parquet.write_bytes(b"PAR1")  # pandas cannot even write one: no engine here
    else:
        status, out, _ = run_main(capsys, "estimate", parquet, "--x", "a", "--y", "c",
                                  "--estimator", "gaussian", "--json")
        assert status == 0
        assert json.loads(out)["value"] == pytest.approx(
            estimate_mi(df, x="a", y="c", estimator="gaussian").value, abs=1e-12)
    for module in ("pyarrow", "pyarrow.parquet", "fastparquet"):
        monkeypatch.setitem(sys.modules, module, None)
    status, _, err = run_main(capsys, "estimate", parquet, "--y", "c")
    assert status == 2
    assert err == (f"skmist estimate: error: reading {parquet} needs pyarrow: "
                   "pip install \"skmist[parquet]\"\n")


def test_estimate_takes_columns_of_strings_as_classes(table, capsys, tmp_path):
    # They were refused as "not numeric". x = a, b and the classes of a's sign (name
    # is one class, and says nothing); y = c, with correlation 0.8 to a: MI 0.51.
    path, df = table
    status, out, _ = run_main(capsys, "estimate", path, "--y", "c")
    assert status == 0
    assert out.startswith("I(a, b, name, label; c) = 0.5")
    # An identifier has about a row per class: refused, by name.
    ids = tmp_path / "ids.csv"
    df.assign(id=[f"r{i}" for i in range(len(df))]).to_csv(ids, index=False)
    status, _, err = run_main(capsys, "estimate", ids, "--y", "c")
    assert status == 2
    assert err == (f"skmist estimate: error: x column 'id' has {len(df)} classes in "
                   f"{len(df)} rows (fewer than 5 rows per class): an identifier or free "
                   "text rather than classes, whose MI with y cannot be estimated from "
                   "them; leave it out or group its classes\n")
    # A date column of a CSV (strings in ISO 8601) is a time, not an identifier.
    dates = tmp_path / "dates.csv"
    when = pd.Timestamp("2024-03-01") + pd.to_timedelta(df["a"].rank(), unit="D")
    df.assign(when=when.dt.strftime("%Y-%m-%d")).to_csv(dates, index=False)
    status, out, _ = run_main(capsys, "estimate", dates, "--x", "when", "--y", "c",
                              "--seed", "0")
    assert status == 0
    # The dates follow a's order, so their normal scores, and the estimate, are a's.
    of_a = run_main(capsys, "estimate", path, "--x", "a", "--y", "c", "--seed", "0")[1]
    assert out == of_a.replace("I(a;", "I(when;")
    # Conditioning on named classes: 'label' (a's sign) was refused as not numeric.
    status, out, _ = run_main(capsys, "estimate", path, "--x", "a", "--y", "c",
                              "--conditioning", "label")
    assert status == 0
    assert out.startswith("I(a; c | label) = 0.")


def test_errors_name_the_problem(table, capsys, tmp_path):
    path, _ = table
    cases = [
        (["estimate", path, "--y", "q"],
         f"{path} has no column 'q'; its columns are a, b, c, name, label"),
        (["estimate", path, "--x", "a,zz", "--y", "c,q"],
         f"{path} has no columns 'q', 'zz'; its columns are a, b, c, name, label"),
        (["estimate", path, "--y", "c", "--estimator", "foo"],
         "unknown estimator 'foo'; use 'auto' or one of: " + ", ".join(named_estimators())),
        # The conditional estimators need --conditioning.
        *((["estimate" if name == "conditionalksg" else "select", path, "--y", "c",
            "--estimator", name],
           f"estimator {name!r} estimates the conditional MI I(x; y | z) and needs the "
           "conditioning columns z (estimate_mi's conditioning, skmist estimate "
           "--conditioning); without them use 'auto' or one of: "
           + ", ".join(named_estimators())) for name in ("conditionalksg", "chainrulecmi")),
        (["estimate", path, "--x", "a"], "name the y column(s) with --y (or y = ... in --config)"),
        (["select", path, "--k", "2"],
         "name the target column(s) with --y (or y = ... in --config)"),
        (["estimate", path, "--y", "c", "--config", tmp_path / "none.toml"],
         f"no such config file: {tmp_path / 'none.toml'}"),
        (["estimate", path, "--x", "a", "--y", "c", "--device", "nonsense"],
         "device='nonsense' is not a device torch knows; use 'auto', 'cpu', 'cuda' or "
         "'cuda:<index>'"),
    ]
    for argv, message in cases:
        status, out, err = run_main(capsys, *argv)
        assert (status, out, err) == (2, "", f"skmist {argv[0]}: error: {message}\n")


def test_config_errors(table, capsys, tmp_path):
    path, _ = table
    cases = [
        ('[estimator]\nname = "smile"\nfoo = 1\n',
         "SMILEEstimator has no parameter 'foo'; its parameters are activation, batch_size"),
        ('[estimator]\nmax_iter = 10\n',
         "the [estimator] table sets parameters ['max_iter'] but names no estimator"),
        ('colour = "red"\n', "unknown option(s) ['colour'] for skmist estimate"),
        ('y = \n', "is not valid TOML"),
        ('[estimator]\nname = "smile"\nmax_iter = "many"\n',
         "The 'max_iter' parameter of SMILEEstimator must be an int in the range [1, inf). "
         "Got 'many' instead."),
    ]
    for text, message in cases:
        config = tmp_path / "bad.toml"
        config.write_text(text)
        status, out, err = run_main(capsys, "estimate", path, "--x", "a", "--y", "c",
                                    "--config", config, "--quiet")
        assert status == 2 and out == ""
        assert err.startswith("skmist estimate: error: ") and message in err, err


def test_list_prints_a_table_of_names_classes_and_summaries(capsys):
    status, out, _ = run_main(capsys, "list")
    assert status == 0
    lines = out.splitlines()
    assert re.fullmatch(r"name +class +description", lines[0])
    assert re.search(r"^ksg +KSGEstimator +Kraskov-Stögbauer-Grassberger k-nearest-neighbour "
                     r"MI estimator\.$", out, re.M)
    assert re.search(r"^smile +SMILEEstimator +SMILE: a Jensen-Shannon-trained critic", out,
                     re.M)
    # Multi-line summaries are joined into one line, without RST markup.
    assert re.search(r"^binned +BinnedEstimator +Plug-in MI of codes: .* then the discrete MI "
                     r"of the codes\.$", out, re.M)
    assert "``" not in out
    # The estimators of I(x; y), then those of I(x; y | z), which need --conditioning.
    rows = [line.split()[0] for line in lines
            if re.match(r"^[a-z0-9]+ +[A-Za-z0-9]+Estimator ", line)]
    unconditional = list(named_estimators())
    assert rows == unconditional + ["chainrulecmi", "conditionalksg"]
    assert lines[len(unconditional) + 2].startswith("conditional MI I(x; y | z), for estimate "
                                                    "--conditioning and te")
    assert lines[-1] == ("auto: KSG on normal scores for at most 6 columns (x and y) and "
                         "100,000 rows (k = 2, Kraskov's eq. 9 from 4 columns; for class "
                         "labels gradient-boosted trees where their held-out bound is "
                         "clearly above it); else for class labels BA, or gradient-boosted "
                         "trees or a logistic regression where clearly better on a fifth "
                         "of the training rows (on 5 folds of them below 1,000); "
                         "MMG (the mean of its two forms where y has one column) from "
                         "5,000 rows, MINDE (joint variant) from 2,500, KSG with a caveat "
                         "below; beyond 6 columns, where x or y has one, a regression's "
                         "bound where clearly above the estimate")


def test_select_prints_the_selected_features_best_first(table, capsys):
    path, df = table
    status, out, _ = run_main(capsys, "select", path, "--target", "label",
                              "--features", "a,b,c", "--threshold", 0.1, "--seed", 0)
    assert status == 0
    lines = out.splitlines()
    assert re.fullmatch(r"rank +feature +MI \(nats\)", lines[0])
    rows = [line.split() for line in lines[1:-1]]
    # label = sign(a): a carries log 2 nats, c (correlated with a) less, b none.
    assert [r[1] for r in rows] == ["a", "c"] and [r[0] for r in rows] == ["1", "2"]
    assert float(rows[0][2]) == pytest.approx(math.log(2), abs=0.05)
    assert 0.1 < float(rows[1][2]) < float(rows[0][2])
    assert lines[-1] == ("selected 2 of 3 features (threshold=0.1) by their MI with label, "
                         "KSGEstimator")


def test_select_takes_columns_of_classes_and_dates(table, capsys, tmp_path):
    # They were refused as "not numeric": the selector reads classes as discrete
    # features and a CSV's dates as seconds since the first.
    path, df = table
    dated = tmp_path / "dated.csv"
    when = pd.Timestamp("2024-03-01") + pd.to_timedelta(df["b"].rank(), unit="D")
    df.assign(when=when.dt.strftime("%Y-%m-%d")).to_csv(dated, index=False)
    status, out, _ = run_main(capsys, "select", dated, "--target", "c", "--k", 5, "--seed",
                              0, "--json")
    assert status == 0
    scores = json.loads(out)["scores"]
    # label = sign(a) carries part of a's information about c; name (one class) none;
    # the dates follow b, which carries none either.
    assert scores["a"] == pytest.approx(TRUE_MI, abs=0.1)
    assert 0.1 < scores["label"] < scores["a"]
    assert scores["name"] == 0.0 and scores["when"] < 0.05 and scores["b"] < 0.05


def test_select_json(table, capsys):
    path, _ = table
    status, out, _ = run_main(capsys, "select", path, "--target", "c", "--features", "a,b",
                              "--k", 1, "--n-permutations", 9, "--seed", 0, "--json")
    assert status == 0
    record = json.loads(out)
    assert record["estimator"] == "KSGEstimator" and record["target"] == ["c"]
    assert [row["feature"] for row in record["selected"]] == ["a"]
    # a carries the information (0.51 nats), b none; a beats all 9 permutations.
    assert record["selected"][0]["pvalue"] == pytest.approx(0.1)
    assert record["scores"]["a"] == pytest.approx(TRUE_MI, abs=0.1)
    assert record["scores"]["b"] < 0.05


def test_benchmark_is_the_benchmark_runner(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["benchmark", "--help"])
    assert exit_.value.code == 0
    assert "usage: skmist benchmark" in capsys.readouterr().out
    out_dir = tmp_path / "bench"
    status, out, _ = run_main(capsys, "benchmark", "--estimators", "gaussian", "--tasks",
                              "1v1-normal-0.75", "--n-samples", 200, "--out", out_dir,
                              "--no-plots", "--quiet")
    assert status == 0
    results = pd.read_csv(out_dir / "results.csv")
    assert results[["estimator", "task"]].values.tolist() == [["gaussian", "1v1-normal-0.75"]]
    assert "| `gaussian` | 1 / 1 |" in out


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    # `skmist list | head -1`: stdout is a pipe whose reader is gone.
    code = ("import os, sys\nr, w = os.pipe()\nos.close(r)\nos.dup2(w, 1)\n"
            "from skmist.cli import main\nsys.exit(main(['list']))")
    env = {**os.environ, "PYTHONPATH": REPO, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == 1
    assert out.stderr == ""


# --- issue 17: rough edges -------------------------------------------------------------


def test_test_size_is_a_fraction_or_a_whole_number_of_rows(table, capsys, monkeypatch):
    path, _ = table

    def never(self, X, y):
        raise AssertionError("trained before the test size was checked")

    monkeypatch.setattr(skmist.SMILEEstimator, "fit", never)
    cases = [
        ("2.5", "test_size must be a fraction in [0, 1) or a whole number of rows; got 2.5"),
        ("1.0", "test_size=1 holds out 1 of the 1000 rows; the held-out estimate needs at "
                "least 2 (a fraction in (0, 1), or a number of rows >= 2)"),
        ("999", "test_size=999 holds out 999 of the 1000 rows, which leaves 1 to train on; "
                "hold out fewer"),
        ("-0.1", "test_size must be a fraction in [0, 1) or a whole number of rows; got -0.1"),
    ]
    for value, message in cases:
        status, out, err = run_main(capsys, "estimate", path, "--x", "a", "--y", "c",
                                    "--estimator", "smile", "--test-size", value)
        assert (status, out, err) == (2, "", f"skmist estimate: error: {message}\n")


def test_a_whole_number_test_size_holds_out_that_many_rows(table, capsys):
    path, _ = table
    status, out, _ = run_main(capsys, "estimate", path, "--x", "a", "--y", "c", "--estimator",
                              "doe", "--test-size", "100.0", "--seed", 0, "--quiet", "--json")
    assert status == 0
    record = json.loads(out)
    assert (record["n_train"], record["n_test"]) == (900, 100)


def test_conditional_mi_is_printed_given_its_conditioning_columns(table, capsys, tmp_path):
    path, df = table
    status, out, _ = run_main(capsys, "estimate", path, "--x", "c", "--y", "b",
                              "--conditioning", "a", "--seed", 0)
    assert status == 0
    expected = estimate_mi(df, x="c", y="b", conditioning="a", random_state=0)
    first, second = out.splitlines()
    match = re.fullmatch(r"I\(c; b \| a\) = (\S+) ± (\S+) nats = \S+ ± \S+ bits", first)
    assert match, first
    assert float(match[1]) == pytest.approx(expected.value, abs=6e-5)
    assert second == "ConditionalKSGEstimator: estimated on all 1,000 rows"
    # The conditioning columns of a config's [estimator] table are the same option.
    config = tmp_path / "cmi.toml"
    config.write_text('[estimator]\nname = "conditionalksg"\nconditioning = ["a"]\n'
                      'scale = "quantile"\n')
    status, out, _ = run_main(capsys, "estimate", path, "--x", "c", "--y", "b", "--config",
                              config, "--seed", 0, "--json")
    assert status == 0
    record = json.loads(out)
    assert (record["x"], record["y"], record["conditioning"]) == (["c"], ["b"], ["a"])
    assert record["value"] == pytest.approx(expected.value, abs=1e-12)


def test_y_and_target_name_the_same_option_in_both_commands(table, capsys):
    path, df = table
    estimates = [run_main(capsys, "estimate", path, "--x", "a", flag, "c", "--estimator",
                          "gaussian", "--seed", 0, "--json")[1] for flag in ("--y", "--target")]
    assert estimates[0] == estimates[1] and json.loads(estimates[0])["y"] == ["c"]
    selections = [run_main(capsys, "select", path, flag, "c", "--features", "a,b", "--k", 1,
                           "--seed", 0, "--json")[1] for flag in ("--y", "--target")]
    assert selections[0] == selections[1]
    assert json.loads(selections[0])["y"] == ["c"]
    for command in ("estimate", "select"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        help_text = capsys.readouterr().out
        assert "--y Y" in help_text and "--target" not in help_text  # a hidden alias


def test_select_takes_a_greedy_strategy(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 2000
    a, b = rng.normal(size=n), rng.normal(size=n)
    df = pd.DataFrame({"a": a, "a_copy": a + 0.05 * rng.normal(size=n), "b": b,
                       "y": a + 0.7 * b + 0.5 * rng.normal(size=n)})
    path = tmp_path / "copies.csv"
    df.to_csv(path, index=False)
    picks = {}
    for strategy in ("univariate", "mrmr"):
        status, out, _ = run_main(capsys, "select", path, "--y", "y", "--k", 2, "--strategy",
                                  strategy, "--seed", 0, "--json")
        assert status == 0
        record = json.loads(out)
        assert record["strategy"] == strategy
        picks[strategy] = [row["feature"] for row in record["selected"]]
    # Univariate keeps a and its copy; mRMR keeps one of them, then b.
    assert sorted(picks["univariate"]) == ["a", "a_copy"]
    assert picks["mrmr"][1] == "b" and picks["mrmr"][0] in ("a", "a_copy")
    status, out, _ = run_main(capsys, "select", path, "--y", "y", "--k", 2, "--strategy",
                              "cmim", "--seed", 0)
    assert status == 0
    lines = out.splitlines()
    assert re.fullmatch(r"rank +feature +criterion \(nats\)", lines[0])
    assert [line.split()[:2] for line in lines[1:3]] == [["1", picks["mrmr"][0]], ["2", "b"]]
    assert lines[-1] == ("selected 2 of 3 features (k=2, strategy=cmim) by their MI with y, "
                         "KSGEstimator")
    status, _, err = run_main(capsys, "select", path, "--y", "y", "--strategy", "jmi",
                              "--threshold", 0.1)
    assert status == 2 and "strategy='jmi' selects a number of features, k" in err


def test_benchmark_help_names_the_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["benchmark", "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("usage: skmist benchmark ")


def test_a_header_only_table_has_no_rows(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("a,b,c\n")
    for command, flag in (("estimate", "--y"), ("select", "--y")):
        status, out, err = run_main(capsys, command, path, flag, "c")
        assert (status, out, err) == (
            2, "", f"skmist {command}: error: {path} has no rows, only a header (a, b, c)\n")


def test_config_values_are_checked_by_type(table, capsys, tmp_path):
    path, _ = table
    cases = [
        ('quiet = "no"\n', "quiet must be true or false; got 'no' (str)"),
        ('quiet = 1\n', "quiet must be true or false; got 1 (int)"),
        ('seed = 1.5\n', "seed must be an integer; got 1.5 (float)"),
        ('test_size = "0.2"\n', "test_size must be a number; got '0.2' (str)"),
        ('x = 3\n', "x must be a column name or a list of names; got 3 (int)"),
    ]
    for text, message in cases:
        config = tmp_path / "typed.toml"
        config.write_text('y = "c"\n' + text)
        status, out, err = run_main(capsys, "estimate", path, "--x", "a", "--config", config,
                                    "--estimator", "gaussian")
        assert (status, out, err) == (2, "", f"skmist estimate: error: {config}: {message}\n")
    config.write_text('target = "c"\ny = "c"\n')
    status, _, err = run_main(capsys, "estimate", path, "--config", config)
    assert err == (f"skmist estimate: error: {config}: target is another name for y; set "
                   "one of them\n")
    config.write_text('y = "c"\nk = "3"\n')
    status, _, err = run_main(capsys, "select", path, "--config", config)
    assert err == f"skmist select: error: {config}: k must be an integer; got '3' (str)\n"


def test_estimate_takes_integer_labels_and_the_override(tmp_path, capsys):
    rng = np.random.default_rng(0)
    a = rng.normal(size=600)
    codes = (a > 0).astype(int) + 2 * (rng.random(600) < 0.5)  # 4 classes, 2 bits
    path = tmp_path / "codes.csv"
    pd.DataFrame({"a": a, "code": codes}).to_csv(path, index=False)
    status, out, _ = run_main(capsys, "estimate", path, "--x", "a", "--y", "code",
                              "--json", "--seed", "0")
    assert status == 0
    result = json.loads(out)
    assert result["params"]["discrete_target"] is True  # KSG with labels: Ross's estimator
    assert result["value"] == pytest.approx(math.log(2), abs=0.06)  # the sign of a
    assert result["caveats"] == []
    status, out, _ = run_main(capsys, "estimate", path, "--x", "a", "--y", "code",
                              "--json", "--discrete-target", "false", "--seed", "0")
    assert json.loads(out)["params"]["discrete_target"] == "auto"
    config = tmp_path / "run.toml"
    config.write_text('discrete_target = "yes"\n')
    status, _, err = run_main(capsys, "estimate", path, "--y", "code", "--config", config)
    assert status == 2
    assert 'discrete_target must be true, false or "auto"' in err
