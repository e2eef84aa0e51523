"""Invertible maps that keep mutual information: I(f(X); g(Y)) = I(X; Y).

MI is invariant under injective, smooth maps of X and of Y separately (a change of
variables cancels between the joint and the marginal densities), so each transform here
makes data harder to estimate on while keeping the ground truth. Each one has an
``inverse``, which is what the tests check and why the MI is kept.

Arrays are NumPy, of shape ``(n_samples, n_features)``; the elementwise transforms
accept any shape.
"""

import numpy as np
from scipy import special

__all__ = [
    "Asinh",
    "Compose",
    "HalfCube",
    "Identity",
    "MixtureQuantile",
    "NormalCDF",
    "Spiral",
    "SwissRoll",
    "Transform",
    "Wiggly",
]


class Transform:
    """An invertible map applied to every sample (row) of X or of Y.

    Subclasses implement ``__call__`` and ``inverse``; ``name`` is the prefix the
    benchmark puts before a task's name (``"half_cube"``, ``"spiral"``, ...).
    """

    name = "transform"

    def __call__(self, x):  # pragma: no cover - interface
        raise NotImplementedError

    def inverse(self, z):  # pragma: no cover - interface
        raise NotImplementedError

    def output_dim(self, dim):
        """Number of features of the output for ``dim`` input features."""
        return dim

    def __repr__(self):
        return f"{type(self).__name__}()"


class _Elementwise(Transform):
    """A transform of each entry on its own: ``_forward`` and ``_inverse`` are NumPy
    functions of a float64 array, of any shape."""

    def __call__(self, x):
        return self._forward(np.asarray(x, dtype=np.float64))

    def inverse(self, z):
        return self._inverse(np.asarray(z, dtype=np.float64))


class Identity(_Elementwise):
    """``x -> x``."""

    name = "identity"
    _forward = _inverse = staticmethod(lambda x: x)


class HalfCube(_Elementwise):
    r"""The signed power :math:`x \mapsto x \sqrt{|x|} = \mathrm{sign}(x) |x|^{3/2}`.

    Elementwise and strictly increasing; its inverse :math:`\mathrm{sign}(z) |z|^{2/3}`
    is not differentiable at 0, which stretches the tails and squeezes the centre.
    """

    name = "half_cube"
    _forward = staticmethod(lambda x: x * np.sqrt(np.abs(x)))
    _inverse = staticmethod(lambda z: np.sign(z) * np.abs(z) ** (2.0 / 3.0))


class Asinh(_Elementwise):
    r"""Elementwise :math:`\operatorname{asinh}`: tames heavy tails (logarithmic growth)."""

    name = "asinh"
    _forward = staticmethod(np.arcsinh)
    _inverse = staticmethod(np.sinh)


class NormalCDF(_Elementwise):
    r"""Elementwise standard normal CDF :math:`\Phi`: Gaussian margins become uniform."""

    name = "normal_cdf"
    _forward = staticmethod(special.ndtr)
    _inverse = staticmethod(special.ndtri)


def _bisect_increasing(f, target, lo, hi, n_iter=64):
    """Solve ``f(x) = target`` elementwise for increasing ``f`` bracketed by [lo, hi].

    Vectorised bisection: 64 halvings take any finite bracket to float64 resolution.
    """
    lo = np.array(lo, dtype=np.float64, copy=True)
    hi = np.array(hi, dtype=np.float64, copy=True)
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        below = f(mid) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


