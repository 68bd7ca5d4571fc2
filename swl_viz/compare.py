"""The losses' comparison as data: why softmax goes with cross-entropy.

For one label, the cross-entropy beside squared error (and the focal loss with
``with_focal``), each on the same softmax and on shared scales:

- along the gap g = x_t - x_o between the true class t and the other varied class o: the loss,
  and its gradient split by the chain rule into |dL/dy|, the softmax Jacobian's share
  |grad L| / |dL/dy|, and their product |grad L|. For the cross-entropy the first grows as
  1 / y_t while the share shrinks as y_t: they cancel, and |grad L| stays near sqrt(2). For
  squared error |dL/dy| stays below sqrt(2), so the product vanishes with y_t;
- over the plane: |grad L| on the varied pair, with where it falls below :data:`STALL`;
- the same descent (same start, same learning rate) under each loss, and the steps each takes
  until y_t >= :data:`LEVEL`, counted on the very path ``swl-viz data --descent`` writes.

numpy only; :mod:`swl_viz.mpl.compare` draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from swl_viz.grid import layer_grid
from swl_viz.layer import Layer
from swl_viz.marks import num
from swl_viz.maths import FloatArray, Loss, softmax
from swl_viz.options import RACE_GAP, RACE_STEPS
from swl_viz.plotspec import Plot
from swl_viz.probe import DescentPath, descent_path
from swl_viz.words import typeset

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_STEPS",
    "LEVEL",
    "RATIO_GAP",
    "STALL",
    "Column",
    "Comparison",
    "compare_losses",
    "key_lines",
    "loss_name",
    "plane_title",
    "steps_to_level",
]

#: |grad L| below this is where learning stalls, marked on the plane.
STALL = 1e-2
#: The descent counts its steps until the true class's probability reaches this.
LEVEL = 0.9
#: The gap x_t - x_o at which the gradients' ratio is printed: confidently wrong.
RATIO_GAP = -5.0
#: Without --descent, the descent starts this far behind (x_t - x_o) ...
DEFAULT_GAP = RACE_GAP
#: ... and runs this many steps unless --steps is given (with --lr, as --descent's would).
DEFAULT_STEPS = RACE_STEPS
#: Points per axis of the plane and along the gap.
PLANE_POINTS = 201
GAP_POINTS = 401
#: The smallest |grad L| the shared log colour scale shows; below it the colour is the lowest.
FLOOR = 1e-8


@dataclass(frozen=True)
class Column:
    """One loss: its curves along the gap, its plane and its descent."""

    kind: Loss
    layer: Layer
    gap: FloatArray  # g = x_t - x_o
    loss: FloatArray  # L along g
    dl_dy: FloatArray  # |dL/dy| along g (all K); inf where y_t underflows under a log
    share: FloatArray  # |grad L| / |dL/dy|: the softmax Jacobian's share
    grad: FloatArray  # |grad L| (all K) along g
    x0: FloatArray  # the plane's axis values
    x1: FloatArray
    norm: FloatArray  # |grad L| on the varied pair, rows along x1, columns along x0
    path: DescentPath
    steps_to: int | None  # first step k with y_t >= LEVEL, None when the path never gets there
    grad_at_ratio_gap: float  # |grad L| at RATIO_GAP


@dataclass(frozen=True)
class Comparison:
    """Every loss of the comparison, and what they share."""

    columns: tuple[Column, ...]
    true_class: int  # t: the varied class the label weighs most
    other_class: int  # o: the other varied class
    start: tuple[float, float]
    lr: float
    steps: int
    stall: float
    level: float
    ratio_gap: float
    ratio: float  # |grad L| of the cross-entropy over that of squared error at ratio_gap
    norm_range: tuple[float, float]  # the shared colour scale of |grad L|
    loss_range: tuple[float, float]
    factor_range: tuple[float, float]


def _at_gap(layer: Layer, true_first: bool, gap: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(x0, x1) on the plane for gaps x_t - x_o, centred: x_t = g / 2, x_o = -g / 2."""
    half = np.asarray(gap, dtype=np.float64) / 2.0
    return (half, -half) if true_first else (-half, half)


def steps_to_level(
    path: DescentPath, layer: Layer, true_class: int, level: float = LEVEL
) -> int | None:
    """The first step k of ``path`` at which softmax(a / T)[true_class] >= ``level``."""
    a = layer.place(path.x0, path.x1)
    y = softmax(a / layer.temperature)[:, true_class]
    hits = np.flatnonzero(y >= level)
    return int(hits[0]) if hits.size else None


def _layer(plot: Plot, kind: Loss) -> Layer:
    return Layer.make(
        plot.t,
        plot.logits,
        plot.axes,
        plot.label_smoothing,
        plot.temperature,
        "exact",
        kind,
        plot.gamma if kind == "focal" else 2.0,
    )


