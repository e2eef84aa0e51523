"""Densities q(y) and conditional densities q(y | x) for the generative estimators.

One class per family; ``context=0`` gives a marginal density q(y), ``context=d_x > 0``
a conditional one whose parameters are an MLP of x (for the mixture, a mixture density
network). Every density splits evaluation in two, so that scoring n rows of x against
K candidate y's each runs the network once per x:

* ``condition(x) -> params`` of shape ``(*, n_params)``: the per-row parameters;
* ``log_prob_given(y, params) -> (*,)``, broadcasting ``y (*, d)`` against ``params``.

``log_prob(y, x)`` is the two in a row. Sampling takes a :class:`torch.Generator`, so
that an estimator's randomness comes from its ``random_state`` and never from the
global RNG.
"""

import math

import torch
from torch import nn

from ._mlp import MLP, make_activation

__all__ = [
    "CategoricalDensity",
    "FlowDensity",
    "GaussianDensity",
    "MixtureDensity",
]

_LOG_2PI = math.log(2.0 * math.pi)
COVARIANCES = ("full", "diag")


def _standard_normal(shape, generator, like):
    """Standard normal noise from ``generator`` (on its own device), moved to ``like``'s
    device: a CPU generator gives the same draws whatever the model's device."""
    device = generator.device if generator is not None else like.device
    noise = torch.randn(shape, generator=generator, device=device, dtype=like.dtype)
    return noise.to(like.device)


def _uniform(shape, generator, like):
    device = generator.device if generator is not None else like.device
    return torch.rand(shape, generator=generator, device=device, dtype=like.dtype).to(like.device)


class _Density(nn.Module):
    """Parameters from an MLP of the context, or learned directly when ``context=0``."""

    def __init__(self, n_params, context, hidden_dims, activation):
        super().__init__()
        self.context = int(context)
        self.n_params = n_params
        if self.context:
            self.net = MLP(self.context, n_params, tuple(hidden_dims), activation)
            self.register_parameter("params", None)
        else:
            self.net = None
            self.params = nn.Parameter(torch.zeros(n_params))

    def condition(self, x=None):
        """Per-row parameters ``(*, n_params)`` of q(y | x), or the ``(n_params,)``
        parameters of q(y) when the density has no context."""
        if self.net is None:
            return self.params
        if x is None:
            raise ValueError(f"{type(self).__name__} is conditional: pass x")
        return self.net(x)

    def log_prob(self, y, x=None):
        """Log-density ``(*,)`` of ``y (*, d)`` given ``x (*, context)``, broadcast."""
        return self.log_prob_given(y, self.condition(x))

    def sample(self, x=None, sample_shape=(), generator=None):
        """Draws ``(*sample_shape, *, d)`` from q(y | x) (or q(y)).

        Parameters
        ----------
        x : torch.Tensor of shape ``(*, context)``, default=None
        sample_shape : tuple of int, default=()
            Leading dimensions of independent draws.
        generator : torch.Generator, default=None
            Source of the noise; its device may differ from the model's.
        """
        params = self.condition(x)
        shape = (*sample_shape, *params.shape[:-1])
        return self.sample_given(params.expand(*shape, params.shape[-1]), generator)


# --- Gaussian ------------------------------------------------------------------------


