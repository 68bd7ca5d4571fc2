"""A whole figure in matplotlib: the scene's panels laid out on a canvas measured in pixels.

:func:`build_figure` makes a :class:`matplotlib.figure.Figure` for a :class:`Plot` without
touching pyplot, so batch exports hold no global state. It computes the scene
(:func:`swl_viz.scene.build_scene`), places the title, each panel, the colour bar and a slide's
key in pixels of the canvas, and draws each panel with :mod:`swl_viz.mpl.plotters` and
:mod:`swl_viz.mpl.marks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import cbook
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.axes3d import Axes3D

import swl_viz.mpl.theme as theme
from swl_viz.grid import LossGrid
from swl_viz.marks import Marks, logit_label
from swl_viz.mpl.marks import draw_marks
from swl_viz.mpl.place import ROOM, place_labels
from swl_viz.mpl.plotters import TICKS_3D, add_colorbar, draw_contour, draw_quiver, draw_surface
from swl_viz.mpl.slice import draw_slice
from swl_viz.mpl.theme import _color, _linewidth, _px
from swl_viz.plotspec import Plot
from swl_viz.scene import build_scene
from swl_viz.shapes import Panel, Scene
from swl_viz.words import words

__all__ = ["build_figure"]


def _fix_ticks(ax: Axes, axes: str = "both") -> None:
    """Tick sizes from the current rcParams, fixed now: matplotlib makes most ticks lazily at
    draw time, and the caller may draw outside this figure's rc context."""
    rc = mpl.rcParams
    ax.tick_params(
        axis=axes,  # type: ignore[arg-type]
        labelsize=rc["xtick.labelsize"],
        pad=rc["xtick.major.pad"],
        width=rc["xtick.major.width"],
        length=rc["xtick.major.size"],
    )


#: Offsets in points mplot3d adds to 3-D axis labels and tick labels, scaled by the axes' size
#: in points (mpl_toolkits.mplot3d.axis3d): at 100 dpi they are what the layout allows for.
_MPLOT3D_LABEL_OFFSET, _MPLOT3D_TICK_OFFSET = 21.0, 8.0


def _labels_3d(ax: Axes3D, grid: LossGrid, zlabel: str) -> None:
    pad = 1.9 * _text_px("xtick.labelsize")  # points: clear of the tick labels
    # The same pixels are fewer points at a higher dpi, so mplot3d's fixed offsets would push
    # the labels out (off the canvas above ~250 dpi): take back what they gain over 100 dpi.
    # (Below 100 dpi they shrink, and the labels sit a little closer: that stays.)
    gain = min(0.0, 100.0 / float(ax.get_figure(root=True).dpi) - 1.0)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        # few ticks, none at the box's corners, where two axes' labels would meet
        axis.set_major_locator(MaxNLocator(TICKS_3D, steps=[1, 2, 2.5, 5, 10], prune="both"))
        axis.labelpad = pad + _MPLOT3D_LABEL_OFFSET * gain
    ax.zaxis.labelpad = 0.9 * pad + _MPLOT3D_LABEL_OFFSET * gain  # short ticks: 10, 20, 30
    ax.set_xlabel(logit_label(grid.axes[0]))
    ax.set_ylabel(logit_label(grid.axes[1]))
    ax.set_zlabel(zlabel)
    _read_upward(ax.zaxis.label)
    _fix_ticks(ax)
    _fix_ticks(ax, "z")
    ax.tick_params(axis="both", pad=mpl.rcParams["xtick.major.pad"] + _MPLOT3D_TICK_OFFSET * gain)
    ax.tick_params(axis="z", pad=mpl.rcParams["xtick.major.pad"] + _MPLOT3D_TICK_OFFSET * gain)


def _read_upward(label: Text) -> None:
    """mplot3d turns the z label along its axis at every draw, as an angle in (-90, 90]: an
    axis leaning a little left comes out near -90 degrees and reads top to bottom, against the
    colour bar's label and every other upright word. Turn such an angle half round: the same
    line, read bottom to top."""
    turn = label.set_rotation

    def upward(angle: Any) -> None:
        if isinstance(angle, (int, float)) and angle < -45.0:
            angle = float(angle) + 180.0
        turn(angle)

    setattr(label, "set_rotation", upward)  # noqa: B010 (an instance's own method)
    upward(label.get_rotation())


