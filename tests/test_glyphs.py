"""Every character a Japanese figure draws has a glyph in the fonts its text asks for: a
Japanese font has no mathematical italic (𝐿, 𝑡, 𝑦), and a title whose families stopped at the
Japanese font drew those letters as empty boxes, silently (drawing keeps glyph warnings quiet)."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from swl_viz.mpl import build_figure, theme_context
from swl_viz.mpl.theme import _drawable, _plain, japanese_font
from swl_viz.plotspec import FigureKind, Plot

pytestmark = pytest.mark.skipif(japanese_font() is None, reason="no Japanese font installed")

CASES: list[tuple[FigureKind, dict[str, object]]] = [
    ("surface", {}),
    ("quiver", {"probe": (2.0, -3.0)}),
    ("contour", {"descent": (-6.0, 4.0)}),
    ("pair", {"label_smoothing": 0.2}),
    ("slice", {"variant": "book"}),
    ("losses", {}),
    ("simplex", {"t": (0.2, 0.5, 0.3)}),
    ("simplex", {"t": (0.2, 0.5, 0.3), "preset": "slides", "size": (1920, 1080)}),
]


@pytest.mark.parametrize(("figure", "options"), CASES, ids=lambda v: str(v))
def test_every_japanese_text_has_its_glyphs(figure: FigureKind, options: dict[str, object]) -> None:
    plot = Plot(figure, lang="ja", **options)  # type: ignore[arg-type]
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
        missing = []
        for text in fig.findobj(Text):
            if not text.get_visible() or not text.get_text():
                continue
            families = tuple(text.get_fontfamily())
            lost = {c for c in _plain(text.get_text()) if not _drawable(c, families)}
            if lost:
                missing.append((text.get_text()[:40], families, sorted(lost)))
    assert not missing, missing
