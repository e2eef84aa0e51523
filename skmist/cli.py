"""The ``skmist`` console script: ``estimate``, ``select``, ``benchmark`` and ``list``.

::

    skmist estimate data.csv --x a,b --y c --estimator smile --device cuda
    skmist select data.csv --target y --k 10
    skmist benchmark --estimators ksg,smile --tasks all --out results
    skmist list

User errors (a missing file, column or estimator, a bad option) print one line on
stderr and exit with status 2; a training run that diverges exits with status 1.
"""

import argparse
import json
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np

import skmist

from ._estimate import (
    AUTO_MAX_DIMENSION,
    AUTO_MAX_SAMPLES,
    AUTO_NEURAL,
    _estimator_classes,
    _resolve_estimator,
    estimate_mi,
)

__all__ = ["main"]

# What a --config file may set besides its [estimator] table, per command.
CONFIG_OPTIONS = {
    "estimate": {"x", "y", "device", "test_size", "seed", "quiet"},
    "select": {"target", "features", "k", "percentile", "threshold", "n_permutations",
               "n_jobs", "device", "seed"},
}
DEFAULTS = {
    "estimate": {"estimator": "auto", "device": "auto", "test_size": 0.2, "seed": None,
                 "quiet": False, "x": None},
    "select": {"estimator": None, "device": None, "seed": None, "features": None,
               "n_permutations": 0, "n_jobs": None},
}


class UserError(Exception):
    """A problem with the command's input: reported in one line, exit status 2."""


def main(argv=None):
    """Run the ``skmist`` command; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Defaults to ``sys.argv[1:]``.

    Returns
    -------
    int

    Examples
    --------
    >>> from skmist.cli import main
    >>> main(["list"])  # doctest: +ELLIPSIS
    name ...
    ksg ...
    0
    """
    try:
        return _command(argv)
    except BrokenPipeError:
        # The reader left early (``skmist list | head``): exit quietly, with stdout on
        # devnull so that the interpreter's last flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _command(argv):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["benchmark"]:
        # The benchmark runner owns its options; hand them over untouched.
        from .benchmark._command import main as benchmark_main

        return benchmark_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        print(f"skmist {skmist.__version__}")
        _print_estimators()
        print("\ncommands: estimate, select, benchmark, list (skmist COMMAND --help)")
        return 0
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return args.run(args)
        except (UserError, ValueError, TypeError) as error:
            print(f"skmist {args.command}: error: {error}", file=sys.stderr)
            return 2
        except FloatingPointError as error:
            print(f"skmist {args.command}: training diverged: {error}", file=sys.stderr)
            return 1


