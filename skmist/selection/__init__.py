"""Feature selection by mutual information."""

from ._selector import (  # noqa: F401
    MutualInfoScores,
    MutualInfoSelector,
    _ranks,
    mutual_info_matrix,
    mutual_info_scores,
)

__all__ = ["MutualInfoScores", "MutualInfoSelector", "mutual_info_matrix", "mutual_info_scores"]