def _gaussian_n_params(d, covariance):
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {COVARIANCES}; got {covariance!r}")
    return 2 * d + (d * (d - 1) // 2 if covariance == "full" else 0)


def _precision_factor(params, d):
    """Lower-triangular Cholesky factor ``P`` of the precision, ``(*, d, d)``, with a
    positive diagonal ``exp(params[d:2d])``; ``params[2d:]`` fill the strict lower part."""
    log_diag = params[..., d : 2 * d]
    factor = torch.diag_embed(torch.exp(log_diag))
    if d > 1:
        rows, cols = torch.tril_indices(d, d, offset=-1, device=params.device)
        lower = torch.zeros_like(factor)
        lower[..., rows, cols] = params[..., 2 * d :]
        factor = factor + lower
    return factor


def _gaussian_params_from_moments(loc, cov, covariance):
    """Parameters of N(loc, cov): the precision's Cholesky factor P = L^{-T} with
    L the covariance's (so P P^T = cov^{-1})."""
    d = loc.shape[-1]
    if covariance == "diag":
        return torch.cat([loc, -0.5 * torch.log(cov.diagonal(dim1=-2, dim2=-1))], dim=-1)
    eye = torch.eye(d, dtype=cov.dtype, device=cov.device)
    # P lower-triangular with P P^T = cov^{-1}: P = J U^{-T} J where U is the
    # Cholesky factor of J cov J, J the order-reversing permutation.
    flip = eye.flip(-1)
    upper = torch.linalg.cholesky(flip @ cov @ flip)
    factor = flip @ torch.linalg.inv(upper).transpose(-1, -2) @ flip
    rows, cols = torch.tril_indices(d, d, offset=-1, device=cov.device)
    return torch.cat([loc, torch.log(factor.diagonal()), factor[rows, cols]], dim=-1)


def _moments(y):
    """Mean and covariance of the rows of ``y``, the covariance regularised so that
    a constant or duplicated column keeps it positive definite."""
    y = y.detach().to(torch.float64)
    loc = y.mean(0)
    centred = y - loc
    cov = centred.T @ centred / max(1, y.shape[0] - 1)
    jitter = 1e-6 * (cov.diagonal().mean() + 1.0)
    return loc, cov + jitter * torch.eye(y.shape[1], dtype=cov.dtype, device=cov.device)


def _gaussian_log_prob(y, params, covariance):
    # The precision's Cholesky factor P gives log N = log|P| - |P^T (y - m)|^2 / 2 - ...:
    # one matmul per pair and no triangular solve, unlike the covariance's factor.
    d = y.shape[-1]
    centred = y - params[..., :d]
    log_diag = params[..., d : 2 * d]
    if covariance == "diag":
        z = centred * torch.exp(log_diag)
    else:
        factor = _precision_factor(params, d)
        z = (centred.unsqueeze(-2) @ factor).squeeze(-2)
    return log_diag.sum(-1) - 0.5 * z.square().sum(-1) - 0.5 * d * _LOG_2PI


def _gaussian_sample(params, d, covariance, generator):
    noise = _standard_normal(params.shape[:-1] + (d,), generator, params)
    loc = params[..., :d]
    if covariance == "diag":
        return loc + noise * torch.exp(-params[..., d : 2 * d])
    factor = _precision_factor(params, d)
    # y = m + P^{-T} eps has covariance (P P^T)^{-1}.
    solved = torch.linalg.solve_triangular(
        factor.transpose(-1, -2), noise.unsqueeze(-1), upper=True
    )
    return loc + solved.squeeze(-1)


class GaussianDensity(_Density):
    """Gaussian ``q(y) = N(m, S)`` or ``q(y | x) = N(m(x), S(x))`` with an MLP for
    the parameters.

    The covariance is parametrised by the Cholesky factor of its inverse, which keeps
    it positive definite and the log-density one matrix product per pair.

    Parameters
    ----------
    features : int
        Dimension d of y.
    context : int, default=0
        Dimension of x; 0 gives the marginal q(y) with learned parameters.
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the MLP of x; ignored when ``context=0``.
    activation : str, default="silu"
        Activation of the MLP's hidden layers.
    covariance : {"full", "diag"}, default="full"
        A full covariance (``d (d + 1) / 2`` parameters), or a diagonal one.

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import GaussianDensity
    >>> q = GaussianDensity(3, context=2, hidden_dims=(16,))
    >>> q.log_prob(torch.zeros(5, 3), torch.zeros(5, 2)).shape
    torch.Size([5])
    >>> q.sample(torch.zeros(5, 2), sample_shape=(4,)).shape
    torch.Size([4, 5, 3])
    """

    def __init__(self, features, context=0, hidden_dims=(128,), activation="silu",
                 covariance="full"):
        super().__init__(_gaussian_n_params(features, covariance), context, hidden_dims,
                         activation)
        self.features = features
        self.covariance = covariance

    def init_from_data(self, y, generator=None):
        """Start a marginal density at the maximum-likelihood fit to ``y (n, d)``:
        the sample mean and covariance. Gradient steps of a fixed size would need
        thousands of steps to reach a sharp covariance. No effect with a context."""
        if self.context:
            return self
        loc, cov = _moments(y)
        with torch.no_grad():
            params = _gaussian_params_from_moments(loc, cov, self.covariance)
            self.params.copy_(params.to(self.params.dtype))
        return self

    def log_prob_given(self, y, params):
        return _gaussian_log_prob(y, params, self.covariance)

    def sample_given(self, params, generator=None):
        return _gaussian_sample(params, self.features, self.covariance, generator)


class MixtureDensity(_Density):
    """Mixture of ``n_components`` Gaussians; with a context, a mixture density network
    (Bishop, 1994): weights, means and covariances are one MLP of x.

    Parameters
    ----------
    features : int
        Dimension d of y.
    context : int, default=0
        Dimension of x; 0 gives a marginal mixture q(y).
    n_components : int, default=5
        Number of Gaussian components.
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the MLP of x.
    activation : str, default="silu"
        Activation of the MLP's hidden layers.
    covariance : {"full", "diag"}, default="full"
        Covariance of each component.

    References
    ----------
    C. M. Bishop, "Mixture density networks", Aston University technical report
    NCRG/94/004 (1994).

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import MixtureDensity
    >>> q = MixtureDensity(2, context=3, n_components=4, hidden_dims=(16,))
    >>> q.log_prob(torch.zeros(5, 7, 2), torch.zeros(5, 1, 3)).shape
    torch.Size([5, 7])
    """

    def __init__(self, features, context=0, n_components=5, hidden_dims=(128,),
                 activation="silu", covariance="full"):
        self.per_component = _gaussian_n_params(features, covariance)
        super().__init__(n_components * (1 + self.per_component), context, hidden_dims,
                         activation)
        self.features = features
        self.n_components = n_components
        self.covariance = covariance
        if not self.context:
            # Spread the components' means: identical components never separate.
            with torch.no_grad():
                self._split(self.params)[1][..., :features].normal_()

    def _split(self, params):
        c = self.n_components
        logits = params[..., :c]
        components = params[..., c:].unflatten(-1, (c, self.per_component))
        return logits, components

    def init_from_data(self, y, generator=None):
        """Start a marginal mixture with equal weights, each component at a random row
        of ``y (n, d)`` with the covariance of all of ``y`` shrunk by the number of
        components. No effect with a context."""
        if self.context:
            return self
        loc, cov = _moments(y)
        rows = torch.randperm(y.shape[0], generator=generator)[: self.n_components]
        rows = rows.to(y.device)
        centres = y.detach().to(torch.float64)[rows]
        if len(rows) < self.n_components:
            centres = loc.expand(self.n_components, -1).clone()
            centres[: len(rows)] = y.detach().to(torch.float64)[rows]
        shrink = self.n_components ** (-2.0 / y.shape[1])
        component = _gaussian_params_from_moments(
            centres, (cov * shrink).expand(self.n_components, -1, -1), self.covariance
        ) if self.covariance == "diag" else torch.stack([
            _gaussian_params_from_moments(centre, cov * shrink, self.covariance)
            for centre in centres
        ])
        with torch.no_grad():
            logits, components = self._split(self.params)
            logits.zero_()
            components.copy_(component.to(self.params.dtype))
        return self

    def log_prob_given(self, y, params):
        logits, components = self._split(params)
        per_component = _gaussian_log_prob(y.unsqueeze(-2), components, self.covariance)
        return torch.logsumexp(torch.log_softmax(logits, -1) + per_component, dim=-1)

    def sample_given(self, params, generator=None):
        logits, components = self._split(params)
        # Gumbel-max picks a component with probability softmax(logits).
        gumbel = -torch.log(-torch.log(_uniform(logits.shape, generator, logits).clamp_min(
            torch.finfo(logits.dtype).tiny)))
        which = (logits + gumbel).argmax(-1)
        chosen = components.gather(
            -2, which[..., None, None].expand(*which.shape, 1, self.per_component)
        ).squeeze(-2)
        return _gaussian_sample(chosen, self.features, self.covariance, generator)


class CategoricalDensity(_Density):
    """Categorical q(y) or q(y | x) (a classifier) over one-hot encoded ``y``.

    Parameters
    ----------
    features : int
        Number of categories; ``y`` is one-hot of this width (or, for
        :meth:`log_prob_codes`, integer codes).
    context : int, default=0
        Dimension of x; 0 gives the marginal q(y).
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the MLP of x.
    activation : str, default="silu"
        Activation of the MLP's hidden layers.

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import CategoricalDensity
    >>> q = CategoricalDensity(3)
    >>> q.log_prob(torch.eye(3)).exp()
    tensor([0.3333, 0.3333, 0.3333], grad_fn=<ExpBackward0>)
    """

    def __init__(self, features, context=0, hidden_dims=(128,), activation="silu"):
        super().__init__(features, context, hidden_dims, activation)
        self.features = features

    def init_from_data(self, y, generator=None):
        """Start a marginal at the frequencies of one-hot ``y (n, features)`` (plus a
        half count each). No effect with a context."""
        if self.context:
            return self
        counts = y.detach().to(torch.float64).sum(0) + 0.5
        with torch.no_grad():
            self.params.copy_(torch.log(counts / counts.sum()).to(self.params.dtype))
        return self

    def log_prob_given(self, y, params):
        return (torch.log_softmax(params, -1) * y).sum(-1)

    def log_prob_codes(self, codes, x=None):
        """Log-probabilities ``(*,)`` of integer category codes ``(*,)``."""
        log_p = torch.log_softmax(self.condition(x), -1)
        log_p = log_p.expand(*codes.shape, self.features)
        return log_p.gather(-1, codes.unsqueeze(-1)).squeeze(-1)

    def sample_given(self, params, generator=None):
        gumbel = -torch.log(-torch.log(_uniform(params.shape, generator, params).clamp_min(
            torch.finfo(params.dtype).tiny)))
        which = (params + gumbel).argmax(-1)
        return nn.functional.one_hot(which, self.features).to(params.dtype)


def _zuko():
    try:
        import zuko
    except ImportError:
        raise ImportError(
            "FlowDensity (density='flow') needs the normalizing-flow library zuko: "
            "pip install 'skmist[flow]' (or pip install zuko)"
        ) from None
    return zuko


class FlowDensity(nn.Module):
    """Normalizing flow q(y) or q(y | x): a neural spline flow (zuko's ``NSF``) or a
    masked autoregressive flow (``MAF``) on a standard normal base.

    Needs zuko, the optional extra ``pip install 'skmist[flow]'``. Here the
    "parameters" that :meth:`condition` returns are x itself: an autoregressive
    flow's conditioner reads y as well as x, so nothing of x alone can be computed once
    per row.

    Parameters
    ----------
    features : int
        Dimension d of y.
    context : int, default=0
        Dimension of x; 0 gives a marginal flow q(y).
    n_transforms : int, default=3
        Number of autoregressive transforms.
    hidden_dims : tuple of int, default=(64, 64)
        Hidden widths of each transform's conditioner network.
    activation : str, default="silu"
        Activation of the conditioner's hidden layers.
    kind : {"nsf", "maf"}, default="nsf"
        Monotonic rational-quadratic splines (Durkan et al., 2019) or affine
        transforms (Papamakarios et al., 2017).

    References
    ----------
    Durkan, Bekasov, Murray & Papamakarios (2019), "Neural spline flows", NeurIPS;
    Papamakarios, Pavlakou & Murray (2017), "Masked autoregressive flow for density
    estimation", NeurIPS; F. Rozet et al., zuko, https://github.com/probabilists/zuko.

    Examples
    --------
    >>> import torch
    >>> from skmist.nn import FlowDensity
    >>> q = FlowDensity(2, context=3, hidden_dims=(16,))  # doctest: +SKIP
    >>> q.log_prob(torch.zeros(5, 2), torch.zeros(5, 3)).shape  # doctest: +SKIP
    torch.Size([5])
    """

    def __init__(self, features, context=0, n_transforms=3, hidden_dims=(64, 64),
                 activation="silu", kind="nsf"):
        super().__init__()
        zuko = _zuko()
        flows = {"nsf": zuko.flows.NSF, "maf": zuko.flows.MAF}
        if kind not in flows:
            raise ValueError(f"kind must be one of {sorted(flows)}; got {kind!r}")
        self.features = features
        self.context = int(context)
        self.flow = flows[kind](
            features, self.context, transforms=n_transforms,
            hidden_features=tuple(hidden_dims), activation=type(make_activation(activation)),
        )

    def init_from_data(self, y, generator=None):
        """No-op: a flow starts near the identity on standardized data."""
        return self

    def condition(self, x=None):
        if self.context and x is None:
            raise ValueError("FlowDensity is conditional: pass x")
        return x if self.context else None

    def log_prob_given(self, y, params):
        if params is None:
            return self.flow().log_prob(y)
        return self.flow(params).log_prob(y)

    def log_prob(self, y, x=None):
        return self.log_prob_given(y, self.condition(x))

    def sample_given(self, params, generator=None):
        if params is None:
            raise ValueError("a marginal flow samples with sample(sample_shape=...)")
        distribution = self.flow(params)
        noise = _standard_normal(params.shape[:-1] + (self.features,), generator, params)
        base = distribution.base
        return distribution.transform.inv(base.base_dist.loc + base.base_dist.scale * noise)

    def sample(self, x=None, sample_shape=(), generator=None):
        if x is None:
            distribution = self.flow()
            like = next(self.parameters())
            noise = _standard_normal((*sample_shape, self.features), generator, like)
            base = distribution.base
            return distribution.transform.inv(base.base_dist.loc + base.base_dist.scale * noise)
        shape = (*sample_shape, *x.shape[:-1])
        return self.sample_given(x.expand(*shape, x.shape[-1]), generator)
