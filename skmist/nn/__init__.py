"""Torch modules: the MLP, the critics that the MI bounds score, and the densities
q(y), q(y | x) of the generative estimators."""

from ._critics import (
    ALL_PAIRS_RATIO,
    BilinearCritic,
    JointCritic,
    SeparableCritic,
    pair_scores,
)
from ._denoiser import Denoiser, GaussianDenoiser
from ._densities import CategoricalDensity, FlowDensity, GaussianDensity, MixtureDensity
from ._mlp import ACTIVATIONS, MLP

__all__ = [
    "ACTIVATIONS",
    "ALL_PAIRS_RATIO",
    "BilinearCritic",
    "CategoricalDensity",
    "Denoiser",
    "FlowDensity",
    "GaussianDenoiser",
    "GaussianDensity",
    "JointCritic",
    "MLP",
    "MixtureDensity",
    "SeparableCritic",
    "pair_scores",
]
