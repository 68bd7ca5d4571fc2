"""The simplex figure in matplotlib: the probability triangle beside the logit plane, on one
colour scale.

:func:`draw_simplex` draws a :class:`~swl_viz.simplex.SimplexScene` on a figure, laid out in
pixels of the canvas, and returns what it drew; :func:`simplex_figure` makes the whole Figure
for a :class:`~swl_viz.plotspec.Plot`, as :func:`swl_viz.mpl.build_figure` does for the others.
The filled contour of the triangle is matplotlib's own triangulation of the scene's points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import cbook, patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.quiver import Quiver
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.tri import Triangulation, TriContourSet

import swl_viz.mpl.theme as theme
from swl_viz.marks import Marks
from swl_viz.mpl.marks import draw_marks
from swl_viz.mpl.place import _renderer, _text_box, place_labels
from swl_viz.mpl.plotters import CONTOUR_ALPHA, add_colorbar
from swl_viz.mpl.theme import (
    MATH_FONT,
    TEXT_PX,
    _box,
    _color,
    _font,
    _linewidth,
    _px,
    _text_style,
)
from swl_viz.plotspec import Plot
from swl_viz.shapes import Label
from swl_viz.simplex import CORNERS, SimplexScene, build_simplex

__all__ = ["SLIDE_TEXT_PX", "SimplexArtists", "draw_simplex", "simplex_figure"]

#: The smallest text on a 1920 x 1080 slide, in pixels: every text of the figure is scaled up
#: to at least this on the slides preset.
SLIDE_TEXT_PX = 32.5
#: The triangle's panel in its own units: the triangle, with room for the corners' names.
TRI_X = (-0.13, 1.13)
TRI_BELOW = 0.16
#: Room around the plane, in tick-label heights: left, bottom, right (colour bar; its tick
#: labels are wider in powers of ten).
PLANE_MARGINS = (4.3, 2.9, 5.4)
LOG_BAR = 6.6


@dataclass
class SimplexArtists:
    """What :func:`draw_simplex` drew."""

    triangle: Axes
    plane: Axes
    tri_fill: TriContourSet
    plane_fill: QuadContourSet
    arrows: Quiver
    colorbar: Colorbar
    marks: dict[str, list[Artist]]  # "triangle" and "plane": the scene's marks as drawn
    texts: list[Text]  # the words a layout step may move


def _slide_rc(plot: Plot) -> dict[str, Any]:
    """The figure's rcParams; on the slides preset every text size grows so that the smallest
    is :data:`SLIDE_TEXT_PX` on a 1080 px tall canvas, in proportion on any other."""
    rc: dict[str, Any] = theme.plot_rc(plot)
    if plot.preset == "slides":
        sizes = [k for k in TEXT_PX if k.endswith(("size", "labelsize")) and "pad" not in k]
        smallest = min(TEXT_PX[k] for k in sizes) * min(plot.pixels) / 1000.0
        want = SLIDE_TEXT_PX * min(plot.pixels) / 1080.0
        grow = max(1.0, want / (smallest * plot.font_scale))
        for k in sizes:
            rc[k] = rc[k] * grow
    return rc


def simplex_figure(plot: Plot, fig: Figure | None = None) -> Figure:
    """The simplex figure of ``plot`` on a new Figure (no pyplot), or on ``fig``."""
    if plot.lang == "ja" and theme.japanese_font() is None:
        plot = replace(plot, lang="en")
    scene = build_simplex(plot)
    rc: Any = _slide_rc(plot)
    with mpl.rc_context(rc):
        if fig is None:
            fig = theme.SceneFigure(rc, figsize=plot.figsize, dpi=plot.dpi)
        drawn = draw_simplex(fig, scene, plot.theme)
        place_labels(fig, drawn.texts)
    return fig


def _size_px(key: str, dpi: float) -> float:
    from matplotlib.font_manager import FontProperties

    rc: Any = mpl.rcParams
    size = FontProperties(size=rc[key]).get_size_in_points()
    return _px(float(size), dpi)


def _width_px(text: str, size_pt: float, dpi: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    family = theme.words_family(text) or mpl.rcParams["font.family"]
    prop = FontProperties(family=family, size=size_pt)
    width = max(
        TextToPath().get_text_width_height_descent(line, prop, ismath=cbook.is_math_text(line))[0]
        for line in text.split("\n")
    )
    return float(width) * dpi / 72.0


def _line(fig: Figure, text: str, x: float, y: float, key: str, room: float) -> Text:
    """Words at the top left of pixel (x, y), shrunk (to 0.6) or else wrapped to fit ``room``
    pixels (:func:`theme.shrink_or_wrap`), as drawn (:func:`theme.fit_drawn`)."""
    w, h = fig.bbox.width, fig.bbox.height
    size = float(_size_px(key, fig.dpi) * 72.0 / fig.dpi)
    text, size = theme.shrink_or_wrap(text, size, room, lambda s, pt: _width_px(s, pt, fig.dpi))
    family = theme.words_family(text)
    drawn = fig.text(x / w, y / h, text, ha="left", va="top", fontsize=size, fontfamily=family)
    theme.fit_drawn(drawn, room)
    return drawn


def draw_simplex(fig: Figure, scene: SimplexScene, theme_name: str = "light") -> SimplexArtists:
    """Draw the scene on ``fig``: the title and key, the triangle, the plane and their shared
    colour bar, each placed in pixels from the rcParams' text sizes."""
    W, H, dpi = float(fig.bbox.width), float(fig.bbox.height), float(fig.dpi)
    em = _size_px("xtick.labelsize", dpi)
    sub = _size_px("axes.titlesize", dpi)
    margin = 0.6 * em
    top = H - 0.5 * margin
    if scene.title is not None:
        title = _line(fig, scene.title, margin, top, "figure.titlesize", W - 2 * margin)
        title.set_gid("title")
        more = title.get_text().count("\n") * theme.LINE_SPACING * float(title.get_fontsize())
        top -= 1.3 * _size_px("figure.titlesize", dpi) + more * dpi / 72.0
    key = _line(fig, scene.key, margin, top, "axes.titlesize", W - 2 * margin)
    key.set_gid("key")
    more = key.get_text().count("\n") * theme.LINE_SPACING * float(key.get_fontsize())
    top -= 1.35 * sub + more * dpi / 72.0
    sub_top = top
    top -= 1.3 * sub + 0.3 * em

    left, bottom, right = (m * em for m in PLANE_MARGINS)
    if scene.zscale == "log":
        right = LOG_BAR * em
    gap = 1.0 * em
    side = min(top - margin - bottom, (W - 2 * margin - gap - left - right) / 2.0)
    tri_side, column = side, side  # the triangle's panel, and the width of its column
    box_text, box_at = scene.probe_box, None
    if box_text is not None:
        box_w, box_h = _box_size(fig, box_text)
        if box_w > BOX_IN_PLANE[0] * side or box_h > BOX_IN_PLANE[1] * side:
            # too big for a corner of the plane: a room of its own, below the triangle, as
            # it is or with its long lines wrapped, whichever leaves the panels larger
            widest = max(
                (_box_size(fig, lab.text, scene.lang)[0] for lab in scene.tri_marks.labels),
                default=0.0,
            )  # the triangle's labels keep their size: its panel is at least as wide
            best: tuple[float, ...] | None = None
            for text in dict.fromkeys((box_text, _wrapped(box_text))):
                w_, h_ = _box_size(fig, text)
                tri = min(side, top - margin - h_ - 0.6 * em)
                col = max(tri, w_)
                plane = min(top - margin - bottom, W - 2 * margin - gap - col - left - right)
                fits = tri >= max(widest, MIN_TRIANGLE * side)
                score = (float(fits), min(tri, plane), -h_)
                if best is None or score > best[:3]:
                    best = (*score, tri, col, plane, w_, h_)
                    chosen = text
            assert best is not None
            tri_side, column, side, box_w, box_h = best[3:]
            box_text = chosen
            box_at = (0.0, top - tri_side - 0.3 * em)
    width = column + side + gap + left + right
    x0 = max(margin, (W - width) / 2.0)
    y0 = margin + bottom + (top - margin - bottom - side) / 2.0
    ty0 = y0 if box_at is None else top - tri_side
    tri_ax = fig.add_axes(
        ((x0 + (column - tri_side) / 2.0) / W, ty0 / H, tri_side / W, tri_side / H)
    )
    px0 = x0 + column + gap + left
    plane_ax = fig.add_axes((px0 / W, y0 / H, side / W, side / H))
    if box_at is not None:
        box_at = (x0 + (column - box_w) / 2.0, box_at[1])

    cmap = _color(theme_name, "cmap")
    tri_fill, arrows, tri_drawn, tri_texts = _triangle(tri_ax, scene, theme_name, cmap)
    plane_fill, plane_drawn = _plane(plane_ax, scene, cmap, box_text, box_at)
    cbar = _colorbar(fig, plane_ax, plane_fill, scene, em)
    for ax, text, x in (
        (tri_ax, scene.tri_subtitle, x0),
        (plane_ax, scene.plane_subtitle, px0 - left),
    ):
        room = side + left if ax is plane_ax else column + gap
        _line(fig, text, x, sub_top, "axes.titlesize", room).set_gid("subtitle")

    texts = tri_texts + [a for a in [*tri_drawn, *plane_drawn] if isinstance(a, Text)]
    return SimplexArtists(
        triangle=tri_ax,
        plane=plane_ax,
        tri_fill=tri_fill,
        plane_fill=plane_fill,
        arrows=arrows,
        colorbar=cbar,
        marks={"triangle": tri_drawn, "plane": plane_drawn},
        texts=[t for t in texts if t.get_text()],
    )


