"""The three figures as interactive HTML for web slides: one self-contained file per figure.

:func:`render_html` turns a :class:`~swl_viz.plotspec.Plot` into one HTML file with plotly's
JavaScript inlined, so it opens offline and fetches nothing. It shows what the PNG shows (the
surface, the descent arrows on it, the contour with the -gradient field) with the same themes,
titles and layer options, and adds what a picture cannot:

- **Hover.** Every grid point (of the quiver's faded surface, too) tells x_i, x_j, the loss L,
  the probabilities y = softmax(a / T) and the gradient the layer sends back along the two
  varied logits, as the grid computed them: L and the gradient are stored as float64, y as its
  text; the label shows 6 significant digits.
- **A slider over the teacher label** t = (t0, 1 - t0), t0 = 0, 0.1, ..., 1 (and the plot's own
  t0), as precomputed plotly frames: no server, no JavaScript of swl-viz's own. Only for K = 2:
  with more classes there is no single obvious one-parameter family of labels, so a K > 2
  figure has no slider.

**Arrows.** plotly has no 3-D quiver. The quiver figure draws each arrow as a line shaft (one
Scatter3d trace, the segments split by NaN gaps) capped with a Cone head at its tip (one Cone
trace, ``sizemode="raw"``, ``anchor="tip"``, a quarter of the arrow long like the PNG's heads).
Cones alone would be one trace, but plotly widens a cone with its length, so long arrows become
fat wedges; a thin shaft with a head reads as the PNG's arrow. Arrows of zero length are left
out (a cone needs a direction). The contour's 2-D arrows are one Scatter trace of shafts whose
tips carry plotly's ``arrow`` marker turned along the segment (``angleref="previous"``): one
trace per frame instead of hundreds of layout annotations in every frame.

**Size.** plotly.js alone is about 4.8 MB. Each slider frame stores its grid again, so the
figures show at most :data:`MAX_POINTS` points per axis (:data:`MAX_POINTS_QUIVER` under the
quiver's arrows) and :data:`MAX_ARROWS` arrows per axis, thinned evenly with both ends kept as
the PNGs thin dense grids. Hover values are stored as float64, drawing-only geometry as float32,
and y, which does not depend on the label, once as text rather than in every frame. A file
stays under 6 MB (6 x 10^6 bytes) whatever the step.

**Reproducible bytes.** The div id is derived from the figure, the template is plotly's empty
one (not the user's default), JSON goes through the standard-library engine whatever is
installed, and arrays are stored as base64 of their bytes: the same call gives the same file.

**Options.** range, step, t, logits, axes, label_smoothing, temperature, variant, zscale,
normalize, arrows, theme, title, no_title and lang act as in the PNGs (``lang="ja"`` always
writes Japanese: the browser finds the font). The view starts at the PNGs' default (elevation
20, azimuth 240) and is the viewer's to turn; ``compare``, ``elev``, ``azim``, ``size``,
``dpi``, ``transparent``, ``frames`` and ``fps`` do not apply to a page.

Nothing here imports matplotlib; plotly is imported only inside :func:`render_html`.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np

from swl_viz.errors import RunError, SwlVizError
from swl_viz.grid import LossGrid, loss_grid, thin_stride
from swl_viz.marks import subtitle_parts
from swl_viz.maths import FloatArray
from swl_viz.plotspec import Plot, format_label
from swl_viz.words import WORDS as _WORDS
from swl_viz.words import plain

__all__ = [
    "MAX_POINTS",
    "SLIDER_STEPS",
    "div_id",
    "figure_dict",
    "number",
    "render_html",
    "slider_values",
]

#: Points per axis at most, for every surface, contour and hover grid of an HTML figure.
MAX_POINTS = 41
#: Points per axis at most under the quiver's faded surface (the arrows carry the content).
MAX_POINTS_QUIVER = 21
#: Arrows per axis at most (the PNGs allow more): every frame stores each arrow again.
MAX_ARROWS = 25
#: t0 = 0, 0.1, ..., 1 on the teacher-label slider (K = 2).
SLIDER_STEPS = 11
CONTOUR_LEVELS = 15
#: Pixel size of a 2-D arrow head on the longest arrow.
HEAD_SIZE = 10.0
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
    },
}

_BDATA = re.compile(r'"bdata":"[^"]*"')
_EXPONENT = re.compile(r"e([+-])0(\d)")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: matplotlib's default 3-D view in the PNGs: elevation 20 degrees, azimuth 240 degrees.
_ELEV, _AZIM, _EYE_DISTANCE = 20.0, 240.0, 2.4


def _logit(i: int) -> str:
    return f"x{str(i).translate(_SUBSCRIPTS)}"


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


def slider_values(plot: Plot) -> list[float]:
    """The t0 of each slider frame: 0, 0.1, ..., 1 and the plot's own t0; empty for K > 2."""
    if len(plot.t) != 2:
        return []
    steps = {k / (SLIDER_STEPS - 1) for k in range(SLIDER_STEPS)}
    return sorted(steps | {float(plot.t[0])})


