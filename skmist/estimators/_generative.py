"""Generative estimators: MI from learned densities q(y | x), q(y), q(x, y).

The densities (:mod:`skmist.nn`) are trained by maximum likelihood with the one
training loop; each estimator names the densities it trains and the estimate it reads
from them (:mod:`skmist.functional`). Early stopping follows the held-out
log-likelihood, the quantity these models maximise (a higher MI estimate is not better
for an upper bound such as CLUB, nor for DoE).
"""

import math
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .._docstrings import fill_doc
from .._neural import (
    DEVICE_PARAMETERS, OPTIMISATION_PARAMETERS, XY_PARAMETERS, NeuralMIEstimator, chunk_rows,
    fitted_attributes, store_params,
)
from ..base import resolve_dtype
from ..functional import _generative
from ..functional._neighbors import check_not_constant
from ..nn import CategoricalDensity, FlowDensity, GaussianDensity, MixtureDensity
from ._critic import _ShiftedNegatives

__all__ = [
    "BAEstimator",
    "CLUBEstimator",
    "DoEEstimator",
    "GMEstimator",
    "L1OUTEstimator",
    "conditional_log_likelihood_scorer",
]

DENSITIES = ("gaussian", "mixture", "flow")

_PARAMETERS = """density : {"gaussian", "mixture", "flow"}, default="gaussian"
        Family of the densities: a Gaussian whose parameters are an MLP of x
        (:class:`skmist.nn.GaussianDensity`), a mixture density network
        (:class:`~skmist.nn.MixtureDensity`), or a neural spline flow
        (:class:`~skmist.nn.FlowDensity`, needs ``pip install 'skmist[flow]'``). A
        categorical y gets a categorical model (a classifier) whatever this says.
    covariance : {"full", "diag"}, default="full"
        Covariance of the Gaussian and of the mixture's components.
    n_components : int, default=5
        Components of the mixture; ignored by the other densities.
    n_transforms : int, default=3
        Transforms of the flow; ignored by the other densities.
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the networks of x (and of the flow's conditioners).
    activation : str, default="silu"
        Activation of the hidden layers, one of :data:`skmist.nn.ACTIVATIONS`."""
_PARAMETERS += OPTIMISATION_PARAMETERS + """
    n_iter_no_change : int or None, default=300
        Stop when the smoothed held-out log-likelihood has not improved by more than
        ``tol`` for this many steps, and keep the weights of its best step; ``None``
        trains ``max_iter`` steps.
    tol : float, default=0.0
        Improvement (nats per sample) of the smoothed held-out log-likelihood that
        resets the patience.
    standardize : bool or "auto", default="auto"
        Centre and scale X and y with training statistics (``"auto"`` does). MI is
        invariant to it; the densities are fitted to the scaled data and reported for
        the raw data.
    discrete_target : bool or "auto", default="auto"
        Treat y as categorical (one-hot, modelled by a classifier). ``"auto"`` does so
        for strings, booleans and categoricals."""
_PARAMETERS += DEVICE_PARAMETERS + """
    random_state : int, RandomState instance or None, default=None
        Seeds weights, the validation split, batches and the rows paired in the
        estimate.
    verbose : bool, default=False
        Show a progress bar during fit."""

# The entry starts on the second line: fill_doc dedents from there, which keeps the
# description of a lone entry indented under it.
_NEGATIVES = """
    n_negatives : int, default=127
        Other rows that each row is contrasted with in the estimate (capped at
        ``n_samples - 1``); drawn from ``random_state``, so the score does not depend
        on how the data are chunked. Training (maximum likelihood) does not use them."""

_ATTRIBUTES = """mi_ : float
        MI estimate in nats on the validation split.
    model_ : torch.nn.ModuleDict
        The trained densities, on standardized data.
    history_ : pandas.DataFrame
        Training curve: iteration, loss (the negative log-likelihood per sample),
        validation_log_likelihood and validation_log_likelihood_smoothed (per sample,
        in nats, of the standardized data).
    """ + fitted_attributes()


