"""A live window on the layer: the loss surface beside its contour, with sliders for the label,
the temperature and label smoothing, a switch between the exact loss and the book's, a switch
between the losses on the softmax (the cross-entropy, squared error and the focal loss at a fixed
gamma), and a probe set by clicking the contour (the layer's numbers there, the chain rule's
dL/dy among them, and a descent path from there).

:class:`Explorer` holds the state and draws on any Figure, so everything but the window itself
runs and is tested on Agg. :func:`explore` opens the window (pyplot) and wires keys and clicks
to it; ``swl-viz explore`` is its command line::

    swl-viz explore --t 0.7,0.3

:func:`notebook` is the same view as a Jupyter widget (ipympl), with no pyplot and no magic.

A slider move redraws only what changed: the axes, their ticks, the colour bar and the widgets'
frames are drawn once and kept as a picture (blitting); the surface, the contour, the arrows, the
marks and the widgets' moving parts are drawn over it. The axes are drawn again only when the loss
axis needs new limits. The words on the contour wait until the view has been still for a moment
(:data:`SETTLE_MS`): then they are placed by the same layout step as the saved figures
(:func:`swl_viz.mpl.place.place_labels`) and shown. So a drag never shows a label in a place the
layout would not give it, and stays quick; a saved view is always placed first.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl  # noqa: TID253 - the window layer draws
import numpy as np
from matplotlib.artist import Artist  # noqa: TID253
from matplotlib.backend_bases import Event, KeyEvent, MouseEvent  # noqa: TID253
from matplotlib.cm import ScalarMappable  # noqa: TID253
from matplotlib.collections import Collection  # noqa: TID253
from matplotlib.colors import Normalize  # noqa: TID253
from matplotlib.figure import Figure  # noqa: TID253
from matplotlib.patches import Patch  # noqa: TID253
from matplotlib.text import Text  # noqa: TID253
from matplotlib.ticker import MaxNLocator  # noqa: TID253
from matplotlib.widgets import RadioButtons, Slider  # noqa: TID253

from swl_viz.atomic import atomic_write
from swl_viz.errors import RunError, SwlVizError
from swl_viz.grid import LossGrid, grid_axis, loss_grid
from swl_viz.layer import Layer
from swl_viz.marks import Marks, panel_marks
from swl_viz.maths import LOSSES, Loss, Variant, check_options
from swl_viz.mpl.marks import draw_marks
from swl_viz.mpl.place import place_labels
from swl_viz.mpl.plotters import draw_contour, draw_surface
from swl_viz.mpl.theme import (
    THEMES,
    SceneFigure,
    canvas_rc,
    font_rc,
    japanese_font,
    theme_context,
)
from swl_viz.probe import descent_path, probe_point
from swl_viz.scene import contour_field, contour_levels, z_range
from swl_viz.words import WORDS, typeset
from swl_viz.words import words as labels_for

__all__ = ["DEFAULT_STEP", "Explorer", "State", "explore", "notebook"]

#: Default grid step: 41 x 41 on +-20, coarse enough to redraw within 0.1 s.
DEFAULT_STEP = 2.0  # the option table's step: 21 x 21 points, fast enough to drag
#: At most this many grid values per axis are drawn, whatever the step: a live view must stay quick.
MAX_POINTS = 61
#: The temperature slider's ends (it moves on a log scale) and the label smoothing slider's top.
TEMPERATURE_RANGE = (0.1, 10.0)
MAX_SMOOTHING = 0.5
#: The window, in inches at 100 dpi: 1200 x 675 px, which fits a 1280 x 800 laptop screen.
FIGSIZE = (12.0, 6.75)
DPI = 100
#: Arrows per axis on the contour, about: the probe's path must stay visible among them.
ARROWS = 15
#: Ticks per axis, about: -20, -10, 0, 10, 20 on the default range.
TICKS = 4
#: Text size against a one-figure canvas of the window's size.
FONT_SCALE = 0.75
#: Descent steps drawn from a probe.
PATH_STEPS = 50
#: The same words as ``--show``: explore needs the same interactive backend.
NO_WINDOW = "no interactive matplotlib backend for the window; install Tk (python3-tk)"
#: After this long without a change, the view's labels are placed by the figures' layout step.
SETTLE_MS = 300
#: The labels the layout step may move: the words that name something on the contour.
_MOVABLE_ENDS = ("-label", "probe-box", "plateau-note", "why-root2", "why-slope")
#: Set this variable to have the window print its widgets' pixel boxes (for the window test).
DEBUG_ENV = "SWL_VIZ_EXPLORE_DEBUG"

# where everything sits, in figure fractions (left, bottom, width, height)
_SURFACE = (0.0, 0.2, 0.5, 0.72)
_CONTOUR = (0.555, 0.27, 0.36, 0.6)
_COLORBAR = (0.93, 0.27, 0.014, 0.6)
_SLIDERS = {
    "t0": (0.08, 0.135, 0.42, 0.035),
    "temperature": (0.08, 0.08, 0.42, 0.035),
    "smoothing": (0.08, 0.025, 0.42, 0.035),
}
_RADIO = (0.6, 0.02, 0.1, 0.14)
_LOSS_RADIO = (0.72, 0.02, 0.2, 0.14)


#: The notebook's explorer follows the output area's width down to this many pixels, and is
#: never wider than the window's FIGSIZE.
MIN_WIDTH = 800
#: What a notebook needs for the explorer.
NO_NOTEBOOK = "the notebook explorer needs ipympl and anywidget: pip install 'swl-viz[notebook]'"


def _window_rc(theme: str, lang: str) -> dict[str, Any]:
    """The rcParams of _style, as one table: a SceneFigure draws under them wherever it is
    drawn (a notebook's kernel has its own settings)."""
    pixels = (round(FIGSIZE[0] * DPI), round(FIGSIZE[1] * DPI))
    theme_rc = {k: v for k, v in THEMES[theme].items() if not k.startswith("swl.")}
    return {**theme_rc, **font_rc(lang), **canvas_rc(pixels, DPI, FONT_SCALE)}


@contextlib.contextmanager
def _style(theme: str, lang: str) -> Iterator[None]:
    """The theme, with text and lines sized for this window: two panels share its height, so
    text is three quarters of what one figure of that canvas would have."""
    pixels = (round(FIGSIZE[0] * DPI), round(FIGSIZE[1] * DPI))
    with theme_context(theme, lang), mpl.rc_context(cast(Any, canvas_rc(pixels, DPI, FONT_SCALE))):
        yield


def _g(v: float) -> str:
    """Short text for a number in a title or file name: 0.30000000000000004 -> '0.3'."""
    return f"{v + 0.0:g}"


def _sig(v: float, digits: int = 2) -> float:
    """``v`` rounded to ``digits`` significant figures: the temperature slider's values."""
    return float(f"{v:.{digits}g}")


@dataclass(frozen=True)
class State:
    """What the view shows: the label t = (t0, 1 - t0), the layer's options, and the probe.
    ``gamma`` is the focal loss's, fixed for the view; it shapes the loss only when ``loss`` is
    "focal"."""

    t0: float = 1.0
    temperature: float = 1.0
    label_smoothing: float = 0.0
    variant: Variant = "exact"
    probe: tuple[float, float] | None = None
    loss: Loss = "ce"
    gamma: float = 2.0

    @property
    def layer_gamma(self) -> float:
        """The gamma the layer takes: the view's for the focal loss, the default otherwise."""
        return self.gamma if self.loss == "focal" else 2.0

    @property
    def t(self) -> tuple[float, float]:
        return (self.t0, 1.0 - self.t0)

    def check(self) -> None:
        """Refuse a state the sliders cannot show; errors name the parameter."""
        if not (math.isfinite(self.t0) and 0.0 <= self.t0 <= 1.0):
            raise SwlVizError(f"t0 must lie in [0, 1], got {self.t0:g}", param="t")
        lo, hi = TEMPERATURE_RANGE
        if not (math.isfinite(self.temperature) and lo <= self.temperature <= hi):
            raise SwlVizError(
                f"must lie in [{lo:g}, {hi:g}] for explore, got {self.temperature:g}",
                param="temperature",
            )
        if not (math.isfinite(self.label_smoothing) and 0 <= self.label_smoothing <= MAX_SMOOTHING):
            raise SwlVizError(
                f"must lie in [0, {MAX_SMOOTHING:g}] for explore, got {self.label_smoothing:g}",
                param="label_smoothing",
            )
        check_options(1.0, "exact", loss="focal", gamma=self.gamma)  # the switch's focal gamma
        Layer.make(self.t, None, (0, 1), self.label_smoothing, self.temperature, self.variant,
                   self.loss, self.layer_gamma)  # fmt: skip
        if self.probe is not None and not all(math.isfinite(v) for v in self.probe):
            raise SwlVizError("the probe needs two finite numbers", param="probe")

    def stem(self) -> str:
        """The file name of a saved view: explore_t0.7-0.3_T1_eps0_exact_probe3-2, with the
        loss after the variant when it is not the cross-entropy (_mse, _focal_gamma2)."""
        t0, t1 = self.t
        parts = [
            "explore",
            f"t{_g(t0)}-{_g(t1)}",
            f"T{_g(self.temperature)}",
            f"eps{_g(self.label_smoothing)}",
            self.variant,
        ]
        if self.loss == "mse":
            parts.append("mse")
        elif self.loss == "focal":
            parts += ["focal", f"gamma{_g(self.gamma)}"]
        if self.probe is not None:
            parts.append(f"probe{_g(self.probe[0])}-{_g(self.probe[1])}")
        return "_".join(parts)


def _first_state(
    t: Sequence[float],
    temperature: float,
    label_smoothing: float,
    variant: str,
    loss: str = "ce",
    gamma: float = 2.0,
) -> State:
    if len(t) != 2:
        raise SwlVizError(f"explore shows two classes; t needs 2 entries, got {len(t)}", param="t")
    if variant not in ("exact", "book"):
        raise SwlVizError(f"must be one of exact, book; got {variant!r}", param="variant")
    if loss not in LOSSES:
        raise SwlVizError(f"must be one of {', '.join(LOSSES)}; got {loss!r}", param="loss")
    check_options(1.0, "exact", loss="focal", gamma=gamma)  # the focal loss's, on the switch
    gamma = float(gamma)
    # t sums to 1, ...; the book's variant only with the cross-entropy
    Layer.make(t, None, (0, 1), label_smoothing, temperature, variant, loss,
               gamma if loss == "focal" else 2.0)  # fmt: skip
    state = State(
        float(t[0]),
        float(temperature),
        float(label_smoothing),
        cast(Variant, variant),
        loss=cast(Loss, loss),
        gamma=gamma,
    )
    state.check()
    return state


def _blits(canvas: Any) -> bool:
    """Whether the canvas keeps and restores pictures: every Agg canvas does, the notebook's
    (WebAgg: it then sends only the pixels that changed) included, though it says otherwise."""
    return hasattr(canvas, "copy_from_bbox") and hasattr(canvas, "restore_region")


class _Faded(ScalarMappable):
    """The colourbar's scale, as faded as the contour's bands (figures draws them at 0.75)."""

    def get_alpha(self) -> float:
        return 0.75


class Explorer:
    """The surface and the contour of one layer, side by side on ``fig``, with the widgets that
    change it. Setters change the state, move the widgets to match, and redraw; the widgets call
    the same setters. Nothing here needs a window.
    """

    def __init__(
        self,
        fig: Figure,
        *,
        t: Sequence[float] = (1.0, 0.0),
        range: tuple[float, float] = (-20.0, 20.0),  # the command line's --range
        step: float = DEFAULT_STEP,
        temperature: float = 1.0,
        label_smoothing: float = 0.0,
        variant: str = "exact",
        theme: str = "light",
        lang: str = "en",
        out_dir: Path = Path("outputs"),
        loss: str = "ce",
        gamma: float = 2.0,
    ) -> None:
        self.initial = _first_state(t, temperature, label_smoothing, variant, loss, gamma)
        grid_axis(range[0], range[1], step)  # checks the range, the step and the point limit
        if theme not in THEMES:
            raise SwlVizError(f"must be one of {', '.join(THEMES)}; got {theme!r}", param="theme")
        if lang not in WORDS:
            raise SwlVizError(f"must be one of en, ja; got {lang!r}", param="lang")
        self.state = self.initial
        self.fig = fig
        self.range = (float(range[0]), float(range[1]))
        self.step = float(step)
        self.theme = theme
        self.lang = lang
        self.out_dir = Path(out_dir)
        self.grid: LossGrid | None = None
        self._drawn: list[Artist] = []
        # blitting: the picture of everything that stays, and the loss axis it was drawn with
        self._background: Any = None
        self._frame: tuple[float, ...] = ()
        self._background_frame: tuple[float, ...] | None = None
        self._placing = False
        self._shown = False  # whether the canvas shows the state as it is
        self.settled = False
        self._timer: Any = None
        self.on_saved: Any = None  # called with the path that ``s`` wrote (the notebook's cell)
        with _style(theme, lang):
            self._build()
            self._redraw()
        fig.canvas.mpl_connect("draw_event", self._on_draw)

    # ---- the state ---------------------------------------------------------------------------

    def set_t0(self, t0: float) -> None:
        """The label t = (t0, 1 - t0)."""
        self._update(t0=float(t0))

    def set_temperature(self, temperature: float) -> None:
        self._update(temperature=float(temperature))

    def set_smoothing(self, label_smoothing: float) -> None:
        self._update(label_smoothing=float(label_smoothing))

    def set_variant(self, variant: str) -> None:
        """The exact loss or the book's; the book's is a cross-entropy, so choosing it while
        another loss is shown switches the loss to the cross-entropy too."""
        if variant not in ("exact", "book"):
            raise SwlVizError(f"must be one of exact, book; got {variant!r}", param="variant")
        if variant == "book":
            self._update(variant=variant, loss="ce")
        else:
            self._update(variant=variant)

    def set_loss(self, loss: str) -> None:
        """The loss on the softmax: "ce", "mse" or "focal" (at the view's gamma). Squared error
        and the focal loss have no book's variant: choosing them shows the exact one."""
        if loss not in LOSSES:
            raise SwlVizError(f"must be one of {', '.join(LOSSES)}; got {loss!r}", param="loss")
        if loss != "ce":
            self._update(loss=loss, variant="exact")
        else:
            self._update(loss=loss)

    def click(self, x0: float, x1: float) -> None:
        """Probe the layer at (x0, x1) and draw the descent path from there."""
        self._update(probe=(float(x0), float(x1)))

    def reset(self) -> None:
        """Back to the options the view opened with, no probe, the first 3-D view."""
        self.ax3d.view_init(elev=20.0, azim=240.0)
        self._background = None  # the 3-D axes turned: everything is drawn again
        self.state = self.initial
        with _style(self.theme, self.lang):
            self._sync_widgets()
            self._redraw()

    def save(self) -> Path:
        """Write the whole view, widgets included, as a PNG under ``out_dir`` named from the
        state; return its path."""
        path = self.out_dir / f"{self.state.stem()}.png"
        self.settle()  # the words placed, and shown on the screen as in the file
        try:
            with _style(self.theme, self.lang), atomic_write(path) as fh:
                self.fig.savefig(fh, format="png", metadata={"Software": None})
        except OSError as exc:
            raise RunError(f"cannot write {path}: {exc.strerror or exc}", param="out_dir") from exc
        return path

    def _update(self, **changes: Any) -> None:
        state = replace(self.state, **changes)
        state.check()
        if state == self.state:  # a drag within one step of a slider: nothing to draw
            self._sync_widgets()
            return
        self.state = state
        with _style(self.theme, self.lang):
            self._sync_widgets()
            self._redraw()
        self._settle_later()

    # ---- drawing -----------------------------------------------------------------------------

    def _build(self) -> None:
        """The axes and widgets, made once; redraws only replace what sits on the axes."""
        fig = self.fig
        self.ax3d: Any = cast(Any, fig.add_axes(_SURFACE, projection="3d"))  # an Axes3D
        self.ax2d = fig.add_axes(_CONTOUR)
        self.cmap: str = THEMES[self.theme].get("swl.cmap", "viridis")
        self.scale = _Faded(Normalize(0.0, 1.0), cmap=self.cmap)
        self.colorbar = fig.colorbar(
            self.scale, cax=fig.add_axes(_COLORBAR), label=labels_for(self.lang)["loss"]
        )
        self.colorbar.locator = MaxNLocator(TICKS)
        self.colorbar.ax.set_gid("colorbar")  # the layout keeps the words off it
        self.ax3d.view_init(elev=20.0, azim=240.0)
        # few ticks: tick labels are most of a redraw's cost; the surface's x0 and x1 need only
        # the ends and 0, since the contour beside shows the same plane with more
        for axis, bins, prune in ((self.ax3d.xaxis, 2, "lower"), (self.ax3d.yaxis, 2, None),
                                  (self.ax3d.zaxis, TICKS, None), (self.ax2d.xaxis, TICKS, None),
                                  (self.ax2d.yaxis, TICKS, None)):  # fmt: skip
            # x0's lowest tick would print over x1's in the surface's near corner
            axis.set_major_locator(MaxNLocator(bins, steps=[1, 2, 2.5, 5, 10], prune=prune))
        self.ax3d.set_xlabel("$x_0$")
        self.ax3d.set_ylabel("$x_1$")
        words = labels_for(self.lang)
        self.ax3d.zaxis.set_rotate_label(False)  # else it may read top to bottom
        self.ax3d.set_zlabel(words["loss"], rotation=90)
        self.ax2d.set_xlabel("$x_0$")
        self.ax2d.set_ylabel("$x_1$")
        titles = labels_for("ja" if self.lang == "ja" and japanese_font() else "en")
        forward, backward = titles["explore_forward"], titles["explore_backward"]
        # titles as figure text: an axes title is placed anew, around the tick labels, every draw
        size = mpl.rcParams["axes.titlesize"]
        fig.text(_SURFACE[0] + 0.03, 0.89, forward, fontsize=size, va="baseline")
        fig.text(_CONTOUR[0], 0.89, backward, fontsize=size, va="baseline")
        s = self.state
        self.sliders = {
            "t0": Slider(fig.add_axes(_SLIDERS["t0"]), "$t_0$", 0.0, 1.0, valinit=s.t0),
            "temperature": Slider(
                fig.add_axes(_SLIDERS["temperature"]),
                "T",
                math.log10(TEMPERATURE_RANGE[0]),
                math.log10(TEMPERATURE_RANGE[1]),
                valinit=math.log10(s.temperature),
            ),
            "smoothing": Slider(
                fig.add_axes(_SLIDERS["smoothing"]),
                "ε",
                0.0,
                MAX_SMOOTHING,
                valinit=s.label_smoothing,
            ),
        }
        self.sliders["t0"].on_changed(lambda v: self.set_t0(round(v, 2)))
        self.sliders["temperature"].on_changed(lambda v: self.set_temperature(_sig(10**v)))
        self.sliders["smoothing"].on_changed(lambda v: self.set_smoothing(round(v, 2)))
        ink = mpl.rcParams["text.color"]  # matplotlib's black circles vanish on the dark theme
        self.radio = RadioButtons(
            fig.add_axes(_RADIO),
            ("exact", "book"),
            active=("exact", "book").index(s.variant),
            radio_props={"edgecolor": ink, "facecolor": ink},
            # its own blitting redraws its dots after every draw and asks for another: a
            # notebook's widget would never stop drawing. The explorer blits them itself.
            useblit=False,
        )
        self.radio.on_clicked(lambda label: self.set_variant(str(label)))
        # the loss on the softmax, each named in the window's words (the focal one with its γ)
        names = labels_for(self.lang if self.lang == "en" or japanese_font() else "en")
        self.loss_radio = RadioButtons(
            fig.add_axes(_LOSS_RADIO),
            [typeset(names[f"loss_{kind}"].format(gamma=_g(s.gamma))) for kind in LOSSES],
            active=LOSSES.index(s.loss),
            radio_props={"edgecolor": ink, "facecolor": ink},
            useblit=False,  # as the variant's: the explorer blits them itself
        )
        self.loss_radio.on_clicked(
            lambda _label: self.set_loss(LOSSES[self.loss_radio.index_selected])
        )
        # the widgets never draw by themselves: on Agg a draw_idle draws at once, so a slider
        # move would draw twice; the window asks for one draw after each change
        for widget in (*self.sliders.values(), self.radio, self.loss_radio):
            widget.drawon = False
        # what moves on the widgets is drawn over the kept picture, like the plots (the dots
        # and the handles are the widgets' own artists: matplotlib names them privately)
        radio: Any = self.radio
        loss_radio: Any = self.loss_radio
        self._widget_parts: list[Artist] = [radio._buttons, loss_radio._buttons]
        for slider in self.sliders.values():
            handle: Any = slider
            self._widget_parts += [slider.poly, handle._handle, slider.valtext]
        for artist in self._widget_parts:
            artist.set_animated(True)
        self._sync_widgets()

    def _sync_widgets(self) -> None:
        """Move the widgets to the state without calling back."""
        s = self.state
        for name, value, text in (
            ("t0", s.t0, f"{_g(s.t0)}, {_g(s.t[1])}"),
            ("temperature", math.log10(s.temperature), _g(s.temperature)),
            ("smoothing", s.label_smoothing, _g(s.label_smoothing)),
        ):
            slider = self.sliders[name]
            if slider.val != value:
                slider.eventson = False
                slider.set_val(value)
                slider.eventson = True
            slider.valtext.set_text(text)
        for radio, index in (
            (self.radio, ("exact", "book").index(s.variant)),
            (self.loss_radio, LOSSES.index(s.loss)),
        ):
            if radio.index_selected != index:
                radio.eventson = False
                radio.set_active(index)
                radio.eventson = True

    def _redraw(self) -> None:
        """Recompute the coarse grid and replace what the axes show; the axes stay."""
        s = self.state
        lo, hi = self.range
        grid = loss_grid(
            lo,
            hi,
            self.step,
            s.t,
            label_smoothing=s.label_smoothing,
            temperature=s.temperature,
            variant=s.variant,
            loss=s.loss,
            gamma=s.layer_gamma,
            max_points=MAX_POINTS,
        )
        self.grid = grid
        for artist in self._drawn:
            artist.remove()
        colours = THEMES[self.theme]
        zmin, _ = z_range([grid.loss], "linear")  # from 0; the book's loss dips to -1e-7
        zmax = self._zmax(s)
        wire = draw_surface(self.ax3d, grid, color=colours.get("swl.wire"), label=None)
        levels = contour_levels(zmin, zmax, "linear")
        contour = draw_contour(
            self.ax2d,
            grid,
            contour_field(grid, ARROWS, normalize=False),
            levels=levels,
            cmap=self.cmap,
            arrow_color=colours.get("swl.arrow"),
            colorbar=False,
        )
        self.wire, self.contour = wire, contour
        drawn: list[Artist] = [wire, contour.contour, contour.quiver]
        if contour.thin is not None:
            drawn.append(contour.thin)
        flat, solid = self._marks(grid, (zmin, zmax))
        # the probe's arrow head is built in the box's proportions: the limits come first
        self.ax3d.set_xlim(lo, hi)
        self.ax3d.set_ylim(lo, hi)
        self.ax3d.set_zlim(zmin, zmax)
        drawn += draw_marks(self.ax3d, solid, three_d=True, lang=self.lang)
        # the words wait for settle(): a drag draws none, so none is ever where the layout
        # would not put it
        self._labels = flat.labels
        drawn += draw_marks(self.ax2d, replace(flat, labels=[]), three_d=False, lang=self.lang)
        self.ax3d.set_xlim(lo, hi)
        self.ax3d.set_ylim(lo, hi)
        self.ax3d.set_zlim(zmin, zmax)
        self.ax2d.set_xlim(lo, hi)
        self.ax2d.set_ylim(lo, hi)
        # the colourbar stays; its scale follows the levels, each band's colour at its middle
        self.scale.set_clim(levels[0], levels[-1])
        for artist in drawn:
            artist.set_animated(True)  # drawn over the kept picture, never marks it stale
        self._drawn = drawn
        self._frame = (zmin, zmax, *levels)
        self.settled = False
        self._shown = False

    def _zmax(self, s: State) -> float:
        """The top of the loss axis: a round number above the loss for every label at this
        temperature. The cross-entropy and the focal loss are linear in t and squared error is
        convex in it, so a hard label's loss is the largest (on the square both hard labels
        give the same top); moving t0 or epsilon then keeps the axes (and the colours' meaning)
        while the surface moves within."""
        lo, hi = self.range
        hard = loss_grid(lo, hi, self.step, (1.0, 0.0), temperature=s.temperature,
                         variant=s.variant, loss=s.loss, gamma=s.layer_gamma,
                         max_points=MAX_POINTS)  # fmt: skip
        top = float(hard.loss.max())
        return float(MaxNLocator(TICKS, steps=[1, 2, 2.5, 5, 10]).tick_values(0.0, top)[-1])

    # ---- blitting ------------------------------------------------------------------------------

    def _project_3d(self) -> None:
        """Project the surface's collections and patches and order them by depth, as
        Axes3D.draw does: artists made since the last full draw have not been."""
        ax = self.ax3d
        ax.M = ax.get_proj()
        ax.invM = np.linalg.inv(ax.M)
        deep = [
            a for a in ax.get_children()
            if isinstance(a, (Collection, Patch)) and a.get_visible() and a is not ax.patch
            and hasattr(a, "do_3d_projection")
        ]  # fmt: skip
        if not ax.computed_zorder:
            for artist in deep:
                artist.do_3d_projection()
            return
        zorder = max(axis.get_zorder() for axis in ax._axis_map.values()) + 1
        collection_zorder = patch_zorder = zorder
        for artist in sorted(deep, key=lambda a: a.do_3d_projection(), reverse=True):
            if isinstance(artist, Collection):
                artist.zorder = collection_zorder
                collection_zorder += 1
            else:
                artist.zorder = patch_zorder
                patch_zorder += 1

    def _dynamic(self) -> list[Artist]:
        """What changes with the state, in drawing order (each axes' artists by zorder)."""
        out: list[Artist] = []
        for ax in (self.ax3d, self.ax2d):
            mine = [a for a in self._drawn if a.axes is ax]
            out += sorted(mine, key=lambda a: a.get_zorder())
        return out + self._widget_parts

    def _draw_dynamic(self) -> None:
        """Draw the moving artists over what the canvas holds, under the rcParams a full draw
        has (a SceneFigure's own)."""
        own = getattr(self.fig, "_own_rc", contextlib.nullcontext)
        with own():
            self._project_3d()
            for artist in self._dynamic():
                ax = artist.axes
                if ax is not None and artist.get_visible():
                    ax.draw_artist(artist)

    def _on_draw(self, event: Event) -> None:
        """After a full draw: keep the picture of what stays, then draw what moves on it."""
        canvas: Any = self.fig.canvas
        if self._placing or canvas.is_saving() or not _blits(canvas):
            return
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._background_frame = self._frame
        self._draw_dynamic()
        self._shown = True

    def refresh(self) -> None:
        """Show the current state on the canvas, drawing as little as possible: what moves over
        the kept picture when the axes are unchanged, everything otherwise; nothing when the
        canvas already shows the state (a notebook then sends no picture)."""
        canvas: Any = self.fig.canvas
        size = canvas.get_width_height(physical=True)
        kept = self._background
        if (
            kept is None
            or not _blits(canvas)
            or self._background_frame != self._frame
            or (kept.get_extents()[2], kept.get_extents()[3]) != size
        ):
            canvas.draw()  # the draw event keeps the new picture and draws what moves
            self._shown = True
            return
        if self._shown:
            return
        canvas.restore_region(kept)
        self._draw_dynamic()
        canvas.blit(self.fig.bbox)
        self._shown = True

    def settle(self, refresh: bool = True) -> None:
        """Place the contour's labels as the saved figures place theirs, then show them."""
        if self._timer is not None:
            self._timer.stop()
        if self.settled:
            return
        self._placing = True
        try:
            with _style(self.theme, self.lang):
                words = draw_marks(self.ax2d, Marks(labels=self._labels), three_d=False,
                                   lang=self.lang)  # fmt: skip
                self._drawn += words
                labels = [
                    a
                    for a in words
                    if isinstance(a, Text) and str(a.get_gid() or "").endswith(_MOVABLE_ENDS)
                ]
                place_labels(self.fig, labels)
                # the leaders placing drew are words too: drawn over the kept picture with them
                known = {id(a) for a in self._drawn}
                self._drawn += [
                    a
                    for a in self.ax2d.texts
                    if str(a.get_gid() or "").endswith("-leader") and id(a) not in known
                ]
        finally:
            for artist in self._drawn:
                artist.set_animated(True)
            self._placing = False
        self.settled = True
        self._shown = False
        if refresh:
            self.refresh()

    def _settle_later(self) -> None:
        """Place the labels once the view has been still for SETTLE_MS: a drag stays quick."""
        if self._timer is None:
            timer = self.fig.canvas.new_timer(interval=SETTLE_MS)
            timer.single_shot = True
            timer.add_callback(self.settle)
            self._timer = timer
        self._timer.stop()
        self._timer.start()

    def _marks(self, grid: LossGrid, zrange: tuple[float, float]) -> tuple[Marks, Marks]:
        """The scene's marks for the contour and, without their words, for the surface: the
        contour beside carries the labels and the box of numbers, and text is most of what a
        redraw costs. With a probe, its box takes the corner the book's plateau note had."""
        point = self.state.probe
        # the curvature grows as 1/T^2; a step of 1 would zigzag across the valley when T < 1
        lr = min(1.0, 2.0 * grid.temperature**2)
        if point is not None:  # the numbers the window shows, for the tests and the saved file
            self.probe = probe_point(*point, grid.layer)
            self.path = descent_path(*point, grid.layer, lr=lr, steps=PATH_STEPS)
        out = []
        for three_d in (False, True):
            marks = panel_marks(grid, three_d=three_d, zscale="linear", lang=self.lang,
                                probe=point, descent=point, lr=lr, steps=PATH_STEPS,
                                zrange=zrange)  # fmt: skip
            if three_d:
                marks.labels = []
            elif point is not None:
                marks.labels = [m for m in marks.labels if m.role != "plateau-note"]
            out.append(marks)
        return out[0], out[1]

    # ---- for the window test -----------------------------------------------------------------

    def pixel_boxes(self) -> dict[str, list[float]]:
        """Where the widgets and the contour's corners are, in canvas pixels from the top left
        (xdotool's coordinates): boxes as [left, top, right, bottom], points as [x, y]."""
        height = self.fig.bbox.height

        def box(ax: Any) -> list[float]:
            b = ax.get_window_extent()
            return [b.x0, height - b.y1, b.x1, height - b.y0]

        out = {name: box(slider.ax) for name, slider in self.sliders.items()}
        out["variant"] = box(self.radio.ax)
        out["loss"] = box(self.loss_radio.ax)
        out["contour"] = box(self.ax2d)
        lo, hi = self.range
        for name, (u, v) in (("contour_lo", (lo, lo)), ("contour_hi", (hi, hi))):
            x, y = self.ax2d.transData.transform((u, v))
            out[name] = [float(x), float(height - y)]
        return out


# ---- the window --------------------------------------------------------------------------------


def explore(
    t: Sequence[float] = (1.0, 0.0),
    *,
    range: tuple[float, float] = (-20.0, 20.0),  # the command line's --range
    step: float = DEFAULT_STEP,
    temperature: float = 1.0,
    label_smoothing: float = 0.0,
    variant: str = "exact",
    theme: str = "light",
    lang: str = "en",
    out_dir: Path = Path("outputs"),
    loss: str = "ce",
    gamma: float = 2.0,
) -> None:
    """Open the explorer in a window and return when it is closed.

    Keys: q closes, r resets, s saves the view as a PNG under ``out_dir`` and prints its path.
    Raises :class:`SwlVizError` for a bad option, and :class:`RunError` (param ``show``) when
    matplotlib has no interactive backend.
    """
    _first_state(t, temperature, label_smoothing, variant, loss, gamma)  # bad options fail first
    with _style(theme, lang):
        import matplotlib.pyplot as plt  # noqa: TID253 - the window needs pyplot

        if mpl.get_backend().lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
            raise RunError(NO_WINDOW)
        fig = plt.figure(
            figsize=FIGSIZE, dpi=DPI, FigureClass=SceneFigure, rc=_window_rc(theme, lang)
        )
        try:
            explorer = Explorer(
                fig,
                t=t,
                range=range,
                step=step,
                temperature=temperature,
                label_smoothing=label_smoothing,
                variant=variant,
                theme=theme,
                lang=lang,
                out_dir=out_dir,
                loss=loss,
                gamma=gamma,
            )
        except BaseException:
            plt.close(fig)
            raise
        _wire(fig, explorer, close=lambda: plt.close(fig))
        manager = fig.canvas.manager
        if manager is not None:
            manager.set_window_title(f"swl-viz explore: {labels_for(lang)['explore_keys']}")
        plt.show()  # blocks until the window closes, except in interactive mode
        if not mpl.is_interactive():  # in Jupyter (%matplotlib widget) the figure lives on
            plt.close(fig)


def _wire(fig: Figure, explorer: Explorer, close: Any) -> None:
    """Keys and clicks: matplotlib's own keys are switched off, since s would open a save dialog
    and q, r would mean other things."""
    canvas = fig.canvas
    manager = canvas.manager
    handler = getattr(manager, "key_press_handler_id", None)
    if handler is not None:
        canvas.mpl_disconnect(handler)

    def on_key(event: Event) -> None:
        assert isinstance(event, KeyEvent)
        if event.key == "q":
            close()
        elif event.key == "r":
            explorer.reset()
            explorer.refresh()
        elif event.key == "s":
            try:
                path = explorer.save()
            except SwlVizError as exc:
                print(f"error: {exc}", file=sys.stderr, flush=True)
                return
            if explorer.on_saved is not None:
                explorer.on_saved(path)
            else:
                print(path, flush=True)

    def on_click(event: Event) -> None:
        assert isinstance(event, MouseEvent)
        toolbar = canvas.toolbar
        busy = toolbar is not None and str(getattr(toolbar, "mode", "")) != ""
        if event.inaxes is not explorer.ax2d or event.button != 1 or busy:
            return
        if event.xdata is None or event.ydata is None:
            return
        # round to about a pixel, so the file name names the probed point exactly
        lo, hi = explorer.range
        digits = max(0, 3 - math.ceil(math.log10(hi - lo)))
        explorer.click(round(event.xdata, digits), round(event.ydata, digits))
        explorer.refresh()

    for slider in explorer.sliders.values():
        slider.on_changed(lambda _value: explorer.refresh())
    explorer.radio.on_clicked(lambda _label: explorer.refresh())
    explorer.loss_radio.on_clicked(lambda _label: explorer.refresh())
    canvas.mpl_connect("key_press_event", on_key)
    canvas.mpl_connect("button_press_event", on_click)
    if os.environ.get(DEBUG_ENV):
        shown: list[dict[str, list[float]]] = []

        def on_draw(_event: Event) -> None:  # again after a resize: the boxes move
            if canvas.is_saving():  # a PNG is drawn at its own size, not the window's
                return
            boxes = explorer.pixel_boxes()
            if not shown or shown[-1] != boxes:
                shown.append(boxes)
                print(json.dumps({"widgets": boxes}), flush=True)

        canvas.mpl_connect("draw_event", on_draw)


# ---- the notebook ------------------------------------------------------------------------------

#: Measures the width the output area gives the explorer and tells the kernel when it changes.
_WIDTH_ESM = """
function render({ model, el }) {
  el.style.width = "100%";
  el.style.height = "0px";
  const send = () => {
    const width = Math.floor(el.getBoundingClientRect().width);
    if (width > 0 && Math.abs(width - model.get("width")) >= 8) {
      model.set("width", width);
      model.save_changes();
    }
  };
  const watch = new ResizeObserver(send);
  watch.observe(el);
  send();
  return () => watch.disconnect();
}
export default { render };
"""


def _quick_canvas(canvas_class: Any) -> Any:
    """ipympl's canvas, sending each picture as a quickly compressed PNG: matplotlib's WebAgg
    compresses at PNG level 6, which takes 40 ms of a 1200 px view's redraw; level 1 takes
    a third less for a file about 10 % larger (the diff's unchanged pixels are zero)."""

    class QuickCanvas(canvas_class):  # type: ignore[misc]
        def get_diff_image(self) -> bytes | None:
            from PIL import Image  # noqa: TID253 - the notebook's canvas is matplotlib's

            me: Any = self  # WebAgg's state, as matplotlib keeps it
            if not me._png_is_old:
                return None
            pixels = np.asarray(me.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            last = getattr(me, "_last_buff", None)
            if (
                me._force_full
                or last is None
                or buff.shape != last.shape
                or (pixels[:, :, 3] != 255).any()
            ):
                me.set_image_mode("full")
                output = buff
            else:
                me.set_image_mode("diff")
                output = np.where(buff != last, buff, 0)
            me._last_buff = buff.copy()
            me._force_full = False
            me._png_is_old = False
            data = output.view(dtype=np.uint8).reshape((*output.shape, 4))
            with io.BytesIO() as png:
                Image.fromarray(data).save(png, format="png", compress_level=1)
                return png.getvalue()

    return QuickCanvas


def notebook(
    t: Sequence[float] = (1.0, 0.0),
    *,
    range: tuple[float, float] = (-20.0, 20.0),  # the command line's --range
    step: float = DEFAULT_STEP,
    temperature: float = 1.0,
    label_smoothing: float = 0.0,
    variant: str = "exact",
    theme: str = "light",
    lang: str = "en",
    out_dir: Path = Path("outputs"),
    loss: str = "ce",
    gamma: float = 2.0,
) -> Any:
    """The explorer as a Jupyter widget, for the last line of a cell: no pyplot and no
    ``%matplotlib`` magic (it draws on an ipympl canvas of its own)::

        from swl_viz.explore import notebook
        notebook(t=(0.7, 0.3))

    It is as wide as the cell's output (at most 1200 px, at least :data:`MIN_WIDTH`), scaled
    whole so no control is cut off. Drag the sliders, click the contour; with the figure
    focused, r resets and s saves the view as a PNG under ``out_dir``, printing its path below
    the figure. It draws only when something changed. The returned box's ``explorer`` is the
    :class:`Explorer`. Needs ipympl and anywidget (``pip install 'swl-viz[notebook]'``).
    """
    _first_state(t, temperature, label_smoothing, variant, loss, gamma)  # bad options fail first
    try:
        import anywidget
        import ipywidgets
        import traitlets
        from ipympl.backend_nbagg import Canvas, FigureManager
    except ImportError as exc:
        raise RunError(NO_NOTEBOOK) from exc

    if theme not in THEMES:
        raise SwlVizError(f"must be one of {', '.join(THEMES)}; got {theme!r}", param="theme")
    fig = SceneFigure(_window_rc(theme, lang), figsize=FIGSIZE, dpi=DPI)
    canvas = _quick_canvas(Canvas)(fig)
    manager = FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.toolbar_visible = False  # pan and zoom would take the contour's clicks
    canvas.resizable = False  # the output area sets the width
    canvas.footer_visible = False
    explorer = Explorer(
        fig,
        t=t,
        range=range,
        step=step,
        temperature=temperature,
        label_smoothing=label_smoothing,
        variant=variant,
        theme=theme,
        lang=lang,
        out_dir=out_dir,
        loss=loss,
        gamma=gamma,
    )
    _wire(fig, explorer, close=lambda: None)
    saved = ipywidgets.Output()
    explorer.on_saved = lambda path: saved.append_stdout(f"saved {path}\n")

    class _Width(anywidget.AnyWidget):
        _esm = _WIDTH_ESM
        width = traitlets.Int(0).tag(sync=True)

    probe = _Width()

    def fit(change: Any) -> None:
        full = FIGSIZE[0] * DPI
        width = max(MIN_WIDTH, min(full, int(change["new"])))
        dpi = DPI * width / full
        if abs(dpi - fig._original_dpi) < 0.05:  # type: ignore[attr-defined]
            return
        # the figure scaled whole: every text, line and widget keeps its place; matplotlib
        # keeps the dpi before the screen's pixel ratio as _original_dpi
        fig._original_dpi = dpi  # type: ignore[attr-defined]
        fig.set_dpi(dpi * canvas.device_pixel_ratio)
        explorer._background = None
        w, h = fig.bbox.size
        manager.resize(w, h)
        canvas.draw_idle()

    probe.observe(fit, names="width")
    box = ipywidgets.VBox([probe, canvas, saved], layout=ipywidgets.Layout(width="100%"))
    box.explorer = explorer
    return box
