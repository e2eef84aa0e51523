"""skmist.datasets: the Beyond Normal tasks against benchmark-mi's own values, transforms
(invertible, hence MI-preserving), samplers against their marginals, Monte-Carlo checks."""

import pickle

import numpy as np
import pytest
from scipy import special, stats

from skmist import KSGEstimator
from skmist.datasets import (
    Asinh,
    Compose,
    HalfCube,
    Identity,
    MixtureQuantile,
    NormalCDF,
    Spiral,
    SwissRoll,
    Task,
    Wiggly,
    additive_uniform_mi,
    get_task,
    list_tasks,
    load_task,
    multinormal_dense,
    multinormal_mi,
    multinormal_sparse,
    student_identity,
    student_t,
    student_t_mi,
)
from skmist.datasets._tasks import _benchmark_transforms

# Computed once from benchmark-mi 0.1.3 (pip install benchmark-mi, with jax 0.4.30), in a
# throwaway environment:
#     from bmi.benchmark.task_list import BENCHMARK_TASKS_LIST
#     [(t.id, t.mutual_information, t.dim_x, t.dim_y) for t in BENCHMARK_TASKS_LIST]
# Names, order, true MI in nats, dim_x, dim_y. bmi computes "1v1-additive-0.1" in JAX's
# float32 (0.1 - log 0.2 = 1.7094379124341003 in float64).
REFERENCE = {
    "1v1-normal-0.75": (0.41333928659223396, 1, 1),
    "normal_cdf-1v1-normal-0.75": (0.41333928659223396, 1, 1),
    "1v1-additive-0.1": (1.7094379663467407, 1, 1),
    "1v1-additive-0.75": (0.3333333333333333, 1, 1),
    "1v1-bimodal-0.75": (0.41333928659223396, 1, 1),
    "wiggly-1v1-normal-0.75": (0.41333928659223396, 1, 1),
    "half_cube-1v1-normal-0.75": (0.41333928659223396, 1, 1),
    "student-identity-1-1-1": (0.22417142752923613, 1, 1),
    "asinh-student-identity-1-1-1": (0.22417142752923613, 1, 1),
    "swissroll_x-normal_cdf-1v1-normal-0.75": (0.41333928659223396, 2, 1),
    "multinormal-dense-2-2-0.5": (0.2938933324510593, 2, 2),
    "multinormal-dense-3-3-0.5": (0.41333928659223407, 3, 3),
    "multinormal-dense-5-5-0.5": (0.5928118328288701, 5, 5),
    "multinormal-dense-25-25-0.5": (1.2921837216593204, 25, 25),
    "multinormal-dense-50-50-0.5": (1.6242653743036897, 50, 50),
    "multinormal-sparse-2-2-2-2.0": (1.0216512475319819, 2, 2),
    "multinormal-sparse-3-3-2-2.0": (1.0216512475319819, 3, 3),
    "multinormal-sparse-5-5-2-2.0": (1.021651247531981, 5, 5),
    "multinormal-sparse-25-25-2-2.0": (1.0216512475319774, 25, 25),
    "student-identity-2-2-1": (0.43194562200144127, 2, 2),
    "student-identity-2-2-2": (0.1931471805599454, 2, 2),
    "student-identity-3-3-2": (0.29092192268276484, 3, 3),
    "student-identity-3-3-3": (0.17871185309236282, 3, 3),
    "student-identity-5-5-2": (0.44815067691532917, 5, 5),
    "student-identity-5-5-3": (0.29854362265275824, 5, 5),
    "normal_cdf-multinormal-sparse-3-3-2-2.0": (1.0216512475319819, 3, 3),
    "normal_cdf-multinormal-sparse-5-5-2-2.0": (1.021651247531981, 5, 5),
    "normal_cdf-multinormal-sparse-25-25-2-2.0": (1.0216512475319774, 25, 25),
    "half_cube-multinormal-sparse-3-3-2-2.0": (1.0216512475319819, 3, 3),
    "half_cube-multinormal-sparse-5-5-2-2.0": (1.021651247531981, 5, 5),
    "half_cube-multinormal-sparse-25-25-2-2.0": (1.0216512475319774, 25, 25),
    "spiral-multinormal-sparse-3-3-2-2.0": (1.0216512475319819, 3, 3),
    "spiral-multinormal-sparse-5-5-2-2.0": (1.021651247531981, 5, 5),
    "spiral-multinormal-sparse-25-25-2-2.0": (1.0216512475319774, 25, 25),
    "spiral-normal_cdf-multinormal-sparse-3-3-2-2.0": (1.0216512475319819, 3, 3),
    "spiral-normal_cdf-multinormal-sparse-5-5-2-2.0": (1.021651247531981, 5, 5),
    "spiral-normal_cdf-multinormal-sparse-25-25-2-2.0": (1.0216512475319774, 25, 25),
    "asinh-student-identity-2-2-1": (0.43194562200144127, 2, 2),
    "asinh-student-identity-3-3-2": (0.29092192268276484, 3, 3),
    "asinh-student-identity-5-5-2": (0.44815067691532917, 5, 5),
}