# ---- numbers --------------------------------------------------------------------------------


def _grid(plot: Plot, t: tuple[float, ...], max_points: int) -> LossGrid:
    return loss_grid(
        plot.range[0],
        plot.range[1],
        plot.step,
        t,
        logits=plot.logits,
        axes=plot.axes,
        label_smoothing=plot.label_smoothing,
        temperature=plot.temperature,
        variant=plot.variant,
        max_points=max_points,
    )


def _zvalues(grid: LossGrid, zscale: str) -> FloatArray:
    """The loss on the chosen scale: log10 floors at the smallest double, as in the PNGs."""
    if zscale == "log":
        return np.log10(np.maximum(grid.loss, np.finfo(np.float64).smallest_subnormal))
    return grid.loss


def _hover_data(grid: LossGrid, zscale: str) -> FloatArray:
    """Per point, in float64: L (only on a log axis, where z is log10 L), then dL/dx_i and
    dL/dx_j; shape rows x cols x columns."""
    columns = [grid.grad0[..., None], grid.grad1[..., None]]
    if zscale == "log":
        columns.insert(0, grid.loss[..., None])
    return np.concatenate(columns, axis=-1)


def number(v: float) -> str:
    """A number as hover shows it: 6 significant digits, trailing zeros and exponent padding
    dropped (d3's ``.6~g``): 0.7310585786 -> '0.731059', 1e-05 -> '1e-5'."""
    return _EXPONENT.sub(r"e\1\2", format(v, ".6g"))


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


def _spacing(grid: LossGrid, stride: int) -> float:
    return abs(float(grid.x0[0, min(stride, grid.shape[1] - 1)] - grid.x0[0, 0]))


def _arrow_scale(norm: FloatArray, reach: float, normalize: bool) -> FloatArray:
    """Length per unit of gradient: unit directions for ``normalize``, else the longest arrow
    reaching ``reach`` (zero gradient draws nothing either way)."""
    if normalize:
        return np.divide(reach, norm, out=np.zeros_like(norm), where=norm > 0)
    top = float(norm.max())
    return np.full_like(norm, reach / top if top > 0 else 0.0)


def _arrows_3d(grid: LossGrid, arrows: int, normalize: bool, zscale: str) -> dict[str, Any]:
    """Shafts and heads of the steepest-descent arrows, tangent to the surface: horizontal part
    -grad, vertical part -|grad|^2 (over L ln 10 on a log10 axis, the slope of log10 L)."""
    stride = thin_stride(grid.shape[1], arrows)
    sl = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[sl].ravel(), grid.x1[sl].ravel()
    z = _zvalues(grid, zscale)[sl].ravel()
    g0, g1, loss = grid.grad0[sl].ravel(), grid.grad1[sl].ravel(), grid.loss[sl].ravel()
    norm = np.hypot(g0, g1)
    rise = norm * norm
    if zscale == "log":
        rise = np.divide(rise, loss * math.log(10), out=np.zeros_like(rise), where=loss > 0)
    scale = _arrow_scale(norm, 0.8 * _spacing(grid, stride), normalize)
    u, v, w = -g0 * scale, -g1 * scale, -rise * scale
    keep = (u != 0) | (v != 0) | (w != 0)
    x, y, z, u, v, w = (a[keep] for a in (x, y, z, u, v, w))
    gap = np.full_like(x, np.nan)
    return {
        "shafts": {
            "x": np.column_stack([x, x + u, gap]).ravel().astype(np.float32),
            "y": np.column_stack([y, y + v, gap]).ravel().astype(np.float32),
            "z": np.column_stack([z, z + w, gap]).ravel().astype(np.float32),
        },
        "heads": {
            "x": (x + u).astype(np.float32),
            "y": (y + v).astype(np.float32),
            "z": (z + w).astype(np.float32),
            "u": (0.25 * u).astype(np.float32),
            "v": (0.25 * v).astype(np.float32),
            "w": (0.25 * w).astype(np.float32),
        },
    }


