r"""The variance-preserving diffusion that MINDE measures KL divergences with.

Pure torch functions, no state: the noise schedule, diffusion times drawn with or
without importance sampling, and the Girsanov identity that turns a KL divergence into
integrated squared differences of score functions (Franzese, Bounoua & Michiardi, 2024).

Notation. The forward SDE is the variance-preserving (VP) one of Song et al. (2021),

.. math:: dX_t = -\tfrac12 \beta(t) X_t\,dt + \sqrt{\beta(t)}\,dW_t, \qquad
          \beta(t) = \beta_{\min} + t(\beta_{\max} - \beta_{\min}),\ t \in [0, 1],

so that :math:`X_t = \alpha_t X_0 + \sigma_t \varepsilon` with
:math:`\alpha_t = \exp(-\tfrac12\int_0^t \beta)` and :math:`\sigma_t^2 = 1 - \alpha_t^2`.
Scores are carried in the noise parametrisation of denoising models,
:math:`\varepsilon(x_t, t) = -\sigma_t \nabla \log p_t(x_t)`: what a denoiser predicts,
bounded where the score itself blows up as :math:`t \to 0`.

The identity everything rests on: if :math:`p_t` and :math:`q_t` are two densities
diffused by the same SDE, :math:`\tfrac{d}{dt} KL(p_t \| q_t) = -\tfrac12 g(t)^2
E_{p_t}\|\nabla\log p_t - \nabla\log q_t\|^2` with :math:`g^2 = \beta`, hence

.. math:: KL(p_0 \| q_0) = \int_0^1 \tfrac12 \beta(t)\,
          E_{p_t}\|\nabla\log p_t(X_t) - \nabla\log q_t(X_t)\|^2 dt + KL(p_1 \| q_1)
          = \int_0^1 \frac{\beta(t)}{2\sigma_t^2}\,E\|\varepsilon_p - \varepsilon_q\|^2 dt
          + KL(p_1 \| q_1),

the KL as a difference of score functions (Franzese et al., 2024, from the
Girsanov theorem; the last term vanishes as :math:`\alpha_1 \to 0`, :math:`\alpha_1 =
0.0066` on the default schedule). The integral is estimated by Monte Carlo over
:math:`t`; :func:`diffusion_times` returns each draw's weight so that
:math:`\int_{t_{\min}}^1 \tfrac{\beta}{2\sigma^2} f(t)\,dt = E[\tfrac12 w(t) f(t)]`.
"""

import math

import torch

from .._docstrings import fill_doc

__all__ = [
    "diffusion_times",
    "girsanov_kl",
    "gap_logistic",
    "gaussian_reference_noise",
    "log_snr_times",
    "vp_log_snr",
    "vp_schedule",
]

BETA_MIN = 0.1
BETA_MAX = 20.0
# Lower end of the time integral (as in Song et al., 2021): below it the noise is
# sigma^2 < 1.2e-4 of the unit data variance, and a learned noise prediction carries
# no information about the score the integrand would need.
T_MIN = 1e-3


def vp_schedule(t, beta_min=BETA_MIN, beta_max=BETA_MAX):
    r"""Signal scale, noise scale and rate of the VP SDE at times ``t``.

    Parameters
    ----------
    t : torch.Tensor of shape (*)
        Diffusion times in [0, 1].
    beta_min, beta_max : float, default=0.1, 20.0
        The linear schedule :math:`\beta(t) = \beta_{\min} + t(\beta_{\max} -
        \beta_{\min})` of Song et al. (2021).

    Returns
    -------
    alpha, sigma, beta : torch.Tensor of shape (*)
        :math:`X_t = \alpha_t X_0 + \sigma_t \varepsilon` with
        :math:`\alpha_t^2 + \sigma_t^2 = 1`, and :math:`\beta(t) = g(t)^2`.

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import vp_schedule
    >>> alpha, sigma, beta = vp_schedule(torch.tensor([0.0, 1.0]))
    >>> [round(v, 4) for v in alpha.tolist()], [round(v, 4) for v in sigma.tolist()]
    ([1.0, 0.0066], [0.0, 1.0])
    """
    integral = _integral_beta(t, beta_min, beta_max)
    alpha = torch.exp(-0.5 * integral)
    sigma = torch.sqrt(-torch.expm1(-integral))
    beta = beta_min + t * (beta_max - beta_min)
    return alpha, sigma, beta