# bmi's transforms at fixed points, computed once as above with
# jax.config.update("jax_enable_x64", True) and task.sampler.transform(x, y).
POINTS_1D = [-2.0, -0.5, 0.0, 0.3, 1.7]
REFERENCE_1D = {
    "wiggly": ([-2.508384557711, -0.636503077915, 0.150340032638, 0.587894002989,
                1.961519032312],
               [-1.560000937239, -0.351699916809, -0.071602591589, 0.117722460305,
                1.336385120508]),
    "half_cube": ([-2.828427124746, -0.353553390593, 0.0, 0.164316767252, 2.216528817769],) * 2,
    "normal_cdf": ([0.022750131948, 0.308537538726, 0.5, 0.617911422189, 0.955434537241],) * 2,
    "asinh": ([-1.443635475179, -0.48121182506, 0.0, 0.295673047563, 1.300820426841],) * 2,
}
QUANTILES = [0.01, 0.3, 0.5, 0.7, 0.99]
REFERENCE_BIMODAL = (
    [-1.833914635946, 2.349924526596, 4.434057008006, 5.180012490914, 7.189349755526],
    [-3.053748925246, -0.746884607236, 1.0, 2.746884607236, 5.053748925245],
)
REFERENCE_SWISSROLL = ([0.1, 0.5, 0.9], [[0.217851586814, -0.158278442613],
                                         [-0.448798950513, 0.0],
                                         [0.508320369232, 0.369316366098]])
REFERENCE_SPIRAL = {
    3: ([[0.3, -1.2, 0.5], [1.0, 0.0, -2.0]],
        [[0.919677733824, -0.827159516604, 0.5], [-0.095723548014, 0.995407957752, -2.0]],
        [[0.3, -1.274461699928, -0.256412510257], [1.0, 1.990815915504, 0.191447096029]]),
    5: ([[0.3, -1.2, 0.5, 0.8, -0.1], [1.0, 0.0, -2.0, 0.4, 1.1]],
        [[0.825773850922, -0.920922117843, 0.5, 0.8, -0.1],
         [0.292458109447, 0.956278335119, -2.0, 0.4, 1.1]],
        [[0.3, -1.29459635876, -0.118407212131, 0.8, -0.1],
         [1.0, 1.912556670239, -0.584916218894, 0.4, 1.1]]),
}

ONE_DIM_TASKS = list_tasks()[:10]  # the nine 1 x 1 tasks and the 2 x 1 swiss roll


# --- the suite and its ground truth ----------------------------------------------------


def test_list_tasks_is_the_benchmark_suite_in_its_order():
    assert list_tasks() == list(REFERENCE)
    assert len(list_tasks()) == 40


@pytest.mark.parametrize("name", list(REFERENCE))
def test_closed_form_mi_equals_benchmark_mi(name):
    mi, dim_x, dim_y = REFERENCE[name]
    task = get_task(name)
    assert task.name == name
    assert (task.dim_x, task.dim_y) == (dim_x, dim_y)
    # bmi's one float32 value is good to float32's 6e-8; the others agree to rounding.
    rel = 1e-7 if name == "1v1-additive-0.1" else 1e-12
    assert task.mi == pytest.approx(mi, rel=rel)
    X, y, loaded_mi = load_task(name, n_samples=7, random_state=0)
    assert X.shape == (7, dim_x) and y.shape == (7, dim_y)
    assert loaded_mi == task.mi
    assert np.isfinite(X).all() and np.isfinite(y).all()


