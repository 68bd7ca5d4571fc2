"""The pictures of the layer, each a function that takes an ``ax`` and returns what it drew.

- :func:`draw_surface`: the forward pass, the loss as a 3-D wireframe
- :func:`draw_descent`: the backward pass, 3-D arrows of steepest descent on that surface
- :func:`draw_contour`: a filled contour of the loss with the -gradient field on top

:func:`build_figure` makes a whole :class:`matplotlib.figure.Figure` for a :class:`Plot` without
touching pyplot, so batch exports hold no global state. Themes are data, applied with
:func:`theme_context`, which also sets every text size and line width from the canvas size in
pixels (:func:`canvas_rc`): text is a fixed fraction of the canvas, whatever the dpi.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Line3DCollection, Text3D
from mpl_toolkits.mplot3d.axes3d import Axes3D

from swl_viz.grid import LossGrid, thin_stride
from swl_viz.maths import FloatArray
from swl_viz.plotspec import Plot
from swl_viz.probe import descent_path, probe_point
from swl_viz.teach import annotate_contour, annotate_surface, draw_path, draw_probe, draw_slice
from swl_viz.text import (
    DESCENT,
    DESCENT_T,
    LOSS,
    LOSS_BOOK,
    font_rc,
    japanese_font,
    labels_for,
    needs_cjk,
    subtitle_parts,
)

__all__ = [
    "ARROWS",
    "THEMES",
    "ContourArtists",
    "build_figure",
    "canvas_rc",
    "default_azim",
    "draw_contour",
    "draw_descent",
    "draw_quiver",
    "draw_surface",
    "quiet_glyphs",
    "theme_context",
]

#: At most this many wireframe lines per direction, however dense the grid.
MAX_WIRE_LINES = 31
#: At most this many points along each wireframe line: 0.2 apart on a +-20 grid.
MAX_LINE_POINTS = 201
#: At most this many points per axis reach contourf; the loss is smooth, so a denser mesh only
#: costs time, and the levels stay the same.
MAX_CONTOUR_POINTS = 401
CONTOUR_LEVELS = 15
TICKS_3D = 4
#: Contour fill opacity; the arrows' contrast is measured against the colours it gives.
CONTOUR_ALPHA = 0.75
#: At most this many arrows per axis, per figure, so the wireframe and the bands stay visible
#: and a steep face carries no more than about a dozen (``Plot.arrows`` may ask for fewer).
ARROWS = {"quiver": 11, "contour": 15, "pair": 13}

# ---- sizes: a fixed fraction of the canvas -----------------------------------------------------

#: Text sizes and text spacing, in pixels per 1000 pixels of the canvas's shorter side: at
#: 1080 px a tick label is 29 px, an axis label 33 px and the title 46 px; at 900 px they are 24,
#: 28 and 39 px, which a full-height 900 px figure on a 1080 px slide shows at 29, 33 and 46.
TEXT_PX = {
    "font.size": 27.0,
    "xtick.labelsize": 27.0,
    "ytick.labelsize": 27.0,
    "legend.fontsize": 26.0,
    "axes.labelsize": 31.0,
    "axes.titlesize": 29.0,
    "figure.titlesize": 43.0,
    "xtick.major.pad": 6.0,
    "ytick.major.pad": 6.0,
    "axes.labelpad": 8.0,
    "axes.titlepad": 8.0,
}
#: Line widths and tick lengths, in the same unit: 3.2 px lines at 1080 px.
LINE_PX = {
    "lines.linewidth": 3.0,
    "axes.linewidth": 1.6,
    "patch.linewidth": 1.6,
    "grid.linewidth": 1.2,
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "xtick.major.size": 7.0,
    "ytick.major.size": 7.0,
    "lines.markersize": 10.0,
}
#: The canvas theme_context assumes when it is given a theme name and no Plot.
DEFAULT_PIXELS = (900, 900)


def canvas_rc(pixels: tuple[int, int], dpi: float, font_scale: float = 1.0) -> dict[str, Any]:
    """rcParams for a ``pixels`` canvas at ``dpi``: sizes in points that come out as a fixed
    number of pixels per 1000 pixels of the shorter side, so the same pixel canvas looks the same
    at any dpi and text never shrinks as the canvas grows. ``font_scale`` multiplies text only."""
    unit = min(pixels) / 1000.0 * 72.0 / dpi  # points per "pixel per 1000 px"
    rc: dict[str, Any] = {k: v * unit * font_scale for k, v in TEXT_PX.items()}
    rc.update({k: v * unit for k, v in LINE_PX.items()})
    return rc


def _px(points: float, dpi: float) -> float:
    return points * dpi / 72.0


_BASE: dict[str, Any] = {
    "svg.hashsalt": "swl-viz",  # stable ids, so a re-export is byte-identical
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.grid": False,
    "axes3d.grid": True,
    # stated outright: importing matplotlib-fontja switches the global family to IPAexGothic
    "font.family": ["sans-serif"],
    "font.sans-serif": list(mpl.rcParamsDefault["font.sans-serif"]),
}

#: Colours. ``swl.wire`` and ``swl.wire_faint`` (the surface under arrows) reach 3:1 against the
#: background; ``swl.arrow`` is drawn with a ``swl.halo`` outline, so every arrow has an edge of
#: 3:1 or more against the background and every colour of the contour beneath it.
THEMES: dict[str, dict[str, Any]] = {
    "light": {
        **_BASE,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "text.color": "#1a1a1a",
        "axes.labelcolor": "#1a1a1a",
        "axes.edgecolor": "#333333",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "grid.color": "#b0b0b0",
        "legend.facecolor": "white",
        "legend.edgecolor": "#cccccc",
        "axes3d.xaxis.panecolor": (0.95, 0.95, 0.95, 0.5),
        "axes3d.yaxis.panecolor": (0.90, 0.90, 0.90, 0.5),
        "axes3d.zaxis.panecolor": (0.925, 0.925, 0.925, 0.5),
        "swl.wire": "#1f77b4",
        "swl.wire_faint": "#7890b0",
        "swl.arrow": "#111111",
        "swl.halo": "#ffffff",
        "swl.cmap": "viridis",
    },
    "dark": {
        **_BASE,
        "figure.facecolor": "#16181d",
        "axes.facecolor": "#16181d",
        "savefig.facecolor": "#16181d",
        "text.color": "#e8e8e8",
        "axes.labelcolor": "#e8e8e8",
        "axes.edgecolor": "#9aa0a6",
        "xtick.color": "#c8c8c8",
        "ytick.color": "#c8c8c8",
        "grid.color": "#4a4f58",
        "legend.facecolor": "#23262d",
        "legend.edgecolor": "#5a5f68",
        "axes3d.xaxis.panecolor": (1.0, 1.0, 1.0, 0.05),
        "axes3d.yaxis.panecolor": (1.0, 1.0, 1.0, 0.08),
        "axes3d.zaxis.panecolor": (1.0, 1.0, 1.0, 0.065),
        "swl.wire": "#4fc3f7",
        "swl.wire_faint": "#4f6f8c",
        "swl.arrow": "#ffb74d",
        "swl.halo": "#000000",
        "swl.cmap": "viridis",
    },
}


def _rc(theme: str) -> dict[str, Any]:
    return {k: v for k, v in THEMES[theme].items() if not k.startswith("swl.")}


def _color(theme: str, role: str) -> Any:
    return THEMES[theme][f"swl.{role}"]


@contextlib.contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Silence matplotlib's per-glyph complaints while drawing (the "Glyph ... missing" warnings
    of text, the "does not have a glyph" log lines of mathtext); the command line says it once,
    from :func:`swl_viz.text.missing_glyphs`."""
    import logging

    log = logging.getLogger("matplotlib.mathtext")
    level = log.level
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph .* missing from font", category=UserWarning
        )
        log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            log.setLevel(level)


