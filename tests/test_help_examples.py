"""Every example in a command's help runs as printed, in an empty folder, and writes only under
outputs/ (pasting `--out surface.svg` from `surface -h` used to leave files beside the user's
own; `check -h`'s last example failed). The explorer's need a display, and demo's reads the
user's own files: those are left out."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from swl_viz.cli import app

EXAMPLES = [
    line
    for command in app.registered_commands
    for line in (command.epilog or "").split("\n")
    if line.startswith("swl-viz ")
]
LEFT_OUT = ("swl-viz explore", "swl-viz demo --logits")
#: An example that fails on purpose, and says why: the book's gradient is not its loss's.
FAILS = {"swl-viz check --variant book": "The book's log(y + 1e-7) bends the loss"}


def test_every_command_shows_examples() -> None:
    named = {shlex.split(line)[1] for line in EXAMPLES}
    assert {"surface", "quiver", "contour", "pair", "slice", "losses", "simplex", "export",
            "demo", "check", "data", "explore"} <= named  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("line", [e for e in EXAMPLES if not e.startswith(LEFT_OUT)])
def test_a_help_example_runs_and_writes_only_under_outputs(line: str, tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "agg"}
    done = subprocess.run(
        [sys.executable, "-m", "swl_viz", *shlex.split(line)[1:]], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    if line in FAILS:
        assert done.returncode == 1 and FAILS[line] in done.stdout, (line, done.stdout)
    else:
        assert done.returncode == 0, (line, done.stderr)
    stray = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.parts[len(tmp_path.parts)] != "outputs"
    ]
    assert not stray, (line, stray)