@dataclass(frozen=True)
class _Box:
    """A rectangle of the canvas in pixels, origin bottom left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def _text_px(key: str) -> float:
    from matplotlib.font_manager import FontProperties

    rc: Any = mpl.rcParams
    size = FontProperties(size=rc[key]).get_size_in_points()
    return float(size)


class _Frame:
    """Pixel geometry of one figure, from the rcParams text sizes in force."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.dpi = float(fig.dpi)
        width, height = fig.get_size_inches()
        self.w = float(width * self.dpi)
        self.h = float(height * self.dpi)
        self.em = _px(_text_px("xtick.labelsize"), self.dpi)  # a tick label, in pixels
        self.label = _px(_text_px("axes.labelsize"), self.dpi)
        self.title = _px(_text_px("figure.titlesize"), self.dpi)
        self.sub = _px(_text_px("axes.titlesize"), self.dpi)

    def rect(self, box: _Box) -> tuple[float, float, float, float]:
        """Figure fractions [left, bottom, width, height] of ``box``."""
        return (box.x0 / self.w, box.y0 / self.h, box.w / self.w, box.h / self.h)


def _panel_title(ax: Axes, frame: _Frame, text: str, x: float, y: float) -> None:
    """The panel's title (label, options), its top-left corner at pixel (x, y)."""
    pos = ax.get_position()
    ax_x = (x / frame.w - pos.x0) / pos.width
    ax_y = (y / frame.h - pos.y0) / pos.height
    ax.set_title(text, loc="left", x=ax_x, y=ax_y, pad=0, va="top")


#: Room the 3-D labels take outside the box, in tick-label heights: each side, below, above.
MARGIN_3D = (3.2, 2.6, 1.0)

#: The 3-D box's proportions: matplotlib's, and a flatter one that fills a 16:9 slide.
BOX_3D = (4.0, 4.0, 3.0)

BOX_3D_WIDE = (4.0, 4.0, 2.2)

#: Gap between a slide's panel and its key, in tick-label heights. Negative for 3-D: the key
#: (at the top) reaches into the side margin kept for a z label (at mid-height) as it turns.
KEY_GAP = 0.3
KEY_GAP_2D = 0.8  # a contour's: clear of its colour bar's label
KEY_GAP_3D = -2.0

#: Room around a contour panel, in tick-label heights: left, bottom, top, right (colourbar).
CONTOUR_MARGINS = (4.3, 2.9, 0.3, 5.2)


def _bar_margin(scene: Scene, em: float) -> float:
    """The room right of a contour for its colour bar: more on a log scale, whose ticks
    (10⁻¹⁵) are wider than a linear scale's (25)."""
    return (CONTOUR_MARGINS[3] + (1.2 if scene.zscale == "log" else 0.0)) * em


#: View angles the 3-D fit tries, so a turntable's every frame fits its panel.
_FIT_AZIMS = np.arange(0.0, 360.0, 15.0)


def _fit_3d(
    ax: Axes3D,
    frame: _Frame,
    box: _Box,
    elev: float,
    azim: float,
    aspect: tuple[float, float, float] = (4.0, 4.0, 3.0),
) -> _Box:
    """Place a square 3-D axes and zoom its box so that, turned to any azimuth at ``elev``, the
    box and its tick and axis labels stay inside ``box`` (pixels). Returns the part of ``box``
    that the turning box and its labels use: its full height and the width they need."""
    side = max(box.w, box.h)
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    mx, my_low, my_high = MARGIN_3D[0] * frame.em, MARGIN_3D[1] * frame.em, MARGIN_3D[2] * frame.em
    corners = np.array(
        [[x, y, z] for x in ax.get_xlim() for y in ax.get_ylim() for z in ax.get_zlim()]
    ).T
    zoom = 1.0
    for _ in range(4):  # the projection is nearly linear in the zoom; a few passes settle it
        ax.set_position(
            frame.rect(_Box(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2))
        )
        ax.set_box_aspect(aspect, zoom=zoom)
        lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
        for a in _FIT_AZIMS:
            ax.view_init(elev=elev, azim=float(a))
            xs, ys, _ = proj3d.proj_transform(*corners, ax.get_proj())
            pts = ax.transData.transform(np.column_stack([xs, ys]))
            lo, hi = np.minimum(lo, pts.min(axis=0)), np.maximum(hi, pts.max(axis=0))
        fit = min((box.w - 2 * mx) / (hi[0] - lo[0]), (box.h - my_low - my_high) / (hi[1] - lo[1]))
        # move the square so the swept box sits centred in its room
        cx += (box.x0 + box.x1) / 2 - (lo[0] + hi[0]) / 2 * 1.0
        cy += (box.y0 + my_low + box.y1 - my_high) / 2 - (lo[1] + hi[1]) / 2
        if abs(fit - 1.0) < 0.005:
            break
        zoom *= fit
    ax.set_position(frame.rect(_Box(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)))
    ax.set_box_aspect(aspect, zoom=zoom)
    ax.view_init(elev=elev, azim=azim)
    used = min(box.w, (hi[0] - lo[0]) * fit + 2 * mx)
    mid = (box.x0 + box.x1) / 2
    return _Box(mid - used / 2, box.y0, mid + used / 2, box.y1)


