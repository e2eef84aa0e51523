"""Input checks and max-norm neighbour searches shared by the nonparametric estimators.

Two backends answer the same two questions, the distance from each point to its k-th
nearest neighbour and the number of points within a per-point radius:

* ``"scipy"`` (CPU): :class:`scipy.spatial.cKDTree`, threaded with ``workers``, for
  the k-th neighbour; scikit-learn's ``KDTree`` for counts in several dimensions (see
  :func:`_kd_tree_counter`). A tree query is O(log n) per point, far below the O(n) per
  point of brute force.
* ``"torch"`` (any device, the default on CUDA): brute force by chunks of rows,
  ``torch.cdist`` + ``topk``; never more than ``chunk_size x n`` distances are held.
  On a GPU the O(n^2) work is spread over thousands of cores and beats a CPU tree.

In one dimension both backends count by sorting and ``searchsorted``, O(n log n) in all:
no tree and no per-point query. Counting compares the exact distance
``|x_j - x_i|`` with the radius; see :func:`count_within`.

Every count here is inclusive (``distance <= radius``) and includes the point itself.
Callers that need scikit-learn's strict count pass ``nextafter(r, 0)``: distances
are floats, so ``d <= nextafter(r, 0)`` is ``d < r``, exactly.
"""

import math

import numpy as np
import torch
from scipy.spatial import cKDTree

__all__ = []

BACKENDS = ("auto", "scipy", "torch")

# Rows per chunk times n_samples: at most 2**24 distances (128 MiB in float64) at once.
_CHUNK_ELEMENTS = 2**24


# returns_nats's dtype of the functions that compute in x's and y's common dtype.
PROMOTED = "the floating dtype that ``x``'s and ``y``'s promote to"


def returns_nats(dtype="its floating dtype (float64 for integers)", of="``x``",
                 per_feature=False):
    """The Returns section of the functions that give an estimate in nats, or one per
    column of x (``per_feature``), filled into their docstrings by
    :func:`skmist._docstrings.fill_doc`."""
    what = "torch.Tensor of shape (n_features,)" if per_feature else "torch.Tensor"
    value = "The estimates" if per_feature else "0-dim tensor"
    return f"""
    Returns
    -------
    {what}
        {value}, in nats, on {of}'s device and in
        {dtype}.
    """


# --- input checks -------------------------------------------------------------------


def _tensor_of(value):
    """``torch.as_tensor`` of an array-like, copying a read-only array (pandas 3 hands
    out read-only views), which torch would share with a warning that writes to it are
    undefined."""
    array = np.asarray(value)
    return torch.as_tensor(array if array.flags.writeable else array.copy())


def as_samples(value, name, *, dtype=None):
    """``value`` as a 2-D tensor ``(n_samples, n_features)``; 1-D is one column."""
    t = value if isinstance(value, torch.Tensor) else _tensor_of(value)
    if t.ndim == 1:
        t = t[:, None]
    elif t.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_features); "
            f"got shape {tuple(t.shape)}"
        )
    if t.shape[0] == 0 or t.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {tuple(t.shape)}")
    if t.is_complex():
        raise ValueError(f"{name} is complex; MI is defined here for real data only")
    if dtype is not None:
        t = t.to(dtype)
    if t.is_floating_point() and not _all_finite(t):
        n_nan = int(torch.isnan(t).sum())
        n_inf = int(torch.isinf(t).sum())
        raise ValueError(
            f"{name} has {n_nan} NaN and {n_inf} infinite values; "
            "MI is undefined on non-finite samples"
        )
    return t


def _all_finite(t):
    if t.device.type == "cpu" and t.dtype in (torch.float32, torch.float64):
        # NumPy's single-threaded pass: torch's parallel one stalls on a busy machine.
        return bool(np.isfinite(t.detach().numpy()).all())
    return bool(torch.isfinite(t).all())


def as_float_samples(value, name):
    """Like :func:`as_samples`, converted to a floating dtype (float64 unless floating)."""
    t = as_samples(value, name)
    if not t.is_floating_point():
        t = t.to(torch.float64)
    return t


def as_sample_pair(x, y, names=("x", "y")):
    """``x`` and ``y`` as :func:`as_float_samples`, checked by :func:`check_same_length`:
    the inputs of every estimate of I(x; y) on continuous samples."""
    x = as_float_samples(x, names[0])
    y = as_float_samples(y, names[1])
    check_same_length(x, y, names)
    return x, y


def check_same_length(x, y, names=("x", "y")):
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} have different numbers of samples: "
            f"{x.shape[0]} and {y.shape[0]}"
        )
    if x.device != y.device:
        raise ValueError(
            f"{names[0]} and {names[1]} are on different devices: {x.device} and {y.device}"
        )