def conditional_log_likelihood_scorer(estimator, X, y):
    """Scorer for ``GridSearchCV(scoring=...)``: the mean held-out ``log q(y | x)``.

    For the upper-bound-style estimators (:class:`CLUBEstimator`,
    :class:`L1OUTEstimator`) and for :class:`DoEEstimator` and :class:`BAEstimator`,
    a higher MI score is not a better model; a higher conditional log-likelihood is.

    Parameters
    ----------
    estimator : fitted estimator with a ``conditional_log_likelihood`` method
    X : array-like of shape (n_samples, n_features_x)
    y : array-like of shape (n_samples,) or (n_samples, n_features_y)

    Returns
    -------
    float
        Nats per sample, for y in its original units.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmist import CLUBEstimator
    >>> from skmist.estimators import conditional_log_likelihood_scorer
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(600, 1))
    >>> y = x + rng.normal(size=(600, 1))
    >>> search = GridSearchCV(
    ...     CLUBEstimator(max_iter=50, random_state=0), {"hidden_dims": [(8,), (32,)]},
    ...     scoring=conditional_log_likelihood_scorer, cv=2,
    ... ).fit(x, y)
    >>> sorted(search.best_params_)
    ['hidden_dims']
    """
    return estimator.conditional_log_likelihood(X, y)


class _DensityEstimator(NeuralMIEstimator):
    """Densities trained by maximum likelihood; subclasses give ``_build_densities``,
    ``_log_likelihood`` (per row, what training maximises) and ``_chunk_terms``."""

    _x_as_input = True

    _parameter_constraints = {
        **NeuralMIEstimator._parameter_constraints,
        # No "quantile": the densities are reported for the raw data (the scorer of
        # the conditional log-likelihood), through the Jacobian of a linear map.
        "standardize": ["boolean", StrOptions({"auto"})],
        "density": [StrOptions(set(DENSITIES))],
        "covariance": [StrOptions({"full", "diag"})],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_transforms": [Interval(Integral, 1, None, closed="left")],
        "hidden_dims": [tuple, list],
        "activation": [str],
    }
    _validation_name = "validation_log_likelihood"

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
    ):
        store_params(self, locals())

    # --- public API -------------------------------------------------------------------

    @fill_doc(xy=XY_PARAMETERS)
    def conditional_log_likelihood(self, X, y):
        """Mean ``log q(y | x)`` in nats per sample on ``(X, y)``, for y in its
        original units: the quantity to maximise when selecting the model (see
        :func:`conditional_log_likelihood_scorer`).

        Parameters
        ----------
        {xy}

        Returns
        -------
        float
        """
        x, y = self._fitted_inputs(X, y)
        with torch.inference_mode():
            values = self._chunked(
                lambda xs, ys: self._log_q_conditional(self.model_, xs, ys), x, y
            )
        return (values.mean() - self._log_y_scale()).item()

    # --- model ------------------------------------------------------------------------

    def _make_density(self, features, context, *, categorical=False):
        hidden = tuple(self.hidden_dims)
        if categorical:
            return CategoricalDensity(features, context, hidden, self.activation)
        if self.density == "gaussian":
            return GaussianDensity(features, context, hidden, self.activation,
                                   self.covariance)
        if self.density == "mixture":
            return MixtureDensity(features, context, self.n_components, hidden,
                                  self.activation, self.covariance)
        return FlowDensity(features, context, self.n_transforms, hidden, self.activation)

    def _build_model(self, x_features, y_features):
        return torch.nn.ModuleDict(self._build_densities(x_features, y_features))

    # Whether the densities include one of x, whose constant columns then fail too.
    _models_x = False

    def _initialize(self, x, y):
        # A density of a constant column is a point mass: its log-likelihood grows
        # without bound as training sharpens it, and the estimate follows (DoE gave -4
        # nats on a constant y, with every term equal and no warning). A constant
        # carries no information: refuse it, as the nonparametric estimators do.
        if not self._y_is_categorical():
            _check_not_constant(y, "y", type(self).__name__)
        if self._models_x:
            _check_not_constant(x, "X", type(self).__name__)
        super()._initialize(x, y)
        # Marginal densities start at their maximum-likelihood fit where it has a
        # closed form (Gaussian moments, class frequencies): a sharp covariance is
        # thousands of fixed-size gradient steps away from the identity.
        x, y = self._standardize(x, y)
        data = {"marginal": y, "marginal_x": x, "joint": torch.cat([x, y], dim=-1)}
        for name, values in data.items():
            if name in self.model_:
                self.model_[name].init_from_data(values, self._cpu_generator("init"))

    def _y_is_categorical(self):
        return getattr(self, "y_categories_", None) is not None

    def _log_y_scale(self):
        """log |det| of the standardization of y: densities of standardized y minus
        this are densities of raw y."""
        # From the float64 statistics: a scale of 1e-300 is 0 in float32 (log: -inf).
        return torch.log(self._standardization.y_scale).sum()

    def _log_q_conditional(self, model, x, y):
        return model["conditional"].log_prob(y, x)

    # --- training ---------------------------------------------------------------------

    def _batch_loss(self, model, x, y):
        return -self._log_likelihood(model, x, y).mean()

    def _validation_score(self, x, y):
        # What early stopping reads: the held-out log-likelihood per sample, which
        # training maximises; see the module docstring.
        with torch.inference_mode():
            return self._chunked(
                lambda xs, ys: self._log_likelihood(self.model_, xs, ys), x, y
            ).mean()

    # --- evaluation -------------------------------------------------------------------

    def _row_bytes(self, pairs=1):
        y_width = getattr(self, "y_loc_", torch.zeros(1)).numel()
        widths = max((*self.hidden_dims, y_width * y_width, 1))
        if self.density == "mixture":
            widths *= self.n_components
        if self.density == "flow":
            widths *= self.n_transforms * 4
        return 4 * pairs * widths * 8

    def _chunked(self, function, x, y):
        step = chunk_rows(self._row_bytes())
        return torch.cat([
            function(x[start : start + step], y[start : start + step])
            for start in range(0, x.shape[0], step)
        ])

    def _evaluation_terms(self, model, x, y, generator):
        return self._chunked(lambda xs, ys: self._chunk_terms(model, xs, ys), x, y)

    def _pointwise_terms(self, model, x, y, generator):
        # Where a subclass's per-row terms are log q(y | x) - log q(y) (its
        # _pointwise_unavailable says so), they are the pointwise MI.
        return self._evaluation_terms(model, x, y, generator)


