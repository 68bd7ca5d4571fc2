"""The figures as interactive HTML for web slides: one self-contained file per figure.

:func:`render_html` turns a :class:`~swl_viz.plotspec.Plot` into one HTML file with plotly's
JavaScript inlined, so it opens offline and fetches nothing. The page draws the plot's
:class:`~swl_viz.shapes.Scene` (:func:`~swl_viz.scene.build_scene`), the same scene the PNGs
draw: the surfaces and contours with their z range and levels, the arrow fields, the default
view, the title and subtitles, and every mark (the decision and minimum lines, the book's cap,
the probe and the descent path) with its labels. This module computes no geometry of its own;
it chooses how to draw each piece in plotly and thins dense grids for the page's size. It adds
what a picture cannot:

- **Hover.** Every shown grid point (of the quiver's faded surface, too) tells x_i, x_j, the
  loss L, the probabilities y = softmax(a / T) and the gradient the layer sends back along the
  two varied logits, as the scene's grid computed them: L and the gradient are stored as
  float64, y as its text; the label shows 6 significant digits.
- **A slider over the teacher label** t = (t0, 1 - t0), t0 = 0, 0.1, ..., 1 (and the plot's own
  t0), as precomputed plotly frames: no server, no JavaScript of swl-viz's own. Each frame is
  the scene of the plot with that label, marks and labels included, with that scene's z range
  and levels. The camera stays where the viewer left it. Only for K = 2: with more classes
  there is no single obvious one-parameter family of labels, so a K > 2 figure has no slider.

**Arrows.** plotly has no 3-D quiver. A 3-D arrow (the quiver's field, the probe's -grad L) is a
line shaft (one Scatter3d trace, the segments split by NaN gaps) capped with a Cone head at its
tip (one Cone trace, ``sizemode="raw"``, ``anchor="tip"``, a quarter of the arrow long like the
PNG's heads). A 2-D arrow is a shaft whose tip carries plotly's ``arrow`` marker turned along
the segment (``angleref="previous"``). Every drawn arrow has a head; arrows of zero length are
left out (a head needs a direction).

**Marks.** Each role of line, point and arrow is one trace, in every frame (empty where the
label has none), so the slider can swap them. plotly's 3-D markers have no star: the lowest
point is a diamond on a 3-D panel and a star on the contour. Labels are annotations: at their
point in the data (``layout.scene.annotations`` in 3-D), or for ``space="axes"`` at that
fraction of the panel. All text is written in Unicode (:func:`~swl_viz.words.plain`) and
HTML-escaped, since titles and labels may be user text.

**Colours.** The contour's fills are viridis over the page's background at the PNGs' 0.75
opacity, computed into the colour scale itself and drawn opaque, so the colour bar (which
plotly draws without the trace's opacity) shows exactly the colours of the fills.

**Size.** plotly.js alone is about 4.8 MB. Each slider frame stores its grid again, so a page
shows at most :data:`MAX_POINTS` points per axis (:data:`MAX_POINTS_QUIVER` under the quiver's
arrows, :data:`MAX_POINTS_PAIR` in each panel of the pair) and :data:`MAX_ARROWS` arrows per
axis, taken from the scene's grid and field with an even stride that keeps both ends. Hover
values are stored as float64, drawing-only geometry as float32, and y, which does not depend on
the label, once as text rather than in every frame. A page that would still pass 6 MB
(:data:`MAX_PAGE_BYTES`; the book's cap lines, a long descent and a log axis add up) is sampled
more coarsely (:data:`DETAILS`); the marks are drawn whole at every sampling.

**Reproducible bytes.** The div id is derived from the figure, the template is plotly's empty
one (not the user's default), JSON goes through the standard-library engine whatever is
installed, and arrays are stored as base64 of their bytes: the same call gives the same file.

**Options.** Every option of a figure acts as in the PNGs, the view (elev, azim) included, as
the page's starting camera (``lang="ja"`` always writes Japanese: the browser finds the font).
``compare`` and ``transparent`` are refused for a page; ``size``, ``dpi``, ``frames`` and
``fps`` do not apply to it.

Nothing here imports matplotlib; plotly is imported only inside :func:`render_html`.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from swl_viz.errors import RunError, SwlVizError
from swl_viz.grid import LossGrid, thin_stride
from swl_viz.maths import FloatArray
from swl_viz.plotspec import Plot, format_label
from swl_viz.scene import build_scene, logit_label
from swl_viz.shapes import Arrow, Label, Panel, Point, Polyline, Scene
from swl_viz.words import plain, words

__all__ = [
    "MAX_POINTS",
    "SLIDER_STEPS",
    "camera_view",
    "div_id",
    "figure_dict",
    "number",
    "page_scenes",
    "render_html",
    "slider_values",
    "web_text",
]

#: Points per axis at most, for every surface, contour and hover grid of an HTML figure.
MAX_POINTS = 41
#: Points per axis at most under the quiver's faded surface (the arrows carry the content).
MAX_POINTS_QUIVER = 21
#: Points per axis at most in each of the pair's two panels: two grids share one page.
MAX_POINTS_PAIR = 31
#: Arrows per axis at most (the PNGs allow more): every frame stores each arrow again.
MAX_ARROWS = 25
#: Coarser samplings, tried in turn while a page would pass :data:`MAX_PAGE_BYTES`: (points per
#: axis, under the quiver's arrows, in the pair's panels, arrows per axis, points per line). The
#: lines are thinned only last, for a descent of thousands of steps: 0 keeps every point.
DETAILS = (
    (MAX_POINTS, MAX_POINTS_QUIVER, MAX_POINTS_PAIR, MAX_ARROWS, 0),
    (21, 21, 21, 13, 0),
    (11, 11, 11, 7, 0),
    (11, 11, 11, 7, 401),
)
#: The largest page: plotly.js is about 5 MB of it.
MAX_PAGE_BYTES = 6_000_000
#: t0 = 0, 0.1, ..., 1 on the teacher-label slider (K = 2).
SLIDER_STEPS = 11
#: Pixel size of a 2-D arrow head on the longest arrow, and the smallest head drawn.
HEAD_SIZE, MIN_HEAD_SIZE = 10.0, 5.0
#: Pixel size of the head of a marked arrow (the probe's) on the plane.
MARK_HEAD_SIZE = 18.0
#: The share of a 3-D arrow that is its head.
HEAD_SHARE = 0.25
#: A 3-D line is drawn this share of the z axis's span above its points: plotly's WebGL tests
#: depth, and between the page's grid points the drawn mesh (flat triangles) lies above a
#: convex loss, so a line exactly on the surface would be hidden under it. matplotlib draws
#: marks over the surface by their order instead.
LINE_LIFT = 0.01
#: The contour's fills over the background, as in the PNGs.
CONTOUR_ALPHA = 0.75
#: CSS pixels per typographic point (a label's offset is in points).
PX_PER_POINT = 96 / 72
INSTALL_HINT = "pip install -e '.[html]' (plotly)"

#: The few theme colours an HTML figure needs (the PNG themes' values).
_THEMES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#ffffff",
        "text": "#1a1a1a",
        "tick": "#333333",
        "grid": "#b0b0b0",
        "pane": "#f5f5f5",  # the PNG's translucent panes over white
        "wire": "#1f77b4",
        "wire_low": "#aecde6",
        "arrow": "#111111",
        "legend": "#ffffff",
        "box": "rgba(255, 255, 255, 0.85)",
    },
    "dark": {
        "background": "#16181d",
        "text": "#e8e8e8",
        "tick": "#c8c8c8",
        "grid": "#4a4f58",
        "pane": "#212329",  # and over the dark background
        "wire": "#4fc3f7",
        "wire_low": "#1b4a60",
        "arrow": "#ffb74d",
        "legend": "#23262d",
        "box": "rgba(35, 38, 45, 0.85)",
    },
}

#: The marks' colours, as in the PNGs: each reads on every band of viridis and on both themes.
DECISION = "#ff94e0"
MINIMUM = "#ffa31a"
CAP = "#e8e8e8"
PROBE = "#4dd8ff"
PATH = "#ffffff"
HALO = "#111111"

#: How each role of line is drawn: colour, dash and width (px). A role not named here (a mark
#: a newer scene adds) is drawn as a thin solid line in the text colour.
LINE_STYLES: dict[str, dict[str, Any]] = {
    "decision": {"color": DECISION, "dash": "dash", "width": 2.5},
    "decision-tie": {"color": DECISION, "dash": "dot", "width": 2.0},
    "minimum": {"color": MINIMUM, "dash": "solid", "width": 2.5},
    "cap": {"color": CAP, "dash": "dot", "width": 2.5},
    "path": {"color": PATH, "dash": "solid", "width": 2.5},
}
#: Lines drawn twice: first wide in :data:`HALO`, then in their colour on it.
OUTLINED = ("path",)
#: Lines drawn as markers only.
MARKER_LINES = ("path-steps",)
#: How each role of point is drawn: plotly's symbol on the plane and in 3-D, colour, size.
POINT_STYLES: dict[str, dict[str, Any]] = {
    "lowest": {"2d": "star", "3d": "diamond", "color": MINIMUM, "size": 16},
    "probe-point": {"2d": "circle", "3d": "circle", "color": PROBE, "size": 12},
    "path-start": {"2d": "circle", "3d": "circle", "color": PATH, "size": 11},
    "path-end": {"2d": "x", "3d": "x", "color": PATH, "size": 13},
}
_MARKERS_3D = {"o": "circle", "X": "x", "*": "diamond"}
_MARKERS_2D = {"o": "circle", "X": "x", "*": "star"}
#: The order marks are stacked in (later on top); roles not listed follow, by name.
LINE_ORDER = ("cap", "decision-tie", "decision", "minimum", "path", "path-steps")
POINT_ORDER = ("lowest", "path-start", "path-end", "probe-point")
ARROW_ORDER = ("probe-arrow",)
ARROW_COLOURS = {"probe-arrow": PROBE}

#: viridis at ten even stops (plotly's "Viridis"), before it is laid over the background.
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e",
           "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725")  # fmt: skip

_BDATA = re.compile(r'"bdata":"[^"]*"')
_EXPONENT = re.compile(r"e([+-])0(\d)")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: The camera's distance from the centre of the scene's cube, in plotly's scene units.
_EYE_DISTANCE = 2.4
#: Where the pair's 3-D scene and its contour sit across the page.
PAIR_SCENE, PAIR_CONTOUR = (0.0, 0.46), (0.56, 0.94)


def _logit(i: int) -> str:
    return f"x{str(i).translate(_SUBSCRIPTS)}"


def slider_values(plot: Plot) -> list[float]:
    """The t0 of each slider frame: 0, 0.1, ..., 1 and the plot's own t0; empty for K > 2."""
    if len(plot.t) != 2:
        return []
    steps = {k / (SLIDER_STEPS - 1) for k in range(SLIDER_STEPS)}
    return sorted(steps | {float(plot.t[0])})


