"""The ``skmist`` console script: ``estimate``, ``select``, ``te``, ``benchmark`` and
``list``.

::

    skmist estimate data.csv --x a,b --y c --estimator smile --device cuda
    skmist estimate data.csv --x a --y c --conditioning b     # I(a; c | b)
    skmist select data.csv --y target --k 10 --strategy mrmr
    skmist te data.csv --source a --target b --lag 2 --permutations 99
    skmist benchmark --estimators ksg,smile --tasks all --out results
    skmist list

User errors (a missing file, column or estimator, a bad option) print one line on
stderr and exit with status 2; a training run that diverges exits with status 1.
Both commands name the target columns with ``--y`` (``--target``, the name ``select``
had first, is kept as a hidden alias, also in a config file).
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
    AUTO_RULE,
    _resolve_estimator,
    estimate_mi,
    name_list,
    named_estimators,
    parse_test_size,
)

__all__ = ["main"]

# What a --config file may set besides its [estimator] table, per command.
CONFIG_OPTIONS = {
    "estimate": {"x", "y", "conditioning", "device", "test_size", "seed", "quiet",
                 "discrete_target"},
    "select": {"y", "features", "k", "percentile", "threshold", "strategy",
               "n_permutations", "n_jobs", "device", "seed"},
}
# Other names of an option (on the command line and in a config), kept so that
# scripts written against them keep working.
ALIASES = {"target": "y"}
# The type each config value must have: TOML has its own types, and a value of the
# wrong one ("quiet = 'no'") would otherwise be taken as it is.
CONFIG_TYPES = {
    "x": "names", "y": "names", "conditioning": "names", "features": "names",
    "device": "str", "strategy": "str", "test_size": "number", "percentile": "number",
    "threshold": "number", "seed": "int", "k": "int", "n_permutations": "int",
    "n_jobs": "int", "quiet": "bool", "discrete_target": "auto_or_bool",
}
DEFAULTS = {
    "estimate": {"estimator": "auto", "device": "auto", "test_size": 0.2, "seed": None,
                 "quiet": False, "x": None, "conditioning": None,
                 "discrete_target": "auto"},
    "select": {"estimator": None, "device": None, "seed": None, "features": None,
               "n_permutations": 0, "n_jobs": None, "strategy": "univariate"},
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

        return benchmark_main(argv[1:], prog="skmist benchmark")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        print(f"skmist {skmist.__version__}")
        _print_estimators()
        print("\ncommands: estimate, select, te, benchmark, list (skmist COMMAND --help)")
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
                    "(skmist.estimate_mi), or with --conditioning the conditional MI "
                    "I(x; y | z). Trained estimators are fitted on a training split and "
                    "scored on the held-out rows; nonparametric ones use all rows.",
    )
    _add_data(estimate)
    estimate.add_argument("--x", help="comma-separated x columns (default: every column "
                                      "but y's and the conditioning ones)")
    _add_y(estimate, "comma-separated y columns (required, here or in --config)")
    estimate.add_argument("--conditioning", help="comma-separated columns z to condition "
                                                 "on: estimates I(x; y | z)")
    estimate.add_argument("--estimator", help="an estimator name (skmist list) or 'auto' "
                                              f"(default): {AUTO_RULE}")
    estimate.add_argument("--device", help="cpu, cuda, cuda:1, or auto (default: each "
                                           "estimator's own)")
    estimate.add_argument("--test-size", type=float,
                          help="held out for trained estimators: a fraction in [0, 1), or "
                               "a whole number of rows (default: 0.2)")
    estimate.add_argument("--discrete-target", choices=["auto", "true", "false"],
                          help="whether y holds class labels (default: auto: strings, "
                               "booleans, or numbers with at most min(50, n / 10) distinct "
                               "values)")
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
    _add_y(select, "comma-separated target column(s) y (required, here or in --config)")
    select.add_argument("--features", help="comma-separated candidate features (default: "
                                           "every column but y's)")
    how = select.add_mutually_exclusive_group()
    how.add_argument("--k", type=int, help="keep the k best features (default: 10)")
    how.add_argument("--percentile", type=float, help="keep this percentage of the features")
    how.add_argument("--threshold", type=float, help="keep features with at least this "
                                                     "much MI, in nats")
    select.add_argument("--strategy", choices=["univariate", "mrmr", "jmi", "cmim"],
                        help="univariate (default): each feature's own MI; mrmr, jmi, "
                             "cmim: k features one at a time, penalising what the ones "
                             "chosen before already carry (KSG only)")
    select.add_argument("--estimator", help="an estimator name (skmist list); default: KSG, "
                                            "all features in one pass")
    select.add_argument("--n-permutations", type=int,
                        help="permutations of the target for p-values (default: 0, none)")
    select.add_argument("--n-jobs", type=int, help="joblib workers over features")
    select.add_argument("--device", help="device of a trained estimator")
    select.add_argument("--seed", type=int, help="random_state of the scores")
    _add_output(select)
    select.set_defaults(run=_select)

    te = commands.add_parser(
        "te", help="transfer entropy from one column of a time series table to another",
        description="Estimate the transfer entropy I(target_t; source_{t-lag} | "
                    "target_{t-1..t-history} [, conditioning's past]) between columns of "
                    "a table whose rows are time points in order "
                    "(skmist.timeseries.transfer_entropy), with its standard error and, "
                    "with --permutations, a p-value from circular shifts of the source.",
    )
    te.add_argument("data", help="a CSV file (.tsv: tab-separated), a Parquet file "
                                 "(.parquet, needs pyarrow), or - for CSV on stdin; one row "
                                 "per time point, in time order")
    te.add_argument("--source", required=True, help="comma-separated source columns x")
    te.add_argument("--target", required=True, help="comma-separated target columns y")
    te.add_argument("--conditioning", help="comma-separated columns z whose past is "
                                           "conditioned on too")
    te.add_argument("--lag", type=int, default=1, help="the source's delay (default: 1)")
    te.add_argument("--history", type=int, default=1,
                    help="past values of the target conditioned on (default: 1)")
    te.add_argument("--conditioning-lags",
                    help="comma-separated lags of the conditioning columns (default: 1 "
                         "to --history)")
    te.add_argument("--permutations", type=int, default=0,
                    help="circular shifts of the source for a p-value (default: 0, none)")
    te.add_argument("--time", help="a column of time stamps: checked to be sorted and "
                                   "without repeats (uneven steps warn); not a variable")
    te.add_argument("--estimator", default="auto",
                    help="an estimator name (skmist list) or 'auto' (default), as for "
                         "estimate --conditioning")
    te.add_argument("--seed", type=int, help="random_state of the estimate and the shifts")
    te.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_output(te)
    te.set_defaults(run=_te)

    # Listed for --help only: main hands `skmist benchmark ...` to the benchmark runner.
    commands.add_parser(
        "benchmark", add_help=False,
        help="run estimators on the ground-truth tasks (skmist benchmark --help for its "
             "options)",
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


def _add_y(parser, text):
    parser.add_argument("--y", help=text)
    # The name select had first; hidden from --help, kept for the scripts that use it.
    parser.add_argument("--target", dest="y", help=argparse.SUPPRESS)


def _add_output(parser):
    parser.add_argument("--json", action="store_true", help="print one JSON object")


# --- commands --------------------------------------------------------------------------


def _estimate(args):
    options, estimator = _options(args, "estimate")
    if options.get("y") is None:
        raise UserError("name the y column(s) with --y (or y = ... in --config)")
    test_size = _test_size(options["test_size"])
    df = _read_table(args.data)
    y = _parse_column_names(options["y"])
    x = _parse_column_names(options["x"])
    z = _parse_column_names(options["conditioning"])
    _check_parse_column_names(df, args.data, [name for names in (y, x, z) if names is not None
                                   for name in name_list(names)])
    given = name_list(y) + ([] if z is None else name_list(z))
    x_names = x if x is not None else [c for c in df.columns if c not in given]
    result = estimate_mi(
        df, x=x, y=y, conditioning=z, estimator=estimator, test_size=test_size,
        device=options["device"], random_state=options["seed"],
        verbose=not options["quiet"],
        discrete_target={"true": True, "false": False}.get(options["discrete_target"],
                                                           options["discrete_target"]),
    )
    est = result.estimator
    if args.json:
        print(json.dumps({
            "value": result.value,
            "std_error": result.std_error,
            "bits": result.bits,
            "std_error_bits": result.std_error_bits,
            "x": name_list(x_names),
            "y": name_list(y),
            "conditioning": None if z is None else name_list(z),
            "estimator": type(est).__name__,
            "params": _jsonable(est.get_params(deep=False)),
            "n_train": result.n_train,
            "n_test": result.n_test,
            "held_out": result.held_out,
            "n_iter": getattr(est, "n_iter_", None),
            "device": str(getattr(est, "device_", "")) or None,
            "caveats": list(result.caveats),
        }))
        return 0
    given_text = "" if z is None else f" | {_names_text(z)}"
    print(f"I({_names_text(x_names)}; {_names_text(y)}{given_text}) = {_value_text(result)}")
    if result.held_out:
        print(f"{type(est).__name__}: trained on {result.n_train:,} rows, estimated on "
              f"{result.n_test:,} held-out rows")
    else:
        print(f"{type(est).__name__}: estimated on all {result.n_test:,} rows")
    return 0


def _select(args):
    from .selection import MutualInfoSelector

    options, estimator = _options(args, "select")
    if options.get("y") is None:
        raise UserError("name the target column(s) with --y (or y = ... in --config)")
    df = _read_table(args.data)
    target = _parse_column_names(options["y"])
    features = _parse_column_names(options["features"])
    _check_parse_column_names(df, args.data, name_list(target) + (features or []))
    if features is None:
        features = [c for c in df.columns if c not in name_list(target)]
    else:
        features = name_list(features)
    how = {name: options.get(name) for name in ("k", "percentile", "threshold")}
    chosen = [name for name, value in how.items() if value is not None]
    if len(chosen) > 1:
        raise UserError(f"set one of k, percentile and threshold; got {chosen}")
    if not chosen:
        how["k"] = 10
    if estimator is not None and options["device"] is not None \
            and "device" in estimator.get_params(deep=False):
        estimator.set_params(device=options["device"])
    strategy = options["strategy"]
    selector = MutualInfoSelector(
        estimator, **how, strategy=strategy, n_permutations=options["n_permutations"],
        n_jobs=options["n_jobs"], random_state=options["seed"],
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="k=.* is greater than n_features")
        selector.fit(df[features], df[target])
    support = selector.get_support()
    # ranking_ is the order of the picks for a greedy strategy, of the scores otherwise
    # (ties, which share a rank, by score and then column order).
    order = [i for i in np.lexsort((-selector.scores_, selector.ranking_)) if support[i]]
    pvalues = selector.pvalues_
    rows = [{"feature": features[i], "mi": float(selector.scores_[i]),
             "rank": int(selector.ranking_[i]),
             **({} if pvalues is None else {"pvalue": float(pvalues[i])})} for i in order]
    name = type(selector.estimator_).__name__
    rule = ", ".join([f"{k}={v}" for k, v in how.items() if v is not None]
                     + ([f"strategy={strategy}"] if strategy != "univariate" else []))
    if args.json:
        print(json.dumps(_jsonable({
            # "target": y's first name in this command, for the scripts that read it.
            "y": name_list(target), "target": name_list(target), "estimator": name,
            "strategy": strategy, "selection": how, "selected": rows,
            "scores": {str(f): float(s) for f, s in zip(features, selector.scores_)},
        })))
        return 0
    width = max([len("feature"), *(len(str(r["feature"])) for r in rows)])
    # A greedy strategy's score is its criterion at the step of the pick (mRMR's is
    # relevance minus redundancy), not the feature's MI.
    label = "MI (nats)" if strategy == "univariate" else "criterion (nats)"
    header = f"{'rank':>4}  {'feature':<{width}}  {label}"
    print(header + ("  p-value" if pvalues is not None else ""))
    for r in rows:
        line = f"{r['rank']:>4}  {str(r['feature']):<{width}}  {r['mi']:>{len(label)}.4f}"
        print(line + (f"  {r['pvalue']:>7.3f}" if pvalues is not None else ""))
    print(f"selected {len(rows)} of {len(features)} features ({rule}) by their MI with "
          f"{', '.join(map(str, name_list(target)))}, {name}")
    return 0


def _te(args):
    from .timeseries import transfer_entropy

    if args.estimator != "auto":
        # An unknown name fails before the data is read; the target's past is the
        # conditioning, so the conditional estimators are names here too.
        _resolve_estimator(args.estimator, conditional=True)
    df = _read_table(args.data)
    source, target = name_list(_parse_column_names(args.source)), name_list(_parse_column_names(args.target))
    z = None if args.conditioning is None else name_list(_parse_column_names(args.conditioning))
    time = [] if args.time is None else [args.time]
    _check_parse_column_names(df, args.data, source + target + (z or []) + time)
    for role, flag, names in (("source", "--source", source), ("target", "--target", target),
                              ("conditioning", "--conditioning", z or [])):
        _check_numeric(df, names, args.data, role, flag)
    if args.time is not None:
        df = df.set_index(_time_index(df[args.time], args.time, args.data))
    lags = None
    if args.conditioning_lags is not None:
        try:
            lags = [int(v) for v in name_list(_parse_column_names(args.conditioning_lags))]
        except ValueError:
            raise UserError("--conditioning-lags must be comma-separated integers; got "
                            f"{args.conditioning_lags!r}") from None
    result = transfer_entropy(
        df[source], df[target], lag=args.lag, history=args.history,
        conditioning=None if z is None else df[z], conditioning_lags=lags,
        estimator=args.estimator, n_permutations=args.permutations,
        random_state=args.seed, verbose=not args.quiet,
    )
    est = result.estimator
    if args.json:
        print(json.dumps(_jsonable({
            "value": result.value, "std_error": result.std_error, "bits": result.bits,
            "std_error_bits": result.std_error_bits, "p_value": result.p_value,
            "n_permutations": args.permutations, "source": source, "target": target,
            "conditioning": z, "lag": args.lag, "history": args.history,
            "conditioning_lags": lags, "estimator": type(est).__name__,
            "n_samples": result.n_test, "caveats": list(result.caveats),
        })))
        return 0
    given = "" if z is None else f" | {_names_text(z)}"
    print(f"TE({_names_text(source)} -> {_names_text(target)}{given}) = {_value_text(result)}")
    print(f"{type(est).__name__}: lag {args.lag}, target history {args.history}, on "
          f"{result.n_test:,} lagged samples")
    if result.p_value is not None:
        print(f"p = {result.p_value:.4g} ({args.permutations} circular shifts of the source)")
    return 0


def _value_text(result):
    """An MIResult's value in nats and bits, each with its standard error if it has one."""
    if result.std_error is None:
        return f"{result.value:.4f} nats = {result.bits:.4f} bits"
    return (f"{result.value:.4f} ± {result.std_error:.4f} nats = {result.bits:.4f} ± "
            f"{result.std_error_bits:.4f} bits")


def _time_index(stamps, name, path):
    """A --time column as the rows' index: numbers as they are, text as dates; sorted."""
    import pandas as pd

    if stamps.dtype.kind not in "biufM":
        try:
            stamps = pd.to_datetime(stamps)
        except (ValueError, TypeError) as error:
            raise UserError(f"the --time column {name!r} of {path} does not read as time "
                            f"stamps: {error}") from None
    if not stamps.is_monotonic_increasing:
        raise UserError(f"the --time column {name!r} of {path} is not sorted; sort the rows "
                        "by it first")
    return pd.Index(stamps, name=name)


def _print_estimators():
    """The estimators of I(x; y), then those of I(x; y | z), which only ``estimate
    --conditioning`` and ``te`` take, and the auto rule."""
    unconditional = named_estimators()
    conditional = {name: cls for name, cls in named_estimators(conditional=True).items()
                   if name not in unconditional}
    rows = [(name, cls.__name__, _summary(cls))
            for classes in (unconditional, conditional) for name, cls in classes.items()]
    widths = [max(len(header), *(len(r[i]) for r in rows))
              for i, header in enumerate(("name", "class"))]
    print(f"{'name':<{widths[0]}}  {'class':<{widths[1]}}  description")
    for i, (name, class_name, summary) in enumerate(rows):
        if i == len(unconditional):
            print("\nconditional MI I(x; y | z), for estimate --conditioning and te (where "
                  "the names above serve too, through the chain rule):")
        print(f"{name:<{widths[0]}}  {class_name:<{widths[1]}}  {summary}")
    print(f"\nauto: {AUTO_RULE}")


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
    # The conditional estimators' names are taken where conditioning columns are given.
    conditional = options.get("conditioning") is not None
    if name not in (None, "auto"):
        # An unknown name fails before the data is read.
        _resolve_estimator(name, conditional=conditional)
    if not params:
        # select takes an instance (None: KSG's one-pass path); estimate_mi takes names.
        return options, _resolve_estimator(name) if command == "select" and name else name
    if name is None or name == "auto":
        raise UserError(
            f"{args.config}: the [estimator] table sets parameters {sorted(params)} but "
            "names no estimator; add name = \"smile\" (say) to it, or pass --estimator"
        )
    estimator = _resolve_estimator(name, conditional=conditional)
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
    for alias, key in ALIASES.items():
        if alias in config:
            if key in config:
                raise UserError(f"{path}: {alias} is another name for {key}; set one of them")
            config[key] = config.pop(alias)
    if "conditioning" in params and command == "estimate":
        # The conditional estimators' parameter is estimate_mi's conditioning: one option.
        if "conditioning" in config:
            raise UserError(f"{path}: conditioning is set twice, at the top and in the "
                            "[estimator] table; set one")
        config["conditioning"] = params.pop("conditioning")
    unknown = sorted(set(config) - CONFIG_OPTIONS[command])
    if unknown:
        raise UserError(
            f"{path}: unknown option(s) {unknown} for skmist {command}; a config sets "
            f"{sorted(CONFIG_OPTIONS[command])} and an [estimator] table"
        )
    for key, value in config.items():
        _check_config_type(path, key, value)
    return name, params, config


