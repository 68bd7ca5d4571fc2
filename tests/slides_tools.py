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


def drawn_shapes(fig: Figure) -> list[tuple[Text, NDArray[np.float64]]]:
    """Every text a full draw of ``fig`` draws, with the convex polygon it covers there (its
    turned box for a turned text with a box), in pixels: what a reader sees."""
    shapes: list[tuple[Text, NDArray[np.float64]]] = []
    original = Text.draw

    def draw(self: Artist, renderer: RendererBase) -> None:
        original(self, renderer)
        if not (isinstance(self, Text) and self.get_visible() and self.get_text()):
            return
        box = Text.get_window_extent(self, renderer)  # the words, not an annotation's arrow
        corners = np.array([(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)])
        patch = self.get_bbox_patch()
        angle = self.get_rotation()
        if patch is not None and angle % 90.0 != 0.0:
            points = patch.get_transform().transform(patch.get_path().vertices)
            u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
            v = np.array([-u[1], u[0]])
            a, c = points @ u, points @ v
            corners = np.array([u * a.min() + v * c.min(), u * a.max() + v * c.min(),
                                u * a.max() + v * c.max(), u * a.min() + v * c.max()])  # fmt: skip
        shapes.append((self, corners))

    Text.draw = draw  # type: ignore[method-assign]
    try:
        fig.canvas.draw()
    finally:
        Text.draw = original  # type: ignore[method-assign]
    return shapes


def polygons_overlap(a: NDArray[np.float64], b: NDArray[np.float64], slack: float = 1.0) -> bool:
    """Whether two convex polygons overlap by more than ``slack`` pixels (separating axes)."""
    for poly in (a, b):
        for ex, ey in np.roll(poly, -1, axis=0) - poly:
            length = float(np.hypot(ex, ey))
            if length == 0.0:
                continue
            n = np.array([-ey, ex]) / length
            pa, pb = a @ n, b @ n
            if pa.max() <= pb.min() + slack or pb.max() <= pa.min() + slack:
                return False
    return True


def strings(value: object) -> Iterator[str]:
    """Every string in a nested structure of dicts, lists and tuples (a plotly figure)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


_ITALIC = {chr(0x1D434 + i): chr(ord("A") + i) for i in range(26)}
_ITALIC |= {chr(0x1D44E + i): chr(ord("a") + i) for i in range(26)}
_ITALIC |= {"ℎ": "h", "′": "'"}
_READ = str.maketrans(_ITALIC)


def read(text: str) -> str:
    """A figure's text as a test spells it: formulas in Unicode (mathtext or typeset alike),
    variables in ASCII: "𝑦 = ½" and "$y$ = ½" both read "y = ½"."""
    from swl_viz.words import plain

    return plain(text).translate(_READ)


def largest_empty_rectangle(
    rgb: NDArray[np.uint8], background: Sequence[int], cell: int = 10
) -> float:
    """The largest axis-aligned rectangle of ``cell`` x ``cell`` blocks that are background
    throughout, as a share of the image: the room a figure leaves unused."""
    h, w = rgb.shape[0] // cell, rgb.shape[1] // cell
    blank = np.all(rgb[: h * cell, : w * cell, :3] == np.asarray(background[:3]), axis=2)
    empty = blank.reshape(h, cell, w, cell).all(axis=(1, 3))
    heights = np.zeros(w, dtype=int)
    best = 0
    for row in empty:  # the largest rectangle under a histogram, row by row
        heights = np.where(row, heights + 1, 0)
        stack: list[int] = []
        for i in range(w + 1):
            current = heights[i] if i < w else 0
            while stack and heights[stack[-1]] >= current:
                top = stack.pop()
                width = i if not stack else i - stack[-1] - 1
                best = max(best, int(heights[top]) * width)
            stack.append(i)
    return best / float(h * w)


def layout_problems(fig: Figure) -> list[str]:
    """What keeps a drawn figure from holding together: every text that leaves the canvas, and
    every two texts that overlap, measured as the polygons they cover where they draw."""
    import itertools

    shapes = drawn_shapes(fig)
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for text, poly in shapes:
        beyond = max(-poly[:, 0].min(), -poly[:, 1].min(), poly[:, 0].max() - width,
                     poly[:, 1].max() - height)  # fmt: skip
        if beyond > 0.5:
            out.append(f"{text.get_text()!r} leaves the canvas by {beyond:.0f} px")
    for (a, pa), (b, pb) in itertools.combinations(shapes, 2):
        if polygons_overlap(pa, pb):
            out.append(f"{a.get_text()!r} overlaps {b.get_text()!r}")
    return out
