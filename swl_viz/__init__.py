"""swl-viz: see the Softmax-with-Loss layer, its loss surface and the gradient it sends back.

The maths (:mod:`swl_viz.maths`) and the grid (:mod:`swl_viz.grid`) need numpy only; importing
this package never imports matplotlib.
"""

from swl_viz.errors import SwlVizError
from swl_viz.grid import MAX_AXIS_POINTS, LossGrid, grid_axis, loss_grid
from swl_viz.maths import (
    SoftmaxWithLoss,
    cross_entropy,
    log_softmax,
    softmax,
    softmax_with_loss,
)

__version__ = "0.1.0"

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
    "softmax",
    "softmax_with_loss",
]
