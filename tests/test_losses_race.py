"""The losses' race: without --descent, the comparison runs one descent under each loss from a
gap of -5, and --lr and --steps shape it as they shape a given descent. The paths are checked
step by step against a 50-digit descent written from the loss's definition."""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import oracle
import pytest
from conftest import run_cli
from mpmath import mpf

from swl_viz.compare import compare_losses
from swl_viz.options import OPTIONS, RACE_GAP, RACE_STEPS
from swl_viz.plotspec import make_plot


def _reference_path(loss: str, start: tuple[float, float], lr: float, steps: int) -> list[mpf]:
    """x_{k+1} = x_k - lr grad L(x_k) on the logits (x0, x1) of t = (1, 0), at 50 digits."""
    x = [mpf(start[0]), mpf(start[1])]
    out = [*x]
    for _ in range(steps):
        a = [float(v) for v in x]  # the core holds doubles: the oracle starts each step there
        if loss == "ce":
            _, grad = oracle.reference(a, [1.0, 0.0])
        else:
            _, grad, _ = oracle.other_reference(a, [1.0, 0.0], loss=loss)
        x = [mpf(a[0]) - mpf(lr) * grad[0], mpf(a[1]) - mpf(lr) * grad[1]]
        out.extend(x)
    return out


@pytest.mark.parametrize(("lr", "steps"), [(0.5, 30), (3.0, 12), (1.0, None)])
def test_lr_and_steps_shape_the_race(lr: float, steps: int | None) -> None:
    given: dict[str, object] = {"lr": lr} if steps is None else {"lr": lr, "steps": steps}
    cmp = compare_losses(make_plot("losses", given))
    want = RACE_STEPS if steps is None else steps
    assert cmp.lr == lr and cmp.steps == want
    assert cmp.start == (RACE_GAP / 2, -RACE_GAP / 2)  # x_t - x_o = -5, centred
    for col in cmp.columns:
        assert col.path.steps == want and col.path.lr == lr
        k = min(want, 40)  # the first steps, where the two losses differ most
        ref = _reference_path(col.kind, cmp.start, lr, k)
        got = np.column_stack([col.path.x0[: k + 1], col.path.x1[: k + 1]]).ravel()
        for g, r in zip(got, ref, strict=True):
            assert abs(mpf(float(g)) - r) <= 1e-12 * max(1, abs(r)), (col.kind, g, r)


def test_the_race_counts_the_steps_of_the_data_path(in_tmp: Path) -> None:
    """The step count over each plane is the first row of ``swl-viz data --descent`` from the
    race's start, with the same --lr and --steps, that reaches y_t >= 0.9."""
    cmp = compare_losses(make_plot("losses", {"lr": "0.5", "steps": "200"}))
    start = ",".join(repr(v) for v in cmp.start)
    for col in cmp.columns:
        args = ["data", "--descent", start, "--lr", "0.5", "--steps", "200", "--loss", col.kind]
        code, text = run_cli(*args, "-o", f"{col.kind}.csv")
        assert code == 0, text
        rows = np.loadtxt(in_tmp / f"{col.kind}.csv", delimiter=",", skiprows=1)
        y0 = 1.0 / (1.0 + np.exp(rows[:, 2] - rows[:, 1]))
        hits = np.flatnonzero(y0 >= cmp.level)
        assert col.steps_to == (int(hits[0]) if hits.size else None), col.kind
    ce, mse = cmp.columns
    assert ce.steps_to is not None and mse.steps_to is not None and ce.steps_to < mse.steps_to


def test_a_given_descent_keeps_its_own_steps_and_names_only_what_was_given() -> None:
    assert make_plot("losses", {}).steps == RACE_STEPS
    assert make_plot("losses", {"descent": "1,2"}).steps == OPTIONS["steps"].default
    assert make_plot("losses", {}).stem() == "losses_t1-0"
    assert make_plot("losses", {"steps": 50}).stem() == "losses_t1-0_steps50"  # given: named
    assert make_plot("losses", {"lr": 0.5}).stem() == "losses_t1-0_lr0.5"
    assert make_plot("losses", {"descent": "1,2"}).stem() == "losses_t1-0_descent1-2"


def test_the_command_line_takes_them_and_says_so(in_tmp: Path) -> None:
    code, text = run_cli("losses", "--lr", "0.5", "--steps", "30", "--size", "400x300")
    assert code == 0, text
    assert text.strip() == "outputs/losses_t1-0_lr0.5_steps30_size400x300.png"
    code, text = run_cli("losses", "--help", columns=240)
    helps = {ln.split()[1]: " ".join(ln.split()) for ln in text.splitlines() if "│ --" in ln}
    assert "race" in helps["--lr"] and "race" in helps["--steps"], helps
    assert f"[default: {RACE_STEPS}; 50 with --descent]" in helps["--steps"], helps["--steps"]
    assert "gap x_t - x_o of -5" in helps["--descent"], helps["--descent"]


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["contour", "--lr", "0.5"], "X0,X1"),
        (["surface", "--steps", "10"], "X0,X1"),
        (["simplex", "--steps", "10"], "X0,X1,X2"),
        (["data", "--lr", "0.5", "-o", "d.csv"], "X0,X1"),
    ],
)
def test_elsewhere_they_still_need_a_descent_and_say_what_to_add(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], args: list[str], start: str
) -> None:
    from swl_viz.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"'{args[1]}': applies only with --descent {start}" in err, err
    assert list(in_tmp.iterdir()) == []


def test_the_oracle_descent_is_the_definition() -> None:
    """The reference step itself: one step of lr 1 from (0, 0) for t = (1, 0) under the
    cross-entropy moves by -(y - t) = (1/2, -1/2)."""
    path = _reference_path("ce", (0.0, 0.0), 1.0, 1)
    assert [mpmath.nstr(v, 20) for v in path[2:]] == ["0.5", "-0.5"]