# BA's map of X for class labels: each column through its training normal scores.
# Heavy-tailed features no longer dominate the classifier: 5 classes shifting 10
# columns of Cauchy noise (MI 0.98, 6000 rows) got -0.01 nats scaled and 0.48 through
# normal scores, Student-t (2 df) noise 0.67 and 0.88 for 1.13, Laplace 0.76 and 0.80
# for 0.94; Gaussian classes the same (1.298 and 1.299 for 1.33, 1.84 and 1.84 for 1.87).
_STANDARDIZE_DOC = _PARAMETERS[_PARAMETERS.index("    standardize :"):
                               _PARAMETERS.index("    discrete_target :")]
_BA_STANDARDIZE = """    standardize : bool, "quantile" or "auto", default="auto"
        Centre and scale X and y with training statistics (True), or, for class labels,
        map X's columns through their training normal scores (``"quantile"``), which
        leaves MI unchanged and keeps heavy tails from dominating the classifier.
        ``"auto"`` is ``"quantile"`` for class labels and True otherwise.
"""


@fill_doc(parameters=_PARAMETERS.replace(_STANDARDIZE_DOC, _BA_STANDARDIZE),
          attributes=_ATTRIBUTES)
class BAEstimator(_DensityEstimator):
    """Barber-Agakov lower bound on MI, from a learned q(y | x) and the true H(y).

    For class labels it is the classifier route: H(y) from the class frequencies.

    ``score`` is :func:`skmist.functional.ba`,
    ``entropy_y + mean log q(y | x)`` on the given samples: a valid lower bound for
    every q when ``entropy_y`` is the true entropy of y, so on held-out data a higher
    score is a better estimate. It is for the case where H(y) is known (a simulated y,
    a designed input); with H(y) estimated by a learned marginal q(y) the same
    construction is :class:`DoEEstimator`, which bounds nothing.

    ``score_samples`` (pointwise MI) exists for class labels without ``entropy_y``:
    ``log q(y | x) - log p(y)`` with ``p(y)`` the class frequencies
    (``class_log_prior_``), whose per-sample ``-log p(y)`` is the entropy term; its
    mean is ``score``. A known ``entropy_y`` is the mean of ``-log p(y)``, not its
    value for each sample, so with it there is no ``score_samples`` (a learned q(y)
    gives one: :class:`DoEEstimator`).

    Parameters
    ----------
    {parameters}
    entropy_y : float or None, default=None
        The true entropy H(y) in nats of y as passed to ``fit`` (differential entropy
        for continuous y, Shannon entropy for categorical y). Required for a
        continuous y: without it there is no bound (estimating it with a learned
        marginal is :class:`DoEEstimator`). For class labels, None takes the plug-in
        entropy of the training labels' frequencies (bias O(classes / n)): the
        estimate is then a classifier's held-out cross-entropy below the labels'.

    Attributes
    ----------
    {attributes}
    entropy_y_ : float
        The H(y) the estimate uses: ``entropy_y``, or the labels' plug-in entropy.
    class_counts_ : torch.Tensor of shape (n_classes,)
        For labels without ``entropy_y``: the training rows of each class, summed
        over ``partial_fit`` calls.
    class_log_prior_ : torch.Tensor of shape (n_classes,) or None
        For labels without ``entropy_y``: the log frequency of each class in the
        training rows (smoothed by half a count); ``score``'s per-sample terms are
        ``log q(y_i | x_i) - class_log_prior_[y_i]``.

    See Also
    --------
    DoEEstimator : the same with a learned marginal instead of the true H(y).

    References
    ----------
    Barber & Agakov (2003), "The IM algorithm: a variational approach to information
    maximization", NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import BAEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = log(2) / 2 = 0.35 nats
    >>> h_y = 0.5 * np.log(2 * np.pi * np.e * 2.0)  # y ~ N(0, 2)
    >>> est = BAEstimator(entropy_y=h_y, hidden_dims=(32,), max_iter=200,
    ...                   random_state=0).fit(x, y)
    >>> 0.25 < est.mi_ < 0.45
    True
    """

    _mi_bound = "lower"
    _parameter_constraints = {
        **_DensityEstimator._parameter_constraints,
        "standardize": ["boolean", StrOptions({"auto", "quantile"})],
        "entropy_y": [Real, None],
    }

    def _quantile_available(self):
        return self._y_is_categorical()

    def _resolved_standardize(self):
        labels = self._y_is_categorical()
        if self.standardize == "auto":
            return "quantile" if labels else True
        if self.standardize == "quantile" and not labels:
            # The map would reach y too, whose entropy_y is that of the raw y.
            raise ValueError(
                "BAEstimator's standardize='quantile' maps X through its normal scores "
                "for class labels only; with a continuous y, whose entropy_y is that of "
                "the raw y, use standardize=True or False"
            )
        return self.standardize

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
        entropy_y=None,
    ):
        store_params(self, locals())

    def _build_densities(self, x_features, y_features):
        labels = self._y_is_categorical()
        if (self.entropy_y is None and not labels) or (
                self.entropy_y is not None and not math.isfinite(self.entropy_y)):
            raise ValueError(
                f"BAEstimator needs the true entropy of a continuous y, entropy_y (got "
                f"{self.entropy_y!r}); without it use DoEEstimator, which learns a "
                "marginal q(y) instead (and then bounds nothing)"
            )
        return {"conditional": self._make_density(y_features, x_features,
                                                  categorical=labels)}

    def _initialize(self, x, y):
        super()._initialize(x, y)
        self.class_log_prior_ = None
        if self.entropy_y is not None:
            self.entropy_y_ = float(self.entropy_y)
            return
        self.class_counts_ = y.sum(0)
        self._set_class_prior()

    def _update_statistics(self, x, y):
        # partial_fit: the frequencies of every training batch so far, not the first's.
        if self.class_log_prior_ is not None:
            self.class_counts_ = self.class_counts_ + y.sum(0)
            self._set_class_prior()

    def _set_class_prior(self):
        # Labels: H(y) from the training rows' class frequencies, smoothed by half a
        # count (Krichevsky-Trofimov) so that a class seen only in validation rows has
        # a finite log-probability; the bias is O(classes / n).
        counts = self.class_counts_ + 0.5
        self.class_log_prior_ = (counts / counts.sum()).log().to(resolve_dtype(self.dtype))
        self.entropy_y_ = -(self.class_log_prior_.exp() * self.class_log_prior_).sum().item()

    def _log_likelihood(self, model, x, y):
        return self._log_q_conditional(model, x, y)

    def _pointwise_unavailable(self):
        if self.entropy_y is None:
            return None
        return ("entropy_y is the mean of -log p(y), not the -log p(y) of each sample "
                "that pointwise MI needs; DoEEstimator learns q(y) and has "
                "score_samples (and so has BAEstimator on class labels without "
                "entropy_y)")

    def _chunk_terms(self, model, x, y):
        log_q = self._log_q_conditional(model, x, y) - self._log_y_scale()
        if self.class_log_prior_ is not None:
            # -log p(y_i) per sample, whose mean is H(y): the standard error then
            # covers the labels' sampling variability too.
            return _generative._doe_terms(log_q, y @ self.class_log_prior_)
        return _generative._ba_terms(log_q, self.entropy_y)


