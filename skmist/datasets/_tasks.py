"""Named distributions of (X, Y) with closed-form MI: the :class:`Task` and its builders.

A :class:`Task` pairs a sampler with its exact MI. The builders give the families of the
"Beyond Normal" benchmark (Czyz et al., NeurIPS 2023): multivariate normal (dense and
sparse), multivariate Student-t, additive uniform noise, and the bimodal task; and
``Task.transform`` pushes a task through the MI-keeping maps of
:mod:`skmist.datasets._transforms`, with the benchmark's naming.
"""

from dataclasses import dataclass, field

import numpy as np

from ._closed_forms import additive_uniform_mi, multinormal_mi, student_t_mi
from ._samplers import _AdditiveUniform, _Normal, _StudentT, _Transformed, check_rng
from ._transforms import (
    Asinh,
    HalfCube,
    Identity,
    MixtureQuantile,
    NormalCDF,
    Spiral,
    SwissRoll,
    Transform,
    Wiggly,
)

__all__ = [
    "Task",
    "additive_uniform",
    "bimodal",
    "bivariate_normal",
    "multinormal",
    "multinormal_dense",
    "multinormal_sparse",
    "student_identity",
    "student_t",
]


def _benchmark_transforms(kind, dim_x, dim_y):
    """The benchmark's (transform of X, transform of Y) for a transform ``kind``."""
    if kind == "half_cube":
        return HalfCube(), HalfCube()
    if kind == "asinh":
        return Asinh(), Asinh()
    if kind == "normal_cdf":
        return NormalCDF(), NormalCDF()
    if kind == "wiggly":
        return Wiggly(), Wiggly(amplitudes=(-0.4, 0.17, 0.02), frequencies=(0.4, 1.3, 4.3),
                                phases=(0.0, 3.5, -2.5))
    if kind == "spiral":
        if dim_x < 2 or dim_y < 3:
            raise ValueError(
                f"the spiral needs dim_x >= 2 and dim_y >= 3 (it rotates coordinates 0, 1 "
                f"of X and 1, 2 of Y); got dim_x={dim_x}, dim_y={dim_y}"
            )
        return Spiral((0, 1), 1.0 / dim_x), Spiral((1, 2), 1.0 / dim_y)
    if kind in ("swissroll", "swissroll_x"):
        if dim_x != 1:
            raise ValueError(f"the swiss roll embeds a 1-D X; got dim_x={dim_x}")
        return SwissRoll(), Identity()
    raise ValueError(
        f"unknown transform {kind!r}; use one of {list(TRANSFORM_KINDS)} or pass "
        "Transform objects"
    )


TRANSFORM_KINDS = ("half_cube", "asinh", "normal_cdf", "wiggly", "spiral", "swissroll_x")


@dataclass(frozen=True)
class Task:
    """A named distribution of (X, Y) with known mutual information.

    Build one with :func:`multinormal_dense`, :func:`student_identity`, ... or
    :func:`skmist.datasets.get_task`; draw samples with :meth:`sample`.

    Attributes
    ----------
    name : str
        The benchmark's identifier, e.g. ``"spiral-multinormal-sparse-3-3-2-2.0"``.
    dim_x, dim_y : int
        Numbers of features of X and Y.
    mi : float
        The true MI in nats.
    params : dict
        The parameters the task was built from.

    Examples
    --------
    >>> from skmist.datasets import multinormal_sparse
    >>> task = multinormal_sparse(3, 3).transform("normal_cdf").transform("spiral")
    >>> task.name
    'spiral-normal_cdf-multinormal-sparse-3-3-2-2.0'
    >>> X, y = task.sample(1000, random_state=0)
    >>> X.shape, y.shape, round(task.mi, 4)
    ((1000, 3), (1000, 3), 1.0217)
    """

    name: str
    dim_x: int
    dim_y: int
    mi: float
    sampler: object = field(repr=False, compare=False)
    params: dict = field(default_factory=dict, compare=False)

    def sample(self, n_samples, random_state=None):
        """Draw ``n_samples`` independent pairs.

        Parameters
        ----------
        n_samples : int
        random_state : None, int, numpy.random.Generator or numpy.random.RandomState
            The same seed gives the same samples.

        Returns
        -------
        X : ndarray of shape (n_samples, dim_x)
        y : ndarray of shape (n_samples, dim_y)
            Always 2-D, also when ``dim_y`` is 1.
        """
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
                or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}")
        xy = self.sampler(int(n_samples), check_rng(random_state))
        return xy[:, :self.dim_x], xy[:, self.dim_x:]

    def transform(self, transform_x, transform_y=None, *, name=None):
        """The task of ``(f(X), g(Y))``: same MI, harder data.

        Parameters
        ----------
        transform_x : str or Transform
            A string names the benchmark's pair of maps, applied to both X and Y:
            ``"half_cube"``, ``"asinh"``, ``"normal_cdf"``, ``"wiggly"`` (a different
            wiggle for X and Y), ``"spiral"`` (needs dim_x >= 2, dim_y >= 3) or
            ``"swissroll_x"`` (X only, 1-D X in (0, 1)). A :class:`Transform` is
            applied to X only, unless ``transform_y`` is given.
        transform_y : Transform, optional
            The map of Y when ``transform_x`` is a Transform; identity by default.
        name : str, optional
            The new task's name; by default the transform's name, a dash and this
            task's name, as in the benchmark.

        Returns
        -------
        Task
        """
        if isinstance(transform_x, str):
            if transform_y is not None:
                raise ValueError("transform_y is only used with Transform objects")
            kind = "swissroll_x" if transform_x == "swissroll" else transform_x
            tx, ty = _benchmark_transforms(kind, self.dim_x, self.dim_y)
            prefix = kind
        else:
            tx = transform_x
            ty = Identity() if transform_y is None else transform_y
            for t in (tx, ty):
                if not isinstance(t, Transform):
                    raise TypeError(f"expected a Transform or a string; got {t!r}")
            prefix = tx.name if isinstance(ty, Identity) or ty.name == tx.name \
                else f"{tx.name}_{ty.name}"
        sampler = _Transformed(self.sampler, self.dim_x, tx, ty)
        return Task(
            name=name or f"{prefix}-{self.name}",
            dim_x=tx.output_dim(self.dim_x),
            dim_y=ty.output_dim(self.dim_y),
            mi=self.mi,
            sampler=sampler,
            params=dict(self.params),
        )


