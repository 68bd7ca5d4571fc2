"""How swl-viz's figures look in matplotlib: themes as data, sizes from the canvas, fonts.

:func:`theme_context` applies a theme's rcParams, a Japanese font for ``lang="ja"`` and the
canvas's text sizes and line widths (:func:`canvas_rc`): text is a fixed fraction of the
canvas, whatever the dpi. The marks' colours and text styles live here too, beside the themes.

matplotlib's settings are one global table, so :data:`RC_LOCK` is held while they are changed:
by :func:`theme_context` (building a figure) and by :class:`SceneFigure` (drawing and saving
one). Figures can then be built and saved from several threads at once; each waits its turn
and comes out byte for byte as it does alone.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import matplotlib as mpl
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from swl_viz.palette import CAP as CAP  # the marks' colours, shared with the web page
from swl_viz.palette import DECISION as DECISION
from swl_viz.palette import HALO as HALO
from swl_viz.palette import LOSS_CURVE as LOSS_CURVE
from swl_viz.palette import MINIMUM as MINIMUM
from swl_viz.palette import PATH as PATH
from swl_viz.palette import PROBE as PROBE
from swl_viz.palette import SLOPE_CURVE as SLOPE_CURVE
from swl_viz.plotspec import Plot

#: The family that draws the mathematical italic letters of the typeset words: matplotlib ships
#: it, and falls back to it glyph by glyph from the text's own font.
MATH_FONT = "DejaVu Serif"

#: Text sizes and text spacing, in pixels per 1000 pixels of the canvas's shorter side: at
#: 1080 px a tick label is 29 px, an axis label 33 px and the title 46 px; at 900 px they are 24,
#: 28 and 39 px, which a full-height 900 px figure on a 1080 px slide shows at 29, 33 and 46.
TEXT_PX = {
    "font.size": 27.0,
    "xtick.labelsize": 27.0,
    "ytick.labelsize": 27.0,
    "legend.fontsize": 26.0,
    "axes.labelsize": 31.0,
    "axes.titlesize": 29.0,
    "figure.titlesize": 43.0,
    "xtick.major.pad": 6.0,
    "ytick.major.pad": 6.0,
    "axes.labelpad": 8.0,
    "axes.titlepad": 8.0,
}

#: The slides preset's text, relative to TEXT_PX: at 1080 px every text is then 32 px or more
#: (16 pt on a 13.33-inch slide) and the title 51 px.
SLIDES_TEXT = 1.1

#: Line widths and tick lengths, in the same unit: 3.2 px lines at 1080 px.
LINE_PX = {
    "lines.linewidth": 3.0,
    "axes.linewidth": 1.6,
    "patch.linewidth": 1.6,
    "grid.linewidth": 1.2,
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "xtick.major.size": 7.0,
    "ytick.major.size": 7.0,
    "lines.markersize": 10.0,
}

#: Held while swl-viz changes matplotlib's global rcParams and while it draws under them (reentrant:
#: a figure drawn inside theme_context takes it again).
RC_LOCK = threading.RLock()

#: The canvas theme_context assumes when it is given a theme name and no Plot.
DEFAULT_PIXELS = (900, 900)


def canvas_rc(pixels: tuple[int, int], dpi: float, font_scale: float = 1.0) -> dict[str, Any]:
    """rcParams for a ``pixels`` canvas at ``dpi``: sizes in points that come out as a fixed
    number of pixels per 1000 pixels of the shorter side, so the same pixel canvas looks the same
    at any dpi and text never shrinks as the canvas grows. ``font_scale`` multiplies text only."""
    unit = min(pixels) / 1000.0 * 72.0 / dpi  # points per "pixel per 1000 px"
    rc: dict[str, Any] = {k: v * unit * font_scale for k, v in TEXT_PX.items()}
    rc.update({k: v * unit for k, v in LINE_PX.items()})
    return rc


def _px(points: float, dpi: float) -> float:
    return points * dpi / 72.0


_BASE: dict[str, Any] = {
    "svg.hashsalt": "swl-viz",  # stable ids, so a re-export is byte-identical
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.grid": False,
    "axes3d.grid": True,
    # stated outright: importing matplotlib-fontja switches the global family to IPAexGothic.
    # DejaVu Serif after it draws the italic variables (𝐿, 𝑥₀) the words are typeset in.
    "font.family": ["DejaVu Sans", MATH_FONT],
    "font.sans-serif": list(mpl.rcParamsDefault["font.sans-serif"]),
}

#: Colours. ``swl.wire`` and ``swl.wire_faint`` (the surface under arrows) reach 3:1 against the
#: background; ``swl.arrow`` is drawn with a ``swl.halo`` outline, so every arrow has an edge of
#: 3:1 or more against the background and every colour of the contour beneath it.
THEMES: dict[str, dict[str, Any]] = {
    "light": {
        **_BASE,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "text.color": "#1a1a1a",
        "axes.labelcolor": "#1a1a1a",
        "axes.edgecolor": "#333333",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "grid.color": "#b0b0b0",
        "legend.facecolor": "white",
        "legend.edgecolor": "#cccccc",
        "axes3d.xaxis.panecolor": (0.95, 0.95, 0.95, 0.5),
        "axes3d.yaxis.panecolor": (0.90, 0.90, 0.90, 0.5),
        "axes3d.zaxis.panecolor": (0.925, 0.925, 0.925, 0.5),
        "swl.wire": "#1f77b4",
        "swl.wire_faint": "#7890b0",
        "swl.arrow": "#111111",
        "swl.halo": "#ffffff",
        "swl.cmap": "viridis",
    },
    "dark": {
        **_BASE,
        "figure.facecolor": "#16181d",
        "axes.facecolor": "#16181d",
        "savefig.facecolor": "#16181d",
        "text.color": "#e8e8e8",
        "axes.labelcolor": "#e8e8e8",
        "axes.edgecolor": "#9aa0a6",
        "xtick.color": "#c8c8c8",
        "ytick.color": "#c8c8c8",
        "grid.color": "#4a4f58",
        "legend.facecolor": "#23262d",
        "legend.edgecolor": "#5a5f68",
        "axes3d.xaxis.panecolor": (1.0, 1.0, 1.0, 0.05),
        "axes3d.yaxis.panecolor": (1.0, 1.0, 1.0, 0.08),
        "axes3d.zaxis.panecolor": (1.0, 1.0, 1.0, 0.065),
        "swl.wire": "#4fc3f7",
        "swl.wire_faint": "#4f6f8c",
        "swl.arrow": "#ffb74d",
        "swl.halo": "#000000",
        "swl.cmap": "viridis",
    },
}


def _rc(theme: str) -> dict[str, Any]:
    return {k: v for k, v in THEMES[theme].items() if not k.startswith("swl.")}


def _color(theme: str, role: str) -> Any:
    return THEMES[theme][f"swl.{role}"]


@contextlib.contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Silence matplotlib's per-glyph complaints while drawing (the "Glyph ... missing" warnings
    of text, the "does not have a glyph" log lines of mathtext); the command line says it once,
    from :func:`missing_glyphs`."""
    import logging

    log = logging.getLogger("matplotlib.mathtext")
    level = log.level
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph .* missing from font", category=UserWarning
        )
        log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            log.setLevel(level)


