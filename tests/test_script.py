"""The ``swl-viz`` script leaves as soon as its command is done (``os._exit``), skipping the
interpreter's teardown: what it printed must all arrive, its exit status must be the command's,
and under coverage (which writes its data as Python exits) it must leave the usual way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = "import sys; from swl_viz.__main__ import script; sys.exit(script())"


def _script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], cwd=cwd, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip


def test_everything_printed_arrives_and_the_status_is_the_commands(tmp_path: Path) -> None:
    done = _script("demo", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    worked = json.loads(done.stdout)  # the whole document: nothing lost in a buffer
    assert len(worked["Y"]) == 3
    bad = _script("contour", "--step", "-1", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--step" in bad.stderr and "Traceback" not in bad.stderr


def test_a_figure_is_complete_when_the_script_has_left(tmp_path: Path) -> None:
    from PIL import Image

    done = _script("contour", "--out", "c.png", "--dpi", "40", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with Image.open(tmp_path / "c.png") as image:
        image.load()  # a truncated file fails here
    assert not list(tmp_path.glob("*.part"))


def test_the_teardown_is_skipped_only_when_no_tool_needs_it(tmp_path: Path) -> None:
    """An atexit handler shows whether the interpreter's teardown ran: not for the bare
    script, and it did under coverage, whose data is written as Python exits."""
    probe = (
        "import atexit, sys; atexit.register(lambda: print('teardown', flush=True)); "
        "from swl_viz.__main__ import script; sys.exit(script())"
    )
    bare = subprocess.run([sys.executable, "-c", probe, "demo", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert bare.returncode == 0, bare.stderr
    assert "teardown" not in bare.stdout
    pytest.importorskip("coverage")
    (tmp_path / "probe.py").write_text(probe.replace("; ", "\n"), encoding="utf-8")
    covered = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--data-file", str(tmp_path / "cov"),
         str(tmp_path / "probe.py"), "demo", "--json"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert covered.returncode == 0, covered.stderr
    assert covered.stdout.rstrip().endswith("teardown")
    assert (tmp_path / "cov").stat().st_size > 0