def _arrows_2d(grid: LossGrid, arrows: int, normalize: bool) -> dict[str, Any]:
    """-grad at about ``arrows`` points per axis, as tail, tip, gap triples; a zero arrow is a
    gap, so every frame has the same number of points and the head sizes stay fixed."""
    stride = thin_stride(grid.shape[1], arrows)
    sl = (slice(None, None, stride), slice(None, None, stride))
    x, y = grid.x0[sl].ravel(), grid.x1[sl].ravel()
    u, v = -grid.grad0[sl].ravel(), -grid.grad1[sl].ravel()
    reach = 0.8 * _spacing(grid, stride)
    scale = _arrow_scale(np.hypot(u, v), reach, normalize)
    u, v = u * scale, v * scale
    gap = np.full_like(x, np.nan)
    zero = (u == 0) & (v == 0)
    x, y = np.where(zero, np.nan, x), np.where(zero, np.nan, y)
    # a head at each tip only, as long arrows have in the PNG's quiver: it shrinks with the arrow
    head = HEAD_SIZE * np.hypot(u, v) / max(reach, 1e-300)
    return {
        "x": np.column_stack([x, x + u, gap]).ravel().astype(np.float32),
        "y": np.column_stack([y, y + v, gap]).ravel().astype(np.float32),
        "marker": {
            "size": np.column_stack([np.zeros_like(head), head, np.zeros_like(head)])
            .ravel()
            .astype(np.float32)
        },
    }


# ---- traces ---------------------------------------------------------------------------------


def _traces(plot: Plot, t: tuple[float, ...]) -> tuple[list[dict[str, Any]], LossGrid]:
    """Every trace's data for label ``t``: the parts that change from frame to frame."""
    limit = MAX_POINTS_QUIVER if plot.figure == "quiver" else MAX_POINTS
    grid = _grid(plot, t, limit)
    hover = _hover_data(grid, plot.zscale)
    # on a linear axis z is L and hover reads it, so it stays float64
    z = _zvalues(grid, plot.zscale).astype(np.float64 if plot.zscale == "linear" else np.float32)
    if plot.figure == "contour":
        arrows = _arrows_2d(grid, min(plot.arrows or MAX_ARROWS, MAX_ARROWS), plot.normalize)
        return [
            {"type": "contour", "z": z, "customdata": hover},
            {"type": "scatter", **arrows},
        ], grid
    traces: list[dict[str, Any]] = [
        {"type": "surface", "z": z, "customdata": _surface_order(hover)}
    ]
    if plot.figure == "quiver":
        drawn = _arrows_3d(
            grid, min(plot.arrows or MAX_ARROWS, MAX_ARROWS), plot.normalize, plot.zscale
        )
        traces.append({"type": "scatter3d", **drawn["shafts"]})
        traces.append({"type": "cone", **drawn["heads"]})
    return traces, grid


