"""k-nearest-neighbour estimators: KSG, Ross (continuous-discrete), Gao (mixed), KL entropy.

All use the max-norm on the joint space, as the KSG derivation assumes (the joint ball
is the product of the marginal balls). None is differentiable: their values are
step functions of the data. Backends are described in :mod:`._neighbors`.
"""

import math

import numpy as np
import scipy.special
import torch

from .._docstrings import fill_doc
from ._neighbors import (
    _tensor_of,
    as_float_samples,
    as_sample_pair,
    as_samples,
    check_n_neighbors,
    check_same_length,
    count_within,
    knn,
    kth_neighbor_distance,
    output_dtype,
    rank_normal_scores,
    resolve_backend,
    returns_nats,
    strictly_below,
    within_counter,
)

__all__ = ["kl_entropy", "ksg", "ksg_cd", "mixed_ksg", "rank_normal_scores"]

# The scipy backend computes in NumPy float64 from end to end, the torch backend in
# tensors on their device; the formulas below are written once for both kinds.


def _digamma(a):
    if isinstance(a, (int, float, np.integer)):
        # A Python float, so that float - tensor stays a tensor on the tensor's device.
        return float(scipy.special.digamma(a))
    if isinstance(a, torch.Tensor):
        return torch.special.digamma(a.to(torch.float64))
    return scipy.special.digamma(np.asarray(a, dtype=np.float64))


def _concat(a, b):
    return torch.cat([a, b], dim=1) if isinstance(a, torch.Tensor) else np.hstack([a, b])


def _row_max(a):
    a = a.reshape(a.shape[0], -1)
    return a.amax(dim=1) if isinstance(a, torch.Tensor) else a.max(axis=1)


def _result(value, like):
    if not isinstance(value, torch.Tensor):
        value = torch.tensor(float(value), dtype=torch.float64)
    return value.to(dtype=output_dtype(like), device=like.device)


def _prepare(x, y, n_neighbors, backend, y_name="y", *, n_jobs=-1, chunk_size=None):
    """``(x, y, k, opts, like)``: the checked inputs as float64 NumPy arrays (scipy
    backend) or tensors (torch), k, the neighbour searches' keyword arguments, and the
    tensor whose device and dtype the result takes (see :func:`_result`).

    ``y`` may be None, or labels (``y_name != "y"``), which keep their dtype.
    """
    like = x if isinstance(x, torch.Tensor) else _tensor_of(x)
    if y is None or y_name != "y":
        x = as_float_samples(x, "x")
        if y is not None:
            y = as_samples(y, y_name)
            check_same_length(x, y, ("x", y_name))
    else:
        x, y = as_sample_pair(x, y)
    k = check_n_neighbors(n_neighbors, x.shape[0])
    backend = resolve_backend(backend, x.device)
    x = x.detach()
    y = None if y is None else y.detach()
    if backend == "scipy":
        # float64 on the CPU path: the counts then match scikit-learn's exactly.
        x = x.cpu().to(torch.float64).numpy()
        if y is not None:
            y = y.cpu().to(torch.float64).numpy() if y_name == "y" else y.cpu().numpy()
    return x, y, k, dict(n_jobs=n_jobs, chunk_size=chunk_size), like


@fill_doc(returns=returns_nats())
def ksg(x, y, n_neighbors=3, variant=1, *, backend="auto", n_jobs=-1, chunk_size=None):
    r"""Kraskov-Stögbauer-Grassberger (KSG) estimate of I(X; Y) in nats.

    With :math:`\epsilon_i/2` the max-norm distance from :math:`z_i = (x_i, y_i)` to its
    k-th nearest neighbour in the joint space,

    variant 1 (Kraskov et al. 2004, eq. 8):

    .. math:: \hat I = \psi(k) + \psi(N) - \langle \psi(n_x + 1) + \psi(n_y + 1) \rangle

    with :math:`n_x(i) = \#\{j \ne i: \|x_j - x_i\|_\infty < \epsilon_i/2\}` (strictly
    inside, as scikit-learn counts), likewise :math:`n_y`;

    variant 2 (eq. 9):

    .. math:: \hat I = \psi(k) - 1/k + \psi(N) - \langle \psi(n_x) + \psi(n_y) \rangle

    with :math:`n_x(i) = \#\{j \ne i: \|x_j - x_i\|_\infty \le \epsilon_x(i)/2\}`, where
    :math:`\epsilon_x(i)/2` is the largest x-distance among the k joint neighbours.

    Bias: small for independent or weakly dependent data; negative and growing with the
    MI and the dimension for strongly dependent data (the density is assumed constant
    over each k-neighbour ball). Larger ``n_neighbors`` lowers the variance and raises
    the bias. The value is **not** clipped at 0: an unbiased estimate of a small MI is
    negative about half the time, and the chain rule, averages over repeats and
    gradients of surrounding code all need the raw value (scikit-learn clips).

    Ties (repeated values) break the estimator; use :func:`mixed_ksg` for such data,
    or add tiny noise as scikit-learn does.

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features_x)
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_features_y)
        Continuous samples; a 1-D tensor is one column.
    n_neighbors : int, default=3
        k, the number of joint neighbours; ``1 <= k < n_samples``.
    variant : {1, 2}, default=1
        The estimator of Kraskov et al. (2004), eq. (8) or eq. (9).
    backend : {"auto", "scipy", "torch"}, default="auto"
        ``"scipy"``: cKDTree joint search on the CPU (float64), fastest on a CPU.
        ``"torch"``: chunked ``cdist`` + ``topk`` on the tensors' device, fastest on a
        GPU. ``"auto"``: scipy for CPU tensors, torch otherwise. Both count 1-D
        marginals by sorting (O(n log n)) with exact tie handling.
    n_jobs : int, default=-1
        Threads for the cKDTree queries (``workers``); -1 uses all cores. Pass 1 when
        already parallelising over features.
    chunk_size : int, default=None
        Rows of the distance matrix held at once by the torch backend; by default
        ``2**24 // n_samples``. The value does not depend on it.

    {returns}

    References
    ----------
    A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information",
    Phys. Rev. E 69, 066138 (2004), eqs. (8) and (9).
    """
    return _ksg_saturation(x, y, n_neighbors, variant, backend=backend, n_jobs=n_jobs,
                           chunk_size=chunk_size)[0]


def _ksg_saturation(x, y, n_neighbors=3, variant=1, *, backend="auto", n_jobs=-1,
                    chunk_size=None):
    """:func:`ksg` and the share of samples whose count in x or in y is the least
    possible: no point closer in that marginal than the k joint neighbours.

    For a one-to-one y = f(x) every sample is such (the joint neighbours are the
    marginal ones), and the estimate is capped by the sample size near
    ``psi(n) - psi(k)``; for a finite MI the share falls to 0 as n grows.
    """
    x, y, k, opts, like = _prepare(x, y, n_neighbors, backend, n_jobs=n_jobs,
                                   chunk_size=chunk_size)
    mi, saturated = _ksg_from_counts(*_ksg_counts(x, y, k, variant, opts), k, variant)
    return _result(mi, like), saturated


def _ksg_local_terms(x, y, n_neighbors=3, variant=1, *, backend="auto", n_jobs=-1,
                     chunk_size=None):
    """The per-sample terms of :func:`ksg`, whose mean is the estimate: a local
    (pointwise) MI, ``psi(k) + psi(N) - psi(n_x + 1) - psi(n_y + 1)`` for variant 1,
    ``psi(k) - 1/k + psi(N) - psi(n_x) - psi(n_y)`` for variant 2.

    A tensor of shape (n_samples,) on ``x``'s device, in float64.
    """
    x, y, k, opts, like = _prepare(x, y, n_neighbors, backend, n_jobs=n_jobs,
                                   chunk_size=chunk_size)
    counts_x, counts_y = _ksg_counts(x, y, k, variant, opts)
    terms = _ksg_constant(k, x.shape[0], variant) - (_digamma(counts_x) + _digamma(counts_y))
    return torch.as_tensor(terms, dtype=torch.float64).to(like.device)


def _ksg_counts(x, y, k, variant, opts):
    """The marginal counts whose digammas KSG averages: ``(n_x + 1, n_y + 1)`` for
    variant 1 (strictly within the joint radius), ``(n_x, n_y)`` for variant 2 (within
    each marginal's own radius)."""
    if variant not in (1, 2):
        raise ValueError(f"variant must be 1 or 2; got {variant!r}")
    if variant == 1:
        return _ksg1_counts(x, y, k, within_counter(x, **opts), within_counter(y, **opts),
                            opts)
    _, idx = knn(_concat(x, y), k, **opts)
    eps_x = _row_max(abs(x[idx] - x[:, None, :]))
    eps_y = _row_max(abs(y[idx] - y[:, None, :]))
    return count_within(x, eps_x, **opts) - 1, count_within(y, eps_y, **opts) - 1


def _ksg_constant(k, n, variant):
    """What KSG's estimate adds to minus the counts' digammas: ``psi(k) + psi(N)``
    (variant 1), ``psi(k) - 1/k + psi(N)`` (variant 2)."""
    if variant == 1:
        return _digamma(k) + _digamma(n)
    return _digamma(k) - 1.0 / k + _digamma(n)


def _ksg_from_counts(counts_x, counts_y, k, variant=1):
    """KSG's estimate from the marginal counts of :func:`_ksg_counts`, and the share of
    samples whose count in x or in y is the least possible, k."""
    average = (_digamma(counts_x) + _digamma(counts_y)).mean()
    mi = _ksg_constant(k, counts_x.shape[0], variant) - average
    return mi, float(((counts_x <= k) | (counts_y <= k)).sum()) / counts_x.shape[0]


def _ksg1_counts(x, y, k, count_x, count_y, opts):
    """``(n_x + 1, n_y + 1)`` of KSG variant 1 per sample."""
    radius = strictly_below(kth_neighbor_distance(_concat(x, y), k, **opts))
    return count_x(radius), count_y(radius)


def _ksg1(x, y, k, count_x, count_y, opts):
    """KSG variant 1 with the marginal counters given, so that a caller scoring many
    x against one y builds y's counter once."""
    return _ksg1_saturation(x, y, k, count_x, count_y, opts)[0]


def _ksg1_saturation(x, y, k, count_x, count_y, opts):
    """:func:`_ksg1` and the share of samples with the least counts (see
    :func:`_ksg_saturation`)."""
    # n_x + 1 is the count with the point itself; its least value is k.
    return _ksg_from_counts(*_ksg1_counts(x, y, k, count_x, count_y, opts), k)


@fill_doc(returns=returns_nats())
def ksg_cd(x, y_discrete, n_neighbors=3, *, backend="auto", n_jobs=-1, chunk_size=None):
    r"""Ross (2014) estimate of I(X; Y) for continuous X and discrete Y, in nats.

    For each sample i with label :math:`y_i` occurring :math:`N_{y_i} > 1` times, let
    :math:`d_i` be the max-norm distance to its :math:`k_i = \min(k, N_{y_i} - 1)`-th
    nearest neighbour among the samples with the same label, and
    :math:`m_i = \#\{j: \|x_j - x_i\|_\infty < d_i\}` (all labels, i included). Then

    .. math:: \hat I = \psi(N) + \langle \psi(k_i) \rangle - \langle \psi(N_{y_i}) \rangle
              - \langle \psi(m_i) \rangle

    over the N samples whose label occurs more than once (singletons are dropped, as in
    scikit-learn's ``_compute_mi_cd``, which this matches exactly on 1-D x). Bias
    behaves like KSG's; not clipped at 0 (see :func:`ksg`).

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features)
        Continuous samples.
    y_discrete : torch.Tensor of shape (n_samples,) or (n_samples, n_columns)
        Labels, any dtype; rows of a 2-D tensor are joint labels.
    n_neighbors : int, default=3
        k; ``1 <= k < n_samples``. Labels with fewer samples use fewer neighbours.
    backend, n_jobs, chunk_size
        See :func:`ksg`.

    {returns}

    References
    ----------
    B. C. Ross, "Mutual information between discrete and continuous data sets",
    PLoS ONE 9(2), e87357 (2014).
    """
    x, labels, k, opts, like = _prepare(x, y_discrete, n_neighbors, backend, "y_discrete",
                                        n_jobs=n_jobs, chunk_size=chunk_size)
    return _result(_ross(x, label_groups(labels), k, opts), like)


