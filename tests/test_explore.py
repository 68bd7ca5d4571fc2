"""The explorer: its state and drawing on an Agg Figure, then the real window on a virtual X
display, driven with the mouse and keys as a user would."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import find_window
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread

import swl_viz
from swl_viz.errors import SwlVizError
from swl_viz.explore import DPI, FIGSIZE, Explorer, State


def _explorer(tmp_path: Path, **options: object) -> Explorer:
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    return Explorer(fig, out_dir=tmp_path, **options)  # type: ignore[arg-type]


# ---- the state, on Agg ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"t": (0.7, 0.3), "temperature": 0.5},
        {"t": (0.2, 0.8), "label_smoothing": 0.3, "variant": "book"},
        {"t": (0.7, 0.3), "loss": "mse", "temperature": 2.0},
        {"label_smoothing": 0.1, "loss": "focal", "gamma": 0.5},
    ],
)
def test_the_probe_is_the_layer_at_the_clicked_point(
    tmp_path: Path, options: dict[str, object]
) -> None:
    ex = _explorer(tmp_path, **options)
    ex.click(3.25, -2.5)
    s = ex.state
    loss, grad = swl_viz.softmax_with_loss(
        [3.25, -2.5],
        list(s.t),
        label_smoothing=s.label_smoothing,
        temperature=s.temperature,
        variant=s.variant,
        loss=s.loss,
        gamma=s.layer_gamma,
    )
    assert (ex.probe.x0, ex.probe.x1) == (3.25, -2.5)
    assert ex.probe.loss == float(loss)
    np.testing.assert_array_equal(ex.probe.grad, grad)
    assert (ex.path.x0[0], ex.path.x1[0]) == (3.25, -2.5)
    # descent: the path goes down hill
    assert ex.path.loss[-1] < ex.path.loss[0]
    gids = {a.get_gid() for a in ex.ax2d.get_children()}
    assert {"probe-point", "path", "path-end"} <= gids
    assert "probe-box" not in gids  # words wait until the view is still
    ex.settle()
    assert "probe-box" in {a.get_gid() for a in ex.ax2d.get_children()}


def test_the_probe_follows_the_sliders(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    ex.click(-4.0, 6.0)
    before = ex.probe.loss
    ex.set_t0(0.3)
    assert ex.state.probe == (-4.0, 6.0)
    assert ex.probe.t.tolist() == [0.3, 0.7]
    assert ex.probe.loss != before


def test_the_saved_file_name_carries_the_options(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    first = ex.save()
    assert first == tmp_path / "explore_t1-0_T1_eps0_exact.png"
    ex.set_t0(0.7)
    ex.set_temperature(2.0)
    ex.set_smoothing(0.1)
    ex.set_variant("book")
    ex.click(3.0, -2.0)
    path = ex.save()
    assert path.name == "explore_t0.7-0.3_T2_eps0.1_book_probe3--2.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    a, b = imread(first), imread(path)
    assert a.shape == b.shape == (round(FIGSIZE[1] * DPI), round(FIGSIZE[0] * DPI), 4)
    assert not np.array_equal(a, b)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files


def test_a_slider_change_changes_the_drawn_surface(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    ex.fig.canvas.draw()
    before = ex.wire.get_segments()  # the wireframe as drawn, projected to the canvas
    contour = ex.contour.contour
    ex.sliders["t0"].set_val(0.4)  # as a drag would: the widget calls the explorer
    assert ex.state.t0 == 0.4
    ex.fig.canvas.draw()
    after = ex.wire.get_segments()
    assert len(before) == len(after) > 0
    assert not all(np.array_equal(u, v) for u, v in zip(before, after, strict=True))
    assert contour.axes is None  # the old contour left the axes; the axes stayed
    assert ex.contour.contour.axes is ex.ax2d


def test_sliders_round_and_the_temperature_moves_on_a_log_scale(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    ex.sliders["temperature"].set_val(np.log10(3.0))
    assert ex.state.temperature == 3.0
    assert ex.sliders["temperature"].valtext.get_text() == "3"
    ex.sliders["smoothing"].set_val(0.123)
    assert ex.state.label_smoothing == 0.12
    ex.radio.set_active(1)
    assert ex.state.variant == "book"
    assert ex.grid is not None and ex.grid.variant == "book"


def test_setters_move_the_widgets(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    ex.set_t0(0.25)
    ex.set_temperature(0.1)
    ex.set_variant("book")
    assert ex.sliders["t0"].val == 0.25
    assert ex.sliders["t0"].valtext.get_text() == "0.25, 0.75"
    assert ex.sliders["temperature"].val == pytest.approx(-1.0)
    assert ex.radio.value_selected == "book"


def test_reset_returns_to_the_first_state(tmp_path: Path) -> None:
    ex = _explorer(tmp_path, t=(0.9, 0.1))
    first = ex.state
    ex.set_t0(0.2)
    ex.click(1.0, 1.0)
    ex.reset()
    assert ex.state == first
    assert ex.state.probe is None
    assert "probe-point" not in {a.get_gid() for a in ex.ax2d.get_children()}
    assert ex.sliders["t0"].val == 0.9


def test_the_extremes_of_the_sliders_draw(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    for t0 in (0.0, 1.0):
        for temperature in (0.1, 10.0):
            for eps in (0.0, 0.5):
                for variant in ("exact", "book"):
                    ex.set_t0(t0)
                    ex.set_temperature(temperature)
                    ex.set_smoothing(eps)
                    ex.set_variant(variant)
                    ex.click(-19.5, 19.5)
                    assert ex.grid is not None and np.isfinite(ex.grid.loss).all()
    ex.fig.canvas.draw()


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"t": (0.2, 0.3, 0.5)}, "t"),
        ({"t": (0.5, 0.6)}, "t"),
        ({"temperature": 20.0}, "temperature"),
        ({"label_smoothing": 0.7}, "label_smoothing"),
        ({"variant": "paper"}, "variant"),
        ({"range": (5.0, -5.0)}, "range"),
        ({"theme": "neon"}, "theme"),
        ({"loss": "hinge"}, "loss"),
        ({"loss": "focal", "gamma": 7.0}, "gamma"),
        ({"gamma": -1.0}, "gamma"),
        ({"loss": "mse", "variant": "book"}, "variant"),
    ],
)
def test_bad_options_name_the_parameter(
    tmp_path: Path, options: dict[str, object], param: str
) -> None:
    with pytest.raises(SwlVizError) as caught:
        _explorer(tmp_path, **options)
    assert caught.value.param == param


def test_a_setter_refuses_a_value_the_sliders_cannot_show(tmp_path: Path) -> None:
    ex = _explorer(tmp_path)
    with pytest.raises(SwlVizError) as caught:
        ex.set_temperature(0.01)
    assert caught.value.param == "temperature"
    assert ex.state == State()  # unchanged


# ---- the loss switch -------------------------------------------------------------------------


def test_the_loss_switch_redraws_the_surface_the_contour_and_the_probe(tmp_path: Path) -> None:
    """Clicking squared error on the switch draws its surface (bounded by 1 for two classes),
    its contour and its probe, whose box prints dL/dy = y - t and the gradient J^T dL/dy; the
    focal loss takes the view's gamma."""
    ex = _explorer(tmp_path, gamma=1.5)
    ex.click(-6.0, 4.0)
    ex.fig.canvas.draw()
    before = [np.array(v) for v in ex.wire.get_segments()]
    contour = ex.contour.contour
    ex.loss_radio.set_active(1)  # as a click would: the widget calls the explorer
    assert ex.state.loss == "mse" and ex.grid is not None and ex.grid.layer.loss == "mse"
    assert 0.0 <= ex.grid.loss.min() and ex.grid.loss.max() <= 1.0
    assert ex._frame[1] <= 1.0  # the loss axis follows: squared error is at most 1 here
    ex.fig.canvas.draw()
    after = ex.wire.get_segments()
    assert not all(np.array_equal(u, v) for u, v in zip(before, after, strict=True))
    assert contour.axes is None and ex.contour.contour.axes is ex.ax2d
    loss, grad = swl_viz.softmax_with_loss([-6.0, 4.0], [1.0, 0.0], loss="mse")
    assert ex.probe.kind == "mse" and ex.probe.loss == float(loss)
    np.testing.assert_array_equal(ex.probe.grad, grad)
    assert ex.probe.dl_dy is not None
    np.testing.assert_allclose(ex.probe.dl_dy, ex.probe.y - ex.probe.target, rtol=1e-15)
    ex.settle()
    (box,) = [a for a in ex.ax2d.texts if a.get_gid() == "probe-box"]
    lines = [line.split(" = ")[0] for line in box.get_text().splitlines()]
    assert lines[3:5] == ["$\\partial L/\\partial y$", "$\\nabla L$"], lines
    ex.loss_radio.set_active(2)
    assert ex.state.loss == "focal" and ex.grid is not None and ex.grid.layer.gamma == 1.5
    assert "γ = 1.5" in ex.loss_radio.labels[2].get_text()
    loss, _ = swl_viz.softmax_with_loss([-6.0, 4.0], [1.0, 0.0], loss="focal", gamma=1.5)
    assert ex.probe.loss == float(loss)
    ex.loss_radio.set_active(0)
    assert ex.state.loss == "ce" and ex.grid is not None and ex.grid.layer.gamma == 2.0


