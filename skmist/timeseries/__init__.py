"""Information flow between time series: lagged mutual information and transfer entropy.

* :func:`lagged_mi`: I(x_{t-lag}; y_t) at each lag, as a DataFrame indexed by lag.
* :func:`transfer_entropy`: I(y_t; x_{t-lag} | y's past [, z's past]), an
  :class:`~skmist.MIResult` with a standard error and, with ``n_permutations``, a
  circular-shift p-value.
* :func:`sample_var`, :func:`var_lagged_mi`, :func:`var_transfer_entropy`: Gaussian
  vector autoregressions and their closed forms, the ground truth of the estimates.

Both estimates embed the series into lagged rows and hand them to
:func:`skmist.estimate_mi`, so ``estimator="auto"`` chooses as it does there.
"""

from ._gaussian import sample_var, var_lagged_mi, var_transfer_entropy
from ._transfer_entropy import lagged_mi, transfer_entropy

__all__ = [
    "lagged_mi",
    "sample_var",
    "transfer_entropy",
    "var_lagged_mi",
    "var_transfer_entropy",
]
