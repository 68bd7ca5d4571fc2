"""The probe, the descent path and the lines, against the layer and against the grid."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from swl_viz import SwlVizError, loss_grid, softmax, softmax_with_loss
from swl_viz.layer import Layer
from swl_viz.probe import (
    decision_line,
    descent_path,
    loss_at,
    loss_slice,
    minimum_line,
    probe_point,
)

SLICES: list[dict[str, object]] = [
    {"t": [1, 0]},
    {"t": [0, 1], "temperature": 2.5},
    {"t": [0.3, 0.7], "variant": "book"},
    {"t": [1, 0], "label_smoothing": 0.2},
    {"t": [0, 0, 1], "logits": [0, 1, 0], "axes": (0, 2)},
    {"t": [0, 1, 0, 0], "logits": [2, 0, -1, 0], "axes": (3, 1), "label_smoothing": 0.1},
]


def _kwargs(case: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in case.items() if k != "t"}


def _full(case: dict[str, object], x0: float, x1: float) -> np.ndarray:
    t = np.asarray(case["t"], dtype=float)
    a = np.asarray(case.get("logits", np.zeros(t.size)), dtype=float).copy()
    i, j = cast(tuple[int, int], case.get("axes", (0, 1)))
    a[i], a[j] = x0, x1
    return a


@pytest.mark.parametrize("case", SLICES)
@pytest.mark.parametrize("point", [(-20.0, -20.0), (3.0, -1.5), (-1000.0, 1000.0), (0.0, 7.25)])
def test_probe_is_the_layer(case: dict[str, object], point: tuple[float, float]) -> None:
    p = probe_point(*point, Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    a = _full(case, *point)
    opts = {k: v for k, v in _kwargs(case).items() if k not in ("logits", "axes")}
    loss, grad = softmax_with_loss(a, case["t"], **opts)  # type: ignore[arg-type]
    assert p.loss == float(loss)
    np.testing.assert_array_equal(p.a, a)
    np.testing.assert_array_equal(p.grad, grad)
    temperature = float(case.get("temperature", 1.0))  # type: ignore[arg-type]
    np.testing.assert_array_equal(p.y, softmax(a / temperature))
    np.testing.assert_allclose(p.grad, (p.y - p.target) / temperature, atol=1e-15)
    assert (p.grad0, p.grad1) == (grad[p.axes[0]], grad[p.axes[1]])
    assert p.target.sum() == pytest.approx(1.0)
    assert not p.grad.flags.writeable


@pytest.mark.parametrize("case", SLICES)
@pytest.mark.parametrize("point", [(-20.0, -20.0), (3.0, -1.5), (-1000.0, 1000.0), (0.0, 7.25)])
def test_the_cross_entropys_first_factor_is_minus_t_over_y(
    case: dict[str, object], point: tuple[float, float]
) -> None:
    """dL/dy = -t'/y against a 50-digit reference (1/y as exp(-log y), never 1/0): 1e-12
    relative where y_k is a normal double, -inf where the exact y_k underflows below the
    doubles, 0 where t'_k is 0; and J^T dL/dy is the gradient the probe prints."""
    import mpmath
    from oracle import log_probabilities, target

    p = probe_point(*point, Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    assert p.dl_dy is not None and not p.dl_dy.flags.writeable
    temperature = float(case.get("temperature", 1.0))  # type: ignore[arg-type]
    logs = log_probabilities(p.a, temperature)
    t_mp = target(case["t"], float(case.get("label_smoothing", 0.0)))  # type: ignore[arg-type]
    for got, tk, lk in zip(p.dl_dy, t_mp, logs, strict=True):
        exact = -tk * mpmath.exp(-lk)
        if tk == 0:
            assert got == 0.0
        elif lk < math.log(np.finfo(np.float64).tiny):  # y_k is 0 or subnormal in doubles
            assert got == -math.inf or abs(got - float(exact)) <= 1e-3 * abs(float(exact))
        else:
            assert abs(mpmath.mpf(float(got)) - exact) <= 1e-12 * abs(exact), (got, exact)
    y = p.y
    finite = np.isfinite(p.dl_dy)
    d = np.where(finite, p.dl_dy, 0.0)  # y_k dL/dy_k = -t'_k: where y_k = 0 it stays -t'_k
    yd = np.where(finite, y * d, -p.target)
    product = (yd - y * yd.sum()) / temperature
    np.testing.assert_allclose(product, p.grad, rtol=1e-9, atol=1e-12)


def test_probe_shows_the_book_halving_fixed() -> None:
    p = probe_point(-20, -20, [1, 0])
    np.testing.assert_array_equal(p.grad, [-0.5, 0.5])
    assert p.loss == math.log(2)


def test_smoothing_moves_the_target() -> None:
    p = probe_point(0, 0, Layer.make([1, 0], label_smoothing=0.2))
    np.testing.assert_allclose(p.target, [0.9, 0.1])
    np.testing.assert_array_equal(p.t, [1.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"x0": float("nan")}, "probe"),
        ({"x1": float("inf")}, "probe"),
        ({"t": [1, 1]}, "t"),
        ({"axes": (0, 0)}, "axes"),
        ({"temperature": 0.0}, "temperature"),
        ({"label_smoothing": 1.5}, "label_smoothing"),
    ],
)
def test_probe_refuses_bad_input(kwargs: dict[str, object], param: str) -> None:
    args: dict[str, Any] = {"t": [1, 0], **kwargs}
    x0, x1 = args.pop("x0", 0.0), args.pop("x1", 0.0)
    with pytest.raises(SwlVizError) as info:
        probe_point(x0, x1, Layer.make(**args))
    assert info.value.param == param


