"""The simplex figure as a web page: the probability triangle beside the logit plane, on one
colour scale, in plotly.

The page draws the :class:`~swl_viz.simplex.SimplexScene` the PNG draws: the loss over the
triangle (its square grid, empty outside the triangle, since plotly contours rectangular grids
only) and over the plane, with the scene's levels on one shared colour axis; -(y - t') as
arrows on the triangle; the target, the probe and the descent path in both panels; the
corners' names, the note on (1, 1, 1) and the probe's numbers. Hovering the triangle shows y
and L there, hovering the plane x1 - x0, x2 - x0, y and L.

The page is live (``simplex.js``): its controls (the label on two sliders, the temperature on a
log scale, label smoothing, the loss and its gamma, the book's variant) redraw both panels from
the page's own exact maths (``window.swlViz.loss`` of ``live.js``) at the points Python used, a
click on either panel probes both, and the state lives in the URL's fragment. plotly is
imported only inside :func:`simplex_html`.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from swl_viz.maths import LOSSES
from swl_viz.palette import DECISION, MINIMUM, PATH, PROBE
from swl_viz.plotspec import Plot, format_label
from swl_viz.shapes import Label, Point, Polyline
from swl_viz.simplex import (
    ARROW_DIVISIONS,
    CORNERS,
    LEVELS,
    LOG_DECADES,
    REACH,
    SIMPLEX_WORDS,
    SimplexScene,
    build_simplex,
)
from swl_viz.web.look import _THEMES, web_text
from swl_viz.web.traces import contour_colorscale
from swl_viz.words import (
    DESCENT,
    DESCENT_ANY,
    DESCENT_T,
    LOSS,
    LOSS_BOOK,
    LOSS_FOCAL,
    LOSS_MSE,
    typeset,
    words,
)

__all__ = [
    "PLANE",
    "TRIANGLE",
    "simplex_config",
    "simplex_controls_html",
    "simplex_figure_dict",
    "simplex_html",
    "simplex_script",
]

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
    """y to 5 significant digits: hover shows 4 (and a Japanese page, its glyphs beside the
    grids, stays under the 6 MB a page may weigh)."""
    return [None if not np.isfinite(v) else float(f"{v:.5g}") for v in np.asarray(values)]


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
    for note in notes:  # placed by Python for the state it drew: the live page hides them
        note["name"] = "placed"
    corners = [(0.0, -0.05, "top"), (1.0, -0.05, "top"), (0.5, float(CORNERS[2, 1]) + 0.04,
                                                          "bottom")]  # fmt: skip
    for name, (x, y, anchor) in zip(scene.corner_names, corners, strict=True):
        notes.append({"x": x, "y": y, "xref": "x", "yref": "y", "text": web_text(name),
                      "showarrow": False, "yanchor": anchor, "font": {"color": text_colour,
                                                                      "size": 16}})  # fmt: skip
    heads = [(scene.tri_subtitle, TRIANGLE[0], "triangle-head"),
             (scene.plane_subtitle, PLANE[0], "plane-head")]  # fmt: skip
    for text, x, name in heads:
        notes.append({"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "left",
                      "yanchor": "bottom", "showarrow": False, "text": web_text(text),
                      "font": {"color": text_colour, "size": 16}, "name": name})  # fmt: skip
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
                      "bgcolor": box, "bordercolor": text_colour, "borderwidth": 1,
                      "name": "placed" if said == scene.probe_box else "invisible"})  # fmt: skip
    notes.append({"x": PLANE[0], "y": 1.0, "xref": "paper", "yref": "paper",
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


#: The live controls' own words (the rest are the other pages' :data:`CONTROL_WORDS`).
SIMPLEX_CONTROL_WORDS = {
    "en": {
        "t0": "Teacher label t₀",
        "t1": "t₁",
        "t2": "t₂ = 1 − t₀ − t₁",
        "loss": "Loss",
        "ce": "cross-entropy",
        "mse": "squared error",
        "focal": "focal",
        "gamma": "Focal γ",
        "variant": "Cross-entropy",
        "hint": "Click the triangle or the plane to probe that point in both.",
    },
    "ja": {
        "t0": "教師ラベル t₀",
        "t1": "t₁",
        "t2": "t₂ = 1 − t₀ − t₁",
        "loss": "損失",
        "ce": "交差エントロピー",
        "mse": "2乗和誤差",
        "focal": "focal",
        "gamma": "focal の γ",
        "variant": "交差エントロピーの形",
        "hint": "三角形か平面をクリックすると、その点を両方の図でプローブします。",
    },
}


def simplex_controls_html(plot: Plot) -> str:
    """The page's native controls, each a labelled input a keyboard can move: the label on two
    sliders (t₂ = 1 − t₀ − t₁), the temperature on a log scale, label smoothing, the loss, the
    focal γ, the book's variant, and a reset."""
    from swl_viz.web.live import _range_input, control_words, temperature_and_smoothing

    cw = control_words(plot.lang)
    own = SIMPLEX_CONTROL_WORDS["ja" if plot.lang == "ja" else "en"]
    t0, t1, t2 = plot.t
    parts = [f'<form id="swl-viz-controls" class="swl-controls" '
             f'aria-label="{html.escape(cw["controls"])}">']  # fmt: skip
    parts.append(_range_input("t0", own["t0"], 0.0, 1.0, 0.01, t0, f"{t0:g}"))
    parts.append(_range_input("t1", own["t1"], 0.0, 1.0, 0.01, t1, f"{t1:g}"))
    parts.append(
        f'<div class="swl-control"><span id="swl-t2-label">{html.escape(own["t2"])}</span>'
        f'<output id="swl-t2-value" aria-labelledby="swl-t2-label">{t2:g}</output></div>'
    )
    parts += temperature_and_smoothing(cw, plot.temperature, plot.label_smoothing)
    parts.append(_select("loss", own["loss"], [(k, own[k]) for k in LOSSES], plot.loss))
    parts.append(_range_input("gamma", own["gamma"], 0.0, 5.0, 0.1, plot.gamma, f"{plot.gamma:g}"))
    parts.append(
        _select("variant", own["variant"], [(v, cw[v]) for v in ("exact", "book")], plot.variant)
    )
    probe = plot.probe if plot.probe is not None else (None, None, None)
    for k, value in enumerate(probe):
        label = cw["probe_x0"].format(x0=f"x{'₀₁₂'[k]}")
        shown = "" if value is None else f' value="{value:g}"'
        parts.append(
            f'<div class="swl-control swl-number"><label for="swl-probe-x{k}">'
            f"{html.escape(label)}</label>"
            f'<input type="number" id="swl-probe-x{k}" name="probe-x{k}" step="any"{shown}></div>'
        )
    parts.append(
        '<div class="swl-control swl-buttons">'
        f'<button type="submit" id="swl-place">{html.escape(cw["place"])}</button>'
        f'<button type="button" id="swl-clear">{html.escape(cw["clear"])}</button>'
        f'<button type="button" id="swl-reset">{html.escape(cw["reset"])}</button></div>'
    )
    parts.append("</form>")
    return "".join(parts)