@contextlib.contextmanager
def theme_context(theme: str | Plot, lang: str = "en") -> Iterator[None]:
    """Apply a theme's rcParams, a Japanese font for ``lang="ja"`` and the canvas's text sizes
    and line widths inside the block. Given a :class:`Plot`, everything follows it (theme, lang,
    pixels, dpi, font_scale); given a theme name, the sizes are those of a 900 x 900 px canvas
    at 100 dpi."""
    if isinstance(theme, Plot):
        plot = theme
        sizes = canvas_rc(plot.pixels, plot.dpi, plot.font_scale)
        rc: Any = {**_rc(plot.theme), **font_rc(plot.lang), **sizes}
    else:
        rc = {**_rc(theme), **font_rc(lang), **canvas_rc(DEFAULT_PIXELS, 100.0)}
    with mpl.rc_context(rc), quiet_glyphs():
        yield


# ---- helpers ---------------------------------------------------------------------------------


def _zvalues(grid: LossGrid, zscale: str) -> FloatArray:
    """The loss on the chosen scale: log10 floors at the smallest double, where exp underflows."""
    if zscale == "log":
        return np.log10(np.maximum(grid.loss, np.finfo(np.float64).smallest_subnormal))
    return grid.loss


def logit_label(i: int) -> str:
    """The seed's axis label for logit i: $x_0$, $x_1$, ..."""
    return f"$x_{i}$" if i < 10 else f"$x_{{{i}}}$"


def _log_ticks(ax: Axes | Axes3D, which: str) -> None:
    fmt = FuncFormatter(lambda v, _pos: f"$10^{{{v:g}}}$")
    getattr(ax, f"{which}axis").set_major_formatter(fmt)


def _linewidth(factor: float = 1.0) -> float:
    """A line width in points: rcParams' lines.linewidth (set from the canvas) times factor."""
    return float(mpl.rcParams["lines.linewidth"]) * factor


#: How far the default view turns from facing the steep face square on, in degrees.
VIEW_TURN = 60.0


def default_azim(grid: LossGrid) -> float:
    """The view that shows a label's steep face: start from the direction the face looks (the
    magnitude-weighted mean of -grad, the horizontal part of the surface's normal) and turn
    :data:`VIEW_TURN` degrees towards 225 (where both varying logits are low), so the face is
    seen at an angle, in depth. t = (1, 0) gets 255, t = (0, 1) its mirror image 195 (a swap of
    x0 and x1 maps azim to 90 - azim), and a symmetric label looks down the valley, 225."""
    g0, g1 = -grid.grad0, -grid.grad1
    norm = np.hypot(g0, g1)
    d0, d1 = float((g0 * norm).sum()), float((g1 * norm).sum())
    if math.hypot(d0, d1) <= 0.05 * float((norm * norm).sum()):
        return 225.0
    face = math.degrees(math.atan2(d1, d0))
    towards = (225.0 - face + 180.0) % 360.0 - 180.0
    turn = math.copysign(min(VIEW_TURN, abs(towards)), towards if towards != -180.0 else 1.0)
    return round((face + turn) % 360.0, 6)


