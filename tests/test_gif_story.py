"""A descent GIF tells its story: the path drawn as it goes, a step counter and the loss on
every frame, the end named only when it is reached, and a rest on the last frame."""

from __future__ import annotations

import io
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image
from slides_tools import read

from swl_viz.gif import HOLD_MS, _descent_mover, descent_frames
from swl_viz.marks import sig
from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot
from swl_viz.probe import descent_path


def _by_gid(fig: Any, gid: str) -> list[Any]:
    return [a for a in fig.findobj() if a.get_gid() == gid]


def test_each_frame_draws_the_path_so_far_and_counts_its_step() -> None:
    plot = Plot("surface", descent=(-8.0, 6.0), steps=20)
    path = descent_path(-8.0, 6.0, plot.layer(), steps=20)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        axes = [ax for ax in fig.axes if ax.name == "3d"]
        move = _descent_mover(fig, plot, axes)
        (counter,) = _by_gid(fig, "descent-counter")
        (line,) = _by_gid(fig, "path")
        for k in (0, 7, 20):
            move(k)
            assert len(line.get_data_3d()[0]) == k + 1
            assert all(a.get_visible() == (k == 20) for a in _by_gid(fig, "path-end-label"))
            assert read(counter.get_text()).split() == [
                "step",
                str(k),
                "of",
                "20",
                "L",
                "=",
                sig(float(path.loss[k])),
            ]


@pytest.mark.slow
def test_the_last_frame_rests() -> None:
    from swl_viz.formats import save_figure

    plot = Plot("surface", descent=(-8.0, 6.0), steps=10, frames=36, fps=12.0)
    buf = io.BytesIO()
    with theme_context(plot):
        save_figure(build_figure(plot), buf, "gif", plot)
    gif = Image.open(io.BytesIO(buf.getvalue()))
    durations = []
    for n in range(getattr(gif, "n_frames", 1)):
        gif.seek(n)
        durations.append(gif.info["duration"])
    assert len(durations) == len(descent_frames(plot)) == 11  # one step a frame
    assert durations[:-1] == [80] * 10  # 1000 / 12 ms, in the GIF's hundredths of a second
    assert durations[-1] == HOLD_MS


def test_the_counter_stands_still_as_its_numbers_change() -> None:
    """The counter is set flush right: a loss printed shorter ("9" after "0.3251") slid the
    whole line sideways from frame to frame. Its left edge is measured where it draws."""
    plot = Plot("surface", descent=(-8.0, 6.0), steps=20)
    path = descent_path(-8.0, 6.0, plot.layer(), steps=20)
    assert len({len(sig(float(v))) for v in path.loss}) > 1  # the numbers do change width
    with theme_context(plot):
        fig = build_figure(plot)
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
        move = _descent_mover(fig, plot, [ax for ax in fig.axes if ax.name == "3d"])
        (counter,) = _by_gid(fig, "descent-counter")
        lefts = []
        for k in range(21):
            move(k)
            lefts.append(counter.get_window_extent(renderer).x0)
    assert max(lefts) - min(lefts) < 1.0, lefts
