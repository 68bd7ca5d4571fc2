"""What to draw, as plain data: one checked, picklable description of a figure.

The command line, deck configs and export workers all speak :class:`Plot`. It is checked once,
where it is made, so a bad option is caught before anything is computed or any worker starts.
This module imports numpy only (through the grid), never matplotlib.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from swl_viz.errors import SwlVizError
from swl_viz.grid import LossGrid, check_layer, grid_axis, loss_grid
from swl_viz.maths import Variant

__all__ = [
    "FIGURES",
    "FORMATS",
    "MAX_FRAMES",
    "Figure",
    "Plot",
    "format_label",
    "parse_floats",
    "parse_ints",
]

Figure = Literal["surface", "quiver", "contour", "pair"]
Theme = Literal["light", "dark"]
ZScale = Literal["linear", "log"]
Lang = Literal["en", "ja"]

FIGURES: tuple[str, ...] = get_args(Figure)
FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "gif")
THREE_D = ("surface", "quiver")
#: Options a figure ignores, left out of its file name.
_IGNORED: dict[str, frozenset[str]] = {
    "surface": frozenset({"normalize", "arrows"}),
    "quiver": frozenset(),
    "contour": frozenset({"elev", "azim", "frames", "fps"}),
    "pair": frozenset(),
}
_GIF_ONLY = frozenset({"frames", "fps"})

#: Most frames a turntable GIF may have (two full turns at 1 degree a frame).
MAX_FRAMES = 720
MAX_DPI = 1200
MAX_INCHES = 50.0
#: Largest side of an image, in pixels (matplotlib's Agg canvas stops at 65536).
MAX_PIXELS_PER_SIDE = 16384
#: Most frame data a turntable GIF may hold while it is encoded (one byte per pixel).
MAX_GIF_BYTES = 1 << 30
#: Largest |logit| on a grid, and the temperature's range: a / T stays far from overflow.
MAX_LOGIT = 1e6
TEMPERATURE_RANGE = (1e-3, 1e3)
MAX_ARROWS = 200

_SAFE = re.compile(r"^[A-Za-z0-9._+-]+$")


def parse_floats(text: str, param: str) -> tuple[float, ...]:
    """'1,0' -> (1.0, 0.0), with an error naming ``param`` for anything else."""
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(p == "" for p in parts):
        raise SwlVizError(f"expected comma-separated numbers like 1,0, got {text!r}", param=param)
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise SwlVizError(
            f"expected comma-separated numbers like 1,0, got {text!r}", param=param
        ) from None
    if not all(math.isfinite(v) for v in values):
        raise SwlVizError(f"numbers must be finite, got {text!r}", param=param)
    return values


def parse_ints(text: str, param: str) -> tuple[int, ...]:
    """'0,2' -> (0, 2)."""
    try:
        return tuple(int(p.strip()) for p in text.split(","))
    except ValueError:
        raise SwlVizError(
            f"expected comma-separated class numbers like 0,1, got {text!r}", param=param
        ) from None


def _number(v: float) -> str:
    """Shortest text that reads back as the same float: 1.0 -> '1', 0.25 -> '0.25'."""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def format_label(t: tuple[float, ...]) -> str:
    """(1.0, 0.0) -> '(1, 0)'."""
    return "(" + ", ".join(_number(v) for v in t) + ")"


def _check_choice(value: object, choices: tuple[str, ...], param: str) -> None:
    if value not in choices:
        raise SwlVizError(f"must be one of {', '.join(choices)}; got {value!r}", param=param)


def _check_range(lo: float, hi: float, param: str, low: float, high: float) -> None:
    for v in (lo, hi):
        if not (math.isfinite(v) and low <= v <= high):
            raise SwlVizError(f"must lie in [{low:g}, {high:g}], got {v:g}", param=param)


@dataclass(frozen=True)
class Plot:
    """One figure: the grid, the layer's options, and how it looks.

    Field names are the command-line option names with ``-`` written ``_``, so a deck config
    entry maps onto them one to one.
    """

    figure: Figure
    range: tuple[float, float] = (-20.0, 20.0)
    step: float = 2.0
    t: tuple[float, ...] = (1.0, 0.0)
    logits: tuple[float, ...] | None = None
    axes: tuple[int, int] = (0, 1)
    label_smoothing: float = 0.0
    temperature: float = 1.0
    variant: Variant = "exact"
    compare: bool = False
    zscale: ZScale = "linear"
    normalize: bool = False
    arrows: int = 25
    elev: float = 20.0
    #: None: the default view for this label, chosen by the figure from the gradient
    azim: float | None = None
    theme: Theme = "light"
    #: the canvas in pixels, W x H; None: the default for the figure and preset (see pixels)
    size: tuple[int, int] | None = None
    dpi: int = 100
    transparent: bool = False
    title: str | None = None
    no_title: bool = False
    lang: Lang = "en"
    frames: int = 36
    fps: float = 12.0
    #: "default" or "slides" (a 1920 x 1080 frame, filled)
    preset: str = "default"
    #: multiplies every text size
    font_scale: float = 1.0
    #: (lo, hi) of the loss axis in nats, and so of the contour's colour scale; None: the data's
    zlim: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        _check_choice(self.figure, FIGURES, "figure")
        if len(self.range) != 2:
            raise SwlVizError("needs two numbers, LO HI", param="range")
        lo, hi = self.range
        for end in (lo, hi):
            if math.isfinite(end) and abs(end) > MAX_LOGIT:
                raise SwlVizError(
                    f"ends must lie in [-{MAX_LOGIT:g}, {MAX_LOGIT:g}], got {end:g}", param="range"
                )
        grid_axis(lo, hi, self.step)  # range and step, and the point limit
        # the layer's own checks, shared with loss_grid, then the tighter bounds of a figure
        check_layer(
            self.t, self.logits, self.axes, self.label_smoothing, self.temperature, self.variant
        )
        if self.logits is not None and not all(abs(v) <= MAX_LOGIT for v in self.logits):
            raise SwlVizError(f"logits must lie in [-{MAX_LOGIT:g}, {MAX_LOGIT:g}]", param="logits")
        t_lo, t_hi = TEMPERATURE_RANGE
        if not t_lo <= self.temperature <= t_hi:
            raise SwlVizError(
                f"must be a number in [{t_lo:g}, {t_hi:g}], got {self.temperature:g}",
                param="temperature",
            )
        _check_choice(self.variant, ("exact", "book"), "variant")
        _check_choice(self.zscale, ("linear", "log"), "zscale")
        _check_choice(self.theme, ("light", "dark"), "theme")
        _check_choice(self.lang, ("en", "ja"), "lang")
        if self.compare and self.figure == "quiver":
            raise SwlVizError("works with surface and contour, not quiver", param="compare")
        if not 1 <= self.arrows <= MAX_ARROWS:
            raise SwlVizError(f"must lie in 1..{MAX_ARROWS}, got {self.arrows}", param="arrows")
        _check_range(self.elev, self.elev, "elev", -360.0, 360.0)
        if self.azim is not None:
            _check_range(self.azim, self.azim, "azim", -3600.0, 3600.0)
        if self.size is not None and len(self.size) != 2:
            raise SwlVizError("needs two numbers, W x H in pixels", param="size")
        if not 10 <= self.dpi <= MAX_DPI:
            raise SwlVizError(f"must lie in 10..{MAX_DPI}, got {self.dpi}", param="dpi")
        width, height = (round(side * self.dpi) for side in self.figsize)
        if max(width, height) > MAX_PIXELS_PER_SIDE:
            raise SwlVizError(
                f"--size x --dpi gives {width} x {height} pixels; at most {MAX_PIXELS_PER_SIDE} "
                "per side",
                param="dpi",
            )
        if self.title is not None and ("\n" in self.title or len(self.title) > 200):
            raise SwlVizError("must be one line of at most 200 characters", param="title")
        if self.title is not None and self.no_title:
            raise SwlVizError("give --title or --no-title, not both", param="no_title")
        if not 1 <= self.frames <= MAX_FRAMES:
            raise SwlVizError(f"must lie in 1..{MAX_FRAMES}, got {self.frames}", param="frames")
        if not (math.isfinite(self.fps) and 0.1 <= self.fps <= 100):
            raise SwlVizError(f"must lie in [0.1, 100], got {self.fps:g}", param="fps")

    @property
    def is_3d(self) -> bool:
        return self.figure in THREE_D

    def check_gif(self) -> None:
        """A turntable holds all its frames while it is encoded: refuse one too big for memory."""
        width, height = (round(side * self.dpi) for side in self.figsize)
        if self.frames * width * height > MAX_GIF_BYTES:
            raise SwlVizError(
                f"{self.frames} frames of {width} x {height} pixels are too much for a GIF; "
                "lower --frames, --dpi or --size",
                param="frames",
            )

    @property
    def pixels(self) -> tuple[int, int]:
        """The canvas in pixels: ``size``, or the default for the figure and preset (1920 x 1080
        for slides; otherwise 900 x 900 for 3-D, 900 x 800 for the contour, 1600 x 900 for the
        pair, and 1600 wide for ``compare``)."""
        if self.size is not None:
            return (int(self.size[0]), int(self.size[1]))
        if self.preset == "slides":
            return (1920, 1080)
        if self.figure == "pair":
            return (1600, 900)
        width = 1600 if self.compare else 900
        return (width, 900) if self.is_3d else (width, 800)

    @property
    def figsize(self) -> tuple[float, float]:
        """The canvas in inches at ``dpi``: pixels / dpi."""
        width, height = self.pixels
        return (width / self.dpi, height / self.dpi)

    def grid(self, variant: Variant | None = None, max_points: int | None = None) -> LossGrid:
        """Compute the loss grid this figure shows (``variant`` overrides, for --compare;
        ``max_points`` thins a dense grid to the points a figure can show)."""
        return loss_grid(
            self.range[0],
            self.range[1],
            self.step,
            self.t,
            logits=self.logits,
            axes=self.axes,
            label_smoothing=self.label_smoothing,
            temperature=self.temperature,
            variant=self.variant if variant is None else variant,
            max_points=max_points,
        )

    def changed(self) -> dict[str, Any]:
        """The options that differ from the defaults, in field order (figure and t excluded)."""
        defaults = Plot(figure=self.figure)
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("figure", "t"):
                continue
            value = getattr(self, f.name)
            if value != getattr(defaults, f.name):
                out[f.name] = value
        return out

    def stem(self, fmt: str = "png") -> str:
        """A deterministic file name stem: figure, label, then each non-default option that
        matters for this figure in format ``fmt``."""
        skip = _IGNORED[self.figure] | (frozenset() if fmt == "gif" else _GIF_ONLY)
        parts = [self.figure, "t" + "-".join(_number(v) for v in self.t)]
        for name, value in self.changed().items():
            if name not in skip:
                parts.append(_name_part(name, value))
        return "_".join(parts)

    def params(self) -> dict[str, Any]:
        """Every option as JSON-ready data, for the export manifest."""
        return {
            f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
            for f in fields(self)
        }


def _name_part(name: str, value: Any) -> str:
    key = name.replace("_", "-")
    if isinstance(value, bool):
        return key
    if isinstance(value, tuple):
        text = "-".join(_number(v) if isinstance(v, float) else str(v) for v in value)
    elif isinstance(value, float):
        text = _number(value)
    else:
        text = str(value)
    if name in ("theme", "variant", "zscale", "lang"):
        return text
    if not _SAFE.match(text) or len(text) > 40:
        text = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{key}{text}"
