"""The scene's marks in matplotlib: lines, points, arrows and labels, styled by their role.

:func:`draw_marks` takes an ``ax`` (2-D or 3-D) and a panel's marks and returns the artists it
drew, each with a ``gid`` naming its role ("decision", "probe-arrow", ...), which also becomes
its id in an SVG. Sizes come from rcParams ("medium" and "small" fonts, multiples of
``lines.linewidth``), so a style that scales rcParams for slides scales the marks too.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Affine2D
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Line3DCollection

from swl_viz.marks import Marks
from swl_viz.mpl.place import PRIORITY
from swl_viz.mpl.plotters import arrow_3d
from swl_viz.mpl.theme import (
    CAP,
    DECISION,
    HALO,
    MATH_FONT,
    MINIMUM,
    PATH,
    PROBE,
    _halo,
    _lw,
    _text_style,
)
from swl_viz.shapes import Arrow, Label, Point, Polyline

__all__ = ["draw_marks"]

#: Each role's zorder on the plane and on a 3-D panel.
ZORDER: dict[str, tuple[float, float]] = {
    "decision": (4, 10),
    "decision-tie": (4, 10),
    "minimum": (4, 10),
    "cap": (4, 10),
    "path": (7, 12),
    "path-steps": (7, 12),
    "lowest": (6, 11),
    "probe-point": (7, 12),
    "path-start": (8, 13),
    "path-end": (8, 13),
    "probe-arrow": (7, 12),
    # words on the plane lie over every line and point (their boxes hide what runs under
    # them; the layout keeps them off the points); on a 3-D panel mplot3d orders by depth
    "decision-label": (9, 11),
    "minimum-label": (9, 11),
    "lowest-label": (9, 11),
    "cap-label": (9, 11),
    "plateau-note": (9, 11),
    "probe-arrow-label": (9, 12),
    "probe-box": (9, 14),  # over the wire it explains: no line runs through its numbers
    "path-start-label": (9, 13),
    "path-end-label": (9, 13),
}


def _z(role: str, three_d: bool) -> float:
    return ZORDER[role][1 if three_d else 0]


def _line_style(role: str, three_d: bool) -> dict[str, Any]:
    if role in ("decision", "decision-tie", "minimum"):
        width = 1.6 if three_d else 1.4
        look: dict[str, Any] = {"color": MINIMUM, "linestyle": "-"}
        if role == "decision-tie":
            look = {"color": DECISION, "linestyle": (0, (1.5, 2.5)), "alpha": 0.8}
        elif role == "decision":
            look = {"color": DECISION, "linestyle": (0, (6, 3))}
        return {"linewidth": _lw(width), "path_effects": _halo(width), **look}
    if role == "cap":
        return {
            "color": CAP,
            "linestyle": (0, (1.5, 2)),
            "linewidth": _lw(1.6),
            "path_effects": _halo(1.6),
        }
    if role == "path":
        return {"color": PATH, "linewidth": _lw(1.2), "path_effects": _halo(1.2)}
    size = float(mpl.rcParams["lines.markersize"])  # path-steps: the points, not the line
    return {
        "color": PATH,
        "linestyle": "none",
        "marker": "o",
        "markersize": 0.45 * size,
        "markeredgecolor": HALO,
        "markeredgewidth": _lw(0.3),
    }


def _line(ax: Any, line: Polyline, three_d: bool) -> list[Artist]:
    coords = [line.x, line.y] if line.z is None or not three_d else [line.x, line.y, line.z]
    drawn: list[Artist] = ax.plot(
        *coords, gid=line.role, zorder=_z(line.role, three_d), **_line_style(line.role, three_d)
    )
    return drawn


def _point(ax: Any, point: Point, three_d: bool) -> list[Artist]:
    size = float(mpl.rcParams["lines.markersize"])
    look: dict[str, Any]
    if point.role == "lowest":
        look = {"markersize": 2.2 * size, "color": MINIMUM, "markeredgecolor": HALO}
    elif point.role == "probe-point":
        look = {"markersize": 1.8 * size, "color": PROBE, "markeredgecolor": HALO}
    else:
        look = {
            "markersize": 1.8 * size,
            "color": PATH,
            "markeredgecolor": HALO,
            "markeredgewidth": _lw(0.6),
        }
    drawn: list[Artist] = ax.plot(
        *[[c] for c in point.at],
        marker=point.marker,
        linestyle="none",
        gid=point.role,
        zorder=_z(point.role, three_d),
        **look,
    )
    return drawn


def _arrow(ax: Any, arrow: Arrow, three_d: bool) -> Artist:
    if three_d:
        lines = Line3DCollection(
            arrow_3d(ax, arrow.tail, arrow.vector),
            colors=PROBE,
            linewidths=_lw(1.6),
            gid=arrow.role,
            zorder=_z(arrow.role, True),
        )
        ax.add_collection3d(lines)
        drawn: Artist = lines
        return drawn
    tip = (arrow.tail[0] + arrow.vector[0], arrow.tail[1] + arrow.vector[1])
    note: Artist = ax.annotate(
        "",
        xy=tip,
        xytext=arrow.tail[:2],
        arrowprops={
            "arrowstyle": "-|>",
            "color": PROBE,
            "linewidth": _lw(1.8),
            "mutation_scale": 12 * _lw(1.0),
            "path_effects": _halo(1.8),
            "shrinkA": 0,
            "shrinkB": 0,
        },
        gid=arrow.role,
        zorder=_z(arrow.role, False),
    )
    return note


def _label(ax: Any, label: Label, three_d: bool, lang: str) -> Artist:
    style = _text_style("en" if label.mono else lang, label.size)
    if label.mono:
        style["family"] = ["DejaVu Sans Mono", MATH_FONT]
    if label.backing == "halo":
        del style["bbox"]
        halo = mpl.rcParams["axes.facecolor"]
        style["path_effects"] = [patheffects.withStroke(linewidth=_lw(2.0), foreground=halo)]
    kw: dict[str, Any] = {"gid": label.role, "zorder": _z(label.role, three_d), **style}
    if label.ha != "left" or label.space == "axes" or label.offset is not None or label.along:
        kw["ha"] = label.ha
    if label.va != "baseline":
        kw["va"] = label.va
    if label.space == "axes":
        if three_d:
            text: Artist = ax.text2D(*label.at, label.text, transform=ax.transAxes, **kw)
            return text
        kw["multialignment"] = "left"
        text = ax.text(*label.at, label.text, transform=ax.transAxes, **kw)
    elif label.offset is not None:
        offset = {"xytext": label.offset, "textcoords": "offset points"}
        text = ax.annotate(label.text, label.at[:2], **offset, **kw)
    elif three_d:  # set off from the point it names, wherever the view puts that point
        offset = {"xytext": label.offset or (0.0, 0.0), "textcoords": "offset points"}
        text = ax.annotate(
            label.text, (0.0, 0.0), xycoords=_projected(ax, label.at), **offset, **kw
        )
    else:
        if label.along:
            kw.update(rotation=45.0, transform_rotates_text=True, rotation_mode="anchor")
        text = ax.text(*label.at[:2], label.text, **kw)
    return text


def _projected(ax: Any, point: tuple[float, ...]) -> Any:
    """A transform that puts (0, 0) where ``ax`` draws the 3-D ``point`` in its current view:
    a label on a surface names its point as the view turns, yet is placed like a flat one."""

    def where(renderer: Any) -> Affine2D:
        x, y, _ = proj3d.proj_transform(*point, ax.get_proj())
        px, py = ax.transData.transform((float(x), float(y)))
        return Affine2D().translate(px, py)

    return where


def draw_marks(ax: Any, marks: Marks, *, three_d: bool, lang: str = "en") -> list[Artist]:
    """Draw a panel's marks on ``ax``: lines, then points, arrows and labels. Every text stays
    inside the canvas: a label near an edge moves back onto it rather than run off."""
    drawn: list[Artist] = []
    for line in marks.lines:
        drawn += _line(ax, line, three_d)
    for point in marks.points:
        drawn += _point(ax, point, three_d)
    drawn += [_arrow(ax, arrow, three_d) for arrow in marks.arrows]
    for label in marks.labels:
        text = _label(ax, label, three_d, lang)
        PRIORITY[text] = label.priority
        drawn.append(text)
    for mark in drawn:
        if type(mark) is Text:
            mark.__class__ = _InsideText
        elif type(mark) is Annotation:
            mark.__class__ = _InsideAnnotation
    return drawn


def _canvas(renderer: Any) -> tuple[float, float]:
    """The canvas in the units of window extents: pixels on Agg, points in a PDF or SVG (whose
    renderer gives its width and height in inches)."""
    width, height = renderer.get_canvas_width_height()
    return float(width), float(height)


def _back_inside(box: Any, renderer: Any) -> tuple[float, float]:
    """The shift that brings ``box`` back onto the canvas (0, 0 when it is on it)."""
    width, height = _canvas(renderer)
    dx = max(0.0, -box.x0) - max(0.0, box.x1 - width)
    dy = max(0.0, -box.y0) - max(0.0, box.y1 - height)
    return dx, dy


class _InsideText(Text):
    """A label on a panel that shifts itself back inside the canvas when its place (near an
    edge, beside a point) would carry part of it off."""

    def draw(self, renderer: Any) -> None:
        dx, dy = _back_inside(self.get_window_extent(renderer), renderer)
        if not (dx or dy):
            super().draw(renderer)
            return
        where = self.get_position()
        x, y = self.get_transform().transform(where)
        self.set_position(tuple(self.get_transform().inverted().transform((x + dx, y + dy))))
        super().draw(renderer)
        self.set_position(where)


class _InsideAnnotation(Annotation):
    """A label set off from its point (offset points) that moves its text back inside the
    canvas when the offset would carry part of it off; the point it names stays."""

    def draw(self, renderer: Any) -> None:
        coords = self.anncoords if isinstance(self.anncoords, str) else ""
        if not self.get_text() or coords not in ("offset points", "offset pixels"):
            super().draw(renderer)
            return
        self.update_positions(renderer)
        dx, dy = _back_inside(Text.get_window_extent(self, renderer), renderer)
        if not (dx or dy):
            super().draw(renderer)
            return
        scale = 72.0 / renderer.points_to_pixels(72.0) if coords == "offset points" else 1.0
        where = self.xyann
        self.xyann = (where[0] + dx * scale, where[1] + dy * scale)
        super().draw(renderer)
        self.xyann = where