def _triangle(
    ax: Axes, scene: SimplexScene, theme_name: str, cmap: str
) -> tuple[TriContourSet, Quiver, list[Artist], list[Text]]:
    height = float(CORNERS[2, 1])
    span = TRI_X[1] - TRI_X[0]
    below = -TRI_BELOW
    ax.set_xlim(*TRI_X)
    ax.set_ylim(below, below + span)
    ax.set_aspect("equal")
    ax.set_axis_off()
    mesh = Triangulation(scene.tri_xy[:, 0], scene.tri_xy[:, 1])
    fill = ax.tricontourf(
        mesh, scene.tri_z, levels=list(scene.levels), cmap=cmap, alpha=CONTOUR_ALPHA,
        extend=scene.extend,
    )  # fmt: skip
    edge = mpl.rcParams["axes.edgecolor"]
    ax.add_patch(
        Polygon(CORNERS, closed=True, fill=False, edgecolor=edge, linewidth=_linewidth(0.8),
                zorder=2, gid="triangle")
    )  # fmt: skip
    shaft = _linewidth(1.1)
    length = np.hypot(scene.arrow_uv[:, 0], scene.arrow_uv[:, 1])
    side_px = ax.get_position().width * float(ax.get_figure(root=True).bbox.width)  # type: ignore[union-attr]
    keep = length * side_px / span >= _px(shaft, float(ax.get_figure(root=True).dpi))  # type: ignore[union-attr]
    quiver = ax.quiver(
        scene.arrow_xy[keep, 0], scene.arrow_xy[keep, 1], scene.arrow_uv[keep, 0],
        scene.arrow_uv[keep, 1], color=_color(theme_name, "arrow"), angles="xy",
        scale_units="xy", scale=1.0, pivot="tail", units="inches", width=shaft / 72.0,
        headwidth=3.0, headlength=3.5, headaxislength=3.2, minlength=0.0, zorder=3,
        gid="triangle-arrows",
    )  # fmt: skip
    quiver.set_path_effects(
        [patheffects.withStroke(linewidth=_linewidth(1.2), foreground=_color(theme_name, "halo")),
         patheffects.Normal()]
    )  # fmt: skip
    marks = Marks(
        list(scene.tri_marks.lines), list(scene.tri_marks.points), [],
        list(scene.tri_marks.labels),
    )  # fmt: skip
    drawn = draw_marks(ax, marks, three_d=False, lang=scene.lang)
    texts: list[Text] = []
    style = {"fontsize": "medium", "color": mpl.rcParams["text.color"], **_font(scene.lang)}
    gap = 0.03
    places = [(0.0, -gap, "top"), (1.0, -gap, "top"), (0.5, height + gap, "bottom")]
    for name, (x, y, va) in zip(scene.corner_names, places, strict=True):
        texts.append(ax.text(x, y, name, ha="center", va=va, gid="corner-label", zorder=6, **style))
    return fill, quiver, drawn, texts


