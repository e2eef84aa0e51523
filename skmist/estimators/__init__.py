"""skmist's estimators, one family per module.

:func:`all_estimators` lists them with their tags (family, trained, conditional,
bound, ...). ``__all__`` holds the estimator classes alone, which ``skmist``
re-exports.
"""

from ._conditional import ChainRuleCMIEstimator, ConditionalKSGEstimator
from ._diffusion import MINDEEntropy, MINDEEstimator, MMGEstimator
from ._discriminative import (
    AlphaTUBAEstimator,
    FLOEstimator,
    InfoNCEEstimator,
    JSEstimator,
    MINEEstimator,
    NWJEstimator,
    SMILEEstimator,
    TUBAEstimator,
)
from ._generative import (
    BAEstimator,
    CLUBEstimator,
    DoEEstimator,
    GMEstimator,
    L1OUTEstimator,
    conditional_log_likelihood_scorer,
)
from ._hybrid import HybridEstimator
from ._nonparametric import (
    GaussianEstimator,
    HistogramEstimator,
    KDEEstimator,
    KSGEstimator,
)
from ._quantized import BinnedEstimator, ClassifierEstimator, PQEstimator, RegressorEstimator
from ._registry import EstimatorEntry, all_estimators

__all__ = [
    "AlphaTUBAEstimator",
    "BAEstimator",
    "BinnedEstimator",
    "CLUBEstimator",
    "ChainRuleCMIEstimator",
    "ClassifierEstimator",
    "ConditionalKSGEstimator",
    "DoEEstimator",
    "FLOEstimator",
    "GMEstimator",
    "GaussianEstimator",
    "HistogramEstimator",
    "HybridEstimator",
    "InfoNCEEstimator",
    "JSEstimator",
    "KDEEstimator",
    "KSGEstimator",
    "L1OUTEstimator",
    "MINDEEntropy",
    "MINDEEstimator",
    "MINEEstimator",
    "MMGEstimator",
    "NWJEstimator",
    "PQEstimator",
    "RegressorEstimator",
    "SMILEEstimator",
    "TUBAEstimator",
]
