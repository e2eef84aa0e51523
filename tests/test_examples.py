"""The examples run as a user runs them (the README's first command runs quickstart;
the others are the documentation's gallery)."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_gallery_examples_exist():
    names = {path.name for path in EXAMPLES}
    assert "quickstart.py" in names
    assert len([name for name in names if name.startswith("plot_")]) >= 6


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, tmp_path):
    if path.name.startswith("plot_"):
        pytest.importorskip("matplotlib")
    env = {
        **os.environ,
        # The source tree under test, whether or not (or wherever) skmist is installed.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        # No display: figures are drawn but not shown (plt.show() is a no-op).
        "MPLBACKEND": "Agg",
    }
    # Run from an empty folder, so that an example writing files would not litter the
    # repository (and would be noticed below).
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=600, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "nats" in out.stdout
    assert not any(tmp_path.iterdir()), f"{path.name} wrote {list(tmp_path.iterdir())}"
    if "quickstart" in path.name:
        # The README says skmist's KSG reproduces mutual_info_regression: the quick
        # starts print the two side by side, and they must agree.
        gap = re.search(r"largest difference from mutual_info_regression: (\S+) nats",
                        out.stdout)
        assert gap and float(gap[1]) < 1e-9, out.stdout
