"""The figures as interactive HTML for web slides: one offline page per figure, live and exact.

:func:`render_html` turns a :class:`~swl_viz.plotspec.Plot` into one HTML page that fetches
nothing: plotly.js inlined (self-contained), or for an export's pages one shared
``plotly.min.js`` beside them. The page draws the plot's :class:`~swl_viz.shapes.Scene`
(:func:`~swl_viz.scene.build_scene`), the same scene the PNGs draw: the surfaces and contours
with their z range and levels, the arrow fields, the default view, the title and subtitles, and
every mark (the decision and minimum lines, the book's cap, the probe and the descent path) with
its labels. It adds what a picture cannot:

- **Hover.** Every shown grid point tells x_i, x_j, the loss L, y = softmax(a / T) (the two
  varied classes only above :data:`~swl_viz.marks.MAX_BOX_CLASSES` classes, so a page stays
  small at any K) and the gradient the layer sends back along the two varied logits.
- **Live and exact** (``live.js``, :mod:`swl_viz.web.live`). The page carries a small script
  that computes the layer exactly, as :mod:`swl_viz.maths` does (log-sum-exp split at the
  largest logit, log1p, no 1e-7 unless the book's variant), exposed as
  ``window.swlViz.loss(x, t, {temperature, labelSmoothing, variant, loss, gamma})`` returning
  ``{L, y, grad}`` (cross-entropy, squared error or focal loss). Native, labelled controls set
  t0 (K = 2), the temperature (0.01 to 100, log scale), label smoothing and exact/book; a click
  on the contour (or the probe's inputs) places a probe and a descent from it. When the state
  leaves the one Python drew, the script redraws the grid, the arrows, the decision and minimum
  lines, the probe and the path from its own numbers, hides the scene's labels (Python placed
  them) and writes the state beside the controls; back at Python's state, Python's figure is
  shown again. The state is in the URL fragment (``#t0=0.3&T=2&eps=0.1&variant=book&probe=1,2``),
  so a link restores a view.
- **Readable.** Type follows the window: at 1920 px wide tick labels are 28 px and the title 48
  px. The page's summary (:mod:`swl_viz.web.describe`) says in words what the figure shows, for
  screen readers. A ``lang="ja"`` page embeds the glyphs it uses (:mod:`swl_viz.web.fonts`).
- **Text is text.** Every user-given string is HTML-escaped (plotly reads a few tags), so a
  title can never become a link, a style or a line break.

**Arrows.** plotly has no 3-D quiver. A 3-D arrow is a line shaft (one Scatter3d trace, the
segments split by NaN gaps) capped with a Cone head at its tip (``sizemode="raw"``,
``anchor="tip"``, a quarter of the arrow long like the PNG's heads). A 2-D arrow is a shaft whose
tip carries plotly's ``arrow`` marker turned along the segment (``angleref="previous"``). Every
drawn arrow has a head; arrows of zero length are left out (a head needs a direction).

**Marks.** Each role of line, point and arrow is one trace. plotly's 3-D markers have no star:
the lowest point is a diamond on a 3-D panel and a star on the contour. Labels are annotations,
at their point in the data (``layout.scene.annotations`` in 3-D), or for ``space="axes"`` at
that fraction of the panel. All text is written in Unicode (:func:`~swl_viz.words.plain`).

**Colours.** The contour's fills are viridis over the page's background at the PNGs' 0.75
opacity, computed into the colour scale itself and drawn opaque, so the colour bar shows
exactly the colours of the fills.

**Size.** plotly.js alone is about 4.8 MB. A page shows at most :data:`MAX_POINTS` points per
axis (fewer under the quiver's arrows and in each panel of the pair) and a bounded number of
arrows, taken from the scene's grid and field with an even stride that keeps both ends. A page
that would still pass 6 MB is sampled more coarsely (:data:`DETAILS`); the marks are drawn whole
at every sampling. Without plotly.js a page is a few hundred KB.

**Reproducible bytes.** The div id is derived from the figure, the template is plotly's empty
one, JSON goes through the standard-library engine whatever is installed, arrays are stored as
base64 of their bytes and the font subset carries no timestamp: the same call gives the same
file.

**Options.** Every option of a figure acts as in the PNGs, the view (elev, azim) included, as
the page's starting camera. ``compare`` and ``transparent`` are refused for a page; ``size``,
``dpi``, ``frames`` and ``fps`` do not apply to it.

Nothing here imports matplotlib; plotly is imported only inside :func:`render_html`.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from swl_viz.web.look import (
        DETAILS,
        HEAD_SHARE,
        INSTALL_HINT,
        LINE_LIFT,
        MAX_POINTS,
        OUTLINED,
        number,
        web_text,
    )
    from swl_viz.web.page import (
        PLOTLY_FILE,
        _figure,
        camera_view,
        div_id,
        drawn_zrange,
        figure_dict,
        live_script,
        page_scene,
        plotly_js,
        render_html,
        require_plotly,
    )
    from swl_viz.web.traces import contour_colorscale

#: Where each name lives: the page's modules load when a name is first used, so that
#: :mod:`swl_viz.web.describe` (a PNG's words) costs no plotly-page code.
_HOMES = {
    "DETAILS": "swl_viz.web.look",
    "HEAD_SHARE": "swl_viz.web.look",
    "INSTALL_HINT": "swl_viz.web.look",
    "LINE_LIFT": "swl_viz.web.look",
    "MAX_POINTS": "swl_viz.web.look",
    "OUTLINED": "swl_viz.web.look",
    "number": "swl_viz.web.look",
    "web_text": "swl_viz.web.look",
    "PLOTLY_FILE": "swl_viz.web.page",
    "_figure": "swl_viz.web.page",
    "camera_view": "swl_viz.web.page",
    "div_id": "swl_viz.web.page",
    "drawn_zrange": "swl_viz.web.page",
    "figure_dict": "swl_viz.web.page",
    "live_script": "swl_viz.web.page",
    "page_scene": "swl_viz.web.page",
    "plotly_js": "swl_viz.web.page",
    "render_html": "swl_viz.web.page",
    "require_plotly": "swl_viz.web.page",
    "contour_colorscale": "swl_viz.web.traces",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DETAILS",
    "HEAD_SHARE",
    "INSTALL_HINT",
    "LINE_LIFT",
    "MAX_POINTS",
    "OUTLINED",
    "PLOTLY_FILE",
    "_figure",
    "camera_view",
    "contour_colorscale",
    "div_id",
    "drawn_zrange",
    "figure_dict",
    "number",
    "live_script",
    "page_scene",
    "plotly_js",
    "render_html",
    "require_plotly",
    "web_text",
]
