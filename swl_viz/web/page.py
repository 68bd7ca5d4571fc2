"""A web page from scenes: labels as annotations, the layout, the label slider, the HTML."""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any

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
    slider_values,
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
        layout["sliders"] = [_slider(plot, frames)]
    return layout


def _slider(plot: Plot, frames: list[float]) -> dict[str, Any]:
    """The slider over the teacher label t = (t0, 1 - t0), one step a precomputed frame."""
    colours = _THEMES[plot.theme]
    w = words(plot.lang)
    active = frames.index(float(plot.t[0]))
    return {
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