# ---- the pictures ------------------------------------------------------------------------------


def draw_surface(
    ax: Axes3D,
    grid: LossGrid,
    *,
    zscale: str = "linear",
    color: Any = None,
    alpha: float = 1.0,
    label: str | None = None,
    max_lines: int = MAX_WIRE_LINES,
    linewidth: float | None = None,
    clip: bool = False,
) -> Line3DCollection:
    """The loss over (x0, x1) as a wireframe, striding over lines on dense grids. The line width
    defaults to rcParams' lines.linewidth; ``clip`` hides lines that leave the axes' limits."""
    rows, cols = grid.shape
    along = (
        slice(None, None, thin_stride(rows, MAX_LINE_POINTS)),
        slice(None, None, thin_stride(cols, MAX_LINE_POINTS)),
    )
    x, y, z = grid.x0[along], grid.x1[along], _zvalues(grid, zscale)[along]
    wire: Line3DCollection = ax.plot_wireframe(
        x,
        y,
        z,
        rstride=thin_stride(z.shape[0], max_lines),
        cstride=thin_stride(z.shape[1], max_lines),
        color=color,
        alpha=alpha,
        linewidth=_linewidth() if linewidth is None else linewidth,
        label=label,
        axlim_clip=clip,
    )
    if zscale == "log":
        _log_ticks(ax, "z")
    return wire


def _descent_vectors(
    grid: LossGrid, stride: int, normalize: bool, zscale: str
) -> tuple[FloatArray, ...]:
    """Arrows of steepest descent, tangent to the drawn surface: horizontal part -grad and
    vertical part -|grad|^2 (divided by L ln 10 on a log10 axis, the slope of log10 L)."""
    sl = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[sl], grid.x1[sl]
    g0, g1, loss = grid.grad0[sl], grid.grad1[sl], grid.loss[sl]
    z = _zvalues(grid, zscale)[sl]
    norm = np.hypot(g0, g1)
    rise = norm * norm
    if zscale == "log":
        rise = np.divide(rise, loss * math.log(10), out=np.zeros_like(rise), where=loss > 0)
    spacing = abs(float(grid.x0[0, min(stride, grid.shape[1] - 1)] - grid.x0[0, 0]))
    reach = 0.8 * spacing
    if normalize:  # the seed's unit construction, with no 1e-7: zero gradient draws nothing
        scale = np.divide(reach, norm, out=np.zeros_like(norm), where=norm > 0)
    else:  # length proportional to |grad|, the longest arrow reaching 0.8 of a spacing
        top = float(norm.max())
        scale = np.full_like(norm, reach / top if top > 0 else 0.0)
    return x, y, z, -g0 * scale, -g1 * scale, -rise * scale


def _projected_lengths(ax: Axes3D, tails: FloatArray, heads: FloatArray) -> FloatArray:
    """Lengths in display pixels of 3-D segments, in the axes' current view and position."""
    m = ax.get_proj()
    pts = []
    for p in (tails, heads):
        xs, ys, _ = proj3d.proj_transform(p[0], p[1], p[2], m)
        pts.append(ax.transData.transform(np.column_stack([xs, ys])))
    out: FloatArray = np.hypot(*(pts[1] - pts[0]).T)
    return out


def draw_descent(
    ax: Axes3D,
    grid: LossGrid,
    *,
    normalize: bool = False,
    arrows: int = 25,
    zscale: str = "linear",
    color: Any = None,
    label: str | None = "backward",
    min_px: float = 0.0,
    linewidth: float | None = None,
) -> Line3DCollection:
    """3-D arrows of steepest descent on the loss surface, about ``arrows`` per axis. Arrows
    shorter than ``min_px`` display pixels in the axes' current view are left out."""
    stride = thin_stride(grid.shape[1], arrows)
    x, y, z, u, v, w = _descent_vectors(grid, stride, normalize, zscale)
    keep = np.hypot(u, v) > 0
    if min_px > 0:
        tails = np.array([x.ravel(), y.ravel(), z.ravel()])
        heads = tails + np.array([u.ravel(), v.ravel(), w.ravel()])
        keep &= (_projected_lengths(ax, tails, heads) >= min_px).reshape(keep.shape)
    quiver: Line3DCollection = ax.quiver(
        x[keep],
        y[keep],
        z[keep],
        u[keep],
        v[keep],
        w[keep],
        color=color,
        pivot="tail",
        arrow_length_ratio=0.25,
        linewidth=_linewidth(1.15) if linewidth is None else linewidth,
        label=label,
    )
    return quiver


@dataclass(frozen=True)
class ContourArtists:
    """What :func:`draw_contour` drew."""

    contour: QuadContourSet
    quiver: Quiver
    colorbar: Colorbar | None


def _halo(color: Any, width_pt: float) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=width_pt, foreground=color)]