def test_the_books_variant_and_the_other_losses_exclude_each_other(tmp_path: Path) -> None:
    """The book's variant is its cross_entropy_error: choosing it shows the cross-entropy, and
    choosing another loss shows the exact variant; both switches follow."""
    ex = _explorer(tmp_path, loss="focal")
    assert ex.loss_radio.value_selected == ex.loss_radio.labels[2].get_text()
    ex.radio.set_active(1)
    assert (ex.state.variant, ex.state.loss) == ("book", "ce")
    assert ex.loss_radio.index_selected == 0
    ex.loss_radio.set_active(1)
    assert (ex.state.variant, ex.state.loss) == ("exact", "mse")
    assert ex.radio.value_selected == "exact"
    with pytest.raises(SwlVizError) as caught:
        ex.set_loss("hinge")
    assert caught.value.param == "loss"
    ex.reset()
    assert ex.state.loss == "focal" and ex.loss_radio.index_selected == 2


def test_the_saved_file_name_names_the_loss(tmp_path: Path) -> None:
    ex = _explorer(tmp_path, loss="mse")
    assert ex.save().name == "explore_t1-0_T1_eps0_exact_mse.png"
    ex.set_loss("focal")
    ex.click(1.0, 2.0)
    assert ex.save().name == "explore_t1-0_T1_eps0_exact_focal_gamma2_probe1-2.png"


