"""The Softmax-with-Loss layer: softmax, then cross-entropy, each formula beside its gradient.

Notation follows "Deep Learning from Scratch" 5.6.3: logits a, probabilities y = softmax(a),
teacher label t, loss L = -sum_k t_k log y_k and gradient dL/da_k = y_k - t_k.

Every function here is exact to a few ulp, with no 1e-7 inside the log. The trick is to split
the logits at their maximum m (at class c):

    S        = sum_{j != c} exp((a_j - m) / T)    (0 <= S, and tiny in the flat region)
    -log y_k = (m - a_k) / T + log1p(S)           (log1p keeps the tiny loss when S << 1)
    1 - y_c  = S / (1 + S)                        (so y_c - 1 never cancels to 0)

The shift by m comes before the division by the temperature T, so close logits far from 0 keep
their gap's digits. With label smoothing, 1 - t'_c is assembled from eps and 1 - t_c, never
from a rounded t'_c, so y_c - t'_c = (1 - t'_c) - (1 - y_c) keeps its digits near y = t' = 1.
Gaps m - a_k beyond the largest double are handled (see ``_wide_loss``); NaN and inf are
refused on the way in and never come out.

Beside the cross-entropy sit two other losses on the same softmax, for the lesson of why the
layer pairs softmax with cross-entropy (``loss="mse"`` and ``loss="focal"``):

    mse    L = 1/2 sum_k (y_k - t'_k)^2              dL/dy_k = y_k - t'_k
    focal  L = -sum_k t'_k (1 - y_k)^g log y_k        dL/dy_k = -t'_k (1 - y_k)^g / y_k
                                                             + g t'_k (1 - y_k)^(g-1) log y_k

Their gradient with respect to the logits goes through the softmax Jacobian,
dL/da_j = (y_j / T) (d_j - sum_k y_k d_k) with d = dL/dy. Since sum_k y_k = 1 the
differences can be taken against the top class c first: with q_k = y_k (d_k - d_c),

    dL/da_j = (q_j - y_j sum_k q_k) / T

which never subtracts sum_k y_k d_k from a d_j it nearly equals: where y is near one-hot the
sum is over the small q_k of the other classes, and tied classes give q_k = 0 exactly. Where
y_k underflows (and d_k = -t'_k (1 - y_k)^g / y_k + ... would not fit a double) q_k is taken
from the share p_k = y_k d_k, which stays finite. Every 1 - y_k is a sum of the other
probabilities ((1 + S - e_k) / (1 + S), or S / (1 + S) at the top), log y_k is the
log-softmax above, and y_c - t'_c is (1 - t'_c) - (1 - y_c), so nothing cancels and nothing
is 0 * inf where y underflows.

This module imports numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from swl_viz.errors import SwlVizError

__all__ = [
    "BOOK_DELTA",
    "GAMMA_RANGE",
    "LOSSES",
    "TEMPERATURE_RANGE",
    "Loss",
    "SoftmaxWithLoss",
    "SwlVizError",
    "Variant",
    "cross_entropy",
    "log_softmax",
    "loss_factors",
    "prepare_labels",
    "softmax",
    "softmax_with_loss",
]

FloatArray = NDArray[np.float64]
Variant = Literal["exact", "book"]
#: The losses on the softmax: cross-entropy, squared error and the focal loss.
Loss = Literal["ce", "mse", "focal"]
LOSSES: tuple[str, ...] = ("ce", "mse", "focal")
#: The focal loss's focusing parameter gamma, both ends included (Lin et al. 2017 try 0 to 5;
#: gamma = 0 is the cross-entropy).
GAMMA_RANGE = (0.0, 5.0)

#: The book's guard inside ``log(y + delta)``; it caps the loss at -log(1e-7) = 16.118.
BOOK_DELTA = 1e-7

#: How far from 1 a label's sum may be.
SUM_TOLERANCE = 1e-9

#: The documented temperatures, both ends included; anything else is refused. Over this range
#: the results meet 1e-12 relative against a 50-digit reference, and (y - t) / T stays below 1e3.
TEMPERATURE_RANGE = (1e-3, 1e3)

_DBL_MAX = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class _Split:
    """The logits split at their maximum: the pieces every formula below is built from."""

    neg_log_y: FloatArray  # -log y_k = (m - a_k) / T + log1p(S); +inf where that overflows
    y: FloatArray  # softmax, with y_c = 1 / (1 + S)
    complement: FloatArray  # 1 - y_c = S / (1 + S), shape of a reduced along axis (keepdims)
    log1p_s: FloatArray  # log1p(S), keepdims
    argmax: NDArray[np.intp]  # c, keepdims
    s: FloatArray  # S, keepdims
    e: FloatArray  # exp((a_k - m) / T), 0 at c


def _split(a: FloatArray, axis: int, temperature: float = 1.0) -> _Split:
    """Split finite logits ``a`` at their maximum m and scale by 1 / T in that order.

    z = (a - m) / T: the shift comes first, so small gaps between large logits keep their
    digits (dividing first rounds a / T, up to 1e7 at T = 1e-3, before the gap is taken). z can
    overflow to -inf when the logits spread beyond the largest double: exp(z) is then 0, as it
    would be anyway, and only -log y_k (and so the loss) needs the care of :func:`_wide_loss`.
    """
    c = np.argmax(a, axis=axis, keepdims=True)
    m = np.take_along_axis(a, c, axis=axis)
    with np.errstate(over="ignore"):
        z = a - m  # <= 0, and exactly 0 at c
        if temperature != 1.0:
            z /= temperature
    e = np.exp(z)
    np.put_along_axis(e, c, 0.0, axis=axis)  # leave c out of S, so S keeps its tiny values
    s = e.sum(axis=axis, keepdims=True)
    one_plus_s = 1.0 + s
    log1p_s = np.log1p(s)
    neg_log_y = log1p_s - z
    y = e / one_plus_s
    np.put_along_axis(y, c, 1.0 / one_plus_s, axis=axis)
    return _Split(
        neg_log_y=neg_log_y,
        y=y,
        complement=s / one_plus_s,
        log1p_s=log1p_s,
        argmax=c,
        s=s,
        e=e,
    )


def _as_logits(logits: ArrayLike, axis: int) -> tuple[FloatArray, int]:
    try:
        raw = np.asarray(logits)
    except (TypeError, ValueError):
        raise SwlVizError(
            "logits must be a rectangular array of real numbers", param="logits"
        ) from None
    if raw.dtype.kind not in "biuf":
        raise SwlVizError(f"logits must be real numbers, got dtype {raw.dtype}", param="logits")
    a = raw.astype(np.float64, copy=False)
    if a.ndim == 0:
        raise SwlVizError("logits must have at least one axis (the classes)", param="logits")
    axis = axis % a.ndim
    if a.shape[axis] < 2:
        raise SwlVizError(
            f"logits need at least 2 classes along axis {axis}, got {a.shape[axis]}",
            param="logits",
        )
    if not np.isfinite(a).all():
        raise SwlVizError("logits must be finite: NaN and inf have no softmax", param="logits")
    return a, axis


@dataclass(frozen=True)
class _Target:
    """The target t' = (1 - eps) t + eps / K, and 1 - t' assembled without cancellation."""

    probs: FloatArray
    comp: FloatArray  # (1 - eps)(1 - t) + eps (K - 1) / K: exact digits even when t' ~ 1


def _smooth(probs: FloatArray, k: int, eps: float) -> _Target:
    # 1 - t is exact for t >= 1/2 (Sterbenz) and one rounding of a number >= 1/2 otherwise
    comp = 1.0 - probs
    if eps:
        probs = (1.0 - eps) * probs + eps / k
        comp = (1.0 - eps) * comp + eps * ((k - 1) / k)
    return _Target(probs=probs, comp=comp)


def _check_smoothing(label_smoothing: float) -> float:
    try:
        eps = float(label_smoothing)
    except (TypeError, ValueError):
        eps = math.nan
    if not 0.0 <= eps <= 1.0:
        raise SwlVizError(
            f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}",
            param="label_smoothing",
        )
    return eps


def _labels(
    t: ArrayLike, logits_shape: tuple[int, ...], axis: int, label_smoothing: float
) -> _Target:
    """Check a teacher label against the logits' shape; see :func:`prepare_labels`."""
    eps = _check_smoothing(label_smoothing)
    ndim = len(logits_shape)
    axis = axis % ndim
    k = logits_shape[axis]
    try:
        arr = np.asarray(t)
    except (TypeError, ValueError):
        raise SwlVizError("t must be a rectangular array of numbers", param="t") from None
    if arr.dtype.kind in "iu" and arr.ndim == ndim - 1:
        want = logits_shape[:axis] + logits_shape[axis + 1 :]
        if arr.shape != want:
            raise SwlVizError(
                f"t is read as class indices (an integer array with one axis fewer than the "
                f"logits), so for logits of shape {logits_shape} it needs shape {want}, "
                f"got {arr.shape}",
                param="t",
            )
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise SwlVizError(f"class indices in t must lie in 0..{k - 1}", param="t")
        onehot = np.zeros(logits_shape, dtype=np.float64)
        np.put_along_axis(onehot, np.expand_dims(arr, axis), 1.0, axis=axis)
        return _smooth(onehot, k, eps)
    if arr.dtype.kind not in "biuf":
        raise SwlVizError(f"t must be numeric (real numbers), got dtype {arr.dtype}", param="t")
    probs = np.asarray(arr, dtype=np.float64)
    hint = "; class indices need an integer dtype" if probs.ndim == ndim - 1 else ""
    if probs.ndim == 0:
        raise SwlVizError(
            f"t is a scalar; as probabilities it needs an axis of the logits' {k} classes{hint}",
            param="t",
        )
    t_axis = axis - ndim + probs.ndim
    if t_axis < 0 or probs.shape[t_axis] != k:
        raise SwlVizError(
            f"t of shape {probs.shape} is read as probabilities over the logits' {k} classes "
            f"(axis {axis} of {logits_shape}), but it has no such axis of {k}{hint}",
            param="t",
        )
    if not np.isfinite(probs).all():
        raise SwlVizError("t must be finite", param="t")
    if (probs < 0).any():
        raise SwlVizError("t must be non-negative", param="t")
    sums = probs.sum(axis=t_axis)
    if (np.abs(sums - 1.0) > SUM_TOLERANCE).any():
        worst = float(sums.flat[np.argmax(np.abs(sums - 1.0))])
        raise SwlVizError(
            f"t must sum to 1 (within {SUM_TOLERANCE:g}), got a sum of {worst:.12g}",
            param="t",
        )
    try:
        fits = np.broadcast_shapes(probs.shape, logits_shape) == logits_shape
    except ValueError:
        fits = False
    if not fits:
        raise SwlVizError(
            f"t of shape {probs.shape} does not fit logits of shape {logits_shape}", param="t"
        )
    target = _smooth(probs, k, eps)  # on the label as given, before it is broadcast
    return _Target(
        probs=np.broadcast_to(target.probs, logits_shape),
        comp=np.broadcast_to(target.comp, logits_shape),
    )


