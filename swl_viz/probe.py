"""The layer at one point, a gradient-descent path, and the lines a learner should see.

- :func:`probe_point`: a, y, the target, y - t and L at one (x0, x1), straight from the layer
- :func:`descent_path`: x_{k+1} = x_k - lr * grad L(x_k) on the two varied logits
- :func:`decision_line`: where the two varied classes tie, y_i = y_j (x_i = x_j)
- :func:`minimum_line`: where y_i : y_j = t_i : t_j, the floor of the valley of a soft label

- :func:`loss_slice`: L and dL/dd along d = x1 - x0, with its asymptotes and minimum

Each takes the layer as one checked :class:`~swl_viz.layer.Layer`, or a bare label t for the
plain layer. Every number is the layer's own: it comes from
:func:`swl_viz.maths.softmax_with_loss`, or in the descent loop from the core that function
calls, on the same target. numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from swl_viz.errors import SwlVizError
from swl_viz.layer import Layer
from swl_viz.maths import (
    BOOK_DELTA,
    FloatArray,
    Loss,
    Variant,
    _evaluate,
    _labels,
    softmax,
)

__all__ = [
    "check_descent",
    "MAX_LR",
    "MAX_STEPS",
    "DescentPath",
    "Line",
    "Probe",
    "SLICE_POINTS",
    "Slice",
    "decision_line",
    "descent_path",
    "loss_at",
    "loss_slice",
    "minimum_line",
    "probe_point",
]

#: Largest learning rate: |grad L| <= sqrt(2) / T, so one step moves at most 100 * sqrt(2) / T.
MAX_LR = 100.0
#: Most descent steps a path may take.
MAX_STEPS = 10_000


def _frozen(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


def _point(x0: float, x1: float, param: str) -> tuple[float, float]:
    try:
        p = (float(x0), float(x1))
    except (TypeError, ValueError):
        raise SwlVizError(f"{param} needs two numbers X0,X1", param=param) from None
    if not all(math.isfinite(v) for v in p):
        raise SwlVizError(f"{param} needs two finite numbers, got {p[0]:g},{p[1]:g}", param=param)
    return p


def _layer(layer: Layer | ArrayLike) -> Layer:
    """``layer`` itself, or for a bare label t the plain layer of it (no smoothing, T = 1,
    the exact loss, the first two logits varied)."""
    return layer if isinstance(layer, Layer) else Layer.make(layer)


def loss_at(
    x0: ArrayLike,
    x1: ArrayLike,
    layer: Layer | ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """The layer's loss, shape of x0 and x1 broadcast, and gradient (y - t) / T, that shape
    plus the classes, at many points at once (for lines and curves drawn on a slice)."""
    layer = _layer(layer)
    _, loss, grad = layer.evaluate(x0, x1)
    return loss, grad


# ---- one point ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """The layer at one point. Arrays are read-only and have one entry per class.

    ``grad`` is what the layer sends back, (y - t) / T with t the target (the label after
    smoothing); ``grad0`` and ``grad1`` are its components along the two varied logits.
    ``dl_dy`` is the chain rule's first factor dL/dy (-t/y for the cross-entropy, y - t for
    squared error; -inf where y_k underflows under a log term), and ``grad`` = J^T dl_dy with
    the softmax Jacobian J = (diag(y) - y y^T) / T, its second.
    """

    x0: float
    x1: float
    a: FloatArray  # all K logits
    y: FloatArray  # softmax(a / T)
    t: FloatArray  # the teacher label as given
    target: FloatArray  # the label after smoothing: what y is pulled towards
    grad: FloatArray  # (y - target) / T
    loss: float
    axes: tuple[int, int]
    label_smoothing: float = 0.0
    temperature: float = 1.0
    variant: Variant = "exact"
    kind: Loss = "ce"
    gamma: float = 2.0
    dl_dy: FloatArray | None = None

    @property
    def k(self) -> int:
        return int(self.a.size)

    @property
    def grad0(self) -> float:
        """dL/dx0, along the first varied logit."""
        return float(self.grad[self.axes[0]])

    @property
    def grad1(self) -> float:
        """dL/dx1, along the second varied logit."""
        return float(self.grad[self.axes[1]])


def probe_point(
    x0: float,
    x1: float,
    layer: Layer | ArrayLike,
) -> Probe:
    """Everything the layer computes at logits ``a`` with a[axes[0]] = x0, a[axes[1]] = x1 and the
    other entries from ``logits`` (default zeros): the same numbers as ``softmax_with_loss``."""
    x0, x1 = _point(x0, x1, "probe")
    layer = _layer(layer)
    a, loss, grad, _, dl_dy = layer.factors(x0, x1)
    return Probe(
        x0=x0,
        x1=x1,
        a=_frozen(a),
        y=_frozen(softmax(a / layer.temperature)),
        t=_frozen(np.array(layer.t)),
        target=layer.target,
        grad=_frozen(grad),
        loss=float(loss),
        axes=layer.axes,
        label_smoothing=layer.label_smoothing,
        temperature=layer.temperature,
        variant=layer.variant,
        kind=layer.loss,
        gamma=layer.gamma,
        dl_dy=_frozen(np.array(dl_dy, dtype=np.float64)),
    )


# ---- a descent path ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DescentPath:
    """Plain gradient descent on the two varied logits: ``steps + 1`` rows, the start first.

    Row k holds x_k, L(x_k) and grad L(x_k); x_{k+1} = x_k - lr * grad L(x_k).
    """

    k: np.ndarray[tuple[int], np.dtype[np.int64]]
    x0: FloatArray
    x1: FloatArray
    loss: FloatArray
    grad0: FloatArray
    grad1: FloatArray
    lr: float
    axes: tuple[int, int]
    #: the first step whose loss is higher than the step's before (the path oscillates or
    #: diverges: lr is too large for the curvature), or None while the loss only falls
    rises_at: int | None = None
    #: significant decimal digits of the path's points that rounding leaves meaningful, found
    #: by running it again from starts a few ulp away (15 while the loss only falls)
    digits: int = 15

    @property
    def steps(self) -> int:
        return int(self.k[-1])

    def columns(self) -> dict[str, np.ndarray[tuple[int], np.dtype[np.float64 | np.int64]]]:
        """The path as named columns in a fixed order (k, x_i, x_j, loss, grad_i, grad_j), named
        after the logits that vary: axes (0, 2) give x0, x2, grad0, grad2, as the grid does."""
        i, j = self.axes
        return {
            "k": self.k,
            f"x{i}": self.x0,
            f"x{j}": self.x1,
            "loss": self.loss,
            f"grad{i}": self.grad0,
            f"grad{j}": self.grad1,
        }

    def warning(self) -> str | None:
        """What a learner should know before trusting the printed digits, or None."""
        if self.rises_at is None:
            return None
        return (
            f"the loss rises at step {self.rises_at}: lr {self.lr:g} is too large here, so the "
            f"path oscillates or diverges, and only about {self.digits} significant digits of "
            "its points are meaningful (rounding errors grow at each step)"
        )


def check_descent(lr: float, steps: int) -> tuple[float, int]:
    """Refuse a learning rate outside (0, MAX_LR] or steps outside 1..MAX_STEPS."""
    if isinstance(lr, bool) or not isinstance(lr, int | float):
        raise SwlVizError(f"lr must be a number, got {lr!r}", param="lr")
    if not (math.isfinite(lr) and 0.0 < lr <= MAX_LR):
        raise SwlVizError(f"lr must lie in (0, {MAX_LR:g}], got {lr:g}", param="lr")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise SwlVizError(f"steps must be a whole number, got {steps!r}", param="steps")
    if not 1 <= steps <= MAX_STEPS:
        raise SwlVizError(f"steps must lie in 1..{MAX_STEPS}, got {steps}", param="steps")
    return float(lr), int(steps)


def descent_path(
    x0: float,
    x1: float,
    layer: Layer | ArrayLike,
    *,
    lr: float = 1.0,
    steps: int = 50,
) -> DescentPath:
    """``steps`` steps of gradient descent from (x0, x1), the other logits held fixed."""
    lr, steps = check_descent(lr, steps)
    x0, x1 = _point(x0, x1, "descent")
    layer = _layer(layer)
    i, j = layer.axes
    layer.evaluate(x0, x1, "descent")  # the full checks once, at the start
    rows = _descend(x0, x1, layer, lr, steps)
    loss = rows[2]
    eps = float(np.finfo(np.float64).eps)
    up = np.flatnonzero(loss[1:] > loss[:-1] + 4 * eps * np.abs(loss[:-1]))
    rises_at = int(up[0]) + 1 if up.size else None
    digits = 15 if rises_at is None else _digits(rows, x0, x1, layer, lr, steps)
    return DescentPath(
        k=_frozen_int(np.arange(steps + 1, dtype=np.int64)),
        x0=_frozen(rows[0]),
        x1=_frozen(rows[1]),
        loss=_frozen(rows[2]),
        grad0=_frozen(rows[3]),
        grad1=_frozen(rows[4]),
        lr=lr,
        axes=layer.axes,
        rises_at=rises_at,
        digits=digits,
    )


def _descend(
    x0: float, x1: float, layer: Layer, lr: float, steps: int, jitter: float = 0.0
) -> FloatArray:
    """The rows (x0, x1, loss, grad0, grad1) of the path, one column per step; ``jitter``
    moves each new point by that relative amount, alternately up and down, as rounding might.

    The loop runs the layer's own core on the target softmax_with_loss would prepare: the same
    arithmetic, without re-checking the label at each of up to 10000 steps."""
    i, j = layer.axes
    a = np.array(layer.logits)
    target = _labels(np.asarray(layer.t), a.shape, 0, layer.label_smoothing)
    rows = np.empty((5, steps + 1))
    u, v = x0, x1
    for k in range(steps + 1):
        if not (math.isfinite(u / layer.temperature) and math.isfinite(v / layer.temperature)):
            raise SwlVizError(
                f"the path left the finite numbers at step {k}; take a smaller lr",
                param="descent",
                mentions=("lr",),
            )
        a[i], a[j] = u, v
        loss, grad, _ = _evaluate(
            a, target, 0, layer.temperature, layer.variant, layer.loss, layer.gamma
        )
        g0, g1 = float(grad[i]), float(grad[j])
        rows[:, k] = (u, v, float(loss), g0, g1)
        u, v = u - lr * g0, v - lr * g1
        if jitter:
            u, v = u * (1.0 + jitter), v * (1.0 - jitter)
            jitter = -jitter
    return rows


def _digits(rows: FloatArray, x0: float, x1: float, layer: Layer, lr: float, steps: int) -> int:
    """Significant digits of the path's points that survive rounding: the path is run again
    from four starts an ulp away, and twice more with each step nudged by an ulp, as rounding
    does; the largest spread, relative to the point (or to 1 near 0), says how far rounding
    errors grow. tests/test_probe.py holds it against a 60-digit path."""
    eps = float(np.finfo(np.float64).eps)
    scale = np.maximum(np.maximum(np.abs(rows[0]), np.abs(rows[1])), 1.0)
    worst = eps
    runs = [
        ((x0 + s0 * eps * max(abs(x0), 1.0), x1 + s1 * eps * max(abs(x1), 1.0)), 0.0)
        for s0, s1 in ((1, 1), (1, -1), (-1, 1), (-1, -1))
    ]
    runs += [((x0, x1), eps), ((x0, x1), -eps)]
    for start, jitter in runs:
        try:
            other = _descend(*start, layer, lr, steps, jitter)
        except SwlVizError:  # the neighbour left the finite numbers: nothing is certain
            return 0
        spread = np.maximum(np.abs(other[0] - rows[0]), np.abs(other[1] - rows[1])) / scale
        worst = max(worst, float(spread.max()))
    return max(0, min(15, round(-math.log10(worst))))


def _frozen_int(
    a: np.ndarray[tuple[int], np.dtype[np.int64]],
) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    a.setflags(write=False)
    return a


# ---- lines in the plane of the two varied logits -----------------------------------------------


@dataclass(frozen=True)
class Line:
    """The straight line x0 - x1 = ``offset`` in the plane of the varied logits (x0 = a_i,
    x1 = a_j), with the layer that lives on it.

    ``loss`` is the loss all along the line when it is constant there (two classes), else None.
    ``lowest`` is (x0, x1, L) of the lowest point of the whole slice when it is a single point
    on this line (more classes, soft everywhere), else None. On the decision line the varied
    pair leads every other class where x0 = x1 >= ``leads_from`` (-inf for two classes).
    """

    kind: Literal["decision", "minimum"]
    offset: float
    loss: float | None
    lowest: tuple[float, float, float] | None
    leads_from: float
    layer: Layer

    @property
    def axes(self) -> tuple[int, int]:
        return self.layer.axes

    def x1_at(self, x0: ArrayLike) -> FloatArray:
        """x1 on the line at the given x0."""
        return np.asarray(x0, dtype=np.float64) - self.offset

    def segment(self, lo: float, hi: float) -> tuple[float, float] | None:
        """The x0 interval on which the line lies inside the square [lo, hi]^2, or None."""
        start, stop = max(lo, lo + self.offset), min(hi, hi + self.offset)
        return (start, stop) if start < stop else None

    def points(self, x0: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(x0, x1, L) along the line, L from the layer."""
        u = np.asarray(x0, dtype=np.float64)
        v = self.x1_at(u)
        _, loss, _ = self.layer.evaluate(u, v)
        return u, v, loss

    def y_at(self, x0: ArrayLike) -> FloatArray:
        """softmax(a / T) along the line, shape (..., K)."""
        u = np.asarray(x0, dtype=np.float64)
        return softmax(self.layer.place(u, self.x1_at(u)) / self.layer.temperature)


