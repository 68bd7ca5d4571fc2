"""The core against three independent oracles: 50-digit mpmath, finite differences, the seed."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SEED_A, SEED_LOSS, SEED_LOSS_BOOK, SEED_REL, SEED_T
from oracle import reference

from swl_viz import (
    SoftmaxWithLoss,
    SwlVizError,
    cross_entropy,
    log_softmax,
    softmax,
    softmax_with_loss,
)

TINY = 1e-300  # below this a double is subnormal or zero, and relative error means nothing


def _cases(rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random and extreme logits for K = 2..10, with one-hot and soft labels."""
    cases = []
    for i in range(n):
        k = 2 + i % 9
        scale = [1.0, 10.0, 100.0, 1e3, 1e4][i % 5]
        a = rng.uniform(-scale, scale, size=k)
        if i % 7 == 0:
            a[rng.integers(k)] += 40.0 * (1 + i % 3)  # one logit far ahead: the flat region
        if i % 2 == 0:
            t = np.zeros(k)
            t[rng.integers(k)] = 1.0
        else:
            t = rng.dirichlet(np.ones(k))
            t[-1] = 1.0 - t[:-1].sum()
            t = np.abs(t)
        cases.append((a, t))
    return cases


def _flat_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """The region where the loss is below 1e-15 and a naive logsumexp returns exactly 0."""
    out = []
    for d in [35.0, 36.5, 40.0, 100.0, 300.0, 700.0]:
        out.append((np.array([d, 0.0]), np.array([1.0, 0.0])))
        out.append((np.array([0.0, d]), np.array([0.0, 1.0])))
        out.append((np.array([d, 0.0, -3.0, 1.5]), np.array([1.0, 0.0, 0.0, 0.0])))
    out.append((np.array([-1000.0, 1000.0]), np.array([1.0, 0.0])))
    out.append((np.array([1e4, -1e4, 5e3]), np.array([0.25, 0.25, 0.5])))
    out.append((np.array([30.0, 0.0, 0.0]), np.array([0.9, 0.05, 0.05])))
    return out


def _check_against_reference(a: np.ndarray, t: np.ndarray) -> None:
    loss, grad = softmax_with_loss(a, t)
    ref_loss, ref_grad = reference(a, t)
    ref_l = float(ref_loss)
    if abs(ref_l) >= TINY:
        assert abs(float(loss) - ref_l) <= 1e-12 * abs(ref_l), (a, t, float(loss), ref_l)
    else:
        assert abs(float(loss) - ref_l) <= TINY
    one_hot = np.count_nonzero(t) == 1
    for k in range(a.size):
        g = float(ref_grad[k])
        bound = 1e-12 * abs(g) + (0.0 if one_hot else 1e-15 * t[k]) + TINY
        assert abs(grad[k] - g) <= bound, (a, t, k, grad[k], g)


@pytest.mark.parametrize("seed", range(4))
def test_random_and_extreme_logits_match_50_digit_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for a, t in _cases(rng, 60):
        _check_against_reference(a, t)


@pytest.mark.parametrize(("a", "t"), _flat_cases())
def test_flat_region_keeps_tiny_loss_and_gradient_direction(a: np.ndarray, t: np.ndarray) -> None:
    _check_against_reference(a, t)
    loss, grad = softmax_with_loss(a, t)
    if float(reference(a, t)[0]) > TINY:
        assert loss > 0  # a plain logsumexp(a) - a_c gives exactly 0 here
    c = int(np.argmax(t))
    if np.count_nonzero(t) == 1 and grad[c] != 0:
        assert grad[c] < 0  # descent raises the true class's logit


def test_loss_is_not_capped_at_the_books_16() -> None:
    loss, grad = softmax_with_loss([-1000.0, 1000.0], [1.0, 0.0])
    assert loss == 2000.0
    np.testing.assert_array_equal(grad, [-1.0, 1.0])
    book, _ = softmax_with_loss([-1000.0, 1000.0], [1.0, 0.0], variant="book")
    assert book == pytest.approx(-np.log(1e-7), rel=1e-12)  # the book's cap, 16.118


@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize(("eps", "temperature"), [(0.0, 1.0), (0.1, 1.0), (0.0, 0.5), (0.2, 3.0)])
def test_gradient_matches_central_differences(k: int, eps: float, temperature: float) -> None:
    rng = np.random.default_rng(k)
    h = 1e-5
    for _ in range(10):
        a = rng.normal(scale=3.0, size=k)
        t = rng.dirichlet(np.ones(k))
        _, grad = softmax_with_loss(a, t, label_smoothing=eps, temperature=temperature)
        for j in range(k):
            step = np.zeros(k)
            step[j] = h
            up = cross_entropy(a + step, t, label_smoothing=eps, temperature=temperature)
            down = cross_entropy(a - step, t, label_smoothing=eps, temperature=temperature)
            assert grad[j] == pytest.approx((up - down) / (2 * h), abs=1e-8)