def _check_config_type(path, key, value):
    kind = CONFIG_TYPES[key]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": number,
        "str": isinstance(value, str),
        "auto_or_bool": isinstance(value, bool) or value == "auto",
        "names": isinstance(value, str) or (isinstance(value, list) and bool(value) and all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)),
    }[kind]
    if not ok:
        wanted = {"bool": "true or false", "int": "an integer", "number": "a number",
                  "str": "a string", "names": "a column name or a list of names",
                  "auto_or_bool": "true, false or \"auto\""}[kind]
        raise UserError(f"{path}: {key} must be {wanted}; got {value!r} "
                        f"({type(value).__name__})")


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
    """``parse_test_size`` with a user's error; estimate_mi checks that the split
    leaves enough rows on both sides."""
    try:
        return parse_test_size(value)
    except ValueError as error:
        raise UserError(str(error)) from None


# --- data ------------------------------------------------------------------------------


def _read_table(path):
    import pandas as pd

    if path == "-":
        return _has_rows(pd.read_csv(sys.stdin), "stdin")
    file = Path(path)
    if not file.exists():
        raise UserError(f"no such file: {path}")
    if file.is_dir():
        raise UserError(f"{path} is a directory, not a data file")
    suffix = file.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return _has_rows(pd.read_parquet(file), path)
        except ImportError:
            raise UserError(
                f"reading {path} needs pyarrow: pip install \"skmist[parquet]\""
            ) from None
    try:
        return _has_rows(pd.read_csv(file, sep="\t" if suffix == ".tsv" else ","), path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path} as CSV: {error}") from None


def _has_rows(df, path):
    if df.empty and len(df.columns):
        # Every column of a header-only CSV reads as text; say what is wrong instead.
        raise UserError(f"{path} has no rows, only a header "
                        f"({', '.join(map(str, df.columns))})")
    return df


def _parse_column_names(value):
    """Column names from "a,b" or a TOML list; one name stays a string (a 1-D y), as
    estimate_mi reads it."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    if not names:
        raise UserError(f"no column names in {value!r}")
    return names[0] if len(names) == 1 else names


def _names_text(names, most=6):
    names = [str(name) for name in name_list(names)]
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most - 1])}, ... ({len(names)} columns)"


def _check_parse_column_names(df, path, names):
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
