"""The core at the edges of its documented range, against the 50-digit oracle.

Temperature over [1e-3, 1e3], label smoothing over [0, 1] (near 0 and at 1), logits over the
whole double range, the label rule (class indices or probabilities), and no NaN or inf ever.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from mpmath import mpf
from numpy.typing import ArrayLike, NDArray
from oracle import Vector, log_probabilities, reference, scale

from swl_viz import (
    SoftmaxWithLoss,
    SwlVizError,
    cross_entropy,
    log_softmax,
    loss_grid,
    softmax,
    softmax_with_loss,
)
from swl_viz.maths import TEMPERATURE_RANGE

TINY = 1e-300  # below this a double is subnormal or zero, and relative error means nothing
DBL_MAX = sys.float_info.max
T_LO, T_HI = 1e-3, 1e3  # the documented temperature range, typed here so a change is noticed


def _assert_close(
    a: Vector,
    t: Vector,
    loss: float,
    grad: Sequence[float],
    *,
    eps: float = 0.0,
    temperature: float = 1.0,
) -> None:
    """Loss within 1e-12 relative; each gradient within 1e-12 relative, plus 1e-13 of the exact
    terms it is the difference of (the conditioning of y - t', see oracle.scale)."""
    ref_loss, ref_grad = reference(a, t, label_smoothing=eps, temperature=temperature)
    ref_l = float(ref_loss)
    assert np.isfinite(loss)
    assert abs(loss - ref_l) <= 1e-12 * abs(ref_l) + TINY, (a, t, eps, temperature, loss, ref_l)
    for k, g in enumerate(grad):
        ref_g = float(ref_grad[k])
        size = float(scale(a, t, k, label_smoothing=eps, temperature=temperature))
        bound = 1e-12 * abs(ref_g) + 1e-13 * size + TINY
        assert abs(g - ref_g) <= bound, (a, t, eps, temperature, k, g, ref_g)


def _check(a: Vector, t: Vector, *, eps: float = 0.0, temperature: float = 1.0) -> None:
    loss, grad = softmax_with_loss(
        np.asarray(a, dtype=float), np.asarray(t, dtype=float),
        label_smoothing=eps, temperature=temperature,
    )  # fmt: skip
    _assert_close(a, t, float(loss), list(grad), eps=eps, temperature=temperature)


def _random_label(rng: np.random.Generator, k: int, one_hot: bool) -> NDArray[np.float64]:
    if one_hot:
        label: NDArray[np.float64] = np.eye(k)[rng.integers(k)]
        return label
    t = rng.dirichlet(np.ones(k))
    t[-1] = abs(1.0 - t[:-1].sum())
    return t


def _grid_against_reference(g: object, t: Sequence[float], stride: int = 1, **opts: float) -> None:
    from swl_viz.grid import LossGrid

    assert isinstance(g, LossGrid)
    a = g.stacked_logits()
    i, j = g.axes
    for r in range(0, g.shape[0], stride):
        for c in range(0, g.shape[1], stride):
            ref_grad = reference(a[r, c], t, **opts)[1]
            grad = [float(v) for v in ref_grad]  # the classes the grid does not return
            grad[i], grad[j] = float(g.grad0[r, c]), float(g.grad1[r, c])
            _assert_close(a[r, c], t, float(g.loss[r, c]), grad, **_opts(opts))


def _opts(opts: dict[str, float]) -> dict[str, float]:
    return {
        "eps": opts.get("label_smoothing", 0.0),
        "temperature": opts.get("temperature", 1.0),
    }


# ---- 1. temperature: shift by the maximum, then divide by T -----------------------------------


def test_the_documented_temperature_range_lives_in_maths() -> None:
    assert TEMPERATURE_RANGE == (T_LO, T_HI)


def test_low_temperature_issue_example() -> None:
    """a / T first rounded 1e7-sized numbers: loss and gradient were off by 1.3e-9."""
    _check([10000.03, 9999.999976901443], [1.0, 0.0], temperature=1e-3)


@pytest.mark.parametrize("temperature", [T_LO, 1.7e-3, 0.05, 1.0, 20.0, T_HI])
@pytest.mark.parametrize("offset", [0.0, 1e2, -1e4, 1e6])
def test_temperature_range_matches_the_reference(temperature: float, offset: float) -> None:
    """Logits far from 0 whose gaps, over T, sweep the interesting region -40..40."""
    rng = np.random.default_rng(int(temperature * 1e3) + int(offset) % 997)
    for i in range(24):
        k = 2 + i % 5
        a = offset + temperature * rng.uniform(-40.0, 40.0, size=k)
        t = _random_label(rng, k, one_hot=i % 2 == 0)
        _check(a, t, eps=[0.0, 0.1, 1e-6][i % 3], temperature=temperature)


@pytest.mark.parametrize("temperature", [T_LO, T_HI])
@pytest.mark.parametrize(
    ("t", "kwargs"),
    [
        ([1.0, 0.0], {}),  # the two-class fast path
        ([0.25, 0.75], {}),
        ([0.0, 0.0, 1.0], {"logits": [0.0, 1e4, 0.0], "axes": (0, 2)}),  # the general path
    ],
)
def test_grid_at_the_temperature_bounds(
    temperature: float, t: list[float], kwargs: dict[str, object]
) -> None:
    lo = 1e4 - 40 * temperature
    g = loss_grid(lo, lo + 80 * temperature, 8 * temperature, t, temperature=temperature,
                  **kwargs)  # type: ignore[arg-type]  # fmt: skip
    _grid_against_reference(g, t, temperature=temperature)
    y = g.probabilities()
    a = g.stacked_logits()
    for r in range(0, g.shape[0], 3):
        for c in range(0, g.shape[1], 3):
            ref = [float(mp_exp) for mp_exp in _exp(log_probabilities(a[r, c], temperature))]
            np.testing.assert_allclose(y[r, c], ref, rtol=1e-12, atol=TINY)


def _exp(values: list[mpf]) -> list[mpf]:
    import mpmath

    return [mpmath.exp(v) for v in values]


@pytest.mark.parametrize(
    "temperature",
    [1e-310, 0.0, -1.0, np.nextafter(T_LO, 0), np.nextafter(T_HI, np.inf), 1e4, np.nan, np.inf],
)
def test_temperatures_outside_the_documented_range_are_refused(temperature: float) -> None:
    for call in (
        lambda: softmax_with_loss([1.0, 2.0], [1.0, 0.0], temperature=temperature),
        lambda: cross_entropy([1.0, 2.0], [1.0, 0.0], temperature=temperature),
        lambda: loss_grid(-1, 1, 1, [1.0, 0.0], temperature=temperature),
    ):
        with pytest.raises(SwlVizError, match=r"\[0\.001, 1000\]") as info:
            call()
        assert info.value.param == "temperature"


def test_the_temperature_bounds_themselves_are_accepted() -> None:
    for temperature in TEMPERATURE_RANGE:
        _check([3.0, -2.0, 0.5], [0.0, 1.0, 0.0], temperature=temperature)


# ---- 2. spreads up to the float limit ----------------------------------------------------------

WIDE = [
    [1e308, -1e308],
    [-DBL_MAX, DBL_MAX],
    [DBL_MAX, -DBL_MAX, 0.0],
    [1e308, -1e308, 1e308 - 1e292],
]


@pytest.mark.parametrize("a", WIDE)
@pytest.mark.parametrize("temperature", [T_LO, 1.0, 3.0, T_HI])
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_spreads_at_the_float_limit(a: list[float], temperature: float, eps: float) -> None:
    """Each label either matches the reference or, when the true loss is beyond the largest
    double, is refused naming the logits: never NaN, never inf."""
    k = len(a)
    labels = [np.eye(k)[0], np.eye(k)[1], np.full(k, 1.0 / k), np.r_[0.9, 0.1, np.zeros(k - 2)]]
    for t in labels:
        ref_loss = float(reference(a, t, label_smoothing=eps, temperature=temperature)[0])
        if ref_loss > 1.0001 * DBL_MAX:
            with pytest.raises(SwlVizError, match="largest double") as info:
                softmax_with_loss(a, t, label_smoothing=eps, temperature=temperature)
            assert info.value.param == "logits"
        elif ref_loss < 0.9999 * DBL_MAX:
            _check(a, t, eps=eps, temperature=temperature)


def test_the_issue_examples_at_the_float_limit() -> None:
    loss, grad = softmax_with_loss([1e308, -1e308], [1.0, 0.0])
    assert loss == 0.0 and (grad == 0.0).all()
    _check([1e308, -1e308], [0.9, 0.1])  # about 2e307, was inf


@pytest.mark.parametrize("seed", range(3))
def test_random_logits_over_the_whole_double_range(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    for i in range(80):
        k = 2 + i % 4
        a = rng.choice([-1.0, 1.0], size=k) * 10.0 ** rng.uniform(-5.0, np.log10(DBL_MAX), k)
        t = _random_label(rng, k, one_hot=i % 2 == 0)
        temperature = float(10.0 ** rng.uniform(-3.0, 3.0))
        eps = [0.0, 1e-3, 0.5][i % 3]
        y = softmax(a)
        ref_logp = log_probabilities(a)
        ref_y = [float(v) for v in _exp(ref_logp)]
        np.testing.assert_allclose(y, ref_y, rtol=1e-12, atol=TINY)
        if min(float(v) for v in ref_logp) < -1.0001 * DBL_MAX:
            with pytest.raises(SwlVizError, match="largest double") as info:
                log_softmax(a)
            assert info.value.param == "logits"
        elif min(float(v) for v in ref_logp) > -0.9999 * DBL_MAX:
            logp = log_softmax(a)
            ref = [float(v) for v in ref_logp]
            np.testing.assert_allclose(logp, ref, rtol=1e-12, atol=TINY)
        ref_loss = float(reference(a, t, label_smoothing=eps, temperature=temperature)[0])
        if ref_loss > 1.0001 * DBL_MAX:
            with pytest.raises(SwlVizError, match="largest double") as info:
                softmax_with_loss(a, t, label_smoothing=eps, temperature=temperature)
            assert info.value.param == "logits"
        elif ref_loss < 0.9999 * DBL_MAX:
            _check(a, t, eps=eps, temperature=temperature)


def test_wide_gaps_in_a_batch_along_any_axis() -> None:
    """The wide-gap loss is patched in only where needed, and keeps a scalar a scalar."""
    a = np.array([[1e308, -1e308, 3.0], [1.0, 2.0, -1e308], [0.5, 0.25, 0.0]]).T
    t = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]]).T
    loss, grad = softmax_with_loss(a, t, axis=0, temperature=7.0)
    for j in range(3):
        _assert_close(a[:, j], t[:, j], float(loss[j]), list(grad[:, j]), temperature=7.0)
    single, _ = softmax_with_loss([1e308, -1e308], [0.9, 0.1])
    assert np.ndim(single) == 0 and isinstance(single, np.floating)