def _style(plot: Plot, grid: LossGrid, zrange: tuple[float, float]) -> list[dict[str, Any]]:
    """What stays the same in every frame: axes, colours, names, hover."""
    colours = _THEMES[plot.theme]
    words = _words(plot.lang)
    x = np.ascontiguousarray(grid.x0[0, :])
    y = np.ascontiguousarray(grid.x1[:, 0])
    hover = _hovertemplate(grid, plot.zscale)
    text = _probability_text(grid)
    if plot.figure != "contour":
        text = _surface_order(text)
    if plot.figure == "contour":
        start, size = _levels(zrange)
        return [
            {
                "x": x,
                "y": y,
                "hovertemplate": hover,
                "text": text,
                "colorscale": "Viridis",
                "opacity": 0.75,
                "autocontour": False,
                "contours": {"start": start, "end": zrange[1], "size": size},
                "zauto": False,
                "zmin": zrange[0],
                "zmax": zrange[1],
                "line": {"width": 0.5},
                "colorbar": {
                    "title": {"text": _zlabel(plot), "side": "right"},
                    "tickfont": {"color": colours["tick"]},
                    "len": 0.8,
                },
                "name": words["loss"],
                "showlegend": False,
            },
            {
                "mode": "lines+markers",
                "line": {"color": colours["arrow"], "width": 1.2},
                "marker": {
                    "symbol": "arrow",
                    "angleref": "previous",
                    "color": colours["arrow"],
                    "line": {"width": 0},
                },
                "hoverinfo": "skip",
                "name": words["backward"],
                "showlegend": True,
            },
        ]
    wire = colours["wire"]
    lines = thin_stride(grid.shape[1], MAX_POINTS)
    spacing = _spacing(grid, lines)
    contour_lines = {
        "show": True,
        "color": wire,
        "width": 1,
        "highlight": False,
        "start": float(x[0]),
        "end": float(x[-1]),
        "size": spacing,
    }
    surface: dict[str, Any] = {
        "x": x,
        "y": y,
        "hovertemplate": hover,
        "text": text,
        "colorscale": [[0.0, colours["wire_low"]], [1.0, wire]],
        "cmin": zrange[0],
        "cmax": zrange[1],
        "showscale": False,
        "opacity": 1.0 if plot.figure == "surface" else 0.35,
        "contours": {"x": contour_lines, "y": {**contour_lines, "end": float(y[-1])}},
        "name": words["forward"],
        "showlegend": True,
    }
    if plot.figure == "surface":
        return [surface]
    arrow = colours["arrow"]
    return [
        surface,
        {
            "mode": "lines",
            "line": {"color": arrow, "width": 3},
            "connectgaps": False,
            "hoverinfo": "skip",
            "name": words["backward"],
            "legendgroup": "backward",
            "showlegend": True,
        },
        {
            "sizemode": "raw",
            "sizeref": 1.0,
            "anchor": "tip",
            "colorscale": [[0.0, arrow], [1.0, arrow]],
            "showscale": False,
            "hoverinfo": "skip",
            "name": words["backward"],
            "legendgroup": "backward",
            "showlegend": False,
        },
    ]


def _levels(zrange: tuple[float, float]) -> tuple[float, float]:
    """First level and spacing of about :data:`CONTOUR_LEVELS` round levels over ``zrange``."""
    lo, hi = zrange
    raw = (hi - lo) / CONTOUR_LEVELS
    power = 10.0 ** math.floor(math.log10(raw))
    size = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)
    return math.floor(lo / size) * size, size


def _zlabel(plot: Plot) -> str:
    words = _words(plot.lang)
    return words["loss"] if plot.zscale == "linear" else words["loss_log"]


def _subtitle(plot: Plot, grid: LossGrid) -> str:
    words = _words(plot.lang)
    parts = [plain(p) for p in subtitle_parts(grid.layer, words)]
    if grid.variant == "book":
        parts.append(words["book"])
    return ",  ".join(parts)


def _annotation(plot: Plot, grid: LossGrid) -> dict[str, Any]:
    return {
        "text": _subtitle(plot, grid),
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 15},
    }


def _log_ticks(zrange: tuple[float, float]) -> dict[str, Any]:
    lo, hi = math.floor(zrange[0]), math.ceil(zrange[1])
    step = max(1, math.ceil((hi - lo) / 6))
    vals = list(range(lo, hi + 1, step))
    return {"tickvals": vals, "ticktext": [f"1e{v}" for v in vals]}