def _parser():
    parser = argparse.ArgumentParser(
        prog="skmist", description="Mutual information estimation for scikit-learn."
    )
    parser.add_argument("--version", action="version", version=f"skmist {skmist.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    estimate = commands.add_parser(
        "estimate", help="estimate I(x; y) between columns of a CSV or Parquet file",
        description="Estimate the MI between columns of a table, with its standard error "
                    "(skmist.estimate_mi). Trained estimators are fitted on a training split "
                    "and scored on the held-out rows; nonparametric ones use all rows.",
    )
    _add_data(estimate)
    estimate.add_argument("--x", help="comma-separated x columns (default: every column "
                                      "but y's)")
    estimate.add_argument("--y", help="comma-separated y columns (required, here or in "
                                      "--config)")
    estimate.add_argument("--estimator", help=f"an estimator name (skmist list) or 'auto' "
                                              f"(default): KSG for at most "
                                              f"{AUTO_MAX_DIMENSION} columns and "
                                              f"{AUTO_MAX_SAMPLES:,} rows, else "
                                              f"{AUTO_NEURAL.upper()}")
    estimate.add_argument("--device", help="cpu, cuda, cuda:1, or auto (default: each "
                                           "estimator's own)")
    estimate.add_argument("--test-size", type=float,
                          help="held-out fraction for trained estimators (default: 0.2)")
    estimate.add_argument("--seed", type=int, help="random_state of the split and estimator")
    estimate.add_argument("--quiet", action="store_true", default=None,
                          help="no progress bar")
    _add_output(estimate)
    estimate.set_defaults(run=_estimate)

    select = commands.add_parser(
        "select", help="select the features with the most MI with a target",
        description="Score every feature by its MI with the target (MutualInfoSelector) and "
                    "print the selected ones, best first.",
    )
    _add_data(select)
    select.add_argument("--target", help="comma-separated target column(s) (required, here "
                                         "or in --config)")
    select.add_argument("--features", help="comma-separated candidate features (default: "
                                           "every column but the target)")
    how = select.add_mutually_exclusive_group()
    how.add_argument("--k", type=int, help="keep the k best features (default: 10)")
    how.add_argument("--percentile", type=float, help="keep this percentage of the features")
    how.add_argument("--threshold", type=float, help="keep features with at least this "
                                                     "much MI, in nats")
    select.add_argument("--estimator", help="an estimator name (skmist list); default: KSG, "
                                            "all features in one pass")
    select.add_argument("--n-permutations", type=int,
                        help="permutations of the target for p-values (default: 0, none)")
    select.add_argument("--n-jobs", type=int, help="joblib workers over features")
    select.add_argument("--device", help="device of a trained estimator")
    select.add_argument("--seed", type=int, help="random_state of the scores")
    _add_output(select)
    select.set_defaults(run=_select)

    # Listed for --help only: main hands `skmist benchmark ...` to the benchmark runner.
    commands.add_parser(
        "benchmark", add_help=False,
        help="run estimators on the ground-truth tasks (python -m skmist.benchmark; "
             "skmist benchmark --help for its options)",
    )
    commands.add_parser(
        "list", help="list the estimators", description="List the estimators."
    ).set_defaults(run=lambda args: _print_estimators() or 0)
    return parser


def _add_data(parser):
    parser.add_argument("data", help="a CSV file (.tsv: tab-separated), a Parquet file "
                                     "(.parquet, needs pyarrow), or - for CSV on stdin")
    parser.add_argument("--config", help="a TOML file: options by name, and an [estimator] "
                                         "table with name = ... and its parameters")


def _add_output(parser):
    parser.add_argument("--json", action="store_true", help="print one JSON object")


# --- commands --------------------------------------------------------------------------


def _estimate(args):
    options, estimator = _options(args, "estimate")
    if options.get("y") is None:
        raise UserError("name the y column(s) with --y (or y = ... in --config)")
    df = _read_table(args.data)
    y = _columns(options["y"])
    x = _columns(options["x"])
    _check_columns(df, args.data, _as_list(y) + (_as_list(x) if x is not None else []))
    x_names = x if x is not None else [c for c in df.columns if c not in _as_list(y)]
    _check_numeric(df, _as_list(x_names), args.data, "x", "--x")
    result = estimate_mi(
        df, x=x, y=y, estimator=estimator, test_size=_test_size(options["test_size"]),
        device=options["device"], random_state=options["seed"],
        verbose=not options["quiet"],
    )
    est = result.estimator
    if args.json:
        print(json.dumps({
            "value": result.value,
            "std_error": result.std_error,
            "bits": result.bits,
            "std_error_bits": result.std_error_bits,
            "x": _as_list(x_names),
            "y": _as_list(y),
            "estimator": type(est).__name__,
            "params": _jsonable(est.get_params(deep=False)),
            "n_train": result.n_train,
            "n_test": result.n_test,
            "held_out": result.held_out,
            "n_iter": getattr(est, "n_iter_", None),
            "device": str(getattr(est, "device_", "")) or None,
        }))
        return 0
    error = "" if result.std_error is None else f" ± {result.std_error:.4f}"
    error_bits = "" if result.std_error is None else f" ± {result.std_error_bits:.4f}"
    print(f"I({_names_text(x_names)}; {_names_text(y)}) = {result.value:.4f}{error} nats"
          f" = {result.bits:.4f}{error_bits} bits")
    if result.held_out:
        print(f"{type(est).__name__}: trained on {result.n_train:,} rows, estimated on "
              f"{result.n_test:,} held-out rows")
    else:
        print(f"{type(est).__name__}: estimated on all {result.n_test:,} rows")
    return 0


