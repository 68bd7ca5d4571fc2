"""Three classes on the probability simplex, beside the plane of the logits: the simplex
figure's data, computed once, as plain numpy.

The outputs y of a three-class softmax live on a triangle, y0 + y1 + y2 = 1. The loss
-Σ t' log y is a function on it, least at the target t' (the label after smoothing), and the
backward signal y - t' sums to zero, so -(y - t') is an arrow lying in the triangle, pointing
towards t'. Adding the same number to every logit moves nothing on the triangle, so the
logits that matter are two differences: the plane (x1 - x0, x2 - x0).

- :func:`simplex_layer`: the checked layer of a three-class label (logit 0 pinned at 0, the
  differences varied), from :class:`~swl_viz.layer.Layer`
- :func:`triangle_grid`: points y = (i, j, k) / n of the open triangle, with the layer's loss
  and its -gradient there (what ``swl-viz data --simplex`` writes)
- :func:`simplex_descent`: gradient descent on all three logits
- :func:`build_simplex`: everything the figure shows, both panels, in :class:`SimplexScene`

Every loss and gradient is the layer's own (:meth:`Layer.evaluate`); this module only moves
between the triangle, the logits and the picture's coordinates. numpy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from swl_viz.atomic import atomic_write
from swl_viz.errors import SwlVizError
from swl_viz.grid import layer_grid
from swl_viz.layer import Layer
from swl_viz.marks import Marks, format_label, num, probe_text, sig, vec, zmap
from swl_viz.maths import FloatArray, softmax
from swl_viz.plotspec import Plot
from swl_viz.probe import check_descent, probe_point
from swl_viz.shapes import Label, Point, Polyline
from swl_viz.words import (
    DESCENT,
    DESCENT_ANY,
    DESCENT_T,
    LOSS,
    LOSS_BOOK,
    LOSS_FOCAL,
    LOSS_MSE,
    loss_axis_label,
    typeset,
    words,
)

__all__ = [
    "ARROW_DIVISIONS",
    "CORNERS",
    "FILL_DIVISIONS",
    "MAX_DIVISIONS",
    "SimplexPath",
    "SimplexScene",
    "TriangleGrid",
    "build_simplex",
    "describe_simplex",
    "divisions",
    "simplex_descent",
    "simplex_layer",
    "to_plane",
    "to_xy",
    "triangle_grid",
    "write_triangle_file",
]

#: The triangle's corners in the picture: y = e0 bottom left, e1 bottom right, e2 on top.
CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3.0) / 2.0]])
#: Divisions of each side for the filled contour (about 11 000 points inside the triangle).
FILL_DIVISIONS = 150
#: Divisions of each side for the arrows (36 arrows inside the triangle).
ARROW_DIVISIONS = 9
#: Most divisions ``swl-viz data --simplex`` takes: half a million rows.
MAX_DIVISIONS = 1000
#: The longest arrow's share of the spacing between arrows.
REACH = 0.85
#: Most points per axis of the logit plane.
PLANE_POINTS = 301
#: How many contour levels.
LEVELS = 15
#: Most decades a log colour scale spans (unless --zlim says otherwise); lower is its end colour.
LOG_DECADES = 6.0


def simplex_layer(plot_or_t: Plot | Any, **layer: Any) -> Layer:
    """The layer of a three-class label: logit 0 pinned at 0, logits 1 and 2 varied, so a
    point of the layer's plane is (x1 - x0, x2 - x0). ``layer`` are Layer.make's keywords
    (label_smoothing, temperature, variant, loss, gamma)."""
    if isinstance(plot_or_t, Plot):
        p = plot_or_t
        return Layer.make(
            p.t, None, (1, 2), p.label_smoothing, p.temperature, p.variant, p.loss, p.gamma
        )
    t = np.asarray(plot_or_t, dtype=np.float64).reshape(-1)
    if t.size != 3:
        raise SwlVizError(
            f"the simplex is for three classes: give T0,T1,T2, not {t.size} numbers", param="t"
        )
    return Layer.make(t, None, (1, 2), **layer)


def to_xy(y: Any) -> FloatArray:
    """Points y (..., 3) of the simplex as points of the picture (..., 2); also takes vectors
    whose entries sum to 0 (arrows lying in the triangle), which map linearly."""
    arr = np.asarray(y, dtype=np.float64)
    out: FloatArray = arr @ CORNERS
    return out


def to_plane(logits: Any) -> FloatArray:
    """Logits (..., 3) as points (x1 - x0, x2 - x0) of the plane (..., 2)."""
    a = np.asarray(logits, dtype=np.float64)
    return np.stack([a[..., 1] - a[..., 0], a[..., 2] - a[..., 0]], axis=-1)


# ---- the triangle's grid ---------------------------------------------------------------------


def divisions(step: float) -> int:
    """n with step = 1 / n: the grid (i, j, k) / n must meet every side's end exactly."""
    if not (math.isfinite(step) and step > 0):
        raise SwlVizError(f"must be a positive number, got {step:g}", param="step")
    n = round(1.0 / step)
    if n < 3 or abs(n * step - 1.0) > 1e-9:
        raise SwlVizError(
            f"on the simplex must be 1/n for a whole n >= 3 (0.05, 0.1, 0.125), got {step:g}",
            param="step",
        )
    if n > MAX_DIVISIONS:
        raise SwlVizError(
            f"of {step:g} gives {n} divisions; the simplex takes at most {MAX_DIVISIONS}",
            param="step",
        )
    return n


