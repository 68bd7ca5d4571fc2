"""The three pictures of the layer, each a function that takes an ``ax`` and returns what it drew.

- :func:`draw_surface`: the forward pass, the loss as a 3-D wireframe
- :func:`draw_descent`: the backward pass, 3-D arrows of steepest descent on that surface
- :func:`draw_contour`: a filled contour of the loss with the -gradient field on top

:func:`build_figure` makes a whole :class:`matplotlib.figure.Figure` for a :class:`Plot` without
touching pyplot, so batch exports hold no global state. Themes are data, applied with
:func:`theme_context`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver
from matplotlib.ticker import FuncFormatter, MaxNLocator
from mpl_toolkits.mplot3d.art3d import Line3DCollection
from mpl_toolkits.mplot3d.axes3d import Axes3D

from swl_viz.grid import LossGrid, thin_stride
from swl_viz.maths import FloatArray
from swl_viz.plotspec import Plot, format_label
from swl_viz.text import font_rc, labels_for

__all__ = [
    "THEMES",
    "ContourArtists",
    "build_figure",
    "draw_contour",
    "draw_descent",
    "draw_quiver",
    "draw_surface",
    "theme_context",
]

#: At most this many wireframe lines per direction, however dense the grid.
MAX_WIRE_LINES = 41
#: At most this many points along each wireframe line: 0.2 apart on a +-20 grid.
MAX_LINE_POINTS = 201
#: At most this many points per axis reach contourf; the loss is smooth, so a denser mesh only
#: costs time, and the levels stay the same.
MAX_CONTOUR_POINTS = 401
CONTOUR_LEVELS = 15
TICKS_3D = 5

_BASE: dict[str, Any] = {
    "svg.hashsalt": "swl-viz",  # stable ids, so a re-export is byte-identical
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.grid": False,
    "font.size": 11,
    # stated outright: importing matplotlib-fontja switches the global family to IPAexGothic
    "font.family": ["sans-serif"],
    "font.sans-serif": list(mpl.rcParamsDefault["font.sans-serif"]),
}

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
        "swl.arrow": "#111111",
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
        "swl.arrow": "#ffb74d",
        "swl.cmap": "viridis",
    },
}


def _rc(theme: str) -> dict[str, Any]:
    return {k: v for k, v in THEMES[theme].items() if not k.startswith("swl.")}


def _color(theme: str, role: str) -> Any:
    return THEMES[theme][f"swl.{role}"]


@contextlib.contextmanager
def theme_context(theme: str, lang: str = "en") -> Iterator[None]:
    """Apply a theme's rcParams (and a Japanese font for ``lang="ja"``) inside the block."""
    rc: Any = {**_rc(theme), **font_rc(lang)}
    with mpl.rc_context(rc):
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


# ---- the three pictures ------------------------------------------------------------------------


def draw_surface(
    ax: Axes3D,
    grid: LossGrid,
    *,
    zscale: str = "linear",
    color: Any = None,
    alpha: float = 1.0,
    label: str | None = "forward",
    max_lines: int = MAX_WIRE_LINES,
) -> Line3DCollection:
    """The loss over (x0, x1) as a wireframe, striding over lines on dense grids."""
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
        linewidth=0.8,
        label=label,
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


def draw_descent(
    ax: Axes3D,
    grid: LossGrid,
    *,
    normalize: bool = False,
    arrows: int = 25,
    zscale: str = "linear",
    color: Any = None,
    label: str | None = "backward",
) -> Line3DCollection:
    """3-D arrows of steepest descent on the loss surface, about ``arrows`` per axis."""
    stride = thin_stride(grid.shape[1], arrows)
    x, y, z, u, v, w = _descent_vectors(grid, stride, normalize, zscale)
    quiver: Line3DCollection = ax.quiver(
        x,
        y,
        z,
        u,
        v,
        w,
        color=color,
        pivot="tail",
        arrow_length_ratio=0.25,
        linewidth=1.0,
        label=label,
    )
    return quiver


@dataclass(frozen=True)
class ContourArtists:
    """What :func:`draw_contour` drew."""

    contour: QuadContourSet
    quiver: Quiver
    colorbar: Colorbar | None


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
    colorbar: bool = True,
    colorbar_label: str = "loss",
) -> ContourArtists:
    """Filled contour of the loss, the -gradient field as arrows, a grid and equal aspect.

    Arrows are -grad, scaled together; ``normalize`` draws unit directions instead, which
    shows where the gradient turns round even where it is tiny (label smoothing)."""
    rows, cols = grid.shape
    sl = (
        slice(None, None, thin_stride(rows, MAX_CONTOUR_POINTS)),
        slice(None, None, thin_stride(cols, MAX_CONTOUR_POINTS)),
    )
    z = _zvalues(grid, zscale)
    cs = ax.contourf(grid.x0[sl], grid.x1[sl], z[sl], levels=levels, cmap=cmap, alpha=0.75)
    stride = thin_stride(cols, arrows)
    q = (slice(None, None, stride), slice(None, None, stride))
    u, v = -grid.grad0[q], -grid.grad1[q]
    if normalize:
        norm = np.hypot(u, v)
        u = np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)
        v = np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)
    quiver = ax.quiver(
        grid.x0[q],
        grid.x1[q],
        u,
        v,
        color=arrow_color,
        angles="xy",
        pivot="tail",
    )
    ax.grid(True)
    ax.set_aspect("equal")
    cbar = None
    if colorbar:
        cbar = add_colorbar(cs, [ax], colorbar_label, zscale)
    return ContourArtists(contour=cs, quiver=quiver, colorbar=cbar)


def add_colorbar(
    cs: QuadContourSet, axes: Sequence[Axes], label: str, zscale: str = "linear"
) -> Colorbar:
    """One colourbar for the contour panels ``axes``, in powers of ten on a log scale."""
    fig = axes[0].get_figure()
    assert fig is not None
    cbar = fig.colorbar(cs, ax=list(axes), shrink=0.8, label=label)
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
) -> tuple[Line3DCollection, Line3DCollection]:
    """The faded surface with the descent arrows on it."""
    wire = draw_surface(ax, grid, zscale=zscale, color=wire_color, alpha=0.35, label=labels[0])
    arrows_drawn = draw_descent(
        ax,
        grid,
        normalize=normalize,
        arrows=arrows,
        zscale=zscale,
        color=arrow_color,
        label=labels[1],
    )
    return wire, arrows_drawn


# ---- whole figures ---------------------------------------------------------------------------


def _subtitle(plot: Plot, grid: LossGrid, words: dict[str, str]) -> str:
    parts = [f"{words['label']} = {format_label(grid.t)}"]
    if grid.label_smoothing:
        parts.append(f"ε = {grid.label_smoothing:g}")
    if grid.temperature != 1.0:
        parts.append(f"T = {grid.temperature:g}")
    if grid.k > 2:
        fixed = ", ".join(
            logit_label(i) if i in grid.axes else f"{v:g}" for i, v in enumerate(grid.logits)
        )
        parts.append(f"a = ({fixed})")
    return ",  ".join(parts)


def _labels_3d(ax: Axes3D, grid: LossGrid, words: dict[str, str], zscale: str) -> None:
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(TICKS_3D, steps=[1, 2, 2.5, 5, 10]))  # slide-readable
    ax.set_xlabel(logit_label(grid.axes[0]))
    ax.set_ylabel(logit_label(grid.axes[1]))
    ax.set_zlabel(words["loss"] if zscale == "linear" else words["loss_log"])


def build_figure(
    plot: Plot, grids: Sequence[LossGrid] | None = None, fig: Figure | None = None
) -> Figure:
    """Draw ``plot`` on a new Figure (no pyplot), or on ``fig``. Call inside :func:`theme_context`.

    ``grids`` are the computed grids (one, or exact then book for ``compare``); they are computed
    here when not given.
    """
    if grids is None:
        grids = compute_grids(plot)
    words = labels_for(plot.lang)
    theme = plot.theme
    if fig is None:
        fig = Figure(figsize=plot.figsize, dpi=plot.dpi)
    if not plot.no_title:
        fig.suptitle(plot.title if plot.title is not None else words["suptitle"], fontsize=20)
    panels = len(grids)
    zmin, zmax = _zrange(grids, plot.zscale)
    contours: list[tuple[QuadContourSet, Axes]] = []
    for n, grid in enumerate(grids):
        title = _subtitle(plot, grid, words)
        if panels > 1:
            title = f"{words[grid.variant]}\n{title}"
        if plot.is_3d:
            ax3: Axes3D = fig.add_subplot(1, panels, n + 1, projection="3d")
            if plot.figure == "surface":
                draw_surface(
                    ax3,
                    grid,
                    zscale=plot.zscale,
                    color=_color(theme, "wire"),
                    label=words["forward"],
                )
            else:
                draw_quiver(
                    ax3,
                    grid,
                    normalize=plot.normalize,
                    arrows=plot.arrows,
                    zscale=plot.zscale,
                    wire_color=_color(theme, "wire"),
                    arrow_color=_color(theme, "arrow"),
                    labels=(words["forward"], words["backward"]),
                )
            _labels_3d(ax3, grid, words, plot.zscale)
            ax3.set_zlim(zmin, zmax)
            ax3.set_title(title, loc="left")
            ax3.legend(loc="upper right")
            ax3.view_init(elev=plot.elev, azim=plot.azim)
            ax3.set_box_aspect(None, zoom=1.06)
        else:
            ax = fig.add_subplot(1, panels, n + 1)
            base = 0.0 if plot.zscale == "linear" and zmin > -1e-6 else zmin
            ticks = [float(v) for v in MaxNLocator(CONTOUR_LEVELS).tick_values(base, zmax)]
            levels = [min(ticks[0], zmin), *ticks[1:]]  # the book's -1e-7 joins the lowest band
            drawn = draw_contour(
                ax,
                grid,
                arrows=plot.arrows,
                normalize=plot.normalize,
                zscale=plot.zscale,
                levels=levels,
                cmap=_color(theme, "cmap"),
                arrow_color=_color(theme, "arrow"),
                colorbar=False,
            )
            contours.append((drawn.contour, ax))
            ax.set_xlabel(logit_label(grid.axes[0]))
            ax.set_ylabel(logit_label(grid.axes[1]))
            ax.set_title(title, loc="left")
    _layout(fig, plot)
    if contours:
        label = words["loss"] if plot.zscale == "linear" else words["loss_log"]
        cbar = add_colorbar(contours[-1][0], [ax for _, ax in contours], label, plot.zscale)
        cbar.set_ticks(ticks[::2])
    return fig


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


def _layout(fig: Figure, plot: Plot) -> None:
    top = 1.0 if plot.no_title else 0.93
    if plot.is_3d:
        fig.subplots_adjust(left=0.05, right=0.97, bottom=0.0, top=top, wspace=0.08)
    else:
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.07, top=top - 0.03, wspace=0.15)
