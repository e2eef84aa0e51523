"""Hybrid estimator: a discriminative critic on top of a generative proposal.

MI splits exactly into a generative part and a residual (Federici et al., 2023):

    I(X; Y) = E_p[log r(y | x) / p(y)] + KL(p(x, y) || p(x) r(y | x))

The first term is estimated with a learned proposal r(y | x) and marginal q(y) (as
:class:`DoEEstimator`); the second with a critic and a variational bound whose
negatives are drawn from r(y | x_i) instead of from the marginal, as torch_mist's
``ResampledHybridMIEstimator``. The better the proposal, the less the critic has to
explain, so InfoNCE's ``log K`` cap and NWJ's variance bite on a small residual only.
"""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ..functional import _bounds
from ._critic import _CRITICS
from ._generative import _DensityEstimator, _fill_doc

__all__ = ["HybridEstimator"]

# Each bound: the per-row terms, their reduction and influence, and the training
# objective (whose gradient may differ from the value's, as for SMILE and JS).
_BOUNDS = {
    "smile": (
        lambda pos, neg, tau: _bounds._smile_terms(pos, neg, tau),
        _bounds._reduce_dv, _bounds._influence_dv,
        lambda pos, neg, tau: _bounds.smile(pos, neg, tau=tau),
    ),
    "infonce": (
        lambda pos, neg, tau: _bounds._infonce_terms(pos, neg),
        _bounds._reduce_mean, _bounds._influence_mean,
        lambda pos, neg, tau: _bounds.infonce(pos, neg),
    ),
    "nwj": (
        lambda pos, neg, tau: _bounds._nwj_terms(pos, neg),
        _bounds._reduce_mean, _bounds._influence_mean,
        lambda pos, neg, tau: _bounds.nwj(pos, neg),
    ),
    "js": (
        lambda pos, neg, tau: _bounds._nwj_terms(pos + 1.0, neg + 1.0),
        _bounds._reduce_mean, _bounds._influence_mean,
        lambda pos, neg, tau: _bounds.js(pos, neg),
    ),
}

# Rows whose negatives share one noise generator: the score does not depend on how
# the rows are chunked.
_NOISE_BLOCK = 256


