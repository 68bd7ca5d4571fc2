"""Figures that hold together: no text leaves the canvas, and no two texts overlap.

Every figure kind is drawn over soft, smoothed, tempered, three-class, book, log-z,
narrow-range, probe and descent options, dark and Japanese, at the default size, a 1920 x 1080
slide and 1280 x 720; every text that draws (tick and axis labels, titles, keys, the marks'
words) is measured where it draws, as the polygon it covers (a turned label as its turned box).
"""

from __future__ import annotations

import itertools
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
