"""Every figure option, declared once, as a field of :class:`Options`: name, type, default, help,
the figures that use it, bounds, and how the command line shows it.

:class:`~swl_viz.plotspec.Plot` is those fields plus the figure; :data:`OPTIONS` (their rows),
the deck schema and the options of the figure, export, check and data commands are all derived
from them (tests tie each of them to it). Adding an option is one field here, plus the drawing
code that uses it.

A row also knows how to read its value from the two places values come from: command-line text
(``"1,0"``) and TOML values (``[1, 0]``). Errors name the option (``label_smoothing``); the
command line turns that into ``--label-smoothing`` at its own boundary, a deck into
``figures[2].label_smoothing``. This module needs the standard library only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypeVar, get_args

from swl_viz.errors import SwlVizError

__all__ = [
    "FIGURE_DEFAULTS",
    "FIGURES",
    "FORMATS",
    "OPTIONS",
    "RACE_GAP",
    "RACE_STEPS",
    "THREE_D",
    "Option",
    "Options",
    "option",
    "figure_formats",
    "options_for",
    "read_option",
]

FigureKind = Literal["surface", "quiver", "contour", "pair", "slice", "losses", "simplex"]
#: Every figure swl-viz draws, in the order help texts list them.
FIGURES: tuple[str, ...] = get_args(FigureKind)
#: What a plain export draws: the three figures of the book's section.
CLASSIC: tuple[str, ...] = ("surface", "quiver", "contour")
#: The figures drawn on 3-D axes: they turn in a GIF and take a view.
THREE_D: tuple[str, ...] = ("surface", "quiver")
#: Every file format, in the order help texts list them.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "gif", "html")

Kind = Literal["float", "int", "bool", "choice", "floats", "ints", "point", "range", "size", "text"]
Panel = Literal["Grid", "Layer", "Teach", "Look", "Output"]
#: the same two as swl_viz.maths.Variant (a test ties them), without importing numpy
Variant = Literal["exact", "book"]
#: the same three as swl_viz.maths.Loss
LossKind = Literal["ce", "mse", "focal"]
Theme = Literal["light", "dark"]
ZScale = Literal["linear", "log"]
Lang = Literal["en", "ja"]
T = TypeVar("T")
#: the key of an option's row in its field's metadata
_ROW = "swl_viz.option"

ALL = frozenset(FIGURES)
#: The figures drawn from a grid over the logits; the slice is a line through it, and the
#: losses' comparison draws its own plane (step and descent only).
_GRID = ALL - {"slice", "losses"}
_PLANE = _GRID | {"losses"}
#: Every figure that draws one loss (the losses' comparison draws several).
_ONE_LOSS = ALL - {"losses"}
#: The figures of two varied logits, the others fixed; the simplex varies all three.
_TWO_LOGITS = ALL - {"simplex"}
_3D = frozenset(THREE_D)
#: The figures a .gif animates: 3-D turntables, the simplex's descent in both panels, and the
#: losses' descents side by side.
_GIF = _3D | {"simplex", "losses"}
#: The figures with a 3-D panel: they take a view.
_VIEW = frozenset({*THREE_D, "pair"})
#: The figures that draw arrows.
_ARROWS = frozenset({"quiver", "contour", "pair"})

#: Defaults that differ by figure: the simplex is for three classes, so its label is 1,0,0
#: when none is given (make_plot fills it in; its --help shows it).
FIGURE_DEFAULTS: dict[str, dict[str, Any]] = {"simplex": {"t": (1.0, 0.0, 0.0)}}
#: Without --descent the losses' comparison races one descent under each loss from this gap
#: x_t - x_o between the true class and the other, with --lr and --steps ...
RACE_GAP = -5.0
#: ... and this many steps unless given (make_plot fills it in; a given --descent keeps the
#: declared 50).
RACE_STEPS = 1000

#: Largest |logit| on a grid: a / T stays far from overflow.
MAX_LOGIT = 1e6


@dataclass(frozen=True)
class Option:
    """One figure option: a field of :class:`Options` (so of Plot), a command-line flag and a
    deck key. Declared with :func:`option`, which leaves the name to the field."""

    name: str
    kind: Kind
    default: Any
    help: str
    figures: frozenset[str] = ALL
    panel: Panel = "Look"
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    #: inclusive bounds of a number, or of every number in a list
    bounds: tuple[float, float] | None = None
    #: only a GIF turntable uses it
    gif_only: bool = False
    #: what the help says a default of None means ("per figure")
    shown: str | None = None

    @property
    def flag(self) -> str:
        """The command-line spelling: label_smoothing -> --label-smoothing."""
        return "--" + self.name.replace("_", "-")

    @property
    def shown_default(self) -> str:
        """The default as the help prints it."""
        value = self.default
        if value is None:
            return self.shown or "none"
        if isinstance(value, bool):
            return "on" if value else "off"
        if self.kind in ("floats", "ints"):
            return ",".join(_number(v) for v in value)
        if self.kind == "range":
            return " ".join(_number(v) for v in value)
        if isinstance(value, float):
            return _number(value)
        return str(value)

    @property
    def toml_type(self) -> str:
        """What a deck must give for this key."""
        return {
            "float": "a number",
            "int": "an integer",
            "bool": "true or false",
            "choice": "one of " + ", ".join(f'"{c}"' for c in self.choices),
            "floats": "a list of numbers",
            "ints": "a list of integers",
            "range": "a list of two numbers",
            "point": "a point, two numbers",
            "size": 'a size like "1920x1080" (pixels) or "9x9in"',
            "text": "a string",
        }[self.kind]

    def read(self, value: Any) -> Any:
        """The typed value of ``value`` (command-line text or a TOML value), or a SwlVizError
        naming this option."""
        out = _READERS[self.kind](self, value)
        self.check(out)
        return out

    def check(self, value: Any) -> None:
        """The row's own rule: a known choice, or numbers within the bounds."""
        if value is None:
            return
        if self.choices and value not in self.choices:
            raise SwlVizError(
                f"must be one of {', '.join(self.choices)}; got {value!r}", param=self.name
            )
        if self.bounds is not None:
            lo, hi = self.bounds
            for v in value if isinstance(value, tuple) else (value,):
                if not (math.isfinite(v) and lo <= v <= hi):
                    raise SwlVizError(
                        f"must lie in [{_number(lo)}, {_number(hi)}], got {_number(v)}",
                        param=self.name,
                    )