def _shift(ax: Axes, frame: _Frame, dx: float) -> None:
    """Move an axes ``dx`` pixels to the right."""
    pos = ax.get_position()
    ax.set_position((pos.x0 + dx / frame.w, pos.y0, pos.width, pos.height))


def build_figure(
    plot: Plot, grids: Sequence[LossGrid] | None = None, fig: Figure | None = None
) -> Figure:
    """Draw ``plot`` on a new Figure (no pyplot), or on ``fig``. Call inside
    ``theme_context(plot)``; the sizes are also applied here, so artists made now are right
    whatever the caller's context.

    ``grids`` are the computed grids (one, or exact then book for ``compare``); they are
    computed here when not given. Japanese words need a Japanese font: without one the figure
    is drawn in English.
    """
    if plot.figure == "simplex":  # two panels of its own: the triangle and the plane
        from swl_viz.mpl.simplex import simplex_figure  # loaded only for the simplex

        return simplex_figure(plot, fig)
    if plot.lang == "ja" and theme.japanese_font() is None:
        plot = replace(plot, lang="en")
    scene = build_scene(plot, grids)
    rc: Any = theme.plot_rc(plot)
    with mpl.rc_context(rc):
        if fig is None:
            fig = theme.SceneFigure(rc, figsize=plot.figsize, dpi=plot.dpi)
        _build(plot, scene, fig)
        place_labels(fig, _movable(fig))
    return fig


#: The labels a layout step may move: words that name something on the plane.
_MOVABLE_ENDS = ("-label", "probe-box", "plateau-note", "why-root2", "why-slope")


def _movable(fig: Figure) -> list[Text]:
    """The scene's labels on the plane (and the corner texts of 3-D panels): not the labels
    lying on a 3-D surface, which turn with it."""
    legends = [ax.get_legend() for ax in fig.axes]
    titles = {id(legend.get_title()) for legend in legends if legend is not None}
    return [
        t
        for t in fig.findobj(Text)
        if str(t.get_gid() or "").endswith(_MOVABLE_ENDS) and id(t) not in titles  # a legend's
    ]


def _title(fig: Figure, frame: _Frame, title: str, margin: float, top: float) -> float:
    """The figure's title at the top left, shrunk (to 0.6) or else wrapped to fit the canvas's
    width; returns the height it takes, in pixels."""
    # the Japanese font first: words around $...$ are drawn in the first font found
    family = theme.words_family(title)
    # a long title (the book's, a user's) shrinks to fit, then wraps
    title, size = theme.shrink_or_wrap(
        title,
        float(mpl.rcParams["figure.titlesize"]),
        frame.w - 2 * margin,
        lambda s, pt: _text_width(s, pt, frame.dpi),
    )
    text = fig.suptitle(
        title,
        x=margin / frame.w,
        y=top / frame.h,
        ha="left",
        va="top",
        fontsize=size,
        fontfamily=family,
    )
    size = theme.fit_drawn(text, frame.w - 2 * margin)
    more = title.count("\n") * theme.LINE_SPACING * size * frame.dpi / 72.0
    return 1.3 * frame.title + more