@fill_doc(parameters=_PARAMETERS, attributes=_ATTRIBUTES)
class DoEEstimator(_DensityEstimator):
    """Difference of entropies: MI from a learned q(y | x) and a learned q(y).

    ``score`` is :func:`skmist.functional.doe`, ``mean(log q(y | x) - log q(y))`` on
    the given samples: the difference of two cross-entropy estimates,
    ``H_q(y) - H_q(y | x)``. Both models are fitted by maximum likelihood (early
    stopping on their held-out log-likelihood). The estimate bounds nothing: it is
    accurate when both densities are, e.g. Gaussian densities on Gaussian data.
    It is :class:`BAEstimator` with the true H(y) replaced by a learned marginal.

    ``score_samples`` (pointwise MI) is ``log q(y | x) - log q(y)`` per sample; its
    mean is ``score``.
    Select models with :func:`conditional_log_likelihood_scorer` (or the total
    held-out log-likelihood), not by ``score``.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    BAEstimator : a lower bound, when the true H(y) is known.
    GMEstimator : models of the joint and both marginals.

    References
    ----------
    McAllester & Stratos (2020), "Formal limitations on the measurement of mutual
    information", AISTATS.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import DoEEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats
    >>> est = DoEEstimator(hidden_dims=(32,), max_iter=200, random_state=0).fit(x, y)
    >>> 0.25 < est.mi_ < 0.45
    True
    """

    _mi_bound = "estimate"

    def _build_densities(self, x_features, y_features):
        categorical = self._y_is_categorical()
        return {
            "conditional": self._make_density(y_features, x_features,
                                              categorical=categorical),
            "marginal": self._make_density(y_features, 0, categorical=categorical),
        }

    def _log_likelihood(self, model, x, y):
        return self._log_q_conditional(model, x, y) + model["marginal"].log_prob(y)

    def _pointwise_unavailable(self):
        return None

    def _chunk_terms(self, model, x, y):
        return _generative._doe_terms(
            self._log_q_conditional(model, x, y), model["marginal"].log_prob(y)
        )


