"""A title of any length stays on the canvas: a long one shrinks (to 0.6 of its size) and then
wraps, between words or, in Japanese, between characters, never inside $...$; the plots move
down to make room. Measured as drawn: no text leaves the canvas and no two overlap."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from slides_tools import layout_problems

from swl_viz.mpl import build_figure, theme_context
from swl_viz.mpl.theme import japanese_font, wrap_words
from swl_viz.plotspec import FigureKind, Plot, make_plot

LONG = (  # near the longest a title may be (200 characters)
    "A very long title that a teacher might write for a slide about softmax with loss in "
    "chapter five, with $\\nabla L = t - y$ and more words about the three classes and why "
    "softmax goes with it"
)
LONG_JA = "ソフトマックスと交差エントロピー誤差の勾配が教師ラベルとの差になる理由を" * 4
SIZES: dict[str, dict[str, Any]] = {"default": {}, "720p": {"size": (1280, 720)}}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("figure", ["contour", "pair", "slice", "losses", "simplex"])
def test_a_long_title_wraps_inside_the_canvas(figure: FigureKind, size: str) -> None:
    plot = make_plot(figure, {"title": LONG, **SIZES[size]})
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        assert layout_problems(fig) == []
    (title,) = {t.get_text() for t in fig.findobj(Text) if "teacher" in t.get_text()}
    assert title.count("\n") >= 1
    assert "$\\nabla L = t - y$" in title.replace("\n", " ")  # mathtext kept whole


@pytest.mark.skipif(japanese_font() is None, reason="no Japanese font installed")
def test_a_long_japanese_title_wraps_between_characters() -> None:
    plot = Plot("contour", title=LONG_JA, lang="ja")
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        assert layout_problems(fig) == []
    assert fig.get_suptitle().count("\n") >= 1
    assert fig.get_suptitle().replace("\n", "") == LONG_JA


def test_wrap_words_breaks_between_words_and_keeps_math_whole() -> None:
    def fits(s: str) -> bool:
        return len(s) <= 12

    assert wrap_words("one two three four", fits) == "one two\nthree four"
    assert wrap_words("a $x + y = z$ b", lambda s: len(s) <= 4) == "a\n$x + y = z$\nb"
    assert wrap_words("abcdefghij", lambda s: len(s) <= 4) == "abcd\nefgh\nij"
    # between words only: "(" stays with its formula, an escaped dollar is text and whole
    ten = lambda s: len(s) <= 10  # noqa: E731
    assert wrap_words("the loss ($L$) of softmax", ten) == "the loss\n($L$) of\nsoftmax"
    assert wrap_words("Price \\$5 loss $L$ here", ten) == "Price \\$5\nloss $L$\nhere"
    assert wrap_words("a  b", ten) == "a  b"  # its own spacing kept within a line


@pytest.mark.parametrize(
    "title",
    [
        "Each step costs \\$5 and moves the loss $L$ down toward zero as the softmax output "
        "nears the label",
        "Costs $5 per step",  # one dollar: plain text, as matplotlib reads it
        "Softmax with loss: the forward pass and its backward gradient",
    ],
)
@pytest.mark.parametrize("size", [(300, 300), (400, 400)])
def test_titles_with_dollars_draw_inside_small_canvases(title: str, size: tuple[int, int]) -> None:
    """A title was fitted to the width its outlines measure, 2-5 % short of what Agg draws at
    small sizes (300 px cut its last letter); and an escaped dollar before a formula crashed
    the wrapping."""
    plot = make_plot("contour", {"title": title, "size": size})
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        assert layout_problems(fig) == []
