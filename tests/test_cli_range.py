"""The range of the figures that take no --step: the slice, the losses' comparison and the
simplex draw a fixed number of points over it, so a wide range draws and a bad one is refused
in one line that names --range and no option the command lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_cli
from PIL import Image

from swl_viz.errors import SwlVizError
from swl_viz.options import FIGURES, OPTIONS
from swl_viz.plotspec import make_plot

#: Every figure command without a --step, from the option's own row.
STEPLESS = [f for f in FIGURES if f not in OPTIONS["step"].figures]
LO, HI = OPTIONS["range"].bounds  # type: ignore[misc]


def _flags(command: str) -> set[str]:
    """The options ``swl-viz COMMAND --help`` lists."""
    code, text = run_cli(command, "--help", columns=240)
    assert code == 0, text
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))


def test_the_stepless_figures_are_the_ones_the_help_shows_without_step() -> None:
    assert STEPLESS == ["slice", "losses", "simplex"]
    for figure in FIGURES:
        assert ("--step" in _flags(figure)) == (figure not in STEPLESS), figure


@pytest.mark.parametrize("figure", STEPLESS)
@pytest.mark.parametrize(
    ("lo", "hi", "says"),
    [
        (-1e7, 1e7, f"must lie in [{LO:.0f}, {HI:.0f}]"),
        (-3.0, 1e9, f"must lie in [{LO:.0f}, {HI:.0f}]"),
        (5.0, -5.0, "needs LO < HI"),
        (3.0, 3.0, "needs LO < HI"),
        (0.0, 5e-324, "HI - LO of at least 1e-300"),
    ],
)
def test_a_bad_range_names_only_options_the_command_has(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    figure: str,
    lo: float,
    hi: float,
    says: str,
) -> None:
    from swl_viz.cli import main

    assert main([figure, "--range", repr(lo), repr(hi)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    line = err.strip()
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line))
    assert "--range" in named and says in line, line
    assert named <= _flags(figure), (named - _flags(figure), line)
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize("figure", STEPLESS)
def test_the_library_takes_any_range_within_the_bounds(figure: str) -> None:
    for span in [(-1e5, 1e5), (LO, HI), (0.0, 1e-300), (-20.0, -19.99999)]:
        assert make_plot(figure, {"range": span}).range == span
    with pytest.raises(SwlVizError) as info:
        make_plot(figure, {"range": (0.0, 5e-324)})
    assert info.value.param == "range"


@pytest.mark.parametrize("figure", ["losses", "simplex"])
def test_a_wide_range_draws(in_tmp: Path, figure: str) -> None:
    code, text = run_cli(figure, "--range", "-1e5", "1e5", "--size", "400x300", "-o", "w.png")
    assert code == 0, text
    with Image.open(in_tmp / "w.png") as im:
        assert im.size == (400, 300)