def _build(plot: Plot, scene: Scene, fig: Figure) -> None:
    frame = _Frame(fig)
    margin = 0.6 * frame.em
    top = frame.h - 0.5 * margin
    if scene.title is not None:
        top -= _title(fig, frame, scene.title, margin, top)
    if plot.figure == "slice":
        _slice_figure(fig, frame, scene, margin, top)
        return
    if plot.figure == "losses":
        from swl_viz.mpl.compare import draw_losses

        draw_losses(fig, plot, (frame.em, frame.sub), (margin, top))
        return
    key_w = _key_width(scene.key, plot, frame) if scene.key else 0.0
    if scene.key:  # the label and a key go to a column on the right; the panel gets the height
        content_top = top - 0.3 * frame.em
        room = _Box(margin, margin, frame.w - margin - key_w - KEY_GAP * frame.em, content_top)
    else:
        sub_lines = 2 if len(scene.panels) > 1 and plot.figure != "pair" else 1
        content_top = top - sub_lines * 1.3 * frame.sub - 0.3 * frame.em
        room = _Box(margin, margin, frame.w - margin, content_top)
    if plot.figure in ("surface", "quiver"):
        n = len(scene.panels)
        for i, panel in enumerate(scene.panels):
            band = _Box(room.x0 + room.w * i / n, room.y0, room.x0 + room.w * (i + 1) / n, room.y1)
            ax3, used = _surface_panel(fig, frame, band, plot, scene, panel)
            if scene.key:  # the panel and its key, centred together
                group = used.w + KEY_GAP_3D * frame.em + key_w
                dx = max(margin, (frame.w - group) / 2) - used.x0
                _shift(ax3, frame, dx)
                x0 = used.x1 + dx + KEY_GAP_3D * frame.em
                _key_panel(fig, frame, _Box(x0, margin, x0 + key_w, content_top), scene.key, ax3)
            else:
                _panel_title(ax3, frame, panel.subtitle, band.x0, top)
        return
    _contour_figure(fig, frame, plot, scene, room, (margin, top, content_top, key_w))


def _contour_figure(
    fig: Figure,
    frame: _Frame,
    plot: Plot,
    scene: Scene,
    room: _Box,
    where: tuple[float, float, float, float],
) -> None:
    """contour (one panel, two for compare, or a slide's panel beside its key) and pair (the
    surface beside the contour)."""
    margin, top, content_top, key_w = where
    flat = [p for p in scene.panels if not p.three_d]
    if plot.figure == "pair":
        split = room.x0 + room.w * 0.48
        band = _Box(room.x0, room.y0, split, room.y1)
        ax3, _ = _surface_panel(fig, frame, band, plot, scene, scene.panels[0])
        _panel_title(ax3, frame, scene.panels[0].subtitle, band.x0, top)
        bands = [_Box(split, room.y0, room.x1, room.y1)]
    elif scene.key:
        em = frame.em
        side = room.h - CONTOUR_MARGINS[1] * em - CONTOUR_MARGINS[2] * em
        # the key's column takes its width first: the square shrinks to what is left; the
        # colour bar's label (wider ticks at T = 3: 12.5) keeps KEY_GAP_2D from the key
        extra = (KEY_GAP_2D - KEY_GAP) * em
        side = min(side, room.w - CONTOUR_MARGINS[0] * em - _bar_margin(scene, em) - extra)
        need = CONTOUR_MARGINS[0] * em + side + _bar_margin(scene, em)
        group = need + KEY_GAP_2D * em + key_w
        x0 = max(margin, (frame.w - group) / 2)
        bands = [_Box(x0, room.y0, x0 + need, room.y1)]
        kx = x0 + need + KEY_GAP_2D * em
        key = _Box(kx, margin, kx + key_w, content_top)
    else:
        n = len(flat)
        bar_room = _bar_margin(scene, frame.em)
        width = (room.w - bar_room) / n
        bands = [
            _Box(room.x0 + width * i, room.y0, room.x0 + width * (i + 1), room.y1) for i in range(n)
        ]
        bands[-1] = _Box(bands[-1].x0, bands[-1].y0, bands[-1].x1 + bar_room, bands[-1].y1)
    contours: list[tuple[QuadContourSet, Axes]] = []
    for i, (panel, band) in enumerate(zip(flat, bands, strict=True)):
        last = i == len(bands) - 1
        ax, cs = _contour_panel(fig, frame, band, plot, scene, panel, bar=last)
        if scene.key:
            _key_panel(fig, frame, key, scene.key, None)
        elif plot.figure != "pair":
            _panel_title(ax, frame, panel.subtitle, band.x0, top)
        contours.append((cs, ax))
    _shared_colorbar(fig, frame, scene, contours)