def draw_contour(
    ax: Axes,
    grid: LossGrid,
    *,
    arrows: int = 25,
    normalize: bool = False,
    zscale: str = "linear",
    levels: Sequence[float] | int = CONTOUR_LEVELS,
    cmap: str = "viridis",
    arrow_color: Any = None,
    halo_color: Any = None,
    colorbar: bool = True,
    colorbar_label: str = "$L$ (nats)",
    min_px: float = 0.0,
    extend: str = "neither",
) -> ContourArtists:
    """Filled contour of the loss, the -gradient field as arrows, and equal aspect.

    Arrows are -grad, scaled together so the longest reaches 0.85 of their spacing;
    ``normalize`` draws unit directions instead, which shows where the gradient turns round
    even where it is tiny (label smoothing). The shaft is 1.2 lines.linewidth wide, with a
    ``halo_color`` outline 0.6 lines.linewidth wide (half of a 1.2 stroke shows). Arrows
    shorter than ``min_px`` (at the axes' current size) or than their own width are left out,
    rather than drawn as dots."""
    rows, cols = grid.shape
    sl = (
        slice(None, None, thin_stride(rows, MAX_CONTOUR_POINTS)),
        slice(None, None, thin_stride(cols, MAX_CONTOUR_POINTS)),
    )
    z = _zvalues(grid, zscale)
    cs = ax.contourf(
        grid.x0[sl],
        grid.x1[sl],
        z[sl],
        levels=levels,
        cmap=cmap,
        alpha=CONTOUR_ALPHA,
        extend=extend,
    )
    ax.set_aspect("equal")
    stride = thin_stride(cols, arrows)
    q = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[q], grid.x1[q]
    u, v = -grid.grad0[q], -grid.grad1[q]
    norm = np.hypot(u, v)
    if normalize:
        u = np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)
        v = np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)
        norm = np.hypot(u, v)
    spacing = abs(float(x[0, min(1, x.shape[1] - 1)] - x[0, 0])) or 1.0
    top = float(norm.max())
    scale = top / (0.85 * spacing) if top > 0 else 1.0  # data units of arrow per unit of -grad
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    dpi = fig.dpi
    shaft_pt = _linewidth(1.2)
    shaft_px = _px(shaft_pt, dpi)
    bbox = ax.get_position()
    width_px = bbox.width * fig.get_figwidth() * dpi
    span = float(grid.x0.max() - grid.x0.min()) or 1.0
    length_px = norm / scale * width_px / span
    keep = (norm > 0) & (length_px >= max(min_px, shaft_px))
    quiver = ax.quiver(
        x[keep],
        y[keep],
        u[keep],
        v[keep],
        color=arrow_color,
        angles="xy",
        scale_units="xy",
        scale=scale,
        pivot="tail",
        units="inches",
        width=shaft_pt / 72.0,
        headwidth=3.0,
        headlength=3.5,
        headaxislength=3.2,
        minlength=0.0,
        zorder=3,
    )
    if halo_color is not None:
        quiver.set_path_effects([*_halo(halo_color, _linewidth(1.2)), patheffects.Normal()])
    cbar = None
    if colorbar:
        cbar = add_colorbar(cs, [ax], colorbar_label, zscale)
    return ContourArtists(contour=cs, quiver=quiver, colorbar=cbar)


def add_colorbar(
    cs: QuadContourSet,
    axes: Sequence[Axes],
    label: str,
    zscale: str = "linear",
    cax: Axes | None = None,
) -> Colorbar:
    """One colourbar for the contour panels ``axes`` (in ``cax`` when given), in powers of ten
    on a log scale."""
    fig = axes[0].get_figure()
    assert fig is not None
    if cax is None:
        cbar = fig.colorbar(cs, ax=list(axes), shrink=0.8, label=label)
    else:
        cbar = fig.colorbar(cs, cax=cax, label=label)
    if zscale == "log":
        _log_ticks(cbar.ax, "y")
    return cbar


def draw_quiver(
    ax: Axes3D,
    grid: LossGrid,
    *,
    normalize: bool = False,
    arrows: int = 25,
    zscale: str = "linear",
    wire_color: Any = None,
    arrow_color: Any = None,
    labels: tuple[str, str] = ("forward", "backward"),
    min_px: float = 0.0,
    clip: bool = False,
) -> tuple[Line3DCollection, Line3DCollection]:
    """The surface in a fainter colour, with the descent arrows on it."""
    wire = draw_surface(
        ax,
        grid,
        zscale=zscale,
        color=wire_color,
        label=labels[0],
        linewidth=_linewidth(0.95),
        clip=clip,
    )
    arrows_drawn = draw_descent(
        ax,
        grid,
        normalize=normalize,
        arrows=arrows,
        zscale=zscale,
        color=arrow_color,
        label=labels[1],
        min_px=min_px,
    )
    return wire, arrows_drawn


# ---- whole figures ---------------------------------------------------------------------------


def _subtitle(plot: Plot, grid: LossGrid, words: dict[str, str]) -> str:
    return ",  ".join(subtitle_parts(grid, words, logit_label))


