"""The simplex figure as a web page: the probability triangle beside the logit plane, on one
colour scale, in plotly.

The page draws the :class:`~swl_viz.simplex.SimplexScene` the PNG draws: the loss over the
triangle (its square grid, empty outside the triangle, since plotly contours rectangular grids
only) and over the plane, with the scene's levels on one shared colour axis; -(y - t') as
arrows on the triangle; the target, the probe and the descent path in both panels; the
corners' names, the note on (1, 1, 1) and the probe's numbers. Hovering the triangle shows y
and L there, hovering the plane x1 - x0, x2 - x0, y and L. A click on either panel probes both
(:data:`CLICK_SCRIPT`): the grid point under the pointer is marked on the triangle and on the
plane, with its y and L, all as the scene computed them. Nothing is computed here; plotly is
imported only inside :func:`simplex_html`.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from swl_viz.palette import DECISION, MINIMUM, PATH, PROBE
from swl_viz.plotspec import Plot
from swl_viz.shapes import Label, Point, Polyline
from swl_viz.simplex import CORNERS, SimplexScene, build_simplex
from swl_viz.web.look import _THEMES, web_text
from swl_viz.web.traces import contour_colorscale

__all__ = ["TRIANGLE", "PLANE", "simplex_figure_dict", "simplex_html"]

#: Where the two panels sit across the page (fractions of its width).
TRIANGLE, PLANE = (0.0, 0.44), (0.52, 0.92)
_MARKERS = {"o": "circle", "X": "x", "*": "star"}
#: At most this many points per axis of the plane reach the page (it stays under 6 MB).
MAX_PLANE_POINTS = 101
_POINT_COLOURS = {"lowest": MINIMUM, "probe-point": PROBE, "path-start": PATH, "path-end": PATH}


def _f(a: Any) -> list[float | None]:
    """Numbers as JSON takes them: NaN as null (a gap)."""
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float).ravel()]


_HOVER_Y = "y = (%{customdata[0]:.4~g}, %{customdata[1]:.4~g}, %{customdata[2]:.4~g})"


def _short(values: Any) -> list[float | None]:
    """y to 7 significant digits, as hover and a click use it (the page stays small)."""
    return [None if not np.isfinite(v) else float(f"{v:.7g}") for v in np.asarray(values)]


def _contour(scene: SimplexScene) -> dict[str, Any]:
    lo, hi = scene.levels[0], scene.levels[-1]
    return {
        "coloring": "fill",
        "showlines": True,
        "start": lo,
        "end": hi,
        "size": (hi - lo) / (len(scene.levels) - 1),
    }


def _lines(lines: list[Polyline], axes: str) -> list[dict[str, Any]]:
    out = []
    for line in lines:
        if line.role == "path-steps":
            continue
        tie = line.role == "decision-tie"
        out.append({
            "type": "scatter", "x": _f(line.x), "y": _f(line.y), "mode": "lines",
            "line": {"color": DECISION if tie else PATH, "width": 2 if tie else 3,
                     "dash": "dot" if tie else "solid"},
            "hoverinfo": "skip", "showlegend": False, "name": line.role, **_on(axes),
        })  # fmt: skip
    return out


def _points(points: list[Point], axes: str) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "x": [point.at[0]], "y": [point.at[1]], "mode": "markers",
         "marker": {"symbol": _MARKERS[point.marker], "size": 16 if point.marker == "*" else 12,
                    "color": _POINT_COLOURS.get(point.role, PATH),
                    "line": {"color": "#111111", "width": 1.5}},
         "hoverinfo": "skip", "showlegend": False, "name": point.role, **_on(axes)}
        for point in points
    ]  # fmt: skip


def _on(axes: str) -> dict[str, str]:
    return {"xaxis": "x" if axes == "1" else "x2", "yaxis": "y" if axes == "1" else "y2"}


def _note(label: Label, axes: str, text_colour: str, box: str) -> dict[str, Any]:
    shift = label.offset or (0.0, 0.0)
    return {
        "x": label.at[0], "y": label.at[1], "xref": "x" if axes == "1" else "x2",
        "yref": "y" if axes == "1" else "y2", "text": web_text(label.text), "showarrow": False,
        "xanchor": "left", "yanchor": "bottom", "xshift": shift[0] * 96 / 72,
        "yshift": shift[1] * 96 / 72, "font": {"color": text_colour, "size": 15},
        "bgcolor": box, "bordercolor": text_colour, "borderwidth": 1,
    }  # fmt: skip


def _arrows(scene: SimplexScene, colour: str) -> dict[str, Any]:
    tails, vectors = scene.arrow_xy, scene.arrow_uv
    keep = np.hypot(vectors[:, 0], vectors[:, 1]) > 0
    tails, tips = tails[keep], tails[keep] + vectors[keep]
    gap = np.full(len(tails), np.nan)
    x = np.column_stack([tails[:, 0], tips[:, 0], gap]).ravel()
    y = np.column_stack([tails[:, 1], tips[:, 1], gap]).ravel()
    sizes = np.column_stack([np.zeros(len(tails)), np.full(len(tails), 11.0), gap]).ravel()
    return {
        "type": "scatter", "x": _f(x), "y": _f(y), "mode": "lines+markers",
        "line": {"color": colour, "width": 2},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": _f(np.nan_to_num(sizes)),
                   "color": colour},
        "hoverinfo": "skip", "showlegend": False, "name": "arrows", **_on("1"),
    }  # fmt: skip


def simplex_figure_dict(plot: Plot) -> dict[str, Any]:
    """The plotly figure of ``plot``'s simplex scene as plain data; needs no plotly."""
    scene = build_simplex(plot)
    look = _THEMES[plot.theme]
    text_colour, background = look["text"], look["background"]
    box = look.get("box", background)
    scale = contour_colorscale(plot.theme)
    lo, hi = scene.levels[0], scene.levels[-1]
    coloraxis = {
        "colorscale": scale, "cmin": lo, "cmax": hi,
        "colorbar": {"title": {"text": web_text(scene.zlabel), "side": "right"},
                     "x": 1.0, "len": 0.8, "thickness": 18},
    }  # fmt: skip
    every = slice(None, None, max(1, -(-(len(scene.plane_u) - 1) // (MAX_PLANE_POINTS - 1))))
    probs = scene.square_probs
    data: list[dict[str, Any]] = [
        {"type": "contour", "x": _f(scene.square_x), "y": _f(scene.square_y),
         "z": [_f(row) for row in scene.square_z], "coloraxis": "coloraxis",
         "contours": _contour(scene), "connectgaps": False,
         "customdata": [[_short(v) for v in row] for row in probs],
         "hovertemplate": _HOVER_Y + "<br>L = %{z:.6~g}<extra></extra>", "name": "triangle",
         **_on("1")},
        {"type": "contour", "x": _f(scene.plane_u[every]), "y": _f(scene.plane_v[every]),
         "z": [_f(row[every]) for row in scene.plane_z[every]], "coloraxis": "coloraxis",
         "contours": _contour(scene), "name": "plane",
         "customdata": [[_short(v) for v in row[every]] for row in scene.plane_probs[every]],
         "hovertemplate": "x₁ − x₀ = %{x:.6~g}<br>x₂ − x₀ = %{y:.6~g}<br>" + _HOVER_Y
                          + "<br>L = %{z:.6~g}<extra></extra>", **_on("2")},
        {"type": "scatter", "x": _f(np.append(CORNERS[:, 0], CORNERS[0, 0])),
         "y": _f(np.append(CORNERS[:, 1], CORNERS[0, 1])), "mode": "lines",
         "line": {"color": text_colour, "width": 1.5}, "hoverinfo": "skip", "showlegend": False,
         "name": "triangle-edge", **_on("1")},
        _arrows(scene, look.get("arrow", text_colour)),
    ]  # fmt: skip
    data += _lines(scene.tri_marks.lines, "1") + _lines(scene.plane_marks.lines, "2")
    data += _points(scene.tri_marks.points, "1") + _points(scene.plane_marks.points, "2")
    for axes in ("1", "2"):  # where a click probes: empty until then, moved by CLICK_SCRIPT
        data.append({"type": "scatter", "x": [], "y": [], "mode": "markers", "name": "clicked",
                     "marker": {"symbol": "circle", "size": 13, "color": PROBE,
                                "line": {"color": "#111111", "width": 1.5}},
                     "hoverinfo": "skip", "showlegend": False, **_on(axes)})  # fmt: skip

    notes = [_note(label, "1", text_colour, box) for label in scene.tri_marks.labels]
    notes += [_note(label, "2", text_colour, box) for label in scene.plane_marks.labels]
    corners = [(0.0, -0.05, "top"), (1.0, -0.05, "top"), (0.5, float(CORNERS[2, 1]) + 0.04,
                                                          "bottom")]  # fmt: skip
    for name, (x, y, anchor) in zip(scene.corner_names, corners, strict=True):
        notes.append({"x": x, "y": y, "xref": "x", "yref": "y", "text": web_text(name),
                      "showarrow": False, "yanchor": anchor, "font": {"color": text_colour,
                                                                      "size": 16}})  # fmt: skip
    heads = [(scene.tri_subtitle, TRIANGLE[0]), (scene.plane_subtitle, PLANE[0])]
    for text, x in heads:
        notes.append({"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "left",
                      "yanchor": "bottom", "showarrow": False, "text": web_text(text),
                      "font": {"color": text_colour, "size": 16}})  # fmt: skip
    corner_boxes: list[tuple[str | None, tuple[float, float, str, str]]] = [
        (scene.note, (PLANE[1], 0.0, "right", "bottom"))
    ]
    if scene.probe_box is not None:
        corner_boxes.append((scene.probe_box, (PLANE[0], 1.0, "left", "top")))
    for said, (x, y, xa, ya) in corner_boxes:
        if said is None:
            continue
        notes.append({"x": x, "y": y, "xref": "paper", "yref": "paper", "xanchor": xa,
                      "yanchor": ya, "showarrow": False, "text": web_text(said), "align": "left",
                      "font": {"color": text_colour, "size": 14,
                               "family": "monospace" if said == scene.probe_box else None},
                      "bgcolor": box, "bordercolor": text_colour, "borderwidth": 1})  # fmt: skip
    notes.append({"x": TRIANGLE[0], "y": 1.0, "xref": "paper", "yref": "paper",
                  "xanchor": "left", "yanchor": "top", "showarrow": False, "text": "",
                  "visible": False, "align": "left", "name": "clicked",
                  "font": {"color": text_colour, "size": 14, "family": "monospace"},
                  "bgcolor": box, "bordercolor": text_colour, "borderwidth": 1})  # fmt: skip
    height = float(CORNERS[2, 1])
    title = "" if scene.title is None else web_text(scene.title)
    layout = {
        "template": {},
        "paper_bgcolor": background, "plot_bgcolor": background,
        "font": {"color": text_colour, "family": "sans-serif"},
        "title": {"text": f"{title}<br><sup>{web_text(scene.key)}</sup>", "x": 0.01},
        "margin": {"t": 110, "b": 60, "l": 60, "r": 40},
        "coloraxis": coloraxis,
        "xaxis": {"domain": list(TRIANGLE), "range": [-0.1, 1.1], "visible": False,
                  "scaleanchor": "y", "scaleratio": 1},
        "yaxis": {"range": [-0.14, height + 0.16], "visible": False},
        "xaxis2": {"domain": list(PLANE), "title": {"text": "x₁ − x₀"},
                   "range": [float(scene.plane_u[0]), float(scene.plane_u[-1])],
                   "scaleanchor": "y2", "scaleratio": 1, "color": text_colour,
                   "zeroline": False, "showgrid": False},
        "yaxis2": {"title": {"text": "x₂ − x₀"}, "anchor": "x2", "color": text_colour,
                   "zeroline": False, "showgrid": False,
                   "range": [float(scene.plane_v[0]), float(scene.plane_v[-1])]},
        "annotations": notes,
        "showlegend": False,
        "hovermode": "closest",
    }  # fmt: skip
    return {"data": data, "layout": layout}


#: A click on either panel probes both: the point of the grid under the pointer (its y, stored
#: with the grid as customdata, and its loss) is marked on the triangle at y and on the plane
#: at T log(y / y0), and a box says y and L. The page computes no loss.
CLICK_SCRIPT = """
var gd = document.getElementById('{div}');
var T = {temperature};
gd.on('plotly_click', function (ev) {{
  var p = ev.points && ev.points[0];
  if (!p || !p.customdata || p.customdata[0] === null || p.z === null) return;
  var y = p.customdata, n = gd.data.length;
  var tri = [y[1] + y[2] / 2, y[2] * Math.sqrt(3) / 2];
  var uv = [T * Math.log(y[1] / y[0]), T * Math.log(y[2] / y[0])];
  Plotly.restyle(gd, {{x: [[tri[0]], [uv[0]]], y: [[tri[1]], [uv[1]]]}}, [n - 2, n - 1]);
  var f = function (v) {{ return Number(v).toPrecision(4); }};
  var said = 'y = (' + y.map(f).join(', ') + ')<br>L = ' + f(p.customdata.length > 3 ?
    p.customdata[3] : p.z);
  Plotly.relayout(gd, {{'annotations[{note}].text': said, 'annotations[{note}].visible': true}});
}});
"""


def simplex_html(plot: Plot) -> bytes:
    """One self-contained, offline HTML page of the simplex figure (UTF-8), the same bytes on
    every call."""
    import plotly.io as pio

    spec = simplex_figure_dict(plot)
    note = len(spec["layout"]["annotations"]) - 1  # the clicked point's box, kept last
    script = CLICK_SCRIPT.format(div="swl-viz-simplex", temperature=repr(plot.temperature),
                                 note=note)  # fmt: skip
    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"  # the same floats whatever is installed
    try:
        page: str = pio.to_html(
            spec, include_plotlyjs=True, include_mathjax=False, full_html=True,
            div_id="swl-viz-simplex", config={"displaylogo": False, "responsive": True},
            validate=True, post_script=script,
        )  # fmt: skip
    finally:
        pio.json.config.default_engine = engine
    title = html.escape(f"swl-viz simplex, t = {plot.t}")
    style = f"<style>html, body {{margin: 0; background: {_THEMES[plot.theme]['background']};}}"
    page = page.replace("<head>", f"<head>\n    <title>{title}</title>\n    {style}</style>", 1)
    return page.encode("utf-8")
