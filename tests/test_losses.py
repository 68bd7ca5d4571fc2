"""Squared error and the focal loss on the softmax, against a 50-digit reference.

The reference (tests/oracle.py, ``other_reference``) is written from the definitions: dL/dy term
by term at 50 digits, then the softmax Jacobian as y_j sum_k y_k (d_j - d_k) / T. Its gradient
is itself checked against mpmath's numerical derivative of its loss. The bound is 1e-12
relative, normwise, plus 4x what rounding the smoothed target t' to doubles moves the exact
answer by (zero for a one-hot label without smoothing).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from mpmath import mpf
from numpy.typing import NDArray
from oracle import Vector, other_reference, reference, target_rounding

from swl_viz import SwlVizError, softmax_with_loss
from swl_viz.maths import GAMMA_RANGE, loss_factors

TINY = 1e-300
LOSSES = ("mse", "focal")


def _assert_close(
    a: Vector,
    t: Vector,
    loss: float,
    grad: NDArray[np.float64],
    *,
    kind: str,
    gamma: float = 2.0,
    eps: float = 0.0,
    temperature: float = 1.0,
) -> None:
    opts = {"loss": kind, "gamma": gamma, "label_smoothing": eps, "temperature": temperature}
    ref_l, ref_g, _ = other_reference(a, t, **opts)  # type: ignore[arg-type]
    dl, dg = target_rounding(a, t, **opts)  # type: ignore[arg-type]
    where = (list(a), list(t), opts)
    assert np.isfinite(loss) and np.isfinite(grad).all(), where
    err_l = abs(mpf(float(loss)) - ref_l)
    assert err_l <= 1e-12 * abs(ref_l) + 4 * dl + TINY, (where, loss, ref_l)
    err_g = mpmath.sqrt(
        mpmath.fsum((mpf(float(g)) - r) ** 2 for g, r in zip(grad, ref_g, strict=True))
    )
    norm = mpmath.sqrt(mpmath.fsum(r * r for r in ref_g))
    assert err_g <= 1e-12 * norm + 4 * dg + TINY, (where, list(grad), [float(r) for r in ref_g])


def _check(
    a: Vector,
    t: Vector,
    kind: str,
    *,
    gamma: float = 2.0,
    eps: float = 0.0,
    temperature: float = 1.0,
) -> None:
    loss, grad = softmax_with_loss(
        np.asarray(a, dtype=float), np.asarray(t, dtype=float), loss=kind,  # type: ignore[arg-type]
        gamma=gamma if kind == "focal" else 2.0, label_smoothing=eps, temperature=temperature,
    )  # fmt: skip
    _assert_close(a, t, float(loss), grad, kind=kind, gamma=gamma, eps=eps, temperature=temperature)


# ---- the reference itself -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(
    ("a", "t", "eps", "temperature", "gamma"),
    [
        ([1.5, -0.5], [1.0, 0.0], 0.0, 1.0, 2.0),
        ([0.3, -2.0, 1.1], [0.2, 0.5, 0.3], 0.1, 0.7, 0.5),
        ([4.0, 1.0, -3.0, 0.5], [0.0, 0.0, 1.0, 0.0], 0.3, 2.5, 3.0),
    ],
)
def test_the_reference_gradient_is_the_derivative_of_its_loss(
    kind: str, a: list[float], t: list[float], eps: float, temperature: float, gamma: float
) -> None:
    """The oracle's Jacobian form equals mpmath's numerical derivative of the oracle's loss."""
    _, grad, _ = other_reference(
        a, t, loss=kind, gamma=gamma, label_smoothing=eps, temperature=temperature
    )
    for j in range(len(a)):

        def along(h: mpf, j: int = j) -> mpf:
            moved = [mpf(v) + (h if k == j else 0) for k, v in enumerate(a)]
            return other_reference(
                moved,  # type: ignore[arg-type]
                t, loss=kind, gamma=gamma, label_smoothing=eps, temperature=temperature,
            )[0]  # fmt: skip

        numeric = mpmath.diff(along, mpf(0))
        assert abs(numeric - grad[j]) <= mpf(10) ** -30 * (1 + abs(grad[j]))


def test_the_focal_loss_with_gamma_zero_is_the_cross_entropy() -> None:
    a, t = [0.7, -1.2, 2.0], [0.25, 0.5, 0.25]  # dyadic: sums to 1 exactly
    ref_l, ref_g, _ = other_reference(a, t, loss="focal", gamma=0.0, temperature=0.5)
    ce_l, ce_g = reference(a, t, temperature=0.5)
    assert abs(ref_l - ce_l) < mpf(10) ** -40
    assert all(abs(x - y) < mpf(10) ** -40 for x, y in zip(ref_g, ce_g, strict=True))


# ---- the core against it ------------------------------------------------------------------------


