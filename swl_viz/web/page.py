"""A web page from scenes: labels as annotations, the layout, the label slider, the HTML."""

from __future__ import annotations

import html
import math
from typing import Any, Literal

import numpy as np

from swl_viz.errors import RunError, SwlVizError
from swl_viz.plotspec import Plot, format_label
from swl_viz.scene import build_scene, logit_label
from swl_viz.shapes import Label, Scene
from swl_viz.web.look import (
    _BDATA,
    _EYE_DISTANCE,
    _THEMES,
    DETAILS,
    INSTALL_HINT,
    LINE_LIFT,
    MAX_PAGE_BYTES,
    PAIR_CONTOUR,
    PAIR_SCENE,
    PX_PER_POINT,
    web_text,
)
from swl_viz.web.traces import _log_ticks, _slot_data, _slot_style, _slots
from swl_viz.words import plain, words

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
                "name": "subtitle",
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
            note = {**_label_annotation(plot, label), "name": label.role}
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
                "name": "key",
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


def _layout(plot: Plot, scene: Scene, notes: tuple[list[Any], list[Any]]) -> dict[str, Any]:
    colours = _THEMES[plot.theme]
    title = "" if scene.title is None else web_text(scene.title)
    layout: dict[str, Any] = {
        "template": "none",
        "paper_bgcolor": colours["background"],
        "plot_bgcolor": colours["background"],
        "font": {"color": colours["text"], "size": 13},
        "title": {"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 22}},
        "margin": {"l": 60, "r": 40, "t": 90 if title else 50, "b": 50},
        "legend": {  # above the plot's top right corner, clear of the axes and colour bar
            "x": 1.0,
            "y": 1.0,
            "xanchor": "right",
            "yanchor": "bottom",
            "orientation": "h",
            "bgcolor": colours["legend"],
            "bordercolor": colours["grid"],
            "borderwidth": 1,
        },
        "hoverlabel": {"align": "left"},
        "uirevision": "swl-viz",  # a redraw keeps the reader's camera and zoom
        "annotations": notes[0],
    }
    for panel, domain in zip(scene.panels, _domains(scene), strict=True):
        grid = panel.grid
        i, j = grid.axes
        lo, hi = float(grid.x0[0, 0]), float(grid.x0[0, -1])
        lo1, hi1 = float(grid.x1[0, 0]), float(grid.x1[-1, 0])
        xtitle, ytitle = plain(logit_label(i)), plain(logit_label(j))
        if not panel.three_d:
            axis = _flat_axis(colours)
            # the plane fills the page's width (a 16:9 slide), not a square in its middle: its
            # two axes are drawn to different scales, which the page states beside the controls
            layout["xaxis"] = {**axis, "range": [lo, hi], "title": {"text": xtitle},
                               "domain": list(domain)}  # fmt: skip
            layout["yaxis"] = {**axis, "range": [lo1, hi1], "title": {"text": ytitle}}
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
    return layout


def figure_dict(plot: Plot, detail: int = 0) -> dict[str, Any]:
    """The plotly figure of ``plot``'s scene as plain data (``data`` and ``layout``), with numpy
    arrays; needs no plotly. :func:`render_html` writes it out. ``detail`` picks the sampling of
    the grids and arrow fields from :data:`DETAILS` (0: the finest)."""
    return _figure(plot, page_scene(plot), detail)


def page_scene(plot: Plot) -> Scene:
    """The scene of ``plot``, refused (``param="figure"``) for a figure with no page."""
    if plot.figure not in ("surface", "quiver", "contour", "pair", "slice"):
        raise SwlVizError(
            f"HTML has surface, quiver, contour, pair and slice; got {plot.figure!r}",
            param="figure",
        )
    return build_scene(plot)


# ---- the slice: the loss along d = x1 - x0 above, its slope below ------------------------------

#: The slice's two panels on the page (paper fractions of the height): the loss, and its slope
#: below it at 45 % of its height, as the PNG stacks them.
SLICE_UPPER, SLICE_LOWER = (0.36, 1.0), (0.0, 0.29)
#: The slice's traces, in drawing order (later on top), each present on every page (empty when
#: the scene has no such curve), so the live page redraws them in place: (role, lower panel).
SLICE_ROLES: tuple[tuple[str, bool], ...] = (
    ("asymptote-left", False),
    ("asymptote-right", False),
    ("cap", False),
    ("slice-loss", False),
    ("at-zero", False),
    ("minimum", False),
    ("slope-limit-left", True),
    ("slope-limit-right", True),
    ("slope", True),
    ("book-slope", True),
)


def _slice_traces(plot: Plot, scene: Scene) -> list[dict[str, Any]]:
    from swl_viz.palette import HALO, LOSS_CURVE, MINIMUM, SLOPE_CURVE

    curves = scene.curves
    assert curves is not None
    muted = _THEMES[plot.theme]["tick"]
    lo, hi = float(curves.loss.x[0]), float(curves.loss.x[-1])
    lines = {line.role: line for line in (curves.loss, *curves.lines, *curves.slopes)}
    points = {point.role: point for point in curves.points}
    names = dict(
        zip((line.role for line in curves.slopes), curves.slope_legend or (), strict=False)
    )
    d_name, slope_name = plain(curves.axis_labels[2]).split(" = ")[0], "dL/dd"
    data: list[dict[str, Any]] = []
    for role, lower in SLICE_ROLES:
        trace: dict[str, Any] = {
            "type": "scatter",
            "name": role,
            "meta": role,
            "xaxis": "x2" if lower else "x",
            "yaxis": "y2" if lower else "y",
            "showlegend": False,
            "hoverinfo": "skip",
            "cliponaxis": role in ("slice-loss", "slope", "book-slope"),
        }
        x: list[float] | Any = []
        y: list[float] | Any = []
        if role in lines:
            x, y = lines[role].x, lines[role].y
        elif role in points:
            x, y = [points[role].at[0]], [points[role].at[1]]
        elif role.startswith("slope-limit"):
            level = curves.levels[0 if role.endswith("left") else 1]
            x, y = [lo, hi], [level, level]
        trace["x"] = np.asarray(x, dtype=np.float64)
        trace["y"] = np.asarray(y, dtype=np.float64)
        data.append(trace)
        if role in points:
            star = role == "minimum"
            marker = {
                "symbol": "star" if star else "circle",
                "size": 16 if star else 10,
                "color": MINIMUM if star else LOSS_CURVE,
                "line": {"color": HALO, "width": 1.5},
            }
            trace.update(mode="markers", marker=marker)
            continue
        colour = {"slice-loss": LOSS_CURVE, "slope": SLOPE_CURVE, "book-slope": LOSS_CURVE}
        width = 1.6 if role in colour else 1.0
        dash = {"book-slope": "dot", "slice-loss": "solid", "slope": "solid"}.get(role, "dash")
        trace["mode"] = "lines"
        trace["line"] = {"color": colour.get(role, muted), "width": width * PX_PER_POINT * 1.4,
                         "dash": dash}  # fmt: skip
        if role == "slice-loss":
            trace["hovertemplate"] = f"{d_name} = %{{x:.6~g}}<br>L = %{{y:.6~g}}<extra></extra>"
            trace.pop("hoverinfo")
            if curves.legend is not None:
                trace.update(name=web_text(curves.legend), showlegend=True, legend="legend")
        if role in ("slope", "book-slope"):
            trace["hovertemplate"] = (
                f"{d_name} = %{{x:.6~g}}<br>{slope_name} = %{{y:.6~g}}<extra></extra>"
            )
            trace.pop("hoverinfo")
            if role in names:
                trace.update(name=web_text(names[role]), showlegend=True, legend="legend2")
    return data


def _slice_annotations(plot: Plot, scene: Scene) -> list[dict[str, Any]]:
    """The slice's subtitle and labels: each at its point (set off by its offset, with a thin
    leader back to the point where the PNG draws one), the slope's note in its panel."""
    curves = scene.curves
    assert curves is not None
    colours = _THEMES[plot.theme]
    notes: list[dict[str, Any]] = [
        {**_BLANK, "name": "subtitle", "text": web_text(curves.subtitle), "visible": True,
         "xref": "paper", "yref": "paper", "x": 0.0, "y": SLICE_UPPER[1], "yanchor": "bottom",
         "font": {**_BLANK["font"], "size": 15, "color": colours["text"]}}
    ]  # fmt: skip
    for label in curves.labels:
        lower = label.role.startswith(("slope", "why"))
        note = {**_label_annotation(plot, label), "name": label.role}
        if label.space == "axes":
            axes = ("x2 domain", "y2 domain") if lower else ("x domain", "y domain")
            notes.append({**note, "xref": axes[0], "yref": axes[1],
                          "x": label.at[0], "y": label.at[1]})  # fmt: skip
            continue
        place = {"xref": "x2" if lower else "x", "yref": "y2" if lower else "y",
                 "x": label.at[0], "y": label.at[1]}  # fmt: skip
        if label.leader:  # the text at the offset, a thin line from it back to the point
            note.update(showarrow=True, arrowhead=0, arrowwidth=1.0, arrowcolor=colours["tick"],
                        axref="pixel", ayref="pixel", ax=note["xshift"], ay=-note["yshift"],
                        xshift=0.0, yshift=0.0, standoff=4)  # fmt: skip
        notes.append({**note, **place})
    return notes


def _flat_axis(colours: dict[str, str]) -> dict[str, Any]:
    """A flat panel's axis (the plane's, the slice's): framed all round, gridded, no zero line."""
    return {
        "gridcolor": colours["grid"],
        "zeroline": False,
        "showgrid": True,
        "color": colours["tick"],
        "linecolor": colours["tick"],
        "mirror": True,
        "showline": True,
        # the labels stay inside the margins; plotly measures every label of an axis that may
        # hide those past the page, on every redraw
        "ticklabeloverflow": "allow",
    }


def _slice_layout(plot: Plot, scene: Scene) -> dict[str, Any]:
    curves = scene.curves
    assert curves is not None
    colours = _THEMES[plot.theme]
    title = "" if scene.title is None else web_text(scene.title)
    lo, hi = float(curves.loss.x[0]), float(curves.loss.x[-1])
    axis = _flat_axis(colours)
    legend = {
        "bgcolor": colours["legend"],
        "bordercolor": colours["grid"],
        "borderwidth": 1,
        "yanchor": "top",
    }
    corner = 0.01 if curves.flat_left else 0.99
    zero = {"type": "line", "x0": 0.0, "x1": 0.0, "y0": 0.0, "y1": 1.0, "layer": "below",
            "line": {"color": colours["tick"], "width": 0.8}}  # fmt: skip
    return {
        "template": "none",
        "paper_bgcolor": colours["background"],
        "plot_bgcolor": colours["background"],
        "font": {"color": colours["text"], "size": 13},
        "title": {"text": title, "x": 0.5, "xanchor": "center", "font": {"size": 22}},
        "margin": {"l": 70, "r": 40, "t": 90 if title else 50, "b": 50},
        "hoverlabel": {"align": "left"},
        "uirevision": "swl-viz",
        "showlegend": True,
        "legend": {**legend, "x": 0.5, "xanchor": "center", "y": SLICE_UPPER[1] - 0.01},
        "legend2": {
            **legend,
            "x": corner,
            "xanchor": "left" if curves.flat_left else "right",
            "y": SLICE_LOWER[1] - 0.01,
        },  # fmt: skip
        "xaxis": {
            **axis,
            "range": [lo, hi],
            "anchor": "y",
            "matches": "x2",
            "showticklabels": False,
        },  # fmt: skip
        "yaxis": {
            **axis,
            "range": list(curves.ylim),
            "domain": list(SLICE_UPPER),
            "title": {"text": web_text(curves.axis_labels[0])},
        },  # fmt: skip
        "xaxis2": {
            **axis,
            "range": [lo, hi],
            "anchor": "y2",
            "title": {"text": web_text(curves.axis_labels[2])},
        },  # fmt: skip
        "yaxis2": {
            **axis,
            "range": list(curves.slope_ylim),
            "domain": list(SLICE_LOWER),
            "title": {"text": web_text(curves.axis_labels[1])},
        },  # fmt: skip
        "shapes": [
            {**zero, "xref": "x", "yref": "y domain"},
            {**zero, "xref": "x2", "yref": "y2 domain"},
        ],  # fmt: skip
        "annotations": _slice_annotations(plot, scene),
    }


def _figure(plot: Plot, scene: Scene, detail: int) -> dict[str, Any]:
    if scene.curves is not None:  # the slice: curves, not a grid; one sampling at any size
        return {"data": _slice_traces(plot, scene), "layout": _slice_layout(plot, scene)}
    slots = _slots([scene])
    first: set[str] = set()
    data = [
        _merge(_slot_data(plot, scene, slot, detail), _slot_style(plot, scene, slot, first, detail))
        for slot in slots
    ]
    notes = _annotations(plot, scene)
    return {"data": data, "layout": _layout(plot, scene, notes)}


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


def live_script() -> str:
    """The page's own script (``live.js``): the layer's exact maths and the live controls."""
    from importlib.resources import files

    return files("swl_viz.web").joinpath("live.js").read_text(encoding="utf-8")


def require_plotly() -> None:
    """Fail in one line, naming the install command, when plotly (the html extra) is missing."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        raise RunError(
            f"HTML output needs plotly; install it with {INSTALL_HINT}", param="out"
        ) from None


#: Where a page finds plotly.js: inlined (one self-contained file) or beside it (a deck's pages
#: share one copy, :data:`PLOTLY_FILE`).
PlotlyJs = Literal["inline", "shared"]
PLOTLY_FILE = "plotly.min.js"


def plotly_js() -> str:
    """plotly.js as the installed plotly ships it (minified)."""
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text


def render_html(plot: Plot, plotly: PlotlyJs = "inline") -> bytes:
    """One offline HTML file of ``plot`` (UTF-8), the same bytes on every call: with plotly.js
    inlined (``"inline"``, self-contained), or loading :data:`PLOTLY_FILE` from its own folder
    (``"shared"``: a deck writes that file once beside its pages).

    Raises :class:`SwlVizError` (``param="figure"``) for a figure HTML does not have, and
    :class:`RunError` (``param="out"``) when plotly, the ``html`` extra, is not installed.
    """
    scene = page_scene(plot)
    require_plotly()
    page = _page(plot, scene, 0, plotly)
    for detail in range(1, len(DETAILS)):  # coarser samplings of the same scene
        if len(page) <= MAX_PAGE_BYTES:
            break
        page = _page(plot, scene, detail, plotly)
    return page


def _json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no "<", ">" or "&" in it."""
    import plotly.io as pio

    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"  # orjson, where installed, writes floats differently
    try:
        text: str = pio.json.to_json_plotly(value)
    finally:
        pio.json.config.default_engine = engine
    # base64 never holds "</", so the JSON encoder's escaped "/" (6 bytes each) can go
    text = _BDATA.sub(lambda m: m.group(0).replace("\\u002f", "/"), text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_json(spec: dict[str, Any]) -> str:
    """The figure, validated by plotly (as plotly's own pages are), as JSON."""
    import plotly.graph_objects as go

    fig = go.Figure(spec)
    return _json({"data": fig.to_plotly_json()["data"], "layout": fig.to_plotly_json()["layout"]})


_CSS = """html, body {{margin: 0; padding: 0; background: {background}; color: {text};
  font-family: {family};}}
.swl-page {{display: flex; flex-direction: column; height: 100vh;}}
.swl-plot {{flex: 1 1 auto; width: 100%; min-height: 320px;}}
.swl-controls {{display: flex; flex-wrap: wrap; gap: 0.3em 1.4em; align-items: center;
  padding: 0.3em 1em; font-size: clamp(13px, 1.05vw, 24px);}}
.swl-control {{display: flex; align-items: center; gap: 0.45em;}}
.swl-control input[type=range] {{width: 9em;}}
.swl-control input[type=number] {{width: 5.5em; font: inherit;}}
.swl-control select, .swl-control button {{font: inherit;}}
.swl-control output {{min-width: 3em; font-variant-numeric: tabular-nums;}}
.swl-state {{margin: 0; padding: 0 1em; font-size: clamp(13px, 1.05vw, 24px);}}
.swl-state:empty, .swl-probe:empty {{display: none;}}
.swl-probe {{padding: 0.2em 1em; font-family: monospace; white-space: normal;
  word-spacing: 0.2em; font-size: clamp(12px, 0.95vw, 22px);}}
.swl-probe-part {{display: inline-block; margin-right: 1.5em;}}
.swl-hint {{margin: 0; padding: 0 1em; font-size: clamp(12px, 0.95vw, 22px);}}
.swl-about {{padding: 0.2em 1em 1em; font-size: clamp(12px, 0.95vw, 22px);}}
:focus-visible {{outline: 3px solid #4dd8ff; outline-offset: 2px;}}
[hidden] {{display: none !important;}}
"""


def _page(plot: Plot, scene: Scene, detail: int, plotly: PlotlyJs) -> bytes:
    """The page: the figure, its controls, its description and its scripts; the same bytes
    every time."""
    from swl_viz.web.describe import describe
    from swl_viz.web.live import control_words, controls_html, hint, live_config

    spec = _figure(plot, scene, detail)
    colours = _THEMES[plot.theme]
    family = "sans-serif"
    css = _CSS.format(background=colours["background"], text=colours["text"], family=family)
    fonts = ""
    if plot.lang == "ja":
        from swl_viz.web.fonts import FAMILY, font_face

        face = font_face(_page_texts(plot, scene, spec))
        if face:
            fonts = face
            family = f"'{FAMILY}', sans-serif"
            spec = _with_family(spec, FAMILY)
            spec["layout"]["font"] = {**spec["layout"].get("font", {}), "family": family}
            css = _CSS.format(background=colours["background"], text=colours["text"],
                              family=family)  # fmt: skip
    summary = describe(plot, scene)
    cw = control_words(plot.lang)
    div = div_id(plot)
    plotly_tag = (
        f"<script>{plotly_js()}</script>"
        if plotly == "inline"
        else f'<script src="{PLOTLY_FILE}" charset="utf-8"></script>'
    )
    config = live_config(plot, scene, detail)
    config["div"] = div
    config["family"] = family
    body = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{plot.lang}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_page_title(plot)}</title>",
            f'<meta name="description" content="{html.escape(summary)}">',
            f"<style>{fonts}{css}</style>",
            "</head>",
            "<body>",
            '<main class="swl-page">',
            f'<div id="{div}" class="plotly-graph-div swl-plot" role="img" '
            f'aria-label="{html.escape(_page_title(plot), quote=True)}" '
            'aria-describedby="swl-viz-summary"></div>',
            '<p class="swl-state" id="swl-viz-state" aria-live="polite"></p>',
            '<p class="swl-hint" hidden id="swl-viz-aspect"></p>',
            controls_html(plot, scene),
            f'<p class="swl-hint" hidden id="swl-viz-hint">{html.escape(hint(plot))}</p>',
            '<section class="swl-probe" id="swl-viz-probe" aria-live="polite" '
            f'aria-label="{html.escape(cw["probe_title"])}"></section>',
            "</main>",
            f'<details class="swl-about"><summary>{html.escape(cw["about"])}</summary>'
            f'<p id="swl-viz-summary">{html.escape(summary)}</p></details>',
            plotly_tag,
            f"<script>{live_script()}</script>",
            f'<script type="application/json" id="swl-viz-figure">{_figure_json(spec)}</script>',
            f'<script type="application/json" id="swl-viz-config">{_json(config)}</script>',
            "<script>window.swlViz.start();</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return body.encode("utf-8")


def _with_family(value: Any, family: str) -> Any:
    """``value`` with the embedded font first in every font family it names."""
    if isinstance(value, dict):
        return {
            k: (f"'{family}', {v}" if k == "family" and isinstance(v, str) else
                _with_family(v, family))
            for k, v in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [_with_family(v, family) for v in value]
    return value


def _page_texts(plot: Plot, scene: Scene, spec: dict[str, Any]) -> str:
    """Every character the page may show: for the font subset a Japanese page carries."""
    from swl_viz.web.describe import describe
    from swl_viz.web.live import _slice_config, control_words

    parts = [describe(plot, scene), *control_words(plot.lang).values(), str(spec["layout"])]
    parts.append(str(_slice_config(plot, scene)))  # the slice's live legend
    parts += [str(t.get("name", "")) + str(t.get("hovertemplate", "")) for t in spec["data"]]
    parts += [v for k, v in words(plot.lang).items() if isinstance(v, str)]
    parts.append("0123456789.,-−+=()[]eE ∇ΣεTtyLx₀₁₂₃₄₅₆₇₈₉′≈")
    return "".join(parts)


def _page_title(plot: Plot) -> str:
    w = words(plot.lang)
    title = plain(plot.title) if plot.title else w["suptitle"]
    return html.escape(f"{title}: {plot.figure}, t = {format_label(plot.t)}")