def _select(args):
    from .selection import MutualInfoSelector

    options, estimator = _options(args, "select")
    if options.get("target") is None:
        raise UserError("name the target column(s) with --target (or target = ... in "
                        "--config)")
    df = _read_table(args.data)
    target = _columns(options["target"])
    features = _columns(options["features"])
    _check_columns(df, args.data, _as_list(target) + (features or []))
    if features is None:
        features = [c for c in df.columns if c not in _as_list(target)]
    else:
        features = _as_list(features)
    _check_numeric(df, features, args.data, "feature", "--features")
    how = {name: options.get(name) for name in ("k", "percentile", "threshold")}
    chosen = [name for name, value in how.items() if value is not None]
    if len(chosen) > 1:
        raise UserError(f"set one of k, percentile and threshold; got {chosen}")
    if not chosen:
        how["k"] = 10
    if estimator is not None and options["device"] is not None \
            and "device" in estimator.get_params(deep=False):
        estimator.set_params(device=options["device"])
    selector = MutualInfoSelector(
        estimator, **how, n_permutations=options["n_permutations"], n_jobs=options["n_jobs"],
        random_state=options["seed"],
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="k=.* is greater than n_features")
        selector.fit(df[features], df[target])
    support = selector.get_support()
    order = [i for i in np.argsort(-selector.scores_, kind="stable") if support[i]]
    pvalues = selector.pvalues_
    rows = [{"feature": features[i], "mi": float(selector.scores_[i]),
             "rank": int(selector.ranking_[i]),
             **({} if pvalues is None else {"pvalue": float(pvalues[i])})} for i in order]
    name = type(selector.estimator_).__name__
    rule = ", ".join(f"{k}={v}" for k, v in how.items() if v is not None)
    if args.json:
        print(json.dumps(_jsonable({
            "target": _as_list(target), "estimator": name, "selection": how,
            "selected": rows,
            "scores": {str(f): float(s) for f, s in zip(features, selector.scores_)},
        })))
        return 0
    width = max([len("feature"), *(len(str(r["feature"])) for r in rows)])
    header = f"{'rank':>4}  {'feature':<{width}}  {'MI (nats)':>9}"
    print(header + ("  p-value" if pvalues is not None else ""))
    for r in rows:
        line = f"{r['rank']:>4}  {str(r['feature']):<{width}}  {r['mi']:>9.4f}"
        print(line + (f"  {r['pvalue']:>7.3f}" if pvalues is not None else ""))
    print(f"selected {len(rows)} of {len(features)} features ({rule}) by their MI with "
          f"{', '.join(map(str, _as_list(target)))}, {name}")
    return 0


def _print_estimators():
    classes = _estimator_classes()
    rows = [(name, cls.__name__, _summary(cls)) for name, cls in classes.items()]
    widths = [max(len(header), *(len(r[i]) for r in rows))
              for i, header in enumerate(("name", "class"))]
    print(f"{'name':<{widths[0]}}  {'class':<{widths[1]}}  description")
    for name, class_name, summary in rows:
        print(f"{name:<{widths[0]}}  {class_name:<{widths[1]}}  {summary}")
    print(f"\nauto: ksg for at most {AUTO_MAX_DIMENSION} columns (x and y) and "
          f"{AUTO_MAX_SAMPLES:,} rows, {AUTO_NEURAL} otherwise")