def _random_label(rng: np.random.Generator, k: int, one_hot: bool) -> NDArray[np.float64]:
    if one_hot:
        label: NDArray[np.float64] = np.eye(k)[rng.integers(k)]
        return label
    t = rng.dirichlet(np.ones(k))
    t[-1] = abs(1.0 - t[:-1].sum())
    return t


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("seed", range(3))
def test_random_points_over_the_documented_range(kind: str, k: int, seed: int) -> None:
    """K = 2, 3, 10; T from 1e-3 to 1e3 (log-uniform, ends included); eps from 0 to 1; |x| up
    to 1e3 on several scales; one-hot and soft labels; gamma over [0, 5]."""
    rng = np.random.default_rng([seed, k, len(kind)])
    temps = [1e-3, 1e3, *10 ** rng.uniform(-3, 3, 4)]
    for n in range(12):
        temperature = float(temps[n % len(temps)])
        eps = float([0.0, 1.0, 1e-9, rng.uniform()][n % 4])
        size = float([1e3, 10.0, 1.0, 1e-3][n % 4 if n < 8 else 0])
        a = rng.uniform(-size, size, k)
        gamma = float([0.0, 0.5, 2.0, 5.0, rng.uniform(*GAMMA_RANGE)][n % 5])
        t = _random_label(rng, k, one_hot=n % 3 != 2)
        _check(a, t, kind, gamma=gamma, eps=eps, temperature=temperature)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(
    ("a", "t", "temperature"),
    [
        ([-1000.0, 1000.0], [1.0, 0.0], 1e-3),  # the true class 2e6 behind: y_t underflows
        ([1000.0, -1000.0], [1.0, 0.0], 1e-3),  # right by 2e6: 1 - y_t underflows
        ([30.0, 0.0], [1.0, 0.0], 1.0),  # 1 - y_t = 9.4e-14: 1 - y would keep 2 digits
        ([40.0, 0.0, -3.0], [1.0, 0.0, 0.0], 1.0),
        ([-800.0, 0.0, 800.0], [0.2, 0.3, 0.5], 1.0),
        ([1000.0, 999.999999, -1000.0], [0.5, 0.5, 0.0], 1e-3),
        ([0.0] * 10, list(np.eye(10)[3]), 1e3),
    ],
)
@pytest.mark.parametrize("gamma", [0.0, 0.3, 2.0, 5.0])
def test_where_y_underflows_or_nears_one(
    kind: str, a: list[float], t: list[float], temperature: float, gamma: float
) -> None:
    if kind == "mse" and gamma != 2.0:
        return
    for eps in (0.0, 0.05, 1.0):
        _check(a, t, kind, gamma=gamma, eps=eps, temperature=temperature)


def test_the_issue_numbers_at_a_gap_of_minus_five() -> None:
    """t = (1, 0) with the true class 5 behind: |dL/dx0| is 0.993 for the cross-entropy and
    0.0132 for squared error, 75 times smaller; at -10 about 11,000 times."""
    ratios = []
    for gap in (-5.0, -10.0):
        a = [gap / 2, -gap / 2]
        ce = abs(softmax_with_loss(a, [1.0, 0.0])[1][0])
        mse = abs(softmax_with_loss(a, [1.0, 0.0], loss="mse")[1][0])
        ref = other_reference(a, [1.0, 0.0], loss="mse")[1][0]
        assert abs(mse - float(abs(ref))) <= 1e-15 * mse
        ratios.append(ce / mse)
    assert f"{ratios[0]:.2g}" == "75"
    assert 10_000 < ratios[1] < 12_000


# ---- the two factors ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
def test_the_factors_are_the_references_dl_dy(kind: str) -> None:
    a, t = [2.0, -1.0, 0.5], [0.0, 1.0, 0.0]
    _, grad, y, dl_dy = loss_factors(a, t, loss=kind, label_smoothing=0.1, temperature=0.8)  # type: ignore[arg-type]
    _, ref_g, ref_d = other_reference(a, t, loss=kind, label_smoothing=0.1, temperature=0.8)
    for got, ref in zip(dl_dy, ref_d, strict=True):
        assert abs(got - float(ref)) <= 1e-12 * abs(float(ref)) + 1e-15
    # and J^T dl_dy is the gradient: (y_j / T) (d_j - sum y d)
    product = y * (dl_dy - np.dot(y, dl_dy)) / 0.8
    assert np.allclose(product, grad, rtol=1e-12, atol=1e-15)


def test_the_cross_entropy_factor_is_minus_t_over_y_and_infinite_where_y_underflows() -> None:
    _, grad, y, dl_dy = loss_factors([-1000.0, 1000.0], [1.0, 0.0])
    assert y[0] == 0.0 and dl_dy[0] == -math.inf and dl_dy[1] == 0.0
    assert grad.tolist() == [-1.0, 1.0]


# ---- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opts", "param"),
    [
        ({"loss": "hinge"}, "loss"),
        ({"loss": "mse", "gamma": 3.0}, "gamma"),
        ({"gamma": 1.0}, "gamma"),
        ({"loss": "focal", "gamma": -0.1}, "gamma"),
        ({"loss": "focal", "gamma": 5.5}, "gamma"),
        ({"loss": "focal", "gamma": math.nan}, "gamma"),
        ({"loss": "mse", "variant": "book"}, "variant"),
        ({"loss": "focal", "variant": "book"}, "variant"),
    ],
)
def test_bad_loss_options_are_refused_naming_the_option(
    opts: dict[str, object], param: str
) -> None:
    with pytest.raises(SwlVizError) as info:
        softmax_with_loss([0.0, 1.0], [1.0, 0.0], **opts)  # type: ignore[arg-type]
    assert info.value.param == param
