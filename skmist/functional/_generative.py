"""MI estimates from the log-densities of generative models q(y | x), q(y), q(x, y).

Each function takes log-densities (a model's output, differentiable) and returns the
estimate in nats, a 0-dim tensor, so a user can minimise CLUB or maximise BA inside a
loss. As in :mod:`skmist.functional._bounds`, each estimate is the mean of per-row
terms (``_terms``), which the estimators score in chunks.

The two layouts of the contrastive ones (:func:`club`, :func:`l1out`):

* one ``(n, n)`` matrix ``log_q[i, j] = log q(y_j | x_i)``, positives on the diagonal;
* ``positive`` of shape ``(n,)``, ``log q(y_i | x_i)``, and ``negative`` of shape
  ``(n, K)``; what a negative is differs between the two and is said in each function.
"""

import torch

from .._docstrings import fill_doc
from ._neighbors import returns_nats

from ._bounds import _as_pairs, _logmeanexp, _reduce_mean

__all__ = ["ba", "club", "doe", "gm", "l1out"]


def _as_vector(t, name):
    t = torch.as_tensor(t)
    if t.ndim != 1 or t.shape[0] < 1:
        raise ValueError(f"{name} must have shape (n,) with n >= 1; got {tuple(t.shape)}")
    return t


def _same_length(*named):
    lengths = {name: t.shape[0] for name, t in named}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the log-densities have different lengths: {lengths}")


# --- per-row terms ------------------------------------------------------------------


def _ba_terms(log_q_conditional, entropy_y):
    return log_q_conditional + entropy_y


def _doe_terms(log_q_conditional, log_q_marginal):
    return log_q_conditional - log_q_marginal


def _gm_terms(log_q_joint, log_q_x, log_q_y):
    return log_q_joint - log_q_x - log_q_y


def _club_terms(positive, negative):
    return positive - negative.mean(-1)


def _l1out_terms(positive, negative):
    return positive - _logmeanexp(negative)


# --- public estimates ---------------------------------------------------------------


@fill_doc(returns=returns_nats(of="``log_q_conditional``", dtype="its dtype"))
def ba(log_q_conditional, entropy_y):
    r"""Barber-Agakov lower bound on MI from a conditional model and the true H(Y).

    .. math:: I(X; Y) \ge H(Y) + \mathbb{E}_{p(x, y)}[\log q(y \mid x)]

    A lower bound for every q, tight when q is the true conditional; it needs the true
    entropy of y (in the same units as the log-densities, nats, for the same scaling of
    y). With an estimated H(Y), i.e. a learned marginal, it is :func:`doe` and bounds
    nothing.

    Parameters
    ----------
    log_q_conditional : torch.Tensor of shape (n,)
        ``log q(y_i | x_i)`` on samples of the joint.
    entropy_y : float or torch.Tensor
        The differential (or, for discrete y, Shannon) entropy of y, in nats.

    {returns}

    References
    ----------
    Barber & Agakov (2003), "The IM algorithm: a variational approach to information
    maximization", NeurIPS; Poole et al. (2019), ICML, eq. (2).
    """
    return _reduce_mean(_ba_terms(_as_vector(log_q_conditional, "log_q_conditional"),
                                  entropy_y))


@fill_doc(returns=returns_nats(of="``log_q_conditional``", dtype="its dtype"))
def doe(log_q_conditional, log_q_marginal):
    r"""Difference-of-entropies estimate of MI: :math:`\hat H(Y) - \hat H(Y \mid X)`.

    .. math:: \hat I = \mathbb{E}_{p(x, y)}[\log q(y \mid x) - \log q(y)]

    Each entropy is estimated by a cross-entropy, an upper bound on it, so the
    difference bounds nothing: it is accurate when both models are, and its error is
    :math:`\mathrm{KL}(p(y) \| q(y)) - \mathbb{E}_x \mathrm{KL}(p(y \mid x) \| q(y \mid x))`.

    Parameters
    ----------
    log_q_conditional : torch.Tensor of shape (n,)
        ``log q(y_i | x_i)``.
    log_q_marginal : torch.Tensor of shape (n,)
        ``log q(y_i)``.

    {returns}

    References
    ----------
    McAllester & Stratos (2020), "Formal limitations on the measurement of mutual
    information", AISTATS.
    """
    a = _as_vector(log_q_conditional, "log_q_conditional")
    b = _as_vector(log_q_marginal, "log_q_marginal")
    _same_length(("log_q_conditional", a), ("log_q_marginal", b))
    return _reduce_mean(_doe_terms(a, b))


