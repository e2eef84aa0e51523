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

__all__ = [
    "AlphaTUBAEstimator",
    "FLOEstimator",
    "InfoNCEEstimator",
    "JSEstimator",
    "MINEEstimator",
    "NWJEstimator",
    "SMILEEstimator",
    "TUBAEstimator",
]
