import subprocess
import sys

import skmist


def test_console_script_prints_version_and_estimators():
    out = subprocess.run(
        [sys.executable, "-m", "skmist.cli"], capture_output=True, text=True, check=True
    ).stdout
    assert f"skmist {skmist.__version__}" in out
    for name in skmist.estimators.__all__:
        assert name in out