class Wiggly(Transform):
    r"""The identity plus a few sines: :math:`x + \sum_k a_k \sin(\omega_k x + \varphi_k)`.

    Elementwise. Strictly increasing, hence invertible, when
    :math:`\sum_k |a_k \omega_k| < 1` (checked). The defaults are the benchmark's map for
    X; its map for Y is ``Wiggly(amplitudes=(-0.4, 0.17, 0.02), frequencies=(0.4, 1.3,
    4.3), phases=(0.0, 3.5, -2.5))``.

    Parameters
    ----------
    amplitudes, frequencies, phases : tuple of float
        :math:`a_k`, :math:`\omega_k` and :math:`\varphi_k`, of equal lengths.
    """

    name = "wiggly"

    def __init__(self, amplitudes=(0.4, 0.2, 0.03), frequencies=(1.0, 1.7, 3.3),
                 phases=(0.0, 1.0, -2.5)):
        self.amplitudes = tuple(float(a) for a in amplitudes)
        self.frequencies = tuple(float(w) for w in frequencies)
        self.phases = tuple(float(p) for p in phases)
        if not len(self.amplitudes) == len(self.frequencies) == len(self.phases):
            raise ValueError("amplitudes, frequencies and phases must have equal lengths")
        slope = sum(abs(a * w) for a, w in zip(self.amplitudes, self.frequencies))
        if slope >= 1:
            raise ValueError(
                f"sum |amplitude * frequency| = {slope:.3g} must be below 1 for the map to "
                "be strictly increasing (invertible)"
            )

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        out = x.copy()
        for a, w, p in zip(self.amplitudes, self.frequencies, self.phases):
            out += a * np.sin(w * x + p)
        return out

    def inverse(self, z):
        # |f(x) - x| <= sum |a_k|, so the preimage of z lies within that distance of z.
        z = np.asarray(z, dtype=np.float64)
        reach = sum(abs(a) for a in self.amplitudes)
        return _bisect_increasing(self, z, z - reach, z + reach)

    def __repr__(self):
        return (f"Wiggly(amplitudes={self.amplitudes}, frequencies={self.frequencies}, "
                f"phases={self.phases})")


class MixtureQuantile(Transform):
    r"""Quantile function of a 1-D Gaussian mixture: uniform (0, 1) -> the mixture.

    :math:`u \mapsto F^{-1}(u)` with :math:`F(x) = \sum_k w_k \Phi((x - m_k) / s_k)`.
    Strictly increasing on (0, 1); computed by bisection within the bracket given by the
    components' own quantiles (F is their convex combination), to float64 precision.
    Applied after :class:`NormalCDF` it gives Gaussian-copula data with multimodal margins.

    Parameters
    ----------
    weights, means : tuple of float
        Mixture weights (summing to 1) and component means.
    scales : tuple of float, optional
        Component standard deviations; 1 each by default.
    """

    name = "mixture_quantile"

    def __init__(self, weights, means, scales=None):
        self.weights = tuple(float(w) for w in weights)
        self.means = tuple(float(m) for m in means)
        self.scales = (tuple(float(s) for s in scales) if scales is not None
                       else (1.0,) * len(self.means))
        if not len(self.weights) == len(self.means) == len(self.scales):
            raise ValueError("weights, means and scales must have equal lengths")
        if min(self.weights) <= 0 or not np.isclose(sum(self.weights), 1.0):
            raise ValueError(f"weights must be positive and sum to 1; got {self.weights}")
        if min(self.scales) <= 0:
            raise ValueError(f"scales must be positive; got {self.scales}")

    def cdf(self, x):
        """The mixture's CDF, elementwise."""
        x = np.asarray(x, dtype=np.float64)
        return sum(w * special.ndtr((x - m) / s)
                   for w, m, s in zip(self.weights, self.means, self.scales))

    def __call__(self, u):
        u = np.asarray(u, dtype=np.float64)
        # Keep u inside (0, 1): Phi(x) rounds to 1.0 for x > 8.3.
        u = np.clip(u, np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0))
        q = special.ndtri(u)
        component = [m + s * q for m, s in zip(self.means, self.scales)]
        return _bisect_increasing(self.cdf, u, np.minimum.reduce(component),
                                  np.maximum.reduce(component))

    def inverse(self, z):
        return self.cdf(z)

    def __repr__(self):
        return f"MixtureQuantile(weights={self.weights}, means={self.means}, " \
               f"scales={self.scales})"


