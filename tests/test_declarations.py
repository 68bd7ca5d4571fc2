"""One declaration per option: Plot's fields, the rows, and the rules they carry hold for every
way in (Plot, make_plot, decks, export), not only for the figure commands."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest

from swl_viz import maths, options
from swl_viz.deck import DeckError, plan_export
from swl_viz.errors import SwlVizError
from swl_viz.options import OPTIONS, Options
from swl_viz.plotspec import Plot


def test_the_rows_are_the_fields_of_options_and_plot_has_each_of_them() -> None:
    assert list(OPTIONS) == [f.name for f in fields(Options)]
    assert all(row.name == name for name, row in OPTIONS.items())
    assert {f.name for f in fields(Plot)} == {"figure", *OPTIONS}
    assert get_args(options.Variant) == get_args(maths.Variant)


def test_options_are_keywords_after_the_figure() -> None:
    with pytest.raises(TypeError):
        Plot("surface", (-5.0, 5.0))  # type: ignore[call-arg]
    assert Plot("surface", range=(-5.0, 5.0)).range == (-5.0, 5.0)


def test_a_gif_only_option_needs_a_gif_among_the_formats() -> None:
    plot = Plot("surface", frames=12)
    with pytest.raises(SwlVizError) as caught:
        plot.check_formats(["png", "svg"])
    assert caught.value.param == "frames" and ".gif" in str(caught.value)
    plot.check_formats(["png", "gif"])
    Plot("surface").check_formats(["png"])  # the default is no choice of the caller


def test_export_refuses_frames_without_a_gif(tmp_path: Path) -> None:
    with pytest.raises(SwlVizError) as caught:
        plan_export(out_dir=tmp_path, figures=["surface"], formats="png", overrides={"fps": 5})
    assert caught.value.param == "fps"
    targets = plan_export(
        out_dir=tmp_path, figures=["surface"], formats="png,gif", overrides={"frames": "12"}
    )
    assert sorted(x.path.name for x in targets) == [
        "surface_t1-0.png",
        "surface_t1-0_frames12.gif",
    ]


def test_an_override_no_figure_uses_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SwlVizError) as caught:
        plan_export(out_dir=tmp_path, figures=["contour"], overrides={"elev": 30})
    assert caught.value.param == "elev"
    # one that some of the figures use reaches those and leaves the others alone
    targets = plan_export(out_dir=tmp_path, overrides={"elev": 30})
    assert [x.plot.elev for x in targets] == [30.0, 30.0, 20.0]


DECK = """
[defaults]
{defaults}

[[figures]]
figure = "surface"
format = ["png", "gif"]

[[figures]]
figure = "quiver"
{entry}
"""


def test_a_deck_entry_with_frames_and_no_gif_is_a_problem_named_by_field(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(DECK.format(defaults="", entry="frames = 12"))
    with pytest.raises(DeckError) as caught:
        plan_export(out_dir=tmp_path / "out", deck=deck)
    assert caught.value.problems == [
        "figures[2].frames: only shapes a .gif turntable; write a .gif too, or leave it out"
    ]
    deck.write_text(DECK.format(defaults="", entry='frames = 12\nformat = "gif"'))
    assert plan_export(out_dir=tmp_path / "out", deck=deck)


def test_deck_defaults_for_a_gif_reach_the_gifs_only(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(DECK.format(defaults="fps = 5", entry=""))
    targets = plan_export(out_dir=tmp_path / "out", deck=deck)
    assert {(x.plot.figure, x.fmt, x.plot.fps) for x in targets} == {
        ("surface", "png", 5.0),
        ("surface", "gif", 5.0),
        ("quiver", "png", 12.0),
    }


def test_the_notebook_figure_refuses_what_only_a_gif_uses() -> None:
    import swl_viz

    with pytest.raises(SwlVizError) as caught:
        swl_viz.plot("surface", frames=12)
    assert caught.value.param == "frames"