def _integral_beta(t, beta_min, beta_max):
    return beta_min * t + 0.5 * (beta_max - beta_min) * t**2


def _log_expm1(x):
    # log(e^x - 1), the antiderivative of beta / sigma^2 in terms of B = int beta;
    # exact for small x (log(expm1)) and for large x (x + log1p(-e^-x)).
    x = torch.as_tensor(x, dtype=torch.float64)
    return torch.where(x < 20, torch.log(torch.expm1(x.clamp(max=20))),
                       x + torch.log1p(-torch.exp(-x)))


# The parameters every sampler of diffusion times shares.
_TIME_DRAW_PARAMETERS = """
t_min : float, default=1e-3
    Lower end of the time integral (upper end of the log-SNR range).
beta_min, beta_max : float, default=0.1, 20.0
    The noise schedule (see :func:`vp_schedule`).
generator : torch.Generator, optional
    Source of the uniform draws (its device is where they are drawn).
dtype : torch.dtype, default=torch.float32
"""


@fill_doc(time_draw_parameters=_TIME_DRAW_PARAMETERS)
def diffusion_times(
    shape,
    *,
    importance_sampling=True,
    t_min=T_MIN,
    beta_min=BETA_MIN,
    beta_max=BETA_MAX,
    generator=None,
    dtype=torch.float32,
):
    r"""Diffusion times for a Monte-Carlo time integral, and their weights.

    With importance sampling, :math:`t` has the density
    :math:`q(t) \propto \beta(t) / \sigma_t^2 = g(t)^2 / \sigma_t^2` on
    :math:`[t_{\min}, 1]`: the weight of the KL integrand in the noise
    parametrisation, which puts most draws at small :math:`t`, where the scores of a
    sharp density differ most, and makes every weight the same constant :math:`Z =
    \int_{t_{\min}}^1 \beta/\sigma^2 dt` (Huang, Lim & Courville, 2021; the
    scheme the MINDE reference code trains and estimates with). Sampled
    exactly by inverting its CDF: :math:`\int \beta/\sigma^2 = \log(e^{B(t)} - 1)` with
    :math:`B(t) = \int_0^t \beta`. Without it, :math:`t` is uniform on
    :math:`[t_{\min}, 1]` and :math:`w(t) = (1 - t_{\min}) \beta(t) / \sigma_t^2`.

    Parameters
    ----------
    shape : tuple of int
        Shape of the returned times.
    importance_sampling : bool, default=True
    {time_draw_parameters}

    Returns
    -------
    t, weight : torch.Tensor of ``shape``
        Times, and weights ``w`` with :math:`\int_{t_{\min}}^1
        \frac{\beta(t)}{2\sigma_t^2} f(t)\,dt = E[\tfrac12 w(t) f(t)]`.

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import diffusion_times
    >>> t, w = diffusion_times((4,), generator=torch.Generator().manual_seed(0))
    >>> bool(((t >= 1e-3) & (t <= 1)).all()), bool((w == w[0]).all())
    (True, True)
    """
    device = generator.device if generator is not None else None
    u = torch.rand(shape, generator=generator, device=device, dtype=torch.float64)
    a, b = beta_max - beta_min, beta_min
    if importance_sampling:
        low = _log_expm1(torch.tensor(_integral_beta(t_min, beta_min, beta_max)))
        high = _log_expm1(torch.tensor(_integral_beta(1.0, beta_min, beta_max)))
        z = high - low
        # Invert log(e^B - 1) = low + u Z for B, then B(t) = b t + a t^2 / 2 for t.
        integral = torch.nn.functional.softplus(low + u * z)
        t = (-b + torch.sqrt(b * b + 2 * a * integral)) / a
        weight = torch.full_like(t, float(z))
    else:
        t = t_min + (1 - t_min) * u
        _, sigma, beta = vp_schedule(t, beta_min, beta_max)
        weight = (1 - t_min) * beta / sigma**2
    return t.clamp(t_min, 1.0).to(dtype), weight.to(dtype)