@pytest.mark.parametrize(
    ("t", "temperature"), [([0.9, 0.1], 10.0), ([0.5, 0.5], 1.0), ([1.0, 0.0], T_HI)]
)
def test_grid_over_the_whole_double_range(t: list[float], temperature: float) -> None:
    """x1 - x0 overflows here; the two-class grid must hand such a range to a safe path."""
    g = loss_grid(-1e308, 1e308, 1e307, t, temperature=temperature)
    for arr in (g.loss, g.grad0, g.grad1):
        assert np.isfinite(arr).all()
    _grid_against_reference(g, t, stride=2, temperature=temperature)
    assert np.isfinite(g.probabilities()).all()


def test_grid_whose_loss_is_beyond_the_largest_double_is_refused() -> None:
    with pytest.raises(SwlVizError, match="largest double") as info:
        loss_grid(-1e308, 1e308, 1e307, [0.5, 0.5], temperature=T_LO)
    assert info.value.param == "range"


# ---- 3. label smoothing over [0, 1] ------------------------------------------------------------


@pytest.mark.parametrize("a", [[2.0, -1.0, 0.5], [30.0, 0.0], [0.0, 0.0], [700.0, -700.0, 3.0]])
@pytest.mark.parametrize("t", ["one-hot", "soft"])
def test_label_smoothing_of_one_is_the_uniform_target(a: list[float], t: str) -> None:
    k = len(a)
    label = np.eye(k)[k - 1] if t == "one-hot" else np.full(k, 1.0 / k)
    _check(a, label, eps=1.0)
    uniform, _ = softmax_with_loss(a, np.full(k, 1.0 / k))
    assert softmax_with_loss(a, label, label_smoothing=1.0)[0] == pytest.approx(uniform, rel=1e-15)