def _summary(cls):
    """The docstring's first paragraph (its numpydoc summary), on one line."""
    paragraph = (cls.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(paragraph.replace("``", "").split())


# --- options and config -------------------------------------------------------------


def _options(args, command):
    """The command's options (command line over --config over defaults), and its
    estimator: a name, or an instance carrying the config's parameters."""
    options = dict(DEFAULTS[command])
    config_name, params = None, {}
    if args.config:
        config_name, params, config = _read_config(args.config, command)
        if command == "select" and any(getattr(args, k) is not None
                                       for k in ("k", "percentile", "threshold")):
            # The command line's selection rule replaces the config's.
            config = {k: v for k, v in config.items()
                      if k not in ("k", "percentile", "threshold")}
        options.update(config)
    options.update({k: v for k, v in vars(args).items() if v is not None
                    and k not in ("run", "command", "config", "data", "json", "estimator")})
    name = args.estimator or config_name or options.pop("estimator")
    options.pop("estimator", None)
    if command == "select" and name == "auto":
        name = None  # the selector's own default: KSG, all features in one pass
    if name not in (None, "auto"):
        _resolve_estimator(name)  # an unknown name fails before the data is read
    if not params:
        # select takes an instance (None: KSG's one-pass path); estimate_mi takes names.
        return options, _resolve_estimator(name) if command == "select" and name else name
    if name is None or name == "auto":
        raise UserError(
            f"{args.config}: the [estimator] table sets parameters {sorted(params)} but "
            "names no estimator; add name = \"smile\" (say) to it, or pass --estimator"
        )
    estimator = _resolve_estimator(name)
    valid = estimator.get_params(deep=True)
    unknown = [k for k in params if k not in valid]
    if unknown:
        raise UserError(
            f"{args.config}: {type(estimator).__name__} has no parameter "
            f"{', '.join(map(repr, unknown))}; its parameters are "
            f"{', '.join(sorted(estimator.get_params(deep=False)))}"
        )
    return options, estimator.set_params(**{k: _tuples(v) for k, v in params.items()})


def _read_config(path, command):
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        raise UserError("--config needs Python 3.11 or later (tomllib)") from None
    try:
        with open(path, "rb") as file:
            config = tomllib.load(file)
    except FileNotFoundError:
        raise UserError(f"no such config file: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path} is not valid TOML: {error}") from None
    table = config.pop("estimator", {})
    if isinstance(table, str):
        name, params = table, {}
    elif isinstance(table, dict):
        params = dict(table)
        name = params.pop("name", None)
    else:
        raise UserError(f"{path}: estimator must be a name or a table; got {table!r}")
    config = {key.replace("-", "_"): value for key, value in config.items()}
    unknown = sorted(set(config) - CONFIG_OPTIONS[command])
    if unknown:
        raise UserError(
            f"{path}: unknown option(s) {unknown} for skmist {command}; a config sets "
            f"{sorted(CONFIG_OPTIONS[command])} and an [estimator] table"
        )
    return name, params, config


def _tuples(value):
    # TOML has arrays, not tuples; the estimators' defaults (hidden_dims=(128,)) are tuples.
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _test_size(value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise UserError(f"test_size must be a number; got {value!r}")
    return int(value) if value >= 1 else float(value)


# --- data ------------------------------------------------------------------------------


def _read_table(path):
    import pandas as pd

    if path == "-":
        return pd.read_csv(sys.stdin)
    file = Path(path)
    if not file.exists():
        raise UserError(f"no such file: {path}")
    if file.is_dir():
        raise UserError(f"{path} is a directory, not a data file")
    suffix = file.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(file)
        except ImportError:
            raise UserError(
                f"reading {path} needs pyarrow: pip install \"skmist[parquet]\""
            ) from None
    try:
        return pd.read_csv(file, sep="\t" if suffix == ".tsv" else ",")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path} as CSV: {error}") from None


def _columns(value):
    """Column names from "a,b" or a TOML list; one name stays a string (a 1-D y)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    if not names:
        raise UserError(f"no column names in {value!r}")
    return names[0] if len(names) == 1 else names


def _as_list(names):
    return names if isinstance(names, list) else [names]


def _names_text(names, most=6):
    names = [str(name) for name in _as_list(names)]
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most - 1])}, ... ({len(names)} columns)"


def _check_columns(df, path, names):
    missing = [name for name in names if name not in df.columns]
    if missing:
        label = "column" if len(missing) == 1 else "columns"
        raise UserError(
            f"{path} has no {label} {', '.join(map(repr, missing))}; its columns are "
            f"{', '.join(map(str, df.columns))}"
        )


def _check_numeric(df, names, path, role, flag):
    bad = [name for name in names if df[name].dtype.kind not in "biuf"]
    if bad:
        raise UserError(
            f"the {role} columns {bad} of {path} are not numeric; leave them out (name the "
            f"{role} columns with {flag}) or encode them as numbers first"
        )


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"skmist: {category.__name__}: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
