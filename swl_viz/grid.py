"""The loss and its gradient over a meshgrid of two logits (x0, x1), vectorised.

Two classes with nothing else fixed take closed forms on the difference d = x1 - x0 (for the
cross-entropy); every other case, and squared error and the focal loss always, stacks the
logits and runs the general core of :mod:`swl_viz.maths` in row blocks, so the working memory
stays bounded for K = 10 on a dense grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from swl_viz.errors import SwlVizError
from swl_viz.layer import MAX_CLASSES, Layer
from swl_viz.maths import BOOK_DELTA, FloatArray, Loss, Variant, _evaluate, _split, _Target

__all__ = [
    "MAX_AXIS_POINTS",
    "MAX_CLASSES",
    "MAX_GRID_WORK",
    "LossGrid",
    "layer_grid",
    "check_work",
    "grid_axis",
    "loss_grid",
    "thin_stride",
]

#: The densest grid swl-viz computes: 4001 x 4001 points (step 0.01 on -20..20).
MAX_AXIS_POINTS = 4001
#: The most logits (points x classes) one grid evaluates, about 10 s of work on one core.
MAX_GRID_WORK = 400_000_000

#: How close (hi - lo) / step must be to an integer for hi to be a grid point.
_ENDPOINT_TOLERANCE = 1e-9

#: Elements (points x classes) per block of the general path.
_BLOCK_ELEMENTS = 1 << 20
#: Points per block of the two-class path: four scratch rows of this stay in cache.
_BLOCK_ELEMENTS_K2 = 1 << 14
#: Widest (hi - lo) / T the two-class closed form takes; wider grids (their gaps x1 - x0 near
#: the largest double) go through the general core, which handles such gaps.
_NARROW = float(np.finfo(np.float64).max) / 4


def grid_axis(lo: float, hi: float, step: float) -> FloatArray:
    """The values lo + k * step for k = 0, 1, ... up to hi, hi included when it is on the grid.

    Like the seed's ``np.arange(-20, 20.1, 2)``: (-20, 20, 2) gives 21 points, and step 0.02 gives
    2001. The size is checked against :data:`MAX_AXIS_POINTS` before anything is allocated.
    """
    lo, hi, step = float(lo), float(hi), float(step)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise SwlVizError(f"range ends must be finite numbers, got {lo:g} {hi:g}", param="range")
    if not lo < hi:
        raise SwlVizError(f"range needs LO < HI, got {lo:g} {hi:g}", param="range")
    if not (math.isfinite(step) and step > 0):
        raise SwlVizError(f"step must be a finite number > 0, got {step:g}", param="step")
    half = 0.5 * hi - 0.5 * lo  # (hi - lo) / 2: finite even when hi - lo is beyond 1.8e308
    ratio = half / step * 2.0 if half / step < MAX_AXIS_POINTS else math.inf
    on_grid = False
    intervals = MAX_AXIS_POINTS  # for a ratio too large (or infinite) to round
    if math.isfinite(ratio) and ratio < MAX_AXIS_POINTS:
        nearest = round(ratio)
        on_grid = abs(ratio - nearest) <= _ENDPOINT_TOLERANCE * max(1.0, ratio)
        intervals = nearest if on_grid else math.floor(ratio)
    if intervals + 1 > MAX_AXIS_POINTS:
        raise SwlVizError(
            f"step {step:g} gives more than {MAX_AXIS_POINTS} points per axis on "
            f"[{lo:g}, {hi:g}]; use a step of at least {half / (MAX_AXIS_POINTS - 1) * 2.0:.3g}",
            param="step",
        )
    if intervals < 1:
        raise SwlVizError(
            f"step {step:g} is wider than the range [{lo:g}, {hi:g}]; the grid needs 2 points",
            param="step",
        )
    k = np.arange(intervals + 1, dtype=np.float64)
    if math.isfinite(hi - lo):
        axis = lo + k * step
    else:  # the same values, taken in halves so that k * step cannot overflow
        axis = 2.0 * (0.5 * lo + k * (0.5 * step))
    if on_grid:
        axis[-1] = hi  # the seed's grid ends exactly at hi
    return axis


def thin_stride(n: int, wanted: int) -> int:
    """A stride that leaves about ``wanted`` of ``n`` points, preferring one that divides n - 1,
    so the thinned points are evenly spaced and keep both ends of the axis."""
    if n <= wanted:
        return 1
    need = math.ceil((n - 1) / max(wanted - 1, 1))
    for stride in range(need, 2 * need + 1):
        if (n - 1) % stride == 0:
            return stride
    return need


@dataclass(frozen=True)
class LossGrid:
    """Loss and gradient on a meshgrid, in ``np.meshgrid(axis, axis)`` ('xy') layout.

    ``x0`` varies along columns and ``x1`` along rows; both are read-only broadcast views.
    ``grad0`` and ``grad1`` are dL/dx0 and dL/dx1, the components of the gradient along the two
    varied logits.
    """

    x0: FloatArray
    x1: FloatArray
    loss: FloatArray
    grad0: FloatArray
    grad1: FloatArray
    layer: Layer

    @property
    def t(self) -> tuple[float, ...]:
        return self.layer.t

    @property
    def logits(self) -> tuple[float, ...]:
        return self.layer.logits

    @property
    def axes(self) -> tuple[int, int]:
        return self.layer.axes

    @property
    def label_smoothing(self) -> float:
        return self.layer.label_smoothing

    @property
    def temperature(self) -> float:
        return self.layer.temperature

    @property
    def variant(self) -> Variant:
        return self.layer.variant

    @property
    def loss_kind(self) -> Loss:
        """Which loss: "ce", "mse" or "focal" (``loss`` is the array of its values)."""
        return self.layer.loss

    @property
    def gamma(self) -> float:
        return self.layer.gamma

    @property
    def k(self) -> int:
        """The number of classes."""
        return self.layer.k

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.loss.shape
        return rows, cols

    def stacked_logits(self) -> FloatArray:
        """All K logits at every grid point, shape (rows, cols, K)."""
        return self.layer.place(self.x0, self.x1)

    def probabilities(self) -> FloatArray:
        """softmax(a / T) at every grid point, shape (rows, cols, K)."""
        return _split(self.stacked_logits(), 2, self.temperature).y  # shift, then divide by T


def check_work(points_per_axis: int, k: int, passes: int = 1) -> None:
    """Refuse a grid whose points x classes x passes would pass :data:`MAX_GRID_WORK`, before
    anything is allocated (two classes take a closed form and are always cheap)."""
    work = points_per_axis * points_per_axis * k * passes
    if k > 2 and work > MAX_GRID_WORK:
        raise SwlVizError(
            f"{points_per_axis}^2 points x {k} classes is too much work (about "
            f"{work / 4e7:.0f} s, limit {MAX_GRID_WORK / 4e7:.0f} s); use a coarser step or "
            "a smaller range",
            param="step",
        )


def loss_grid(
    lo: float,
    hi: float,
    step: float,
    t: ArrayLike,
    *,
    logits: ArrayLike | None = None,
    axes: Sequence[int] = (0, 1),
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    variant: Variant = "exact",
    loss: Loss = "ce",
    gamma: float = 2.0,
    max_points: int | None = None,
) -> LossGrid:
    """Evaluate the Softmax-with-Loss layer on the meshgrid of ``grid_axis(lo, hi, step)``.

    ``t`` is the teacher label (K >= 2 probabilities). The logits ``axes[0]`` and ``axes[1]`` take
    the grid's x0 and x1; the others keep their value in ``logits`` (default zeros).
    ``max_points`` keeps only every m-th grid value, evenly and both ends included, so that at
    most about that many remain per axis: a figure computes just the points it can show.
    ``loss`` ("ce", "mse" or "focal") and ``gamma`` (focal only) pick the loss on the softmax.
    """
    layer = Layer.make(t, logits, axes, label_smoothing, temperature, variant, loss, gamma)
    return layer_grid(layer, lo, hi, step, max_points=max_points)


def layer_grid(
    layer: Layer, lo: float, hi: float, step: float, *, max_points: int | None = None
) -> LossGrid:
    """:func:`loss_grid` for a layer already checked."""
    k = layer.k
    target = layer.labels()
    fixed = np.array(layer.logits)
    i, j = layer.axes
    temperature, variant = layer.temperature, layer.variant

    values = grid_axis(lo, hi, step)
    if max_points is not None:
        values = values[:: thin_stride(values.size, max_points)]
    check_work(values.size, k)
    # read-only broadcast views in meshgrid 'xy' layout: the same values, no n x n copies
    row, col = np.meshgrid(values, values, sparse=True)
    x0 = np.broadcast_to(row, (values.size, values.size))
    x1 = np.broadcast_to(col, (values.size, values.size))
    with np.errstate(over="ignore"):  # x1 - x0 must not overflow, nor (x1 - x0) / T
        narrow = float(values[-1] - values[0]) / temperature <= _NARROW
    if k == 2 and narrow and layer.loss == "ce":
        first, second = (0, 1) if (i, j) == (0, 1) else (1, 0)
        p, c = target.probs, target.comp
        loss, g0, g1 = _two_class(
            values, (p[first], c[first]), (p[second], c[second]), temperature, variant
        )
    else:
        try:
            loss, g0, g1 = _blocks(
                x0, x1, fixed, target, (i, j), temperature, variant, layer.loss, layer.gamma
            )
        except SwlVizError as err:
            if err.param != "logits":
                raise
            raise SwlVizError(
                f"the loss on [{lo:g}, {hi:g}] exceeds the largest double at temperature "
                f"{temperature:g}; narrow the range or raise the temperature",
                param="range",
            ) from None
    return LossGrid(x0=x0, x1=x1, loss=loss, grad0=g0, grad1=g1, layer=layer)


def _two_class(
    values: FloatArray,
    label0: tuple[float, float],
    label1: tuple[float, float],
    temperature: float,
    variant: Variant,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """K = 2 in closed form on d = x1 - x0: the same splits as the general core, elementwise.

    With s = exp(-|d|): -log y_top = log1p(s), -log y_other = |d| + log1p(s), y_other = s/(1+s)
    and y_top = 1/(1+s); class 1 is on top where d > 0 (ties go to class 0, as argmax). The
    label is two scalars, so each formula is picked once for the whole grid. Rows go through in
    blocks that fit in cache, on four scratch buffers, into one output allocation.

    Each label is (t'_k, 1 - t'_k), the complement assembled by the core's label check. The gap
    x1 - x0 is taken before the division by T, as in the core; the caller keeps it finite.
    """
    (t0, c0), (t1, c1) = label0, label1
    n = values.size
    out = np.empty((3, n, n))
    loss, g0, g1 = out
    rows = max(1, _BLOCK_ELEMENTS_K2 // n)
    scratch = np.empty((4, rows, n))
    mask = np.empty((rows, n), dtype=bool)
    for r0 in range(0, n, rows):
        r1 = min(r0 + rows, n)
        d, s, den, tmp = scratch[:, : r1 - r0]
        top1 = mask[: r1 - r0]
        np.subtract(values[r0:r1, None], values[None, :], out=d)  # x1 - x0 (x1 along rows)
        if temperature != 1.0:
            np.divide(d, temperature, out=d)  # the gap first, then the temperature
        np.greater(d, 0.0, out=top1)
        np.abs(d, out=s)
        np.negative(s, out=s)
        np.exp(s, out=s)
        np.add(s, 1.0, out=den)
        lo = loss[r0:r1]
        if variant == "exact":
            np.log1p(s, out=lo)
            if t0 + t1 != 1.0:
                lo *= t0 + t1
            for weight, sign in ((t0, 1.0), (t1, -1.0)):
                if weight:  # -log y0 = max(d, 0) + log1p(s); -log y1 = max(-d, 0) + log1p(s)
                    np.multiply(d, sign * weight, out=tmp)
                    np.maximum(tmp, 0.0, out=tmp)
                    lo += tmp
        np.divide(s, den, out=s)  # y of the other class, never formed as 1 - y_top
        np.divide(1.0, den, out=den)  # y of the leading class
        np.copyto(tmp, s)
        np.copyto(tmp, den, where=top1)  # tmp = y1
        np.copyto(den, s, where=top1)  # den = y0
        if variant == "book":
            np.add(den, BOOK_DELTA, out=d)
            np.log(d, out=d)
            np.multiply(d, -t0, out=lo)
            np.add(tmp, BOOK_DELTA, out=d)
            np.log(d, out=d)
            d *= t1
            lo -= d
        _grad_out(t0, c0, den, tmp, g0[r0:r1])
        _grad_out(t1, c1, tmp, den, g1[r0:r1])
    if temperature != 1.0:
        out[1:] /= temperature  # chain rule through a / T
    return loss, g0, g1


def _grad_out(
    tc: float, comp: float, y_c: FloatArray, y_other: FloatArray, out: FloatArray
) -> None:
    """y_c - t_c, or (1 - t_c) - y_other when t_c >= 1/2: exact near y_c = t_c = 1.

    ``comp`` is 1 - t_c from the label check, with its digits even under label smoothing.
    """
    if tc >= 0.5:
        np.subtract(comp, y_other, out=out)
    else:
        np.subtract(y_c, tc, out=out)


def _blocks(
    x0: FloatArray,
    x1: FloatArray,
    fixed: FloatArray,
    target: _Target,
    axes: tuple[int, int],
    temperature: float,
    variant: Variant,
    loss_kind: Loss = "ce",
    gamma: float = 2.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Any K, and any loss, through the general core, a block of rows at a time."""
    rows, cols = x0.shape
    k = fixed.size
    loss, g0, g1 = np.empty((3, rows, cols))
    per_block = max(1, _BLOCK_ELEMENTS // (cols * k))
    for r in range(0, rows, per_block):
        sl = slice(r, r + per_block)
        a = np.empty((*x0[sl].shape, k), dtype=np.float64)
        a[...] = fixed
        a[..., axes[0]] = x0[sl]
        a[..., axes[1]] = x1[sl]
        labels = _Target(
            probs=np.broadcast_to(target.probs, a.shape),
            comp=np.broadcast_to(target.comp, a.shape),
        )
        block_loss, grad, _ = _evaluate(
            a, labels, a.ndim - 1, temperature, variant, loss_kind, gamma
        )
        loss[sl] = block_loss
        g0[sl] = grad[..., axes[0]]
        g1[sl] = grad[..., axes[1]]
    return loss, g0, g1