# ---- words ------------------------------------------------------------------------------------


def web_text(text: str) -> str:
    """A scene's text as a plotly text: mathtext in Unicode, HTML-escaped (plotly reads a few
    tags), lines joined by ``<br>``, and leading spaces kept as no-break spaces (SVG would
    collapse them, and they set a 3-D label off its marker)."""
    lines = []
    for line in html.escape(plain(text), quote=False).split("\n"):
        body = line.lstrip(" ")
        lines.append("\u00a0" * (len(line) - len(body)) + body)
    return "<br>".join(lines)


def number(v: float) -> str:
    """A number as hover shows it: 6 significant digits, trailing zeros and exponent padding
    dropped (d3's ``.6~g``): 0.7310585786 -> '0.731059', 1e-05 -> '1e-5'."""
    return _EXPONENT.sub(r"e\1\2", format(v, ".6g"))


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


def _hovertemplate(grid: LossGrid, zscale: str) -> str:
    i, j = grid.axes
    g = 1 if zscale == "log" else 0  # where the gradient starts in customdata
    loss = "%{customdata[0]:.6~g}" if zscale == "log" else "%{z:.6~g}"
    return (
        f"{_logit(i)} = %{{x:.6~g}}<br>{_logit(j)} = %{{y:.6~g}}"
        f"<br>L = {loss}"
        "<br>y = (%{text})"
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
        }
        if plot.zscale == "log":
            colorbar.update(_log_ticks(scene.zrange))
        return {
            **common,
            "text": text,
            "colorscale": contour_colorscale(plot.theme),
            "autocontour": False,
            "zauto": False,
            "line": {"width": 0.5},
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


# ---- labels and layout ------------------------------------------------------------------------

_XANCHOR = {"left": "left", "center": "center", "right": "right"}
_YANCHOR = {"top": "top", "center": "middle", "bottom": "bottom", "baseline": "bottom"}
#: Every annotation carries every one of these keys, so a frame's annotation replaces the one
#: before it entirely (plotly merges a frame's layout into the page's, key by key).
_BLANK: dict[str, Any] = {
    "text": "",
    "visible": False,
    "showarrow": False,
    "xanchor": "left",
    "yanchor": "bottom",
    "xshift": 0.0,
    "yshift": 0.0,
    "textangle": 0.0,
    "align": "left",
    "bgcolor": "rgba(0, 0, 0, 0)",
    "bordercolor": "rgba(0, 0, 0, 0)",
    "borderpad": 3,
    "font": {"family": "sans-serif", "size": 13, "color": "#000000", "shadow": "none"},
}


def _label_annotation(plot: Plot, label: Label) -> dict[str, Any]:
    """A label's text, anchor, offset, turn and backing, without its place."""
    colours = _THEMES[plot.theme]
    offset = label.offset or (0.0, 0.0)
    box = label.backing == "box"
    return {
        **_BLANK,
        "text": web_text(label.text),
        "visible": True,
        "xanchor": _XANCHOR[label.ha],
        "yanchor": _YANCHOR[label.va],
        "xshift": offset[0] * PX_PER_POINT,
        "yshift": offset[1] * PX_PER_POINT,
        "textangle": -45.0 if label.along else 0.0,
        "bgcolor": colours["box"] if box else "rgba(0, 0, 0, 0)",
        "bordercolor": colours["grid"] if box else "rgba(0, 0, 0, 0)",
        "font": {
            "family": "monospace" if label.mono else "sans-serif",
            "size": 11 if label.size == "small" else 13,
            "color": colours["text"],
            "shadow": "none" if box else "auto",  # a halo in the background's colour
        },
    }


def _domains(scene: Scene) -> list[tuple[float, float]]:
    if len(scene.panels) == 2:
        return [PAIR_SCENE, PAIR_CONTOUR]
    return [(0.0, 1.0)]


def _annotations(plot: Plot, scene: Scene) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The page's annotations (subtitles, the plane's labels, the 3-D panel's labels placed in
    its box) and the 3-D scene's own (labels at a point of it)."""
    page: list[dict[str, Any]] = []
    in_scene: list[dict[str, Any]] = []
    domains = _domains(scene)
    for panel, (left, right) in zip(scene.panels, domains, strict=True):
        page.append(
            {
                **_BLANK,
                "text": web_text(panel.subtitle),
                "visible": True,
                "xref": "paper",
                "yref": "paper",
                "x": left,
                "y": 1.0,
                "yanchor": "bottom",
                "font": {**_BLANK["font"], "size": 15, "color": _THEMES[plot.theme]["text"]},
            }
        )
        for label in panel.labels:
            note = _label_annotation(plot, label)
            if label.space == "axes":
                if panel.three_d:  # the scene's box on the page
                    x = left + label.at[0] * (right - left)
                    page.append(
                        {**note, "xref": "paper", "yref": "paper", "x": x, "y": label.at[1]}
                    )
                else:
                    page.append({**note, "xref": "x domain", "yref": "y domain",
                                 "x": label.at[0], "y": label.at[1]})  # fmt: skip
            elif panel.three_d:
                x, y, z = label.at[:3]
                in_scene.append({**note, "x": x, "y": y, "z": z})
            else:
                page.append({**note, "xref": "x", "yref": "y", "x": label.at[0], "y": label.at[1]})
    if scene.key:
        colours = _THEMES[plot.theme]
        page.append(
            {
                **_BLANK,
                "text": "<br>".join(web_text(line) for line in scene.key),
                "visible": True,
                "xref": "paper",
                "yref": "paper",
                "x": 1.0,  # the slide's key: bottom right, clear of the probe's box
                "y": 0.0,
                "xanchor": "right",
                "yanchor": "bottom",
                "bgcolor": colours["box"],
                "bordercolor": colours["grid"],
                "font": {**_BLANK["font"], "color": colours["text"]},
            }
        )
    return page, in_scene


