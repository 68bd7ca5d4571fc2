"""Numbers a learner can trust as printed: a descent path names its columns after the logits
it moves, says when rounding has eaten its digits (held against a 60-digit path), and the
gradient check holds a relative tolerance as well as an absolute one."""

from __future__ import annotations

import json
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest
from conftest import run_cli

from swl_viz.layer import Layer
from swl_viz.probe import descent_path


def _path_60_digits(
    start: tuple[float, float], t: tuple[float, float], lr: float, steps: int
) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """The same descent, x <- x - lr (softmax(x) - t), at 60 digits: its rounding is 1e-60."""
    with mpmath.workdps(60):
        u, v = mpmath.mpf(start[0]), mpmath.mpf(start[1])
        t0, t1, rate = mpmath.mpf(t[0]), mpmath.mpf(t[1]), mpmath.mpf(lr)
        points = []
        for _ in range(steps + 1):
            points.append((u, v))
            m = max(u, v)
            e0, e1 = mpmath.exp(u - m), mpmath.exp(v - m)
            u, v = u - rate * (e0 / (e0 + e1) - t0), v - rate * (e1 / (e0 + e1) - t1)
        return points


def _true_digits(
    start: tuple[float, float], t: tuple[float, float], lr: float, steps: int
) -> float:
    path = descent_path(*start, Layer.make(list(t)), lr=lr, steps=steps)
    exact = _path_60_digits(start, t, lr, steps)
    worst = 0.0
    for k, (u, v) in enumerate(exact):
        scale = max(abs(float(u)), abs(float(v)), 1.0)
        err = max(abs(float(u - path.x0[k])), abs(float(v - path.x1[k])))
        worst = max(worst, err / scale)
    return min(15.0, max(0.0, -math.log10(max(worst, 1e-17))))


CASES = [
    ((0.0, 0.0), (0.9, 0.1), 100.0, 120),  # the unstable rate a newcomer tried: ~5 digits left
    ((0.0, 0.0), (0.9, 0.1), 50.0, 100),
    ((3.0, 3.0), (0.7, 0.3), 20.0, 60),
    ((1.0, -2.0), (0.7, 0.3), 20.0, 60),
    ((0.0, 0.0), (0.7, 0.3), 50.0, 100),  # chaotic: nothing is left
    ((1.0, -2.0), (0.9, 0.1), 20.0, 60),
]


@pytest.mark.parametrize(("start", "t", "lr", "steps"), CASES)
def test_a_rising_loss_says_how_many_digits_mean_anything(
    start: tuple[float, float], t: tuple[float, float], lr: float, steps: int
) -> None:
    path = descent_path(*start, Layer.make(list(t)), lr=lr, steps=steps)
    assert path.rises_at is not None and float(path.loss[path.rises_at]) > float(
        path.loss[path.rises_at - 1]
    )
    true = _true_digits(start, t, lr, steps)
    assert true - 2 <= path.digits <= true + 1, (path.digits, true)
    warning = path.warning()
    assert warning is not None and f"about {path.digits} significant digits" in warning


def test_a_falling_loss_has_no_warning_and_all_its_digits() -> None:
    path = descent_path(-6.0, 4.0, Layer.make([0.9, 0.1]), lr=1.0, steps=50)
    assert path.rises_at is None and path.warning() is None
    assert _true_digits((-6.0, 4.0), (0.9, 0.1), 1.0, 50) >= 14


@pytest.mark.parametrize("fmt", ["csv", "json", "npz"])
def test_path_columns_are_named_after_their_logits(in_tmp: Path, fmt: str) -> None:
    out = f"p.{fmt}"
    code, text = run_cli("data", "--descent", "1,-1", "--t", "0,0,1", "--axes", "0,2",
                         "--steps", "5", "--out", out)  # fmt: skip
    assert code == 0, text
    want = ["k", "x0", "x2", "loss", "grad0", "grad2"]
    if fmt == "csv":
        assert Path(out).read_text().splitlines()[0].split(",") == want
    elif fmt == "json":
        assert list(json.loads(Path(out).read_text())["columns"]) == want
    else:
        with np.load(out) as npz:
            assert [n for n in npz.files if n != "meta"] == want
            # x2 really is logit a2: it moves toward the true class 2, x0 away from it
            assert npz["x2"][-1] > npz["x2"][0] and npz["x0"][-1] < npz["x0"][0]


def test_an_unstable_descent_warns_on_the_command_line_and_in_the_files_metadata(
    in_tmp: Path,
) -> None:
    args = ("data", "--descent", "0,0", "--t", "0.9,0.1", "--lr", "100", "--steps", "120")
    code, text = run_cli(*args, "--out", "p.json")
    assert code == 0, text
    meta = json.loads(Path("p.json").read_text())["meta"]
    true = _true_digits((0.0, 0.0), (0.9, 0.1), 100.0, 120)
    assert meta["rises_at"] == 1 and true - 2 <= meta["meaningful_digits"] <= true + 1
    assert "Warning:" in text and f"about {meta['meaningful_digits']} significant" in text
    code, text = run_cli("data", "--descent", "-6,4", "--t", "0.9,0.1", "--out", "q.json")
    assert code == 0 and "Warning" not in text
    assert "warning" not in json.loads(Path("q.json").read_text())["meta"]


def test_check_holds_a_relative_tolerance_where_the_gradient_is_small() -> None:
    # At T = 1000 the gradient is about 1e-3: the book's 1e-7 bends it by 4e-5 of itself, an
    # absolute 4e-8 that --atol 1e-6 alone would pass.
    args = ("check", "--variant", "book", "--temperature", "1000", "--range", "-3000", "3000",
            "--step", "100")  # fmt: skip
    code, text = run_cli(*args)
    assert code == 1 and "failed" in text, text
    assert run_cli(*args, "--rtol", "1e-3")[0] == 0
    assert run_cli(*args, "--atol", "1e-9", "--rtol", "1e-3")[0] == 1
    assert run_cli("check", "--temperature", "1000", "--rtol", "1e-7")[0] == 0  # the exact core
    assert run_cli("check", "--rtol", "-1")[0] == 2
    code, text = run_cli("check", "--tol", "1e-6")  # the old name of --atol still works
    assert code == 0, text