@dataclass(frozen=True)
class TriangleGrid:
    """Points y = (i, j, k) / n of the open triangle (i, j, k >= 1, i + j + k = n), one row each,
    with the layer's loss and its -gradient there (the arrows; they sum to 0): -(y - t') / T
    for the cross-entropy, -J^T dL/dy through the softmax's Jacobian J for mse and focal."""

    n: int
    y: FloatArray  # (N, 3)
    loss: FloatArray  # (N,)
    arrow: FloatArray  # (N, 3)
    layer: Layer

    def columns(self) -> dict[str, FloatArray]:
        """y0, y1, y2, loss, arrow0, arrow1, arrow2, in that order."""
        cols = {f"y{k}": self.y[:, k] for k in range(3)}
        cols["loss"] = self.loss
        cols.update({f"arrow{k}": self.arrow[:, k] for k in range(3)})
        return cols


def _lattice(n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(i, j, k) / n inside the triangle, each a correctly rounded quotient of whole numbers."""
    i, j = np.meshgrid(np.arange(1, n - 1), np.arange(1, n - 1), indexing="ij")
    keep = i + j <= n - 1
    i, j = i[keep], j[keep]
    k = n - i - j  # whole numbers: exact
    return i / n, j / n, k / n


def triangle_grid(layer: Layer, n: int) -> TriangleGrid:
    """The layer over the points (i, j, k) / n inside the triangle. Each y_k is the double
    nearest i / n, so the three sum to 1 within 3 units of the last place (never more than
    3.4e-16 off). The loss and gradient are the layer's at the logits x = T log y."""
    if layer.k != 3:
        raise SwlVizError(f"the simplex is for three classes, not {layer.k}", param="t")
    y0, y1, y2 = _lattice(n)
    y = np.stack([y0, y1, y2], axis=-1)
    loss, grad = _at(layer, y)
    return TriangleGrid(n=n, y=y, loss=loss, arrow=-grad, layer=layer)


def arrow_meaning(layer: Layer) -> str:
    """What the arrows of ``layer`` are, in words (the data's meta says it)."""
    if layer.loss == "ce":
        return "-(y - t') / T, the layer's -gradient"
    return (
        "-J^T dL/dy, the layer's -gradient through the softmax's Jacobian "
        "J = (diag(y) - y y^T) / T (not -(y - t') for this loss)"
    )


def _at(layer: Layer, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The layer's loss and gradient where softmax(x / T) = y: at x = T (log y - log y0)."""
    logs = np.log(y)
    T = layer.temperature
    _, loss, grad = layer.evaluate(
        T * (logs[..., 1] - logs[..., 0]), T * (logs[..., 2] - logs[..., 0]), "t"
    )
    return loss, grad


def write_triangle_file(path: Path, layer: Layer, step: float) -> Path:
    """The triangle's grid as CSV, NPZ or JSON (the suffix says which), written atomically, every
    double in its shortest text that reads back the same."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "npz", "json"):
        raise SwlVizError(
            f"unknown suffix {path.suffix or '(none)'!r}; use .csv, .npz or .json", param="out"
        )
    grid = triangle_grid(layer, divisions(step))
    cols = grid.columns()
    meta = {
        "t": list(layer.t),
        "target": [float(v) for v in layer.target],
        "label_smoothing": layer.label_smoothing,
        "temperature": layer.temperature,
        "variant": layer.variant,
        "divisions": grid.n,
        "loss": layer.loss,
        "gamma": layer.gamma,
        "arrow": arrow_meaning(layer),
    }
    with atomic_write(path) as fh:
        if fmt == "npz":
            np.savez(fh, **cols, meta=np.array(json.dumps(meta)))  # type: ignore[arg-type]
        elif fmt == "json":
            doc = {"meta": meta, "columns": {k: v.tolist() for k, v in cols.items()}}
            fh.write(json.dumps(doc).encode())
        else:
            texts = [map(repr, c.tolist()) for c in cols.values()]
            fh.write((",".join(cols) + "\n").encode())
            fh.write("".join(",".join(row) + "\n" for row in zip(*texts, strict=True)).encode())
    return path


# ---- a descent on the three logits ------------------------------------------------------------


@dataclass(frozen=True)
class SimplexPath:
    """x_{k+1} = x_k - lr * grad L(x_k) on all three logits: ``steps + 1`` rows, the start
    first. Its mean logit never moves (the gradient sums to 0)."""

    logits: FloatArray  # (steps + 1, 3)
    loss: FloatArray
    y: FloatArray  # softmax(x / T), on the triangle
    lr: float

    @property
    def plane(self) -> FloatArray:
        return to_plane(self.logits)


def simplex_descent(layer: Layer, start: Any, *, lr: float = 1.0, steps: int = 50) -> SimplexPath:
    """Gradient descent from the logits ``start``; each step's loss and gradient are the layer's
    (softmax cannot see the mean logit, so the layer is asked at x - x0)."""
    lr, steps = check_descent(lr, steps)
    x = np.array(start, dtype=np.float64).reshape(-1)
    if x.size != 3 or not np.isfinite(x).all():
        raise SwlVizError("needs three finite logits X0,X1,X2", param="descent")
    rows = np.empty((steps + 1, 3))
    loss = np.empty(steps + 1)
    for k in range(steps + 1):
        if not np.isfinite(x / layer.temperature).all():
            raise SwlVizError(
                f"the path left the finite numbers at step {k}; take a smaller lr", param="descent"
            )
        _, value, grad = layer.evaluate(x[1] - x[0], x[2] - x[0], "descent")
        rows[k], loss[k] = x, float(value)
        x = x - lr * grad
    y = softmax(rows / layer.temperature)
    return SimplexPath(logits=rows, loss=loss, y=y, lr=lr)


# ---- the figure's data --------------------------------------------------------------------------


@dataclass(frozen=True)
class SimplexScene:
    """What the simplex figure shows: the triangle (points in the picture's coordinates, see
    :data:`CORNERS`), the plane (x1 - x0, x2 - x0), one colour scale for both, their marks and
    their words. z values are on the colour scale (log10 L for ``zscale="log"``)."""

    title: str | None
    lang: str
    zscale: str
    zlabel: str
    levels: tuple[float, ...]
    extend: str
    # the triangle
    tri_xy: FloatArray  # (N, 2)
    tri_z: FloatArray  # (N,)
    arrow_xy: FloatArray  # (M, 2) tails
    arrow_uv: FloatArray  # (M, 2) scaled -(y - t') / T, in the picture
    corner_names: tuple[str, str, str]
    tri_subtitle: str
    tri_marks: Marks
    # the plane
    plane_u: FloatArray  # (P,)
    plane_v: FloatArray  # (Q,)
    plane_z: FloatArray  # (Q, P)
    plane_probs: FloatArray  # (Q, P, 3): y = softmax(x / T) there
    plane_labels: tuple[str, str]
    plane_subtitle: str
    plane_marks: Marks
    note: str | None  # the direction (1, 1, 1)
    key: str  # what the arrows are, and the layer's options
    # the triangle on a square grid of the picture, NaN outside it (for renderers that
    # contour rectangular grids only): columns x, rows y, the values z and the y there
    square_x: FloatArray  # (P,)
    square_y: FloatArray  # (Q,)
    square_z: FloatArray  # (Q, P)
    square_probs: FloatArray  # (Q, P, 3)
    probe_box: str | None
    probe_at: tuple[float, float] | None  # the probe on the plane
    path: SimplexPath | None


#: The simplex's own words for squared error and the focal loss, whose backward signal is not
#: y - t': what the arrows are, and the least loss (at y = t' for mse only).
SIMPLEX_WORDS = {
    "en": {
        "through": "{descent}: $\\partial L/\\partial y$ through the softmax's Jacobian "
        "(not $t' - y$)",
        "least_mse": "least $L$ = 0",
    },
    "ja": {
        "through": "{descent}: softmax のヤコビアンを通した $\\partial L/\\partial y$ "
        "($t' - y$ ではない)",
        "least_mse": "最小 $L$ = 0",
    },
}


def loss_formula(plot: Plot) -> str:
    """The formula of the loss the figure shows, as mathtext."""
    if plot.loss == "mse":
        return LOSS_MSE
    if plot.loss == "focal":
        return LOSS_FOCAL
    return LOSS_BOOK if plot.variant == "book" else LOSS


def arrows_formula(plot: Plot) -> str:
    """What the arrows are, as mathtext: t' - y (over T) for the cross-entropy; -grad L, the
    slope dL/dy through the softmax's Jacobian, for the other losses."""
    if plot.loss == "ce":
        return DESCENT if plot.temperature == 1.0 else DESCENT_T
    own = SIMPLEX_WORDS["ja" if plot.lang == "ja" else "en"]
    return own["through"].format(descent=DESCENT_ANY)


def _title(plot: Plot, w: dict[str, str]) -> str | None:
    if plot.no_title:
        return None
    if plot.title is not None:
        return plot.title
    return w["title_simplex"].format(loss=loss_formula(plot))


def _levels(lo: float, hi: float) -> tuple[float, ...]:
    if not hi > lo:
        hi = lo + 1.0
    return tuple(float(v) for v in np.linspace(lo, hi, LEVELS + 1))


def build_simplex(plot: Plot) -> SimplexScene:
    """The simplex figure of ``plot`` (figure "simplex", a three-class label), as data."""
    w = words(plot.lang)
    layer = simplex_layer(plot)
    target = np.array(layer.target)
    T = layer.temperature
    z_of = zmap(plot.zscale)

    fill = triangle_grid(layer, FILL_DIVISIONS)
    lo, hi = plot.range
    plane = layer_grid(layer, lo, hi, (hi - lo) / (PLANE_POINTS - 1))
    # one colour scale: the triangle's losses set it (near a corner the loss runs to infinity,
    # and the plane's far corners with it); the plane takes it on, its higher losses in the top
    # colour
    tri_z = z_of(fill.loss)
    plane_z = z_of(plane.loss)
    if plot.zlim is not None:
        zlo, zhi = (float(v) for v in z_of(np.array(plot.zlim)))
    else:
        zlo = float(min(tri_z.min(), plane_z.min()))
        zhi = float(tri_z.max())
        if plot.zscale == "log":  # squared error's exact 0 at y = t' would reach 1e-300
            zlo = max(zlo, zhi - LOG_DECADES)
    levels = _levels(zlo, zhi)
    low = min(float(tri_z.min()), float(plane_z.min())) < levels[0]
    high = max(float(tri_z.max()), float(plane_z.max())) > levels[-1]
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}.get(
        (low, high), "both"
    )

    arrows = triangle_grid(layer, ARROW_DIVISIONS)
    arrow_uv = to_xy(arrows.arrow)
    longest = float(np.hypot(arrow_uv[:, 0], arrow_uv[:, 1]).max())
    spacing = 1.0 / ARROW_DIVISIONS
    arrow_uv = arrow_uv * (REACH * spacing / longest if longest > 0 else 0.0)

    tri, flat = Marks(), Marks()
    # where two classes tie: a median of the triangle, a line through 0 on the plane
    if plot.annotate:
        for i, j in ((0, 1), (0, 2), (1, 2)):
            k = 3 - i - j
            ends = np.zeros((2, 3))
            ends[0, [i, j]] = 0.5
            ends[1, k] = 1.0
            xy = to_xy(ends)
            tri.lines.append(Polyline("decision-tie", xy[:, 0], xy[:, 1]))
            span = np.array([lo, hi])
            if (i, j) == (0, 1):
                flat.lines.append(Polyline("decision-tie", np.zeros(2), span))
            elif (i, j) == (0, 2):
                flat.lines.append(Polyline("decision-tie", span, np.zeros(2)))
            else:
                flat.lines.append(Polyline("decision-tie", span, span))
    # the target: the least loss, H(t'), where y = t'
    t_xy = to_xy(target)
    inside = bool((target > 0).all())
    t_text = w["simplex_target"].format(t=_vec3(target))
    if inside and plot.annotate and layer.loss == "ce":  # at y = t': the entropy H(t')
        best = T * np.log(target[1:] / target[0])
        _, floor, _ = layer.evaluate(float(best[0]), float(best[1]), "t")
        t_text += "\n" + w["simplex_least"].format(value=sig(float(floor)))
    elif inside and plot.annotate and layer.loss == "mse":  # y = t' exactly: L = 0
        t_text += "\n" + SIMPLEX_WORDS["ja" if plot.lang == "ja" else "en"]["least_mse"]
    # (the focal loss is not least at t' for a soft label: the star marks t' only)
    tri.points.append(Point("lowest", (float(t_xy[0]), float(t_xy[1])), "*"))
    tri.labels.append(Label("lowest-label", t_text, (float(t_xy[0]), float(t_xy[1])), 2,
                            offset=(12, 12)))  # fmt: skip
    if inside:
        uv = T * np.log(target[1:] / target[0])
        if lo <= uv[0] <= hi and lo <= uv[1] <= hi:
            flat.points.append(Point("lowest", (float(uv[0]), float(uv[1])), "*"))
            flat.labels.append(Label("lowest-label", w["simplex_target_short"],
                                     (float(uv[0]), float(uv[1])), 2, offset=(12, 12)))  # fmt: skip

    probe_box, probe_at = None, None
    if plot.probe is not None:
        a = np.array(plot.probe, dtype=np.float64)
        uv = to_plane(a)
        found = probe_point(float(uv[0]), float(uv[1]), layer)
        box = probe_text(replace(found, a=a), factors=True)  # dL/dy beside what it makes
        if layer.label_smoothing:  # the figure calls the smoothed label t' throughout
            box = box.replace("$t$ (smoothed)", "$t'$").replace("$y - t$", "$y - t'$")
            box = box.replace("$(y - t)/T$", "$(y - t')/T$")
        box = _typeset(box)
        y_xy = to_xy(found.y)
        tri.points.append(Point("probe-point", (float(y_xy[0]), float(y_xy[1]))))
        flat.points.append(Point("probe-point", (float(uv[0]), float(uv[1]))))
        probe_box, probe_at = box, (float(uv[0]), float(uv[1]))
    path = None
    if plot.descent is not None:
        path = simplex_descent(layer, plot.descent, lr=plot.lr, steps=plot.steps)
        for marks, pts in ((tri, to_xy(path.y)), (flat, path.plane)):
            marks.lines.append(Polyline("path", pts[:, 0], pts[:, 1]))
            marks.lines.append(Polyline("path-steps", pts[:, 0], pts[:, 1]))
            marks.points.append(Point("path-start", (float(pts[0, 0]), float(pts[0, 1])), "o"))
            marks.points.append(Point("path-end", (float(pts[-1, 0]), float(pts[-1, 1])), "X"))
        start, end = path.plane[0], path.plane[-1]
        flat.labels.append(Label("path-start-label", w["start"], (float(start[0]),
                                 float(start[1])), 3, offset=(8, 8)))  # fmt: skip
        flat.labels.append(Label("path-end-label", w["end"].format(n=plot.steps),
                                 (float(end[0]), float(end[1])), 3, offset=(8, 8)))  # fmt: skip

    descent = arrows_formula(plot)
    parts = [f"{w['label']} = {format_label(layer.t)}"]
    if layer.label_smoothing:
        parts.append(f"ε = {layer.label_smoothing:g}")
    if T != 1.0:
        parts.append(f"T = {T:g}")
    if plot.variant == "book":
        parts.append(w["book_short"])
    if layer.loss == "focal":
        parts.append(f"γ = {layer.gamma:g}")
    key = w["simplex_key"].format(descent=descent, options=",  ".join(parts))
    sx, sy, sz, sp = _square(layer, z_of)
    for marks in (tri, flat):  # formulas in Unicode, variables in italic: no TeX at draw time
        marks.labels = [replace(label, text=_typeset(label.text)) for label in marks.labels]
    title = _title(plot, w)
    return SimplexScene(
        title=title if plot.title is not None or title is None else _typeset(title),
        lang=plot.lang,
        zscale=plot.zscale,
        zlabel=_typeset(loss_axis_label(w, plot.loss, plot.zscale)),
        levels=levels,
        extend=extend,
        tri_xy=to_xy(fill.y),
        tri_z=tri_z,
        arrow_xy=to_xy(arrows.y),
        arrow_uv=arrow_uv,
        corner_names=tuple(w["simplex_corner"].format(k=k) for k in range(3)),  # type: ignore[arg-type]
        tri_subtitle=_typeset(w["simplex_triangle"]),
        tri_marks=tri,
        plane_u=plane.x0[0],
        plane_v=plane.x1[:, 0],
        plane_z=plane_z,
        plane_probs=softmax(layer.place(plane.x0, plane.x1) / T),
        plane_labels=(_typeset("$x_1 - x_0$"), _typeset("$x_2 - x_0$")),
        plane_subtitle=_typeset(
            w["simplex_plane"].format(softmax=w["softmax" if T == 1 else "softmax_T"])
        ),
        plane_marks=flat,
        note=w["simplex_invisible"] if plot.annotate else None,
        key=_typeset(key),
        square_x=sx,
        square_y=sy,
        square_z=sz,
        square_probs=sp,
        probe_box=probe_box,
        probe_at=probe_at,
        path=path,
    )


#: Columns of the square grid over the triangle.
SQUARE_POINTS = 121


def _square(layer: Layer, z_of: Any) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The layer over a square grid of the picture: inside the triangle its loss (on the colour
    scale) and y, outside NaN."""
    height = float(CORNERS[2, 1])
    x = np.linspace(0.0, 1.0, SQUARE_POINTS)
    y = np.linspace(0.0, height, int(round(SQUARE_POINTS * height)))
    px, py = np.meshgrid(x, y)
    y2 = py / height
    y1 = px - y2 / 2
    probs = np.stack([1.0 - y1 - y2, y1, y2], axis=-1)
    inside = (probs > 1e-9).all(axis=-1)
    z = np.full(px.shape, np.nan)
    loss, _ = _at(layer, probs[inside])
    z[inside] = z_of(loss)
    probs[~inside] = np.nan
    return x, y, z, probs


def _typeset(text: str) -> str:
    return typeset(text) if "$" in text else text


def _vec3(values: FloatArray) -> str:
    return "(" + ", ".join(num(float(v)) for v in values) + ")"


# ---- the figure in words ------------------------------------------------------------------------

#: The simplex's description, by language; {placeholders} take numbers written by :func:`_g`.
_SAY = {
    "en": {
        "what": "Two panels on one colour scale: the loss L of the Softmax-with-Loss layer "
        "({loss}) over the triangle of three-class outputs y (y0 + y1 + y2 = 1), beside the "
        "same loss over the plane of the logits (x1 − x0, x2 − x0) from {lo} to {hi}; the "
        "teacher label is t = {t}",
        "with": ", with ",
        "and": ", ",
        "end": ".",
        "ce": "cross-entropy −Σ t log y",
        "book": "the book's cross-entropy −Σ t log(y + 10⁻⁷)",
        "mse": "squared error Σ (y − t)²/2",
        "focal": "focal loss −Σ t (1 − y)^γ log y, γ = {gamma}",
        "smoothing": "label smoothing ε = {v}, so the target is t′ = {target}",
        "temperature": "temperature T = {v}, y = softmax(x/T)",
        "range": "Over the triangle L ranges from {lo} to {hi} nats; over the plane's square "
        "from {plo} to {phi}.",
        "least_ce": "L is least, {L} nats (the entropy of t′), at y = t′ = {target}",
        "least_mse": "L is least, 0, at y = t′ = {target}",
        "least_plane": "; on the plane that is the point ({u}, {v}), and the whole line through "
        "it along (1, 1, 1) in the three logits",
        "least_grid": "The focal loss of this label is not least at t′ = {target}: the lowest "
        "point of the triangle's grid is y ≈ {y}, L ≈ {L}",
        "corner": "t′ = {target} is a corner of the triangle: L has no minimum inside it and "
        "falls as y nears that corner",
        "arrows_ce": "Arrows on the triangle show −∇L = (t′ − y)/T: each points straight at t′.",
        "arrows_any": "Arrows on the triangle show −∇L, the slope ∂L/∂y carried through the "
        "softmax's Jacobian (not t′ − y): they need not point straight at t′.",
        "invisible": "Adding the same number to all three logits changes no y: softmax cannot "
        "see the direction (1, 1, 1), so the plane shows only differences of logits.",
        "probe": "Probe at x = {a}: y = {y}, t′ = {target}, ∇L = {g}, L = {L}; it is marked on "
        "both panels.",
        "descent": "Gradient descent from x = {a} with learning rate {lr}: after {n} steps y = "
        "{y}, L = {L1} (it started at {L0}); the path is drawn on both panels.",
    },
    "ja": {
        "what": "同じ色目盛の2枚の図: Softmax-with-Lossレイヤ ({loss}) の損失 L を、"
        "3クラスの出力 y (y0 + y1 + y2 = 1) の三角形の上と、ロジットの平面 "
        "(x1 − x0, x2 − x0、{lo} から {hi}) の上に描く。教師ラベル t = {t}",
        "with": "、",
        "and": "、",
        "end": "。",
        "ce": "交差エントロピー −Σ t log y",
        "book": "本の実装の交差エントロピー −Σ t log(y + 10⁻⁷)",
        "mse": "2乗和誤差 Σ (y − t)²/2",
        "focal": "focal損失 −Σ t (1 − y)^γ log y、γ = {gamma}",
        "smoothing": "ラベル平滑化 ε = {v} (目標は t′ = {target})",
        "temperature": "温度 T = {v}、y = softmax(x/T)",
        "range": "三角形の上で L は {lo} から {hi} nats、平面の範囲では {plo} から {phi}。",
        "least_ce": "L が最も低いのは y = t′ = {target} で {L} nats (t′ のエントロピー)",
        "least_mse": "L が最も低いのは y = t′ = {target} で 0",
        "least_plane": "。平面ではその点 ({u}, {v}) と、3つのロジットで (1, 1, 1) の向きに"
        "通る直線全体",
        "least_grid": "このラベルの focal損失は t′ = {target} で最小にならない: 三角形の格子で最も"
        "低いのは y ≈ {y}、L ≈ {L}",
        "corner": "t′ = {target} は三角形の頂点: 内部に L の最小はなく、y がその頂点に"
        "近づくほど下がる",
        "arrows_ce": "三角形の矢印は −∇L = (t′ − y)/T で、どれも t′ をまっすぐ指す。",
        "arrows_any": "三角形の矢印は −∇L、softmax のヤコビアンを通した傾き ∂L/∂y (t′ − y では"
        "ない) で、t′ をまっすぐ指すとは限らない。",
        "invisible": "3つのロジットに同じ数を足しても y は変わらない: softmax には (1, 1, 1) の向き"
        "が見えないので、平面はロジットの差だけを示す。",
        "probe": "プローブ x = {a}: y = {y}、t′ = {target}、∇L = {g}、L = {L}。"
        "両方の図に印がある。",
        "descent": "x = {a} から学習率 {lr} で勾配降下: {n} ステップ後に y = {y}、L = {L1} "
        "(はじめは {L0})。経路は両方の図に描かれている。",
    },
}


def _v(values: Any) -> str:
    return vec(np.asarray(values, dtype=float).ravel())


def describe_simplex(plot: Plot) -> str:
    """The simplex figure in words, for a reader who cannot see it: the layer and its options,
    the loss's range on both panels, where it is least, what the arrows are, the direction
    softmax cannot see, and the probe's and the descent's numbers. A PNG carries it, and
    ``--alt-text`` prints it. numpy only."""
    lang = "ja" if plot.lang == "ja" else "en"
    say = _SAY[lang]
    layer = simplex_layer(plot)
    target = np.array(layer.target)
    T = layer.temperature
    parts: list[str] = []
    title = _title(plot, words(plot.lang))
    if title:
        from swl_viz.words import plain

        parts.append(plain(title) + say["end"])
    kind = "book" if layer.variant == "book" else layer.loss
    lo, hi = plot.range
    sentence = say["what"].format(
        loss=say[kind].format(gamma=f"{layer.gamma:g}"), lo=num(lo), hi=num(hi),
        t=_v(layer.t),
    )  # fmt: skip
    options = []
    if layer.label_smoothing:
        options.append(say["smoothing"].format(v=f"{layer.label_smoothing:g}", target=_v(target)))
    if T != 1.0:
        options.append(say["temperature"].format(v=f"{T:g}"))
    if options:
        sentence += say["with"] + say["and"].join(options)
    parts.append(sentence + say["end"])
    fill = triangle_grid(layer, FILL_DIVISIONS)
    plane = layer_grid(layer, lo, hi, (hi - lo) / (PLANE_POINTS - 1))
    parts.append(
        say["range"].format(lo=num(float(fill.loss.min())), hi=num(float(fill.loss.max())),
                            plo=num(float(plane.loss.min())), phi=num(float(plane.loss.max())))
    )  # fmt: skip
    inside = bool((target > 0).all())
    if not inside:
        least = say["corner"].format(target=_v(target))
    elif layer.loss == "focal":
        k = int(np.argmin(fill.loss))
        least = say["least_grid"].format(
            target=_v(target), y=_v(fill.y[k]), L=num(float(fill.loss[k]))
        )
    else:
        uv = T * np.log(target[1:] / target[0])
        if layer.loss == "ce":
            _, floor, _ = layer.evaluate(float(uv[0]), float(uv[1]), "t")
            least = say["least_ce"].format(L=num(float(floor)), target=_v(target))
        else:
            least = say["least_mse"].format(target=_v(target))
        least += say["least_plane"].format(u=num(float(uv[0])), v=num(float(uv[1])))
    parts.append(least + say["end"])
    parts.append(say["arrows_ce" if layer.loss == "ce" else "arrows_any"])
    parts.append(say["invisible"])
    if plot.probe is not None:
        a = np.array(plot.probe, dtype=np.float64)
        uv = to_plane(a)
        found = probe_point(float(uv[0]), float(uv[1]), layer)
        parts.append(
            say["probe"].format(a=_v(a), y=_v(found.y), target=_v(target), g=_v(found.grad),
                                L=num(found.loss))
        )  # fmt: skip
    if plot.descent is not None:
        path = simplex_descent(layer, plot.descent, lr=plot.lr, steps=plot.steps)
        parts.append(
            say["descent"].format(a=_v(path.logits[0]), lr=f"{plot.lr:g}", n=plot.steps,
                                  y=_v(path.y[-1]), L1=num(float(path.loss[-1])),
                                  L0=num(float(path.loss[0])))
        )  # fmt: skip
    return ("" if lang == "ja" else " ").join(parts)
