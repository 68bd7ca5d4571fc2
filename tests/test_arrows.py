"""Arrows that carry the lesson: 3-D arrows lie tangent to the surface that is drawn (the
book's flat plateau too), checked by central differences of the drawn loss."""

from __future__ import annotations

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