def vp_log_snr(t, beta_min=BETA_MIN, beta_max=BETA_MAX):
    r"""Log signal-to-noise ratio :math:`\lambda_t = \log(\alpha_t^2 / \sigma_t^2)` of the
    VP SDE at times ``t``.

    It falls from :math:`+\infty` at :math:`t = 0` to :math:`-10.05` at :math:`t = 1`
    (9.12 at the default :math:`t_{\min} = 10^{-3}`), with
    :math:`d\lambda / dt = -\beta(t) / \sigma_t^2`: the Girsanov weight of
    :func:`diffusion_times` is the Jacobian of the change to log-SNR, so that
    :math:`\int \frac{\beta}{2\sigma_t^2} f\,dt = \tfrac12 \int f\,d\lambda`.

    Parameters
    ----------
    t : torch.Tensor of shape (*)
    beta_min, beta_max : float, default=0.1, 20.0

    Returns
    -------
    torch.Tensor of shape (*), in the dtype of ``t``

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import vp_log_snr
    >>> [round(v, 2) for v in vp_log_snr(torch.tensor([1e-3, 1.0])).tolist()]
    [9.12, -10.05]
    """
    # alpha^2 / sigma^2 = 1 / (e^B - 1)
    return (-_log_expm1(_integral_beta(t, beta_min, beta_max))).to(t.dtype)


def _time_of_log_snr(log_snr, beta_min, beta_max):
    # Invert lambda = -log(e^B - 1): B = softplus(-lambda), then B(t) = b t + a t^2 / 2.
    a, b = beta_max - beta_min, beta_min
    integral = torch.nn.functional.softplus(-log_snr)
    return (-b + torch.sqrt(b * b + 2 * a * integral)) / a