@fill_doc(parameters=_PARAMETERS, attributes=_ATTRIBUTES)
class GMEstimator(_DensityEstimator):
    """MI from generative models of the joint q(x, y) and of the marginals q(x), q(y).

    ``score`` is :func:`skmist.functional.gm`,
    ``mean(log q(x, y) - log q(x) - log q(y))`` on the given samples, with the three
    densities (of the same ``density`` family, on ``[x, y]``, x and y) fitted by
    maximum likelihood. Not a bound. The joint must be able to couple x and y: a
    Gaussian with ``covariance="diag"`` cannot, and gives 0. For a categorical y the
    joint is ``q(y) q(x | y)``, a density of x for each class.

    ``score_samples`` (pointwise MI) is ``log q(x, y) - log q(x) - log q(y)`` per
    sample; its mean is ``score``.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    DoEEstimator : a conditional and a marginal model instead of the joint.

    References
    ----------
    Song & Ermon (2020), "Understanding the limitations of variational mutual
    information estimators", ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import GMEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats
    >>> est = GMEstimator(hidden_dims=(32,), max_iter=200, random_state=0).fit(x, y)
    >>> 0.25 < est.mi_ < 0.45
    True
    """

    # Models q(x, y) and q(x): x's density.
    _x_as_input = False

    _mi_bound = "estimate"
    _models_x = True

    def _build_densities(self, x_features, y_features):
        if self._y_is_categorical():
            # q(x, y) = q(y) q(x | y): a density of x given the one-hot class.
            return {
                "conditional_x": self._make_density(x_features, y_features),
                "marginal_x": self._make_density(x_features, 0),
                "marginal": self._make_density(y_features, 0, categorical=True),
            }
        return {
            "joint": self._make_density(x_features + y_features, 0),
            "marginal_x": self._make_density(x_features, 0),
            "marginal": self._make_density(y_features, 0),
        }

    def _log_densities(self, model, x, y):
        log_q_y = model["marginal"].log_prob(y)
        if "joint" in model:
            joint = model["joint"].log_prob(torch.cat([x, y], dim=-1))
        else:
            joint = model["conditional_x"].log_prob(x, y) + log_q_y
        return joint, model["marginal_x"].log_prob(x), log_q_y

    def _log_q_conditional(self, model, x, y):
        joint, log_q_x, _ = self._log_densities(model, x, y)
        return joint - log_q_x

    def _log_likelihood(self, model, x, y):
        return sum(self._log_densities(model, x, y))

    def _pointwise_unavailable(self):
        return None

    def _chunk_terms(self, model, x, y):
        return _generative._gm_terms(*self._log_densities(model, x, y))