def label_groups(labels):
    """The sample indices of each distinct label (row of ``labels``), computed once for
    every feature scored against the same discrete target.

    Returns ``(groups, label_count)``: a list of index arrays (or tensors), and for each
    sample the number of samples with its label.
    """
    if isinstance(labels, torch.Tensor):
        _, codes, counts = torch.unique(labels, dim=0, return_inverse=True, return_counts=True)
        groups = torch.split(torch.argsort(codes, stable=True), counts.tolist())
    else:
        _, codes, counts = np.unique(labels, axis=0, return_inverse=True, return_counts=True)
        codes = codes.reshape(-1)
        groups = np.split(np.argsort(codes, kind="stable"), np.cumsum(counts)[:-1])
    return groups, counts[codes]


def _ross(x, groups, k, opts, count_x=None):
    """Ross's estimate of :func:`ksg_cd` from the label groups (and x's counter, when
    the caller already has one)."""
    groups, label_count = groups
    n = x.shape[0]
    if isinstance(x, torch.Tensor):
        radius = torch.zeros(n, dtype=x.dtype, device=x.device)
        k_all = torch.zeros(n, dtype=torch.float64, device=x.device)
    else:
        radius = np.zeros(n)
        k_all = np.zeros(n)
    keep = label_count > 1
    if not bool(keep.any()):
        raise ValueError(
            "every label of y_discrete occurs once; the continuous-discrete estimate "
            "needs labels with at least 2 samples"
        )
    for members in groups:
        if members.shape[0] < 2:
            continue
        k_label = min(k, members.shape[0] - 1)
        radius[members] = strictly_below(kth_neighbor_distance(x[members], k_label, **opts))
        k_all[members] = k_label
    # Singletons are dropped from the counts too, as in scikit-learn; x's counter, built
    # once by the caller, serves whenever there are none.
    if bool(keep.all()):
        m = (count_x or within_counter(x, **opts))(radius)
    else:
        m = count_within(x[keep], radius[keep], **opts)
    return (
        _digamma(int(keep.sum()))
        + _digamma(k_all[keep]).mean()
        - _digamma(label_count[keep]).mean()
        - _digamma(m).mean()
    )


@fill_doc(returns=returns_nats())
def mixed_ksg(x, y, n_neighbors=3, *, backend="auto", n_jobs=-1, chunk_size=None):
    r"""Gao et al. (2017) estimate of I(X; Y) for discrete-continuous mixtures, in nats.

    KSG adapted to data with ties (discrete, continuous or mixed components in X and Y).
    With :math:`\rho_i` the max-norm distance from :math:`z_i` to its k-th nearest
    neighbour in the joint space,

    .. math:: \hat I = \frac{1}{N} \sum_i \left[\psi(\tilde k_i) + \log N
              - \psi(n_x(i) + 1) - \psi(n_y(i) + 1)\right]

    If :math:`\rho_i > 0`: :math:`\tilde k_i = k` and :math:`n_x(i) = \#\{j \ne i:
    \|x_j - x_i\|_\infty < \rho_i\}`, as in :func:`ksg` variant 1 (the two differ by
    :math:`\log N - \psi(N) \approx 1/2N`). If :math:`\rho_i = 0` (at least k copies of
    :math:`z_i`): :math:`\tilde k_i = \#\{j: z_j = z_i\}` and :math:`n_x(i) = \#\{j
    \ne i: x_j = x_i\}`, so that on purely discrete data each term is the plug-in
    :math:`\log(N n_{xy} / n_x n_y)` with digammas for logarithms. Consistent for
    mixtures, where KSG is not. Not clipped at 0 (see :func:`ksg`).

    This is the digamma form of Gao et al.'s estimator (the one of their reference
    implementation); their Algorithm 1 writes :math:`\log(n_x + 1)` and counts the
    boundary point, which is asymptotically equivalent but biased down by
    :math:`O(1/n_x)` on continuous data at small N.

    Parameters
    ----------
    x, y : torch.Tensor of shape (n_samples,) or (n_samples, n_features)
        Samples, ties allowed.
    n_neighbors : int, default=3
        k; ``1 <= k < n_samples``.
    backend, n_jobs, chunk_size
        See :func:`ksg`.

    {returns}

    References
    ----------
    W. Gao, S. Kannan, S. Oh and P. Viswanath, "Estimating mutual information for
    discrete-continuous mixtures", NeurIPS 2017, Algorithm 1.
    """
    x, y, k, opts, like = _prepare(x, y, n_neighbors, backend, n_jobs=n_jobs,
                                   chunk_size=chunk_size)
    n = x.shape[0]
    z = _concat(x, y)
    rho = kth_neighbor_distance(z, k, **opts)
    # strictly_below(0) is 0, so one radius serves both cases: strictly inside rho > 0,
    # exact copies at rho = 0.
    radius = strictly_below(rho)
    n_copies = count_within(z, rho * 0, **opts)
    k_tilde = n_copies * (rho == 0) + k * (rho > 0)
    n_x = count_within(x, radius, **opts) - 1
    n_y = count_within(y, radius, **opts) - 1
    terms = _digamma(k_tilde) - _digamma(n_x + 1) - _digamma(n_y + 1)
    return _result(terms.mean() + math.log(n), like)


