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
