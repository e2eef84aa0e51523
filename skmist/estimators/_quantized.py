"""Quantized estimators: MI of codes, from codebooks fitted to the data.

A codebook maps each row to its nearest code vector: equal-width bins per column
(``"uniform"``: the grid of bin centres), k-means centres (``"kmeans"``), or, for
:class:`PQEstimator`, centres trained by the one loop together with the classifier
(``"learned"``). Codes lose information (the data processing inequality), so the MI of
the codes is at most the MI of the data. :class:`ClassifierEstimator` and
:class:`RegressorEstimator` bound MI from a scikit-learn model's held-out predictions of
y's codes or of its normal scores.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context, clone
from sklearn.cluster import KMeans
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .._docstrings import fill_doc
from .._neural import (
    DEVICE_PARAMETERS,
    OPTIMISATION_PARAMETERS,
    XY_PARAMETERS,
    UNRELIABLE_STANDARD_ERROR,
    NeuralMIEstimator,
    UnreliableEstimateWarning,
    _check_pointwise,
    _location_scale,
    _quantiles,
    chunk_rows,
    fitted_attributes,
    normal_scores,
    store_params,
)
from ..base import (
    SCORE_SAMPLES_SECTIONS,
    MIEstimator,
    fingerprint,
    resolve_device,
    same_fingerprint,
    user_stacklevel,
)
from ..functional._bounds import standard_error
from ..functional._histogram import (
    _chance_mi,
    _entropy_of_counts,
    _log_frequencies,
    _plugin_pointwise,
    discrete_mi,
)
from ..nn import CategoricalDensity

__all__ = ["BinnedEstimator", "ClassifierEstimator", "PQEstimator", "RegressorEstimator"]

QUANTIZATIONS = ("kmeans", "uniform")
# A uniform grid has n_bins ** n_features codes; beyond this, use k-means.
MAX_UNIFORM_CODES = 4096

# A plug-in estimate warns when its expected value on independent data (its bias at
# MI = 0) exceeds this many nats and a quarter of the estimate itself. Measured on
# Gaussians, BinnedEstimator's 32 codes: +2.8 nats at n = 50 and +1.1 at n = 300 on
# independent data, +0.24 at n = 2000, +0.05 at n = 10000.
PLUGIN_BIAS_TOLERANCE = 0.05


# The attributes every estimator sets from its training data, and the device entry,
# shared by the docstrings of this module's, the nonparametric and the conditional
# estimators (see skmist._docstrings).
_DATA_ATTRIBUTES = """
    n_features_in_ : int
        Number of columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when X is a DataFrame with string column names.
    y_categories_ : ndarray or None
        Categories of a categorical y.
"""


# fit's Parameters and Returns, the same for every estimator fitted on (X, y) alone.
FIT_PARAMETERS = """
    Parameters
    ----------
    X : array-like, DataFrame or torch.Tensor of shape (n_samples, n_features_x)
    y : array-like, DataFrame or torch.Tensor of shape (n_samples,) or \
            (n_samples, n_features_y)

    Returns
    -------
    self : object