def _slice_figure(fig: Figure, frame: _Frame, scene: Scene, margin: float, top: float) -> None:
    """The slice: the loss along d = x1 - x0 and its slope below, under the label's subtitle."""
    assert scene.curves is not None
    room = _Box(margin, margin, frame.w - margin, top - 1.3 * frame.sub - 0.3 * frame.em)
    em = frame.em
    left, bottom, top_gap = (CONTOUR_MARGINS[i] * em for i in range(3))
    left += 0.4 * em  # the slope panel's ticks (0.33 at T = 3) are wider than the loss's
    box = _Box(room.x0 + left, room.y0 + bottom, room.x1 - 1.2 * em, room.y1 - top_gap - em)
    ax = fig.add_axes(frame.rect(box))
    draw_slice(ax, scene.curves, lang=scene.lang)
    for panel in fig.axes:
        _fix_ticks(panel)
    _panel_title(ax, frame, scene.curves.subtitle, room.x0, top)


def _text_width(text: str, size_pt: float, dpi: float) -> float:
    """Width in pixels of one line of text, measured without a renderer."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=mpl.rcParams["font.family"], size=size_pt)
    ismath = cbook.is_math_text(text)  # an even number of unescaped dollars, as Text reads it
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=ismath)
    return float(width) * dpi / 72.0


#: The slide key's text, relative to an axis label.
KEY_SIZE = 1.12


def _key_width(lines: Sequence[str], plot: Plot, frame: _Frame) -> float:
    size = KEY_SIZE * _text_px("axes.labelsize")
    widest = max(_text_width(line, size, frame.dpi) for line in lines)
    if plot.figure == "quiver":  # the legend: a handle and the longer word
        w = words(plot.lang)
        legend = max(_text_width(w[k], size, frame.dpi) for k in ("forward", "backward"))
        widest = max(widest, legend + 3.0 * frame.em)
    return widest + 0.2 * frame.em


def _key_panel(
    fig: Figure, frame: _Frame, box: _Box, lines: Sequence[str], ax3: Axes3D | None
) -> None:
    """The slide's key, a column of text at the right of its panel, centred on its height so
    the column leaves no large blank under a short key; for quiver, the legend of wire and
    arrows goes under it."""
    size = KEY_SIZE * frame.label
    legend = None if ax3 is None else ax3.get_legend()
    tall = (len(lines) + (2.3 if legend is not None else 0.0)) * 1.55 * size
    y = box.y1 - 0.2 * size - max(0.0, (box.h - tall) / 2)
    for line in lines:
        fig.text(
            box.x0 / frame.w,
            y / frame.h,
            line,
            ha="left",
            va="top",
            fontsize=KEY_SIZE * _text_px("axes.labelsize"),
        )
        y -= 1.55 * size
    if ax3 is not None and legend is not None:
        legend.remove()
        ax3.legend(
            loc="upper left",
            bbox_to_anchor=(box.x0 / frame.w, (y - 0.3 * size) / frame.h),
            bbox_transform=fig.transFigure,
            frameon=False,
            borderaxespad=0.0,
            borderpad=0.0,
            handlelength=1.6,
            fontsize=KEY_SIZE * _text_px("axes.labelsize"),  # as large as the key above it
        )


def _surface_panel(
    fig: Figure, frame: _Frame, band: _Box, plot: Plot, scene: Scene, panel: Panel
) -> tuple[Axes3D, _Box]:
    """One 3-D panel: the wireframe (and, for quiver, the descent arrows), fitted into ``band``
    so that every view of it keeps its labels inside. Returns the axes and the part of
    ``band`` it needs (for a slide's key beside it)."""
    grid = panel.grid
    zmin, zmax = scene.zrange
    ax: Axes3D = fig.add_axes((0.0, 0.0, 1.0, 1.0), projection="3d")
    ax.patch.set_visible(False)  # the square may reach past its band; the figure shows through
    lo, hi = float(grid.x0.min()), float(grid.x0.max())
    lo1, hi1 = float(grid.x1.min()), float(grid.x1.max())
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo1, hi1)
    ax.set_zlim(zmin, zmax)
    _labels_3d(ax, grid, scene.zlabel)
    wide = band.w > 1.5 * band.h
    elev, azim = scene.view
    used = _fit_3d(ax, frame, band, elev, azim, BOX_3D_WIDE if wide else BOX_3D)
    ROOM[ax] = Bbox.from_extents(band.x0, band.y0, band.x1, band.y1)
    clip = plot.zlim is not None
    theme = plot.theme
    if panel.field is not None:
        w = words(plot.lang)
        draw_quiver(
            ax,
            grid,
            panel.field,
            zscale=plot.zscale,
            wire_color=_color(theme, "wire_faint"),
            arrow_color=_color(theme, "arrow"),
            labels=(w["forward"], w["backward"]),
            min_px=_px(_linewidth(1.15), frame.dpi),
            clip=clip,
        )
        ax.legend(
            loc="upper right",
            bbox_to_anchor=(band.x1 / frame.w, band.y1 / frame.h),
            bbox_transform=fig.transFigure,
            ncols=2,
            frameon=False,
            borderaxespad=0.0,
            handlelength=1.6,
            columnspacing=1.0,
        )
    else:
        draw_surface(ax, grid, zscale=plot.zscale, color=_color(theme, "wire"), clip=clip)
    _marks(ax, plot, panel)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo1, hi1)
    ax.set_zlim(zmin, zmax)
    return ax, used