def _padded(notes: list[dict[str, Any]], length: int) -> list[dict[str, Any]]:
    """``notes`` and hidden blanks up to ``length``: every frame has as many annotations."""
    blank = {**_BLANK, "xref": "paper", "yref": "paper", "x": 0.0, "y": 0.0}
    return notes + [dict(blank) for _ in range(length - len(notes))]


def _padded_3d(notes: list[dict[str, Any]], length: int) -> list[dict[str, Any]]:
    return notes + [{**_BLANK, "x": 0.0, "y": 0.0, "z": 0.0} for _ in range(length - len(notes))]


def _log_ticks(zrange: tuple[float, float]) -> dict[str, Any]:
    lo, hi = math.floor(zrange[0]), math.ceil(zrange[1])
    step = max(1, math.ceil((hi - lo) / 6))
    vals = list(range(lo, hi + 1, step))
    return {"tickvals": vals, "ticktext": [f"1e{v}" for v in vals]}


def drawn_zrange(scene: Scene) -> tuple[float, float]:
    """The 3-D z axis's range: the scene's, widened to hold every mark (a probe's arrow tangent
    to the surface dips below the lowest loss): plotly clips what leaves the axes' box, where
    matplotlib draws it. The colours keep the scene's range."""
    lo, hi = scene.zrange
    lift = LINE_LIFT * (hi - lo)
    zs: list[float] = []
    for panel in scene.panels:
        if not panel.three_d:
            continue
        for line in panel.lines:
            if line.z is not None and line.z.size:
                zs += [float(np.nanmin(line.z)) + lift, float(np.nanmax(line.z)) + lift]
        zs += [float(p.at[2]) for p in panel.points]
        zs += [float(a.tail[2]) for a in panel.arrows]
        zs += [float(a.tail[2] + a.vector[2]) for a in panel.arrows]
        zs += [float(label.at[2]) for label in panel.labels if label.space == "data"]
    finite = [z for z in zs if math.isfinite(z)]
    low, high = min([lo, *finite]), max([hi, *finite])
    pad = LINE_LIFT * (hi - lo)  # a mark on the box's edge is hidden by rounding
    return (low - pad if low < lo else lo), (high + pad if high > hi else hi)


