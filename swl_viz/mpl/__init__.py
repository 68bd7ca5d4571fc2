"""The matplotlib renderer: it draws a :class:`~swl_viz.shapes.Scene` and computes nothing the
scene already says.

- :mod:`~swl_viz.mpl.theme`: themes, sizes from the canvas, fonts
- :mod:`~swl_viz.mpl.plotters`: the wireframe, the 3-D arrows, the contour (each takes an ``ax``)
- :mod:`~swl_viz.mpl.marks`: the scene's lines, points, arrows and labels
- :mod:`~swl_viz.mpl.slice`: the loss along d = x1 - x0
- :mod:`~swl_viz.mpl.layout`: a whole Figure, laid out in pixels
"""

from swl_viz.mpl.layout import build_figure
from swl_viz.mpl.theme import THEMES, canvas_rc, theme_context

__all__ = ["THEMES", "build_figure", "canvas_rc", "theme_context"]