def _number(v: float) -> str:
    """Shortest text that reads back as the same float: 1.0 -> '1', 0.25 -> '0.25'."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _wrong(row: Option, value: Any) -> SwlVizError:
    return SwlVizError(f"must be {row.toml_type}, got {value!r}", param=row.name)


def _float(row: Option, value: Any) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _wrong(row, value) from None
    if not _is_number(value) or not math.isfinite(value):
        raise SwlVizError(f"must be a finite number, got {value!r}", param=row.name)
    return float(value)


def _int(row: Option, value: Any) -> int:
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            raise _wrong(row, value) from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(row, value)
    return value


#: A flag as text, the way a notebook caller might write it ("true", "off").
_BOOL_TEXT = {"true": True, "on": True, "yes": True, "false": False, "off": False, "no": False}


def _bool(row: Option, value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
        return _BOOL_TEXT[value.strip().lower()]
    if not isinstance(value, bool):
        raise _wrong(row, value)
    return value


def _choice(row: Option, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong(row, value)
    return value


def _text(row: Option, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong(row, value)
    return value


def _floats(row: Option, value: Any) -> tuple[float, ...]:
    """'1,0' or [1, 0] -> (1.0, 0.0)."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if not value.strip() or any(p == "" for p in parts):
            raise SwlVizError(
                f"expected comma-separated numbers like 1,0, got {value!r}", param=row.name
            )
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise SwlVizError(
                f"expected comma-separated numbers like 1,0, got {value!r}", param=row.name
            ) from None
        return tuple(_finite(row, v, value) for v in numbers)
    if isinstance(value, list | tuple) and value and all(_is_number(v) for v in value):
        return tuple(_finite(row, float(v), value) for v in value)
    raise _wrong(row, value)


