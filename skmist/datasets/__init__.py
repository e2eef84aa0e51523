"""Ground truth for MI estimators: distributions with closed-form MI, and transforms
that keep it.

The tasks of the "Beyond Normal" benchmark (Czyz et al., NeurIPS 2023; the
``benchmark-mi`` package), in NumPy, under the benchmark's names::

    from skmist.datasets import list_tasks, load_task
    X, y, mi = load_task("spiral-normal_cdf-multinormal-sparse-3-3-2-2.0", n_samples=10_000)

Build other tasks from the families (:func:`multinormal_sparse`, :func:`student_identity`,
...) and compose transforms with :meth:`Task.transform`.

References
----------
P. Czyz, F. Grabowski, J. E. Vogt, N. Beerenwinkel and A. Marx, "Beyond Normal: On the
Evaluation of Mutual Information Estimators", NeurIPS 2023.
"""

from ._closed_forms import *  # noqa: F401,F403
from ._closed_forms import __all__ as _closed_forms_all
from ._conditional import *  # noqa: F401,F403
from ._conditional import __all__ as _conditional_all
from ._registry import *  # noqa: F401,F403
from ._registry import __all__ as _registry_all
from ._tasks import *  # noqa: F401,F403
from ._tasks import __all__ as _tasks_all
from ._transforms import *  # noqa: F401,F403
from ._transforms import __all__ as _transforms_all

__all__ = [*_closed_forms_all, *_conditional_all, *_registry_all, *_tasks_all, *_transforms_all]
