"""A leader line reads where it is drawn: a label moved away from its mark is tied back to it by
a thin line, and that line must stand out from the fill and arrows it crosses (measured in the
PNG's pixels, where it runs over a contour's dark fill)."""

from __future__ import annotations

import io
import math
from typing import Any, Literal

import numpy as np
import pytest
from matplotlib.text import Annotation, Text
from PIL import Image
from slides_tools import contrast

from swl_viz.formats import save_figure
from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot

CROWDED: dict[str, Any] = {"probe": (6.0, -1.0), "descent": (-6.0, 4.0), "label_smoothing": 0.2,
           "range": (-10.0, 10.0), "step": 0.5}  # fmt: skip


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_leader_over_a_contour_stands_out_from_what_it_crosses(
    theme: Literal["light", "dark"],
) -> None:
    plot = Plot("pair", theme=theme, **CROWDED)
    with theme_context(plot):
        fig = build_figure(plot)
        buf = io.BytesIO()
        save_figure(fig, buf, "png", plot)
    pixels = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), dtype=float) / 255
    height = pixels.shape[0]
    (flat,) = [ax for ax in fig.axes if ax.name != "3d" and ax.get_gid() != "colorbar"]
    frame = flat.bbox
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [
        (t.get_bbox_patch() or t).get_window_extent(renderer)
        for t in fig.findobj(Text)
        if t.get_text() and t.get_visible()
    ]
    checked = 0
    for leader in fig.findobj(Annotation):
        if not str(leader.get_gid() or "").endswith("-leader") or leader.arrow_patch is None:
            continue
        ends = np.asarray(leader.arrow_patch.get_path().vertices, dtype=float)
        x0, y0, x1, y1 = (float(v) for v in (*ends[0], *ends[-1]))
        length = math.hypot(x1 - x0, y1 - y0)
        if length < 20:
            continue
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        for share in (0.3, 0.5, 0.7):
            x, y = x0 + share * (x1 - x0), y0 + share * (y1 - y0)
            if not (frame.x0 + 5 < x < frame.x1 - 5 and frame.y0 + 5 < y < frame.y1 - 5):
                continue  # beside the plots it crosses the plain page
            if any(b.x0 - 5 < x < b.x1 + 5 and b.y0 - 5 < y < b.y1 + 5 for b in boxes):
                continue  # it passes under another label
            across = [
                pixels[round(float(height - (y + k * ny))), round(float(x + k * nx))]
                for k in np.arange(-4.0, 4.5, 0.5)
            ]
            best = max(contrast(tuple(a), tuple(b)) for a in across for b in across)
            assert best >= 3.0, (leader.get_gid(), share, best)
            checked += 1
    assert checked, "the crowded pair should draw a leader over its contour"


@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair"])
@pytest.mark.parametrize("t", [(1.0, 0.0), (0.0, 1.0)])
def test_the_plateau_note_stays_by_the_plateau(
    figure: Literal["surface", "quiver", "contour", "pair"], t: tuple[float, float]
) -> None:
    """The book's note ("flat, yet the book's backward still sends y - t") names the plateau:
    a 3-D panel put it in the canvas's bottom-right corner, beside the flat region where y = t,
    and the pair's contour moved it there too. It is near the plateau's corner (the grid's
    corner where L is highest), or tied to it by a leader."""
    import swl_viz.mpl.place as place

    plot = Plot(figure, variant="book", t=t)
    with theme_context(plot):
        fig = build_figure(plot)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        em = place._em(fig)
    notes = [a for a in fig.findobj(Text) if a.get_gid() == "plateau-note"]
    assert len(notes) == 1, [n.get_text() for n in notes]
    (note,) = notes
    ax = note.axes
    assert ax is not None
    corner = (-20.0, 20.0) if t[0] == 1.0 else (20.0, -20.0)  # where x_other >> x_label
    if ax.name == "3d":  # named at the plateau's corner on the surface, not a canvas corner
        assert isinstance(note, Annotation) and callable(note.xycoords)
        x, y = place._anchor(note)
    else:
        x, y = ax.transData.transform(corner)
    box = (note.get_bbox_patch() or note).get_window_extent(renderer)
    gap = math.hypot(max(box.x0 - x, 0.0, x - box.x1), max(box.y0 - y, 0.0, y - box.y1))
    leaders = [a for a in fig.findobj(Annotation) if a.get_gid() == "plateau-note-leader"]
    assert gap <= 7.0 * em or leaders, (gap / em, box.extents, (x, y))
