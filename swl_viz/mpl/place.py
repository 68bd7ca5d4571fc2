"""Every label finds a place: a layout step after the axes are laid out, in pixels of the output.

Labels on the plane (the scene's words beside its lines, points and arrows) are placed in the
order of their priority. Each tries its own place first, then places along its line (a label
that runs with a line slides along it) or around its anchor, nearest first; it takes the first
where it stays on the canvas and covers no other text, tick label, colour bar, legend or point
mark. A label that moves away from what it names gets a thin leader line back to it. What finds
no place at all is kept where it covers the least, and reported.

The moves are made in the figure's data, axes or offset units, so every format (PNG, SVG,
PDF, a GIF's frames) draws the labels in the same places.
"""

from __future__ import annotations

import itertools
import math
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox
from mpl_toolkits.mplot3d import proj3d
from numpy.typing import NDArray

__all__ = ["PRIORITY", "Placement", "place_labels"]

#: Each movable label's priority (lower is placed first): set by the renderer from the scene.
PRIORITY: weakref.WeakKeyDictionary[Artist, int] = weakref.WeakKeyDictionary()
#: The room of a 3-D panel, in pixels: its band of the canvas (the axes' own square reaches past
#: it), set by the layout.
ROOM: weakref.WeakKeyDictionary[Any, Bbox] = weakref.WeakKeyDictionary()
#: Arrows no label may cover, by role.
ARROW_ROLES = frozenset({"probe-arrow"})
#: Each point mark's role, so that no label covers a probe, a start or an end.
POINT_ROLES = frozenset({"probe-point", "path-start", "path-end", "lowest", "at-zero", "minimum"})
#: Rings of places around a label, in tick-label heights from its own place.
RINGS = (0.6, 1.2, 2.0, 3.0, 4.5, 6.5, 9.0, 12.0, 16.0, 21.0)
#: Places along a label's line, in tick-label heights either way.
SLIDES = (1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 11.0, 15.0, 20.0)
#: A label moved farther than this from its place (tick-label heights) gets a leader line.
LEADER_AFTER = 1.5
#: How close a label may come to the canvas's edge, in pixels.
EDGE = 2.0
#: How far two boxes may overlap before they count as overlapping, in pixels.
SLACK = 0.5
#: What lying over a panel's data costs a label that left its own panel, in overlapped texts:
#: beside the plots it names its mark by a leader; over another panel it hides what that shows.
OVER_DATA = 0.5
#: How far (in ems) a label may move inside its own panel; farther, it goes beside the plots.
NEAR = 6.5


@dataclass
class Placement:
    """What :func:`place_labels` did."""

    moved: list[Text]
    unplaced: list[Text]


def _renderer(fig: Figure) -> RendererAgg:
    if isinstance(fig.canvas, FigureCanvasAgg):  # the renderer the figure is drawn with
        shared: RendererAgg = fig.canvas.get_renderer()  # type: ignore[no-untyped-call]
        return shared
    width, height = fig.bbox.width, fig.bbox.height
    renderer: RendererAgg = RendererAgg(width, height, fig.dpi)  # type: ignore[no-untyped-call]
    return renderer


def _text_box(text: Text, renderer: RendererAgg) -> Bbox:
    """The text with its box, as it would draw now."""
    if isinstance(text, Annotation):
        text.update_positions(renderer)
    box = Text.get_window_extent(text, renderer)
    patch = text.get_bbox_patch()
    if patch is None:
        return box
    text.update_bbox_position_size(renderer)
    return Bbox.union([box, patch.get_window_extent(renderer)])


Polygon = NDArray[np.float64]  # corners of a convex polygon, in pixels, shape (n, 2)


def _corners(box: Bbox) -> Polygon:
    return np.array([(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)])


