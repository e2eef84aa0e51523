"""Hybrid estimator: a discriminative critic on top of a generative proposal.

MI splits exactly into a generative part and a residual (Federici et al., 2023):

    I(X; Y) = E_p[log r(y | x) / p(y)] + KL(p(x, y) || p(x) r(y | x))

The first term is estimated with a learned proposal r(y | x) and marginal q(y) (as
:class:`DoEEstimator`); the second with a critic and a variational bound whose
negatives are drawn from r(y | x_i) instead of from the marginal, as torch_mist's
``ResampledHybridMIEstimator``. The better the proposal, the less the critic has to
explain, so InfoNCE's ``log K`` cap and NWJ's variance bite on a small residual only.
"""

from numbers import Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .._docstrings import fill_doc
from .._neural import store_params
from ..functional import _bounds
from ._critic import _CRITIC_CONSTRAINTS, _bound_options, _make_critic
from ._generative import _ATTRIBUTES, _PARAMETERS, _DensityEstimator

__all__ = ["HybridEstimator"]

# The bounds of the residual by the names ``bound`` takes: the records the
# discriminative estimators use, so each bound is written once.
_BOUNDS = {bound.name: bound
           for bound in (_bounds.SMILE, _bounds.INFONCE, _bounds.NWJ, _bounds.JS)}

# Rows whose negatives share one noise generator: the score does not depend on how
# the rows are chunked.
_NOISE_BLOCK = 256


@fill_doc(parameters=_PARAMETERS, attributes=_ATTRIBUTES)
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
    critic : {"separable", "joint", "bilinear"}, default="separable"
        The critic f(x, y), see :class:`skmist.SMILEEstimator`.
    embedding_dim : int, default=32
        Embedding width of the separable critic.
    bound : {"smile", "infonce", "nwj", "js"}, default="smile"
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
        **_CRITIC_CONSTRAINTS,
        "bound": [StrOptions(set(_BOUNDS))],
        "tau": [Interval(Real, 0, None, closed="neither")],
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
        standardize="auto",
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
        store_params(self, locals())

    # --- model ------------------------------------------------------------------------

    def _build_densities(self, x_features, y_features):
        categorical = self._y_is_categorical()
        return {
            "conditional": self._make_density(y_features, x_features,
                                              categorical=categorical),
            "marginal": self._make_density(y_features, 0, categorical=categorical),
            "critic": _make_critic(self.critic, x_features, y_features, self.hidden_dims,
                                   self.activation, self.embedding_dim),
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
            self._sampler = self._device_generator("evaluation", offset=1)
        return self._sampler

    @property
    def _bound(self):
        """The record of the residual's bound, as the critic estimators' ``_bound``."""
        return _BOUNDS[self.bound]

    def _bound_value(self, terms):
        """The residual's bound from the bound's columns of ``terms``."""
        return self._bound.reduce(terms[:, 1:].squeeze(1))

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
        objective = self._bound.objective(positive, negative,
                                          **_bound_options(self, self._bound))
        return -(log_r.mean() + log_q.mean() + objective)

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
        return log_likelihood + self._bound_value(terms)

    # --- evaluation -------------------------------------------------------------------

    def _evaluation_terms(self, model, x, y, generator):
        seed = int(torch.randint(0, 2**62, (), generator=generator))
        bound = self._bound
        options = _bound_options(self, bound)
        terms = []
        for block, start in enumerate(range(0, x.shape[0], _NOISE_BLOCK)):
            stop = start + _NOISE_BLOCK
            noise = torch.Generator().manual_seed(seed + block)
            generative, _, positive, negative = self._parts(
                model, x[start:stop], y[start:stop], noise
            )
            bound_terms = bound.terms(positive, negative, None, **options)
            terms.append(torch.cat(
                [generative[:, None], bound_terms.reshape(len(generative), -1)], dim=1
            ))
        return torch.cat(terms)

    def _reduce_terms(self, terms):
        return terms[:, 0].mean() + self._bound_value(terms)

    def _influence_terms(self, terms):
        return terms[:, 0] + self._bound.influence(terms[:, 1:].squeeze(1))