def prepare_labels(
    t: ArrayLike,
    logits_shape: tuple[int, ...],
    axis: int = -1,
    *,
    label_smoothing: float = 0.0,
) -> FloatArray:
    """Check a teacher label and return it as probabilities, broadcast to ``logits_shape``.

    The rule: an integer ``t`` with exactly one axis fewer than the logits holds class indices,
    one per sample (the book's labels), and must have the logits' shape without the classes
    axis. Anything else numeric is probabilities (one-hot or soft: finite, >= 0, summing to 1
    within 1e-9) along the classes axis, broadcast to the logits' shape. With
    ``label_smoothing`` eps in [0, 1] the target becomes (1 - eps) t + eps / K, as in PyTorch
    (eps = 1 is the uniform target).
    """
    return _labels(t, logits_shape, axis, label_smoothing).probs


def check_options(
    temperature: float, variant: str, *, loss: str = "ce", gamma: float = 2.0
) -> None:
    """Refuse a temperature outside :data:`TEMPERATURE_RANGE`, an unknown variant or loss, a
    gamma outside :data:`GAMMA_RANGE` or given to a loss other than focal, and the book's
    variant on a loss other than the cross-entropy (its 1e-7 guards cross_entropy_error)."""
    lo, hi = TEMPERATURE_RANGE
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        value = math.nan
    if not lo <= value <= hi:
        raise SwlVizError(
            f"temperature must be a number in [{lo:g}, {hi:g}], got {temperature!r}",
            param="temperature",
        )
    if variant not in ("exact", "book"):
        raise SwlVizError(f"variant must be 'exact' or 'book', got {variant!r}", param="variant")
    if loss not in LOSSES:
        raise SwlVizError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}", param="loss")
    try:
        g = float(gamma)
    except (TypeError, ValueError):
        g = math.nan
    g_lo, g_hi = GAMMA_RANGE
    if not g_lo <= g <= g_hi:
        raise SwlVizError(
            f"gamma must be a number in [{g_lo:g}, {g_hi:g}], got {gamma!r}", param="gamma"
        )
    if loss != "focal" and g != 2.0:
        raise SwlVizError("gamma: applies only with loss focal", param="gamma", mentions=("loss",))
    if variant == "book" and loss != "ce":
        raise SwlVizError(
            f"the book's variant is its cross_entropy_error, -sum t log(y + 1e-7); loss {loss} "
            "takes the exact variant only",
            param="variant",
        )


def softmax(a: ArrayLike, axis: int = -1) -> FloatArray:
    """y_k = exp(a_k) / sum_j exp(a_j)   (3.10), computed without overflow for any finite a."""
    arr, axis = _as_logits(a, axis)
    return _split(arr, axis).y


def log_softmax(a: ArrayLike, axis: int = -1) -> FloatArray:
    """log y_k = -(m - a_k) - log1p(S): never -inf where y_k is a normal number.

    Refused (``param="logits"``) when some log y_k is below -1.8e308, the largest double:
    that happens only when the logits spread further than that.
    """
    arr, axis = _as_logits(a, axis)
    out = -_split(arr, axis).neg_log_y
    if not np.isfinite(out).all():
        raise SwlVizError(
            f"a log-probability is below -{_DBL_MAX:.4g}, beyond the largest double: the "
            "logits spread too far apart",
            param="logits",
        )
    return out


def _wide_loss(
    a: FloatArray, probs: FloatArray, axis: int, temperature: float, sp: _Split
) -> FloatArray:
    """The loss log1p(S) sum t + sum_k t_k (m - a_k) / T, for logits whose gaps overflow.

    m - a_k can reach 2 * 1.8e308, so it is taken in halves, m/2 - a_k/2 (exact), and each
    term is halved once more before the sum, so nothing overflows before the final scaling by
    4 / T; that overflows only when the loss itself is beyond the largest double.
    """
    m = np.take_along_axis(a, sp.argmax, axis=axis)
    half = m * 0.5 - a * 0.5  # (m - a) / 2 >= 0, at most the largest double
    with np.errstate(over="ignore"):
        linear = np.sum((probs * half) * 0.5, axis=axis) * (4.0 / temperature)
        loss: FloatArray = np.squeeze(sp.log1p_s, axis) * np.sum(probs, axis=axis) + linear
    return loss