def _finite(row: Option, v: float, given: Any) -> float:
    if not math.isfinite(v):
        raise SwlVizError(f"numbers must be finite, got {given!r}", param=row.name)
    return v


def _ints(row: Option, value: Any) -> tuple[int, ...]:
    """'0,2' or [0, 2] -> (0, 2)."""
    if isinstance(value, str):
        try:
            return tuple(int(p.strip()) for p in value.split(","))
        except ValueError:
            raise SwlVizError(
                f"expected comma-separated class numbers like 0,1, got {value!r}", param=row.name
            ) from None
    if isinstance(value, list | tuple) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(value)
    raise _wrong(row, value)


def _point(row: Option, value: Any) -> tuple[float, ...]:
    """'3,-2' or [3, -2] -> (3.0, -2.0); three logits '1,0,-1' for the simplex (Plot checks
    that the figure takes that many)."""
    numbers = _floats(row, value)
    if len(numbers) not in (2, 3):
        raise SwlVizError(
            f"needs two numbers X0,X1 (three, X0,X1,X2, for simplex), got {value!r}",
            param=row.name,
        )
    return numbers


def _range(row: Option, value: Any) -> tuple[float, float]:
    """'-10 10' (as the command line gives it), '-10,10', or [-10, 10] -> (-10.0, 10.0)."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise SwlVizError("needs two numbers, LO HI", param=row.name)
    lo, hi = (_float(row, v) for v in value)
    return lo, hi


_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*[x×]\s*(\d+(?:\.\d*)?)\s*(px|in)?\s*$", re.IGNORECASE)


def _size(row: Option, value: Any) -> tuple[float, float, str]:
    """'1920x1080' -> (1920, 1080, 'px'); '9x9in' -> (9, 9, 'in'). Plot turns inches into
    pixels with its dpi."""
    if isinstance(value, tuple) and len(value) == 3:
        return value  # already read
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return float(value[0]), float(value[1]), "px"  # (1920, 1080): pixels, as Plot keeps them
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise SwlVizError(
            f"expected WxH in pixels (1920x1080) or inches (9x9in), got {value!r}", param=row.name
        )
    return float(match[1]), float(match[2]), (match[3] or "px").lower()


_READERS: dict[str, Any] = {
    "float": _float,
    "int": _int,
    "bool": _bool,
    "choice": _choice,
    "floats": _floats,
    "ints": _ints,
    "range": _range,
    "point": _point,
    "size": _size,
    "text": _text,
}


def option(
    default: T,
    help: str,
    kind: Kind,
    *,
    figures: frozenset[str] = ALL,
    panel: Panel = "Look",
    metavar: str | None = None,
    choices: tuple[str, ...] = (),
    bounds: tuple[float, float] | None = None,
    gif_only: bool = False,
    shown: str | None = None,
) -> T:
    """Declare one option as a field of :class:`Options`: its default, and the row that the
    command line, decks and checks read (named after the field, see :data:`OPTIONS`)."""
    row = Option("", kind, default, help, figures, panel, metavar, choices, bounds, gif_only, shown)
    return field(default=default, metadata={_ROW: row})


@dataclass(frozen=True, kw_only=True)
class Options:
    """Every figure option, declared once: a field's name is the keyword, the deck key and
    (``_`` written ``-``) the flag; its type is what Plot holds; its :func:`option` says the
    rest. :class:`~swl_viz.plotspec.Plot` is these fields plus the figure. Order is the order
    of every command's help."""

    # fmt: off
    range: tuple[float, float] = option(
        (-20.0, 20.0), "Range of both logits.", "range", panel="Grid", metavar="LO HI",
        bounds=(-MAX_LOGIT, MAX_LOGIT))
    step: float = option(
        2.0, "Grid step.", "float", panel="Grid", metavar="S", figures=_GRID & _TWO_LOGITS)
    t: tuple[float, ...] = option(
        (1.0, 0.0), "Teacher label, like 1,0 or 0.9,0.1 (simplex: 1,0,0).", "floats", panel="Layer",
        metavar="T0,T1,...")
    logits: tuple[float, ...] | None = option(
        None, "Fixed logits, for K > 2.", "floats", panel="Layer", metavar="A0,A1,...",
        bounds=(-MAX_LOGIT, MAX_LOGIT), shown="zeros", figures=_TWO_LOGITS)
    axes: tuple[int, int] = option(
        (0, 1), "The two logits that vary along x and y.", "ints", panel="Layer", metavar="I,J",
        figures=_TWO_LOGITS)
    label_smoothing: float = option(
        0.0, "Target (1-EPS)·t + EPS/K.", "float", panel="Layer", metavar="EPS")
    temperature: float = option(
        1.0, "Softmax temperature: y = softmax(a/T).", "float", panel="Layer", metavar="T")
    variant: Variant = option(
        "exact", "exact, or the book's -Σ t log(y + 1e-7).", "choice", panel="Layer",
        metavar="exact|book", choices=get_args(Variant), figures=_ONE_LOSS)
    compare: bool = option(
        False, "Exact and book side by side.", "bool", panel="Layer",
        figures=frozenset({"surface", "contour"}))
    annotate: bool = option(
        True, "Mark y = ½, the minimum and the book's cap.", "bool", panel="Teach",
        figures=_GRID)
    probe: tuple[float, float] | None = option(
        None, "Mark a point: y, t, y - t and L there.", "point", panel="Teach", metavar="X0,X1",
        bounds=(-MAX_LOGIT, MAX_LOGIT), figures=_GRID)
    descent: tuple[float, float] | None = option(
        None, "Draw gradient descent from this point.", "point", panel="Teach",
        metavar="X0,X1", bounds=(-MAX_LOGIT, MAX_LOGIT), figures=_PLANE)
    lr: float = option(
        1.0, "Learning rate of --descent, or of the losses' race.", "float", panel="Teach",
        metavar="LR", figures=_PLANE)
    steps: int = option(
        50, f"Steps of --descent, or of the losses' race ({RACE_STEPS} unless given).", "int",
        panel="Teach", metavar="N", figures=_PLANE)
    zscale: ZScale = option(
        "linear", "Scale of the loss axis.", "choice", metavar="linear|log",
        choices=get_args(ZScale), figures=_GRID)
    normalize: bool = option(
        False, "Unit-direction arrows instead of length ~ |grad|.", "bool", figures=_ARROWS)
    arrows: int | None = option(
        None, "Arrows per axis, about.", "int", metavar="N", bounds=(1, 200), figures=_ARROWS,
        shown="per figure")
    arrow_scale: float = option(
        1.0, "Multiplies the arrows' length.", "float", metavar="F", bounds=(0.1, 10),
        figures=_ARROWS)
    elev: float = option(
        20.0, "3-D view elevation, degrees.", "float", metavar="DEG", bounds=(-360, 360),
        figures=_VIEW)
    #: None: the default view for this label, chosen by the figure from the gradient
    azim: float | None = option(
        None, "3-D view azimuth, degrees; by default the steep face faces you.", "float",
        metavar="DEG", bounds=(-3600, 3600), figures=_VIEW, shown="per label")
    theme: Theme = option(
        "light", "Colour theme.", "choice", metavar="light|dark", choices=get_args(Theme))
    #: the canvas in pixels, W x H; None: the default for the figure and preset (Plot.pixels)
    size: tuple[int, int] | None = option(
        None, "Canvas size: 1920x1080 in pixels, or 9x9in in inches.", "size", metavar="WxH",
        shown="per figure")
    dpi: int = option(
        100, "Dots per inch: a PDF's or SVG's inches, and the pixels of a --size in inches.",
        "int", metavar="N", bounds=(10, 1200))
    transparent: bool = option(
        False, "Transparent background (not for .gif or .html).", "bool")
    title: str | None = option(
        None, "Replace the title.", "text", metavar="TEXT", shown="per figure")
    no_title: bool = option(False, "Drop the title.", "bool")
    lang: Lang = option(
        "en", "Language of labels and titles.", "choice", metavar="en|ja",
        choices=get_args(Lang))
    frames: int = option(
        36, "Frames of a .gif: a turntable's views, or a descent's steps.", "int",
        panel="Output", metavar="N", bounds=(1, 720), figures=_GIF, gif_only=True)
    fps: float = option(
        12.0, "Frames per second of a .gif.", "float", panel="Output", metavar="F",
        bounds=(0.1, 100), figures=_GIF, gif_only=True)
    #: a str, not a Literal, so a caller may pass any text and have it checked
    preset: str = option(
        "default", "slides: a filled 1920x1080 frame, text for a room.", "choice",
        metavar="default|slides", choices=("default", "slides"))
    font_scale: float = option(
        1.0, "Multiplies every text size.", "float", metavar="F", bounds=(0.5, 1.25))
    #: (lo, hi) of the loss axis in nats, and so of the contour's colour scale; None: the data's
    zlim: tuple[float, float] | None = option(
        None, "The loss axis in nats; the contour's colours follow it.", "range",
        metavar="LO HI", bounds=(-MAX_LOGIT, 1e308), figures=_GRID)
    loss: LossKind = option(
        "ce", "The loss on y: ce (cross-entropy), mse (½Σ(y-t)²) or focal.", "choice",
        panel="Layer", metavar="ce|mse|focal", choices=get_args(LossKind),
        figures=_ONE_LOSS)
    gamma: float = option(
        2.0, "Focusing power γ of the focal loss: -Σ t (1-y)^γ log y.", "float", panel="Layer",
        metavar="G", bounds=(0, 5))
    with_focal: bool = option(
        False, "Add the focal loss to the comparison.", "bool", panel="Layer",
        figures=frozenset({"losses"}))
    # fmt: on


