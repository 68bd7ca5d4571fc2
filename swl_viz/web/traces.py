"""What one frame of a web page draws: the scene's grids, arrows, lines, points and arrows as
plotly traces, sampled for the page's size budget."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from swl_viz.errors import SwlVizError
from swl_viz.grid import LossGrid, thin_stride
from swl_viz.marks import MAX_BOX_CLASSES
from swl_viz.maths import FloatArray
from swl_viz.palette import HALO, PATH
from swl_viz.plotspec import Plot
from swl_viz.shapes import Arrow, Panel, Point, Polyline, Scene
from swl_viz.web.look import (
    _MARKERS_2D,
    _MARKERS_3D,
    _THEMES,
    ARROW_COLOURS,
    ARROW_ORDER,
    CONTOUR_ALPHA,
    DETAILS,
    HEAD_SHARE,
    HEAD_SIZE,
    LINE_LIFT,
    LINE_ORDER,
    LINE_STYLES,
    MARK_HEAD_SIZE,
    MARKER_LINES,
    MIN_HEAD_SIZE,
    OUTLINED,
    POINT_ORDER,
    POINT_STYLES,
    VIRIDIS,
    _logit,
    number,
    web_text,
)
from swl_viz.words import plain, words

# ---- what a frame draws -----------------------------------------------------------------------


def _point_limit(plot: Plot, panel: Panel, detail: int) -> int:
    points, quiver, pair, _, _ = DETAILS[detail]
    if plot.figure == "pair":
        return pair
    return quiver if panel.kind == "quiver" else points


def _thinned(grid: LossGrid, limit: int) -> tuple[slice, slice]:
    rows, cols = grid.shape
    return slice(None, None, thin_stride(rows, limit)), slice(None, None, thin_stride(cols, limit))


def _shown_grid(grid: LossGrid, sl: tuple[slice, slice]) -> LossGrid:
    """The scene's grid at the points the page shows: the same values, fewer of them."""
    return dataclasses.replace(
        grid,
        x0=grid.x0[sl],
        x1=grid.x1[sl],
        loss=grid.loss[sl],
        grad0=grid.grad0[sl],
        grad1=grid.grad1[sl],
    )


def _hover_data(grid: LossGrid, zscale: str) -> FloatArray:
    """Per point, in float64: L (only on a log axis, where z is log10 L), then dL/dx_i and
    dL/dx_j; shape rows x cols x columns."""
    columns = [grid.grad0[..., None], grid.grad1[..., None]]
    if zscale == "log":
        columns.insert(0, grid.loss[..., None])
    return np.concatenate(columns, axis=-1)


def _probability_text(grid: LossGrid) -> FloatArray:
    """y = softmax(a / T) at each point as text 'y_0, y_1, ...'. y does not depend on the label,
    so it is stored once, not in every slider frame."""
    y = grid.probabilities()
    if y.shape[-1] > MAX_BOX_CLASSES:  # the two varied classes only: a page stays small at any K
        y = y[..., list(grid.axes)]
    rows, cols, k = y.shape
    flat = [", ".join(number(v) for v in point) for point in y.reshape(-1, k).tolist()]
    return np.array(flat, dtype=object).reshape(rows, cols)


def _surface_order(a: Any) -> Any:
    """Per-point data of a surface in the order its hover reads it: plotly indexes a surface's
    z as z[row][col] but its customdata and text as [col][row] (the point number is (i_x, i_y))."""
    return np.ascontiguousarray(np.swapaxes(a, 0, 1))


def _contours(levels: Sequence[float]) -> dict[str, float]:
    """plotly's evenly spaced contours for the scene's levels: its first and last level are the
    ends of the colour scale (the range's bounds), the lines between them are evenly spaced."""
    inner = list(levels[1:-1])
    if len(inner) >= 2:
        return {"start": inner[0], "end": inner[-1], "size": inner[1] - inner[0]}
    if len(inner) == 1:
        return {"start": inner[0], "end": inner[0], "size": levels[-1] - levels[0]}
    return {"start": levels[0], "end": levels[-1], "size": levels[-1] - levels[0]}


def _f32(a: Any) -> FloatArray:
    return np.asarray(a, dtype=np.float64).astype(np.float32)