def _layout(
    plot: Plot, grid: LossGrid, zrange: tuple[float, float], frames: list[float]
) -> dict[str, Any]:
    colours = _THEMES[plot.theme]
    words = _words(plot.lang)
    i, j = grid.axes
    lo, hi = float(grid.x0[0, 0]), float(grid.x0[0, -1])
    title = "" if plot.no_title else (plot.title or words["suptitle"])
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
        "annotations": [_annotation(plot, grid)],
    }
    if plot.figure == "contour":
        axis = {
            "range": [lo, hi],
            "gridcolor": colours["grid"],
            "zeroline": False,
            "showgrid": True,
            "color": colours["tick"],
            "linecolor": colours["tick"],
            "mirror": True,
            "showline": True,
        }
        layout["xaxis"] = {**axis, "title": {"text": _logit(i)}, "constrain": "domain"}
        layout["yaxis"] = {
            **axis,
            "title": {"text": _logit(j)},
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        }
    else:
        axis3 = {
            "backgroundcolor": colours["pane"],
            "showbackground": True,
            "gridcolor": colours["grid"],
            "color": colours["tick"],
            "zeroline": False,
            "nticks": 6,
        }
        zaxis: dict[str, Any] = {**axis3, "title": {"text": _zlabel(plot)}, "range": list(zrange)}
        if plot.zscale == "log":
            zaxis.update(_log_ticks(zrange))
        elev, azim = math.radians(_ELEV), math.radians(_AZIM)
        layout["scene"] = {
            "xaxis": {**axis3, "title": {"text": _logit(i)}, "range": [lo, hi]},
            "yaxis": {**axis3, "title": {"text": _logit(j)}, "range": [lo, hi]},
            "zaxis": zaxis,
            "aspectmode": "cube",
            "camera": {
                "eye": {
                    "x": _EYE_DISTANCE * math.cos(elev) * math.cos(azim),
                    "y": _EYE_DISTANCE * math.cos(elev) * math.sin(azim),
                    "z": _EYE_DISTANCE * math.sin(elev),
                },
            },
        }
    if frames:
        active = frames.index(float(plot.t[0]))
        layout["sliders"] = [
            {
                "active": active,
                "currentvalue": {"prefix": f"{words['label']} = (t₀, 1 − t₀),  t₀ = "},
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


def _zrange(zs: list[FloatArray], zscale: str) -> tuple[float, float]:
    zmin = min(float(z.min()) for z in zs)
    zmax = max(float(z.max()) for z in zs)
    if zscale == "linear":
        zmin = min(zmin, 0.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    return zmin, zmax


def figure_dict(plot: Plot) -> dict[str, Any]:
    """The plotly figure of ``plot`` as plain data (``data``, ``layout``, ``frames``), with numpy
    arrays; needs no plotly. :func:`render_html` writes it out.

    With a slider (K = 2), ``frames`` holds what changes with t0, once per t0, and ``data`` the
    frame of the plot's own t0 with everything that does not change.
    """
    if plot.figure not in ("surface", "quiver", "contour"):
        raise SwlVizError(
            f"HTML has surface, quiver and contour; got {plot.figure!r}", param="figure"
        )
    values = slider_values(plot)
    if values:
        own_t0 = float(plot.t[0])
        per_frame = [(s, *_traces(plot, plot.t if s == own_t0 else (s, 1.0 - s))) for s in values]
        own, grid = next((trs, g) for s, trs, g in per_frame if s == own_t0)
        zrange = _zrange([trs[0]["z"] for _, trs, _ in per_frame], plot.zscale)
    else:
        per_frame = []
        own, grid = _traces(plot, plot.t)
        zrange = _zrange([own[0]["z"]], plot.zscale)
    style = _style(plot, grid, zrange)
    data = [_merge(part, look) for part, look in zip(own, style, strict=True)]
    frames = [
        {
            "name": _frame_name(s),
            "data": trs,
            "traces": list(range(len(trs))),
            "layout": {"annotations": [_annotation(plot, g)]},
        }
        for s, trs, g in per_frame
    ]
    return {"data": data, "layout": _layout(plot, grid, zrange, values), "frames": frames}


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
    spec = figure_dict(plot)
    require_plotly()
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
    words = _words(plot.lang)
    title = plot.title or words["suptitle"]
    return html.escape(f"{title}: {plot.figure}, t = {format_label(plot.t)}")
