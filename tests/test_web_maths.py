"""The page's own maths, window.swlViz.loss, in Chromium against a 50-digit reference.

The script the page carries (swl_viz/web/live.js) is loaded into a blank page and asked for
the loss and gradient of random inputs over the documented range: K = 2 and 3 classes, T from
1e-3 to 1e3, label smoothing from 0 to 1, logits up to 1e3 in size, for the cross-entropy (exact
and the book's 1e-7), the squared error and the focal loss. The reference works at 50 digits
from the same doubles. The squared error's and focal loss's reference gradients come from the
chain rule through the softmax's Jacobian; they are checked in turn against mpmath's own
numerical derivative of the 50-digit loss.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import mpmath
import numpy as np
import pytest
from mpmath import mp, mpf
from test_browser import browser  # noqa: F401  (the shared Chromium)

from swl_viz.web.page import live_script

pytestmark = pytest.mark.browser

mp.dps = 50
CASES = 400


def _softmax_mp(x: list[Any], temperature: float) -> list[mpf]:
    return _split_mp(x, temperature)[0]


def _split_mp(x: list[Any], temperature: float) -> tuple[list[mpf], list[mpf]]:
    """y = softmax(x / T) and 1 - y, each summed from its own terms: at 50 digits 1 - y_c is
    lost once y_c is within 1e-50 of 1, and the squared error's and focal loss's gradients
    scale with it."""
    a = [mpf(v) for v in x]
    temp = mpf(temperature)
    m = max(a)
    e = [mpmath.exp((v - m) / temp) for v in a]
    s = mpmath.fsum(e)
    rest = [mpmath.fsum(e[:k] + e[k + 1 :]) / s for k in range(len(e))]
    return [v / s for v in e], rest


def _neg_log_y(x: list[Any], temperature: float) -> list[mpf]:
    """-log y_k = (m - x_k) / T + log1p(S), S over the classes but the top one: at 50 digits
    log(1 + S) would lose a tiny S."""
    a = [mpf(v) for v in x]
    temp = mpf(temperature)
    c = max(range(len(a)), key=lambda k: (a[k], -k))
    m = a[c]
    s = mpmath.fsum(mpmath.exp((v - m) / temp) for k, v in enumerate(a) if k != c)
    return [(m - v) / temp + mpmath.log1p(s) for v in a]


def _target(t: list[float], eps: float) -> list[mpf]:
    k = len(t)
    return [(1 - mpf(eps)) * mpf(v) + mpf(eps) / k for v in t]


def loss_mp(x: list[Any], t: list[float], opts: dict[str, Any]) -> mpf:
    """The loss at 50 digits (x may hold mpf, for the numerical derivative)."""
    temperature = opts["temperature"]
    tp = _target(t, opts["labelSmoothing"])
    kind = opts["loss"]
    y, y_comp = _split_mp(x, temperature)
    if kind == "ce":
        if opts["variant"] == "book":
            delta = mpf(1e-7)
            return -mpmath.fsum(tk * mpmath.log(yk + delta) for tk, yk in zip(tp, y, strict=True))
        nly = _neg_log_y(x, temperature)
        return mpmath.fsum(tk * v for tk, v in zip(tp, nly, strict=True))
    if kind == "mse":
        return mpmath.fsum(dk**2 for dk in _differences(x, t, opts)) / 2
    gamma = mpf(opts["gamma"])
    nly = _neg_log_y(x, temperature)
    return mpmath.fsum(
        tk * yc**gamma * v for tk, yc, v in zip(tp, y_comp, nly, strict=True) if tk != 0
    )


def _differences(x: list[Any], t: list[float], opts: dict[str, Any]) -> list[mpf]:
    """y_k - t'_k, from the complements (1 - t'_k) - (1 - y_k) where both are near 1."""
    eps = mpf(opts["labelSmoothing"])
    k_classes = len(t)
    tp = _target(t, opts["labelSmoothing"])
    t_comp = [(1 - eps) * (1 - mpf(v)) + eps * (k_classes - 1) / k_classes for v in t]
    y, y_comp = _split_mp(x, opts["temperature"])
    return [tc - yc if tk > 0.5 else yk - tk
            for yk, yc, tk, tc in zip(y, y_comp, tp, t_comp, strict=True)]  # fmt: skip


def reference(x: list[float], t: list[float], opts: dict[str, Any]) -> tuple[mpf, list[mpf]]:
    """Loss and gradient at 50 digits: (y - t') / T for the cross-entropy (the book's variant
    keeps it), the chain rule through the softmax's Jacobian for the others."""
    temperature = mpf(opts["temperature"])
    tp = _target(t, opts["labelSmoothing"])
    y, y_comp = _split_mp(x, opts["temperature"])
    d = _differences(x, t, opts)
    kind = opts["loss"]
    if kind == "ce":
        grad = [dk / temperature for dk in d]
        return loss_mp(list(x), t, opts), grad
    if kind == "focal":
        gamma = mpf(opts["gamma"])
        nly = _neg_log_y(x, opts["temperature"])
        d = [
            tk * (gamma * yc ** (gamma - 1) * (-v) - yc**gamma / yk) if tk != 0 else mpf(0)
            for tk, yk, yc, v in zip(tp, y, y_comp, nly, strict=True)
        ]
    # d_j - sum_k y_k d_k = sum_{k != j} y_k (d_j - d_k): no 1 - y_j formed from y_j
    grad = [
        y[j] / temperature * mpmath.fsum(y[k] * (d[j] - d[k]) for k in range(len(d)) if k != j)
        for j in range(len(d))
    ]
    return loss_mp(list(x), t, opts), grad