def compare_losses(plot: Plot) -> Comparison:
    """The comparison ``plot`` (figure "losses") shows."""
    kinds: list[Loss] = ["ce", "mse"]
    if plot.with_focal:
        kinds.append("focal")
    base = _layer(plot, "ce")
    i, j = base.axes
    target = base.target
    true_first = bool(target[i] >= target[j])
    true_class, other = (i, j) if true_first else (j, i)
    lo, hi = plot.range
    gap = np.linspace(lo, hi, GAP_POINTS)
    steps = plot.steps  # the race's RACE_STEPS unless given (make_plot fills it in)
    if plot.descent is not None:
        start = plot.descent
    else:
        u, v = _at_gap(base, true_first, np.array(DEFAULT_GAP))
        start = (float(u), float(v))
    columns = []
    for kind in kinds:
        layer = _layer(plot, kind)
        x0, x1 = _at_gap(layer, true_first, gap)
        a, loss, grad, _, dl_dy = layer.factors(x0, x1, "range")
        with np.errstate(invalid="ignore", over="ignore"):
            dy = np.linalg.norm(dl_dy, axis=-1) if np.isfinite(dl_dy).all() else _norms(dl_dy)
            g = np.linalg.norm(grad, axis=-1)
            share = np.where(dy > 0.0, g / np.where(dy > 0.0, dy, 1.0), 0.0)
            share = np.where(np.isinf(dy), 0.0, share)
        grid = layer_grid(layer, lo, hi, (hi - lo) / (PLANE_POINTS - 1))
        path = descent_path(*start, layer, lr=plot.lr, steps=steps)
        r0, r1 = _at_gap(layer, true_first, np.array(RATIO_GAP))
        _, _, at = layer.evaluate(float(r0), float(r1), "range")
        columns.append(
            Column(
                kind=kind,
                layer=layer,
                gap=gap,
                loss=np.asarray(loss, dtype=np.float64),
                dl_dy=dy,
                share=share,
                grad=g,
                x0=np.asarray(grid.x0[0], dtype=np.float64),
                x1=np.asarray(grid.x1[:, 0], dtype=np.float64),
                norm=np.hypot(grid.grad0, grid.grad1),
                path=path,
                steps_to=steps_to_level(path, layer, true_class),
                grad_at_ratio_gap=float(np.linalg.norm(at)),
            )
        )
    top = max(float(c.norm.max()) for c in columns)
    low = min(float(c.norm[c.norm > 0].min(initial=top)) for c in columns)
    finite = [c.dl_dy[np.isfinite(c.dl_dy) & (c.dl_dy > 0)] for c in columns]
    values = np.concatenate(
        [*finite, *(c.share[c.share > 0] for c in columns), *(c.grad[c.grad > 0] for c in columns)]
    )
    f_lo = max(float(values.min()), FLOOR) if values.size else FLOOR
    f_hi = float(values.max()) if values.size else 1.0
    f_hi = min(f_hi, 1e8 * max(float(c.grad.max()) for c in columns))  # dL/dy may reach 1e300
    loss_hi = max(float(c.loss.max()) for c in columns)
    ce, mse = columns[0], columns[1]
    return Comparison(
        columns=tuple(columns),
        true_class=true_class,
        other_class=other,
        start=(float(start[0]), float(start[1])),
        lr=plot.lr,
        steps=steps,
        stall=STALL,
        level=LEVEL,
        ratio_gap=RATIO_GAP,
        ratio=ce.grad_at_ratio_gap / mse.grad_at_ratio_gap if mse.grad_at_ratio_gap else math.inf,
        norm_range=(max(low, FLOOR), max(top, 2.0 * STALL)),
        loss_range=(0.0, loss_hi if loss_hi > 0 else 1.0),
        factor_range=(f_lo, max(f_hi, 10.0 * f_lo)),
    )


def _norms(v: FloatArray) -> FloatArray:
    """2-norms along the last axis; inf where any entry is infinite."""
    finite = np.where(np.isfinite(v), v, 0.0)
    out: FloatArray = np.linalg.norm(finite, axis=-1)
    return np.where(np.isinf(v).any(axis=-1), np.inf, out)


# ---- the words both renderers print ------------------------------------------------------------


def sig3(v: float) -> str:
    """A computed value to 3 significant figures, its zeros kept (1.40, not 1.4)."""
    if v == 0.0 or not np.isfinite(v):
        return "0" if v == 0.0 else "∞"
    text = f"{v + 0.0:#.3g}"
    if "e" not in text:
        text = text.rstrip(".")
    return text.replace("-", "−")


def ratio_text(v: float) -> str:
    """The gradients' ratio to 2 significant figures: 75, 1.1e+04, or ∞ where the squared
    error's gradient is 0 in doubles."""
    return f"{v:.2g}" if np.isfinite(v) else "∞"


def loss_name(w: dict[str, str], kind: str, gamma: float, form: str = "loss") -> str:
    """A loss's name: ``form`` "loss" (in full), "title" (with its short name) or "short"."""
    return typeset(w[f"{form}_{kind}"].format(gamma=f"{gamma:g}"))


def key_lines(cmp: Comparison, w: dict[str, str]) -> list[tuple[str | None, str]]:
    """The key beside the planes, one (line style or None, text) a line: the chain rule's three
    curves, |grad L| of each loss at the ratio's gap, their ratio, and the descent's start."""
    return [
        ("dy", w["factor_dy"]),
        ("share", w["factor_jac"]),
        ("grad", w["factor_grad"]),
        (None, w["ratio_head"].format(gap=num(cmp.ratio_gap))),
        *(
            (None, f"  {loss_name(w, c.kind, c.layer.gamma, 'short')}: {sig3(c.grad_at_ratio_gap)}")
            for c in cmp.columns
        ),
        (
            None,
            w["ratio"].format(
                a=loss_name(w, "ce", 2.0, "short"),
                b=loss_name(w, "mse", 2.0, "short"),
                ratio=ratio_text(cmp.ratio),
            ),
        ),
        (
            None,
            w["descent_from"].format(x0=num(cmp.start[0]), x1=num(cmp.start[1]), lr=num(cmp.lr)),
        ),
    ]


def plane_title(cmp: Comparison, col: Column, w: dict[str, str]) -> str:
    """Over a loss's plane: the steps its descent took to y_t >= LEVEL, or that it never did."""
    if col.steps_to is not None:
        return w["steps_to"].format(n=col.steps_to, level=f"{cmp.level:g}")
    return w["steps_never"].format(n=col.path.steps, level=f"{cmp.level:g}")
