"""Decks that compare like with like: a shared loss scale, and the bundled decks by name."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from conftest import run_cli

from swl_viz import loss_grid
from swl_viz.deck import DeckError, bundled_decks, plan_export
from swl_viz.errors import SwlVizError
from swl_viz.mpl import build_figure, theme_context

TWO_TEMPERATURES = """
shared_scale = true

[[figures]]
figure = "contour"

[[figures]]
figure = "contour"
temperature = 0.5

[[figures]]
figure = "slice"
"""


def test_a_shared_scale_is_the_union_of_the_figures_grids(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(TWO_TEMPERATURES)
    targets = plan_export(out_dir=tmp_path / "out", deck=deck)
    hot = loss_grid(-20, 20, 2, [1, 0], temperature=0.5).loss.max()  # 80: the larger range
    contours = [x.plot for x in targets if x.plot.figure == "contour"]
    shared: list[object] = [(0.0, pytest.approx(hot))] * 2  # approx compares to a float
    assert [p.zlim for p in contours] == shared
    assert all(x.plot.zlim is None for x in targets if x.plot.figure == "slice")
    tops = []
    for plot in contours:
        with theme_context(plot):
            fig = build_figure(plot)
        bar = fig.axes[-1]  # the colourbar
        tops.append(bar.get_ylim()[1])
    assert tops[0] == tops[1] >= 79.9
    deck.write_text(TWO_TEMPERATURES.replace("shared_scale = true", ""))
    alone = [x.plot.zlim for x in plan_export(out_dir=tmp_path / "out", deck=deck)]
    assert alone == [None, None, None]


def test_shared_scale_must_be_a_boolean(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(TWO_TEMPERATURES.replace("true", '"yes"'))
    with pytest.raises(DeckError, match="shared_scale"):
        plan_export(out_dir=tmp_path / "out", deck=deck)


def test_bundled_decks_are_listed_and_used_by_name(in_tmp: Path) -> None:
    assert {"lecture", "readme", "slides"} <= set(bundled_decks())
    code, text = run_cli("export", "--list-decks")
    assert code == 0 and "slides" in text and "lecture" in text
    for name, path in bundled_decks().items():
        assert plan_export(out_dir=in_tmp / name, deck=path), name  # every bundled deck plans


def test_a_descent_gif_moves_the_point_and_keeps_the_view(in_tmp: Path) -> None:
    import numpy as np
    from PIL import Image

    from swl_viz.gif import descent_frames
    from swl_viz.plotspec import Plot

    assert descent_frames(Plot("surface", descent=(1.0, 2.0), steps=5, frames=36)) == [
        0, 1, 2, 3, 4, 5,
    ]  # fmt: skip
    shown = descent_frames(Plot("surface", descent=(1.0, 2.0), steps=100, frames=11))
    assert shown == list(range(0, 101, 10))
    code, text = run_cli("surface", "--descent", "-8,6", "--steps", "12", "--size", "300x300",
                         "--out", "d.gif")  # fmt: skip
    assert code == 0, text
    with Image.open(in_tmp / "d.gif") as im:
        assert getattr(im, "n_frames", 1) >= 2
        im.seek(0)
        first = np.asarray(im.convert("RGB"), dtype=int)
        im.seek(getattr(im, "n_frames", 1) - 1)
        last = np.asarray(im.convert("RGB"), dtype=int)
    moved = np.abs(first - last).sum(axis=2) > 60
    assert 0 < moved.mean() < 0.01  # the point moved; the view did not turn


def test_file_names_stay_short_whatever_the_label(tmp_path: Path) -> None:
    from swl_viz.plotspec import Plot

    t = [0.0] * 199 + [1.0]  # a one-hot label of 200 classes
    long = Plot("contour", t=tuple(t), logits=tuple(0.123456789 * k for k in range(200)))
    assert len(long.stem()) < 100
    assert long.stem() != Plot("contour", t=tuple(reversed(t))).stem()  # still one name a label
    assert Plot("contour", t=(0.9, 0.1)).stem() == "contour_t0.9-0.1"  # short labels as before
    targets = plan_export(out_dir=tmp_path, figures=["contour"], labels=[",".join(map(str, t))])
    assert all(len(x.path.name) < 100 for x in targets)


def test_parallel_jobs_share_a_memory_budget(tmp_path: Path) -> None:
    from swl_viz.deck import job_bytes, workers_within

    small = plan_export(out_dir=tmp_path, labels=["1,0", "0,1"])  # 6 figures of 900 px
    big = plan_export(out_dir=tmp_path, figures=["surface"], overrides={"size": "8000x8000"})
    one = job_bytes(small[0])
    assert workers_within(small, 8, 100 * one) == 8  # room for all
    assert workers_within(small, 8, 3 * one) == 3  # fewer at once, not a refusal
    assert job_bytes(big[0]) > 8000 * 8000 * 4 * 3  # a canvas, its copy and its encoding
    with pytest.raises(SwlVizError) as caught:
        workers_within(big, 2, 500 << 20)
    assert caught.value.param == "memory_budget"


def test_the_budget_from_the_command_line(in_tmp: Path) -> None:
    code, text = run_cli("export", "--t", "1,0", "--t", "0,1", "--jobs", "8",
                         "--memory-budget", "700", "--size", "300x300")  # fmt: skip
    assert code == 0, text
    assert "3 of 8 jobs run at once" in text
    code, text = run_cli("export", "--figures", "surface", "--size", "8000x8000",
                         "--memory-budget", "500", "--out-dir", "big")  # fmt: skip
    assert code == 2 and "--memory-budget" in text and "MiB" in text, text
    assert not list(in_tmp.glob("big/*"))  # refused before any work: nothing written


def test_a_huge_deck_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    deck = tmp_path / "deck.toml"
    ones = ", ".join(["0"] * 2_000_000)  # a label of two million classes, about 6 MB
    deck.write_text(f'[[figures]]\nfigure = "contour"\nt = [1, {ones}]\n')

    def untouched(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the huge deck was read or parsed")

    for name in ("load", "loads"):
        monkeypatch.setattr(tomllib, name, untouched)
    for name in ("read_text", "read_bytes", "open"):
        monkeypatch.setattr(Path, name, untouched)
    with pytest.raises(SwlVizError, match="KiB") as caught:
        plan_export(out_dir=tmp_path / "out", deck=deck)
    monkeypatch.undo()
    assert caught.value.param == "deck"
    assert not (tmp_path / "out").exists()  # refused before the output folder was made