"""


def _device_parameter(default):
    """The ``device`` entry: every estimator takes the same values, and only the
    default differs (where the computation runs unless told)."""
    return f"""
    device : str, default="{default}"
        Torch device of the computation: "cpu", "cuda", "cuda:<index>", or "auto" for
        CUDA when available, else the CPU."""


def _warn_if_plugin_biased(estimator, value, codes_x, codes_y, parameter,
                           features=1, stacklevel=2):
    """Warn when the cells of ``codes_x`` and ``codes_y`` are too many for their
    samples: the plug-in's bias on independent data rivals ``value``.

    ``parameter`` names the estimator's bin count and ``features`` the columns that
    share it (a grid of ``bins ** features`` cells), for the advice; ``stacklevel``
    is ``warnings.warn``'s, counted from this function.
    """
    chance, m_x, m_y = _chance_mi(codes_x, codes_y)
    n = codes_x.shape[0]
    # (m - 1)^2 / 2n <= tolerance for m cells per variable.
    cells = 1 + math.sqrt(2 * n * PLUGIN_BIAS_TOLERANCE)
    advice = max(2, int(cells ** (1.0 / features)))
    _warn_if_bias_rivals(
        estimator, value, chance,
        source=f"{m_x} x {m_y} occupied bins from {n} samples",
        formula="the chi-square mean (m_x - 1)(m_y - 1) / 2n, at most log min(m_x, m_y)",
        remedy=(
            "too many bins for the samples, so the value is mostly bias. Use fewer bins "
            f"({parameter}={advice} keeps that bias near 0.05 nats here) or more samples, "
            "or KSGEstimator."
        ),
        stacklevel=stacklevel + 1,
    )


def _warn_if_bias_rivals(estimator, value, bias, source, formula, remedy, stacklevel=2):
    """Warn when a plug-in estimate's ``bias`` on independent data exceeds
    PLUGIN_BIAS_TOLERANCE and a quarter of ``value``: the value is then mostly bias.

    ``source`` says what the plug-in is computed over, ``formula`` where ``bias``
    comes from and ``remedy`` what helps; ``stacklevel`` is ``warnings.warn``'s,
    counted from this function.
    """
    if not (bias > PLUGIN_BIAS_TOLERANCE and bias > 0.25 * value):
        return
    warnings.warn(
        f"{estimator}: the estimate {value:.4g} nats is a plug-in over {source}, whose "
        f"bias on independent data is about {bias:.3g} nats ({formula}): {remedy}",
        UnreliableEstimateWarning,
        stacklevel=stacklevel,
    )


def _float64(a, device):
    """Validated data as a float64 tensor on ``device``."""
    t = a if isinstance(a, torch.Tensor) else torch.as_tensor(np.array(a, dtype=np.float64))
    return t.to(device=device, dtype=torch.float64)


class _TensorData:
    """``_tensors`` of the estimators that compute on the data as given, on
    ``device_``: BinnedEstimator and the nonparametric ones; and their
    ``score_samples``, recomputed on the data given from ``_pointwise(X, y)``."""

    @available_if(_check_pointwise)
    @fill_doc(sections=SCORE_SAMPLES_SECTIONS)
    def score_samples(self, X, y):
        """Pointwise MI in nats, ``log p(x, y) / (p(x) p(y))``, of each row of ``(X, y)``.

        Recomputed on the data given, as :meth:`score` is. What each value is, and how
        their mean relates to :meth:`score`, is stated in the estimator's docstring.
        Estimators without a per-sample estimate of PMI have no ``score_samples``
        (``hasattr`` is False).

        {sections}
        """
        check_is_fitted(self, "mi_")
        X, y = self._validate_xy(X, y, reset=False)
        with torch.inference_mode():
            return self._pointwise(X, y).to("cpu", torch.float64).numpy()

    def _pointwise_unavailable(self):
        """Why this estimator has no ``score_samples``; ``None`` where ``_pointwise(X,
        y)`` gives its per-row terms."""
        return "its estimate has no per-sample terms that estimate the pointwise MI"

    def _tensors(self, X, y):
        """Validated X as a float64 tensor; y too, 2-D, or the codes of a categorical y."""
        x = _float64(X, self.device_)
        if self.y_categories_ is not None:
            return x, torch.as_tensor(np.asarray(y), device=self.device_)
        return x, _float64(y, self.device_).reshape(len(y), -1)


class _Codebook(nn.Module):
    """Nearest-centre quantization ``(n, d) -> (n,)`` codes, and its soft version."""

    def __init__(self, n_codes, features, learned=False):
        super().__init__()
        centres = torch.zeros(n_codes, features)
        if learned:
            self.centres = nn.Parameter(centres)
        else:
            self.register_buffer("centres", centres)

    @property
    def n_codes(self):
        return self.centres.shape[0]

    def _squared_distances(self, t):
        c = self.centres
        return (t.square().sum(-1, keepdim=True) - 2.0 * t @ c.T + c.square().sum(-1))

    def codes(self, t):
        step = chunk_rows(8 * self.n_codes * t.element_size())
        return torch.cat([
            self._squared_distances(t[i : i + step]).argmin(-1)
            for i in range(0, t.shape[0], step)
        ])

    def soft(self, t, temperature):
        """Soft assignments ``(n, n_codes)``: softmax of minus squared distances over
        ``temperature`` (in squared units of the standardized data)."""
        return torch.softmax(-self._squared_distances(t) / temperature, dim=-1)


def _fit_centres(t, n_bins, quantization, seed):
    """Code vectors ``(m, d)`` for the rows of ``t`` (standardized, on any device)."""
    d = t.shape[1]
    if quantization == "uniform":
        n_codes = n_bins**d
        if n_codes > MAX_UNIFORM_CODES:
            raise ValueError(
                f"quantization='uniform' with n_bins={n_bins} on {d} features makes "
                f"{n_codes} codes (n_bins ** n_features), more than {MAX_UNIFORM_CODES}; "
                "use quantization='kmeans', whose n_bins is the number of codes"
            )
        lo, hi = t.min(0).values, t.max(0).values
        width = torch.where(hi > lo, (hi - lo) / n_bins, torch.ones_like(hi))
        axes = [lo[j] + width[j] * (torch.arange(n_bins, device=t.device, dtype=t.dtype) + 0.5)
                for j in range(d)]
        return torch.cartesian_prod(*axes).reshape(-1, d)
    data = t.detach().cpu().numpy().astype(np.float64)
    n_distinct = len(np.unique(data, axis=0))
    kmeans = KMeans(n_clusters=min(n_bins, n_distinct), n_init=1, random_state=seed)
    centres = kmeans.fit(data).cluster_centers_
    return torch.as_tensor(centres, dtype=t.dtype, device=t.device)


def _codebook_for(t, n_bins, quantization, seed, learned=False):
    centres = _fit_centres(t, n_bins, quantization, seed)
    codebook = _Codebook(centres.shape[0], t.shape[1], learned=learned).to(t.device, t.dtype)
    with torch.no_grad():
        codebook.centres.copy_(centres)
    return codebook


# --- Binned --------------------------------------------------------------------------


@fill_doc(device=_device_parameter("auto"), data_attributes=_DATA_ATTRIBUTES)
class BinnedEstimator(_TensorData, MIEstimator):
    """Plug-in MI of codes: quantize X and y with codebooks fitted on the training
    data, then the discrete MI of the codes.

    ``fit`` standardizes X and y and fits a codebook to each, k-means centres
    (vector quantization, any dimension) or a uniform grid of equal-width bins; a
    categorical y keeps its categories as codes. ``score`` quantizes the given samples
    with those codebooks and returns the plug-in MI of their codes
    (:func:`skmist.functional.discrete_mi`). Quantization loses information, which
    biases the estimate down (more for fewer codes); the plug-in is biased up by
    about ``(m_xy - m_x - m_y + 1) / 2n`` for ``m`` occupied codes (more for more
    codes), which ``correction="miller-madow"`` removes to first order. Not a bound,
    and nothing is trained, so GridSearchCV over ``n_bins`` by score picks the bias it
    likes best. ``score_samples`` is each row's term of that plug-in, the log ratio of
    its codes' frequencies; its mean is ``score``.

    Parameters
    ----------
    n_bins : int, default=32
        Codes per variable for ``"kmeans"`` (fewer when there are fewer distinct
        rows); bins per column for ``"uniform"``, so ``n_bins ** n_features`` codes
        (at most 4096).
    quantization : {"kmeans", "uniform"}, default="kmeans"
        How the codebooks are fitted.
    correction : {None, "miller-madow"}, default=None
        First-order bias correction of the plug-in.
    standardize : bool, default=True
        Scale each column to unit variance before quantizing, so that k-means weighs
        the columns alike.
    discrete_target : bool or "auto", default="auto"
        Treat y as categorical (its categories are its codes). ``"auto"`` does so for
        strings, booleans and categoricals.
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds k-means.

    Attributes
    ----------
    mi_ : float
        Plug-in MI in nats of the training data's codes.
    codebook_x_, codebook_y_ : torch.nn.Module
        The codebooks, on standardized data (``codebook_y_`` is None for a
        categorical y); ``centres`` holds the code vectors.
    device_ : torch.device
        Where the quantization runs.
    {data_attributes}

    See Also
    --------
    skmist.HistogramEstimator : equal-width bins recomputed on each data set.
    PQEstimator : quantize y only and model x with a classifier.

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), "Estimating mutual information", Phys.
    Rev. E 69, 066138 (binning as the baseline); Federici, Ruhe & Forré (2023), "On the
    effectiveness of hybrid mutual information estimation", arXiv:2306.00608.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import BinnedEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(5000, 1))
    >>> y = x + rng.normal(size=(5000, 1))  # MI = 0.35 nats
    >>> est = BinnedEstimator(n_bins=16, random_state=0).fit(x, y)
    >>> 0.25 < est.score(x, y) < 0.45
    True
    """

    _mi_bound = "estimate"
    _parameter_constraints = {
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "quantization": [StrOptions(set(QUANTIZATIONS))],
        "correction": [StrOptions({"miller-madow"}), None],
        "standardize": ["boolean"],
        "discrete_target": ["boolean", StrOptions({"auto"})],
        "device": [str],
        "random_state": ["random_state"],
    }

    def __init__(self, *, n_bins=32, quantization="kmeans", correction=None,
                 standardize=True, discrete_target="auto", device="auto",
                 random_state=None):
        store_params(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc(fit=FIT_PARAMETERS)
    def fit(self, X, y):
        """Fit the codebooks; ``mi_`` is the plug-in MI of the training codes.

        {fit}
        """
        X, y = self._validate_xy(X, y, reset=True)
        self.device_ = resolve_device(self.device)
        x, y = self._tensors(X, y)
        seed = check_random_state(self.random_state).randint(0, 2**31 - 1)
        self.x_loc_, self.x_scale_ = _location_scale(x, self.standardize)
        self.codebook_x_ = _codebook_for(
            (x - self.x_loc_) / self.x_scale_, self.n_bins, self.quantization, seed
        )
        if self.y_categories_ is None:
            self.y_loc_, self.y_scale_ = _location_scale(y, self.standardize)
            self.codebook_y_ = _codebook_for(
                (y - self.y_loc_) / self.y_scale_, self.n_bins, self.quantization, seed + 1
            )
        else:
            self.codebook_y_ = None
        self.mi_ = self._estimate(x, y, stacklevel=4)
        return self

    @fill_doc(xy=XY_PARAMETERS)
    def score(self, X, y):
        """Plug-in MI in nats of the codes of ``(X, y)``.

        Parameters
        ----------
        {xy}

        Returns
        -------
        float
        """
        return self._estimate_with_std(X, y, return_std=False, random_state=None)

    def _estimate_with_std(self, X, y, *, return_std, random_state):
        check_is_fitted(self, "codebook_x_")
        X, y = self._validate_xy(X, y, reset=False)
        value = self._estimate(*self._tensors(X, y), stacklevel=user_stacklevel() + 1)
        if not return_std:
            return value
        return value, float(standard_error(self._pointwise(X, y)))

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        # The log ratio of each row's codes' frequencies among the given rows, plus the
        # Miller-Madow correction (a constant) where set: their mean is score.
        codes = [torch.unique(c.reshape(len(c), -1), dim=0, return_inverse=True)[1]
                 for c in self._codes(*self._tensors(X, y))]
        return _plugin_pointwise(*codes, self.correction)

    def _codes(self, x, y):
        codes_x = self.codebook_x_.codes((x - self.x_loc_) / self.x_scale_)
        if self.codebook_y_ is None:
            return codes_x, y
        return codes_x, self.codebook_y_.codes((y - self.y_loc_) / self.y_scale_)

    def _estimate(self, x, y, stacklevel):
        """The plug-in MI of the codes, with a warning when its bias rivals it;
        ``stacklevel`` counts from the caller."""
        codes_x, codes_y = self._codes(x, y)
        value = float(discrete_mi(codes_x, codes_y, correction=self.correction))
        features = max(x.shape[1], y.reshape(len(y), -1).shape[1])
        _warn_if_plugin_biased(
            type(self).__name__, value, codes_x, codes_y, "n_bins",
            features if self.quantization == "uniform" else 1, stacklevel + 1,
        )
        return value


# --- PQ ------------------------------------------------------------------------------


@fill_doc(optimisation=OPTIMISATION_PARAMETERS, device=DEVICE_PARAMETERS,
          fitted=fitted_attributes())
class PQEstimator(NeuralMIEstimator):
    """PQ: MI of x and the code of y, ``H(Q(y)) - H(Q(y) | x)``, with a classifier
    q(Q(y) | x).

    y is quantized by a codebook (k-means centres, a uniform grid, or centres trained
    with the classifier, ``"learned"``); a categorical y is its own code. The
    classifier is trained by the one loop (maximum likelihood). ``score`` is the mean
    ``log q(Q(y_i) | x_i)`` plus the plug-in entropy of the codes of the given samples:
    a lower bound on I(x; Q(y)) in expectation (the classifier's cross-entropy bounds
    H(Q(y) | x) from above, the plug-in bounds H(Q(y)) from below in expectation), and
    I(x; Q(y)) <= I(x; y). So on held-out data a higher score is a better estimate,
    and GridSearchCV over ``n_bins`` and the classifier is principled.
    ``score_samples`` is each row's ``log q(Q(y) | x) - log p(Q(y))``, ``p`` the codes'
    frequencies among the given rows; its mean is ``score`` (0.87 with the closed-form
    PMI of a Gaussian pair, rho 0.8, at a short budget).

    Parameters
    ----------
    n_bins : int, default=32
        Codes for ``"kmeans"`` and ``"learned"`` (fewer when there are fewer distinct
        rows); bins per column for ``"uniform"`` (``n_bins ** n_features_y`` codes, at
        most 4096).
    quantization : {"kmeans", "uniform", "learned"}, default="kmeans"
        ``"learned"`` starts at the k-means centres and moves them, through soft
        assignments at ``temperature``, to maximise the bound with the classifier.
    temperature : float, default=0.1
        Scale, in squared standard deviations of y, of the soft assignments that train
        learned centres; ignored otherwise.
    hidden_dims : tuple of int, default=(128,)
        Hidden widths of the classifier.
    activation : str, default="silu"
        Activation of the classifier's hidden layers.
    {optimisation}
    n_iter_no_change : int or None, default=300
        Stop when the smoothed validation estimate has not improved by more than
        ``tol`` for this many steps; ``None`` trains ``max_iter`` steps.
    tol : float, default=0.0
        Improvement in nats that resets the patience.
    standardize : bool or "auto", default="auto"
        Centre and scale X and y with training statistics (``"auto"`` does).
    discrete_target : bool or "auto", default="auto"
        Treat y as categorical (its categories are its codes).
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds k-means, weights, the validation split and batches.
    verbose : bool, default=False
        Show a progress bar during fit.

    Attributes
    ----------
    mi_ : float
        The estimate in nats on the validation split.
    model_ : torch.nn.ModuleDict
        ``"codebook"`` (its ``centres`` on standardized y; absent for a categorical
        y) and ``"classifier"``.
    history_ : pandas.DataFrame
        Training curve: iteration, loss, validation_mi, validation_mi_smoothed.
    {fitted}

    See Also
    --------
    BinnedEstimator : quantize both x and y.
    HybridEstimator : a critic on top of a generative proposal.

    References
    ----------
    Federici, Ruhe & Forré (2023), "On the effectiveness of hybrid mutual information
    estimation", arXiv:2306.00608.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import PQEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = x + rng.normal(size=(2000, 1))  # MI = 0.35 nats
    >>> est = PQEstimator(n_bins=16, hidden_dims=(32,), max_iter=200, random_state=0)
    >>> est = est.fit(x, y)
    >>> 0.2 < est.mi_ < 0.4
    True
    """

    _mi_bound = "lower"
    _parameter_constraints = {
        **NeuralMIEstimator._parameter_constraints,
        "standardize": ["boolean", StrOptions({"auto"})],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "quantization": [StrOptions({*QUANTIZATIONS, "learned"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "hidden_dims": [tuple, list],
        "activation": [str],
    }

    def __init__(
        self,
        *,
        n_bins=32,
        quantization="kmeans",
        temperature=0.1,
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

    # --- model ------------------------------------------------------------------------

    def _initialize(self, x, y):
        # The codebook must exist before the classifier (its size is the number of
        # codes), so it is fitted here, on the standardized training rows.
        one_hot = self.y_categories_ is not None
        y_loc, y_scale = _location_scale(y, self._resolved_standardize() and not one_hot)
        if one_hot:
            self._codebook = None
            self._n_codes = y.shape[1]
        else:
            quantization = "kmeans" if self.quantization == "learned" else self.quantization
            self._codebook = _codebook_for(
                (y - y_loc) / y_scale, self.n_bins, quantization, self._seeds.init,
                learned=self.quantization == "learned",
            )
            self._n_codes = self._codebook.n_codes
        super()._initialize(x, y)
        del self._codebook

    def _build_model(self, x_features, y_features):
        modules = {"classifier": CategoricalDensity(
            self._n_codes, x_features, tuple(self.hidden_dims), self.activation)}
        if self._codebook is not None:
            modules["codebook"] = self._codebook
        return nn.ModuleDict(modules)

    def _codes(self, model, y):
        if "codebook" not in model:
            return y.argmax(-1)
        return model["codebook"].codes(y)

    # --- training ---------------------------------------------------------------------

    def _batch_loss(self, model, x, y):
        classifier = model["classifier"]
        log_q = torch.log_softmax(classifier.condition(x), -1)
        if self.quantization != "learned" or "codebook" not in model:
            return -log_q.gather(-1, self._codes(model, y)[:, None]).mean()
        # The classifier learns the soft codes by likelihood; the centres move to
        # maximise the soft bound H(mean w) - E[CE(w, q)] with the classifier fixed.
        w = model["codebook"].soft(y, self.temperature)
        likelihood = (w.detach() * log_q).sum(-1).mean()
        mean_w = w.mean(0)
        entropy = -(mean_w * torch.log(mean_w.clamp_min(torch.finfo(w.dtype).tiny))).sum()
        bound = entropy + (w * log_q.detach()).sum(-1).mean()
        return -(likelihood + bound)

    # --- evaluation -------------------------------------------------------------------

    def _evaluation_terms(self, model, x, y, generator):
        step = chunk_rows(8 * (self._widths() + model["classifier"].features) * x.element_size())
        terms = []
        for start in range(0, x.shape[0], step):
            xs, ys = x[start : start + step], y[start : start + step]
            codes = self._codes(model, ys)
            log_q = model["classifier"].log_prob_codes(codes, xs)
            terms.append(torch.stack([log_q.to(torch.float64), codes.to(torch.float64)], -1))
        return torch.cat(terms)

    def _widths(self):
        return max((*self.hidden_dims, 1))

    @staticmethod
    def _reduce_terms(terms):
        _, counts = torch.unique(terms[:, 1], return_counts=True)
        return terms[:, 0].mean() + _entropy_of_counts(counts, terms.shape[0])

    @staticmethod
    def _influence_terms(terms):
        return terms[:, 0] - _log_frequencies(terms[:, 1])

    def _pointwise_unavailable(self):
        return None

    def _pointwise_terms(self, model, x, y, generator):
        # log q(code | x) - log p(code), p the codes' frequencies among the given rows.
        return self._influence_terms(self._evaluation_terms(model, x, y, generator))


# --- Classifier ------------------------------------------------------------------------


# Clipped probabilities: a classifier that gives a row's class probability 0 (a tree's
# pure leaf) costs that row -log(1e-12) = 27.6 nats, not an infinite cross-entropy.
MIN_PROBABILITY = 1e-12
# Codes with fewer training rows are one class to the classifier: gradient boosting
# with a class of one row among 32 gave every row's class probability 1e-12 (a mean
# log q of -22.7 nats), and early stopping's stratified split needs 2 rows of a class.
MIN_CLASS_ROWS = 5
POOLED = -1
# Fewer rows than this carry no classifier's bound, whatever their standard error.
MIN_ESTIMATE_ROWS = 10


class _PredictionBound:
    """``score``'s machinery for the bounds of a scikit-learn model's predictions
    (:class:`ClassifierEstimator`, :class:`RegressorEstimator`): the mean of
    ``_pointwise_on(x, y)`` and its standard error, with warnings for the model's own
    training rows and for too few rows. ``_model`` names the model, ``_dominant_rows``
    the rows that can dominate the mean."""

    @fill_doc(xy=XY_PARAMETERS)
    def score(self, X, y):
        """The model's bound in nats on ``(X, y)``: for the classifier, the plug-in
        entropy of y's codes less its cross-entropy on them; for the regressor, minus
        half the log of its mean squared error on y's normal scores.

        Parameters
        ----------
        {xy}

        Returns
        -------
        float
        """
        return self._estimate_with_std(X, y, return_std=False, random_state=None)

    def _pointwise_unavailable(self):
        return None

    def _pointwise(self, X, y):
        return self._pointwise_on(*self._tensors(X, y))

    @staticmethod
    def _seeded_clone(model, seed):
        """A clone of the user's ``model``, seeded where its ``random_state`` is None."""
        model = clone(model)
        if model.get_params().get("random_state", 0) is None:
            model.set_params(random_state=seed)
        return model

    def _estimate_with_std(self, X, y, *, return_std, random_state):
        check_is_fitted(self, "mi_")
        X, y = self._validate_xy(X, y, reset=False)
        x, y = self._tensors(X, y)
        stacklevel = user_stacklevel()
        if same_fingerprint(fingerprint(x, y), self._training_rows):
            warnings.warn(
                f"{type(self).__name__}: these are the rows the {self._model} was trained "
                "on, where it overfits, so its estimate is biased upwards. Score "
                "held-out rows (e.g. from sklearn.model_selection.train_test_split).",
                UnreliableEstimateWarning,
                stacklevel=stacklevel,
            )
        value, error = self._checked_estimate(self._pointwise_on(x, y), stacklevel)
        return (value, error) if return_std else value

    def _checked_estimate(self, terms, stacklevel):
        """The mean of ``terms`` and its standard error, with a warning when it stands
        on too few rows or a few rows dominate it."""
        value = float(terms.mean())
        error = float(standard_error(terms)) if len(terms) > 1 else math.inf
        if len(terms) < MIN_ESTIMATE_ROWS or not error <= UNRELIABLE_STANDARD_ERROR:
            warnings.warn(
                f"{type(self).__name__}: the estimate {value:.4g} nats has a standard "
                f"error of {error:.3g} over the {len(terms)} samples it was computed on: "
                f"too few samples for a {self._model}'s bound, or a few rows "
                f"({self._dominant_rows}) dominate it; treat it as unreliable.",
                UnreliableEstimateWarning,
                stacklevel=stacklevel,
            )
        return value, error