def decision_line(layer: Layer | ArrayLike) -> Line:
    """x0 = x1, where the two varied classes tie (y_i = y_j) at any temperature.

    With two classes y = 1/2 there and L = -(t0 + t1) log 1/2 = log 2 for every label (the
    book's variant: -log(1/2 + 1e-7)). With more, the loss varies along it, and the pair is
    the decision only where it beats the fixed logits, x0 = x1 >= max of the others.
    """
    layer = _layer(layer)
    rest = np.delete(np.array(layer.logits), list(layer.axes))
    constant = None
    if rest.size == 0:
        _, loss, _ = layer.evaluate(0.0, 0.0)
        constant = float(loss)
    return Line(
        kind="decision",
        offset=0.0,
        loss=constant,
        lowest=None,
        leads_from=float(rest.max()) if rest.size else -math.inf,
        layer=layer,
    )


def minimum_line(layer: Layer | ArrayLike) -> Line | None:
    """x0 - x1 = T log(t_i / t_j), where y_i : y_j = t_i : t_j; None unless the target is soft
    on both varied classes.

    Two classes: the whole line is the minimum, L = -sum t log t, the entropy of the target.
    The book's 1e-7 moves it to y_i = t_i + 1e-7 (t_i - t_j). More classes: on every curve where
    y_i + y_j stays fixed the loss is lowest on this line. When the other classes keep target
    mass r = 1 - t_i - t_j > 0 the slice has one lowest point on it, where y_i = t_i and
    y_j = t_j: x = T log(t R / r) with R = sum of exp(a_k / T) over the fixed logits. (For the
    book's variant with more classes the line is the exact loss's, off by about 1e-7 in y.)
    """
    layer = _layer(layer)
    i, j = layer.axes
    ti, tj = float(layer.target[i]), float(layer.target[j])
    if not (ti > 0.0 and tj > 0.0):
        return None
    temp = layer.temperature
    rest = np.delete(np.array(layer.logits), [i, j])
    if layer.loss != "ce":
        # squared error of two classes is 0 all along y = t'; with more classes, and for the
        # focal loss, the lowest points are not where y_i : y_j = t_i : t_j, so none is drawn
        if layer.loss == "mse" and rest.size == 0:  # y = t' there: L = 0 exactly
            offset = temp * (math.log(ti) - math.log(tj))
            return Line("minimum", offset, 0.0, None, -math.inf, layer)
        return None
    lowest = None
    constant = None
    if rest.size == 0:
        if layer.variant == "book":  # d/dy of -t0 log(y + d) - t1 log(1 - y + d) vanishes here
            yi = ti + BOOK_DELTA * (ti - tj)
            offset = temp * (math.log(yi) - math.log1p(-yi))
        else:
            offset = temp * (math.log(ti) - math.log(tj))
        _, loss, _ = layer.evaluate(offset, 0.0)
        constant = float(loss)
    else:
        offset = temp * (math.log(ti) - math.log(tj))
        r = float(np.delete(layer.target, [i, j]).sum())  # the others' target mass
        if r > 0.0:
            scaled = rest / temp
            top = float(scaled.max())
            log_big_r = top + math.log(float(np.exp(scaled - top).sum()))  # log R, no overflow
            u = temp * (math.log(ti) + log_big_r - math.log(r))
            _, loss, _ = layer.evaluate(u, u - offset)
            lowest = (u, u - offset, float(loss))
    return Line(
        kind="minimum",
        offset=offset,
        loss=constant,
        lowest=lowest,
        leads_from=-math.inf,
        layer=layer,
    )