@_fill_doc
class HybridEstimator(_DensityEstimator):
    """A critic trained with a variational bound on top of a generative proposal.

    ``score`` is ``mean(log r(y | x) - log q(y))`` (the :class:`DoEEstimator` part,
    :func:`skmist.functional.doe`) plus the bound (``bound``) on
    ``KL(p(x, y) || p(x) r(y | x))`` of a critic whose negatives for row i are
    ``n_negatives`` draws from the proposal r(y | x_i). The proposal and the
    marginal are fitted by maximum likelihood, the critic by the bound, all in one
    loop; early stopping follows their sum on held-out data. The generative part
    bounds nothing, so neither does the sum (the tag ``mi_bound`` is ``"estimate"``);
    it is accurate when the proposal is close and the critic corrects what it misses.

    Parameters
    ----------
    {parameters}
    critic : {{"separable", "joint", "bilinear"}}, default="separable"
        The critic f(x, y), see :class:`skmist.SMILEEstimator`.
    embedding_dim : int, default=32
        Embedding width of the separable critic.
    bound : {{"smile", "infonce", "nwj", "js"}}, default="smile"
        The bound of the residual and its training objective.
    tau : float, default=5.0
        SMILE's clip threshold; ignored by the other bounds.
    n_negatives : int, default=16
        Draws from r(y | x_i) per row, in training and in ``score``. Each is a new
        sample whose embedding the critic computes, unlike the discriminative
        estimators' negatives, which reuse the batch.

    Attributes
    ----------
    {attributes}

    See Also
    --------
    DoEEstimator : the generative part alone.
    SMILEEstimator : the discriminative part alone, with negatives from p(y).

    References
    ----------
    Federici, Ruhe & Forré (2023), "On the effectiveness of hybrid mutual information
    estimation", arXiv:2306.00608; Brekelmans et al. (2023), "Improving mutual
    information estimation with annealed and energy-based bounds", ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import HybridEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats
    >>> est = HybridEstimator(hidden_dims=(32,), max_iter=200, random_state=0).fit(x, y)
    >>> 0.25 < est.mi_ < 0.45
    True
    """

    _mi_bound = "estimate"
    _validation_name = "validation_objective"
    _parameter_constraints = {
        **_DensityEstimator._parameter_constraints,
        "critic": [StrOptions(set(_CRITICS))],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "bound": [StrOptions(set(_BOUNDS))],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "n_negatives": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        density="gaussian",
        covariance="full",
        n_components=5,
        n_transforms=3,
        hidden_dims=(128,),
        activation="silu",
        max_iter=4000,
        batch_size=128,
        learning_rate=1e-3,
        weight_decay=0.0,
        validation_fraction=0.2,
        n_iter_no_change=300,
        tol=0.0,
        standardize=True,
        discrete_target="auto",
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=False,
        critic="separable",
        embedding_dim=32,
        bound="smile",
        tau=5.0,
        n_negatives=16,
    ):
        super().__init__(
            density=density, covariance=covariance, n_components=n_components,
            n_transforms=n_transforms, hidden_dims=hidden_dims, activation=activation,
            max_iter=max_iter, batch_size=batch_size, learning_rate=learning_rate,
            weight_decay=weight_decay, validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change, tol=tol, standardize=standardize,
            discrete_target=discrete_target, device=device, dtype=dtype,
            random_state=random_state, verbose=verbose,
        )
        self.critic = critic
        self.embedding_dim = embedding_dim
        self.bound = bound
        self.tau = tau
        self.n_negatives = n_negatives

    # --- model ------------------------------------------------------------------------

    def _build_densities(self, x_features, y_features):
        categorical = self._y_is_categorical()
        options = {"hidden_dims": tuple(self.hidden_dims), "activation": self.activation}
        if self.critic == "separable":
            options["embedding_dim"] = self.embedding_dim
        return {
            "conditional": self._make_density(y_features, x_features,
                                              categorical=categorical),
            "marginal": self._make_density(y_features, 0, categorical=categorical),
            "critic": _CRITICS[self.critic](x_features, y_features, **options),
        }

    def _on_initialized(self):
        super()._on_initialized()
        self._sampler = None

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_sampler", None)  # a torch.Generator does not pickle
        return state

    def _training_generator(self):
        if getattr(self, "_sampler", None) is None:
            self._sampler = self._device_generator(3, offset=1)
        return self._sampler

    # --- the two parts ----------------------------------------------------------------

    def _parts(self, model, x, y, generator):
        """``(generative, positive, negative)``: log r(y|x) - log q(y) per row, and the
        critic's scores of the pairs and of ``n_negatives`` draws from r(y | x_i)."""
        proposal = model["conditional"]
        params = proposal.condition(x)
        log_r = proposal.log_prob_given(y, params)
        generative = log_r - model["marginal"].log_prob(y)
        with torch.no_grad():  # the proposal learns by likelihood, not from the critic
            k = self.n_negatives
            drawn = proposal.sample_given(
                params.unsqueeze(1).expand(-1, k, params.shape[-1]), generator
            )
        critic = model["critic"]
        hx = critic.embed_x(x)
        positive = critic.head(hx, critic.embed_y(y))
        negative = critic.head(hx.unsqueeze(1), critic.embed_y(drawn))
        return generative, log_r, positive, negative

    def _batch_loss(self, model, x, y):
        generative, log_r, positive, negative = self._parts(
            model, x, y, self._training_generator()
        )
        log_q = log_r - generative
        objective = _BOUNDS[self.bound][3](positive, negative, self.tau)
        return -(log_r.mean() + log_q.mean() + objective)

    _validation_name = "validation_objective"

    def _validation_score(self, x, y):
        # Early stopping reads the training objective on held-out rows: the
        # log-likelihood of proposal and marginal plus the critic's bound.
        terms = self._terms_on(x, y)
        model = self.model_
        with torch.inference_mode():
            log_likelihood = self._chunked(
                lambda xs, ys: model["conditional"].log_prob(ys, xs)
                + model["marginal"].log_prob(ys), x, y,
            ).mean()
        return log_likelihood + _BOUNDS[self.bound][1](terms[:, 1:].squeeze(1))

    # --- evaluation -------------------------------------------------------------------

    def _evaluation_terms(self, model, x, y, generator):
        seed = int(torch.randint(0, 2**62, (), generator=generator))
        terms = []
        for block, start in enumerate(range(0, x.shape[0], _NOISE_BLOCK)):
            stop = start + _NOISE_BLOCK
            noise = torch.Generator().manual_seed(seed + block)
            generative, _, positive, negative = self._parts(
                model, x[start:stop], y[start:stop], noise
            )
            bound_terms = _BOUNDS[self.bound][0](positive, negative, self.tau)
            terms.append(torch.cat(
                [generative[:, None], bound_terms.reshape(len(generative), -1)], dim=1
            ))
        return torch.cat(terms)

    def _reduce_terms(self, terms):
        return terms[:, 0].mean() + _BOUNDS[self.bound][1](terms[:, 1:].squeeze(1))

    def _influence_terms(self, terms):
        return terms[:, 0] + _BOUNDS[self.bound][2](terms[:, 1:].squeeze(1))
