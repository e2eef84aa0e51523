"""Plug-in MI of discrete labels and of binned data; soft (kernel-assigned) bins."""

import math
from numbers import Integral, Real

import torch

from .._docstrings import fill_doc
from ._neighbors import (
    PROMOTED,
    as_sample_pair,
    as_samples,
    check_same_length,
    output_dtype,
    returns_nats,
)

__all__ = ["discrete_mi", "histogram_mi", "soft_histogram_mi"]

BIN_RULES = ("sturges", "sqrt", "scott", "fd")
CORRECTIONS = (None, "miller-madow")

# Joint soft-histogram cells held at once: bins**(dx + dy) above this raises.
_MAX_SOFT_CELLS = 2**24


def _check_correction(correction):
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be None or 'miller-madow'; got {correction!r}")


def _row_codes(labels):
    """Integer code per row of ``labels`` (n, m) and the number of distinct rows."""
    _, codes, counts = torch.unique(labels, dim=0, return_inverse=True, return_counts=True)
    return codes, counts.shape[0]


def _chance_mi(codes_x, codes_y):
    """``(chance, m_x, m_y)``: about what the plug-in MI of these codes' cells gives on
    independent data, with ``m`` the occupied cells of each side.

    ``2 n I`` of an independent contingency table is chi-square with ``(m_x - 1)(m_y -
    1)`` degrees of freedom (Miller 1955), so its mean is ``(m_x - 1)(m_y - 1) / 2n``;
    with more cells than samples the plug-in is capped by ``log min(m_x, m_y)``.
    """
    n = codes_x.shape[0]
    m_x = _row_codes(codes_x.reshape(n, -1))[1]
    m_y = _row_codes(codes_y.reshape(n, -1))[1]
    chance = min((m_x - 1) * (m_y - 1) / (2.0 * n), math.log(min(m_x, m_y)))
    return chance, m_x, m_y


def _entropy_of_counts(counts, n):
    counts = counts.to(torch.float64)
    return math.log(n) - (counts * torch.log(counts)).sum() / n


def _plugin_mi(codes_x, codes_y, n_x, correction):
    n = codes_x.shape[0]
    _, counts_x = torch.unique(codes_x, return_counts=True)
    _, counts_y = torch.unique(codes_y, return_counts=True)
    _, counts_xy = torch.unique(codes_y * n_x + codes_x, return_counts=True)
    mi = (
        _entropy_of_counts(counts_x, n)
        + _entropy_of_counts(counts_y, n)
        - _entropy_of_counts(counts_xy, n)
    )
    if correction == "miller-madow":
        # Each plug-in entropy is biased by -(m - 1) / 2N with m occupied cells
        # (Miller 1955); MI = H(X) + H(Y) - H(X, Y) collects the three corrections.
        m_x, m_y, m_xy = counts_x.shape[0], counts_y.shape[0], counts_xy.shape[0]
        mi = mi + (m_x + m_y - m_xy - 1) / (2.0 * n)
    return mi


def _log_frequencies(codes):
    """Per-row ``log p(code)`` with ``p`` the frequencies of ``codes`` (n,)."""
    _, inverse, counts = torch.unique(codes, return_inverse=True, return_counts=True)
    return torch.log(counts.to(torch.float64) / codes.shape[0])[inverse]


def _plugin_pointwise(codes_x, codes_y, correction):
    """Per-row terms of :func:`_plugin_mi` on 1-D codes, whose mean is it: the log
    ratio ``log p(a, b) / (p(a) p(b))`` of each row's cell frequencies, plus the
    Miller-Madow correction (a constant) where asked."""
    joint = codes_y * (int(codes_x.max()) + 1) + codes_x
    terms = _log_frequencies(joint) - _log_frequencies(codes_x) - _log_frequencies(codes_y)
    if correction == "miller-madow":
        m_x, m_y, m_xy = (torch.unique(c).shape[0] for c in (codes_x, codes_y, joint))
        terms = terms + (m_x + m_y - m_xy - 1) / (2.0 * codes_x.shape[0])
    return terms


def discrete_mi(x_labels, y_labels, *, correction=None):
    r"""Plug-in (maximum-likelihood) MI of two discrete variables, in nats.

    .. math:: \hat I = \sum_{a, b} \hat p(a, b) \log \frac{\hat p(a, b)}{\hat p(a)\hat p(b)}

    with :math:`\hat p` the empirical frequencies of the contingency table; the same as
    :func:`sklearn.metrics.mutual_info_score`. Biased upwards by about
    :math:`(m_{xy} - m_x - m_y + 1) / 2N` for :math:`m` occupied cells; the Miller-Madow
    correction subtracts that first-order term.

    Parameters
    ----------
    x_labels : torch.Tensor of shape (n_samples,) or (n_samples, n_columns)
    y_labels : torch.Tensor of shape (n_samples,) or (n_samples, n_columns)
        Labels of any dtype; the rows of a 2-D tensor are joint labels.
    correction : {None, "miller-madow"}, default=None
        First-order bias correction.

    Returns
    -------
    torch.Tensor
        0-dim float64 tensor, in nats.

    References
    ----------
    G. A. Miller, "Note on the bias of information estimates", in Information Theory in
    Psychology (1955); L. Paninski, "Estimation of entropy and mutual information",
    Neural Computation 15, 1191-1253 (2003), section 3.
    """
    x = as_samples(x_labels, "x_labels")
    y = as_samples(y_labels, "y_labels")
    check_same_length(x, y, ("x_labels", "y_labels"))
    _check_correction(correction)
    codes_x, m_x = _row_codes(x)
    codes_y, _ = _row_codes(y)
    return _plugin_mi(codes_x, codes_y, m_x, correction).to(x.device)


def n_bins(column, bins):
    """Number of equal-width bins for one column (n,) by count or rule."""
    n = column.shape[0]
    if isinstance(bins, str):
        if bins not in BIN_RULES:
            raise ValueError(f"bins must be a positive integer or one of {BIN_RULES}; got {bins!r}")
        if bins == "sturges":
            return int(math.ceil(math.log2(n))) + 1
        if bins == "sqrt":
            return int(math.ceil(math.sqrt(n)))
        span = float(column.max() - column.min())
        if bins == "scott":
            width = (24.0 * math.sqrt(math.pi) / n) ** (1.0 / 3.0) * float(column.std())
        else:
            q = torch.quantile(column.to(torch.float64), torch.tensor([0.25, 0.75],
                               dtype=torch.float64, device=column.device))
            width = 2.0 * float(q[1] - q[0]) * n ** (-1.0 / 3.0)
        return max(1, int(math.ceil(span / width))) if width > 0 else 1
    if isinstance(bins, bool) or not isinstance(bins, Integral) or bins < 1:
        raise ValueError(f"bins must be a positive integer or one of {BIN_RULES}; got {bins!r}")
    return int(bins)


def _bin_codes(t, bins):
    """Per-column bin index (n, d) on equal-width bins spanning each column's range."""
    codes = []
    for column in t.T:
        b = n_bins(column, bins)
        lo, hi = column.min(), column.max()
        if hi > lo:
            scaled = (column - lo) / (hi - lo) * b
            codes.append(scaled.floor().long().clamp_(0, b - 1))
        else:
            codes.append(torch.zeros_like(column, dtype=torch.long))
    return torch.stack(codes, dim=1)


@fill_doc(returns=returns_nats())
def histogram_mi(x, y, bins="sturges", *, correction=None):
    r"""Plug-in MI of binned data, in nats.

    Each column is cut into equal-width bins over its range; a sample's cell is its tuple
    of bin indices. The estimate is :func:`discrete_mi` of the cells,

    .. math:: \hat I = \sum_{a, b} \hat p(a, b) \log \frac{\hat p(a, b)}{\hat p(a)\hat p(b)}.

    Bias: two of opposite sign. Binning loses information (data-processing inequality:
    the MI of the cells is at most the MI), more for coarse bins; finite samples inflate
    the plug-in, about :math:`(m_{xy} - m_x - m_y + 1) / 2N` for :math:`m` occupied
    cells, more for fine bins and in higher dimension, where the cells grow as
    :math:`b^d`. ``correction="miller-madow"`` removes the second to first order.
    Not differentiable; see :func:`soft_histogram_mi`.

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features_x)
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_features_y)
    bins : int or {"sturges", "sqrt", "scott", "fd"}, default="sturges"
        Bins per column, or the rule that picks them per column (as
        :func:`numpy.histogram_bin_edges`: Sturges ``ceil(log2 N) + 1``, square root,
        Scott's and Freedman-Diaconis' widths).
    correction : {None, "miller-madow"}, default=None
        First-order bias correction of the plug-in.

    {returns}

    References
    ----------
    L. Paninski, "Estimation of entropy and mutual information", Neural Computation 15,
    1191-1253 (2003); G. A. Miller (1955), see :func:`discrete_mi`.
    """
    x, y = as_sample_pair(x, y)
    _check_correction(correction)
    codes_x, m_x = _row_codes(_bin_codes(x, bins))
    codes_y, _ = _row_codes(_bin_codes(y, bins))
    mi = _plugin_mi(codes_x, codes_y, m_x, correction)
    return mi.to(dtype=output_dtype(x), device=x.device)


def _soft_assignment(t, bins, bandwidth):
    """Row-wise product of per-column soft bin memberships: (n, b_1 * ... * b_d)."""
    weights = None
    for column in t.T:
        b = n_bins(column.detach(), bins)
        lo, hi = column.min(), column.max()
        width = (hi - lo) / b
        if not width > 0:
            raise ValueError(
                "a column is constant; soft_histogram_mi is undefined for a constant variable"
            )
        centres = lo + width * (torch.arange(b, dtype=t.dtype, device=t.device) + 0.5)
        h = width * bandwidth
        member = torch.softmax(-0.5 * ((column[:, None] - centres) / h).square(), dim=1)
        weights = member if weights is None else (weights[:, :, None] * member[:, None, :])
        weights = weights.reshape(t.shape[0], -1)
    return weights


@fill_doc(returns=returns_nats(PROMOTED))
def soft_histogram_mi(x, y, bins="sturges", bandwidth=0.25):
    r"""MI of a soft (kernel-assigned) histogram, in nats; differentiable.

    Each column gets ``bins`` equal-width bins over its range; sample :math:`i` belongs to
    bin :math:`b` of a column with weight
    :math:`w_{ib} \propto \exp(-(v_i - c_b)^2 / 2h^2)` (normalised over :math:`b`, with
    :math:`c_b` the bin centres and :math:`h` = ``bandwidth`` times the bin width), and
    to a cell with the product of its columns' weights.
    With :math:`\hat p(a, b) = \frac1N \sum_i w^x_{ia} w^y_{ib}`,

    .. math:: \hat I = \sum_{a, b} \hat p(a, b) \log \frac{\hat p(a, b)}{\hat p(a)\hat p(b)}.

    As :math:`h \to 0` this is :func:`histogram_mi`; larger :math:`h` smooths, lowering
    both the variance and the value (a bias towards 0). Differentiable with respect to
    ``x`` and ``y``, the bin grid included (it follows the columns' min and max). Holds
    ``N * bins**d_x``, ``N * bins**d_y`` and ``bins**(d_x + d_y)`` weights: meant for
    low dimensions.

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features_x)
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_features_y)
    bins : int or {"sturges", "sqrt", "scott", "fd"}, default="sturges"
        Bins per column, see :func:`histogram_mi`.
    bandwidth : float, default=0.25
        Kernel standard deviation in units of each column's bin width (so the estimate
        does not depend on the data's scale). Smaller is closer to the hard histogram
        and has steeper gradients.

    {returns}

    References
    ----------
    C. O. Daub, R. Steuer, J. Selbig and S. Kloska, "Estimating mutual information using
    B-spline functions", BMC Bioinformatics 5, 118 (2004) (soft bin assignment).
    """
    x, y = as_sample_pair(x, y)
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, Real) or not (
        0 < bandwidth < math.inf
    ):
        raise ValueError(f"bandwidth must be a positive float (in bin widths); got {bandwidth!r}")
    dtype = torch.promote_types(x.dtype, y.dtype)
    x, y = x.to(dtype), y.to(dtype)
    cells = 1
    for t in (x, y):
        for column in t.T:
            cells *= n_bins(column.detach(), bins)
    if cells > _MAX_SOFT_CELLS:
        raise ValueError(
            f"soft_histogram_mi would hold {cells} joint cells (bins**(d_x + d_y)); "
            f"use fewer bins or dimensions (at most {_MAX_SOFT_CELLS})"
        )
    w_x = _soft_assignment(x, bins, bandwidth)
    return mi_of_memberships(w_x, _soft_assignment(y, bins, bandwidth))


def _memberships_pointwise(w_x, w_y):
    """Per-row terms of :func:`mi_of_memberships`, whose mean is it: each cell's log
    ratio ``log p(a, b) / (p(a) p(b))`` weighted by the row's memberships."""
    p_xy = w_x.T @ w_y / w_x.shape[0]
    tiny = torch.finfo(p_xy.dtype).tiny

    def log(p):
        return torch.log(p.clamp_min(tiny))

    log_ratio = log(p_xy) - log(p_xy.sum(1, keepdim=True)) - log(p_xy.sum(0, keepdim=True))
    return ((w_x @ log_ratio) * w_y).sum(1)


def mi_of_memberships(w_x, w_y):
    """Plug-in MI of the table ``p(a, b) = mean_i w_x[i, a] w_y[i, b]``; rows sum to 1."""
    p_xy = w_x.T @ w_y / w_x.shape[0]
    tiny = torch.finfo(p_xy.dtype).tiny

    def neg_entropy(p):
        return (p * torch.log(p.clamp_min(tiny))).sum()

    return neg_entropy(p_xy) - neg_entropy(p_xy.sum(dim=1)) - neg_entropy(p_xy.sum(dim=0))