@contextlib.contextmanager
def theme_context(theme: str | Plot, lang: str = "en") -> Iterator[None]:
    """Apply a theme's rcParams, a Japanese font for ``lang="ja"`` and the canvas's text sizes
    and line widths inside the block. Given a :class:`Plot`, everything follows it (theme, lang,
    pixels, dpi, font_scale); given a theme name, the sizes are those of a 900 x 900 px canvas
    at 100 dpi.

    Holds :data:`RC_LOCK` for the whole block: another thread's swl-viz figure waits, so
    neither sees the other's settings."""
    if isinstance(theme, Plot):
        rc: Any = plot_rc(theme)
    else:
        rc = {**_rc(theme), **font_rc(lang), **canvas_rc(DEFAULT_PIXELS, 100.0)}
    with RC_LOCK, mpl.rc_context(rc), quiet_glyphs():
        yield


def plot_rc(plot: Plot) -> dict[str, Any]:
    """Every rcParam a figure of ``plot`` is drawn with: its theme, its fonts and its sizes."""
    scale = plot.font_scale * (SLIDES_TEXT if plot.preset == "slides" else 1.0)
    sizes = canvas_rc(plot.pixels, plot.dpi, scale)
    return {**_rc(plot.theme), **font_rc(plot.lang), **sizes}


