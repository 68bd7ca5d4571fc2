"""The layer a figure shows: one frozen, checked value that every later stage takes.

A :class:`Layer` is the teacher label t, the logits held fixed, the two logits that vary (the
plane's axes), label smoothing, temperature, the loss variant, and the loss itself (the
cross-entropy, squared error or the focal loss with its gamma). It is checked once, where it
is made, and it knows the one operation everything else repeats: put the two varied logits in
place (:meth:`Layer.place`) and run the core of :mod:`swl_viz.maths` there. numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from swl_viz.errors import SwlVizError
from swl_viz.maths import (
    FloatArray,
    Loss,
    Variant,
    _labels,
    _Target,
    check_options,
    loss_factors,
    softmax_with_loss,
)

__all__ = ["MAX_CLASSES", "Layer"]

#: The most classes a layer takes: every grid point holds all K logits while it is computed.
MAX_CLASSES = 1000


def _label(t: ArrayLike) -> tuple[float, ...]:
    arr = np.asarray(t)
    if arr.dtype.kind not in "biuf" or arr.ndim != 1:
        raise SwlVizError("t must be one vector of class probabilities, like 1,0", param="t")
    k = arr.size
    if k < 2:
        raise SwlVizError(f"t needs at least 2 classes, got {k}", param="t")
    if k > MAX_CLASSES:
        raise SwlVizError(f"t has {k} classes; swl-viz takes at most {MAX_CLASSES}", param="t")
    return tuple(float(v) for v in arr.astype(np.float64))


def _axes(axes: Sequence[int], k: int) -> tuple[int, int]:
    if len(axes) != 2:
        raise SwlVizError(f"axes must name 2 classes, got {len(axes)}", param="axes")
    i, j = (int(v) for v in axes)
    for v in (i, j):
        if not 0 <= v < k:
            raise SwlVizError(f"axes must lie in 0..{k - 1} for K={k}, got {v}", param="axes")
    if i == j:
        raise SwlVizError(f"axes must be two different classes, got {i},{j}", param="axes")
    return i, j


def _fixed(logits: ArrayLike | None, k: int) -> FloatArray:
    if logits is None:
        fixed = np.zeros(k)
    else:
        fixed = np.array(logits, dtype=np.float64).reshape(-1)
        if fixed.size != k:
            raise SwlVizError(
                f"logits has {fixed.size} entries but t has {k} classes; they must match",
                param="logits",
            )
        if not np.isfinite(fixed).all():
            raise SwlVizError("logits must be finite", param="logits")
    return fixed


@dataclass(frozen=True)
class Layer:
    """The Softmax-with-Loss layer over the plane of two logits, checked.

    ``logits`` are all K logits with the two varied ones (``axes``) set to 0; use
    :meth:`make` to build one from loose values (it checks and normalises them).
    """

    t: tuple[float, ...]
    logits: tuple[float, ...]
    axes: tuple[int, int] = (0, 1)
    label_smoothing: float = 0.0
    temperature: float = 1.0
    variant: Variant = "exact"
    loss: Loss = "ce"
    gamma: float = 2.0

    @classmethod
    def make(
        cls,
        t: ArrayLike,
        logits: ArrayLike | None = None,
        axes: Sequence[int] = (0, 1),
        label_smoothing: float = 0.0,
        temperature: float = 1.0,
        variant: str = "exact",
        loss: str = "ce",
        gamma: float = 2.0,
    ) -> Layer:
        """A checked layer; errors name the parameter at fault (``t``, ``axes``, ...).

        ``loss`` is "ce" (the cross-entropy, default), "mse" or "focal"; ``gamma`` (default 2,
        in [0, 5]) is for focal only, and the book's variant for "ce" only."""
        label = _label(t)
        _labels(np.asarray(label), (len(label),), -1, label_smoothing)  # sums to 1, eps in [0, 1]
        check_options(temperature, variant, loss=loss, gamma=gamma)
        fixed = _fixed(logits, len(label))
        pair = _axes(axes, len(label))
        fixed[list(pair)] = 0.0  # the varied logits take the plane's values
        return cls(
            t=label,
            logits=tuple(float(v) for v in fixed),
            axes=pair,
            label_smoothing=float(label_smoothing),
            temperature=float(temperature),
            variant="book" if variant == "book" else "exact",
            loss="mse" if loss == "mse" else "focal" if loss == "focal" else "ce",
            gamma=float(gamma),
        )

    @property
    def k(self) -> int:
        """The number of classes."""
        return len(self.t)

    def labels(self) -> _Target:
        """The target t' = (1 - eps) t + eps / K, with 1 - t' kept to full precision."""
        return _labels(np.asarray(self.t), (self.k,), -1, self.label_smoothing)

    @property
    def target(self) -> FloatArray:
        """The label after smoothing: what y is pulled towards."""
        out = np.array(self.labels().probs, dtype=np.float64)
        out.setflags(write=False)
        return out

    def place(self, x0: ArrayLike, x1: ArrayLike) -> FloatArray:
        """All K logits at the points (x0, x1) of the plane, shape (..., K)."""
        u, v = np.broadcast_arrays(np.asarray(x0, dtype=np.float64), np.asarray(x1, np.float64))
        a = np.empty((*u.shape, self.k))
        a[...] = self.logits
        a[..., self.axes[0]] = u
        a[..., self.axes[1]] = v
        return a

    def evaluate(
        self, x0: ArrayLike, x1: ArrayLike, param: str = "probe"
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Logits, loss and gradient (y - t') / T at the points, from the layer itself."""
        a = self.place(x0, x1)
        with np.errstate(over="ignore"):
            scaled_ok = bool(np.isfinite(a / self.temperature).all())
        if not scaled_ok:
            raise SwlVizError(
                f"the logits divided by the temperature {self.temperature:g} leave the finite "
                "numbers; move the point nearer 0 or raise the temperature",
                param=param,
            )
        loss, grad = softmax_with_loss(
            a,
            np.asarray(self.t),
            label_smoothing=self.label_smoothing,
            temperature=self.temperature,
            variant=self.variant,
            loss=self.loss,
            gamma=self.gamma,
        )
        return a, loss, grad

    def factors(
        self, x0: ArrayLike, x1: ArrayLike, param: str = "probe"
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """The chain rule at the points: logits, loss, gradient, y and dL/dy (see
        :func:`swl_viz.maths.loss_factors`; the book's variant has the exact loss's factors)."""
        a, _, _ = self.evaluate(x0, x1, param)  # the checks, and the layer's own loss
        loss, grad, y, dl_dy = loss_factors(
            a,
            np.asarray(self.t),
            label_smoothing=self.label_smoothing,
            temperature=self.temperature,
            loss=self.loss,
            gamma=self.gamma,
        )
        if self.variant == "book":
            _, loss, grad = self.evaluate(x0, x1, param)
        return a, loss, grad, y, dl_dy