def camera_view(eye: dict[str, float]) -> tuple[float, float]:
    """(elevation, azimuth) in degrees of a plotly camera eye: the inverse of the eye
    :func:`figure_dict` places for a scene's view, for checks."""
    x, y, z = eye["x"], eye["y"], eye["z"]
    elev = math.degrees(math.atan2(z, math.hypot(x, y)))
    return elev, math.degrees(math.atan2(y, x)) % 360.0


def _camera(view: tuple[float, float]) -> dict[str, Any]:
    """The camera of matplotlib's ``view_init(elev, azim)``: the eye at azimuth ``azim`` from
    the x axis towards y, ``elev`` above the plane, looking at the cube's centre."""
    elev, azim = math.radians(view[0]), math.radians(view[1])
    return {
        "eye": {
            "x": _EYE_DISTANCE * math.cos(elev) * math.cos(azim),
            "y": _EYE_DISTANCE * math.cos(elev) * math.sin(azim),
            "z": _EYE_DISTANCE * math.sin(elev),
        },
        "up": {"x": 0.0, "y": 0.0, "z": 1.0},
        "center": {"x": 0.0, "y": 0.0, "z": 0.0},
    }


def _layout(
    plot: Plot, scene: Scene, frames: list[float], notes: tuple[list[Any], list[Any]]
) -> dict[str, Any]:
    colours = _THEMES[plot.theme]
    w = words(plot.lang)
    title = "" if scene.title is None else web_text(scene.title)
    layout: dict[str, Any] = {
        "template": "none",
        "paper_bgcolor": colours["background"],
        "plot_bgcolor": colours["background"],
        "font": {"color": colours["text"], "size": 13},
        "title": {"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 22}},
        "margin": {"l": 60, "r": 40, "t": 90 if title else 50, "b": 110 if frames else 50},
        "legend": {
            "x": 1.0,
            "y": 1.0,
            "xanchor": "right",
            "bgcolor": colours["legend"],
            "bordercolor": colours["grid"],
            "borderwidth": 1,
        },
        "hoverlabel": {"align": "left"},
        "annotations": notes[0],
    }
    for panel, domain in zip(scene.panels, _domains(scene), strict=True):
        grid = panel.grid
        i, j = grid.axes
        lo, hi = float(grid.x0[0, 0]), float(grid.x0[0, -1])
        lo1, hi1 = float(grid.x1[0, 0]), float(grid.x1[-1, 0])
        xtitle, ytitle = plain(logit_label(i)), plain(logit_label(j))
        if not panel.three_d:
            axis = {
                "gridcolor": colours["grid"],
                "zeroline": False,
                "showgrid": True,
                "color": colours["tick"],
                "linecolor": colours["tick"],
                "mirror": True,
                "showline": True,
                "constrain": "domain",
            }
            layout["xaxis"] = {**axis, "range": [lo, hi], "title": {"text": xtitle},
                               "domain": list(domain)}  # fmt: skip
            layout["yaxis"] = {**axis, "range": [lo1, hi1], "title": {"text": ytitle},
                               "scaleanchor": "x", "scaleratio": 1}  # fmt: skip
            continue
        axis3 = {
            "backgroundcolor": colours["pane"],
            "showbackground": True,
            "gridcolor": colours["grid"],
            "color": colours["tick"],
            "zeroline": False,
            "nticks": 6,
        }
        zaxis: dict[str, Any] = {
            **axis3,
            "title": {"text": web_text(scene.zlabel)},
            "range": list(drawn_zrange(scene)),
        }
        if plot.zscale == "log":
            zaxis.update(_log_ticks(scene.zrange))
        layout["scene"] = {
            "domain": {"x": list(domain), "y": [0.0, 1.0]},
            "xaxis": {**axis3, "title": {"text": xtitle}, "range": [lo, hi]},
            "yaxis": {**axis3, "title": {"text": ytitle}, "range": [lo1, hi1]},
            "zaxis": zaxis,
            "aspectmode": "cube",
            "camera": _camera(scene.view),
            "annotations": notes[1],
        }
    if frames:
        active = frames.index(float(plot.t[0]))
        layout["sliders"] = [
            {
                "active": active,
                "currentvalue": {"prefix": f"{w['label']} = (t₀, 1 − t₀),  t₀ = "},
                "pad": {"t": 40, "l": 20, "r": 20},
                "bgcolor": colours["legend"],
                "bordercolor": colours["grid"],
                "activebgcolor": colours["wire"],
                "font": {"color": colours["text"]},
                "steps": [
                    {
                        "label": f"{s:g}",
                        "method": "animate",
                        "args": [
                            [_frame_name(s)],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0, "redraw": True},
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for s in frames
                ],
            }
        ]
    return layout


def _frame_name(t0: float) -> str:
    return f"t0={t0:g}"


def _frame_layout(scene: Scene, notes: tuple[list[Any], list[Any]]) -> dict[str, Any]:
    """What a frame changes in the layout: the annotations, and a 3-D panel's z range and
    labels (the camera stays where the viewer turned it)."""
    out: dict[str, Any] = {"annotations": notes[0]}
    if any(p.three_d for p in scene.panels):
        out["scene"] = {"zaxis": {"range": list(drawn_zrange(scene))}, "annotations": notes[1]}
    return out


def figure_dict(plot: Plot, detail: int = 0) -> dict[str, Any]:
    """The plotly figure of ``plot``'s scene as plain data (``data``, ``layout``, ``frames``),
    with numpy arrays; needs no plotly. :func:`render_html` writes it out.

    With a slider (K = 2), ``frames`` holds what changes with t0, once per t0 (the scene of the
    plot with that label), and ``data`` the frame of the plot's own t0 with everything that
    does not change. ``detail`` picks the sampling of the grids and arrow fields from
    :data:`DETAILS` (0: the finest).
    """
    return _figure(plot, *page_scenes(plot), detail)


def page_scenes(plot: Plot) -> tuple[Scene, list[Scene]]:
    """The scene of ``plot``, and the scene of each slider frame's label (none for K > 2)."""
    if plot.figure not in ("surface", "quiver", "contour", "pair"):
        raise SwlVizError(
            f"HTML has surface, quiver, contour and pair; got {plot.figure!r}", param="figure"
        )
    own_t0 = float(plot.t[0])
    own = build_scene(plot)
    scenes = [
        own if s == own_t0 else build_scene(dataclasses.replace(plot, t=(s, 1.0 - s)))
        for s in slider_values(plot)
    ]
    return own, scenes


def _figure(plot: Plot, own: Scene, scenes: list[Scene], detail: int) -> dict[str, Any]:
    values = slider_values(plot)
    every = scenes or [own]
    slots = _slots(every)
    notes = [_annotations(plot, s) for s in every]
    longest = (max(len(n[0]) for n in notes), max(len(n[1]) for n in notes))

    def padded(pair: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
        return _padded(pair[0], longest[0]), _padded_3d(pair[1], longest[1])

    first: set[str] = set()
    data = [
        _merge(_slot_data(plot, own, slot, detail), _slot_style(plot, own, slot, first, detail))
        for slot in slots
    ]
    frames = [
        {
            "name": _frame_name(s),
            "data": [_slot_data(plot, scene, slot, detail) for slot in slots],
            "traces": list(range(len(slots))),
            "layout": _frame_layout(scene, padded(n)),
        }
        for s, scene, n in zip(values, scenes, notes if values else [], strict=True)
    ]
    own_notes = padded(_annotations(plot, own))
    return {"data": data, "layout": _layout(plot, own, values, own_notes), "frames": frames}


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` updated with ``b``, nested dictionaries merged key by key."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def div_id(plot: Plot) -> str:
    """The plot element's fixed id: one figure per page, so the figure's name is enough."""
    return f"swl-viz-{plot.figure}"


def require_plotly() -> None:
    """Fail in one line, naming the install command, when plotly (the html extra) is missing."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        raise RunError(
            f"HTML output needs plotly; install it with {INSTALL_HINT}", param="out"
        ) from None


def render_html(plot: Plot) -> bytes:
    """One self-contained, offline HTML file of ``plot`` (UTF-8), the same bytes on every call.

    Raises :class:`SwlVizError` (``param="figure"``) for a figure HTML does not have, and
    :class:`RunError` (``param="out"``) when plotly, the ``html`` extra, is not installed.
    """
    own, scenes = page_scenes(plot)
    require_plotly()
    page = _page(plot, _figure(plot, own, scenes, 0))
    for detail in range(1, len(DETAILS)):  # coarser samplings of the same scenes
        if len(page) <= MAX_PAGE_BYTES:
            break
        page = _page(plot, _figure(plot, own, scenes, detail))
    return page


def _page(plot: Plot, spec: dict[str, Any]) -> bytes:
    """The page of one figure dict: plotly.js inlined, the same bytes every time."""
    import plotly.io as pio

    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"  # orjson, where installed, writes floats differently
    try:
        page: str = pio.to_html(
            spec,
            include_plotlyjs=True,
            include_mathjax=False,
            full_html=True,
            auto_play=False,
            div_id=div_id(plot),
            config={"displaylogo": False, "responsive": True},
            validate=True,
        )
    finally:
        pio.json.config.default_engine = engine
    # base64 never holds "</", so the JSON encoder's escaped "/" (6 bytes each) can go
    page = _BDATA.sub(lambda m: m.group(0).replace("\\u002f", "/"), page)
    background = _THEMES[plot.theme]["background"]
    head = (
        f"<head>\n    <title>{_page_title(plot)}</title>\n"
        f"    <style>html, body {{margin: 0; background: {background};}}</style>"
    )
    page = page.replace("<head>", head, 1)
    return page.encode("utf-8")


def _page_title(plot: Plot) -> str:
    w = words(plot.lang)
    title = plain(plot.title) if plot.title else w["suptitle"]
    return html.escape(f"{title}: {plot.figure}, t = {format_label(plot.t)}")
