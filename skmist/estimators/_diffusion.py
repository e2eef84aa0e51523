r"""MINDE: mutual information and entropy from score-based diffusion models.

Franzese, Bounoua & Michiardi (2024) write a KL divergence as integrated squared
differences of the score functions of two diffused densities (the Girsanov identity of
:mod:`skmist.functional._diffusion`). MI is a KL divergence, and an entropy is a
cross-entropy minus a KL divergence to a Gaussian reference; one denoiser learns every
score needed, with the groups it conditions on or leaves out marked by their diffusion
times (:class:`skmist.nn.Denoiser`). Training is denoising score matching with the one
training loop; ``score`` integrates over diffusion time by Monte Carlo.
"""

import inspect
import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._docstrings import fill_doc
from .._neural import (
    DEVICE_PARAMETERS,
    NeuralMIEstimator,
    UnreliableEstimateWarning,
    fitted_attributes,
    store_params,
)
from ..base import _check_tensor, _reject_non_numeric_columns, resolve_dtype
from ..functional import gaussian_mi_bias
from ..functional._diffusion import (
    T_MIN,
    _gaussian_cross_entropy_terms,
    _girsanov_terms,
    diffusion_times,
    gap_logistic,
    gaussian_reference_noise,
    log_snr_times,
    vp_log_snr,
    vp_schedule,
)
from ..functional._neighbors import check_not_constant
from ..nn import Denoiser, GaussianDenoiser

__all__ = ["MINDEEntropy", "MINDEEstimator", "MMGEstimator"]

# Rows scored together, whose Monte-Carlo draws come from one generator. A block holds
# _DRAW_BLOCK * n_time_samples denoiser inputs (a few MiB at the defaults).
_DRAW_BLOCK = 512
# Draws of (log-SNR, noise) per row for MMG's pointwise MI.
_POINTWISE_DRAWS = 64
# An MI integrand still above this many nats per unit of log-SNR at the schedule's top
# log-SNR (9.12) is flagged: beyond it the integrand of a noisy channel decays like
# exp(-log-SNR), so the integral left out is at least that much, and it does not decay
# when y is a function of x. Measured at the integrand's top on held-out rows: the 16
# suite tasks over 6 columns <= 0.005, Gaussians of 2-16 nats in 10 + 10 <= 0.013,
# y = xW + noise (4 of 8 columns, 11 nats) 0.15 (MMG, estimate 10.3) and 0.016
# (MINDE-J, 11.9 for 11.7); exact functions tanh(xW) and x ** 3 0.22-1.6.
UNRESOLVED_INTEGRAND = 0.1

# The numpydoc entries of the diffusion estimators' parameters, in their signatures'
# order, written from column 0 (see _parameters).
_TIMES = """importance_sampling : bool, default=True
    Draw diffusion times from the density proportional to ``beta(t) / sigma_t^2``
    in training and in ``score``: every Monte-Carlo weight is then the same
    constant and most draws fall at small times, where the scores of sharp
    densities differ (:func:`skmist.functional.diffusion_times`). ``False`` draws
    them uniformly and weights them."""

_TRAINING = """n_time_samples : int, default=8
    Monte-Carlo draws of (time, noise) per sample in ``score``. They come from
    ``random_state``, so repeated scores agree; the standard error of the time
    integral falls like ``1 / sqrt(n_samples * n_time_samples)``.
hidden_dims : tuple of int, default=(128, 128)
    Hidden widths of the denoiser (:class:`skmist.nn.Denoiser`); at least one.
activation : str, default="silu"
    Activation of the denoiser, one of :data:`skmist.nn.ACTIVATIONS`.
max_iter : int, default=4000
    Optimisation steps of ``fit``; the learning rate decays to zero over them.
batch_size : int, default=256
    Samples per step, each with its own diffusion time and noise; clipped to the
    number of training samples.
learning_rate : float, default=2e-3
    Initial AdamW step size, decayed along a cosine to 0 at ``max_iter`` (Notes);
    ``partial_fit`` trains at this rate.
weight_decay : float, default=0.0
    AdamW weight decay.
validation_fraction : float, default=0.1
    Share of the data held out for the fitted estimate (and for early stopping,
    when ``n_iter_no_change`` is set).
n_iter_no_change : int or None, default=None
    ``None`` trains ``max_iter`` steps and keeps the final weights. An int stops
    when minus the held-out denoising loss, smoothed, has not improved by more
    than ``tol`` for this many steps, and keeps the weights of its best step
    (the loss is a flat criterion for MI: this rarely helps, see Notes).
tol : float, default=0.0
    Improvement of the smoothed validation criterion that resets the patience."""

_STANDARDIZE = """
    Centre and scale the inputs with training statistics: the diffusion is built
    for unit-variance data. MI does not change; entropies are corrected for it."""

_QUANTILE = """
    ``"quantile"`` maps each column through its training CDF to normal scores
    instead (invertible per column, so MI is unchanged): heavy tails (a Cauchy
    column) otherwise swamp the diffusion."""

_RANDOM_STATE = """random_state : int, RandomState instance or None, default=None
    Seeds weights, the validation split, batches, the training draws of times and
    noise, and the Monte-Carlo draws of ``score``. The global torch RNG is left
    as it was.
verbose : bool, default=False
    Show a progress bar during fit."""


def _parameters(*, standardize, times=True, discrete_target=None):
    """The parameters section of a diffusion estimator: ``standardize`` is what
    ``"auto"`` means, ``"quantile"`` (MI estimators) or ``True`` (entropy, which the
    quantile map would change); ``times``: whether ``importance_sampling`` is a parameter;
    ``discrete_target``: its description, where it is a parameter."""
    if standardize == "quantile":
        standardize = ('standardize : bool, "quantile" or "auto", default="auto"'
                       + _STANDARDIZE + _QUANTILE + ' ``"auto"`` is ``"quantile"``.')
    else:
        standardize = ('standardize : bool or "auto", default="auto"' + _STANDARDIZE
                       + " ``\"auto\"`` does (the quantile map would change the entropy).")
    sections = [
        _TIMES if times else None,
        _TRAINING,
        standardize,
        None if discrete_target is None else
        f'discrete_target : bool or "auto", default="auto"\n    {discrete_target}',
        inspect.cleandoc(DEVICE_PARAMETERS),
        _RANDOM_STATE,
    ]
    return "\n".join(section for section in sections if section)


