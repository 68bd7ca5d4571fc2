"""What to draw, as plain data: one checked, picklable description of a figure.

The command line, decks, the notebook API and export workers all speak :class:`Plot`. Its options
are declared once, in :class:`swl_viz.options.Options`, and it is checked once, where it is made,
so a bad option is caught before anything is computed or any worker starts. numpy only, through the
grid; never matplotlib.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from swl_viz.errors import SwlVizError
from swl_viz.grid import LossGrid, grid_axis, layer_grid
from swl_viz.layer import Layer
from swl_viz.maths import Variant
from swl_viz.options import (
    FIGURE_DEFAULTS,
    FIGURES,
    FORMATS,
    OPTIONS,
    RACE_STEPS,
    THREE_D,
    FigureKind,
    Lang,
    Options,
    Theme,
    ZScale,
    figure_formats,
    read_option,
)
from swl_viz.options import _number as _number
from swl_viz.probe import check_descent

__all__ = [
    "FIGURES",
    "FORMATS",
    "MAX_FRAMES",
    "FigureKind",
    "Lang",
    "Plot",
    "Theme",
    "ZScale",
    "format_label",
    "make_plot",
    "plot_spec",
]

#: Most frames a turntable GIF may have (two full turns at 1 degree a frame).
MAX_FRAMES = int(OPTIONS["frames"].bounds[1])  # type: ignore[index]
#: Largest side of an image, in pixels (matplotlib's Agg canvas stops at 65536).
MAX_PIXELS_PER_SIDE = 16384
#: Most frame data a turntable GIF may hold while it is encoded (one byte per pixel).
MAX_GIF_BYTES = 1 << 30

#: What a web page does not use: its text is sized by the browser, and it has no inches (dpi
#: still turns a --size in inches into pixels).
HTML_IGNORES = ("dpi", "font_scale")

_SAFE = re.compile(r"^[A-Za-z0-9._+-]+$")


def format_label(t: tuple[float, ...]) -> str:
    """(1.0, 0.0) -> '(1, 0)'."""
    return "(" + ", ".join(_number(v) for v in t) + ")"


@dataclass(frozen=True)
class Plot(Options):
    """One figure: the grid, the layer's options, and how it looks.

    The options are the fields of :class:`swl_viz.options.Options`, declared there once, so a
    deck entry or a command's options map onto them one to one; they are keywords here, after
    the figure. ``size`` is in pixels; give ``(9, 9, "in")`` for inches, which become pixels at
    ``dpi``.
    """

    figure: FigureKind

    def __post_init__(self) -> None:
        if self.figure not in FIGURES:
            raise SwlVizError(
                f"must be one of {', '.join(FIGURES)}; got {self.figure!r}", param="figure"
            )
        for name, row in OPTIONS.items():
            value = getattr(self, name)
            row.check(value)
            if self.figure not in row.figures and value != row.default:
                users = [f for f in FIGURES if f in row.figures]
                raise SwlVizError(f"is for {' and '.join(users)}, not {self.figure}", param=name)
        if self.size is not None and len(self.size) == 3:  # inches, as read from 9x9in
            w, h, _unit = self.size
            pixels = (round(w * self.dpi), round(h * self.dpi)) if _unit == "in" else (w, h)
            object.__setattr__(self, "size", tuple(int(round(v)) for v in pixels))
        if self.logits is not None and len(self.t) == 2:
            raise SwlVizError(
                "fixes the logits that do not vary; with 2 classes both vary, so it is for K > 2",
                param="logits",
            )
        _check_gamma(self)
        if self.compare and self.loss != "ce":
            raise SwlVizError(
                "puts the book's cross-entropy beside the exact one; it is for loss ce "
                "(swl-viz losses compares the losses)",
                param="compare",
                mentions=("loss",),
            )
        _check_points(self)
        if self.descent is None and self.figure != "losses":  # the losses race without one
            for name in ("lr", "steps"):
                if getattr(self, name) != OPTIONS[name].default:
                    start = "X0,X1,X2" if self.figure == "simplex" else "X0,X1"
                    raise SwlVizError(
                        f"applies only with descent {start}, the path's start",
                        param=name,
                        mentions=("descent",),
                    )
        else:
            check_descent(self.lr, self.steps)
        if self.figure in OPTIONS["step"].figures:
            grid_axis(*self.range, self.step)  # range and step, and the point limit
        else:  # the slice, the losses and the simplex: a fixed number of points, no step
            _check_span(self.range)
        if self.figure == "simplex" and len(self.t) != 3:
            raise SwlVizError(
                "simplex draws three classes: give T0,T1,T2 like 0.2,0.5,0.3, "
                f"not {len(self.t)} classes",
                param="t",
            )
        layer = self.layer()
        if self.figure == "losses" and not layer.target[list(layer.axes)].any():
            raise SwlVizError(
                "compares the true class with another, but t weighs neither of the two; put "
                "the class t weighs most among them",
                param="axes",
                mentions=("t",),
            )
        width, height = self.pixels
        if min(width, height) < 100 or max(width, height) > MAX_PIXELS_PER_SIDE:
            raise SwlVizError(
                f"gives {width} x {height} pixels; each side must lie in "
                f"100..{MAX_PIXELS_PER_SIDE}",
                param="size",
            )
        if self.title is not None:
            _check_title(self.title)
        if self.zlim is not None and not self.zlim[0] < self.zlim[1]:
            raise SwlVizError(f"needs LO < HI, got {self.zlim[0]:g} {self.zlim[1]:g}", param="zlim")
        if self.title is not None and self.no_title:
            raise SwlVizError(
                "give title or no_title, not both", param="no_title", mentions=("title", "no_title")
            )

    @property
    def is_3d(self) -> bool:
        return self.figure in THREE_D

    @property
    def pixels(self) -> tuple[int, int]:
        """The canvas in pixels: ``size``; or 1920 x 1080 for the slides preset; or 900 x 900
        (900 x 800 for contour and slice, 1600 wide for pair and compare, 1600 x 900 for
        losses). ``dpi`` sets only how
        many inches that is, for PDF and SVG: text is sized from the pixels."""
        if self.size is not None:
            return self.size[0], self.size[1]
        if self.preset == "slides":
            return 1920, 1080
        if self.figure == "losses":
            return 1600, 900
        width = 1600 if self.compare or self.figure in ("pair", "simplex") else 900
        return width, 800 if self.figure in ("contour", "slice", "simplex") else 900

    @property
    def figsize(self) -> tuple[float, float]:
        """The canvas in inches, as matplotlib takes it."""
        width, height = self.pixels
        return width / self.dpi, height / self.dpi

    def check_format(self, fmt: str) -> None:
        """Refuse a file format this figure cannot be written in, before any work starts."""
        allowed = figure_formats(self.figure)
        if fmt not in allowed:
            raise SwlVizError(
                f"{self.figure} is written as {', '.join(allowed)}, not {fmt}", param="format"
            )
        if fmt == "gif" and self.figure == "simplex" and self.descent is None:
            raise SwlVizError(
                "is what a simplex .gif moves through both panels: give a start X0,X1,X2",
                param="descent",
            )
        if fmt == "gif" and self.transparent:
            raise SwlVizError("is not available for .gif", param="transparent")
        for name in ("compare", "transparent"):
            if fmt == "html" and getattr(self, name):
                raise SwlVizError("is not available for .html", param=name)
        if fmt == "gif":  # a turntable holds its frames while it is encoded
            width, height = self.pixels
            if self.frames * width * height > MAX_GIF_BYTES:
                raise SwlVizError(
                    f"{self.frames} frames of {width} x {height} pixels are too much for a GIF; "
                    "use fewer frames or a smaller size or dpi",
                    param="frames",
                )

    def layer(self, variant: Variant | None = None) -> Layer:
        """The checked layer this figure shows (``variant`` overrides, for compare)."""
        return Layer.make(
            self.t,
            self.logits,
            self.axes,
            self.label_smoothing,
            self.temperature,
            self.variant if variant is None else variant,
            self.loss,
            2.0 if self.figure == "losses" else self.gamma,  # the comparison's focal has it
        )

    def descent_warning(self) -> str | None:
        """What a learner should know about this figure's descent before trusting it (its loss
        rises: the learning rate is too large for the curvature here), or None. The plane's
        figures only: the simplex and the comparison run their own descents."""
        if self.descent is None or self.figure not in ("surface", "quiver", "contour", "pair"):
            return None
        from swl_viz.probe import descent_path

        path = descent_path(*self.descent, self.layer(), lr=self.lr, steps=self.steps)
        return path.warning()

    def check_formats(self, formats: Iterable[str]) -> None:
        """Refuse what writing this figure in all of ``formats`` cannot honour: a format it is
        not written in, or an option only a .gif uses when no .gif is among them (it would be
        silently ignored)."""
        formats = tuple(formats)
        for fmt in formats:
            self.check_format(fmt)
        changed = self.changed()
        if "gif" not in formats:
            for name in changed:
                if OPTIONS[name].gif_only:
                    raise SwlVizError(
                        "only shapes a .gif turntable; write a .gif too, or leave it out",
                        param=name,
                    )
        if formats and set(formats) == {"html"}:  # a page sizes its text in the browser
            for name in HTML_IGNORES:
                if name in changed and not (name == "dpi" and self.size is not None):
                    raise SwlVizError(
                        "does not apply to a .html page; write a .png, .svg or .pdf too, or "
                        "leave it out",
                        param=name,
                    )

    def grid(self, variant: Variant | None = None, max_points: int | None = None) -> LossGrid:
        """Compute the loss grid this figure shows (``variant`` overrides, for --compare;
        ``max_points`` thins a dense grid to the points a figure can show)."""
        lo, hi = self.range
        return layer_grid(self.layer(variant), lo, hi, self.step, max_points=max_points)

    def default(self, name: str) -> Any:
        """What option ``name`` is when not given, for this figure: the declared default, or
        the figure's own (the simplex's label, the losses' race's steps)."""
        if name == "steps" and self.figure == "losses" and self.descent is None:
            return RACE_STEPS
        return FIGURE_DEFAULTS.get(self.figure, {}).get(name, OPTIONS[name].default)

    def changed(self) -> dict[str, Any]:
        """The options that differ from the defaults, in field order (figure and t excluded)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("figure", "t"):
                continue
            value = getattr(self, f.name)
            if value != self.default(f.name):  # (a simplex has no default label)
                out[f.name] = value
        return out

    def stem(self, fmt: str = "png") -> str:
        """A deterministic file name stem: figure, label, then each non-default option that
        matters for this figure in format ``fmt``."""
        label = "-".join(_number(v) for v in self.t)
        if len(label) > 40:  # a long label (many classes, long decimals) becomes its hash
            label = hashlib.sha256(label.encode()).hexdigest()[:8]
        parts = [self.figure, "t" + label]
        for name, value in self.changed().items():
            if fmt == "gif" or not OPTIONS[name].gif_only:
                parts.append(_name_part(name, value))
        return "_".join(parts)

    def params(self) -> dict[str, Any]:
        """The figure and every option as JSON-ready data, for the export manifest."""
        names = ["figure", *OPTIONS]
        return {
            name: (list(v) if isinstance(v := getattr(self, name), tuple) else v) for name in names
        }