def test_closed_forms():
    rho = 0.6
    assert multinormal_mi([[1, rho], [rho, 1]], 1) == pytest.approx(-0.5 * np.log(1 - rho**2))
    assert additive_uniform_mi(0.1) == pytest.approx(0.1 - np.log(0.2), rel=1e-15)
    assert additive_uniform_mi(2.0) == pytest.approx(0.125)
    # Student-t: the Gaussian MI of the dispersion plus a correction that vanishes as
    # df grows, and equals log 2 - 1/2 for 2 + 2 dimensions at df = 2.
    dispersion = np.array(multinormal_sparse(2, 2, 1, 1.0).params["covariance"])
    gaussian = multinormal_mi(dispersion, 2)
    assert student_t_mi(dispersion, 2, 1e7) == pytest.approx(gaussian, abs=1e-6)
    assert student_t_mi(np.eye(4), 2, 2) == pytest.approx(np.log(2) - 0.5, rel=1e-12)
    assert student_t_mi(dispersion, 2, 3) > gaussian
    with pytest.raises(ValueError, match="df must be positive"):
        student_t_mi(np.eye(2), 1, 0)
    with pytest.raises(ValueError, match="epsilon must be positive"):
        additive_uniform_mi(0.0)


def test_sparse_and_dense_covariances():
    sparse = multinormal_sparse(3, 4, n_interacting=2, strength=2.0).params["covariance"]
    expected = np.eye(7)
    expected[0, 3] = expected[3, 0] = expected[1, 4] = expected[4, 1] = 0.8
    np.testing.assert_allclose(sparse, expected)
    dense = multinormal_dense(2, 3, off_diag=0.3).params["covariance"]
    np.testing.assert_allclose(dense, 0.7 * np.eye(5) + 0.3)
    with pytest.raises(ValueError, match="n_interacting"):
        multinormal_sparse(2, 2, n_interacting=3)


# --- transforms --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(REFERENCE_1D))
def test_elementwise_transforms_match_the_benchmark(kind):
    tx, ty = _benchmark_transforms(kind, 1, 1)
    x = np.array(POINTS_1D)[:, None]
    expected_x, expected_y = REFERENCE_1D[kind]
    np.testing.assert_allclose(tx(x)[:, 0], expected_x, atol=1e-11)
    np.testing.assert_allclose(ty(x)[:, 0], expected_y, atol=1e-11)


def test_bimodal_swissroll_and_spiral_match_the_benchmark():
    task = get_task("1v1-bimodal-0.75")
    u = np.array(QUANTILES)
    qx, qy = task.sampler.transform_x, task.sampler.transform_y
    np.testing.assert_allclose(qx(u), REFERENCE_BIMODAL[0], atol=1e-9)
    np.testing.assert_allclose(qy(u), REFERENCE_BIMODAL[1], atol=1e-9)
    u, expected = REFERENCE_SWISSROLL
    np.testing.assert_allclose(SwissRoll()(np.array(u)[:, None]), expected, atol=1e-11)
    for dim, (points, expected_x, expected_y) in REFERENCE_SPIRAL.items():
        tx, ty = _benchmark_transforms("spiral", dim, dim)
        np.testing.assert_allclose(tx(np.array(points)), expected_x, atol=1e-11)
        np.testing.assert_allclose(ty(np.array(points)), expected_y, atol=1e-11)


WIGGLY_Y = Wiggly(amplitudes=(-0.4, 0.17, 0.02), frequencies=(0.4, 1.3, 4.3),
                  phases=(0.0, 3.5, -2.5))
ELEMENTWISE = [HalfCube(), Asinh(), NormalCDF(), Wiggly(), WIGGLY_Y, Identity()]


@pytest.mark.parametrize("transform", ELEMENTWISE, ids=repr)
def test_elementwise_transforms_are_strictly_increasing_and_invertible(transform):
    x = np.sort(np.random.default_rng(0).normal(scale=2.0, size=(2000, 1)), axis=0)
    z = transform(x)
    assert (np.diff(z[:, 0]) > 0).all()
    np.testing.assert_allclose(transform.inverse(z), x, atol=1e-9)