def _check_dims(dim_x, dim_y):
    for label, d in (("dim_x", dim_x), ("dim_y", dim_y)):
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"{label} must be a positive integer; got {d!r}")


def _scatter_matrix(matrix, dim_x, name):
    """``matrix`` as a float64 array, checked as the (d, d) symmetric positive definite
    scatter of an (X, Y) whose first ``dim_x`` coordinates are X."""
    matrix = np.asarray(matrix, dtype=np.float64)
    _check_dims(dim_x, matrix.shape[0] - dim_x)
    if not np.allclose(matrix, matrix.T):
        raise ValueError(f"{name} must be symmetric")
    if np.linalg.eigvalsh(matrix).min() <= 0:
        raise ValueError(f"{name} must be positive definite")
    return matrix


def _elliptical_task(name, default_name, scatter, dim_x, **task):
    """The Task of an (X, Y) with the given scatter matrix, X its first ``dim_x``
    coordinates; named ``name`` or else ``default_name`` formatted with dim_x, dim_y."""
    dim_y = scatter.shape[0] - dim_x
    return Task(name=name or default_name.format(dim_x, dim_y), dim_x=int(dim_x),
                dim_y=int(dim_y), **task)


def multinormal(covariance, dim_x, *, name=None):
    """A Gaussian (X, Y) with the given covariance, X the first ``dim_x`` coordinates.

    Parameters
    ----------
    covariance : array-like of shape (d, d)
        Symmetric positive definite.
    dim_x : int
        ``1 <= dim_x < d``.
    name : str, optional

    Returns
    -------
    Task
    """
    covariance = _scatter_matrix(covariance, dim_x, "covariance")
    return _elliptical_task(
        name, "multinormal-{}-{}", covariance, dim_x, mi=multinormal_mi(covariance, dim_x),
        sampler=_Normal(covariance), params={"covariance": covariance},
    )


def bivariate_normal(correlation=0.75):
    """Two standard normals with the given correlation: ``"1v1-normal-<correlation>"``.

    MI is :math:`-\\tfrac12 \\log(1 - \\rho^2)`.

    Parameters
    ----------
    correlation : float, default=0.75
        In (-1, 1).

    Returns
    -------
    Task
    """
    if not -1 < correlation < 1:
        raise ValueError(f"correlation must be in (-1, 1); got {correlation}")
    task = multinormal([[1.0, correlation], [correlation, 1.0]], 1,
                       name=f"1v1-normal-{correlation}")
    return _with_params(task, correlation=correlation)


def multinormal_dense(dim_x, dim_y, off_diag=0.5):
    """Standard normal coordinates, every pair correlated by ``off_diag``.

    Named ``"multinormal-dense-<dim_x>-<dim_y>-<off_diag>"``.

    Parameters
    ----------
    dim_x, dim_y : int
    off_diag : float
        The common correlation, in ``(-1 / (dim_x + dim_y - 1), 1)``.

    Returns
    -------
    Task
    """
    _check_dims(dim_x, dim_y)
    d = dim_x + dim_y
    covariance = np.full((d, d), float(off_diag))
    np.fill_diagonal(covariance, 1.0)
    task = multinormal(covariance, dim_x,
                       name=f"multinormal-dense-{dim_x}-{dim_y}-{off_diag}")
    return _with_params(task, off_diag=off_diag)