#: Narrowest range the figures without a step draw: their fixed number of points must still
#: be apart (a width of a few subnormals would split into steps of 0).
MIN_SPAN = 1e-300


def _check_span(span: tuple[float, float]) -> None:
    """The range of a figure that draws a fixed number of points over it, whatever its width
    (the row's bounds have been checked)."""
    lo, hi = span
    if not lo < hi:
        raise SwlVizError(f"needs LO < HI, got {_number(lo)} {_number(hi)}", param="range")
    if hi - lo < MIN_SPAN:
        raise SwlVizError(
            f"needs HI - LO of at least {MIN_SPAN:g}, got {_number(lo)} {_number(hi)}",
            param="range",
        )


def _check_gamma(plot: Plot) -> None:
    """γ shapes the focal loss alone: the one a figure draws (loss focal), or the one the losses'
    comparison adds (with_focal). Said here, before the layer's own check, so that the message
    names the option that brings the focal loss for this figure."""
    if plot.gamma == OPTIONS["gamma"].default:
        return
    if plot.figure == "losses" and not plot.with_focal:
        raise SwlVizError(
            "applies only with with_focal, which adds the focal loss",
            param="gamma",
            mentions=("with_focal",),
        )
    if plot.figure != "losses" and plot.loss != "focal":
        raise SwlVizError("applies only with loss focal", param="gamma", mentions=("loss",))