# ---- the loss along the line d = x1 - x0 -------------------------------------------------------

#: Points on a slice: fine enough that the drawn curve is smooth at any range.
SLICE_POINTS = 801


@dataclass(frozen=True)
class Slice:
    """The loss along d = x1 - x0 with x0 = -d/2 and x1 = d/2 (the other logits fixed).

    ``slope`` is dL/dd = (dL/dx1 - dL/dx0) / 2 and ``norm`` is |grad L| on the varied pair. For
    two classes grad L = dL/dd * (-1, 1), so norm = sqrt(2) |slope|. Far out the exact loss
    follows the lines ``slope_left * d + intercept`` and ``slope_right * d + intercept``; the
    book's loss levels off at ``book_limits`` (left, right) instead. ``minimum`` is (d, L) of
    the lowest point of the curve when it has one, else None.

    For the book's variant ``slope`` is still what its backward sends, (y - t) / T along d,
    while ``book_slope`` is the true slope of its loss -sum t log(y + 1e-7), which goes flat
    where the loss does.
    """

    d: FloatArray
    loss: FloatArray
    slope: FloatArray
    norm: FloatArray
    at_zero: float
    slope_left: float
    slope_right: float
    intercept: float
    book_limits: tuple[float, float] | None
    book_slope: FloatArray | None
    minimum: tuple[float, float] | None
    axes: tuple[int, int]
    k: int
    target: FloatArray
    temperature: float
    variant: Variant
    kind: Loss = "ce"


def _golden(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The minimiser of a convex f on [lo, hi], to the last bits of the interval."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(200):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
        if b - a <= 1e-12 * max(1.0, abs(a)):
            break
    return (a + b) / 2.0


def _slope(grad: FloatArray, i: int, j: int) -> float:
    return float(grad[..., j] - grad[..., i]) / 2.0


def _bisect(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Where an increasing f crosses 0 in [lo, hi] (an end when it does not)."""
    if f(lo) >= 0.0:
        return lo
    if f(hi) <= 0.0:
        return hi
    a, b = lo, hi
    for _ in range(200):
        mid = (a + b) / 2.0
        if mid in (a, b):
            break
        if f(mid) < 0.0:
            a = mid
        else:
            b = mid
    return (a + b) / 2.0


def loss_slice(
    layer: Layer | ArrayLike,
    *,
    lo: float = -20.0,
    hi: float = 20.0,
    points: int = SLICE_POINTS,
) -> Slice:
    """The numbers of the slice figure: L and dL/dd on d in [lo, hi], with its asymptotes."""
    lo, hi = _point(lo, hi, "range")
    if not lo < hi:
        raise SwlVizError(f"range needs LO < HI, got {lo:g} {hi:g}", param="range")
    layer = _layer(layer)
    i, j = layer.axes
    temp = layer.temperature
    d = np.linspace(lo, hi, points)

    def along(dd: ArrayLike) -> tuple[FloatArray, FloatArray]:
        half = np.asarray(dd, dtype=np.float64) / 2.0
        _, loss, grad = layer.evaluate(-half, half, "range")
        return loss, grad

    loss, grad = along(d)
    slope = (grad[..., j] - grad[..., i]) / 2.0
    target = layer.target
    rest = [k for k in range(target.size) if k not in (i, j)]
    t_rest = float(target[rest].sum()) if rest else 0.0
    # far right a_j leads: L -> sum_k t_k (d/2 - a_k) / T; far left a_i leads, mirrored
    slope_right = (float(target[i]) + t_rest / 2.0) / temp
    slope_left = -(float(target[j]) + t_rest / 2.0) / temp + 0.0  # no -0.0
    if layer.loss == "mse":  # bounded: y tends to one-hot, and the loss to a constant
        slope_left = slope_right = 0.0
    # the focal loss's leading term vanishes with 1 - y and the others' (1 - y_k)^gamma tends
    # to 1: the cross-entropy's asymptotes
    intercept = (
        -float(np.dot(target[rest], np.array(layer.logits)[rest])) / temp + 0.0 if rest else 0.0
    )
    book_limits = None
    book_slope = None
    if layer.variant == "book":  # y tends to one-hot on the leading class
        log_delta = math.log(BOOK_DELTA)
        log_one = math.log(1.0 + BOOK_DELTA)  # as the book computes it, not log1p
        limits = [
            -float(target[c]) * log_one - (1.0 - float(target[c])) * log_delta for c in (i, j)
        ]
        book_limits = (limits[0], limits[1])
        y = softmax(layer.place(-d / 2.0, d / 2.0) / temp)
        # dL/da_m = sum_k w_k dy_k/da_m with w = -t / (y + 1e-7), dy_k/da_m = y_k (1[k=m] - y_m) / T
        wy = -target * y / (y + BOOK_DELTA)
        da = (wy - y * wy.sum(axis=-1, keepdims=True)) / temp
        book_slope = _frozen((da[:, j] - da[:, i]) / 2.0)
    minimum = None
    line = minimum_line(layer)
    if rest == [] and line is not None:
        d_min = -line.offset
        if lo <= d_min <= hi:  # squared error's minimum is 0 exactly, not its rounding
            minimum = (d_min, 0.0 if layer.loss == "mse" else float(along(d_min)[0]))
    elif rest and slope_left < 0.0 < slope_right:  # convex with slopes of both signs: one minimum
        if layer.variant == "exact":  # where the layer's slope changes sign
            d_min = _bisect(lambda x: _slope(along(x)[1], i, j), lo, hi)
        else:  # the book's loss has its own slope: search the loss itself
            d_min = _golden(lambda x: float(along(x)[0]), lo, hi)
        margin = 1e-9 * (hi - lo)  # a minimiser at an end means the minimum is out of range
        if lo + margin < d_min < hi - margin:
            minimum = (d_min, float(along(d_min)[0]))
    return Slice(
        d=_frozen(d),
        loss=_frozen(np.asarray(loss, dtype=np.float64)),
        slope=_frozen(slope),
        norm=_frozen(np.hypot(grad[..., i], grad[..., j])),
        at_zero=float(along(0.0)[0]),
        slope_left=slope_left,
        slope_right=slope_right,
        intercept=intercept,
        book_limits=book_limits,
        book_slope=book_slope,
        minimum=minimum,
        axes=layer.axes,
        k=int(target.size),
        target=layer.target,
        temperature=temp,
        variant=layer.variant,
        kind=layer.loss,
    )


def slope_of_drawn_loss(layer: Layer | ArrayLike, x0: ArrayLike, x1: ArrayLike) -> FloatArray:
    """The gradient of the loss a figure draws, along the layer's two axes, shape (..., 2).

    For the exact loss it is the layer's own (y - t') / T. For the book's variant it is the
    true slope of -sum t log(y + 1e-7), flat on the plateau where the backward still sends
    y - t: dL/da_m = sum_k w_k y_k (1[k=m] - y_m) / T with w = -t / (y + 1e-7)."""
    layer = _layer(layer)
    i, j = layer.axes
    if layer.variant == "exact":
        grad = layer.evaluate(x0, x1)[2]
        return np.stack([grad[..., i], grad[..., j]], axis=-1)
    y = softmax(layer.place(x0, x1) / layer.temperature)
    wy = -layer.target * y / (y + BOOK_DELTA)
    da = (wy - y * wy.sum(axis=-1, keepdims=True)) / layer.temperature
    return np.stack([da[..., i], da[..., j]], axis=-1)
