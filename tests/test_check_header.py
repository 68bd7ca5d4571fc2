"""`swl-viz check` says which loss it checked: under --loss mse its header said only
"variant exact", and the numbers below it were squared error's."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "named"),
    [([], "loss cross-entropy"), (["--loss", "mse"], "loss squared error"),
     (["--loss", "focal", "--gamma", "3"], "loss focal, γ = 3")],
)  # fmt: skip
def test_the_header_names_the_loss(args: list[str], named: str) -> None:
    done = subprocess.run([sys.executable, "-m", "swl_viz", "check", "--step", "4", *args],
                          capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    header = done.stdout.splitlines()[0]
    assert header.startswith("gradient check passed") and header.endswith(named), header
