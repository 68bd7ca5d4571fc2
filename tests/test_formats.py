"""A PDF shows what the PNG shows: the same labels, in the same places.

A teacher's Beamer deck takes PDFs. The labels that keep themselves on the canvas measure the
canvas in the renderer's own units, which a PDF gives in inches; here every labelled text is
recorded where each renderer was asked to draw it, and the two places must agree, in points.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import RendererPdf
from matplotlib.text import Text

from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot

#: How far apart the same text may be drawn in the two formats, in points (rounding to whole
#: pixels on Agg; a label moved off its place differs by far more).
TOLERANCE_PT = 4.0

#: x, y (points from the bottom left) and the font size of one drawn string
Spot = tuple[float, float, float]

PLOTS = [
    Plot("contour", t=(0.7, 0.3), probe=(2.0, -3.0), descent=(-6.0, 4.0)),
    Plot("contour", probe=(19.0, -19.0)),  # the probe's words near the right edge
    Plot("slice", t=(0.7, 0.3)),
    Plot("pair", label_smoothing=0.2, probe=(6.0, -1.0)),
    Plot("quiver", variant="book", probe=(-8.0, 6.0)),
]


def _drawn_texts(
    plot: Plot, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, list[Spot]], dict[str, list[Spot]], set[str]]:
    """Where each string was drawn in the PNG and in the PDF, in points from the bottom left,
    with its size, as each renderer was asked to draw it; and the labelled texts."""
    drawn: dict[str, dict[str, list[Spot]]] = {"png": {}, "pdf": {}}
    scale = {"png": 72.0 / plot.dpi, "pdf": 1.0}

    def recorder(fmt: str, real: Any) -> Any:
        def draw_text(self: Any, gc: Any, x: float, y: float, s: str, *args: Any, **kw: Any) -> Any:
            if fmt == "png":  # Agg is asked from the top left, in pixels
                y = plot.pixels[1] - y
            size = args[0].get_size_in_points() if args else 10.0
            drawn[fmt].setdefault(s, []).append((x * scale[fmt], y * scale[fmt], size))
            return real(self, gc, x, y, s, *args, **kw)

        return draw_text

    monkeypatch.setattr(RendererAgg, "draw_text", recorder("png", RendererAgg.draw_text))
    monkeypatch.setattr(RendererPdf, "draw_text", recorder("pdf", RendererPdf.draw_text))
    with theme_context(plot):
        fig = build_figure(plot)
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="pdf")
    labelled = {
        t.get_text()
        for ax in fig.axes
        for t in ax.findobj(Text)
        if t.get_gid() and t.get_text() and "$" not in t.get_text()
    }
    return drawn["png"], drawn["pdf"], labelled


@pytest.mark.parametrize("plot", PLOTS, ids=lambda p: p.stem())
def test_the_pdf_draws_every_label_where_the_png_does(
    plot: Plot, monkeypatch: pytest.MonkeyPatch
) -> None:
    png, pdf, labelled = _drawn_texts(plot, monkeypatch)
    lines = {line for text in labelled for line in text.split("\n")}
    assert lines & set(png), "the figure draws labelled texts"
    assert {line for line in lines if line in png} == {line for line in lines if line in pdf}
    for text in labelled:
        longest = max(len(line) for line in text.split("\n"))
        for line in set(text.split("\n")) & set(png):
            for (x, y, size), (u, v, _) in zip(sorted(png[line]), sorted(pdf[line]), strict=True):
                # the two formats' glyphs differ in width by a few per cent: in a block aligned
                # right or centred, a line starts that much of the longest line apart
                slack = TOLERANCE_PT + 0.05 * 0.6 * size * longest
                assert abs(x - u) <= slack and abs(y - v) <= TOLERANCE_PT, (line, x, y, u, v)


@pytest.mark.parametrize("figure", ["contour", "surface", "slice"])
def test_a_japanese_figure_saved_later_keeps_its_glyphs(
    figure: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A notebook saves the figure long after swl_viz.plot returned, under its own rcParams:
    the words must still find the Japanese font (a missing glyph warns, and warnings fail)."""
    import logging

    import swl_viz
    from swl_viz.mpl.theme import japanese_font

    if japanese_font() is None:
        pytest.skip("no Japanese font installed; the test extra installs matplotlib-fontja")
    fig = swl_viz.plot(figure, lang="ja", preset="slides")
    with caplog.at_level(logging.WARNING, logger="matplotlib.mathtext"):
        for fmt in ("png", "pdf", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)
    assert not [r for r in caplog.records if "glyph" in r.getMessage()]
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any(any(ord(c) > 0x3000 for c in text) for text in texts)  # it is in Japanese