def _sparse_correlation(dim_x, dim_y, n_interacting, strength):
    # The benchmark's latent-variable model with only pairwise latents: X_i = Z_i + E_i,
    # Y_i = Z_i + F_i (Z weighted by strength, E and F unit noise) for i < n_interacting,
    # the others independent; standardised, each pair correlates by s^2 / (1 + s^2).
    _check_dims(dim_x, dim_y)
    if not 0 <= n_interacting <= min(dim_x, dim_y):
        raise ValueError(
            f"n_interacting={n_interacting} must be between 0 and min(dim_x, dim_y)="
            f"{min(dim_x, dim_y)}"
        )
    rho = strength**2 / (1.0 + strength**2)
    corr = np.eye(dim_x + dim_y)
    for i in range(n_interacting):
        corr[i, dim_x + i] = corr[dim_x + i, i] = rho
    return corr


def multinormal_sparse(dim_x, dim_y, n_interacting=2, strength=2.0):
    """Standard normals where only ``n_interacting`` pairs (X_i, Y_i) are correlated.

    Each interacting pair has correlation ``strength**2 / (1 + strength**2)`` (0.8 for
    the default 2.0); the other coordinates are independent noise, so the MI does not
    grow with the dimension. Named
    ``"multinormal-sparse-<dim_x>-<dim_y>-<n_interacting>-<strength>"``.

    Parameters
    ----------
    dim_x, dim_y : int
    n_interacting : int
        At most ``min(dim_x, dim_y)``.
    strength : float

    Returns
    -------
    Task
    """
    corr = _sparse_correlation(dim_x, dim_y, n_interacting, strength)
    task = multinormal(corr, dim_x,
                       name=f"multinormal-sparse-{dim_x}-{dim_y}-{n_interacting}-{strength}")
    return _with_params(task, n_interacting=n_interacting, strength=strength)


def student_t(dispersion, dim_x, df, *, name=None):
    """A multivariate Student-t (X, Y) with the given dispersion and degrees of freedom.

    Sampled as a Gaussian divided by :math:`\\sqrt{W / \\nu}`, :math:`W \\sim \\chi^2_\\nu`;
    MI from :func:`student_t_mi`.

    Parameters
    ----------
    dispersion : array-like of shape (d, d)
    dim_x : int
    df : float
        Degrees of freedom, positive; 1 is the Cauchy (no mean, no variance).
    name : str, optional

    Returns
    -------
    Task
    """
    dispersion = _scatter_matrix(dispersion, dim_x, "dispersion")
    return _elliptical_task(
        name, f"student-{{}}-{{}}-{df}", dispersion, dim_x,
        mi=student_t_mi(dispersion, dim_x, df), sampler=_StudentT(dispersion, df),
        params={"dispersion": dispersion, "df": df},
    )


def student_identity(dim_x, dim_y, df):
    """Student-t with an identity dispersion: ``"student-identity-<dim_x>-<dim_y>-<df>"``.

    Uncorrelated, yet dependent through the shared scale: all the MI is the
    Student-t correction of :func:`student_t_mi`, which shrinks as ``df`` grows.

    Parameters
    ----------
    dim_x, dim_y : int
    df : float
        Degrees of freedom, positive.

    Returns
    -------
    Task
    """
    _check_dims(dim_x, dim_y)
    return student_t(np.eye(dim_x + dim_y), dim_x, df,
                     name=f"student-identity-{dim_x}-{dim_y}-{df}")


def additive_uniform(epsilon):
    """:math:`X \\sim U(0, 1)`, :math:`Y = X + U(-\\epsilon, \\epsilon)`.

    Named ``"1v1-additive-<epsilon>"``.

    MI from :func:`additive_uniform_mi`. The densities have edges, which KSG handles and
    smooth critics find hard for a small epsilon.

    Parameters
    ----------
    epsilon : float
        Half-width of the noise, positive.

    Returns
    -------
    Task
    """
    return Task(
        name=f"1v1-additive-{epsilon}", dim_x=1, dim_y=1,
        mi=additive_uniform_mi(epsilon),
        sampler=_AdditiveUniform(float(epsilon)),
        params={"epsilon": epsilon},
    )


def bimodal(correlation=0.75):
    """A Gaussian copula with bimodal margins: ``"1v1-bimodal-<correlation>"``.

    The bivariate normal pushed through the normal CDF and then through the quantile
    functions of the mixtures ``0.3 N(0, 1) + 0.7 N(5, 1)`` (X) and
    ``0.5 N(-1, 1) + 0.5 N(3, 1)`` (Y); MI that of the bivariate normal.

    Parameters
    ----------
    correlation : float, default=0.75
        Correlation of the underlying bivariate normal.

    Returns
    -------
    Task
    """
    base = bivariate_normal(correlation).transform("normal_cdf")
    return base.transform(
        MixtureQuantile((0.3, 0.7), (0.0, 5.0)),
        MixtureQuantile((0.5, 0.5), (-1.0, 3.0)),
        name=f"1v1-bimodal-{correlation}",
    )


def _with_params(task, **params):
    return Task(task.name, task.dim_x, task.dim_y, task.mi, task.sampler,
                {**task.params, **params})
