"""How a web page looks: its colours, sizes, words and the style of each trace, by role."""

from __future__ import annotations

import html
import re
from typing import Any

from swl_viz.palette import CAP, DECISION, MINIMUM, PATH, PROBE
from swl_viz.words import plain

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
INSTALL_HINT = "pip install plotly (swl-viz's html extra)"

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