def _check_points(plot: Plot) -> None:
    """A probe or descent start is two logits on a plane, three on the simplex."""
    want = 3 if plot.figure == "simplex" else 2
    for name in ("probe", "descent"):
        value = getattr(plot, name)
        if value is not None and len(value) != want:
            spelled = "three numbers X0,X1,X2" if want == 3 else "two numbers X0,X1"
            raise SwlVizError(f"needs {spelled} for {plot.figure}, got {len(value)}", param=name)
        if value is not None and plot.figure in ("surface", "quiver", "contour", "pair"):
            # the plane widens to show the point: by more than its own width, the loss the
            # figure is about would shrink to a sliver (a probe at 1e6 drew a line)
            lo, hi = (float(v) for v in plot.range)
            near = (lo - (hi - lo), hi + (hi - lo))
            if lo < hi and not all(near[0] <= float(v) <= near[1] for v in value):
                raise SwlVizError(  # (a reversed range is the range's own error, later)
                    f"must lie within {_number(near[0])}..{_number(near[1])} (the range "
                    "widened by its own width on each side); give a wider range to reach it",
                    param=name,
                    mentions=("range",),
                )


def _name_part(name: str, value: Any) -> str:
    key = name.replace("_", "-")
    if isinstance(value, bool):
        return key
    if name == "size":
        text = "x".join(str(v) for v in value)
    elif isinstance(value, tuple):
        text = "-".join(_number(v) if isinstance(v, float) else str(v) for v in value)
    elif isinstance(value, float):
        text = _number(value)
    else:
        text = str(value)
    if OPTIONS[name].kind == "choice":
        return text
    if not _SAFE.match(text) or len(text) > 40:
        text = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{key}{text}"