@fill_doc(data_attributes=_DATA_ATTRIBUTES)
class ClassifierEstimator(_PredictionBound, _TensorData, MIEstimator):
    """The classifier route with any scikit-learn classifier: ``H(c) - E[-log q(c | x)]``
    for the codes ``c`` of y and a classifier ``q`` fitted on the training rows.

    A categorical y (class labels) is its own code; a continuous y is quantized by
    k-means centres fitted on the normal scores of its training rows (each column
    through its training CDF and the normal quantile function), which keep an outlier
    from taking a code of its own (a class of one row derails gradient boosting).
    ``score`` is the mean ``log q(c_i | x_i)`` of the given rows plus the plug-in
    entropy of their codes: a lower bound on I(x; c) in expectation (a classifier's
    cross-entropy bounds H(c | x) from above), and I(x; c) <= I(x; y).
    So on held-out rows a higher score is a better estimate, and GridSearchCV over the
    classifier is principled. ``score_samples`` is each row's
    ``log q(c | x) - log p(c)``, ``p`` the codes' frequencies among the given rows; its
    mean is ``score``.

    The default classifier, gradient-boosted trees, is :class:`PQEstimator`'s and
    :class:`BAEstimator`'s complement on class labels: trees split one column at a
    time, so they learn sharp and axis-aligned class boundaries and ignore heavy
    tails, where a network is slow to; a network learns oblique boundaries, where
    trees need many splits. Held out (5 classes shifting 10 features of noise, 6000
    rows, 80 % to fit, truth in brackets): Laplace noise 1.341 against BA's 1.291
    (1.379), Cauchy 0.688 against 0.413 (0.817), 4 classes from the signs of x0 x1
    and of x2 with 10 % of the labels redrawn (an XOR) 1.015 against 0.714 (1.038);
    Gaussian noise 1.283 against 1.346 (1.322), and 10 classes against 50 Gaussian
    features 1.654 against 1.893 (1.953). :func:`~skmist.estimate_mi` fits both on
    class labels in many columns and keeps the better.

    Parameters
    ----------
    classifier : classifier or None, default=None
        A scikit-learn classifier with ``predict_proba``, cloned and fitted on the
        codes. None: :class:`~sklearn.ensemble.HistGradientBoostingClassifier`, which
        stops early on a tenth of the training rows where each class has enough rows
        for it. Its ``random_state``, where it has one left at None, is drawn from
        ``random_state``.
    n_bins : int, default=8
        Codes of a continuous y (k-means centres; fewer when there are fewer distinct
        rows); unused for a categorical y. Gradient boosting fits few codes best: a
        Gaussian pair of 0.35 nats, 8,000 training rows, gave 0.23 held out with 4 or
        8 codes and 0.20 with 16 (less than the codes' MI, which is near 0.35).
    discrete_target : bool or "auto", default="auto"
        Treat y as categorical (its categories are its codes). ``"auto"`` does so for
        strings, booleans, categoricals and one column of integers, as scikit-learn's
        classifiers do (the other estimators take integers as numbers).
    random_state : int, RandomState instance or None, default=None
        Seeds k-means and the classifier.

    Attributes
    ----------
    mi_ : float
        The estimate on the training rows, where the classifier has seen its answers:
        biased upwards. Score held-out rows for the estimate.
    classifier_ : classifier or None
        The fitted classifier, of the codes with at least 5 training rows and of the
        rarer ones as one class (-1); None when that leaves one class.
    code_log_frequencies_ : ndarray of shape (n_codes,)
        The log frequency of each code among the training rows: ``q(c | x)`` of a
        rare code is its share of the rare codes' rows times ``q(-1 | x)``.
    pooled_codes_ : ndarray
        The codes with fewer than 5 training rows.
    codebook_y_ : torch.nn.Module or None
        The codebook of a continuous y (on its normal scores); None for a categorical y.
    y_quantiles_ : torch.Tensor of shape (n_quantiles, n_features_y)
        For a continuous y: the training quantiles of each column, which give the
        normal scores.
    device_ : torch.device
        The CPU, where scikit-learn's classifiers run.
    {data_attributes}

    See Also
    --------
    PQEstimator : the same bound with a network trained by skmist's loop.
    BAEstimator : for class labels, the bound with a network and the labels' entropy
        from the training rows.

    References
    ----------
    Federici, Ruhe & Forré (2023), "On the effectiveness of hybrid mutual information
    estimation", arXiv:2306.00608 (the PQ bound).

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import ClassifierEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4000, 2))
    >>> y = (x[:, 0] * x[:, 1] > 0).astype(int)  # y is a function of x: MI = log 2
    >>> est = ClassifierEstimator(random_state=0).fit(x[:3000], y[:3000])
    >>> round(est.score(x[3000:], y[3000:]), 2)  # the trees learn the sign product
    0.69
    """

    _mi_bound = "lower"
    _x_as_input = True
    _model = "classifier"
    _dominant_rows = "probabilities near 0"
    _parameter_constraints = {
        "classifier": [HasMethods(["fit", "predict_proba"]), None],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "discrete_target": ["boolean", StrOptions({"auto"})],
        "random_state": ["random_state"],
    }

    def __init__(self, *, classifier=None, n_bins=8, discrete_target="auto",
                 random_state=None):
        store_params(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc(fit=FIT_PARAMETERS)
    def fit(self, X, y):
        """Fit y's codebook (a continuous y) and the classifier on the codes; ``mi_``
        is the estimate on these rows.

        {fit}
        """
        X, y = self._validate_xy(X, y, reset=True)
        self.device_ = torch.device("cpu")
        x, y = self._tensors(X, y)
        seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=2)
        if self.y_categories_ is None:
            self.y_quantiles_ = _quantiles(y, int(seeds[0]))
            self.codebook_y_ = _codebook_for(
                normal_scores(y, self.y_quantiles_), self.n_bins, "kmeans", int(seeds[0]))
        else:
            self.codebook_y_ = None
        codes = self._codes(y).numpy()
        counts = np.bincount(codes)
        # log p(c) of each code among the training rows, and the codes too rare for a
        # class of their own, which the classifier sees as one (POOLED): q(c | x) is
        # then q(POOLED | x) p(c | pooled).
        self.code_log_frequencies_ = np.log(np.clip(counts / len(codes), MIN_PROBABILITY,
                                                    None))
        self.pooled_codes_ = np.flatnonzero((counts > 0) & (counts < MIN_CLASS_ROWS))
        target = np.where(np.isin(codes, self.pooled_codes_), POOLED, codes)
        self.classifier_ = None
        if len(np.unique(target)) > 1:
            self.classifier_ = self._make_classifier(target, int(seeds[1]))
            self.classifier_.fit(x.numpy(), target)
        self._training_rows = fingerprint(x, y)
        self.mi_, _ = self._checked_estimate(self._pointwise_on(x, y), user_stacklevel())
        return self

    def _encode_target(self, y, *, reset, classes=None, discrete=None):
        integers = (not (y.is_floating_point() or y.is_complex() or y.dtype == torch.bool)
                    if isinstance(y, torch.Tensor) else np.asarray(y).dtype.kind in "iu")
        one_column = np.ndim(y) == 1 or (np.ndim(y) == 2 and y.shape[1] == 1)
        if reset and self.discrete_target == "auto" and integers and one_column:
            discrete = True
        return super()._encode_target(y, reset=reset, classes=classes, discrete=discrete)

    def _make_classifier(self, codes, seed):
        if self.classifier is None:
            # Early stopping holds out a stratified tenth: every class needs a row there
            # and one in training.
            counts = np.unique(codes, return_counts=True)[1]
            early = counts.min() >= 2 and int(0.1 * len(codes)) >= len(counts)
            return HistGradientBoostingClassifier(early_stopping=early, random_state=seed)
        return self._seeded_clone(self.classifier, seed)

    def _pointwise_on(self, x, y):
        # log q(c | x) - log p(c), p the codes' frequencies among the given rows.
        codes = self._codes(y)
        return self._log_q(x, codes) - _log_frequencies(codes)

    def _codes(self, y):
        if self.codebook_y_ is None:
            return y.reshape(-1).long()
        return self.codebook_y_.codes(normal_scores(y, self.y_quantiles_))

    def _log_q(self, x, codes):
        codes = codes.numpy()
        known = codes < len(self.code_log_frequencies_)
        prior = np.where(known, self.code_log_frequencies_[np.where(known, codes, 0)],
                         math.log(MIN_PROBABILITY))
        if self.classifier_ is None:
            # One class in training: q(c | x) is the training frequency of c.
            return torch.as_tensor(prior)
        pooled = np.isin(codes, self.pooled_codes_)
        target = np.where(pooled, POOLED, codes)
        proba = self.classifier_.predict_proba(x.numpy())
        # Each row's column of proba, by a search of classes_ (in any order); a code
        # the classifier lacks gets probability 0.
        classes = np.asarray(self.classifier_.classes_)
        order = np.argsort(classes)
        index = order[np.minimum(np.searchsorted(classes[order], target), len(classes) - 1)]
        taken = np.where(classes[index] == target, proba[np.arange(len(index)), index], 0.0)
        log_q = np.log(np.clip(taken, MIN_PROBABILITY, None))
        if pooled.any():
            pooled_share = np.exp(self.code_log_frequencies_[self.pooled_codes_]).sum()
            share = prior - math.log(pooled_share)
            log_q = np.where(pooled, log_q + share, log_q)
        return torch.as_tensor(log_q)