def check_not_constant(t, name, why="; this estimate is undefined for a constant "
                                   "variable (drop the column)"):
    """A ValueError naming the constant columns of ``t``; ``why`` ends the message."""
    constant = (t == t[:1]).all(dim=0)
    if bool(constant.any()):
        columns = torch.nonzero(constant).flatten().tolist()
        raise ValueError(f"{name} has constant columns {columns}{why}")


def column_std(t, correction=0):
    """Standard deviation of each column of a 2-D tensor, at any magnitude.

    ``Tensor.std`` squares the deviations: past ``sqrt(finfo.max)`` (1e154 in float64)
    they overflow to inf, below ``sqrt(finfo.tiny)`` they underflow to 0, and data
    scaled by 1e300 or 1e-300 looked infinite or constant. Those columns are divided by
    their largest magnitude first; the others keep ``Tensor.std``'s value to the bit
    (scikit-learn's ``np.std``, which the KSG estimators reproduce exactly).
    """
    std = t.std(dim=0, correction=correction)
    info = torch.finfo(t.dtype)
    # Inside these bounds no square of a deviation nor their sum leaves the normal
    # range by more than the rounding of the sum itself.
    low = math.sqrt(info.tiny) / info.eps
    high = math.sqrt(info.max / max(t.shape[0], 1)) * info.eps
    risky = ~torch.isfinite(std) | (std < low) | (std > high)
    if not bool(risky.any()):
        return std
    largest = t.abs().amax(dim=0)
    largest = torch.where(largest > 0, largest, torch.ones_like(largest))
    rescaled = largest * (t / largest).std(dim=0, correction=correction)
    return torch.where(risky, rescaled, std)


def rank_normal_scores(t):
    """Each column of a 2-D tensor replaced by the normal scores of its ranks,
    ``Phi^{-1}((rank - 1/2) / n)``; tied values share their average rank.

    An increasing map of each column, so it leaves MI unchanged, while the kNN
    estimators' finite-sample bias depends on the marginals: heavy tails and skew put
    most points in a few crowded neighbourhoods. On normal scores KSG solved 23 of the
    24 "Beyond Normal" tasks up to 3 + 3 dimensions, against 19 on the raw data
    (Student-t tasks: 0.14 -> 0.21 nats for 0.29 in 3 + 3).
    """
    from scipy.stats import rankdata

    n = t.shape[0]
    ranks = rankdata(t.detach().cpu().double().numpy(), axis=0)
    scores = torch.special.ndtri(torch.as_tensor((ranks - 0.5) / n))
    return scores.to(device=t.device, dtype=t.dtype)


def check_n_neighbors(n_neighbors, n_samples):
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)):
        raise ValueError(f"n_neighbors must be an integer; got {n_neighbors!r}")
    if n_neighbors < 1:
        raise ValueError(f"n_neighbors must be >= 1; got {n_neighbors}")
    if n_neighbors >= n_samples:
        raise ValueError(
            f"n_neighbors={n_neighbors} must be smaller than n_samples={n_samples}; "
            "use fewer neighbours or more samples"
        )
    return int(n_neighbors)


def resolve_backend(backend, device):
    """``"scipy"`` or ``"torch"``; the neighbour functions then get NumPy arrays or tensors."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}; got {backend!r}")
    if backend == "auto":
        return "scipy" if device.type == "cpu" else "torch"
    return backend


def output_dtype(t):
    return t.dtype if t.is_floating_point() else torch.float64


def _chunk_rows(n, chunk_size, width=1):
    if chunk_size is not None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1; got {chunk_size}")
        return int(chunk_size)
    return max(1, _CHUNK_ELEMENTS // max(1, n * width))


def _workers(n_jobs):
    return -1 if n_jobs is None else int(n_jobs)


# --- k-th nearest neighbour -----------------------------------------------------------


def _tree(data):
    # Measured for k-th neighbour queries at k <= 10: in 2-D an unbalanced tree builds
    # and answers fastest (10^4 to 10^6 points); in 10-D a balanced one (10^4 points).
    balanced = data.shape[1] > 2
    return cKDTree(data, leafsize=16, balanced_tree=balanced, compact_nodes=balanced)


def _query_in_tree_order(tree, k, p, n_jobs):
    """``tree.query`` of the tree's own points, in the tree's order, for cache locality
    (twice as fast at 10^6 points); rows are returned in the data's order."""
    order = tree.indices
    dist, idx = tree.query(tree.data[order], k=k, p=p, workers=_workers(n_jobs))
    out_dist = np.empty_like(dist)
    out_idx = np.empty_like(idx)
    out_dist[order] = dist
    out_idx[order] = idx
    return out_dist, out_idx


def kth_neighbor_distance(points, n_neighbors, *, p=math.inf, n_jobs=-1, chunk_size=None):
    """Distance ``(n,)`` from each point to its ``n_neighbors``-th nearest other point.

    ``points`` is a float64 NumPy array (scipy backend: a tree) or a tensor (torch
    backend: chunked brute force); the result is of the same kind. A duplicate of a
    point is a neighbour at distance 0.
    """
    if points.shape[1] == 1:
        return _kth_distance_sorted_1d(points[:, 0], n_neighbors)
    if isinstance(points, torch.Tensor):
        return knn(points, n_neighbors, p=p, chunk_size=chunk_size)[0][:, -1]
    # The point itself is one of its k + 1 nearest, at distance 0, so the (k + 1)-th
    # distance counting it is the k-th distance without it, duplicates or not.
    dist, _ = _query_in_tree_order(_tree(points), [n_neighbors + 1], p, n_jobs)
    return dist[:, 0]


def _kth_distance_sorted_1d(values, k):
    """1-D :func:`kth_neighbor_distance` by sorting, O(n log n + k n), no tree.

    The points within any distance of ``v`` are a contiguous run of the sorted values
    around ``v``, so its k nearest others are one of the k + 1 windows of k + 1
    consecutive sorted values that contain it; the k-th distance is the smallest, over
    those windows, of the farther window end. The distances are the same floats
    ``|x_j - x_i|`` a tree computes, so the result is identical to a tree's.
    """
    tensor = isinstance(values, torch.Tensor)
    if tensor:
        xs, order = torch.sort(values)
        position = torch.arange(xs.shape[0], device=xs.device)
        best = torch.full_like(xs, math.inf)
        maximum, minimum, where = torch.maximum, torch.minimum, torch.where
    else:
        order = np.argsort(values, kind="stable")
        xs = values[order]
        position = np.arange(xs.shape[0])
        best = np.full_like(xs, math.inf)
        maximum, minimum, where = np.maximum, np.minimum, np.where
    n = xs.shape[0]
    for shift in range(k + 1):
        first = position - k + shift
        last = position + shift
        valid = (first >= 0) & (last < n)
        reach = maximum(xs - xs[first.clip(0, n - 1)], xs[last.clip(0, n - 1)] - xs)
        best = where(valid, minimum(best, reach), best)
    out = torch.empty_like(best) if tensor else np.empty_like(best)
    out[order] = best
    return out


def knn(points, n_neighbors, *, p=math.inf, n_jobs=-1, chunk_size=None):
    """Distances and indices of each point's ``n_neighbors`` nearest other points.

    Returns ``(distances, indices)``, both ``(n, n_neighbors)``, sorted by distance, of
    the kind of ``points`` (NumPy array or tensor, as :func:`kth_neighbor_distance`).
    The point itself is excluded by index, so a duplicate of it counts as a neighbour at
    distance 0.
    """
    n, k = points.shape[0], n_neighbors
    if not isinstance(points, torch.Tensor):
        dist, idx = _query_in_tree_order(_tree(points), k + 1, p, n_jobs)
        is_self = idx == np.arange(n)[:, None]
        if is_self[:, 0].all():
            return dist[:, 1:], idx[:, 1:]
        # With duplicates another copy may come first or push the point itself out.
        missing = ~is_self.any(axis=1)
        is_self[missing, -1] = True
        return dist[~is_self].reshape(n, k), idx[~is_self].reshape(n, k)
    rows = _chunk_rows(n, chunk_size)
    dists, idxs = [], []
    for start in range(0, n, rows):
        block = points[start : start + rows]
        d = _cdist(block, points, p)
        own = torch.arange(block.shape[0], device=points.device)
        d[own, own + start] = math.inf
        vals, ind = torch.topk(d, k, dim=1, largest=False, sorted=True)
        dists.append(vals)
        idxs.append(ind)
    return torch.cat(dists), torch.cat(idxs)


def _cdist(a, b, p):
    if p == 2:
        # The matrix-product shortcut loses digits for close points; KL entropy takes logs.
        return torch.cdist(a, b, p=2.0, compute_mode="donot_use_mm_for_euclid_dist")
    return torch.cdist(a, b, p=p)


# --- counts within a radius -----------------------------------------------------------


def count_within(points, radius, *, n_jobs=-1, chunk_size=None):
    """For every point i, ``#{j : max-norm |points_j - points_i| <= radius_i}``, i included.

    ``points`` (n, d) and ``radius`` (n,) are both float64 NumPy arrays (scipy backend)
    or both tensors (torch backend); returns int64 counts of the same kind.
    """
    return within_counter(points, n_jobs=n_jobs, chunk_size=chunk_size)(radius)


def within_counter(points, *, n_jobs=-1, chunk_size=None):
    """:func:`count_within` for ``points`` as a function of the radius.

    The sort (1-D) or tree (several dimensions) is built once, here, and serves every
    radius it is called with: feature selection counts one target against the radii of
    many features.
    """
    if points.shape[1] == 1:
        return _sorted_1d_counter(points[:, 0])
    if not isinstance(points, torch.Tensor):
        return _kd_tree_counter(points)
    n = points.shape[0]
    rows = _chunk_rows(n, chunk_size)

    def count(radius):
        radius = radius.to(points.dtype)
        counts = []
        for start in range(0, n, rows):
            block = points[start : start + rows]
            d = torch.cdist(block, points, p=math.inf)
            counts.append((d <= radius[start : start + rows, None]).sum(dim=1))
        return torch.cat(counts)

    return count


def _kd_tree_counter(data):
    """Multi-d :func:`within_counter` on the CPU, O(n log n) for small radii.

    scikit-learn's KDTree counts a node whole when the ball covers it, where
    ``cKDTree.query_ball_point(return_length=True)`` visits every point inside: KSG's
    marginal balls hold hundreds of points in 5-D, and this is 3x faster there
    (measured at n = 10^4, 5-D, even against 2 ``workers``). Distances and the
    ``<=`` comparison are the same as ours, so the counts are identical.
    """
    # A data structure, not an estimator: the functional layer stays free of sklearn's
    # estimator machinery.
    from sklearn.neighbors import KDTree

    tree = KDTree(data, leaf_size=40, metric="chebyshev")

    def count(radius):
        return tree.query_radius(data, radius, count_only=True).astype(np.int64)

    return count


def _sorted_1d_counter(values):
    """1-D :func:`within_counter` by sorting and binary search, O(n log n).

    ``values`` and the radii are both NumPy arrays (the CPU path) or both tensors.
    Queries are made in sorted order, where consecutive binary searches touch the same
    memory (NumPy's search also starts from the previous answer): 3x faster than in the
    data's order.

    ``searchsorted`` on ``v +- r`` miscounts by rounding: ``v + r`` is rounded, and in
    KSG the k-th neighbour sits exactly on one marginal's boundary for every point, so
    such ties are the rule. The exact criterion ``fl(|x_j - v|) <= r`` is monotone in
    ``x_j`` on each side of ``v`` (rounding is monotone), so the in-set is a contiguous
    run of the sorted array around ``v``: start from the rounded bounds and move each
    bound over whole runs of equal values until it agrees with the exact criterion. Only
    the few rows within an ulp of a boundary are revisited, so the loops are short.
    """
    if isinstance(values, torch.Tensor):
        xs, order = torch.sort(values)

        def search(v, side):
            return torch.searchsorted(xs, v, side=side)

        def nonzero(mask):
            return torch.nonzero(mask).flatten()
    else:
        order = np.argsort(values)
        xs = values[order]

        def search(v, side):
            return np.searchsorted(xs, v, side=side)

        nonzero = np.flatnonzero
    n = xs.shape[0]
    every = slice(None)

    def count(radius):
        r = radius[order]

        def inside(rows, index):
            return abs(xs[index.clip(0, n - 1)] - xs[rows]) <= r[rows]

        lo = search(xs - r, "left")
        hi = search(xs + r, "right")
        rows = nonzero((hi < n) & inside(every, hi))
        while len(rows):
            hi[rows] = search(xs[hi[rows]], "right")
            rows = rows[(hi[rows] < n) & inside(rows, hi[rows])]
        rows = nonzero((hi > 0) & ~inside(every, hi - 1))
        while len(rows):
            hi[rows] = search(xs[hi[rows] - 1], "left")
            rows = rows[(hi[rows] > 0) & ~inside(rows, hi[rows] - 1)]
        rows = nonzero((lo > 0) & inside(every, lo - 1))
        while len(rows):
            lo[rows] = search(xs[lo[rows] - 1], "left")
            rows = rows[(lo[rows] > 0) & inside(rows, lo[rows] - 1)]
        rows = nonzero((lo < n) & ~inside(every, lo))
        while len(rows):
            lo[rows] = search(xs[lo[rows]], "right")
            rows = rows[(lo[rows] < n) & ~inside(rows, lo[rows])]
        counts = hi - lo
        counts[order] = counts.clone() if isinstance(counts, torch.Tensor) else counts.copy()
        return counts

    return count


def strictly_below(radius):
    """The largest float below ``radius`` (0 stays 0): ``d <= strictly_below(r)`` is ``d < r``."""
    if isinstance(radius, torch.Tensor):
        return torch.nextafter(radius, torch.zeros_like(radius))
    return np.nextafter(radius, 0)