def default_title(plot: Plot, words: dict[str, str]) -> str:
    """What the figure shows, as a formula: L for the surface, -grad L for the arrows."""
    loss = LOSS_BOOK if plot.variant == "book" and not plot.compare else LOSS
    descent = DESCENT if plot.temperature == 1.0 else DESCENT_T
    return words[f"title_{plot.figure}"].format(loss=loss, descent=descent)


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


def _labels_3d(ax: Axes3D, grid: LossGrid, words: dict[str, str], zscale: str) -> None:
    pad = 1.9 * _text_px("xtick.labelsize")  # points: clear of the tick labels
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        # few ticks, none at the box's corners, where two axes' labels would meet
        axis.set_major_locator(MaxNLocator(TICKS_3D, steps=[1, 2, 2.5, 5, 10], prune="both"))
        axis.labelpad = pad
    ax.zaxis.labelpad = 0.9 * pad  # its tick labels are short: 10, 20, 30
    ax.set_xlabel(logit_label(grid.axes[0]))
    ax.set_ylabel(logit_label(grid.axes[1]))
    ax.set_zlabel(words["loss"] if zscale == "linear" else words["loss_log"])
    _fix_ticks(ax)
    _fix_ticks(ax, "z")


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
KEY_GAP_3D = -2.0
#: Room around a contour panel, in tick-label heights: left, bottom, top, right (colourbar).
CONTOUR_MARGINS = (4.3, 2.9, 0.3, 5.2)
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


def _z_limits(plot: Plot, grids: Sequence[LossGrid]) -> tuple[float, float]:
    """The loss axis: ``plot.zlim`` (nats; on a log axis its log10, floored where L <= 0), or the
    data's range."""
    if plot.zlim is None:
        return _zrange(grids, plot.zscale)
    lo, hi = (float(v) for v in plot.zlim)
    if plot.zscale == "log":
        floor = float(np.finfo(np.float64).smallest_subnormal)
        lo, hi = (math.log10(max(v, floor)) for v in (lo, hi))
    if not hi > lo:
        hi = lo + 1.0
    return lo, hi


def _contour_levels(zmin: float, zmax: float, zscale: str) -> list[float]:
    """About 15 round levels from zmin up to zmax itself, so the colour scale spans exactly the
    z axis's range (a last band less than half a step wide joins the one below)."""
    base = 0.0 if zscale == "linear" and zmin > -1e-6 else zmin
    ticks = [float(v) for v in MaxNLocator(CONTOUR_LEVELS).tick_values(base, zmax)]
    step = ticks[1] - ticks[0]
    inner = [v for v in ticks if v < zmax - 0.5 * step]
    return [min(inner[0], zmin), *inner[1:], zmax]  # the book's -1e-7 joins the lowest band


def _extend(grids: Sequence[LossGrid], zscale: str, levels: Sequence[float]) -> str:
    zs = [_zvalues(g, zscale) for g in grids]
    low = min(float(z.min()) for z in zs) < levels[0]
    high = max(float(z.max()) for z in zs) > levels[-1]
    return {(False, False): "neither", (True, False): "min", (False, True): "max"}.get(
        (low, high), "both"
    )


def build_figure(
    plot: Plot, grids: Sequence[LossGrid] | None = None, fig: Figure | None = None
) -> Figure:
    """Draw ``plot`` on a new Figure (no pyplot), or on ``fig``. Call inside
    ``theme_context(plot)``; the sizes are also applied here, so artists made now are right
    whatever the caller's context.

    ``grids`` are the computed grids (one, or exact then book for ``compare``); they are computed
    here when not given. Each panel is drawn by one call (:func:`_surface_panel`,
    :func:`_contour_panel`), which returns its axes.
    """
    if grids is None:
        grids = compute_grids(plot)
    sizes: Any = canvas_rc(plot.pixels, plot.dpi, plot.font_scale)
    with mpl.rc_context(sizes):
        if fig is None:
            fig = Figure(figsize=plot.figsize, dpi=plot.dpi)
        _build(plot, grids, fig)
    return fig