def test_label_smoothing_follows_its_formula() -> None:
    a = np.array([2.0, -1.0, 0.5])
    t = np.array([0.0, 1.0, 0.0])
    eps = 0.3
    target = (1 - eps) * t + eps / 3
    loss, grad = softmax_with_loss(a, t, label_smoothing=eps)
    assert loss == pytest.approx(-np.sum(target * np.log(softmax(a))), rel=1e-14)
    np.testing.assert_allclose(grad, softmax(a) - target, rtol=1e-14, atol=1e-16)


def test_temperature_scales_logits_and_gradient() -> None:
    a = np.array([2.0, -1.0, 0.5])
    t = np.array([0.2, 0.5, 0.3])
    loss, grad = softmax_with_loss(a, t, temperature=2.0)
    y = softmax(a / 2.0)
    assert loss == pytest.approx(-np.sum(t * np.log(y)), rel=1e-14)
    np.testing.assert_allclose(grad, (y - t) / 2.0, rtol=1e-13)


def test_seed_batch_example() -> None:
    a, t = np.array(SEED_A), np.array(SEED_T)
    layer = SoftmaxWithLoss()
    assert layer.forward(a, t) == pytest.approx(SEED_LOSS, rel=SEED_REL)
    book = float(np.mean(cross_entropy(a, t, variant="book")))
    assert book == pytest.approx(SEED_LOSS_BOOK, rel=SEED_REL)
    # the seed prints np.round(Y, 3) and np.round(dA, 3); those rounded digits must agree
    assert layer.y is not None  # set by forward
    np.testing.assert_array_equal(
        np.round(layer.y, 3)[0], [0.0, 0.001, 0.006, 0.044, 0.326, 0.0, 0.001, 0.01, 0.073, 0.538]
    )
    np.testing.assert_array_equal(
        np.round(layer.backward(), 3)[1],
        [0.033, 0.033, 0.033, 0.033, -0.3, 0.033, 0.033, 0.033, 0.033, 0.033],
    )
    np.testing.assert_allclose(layer.backward(), (softmax(a) - t) / 3, rtol=1e-15, atol=1e-18)


def test_single_sample_backward_is_not_halved() -> None:
    layer = SoftmaxWithLoss()
    layer.forward(np.array([-20.0, -20.0]), np.array([1, 0]))
    np.testing.assert_array_equal(layer.backward(), [-0.5, 0.5])  # the book prints [-0.25, 0.25]
    np.testing.assert_array_equal(layer.backward(dout=2.0), [-1.0, 1.0])


def test_class_index_labels_as_the_book_accepts() -> None:
    a = np.array(SEED_A)
    by_index = SoftmaxWithLoss().forward(a, np.array([7, 4, 9]))
    assert by_index == SoftmaxWithLoss().forward(a, np.array(SEED_T))


def test_soft_labels_are_used_as_given() -> None:
    a = np.array([[1.0, 2.0], [3.0, -1.0]])
    t = np.array([[0.3, 0.7], [0.6, 0.4]])
    layer = SoftmaxWithLoss()
    loss = layer.forward(a, t)
    assert loss == pytest.approx(np.mean(-np.sum(t * np.log(softmax(a)), axis=1)), rel=1e-14)
    np.testing.assert_allclose(layer.backward(), (softmax(a) - t) / 2, rtol=1e-14)


def test_softmax_and_log_softmax() -> None:
    a = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    y = softmax(a)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-15)
    assert log_softmax(a)[0, 1] == -1000.0
    np.testing.assert_allclose(np.exp(log_softmax(a)[1]), y[1], rtol=1e-15)
    np.testing.assert_allclose(softmax(a.T, axis=0), y.T)


@pytest.mark.parametrize(
    ("t", "message"),
    [
        ([1.0, 1.0], "sum to 1"),
        ([1.5, -0.5], "non-negative"),
        ([np.nan, 1.0], "finite"),
        (["a", "b"], "numeric"),
        ([1.0, 0.0, 0.0], "classes"),
    ],
)
def test_bad_labels_are_refused(t: list[object], message: str) -> None:
    with pytest.raises(SwlVizError, match=message) as info:
        softmax_with_loss([1.0, 2.0], t)  # type: ignore[arg-type]
    assert info.value.param == "t"


def test_bad_options_are_refused() -> None:
    with pytest.raises(SwlVizError, match="temperature"):
        softmax_with_loss([1.0, 2.0], [1.0, 0.0], temperature=0.0)
    with pytest.raises(SwlVizError, match="label_smoothing"):
        softmax_with_loss([1.0, 2.0], [1.0, 0.0], label_smoothing=1.5)
    with pytest.raises(SwlVizError, match="2 classes"):
        softmax([1.0])
    with pytest.raises(SwlVizError, match="forward"):
        SoftmaxWithLoss().backward()
