"""Measuring tools for the figure tests: what is drawn, where, how big, and with what contrast."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from matplotlib.typing import ColorType
from numpy.typing import NDArray

#: Where each text was drawn, measured while it draws: a 3-D label is at its projected place
#: only then (afterwards its position is data coordinates again).
_DRAWN_AT: dict[int, Bbox] = {}


@contextmanager
def spy_texts() -> Iterator[list[Text]]:
    """Collect every Text artist that draws (visible, non-empty) while the block runs."""
    seen: list[Text] = []
    original = Text.draw
    _DRAWN_AT.clear()

    def draw(self: Artist, renderer: RendererBase) -> None:  # installed on Text: self is one
        if isinstance(self, Text) and self.get_visible() and self.get_text():
            seen.append(self)
            _DRAWN_AT[id(self)] = self.get_window_extent(renderer)
        original(self, renderer)

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Text.draw = original  # type: ignore[method-assign]


def drawn_texts(fig: Figure) -> list[Text]:
    """The Text artists a full draw of ``fig`` draws (3-D tick and axis labels included)."""
    with spy_texts() as seen:
        fig.draw_without_rendering()
    return list(seen)


def outside(fig: Figure, texts: Sequence[Text]) -> list[tuple[str, float]]:
    """Texts whose window extent leaves the canvas, with how far (pixels)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = fig.canvas.get_width_height()
    out = []
    for t in texts:
        bb = _DRAWN_AT.get(id(t)) or t.get_window_extent(renderer)
        over = max(-bb.x0, -bb.y0, bb.x1 - width, bb.y1 - height)
        if over > 0.5:
            out.append((t.get_text(), float(over)))
    return out


def luminance(color: ColorType) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    rgb = np.asarray(to_rgb(color))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(a: ColorType, b: ColorType) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(color: ColorType, alpha: float, background: ColorType) -> tuple[float, float, float]:
    """``color`` at ``alpha`` composited on ``background``, as Agg does it (in sRGB)."""
    c, b = np.asarray(to_rgb(color)), np.asarray(to_rgb(background))
    r, g, bl = alpha * c + (1 - alpha) * b
    return (float(r), float(g), float(bl))


def empty_columns(rgb: NDArray[np.uint8], background: Sequence[int]) -> float:
    """Share of the image's columns that hold no pixel differing from the background."""
    ink = np.abs(rgb[..., :3].astype(int) - np.asarray(background[:3])).sum(axis=2) > 30
    return float(1.0 - ink.any(axis=0).mean())
