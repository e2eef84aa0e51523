"""Every public estimator passes scikit-learn's estimator checks, with its fast
parameters (conftest.INIT_PARAMS); and the registry's tags say what each one is."""

import pytest
from sklearn.linear_model import LinearRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

import skmist
from conftest import INIT_PARAMS, expected_failed_checks, fast_instance
from skmist.estimators import all_estimators
from skmist.estimators._registry import FAMILIES, entry_of, is_trained

ENTRIES = all_estimators()

# The checks fit 10-30 rows, where every estimate has a standard error above the
# warning threshold: the warning is right there and not what these checks test.
pytestmark = pytest.mark.filterwarnings("ignore::skmist.UnreliableEstimateWarning")


@parametrize_with_checks([fast_instance(entry.cls) for entry in ENTRIES],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_estimator_has_fast_parameters():
    assert set(INIT_PARAMS) == {entry.cls for entry in ENTRIES}


# What each estimate bounds (MITags); every other estimator's is an "estimate".
BOUNDS = {
    "lower": {"NWJEstimator", "InfoNCEEstimator", "TUBAEstimator", "AlphaTUBAEstimator",
              "JSEstimator", "FLOEstimator", "BAEstimator", "PQEstimator",
              "ClassifierEstimator", "RegressorEstimator"},
    "upper": {"CLUBEstimator", "L1OUTEstimator"},
    "biased": {"MINEEstimator"},
}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_tags_say_what_the_score_means(entry):
    expected = next((bound for bound, names in BOUNDS.items()
                     if entry.cls.__name__ in names), "estimate")
    tags = entry.cls().__sklearn_tags__()
    assert entry.mi_bound == tags.mi_bound == expected
    # An entropy estimator fits X alone.
    assert entry.requires_y == tags.target_tags.required \
        == (entry.cls.__name__ != "MINDEEntropy")


def test_the_registry_lists_every_estimator_with_its_tags():
    assert {entry.cls.__name__ for entry in ENTRIES} == set(skmist.estimators.__all__)
    assert [entry.name for entry in ENTRIES] == sorted(entry.name for entry in ENTRIES)
    assert all(entry.name == entry.cls.__name__.removesuffix("Estimator").lower()
               for entry in ENTRIES)

    def names(**tags):
        return {entry.name for entry in all_estimators(**tags)}

    assert names(family="discriminative") == {
        "nwj", "mine", "infonce", "tuba", "alphatuba", "js", "smile", "flo"}
    assert names(family="generative") == {"ba", "doe", "gm", "club", "l1out"}
    assert names(family="quantized") == {"binned", "classifier", "pq", "regressor"}
    assert names(family="hybrid") == {"hybrid"}
    assert names(family="nonparametric") == {"ksg", "kde", "histogram", "gaussian"}
    assert names(family="diffusion") == {"minde", "mmg", "mindeentropy"}
    assert names(family="conditional") == {"conditionalksg", "chainrulecmi"}
    assert names(family=FAMILIES) == {entry.name for entry in ENTRIES}
    assert names(trained=False) == {"ksg", "kde", "histogram", "gaussian", "conditionalksg"}
    assert names(conditional=True) == {"conditionalksg", "chainrulecmi"}
    assert names(requires_y=False) == {"mindeentropy"}
    assert names(needs_entropy_y=True) == {"ba"}
    assert names(mi_bound=("upper", "biased")) == {"club", "l1out", "mine"}
    with pytest.raises(TypeError, match=r"unknown tag\(s\) \['colour'\]"):
        all_estimators(colour="red")


def test_an_instance_or_subclass_has_its_class_entry():
    class MyKSG(skmist.KSGEstimator):
        pass

    assert entry_of(skmist.KSGEstimator()).name == "ksg"
    assert entry_of(MyKSG).cls is skmist.KSGEstimator
    assert entry_of(skmist.MMGEstimator()).name == "mmg"  # not its parent's, MINDE's
    assert entry_of(LinearRegression()) is None
    assert not is_trained(MyKSG()) and is_trained(skmist.SMILEEstimator())
    # One from elsewhere is scored on held-out rows, as a trained one is.
    assert is_trained(LinearRegression())
