"""The base of every estimator with a trained torch model: :class:`NeuralMIEstimator`
gives fit, partial_fit, score, estimate and score_samples through the one training loop
in :mod:`skmist._training`; its docstring lists the hooks a subclass implements.
"""

import contextvars
import math
import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import sklearn
import torch
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._docstrings import fill_doc
from ._training import train
from .base import (
    SCORE_SAMPLES_SECTIONS, XY_PARAMETERS, MIEstimator, UnreliableEstimateWarning,
    check_dtype_range, resolve_device, resolve_dtype, fingerprint, same_fingerprint,
    user_stacklevel,
)
from .functional._bounds import _influence_mean, _reduce_mean, standard_error

__all__ = ["NeuralMIEstimator", "UnreliableEstimateWarning"]

# Whether fit and score warn where their estimate is unsure. estimate_mi turns it off
# while it fits, and checks the held-out estimate it reports instead: fit's checks of
# its validation split would repeat them with other rows' figures.
CHECK_ESTIMATES = contextvars.ContextVar("CHECK_ESTIMATES", default=True)

# Estimates whose evaluation alone varies by more than this (nats) get a warning; a
# healthy estimate on a thousand rows has a standard error of a few hundredths.
UNRELIABLE_STANDARD_ERROR = 0.25


class _Seeds(NamedTuple):
    """The seeds a fit derives from ``random_state``, one per source of randomness, so
    that changing how one is used leaves the others' draws as they were. Drawn in this
    order (``randint(0, 2**31 - 1, size=4)``); a tuple, so an index still reads them."""

    split: int  # fit's validation split
    init: int  # initial weights, quantile subsampling, data-based initialisations
    batches: int  # minibatch order (and the diffusion's training draws, offset by 2**31)
    evaluation: int  # draws of score, estimate, score_samples and the validation loss


