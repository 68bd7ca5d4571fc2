from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the oracle module beside the tests
matplotlib.use("Agg")

SEED_A = [
    [1.0, 3.0, 5.0, 7.0, 9.0, 1.5, 3.5, 5.5, 7.5, 9.5],
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [-10.0, -8.0, -6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0],
]
SEED_T = [
    [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, so default outputs/ lands there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(*args: str, columns: int = 200) -> tuple[int, str]:
    """Run the swl-viz app in-process; its exit status and everything it printed.

    A traceback in the output, or an exception that is not an exit, fails the test."""
    from typer.testing import CliRunner

    from swl_viz.cli import app

    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(app, list(args))
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, text


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """The DISPLAY .ci/run provides, or a fresh Xvfb: for the tests of real windows."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        if os.environ.get("CI"):
            pytest.fail("CI must provide Xvfb and xdotool (.ci/run installs them)")
        pytest.skip("needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    existing = os.environ.get("DISPLAY")
    if (
        existing
        and subprocess.run(
            ["xdotool", "getdisplaygeometry"], capture_output=True, env=os.environ
        ).returncode
        == 0
    ):
        yield existing  # the display .ci/run started
        return
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def find_window(env: dict[str, str], name: str, timeout: float = 30.0) -> str:
    """The id of the first visible X window whose name matches ``name``, waiting for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", name],
            env=env,
            capture_output=True,
            text=True,
        )
        ids = found.stdout.split()
        if ids:
            return ids[0]
        time.sleep(0.2)
    raise AssertionError(f"no window named {name!r} appeared")
