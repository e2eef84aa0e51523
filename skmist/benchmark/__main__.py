"""``python -m skmist.benchmark --estimators ksg,smile --tasks all --out results/``."""

import sys

from ._command import main

if __name__ == "__main__":
    sys.exit(main())
