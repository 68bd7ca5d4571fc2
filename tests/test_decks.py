"""Decks that compare like with like: a shared loss scale, and the bundled decks by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import run_cli

from swl_viz import loss_grid
from swl_viz.deck import MAX_DECK_BYTES, DeckError, bundled_decks, plan_export
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


# ---- hostile decks: each refused in one line, or read as meant ---------------------------------

ONE_CONTOUR = '[[figures]]\nfigure = "contour"\n'


def _export(deck: Path, tmp_path: Path) -> tuple[int, list[str]]:
    """`swl-viz export --deck DECK` as the console runs it: its status and stderr's lines."""
    proc = subprocess.run(
        [sys.executable, "-m", "swl_viz", "export", "--deck", str(deck), "--out-dir", "out"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stderr.splitlines()


def _deck_error(deck: Path, tmp_path: Path) -> str:
    """The one line `swl-viz export --deck` gives this deck, with nothing rendered."""
    code, lines = _export(deck, tmp_path)
    assert code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert not list((tmp_path / "out").glob("*.png"))
    return lines[0]


def test_a_deck_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    deck = tmp_path / "bom.toml"
    deck.write_bytes("\ufeff".encode() + ONE_CONTOUR.encode() + b"t = [0.25, 0.75]\n")
    targets = plan_export(out_dir=tmp_path / "out", deck=deck)
    assert [x.plot.t for x in targets] == [(0.25, 0.75)]


def test_a_deck_nested_thousands_deep_is_one_line(tmp_path: Path) -> None:
    deck = tmp_path / "deep.toml"
    deck.write_text(ONE_CONTOUR + "t = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested deeper than" in _deck_error(deck, tmp_path)
    deck.write_text(ONE_CONTOUR + "t = " + "[" * 150 + "1, 0" + "]" * 150 + "\n")
    assert "nested deeper than" in _deck_error(deck, tmp_path)  # TOML reads it; still refused


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_a_deck_that_is_no_regular_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    deck = tmp_path / "deck.toml"
    if kind == "fifo":
        os.mkfifo(deck)  # no writer: reading it would wait for ever
    elif kind == "dev-zero":
        deck.symlink_to("/dev/zero")  # reading it would never end
    else:
        deck.mkdir()
    assert "is not a regular file" in _deck_error(deck, tmp_path)


def test_a_deck_is_read_no_further_than_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    asked: list[int] = []
    real_fdopen = os.fdopen

    def counting_fdopen(fd: int, mode: str = "r") -> Any:
        fh = real_fdopen(fd, mode)
        real_read = fh.read

        def read(n: int = -1) -> bytes:
            asked.append(n)
            data: bytes = real_read(n)
            return data

        fh.read = read  # type: ignore[method-assign]
        return fh

    monkeypatch.setattr(os, "fdopen", counting_fdopen)
    deck = tmp_path / "deck.toml"
    deck.write_text(ONE_CONTOUR + "# " + "x" * (3 << 20) + "\n")
    with pytest.raises(SwlVizError, match="KiB"):
        plan_export(out_dir=tmp_path / "out", deck=deck)
    assert asked and all(0 < n <= MAX_DECK_BYTES + 1 for n in asked)


def test_many_unknown_keys_are_named_a_few_then_counted(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(ONE_CONTOUR + "".join(f"key{n} = 1\n" for n in range(50_000)))
    line = _deck_error(deck, tmp_path)
    assert "'key0', 'key1', 'key2', 'key3', 'key4' … and 49,995 more" in line
    assert "key5'" not in line and len(line) < 1000


def test_many_bad_figures_print_a_few_lines_then_a_count(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text("".join(ONE_CONTOUR + "stepp = 1\n" for _ in range(20_000)))
    code, lines = _export(deck, tmp_path)
    assert code == 2 and len(lines) == 10, lines
    assert "figures[9].stepp" in lines[8] and lines[9] == "Error: … and 19,991 more problems"


@pytest.mark.parametrize(
    "layer",
    [
        {"t": [1, 0]},
        {"t": [0.3, 0.7], "temperature": 0.25, "step": 0.3},
        {"t": [0.2, 0.5, 0.3], "logits": [0, 0, 4], "axes": [0, 1], "label_smoothing": 0.1},
        {"t": [0, 0, 1], "axes": [2, 0], "range": [-3, 7], "step": 0.07},
        {"t": [0.5, 0.5], "variant": "book", "range": [-30, 30], "step": 0.05},
    ],
    ids=["one-hot", "soft-hot", "three-class", "axes", "book"],
)
def test_a_shared_scale_is_what_the_drawn_grids_span(tmp_path: Path, layer: dict[str, Any]) -> None:
    import json

    deck = tmp_path / "deck.toml"
    fields = "".join(f"{k} = {json.dumps(v)}\n" for k, v in layer.items())
    deck.write_text("shared_scale = true\n" + ONE_CONTOUR + fields)
    (target,) = plan_export(out_dir=tmp_path / "out", deck=deck)
    lo, hi = target.plot.zlim or (None, None)
    loss = target.plot.grid(max_points=401).loss  # the points the figure draws
    assert lo == min(0.0, float(loss.min()))
    assert hi == pytest.approx(float(loss.max()), rel=1e-14)
