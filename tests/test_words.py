"""The one table of words: both languages say the same things, and every formula has a Unicode
form for media without TeX."""

from __future__ import annotations

import io
import re

import pytest

from swl_viz.words import DESCENT, DESCENT_T, LOSS, LOSS_BOOK, WORDS, plain, typeset


def test_both_languages_have_every_word() -> None:
    assert set(WORDS["en"]) == set(WORDS["ja"])
    for key, text in WORDS["en"].items():  # the same blanks to fill in
        assert re.findall(r"{(\w*)}", text) == re.findall(r"{(\w*)}", WORDS["ja"][key]), key


@pytest.mark.parametrize(
    ("tex", "unicode"),
    [
        (LOSS, "L = −Σₖ tₖ log yₖ"),
        (LOSS_BOOK, "L = −Σₖ tₖ log(yₖ + 10⁻⁷)"),
        (DESCENT, "−∇L = t − y"),
        (DESCENT_T, "−∇L = (t − y) / T"),
        ("$x_0$ and $x_{12}$", "x₀ and x₁₂"),
        (r"$4.25\times 10^{-18}$", "4.25×10⁻¹⁸"),
        (r"costs \$5", "costs $5"),
        ("no maths here", "no maths here"),
    ],
)
def test_plain_writes_the_formulas_in_unicode(tex: str, unicode: str) -> None:
    assert plain(tex) == unicode


def test_no_word_keeps_tex_after_plain() -> None:
    for words in WORDS.values():
        for key, text in words.items():
            out = plain(text)
            assert "$" not in out and "\\" not in out, (key, out)


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        (LOSS, "𝐿 = −Σₖ 𝑡ₖ log 𝑦ₖ"),  # log stays upright, as TeX sets it
        (r"$y = \mathrm{softmax}(x\,/\,T)$", "𝑦 = softmax(𝑥 / 𝑇)"),
        (r"$L = \mathrm{softplus}(d) = \log(1 + e^d)$", "𝐿 = softplus(𝑑) = log(1 + 𝑒ᵈ)"),
        ("$H(t')$ and $h$", "𝐻(𝑡′) and ℎ"),
        ("plain words stay", "plain words stay"),
    ],
)
def test_typeset_sets_variables_in_italic(tex: str, shown: str) -> None:
    assert typeset(tex) == shown


def test_figures_parse_no_mathtext() -> None:
    """Every word is typeset before drawing: no figure pays matplotlib's mathtext parser (its
    grammar alone costs about half a second in each process that draws)."""
    from unittest import mock

    from matplotlib.mathtext import MathTextParser

    import swl_viz

    options: list[dict[str, object]] = [
        {"figure": "surface", "variant": "book", "probe": (2.0, -3.0)},
        {"figure": "contour", "t": (0.7, 0.3), "temperature": 2.0, "descent": (-6.0, 4.0)},
        {"figure": "pair", "zscale": "log", "label_smoothing": 0.2},
        {"figure": "slice", "t": (0.7, 0.3)},
        {"figure": "quiver", "preset": "slides", "lang": "ja"},
    ]
    with mock.patch.object(MathTextParser, "parse", side_effect=AssertionError("mathtext")):
        for o in options:
            o = dict(o)
            swl_viz.plot(str(o.pop("figure")), **o).savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize(
    ("figure", "options"),
    [
        ("surface", {}),
        ("quiver", {"t": (0.0, 1.0)}),
        ("pair", {"azim": 300.0}),
        ("surface", {"azim": 30.0, "elev": 60.0}),
        ("pair", {"preset": "slides", "zscale": "log"}),
    ],
)
def test_vertical_words_read_bottom_to_top(figure: str, options: dict[str, object]) -> None:
    """The z label (which mplot3d turns along its axis at each draw) and the colour bar's label
    read the same way: upward, as the loss axis of every 2-D plot does."""
    import math

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.plotspec import Plot

    plot = Plot(figure, **options)  # type: ignore[arg-type]
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
    steep = [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text() and abs(math.sin(math.radians(t.get_rotation()))) > 0.7
    ]
    assert steep, "no vertical words to check"
    for text in steep:
        # the direction of reading, (cos a, sin a), points up
        assert math.sin(math.radians(text.get_rotation())) > 0, (
            text.get_text(),
            text.get_rotation(),
        )