def _check_not_constant(t, name, estimator):
    """A ValueError naming the constant columns of the training rows ``t``."""
    check_not_constant(
        t, name,
        " (in the training rows): a constant carries no information (its MI with "
        f"anything is 0), and {estimator}'s density of it is a point mass whose "
        "log-likelihood has no maximum; drop the column",
    )


class _ContrastiveDensityEstimator(_DensityEstimator):
    """A conditional q(y | x) trained by maximum likelihood and read against the other
    rows (CLUB, L1OUT)."""

    _mi_bound = "upper"
    _parameter_constraints = {
        **_DensityEstimator._parameter_constraints,
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
        standardize="auto",
        discrete_target="auto",
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=False,
        n_negatives=127,
    ):
        store_params(self, locals())

    def _build_densities(self, x_features, y_features):
        return {"conditional": self._make_density(
            y_features, x_features, categorical=self._y_is_categorical())}

    def _log_likelihood(self, model, x, y):
        return self._log_q_conditional(model, x, y)

    def _evaluation_terms(self, model, x, y, generator):
        n = x.shape[0]
        k = min(self.n_negatives, n - 1)
        negatives = _ShiftedNegatives(n, k, generator, x.device)
        density = model["conditional"]
        params = self._chunked(lambda xs, ys: density.condition(xs), x, y)
        step = chunk_rows(self._row_bytes(pairs=k + 1))
        terms = []
        for start in range(0, n, step):
            stop = min(start + step, n)
            chunk = params[start:stop]
            positive = density.log_prob_given(y[start:stop], chunk)
            negative = self._negative_log_q(density, params, y, chunk, start, stop,
                                            negatives(start, stop))
            terms.append(self._pair_terms(positive, negative))
        return torch.cat(terms)


