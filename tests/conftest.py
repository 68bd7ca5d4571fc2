from __future__ import annotations

import os
import re
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


def _seed_numbers() -> tuple[float, float, float]:
    from oracle import mean_losses

    exact, book = mean_losses(SEED_A, SEED_T)
    return float(exact), float(book), float(exact - book)


#: The seed batch's mean loss, the book's (+1e-7) and their difference, from the 50-digit oracle
#: (tests/oracle.py) and rounded once to doubles: the numbers of the worked example in 5.6.3.
SEED_LOSS, SEED_LOSS_BOOK, SEED_DIFFERENCE = _seed_numbers()
#: How close swl-viz's doubles must come to them: the core is exact to a few ulp, and this is
#: about five ulp at 2.36 (its result is one ulp from the correctly rounded value today).
SEED_REL = 1e-15


def printed_number(text: str, label: str) -> float:
    """The number printed after ``label`` on its line, read back as a double.

    swl-viz prints a loss as ``repr`` does, the shortest text that reads back as the same
    double; the text must be in that form, so a number cut to fewer digits fails here."""
    match = re.search(re.escape(label) + r"[ \t]+(\S+)", text)
    assert match, f"no number after {label!r} in:\n{text}"
    word = match.group(1)
    value = float(word)
    assert repr(value) == word, f"{word!r} is not printed as repr prints a double"
    return value


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
