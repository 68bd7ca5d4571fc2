"""A 50-digit reference for the Softmax-with-Loss layer, written with the same care as the core.

At 50 digits a naive m + log(sum) still rounds 30 + 1e-177 to 30, so the reference splits the
logits at their maximum too: -log y_k = (m - a_k) / T + log1p(S) with
S = sum_{j != c} exp((a_j - m) / T).
Label smoothing and the temperature are applied here at 50 digits, from the same doubles the
core receives, so a core that rounds its target or its scaled logits early is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias, TypedDict, Unpack

import mpmath
import numpy as np
from mpmath import mp, mpf
from numpy.typing import NDArray

mp.dps = 50

#: logits or a label: a list of floats, or a 1-D numpy array of them
Vector: TypeAlias = Sequence[float] | NDArray[np.float64]


def target(t: Vector, label_smoothing: float = 0.0) -> list[mpf]:
    """(1 - eps) t + eps / K at 50 digits."""
    eps = mpf(float(label_smoothing))
    k = len(t)
    return [(1 - eps) * mpf(float(v)) + eps / k for v in t]


def log_probabilities(a: Vector, temperature: float = 1.0) -> list[mpf]:
    """log softmax(a / T)_k at 50 digits (any size: mpf does not overflow at 1e308)."""
    a_mp = [mpf(float(v)) for v in a]
    temp = mpf(float(temperature))
    m = max(a_mp)
    s = mpmath.fsum(mpmath.exp((v - m) / temp) for v in a_mp)
    return [(v - m) / temp - mpmath.log(s) for v in a_mp]


def _split(a: Vector, temperature: float) -> tuple[list[mpf], mpf, int, mpf]:
    """The logits at 50 digits, T, the top class c (the first of equal tops) and
    S = sum_{j != c} exp((a_j - a_c) / T): softmax split at its maximum."""
    a_mp = [mpf(float(v)) for v in a]
    temp = mpf(float(temperature))
    c = max(range(len(a_mp)), key=lambda k: (a_mp[k], -k))
    m = a_mp[c]
    s = mpmath.fsum(mpmath.exp((v - m) / temp) for k, v in enumerate(a_mp) if k != c)
    return a_mp, temp, c, s


def reference(
    a: Vector,
    t: Vector,
    *,
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
) -> tuple[mpf, list[mpf]]:
    """Loss -sum t'_k log y_k and gradient (y_k - t'_k) / T, both at 50 digits.

    t' is the smoothed target and y = softmax(a / T).
    """
    a_mp, temp, c, s = _split(a, temperature)
    t_mp = target(t, label_smoothing)
    m = a_mp[c]
    lse = mpmath.log1p(s)
    loss = mpmath.fsum(tk * ((m - ak) / temp + lse) for tk, ak in zip(t_mp, a_mp, strict=True))
    grad = []
    for k, (ak, tk) in enumerate(zip(a_mp, t_mp, strict=True)):
        if k == c:
            grad.append(((1 - tk) - s / (1 + s)) / temp)  # y_c - t_c without forming 1 - tiny
        else:
            grad.append((mpmath.exp((ak - m) / temp) / (1 + s) - tk) / temp)
    return loss, grad


def scale(
    a: Vector,
    t: Vector,
    k: int,
    *,
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
) -> mpf:
    """The size of the two exact terms whose difference is the gradient of class k, over T.

    For the top class c that is (1 - t'_c) + (1 - y_c); for the others t'_k + y_k. A gradient
    far smaller than this is a genuine cancellation of y against t' (ill-conditioned), and is
    held to a bound relative to these terms rather than to itself.
    """
    a_mp, temp, c, s = _split(a, temperature)
    t_mp = target(t, label_smoothing)
    m = a_mp[c]
    if k == c:
        return ((1 - t_mp[c]) + s / (1 + s)) / temp
    return (t_mp[k] + mpmath.exp((a_mp[k] - m) / temp) / (1 + s)) / temp


def mean_losses(a: Sequence[Vector], t: Sequence[Vector]) -> tuple[mpf, mpf]:
    """A batch's mean loss -sum t log y / N, and the book's -sum t log(y + 1e-7) / N, at 50 digits.

    The book's 1e-7 is the double the book's code adds, and y is the exact softmax."""
    delta = mpf(1e-7)
    exact, book = [], []
    for a_n, t_n in zip(a, t, strict=True):
        exact.append(reference(a_n, t_n)[0])
        logs = log_probabilities(a_n)
        book.append(
            -mpmath.fsum(
                mpf(float(tk)) * mpmath.log(mpmath.exp(lp) + delta)
                for tk, lp in zip(t_n, logs, strict=True)
            )
        )
    n = len(exact)
    return mpmath.fsum(exact) / n, mpmath.fsum(book) / n


# ---- squared error and the focal loss on the same softmax --------------------------------------


def _pieces(a: Vector, temperature: float) -> tuple[list[mpf], list[mpf], list[mpf]]:
    """y_k, log y_k and u_k = 1 - y_k at 50 digits, each without forming 1 - (nearly 1):
    u_c = S / (1 + S) at the top class, (1 + S - e_k) / (1 + S) elsewhere. Logits given as
    mpf keep all their digits (for numerical derivatives of the reference itself)."""
    a_mp = [v if isinstance(v, mpf) else mpf(float(v)) for v in a]
    temp = mpf(float(temperature))
    c = max(range(len(a_mp)), key=lambda k: (a_mp[k], -k))
    m = a_mp[c]
    e = [mpf(0) if k == c else mpmath.exp((v - m) / temp) for k, v in enumerate(a_mp)]
    s = mpmath.fsum(e)
    y = [1 / (1 + s) if k == c else ek / (1 + s) for k, ek in enumerate(e)]
    logs = [(v - m) / temp - mpmath.log1p(s) for v in a_mp]
    u = [s / (1 + s) if k == c else (1 + (s - ek)) / (1 + s) for k, ek in enumerate(e)]
    return y, logs, u


def other_reference_at(
    a: Vector, t_mp: Sequence[mpf], loss: str, gamma: float, temperature: float
) -> tuple[mpf, list[mpf], list[mpf]]:
    """Loss, gradient dL/da and dL/dy for a target already at 50 digits (see
    :func:`other_reference`)."""
    y, logs, u = _pieces(a, temperature)
    temp = mpf(float(temperature))
    g = mpf(float(gamma))
    k_n = len(y)
    if loss == "mse":
        # at the top class y_c - t_c as (1 - t_c) - u_c: y_c may round to 1 even at 50 digits
        top = max(range(k_n), key=lambda k: y[k])
        d = [(1 - t_mp[k]) - u[k] if k == top else y[k] - t_mp[k] for k in range(k_n)]
        value = mpmath.fsum(dk * dk for dk in d) / 2
    elif loss == "focal":
        d = []
        terms = []
        for k in range(k_n):
            if t_mp[k] == 0:
                d.append(mpf(0))
                terms.append(mpf(0))
                continue
            uk = u[k]
            if uk == 0:  # y_k = 1 exactly: only with one class
                d.append(-t_mp[k])
                terms.append(mpf(0))
                continue
            d.append(-t_mp[k] * (uk**g / y[k] - g * uk ** (g - 1) * logs[k]))
            terms.append(-t_mp[k] * uk**g * logs[k])
        value = mpmath.fsum(terms)
    else:
        raise ValueError(loss)
    # the softmax Jacobian: dL/da_j = y_j sum_{k != j} y_k (d_j - d_k) / T
    grad = [
        y[j] * mpmath.fsum(y[k] * (d[j] - d[k]) for k in range(k_n) if k != j) / temp
        for j in range(k_n)
    ]
    return value, grad, d


class LayerOptions(TypedDict, total=False):
    """The keywords of a loss on y beyond its name: the focal loss's gamma (2), the label
    smoothing (0) and the temperature (1)."""

    gamma: float
    label_smoothing: float
    temperature: float


def _case(t: Vector, opts: LayerOptions) -> tuple[list[mpf], float, float]:
    """The smoothed target at 50 digits, gamma and the temperature, defaults filled in."""
    t_mp = target(t, opts.get("label_smoothing", 0.0))
    return t_mp, opts.get("gamma", 2.0), opts.get("temperature", 1.0)


def other_reference(
    a: Vector, t: Vector, *, loss: str, **opts: Unpack[LayerOptions]
) -> tuple[mpf, list[mpf], list[mpf]]:
    """``loss`` "mse" (1/2 sum (y - t')^2) or "focal" (-sum t' (1 - y)^gamma log y) at 50
    digits: (loss, dL/da, dL/dy), y = softmax(a / T), t' the smoothed target.

    Written from the definitions: dL/dy term by term, then the Jacobian as
    y_j sum_k y_k (d_j - d_k) / T, which is (J^T d)_j since sum_k y_k = 1."""
    t_mp, gamma, temperature = _case(t, opts)
    return other_reference_at(a, t_mp, loss, gamma, temperature)


def target_rounding(
    a: Vector, t: Vector, *, loss: str, **opts: Unpack[LayerOptions]
) -> tuple[mpf, mpf]:
    """How far the loss and the gradient (2-norm) move when each smoothed target t'_k moves by
    one rounding to a double (2^-52 t'_k; nothing for a t'_k that is a double already), summed
    over k: the error any double computation inherits from t', which the bound allows 4x of.
    Zero for a one-hot label without smoothing."""
    t_mp, gamma, temperature = _case(t, opts)
    base_l, base_g, _ = other_reference_at(a, t_mp, loss, gamma, temperature)
    ulp = mpf(2) ** -52
    dl = mpf(0)
    dg = mpf(0)
    for k, tk in enumerate(t_mp):
        if mpf(float(tk)) == tk:
            continue
        moved = list(t_mp)
        moved[k] = tk * (1 + ulp)
        l2, g2, _ = other_reference_at(a, moved, loss, gamma, temperature)
        dl += abs(l2 - base_l)
        dg += mpmath.sqrt(mpmath.fsum((x - y) ** 2 for x, y in zip(g2, base_g, strict=True)))
    return dl, dg