def _select(name: str, label: str, choices: list[tuple[str, str]], value: str) -> str:
    options = "".join(
        f'<option value="{v}"{" selected" if v == value else ""}>{html.escape(text)}</option>'
        for v, text in choices
    )
    return (
        f'<div class="swl-control"><label for="swl-{name}">{html.escape(label)}</label>'
        f'<select id="swl-{name}" name="{name}">{options}</select></div>'
    )


def simplex_config(plot: Plot, spec: dict[str, Any]) -> dict[str, Any]:
    """What the page's script needs: the state Python drew, the grid's settings, the words it
    writes as the state moves, and where the labels Python placed are."""
    w = words(plot.lang)
    own = SIMPLEX_WORDS["ja" if plot.lang == "ja" else "en"]
    notes = spec["layout"]["annotations"]
    titles = {}
    for kind, formula in (("ce", LOSS), ("book", LOSS_BOOK), ("mse", LOSS_MSE),
                          ("focal", LOSS_FOCAL)):  # fmt: skip
        titles[kind] = web_text(typeset(w["title_simplex"].format(loss=formula)))
    heads = {
        key: web_text(typeset(w["simplex_plane"].format(softmax=w[name])))
        for key, name in (("planeHead1", "softmax"), ("planeHeadT", "softmax_T"))
    }
    return {
        "div": "swl-viz-simplex",
        "t": list(plot.t),
        "temperature": plot.temperature,
        "eps": plot.label_smoothing,
        "loss": plot.loss,
        "gamma": plot.gamma,
        "variant": plot.variant,
        "probe": None if plot.probe is None else list(plot.probe),
        "descent": None if plot.descent is None else list(plot.descent),
        "lr": plot.lr,
        "steps": plot.steps,
        "range": list(plot.range),
        "zlim": None if plot.zlim is None else list(plot.zlim),
        "zscale": plot.zscale,
        "levels": LEVELS,
        "logDecades": LOG_DECADES,
        "reach": REACH,
        "arrowDivisions": ARROW_DIVISIONS,
        "height": float(CORNERS[2, 1]),
        "words": {
            # None: no title; "": the loss's own; else the title given
            "title": None if plot.no_title else "" if plot.title is None else web_text(plot.title),
            "titles": titles,
            "arrowsCe": web_text(typeset(DESCENT)),
            "arrowsCeT": web_text(typeset(DESCENT_T)),
            "arrowsAny": web_text(typeset(own["through"].format(descent=DESCENT_ANY))),
            "key": web_text(typeset(w["simplex_key"])),
            "label": web_text(typeset(w["label"])),
            "book": web_text(w["book_short"]),
            "target": web_text(typeset("$t'$")),
            **heads,
        },
        "notes": {
            "placed": [k for k, n in enumerate(notes) if n.get("name") == "placed"],
            "planeHead": next(k for k, n in enumerate(notes) if n.get("name") == "plane-head"),
        },
    }


