"""swl-viz: see the Softmax-with-Loss layer, its loss surface and the gradient it sends back.

The maths (:mod:`swl_viz.maths`) and the grid (:mod:`swl_viz.grid`) need numpy only; importing
this package never imports matplotlib. Its names load on first use, so ``swl-viz`` can set up
its signal handling before numpy loads.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from swl_viz.errors import SwlVizError
    from swl_viz.grid import MAX_AXIS_POINTS, LossGrid, grid_axis, loss_grid
    from swl_viz.maths import (
        SoftmaxWithLoss,
        cross_entropy,
        log_softmax,
        softmax,
        softmax_with_loss,
    )

_HOMES = {
    "SwlVizError": "swl_viz.errors",
    "MAX_AXIS_POINTS": "swl_viz.grid",
    "LossGrid": "swl_viz.grid",
    "grid_axis": "swl_viz.grid",
    "loss_grid": "swl_viz.grid",
    "SoftmaxWithLoss": "swl_viz.maths",
    "cross_entropy": "swl_viz.maths",
    "log_softmax": "swl_viz.maths",
    "softmax": "swl_viz.maths",
    "softmax_with_loss": "swl_viz.maths",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'swl_viz' has no attribute {name!r}")


__version__ = "0.1.0"


def plot(figure: str = "surface", **options: Any) -> "Figure":
    """The finished figure the command line draws, as a matplotlib Figure: no pyplot. A
    notebook shows it inline as the last line of a cell, with no ``%matplotlib`` magic, and
    ``savefig`` writes it, themes and Japanese fonts included.

    ``options`` are the command-line options with ``-`` written ``_``, as values
    (``t=(0.9, 0.1)``) or as command-line text (``t="0.9,0.1"``)::

        fig = swl_viz.plot("contour", t=(0.9, 0.1), theme="dark")
        fig.savefig("contour.png")

    It may be called from several threads at once: matplotlib's settings are global, so
    building a figure, and drawing or saving one, take one lock (``swl_viz.mpl.theme.RC_LOCK``)
    and run one at a time; each figure comes out as it does alone.
    """
    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.plotspec import plot_spec

    spec = plot_spec(figure, options)  # checked; its errors start with the keyword at fault
    with theme_context(spec.theme, spec.lang):
        return build_figure(spec)


__all__ = [
    "MAX_AXIS_POINTS",
    "LossGrid",
    "SoftmaxWithLoss",
    "SwlVizError",
    "__version__",
    "cross_entropy",
    "grid_axis",
    "log_softmax",
    "loss_grid",
    "plot",
    "softmax",
    "softmax_with_loss",
]
