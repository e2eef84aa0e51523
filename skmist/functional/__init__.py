"""Pure, differentiable torch functions for mutual information.

Tensors in, a tensor out, no state: the same functions serve the estimators in
:mod:`skmist.estimators` and a user who wants MI inside a loss.
"""

from ._bounds import *  # noqa: F401,F403
from ._bounds import __all__ as _bounds_all
from ._conditional import *  # noqa: F401,F403
from ._conditional import __all__ as _conditional_all
from ._generative import *  # noqa: F401,F403
from ._generative import __all__ as _generative_all
from ._diffusion import *  # noqa: F401,F403
from ._diffusion import __all__ as _diffusion_all
from ._jitter import *  # noqa: F401,F403
from ._jitter import __all__ as _jitter_all
from ._nonparametric import *  # noqa: F401,F403
from ._nonparametric import __all__ as _nonparametric_all

__all__ = [*_bounds_all, *_conditional_all, *_diffusion_all, *_generative_all, *_jitter_all,
           *_nonparametric_all]
