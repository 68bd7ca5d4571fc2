"""A figure, computed once: :func:`build_scene` turns a :class:`~swl_viz.plotspec.Plot` into a
:class:`~swl_viz.shapes.Scene` that the matplotlib and plotly renderers only draw.

The scene holds the grids and their z values, the shared z range, the contour levels, the
arrow fields, the default view for the label, every mark and every word. numpy only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from swl_viz.curves import slice_curves
from swl_viz.grid import LossGrid, thin_stride
from swl_viz.marks import (
    drawn_rise,
    fit_in_box,
    logit_label,
    panel_marks,
    subtitle_parts,
    z_range,
    zmap,
)
from swl_viz.maths import FloatArray
from swl_viz.plotspec import Plot
from swl_viz.probe import minimum_line
from swl_viz.shapes import Field, Panel, PanelKind, Scene
from swl_viz.words import (
    BACK,
    BACK_T,
    DESCENT,
    DESCENT_ANY,
    DESCENT_T,
    LOSS,
    LOSS_BOOK,
    LOSS_FOCAL,
    LOSS_MSE,
    loss_axis_label,
    typeset,
    words,
)

__all__ = [
    "ARROWS",
    "CONTOUR_LEVELS",
    "MAX_CONTOUR_POINTS",
    "build_scene",
    "compute_grids",
    "contour_levels",
    "contour_field",
    "default_azim",
    "default_title",
    "loss_extremes",
    "descent_field",
    "nice_ticks",
    "logit_label",
    "subtitle_parts",
    "z_range",
]

#: At most this many points per axis reach a figure; the loss is smooth, so a denser mesh only
#: costs time, and the levels stay the same.
MAX_CONTOUR_POINTS = 401
CONTOUR_LEVELS = 15
#: At most this many arrows per axis, per figure, so the wireframe and the bands stay visible
#: and a steep face carries no more than about a dozen (``Plot.arrows`` may ask for fewer).
ARROWS = {"quiver": 11, "contour": 15, "pair": 13}
#: How far the default view turns from facing the steep face square on, in degrees.
VIEW_TURN = 60.0
#: The longest arrow's share of the spacing between arrows: on the plane, and on the surface.
REACH_2D, REACH_3D = 0.85, 0.8
#: On the plane, an arrow shorter than this share of the longest would lose its shaft (its
#: head alone is about that long): it is drawn this long and thin, so its direction still
#: reads. Below :data:`DROP_SHARE` of the longest, |grad L| is left out: nothing to read.
FLOOR_SHARE, DROP_SHARE = 0.3, 0.02


def compute_grids(plot: Plot) -> list[LossGrid]:
    """The grid a figure shows: one, or exact and book side by side for ``compare``."""
    dense = MAX_CONTOUR_POINTS  # every wire, arrow and contour point lies on this thinned grid
    if plot.compare:
        return [plot.grid("exact", dense), plot.grid("book", dense)]
    return [plot.grid(max_points=dense)]


# ---- the z axis and the colour scale -----------------------------------------------------------


def _z_limits(plot: Plot, zs: Sequence[FloatArray]) -> tuple[float, float]:
    """The loss axis: ``plot.zlim`` (nats; on a log axis its log10, floored where L <= 0), or the
    data's range."""
    if plot.zlim is None:
        return z_range(zs, plot.zscale)
    lo, hi = (float(v) for v in plot.zlim)
    if plot.zscale == "log":
        floor = float(np.finfo(np.float64).smallest_subnormal)
        lo, hi = (math.log10(max(v, floor)) for v in (lo, hi))
    if not hi > lo:
        hi = lo + 1.0
    return lo, hi


#: matplotlib's default nice steps, 1 1.5 2 2.5 3 4 5 6 8 10, a decade either side
_NICE = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0])
_STEPS = np.concatenate([0.1 * _NICE[:-1], _NICE, [10.0 * _NICE[1]]])


