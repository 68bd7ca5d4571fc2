"""Three classes on the probability simplex beside the logit plane: the triangle's numbers
against a 50-digit reference, the descent drawn in both panels, the refusals, and a figure
whose every text stays on the canvas and clear of every other."""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import oracle
import pytest
from conftest import run_cli
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from mpmath import mpf
from numpy.typing import NDArray
from page_tools import need_browser, open_page
from PIL import Image
from slides_tools import drawn_shapes, layout_problems

import swl_viz
from swl_viz.mpl import build_figure, theme_context
from swl_viz.mpl.simplex import draw_simplex
from swl_viz.plotspec import Plot
from swl_viz.simplex import build_simplex


def _problems(plot: Plot) -> tuple[list[str], list[float]]:
    """Texts that leave the canvas or overlap, and every text's font size in pixels."""
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        out = layout_problems(fig)
        shapes = drawn_shapes(fig)
    sizes = [float(t.get_fontsize()) * fig.dpi / 72.0 for t, _ in shapes]
    return out, sizes


CASES: dict[str, dict[str, Any]] = {
    "plain": {"t": (0.2, 0.5, 0.3)},
    "crowded": {"t": (0.2, 0.5, 0.3), "probe": (1.0, 0.0, -1.0), "descent": (3.0, -2.0, 0.0),
                "range": (-6.0, 6.0)},
}  # fmt: skip


#: More of what a simplex can show, for the slow sweep.
MORE: dict[str, dict[str, Any]] = {
    "one-hot": {"t": (1.0, 0.0, 0.0), "probe": (0.0, 1.0, 2.0), "descent": (2.0, -1.0, 3.0),
                "range": (-8.0, 8.0)},
    "smoothed": {"t": (0.0, 0.0, 1.0), "label_smoothing": 0.2, "descent": (4.0, 0.0, -3.0)},
    "tempered": {"t": (0.6, 0.1, 0.3), "temperature": 3.0, "probe": (-5.0, 5.0, 0.0)},
    "book": {"t": (0.0, 1.0, 0.0), "variant": "book", "range": (-30.0, 30.0)},
    "log": {"t": (0.2, 0.5, 0.3), "zscale": "log", "probe": (9.0, -9.0, 0.0)},
    "dark-ja": {"t": (0.2, 0.5, 0.3), "theme": "dark", "lang": "ja", "descent": (0.0, 5.0, -5.0),
                "probe": (1.0, 1.0, -2.0)},
    "bare": {"t": (0.2, 0.5, 0.3), "no_annotate": None, "no_title": True},
    # the boxes of squared error and focal have a line more (dL/dy), and longer ones
    "mse": {"t": (0.2, 0.5, 0.3), "loss": "mse", "probe": (4.0, -3.0, 1.0),
            "descent": (3.0, -2.0, 0.0)},
    "focal-tempered": {"t": (0.6, 0.1, 0.3), "loss": "focal", "gamma": 0.5, "temperature": 3.0,
                       "label_smoothing": 0.1, "probe": (-5.0, 5.0, 0.0)},
    "wide-box": {"t": (0.2, 0.5, 0.3), "label_smoothing": 0.1, "temperature": 0.5,
                 "probe": (4.0, -3.0, 1.0), "descent": (3.0, -2.0, 0.0), "range": (-8.0, 8.0)},
}  # fmt: skip
SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "slides": {"preset": "slides", "size": (1920, 1080)},
    "720p": {"size": (1280, 720)},
}


def _check(given: dict[str, Any], size: str) -> None:
    given = {k: v for k, v in given.items() if k != "no_annotate"} | (
        {"annotate": False} if "no_annotate" in given else {}
    )
    problems, sizes = _problems(Plot("simplex", **given, **SIZES[size]))
    assert problems == []
    if size == "slides":  # every text, ticks included, legible from the back of a room
        assert min(sizes) >= 32.0, min(sizes)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("size", ["default", "slides"])
def test_the_simplex_holds_together(case: str, size: str) -> None:
    _check(CASES[case], size)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "size"),
    [pytest.param(case, size, id=f"{size}-{case}") for case in MORE for size in SIZES],
)
def test_every_simplex_holds_together_at_every_size(case: str, size: str) -> None:
    _check(MORE[case], size)


# ---- the triangle's numbers: swl-viz data --simplex ---------------------------------------------