@fill_doc(returns=returns_nats())
def kl_entropy(x, n_neighbors=3, *, metric="chebyshev", backend="auto", n_jobs=-1,
               chunk_size=None):
    r"""Kozachenko-Leonenko estimate of the differential entropy H(X), in nats.

    .. math:: \hat H = \psi(N) - \psi(k) + \log V_d + \frac{d}{N} \sum_i \log r_i

    with :math:`r_i` the distance from :math:`x_i` to its k-th nearest neighbour and
    :math:`V_d` the volume of the unit ball of the norm: :math:`2^d` for the max-norm
    (``"chebyshev"``, the cube of side 2, as in KSG), :math:`\pi^{d/2} / \Gamma(d/2 + 1)`
    for ``"euclidean"``. Asymptotically unbiased; in high dimension it is biased by the
    non-uniform density over each ball. Undefined (-inf) when a point has k exact
    copies, which raises.

    Parameters
    ----------
    x : torch.Tensor of shape (n_samples,) or (n_samples, n_features)
        Continuous samples.
    n_neighbors : int, default=3
        k; ``1 <= k < n_samples``.
    metric : {"chebyshev", "euclidean"}, default="chebyshev"
        The norm of the balls.
    backend, n_jobs, chunk_size
        See :func:`ksg`.

    {returns}

    References
    ----------
    L. F. Kozachenko and N. N. Leonenko, "Sample estimate of the entropy of a random
    vector", Probl. Peredachi Inf. 23(2), 9-16 (1987); Kraskov et al. (2004), eq. (20).
    """
    if metric not in ("chebyshev", "euclidean"):
        raise ValueError(f"metric must be 'chebyshev' or 'euclidean'; got {metric!r}")
    x, _, k, opts, like = _prepare(x, None, n_neighbors, backend, n_jobs=n_jobs,
                                   chunk_size=chunk_size)
    n, d = x.shape
    p = math.inf if metric == "chebyshev" else 2
    r = kth_neighbor_distance(x, k, p=p, **opts)
    n_zero = int((r == 0).sum())
    if n_zero:
        raise ValueError(
            f"x has {n_zero} samples with at least n_neighbors={k} exact duplicates; "
            "the Kozachenko-Leonenko entropy is -inf on repeated values (add tiny noise)"
        )
    if metric == "chebyshev":
        log_volume = d * math.log(2.0)
    else:
        log_volume = (d / 2) * math.log(math.pi) - math.lgamma(d / 2 + 1)
    log_r = torch.log(r.to(torch.float64)) if isinstance(r, torch.Tensor) else np.log(r)
    h = _digamma(n) - _digamma(k) + log_volume + d * log_r.mean()
    return _result(h, like)
