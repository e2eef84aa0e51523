"""The CUDA path: fit on a GPU, pickle, load and score on a machine without one.

Skipped where no CUDA device is present (CI has none)."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch

from skmist import InfoNCEEstimator, SMILEEstimator
from conftest import gaussian_pair

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]
SMALL = dict(hidden_dims=(32,), max_iter=300, batch_size=128, n_negatives=64)


def test_fit_on_cuda_and_auto_picks_it():
    x, y = gaussian_pair(2000, 2, 0.5, seed=0)
    est = SMILEEstimator(random_state=0, **SMALL).fit(x, y)
    assert est.device_.type == "cuda"
    assert next(est.model_.parameters()).is_cuda
    assert 0.3 < est.score(x, y) < 0.7


def test_cuda_tensors_are_not_forced_through_numpy():
    x, y = gaussian_pair(2000, 2, 0.5, seed=0)
    xt = torch.tensor(x, device="cuda", dtype=torch.float32, requires_grad=True)
    yt = torch.tensor(y, device="cuda", dtype=torch.float32)
    est = InfoNCEEstimator(device="cuda", random_state=0, **SMALL).fit(xt, yt)
    assert 0.3 < est.score(xt, yt) < 0.6


def test_fitted_on_cuda_loads_and_scores_without_cuda(tmp_path):
    x, y = gaussian_pair(2000, 2, 0.5, seed=0)
    est = SMILEEstimator(device="cuda", random_state=0, **SMALL).fit(x, y)
    path = tmp_path / "est.pkl"
    path.write_bytes(pickle.dumps(est))
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    # The live estimator was not moved by pickling.
    assert next(est.model_.parameters()).is_cuda
    code = (
        "import pickle, warnings, numpy as np, torch\n"
        "assert not torch.cuda.is_available()\n"
        f"x = np.load({str(tmp_path / 'x.npy')!r}); y = np.load({str(tmp_path / 'y.npy')!r})\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        f"    est = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "assert any('not available here' in str(m.message) for m in w)\n"
        "assert est.device_.type == 'cpu'\n"
        "print(est.score(x, y))\n"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    # Negatives are drawn on the CPU, so both devices score the same pairs.
    assert float(out.stdout) == pytest.approx(est.score(x, y), abs=1e-4)
