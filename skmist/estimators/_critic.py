"""The machinery of every critic-based estimator: a critic (and, for some bounds, a
baseline) trained with the one loop, negatives for training and for chunked scoring,
and the parameters and docs the eight estimators share. The bounds themselves are
records of :mod:`skmist.functional._bounds`; an estimator names its record.
"""

import functools
from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .._neural import (
    NeuralMIEstimator,
    chunk_rows,
    fitted_attributes,
    normal_scores,
    store_params,
)
from ..nn import ALL_PAIRS_RATIO, MLP, BilinearCritic, JointCritic, SeparableCritic, pair_scores

_CRITICS = {"joint": JointCritic, "separable": SeparableCritic, "bilinear": BilinearCritic}

_CRITIC_PARAMETERS = """critic : {"separable", "joint", "bilinear"}, default="separable"
        The critic f(x, y): an inner product of embeddings
        (:class:`skmist.nn.SeparableCritic`: all pairs of a batch in one matmul, the
        fastest), an MLP on ``[x, y]`` (:class:`~skmist.nn.JointCritic`: the most
        general, its cost grows with batch_size x n_negatives), or ``g(x) . y``
        (:class:`~skmist.nn.BilinearCritic`).
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the critic (and of the baseline, where there is one). Wider
        or deeper critics overfit a few thousand samples and score lower on held-out
        data.
    activation : str, default="silu"
        Activation of the hidden layers, one of :data:`skmist.nn.ACTIVATIONS`. Smooth
        activations fit the smooth log density ratios of continuous data better than
        ReLU (0.07 nats closer on a 5-d Gaussian with MI 2).
    embedding_dim : int, default=32
        Embedding width of the separable critic; ignored by the others."""

_TRAINING_PARAMETERS = """n_negatives : int, default=127
        Negatives (samples of the product of marginals) per positive pair. In training
        it is capped at ``batch_size - 1``, in ``score`` at ``n_samples - 1``; it
        defines the estimate (InfoNCE is at most ``log(n_negatives + 1)``) and fixes the
        score however the data are chunked.
    max_iter : int, default=4000
        Maximum number of optimisation steps.
    batch_size : int, default=128
        Positive pairs per step; clipped to the number of training samples.
    learning_rate : float, default=1e-3
        AdamW step size.
    weight_decay : float, default=0.0
        AdamW weight decay.
    validation_fraction : float, default=0.2
        Share of the data held out for early stopping and ``mi_``; with fewer than two
        rows to hold out, all rows train and ``mi_`` is the training estimate.
    n_iter_no_change : int or None, default=300
        Stop when the smoothed validation estimate has not improved by more than
        ``tol`` for this many steps, and keep the weights of its best step; ``None``
        trains ``max_iter`` steps.
    tol : float, default=0.0
        Improvement in nats of the smoothed validation estimate that resets the
        patience."""

_DATA_PARAMETERS = """discrete_target : bool or "auto", default="auto"
        One-hot encode y. ``"auto"`` does so for strings, booleans and categoricals.
    device : str, default="auto"
        Torch device; ``"auto"`` is CUDA when available, else the CPU.
    dtype : {"float32", "float64"}, default="float32"
        Floating point type of the model and data.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, the validation split, batches and negatives. The same seed gives
        the same estimate on the CPU.
    verbose : bool, default=False
        Show a progress bar during fit."""

_ATTRIBUTES = """mi_ : float
        MI estimate in nats on the validation split.
    critic_ : torch.nn.Module
        The trained critic on raw (unstandardized) inputs, ``critic_(x, y)``; reusable
        in a loss. A categorical y must be one-hot encoded in ``y_categories_`` order.
    model_ : torch.nn.ModuleDict
        The trained critic (and baseline) on standardized inputs.
    history_ : pandas.DataFrame
        Training curve: iteration, loss, validation_mi, validation_mi_smoothed.
    """ + fitted_attributes()


_STANDARDIZE_PARAMETER = """standardize : bool, "quantile" or "auto", default="auto"
        True centres and scales X and y with training statistics; MI is invariant to it
        and critics train far better on unit-scale inputs. ``"quantile"`` maps each
        column through its training CDF to normal scores instead (invertible per
        column, so MI is unchanged), which tames heavy tails and skew. ``"auto"`` is
        ``"quantile"`` for SMILE, InfoNCE and AlphaTUBA and True for the other bounds,
        as measured on the 40 Beyond-Normal tasks (n = 10,000, held out; tasks within
        tolerance and MAE, quantile vs True: SMILE 18 vs 14 and 0.21 vs 47.6 nats,
        InfoNCE 20 vs 15 and 0.145 vs 0.94, AlphaTUBA 20 vs 16 and 0.148 vs 0.57; on
        37 of the tasks NWJ went 15 vs 12 but with larger median errors, and JS, MINE,
        FLO and TUBA no better)."""