def test_grid_with_label_smoothing_of_one() -> None:
    g = loss_grid(-40, 40, 8, [1.0, 0.0], label_smoothing=1.0)
    _grid_against_reference(g, [1.0, 0.0], label_smoothing=1.0)


@pytest.mark.parametrize("eps", [np.nextafter(1.0, 2.0), 1.5, -1e-12, -1.0, np.nan, np.inf])
def test_label_smoothing_outside_zero_one_is_refused(eps: float) -> None:
    for call in (
        lambda: softmax_with_loss([1.0, 2.0], [1.0, 0.0], label_smoothing=eps),
        lambda: loss_grid(-1, 1, 1, [1.0, 0.0], label_smoothing=eps),
    ):
        with pytest.raises(SwlVizError, match=r"label_smoothing.*\[0, 1\]") as info:
            call()
        assert info.value.param == "label_smoothing"


# ---- 4. small label smoothing: y - t' without cancellation -------------------------------------


def test_small_label_smoothing_issue_example() -> None:
    """The true class's gradient was off by 8e-8 relative: 1 - t' was formed from a rounded t'."""
    _, grad = softmax_with_loss([30.0, 0.0], [1.0, 0.0], label_smoothing=1e-10)
    ref = [float(v) for v in reference([30.0, 0.0], [1.0, 0.0], label_smoothing=1e-10)[1]]
    np.testing.assert_allclose(grad, ref, rtol=1e-12, atol=0)


