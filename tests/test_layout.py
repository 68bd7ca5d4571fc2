"""Figures that hold together: no text leaves the canvas, and no two texts overlap.

Every figure kind is drawn over soft, smoothed, tempered, three-class, book, log-z,
narrow-range, probe and descent options, dark and Japanese, at the default size, a 1920 x 1080
slide and 1280 x 720; every text that draws (tick and axis labels, titles, keys, the marks'
words) is measured where it draws, as the polygon it covers (a turned label as its turned box).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from slides_tools import layout_problems, polygons_overlap

from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import FigureKind, Plot

OPTIONS: dict[str, dict[str, Any]] = {
    "plain": {},
    "soft": {"t": (0.7, 0.3)},
    "smoothed": {"label_smoothing": 0.2},
    "tempered": {"temperature": 3.0},
    "k3": {"t": (0.0, 0.0, 1.0), "logits": (0.0, 1.0, 0.0), "axes": (0, 2)},
    "book": {"variant": "book"},
    "log": {"zscale": "log"},
    "narrow": {"range": (-10.0, 10.0), "step": 0.5},
    "probe": {"probe": (2.0, -3.0)},
    "descent": {"descent": (-6.0, 4.0)},
    "crowded": {"probe": (6.0, -1.0), "descent": (-6.0, 4.0), "label_smoothing": 0.2,
                "range": (-10.0, 10.0), "step": 0.5},
    "dark-ja": {"theme": "dark", "lang": "ja"},
    # the documented ends of --font-scale
    "text-0.5": {"font_scale": 0.5},
    "text-1.25": {"font_scale": 1.25},
}  # fmt: skip
SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "slides": {"preset": "slides", "size": (1920, 1080)},
    "720p": {"size": (1280, 720)},
}
FIGURES: tuple[FigureKind, ...] = ("surface", "quiver", "contour", "pair", "slice")
#: What the slice does not take.
NOT_SLICE = ("zscale", "probe", "descent", "step")
#: Figures known not to hold together yet (strict: one that does fails the test until removed).
KNOWN: set[tuple[str, str, str]] = set()


def _problems(plot: Plot) -> list[str]:
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        return layout_problems(fig)


def _cases(figures: tuple[FigureKind, ...], options: list[str], sizes: list[str]) -> list[Any]:
    cases = []
    for figure, option, size in itertools.product(figures, options, sizes):
        given = dict(OPTIONS[option])
        if figure == "slice":
            if any(k in given for k in ("zscale", "probe", "descent")):
                continue
            given.pop("step", None)
        marks = [pytest.mark.xfail(strict=True)] if (figure, option, size) in KNOWN else []
        cases.append(pytest.param(figure, given, size, id=f"{figure}-{option}-{size}", marks=marks))
    return cases


@pytest.mark.parametrize(
    ("figure", "given", "size"),
    _cases(FIGURES, ["plain", "crowded", "book", "k3"], ["default"]),
)
def test_figures_hold_together(figure: FigureKind, given: dict[str, Any], size: str) -> None:
    plot = Plot(figure, **given, **SIZES[size])
    assert _problems(plot) == []


@pytest.mark.slow
@pytest.mark.parametrize(("figure", "given", "size"), _cases(FIGURES, list(OPTIONS), list(SIZES)))
def test_every_figure_holds_together_at_every_size(
    figure: FigureKind, given: dict[str, Any], size: str
) -> None:
    plot = Plot(figure, **given, **SIZES[size])
    assert _problems(plot) == []


def test_the_check_sees_an_overlap() -> None:
    square = np.array([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)])
    turned = np.array([(12.0, 0.0), (22.0, 10.0), (14.0, 18.0), (4.0, 8.0)])  # its corner in
    apart = turned + (6.0, -6.0)
    assert polygons_overlap(square, turned)
    assert not polygons_overlap(square, apart)


def _data_area(ax: Any) -> tuple[float, float, float, float]:
    """Where a panel shows its data, in pixels: a flat panel's frame, a 3-D panel's box."""
    if ax.name != "3d":
        return tuple(ax.bbox.extents)
    from mpl_toolkits.mplot3d import proj3d

    corners = np.array(list(itertools.product(ax.get_xlim(), ax.get_ylim(), ax.get_zlim())))
    xs, ys, _ = proj3d.proj_transform(*corners.T, ax.get_proj())
    px = ax.transData.transform(np.column_stack([xs, ys]))
    return (*px.min(axis=0), *px.max(axis=0))


@pytest.mark.parametrize("size", list(SIZES))
def test_a_label_with_no_room_in_its_panel_goes_beside_the_plots(size: str) -> None:
    """On the crowded pair (probe, descent and smoothing on a narrow range) some words find no
    room near their marks: they go beside the plots with a leader back, never over the data of
    the other panel, and no word lies over any panel's data but its own."""
    from matplotlib.text import Text

    plot = Plot("pair", **OPTIONS["crowded"], **SIZES[size])
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    panels = [ax for ax in fig.axes if ax.get_gid() != "colorbar"]
    tick = next(t for t in panels[-1].get_xticklabels() if t.get_text())
    em = tick.get_window_extent(renderer).height
    areas = {id(ax): _data_area(ax) for ax in panels}
    leaders = {str(t.get_gid()) for t in fig.findobj(Text) if str(t.get_gid()).endswith("-leader")}
    beside = 0
    for text in fig.findobj(Text):
        gid = str(text.get_gid() or "")
        if not gid.endswith(("-label", "probe-box")) or not text.get_text():
            continue
        patch = text.get_bbox_patch()
        box = (patch or text).get_window_extent(renderer).extents
        over = [
            ax
            for ax in panels
            if box[0] < areas[id(ax)][2] - 1 and box[2] > areas[id(ax)][0] + 1
            and box[1] < areas[id(ax)][3] - 1 and box[3] > areas[id(ax)][1] + 1
        ]  # fmt: skip
        assert all(ax is text.axes for ax in over), (gid, text.get_text())
        if not over:
            beside += 1
            assert f"{gid}-leader" in leaders, gid
        elif gid in ("path-start-label", "path-end-label") and text.axes is not None:
            # over its own plot it stays near its point: far off, it would name another one
            (mark,) = [line for line in text.axes.lines if line.get_gid() == gid[:-6]]
            if text.axes.name == "3d":
                continue  # a 3-D point's place on screen is mplot3d's; its words stay near
            x, y = text.axes.transData.transform(np.column_stack(mark.get_data()))[0]
            gap = math.hypot(max(box[0] - x, 0.0, x - box[2]), max(box[1] - y, 0.0, y - box[3]))
            assert gap <= 7.0 * em, (gid, gap / em)
    assert beside, "the crowded pair should send a word beside the plots"