class Spiral(Transform):
    r"""Rotation by an angle that grows with the squared norm: :math:`x \mapsto R(s \|x\|^2) x`.

    :math:`R(\theta)` rotates the plane of coordinates ``plane = (i, j)`` by
    :math:`\theta` (the exponential of the so(n) generator with -1 at (i, j) and +1 at
    (j, i)). A rotation keeps the norm, so the inverse is :math:`z \mapsto R(-s \|z\|^2) z`.
    The benchmark uses ``plane=(0, 1)`` with ``speed=1/dim`` for X and ``plane=(1, 2)``
    with ``speed=1/dim`` for Y.

    Parameters
    ----------
    plane : tuple of 2 int
        The coordinates ``(i, j)``, ``i < j``, that rotate into each other.
    speed : float
        :math:`s`, the angle in radians per unit of squared norm.
    """

    name = "spiral"

    def __init__(self, plane=(0, 1), speed=1.0):
        i, j = plane
        if not 0 <= i < j:
            raise ValueError(f"plane must be (i, j) with 0 <= i < j; got {plane}")
        self.plane = (int(i), int(j))
        self.speed = float(speed)

    def _rotate(self, x, sign):
        x = np.asarray(x, dtype=np.float64)
        i, j = self.plane
        if x.ndim != 2 or x.shape[1] <= j:
            raise ValueError(
                f"Spiral(plane={self.plane}) needs 2-D input with more than {j} features; "
                f"got shape {x.shape}"
            )
        theta = sign * self.speed * np.einsum("ni,ni->n", x, x)
        cos, sin = np.cos(theta), np.sin(theta)
        out = x.copy()
        out[:, i] = cos * x[:, i] - sin * x[:, j]
        out[:, j] = sin * x[:, i] + cos * x[:, j]
        return out

    def __call__(self, x):
        return self._rotate(x, 1.0)

    def inverse(self, z):
        return self._rotate(z, -1.0)

    def __repr__(self):
        return f"Spiral(plane={self.plane}, speed={self.speed!r})"


class SwissRoll(Transform):
    r"""Embeds (0, 1) in the plane as a swiss roll: one feature in, two out.

    :math:`u \mapsto (t \cos t, t \sin t) / 21` with :math:`t = \tfrac{3\pi}{2}(1 + 2u)`.
    Injective (the radius :math:`t / 21` grows with u), so MI is kept although the data
    lie on a curve in the plane. The inverse reads u back from the radius.
    """

    name = "swissroll_x"

    def output_dim(self, dim):
        if dim != 1:
            raise ValueError(f"SwissRoll embeds one feature; got {dim}")
        return 2

    def __call__(self, u):
        u = np.asarray(u, dtype=np.float64)
        if u.ndim != 2 or u.shape[1] != 1:
            raise ValueError(f"SwissRoll needs input of shape (n, 1); got {u.shape}")
        t = 1.5 * np.pi * (1.0 + 2.0 * u[:, 0])
        return np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 21.0

    def inverse(self, z):
        z = np.asarray(z, dtype=np.float64)
        t = 21.0 * np.hypot(z[:, 0], z[:, 1])
        return ((t / (1.5 * np.pi) - 1.0) / 2.0)[:, None]


class Compose(Transform):
    """Transforms applied in order: ``Compose(f, g)(x) == g(f(x))``.

    Parameters
    ----------
    *transforms : Transform
        Applied first to last; the inverse applies their inverses last to first.
    """

    def __init__(self, *transforms):
        self.transforms = tuple(transforms)

    @property
    def name(self):
        return "-".join(t.name for t in reversed(self.transforms))

    def output_dim(self, dim):
        for t in self.transforms:
            dim = t.output_dim(dim)
        return dim

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def inverse(self, z):
        for t in reversed(self.transforms):
            z = t.inverse(z)
        return z

    def __repr__(self):
        return f"Compose({', '.join(map(repr, self.transforms))})"