# The Parameters section of every critic estimator.
_PARAMETERS = "\n    ".join([_CRITIC_PARAMETERS, _TRAINING_PARAMETERS, _STANDARDIZE_PARAMETER,
                               _DATA_PARAMETERS])


def _make_critic(kind, x_features, y_features, hidden_dims, activation, embedding_dim):
    """The critic f(x, y) of ``kind``; ``embedding_dim`` is the separable critic's."""
    options = {"hidden_dims": tuple(hidden_dims), "activation": activation}
    if kind == "separable":
        options["embedding_dim"] = embedding_dim
    return _CRITICS[kind](x_features, y_features, **options)


def _bound_options(estimator, bound):
    """``bound``'s options (``tau``, ``alpha``), from the estimator's parameters of the
    same names."""
    return {name: getattr(estimator, name) for name in bound.options}


# Parameters of a critic, for HybridEstimator's critic as for the estimators here.
_CRITIC_CONSTRAINTS = {
    "critic": [StrOptions(set(_CRITICS))],
    "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    "n_negatives": [Interval(Integral, 1, None, closed="left")],
}


class _ShiftedNegatives:
    """Negatives of row i: ``y[perm[(rank[i] + offset_k) % n]]`` for K distinct offsets.

    Each offset is a derangement of a random order of the rows, so every y is used once
    per offset; the indices of any row are computed on demand, so chunked scoring sees
    the same negatives as unchunked scoring with O(n + K) memory.
    """

    def __init__(self, n, k, generator, device):
        # Drawn on the CPU so that every device scores with the same negatives.
        self.n = n
        perm = torch.randperm(n, generator=generator)
        self.perm = perm.to(device)
        self.rank = torch.empty_like(self.perm)
        self.rank[self.perm] = torch.arange(n, device=device)
        self.offsets = (1 + torch.randperm(n - 1, generator=generator)[:k]).to(device)

    def __call__(self, start, stop):
        return self.perm[(self.rank[start:stop, None] + self.offsets) % self.n]


class _StandardizedCritic(torch.nn.Module):
    """A critic trained on standardized data, applied to raw inputs."""

    def __init__(self, critic, x_loc, x_scale, y_loc, y_scale, x_quantiles=None,
                 y_quantiles=None):
        super().__init__()
        self.critic = critic
        for name, value in [("x_loc", x_loc), ("x_scale", x_scale), ("y_loc", y_loc),
                            ("y_scale", y_scale), ("x_quantiles", x_quantiles),
                            ("y_quantiles", y_quantiles)]:
            self.register_buffer(name, None if value is None else value.detach().clone())

    def embed_x(self, x):
        return self.critic.embed_x((normal_scores(x, self.x_quantiles) - self.x_loc)
                                   / self.x_scale)

    def embed_y(self, y):
        return self.critic.embed_y((normal_scores(y, self.y_quantiles) - self.y_loc)
                                   / self.y_scale)

    def head(self, hx, hy):
        return self.critic.head(hx, hy)

    def forward(self, x, y):
        return self.head(self.embed_x(x), self.embed_y(y))