class _DiffusionEstimator(NeuralMIEstimator):
    """A denoiser trained by denoising score matching; subclasses say what is diffused
    (``_noisy_inputs``) and what ``score`` integrates (``_draw_terms``)."""

    _parameter_constraints = {
        **NeuralMIEstimator._parameter_constraints,
        "importance_sampling": ["boolean"],
        "n_time_samples": [Interval(Integral, 1, None, closed="left")],
        "hidden_dims": [tuple, list],
        "activation": [str],
    }
    _mi_bound = "estimate"

    # --- model ------------------------------------------------------------------------

    def fit(self, X, y):
        self._schedule_steps = self.max_iter
        try:
            return super().fit(X, y)
        finally:
            self._schedule_steps = None

    fit.__doc__ = NeuralMIEstimator.fit.__doc__

    def _on_initialized(self):
        self._train_generator = None

    def _training_generator(self):
        # Created lazily (an unpickled estimator gets a fresh one that continues from
        # its step count), never pickled: a CUDA generator does not load on a CPU.
        if getattr(self, "_train_generator", None) is None:
            # The batches' seed, offset past any step count: draws apart from the order.
            self._train_generator = self._device_generator("batches",
                                                           offset=2**31 + self.n_iter_)
        return self._train_generator

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_train_generator", None)
        return state

    def _times(self, shape, generator, device, dtype):
        t, weight = diffusion_times(
            shape, importance_sampling=self.importance_sampling, generator=generator,
            dtype=dtype,
        )
        return t.to(device), weight.to(device)

    # --- training ---------------------------------------------------------------------

    def _train(self, x, y, max_iter, validate, n_iter_no_change, start_iter=0):
        if n_iter_no_change is None:
            # A fixed budget keeps its final, annealed weights. The held-out denoising
            # loss is too flat a criterion to pick an earlier step (it is dominated by
            # irreducible noise, and its minimum came before the MI was learned).
            validate = None
        return super()._train(x, y, max_iter, validate, n_iter_no_change, start_iter)

    def _make_scheduler(self, max_iter):
        # A cosine decay to 0 over the max_iter steps of fit (see MINDEEstimator's
        # Notes); partial_fit trains at learning_rate.
        total = getattr(self, "_schedule_steps", None)
        if not total:
            return None
        return torch.optim.lr_scheduler.LambdaLR(
            self._optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * min(1.0, step / total)))
        )

    def _batch_loss(self, model, x, y):
        return self._denoising_errors(model, x, y, self._training_generator()).mean()

    def _denoising_errors(self, model, x, y, generator):
        """Per-row squared error of the noise prediction on the diffused coordinates,
        at times and noise drawn from ``generator`` (on any device)."""
        t, _ = self._times((x.shape[0], 1), generator, x.device, x.dtype)
        inputs, times, target, diffused, baseline = self._noisy_inputs(x, y, t, generator)
        error = (model(inputs, times) + baseline - target).pow(2)
        if diffused is not None:
            error = error * diffused
        return error.sum(-1)

    def _validation_loss(self, x, y):
        """Denoising loss on held-out rows, with the same draws at every call."""
        generator = self._cpu_generator("evaluation")
        return torch.cat([
            self._denoising_errors(self.model_, x[start:start + _DRAW_BLOCK],
                                   y[start:start + _DRAW_BLOCK], generator)
            for start in range(0, x.shape[0], _DRAW_BLOCK)
        ]).mean()

    # Early stopping (when n_iter_no_change is set) maximises minus the held-out
    # denoising loss, the objective the scores are fitted by. MINDE's estimate itself
    # is no bound, and maximising it would favour denoisers whose errors inflate
    # score differences.
    _validation_name = "validation_negative_loss"

    def _validation_score(self, x, y):
        with torch.inference_mode():
            return -self._validation_loss(x, y)

    # --- evaluation -------------------------------------------------------------------

    def _evaluation_terms(self, model, x, y, generator):
        # Blocks of a fixed number of rows, each with its own generator: the draws of
        # a row, and so the score, are the same however the rows are split.
        base_seed = int(torch.randint(2**62, (1,), generator=generator))
        terms = []
        for block, start in enumerate(range(0, x.shape[0], _DRAW_BLOCK)):
            block_generator = torch.Generator().manual_seed(base_seed + block)
            stop = start + _DRAW_BLOCK
            terms.append(self._row_terms(model, x[start:stop], y[start:stop],
                                         block_generator))
        return torch.cat(terms)

    def _row_terms(self, model, x, y, generator):
        """Per-row terms ``(n,)``: the mean over ``n_time_samples`` draws."""
        n, k = x.shape[0], self.n_time_samples
        t, weight = self._times((n * k, 1), generator, x.device, x.dtype)
        x = x.repeat_interleave(k, dim=0)
        y = y.repeat_interleave(k, dim=0)
        return self._draw_terms(model, x, y, t, weight[:, 0], generator).reshape(n, k).mean(1)


def _noise(shape, generator, device, dtype):
    """Standard normal noise drawn on ``generator``'s device and moved to ``device``."""
    return torch.randn(shape, generator=generator, device=generator.device,
                       dtype=dtype).to(device)


