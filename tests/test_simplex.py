"""Three classes on the probability simplex beside the logit plane: the triangle's numbers
against a 50-digit reference, the descent drawn in both panels, the refusals, and a figure
whose every text stays on the canvas and clear of every other."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from slides_tools import drawn_shapes, polygons_overlap

from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import Plot


def _problems(plot: Plot) -> tuple[list[str], list[float]]:
    """Texts that leave the canvas or overlap, and every text's font size in pixels."""
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
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
    sizes = [float(t.get_fontsize()) * fig.dpi / 72.0 for t, _ in shapes]
    return out, sizes


CASES: dict[str, dict[str, Any]] = {
    "plain": {"t": (0.2, 0.5, 0.3)},
    "crowded": {"t": (0.2, 0.5, 0.3), "probe": (1.0, 0.0, -1.0), "descent": (3.0, -2.0, 0.0),
                "range": (-6.0, 6.0)},
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("size", ["default", "slides"])
def test_the_simplex_holds_together(case: str, size: str) -> None:
    extra: dict[str, Any] = {"preset": "slides", "size": (1920, 1080)} if size == "slides" else {}
    problems, sizes = _problems(Plot("simplex", **CASES[case], **extra))
    assert problems == []
    if size == "slides":
        assert min(sizes) >= 32.0, min(sizes)
