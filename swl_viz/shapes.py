"""What a figure shows, as plain data: the pieces a scene is made of.

Every piece is in the coordinates of the layer's plane (x0, x1) and, on a 3-D panel, the
height z of the drawn surface (the loss on the chosen scale). Nothing here knows a pixel, a
font or a colour: a renderer (matplotlib, plotly) styles each piece by its ``role`` and places
each label in its own units. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from swl_viz.grid import LossGrid
from swl_viz.maths import FloatArray

__all__ = [
    "Arrow",
    "Curves",
    "Field",
    "Label",
    "Panel",
    "PanelKind",
    "Point",
    "Polyline",
    "Scene",
]

PanelKind = Literal["surface", "quiver", "contour"]
Coords = tuple[float, ...]


@dataclass(frozen=True)
class Polyline:
    """A line through points: the decision and minimum lines, the book's cap, a descent path.

    ``role`` names it ("decision", "decision-tie", "minimum", "cap", "path", "path-steps"); a
    renderer draws "path-steps" as markers only."""

    role: str
    x: FloatArray
    y: FloatArray
    z: FloatArray | None = None


@dataclass(frozen=True)
class Point:
    """A marked point: "lowest" (a star), "probe-point", "path-start" (dots), "path-end" (a
    cross)."""

    role: str
    at: Coords
    marker: Literal["o", "X", "*"] = "o"


@dataclass(frozen=True)
class Arrow:
    """One arrow from ``tail`` along ``vector``, in data units (the probe's -grad L)."""

    role: str
    tail: Coords
    vector: Coords


@dataclass(frozen=True)
class Label:
    """A text and where it belongs.

    ``at`` is a point of the plane (with z on a 3-D panel), or with ``space="axes"`` a place in
    the panel's own unit square. ``offset`` (points) sets the text off from ``at``; ``along``
    turns it 45 degrees with the plane's diagonal lines. ``priority`` ranks labels for a layout
    step: lower numbers are placed first and kept when room runs out.
    """

    role: str
    text: str
    at: Coords
    priority: int = 5
    space: Literal["data", "axes"] = "data"
    ha: Literal["left", "center", "right"] = "left"
    va: Literal["top", "center", "bottom", "baseline"] = "baseline"
    offset: tuple[float, float] | None = None
    along: bool = False
    size: Literal["small", "medium"] = "medium"
    #: "box": an opaque box; "halo": an outline only (it would hide the marker under it)
    backing: Literal["box", "halo"] = "box"
    mono: bool = False
    #: a thin line from the text back to ``at``
    leader: bool = False


@dataclass(frozen=True)
class Field:
    """The arrow field of -grad L at thinned grid points, already scaled to data units.

    ``u``, ``v`` (and ``w`` on a 3-D panel, the drop that keeps an arrow tangent to the drawn
    surface) are the arrows' components; ``norm`` is |grad L| at each tail.

    ``floor`` (on the plane): an arrow whose |grad L| is below it would be too short to keep
    its shaft, so it is drawn that long instead, and thin (:attr:`thin`); 0 when every arrow is
    to scale."""

    x: FloatArray
    y: FloatArray
    u: FloatArray
    v: FloatArray
    norm: FloatArray
    z: FloatArray | None = None
    w: FloatArray | None = None
    floor: float = 0.0

    @property
    def thin(self) -> NDArray[np.bool_]:
        """The arrows drawn at the floor's length, not to scale."""
        return (self.norm < self.floor) & (np.hypot(self.u, self.v) > 0)


@dataclass(frozen=True)
class Panel:
    """One panel: a 3-D surface ("surface", or "quiver" with its arrows on a faded surface) or
    a "contour" of the plane, with the marks a learner should notice."""

    kind: PanelKind
    grid: LossGrid
    #: the loss on the panel's z scale, over the grid
    z: FloatArray
    subtitle: str
    field: Field | None = None
    lines: tuple[Polyline, ...] = ()
    points: tuple[Point, ...] = ()
    arrows: tuple[Arrow, ...] = ()
    labels: tuple[Label, ...] = ()

    @property
    def three_d(self) -> bool:
        return self.kind != "contour"


@dataclass(frozen=True)
class Curves:
    """The slice figure: the loss along d = x1 - x0 above, its slope dL/dd below.

    ``lines`` and ``slopes`` are the curves of each panel (the first of each is the layer's
    own, the rest guides: asymptotes, the book's cap); ``levels`` are horizontal guide lines
    of the slope panel (its limits far out). Labels of the lower panel have roles that start
    with "slope" or "why"."""

    loss: Polyline
    slopes: tuple[Polyline, ...]
    lines: tuple[Polyline, ...]
    points: tuple[Point, ...]
    labels: tuple[Label, ...]
    levels: tuple[float, ...]
    #: the legend's names: the loss curve's formula (None: a bare name, no legend) and the
    #: slope curves', or None when one curve needs no legend
    legend: str | None
    slope_legend: tuple[str, ...] | None
    ylim: tuple[float, float]
    slope_ylim: tuple[float, float]
    #: y label, slope panel's y label, x label
    axis_labels: tuple[str, str, str]
    #: the labels of the curves go to the flatter side, where the curve leaves room
    flat_left: bool
    subtitle: str = ""


@dataclass(frozen=True)
class Scene:
    """A whole figure: its title, panels on one shared z range and colour scale, the default
    view of its 3-D panels, and a slide's key."""

    figure: str
    title: str | None
    panels: tuple[Panel, ...]
    zscale: Literal["linear", "log"]
    zrange: tuple[float, float]
    #: contour levels, from zrange[0] up to zrange[1] itself
    levels: tuple[float, ...]
    #: "neither", "min", "max" or "both": the data reach past the levels
    extend: str
    #: (elevation, azimuth) in degrees
    view: tuple[float, float]
    zlabel: str
    key: tuple[str, ...] = field(default=())
    #: the language of the words: "en" or "ja"
    lang: str = "en"
    #: the slice figure's curves (its panels list is empty)
    curves: Curves | None = None
