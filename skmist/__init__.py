"""skmist: mutual information estimation for scikit-learn, on PyTorch.

Every estimator is a scikit-learn estimator whose ``score`` is an MI estimate in nats
on the given samples::

    from skmist import SMILEEstimator
    SMILEEstimator().fit(X, y).score(X_test, y_test)
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from . import datasets, functional, nn, timeseries
from ._estimate import MIResult, estimate_mi
from ._neural import NeuralMIEstimator, UnreliableEstimateWarning
from ._scoring import conservative_mi_scorer
from .estimators import *  # noqa: F401,F403
from .estimators import __all__ as _estimators_all
from .estimators import conditional_log_likelihood_scorer
from .selection import MutualInfoSelector, mutual_info_matrix, mutual_info_scores

try:
    __version__ = _version("skmist")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "MIResult",
    "MutualInfoSelector",
    "NeuralMIEstimator",
    "UnreliableEstimateWarning",
    "__version__",
    "conditional_log_likelihood_scorer",
    "conservative_mi_scorer",
    "datasets",
    "estimate_mi",
    "functional",
    "mutual_info_matrix",
    "mutual_info_scores",
    "nn",
    "timeseries",
    *_estimators_all,
]