def _plain_loop(case: dict[str, object], x0: float, x1: float, lr: float, steps: int) -> np.ndarray:
    """Gradient descent written out with numpy and softmax_with_loss, nothing else."""
    i, j = cast(tuple[int, int], case.get("axes", (0, 1)))
    opts = {k: v for k, v in _kwargs(case).items() if k not in ("logits", "axes")}
    rows = []
    for _ in range(steps + 1):
        loss, grad = softmax_with_loss(_full(case, x0, x1), case["t"], **opts)  # type: ignore[arg-type]
        rows.append((x0, x1, float(loss), grad[i], grad[j]))
        x0, x1 = x0 - lr * grad[i], x1 - lr * grad[j]
    return np.array(rows)


@pytest.mark.parametrize("case", SLICES)
@pytest.mark.parametrize(("lr", "steps"), [(1.0, 50), (0.3, 7), (5.0, 20)])
def test_descent_is_a_plain_numpy_loop(case: dict[str, object], lr: float, steps: int) -> None:
    path = descent_path(4.0, -6.0, Layer.make(case["t"], **_kwargs(case)), lr=lr, steps=steps)  # type: ignore[arg-type]
    expected = _plain_loop(case, 4.0, -6.0, lr, steps)
    got = np.column_stack([path.x0, path.x1, path.loss, path.grad0, path.grad1])
    assert got.shape == (steps + 1, 5)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got, expected)  # in fact the very same doubles
    np.testing.assert_array_equal(path.k, np.arange(steps + 1))
    assert path.steps == steps


def test_descent_goes_down_and_reaches_the_smoothed_minimum() -> None:
    path = descent_path(-5.0, 5.0, Layer.make([1, 0], label_smoothing=0.2), lr=2.0, steps=400)
    assert (np.diff(path.loss) <= 1e-15).all()
    line = minimum_line(Layer.make([1, 0], label_smoothing=0.2))
    assert line is not None and line.loss is not None
    assert path.x0[-1] - path.x1[-1] == pytest.approx(math.log(9), abs=1e-6)
    assert path.loss[-1] == pytest.approx(line.loss, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"lr": 100.5}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"lr": True}, "lr"),
        ({"steps": 0}, "steps"),
        ({"steps": 10_001}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"x0": float("nan")}, "descent"),
        ({"temperature": 1e-300}, "temperature"),  # below the documented range
    ],
)
def test_descent_refuses_bad_input(kwargs: dict[str, object], param: str) -> None:
    args: dict[str, Any] = {"t": [1, 0], **kwargs}
    x0, x1 = args.pop("x0", 1.0), args.pop("x1", 2.0)
    run = {k: args.pop(k) for k in ("lr", "steps") if k in args}
    with pytest.raises(SwlVizError) as info:
        descent_path(x0, x1, Layer.make(**args), **run)
    assert info.value.param == param
    assert param in str(info.value) or param == "descent"


def test_descent_bounds_are_inclusive() -> None:
    assert descent_path(0, 0, [1, 0], lr=100.0, steps=1).x0.size == 2
    assert descent_path(0, 0, [1, 0], lr=1e-9, steps=3).x0.size == 4


# ---- the lines, against the grid ---------------------------------------------------------------