LAYERS: dict[str, list[str]] = {
    "soft": ["--t", "0.2,0.5,0.3"],
    "one-hot": ["--t", "1,0,0"],
    "smoothed": ["--t", "0,1,0", "--label-smoothing", "0.1"],
    "tempered": ["--t", "0.6,0.1,0.3", "--temperature", "2.5"],
    "book": ["--t", "1,0,0", "--variant", "book"],
}


def _read(path: Path) -> dict[str, NDArray[np.float64]]:
    if path.suffix == ".csv":
        rows = path.read_text().splitlines()
        names = rows[0].split(",")
        values = np.array([[float(v) for v in row.split(",")] for row in rows[1:]])
        return {name: values[:, k] for k, name in enumerate(names)}
    if path.suffix == ".json":
        return {k: np.array(v) for k, v in json.loads(path.read_text())["columns"].items()}
    with np.load(path) as npz:
        return {k: npz[k] for k in npz.files if k != "meta"}


def _option(args: list[str], flag: str, default: float) -> float:
    return float(args[args.index(flag) + 1]) if flag in args else default


@pytest.mark.parametrize("name", list(LAYERS))
def test_the_triangles_numbers_match_a_50_digit_reference(name: str, in_tmp: Path) -> None:
    args = LAYERS[name]
    code, text = run_cli("data", "--simplex", *args, "--step", "0.02", "--out", "tri.csv")
    assert code == 0, text
    cols = _read(in_tmp / "tri.csv")
    t = [float(v) for v in args[1].split(",")]
    eps = _option(args, "--label-smoothing", 0.0)
    temp = _option(args, "--temperature", 1.0)
    book = "book" in args
    want = oracle.target(t, eps)
    assert len(cols["loss"]) == 49 * 48 // 2  # (i, j, k) >= 1 with i + j + k = 50
    worst = 0.0
    for row in range(len(cols["loss"])):
        y = [mpf(float(cols[f"y{k}"][row])) for k in range(3)]
        shift = mpf(1e-7) if book else mpf(0)
        loss = -mpmath.fsum(w * mpmath.log(v + shift) for w, v in zip(want, y, strict=True))
        worst = max(worst, float(abs(mpf(float(cols["loss"][row])) - loss) / abs(loss)))
        for k in range(3):  # what backward sends, reversed: -(y - t') / T, to rounding
            arrow = -(y[k] - want[k]) / temp
            ulps = 4 * 2.0**-52 * float(max(y[k], want[k])) / temp  # y is the layer's softmax
            assert abs(float(cols[f"arrow{k}"][row]) - float(arrow)) <= ulps, (row, k)
    assert worst <= 1e-12, worst


def test_every_rows_y_sums_to_one_and_sits_on_the_lattice(in_tmp: Path) -> None:
    step = 0.01
    code, text = run_cli("data", "--simplex", "--t", "0.2,0.5,0.3", "--step", str(step),
                         "--out", "tri.npz")  # fmt: skip
    assert code == 0, text
    cols = _read(in_tmp / "tri.npz")
    n = 100
    y = np.column_stack([cols["y0"], cols["y1"], cols["y2"]])
    assert len(y) == (n - 1) * (n - 2) // 2
    worst = 0.0
    for row in y:
        exact = sum(Fraction(float(v)) for v in row)  # the doubles' sum, without rounding
        worst = max(worst, float(abs(exact - 1)), abs(float(row.sum()) - 1.0))
        parts = [round(float(v) * n) for v in row]  # each the double nearest i / n
        assert sum(parts) == n and all(float(v) == p / n for v, p in zip(row, parts, strict=True))
    assert worst <= 1e-15, worst