def simplex_script() -> str:
    """The page's own script for the simplex (``simplex.js``)."""
    from importlib.resources import files

    return files("swl_viz.web").joinpath("simplex.js").read_text(encoding="utf-8")


def simplex_html(plot: Plot) -> bytes:
    """One self-contained, offline HTML page of the simplex figure (UTF-8), the same bytes on
    every call: the figure Python drew, live controls that redraw both panels from the page's
    own exact maths (``live.js``), a click that probes both panels, and the figure in words."""
    from swl_viz.simplex import describe_simplex
    from swl_viz.web.live import control_words
    from swl_viz.web.page import _CSS, _figure_json, _json, live_script, plotly_js

    spec = simplex_figure_dict(plot)
    colours = _THEMES[plot.theme]
    summary = describe_simplex(plot)
    cw = control_words(plot.lang)
    own = SIMPLEX_CONTROL_WORDS["ja" if plot.lang == "ja" else "en"]
    fonts, family = "", "sans-serif"
    if plot.lang == "ja":  # the glyphs it shows go with it, for a machine with no CJK font
        from swl_viz.simplex import SIMPLEX_WORDS
        from swl_viz.web.fonts import FAMILY, font_face
        from swl_viz.web.page import _with_family

        # every character Python hands the page: the figure, the live script's words, the text
        config_words = simplex_config(plot, spec)
        texts = [summary, *cw.values(), *own.values(), *SIMPLEX_WORDS["ja"].values()]
        texts += [str(spec), str(config_words)]
        face = font_face("".join(texts) + "0123456789.,-−+=()[]eE ∇ΣεTtyLx₀₁₂₃₄₅₆₇₈₉′≈")
        if face:
            fonts, family = face, f"'{FAMILY}', sans-serif"
            spec = _with_family(spec, FAMILY)
            spec["layout"]["font"] = {**spec["layout"].get("font", {}), "family": family}
    css = _CSS.format(background=colours["background"], text=colours["text"], family=family)
    config = simplex_config(plot, spec)
    title = html.escape(f"swl-viz simplex, t = {format_label(plot.t)}")
    body = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{plot.lang}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f'<meta name="description" content="{html.escape(summary)}">',
            f"<style>{fonts}{css}</style>",
            "</head>",
            "<body>",
            '<main class="swl-page">',
            f'<div id="{config["div"]}" class="plotly-graph-div swl-plot" role="img" '
            f'aria-label="{title}" aria-describedby="swl-viz-summary"></div>',
            simplex_controls_html(plot),
            f'<p class="swl-hint" id="swl-viz-hint">{html.escape(own["hint"])}</p>',
            "</main>",
            f'<details class="swl-about"><summary>{html.escape(cw["about"])}</summary>'
            f'<p id="swl-viz-summary">{html.escape(summary)}</p></details>',
            f"<script>{plotly_js()}</script>",
            f"<script>{live_script()}</script>",
            f"<script>{simplex_script()}</script>",
            f'<script type="application/json" id="swl-viz-simplex-figure">{_figure_json(spec)}'
            "</script>",
            f'<script type="application/json" id="swl-viz-simplex-config">{_json(config)}</script>',
            "<script>window.swlVizSimplex.start();</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return body.encode("utf-8")