class _CriticEstimator(NeuralMIEstimator):
    """A critic trained with a bound: a subclass names its record of
    :mod:`skmist.functional._bounds` as ``_bound``, which gives the terms, their
    reduction and influence, the training objective, the pointwise MI, the baseline
    network and the ``mi_bound`` tag. A bound whose training needs state (MINE's moving
    average) overrides ``_objective``."""

    _x_as_input = True

    _parameter_constraints = {
        **NeuralMIEstimator._parameter_constraints,
        **_CRITIC_CONSTRAINTS,
        "hidden_dims": [tuple, list],
        "activation": [str],
    }
    _bound = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        bound = cls.__dict__.get("_bound")
        if bound is not None:
            # Class attributes, not properties: the tag and the scorer read them from
            # the class (conservative_mi_scorer tells the DV family by its reduction).
            cls._mi_bound = bound.kind
            cls._reduce_terms = staticmethod(bound.reduce)
            cls._influence_terms = staticmethod(bound.influence)

    def __init__(
        self,
        *,
        critic="separable",
        hidden_dims=(128,),
        activation="silu",
        embedding_dim=32,
        n_negatives=127,
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
    ):
        store_params(self, locals())

    def _bound_options(self):
        return _bound_options(self, self._bound)

    # --- model ------------------------------------------------------------------------

    def _build_model(self, x_features, y_features):
        hidden = tuple(self.hidden_dims)
        modules = {"critic": _make_critic(self.critic, x_features, y_features, hidden,
                                          self.activation, self.embedding_dim)}
        if self._bound.baseline == "x":
            modules["baseline"] = MLP(x_features, 1, hidden, self.activation)
        elif self._bound.baseline == "xy":
            modules["baseline"] = JointCritic(x_features, y_features, hidden or (64,),
                                              self.activation)
        return torch.nn.ModuleDict(modules)

    def _on_initialized(self):
        self.critic_ = _StandardizedCritic(
            self.model_["critic"], self.x_loc_, self.x_scale_, self.y_loc_, self.y_scale_,
            self.x_quantiles_, self.y_quantiles_,
        )

    def _baseline_values(self, model, x, y):
        if self._bound.baseline == "x":
            return model["baseline"](x).squeeze(-1)
        if self._bound.baseline == "xy":
            return model["baseline"](x, y)
        return None

    # --- training ---------------------------------------------------------------------

    def _batch_loss(self, model, x, y):
        n = x.shape[0]
        k = min(self.n_negatives, n - 1)
        negative_index = _batch_negative_index(n, k, x.device)
        critic = model["critic"]
        positive, negative = pair_scores(
            critic, critic.embed_x(x), critic.embed_y(y), negative_index
        )
        baseline = self._baseline_values(model, x, y)
        return -self._objective(positive, negative, baseline)

    def _objective(self, positive, negative, baseline):
        return self._bound.objective(positive, negative, baseline, **self._bound_options())

    # --- evaluation -------------------------------------------------------------------

    def _evaluation_terms(self, model, x, y, generator):
        return self._per_chunk(self._bound.terms, model, x, y, generator)

    def _pointwise_unavailable(self):
        return None

    def _pointwise_terms(self, model, x, y, generator):
        # The generator is score's, so the negatives are score's: the mean relations
        # documented per estimator hold exactly on the same (X, y).
        return self._bound.finish(
            self._per_chunk(self._bound.pointwise, model, x, y, generator))

    def _per_chunk(self, function, model, x, y, generator):
        """``function(positive, negative, baseline, **options)`` of the bound on chunks
        of rows, concatenated, with the negatives of ``generator`` (the same however the
        rows are chunked)."""
        n = x.shape[0]
        k = min(self.n_negatives, n - 1)
        negatives = _ShiftedNegatives(n, k, generator, x.device)
        critic = model["critic"]
        hy = torch.cat([critic.embed_y(part) for part in y.split(chunk_rows(
            _row_bytes(y.shape[1], self._widths(), y.element_size())))])
        # A chunk's rows hold either their gathered negatives or, for an inner-product
        # critic with n <= ALL_PAIRS_RATIO * k, their scores against all n rows (see
        # pair_scores): size the chunk for the larger.
        itemsize = x.element_size()
        all_pairs_bytes = min(n, ALL_PAIRS_RATIO * k) * itemsize
        step = chunk_rows(max(_row_bytes(k, self._widths(), itemsize), all_pairs_bytes))
        options = self._bound_options()
        terms = []
        for start in range(0, n, step):
            stop = min(start + step, n)
            positive, negative = pair_scores(
                critic, critic.embed_x(x[start:stop]), hy, negatives(start, stop), start
            )
            baseline = self._baseline_values(model, x[start:stop], y[start:stop])
            terms.append(function(positive, negative, baseline, **options))
        return torch.cat(terms)

    def _widths(self):
        return max((*self.hidden_dims, self.embedding_dim, 1))


@functools.lru_cache(maxsize=16)
def _batch_negative_index(n, k, device):
    """Row i of a batch takes rows i+1, ..., i+k (mod n) as negatives; batches are
    random draws, so neighbours in a batch are independent samples."""
    shifts = torch.arange(1, k + 1, device=device)
    return (torch.arange(n, device=device)[:, None] + shifts) % n


def _row_bytes(k, width, itemsize):
    # A row's negatives pass through a few (k, width) activations at once.
    return 4 * k * width * itemsize
