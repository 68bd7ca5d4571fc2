"""A probe or descent start far outside --range is refused in one line: the plane widened to
show a probe at 1e6 and the loss it is about shrank to a line, its tick labels on each other.
One range's width either side is still drawn (a probe at (30, 0) beside -20..20)."""

from __future__ import annotations

from pathlib import Path

import pytest

import swl_viz
from swl_viz.cli import main
from swl_viz.errors import SwlVizError


@pytest.mark.parametrize("name", ["probe", "descent"])
@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair"])
def test_a_point_far_outside_the_range_is_refused(
    figure: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([figure, f"--{name}", "1e6,0", "--out", "never.png"]) == 2
    err = capsys.readouterr().err
    assert f"--{name}" in err and "-60..60" in err and "--range" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SwlVizError, match=r"-60\.\.60") as caught:
        swl_viz.plot(figure, **{name: "0,-61"})
    assert caught.value.param == name


def test_one_ranges_width_beside_it_is_drawn() -> None:
    fig = swl_viz.plot("contour", probe="30,0", range="-20 20", dpi=30)
    (ax, *_) = fig.axes
    assert ax.get_xlim()[1] >= 30
    swl_viz.plot("contour", probe="5,5", range="0 10", dpi=30)
    with pytest.raises(SwlVizError, match=r"-10\.\.20"):
        swl_viz.plot("contour", probe="21,5", range="0 10", dpi=30)


def test_a_reversed_range_is_the_ranges_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contour", "--range", "10", "-10", "--probe", "0,0", "--out", "x.png"]) == 2
    assert "'--range'" in capsys.readouterr().err


def test_an_export_range_that_leaves_a_deck_point_out_blames_the_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--range on an export narrows every figure: a deck figure's probe beyond it is the
    command line's doing, named as --range with the deck's figure, not the deck's fault."""
    out = tmp_path / "o"
    assert main(["export", "--deck", "slides", "--range", "-2", "2", "--out-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'--range'" in err and "slides.toml figures[" in err and "--probe" in err
    assert not list(out.glob("*.png"))
