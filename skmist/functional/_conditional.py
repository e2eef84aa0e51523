r"""Conditional mutual information I(X; Y | Z) by k nearest neighbours.

A continuous Z uses the Frenzel-Pompe estimator, KSG's construction with one more
variable: the k-th neighbour is taken in the joint (x, y, z) space and the counts in
the (x, z), (y, z) and z subspaces. A discrete Z (labels) splits the samples into
groups, and I(X; Y | Z) is the group-size-weighted average of I(X; Y) within each
group. A discrete Y (labels) uses the chain rule I(X; Y | Z) = I([X, Z]; Y) - I(Z; Y)
with Ross's estimator on both terms.

Every neighbour search and count is :mod:`._neighbors`'s, so the CPU trees and the
chunked torch backend (GPU) serve these estimates as they serve :func:`.ksg`.
"""

import torch

from .._docstrings import fill_doc
from ._ksg import _concat, _digamma, _ksg1_saturation, _prepare, _result, _ross, label_groups
from ._neighbors import (
    as_float_samples,
    as_samples,
    check_same_length,
    kth_neighbor_distance,
    returns_nats,
    strictly_below,
    within_counter,
)

__all__ = ["conditional_ksg", "featurewise_conditional_ksg"]


def conditional_ksg(x, y, z, n_neighbors=3, *, discrete_target=False,
                    discrete_conditioning=False, backend="auto", n_jobs=-1, chunk_size=None):
    r"""k-nearest-neighbour estimate of the conditional MI :math:`I(X; Y \mid Z)`, in nats.

    Continuous X, Y and Z use the Frenzel-Pompe estimator: with :math:`\epsilon_i/2`
    the max-norm distance from :math:`(x_i, y_i, z_i)` to its k-th nearest neighbour in
    the joint space,

    .. math:: \hat I = \psi(k) - \langle \psi(n_{xz} + 1) + \psi(n_{yz} + 1)
              - \psi(n_z + 1) \rangle

    where :math:`n_{xz}(i)` counts the samples :math:`j \ne i` strictly within
    :math:`\epsilon_i/2` of sample i in the (x, z) subspace, likewise :math:`n_{yz}`
    and :math:`n_z`. As in KSG the same radius in every subspace makes most of the
    density-estimation errors cancel; the bias is small for weak dependence and
    negative, growing with the dimension of the joint space, for strong dependence.

    ``discrete_conditioning=True``: Z holds labels (rows of a 2-D Z are joint labels),
    and

    .. math:: \hat I(X; Y \mid Z) = \sum_z \frac{N_z}{N'} \, \hat I(X; Y \mid Z = z)

    with :math:`\hat I(X; Y \mid Z = z)` the KSG estimate (:func:`ksg`, variant 1; Ross's
    :func:`ksg_cd` for labels Y) on the :math:`N_z` samples of group z, with
    :math:`k_z = \min(k, N_z - 1)` neighbours. Groups of a single sample carry no
    information on the dependence and are left out; :math:`N'` is the number of samples
    in the others. Each group's estimate has the bias of KSG at :math:`N_z` samples,
    so small groups are noisy.

    ``discrete_target=True`` (Y holds labels, Z continuous): the chain rule
    :math:`I([X, Z]; Y) - I(Z; Y)` with :func:`ksg_cd` (Ross) on both terms, which share
    Y's label groups.

    Not clipped at 0 (see :func:`ksg`): an estimate of a zero CMI is negative about
    half the time.

    Parameters
    ----------
    x : torch.Tensor or ndarray of shape (n_samples,) or (n_samples, n_features_x)
    y : torch.Tensor or ndarray of shape (n_samples,) or (n_samples, n_features_y)
        Continuous samples, or labels with ``discrete_target=True``.
    z : torch.Tensor or ndarray of shape (n_samples,) or (n_samples, n_features_z)
        The conditioning variable: continuous, or labels with
        ``discrete_conditioning=True``.
    n_neighbors : int, default=3
        k, the number of joint neighbours; ``1 <= k < n_samples``.
    discrete_target : bool, default=False
        Whether y holds labels.
    discrete_conditioning : bool, default=False
        Whether z holds labels.
    backend, n_jobs, chunk_size
        See :func:`ksg`: cKDTree/KDTree on the CPU, chunked ``cdist`` on other devices.

    Returns
    -------
    torch.Tensor
        0-dim tensor, in nats, on ``x``'s device and in its floating dtype. For NumPy
        input too, as :func:`ksg` and the other functions of
        :mod:`skmist.functional` return (a float64 CPU tensor for float64 arrays;
        ``float(...)`` gives the number).

    See Also
    --------
    featurewise_conditional_ksg : :math:`I(x_j; Y \mid Z)` for every column of x.

    References
    ----------
    S. Frenzel and B. Pompe, "Partial mutual information for coupling analysis of
    multivariate time series", Phys. Rev. Lett. 99, 204101 (2007);
    M. Vejmelka and M. Paluš, "Inferring the directionality of coupling with
    conditional mutual information", Phys. Rev. E 77, 026214 (2008) (the max-norm
    form above).

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import conditional_ksg
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(3000, generator=g)
    >>> z = x + torch.randn(3000, generator=g)  # a chain x -> z -> y
    >>> y = z + torch.randn(3000, generator=g)
    >>> abs(conditional_ksg(x, y, z).item()) < 0.01  # true: 0
    True
    >>> round(conditional_ksg(z, y, x).item(), 2)  # true: log(2) / 2 = 0.35
    0.34
    """
    return _conditional_ksg_saturation(
        x, y, z, n_neighbors, discrete_target=discrete_target,
        discrete_conditioning=discrete_conditioning, backend=backend, n_jobs=n_jobs,
        chunk_size=chunk_size,
    )[0]