class SceneFigure(Figure):
    """A Figure that draws under the rcParams it was built with, wherever it is drawn: saved
    later from a notebook, shown inline, or written by another thread's code, its Japanese
    words keep their font and its sizes their pixels.

    Jupyter shows it as a PNG by itself (:meth:`_repr_png_`): no pyplot and no
    ``%matplotlib inline`` needed. Drawing and saving hold :data:`RC_LOCK`."""

    def __init__(self, rc: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.swl_rc = rc
        # one Agg canvas from the start: the layout pass, the label measurements and the saved
        # PNG then share its renderer, and with it matplotlib's cache of text sizes
        FigureCanvasAgg(self)

    @contextlib.contextmanager
    def _own_rc(self) -> Iterator[None]:
        rc: Any = self.swl_rc
        with RC_LOCK, mpl.rc_context(rc), quiet_glyphs():
            yield

    def draw(self, renderer: Any) -> None:
        with self._own_rc():
            super().draw(renderer)

    def savefig(self, fname: Any, **kwargs: Any) -> None:
        """Figure.savefig, under this figure's rcParams from start to end: the savefig.*
        settings (facecolor, dpi) are read before the draw, and another thread's figure may be
        changing the global ones."""
        with self._own_rc():
            super().savefig(fname, **kwargs)

    def _repr_png_(self) -> bytes:
        """The figure as Jupyter shows it: a PNG at its own pixel size, as ``savefig`` writes
        it."""
        out = io.BytesIO()
        self.savefig(out, format="png")
        return out.getvalue()


def _linewidth(factor: float = 1.0) -> float:
    """A line width in points: rcParams' lines.linewidth (set from the canvas) times factor."""
    return float(mpl.rcParams["lines.linewidth"]) * factor


# ---- the marks: colours with a halo, on every band of viridis and on both themes ----------


def _lw(factor: float = 1.0) -> float:
    return factor * float(mpl.rcParams["lines.linewidth"])


def _halo(factor: float = 1.0) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=_lw(factor) + _lw(1.2), foreground=HALO)]


def _box() -> dict[str, Any]:
    return {
        "boxstyle": "round,pad=0.35",
        "facecolor": mpl.rcParams["axes.facecolor"],
        "edgecolor": mpl.rcParams["axes.edgecolor"],
        "alpha": 0.88,
        "linewidth": _lw(0.4),
    }


#: Matplotlib's spacing of a text's lines, in font sizes.
LINE_SPACING = 1.2

#: What a line may not break inside: a $...$ formula (dollars escaped as \$ are text), an
#: escaped character, or else one character.
_UNIT = re.compile(r"(?<!\\)\$(?:\\.|[^$\\])*\$|\\.|.", re.DOTALL)


def _units(word: str) -> list[str]:
    return _UNIT.findall(word)