@fill_doc(fitted=fitted_attributes(), parameters=_parameters(
    standardize="quantile",
    discrete_target="One-hot encode y. A categorical y is never diffused: the conditional "
                    "variant\n    then diffuses X given y, and the joint variant refuses it.",
))
class MINDEEstimator(_DiffusionEstimator):
    r"""MINDE: mutual information from score-based diffusion (Franzese et al., 2024).

    A denoiser learns the scores of diffused versions of the data, and MI is the time
    integral of their squared differences: the Girsanov identity
    :math:`KL(p \| q) = \int_0^1 \frac{\beta(t)}{2\sigma_t^2}
    E_{p_t}\|\varepsilon_p - \varepsilon_q\|^2 dt` of
    :func:`skmist.functional.girsanov_kl` (Franzese et al., 2024), with
    :math:`\varepsilon = -\sigma_t \nabla \log p_t` the noise prediction of a
    denoiser and the VP diffusion :math:`X_t = \alpha_t X + \sigma_t \varepsilon`.

    * ``variant="conditional"`` (MINDE-C in the paper): Y is diffused, X conditions it,
      and :math:`I(X; Y) = E_x KL(p_{Y|x} \| p_Y)`:

      .. math:: I(X; Y) = \int_0^1 \frac{\beta(t)}{2\sigma_t^2}
                E\|\varepsilon_{Y|X}(Y_t \mid X) - \varepsilon_Y(Y_t)\|^2 dt.

      One denoiser of ``[x, y_t]`` gives both scores: the marginal one with x set to
      zero and its time to 1 (left out), the conditional one with x clean and its
      time 0 (the reference code's masks). A categorical y is not diffused: X is,
      given y, by the same formula with the roles swapped.
    * ``variant="joint"`` (MINDE-J): X and Y are diffused together.
      :math:`I = H(X, Y) - H(X|Y) - H(Y|X)`, and because the joint score is the
      conditional expectation of the two conditional ones,

      .. math:: I(X; Y) = \int_0^1 \frac{\beta(t)}{2\sigma_t^2}
                E\|\varepsilon_{XY}(X_t, Y_t) - [\varepsilon_{X|Y}(X_t \mid Y),
                \varepsilon_{Y|X}(Y_t \mid X)]\|^2 dt,

      all three from one denoiser of ``[x, y]`` with a time per variable.

    With ``sigma`` set, the scores are compared with that of the Gaussian
    :math:`N(0, \sigma^2 I)` instead of with each other (MINDE-C(sigma),
    MINDE-J(sigma)): MI as a difference of entropy estimates, e.g.
    :math:`\int \frac{\beta}{2\sigma_t^2} E[\|\varepsilon_{Y|X} -
    \varepsilon_{ref}\|^2 - \|\varepsilon_Y - \varepsilon_{ref}\|^2] dt`, where the
    cross-entropy terms of the two entropies cancel. Both forms are exact for exact
    scores; with learned ones the default (``None``) was the more accurate on our
    Gaussian benchmarks and is never negative.

    ``score`` is the Monte-Carlo integral on the given samples, ``n_time_samples``
    draws of (time, noise) each, with the fitted denoiser. A consistent estimate,
    not a bound (``mi_bound = "estimate"``): a higher score is not necessarily a
    better one. :meth:`estimate` with ``return_std=True`` gives the standard error of
    the Monte-Carlo integral on these samples, not that of training.

    ``score_samples`` (the conditional variant; the joint one learns no marginal score
    of y) is each row's MMSE gap, the marginal less the conditional denoising error,
    over 64 draws, less the baseline's bias: with exact denoisers each error
    integrates to the row's :math:`-\log q`, so the gap is the pointwise MI
    :math:`\log q(y \mid x) - \log q(y)`; its mean estimates MI (equal to ``score``
    in expectation). On a Gaussian pair (rho 0.8, 8,000 training rows, defaults) it
    correlated 0.90 with the closed-form PMI; the squared score differences that
    ``score`` averages, never negative, 0.02.

    Parameters
    ----------
    variant : {"conditional", "joint"}, default="conditional"
        Conditional diffusion (scores of y and of y given x) or joint diffusion (x
        and y together, with both conditional scores).
    sigma : float or None, default=None
        ``None``: the difference of scores inside the integral (MINDE-C, MINDE-J).
        A float: the difference of entropy estimates against :math:`N(0, \sigma^2 I)`
        on standardized data.
    baseline : {"gaussian", "standard"}, default="gaussian"
        What the denoiser's output is added to: the exact noise prediction of the
        Gaussian with the training data's mean and covariance (after
        ``standardize``), one per score (:class:`skmist.nn.GaussianDenoiser`), so
        that the network learns only how the data depart from it; or that of
        :math:`N(0, I)`, :math:`\sigma_t z_t` (the network learns all of the
        dependence). See Notes. The Gaussian is fitted once, on the data of the
        first ``fit`` or ``partial_fit`` call: when that is a small batch of many
        columns, prefer ``"standard"``.
    {parameters}

    Attributes
    ----------
    mi_ : float
        MI estimate in nats on the validation split (on the training data when
        ``validation_fraction=0``).
    model_ : skmist.nn.Denoiser
        The trained denoiser on standardized inputs, ``[x, y]`` (conditional variant:
        ``[condition, diffused]``); its output plus the baseline's is the noise
        prediction (see Notes).
    baseline_ : torch.nn.ModuleDict of skmist.nn.GaussianDenoiser
        The baseline of each score: ``"conditional"`` and ``"marginal"``, or
        ``"joint"``, ``"x_given_y"`` and ``"y_given_x"``; fitted on the data of the
        first ``fit`` or ``partial_fit`` call.
    baseline_bias_ : float
        The plug-in bias of the baseline's Gaussian MI, subtracted from every
        estimate (0 for ``baseline="standard"`` and for a categorical y).
    history_ : pandas.DataFrame
        Training curve: iteration and loss; ``validation_negative_loss`` holds the
        early-stopping criterion when ``n_iter_no_change`` is set.
    {fitted}

    Notes
    -----
    The diffusion is the VP SDE with :math:`\beta(t) = 0.1 + 19.9 t` (Song et al.,
    2021) on times in :math:`[10^{-3}, 1]`. Training minimises the noise-prediction
    error :math:`\|\hat\varepsilon - \varepsilon\|^2` of the diffused coordinates at
    times drawn as in ``score`` (with importance sampling, the likelihood weighting
    of the KL integrand, Huang et al., 2021), each sample with a random choice of
    score: half conditional and half marginal, or for the joint variant half joint
    and a quarter each conditional (as the reference code weights them).

    Three choices make the CPU budget enough:

    * The learning rate decays along a cosine to 0 (Loshchilov & Hutter, 2017). The
      gradients of denoising score matching are dominated by irreducible noise; at
      a constant rate the learned score differences wander (annealed, 4000 steps
      reach +-0.04 nats where 16,000 constant-rate steps with weight averaging were
      0.1 low).
    * The denoiser predicts the residual from the noise prediction of a unit
      Gaussian, :math:`\hat\varepsilon = \sigma_t z_t + F(z_t, t)`: standardized
      data are close to it, and at large t the noise is nearly the input, which an
      MLP otherwise fits poorly. The residual cancels in every score difference.
    * The times scale and shift the hidden layers (FiLM) rather than enter as
      inputs (see :class:`skmist.nn.Denoiser`).

    The default ``baseline="gaussian"`` goes one step further: the residual is taken
    from the noise prediction of the Gaussian fitted to the training data
    (:class:`skmist.nn.GaussianDenoiser`), whose score differences integrate to the
    Gaussian MI of the data, so the network learns only the non-Gaussian part, and
    what it overfits no longer adds up over many coordinates
    (multinormal-sparse-25-25: 1.33 nats for 1.02 without the baseline, 1.08 and
    1.09 with it).

    The held-out denoising loss is dominated by the noise too, a flat criterion for
    MI, so a fixed budget keeping its final weights is the default and early
    stopping an option.

    The Gaussian MI that the baseline carries is that of the sample covariance,
    biased up by spurious sample correlations; the bias has a closed form in the
    dimensions and the number of training rows alone
    (:func:`skmist.functional.gaussian_mi_bias`, about :math:`d_x d_y / 2n`), and
    every estimate has it subtracted (``baseline_bias_``; on
    multinormal-dense-50-50, 1.92 -> 1.64, truth 1.62).

    The measurements behind these defaults, and the results on the 40 tasks of the
    "Beyond Normal" suite, are in the user guide (:ref:`diffusion-measurements`).

    See Also
    --------
    MINDEEntropy : differential entropy of X from the same construction.
    SMILEEstimator : a discriminative estimate, 5 to 10 times faster on the CPU.

    References
    ----------
    G. Franzese, M. Bounoua and P. Michiardi, "MINDE: Mutual Information Neural
    Diffusion Estimation", ICLR 2024 (arXiv:2310.09031); the reference code at
    github.com/MustaphaBounoua/minde.
    Y. Song et al., "Score-based generative modeling through stochastic differential
    equations", ICLR 2021.
    C.-W. Huang, J. H. Lim and A. Courville, "A variational perspective on
    diffusion-based generative models and score matching", NeurIPS 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import MINDEEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = log(2) / 2 = 0.35 nats
    >>> est = MINDEEstimator(hidden_dims=(64, 64), max_iter=500, random_state=0)
    >>> 0.25 < est.fit(x, y).mi_ < 0.45
    True
    """

    _parameter_constraints = {
        **_DiffusionEstimator._parameter_constraints,
        "variant": [StrOptions({"conditional", "joint"})],
        "sigma": [Interval(Real, 0, None, closed="neither"), None],
        "baseline": [StrOptions({"gaussian", "standard"})],
    }
    # Heavy tails (a Cauchy column) otherwise swamp the diffusion.
    _auto_standardize = "quantile"

    def __init__(
        self,
        *,
        variant="conditional",
        sigma=None,
        baseline="gaussian",
        importance_sampling=True,
        n_time_samples=8,
        hidden_dims=(128, 128),
        activation="silu",
        max_iter=4000,
        batch_size=256,
        learning_rate=2e-3,
        weight_decay=0.0,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize="auto",
        discrete_target="auto",
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        store_params(self, locals())

    @property
    def _joint(self):
        return self.variant == "joint"

    @property
    def _x_as_input(self):
        # The conditional construction diffuses y given x, but x given a categorical y;
        # the joint one diffuses both.
        return not self._joint and self.discrete_target is not True

    def _build_model(self, x_features, y_features):
        if self._joint:
            if self.y_categories_ is not None:
                raise ValueError(
                    "variant='joint' diffuses y, which is categorical here: a diffused "
                    "one-hot vector has no score as t -> 0. Use variant='conditional', "
                    "which diffuses X given y."
                )
            out = x_features + y_features
        else:
            out = x_features if self._diffuses_x() else y_features
        return Denoiser(x_features + y_features, out, n_times=2,
                        hidden_dims=tuple(self.hidden_dims), activation=self.activation)

    def _initialize(self, x, y):
        super()._initialize(x, y)
        x, y = self._standardize(x, y)
        z = torch.cat([x, y], 1).detach().to("cpu", torch.float64)
        if self.baseline == "gaussian":
            mean, covariance = z.mean(0), torch.cov(z.T, correction=1).reshape(z.shape[1], -1)
        else:
            mean, covariance = torch.zeros(z.shape[1]), torch.eye(z.shape[1])
        x_columns = range(x.shape[1])
        y_columns = range(x.shape[1], z.shape[1])
        if self._joint:
            groups = {"joint": (range(z.shape[1]), ()), "x_given_y": (x_columns, y_columns),
                      "y_given_x": (y_columns, x_columns)}
        else:
            diffused, condition = ((x_columns, y_columns) if self._diffuses_x()
                                   else (y_columns, x_columns))
            groups = {"conditional": (diffused, condition), "marginal": (diffused, ())}
        # In the model's dtype: a float64 buffer would be cast at every step.
        self.baseline_ = torch.nn.ModuleDict({
            name: GaussianDenoiser(covariance, diffused, condition, mean=mean)
            for name, (diffused, condition) in groups.items()
        }).to(device=self.device_, dtype=resolve_dtype(self.dtype))
        # The baseline carries the Gaussian MI of the sample covariance, which spurious
        # sample correlations bias up by a known amount (about dx dy / 2n): removed
        # from every estimate. Not for one-hot labels, which are no Gaussian.
        n, dx, dy = z.shape[0], x.shape[1], y.shape[1]
        self.baseline_bias_ = (
            gaussian_mi_bias(dx, dy, n) if self.baseline == "gaussian"
            and self.y_categories_ is None and n > dx + dy else 0.0
        )

    def _diffuses_x(self):
        # The conditional variant diffuses y given x, unless y is categorical: then X
        # given y (a one-hot vector is no density to diffuse, and I(X; Y) is symmetric).
        return self.y_categories_ is not None

    def _diffused_and_condition(self, x, y):
        return (x, y) if self._diffuses_x() else (y, x)

    # --- training ---------------------------------------------------------------------

    def _noisy_inputs(self, x, y, t, generator):
        """Denoiser inputs, times, target noise, mask of the diffused coordinates (None:
        all) and the Gaussian noise prediction (``baseline_``) the denoiser's output is
        added to, for one random choice of score per row."""
        device = x.device
        n, dx = x.shape
        alpha, sigma, _ = vp_schedule(t)
        coin = torch.rand((n, 1), generator=generator, device=generator.device).to(device)
        if not self._joint:
            v, c = self._diffused_and_condition(x, y)
            eps = _noise(v.shape, generator, device, v.dtype)
            condition = (coin < 0.5).to(x.dtype)  # 1: score of v | c; 0: of v
            v_t = alpha * v + sigma * eps
            inputs = torch.cat([c * condition, v_t], dim=1)
            times = torch.cat([1 - condition, t], dim=1)
            baseline = (condition * self.baseline_["conditional"](v_t, c, alpha, sigma)
                        + (1 - condition) * self.baseline_["marginal"](v_t, c, alpha, sigma))
            return inputs, times, eps, None, baseline
        eps_x = _noise(x.shape, generator, device, x.dtype)
        eps_y = _noise(y.shape, generator, device, y.dtype)
        # Half joint (both diffused), a quarter x | y, a quarter y | x.
        diffuse_x = (coin < 0.75).to(x.dtype)
        diffuse_y = ((coin < 0.5) | (coin >= 0.75)).to(x.dtype)
        x_in = diffuse_x * (alpha * x + sigma * eps_x) + (1 - diffuse_x) * x
        y_in = diffuse_y * (alpha * y + sigma * eps_y) + (1 - diffuse_y) * y
        inputs = torch.cat([x_in, y_in], dim=1)
        times = torch.cat([diffuse_x * t, diffuse_y * t], dim=1)
        target = torch.cat([eps_x, eps_y], dim=1)
        diffused = torch.cat([diffuse_x.expand(n, dx), diffuse_y.expand(n, y.shape[1])], 1)
        # Each row's baseline is that of its score; coordinates left clean are masked.
        joint = self.baseline_["joint"](inputs, inputs[:, :0], alpha, sigma)
        baseline = torch.cat([
            diffuse_y * joint[:, :dx]
            + (1 - diffuse_y) * self.baseline_["x_given_y"](x_in, y_in, alpha, sigma),
            diffuse_x * joint[:, dx:]
            + (1 - diffuse_x) * self.baseline_["y_given_x"](y_in, x_in, alpha, sigma),
        ], dim=1)
        return inputs, times, target, diffused, baseline

    # --- evaluation -------------------------------------------------------------------

    def _conditional_predictions(self, model, x, y, t, generator):
        """The noise drawn, the diffused variable and its conditional and marginal noise
        predictions (the conditional variant's two scores), at times ``t``."""
        alpha, sigma, _ = vp_schedule(t)
        v, c = self._diffused_and_condition(x, y)
        eps = _noise(v.shape, generator, v.device, v.dtype)
        v_t = alpha * v + sigma * eps
        conditional = (model(torch.cat([c, v_t], 1), torch.cat([torch.zeros_like(t), t], 1))
                       + self.baseline_["conditional"](v_t, c, alpha, sigma))
        marginal = (model(torch.cat([torch.zeros_like(c), v_t], 1),
                          torch.cat([torch.ones_like(t), t], 1))
                    + self.baseline_["marginal"](v_t, c, alpha, sigma))
        return eps, v_t, conditional, marginal

    # --- pointwise MI -----------------------------------------------------------------

    def _pointwise_unavailable(self):
        if self._joint:
            return ("the joint variant learns no marginal score of y (x left out), which "
                    "the pointwise gap log q(y | x) - log q(y) needs; variant='conditional' "
                    "has score_samples")
        return None

    def _gap_terms(self, model, x, y, t, weight, generator):
        """Per-draw MMSE gap: the marginal less the conditional denoising error."""
        eps, _, conditional, marginal = self._conditional_predictions(model, x, y, t, generator)
        return _gap_of(eps, conditional, marginal, weight)

    def _pointwise_terms(self, model, x, y, generator):
        # Row by row, the MMSE gap (not the squared score differences): with exact
        # denoisers each squared error integrates to that row's -log q (Kong et al.,
        # 2023), so their difference is log q(y | x) - log q(y). The squares are
        # never negative and correlated 0.02 with the true PMI. One row's integral
        # needs many draws: 64 gave a correlation of 0.84 with the closed form on a
        # Gaussian pair, 8 gave 0.66.
        base_seed = int(torch.randint(2**62, (1,), generator=generator))
        k = _POINTWISE_DRAWS
        values = []
        for block, start in enumerate(range(0, x.shape[0], _DRAW_BLOCK // 8)):
            block_generator = torch.Generator().manual_seed(base_seed + block)
            xb, yb = x[start:start + _DRAW_BLOCK // 8], y[start:start + _DRAW_BLOCK // 8]
            t, weight = self._times((xb.shape[0] * k, 1), block_generator, x.device,
                                    x.dtype)
            gap = self._gap_terms(model, xb.repeat_interleave(k, dim=0),
                                  yb.repeat_interleave(k, dim=0), t, weight[:, 0],
                                  block_generator)
            values.append(gap.reshape(xb.shape[0], k).mean(1))
        return torch.cat(values) - self.baseline_bias_

    def _draw_terms(self, model, x, y, t, weight, generator):
        alpha, sigma, _ = vp_schedule(t)
        zero = torch.zeros_like(t)
        if not self._joint:
            _, v_t, conditional, marginal = self._conditional_predictions(
                model, x, y, t, generator)
            if self.sigma is None:
                return _girsanov_terms(conditional, marginal, weight)
            reference = gaussian_reference_noise(v_t, alpha, sigma, self.sigma)
            return (_girsanov_terms(conditional, reference, weight)
                    - _girsanov_terms(marginal, reference, weight))
        dx = x.shape[1]
        x_t = alpha * x + sigma * _noise(x.shape, generator, x.device, x.dtype)
        y_t = alpha * y + sigma * _noise(y.shape, generator, y.device, y.dtype)
        z_t = torch.cat([x_t, y_t], 1)
        joint = (model(z_t, torch.cat([t, t], 1))
                 + self.baseline_["joint"](z_t, z_t[:, :0], alpha, sigma))
        x_given_y = (model(torch.cat([x_t, y], 1), torch.cat([t, zero], 1))[:, :dx]
                     + self.baseline_["x_given_y"](x_t, y, alpha, sigma))
        y_given_x = (model(torch.cat([x, y_t], 1), torch.cat([zero, t], 1))[:, dx:]
                     + self.baseline_["y_given_x"](y_t, x, alpha, sigma))
        conditional = torch.cat([x_given_y, y_given_x], 1)
        if self.sigma is None:
            return _girsanov_terms(joint, conditional, weight)
        reference = gaussian_reference_noise(z_t, alpha, sigma, self.sigma)
        return (_girsanov_terms(conditional, reference, weight)
                - _girsanov_terms(joint, reference, weight))

    def _reduce_terms(self, terms):
        return terms.mean() - self.baseline_bias_

    def _estimate_caveats(self, x, y, value):
        left_out = self._integrand_at_top(x, y)
        if not left_out > UNRESOLVED_INTEGRAND:
            return []
        snr = vp_log_snr(torch.tensor(T_MIN, dtype=torch.float64)).item()
        return [
            f"{type(self).__name__}: the estimate {value:.4g} nats leaves out at least "
            f"{left_out:.2g} nats: at the finest noise the diffusion reaches (log-SNR "
            f"{snr:.1f}) its integrand is still {left_out:.2g}, where a noisy dependence "
            "has decayed. The diffused variable is then nearly a function of the other, to "
            "within about 1% of its spread, and the MI may be far larger (infinite for an "
            "exact function)."
        ]

    def _integrand_at_top(self, x, y):
        """The mean of the MI integrand in log-SNR (half the squared difference of the
        two noise predictions) at the top of the schedule, one draw per row: under an
        integrand decaying like exp(-log-SNR) beyond it, the integral left out."""
        generator = self._cpu_generator("evaluation")
        total = 0.0
        with torch.inference_mode():
            for start in range(0, x.shape[0], _DRAW_BLOCK):
                xb, yb = x[start:start + _DRAW_BLOCK], y[start:start + _DRAW_BLOCK]
                t = xb.new_full((xb.shape[0], 1), T_MIN)
                total += self._draw_terms(self.model_, xb, yb, t, torch.ones_like(t[:, 0]),
                                          generator).sum().item()
        return total / x.shape[0]


@fill_doc(fitted=fitted_attributes(), parameters=_parameters(
    standardize="quantile", times=False,
    discrete_target="One-hot encode y. A categorical y is never diffused: X is, given y.",
))
class MMGEstimator(MINDEEstimator):
    r"""MMG: mutual information as the MMSE gap of diffusion (Yu et al., 2025).

    Diffuse Y as :math:`Y_\lambda = \alpha Y + \sigma \varepsilon` at log
    signal-to-noise ratio :math:`\lambda = \log(\alpha^2 / \sigma^2)`. The I-MMSE
    relation (Guo, Shamai & Verdú, 2005) makes MI half the gap between the
    unconditional and the conditional denoising MMSE, integrated over log-SNR; in the
    noise prediction :math:`\hat\varepsilon` of a denoiser,

    .. math:: I(X; Y) = \tfrac12 \int \big(E\|\varepsilon - \hat\varepsilon_Y(Y_\lambda)\|^2
              - E\|\varepsilon - \hat\varepsilon_{Y|X}(Y_\lambda, X)\|^2\big)\,d\lambda
              = \tfrac12 \int E\|\hat\varepsilon_{Y|X} - \hat\varepsilon_Y\|^2 d\lambda.

    The second, "orthogonal" form holds because the error of the conditional MMSE
    predictor is orthogonal to every function of :math:`(Y_\lambda, X)`: it has the
    same expectation as the gap without the noise of its two squared errors
    (``form="gap"`` is the first). It is MINDE's conditional integrand
    (:class:`MINDEEstimator`, as :math:`d\lambda = \beta(t) / \sigma_t^2\,dt` on the
    VP schedule), and this estimator shares MINDE's denoiser, with the condition
    dropped for half of the training rows, its Gaussian baseline, quantile
    standardization, schedule and training. What differs is where the log-SNR is
    drawn, in training and in ``score``: from a logistic truncated to the schedule's
    range, :math:`[-10.05, 9.12]`, centred on the MMSE gap of the Gaussian fitted to
    the training data (:func:`skmist.functional.gap_logistic`) and weighted by
    :math:`1/q(\lambda)` (:func:`skmist.functional.log_snr_times`), where MINDE draws
    it uniformly. A categorical y is not diffused: X is, given y.

    ``score`` is the Monte-Carlo integral on the given samples, ``n_time_samples``
    draws of (log-SNR, noise) each. A consistent estimate, not a bound
    (``mi_bound = "estimate"``); :meth:`estimate` with ``return_std=True`` gives the
    standard error of that integral on these samples, not that of training.
    ``score_samples`` is each row's gap integrand whatever ``form``, as for
    :class:`MINDEEstimator` (0.93 with the closed-form PMI of a Gaussian pair at the
    default budget).

    Parameters
    ----------
    form : {"orthogonal", "gap", "mean"}, default="orthogonal"
        The integrand: the squared difference of the conditional and the
        unconditional noise predictions, or the difference of their squared errors
        (the MMSE gap itself, same expectation, higher variance; see Notes), or the
        mean of the two on the same draws. An error of the conditional prediction
        that is independent of the true gap (the variance of fitting many columns of
        x) adds its square to the first and takes it from the second, so the mean
        cancels it: ``estimate_mi`` takes it where y has one column.
    log_snr_loc : float or "auto", default="auto"
        Location of the logistic log-SNR density; ``"auto"``: the mean of the MMSE
        gap of the Gaussian fitted to the standardized training data.
    log_snr_scale : float, default=3.0
        Smallest scale of the logistic (its standard deviation is
        :math:`\pi s / \sqrt 3`); the scale is widened to that of the Gaussian MMSE
        gap where the gap is wider (several nats per dimension). Large values give
        MINDE's uniform draws.
    baseline : {"gaussian", "standard"}, default="gaussian"
        What the denoiser's output is added to, as in :class:`MINDEEstimator`.
    {parameters}

    Attributes
    ----------
    mi_ : float
        MI estimate in nats on the validation split (on the training data when
        ``validation_fraction=0``).
    log_snr_loc_, log_snr_scale_ : float
        The logistic the log-SNR is drawn from.
    model_ : skmist.nn.Denoiser
        The trained denoiser on standardized ``[condition, diffused]`` inputs.
    baseline_ : torch.nn.ModuleDict of skmist.nn.GaussianDenoiser
        The ``"conditional"`` and ``"marginal"`` baselines (see
        :class:`MINDEEstimator`).
    baseline_bias_ : float
        The plug-in bias of the baseline's Gaussian MI, subtracted from every
        estimate.
    history_ : pandas.DataFrame
        Training curve.
    {fitted}

    Notes
    -----
    Where the log-SNR draws fall matters twice: the denoiser is trained at the draws
    that ``score`` uses, so a narrow logistic leaves its tails, where the weight
    :math:`1/q` is largest, under-trained, and the orthogonal form squares the
    difference of two learned predictions, whose errors there then add up with that
    weight. The scale 3 was the smallest that did not overestimate (scale 2 gave
    1.13 nats for 1.02 on the 25-dimensional spiral, scale 3 0.98).

    The orthogonal form is the default because it was both less variable and more
    accurate: the gap form had 2.5 to 4 times its Monte-Carlo variance (standard
    error 0.0146 against 0.0073 on 1v1-normal-0.75), and with learned predictions
    the two are biased in opposite directions, the orthogonal form up by the
    predictions' errors, the gap down by the conditional prediction's excess error
    on held-out rows (0.86 against 1.06, truth 1.02, on
    multinormal-sparse-25-25-2-2.0; 0.20 against 0.31, truth 0.29, on
    student-identity-3-3-2).

    The measurements behind these defaults, and the results on the 40 tasks of the
    "Beyond Normal" suite, are in the user guide (:ref:`diffusion-measurements`).

    See Also
    --------
    MINDEEstimator : the same denoiser with uniform log-SNR, and the joint variant.
    skmist.functional.log_snr_times : the truncated-logistic draws and weights.

    References
    ----------
    L. Yu, X. Shi, X. Kong, T. Jia and G. Ver Steeg, "MMG: Mutual Information
    Estimation via the MMSE Gap in Diffusion", NeurIPS 2025 (arXiv:2509.20609).
    D. Guo, S. Shamai and S. Verdú, "Mutual information and minimum mean-square error
    in Gaussian channels", IEEE Trans. Inf. Theory 51(4), 2005.
    X. Kong, R. Brekelmans and G. Ver Steeg, "Information-theoretic diffusion",
    ICLR 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import MMGEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = log(2) / 2 = 0.35 nats
    >>> est = MMGEstimator(hidden_dims=(64, 64), max_iter=500, random_state=0)
    >>> 0.25 < est.fit(x, y).mi_ < 0.45
    True
    """

    _parameter_constraints = {
        **MINDEEstimator._parameter_constraints,
        "form": [StrOptions({"orthogonal", "gap", "mean"})],
        "log_snr_loc": [Interval(Real, None, None, closed="neither"), StrOptions({"auto"})],
        "log_snr_scale": [Interval(Real, 0, None, closed="neither")],
    }
    for _name in ("variant", "sigma", "importance_sampling"):
        _parameter_constraints.pop(_name)
    del _name

    # MINDE's conditional construction: y diffused given x (x given a categorical y).
    _joint = False

    def __init__(
        self,
        *,
        form="orthogonal",
        log_snr_loc="auto",
        log_snr_scale=3.0,
        baseline="gaussian",
        n_time_samples=8,
        hidden_dims=(128, 128),
        activation="silu",
        max_iter=4000,
        batch_size=256,
        learning_rate=2e-3,
        weight_decay=0.0,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize="auto",
        discrete_target="auto",
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        store_params(self, locals())

    def _initialize(self, x, y):
        super()._initialize(x, y)
        # The logistic that matches the MMSE gap of the Gaussian fitted to the
        # standardized training data, whatever the baseline.
        x, y = self._standardize(x, y)
        v, c = self._diffused_and_condition(x, y)
        z = torch.cat([v, c], 1).detach().to("cpu", torch.float64)
        covariance = torch.cov(z.T, correction=1).reshape(z.shape[1], -1)
        diffused, condition = range(v.shape[1]), range(v.shape[1], z.shape[1])
        loc, scale = gap_logistic(GaussianDenoiser(covariance, diffused).variances,
                                  GaussianDenoiser(covariance, diffused, condition).variances)
        self.log_snr_loc_ = loc if self.log_snr_loc == "auto" else float(self.log_snr_loc)
        # At most a few nats per dimension the gap's own scale is about 1, too narrow:
        # the denoiser is trained at the same draws, so the tails, where the weight
        # 1/q is large, would be under-trained (see Notes).
        self.log_snr_scale_ = max(scale, float(self.log_snr_scale))

    def _times(self, shape, generator, device, dtype):
        t, weight = log_snr_times(shape, loc=self.log_snr_loc_, scale=self.log_snr_scale_,
                                  generator=generator, dtype=dtype)
        return t.to(device), weight.to(device)

    def _draw_terms(self, model, x, y, t, weight, generator):
        if self.form == "gap":
            return self._gap_terms(model, x, y, t, weight, generator)
        eps, _, conditional, marginal = self._conditional_predictions(model, x, y, t,
                                                                      generator)
        orthogonal = _girsanov_terms(conditional, marginal, weight)
        if self.form == "orthogonal":
            return orthogonal
        return (orthogonal + _gap_of(eps, conditional, marginal, weight)) / 2


def _gap_of(eps, conditional, marginal, weight):
    """Per-draw MMSE gap: the marginal less the conditional denoising error of the
    noise ``eps``."""
    return _girsanov_terms(eps, marginal, weight) - _girsanov_terms(eps, conditional, weight)


class _EntropyEstimator:
    """X alone in the trained estimators' interface: ``fit(X)``, ``score(X)`` and
    ``estimate(X)`` with ``y`` ignored, the estimate in ``entropy_``. X is validated on
    its own and carried with an empty y through the shared split, standardization and
    training; a subclass gives the model and its per-row terms."""

    # fit and partial_fit store the estimate here (NeuralMIEstimator).
    _estimate_name = "entropy_"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the model on X and estimate its entropy on a validation split.

        Parameters
        ----------
        X : array-like, DataFrame or torch.Tensor of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator; ``entropy_`` holds the estimate in nats.
        """
        return super().fit(X, None)

    def partial_fit(self, X, y=None):
        """Continue training for one pass over X (see
        :meth:`NeuralMIEstimator.partial_fit`); ``entropy_`` is the estimate on X."""
        return super().partial_fit(X, None)

    def score(self, X, y=None):
        """Differential entropy estimate of X in nats, with the fitted model.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        float
        """
        check_is_fitted(self, "model_")
        return super().score(X, None)

    def estimate(self, X, y=None, *, return_std=False, random_state=None):
        """Entropy estimate of X in nats, and optionally the standard error of its
        Monte-Carlo integral on these samples (not that of training).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
        y : None
            Ignored.
        return_std : bool, default=False
        random_state : None
            Ignored: the standard error draws nothing.

        Returns
        -------
        float, or (float, float)
        """
        return super().estimate(X, None, return_std=return_std, random_state=random_state)

    def _validate_xy(self, X, y, *, reset, classes=None):
        _reject_non_numeric_columns(X, "X")
        if isinstance(X, torch.Tensor):
            X = validate_data(self, X, reset=reset, skip_check_array=True)
            X = _check_tensor(X, "X", ensure_2d=True)
            if X.shape[0] < 2:
                raise ValueError(
                    f"Found array with {X.shape[0]} sample(s) while a minimum of 2 is "
                    "required: an entropy estimate needs at least two samples"
                )
        else:
            X = validate_data(self, X, reset=reset, dtype=(np.float64, np.float32),
                              ensure_min_samples=2)
        if reset:
            self.y_categories_ = None
        return X, None

    def _as_tensors(self, X, y, device, dtype):
        x, _ = super()._as_tensors(X, X[:, :1], device, dtype)
        # X alone: an empty y keeps the shared fit, split and standardization.
        return x, x.new_zeros((x.shape[0], 0))


@fill_doc(fitted=fitted_attributes(y=False), parameters=_parameters(standardize=True))
class MINDEEntropy(_EntropyEstimator, _DiffusionEstimator):
    r"""Differential entropy of X from a score-based diffusion model (MINDE).

    An entropy is the cross-entropy with a reference density minus the KL divergence
    to it; with the Gaussian reference :math:`q = N(0, \sigma^2 I)` the KL is the
    Girsanov integral of squared score differences (Franzese et al., 2024, Eq. 15 of
    arXiv:2310.09031; :func:`skmist.functional.girsanov_kl`):

    .. math:: H(X) = \tfrac{d}{2}\log(2\pi\sigma^2) + \frac{E\|X\|^2}{2\sigma^2}
              - \int_0^1 \frac{\beta(t)}{2\sigma_t^2}
              E\|\varepsilon_X(X_t, t) - \varepsilon_{ref}(X_t, t)\|^2 dt,

    with :math:`\varepsilon_{ref} = \sigma_t X_t / (\alpha_t^2 \sigma^2 +
    \sigma_t^2)` and :math:`KL(p_1 \| q_1)` neglected (:math:`\alpha_1^2 = 4 \cdot
    10^{-5}`). It is computed on standardized X, where the Gaussian reference is
    close to the data and the integral small, plus :math:`\sum_j \log s_j` for the
    scales :math:`s_j` of the standardization.

    ``fit(X)`` trains the denoiser; ``score(X)`` is the estimate in nats on the given
    samples (an estimate, not a bound: not for model selection); ``entropy_`` is the
    estimate on the validation split. Training and scoring are those of
    :class:`MINDEEstimator`.

    Parameters
    ----------
    sigma : float, default=1.0
        Standard deviation of the Gaussian reference, on standardized data.
    {parameters}

    Attributes
    ----------
    entropy_ : float
        Entropy estimate in nats on the validation split.
    model_ : skmist.nn.Denoiser
        The trained denoiser on standardized X.
    history_ : pandas.DataFrame
        Training curve.
    {fitted}

    See Also
    --------
    MINDEEstimator : MI from the same construction.
    skmist.functional.girsanov_kl : the KL integral, for a user's own scores.

    References
    ----------
    G. Franzese, M. Bounoua and P. Michiardi, "MINDE: Mutual Information Neural
    Diffusion Estimation", ICLR 2024 (arXiv:2310.09031).

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import MINDEEntropy
    >>> x = np.random.default_rng(0).normal(size=(2000, 2))  # H = log(2 pi e) = 2.84
    >>> x_test = np.random.default_rng(1).normal(size=(2000, 2))
    >>> est = MINDEEntropy(hidden_dims=(64, 64), max_iter=300, random_state=0).fit(x)
    >>> round(est.score(x_test), 1)
    2.8
    """

    _parameter_constraints = {
        **_DiffusionEstimator._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="neither")],
        # An entropy is not invariant under the quantile map.
        "standardize": ["boolean", StrOptions({"auto"})],
    }
    _parameter_constraints.pop("discrete_target")

    def __init__(
        self,
        *,
        sigma=1.0,
        importance_sampling=True,
        n_time_samples=8,
        hidden_dims=(128, 128),
        activation="silu",
        max_iter=4000,
        batch_size=256,
        learning_rate=2e-3,
        weight_decay=0.0,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize="auto",
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        store_params(self, locals())

    def _initialize(self, x, y):
        check_not_constant(
            x, "X",
            " (in the training rows): the differential entropy of a constant is -inf, "
            "which no estimate approaches (the diffusion's reference gave a finite "
            "value); drop the column",
        )
        with warnings.catch_warnings():
            # The standard deviation of the empty y has no degrees of freedom.
            warnings.filterwarnings("ignore", message="std\\(\\): degrees of freedom")
            super()._initialize(x, y)

    def _build_model(self, x_features, y_features):
        return Denoiser(x_features, x_features, n_times=1,
                        hidden_dims=tuple(self.hidden_dims), activation=self.activation)

    def _noisy_inputs(self, x, y, t, generator):
        alpha, sigma, _ = vp_schedule(t)
        eps = _noise(x.shape, generator, x.device, x.dtype)
        x_t = alpha * x + sigma * eps
        return x_t, t, eps, None, sigma * x_t

    def _draw_terms(self, model, x, y, t, weight, generator):
        alpha, sigma, _ = vp_schedule(t)
        x_t = alpha * x + sigma * _noise(x.shape, generator, x.device, x.dtype)
        reference = gaussian_reference_noise(x_t, alpha, sigma, self.sigma)
        kl = _girsanov_terms(model(x_t, t) + sigma * x_t, reference, weight)
        return _gaussian_cross_entropy_terms(x, self.sigma) - kl

    def _reduce_terms(self, terms):
        # Entropy of the raw data: that of the standardized data plus log |det scale|.
        # The float64 statistics: a scale of 1e-300 is 0 in float32 (log: -inf).
        return terms.mean() + torch.log(self._standardization.x_scale).sum().to(terms.dtype)