@pytest.mark.parametrize("loss", ["mse", "focal"])
def test_every_loss_draws_at_the_extremes_of_the_sliders(tmp_path: Path, loss: str) -> None:
    ex = _explorer(tmp_path, loss=loss)
    for t0 in (0.0, 1.0):
        for temperature in (0.1, 10.0):
            for eps in (0.0, 0.5):
                ex.set_t0(t0)
                ex.set_temperature(temperature)
                ex.set_smoothing(eps)
                ex.click(-19.5, 19.5)
                assert ex.grid is not None and np.isfinite(ex.grid.loss).all()
                assert np.isfinite(ex.probe.grad).all() and ex.path.loss[-1] <= ex.path.loss[0]
                assert ex.grid.loss.max() <= ex._frame[1]
    ex.settle()
    ex.fig.canvas.draw()


def test_japanese_and_dark_draw(tmp_path: Path) -> None:
    ex = _explorer(tmp_path, theme="dark", lang="ja")
    ex.click(2.0, 2.0)
    path = ex.save()
    corner = imread(path)[2, 2, :3]
    assert corner.mean() < 0.2  # the dark theme's background


def test_explore_without_an_interactive_backend_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "agg"}
    code = "from swl_viz.explore import explore; explore()"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "RunError" in done.stderr and "no interactive matplotlib backend" in done.stderr
    # a display is named, so the command gets as far as matplotlib; Agg never opens it
    env["DISPLAY"] = ":0"
    done = subprocess.run(
        [sys.executable, "-m", "swl_viz", "explore"], cwd=tmp_path, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("Error: no interactive matplotlib backend")
    assert "Traceback" not in done.stderr


# ---- the real window -----------------------------------------------------------------------------


class _Lines:
    """The program's stdout, line by line, read on a thread so the test can wait with a
    timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout

        def pump() -> None:
            for line in stdout:
                self.lines.put(line.rstrip("\n"))

        self.thread = threading.Thread(target=pump, daemon=True)
        self.thread.start()

    def next(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None


def _xdo(env: dict[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, capture_output=True, check=True)


def _save(env: dict[str, str], window: str, out: _Lines) -> Path:
    """Press s until the program prints the file it wrote: a key sent while Tk is still mapping
    the window can be lost."""
    for _ in range(10):
        _xdo(env, "key", "--window", window, "s")
        deadline = time.monotonic() + 5
        while (line := out.next(timeout=max(0.0, deadline - time.monotonic()))) is not None:
            if not line.startswith("{"):  # not the widget boxes, printed again after a resize
                return Path(line)
    raise AssertionError("s wrote nothing")


@pytest.mark.display
@pytest.mark.slow
def test_the_window_drags_clicks_saves_and_closes(display: str, tmp_path: Path) -> None:
    try:
        import tkinter  # noqa: F401 - matplotlib's window on Linux is Tk
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Tk for Python (apt-get install python3-tk)")
        pytest.skip("needs Tk for Python (apt-get install python3-tk)")
    env = {**os.environ, "DISPLAY": display, "SWL_VIZ_EXPLORE_DEBUG": "1"}
    env.pop("MPLBACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "swl_viz", "explore", "--out-dir", str(tmp_path / "shots")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out = _Lines(proc)
    try:
        window = find_window(env, "^swl-viz explore", timeout=60.0)
        first = out.next(timeout=60)
        assert first is not None and first.startswith("{"), first
        while (line := out.next(timeout=2)) is not None:  # the window manager may resize it
            first = line
        boxes = json.loads(first)["widgets"]

        initial = _save(env, window, out)
        assert initial.name == "explore_t1-0_T1_eps0_exact.png"

        # drag the t0 handle from 1 to 30 % of the slider's width
        left, top, right, bottom = boxes["t0"]
        y = round((top + bottom) / 2)
        _xdo(env, "mousemove", "--window", window, str(round(right - 1)), str(y))
        _xdo(env, "mousedown", "1")
        for fraction in (0.8, 0.5, 0.3):
            x = round(left + fraction * (right - left))
            _xdo(env, "mousemove", "--window", window, str(x), str(y))
            time.sleep(0.1)
        _xdo(env, "mouseup", "1")

        # click the contour at data (10, -10)
        (x_lo, y_lo), (x_hi, y_hi) = boxes["contour_lo"], boxes["contour_hi"]
        px = round(x_lo + (10 - -20) / 40 * (x_hi - x_lo))
        py = round(y_lo + (-10 - -20) / 40 * (y_hi - y_lo))
        _xdo(env, "mousemove", "--window", window, str(px), str(py))
        _xdo(env, "click", "1")
        time.sleep(0.5)

        # squared error on the loss switch: the middle of its three buttons
        left, top, right, bottom = boxes["loss"]
        _xdo(env, "mousemove", "--window", window, str(round(left + 0.15 * (right - left))),
             str(round((top + bottom) / 2)))  # fmt: skip
        _xdo(env, "click", "1")
        time.sleep(0.5)

        moved = _save(env, window, out)
        match = re.fullmatch(
            r"explore_t([0-9.]+)-([0-9.]+)_T1_eps0_exact_mse_probe(-?[0-9.]+)-(-?[0-9.]+)\.png",
            moved.name,
        )
        assert match, moved.name
        t0, t1, x0, x1 = (float(v) for v in match.groups())
        assert abs(t0 - 0.3) <= 0.03 and t0 + t1 == pytest.approx(1.0)
        assert abs(x0 - 10) <= 0.5 and abs(x1 + 10) <= 0.5
        a, b = imread(initial), imread(moved)
        assert a.shape == b.shape
        assert np.abs(a - b).mean() > 0.01  # the picture changed, not just its name

        for _ in range(10):  # again if Tk lost the key; the window may be gone by then
            subprocess.run(
                ["xdotool", "key", "--window", window, "q"], env=env, capture_output=True
            )
            try:
                proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            raise AssertionError("the window did not close on q")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err = proc.stderr.read() if proc.stderr else ""
        out.thread.join(timeout=10)  # the pump reads to the end before its pipe is closed
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "TclError" not in err, err


# ---- drawing only what changed ---------------------------------------------------------------


def _pixels(ex: Explorer) -> np.ndarray:
    return np.asarray(ex.fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("probe", "loss"), [(None, "ce"), ((3.0, -2.0), "ce"), ((3.0, -2.0), "mse"), (None, "focal")]
)
def test_a_blitted_move_shows_what_a_full_draw_shows(
    tmp_path: Path, probe: tuple[float, float] | None, loss: str
) -> None:
    ex = _explorer(tmp_path, loss=loss)
    if probe is not None:
        ex.click(*probe)
    ex.refresh()
    first = _pixels(ex)
    for name, value in (("t0", 0.8), ("smoothing", 0.1)):
        ex.sliders[name].set_val(value)
        assert ex._background_frame == ex._frame  # the axes stay: only what moves is drawn
        ex.refresh()
        blitted = _pixels(ex)
        ex.fig.canvas.draw()
        assert np.array_equal(blitted, _pixels(ex)), name
    assert not np.array_equal(first, blitted)  # and the picture did change
    ex.settle()  # the placed words are drawn over the kept picture too
    settled = _pixels(ex)
    ex.fig.canvas.draw()
    assert np.array_equal(settled, _pixels(ex))


@pytest.mark.parametrize("web", [False, True], ids=["agg", "webagg"])
def test_drawing_never_asks_for_another_draw(tmp_path: Path, web: bool) -> None:
    """A notebook's widget may draw again whenever the figure turns stale: a draw (or a blitted
    redraw) that leaves it stale would redraw for ever. On the notebook's canvas (WebAgg, which
    says it cannot blit) matplotlib's radio buttons redrew themselves after each draw and left
    the figure stale."""
    if web:
        from matplotlib.backends.backend_webagg_core import (
            FigureCanvasWebAggCore,
            FigureManagerWebAgg,
        )

        fig = Figure(figsize=FIGSIZE, dpi=DPI)
        canvas = FigureCanvasWebAggCore(fig)  # type: ignore[no-untyped-call]
        canvas.manager = FigureManagerWebAgg(canvas, 1)  # type: ignore[no-untyped-call]
        ex = Explorer(fig, out_dir=tmp_path)
    else:
        ex = _explorer(tmp_path)
    changes: list[Callable[[], object]] = [
        lambda: ex.sliders["t0"].set_val(0.6),
        lambda: ex.radio.set_active(1),
        lambda: ex.loss_radio.set_active(2),
        lambda: ex.click(2.0, 2.0),
        ex.settle,
    ]
    for change in changes:
        change()
        ex.refresh()
        ex.fig.canvas.draw()
        assert not ex.fig.stale
        ex.refresh()
        assert not ex.fig.stale


@pytest.mark.parametrize("loss", ["ce", "mse", "focal"])
def test_the_loss_axis_holds_while_t0_and_epsilon_move(tmp_path: Path, loss: str) -> None:
    """The top of the loss axis is a round number above the hard label's loss at this
    temperature, which bounds the loss of every label (linear in t; squared error convex)."""
    ex = _explorer(tmp_path, loss=loss)
    frame = ex._frame
    for t0 in (0.0, 0.3, 0.5, 0.8):
        for eps in (0.0, 0.25, 0.5):
            ex.set_t0(t0)
            ex.set_smoothing(eps)
            assert ex._frame == frame
            assert ex.grid is not None and ex.grid.loss.max() <= frame[1]
    ex.set_temperature(2.0)
    assert (ex._frame != frame) is (loss != "mse")  # squared error stays below 1 at any T


def test_settled_words_are_placed_apart_and_on_the_canvas(tmp_path: Path) -> None:
    from matplotlib.text import Text

    ex = _explorer(tmp_path, t=(0.7, 0.3))
    ex.click(-8.0, -4.0)  # "steepest descent" would run under the colour bar
    ex.settle()
    renderer = ex.fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [
        a for a in ex.ax2d.get_children()
        if isinstance(a, Text) and a.get_text() and a.get_visible()
    ]  # fmt: skip
    assert len(texts) >= 4
    boxes = [t.get_window_extent(renderer) for t in texts]
    colorbar = ex.colorbar.ax.get_tightbbox(renderer)
    assert colorbar is not None
    assert not [t.get_text() for t, box in zip(texts, boxes, strict=True) if box.overlaps(colorbar)]
    width, height = ex.fig.bbox.width, ex.fig.bbox.height
    for box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
    upright = [(t, b) for t, b in zip(texts, boxes, strict=True) if not t.get_rotation()]
    for i, (s, a) in enumerate(upright):  # turned labels' upright boxes may overlap
        for t, b in upright[i + 1 :]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_w <= 1.0 or overlap_h <= 1.0, (s.get_text(), t.get_text())


def test_a_move_within_a_step_draws_nothing(tmp_path: Path) -> None:
    """A drag sends many moves that round to the same value: none recomputes or draws (a
    notebook would send a picture for each)."""
    ex = _explorer(tmp_path)
    ex.sliders["t0"].set_val(0.8)
    ex.refresh()
    grid, drawn = ex.grid, list(ex._drawn)
    draws: list[object] = []
    ex.fig.canvas.mpl_connect("draw_event", draws.append)
    before = _pixels(ex)
    ex.sliders["t0"].set_val(0.8012)
    assert ex.grid is grid and ex._drawn == drawn
    assert ex.sliders["t0"].val == 0.8  # the handle snaps back to the value shown
    ex.refresh()
    assert draws == [] and np.array_equal(before, _pixels(ex))