def _shape(text: Text, renderer: RendererAgg) -> Polygon:
    """The text with its box as a convex polygon: a turned text covers its turned rectangle,
    not the upright box around it (twice its area at 45 degrees, most of it empty)."""
    box = _text_box(text, renderer)
    patch = text.get_bbox_patch()
    angle = math.radians(text.get_rotation())
    if patch is None or text.get_rotation() % 90.0 == 0.0:
        return _corners(box)
    points = patch.get_transform().transform(patch.get_path().vertices)
    u = np.array([math.cos(angle), math.sin(angle)])
    v = np.array([-u[1], u[0]])
    along, across = points @ u, points @ v
    return np.array(
        [
            u * along.min() + v * across.min(),
            u * along.max() + v * across.min(),
            u * along.max() + v * across.max(),
            u * along.min() + v * across.max(),
        ]
    )


def _overlaps(a: Polygon, b: Polygon, slack: float = SLACK) -> bool:
    """Whether two convex polygons overlap by more than ``slack`` pixels (separating axes)."""
    for poly in (a, b):
        for ex, ey in np.roll(poly, -1, axis=0) - poly:
            length = math.hypot(ex, ey)
            if length == 0.0:
                continue
            n = np.array([-ey, ex]) / length
            pa, pb = a @ n, b @ n
            if pa.max() <= pb.min() + slack or pb.max() <= pa.min() + slack:
                return False
    return True


def _fixed(fig: Figure, renderer: RendererAgg, movable: set[int]) -> list[Bbox]:
    """What labels must not cover: every other text (tick and axis labels, titles, the key,
    3-D labels where this view shows them), legends and colour bars."""
    fixed: list[Bbox] = []
    for text in fig.findobj(Text):
        if id(text) in movable or not text.get_visible() or not text.get_text():
            continue
        fixed.append(text.get_window_extent(renderer))
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            fixed.append(legend.get_window_extent(renderer))
        if ax.get_gid() == "colorbar":
            fixed.append(ax.get_tightbbox(renderer) or ax.get_window_extent(renderer))
    return fixed


def _points(fig: Figure) -> list[Bbox]:
    """A square around every point mark, as big as its marker, where this view draws it."""
    out = []
    for line in fig.findobj(Line2D):
        ax = line.axes
        if line.get_gid() not in POINT_ROLES or ax is None:
            continue
        if ax.name == "3d":
            x, y, z = (np.asarray(v, dtype=float) for v in line.get_data_3d())  # type: ignore[attr-defined]
            u, v, _ = proj3d.proj_transform(x, y, z, ax.get_proj())  # type: ignore[attr-defined]
            xy = np.column_stack([u, v])
        else:
            xy = np.asarray(line.get_xydata(), dtype=float)
        size = float(line.get_markersize()) * fig.dpi / 72.0 / 2.0
        for x, y in ax.transData.transform(xy):
            out.append(Bbox.from_extents(x - size, y - size, x + size, y + size))
    return out