def _plane(
    ax: Axes,
    scene: SimplexScene,
    cmap: str,
    box_text: str | None,
    box_at: tuple[float, float] | None,
) -> tuple[QuadContourSet, list[Artist]]:
    """The plane; the probe's box (``box_text``, maybe wrapped) in the plane's corner away
    from the probe, or with its top-left corner at pixel ``box_at`` when the layout gave it a
    room of its own."""
    fill = ax.contourf(
        scene.plane_u, scene.plane_v, scene.plane_z, levels=list(scene.levels), cmap=cmap,
        alpha=CONTOUR_ALPHA, extend=scene.extend,
    )  # fmt: skip
    ax.set_aspect("equal")
    ax.set_xlim(float(scene.plane_u[0]), float(scene.plane_u[-1]))
    ax.set_ylim(float(scene.plane_v[0]), float(scene.plane_v[-1]))
    ax.set_xlabel(scene.plane_labels[0])
    ax.set_ylabel(scene.plane_labels[1])
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10], prune="lower"))
    rc = mpl.rcParams
    ax.tick_params(
        labelsize=rc["xtick.labelsize"], pad=rc["xtick.major.pad"],
        width=rc["xtick.major.width"], length=rc["xtick.major.size"],
    )  # fmt: skip
    given = scene.plane_marks
    marks = Marks(list(given.lines), list(given.points), list(given.arrows), list(given.labels))
    if box_text is not None and scene.probe_at is not None:  # the corner away from it
        mid_u = (float(scene.plane_u[0]) + float(scene.plane_u[-1])) / 2
        right = scene.probe_at[0] < mid_u and box_at is None
        marks.labels.append(
            Label("probe-box", box_text, (0.98 if right else -0.02, 0.98), 1,
                  space="axes", ha="right" if right else "left", va="top", mono=True)
        )  # fmt: skip
    drawn = draw_marks(ax, marks, three_d=False, lang=scene.lang)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    for text in drawn:  # the probe's box may reach past the plane, onto free canvas
        if isinstance(text, Text) and text.get_gid() == "probe-box":
            x, y = fig.transFigure.inverted().transform(ax.transAxes.transform(text.get_position()))
            if box_at is not None:  # its own room: the box's edge (its pad) at box_at
                pad = _box_pad(text)
                x = (box_at[0] + pad) / fig.bbox.width
                y = (box_at[1] - pad) / fig.bbox.height
            text.set_transform(fig.transFigure)
            text.set_position((float(x), float(y)))
    if scene.note is not None:  # in the corner farthest from the path's end, if any
        right = scene.path is None or float(scene.path.plane[-1, 0]) < 0.0
        style = {"fontsize": "medium", "color": mpl.rcParams["text.color"], **_font(scene.lang)}
        drawn.append(
            ax.text(0.98 if right else 0.02, 0.02, scene.note, transform=ax.transAxes,
                    ha="right" if right else "left", va="bottom", gid="invariance-note",
                    zorder=6, bbox=_box(), multialignment="left", **style)
        )  # fmt: skip
    return fill, drawn


