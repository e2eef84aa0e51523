"""skmist's estimators, one family per module."""

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
from ._quantized import BinnedEstimator, PQEstimator

__all__ = [
    "AlphaTUBAEstimator",
    "BAEstimator",
    "BinnedEstimator",
    "CLUBEstimator",
    "ChainRuleCMIEstimator",
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
    "SMILEEstimator",
    "TUBAEstimator",
]