def _gapped(tails: FloatArray, tips: FloatArray) -> FloatArray:
    """Segments tail -> tip as one array split by NaN gaps: tail, tip, NaN, tail, ..."""
    gap = np.full_like(tails, np.nan)
    return _f32(np.column_stack([tails, tips, gap]).ravel())


def _field_stride(field_x: FloatArray, detail: int) -> tuple[slice, slice]:
    rows, cols = field_x.shape
    arrows = DETAILS[detail][3]
    return (
        slice(None, None, thin_stride(rows, arrows)),
        slice(None, None, thin_stride(cols, arrows)),
    )


def _arrows_3d(
    tail: Sequence[FloatArray], vector: Sequence[FloatArray]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Shafts and cone heads of 3-D arrows; zero arrows are left out."""
    x, y, z = (np.asarray(a, dtype=np.float64).ravel() for a in tail)
    u, v, w = (np.asarray(a, dtype=np.float64).ravel() for a in vector)
    keep = (u != 0) | (v != 0) | (w != 0)
    x, y, z, u, v, w = (a[keep] for a in (x, y, z, u, v, w))
    shafts = {"x": _gapped(x, x + u), "y": _gapped(y, y + v), "z": _gapped(z, z + w)}
    heads = {
        "x": _f32(x + u),
        "y": _f32(y + v),
        "z": _f32(z + w),
        "u": _f32(HEAD_SHARE * u),
        "v": _f32(HEAD_SHARE * v),
        "w": _f32(HEAD_SHARE * w),
    }
    return shafts, heads


def _arrows_2d(
    tail: Sequence[FloatArray], vector: Sequence[FloatArray], longest: float | None = None
) -> dict[str, Any]:
    """Shafts with an arrow marker at each tip, its size growing with the arrow up to
    :data:`HEAD_SIZE` (never below :data:`MIN_HEAD_SIZE`: every arrow shows its head)."""
    x, y = (np.asarray(a, dtype=np.float64).ravel() for a in tail)
    u, v = (np.asarray(a, dtype=np.float64).ravel() for a in vector)
    length = np.hypot(u, v)
    keep = length > 0
    x, y, u, v, length = (a[keep] for a in (x, y, u, v, length))
    top = longest if longest is not None else (float(length.max()) if length.size else 1.0)
    head = np.clip(HEAD_SIZE * length / max(top, 1e-300), MIN_HEAD_SIZE, HEAD_SIZE)
    zeros = np.zeros_like(head)
    return {
        "x": _gapped(x, x + u),
        "y": _gapped(y, y + v),
        "marker": {"size": _f32(np.column_stack([zeros, head, zeros]).ravel())},
    }


def _ordered(present: set[str], order: Sequence[str]) -> list[str]:
    return [r for r in order if r in present] + sorted(present - set(order))


@dataclass(frozen=True)
class _Slot:
    """One trace of the page: what it draws (``key``) for which panel."""

    panel: int
    key: str
    role: str = ""


def _slots(scenes: Sequence[Scene]) -> list[_Slot]:
    """The page's traces, the same for every frame: each panel's surface or contour and arrow
    field, then one trace per role of mark that any frame's scene has on that panel."""
    slots: list[_Slot] = []
    for n, panel in enumerate(scenes[0].panels):
        three_d = panel.three_d
        slots.append(_Slot(n, "surface" if three_d else "contour"))
        if panel.field is not None:
            slots += [_Slot(n, "field")] if not three_d else [
                _Slot(n, "field-shafts"), _Slot(n, "field-heads")
            ]  # fmt: skip
        lines = {line.role for s in scenes for line in s.panels[n].lines}
        for role in _ordered(lines, LINE_ORDER):
            if role in OUTLINED:
                slots.append(_Slot(n, "outline", role))
            slots.append(_Slot(n, "markers" if role in MARKER_LINES else "line", role))
        points = {p.role for s in scenes for p in s.panels[n].points}
        slots += [_Slot(n, "point", role) for role in _ordered(points, POINT_ORDER)]
        arrows = {a.role for s in scenes for a in s.panels[n].arrows}
        for role in _ordered(arrows, ARROW_ORDER):
            if three_d:
                slots += [_Slot(n, "arrow-shafts", role), _Slot(n, "arrow-heads", role)]
            else:
                slots.append(_Slot(n, "arrow", role))
    return slots


def _line_data(
    lines: Sequence[Polyline], three_d: bool, lift: float = 0.0, most: int = 0
) -> dict[str, Any]:
    """The lines of one role as one trace, split by NaN gaps; in 3-D raised by ``lift``. With
    ``most``, a line of more points keeps about that many, evenly, both ends included."""
    keys = ("x", "y", "z") if three_d else ("x", "y")
    out: dict[str, Any] = {}
    for key in keys:
        parts: list[FloatArray] = []
        for line in lines:
            values = getattr(line, key)
            if values is None:
                raise SwlVizError(f"a 3-D line {line.role!r} has no z", param="figure")
            if parts:
                parts.append(np.array([np.nan]))
            values = np.asarray(values, dtype=np.float64).ravel()
            if most and values.size > most:
                keep = np.unique(np.r_[np.arange(0, values.size, thin_stride(values.size, most)),
                                      values.size - 1])  # fmt: skip
                values = values[keep]
            parts.append(values)
        values = np.concatenate(parts) if parts else np.empty(0)
        out[key] = _f32(values + lift if key == "z" else values)
    return out


def _point_data(points: Sequence[Point], three_d: bool) -> dict[str, Any]:
    keys = ("x", "y", "z") if three_d else ("x", "y")
    return {k: _f32([p.at[n] for p in points]) for n, k in enumerate(keys)}


def _arrow_parts(arrows: Sequence[Arrow], dims: int) -> tuple[list[FloatArray], list[FloatArray]]:
    tail = [np.array([a.tail[n] for a in arrows], dtype=np.float64) for n in range(dims)]
    vector = [np.array([a.vector[n] for a in arrows], dtype=np.float64) for n in range(dims)]
    return tail, vector


def _slot_data(plot: Plot, scene: Scene, slot: _Slot, detail: int) -> dict[str, Any]:
    """What a trace shows in one frame: the data that change with the label."""
    panel = scene.panels[slot.panel]
    three_d = panel.three_d
    if slot.key in ("surface", "contour"):
        sl = _thinned(panel.grid, _point_limit(plot, panel, detail))
        hover = _hover_data(_shown_grid(panel.grid, sl), plot.zscale)
        # on a linear axis z is L and hover reads it, so it stays float64
        z = panel.z[sl].astype(np.float64 if plot.zscale == "linear" else np.float32)
        lo, hi = scene.zrange
        if slot.key == "contour":
            return {  # the colours span the levels, as matplotlib's contourf spans them
                "type": "contour",
                "z": z,
                "customdata": hover,
                "zmin": scene.levels[0],
                "zmax": scene.levels[-1],
                "contours": _contours(scene.levels),
            }
        return {
            "type": "surface",
            "z": z,
            "customdata": _surface_order(hover),
            "cmin": lo,
            "cmax": hi,
        }
    if slot.key in ("field", "field-shafts", "field-heads"):
        field = panel.field
        assert field is not None
        q = _field_stride(field.x, detail)
        if slot.key == "field":
            return {
                "type": "scatter",
                **_arrows_2d((field.x[q], field.y[q]), (field.u[q], field.v[q])),
            }
        assert field.z is not None and field.w is not None
        shafts, heads = _arrows_3d(
            (field.x[q], field.y[q], field.z[q]), (field.u[q], field.v[q], field.w[q])
        )
        if slot.key == "field-shafts":
            return {"type": "scatter3d", **shafts}
        return {"type": "cone", **heads}
    kind = "scatter3d" if three_d else "scatter"
    if slot.key in ("line", "outline", "markers"):
        lines = [line for line in panel.lines if line.role == slot.role]
        lift = LINE_LIFT * (scene.zrange[1] - scene.zrange[0]) if three_d else 0.0
        return {"type": kind, **_line_data(lines, three_d, lift, DETAILS[detail][4])}
    if slot.key == "point":
        points = [p for p in panel.points if p.role == slot.role]
        return {"type": kind, **_point_data(points, three_d)}
    arrows = [a for a in panel.arrows if a.role == slot.role]
    if not three_d:
        drawn = _arrows_2d(*_arrow_parts(arrows, 2))
        drawn["marker"]["size"] = _f32(np.where(drawn["marker"]["size"] > 0, MARK_HEAD_SIZE, 0))
        return {"type": kind, **drawn}
    shafts, heads = _arrows_3d(*_arrow_parts(arrows, 3))
    return (
        {"type": "scatter3d", **shafts} if slot.key == "arrow-shafts" else {"type": "cone", **heads}
    )


# ---- how a trace looks ------------------------------------------------------------------------


def _blend(colour: str, background: str, alpha: float) -> str:
    """``colour`` at ``alpha`` over ``background``, as one opaque colour."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(background[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(alpha * p + (1 - alpha) * q) for p, q in zip(a, b, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def contour_colorscale(theme: str) -> list[list[Any]]:
    """viridis laid over the theme's background at :data:`CONTOUR_ALPHA`, as plotly's scale."""
    background = _THEMES[theme]["background"]
    n = len(VIRIDIS) - 1
    return [[i / n, _blend(c, background, CONTOUR_ALPHA)] for i, c in enumerate(VIRIDIS)]


def _y_name(grid: LossGrid) -> str:
    """y, or with more than :data:`MAX_BOX_CLASSES` classes y[i,j]: the two varied classes."""
    if grid.k > MAX_BOX_CLASSES:
        return "y[{},{}]".format(*grid.axes)
    return "y"


def _hovertemplate(grid: LossGrid, zscale: str) -> str:
    i, j = grid.axes
    g = 1 if zscale == "log" else 0  # where the gradient starts in customdata
    loss = "%{customdata[0]:.6~g}" if zscale == "log" else "%{z:.6~g}"
    return (
        f"{_logit(i)} = %{{x:.6~g}}<br>{_logit(j)} = %{{y:.6~g}}"
        f"<br>L = {loss}"
        f"<br>{_y_name(grid)} = (%{{text}})"
        f"<br>∂L/∂{_logit(i)} = %{{customdata[{g}]:.6~g}}"
        f"<br>∂L/∂{_logit(j)} = %{{customdata[{g + 1}]:.6~g}}"
        "<extra></extra>"
    )


def _grid_style(plot: Plot, scene: Scene, panel: Panel, detail: int) -> dict[str, Any]:
    """The surface or contour's look and its fixed data: axes, y as text, hover, colours."""
    colours = _THEMES[plot.theme]
    w = words(plot.lang)
    sl = _thinned(panel.grid, _point_limit(plot, panel, detail))
    grid = _shown_grid(panel.grid, sl)
    x = np.ascontiguousarray(grid.x0[0, :])
    y = np.ascontiguousarray(grid.x1[:, 0])
    text = _probability_text(grid)
    common = {"x": x, "y": y, "hovertemplate": _hovertemplate(grid, plot.zscale)}
    if not panel.three_d:
        colorbar: dict[str, Any] = {
            "title": {"text": web_text(scene.zlabel), "side": "right"},
            "tickfont": {"color": colours["tick"]},
            "len": 0.8,
            "ticklabeloverflow": "allow",  # not measured on every redraw
        }
        if plot.zscale == "log":
            colorbar.update(_log_ticks(scene.zrange))
        return {
            **common,
            "text": text,
            "colorscale": contour_colorscale(plot.theme),
            "autocontour": False,
            "zauto": False,
            # straight between grid points, as matplotlib's contours (and cheaper to redraw)
            "line": {"width": 0.5, "smoothing": 0},
            "colorbar": colorbar,
            "name": plain(w["loss"]),
            "showlegend": False,
        }
    wire = colours["wire"]
    spacing = abs(float(x[min(1, x.size - 1)] - x[0])) or 1.0
    contour_lines = {
        "show": True,
        "color": wire,
        "width": 1,
        "highlight": False,
        "start": float(x[0]),
        "end": float(x[-1]),
        "size": spacing,
    }
    return {
        **common,
        "text": _surface_order(text),
        "colorscale": [[0.0, colours["wire_low"]], [1.0, wire]],
        "showscale": False,
        "opacity": 1.0 if panel.kind == "surface" else 0.35,
        "contours": {"x": contour_lines, "y": {**contour_lines, "end": float(y[-1])}},
        "name": w["forward"],
        "showlegend": True,
        "legendgroup": "forward",
    }


def _slot_style(
    plot: Plot, scene: Scene, slot: _Slot, first: set[str], detail: int
) -> dict[str, Any]:
    """What stays the same in every frame: axes, colours, names, hover."""
    colours = _THEMES[plot.theme]
    w = words(plot.lang)
    panel = scene.panels[slot.panel]
    three_d = panel.three_d
    place = {"scene": "scene"} if three_d else {"xaxis": "x", "yaxis": "y"}
    quiet = {"hoverinfo": "skip", "showlegend": False, **place}
    if slot.key in ("surface", "contour"):
        return {**_grid_style(plot, scene, panel, detail), **place}
    if slot.key.startswith("field"):
        arrow = colours["arrow"]
        shown = "backward" not in first
        first.add("backward")
        look: dict[str, Any] = {**quiet, "name": w["backward"], "legendgroup": "backward"}
        look["showlegend"] = shown and slot.key != "field-heads"
        if slot.key == "field":
            return {
                **look,
                "mode": "lines+markers",
                "line": {"color": arrow, "width": 1.2},
                "marker": {"symbol": "arrow", "angleref": "previous", "color": arrow,
                           "line": {"width": 0}},
            }  # fmt: skip
        if slot.key == "field-shafts":
            return {**look, "mode": "lines", "line": {"color": arrow, "width": 3},
                    "connectgaps": False}  # fmt: skip
        return {**look, **_cone_look(arrow)}
    # the role names the trace (and, for a check or a script, its ``meta``)
    suffix = {"outline": "-outline", "arrow-heads": "-head"}.get(slot.key, "")
    name = {"name": slot.role + suffix, "meta": slot.role + suffix}
    if slot.key in ("line", "outline"):
        style = LINE_STYLES.get(
            slot.role, {"color": colours["text"], "dash": "solid", "width": 1.5}
        )
        width = style["width"] + (3.0 if slot.key == "outline" else 0.0)
        colour = HALO if slot.key == "outline" else style["color"]
        line = {
            "color": colour,
            "width": width,
            # plotly's 3-D dashes do not draw everywhere (not in software WebGL): solid in 3-D
            "dash": "solid" if slot.key == "outline" or three_d else style["dash"],
        }
        return {**quiet, **name, "mode": "lines", "line": line, "connectgaps": False}
    if slot.key == "markers":
        size = 3 if three_d else 6
        dots = {"size": size, "color": PATH, "line": {"color": HALO, "width": 1}}
        return {**quiet, **name, "mode": "markers", "marker": dots}
    if slot.key == "point":
        look_of = POINT_STYLES.get(slot.role)
        marker = _point_marker(slot.role, panel, three_d)
        colour = look_of["color"] if look_of else colours["text"]
        size = look_of["size"] if look_of else 10
        if three_d:
            size = round(size * 0.7)
        return {**quiet, **name, "mode": "markers",
                "marker": {"symbol": marker, "size": size, "color": colour,
                           "line": {"color": HALO, "width": 1.5}}}  # fmt: skip
    colour = ARROW_COLOURS.get(slot.role, colours["text"])
    if slot.key == "arrow":
        return {**quiet, **name, "mode": "lines+markers", "line": {"color": colour, "width": 3},
                "marker": {"symbol": "arrow", "angleref": "previous", "color": colour,
                           "line": {"color": HALO, "width": 1}}}  # fmt: skip
    if slot.key == "arrow-shafts":
        return {**quiet, **name, "mode": "lines", "line": {"color": colour, "width": 6},
                "connectgaps": False}  # fmt: skip
    return {**quiet, **name, **_cone_look(colour)}


def _cone_look(colour: str) -> dict[str, Any]:
    return {
        "sizemode": "raw",
        "sizeref": 1.0,
        "anchor": "tip",
        "colorscale": [[0.0, colour], [1.0, colour]],
        "showscale": False,
    }


def _point_marker(role: str, panel: Panel, three_d: bool) -> str:
    style = POINT_STYLES.get(role)
    if style is not None:
        return str(style["3d" if three_d else "2d"])
    marker = next((p.marker for p in panel.points if p.role == role), "o")
    return (_MARKERS_3D if three_d else _MARKERS_2D)[marker]


def _log_ticks(zrange: tuple[float, float]) -> dict[str, Any]:
    lo, hi = math.floor(zrange[0]), math.ceil(zrange[1])
    step = max(1, math.ceil((hi - lo) / 6))
    vals = list(range(lo, hi + 1, step))
    return {"tickvals": vals, "ticktext": [f"1e{v}" for v in vals]}
