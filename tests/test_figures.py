"""The drawing layer: what each function draws, and the files it writes, opened and measured."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d.axes3d import Axes3D
from PIL import Image
from slides_tools import read

from swl_viz import loss_grid
from swl_viz.formats import render_to_file
from swl_viz.grid import thin_stride
from swl_viz.mpl import build_figure
from swl_viz.mpl.plotters import MAX_WIRE_LINES, draw_contour, draw_descent, draw_surface
from swl_viz.plotspec import Plot
from swl_viz.scene import contour_field, descent_field


def test_import_and_core_do_not_pull_in_matplotlib() -> None:
    code = (
        "import sys, swl_viz; swl_viz.loss_grid(-2, 2, 1, [1, 0]); "
        "import swl_viz.plotspec; assert 'matplotlib' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_thinning_keeps_both_ends_evenly() -> None:
    assert thin_stride(21, 25) == 1
    assert thin_stride(2001, 25) == 100  # 21 arrows at x = -20, -18, ..., 20
    assert thin_stride(401, 25) == 20
    assert (2001 - 1) % thin_stride(2001, 41) == 0


@pytest.mark.parametrize("normalize", [False, True])
def test_descent_arrows_are_tangent_to_the_surface(normalize: bool) -> None:
    g = loss_grid(-20, 20, 2, [1, 0])
    f = descent_field(g, 21, normalize, "linear")
    z, u, v, w = f.z, f.u, f.v, f.w
    assert z is not None and w is not None
    g0, g1 = g.grad0, g.grad1
    # a step (u, v) on the surface rises by grad . (u, v); the arrow's w must be exactly that
    np.testing.assert_allclose(w, g0 * u + g1 * v, rtol=1e-12, atol=1e-15)
    # and it points downhill, along -grad
    np.testing.assert_allclose(u * g1, v * g0, atol=1e-15)
    assert (u * g0 + v * g1 <= 0).all()
    horizontal = np.hypot(u, v)
    norm = np.hypot(g0, g1)
    if normalize:
        np.testing.assert_allclose(horizontal[norm > 0], 1.6)  # 0.8 of the 2.0 spacing
    else:
        np.testing.assert_allclose(horizontal, norm * 1.6 / norm.max(), rtol=1e-12)
    np.testing.assert_array_equal(z, g.loss)


def test_draw_functions_take_an_ax_and_return_what_they_drew() -> None:
    g = loss_grid(-20, 20, 2, [1, 0])
    fig = Figure()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    wire = draw_surface(ax3, g)
    arrows = draw_descent(ax3, descent_field(g, 25, False, "linear"))
    assert wire in ax3.collections and arrows in ax3.collections
    assert len(wire._segments3d) == 42  # 21 lines each way
    ax = fig.add_subplot(1, 2, 2)
    drawn = draw_contour(ax, g, contour_field(g, 25, False))
    assert drawn.quiver in ax.collections
    assert drawn.colorbar is not None and read(drawn.colorbar.ax.get_ylabel()) == "L (nats)"
    assert ax.get_aspect() == 1.0


def test_dense_grid_strides_the_wireframe_and_thins_arrows() -> None:
    g = loss_grid(-20, 20, 0.02, [1, 0])
    fig = Figure()
    ax = fig.add_subplot(projection="3d")
    wire = draw_surface(ax, g)
    lines = len(range(0, 201, thin_stride(201, MAX_WIRE_LINES)))  # 201 points along each line
    assert lines <= MAX_WIRE_LINES and len(wire._segments3d) == 2 * lines
    arrows = draw_descent(ax, descent_field(g, 25, False, "linear"))
    assert len(arrows._segments3d) <= 3 * 21 * 21  # shaft and two head strokes each


def test_surface_figure_says_what_it_shows() -> None:
    fig = build_figure(Plot("surface"))
    (ax,) = cast(list[Axes3D], fig.axes)
    assert read(fig.get_suptitle()) == "Loss L = −Σₖ tₖ log yₖ"
    assert read(ax.get_title(loc="left")) == "t = (1, 0)"
    assert (read(ax.get_xlabel()), read(ax.get_ylabel()), read(ax.get_zlabel())) == (
        "x₀",
        "x₁",
        "L (nats)",
    )
    assert (ax.elev, ax.azim) == (20.0, 255.0)  # the default view for t = (1, 0)
    assert ax.get_legend() is None  # one entry would say nothing
    assert tuple(fig.get_size_inches() * fig.dpi) == (900.0, 900.0)


def test_quiver_contour_and_pair_figures() -> None:
    fig = build_figure(Plot("quiver", t=(0.0, 1.0), elev=35, azim=100))
    (ax,) = cast(list[Axes3D], fig.axes)
    assert [read(t.get_text()) for t in ax.get_legend().get_texts()] == ["forward", "backward"]
    assert read(ax.get_title(loc="left")) == "t = (0, 1)"
    assert (ax.elev, ax.azim) == (35.0, 100.0)  # a given view wins
    assert read(fig.get_suptitle()) == "Steepest descent −∇L = t − y"
    mirrored = cast(Axes3D, build_figure(Plot("quiver", t=(0.0, 1.0))).axes[0])
    assert mirrored.azim == 195.0  # 255's mirror
    fig = build_figure(Plot("contour"))
    ax, cax = fig.axes
    assert (read(ax.get_xlabel()), read(ax.get_ylabel())) == ("x₀", "x₁")
    assert read(cax.get_ylabel()) == "L (nats)"
    tick_kw: dict[str, object] = vars(ax.xaxis)["_major_tick_kw"]  # private in matplotlib
    assert not tick_kw.get("gridOn", False)  # the bands carry the values
    assert tuple(fig.get_size_inches() * fig.dpi) == (900.0, 800.0)
    fig = build_figure(Plot("pair"))
    surface, contour, cax = fig.axes
    assert surface.name == "3d" and contour.name == "rectilinear"
    assert cast(Axes3D, surface).get_zlim() == pytest.approx(tuple(cax.get_ylim()), abs=1.0)
    assert tuple(fig.get_size_inches() * fig.dpi) == (1600.0, 900.0)
    assert tuple(build_figure(Plot("pair", preset="slides")).get_size_inches() * 100) == (
        1920.0,
        1080.0,
    )


def _svg_size(path: Path) -> tuple[float, float]:
    head = path.read_text()[:2000]
    w = re.search(r'width="([\d.]+)pt"', head)
    h = re.search(r'height="([\d.]+)pt"', head)
    assert w and h, head
    return float(w.group(1)), float(h.group(1))


def _pdf_size(path: Path) -> tuple[float, float]:
    m = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", path.read_bytes())
    assert m
    return float(m.group(1)), float(m.group(2))


@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair"])
def test_written_files_are_real_and_of_the_requested_size(figure: str, tmp_path: Path) -> None:
    plot = Plot(figure, size=(300, 250), dpi=50)  # type: ignore[arg-type]
    png = render_to_file(plot, tmp_path / "f.png")
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size == (300, 250)
        pixels = np.asarray(im.convert("L"), dtype=float)
    assert pixels.std() > 10, "a blank image"
    svg = render_to_file(plot, tmp_path / "f.svg")
    assert svg.read_text().lstrip().startswith("<?xml") and "</svg>" in svg.read_text()
    assert _svg_size(svg) == (432.0, 360.0)
    pdf = render_to_file(plot, tmp_path / "f.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and b"%%EOF" in pdf.read_bytes()[-64:]
    assert _pdf_size(pdf) == (432.0, 360.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf", "f.png", "f.svg"]


def test_a_failing_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import swl_viz.formats as formats

    def broken(*args: object, **kwargs: object) -> bytes:
        raise KeyboardInterrupt  # Ctrl-C in the middle of a render

    target = tmp_path / "x.png"
    target.write_bytes(b"old figure")
    monkeypatch.setattr(formats, "render_bytes", broken)
    with pytest.raises(KeyboardInterrupt):
        render_to_file(Plot("surface"), target)
    assert target.read_bytes() == b"old figure"
    assert [p.name for p in tmp_path.iterdir()] == ["x.png"]


def test_atomic_write_cleans_up_a_partial_file(tmp_path: Path) -> None:
    from swl_viz.atomic import atomic_write

    with pytest.raises(RuntimeError), atomic_write(tmp_path / "y.svg") as fh:
        fh.write(b"<svg half")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []
