"""Variational MI bounds computed from critic scores.

Every bound takes the scores of a critic ``f(x, y)`` in one of two layouts:

* ``bound(scores)`` with ``scores`` of shape ``(n, n)``, ``scores[i, j] = f(x_i, y_j)``:
  the diagonal holds the positive (joint) pairs, the off-diagonal the negatives.
* ``bound(positive, negative)`` with ``positive`` of shape ``(n,)``, ``f(x_i, y_i)``,
  and ``negative`` of shape ``(n, K)``, ``f(x_i, y'_{ik})`` with ``y'`` drawn from the
  marginal of y. This is the layout the estimators use: K is free of the batch size.

All values are in nats. Each bound is a mean of per-row terms (``_terms``) reduced by
``_reduce``; the estimators score large data in chunks by concatenating the per-row
terms, so a chunked score equals the unchunked one.

Each bound is one :class:`Bound` record (``NWJ``, ``DV``, ``INFONCE``, ``TUBA``,
``ALPHA_TUBA``, ``JS``, ``SMILE``, ``FLO``): its terms, their reduction, the influence
behind the standard error, the training objective and the pointwise MI. The public
functions below, the discriminative estimators and :class:`skmist.HybridEstimator` all
compute a bound through its record, so a bound is written once.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from .._docstrings import fill_doc
from ._neighbors import returns_nats

__all__ = [
    "alpha_tuba",
    "dv",
    "flo",
    "infonce",
    "js",
    "mine",
    "nwj",
    "smile",
    "standard_error",
    "tuba",
]


def _as_pairs(scores, negative):
    if negative is not None:
        if scores.ndim != 1 or negative.ndim != 2 or negative.shape[0] != scores.shape[0]:
            raise ValueError(
                "expected positive scores of shape (n,) and negative scores of shape "
                f"(n, K); got {tuple(scores.shape)} and {tuple(negative.shape)}"
            )
        if negative.shape[1] < 1:
            raise ValueError("need at least one negative per positive (K >= 1)")
        return scores, negative
    if scores.ndim != 2 or scores.shape[0] != scores.shape[1] or scores.shape[0] < 2:
        raise ValueError(
            "a single score argument must be a square (n, n) matrix with n >= 2 whose "
            f"diagonal holds the positive pairs; got shape {tuple(scores.shape)}"
        )
    n = scores.shape[0]
    off_diagonal = ~torch.eye(n, dtype=torch.bool, device=scores.device)
    return scores.diagonal(), scores[off_diagonal].view(n, n - 1)


def _logmeanexp(values, dim=-1):
    return torch.logsumexp(values, dim=dim) - math.log(values.shape[dim])


def _reduce_mean(terms):
    return terms.mean()


def _influence_mean(terms):
    return terms


def standard_error(terms, influence=_influence_mean):
    """Standard error of a bound from its per-row terms: the standard deviation of each
    row's influence on the estimate (the delta method for non-linear reductions) over
    the square root of the number of rows. It covers the sampling variability of the
    evaluation, not that of training."""
    values = influence(terms)
    return values.std() / math.sqrt(values.shape[0])


# --- per-row terms; each returns (n,) or (n, m) -------------------------------------


def _nwj_terms(positive, negative):
    return positive - torch.exp(_logmeanexp(negative) - 1.0)


def _js_terms(positive, negative):
    # NWJ of the shifted critic f + 1, tight at the Jensen-Shannon optimum.
    return _nwj_terms(positive + 1.0, negative + 1.0)


def _dv_terms(positive, negative):
    # (f(x_i, y_i), log-mean-exp of row i's negatives); rows have equal K, so the
    # log-mean-exp of the row values is the log-mean-exp over all negatives.
    return torch.stack([positive, _logmeanexp(negative)], dim=-1)


def _reduce_dv(terms):
    return terms[:, 0].mean() - _logmeanexp(terms[:, 1], dim=0)


def _influence_dv(terms):
    # d/d(row i) of mean(P) - log mean(exp(L)): P_i - exp(L_i) / mean(exp(L)).
    return terms[:, 0] - torch.softmax(terms[:, 1], dim=0) * terms.shape[0]


def _smile_terms(positive, negative, tau):
    # Song & Ermon (2020), eq. (14): clipping exp(f) to [e^-tau, e^tau] is clamping f.
    return _dv_terms(positive, negative.clamp(-tau, tau))


def _infonce_terms(positive, negative):
    both = torch.cat([positive[:, None], negative], dim=-1)
    return positive - _logmeanexp(both)


def _tuba_terms(positive, negative, log_baseline):
    return positive - log_baseline + 1.0 - torch.exp(_logmeanexp(negative) - log_baseline)


def _alpha_tuba_log_partition(row_set, log_baseline, alpha):
    # log(alpha m(x) + (1 - alpha) a(x)), m the mean of exp f over a row's set.
    nce = _logmeanexp(row_set) + (math.log(alpha) if alpha > 0 else -math.inf)
    other = log_baseline + (math.log1p(-alpha) if alpha < 1 else -math.inf)
    return torch.logaddexp(nce, other)


def _alpha_tuba_terms(positive, negative, log_baseline, alpha):
    # Poole et al. (2019), eq. (12), with the roles of x and y swapped: row i holds one
    # x and K candidate y's. The multi-sample set has K members in both terms: the
    # positive plus K - 1 negatives for the joint term (_alpha_tuba_pointwise), the K
    # negatives for the marginal.
    joint = _alpha_tuba_pointwise(positive, negative, log_baseline, alpha)
    marginal = torch.exp(_logmeanexp(negative)
                         - _alpha_tuba_log_partition(negative, log_baseline, alpha))
    return 1.0 + joint - marginal


def _flo_terms(positive, negative, log_partition):
    # Guo et al. (2022), eq. (8): -u - exp(-u) E_y'[exp(f(x, y') - f(x, y))] + 1.
    shifted = _logmeanexp(negative - positive[:, None]) - log_partition
    return -log_partition - torch.exp(shifted) + 1.0


# --- pointwise MI: per-row estimates of log p(x, y) / (p(x) p(y)) --------------------
# Each is the critic value less the log-partition estimate its bound uses; the
# estimators document how their mean relates to the bound.


def _nwj_pointwise(positive):
    # NWJ is tight at f = 1 + PMI (the partition E[e^(f - 1)] is then 1).
    return positive - 1.0


def _dv_pointwise(terms):
    # From _dv_terms / _smile_terms: f(x_i, y_i) less the log-mean-exp over all
    # negatives (pooled, as _reduce_dv pools them); the mean is the DV estimate.
    return terms[:, 0] - _logmeanexp(terms[:, 1], dim=0)


def _tuba_pointwise(positive, log_baseline):
    # TUBA is tight at e^f / a(x) = p(y | x) / p(y).
    return positive - log_baseline


def _alpha_tuba_pointwise(positive, negative, log_baseline, alpha):
    # The joint term of _alpha_tuba_terms: f less the log of the interpolated
    # partition alpha m(x) + (1 - alpha) a(x) over the K candidates of row i.
    k = negative.shape[-1]
    joint_set = torch.cat([positive[:, None], negative[:, : k - 1]], dim=-1)
    return positive - _alpha_tuba_log_partition(joint_set, log_baseline, alpha)


def _flo_pointwise(log_partition):
    # FLO's u(x, y) learns log E_y'[exp(f(x, y') - f(x, y))], which is -PMI at the
    # optimum: f less the log-partition the bound uses, f + u, is -u.
    return -log_partition


def _js_objective(positive, negative):
    # f-GAN lower bound on the Jensen-Shannon divergence (Nowozin et al., 2016).
    return -F.softplus(-positive).mean() - F.softplus(negative).mean()


def _with_gradient_of(value, objective):
    """``value`` in the forward pass, ``objective``'s gradient in the backward pass."""
    return objective + (value - objective).detach()


def _mine_log_running_mean(log_running_mean, negative, momentum):
    """MINE's moving average of ``E[exp f]`` over the negatives, in log space: the
    batch's log-mean-exp, or ``log((1 - m) old + m batch)`` after the first batch."""
    batch = _logmeanexp(negative.detach().reshape(-1), dim=0)
    if log_running_mean is None:
        return batch
    return torch.logaddexp(math.log1p(-momentum) + log_running_mean,
                           math.log(momentum) + batch)


def _identity(values):
    return values


@dataclass(frozen=True, eq=False)
class Bound:
    """One variational bound: what an estimator needs to train a critic with it and to
    score with it.

    Every function takes ``(positive, negative, baseline, **options)``: the critic's
    scores of shape ``(n,)`` and ``(n, K)``, the auxiliary network's values of shape
    ``(n,)`` (``None`` for a bound without one) and the bound's options by name.

    Attributes
    ----------
    name : str
        Short name, as ``HybridEstimator(bound=...)`` spells it.
    kind : {"lower", "biased", "estimate", "upper"}
        What the value is, as the estimators' ``mi_bound`` tag reports it: a lower
        bound for every critic, one in expectation only (biased upwards in finite
        samples), an estimate that bounds nothing, or an upper bound.
    terms : callable
        Per-row terms, of shape ``(n,)`` or ``(n, m)``; rows are independent, so the
        terms of chunks concatenate to the terms of the whole.
    reduce : callable
        ``reduce(terms)``: the value, a 0-dim tensor.
    influence : callable
        ``influence(terms)``: each row's influence on the value, for
        :func:`standard_error`.
    pointwise : callable or None
        Per-row pointwise MI, or what ``finish`` makes it from; ``None``: the terms.
    gradient : callable or None
        A surrogate whose gradient training follows instead of the value's (JS and
        SMILE train with the Jensen-Shannon objective's); ``None``: the value's.
    finish : callable
        ``finish(values)`` over the pointwise values of all rows (the DV family pools
        the log-partition over every row's negatives).
    baseline : {None, "x", "xy"}
        The auxiliary function the bound takes: none, a log-baseline ``log a(x)``
        (TUBA) or a log-partition ``u(x, y)`` (FLO).
    options : tuple of str
        Names of the options the functions take (``tau``, ``alpha``), which the
        estimators pass from their parameters of the same names.
    """

    name: str
    kind: str
    terms: Callable
    pointwise: Optional[Callable] = None
    reduce: Callable = _reduce_mean
    influence: Callable = _influence_mean
    gradient: Optional[Callable] = None
    finish: Callable = _identity
    baseline: Optional[str] = None
    options: tuple = ()

    def __post_init__(self):
        if self.pointwise is None:
            object.__setattr__(self, "pointwise", self.terms)

    def __repr__(self):
        return f"Bound({self.name!r}, kind={self.kind!r})"

    def value(self, positive, negative, baseline=None, **options):
        """The bound, a 0-dim tensor."""
        return self.reduce(self.terms(positive, negative, baseline, **options))

    def objective(self, positive, negative, baseline=None, **options):
        """The training objective (to maximise): the value, with the gradient of
        ``gradient`` where there is one."""
        value = self.value(positive, negative, baseline, **options)
        if self.gradient is None:
            return value
        return _with_gradient_of(value, self.gradient(positive, negative, baseline,
                                                      **options))


NWJ = Bound(
    "nwj", "lower",
    terms=lambda positive, negative, baseline: _nwj_terms(positive, negative),
    pointwise=lambda positive, negative, baseline: _nwj_pointwise(positive),
)
# MINEEstimator trains DV with its moving-average gradient (``mine``), which needs the
# running mean as state: the estimator keeps it.
DV = Bound(
    "dv", "biased",
    terms=lambda positive, negative, baseline: _dv_terms(positive, negative),
    reduce=_reduce_dv, influence=_influence_dv, finish=_dv_pointwise,
)
INFONCE = Bound(
    "infonce", "lower",
    terms=lambda positive, negative, baseline: _infonce_terms(positive, negative),
)
TUBA = Bound(
    "tuba", "lower",
    terms=_tuba_terms,
    pointwise=lambda positive, negative, baseline: _tuba_pointwise(positive, baseline),
    baseline="x",
)
ALPHA_TUBA = Bound(
    "alpha_tuba", "lower",
    terms=_alpha_tuba_terms, pointwise=_alpha_tuba_pointwise,
    baseline="x", options=("alpha",),
)
# The pointwise MI of JS is the critic itself: the Jensen-Shannon optimum is the log
# density ratio.
JS = Bound(
    "js", "lower",
    terms=lambda positive, negative, baseline: _nwj_terms(positive + 1.0, negative + 1.0),
    pointwise=lambda positive, negative, baseline: positive,
    gradient=lambda positive, negative, baseline: _js_objective(positive, negative),
)
SMILE = Bound(
    "smile", "estimate",
    terms=lambda positive, negative, baseline, tau: _smile_terms(positive, negative, tau),
    reduce=_reduce_dv, influence=_influence_dv, finish=_dv_pointwise,
    gradient=lambda positive, negative, baseline, tau: _js_objective(positive, negative),
    options=("tau",),
)
FLO = Bound(
    "flo", "lower",
    terms=_flo_terms,
    pointwise=lambda positive, negative, baseline: _flo_pointwise(baseline),
    baseline="xy",
)


# --- public bounds ------------------------------------------------------------------

# What the bounds of a score matrix return.
_RETURNS = returns_nats(of="``scores``", dtype="its dtype")


@fill_doc(returns=_RETURNS)
def nwj(scores, negative=None):
    r"""Nguyen-Wainwright-Jordan (f-divergence) lower bound on MI.

    .. math:: I(X; Y) \ge \mathbb{E}_{p(x,y)}[f] - \mathbb{E}_{p(x)p(y)}[e^{f - 1}]

    Unbiased in minibatches and a valid lower bound for every critic ``f``; tight at
    ``f = 1 + \log p(x,y) / p(x)p(y)``. Its variance grows exponentially with the MI
    (Song & Ermon, 2020).

    Parameters
    ----------
    scores : torch.Tensor of shape (n, n) or (n,)
        A square score matrix with positives on the diagonal, or the positive scores
        when ``negative`` is given.
    negative : torch.Tensor of shape (n, K), default=None
        Scores of negative pairs, row ``i`` sharing ``x_i``.

    {returns}

    References
    ----------
    Nguyen, Wainwright & Jordan (2010), "Estimating divergence functionals and the
    likelihood ratio by convex risk minimization", IEEE Trans. Inf. Theory.
    """
    return NWJ.value(*_as_pairs(scores, negative))


@fill_doc(returns=_RETURNS)
def dv(scores, negative=None):
    r"""Donsker-Varadhan lower bound on MI, as used by MINE.

    .. math:: I(X; Y) \ge \mathbb{E}_{p(x,y)}[f] - \log \mathbb{E}_{p(x)p(y)}[e^{f}]

    The bound holds in expectation for the true marginal expectation; the minibatch
    log-mean-exp is biased upwards (Jensen), so a DV estimate can exceed the truth.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.

    {returns}

    References
    ----------
    Donsker & Varadhan (1983); Belghazi et al. (2018), "MINE: Mutual Information Neural
    Estimation", ICML, eq. (10).
    """
    return DV.value(*_as_pairs(scores, negative))


def mine(scores, negative=None, log_running_mean=None):
    r"""MINE: the Donsker-Varadhan bound with the moving-average gradient correction.

    The value is :func:`dv`. The gradient of the log-partition term,
    :math:`\nabla \mathbb{E}[e^f] / \mathbb{E}[e^f]`, is biased in minibatches; MINE
    (Belghazi et al., 2018, section 3.2) divides by a moving average of
    :math:`\mathbb{E}[e^f]` instead. Pass its logarithm as ``log_running_mean`` (and
    update it yourself, e.g. ``torch.logaddexp(log(1 - m) + old, log(m) + batch)``) to get
    the corrected gradient; with ``None`` this is plain :func:`dv`.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.
    log_running_mean : torch.Tensor or float, default=None
        Log of the moving average of the mean of ``exp(negative)``.

    Returns
    -------
    torch.Tensor
        The DV estimate in nats (0-dim), with MINE's gradient when
        ``log_running_mean`` is given.
    """
    positive, negative = _as_pairs(scores, negative)
    value = DV.value(positive, negative)
    if log_running_mean is None:
        return value
    log_partition = _logmeanexp(negative.reshape(-1), dim=0)
    # d/dθ log E[e^f] replaced by d/dθ E[e^f] / running mean, computed in log space.
    weight = torch.exp(log_partition.detach() - torch.as_tensor(log_running_mean))
    surrogate = positive.mean() - weight * log_partition
    return _with_gradient_of(value, surrogate)


@fill_doc(returns=_RETURNS)
def infonce(scores, negative=None):
    r"""InfoNCE (contrastive predictive coding) lower bound on MI.

    .. math:: I(X; Y) \ge \mathbb{E}\left[f(x_i, y_i) - \log \frac{1}{K+1}
              \Big(e^{f(x_i, y_i)} + \sum_{k=1}^{K} e^{f(x_i, y'_k)}\Big)\right]

    Low variance, but never above :math:`\log(K + 1)` for K negatives per positive, so it
    is loose when the MI approaches that cap.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.

    {returns}

    References
    ----------
    van den Oord, Li & Vinyals (2018), "Representation learning with contrastive
    predictive coding"; Poole et al. (2019), "On variational bounds of mutual
    information", ICML, eq. (10).
    """
    return INFONCE.value(*_as_pairs(scores, negative))


@fill_doc(returns=_RETURNS)
def tuba(scores, negative=None, log_baseline=None):
    r"""Tractable unnormalized Barber-Agakov (TUBA) lower bound on MI.

    .. math:: I(X; Y) \ge \mathbb{E}_{p(x,y)}[f - \log a(x)] + 1
              - \mathbb{E}_{p(x)p(y)}\left[e^{f} / a(x)\right]

    A valid lower bound for every critic and every positive baseline ``a``; the baseline
    absorbs the partition function so the critic need not. With ``log a = 1`` it is
    :func:`nwj`.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.
    log_baseline : torch.Tensor of shape (n,) or float, default=None
        ``log a(x_i)``, one per row. ``None`` means the constant 1 (NWJ).

    {returns}

    References
    ----------
    Poole et al. (2019), "On variational bounds of mutual information", ICML, eq. (7).
    """
    positive, negative = _as_pairs(scores, negative)
    if log_baseline is None:
        log_baseline = 1.0
    return TUBA.value(positive, negative, log_baseline)


@fill_doc(returns=_RETURNS)
def alpha_tuba(scores, negative=None, log_baseline=None, alpha=0.5):
    r"""The interpolated bound :math:`I_\alpha` between InfoNCE and TUBA.

    The partition function is approximated by
    :math:`\alpha\, m(x) + (1 - \alpha)\, a(x)` with :math:`m` the multi-sample mean of
    :math:`e^f` over K candidates; ``alpha=1`` is InfoNCE with K candidates (capped at
    :math:`\log K`), ``alpha=0`` is :func:`tuba`. Intermediate values trade InfoNCE's low
    variance against TUBA's lack of a cap. A valid lower bound for every critic.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.
    log_baseline : torch.Tensor of shape (n,) or float, default=None
        ``log a(x_i)``; ``None`` means 0.
    alpha : float, default=0.5
        Interpolation weight in [0, 1].

    {returns}

    References
    ----------
    Poole et al. (2019), "On variational bounds of mutual information", ICML, eq. (12).
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1]; got {alpha}")
    positive, negative = _as_pairs(scores, negative)
    if log_baseline is None:
        log_baseline = 0.0
    log_baseline = torch.as_tensor(log_baseline, dtype=positive.dtype, device=positive.device)
    return ALPHA_TUBA.value(positive, negative, log_baseline, alpha=alpha)


def js(scores, negative=None):
    r"""Jensen-Shannon-trained critic evaluated with a valid MI lower bound.

    The value is the NWJ bound of the shifted critic :math:`f + 1`,
    :math:`\mathbb{E}_{p}[f] + 1 - \mathbb{E}_{p(x)p(y)}[e^{f}]`, which is tight at the
    optimum of the Jensen-Shannon objective, :math:`f^* = \log p(x,y)/p(x)p(y)`; the
    gradient is that of the f-GAN Jensen-Shannon objective
    :math:`-\mathbb{E}_p[\mathrm{softplus}(-f)] - \mathbb{E}_{p(x)p(y)}[\mathrm{softplus}(f)]`,
    whose low variance makes training stable.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.

    Returns
    -------
    torch.Tensor
        The NWJ value in nats (0-dim), with the Jensen-Shannon gradient.

    References
    ----------
    Nowozin, Cseke & Tomioka (2016), "f-GAN"; Hjelm et al. (2019), "Deep InfoMax";
    Song & Ermon (2020), "Understanding the limitations of variational mutual
    information estimators", ICLR, section 4.
    """
    return JS.objective(*_as_pairs(scores, negative))


def smile(scores, negative=None, tau=5.0):
    r"""SMILE: the clipped Donsker-Varadhan estimate of a Jensen-Shannon-trained critic.

    .. math:: \hat I = \mathbb{E}_{p}[f] - \log \mathbb{E}_{p(x)p(y)}
              \left[\mathrm{clip}(e^{f}, e^{-\tau}, e^{\tau})\right]

    Clipping bounds the variance of the partition term (it is not a bound on MI for
    finite ``tau``: the estimate trades a bias for that variance). The gradient is that
    of the Jensen-Shannon objective, as in the reference implementation.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.
    tau : float, default=5.0
        Clip threshold; ``math.inf`` gives the DV value of a JS-trained critic.

    Returns
    -------
    torch.Tensor
        The estimate in nats (0-dim), with the Jensen-Shannon gradient.

    References
    ----------
    Song & Ermon (2020), "Understanding the limitations of variational mutual
    information estimators", ICLR, eq. (14).
    """
    return SMILE.objective(*_as_pairs(scores, negative), tau=tau)


@fill_doc(returns=_RETURNS)
def flo(scores, negative=None, log_partition=None):
    r"""FLO: the Fenchel-Legendre optimization lower bound on MI.

    .. math:: I(X; Y) \ge \mathbb{E}_{p(x,y)}\left[1 - u(x, y) - e^{-u(x,y)}\,
              \mathbb{E}_{p(y')}\big[e^{f(x, y') - f(x, y)}\big]\right]

    The Fenchel dual of :math:`-\log` turns InfoNCE's log-partition into a learned
    ``u``; the inner expectation is linear, so minibatch estimates are unbiased and the
    bound has no :math:`\log K` cap. Tight when ``u`` is the log-partition.

    Parameters
    ----------
    scores, negative : torch.Tensor
        See :func:`nwj`.
    log_partition : torch.Tensor of shape (n,) or float, default=None
        ``u(x_i, y_i)``; ``None`` means 0.

    {returns}

    References
    ----------
    Guo et al. (2022), "Tight mutual information estimation with contrastive
    Fenchel-Legendre optimization", NeurIPS, eq. (8).
    """
    positive, negative = _as_pairs(scores, negative)
    if log_partition is None:
        log_partition = torch.zeros_like(positive)
    return FLO.value(positive, negative, log_partition)
