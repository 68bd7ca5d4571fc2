"""The pictures of the layer, each a function that takes an ``ax`` and returns what it drew.

- :func:`draw_surface`: the forward pass, the loss as a 3-D wireframe
- :func:`draw_descent`: the backward pass, a scene's 3-D arrows of steepest descent
- :func:`draw_contour`: a filled contour of the loss with a scene's -gradient field on top

What to draw (the heights, the levels, the arrows) comes from :mod:`swl_viz.scene`; these only
turn it into artists, with sizes from rcParams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver
from matplotlib.ticker import FuncFormatter
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Line3DCollection
from mpl_toolkits.mplot3d.axes3d import Axes3D
from numpy.typing import ArrayLike, NDArray

from swl_viz.grid import LossGrid, thin_stride
from swl_viz.marks import zmap
from swl_viz.maths import FloatArray
from swl_viz.mpl.theme import _linewidth, _px
from swl_viz.scene import MAX_CONTOUR_POINTS
from swl_viz.shapes import Field
from swl_viz.words import typeset

#: At most this many wireframe lines per direction, however dense the grid.
MAX_WIRE_LINES = 31

#: At most this many points along each wireframe line: 0.2 apart on a +-20 grid.
MAX_LINE_POINTS = 201

TICKS_3D = 4

#: Contour fill opacity; the arrows' contrast is measured against the colours it gives.
CONTOUR_ALPHA = 0.75
#: A thin arrow's width, as a share of a full one's (see ``Field.thin``).
THIN_SHARE = 0.5


def _log_ticks(ax: Axes | Axes3D, which: str) -> None:
    fmt = FuncFormatter(lambda v, _pos: typeset(f"$10^{{{v:g}}}$"))
    getattr(ax, f"{which}axis").set_major_formatter(fmt)


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
    x, y, z = grid.x0[along], grid.x1[along], zmap(zscale)(grid.loss)[along]
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


def _projected_lengths(ax: Axes3D, tails: FloatArray, heads: FloatArray) -> FloatArray:
    """Lengths in display pixels of 3-D segments, in the axes' current view and position."""
    m = ax.get_proj()
    pts = []
    for p in (tails, heads):
        xs, ys, _ = proj3d.proj_transform(p[0], p[1], p[2], m)
        pts.append(ax.transData.transform(np.column_stack([xs, ys])))
    out: FloatArray = np.hypot(*(pts[1] - pts[0]).T)
    return out


#: A 3-D arrow's head: its length as a share of the arrow, and the half-angle of its wings.
HEAD_3D, WING_DEGREES = 0.25, 20.0

Segment3D = list[tuple[float, float, float]]


def _point(p: FloatArray) -> tuple[float, float, float]:
    return float(p[0]), float(p[1]), float(p[2])


