"""skmist's estimators, one family per module."""

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
from ._nonparametric import (
    GaussianEstimator,
    HistogramEstimator,
    KDEEstimator,
    KSGEstimator,
)

__all__ = [
    "AlphaTUBAEstimator",
    "FLOEstimator",
    "GaussianEstimator",
    "HistogramEstimator",
    "InfoNCEEstimator",
    "JSEstimator",
    "KDEEstimator",
    "KSGEstimator",
    "MINEEstimator",
    "NWJEstimator",
    "SMILEEstimator",
    "TUBAEstimator",
]
