"""A 50-digit reference for the Softmax-with-Loss layer, written with the same care as the core.

At 50 digits a naive m + log(sum) still rounds 30 + 1e-177 to 30, so the reference splits the
logits at their maximum too: -log y_k = (m - a_k) + log1p(S), S = sum_{j != c} exp(a_j - m).
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
from mpmath import mp, mpf

mp.dps = 50


def reference(a: Sequence[float], t: Sequence[float]) -> tuple[mpf, list[mpf]]:
    """Loss -sum t_k log y_k and gradient y_k - t_k, both at 50 digits."""
    a_mp = [mpf(float(v)) for v in a]
    t_mp = [mpf(float(v)) for v in t]
    c = max(range(len(a_mp)), key=lambda k: (a_mp[k], -k))
    m = a_mp[c]
    s = mpmath.fsum(mpmath.exp(v - m) for k, v in enumerate(a_mp) if k != c)
    lse = mpmath.log1p(s)
    loss = mpmath.fsum(tk * ((m - ak) + lse) for tk, ak in zip(t_mp, a_mp, strict=True))
    grad = []
    for k, (ak, tk) in enumerate(zip(a_mp, t_mp, strict=True)):
        if k == c:
            grad.append((1 - tk) - s / (1 + s))  # y_c - t_c without forming 1 - tiny
        else:
            grad.append(mpmath.exp(ak - m) / (1 + s) - tk)
    return loss, grad