#: The probe's box stays in a corner of the plane while it is at most this share of the
#: plane's side wide and tall; a bigger one gets a room of its own below the triangle.
BOX_IN_PLANE = (0.62, 0.42)
#: The smallest the triangle's panel becomes, as a share of the plane's side, to make that room.
MIN_TRIANGLE = 0.5
#: Lines of the probe's box longer than this many characters wrap after their " = ".
WRAP_AT = 30


def _box_style(lang: str | None) -> dict[str, Any]:
    """The style the marks draw a label in: the probe's box (``lang`` None) in monospace."""
    style = _text_style(lang or "en", "medium")
    if lang is None:
        style["family"] = ["DejaVu Sans Mono", MATH_FONT]
    return style


def _box_pad(text: Text) -> float:
    """The pixels between a boxed text and its box's edge."""
    patch = text.get_bbox_patch()
    if patch is None:
        return 0.0
    pad = float(patch.get_boxstyle().pad)  # type: ignore[attr-defined]
    return _px(pad * float(text.get_fontsize()), float(text.figure.dpi))


def _box_size(fig: Figure, text: str, lang: str | None = None) -> tuple[float, float]:
    """A boxed label's width and height in pixels, box included, as the marks draw it: the
    probe's box (``lang`` None), or a label in ``lang``."""
    probe = fig.text(0.0, 0.0, text, **_box_style(lang))
    try:
        box = _text_box(probe, _renderer(fig))
    finally:
        probe.remove()
    return float(box.width), float(box.height)


def _wrapped(text: str) -> str:
    """Each long line "name = (values)" of the box as two: "name =" and the values, indented."""
    out = []
    for line in text.split("\n"):
        head, sep, tail = line.partition(" = ")
        if sep and len(line) > WRAP_AT:
            out += [head + " =", "  " + tail]
        else:
            out.append(line)
    return "\n".join(out)


def _colorbar(
    fig: Figure, ax: Axes, fill: QuadContourSet, scene: SimplexScene, em: float
) -> Colorbar:
    W, H = float(fig.bbox.width), float(fig.bbox.height)
    pos = ax.get_position()
    x0 = pos.x1 * W + 0.8 * em
    height = pos.height * H * 0.9
    y0 = pos.y0 * H + (pos.height * H - height) / 2
    cax = fig.add_axes((x0 / W, y0 / H, 0.9 * em / W, height / H))
    cbar = add_colorbar(fill, [ax], scene.zlabel, scene.zscale, cax=cax)
    cbar.ax.set_gid("colorbar")
    lo, hi = scene.levels[0], scene.levels[-1]
    ticks = MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    span = hi - lo
    cbar.set_ticks([float(v) for v in ticks if lo - 1e-9 * span <= v <= hi + 1e-9 * span])
    rc = mpl.rcParams
    cbar.ax.tick_params(
        labelsize=rc["ytick.labelsize"], pad=rc["ytick.major.pad"],
        width=rc["ytick.major.width"], length=rc["ytick.major.size"],
    )  # fmt: skip
    return cbar
