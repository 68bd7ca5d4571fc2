"""The slice's legends lie off its curves: a legend over the book's two slopes hid exactly the
stretch where they part (d from -3 to 13), and its note on |∇L| lay on the flat part. Measured
where they draw, in pixels, at three sizes and for both labels' mirror images."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D

from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot

SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "slides": {"preset": "slides", "size": (1920, 1080)},
    "720p": {"size": (1280, 720)},
}
CASES: dict[str, dict[str, Any]] = {
    "book": {"variant": "book"},
    "book-mirrored": {"variant": "book", "t": (0.0, 1.0)},
    "book-soft": {"variant": "book", "t": (0.8, 0.2)},
    "book-tempered": {"variant": "book", "temperature": 3.0},
    "exact": {},
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("case", list(CASES))
def test_no_legend_covers_a_curve(case: str, size: str) -> None:
    plot = Plot("slice", **CASES[case], **SIZES[size])
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legends = 0
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        legends += 1
        box = legend.get_window_extent(renderer)
        for line in ax.get_lines():
            if not isinstance(line, Line2D) or line.get_gid() in (None, "") or not line.get_label():
                continue
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if line.get_transform() is not ax.transData:  # a level across the panel
                continue
            # every segment, not only its ends: the book's cap is a line of two points
            t = np.linspace(0.0, 1.0, 50)[:, None]
            pts = np.column_stack([x, y])
            pts = (pts[:-1, None, :] * (1 - t) + pts[1:, None, :] * t).reshape(-1, 2)
            px = ax.transData.transform(pts)
            inside = (
                (px[:, 0] > box.x0 + 1) & (px[:, 0] < box.x1 - 1)
                & (px[:, 1] > box.y0 + 1) & (px[:, 1] < box.y1 - 1)
            )  # fmt: skip
            assert not inside.any(), (line.get_gid(), px[inside][:3], box.extents)
    assert legends >= (2 if case.startswith("book") else 1)