#: Where a 3-D panel's corner texts go on the canvas (a 3-D axes reaches past its band, so its
#: own corners are no place for text): (x, y, va) in figure fractions, on a slide with its key
#: and elsewhere. In pair the contour beside carries them, so the 3-D panel leaves them out.
_CORNERS = {
    "probe-box": {True: (0.985, 0.015, "bottom"), False: (0.985, 0.84, "top")},
}


def _marks(ax: Axes | Axes3D, plot: Plot, panel: Panel) -> list[Artist]:
    """What a learner should notice, on one panel: the scene's lines (decision, minimum, the
    book's cap), the descent path, and the probed point with what the layer sends back."""
    labels = list(panel.labels)
    if panel.three_d and plot.figure == "pair":
        labels = [label for label in labels if label.role not in (*_CORNERS, "plateau-note")]
    marks = Marks(list(panel.lines), list(panel.points), list(panel.arrows), labels)
    drawn = draw_marks(ax, marks, three_d=panel.three_d, lang=plot.lang)
    fig = ax.get_figure()
    assert fig is not None
    on_slide = plot.preset == "slides" and not plot.compare
    for mark in drawn:
        gid = mark.get_gid()
        if panel.three_d and gid in _CORNERS:
            x, y, va = _CORNERS[gid][on_slide]
            mark.set_transform(fig.transFigure)
            mark.set(x=x, y=y, va=va, ha="right", multialignment="left")
    return drawn


def _contour_panel(
    fig: Figure,
    frame: _Frame,
    band: _Box,
    plot: Plot,
    scene: Scene,
    panel: Panel,
    *,
    bar: bool,
) -> tuple[Axes, QuadContourSet]:
    """One contour panel, a square axes inside ``band`` (leaving room for the colourbar when
    ``bar``)."""
    em = frame.em
    left, bottom, top = (CONTOUR_MARGINS[i] * em for i in range(3))
    right = _bar_margin(scene, em) if bar else 0.6 * em
    side = min(band.w - left - right, band.h - bottom - top)
    x0 = band.x0 + left + (band.w - left - right - side) / 2
    y0 = band.y0 + bottom + (band.h - bottom - top - side) / 2
    ax = fig.add_axes(frame.rect(_Box(x0, y0, x0 + side, y0 + side)))
    assert panel.field is not None
    drawn = draw_contour(
        ax,
        panel.grid,
        panel.field,
        zscale=plot.zscale,
        levels=scene.levels,
        cmap=_color(plot.theme, "cmap"),
        arrow_color=_color(plot.theme, "arrow"),
        halo_color=_color(plot.theme, "halo"),
        colorbar=False,
        min_px=1.0,
        extend=scene.extend,
    )
    ax.set_xlabel(logit_label(panel.grid.axes[0]))
    ax.set_ylabel(logit_label(panel.grid.axes[1]))
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    # no tick at the bottom of x1: its label would meet x0's first one at the corner
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10], prune="lower"))
    _fix_ticks(ax)
    _marks(ax, plot, panel)
    return ax, drawn.contour


def _shared_colorbar(
    fig: Figure, frame: _Frame, scene: Scene, contours: Sequence[tuple[QuadContourSet, Axes]]
) -> Colorbar:
    last = contours[-1][1].get_position()
    em = frame.em
    x0 = last.x1 * frame.w + 0.8 * em
    height = last.height * frame.h * 0.9
    y0 = last.y0 * frame.h + (last.height * frame.h - height) / 2
    cax = fig.add_axes(frame.rect(_Box(x0, y0, x0 + 0.9 * em, y0 + height)))
    axes = [ax for _, ax in contours]
    cbar = add_colorbar(contours[-1][0], axes, scene.zlabel, scene.zscale, cax=cax)
    cbar.ax.set_gid("colorbar")  # labels keep off it
    cbar.ax.yaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
    _fix_ticks(cbar.ax)
    return cbar