def _conditional_ksg_saturation(x, y, z, n_neighbors=3, *, discrete_target=False,
                                discrete_conditioning=False, backend="auto", n_jobs=-1,
                                chunk_size=None):
    """:func:`conditional_ksg` and the share of samples whose counts say that y is a
    function of (x, z) but not of z alone, where I(X; Y | Z) is infinite (see
    ``_saturated``); 0 for labels y, whose CMI is finite."""
    x, y, z, k, opts, like = _prepare_xyz(x, y, z, n_neighbors, backend, discrete_target,
                                          discrete_conditioning, n_jobs, chunk_size)
    ((value, saturated),) = _estimates([x], y, z, k, discrete_target,
                                       discrete_conditioning, opts)
    return _result(value, like), saturated


@fill_doc(returns=returns_nats(per_feature=True))
def featurewise_conditional_ksg(x, y, z, n_neighbors=3, *, discrete_target=False,
                                discrete_conditioning=False, backend="auto", n_jobs=-1,
                                chunk_size=None):
    r""":func:`conditional_ksg` of every column :math:`x_j` of x: :math:`I(x_j; Y \mid Z)`.

    What depends on (y, z) alone is built once for all columns: the (y, z) and z
    counters of the Frenzel-Pompe estimate, Y's label groups and :math:`I(Z; Y)` for
    labels Y, Z's groups and Y's counter in each of them for labels Z. Greedy feature
    selection scores every remaining feature against the one just chosen this way.

    Parameters
    ----------
    x : torch.Tensor or ndarray of shape (n_samples, n_features)
        Continuous columns, each scored on its own.
    y, z, n_neighbors, discrete_target, discrete_conditioning, backend, n_jobs, chunk_size
        See :func:`conditional_ksg`.

    {returns}

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import featurewise_conditional_ksg
    >>> g = torch.Generator().manual_seed(0)
    >>> z = torch.randn(2000, generator=g)
    >>> x = torch.stack([z + 0.1 * torch.randn(2000, generator=g),  # a copy of z
    ...                  torch.randn(2000, generator=g)], dim=1)
    >>> y = z + x[:, 1] + torch.randn(2000, generator=g)
    >>> featurewise_conditional_ksg(x, y, z).round(decimals=1)  # true: 0, 0.35
    tensor([0.0000, 0.3000])
    """
    x, y, z, k, opts, like = _prepare_xyz(x, y, z, n_neighbors, backend, discrete_target,
                                          discrete_conditioning, n_jobs, chunk_size)
    columns = [x[:, j:j + 1] for j in range(x.shape[1])]
    values = _estimates(columns, y, z, k, discrete_target, discrete_conditioning, opts)
    return torch.stack([_result(value, like) for value, _ in values])


