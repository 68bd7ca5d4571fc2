"""The simplex under squared error and the focal loss: the triangle's loss and arrows against a
50-digit reference, the descent in both panels, and words that say what the arrows are (the
gradient through the softmax's Jacobian, not t' - y)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import pytest
from conftest import run_cli
from mpmath import mpf
from numpy.typing import NDArray
from oracle import other_reference, target_rounding

import swl_viz
from swl_viz.plotspec import Plot
from swl_viz.simplex import build_simplex
from swl_viz.words import plain

TINY = 1e-300

LAYERS: dict[str, list[str]] = {
    "mse-soft": ["--t", "0.2,0.5,0.3", "--loss", "mse"],
    "mse-smoothed": ["--t", "0,1,0", "--loss", "mse", "--label-smoothing", "0.1",
                     "--temperature", "0.7"],
    "focal-one-hot": ["--t", "1,0,0", "--loss", "focal"],
    "focal-soft": ["--t", "0.6,0.1,0.3", "--loss", "focal", "--gamma", "0.5",
                   "--temperature", "2.5"],
}  # fmt: skip


def _option(args: list[str], flag: str, default: Any) -> Any:
    return args[args.index(flag) + 1] if flag in args else default


def _columns(path: Path) -> dict[str, NDArray[np.float64]]:
    doc = json.loads(path.read_text())
    return {k: np.array(v, dtype=np.float64) for k, v in doc["columns"].items()} | {
        "meta": doc["meta"]
    }


@pytest.mark.parametrize("name", list(LAYERS))
def test_the_triangles_loss_and_arrows_match_a_50_digit_reference(name: str, in_tmp: Path) -> None:
    args = LAYERS[name]
    code, text = run_cli("data", "--simplex", *args, "--step", "0.125", "--out", "tri.json")
    assert code == 0, text
    cols = _columns(in_tmp / "tri.json")
    meta: Any = cols["meta"]
    kind = _option(args, "--loss", "ce")
    assert meta["loss"] == kind and "Jacobian" in meta["arrow"]
    t = [float(v) for v in args[1].split(",")]
    opts = {
        "loss": kind,
        "gamma": float(_option(args, "--gamma", 2.0)),
        "label_smoothing": float(_option(args, "--label-smoothing", 0.0)),
        "temperature": float(_option(args, "--temperature", 1.0)),
    }
    temp = opts["temperature"]
    y = np.column_stack([cols[f"y{k}"] for k in range(3)])
    assert len(y) == 7 * 6 // 2
    logs = np.log(y)  # the logits where softmax(x / T) = y, as the layer takes them
    logits = np.column_stack(
        [np.zeros(len(y)), temp * (logs[:, 1] - logs[:, 0]), temp * (logs[:, 2] - logs[:, 0])]
    )
    for row in range(len(y)):
        a = list(logits[row])
        ref_l, ref_g, d = other_reference(a, t, **opts)
        dl, dg = target_rounding(a, t, **opts)
        # where L nearly vanishes (squared error at y = t') it is y's own rounding, a few ulp
        # of each y_k, that L inherits: sum |dL/dy_k| 4u y_k, and for mse its square
        u4 = mpf(4) * mpf(2) ** -52
        dy = mpmath.fsum(abs(dk) * u4 * yk for dk, yk in zip(d, y[row], strict=True))
        dy += mpmath.fsum((u4 * yk) ** 2 for yk in y[row]) if kind == "mse" else 0
        err = abs(mpf(float(cols["loss"][row])) - ref_l)
        assert err <= 1e-12 * abs(ref_l) + 4 * dl + dy + TINY, (row, float(ref_l))
        arrow = [mpf(float(cols[f"arrow{k}"][row])) for k in range(3)]
        err_g = mpmath.sqrt(mpmath.fsum((v + r) ** 2 for v, r in zip(arrow, ref_g, strict=True)))
        norm = mpmath.sqrt(mpmath.fsum(r * r for r in ref_g))
        assert err_g <= 1e-12 * norm + 4 * dg + TINY, row
        assert abs(float(sum(arrow))) <= 1e-15 * float(norm) + 1e-300  # lies in the triangle


def _drawn(ax: Any, gid: str) -> NDArray[np.float64]:
    lines = [a for a in ax.get_lines() if a.get_gid() == gid]
    assert len(lines) == 1, gid
    return np.column_stack([np.asarray(v, dtype=np.float64) for v in lines[0].get_data()])


@pytest.mark.parametrize(
    "given",
    [
        {"t": (0.2, 0.5, 0.3), "loss": "mse", "descent": (3.0, -2.0, 0.0), "lr": 4.0},
        {"t": (1.0, 0.0, 0.0), "loss": "focal", "gamma": 1.5, "descent": (-1.0, 2.0, 4.0),
         "temperature": 2.0},
    ],
)  # fmt: skip
def test_the_descent_follows_the_losss_own_gradient_in_both_panels(given: dict[str, Any]) -> None:
    given = given | {"steps": 12}
    plot = Plot("simplex", range=(-8.0, 8.0), **given)
    fig = swl_viz.plot("simplex", range=(-8.0, 8.0), **given)
    on_triangle, on_plane = _drawn(fig.axes[0], "path"), _drawn(fig.axes[1], "path")
    opts = {"loss": plot.loss, "gamma": plot.gamma, "temperature": plot.temperature}
    x = [mpf(float(v)) for v in plot.descent or ()]
    for k in range(plot.steps + 1):
        want = [float(x[1] - x[0]), float(x[2] - x[0])]
        assert np.allclose(on_plane[k], want, rtol=1e-9, atol=1e-9), k
        e = [mpmath.exp(v / plot.temperature) for v in x]
        y = [float(v / mpmath.fsum(e)) for v in e]
        picture = [y[1] + y[2] / 2, y[2] * np.sqrt(3.0) / 2]
        assert np.allclose(on_triangle[k], picture, rtol=1e-9, atol=1e-12), k
        _, grad, _ = other_reference(x, list(plot.t), **opts)  # type: ignore[arg-type]
        x = [v - plot.lr * g for v, g in zip(x, grad, strict=True)]


@pytest.mark.parametrize("kind", ["mse", "focal"])
def test_the_words_say_the_arrows_go_through_the_jacobian(kind: str) -> None:
    plot = Plot("simplex", t=(0.2, 0.5, 0.3), loss=kind, probe=(1.0, 0.0, -1.0))  # type: ignore[arg-type]
    scene = build_simplex(plot)
    key = plain(scene.key)
    assert "Jacobian" in key and "not" in key, key
    title = plain(scene.title or "")
    assert ("ᵞ" in title) == (kind == "focal") and ("²" in title) == (kind == "mse"), title
    star = [lab.text for lab in scene.tri_marks.labels if lab.role == "lowest-label"][0]
    # squared error is least, 0, at y = t'; the focal loss of a soft label is not least there
    assert ("= 0" in star) == (kind == "mse") and "H(" not in star, star
    if kind == "focal":
        assert "γ = 2" in key
    assert scene.probe_box is not None and "∂" in scene.probe_box  # dL/dy in the probe's box


@pytest.mark.parametrize("kind", ["mse", "focal"])
def test_the_triangles_arrows_are_the_layers_minus_gradient(kind: str) -> None:
    plot = Plot("simplex", t=(0.6, 0.1, 0.3), loss=kind)  # type: ignore[arg-type]
    scene = build_simplex(plot)
    # back from the picture to y, then the reference's -grad there, mapped and scaled alike
    tails = scene.arrow_xy
    y2 = tails[:, 1] / (np.sqrt(3.0) / 2)
    y1 = tails[:, 0] - y2 / 2
    y = np.column_stack([1 - y1 - y2, y1, y2])
    want = []
    for row in y:
        a = [0.0, float(np.log(row[1] / row[0])), float(np.log(row[2] / row[0]))]
        _, grad, _ = other_reference(a, list(plot.t), loss=kind)
        g = -np.array([float(v) for v in grad])
        want.append([g[1] + g[2] / 2, g[2] * np.sqrt(3.0) / 2])
    want_uv = np.array(want)
    scale = np.hypot(*scene.arrow_uv.T).max() / np.hypot(*want_uv.T).max()
    assert np.allclose(scene.arrow_uv, want_uv * scale, rtol=1e-6, atol=1e-9)


def test_the_simplex_takes_a_label_of_three_by_default(in_tmp: Path) -> None:
    code, text = run_cli("simplex", "--out", "s.png", "--dpi", "40")
    assert code == 0, text
    assert (in_tmp / "s.png").exists()
    code, text = run_cli("simplex", "--help")
    assert code == 0 and "[default: 1,0,0]" in " ".join(text.split()), text
    code, text = run_cli("data", "--simplex", "--step", "0.25", "--out", "d.json")
    assert code == 0, text
    assert json.loads((in_tmp / "d.json").read_text())["meta"]["t"] == [1.0, 0.0, 0.0]
    assert Plot("simplex", t=(1.0, 0.0, 0.0)).t == swl_viz.plotspec.make_plot("simplex", {}).t


def test_a_log_scale_keeps_six_decades_under_squared_errors_exact_zero() -> None:
    plot = Plot("simplex", t=(0.2, 0.5, 0.3), loss="mse", zscale="log")
    scene = build_simplex(plot)
    # y = t' is a point of the triangle's lattice, where L = 0 to rounding (about 1e-33)
    assert float(np.nanmin(scene.tri_z)) < -30
    assert scene.levels[-1] - scene.levels[0] == pytest.approx(6.0)
    assert scene.extend in ("min", "both")  # lower than the scale: its end colour