@pytest.mark.parametrize("transform", [
    Spiral((0, 1), 1 / 3), Spiral((1, 2), 1 / 3), Spiral((0, 4), 2.0),
    Compose(NormalCDF(), Spiral((1, 2), 0.2), HalfCube()),
], ids=repr)
def test_vector_transforms_are_invertible(transform):
    x = np.random.default_rng(1).normal(size=(2000, 5))
    z = transform(x)
    assert z.shape == x.shape
    np.testing.assert_allclose(transform.inverse(z), x, atol=1e-9)
    assert not np.allclose(z, x)


def test_spiral_keeps_the_norm():
    x = np.random.default_rng(2).normal(size=(100, 3))
    np.testing.assert_allclose(np.linalg.norm(Spiral((0, 2), 0.7)(x), axis=1),
                               np.linalg.norm(x, axis=1))


def test_swissroll_and_mixture_quantile_are_invertible():
    u = np.random.default_rng(3).uniform(size=(2000, 1))
    np.testing.assert_allclose(SwissRoll().inverse(SwissRoll()(u)), u, atol=1e-12)
    mixture = MixtureQuantile((0.3, 0.7), (0.0, 5.0))
    np.testing.assert_allclose(mixture.inverse(mixture(u)), u, atol=1e-12)
    u = np.array([1e-300, 1e-12, 0.5, 1 - 1e-12, 1.0])  # tails stay finite and ordered
    q = mixture(u)
    assert np.isfinite(q).all() and (np.diff(q) >= 0).all()


def test_transform_validation():
    with pytest.raises(ValueError, match="strictly increasing"):
        Wiggly(amplitudes=(0.9,), frequencies=(2.0,), phases=(0.0,))
    with pytest.raises(ValueError, match="sum to 1"):
        MixtureQuantile((0.5, 0.6), (0.0, 1.0))
    with pytest.raises(ValueError, match="plane"):
        Spiral((1, 1))
    with pytest.raises(ValueError, match="more than 2 features"):
        Spiral((0, 2))(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="dim_y >= 3"):
        get_task("1v1-normal-0.75").transform("spiral")
    with pytest.raises(ValueError, match="unknown transform"):
        get_task("1v1-normal-0.75").transform("cube")


# --- tasks: composition, reproducibility, names ----------------------------------------


def test_a_transformed_task_transforms_the_base_samples():
    base = multinormal_sparse(3, 3)
    task = base.transform("normal_cdf").transform("spiral")
    assert task.name == "spiral-normal_cdf-multinormal-sparse-3-3-2-2.0"
    assert task.mi == base.mi
    x, y = base.sample(500, random_state=4)
    tx, ty = task.sample(500, random_state=4)
    np.testing.assert_allclose(tx, Spiral((0, 1), 1 / 3)(NormalCDF()(x)))
    np.testing.assert_allclose(ty, Spiral((1, 2), 1 / 3)(NormalCDF()(y)))
    # Transform objects: X only unless a map of Y is given; the names follow.
    half = base.transform(HalfCube())
    assert half.name == "half_cube-multinormal-sparse-3-3-2-2.0"
    np.testing.assert_allclose(half.sample(50, 4)[1], base.sample(50, 4)[1])
    assert base.transform(Asinh(), HalfCube(), name="mine").name == "mine"
    with pytest.raises(TypeError, match="Transform"):
        base.transform(np.arcsinh, HalfCube())


def test_random_state_reproducibility():
    name = "spiral-normal_cdf-multinormal-sparse-5-5-2-2.0"
    X1, y1, _ = load_task(name, n_samples=300, random_state=7)
    X2, y2, _ = load_task(name, n_samples=300, random_state=7)
    X3, _, _ = load_task(name, n_samples=300, random_state=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)
    X4, _ = get_task(name).sample(300, np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X4)
    Xa, _ = get_task(name).sample(10, np.random.RandomState(0))
    Xb, _ = get_task(name).sample(10, np.random.RandomState(0))
    np.testing.assert_array_equal(Xa, Xb)
    with pytest.raises(ValueError, match="random_state"):
        load_task(name, random_state="seven")
    with pytest.raises(ValueError, match="n_samples"):
        load_task(name, n_samples=0)