@fill_doc(parameters=_PARAMETERS, negatives=_NEGATIVES, attributes=_ATTRIBUTES)
class CLUBEstimator(_ContrastiveDensityEstimator):
    """CLUB: the contrastive log-ratio upper bound, from a learned q(y | x).

    ``score`` is :func:`skmist.functional.club`: the mean ``log q(y_i | x_i)`` minus
    the mean ``log q(y_j | x_i)`` over ``n_negatives`` other rows j. An upper bound on
    MI when q(y | x) is the true conditional (the tag ``mi_bound`` is ``"upper"``),
    and a loose one: for Gaussians of correlation rho it is ``rho**2 / (1 - rho**2)``
    per dimension against the true ``-log(1 - rho**2) / 2``. It is the regulariser
    representation learning minimises to remove information
    (:func:`skmist.functional.club` in a loss); as an estimate of MI prefer
    :class:`L1OUTEstimator` or a lower bound. A higher score is not a better model:
    select hyperparameters with :func:`conditional_log_likelihood_scorer`.

    Parameters
    ----------
    {parameters}
    {negatives}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    L1OUTEstimator : a tighter upper-bound-style estimate from the same model.

    References
    ----------
    Cheng et al. (2020), "CLUB: A contrastive log-ratio upper bound of mutual
    information", ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import CLUBEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats; CLUB of exact q: 1.0
    >>> est = CLUBEstimator(hidden_dims=(32,), max_iter=200, random_state=0).fit(x, y)
    >>> 0.8 < est.mi_ < 1.2
    True
    """

    def _negative_log_q(self, density, params, y, chunk, start, stop, index):
        # log q(y_j | x_i) for the negatives j of each row i.
        return density.log_prob_given(y[index], chunk.unsqueeze(1))

    def _pair_terms(self, positive, negative):
        return _generative._club_terms(positive, negative)

    def _pointwise_unavailable(self):
        return ("its per-sample term log q(y | x) - mean log q(y' | x) is an "
                "upper-bound construction, not log q(y | x) / q(y); "
                "L1OUTEstimator trains the same model and has score_samples")


@fill_doc(parameters=_PARAMETERS, negatives=_NEGATIVES, attributes=_ATTRIBUTES)
class L1OUTEstimator(_ContrastiveDensityEstimator):
    """Leave-one-out upper-bound-style estimate from a learned q(y | x).

    ``score`` is :func:`skmist.functional.l1out`: the mean of
    ``log q(y_i | x_i) - log mean_j q(y_i | x_j)`` over ``n_negatives`` other rows j,
    whose mixture stands in for p(y_i). An upper bound on MI when q(y | x) is the true
    conditional (the tag ``mi_bound`` is ``"upper"``), biased upwards for few
    negatives, and far tighter than :class:`CLUBEstimator`. A higher score is not a
    better model: select hyperparameters with
    :func:`conditional_log_likelihood_scorer`.

    ``score_samples`` (pointwise MI) is the per-sample term,
    ``log q(y | x) - log mean_j q(y | x_j)``; its mean is ``score``.

    Parameters
    ----------
    {parameters}
    {negatives}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    CLUBEstimator : the looser bound used as a regulariser.

    References
    ----------
    Poole et al. (2019), "On variational bounds of mutual information", ICML;
    Cheng et al. (2020), ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import L1OUTEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats
    >>> est = L1OUTEstimator(hidden_dims=(32,), max_iter=200, random_state=0).fit(x, y)
    >>> 0.25 < est.mi_ < 0.5
    True
    """

    def _negative_log_q(self, density, params, y, chunk, start, stop, index):
        # log q(y_i | x_j) for the negatives j of each row i.
        return density.log_prob_given(y[start:stop].unsqueeze(1), params[index])

    def _pair_terms(self, positive, negative):
        return _generative._l1out_terms(positive, negative)

    def _pointwise_unavailable(self):
        return None