def chunk_rows(bytes_per_row):
    """Rows per chunk so that one chunk fits in scikit-learn's ``working_memory``
    (MiB, set with ``sklearn.config_context``)."""
    budget = sklearn.get_config()["working_memory"] * 2**20
    return max(1, int(budget // max(1, bytes_per_row)))


def store_params(estimator, arguments):
    """Store each ``__init__`` argument unchanged under its own name (scikit-learn's
    convention), from the ``__init__``'s ``locals()``: the signature lists the
    parameters once, and no line of assignments repeats it."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):  # __class__: where __init__ calls super()
            setattr(estimator, name, value)


# numpydoc entries that trained estimators share, as fill_doc sections; each starts on
# its second line, so that it can also be appended to a section written on from
# another entry.
OPTIMISATION_PARAMETERS = """
    max_iter : int, default=4000
        Maximum number of optimisation steps.
    batch_size : int, default=128
        Samples per step; clipped to the number of training samples.
    learning_rate : float, default=1e-3
        AdamW step size.
    weight_decay : float, default=0.0
        AdamW weight decay.
    validation_fraction : float, default=0.2
        Share of the data held out for early stopping and ``mi_``; with fewer than two
        rows to hold out, all rows train and ``mi_`` is the training estimate."""

DEVICE_PARAMETERS = """
    device : str, default="auto"
        Torch device; ``"auto"`` is CUDA when available, else the CPU.
    dtype : {"float32", "float64"}, default="float32"
        Floating point type of the model and data."""


def fitted_attributes(*, y=True):
    """The numpydoc entries of the fitted attributes every trained estimator has, for
    :func:`~skmist._docstrings.fill_doc`; ``y``: with ``y_categories_`` (not for an
    estimator of X alone)."""
    text = """n_iter_ : int
        Optimisation steps taken.
    device_ : torch.device
        Where the model lives.
    n_features_in_ : int
        Number of columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when X is a DataFrame with string column names."""
    if y:
        text += """
    y_categories_ : ndarray or None
        Categories of a categorical y, in one-hot order."""
    return text


def _check_pointwise(estimator):
    """``available_if``'s check of ``score_samples``: an AttributeError saying why an
    estimator has no pointwise MI (scikit-learn chains it to the one it raises)."""
    reason = estimator._pointwise_unavailable()
    if reason is not None:
        raise AttributeError(f"{type(estimator).__name__} has no score_samples: {reason}")
    return True


@fill_doc(optimisation=OPTIMISATION_PARAMETERS, device=DEVICE_PARAMETERS,
          fitted=fitted_attributes())
class NeuralMIEstimator(MIEstimator):
    """Base class of the trained estimators: a torch model, a loss, and an estimate.

    Every trained estimator in skmist (the critics, the densities, the diffusions)
    is a subclass: this class owns validation, standardization, the held-out split,
    the one training loop (minibatches on the device, AdamW, early stopping, the
    history, Ctrl-C), seeding, chunked evaluation, the standard error and the
    warnings, so that ``fit``, ``partial_fit``, ``score``, ``estimate`` and
    ``score_samples`` behave alike everywhere. A subclass says what is trained and
    what is estimated, on standardized tensors:

    * ``_build_model(x_features, y_features)``: the ``torch.nn.Module`` to train,
      built on the CPU under a seeded RNG (moved to the device and dtype here).
    * ``_batch_loss(model, x, y)``: the training objective, a 0-dim tensor that is
      minimised, on a minibatch.
    * ``_evaluation_terms(model, x, y, generator)``: per-row terms ``(n,)`` or
      ``(n, m)`` of the estimate, computed under ``torch.inference_mode`` in chunks
      of rows; ``generator`` is a seeded CPU generator for any draws (negatives,
      noise), so every device draws the same.
    * ``_reduce_terms(terms)`` and ``_influence_terms(terms)``: the estimate from
      the terms, and each row's influence on it for the standard error; the
      defaults are the mean and the terms themselves.
    * the class attribute ``_mi_bound`` (``"lower"``, ``"upper"``, ``"estimate"`` or
      ``"biased"``; see :class:`skmist.base.MITags`), and ``_parameter_constraints``
      extended with the subclass's own parameters.

    Optional hooks: ``_pointwise_terms(model, x, y, generator)`` for
    ``score_samples`` (pointwise MI per row) together with ``_pointwise_unavailable``
    returning ``None``; ``_validation_score`` and ``_validation_name`` for what early
    stopping maximises (default: the estimate); ``_make_scheduler`` for a learning
    rate schedule; ``_on_initialized`` for state kept next to the model.

    A subclass with extra parameters lists all of its parameters in its own
    ``__init__`` (scikit-learn reads them from the signature); one without extra
    parameters inherits this one. See "Writing your own estimator" in the user
    guide for a complete subclass.

    Parameters
    ----------
    {optimisation}
    n_iter_no_change : int or None, default=300
        Stop when the smoothed held-out validation score has not improved by more
        than ``tol`` for this many steps, and keep the weights of its best step;
        ``None`` trains ``max_iter`` steps.
    tol : float, default=0.0
        Improvement of the smoothed validation score that resets the patience.
    standardize : bool, "quantile" or "auto", default="auto"
        True centres and scales X and y with training statistics; ``"quantile"``
        maps each column through its training CDF to normal scores instead.
        ``"auto"`` is the class attribute ``_auto_standardize`` (True here), the
        choice measured best for each estimator.
    discrete_target : bool or "auto", default="auto"
        Treat y as categorical (one-hot). ``"auto"`` does so for strings, booleans
        and categoricals.
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, the initial weights, the batches and the draws
        of the evaluation, each from its own seed. The global torch RNG is left as it
        was.
    verbose : bool, default=False
        Show a progress bar during fit.

    Attributes
    ----------
    mi_ : float
        MI estimate in nats on the validation split (``_estimate_name`` names
        another attribute for an estimator of something else, e.g. ``entropy_``).
    model_ : torch.nn.Module
        The trained model, on standardized inputs.
    history_ : pandas.DataFrame
        Training curve: iteration, loss and the validation score.
    {fitted}

    See Also
    --------
    SMILEEstimator, DoEEstimator, MINDEEstimator : subclasses of each family.
    """

    _parameter_constraints = {
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean", StrOptions({"quantile", "auto"})],
        "discrete_target": ["boolean", StrOptions({"auto"})],
        "device": [str],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the model and estimate MI on a held-out validation split.

        Parameters
        ----------
        X : array-like, DataFrame or torch.Tensor of shape (n_samples, n_features_x)
        y : array-like, DataFrame or torch.Tensor of shape (n_samples,) or \
                (n_samples, n_features_y)
            Strings, booleans and pandas categoricals (or any y with
            ``discrete_target=True``) are one-hot encoded.

        Returns
        -------
        self : object
            The fitted estimator; ``mi_`` holds the estimate in nats on the
            validation split.

        Notes
        -----
        An interrupted fit (``KeyboardInterrupt``, Ctrl-C or a notebook's interrupt)
        keeps the best weights found so far (as early stopping would), with ``mi_``,
        ``history_`` and ``n_iter_`` for them, warns with a ``ConvergenceWarning``,
        and re-raises the interrupt, so that a script or a grid search still stops.
        ``est = SMILEEstimator(); est.fit(X, y)`` keeps the estimator usable after
        the interrupt; in ``est = SMILEEstimator().fit(X, y)`` the assignment never
        happens.
        """
        x, y = self._prepare(X, y, reset=True)
        self._training_rows = fingerprint(x, y)
        n = x.shape[0]
        n_val = int(math.floor(self.validation_fraction * n))
        if n_val < 2 or n - n_val < 2:
            n_val = 0  # too few rows to hold any out: train and estimate on all of them
            if self.validation_fraction > 0:
                warnings.warn(
                    f"{type(self).__name__}: {n} samples are too few to hold out a "
                    f"validation split, so {self._estimate_name} is computed on the rows "
                    "the model was trained on, where it overfits: the value is "
                    "meaningless. A trained estimator needs hundreds of samples; with "
                    "fewer, use KSGEstimator.",
                    UnreliableEstimateWarning,
                    stacklevel=user_stacklevel(),
                )
        split = torch.randperm(n, generator=self._cpu_generator("split")).to(self.device_)
        train_rows, val_rows = split[n_val:], split[:n_val]
        self._initialize(x[train_rows], y[train_rows])
        x, y = self._standardize(x, y)
        x_train, y_train = x[train_rows], y[train_rows]
        if n_val:
            x_val, y_val = x[val_rows], y[val_rows]

            def validate():
                return self._validation_score(x_val, y_val).item()
        else:
            x_val, y_val, validate = x_train, y_train, None
        result = self._train(x_train, y_train, self.max_iter, validate, self.n_iter_no_change)
        self.n_iter_ = result.n_iter
        self.history_ = result.history()
        setattr(self, self._estimate_name, self._checked_estimate(x_val, y_val))
        self._reraise_interrupt(result, "fit", stacklevel=4)
        return self

    @fill_doc(xy=XY_PARAMETERS)
    def partial_fit(self, X, y, classes=None):
        """Continue training for one pass over ``(X, y)``, e.g. a batch of a DataLoader.

        The first call initialises the model and takes its standardization from that
        batch. No data is held out: ``mi_`` is the estimate on the batch just seen. An
        interrupt is handled as in :meth:`fit`.

        Parameters
        ----------
        {xy}
        classes : array-like of shape (n_classes,), default=None
            Every class y can take, for class labels that one batch may not show all
            of (as scikit-learn's classifiers take it): read on the first call, which
            it makes y categorical (``discrete_target=False`` refuses it); later calls
            may repeat it. Without it the first batch's labels are the classes.

        Returns
        -------
        self : object
        """
        first_call = not hasattr(self, "model_")
        if first_call:
            self._validate_params()
        elif classes is not None:
            given, known = np.unique(np.asarray(classes)), self.y_categories_
            if known is None:
                raise ValueError("classes is given, but the first partial_fit call took y "
                                 "as continuous")
            if not np.array_equal(given, known):
                raise ValueError(f"classes={given.tolist()} differs from the classes of "
                                 f"the first partial_fit call, {known.tolist()}")
        x, y = self._prepare(X, y, reset=first_call, classes=classes)
        if first_call:
            self._initialize(x, y)
        else:
            self._update_statistics(x, y)
        self._training_rows = fingerprint(x, y)
        x, y = self._standardize(x, y)
        steps = max(1, math.ceil(x.shape[0] / min(self.batch_size, x.shape[0])))
        result = self._train(x, y, steps, None, None, start_iter=self.n_iter_)
        self.n_iter_ += result.n_iter
        self.history_ = result.history(self.history_)
        setattr(self, self._estimate_name, self._checked_estimate(x, y))
        self._reraise_interrupt(result, "partial_fit", stacklevel=3)
        return self

    @fill_doc(xy=XY_PARAMETERS)
    def score(self, X, y):
        """MI estimate in nats on ``(X, y)`` with the fitted model.

        Computed in chunks that fit scikit-learn's ``working_memory``; the value does
        not depend on the chunk size. Repeated calls give the same value.

        Score held-out rows: on the rows the model was trained on, a trained
        estimator overfits and overestimates (MINE on scikit-learn's diabetes data,
        ``train_test_split(random_state=0)``: 0.39 nats on its training rows, 0.20
        held out), so passing ``fit``'s own ``(X, y)`` warns with an
        :class:`UnreliableEstimateWarning`. ``mi_`` is already the estimate on
        ``fit``'s held-out validation split.

        Parameters
        ----------
        {xy}

        Returns
        -------
        float
            The estimate in nats.
        """
        return self._checked_estimate(*self._fitted_inputs(X, y, stacklevel=2))

    def _estimate_with_std(self, X, y, *, return_std, random_state):
        terms = self._sample_terms(X, y, stacklevel=user_stacklevel())
        value = self._reduce_terms(terms).item()
        if not return_std:
            return value
        return value, standard_error(terms, self._influence_terms).item()

    @available_if(_check_pointwise)
    @fill_doc(sections=SCORE_SAMPLES_SECTIONS)
    def score_samples(self, X, y):
        """Pointwise MI in nats, ``log p(x, y) / (p(x) p(y))``, of each row of ``(X, y)``.

        One value per row from the fitted model (higher: more dependent), e.g. a "PMI
        profile" (its distribution) or the rows to look at first. What the value is,
        and how its mean relates to :meth:`score`, is stated in each estimator's
        docstring. Estimators without a per-sample estimate
        of PMI have no ``score_samples`` (``hasattr`` is False). Critics that compare
        a row with negatives draw them as :meth:`score` does, so the values depend on
        the other rows passed, and repeated calls give the same values. As for
        :meth:`score`, the rows the model was trained on warn.

        {sections}
        """
        x, y = self._fitted_inputs(X, y, stacklevel=2)
        with torch.inference_mode():
            generator = self._cpu_generator("evaluation")
            values = self._pointwise_terms(self.model_, x, y, generator)
        return values.to("cpu", torch.float64).numpy()

    def _pointwise_unavailable(self):
        """Why this estimator has no ``score_samples``; ``None`` where it has one."""
        return ("its per-sample terms are not estimates of the pointwise MI "
                "log p(x, y) / (p(x) p(y))")

    def _sample_terms(self, X, y, stacklevel=2):
        """Per-sample terms of the estimate on raw ``(X, y)``, with the fitted model."""
        return self._terms_on(*self._fitted_inputs(X, y, stacklevel=stacklevel + 1))

    def _fitted_inputs(self, X, y, stacklevel=2):
        """Raw ``(X, y)`` validated and standardized as the fitted model takes them,
        with a warning when they are the rows it was trained on. ``stacklevel``: the
        user's frame, counted from the caller (2: the caller's caller)."""
        check_is_fitted(self, "model_")
        x, y = self._prepare(X, y, reset=False)
        if same_fingerprint(fingerprint(x, y), getattr(self, "_training_rows", None)):
            warnings.warn(
                f"{type(self).__name__}: these are the rows the model was trained on, "
                f"where a trained estimator overfits, so its estimate is biased upwards. "
                "Score held-out rows (e.g. from sklearn.model_selection.train_test_split), "
                f"or read {self._estimate_name}, the estimate on fit's validation split.",
                UnreliableEstimateWarning,
                stacklevel=stacklevel + 1,
            )
        return self._standardize(x, y)

    # --- shared steps -----------------------------------------------------------------

    def _prepare(self, X, y, *, reset, classes=None):
        """Validated raw ``(x, y)`` tensors on the device, in float64 (see
        ``_standardize``), checked to fit in the model's dtype; ``classes``: those of a
        categorical y (``partial_fit``'s)."""
        X, y = self._validate_xy(X, y, reset=reset, classes=classes)
        if reset:
            self.device_ = resolve_device(self.device)
            seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=4)
            self._seeds = _Seeds(*(int(s) for s in seeds))
        x, y = self._as_tensors(X, y, self.device_, _raw_dtype(self.device_))
        check_dtype_range(x, "X", self.dtype)
        check_dtype_range(y, "y", self.dtype)
        return x, y

    def _seed(self, slot):
        """The seed named ``slot``, a field of ``_Seeds``."""
        return getattr(self._seeds, slot)

    def _cpu_generator(self, slot):
        return torch.Generator().manual_seed(self._seed(slot))

    def _device_generator(self, slot, offset=0):
        return torch.Generator(device=self.device_).manual_seed(self._seed(slot) + offset)

    def _update_statistics(self, x, y):
        """What a later ``partial_fit`` batch adds to the statistics that
        ``_initialize`` took from the first (BA's class counts); nothing by default:
        the standardization stays that of the first batch."""

    def _initialize(self, x, y):
        """Standardization statistics, the model and its optimizer."""
        one_hot = self.y_categories_ is not None
        standardize = self._resolved_standardize()
        quantile = standardize == "quantile"
        statistics = _Standardization(
            _quantiles(x, self._seeds.init) if quantile else None,
            # After the quantile map each column is already standard normal.
            *_location_scale(x, standardize is True),
            _quantiles(y, self._seeds.init) if quantile and not one_hot else None,
            *_location_scale(y, standardize is True and not one_hot),
        )
        # Computed and applied in float64 (_standardize); the public attributes, which
        # critic_ uses on raw inputs, are in the model's dtype.
        self._standardization = statistics
        dtype = resolve_dtype(self.dtype)
        for name in ("x_quantiles", "x_loc", "x_scale", "y_quantiles", "y_loc", "y_scale"):
            value = getattr(statistics, name)
            setattr(self, f"{name}_", None if value is None else value.to(dtype))
        # Build on the CPU under a forked global RNG seeded from random_state: the same
        # seed gives the same initial weights on every device, and the user's global
        # RNG is left as it was.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self._seeds.init)
            model = self._build_model(x.shape[1], y.shape[1])
        self.model_ = model.to(device=self.device_, dtype=resolve_dtype(self.dtype))
        self._optimizer = self._make_optimizer()
        self.n_iter_ = 0
        self.history_ = None
        self._on_initialized()

    # What standardize="auto" means: the map measured best for the estimator. A class
    # changes it here, so that the public default ("auto") stays as it improves.
    _auto_standardize = True

    def _resolved_standardize(self):
        """``standardize``, with ``"auto"`` resolved to the class's choice."""
        return self._auto_standardize if self.standardize == "auto" else self.standardize

    def _make_optimizer(self):
        # The fused kernel updates all parameters in one call: on small critics the
        # per-parameter Python loop of plain AdamW costs more than the forward pass.
        return torch.optim.AdamW(
            self.model_.parameters(), lr=self.learning_rate,
            weight_decay=self.weight_decay, fused=True,
        )

    def _standardize(self, x, y):
        """Raw ``(x, y)`` from ``_prepare`` as the model takes them: standardized in
        float64, then cast to the model's dtype. Casting first would collapse a large
        common offset (Unix times, 1.6e9: float32 steps of 128) to a constant."""
        x, y = self._standardization(x, y)
        dtype = resolve_dtype(self.dtype)
        return x.to(dtype), y.to(dtype)

    def _train(self, x, y, max_iter, validate, n_iter_no_change, start_iter=0):
        if not hasattr(self, "_optimizer"):  # unpickled: optimizer state is not kept
            self._optimizer = self._make_optimizer()
        batch_size = min(self.batch_size, x.shape[0])
        model = self.model_

        def loss(index):
            return self._batch_loss(model, x[index], y[index])

        scheduler = self._make_scheduler(max_iter)
        result = train(
            model,
            loss,
            x.shape[0],
            optimizer=self._optimizer,
            scheduler=scheduler,
            max_iter=max_iter,
            batch_size=batch_size,
            generator=self._device_generator("batches", offset=start_iter),
            validate=validate,
            n_iter_no_change=math.inf if n_iter_no_change is None else n_iter_no_change,
            tol=self.tol,
            start_iter=start_iter,
            verbose=self.verbose,
            description=type(self).__name__,
            validation_name=self._validation_name,
            divergence_advice=self._divergence_advice(),
        )
        if scheduler is not None:
            # A schedule belongs to one call: the next (partial_fit) starts afresh.
            for group in self._optimizer.param_groups:
                group["lr"] = self.learning_rate
        return result

    def _make_scheduler(self, max_iter):
        """Learning-rate schedule of a call to ``_train``; ``None``: constant."""
        return None

    def _quantile_available(self):
        """Whether ``standardize="quantile"`` is an option for this fit."""
        return any(isinstance(c, StrOptions) and "quantile" in c.options
                   for c in self._parameter_constraints.get("standardize", []))

    def _divergence_advice(self):
        """What helps when training diverges, in the order to try it."""
        remedies = []
        if self._quantile_available() and self._resolved_standardize() != "quantile":
            # Measured on lognormal data: NWJ, JS, FLO and TUBA diverge at any
            # learning rate, and train with the quantile map.
            remedies.append(
                "for heavy-tailed or skewed data (lognormal, Cauchy, counts), "
                "standardize='quantile', which maps each column to a normal"
            )
        if hasattr(self, "critic_") and type(self).__name__ not in (
                "SMILEEstimator", "InfoNCEEstimator"):
            remedies.append(
                "a bound with lower variance (SMILEEstimator or InfoNCEEstimator)"
            )
        remedies.append(f"a lower learning_rate (now {self.learning_rate:g})")
        return "what helps: " + "; or ".join(remedies)

    def _reraise_interrupt(self, result, method, stacklevel):
        """After an interrupted ``fit``/``partial_fit`` has made its state consistent:
        say what it kept, and re-raise the interrupt."""
        if result.interrupt is None:
            return
        warnings.warn(
            f"{type(self).__name__}.{method} was interrupted after {result.n_iter} "
            f"iterations; the estimator keeps the best weights found so far, with "
            f"{self._estimate_name}={getattr(self, self._estimate_name):.4g} nats, history_ and "
            f"n_iter_={self.n_iter_} for them.",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )
        raise result.interrupt

    def _terms_on(self, x, y):
        with torch.inference_mode():
            generator = self._cpu_generator("evaluation")
            return self._evaluation_terms(self.model_, x, y, generator)

    def _estimate(self, x, y):
        return self._reduce_terms(self._terms_on(x, y))

    # The fitted attribute that fit and partial_fit store the estimate in (an entropy
    # estimator's is entropy_), as messages name it.
    _estimate_name = "mi_"

    # What early stopping maximises on the validation split, and its name in
    # ``history_``: the MI estimate, unless a subclass trains for something else (the
    # density estimators: a held-out log-likelihood).
    _validation_name = "validation_mi"

    def _validation_score(self, x, y):
        return self._estimate(x, y)

    def _checked_estimate(self, x, y):
        """The estimate as a float, with a warning when a few rows dominate it."""
        terms = self._terms_on(x, y)
        value = self._reduce_terms(terms).item()
        if not CHECK_ESTIMATES.get():
            return value
        error = standard_error(terms, self._influence_terms).item()
        if not error <= UNRELIABLE_STANDARD_ERROR:
            warnings.warn(
                f"{type(self).__name__}: the estimate {value:.4g} nats has a standard "
                f"error of {error:.3g} over the {x.shape[0]} samples it was computed "
                "on; treat it as unreliable. Either there are too few samples, or a few "
                "pairs dominate it, as happens to NWJ-type bounds (exp of the critic) at "
                "high MI, where SMILEEstimator and InfoNCEEstimator are stable.",
                UnreliableEstimateWarning,
                stacklevel=user_stacklevel(),
            )
        for caveat in self._estimate_caveats(x, y, value):
            warnings.warn(caveat, UnreliableEstimateWarning, stacklevel=user_stacklevel())
        return value

    def _estimate_caveats(self, x, y, value):
        """Messages that ``value``, the estimate on standardized ``(x, y)``, is unsure,
        warned with it by ``fit`` and ``score``; none unless an estimator checks more."""
        return []

    def _on_initialized(self):
        """Hook for per-fit state a subclass keeps next to its model."""

    # The estimate of a mean of per-row terms, and each row's influence on it.
    _reduce_terms = staticmethod(_reduce_mean)
    _influence_terms = staticmethod(_influence_mean)


def _raw_dtype(device):
    # MPS has no float64; there data is standardized in float32.
    return torch.float32 if device.type == "mps" else torch.float64


class _Standardization(torch.nn.Module):
    """The map from raw ``(x, y)`` to the model's inputs: each column through its
    training quantiles (``None``: not), minus its location, over its scale."""

    def __init__(self, x_quantiles, x_loc, x_scale, y_quantiles, y_loc, y_scale):
        super().__init__()
        for name, value in [("x_quantiles", x_quantiles), ("x_loc", x_loc),
                            ("x_scale", x_scale), ("y_quantiles", y_quantiles),
                            ("y_loc", y_loc), ("y_scale", y_scale)]:
            self.register_buffer(name, value)

    def forward(self, x, y):
        x = (normal_scores(x, self.x_quantiles) - self.x_loc) / self.x_scale
        y = (normal_scores(y, self.y_quantiles) - self.y_loc) / self.y_scale
        return x, y


def _quantiles(t, seed):
    """Training quantiles ``(n_quantiles, d)`` of each column, from scikit-learn's
    QuantileTransformer, on the device of ``t``."""
    from sklearn.preprocessing import QuantileTransformer

    values = t.detach().cpu().double().numpy()
    transformer = QuantileTransformer(
        n_quantiles=min(1000, values.shape[0]), subsample=100_000, random_state=seed
    ).fit(values)
    return torch.as_tensor(transformer.quantiles_, dtype=t.dtype, device=t.device)


def normal_scores(t, quantiles):
    r"""Each column of ``t (..., d)`` through its training CDF (piecewise linear
    between ``quantiles (m, d)``) and the standard normal quantile function;
    ``quantiles=None`` returns ``t``. Leading dimensions are rows, so a critic on raw
    inputs broadcasts (``critic_(x[:, None], y[None])``) as it does standardized.

    MI is invariant under an invertible map of each coordinate, so this marginal
    ("copula") transform leaves it unchanged while it removes heavy tails and skew,
    which destabilise critics and diffusions (a Cauchy column puts single samples 1000
    standard deviations out). scikit-learn's ``QuantileTransformer(
    output_distribution="normal")`` in torch, on any device and differentiable in
    ``t`` (for a critic reused inside a loss); equal to it on continuous columns. A
    value tied with several quantiles (a discrete column) goes to the middle of their
    levels, where scikit-learn sends the smallest and largest values to +-5.2.
    """
    if quantiles is None:
        return t
    m = quantiles.shape[0]
    if m < 2:
        return torch.zeros_like(t)
    if t.ndim != 2:
        return normal_scores(t.reshape(-1, t.shape[-1]), quantiles).reshape(t.shape)
    columns, values = quantiles.T.contiguous(), t.T.contiguous()
    levels = []
    # Searching from the left and from the right and averaging, as scikit-learn does,
    # puts a value equal to repeated quantiles (a tie, a discrete column) mid-way.
    for right in (False, True):
        upper = torch.searchsorted(columns, values, right=right).clamp(1, m - 1)
        low = columns.gather(1, upper - 1)
        high = columns.gather(1, upper)
        width = high - low
        fraction = torch.where(width > 0, (values - low) / torch.where(width > 0, width, 1),
                               0.5).clamp(0, 1)
        levels.append((upper - 1 + fraction) / (m - 1))
    level = (0.5 * (levels[0] + levels[1])).clamp(1e-7, 1 - 1e-7)  # as scikit-learn clips
    return torch.special.ndtri(level).T


def _location_scale(t, standardize):
    if not standardize:
        return torch.zeros_like(t[0]), torch.ones_like(t[0])
    # In units of each column's largest magnitude: the sum of values near the top of
    # the dtype's range (1e300 in float64) or of their squares would overflow.
    size = t.abs().amax(0)
    size = torch.where(size > 0, size, torch.ones_like(size))
    unit = t / size
    loc = unit.mean(0)
    scale = unit.std(0, correction=0)
    # Constant columns carry no information; leave them unscaled rather than divide by 0.
    return loc * size, torch.where(scale > 0, scale * size, torch.ones_like(scale))
