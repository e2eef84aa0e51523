"""Gaussian kernel density plug-in MI: resubstitution and leave-one-out, differentiable."""

import math
from numbers import Real

import torch

from .._docstrings import fill_doc
from ._neighbors import (
    PROMOTED,
    as_sample_pair,
    check_not_constant,
    column_std,
    returns_nats,
)

__all__ = ["kde_mi"]

_CHUNK_ELEMENTS = 2**24

BANDWIDTH_RULES = ("scott", "silverman")


def kde_bandwidth(z, bandwidth):
    """Per-column kernel widths ``(d,)`` for data ``z`` of shape ``(n, d)``."""
    n, d = z.shape
    if isinstance(bandwidth, str):
        if bandwidth not in BANDWIDTH_RULES:
            raise ValueError(
                f"bandwidth must be 'scott', 'silverman' or a positive float; got {bandwidth!r}"
            )
        # Rules of thumb for a d-dimensional Gaussian, as scipy.stats.gaussian_kde.
        if bandwidth == "scott":
            factor = n ** (-1.0 / (d + 4))
        else:
            factor = (n * (d + 2) / 4.0) ** (-1.0 / (d + 4))
        return column_std(z, correction=1) * factor
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, Real) or not bandwidth > 0:
        raise ValueError(
            f"bandwidth must be 'scott', 'silverman' or a positive float; got {bandwidth!r}"
        )
    if not math.isfinite(bandwidth):
        raise ValueError(f"bandwidth must be finite; got {bandwidth!r}")
    return torch.full((d,), float(bandwidth), dtype=z.dtype, device=z.device)


@fill_doc(returns=returns_nats(PROMOTED))
def kde_mi(x, y, bandwidth="scott", leave_one_out=True, *, chunk_size=None):
    r"""MI of a Gaussian kernel density estimate, averaged over the samples, in nats.

    With :math:`\hat p` the product-Gaussian KDE of :math:`z = (x, y)` with widths
    :math:`h` per column, and :math:`\hat p_X, \hat p_Y` its marginals (the KDEs of x and
    y with the same widths),

    .. math:: \hat I = \frac1N \sum_i \log
              \frac{\hat p(x_i, y_i)}{\hat p_X(x_i)\, \hat p_Y(y_i)}
            = \log N' + \frac1N \sum_i \left[\mathrm{LSE}_j(-\tfrac12 \|u^{xy}_{ij}\|^2)
              - \mathrm{LSE}_j(-\tfrac12 \|u^{x}_{ij}\|^2)
              - \mathrm{LSE}_j(-\tfrac12 \|u^{y}_{ij}\|^2)\right]

    with :math:`u_{ij} = (z_i - z_j) / h` restricted to the columns named. The
    normalising constants cancel. Resubstitution (:math:`j` over all samples,
    :math:`N' = N`) is biased upwards, more so as the bandwidth shrinks (each point's own
    kernel dominates); leave-one-out (:math:`j \ne i`, :math:`N' = N - 1`) removes that
    term and is biased downwards for small bandwidths instead. Choose the bandwidth by
    likelihood, never by this MI. Smoothing biases strong dependence downwards.

    Differentiable with respect to ``x`` and ``y`` (pure torch). Costs O(N^2 d) time;
    rows are processed in chunks, but with autograd enabled the graph keeps every chunk.

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features_x)
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_features_y)
        Continuous samples.
    bandwidth : {"scott", "silverman"} or float, default="scott"
        Kernel standard deviation. A rule gives each column its sample standard deviation
        times Scott's :math:`N^{-1/(d+4)}` or Silverman's
        :math:`(N (d + 2) / 4)^{-1/(d+4)}`, with :math:`d = d_x + d_y` (the joint
        dimension, so the marginals are the joint KDE's); a float is the width of every
        column, in data units.
    leave_one_out : bool, default=True
        Drop each sample from its own density estimate, as :class:`~skmist.KDEEstimator`
        does by default (skmist 0.1's default here was False, resubstitution: pass
        ``leave_one_out=False`` for it).
    chunk_size : int, default=None
        Rows per chunk; by default about ``2**24 / (N max(d_x, d_y))``. The value does not
        depend on it.

    {returns}

    References
    ----------
    Y.-I. Moon, B. Rajagopalan and U. Lall, "Estimation of mutual information using
    kernel density estimators", Phys. Rev. E 52, 2318 (1995);
    D. W. Scott, "Multivariate Density Estimation", Wiley (1992) (the bandwidth rules).
    """
    return _kde_pointwise(x, y, bandwidth, leave_one_out, chunk_size).mean()


def _kde_pointwise(x, y, bandwidth="scott", leave_one_out=True, chunk_size=None):
    """The per-sample terms ``log p(x_i, y_i) / (p_X(x_i) p_Y(y_i))`` of :func:`kde_mi`,
    shape ``(n,)``: the KDE's pointwise MI, whose mean is the estimate."""
    x, y = as_sample_pair(x, y)
    n, dx = x.shape
    if n < 2:
        raise ValueError(f"kde_mi needs at least 2 samples; got {n}")
    if isinstance(bandwidth, str):
        check_not_constant(x, "x")
        check_not_constant(y, "y")
    if not isinstance(leave_one_out, bool):
        raise ValueError(f"leave_one_out must be a bool; got {leave_one_out!r}")
    dtype = torch.promote_types(x.dtype, y.dtype)
    z = torch.cat([x.to(dtype), y.to(dtype)], dim=1)
    u = z / kde_bandwidth(z, bandwidth)
    ux, uy = u[:, :dx], u[:, dx:]
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1; got {chunk_size}")
    rows = chunk_size or max(1, _CHUNK_ELEMENTS // (n * max(dx, uy.shape[1])))
    terms = []
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        sq_x = (ux[start:stop, None, :] - ux[None, :, :]).square().sum(dim=-1)
        sq_y = (uy[start:stop, None, :] - uy[None, :, :]).square().sum(dim=-1)
        log_k = torch.stack([sq_x + sq_y, sq_x, sq_y]).mul(-0.5)
        if leave_one_out:
            own = torch.arange(start, stop, device=u.device)
            self_pair = own[:, None] == torch.arange(n, device=u.device)[None, :]
            log_k = log_k.masked_fill(self_pair, -math.inf)
        lse = torch.logsumexp(log_k, dim=-1)
        terms.append(lse[0] - lse[1] - lse[2])
    log_count = math.log(n - 1 if leave_one_out else n)
    return torch.cat(terms) + log_count