def _complements(sp: _Split, axis: int) -> FloatArray:
    """u_k = 1 - y_k as the sum of the other probabilities: (1 + S - e_k) / (1 + S), and
    S / (1 + S) at the top class c. 1 + (S - e_k) adds positive numbers to 1, so its error is a
    few ulp of a number >= 1; nothing cancels."""
    one_plus_s = 1.0 + sp.s
    u = (1.0 + (sp.s - sp.e)) / one_plus_s
    np.put_along_axis(u, sp.argmax, sp.complement, axis=axis)
    return u


#: Below this a probability's dL/dy = p / y could leave the doubles; its share p is used.
_TINY_Y = 1e-300


def _shares(
    sp: _Split, target: _Target, axis: int, loss: Loss, gamma: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Loss, the shares q_k = y_k (d_k - d_c) and dL/dy = d, for ``loss`` "mse" or "focal".

    d_k - d_c is taken against the top class c, so that tied classes (the same y, the same
    t') give exactly 0 and nothing cancels in the Jacobian (see :func:`_jacobian`).
    """
    probs = target.probs
    t_c = np.take_along_axis(probs, sp.argmax, axis=axis)
    if loss == "mse":
        d = sp.y - probs
        # at the top class, y_c - t'_c = (1 - t'_c) - (1 - y_c) when t'_c >= 1/2 (as for the
        # cross-entropy's gradient): both complements keep their digits near y = t' = 1
        comp_c = np.take_along_axis(target.comp, sp.argmax, axis=axis)
        y_c = np.take_along_axis(sp.y, sp.argmax, axis=axis)
        d_c = np.where(t_c >= 0.5, comp_c - sp.complement, y_c - t_c)
        np.put_along_axis(d, sp.argmax, d_c, axis=axis)
        value = 0.5 * np.sum(d * d, axis=axis)
        return value, sp.y * (d - d_c), d
    # focal: p_k = y_k d_k = -t'_k u_k^g (1 + g y_k (-log y_k) / u_k), u = 1 - y; at the top
    # class y_c (-log y_c) / u_c is computed alike, and tends to 1 where S (so u_c) underflows
    u = _complements(sp, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        yq = np.where(u > 0.0, sp.y * sp.neg_log_y / np.where(u > 0.0, u, 1.0), 1.0)
    weight = probs * np.power(u, gamma)
    p = -weight * (1.0 + gamma * yq)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = np.where(weight > 0.0, weight * sp.neg_log_y, 0.0)  # t'_k = 0: no term
    value = np.sum(terms, axis=axis)
    y_c = np.take_along_axis(sp.y, sp.argmax, axis=axis)  # >= 1 / K
    d_c = np.take_along_axis(p, sp.argmax, axis=axis) / y_c
    big = sp.y > _TINY_Y
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = np.where(big, p / np.where(big, sp.y, 1.0), np.where(p == 0.0, 0.0, -np.inf))
        q = np.where(big, sp.y * (d - d_c), p - sp.y * d_c)
    return value, q, d


def _jacobian(sp: _Split, q: FloatArray, axis: int) -> FloatArray:
    """dL/da_j = y_j (d_j - sum_k y_k d_k) before the 1 / T: the softmax Jacobian applied to
    dL/dy. With q_k = y_k (d_k - d_c) this is q_j - y_j sum_k q_k, since sum_k y_k = 1: the
    differences are taken against the top class first, so a gradient far smaller than dL/dy
    (y near one-hot, or two classes tied) keeps its digits."""
    grad: FloatArray = q - sp.y * np.sum(q, axis=axis, keepdims=True)
    return grad


def _evaluate(
    a: FloatArray,
    target: _Target,
    axis: int,
    temperature: float,
    variant: Variant,
    loss_kind: Loss = "ce",
    gamma: float = 2.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Loss, gradient and softmax of checked logits ``a`` and a checked ``target``."""
    if loss_kind != "ce":
        loss, grad, y, _ = _evaluate_factors(a, target, axis, temperature, loss_kind, gamma)
        return loss, grad, y
    sp = _split(a, axis, temperature)
    probs = target.probs

    if variant == "book":
        loss = -np.sum(probs * np.log(sp.y + BOOK_DELTA), axis=axis)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            loss = np.sum(probs * sp.neg_log_y, axis=axis)  # 0 * inf where a gap overflowed
        bad = ~np.isfinite(loss)
        if bad.any():
            loss = np.where(bad, _wide_loss(a, probs, axis, temperature, sp), loss)[()]
            if not np.isfinite(loss).all():
                raise SwlVizError(
                    f"the loss exceeds the largest double ({_DBL_MAX:.4g}): the logits are "
                    f"too far apart for temperature {temperature:g}",
                    param="logits",
                )

    grad = sp.y - probs
    # At the top class c, y_c - t_c = (1 - t_c) - (1 - y_c): both complements keep their
    # digits (1 - t_c from the label, before smoothing rounded t_c; 1 - y_c = S / (1 + S)), so
    # y_c - t_c never cancels to noise when both are near 1.
    t_c = np.take_along_axis(probs, sp.argmax, axis=axis)
    comp_c = np.take_along_axis(target.comp, sp.argmax, axis=axis)
    y_c = np.take_along_axis(sp.y, sp.argmax, axis=axis)
    g_c = np.where(t_c >= 0.5, comp_c - sp.complement, y_c - t_c)
    np.put_along_axis(grad, sp.argmax, g_c, axis=axis)
    if temperature != 1.0:
        grad /= temperature  # chain rule through a / T
    return loss, grad, sp.y


def _evaluate_factors(
    a: FloatArray, target: _Target, axis: int, temperature: float, loss_kind: Loss, gamma: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Loss, gradient, softmax and dL/dy, for any of the three losses."""
    if loss_kind == "ce":
        loss, grad, y = _evaluate(a, target, axis, temperature, "exact")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dl_dy = np.where(target.probs == 0.0, 0.0, -target.probs / y)
        return loss, grad, y, dl_dy
    sp = _split(a, axis, temperature)
    loss, q, dl_dy = _shares(sp, target, axis, loss_kind, gamma)
    if not np.isfinite(loss).all():
        raise SwlVizError(
            f"the loss exceeds the largest double ({_DBL_MAX:.4g}): the logits are too far "
            f"apart for temperature {temperature:g}",
            param="logits",
        )
    grad = _jacobian(sp, q, axis)
    if temperature != 1.0:
        grad /= temperature  # chain rule through a / T
    return loss, grad, sp.y, dl_dy


def loss_factors(
    logits: ArrayLike,
    t: ArrayLike,
    axis: int = -1,
    *,
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    loss: Loss = "ce",
    gamma: float = 2.0,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The chain rule's two factors and what they make: ``(loss, grad, y, dl_dy)``.

    ``dl_dy`` is dL/dy (the loss's own slope; -t'/y for the cross-entropy, y - t' for mse), and
    ``grad`` = J^T dL/dy with the softmax Jacobian J = (diag(y) - y y^T) / T. dL/dy is +-inf
    where y_k underflows to 0 under a cross-entropy or focal term t'_k > 0, while grad stays
    finite: the Jacobian's factor y_k is 0 there too.
    """
    a, axis = _as_logits(logits, axis)
    check_options(temperature, "exact", loss=loss, gamma=gamma)
    target = _labels(t, a.shape, axis, label_smoothing)
    return _evaluate_factors(a, target, axis, temperature, loss, gamma)


def softmax_with_loss(
    logits: ArrayLike,
    t: ArrayLike,
    axis: int = -1,
    *,
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    variant: Variant = "exact",
    loss: Loss = "ce",
    gamma: float = 2.0,
) -> tuple[FloatArray, FloatArray]:
    """Loss and gradient of each sample: L = -sum_k t_k log y_k and dL/da = (y - t) / T.

    ``loss="mse"`` takes L = 1/2 sum (y - t')^2 and ``loss="focal"`` the focal loss
    -sum t' (1 - y)^gamma log y (``gamma`` in [0, 5], focal only) on the same y; their
    gradient goes through the softmax Jacobian (see :func:`loss_factors`).

    ``y = softmax(a / T)`` with temperature T in :data:`TEMPERATURE_RANGE` ([1e-3, 1e3]).
    ``variant="book"`` computes the loss as the book's ``cross_entropy_error`` does,
    -sum t log(y + 1e-7), and keeps the layer's gradient y - t.
    Returns ``(loss, grad)``: loss has the classes axis removed, grad has the logits' shape.

    The label ``t`` is read by its dtype and shape, never by its values:

    * an integer array with exactly one axis fewer than the logits holds the class indices,
      one per sample, and must have the logits' shape without the classes axis (logits
      (3, 10) take indices of shape (3,); 1-D logits take one integer);
    * anything else is probabilities along the classes axis (one-hot or soft; >= 0,
      summing to 1), broadcast to the logits: ``[1., 0.]`` with logits (2, 2) is one one-hot
      row for both samples, while the integers ``[1, 0]`` are the classes of two samples.

    ``label_smoothing`` eps in [0, 1] makes the target (1 - eps) t + eps / K (eps = 1: uniform).
    Logits and labels must be finite, else :class:`SwlVizError` with ``param`` "logits" or "t".
    Any finite logits work, up to the largest double; only a loss that is itself beyond the
    largest double (1.8e308) is refused, with ``param="logits"``.
    """
    a, axis = _as_logits(logits, axis)
    check_options(temperature, variant, loss=loss, gamma=gamma)
    target = _labels(t, a.shape, axis, label_smoothing)
    value, grad, _ = _evaluate(a, target, axis, temperature, variant, loss, gamma)
    return value, grad


def cross_entropy(
    logits: ArrayLike,
    t: ArrayLike,
    axis: int = -1,
    *,
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    variant: Variant = "exact",
) -> FloatArray:
    """The loss of each sample, -sum_k t_k log softmax(a / T)_k   (4.2 without the 1/N)."""
    value, _ = softmax_with_loss(
        logits,
        t,
        axis,
        label_smoothing=label_smoothing,
        temperature=temperature,
        variant=variant,
    )
    return value


class SoftmaxWithLoss:
    """The book's layer, corrected: the mean loss forward, dout * (y - t) / N backward.

    ``N`` is the number of samples, so a single 1-D sample gets the full gradient y - t (the
    book divides by ``t.shape[0]``, which there is the class count). Labels are used as given:
    one-hot or soft probability vectors, or integer class indices (the rule of
    :func:`softmax_with_loss`).
    """

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: FloatArray | None = None
        self.t: FloatArray | None = None
        self._grad: FloatArray | None = None
        self._n = 1

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        a, axis = _as_logits(x, -1)
        target = _labels(t, a.shape, axis, 0.0)
        self.t = target.probs
        per_sample, self._grad, self.y = _evaluate(a, target, axis, 1.0, "exact")
        self._n = int(np.prod(a.shape[:-1]))  # samples: 1 for a single 1-D sample
        self.loss = float(np.mean(per_sample))
        return self.loss

    def backward(self, dout: float = 1.0) -> FloatArray:
        if self._grad is None:
            raise SwlVizError("call forward() before backward()")
        return dout * self._grad / self._n
