"""Torch modules: the MLP and the critics that the MI bounds score."""

from ._critics import (
    ALL_PAIRS_RATIO,
    BilinearCritic,
    JointCritic,
    SeparableCritic,
    pair_scores,
)
from ._mlp import ACTIVATIONS, MLP

__all__ = [
    "ACTIVATIONS",
    "ALL_PAIRS_RATIO",
    "BilinearCritic",
    "JointCritic",
    "MLP",
    "SeparableCritic",
    "pair_scores",
]
