"""A figure's descent warns, as `data --descent` does, when its loss rises (the learning rate is
too large for the curvature): in one line on the command line, once per path in an export, and
in the figure's description, with the digits that stay meaningful."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from swl_viz.plotspec import make_plot
from swl_viz.probe import descent_path

RISING = ["--descent", "-6,4", "--t", "0.9,0.1", "--lr", "20"]


def _swl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "swl_viz", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=300)  # fmt: skip


def test_the_warning_is_the_paths_own() -> None:
    plot = make_plot("contour", {"descent": "-6,4", "t": "0.9,0.1", "lr": "20"})
    path = descent_path(-6.0, 4.0, plot.layer(), lr=20.0, steps=50)
    assert path.rises_at is not None and path.loss[path.rises_at] > path.loss[path.rises_at - 1]
    assert plot.descent_warning() == path.warning()
    assert make_plot("contour", {"descent": "-6,4", "t": "0.9,0.1"}).descent_warning() is None
    assert make_plot("contour", {}).descent_warning() is None


@pytest.mark.parametrize("figure", ["surface", "contour"])
def test_a_figure_with_a_rising_descent_warns_in_one_line(figure: str, tmp_path: Path) -> None:
    done = _swl(figure, *RISING, "--dpi", "30", "--out", "f.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Warning: the loss rises at step 8"), lines
    assert "lr 20" in lines[0] and "significant digits" in lines[0]
    calm = _swl(figure, "--descent", "-6,4", "--dpi", "30", "--out", "g.png", cwd=tmp_path)
    assert calm.returncode == 0 and calm.stderr.strip() == "", calm.stderr


def test_an_export_warns_once_for_each_path(tmp_path: Path) -> None:
    done = _swl("export", "--figures", "contour,pair", *RISING, "--out-dir", "o", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("the loss rises at step 8") == 1, done.stderr


def test_the_description_says_the_path_cannot_be_trusted(tmp_path: Path) -> None:
    done = _swl("contour", *RISING, "--dpi", "30", "--out", "f.png", "--alt-text", cwd=tmp_path)
    assert "Its loss rises at step 8" in done.stdout and "about 5 significant" in done.stdout
    calm = _swl("contour", "--descent", "-6,4", "--dpi", "30", "--out", "g.png", "--alt-text",
                cwd=tmp_path)  # fmt: skip
    assert "rises" not in calm.stdout