def _build(plot: Plot, grids: Sequence[LossGrid], fig: Figure) -> None:
    words = labels_for(plot.lang)
    frame = _Frame(fig)
    margin = 0.6 * frame.em
    top = frame.h - 0.5 * margin
    if not plot.no_title:
        title = plot.title if plot.title is not None else default_title(plot, words)
        family = None
        font = japanese_font() if needs_cjk(title) else None
        if font is not None:
            # the Japanese font first: words around $...$ are drawn in the first font found
            family = [font, *mpl.rcParams["font.sans-serif"]]
        fig.suptitle(
            title,
            x=margin / frame.w,
            y=top / frame.h,
            ha="left",
            va="top",
            fontsize=mpl.rcParams["figure.titlesize"],
            fontfamily=family,
        )
        top -= 1.3 * frame.title
    zmin, zmax = _z_limits(plot, grids)
    azim = plot.azim if plot.azim is not None else default_azim(grids[0])
    shown = [grids[0]] if plot.figure == "pair" else list(grids)
    keyed = plot.preset == "slides" and plot.figure not in ("pair", "slice") and len(shown) == 1
    key_lines = _key_lines(plot, shown[0], words) if keyed else []
    if keyed:  # the label and a key go to a column on the right; the panel gets the height
        content_top = top - 0.3 * frame.em
        key_w = _key_width(key_lines, plot, words, frame)
        room = _Box(margin, margin, frame.w - margin - key_w - KEY_GAP * frame.em, content_top)
    else:
        sub_lines = 2 if len(shown) > 1 else 1
        content_top = top - sub_lines * 1.3 * frame.sub - 0.3 * frame.em
        room = _Box(margin, margin, frame.w - margin, content_top)
    if plot.figure == "slice":
        em = frame.em
        left, bottom, top_gap, right = (CONTOUR_MARGINS[i] * em for i in range(4))
        box = _Box(room.x0 + left, room.y0 + bottom, room.x1 - 1.2 * em, room.y1 - top_gap - em)
        ax = fig.add_axes(frame.rect(box))
        draw_slice(
            ax, plot.t, range=plot.range, logits=plot.logits, axes=plot.axes,
            label_smoothing=plot.label_smoothing, temperature=plot.temperature,
            variant=plot.variant, lang=plot.lang,
        )  # fmt: skip
        for panel in fig.axes:
            _fix_ticks(panel)
        _panel_title(ax, frame, _panel_text(plot, shown[0], words, 1), room.x0, top)
        return
    if plot.figure in ("surface", "quiver"):
        n = len(shown)
        for i, grid in enumerate(shown):
            band = _Box(room.x0 + room.w * i / n, room.y0, room.x0 + room.w * (i + 1) / n, room.y1)
            ax3, used = _surface_panel(fig, frame, band, plot, grid, words, zmin, zmax, azim)
            if keyed:  # the panel and its key, centred together
                group = used.w + KEY_GAP_3D * frame.em + key_w
                dx = max(margin, (frame.w - group) / 2) - used.x0
                _shift(ax3, frame, dx)
                x0 = used.x1 + dx + KEY_GAP_3D * frame.em
                _key_panel(fig, frame, _Box(x0, margin, x0 + key_w, content_top), key_lines, ax3)
            else:
                _panel_title(ax3, frame, _panel_text(plot, grid, words, n), band.x0, top)
        return
    levels = _contour_levels(zmin, zmax, plot.zscale)
    if plot.figure == "pair":
        split = room.x0 + room.w * 0.48
        band = _Box(room.x0, room.y0, split, room.y1)
        ax3, _ = _surface_panel(fig, frame, band, plot, shown[0], words, zmin, zmax, azim)
        _panel_title(ax3, frame, _panel_text(plot, shown[0], words, 1), band.x0, top)
        bands = [_Box(split, room.y0, room.x1, room.y1)]
    elif keyed:
        em = frame.em
        side = room.h - CONTOUR_MARGINS[1] * em - CONTOUR_MARGINS[2] * em
        need = CONTOUR_MARGINS[0] * em + side + CONTOUR_MARGINS[3] * em
        group = need + KEY_GAP * em + key_w
        x0 = max(margin, (frame.w - group) / 2)
        bands = [_Box(x0, room.y0, x0 + need, room.y1)]
        kx = x0 + need + KEY_GAP * em
        key = _Box(kx, margin, kx + key_w, content_top)
    else:
        n = len(shown)
        bar_room = 5.2 * frame.em
        width = (room.w - bar_room) / n
        bands = [
            _Box(room.x0 + width * i, room.y0, room.x0 + width * (i + 1), room.y1) for i in range(n)
        ]
        bands[-1] = _Box(bands[-1].x0, bands[-1].y0, bands[-1].x1 + bar_room, bands[-1].y1)
    contours: list[tuple[QuadContourSet, Axes]] = []
    extend = _extend(shown, plot.zscale, levels)
    for i, (grid, band) in enumerate(zip(shown, bands, strict=True)):
        last = i == len(bands) - 1
        ax, cs = _contour_panel(fig, frame, band, plot, grid, levels, extend, bar=last, words=words)
        if keyed:
            _key_panel(fig, frame, key, key_lines, None)
        elif plot.figure != "pair":
            _panel_title(ax, frame, _panel_text(plot, grid, words, len(shown)), band.x0, top)
        contours.append((cs, ax))
    _shared_colorbar(fig, frame, plot, words, contours, levels)


def _key_lines(plot: Plot, grid: LossGrid, words: dict[str, str]) -> list[str]:
    """The slide key's lines: the label and options, y = softmax(x), the loss's range, and what
    the arrows' lengths mean."""
    lines = _subtitle(plot, grid, words).split(",  ")
    lines.append(words["softmax"])
    z = grid.loss
    lines.append(words["range"].format(lo=_short(float(z.min())), hi=_short(float(z.max()))))
    if plot.figure != "surface":
        if plot.normalize:
            lines.append(words["arrow_unit"])
        else:
            lines.append(words["arrow_scaled"])
            top = float(np.hypot(grid.grad0, grid.grad1).max())
            lines.append(words["longest"].format(norm=f"{top:.3g}"))
    return lines


def _short(v: float) -> str:
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"${mant}\\times 10^{{{int(exp)}}}$"
    return text