@fill_doc(data_attributes=_DATA_ATTRIBUTES)
class RegressorEstimator(_PredictionBound, _TensorData, MIEstimator):
    r"""The regression route with any scikit-learn regressor: ``-log E[(z - g(x))^2] / 2``
    for the normal scores ``z`` of a one-column y and a regressor ``g`` fitted on the
    training rows to predict them.

    ``z`` is y through its training CDF and the normal quantile function, a standard
    normal whatever y's marginal, so :math:`h(z) = \tfrac12 \log 2\pi e`; and any
    predictor's mean squared error :math:`m` bounds the conditional entropy,
    :math:`h(z \mid x) \le \tfrac12 \log 2\pi e\, m`. As z is an invertible map
    of y,

    .. math:: I(x; y) = I(x; z) \ge -\tfrac12 \log E[(z - g(x))^2],

    a lower bound for any ``g`` when the error is measured on rows ``g`` was not fitted
    on: on held-out rows a higher score is a better estimate. With a linear ``g`` it is
    the Gaussian copula's MI (:class:`GaussianEstimator` with ``copula=True``); a
    nonlinear one sees what a copula cannot. Where many columns meet few rows, where
    kNN distances stop resolving the dependence and the diffusions fit their training
    rows, it is the estimate :func:`~skmist.estimate_mi` can trust (10 Gaussian
    columns, 1000 rows, y = sin 2x_1 + x_2^2 / 2 + 0.3 noise, truth 1.18: 0.77-0.79
    held out, where KSG gave 0.22). Like the classifier route, it is low where the
    regressor learns slowly or the noise is far from Gaussian (the bound is tight for
    Gaussian residuals only).

    ``score`` is the bound on the given rows; ``score_samples`` each row's term
    :math:`-\tfrac12 \log m - (r_i^2 / m - 1) / 2`, ``r_i`` its residual and ``m``
    their mean square over the given rows, whose mean is ``score`` and whose standard
    error is that of the delta method. y must be continuous: ties share a normal
    score, whose entropy is then below a Gaussian's, and the bound fails (a warning
    says so; break them first, e.g. with noise within their spacing, which can only
    lower the MI). Class labels go to :class:`ClassifierEstimator` or
    :class:`BAEstimator`. Of a y of several columns, each column's bound is a bound of
    I(x; y), and the one whose training rows give the highest is kept (``column_``);
    with x of one column and y of several, swap them for the tighter bound.

    Parameters
    ----------
    regressor : regressor or None, default=None
        A scikit-learn regressor, cloned and fitted to the normal scores. None:
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`, which stops early on
        a tenth of the training rows. Its ``random_state``, where it has one left at
        None, is drawn from ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seeds the quantiles' subsample and the regressor.

    Attributes
    ----------
    mi_ : float
        The bound on the training rows, where the regressor has seen its answers:
        biased upwards. Score held-out rows for the estimate.
    regressor_ : regressor
        The fitted regressor, of x to the normal scores of y's column ``column_``.
    column_ : int
        The column of y whose bound is scored.
    y_quantiles_ : torch.Tensor of shape (n_quantiles, n_features_y)
        y's training quantiles, which give the normal scores.
    device_ : torch.device
        The CPU, where scikit-learn's regressors run.
    {data_attributes}

    See Also
    --------
    ClassifierEstimator : the same route for class labels, by a classifier's
        cross-entropy.
    GaussianEstimator : with ``copula=True``, the bound of a linear predictor.

    Examples
    --------
    >>> import numpy as np
    >>> from skmist import RegressorEstimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4000, 3))
    >>> y = np.abs(x[:, 0]) + 0.2 * rng.normal(size=4000)  # no correlation to see
    >>> est = RegressorEstimator(random_state=0).fit(x[:3000], y[:3000])
    >>> round(est.score(x[3000:], y[3000:]), 1)  # truth 1.08
    0.9
    """

    _mi_bound = "lower"
    _x_as_input = True
    _model = "regressor"
    _dominant_rows = "residuals far out"
    _parameter_constraints = {
        "regressor": [HasMethods(["fit", "predict"]), None],
        "random_state": ["random_state"],
    }

    def __init__(self, *, regressor=None, random_state=None):
        store_params(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc(fit=FIT_PARAMETERS)
    def fit(self, X, y):
        """Fit y's quantiles and the regressor of the normal scores on x; ``mi_`` is
        the bound on these rows.

        {fit}
        """
        X, y = self._validate_xy(X, y, reset=True)
        self.device_ = torch.device("cpu")
        x, y = self._tensors(X, y)
        if any(len(torch.unique(column)) < len(column) for column in y.T):
            warnings.warn(
                f"{type(self).__name__}: y has tied values, which share a normal score "
                "whose entropy is below a Gaussian's, so the estimate may exceed the MI. "
                "Break the ties first (noise within their spacing can only lower the MI).",
                UnreliableEstimateWarning,
                stacklevel=user_stacklevel(),
            )
        seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=2)
        self.y_quantiles_ = _quantiles(y, int(seeds[0]))
        z = _midpoint_scores(y, self.y_quantiles_).numpy()
        # Each column's bound is one of I(x; y): keep the column whose training rows
        # give the highest.
        regressors = [self._make_regressor(int(seeds[1])).fit(x.numpy(), column)
                      for column in z.T]
        # A constant column carries no information (its scores, all 0, would be
        # predicted without error).
        errors = [np.mean((column - g.predict(x.numpy())) ** 2) if column.std() > 0
                  else math.inf for column, g in zip(z.T, regressors)]
        self.column_ = int(np.argmin(errors))
        self.regressor_ = regressors[self.column_]
        self._training_rows = fingerprint(x, y)
        self.mi_, _ = self._checked_estimate(self._pointwise_on(x, y), user_stacklevel())
        return self

    def _encode_target(self, y, *, reset, classes=None, discrete=None):
        try:
            return super()._encode_target(y, reset=reset, classes=classes, discrete=False)
        except ValueError:
            raise ValueError(
                f"{type(self).__name__} needs a continuous y; y has non-numeric values "
                "(class labels go to ClassifierEstimator or BAEstimator)"
            ) from None

    def _make_regressor(self, seed):
        if self.regressor is None:
            return HistGradientBoostingRegressor(early_stopping=True, random_state=seed)
        return self._seeded_clone(self.regressor, seed)

    def _pointwise_on(self, x, y):
        squared = self._squared_errors(x, y)
        if squared is None:
            return torch.zeros(len(x), dtype=torch.float64)  # y was constant
        return bound_terms(squared)

    def _squared_errors(self, x, y):
        """The squared error of each row's predicted normal score (tensors ``x`` and
        ``y``); None where y's column was constant in training."""
        if not (self.y_quantiles_[:, self.column_] > self.y_quantiles_[0, self.column_]).any():
            return None
        z = _midpoint_scores(y, self.y_quantiles_)[:, self.column_]
        return (z - torch.as_tensor(self.regressor_.predict(x.numpy()))) ** 2


def _midpoint_scores(y, quantiles):
    """``normal_scores`` with the CDF's levels moved from [0, 1] to [0.5 / m, 1 - 0.5 /
    m] for ``m`` quantiles, as ranks' midpoints are: the training extremes (and values
    beyond them) then score about +-3 for 1000 quantiles, not the +-5.2 of scikit-learn's
    clip, whose squared errors alone sank a regressor's bound (0.75 where midpoints gave
    0.81, for 1.18 at n = 1000)."""
    m = quantiles.shape[0]
    level = torch.special.ndtr(normal_scores(y, quantiles))
    return torch.special.ndtri((level * (m - 1) + 0.5) / m)


def bound_terms(squared):
    """Per-row terms of the regression bound ``-log(mean(squared)) / 2`` whose mean is
    it, and whose spread gives its delta-method standard error."""
    mean = squared.mean()
    return -0.5 * torch.log(mean) - 0.5 * (squared / mean - 1)