@fill_doc(returns=returns_nats(of="``log_q_joint``", dtype="its dtype"))
def gm(log_q_joint, log_q_x, log_q_y):
    r"""MI from generative models of the joint and of both marginals.

    .. math:: \hat I = \mathbb{E}_{p(x, y)}[\log q(x, y) - \log q(x) - \log q(y)]

    Not a bound: each model's error enters with its own sign.

    Parameters
    ----------
    log_q_joint : torch.Tensor of shape (n,)
        ``log q(x_i, y_i)``.
    log_q_x : torch.Tensor of shape (n,)
        ``log q(x_i)``.
    log_q_y : torch.Tensor of shape (n,)
        ``log q(y_i)``.

    {returns}

    References
    ----------
    Song & Ermon (2020), "Understanding the limitations of variational mutual
    information estimators", ICLR, section 6.
    """
    a = _as_vector(log_q_joint, "log_q_joint")
    b = _as_vector(log_q_x, "log_q_x")
    c = _as_vector(log_q_y, "log_q_y")
    _same_length(("log_q_joint", a), ("log_q_x", b), ("log_q_y", c))
    return _reduce_mean(_gm_terms(a, b, c))


@fill_doc(returns=returns_nats(of="``log_q``", dtype="its dtype"))
def club(log_q, negative=None):
    r"""CLUB: the contrastive log-ratio upper bound on MI.

    .. math:: \hat I = \mathbb{E}_{p(x, y)}[\log q(y \mid x)]
              - \mathbb{E}_{p(x)}\mathbb{E}_{p(y)}[\log q(y \mid x)]

    An upper bound when q is the true conditional (and, approximately, when it is
    close to it in KL); loose, e.g. ``rho**2 / (1 - rho**2)`` instead of
    ``-log(1 - rho**2) / 2`` per dimension for Gaussians of correlation rho. Minimise it
    to reduce the MI between a representation and a nuisance (train q by maximum
    likelihood alongside, with the representation detached).

    Parameters
    ----------
    log_q : torch.Tensor of shape (n, n) or (n,)
        ``log_q[i, j] = log q(y_j | x_i)``; or, with ``negative``, the positives
        ``log q(y_i | x_i)``.
    negative : torch.Tensor of shape (n, K), default=None
        ``log q(y'_{ik} | x_i)`` for y' drawn from the marginal of y (other rows).

    {returns}

    References
    ----------
    Cheng et al. (2020), "CLUB: A contrastive log-ratio upper bound of mutual
    information", ICML, eq. (5).
    """
    return _reduce_mean(_club_terms(*_as_pairs(log_q, negative)))


@fill_doc(returns=returns_nats(of="``log_q``", dtype="its dtype"))
def l1out(log_q, negative=None):
    r"""Leave-one-out upper bound on MI.

    .. math:: \hat I = \mathbb{E}\Big[\log q(y_i \mid x_i)
              - \log \frac{1}{K} \sum_{k} q(y_i \mid x'_k)\Big]

    The marginal p(y_i) is the mixture of q(y_i | x) over the other rows' x. An upper
    bound when q is the true conditional, for any K; tighter than :func:`club`, biased
    upwards for small K.

    Parameters
    ----------
    log_q : torch.Tensor of shape (n, n) or (n,)
        ``log_q[i, j] = log q(y_j | x_i)`` (the column of y_j is its row here); or,
        with ``negative``, the positives ``log q(y_i | x_i)``.
    negative : torch.Tensor of shape (n, K), default=None
        ``log q(y_i | x'_{ik})`` for x' the x of other rows.

    {returns}

    References
    ----------
    Poole et al. (2019), "On variational bounds of mutual information", ICML, eq. (13);
    Cheng et al. (2020), ICML, eq. (8).
    """
    if negative is None:
        log_q = torch.as_tensor(log_q)
        if log_q.ndim == 2:
            log_q = log_q.T
    return _reduce_mean(_l1out_terms(*_as_pairs(log_q, negative)))
