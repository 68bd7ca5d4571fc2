"""The real interactive window, on a virtual X display: it opens, has its title, and closes
cleanly when the user presses q."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import find_window

pytestmark = pytest.mark.display


def _press_q_until_closed(
    proc: subprocess.Popen[str], env: dict[str, str], window: str
) -> tuple[str, str]:
    """Press q as a user would; a key sent while Tk is still mapping the window can be lost,
    so press again until the program has exited (at most ten times)."""
    for _ in range(10):
        subprocess.run(["xdotool", "key", "--window", window, "q"], env=env, capture_output=True)
        try:
            return proc.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            continue
    raise AssertionError("the window did not close on q")


def test_show_opens_a_real_window_and_q_closes_it(display: str, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": display}
    env.pop("MPLBACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "swl_viz", "surface", "--show", "--t", "0,1"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        window = find_window(env, "^swl-viz surface")
        title = subprocess.run(
            ["xdotool", "getwindowname", window], env=env, capture_output=True, text=True
        ).stdout.strip()
        assert title == "swl-viz surface t=(0, 1)"
        geometry = subprocess.run(
            ["xdotool", "getwindowgeometry", window], env=env, capture_output=True, text=True
        ).stdout
        width, height = (int(v) for v in geometry.split("Geometry:")[1].split("x"))
        assert width >= 900 and height >= 900  # 9 x 9 inches at 100 dpi, and the toolbar
        out, err = _press_q_until_closed(proc, env, window)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "TclError" not in err, err
    assert out == ""  # --show alone writes no file
    assert list(tmp_path.iterdir()) == []


def test_show_without_an_interactive_backend_says_so(display: str, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": display, "MPLBACKEND": "agg"}
    done = subprocess.run(
        [sys.executable, "-m", "swl_viz", "contour", "--show"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--show" in done.stderr and "--out" in done.stderr
    assert "Traceback" not in done.stderr