def _cases(seed: int, count: int) -> Iterator[tuple[list[float], list[float], dict[str, Any]]]:
    """Random inputs over the documented range; logits of every size up to 1e3, ties, labels
    one-hot and soft, smoothing 0, 1 and between, T log-uniform over [1e-3, 1e3]."""
    rng = np.random.default_rng(seed)
    kinds = [("ce", "exact"), ("ce", "book"), ("mse", "exact"), ("focal", "exact")]
    for n in range(count):
        k = 2 + n % 2
        size = 10 ** rng.uniform(-3, 3, k)
        x = list(np.clip(rng.choice([-1.0, 1.0], k) * size, -1e3, 1e3))
        if n % 17 == 0:
            x[1] = x[0]  # a tie
        if n % 3 == 0:
            t = [0.0] * k
            t[int(rng.integers(k))] = 1.0
        else:
            raw = rng.dirichlet(np.ones(k))
            t = [float(v) for v in raw[:-1]]
            t.append(1.0 - sum(t))
        eps = float([0.0, 1.0, rng.uniform(0, 1), 10 ** rng.uniform(-12, 0)][n % 4])
        temperature = float(10 ** rng.uniform(-3, 3))
        loss, variant = kinds[n % len(kinds)]
        gamma = float([2.0, 0.0, 0.5, 3.7][(n // 4) % 4])
        opts = {"temperature": temperature, "labelSmoothing": eps, "variant": variant,
                "loss": loss, "gamma": gamma}  # fmt: skip
        yield [float(v) for v in x], t, opts


@pytest.fixture(scope="module")
def maths(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(content=live_script())
    assert page.evaluate("() => typeof window.swlViz.loss") == "function", errors
    yield page
    context.close()


def _run(page: Any, cases: list[tuple[list[float], list[float], dict[str, Any]]]) -> list[Any]:
    out: list[Any] = page.evaluate(
        "(cases) => cases.map(([x, t, o]) => window.swlViz.loss(x, t, o))", cases
    )
    return out


def _size(x: list[float], t: list[float], opts: dict[str, Any]) -> list[float]:
    """Per class, the size of the exact terms whose difference is its gradient: a gradient far
    below them is a genuine cancellation (y close to t'), held to a bound relative to them."""
    temperature = mpf(opts["temperature"])
    tp = _target(t, opts["labelSmoothing"])
    y = _softmax_mp(x, opts["temperature"])
    if opts["loss"] == "ce":
        return [float((yk + tk) / temperature) for yk, tk in zip(y, tp, strict=True)]
    _, grad = reference(x, t, opts)
    return [float(abs(g)) for g in grad]


def test_loss_matches_50_digits(maths: Any) -> None:
    cases = list(_cases(19, CASES))
    got = _run(maths, cases)
    worst = 0.0
    for (x, t, opts), result in zip(cases, got, strict=True):
        ref_l, ref_g = reference(x, t, opts)
        y_ref = _softmax_mp(x, opts["temperature"])
        where = (x, t, opts, result)
        assert len(result["grad"]) == len(x) == len(result["y"]), where
        l_err = abs(mpf(result["L"]) - ref_l)
        assert l_err <= 1e-12 * abs(ref_l) + mpf(1e-300), where
        for a, b in zip(result["y"], y_ref, strict=True):
            assert abs(mpf(a) - b) <= 1e-12 * b + mpf(1e-300), where  # subnormals: absolute
        pairs = zip(result["grad"], ref_g, strict=True)
        g_err = mpmath.sqrt(mpmath.fsum((mpf(a) - b) ** 2 for a, b in pairs))
        g_norm = mpmath.sqrt(mpmath.fsum(b**2 for b in ref_g))
        floor = 1e-13 * float(np.linalg.norm(_size(x, t, opts))) + 1e-300
        assert g_err <= 1e-12 * g_norm + floor, (where, float(g_err), float(g_norm))
        if g_norm > 1e6 * floor:  # the normwise error where it is not held to the floor
            worst = max(worst, float(g_err / g_norm))
    print(f"worst normwise relative gradient error: {worst:.2e}")
    assert worst <= 1e-12


@pytest.mark.parametrize("kind", ["mse", "focal"])
def test_reference_gradient_is_the_derivative(kind: str) -> None:
    """The Jacobian formula of the reference equals mpmath's derivative of the 50-digit loss
    (at moderate inputs, where a numerical derivative is well conditioned)."""
    rng = np.random.default_rng(7)
    for n in range(12):
        k = 2 + n % 2
        x = [float(v) for v in rng.uniform(-3, 3, k)]
        raw = rng.dirichlet(np.ones(k))
        t = [float(v) for v in raw[:-1]] + [1.0 - float(sum(raw[:-1]))]
        opts = {"temperature": float(10 ** rng.uniform(-0.5, 0.5)),
                "labelSmoothing": float(rng.uniform(0, 0.5)), "variant": "exact", "loss": kind,
                "gamma": float([2.0, 0.5, 3.7][n % 3])}  # fmt: skip
        _, grad = reference(x, t, opts)
        for j in range(k):

            def along(
                h: mpf, j: int = j, x: list[float] = x, t: list[float] = t, opts: Any = opts
            ) -> mpf:
                moved = [mpf(v) for v in x]
                moved[j] += h
                return loss_mp(moved, t, opts)

            numeric = mpmath.diff(along, 0)
            assert abs(numeric - grad[j]) <= mpf(10) ** -30 * (1 + abs(grad[j])), (kind, x, j)


def test_bad_input_is_one_line(maths: Any) -> None:
    for args, param in [
        ("[[1, 2], [1, 0], {temperature: 1e-4}]", "temperature"),
        ("[[1, 2], [1, 0], {labelSmoothing: 1.5}]", "labelSmoothing"),
        ("[[1, 2], [0.5, 0.4], {}]", "t"),
        ("[[1, NaN], [1, 0], {}]", "x"),
        ("[[1, 2], [1, 0], {variant: 'book', loss: 'mse'}]", "variant"),
        ("[[1, 2], [1, 0], {loss: 'hinge'}]", "loss"),
    ]:
        message = maths.evaluate(
            f"() => {{ try {{ window.swlViz.loss(...{args}); return ''; }}"
            " catch (e) { return e.name + ': ' + e.message; } }"
        )
        assert message.startswith(f"RangeError: {param}: "), (args, message)
        assert "\n" not in message