@pytest.mark.parametrize("bad, close", [
    ("multinormal-spars-5-5-2-2.0", "multinormal-sparse-5-5-2-2.0"),
    ("1v1-normal-O.75", "1v1-normal-0.75"),
    ("half-cube-multinormal-sparse-3-3-2-2.0", "half_cube-multinormal-sparse-3-3-2-2.0"),
])
def test_a_bad_name_lists_close_matches(bad, close):
    with pytest.raises(ValueError, match="unknown task") as info:
        load_task(bad)
    assert repr(close) in str(info.value)
    assert "list_tasks()" in str(info.value)


def test_names_outside_the_suite_follow_the_grammar():
    task = get_task("asinh-student-identity-4-4-5")
    assert task.mi == pytest.approx(student_t_mi(np.eye(8), 4, 5))
    assert (task.dim_x, task.dim_y) == (4, 4)
    assert get_task("multinormal-sparse-5-5-2-2").name == "multinormal-sparse-5-5-2-2.0"
    assert get_task("wiggly-half_cube-1v1-normal--0.5").mi == pytest.approx(
        -0.5 * np.log(0.75))
    with pytest.raises(ValueError, match="student-identity-2-2-0.*df must be positive"):
        get_task("student-identity-2-2-0")
    with pytest.raises(ValueError, match="n_interacting"):
        get_task("multinormal-sparse-2-2-3-2.0")
    with pytest.raises(TypeError, match="string"):
        get_task(3)


def test_tasks_pickle():
    task = get_task("spiral-normal_cdf-multinormal-sparse-3-3-2-2.0")
    again = pickle.loads(pickle.dumps(task))
    np.testing.assert_array_equal(again.sample(20, 0)[0], task.sample(20, 0)[0])
    assert isinstance(again, Task) and again == task


# --- samplers against their marginals (Kolmogorov-Smirnov) ------------------------------
# One fixed seed each, so the p-values are deterministic; a threshold of 1e-3 still
# catches a wrong scale, shift or family.

N_KS = 5000


def _columns(name):
    X, y, _ = load_task(name, n_samples=N_KS, random_state=0)
    return np.concatenate([X, y], axis=1)


@pytest.mark.parametrize("name", ["multinormal-dense-5-5-0.5", "multinormal-sparse-3-3-2-2.0",
                                  "1v1-normal-0.75"])
def test_normal_margins(name):
    for column in _columns(name).T:
        assert stats.kstest(column, stats.norm.cdf).pvalue > 1e-3


@pytest.mark.parametrize("name", ["student-identity-1-1-1", "student-identity-3-3-2",
                                  "student-identity-5-5-3"])
def test_student_margins(name):
    df = int(name.rsplit("-", 1)[1])
    for column in _columns(name).T:
        assert stats.kstest(column, stats.t(df).cdf).pvalue > 1e-3


@pytest.mark.parametrize("name, cdf", [
    ("normal_cdf-multinormal-sparse-3-3-2-2.0", stats.uniform.cdf),
    ("half_cube-1v1-normal-0.75", lambda z: special.ndtr(HalfCube().inverse(z))),
    ("asinh-student-identity-2-2-1", lambda z: stats.t(1).cdf(np.sinh(z))),
    ("wiggly-1v1-normal-0.75", None),
    ("1v1-bimodal-0.75", None),
])
def test_transformed_margins(name, cdf):
    columns = _columns(name)
    if name.startswith("wiggly"):
        cdfs = [lambda z: special.ndtr(Wiggly().inverse(z)),
                lambda z: special.ndtr(WIGGLY_Y.inverse(z))]
    elif name.startswith("1v1-bimodal"):
        cdfs = [MixtureQuantile((0.3, 0.7), (0.0, 5.0)).cdf,
                MixtureQuantile((0.5, 0.5), (-1.0, 3.0)).cdf]
    else:
        cdfs = [cdf] * columns.shape[1]
    for column, f in zip(columns.T, cdfs):
        assert stats.kstest(column, f).pvalue > 1e-3