def _text_width(text: str, size_pt: float, dpi: float) -> float:
    """Width in pixels of one line of text, measured without a renderer."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=mpl.rcParams["font.family"], size=size_pt)
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath="$" in text)
    return float(width) * dpi / 72.0


#: The slide key's text, relative to an axis label.
KEY_SIZE = 1.12


def _key_width(lines: Sequence[str], plot: Plot, words: dict[str, str], frame: _Frame) -> float:
    size = KEY_SIZE * _text_px("axes.labelsize")
    widest = max(_text_width(line, size, frame.dpi) for line in lines)
    if plot.figure == "quiver":  # the legend: a handle and the longer word
        legend = max(_text_width(words[w], size, frame.dpi) for w in ("forward", "backward"))
        widest = max(widest, legend + 3.0 * frame.em)
    return widest + 0.2 * frame.em


def _key_panel(
    fig: Figure, frame: _Frame, box: _Box, lines: Sequence[str], ax3: Axes3D | None
) -> None:
    """The slide's key, a column of text at the right of its panel; for quiver, the legend of
    wire and arrows goes under it."""
    size = KEY_SIZE * frame.label
    y = box.y1 - 0.2 * size
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
    legend = None if ax3 is None else ax3.get_legend()
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


def _panel_text(plot: Plot, grid: LossGrid, words: dict[str, str], panels: int) -> str:
    title = _subtitle(plot, grid, words)
    return f"{words[grid.variant]}\n{title}" if panels > 1 else title


def _surface_panel(
    fig: Figure,
    frame: _Frame,
    band: _Box,
    plot: Plot,
    grid: LossGrid,
    words: dict[str, str],
    zmin: float,
    zmax: float,
    azim: float,
) -> tuple[Axes3D, _Box]:
    """One 3-D panel: the wireframe (and, for quiver, the descent arrows), fitted into ``band``
    so that every view of it keeps its labels inside. Returns the axes and the part of
    ``band`` it needs (for a slide's key beside it)."""
    ax: Axes3D = fig.add_axes((0.0, 0.0, 1.0, 1.0), projection="3d")
    ax.patch.set_visible(False)  # the square may reach past its band; the figure shows through
    lo, hi = float(grid.x0.min()), float(grid.x0.max())
    lo1, hi1 = float(grid.x1.min()), float(grid.x1.max())
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo1, hi1)
    ax.set_zlim(zmin, zmax)
    _labels_3d(ax, grid, words, plot.zscale)
    wide = band.w > 1.5 * band.h
    used = _fit_3d(ax, frame, band, plot.elev, azim, BOX_3D_WIDE if wide else BOX_3D)
    clip = plot.zlim is not None
    theme = plot.theme
    if plot.figure == "quiver":
        draw_quiver(
            ax,
            grid,
            normalize=plot.normalize,
            arrows=plot.arrows or ARROWS["quiver"],
            zscale=plot.zscale,
            wire_color=_color(theme, "wire_faint"),
            arrow_color=_color(theme, "arrow"),
            labels=(words["forward"], words["backward"]),
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
    _marks(ax, plot, grid, three_d=True)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo1, hi1)
    ax.set_zlim(zmin, zmax)
    return ax, used


class _InsideText3D(Text3D):  # type: ignore[misc]
    """A label on a 3-D surface that sits out a view in which it would leave the canvas: as
    the view turns (a GIF, the mouse), a label at a line's end can swing past the edge."""

    def draw(self, renderer: Any) -> None:
        axes: Any = self.axes
        x, y, _ = proj3d.proj_transform(self._x, self._y, self._z, axes.M)
        where = Text(float(x), float(y), self.get_text())
        where.update_from(self)
        where.set_transform(self.get_transform())
        where.set_figure(self.get_figure())
        box = where.get_window_extent(renderer)
        if box.x0 < 0 or box.y0 < 0 or box.x1 > renderer.width or box.y1 > renderer.height:
            return
        super().draw(renderer)


class _InsideText(Text):
    """A label on a panel that shifts itself back inside the canvas when its place (near an
    edge, beside a point) would carry part of it off."""

    def draw(self, renderer: Any) -> None:
        box = self.get_window_extent(renderer)
        dx = max(0.0, -box.x0) - max(0.0, box.x1 - renderer.width)
        dy = max(0.0, -box.y0) - max(0.0, box.y1 - renderer.height)
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
        box = Text.get_window_extent(self, renderer)
        dx = max(0.0, -box.x0) - max(0.0, box.x1 - renderer.width)
        dy = max(0.0, -box.y0) - max(0.0, box.y1 - renderer.height)
        if not (dx or dy):
            super().draw(renderer)
            return
        scale = 72.0 / renderer.dpi if coords == "offset points" else 1.0
        where = self.xyann
        self.xyann = (where[0] + dx * scale, where[1] + dy * scale)
        super().draw(renderer)
        self.xyann = where