def test_the_three_formats_hold_the_same_doubles(in_tmp: Path) -> None:
    read = {}
    for fmt in ("csv", "npz", "json"):
        code, text = run_cli("data", "--simplex", "--t", "0.6,0.1,0.3", "--temperature", "0.5",
                             "--step", "0.125", "--out", f"tri.{fmt}")  # fmt: skip
        assert code == 0, text
        read[fmt] = _read(in_tmp / f"tri.{fmt}")
    assert list(read["csv"]) == ["y0", "y1", "y2", "loss", "arrow0", "arrow1", "arrow2"]
    for fmt in ("npz", "json"):
        assert list(read[fmt]) == list(read["csv"])
        for name, column in read["csv"].items():
            assert np.array_equal(read[fmt][name], column), (fmt, name)


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["simplex", "--t", "1,0"], "--t"),
        (["simplex", "--t", "0.2,0.2,0.2,0.4"], "--t"),
        (["simplex", "--t", "0.2,0.5,0.3", "--probe", "1,2"], "--probe"),
        (["simplex", "--t", "0.2,0.5,0.3", "--descent", "1,2,3,4"], "--descent"),
        (["simplex", "--t", "0.2,0.5,0.3", "--logits", "0,0,0"], "--logits"),
        (["simplex", "--t", "0.2,0.5,0.3", "--transparent", "--out", "s.html"], "--transparent"),
        (["simplex", "--t", "0.2,0.5,0.3", "--out", "s.bmp"], "--out"),
        (["contour", "--probe", "1,2,3"], "--probe"),
        (["data", "--simplex", "--t", "1,0", "--out", "d.csv"], "--t"),
        (["data", "--simplex", "--t", "0.2,0.5,0.3", "--step", "0.3", "--out", "d.csv"], "--step"),
        (["data", "--simplex", "--t", "0.2,0.5,0.3", "--step", "1e-4", "--out", "d.csv"],
         "--step"),
        (["data", "--simplex", "--t", "0.2,0.5,0.3", "--range", "-1", "1", "--out", "d.csv"],
         "--range"),
        (["data", "--descent", "1,2,3", "--out", "d.csv"], "--descent"),
    ],
)  # fmt: skip
def test_a_wrong_simplex_is_one_usage_line(
    argv: list[str], flag: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swl_viz.cli import main

    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and flag in lines[0], err
    assert out == "" and "Traceback" not in err
    assert not any(in_tmp.rglob("*.*"))


# ---- the figure: both panels, from what it drew ------------------------------------------------


def _softmax(a: NDArray[np.float64], temp: float) -> NDArray[np.float64]:
    """softmax(a / T) at 50 digits, rounded once."""
    out = []
    for row in np.atleast_2d(a):
        e = [mpmath.exp(mpf(float(v)) / mpf(temp)) for v in row]
        s = mpmath.fsum(e)
        out.append([float(v / s) for v in e])
    return np.array(out)


def _picture(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """The triangle's corners (0, 0), (1, 0), (1/2, sqrt 3 / 2): y's point in the picture."""
    return np.column_stack([y[:, 1] + y[:, 2] / 2, y[:, 2] * np.sqrt(3.0) / 2])


def _drawn(ax: Axes, gid: str) -> NDArray[np.float64]:
    lines = [a for a in ax.get_lines() if a.get_gid() == gid]
    assert len(lines) == 1, gid
    return np.column_stack([np.asarray(v, dtype=np.float64) for v in lines[0].get_data()])


@pytest.mark.parametrize(
    "given",
    [
        {"t": (0.2, 0.5, 0.3), "descent": (3.0, -2.0, 0.0)},
        {"t": (1.0, 0.0, 0.0), "descent": (-1.0, 2.0, 4.0), "temperature": 2.0, "lr": 3.0},
        {"t": (0.0, 1.0, 0.0), "descent": (0.0, -4.0, 1.0), "label_smoothing": 0.3, "steps": 80},
    ],
)
def test_the_path_on_the_triangle_is_the_softmax_of_the_path_on_the_plane(
    given: dict[str, Any],
) -> None:
    plot = Plot("simplex", range=(-8.0, 8.0), **given)
    fig = swl_viz.plot("simplex", range=(-8.0, 8.0), **given)
    triangle, plane = fig.axes[0], fig.axes[1]
    on_plane = _drawn(plane, "path")
    on_triangle = _drawn(triangle, "path")
    assert len(on_plane) == len(on_triangle) == plot.steps + 1
    logits = np.column_stack([np.zeros(len(on_plane)), on_plane])  # x - x0: the same y
    want = _picture(_softmax(logits, plot.temperature))
    assert np.abs(on_triangle - want).max() <= 1e-13
    # and the plane's path is gradient descent on all three logits, from the given start
    t = np.array(oracle.target(plot.t, plot.label_smoothing), dtype=np.float64)
    x = np.array(plot.descent, dtype=np.float64)
    for k in range(plot.steps + 1):
        assert np.allclose(on_plane[k], [x[1] - x[0], x[2] - x[0]], rtol=1e-9, atol=1e-9), k
        x = x - plot.lr * (_softmax(x, plot.temperature)[0] - t) / plot.temperature
    for gid in ("path-start", "path-end"):  # the ends, marked in both panels
        ends = {0: _drawn(triangle, gid)[0], 1: _drawn(plane, gid)[0]}
        row = 0 if gid == "path-start" else -1
        assert np.allclose(ends[0], on_triangle[row]) and np.allclose(ends[1], on_plane[row])


def test_the_probe_is_one_point_in_both_panels_and_blind_to_1_1_1() -> None:
    probe = (1.0, 0.0, -1.0)
    fig = swl_viz.plot("simplex", t="0.2,0.5,0.3", probe="1,0,-1", temperature=1.5)
    on_triangle = _drawn(fig.axes[0], "probe-point")[0]
    on_plane = _drawn(fig.axes[1], "probe-point")[0]
    assert np.allclose(on_plane, [probe[1] - probe[0], probe[2] - probe[0]])
    want = _picture(_softmax(np.array([probe]), 1.5))[0]
    assert np.abs(on_triangle - want).max() <= 1e-13
    # the same point moved along (1, 1, 1) is the same y, the same loss: the same words
    boxes = []
    for shift in (0.0, 7.0):
        moved: dict[str, Any] = {"probe": tuple(v + shift for v in probe)}  # three logits
        scene = build_simplex(Plot("simplex", t=(0.2, 0.5, 0.3), temperature=1.5, **moved))
        assert scene.probe_box is not None
        boxes.append(scene.probe_box.split("\n", 1)[1])  # all but the logits as given
    assert boxes[0] == boxes[1]


@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_the_least_loss_on_the_triangle_sits_at_the_target(eps: float) -> None:
    plot = Plot("simplex", t=(0.1, 0.7, 0.2), label_smoothing=eps)
    scene = build_simplex(plot)
    target = np.array(oracle.target(plot.t, eps), dtype=np.float64)
    star = [p.at for p in scene.tri_marks.points if p.role == "lowest"]
    assert np.allclose(star, _picture(target[None, :]))
    lowest = scene.tri_xy[int(np.argmin(scene.tri_z))]
    assert np.hypot(*(lowest - _picture(target[None, :])[0])) <= 1.5 / 150  # a lattice step
    # the arrows point towards it: -(y - t') at each tail, in the picture
    tails = scene.arrow_xy
    towards = _picture(target[None, :])[0] - tails
    cosine = (towards * scene.arrow_uv).sum(axis=1) / (
        np.hypot(*towards.T) * np.hypot(*scene.arrow_uv.T)
    )
    assert cosine.min() >= 1 - 1e-9  # straight at t': y - t' is a multiple of y's offset


def test_the_figure_draws_what_the_scene_says() -> None:
    plot = Plot("simplex", t=(0.2, 0.5, 0.3), zscale="log")
    scene = build_simplex(plot)
    with theme_context(plot):
        fig = Figure(figsize=plot.figsize, dpi=plot.dpi)
        drawn = draw_simplex(fig, scene)
    assert list(drawn.tri_fill.levels) == list(scene.levels) == list(drawn.plane_fill.levels)
    assert drawn.tri_fill.cmap.name == drawn.plane_fill.cmap.name  # one colour scale
    assert drawn.colorbar.mappable is drawn.plane_fill
    assert drawn.arrows.N == len(scene.arrow_xy)
    assert {t.get_text() for t in drawn.texts} >= set(scene.corner_names)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_each_format_is_written(fmt: str, in_tmp: Path) -> None:
    code, text = run_cli("simplex", "--t", "0.2,0.5,0.3", "--out", f"s.{fmt}", "--dpi", "40")
    assert code == 0, text
    data = (in_tmp / f"s.{fmt}").read_bytes()
    assert data[:4] == {"png": b"\x89PNG", "svg": b"<?xm", "pdf": b"%PDF"}[fmt]
    if fmt == "png":
        with Image.open(io.BytesIO(data)) as im:
            assert im.size == (1600, 800)  # pixels; the dpi sets only the inches


def test_a_gif_moves_the_descent_through_both_panels(in_tmp: Path) -> None:
    given = {"t": (0.2, 0.5, 0.3), "range": (-6.0, 6.0), "descent": (3.0, -2.0, 0.0), "steps": 8}
    code, text = run_cli("simplex", "--t", "0.2,0.5,0.3", "--range", "-6", "6", "--descent",
                         "3,-2,0", "--steps", "8", "--size", "800x400",
                         "--out", "s.gif")  # fmt: skip
    assert code == 0, text
    fig = swl_viz.plot("simplex", size="800x400", **given)  # the same figure, to find its places
    fig.draw_without_rendering()
    with Image.open(in_tmp / "s.gif") as im:
        count = int(getattr(im, "n_frames", 1))
        assert im.size == (800, 400) and count >= 2
        frames = []
        for n in (0, count - 1):
            im.seek(n)
            frames.append(np.asarray(im.convert("RGB")).astype(int))
    for ax in fig.axes[:2]:  # the triangle, then the plane
        path = ax.transData.transform(_drawn(ax, "path"))
        box = ax.get_window_extent()
        for rgb, step in zip(frames, (0, -1), strict=True):
            r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
            moving = (r > 150) & (g < 80) & (abs(b - 125) < 60)  # #e5007d, quantized
            rows, cols = np.nonzero(moving)
            inside = (
                (cols >= box.x0)
                & (cols <= box.x1)
                & (400 - rows >= box.y0)
                & (400 - rows <= box.y1)
            )
            assert inside.sum() > 10, (ax, step)
            at = np.array([cols[inside].mean(), 400 - rows[inside].mean()])
            assert np.hypot(*(at - path[step])) <= 3.0, (at, path[step])


def test_a_simplex_gif_needs_a_descent(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from swl_viz.cli import main

    assert main(["simplex", "--t", "0.2,0.5,0.3", "--out", "s.gif"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--descent" in err[0], err
    assert not any(in_tmp.rglob("*.*"))


# ---- the web page ------------------------------------------------------------------------------


def _trace(spec: dict[str, Any], name: str, axis: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        t for t in spec["data"] if t.get("name") == name and t["xaxis"] == axis
    ]
    assert len(found) == 1, (name, axis)
    return found[0]


def test_the_page_draws_both_panels_on_one_colour_axis() -> None:
    from swl_viz.web.simplex import simplex_figure_dict

    logits: dict[str, Any] = {"probe": (1.0, 0.0, -1.0), "descent": (3.0, -2.0, 0.0)}
    plot = Plot("simplex", t=(0.2, 0.5, 0.3), range=(-6.0, 6.0), temperature=1.5, **logits)
    spec = simplex_figure_dict(plot)
    fills = [t for t in spec["data"] if t["type"] == "contour"]
    assert [t["xaxis"] for t in fills] == ["x", "x2"]
    assert all(t["coloraxis"] == "coloraxis" for t in fills)
    assert fills[0]["contours"] == fills[1]["contours"]
    scene = build_simplex(plot)
    axis = spec["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == (scene.levels[0], scene.levels[-1])
    # the page's path on the triangle is the softmax of its path on the plane
    on_plane = np.column_stack([_trace(spec, "path", "x2")[k] for k in ("x", "y")])
    on_triangle = np.column_stack([_trace(spec, "path", "x")[k] for k in ("x", "y")])
    path = np.column_stack([np.zeros(len(on_plane)), on_plane])
    assert np.abs(on_triangle - _picture(_softmax(path, 1.5))).max() <= 1e-13
    probe = [(_trace(spec, "probe-point", a)["x"][0], _trace(spec, "probe-point", a)["y"][0])
             for a in ("x", "x2")]  # fmt: skip
    assert np.allclose(probe[1], (-1.0, -2.0))
    want = _picture(_softmax(np.array([[1.0, 0.0, -1.0]]), 1.5))[0]
    assert np.abs(np.array(probe[0]) - want).max() <= 1e-13
    # the triangle's fill is empty outside the triangle
    z = np.array(fills[0]["z"], dtype=float)
    x, y = np.meshgrid(fills[0]["x"], fills[0]["y"])
    outside = y > np.sqrt(3.0) * np.minimum(x, 1 - x) + 1e-9
    assert np.isnan(z[outside]).all() and np.isfinite(z[~outside & (y > 1e-3)]).mean() > 0.95


def test_the_page_is_one_file_that_fetches_nothing(in_tmp: Path) -> None:
    pytest.importorskip("plotly")
    code, text = run_cli("simplex", "--t", "1,0,0", "--descent", "2,-1,3", "--lang", "ja",
                         "--out", "s.html")  # fmt: skip
    assert code == 0, text
    page = (in_tmp / "s.html").read_bytes()
    assert len(page) <= 6_000_000
    assert (
        re.search(rb"<script[^>]+src=", page) is None and b"\\u30af\\u30e9\\u30b9" in page
    )  # Japanese, as JSON escapes it
    code, text = run_cli("simplex", "--t", "1,0,0", "--descent", "2,-1,3", "--lang", "ja",
                         "--out", "again.html")  # fmt: skip
    assert (in_tmp / "again.html").read_bytes() == page  # the same bytes every time


@pytest.mark.browser
def test_the_page_opens_offline_in_a_browser(in_tmp: Path) -> None:
    need_browser()
    code, text = run_cli("simplex", "--t", "0.2,0.5,0.3", "--probe", "1,0,-1", "--range", "-6",
                         "6", "--out", "s.html")  # fmt: skip
    assert code == 0, text
    errors: list[str] = []
    with open_page(in_tmp / "s.html", 1280, 720, errors) as page:
        kinds = page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.type)"
        )
        fills = page.evaluate("() => document.querySelectorAll('g.contour').length")
        png = page.screenshot()
    assert errors == []
    assert kinds.count("contour") == 2 and fills >= 2
    with Image.open(io.BytesIO(png)) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    purple = (rgb[..., 0] < 140) & (rgb[..., 2] > 100) & (rgb[..., 1] < 120)  # viridis' low end
    left, right = purple[:, :640].mean(), purple[:, 640:].mean()
    assert left > 0.02 and right > 0.02, (left, right)  # both panels are filled


_CLICK = """([x, y, axis]) => {
  const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout;
  const xa = L[axis === 1 ? 'xaxis' : 'xaxis2'], ya = L[axis === 1 ? 'yaxis' : 'yaxis2'];
  const r = gd.getBoundingClientRect();
  return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)];
}"""
_CLICKED = """() => {
  const gd = document.querySelector('.js-plotly-plot'), n = gd.data.length;
  const notes = gd.layout.annotations;
  return [gd.data[n - 2].x[0], gd.data[n - 2].y[0], gd.data[n - 1].x[0], gd.data[n - 1].y[0],
          notes[notes.length - 1].text];
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("axis", "where"), [(1, (0.3, 0.25)), (2, (1.0, -2.0))])
def test_a_click_on_either_panel_probes_both(
    axis: int, where: tuple[float, float], in_tmp: Path
) -> None:
    need_browser()
    temp = 1.5
    code, text = run_cli("simplex", "--t", "0.2,0.5,0.3", "--range", "-6", "6", "--temperature",
                         str(temp), "--out", "s.html")  # fmt: skip
    assert code == 0, text
    errors: list[str] = []
    with open_page(in_tmp / "s.html", 1280, 720, errors) as page:
        px, py = page.evaluate(_CLICK, [*where, axis])
        page.mouse.move(px, py)
        page.wait_for_timeout(300)
        page.mouse.click(px, py)
        page.wait_for_function(_CLICKED.replace("return [", "return gd.data[n - 1].x.length && ["))
        tx, ty, u, v, said = page.evaluate(_CLICKED)
    assert errors == []
    # the same point in both panels: y on the triangle, T log(y / y0) on the plane
    y = _softmax(np.array([[0.0, u, v]]), temp)[0]
    assert np.abs(np.array([tx, ty]) - _picture(y[None, :])[0]).max() <= 1e-6
    near = (tx, ty) if axis == 1 else (u, v)
    assert np.hypot(near[0] - where[0], near[1] - where[1]) <= (0.02 if axis == 1 else 0.15)
    # and the box says the layer's y and L there, to 4 digits
    want = oracle.target([0.2, 0.5, 0.3])
    loss = -mpmath.fsum(w * mpmath.log(mpf(float(k))) for w, k in zip(want, y, strict=True))
    assert (
        f"L = {float(loss):.4g}" in said.replace("0<", "<") or f"L = {float(loss):.4g}" in said
    ), said


def test_the_simplex_probe_box_gives_both_chain_rule_factors() -> None:
    """Cross-entropy's dL/dy = -t'/y is printed beside the y - t' it makes, as on the plane."""
    import re

    from swl_viz.simplex import build_simplex

    a = np.array([1.0, 0.0, -1.0])
    t = np.array([0.2, 0.5, 0.3])
    scene = build_simplex(Plot("simplex", t=tuple(t), probe=tuple(a)))
    assert scene.probe_box is not None
    (line,) = [s for s in scene.probe_box.splitlines() if s.startswith("∂")]
    y = np.exp(a - a.max()) / np.exp(a - a.max()).sum()
    printed = [float(v.replace("−", "-")) for v in re.findall(r"[−-]?\d+\.\d+", line)]
    np.testing.assert_allclose(printed, -t / y, rtol=5e-4)