def arrow_3d(ax: Axes3D, tails: ArrayLike, vectors: ArrayLike) -> list[Segment3D]:
    """3-D arrows (``tails`` and ``vectors`` of shape (n, 3), or one (3,)) as segments: each
    arrow's shaft, then the two wings of its head (a zero vector: its shaft alone). The head
    is built in the drawn box's own proportions (each axis over its span, the axes' current
    limits), not in data units: mplot3d's quiver turns the wings in data units, so on a loss
    axis of 0 to 1 under logits of -20 to 20 a wing stood half the box tall. The wings open
    across the line of sight of the axes' current view."""
    spans = np.array(
        [float(np.ptp(lim)) or 1.0 for lim in (ax.get_xlim(), ax.get_ylim(), ax.get_zlim())]
    )
    t = np.asarray(tails, dtype=float).reshape(-1, 3)
    v = np.asarray(vectors, dtype=float).reshape(-1, 3)
    tip = t + v
    d = v / spans
    length = np.linalg.norm(d, axis=1)
    d = np.divide(d, length[:, None], out=np.zeros_like(d), where=length[:, None] > 0)
    elev, azim = np.radians(float(ax.elev)), np.radians(float(ax.azim))
    eye = np.array([np.cos(elev) * np.cos(azim), np.cos(elev) * np.sin(azim), np.sin(elev)])
    side = np.cross(d, eye)
    # pointing at the eye: any side will do
    along = np.where(np.abs(d[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    lost = np.linalg.norm(side, axis=1) < 1e-9
    side[lost] = np.cross(d[lost], along[lost])
    size = np.linalg.norm(side, axis=1)
    side = np.divide(side, size[:, None], out=np.zeros_like(side), where=size[:, None] > 0)
    back = HEAD_3D * length[:, None]
    wide = back * np.tan(np.radians(WING_DEGREES))
    wings = [tip + (-back * d + sign * wide * side) * spans for sign in (1.0, -1.0)]
    out: list[Segment3D] = []
    for n in range(len(t)):
        tail, head = _point(t[n]), _point(tip[n])
        out.append([tail, head])
        if length[n] > 0:
            out += [[head, _point(wing[n])] for wing in wings]
    return out


def draw_descent(
    ax: Axes3D,
    field: Field,
    *,
    color: Any = None,
    label: str | None = "backward",
    min_px: float = 0.0,
    linewidth: float | None = None,
) -> Line3DCollection:
    """A scene's 3-D arrows of steepest descent on the loss surface, their heads built in the
    box's proportions for the axes' current limits and view (:func:`arrow_3d`). Arrows shorter
    than ``min_px`` display pixels in the axes' current view are left out."""
    assert field.z is not None and field.w is not None, "a 3-D field"
    x, y, z, u, v, w = field.x, field.y, field.z, field.u, field.v, field.w
    keep = np.hypot(u, v) > 0
    if min_px > 0:
        tails = np.array([x.ravel(), y.ravel(), z.ravel()])
        heads = tails + np.array([u.ravel(), v.ravel(), w.ravel()])
        keep &= (_projected_lengths(ax, tails, heads) >= min_px).reshape(keep.shape)
    tails = np.column_stack([x[keep], y[keep], z[keep]])
    vectors = np.column_stack([u[keep], v[keep], w[keep]])
    arrows = Line3DCollection(
        arrow_3d(ax, tails, vectors),
        colors=color,
        linewidths=_linewidth(1.15) if linewidth is None else linewidth,
        label=label,
    )
    ax.add_collection3d(arrows)
    return arrows


@dataclass(frozen=True)
class ContourArtists:
    """What :func:`draw_contour` drew."""

    contour: QuadContourSet
    quiver: Quiver
    colorbar: Colorbar | None
    #: the arrows drawn at the field's floor length, thinner (None when there are none)
    thin: Quiver | None = None


def _halo(color: Any, width_pt: float) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=width_pt, foreground=color)]


def draw_contour(
    ax: Axes,
    grid: LossGrid,
    field: Field,
    *,
    zscale: str = "linear",
    levels: Sequence[float] | int = 15,
    cmap: str = "viridis",
    arrow_color: Any = None,
    halo_color: Any = None,
    colorbar: bool = True,
    colorbar_label: str = "𝐿 (nats)",
    min_px: float = 0.0,
    extend: str = "neither",
) -> ContourArtists:
    """Filled contour of the loss, a scene's -gradient ``field`` as arrows, and equal aspect.

    The shaft is 1.2 lines.linewidth wide, with a ``halo_color`` outline 0.6 lines.linewidth
    wide (half of a 1.2 stroke shows). Arrows shorter than ``min_px`` (at the axes' current
    size) or than their own width are left out, rather than drawn as dots. The field's thin
    arrows (``Field.thin``: lengthened to its floor so a shaft shows) are drawn half as wide,
    so a short gradient reads as weak and still points its way."""
    rows, cols = grid.shape
    sl = (
        slice(None, None, thin_stride(rows, MAX_CONTOUR_POINTS)),
        slice(None, None, thin_stride(cols, MAX_CONTOUR_POINTS)),
    )
    z = zmap(zscale)(grid.loss)
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
    x, y, u, v = field.x, field.y, field.u, field.v
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    dpi = fig.dpi
    shaft_pt = _linewidth(1.2)
    shaft_px = _px(shaft_pt, dpi)
    bbox = ax.get_position()
    width_px = bbox.width * fig.get_figwidth() * dpi
    span = float(grid.x0.max() - grid.x0.min()) or 1.0
    length = np.hypot(u, v)
    length_px = length * width_px / span
    keep = (length > 0) & (length_px >= max(min_px, shaft_px))
    thin = field.thin & keep

    def arrows(which: NDArray[np.bool_], share: float) -> Quiver:
        drawn = ax.quiver(
            x[which],
            y[which],
            u[which],
            v[which],
            color=arrow_color,
            angles="xy",
            scale_units="xy",
            scale=1.0,
            pivot="tail",
            units="inches",
            width=share * shaft_pt / 72.0,
            headwidth=3.0 / share**0.5,  # a thin arrow's head: smaller, but not as narrow
            headlength=3.5,
            headaxislength=3.2,
            minlength=0.0,
            zorder=3,
        )
        if halo_color is not None:
            halo = _halo(halo_color, _linewidth(1.2 * share))
            drawn.set_path_effects([*halo, patheffects.Normal()])
        return drawn

    quiver = arrows(keep & ~thin, 1.0)
    thin_quiver = arrows(thin, THIN_SHARE) if thin.any() else None
    cbar = None
    if colorbar:
        cbar = add_colorbar(cs, [ax], colorbar_label, zscale)
    return ContourArtists(contour=cs, quiver=quiver, colorbar=cbar, thin=thin_quiver)


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
    field: Field,
    *,
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
    arrows_drawn = draw_descent(ax, field, color=arrow_color, label=labels[1], min_px=min_px)
    return wire, arrows_drawn
