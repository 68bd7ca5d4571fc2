"""Arrows that carry the lesson: 3-D arrows lie tangent to the surface that is drawn (the
book's flat plateau too), checked by central differences of the drawn loss."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from swl_viz.grid import layer_grid
from swl_viz.layer import Layer
from swl_viz.probe import loss_at
from swl_viz.scene import descent_field


@pytest.mark.parametrize(
    "layer",
    [
        Layer.make((1.0, 0.0)),
        Layer.make((1.0, 0.0), variant="book"),
        Layer.make((0.7, 0.3), variant="book", temperature=2.0),
        Layer.make((0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2), variant="book"),
    ],
    ids=["exact", "book", "book-soft-tempered", "book-k3"],
)
def test_3d_arrows_are_tangent_to_the_drawn_surface(layer: Layer) -> None:
    grid = layer_grid(layer, -20.0, 20.0, 2.0)
    field = descent_field(grid, 11, False, "linear")
    assert field.w is not None
    h = 1e-6
    x, y, u, v = (np.ravel(a) for a in (field.x, field.y, field.u, field.v))
    up = loss_at(x + h * u, y + h * v, layer)[0]
    down = loss_at(x - h * u, y - h * v, layer)[0]
    rise = (up - down) / (2 * h)  # the drawn loss's change along the arrow, per unit of it
    np.testing.assert_allclose(np.ravel(field.w), rise, atol=1e-6 * float(np.abs(rise).max()))
    if layer.variant == "book" and max(layer.t) == 1.0:  # backward sends y - t on the flat
        flat = np.abs(rise) < 1e-9
        assert flat.any() and (np.hypot(u, v)[flat] > 0).all()


@pytest.mark.parametrize("loss", ["ce", "mse"])
def test_the_3d_probe_arrows_head_is_in_the_boxs_proportions(loss: str) -> None:
    """The probe's 3-D arrow stays a small arrow on the surface whatever the loss axis spans:
    under squared error (L from 0 to 1 under logits of -20 to 20) mplot3d's quiver stood one
    wing of its head half the box tall."""
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.plotspec import Plot

    plot = Plot("surface", loss=loss, probe=(-6.0, 4.0))  # type: ignore[arg-type]
    with theme_context(plot):
        fig = build_figure(plot)
    ax: Any = fig.axes[0]
    (arrow,) = [c for c in ax.collections if c.get_gid() == "probe-arrow"]
    assert isinstance(arrow, Line3DCollection)
    shaft, *wings = (np.asarray(s, dtype=float) for s in arrow._segments3d)
    spans = np.array([np.ptp(ax.get_xlim()), np.ptp(ax.get_ylim()), np.ptp(ax.get_zlim())])
    tip = shaft[1]
    length = np.linalg.norm((shaft[1] - shaft[0]) / spans)
    assert len(wings) == 2
    for wing in wings:
        np.testing.assert_array_equal(wing[0], tip)
        reach = np.linalg.norm((wing[1] - tip) / spans)  # in the box's proportions
        assert reach == pytest.approx(0.25 * length / np.cos(np.radians(20.0)), rel=1e-9)
        # and it points back along the shaft, not up the loss axis
        back = np.dot((wing[1] - tip) / spans, (shaft[0] - shaft[1]) / spans) / reach / length
        assert back == pytest.approx(np.cos(np.radians(20.0)), rel=1e-9)
