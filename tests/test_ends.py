"""Documented values work at their ends, and values past them or an environment matplotlib
cannot load under are refused in one line, never an internal error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_layout import FIGURES, _problems

from swl_viz.options import OPTIONS
from swl_viz.plotspec import FigureKind, Plot

ENDS = OPTIONS["font_scale"].bounds or ()


@pytest.mark.parametrize("figure", FIGURES)
@pytest.mark.parametrize("scale", ENDS)
def test_font_scale_ends_hold_together(figure: FigureKind, scale: float) -> None:
    assert _problems(Plot(figure, font_scale=scale)) == []


def _swl(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swl_viz", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_a_font_scale_past_its_end_is_one_line() -> None:
    done = _swl("contour", "--font-scale", "4", "--out", "x.png")
    assert done.returncode == 2, done.stderr
    assert "--font-scale" in done.stderr and "1.25" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_mplbackend_is_one_line(tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(tmp_path, "s.png")
    done = _swl("surface", "--out", out, MPLBACKEND="bogus")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "swl-viz: MPLBACKEND='bogus' is not a matplotlib backend: unset it, or set it to one "
        "such as agg or tkagg"
    ]
    assert not os.path.exists(out)
    assert _swl("surface", "--out", out, MPLBACKEND="agg").returncode == 0