@pytest.mark.parametrize("case", SLICES)
def test_the_decision_line_is_where_the_pair_ties(case: dict[str, object]) -> None:
    line = decision_line(Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    assert line.offset == 0.0
    xs = np.linspace(-30, 30, 61)
    y = line.y_at(xs)
    i, j = line.axes
    np.testing.assert_array_equal(y[:, i], y[:, j])
    if len(case["t"]) == 2:  # type: ignore[arg-type]
        np.testing.assert_allclose(y[:, i], 0.5, rtol=0, atol=1e-15)
        want = -math.log(0.5 + 1e-7) if case.get("variant") == "book" else math.log(2)
        assert line.loss == pytest.approx(want, rel=1e-15)
        _, _, along = line.points(xs)
        assert line.loss is not None  # two classes: the line has a loss
        np.testing.assert_allclose(along, line.loss, rtol=1e-15)
    else:
        assert line.loss is None


def test_on_the_grid_y_is_half_on_the_diagonal() -> None:
    g = loss_grid(-10, 10, 0.5, [0.3, 0.7], temperature=3.0)
    y = g.probabilities()
    diag = np.arange(g.shape[0])
    np.testing.assert_allclose(y[diag, diag, 0], 0.5, atol=1e-15)
    line = decision_line(g.layer)
    assert line.loss is not None  # two classes: the line has a loss
    np.testing.assert_allclose(g.loss[diag, diag], line.loss, rtol=1e-15)


@pytest.mark.parametrize(
    ("t", "eps", "temperature"),
    [([1, 0], 0.2, 1.0), ([0, 1], 0.05, 1.0), ([0.25, 0.75], 0.0, 1.0), ([1, 0], 0.2, 2.0)],
)
def test_two_class_minimum_line_against_the_grid(
    t: list[float], eps: float, temperature: float
) -> None:
    line = minimum_line(Layer.make(t, label_smoothing=eps, temperature=temperature))
    assert line is not None and line.loss is not None
    target = (1 - eps) * np.asarray(t, float) + eps / 2
    assert line.offset == pytest.approx(temperature * math.log(target[0] / target[1]), rel=1e-14)
    entropy = -float(np.sum(target * np.log(target)))
    assert line.loss == pytest.approx(entropy, rel=1e-14)
    g = loss_grid(-12, 12, 0.05, t, label_smoothing=eps, temperature=temperature)
    assert float(g.loss.min()) >= line.loss - 1e-14  # nothing on the grid is lower
    # in every row the lowest point sits on the line, to within one grid step
    rows = np.argmin(g.loss, axis=1)
    x0_best = g.x0[0, rows]
    inside = np.abs(g.x1[:, 0] + line.offset) < 11
    np.testing.assert_allclose(x0_best[inside], g.x1[inside, 0] + line.offset, atol=0.05 / 2 + 1e-9)
    _, _, along = line.points(np.linspace(-8, 8, 17))
    np.testing.assert_allclose(along, entropy, rtol=1e-13)


def test_offset_is_log_9_for_eps_point_2() -> None:
    line = minimum_line(Layer.make([1, 0], label_smoothing=0.2))
    assert line is not None
    assert line.offset == pytest.approx(math.log(9), rel=1e-15)


def test_book_minimum_line_is_the_books_own() -> None:
    line = minimum_line(Layer.make([0.3, 0.7], variant="book"))
    assert line is not None and line.loss is not None
    exact = minimum_line([0.3, 0.7])
    assert exact is not None and exact.loss is not None
    assert line.offset != exact.offset
    assert line.offset == pytest.approx(exact.offset, abs=1e-5)
    for h in (1e-3, -1e-3):  # lower than its neighbours across the line
        beside, _ = softmax_with_loss([line.offset + h, 0.0], [0.3, 0.7], variant="book")
        assert float(beside) > line.loss


def test_no_minimum_line_for_a_one_hot_label() -> None:
    assert minimum_line([1, 0]) is None
    assert minimum_line(Layer.make([0, 0, 1], logits=[0, 1, 0], axes=(0, 1))) is None


@pytest.mark.parametrize(
    "case",
    [
        {"t": [0, 0, 1], "logits": [0, 1, 0], "axes": (0, 2), "label_smoothing": 0.3},
        {"t": [0.2, 0.5, 0.3], "logits": [0, 0, 2.5], "axes": (1, 0)},
        {"t": [0.1, 0.6, 0.1, 0.2], "logits": [1, 0, -2, 0], "axes": (1, 3), "temperature": 1.5},
    ],
)
def test_more_classes_lowest_point_against_the_grid(case: dict[str, object]) -> None:
    line = minimum_line(Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    assert line is not None and line.lowest is not None and line.loss is None
    u, v, low = line.lowest
    assert u - v == pytest.approx(line.offset, abs=1e-12)
    p = probe_point(u, v, Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    i, j = line.axes
    np.testing.assert_allclose(p.grad[[i, j]], 0.0, atol=1e-15)  # y = target on the pair
    assert p.loss == low
    g = loss_grid(-10, 10, 0.05, case["t"], **_kwargs(case))  # type: ignore[arg-type]
    assert float(g.loss.min()) >= low - 1e-14
    r, c = np.unravel_index(np.argmin(g.loss), g.shape)
    assert abs(g.x0[r, c] - u) <= 0.05 and abs(g.x1[r, c] - v) <= 0.05
    np.testing.assert_allclose(p.y[[i, j]], p.target[[i, j]], rtol=1e-13)
    y = line.y_at(np.linspace(-5, 5, 11))
    target = p.target
    np.testing.assert_allclose(y[:, i] / y[:, j], target[i] / target[j], rtol=1e-12)


def test_ratio_line_with_no_mass_elsewhere_has_no_lowest_point() -> None:
    line = minimum_line(Layer.make([0.4, 0.6, 0.0], logits=[0, 0, 1], axes=(0, 1)))
    assert line is not None and line.lowest is None and line.loss is None
    _, _, along = line.points(np.array([0.0, 10.0, 40.0]))
    entropy = -(0.4 * math.log(0.4) + 0.6 * math.log(0.6))
    assert (np.diff(along) < 0).all() and along[-1] == pytest.approx(entropy, rel=1e-12)


def test_decision_line_knows_where_the_pair_leads() -> None:
    line = decision_line(Layer.make([0, 0, 1], logits=[0, 1, 0], axes=(0, 2)))
    assert line.leads_from == 1.0
    assert decision_line([1, 0]).leads_from == -math.inf


def test_segment_clips_to_the_square() -> None:
    line = minimum_line(Layer.make([1, 0], label_smoothing=0.2))
    assert line is not None
    lo, hi = line.segment(-20, 20)  # type: ignore[misc]
    assert lo == pytest.approx(-20 + math.log(9)) and hi == 20
    assert float(line.x1_at(lo)) == pytest.approx(-20)
    assert line.segment(-1, 1) is None or line.offset < 2
    far = minimum_line([0.999999, 0.000001])
    assert far is not None and far.segment(-5, 5) is None


def test_probe_imports_no_matplotlib() -> None:
    source = Path(__file__).parents[1] / "swl_viz" / "probe.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    assert "swl_viz.layer" in names  # the check sees imports
    assert not any(n.split(".")[0] in ("matplotlib", "mpl_toolkits") for n in names)


# ---- the slice along d = x1 - x0 ---------------------------------------------------------------


@pytest.mark.parametrize("case", SLICES)
def test_slice_is_the_layer_along_d(case: dict[str, object]) -> None:
    s = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=-15, hi=25, points=81)  # type: ignore[arg-type]
    loss, grad = loss_at(-s.d / 2, s.d / 2, Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    np.testing.assert_array_equal(s.loss, loss)
    i, j = s.axes
    np.testing.assert_array_equal(s.slope, (grad[:, j] - grad[:, i]) / 2)
    np.testing.assert_array_equal(s.norm, np.hypot(grad[:, i], grad[:, j]))
    for n in (0, 40, 80):
        p = probe_point(-s.d[n] / 2, s.d[n] / 2, Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
        assert p.loss == s.loss[n]
    if s.k == 2:
        np.testing.assert_allclose(s.norm, math.sqrt(2) * np.abs(s.slope), rtol=1e-15)
        want = -math.log(0.5 + 1e-7) if case.get("variant") == "book" else math.log(2)
        assert s.at_zero == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize("case", [c for c in SLICES if c.get("variant") != "book"])
def test_slice_asymptotes_far_out(case: dict[str, object]) -> None:
    s = loss_slice(Layer.make(case["t"], **_kwargs(case)))  # type: ignore[arg-type]
    for d, slope in ((-4000.0, s.slope_left), (4000.0, s.slope_right)):
        far = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=d - 1, hi=d, points=2)  # type: ignore[arg-type]
        assert far.loss[-1] == pytest.approx(slope * d + s.intercept, rel=1e-13, abs=1e-12)
        assert far.slope[-1] == pytest.approx(slope, rel=1e-12, abs=1e-15)


def test_one_hot_slice_asymptotes_are_1_over_t_and_0() -> None:
    s = loss_slice(Layer.make([1, 0], temperature=4.0))
    assert (s.slope_left, s.slope_right, s.intercept) == (0.0, 0.25, 0.0)
    assert math.copysign(1.0, s.slope_left) == 1.0  # no -0.0 to print
    assert s.book_limits is None and s.book_slope is None and s.minimum is None


@pytest.mark.parametrize(
    "case",
    [
        {"t": [1, 0], "variant": "book"},
        {"t": [0.3, 0.7], "variant": "book", "temperature": 2.0},
        {"t": [0, 1, 0], "logits": [0, 0, 2], "variant": "book", "axes": (0, 1)},
    ],
)
def test_book_slope_is_the_slope_of_the_books_loss(case: dict[str, object]) -> None:
    s = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=-30, hi=30, points=121)  # type: ignore[arg-type]
    assert s.book_slope is not None and s.book_limits is not None
    h = 1e-5
    up = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=-30 + h, hi=30 + h, points=121)  # type: ignore[arg-type]
    down = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=-30 - h, hi=30 - h, points=121)  # type: ignore[arg-type]
    central = (up.loss - down.loss) / (2 * h)
    np.testing.assert_allclose(s.book_slope, central, atol=1e-6)
    far = loss_slice(Layer.make(case["t"], **_kwargs(case)), lo=-1e4, hi=1e4, points=3)  # type: ignore[arg-type]
    np.testing.assert_allclose(far.loss[[0, -1]], s.book_limits, rtol=1e-12)