@fill_doc(time_draw_parameters=_TIME_DRAW_PARAMETERS)
def log_snr_times(
    shape,
    *,
    loc=0.0,
    scale=1.0,
    t_min=T_MIN,
    beta_min=BETA_MIN,
    beta_max=BETA_MAX,
    generator=None,
    dtype=torch.float32,
):
    r"""Diffusion times whose log-SNR is a truncated logistic, and their weights.

    The log-SNR :math:`\lambda` (:func:`vp_log_snr`) is drawn from the logistic
    density with location ``loc`` and scale ``scale`` truncated to
    :math:`[\lambda(1), \lambda(t_{\min})]`, by inverting its CDF, and mapped to the
    time with that log-SNR. The logistic is the shape of the derivative of a
    Gaussian's denoising MMSE in :math:`\lambda` (Kong et al., 2023), which the
    MMSE-gap estimator of Yu et al. (2025) samples from. The weights are those of
    :func:`diffusion_times`: :math:`w = 1 / q(\lambda)`, so that
    :math:`\int_{t_{\min}}^1 \frac{\beta(t)}{2\sigma_t^2} f(t)\,dt =
    \tfrac12 \int f\,d\lambda = E[\tfrac12 w f]`. As ``scale`` grows the draws
    approach those of ``diffusion_times(importance_sampling=True)``, uniform in
    :math:`\lambda`.

    Parameters
    ----------
    shape : tuple of int
    loc : float, default=0.0
        Location of the logistic, in log-SNR.
    scale : float, default=1.0
        Its scale (standard deviation :math:`\pi s / \sqrt 3`); positive.
    {time_draw_parameters}

    Returns
    -------
    t, weight : torch.Tensor of ``shape``
        Times in :math:`[t_{\min}, 1]` and their weights :math:`1 / q(\lambda_t)`.

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import log_snr_times, vp_log_snr
    >>> g = torch.Generator().manual_seed(0)
    >>> t, w = log_snr_times((100_000,), loc=1.0, scale=2.0, generator=g,
    ...                      dtype=torch.float64)
    >>> round(w.mean().item(), 1)  # E[1/q] is the width of the log-SNR range
    19.2
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive; got {scale}")
    device = generator.device if generator is not None else None
    u = torch.rand(shape, generator=generator, device=device, dtype=torch.float64)
    ends = vp_log_snr(torch.tensor([1.0, t_min], dtype=torch.float64), beta_min, beta_max)
    low, high = torch.sigmoid((ends - loc) / scale).tolist()
    p = (low + u * (high - low)).clamp(1e-300, 1 - 1e-16)
    z = torch.logit(p)
    log_snr = (loc + scale * z).clamp(float(ends[0]), float(ends[1]))
    # 1 / q = (F(high) - F(low)) * scale / (sigmoid(z) sigmoid(-z))
    weight = (high - low) * scale * torch.exp(
        torch.nn.functional.softplus(z) + torch.nn.functional.softplus(-z))
    t = _time_of_log_snr(log_snr, beta_min, beta_max)
    return t.clamp(t_min, 1.0).to(dtype), weight.to(dtype)


def gap_logistic(marginal_variances, conditional_variances):
    r"""Location and scale of the logistic that matches a Gaussian's MMSE gap.

    The noise-prediction MMSE of a Gaussian with covariance eigenvalues :math:`v_i`
    at log-SNR :math:`\lambda` is :math:`\sum_i \mathrm{sigmoid}(\lambda + \log v_i)`
    (Guo, Shamai & Verdú, 2005), so the gap between the marginal (eigenvalues
    :math:`m_i`) and conditional (:math:`c_i \le m_i`) MMSE is
    :math:`\sum_i \int_{-\log m_i}^{-\log c_i} \ell(\lambda - u)\,du` with
    :math:`\ell` the standard logistic density: a positive function of
    :math:`\lambda` that integrates to :math:`\sum_i \log(m_i / c_i)` (twice the
    Gaussian MI). Its mean and variance, and the logistic with the same two moments,
    are returned; where the gap is nil (independent variables) the marginal MMSE's
    derivative is matched instead.

    Parameters
    ----------
    marginal_variances, conditional_variances : torch.Tensor of shape (d,)
        Positive eigenvalues of the marginal and the conditional covariance of the
        diffused variable.

    Returns
    -------
    loc, scale : float

    Examples
    --------
    >>> import torch
    >>> from skmist.functional import gap_logistic
    >>> loc, scale = gap_logistic(torch.ones(1), torch.full((1,), 0.5))
    >>> round(loc, 3), round(scale, 3)  # centred on log 2 / 2, nearly the unit logistic
    (0.347, 1.006)
    """
    a = torch.log(torch.as_tensor(marginal_variances, dtype=torch.float64)).sort().values
    b = torch.log(torch.as_tensor(conditional_variances, dtype=torch.float64)).sort().values
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("marginal_variances and conditional_variances must have the same "
                         f"shape (d,); got {tuple(a.shape)} and {tuple(b.shape)}")
    # The i-th term is the uniform density on [-a_i, -b_i] convolved with the logistic,
    # with mass a_i - b_i.
    mass = (a - b).sum()
    if mass > 1e-3:
        mean = ((b**2 - a**2) / 2).sum() / mass
        second = ((a**3 - b**3) / 3).sum() / mass + math.pi**2 / 3
    else:
        mean = -a.mean()
        second = (a**2).mean() + math.pi**2 / 3
    variance = (second - mean**2).clamp_min(math.pi**2 / 3)
    return float(mean), float(torch.sqrt(3 * variance) / math.pi)


def gaussian_reference_noise(x_t, alpha, sigma, reference_std=1.0):
    r"""Noise prediction of :math:`N(0, s^2 I)` diffused to time :math:`t`.

    The diffused reference is :math:`N(0, \chi_t I)` with :math:`\chi_t = \alpha_t^2
    s^2 + \sigma_t^2`, so :math:`\varepsilon_{ref} = \sigma_t x_t / \chi_t`: the score
    MINDE's entropy estimates compare a learned score with (Franzese et al., 2024,
    Eq. 15 of arXiv:2310.09031).

    Parameters
    ----------
    x_t : torch.Tensor of shape ``(*, d)``
    alpha, sigma : torch.Tensor broadcastable to ``x_t``
        From :func:`vp_schedule`.
    reference_std : float, default=1.0
        :math:`s`.

    Returns
    -------
    torch.Tensor of shape ``(*, d)``
    """
    chi = alpha**2 * reference_std**2 + sigma**2
    return sigma * x_t / chi


def _girsanov_terms(noise_p, noise_q, weight):
    """Per-row ``0.5 w ||eps_p - eps_q||^2`` over the last dimension."""
    return 0.5 * weight * (noise_p - noise_q).pow(2).sum(-1)


def girsanov_kl(noise_p, noise_q, weight):
    r"""KL divergence of two diffused densities from their noise predictions.

    The Monte-Carlo estimate of :math:`KL(p \| q) = \int \frac{\beta(t)}{2\sigma_t^2}
    E_{p_t}\|\varepsilon_p - \varepsilon_q\|^2 dt` (the module docstring; Franzese et
    al., 2024): the mean over rows of :math:`\tfrac12 w(t)
    \|\varepsilon_p(x_t, t) - \varepsilon_q(x_t, t)\|^2`, with :math:`x_t` drawn by
    diffusing samples of :math:`p` to the times of :func:`diffusion_times`. Exact in
    expectation for exact scores (up to the :math:`[0, t_{\min}]` piece and
    :math:`KL(p_1 \| q_1)`); differentiable.

    Parameters
    ----------
    noise_p, noise_q : torch.Tensor of shape (n, d)
        :math:`\varepsilon = -\sigma_t \nabla\log p_t(x_t)` of each density at the
        diffused samples.
    weight : torch.Tensor of shape (n,)
        From :func:`diffusion_times`.

    Returns
    -------
    torch.Tensor
        0-dim tensor, in nats.

    Examples
    --------
    Two unit Gaussians one standard deviation apart have KL 1/2:

    >>> import torch
    >>> from skmist.functional import diffusion_times, girsanov_kl, vp_schedule
    >>> g = torch.Generator().manual_seed(0)
    >>> t, w = diffusion_times((200_000,), generator=g, dtype=torch.float64)
    >>> alpha, sigma, _ = vp_schedule(t)
    >>> x_t = alpha * (1 + torch.randn(t.shape, generator=g, dtype=torch.float64))
    >>> x_t = x_t + sigma * torch.randn(t.shape, generator=g, dtype=torch.float64)
    >>> eps_p = (sigma * (x_t - alpha))[:, None]  # p = N(1, 1): eps = sigma (x - m_t)
    >>> eps_q = (sigma * x_t)[:, None]            # q = N(0, 1)
    >>> round(girsanov_kl(eps_p, eps_q, w).item(), 2)
    0.5
    """
    if noise_p.shape != noise_q.shape or noise_p.ndim != 2:
        raise ValueError(
            "noise_p and noise_q must have the same shape (n, d); got "
            f"{tuple(noise_p.shape)} and {tuple(noise_q.shape)}"
        )
    if weight.shape != noise_p.shape[:1]:
        raise ValueError(f"weight must have shape ({noise_p.shape[0]},); got {tuple(weight.shape)}")
    return _girsanov_terms(noise_p, noise_q, weight).mean()


def _gaussian_cross_entropy_terms(x, reference_std):
    """Per-row ``-log N(x; 0, s^2 I)``: the cross-entropy MINDE's entropy starts from."""
    d = x.shape[-1]
    return 0.5 * d * math.log(2 * math.pi * reference_std**2) + x.pow(2).sum(-1) / (
        2 * reference_std**2
    )