#: The rows of :class:`Options`, by name, in field order: what the command line, decks and
#: checks read.
OPTIONS: dict[str, Option] = {
    f.name: replace(f.metadata[_ROW], name=f.name) for f in fields(Options)
}

#: The options of the layer and its grid: what check and data take.
LAYER_OPTIONS: tuple[str, ...] = tuple(
    name for name, row in OPTIONS.items() if row.panel in ("Grid", "Layer") and row.kind != "bool"
)


def options_for(figure: str) -> tuple[str, ...]:
    """The options ``figure`` uses, in table order."""
    return tuple(name for name, row in OPTIONS.items() if figure in row.figures)


def figure_formats(figure: str) -> tuple[str, ...]:
    """The file formats ``figure`` can be written in: a GIF turntable needs 3-D axes (or, for
    the simplex, a descent to move; the losses' comparison moves its descents), and every
    figure has a web page: the three classic figures, the pair, the slice, the simplex and the
    losses' comparison."""
    special = {
        "gif": (*THREE_D, "simplex", "losses"),
        "html": (*CLASSIC, "pair", "slice", "simplex", "losses"),
    }
    return tuple(f for f in FORMATS if figure in special.get(f, (figure,)))


def read_option(name: str, value: Any) -> Any:
    """Read one option's value through its row; an unknown name is an error naming it."""
    row = OPTIONS.get(name)
    if row is None:
        raise SwlVizError(f"unknown option; known ones are {', '.join(OPTIONS)}", param=name)
    return row.read(value)


def read_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """Read every given option (None means not given, and is left out)."""
    return {name: read_option(name, v) for name, v in values.items() if v is not None}