def test_book_cap_is_minus_log_1e_7_for_a_one_hot_label() -> None:
    s = loss_slice(Layer.make([1, 0], variant="book"))
    assert s.book_limits is not None
    assert s.book_limits[1] == pytest.approx(-math.log(1e-7), rel=1e-15)


def test_slice_minimum() -> None:
    s = loss_slice(Layer.make([1, 0], label_smoothing=0.2))
    assert s.minimum is not None
    assert s.minimum[0] == pytest.approx(-math.log(9), rel=1e-15)
    k3 = loss_slice(Layer.make([0, 0, 1], logits=[0, 1, 0], axes=(0, 1)), lo=-10, hi=10)
    assert k3.minimum is not None  # the third class gains as both varied logits part
    d, low = k3.minimum
    assert float(
        loss_slice(
            Layer.make([0, 0, 1], logits=[0, 1, 0]), lo=d - 1e-3, hi=d + 1e-3, points=3
        ).slope[1]
    ) == (pytest.approx(0.0, abs=1e-9))
    assert low <= float(k3.loss.min())
    assert loss_slice([0.3, 0.7], lo=5, hi=10).minimum is None  # d* = log(7/3) is out of range


def test_slice_refuses_a_bad_range() -> None:
    for lo, hi in ((1.0, 1.0), (2.0, -2.0), (float("nan"), 1.0)):
        with pytest.raises(SwlVizError) as info:
            loss_slice([1, 0], lo=lo, hi=hi)
        assert info.value.param == "range"


def test_descent_path_columns_for_the_data_command() -> None:
    path = descent_path(1.0, 2.0, [0.3, 0.7], lr=0.5, steps=4)
    cols = path.columns()
    assert list(cols) == ["k", "x0", "x1", "loss", "grad0", "grad1"]
    assert all(v.shape == (5,) for v in cols.values())
    np.testing.assert_array_equal(cols["x1"], path.x1)
    assert cols["k"].dtype == np.int64


def test_swapped_axes_swap_the_minimum_line() -> None:
    line = minimum_line(Layer.make([1, 0], label_smoothing=0.2, axes=(1, 0)))
    assert line is not None and line.offset == pytest.approx(-math.log(9), rel=1e-15)
    g = loss_grid(-10, 10, 0.05, [1, 0], label_smoothing=0.2, axes=(1, 0))
    r, c = np.unravel_index(np.argmin(g.loss), g.shape)
    assert abs(g.x0[r, c] - g.x1[r, c] - line.offset) <= 0.05 + 1e-9
    assert line.loss is not None  # two classes: the line has a loss
    assert line.loss == pytest.approx(float(g.loss.min()), abs=1e-4)
    assert float(g.loss.min()) >= line.loss - 1e-14
