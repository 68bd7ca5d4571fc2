"""Numerical extremes end to end: ranges up to +-1e6 at the point limit still draw finite axes,
and the exported numbers hold no NaN or inf."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from swl_viz import MAX_AXIS_POINTS, loss_grid
from swl_viz.cli import app
from swl_viz.formats import render_to_file
from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot

LIMIT_STEP = 2e6 / (MAX_AXIS_POINTS - 1)  # 500: exactly 4001 points on [-1e6, 1e6]


@pytest.mark.slow  # 16 million points: seconds of work and over 2 GB allocated at its peak
def test_the_densest_widest_grid_is_finite() -> None:
    g = loss_grid(-1e6, 1e6, LIMIT_STEP, [1, 0])
    assert g.shape == (MAX_AXIS_POINTS, MAX_AXIS_POINTS)
    for arr in (g.loss, g.grad0, g.grad1):
        assert np.isfinite(arr).all()
    assert g.loss.max() == 2e6
    assert np.isfinite(g.probabilities()[::97, ::89]).all()


@pytest.mark.parametrize("figure", ["surface", "quiver", "contour"])
@pytest.mark.parametrize("zscale", ["linear", "log"])
@pytest.mark.parametrize("t", [(1.0, 0.0), (0.5, 0.5)])
def test_every_figure_renders_with_finite_axes(
    figure: str, zscale: str, t: tuple[float, float], tmp_path: Path
) -> None:
    plot = Plot(figure, range=(-1e6, 1e6), step=LIMIT_STEP, zscale=zscale, t=t, dpi=20)  # type: ignore[arg-type]
    with theme_context("light"):
        fig = build_figure(plot)
    for ax in fig.axes:
        limits = [*ax.get_xlim(), *ax.get_ylim()]
        if hasattr(ax, "get_zlim"):
            limits += [*ax.get_zlim()]
        assert np.isfinite(limits).all(), (figure, ax, limits)
    _check_png(render_to_file(plot, tmp_path / "f.png"), plot)


def _check_png(path: Path, plot: Plot) -> None:
    """A whole PNG of the plot's size with something drawn on it, not an empty canvas."""
    from PIL import Image

    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == plot.pixels, (path, im.size)
        im.verify()
    with Image.open(path) as im:
        grey = np.asarray(im.convert("L"), dtype=float)
    assert grey.std() > 10, f"{path.name} is nearly one colour"


def test_tiny_ranges_and_temperatures_too(tmp_path: Path) -> None:
    for n, plot in enumerate(
        (
            Plot("surface", range=(-1e-6, 1e-6), step=1e-8, dpi=20),
            Plot("quiver", temperature=1e-3, dpi=20),
            Plot("contour", temperature=1e3, range=(-1e6, 1e6), step=1e5, dpi=20),
        )
    ):
        _check_png(render_to_file(plot, tmp_path / f"f{n}.png"), plot)


def test_data_export_at_the_extremes_has_no_nan(tmp_path: Path) -> None:
    out = tmp_path / "far.json"
    result = CliRunner().invoke(
        app,
        ["data", "--out", str(out), "--range", "-1e6", "1e6", "--step", "20000",
         "--t", "0.25,0.75", "--temperature", "0.001"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    cols = json.loads(text)["columns"]
    assert max(cols["loss"]) == pytest.approx(0.75 * 2e9, rel=1e-12)