def nice_ticks(vmin: float, vmax: float, nbins: int) -> list[float]:
    """At most ``nbins`` intervals of a nice step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power
    of ten) covering
    [vmin, vmax], their ends included: the values matplotlib's ``MaxNLocator(nbins)`` gives."""
    if vmax - vmin <= max(abs(vmin), abs(vmax)) * 1e-14:  # widen a range of nearly one value
        if vmin == vmax == 0.0:
            vmin, vmax = -1e-13, 1e-13
        else:
            vmin, vmax = vmin - 1e-13 * abs(vmin), vmax + 1e-13 * abs(vmax)
    dv = abs(vmax - vmin)
    meanv = (vmax + vmin) / 2
    offset = (
        0.0 if abs(meanv) / dv < 100 else math.copysign(10 ** (math.log10(abs(meanv)) // 1), meanv)
    )
    scale = 10 ** (math.log10(dv / nbins) // 1)
    lo, hi = vmin - offset, vmax - offset
    steps = _STEPS * scale
    large = np.nonzero(steps >= (hi - lo) / nbins)[0]
    istep = int(large[0]) if large.size else len(steps) - 1
    ticks = np.array([lo, hi])
    for step in steps[: istep + 1][::-1]:
        best = (lo // step) * step
        low = _edge(lo - best, step, offset, up=False)
        high = _edge(hi - best, step, offset, up=True)
        ticks = np.arange(low, high + 1) * step + best
        if ((ticks <= hi) & (ticks >= lo)).sum() >= 2:
            break
    return [float(v) for v in ticks + offset]


def _edge(x: float, step: float, offset: float, *, up: bool) -> float:
    """The smallest n with n * step >= x (``up``), or the largest with n * step <= x, allowing
    for rounding the way matplotlib's locators do."""
    tol = 1e-10
    if offset:
        tol = min(0.4999, max(1e-10, 10 ** (math.log10(abs(offset) / step) - 12)))
    d, m = divmod(x, step)
    if up:
        return d if abs(m / step) < tol else d + 1
    return d + 1 if abs(m / step - 1) < tol else d


def contour_levels(zmin: float, zmax: float, zscale: str) -> list[float]:
    """About 15 round levels from zmin up to zmax itself, so the colour scale spans exactly the
    z axis's range (a last band less than half a step wide joins the one below)."""
    base = 0.0 if zscale == "linear" and zmin > -1e-6 else zmin
    ticks = nice_ticks(base, zmax, CONTOUR_LEVELS)
    step = ticks[1] - ticks[0]
    inner = [v for v in ticks if v < zmax - 0.5 * step]
    return [min(inner[0], zmin), *inner[1:], zmax]  # the book's -1e-7 joins the lowest band


def _extend(zs: Sequence[FloatArray], levels: Sequence[float]) -> str:
    low = min(float(z.min()) for z in zs) < levels[0]
    high = max(float(z.max()) for z in zs) > levels[-1]
    return {(False, False): "neither", (True, False): "min", (False, True): "max"}.get(
        (low, high), "both"
    )


# ---- the view and the arrows -------------------------------------------------------------------


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


def descent_field(
    grid: LossGrid,
    arrows: int,
    normalize: bool,
    zscale: str,
    arrow_scale: float = 1.0,
    zrange: tuple[float, float] | None = None,
) -> Field:
    """Arrows of steepest descent on the drawn surface, about ``arrows`` per axis: horizontal
    part -grad (what backward sends) and vertical part the drawn surface's rise along it,
    -grad . slope (-|grad|^2 for the exact loss; over L ln 10 on a log10 axis, the slope of
    log10 L), so each lies tangent to the surface drawn, on the book's flat plateau too. The
    longest reaches 0.8 of a spacing (times ``arrow_scale``); ``normalize`` makes all that
    long (the seed's unit construction, with no 1e-7: a zero gradient draws nothing).

    Then each is fitted to the box drawn with loss axis ``zrange`` (by default the grid's own;
    :func:`swl_viz.marks.fit_in_box`): measured with each axis over its span, no arrow is
    longer than :data:`~swl_viz.marks.BOX_STRETCH` times that reach (1.5 spacings at
    ``arrow_scale`` 1), and none ends more than :data:`~swl_viz.marks.BOX_MARGIN` (10%) of the
    loss axis below it; a longer one is shortened along itself, so it stays tangent. The
    cross-entropy's arrows are at most sqrt(3) x 0.8 = 1.39 spacings long and keep their
    length (on its default loss axis); squared error's, whose loss axis spans 0..1 under
    logits -20..20, would be up to 11 spacings deep and are shortened."""
    stride = thin_stride(grid.shape[1], arrows)
    sl = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[sl], grid.x1[sl]
    g0, g1, loss = grid.grad0[sl], grid.grad1[sl], grid.loss[sl]
    z = zmap(zscale)(loss)
    norm = np.hypot(g0, g1)
    rise = drawn_rise(grid, x, y, g0, g1, loss, zscale)
    spacing = abs(float(grid.x0[0, min(stride, grid.shape[1] - 1)] - grid.x0[0, 0]))
    reach = REACH_3D * spacing * arrow_scale
    if normalize:
        scale = np.divide(reach, norm, out=np.zeros_like(norm), where=norm > 0)
    else:
        top = float(norm.max())
        scale = np.full_like(norm, reach / top if top > 0 else 0.0)
    if zrange is None:
        zrange = z_range([zmap(zscale)(grid.loss)], zscale)
    span = abs(float(grid.x0[0, -1] - grid.x0[0, 0]))
    u, v, w = -g0 * scale, -g1 * scale, -rise * scale
    scale = scale * fit_in_box(z, u, v, w, reach, (span, zrange[1] - zrange[0]), zrange)
    return Field(x=x, y=y, u=-g0 * scale, v=-g1 * scale, norm=norm, z=z, w=-rise * scale)


def contour_field(grid: LossGrid, arrows: int, normalize: bool, arrow_scale: float = 1.0) -> Field:
    """-grad at about ``arrows`` points per axis on the plane, the longest reaching 0.85 of
    their spacing (``normalize``: every arrow that long, a direction only). Arrows under
    :data:`FLOOR_SHARE` of the longest are drawn that long (``Field.floor``); under
    :data:`DROP_SHARE`, not at all."""
    stride = thin_stride(grid.shape[1], arrows)
    q = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[q], grid.x1[q]
    u, v = -grid.grad0[q], -grid.grad1[q]
    norm = np.hypot(u, v)
    floor = 0.0
    if normalize:
        u = np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)
        v = np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)
    elif (top_norm := float(norm.max())) > 0:
        floor = FLOOR_SHARE * top_norm
        drop = norm < DROP_SHARE * top_norm
        lift = np.divide(floor, norm, out=np.ones_like(norm), where=(norm < floor) & ~drop)
        u, v = np.where(drop, 0.0, u * lift), np.where(drop, 0.0, v * lift)
    length = np.hypot(u, v)
    spacing = abs(float(x[0, min(1, x.shape[1] - 1)] - x[0, 0])) or 1.0
    top = float(length.max())
    scale = (
        top / (REACH_2D * spacing * arrow_scale) if top > 0 else 1.0
    )  # -grad units per data unit
    return Field(x=x, y=y, u=u / scale, v=v / scale, norm=norm, floor=floor)


# ---- words ---------------------------------------------------------------------------------------


def default_title(plot: Plot) -> str:
    """What the figure shows, as a formula: L for the surface, -grad L for the arrows. The
    book's loss is flat on its plateau while its backward still sends t - y, so there the
    arrows are named for what backward sends, not called -grad L."""
    w = words(plot.lang)
    book = plot.variant == "book" and not plot.compare
    loss = LOSS_BOOK if book else LOSS
    if book:
        descent = BACK if plot.temperature == 1.0 else BACK_T
    else:
        descent = DESCENT if plot.temperature == 1.0 else DESCENT_T
    if plot.loss != "ce":  # squared error or focal: their -grad L is not t - y
        loss, descent = (LOSS_MSE if plot.loss == "mse" else LOSS_FOCAL), DESCENT_ANY
    key = f"title_{plot.figure}"
    if plot.figure == "losses":
        return w[key]
    if book and f"{key}_book" in w:
        key = f"{key}_book"
    elif plot.figure == "slice":
        key = _slice_title(plot)
    return w[key].format(loss=loss, descent=descent)


def _slice_title(plot: Plot) -> str:
    """A softplus for one-hot two classes, a sum of softpluses for a soft label (each class's
    share weighs one), and no name for more classes or the book's capped loss."""
    layer = plot.layer()
    if layer.k > 2 or layer.variant == "book" or layer.loss != "ce":
        return "title_slice_any"
    i, j = layer.axes
    target = layer.target
    return "title_slice" if 0.0 in (target[i], target[j]) else "title_slice_soft"


def _short(v: float) -> str:
    """A value for a slide: 3 significant figures, and a loss below 0.001 as "≈ 0" (its digits
    are noise at that size)."""
    if 0.0 < abs(v) < 1e-3:
        return "≈ 0"
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"${mant}\\times 10^{{{int(exp)}}}$"
    return text


def loss_extremes(grid: LossGrid) -> tuple[float, float]:
    """The least and greatest loss over the grid's square, not just at its points: the loss is
    convex, so the greatest is at a corner (always a grid point), and the least is the grid's
    unless the valley's floor (a line of constant loss, or one lowest point) crosses the
    square between the points."""
    lo, hi = float(grid.loss.min()), float(grid.loss.max())
    low = minimum_line(grid.layer)
    if low is not None:
        start, stop = float(grid.x0[0, 0]), float(grid.x0[0, -1])
        if low.loss is not None and low.segment(start, stop) is not None:
            lo = min(lo, low.loss)
        elif low.lowest is not None:
            u, v, floor = low.lowest
            if start <= u <= stop and start <= v <= stop:
                lo = min(lo, floor)
    return lo, hi


def key_lines(plot: Plot, grid: LossGrid, field: Field | None = None) -> list[str]:
    """The slide key's lines: the label and options, y = softmax(x), the loss's range, and what
    the arrows' lengths mean (and, when ``field`` has thin arrows, that they are not to
    scale)."""
    w = words(plot.lang)
    lines = subtitle_parts(grid.layer, w)
    lines.append(w["softmax"] if grid.temperature == 1.0 else w["softmax_T"])
    lo, hi = loss_extremes(grid)
    lines.append(w["range"].format(lo=_short(lo), hi=_short(hi)))
    if plot.figure != "surface":
        if plot.normalize:
            lines.append(w["arrow_unit"])
        else:
            lines.append(w["arrow_scaled"])
            top = float(np.hypot(grid.grad0, grid.grad1).max())
            lines.append(w["longest"].format(norm=f"{top:.3g}"))
            if field is not None and field.thin.any():
                lines.append(w["thin"].format(norm=f"{field.floor:.3g}"))
    return lines


# ---- the scene -----------------------------------------------------------------------------------


def _panel(
    plot: Plot, kind: PanelKind, grid: LossGrid, subtitle: str, zrange: tuple[float, float]
) -> Panel:
    """One panel; its 3-D arrows fit the box whose loss axis is ``zrange``."""
    three_d = kind != "contour"
    marks = panel_marks(
        grid,
        three_d=three_d,
        zscale=plot.zscale,
        lang=plot.lang,
        annotate=plot.annotate,
        probe=plot.probe,
        descent=plot.descent,
        lr=plot.lr,
        steps=plot.steps,
        zrange=zrange,
    )
    field = None
    if kind == "quiver":
        arrows = plot.arrows or ARROWS["quiver"]
        field = descent_field(grid, arrows, plot.normalize, plot.zscale, plot.arrow_scale, zrange)
    elif kind == "contour":
        arrows = plot.arrows or ARROWS["pair" if plot.figure == "pair" else "contour"]
        field = contour_field(grid, arrows, plot.normalize, plot.arrow_scale)
    return Panel(
        kind=kind,
        grid=grid,
        z=zmap(plot.zscale)(grid.loss),
        subtitle=subtitle,
        field=field,
        lines=tuple(marks.lines),
        points=tuple(marks.points),
        arrows=tuple(marks.arrows),
        # a slide is read from across a room: no small print on it
        labels=tuple(
            dataclasses.replace(label, size="medium") if plot.preset == "slides" else label
            for label in marks.labels
        ),
    )


def build_scene(plot: Plot, grids: Sequence[LossGrid] | None = None) -> Scene:
    """Everything ``plot`` shows, as data. ``grids`` are the computed grids (one, or exact then
    book for ``compare``), computed here when not given; the slice needs none."""
    if plot.figure == "slice":
        return _typeset(_slice_scene(plot), plot)
    if plot.figure == "losses":  # its own data: swl_viz.compare, drawn by swl_viz.mpl.compare
        return _typeset(_losses_scene(plot), plot)
    if grids is None:
        grids = compute_grids(plot)
    w = words(plot.lang)
    shown = [grids[0]] if plot.figure == "pair" else list(grids)
    zs = [zmap(plot.zscale)(g.loss) for g in grids]
    zmin, zmax = _z_limits(plot, zs)
    levels = contour_levels(zmin, zmax, plot.zscale)
    panels: list[Panel] = []
    for grid in shown:
        subtitle = ",  ".join(subtitle_parts(grid.layer, w))
        if len(shown) > 1:
            subtitle = f"{w[grid.variant]}\n{subtitle}"
        if plot.figure == "pair":
            panels.append(_panel(plot, "surface", grid, subtitle, (zmin, zmax)))
            panels.append(_panel(plot, "contour", grid, subtitle, (zmin, zmax)))
        elif plot.figure in ("surface", "quiver", "contour"):
            panels.append(_panel(plot, plot.figure, grid, subtitle, (zmin, zmax)))
    title = _title(plot)
    keyed = plot.preset == "slides" and plot.figure not in ("pair", "slice") and len(shown) == 1
    azim = plot.azim if plot.azim is not None else default_azim(grids[0])
    scene = Scene(
        figure=plot.figure,
        title=title,
        panels=tuple(panels),
        zscale=plot.zscale,
        zrange=(zmin, zmax),
        levels=tuple(levels),
        extend=_extend(zs, levels),
        view=(plot.elev, azim),
        zlabel=loss_axis_label(w, plot.loss, plot.zscale),
        key=tuple(key_lines(plot, shown[0], panels[0].field)) if keyed else (),
        lang=plot.lang,
    )
    return _typeset(scene, plot)


#: Fields that name things rather than say them: never typeset.
_NAMES = frozenset({"role", "kind", "figure", "zscale", "extend", "lang", "ha", "va", "space"})


def _typeset_value(value: Any) -> Any:
    if isinstance(value, str):
        return typeset(value) if "$" in value else value
    if isinstance(value, tuple):
        return tuple(_typeset_value(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _typeset_value(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _NAMES and f.name != "grid"
        }
        return dataclasses.replace(value, **changes)
    return value


def _typeset(scene: Scene, plot: Plot) -> Scene:
    """The scene's words with their formulas in Unicode, variables in italic (:func:`typeset`):
    one notation for every renderer, and no TeX to parse at draw time. A title the user gave
    is theirs, mathtext and all."""
    title = scene.title
    out: Scene = _typeset_value(scene)
    return dataclasses.replace(out, title=title) if plot.title is not None else out


def scene_words(scene: Scene) -> list[str]:
    """Every text of a scene, in order: the title, the subtitles, the key, the labels."""
    texts = [] if scene.title is None else [scene.title]
    for panel in scene.panels:
        texts.append(panel.subtitle)
        texts += [label.text for label in panel.labels]
    return texts + list(scene.key)


def _title(plot: Plot) -> str | None:
    """The figure's title: the user's, or one that says what is shown, or none."""
    if plot.no_title:
        return None
    return plot.title if plot.title is not None else default_title(plot)


def _slice_scene(plot: Plot) -> Scene:
    w = words(plot.lang)
    title = _title(plot)
    return Scene(
        figure=plot.figure,
        title=title,
        panels=(),
        zscale=plot.zscale,
        zrange=(0.0, 1.0),
        levels=(),
        extend="neither",
        view=(plot.elev, 0.0 if plot.azim is None else plot.azim),
        zlabel=w["loss"],
        curves=slice_curves(plot.layer(), plot.range, plot.lang),
        lang=plot.lang,
    )


def _losses_scene(plot: Plot) -> Scene:
    """The comparison's title and words; its curves and planes come from swl_viz.compare."""
    w = words(plot.lang)
    title = _title(plot)
    return Scene(
        figure=plot.figure,
        title=title,
        panels=(),
        zscale="linear",
        zrange=(0.0, 1.0),
        levels=(),
        extend="neither",
        view=(plot.elev, 0.0),
        zlabel=w["loss"],
        lang=plot.lang,
    )
