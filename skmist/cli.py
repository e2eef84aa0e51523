"""The ``skmist`` console script (the full command line is its own piece of work)."""

import argparse

import skmist
from skmist import estimators


def main(argv=None):
    """Print the version and the estimators this installation provides."""
    parser = argparse.ArgumentParser(
        prog="skmist", description="Mutual information estimation for scikit-learn."
    )
    parser.add_argument("--version", action="version", version=f"skmist {skmist.__version__}")
    parser.parse_args(argv)
    print(f"skmist {skmist.__version__}")
    print("estimators:")
    for name in estimators.__all__:
        summary = getattr(estimators, name).__doc__.strip().splitlines()[0]
        print(f"  {name:<20} {summary}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