EPS_SWEEP = [0.0, 5e-324, 1e-17, 1e-12, 1e-10, 3e-8, 1e-6, 1e-3, 0.1, 0.5, 0.9, 1 - 1e-9, 1.0]


@pytest.mark.parametrize("eps", EPS_SWEEP)
@pytest.mark.parametrize("k", [2, 3, 10])
def test_label_smoothing_over_zero_one_matches_the_reference(eps: float, k: int) -> None:
    for gap in [0.0, 1.0, 10.0, 30.0, 36.5, 100.0, 700.0, 1e4]:
        for c in (0, k - 1):
            a = np.zeros(k)
            a[c] = gap
            a[1 - c if k == 2 else 1] = -gap / 3
            _check(a, np.eye(k)[c], eps=eps)  # the label on the leading class
            _check(a, np.eye(k)[(c + 1) % k], eps=eps)  # and on another one
        for temperature in (T_LO, T_HI):
            a = np.zeros(k)
            a[0], a[1] = gap * temperature, -temperature
            _check(a, np.eye(k)[0], eps=eps, temperature=temperature)


@pytest.mark.parametrize("eps", [1e-10, 1e-3, 1.0])
@pytest.mark.parametrize("temperature", [T_LO, 1.0])
def test_grid_with_small_label_smoothing(eps: float, temperature: float) -> None:
    """Both paths: the two-class closed form and the general core (K = 3)."""
    lo, hi, step = -40 * temperature, 40 * temperature, 4 * temperature
    g2 = loss_grid(lo, hi, step, [1.0, 0.0], label_smoothing=eps, temperature=temperature)
    _grid_against_reference(g2, [1.0, 0.0], label_smoothing=eps, temperature=temperature)
    g3 = loss_grid(lo, hi, step, [0.0, 1.0, 0.0], axes=(1, 2), label_smoothing=eps,
                   temperature=temperature)  # fmt: skip
    _grid_against_reference(g3, [0.0, 1.0, 0.0], label_smoothing=eps, temperature=temperature)


# ---- 5. the label rule: class indices or probabilities -----------------------------------------


def test_integer_labels_with_one_axis_fewer_are_class_indices() -> None:
    a = np.array([[0.5, -1.0], [2.0, 3.0]])
    by_index = softmax_with_loss(a, np.array([1, 0]))
    as_rows = softmax_with_loss(a, np.array([[0.0, 1.0], [1.0, 0.0]]))
    np.testing.assert_array_equal(by_index[0], as_rows[0])
    np.testing.assert_array_equal(by_index[1], as_rows[1])
    # the same numbers as floats are one probability row, broadcast to every sample
    broadcast = softmax_with_loss(a, np.array([1.0, 0.0]))
    np.testing.assert_array_equal(broadcast[0], softmax_with_loss(a, np.eye(2)[[0, 0]])[0])
    assert "class indices" in (softmax_with_loss.__doc__ or "")
    assert "integer" in (softmax_with_loss.__doc__ or "")


def test_class_indices_of_the_wrong_shape_are_refused_clearly() -> None:
    """Logits (3, 2) with indices [1, 0]: was a raw numpy IndexError."""
    for call in (
        lambda: softmax_with_loss(np.zeros((3, 2)), np.array([1, 0])),
        lambda: SoftmaxWithLoss().forward(np.zeros((3, 2)), np.array([1, 0])),
    ):
        with pytest.raises(SwlVizError, match=r"class indices.*\(3,\)") as info:
            call()
        assert info.value.param == "t"


def test_float_class_indices_get_a_hint_at_the_rule() -> None:
    with pytest.raises(SwlVizError, match="integer") as info:
        softmax_with_loss(np.zeros((2, 3)), np.array([0.0, 2.0]))
    assert info.value.param == "t"


@pytest.mark.parametrize(
    ("logits", "t"),
    [
        (np.zeros((2, 3)), np.array([0, 3])),  # index out of range
        (np.zeros((2, 3)), np.array([-1, 0])),
        (np.zeros((2, 3)), np.zeros((4, 3))),  # probabilities that do not broadcast
        (np.zeros((2, 3)), np.full((2, 3, 1), 1.0)),
        (np.zeros(3), np.array(1.0)),  # a float scalar is not a class index
        (np.zeros(3), np.array([[0, 1, 2]])),
        (np.zeros(3), np.array([1 + 0j, 0, 0])),
        (np.zeros(3), np.array(["a", "b", "c"])),
    ],
)
def test_every_label_mismatch_is_a_clear_error_naming_t(logits: np.ndarray, t: np.ndarray) -> None:
    with pytest.raises(SwlVizError) as info:
        softmax_with_loss(logits, t)
    assert info.value.param == "t"


def test_an_integer_scalar_is_the_class_of_one_sample() -> None:
    a = np.array([1.0, 4.0, -2.0])
    np.testing.assert_array_equal(softmax_with_loss(a, 1)[1], softmax_with_loss(a, np.eye(3)[1])[1])


# ---- 6. no non-finite numbers, in or out -------------------------------------------------------

CALLS: list[Callable[[ArrayLike], object]] = [
    softmax,
    log_softmax,
    lambda a: cross_entropy(a, [1.0, 0.0, 0.0]),
    lambda a: softmax_with_loss(a, [1.0, 0.0, 0.0]),
    lambda a: softmax_with_loss(a, [1.0, 0.0, 0.0], variant="book"),
    lambda a: SoftmaxWithLoss().forward(a, [1.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("call", CALLS)
def test_non_finite_logits_are_refused(call: Callable[[object], object], bad: float) -> None:
    with pytest.raises(SwlVizError, match="finite") as info:
        call(np.array([1.0, bad, 0.0]))
    assert info.value.param == "logits"


@pytest.mark.parametrize("call", CALLS)
def test_logits_that_are_not_numbers_are_refused(call: Callable[[object], object]) -> None:
    for bad in (["a", "b", "c"], [1.0, [2.0, 3.0], 0.0], np.array([1j, 0, 0])):
        with pytest.raises(SwlVizError) as info:
            call(bad)
        assert info.value.param == "logits"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_labels_are_refused(bad: float) -> None:
    for call in (
        lambda: softmax_with_loss([1.0, 2.0], [bad, 1.0]),
        lambda: SoftmaxWithLoss().forward([1.0, 2.0], [bad, 1.0]),
        lambda: loss_grid(-1, 1, 1, [bad, 1.0]),
    ):
        with pytest.raises(SwlVizError) as info:
            call()
        assert info.value.param == "t"