def _arrows(fig: Figure, renderer: RendererAgg, em: float) -> list[Bbox]:
    """Squares along each arrow on the plane that a label must not hide (the probe's)."""
    out = []
    for artist in fig.findobj(lambda a: a.get_gid() in ARROW_ROLES):
        if isinstance(artist, Annotation) and artist.arrow_patch is not None:
            artist.update_positions(renderer)
            path = artist.arrow_patch.get_path()
            points = artist.arrow_patch.get_transform().transform(path.vertices)
        elif artist.axes is not None and artist.axes.name == "3d":  # a 3-D quiver: its segments
            segments = artist.get_segments()  # type: ignore[attr-defined]
            points = (
                np.concatenate([np.asarray(s, dtype=float) for s in segments])
                if segments
                else np.empty((0, 2))
            )
        else:
            continue
        if len(points) < 2:
            continue
        a, b = points.min(axis=0), points.max(axis=0)
        tail, tip = points[0], points[len(points) // 2]
        n = max(1, math.ceil(math.dist(a, b) / em))
        for k in range(n + 1):
            c = tail + (tip - tail) * k / n
            out.append(
                Bbox.from_extents(c[0] - em / 2, c[1] - em / 2, c[0] + em / 2, c[1] + em / 2)
            )
    return out


def _room(text: Text, fig: Figure, renderer: RendererAgg) -> Bbox:
    """Where a label may go: inside its panel when it names something on a flat panel (a
    label over the tick labels or past the frame names nothing), else on the canvas."""
    ax = text.axes
    canvas = Bbox.from_extents(EDGE, EDGE, fig.bbox.width - EDGE, fig.bbox.height - EDGE)
    if ax is None or text.get_transform() is fig.transFigure:
        return canvas
    box = ROOM.get(ax) or ax.get_window_extent(renderer)
    return Bbox.from_extents(max(box.x0, EDGE), max(box.y0, EDGE), min(box.x1, canvas.x1),
                             min(box.y1, canvas.y1))  # fmt: skip


def _offsets(text: Text, em: float) -> Iterator[tuple[float, float]]:
    """Shifts to try, nearest first: its own place, then along its line (a label turned to
    run with a line), then rings around it."""
    yield 0.0, 0.0
    angle = text.get_rotation()
    if angle:
        ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        for step in SLIDES:
            for sign in (1.0, -1.0):
                yield sign * step * em * ux, sign * step * em * uy
    for radius in RINGS:
        for k in range(16):
            a = 2 * math.pi * k / 16
            yield radius * em * math.cos(a), radius * em * math.sin(a)


def _move(text: Text, dx: float, dy: float) -> None:
    """Shift a text by (dx, dy) pixels, in the units it is placed in."""
    if isinstance(text, Annotation) and text.get_anncoords() in ("offset points", "offset pixels"):
        fig: Any = text.figure
        scale = 72.0 / fig.dpi if text.get_anncoords() == "offset points" else 1.0
        x, y = text.xyann
        text.xyann = (x + dx * scale, y + dy * scale)
        return
    transform = text.get_transform()
    x, y = transform.transform(text.get_position())
    text.set_position(tuple(transform.inverted().transform((x + dx, y + dy))))


def _leader(text: Text, anchor: tuple[float, float], box: Bbox) -> None:
    """A thin line from the point a label names to the nearest point of where it went: an
    empty annotation on the same point, so that on a turning 3-D panel it turns too."""
    ax: Any = text.axes
    if ax is None:
        return
    x = min(max(anchor[0], box.x0), box.x1)
    y = min(max(anchor[1], box.y0), box.y1)
    scale = 72.0 / ax.figure.dpi
    width = 0.4 * float(mpl.rcParams["lines.linewidth"])
    # edged in the label's own backing, so that it reads over dark fills and busy arrows too
    patch = text.get_bbox_patch()
    backing = to_rgb(patch.get_facecolor() if patch is not None else mpl.rcParams["axes.facecolor"])
    if isinstance(text, Annotation):
        xy, xycoords = text.xy, text.xycoords
    else:
        xy, xycoords = tuple(ax.transData.inverted().transform(anchor)), "data"
    ax.annotate(
        "",
        xy,
        xycoords=xycoords,
        xytext=((x - anchor[0]) * scale, (y - anchor[1]) * scale),
        textcoords="offset points",
        arrowprops={
            "arrowstyle": "-",
            "color": mpl.rcParams["axes.edgecolor"],
            "linewidth": width,
            "path_effects": [
                patheffects.Stroke(linewidth=3.0 * width, foreground=backing),
                patheffects.Normal(),
            ],
            "shrinkA": 0,
            "shrinkB": 0,
        },
        annotation_clip=False,
        gid=f"{text.get_gid()}-leader",
        zorder=5,
    )


def _has_leader(text: Text) -> bool:
    return isinstance(text, Annotation) and text.arrow_patch is not None


def _anchor(text: Text) -> tuple[float, float]:
    """The point a label names, in pixels."""
    if isinstance(text, Annotation):
        where: Any = text.xycoords
        if callable(where):  # a point of a 3-D panel, projected
            x, y = where(None).transform(text.xy)
        elif text.axes is not None:
            x, y = text.axes.transData.transform(text.xy)
        else:
            x, y = text.xy
        return float(x), float(y)
    x, y = text.get_transform().transform(text.get_position())
    return float(x), float(y)


def _turned_hits(
    shape: Polygon,
    near: NDArray[np.intp],
    taken: Sequence[Polygon],
    boxes: NDArray[np.float64],
    upright: Sequence[bool],
) -> int:
    """How many of the taken shapes ``near`` a turned rectangle overlaps: against upright boxes
    (whose axes the upright-box test already tried) the rectangle's own two axes decide, for all
    of them at once; turned ones go through the full test."""
    u = shape[1] - shape[0]
    v = shape[3] - shape[0]
    rects = np.array([k for k in near if upright[k]], dtype=np.intp)
    count = sum(_overlaps(shape, taken[k]) for k in near if not upright[k])
    if rects.size == 0:
        return count
    b = boxes[rects]
    apart = np.zeros(rects.size, dtype=bool)
    for axis in (u, v):
        n = axis / math.hypot(*axis)
        own = shape @ n
        lo = np.minimum(b[:, 0] * n[0], b[:, 2] * n[0]) + np.minimum(b[:, 1] * n[1], b[:, 3] * n[1])
        hi = np.maximum(b[:, 0] * n[0], b[:, 2] * n[0]) + np.maximum(b[:, 1] * n[1], b[:, 3] * n[1])
        apart |= (hi <= own.min() + SLACK) | (own.max() <= lo + SLACK)
    return count + int((~apart).sum())


def _lay_out(fig: Figure) -> None:
    """Draw the figure without pixels and without what no label is measured against (the
    surface, the contour's fills, the arrows, the lines): the ticks and the 3-D view are then
    where they will be, at a fraction of a full draw."""
    hidden = [
        artist
        for ax in fig.axes
        if ax.get_gid() != "colorbar"
        for artist in (*ax.collections, *ax.lines, *ax.patches)
        if artist.get_visible()
    ]
    for artist in hidden:
        artist.set_visible(False)
    try:
        fig.draw_without_rendering()
    finally:
        for artist in hidden:
            artist.set_visible(True)


def place_labels(fig: Figure, labels: Sequence[Text]) -> Placement:
    """Place ``labels`` (texts of ``fig``) so that each stays on the canvas and covers nothing
    placed before it; see the module's docstring."""
    if not labels:
        return Placement([], [])
    renderer = _renderer(fig)
    _lay_out(fig)  # tick labels and 3-D projections as they will draw
    em = _em(fig)
    movable = {id(t) for t in labels}
    boxes = _fixed(fig, renderer, movable) + _points(fig) + _arrows(fig, renderer, em)
    taken = [_corners(box) for box in boxes]
    moved: list[Text] = []
    unplaced: list[Text] = []
    taken_box = np.array(
        [(p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()) for p in taken]
    )
    taken_box = taken_box.reshape(-1, 4)
    upright = [True] * len(taken)  # which taken shapes are their own upright boxes
    data = np.array([box.extents for box in _data_areas(fig)]).reshape(-1, 4)
    for text in sorted(labels, key=lambda t: PRIORITY.get(t, 5)):
        _fit_width(text, fig, renderer)
        start = _text_box(text, renderer)
        shape = _shape(text, renderer)
        turned = text.get_rotation() % 90.0 != 0.0
        canvas = Bbox.from_extents(EDGE, EDGE, fig.bbox.width - EDGE, fig.bbox.height - EDGE)
        best, best_cost = (0.0, 0.0), math.inf
        # in its panel if it fits there; else beside the plots (over no panel's data), with a
        # leader back; over data only when the canvas has no other room
        own = _room(text, fig, renderer)
        gid = str(text.get_gid() or "")
        # a note names no point (no leader, anywhere in its panel); the plateau's note names
        # the plateau's corner: moved far from it, it lay over the region where y = t
        note = (gid.endswith("-note") and gid != "plateau-note") or gid.startswith("why-")
        for room in (own, canvas):
            for dx, dy in _offsets(text, em):
                if room is own and not note and _too_far(text, dx, dy, em):
                    continue  # inside the plot it would name something else
                moved_shape = shape + (dx, dy)
                low, high = moved_shape.min(axis=0), moved_shape.max(axis=0)
                off = max(room.x0 - low[0], room.y0 - low[1], high[0] - room.x1, high[1] - room.y1)
                over = 0.0
                if room is canvas:
                    over = OVER_DATA * np.count_nonzero(
                        (data[:, 0] < high[0]) & (data[:, 2] > low[0])
                        & (data[:, 1] < high[1]) & (data[:, 3] > low[1])
                    )  # fmt: skip
                # upright boxes that overlap; a turned label then by separating axes, exactly
                near = np.nonzero(
                    (taken_box[:, 0] < high[0] - SLACK) & (taken_box[:, 2] > low[0] + SLACK)
                    & (taken_box[:, 1] < high[1] - SLACK) & (taken_box[:, 3] > low[1] + SLACK)
                )[0]  # fmt: skip
                hits = (
                    _turned_hits(moved_shape, near, taken, taken_box, upright)
                    if turned
                    else len(near)
                )
                cost = 1e3 * max(0.0, off) + hits + over
                if cost < best_cost:
                    best, best_cost = (dx, dy), cost
                if cost == 0.0:
                    break
            if best_cost == 0.0:
                break
        dx, dy = best
        if best_cost > 0.0:
            unplaced.append(text)
        if dx or dy:
            anchor = _anchor(text)
            _move(text, dx, dy)
            moved.append(text)
            box = start.translated(dx, dy)
            far = math.hypot(dx, dy) > LEADER_AFTER * em
            if far and not note and not text.get_rotation() and not _has_leader(text):
                _leader(text, anchor, box)
        placed = shape + (dx, dy)
        taken.append(placed)
        upright.append(not turned)
        taken_box = np.vstack([taken_box, [*placed.min(axis=0), *placed.max(axis=0)]])
    return Placement(moved, unplaced)


def _too_far(text: Text, dx: float, dy: float, em: float) -> bool:
    """Whether a shift takes a label inside its panel too far from what it names: more than
    :data:`NEAR` ems; for a label along a line, any step off its line beyond the first ring (it
    may slide along its line as far as the line goes, but moved across it, it lies on the
    neighbouring line and names that one)."""
    angle = text.get_rotation()
    if not angle:
        return math.hypot(dx, dy) > NEAR * em
    ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    across = abs(-dx * uy + dy * ux)
    return across > 1e-6 and math.hypot(dx, dy) > RINGS[1] * em


def _data_areas(fig: Figure) -> list[Bbox]:
    """Where each panel draws its data: a flat panel's frame; a 3-D panel's box as projected
    (the bounds of its eight corners)."""
    out = []
    for ax in fig.axes:
        if ax.get_gid() == "colorbar" or not ax.get_visible():
            continue
        if ax.name == "3d":
            corners = np.array(
                list(itertools.product(ax.get_xlim(), ax.get_ylim(), ax.get_zlim()))  # type: ignore[attr-defined]
            )
            xs, ys, _ = proj3d.proj_transform(*corners.T, ax.M)  # type: ignore[attr-defined]
            pixels = ax.transData.transform(np.column_stack([xs, ys]))
            out.append(Bbox([pixels.min(axis=0), pixels.max(axis=0)]))
        else:
            out.append(ax.bbox.frozen())
    return out


def _fit_width(text: Text, fig: Figure, renderer: RendererAgg) -> None:
    """A label wider than its room (a large --font-scale on a small canvas) is set smaller,
    just enough to fit: a smaller label beats one cut off at the edge or lying on the ticks."""
    room = _room(text, fig, renderer).width
    for _ in range(3):  # the box's padding does not shrink with the text: close in
        wide = _text_box(text, renderer).width
        if wide <= room:
            return
        text.set_fontsize(float(text.get_fontsize()) * room / wide * 0.98)


def _em(fig: Figure) -> float:
    """A tick label's height in pixels: the unit of the shifts."""
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points()
    return float(size) * fig.dpi / 72.0