def test_additive_uniform_and_swissroll_margins():
    X, y, _ = load_task("1v1-additive-0.1", n_samples=N_KS, random_state=0)
    assert stats.kstest(X[:, 0], stats.uniform.cdf).pvalue > 1e-3
    assert stats.kstest(y[:, 0] - X[:, 0], stats.uniform(-0.1, 0.2).cdf).pvalue > 1e-3
    X, _, _ = load_task("swissroll_x-normal_cdf-1v1-normal-0.75", n_samples=N_KS,
                        random_state=0)
    # The radius of the roll is uniform: the embedded variable is Phi of a normal.
    radius = 21 * np.linalg.norm(X, axis=1)
    assert stats.kstest(radius, stats.uniform(1.5 * np.pi, 3 * np.pi).cdf).pvalue > 1e-3


# --- Monte-Carlo checks of the non-Gaussian ground truth ---------------------------------


@pytest.mark.parametrize("name", [n for n in list_tasks() if n.startswith("student")])
def test_student_mi_is_the_mean_log_density_ratio(name):
    # I = E[log p(x, y) - log p(x) - log p(y)], from the exact densities: checks the
    # closed form (and the sampler) without any estimator's bias.
    task = get_task(name)
    df = task.params["df"]
    X, y = task.sample(200_000, random_state=0)
    d = task.dim_x + task.dim_y
    log_ratio = (stats.multivariate_t(np.zeros(d), np.eye(d), df=df).logpdf(np.c_[X, y])
                 - stats.multivariate_t(np.zeros(task.dim_x), np.eye(task.dim_x),
                                        df=df).logpdf(X)
                 - stats.multivariate_t(np.zeros(task.dim_y), np.eye(task.dim_y),
                                        df=df).logpdf(y))
    standard_error = log_ratio.std() / np.sqrt(len(log_ratio))
    assert abs(log_ratio.mean() - task.mi) < max(5 * standard_error, 0.005)


@pytest.mark.parametrize("epsilon", [0.1, 0.75])
def test_additive_uniform_mi_is_the_mean_log_density_ratio(epsilon):
    X, y, mi = load_task(f"1v1-additive-{epsilon}", n_samples=200_000, random_state=0)
    y = y[:, 0]
    # p(y | x) = 1 / (2 eps); p(y) = |[y - eps, y + eps] intersect [0, 1]| / (2 eps).
    p_y = (np.minimum(y + epsilon, 1) - np.maximum(y - epsilon, 0)) / (2 * epsilon)
    log_ratio = -np.log(2 * epsilon) - np.log(p_y)
    assert log_ratio.mean() == pytest.approx(mi, abs=5 * log_ratio.std() / np.sqrt(len(y)))


@pytest.mark.parametrize("name", ONE_DIM_TASKS)
def test_ksg_on_50k_samples_recovers_the_mi_of_the_low_dimensional_tasks(name):
    X, y, mi = load_task(name, n_samples=50_000, random_state=0)
    estimate = KSGEstimator(random_state=0).fit(X, y[:, 0]).mi_
    assert estimate == pytest.approx(mi, abs=0.05)


@pytest.mark.parametrize("name", [n for n in list_tasks() if "multinormal" in n
                                  and not n.startswith(("spiral", "half", "normal"))])
def test_sample_covariance_of_the_gaussian_tasks(name):
    task = get_task(name)
    X, y = task.sample(20_000, random_state=0)
    sample = np.cov(np.c_[X, y].T)
    # The standard error of each entry is about 0.007; 0.04 is 5-6 of them.
    np.testing.assert_allclose(sample, task.params["covariance"], atol=0.04)


@pytest.mark.slow
@pytest.mark.parametrize("name", ONE_DIM_TASKS)
def test_ksg_on_400k_samples_is_within_002(name):
    X, y, mi = load_task(name, n_samples=400_000, random_state=1)
    estimate = KSGEstimator(random_state=0).fit(X, y[:, 0]).mi_
    assert estimate == pytest.approx(mi, abs=0.02)


def test_student_t_with_a_dispersion():
    dispersion = multinormal_dense(2, 2, 0.4).params["covariance"]
    task = student_t(dispersion, 2, df=4)
    assert task.mi == pytest.approx(multinormal_mi(dispersion, 2)
                                    + student_identity(2, 2, 4).mi)