def _prepare_xyz(x, y, z, n_neighbors, backend, discrete_target, discrete_conditioning,
                 n_jobs, chunk_size):
    """:func:`._ksg._prepare` of x and y, with z checked and converted alike:
    ``(x, y, z, k, opts, like)``."""
    z = as_samples(z, "z") if discrete_conditioning else as_float_samples(z, "z")
    check_same_length(as_samples(x, "x"), z, ("x", "z"))
    x, y, k, opts, like = _prepare(x, y, n_neighbors, backend,
                                   "y_discrete" if discrete_target else "y",
                                   n_jobs=n_jobs, chunk_size=chunk_size)
    z = z.detach()
    if not isinstance(x, torch.Tensor):  # the scipy backend's NumPy arrays
        z = z.cpu().numpy() if discrete_conditioning else z.cpu().to(torch.float64).numpy()
    return x, y, z, k, opts, like


def _estimates(blocks, y, z, k, discrete_target, discrete_conditioning, opts):
    """``(I(block; y | z), saturated share)`` for each block of columns (a 2-D array or
    tensor, treated as one joint variable), sharing every structure that depends on
    (y, z) alone."""
    if discrete_conditioning:
        return _within_groups(blocks, y, z, k, discrete_target, opts)
    if discrete_target:
        # Chain rule with Ross's estimator on both terms; y's label groups serve both.
        groups = label_groups(y)
        given_z = _ross(z, groups, k, opts)
        return [(_ross(_concat(block, z), groups, k, opts) - given_z, 0.0)
                for block in blocks]
    count_yz = within_counter(_concat(y, z), **opts)
    count_z = within_counter(z, **opts)
    return [
        _frenzel_pompe(block, y, z, k, within_counter(_concat(block, z), **opts), count_yz,
                       count_z, opts)
        for block in blocks
    ]


def _frenzel_pompe(x, y, z, k, count_xz, count_yz, count_z, opts):
    """Frenzel and Pompe (2007), with the subspace counters given: ``(estimate,
    saturated share)``."""
    radius = strictly_below(kth_neighbor_distance(_concat(_concat(x, y), z), k, **opts))
    # Each counter includes the point itself: count = n_. + 1.
    xz, yz, z_only = count_xz(radius), count_yz(radius), count_z(radius)
    average = (_digamma(xz) + _digamma(yz) - _digamma(z_only)).mean()
    return _digamma(k) - average, _saturated(xz, yz, z_only, k)


def _saturated(count_xz, count_yz, count_z, k):
    """The share of samples whose (x, z) count is the least possible, k (no point
    nearer in (x, z) than the k joint neighbours, as when y is a function of x and z),
    while their (y, z) count is below their z count (y adds to z what the estimate
    measures), or the same with x and y swapped.

    KSG's criterion (``_ksg._ksg_saturation``) with the z count in place of n: for
    y = x every sample is such, and the estimate is capped by the sample size. When y
    copies z, the (x, z) count is k too, but then the (y, z) ball is the z ball, the
    counts are equal and their terms cancel (I(X; Y | Z) = 0); likewise when x copies z.
    """
    least_xz = (count_xz <= k) & (count_yz < count_z)
    least_yz = (count_yz <= k) & (count_xz < count_z)
    return float((least_xz | least_yz).sum()) / count_z.shape[0]


def _within_groups(blocks, y, z, k, discrete_target, opts):
    """Group-size-weighted KSG (Ross for labels y) within each label of z, and the
    group-size-weighted share of KSG's saturated samples (0 for labels y)."""
    groups, _ = label_groups(z)
    totals = [0.0] * len(blocks)
    saturated = [0.0] * len(blocks)
    n_kept = 0
    for members in groups:
        n_group = int(members.shape[0])
        if n_group < 2:
            continue
        k_group = min(k, n_group - 1)
        y_group = y[members]
        if discrete_target:
            y_groups = label_groups(y_group)
            if not bool((y_groups[1] > 1).any()):
                # Every label of y occurs once in this group: Ross's estimate is
                # undefined there, and so is the group's evidence on the dependence.
                continue
            values = [_ross(block[members], y_groups, k_group, opts) for block in blocks]
            shares = [0.0] * len(blocks)
        else:
            count_y = within_counter(y_group, **opts)
            values, shares = zip(*[
                _ksg1_saturation(x_group, y_group, k_group, within_counter(x_group, **opts),
                                 count_y, opts)
                for x_group in (block[members] for block in blocks)
            ])
        totals = [total + n_group * value for total, value in zip(totals, values)]
        saturated = [total + n_group * share for total, share in zip(saturated, shares)]
        n_kept += n_group
    if n_kept == 0:
        raise ValueError(
            "no label of z has two samples (with a repeated label of y, for labels y); "
            "the estimate conditional on labels needs groups of at least 2 samples"
        )
    return [(total / n_kept, share / n_kept) for total, share in zip(totals, saturated)]
