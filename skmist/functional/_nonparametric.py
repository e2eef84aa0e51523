"""Nonparametric MI and entropy estimators (KSG, KDE, histograms, Gaussian).

One module per family; this one gathers their public names for
:mod:`skmist.functional`.
"""

from ._featurewise import *  # noqa: F401,F403
from ._featurewise import __all__ as _featurewise_all
from ._gaussian import *  # noqa: F401,F403
from ._gaussian import __all__ as _gaussian_all
from ._histogram import *  # noqa: F401,F403
from ._histogram import __all__ as _histogram_all
from ._kde import *  # noqa: F401,F403
from ._kde import __all__ as _kde_all
from ._ksg import *  # noqa: F401,F403
from ._ksg import __all__ as _ksg_all

__all__ = [*_ksg_all, *_featurewise_all, *_kde_all, *_histogram_all, *_gaussian_all]