def wrap_words(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` broken into lines that each ``fits``, between words; a word that fits on no line
    alone (a run of Japanese, which has no spaces) breaks between its characters. Never inside
    a $...$ formula or an escape such as \\$."""
    words: list[str] = []
    for unit in _units(text):  # words and the spaces between them, formulas kept whole
        gap = unit.isspace()
        if words and words[-1].isspace() == gap:
            words[-1] += unit
        else:
            words.append(unit)
    pieces: list[str] = []
    for word in words:
        if word.isspace() or fits(word):
            pieces.append(word)
        else:
            pieces.extend(_units(word))
    lines = [""]
    for piece in pieces:
        trial = lines[-1] + piece
        if lines[-1].strip() and not piece.isspace() and not fits(trial.strip()):
            lines.append(piece)
        else:
            lines[-1] = trial
    return "\n".join(line.strip() for line in lines)


#: The smallest a long heading is set, as a share of its size; longer, it wraps.
SHRINK_FLOOR = 0.6
#: The share of its room a heading is first fitted to by its outlines' width, which falls
#: 2-5 % short of what Agg draws at small sizes (:func:`fit_drawn` then measures the drawing).
OUTLINE_ROOM = 0.95


def shrink_or_wrap(
    text: str, size: float, room: float, width: Callable[[str, float], float]
) -> tuple[str, float]:
    """``text`` and its size in points, made to fit ``room`` pixels as ``width`` (pixels of a
    string at a size) measures it: shrunk to no less than :data:`SHRINK_FLOOR` of ``size``,
    then wrapped (:func:`wrap_words`)."""
    room *= OUTLINE_ROOM
    wide = width(text, size)
    if wide > room:
        size *= max(SHRINK_FLOOR, room / wide)
        if room / wide < SHRINK_FLOOR:
            text = wrap_words(text, lambda s: width(s, size) <= room)
    return text, size


def fit_drawn(text: Text, room: float) -> float:
    """Shrink ``text`` until it draws at most ``room`` pixels wide, measured as Agg draws it
    (the outlines' width falls 2-5 % short at small sizes, where hinting also rounds each
    glyph's advance, so a slightly smaller size may draw no narrower); returns its size."""
    size = float(text.get_fontsize())
    figure = text.get_figure(root=True)
    assert figure is not None, "a text on a figure"
    get = getattr(figure.canvas, "get_renderer", None)  # a caller's figure may have none yet
    pixels = (figure.bbox.width, figure.bbox.height, figure.dpi)
    renderer = get() if get is not None else RendererAgg(*pixels)  # type: ignore[no-untyped-call]
    for _ in range(6):
        drawn = text.get_window_extent(renderer).width
        if drawn <= room:
            break
        size *= min(0.97, room / drawn)
        text.set_fontsize(size)
    return size


def words_family(text: str) -> list[str] | None:
    """The font families for a text drawn outside a panel (a title, a heading): a Japanese font
    first when ``text`` has Japanese words and one is installed, then DejaVu Sans, then the
    math font (Japanese fonts have no mathematical italic 𝐿, 𝑡, 𝑦: they drew as empty boxes);
    None (the rcParams' families) otherwise."""
    font = japanese_font() if needs_cjk(text) else None
    return None if font is None else [font, "DejaVu Sans", MATH_FONT]


def _font(lang: str) -> dict[str, Any]:
    """A Japanese family first for ``lang="ja"``, whatever the surrounding rcParams say."""
    font = japanese_font() if lang == "ja" else None
    return {} if font is None else {"fontfamily": [font, "DejaVu Sans", MATH_FONT]}


def _text_style(lang: str, size: str = "medium") -> dict[str, Any]:
    return {"fontsize": size, "color": mpl.rcParams["text.color"], "bbox": _box(), **_font(lang)}


def _legend(lang: str) -> dict[str, Any]:
    font = japanese_font() if lang == "ja" else None
    family = {} if font is None else {"family": [font, "DejaVu Sans", MATH_FONT]}
    return {"size": "medium", **family}


# ---- fonts that can draw the words ------------------------------------------------------

#: Font families that draw Japanese, in the order swl-viz tries them.
JA_FONTS = (
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "TakaoGothic",
    "VL Gothic",
    "Source Han Sans JP",
    "Droid Sans Fallback",
)


@functools.cache
def japanese_font() -> str | None:
    """The first installed font family that has Japanese glyphs, or None."""
    try:
        import matplotlib_fontja  # noqa: F401
    except ImportError:
        pass
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in JA_FONTS:
        if name in installed:
            return name
    return None


def font_rc(lang: str) -> dict[str, Any]:
    """rcParams that put a Japanese font first for ``lang="ja"`` (nothing otherwise). Plain words
    in a mathtext string ("損失 $L$") are drawn in the text's own font, so they follow it."""
    font = japanese_font() if lang == "ja" else None
    if font is None:
        return {}
    return {
        "font.family": [font, "DejaVu Sans", MATH_FONT],
        "font.sans-serif": [font, "DejaVu Sans", MATH_FONT],
    }


_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def _plain(text: str) -> str:
    """The characters of ``text`` a text font draws: mathtext ($...$) and spaces left out."""
    return "".join(c for c in _MATH.sub("", text).replace(r"\$", "$") if not c.isspace())


@functools.cache
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    return frozenset(FT2Font(path).get_charmap())


def _drawable(char: str, families: tuple[str, ...]) -> bool:
    return any(ord(char) in _charmap(f) for f in families)


def needs_cjk(text: str) -> bool:
    """True when the default text font (DejaVu Sans) lacks a character of ``text``, so the title
    should fall back to the Japanese font."""
    return any(not _drawable(c, ("DejaVu Sans", MATH_FONT)) for c in _plain(text))


def missing_glyphs(text: str) -> bool:
    """True when some character of ``text`` (outside $mathtext$) has no glyph in DejaVu Sans nor
    in an installed Japanese font: the figure would draw it as an empty box. The command line
    prints one warning for it; drawing itself stays quiet."""
    plain = _plain(text)
    if not plain:
        return False
    font = japanese_font()
    families = ("DejaVu Sans", MATH_FONT) if font is None else ("DejaVu Sans", MATH_FONT, font)
    return any(not _drawable(c, families) for c in plain)