#: Deepest {...} nesting a title may use: deeper mathtext exhausts matplotlib's parser.
MAX_TITLE_NESTING = 8


def _check_title(title: str) -> None:
    """One printable line of at most 200 characters, with shallow braces."""
    if "\n" in title or len(title) > 200:
        raise SwlVizError("must be one line of at most 200 characters", param="title")
    for ch in title:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            what = "a control character" if ord(ch) < 0xD800 else "bytes that are not UTF-8"
            raise SwlVizError(f"holds {what} ({ch!r}); use printable text", param="title")
    depth = deepest = 0
    for ch in title:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_TITLE_NESTING:
        raise SwlVizError(
            f"nests braces {deepest} deep; at most {MAX_TITLE_NESTING}", param="title"
        )


def plot_spec(figure: str, options: Mapping[str, Any]) -> Plot:
    """:func:`make_plot` for a library caller that wants a figure, not a file (so no .gif turntable:
    frames and fps would be ignored). Its errors are read without a command line to name the
    option, so each message starts with the keyword at fault (``range: needs LO < HI``)."""
    try:
        spec = make_plot(figure, options)
        spec.check_formats(())
        return spec
    except SwlVizError as exc:
        name = exc.param
        if name is None or str(exc).startswith(name):
            raise
        raise type(exc)(f"{name}: {exc}", param=name, mentions=exc.mentions) from None


def make_plot(figure: str, options: Mapping[str, Any]) -> Plot:
    """A checked Plot from raw option values: command-line text (``"1,0"``) or TOML values
    (``[1, 0]``). Errors name the option; None means not given."""
    typed = {name: read_option(name, v) for name, v in options.items() if v is not None}
    typed = FIGURE_DEFAULTS.get(figure, {}) | typed  # the simplex's label is 1,0,0 by default
    if figure == "losses" and typed.get("descent") is None:
        typed.setdefault("steps", RACE_STEPS)  # the race's own, unless given
    return Plot(figure=figure, **typed)  # type: ignore[arg-type]
