"""The grid: the seed's axis, the meshgrid layout, and every point against the per-sample core."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import reference

from swl_viz import MAX_AXIS_POINTS, SwlVizError, grid_axis, loss_grid, softmax_with_loss


def test_axis_matches_the_seeds_arange() -> None:
    np.testing.assert_array_equal(grid_axis(-20, 20, 2), np.arange(-20.0, 20.1, 2.0))
    assert grid_axis(-20, 20, 0.02).size == 2001
    assert grid_axis(-20, 20, 0.02)[-1] == 20.0
    assert grid_axis(-20, 20, 0.1).size == 401
    assert grid_axis(0, 1, 0.3).size == 4  # 0, 0.3, 0.6, 0.9: hi is not on the grid
    assert grid_axis(-20, 20, 0.01).size == MAX_AXIS_POINTS


@pytest.mark.parametrize(
    ("lo", "hi", "step", "param"),
    [
        (5, 5, 1, "range"),
        (5, -5, 1, "range"),
        (float("nan"), 1, 1, "range"),
        (-float("inf"), 1, 1, "range"),
        (-1, 1, 0, "step"),
        (-1, 1, -0.5, "step"),
        (-1, 1, float("nan"), "step"),
        (-1, 1, 3, "step"),
        (-20, 20, 1e-9, "step"),
        (-1e300, 1e300, 1e-300, "step"),
    ],
)
def test_bad_grids_are_refused_before_allocating(
    lo: float, hi: float, step: float, param: str
) -> None:
    with pytest.raises(SwlVizError) as info:
        grid_axis(lo, hi, step)
    assert info.value.param == param


def test_layout_is_meshgrid_xy() -> None:
    g = loss_grid(-20, 20, 2, [1, 0])
    x0, x1 = np.meshgrid(np.arange(-20.0, 20.1, 2.0), np.arange(-20.0, 20.1, 2.0))
    np.testing.assert_array_equal(g.x0, x0)
    np.testing.assert_array_equal(g.x1, x1)
    # the seed's first five losses, np.round(L_vals[:5], 2), along x0 at x1 = -20
    np.testing.assert_array_equal(np.round(g.loss[0, :5], 2), [0.69, 0.13, 0.02, 0.0, 0.0])
    # and the corrected first gradient: the seed prints [-0.25, 0.25]
    assert (g.grad0[0, 0], g.grad1[0, 0]) == (-0.5, 0.5)


@pytest.mark.parametrize(
    ("t", "kwargs"),
    [
        ([1, 0], {}),
        ([0, 1], {}),
        ([0.3, 0.7], {"label_smoothing": 0.1}),
        ([1, 0], {"temperature": 0.25}),
        ([1, 0], {"axes": (1, 0)}),
        ([1, 0], {"variant": "book"}),
        ([0, 0, 1], {"logits": [0, 1, 0], "axes": (0, 2)}),
        ([0.2, 0.3, 0.5], {"logits": [0, 1, -2], "axes": (2, 1), "temperature": 2.0}),
        (np.eye(10)[3], {"logits": np.linspace(-3, 3, 10), "axes": (3, 7)}),
    ],
)
def test_grid_equals_the_per_sample_core(t: list[float], kwargs: dict[str, object]) -> None:
    g = loss_grid(-30, 30, 1.5, t, **kwargs)  # type: ignore[arg-type]
    a = g.stacked_logits()
    opts = {k: v for k, v in kwargs.items() if k not in ("logits", "axes")}
    loss, grad = softmax_with_loss(a, t, **opts)  # type: ignore[arg-type]
    np.testing.assert_allclose(g.loss, loss, rtol=4e-16, atol=0)
    i, j = g.axes
    # a few ulp: for a label t' >= 1/2 on the class that is not on top, the two-class form
    # takes (1 - t') - y_other and the core y - t', equally exact, not always equally rounded
    np.testing.assert_allclose(g.grad0, grad[..., i], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(g.grad1, grad[..., j], rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize(
    ("t", "kwargs"),
    [
        ([1, 0], {}),
        ([0.25, 0.75], {}),
        ([0, 0, 1], {"logits": [0, 1, 0], "axes": (0, 2)}),
        (np.eye(10)[0], {"logits": np.linspace(-9, 9, 10), "axes": (0, 9)}),
    ],
)
def test_grid_against_50_digit_reference(t: list[float], kwargs: dict[str, object]) -> None:
    """K = 2, 3 and 10, with the flat region (|x0 - x1| up to 1200) in the range."""
    g = loss_grid(-600, 600, 75, t, **kwargs)  # type: ignore[arg-type]
    a = g.stacked_logits()
    one_hot = np.count_nonzero(t) == 1
    for r in range(0, g.shape[0], 2):
        for c in range(0, g.shape[1], 3):
            ref_loss, ref_grad = reference(a[r, c], t)
            ref_l = float(ref_loss)
            assert abs(g.loss[r, c] - ref_l) <= 1e-12 * abs(ref_l) + 1e-300
            for value, k in ((g.grad0[r, c], g.axes[0]), (g.grad1[r, c], g.axes[1])):
                ref_g = float(ref_grad[k])
                bound = 1e-12 * abs(ref_g) + (0 if one_hot else 1e-15 * t[k]) + 1e-300
                assert abs(value - ref_g) <= bound


def test_flat_region_is_never_zero_on_the_default_range() -> None:
    g = loss_grid(-20, 20, 0.5, [1, 0])
    assert (g.loss > 0).all()  # smallest is log1p(exp(-40)) = 4.2e-18, not 0
    assert g.loss.min() == pytest.approx(np.exp(-40.0), rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"t": [1, 0], "logits": [0, 0, 0]}, "logits"),
        ({"t": [0, 0, 1], "axes": (0, 3)}, "axes"),
        ({"t": [0, 0, 1], "axes": (1, 1)}, "axes"),
        ({"t": [0, 0, 1], "axes": (0, 1, 2)}, "axes"),
        ({"t": [1]}, "t"),
        ({"t": [0.5, 0.6]}, "t"),
        ({"t": [1, 0], "temperature": -1.0}, "temperature"),
        ({"t": [1, 0], "variant": "other"}, "variant"),
    ],
)
def test_bad_grid_options(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(SwlVizError) as info:
        loss_grid(-1, 1, 0.5, **kwargs)  # type: ignore[arg-type]
    assert info.value.param == param


def test_loss_grid_leaves_the_callers_logits_alone() -> None:
    fixed = np.array([5.0, 6.0, 7.0])
    g = loss_grid(-1, 1, 1, [0, 0, 1], logits=fixed, axes=(0, 2))
    np.testing.assert_array_equal(fixed, [5.0, 6.0, 7.0])  # the varied entries are not zeroed
    assert g.logits == (0.0, 6.0, 0.0)


def test_classes_and_work_are_bounded_before_anything_is_allocated() -> None:
    import tracemalloc

    from swl_viz.grid import MAX_CLASSES, MAX_GRID_WORK

    many = np.zeros(MAX_CLASSES + 1)
    many[0] = 1.0
    with pytest.raises(SwlVizError, match="at most 1000") as caught:
        loss_grid(-1, 1, 1, many)
    assert caught.value.param == "t"
    hundred = np.eye(100)[3]
    tracemalloc.start()  # numpy reports its arrays to tracemalloc
    try:
        with pytest.raises(SwlVizError, match="too much work") as caught:
            loss_grid(-20, 20, 0.01, hundred)  # 4001^2 x 100 logits
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.param == "step"
    # refused before allocating: one 4001 x 4001 array of doubles alone is 128 MB
    assert peak < 4 << 20, f"{peak} bytes allocated before the refusal"
    assert 4001 * 4001 * 100 > MAX_GRID_WORK
    # the same classes on a grid a figure shows are fine
    assert loss_grid(-20, 20, 0.01, hundred, max_points=401).loss.shape == (401, 401)