def _marks(ax: Axes | Axes3D, plot: Plot, grid: LossGrid, *, three_d: bool) -> list[Artist]:
    """What a learner should notice, on one panel: the decision and minimum lines (and the
    book's cap), the descent path, and the probed point with what the layer sends back."""
    drawn: list[Artist] = []
    if plot.annotate:
        if three_d:
            drawn += annotate_surface(ax, grid, lang=plot.lang, zscale=plot.zscale)
        else:
            drawn += annotate_contour(ax, grid, lang=plot.lang, zscale=plot.zscale)
    if plot.descent is not None:
        path = descent_path(*plot.descent, grid.layer, lr=plot.lr, steps=plot.steps)
        drawn += draw_path(ax, path, three_d=three_d, zscale=plot.zscale, lang=plot.lang)
    if plot.probe is not None:
        probe = probe_point(*plot.probe, grid.layer)
        marks = draw_probe(ax, probe, three_d=three_d, zscale=plot.zscale, lang=plot.lang)
        for box in [m for m in marks if three_d and m.get_gid() == "probe-box"]:
            # a 3-D axes reaches past its band: its corner is no place for text
            if plot.figure == "pair":  # the contour beside it shows the same numbers
                box.remove()
                marks.remove(box)
            else:
                fig = ax.get_figure()
                assert fig is not None
                box.set_transform(fig.transFigure)
                box.set(ha="right", multialignment="left")
                if plot.preset == "slides" and not plot.compare:  # under the slide's key
                    box.set(x=0.985, y=0.015, va="bottom")
                else:  # under the title and legend, over the back panes
                    box.set(x=0.985, y=0.84, va="top")
        drawn += marks
    for note in [m for m in drawn if three_d and m.get_gid() == "plateau-note"]:
        # the corner of a 3-D axes lies past its band, under the panel's title: move the note
        if plot.figure == "pair":  # the contour beside it carries the same note
            note.remove()
            drawn.remove(note)
            continue
        fig = ax.get_figure()
        assert fig is not None
        note.set_transform(fig.transFigure)
        note.set(ha="right", multialignment="left")
        if plot.preset == "slides" and not plot.compare:  # the slide's key column, midway
            note.set(x=0.985, y=0.5, va="center")
        else:  # the free corner under the panels
            note.set(x=0.985, y=0.015, va="bottom")
    for mark in drawn:
        if type(mark) is Text3D:
            mark.__class__ = _InsideText3D
        elif type(mark) is Text:
            mark.__class__ = _InsideText
        elif type(mark) is Annotation:
            mark.__class__ = _InsideAnnotation
    return drawn


def _contour_panel(
    fig: Figure,
    frame: _Frame,
    band: _Box,
    plot: Plot,
    grid: LossGrid,
    levels: Sequence[float],
    extend: str,
    *,
    bar: bool,
    words: dict[str, str],
) -> tuple[Axes, QuadContourSet]:
    """One contour panel, a square axes inside ``band`` (leaving room for the colourbar when
    ``bar``)."""
    em = frame.em
    left, bottom, top = (CONTOUR_MARGINS[i] * em for i in range(3))
    right = CONTOUR_MARGINS[3] * em if bar else 0.6 * em
    side = min(band.w - left - right, band.h - bottom - top)
    x0 = band.x0 + left + (band.w - left - right - side) / 2
    y0 = band.y0 + bottom + (band.h - bottom - top - side) / 2
    ax = fig.add_axes(frame.rect(_Box(x0, y0, x0 + side, y0 + side)))
    drawn = draw_contour(
        ax,
        grid,
        arrows=plot.arrows or ARROWS["pair" if plot.figure == "pair" else "contour"],
        normalize=plot.normalize,
        zscale=plot.zscale,
        levels=levels,
        cmap=_color(plot.theme, "cmap"),
        arrow_color=_color(plot.theme, "arrow"),
        halo_color=_color(plot.theme, "halo"),
        colorbar=False,
        min_px=1.0,
        extend=extend,
    )
    ax.set_xlabel(logit_label(grid.axes[0]))
    ax.set_ylabel(logit_label(grid.axes[1]))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    _fix_ticks(ax)
    _marks(ax, plot, grid, three_d=False)
    return ax, drawn.contour


def _shared_colorbar(
    fig: Figure,
    frame: _Frame,
    plot: Plot,
    words: dict[str, str],
    contours: Sequence[tuple[QuadContourSet, Axes]],
    levels: Sequence[float],
) -> Colorbar:
    last = contours[-1][1].get_position()
    em = frame.em
    x0 = last.x1 * frame.w + 0.8 * em
    height = last.height * frame.h * 0.9
    y0 = last.y0 * frame.h + (last.height * frame.h - height) / 2
    cax = fig.add_axes(frame.rect(_Box(x0, y0, x0 + 0.9 * em, y0 + height)))
    label = words["loss"] if plot.zscale == "linear" else words["loss_log"]
    cbar = add_colorbar(contours[-1][0], [ax for _, ax in contours], label, plot.zscale, cax=cax)
    cbar.ax.yaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
    _fix_ticks(cbar.ax)
    return cbar


def _zrange(grids: Sequence[LossGrid], zscale: str) -> tuple[float, float]:
    """Shared loss limits of the panels; a linear axis starts at 0 (the book's variant dips to
    about -1e-7 where y -> 1, which stays visible below it)."""
    zs = [_zvalues(g, zscale) for g in grids]
    zmin, zmax = min(float(z.min()) for z in zs), max(float(z.max()) for z in zs)
    if zscale == "linear":
        zmin = min(zmin, 0.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    return zmin, zmax


def compute_grids(plot: Plot) -> list[LossGrid]:
    """The grid a figure shows: one, or exact and book side by side for ``compare``."""
    dense = MAX_CONTOUR_POINTS  # every wire, arrow and contour point lies on this thinned grid
    if plot.compare:
        return [plot.grid("exact", dense), plot.grid("book", dense)]
    return [plot.grid(max_points=dense)]
